/** SHA-256 (FIPS 180-4) in plain JavaScript with HMAC-SHA256 (RFC 2104) and HKDF-SHA256 (RFC 5869) on top, for the short inputs of the key schedules where a node:crypto call costs more than the hashing; knows no protocol and no provider. */

/** Round constants (FIPS 180-4 §4.2.2). */
const K = Int32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
)
/** Initial hash value (FIPS 180-4 §5.3.3). */
const H0 = Int32Array.of(0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
const BLOCK_LENGTH = 64
const HASH_LENGTH = 32

// Scratch shared by every call, in one buffer so that one fill wipes it: all functions here are synchronous and never
// re-entered, so no two calls use it at once; each exported function zeroes it before it returns (it holds
// key-derived words).
const SCRATCH = new ArrayBuffer(4 * (64 + 8 + 8 + 8) + BLOCK_LENGTH + 3 * HASH_LENGTH)
const SCRATCH_BYTES = new Uint8Array(SCRATCH)
/** message schedule */
const W = new Int32Array(SCRATCH, 0, 64)
/** the running hash state */
const STATE = new Int32Array(SCRATCH, 256, 8)
/** HMAC: the states after the key ⊕ ipad and key ⊕ opad blocks, reused for every MAC under one key */
const INNER = new Int32Array(SCRATCH, 288, 8)
const OUTER = new Int32Array(SCRATCH, 320, 8)
/** the block being filled */
const BLOCK = new Uint8Array(SCRATCH, 352, BLOCK_LENGTH)
/** HMAC: the inner hash; HKDF: the pseudorandom key and the previous output block */
const DIGEST = new Uint8Array(SCRATCH, 416, HASH_LENGTH)
const PRK = new Uint8Array(SCRATCH, 448, HASH_LENGTH)
const T = new Uint8Array(SCRATCH, 480, HASH_LENGTH)
/** Bytes in BLOCK, and bytes hashed so far (including those already compressed): lengths, not secret. */
const pos = { fill: 0, total: 0 }

/** One block (64 bytes, big-endian words) into `state`. */
function compress (state: Int32Array, block: Uint8Array): void {
  for (let i = 0; i < 16; i++) {
    const j = 4 * i
    W[i] = (block[j] << 24) | (block[j + 1] << 16) | (block[j + 2] << 8) | block[j + 3]
  }
  compressWords(state)
}

/** The compression function (FIPS 180-4 §6.2.2) on the block already in W[0..15]. */
function compressWords (state: Int32Array): void {
  for (let i = 16; i < 64; i++) {
    const x = W[i - 15]
    const y = W[i - 2]
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)
    W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0
  }
  let a = state[0]; let b = state[1]; let c = state[2]; let d = state[3]
  let e = state[4]; let f = state[5]; let g = state[6]; let h = state[7]
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0
    h = g; g = f; f = e; e = (d + t1) | 0
    d = c; c = b; b = a; a = (t1 + t2) | 0
  }
  state[0] = (state[0] + a) | 0; state[1] = (state[1] + b) | 0; state[2] = (state[2] + c) | 0; state[3] = (state[3] + d) | 0
  state[4] = (state[4] + e) | 0; state[5] = (state[5] + f) | 0; state[6] = (state[6] + g) | 0; state[7] = (state[7] + h) | 0
}

/** Starts hashing in STATE from `from`, `done` bytes (whole blocks) already absorbed into it. */
function start (from: Int32Array, done: number): void {
  STATE.set(from)
  pos.fill = 0
  pos.total = done
}

function absorb (data: Uint8Array): void {
  let fill = pos.fill
  for (let i = 0; i < data.length; i++) {
    BLOCK[fill++] = data[i]
    if (fill === BLOCK_LENGTH) {
      compress(STATE, BLOCK)
      fill = 0
    }
  }
  pos.fill = fill
  pos.total += data.length
}

function absorbByte (byte: number): void {
  BLOCK[pos.fill++] = byte
  if (pos.fill === BLOCK_LENGTH) {
    compress(STATE, BLOCK)
    pos.fill = 0
  }
  pos.total += 1
}

/** Pads (FIPS 180-4 §5.1.1) and writes the 32-byte digest of what was absorbed to `out`. */
function finish (out: Uint8Array): void {
  finishState()
  for (let i = 0; i < 8; i++) {
    const w = STATE[i]
    out[4 * i] = w >>> 24; out[4 * i + 1] = w >>> 16; out[4 * i + 2] = w >>> 8; out[4 * i + 3] = w
  }
}

/** Pads and compresses what was absorbed: STATE is then the digest, as words. */
function finishState (): void {
  const total = pos.total
  const hiBits = Math.floor(total / 0x20000000) // total × 8 over 2^32
  const loBits = (total << 3) >>> 0
  let fill = pos.fill
  BLOCK[fill++] = 0x80
  if (fill > BLOCK_LENGTH - 8) {
    BLOCK.fill(0, fill)
    compress(STATE, BLOCK)
    fill = 0
  }
  BLOCK.fill(0, fill, BLOCK_LENGTH - 8)
  BLOCK[56] = hiBits >>> 24; BLOCK[57] = hiBits >>> 16; BLOCK[58] = hiBits >>> 8; BLOCK[59] = hiBits
  BLOCK[60] = loBits >>> 24; BLOCK[61] = loBits >>> 16; BLOCK[62] = loBits >>> 8; BLOCK[63] = loBits
  compress(STATE, BLOCK)
}

