/** The client side of /parley/blob/1.0.0: upload a blob chunk by chunk (pipelined within a window, resumed from what the relay committed, the relay's blob id checked against the chunks' own), download a range of chunks (each checked against the header's sizes, credit given as they are consumed), touch and delete. Knows nothing of media, files or keys. */
import { toDialTarget, type RelayTarget } from '../request-response.js'
import { ProtocolViolationError } from '../errors.js'
import { ProgressTimer } from '../progress-timer.js'
import { deferred, frameStream, type Deferred, type FrameStream } from '../frames.js'
import { constantTimeEqual } from '../../crypto/bytes.js'
import { raceSignal, withTimeout } from '../../util/abort.js'
import { signBlobAuth } from './auth.js'
import { concat } from 'uint8arrays/concat'
import { clientChunkParts, splitDataField } from './chunk-frame.js'
import { BlobIdBuilder, blobChunkHash, blobChunkLength, checkBlobShape } from './blob-id.js'
import {
  BLOB_DOWNLOAD_WINDOW_BYTES, BLOB_ID_BYTES, BLOB_IDLE_TIMEOUT_MS, BLOB_PROTOCOL, BLOB_UPLOAD_ID_BYTES, BLOB_UPLOAD_WINDOW_BYTES, MAX_BLOB_FRAME_BYTES
} from './constants.js'
import { BlobStreamClosedError, BlobUploadMismatchError, MalformedBlobFrameError, frameError } from './errors.js'
import { ClientFrame, RelayFrame } from './pb/blob.js'
import type { BlobReceipt } from './index.js'
import type { IdentityKeyPair } from '../../crypto/identity.js'
import type { AbortOptions, Connection, DialTarget, PeerId, Stream } from '@libp2p/interface'

/** What the client functions need of a libp2p node: its peer id (signed into owner auth) and dialling. */
export interface BlobNode {
  peerId: PeerId
  dial(peer: DialTarget, options?: AbortOptions): Promise<Connection>
}

export interface BlobCallOptions extends AbortOptions {
  /** ms without progress (no answer, no ack, no chunk) before the transfer is given up @default 30000 */
  timeout?: number
}

/** An owner device: its identity and device id (the relay knows it by the prekeys it uploaded there). */
export interface BlobDeviceInit {
  identity: IdentityKeyPair
  deviceId: number
  /** ms since the epoch signed into the challenge @default Date.now() */
  timestamp?: number
}

export interface UploadBlobInit {
  owner: BlobDeviceInit
  /** 16 random bytes, the same to resume this upload */
  uploadId: Uint8Array
  /** ciphertext bytes of the blob */
  totalBytes: number
  /** ciphertext bytes of every chunk but the last (at most MAX_BLOB_CHUNK_BYTES) */
  chunkBytes: number
  /**
   * chunk `index`'s ciphertext, whole or in parts (sent and hashed one after the other, never joined); called in order
   * from where the relay resumes, then for the chunks it already had (to check the blob id)
   */
  chunk: (index: number) => Promise<Uint8Array | Uint8Array[]>
  /** chunks the relay has committed (synced) so far, of all */
  onProgress?: (committedChunks: number, totalChunks: number) => void
}

export interface DownloadBlobInit {
  blobId: Uint8Array
  /** the first chunk wanted @default 0 */
  fromChunk?: number
  /** one past the last chunk wanted (like `Array.slice`) @default the blob's chunk count */
  toChunk?: number
}

export interface DeleteBlobInit {
  owner: BlobDeviceInit
  blobId: Uint8Array
}

/** One chunk of a download: its index in the blob and its ciphertext. */
export interface BlobChunk {
  index: number
  /** the ciphertext: `parts` joined on first use (a copy of the chunk; read `parts` to avoid it) */
  readonly data: Uint8Array
  /** the ciphertext in the pieces it came off the stream in, in order (never reused) */
  readonly parts: readonly Uint8Array[]
}

