/** The relay's inbound side of /parley/blob/1.0.0: owner authentication, uploads (chunks checked against the declaration, written as they come, synced and acknowledged in batches), downloads (chunks read one at a time within the client's credit), touches and deletes; storage, quotas and expiry are the backend's. Knows nothing of media or keys. */
import { concat } from 'uint8arrays/concat'
import { systemRandom } from '../../crypto/deps.js'
import { withTimeout } from '../../util/abort.js'
import { ProtocolService } from '../service.js'
import { frameStream, type FrameStream } from '../frames.js'
import { NONCE_BYTES } from '../owner-auth.js'
import { verifyBlobAuth } from './auth.js'
import { relayChunkParts, splitDataField } from './chunk-frame.js'
import { blobChunkLength, checkBlobShape } from './blob-id.js'
import {
  BLOB_COMMIT_BYTES, BLOB_COMMIT_INTERVAL_MS, BLOB_ID_BYTES, BLOB_IDLE_TIMEOUT_MS, BLOB_PROTOCOL, BLOB_UPLOAD_ID_BYTES, BLOB_UPLOAD_WINDOW_BYTES,
  MAX_BLOB_FRAME_BYTES, MAX_INBOUND_STREAMS, MAX_OUTBOUND_STREAMS
} from './constants.js'
import { BlobServiceError, BlobStreamClosedError, BlobUploadMismatchError, BlobInternalError, MalformedBlobFrameError, RateLimitedError, errorFrame } from './errors.js'
import { ClientFrame, RelayFrame } from './pb/blob.js'
import type { BlobBackend, BlobComponents, BlobOwner, BlobServerInit, BlobUpload } from './index.js'
import type { Connection, Stream } from '@libp2p/interface'

const IDENTITY_KEY_BYTES = 32

function decodeClientFrame (bytes: Uint8Array): ClientFrame {
  try {
    return ClientFrame.decode(bytes)
  } catch (err) {
    throw new MalformedBlobFrameError(`malformed frame: ${(err as Error).message}`)
  }
}

function checkSize (what: string, bytes: Uint8Array, size: number): void {
  if (bytes.length !== size) throw new MalformedBlobFrameError(`${what} must be ${size} bytes`)
}

/** A uint64 from the wire as a number; values past 2^53 become Infinity, which every size check refuses. */
const toNumber = (n: bigint): number => n > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(n)

/**
 * Runs one sync-and-ack at a time for an upload, while chunks keep being written: a request while one runs queues
 * exactly one more (it covers everything written by then). The first failure sticks and is thrown by `idle`.
 */
class Committer {
  private running: Promise<void> | undefined
  private again = false
  private timer: ReturnType<typeof setTimeout> | undefined
  failure: Error | undefined

  constructor (private readonly run: () => Promise<void>) {}

  /** Starts a commit now (or right after the running one). */
  request (): void {
    clearTimeout(this.timer)
    this.timer = undefined
    if (this.failure != null) return
    if (this.running != null) {
      this.again = true
      return
    }
    this.running = this.run()
      .catch(err => { this.failure ??= err as Error })
      .finally(() => {
        this.running = undefined
        if (this.again) {
          this.again = false
          this.request()
        }
      })
  }

  /** Starts a commit within `ms` unless one is requested before. */
  soon (ms: number): void {
    this.timer ??= setTimeout(() => { this.request() }, ms)
  }

  /** Resolves once no commit runs or is queued; rejects with the first failure. */
  async idle (): Promise<void> {
    while (this.running != null) await this.running
    if (this.failure != null) throw this.failure
  }

  stop (): void {
    clearTimeout(this.timer)
    this.timer = undefined
  }
}

export class BlobServer extends ProtocolService {
  /** our own peer id: signed into every device's challenge */
  private readonly peerId: BlobComponents['peerId']
  private readonly backend: BlobBackend
  private readonly idleTimeout: number
  private readonly commitBytes: number
  private readonly commitIntervalMs: number
  private readonly now: () => number

