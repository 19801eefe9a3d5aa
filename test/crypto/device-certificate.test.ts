// Device certificates: the field bounds on creation (each at its edge) and what verification refuses.
import { describe, expect, it } from 'vitest'
import { createDeviceCertificate, IdentityKeyPair, MAX_DEVICE_PEER_ID_LENGTH, verifyDeviceCertificate } from '../../src/crypto/identity.js'
import { SeededRandom } from '../helpers/seeded-random.js'

const rng = new SeededRandom('device certificate')
const identity = IdentityKeyPair.generate(rng.random)
const other = IdentityKeyPair.generate(rng.random)
const fields = { devicePeerId: new Uint8Array(38).fill(1), deviceId: 1, createdAt: 1_700_000_000_000 }

describe('device certificates', () => {
  it('accept every field at its bounds and verify back to the same fields', () => {
    for (const f of [
      { ...fields, deviceId: 0 }, { ...fields, deviceId: 0xffffffff }, { ...fields, createdAt: 0 },
      { ...fields, createdAt: Number.MAX_SAFE_INTEGER }, { ...fields, devicePeerId: new Uint8Array(1) },
      { ...fields, devicePeerId: new Uint8Array(MAX_DEVICE_PEER_ID_LENGTH) }
    ]) {
      expect(verifyDeviceCertificate(createDeviceCertificate(identity, f), identity.publicKey)).toEqual({ ...f, identityKey: identity.publicKey })
    }
  })

  it.each([
    ['deviceId -1', { deviceId: -1 }, 'deviceId must be a uint32'],
    ['deviceId 2^32', { deviceId: 0x100000000 }, 'deviceId must be a uint32'],
    ['deviceId 1.5', { deviceId: 1.5 }, 'deviceId must be a uint32'],
    ['createdAt -1', { createdAt: -1 }, 'createdAt must be a non-negative integer'],
    ['createdAt past MAX_SAFE_INTEGER', { createdAt: Number.MAX_SAFE_INTEGER + 1 }, 'createdAt must be a non-negative integer'],
    ['an empty devicePeerId', { devicePeerId: new Uint8Array(0) }, 'devicePeerId length out of range'],
    ['a devicePeerId one byte too long', { devicePeerId: new Uint8Array(MAX_DEVICE_PEER_ID_LENGTH + 1) }, 'devicePeerId length out of range']
  ])('refuse to create with %s', (_, change, message) => {
    expect(() => createDeviceCertificate(identity, { ...fields, ...change })).toThrow(expect.objectContaining({ name: 'UnsupportedParameterError', message }))
  })

  it('refuse to verify another identity, tampered or undecodable bytes', () => {
    const cert = createDeviceCertificate(identity, fields)
    expect(() => verifyDeviceCertificate(cert, other.publicKey)).toThrow(expect.objectContaining({ name: 'InvalidSignatureError', message: 'Device certificate is for another identity' }))
    const tampered = cert.slice()
    tampered[tampered.length - 1] ^= 1
    expect(() => verifyDeviceCertificate(tampered)).toThrow(expect.objectContaining({ name: 'InvalidSignatureError' }))
    expect(() => verifyDeviceCertificate(Uint8Array.of(0xff))).toThrow(expect.objectContaining({ name: 'InvalidMessageError', message: 'Malformed device certificate' }))
  })
})
