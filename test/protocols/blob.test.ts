// The blob protocol end to end over in-memory streams (client functions against the relay's server and store in memory): pipelined uploads with progress per commit, range reads, resume from the committed chunk after a cut, receipts of finished uploads, declarations and sizes, owners, quotas, touch, expiry, delete, and two streams racing for one upload.
import { describe, it, expect } from 'vitest'
import {
  uploadBlob, downloadBlob, touchBlob, deleteBlob, blobChunkCount, BlobIdBuilder, blobIdOf, blobChunkHash,
  MAX_BLOB_BYTES, MAX_BLOB_CHUNK_BYTES, MAX_BLOB_CHUNKS, type BlobBackend, type BlobUpload
} from '../../src/protocols/blob/index.js'
import { IdentityKeyPair, systemRandom } from '../../src/crypto/index.js'
import { collect, device, startBlobRelay, testBlob, within, type BlobRelay } from './blob-harness.js'
import type { RelayBlobStore } from '../../relay-node/src/blob-store/index.js'

const alice = IdentityKeyPair.generate(systemRandom)
const bob = IdentityKeyPair.generate(systemRandom)

/** Wraps a store's uploads so a test sees each write and commit, in order. */
function observed (events: string[]): (store: RelayBlobStore) => BlobBackend {
  return store => ({
    beginUpload: async (request, options) => {
      const start = await store.beginUpload(request, options)
      if (start.upload == null) return start
      const u = start.upload
      const upload: BlobUpload = {
        get totalChunks () { return u.totalChunks },
        get committedChunks () { return u.committedChunks },
        write: async (index, data) => { events.push(`write ${index}`); await u.write(index, data) },
        commit: async () => { const n = await u.commit(); events.push(`commit ${n}`); return n },
        complete: async () => await u.complete(),
        close: async () => { await u.close() }
      }
      return { upload }
    },
    openBlob: async (...args) => await store.openBlob(...args),
    touch: async (...args) => await store.touch(...args),
    delete: async (...args) => await store.delete(...args)
  })
}

async function upload (relay: BlobRelay, blob: ReturnType<typeof testBlob>, init: { identity?: IdentityKeyPair, uploadId?: Uint8Array, asked?: number[], progress?: Array<[number, number]>, signal?: AbortSignal } = {}): Promise<{ blobId: Uint8Array, expiresAt: number }> {
  return await within(uploadBlob(await relay.node(), relay.relayPeerId, {
    owner: device(init.identity ?? alice),
    uploadId: init.uploadId ?? systemRandom(16),
    totalBytes: blob.totalBytes,
    chunkBytes: blob.chunkBytes,
    chunk: blob.source(init.asked),
    onProgress: (c, t) => init.progress?.push([c, t])
  }, { signal: init.signal }))
}

