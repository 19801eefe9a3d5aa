// SenderKeyStore: group sender key states by (group id, sender address, distribution id); states are opaque bytes.
import type { AbortOptions, DeviceAddress } from './types.js'

export interface SenderKeyName {
  groupId: string
  sender: DeviceAddress
  distributionId: string
}

export interface SenderKeyStore {
  /** Stores a state; synced (a lost own-chain update would reuse a message key). */
  storeSenderKey (name: SenderKeyName, state: Uint8Array, options?: AbortOptions): Promise<void>
  loadSenderKey (name: SenderKeyName, options?: AbortOptions): Promise<Uint8Array | undefined>
  removeSenderKey (name: SenderKeyName, options?: AbortOptions): Promise<void>
  /** Removes every state of a group (leaving or rotation after a removal). */
  removeGroup (groupId: string, options?: AbortOptions): Promise<void>
  /** Names stored for a group. */
  listSenderKeys (groupId: string, options?: AbortOptions): Promise<SenderKeyName[]>
}
