// Sealed sender: round trip, tampering, wrong recipient, certificate binding.
import { describe, expect, it } from 'vitest'
import { IdentityKeyPair, createDeviceCertificate, openSealedSender, sealSender, verifyDeviceCertificate } from '../../src/crypto/index.js'
import { dec, enc } from './parties.js'
import { SeededRandom } from '../helpers/seeded-random.js'

function errorName (fn: () => unknown): string | undefined {
  try { fn() } catch (e) { return (e as Error).name }
  return undefined
}
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

function parties (label: string): { deps: { random: (n: number) => Uint8Array }, alice: IdentityKeyPair, bob: IdentityKeyPair, cert: Uint8Array } {
  const rng = new SeededRandom(label)
  const alice = IdentityKeyPair.generate(rng.random)
  const bob = IdentityKeyPair.generate(rng.random)
  const cert = createDeviceCertificate(alice, { devicePeerId: enc('12D3KooWalice'), deviceId: 1, createdAt: 1_700_000_000_000 })
  return { deps: { random: rng.random }, alice, bob, cert }
}

describe('device certificates', () => {
  it('verify, and reject tampering or another identity', () => {
    const { alice, bob, cert } = parties('cert')
    const c = verifyDeviceCertificate(cert, alice.publicKey)
    expect(c.deviceId).toBe(1)
    expect(c.createdAt).toBe(1_700_000_000_000)
    expect(dec(c.devicePeerId)).toBe('12D3KooWalice')
    expect(errorName(() => verifyDeviceCertificate(cert, bob.publicKey))).toBe('InvalidSignatureError')
    for (let bit = 0; bit < cert.length * 8; bit++) {
      const m = Uint8Array.from(cert)
      m[bit >> 3] ^= 1 << (bit & 7)
      let ok = false
      try {
        const d = verifyDeviceCertificate(m, alice.publicKey)
        // protobuf framing bits that decode to the same fields are harmless; any field change must fail
        ok = d.deviceId === 1 && d.createdAt === 1_700_000_000_000 && dec(d.devicePeerId) === '12D3KooWalice'
        expect(ok, `bit ${bit}`).toBe(true)
      } catch (e) {
        expect((e as Error).name, `bit ${bit}`).toMatch(/InvalidSignatureError|InvalidMessageError|InvalidKeyError/)
      }
    }
  })
})

describe('sealed sender', () => {
  it('round trip: the recipient learns sender, certificate and content', () => {
    const { deps, alice, bob, cert } = parties('seal')
    const env = sealSender({ senderIdentity: alice, senderCertificate: cert, recipientIdentityKey: bob.publicKey, content: enc('inner ciphertext'), contentType: 2 }, deps)
    const opened = openSealedSender(bob, env)
    expect(hex(opened.senderIdentityKey)).toBe(hex(alice.publicKey))
    expect(opened.certificate.deviceId).toBe(1)
    expect(opened.contentType).toBe(2)
    expect(dec(opened.content)).toBe('inner ciphertext')
    // nothing about the sender in clear
    expect(hex(env)).not.toContain(hex(alice.publicKey))
    expect(hex(env)).not.toContain(hex(alice.dhPublicKey))
    expect(hex(env)).not.toContain(hex(enc('12D3KooWalice')))
  })

  it('every single-bit flip is rejected', () => {
    const { deps, alice, bob, cert } = parties('seal-flip')
    const env = sealSender({ senderIdentity: alice, senderCertificate: cert, recipientIdentityKey: bob.publicKey, content: enc('x') }, deps)
    for (let bit = 0; bit < env.length * 8; bit++) {
      const m = Uint8Array.from(env)
      m[bit >> 3] ^= 1 << (bit & 7)
      expect(errorName(() => openSealedSender(bob, m)), `bit ${bit}`).toMatch(/DecryptionError|InvalidMessageError|InvalidKeyError/)
    }
  })

  it('only the recipient can open it', () => {
    const { deps, alice, bob, cert } = parties('seal-wrong')
    const carol = IdentityKeyPair.generate(new SeededRandom('carol').random)
    const env = sealSender({ senderIdentity: alice, senderCertificate: cert, recipientIdentityKey: bob.publicKey, content: enc('x') }, deps)
    expect(errorName(() => openSealedSender(carol, env))).toBe('DecryptionError')
    expect(errorName(() => openSealedSender(alice, env))).toBe('DecryptionError')
  })

  it('a certificate of another identity is refused', () => {
    const { deps, bob, cert } = parties('seal-cert')
    const mallory = IdentityKeyPair.generate(new SeededRandom('mallory').random)
    const env = sealSender({ senderIdentity: mallory, senderCertificate: cert, recipientIdentityKey: bob.publicKey, content: enc('x') }, deps)
    expect(errorName(() => openSealedSender(bob, env))).toBe('InvalidSignatureError')
  })
})
