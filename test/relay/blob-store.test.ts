// The relay's blob store, one suite over memory (where a restart loses every unsynced write) and disk (LevelDB and chunk files, closed and reopened): uploads stored and read back by chunk under the id of their chunks, resume from the committed count after a crash (the tail beyond it rewritten), declarations, chunk order and sizes enforced, a resume on another stream superseding the first, receipts of finished uploads, quotas per account and for the relay, deduplication, TTL with touch, deletes, sweeps of expired blobs and abandoned uploads, orphan files, owners and rate limits.
import { describe, it, expect, afterEach } from 'vitest'
import { join } from 'node:path'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { MemoryKeyValueStore, openLevel, type LevelStorage } from '../../src/storage/index.js'
import { BlobIdBuilder, type BlobOwner, type BlobUpload, type BlobUploadStart } from '../../src/protocols/blob/index.js'
import {
  openDiskBlobStore, openMemoryBlobStore, diskBlobFiles, memoryBlobFiles, DEFAULT_BLOB_STORE_LIMITS, BLOB_UPLOAD_IDLE_MS,
  type BlobFiles, type BlobStoreLimits, type MemoryDisk, type RelayBlobStore
} from '../../relay-node/src/blob-store/index.js'
import { tempDir } from '../helpers/tmp.js'
import { testBlob } from '../protocols/blob-harness.js'

const requester = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
const relaxed = [{ max: 1_000_000, windowMs: 60_000 }]
const alice: BlobOwner = { identityKey: new Uint8Array(32).fill(1), deviceId: 1 }
const bob: BlobOwner = { identityKey: new Uint8Array(32).fill(2), deviceId: 1 }
const id = (n: number): Uint8Array => new Uint8Array(16).fill(n)
const DAY = 24 * 60 * 60_000
const T0 = 1_700_000_000_000

interface StoreInit { limits?: Partial<BlobStoreLimits>, isKnownOwner?: (owner: BlobOwner) => Promise<boolean> }

/** One store over fresh storage; `restart` drops it as a crash would (nothing more synced) and opens another over the same data. */
interface Handle {
  store: RelayBlobStore
  files: BlobFiles
  restart: (init?: StoreInit) => Promise<RelayBlobStore>
  close: () => Promise<void>
}

type Factory = (init: StoreInit, now: () => number) => Promise<Handle>

const memory: Factory = async (init, now) => {
  const kv = new MemoryKeyValueStore()
  const disk: MemoryDisk = new Map()
  const open = async (i: StoreInit): Promise<RelayBlobStore> => await openMemoryBlobStore({ kv, disk, now, ...i, limits: { downloadsPerPeer: relaxed, touchesPerPeer: relaxed, ...i.limits } })
  const handle: Handle = {
    store: await open(init),
    files: memoryBlobFiles(disk),
    // the old store is dropped as it is: writes its uploads did not sync are in its file handles only, and are lost
    restart: async (i = init) => (handle.store = await open(i)),
    close: async () => { await handle.store.close() }
  }
  return handle
}

const disk: Factory = async (init, now) => {
  const dir = await tempDir('parley-blobs-')
  let storage: LevelStorage = await openLevel(join(dir.path, 'db'))
  const blobs = join(dir.path, 'blobs')
  const open = async (i: StoreInit): Promise<RelayBlobStore> => await openDiskBlobStore({ dir: blobs, kv: storage.kv('relay-blobs'), now, ...i, limits: { downloadsPerPeer: relaxed, touchesPerPeer: relaxed, ...i.limits } })
  const handle: Handle = {
    store: await open(init),
    files: await diskBlobFiles(blobs),
    // the old store lets go of its files without syncing anything (a dead process syncs nothing either)
    restart: async (i = init) => {
      await handle.store.close()
      await storage.close()
      storage = await openLevel(join(dir.path, 'db'))
      return (handle.store = await open(i))
    },
    close: async () => {
      await handle.store.close()
      await storage.close()
      await dir.remove()
    }
  }
  return handle
}

