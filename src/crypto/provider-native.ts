/**
 * CryptoProvider on node:crypto. node:crypto is reached through `process.getBuiltinModule`
 * (no static or dynamic import), so a Vite browser bundle never sees it; in a browser this
 * module returns undefined and the caller falls back to noble. Knows no protocol.
 */
import { DecryptionError, InvalidKeyError } from './errors.js'
import { constantTimeEqual } from './bytes.js'
import { AES_GCM_TAG_LENGTH, checkAesGcm, checkHkdfLength } from './provider.js'
import { hkdfSha256Blocks, hkdfSha256Short, hmacSha256Blocks, hmacSha256Short } from './sha256-short.js'
import type { CryptoProvider } from './provider.js'
// type-only: erased at compile time, so bundlers never see node:crypto
import type * as nodeCrypto from 'node:crypto'

type NodeCrypto = typeof nodeCrypto

const view = (b: Uint8Array | ArrayBuffer): Uint8Array =>
  b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength)

function getNodeCrypto (): NodeCrypto | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  if (typeof proc?.getBuiltinModule !== 'function') return undefined
  try {
    return proc.getBuiltinModule('node:crypto') as NodeCrypto | undefined
  } catch {
    return undefined
  }
}

let cached: CryptoProvider | null | undefined

/**
 * Most SHA-256 compressions (~0.27 µs each, sha256-short.ts) for which HMAC-SHA256 is computed in JavaScript. A
 * node:crypto HMAC (two one-shot hash calls) costs ~2 µs for any input up to ~150 bytes, nearly all of it the two
 * calls into C++ and the Buffer each returns; in JavaScript the chain steps' HMACs (32-byte key, 1 byte: 4
 * compressions) take 1.3 µs. 6 compressions (a key of ≤ 64 bytes, ≤ 183 bytes of data) are about where the two
 * meet (measured on Node 24: 128 bytes of data 2.2 µs in JavaScript, 2.5 µs native; 192 bytes, 7 compressions,
 * 2.7–2.9 µs against ~2.8 µs); longer inputs go to node:crypto.
 */
export const HMAC_JS_MAX_BLOCKS = 6
/**
 * Most SHA-256 compressions for which HKDF-SHA256 is computed in JavaScript. `hkdfSync` costs 5.5–7 µs for any short
 * input (a KeyObject for the key, a job object, a Buffer); in JavaScript the message keys (32-byte key, 31-byte
 * info, 44 bytes out: 9 compressions) take 3.4 µs, the ratchet's root step (10) 4 µs. 16 compressions (~5 µs)
 * are where the two meet; longer inputs and outputs go to node:crypto.
 */
export const HKDF_JS_MAX_BLOCKS = 16

/** libuv's thread pool size: UV_THREADPOOL_SIZE as libuv reads it (1..1024), else its default of 4. */
export function threadPoolSize (): number {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.UV_THREADPOOL_SIZE
  const n = Number.parseInt(env ?? '', 10)
  return Number.isInteger(n) && n > 0 ? Math.min(n, 1024) : 4
}

/**
 * scrypt jobs on libuv's thread pool at once, process-wide: half the pool (2 of the default 4 threads). The
 * pool also runs every LevelDB read and write, and a directory scrypt (N=2^15, 32 MiB) takes 50–100 ms on an
 * idle core and seconds on a loaded one. A burst of first contacts (a lookup per new number on the sender, a
 * sender proof per new contact on the recipient) filled the pool and every store operation of the device
 * queued behind the hashes for seconds (chaos run without faults: a lookup's answer waited 2.9 s for its
 * LevelDB write). Hashes past the limit wait their turn in order; they take no longer in sum (they compete
 * for the same cores anyway) and the first ones queued are done first.
 */
export const SCRYPT_CONCURRENCY = Math.max(1, Math.floor(threadPoolSize() / 2))
let scryptRunning = 0
const scryptWaiting: Array<() => void> = []

async function oneScryptAtATime<T> (fn: () => Promise<T>): Promise<T> {
  if (scryptRunning < SCRYPT_CONCURRENCY) scryptRunning++
  // the slot is handed over by the job that ends (scryptRunning stays as it is)
  else await new Promise<void>(resolve => scryptWaiting.push(resolve))
  try {
    return await fn()
  } finally {
    const next = scryptWaiting.shift()
    if (next != null) next()
    else scryptRunning--
  }
}

export function loadNativeProvider (): CryptoProvider | undefined {
  if (cached === undefined) {
    const c = getNodeCrypto()
    cached = c === undefined ? null : build(c)
  }
  return cached ?? undefined
}

