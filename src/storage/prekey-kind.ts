// Validation of PreKeyKind values coming from callers.
import { InvalidStoreKeyError } from './errors.js'
import { PRE_KEY_KINDS } from './prekey-store.js'
import type { PreKeyKind } from './prekey-store.js'

export function assertKind (kind: PreKeyKind): void {
  if (!PRE_KEY_KINDS.includes(kind)) throw new InvalidStoreKeyError('unknown prekey kind')
}
