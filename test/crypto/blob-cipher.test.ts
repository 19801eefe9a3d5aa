// Media blob encryption: the format pinned against node:crypto used directly, every backend giving the same bytes, and every way a relay can tamper with a blob detected.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createCipheriv, createHash, hkdfSync } from 'node:crypto'
import {
  BLOB_CHUNK_BYTES, BLOB_CHUNK_OVERHEAD, BLOB_KEY_BYTES, BLOB_MAX_CHUNKS, BlobChunkError, BlobPlaintextReader, BlobSealer,
  DecryptionError, MAX_BLOB_PLAINTEXT_BYTES, blobChunkCipher, blobChunkCount, blobChunkPlaintextSize, blobCiphertextSize, nativeProvider, newBlobKey,
  nobleProvider, sha256Hasher
} from '../../src/crypto/index.js'
import type { BlobCipherOptions, CryptoProvider } from '../../src/crypto/index.js'
import type * as BlobCipherModule from '../../src/crypto/blob-cipher.js'
import type * as DefaultProviderModule from '../../src/crypto/default-provider.js'
import { SeededRandom } from '../helpers/seeded-random.js'

const CHUNK = 256 * 1024
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const native = nativeProvider() as CryptoProvider
const subtle = globalThis.crypto.subtle

/** The format written out with node:crypto alone (literal constants, no code of the module under test). */
function referenceSeal (key: Uint8Array, plaintext: Uint8Array): Uint8Array[] {
  const okm = Buffer.from(hkdfSync('sha256', key, new Uint8Array(0), 'Parley_Blob_v1', 39))
  const count = Math.max(1, Math.ceil(plaintext.length / CHUNK))
  const chunks: Uint8Array[] = []
  for (let i = 0; i < count; i++) {
    const nonce = Buffer.alloc(12)
    okm.copy(nonce, 0, 32, 39)
    nonce.writeUInt32BE(i, 7)
    nonce[11] = i === count - 1 ? 1 : 0
    const c = createCipheriv('aes-256-gcm', okm.subarray(0, 32), nonce)
    chunks.push(Buffer.concat([c.update(plaintext.subarray(i * CHUNK, (i + 1) * CHUNK)), c.final(), c.getAuthTag()]))
  }
  return chunks
}

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex')

const backends: Array<[string, BlobCipherOptions, string]> = [
  ['default', {}, 'native'],
  ['native', { provider: native }, 'native'],
  ['noble', { provider: nobleProvider }, 'noble'],
  ['webcrypto', { subtle }, 'webcrypto']
]

async function sealAll (key: Uint8Array, plaintext: Uint8Array, options: BlobCipherOptions = {}): Promise<{ chunks: Uint8Array[], sha: Uint8Array }> {
  const sealer = new BlobSealer(key, plaintext.length, options)
  const chunks: Uint8Array[] = []
  for (let i = 0; i < sealer.chunkCount; i++) chunks.push(await sealer.seal(i, plaintext.subarray(i * CHUNK, (i + 1) * CHUNK)))
  return { chunks, sha: await sealer.finish() }
}

/** Expects `promise` to reject with a BlobChunkError. */
async function rejectsChunk (promise: Promise<unknown>): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(BlobChunkError)
}

const SIZES = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5]

