// Validation of replay ids.
import { InvalidStoreKeyError } from './errors.js'
import { MAX_REPLAY_ID_LENGTH } from './replay-store.js'

export function assertReplayId (id: Uint8Array): void {
  if (!(id instanceof Uint8Array) || id.length === 0 || id.length > MAX_REPLAY_ID_LENGTH) {
    throw new InvalidStoreKeyError(`replay id must be 1..${MAX_REPLAY_ID_LENGTH} bytes`)
  }
}
