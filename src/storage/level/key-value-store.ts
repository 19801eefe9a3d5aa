// LevelDB KeyValueStore over one sublevel: string keys (UTF-8 byte order), Uint8Array values, byte-exact prefix ranges.
import { compareBytes } from '../../crypto/bytes.js'
import { AbortError, InvalidStoreKeyError, StoreClosedError } from '../errors.js'
import { utf8 } from '../keys.js'
import type { KeyRange, KeyValueBatchOperation, KeyValueEntry, KeyValueStore } from '../key-value-store.js'
import type { PreparedWrite } from '../prepared-write.js'
import { assertKey, inRange } from '../key-range.js'
import { throwIfAborted } from '../types.js'
import type { StoreOptions, BatchOptions, WriteOptions } from '../types.js'

/** The part of an abstract-level database (or sublevel) this module uses. */
export interface LevelLike {
  readonly status: string
  /** `permanence` false: a database in memory (memory-level), where a sync has nothing to make durable */
  readonly supports: { readonly permanence: boolean }
  get (key: string, options?: object): Promise<Uint8Array | undefined>
  put (key: string, value: Uint8Array, options?: object): Promise<void>
  del (key: string, options?: object): Promise<void>
  batch (operations: Array<{ type: 'put', key: string, value: Uint8Array, sublevel?: LevelLike } | { type: 'del', key: string, sublevel?: LevelLike }>, options?: object): Promise<void>
  iterator (options: object): AsyncIterable<[Uint8Array, Uint8Array]> & { close: () => Promise<void> }
}

const KEY_VIEW = { keyEncoding: 'utf8', valueEncoding: 'view' }

/** The smallest byte string greater than every string starting with `prefix`, or undefined if none (all 0xff). */
function prefixEnd (prefix: Uint8Array): Uint8Array | undefined {
  const out = new Uint8Array(prefix)
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] < 0xff) {
      out[i]++
      return out.slice(0, i + 1)
    }
  }
  return undefined
}

interface Bound { key: Uint8Array, inclusive: boolean }

/** Byte bounds for LevelDB from a KeyRange under a store prefix. */
function levelBounds (storePrefix: string, range: KeyRange): { lower: Bound, upper?: Bound } {
  const p = storePrefix + (range.prefix ?? '')
  let lower: Bound = { key: utf8.encode(p), inclusive: true }
  const lowers: Bound[] = []
  if (range.gt != null) lowers.push({ key: utf8.encode(storePrefix + range.gt), inclusive: false })
  if (range.gte != null) lowers.push({ key: utf8.encode(storePrefix + range.gte), inclusive: true })
  for (const b of lowers) {
    const c = compareBytes(b.key, lower.key)
    if (c > 0 || (c === 0 && !b.inclusive)) lower = b
  }
  const end = prefixEnd(utf8.encode(p))
  let upper: Bound | undefined = end == null ? undefined : { key: end, inclusive: false }
  const uppers: Bound[] = []
  if (range.lt != null) uppers.push({ key: utf8.encode(storePrefix + range.lt), inclusive: false })
  if (range.lte != null) uppers.push({ key: utf8.encode(storePrefix + range.lte), inclusive: true })
  for (const b of uppers) {
    if (upper == null) { upper = b; continue }
    const c = compareBytes(b.key, upper.key)
    if (c < 0 || (c === 0 && !b.inclusive)) upper = b
  }
  return upper == null ? { lower } : { lower, upper }
}

/** Maps abstract-level errors to the storage error classes. */
export function mapLevelError (err: unknown): Error {
  const code = (err as { code?: string }).code
  if (code === 'LEVEL_DATABASE_NOT_OPEN') return new StoreClosedError()
  if (code === 'LEVEL_ABORTED' || (err as Error).name === 'AbortError') return new AbortError()
  return err as Error
}

async function mapped<T> (op: Promise<T>): Promise<T> {
  try {
    return await op
  } catch (err) {
    throw mapLevelError(err)
  }
}

/** A root key no store uses: a synced delete of it is the one fsync a SyncGroup flush costs (LevelDB logs a delete of an absent key too). */
const SYNC_BARRIER_KEY = 'sync-barrier'

export class LevelKeyValueStore implements KeyValueStore {
  /** A database in memory: keeps the arrays it is given (so writes store copies) and has nothing to sync. */
  private readonly volatile: boolean

  /** `root` is the database the sublevel lives in (its log is what a sync makes durable); the sublevel itself by default. */
  constructor (private readonly db: LevelLike, private readonly prefix = '', private readonly root: LevelLike = db) {
    this.volatile = !root.supports.permanence
  }

  /** Whether to fsync this write now; a synced write under a SyncGroup goes out unsynced and leaves the sync to the group. */
  private syncNow (options?: WriteOptions): boolean {
    return options?.sync === true && options.syncGroup == null
  }

