/**
 * Media blob encryption: a random key per file and the STREAM construction over AES-256-GCM in chunks
 * sealed independently (so a download verifies chunk by chunk), the streaming sealer (upload) and reader
 * (download) that also hash the plaintext. Format and reasons in docs/crypto.md ("Media blobs"). Knows no
 * relay, no storage and no file system: bytes in, bytes out.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { constantTimeEqual, utf8 } from './bytes.js'
import { defaultProvider, nativeProvider } from './default-provider.js'
import type { RandomSource } from './deps.js'
import { BlobChunkError, InvalidKeyError, UnsupportedParameterError } from './errors.js'
import { AES_GCM_IV_LENGTH, AES_GCM_TAG_LENGTH } from './provider.js'
import type { CryptoProvider, Sha256Hasher } from './provider.js'

/** A file key: 256 bits, drawn fresh for every file (never derived from the content). */
export const BLOB_KEY_BYTES = 32
/**
 * Plaintext per chunk (the last chunk may be shorter): the unit of verification, of resume and of memory.
 * 256 KiB keeps the tag overhead at 0.006 % and the per-chunk call cost (a WebCrypto promise, a node:crypto
 * cipher object) negligible, while a reader never holds more than one chunk and a resume loses at most one.
 */
export const BLOB_CHUNK_BYTES = 256 * 1024
/** Ciphertext minus plaintext of one chunk: the AES-GCM tag. */
export const BLOB_CHUNK_OVERHEAD = AES_GCM_TAG_LENGTH
/** The chunk index is a u32 in the nonce, so a blob has at most 2^32 chunks (1 PiB); checked, never wrapped. */
export const BLOB_MAX_CHUNKS = 2 ** 32
/** The SDK's limit per file (issue 18: "up to 2 GB"): 8192 chunks. The sealer and the reader refuse more. */
export const MAX_BLOB_PLAINTEXT_BYTES = 2 * 1024 ** 3

/** HKDF info of format version 1; another format gets another label (the file key stays what it is). */
const BLOB_INFO = utf8('Parley_Blob_v1')
const AES_KEY_BYTES = 32
/** 7 + u32 index + 1 flag byte = the 12-byte GCM nonce. */
const NONCE_PREFIX_BYTES = AES_GCM_IV_LENGTH - 5
const NO_AAD = new Uint8Array(0)
const NO_SALT = new Uint8Array(0)

/** A fresh file key from `random` (apps pass `systemRandom`). */
export function newBlobKey (random: RandomSource): Uint8Array {
  const key = random(BLOB_KEY_BYTES)
  if (key.length !== BLOB_KEY_BYTES) throw new UnsupportedParameterError('RandomSource returned the wrong number of bytes')
  return key
}

function checkPlaintextSize (size: number, max: number): void {
  if (!Number.isSafeInteger(size) || size < 0 || size > max) throw new UnsupportedParameterError('Blob size out of range')
}

/** Chunks of a blob of `plaintextSize` bytes: ⌈size / BLOB_CHUNK_BYTES⌉, and 1 for an empty file (there is always a last chunk). */
export function blobChunkCount (plaintextSize: number): number {
  checkPlaintextSize(plaintextSize, BLOB_MAX_CHUNKS * BLOB_CHUNK_BYTES)
  return Math.max(1, Math.ceil(plaintextSize / BLOB_CHUNK_BYTES))
}

/** Bytes the relay stores for a blob of `plaintextSize` bytes: the plaintext plus one tag per chunk. */
export function blobCiphertextSize (plaintextSize: number): number {
  return plaintextSize + blobChunkCount(plaintextSize) * BLOB_CHUNK_OVERHEAD
}

/** Plaintext bytes of chunk `index` (BLOB_CHUNK_BYTES for all but the last); throws for an index past the end. */
export function blobChunkPlaintextSize (plaintextSize: number, index: number): number {
  const count = blobChunkCount(plaintextSize)
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new UnsupportedParameterError('Blob chunk index out of range')
  return index < count - 1 ? BLOB_CHUNK_BYTES : plaintextSize - (count - 1) * BLOB_CHUNK_BYTES
}

/** An incremental SHA-256 from `provider` (node:crypto in Node), or noble's where it offers none. */
export function sha256Hasher (provider: CryptoProvider = defaultProvider()): Sha256Hasher {
  if (provider.createSha256 !== undefined) return provider.createSha256()
  const h = sha256.create()
  return { update: (data) => { h.update(data) }, digest: () => h.digest() }
}

