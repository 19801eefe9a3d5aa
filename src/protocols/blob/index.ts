/**
 * @packageDocumentation
 *
 * The relays' blob store (`/parley/blob/1.0.0`, docs/blobs.md, issue 18): media travels as ciphertext a sender
 * encrypted in chunks, uploaded once to its relays and fetched by every recipient. An owner device (authenticated by
 * a signed challenge) uploads a blob chunk by chunk, pipelined; the relay syncs chunks to disk in batches and
 * acknowledges what is committed, so an upload cut anywhere resumes from the last committed chunk. A blob is named
 * by the hash of its ciphertext (`blob-id.ts`); anyone holding that id downloads it (from any chunk, optionally to
 * one) and may touch it to keep it longer; its uploader may delete it. The relay never sees plaintext or keys.
 *
 * @example
 *
 * ```typescript
 * const relay = await createLibp2p({ services: { blob: blobServer({ backend }) } })
 * const { blobId } = await uploadBlob(sender, relayAddr, { owner: { identity, deviceId: 1 }, uploadId, totalBytes, chunkBytes, chunk: i => sealedChunk(i) })
 * const download = await downloadBlob(recipient, relayAddr, { blobId })
 * for await (const { index, data } of download) await save(index, open(index, data))
 * ```
 */
import type { ProtocolComponents } from '../service.js'
import type { MailboxOwner } from '../mailbox/index.js'
import { BlobServer } from './server.js'
import type { AbortOptions, PeerId } from '@libp2p/interface'

/** An owner device: the same as a mailbox's owner (identity key and device id). Quotas count per account (identity key). */
export type BlobOwner = MailboxOwner

/** A stored blob: its id and when the relay may delete it. */
export interface BlobReceipt {
  /** 32 bytes: `blobIdOf(...)` of the stored ciphertext */
  blobId: Uint8Array
  /** ms since the epoch; a touch moves it to now + the relay's TTL */
  expiresAt: number
}

/** What an uploader declares when it begins (or resumes) an upload. */
export interface BlobUploadRequest {
  owner: BlobOwner
  /** 16 bytes the uploader chose; the same id (with the same sizes) resumes the upload */
  uploadId: Uint8Array
  /** ciphertext bytes of the blob */
  totalBytes: number
  /** ciphertext bytes of every chunk but the last */
  chunkBytes: number
}

/**
 * One open upload at the backend, for one stream. `write` and `commit` may overlap (a commit covers the chunks
 * written when it began); everything else is called one at a time.
 */
export interface BlobUpload {
  readonly totalChunks: number
  /** chunks synced and recorded: the upload resumes from here, whatever crashes */
  readonly committedChunks: number
  /** Writes chunk `index`, the next after those written so far (sizes are checked by the caller); not durable before a commit. */
  write (index: number, data: Uint8Array, options?: AbortOptions): Promise<void>
  /**
   * Optional: `write` of a chunk given in the pieces it came off the stream in (written and hashed as they are, never
   * joined); the server joins them for `write` where it is missing.
   */
  writeParts? (index: number, parts: readonly Uint8Array[], options?: AbortOptions): Promise<void>
  /** Syncs every chunk written so far and records it; resolves with the committed count. */
  commit (options?: AbortOptions): Promise<number>
  /** Once every chunk is committed: computes the blob id and makes the blob downloadable (or finds it already stored). */
  complete (options?: AbortOptions): Promise<BlobReceipt>
  /** Lets go of the upload (its file); what is committed stays for a resume. */
  close (): Promise<void>
}

/** How an upload begins: open at `committedChunks`, or already complete (this upload finished before). */
export type BlobUploadStart = { upload: BlobUpload, done?: undefined } | { done: BlobReceipt, upload?: undefined }

/** A complete blob opened for reading, chunk by chunk. */
export interface BlobReader {
  readonly totalBytes: number
  readonly chunkBytes: number
  readonly totalChunks: number
  readonly expiresAt: number
  /** Chunk `index`'s bytes, read from storage (never the whole blob). */
  read (index: number, options?: AbortOptions): Promise<Uint8Array>
  close (): Promise<void>
}

