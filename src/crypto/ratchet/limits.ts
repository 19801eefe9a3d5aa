/** Double Ratchet resource limits, each with the reason for its value; knows nothing else. */

/**
 * Most message keys one incoming message may make us derive and store (per chain).
 * A legitimate sender rarely has more than a few hundred messages in flight; 2000 covers
 * long offline periods while bounding the work an attacker-chosen counter can cause
 * (2000 HMAC pairs ≈ a few ms). Checked before any key is derived.
 */
export const MAX_FORWARD_JUMP = 2000

/**
 * Most skipped message keys kept per session; oldest evicted first. Equal to the forward
 * jump so a single maximal jump still fits, and bounds state size (≈ 2000 × 80 bytes).
 */
export const MAX_SKIPPED_KEYS = 2000

/**
 * Most receiving chains kept (one per peer ratchet key). Late messages from older chains
 * than this can only be decrypted via their stored skipped keys; 5 matches libsignal.
 */
export const MAX_RECEIVER_CHAINS = 5

/** Largest message counter (uint32 on the wire). */
export const MAX_COUNTER = 0xffffffff
