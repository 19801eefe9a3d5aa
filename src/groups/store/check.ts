/** Input checks at the group store's boundary: every argument's type, length and range, throwing GroupStoreInputError before anything is read or written; knows no keys or records. */
import { toHex } from '../../crypto/bytes.js'
import { IDENTITY_KEY_LENGTH } from '../../crypto/identity.js'
import { E164 } from '../../util/phone.js'
import { GROUP_CHANGE_HASH_LENGTH, GROUP_ID_LENGTH, MAX_E164_LENGTH, MAX_GROUP_CHANGE_BYTES, MAX_GROUP_NAME_LENGTH } from '../constants.js'
import type { DeviceAddress } from '../../storage/types.js'
import { MAX_RELAY_CURSOR_BYTES, MAX_RELAY_PEER_ID_LENGTH } from './constants.js'
import { GROUP_MESSAGE_REF_LENGTH } from '../constants.js'
import { GroupStoreInputError } from './errors.js'

const bytesOf = (value: unknown, length: number, what: string): Uint8Array => {
  if (!(value instanceof Uint8Array) || value.length !== length) throw new GroupStoreInputError(`${what} must be ${length} bytes`)
  return value
}

/** A group id (32 bytes) as the 64 lowercase hex digits of its keys. */
export function groupHex (groupId: unknown): string {
  return toHex(bytesOf(groupId, GROUP_ID_LENGTH, 'group id'))
}

/** A group message ref (16 bytes) as hex. */
export function refHex (ref: unknown): string {
  return toHex(bytesOf(ref, GROUP_MESSAGE_REF_LENGTH, 'message ref'))
}

/** A change hash (32 bytes) as hex. */
export function hashHex (hash: unknown): string {
  return toHex(bytesOf(hash, GROUP_CHANGE_HASH_LENGTH, 'change hash'))
}

/** An identity key (32 bytes) as hex. */
export function identityHex (key: unknown): string {
  return toHex(bytesOf(key, IDENTITY_KEY_LENGTH, 'identity key'))
}

/** The encoded change: 1..MAX_GROUP_CHANGE_BYTES bytes (the decode boundary's own bound). */
export function checkChangeBytes (bytes: unknown): Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0 || bytes.length > MAX_GROUP_CHANGE_BYTES) {
    throw new GroupStoreInputError(`a change must be 1..${MAX_GROUP_CHANGE_BYTES} bytes`)
  }
  return bytes
}

/** A time in milliseconds since the epoch: a non-negative safe integer. */
export function checkTime (value: unknown, what = 'time'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new GroupStoreInputError(`${what} must be a non-negative integer`)
  return value
}

/** A uint32 (chain ids, device ids). */
export function checkU32 (value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new GroupStoreInputError(`${what} must be a uint32`)
  return value
}

/** A member device: a 32-byte identity key and a uint32 device id. */
export function checkDevice (device: unknown): DeviceAddress {
  if (device == null || typeof device !== 'object') throw new GroupStoreInputError('a device must be { identityKey, deviceId }')
  const d = device as Partial<DeviceAddress>
  identityHex(d.identityKey)
  checkU32(d.deviceId, 'device id')
  return d as DeviceAddress
}

/** A message id: 16 bytes as 32 lowercase hex digits (as newMessageId makes them). */
export function checkMessageId (id: unknown): string {
  if (typeof id !== 'string' || !/^[0-9a-f]{32}$/.test(id)) throw new GroupStoreInputError('message id must be 32 lowercase hex digits')
  return id
}

/** A member's number in E.164 (no '/' can reach a key). */
export function checkE164 (e164: unknown): string {
  if (typeof e164 !== 'string' || e164.length > MAX_E164_LENGTH || !E164.test(e164)) throw new GroupStoreInputError('member must be an E.164 number')
  return e164
}

/** A cached group name: 0..MAX_GROUP_NAME_LENGTH code points (empty while the creation has not arrived). */
export function checkName (name: unknown): string {
  if (typeof name !== 'string' || [...name].length > MAX_GROUP_NAME_LENGTH) throw new GroupStoreInputError(`name must be at most ${MAX_GROUP_NAME_LENGTH} characters`)
  return name
}

/** A relay's peer id as text (base58btc or base32: letters and digits only, so it is a key part as it is). */
export function checkPeerId (peerId: unknown): string {
  if (typeof peerId !== 'string' || peerId.length > MAX_RELAY_PEER_ID_LENGTH || !/^[A-Za-z0-9]+$/.test(peerId)) {
    throw new GroupStoreInputError(`relay peer id must be 1..${MAX_RELAY_PEER_ID_LENGTH} letters and digits`)
  }
  return peerId
}

/** A relay's fetch cursor: an opaque string of 1..MAX_RELAY_CURSOR_BYTES UTF-8 bytes. */
export function checkCursor (cursor: unknown): Uint8Array {
  const bytes = typeof cursor === 'string' ? new TextEncoder().encode(cursor) : undefined
  // a lone surrogate would not read back as written
  if (bytes == null || bytes.length === 0 || bytes.length > MAX_RELAY_CURSOR_BYTES || new TextDecoder().decode(bytes) !== cursor) {
    throw new GroupStoreInputError(`relay cursor must be 1..${MAX_RELAY_CURSOR_BYTES} UTF-8 bytes`)
  }
  return bytes
}

/** An array of at most `max` elements. */
export function checkArray<T> (value: unknown, max: number, what: string, limit: (message: string) => Error): T[] {
  if (!Array.isArray(value)) throw new GroupStoreInputError(`${what} must be an array`)
  if (value.length > max) throw limit(`at most ${max} ${what} at once`)
  return value as T[]
}