describe('blob sizes', () => {
  it('counts chunks: an empty file is one empty last chunk; a full last chunk gets no empty chunk after it', () => {
    expect([0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK].map(blobChunkCount)).toEqual([1, 1, 1, 1, 2, 3])
    expect(blobChunkCount(MAX_BLOB_PLAINTEXT_BYTES)).toBe(8192)
    expect(blobChunkCount(BLOB_MAX_CHUNKS * CHUNK)).toBe(2 ** 32)
    expect(BLOB_CHUNK_BYTES).toBe(CHUNK)
    expect(BLOB_CHUNK_OVERHEAD).toBe(16)
    expect(BLOB_KEY_BYTES).toBe(32)
    expect(MAX_BLOB_PLAINTEXT_BYTES).toBe(2 * 1024 ** 3)
  })

  it('gives the ciphertext size and each chunk\'s plaintext size', () => {
    expect(blobCiphertextSize(0)).toBe(16)
    expect(blobCiphertextSize(CHUNK)).toBe(CHUNK + 16)
    expect(blobCiphertextSize(CHUNK + 1)).toBe(CHUNK + 1 + 32)
    expect(blobCiphertextSize(MAX_BLOB_PLAINTEXT_BYTES)).toBe(MAX_BLOB_PLAINTEXT_BYTES + 8192 * 16)
    expect(blobChunkPlaintextSize(0, 0)).toBe(0)
    expect(blobChunkPlaintextSize(CHUNK, 0)).toBe(CHUNK)
    expect(blobChunkPlaintextSize(2 * CHUNK + 7, 1)).toBe(CHUNK)
    expect(blobChunkPlaintextSize(2 * CHUNK + 7, 2)).toBe(7)
  })

  it('refuses sizes and indexes out of range', () => {
    for (const bad of [-1, 0.5, Number.NaN, Infinity, BLOB_MAX_CHUNKS * CHUNK + 1]) {
      expect(() => blobChunkCount(bad)).toThrow(expect.objectContaining({ name: 'UnsupportedParameterError' }))
    }
    for (const bad of [-1, 1.5, 3]) {
      expect(() => blobChunkPlaintextSize(2 * CHUNK + 7, bad)).toThrow(expect.objectContaining({ name: 'UnsupportedParameterError' }))
    }
  })
})

describe('blob format (known answers)', () => {
  const key = Uint8Array.from({ length: 32 }, (_, i) => i)

  it('seals exactly as node:crypto does by the written format, for every size and backend', async () => {
    const rng = new SeededRandom('blob-format')
    for (const size of SIZES) {
      const plaintext = rng.random(size)
      const fileKey = rng.random(32)
      const expected = referenceSeal(fileKey, plaintext).map(hex)
      for (const [, options] of backends) {
        const { chunks, sha } = await sealAll(fileKey, plaintext, options)
        expect(chunks.map(hex)).toEqual(expected)
        expect(hex(sha)).toBe(sha256(plaintext))
      }
    }
  })

  it('matches pinned vectors (so the reference cannot drift with the code)', async () => {
    expect((await sealAll(key, new TextEncoder().encode('abc'))).chunks.map(hex)).toEqual(['ff62d5153298740d9644f1d61ebfab39aa9505'])
    expect((await sealAll(key, new Uint8Array(0))).chunks.map(hex)).toEqual(['bac18913d0d7d225c93374ba42a9598b'])
    const plaintext = Uint8Array.from({ length: 600000 }, (_, i) => (i * 7) & 255)
    const { chunks, sha } = await sealAll(new Uint8Array(32).fill(0x42), plaintext)
    expect(chunks.map(c => c.length)).toEqual([CHUNK + 16, CHUNK + 16, 600000 - 2 * CHUNK + 16])
    expect(sha256(Buffer.concat(chunks))).toBe('4167c73b82d78675241ac0ae5845d2caa75d2f082eb99ffc9d017a673e67c858')
    expect(hex(sha)).toBe('7a4dc6b01fe350c58c44666461202efde42ce86ee8db7ff5776f5440ab37fcf0')
  })

  it('puts the index big-endian and the last flag in the nonce, up to index 2^32 − 1', async () => {
    const okm = Buffer.from(hkdfSync('sha256', key, new Uint8Array(0), 'Parley_Blob_v1', 39))
    const data = Uint8Array.of(1, 2, 3)
    for (const [index, last] of [[2 ** 32 - 1, true], [0x01020304, false]] as const) {
      const nonce = Buffer.concat([okm.subarray(32), Buffer.from([index >>> 24, (index >>> 16) & 255, (index >>> 8) & 255, index & 255, last ? 1 : 0])])
      const c = createCipheriv('aes-256-gcm', okm.subarray(0, 32), nonce)
      const expected = hex(Buffer.concat([c.update(data), c.final(), c.getAuthTag()]))
      for (const [, options] of backends) {
        const cipher = blobChunkCipher(key, options)
        if (last) {
          expect(hex(await cipher.seal(index, data, true))).toBe(expected)
          expect(hex(await cipher.open(index, Buffer.from(expected, 'hex'), true))).toBe('010203')
        } else {
          const full = new Uint8Array(CHUNK).fill(9)
          const c2 = createCipheriv('aes-256-gcm', okm.subarray(0, 32), nonce)
          expect(hex(await cipher.seal(index, full, false))).toBe(hex(Buffer.concat([c2.update(full), c2.final(), c2.getAuthTag()])))
        }
      }
    }
  })
})

