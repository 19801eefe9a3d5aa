// Validation of generic store names (they become sublevel names).
import { InvalidStoreKeyError } from './errors.js'

/** Reserved names used by the built-in stores. */
const RESERVED_STORE_NAMES = ['identity', 'prekeys', 'sessions', 'sender-keys', 'replay', 'outbox', 'messages']

export function assertStoreName (name: string): void {
  if (!/^[a-z0-9-]{1,64}$/.test(name) || RESERVED_STORE_NAMES.includes(name)) {
    throw new InvalidStoreKeyError('store name must be [a-z0-9-]{1,64} and not reserved')
  }
}
