/** Protocol id, URI scheme, sizes and timeouts of device linking (/parley/link/1.0.0). */

export const LINK_PROTOCOL = '/parley/link/1.0.0'
/** The URI scheme of a link code; the rest is the unpadded base64url of a LinkCodePb. */
export const LINK_URI_SCHEME = 'parley-link:'
export const LINK_CODE_VERSION = 1
/** Addresses a code carries: a few relay circuits and direct addresses; more only make the QR code denser. */
export const MAX_LINK_CODE_ADDRS = 8
/** Longest link URI accepted (a code with MAX_LINK_CODE_ADDRS long addresses is under 1.5 KiB). */
export const MAX_LINK_URI_CHARS = 4096
/**
 * Largest frame: an archive chunk of history and contacts. The approver fills chunks up to
 * LINK_ARCHIVE_CHUNK_BYTES; this leaves room for one entry that alone is larger (a profile photo).
 */
export const MAX_LINK_FRAME_BYTES = 1024 * 1024
/** The approver starts a new archive frame past this many bytes of entries. */
export const LINK_ARCHIVE_CHUNK_BYTES = 256 * 1024
/** How long either side waits for the other's next frame before giving up (a person may be reading a prompt meanwhile: no). */
export const LINK_FRAME_TIMEOUT_MS = 60_000
/** How long the approver tries to reach the new device. */
export const LINK_DIAL_TIMEOUT_MS = 30_000
