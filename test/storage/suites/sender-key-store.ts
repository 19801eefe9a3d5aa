// Shared suite for SenderKeyStore implementations.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SenderKeyName, SenderKeyStore } from '../../../src/storage/index.js'
import { bytes } from './harness.js'
import type { SuiteOptions } from './harness.js'
import type { StoreFactory, StoreHandle } from '../../helpers/storage.js'

export function describeSenderKeyStore (name: string, factory: StoreFactory<SenderKeyStore>, opts: SuiteOptions = {}): void {
  describe(`SenderKeyStore: ${name}`, () => {
    let h: StoreHandle<SenderKeyStore>
    let store: SenderKeyStore
    beforeEach(async () => { h = await factory(); store = h.store })
    afterEach(async () => { await h.close() })

    const sender = { identityKey: new Uint8Array(32).fill(3), deviceId: 7 }
    const n1: SenderKeyName = { groupId: 'g/1', sender, distributionId: 'd-1' }
    const n2: SenderKeyName = { groupId: 'g/1', sender: { ...sender, deviceId: 8 }, distributionId: 'd-1' }
    const n3: SenderKeyName = { groupId: 'g/10', sender, distributionId: 'd-2' }

    it('stores, loads and removes states by full name', async () => {
      await store.storeSenderKey(n1, bytes(1))
      await store.storeSenderKey(n2, bytes(2))
      await store.storeSenderKey(n3, bytes(3))
      expect(await store.loadSenderKey(n1)).toEqual(bytes(1))
      expect(await store.loadSenderKey({ ...n1, distributionId: 'other' })).toBeUndefined()
      await store.removeSenderKey(n1)
      expect(await store.loadSenderKey(n1)).toBeUndefined()
      expect(await store.loadSenderKey(n2)).toEqual(bytes(2))
    })

    it('lists and removes a whole group without touching groups sharing a prefix', async () => {
      await store.storeSenderKey(n1, bytes(1))
      await store.storeSenderKey(n2, bytes(2))
      await store.storeSenderKey(n3, bytes(3))
      expect(await store.listSenderKeys('g/1')).toEqual([n1, n2])
      await store.removeGroup('g/1')
      expect(await store.listSenderKeys('g/1')).toEqual([])
      expect(await store.loadSenderKey(n3)).toEqual(bytes(3))
    })

    if (opts.persistent === true) it('survives close and reopen', async () => {
      await store.storeSenderKey(n1, bytes(1, 1))
      store = await h.reopen!()
      expect(await store.loadSenderKey(n1)).toEqual(bytes(1, 1))
    })
  })
}