function describeStore (name: string, factory: Factory): void {
  describe(`blob store (${name})`, () => {
    let now = T0
    const handles: Handle[] = []
    const open = async (init: StoreInit = {}): Promise<Handle> => {
      now = T0
      const h = await factory(init, () => now)
      handles.push(h)
      return h
    }
    afterEach(async () => {
      await Promise.all(handles.splice(0).map(async h => { await h.close() }))
    })

    const begin = async (store: RelayBlobStore, owner: BlobOwner, uploadId: Uint8Array, blob: { totalBytes: number, chunkBytes: number }): Promise<BlobUploadStart> =>
      await store.beginUpload({ owner, uploadId, totalBytes: blob.totalBytes, chunkBytes: blob.chunkBytes })
    const opened = (start: BlobUploadStart): BlobUpload => {
      if (start.upload == null) throw new Error('expected an open upload')
      return start.upload
    }
    /** Writes chunks from..to-1 of `blob`. */
    const writeChunks = async (upload: BlobUpload, blob: ReturnType<typeof testBlob>, from: number, to: number): Promise<void> => {
      for (let i = from; i < to; i++) await upload.write(i, blob.chunks[i])
    }
    const upload = async (store: RelayBlobStore, owner: BlobOwner, uploadId: Uint8Array, blob: ReturnType<typeof testBlob>): Promise<{ blobId: Uint8Array, expiresAt: number }> => {
      const u = opened(await begin(store, owner, uploadId, blob))
      await writeChunks(u, blob, u.committedChunks, blob.totalChunks)
      await u.commit()
      const receipt = await u.complete()
      await u.close()
      return receipt
    }
    const readAll = async (store: RelayBlobStore, blobId: Uint8Array): Promise<Uint8Array> => {
      const reader = await store.openBlob(blobId, requester)
      try {
        const out = new Uint8Array(reader.totalBytes)
        for (let i = 0; i < reader.totalChunks; i++) out.set(await reader.read(i), i * reader.chunkBytes)
        return out
      } finally {
        await reader.close()
      }
    }

    it('stores an upload and serves it back chunk by chunk, byte for byte, under the id of its chunks', async () => {
      const { store } = await open()
      const blob = testBlob(10_000, 1024)
      const u = opened(await begin(store, alice, id(1), blob))
      expect([u.committedChunks, u.totalChunks]).toEqual([0, 10])
      await writeChunks(u, blob, 0, 4)
      expect(await u.commit()).toBe(4)
      await writeChunks(u, blob, 4, 10)
      expect(await u.commit()).toBe(10)
      const receipt = await u.complete()
      expect(receipt).toEqual({ blobId: blob.blobId, expiresAt: T0 + DEFAULT_BLOB_STORE_LIMITS.ttlMs })
      expect(await readAll(store, blob.blobId)).toEqual(blob.bytes)
      const reader = await store.openBlob(blob.blobId, requester)
      expect([reader.totalBytes, reader.chunkBytes, reader.totalChunks, reader.expiresAt]).toEqual([10_000, 1024, 10, receipt.expiresAt])
      expect(await reader.read(9)).toEqual(blob.chunks[9])
      await reader.close()
      expect(await store.usage(alice.identityKey)).toEqual({ account: 10_000, relay: 10_000 })
      expect(store.stats).toMatchObject({ completed: 1, committedBytes: 10_000, downloads: 2, storedBytes: 10_000 })
    })

    it('resumes after a crash from the committed count: chunks written but not committed count for nothing and are written again', async () => {
      const h = await open()
      const blob = testBlob(8 * 1000, 1000, 7)
      const garbage = testBlob(8 * 1000, 1000, 99)
      const u = opened(await begin(h.store, alice, id(1), blob))
      await writeChunks(u, blob, 0, 3)
      await u.commit()
      // written, never committed, and not even the right bytes: a crash here must leave no trace of them
      await writeChunks(u, garbage, 3, 6)
      const store = await h.restart()
      const again = opened(await begin(store, alice, id(1), blob))
      expect(again.committedChunks).toBe(3)
      await expect(again.write(5, blob.chunks[5])).rejects.toMatchObject({ name: 'MalformedBlobFrameError' })
      await writeChunks(again, blob, 3, 8)
      await again.commit()
      expect((await again.complete()).blobId).toEqual(blob.blobId)
      expect(await readAll(store, blob.blobId)).toEqual(blob.bytes)
      // the reservation was made once, at the first begin
      expect(await store.usage(alice.identityKey)).toEqual({ account: 8000, relay: 8000 })
    })

    it('keeps a resumed upload to its declaration, its chunks in order and of their sizes', async () => {
      const { store } = await open()
      const blob = testBlob(5000, 1000)
      const u = opened(await begin(store, alice, id(1), blob))
      await expect(begin(store, alice, id(1), { totalBytes: 5001, chunkBytes: 1000 })).rejects.toMatchObject({ name: 'BlobUploadMismatchError' })
      await expect(begin(store, alice, id(1), { totalBytes: 5000, chunkBytes: 999 })).rejects.toMatchObject({ name: 'BlobUploadMismatchError' })
      // the refused resumes left the open upload alone
      await u.write(0, blob.chunks[0])
      await expect(u.write(2, blob.chunks[2])).rejects.toMatchObject({ name: 'MalformedBlobFrameError' })
      await expect(u.write(1, blob.chunks[1].subarray(1))).rejects.toMatchObject({ name: 'BlobUploadMismatchError' })
      await expect(u.write(1, new Uint8Array(1001))).rejects.toMatchObject({ name: 'BlobUploadMismatchError' })
      await u.write(1, blob.chunks[1])
      expect(await u.commit()).toBe(2)
      await expect(u.complete()).rejects.toMatchObject({ name: 'BlobUploadMismatchError' })
      await writeChunks(u, blob, 2, 5)
      await expect(u.write(5, new Uint8Array(1))).rejects.toThrow(RangeError)
      await u.commit()
      expect((await u.complete()).blobId).toEqual(blob.blobId)
      // a bad declaration is refused before anything is reserved
      await expect(begin(store, bob, id(2), { totalBytes: 0, chunkBytes: 10 })).rejects.toMatchObject({ name: 'MalformedBlobFrameError' })
      await expect(begin(store, bob, id(2), { totalBytes: 2 ** 40, chunkBytes: 1000 })).rejects.toMatchObject({ name: 'BlobTooLargeError' })
      await expect(store.beginUpload({ owner: bob, uploadId: new Uint8Array(15), totalBytes: 10, chunkBytes: 10 })).rejects.toMatchObject({ name: 'MalformedBlobFrameError' })
      expect((await store.usage(bob.identityKey)).account).toBe(0)
    })

    it('hands an upload begun again to the new stream: the old handle can write and record nothing more', async () => {
      const { store } = await open()
      const blob = testBlob(6000, 1000)
      const first = opened(await begin(store, alice, id(1), blob))
      await writeChunks(first, blob, 0, 2)
      await first.commit()
      await first.write(2, blob.chunks[2])
      const second = opened(await begin(store, alice, id(1), blob))
      expect(second.committedChunks).toBe(2)
      await expect(first.write(3, blob.chunks[3])).rejects.toMatchObject({ name: 'BlobUploadSupersededError' })
      await expect(first.commit()).rejects.toMatchObject({ name: 'BlobUploadSupersededError' })
      await writeChunks(second, blob, 2, 6)
      await second.commit()
      expect((await second.complete()).blobId).toEqual(blob.blobId)
      await first.close()
      expect(await readAll(store, blob.blobId)).toEqual(blob.bytes)
      // another account's upload of the same id is its own
      const other = opened(await begin(store, bob, id(1), blob))
      expect(other.committedChunks).toBe(0)
    })

    it('answers a finished upload again with its receipt, and begins it anew once its blob is gone', async () => {
      const { store } = await open()
      const blob = testBlob(3000, 1000)
      const receipt = await upload(store, alice, id(1), blob)
      expect(await begin(store, alice, id(1), blob)).toEqual({ done: receipt })
      await store.delete(alice, blob.blobId)
      const anew = opened(await begin(store, alice, id(1), blob))
      expect(anew.committedChunks).toBe(0)
      await anew.close()
      expect((await store.usage(alice.identityKey)).account).toBe(3000)
    })

    it('charges an account for its blobs and uploads in progress, refuses what goes over its quota or the relay\'s cap, and a delete frees it', async () => {
      const { store } = await open({ limits: { quotaBytes: 10_000, maxTotalBytes: 16_000 } })
      const a = testBlob(6000, 1000, 1)
      const b = testBlob(5000, 1000, 2)
      const started = opened(await begin(store, alice, id(1), a))
      const over = await begin(store, alice, id(2), b).catch(e => e)
      expect(over).toMatchObject({ name: 'BlobQuotaError', relayFull: false })
      expect(over.message).toContain('6000 in use')
      // bob has his own quota, but the relay has room for 16,000 bytes only
      const c = testBlob(9000, 1000, 3)
      await upload(store, bob, id(3), c)
      const carol: BlobOwner = { identityKey: new Uint8Array(32).fill(3), deviceId: 1 }
      await expect(begin(store, carol, id(4), testBlob(1001, 1000, 4))).rejects.toMatchObject({ name: 'BlobQuotaError', relayFull: true })
      expect(await store.usage(alice.identityKey)).toEqual({ account: 6000, relay: 15_000 })
      await writeChunks(started, a, 0, 6)
      await started.commit()
      await started.complete()
      await store.delete(alice, a.blobId)
      expect(await store.usage(alice.identityKey)).toEqual({ account: 0, relay: 9000 })
      await upload(store, alice, id(2), b)
      expect(store.stats.refused).toBe(2)
    })

    it('keeps the same ciphertext once: a second account\'s upload joins it, both are charged, it goes with its last uploader', async () => {
      const h = await open()
      const { store } = h
      const blob = testBlob(4000, 1000)
      await upload(store, alice, id(1), blob)
      now += 1000
      const second = await upload(store, bob, id(9), blob)
      expect(second).toEqual({ blobId: blob.blobId, expiresAt: now + DEFAULT_BLOB_STORE_LIMITS.ttlMs })
      expect(store.stats).toMatchObject({ completed: 1, deduplicated: 1 })
      expect(await store.usage(alice.identityKey)).toEqual({ account: 4000, relay: 4000 })
      expect(await store.usage(bob.identityKey)).toEqual({ account: 4000, relay: 4000 })
      expect(await h.files.list()).toHaveLength(1)
      // the same account uploading it again is charged once
      await upload(store, alice, id(2), blob)
      expect(await store.usage(alice.identityKey)).toEqual({ account: 4000, relay: 4000 })
      await store.delete(alice, blob.blobId)
      await expect(store.delete(alice, blob.blobId)).rejects.toMatchObject({ name: 'BlobNotFoundError' })
      expect(await readAll(store, blob.blobId)).toEqual(blob.bytes)
      await store.delete(bob, blob.blobId)
      await expect(store.openBlob(blob.blobId, requester)).rejects.toMatchObject({ name: 'BlobNotFoundError' })
      expect(await h.files.list()).toEqual([])
      expect(await store.usage(bob.identityKey)).toEqual({ account: 0, relay: 0 })
    })

    it('lets only the blob\'s uploaders delete it; to anyone else it is not there', async () => {
      const { store } = await open()
      const blob = testBlob(2000, 1000)
      await upload(store, alice, id(1), blob)
      await expect(store.delete(bob, blob.blobId)).rejects.toMatchObject({ name: 'BlobNotFoundError' })
      await expect(store.delete(alice, new Uint8Array(32))).rejects.toMatchObject({ name: 'BlobNotFoundError' })
      await expect(store.delete(alice, new Uint8Array(31))).rejects.toMatchObject({ name: 'MalformedBlobFrameError' })
      expect(await readAll(store, blob.blobId)).toEqual(blob.bytes)
    })

    it('expires a blob after its TTL (refused at once, swept with its file and its charge); a touch keeps it TTL longer', async () => {
      const h = await open({ limits: { ttlMs: 10 * DAY } })
      const { store } = h
      const kept = testBlob(2000, 1000, 1)
      const dropped = testBlob(3000, 1000, 2)
      await upload(store, alice, id(1), kept)
      await upload(store, alice, id(2), dropped)
      now += 9 * DAY
      expect(await store.touch(kept.blobId, requester)).toBe(now + 10 * DAY)
      now += 1 * DAY
      await expect(store.openBlob(dropped.blobId, requester)).rejects.toMatchObject({ name: 'BlobNotFoundError' })
      await expect(store.touch(dropped.blobId, requester)).rejects.toMatchObject({ name: 'BlobNotFoundError' })
      await expect(store.touch(new Uint8Array(32), requester)).rejects.toMatchObject({ name: 'BlobNotFoundError' })
      expect(await store.sweep()).toEqual({ expired: 1, abandoned: 0 })
      expect(await store.usage(alice.identityKey)).toEqual({ account: 2000, relay: 2000 })
      expect(await h.files.list()).toHaveLength(1)
      expect(await readAll(store, kept.blobId)).toEqual(kept.bytes)
      // a touch never shortens a blob's life
      now += DAY
      const expiresAt = await store.touch(kept.blobId, requester)
      expect(await h.restart({ limits: { ttlMs: DAY } }).then(async s => await s.touch(kept.blobId, requester))).toBe(expiresAt)
      expect(h.store.stats.expired).toBe(0)
      now = expiresAt
      expect(await h.store.sweep()).toEqual({ expired: 1, abandoned: 0 })
      expect(h.store.stats.expired).toBe(1)
      expect(await h.files.list()).toEqual([])
    })

    it('gives up an upload that saw no chunk for a day (its file and charge freed) but never one a stream holds; forgets a finished upload\'s receipt a day on', async () => {
      const h = await open()
      const { store } = h
      const blob = testBlob(5000, 1000)
      const idle = opened(await begin(store, alice, id(1), blob))
      await writeChunks(idle, blob, 0, 2)
      await idle.commit()
      await idle.close()
      const held = opened(await begin(store, bob, id(2), blob))
      now += BLOB_UPLOAD_IDLE_MS - 1
      expect(await store.sweep()).toEqual({ expired: 0, abandoned: 0 })
      now += 1
      expect(await store.sweep()).toEqual({ expired: 0, abandoned: 1 })
      expect(store.stats.abandoned).toBe(1)
      expect(await store.usage(alice.identityKey)).toEqual({ account: 0, relay: 5000 })
      await upload(store, alice, id(3), testBlob(1000, 1000, 5))
      // the given-up upload begins anew; the held one goes on where it was
      const anew = opened(await begin(store, alice, id(1), blob))
      expect(anew.committedChunks).toBe(0)
      await anew.close()
      await writeChunks(held, blob, 0, 5)
      await held.commit()
      await held.complete()
      expect(await begin(store, alice, id(3), testBlob(1000, 1000, 5))).toMatchObject({ done: {} })
      now += BLOB_UPLOAD_IDLE_MS + 1
      await store.sweep()
      expect(await begin(store, alice, id(3), testBlob(1000, 1000, 5))).toMatchObject({ upload: { committedChunks: 0 } })
    })

    it('removes files no metadata names when it opens (a crash between a metadata write and a file removal)', async () => {
      const h = await open()
      const blob = testBlob(2000, 1000)
      await upload(h.store, alice, id(1), blob)
      const stray = await h.files.open('abcdef0123')
      await stray.write([new Uint8Array(10)], 0)
      await stray.sync()
      await stray.close()
      expect(await h.files.list()).toHaveLength(2)
      const store = await h.restart()
      expect(await h.files.list()).toHaveLength(1)
      expect(await readAll(store, blob.blobId)).toEqual(blob.bytes)
      expect(store.stats.storedBytes).toBe(2000)
    })

    it('lets only known owners upload', async () => {
      const { store } = await open({ isKnownOwner: async o => o.identityKey[0] === 1 })
      await expect(begin(store, bob, id(1), testBlob(10, 10))).rejects.toMatchObject({ name: 'BlobAuthError' })
      expect((await upload(store, alice, id(1), testBlob(10, 10))).blobId).toEqual(testBlob(10, 10).blobId)
    })

    it('limits how often one peer opens downloads and touches', async () => {
      const { store } = await open({ limits: { downloadsPerPeer: [{ max: 2, windowMs: 1000 }], touchesPerPeer: [{ max: 1, windowMs: 1000 }] } })
      const blob = testBlob(10, 10)
      await upload(store, alice, id(1), blob)
      for (let i = 0; i < 2; i++) await (await store.openBlob(blob.blobId, requester)).close()
      await expect(store.openBlob(blob.blobId, requester)).rejects.toMatchObject({ name: 'RateLimitedError', retryAfterMs: 1000 })
      await store.touch(blob.blobId, requester)
      await expect(store.touch(blob.blobId, requester)).rejects.toMatchObject({ name: 'RateLimitedError' })
      now += 1000
      await (await store.openBlob(blob.blobId, requester)).close()
    })

    it('builds the id the protocol defines, from the chunk hashes it recorded across commits', async () => {
      const { store } = await open()
      const blob = testBlob(100 * 100 + 1, 100)
      const u = opened(await begin(store, alice, id(1), blob))
      for (let i = 0; i < blob.totalChunks; i++) {
        await u.write(i, blob.chunks[i])
        if (i % 7 === 0) await u.commit()
      }
      await u.commit()
      const expected = new BlobIdBuilder(100, blob.totalBytes)
      for (const c of blob.chunks) expected.add(c)
      expect((await u.complete()).blobId).toEqual(expected.finish())
    })
  })
}

describeStore('memory', memory)
describeStore('disk', disk)
