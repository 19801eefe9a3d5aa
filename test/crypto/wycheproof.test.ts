// Wycheproof vectors (test/fixtures/wycheproof, Apache-2.0) through both providers and the noble curve/KEM code we use.
import { readFileSync } from 'node:fs'
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js'
import { describe, expect, it } from 'vitest'
import { nativeProvider, nobleProvider, verifySignature } from '../../src/crypto/index.js'
import { x25519Agree } from '../../src/crypto/dh.js'
import { kemDecapsulate, kemEncapsulate } from '../../src/crypto/kem.js'
import type { CryptoProvider } from '../../src/crypto/index.js'

interface Group<T> { tests: T[], [k: string]: unknown }
function load<T> (name: string): Array<Group<T>> {
  const url = new URL(`../fixtures/wycheproof/${name}`, import.meta.url)
  return (JSON.parse(readFileSync(url, 'utf8')) as { testGroups: Array<Group<T>> }).testGroups
}
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'))
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

const native = nativeProvider()
if (native === undefined) throw new Error('tests run in Node: the native provider must exist')
const providers: CryptoProvider[] = [native, nobleProvider]

interface AeadCase { tcId: number, key: string, iv: string, aad: string, msg: string, ct: string, tag: string, result: string, flags: string[] }
interface MacCase { tcId: number, key: string, msg: string, tag: string, result: string }
interface HkdfCase { tcId: number, ikm: string, salt: string, info: string, size: number, okm: string, result: string }

