// PreparedWrite: a change to one store made ready for another store of the same Storage to commit in its own atomic write (e.g. a sent text's history and outbox entry); knows nothing of what is written.
import type { KeyValueBatchOperation, KeyValueStore } from './key-value-store.js'

/**
 * What a store hands over: key-value operations on its own store (stores over a KeyValueStore, such as
 * LevelDB's: the committing store puts them into its batch, so both land in one log record or neither), or,
 * for stores without durability, a function applying the change that the committing store calls in the same
 * turn as its own change (no reader can see one without the other); `owner` names the Storage it belongs to.
 */
export type PreparedWrite =
  | { kind: 'batch', store: KeyValueStore, operations: KeyValueBatchOperation[] }
  | { kind: 'apply', owner: object, apply: () => void }

/** Options of a write that also commits other stores' prepared writes atomically with its own. */
export interface AtomicWith {
  /** Prepared writes of other stores of the same Storage to commit in this write's atomic batch. */
  with?: PreparedWrite[]
}
