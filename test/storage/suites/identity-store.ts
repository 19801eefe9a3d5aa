// Shared suite for IdentityStore implementations.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { IdentityStore } from '../../../src/storage/index.js'
import { bytes, collect } from './harness.js'
import type { SuiteOptions } from './harness.js'
import type { StoreFactory, StoreHandle } from '../../helpers/storage.js'

export function describeIdentityStore (name: string, factory: StoreFactory<IdentityStore>, opts: SuiteOptions = {}): void {
  describe(`IdentityStore: ${name}`, () => {
    let h: StoreHandle<IdentityStore>
    let store: IdentityStore
    beforeEach(async () => { h = await factory(); store = h.store })
    afterEach(async () => { await h.close() })

    const k1 = new Uint8Array(32).fill(1)
    const k2 = new Uint8Array(32).fill(2)

    it('saves and loads the local identity record', async () => {
      expect(await store.loadLocalIdentity()).toBeUndefined()
      await store.saveLocalIdentity(bytes(7, 8, 9))
      expect(await store.loadLocalIdentity()).toEqual(bytes(7, 8, 9))
    })

    it('trusts on first use and records first-seen', async () => {
      expect(await store.isTrusted('alice', k1)).toBe(true)
      const r = await store.saveRemoteIdentity('alice', k1, 1000)
      expect(r.isNew).toBe(true)
      expect(r.changed).toBe(false)
      expect(r.record).toMatchObject({ contactId: 'alice', firstSeen: 1000, verified: false, changed: false })
      expect(r.record.identityKey).toEqual(k1)
      const again = await store.saveRemoteIdentity('alice', k1, 2000)
      expect(again.isNew).toBe(false)
      expect(again.changed).toBe(false)
      expect(again.record.firstSeen).toBe(1000)
      expect(await store.isTrusted('alice', k1)).toBe(true)
      expect(await store.isTrusted('alice', k2)).toBe(false)
    })

    it('marks a changed key, resets verification, keeps the previous key', async () => {
      await store.saveRemoteIdentity('bob', k1, 1000)
      await store.setVerified('bob', true)
      expect((await store.loadRemoteIdentity('bob'))?.verified).toBe(true)
      const r = await store.saveRemoteIdentity('bob', k2, 5000)
      expect(r.changed).toBe(true)
      const loaded = await store.loadRemoteIdentity('bob')
      expect(loaded).toMatchObject({ verified: false, changed: true, firstSeen: 5000 })
      expect(loaded?.identityKey).toEqual(k2)
      expect(loaded?.previousKey).toEqual(k1)
      const acked = await store.acknowledgeChange('bob')
      expect(acked.changed).toBe(false)
      expect((await store.loadRemoteIdentity('bob'))?.changed).toBe(false)
    })

    it('serialises concurrent saves: exactly one sees the contact as new', async () => {
      const keys = [1, 2, 3].map(b => new Uint8Array(32).fill(b))
      const results = await Promise.all(keys.map(async (k, i) => await store.saveRemoteIdentity('dan', k, i)))
      expect(results.filter(r => r.isNew).length).toBe(1)
      expect(results.filter(r => r.changed).length).toBe(2)
      expect((await store.loadRemoteIdentity('dan'))?.identityKey).toEqual(keys[2])
    })

    it('throws NotFoundError for unknown contacts', async () => {
      await expect(store.setVerified('nobody', true)).rejects.toHaveProperty('name', 'NotFoundError')
      await expect(store.acknowledgeChange('nobody')).rejects.toHaveProperty('name', 'NotFoundError')
    })

    it('lists and removes remote identities', async () => {
      await store.saveRemoteIdentity('a/b', k1, 1)
      await store.saveRemoteIdentity('c', k2, 2)
      const ids = (await collect(store.listRemoteIdentities())).map(r => r.contactId).sort()
      expect(ids).toEqual(['a/b', 'c'])
      await store.removeRemoteIdentity('a/b')
      expect(await store.loadRemoteIdentity('a/b')).toBeUndefined()
      expect((await collect(store.listRemoteIdentities())).length).toBe(1)
    })

    it('rejects an empty contact id', async () => {
      await expect(store.saveRemoteIdentity('', k1, 1)).rejects.toHaveProperty('name', 'InvalidStoreKeyError')
    })

    if (opts.persistent === true) it('survives close and reopen', async () => {
      await store.saveLocalIdentity(bytes(1, 2))
      await store.saveRemoteIdentity('carol', k1, 10)
      await store.saveRemoteIdentity('carol', k2, 20)
      await store.setVerified('carol', true)
      store = await h.reopen!()
      expect(await store.loadLocalIdentity()).toEqual(bytes(1, 2))
      const r = await store.loadRemoteIdentity('carol')
      expect(r).toMatchObject({ contactId: 'carol', firstSeen: 20, verified: true, changed: true })
      expect(r?.previousKey).toEqual(k1)
    })
  })
}
