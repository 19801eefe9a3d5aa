// Sealed sender envelopes, safety-number QR payloads and PQXDH prekey lookups at their edges: the envelope's minimum
// length and version byte, content that decrypts but does not decode, the explicit refusal messages; QR versions of
// either side; key checks before prekey lookups, a lookup handing back another key, and the provider each step uses.
import { describe, expect, it } from 'vitest'
import {
  IdentityKeyPair, compareSafetyNumberQr, createDeviceCertificate, nativeProvider, openSealedSender, pqxdhInitiate, pqxdhRespond, ratchetEncrypt,
  SignedPreKey, safetyNumber, sealSender
} from '../../src/crypto/index.js'
import { concat, utf8 } from '../../src/crypto/bytes.js'
import { encodePb } from '../../src/crypto/codec.js'
import { encodePreKeyMessage, parsePreKeyMessage } from '../../src/crypto/ratchet/message.js'
import { SafetyNumberQrPb, SealedContentPb } from '../../src/crypto/pb/messages.js'
import { dec, enc, makeResponder } from './parties.js'
import { SeededRandom } from '../helpers/seeded-random.js'
import type { CryptoProvider, PreKeyLookup } from '../../src/crypto/index.js'
import type { Responder } from './parties.js'

const rng = new SeededRandom('envelope format')
const deps = { random: rng.random }
const err = (name: string, message: string): unknown => expect.objectContaining({ name, message })
const native = nativeProvider() as CryptoProvider
const smallOrder = new Uint8Array(32); smallOrder[0] = 1

describe('sealed sender envelopes', () => {
  const alice = IdentityKeyPair.generate(rng.random)
  const bob = IdentityKeyPair.generate(rng.random)
  const cert = createDeviceCertificate(alice, { devicePeerId: enc('alice device'), deviceId: 1, createdAt: 0 })
  const env = sealSender({ senderIdentity: alice, senderCertificate: cert, recipientIdentityKey: bob.publicKey, content: enc('x') }, deps)
  // version(1) ‖ ephemeral key(32) ‖ encrypted sender identity(32 + 16) ‖ tag of the content (16) at the least
  const minimum = 1 + 32 + 48 + 16

  it('shorter than the header and a content tag, or of another version, are malformed', () => {
    for (const n of [0, 1, minimum - 1]) expect(() => openSealedSender(bob, env.subarray(0, n))).toThrow(err('InvalidMessageError', 'Malformed sealed sender envelope'))
    for (const version of [0x10, 0x12, 0x01]) {
      const other = env.slice(); other[0] = version
      expect(() => openSealedSender(bob, other)).toThrow(err('InvalidMessageError', 'Malformed sealed sender envelope'))
    }
    // the minimum length passes the framing check and fails authentication
    expect(() => openSealedSender(bob, env.subarray(0, minimum))).toThrow(err('DecryptionError', 'Decryption failed'))
  })

  it('content that authenticates but does not decode is malformed', () => {
    // seal by hand with the sender's real keys, as sealSender does, around an undecodable inner message
    const p = native
    const e = rng.random(32)
    const ePub = p.x25519PublicKey(e)
    const eKeys = p.hkdfSha256(p.x25519(e, bob.dhPublicKey), concat(utf8('Parley-SealedSender-v1'), bob.publicKey, ePub), utf8('Parley_SealedSender_Ephemeral_v1'), 64)
    const prefix = concat(Uint8Array.of(0x11), ePub)
    const iv = new Uint8Array(12)
    const encryptedStatic = p.aesGcmEncrypt(eKeys.subarray(32, 64), iv, alice.publicKey, prefix)
    const sKey = p.hkdfSha256(alice.agree(bob.dhPublicKey), concat(eKeys.subarray(0, 32), encryptedStatic), utf8('Parley_SealedSender_Static_v1'), 32)
    const sealed = (inner: Uint8Array): Uint8Array => concat(prefix, encryptedStatic, p.aesGcmEncrypt(sKey, iv, inner, concat(prefix, encryptedStatic)))
    // the hand-made envelope opens when its inner message is well formed
    expect(dec(openSealedSender(bob, sealed(encodePb(SealedContentPb, { certificate: cert, contentType: 0, content: enc('inner') }))).content)).toBe('inner')
    expect(() => openSealedSender(bob, sealed(Uint8Array.of(0xff)))).toThrow(err('InvalidMessageError', 'Malformed sealed sender content'))
  })

  it('a certificate of another identity than the sender is refused with its message', () => {
    const mallory = IdentityKeyPair.generate(rng.random)
    const forged = sealSender({ senderIdentity: mallory, senderCertificate: cert, recipientIdentityKey: bob.publicKey, content: enc('x') }, deps)
    expect(() => openSealedSender(bob, forged)).toThrow(err('InvalidSignatureError', 'Certificate is for another identity than the sender'))
  })
})