function blobChunk (index: number, parts: Uint8Array[]): BlobChunk {
  let joined: Uint8Array | undefined
  return {
    index,
    parts,
    get data () {
      joined ??= parts.length === 1 ? parts[0] : concat(parts)
      return joined
    }
  }
}

/**
 * An open download: the blob's shape and expiry as the relay declared them, and its chunks in order (each checked
 * for its index and size; what they hold is the decrypting reader's to check). Iterate once; `close()` ends it early.
 */
export interface BlobDownload extends AsyncIterable<BlobChunk> {
  readonly totalBytes: number
  readonly chunkBytes: number
  readonly totalChunks: number
  readonly expiresAt: number
  /** the range being downloaded: fromChunk ≤ index < toChunk */
  readonly fromChunk: number
  readonly toChunk: number
  /** the index of the next chunk not yet received: where a broken download resumes */
  readonly nextChunk: number
  close(): Promise<void>
}

function decodeRelayFrame (bytes: Uint8Array): RelayFrame {
  try {
    return RelayFrame.decode(bytes)
  } catch (err) {
    throw new ProtocolViolationError(`relay sent a malformed frame: ${(err as Error).message}`)
  }
}

/** The next frame, or BlobStreamClosedError when the relay ended the stream. */
async function nextFrame (frames: FrameStream, signal: AbortSignal, what: string): Promise<RelayFrame> {
  const bytes = await frames.read({ signal })
  if (bytes == null) throw new BlobStreamClosedError(`the relay closed the stream ${what}`)
  return decodeRelayFrame(bytes)
}

/** A RESULT that must be OK: a refusal is thrown as its error, any other frame breaks the protocol. */
function okResult (frame: RelayFrame, what: string): RelayFrame {
  if (frame.type !== RelayFrame.Type.RESULT) throw new ProtocolViolationError(`expected the RESULT of ${what}`)
  if (frame.status !== RelayFrame.Status.OK) throw frameError(frame)
  return frame
}

function checkBlobId (blobId: Uint8Array): void {
  if (blobId.length !== BLOB_ID_BYTES) throw new MalformedBlobFrameError(`a blob id is ${BLOB_ID_BYTES} bytes`)
}

async function openStream (node: BlobNode, relay: RelayTarget, signal: AbortSignal): Promise<{ connection: Connection, stream: Stream }> {
  const connection = await node.dial(toDialTarget(relay), { signal })
  const stream = await connection.newStream(BLOB_PROTOCOL, { signal })
  return { connection, stream }
}

/** Sends `first` (UPLOAD or DELETE), signs the relay's challenge (bound to the relay, this connection's peer id, the device and the time), sends AUTH. */
async function authenticate (node: BlobNode, connection: Connection, frames: FrameStream, first: Partial<ClientFrame>, owner: BlobDeviceInit, signal: AbortSignal): Promise<void> {
  await frames.write(ClientFrame.encode({ ...first, identityKey: Uint8Array.from(owner.identity.publicKey), deviceId: owner.deviceId }), { signal })
  const challenge = await nextFrame(frames, signal, 'before its challenge')
  if (challenge.type === RelayFrame.Type.RESULT && challenge.status !== RelayFrame.Status.OK) throw frameError(challenge)
  if (challenge.type !== RelayFrame.Type.CHALLENGE) throw new ProtocolViolationError('expected a CHALLENGE')
  const timestamp = owner.timestamp ?? Date.now()
  const signature = signBlobAuth(owner.identity, { nonce: challenge.nonce, relayPeerId: connection.remotePeer.toString(), clientPeerId: node.peerId.toString(), deviceId: owner.deviceId, timestamp })
  await frames.write(ClientFrame.encode({ type: ClientFrame.Type.AUTH, timestamp: BigInt(timestamp), signature: Uint8Array.from(signature) }), { signal })
}

