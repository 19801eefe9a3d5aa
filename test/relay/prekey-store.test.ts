// The relay's prekey store on its own (no relay process): uploads, replays and limits, one-time hand-out, the last-resort fallback, fetch rates, owners.
import { describe, expect, it } from 'vitest'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { MemoryKeyValueStore, type BatchOptions, type KeyValueBatchOperation } from '../../src/storage/index.js'
import { RelayPreKeyStore } from '../../relay-node/src/prekeys/store.js'
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

/** A memory store that records the options of each batch. */
class RecordingKv extends MemoryKeyValueStore {
  batches: Array<BatchOptions | undefined> = []
  override async batch (ops: KeyValueBatchOperation[], options?: BatchOptions): Promise<void> {
    this.batches.push(options)
    await super.batch(ops, options)
  }
}

const open = (kv = new MemoryKeyValueStore(), now = (): number => 1000): RelayPreKeyStore =>
  new RelayPreKeyStore({ kv, now, limits: { maxStoredPerIdentity: 4, fetchesPerRequester: [{ max: 100, windowMs: 60_000 }], fetchesPerRequesterPerIdentity: [{ max: 100, windowMs: 60_000 }] } })

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

  it('holds at most maxStoredPerIdentity one-time keys of each kind; a re-sent id replaces its key', async () => {
    const store = open()
    expect(await store.upload(upload(1, { oneTimePreKeys: keys(1, 4, 0x10), kemOneTimePreKeys: keys(1, 4, 0x20) }), requester)).toEqual({ oneTimePreKeysLeft: 4, kemOneTimePreKeysLeft: 4 })
    expect(await store.upload(upload(2, { oneTimePreKeys: keys(1, 1, 0x50) }), requester)).toEqual({ oneTimePreKeysLeft: 4, kemOneTimePreKeysLeft: 4 })
    await expect(store.upload(upload(3, { oneTimePreKeys: keys(9, 1, 0x60) }), requester)).rejects.toThrow(expect.objectContaining({ name: 'PreKeyLimitError', message: 'at most 4 one-time prekeys of each kind per identity; 4 stored' }))
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

  it('limits fetches per requester and per requester and identity, and forgets old rate entries', async () => {
    let now = 1000
    const store = new RelayPreKeyStore({ kv: new MemoryKeyValueStore(), now: () => now, limits: { fetchesPerRequester: [{ max: 3, windowMs: 60_000 }], fetchesPerRequesterPerIdentity: [{ max: 2, windowMs: 10_000 }] } })
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
})
