// Key and parameter checks at their edges, with the explicit message of each refusal: identity keys and key pairs,
// device certificate fields, X25519 canonical encoding and low order, ML-KEM lengths, the AES-GCM and HKDF bounds
// both providers share, and the byte helpers and system randomness under them.
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import {
  IdentityKeyPair, checkIdentityKey, createDeviceCertificate, identityDhPublicKey, nativeProvider, nobleProvider, systemRandom,
  verifyDeviceCertificate, verifySignature
} from '../../src/crypto/index.js'
import { concat, constantTimeEqual, fromHex, isAllZero, toHex, u32be, utf8, wipe } from '../../src/crypto/bytes.js'
import { encodePb } from '../../src/crypto/codec.js'
import { checkX25519PublicKey, x25519Agree } from '../../src/crypto/dh.js'
import { checkKemPublicKey, generateKemKeyPair, kemDecapsulate, kemEncapsulate } from '../../src/crypto/kem.js'
import { DeviceCertificatePb, IdentityKeyPairPb, SignedDeviceCertificatePb } from '../../src/crypto/pb/keys.js'
import { SeededRandom } from '../helpers/seeded-random.js'
import type { CryptoProvider } from '../../src/crypto/index.js'

const rng = new SeededRandom('key checks')
const err = (name: string, message: string): unknown => expect.objectContaining({ name, message })
const native = nativeProvider() as CryptoProvider
const providers = [native, nobleProvider]
const withByte0 = (b: number, rest = 0): Uint8Array => { const k = new Uint8Array(32).fill(rest); k[0] = b; return k }

describe('identity keys', () => {
  const identity = IdentityKeyPair.generate(rng.random)

  it.each([
    ['31 bytes', identity.publicKey.subarray(1), 'Identity key must be 32 bytes'],
    ['33 bytes', concat(identity.publicKey, Uint8Array.of(0)), 'Identity key must be 32 bytes'],
    ['not a Uint8Array', Array.from(identity.publicKey) as unknown as Uint8Array, 'Identity key must be 32 bytes'],
    ['not a curve point (y = 2)', withByte0(2), 'Identity key is not a valid Ed25519 point'],
    ['of small order (the neutral point)', withByte0(1), 'Identity key is of small order']
  ])('refuse a key %s', (_, key, message) => {
    expect(() => checkIdentityKey(key)).toThrow(err('InvalidKeyError', message))
  })

  it('have an X25519 form only when valid', () => {
    expect(identityDhPublicKey(identity.publicKey)).toEqual(identity.dhPublicKey)
    expect(() => identityDhPublicKey(withByte0(1))).toThrow(err('InvalidKeyError', 'Identity key is of small order'))
    expect(() => identityDhPublicKey(withByte0(2))).toThrow(err('InvalidKeyError', 'Identity key is not a valid Ed25519 point'))
    expect(() => identityDhPublicKey(identity.publicKey.subarray(1))).toThrow(err('InvalidKeyError', 'Identity key must be 32 bytes'))
  })

  it('verifySignature is false for a key or signature of another length, without asking the provider', () => {
    const strict: CryptoProvider = {
      ...native,
      ed25519Verify: (pub, msg, sig) => {
        if (pub.length !== 32 || sig.length !== 64) throw new Error('malformed input reached the provider')
        return native.ed25519Verify(pub, msg, sig)
      }
    }
    const msg = Uint8Array.of(1, 2, 3)
    const sig = identity.sign(msg)
    expect(verifySignature(identity.publicKey, msg, sig, strict)).toBe(true)
    expect(verifySignature(identity.publicKey.subarray(1), msg, sig, strict)).toBe(false)
    expect(verifySignature(identity.publicKey, msg, sig.subarray(1), strict)).toBe(false)
    expect(verifySignature(identity.publicKey, msg, concat(sig, Uint8Array.of(0)), strict)).toBe(false)
  })

  it.each(providers.map(p => [p.name, p] as const))('%s verification is false, never an error, for a key that is not a curve point or of another length', (_, p) => {
    const msg = Uint8Array.of(1)
    const sig = identity.sign(msg)
    for (const key of [withByte0(2), identity.publicKey.subarray(1), concat(identity.publicKey, Uint8Array.of(0))]) expect(p.ed25519Verify(key, msg, sig)).toBe(false)
    for (const s of [sig.subarray(1), concat(sig, Uint8Array.of(0))]) expect(p.ed25519Verify(identity.publicKey, msg, s)).toBe(false)
    expect(p.ed25519Verify(identity.publicKey, msg, sig)).toBe(true)
  })

  it('a stored key pair is refused when undecodable, of another private key length, or not matching', () => {
    const stored = IdentityKeyPairPb.decode(identity.serialize())
    expect(() => IdentityKeyPair.deserialize(Uint8Array.of(0xff))).toThrow(err('InvalidMessageError', 'Malformed identity key pair'))
    for (const n of [31, 33]) {
      expect(() => IdentityKeyPair.deserialize(encodePb(IdentityKeyPairPb, { publicKey: stored.publicKey, privateKey: new Uint8Array(n) })))
        .toThrow(err('InvalidKeyError', 'Identity private key must be 32 bytes'))
    }
    const other = IdentityKeyPair.generate(rng.random)
    expect(() => IdentityKeyPair.deserialize(encodePb(IdentityKeyPairPb, { publicKey: other.publicKey, privateKey: stored.privateKey })))
      .toThrow(err('InvalidKeyError', 'Identity key pair does not match'))
  })

  it('a key pair shows only its type in JSON and util.inspect', () => {
    expect(JSON.parse(JSON.stringify(identity))).toEqual({ type: 'IdentityKeyPair', redacted: true })
    expect(inspect(identity)).toBe(inspect({ type: 'IdentityKeyPair', redacted: true }))
  })
})