/** The receipt of a RESULT, its blob id checked for size. */
function receiptOf (frame: RelayFrame): BlobReceipt {
  if (frame.blobId.length !== BLOB_ID_BYTES) throw new ProtocolViolationError('the relay named no valid blob id')
  return { blobId: frame.blobId, expiresAt: Number(frame.expiresAt) }
}

/**
 * Uploads (or resumes) a blob at a relay where this device is an owner (it uploaded prekeys there). Chunks are
 * asked for in order from where the relay resumes and sent pipelined, at most BLOB_UPLOAD_WINDOW_BYTES beyond what
 * the relay acknowledged as committed; `onProgress` reports each acknowledgement. Resolves with the blob id and its
 * expiry. When the relay held chunks from before this call (a resume), the id is checked against every chunk (read
 * again for it): chunks from two versions of a changed file cannot make a blob unnoticed. An upload the relay took
 * whole from this call takes the relay's id unhashed (docs/blobs.md, "Decisions"). Rejects with BlobAuthError, BlobQuotaError,
 * BlobTooLargeError, BlobUploadMismatchError (the upload id is known with other sizes, or `chunk` gave a chunk of
 * the wrong size), RateLimitedError; with anything else (BlobStreamClosedError, TimeoutError, the relay went away)
 * call again with the same upload id: it resumes after the last committed chunk.
 */
export async function uploadBlob (node: BlobNode, relay: RelayTarget, init: UploadBlobInit, options: BlobCallOptions = {}): Promise<BlobReceipt> {
  if (init.uploadId.length !== BLOB_UPLOAD_ID_BYTES) throw new MalformedBlobFrameError(`an upload id is ${BLOB_UPLOAD_ID_BYTES} bytes`)
  const { totalBytes, chunkBytes } = init
  const total = checkBlobShape(totalBytes, chunkBytes)
  const progress = new ProgressTimer(options.timeout ?? BLOB_IDLE_TIMEOUT_MS, options.signal)
  const signal = progress.signal
  const hashes: Uint8Array[] = new Array(total)
  /** Chunk `index` from the source, checked for its size; `hashes[index]` is the caller's to fill. */
  const chunkAt = async (index: number): Promise<Uint8Array | Uint8Array[]> => {
    const data = await init.chunk(index)
    const length = blobChunkLength(index, totalBytes, chunkBytes)
    const size = data instanceof Uint8Array ? data.length : data.reduce((n, part) => n + part.length, 0)
    if (size !== length) throw new BlobUploadMismatchError(`chunk ${index} must be ${length} bytes, not ${size}`)
    return data
  }
  let stream: Stream | undefined
  try {
    const opened = await openStream(node, relay, signal)
    stream = opened.stream
    const frames = frameStream(stream, { maxFrameBytes: MAX_BLOB_FRAME_BYTES })
    await authenticate(node, opened.connection, frames, { type: ClientFrame.Type.UPLOAD, uploadId: Uint8Array.from(init.uploadId), totalBytes, chunkBytes }, init.owner, signal)
    const answer = await nextFrame(frames, signal, 'before the upload began')
    progress.reset()
    let receipt: BlobReceipt
    let resumedAt: number
    if (answer.type === RelayFrame.Type.RESULT) {
      // this upload was complete before (its answer was lost): check the id against every chunk
      receipt = receiptOf(okResult(answer, 'the upload'))
      resumedAt = total
    } else {
      if (answer.type !== RelayFrame.Type.READY) throw new ProtocolViolationError('expected READY')
      if (answer.committedChunks > total) throw new ProtocolViolationError('the relay claims more chunks than the blob has')
      resumedAt = answer.committedChunks
      init.onProgress?.(resumedAt, total)
      receipt = await send(frames, init, total, resumedAt, chunkAt, resumedAt > 0 ? hashes : undefined, progress)
    }
    // the chunks the relay had before this stream: read again only to check the id (up to the whole blob, so an
    // abort or the timeout stops the reading at the next chunk, not after the last); none: the relay's id is taken
    for (let i = 0; i < resumedAt; i++) {
      const data = await chunkAt(i)
      signal.throwIfAborted()
      hashes[i] = blobChunkHash(data)
      progress.reset()
    }
    if (resumedAt > 0 && !constantTimeEqual(receipt.blobId, new BlobIdBuilder(chunkBytes, totalBytes).addHashes(hashes).finish())) {
      throw new ProtocolViolationError('the relay named another blob id than the chunks\' own')
    }
    init.onProgress?.(total, total)
    await stream.close({ signal })
    return receipt
  } catch (err) {
    stream?.abort(err as Error)
    throw err
  } finally {
    progress.clear()
  }
}

