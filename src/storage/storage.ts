// Storage: the bundle of all stores one device uses, so upper layers take one object.
import type { IdentityStore } from './identity-store.js'
import type { KeyValueStore } from './key-value-store.js'
import type { MessageStore } from './message-store.js'
import type { OutboxStore } from './outbox-store.js'
import type { PreKeyStore } from './prekey-store.js'
import type { ReplayStore } from './replay-store.js'
import type { SenderKeyStore } from './sender-key-store.js'
import type { SessionStore } from './session-store.js'
import type { KeyValueEntry } from './key-value-store.js'
import type { StoreOptions } from './types.js'

export interface Storage {
  identity: IdentityStore
  preKeys: PreKeyStore
  sessions: SessionStore
  senderKeys: SenderKeyStore
  replay: ReplayStore
  /** outgoing messages and receipts until acknowledged */
  outbox: OutboxStore
  /** history, conversation summaries and incoming dedup marks */
  messages: MessageStore
  /** A generic store for one concern (e.g. 'outbox'); names are [a-z0-9-]. */
  kv (name: string): KeyValueStore
  /**
   * Which storage's raw entries `entries()` yields ('level' or 'memory', the LevelDB stores over memory-level):
   * a backup of one restores only into the same kind (browsers and Node both use 'level').
   */
  readonly kind: StorageKind
  /** Every entry of every store, raw, in key order: what a backup carries. Values are copies. */
  entries (options?: StoreOptions): AsyncIterable<KeyValueEntry>
  /**
   * Replaces everything stored with `entries` in one atomic, synced write; `[]` clears. Entries are
   * validated before anything changes: malformed ones throw CorruptRecordError and leave the store as it was.
   */
  replaceAll (entries: KeyValueEntry[], options?: StoreOptions): Promise<void>
  close (): Promise<void>
}

export type StorageKind = 'level' | 'memory'
