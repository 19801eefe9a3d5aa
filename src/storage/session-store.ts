// SessionStore: the ordered list of serialised sessions per (peer identity, deviceId), newest first, replaced atomically; knows nothing of ratchets.
import type { StoreOptions, DeviceAddress } from './types.js'

/**
 * Sessions kept per address, newest first. Older sessions only exist to decrypt
 * messages still in flight after a re-initiation or a simultaneous initiation;
 * libsignal keeps 40 archived states, we keep fewer because each session carries
 * up to the max skipped keys and every decrypt of an unknown message tries them
 * all (cost grows linearly).
 */
export const MAX_SESSIONS_PER_ADDRESS = 10

export interface SessionStore {
  /** The sessions of an address, newest (active) first; empty when none. */
  loadSessions (address: DeviceAddress, options?: StoreOptions): Promise<Uint8Array[]>
  /**
   * Atomically replaces the whole list for the address (newest first); entries beyond
   * MAX_SESSIONS_PER_ADDRESS are dropped (the oldest). An empty list deletes. Synced:
   * a lost send-chain update would reuse a message key.
   */
  storeSessions (address: DeviceAddress, sessions: Uint8Array[], options?: StoreOptions): Promise<void>
  /** Deletes the sessions of one address. */
  deleteSessions (address: DeviceAddress, options?: StoreOptions): Promise<void>
  /** Deletes the sessions of every device of an identity (e.g. after its key changed). */
  deleteAllSessions (identityKey: Uint8Array, options?: StoreOptions): Promise<void>
  /** Addresses that have sessions, optionally only those of one identity. */
  listAddresses (identityKey?: Uint8Array, options?: StoreOptions): Promise<DeviceAddress[]>
}
