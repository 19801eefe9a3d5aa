/** The prekey service's limits, each with its reason (docs/prekeys.md lists them). */
import type { RateWindow } from '../rate-limit.js'

/**
 * One-time keys of each kind held per device. Clients upload batches of 100 and top up when low;
 * 200 covers a burst of new contacts between top-ups while bounding disk use to ~260 KB per device
 * (ML-KEM keys are 1.2 KB).
 */
const MAX_STORED_PER_DEVICE = 200

/**
 * Devices of one identity holding prekeys here. An identity has up to 6 devices (the first and its
 * companions: the directory record's MAX_DEVICES, which test/relay/prekey-store.test.ts keeps equal). The per-device limits alone bound nothing: the identity key signs any device id its
 * owner likes, so without this cap one hostile owner could store 200 + 200 keys under each of 2^32
 * invented device ids and fill the relay. With it an identity holds at most ~1.6 MB here; a 7th
 * device is refused (PreKeyLimitError, LIMIT_EXCEEDED) until one is retired.
 */
const MAX_DEVICES_PER_IDENTITY = 6

/** Fetches by one requester, of anyone's bundle: a client starting sessions with a large group needs one per member device at once. */
const FETCHES_PER_REQUESTER: RateWindow[] = [{ max: 120, windowMs: 60_000 }]

/**
 * Fetches by one requester of one device's bundle. A client needs one bundle per session it starts
 * (one per device of the recipient); a few more cover retries. This stops one peer from draining a
 * device's one-time keys (many peers still can: then the last-resort KEM key takes over, as in Signal).
 * Counted per device so that a sender reaching all of a contact's devices is not refused.
 */
const FETCHES_PER_REQUESTER_PER_DEVICE: RateWindow[] = [{ max: 5, windowMs: 10 * 60_000 }]

export interface PreKeyLimits {
  maxStoredPerDevice: number
  maxDevicesPerIdentity: number
  fetchesPerRequester: RateWindow[]
  fetchesPerRequesterPerDevice: RateWindow[]
}

export const DEFAULT_PREKEY_LIMITS: PreKeyLimits = {
  maxStoredPerDevice: MAX_STORED_PER_DEVICE,
  maxDevicesPerIdentity: MAX_DEVICES_PER_IDENTITY,
  fetchesPerRequester: FETCHES_PER_REQUESTER,
  fetchesPerRequesterPerDevice: FETCHES_PER_REQUESTER_PER_DEVICE
}
