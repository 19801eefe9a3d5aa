// Shared suite for SessionStore implementations.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DeviceAddress, SessionStore } from '../../../src/storage/index.js'
import { MAX_SESSIONS_PER_ADDRESS } from '../../../src/storage/index.js'
import { bytes } from './harness.js'
import type { SuiteOptions } from './harness.js'
import type { StoreFactory, StoreHandle } from '../../helpers/storage.js'

export function describeSessionStore (name: string, factory: StoreFactory<SessionStore>, opts: SuiteOptions = {}): void {
  describe(`SessionStore: ${name}`, () => {
    let h: StoreHandle<SessionStore>
    let store: SessionStore
    beforeEach(async () => { h = await factory(); store = h.store })
    afterEach(async () => { await h.close() })

    const alice1: DeviceAddress = { identityKey: new Uint8Array(32).fill(0xaa), deviceId: 1 }
    const alice2: DeviceAddress = { identityKey: new Uint8Array(32).fill(0xaa), deviceId: 2 }
    const bob1: DeviceAddress = { identityKey: new Uint8Array(32).fill(0xbb), deviceId: 1 }

    it('keeps the order newest first and replaces the whole list', async () => {
      expect(await store.loadSessions(alice1)).toEqual([])
      await store.storeSessions(alice1, [bytes(3), bytes(2), bytes(1)])
      expect(await store.loadSessions(alice1)).toEqual([bytes(3), bytes(2), bytes(1)])
      await store.storeSessions(alice1, [bytes(2), bytes(3)])
      expect(await store.loadSessions(alice1)).toEqual([bytes(2), bytes(3)])
      expect(await store.loadSessions(alice2)).toEqual([])
    })

    it('bounds the list to MAX_SESSIONS_PER_ADDRESS, dropping the oldest', async () => {
      const many = Array.from({ length: MAX_SESSIONS_PER_ADDRESS + 3 }, (_, i) => bytes(i))
      await store.storeSessions(alice1, many)
      expect(await store.loadSessions(alice1)).toEqual(many.slice(0, MAX_SESSIONS_PER_ADDRESS))
    })

    it('deletes one address, all devices of an identity, and lists addresses', async () => {
      await store.storeSessions(alice1, [bytes(1)])
      await store.storeSessions(alice2, [bytes(2)])
      await store.storeSessions(bob1, [bytes(3)])
      expect((await store.listAddresses()).length).toBe(3)
      expect((await store.listAddresses(alice1.identityKey)).map(a => a.deviceId)).toEqual([1, 2])
      await store.deleteSessions(alice2)
      expect(await store.loadSessions(alice2)).toEqual([])
      await store.storeSessions(alice2, [bytes(2)])
      await store.deleteAllSessions(alice1.identityKey)
      expect(await store.listAddresses()).toEqual([bob1])
      await store.storeSessions(bob1, [])
      expect(await store.listAddresses()).toEqual([])
    })

    it('returns copies', async () => {
      const s = bytes(1, 2)
      await store.storeSessions(alice1, [s])
      s[0] = 9
      const [loaded] = await store.loadSessions(alice1)
      loaded[1] = 9
      expect(await store.loadSessions(alice1)).toEqual([bytes(1, 2)])
    })

    it('rejects bad addresses with InvalidStoreKeyError', async () => {
      await expect(store.loadSessions({ identityKey: new Uint8Array(0), deviceId: 1 })).rejects.toHaveProperty('name', 'InvalidStoreKeyError')
      await expect(store.storeSessions({ identityKey: bytes(1), deviceId: 1.5 }, [])).rejects.toHaveProperty('name', 'InvalidStoreKeyError')
    })

    it('honours an aborted signal', async () => {
      await expect(store.storeSessions(alice1, [bytes(1)], { signal: AbortSignal.abort() })).rejects.toHaveProperty('name', 'AbortError')
      expect(await store.loadSessions(alice1)).toEqual([])
    })

    if (opts.persistent === true) it('survives close and reopen', async () => {
      await store.storeSessions(alice1, [bytes(2), bytes(1)])
      await store.storeSessions(bob1, [bytes(5)])
      store = await h.reopen!()
      expect(await store.loadSessions(alice1)).toEqual([bytes(2), bytes(1)])
      expect(await store.loadSessions(bob1)).toEqual([bytes(5)])
    })
  })
}