describe('blob round trips', () => {
  it.each(backends)('%s: seal then read every size back, byte-exact, with the plaintext hash', async (_, options, backend) => {
    const rng = new SeededRandom('round-trip')
    for (const size of SIZES) {
      const key = newBlobKey(rng.random)
      const plaintext = rng.random(size)
      const { chunks, sha } = await sealAll(key, plaintext, options)
      const reader = new BlobPlaintextReader(key, size, options)
      expect(reader.backend).toBe(backend)
      expect(reader.chunkCount).toBe(blobChunkCount(size))
      const out: Uint8Array[] = []
      for (const [i, c] of chunks.entries()) out.push(await reader.push(i, c))
      expect(hex(Buffer.concat(out))).toBe(hex(plaintext))
      expect(hex(await reader.finish(sha))).toBe(sha256(plaintext))
    }
  })

  it('any backend opens what any other sealed', async () => {
    const rng = new SeededRandom('cross')
    const key = rng.random(32)
    const plaintext = rng.random(2 * CHUNK + 100)
    for (const [, sealWith] of backends) {
      const { chunks } = await sealAll(key, plaintext, sealWith)
      for (const [, openWith] of backends) {
        const reader = new BlobPlaintextReader(key, plaintext.length, openWith)
        const out = []
        for (const [i, c] of chunks.entries()) out.push(await reader.push(i, c))
        expect(hex(Buffer.concat(out))).toBe(hex(plaintext))
      }
    }
  })

  it('queues pushes and seals made without awaiting, in call order', async () => {
    const rng = new SeededRandom('queue')
    const key = rng.random(32)
    const plaintext = rng.random(3 * CHUNK + 1)
    const sealer = new BlobSealer(key, plaintext.length, { subtle })
    const sealing = [0, 1, 2, 3].map(async i => await sealer.seal(i, plaintext.subarray(i * CHUNK, (i + 1) * CHUNK)))
    const shaPromise = sealer.finish()
    const chunks = await Promise.all(sealing)
    expect(chunks.map(hex)).toEqual(referenceSeal(key, plaintext).map(hex))
    const reader = new BlobPlaintextReader(key, plaintext.length, { subtle })
    const opened = chunks.map(async (c, i) => await reader.push(i, c))
    const finished = reader.finish(await shaPromise)
    expect(hex(Buffer.concat(await Promise.all(opened)))).toBe(hex(plaintext))
    expect(hex(await finished)).toBe(sha256(plaintext))
  })

  it.each(backends)('%s: sealParts gives seal\'s bytes; pushParts opens a chunk in any pieces (the tag across two, empty ones) to push\'s plaintext and hash', async (_, options) => {
    const rng = new SeededRandom('parts')
    const key = rng.random(32)
    const plaintext = rng.random(2 * CHUNK + 40)
    const sealer = new BlobSealer(key, plaintext.length, options)
    const sealed: Uint8Array[] = []
    for (let i = 0; i < sealer.chunkCount; i++) sealed.push(Buffer.concat(await sealer.sealParts(i, plaintext.subarray(i * CHUNK, (i + 1) * CHUNK))))
    expect(sealed.map(hex)).toEqual(referenceSeal(key, plaintext).map(hex))
    const sha = await sealer.finish()
    expect(hex(sha)).toBe(sha256(plaintext))
    // every way of cutting the last 40 + 16 bytes' chunk and a full one: the tag whole in the last piece, split, alone
    const cuts = (c: Uint8Array): Uint8Array[][] => [
      [c],
      [c.subarray(0, 7), c.subarray(7, c.length - 10), c.subarray(c.length - 10)],
      [c.subarray(0, c.length - 16), c.subarray(c.length - 16)],
      [new Uint8Array(0), c.subarray(0, c.length - 1), new Uint8Array(0), c.subarray(c.length - 1)]
    ]
    for (const cut of [0, 1, 2, 3]) {
      const reader = new BlobPlaintextReader(key, plaintext.length, options)
      const out: Uint8Array[] = []
      for (const [i, c] of sealed.entries()) out.push(...await reader.pushParts(i, cuts(c)[cut]))
      expect(hex(Buffer.concat(out))).toBe(hex(plaintext))
      expect(hex(await reader.finish(sha))).toBe(sha256(plaintext))
    }
  })

  it.each(backends)('%s: pushParts refuses a flipped bit in any piece (the tag included) or pieces of the wrong size, and goes on with the real chunk', async (_, options) => {
    const rng = new SeededRandom('parts-tamper')
    const key = rng.random(32)
    const plaintext = rng.random(CHUNK + 3)
    const { chunks } = await sealAll(key, plaintext, options)
    const reader = new BlobPlaintextReader(key, plaintext.length, options)
    for (const at of [0, 100, CHUNK + 15, CHUNK + 8]) {
      const bad = Uint8Array.from(chunks[0])
      bad[at] ^= 1
      await rejectsChunk(reader.pushParts(0, [bad.subarray(0, CHUNK + 9), bad.subarray(CHUNK + 9)]))
    }
    await rejectsChunk(reader.pushParts(0, [chunks[0], new Uint8Array(1)]))
    await rejectsChunk(reader.pushParts(0, [chunks[0].subarray(1)]))
    await rejectsChunk(reader.pushParts(1, [chunks[1]]))
    expect(reader.nextIndex).toBe(0)
    const out = [...await reader.pushParts(0, [chunks[0].subarray(0, 5), chunks[0].subarray(5)]), ...await reader.pushParts(1, [chunks[1]])]
    expect(hex(Buffer.concat(out))).toBe(hex(plaintext))
  })

  it('the native provider\'s parts functions give aesGcmEncrypt\'s bytes and aesGcmDecrypt\'s plaintext, and refuse what it refuses', () => {
    const rng = new SeededRandom('provider-parts')
    const key = rng.random(32)
    const iv = rng.random(12)
    const aad = rng.random(5)
    for (const size of [0, 1, 1000]) {
      const plaintext = rng.random(size)
      const sealed = native.aesGcmEncrypt(key, iv, plaintext, aad)
      expect(hex(Buffer.concat(native.aesGcmEncryptParts!(key, iv, plaintext, aad)))).toBe(hex(sealed))
      const pieces = [sealed.subarray(0, Math.floor(sealed.length / 3)), sealed.subarray(Math.floor(sealed.length / 3), sealed.length - 3), sealed.subarray(sealed.length - 3)]
      expect(hex(Buffer.concat(native.aesGcmDecryptParts!(key, iv, pieces, aad)))).toBe(hex(plaintext))
      const bad = Uint8Array.from(sealed)
      bad[sealed.length - 1] ^= 1
      expect(() => native.aesGcmDecryptParts!(key, iv, [bad], aad)).toThrow(DecryptionError)
      expect(() => native.aesGcmDecryptParts!(key, iv, [sealed], rng.random(5))).toThrow(DecryptionError)
    }
    expect(() => native.aesGcmDecryptParts!(key, iv, [new Uint8Array(10), new Uint8Array(5)], aad)).toThrow(DecryptionError)
  })

  it('incremental SHA-256 of both providers equals the one-shot digest', () => {
    const rng = new SeededRandom('hasher')
    const data = rng.random(100_000)
    for (const p of [native, nobleProvider, { ...nobleProvider, createSha256: undefined }]) {
      const h = sha256Hasher(p)
      h.update(data.subarray(0, 7)); h.update(data.subarray(7, 70_000)); h.update(data.subarray(70_000))
      expect(hex(h.digest())).toBe(sha256(data))
    }
  })
})

