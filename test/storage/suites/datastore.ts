// Shared suite for KeyValueDatastore over each KeyValueStore implementation; datastore-core's MemoryDatastore is the reference for query semantics.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MemoryDatastore } from 'datastore-core'
import { Key } from 'interface-datastore'
import type { Datastore, KeyQuery, Pair, Query } from 'interface-datastore'
import type { KeyValueDatastore } from '../../../src/storage/index.js'
import { bytes, collect } from './harness.js'
import type { SuiteOptions } from './harness.js'
import type { StoreFactory, StoreHandle } from '../../helpers/storage.js'

/** Keys shaped like libp2p's (kad-dht records and providers, peer store), plus prefix look-alikes. */
const KEYS = [
  '/dht/record/CIQHBYKN3RF5ZZ7ZBZXUI6DGAF5VJLE3LPTNSHNLVIPTYZQWD2CQRYI',
  '/dht/record/AFZGC4TMMV4S24DIN5XGKL3ENFZGKY3UN5ZHSL3VONSXE4Y',
  '/dht/provider/CIQ3/AFZG',
  '/dht/providerX',
  '/dht',
  '/peers/bafzaajaiaejcbzdibmxyzdjbdehlo6bhrcewh7lbtpqyd4vgbfhwwsi4w5gr4nbk',
  '/peers/bafzaajaiaejca24q7uhr7adt3rtai4ixtn2r3q72kccwvwzg266nmngqxrhfhmxk',
  '/peersX/1',
  '/a:b/c'
]