describe('device certificate fields', () => {
  const identity = IdentityKeyPair.generate(rng.random)
  /** signed the way createDeviceCertificate signs, with any field values */
  const signedCertificate = (fields: Partial<DeviceCertificatePb>): Uint8Array => {
    const certificate = encodePb(DeviceCertificatePb, { identityKey: identity.publicKey, devicePeerId: Uint8Array.of(1), deviceId: 1, createdAt: 0n, ...fields })
    return encodePb(SignedDeviceCertificatePb, { certificate, signature: identity.sign(concat(utf8('Parley-DeviceCertificate-v1'), certificate)) })
  }

  it('the signed form matches createDeviceCertificate', () => {
    expect(signedCertificate({ createdAt: 5n })).toEqual(createDeviceCertificate(identity, { devicePeerId: Uint8Array.of(1), deviceId: 1, createdAt: 5 }))
  })

  it('createdAt up to MAX_SAFE_INTEGER is read back; one more is out of range', () => {
    expect(verifyDeviceCertificate(signedCertificate({ createdAt: BigInt(Number.MAX_SAFE_INTEGER) })).createdAt).toBe(Number.MAX_SAFE_INTEGER)
    expect(() => verifyDeviceCertificate(signedCertificate({ createdAt: BigInt(Number.MAX_SAFE_INTEGER) + 1n })))
      .toThrow(err('InvalidMessageError', 'Device certificate time out of range'))
  })

  it('an identity key of 31 bytes is refused as a key, a bad signature as a signature', () => {
    const cert = SignedDeviceCertificatePb.decode(signedCertificate({}))
    const short = encodePb(DeviceCertificatePb, { ...DeviceCertificatePb.decode(cert.certificate), identityKey: identity.publicKey.subarray(1) })
    expect(() => verifyDeviceCertificate(encodePb(SignedDeviceCertificatePb, { certificate: short, signature: cert.signature })))
      .toThrow(err('InvalidKeyError', 'Identity key must be 32 bytes'))
    const sig = Uint8Array.from(cert.signature); sig[0] ^= 1
    expect(() => verifyDeviceCertificate(encodePb(SignedDeviceCertificatePb, { certificate: cert.certificate, signature: sig })))
      .toThrow(err('InvalidSignatureError', 'Device certificate signature did not verify'))
  })
})

