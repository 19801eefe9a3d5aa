/** Protocol id, sizes, batch limits and timeouts of the one-time prekey service (/parley/prekeys/1.0.0). */

export const PROTOCOL_PREFIX = 'parley'
export const PROTOCOL_NAME = 'prekeys'
export const PROTOCOL_VERSION = '1.0.0'
export const PREKEYS_PROTOCOL = `/${PROTOCOL_PREFIX}/${PROTOCOL_NAME}/${PROTOCOL_VERSION}`

/** One-time keys of each kind in one upload: a client tops up in batches of this size. */
export const MAX_UPLOAD_BATCH = 100

/** Encoded public key sizes (protobuf: id, key, signature, flags): X25519 32-byte keys, ML-KEM-768 1184-byte keys, Ed25519 64-byte signatures. */
export const MAX_ONE_TIME_PREKEY_SIZE = 64
export const MAX_SIGNED_PREKEY_SIZE = 128
export const MAX_KEM_PREKEY_SIZE = 1184 + 64 + 32

/** Largest frame: a full upload (100 KEM + 100 X25519 one-time keys, the signed and last-resort keys, framing) fits with room to spare. */
export const MAX_MESSAGE_SIZE = 256 * 1024

/** An upload's timestamp may differ from the relay's clock by this much (clock skew plus transit); older uploads cannot be replayed later. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000

/** One exchange (an upload verifies up to 102 signatures and writes to disk) @default */
export const TIMEOUT = 10_000

/** A client starting sessions with a group fetches many bundles at once over one connection. */
export const MAX_INBOUND_STREAMS = 32
export const MAX_OUTBOUND_STREAMS = 32
