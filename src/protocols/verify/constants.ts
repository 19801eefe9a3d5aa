/** Protocol id, sizes and timeouts of phone-number verification (/parley/verify/1.0.0). */

export const PROTOCOL_PREFIX = 'parley'
export const PROTOCOL_NAME = 'verify'
export const PROTOCOL_VERSION = '1.0.0'
export const VERIFY_PROTOCOL = `/${PROTOCOL_PREFIX}/${PROTOCOL_NAME}/${PROTOCOL_VERSION}`

/** Largest frame either side accepts: a request is a number (≤ 64 chars), a code and a 32-byte key; a response an attestation (≤ 200 bytes) and a short reason. */
export const MAX_MESSAGE_SIZE = 1024

/**
 * How long one inbound exchange may take. Confirming costs one scrypt (~100 ms) and a request
 * may wait for a webhook SMS gateway with retries (3 tries of ≤ 5 s plus backoff), so 30 s.
 */
export const TIMEOUT = 30_000

/** A verifier is one request at a time per client; a few streams per connection is plenty. */
export const MAX_INBOUND_STREAMS = 4
export const MAX_OUTBOUND_STREAMS = 4

/** Length of the SMS code. */
export const CODE_LENGTH = 6
/** Longest phone number string accepted on the wire (before normalisation). */
export const MAX_PHONE_LENGTH = 64
