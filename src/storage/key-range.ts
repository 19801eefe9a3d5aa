// Key validation and range membership of the generic KeyValueStore, shared by both implementations.
import { InvalidStoreKeyError } from './errors.js'
import { compareUtf8, utf8 } from './keys.js'
import { MAX_KEY_LENGTH } from './key-value-store.js'
import type { KeyRange } from './key-value-store.js'

/** Validates a key of the generic store. */
export function assertKey (key: string): void {
  if (typeof key !== 'string' || key.length === 0 || utf8.encode(key).length > MAX_KEY_LENGTH) {
    throw new InvalidStoreKeyError(`key must be 1..${MAX_KEY_LENGTH} UTF-8 bytes`)
  }
}

/** True when key lies in range. */
export function inRange (key: string, range: KeyRange): boolean {
  if (range.prefix != null && !key.startsWith(range.prefix)) return false
  if (range.gt != null && compareUtf8(key, range.gt) <= 0) return false
  if (range.gte != null && compareUtf8(key, range.gte) < 0) return false
  if (range.lt != null && compareUtf8(key, range.lt) >= 0) return false
  if (range.lte != null && compareUtf8(key, range.lte) > 0) return false
  return true
}
