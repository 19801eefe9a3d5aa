/** The relay's blob store: chunk data in files (BlobFiles: disk or memory), metadata in a KeyValueStore (uploads with their committed count and chunk hashes, blobs with their uploaders and expiry, per-account and relay-wide bytes), synced before anything is acknowledged; deduplication by blob id, quotas, TTL with touch, deletes, sweeps. Never sees plaintext or keys, never parses a chunk. */
import type { AbortOptions, PeerId } from '@libp2p/interface'
import {
  BlobAuthError, BlobIdBuilder, BlobNotFoundError, BlobQuotaError, BlobUploadMismatchError, MalformedBlobFrameError, RateLimitedError,
  BLOB_CHUNK_HASH_BYTES, BLOB_ID_BYTES, BLOB_UPLOAD_ID_BYTES, blobChunkHash, blobChunkLength, checkBlobShape,
  type BlobOwner, type BlobReader, type BlobReceipt, type BlobUpload, type BlobUploadRequest, type BlobUploadStart
} from '../../../src/protocols/blob/index.js'
import { MemoryKeyValueStore, type KeyValueBatchOperation, type KeyValueStore } from '../../../src/storage/index.js'
import { concat, fromHex, toHex } from '../../../src/crypto/bytes.js'
import { systemRandom } from '../../../src/crypto/deps.js'
import { KeyedMutex } from '../../../src/util/keyed-mutex.js'
import { RateLimiter } from '../rate-limit.js'
import type { BlobFile, BlobFiles } from './files.js'
import { BLOB_SWEEP_CHUNK, DEFAULT_BLOB_STORE_LIMITS, type BlobStoreLimits } from './limits.js'

/** What the relay runs: the protocol's backend plus upkeep, usage and counters. */
export interface BlobStore {
  beginUpload (request: BlobUploadRequest, options?: AbortOptions): Promise<BlobUploadStart>
  openBlob (blobId: Uint8Array, requester: PeerId, options?: AbortOptions): Promise<BlobReader>
  touch (blobId: Uint8Array, requester: PeerId, options?: AbortOptions): Promise<number>
  delete (owner: BlobOwner, blobId: Uint8Array, options?: AbortOptions): Promise<void>
  /** Deletes expired blobs and uploads idle for `uploadIdleMs` (their disk and quota freed). */
  sweep (options?: AbortOptions): Promise<{ expired: number, abandoned: number }>
  /** Bytes charged to the account (its complete blobs and uploads in progress), and on the whole relay. */
  usage (identityKey: Uint8Array, options?: AbortOptions): Promise<{ account: number, relay: number }>
  readonly stats: BlobStoreStats
  /** Lets go of open uploads (what they committed stays). */
  close (): Promise<void>
}

export interface RelayBlobStoreInit {
  /** metadata, e.g. `storage.kv('relay-blobs')`; every write is synced */
  kv: KeyValueStore
  /** chunk data */
  files: BlobFiles
  /**
   * Whether `owner` may upload here; others are refused with BlobAuthError. The relay passes "has uploaded prekeys
   * here", as for mailboxes. Absent: every device may.
   */
  isKnownOwner?: (owner: BlobOwner, options?: AbortOptions) => Promise<boolean>
  limits?: Partial<BlobStoreLimits>
  /** @default Date.now */
  now?: () => number
}

/** Counters since start (and bytes held now), for /metrics. */
export interface BlobStoreStats {
  /** uploads that completed as a new blob */
  completed: number
  /** uploads that completed as a blob already stored (nothing kept twice) */
  deduplicated: number
  /** chunk bytes synced and recorded (acknowledged to uploaders) */
  committedBytes: number
  /** downloads opened */
  downloads: number
  /** chunk bytes read for downloads */
  sentBytes: number
  /** requests refused (quota, not found, auth, rate, mismatch) */
  refused: number
  /** blobs deleted after their TTL */
  expired: number
  /** unfinished uploads given up after a day without a chunk */
  abandoned: number
  /** bytes of complete blobs and reserved by uploads in progress */
  storedBytes: number
}

/** An upload of one account and upload id: its declaration, how far it is committed, its file; `blobId` once complete. */
interface UploadMeta {
  account: string
  deviceId: number
  totalBytes: number
  chunkBytes: number
  committed: number
  file: string
  /** ms of its beginning, its last commit, or its completion */
  touchedAt: number
  blobId?: string
}