  constructor (components: BlobComponents, init: BlobServerInit) {
    super(components, { protocol: BLOB_PROTOCOL, name: 'blob', maxInboundStreams: init.maxInboundStreams ?? MAX_INBOUND_STREAMS, maxOutboundStreams: init.maxOutboundStreams ?? MAX_OUTBOUND_STREAMS })
    this.peerId = components.peerId
    this.backend = init.backend
    this.idleTimeout = init.idleTimeout ?? BLOB_IDLE_TIMEOUT_MS
    this.commitBytes = Math.min(init.commitBytes ?? BLOB_COMMIT_BYTES, BLOB_UPLOAD_WINDOW_BYTES)
    this.commitIntervalMs = init.commitIntervalMs ?? BLOB_COMMIT_INTERVAL_MS
    this.now = init.now ?? Date.now
  }

  /**
   * One exchange per stream. A refusal (a BlobServiceError or RateLimitedError) is answered with its RESULT and the
   * stream closed; anything else (a timeout, an oversize frame, a broken stream) aborts it. Committed chunks are
   * never touched by a failure.
   */
  protected async handle (stream: Stream, connection: Connection): Promise<void> {
    // an uploader may have a window of chunks in flight beyond the last ack; more than that ends the stream
    const frames = frameStream(stream, { maxFrameBytes: MAX_BLOB_FRAME_BYTES, maxBufferBytes: BLOB_UPLOAD_WINDOW_BYTES + 2 * MAX_BLOB_FRAME_BYTES })
    try {
      const bytes = await this.read(frames)
      if (bytes == null) {
        await stream.close()
        return
      }
      const first = decodeClientFrame(bytes)
      if (first.type === ClientFrame.Type.UPLOAD) await this.upload(first, frames, connection)
      else if (first.type === ClientFrame.Type.DOWNLOAD) await this.download(first, frames, connection)
      else if (first.type === ClientFrame.Type.TOUCH) await this.touch(first, frames, connection)
      else if (first.type === ClientFrame.Type.DELETE) await this.delete(first, frames, connection)
      else throw new MalformedBlobFrameError('a stream starts with UPLOAD, DOWNLOAD, TOUCH or DELETE')
      await withTimeout(this.idleTimeout, undefined, async signal => { await stream.close({ signal }) })
    } catch (err) {
      this.log('blob stream from %p ended - %s', connection.remotePeer, (err as Error).message)
      if (err instanceof BlobServiceError || err instanceof RateLimitedError) {
        const res = errorFrame(err)
        try {
          await withTimeout(1000, undefined, async signal => { await frames.write(RelayFrame.encode(res), { signal }); await stream.close({ signal }) })
          return
        } catch {
          // the client is gone or not reading: the stream is aborted below
        }
      }
      stream.abort(err as Error)
    }
  }