  private deferSync (options?: WriteOptions): void {
    if (options?.sync !== true || options.syncGroup == null || this.volatile) return
    const root = this.root
    options.syncGroup.defer(root, async () => { await mapped(root.del(SYNC_BARRIER_KEY, { keyEncoding: 'utf8', sync: true })) })
  }

  private check (options?: StoreOptions): void {
    throwIfAborted(options)
    if (this.db.status === 'closed' || this.db.status === 'closing') throw new StoreClosedError()
  }

  /** What to hand the database to store: `value`, or a copy of it for a database in memory. */
  private stored (value: Uint8Array): Uint8Array {
    return this.volatile ? new Uint8Array(value) : value
  }

  async get (key: string, options?: StoreOptions): Promise<Uint8Array | undefined> {
    this.check(options)
    assertKey(key)
    const value = await mapped(this.db.get(this.prefix + key, KEY_VIEW))
    return value == null ? undefined : new Uint8Array(value)
  }

  async put (key: string, value: Uint8Array, options?: WriteOptions): Promise<void> {
    this.check(options)
    assertKey(key)
    if (!(value instanceof Uint8Array)) throw new InvalidStoreKeyError('value must be a Uint8Array')
    await mapped(this.db.put(this.prefix + key, this.stored(value), { ...KEY_VIEW, sync: this.syncNow(options) }))
    this.deferSync(options)
  }

  async del (key: string, options?: WriteOptions): Promise<void> {
    this.check(options)
    assertKey(key)
    await mapped(this.db.del(this.prefix + key, { keyEncoding: 'utf8', sync: this.syncNow(options) }))
    this.deferSync(options)
  }

  async batch (operations: KeyValueBatchOperation[], options?: BatchOptions): Promise<void> {
    this.check(options)
    for (const op of operations) assertKey(op.key)
    const parts = (options?.with ?? []).map(part => this.foreign(part))
    for (const part of parts) for (const op of part.operations) assertKey(op.key)
    if (operations.length === 0 && parts.every(p => p.operations.length === 0)) return
    const ops = [...this.levelOps(operations), ...parts.flatMap(p => p.store.levelOps(p.operations, this.db))]
    await mapped(this.db.batch(ops, { ...KEY_VIEW, sync: this.syncNow(options) }))
    this.deferSync(options)
  }

  prepare (operations: KeyValueBatchOperation[]): PreparedWrite {
    for (const op of operations) assertKey(op.key)
    return { kind: 'batch', store: this, operations: [...operations] }
  }

  /** A prepared write this store can commit: operations on another LevelDB store of the same database. */
  private foreign (part: PreparedWrite): { store: LevelKeyValueStore, operations: KeyValueBatchOperation[] } {
    if (part.kind !== 'batch' || !(part.store instanceof LevelKeyValueStore) || part.store.root !== this.root) {
      throw new InvalidStoreKeyError('a prepared write must be of a store of the same LevelDB database')
    }
    return { store: part.store, operations: part.operations }
  }

  /** Our operations as `via` (a sublevel of the same database) takes them in its batch. */
  private levelOps (operations: KeyValueBatchOperation[], via: LevelLike = this.db): Array<{ type: 'put', key: string, value: Uint8Array, sublevel?: LevelLike } | { type: 'del', key: string, sublevel?: LevelLike }> {
    const sublevel = via === this.db ? {} : { sublevel: this.db }
    return operations.map(op => op.type === 'put'
      ? { type: 'put' as const, key: this.prefix + op.key, value: this.stored(op.value), ...sublevel }
      : { type: 'del' as const, key: this.prefix + op.key, ...sublevel })
  }

  async * iterate (range: KeyRange = {}, options?: StoreOptions): AsyncIterable<KeyValueEntry> {
    this.check(options)
    const { lower, upper } = levelBounds(this.prefix, range)
    const opts: Record<string, unknown> = { keyEncoding: 'view', valueEncoding: 'view', reverse: range.reverse === true }
    opts[lower.inclusive ? 'gte' : 'gt'] = lower.key
    if (upper != null) opts[upper.inclusive ? 'lte' : 'lt'] = upper.key
    if (options?.signal != null) opts.signal = options.signal
    const limit = range.limit != null && range.limit >= 0 ? range.limit : Infinity
    if (limit === 0) return
    const it = this.db.iterator(opts)
    let n = 0
    try {
      for await (const [k, v] of it) {
        const full = utf8.decode(k)
        if (!full.startsWith(this.prefix)) continue
        const key = full.slice(this.prefix.length)
        if (!inRange(key, range)) continue
        yield { key, value: new Uint8Array(v) }
        if (++n >= limit) break
      }
    } catch (err) {
      throw mapLevelError(err)
    } finally {
      await it.close().catch(() => undefined)
    }
  }

  scope (prefix: string): KeyValueStore {
    assertKey(prefix)
    return new LevelKeyValueStore(this.db, `${this.prefix}${prefix}/`, this.root)
  }
}