/** A complete blob: its shape, file, the accounts that uploaded it (each charged for it), its expiry. */
interface BlobMeta {
  totalBytes: number
  chunkBytes: number
  file: string
  owners: string[]
  expiresAt: number
  storedAt: number
}

/** An upload's handle can no longer write or record: another stream resumed it, or it was closed. */
class BlobUploadSupersededError extends Error {
  static name = 'BlobUploadSupersededError'
  constructor (message = 'this upload was resumed on another stream') {
    super(message)
    this.name = 'BlobUploadSupersededError'
  }
}

const SYNC = { sync: true }
const META = 'meta'
const TOTAL_KEY = 'total'
const encoder = new TextEncoder()
const decoder = new TextDecoder()
const json = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value))
const number = (n: number): Uint8Array => encoder.encode(String(n))
/** Chunk indexes in keys: five digits keep them in numeric order (MAX_BLOB_CHUNKS < 10^5). */
const indexKey = (n: number): string => String(n).padStart(5, '0')
/** Expiry times in keys: fifteen digits keep them in time order. */
const timeKey = (ms: number): string => String(Math.max(0, ms)).padStart(15, '0')
const expiryKey = (expiresAt: number, blobId: string): string => `x/${timeKey(expiresAt)}/${blobId}`

async function readJson<T> (kv: KeyValueStore, key: string, options?: AbortOptions): Promise<T | undefined> {
  const raw = await kv.get(key, options)
  return raw == null ? undefined : JSON.parse(decoder.decode(raw)) as T
}

async function readNumber (kv: KeyValueStore, key: string, options?: AbortOptions): Promise<number> {
  const raw = await kv.get(key, options)
  return raw == null ? 0 : Number(decoder.decode(raw)) || 0
}

function checkSize (what: string, bytes: Uint8Array, size: number): void {
  if (bytes.length !== size) throw new MalformedBlobFrameError(`${what} must be ${size} bytes`)
}

/**
 * Chunk bytes an upload holds in memory waiting for the disk: writes are coalesced (whatever arrived while the last
 * write ran goes in one vectored write), so the network never waits for one disk write per chunk; past this the
 * stream waits for the disk instead.
 */
const MAX_QUEUED_BYTES = 4 * 1024 * 1024

/** One stream's handle on an upload (see BlobUpload). */
class StoreUpload implements BlobUpload {
  readonly totalChunks: number
  committedChunks: number
  /** chunks taken by write(): written to the file, or queued for it */
  private accepted: number
  /** chunks written to the file (committed or not) */
  private written: number
  /** chunks accepted and not yet written, in order (the first is chunk `written`), each in the pieces it came in */
  private queue: Array<readonly Uint8Array[]> = []
  private queuedBytes = 0
  /** SHA-256 of each chunk written but not yet committed, in order */
  private readonly hashes: Uint8Array[] = []
  /** the writer draining the queue, while it runs */
  private writing: Promise<void> | undefined
  /** the first write failure: every later call throws it */
  private failure: Error | undefined
  /** called whenever the writer finishes a write */
  private wake: Array<() => void> = []
  /** the file writes and syncs in flight, which a supersede waits for */
  private busy: Promise<unknown> = Promise.resolve()
  private commits: Promise<unknown> = Promise.resolve()
  state: 'open' | 'superseded' | 'closed' = 'open'

  constructor (private readonly store: RelayBlobStore, readonly key: string, readonly meta: UploadMeta, private readonly file: BlobFile) {
    this.totalChunks = checkBlobShape(meta.totalBytes, meta.chunkBytes)
    this.committedChunks = meta.committed
    this.accepted = meta.committed
    this.written = meta.committed
  }

  private check (): void {
    if (this.state !== 'open') throw new BlobUploadSupersededError(this.state === 'closed' ? 'this upload handle is closed' : undefined)
    if (this.failure != null) throw this.failure
  }

  private track<T> (p: Promise<T>): Promise<T> {
    this.busy = Promise.allSettled([this.busy, p])
    return p
  }

  /** Takes the chunk for writing; resolves at once unless MAX_QUEUED_BYTES wait for the disk (then once they shrink). */
  async write (index: number, data: Uint8Array): Promise<void> {
    await this.writeParts(index, [data])
  }

