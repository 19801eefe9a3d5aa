/** A libp2p datastore wrapper that keeps kad-dht's stored directory records under the directory's store rule (lock, seq, expiry, a cap); knows kad-dht's record layout, not what other stored data means. */
import { BaseDatastore } from 'datastore-core'
import { Key, type Batch, type Datastore, type KeyQuery, type Pair, type Query } from 'interface-datastore'
import { NotFoundError, type AbortOptions } from '@libp2p/interface'
import { Libp2pRecord } from '@libp2p/record'
import { fromString, toString } from 'uint8arrays'
import { CLOCK_SKEW_MS, DIRECTORY_NAMESPACE, decodeEnvelope } from './record.js'
import { DirectoryStoreFullError, MalformedRecordError } from './errors.js'
import type { DirectoryDhtRules } from './validator.js'

/** Where kad-dht (default `datastorePrefix` `/dht`) keeps the values it stores: `/dht/record/<base32 of the DHT key>`. */
export const DHT_RECORD_PREFIX = '/dht/record/'
/**
 * Directory records one node stores. A Node client in DHT server mode keeps them in memory: 10 000 records
 * are ~60 MB (~6 KiB each; 160 MB at the 16 KiB maximum), and with K = 20 replicas a network of N such
 * nodes holds 500·N numbers. New keys beyond it are refused (existing ones are still updated).
 */
export const MAX_STORED_RECORDS = 10_000
/** A full store looks for expired records to drop at most this often (a scan reads every stored record). */
export const FULL_STORE_SWEEP_INTERVAL_MS = 60_000
/** How often a relay deletes expired directory records nobody read (records live at most 7 days; an hour late costs little disk). */
export const DIRECTORY_SWEEP_INTERVAL_MS = 3600_000

const DIRECTORY_KEY_PREFIX = `/${DIRECTORY_NAMESPACE}/`

export interface DirectoryDatastoreInit {
  /** the rules whose `admit` decides what is stored (the node's own directoryDhtRules) */
  rules: DirectoryDhtRules
  /** @default MAX_STORED_RECORDS */
  maxRecords?: number
}

/** The DHT key of a datastore key when it is a stored directory record, else undefined. */
export function directoryRecordKeyOf (key: Key): Uint8Array | undefined {
  const s = key.toString()
  if (!s.startsWith(DHT_RECORD_PREFIX)) return undefined
  let dhtKey: Uint8Array
  try {
    dhtKey = fromString(s.slice(DHT_RECORD_PREFIX.length), 'base32')
  } catch {
    return undefined
  }
  return toString(dhtKey).startsWith(DIRECTORY_KEY_PREFIX) ? dhtKey : undefined
}

/** The datastore key kad-dht stores a DHT key's record under (its `bufferToRecordKey`). */
export function datastoreKeyOf (dhtKey: Uint8Array): Key {
  return new Key(`${DHT_RECORD_PREFIX}${toString(dhtKey, 'base32')}`, false)
}

function notFound (key: Key): Error {
  return new NotFoundError(`no value for ${key.toString()}`)
}

/**
 * kad-dht stores a PUT_VALUE after running only the validator (never the selector), overwrites what it
 * held, and forgets a value 48 h after it was put. For directory records this wrapper instead:
 * - on `put`, compares the incoming record with the stored one by the rules' `admit` (the registration
 *   lock, seq, attestations) and keeps the stored one by throwing the rule's error, so the putter learns it
 *   lost; puts of one key are serialised; a new key beyond `maxRecords` throws DirectoryStoreFullError;
 * - on `get`, makes the envelope's expiry the authority: a valid record is returned with `timeReceived`
 *   set to now (so kad-dht's 48 h cut-off never drops a record whose envelope is still valid), an expired
 *   one is deleted and reads as absent.
 * Everything else passes through to `inner`.
 */
export class DirectoryDatastore extends BaseDatastore {
  private readonly rules: DirectoryDhtRules
  private readonly maxRecords: number
  private readonly queues = new Map<string, Promise<unknown>>()
  private counted?: Promise<number>
  private count = 0
  private lastSweep = -Infinity

  constructor (private readonly inner: Datastore, init: DirectoryDatastoreInit) {
    super()
    this.rules = init.rules
    this.maxRecords = init.maxRecords ?? MAX_STORED_RECORDS
  }

  /** Directory records stored now (counted from `inner` on first use). */
  async size (options?: AbortOptions): Promise<number> {
    await this.ensureCounted(options)
    return this.count
  }

  private async ensureCounted (options?: AbortOptions): Promise<void> {
    this.counted ??= (async () => {
      let n = 0
      for await (const key of this.inner.queryKeys({ prefix: DHT_RECORD_PREFIX }, options)) {
        if (directoryRecordKeyOf(key) != null) n++
      }
      this.count += n
      return n
    })()
    try {
      await this.counted
    } catch (err) {
      this.counted = undefined
      throw err
    }
  }

  /** Runs `fn` after every earlier operation on the same key. */
  private async serialised<T> (key: Key, fn: () => Promise<T>): Promise<T> {
    const id = key.toString()
    const prev = this.queues.get(id) ?? Promise.resolve()
    const run = prev.then(fn, fn)
    const tail = run.then(() => {}, () => {})
    this.queues.set(id, tail)
    void tail.then(() => { if (this.queues.get(id) === tail) this.queues.delete(id) })
    return await run
  }

