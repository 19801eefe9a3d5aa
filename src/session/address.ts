// Peer device addresses for the session layer: (identity key, deviceId), with a string form for locks and logs (public data only).
import { assertAddress, toHex } from '../storage/index.js'
import { constantTimeEqual } from '../crypto/bytes.js'
import type { DeviceAddress } from '../storage/index.js'

export type { DeviceAddress }

/** `<hex identity>.<deviceId>`: public identifiers only, safe to log. */
export function addressToString (address: DeviceAddress): string {
  assertAddress(address)
  return `${toHex(address.identityKey)}.${address.deviceId}`
}

export function sameAddress (a: DeviceAddress, b: DeviceAddress): boolean {
  return a.deviceId === b.deviceId && constantTimeEqual(a.identityKey, b.identityKey)
}