  /** `write` of a chunk in pieces: they go into the vectored write and the hash as they are (no chunk-sized copy). */
  async writeParts (index: number, parts: readonly Uint8Array[]): Promise<void> {
    this.check()
    if (index !== this.accepted) throw new MalformedBlobFrameError(`expected chunk ${this.accepted}, not ${index}`)
    const length = blobChunkLength(index, this.meta.totalBytes, this.meta.chunkBytes)
    const size = parts.reduce((n, part) => n + part.length, 0)
    if (size !== length) throw new BlobUploadMismatchError(`chunk ${index} must be ${length} bytes, not ${size}`)
    this.queue.push(parts)
    this.queuedBytes += length
    this.accepted++
    this.writing ??= this.track(this.drain())
    while (this.queuedBytes > MAX_QUEUED_BYTES && this.failure == null && this.state === 'open') await this.written$()
    this.check()
  }

  /** Resolves after the writer's next write. */
  private async written$ (): Promise<void> {
    await new Promise<void>(resolve => { this.wake.push(resolve) })
  }

  /** Writes what is queued, all of it at a time, until the queue is empty or a write fails. */
  private async drain (): Promise<void> {
    try {
      while (this.queue.length > 0 && this.state === 'open') {
        const batch = this.queue
        this.queue = []
        const writing = this.file.write(batch.flat(), this.written * this.meta.chunkBytes)
        // hashed while the disk writes them (off the path of the stream), recorded in order by the next commit
        const hashes = batch.map(blobChunkHash)
        await writing
        // a write that finished after a supersede does not count (the new handle rewrites from its committed count)
        if (this.state !== 'open') break
        this.written += batch.length
        this.hashes.push(...hashes)
        for (const chunk of batch) for (const part of chunk) this.queuedBytes -= part.length
        for (const wake of this.wake.splice(0)) wake()
      }
    } catch (err) {
      this.failure ??= err as Error
    } finally {
      this.writing = undefined
      for (const wake of this.wake.splice(0)) wake()
    }
  }

  async commit (): Promise<number> {
    const run = this.commits.then(async () => {
      this.check()
      const upTo = this.accepted
      if (upTo === this.committedChunks) return upTo
      while (this.written < upTo && this.writing != null) await this.writing
      this.check()
      await this.track(this.file.sync())
      const batch = this.hashes.slice(0, upTo - this.committedChunks)
      await this.store.recordCommit(this, upTo, concat(...batch))
      this.hashes.splice(0, batch.length)
      this.committedChunks = upTo
      return upTo
    })
    this.commits = run.catch(() => {})
    return await run
  }

  async complete (): Promise<BlobReceipt> {
    await this.commits
    this.check()
    if (this.committedChunks !== this.totalChunks) throw new BlobUploadMismatchError(`${this.committedChunks} of ${this.totalChunks} chunks are committed`)
    return await this.store.completeUpload(this)
  }

  /** Stops writing (another stream resumed the upload) once the file operations in flight are done. */
  async supersede (): Promise<void> {
    if (this.state !== 'open') return
    this.state = 'superseded'
    await this.busy
    await this.file.close().catch(() => {})
  }

  async close (): Promise<void> {
    if (this.state !== 'open') return
    this.state = 'closed'
    this.store.released(this)
    await this.busy
    await this.file.close().catch(() => {})
  }
}

/**
 * Keys (`<account>` is the uploader's identity key in hex, `<upload>` the upload id in hex, `<blob>` the blob id in hex):
 * `u/<account>/<upload>` → UploadMeta; `h/<account>/<upload>/<first index>` → the SHA-256 of each chunk of one
 * commit, concatenated; `b/<blob>` → BlobMeta; `x/<expiresAt>/<blob>` → '' (expiry index, in time order);
 * `q/<account>` → bytes charged to the account; `total` → bytes on the relay. Every read-modify-write of metadata runs
 * in one queue and is written in one synced batch; chunk data is synced in its file before the batch that counts it.
 * A file's name is random and recorded before the file exists, so a crash leaves at worst a file nothing names
 * (removed by open()) or a name whose file is created on the next resume.
 */