  private async storedValue (key: Key, options?: AbortOptions): Promise<Uint8Array | undefined> {
    let raw: Uint8Array
    try {
      raw = await this.inner.get(key, options)
    } catch (err) {
      if ((err as Error).name === 'NotFoundError') return undefined
      throw err
    }
    try {
      return Libp2pRecord.deserialize(raw).value
    } catch {
      return new Uint8Array(0)
    }
  }

  async put (key: Key, val: Uint8Array, options?: AbortOptions): Promise<Key> {
    const dhtKey = directoryRecordKeyOf(key)
    if (dhtKey == null) return await this.inner.put(key, val, options)
    let record: Libp2pRecord
    try {
      record = Libp2pRecord.deserialize(val)
    } catch {
      throw new MalformedRecordError('stored DHT record is undecodable')
    }
    if (datastoreKeyOf(record.key).toString() !== key.toString()) throw new MalformedRecordError('DHT record is stored under another key')
    await this.ensureCounted(options)
    return await this.serialised(key, async () => {
      const stored = await this.storedValue(key, options)
      this.rules.admit(record.key, record.value, stored)
      if (stored == null) {
        if (this.count >= this.maxRecords) await this.sweepExpired(options)
        if (this.count >= this.maxRecords) throw new DirectoryStoreFullError()
      }
      await this.inner.put(key, val, options)
      if (stored == null) this.count++
      return key
    })
  }

  async get (key: Key, options?: AbortOptions): Promise<Uint8Array> {
    const dhtKey = directoryRecordKeyOf(key)
    if (dhtKey == null) return await this.inner.get(key, options)
    const raw = await this.inner.get(key, options)
    let record: Libp2pRecord | undefined
    try {
      record = Libp2pRecord.deserialize(raw)
      if (!this.expired(record.value)) return new Libp2pRecord(record.key, record.value, new Date()).serialize()
    } catch {
      // undecodable: nothing to keep
    }
    // records nobody reads expire; the first read after expiry deletes
    await this.dropIfExpired(key, options)
    throw notFound(key)
  }

  private expired (value: Uint8Array): boolean {
    try {
      return decodeEnvelope(value).expiresAt + CLOCK_SKEW_MS < this.rules.context().now
    } catch {
      return true
    }
  }

  /** Deletes the record at `key` when it is (still) expired or undecodable; true when it did. */
  private async dropIfExpired (key: Key, options?: AbortOptions): Promise<boolean> {
    return await this.serialised(key, async () => {
      const stored = await this.storedValue(key, options)
      if (stored == null || !this.expired(stored)) return false
      await this.deleteCounted(key, options)
      return true
    })
  }

  private async deleteCounted (key: Key, options?: AbortOptions): Promise<void> {
    await this.ensureCounted(options)
    const had = await this.inner.has(key, options)
    await this.inner.delete(key, options)
    if (had) this.count--
  }

  /** Drops every expired directory record, at most once per FULL_STORE_SWEEP_INTERVAL_MS. */
  private async sweepExpired (options?: AbortOptions): Promise<void> {
    const now = this.rules.context().now
    if (now - this.lastSweep < FULL_STORE_SWEEP_INTERVAL_MS) return
    this.lastSweep = now
    await this.sweep(options)
  }

  /**
   * Deletes every directory record whose envelope has expired (records nobody read since, which a read would
   * have dropped); relays run it every DIRECTORY_SWEEP_INTERVAL_MS. Resolves with how many went.
   */
  async sweep (options?: AbortOptions): Promise<number> {
    let dropped = 0
    const expired: Key[] = []
    for await (const { key, value } of this.inner.query({ prefix: DHT_RECORD_PREFIX }, options)) {
      if (directoryRecordKeyOf(key) == null) continue
      let stored: Uint8Array
      try {
        stored = Libp2pRecord.deserialize(value).value
      } catch {
        stored = new Uint8Array(0)
      }
      if (this.expired(stored)) expired.push(key)
    }
    for (const key of expired) {
      // the caller already holds its own key's turn; other keys take theirs
      if (this.queues.has(key.toString())) continue
      if (await this.dropIfExpired(key, options)) dropped++
    }
    return dropped
  }

  async has (key: Key, options?: AbortOptions): Promise<boolean> {
    return await this.inner.has(key, options)
  }

  async delete (key: Key, options?: AbortOptions): Promise<void> {
    if (directoryRecordKeyOf(key) == null) { await this.inner.delete(key, options); return }
    await this.serialised(key, async () => { await this.deleteCounted(key, options) })
  }

  /** Directory records in a batch go through put/delete (the store rule); the rest is one batch of `inner`. */
  batch (): Batch {
    const own: Array<{ key: Key, value?: Uint8Array }> = []
    let rest = this.inner.batch()
    return {
      put: (key: Key, value: Uint8Array) => { if (directoryRecordKeyOf(key) != null) own.push({ key, value }); else rest.put(key, value) },
      delete: (key: Key) => { if (directoryRecordKeyOf(key) != null) own.push({ key }); else rest.delete(key) },
      commit: async (options?: AbortOptions) => {
        const ops = own.splice(0)
        const b = rest
        rest = this.inner.batch()
        await b.commit(options)
        for (const op of ops) {
          if (op.value != null) await this.put(op.key, op.value, options)
          else await this.delete(op.key, options)
        }
      }
    }
  }

  query (q: Query, options?: AbortOptions): AsyncGenerator<Pair> | Generator<Pair> {
    return this.inner.query(q, options) as AsyncGenerator<Pair>
  }

  queryKeys (q: KeyQuery, options?: AbortOptions): AsyncGenerator<Key> | Generator<Key> {
    return this.inner.queryKeys(q, options) as AsyncGenerator<Key>
  }
}
