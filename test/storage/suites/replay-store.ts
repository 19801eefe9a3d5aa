// Shared suite for ReplayStore implementations.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ReplayStore } from '../../../src/storage/index.js'
import { bytes } from './harness.js'
import type { SuiteOptions } from './harness.js'
import type { StoreFactory, StoreHandle } from '../../helpers/storage.js'

export function describeReplayStore (name: string, factory: StoreFactory<ReplayStore>, opts: SuiteOptions = {}): void {
  describe(`ReplayStore: ${name}`, () => {
    let h: StoreHandle<ReplayStore>
    let store: ReplayStore
    beforeEach(async () => { h = await factory(); store = h.store })
    afterEach(async () => { await h.close() })

    it('refuses an id seen before', async () => {
      expect(await store.hasSeen(bytes(1))).toBe(false)
      expect(await store.markSeen(bytes(1), 10)).toBe(true)
      expect(await store.markSeen(bytes(1), 20)).toBe(false)
      expect(await store.hasSeen(bytes(1))).toBe(true)
      expect(await store.hasSeen(bytes(1, 0))).toBe(false)
    })

    it('lets only one of concurrent marks of the same id win', async () => {
      const results = await Promise.all([1, 2, 3].map(async t => await store.markSeen(bytes(9), t)))
      expect(results.filter(Boolean).length).toBe(1)
    })

    it('prunes ids seen before the cutoff only', async () => {
      await store.markSeen(bytes(1), 10)
      await store.markSeen(bytes(2), 20)
      await store.markSeen(bytes(3), 30)
      expect(await store.pruneSeenBefore(20)).toBe(1)
      expect(await store.hasSeen(bytes(1))).toBe(false)
      expect(await store.hasSeen(bytes(2))).toBe(true)
      expect(await store.pruneSeenBefore(31)).toBe(2)
      expect(await store.pruneSeenBefore(1e12)).toBe(0)
      expect(await store.markSeen(bytes(1), 40)).toBe(true)
    })

    it('rejects empty ids', async () => {
      await expect(store.markSeen(new Uint8Array(0), 0)).rejects.toHaveProperty('name', 'InvalidStoreKeyError')
    })

    if (opts.persistent === true) it('survives close and reopen', async () => {
      await store.markSeen(bytes(4, 4), 5)
      store = await h.reopen!()
      expect(await store.markSeen(bytes(4, 4), 10)).toBe(false)
      expect(await store.pruneSeenBefore(6)).toBe(1)
    })
  })
}
