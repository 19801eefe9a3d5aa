// The relay's prekey store on its own (no relay process): uploads, replays and limits, one-time hand-out, the last-resort fallback, fetch rates, owners;
// per device: independent devices of one identity, the device cap, retiring a device, and the migration of the one-device format.
import { describe, expect, it } from 'vitest'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { MemoryKeyValueStore, type BatchOptions, type KeyValueBatchOperation } from '../../src/storage/index.js'
import { RelayPreKeyStore } from '../../relay-node/src/prekeys/store.js'
import { DEFAULT_PREKEY_LIMITS } from '../../relay-node/src/prekeys/limits.js'
import { MAX_DEVICES } from '../../src/directory/index.js'
import type { VerifiedUpload } from '../../src/protocols/prekeys/index.js'

const alice = new Uint8Array(32).fill(1)
const requester = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
const other = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
const bytes = (b: number, n = 4): Uint8Array => new Uint8Array(n).fill(b)
const keys = (from: number, n: number, tag: number): VerifiedUpload['oneTimePreKeys'] =>
  Array.from({ length: n }, (_, i) => ({ id: from + i, encoded: bytes(tag + i) }))

function upload (timestamp: number, extra: Partial<VerifiedUpload> = {}): VerifiedUpload {
  return { identityKey: alice, deviceId: 3, timestamp, signedPreKey: bytes(0xaa), lastResortKemPreKey: bytes(0xbb), oneTimePreKeys: [], kemOneTimePreKeys: [], ...extra }
}

/** A memory store that records the options of each batch and refuses an operation the interface does not name (the memory and LevelDB stores would take anything but 'put' as a delete). */
class RecordingKv extends MemoryKeyValueStore {
  batches: Array<BatchOptions | undefined> = []
  override async batch (ops: KeyValueBatchOperation[], options?: BatchOptions): Promise<void> {
    for (const op of ops) {
      const type: string = op.type
      if (type !== 'put' && type !== 'del') throw new Error(`not a batch operation: ${type}`)
    }
    this.batches.push(options)
    await super.batch(ops, options)
  }
}

const dev2 = (identityKey: Uint8Array, deviceId: number, timestamp: number, extra: Partial<VerifiedUpload> = {}): VerifiedUpload => upload(timestamp, { identityKey, deviceId, ...extra })
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const json = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v))
const keysOf = async (kv: MemoryKeyValueStore, prefix = ''): Promise<string[]> => {
  const out: string[] = []
  for await (const e of kv.iterate({ prefix })) out.push(e.key)
  return out
}

const open = (kv = new MemoryKeyValueStore(), now = (): number => 1000): RelayPreKeyStore =>
  new RelayPreKeyStore({ kv, now, limits: { maxStoredPerDevice: 4, fetchesPerRequester: [{ max: 100, windowMs: 60_000 }], fetchesPerRequesterPerDevice: [{ max: 100, windowMs: 60_000 }] } })

