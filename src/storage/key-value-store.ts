// The generic ordered key-value store (string keys in UTF-8 byte order, opaque Uint8Array values); outboxes, mailboxes and history build on it.
import type { StoreOptions, BatchOptions, WriteOptions } from './types.js'
import type { PreparedWrite } from './prepared-write.js'

/** One operation of an atomic batch. */
export type KeyValueBatchOperation =
  | { type: 'put', key: string, value: Uint8Array }
  | { type: 'del', key: string }

/** A key range; `prefix` combines with the bounds (all must hold). Keys compare by UTF-8 bytes. */
export interface KeyRange {
  prefix?: string
  gt?: string
  gte?: string
  lt?: string
  lte?: string
  /** Iterate from the highest key down. */
  reverse?: boolean
  /** Stop after this many entries. */
  limit?: number
}

export interface KeyValueEntry {
  key: string
  value: Uint8Array
}

/** Longest key accepted (UTF-8 bytes): keys are structured paths, never payloads. */
export const MAX_KEY_LENGTH = 1024

export interface KeyValueStore {
  /** The value, or undefined when absent. Returned bytes are a private copy. */
  get (key: string, options?: StoreOptions): Promise<Uint8Array | undefined>
  /** Stores a copy of value. */
  put (key: string, value: Uint8Array, options?: WriteOptions): Promise<void>
  /** Deletes key; deleting an absent key is not an error. */
  del (key: string, options?: WriteOptions): Promise<void>
  /**
   * Applies all operations atomically, in order, together with `options.with` (prepared writes of other stores
   * of the same Storage, applied after ours); a prepared write of another kind of store is InvalidStoreKeyError.
   */
  batch (operations: KeyValueBatchOperation[], options?: BatchOptions): Promise<void>
  /** These operations made ready for another store of the same Storage to commit with its own write (see `BatchOptions.with`). */
  prepare (operations: KeyValueBatchOperation[]): PreparedWrite
  /** Entries of the range in key order (or reverse). */
  iterate (range?: KeyRange, options?: StoreOptions): AsyncIterable<KeyValueEntry>
  /** A view of this store under `<prefix>/`; keys of the view omit the prefix. */
  scope (prefix: string): KeyValueStore
}
