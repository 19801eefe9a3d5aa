/** Protocol id, sizes and timeouts of the relays' TURN credential protocol (/parley/turn/1.0.0). Knows nothing of TURN servers or how credentials are made. */

export const TURN_PROTOCOL = '/parley/turn/1.0.0'

/**
 * ICE servers in one answer: a relay offers its own server (STUN and TURN urls in one entry); a few more leave room
 * for a relay fronting a TURN server per address family without a protocol change.
 */
export const MAX_ICE_SERVERS = 4

/** Urls of one ICE server: stun, turn over UDP and TCP, turns, for IPv4 and IPv6 is eight. */
export const MAX_ICE_URLS = 8

/** Characters of one url: a DNS name (at most 253) plus scheme, port and query. */
export const MAX_ICE_URL_CHARS = 300

/** Characters of a TURN username: RFC 8489 allows 509 bytes; Parley's are about 34 ("<unix seconds>:<22 base64url characters>"). */
export const MAX_TURN_USERNAME_CHARS = 256

/** Characters of a TURN credential: base64 of an HMAC-SHA1 is 28; room for a longer MAC. */
export const MAX_TURN_CREDENTIAL_CHARS = 256

/**
 * A frame: the largest answer (MAX_ICE_SERVERS entries of MAX_ICE_URLS urls, a username and a credential, each at its
 * maximum) is about 11 KiB; every other frame is a few hundred bytes.
 */
export const MAX_TURN_FRAME_BYTES = 16 * 1024

/**
 * ms one exchange may take, both ends (the request, the challenge, the signed answer, the relay's work): a few round
 * trips and a signature check; a slow link still makes it in well under this.
 */
export const TURN_TIMEOUT_MS = 10_000

/** Streams per connection: a device asks once per call (per relay), a few calls' set-ups may overlap. */
export const MAX_INBOUND_STREAMS = 4
export const MAX_OUTBOUND_STREAMS = 4
