/** The relay's TURN limits and defaults, each with its reason (docs/turn.md lists them). Knows nothing of libp2p. */
import type { RateWindow } from '../rate-limit.js'

/**
 * How long an issued credential may open allocations (1 hour). A call set up before the expiry keeps its allocation
 * after it (both coturn and the embedded server check the expiry only when an allocation is made), so the lifetime
 * needs to cover a call's set-up and an ICE restart soon after, not the call: short enough that a leaked
 * credential is worth little, long enough that a client may reuse one for the calls of the next hour instead of
 * asking every relay before every call.
 */
export const TURN_CREDENTIAL_TTL_MS = 60 * 60_000

/**
 * Credential requests per device: a call asks each of the account's relays once, an ICE restart or a group call
 * (one credential serves every peer connection) once more; ten a minute and sixty an hour is far above that and
 * bounds what one registered device makes the relay sign and (embedded) remember.
 */
export const TURN_REQUESTS_PER_DEVICE: RateWindow[] = [{ max: 10, windowMs: 60_000 }, { max: 60, windowMs: 60 * 60_000 }]

/**
 * Credentials the embedded server remembers at once (its user table, a few hundred bytes each): 10,000 is a busy
 * community relay's hour of calls; when full, requests are refused as rate limited until the oldest expire.
 */
export const MAX_EMBEDDED_CREDENTIALS = 10_000

/**
 * Allocations one credential may hold at once: a peer connection allocates once per local network interface
 * (two or three), and a mesh group call of 8 runs 7 peer connections on one credential: 7 × 3 = 21, rounded up.
 */
export const TURN_ALLOCATIONS_PER_CREDENTIAL = 32

/** The realm of the long-term credential mechanism both servers use (part of the key the TURN messages are signed with). */
export const TURN_REALM = 'parley'

/** The IANA port of STUN and TURN over UDP and TCP. */
export const DEFAULT_TURN_PORT = 3478

/** RFC 8656's range for relayed transport addresses (the dynamic ports), what both servers use by default. */
export const DEFAULT_TURN_MIN_PORT = 49152
export const DEFAULT_TURN_MAX_PORT = 65535

/** How often the embedded server forgets expired credentials that no allocation uses any more. */
export const TURN_SWEEP_INTERVAL_MS = 60_000

/**
 * Nonces of the long-term mechanism the embedded server remembers (node-turn keeps one per unauthenticated request
 * for an hour, with a timer each: an unbounded table anyone can fill); older ones are forgotten first, and a
 * client holding a forgotten nonce is answered 438 Stale Nonce and retries with a new one.
 */
export const MAX_TURN_NONCES = 10_000

/** How long a nonce of the embedded server stays valid (coturn's `stale-nonce` default). */
export const TURN_NONCE_TTL_MS = 10 * 60_000

/** ms the relay waits for its TURN server to answer STUN after starting it (coturn reads its config and opens its ports in well under a second). */
export const TURN_START_TIMEOUT_MS = 15_000

/** ms the relay waits for coturn to exit after asking it to, before killing it. */
export const TURN_STOP_TIMEOUT_MS = 5_000
