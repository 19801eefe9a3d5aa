// Prekeys and bundles at their edges: id and time bounds on generation, private-key lengths on deserialise,
// the explicit refusal messages, the one-time half of a bundle, and each check of verifyPreKeyBundle.
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import {
  IdentityKeyPair, KemPreKey, OneTimePreKey, SignedPreKey, decodePreKeyBundle, decodePublicKemPreKey, decodePublicOneTimePreKey,
  decodePublicSignedPreKey, encodePreKeyBundle, nativeProvider, publicKemPreKey, publicOneTimePreKey, publicSignedPreKey, verifyPreKeyBundle
} from '../../src/crypto/index.js'
import { encodePb } from '../../src/crypto/codec.js'
import { kemEncapsulate } from '../../src/crypto/kem.js'
import { KemPreKeyPb, OneTimePreKeyPb, PreKeyBundlePb, SignedPreKeyPb } from '../../src/crypto/pb/keys.js'
import { SeededRandom } from '../helpers/seeded-random.js'
import type { CryptoProvider, PreKeyBundle } from '../../src/crypto/index.js'

const rng = new SeededRandom('prekey format')
const identity = IdentityKeyPair.generate(rng.random)
const spk = SignedPreKey.generate(identity, 1, 1_700_000_000_000, rng.random)
const kem = KemPreKey.generate(identity, 2, 1_700_000_000_000, true, rng.random)
const otk = OneTimePreKey.generate(3, rng.random)
const bundle: PreKeyBundle = {
  identityKey: identity.publicKey,
  deviceId: 7,
  signedPreKey: publicSignedPreKey(spk),
  kemPreKey: publicKemPreKey(kem),
  oneTimePreKey: publicOneTimePreKey(otk)
}
const garbage = Uint8Array.of(0xff)
const err = (name: string, message: string): unknown => expect.objectContaining({ name, message })

describe('prekey ids and times', () => {
  it('accept the uint32 and time bounds', () => {
    for (const id of [0, 0xffffffff]) {
      expect(SignedPreKey.generate(identity, id, 0, rng.random).id).toBe(id)
      expect(KemPreKey.generate(identity, id, 0, false, rng.random).id).toBe(id)
      expect(OneTimePreKey.generate(id, rng.random).id).toBe(id)
    }
    for (const t of [0, Number.MAX_SAFE_INTEGER]) {
      expect(SignedPreKey.deserialize(SignedPreKey.generate(identity, 1, t, rng.random).serialize()).createdAt).toBe(t)
      expect(KemPreKey.deserialize(KemPreKey.generate(identity, 1, t, true, rng.random).serialize()).createdAt).toBe(t)
    }
  })

  it.each([-1, 0x100000000, 1.5, Number.NaN])('refuse id %d on every kind', (id) => {
    const message = 'prekey id must be a uint32'
    expect(() => SignedPreKey.generate(identity, id, 0, rng.random)).toThrow(err('UnsupportedParameterError', message))
    expect(() => KemPreKey.generate(identity, id, 0, false, rng.random)).toThrow(err('UnsupportedParameterError', message))
    expect(() => OneTimePreKey.generate(id, rng.random)).toThrow(err('UnsupportedParameterError', message))
  })

  it.each([-1, Number.MAX_SAFE_INTEGER + 1, 1.5])('refuse createdAt %d on signed and KEM prekeys', (t) => {
    const message = 'createdAt must be a non-negative integer'
    expect(() => SignedPreKey.generate(identity, 1, t, rng.random)).toThrow(err('UnsupportedParameterError', message))
    expect(() => KemPreKey.generate(identity, 1, t, true, rng.random)).toThrow(err('UnsupportedParameterError', message))
  })

  it('a batch has consecutive ids and wraps at 2^32', () => {
    expect(OneTimePreKey.generateBatch(10, 3, rng.random).map(k => k.id)).toEqual([10, 11, 12])
    expect(OneTimePreKey.generateBatch(0xfffffffe, 3, rng.random).map(k => k.id)).toEqual([0xfffffffe, 0xffffffff, 0])
  })
})