describe('blob tampering', () => {
  const rng = new SeededRandom('tamper')
  const key = rng.random(32)
  const size = 3 * CHUNK + 1000
  const plaintext = rng.random(size)
  const chunks = referenceSeal(key, plaintext)
  const last = chunks.length - 1

  /** A reader that has taken the first `k` chunks. */
  async function readerAt (k: number, options: BlobCipherOptions = {}): Promise<BlobPlaintextReader> {
    const reader = new BlobPlaintextReader(key, size, options)
    for (let i = 0; i < k; i++) await reader.push(i, chunks[i])
    return reader
  }

  /** Pushes the rest honestly: a rejected chunk must have changed nothing. */
  async function completes (reader: BlobPlaintextReader): Promise<void> {
    for (let i = reader.nextIndex; i < chunks.length; i++) await reader.push(i, chunks[i])
    expect(hex(await reader.finish())).toBe(sha256(plaintext))
  }

  it.each(backends)('%s: a flipped bit anywhere (body or tag, any chunk) is refused, and the reader goes on with the real chunk', async (_, options) => {
    for (const [index, positions] of [[0, [0, 1000, CHUNK, CHUNK + 15]], [last, [0, 999, 1015]]] as const) {
      for (const pos of positions) {
        const reader = await readerAt(index, options)
        const bad = Uint8Array.from(chunks[index]); bad[pos] ^= 0x10
        await rejectsChunk(reader.push(index, bad))
        expect(reader.nextIndex).toBe(index)
        await completes(reader)
      }
    }
  })

  it('swapped or repeated chunks are refused', async () => {
    const reader = await readerAt(1)
    await rejectsChunk(reader.push(1, chunks[2])) // chunk 2 served as chunk 1
    await rejectsChunk(reader.push(2, chunks[2])) // chunk 1 skipped
    await rejectsChunk(reader.push(0, chunks[0])) // chunk 0 again
    await completes(reader)
    for (const [, options] of backends) {
      await rejectsChunk(blobChunkCipher(key, options).open(1, chunks[2], false))
    }
  })

  it('a chunk of another file (another key) at the same position is refused', async () => {
    const other = referenceSeal(rng.random(32), rng.random(size))
    const reader = await readerAt(2)
    await rejectsChunk(reader.push(2, other[2]))
    await rejectsChunk(reader.push(last, other[last]))
    await completes(reader)
  })

  it('a dropped last chunk (or more) leaves finish throwing: truncation', async () => {
    const reader = await readerAt(last)
    await expect(reader.finish()).rejects.toThrow(expect.objectContaining({ name: 'BlobChunkError', message: 'Blob is truncated' }))
    await rejectsChunk((await readerAt(0)).finish())
  })

  it('an extra chunk after the last is refused', async () => {
    const reader = await readerAt(chunks.length)
    await rejectsChunk(reader.push(chunks.length, chunks[0]))
    await rejectsChunk(reader.push(chunks.length, new Uint8Array(CHUNK + 16)))
    expect(hex(await reader.finish())).toBe(sha256(plaintext))
  })

  it('a lie about the last flag is refused: cutting a blob at a chunk boundary, or passing a last chunk off as a middle one', async () => {
    // the message says one chunk; the relay serves chunk 0 of a longer blob (sealed as not last)
    await rejectsChunk(new BlobPlaintextReader(key, CHUNK).push(0, chunks[0]))
    // the message says more chunks than the blob has: its last chunk comes where a middle one is expected
    const short = referenceSeal(key, plaintext.subarray(0, CHUNK))
    await rejectsChunk(new BlobPlaintextReader(key, 2 * CHUNK).push(0, short[0]))
    for (const [, options] of backends) {
      const cipher = blobChunkCipher(key, options)
      await rejectsChunk(cipher.open(0, chunks[0], true))
      await rejectsChunk(cipher.open(0, short[0], false))
      await rejectsChunk(cipher.open(last, chunks[last], false))
    }
  })

  it('a truncated or padded final chunk is refused', async () => {
    const reader = await readerAt(last)
    await rejectsChunk(reader.push(last, chunks[last].subarray(0, chunks[last].length - 1)))
    await rejectsChunk(reader.push(last, chunks[last].subarray(0, 16)))
    await rejectsChunk(reader.push(last, Buffer.concat([chunks[last], Buffer.alloc(1)])))
    for (const [, options] of backends) {
      // the cipher alone takes any last-chunk length; authentication refuses it
      await rejectsChunk(blobChunkCipher(key, options).open(last, chunks[last].subarray(0, chunks[last].length - 1), true))
      await rejectsChunk(blobChunkCipher(key, options).open(last, chunks[last].subarray(1), true))
    }
    await completes(reader)
  })

  it('a middle chunk of the wrong size is refused before decrypting', async () => {
    const reader = await readerAt(1)
    await rejectsChunk(reader.push(1, chunks[1].subarray(0, CHUNK + 15)))
    await rejectsChunk(reader.push(1, Buffer.concat([chunks[1], Buffer.alloc(1)])))
    await rejectsChunk(reader.push(1, new Uint8Array(0)))
    const cipher = blobChunkCipher(key)
    await expect(cipher.open(1, chunks[1].subarray(0, CHUNK + 15), false)).rejects.toThrow('Blob chunk has the wrong size')
    await rejectsChunk(cipher.open(1, chunks[1].subarray(0, 100), false))
    await completes(reader)
  })

  it('a plaintext hash other than the message\'s is refused', async () => {
    const reader = await readerAt(chunks.length)
    const wrong = createHash('sha256').update(plaintext).digest(); wrong[31] ^= 1
    await expect(reader.finish(wrong)).rejects.toThrow(expect.objectContaining({ name: 'BlobChunkError', message: 'Blob does not match its hash' }))
    await rejectsChunk(reader.finish(new Uint8Array(0)))
  })

  it('a WebCrypto that refuses to decrypt is a BlobChunkError; one that cannot import the key is not', async () => {
    const refusing = { importKey: subtle.importKey.bind(subtle), decrypt: async () => { throw new Error('OperationError') } } as unknown as SubtleCrypto
    await rejectsChunk(blobChunkCipher(key, { subtle: refusing }).open(0, chunks[0], false))
    const broken = { importKey: async () => { throw new Error('NotSupportedError') } } as unknown as SubtleCrypto
    await expect(blobChunkCipher(key, { subtle: broken }).open(0, chunks[0], false)).rejects.toThrow('NotSupportedError')
  })
})

