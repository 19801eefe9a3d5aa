/**
 * CryptoProvider on node:crypto. node:crypto is reached through `process.getBuiltinModule`
 * (no static or dynamic import), so a Vite browser bundle never sees it; in a browser this
 * module returns undefined and the caller falls back to noble. Knows no protocol.
 */
import { DecryptionError, InvalidKeyError } from './errors.js'
import { AES_GCM_TAG_LENGTH, checkAesGcm, checkHkdfLength } from './provider.js'
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

export function loadNativeProvider (): CryptoProvider | undefined {
  if (cached === undefined) {
    const c = getNodeCrypto()
    cached = c === undefined ? null : build(c)
  }
  return cached ?? undefined
}

/** DER prefixes wrapping raw 32-byte keys (RFC 8410) so node:crypto can import them. */
const X25519_PKCS8 = hexBytes('302e020100300506032b656e04220420')
const X25519_SPKI = hexBytes('302a300506032b656e032100')
const ED25519_PKCS8 = hexBytes('302e020100300506032b657004220420')
const ED25519_SPKI = hexBytes('302a300506032b6570032100')

function hexBytes (h: string): Uint8Array {
  return Uint8Array.from(h.match(/../g) ?? [], b => parseInt(b, 16))
}
function der (prefix: Uint8Array, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(prefix.length + key.length)
  out.set(prefix, 0)
  out.set(key, prefix.length)
  return out
}

function build (c: NodeCrypto): CryptoProvider {
  const privateKey = (prefix: Uint8Array, raw: Uint8Array): ReturnType<NodeCrypto['createPrivateKey']> => {
    if (raw.length !== 32) throw new InvalidKeyError('Private key must be 32 bytes')
    const d = der(prefix, raw)
    try {
      return c.createPrivateKey({ key: d as Buffer, format: 'der', type: 'pkcs8' })
    } finally {
      d.fill(0)
    }
  }
  const publicKey = (prefix: Uint8Array, raw: Uint8Array): ReturnType<NodeCrypto['createPublicKey']> => {
    if (raw.length !== 32) throw new InvalidKeyError('Public key must be 32 bytes')
    return c.createPublicKey({ key: der(prefix, raw) as Buffer, format: 'der', type: 'spki' })
  }
  /**
   * Imported keys by array identity, because importing a raw key (DER wrap + KeyObject) is the
   * dominant cost of a DH ratchet step (each ratchet private key is used three times) and of
   * sender-key signing/verification (one key per chain). Each entry keeps a copy of the bytes it
   * was made from and is only used if the array still holds exactly those bytes, so a caller that
   * reuses or mutates a buffer can never get a stale key. Weak: entries die with their arrays.
   */
  type Key = ReturnType<NodeCrypto['createPrivateKey']>
  const memo = (load: (raw: Uint8Array) => Key): (raw: Uint8Array) => Key => {
    const cache = new WeakMap<Uint8Array, { bytes: Uint8Array, key: Key }>()
    return (raw) => {
      const hit = cache.get(raw)
      if (hit !== undefined && hit.bytes.length === raw.length && hit.bytes.every((b, i) => b === raw[i])) return hit.key
      const key = load(raw)
      cache.set(raw, { bytes: Uint8Array.from(raw), key })
      return key
    }
  }
  const x25519Private = memo(raw => privateKey(X25519_PKCS8, raw))
  const ed25519Private = memo(raw => privateKey(ED25519_PKCS8, raw))
  const ed25519Public = memo(raw => publicKey(ED25519_SPKI, raw))
  const rawPublic = (k: ReturnType<NodeCrypto['createPublicKey']>): Uint8Array => {
    const spki = k.export({ format: 'der', type: 'spki' })
    return Uint8Array.from(spki.subarray(spki.length - 32))
  }
  const algo = (key: Uint8Array): 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm' =>
    key.length === 16 ? 'aes-128-gcm' : key.length === 24 ? 'aes-192-gcm' : 'aes-256-gcm'
  return {
    name: 'native',
    sha256: (data) => view(c.createHash('sha256').update(data).digest()),
    sha512: (data) => view(c.createHash('sha512').update(data).digest()),
    // HMAC (RFC 2104) over native SHA-256: createHmac imports the key into a KeyObject on every
    // call (~10 µs); two createHash calls cost ~3.5 µs for the short inputs the ratchet uses.
    hmacSha256: (key, data) => {
      const k = key.length > 64 ? view(c.createHash('sha256').update(key).digest()) : key
      const pad = new Uint8Array(64)
      pad.set(k)
      for (let i = 0; i < 64; i++) pad[i] ^= 0x36
      const inner = c.createHash('sha256').update(pad).update(data).digest()
      for (let i = 0; i < 64; i++) pad[i] ^= 0x36 ^ 0x5c
      const out = view(c.createHash('sha256').update(pad).update(inner).digest())
      pad.fill(0)
      inner.fill(0)
      return out
    },
    hkdfSha256: (ikm, salt, info, length) => {
      checkHkdfLength(length)
      if (length === 0) return new Uint8Array(0)
      // node's hkdfSync treats an empty salt as HashLen zero bytes, as RFC 5869 says
      return view(c.hkdfSync('sha256', ikm, salt, info, length))
    },
    aesGcmEncrypt: (key, iv, plaintext, aad) => {
      checkAesGcm(key, iv)
      const cipher = c.createCipheriv(algo(key), key, iv, { authTagLength: AES_GCM_TAG_LENGTH })
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
        const decipher = c.createDecipheriv(algo(key), key, iv, { authTagLength: AES_GCM_TAG_LENGTH })
        decipher.setAAD(aad)
        decipher.setAuthTag(sealed.subarray(ctLen))
        const head = decipher.update(sealed.subarray(0, ctLen))
        const tail = decipher.final()
        if (tail.length === 0) return view(head)
        const out = new Uint8Array(head.length + tail.length)
        out.set(head, 0)
        out.set(tail, head.length)
        return out
      } catch {
        throw new DecryptionError()
      }
    },
    scrypt: async (password, salt, { N, r, p, dkLen }) => await new Promise<Uint8Array>((resolve, reject) => {
      c.scrypt(password, salt, dkLen, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (err, key) => {
        if (err != null) reject(err)
        else resolve(view(key))
      })
    }),
    x25519PublicKey: (priv) => rawPublic(c.createPublicKey(x25519Private(priv))),
    x25519: (priv, pub) => {
      try {
        return view(c.diffieHellman({ privateKey: x25519Private(priv), publicKey: publicKey(X25519_SPKI, pub) }))
      } catch {
        throw new InvalidKeyError('X25519 key agreement failed')
      }
    },
    ed25519PublicKey: (seed) => rawPublic(c.createPublicKey(ed25519Private(seed))),
    ed25519Sign: (seed, message) => view(c.sign(null, message, ed25519Private(seed))),
    ed25519Verify: (pub, message, signature) => {
      if (pub.length !== 32 || signature.length !== 64) return false
      try {
        return c.verify(null, message, ed25519Public(pub), signature)
      } catch {
        return false
      }
    }
  }
}
