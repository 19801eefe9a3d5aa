// Our own identity: the identity key pair plus registration data (deviceId, createdAt), created once and kept in the IdentityStore.
import { IdentityKeyPair } from '../crypto/index.js'
import type { RandomSource } from '../crypto/index.js'
import { assertUint32, CorruptRecordError } from '../storage/index.js'
import type { StoreOptions, IdentityStore } from '../storage/index.js'

const RECORD_VERSION = 1

export interface LocalIdentity {
  identity: IdentityKeyPair
  /** this device's id in the device certificate; 1 for the first device */
  deviceId: number
  /** ms since epoch */
  createdAt: number
}

/** `[v=1][deviceId u32 BE][createdAt u64 BE][identity key pair]` */
export function encodeLocalIdentity (local: LocalIdentity): Uint8Array {
  const kp = local.identity.serialize()
  const out = new Uint8Array(13 + kp.length)
  const view = new DataView(out.buffer)
  out[0] = RECORD_VERSION
  view.setUint32(1, local.deviceId)
  view.setUint32(5, Math.floor(local.createdAt / 0x100000000))
  view.setUint32(9, local.createdAt >>> 0)
  out.set(kp, 13)
  kp.fill(0)
  return out
}

export function decodeLocalIdentity (bytes: Uint8Array): LocalIdentity {
  if (bytes.length < 14 || bytes[0] !== RECORD_VERSION) throw new CorruptRecordError('bad local identity record')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return {
    deviceId: view.getUint32(1),
    createdAt: view.getUint32(5) * 0x100000000 + view.getUint32(9),
    identity: IdentityKeyPair.deserialize(bytes.subarray(13))
  }
}

export interface CreateLocalIdentityParams {
  random: RandomSource
  now: () => number
  /** defaults to 1 (the first device) */
  deviceId?: number
}

/** Loads our identity, or creates and stores (synced) a new one on first start. */
export async function loadOrCreateLocalIdentity (store: IdentityStore, params: CreateLocalIdentityParams, options?: StoreOptions): Promise<LocalIdentity> {
  const existing = await store.loadLocalIdentity(options)
  if (existing != null) return decodeLocalIdentity(existing)
  const deviceId = params.deviceId ?? 1
  assertUint32(deviceId, 'deviceId')
  const local: LocalIdentity = { identity: IdentityKeyPair.generate(params.random), deviceId, createdAt: params.now() }
  await store.saveLocalIdentity(encodeLocalIdentity(local), options)
  return local
}
