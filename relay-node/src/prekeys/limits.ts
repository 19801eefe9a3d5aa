/** The prekey service's limits, each with its reason (docs/prekeys.md lists them). */
import type { RateWindow } from '../rate-limit.js'

/**
 * One-time keys of each kind held per identity. Clients upload batches of 100 and top up when
 * low; 200 covers a burst of new contacts between top-ups while bounding disk use to ~260 KB per
 * identity (ML-KEM keys are 1.2 KB).
 */
const MAX_STORED_PER_IDENTITY = 200

/** Fetches by one requester, of anyone's bundle: a client starting sessions with a large group needs one per member at once. */
const FETCHES_PER_REQUESTER: RateWindow[] = [{ max: 120, windowMs: 60_000 }]

/**
 * Fetches by one requester of one identity's bundle. A client needs one bundle per session it
 * starts; a few more cover retries. This stops one peer from draining someone's one-time keys
 * (many peers still can: then the last-resort KEM key takes over, as in Signal).
 */
const FETCHES_PER_REQUESTER_PER_IDENTITY: RateWindow[] = [{ max: 5, windowMs: 10 * 60_000 }]

export interface PreKeyLimits {
  maxStoredPerIdentity: number
  fetchesPerRequester: RateWindow[]
  fetchesPerRequesterPerIdentity: RateWindow[]
}

export const DEFAULT_PREKEY_LIMITS: PreKeyLimits = {
  maxStoredPerIdentity: MAX_STORED_PER_IDENTITY,
  fetchesPerRequester: FETCHES_PER_REQUESTER,
  fetchesPerRequesterPerIdentity: FETCHES_PER_REQUESTER_PER_IDENTITY
}