export interface BlobCipherOptions {
  /** AES-GCM (unless `subtle` is given), HKDF and hashing through this provider; default `defaultProvider()` */
  provider?: CryptoProvider
  /** AES-GCM through this WebCrypto implementation (the key imported once) */
  subtle?: SubtleCrypto
}

/** Which implementation runs AES-GCM: node:crypto, WebCrypto, or pure JS. */
export type BlobCipherBackend = 'native' | 'webcrypto' | 'noble'

/** Seals and opens the chunks of one blob. Both are async so a browser can use WebCrypto. */
export interface BlobChunkCipher {
  readonly backend: BlobCipherBackend
  /** Chunk `index` of the blob; `last` for the final one. Bad arguments: UnsupportedParameterError. */
  seal: (index: number, plaintext: Uint8Array, last: boolean) => Promise<Uint8Array>
  /** The plaintext of chunk `index`; any failure (tampered, wrong position, file or flag, wrong size): BlobChunkError. */
  open: (index: number, ciphertext: Uint8Array, last: boolean) => Promise<Uint8Array>
  /** `seal`'s bytes as parts never joined (ciphertext, then the tag, where the backend can; else one part). */
  sealParts: (index: number, plaintext: Uint8Array, last: boolean) => Promise<Uint8Array[]>
  /** `open` of a ciphertext given in pieces (as the network delivered it); the plaintext in pieces. */
  openParts: (index: number, ciphertext: readonly Uint8Array[], last: boolean) => Promise<Uint8Array[]>
}

/** Bytes of `parts` in all. */
function partsLength (parts: readonly Uint8Array[]): number {
  let n = 0
  for (const part of parts) n += part.length
  return n
}

/** `parts` as one array: the part itself when there is one, else a copy. */
export function joinParts (parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]
  const out = new Uint8Array(partsLength(parts))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

function validIndex (index: number): boolean {
  return Number.isInteger(index) && index >= 0 && index < BLOB_MAX_CHUNKS
}

function checkSealArgs (index: number, plaintext: Uint8Array, last: boolean): void {
  if (!validIndex(index)) throw new UnsupportedParameterError('Blob chunk index out of range')
  if (typeof last !== 'boolean') throw new UnsupportedParameterError('Blob chunk last flag must be a boolean')
  if (last ? plaintext.length > BLOB_CHUNK_BYTES : plaintext.length !== BLOB_CHUNK_BYTES) {
    throw new UnsupportedParameterError('Blob chunk plaintext has the wrong size')
  }
}

function checkOpenArgs (index: number, length: number, last: boolean): void {
  if (!validIndex(index)) throw new BlobChunkError('Blob chunk index out of range')
  if (typeof last !== 'boolean') throw new UnsupportedParameterError('Blob chunk last flag must be a boolean')
  const full = BLOB_CHUNK_BYTES + BLOB_CHUNK_OVERHEAD
  if (last ? length < BLOB_CHUNK_OVERHEAD || length > full : length !== full) {
    throw new BlobChunkError('Blob chunk has the wrong size')
  }
}

/** nonce = prefix (7) ‖ u32be(index) ‖ u8(last ? 1 : 0), written into `into`. */
function writeNonce (into: Uint8Array, index: number, last: boolean): Uint8Array {
  new DataView(into.buffer, into.byteOffset, into.byteLength).setUint32(NONCE_PREFIX_BYTES, index, false)
  into[AES_GCM_IV_LENGTH - 1] = last ? 1 : 0
  return into
}

/**
 * The chunk cipher of the blob with file key `key`. AES-GCM runs on `options.subtle` if given, else on
 * `options.provider` if given, else on node:crypto where it exists, else on `globalThis.crypto.subtle`
 * where it exists (browsers, secure contexts), else on noble. Every backend gives the same bytes.
 */
export function blobChunkCipher (key: Uint8Array, options: BlobCipherOptions = {}): BlobChunkCipher {
  if (!(key instanceof Uint8Array) || key.length !== BLOB_KEY_BYTES) throw new InvalidKeyError('Blob key must be 32 bytes')
  const provider = options.provider ?? defaultProvider()
  const okm = provider.hkdfSha256(key, NO_SALT, BLOB_INFO, AES_KEY_BYTES + NONCE_PREFIX_BYTES)
  const aesKey = okm.subarray(0, AES_KEY_BYTES)
  const prefix = okm.subarray(AES_KEY_BYTES)
  if (options.subtle !== undefined) return webCryptoCipher(options.subtle, aesKey, prefix)
  if (options.provider !== undefined) return providerCipher(options.provider, aesKey, prefix)
  const native = nativeProvider()
  if (native !== undefined) return providerCipher(native, aesKey, prefix)
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle
  if (subtle !== undefined) return webCryptoCipher(subtle, aesKey, prefix)
  return providerCipher(provider, aesKey, prefix)
}