/** `dst` = the state after hashing the one block `key ⊕ pad` (key ≤ 64 bytes, zero-padded). */
function padState (dst: Int32Array, key: Uint8Array, pad: number): void {
  const n = key.length
  const padWord = pad * 0x01010101
  for (let i = 0; i < 16; i++) {
    const j = 4 * i
    const word = j + 3 < n
      ? (key[j] << 24) | (key[j + 1] << 16) | (key[j + 2] << 8) | key[j + 3]
      : ((j < n ? key[j] : 0) << 24) | ((j + 1 < n ? key[j + 1] : 0) << 16) | ((j + 2 < n ? key[j + 2] : 0) << 8) | (j + 3 < n ? key[j + 3] : 0)
    W[i] = word ^ padWord
  }
  dst.set(H0)
  compressWords(dst)
}

/** INNER and OUTER for an HMAC key of any length (a key longer than a block is hashed first, RFC 2104 §2). */
function setKey (key: Uint8Array): void {
  let k = key
  if (key.length > BLOCK_LENGTH) {
    start(H0, 0)
    absorb(key)
    finish(DIGEST)
    k = DIGEST
  }
  padState(INNER, k, 0x36)
  padState(OUTER, k, 0x5c)
}

/** The inner hash of HMAC under the current key: starts it over the key block, for the caller to absorb into. */
function startInner (): void { start(INNER, BLOCK_LENGTH) }

/**
 * Ends an HMAC whose inner hash has absorbed the message: the tag goes to `out`. The outer hash's one block after
 * the key block is always the inner digest, 0x80, zeros and the length (64 + 32 bytes, in bits), so it is put
 * straight into W from the inner state's words.
 */
function finishMac (out: Uint8Array): void {
  finishState()
  for (let i = 0; i < 8; i++) W[i] = STATE[i]
  W[8] = 0x80000000 | 0
  for (let i = 9; i < 15; i++) W[i] = 0
  W[15] = (BLOCK_LENGTH + HASH_LENGTH) * 8
  STATE.set(OUTER)
  compressWords(STATE)
  for (let i = 0; i < 8; i++) {
    const w = STATE[i]
    out[4 * i] = w >>> 24; out[4 * i + 1] = w >>> 16; out[4 * i + 2] = w >>> 8; out[4 * i + 3] = w
  }
}

/** RFC 5869: the HMAC key of an empty salt (HashLen zeros), as INNER/OUTER, computed once: public constants. */
const ZERO_SALT_INNER = new Int32Array(8)
const ZERO_SALT_OUTER = new Int32Array(8)
padState(ZERO_SALT_INNER, new Uint8Array(0), 0x36)
padState(ZERO_SALT_OUTER, new Uint8Array(0), 0x5c)
wipeScratch()

function wipeScratch (): void {
  SCRATCH_BYTES.fill(0)
}

/** SHA-256 of `data`. */
export function sha256Short (data: Uint8Array): Uint8Array {
  const out = new Uint8Array(HASH_LENGTH)
  try {
    start(H0, 0)
    absorb(data)
    finish(out)
    return out
  } finally {
    wipeScratch()
  }
}

/** HMAC-SHA256 (RFC 2104) of `data` under `key`. */
export function hmacSha256Short (key: Uint8Array, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(HASH_LENGTH)
  try {
    setKey(key)
    startInner()
    absorb(data)
    finishMac(out)
    return out
  } finally {
    wipeScratch()
  }
}

/**
 * HKDF-SHA256 (RFC 5869): extract with `salt` (empty = HashLen zeros), expand with `info` to `length` bytes. The
 * caller checks `length` (≤ 255 × 32); the pad states of the pseudorandom key are computed once for every block.
 */
export function hkdfSha256Short (ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const okm = new Uint8Array(length)
  try {
    if (salt.length === 0) {
      INNER.set(ZERO_SALT_INNER)
      OUTER.set(ZERO_SALT_OUTER)
    } else {
      setKey(salt)
    }
    startInner()
    absorb(ikm)
    finishMac(PRK)
    setKey(PRK)
    for (let i = 1, off = 0; off < length; i++, off += HASH_LENGTH) {
      startInner()
      if (i > 1) absorb(T)
      absorb(info)
      absorbByte(i)
      finishMac(T)
      const n = Math.min(HASH_LENGTH, length - off)
      for (let j = 0; j < n; j++) okm[off + j] = T[j]
    }
    return okm
  } finally {
    wipeScratch()
  }
}

/** Compression-function calls for hashing `n` more bytes, padding included. */
const blocksFor = (n: number): number => Math.floor((n + 8) / BLOCK_LENGTH) + 1

/** Compression-function calls of `hmacSha256Short` for these lengths (its cost is ~0.3 µs each). */
export function hmacSha256Blocks (keyLength: number, dataLength: number): number {
  return (keyLength > BLOCK_LENGTH ? blocksFor(keyLength) : 0) + 2 + blocksFor(dataLength) + 1
}

/** Compression-function calls of `hkdfSha256Short` for these lengths. */
export function hkdfSha256Blocks (ikmLength: number, saltLength: number, infoLength: number, length: number): number {
  const outputBlocks = Math.ceil(length / HASH_LENGTH)
  const saltBlocks = saltLength === 0 ? 0 : hmacSha256Blocks(saltLength, 0) - 2 // its pad blocks (and its hash if long)
  const expand = outputBlocks === 0 ? 0 : 2 + blocksFor(infoLength + 1) + 1 + (outputBlocks - 1) * (blocksFor(HASH_LENGTH + infoLength + 1) + 1)
  return saltBlocks + blocksFor(ikmLength) + 1 + expand
}
