// PreparedWrite: a change to one store made ready for another store of the same Storage to commit in its own atomic write (e.g. a sent text's history and outbox entry); knows nothing of what is written.
import type { KeyValueBatchOperation, KeyValueStore } from './key-value-store.js'

/**
 * What a store hands over: key-value operations on its own store; the committing store (of the same
 * database) puts them into its batch, so both land in one log record or neither.
 */
export interface PreparedWrite { kind: 'batch', store: KeyValueStore, operations: KeyValueBatchOperation[] }

/** Options of a write that also commits other stores' prepared writes atomically with its own. */
export interface AtomicWith {
  /** Prepared writes of other stores of the same Storage to commit in this write's atomic batch. */
  with?: PreparedWrite[]
}
