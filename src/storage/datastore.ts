// A libp2p datastore (interface-datastore) over one KeyValueStore, so kad-dht records and the peer store outlive the process; knows nothing of what libp2p stores.
import { BaseDatastore } from 'datastore-core'
import { Key } from 'interface-datastore'
import type { Batch, KeyQuery, Pair, Query } from 'interface-datastore'
import { NotFoundError } from './errors.js'
import type { KeyValueBatchOperation, KeyValueStore } from './key-value-store.js'
import type { StoreOptions } from './types.js'

export interface KeyValueDatastoreInit {
  /**
   * Which writes are synced (fsync before the call resolves). A write the caller acknowledges to a
   * remote peer (a DHT record put) must be; re-learnable state (peer store entries) need not be.
   *
   * @default every write
   */
  sync?: (key: Key) => boolean
}

/**
 * interface-datastore `Datastore` over a KeyValueStore. A datastore `Key` is stored under its string
 * form (`/dht/record/…`, `/peers/…`), so the store's UTF-8 byte order is the key order and a query's
 * string prefix is a key-range prefix. get of an absent key throws NotFoundError (matched by `.name`).
 */
export class KeyValueDatastore extends BaseDatastore {
  private readonly kv: KeyValueStore
  private readonly syncKey: (key: Key) => boolean

  constructor (kv: KeyValueStore, init: KeyValueDatastoreInit = {}) {
    super()
    this.kv = kv
    this.syncKey = init.sync ?? (() => true)
  }

  async put (key: Key, val: Uint8Array, options?: StoreOptions): Promise<Key> {
    await this.kv.put(key.toString(), val, { signal: options?.signal, sync: this.syncKey(key) })
    return key
  }

  async get (key: Key, options?: StoreOptions): Promise<Uint8Array> {
    const value = await this.kv.get(key.toString(), options)
    if (value == null) throw new NotFoundError(`no value for ${key.toString()}`)
    return value
  }

  async has (key: Key, options?: StoreOptions): Promise<boolean> {
    return (await this.kv.get(key.toString(), options)) != null
  }

  async delete (key: Key, options?: StoreOptions): Promise<void> {
    await this.kv.del(key.toString(), { signal: options?.signal, sync: this.syncKey(key) })
  }

  /** One atomic KeyValueStore batch, applied in the order of the calls; synced if any of its keys is. */
  batch (): Batch {
    let operations: KeyValueBatchOperation[] = []
    let sync = false
    return {
      put: (key: Key, value: Uint8Array) => {
        operations.push({ type: 'put', key: key.toString(), value })
        sync ||= this.syncKey(key)
      },
      delete: (key: Key) => {
        operations.push({ type: 'del', key: key.toString() })
        sync ||= this.syncKey(key)
      },
      commit: async (options?: StoreOptions) => {
        const ops = operations
        operations = []
        if (ops.length > 0) await this.kv.batch(ops, { signal: options?.signal, sync })
        sync = false
      }
    }
  }

  /**
   * BaseDatastore.query/queryKeys call these, then apply prefix, filters, orders, offset and limit in
   * that order; the prefix is a range of the store, and without filters and orders offset + limit
   * also bounds the scan.
   */
  async * _all (q: Query, options?: StoreOptions): AsyncGenerator<Pair> {
    for await (const { key, value } of this.kv.iterate({ ...rangeOf(q) }, options)) {
      yield { key: new Key(key, false), value }
    }
  }

  async * _allKeys (q: KeyQuery, options?: StoreOptions): AsyncGenerator<Key> {
    for await (const { key } of this.kv.iterate({ ...rangeOf(q) }, options)) {
      yield new Key(key, false)
    }
  }
}

/** The store range a query needs: its prefix, and a scan limit when nothing between the scan and the limit can drop or reorder entries. */
function rangeOf (q: Query | KeyQuery): { prefix?: string, limit?: number } {
  const unfiltered = (q.filters == null || q.filters.length === 0) && (q.orders == null || q.orders.length === 0)
  return {
    ...(q.prefix != null && q.prefix !== '' ? { prefix: q.prefix } : {}),
    ...(unfiltered && q.limit != null && q.limit > 0 ? { limit: (q.offset ?? 0) + q.limit } : {})
  }
}
