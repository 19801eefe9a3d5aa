// Key layout of sender key states: `<hex group>/<hex identity>/<deviceId>/<hex distribution>`.
import { InvalidStoreKeyError } from './errors.js'
import { addressKey, fromStringKey, parseAddressKey, stringKey } from './keys.js'
import type { SenderKeyName } from './sender-key-store.js'
import { assertAddress, assertStringId } from './types.js'

export function groupPrefix (groupId: string): string {
  assertStringId(groupId, 'groupId')
  return `${stringKey(groupId)}/`
}

export function senderKeyKey (name: SenderKeyName): string {
  assertAddress(name.sender)
  assertStringId(name.distributionId, 'distributionId')
  return `${groupPrefix(name.groupId)}${addressKey(name.sender)}/${stringKey(name.distributionId)}`
}

export function parseSenderKeyKey (key: string): SenderKeyName {
  const parts = key.split('/')
  if (parts.length !== 4) throw new InvalidStoreKeyError('bad sender key key')
  return { groupId: fromStringKey(parts[0]), sender: parseAddressKey(`${parts[1]}/${parts[2]}`), distributionId: fromStringKey(parts[3]) }
}
