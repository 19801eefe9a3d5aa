// SenderKeyStore: group sender key states by (group id, sender address, distribution id); states are opaque bytes.
import type { StoreOptions, DeviceAddress } from './types.js'

export interface SenderKeyName {
  groupId: string
  sender: DeviceAddress
  distributionId: string
}

export interface SenderKeyStore {
  /** Stores a state; synced (a lost own-chain update would reuse a message key). */
  storeSenderKey (name: SenderKeyName, state: Uint8Array, options?: StoreOptions): Promise<void>
  loadSenderKey (name: SenderKeyName, options?: StoreOptions): Promise<Uint8Array | undefined>
  removeSenderKey (name: SenderKeyName, options?: StoreOptions): Promise<void>
  /** Removes every state of a group (leaving or rotation after a removal). */
  removeGroup (groupId: string, options?: StoreOptions): Promise<void>
  /** Names stored for a group. */
  listSenderKeys (groupId: string, options?: StoreOptions): Promise<SenderKeyName[]>
}
