// PreKeyManager: rotation schedule, retention (signed and last-resort KEM), repair of a half-done rotation, id allocation, hand-out once, synced id and cursor writes, keys that vanish between listing and loading.
import { describe, expect, it } from 'vitest'
import { PreKeyManager, SIGNED_PRE_KEY_ROTATION_MS } from '../../src/session/index.js'
import { loadOrCreateLocalIdentity } from '../../src/session/index.js'
import { createMemoryStorage, MemoryKeyValueStore, SIGNED_PRE_KEY_RETENTION_MS, type PreKeyKind, type PreKeyStore, type StoreOptions, type WriteOptions } from '../../src/storage/index.js'
import { TestClock } from './party.js'
import { SeededRandom } from '../helpers/seeded-random.js'

async function setup (): Promise<{ manager: PreKeyManager, clock: TestClock, storage: ReturnType<typeof createMemoryStorage> }> {
  const storage = createMemoryStorage()
  const rng = new SeededRandom(21)
  const clock = new TestClock()
  const local = await loadOrCreateLocalIdentity(storage.identity, { random: rng.random, now: clock.now })
  const manager = PreKeyManager.fromStorage(storage, { identity: local.identity, deviceId: local.deviceId, random: rng.random, now: clock.now })
  return { manager, clock, storage }
}

