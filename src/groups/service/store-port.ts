/** What the group service keeps in the client's group store (src/groups/store): groups, change logs, dedupe marks, causal history, sender-key facts, per-member receipts, the group photo. Knows no transport. */
import type { StoreOptions } from '../../storage/index.js'
import type { ChangeArchive } from './membership.js'
import type { SenderKeyFacts } from './keys.js'
import type { PhotoStore } from './photos.js'

export interface GroupRecordLike {
  id: Uint8Array
  name: string
  joinedAt: number
  leftAt?: number
}

export interface GroupStorePort extends ChangeArchive, SenderKeyFacts, PhotoStore {
  putGroup: (record: GroupRecordLike, options?: StoreOptions) => Promise<void>
  getGroup: (groupId: Uint8Array, options?: StoreOptions) => Promise<GroupRecordLike | undefined>
  listGroups: (options?: StoreOptions) => Promise<GroupRecordLike[]>
  markLeft: (groupId: Uint8Array, at: number, options?: StoreOptions) => Promise<void>
  isSeen: (groupId: Uint8Array, ref: Uint8Array, options?: StoreOptions) => Promise<boolean>
  markSeen: (groupId: Uint8Array, ref: Uint8Array, at: number, options?: StoreOptions) => Promise<void>
  loadHistory: (groupId: Uint8Array, options?: StoreOptions) => Promise<Uint8Array | undefined>
  saveHistory: (groupId: Uint8Array, bytes: Uint8Array, options?: StoreOptions) => Promise<void>
  setReceipt: (groupId: Uint8Array, messageId: string, member: string, type: 'delivered' | 'read', at: number, options?: StoreOptions) => Promise<void>
  receipts: (groupId: Uint8Array, messageId: string, options?: StoreOptions) => Promise<Array<{ member: string, deliveredAt?: number, readAt?: number }>>
}