/**
 * What a relay implements: storage, quotas, expiry and rate limits. Refusals are thrown as the error classes of
 * `./errors.js`. The server has checked every field's size and the declared shape before a call.
 */
export interface BlobBackend {
  /**
   * Begins an upload, or resumes the one of this account with this upload id (another upload of the same id on
   * another stream is superseded: its writes fail from now on). BlobAuthError when the device may not upload here,
   * BlobQuotaError over the account's quota or the relay's cap (the whole declared size is reserved at the start),
   * BlobUploadMismatchError when the id is known with other sizes.
   */
  beginUpload (request: BlobUploadRequest, options?: AbortOptions): Promise<BlobUploadStart>
  /** Opens a complete, unexpired blob; BlobNotFoundError otherwise. `requester` is for rate limits only. */
  openBlob (blobId: Uint8Array, requester: PeerId, options?: AbortOptions): Promise<BlobReader>
  /** Moves the blob's expiry to at least now + TTL and resolves with it; BlobNotFoundError when unknown or expired. */
  touch (blobId: Uint8Array, requester: PeerId, options?: AbortOptions): Promise<number>
  /** Removes the account from the blob's uploaders (freeing its quota); the blob goes with its last uploader. BlobNotFoundError when this account did not upload it. */
  delete (owner: BlobOwner, blobId: Uint8Array, options?: AbortOptions): Promise<void>
}

export interface BlobServerInit {
  backend: BlobBackend
  /**
   * ms a stream may wait for the other side's next frame (a chunk, credit, an answer to the challenge) or for the
   * client to take what the relay sends, before the relay gives up on it: an idle timeout, not a deadline
   *
   * @default 30000
   */
  idleTimeout?: number
  /**
   * bytes of chunks received after which the relay syncs and acknowledges them (at most the upload window)
   *
   * @default 8388608
   */
  commitBytes?: number
  /**
   * ms after which chunks received but not yet synced are synced anyway
   *
   * @default 1000
   */
  commitIntervalMs?: number
  /**
   * concurrent inbound blob streams per connection
   *
   * @default 8
   */
  maxInboundStreams?: number
  /**
   * concurrent outbound blob streams per connection
   *
   * @default 8
   */
  maxOutboundStreams?: number
  /**
   * the clock auth timestamps are checked against
   *
   * @default Date.now
   */
  now?: () => number
}

/** The parts of libp2p the service uses. */
export interface BlobComponents extends ProtocolComponents {
  peerId: PeerId
}

/** The blob service for a relay's `services`. */
export function blobServer (init: BlobServerInit): (components: BlobComponents) => BlobServer {
  return (components) => new BlobServer(components, init)
}

export { BlobServer }
export {
  uploadBlob, downloadBlob, touchBlob, deleteBlob,
  type BlobNode, type BlobCallOptions, type BlobDeviceInit, type UploadBlobInit, type DownloadBlobInit, type DeleteBlobInit, type BlobDownload, type BlobChunk
} from './client.js'
export { BlobIdBuilder, blobIdOf, blobChunkCount, blobChunkLength, blobChunkHash, checkBlobShape, BLOB_CHUNK_HASH_BYTES } from './blob-id.js'
export { signBlobAuth, verifyBlobAuth } from './auth.js'
export {
  BlobServiceError, MalformedBlobFrameError, BlobAuthError, BlobNotFoundError, BlobQuotaError, BlobTooLargeError, BlobUploadMismatchError,
  BlobInternalError, BlobStreamClosedError, RateLimitedError
} from './errors.js'
export {
  BLOB_PROTOCOL, MAX_BLOB_CHUNK_BYTES, MAX_BLOB_BYTES, MAX_BLOB_CHUNKS, MAX_BLOB_PLAINTEXT_BYTES, BLOB_PLAINTEXT_CHUNK_BYTES, BLOB_CHUNK_OVERHEAD_BYTES,
  BLOB_ID_BYTES, BLOB_UPLOAD_ID_BYTES, MAX_BLOB_FRAME_BYTES, BLOB_COMMIT_BYTES, BLOB_COMMIT_INTERVAL_MS, BLOB_UPLOAD_WINDOW_BYTES,
  BLOB_DOWNLOAD_WINDOW_BYTES, BLOB_IDLE_TIMEOUT_MS
} from './constants.js'