describe('PreKeyManager', () => {
  it('rotates weekly, keeps replaced keys for the retention window, never prunes the current one', async () => {
    const { manager, clock, storage } = await setup()
    await expect(manager.currentSignedPreKeys()).rejects.toHaveProperty('name', 'NotFoundError')
    expect(await manager.rotateSignedPreKeys()).toBe(true)
    expect(await manager.rotateSignedPreKeys()).toBe(false)
    const first = await manager.currentSignedPreKeys()
    clock.advance(SIGNED_PRE_KEY_ROTATION_MS)
    expect(await manager.rotateSignedPreKeys()).toBe(true)
    const second = await manager.currentSignedPreKeys()
    expect(second.signedPreKey.id).not.toBe(first.signedPreKey.id)
    expect(second.lastResortKemPreKey.id).not.toBe(first.lastResortKemPreKey.id)
    expect((await storage.preKeys.listPreKeys('signed')).length).toBe(2)
    // the first key stays for the whole retention window after it was replaced (not after it was made)
    clock.advance(SIGNED_PRE_KEY_RETENTION_MS - 1)
    await manager.rotateSignedPreKeys()
    expect((await storage.preKeys.listPreKeys('signed')).map(e => e.id)).toContain(first.signedPreKey.id)
    expect((await storage.preKeys.listPreKeys('last-resort-kem')).map(e => e.id)).toContain(first.lastResortKemPreKey.id)
    clock.advance(2)
    await manager.rotateSignedPreKeys()
    const ids = (await storage.preKeys.listPreKeys('signed')).map(e => e.id)
    expect(ids).not.toContain(first.signedPreKey.id)
    // the second was replaced (by the third) less than a retention window ago
    expect(ids).toContain(second.signedPreKey.id)
    expect((await storage.preKeys.listPreKeys('last-resort-kem')).map(e => e.id)).not.toContain(first.lastResortKemPreKey.id)
  })

  it('repairs a rotation that stored only one of its two keys', async () => {
    const { manager, storage } = await setup()
    await manager.rotateSignedPreKeys()
    const [kem] = await storage.preKeys.listPreKeys('last-resort-kem')
    await storage.preKeys.removePreKey('last-resort-kem', kem.id)
    expect(await manager.rotateSignedPreKeys()).toBe(true)
    expect((await manager.currentSignedPreKeys()).lastResortKemPreKey.lastResort).toBe(true)
  })

  it('allocates distinct ids, one KEM id space, and hands each one-time key out once', async () => {
    const { manager } = await setup()
    await manager.rotateSignedPreKeys()
    const batch1 = await manager.generateOneTimePreKeys(3)
    const batch2 = await manager.generateOneTimePreKeys(2)
    const otk = [...batch1.oneTimePreKeys, ...batch2.oneTimePreKeys].map(k => k.id)
    expect(new Set(otk).size).toBe(5)
    const kemIds = [...batch1.oneTimeKemPreKeys, ...batch2.oneTimeKemPreKeys].map(k => k.id)
    kemIds.push((await manager.currentSignedPreKeys()).lastResortKemPreKey.id)
    expect(new Set(kemIds).size).toBe(6)
    const handed = [] as number[]
    for (let i = 0; i < 5; i++) {
      const bundle = await manager.createBundle()
      expect(bundle.kemPreKey.lastResort).toBe(false)
      handed.push(bundle.oneTimePreKey!.id)
    }
    expect(handed.sort()).toEqual(otk.sort())
    const empty = await manager.createBundle()
    expect(empty.oneTimePreKey).toBeUndefined()
    expect(empty.kemPreKey.lastResort).toBe(true)
    expect(await manager.countOneTimePreKeys()).toEqual({ oneTime: 5, oneTimeKem: 5 })
    await expect(manager.generateOneTimePreKeys(-1)).rejects.toBeInstanceOf(RangeError)
  })

  it('writes the id counters and the hand-out cursors synced: a restart never reuses an id or hands a key out twice', async () => {
    const storage = createMemoryStorage()
    const rng = new SeededRandom(22)
    const clock = new TestClock()
    const local = await loadOrCreateLocalIdentity(storage.identity, { random: rng.random, now: clock.now })
    const writes: Array<[string, WriteOptions | undefined]> = []
    const meta = new MemoryKeyValueStore()
    const put = meta.put.bind(meta)
    meta.put = async (key, value, options) => { writes.push([key, options]); await put(key, value, options) }
    const manager = new PreKeyManager({ preKeys: storage.preKeys, meta, identity: local.identity, deviceId: local.deviceId, random: rng.random, now: clock.now })
    await manager.rotateSignedPreKeys()
    await manager.generateOneTimePreKeys(1)
    await manager.createBundle()
    expect(writes.map(([key]) => key)).toEqual(['next-id/signed', 'next-id/kem', 'next-id/one-time', 'next-id/kem', 'handed-out/one-time', 'handed-out/one-time-kem'])
    expect(writes.every(([, options]) => options?.sync === true)).toBe(true)
  })

  it('says what is missing: no signed prekeys yet, or one that vanished between listing and loading; a one-time key that vanished is left out', async () => {
    const { manager, storage } = await setup()
    await expect(manager.currentSignedPreKeys()).rejects.toMatchObject({ name: 'NotFoundError', message: 'no signed prekeys yet: call rotateSignedPreKeys' })
    await manager.rotateSignedPreKeys()
    await manager.generateOneTimePreKeys(1)
    // a store whose listing still names keys that are gone when loaded (another writer removed them meanwhile)
    const vanishing = (kinds: PreKeyKind[]): PreKeyStore => Object.assign(Object.create(storage.preKeys) as PreKeyStore, {
      loadPreKey: async (kind: PreKeyKind, id: number, options?: StoreOptions) => kinds.includes(kind) ? undefined : await storage.preKeys.loadPreKey(kind, id, options)
    })
    const rng = new SeededRandom(23)
    const clock = new TestClock()
    const local = await loadOrCreateLocalIdentity(storage.identity, { random: rng.random, now: clock.now })
    const over = (preKeys: PreKeyStore): PreKeyManager => new PreKeyManager({ preKeys, meta: storage.kv('prekey-meta'), identity: local.identity, deviceId: local.deviceId, random: rng.random, now: clock.now })
    await expect(over(vanishing(['signed'])).currentSignedPreKeys()).rejects.toMatchObject({ name: 'NotFoundError', message: 'signed prekey vanished' })
    const bundle = await over(vanishing(['one-time', 'one-time-kem'])).createBundle()
    expect(bundle.oneTimePreKey).toBeUndefined()
    expect(bundle.kemPreKey.lastResort).toBe(true)
  })
})