describe('blob resume', () => {
  const rng = new SeededRandom('resume')
  const key = rng.random(32)
  const size = 4 * CHUNK + 123
  const plaintext = rng.random(size)
  const chunks = referenceSeal(key, plaintext)

  /** Feeds `bytes` in uneven pieces, as a caller reading its file back would. */
  function feed (target: { resumePrefix: (b: Uint8Array) => void }, bytes: Uint8Array): void {
    for (let off = 0, step = 1; off < bytes.length; off += step, step = step * 3 + 1000) target.resumePrefix(bytes.subarray(off, Math.min(bytes.length, off + step)))
  }

  it('a reader restarted after k chunks takes the written plaintext back and goes on from chunk k', async () => {
    for (const k of [0, 1, 3, 4]) {
      const reader = new BlobPlaintextReader(key, size)
      feed(reader, plaintext.subarray(0, k * CHUNK))
      expect(reader.nextIndex).toBe(k)
      for (let i = k; i < chunks.length; i++) await reader.push(i, chunks[i])
      expect(hex(await reader.finish(createHash('sha256').update(plaintext).digest()))).toBe(sha256(plaintext))
    }
  })

  it('a reader restarted after the whole file finishes without a chunk; a file changed on disk shows in the hash', async () => {
    const reader = new BlobPlaintextReader(key, size)
    feed(reader, plaintext)
    expect(reader.nextIndex).toBe(chunks.length)
    expect(hex(await reader.finish())).toBe(sha256(plaintext))
    const changed = Uint8Array.from(plaintext); changed[5] ^= 1
    const again = new BlobPlaintextReader(key, size)
    feed(again, changed.subarray(0, 2 * CHUNK))
    for (let i = 2; i < chunks.length; i++) await again.push(i, chunks[i])
    await rejectsChunk(again.finish(createHash('sha256').update(plaintext).digest()))
  })

  it('a sealer restarted after k chunks re-seals the same bytes and gives the same hash', async () => {
    const sealer = new BlobSealer(key, size)
    feed(sealer, plaintext.subarray(0, 2 * CHUNK))
    expect(sealer.nextIndex).toBe(2)
    for (let i = 2; i < chunks.length; i++) expect(hex(await sealer.seal(i, plaintext.subarray(i * CHUNK, (i + 1) * CHUNK)))).toBe(hex(chunks[i]))
    expect(hex(await sealer.finish())).toBe(sha256(plaintext))
  })

  it('refuses a prefix off a chunk boundary, longer than the file, or after the first chunk', async () => {
    const reader = new BlobPlaintextReader(key, size)
    reader.resumePrefix(plaintext.subarray(0, CHUNK))
    reader.resumePrefix(plaintext.subarray(CHUNK, CHUNK + 1))
    expect(reader.nextIndex).toBe(1) // the last boundary reached
    await expect(reader.push(1, chunks[1])).rejects.toThrow(expect.objectContaining({ name: 'UnsupportedParameterError' }))
    expect(() => new BlobPlaintextReader(key, 10).resumePrefix(new Uint8Array(11))).toThrow(expect.objectContaining({ name: 'UnsupportedParameterError' }))
    const started = new BlobPlaintextReader(key, size)
    const first = started.push(0, chunks[0])
    expect(() => started.resumePrefix(plaintext.subarray(0, CHUNK))).toThrow(expect.objectContaining({ name: 'UnsupportedParameterError' }))
    await first
    const sealer = new BlobSealer(key, size)
    await sealer.seal(0, plaintext.subarray(0, CHUNK))
    expect(() => sealer.resumePrefix(plaintext.subarray(CHUNK, 2 * CHUNK))).toThrow(expect.objectContaining({ name: 'UnsupportedParameterError' }))
  })
})

