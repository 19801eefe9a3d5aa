// Verifier attestations: issue, encode, verify, trust; forgeries and other bindings refused.
import { describe, it, expect } from 'vitest'
import { IdentityKeyPair, createAttestation, encodeAttestation, decodeAttestation, attestationTrusted, ATTESTATION_LENGTH, systemRandom } from '../../src/crypto/index.js'

const verifier = IdentityKeyPair.generate(systemRandom)
const user = IdentityKeyPair.generate(systemRandom)
const directoryKey = systemRandom(32)
const now = 1_800_000_000_000

describe('attestation', () => {
  const a = createAttestation(verifier, { directoryKey, identityKey: user.publicKey, issuedAt: now, expiresAt: now + 86_400_000 })
  const bytes = encodeAttestation(a)

  it('round-trips and is trusted for its own binding only', () => {
    expect(bytes).toHaveLength(ATTESTATION_LENGTH)
    const decoded = decodeAttestation(bytes)
    expect(decoded.issuedAt).toBe(now)
    const expect1 = { directoryKey, identityKey: user.publicKey, now: now + 1000, trustedVerifiers: [verifier.publicKey] }
    expect(attestationTrusted(decoded, expect1)).toBe(true)
    expect(attestationTrusted(decoded, { ...expect1, trustedVerifiers: [user.publicKey] })).toBe(false)
    expect(attestationTrusted(decoded, { ...expect1, identityKey: verifier.publicKey })).toBe(false)
    expect(attestationTrusted(decoded, { ...expect1, directoryKey: systemRandom(32) })).toBe(false)
    expect(attestationTrusted(decoded, { ...expect1, now: now + 86_400_000 })).toBe(false)
  })

  it('every single-bit flip is refused', () => {
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const copy = bytes.slice()
      copy[bit >> 3] ^= 1 << (bit & 7)
      expect(() => decodeAttestation(copy), `bit ${bit}`).toThrow()
    }
  })

  it('wrong lengths and bad times are refused', () => {
    expect(() => decodeAttestation(bytes.subarray(1))).toThrow(/wrong length/)
    expect(() => createAttestation(verifier, { directoryKey, identityKey: user.publicKey, issuedAt: now, expiresAt: now })).toThrow(/times/)
    expect(() => createAttestation(verifier, { directoryKey: directoryKey.subarray(1), identityKey: user.publicKey, issuedAt: now, expiresAt: now + 1 })).toThrow()
  })
})
