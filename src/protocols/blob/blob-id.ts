/** A blob's shape (its sizes, chunk count and each chunk's length, checked against the limits) and its id: SHA-256 over a domain, the sizes and each chunk's SHA-256, built incrementally. Knows nothing of streams, storage or what the ciphertext holds. */
import { sha256 } from '@noble/hashes/sha2.js'
import { defaultProvider } from '../../crypto/default-provider.js'
import { u32be, utf8 } from '../../crypto/bytes.js'
import { MAX_BLOB_BYTES, MAX_BLOB_CHUNKS, MAX_BLOB_CHUNK_BYTES } from './constants.js'
import { BlobTooLargeError, BlobUploadMismatchError, MalformedBlobFrameError } from './errors.js'

/** Domain separation: a blob id is never the hash of anything else Parley hashes. */
const BLOB_ID_DOMAIN = utf8('Parley_Blob_v1')

/** SHA-256 bytes of one chunk, as recorded per chunk. */
export const BLOB_CHUNK_HASH_BYTES = 32

/** Chunks of a blob of `totalBytes` in chunks of `chunkBytes` (the last one may be shorter). */
export function blobChunkCount (totalBytes: number, chunkBytes: number): number {
  if (!Number.isSafeInteger(totalBytes) || totalBytes < 1 || !Number.isSafeInteger(chunkBytes) || chunkBytes < 1) throw new RangeError('sizes must be positive integers')
  return Math.ceil(totalBytes / chunkBytes)
}

/** Bytes of chunk `index`: `chunkBytes` for all but the last, which holds the rest (1..chunkBytes). */
export function blobChunkLength (index: number, totalBytes: number, chunkBytes: number): number {
  const count = blobChunkCount(totalBytes, chunkBytes)
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) throw new RangeError(`chunk ${index} is outside 0..${count - 1}`)
  return index < count - 1 ? chunkBytes : totalBytes - (count - 1) * chunkBytes
}

/**
 * Checks a declared blob against the protocol's limits: MalformedBlobFrameError for sizes that are not whole numbers
 * or a chunk size outside 1..MAX_BLOB_CHUNK_BYTES; BlobTooLargeError over MAX_BLOB_BYTES or MAX_BLOB_CHUNKS.
 * Resolves with the chunk count.
 */
export function checkBlobShape (totalBytes: number, chunkBytes: number): number {
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1 || chunkBytes > MAX_BLOB_CHUNK_BYTES) throw new MalformedBlobFrameError(`the chunk size must be 1..${MAX_BLOB_CHUNK_BYTES} bytes`)
  if (totalBytes > MAX_BLOB_BYTES) throw new BlobTooLargeError(`blobs are at most ${MAX_BLOB_BYTES} bytes`)
  if (!Number.isSafeInteger(totalBytes) || totalBytes < 1) throw new MalformedBlobFrameError('a blob has at least one byte')
  const count = blobChunkCount(totalBytes, chunkBytes)
  if (count > MAX_BLOB_CHUNKS) throw new BlobTooLargeError(`blobs have at most ${MAX_BLOB_CHUNKS} chunks`)
  return count
}

/** SHA-256 of one chunk (node:crypto in Node, noble in browsers), whole or in parts (hashed as they are, never joined). */
export function blobChunkHash (chunk: Uint8Array | readonly Uint8Array[]): Uint8Array {
  const provider = defaultProvider()
  if (chunk instanceof Uint8Array) return provider.sha256(chunk)
  if (chunk.length === 1) return provider.sha256(chunk[0])
  if (provider.createSha256 !== undefined) {
    const h = provider.createSha256()
    for (const part of chunk) h.update(part)
    return h.digest()
  }
  const h = sha256.create()
  for (const part of chunk) h.update(part)
  return h.digest()
}

function u64be (n: number): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt(n), false)
  return out
}

/**
 * Builds a blob id chunk by chunk, in order, holding 32 bytes of state whatever the blob's size:
 * `SHA-256("Parley_Blob_v1" ‖ u32be(chunkBytes) ‖ u64be(totalBytes) ‖ SHA-256(chunk 0) ‖ SHA-256(chunk 1) ‖ …)`.
 * `add` checks each chunk's length against the declaration (BlobUploadMismatchError); `finish` that every chunk came.
 */
export class BlobIdBuilder {
  readonly totalChunks: number
  private readonly hash = sha256.create()
  private added = 0

  constructor (readonly chunkBytes: number, readonly totalBytes: number) {
    this.totalChunks = checkBlobShape(totalBytes, chunkBytes)
    this.hash.update(BLOB_ID_DOMAIN).update(u32be(chunkBytes)).update(u64be(totalBytes))
  }

  /** Chunks added so far: the index the next one must have. */
  get chunks (): number {
    return this.added
  }

  /** Adds the next chunk (hashing it). */
  add (chunk: Uint8Array): this {
    if (this.added >= this.totalChunks) throw new BlobUploadMismatchError(`the blob has only ${this.totalChunks} chunks`)
    const expected = blobChunkLength(this.added, this.totalBytes, this.chunkBytes)
    if (chunk.length !== expected) throw new BlobUploadMismatchError(`chunk ${this.added} must be ${expected} bytes, not ${chunk.length}`)
    return this.addHash(blobChunkHash(chunk))
  }

  /** Adds the next chunk by its SHA-256 (a relay records these and builds the id from them). */
  addHash (chunkHash: Uint8Array): this {
    if (chunkHash.length !== BLOB_CHUNK_HASH_BYTES) throw new RangeError(`a chunk hash is ${BLOB_CHUNK_HASH_BYTES} bytes`)
    if (this.added >= this.totalChunks) throw new BlobUploadMismatchError(`the blob has only ${this.totalChunks} chunks`)
    this.hash.update(chunkHash)
    this.added++
    return this
  }

  /** Adds the next chunks by their SHA-256, in order. */
  addHashes (chunkHashes: Iterable<Uint8Array>): this {
    for (const h of chunkHashes) this.addHash(h)
    return this
  }

  /** The 32-byte blob id, once every chunk is added. */
  finish (): Uint8Array {
    if (this.added !== this.totalChunks) throw new BlobUploadMismatchError(`${this.added} of ${this.totalChunks} chunks`)
    return this.hash.digest()
  }
}

/** The blob id from the chunk hashes, in order. */
export function blobIdOf (chunkBytes: number, totalBytes: number, chunkHashes: Iterable<Uint8Array>): Uint8Array {
  return new BlobIdBuilder(chunkBytes, totalBytes).addHashes(chunkHashes).finish()
}