describe('RelayPreKeyStore', () => {
  it('hands out each one-time key once, then the last-resort KEM key; counts go down to 0', async () => {
    const kv = new RecordingKv()
    const store = open(kv)
    expect(await store.upload(upload(1, { oneTimePreKeys: keys(1, 2, 0x10), kemOneTimePreKeys: keys(1, 1, 0x20) }), requester)).toEqual({ oneTimePreKeysLeft: 2, kemOneTimePreKeysLeft: 1 })
    expect(kv.batches).toEqual([{ sync: true }])
    const first = await store.fetch(alice, requester)
    expect(first).toEqual({ deviceId: 3, signedPreKey: bytes(0xaa), kemPreKey: bytes(0x20), oneTimePreKey: bytes(0x10), oneTimePreKeysLeft: 1, kemOneTimePreKeysLeft: 0 })
    const second = await store.fetch(alice, requester)
    expect(second).toEqual({ deviceId: 3, signedPreKey: bytes(0xaa), kemPreKey: bytes(0xbb), oneTimePreKey: bytes(0x11), oneTimePreKeysLeft: 0, kemOneTimePreKeysLeft: 0 })
    const third = await store.fetch(alice, requester)
    expect(third).toEqual({ deviceId: 3, signedPreKey: bytes(0xaa), kemPreKey: bytes(0xbb), oneTimePreKeysLeft: 0, kemOneTimePreKeysLeft: 0 })
    expect(kv.batches.every(o => o?.sync === true)).toBe(true)
  })

  it('hands out keys in id order (ids past 9 included) and counts each kind down separately', async () => {
    const store = open()
    const ids = (list: number[], tag: number): VerifiedUpload['oneTimePreKeys'] => list.map(id => ({ id, encoded: bytes(tag + id) }))
    await store.upload(upload(1, { oneTimePreKeys: ids([16, 9], 0), kemOneTimePreKeys: ids([17, 10, 2], 0x40) }), requester)
    const first = await store.fetch(alice, requester)
    expect(first).toMatchObject({ oneTimePreKey: bytes(9), kemPreKey: bytes(0x42), oneTimePreKeysLeft: 1, kemOneTimePreKeysLeft: 2 })
    const second = await store.fetch(alice, requester)
    expect(second).toMatchObject({ oneTimePreKey: bytes(16), kemPreKey: bytes(0x4a), oneTimePreKeysLeft: 0, kemOneTimePreKeysLeft: 1 })
  })

  it('refuses a first upload without signed or last-resort keys, and replayed or older uploads', async () => {
    const store = open()
    await expect(store.upload(upload(1, { signedPreKey: undefined }), requester)).rejects.toThrow(expect.objectContaining({ name: 'InvalidPreKeyRequestError', message: 'the first upload must carry the signed prekey and the last-resort KEM prekey' }))
    await expect(store.upload(upload(1, { lastResortKemPreKey: undefined }), requester)).rejects.toHaveProperty('name', 'InvalidPreKeyRequestError')
    await store.upload(upload(5), requester)
    await expect(store.upload(upload(5), requester)).rejects.toThrow(expect.objectContaining({ name: 'StaleUploadError', message: 'upload is not newer than the last one (replayed?)' }))
    await expect(store.upload(upload(4), requester)).rejects.toHaveProperty('name', 'StaleUploadError')
    // a later upload may leave out the reused keys: the stored ones stay
    await store.upload(upload(6, { signedPreKey: undefined, lastResortKemPreKey: undefined, oneTimePreKeys: keys(1, 1, 0x30) }), requester)
    const fetched = await store.fetch(alice, requester)
    expect(fetched.signedPreKey).toEqual(bytes(0xaa))
    expect(fetched.kemPreKey).toEqual(bytes(0xbb))
    // and new ones replace them
    await store.upload(upload(7, { signedPreKey: bytes(0xcc), lastResortKemPreKey: bytes(0xdd) }), requester)
    expect(await store.fetch(alice, requester)).toMatchObject({ signedPreKey: bytes(0xcc), kemPreKey: bytes(0xdd) })
  })

  it('holds at most maxStoredPerDevice one-time keys of each kind; a re-sent id replaces its key', async () => {
    const store = open()
    expect(await store.upload(upload(1, { oneTimePreKeys: keys(1, 4, 0x10), kemOneTimePreKeys: keys(1, 4, 0x20) }), requester)).toEqual({ oneTimePreKeysLeft: 4, kemOneTimePreKeysLeft: 4 })
    expect(await store.upload(upload(2, { oneTimePreKeys: keys(1, 1, 0x50) }), requester)).toEqual({ oneTimePreKeysLeft: 4, kemOneTimePreKeysLeft: 4 })
    await expect(store.upload(upload(3, { oneTimePreKeys: keys(9, 1, 0x60) }), requester)).rejects.toThrow(expect.objectContaining({ name: 'PreKeyLimitError', message: 'at most 4 one-time prekeys of each kind per device; 4 stored' }))
    await expect(store.upload(upload(4, { kemOneTimePreKeys: keys(9, 1, 0x60) }), requester)).rejects.toHaveProperty('name', 'PreKeyLimitError')
    expect((await store.fetch(alice, requester)).oneTimePreKey).toEqual(bytes(0x50))
  })

  it('answers not found for an unknown identity and honours an aborted signal', async () => {
    const store = open()
    await expect(store.fetch(alice, requester)).rejects.toHaveProperty('name', 'PreKeysNotFoundError')
    await expect(store.upload(upload(1), requester, { signal: AbortSignal.abort() })).rejects.toHaveProperty('name', 'AbortError')
    await store.upload(upload(2), requester)
    await expect(store.fetch(alice, requester, { signal: AbortSignal.abort() })).rejects.toHaveProperty('name', 'AbortError')
  })

  it('limits fetches per requester and per requester and device, and forgets old rate entries', async () => {
    let now = 1000
    const store = new RelayPreKeyStore({ kv: new MemoryKeyValueStore(), now: () => now, limits: { fetchesPerRequester: [{ max: 3, windowMs: 60_000 }], fetchesPerRequesterPerDevice: [{ max: 2, windowMs: 10_000 }] } })
    await store.upload(upload(1), requester)
    await store.fetch(alice, requester)
    await store.fetch(alice, requester)
    const refused = await store.fetch(alice, requester).catch((err: unknown) => err)
    expect(refused).toMatchObject({ name: 'RateLimitedError', retryAfterMs: 10_000, message: 'too many bundle fetches; retry in 10 s' })
    // another requester is not limited by the first one's fetches
    expect((await store.fetch(alice, other)).deviceId).toBe(3)
    now += 10_000
    await store.fetch(alice, requester)
    // the per-requester window (3 a minute) now refuses, for longer than the pair window
    await expect(store.fetch(alice, requester)).rejects.toMatchObject({ name: 'RateLimitedError', retryAfterMs: 50_000 })
    now += 60_000
    await store.sweep()
    expect((await store.fetch(alice, requester)).deviceId).toBe(3)
  })

  it('knows an owner only by its identity key and device id', async () => {
    const store = open()
    expect(await store.knows(alice, 3)).toBe(false)
    await store.upload(upload(1), requester)
    expect(await store.knows(alice, 3)).toBe(true)
    expect(await store.knows(alice, 4)).toBe(false)
    expect(await store.knows(alice.subarray(0, 31), 3)).toBe(false)
    expect(await store.knows(new Uint8Array(32).fill(2), 3)).toBe(false)
  })

  describe('per device', () => {
    const dev = (deviceId: number, timestamp: number, extra: Partial<VerifiedUpload> = {}): VerifiedUpload => upload(timestamp, { deviceId, ...extra })

    it('two devices of one identity upload and fetch independently: own signed keys, own pools, own counts', async () => {
      const store = open()
      expect(await store.upload(dev(3, 1, { oneTimePreKeys: keys(1, 2, 0x10), kemOneTimePreKeys: keys(1, 1, 0x20) }), requester)).toEqual({ oneTimePreKeysLeft: 2, kemOneTimePreKeysLeft: 1 })
      // the same key ids on another device are other keys, counted from 0
      expect(await store.upload(dev(5, 1, { signedPreKey: bytes(0xa5), lastResortKemPreKey: bytes(0xb5), oneTimePreKeys: keys(1, 4, 0x50), kemOneTimePreKeys: keys(1, 4, 0x60) }), requester)).toEqual({ oneTimePreKeysLeft: 4, kemOneTimePreKeysLeft: 4 })
      expect(await store.fetch(alice, requester, { deviceId: 5 })).toEqual({ deviceId: 5, signedPreKey: bytes(0xa5), kemPreKey: bytes(0x60), oneTimePreKey: bytes(0x50), oneTimePreKeysLeft: 3, kemOneTimePreKeysLeft: 3 })
      expect(await store.fetch(alice, requester, { deviceId: 3 })).toEqual({ deviceId: 3, signedPreKey: bytes(0xaa), kemPreKey: bytes(0x20), oneTimePreKey: bytes(0x10), oneTimePreKeysLeft: 1, kemOneTimePreKeysLeft: 0 })
      expect(await store.fetch(alice, requester, { deviceId: 3 })).toEqual({ deviceId: 3, signedPreKey: bytes(0xaa), kemPreKey: bytes(0xbb), oneTimePreKey: bytes(0x11), oneTimePreKeysLeft: 0, kemOneTimePreKeysLeft: 0 })
      expect(await store.fetch(alice, requester, { deviceId: 5 })).toMatchObject({ deviceId: 5, oneTimePreKey: bytes(0x51), kemPreKey: bytes(0x61), oneTimePreKeysLeft: 2 })
      // rotating one device's signed prekey leaves the other's
      await store.upload(dev(3, 2, { signedPreKey: bytes(0xcc) }), requester)
      expect((await store.fetch(alice, requester, { deviceId: 3 })).signedPreKey).toEqual(bytes(0xcc))
      expect((await store.fetch(alice, requester, { deviceId: 5 })).signedPreKey).toEqual(bytes(0xa5))
      // each device has its own storage limit: device 5 is full, device 3 still takes keys
      expect(await store.upload(dev(5, 2, { oneTimePreKeys: keys(10, 3, 0x70) }), requester)).toMatchObject({ oneTimePreKeysLeft: 4 })
      await expect(store.upload(dev(5, 3, { oneTimePreKeys: keys(20, 1, 0x70) }), requester)).rejects.toMatchObject({ name: 'PreKeyLimitError', message: 'at most 4 one-time prekeys of each kind per device; 4 stored' })
      expect(await store.upload(dev(3, 3, { oneTimePreKeys: keys(10, 4, 0x30) }), requester)).toMatchObject({ oneTimePreKeysLeft: 4 })
      expect(await store.knows(alice, 3)).toBe(true)
      expect(await store.knows(alice, 5)).toBe(true)
      expect(await store.knows(alice, 4)).toBe(false)
    })

    it("each device's replay rule is its own", async () => {
      const store = open()
      await store.upload(dev(3, 10), requester)
      // another device's first upload may be older than device 3's last one
      await store.upload(dev(5, 2), requester)
      await expect(store.upload(dev(5, 2), requester)).rejects.toMatchObject({ name: 'StaleUploadError', message: 'upload is not newer than the last one (replayed?)' })
      await expect(store.upload(dev(5, 1), requester)).rejects.toHaveProperty('name', 'StaleUploadError')
      await expect(store.upload(dev(3, 10), requester)).rejects.toHaveProperty('name', 'StaleUploadError')
      await store.upload(dev(5, 3, { oneTimePreKeys: keys(1, 1, 0x10) }), requester)
      await store.upload(dev(3, 11), requester)
      // device 5's accepted upload (3) did not move device 3's rule, nor the reverse
      await expect(store.upload(dev(3, 4), requester)).rejects.toHaveProperty('name', 'StaleUploadError')
      await store.upload(dev(5, 4), requester)
    })

    it('a fetch without a device id gets the lowest device id held (ids past 9 included)', async () => {
      const store = open()
      await expect(store.fetch(alice, requester)).rejects.toMatchObject({ name: 'PreKeysNotFoundError', message: 'no prekeys stored for this identity' })
      await store.upload(dev(16, 1, { signedPreKey: bytes(0x16) }), requester)
      expect(await store.fetch(alice, requester)).toMatchObject({ deviceId: 16, signedPreKey: bytes(0x16) })
      await store.upload(dev(9, 1, { signedPreKey: bytes(0x09), oneTimePreKeys: keys(1, 1, 0x90) }), requester)
      expect(await store.fetch(alice, requester)).toMatchObject({ deviceId: 9, signedPreKey: bytes(0x09), oneTimePreKey: bytes(0x90), oneTimePreKeysLeft: 0 })
      await store.upload(dev(1, 1, { signedPreKey: bytes(0x01) }), requester)
      expect(await store.fetch(alice, requester)).toMatchObject({ deviceId: 1, signedPreKey: bytes(0x01) })
    })

    it('answers not found for a device that uploaded nothing, and for another identity', async () => {
      const store = open()
      await store.upload(dev(1, 1), requester)
      await expect(store.fetch(alice, requester, { deviceId: 2 })).rejects.toMatchObject({ name: 'PreKeysNotFoundError', message: 'no prekeys stored for this device' })
      await expect(store.fetch(alice, requester, { deviceId: 0 })).rejects.toHaveProperty('name', 'PreKeysNotFoundError')
      await expect(store.fetch(new Uint8Array(32).fill(2), requester, { deviceId: 1 })).rejects.toHaveProperty('name', 'PreKeysNotFoundError')
      await expect(store.fetch(alice, requester, { deviceId: -1 })).rejects.toHaveProperty('name', 'InvalidPreKeyRequestError')
      await expect(store.fetch(alice, requester, { deviceId: 2 ** 32 })).rejects.toHaveProperty('name', 'InvalidPreKeyRequestError')
      expect((await store.fetch(alice, requester, { deviceId: 1 })).deviceId).toBe(1)
    })

    it('rate-limits fetches per requester and device: a sender reaches every device; no extra fetches by leaving the device out', async () => {
      const store = new RelayPreKeyStore({ kv: new MemoryKeyValueStore(), now: () => 1000, limits: { fetchesPerRequester: [{ max: 100, windowMs: 60_000 }], fetchesPerRequesterPerDevice: [{ max: 2, windowMs: 10_000 }] } })
      await store.upload(dev(1, 1), requester)
      await store.upload(dev(2, 1), requester)
      await store.fetch(alice, requester, { deviceId: 1 })
      // a fetch without a device id counts against the device it is served from (the lowest)
      await store.fetch(alice, requester)
      await expect(store.fetch(alice, requester)).rejects.toHaveProperty('name', 'RateLimitedError')
      await expect(store.fetch(alice, requester, { deviceId: 1 })).rejects.toHaveProperty('name', 'RateLimitedError')
      expect((await store.fetch(alice, requester, { deviceId: 2 })).deviceId).toBe(2)
      expect((await store.fetch(alice, other, { deviceId: 1 })).deviceId).toBe(1)
    })

    it('holds at most maxDevicesPerIdentity devices: an owner inventing device ids gets LIMIT_EXCEEDED and stores nothing for them', async () => {
      const kv = new MemoryKeyValueStore()
      const store = open(kv)
      for (let d = 1; d <= 6; d++) await store.upload(dev(d * 1000, 1, { oneTimePreKeys: keys(1, 4, 0x10) }), requester)
      const before = await keysOf(kv)
      await expect(store.upload(dev(7000, 1, { oneTimePreKeys: keys(1, 4, 0x10) }), requester)).rejects.toMatchObject({ name: 'PreKeyLimitError', message: 'at most 6 devices per identity; 6 hold prekeys here' })
      await expect(store.upload(dev(0xffffffff, 1), requester)).rejects.toHaveProperty('name', 'PreKeyLimitError')
      expect(await keysOf(kv)).toEqual(before)
      expect(await store.knows(alice, 7000)).toBe(false)
      await expect(store.fetch(alice, requester, { deviceId: 7000 })).rejects.toHaveProperty('name', 'PreKeysNotFoundError')
      // the devices held still top up, and another identity is not affected by alice's cap
      expect(await store.upload(dev(6000, 2, { signedPreKey: bytes(0xcc) }), requester)).toEqual({ oneTimePreKeysLeft: 4, kemOneTimePreKeysLeft: 0 })
      await store.upload(dev(7000, 1, { identityKey: new Uint8Array(32).fill(2) }), requester)
      // retiring one makes room for another
      expect(await store.retire(alice, 3000)).toBe(true)
      await store.upload(dev(7000, 2), requester)
      expect(await store.knows(alice, 7000)).toBe(true)
    })

    it("the default cap is the directory record's device limit: every device a record lists can hold prekeys", () => {
      expect(DEFAULT_PREKEY_LIMITS.maxDevicesPerIdentity).toBe(MAX_DEVICES)
    })

    it('the cap holds against concurrent first uploads of invented devices', async () => {
      const store = new RelayPreKeyStore({ kv: new MemoryKeyValueStore(), now: () => 1000, limits: { maxDevicesPerIdentity: 3 } })
      const results = await Promise.allSettled(Array.from({ length: 8 }, async (_, i) => await store.upload(dev(i + 1, 1), requester)))
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(3)
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      expect(refused).toHaveLength(5)
      for (const r of refused) expect(r.reason).toMatchObject({ name: 'PreKeyLimitError', message: 'at most 3 devices per identity; 3 hold prekeys here' })
      let known = 0
      for (let d = 1; d <= 8; d++) if (await store.knows(alice, d)) known++
      expect(known).toBe(3)
    })

    it("retire forgets one device's meta and pools (one synced batch); its old uploads cannot revive it, a newer one can", async () => {
      const kv = new RecordingKv()
      const store = open(kv)
      await store.upload(dev(3, 5, { oneTimePreKeys: keys(1, 3, 0x10), kemOneTimePreKeys: keys(1, 2, 0x20) }), requester)
      await store.upload(dev(5, 1, { oneTimePreKeys: keys(1, 1, 0x50) }), requester)
      expect(await store.retire(alice, 4)).toBe(false)
      expect(await store.retire(new Uint8Array(32).fill(2), 3)).toBe(false)
      kv.batches = []
      expect(await store.retire(alice, 3)).toBe(true)
      expect(kv.batches).toEqual([{ sync: true }])
      expect(await store.knows(alice, 3)).toBe(false)
      await expect(store.fetch(alice, requester, { deviceId: 3 })).rejects.toHaveProperty('name', 'PreKeysNotFoundError')
      // nothing of device 3 is left but its replay rule
      expect(await keysOf(kv, `${hexOf(alice)}/`)).toEqual([
        `${hexOf(alice)}/m/00000005`,
        `${hexOf(alice)}/p/00000005/otk/00000001`,
        `${hexOf(alice)}/r/00000003`
      ])
      // device 5 is untouched and is now what a fetch without a device id gets
      expect(await store.fetch(alice, requester)).toMatchObject({ deviceId: 5, oneTimePreKey: bytes(0x50) })
      expect(await store.retire(alice, 3)).toBe(false)
      // a replay of an upload accepted before the retirement is refused
      await expect(store.upload(dev(3, 5, { oneTimePreKeys: keys(1, 3, 0x10) }), requester)).rejects.toHaveProperty('name', 'StaleUploadError')
      await expect(store.upload(dev(3, 4), requester)).rejects.toHaveProperty('name', 'StaleUploadError')
      expect(await store.knows(alice, 3)).toBe(false)
      // a newer upload starts the device afresh: no old keys come back
      expect(await store.upload(dev(3, 6, { signedPreKey: bytes(0xc3) }), requester)).toEqual({ oneTimePreKeysLeft: 0, kemOneTimePreKeysLeft: 0 })
      expect(await store.fetch(alice, requester, { deviceId: 3 })).toEqual({ deviceId: 3, signedPreKey: bytes(0xc3), kemPreKey: bytes(0xbb), oneTimePreKeysLeft: 0, kemOneTimePreKeysLeft: 0 })
      expect(await keysOf(kv, `${hexOf(alice)}/r/`)).toEqual([])
      await expect(store.retire(alice, -1)).rejects.toHaveProperty('name', 'InvalidPreKeyRequestError')
    })

    it('refuses a device id that is not a uint32 in an upload, a fetch or a retirement, and stores nothing for it', async () => {
      const kv = new MemoryKeyValueStore()
      const store = open(kv)
      await store.open()
      for (const deviceId of [-1, 1.5, 2 ** 32, Number.NaN]) {
        const refusal = { name: 'InvalidPreKeyRequestError', message: 'the device id must be a uint32' }
        await expect(store.upload(dev(deviceId, 1, { oneTimePreKeys: keys(1, 1, 0x10) }), requester), String(deviceId)).rejects.toMatchObject(refusal)
        await expect(store.fetch(alice, requester, { deviceId }), String(deviceId)).rejects.toMatchObject(refusal)
        await expect(store.retire(alice, deviceId), String(deviceId)).rejects.toMatchObject(refusal)
      }
      expect(await keysOf(kv)).toEqual(['format'])
      // the bounds themselves are device ids
      for (const deviceId of [0, 2 ** 32 - 1]) await store.upload(dev(deviceId, 1), requester)
      expect(await keysOf(kv, `${hexOf(alice)}/m/`)).toEqual([`${hexOf(alice)}/m/00000000`, `${hexOf(alice)}/m/ffffffff`])
    })
  })

  describe('migration of the one-device format', () => {
    const bob = new Uint8Array(32).fill(0xb0)
    /** What the relay wrote before per-device storage: one meta record per identity, pools by kind and id. */
    async function legacy (kv: MemoryKeyValueStore, identityKey: Uint8Array, deviceId: number, lastUploadAt: number, otks: number[], kems: number[]): Promise<void> {
      const id = hexOf(identityKey)
      await kv.put(`${id}/meta`, json({ deviceId, signedPreKey: hexOf(bytes(0xaa)), lastResortKemPreKey: hexOf(bytes(0xbb)), lastUploadAt, oneTime: otks.length, kemOneTime: kems.length }))
      for (const k of otks) await kv.put(`${id}/otk/${k.toString(16).padStart(8, '0')}`, bytes(0x10 + k))
      for (const k of kems) await kv.put(`${id}/kem/${k.toString(16).padStart(8, '0')}`, bytes(0x20 + k))
    }

    it("reads a store of the previous format as that device's data: keys, counts, owner, replay rule", async () => {
      const kv = new RecordingKv()
      await legacy(kv, alice, 2, 50, [1, 2, 17], [3])
      await legacy(kv, bob, 1, 40, [], [])
      const store = open(kv)
      await store.open()
      const a = hexOf(alice)
      expect(await keysOf(kv, `${a}/`)).toEqual([`${a}/m/00000002`, `${a}/p/00000002/kem/00000003`, `${a}/p/00000002/otk/00000001`, `${a}/p/00000002/otk/00000002`, `${a}/p/00000002/otk/00000011`])
      expect(await store.knows(alice, 2)).toBe(true)
      expect(await store.knows(alice, 1)).toBe(false)
      expect(await store.knows(bob, 1)).toBe(true)
      expect(await store.fetch(alice, requester, { deviceId: 2 })).toEqual({ deviceId: 2, signedPreKey: bytes(0xaa), kemPreKey: bytes(0x23), oneTimePreKey: bytes(0x11), oneTimePreKeysLeft: 2, kemOneTimePreKeysLeft: 0 })
      expect(await store.fetch(alice, requester)).toEqual({ deviceId: 2, signedPreKey: bytes(0xaa), kemPreKey: bytes(0xbb), oneTimePreKey: bytes(0x12), oneTimePreKeysLeft: 1, kemOneTimePreKeysLeft: 0 })
      expect(await store.fetch(bob, requester)).toEqual({ deviceId: 1, signedPreKey: bytes(0xaa), kemPreKey: bytes(0xbb), oneTimePreKeysLeft: 0, kemOneTimePreKeysLeft: 0 })
      // the device's last accepted upload still bounds replays
      await expect(store.upload(dev2(alice, 2, 50), requester)).rejects.toHaveProperty('name', 'StaleUploadError')
      // top-ups count on from the migrated pool
      expect(await store.upload(dev2(alice, 2, 51, { signedPreKey: undefined, lastResortKemPreKey: undefined, oneTimePreKeys: keys(40, 1, 0x40) }), requester)).toEqual({ oneTimePreKeysLeft: 2, kemOneTimePreKeysLeft: 0 })
      // another device of the identity joins beside the migrated one
      await store.upload(dev2(alice, 1, 1), requester)
      expect((await store.fetch(alice, requester)).deviceId).toBe(1)
      expect((await store.fetch(alice, requester, { deviceId: 2 })).oneTimePreKey).toEqual(bytes(0x21))
      // nothing of the old layout is left; the format is recorded
      const all = await keysOf(kv)
      expect(all.filter(k => /^[0-9a-f]{64}\/(meta$|otk\/|kem\/)/.test(k))).toEqual([])
      expect(all).toContain('format')
    })

    it('runs once, survives an interrupted run, and reopening finds the same data', async () => {
      const kv = new MemoryKeyValueStore()
      await legacy(kv, alice, 3, 50, [1, 2], [])
      // an earlier run moved alice before it stopped; bob is still in the old layout
      await open(kv).open()
      await kv.del('format')
      await legacy(kv, bob, 1, 40, [5], [])
      const store = open(kv)
      expect(await store.knows(bob, 1)).toBe(true)
      expect(await store.fetch(alice, requester, { deviceId: 3 })).toMatchObject({ oneTimePreKey: bytes(0x11), oneTimePreKeysLeft: 1 })
      expect(await store.fetch(bob, requester, { deviceId: 1 })).toMatchObject({ oneTimePreKey: bytes(0x15), oneTimePreKeysLeft: 0 })
      const after = await keysOf(kv)
      const again = open(kv)
      await again.open()
      expect(await keysOf(kv)).toEqual(after)
      expect(await again.fetch(alice, requester, { deviceId: 3 })).toMatchObject({ oneTimePreKey: bytes(0x12), oneTimePreKeysLeft: 0 })
    })

    it('with the format recorded it does not scan again', async () => {
      const kv = new MemoryKeyValueStore()
      await open(kv).open()
      let iterations = 0
      const iterate = kv.iterate.bind(kv)
      kv.iterate = (range, options) => { iterations++; return iterate(range, options) }
      await open(kv).open()
      expect(iterations).toBe(0)
    })

    it('passes over a key of neither layout: the identities after it are still moved, the key stays', async () => {
      const kv = new RecordingKv()
      // sorts before every identity's hex, and between two of them
      await kv.put('00-notes', bytes(1))
      await legacy(kv, alice, 2, 50, [1], [])
      await kv.put(`${hexOf(alice)}x`, bytes(2))
      await legacy(kv, bob, 1, 40, [], [])
      const store = open(kv)
      await store.open()
      expect(await store.knows(alice, 2)).toBe(true)
      expect(await store.knows(bob, 1)).toBe(true)
      const all = await keysOf(kv)
      expect(all).toContain('00-notes')
      expect(all).toContain(`${hexOf(alice)}x`)
      expect(all.filter(k => k.endsWith('/meta'))).toEqual([])
    })

    it('a failed migration waits for open() or a call to report it: it is not an unhandled rejection meanwhile', async () => {
      const kv = new MemoryKeyValueStore()
      const broken = new Error('disk gone')
      kv.get = async () => { throw broken }
      const unhandled: unknown[] = []
      const onRejection = (reason: unknown): void => { unhandled.push(reason) }
      process.on('unhandledRejection', onRejection)
      try {
        const store = open(kv)
        for (let i = 0; i < 3; i++) await new Promise<void>(resolve => { setImmediate(resolve) })
        expect(unhandled).toEqual([])
        await expect(store.open()).rejects.toBe(broken)
        await expect(store.knows(alice, 3)).rejects.toBe(broken)
      } finally {
        process.off('unhandledRejection', onRejection)
      }
    })

    it('a store that cannot be read fails open() and every call, not silently', async () => {
      const kv = new MemoryKeyValueStore()
      await kv.put(`${hexOf(alice)}/meta`, new TextEncoder().encode('{not json'))
      const store = open(kv)
      await expect(store.open()).rejects.toThrow(SyntaxError)
      await expect(store.knows(alice, 3)).rejects.toThrow(SyntaxError)
      await expect(store.fetch(alice, requester)).rejects.toThrow(SyntaxError)
    })
  })
})
