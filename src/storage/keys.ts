// Structured key building for the stores (hex identities, fixed-width ids) and UTF-8 key ordering; knows nothing of values.
import { fromHex, toHex } from '../crypto/bytes.js'
import type { DeviceAddress } from './types.js'

export { fromHex, toHex }

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** A uint32 as 8 hex digits, so that key order equals numeric order. */
export function u32Key (value: number): string {
  return value.toString(16).padStart(8, '0')
}

/** A non-negative integer up to 2^53 as 14 hex digits (timestamps), so key order equals numeric order. */
export function u53Key (value: number): string {
  return Math.max(0, Math.floor(value)).toString(16).padStart(14, '0')
}

/** A free-form string id as hex of its UTF-8, so it can never contain the '/' separator. */
export function stringKey (value: string): string {
  return toHex(encoder.encode(value))
}

/** Inverse of stringKey. */
export function fromStringKey (key: string): string {
  return decoder.decode(fromHex(key))
}

/** `<hex identity>/<deviceId>` */
export function addressKey (address: DeviceAddress): string {
  return `${toHex(address.identityKey)}/${u32Key(address.deviceId)}`
}

/** Inverse of addressKey. */
export function parseAddressKey (key: string): DeviceAddress {
  const [identity, device] = key.split('/')
  return { identityKey: fromHex(identity), deviceId: parseInt(device, 16) }
}

/** Compares strings by their UTF-8 bytes (code point order), the order LevelDB uses. */
export function compareUtf8 (a: string, b: string): number {
  if (a === b) return 0
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const ca = a.codePointAt(i) as number
    const cb = b.codePointAt(j) as number
    if (ca !== cb) return ca < cb ? -1 : 1
    i += ca > 0xffff ? 2 : 1
    j += cb > 0xffff ? 2 : 1
  }
  if (i >= a.length && j >= b.length) return 0
  return i >= a.length ? -1 : 1
}

export const utf8 = {
  encode: (s: string): Uint8Array => encoder.encode(s),
  decode: (b: Uint8Array): string => decoder.decode(b)
}