describe('safety-number QR payloads', () => {
  const [a, b] = [IdentityKeyPair.generate(rng.random).publicKey, IdentityKeyPair.generate(rng.random).publicKey]
  const ours = safetyNumber({ localIdentityKey: a, remoteIdentityKey: b }).qr
  const theirs = safetyNumber({ localIdentityKey: b, remoteIdentityKey: a }).qr
  const withVersion = (qr: Uint8Array, version: number): Uint8Array => SafetyNumberQrPb.encode({ ...SafetyNumberQrPb.decode(qr), version })

  it('of another version on either side are refused', () => {
    expect(compareSafetyNumberQr(ours, theirs)).toBe(true)
    for (const v of [0, 2]) {
      expect(() => compareSafetyNumberQr(withVersion(ours, v), theirs)).toThrow(err('InvalidMessageError', 'Unsupported safety number QR version'))
      expect(() => compareSafetyNumberQr(ours, withVersion(theirs, v))).toThrow(err('InvalidMessageError', 'Unsupported safety number QR version'))
    }
  })

  it('that do not decode are refused on either side', () => {
    expect(() => compareSafetyNumberQr(Uint8Array.of(0xff), theirs)).toThrow(err('InvalidMessageError', 'Malformed safety number QR payload'))
    expect(() => compareSafetyNumberQr(ours, Uint8Array.of(0xff))).toThrow(err('InvalidMessageError', 'Malformed safety number QR payload'))
  })

  it('are made only from valid identity keys, with the provider given', () => {
    expect(() => safetyNumber({ localIdentityKey: a.subarray(1), remoteIdentityKey: b })).toThrow(err('InvalidKeyError', 'Identity key must be 32 bytes'))
    expect(() => safetyNumber({ localIdentityKey: a, remoteIdentityKey: smallOrder })).toThrow(err('InvalidKeyError', 'Identity key is of small order'))
    let calls = 0
    const p: CryptoProvider = { ...native, sha512: (d) => { calls++; return native.sha512(d) } }
    expect(safetyNumber({ localIdentityKey: a, remoteIdentityKey: b }, p).digits).toBe(safetyNumber({ localIdentityKey: a, remoteIdentityKey: b }).digits)
    expect(calls).toBe(2 * 5201)
  })
})

describe('PQXDH prekey lookups', () => {
  /** a first message to `bob` and the lookups it needs */
  const setUp = (label: string): { bob: Responder, first: Uint8Array, identity: IdentityKeyPair } => {
    const r = new SeededRandom(label)
    const bob = makeResponder(r)
    const alice = IdentityKeyPair.generate(r.random)
    const first = ratchetEncrypt(pqxdhInitiate(alice, bob.bundle({ oneTime: false }), { random: r.random }), enc('hello'), { random: r.random }).message
    return { bob, first, identity: bob.identity }
  }

  it('a first message from an invalid identity key is refused before any prekey is looked up', () => {
    const { first, identity } = setUp('lookup order')
    const asked: string[] = []
    const none: PreKeyLookup = {
      signedPreKey: (id) => { asked.push(`signed ${id}`); return undefined },
      kemPreKey: (id) => { asked.push(`kem ${id}`); return undefined },
      oneTimePreKey: (id) => { asked.push(`one-time ${id}`); return undefined }
    }
    const forged = encodePreKeyMessage({ ...parsePreKeyMessage(first), identityKey: smallOrder })
    expect(() => pqxdhRespond({ identity, message: forged, preKeys: none, isReplay: () => false }, deps)).toThrow(err('InvalidKeyError', 'Identity key is of small order'))
    expect(asked).toEqual([])
  })

  it('without a one-time prekey id the one-time lookup is never asked', () => {
    const { bob, first, identity } = setUp('no one-time')
    const asked: Array<number | undefined> = []
    const preKeys: PreKeyLookup = { ...bob.lookup, oneTimePreKey: (id) => { asked.push(id); return bob.lookup.oneTimePreKey(id) } }
    expect(dec(pqxdhRespond({ identity, message: first, preKeys, isReplay: () => false }, deps).plaintext)).toBe('hello')
    expect(asked).toEqual([])
  })

  it.each([
    ['signed prekey', (bob: Responder): PreKeyLookup => ({ ...bob.lookup, signedPreKey: () => SignedPreKey.generate(bob.identity, 2, 0, rng.random) })],
    ['KEM prekey', (bob: Responder): PreKeyLookup => ({ ...bob.lookup, kemPreKey: () => bob.kemPreKeys.get(101) })] // the message names 100
  ])('a lookup that hands back a %s of another id is a session mismatch', (_, wrong) => {
    const { bob, first, identity } = setUp('wrong key')
    expect(() => pqxdhRespond({ identity, message: first, preKeys: wrong(bob), isReplay: () => false }, deps))
      .toThrow(err('SessionMismatchError', 'Prekey lookup returned another key'))
  })
})