/**
 * AES-GCM through a synchronous provider; one nonce buffer for all chunks (each call uses it synchronously). The
 * parts calls use the provider's parts functions where it has them (node:crypto: no chunk-sized copy), else join.
 */
function providerCipher (provider: CryptoProvider, aesKey: Uint8Array, prefix: Uint8Array): BlobChunkCipher {
  const nonce = new Uint8Array(AES_GCM_IV_LENGTH)
  nonce.set(prefix)
  const open = (index: number, ciphertext: Uint8Array, last: boolean): Uint8Array => {
    checkOpenArgs(index, ciphertext.length, last)
    try {
      return provider.aesGcmDecrypt(aesKey, writeNonce(nonce, index, last), ciphertext, NO_AAD)
    } catch {
      throw new BlobChunkError()
    }
  }
  return {
    backend: provider.name,
    seal: async (index, plaintext, last) => {
      checkSealArgs(index, plaintext, last)
      return provider.aesGcmEncrypt(aesKey, writeNonce(nonce, index, last), plaintext, NO_AAD)
    },
    open: async (index, ciphertext, last) => open(index, ciphertext, last),
    sealParts: async (index, plaintext, last) => {
      checkSealArgs(index, plaintext, last)
      const iv = writeNonce(nonce, index, last)
      return provider.aesGcmEncryptParts?.(aesKey, iv, plaintext, NO_AAD) ?? [provider.aesGcmEncrypt(aesKey, iv, plaintext, NO_AAD)]
    },
    openParts: async (index, ciphertext, last) => {
      if (provider.aesGcmDecryptParts === undefined) return [open(index, joinParts(ciphertext), last)]
      checkOpenArgs(index, partsLength(ciphertext), last)
      try {
        return provider.aesGcmDecryptParts(aesKey, writeNonce(nonce, index, last), ciphertext, NO_AAD)
      } catch {
        throw new BlobChunkError()
      }
    }
  }
}

/**
 * AES-GCM through WebCrypto: the key imported once (not extractable), the raw bytes wiped once it is.
 * Each call gets its own nonce: the call awaits the key first, so a shared buffer could be rewritten by
 * a concurrent call before WebCrypto reads it.
 */