describe('blob input checks', () => {
  const key = new Uint8Array(32).fill(7)
  const unsupported = expect.objectContaining({ name: 'UnsupportedParameterError' })

  it('keys must be 32 bytes', () => {
    for (const bad of [new Uint8Array(31), new Uint8Array(33), new Uint8Array(0)]) {
      expect(() => blobChunkCipher(bad)).toThrow(expect.objectContaining({ name: 'InvalidKeyError' }))
      expect(() => new BlobSealer(bad, 1)).toThrow(expect.objectContaining({ name: 'InvalidKeyError' }))
      expect(() => new BlobPlaintextReader(bad, 1)).toThrow(expect.objectContaining({ name: 'InvalidKeyError' }))
    }
    expect(() => blobChunkCipher('x'.repeat(32) as unknown as Uint8Array)).toThrow(expect.objectContaining({ name: 'InvalidKeyError' }))
  })

  it('newBlobKey draws 32 bytes and refuses a short random source', () => {
    const rng = new SeededRandom('key')
    const a = newBlobKey(rng.random)
    expect(a.length).toBe(32)
    expect(hex(newBlobKey(rng.random))).not.toBe(hex(a))
    expect(() => newBlobKey(() => new Uint8Array(16))).toThrow(unsupported)
  })

  it.each(backends)('%s: seal refuses a bad index, flag or chunk size; open refuses them as a BlobChunkError', async (_, options) => {
    const cipher = blobChunkCipher(key, options)
    const full = new Uint8Array(CHUNK)
    for (const index of [-1, 1.5, 2 ** 32, Number.NaN]) {
      await expect(cipher.seal(index, full, false)).rejects.toThrow(unsupported)
      await rejectsChunk(cipher.open(index, new Uint8Array(CHUNK + 16), false))
    }
    await expect(cipher.seal(0, full.subarray(1), false)).rejects.toThrow(unsupported)
    await expect(cipher.seal(0, new Uint8Array(CHUNK + 1), false)).rejects.toThrow(unsupported)
    await expect(cipher.seal(0, new Uint8Array(CHUNK + 1), true)).rejects.toThrow(unsupported)
    await expect(cipher.seal(0, full, 1 as unknown as boolean)).rejects.toThrow(unsupported)
    await rejectsChunk(cipher.open(0, new Uint8Array(15), true))
    await rejectsChunk(cipher.open(0, new Uint8Array(CHUNK + 17), true))
    await rejectsChunk(cipher.open(0, new Uint8Array(CHUNK + 15), false))
    expect((await cipher.seal(0, full, true)).length).toBe(CHUNK + 16)
    expect((await cipher.seal(5, new Uint8Array(0), true)).length).toBe(16)
  })

  it('the sealer takes chunks in order, of the right size, and no more than the file has', async () => {
    const sealer = new BlobSealer(key, CHUNK + 10)
    await expect(sealer.seal(1, new Uint8Array(10))).rejects.toThrow(unsupported)
    await expect(sealer.seal(0, new Uint8Array(10))).rejects.toThrow(unsupported)
    await expect(sealer.finish()).rejects.toThrow(unsupported)
    await sealer.seal(0, new Uint8Array(CHUNK))
    await expect(sealer.seal(1, new Uint8Array(11))).rejects.toThrow(unsupported)
    await sealer.seal(1, new Uint8Array(10))
    await expect(sealer.seal(2, new Uint8Array(0))).rejects.toThrow(unsupported)
    expect(hex(await sealer.finish())).toBe(sha256(new Uint8Array(CHUNK + 10)))
  })

  it('the sealer and the reader refuse a file over MAX_BLOB_PLAINTEXT_BYTES or a size that is not a byte count', () => {
    for (const bad of [MAX_BLOB_PLAINTEXT_BYTES + 1, -1, 2.5]) {
      expect(() => new BlobSealer(key, bad)).toThrow(unsupported)
      expect(() => new BlobPlaintextReader(key, bad)).toThrow(unsupported)
    }
    expect(new BlobPlaintextReader(key, MAX_BLOB_PLAINTEXT_BYTES).chunkCount).toBe(8192)
  })
})

