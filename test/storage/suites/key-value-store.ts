// Shared suite for KeyValueStore implementations.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { KeyValueStore } from '../../../src/storage/index.js'
import { bytes, collect } from './harness.js'
import type { SuiteOptions } from './harness.js'
import type { StoreFactory, StoreHandle } from '../../helpers/storage.js'

export function describeKeyValueStore (name: string, factory: StoreFactory<KeyValueStore>, opts: SuiteOptions = {}): void {
  describe(`KeyValueStore: ${name}`, () => {
    let h: StoreHandle<KeyValueStore>
    let kv: KeyValueStore
    beforeEach(async () => { h = await factory(); kv = h.store })
    afterEach(async () => { await h.close() })

    it('gets what was put, undefined when absent, and copies values', async () => {
      expect(await kv.get('a')).toBeUndefined()
      const v = bytes(1, 2, 3)
      await kv.put('a', v)
      v[0] = 9
      const got = await kv.get('a')
      expect(got).toEqual(bytes(1, 2, 3))
      got![1] = 9
      expect(await kv.get('a')).toEqual(bytes(1, 2, 3))
      await kv.put('a', bytes(4))
      expect(await kv.get('a')).toEqual(bytes(4))
    })

    it('stores empty values', async () => {
      await kv.put('e', new Uint8Array(0))
      expect(await kv.get('e')).toEqual(new Uint8Array(0))
    })

    it('deletes, and deleting an absent key is fine', async () => {
      await kv.put('a', bytes(1))
      await kv.del('a')
      await kv.del('never')
      expect(await kv.get('a')).toBeUndefined()
    })

    it('applies a batch in order', async () => {
      await kv.put('x', bytes(0))
      await kv.batch([
        { type: 'put', key: 'a', value: bytes(1) },
        { type: 'del', key: 'x' },
        { type: 'put', key: 'b', value: bytes(2) },
        { type: 'del', key: 'b' },
        { type: 'put', key: 'c', value: bytes(3) }
      ], { sync: true })
      expect((await collect(kv.iterate())).map(e => e.key)).toEqual(['a', 'c'])
    })

    it('keeps copies of the values a batch writes', async () => {
      const v = bytes(1, 2)
      await kv.batch([{ type: 'put', key: 'a', value: v }])
      v[0] = 9
      expect(await kv.get('a')).toEqual(bytes(1, 2))
      expect((await collect(kv.iterate()))[0].value).toEqual(bytes(1, 2))
    })

    it('rejects a batch with an invalid key without applying any of it', async () => {
      await expect(kv.batch([{ type: 'put', key: 'ok', value: bytes(1) }, { type: 'put', key: '', value: bytes(2) }])).rejects.toHaveProperty('name', 'InvalidStoreKeyError')
      expect(await kv.get('ok')).toBeUndefined()
    })

    it('iterates in UTF-8 byte order with prefix, bounds, reverse and limit', async () => {
      const keys = ['b/2', 'a', 'b/1', 'b/10', 'b', 'c', 'b/\uffff', 'b/\u{1f600}', 'b0']
      for (const [i, k] of keys.entries()) await kv.put(k, bytes(i))
      const all = (await collect(kv.iterate())).map(e => e.key)
      expect(all).toEqual(['a', 'b', 'b/1', 'b/10', 'b/2', 'b/\uffff', 'b/\u{1f600}', 'b0', 'c'])
      expect((await collect(kv.iterate({ prefix: 'b/' }))).map(e => e.key)).toEqual(['b/1', 'b/10', 'b/2', 'b/\uffff', 'b/\u{1f600}'])
      expect((await collect(kv.iterate({ prefix: 'b/', reverse: true, limit: 2 }))).map(e => e.key)).toEqual(['b/\u{1f600}', 'b/\uffff'])
      expect((await collect(kv.iterate({ prefix: 'b/', gt: 'b/1', lt: 'b/2' }))).map(e => e.key)).toEqual(['b/10'])
      expect((await collect(kv.iterate({ gte: 'b/10', lte: 'b/2' }))).map(e => e.key)).toEqual(['b/10', 'b/2'])
      expect((await collect(kv.iterate({ prefix: 'b/', gte: 'a', lte: 'z', limit: 0 }))).map(e => e.key)).toEqual([])
      const entries = await collect(kv.iterate({ prefix: 'c' }))
      expect(entries).toEqual([{ key: 'c', value: bytes(5) }])
    })

    it('scopes keys under a prefix', async () => {
      const outbox = kv.scope('outbox')
      const other = kv.scope('out')
      await outbox.put('1', bytes(1))
      await other.put('1', bytes(2))
      expect(await outbox.get('1')).toEqual(bytes(1))
      expect(await kv.get('outbox/1')).toEqual(bytes(1))
      expect((await collect(outbox.iterate())).map(e => e.key)).toEqual(['1'])
      expect((await collect(other.scope('x').iterate())).length).toBe(0)
    })

    it('rejects invalid keys with InvalidStoreKeyError', async () => {
      await expect(kv.put('', bytes(1))).rejects.toHaveProperty('name', 'InvalidStoreKeyError')
      await expect(kv.get('k'.repeat(2000))).rejects.toHaveProperty('name', 'InvalidStoreKeyError')
    })

    it('honours an aborted signal with AbortError', async () => {
      const signal = AbortSignal.abort()
      await expect(kv.put('a', bytes(1), { signal })).rejects.toHaveProperty('name', 'AbortError')
      await expect(kv.get('a', { signal })).rejects.toHaveProperty('name', 'AbortError')
      await expect(collect(kv.iterate({}, { signal }))).rejects.toHaveProperty('name', 'AbortError')
      expect(await kv.get('a')).toBeUndefined()
    })

    it('stops an iteration whose signal aborts midway', async () => {
      for (let i = 0; i < 5; i++) await kv.put(`i/${i}`, bytes(i))
      const controller = new AbortController()
      const seen: string[] = []
      await expect((async () => {
        for await (const { key } of kv.iterate({ prefix: 'i/' }, { signal: controller.signal })) {
          seen.push(key)
          controller.abort()
        }
      })()).rejects.toHaveProperty('name', 'AbortError')
      expect(seen).toEqual(['i/0'])
    })

    if (opts.persistent === true) it('survives close and reopen', async () => {
      await kv.put('p/1', bytes(1), { sync: true })
      await kv.scope('s').put('2', bytes(2))
      kv = await h.reopen!()
      expect(await kv.get('p/1')).toEqual(bytes(1))
      expect(await kv.scope('s').get('2')).toEqual(bytes(2))
    })
  })
}