describe('prekey deserialisation', () => {
  it.each([
    ['signed prekey', () => SignedPreKey.deserialize(garbage)],
    ['KEM prekey', () => KemPreKey.deserialize(garbage)],
    ['one-time prekey', () => OneTimePreKey.deserialize(garbage)],
    ['signed prekey', () => decodePublicSignedPreKey(garbage)],
    ['KEM prekey', () => decodePublicKemPreKey(garbage)],
    ['one-time prekey', () => decodePublicOneTimePreKey(garbage)],
    ['prekey bundle', () => decodePreKeyBundle(garbage)]
  ])('undecodable bytes: "Malformed %s"', (what, fn) => {
    expect(fn).toThrow(err('InvalidMessageError', `Malformed ${what}`))
  })

  it.each([31, 33, 0])('signed and one-time private keys of %i bytes are refused', (n) => {
    const signed = encodePb(SignedPreKeyPb, { id: 1, publicKey: spk.publicKey, privateKey: new Uint8Array(n).fill(1), signature: spk.signature, createdAt: 1n })
    expect(() => SignedPreKey.deserialize(signed)).toThrow(err('InvalidKeyError', 'Signed prekey private key must be 32 bytes'))
    const oneTime = encodePb(OneTimePreKeyPb, { id: 1, publicKey: otk.publicKey, privateKey: new Uint8Array(n).fill(1) })
    expect(() => OneTimePreKey.deserialize(oneTime)).toThrow(err('InvalidKeyError', 'One-time prekey private key must be 32 bytes'))
  })

  it.each([2399, 2401])('a KEM secret key of %i bytes is refused', (n) => {
    const bytes = encodePb(KemPreKeyPb, { id: 2, publicKey: kem.publicKey, secretKey: new Uint8Array(n), signature: kem.signature, createdAt: 1n, lastResort: true })
    expect(() => KemPreKey.deserialize(bytes)).toThrow(err('InvalidKeyError', 'ML-KEM secret key must be 2400 bytes'))
  })

  it.each([1183, 1185])('a KEM public key of %i bytes is refused', (n) => {
    const secret = KemPreKeyPb.decode(kem.serialize()).secretKey
    const bytes = encodePb(KemPreKeyPb, { id: 2, publicKey: new Uint8Array(n), secretKey: secret, signature: kem.signature, createdAt: 1n, lastResort: true })
    expect(() => KemPreKey.deserialize(bytes)).toThrow(err('InvalidKeyError', 'ML-KEM-768 public key must be 1184 bytes'))
  })

  it('a KEM prekey decapsulates with the provider it is given', () => {
    const { cipherText, sharedSecret } = kemEncapsulate(kem.publicKey, rng.random)
    expect(kem.decapsulate(cipherText)).toEqual(sharedSecret)
    const native = nativeProvider() as CryptoProvider
    const calls: number[] = []
    const spy: CryptoProvider = { ...native, mlKem768Decapsulate: (sk, ct) => { calls.push(ct.length); return native.mlKem768Decapsulate?.(sk, ct) } }
    expect(kem.decapsulate(cipherText, spy)).toEqual(sharedSecret)
    expect(calls).toEqual([1088])
  })

  it.each([
    ['SignedPreKey', spk], ['KemPreKey', kem], ['OneTimePreKey', otk]
  ] as const)('%s shows only its type in JSON and util.inspect', (type, key) => {
    expect(JSON.parse(JSON.stringify(key))).toEqual({ type, redacted: true })
    expect(inspect(key)).toBe(inspect({ type, redacted: true }))
  })
})

describe('prekey bundles', () => {
  it('decode without a one-time prekey leaves the field out entirely', () => {
    const decoded = decodePreKeyBundle(encodePreKeyBundle({ ...bundle, oneTimePreKey: undefined }))
    expect(Object.keys(decoded).sort()).toEqual(['deviceId', 'identityKey', 'kemPreKey', 'signedPreKey'])
    expect(decodePreKeyBundle(encodePreKeyBundle(bundle)).oneTimePreKey).toEqual(bundle.oneTimePreKey)
  })

  it.each([
    ['an id without a key', { oneTimePreKeyId: 3 }],
    ['a key without an id', { oneTimePreKey: otk.publicKey }]
  ])('refuse half a one-time prekey: %s', (_, half) => {
    const bytes = encodePb(PreKeyBundlePb, {
      identityKey: identity.publicKey, deviceId: 7, signedPreKeyId: 1, signedPreKey: spk.publicKey, signedPreKeySignature: spk.signature,
      kemPreKeyId: 2, kemPreKey: kem.publicKey, kemPreKeySignature: kem.signature, kemPreKeyLastResort: true, ...half
    })
    expect(() => decodePreKeyBundle(bytes)).toThrow(err('InvalidMessageError', 'Malformed prekey bundle'))
  })

  it('verify a valid bundle, with and without a one-time prekey', () => {
    expect(() => verifyPreKeyBundle(bundle)).not.toThrow()
    expect(() => verifyPreKeyBundle({ ...bundle, oneTimePreKey: undefined })).not.toThrow()
  })

  const flipped = (b: Uint8Array): Uint8Array => { const c = Uint8Array.from(b); c[0] ^= 1; return c }
  it.each([
    ['an identity key of 31 bytes', { identityKey: identity.publicKey.subarray(1) }, 'InvalidKeyError', 'Identity key must be 32 bytes'],
    ['a signed prekey of 31 bytes', { signedPreKey: { ...bundle.signedPreKey, publicKey: spk.publicKey.subarray(1) } }, 'InvalidKeyError', 'X25519 public key must be 32 bytes'],
    ['a KEM prekey of 1183 bytes', { kemPreKey: { ...bundle.kemPreKey, publicKey: kem.publicKey.subarray(1) } }, 'InvalidKeyError', 'ML-KEM-768 public key must be 1184 bytes'],
    ['a one-time prekey of 33 bytes', { oneTimePreKey: { id: 3, publicKey: new Uint8Array(33) } }, 'InvalidKeyError', 'X25519 public key must be 32 bytes'],
    ['a one-time prekey with bit 255 set', { oneTimePreKey: { id: 3, publicKey: new Uint8Array(32).fill(0x80) } }, 'InvalidKeyError', 'X25519 public key is not canonical'],
    ['a tampered signed prekey signature', { signedPreKey: { ...bundle.signedPreKey, signature: flipped(spk.signature) } }, 'InvalidSignatureError', 'Signed prekey signature did not verify'],
    ['a tampered KEM prekey signature', { kemPreKey: { ...bundle.kemPreKey, signature: flipped(kem.signature) } }, 'InvalidSignatureError', 'KEM prekey signature did not verify'],
    ['the signed prekey signed over the KEM key', { signedPreKey: { ...bundle.signedPreKey, signature: kem.signature } }, 'InvalidSignatureError', 'Signed prekey signature did not verify']
  ])('refuse %s', (_, change, name, message) => {
    expect(() => verifyPreKeyBundle({ ...bundle, ...change })).toThrow(err(name, message))
  })
})