describe.each(providers)('wycheproof via the $name provider', (p) => {
  it('AES-GCM (12-byte IV, 16-byte tag supported; other IV sizes must be rejected)', () => {
    let checked = 0
    let rejected = 0
    for (const g of load<AeadCase>('aes_gcm_test.json')) {
      for (const t of g.tests) {
        const key = hex(t.key); const iv = hex(t.iv); const aad = hex(t.aad); const msg = hex(t.msg)
        const sealed = new Uint8Array([...hex(t.ct), ...hex(t.tag)])
        if (g.ivSize !== 96 || g.tagSize !== 128) {
          // unsupported parameter → must be rejected, both ways
          expect(() => p.aesGcmDecrypt(key, iv, sealed, aad), `tc ${t.tcId}`).toThrow()
          if (g.ivSize !== 96) expect(() => p.aesGcmEncrypt(key, iv, msg, aad), `tc ${t.tcId}`).toThrow()
          rejected++
          continue
        }
        if (t.result === 'valid') {
          expect(toHex(p.aesGcmEncrypt(key, iv, msg, aad)), `tc ${t.tcId}`).toBe(t.ct + t.tag)
          expect(toHex(p.aesGcmDecrypt(key, iv, sealed, aad)), `tc ${t.tcId}`).toBe(t.msg)
        } else {
          let err: unknown
          try { p.aesGcmDecrypt(key, iv, sealed, aad) } catch (e) { err = e }
          expect((err as Error | undefined)?.name, `tc ${t.tcId}`).toMatch(/DecryptionError|UnsupportedParameterError/)
        }
        checked++
      }
    }
    expect(checked).toBeGreaterThan(150)
    expect(rejected).toBeGreaterThan(0)
  })

  it('HMAC-SHA256 (truncated tags compare on the prefix)', () => {
    let n = 0
    for (const g of load<MacCase>('hmac_sha256_test.json')) {
      const tagBytes = (g.tagSize as number) / 8
      for (const t of g.tests) {
        const mac = p.hmacSha256(hex(t.key), hex(t.msg)).subarray(0, tagBytes)
        expect(toHex(mac) === t.tag, `tc ${t.tcId}`).toBe(t.result === 'valid')
        n++
      }
    }
    expect(n).toBe(174)
  })

  it('HKDF-SHA256 (invalid = output size out of range → rejected)', () => {
    let n = 0
    for (const g of load<HkdfCase>('hkdf_sha256_test.json')) {
      for (const t of g.tests) {
        if (t.result === 'valid') {
          expect(toHex(p.hkdfSha256(hex(t.ikm), hex(t.salt), hex(t.info), t.size)), `tc ${t.tcId}`).toBe(t.okm)
        } else {
          expect(() => p.hkdfSha256(hex(t.ikm), hex(t.salt), hex(t.info), t.size), `tc ${t.tcId}`).toThrow()
        }
        n++
      }
    }
    expect(n).toBe(86)
  })
  it('X25519: valid and acceptable cases agree; zero shared secrets are rejected by x25519Agree', () => {
    interface XCase { tcId: number, public: string, private: string, shared: string, result: string, flags: string[] }
    expect(toHex(p.x25519PublicKey(hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a')))).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a')
    let n = 0
    for (const g of load<XCase>('x25519_test.json')) {
      for (const t of g.tests) {
        n++
        if (/^0+$/.test(t.shared)) {
          // low-order public key: PQXDH must reject (acceptable for raw X25519, invalid for us)
          expect(() => x25519Agree(hex(t.private), hex(t.public), p), `tc ${t.tcId}`).toThrow(expect.objectContaining({ name: 'InvalidKeyError' }))
          continue
        }
        // valid and acceptable (non-canonical / twist points): result must match the vector
        expect(toHex(p.x25519(hex(t.private), hex(t.public))), `tc ${t.tcId}`).toBe(t.shared)
        // x25519Agree additionally refuses non-canonical encodings (bit 255 set or u ≥ p); those are 'acceptable' cases
        const pub = hex(t.public)
        const canonical = (pub[31] & 0x80) === 0 && !(pub[31] === 0x7f && pub[0] >= 0xed && pub.subarray(1, 31).every(b => b === 0xff))
        if (canonical) expect(toHex(x25519Agree(hex(t.private), pub, p)), `tc ${t.tcId}`).toBe(t.shared)
        else {
          expect(t.result, `tc ${t.tcId}`).toBe('acceptable')
          expect(() => x25519Agree(hex(t.private), pub, p), `tc ${t.tcId}`).toThrow(expect.objectContaining({ name: 'InvalidKeyError' }))
        }
      }
    }
    expect(n).toBe(518)
  })

  it('Ed25519 (strict verification)', () => {
    interface ECase { tcId: number, msg: string, sig: string, result: string }
    let n = 0
    for (const g of load<ECase>('ed25519_test.json')) {
      const pk = hex((g.publicKey as { pk: string }).pk)
      for (const t of g.tests) {
        expect(verifySignature(pk, hex(t.msg), hex(t.sig), p), `tc ${t.tcId}`).toBe(t.result === 'valid')
        n++
      }
    }
    expect(n).toBe(151)
    // signing is deterministic: re-sign a valid vector with a known key (RFC 8032 test 1)
    const sk = hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60')
    expect(toHex(p.ed25519PublicKey(sk))).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')
    expect(toHex(p.ed25519Sign(sk, new Uint8Array(0)))).toBe('e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b')
  })
})

describe('wycheproof (ML-KEM: noble, and native decapsulation where node:crypto has it)', () => {
  it('ML-KEM-768 keygen/decapsulation', () => {
    interface KCase { tcId: number, seed: string, ek: string, c: string, K: string, result: string }
    let n = 0
    for (const g of load<KCase>('mlkem_768_test.json')) {
      for (const t of g.tests) {
        n++
        if (t.result === 'valid') {
          const { publicKey, secretKey } = ml_kem768.keygen(hex(t.seed))
          expect(toHex(publicKey), `tc ${t.tcId}`).toBe(t.ek)
          for (const p of [undefined, ...providers]) expect(toHex(kemDecapsulate(hex(t.c), secretKey, p)), `tc ${t.tcId} ${p?.name ?? 'noble'}`).toBe(t.K)
        } else {
          // invalid: seed (private key) or ciphertext of the wrong length → must be rejected
          for (const p of [undefined, ...providers]) expect(() => kemDecapsulate(hex(t.c), ml_kem768.keygen(hex(t.seed)).secretKey, p), `tc ${t.tcId}`).toThrow()
        }
      }
    }
    expect(n).toBe(193)
  })

  it('ML-KEM-768 encapsulation (modulus check rejects invalid keys)', () => {
    interface ECase { tcId: number, ek: string, m: string, c: string, K: string, result: string }
    let n = 0
    for (const g of load<ECase>('mlkem_768_encaps_test.json')) {
      for (const t of g.tests) {
        n++
        const seq = [hex(t.m)]
        const random = (): Uint8Array => seq.shift() ?? new Uint8Array(32)
        if (t.result === 'valid') {
          const { cipherText, sharedSecret } = kemEncapsulate(hex(t.ek), random)
          expect(toHex(cipherText), `tc ${t.tcId}`).toBe(t.c)
          expect(toHex(sharedSecret), `tc ${t.tcId}`).toBe(t.K)
        } else {
          expect(() => kemEncapsulate(hex(t.ek), random), `tc ${t.tcId}`).toThrow(expect.objectContaining({ name: 'InvalidKeyError' }))
        }
      }
    }
    expect(n).toBe(265)
  })
})