export class RelayBlobStore implements BlobStore {
  readonly limits: BlobStoreLimits
  readonly stats: BlobStoreStats = { completed: 0, deduplicated: 0, committedBytes: 0, downloads: 0, sentBytes: 0, refused: 0, expired: 0, abandoned: 0, storedBytes: 0 }
  private readonly kv: KeyValueStore
  private readonly files: BlobFiles
  private readonly now: () => number
  private readonly isKnownOwner?: RelayBlobStoreInit['isKnownOwner']
  private readonly meta = new KeyedMutex()
  /** the handle of each upload a stream has open, by `<account>/<upload>` */
  private readonly live = new Map<string, StoreUpload>()
  private readonly downloads: RateLimiter
  private readonly touches: RateLimiter
  private readonly requesters = new KeyedMutex()

  constructor (init: RelayBlobStoreInit) {
    this.kv = init.kv
    this.files = init.files
    this.limits = { ...DEFAULT_BLOB_STORE_LIMITS, ...init.limits }
    this.now = init.now ?? Date.now
    this.isKnownOwner = init.isKnownOwner
    // request rates are high-frequency and need not survive a restart: kept in memory
    this.downloads = new RateLimiter(new MemoryKeyValueStore(), this.limits.downloadsPerPeer)
    this.touches = new RateLimiter(new MemoryKeyValueStore(), this.limits.touchesPerPeer)
  }

  /** Reads the bytes held, and removes files no metadata names (left by a crash between a metadata write and a file removal). */
  async open (options: AbortOptions = {}): Promise<void> {
    await this.meta.run(META, async () => {
      this.stats.storedBytes = await readNumber(this.kv, TOTAL_KEY, options)
      const named = new Set<string>()
      for await (const { value } of this.kv.iterate({ prefix: 'u/' }, options)) {
        const m = JSON.parse(decoder.decode(value)) as UploadMeta
        if (m.blobId == null) named.add(m.file)
      }
      for await (const { value } of this.kv.iterate({ prefix: 'b/' }, options)) named.add((JSON.parse(decoder.decode(value)) as BlobMeta).file)
      for (const name of await this.files.list()) {
        if (!named.has(name)) await this.files.remove(name)
      }
    })
  }

  async beginUpload (request: BlobUploadRequest, options: AbortOptions = {}): Promise<BlobUploadStart> {
    try {
      const { owner, uploadId, totalBytes, chunkBytes } = request
      checkSize('the identity key', owner.identityKey, 32)
      checkSize('the upload id', uploadId, BLOB_UPLOAD_ID_BYTES)
      checkBlobShape(totalBytes, chunkBytes)
      if (this.isKnownOwner != null && !(await this.isKnownOwner(owner, options))) throw new BlobAuthError('this device is not an owner at this relay (it has no prekeys here)')
      const account = toHex(owner.identityKey)
      const key = `${account}/${toHex(uploadId)}`
      return await this.meta.run(META, async () => {
        const now = this.now()
        let m = await readJson<UploadMeta>(this.kv, `u/${key}`, options)
        if (m != null && (m.totalBytes !== totalBytes || m.chunkBytes !== chunkBytes)) {
          throw new BlobUploadMismatchError(`this upload was begun with ${m.totalBytes} bytes in chunks of ${m.chunkBytes}`)
        }
        // a stream still holding this upload is stale (the client came back on another): it stops here
        await this.live.get(key)?.supersede()
        this.live.delete(key)
        if (m?.blobId != null) {
          const blob = await readJson<BlobMeta>(this.kv, `b/${m.blobId}`, options)
          if (blob != null && blob.expiresAt > now && blob.owners.includes(account)) return { done: { blobId: fromHex(m.blobId), expiresAt: blob.expiresAt } }
          // the blob went since (expired or deleted): the upload begins again
          m = undefined
        }
        if (m == null) m = await this.reserve(account, owner.deviceId, key, totalBytes, chunkBytes, now, options)
        const upload = new StoreUpload(this, key, m, await this.files.open(m.file))
        this.live.set(key, upload)
        return { upload }
      }, options)
    } catch (err) {
      this.stats.refused++
      throw err
    }
  }