function webCryptoCipher (subtle: SubtleCrypto, aesKey: Uint8Array, prefix: Uint8Array): BlobChunkCipher {
  const imported = subtle.importKey('raw', aesKey as Uint8Array<ArrayBuffer>, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt'])
  imported.then(() => { aesKey.fill(0) }, () => {})
  const nonceFor = (index: number, last: boolean): Uint8Array<ArrayBuffer> => {
    const nonce = new Uint8Array(AES_GCM_IV_LENGTH)
    nonce.set(prefix)
    return writeNonce(nonce, index, last) as Uint8Array<ArrayBuffer>
  }
  const params = (iv: Uint8Array<ArrayBuffer>): AesGcmParams => ({ name: 'AES-GCM', iv, tagLength: AES_GCM_TAG_LENGTH * 8 })
  const seal = async (index: number, plaintext: Uint8Array, last: boolean): Promise<Uint8Array> => {
    checkSealArgs(index, plaintext, last)
    const iv = nonceFor(index, last)
    const cryptoKey = await imported
    return new Uint8Array(await subtle.encrypt(params(iv), cryptoKey, plaintext as Uint8Array<ArrayBuffer>))
  }
  const open = async (index: number, ciphertext: Uint8Array, last: boolean): Promise<Uint8Array> => {
    checkOpenArgs(index, ciphertext.length, last)
    const iv = nonceFor(index, last)
    const cryptoKey = await imported // a failed import is the environment's fault, not the chunk's
    try {
      return new Uint8Array(await subtle.decrypt(params(iv), cryptoKey, ciphertext as Uint8Array<ArrayBuffer>))
    } catch {
      throw new BlobChunkError()
    }
  }
  return {
    backend: 'webcrypto',
    seal,
    open,
    // WebCrypto takes and gives whole buffers
    sealParts: async (index, plaintext, last) => [await seal(index, plaintext, last)],
    openParts: async (index, ciphertext, last) => [await open(index, joinParts(ciphertext), last)]
  }
}

/**
 * What the sealer and the reader share: the cipher, the running SHA-256 of the plaintext, the next chunk
 * index, resuming from a plaintext prefix, and one chunk at a time (calls queue in call order).
 */
class ChunkTally {
  readonly plaintextSize: number
  readonly chunkCount: number
  readonly cipher: BlobChunkCipher
  next = 0
  #hasher: Sha256Hasher
  #prefixBytes = 0
  #aligned = true
  #started = false
  #digest: Uint8Array | undefined
  #queue: Promise<unknown> = Promise.resolve()

  constructor (key: Uint8Array, plaintextSize: number, options: BlobCipherOptions) {
    checkPlaintextSize(plaintextSize, MAX_BLOB_PLAINTEXT_BYTES)
    this.plaintextSize = plaintextSize
    this.chunkCount = blobChunkCount(plaintextSize)
    this.cipher = blobChunkCipher(key, options)
    this.#hasher = sha256Hasher(options.provider)
  }

  resumePrefix (plaintext: Uint8Array): void {
    if (this.#started) throw new UnsupportedParameterError('Blob prefix must come before the first chunk')
    if (this.#prefixBytes + plaintext.length > this.plaintextSize) throw new UnsupportedParameterError('Blob prefix is longer than the blob')
    this.#hasher.update(plaintext)
    this.#prefixBytes += plaintext.length
    this.#aligned = this.#prefixBytes % BLOB_CHUNK_BYTES === 0 || this.#prefixBytes === this.plaintextSize
    if (this.#aligned) this.next = Math.ceil(this.#prefixBytes / BLOB_CHUNK_BYTES)
  }

  /** Runs `step` after every earlier call has settled; `step` commits (hash, index) only on success. */
  async queue<T> (step: () => Promise<T>): Promise<T> {
    this.#started = true
    const run = this.#queue.then(async () => {
      if (!this.#aligned) throw new UnsupportedParameterError('Blob prefix must end on a chunk boundary')
      return await step()
    })
    this.#queue = run.catch(() => {})
    return await run
  }

  commit (plaintext: Uint8Array | readonly Uint8Array[]): void {
    if (plaintext instanceof Uint8Array) this.#hasher.update(plaintext)
    else for (const part of plaintext) this.#hasher.update(part)
    this.next++
  }

  /** The SHA-256 once every chunk is through (computed once); `incomplete` builds the error otherwise. */
  async digest (incomplete: () => Error): Promise<Uint8Array> {
    return await this.queue(async () => {
      if (this.next < this.chunkCount) throw incomplete()
      this.#digest ??= this.#hasher.digest()
      return Uint8Array.from(this.#digest)
    })
  }
}

/**
 * Seals a file for upload, chunk by chunk in order 0..n−1, and hashes its plaintext on the way (the
 * message's `sha256`). Which chunk is last follows from `plaintextSize`. Sealing is deterministic for a
 * key, so an upload resumed after a crash (key persisted) re-seals exactly the bytes it sent before.
 */
export class BlobSealer {
  readonly #tally: ChunkTally

  /** Bad key: InvalidKeyError; size over MAX_BLOB_PLAINTEXT_BYTES: UnsupportedParameterError. */
  constructor (key: Uint8Array, plaintextSize: number, options: BlobCipherOptions = {}) {
    this.#tally = new ChunkTally(key, plaintextSize, options)
  }

  get plaintextSize (): number { return this.#tally.plaintextSize }
  get chunkCount (): number { return this.#tally.chunkCount }
  /** The index the next `seal` must have. */
  get nextIndex (): number { return this.#tally.next }
  get backend (): BlobCipherBackend { return this.#tally.cipher.backend }

  /**
   * Resuming: feed the plaintext of the chunks already uploaded (any piece sizes, in order) before the
   * first `seal`; it is only hashed. It must end on a chunk boundary (or at the end of the file); then
   * `nextIndex` is the first chunk not yet sealed.
   */
  resumePrefix (plaintext: Uint8Array): void {
    this.#tally.resumePrefix(plaintext)
  }

  /** The ciphertext of chunk `index` (= nextIndex; calls queue in order). Wrong order or size: UnsupportedParameterError. */
  async seal (index: number, plaintext: Uint8Array): Promise<Uint8Array> {
    const tally = this.#tally
    return await tally.queue(async () => {
      this.#checkNext(index, plaintext)
      const sealed = await tally.cipher.seal(index, plaintext, index === tally.chunkCount - 1)
      tally.commit(plaintext)
      return sealed
    })
  }

  /**
   * `seal` with the ciphertext as parts never joined (ciphertext, then the tag, on node:crypto): the same bytes
   * without a chunk-sized copy, for a sender that writes them out in parts.
   */
  async sealParts (index: number, plaintext: Uint8Array): Promise<Uint8Array[]> {
    const tally = this.#tally
    return await tally.queue(async () => {
      this.#checkNext(index, plaintext)
      const sealed = await tally.cipher.sealParts(index, plaintext, index === tally.chunkCount - 1)
      tally.commit(plaintext)
      return sealed
    })
  }

  #checkNext (index: number, plaintext: Uint8Array): void {
    const tally = this.#tally
    if (index !== tally.next) throw new UnsupportedParameterError('Blob chunks must be sealed in order')
    if (index >= tally.chunkCount || plaintext.length !== blobChunkPlaintextSize(tally.plaintextSize, index)) {
      throw new UnsupportedParameterError('Blob chunk plaintext has the wrong size')
    }
  }

  /** SHA-256 of the whole plaintext; UnsupportedParameterError before every chunk is sealed. */
  async finish (): Promise<Uint8Array> {
    return await this.#tally.digest(() => new UnsupportedParameterError('Blob is not sealed to the end'))
  }
}

/**
 * Opens a downloaded blob chunk by chunk, in order 0..n−1, and hashes the plaintext. `plaintextSize`
 * comes from the message (never from the relay): it fixes the number of chunks, the exact size of each,
 * and which one is last. A rejected chunk changes nothing, so the caller may fetch it again elsewhere.
 */
export class BlobPlaintextReader {
  readonly #tally: ChunkTally

  /** Bad key: InvalidKeyError; size over MAX_BLOB_PLAINTEXT_BYTES: UnsupportedParameterError. */
  constructor (key: Uint8Array, plaintextSize: number, options: BlobCipherOptions = {}) {
    this.#tally = new ChunkTally(key, plaintextSize, options)
  }

  get plaintextSize (): number { return this.#tally.plaintextSize }
  get chunkCount (): number { return this.#tally.chunkCount }
  /** The index the next `push` must have. */
  get nextIndex (): number { return this.#tally.next }
  get backend (): BlobCipherBackend { return this.#tally.cipher.backend }

  /**
   * Resuming: feed the plaintext already verified and written by an earlier run (any piece sizes, in
   * order) before the first `push`; it is only hashed (a changed file shows in `finish(expected)`). It
   * must end on a chunk boundary (or at the end of the file); then `nextIndex` is the chunk to fetch next.
   */
  resumePrefix (plaintext: Uint8Array): void {
    this.#tally.resumePrefix(plaintext)
  }

  /**
   * The verified plaintext of chunk `index`, which must be `nextIndex` (calls queue in order). Out of
   * order, an extra chunk, the wrong size or failed authentication: BlobChunkError.
   */
  async push (index: number, ciphertext: Uint8Array): Promise<Uint8Array> {
    const tally = this.#tally
    return await tally.queue(async () => {
      this.#checkNext(index, ciphertext.length)
      const plaintext = await tally.cipher.open(index, ciphertext, index === tally.chunkCount - 1)
      tally.commit(plaintext)
      return plaintext
    })
  }

  /**
   * `push` of a chunk given in pieces (as the network delivered it, never joined on node:crypto); the verified
   * plaintext in pieces. The same checks and errors.
   */
  async pushParts (index: number, ciphertext: readonly Uint8Array[]): Promise<Uint8Array[]> {
    const tally = this.#tally
    return await tally.queue(async () => {
      this.#checkNext(index, partsLength(ciphertext))
      const plaintext = await tally.cipher.openParts(index, ciphertext, index === tally.chunkCount - 1)
      tally.commit(plaintext)
      return plaintext
    })
  }

  #checkNext (index: number, length: number): void {
    const tally = this.#tally
    if (index !== tally.next) throw new BlobChunkError(index >= tally.chunkCount ? 'Blob has no such chunk' : 'Blob chunk out of order')
    if (index >= tally.chunkCount) throw new BlobChunkError('Blob has no such chunk')
    if (length !== blobChunkPlaintextSize(tally.plaintextSize, index) + BLOB_CHUNK_OVERHEAD) {
      throw new BlobChunkError('Blob chunk has the wrong size')
    }
  }

  /**
   * SHA-256 of the whole plaintext. Chunks missing (truncation): BlobChunkError. Given `expectedSha256`
   * (the message's), a different digest is a BlobChunkError too (compared in constant time).
   */
  async finish (expectedSha256?: Uint8Array): Promise<Uint8Array> {
    const digest = await this.#tally.digest(() => new BlobChunkError('Blob is truncated'))
    if (expectedSha256 !== undefined && !constantTimeEqual(digest, expectedSha256)) throw new BlobChunkError('Blob does not match its hash')
    return digest
  }
}