describe('blob backend choice', () => {
  afterEach(() => {
    vi.doUnmock('../../src/crypto/default-provider.js')
    vi.unstubAllGlobals()
    vi.resetModules()
  })

  async function withoutNodeCrypto (): Promise<typeof BlobCipherModule> {
    vi.resetModules()
    vi.doMock('../../src/crypto/default-provider.js', async (importOriginal) => {
      const real = await importOriginal<typeof DefaultProviderModule>()
      return { ...real, nativeProvider: () => undefined, defaultProvider: () => real.nobleProvider }
    })
    return await import('../../src/crypto/blob-cipher.js')
  }

  it('uses node:crypto in Node', () => {
    expect(blobChunkCipher(new Uint8Array(32)).backend).toBe('native')
  })

  it('without node:crypto (a browser) uses WebCrypto, and noble where there is no crypto.subtle; same bytes', async () => {
    const key = new Uint8Array(32).fill(1)
    const data = new Uint8Array(1000).fill(2)
    const expected = hex(referenceSeal(key, data)[0])
    const browser = await withoutNodeCrypto()
    const web = browser.blobChunkCipher(key)
    expect(web.backend).toBe('webcrypto')
    expect(hex(await web.seal(0, data, true))).toBe(expected)
    vi.stubGlobal('crypto', {})
    const insecure = browser.blobChunkCipher(key)
    expect(insecure.backend).toBe('noble')
    expect(hex(await insecure.seal(0, data, true))).toBe(expected)
  })
})
