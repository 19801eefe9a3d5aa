// Local identity: created once, stored, loaded again unchanged.
import { describe, expect, it } from 'vitest'
import { decodeLocalIdentity, encodeLocalIdentity, loadOrCreateLocalIdentity } from '../../src/session/index.js'
import { createMemoryStorage } from '../../src/storage/index.js'
import { SeededRandom } from '../helpers/seeded-random.js'

describe('local identity', () => {
  it('is created on first start and loaded afterwards', async () => {
    const storage = createMemoryStorage()
    const rng = new SeededRandom(9)
    const a = await loadOrCreateLocalIdentity(storage.identity, { random: rng.random, now: () => 1234, deviceId: 3 })
    const b = await loadOrCreateLocalIdentity(storage.identity, { random: rng.random, now: () => 9999 })
    expect(b.identity.publicKey).toEqual(a.identity.publicKey)
    expect(b.deviceId).toBe(3)
    expect(b.createdAt).toBe(1234)
    const round = decodeLocalIdentity(encodeLocalIdentity({ ...a, createdAt: 2 ** 40 + 5 }))
    expect(round.createdAt).toBe(2 ** 40 + 5)
    expect(() => decodeLocalIdentity(new Uint8Array([9]))).toThrow(expect.objectContaining({ name: 'CorruptRecordError' }))
  })
})