export function describeDatastore (name: string, factory: StoreFactory<KeyValueDatastore>, opts: SuiteOptions = {}): void {
  describe(`KeyValueDatastore: ${name}`, () => {
    let h: StoreHandle<KeyValueDatastore>
    let ds: KeyValueDatastore
    beforeEach(async () => { h = await factory(); ds = h.store })
    afterEach(async () => { await h.close() })

    /** Fills ds and a MemoryDatastore with the same pairs (value i+1 for KEYS[i]). */
    async function fill (): Promise<MemoryDatastore> {
      const reference = new MemoryDatastore()
      for (const [i, k] of KEYS.entries()) {
        await ds.put(new Key(k), bytes(i + 1))
        reference.put(new Key(k), bytes(i + 1))
      }
      return reference
    }

    const pairs = async (store: Datastore, q: Query): Promise<Array<[string, number]>> =>
      (await collect(store.query(q) as AsyncIterable<Pair>)).map(p => [p.key.toString(), p.value[0]])
    const keys = async (store: Datastore, q: KeyQuery): Promise<string[]> =>
      (await collect(store.queryKeys(q) as AsyncIterable<Key>)).map(k => k.toString())
    const byKey = (a: { key: Key } | Key, b: { key: Key } | Key): -1 | 0 | 1 => {
      const x = (a instanceof Key ? a : a.key).toString()
      const y = (b instanceof Key ? b : b.key).toString()
      return x < y ? -1 : x > y ? 1 : 0
    }
    const descending = (a: Pair, b: Pair): -1 | 0 | 1 => byKey(b, a)

    it('puts, gets, has and deletes; an absent key is NotFoundError and deleting it is fine', async () => {
      const key = new Key('/dht/record/ABC')
      expect(await ds.has(key)).toBe(false)
      await expect(ds.get(key)).rejects.toHaveProperty('name', 'NotFoundError')
      expect(await ds.put(key, bytes(1, 2))).toBe(key)
      expect(await ds.has(key)).toBe(true)
      expect(await ds.get(key)).toEqual(bytes(1, 2))
      await ds.put(key, bytes(3))
      expect(await ds.get(key)).toEqual(bytes(3))
      await ds.delete(key)
      await ds.delete(key)
      expect(await ds.has(key)).toBe(false)
      await ds.put(new Key('/empty'), new Uint8Array(0))
      expect(await ds.get(new Key('/empty'))).toEqual(new Uint8Array(0))
    })

    it('encodes keys by their normalised string form and gives back equal Key objects', async () => {
      await ds.put(new Key('peers/x/y/'), bytes(1))
      expect(await ds.get(new Key('/peers/x/y'))).toEqual(bytes(1))
      const [found] = await collect(ds.queryKeys({ prefix: '/peers' }) as AsyncIterable<Key>)
      expect(found).toBeInstanceOf(Key)
      expect(found.toString()).toBe('/peers/x/y')
      expect(found.uint8Array()).toEqual(new Key('/peers/x/y').uint8Array())
      expect(found.baseNamespace()).toBe('y')
    })

    it('answers queries like MemoryDatastore: string prefix, filters, orders, offset and limit', async () => {
      const reference = await fill()
      // MemoryDatastore yields in insertion order: compare sets where no order is asked for, sequences where it is
      for (const prefix of [undefined, '/', '/dht', '/dht/record', '/dht/record/', '/dht/provider', '/peers', '/peers/', '/nothing']) {
        expect((await pairs(ds, { prefix })).sort()).toEqual((await pairs(reference, { prefix })).sort())
        expect((await keys(ds, { prefix })).sort()).toEqual((await keys(reference, { prefix })).sort())
      }
      const evenValue = (p: Pair): boolean => p.value[0] % 2 === 0
      const notDht = (k: Key): boolean => !k.toString().startsWith('/dht/')
      const queries: Query[] = [
        { orders: [byKey] },
        { orders: [descending] },
        { prefix: '/dht/', orders: [byKey], offset: 1 },
        { prefix: '/dht/', orders: [byKey], limit: 2 },
        { orders: [descending], offset: 2, limit: 3 },
        { filters: [evenValue], orders: [byKey] },
        { filters: [evenValue], orders: [descending], offset: 1, limit: 1 },
        { orders: [byKey], offset: 100 },
        { orders: [byKey], limit: 0 }
      ]
      for (const q of queries) expect(await pairs(ds, q)).toEqual(await pairs(reference, q))
      const keyQueries: KeyQuery[] = [
        { orders: [byKey] },
        { prefix: '/peers', filters: [notDht], orders: [byKey], offset: 1, limit: 1 },
        { filters: [notDht], orders: [(a, b) => byKey(b, a)] }
      ]
      for (const q of keyQueries) expect(await keys(ds, q)).toEqual(await keys(reference, q))
    })

    it('without orders, yields in key order and bounds offset and limit over that order', async () => {
      await fill()
      const sorted = [...KEYS].sort()
      expect(await keys(ds, {})).toEqual(sorted)
      expect(await keys(ds, { offset: 2, limit: 3 })).toEqual(sorted.slice(2, 5))
      expect(await keys(ds, { prefix: '/dht', limit: 2 })).toEqual(sorted.filter(k => k.startsWith('/dht')).slice(0, 2))
      expect((await pairs(ds, { offset: 7 })).map(([k]) => k)).toEqual(sorted.slice(7))
    })

    it('commits a batch atomically, in call order, and nothing before commit', async () => {
      await ds.put(new Key('/x'), bytes(0))
      const b = ds.batch()
      b.put(new Key('/a'), bytes(1))
      b.delete(new Key('/x'))
      b.put(new Key('/b'), bytes(2))
      b.delete(new Key('/b'))
      b.put(new Key('/c'), bytes(3))
      expect(await ds.has(new Key('/a'))).toBe(false)
      await b.commit()
      expect(await keys(ds, {})).toEqual(['/a', '/c'])
      // an empty commit, and a batch reused after commit
      await b.commit()
      b.put(new Key('/d'), bytes(4))
      await b.commit()
      expect(await keys(ds, {})).toEqual(['/a', '/c', '/d'])
    })

    it('puts, gets and deletes many through BaseDatastore', async () => {
      const source = [{ key: new Key('/m/1'), value: bytes(1) }, { key: new Key('/m/2'), value: bytes(2) }]
      expect((await collect(ds.putMany(source) as AsyncIterable<Key>)).map(k => k.toString())).toEqual(['/m/1', '/m/2'])
      expect((await collect(ds.getMany([new Key('/m/2')]) as AsyncIterable<Pair>))[0].value).toEqual(bytes(2))
      await collect(ds.deleteMany([new Key('/m/1')]) as AsyncIterable<Key>)
      expect(await keys(ds, { prefix: '/m/' })).toEqual(['/m/2'])
    })

    it('honours an aborted signal with AbortError and stores nothing', async () => {
      const signal = AbortSignal.abort()
      await expect(ds.put(new Key('/a'), bytes(1), { signal })).rejects.toHaveProperty('name', 'AbortError')
      await expect(ds.get(new Key('/a'), { signal })).rejects.toHaveProperty('name', 'AbortError')
      await expect(collect(ds.query({}, { signal }) as AsyncIterable<Pair>)).rejects.toHaveProperty('name', 'AbortError')
      expect(await ds.has(new Key('/a'))).toBe(false)
    })

    it('refuses a key longer than the store allows with InvalidStoreKeyError', async () => {
      await expect(ds.put(new Key('/' + 'k'.repeat(2000)), bytes(1))).rejects.toHaveProperty('name', 'InvalidStoreKeyError')
    })

    if (opts.persistent === true) it('keeps everything across close and reopen', async () => {
      await fill()
      ds = await h.reopen!()
      expect(await keys(ds, {})).toEqual([...KEYS].sort())
      expect(await ds.get(new Key(KEYS[0]))).toEqual(bytes(1))
    })
  })
}
