// DirectoryDatastore over a MemoryDatastore, without libp2p (fast to mutate): which keys it governs, counting and the
// cap, expiry at its boundary, the full-store and relay sweeps, batches, deletes, and everything it passes through.
import { describe, it, expect, beforeAll } from 'vitest'
import { MemoryDatastore } from 'datastore-core'
import { Key, type Pair } from 'interface-datastore'
import { Libp2pRecord } from '@libp2p/record'
import { toString } from 'uint8arrays'
import { IdentityKeyPair, systemRandom } from '../../src/crypto/index.js'
import {
  CLOCK_SKEW_MS, DHT_RECORD_PREFIX, DirectoryDatastore, FULL_STORE_SWEEP_INTERVAL_MS, datastoreKeyOf, directoryDhtRules, directoryRecordKeyOf,
  decodeEnvelope, signEnvelope
} from '../../src/directory/index.js'
import { dhtKeyOf } from '../../src/directory/record.js'
import { rejectionName } from './fixtures.js'

const HOUR = 3600_000
const NOW = 1_800_000_000_000
const enc = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('DirectoryDatastore (unit)', () => {
  let alice: IdentityKeyPair
  let clock = NOW

  beforeAll(() => {
    alice = IdentityKeyPair.generate(systemRandom)
  })

  /** The DHT key of directory record number `n`. */
  const dhtKey = (n: number): Uint8Array => enc(dhtKeyOf(new Uint8Array(32).fill(n)))
  /** kad-dht's stored form of alice's record for key `n`. */
  const stored = (n: number, seq = 1, expiresAt = NOW + HOUR): Uint8Array => {
    const value = signEnvelope(alice, { seq, issuedAt: Math.min(clock, expiresAt - 1), expiresAt, attestations: [], sealed: systemRandom(40) })
    return new Libp2pRecord(dhtKey(n), value, new Date(0)).serialize()
  }
  const make = (maxRecords?: number, inner = new MemoryDatastore()): { ds: DirectoryDatastore, inner: MemoryDatastore } => {
    clock = NOW
    const rules = directoryDhtRules({ now: () => clock })
    return { ds: new DirectoryDatastore(inner, { rules, ...(maxRecords != null ? { maxRecords } : {}) }), inner }
  }
  const seqAt = async (ds: DirectoryDatastore, n: number): Promise<number> => decodeEnvelope(Libp2pRecord.deserialize(await ds.get(datastoreKeyOf(dhtKey(n)))).value).seq

  it('governs only /dht/record/<base32 of a /parley-phone/ key>', () => {
    const k = datastoreKeyOf(dhtKey(1))
    expect(k.toString()).toBe(`${DHT_RECORD_PREFIX}${toString(dhtKey(1), 'base32')}`)
    expect(directoryRecordKeyOf(k)).toEqual(dhtKey(1))
    expect(directoryRecordKeyOf(datastoreKeyOf(enc('/pk/abc')))).toBeUndefined()
    expect(directoryRecordKeyOf(new Key(`/dht/provider/${toString(dhtKey(1), 'base32')}`))).toBeUndefined()
    expect(directoryRecordKeyOf(new Key('/dht/record/!!!not-base32'))).toBeUndefined()
    expect(directoryRecordKeyOf(new Key(`/x${DHT_RECORD_PREFIX}${toString(dhtKey(1), 'base32')}`))).toBeUndefined()
  })

  it('passes other keys through untouched: put, get, has, delete, query, queryKeys, batch', async () => {
    const { ds, inner } = make(1)
    const other = new Key('/peers/abc')
    await ds.put(other, new Uint8Array([1]))
    expect(await inner.get(other)).toEqual(new Uint8Array([1]))
    expect(await ds.get(other)).toEqual(new Uint8Array([1]))
    expect(await ds.has(other)).toBe(true)
    await ds.put(new Key('/dht/record/not-ours'), new Uint8Array([2]))
    const pairs: Pair[] = []
    for await (const p of ds.query({ prefix: '/peers' })) pairs.push(p)
    expect(pairs.map(p => p.key.toString())).toEqual(['/peers/abc'])
    const keys: string[] = []
    for await (const k of ds.queryKeys({ prefix: '/dht' })) keys.push(k.toString())
    expect(keys).toEqual(['/dht/record/not-ours'])
    await ds.delete(other)
    expect(await inner.has(other)).toBe(false)
    const b = ds.batch()
    b.put(new Key('/peers/x'), new Uint8Array([3]))
    b.put(new Key('/peers/y'), new Uint8Array([4]))
    b.delete(new Key('/dht/record/not-ours'))
    expect(await inner.has(new Key('/peers/x'))).toBe(false)
    await b.commit()
    expect(await inner.get(new Key('/peers/y'))).toEqual(new Uint8Array([4]))
    expect(await inner.has(new Key('/dht/record/not-ours'))).toBe(false)
    // none of it counts as a directory record (the cap is 1)
    expect(await ds.size()).toBe(0)
  })

  it('refuses undecodable records and records filed under another key', async () => {
    const { ds } = make()
    const k = datastoreKeyOf(dhtKey(1))
    await expect(ds.put(k, new Uint8Array([0xff, 0xff]))).rejects.toThrow('stored DHT record is undecodable')
    await expect(ds.put(k, stored(2))).rejects.toThrow('DHT record is stored under another key')
    expect(await ds.size()).toBe(0)
  })

  it('counts the records already in the store on first use, and new keys only', async () => {
    const inner = new MemoryDatastore()
    await inner.put(datastoreKeyOf(dhtKey(1)), stored(1))
    await inner.put(datastoreKeyOf(dhtKey(2)), stored(2))
    await inner.put(new Key('/dht/record/not-ours'), new Uint8Array([1]))
    const { ds } = make(3, inner)
    expect(await ds.size()).toBe(2)
    await ds.put(datastoreKeyOf(dhtKey(2)), stored(2, 2))
    expect(await ds.size()).toBe(2)
    await ds.put(datastoreKeyOf(dhtKey(3)), stored(3))
    expect(await ds.size()).toBe(3)
    expect(await rejectionName(ds.put(datastoreKeyOf(dhtKey(4)), stored(4)))).toBe('DirectoryStoreFullError')
    // existing keys are still updated at the cap
    await ds.put(datastoreKeyOf(dhtKey(1)), stored(1, 5))
    expect(await seqAt(ds, 1)).toBe(5)
    // deletes count down, also through a batch; a delete of an absent key does not
    await ds.delete(datastoreKeyOf(dhtKey(1)))
    await ds.delete(datastoreKeyOf(dhtKey(1)))
    expect(await ds.size()).toBe(2)
    const b = ds.batch()
    b.put(datastoreKeyOf(dhtKey(4)), stored(4, 7))
    b.delete(datastoreKeyOf(dhtKey(2)))
    await b.commit()
    expect(await ds.size()).toBe(2)
    expect(await seqAt(ds, 4)).toBe(7)
    expect(await ds.has(datastoreKeyOf(dhtKey(2)))).toBe(false)
    // a batch goes through the store rule: a replay is refused
    const replay = ds.batch()
    replay.put(datastoreKeyOf(dhtKey(4)), stored(4, 6))
    expect(await rejectionName(replay.commit())).toBe('ReplayedRecordError')
  })

  it('a failed count is retried on the next use', async () => {
    const inner = new MemoryDatastore()
    await inner.put(datastoreKeyOf(dhtKey(1)), stored(1))
    let fail = true
    const flaky = Object.assign(Object.create(inner) as MemoryDatastore, {
      queryKeys: (q: Parameters<MemoryDatastore['queryKeys']>[0], o?: Parameters<MemoryDatastore['queryKeys']>[1]) => {
        if (fail) throw new Error('disk error')
        return inner.queryKeys(q, o)
      }
    })
    const { ds } = make(undefined, flaky)
    await expect(ds.size()).rejects.toThrow('disk error')
    fail = false
    expect(await ds.size()).toBe(1)
  })

  it('serves a record until CLOCK_SKEW_MS after its expiry, then deletes it on read', async () => {
    const { ds, inner } = make()
    const k = datastoreKeyOf(dhtKey(1))
    await ds.put(k, stored(1, 1, NOW + HOUR))
    clock = NOW + HOUR + CLOCK_SKEW_MS
    const read = Libp2pRecord.deserialize(await ds.get(k))
    expect(decodeEnvelope(read.value).seq).toBe(1)
    // kad-dht's 48 h rule counts from timeReceived: reads renew it
    expect(read.timeReceived.getTime()).toBeGreaterThan(0)
    clock = NOW + HOUR + CLOCK_SKEW_MS + 1
    await expect(ds.get(k)).rejects.toThrow(expect.objectContaining({ name: 'NotFoundError', message: `no value for ${k.toString()}` }))
    expect(await inner.has(k)).toBe(false)
    expect(await ds.size()).toBe(0)
    // a read of an absent key is the inner store's NotFoundError
    expect(await rejectionName(ds.get(datastoreKeyOf(dhtKey(2))))).toBe('NotFoundError')
  })

  it('an undecodable stored record reads as absent, is deleted, and holds nothing against a new put', async () => {
    const { ds, inner } = make()
    const k = datastoreKeyOf(dhtKey(1))
    await inner.put(k, new Uint8Array([0xff, 0xff]))
    expect(await rejectionName(ds.get(k))).toBe('NotFoundError')
    expect(await inner.has(k)).toBe(false)
    // a well-formed kad-dht record whose value is no envelope: the same
    await inner.put(k, new Libp2pRecord(dhtKey(1), new Uint8Array([0xff, 0xff]), new Date()).serialize())
    expect(await rejectionName(ds.get(k))).toBe('NotFoundError')
    expect(await inner.has(k)).toBe(false)
    await inner.put(k, new Libp2pRecord(dhtKey(1), new Uint8Array([0xff, 0xff]), new Date()).serialize())
    await ds.put(k, stored(1, 1))
    expect(await seqAt(ds, 1)).toBe(1)
  })

  it('a failing inner store fails the put (only "not found" means no record)', async () => {
    const inner = new MemoryDatastore()
    const broken = Object.assign(Object.create(inner) as MemoryDatastore, {
      get: async () => { throw Object.assign(new Error('disk on fire'), { name: 'IOError' }) }
    })
    const { ds } = make(undefined, broken)
    await expect(ds.put(datastoreKeyOf(dhtKey(1)), stored(1))).rejects.toThrow('disk on fire')
    expect(await inner.has(datastoreKeyOf(dhtKey(1)))).toBe(false)
  })

  it('puts of one key run one after another, also when a third arrives while the second waits', async () => {
    const inner = new MemoryDatastore()
    // the n-th inner.get waits for gates[n] when there is one: a slow disk
    const gates = new Map<number, Promise<void>>()
    let gets = 0
    const slow = Object.assign(Object.create(inner) as MemoryDatastore, {
      get: async (key: Key) => {
        await gates.get(gets++)
        return await inner.get(key)
      }
    })
    const { ds } = make(undefined, slow)
    const k = datastoreKeyOf(dhtKey(1))
    await ds.put(k, stored(1, 1)) // get #0
    const opener = (): { gate: Promise<void>, open: () => void } => { let open!: () => void; const gate = new Promise<void>(resolve => { open = resolve }); return { gate, open } }
    const [first, second] = [opener(), opener()]
    gates.set(1, first.gate)
    gates.set(2, second.gate)
    const results: string[] = []
    const put = async (seq: number): Promise<void> => await ds.put(k, stored(1, seq)).then(() => { results.push(`${seq} stored`) }, (err: Error) => { results.push(`${seq} ${err.name}`) })
    const a = put(2) // get #1
    const b = put(3) // get #2, queued behind a
    first.open()
    await a
    // every pending callback has run: b now waits in its read; c comes while it does
    await new Promise(resolve => setImmediate(resolve))
    const c = put(4) // get #3, must wait for b
    await new Promise(resolve => setImmediate(resolve))
    second.open()
    await Promise.all([b, c])
    expect(results).toEqual(['2 stored', '3 stored', '4 stored'])
    expect(await seqAt(ds, 1)).toBe(4)
  })

  it('a sweep leaves a record that was refreshed after it listed it as expired', async () => {
    const inner = new MemoryDatastore()
    let refresh: ((deleted: Key) => Promise<void>) | undefined
    // deleting the first expired record refreshes the other one before the sweep reaches it
    const racing = Object.assign(Object.create(inner) as MemoryDatastore, {
      delete: async (key: Key) => {
        await inner.delete(key)
        const r = refresh
        refresh = undefined
        await r?.(key)
      }
    })
    const { ds } = make(undefined, racing)
    const [k1, k2] = [datastoreKeyOf(dhtKey(1)), datastoreKeyOf(dhtKey(2))]
    await ds.put(k1, stored(1, 1, NOW + HOUR))
    await ds.put(k2, stored(2, 1, NOW + HOUR))
    clock = NOW + 2 * HOUR
    let refreshed = 0
    refresh = async deleted => {
      refreshed = deleted.toString() === k1.toString() ? 2 : 1
      await ds.put(datastoreKeyOf(dhtKey(refreshed)), stored(refreshed, 2, clock + HOUR))
    }
    expect(await ds.sweep()).toBe(1)
    expect(await inner.has(datastoreKeyOf(dhtKey(3 - refreshed)))).toBe(false)
    expect(await seqAt(ds, refreshed)).toBe(2)
    expect(await ds.size()).toBe(1)
  })

  it('a sweep counts only what it dropped: a listed record deleted meanwhile is not counted', async () => {
    const inner = new MemoryDatastore()
    let onDelete: ((deleted: Key) => Promise<void>) | undefined
    const racing = Object.assign(Object.create(inner) as MemoryDatastore, {
      delete: async (key: Key) => {
        await inner.delete(key)
        const r = onDelete
        onDelete = undefined
        await r?.(key)
      }
    })
    const { ds } = make(undefined, racing)
    const [k1, k2] = [datastoreKeyOf(dhtKey(1)), datastoreKeyOf(dhtKey(2))]
    await ds.put(k1, stored(1, 1, NOW + HOUR))
    await ds.put(k2, stored(2, 1, NOW + HOUR))
    clock = NOW + 2 * HOUR
    // deleting the first expired record deletes the other one too (another caller's delete)
    onDelete = async deleted => { await ds.delete(deleted.toString() === k1.toString() ? k2 : k1) }
    expect(await ds.sweep()).toBe(1)
    expect(await inner.has(k1)).toBe(false)
    expect(await inner.has(k2)).toBe(false)
    expect(await ds.size()).toBe(0)
  })

  it('sweep drops every expired or undecodable directory record and nothing else', async () => {
    const { ds, inner } = make()
    // (written to the inner store before the datastore counts its records)
    await inner.put(datastoreKeyOf(dhtKey(3)), new Uint8Array([0xff]))
    await ds.put(datastoreKeyOf(dhtKey(1)), stored(1, 1, NOW + HOUR))
    await ds.put(datastoreKeyOf(dhtKey(2)), stored(2, 1, NOW + 3 * HOUR))
    expect(await ds.size()).toBe(3)
    await inner.put(new Key('/dht/record/not-ours'), new Uint8Array([0xff]))
    expect(await ds.sweep()).toBe(1)
    clock = NOW + 2 * HOUR
    expect(await ds.sweep()).toBe(1)
    expect(await inner.has(datastoreKeyOf(dhtKey(1)))).toBe(false)
    expect(await inner.has(datastoreKeyOf(dhtKey(2)))).toBe(true)
    expect(await inner.has(new Key('/dht/record/not-ours'))).toBe(true)
    expect(await ds.size()).toBe(1)
    expect(await ds.sweep()).toBe(0)
  })

  it('a full store sweeps expired records to make room', async () => {
    const { ds } = make(1)
    await ds.put(datastoreKeyOf(dhtKey(1)), stored(1, 1, NOW + HOUR))
    // full, nothing expired: refused (a sweep ran and found nothing)
    expect(await rejectionName(ds.put(datastoreKeyOf(dhtKey(2)), stored(2, 1, NOW + 3 * HOUR)))).toBe('DirectoryStoreFullError')
    expect(await ds.size()).toBe(1)
    // record 1 expires; the last sweep is long enough ago: it sweeps and makes room
    clock = NOW + HOUR + CLOCK_SKEW_MS + 1
    await ds.put(datastoreKeyOf(dhtKey(2)), stored(2, 1, clock + HOUR))
    expect(await ds.size()).toBe(1)
    expect(await seqAt(ds, 2)).toBe(1)
  })

  it('the sweep interval is counted from the last full-store sweep, to the millisecond', async () => {
    const { ds } = make(1)
    // record 1 expires at NOW + 1 (expiry plus the clock skew)
    await ds.put(datastoreKeyOf(dhtKey(1)), stored(1, 1, NOW - CLOCK_SKEW_MS))
    // full at NOW: a sweep runs (nothing expired yet), the put is refused
    expect(await rejectionName(ds.put(datastoreKeyOf(dhtKey(2)), stored(2, 1, NOW + HOUR)))).toBe('DirectoryStoreFullError')
    // record 1 has expired; one millisecond before the interval is over no sweep runs
    clock = NOW + FULL_STORE_SWEEP_INTERVAL_MS - 1
    expect(await rejectionName(ds.put(datastoreKeyOf(dhtKey(2)), stored(2, 1, NOW + HOUR)))).toBe('DirectoryStoreFullError')
    clock = NOW + FULL_STORE_SWEEP_INTERVAL_MS
    await ds.put(datastoreKeyOf(dhtKey(2)), stored(2, 1, NOW + HOUR))
    expect(await seqAt(ds, 2)).toBe(1)
    expect(await ds.size()).toBe(1)
  })
})
