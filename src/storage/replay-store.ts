// ReplayStore: ids of processed first messages with the time they were seen, so a replayed prekey message is refused; ids are opaque bytes.
import type { StoreOptions } from './types.js'

/** Longest id accepted (bytes); ids are hashes. */
export const MAX_REPLAY_ID_LENGTH = 64

/**
 * Expiry is the caller's decision: it prunes marks seen before a cutoff once they can no
 * longer matter (the session layer: once the signed prekey such a message could use is gone).
 */
export interface ReplayStore {
  /** Records id as seen at `seenAt`. Returns false (and changes nothing) when it is already recorded. Synced. */
  markSeen (id: Uint8Array, seenAt: number, options?: StoreOptions): Promise<boolean>
  /** True when id is recorded. */
  hasSeen (id: Uint8Array, options?: StoreOptions): Promise<boolean>
  /** Forgets ids seen before `cutoff`; returns how many. Not synced (a lost delete is redone next time). */
  pruneSeenBefore (cutoff: number, options?: StoreOptions): Promise<number>
}