describe('X25519 public keys', () => {
  // p = 2^255 - 19, little-endian: ed ff … ff 7f
  const u = (low: number, middle = 0xff, high = 0x7f): Uint8Array => { const k = new Uint8Array(32).fill(middle); k[0] = low; k[31] = high; return k }

  it.each([
    ['p - 1', u(0xec)], ['p - 1 with a low middle byte', (() => { const k = u(0xff); k[15] = 0xfe; return k })()],
    ['0xed … 0x7f with a zero middle', u(0xed, 0)], ['2^254', u(0, 0, 0x40)]
  ])('accept %s', (_, key) => {
    expect(() => checkX25519PublicKey(key)).not.toThrow()
  })

  it.each([
    ['31 bytes', new Uint8Array(31), 'X25519 public key must be 32 bytes'],
    ['33 bytes', new Uint8Array(33), 'X25519 public key must be 32 bytes'],
    ['with bit 255 set', u(0, 0, 0x80), 'X25519 public key is not canonical'],
    ['p', u(0xed), 'X25519 public key is not canonical'],
    ['p + 1', u(0xee), 'X25519 public key is not canonical'],
    ['p + 18 = 2^255 - 1', u(0xff), 'X25519 public key is not canonical']
  ])('refuse %s', (_, key, message) => {
    expect(() => checkX25519PublicKey(key)).toThrow(err('InvalidKeyError', message))
  })

  it('an agreement that gives all zeros or fails in the provider is a low-order key', () => {
    const peer = native.x25519PublicKey(rng.random(32))
    const zeros: CryptoProvider = { ...native, x25519: () => new Uint8Array(32) }
    const failing: CryptoProvider = { ...native, x25519: () => { throw new Error('refused') } }
    for (const p of [zeros, failing]) expect(() => x25519Agree(rng.random(32), peer, p)).toThrow(err('InvalidKeyError', 'X25519 public key is of low order'))
    const almost: CryptoProvider = { ...native, x25519: () => withByte0(0, 0).fill(1, 31) }
    expect(x25519Agree(rng.random(32), peer, almost)[31]).toBe(1)
  })
})

describe('ML-KEM-768 lengths', () => {
  const { publicKey, secretKey } = generateKemKeyPair(rng.random)
  const { cipherText, sharedSecret } = kemEncapsulate(publicKey, rng.random)

  it.each([1183, 1185])('a public key of %i bytes is refused', (n) => {
    const key = new Uint8Array(n)
    expect(() => checkKemPublicKey(key)).toThrow(err('InvalidKeyError', 'ML-KEM-768 public key must be 1184 bytes'))
    expect(() => kemEncapsulate(key, rng.random)).toThrow(err('InvalidKeyError', 'ML-KEM-768 public key must be 1184 bytes'))
  })

  it('a public key failing the modulus check is malformed', () => {
    expect(() => kemEncapsulate(new Uint8Array(1184).fill(0xff), rng.random)).toThrow(err('InvalidKeyError', 'ML-KEM-768 public key is malformed'))
  })

  it.each([1087, 1089])('a ciphertext of %i bytes is refused', (n) => {
    expect(() => kemDecapsulate(new Uint8Array(n), secretKey)).toThrow(err('InvalidMessageError', 'ML-KEM-768 ciphertext must be 1088 bytes'))
  })

  it.each([2399, 2401])('a secret key of %i bytes is refused', (n) => {
    expect(() => kemDecapsulate(cipherText, new Uint8Array(n))).toThrow(err('InvalidKeyError', 'ML-KEM-768 secret key must be 2400 bytes'))
  })

  it('decapsulation takes the provider\'s answer when it gives one, else noble\'s', () => {
    expect(kemDecapsulate(cipherText, secretKey)).toEqual(sharedSecret)
    expect(kemDecapsulate(cipherText, secretKey, nobleProvider)).toEqual(sharedSecret)
    const answer = new Uint8Array(32).fill(7)
    expect(kemDecapsulate(cipherText, secretKey, { ...native, mlKem768Decapsulate: () => answer })).toBe(answer)
    expect(kemDecapsulate(cipherText, secretKey, { ...native, mlKem768Decapsulate: () => undefined })).toEqual(sharedSecret)
  })
})

