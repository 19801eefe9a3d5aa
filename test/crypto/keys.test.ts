// Identity keys, prekeys and bundles: generation, serialisation round trips, determinism from seeded randomness.
import { describe, expect, it } from 'vitest'
import {
  IdentityKeyPair, KemPreKey, OneTimePreKey, SignedPreKey, decodePreKeyBundle, decodePublicKemPreKey, decodePublicOneTimePreKey,
  decodePublicSignedPreKey, encodePreKeyBundle, encodePublicKemPreKey, encodePublicOneTimePreKey, encodePublicSignedPreKey,
  identityDhPublicKey, nobleProvider, publicKemPreKey, publicOneTimePreKey, publicSignedPreKey, verifyPreKeyBundle
} from '../../src/crypto/index.js'
import { SeededRandom } from '../helpers/seeded-random.js'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

describe('keys', () => {
  it('are deterministic under seeded randomness and identical across providers', () => {
    const a = IdentityKeyPair.generate(new SeededRandom('det').random)
    const b = IdentityKeyPair.generate(new SeededRandom('det').random, nobleProvider)
    expect(hex(a.publicKey)).toBe(hex(b.publicKey))
    expect(hex(a.sign(Uint8Array.of(1)))).toBe(hex(b.sign(Uint8Array.of(1), nobleProvider)))
  })

  it('identity key pair round-trips and its X25519 form agrees both ways', () => {
    const rng = new SeededRandom('identity')
    const a = IdentityKeyPair.generate(rng.random)
    const b = IdentityKeyPair.generate(rng.random)
    const a2 = IdentityKeyPair.deserialize(a.serialize())
    expect(hex(a2.publicKey)).toBe(hex(a.publicKey))
    expect(hex(identityDhPublicKey(a.publicKey))).toBe(hex(a.dhPublicKey))
    expect(hex(a2.agree(b.dhPublicKey))).toBe(hex(b.agree(a.dhPublicKey)))
    expect(hex(a.agree(b.dhPublicKey, nobleProvider))).toBe(hex(b.agree(a.dhPublicKey)))
    const bad = a.serialize(); bad[bad.length - 1] ^= 1
    expect(() => IdentityKeyPair.deserialize(bad)).toThrow(expect.objectContaining({ name: 'InvalidKeyError' }))
  })

  it('prekeys round-trip with and without private parts', () => {
    const rng = new SeededRandom('prekeys')
    const id = IdentityKeyPair.generate(rng.random)
    const spk = SignedPreKey.generate(id, 5, 1234, rng.random)
    const kem = KemPreKey.generate(id, 6, 1234, false, rng.random)
    const otk = OneTimePreKey.generate(7, rng.random)
    const spk2 = SignedPreKey.deserialize(spk.serialize())
    const kem2 = KemPreKey.deserialize(kem.serialize())
    const otk2 = OneTimePreKey.deserialize(otk.serialize())
    expect([spk2.id, spk2.createdAt, hex(spk2.publicKey), hex(spk2.signature)]).toEqual([5, 1234, hex(spk.publicKey), hex(spk.signature)])
    expect([kem2.id, kem2.lastResort, hex(kem2.publicKey)]).toEqual([6, false, hex(kem.publicKey)])
    expect([otk2.id, hex(otk2.publicKey)]).toEqual([7, hex(otk.publicKey)])
    expect(hex(spk2.serialize())).toBe(hex(spk.serialize()))
    expect(decodePublicSignedPreKey(encodePublicSignedPreKey(publicSignedPreKey(spk)))).toEqual(publicSignedPreKey(spk))
    expect(decodePublicKemPreKey(encodePublicKemPreKey(publicKemPreKey(kem)))).toEqual(publicKemPreKey(kem))
    expect(decodePublicOneTimePreKey(encodePublicOneTimePreKey(publicOneTimePreKey(otk)))).toEqual(publicOneTimePreKey(otk))
    // the public form carries no private key
    expect(hex(encodePublicSignedPreKey(publicSignedPreKey(spk)))).not.toContain(hex(spk.serialize()).slice(-40))
    const bundle = { identityKey: id.publicKey, deviceId: 3, signedPreKey: publicSignedPreKey(spk), kemPreKey: publicKemPreKey(kem), oneTimePreKey: publicOneTimePreKey(otk) }
    const decoded = decodePreKeyBundle(encodePreKeyBundle(bundle))
    expect(decoded).toEqual(bundle)
    verifyPreKeyBundle(decoded)
    const withoutOtk = decodePreKeyBundle(encodePreKeyBundle({ ...bundle, oneTimePreKey: undefined }))
    expect(withoutOtk.oneTimePreKey).toBeUndefined()
    expect(() => SignedPreKey.generate(id, -1, 0, rng.random)).toThrow(expect.objectContaining({ name: 'UnsupportedParameterError' }))
  })
})
