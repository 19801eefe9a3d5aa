/** Media limits and formats, each with its reason (docs/media.md); knows no transfer, store or crypto. */

/** Version of the attachment descriptor; a decoder refuses others so a future format is never misread. */
export const ATTACHMENT_FORMAT = 1
/** Largest file sent: 2 GiB, the bound (and WhatsApp's); transfers stream, so memory does not grow with it. */
export const MAX_FILE_BYTES = 2 * 1024 ** 3
/** A file name's longest form, in characters: what file systems allow (255). */
export const MAX_FILE_NAME_CHARS = 255
/** A media type is at most 127 characters of type and of subtype (RFC 6838 §4.2) and the slash. */
export const MAX_MIME_LENGTH = 255
/** Largest thumbnail in a message: a small JPEG preview (WhatsApp's are a few KiB); the content has room for it. */
export const MAX_THUMBNAIL_BYTES = 16 * 1024
/** A ThumbHash is at most 25 bytes; 32 leaves room. */
export const MAX_PLACEHOLDER_BYTES = 32
/** A voice note's waveform: one loudness byte per slice, 256 slices draw any bubble width. */
export const MAX_WAVEFORM_BYTES = 256
/** Relays one blob is at: the sender's mailbox relays (a handful). */
export const MAX_BLOB_RELAYS = 4
/** A relay's multiaddr (with its /p2p/ peer id) as the directory lists it. */
export const MAX_RELAY_ADDR_LENGTH = 512
/** Largest width or height: no photo or video is larger than this. */
export const MAX_DIMENSION = 100_000
/** Longest duration: a day of video or voice. */
export const MAX_DURATION_MS = 24 * 3600_000
/** Blob ids, file keys and plaintext hashes are 32 bytes (SHA-256, AES-256). */
export const BLOB_ID_BYTES = 32
export const FILE_KEY_BYTES = 32
export const SHA256_BYTES = 32
