/** Call limits and timings, each with its reason (docs/calls.md); knows no peer connection, store or network. */

/** A ring lasts this long (issue 19: "expires after 45 s"); then the caller gives up and the callee stops ringing. */
export const RING_TIMEOUT_MS = 45_000
/** An offer whose call began longer ago than this (by the caller's clock, plus skew) is recorded as missed, not rung. */
export const STALE_OFFER_MS = RING_TIMEOUT_MS + 15_000
/**
 * How long a description waits for ICE candidates before it is sent: host candidates come in milliseconds,
 * server-reflexive and relayed ones take a round trip to STUN/TURN. Later candidates trickle in ICE signals.
 */
export const ICE_GATHER_WAIT_MS = 1_500
/** Candidates found after the description are sent together after this pause (one signal for a burst). */
export const ICE_TRICKLE_BATCH_MS = 100
/** A connection lost for this long gets an ICE restart from the caller (a network change, a sleeping laptop). */
export const RECONNECT_AFTER_MS = 2_000
/** A call that has not come back this long after losing its connection ends as failed. */
export const RECONNECT_TIMEOUT_MS = 30_000
/** From accepting until media flows: longer and the call ends as failed (ICE through TURN takes a few seconds at most). */
export const CONNECT_TIMEOUT_MS = 30_000
/** How long the outbox keeps trying a ring, an answer or candidates: past the ring they mean nothing. */
export const SIGNAL_TTL_MS = RING_TIMEOUT_MS
/** How long a hang-up is kept trying: it records the missed call on a device that was offline during the ring. */
export const HANGUP_TTL_MS = 24 * 60 * 60_000
/** Largest SDP taken: a browser's offer with every codec is ~6 KiB; more is not a description. */
export const MAX_SDP_BYTES = 32 * 1024
/** Candidates in one signal: a device has a handful of interfaces × protocols × servers. */
export const MAX_CANDIDATES = 64
/** Longest candidate line (RFC 8839 grammar with a long hostname or mDNS name). */
export const MAX_CANDIDATE_LENGTH = 512
/** A call id is 16 random bytes. */
export const CALL_ID_BYTES = 16
/** Calls kept in the call log: older entries are dropped as new ones come. */
export const MAX_CALL_LOG = 1_000
/** Renegotiations in one call (ICE restarts): a peer that asks for more is misbehaving. */
export const MAX_UPDATES = 1_000
/** A group's id is 32 bytes (src/groups). */
export const GROUP_ID_BYTES = 32
/**
 * Participants of a group call, a full mesh: each sends its media once per other participant. Decided from
 * `call.mesh.cpu` (docs/benchmarks.md): at 8, each tab encodes 7 video streams at a reduced size; beyond it an SFU is needed.
 */
export const MAX_GROUP_CALL_PARTICIPANTS = 8
/** SFrame base keys: 16..64 bytes (the SFrame layer's bounds). */
export const SFRAME_KEY_MIN_BYTES = 16
export const SFRAME_KEY_MAX_BYTES = 64
/** After a new sending key went out, frames switch to it this much later, once receivers have it (docs/sframe.md). */
export const KEY_SWITCH_DELAY_MS = 1_000
/** A sender's previous key is kept this long after its next one arrives, for frames already on their way. */
export const OLD_KEY_GRACE_MS = 5_000