/** Sends chunks `from`.. in order within the window while reading the relay's acks, hashing each into `hashes` when given; resolves with the final RESULT's receipt. */
async function send (frames: FrameStream, init: UploadBlobInit, total: number, from: number, chunkAt: (index: number) => Promise<Uint8Array | Uint8Array[]>, hashes: Uint8Array[] | undefined, progress: ProgressTimer): Promise<BlobReceipt> {
  const signal = progress.signal
  const windowChunks = Math.max(1, Math.floor(BLOB_UPLOAD_WINDOW_BYTES / init.chunkBytes))
  let committed = from
  let sent = from
  let wake: Deferred<void> | undefined
  let failure: Error | undefined
  const reading = (async (): Promise<BlobReceipt> => {
    while (true) {
      const frame = await nextFrame(frames, signal, `with ${committed} of ${total} chunks committed`)
      progress.reset()
      if (frame.type === RelayFrame.Type.COMMITTED) {
        if (frame.committedChunks < committed || frame.committedChunks > sent) throw new ProtocolViolationError('the relay acknowledged chunks out of order or not sent')
        committed = frame.committedChunks
        init.onProgress?.(committed, total)
        wake?.resolve()
        continue
      }
      const receipt = receiptOf(okResult(frame, 'the upload'))
      if (sent < total) throw new ProtocolViolationError('the relay completed the upload before every chunk was sent')
      return receipt
    }
  })()
  // a refusal or a broken stream stops the sender at its next step; the reading's error is the one thrown
  reading.catch(err => { failure ??= err as Error; wake?.resolve() })
  while (sent < total && failure == null) {
    while (sent - committed >= windowChunks && failure == null) {
      wake = deferred()
      await raceSignal(wake.promise, signal)
    }
    if (failure != null) break
    const data = await chunkAt(sent)
    // a chunk read while the upload was being given up is not sent
    signal.throwIfAborted()
    if (failure != null) break
    // counted before the write resolves: the relay may acknowledge it first
    const index = sent++
    const writing = frames.writeParts(clientChunkParts(index, data), { signal })
    // hashed while the chunk goes out, not before: the hash is off the path of the bytes
    if (hashes !== undefined) hashes[index] = blobChunkHash(data)
    await writing
    progress.reset()
  }
  return await reading
}

/** An open download stream (see BlobDownload). */
class ChunkDownload implements BlobDownload {
  private next: number
  private consumed = 0
  private granted = BLOB_DOWNLOAD_WINDOW_BYTES
  private iterated = false
  private ended = false

  constructor (
    private readonly stream: Stream,
    private readonly frames: FrameStream,
    readonly totalBytes: number,
    readonly chunkBytes: number,
    readonly totalChunks: number,
    readonly expiresAt: number,
    readonly fromChunk: number,
    readonly toChunk: number,
    private readonly timeout: number,
    private readonly signal?: AbortSignal
  ) {
    this.next = fromChunk
  }

  get nextChunk (): number {
    return this.next
  }

