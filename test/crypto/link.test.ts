// The device-link exchange's keys and frames: both sides agree only with the same code secret, ephemeral keys and peers; an altered, reordered, replayed or foreign frame does not open.
import { describe, it, expect } from 'vitest'
import { createLinkEphemeral, createLinkOffer, deriveLinkKeys, openLinkFrame, sealLinkFrame, LINK_SECRET_LENGTH, type LinkTranscript } from '../../src/crypto/index.js'
import { SeededRandom } from '../helpers/seeded-random.js'

const NEW_PEER = new Uint8Array([0, 36, 8, 1, 18, 32, ...new Array(32).fill(1)])
const APPROVER_PEER = new Uint8Array([0, 36, 8, 1, 18, 32, ...new Array(32).fill(2)])

function pair (seed = 1) {
  const rng = new SeededRandom(seed)
  const offer = createLinkOffer(rng.random)
  const e = createLinkEphemeral(rng.random)
  const t: LinkTranscript = { newDeviceKey: offer.publicKey, approverKey: e.publicKey, newPeer: NEW_PEER, approverPeer: APPROVER_PEER, secret: offer.secret }
  return { offer, e, t, approver: deriveLinkKeys(e.privateKey, offer.publicKey, t), device: deriveLinkKeys(offer.privateKey, e.publicKey, t) }
}

describe('device-link keys', () => {
  it('both sides derive the same two keys, one per direction', () => {
    const { approver, device, offer } = pair()
    expect(offer.secret).toHaveLength(LINK_SECRET_LENGTH)
    expect(approver.toNew).toEqual(device.toNew)
    expect(approver.toApprover).toEqual(device.toApprover)
    expect(approver.toNew).not.toEqual(approver.toApprover)
    const frame = sealLinkFrame(approver.toNew, 0, new TextEncoder().encode('grant'))
    expect(new TextDecoder().decode(openLinkFrame(device.toNew, 0, frame))).toBe('grant')
  })

  it('another secret, another peer or another ephemeral key gives other keys (someone without the code, a spliced connection)', () => {
    const { approver, offer, e, t } = pair()
    const variants: LinkTranscript[] = [
      { ...t, secret: new Uint8Array(LINK_SECRET_LENGTH).fill(9) },
      { ...t, newPeer: APPROVER_PEER },
      { ...t, approverPeer: NEW_PEER },
      { ...t, approverKey: createLinkEphemeral(new SeededRandom(7).random).publicKey }
    ]
    for (const v of variants) {
      const other = deriveLinkKeys(offer.privateKey, e.publicKey, v)
      expect(other.toNew).not.toEqual(approver.toNew)
      const frame = sealLinkFrame(approver.toNew, 0, new Uint8Array([1, 2, 3]))
      expect(() => openLinkFrame(other.toNew, 0, frame)).toThrow(expect.objectContaining({ name: 'DecryptionError' }))
    }
  })

  it('an altered, truncated, reordered or replayed frame does not open', () => {
    const { approver, device } = pair()
    const f0 = sealLinkFrame(approver.toNew, 0, new TextEncoder().encode('first'))
    const f1 = sealLinkFrame(approver.toNew, 1, new TextEncoder().encode('second'))
    const flipped = Uint8Array.from(f0)
    flipped[2] ^= 1
    expect(() => openLinkFrame(device.toNew, 0, flipped)).toThrow(/altered, out of order/)
    expect(() => openLinkFrame(device.toNew, 0, f0.subarray(0, f0.length - 1))).toThrow(/altered, out of order/)
    expect(() => openLinkFrame(device.toNew, 0, f1)).toThrow(/altered, out of order/)
    expect(() => openLinkFrame(device.toNew, 1, f0)).toThrow(/altered, out of order/)
    // a frame of one direction does not open in the other
    expect(() => openLinkFrame(device.toApprover, 0, f0)).toThrow(/altered, out of order/)
  })

  it('refuses a secret of the wrong length, an invalid key, a missing peer and a counter out of range', () => {
    const { offer, e, t } = pair()
    expect(() => deriveLinkKeys(e.privateKey, offer.publicKey, { ...t, secret: new Uint8Array(15) })).toThrow(/16 bytes/)
    expect(() => deriveLinkKeys(e.privateKey, offer.publicKey, { ...t, newDeviceKey: new Uint8Array(31) })).toThrow(expect.objectContaining({ name: 'InvalidKeyError' }))
    expect(() => deriveLinkKeys(e.privateKey, new Uint8Array(32), t)).toThrow(expect.objectContaining({ name: 'InvalidKeyError' }))
    expect(() => deriveLinkKeys(e.privateKey, offer.publicKey, { ...t, approverPeer: new Uint8Array(0) })).toThrow(/both peers/)
    expect(() => sealLinkFrame(new Uint8Array(32), -1, new Uint8Array(1))).toThrow(/counter/)
    expect(() => sealLinkFrame(new Uint8Array(32), 2 ** 32, new Uint8Array(1))).toThrow(/counter/)
    expect(() => sealLinkFrame(new Uint8Array(32), 1.5, new Uint8Array(1))).toThrow(/counter/)
  })
})