describe('AES-GCM and HKDF bounds, on both providers', () => {
  const iv = new Uint8Array(12)
  it.each(providers.map(p => [p.name, p] as const))('%s accepts 16-, 24- and 32-byte keys and HKDF lengths 0..8160', (_, p) => {
    for (const n of [16, 24, 32]) {
      const key = new Uint8Array(n).fill(n)
      expect(p.aesGcmDecrypt(key, iv, p.aesGcmEncrypt(key, iv, Uint8Array.of(1, 2), Uint8Array.of(3)), Uint8Array.of(3))).toEqual(Uint8Array.of(1, 2))
    }
    expect(p.hkdfSha256(Uint8Array.of(1), new Uint8Array(0), new Uint8Array(0), 0)).toEqual(new Uint8Array(0))
    expect(p.hkdfSha256(Uint8Array.of(1), new Uint8Array(0), new Uint8Array(0), 255 * 32)).toHaveLength(255 * 32)
    expect(p.hkdfSha256(new Uint8Array(0), new Uint8Array(0), new Uint8Array(0), 32)).toEqual(nobleProvider.hkdfSha256(new Uint8Array(0), new Uint8Array(32), new Uint8Array(0), 32))
  })

  it.each(providers.map(p => [p.name, p] as const))('%s refuses other key and IV sizes and HKDF lengths, with the same messages', (_, p) => {
    for (const n of [0, 15, 17, 23, 25, 31, 33]) {
      const key = new Uint8Array(n)
      expect(() => p.aesGcmEncrypt(key, iv, Uint8Array.of(1), new Uint8Array(0))).toThrow(err('UnsupportedParameterError', 'AES key must be 16, 24 or 32 bytes'))
      expect(() => p.aesGcmDecrypt(key, iv, new Uint8Array(17), new Uint8Array(0))).toThrow(err('UnsupportedParameterError', 'AES key must be 16, 24 or 32 bytes'))
    }
    for (const n of [11, 13]) {
      expect(() => p.aesGcmEncrypt(new Uint8Array(32), new Uint8Array(n), Uint8Array.of(1), new Uint8Array(0))).toThrow(err('UnsupportedParameterError', 'AES-GCM IV must be 12 bytes'))
      expect(() => p.aesGcmDecrypt(new Uint8Array(32), new Uint8Array(n), new Uint8Array(17), new Uint8Array(0))).toThrow(err('UnsupportedParameterError', 'AES-GCM IV must be 12 bytes'))
    }
    for (const length of [-1, 255 * 32 + 1, 1.5, Number.NaN]) {
      expect(() => p.hkdfSha256(Uint8Array.of(1), new Uint8Array(0), new Uint8Array(0), length)).toThrow(err('UnsupportedParameterError', 'HKDF length out of range'))
    }
  })
})

describe('byte helpers', () => {
  it('u32be is big-endian, hex round-trips, wipe skips missing arrays', () => {
    expect(Array.from(u32be(0x01020304))).toEqual([1, 2, 3, 4])
    expect(Array.from(u32be(-1))).toEqual([255, 255, 255, 255])
    expect(toHex(Uint8Array.of(0, 15, 16, 255))).toBe('000f10ff')
    expect(Array.from(fromHex('000f10ff'))).toEqual([0, 15, 16, 255])
    expect(fromHex('')).toEqual(new Uint8Array(0))
    const bytes = Uint8Array.from({ length: 40 }, (_, i) => 255 - i * 5)
    expect(fromHex(toHex(bytes))).toEqual(bytes)
    const a = Uint8Array.of(1, 2)
    const b = Uint8Array.of(3)
    wipe(undefined, a, undefined, b)
    expect([...a, ...b]).toEqual([0, 0, 0])
    expect(isAllZero(new Uint8Array(3))).toBe(true)
    expect(isAllZero(Uint8Array.of(0, 0, 1))).toBe(false)
    expect(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true)
    expect(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false)
    expect(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1))).toBe(false)
  })

  it('systemRandom fills requests past 64 KiB (getRandomValues\' limit) in full', () => {
    const n = 2 * 65536 + 32
    const r = systemRandom(n)
    expect(r).toHaveLength(n)
    // each 64 KiB chunk and the 32-byte tail were filled (all zero by chance: 2^-256)
    for (const [from, to] of [[0, 32], [65536 - 32, 65536], [65536, 65536 + 32], [2 * 65536 - 32, 2 * 65536], [2 * 65536, n]]) {
      expect(isAllZero(r.subarray(from, to)), `bytes ${from}..${to}`).toBe(false)
    }
    expect(systemRandom(0)).toHaveLength(0)
  })
})
