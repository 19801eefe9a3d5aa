// The native and noble providers give identical results and identical typed errors; the ratchet is provider-independent.
import { describe, expect, it } from 'vitest'
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js'
import { defaultProvider, nativeProvider, nobleProvider, ratchetDecrypt, ratchetEncrypt } from '../../src/crypto/index.js'
import { kemDecapsulate } from '../../src/crypto/kem.js'
import { dec, enc, establishedPair } from './parties.js'
import { SeededRandom } from '../helpers/seeded-random.js'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

describe('providers', () => {
  const native = nativeProvider()
  if (native === undefined) throw new Error('native provider missing in Node')

  it('the default provider in Node is native', () => {
    expect(defaultProvider().name).toBe('native')
  })

  it('agree on random inputs of many sizes', () => {
    const rng = new SeededRandom('providers')
    for (let i = 0; i < 200; i++) {
      const data = rng.random(rng.int(300))
      const key = rng.random([16, 24, 32][i % 3])
      const iv = rng.random(12)
      const aad = rng.random(rng.int(40))
      expect(hex(native.sha256(data))).toBe(hex(nobleProvider.sha256(data)))
      expect(hex(native.sha512(data))).toBe(hex(nobleProvider.sha512(data)))
      expect(hex(native.hmacSha256(key, data))).toBe(hex(nobleProvider.hmacSha256(key, data)))
      const len = rng.int(200)
      const salt = rng.random(rng.int(3) === 0 ? 0 : 32)
      expect(hex(native.hkdfSha256(data, salt, aad, len))).toBe(hex(nobleProvider.hkdfSha256(data, salt, aad, len)))
      const ct = native.aesGcmEncrypt(key, iv, data, aad)
      expect(hex(ct)).toBe(hex(nobleProvider.aesGcmEncrypt(key, iv, data, aad)))
      expect(hex(nobleProvider.aesGcmDecrypt(key, iv, ct, aad))).toBe(hex(data))
      const bad = Uint8Array.from(ct); bad[rng.int(bad.length)] ^= 1 << rng.int(8)
      for (const p of [native, nobleProvider]) {
        expect(() => p.aesGcmDecrypt(key, iv, bad, aad)).toThrow(expect.objectContaining({ name: 'DecryptionError' }))
        expect(() => p.aesGcmDecrypt(key, iv, ct.subarray(0, 15), aad)).toThrow(expect.objectContaining({ name: 'DecryptionError' }))
        expect(() => p.aesGcmEncrypt(key.subarray(1), iv, data, aad)).toThrow(expect.objectContaining({ name: 'UnsupportedParameterError' }))
        expect(() => p.hkdfSha256(data, salt, aad, 255 * 32 + 1)).toThrow(expect.objectContaining({ name: 'UnsupportedParameterError' }))
      }
    }
  })

  it('a session can switch provider mid-conversation (same bytes either way)', () => {
    const { deps, a, b } = establishedPair('switch', nobleProvider)
    const m = ratchetEncrypt(a, enc('from noble'), deps)
    expect(dec(ratchetDecrypt(b, m.message, { ...deps, provider: native }).plaintext)).toBe('from noble')
    const viaNative = ratchetEncrypt(a, enc('from noble'), { provider: native })
    expect(hex(viaNative.message)).toBe(hex(m.message))
  })

  it('key caches never serve a stale key when a caller reuses a buffer', () => {
    const rng = new SeededRandom('stale')
    const [s1, s2] = [rng.random(32), rng.random(32)]
    const msg = Uint8Array.of(1, 2, 3)
    const pub = native.ed25519PublicKey(s1)
    const sig1 = native.ed25519Sign(s1, msg)
    expect(native.ed25519Verify(pub, msg, sig1)).toBe(true)
    pub.set(native.ed25519PublicKey(s2)) // same array, other key
    expect(native.ed25519Verify(pub, msg, sig1)).toBe(false)
    expect(native.ed25519Verify(pub, msg, native.ed25519Sign(s2, msg))).toBe(true)
    const seed = Uint8Array.from(s1)
    const sigA = native.ed25519Sign(seed, msg)
    seed.set(s2)
    expect(hex(native.ed25519Sign(seed, msg))).not.toBe(hex(sigA))
    expect(hex(native.ed25519Sign(seed, msg))).toBe(hex(nobleProvider.ed25519Sign(s2, msg)))
    const x = Uint8Array.from(s1)
    const peer = native.x25519PublicKey(s2)
    const d1 = native.x25519(x, peer)
    x.set(rng.random(32))
    expect(hex(native.x25519(x, peer))).not.toBe(hex(d1))
    expect(hex(native.x25519(x, peer))).toBe(hex(nobleProvider.x25519(x, peer)))
  })

  it('native ML-KEM-768 decapsulation gives noble\'s bytes, incl. implicit rejection, and never uses a stale key', () => {
    const rng = new SeededRandom('mlkem')
    if (typeof (process.getBuiltinModule('node:crypto') as { decapsulate?: unknown }).decapsulate !== 'function') return // Node < 24.7: noble only
    const { publicKey, secretKey } = ml_kem768.keygen(rng.random(64))
    for (let i = 0; i < 20; i++) {
      const { cipherText, sharedSecret } = ml_kem768.encapsulate(publicKey, rng.random(32))
      const viaNative = native.mlKem768Decapsulate?.(secretKey, cipherText)
      expect(viaNative).toBeDefined()
      expect(hex(viaNative ?? new Uint8Array(0))).toBe(hex(sharedSecret))
      const bad = Uint8Array.from(cipherText); bad[rng.int(bad.length)] ^= 1 << rng.int(8)
      expect(hex(kemDecapsulate(bad, secretKey, native))).toBe(hex(kemDecapsulate(bad, secretKey, nobleProvider)))
    }
    const reused = Uint8Array.from(secretKey)
    const other = ml_kem768.keygen(rng.random(64))
    const ct = ml_kem768.encapsulate(other.publicKey, rng.random(32))
    kemDecapsulate(ct.cipherText, reused, native) // caches the import for `reused`
    reused.set(other.secretKey)
    expect(hex(kemDecapsulate(ct.cipherText, reused, native))).toBe(hex(ct.sharedSecret))
  })
})
