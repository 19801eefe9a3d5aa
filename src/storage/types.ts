// Shared storage types: abort/write options and the (identity, device) address; no crypto, no I/O.
import { AbortError, InvalidStoreKeyError } from './errors.js'
import type { SyncGroup } from './sync-group.js'
import type { AtomicWith } from './prepared-write.js'
import type { AbortOptions } from '@libp2p/interface'

/** Every async storage API accepts this: libp2p's AbortOptions plus the sync group its writes join. */
export interface StoreOptions extends AbortOptions {
  /**
   * Writes this call would sync are written unsynced and registered with the group; the caller
   * flushes the group (one fsync) before it acknowledges anything. See SyncGroup.
   */
  syncGroup?: SyncGroup
}

/** Options of a write in the generic key-value store. */
export interface WriteOptions extends StoreOptions {
  /** fsync before resolving (LevelDB `sync: true`); see docs/storage.md "Durability". */
  sync?: boolean
}

/** Options of a batch in the generic key-value store: it may commit other stores' prepared writes with its own. */
export interface BatchOptions extends WriteOptions, AtomicWith {}

/**
 * A device of a peer: the peer's public identity key (opaque bytes, e.g. 32-byte Ed25519)
 * and the device id (uint32) from the device certificate.
 */
export interface DeviceAddress {
  identityKey: Uint8Array
  deviceId: number
}

/** Longest identity key accepted in a key (bytes); Ed25519 keys are 32, this leaves room for a type prefix. */
const MAX_IDENTITY_KEY_LENGTH = 64

/** Longest string id (group id, distribution id, contact id) accepted in a key, in UTF-8 bytes. */
export const MAX_ID_LENGTH = 256

/** Throws AbortError when the signal is already aborted. */
export function throwIfAborted (options?: AbortOptions): void {
  if (options?.signal?.aborted === true) {
    throw new AbortError()
  }
}

/** Validates a device address, throwing InvalidStoreKeyError. */
export function assertAddress (address: DeviceAddress): void {
  if (!(address.identityKey instanceof Uint8Array) || address.identityKey.length === 0 || address.identityKey.length > MAX_IDENTITY_KEY_LENGTH) {
    throw new InvalidStoreKeyError('identity key must be 1..64 bytes')
  }
  assertUint32(address.deviceId, 'deviceId')
}

/** Validates a uint32 id, throwing InvalidStoreKeyError. */
export function assertUint32 (value: number, what = 'id'): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new InvalidStoreKeyError(`${what} must be a uint32`)
  }
}

/** Validates a string id, throwing InvalidStoreKeyError. */
export function assertStringId (value: string, what = 'id'): void {
  if (typeof value !== 'string' || value.length === 0 || new TextEncoder().encode(value).length > MAX_ID_LENGTH) {
    throw new InvalidStoreKeyError(`${what} must be 1..${MAX_ID_LENGTH} UTF-8 bytes`)
  }
}
