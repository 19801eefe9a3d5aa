// A blob's shape and id on their own: chunk counts and lengths at their bounds, the declared limits with the error class and message of each refusal, the id byte for byte (domain, big-endian sizes, each chunk's SHA-256), and what the incremental builder refuses.
import { describe, it, expect } from 'vitest'
import { createHash } from 'node:crypto'
import {
  BlobIdBuilder, blobIdOf, blobChunkCount, blobChunkLength, blobChunkHash, checkBlobShape, BlobTooLargeError, BlobUploadMismatchError, MalformedBlobFrameError,
  MAX_BLOB_BYTES, MAX_BLOB_CHUNK_BYTES, MAX_BLOB_CHUNKS, BLOB_CHUNK_HASH_BYTES
} from '../../src/protocols/blob/index.js'

const sha = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return Uint8Array.from(h.digest())
}
const bytesOf = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff)

/** The error `fn` throws (fails when it throws nothing). */
function thrown (fn: () => unknown): Error {
  try {
    fn()
  } catch (err) {
    return err as Error
  }
  throw new Error('nothing was thrown')
}

describe('blob shape', () => {
  it('counts chunks: the last one holds the rest; sizes that are not positive whole numbers are refused', () => {
    expect(blobChunkCount(1, 1)).toBe(1)
    expect(blobChunkCount(1, 10)).toBe(1)
    expect(blobChunkCount(10, 10)).toBe(1)
    expect(blobChunkCount(11, 10)).toBe(2)
    for (const [total, chunk] of [[0, 10], [-1, 10], [1.5, 10], [NaN, 10], [2 ** 53, 10], [10, 0], [10, -1], [10, 1.5], [10, NaN], [10, 2 ** 53]]) {
      const err = thrown(() => blobChunkCount(total, chunk))
      expect(err, `${total}/${chunk}`).toBeInstanceOf(RangeError)
      expect(err.message).toBe('sizes must be positive integers')
    }
  })

  it('gives each chunk\'s length, and refuses an index outside the blob saying which', () => {
    expect([0, 1, 2].map(i => blobChunkLength(i, 2500, 1000))).toEqual([1000, 1000, 500])
    expect(blobChunkLength(0, 1, 1000)).toBe(1)
    expect(blobChunkLength(1, 2000, 1000)).toBe(1000)
    for (const index of [-1, 3, 4, 1.5, NaN]) {
      const err = thrown(() => blobChunkLength(index, 2500, 1000))
      expect(err, String(index)).toBeInstanceOf(RangeError)
      expect(err.message).toBe(`chunk ${index} is outside 0..2`)
    }
    expect(() => blobChunkLength(0, 0, 1000)).toThrow('sizes must be positive integers')
  })

  it('checks a declaration against the limits: the chunk size, the blob size, the chunk count, each with its class and message', () => {
    expect(checkBlobShape(1, 1)).toBe(1)
    expect(checkBlobShape(MAX_BLOB_BYTES, MAX_BLOB_CHUNK_BYTES)).toBe(MAX_BLOB_CHUNKS)
    expect(checkBlobShape(MAX_BLOB_CHUNKS, 1)).toBe(MAX_BLOB_CHUNKS)
    expect(checkBlobShape(10, MAX_BLOB_CHUNK_BYTES)).toBe(1)
    const rows: Array<[number, number, abstract new (...args: never[]) => Error, string]> = [
      [10, 0, MalformedBlobFrameError, `the chunk size must be 1..${MAX_BLOB_CHUNK_BYTES} bytes`],
      [10, -1, MalformedBlobFrameError, `the chunk size must be 1..${MAX_BLOB_CHUNK_BYTES} bytes`],
      [10, 1.5, MalformedBlobFrameError, `the chunk size must be 1..${MAX_BLOB_CHUNK_BYTES} bytes`],
      [10, MAX_BLOB_CHUNK_BYTES + 1, MalformedBlobFrameError, `the chunk size must be 1..${MAX_BLOB_CHUNK_BYTES} bytes`],
      [MAX_BLOB_BYTES + 1, MAX_BLOB_CHUNK_BYTES, BlobTooLargeError, `blobs are at most ${MAX_BLOB_BYTES} bytes`],
      [0, 10, MalformedBlobFrameError, 'a blob has at least one byte'],
      [-5, 10, MalformedBlobFrameError, 'a blob has at least one byte'],
      [1.5, 10, MalformedBlobFrameError, 'a blob has at least one byte'],
      [MAX_BLOB_CHUNKS + 1, 1, BlobTooLargeError, `blobs have at most ${MAX_BLOB_CHUNKS} chunks`]
    ]
    for (const [total, chunk, type, message] of rows) {
      const err = thrown(() => checkBlobShape(total, chunk))
      expect(err, `${total}/${chunk}`).toBeInstanceOf(type)
      expect(err.message, `${total}/${chunk}`).toBe(message)
    }
  })
})

