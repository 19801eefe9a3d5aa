// Shared suite for PreKeyStore implementations.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { PreKeyStore } from '../../../src/storage/index.js'
import { PRE_KEY_KINDS } from '../../../src/storage/index.js'
import { bytes } from './harness.js'
import type { SuiteOptions } from './harness.js'
import type { StoreFactory, StoreHandle } from '../../helpers/storage.js'

export function describePreKeyStore (name: string, factory: StoreFactory<PreKeyStore>, opts: SuiteOptions = {}): void {
  describe(`PreKeyStore: ${name}`, () => {
    let h: StoreHandle<PreKeyStore>
    let store: PreKeyStore
    beforeEach(async () => { h = await factory(); store = h.store })
    afterEach(async () => { await h.close() })

    it('stores, loads and removes each kind separately', async () => {
      for (const [i, kind] of PRE_KEY_KINDS.entries()) await store.storePreKey({ kind, id: 5, createdAt: 100 + i, record: bytes(i) })
      for (const [i, kind] of PRE_KEY_KINDS.entries()) {
        expect(await store.loadPreKey(kind, 5)).toEqual({ kind, id: 5, createdAt: 100 + i, record: bytes(i) })
      }
      await store.removePreKey('one-time', 5)
      expect(await store.loadPreKey('one-time', 5)).toBeUndefined()
      expect(await store.loadPreKey('signed', 5)).toBeDefined()
      await store.removePreKey('one-time', 5)
    })

    it('lists ids ascending by number', async () => {
      for (const id of [300, 2, 0xffffffff, 17]) await store.storePreKey({ kind: 'one-time-kem', id, createdAt: id, record: bytes(1) })
      expect((await store.listPreKeys('one-time-kem')).map(e => e.id)).toEqual([2, 17, 300, 0xffffffff])
      expect(await store.listPreKeys('one-time')).toEqual([])
    })

    it('prunes signed prekeys replaced before the cutoff, never the newest', async () => {
      await store.storePreKey({ kind: 'signed', id: 1, createdAt: 1000, record: bytes(1) })
      await store.storePreKey({ kind: 'signed', id: 2, createdAt: 2000, record: bytes(2) })
      await store.storePreKey({ kind: 'signed', id: 3, createdAt: 3000, record: bytes(3) })
      // key 1 was replaced at 2000, key 2 at 3000
      expect(await store.prunePreKeys('signed', 2500)).toEqual([1])
      expect((await store.listPreKeys('signed')).map(e => e.id)).toEqual([2, 3])
      expect(await store.prunePreKeys('signed', 3000)).toEqual([])
      expect(await store.prunePreKeys('signed', 1e12)).toEqual([2])
      expect((await store.listPreKeys('signed')).map(e => e.id)).toEqual([3])
      expect(await store.prunePreKeys('signed', 1e12)).toEqual([])
    })

    it('rejects bad ids and kinds with InvalidStoreKeyError', async () => {
      await expect(store.storePreKey({ kind: 'signed', id: -1, createdAt: 0, record: bytes(1) })).rejects.toHaveProperty('name', 'InvalidStoreKeyError')
      await expect(store.loadPreKey('nope' as 'signed', 1)).rejects.toHaveProperty('name', 'InvalidStoreKeyError')
    })

    if (opts.persistent === true) it('survives close and reopen', async () => {
      await store.storePreKey({ kind: 'last-resort-kem', id: 9, createdAt: 99, record: bytes(9, 9) })
      await store.storePreKey({ kind: 'one-time', id: 1, createdAt: 1, record: bytes(1) })
      await store.removePreKey('one-time', 1)
      store = await h.reopen!()
      expect(await store.loadPreKey('last-resort-kem', 9)).toEqual({ kind: 'last-resort-kem', id: 9, createdAt: 99, record: bytes(9, 9) })
      expect(await store.loadPreKey('one-time', 1)).toBeUndefined()
    })
  })
}