  /** Records a new upload, reserving its whole size against the account's quota and the relay's cap (in the queue). */
  private async reserve (account: string, deviceId: number, key: string, totalBytes: number, chunkBytes: number, now: number, options: AbortOptions): Promise<UploadMeta> {
    const used = await readNumber(this.kv, `q/${account}`, options)
    if (used + totalBytes > this.limits.quotaBytes) {
      throw new BlobQuotaError(`this upload of ${totalBytes} bytes would take the account over its quota of ${this.limits.quotaBytes} bytes here (${used} in use)`)
    }
    const total = await readNumber(this.kv, TOTAL_KEY, options)
    if (total + totalBytes > this.limits.maxTotalBytes) throw new BlobQuotaError('this relay has no room for more blobs now', true)
    const m: UploadMeta = { account, deviceId, totalBytes, chunkBytes, committed: 0, file: toHex(systemRandom(16)), touchedAt: now }
    await this.kv.batch([
      { type: 'put', key: `u/${key}`, value: json(m) },
      { type: 'put', key: `q/${account}`, value: number(used + totalBytes) },
      { type: 'put', key: TOTAL_KEY, value: number(total + totalBytes) }
    ], SYNC)
    this.stats.storedBytes = total + totalBytes
    return m
  }

  /** The handle let go of its upload. */
  released (upload: StoreUpload): void {
    if (this.live.get(upload.key) === upload) this.live.delete(upload.key)
  }

  /** Counts chunks up to `upTo` as committed (their data is synced): their hashes and the count in one synced batch. */
  async recordCommit (upload: StoreUpload, upTo: number, hashes: Uint8Array): Promise<void> {
    await this.meta.run(META, async () => {
      if (upload.state !== 'open') throw new BlobUploadSupersededError()
      const m = await readJson<UploadMeta>(this.kv, `u/${upload.key}`)
      if (m == null || m.file !== upload.meta.file || m.blobId != null) throw new BlobUploadSupersededError('this upload is gone (swept or completed)')
      const from = m.committed
      m.committed = upTo
      m.touchedAt = this.now()
      await this.kv.batch([
        { type: 'put', key: `h/${upload.key}/${indexKey(from)}`, value: hashes },
        { type: 'put', key: `u/${upload.key}`, value: json(m) }
      ], SYNC)
      this.stats.committedBytes += Math.min(upTo * m.chunkBytes, m.totalBytes) - from * m.chunkBytes
    })
  }

  /** Builds the blob id from the recorded chunk hashes and makes the blob complete, or joins the one already stored under that id. */
  async completeUpload (upload: StoreUpload): Promise<BlobReceipt> {
    const removeAfter: string[] = []
    const receipt = await this.meta.run(META, async () => {
      if (upload.state !== 'open') throw new BlobUploadSupersededError()
      const key = upload.key
      const m = await readJson<UploadMeta>(this.kv, `u/${key}`)
      if (m == null || m.file !== upload.meta.file || m.blobId != null) throw new BlobUploadSupersededError('this upload is gone (swept or completed)')
      const builder = new BlobIdBuilder(m.chunkBytes, m.totalBytes)
      const ops: KeyValueBatchOperation[] = []
      for await (const { key: hk, value } of this.kv.iterate({ prefix: `h/${key}/` })) {
        for (let at = 0; at < value.length; at += BLOB_CHUNK_HASH_BYTES) builder.addHash(value.subarray(at, at + BLOB_CHUNK_HASH_BYTES))
        ops.push({ type: 'del', key: hk })
      }
      const id = toHex(builder.finish())
      const now = this.now()
      const expires = now + this.limits.ttlMs
      const existing = await readJson<BlobMeta>(this.kv, `b/${id}`)
      let blob: BlobMeta
      if (existing != null) {
        // the same ciphertext is stored already (perhaps expired, not yet swept: the same bytes, kept on)
        blob = { ...existing, owners: existing.owners.includes(m.account) ? existing.owners : [...existing.owners, m.account], expiresAt: Math.max(existing.expiresAt, expires) }
        if (existing.owners.includes(m.account)) {
          ops.push({ type: 'put', key: `q/${m.account}`, value: number(await readNumber(this.kv, `q/${m.account}`) - m.totalBytes) })
        }
        const total = await readNumber(this.kv, TOTAL_KEY) - m.totalBytes
        ops.push({ type: 'put', key: TOTAL_KEY, value: number(total) })
        if (blob.expiresAt !== existing.expiresAt) ops.push({ type: 'del', key: expiryKey(existing.expiresAt, id) })
        removeAfter.push(m.file)
        this.stats.storedBytes = total
        this.stats.deduplicated++
      } else {
        blob = { totalBytes: m.totalBytes, chunkBytes: m.chunkBytes, file: m.file, owners: [m.account], expiresAt: expires, storedAt: now }
        this.stats.completed++
      }
      ops.push(
        { type: 'put', key: `b/${id}`, value: json(blob) },
        { type: 'put', key: expiryKey(blob.expiresAt, id), value: new Uint8Array(0) },
        { type: 'put', key: `u/${key}`, value: json({ ...m, blobId: id, touchedAt: now }) }
      )
      await this.kv.batch(ops, SYNC)
      return { blobId: fromHex(id), expiresAt: blob.expiresAt }
    })
    await upload.close()
    for (const name of removeAfter) await this.files.remove(name)
    return receipt
  }