  /**
   * Runs a backend call within the idle timeout. Its refusals pass as they are; anything else it throws (a disk
   * error, a timeout) is logged here and answered as BlobInternalError, so no detail of the relay's inside leaks.
   */
  private async backendCall<T> (what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      return await withTimeout(this.idleTimeout, undefined, fn)
    } catch (err) {
      if (err instanceof BlobServiceError || err instanceof RateLimitedError) throw err
      this.log.error('blob %s failed inside the backend - %e', what, err)
      throw new BlobInternalError()
    }
  }

  /** The next frame within the idle timeout, or null at the client's clean end. */
  private async read (frames: FrameStream): Promise<Uint8Array | null> {
    return await withTimeout(this.idleTimeout, undefined, async signal => await frames.read({ signal }))
  }

  /** Writes one frame; a client that does not take it within the idle timeout loses the stream. */
  private async write (frames: FrameStream, frame: Partial<RelayFrame>): Promise<void> {
    await withTimeout(this.idleTimeout, undefined, async signal => { await frames.write(RelayFrame.encode(frame), { signal }) })
  }

  /** CHALLENGE → AUTH: the device's signature over the relay's nonce, this relay, this connection and the time. */
  private async authenticate (first: ClientFrame, frames: FrameStream, connection: Connection): Promise<BlobOwner> {
    checkSize('the identity key', first.identityKey, IDENTITY_KEY_BYTES)
    const owner: BlobOwner = { identityKey: first.identityKey, deviceId: first.deviceId }
    const nonce = systemRandom(NONCE_BYTES)
    await this.write(frames, { type: RelayFrame.Type.CHALLENGE, nonce: Uint8Array.from(nonce) })
    const bytes = await this.read(frames)
    if (bytes == null) throw new BlobStreamClosedError('closed before authenticating')
    const auth = decodeClientFrame(bytes)
    if (auth.type !== ClientFrame.Type.AUTH) throw new MalformedBlobFrameError('expected AUTH after the challenge')
    verifyBlobAuth({
      nonce,
      relayPeerId: this.peerId.toString(),
      clientPeerId: connection.remotePeer.toString(),
      identityKey: owner.identityKey,
      deviceId: owner.deviceId,
      timestamp: toNumber(auth.timestamp)
    }, auth.signature, this.now())
    return owner
  }

  /** UPLOAD → CHALLENGE → AUTH → READY, chunks (COMMITTED as they are synced) → RESULT with the blob id. */
  private async upload (first: ClientFrame, frames: FrameStream, connection: Connection): Promise<void> {
    checkSize('the upload id', first.uploadId, BLOB_UPLOAD_ID_BYTES)
    const totalBytes = first.totalBytes
    checkBlobShape(totalBytes, first.chunkBytes)
    const owner = await this.authenticate(first, frames, connection)
    const start = await this.backendCall('upload', async signal => await this.backend.beginUpload({ owner, uploadId: first.uploadId, totalBytes, chunkBytes: first.chunkBytes }, { signal }))
    if (start.done != null) {
      this.log('upload from %p was already complete', connection.remotePeer)
      await this.write(frames, { type: RelayFrame.Type.RESULT, status: RelayFrame.Status.OK, blobId: Uint8Array.from(start.done.blobId), expiresAt: BigInt(start.done.expiresAt) })
      return
    }
    const upload = start.upload
    try {
      this.log('upload from %p resumes at chunk %d of %d', connection.remotePeer, upload.committedChunks, upload.totalChunks)
      await this.receive(upload, totalBytes, first.chunkBytes, frames)
    } finally {
      await upload.close()
    }
  }

  /**
   * Takes chunks in order from the committed count on, writing each as it comes; a commit (sync, record, COMMITTED)
   * runs alongside every `commitBytes` and after `commitIntervalMs`, so the client's window keeps moving. When the
   * stream ends early, what was written is still committed for the resume.
   */
  private async receive (upload: BlobUpload, totalBytes: number, chunkBytes: number, frames: FrameStream): Promise<void> {
    const total = upload.totalChunks
    const committer = new Committer(async () => {
      const committed = await this.backendCall('commit', async signal => await upload.commit({ signal }))
      if (committed < total) await this.write(frames, { type: RelayFrame.Type.COMMITTED, committedChunks: committed })
    })
    let next = upload.committedChunks
    let written = next
    try {
      await this.write(frames, { type: RelayFrame.Type.READY, committedChunks: next })
      let sinceCommit = 0
      while (next < total) {
        if (committer.failure != null) throw committer.failure
        const list = await withTimeout(this.idleTimeout, undefined, async signal => await frames.readList({ signal }))
        if (list == null) throw new BlobStreamClosedError(`the client ended the upload after ${next} of ${total} chunks`)
        // the chunk stays in the pieces it came in, down to the file's vectored write (no chunk-sized copy)
        const split = splitDataField(list)
        const frame = decodeClientFrame(split?.rest ?? list.subarray())
        if (frame.type !== ClientFrame.Type.CHUNK) throw new MalformedBlobFrameError('an upload carries only CHUNK frames after AUTH')
        if (frame.index !== next) throw new MalformedBlobFrameError(`expected chunk ${next}, not ${frame.index}`)
        const length = blobChunkLength(next, totalBytes, chunkBytes)
        const parts = split?.data ?? [frame.data]
        const size = parts.reduce((n, part) => n + part.length, 0)
        if (size !== length) throw new BlobUploadMismatchError(`chunk ${next} must be ${length} bytes, not ${size}`)
        await this.backendCall('write', async signal => {
          if (upload.writeParts != null) await upload.writeParts(next, parts, { signal })
          else await upload.write(next, parts.length === 1 ? parts[0] : concat(parts), { signal })
        })
        written = ++next
        sinceCommit += length
        if (next === total || sinceCommit >= this.commitBytes) {
          sinceCommit = 0
          committer.request()
        } else {
          committer.soon(this.commitIntervalMs)
        }
      }
      await committer.idle()
      if (upload.committedChunks !== total) throw new BlobInternalError(`only ${upload.committedChunks} of ${total} chunks committed`)
      const receipt = await this.backendCall('completion', async signal => await upload.complete({ signal }))
      await this.write(frames, { type: RelayFrame.Type.RESULT, status: RelayFrame.Status.OK, blobId: Uint8Array.from(receipt.blobId), expiresAt: BigInt(receipt.expiresAt) })
    } finally {
      committer.stop()
      await committer.idle().catch(() => {})
      // keep what arrived before a cut: the resume starts after it (a failed or superseded upload refuses, harmlessly)
      if (upload.committedChunks < written) await upload.commit().catch(() => {})
    }
  }

  /**
   * DOWNLOAD → HEADER, then the chunks of the range, each sent only within the client's credit. Chunks are read one
   * at a time, the next while the current one is sent (so the disk and the network overlap; never more than two in memory).
   */
  private async download (first: ClientFrame, frames: FrameStream, connection: Connection): Promise<void> {
    checkSize('the blob id', first.blobId, BLOB_ID_BYTES)
    const reader = await this.backendCall('download', async signal => await this.backend.openBlob(first.blobId, connection.remotePeer, { signal }))
    const read = async (index: number): Promise<Uint8Array> => await this.backendCall('read', async signal => await reader.read(index, { signal }))
    let ahead: Promise<Uint8Array> | undefined
    try {
      const total = reader.totalChunks
      const from = first.fromChunk
      const to = first.toChunk ?? total
      if (from >= total || to > total || to <= from) throw new MalformedBlobFrameError(`chunks ${from}..${to} are not a range of the blob's ${total} chunks`)
      await this.write(frames, { type: RelayFrame.Type.HEADER, totalBytes: reader.totalBytes, chunkBytes: reader.chunkBytes, expiresAt: BigInt(reader.expiresAt) })
      let credit = first.credit
      let sent = 0
      for (let i = from; i < to; i++) {
        const length = blobChunkLength(i, reader.totalBytes, reader.chunkBytes)
        // take the credit already here, then wait for more only when this chunk does not fit
        while (frames.hasFrame() || sent + length > credit) {
          const bytes = await this.read(frames)
          if (bytes == null) {
            this.log('download by %p ended by the client at chunk %d', connection.remotePeer, i)
            return
          }
          const frame = decodeClientFrame(bytes)
          if (frame.type !== ClientFrame.Type.CREDIT) throw new MalformedBlobFrameError('a download takes only CREDIT frames')
          credit = Math.max(credit, frame.credit)
        }
        const data = await (ahead ?? read(i))
        ahead = i + 1 < to ? read(i + 1) : undefined
        // a read ahead that fails is thrown when its turn comes (or dropped when the download ends first)
        ahead?.catch(() => {})
        await withTimeout(this.idleTimeout, undefined, async signal => { await frames.writeParts(relayChunkParts(i, data), { signal }) })
        sent += length
      }
      this.log('download by %p sent chunks %d..%d', connection.remotePeer, from, to - 1)
    } finally {
      await ahead?.catch(() => {})
      await reader.close()
    }
  }

  /** TOUCH → RESULT with the new expiry. */
  private async touch (first: ClientFrame, frames: FrameStream, connection: Connection): Promise<void> {
    checkSize('the blob id', first.blobId, BLOB_ID_BYTES)
    const expiresAt = await this.backendCall('touch', async signal => await this.backend.touch(first.blobId, connection.remotePeer, { signal }))
    await this.write(frames, { type: RelayFrame.Type.RESULT, status: RelayFrame.Status.OK, expiresAt: BigInt(expiresAt) })
  }

  /** DELETE → CHALLENGE → AUTH → RESULT. */
  private async delete (first: ClientFrame, frames: FrameStream, connection: Connection): Promise<void> {
    checkSize('the blob id', first.blobId, BLOB_ID_BYTES)
    const owner = await this.authenticate(first, frames, connection)
    await this.backendCall('delete', async signal => { await this.backend.delete(owner, first.blobId, { signal }) })
    await this.write(frames, { type: RelayFrame.Type.RESULT, status: RelayFrame.Status.OK })
  }
}