/** DER prefixes wrapping raw 32-byte keys (RFC 8410), for Node versions without raw key import. */
const X25519_PKCS8 = hexBytes('302e020100300506032b656e04220420')
const X25519_SPKI = hexBytes('302a300506032b656e032100')
const ED25519_PKCS8 = hexBytes('302e020100300506032b657004220420')
const ED25519_SPKI = hexBytes('302a300506032b6570032100')

/** PKCS#8 of an ML-KEM-768 expandedKey: SEQUENCE { INTEGER 0, SEQUENCE { OID 2.16.840.1.101.3.4.4.2 }, OCTET STRING { OCTET STRING (2400) } } */
const ML_KEM_768_PKCS8 = hexBytes('30820978020100300b06096086480165030404020482096404820960')

function hexBytes (h: string): Uint8Array {
  return Uint8Array.from(h.match(/../g) ?? [], b => parseInt(b, 16))
}
function der (prefix: Uint8Array, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(prefix.length + key.length)
  out.set(prefix, 0)
  out.set(key, prefix.length)
  return out
}

type KeyObject = nodeCrypto.KeyObject
type Curve = 'x25519' | 'ed25519'

/**
 * Runs `fn` with V8 stack-trace capture off. node:crypto's key import probes every argument with
 * `isKeyObject` / `isCryptoKey`, which throw and catch an internal TypeError for anything that is
 * not a KeyObject (an options object, a Uint8Array): capturing those stack traces was ~45% of a
 * DH ratchet step. Synchronous, restored in `finally`, and only ever around node:crypto calls
 * whose errors we replace by our own typed errors anyway.
 */
const stackTraceLimitWritable = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')?.writable === true
function quiet<T> (fn: () => T): T {
  if (!stackTraceLimitWritable) return fn()
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try {
    return fn()
  } finally {
    Error.stackTraceLimit = limit
  }
}

/**
 * Identity-keyed cache of imported keys. Importing a raw key into a KeyObject costs more than using
 * it (an X25519 private key import computes the public key), and every key is used more than once:
 * each ratchet private key three times, a peer's ratchet key twice in one DH step, a sender-key
 * signing key for every group message. Each entry keeps a copy of the bytes it was made from and is
 * used only if the array still holds exactly those bytes, so a caller that reuses or mutates a
 * buffer never gets a stale key. Weak: entries die with their arrays. Lives only in memory: the
 * states that hold the arrays serialise raw bytes, never KeyObjects.
 */
function memo (load: (raw: Uint8Array) => KeyObject): (raw: Uint8Array) => KeyObject {
  const cache = new WeakMap<Uint8Array, { bytes: Uint8Array, key: KeyObject }>()
  return (raw) => {
    const hit = cache.get(raw)
    if (hit !== undefined && constantTimeEqual(hit.bytes, raw)) return hit.key
    const key = load(raw)
    cache.set(raw, { bytes: Uint8Array.from(raw), key })
    return key
  }
}