  async openBlob (blobId: Uint8Array, requester: PeerId, options: AbortOptions = {}): Promise<BlobReader> {
    try {
      checkSize('the blob id', blobId, BLOB_ID_BYTES)
      await this.checkRate(this.downloads, requester, 'downloads')
      const blob = await readJson<BlobMeta>(this.kv, `b/${toHex(blobId)}`, options)
      if (blob == null || blob.expiresAt <= this.now()) throw new BlobNotFoundError()
      // a delete or sweep between the read and the open removed the file: the blob is gone
      const file = await this.files.openExisting(blob.file)
      if (file == null) throw new BlobNotFoundError()
      this.stats.downloads++
      const { totalBytes, chunkBytes, expiresAt } = blob
      const stats = this.stats
      return {
        totalBytes,
        chunkBytes,
        totalChunks: checkBlobShape(totalBytes, chunkBytes),
        expiresAt,
        async read (index) {
          const data = await file.read(index * chunkBytes, blobChunkLength(index, totalBytes, chunkBytes))
          stats.sentBytes += data.length
          return data
        },
        async close () {
          await file.close()
        }
      }
    } catch (err) {
      this.stats.refused++
      throw err
    }
  }

  async touch (blobId: Uint8Array, requester: PeerId, options: AbortOptions = {}): Promise<number> {
    try {
      checkSize('the blob id', blobId, BLOB_ID_BYTES)
      await this.checkRate(this.touches, requester, 'touches')
      const id = toHex(blobId)
      return await this.meta.run(META, async () => {
        const blob = await readJson<BlobMeta>(this.kv, `b/${id}`, options)
        const now = this.now()
        if (blob == null || blob.expiresAt <= now) throw new BlobNotFoundError()
        const expiresAt = now + this.limits.ttlMs
        if (expiresAt <= blob.expiresAt) return blob.expiresAt
        await this.kv.batch([
          { type: 'del', key: expiryKey(blob.expiresAt, id) },
          { type: 'put', key: expiryKey(expiresAt, id), value: new Uint8Array(0) },
          { type: 'put', key: `b/${id}`, value: json({ ...blob, expiresAt }) }
        ], SYNC)
        return expiresAt
      }, options)
    } catch (err) {
      this.stats.refused++
      throw err
    }
  }

  async delete (owner: BlobOwner, blobId: Uint8Array, options: AbortOptions = {}): Promise<void> {
    try {
      checkSize('the blob id', blobId, BLOB_ID_BYTES)
      const account = toHex(owner.identityKey)
      const id = toHex(blobId)
      const removed = await this.meta.run(META, async () => {
        const blob = await readJson<BlobMeta>(this.kv, `b/${id}`, options)
        if (blob == null || !blob.owners.includes(account)) throw new BlobNotFoundError()
        const ops: KeyValueBatchOperation[] = [{ type: 'put', key: `q/${account}`, value: number(await readNumber(this.kv, `q/${account}`) - blob.totalBytes) }]
        const owners = blob.owners.filter(o => o !== account)
        if (owners.length > 0) {
          ops.push({ type: 'put', key: `b/${id}`, value: json({ ...blob, owners }) })
          await this.kv.batch(ops, SYNC)
          return undefined
        }
        const total = await readNumber(this.kv, TOTAL_KEY) - blob.totalBytes
        ops.push({ type: 'del', key: `b/${id}` }, { type: 'del', key: expiryKey(blob.expiresAt, id) }, { type: 'put', key: TOTAL_KEY, value: number(total) })
        await this.kv.batch(ops, SYNC)
        this.stats.storedBytes = total
        return blob.file
      }, options)
      if (removed != null) await this.files.remove(removed)
    } catch (err) {
      this.stats.refused++
      throw err
    }
  }