describe('blob id', () => {
  it('is SHA-256 of the domain, the chunk size (u32 big-endian), the total size (u64 big-endian) and each chunk\'s SHA-256', () => {
    // sizes whose bytes differ in every position, so a byte order or width mistake shows
    const chunkBytes = 0x01_02_03
    const totalBytes = 0x01_02_03 * 2 + 0x0a
    const chunks = [bytesOf(chunkBytes, 1), bytesOf(chunkBytes, 2), bytesOf(0x0a, 3)]
    const header = Uint8Array.from([...new TextEncoder().encode('Parley_Blob_v1'), 0, 1, 2, 3, 0, 0, 0, 0, 0, 2, 4, 0x10])
    const expected = sha(header, ...chunks.map(c => sha(c)))
    expect(blobIdOf(chunkBytes, totalBytes, chunks.map(blobChunkHash))).toEqual(expected)
    const built = new BlobIdBuilder(chunkBytes, totalBytes)
    for (const c of chunks) built.add(c)
    expect(built.finish()).toEqual(expected)
    expect(blobChunkHash(chunks[2])).toEqual(sha(chunks[2]))
    // the builder checks the declaration first
    expect(new BlobIdBuilder(MAX_BLOB_CHUNK_BYTES, MAX_BLOB_BYTES).totalChunks).toBe(MAX_BLOB_CHUNKS)
    expect(() => new BlobIdBuilder(1, MAX_BLOB_CHUNKS + 1)).toThrow(BlobTooLargeError)
  })

  it('builds chunk by chunk: counts what was added, refuses a chunk of the wrong length, one too many, and finishing early', () => {
    const b = new BlobIdBuilder(1000, 2500)
    expect([b.chunkBytes, b.totalBytes, b.totalChunks, b.chunks]).toEqual([1000, 2500, 3, 0])
    const tooLong = thrown(() => b.add(new Uint8Array(1001)))
    expect(tooLong).toBeInstanceOf(BlobUploadMismatchError)
    expect(tooLong.message).toBe('chunk 0 must be 1000 bytes, not 1001')
    expect(b.chunks).toBe(0)
    expect(b.add(new Uint8Array(1000))).toBe(b)
    expect(b.chunks).toBe(1)
    const early = thrown(() => b.finish())
    expect(early).toBeInstanceOf(BlobUploadMismatchError)
    expect(early.message).toBe('1 of 3 chunks')
    b.add(new Uint8Array(1000))
    expect(thrown(() => b.add(new Uint8Array(1000))).message).toBe('chunk 2 must be 500 bytes, not 1000')
    b.add(new Uint8Array(500))
    expect(b.chunks).toBe(3)
    const more = thrown(() => b.add(new Uint8Array(500)))
    expect(more).toBeInstanceOf(BlobUploadMismatchError)
    expect(more.message).toBe('the blob has only 3 chunks')
    expect(b.finish()).toHaveLength(32)
  })

  it('builds from chunk hashes: each 32 bytes, no more than the blob has', () => {
    const b = new BlobIdBuilder(10, 20)
    for (const n of [31, 33, 0]) {
      const err = thrown(() => b.addHash(new Uint8Array(n)))
      expect(err, String(n)).toBeInstanceOf(RangeError)
      expect(err.message).toBe(`a chunk hash is ${BLOB_CHUNK_HASH_BYTES} bytes`)
    }
    expect(b.addHashes([new Uint8Array(32), new Uint8Array(32)])).toBe(b)
    const more = thrown(() => b.addHash(new Uint8Array(32)))
    expect(more).toBeInstanceOf(BlobUploadMismatchError)
    expect(more.message).toBe('the blob has only 2 chunks')
    expect(b.chunks).toBe(2)
    expect(() => blobIdOf(10, 20, [new Uint8Array(32)])).toThrow('1 of 2 chunks')
    expect(() => blobIdOf(10, 20, [new Uint8Array(32), new Uint8Array(32), new Uint8Array(32)])).toThrow('the blob has only 2 chunks')
  })
})
