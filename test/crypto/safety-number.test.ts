// Safety numbers: 60 digits, symmetric, unique per pair; QR comparison.
import { describe, expect, it } from 'vitest'
import { sha512 } from '@noble/hashes/sha2.js'
import { IdentityKeyPair, SAFETY_NUMBER_ITERATIONS, compareSafetyNumberQr, nobleProvider, safetyNumber } from '../../src/crypto/index.js'
import { SeededRandom } from '../helpers/seeded-random.js'

describe('safety number', () => {
  const rng = new SeededRandom('safety')
  const [a, b, c] = [0, 1, 2].map(() => IdentityKeyPair.generate(rng.random).publicKey)

  it('is 60 digits and the same on both sides (native and noble agree)', () => {
    const ab = safetyNumber({ localIdentityKey: a, remoteIdentityKey: b })
    const ba = safetyNumber({ localIdentityKey: b, remoteIdentityKey: a }, nobleProvider)
    expect(ab.digits).toMatch(/^\d{60}$/)
    expect(ba.digits).toBe(ab.digits)
    expect(compareSafetyNumberQr(ab.qr, ba.qr)).toBe(true)
    expect(compareSafetyNumberQr(ab.qr, ab.qr)).toBe(false)
  })

  it('differs for any other pair', () => {
    const ab = safetyNumber({ localIdentityKey: a, remoteIdentityKey: b })
    const ac = safetyNumber({ localIdentityKey: a, remoteIdentityKey: c })
    const bc = safetyNumber({ localIdentityKey: b, remoteIdentityKey: c })
    expect(new Set([ab.digits, ac.digits, bc.digits]).size).toBe(3)
    expect(compareSafetyNumberQr(ab.qr, safetyNumber({ localIdentityKey: c, remoteIdentityKey: a }).qr)).toBe(false)
  })

  it('matches an independent implementation of Signal\'s numeric fingerprint (5200 × SHA-512)', () => {
    const half = (key: Uint8Array): string => {
      let h = sha512(new Uint8Array([0, 0, ...key]))
      for (let i = 0; i < SAFETY_NUMBER_ITERATIONS; i++) h = sha512(new Uint8Array([...h, ...key]))
      let out = ''
      for (let i = 0; i < 30; i += 5) out += (Number(BigInt('0x' + Buffer.from(h.subarray(i, i + 5)).toString('hex')) % 100000n)).toString().padStart(5, '0')
      return out
    }
    const expected = [half(a), half(b)].sort().join('')
    expect(safetyNumber({ localIdentityKey: a, remoteIdentityKey: b }).digits).toBe(expected)
    expect(SAFETY_NUMBER_ITERATIONS).toBe(5200)
  })
})