  async sweep (options: AbortOptions = {}): Promise<{ expired: number, abandoned: number }> {
    let expired = 0
    let abandoned = 0
    // expired blobs, a batch at a time (each batch its own turn in the queue)
    while (true) {
      const files = await this.meta.run(META, async () => {
        const now = this.now()
        const ops: KeyValueBatchOperation[] = []
        const charges = new Map<string, number>()
        const gone: string[] = []
        let total = await readNumber(this.kv, TOTAL_KEY, options)
        for await (const { key } of this.kv.iterate({ prefix: 'x/', lt: `x/${timeKey(now + 1)}`, limit: BLOB_SWEEP_CHUNK }, options)) {
          ops.push({ type: 'del', key })
          const id = key.slice(key.lastIndexOf('/') + 1)
          const blob = await readJson<BlobMeta>(this.kv, `b/${id}`, options)
          // a touched blob left its old index entry behind only if a batch was lost: the entry goes, the blob stays
          if (blob == null || blob.expiresAt > now || expiryKey(blob.expiresAt, id) !== key) continue
          ops.push({ type: 'del', key: `b/${id}` })
          for (const owner of blob.owners) charges.set(owner, (charges.get(owner) ?? 0) + blob.totalBytes)
          total -= blob.totalBytes
          gone.push(blob.file)
        }
        if (ops.length === 0) return undefined
        for (const [owner, bytes] of charges) ops.push({ type: 'put', key: `q/${owner}`, value: number(await readNumber(this.kv, `q/${owner}`, options) - bytes) })
        ops.push({ type: 'put', key: TOTAL_KEY, value: number(total) })
        await this.kv.batch(ops, SYNC)
        this.stats.storedBytes = total
        return gone
      }, options)
      if (files == null) break
      for (const name of files) await this.files.remove(name)
      expired += files.length
      this.stats.expired += files.length
    }
    // uploads nobody wrote to for uploadIdleMs: unfinished ones are given up, finished ones forget their answer
    const files = await this.meta.run(META, async () => {
      const now = this.now()
      const ops: KeyValueBatchOperation[] = []
      const gone: string[] = []
      let total = await readNumber(this.kv, TOTAL_KEY, options)
      const charges = new Map<string, number>()
      for await (const { key, value } of this.kv.iterate({ prefix: 'u/' }, options)) {
        const m = JSON.parse(decoder.decode(value)) as UploadMeta
        const upload = key.slice(2)
        if (this.live.has(upload) || m.touchedAt + this.limits.uploadIdleMs > now) continue
        ops.push({ type: 'del', key })
        if (m.blobId != null) continue
        for await (const h of this.kv.iterate({ prefix: `h/${upload}/` }, options)) ops.push({ type: 'del', key: h.key })
        charges.set(m.account, (charges.get(m.account) ?? 0) + m.totalBytes)
        total -= m.totalBytes
        gone.push(m.file)
      }
      if (ops.length === 0) return []
      for (const [owner, bytes] of charges) ops.push({ type: 'put', key: `q/${owner}`, value: number(await readNumber(this.kv, `q/${owner}`, options) - bytes) })
      ops.push({ type: 'put', key: TOTAL_KEY, value: number(total) })
      await this.kv.batch(ops, SYNC)
      this.stats.storedBytes = total
      return gone
    }, options)
    for (const name of files) await this.files.remove(name)
    abandoned += files.length
    this.stats.abandoned += files.length
    return { expired, abandoned }
  }

  async usage (identityKey: Uint8Array, options: AbortOptions = {}): Promise<{ account: number, relay: number }> {
    return { account: await readNumber(this.kv, `q/${toHex(identityKey)}`, options), relay: await readNumber(this.kv, TOTAL_KEY, options) }
  }

  async close (): Promise<void> {
    await Promise.all([...this.live.values()].map(async u => { await u.close() }))
  }

  private async checkRate (limiter: RateLimiter, requester: PeerId, what: string): Promise<void> {
    const who = requester.toString()
    await this.requesters.run(who, async () => {
      const now = this.now()
      const check = await limiter.check(who, now)
      if (check.retryAfterMs > 0) throw new RateLimitedError(check.retryAfterMs, `too many ${what}; retry in ${Math.ceil(check.retryAfterMs / 1000)} s`)
      await limiter.record(who, check, now)
    })
  }
}