function build (c: NodeCrypto): CryptoProvider {
  // Raw key import/export (Node ≥ 24.?) skips DER encoding and parsing; feature-detected once.
  const rawKeys = (() => {
    try {
      const k = c.createPublicKey({ key: new Uint8Array(32).fill(9) as Buffer, format: 'raw-public', asymmetricKeyType: 'x25519' } as never)
      return (k.export({ format: 'raw-public' } as never) as Buffer).length === 32
    } catch {
      return false
    }
  })()
  const importPrivate = (curve: Curve, raw: Uint8Array): KeyObject => {
    if (raw.length !== 32) throw new InvalidKeyError('Private key must be 32 bytes')
    if (rawKeys) return quiet(() => c.createPrivateKey({ key: raw as Buffer, format: 'raw-private', asymmetricKeyType: curve } as never))
    const d = der(curve === 'x25519' ? X25519_PKCS8 : ED25519_PKCS8, raw)
    try {
      return quiet(() => c.createPrivateKey({ key: d as Buffer, format: 'der', type: 'pkcs8' }))
    } finally {
      d.fill(0)
    }
  }
  const importPublic = (curve: Curve, raw: Uint8Array): KeyObject => {
    if (raw.length !== 32) throw new InvalidKeyError('Public key must be 32 bytes')
    if (rawKeys) return quiet(() => c.createPublicKey({ key: raw as Buffer, format: 'raw-public', asymmetricKeyType: curve } as never))
    return quiet(() => c.createPublicKey({ key: der(curve === 'x25519' ? X25519_SPKI : ED25519_SPKI, raw) as Buffer, format: 'der', type: 'spki' }))
  }
  const exportPublic = (k: KeyObject): Uint8Array => {
    if (rawKeys) return view(k.export({ format: 'raw-public' } as never) as Buffer)
    const spki = k.export({ format: 'der', type: 'spki' })
    return Uint8Array.from(spki.subarray(spki.length - 32))
  }
  // ML-KEM-768 (Node ≥ 24.7 with OpenSSL ≥ 3.5): the 2400-byte decapsulation key goes in as
  // PKCS#8 `expandedKey` (draft-ietf-lamps-kyber-certificates); import costs ~3 decapsulations and
  // is memoised like the curve keys (a last-resort KEM prekey serves many set-ups)
  const mlKemPrivate = typeof c.decapsulate === 'function'
    ? memo(raw => {
      const d = der(ML_KEM_768_PKCS8, raw)
      try {
        return quiet(() => c.createPrivateKey({ key: d as Buffer, format: 'der', type: 'pkcs8' }))
      } finally {
        d.fill(0)
      }
    })
    : undefined
  const x25519Private = memo(raw => importPrivate('x25519', raw))
  const x25519Public = memo(raw => importPublic('x25519', raw))
  const ed25519Private = memo(raw => importPrivate('ed25519', raw))
  const ed25519Public = memo(raw => importPublic('ed25519', raw))

  // Secret keys go in as KeyObjects: given a Uint8Array, createCipheriv/hkdfSync/createHmac first
  // probe it with isKeyObject/isCryptoKey (two internal throws, ~6 µs); createSecretKey does not.
  const secret = (key: Uint8Array): KeyObject => c.createSecretKey(key)
  // one-shot hashing (Node ≥ 21.7) is about twice as fast as createHash().update().digest()
  const sha256: (data: Uint8Array) => Uint8Array = typeof c.hash === 'function'
    ? (data) => view(c.hash('sha256', data, 'buffer'))
    : (data) => view(c.createHash('sha256').update(data).digest())
  const algo = (key: Uint8Array): 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm' =>
    key.length === 16 ? 'aes-128-gcm' : key.length === 24 ? 'aes-192-gcm' : 'aes-256-gcm'
  const EMPTY = new Uint8Array(0)
  const HMAC_SCRATCH = new Uint8Array(256)
  const HMAC_OUTER = new Uint8Array(96)
  return {
    name: 'native',
    sha256,
    sha512: (data) => view(c.createHash('sha512').update(data).digest()),
    createSha256: () => {
      const h = c.createHash('sha256')
      return { update: (data) => { h.update(data) }, digest: () => view(h.digest()) }
    },
    // HMAC (RFC 2104) as two one-shot SHA-256 calls: ~1.9 µs for the ratchet's short inputs, against
    // ~2.5 µs for createHmac(createSecretKey(key)) and ~10 µs for createHmac with a raw key.
    // The pads live in scratch buffers reused across calls (synchronous, so never shared by two
    // calls) and are zeroed before returning.
    hmacSha256: (key, data) => {
      if (hmacSha256Blocks(key.length, data.length) <= HMAC_JS_MAX_BLOCKS) return hmacSha256Short(key, data)
      const k = key.length > 64 ? sha256(key) : key
      const inner = 64 + data.length <= HMAC_SCRATCH.length ? HMAC_SCRATCH.subarray(0, 64 + data.length) : new Uint8Array(64 + data.length)
      inner.fill(0, 0, 64)
      inner.set(k)
      for (let i = 0; i < 64; i++) inner[i] ^= 0x36
      inner.set(data, 64)
      const outer = HMAC_OUTER
      outer.fill(0, 0, 64)
      outer.set(k)
      for (let i = 0; i < 64; i++) outer[i] ^= 0x5c
      const ih = sha256(inner)
      outer.set(ih, 64)
      const out = sha256(outer)
      inner.fill(0)
      outer.fill(0)
      ih.fill(0)
      if (k !== key) k.fill(0)
      return out
    },
    hkdfSha256: (ikm, salt, info, length) => {
      checkHkdfLength(length)
      if (length === 0) return new Uint8Array(0)
      if (hkdfSha256Blocks(ikm.length, salt.length, info.length, length) <= HKDF_JS_MAX_BLOCKS) return hkdfSha256Short(ikm, salt, info, length)
      // node's hkdfSync treats an empty salt as HashLen zero bytes, as RFC 5869 says; an empty
      // ikm cannot become a KeyObject, so it goes in as bytes
      return view(c.hkdfSync('sha256', ikm.length === 0 ? EMPTY : secret(ikm), salt, info, length))
    },
    aesGcmEncrypt: (key, iv, plaintext, aad) => {
      checkAesGcm(key, iv)
      const cipher = c.createCipheriv(algo(key), secret(key), iv, { authTagLength: AES_GCM_TAG_LENGTH })
      cipher.setAAD(aad)
      const head = cipher.update(plaintext)
      const tail = cipher.final()
      const tag = cipher.getAuthTag()
      const out = new Uint8Array(head.length + tail.length + tag.length)
      out.set(head, 0)
      out.set(tail, head.length)
      out.set(tag, head.length + tail.length)
      return out
    },
    aesGcmDecrypt: (key, iv, sealed, aad) => {
      checkAesGcm(key, iv)
      if (sealed.length < AES_GCM_TAG_LENGTH) throw new DecryptionError()
      const ctLen = sealed.length - AES_GCM_TAG_LENGTH
      try {
        return quiet(() => {
          const decipher = c.createDecipheriv(algo(key), secret(key), iv, { authTagLength: AES_GCM_TAG_LENGTH })
          decipher.setAAD(aad)
          decipher.setAuthTag(sealed.subarray(ctLen))
          const head = decipher.update(sealed.subarray(0, ctLen))
          const tail = decipher.final()
          if (tail.length === 0) return view(head)
          const out = new Uint8Array(head.length + tail.length)
          out.set(head, 0)
          out.set(tail, head.length)
          return out
        })
      } catch {
        throw new DecryptionError()
      }
    },
    aesGcmEncryptParts: (key, iv, plaintext, aad) => {
      checkAesGcm(key, iv)
      const cipher = c.createCipheriv(algo(key), secret(key), iv, { authTagLength: AES_GCM_TAG_LENGTH })
      cipher.setAAD(aad)
      const head = cipher.update(plaintext)
      // GCM is a stream mode: final() adds no bytes, but is not assumed to
      const tail = cipher.final()
      const tag = view(cipher.getAuthTag())
      return tail.length === 0 ? [view(head), tag] : [view(head), view(tail), tag]
    },
    aesGcmDecryptParts: (key, iv, sealed, aad) => {
      checkAesGcm(key, iv)
      const total = sealed.reduce((n, part) => n + part.length, 0)
      if (total < AES_GCM_TAG_LENGTH) throw new DecryptionError()
      const ctLen = total - AES_GCM_TAG_LENGTH
      // the tag may straddle pieces: gathered into its own 16 bytes
      const tag = new Uint8Array(AES_GCM_TAG_LENGTH)
      try {
        return quiet(() => {
          const decipher = c.createDecipheriv(algo(key), secret(key), iv, { authTagLength: AES_GCM_TAG_LENGTH })
          decipher.setAAD(aad)
          const out: Uint8Array[] = []
          let at = 0
          for (const part of sealed) {
            const ct = Math.max(0, Math.min(part.length, ctLen - at))
            if (ct > 0) out.push(view(decipher.update(ct === part.length ? part : part.subarray(0, ct))))
            if (ct < part.length) tag.set(part.subarray(ct), at + ct - ctLen)
            at += part.length
          }
          decipher.setAuthTag(tag)
          const tail = decipher.final()
          if (tail.length > 0) out.push(view(tail))
          return out
        })
      } catch {
        throw new DecryptionError()
      }
    },
    scrypt: async (password, salt, { N, r, p, dkLen }) => await oneScryptAtATime(async () => await new Promise<Uint8Array>((resolve, reject) => {
      c.scrypt(password, salt, dkLen, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (err, key) => {
        if (err != null) reject(err)
        else resolve(view(key))
      })
    })),
    x25519PublicKey: (priv) => exportPublic(c.createPublicKey(x25519Private(priv))),
    x25519: (priv, pub) => {
      const privateKey = x25519Private(priv)
      try {
        return quiet(() => view(c.diffieHellman({ privateKey, publicKey: x25519Public(pub) })))
      } catch {
        throw new InvalidKeyError('X25519 key agreement failed')
      }
    },
    ed25519PublicKey: (seed) => exportPublic(c.createPublicKey(ed25519Private(seed))),
    ed25519Sign: (seed, message) => view(c.sign(null, message, ed25519Private(seed))),
    ed25519Verify: (pub, message, signature) => {
      if (pub.length !== 32 || signature.length !== 64) return false
      try {
        return quiet(() => c.verify(null, message, ed25519Public(pub), signature))
      } catch {
        return false
      }
    },
    mlKem768Decapsulate: (secretKey, cipherText) => {
      if (mlKemPrivate === undefined || secretKey.length !== 2400) return undefined
      try {
        const key = mlKemPrivate(secretKey)
        return view(quiet(() => c.decapsulate(key, cipherText)))
      } catch {
        return undefined // e.g. an OpenSSL without ML-KEM, or a key it refuses: noble decides
      }
    }
  }
}