describe('blob protocol: uploads and downloads', () => {
  it('uploads chunks pipelined, acknowledged per commit, and serves them back byte for byte under the chunks\' own id', async () => {
    const events: string[] = []
    const relay = await startBlobRelay({ server: { commitBytes: 8000 }, wrap: observed(events) })
    const blob = testBlob(49_500, 1000)
    const progress: Array<[number, number]> = []
    const receipt = await upload(relay, blob, { progress })
    expect(receipt.blobId).toEqual(blob.blobId)
    expect(receipt.blobId).toEqual(blobIdOf(1000, 49_500, blob.chunks.map(blobChunkHash)))
    // progress: the resume point, each commit, the end; never backwards
    expect(progress[0]).toEqual([0, 50])
    expect(progress.at(-1)).toEqual([50, 50])
    expect(progress.map(p => p[0])).toEqual([...progress.map(p => p[0])].sort((a, b) => a - b))
    // commits in batches of 8 chunks, not one per chunk; chunks kept coming while a commit ran (no round trip each)
    const commits = events.filter(e => e.startsWith('commit'))
    expect(commits.length).toBeGreaterThanOrEqual(7)
    expect(commits.length).toBeLessThan(15)
    const firstAck = events.findIndex(e => e.startsWith('commit'))
    expect(events.slice(0, firstAck).filter(e => e.startsWith('write')).length).toBeGreaterThan(Number(events[firstAck].split(' ')[1]) - 1)
    const download = await within(downloadBlob(await relay.node(), relay.relayPeerId, { blobId: receipt.blobId }))
    expect([download.totalBytes, download.chunkBytes, download.totalChunks, download.expiresAt]).toEqual([49_500, 1000, 50, receipt.expiresAt])
    const got = await within(collect(download))
    expect(got.bytes).toEqual(blob.bytes)
    expect(got.indexes).toEqual([...Array(50).keys()])
    expect(download.nextChunk).toBe(50)
  })

  it('reads a range: from a chunk to the end, or from a chunk to one', async () => {
    const relay = await startBlobRelay()
    const blob = testBlob(10_500, 1000)
    const { blobId } = await upload(relay, blob)
    const node = await relay.node()
    const from7 = await within(downloadBlob(node, relay.relayPeerId, { blobId, fromChunk: 7 }))
    expect([from7.fromChunk, from7.toChunk]).toEqual([7, 11])
    expect((await within(collect(from7))).bytes).toEqual(blob.bytes.subarray(7000))
    const middle = await within(downloadBlob(node, relay.relayPeerId, { blobId, fromChunk: 3, toChunk: 5 }))
    const got = await within(collect(middle))
    expect(got.indexes).toEqual([3, 4])
    expect(got.bytes).toEqual(blob.bytes.subarray(3000, 5000))
    const last = await within(downloadBlob(node, relay.relayPeerId, { blobId, fromChunk: 10 }))
    expect((await within(collect(last))).bytes).toEqual(blob.bytes.subarray(10_000))
    // past the end, or a range that is none: refused, by the relay or before asking
    await expect(downloadBlob(node, relay.relayPeerId, { blobId, fromChunk: 11 })).rejects.toMatchObject({ name: 'MalformedBlobFrameError' })
    await expect(downloadBlob(node, relay.relayPeerId, { blobId, fromChunk: 2, toChunk: 12 })).rejects.toMatchObject({ name: 'MalformedBlobFrameError' })
    await expect(downloadBlob(node, relay.relayPeerId, { blobId, fromChunk: 4, toChunk: 4 })).rejects.toMatchObject({ name: 'MalformedBlobFrameError' })
    await expect(downloadBlob(node, relay.relayPeerId, { blobId, fromChunk: -1 })).rejects.toMatchObject({ name: 'MalformedBlobFrameError' })
  })

  it('stops a download closed early: the relay sends no more, the next download starts where asked', async () => {
    const relay = await startBlobRelay()
    const blob = testBlob(40_000, 1000)
    const { blobId } = await upload(relay, blob)
    const download = await within(downloadBlob(await relay.node(), relay.relayPeerId, { blobId }))
    const seen: number[] = []
    for await (const { index } of download) {
      seen.push(index)
      if (index === 4) break
    }
    expect(seen).toEqual([0, 1, 2, 3, 4])
    expect(download.nextChunk).toBe(5)
    await within(relay.handled[1])
    const rest = await within(downloadBlob(await relay.node(), relay.relayPeerId, { blobId, fromChunk: download.nextChunk }))
    expect((await within(collect(rest))).bytes).toEqual(blob.bytes.subarray(5000))
  })

  it('resumes an upload cut mid-way from the chunk the relay committed, not from 0, and still checks the id over every chunk', async () => {
    const relay = await startBlobRelay({ server: { commitBytes: 5000 } })
    const blob = testBlob(60_000, 1000)
    const uploadId = systemRandom(16)
    const cut = new AbortController()
    const first = uploadBlob(await relay.node(), relay.relayPeerId, {
      owner: device(alice),
      uploadId,
      totalBytes: blob.totalBytes,
      chunkBytes: blob.chunkBytes,
      chunk: async i => {
        if (i === 30) cut.abort(new Error('the connection dropped'))
        return blob.chunks[i]
      }
    }, { signal: cut.signal })
    await expect(within(first)).rejects.toThrow('the connection dropped')
    // the relay keeps what reached it: its stream ends and commits the rest
    await within(relay.handled[0])
    const asked: number[] = []
    const progress: Array<[number, number]> = []
    const receipt = await upload(relay, blob, { uploadId, asked, progress })
    const resumedAt = progress[0][0]
    expect(resumedAt).toBeGreaterThan(0)
    expect(resumedAt).toBeLessThanOrEqual(30)
    // chunks from the resume point on are sent; the ones before are read again only for the id check, after
    expect(asked).toEqual([...Array(60 - resumedAt).keys()].map(i => i + resumedAt).concat([...Array(resumedAt).keys()]))
    expect(receipt.blobId).toEqual(blob.blobId)
    expect((await within(collect(await downloadBlob(await relay.node(), relay.relayPeerId, { blobId: receipt.blobId })))).bytes).toEqual(blob.bytes)
    expect((await relay.store.usage(alice.publicKey)).account).toBe(60_000)
  })

  it('answers a finished upload asked again with its receipt at once, and the client checks it against every chunk', async () => {
    const relay = await startBlobRelay()
    const blob = testBlob(5000, 1000)
    const uploadId = systemRandom(16)
    const first = await upload(relay, blob, { uploadId })
    const asked: number[] = []
    const progress: Array<[number, number]> = []
    expect(await upload(relay, blob, { uploadId, asked, progress })).toEqual(first)
    expect(asked).toEqual([0, 1, 2, 3, 4])
    expect(progress).toEqual([[5, 5]])
    // a different content under the same upload id and sizes: the relay's receipt names another id, so it is refused
    const other = testBlob(5000, 1000, 2)
    await expect(upload(relay, other, { uploadId })).rejects.toMatchObject({ name: 'ProtocolViolationError' })
  })

  it('stores the same ciphertext once: a second upload completes as the stored blob', async () => {
    const relay = await startBlobRelay()
    const blob = testBlob(3000, 1000)
    const a = await upload(relay, blob)
    const b = await upload(relay, blob, { identity: bob })
    expect(b.blobId).toEqual(a.blobId)
    expect(relay.store.stats).toMatchObject({ completed: 1, deduplicated: 1, storedBytes: 3000 })
  })

  it('refuses a resume declaring other sizes, and a chunk of the wrong size from the source (nothing sent for it)', async () => {
    const relay = await startBlobRelay()
    const blob = testBlob(5000, 1000)
    const uploadId = systemRandom(16)
    const node = await relay.node()
    const init = { owner: device(alice), uploadId, totalBytes: 5000, chunkBytes: 1000, chunk: async (i: number) => i === 2 ? new Uint8Array(999) : blob.chunks[i] }
    await expect(within(uploadBlob(node, relay.relayPeerId, init))).rejects.toMatchObject({ name: 'BlobUploadMismatchError', message: 'chunk 2 must be 1000 bytes, not 999' })
    await within(relay.handled[0])
    await expect(within(uploadBlob(node, relay.relayPeerId, { ...init, totalBytes: 5001 }))).rejects.toMatchObject({ name: 'BlobUploadMismatchError' })
    const progress: Array<[number, number]> = []
    await upload(relay, blob, { uploadId, progress })
    expect(progress[0]).toEqual([2, 5])
  })

  it('refuses declarations over the limits before dialling', async () => {
    const relay = await startBlobRelay()
    const node = await relay.node()
    const init = { owner: device(alice), uploadId: systemRandom(16), chunk: async () => new Uint8Array(0) }
    await expect(uploadBlob(node, relay.relayPeerId, { ...init, totalBytes: MAX_BLOB_BYTES + 1, chunkBytes: MAX_BLOB_CHUNK_BYTES })).rejects.toMatchObject({ name: 'BlobTooLargeError' })
    await expect(uploadBlob(node, relay.relayPeerId, { ...init, totalBytes: MAX_BLOB_CHUNKS + 1, chunkBytes: 1 })).rejects.toMatchObject({ name: 'BlobTooLargeError' })
    await expect(uploadBlob(node, relay.relayPeerId, { ...init, totalBytes: 10, chunkBytes: MAX_BLOB_CHUNK_BYTES + 1 })).rejects.toMatchObject({ name: 'MalformedBlobFrameError' })
    await expect(uploadBlob(node, relay.relayPeerId, { ...init, totalBytes: 0, chunkBytes: 10 })).rejects.toMatchObject({ name: 'MalformedBlobFrameError' })
    await expect(uploadBlob(node, relay.relayPeerId, { ...init, uploadId: new Uint8Array(8), totalBytes: 10, chunkBytes: 10 })).rejects.toMatchObject({ name: 'MalformedBlobFrameError' })
    await expect(downloadBlob(node, relay.relayPeerId, { blobId: new Uint8Array(31) })).rejects.toMatchObject({ name: 'MalformedBlobFrameError' })
    expect(relay.streams).toHaveLength(0)
    // the largest blob there is fits the limits exactly
    expect(blobChunkCount(MAX_BLOB_BYTES, MAX_BLOB_CHUNK_BYTES)).toBe(MAX_BLOB_CHUNKS)
    expect(new BlobIdBuilder(MAX_BLOB_CHUNK_BYTES, MAX_BLOB_BYTES).totalChunks).toBe(MAX_BLOB_CHUNKS)
  })

  it('lets only owners of this relay upload; a stranger is refused before any chunk and nothing is reserved', async () => {
    const relay = await startBlobRelay({ store: { isKnownOwner: async o => o.identityKey[0] === alice.publicKey[0] && o.identityKey[1] === alice.publicKey[1] } })
    const blob = testBlob(2000, 1000)
    const asked: number[] = []
    await expect(upload(relay, blob, { identity: bob, asked })).rejects.toMatchObject({ name: 'BlobAuthError' })
    expect(asked).toEqual([])
    expect(await relay.store.usage(bob.publicKey)).toEqual({ account: 0, relay: 0 })
    // anyone holding the id downloads and touches, owner or not
    const { blobId } = await upload(relay, blob)
    expect((await within(collect(await downloadBlob(await relay.node(), relay.relayPeerId, { blobId })))).bytes).toEqual(blob.bytes)
    expect((await touchBlob(await relay.node(), relay.relayPeerId, blobId)).expiresAt).toBeGreaterThan(Date.now())
  })

  it('refuses an upload over the account\'s quota or the relay\'s cap before any chunk, saying which', async () => {
    const relay = await startBlobRelay({ store: { limits: { quotaBytes: 5000, maxTotalBytes: 8000 } } })
    const asked: number[] = []
    await upload(relay, testBlob(3000, 1000, 1))
    const account = await upload(relay, testBlob(3000, 1000, 2), { asked }).catch(e => e)
    expect(account).toMatchObject({ name: 'BlobQuotaError', relayFull: false })
    await upload(relay, testBlob(4000, 1000, 3), { identity: bob })
    const full = await upload(relay, testBlob(1001, 1000, 4), { identity: IdentityKeyPair.generate(systemRandom), asked }).catch(e => e)
    expect(full).toMatchObject({ name: 'BlobQuotaError', relayFull: true, message: 'this relay has no room for more blobs now' })
    expect(asked).toEqual([])
  })

  it('extends a blob\'s life by a touch, forgets it after its TTL, and lets its uploader delete it', async () => {
    let now = 1_700_000_000_000
    const relay = await startBlobRelay({ store: { now: () => now, limits: { ttlMs: 1000 } } })
    const blob = testBlob(2000, 1000)
    const { blobId, expiresAt } = await upload(relay, blob)
    expect(expiresAt).toBe(now + 1000)
    const node = await relay.node()
    now += 600
    expect(await touchBlob(node, relay.relayPeerId, blobId)).toEqual({ expiresAt: now + 1000 })
    now += 900
    expect((await downloadBlob(node, relay.relayPeerId, { blobId })).expiresAt).toBe(now + 100)
    now += 100
    await expect(downloadBlob(node, relay.relayPeerId, { blobId })).rejects.toMatchObject({ name: 'BlobNotFoundError' })
    await expect(touchBlob(node, relay.relayPeerId, blobId)).rejects.toMatchObject({ name: 'BlobNotFoundError' })
    await expect(downloadBlob(node, relay.relayPeerId, { blobId: new Uint8Array(32) })).rejects.toMatchObject({ name: 'BlobNotFoundError' })
    const kept = await upload(relay, testBlob(3000, 1000, 2))
    await expect(deleteBlob(node, relay.relayPeerId, { owner: device(bob), blobId: kept.blobId })).rejects.toMatchObject({ name: 'BlobNotFoundError' })
    await deleteBlob(node, relay.relayPeerId, { owner: device(alice), blobId: kept.blobId })
    await expect(downloadBlob(node, relay.relayPeerId, { blobId: kept.blobId })).rejects.toMatchObject({ name: 'BlobNotFoundError' })
    expect((await relay.store.usage(alice.publicKey)).account).toBe(2000)
  })

  it('hands an upload to the stream that resumed it while the first still runs: the first fails, the second completes', async () => {
    const relay = await startBlobRelay({ server: { commitBytes: 2000 } })
    const blob = testBlob(20_000, 1000)
    const uploadId = systemRandom(16)
    let release!: () => void
    const held = new Promise<void>(resolve => { release = resolve })
    let reached!: () => void
    const atChunk8 = new Promise<void>(resolve => { reached = resolve })
    const first = uploadBlob(await relay.node(), relay.relayPeerId, {
      owner: device(alice),
      uploadId,
      totalBytes: blob.totalBytes,
      chunkBytes: blob.chunkBytes,
      chunk: async i => {
        if (i === 8) { reached(); await held }
        return blob.chunks[i]
      }
    })
    first.catch(() => {})
    await within(atChunk8)
    const progress: Array<[number, number]> = []
    const second = await upload(relay, blob, { uploadId, progress })
    expect(second.blobId).toEqual(blob.blobId)
    release()
    await expect(within(first)).rejects.toThrow()
    expect((await within(collect(await downloadBlob(await relay.node(), relay.relayPeerId, { blobId: second.blobId })))).bytes).toEqual(blob.bytes)
  })
})
