// In-memory KeyValueStore: a Map plus a lazily sorted key list in UTF-8 order; for tests and ephemeral nodes, persists nothing.
import { CorruptRecordError, InvalidStoreKeyError, StoreClosedError } from '../errors.js'
import { compareUtf8 } from '../keys.js'
import { assertKey, inRange } from '../key-range.js'
import type { KeyRange, KeyValueBatchOperation, KeyValueEntry, KeyValueStore } from '../key-value-store.js'
import { throwIfAborted } from '../types.js'
import type { StoreOptions, BatchOptions, WriteOptions } from '../types.js'
import type { PreparedWrite } from '../prepared-write.js'

class MemoryTable {
  readonly map = new Map<string, Uint8Array>()
  private sorted: string[] | undefined
  closed = false

  set (key: string, value: Uint8Array): void {
    if (!this.map.has(key)) this.sorted = undefined
    this.map.set(key, new Uint8Array(value))
  }

  delete (key: string): void {
    if (this.map.delete(key)) this.sorted = undefined
  }

  /** Replaces every entry (backup restore). */
  replace (entries: Map<string, Uint8Array>): void {
    this.map.clear()
    this.sorted = undefined
    for (const [k, v] of entries) this.map.set(k, new Uint8Array(v))
  }

  keys (): string[] {
    this.sorted ??= [...this.map.keys()].sort(compareUtf8)
    return this.sorted
  }
}

export class MemoryKeyValueStore implements KeyValueStore {
  private readonly table: MemoryTable
  private readonly prefix: string
  /** what names the storage this store belongs to in prepared writes (the memory Storage's lifecycle) */
  private readonly owner: object

  constructor (table?: MemoryTable, prefix = '', owner?: object) {
    this.table = table ?? new MemoryTable()
    this.prefix = prefix
    this.owner = owner ?? this.table
  }

  prepare (operations: KeyValueBatchOperation[]): PreparedWrite {
    for (const op of operations) assertKey(op.key)
    const ops = operations.map(op => op.type === 'put' ? { ...op, value: new Uint8Array(op.value) } : { ...op })
    return { kind: 'apply', owner: this.owner, apply: () => { this.apply(ops) } }
  }

  private check (options?: StoreOptions): void {
    throwIfAborted(options)
    if (this.table.closed) throw new StoreClosedError()
  }

  async get (key: string, options?: StoreOptions): Promise<Uint8Array | undefined> {
    this.check(options)
    assertKey(key)
    const value = this.table.map.get(this.prefix + key)
    return value == null ? undefined : new Uint8Array(value)
  }

  async put (key: string, value: Uint8Array, options?: WriteOptions): Promise<void> {
    this.check(options)
    assertKey(key)
    this.table.set(this.prefix + key, value)
  }

  async del (key: string, options?: WriteOptions): Promise<void> {
    this.check(options)
    assertKey(key)
    this.table.delete(this.prefix + key)
  }

  async batch (operations: KeyValueBatchOperation[], options?: BatchOptions): Promise<void> {
    this.check(options)
    for (const op of operations) assertKey(op.key)
    const parts = (options?.with ?? []).map(part => this.foreign(part))
    for (const part of parts) if ('operations' in part) for (const op of part.operations) assertKey(op.key)
    // one synchronous run: no reader sees some of these changes without the others
    this.apply(operations)
    for (const part of parts) {
      if ('apply' in part) part.apply()
      else part.store.apply(part.operations)
    }
  }

  /** A prepared write this store can commit: operations on a memory store, or a change to apply in the same turn. */
  private foreign (part: PreparedWrite): { apply: () => void } | { store: MemoryKeyValueStore, operations: KeyValueBatchOperation[] } {
    if (part.kind === 'apply') return { apply: part.apply }
    if (!(part.store instanceof MemoryKeyValueStore)) throw new InvalidStoreKeyError('a prepared write must be of a memory store')
    return { store: part.store, operations: part.operations }
  }

  private apply (operations: KeyValueBatchOperation[]): void {
    for (const op of operations) {
      if (op.type === 'put') this.table.set(this.prefix + op.key, op.value)
      else this.table.delete(this.prefix + op.key)
    }
  }

  async * iterate (range: KeyRange = {}, options?: StoreOptions): AsyncIterable<KeyValueEntry> {
    this.check(options)
    // snapshot the matching keys so writes during iteration do not disturb it (like a LevelDB iterator)
    const keys = this.table.keys().filter(k => k.startsWith(this.prefix)).map(k => k.slice(this.prefix.length)).filter(k => inRange(k, range))
    if (range.reverse === true) keys.reverse()
    const limited = range.limit != null && range.limit >= 0 ? keys.slice(0, range.limit) : keys
    const entries = limited.map(key => ({ key, value: new Uint8Array(this.table.map.get(this.prefix + key) as Uint8Array) }))
    for (const entry of entries) {
      this.check(options)
      yield entry
    }
  }

  scope (prefix: string): KeyValueStore {
    assertKey(prefix)
    return new MemoryKeyValueStore(this.table, `${this.prefix}${prefix}/`, this.owner)
  }

  /** Copies of every entry of the whole table (all scopes), for backups. */
  snapshot (): Record<string, unknown> {
    return { table: new Map([...this.table.map].map(([k, v]) => [k, new Uint8Array(v)])) }
  }

  /** Replaces the whole table (all scopes) from a snapshot. */
  restore (state: Record<string, unknown>): void {
    const table = state.table
    if (!(table instanceof Map) || [...table].some(([k, v]) => typeof k !== 'string' || !(v instanceof Uint8Array))) throw new CorruptRecordError('memory snapshot: kv table')
    this.table.replace(table as Map<string, Uint8Array>)
  }

  /** Marks the store closed; later calls throw StoreClosedError. */
  close (): void {
    this.table.closed = true
  }
}