  async * [Symbol.asyncIterator] (): AsyncIterator<BlobChunk> {
    if (this.iterated) throw new Error('a blob download is iterated once')
    this.iterated = true
    try {
      while (this.next < this.toChunk) {
        const chunk = await this.receive()
        yield chunk
        this.consumed += blobChunkLength(chunk.index, this.totalBytes, this.chunkBytes)
        // credit in half-windows: a handful of small frames per window, never a round trip per chunk
        if (this.granted - this.consumed <= BLOB_DOWNLOAD_WINDOW_BYTES / 2 && this.next < this.toChunk) {
          this.granted = this.consumed + BLOB_DOWNLOAD_WINDOW_BYTES
          await withTimeout(this.timeout, this.signal, async signal => { await this.frames.write(ClientFrame.encode({ type: ClientFrame.Type.CREDIT, credit: this.granted }), { signal }) })
        }
      }
    } catch (err) {
      this.abort(err as Error)
      throw err
    } finally {
      await this.close()
    }
  }

  /** The next chunk from the relay, checked for its index and size; its bytes stay in the pieces they came in. */
  private async receive (): Promise<BlobChunk> {
    const i = this.next
    const list = await withTimeout(this.timeout, this.signal, async signal => await this.frames.readList({ signal }))
    if (list == null) throw new BlobStreamClosedError(`the relay closed the stream before chunk ${i}`)
    const split = splitDataField(list)
    const frame = decodeRelayFrame(split?.rest ?? list.subarray())
    if (frame.type === RelayFrame.Type.RESULT) throw frame.status === RelayFrame.Status.OK ? new ProtocolViolationError('expected a CHUNK') : frameError(frame)
    if (frame.type !== RelayFrame.Type.CHUNK) throw new ProtocolViolationError('expected a CHUNK')
    if (frame.index !== i) throw new ProtocolViolationError(`expected chunk ${i}, not ${frame.index}`)
    const parts = split?.data ?? [frame.data]
    const size = parts.reduce((n, part) => n + part.length, 0)
    const length = blobChunkLength(i, this.totalBytes, this.chunkBytes)
    if (size !== length) throw new ProtocolViolationError(`chunk ${i} must be ${length} bytes, not ${size}`)
    this.next = i + 1
    return blobChunk(i, parts)
  }

  private abort (err: Error): void {
    if (this.ended) return
    this.ended = true
    this.stream.abort(err)
  }

  /** Ends the download: gracefully once every chunk came, else by resetting the stream (the relay stops sending). */
  async close (): Promise<void> {
    if (this.ended) return
    if (this.next < this.toChunk) {
      this.abort(new BlobStreamClosedError('the downloader closed the download'))
      return
    }
    this.ended = true
    try {
      await withTimeout(this.timeout, undefined, async signal => { await this.stream.close({ signal }) })
    } catch (err) {
      this.stream.abort(err as Error)
    }
  }
}

/**
 * Opens a download of chunks `fromChunk` ≤ index < `toChunk` of a blob: anyone holding the id may. Resolves once the
 * relay sent the blob's header; iterate for the chunks (the relay sends at most BLOB_DOWNLOAD_WINDOW_BYTES ahead of
 * what the iteration took). Rejects with BlobNotFoundError (unknown or expired), MalformedBlobFrameError (the range
 * is not within the blob), RateLimitedError. A chunk's content is not checked here: the decrypting reader does.
 * After a broken download, open another from `nextChunk`.
 */
export async function downloadBlob (node: BlobNode, relay: RelayTarget, init: DownloadBlobInit, options: BlobCallOptions = {}): Promise<BlobDownload> {
  checkBlobId(init.blobId)
  const from = init.fromChunk ?? 0
  if (!Number.isSafeInteger(from) || from < 0) throw new MalformedBlobFrameError('fromChunk must be a chunk index')
  if (init.toChunk != null && (!Number.isSafeInteger(init.toChunk) || init.toChunk <= from)) throw new MalformedBlobFrameError('toChunk must be after fromChunk')
  const timeout = options.timeout ?? BLOB_IDLE_TIMEOUT_MS
  let stream: Stream | undefined
  try {
    return await withTimeout(timeout, options.signal, async signal => {
      stream = (await openStream(node, relay, signal)).stream
      // the relay sends no more than the credit, so this buffer never overflows
      const frames = frameStream(stream, { maxFrameBytes: MAX_BLOB_FRAME_BYTES, maxBufferBytes: BLOB_DOWNLOAD_WINDOW_BYTES + 2 * MAX_BLOB_FRAME_BYTES })
      await frames.write(ClientFrame.encode({ type: ClientFrame.Type.DOWNLOAD, blobId: Uint8Array.from(init.blobId), fromChunk: from, toChunk: init.toChunk, credit: BLOB_DOWNLOAD_WINDOW_BYTES }), { signal })
      const header = await nextFrame(frames, signal, 'before the blob\'s header')
      if (header.type === RelayFrame.Type.RESULT) throw header.status === RelayFrame.Status.OK ? new ProtocolViolationError('expected a HEADER') : frameError(header)
      if (header.type !== RelayFrame.Type.HEADER) throw new ProtocolViolationError('expected a HEADER')
      const totalBytes = Number(header.totalBytes)
      let totalChunks: number
      try {
        totalChunks = checkBlobShape(totalBytes, header.chunkBytes)
      } catch (err) {
        throw new ProtocolViolationError(`the relay declared an impossible blob: ${(err as Error).message}`)
      }
      const to = init.toChunk ?? totalChunks
      if (from >= totalChunks || to > totalChunks) throw new ProtocolViolationError('the relay sent a header that does not hold the range asked for')
      return new ChunkDownload(stream, frames, totalBytes, header.chunkBytes, totalChunks, Number(header.expiresAt), from, to, timeout, options.signal)
    })
  } catch (err) {
    stream?.abort(err as Error)
    throw err
  }
}

/**
 * Extends a blob's expiry to at least now + the relay's TTL: anyone holding the id may (forwarding a file touches it
 * instead of uploading it again). Rejects with BlobNotFoundError when it is unknown or already expired.
 */
export async function touchBlob (node: BlobNode, relay: RelayTarget, blobId: Uint8Array, options: BlobCallOptions = {}): Promise<{ expiresAt: number }> {
  checkBlobId(blobId)
  let stream: Stream | undefined
  try {
    return await withTimeout(options.timeout ?? BLOB_IDLE_TIMEOUT_MS, options.signal, async signal => {
      stream = (await openStream(node, relay, signal)).stream
      const frames = frameStream(stream, { maxFrameBytes: MAX_BLOB_FRAME_BYTES })
      await frames.write(ClientFrame.encode({ type: ClientFrame.Type.TOUCH, blobId: Uint8Array.from(blobId) }), { signal })
      const result = okResult(await nextFrame(frames, signal, 'before answering the touch'), 'the touch')
      await stream.close({ signal })
      return { expiresAt: Number(result.expiresAt) }
    })
  } catch (err) {
    stream?.abort(err as Error)
    throw err
  }
}

/**
 * Deletes a blob this device's account uploaded to the relay, freeing its quota there (the blob stays while another
 * account that uploaded the same content keeps it). Rejects with BlobNotFoundError when this account has no such blob there.
 */
export async function deleteBlob (node: BlobNode, relay: RelayTarget, init: DeleteBlobInit, options: BlobCallOptions = {}): Promise<void> {
  checkBlobId(init.blobId)
  let stream: Stream | undefined
  try {
    await withTimeout(options.timeout ?? BLOB_IDLE_TIMEOUT_MS, options.signal, async signal => {
      const opened = await openStream(node, relay, signal)
      stream = opened.stream
      const frames = frameStream(stream, { maxFrameBytes: MAX_BLOB_FRAME_BYTES })
      await authenticate(node, opened.connection, frames, { type: ClientFrame.Type.DELETE, blobId: Uint8Array.from(init.blobId) }, init.owner, signal)
      okResult(await nextFrame(frames, signal, 'before answering the delete'), 'the delete')
      await stream.close({ signal })
    })
  } catch (err) {
    stream?.abort(err as Error)
    throw err
  }
}
