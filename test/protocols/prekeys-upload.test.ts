// The signed upload / retire format (src/protocols/prekeys/upload.ts) on its own: the signature context, every
// check of verifyUpload in order with its error class and message, every size and batch bound on both sides,
// the clock window, tampering and uploads signed by someone else. No network, no clock.
import { describe, it, expect } from 'vitest'
import { signUpload, verifyUpload, uploadSignatureMessage, MAX_UPLOAD_BATCH, MAX_CLOCK_SKEW_MS } from '../../src/protocols/prekeys/index.js'
import { MAX_KEM_PREKEY_SIZE, MAX_ONE_TIME_PREKEY_SIZE, MAX_SIGNED_PREKEY_SIZE } from '../../src/protocols/prekeys/constants.js'
import { PreKeyUploadBody } from '../../src/protocols/prekeys/pb/prekeys.js'
import {
  IdentityKeyPair, SignedPreKey, KemPreKey, OneTimePreKey, publicSignedPreKey, publicKemPreKey, publicOneTimePreKey,
  encodePublicSignedPreKey, encodePublicKemPreKey, encodePublicOneTimePreKey, systemRandom, verifySignature
} from '../../src/crypto/index.js'
import { kemPreKeySignatureMessage, signedPreKeySignatureMessage } from '../../src/crypto/prekeys.js'

const RELAY = '12D3KooWRelayPeerIdForTheseTests'
const NOW = 1_700_000_000_000
const owner = IdentityKeyPair.generate(systemRandom)
const mallory = IdentityKeyPair.generate(systemRandom)

/** `bytes` with an unknown length-delimited field 15 appended so that the whole is `size` bytes (decoders skip it). */
function padTo (bytes: Uint8Array, size: number): Uint8Array<ArrayBuffer> {
  const n = size - bytes.length - 2
  if (n < 0 || n > 127) throw new Error(`cannot pad ${bytes.length} bytes to ${size}`)
  return Uint8Array.from([...bytes, 0x7a, n, ...new Uint8Array(n).fill(0x55)])
}

const signedPreKey = (identity = owner, id = 1): Uint8Array<ArrayBuffer> => Uint8Array.from(encodePublicSignedPreKey(publicSignedPreKey(SignedPreKey.generate(identity, id, NOW, systemRandom))))
const lastResort = (identity = owner): Uint8Array<ArrayBuffer> => Uint8Array.from(encodePublicKemPreKey(publicKemPreKey(KemPreKey.generate(identity, 0xffff, NOW, true, systemRandom))))
const oneTime = (id: number): Uint8Array<ArrayBuffer> => Uint8Array.from(encodePublicOneTimePreKey(publicOneTimePreKey(OneTimePreKey.generate(id, systemRandom))))
/** A KEM prekey over `publicKey` (any bytes), signed by `signer`: checkKemPublicKey looks at the length only. */
function kem (id: number, { lastResort = false, publicKey = systemRandom(1184), signer = owner }: { lastResort?: boolean, publicKey?: Uint8Array, signer?: IdentityKeyPair } = {}): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(encodePublicKemPreKey({ id, publicKey, signature: signer.sign(kemPreKeySignatureMessage(publicKey)), lastResort }))
}
/** A signed X25519 prekey over `publicKey` (any bytes), signed by `signer`. */
function signedOver (publicKey: Uint8Array, signer = owner): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(encodePublicSignedPreKey({ id: 1, publicKey, signature: signer.sign(signedPreKeySignatureMessage(publicKey)) }))
}

type Body = Partial<PreKeyUploadBody>

/** An upload of `fields` signed by `signer` (its own key named unless `identityKey` is given), for RELAY at NOW. */
function upload (fields: Body = {}, signer = owner): { uploadBody: Uint8Array, signature: Uint8Array } {
  const uploadBody = PreKeyUploadBody.encode({ identityKey: Uint8Array.from(signer.publicKey), deviceId: 1, relayPeerId: RELAY, timestamp: BigInt(NOW), ...fields })
  return { uploadBody, signature: signer.sign(uploadSignatureMessage(uploadBody)) }
}

const verify = (u: { uploadBody: Uint8Array, signature: Uint8Array }, now = NOW, relay = RELAY): ReturnType<typeof verifyUpload> => verifyUpload(u.uploadBody, u.signature, relay, now)

function refused (u: { uploadBody: Uint8Array, signature: Uint8Array }, name: string, message: string, now = NOW): void {
  let err: unknown
  try {
    verify(u, now)
  } catch (e) {
    err = e
  }
  expect(err, message).toBeInstanceOf(Error)
  expect(err, message).toMatchObject({ name, message })
}

describe('prekey upload format', () => {
  it('the signed message is the context "Parley_PreKeyUpload_v1" followed by the body', () => {
    const body = Uint8Array.from([1, 2, 3, 0xff])
    expect(Buffer.from(uploadSignatureMessage(body)).toString('latin1')).toBe('Parley_PreKeyUpload_v1\x01\x02\x03\xff')
    expect(uploadSignatureMessage(new Uint8Array(0))).toEqual(new TextEncoder().encode('Parley_PreKeyUpload_v1'))
  })

  it('signUpload signs context ‖ body with the identity, naming its key; verifyUpload returns every field as sent', () => {
    const spk = signedPreKey()
    const lr = lastResort()
    const otks = [oneTime(1), oneTime(2)]
    const kems = [kem(1), kem(7)]
    const signed = signUpload(owner, { deviceId: 3, relayPeerId: RELAY, timestamp: BigInt(NOW), signedPreKey: Uint8Array.from(spk), lastResortKemPreKey: Uint8Array.from(lr), oneTimePreKeys: otks.map(k => Uint8Array.from(k)), kemOneTimePreKeys: kems.map(k => Uint8Array.from(k)) })
    expect(verifySignature(owner.publicKey, uploadSignatureMessage(signed.uploadBody), signed.signature)).toBe(true)
    const body = PreKeyUploadBody.decode(signed.uploadBody)
    expect(body.identityKey).toEqual(owner.publicKey)
    expect(body.retire).toBe(false)
    expect(verify(signed)).toEqual({
      identityKey: Uint8Array.from(owner.publicKey),
      deviceId: 3,
      timestamp: NOW,
      signedPreKey: spk,
      lastResortKemPreKey: lr,
      oneTimePreKeys: [{ id: 1, encoded: otks[0] }, { id: 2, encoded: otks[1] }],
      kemOneTimePreKeys: [{ id: 1, encoded: kems[0] }, { id: 7, encoded: kems[1] }]
    })
    // a top-up without the signed and last-resort keys has neither field
    const otk = Uint8Array.from(oneTime(9))
    const topUp = verify(upload({ oneTimePreKeys: [otk] }))
    expect(topUp).toEqual({ identityKey: Uint8Array.from(owner.publicKey), deviceId: 1, timestamp: NOW, oneTimePreKeys: [{ id: 9, encoded: otk }], kemOneTimePreKeys: [] })
    expect('signedPreKey' in topUp || 'lastResortKemPreKey' in topUp || 'retire' in topUp).toBe(false)
  })

  it('refuses a body that does not decode, and an identity key that is not a valid Ed25519 key, as malformed', () => {
    refused({ uploadBody: Uint8Array.from([0x0a, 0x50, 1, 2]), signature: new Uint8Array(64) }, 'InvalidPreKeyRequestError', 'malformed upload body')
    for (const identityKey of [new Uint8Array(0), new Uint8Array(31).fill(3), new Uint8Array(33).fill(3), Uint8Array.from([1, ...new Uint8Array(31)])]) {
      // signed by the owner, so only the identity key check can refuse it
      const uploadBody = PreKeyUploadBody.encode({ identityKey, deviceId: 1, relayPeerId: RELAY, timestamp: BigInt(NOW) })
      refused({ uploadBody, signature: owner.sign(uploadSignatureMessage(uploadBody)) }, 'InvalidPreKeyRequestError', 'malformed identity key')
    }
  })

  it('refuses an upload not signed by the identity key it names: forged, tampered, without the context, or a signature of another length', () => {
    const message = 'upload is not signed by the identity key it names'
    // mallory signs a body naming the owner's key
    const forged = PreKeyUploadBody.encode({ identityKey: Uint8Array.from(owner.publicKey), deviceId: 2, relayPeerId: RELAY, timestamp: BigInt(NOW), retire: true })
    refused({ uploadBody: forged, signature: mallory.sign(uploadSignatureMessage(forged)) }, 'PreKeySignatureError', message)
    // the owner's signature on another body
    const good = upload({ deviceId: 2 })
    refused({ uploadBody: upload({ deviceId: 3 }).uploadBody, signature: good.signature }, 'PreKeySignatureError', message)
    const flipped = Uint8Array.from(good.signature)
    flipped[10] ^= 1
    refused({ uploadBody: good.uploadBody, signature: flipped }, 'PreKeySignatureError', message)
    // the body signed without the context
    refused({ uploadBody: good.uploadBody, signature: owner.sign(good.uploadBody) }, 'PreKeySignatureError', message)
    for (const signature of [new Uint8Array(0), good.signature.subarray(0, 63), Uint8Array.from([...good.signature, 0])]) {
      refused({ uploadBody: good.uploadBody, signature }, 'PreKeySignatureError', message)
    }
    expect(verify(good).deviceId).toBe(2)
  })

  it('refuses an upload signed for another relay', () => {
    const u = upload()
    expect(() => verifyUpload(u.uploadBody, u.signature, 'another relay', NOW)).toThrow(expect.objectContaining({ name: 'WrongRelayError', message: 'upload was signed for another relay' }))
    refused(upload({ relayPeerId: '' }), 'WrongRelayError', 'upload was signed for another relay')
  })

  it(`accepts a timestamp up to ${MAX_CLOCK_SKEW_MS} ms from the relay's clock either way, and refuses one ms more or an unsafe integer`, () => {
    const message = "upload timestamp is more than 300 s from the relay's clock"
    for (const t of [NOW - MAX_CLOCK_SKEW_MS, NOW + MAX_CLOCK_SKEW_MS, NOW]) expect(verify(upload({ timestamp: BigInt(t) })).timestamp).toBe(t)
    for (const t of [NOW - MAX_CLOCK_SKEW_MS - 1, NOW + MAX_CLOCK_SKEW_MS + 1, 0]) refused(upload({ timestamp: BigInt(t) }), 'StaleUploadError', message)
    refused(upload({ timestamp: 2n ** 53n }), 'StaleUploadError', message, 2 ** 53)
    expect(verify(upload({ timestamp: 2n ** 53n - 1n }), 2 ** 53 - 1).timestamp).toBe(2 ** 53 - 1)
  })

  it(`takes ${MAX_UPLOAD_BATCH} one-time keys of each kind, refuses one more of either kind before looking at any key`, () => {
    const otks = Array.from({ length: MAX_UPLOAD_BATCH }, (_, i) => Uint8Array.from(oneTime(i + 1)))
    const kems = Array.from({ length: MAX_UPLOAD_BATCH }, (_, i) => Uint8Array.from(kem(i + 1)))
    const full = verify(upload({ oneTimePreKeys: otks, kemOneTimePreKeys: kems }))
    expect(full.oneTimePreKeys.map(k => k.id)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
    expect(full.kemOneTimePreKeys.map(k => k.id)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
    const message = 'at most 100 one-time prekeys of each kind per upload'
    const junk = Array.from({ length: MAX_UPLOAD_BATCH + 1 }, () => Uint8Array.from([0xff]))
    refused(upload({ oneTimePreKeys: junk }), 'PreKeyLimitError', message)
    refused(upload({ kemOneTimePreKeys: junk }), 'PreKeyLimitError', message)
    refused(upload({ oneTimePreKeys: [...otks, Uint8Array.from(oneTime(101))] }), 'PreKeyLimitError', message)
    refused(upload({ kemOneTimePreKeys: [...kems, Uint8Array.from(kem(101))] }), 'PreKeyLimitError', message)
  })

  describe('retirement', () => {
    it('a signed retirement carries only the identity and the device', () => {
      const signed = signUpload(owner, { deviceId: 4, relayPeerId: RELAY, timestamp: BigInt(NOW), oneTimePreKeys: [], kemOneTimePreKeys: [], retire: true })
      expect(verify(signed)).toEqual({ identityKey: Uint8Array.from(owner.publicKey), deviceId: 4, timestamp: NOW, oneTimePreKeys: [], kemOneTimePreKeys: [], retire: true })
    })

    it('refuses a retirement that carries any key, one kind at a time', () => {
      const withEach: Body[] = [
        { signedPreKey: Uint8Array.from(signedPreKey()) },
        { lastResortKemPreKey: Uint8Array.from(lastResort()) },
        { oneTimePreKeys: [Uint8Array.from(oneTime(1))] },
        { kemOneTimePreKeys: [Uint8Array.from(kem(1))] }
      ]
      for (const fields of withEach) refused(upload({ ...fields, retire: true }), 'InvalidPreKeyRequestError', 'a retirement carries no keys')
    })

    it('refuses a retirement of a device of another identity (signed by someone else), a stale or wrong-relay one', () => {
      const body = PreKeyUploadBody.encode({ identityKey: Uint8Array.from(owner.publicKey), deviceId: 1, relayPeerId: RELAY, timestamp: BigInt(NOW), retire: true })
      refused({ uploadBody: body, signature: mallory.sign(uploadSignatureMessage(body)) }, 'PreKeySignatureError', 'upload is not signed by the identity key it names')
      refused(upload({ retire: true, timestamp: BigInt(NOW - MAX_CLOCK_SKEW_MS - 1) }), 'StaleUploadError', "upload timestamp is more than 300 s from the relay's clock")
      refused(upload({ retire: true, relayPeerId: 'elsewhere' }), 'WrongRelayError', 'upload was signed for another relay')
    })
  })

  describe('signed prekey', () => {
    it(`takes an encoding of ${MAX_SIGNED_PREKEY_SIZE} bytes, refuses one byte more`, () => {
      const exact = padTo(signedPreKey(), MAX_SIGNED_PREKEY_SIZE)
      expect(verify(upload({ signedPreKey: exact })).signedPreKey).toEqual(exact)
      refused(upload({ signedPreKey: padTo(signedPreKey(), MAX_SIGNED_PREKEY_SIZE + 1) }), 'InvalidPreKeyRequestError', 'signed prekey too large')
    })

    it('refuses one that does not decode, or whose key is not a canonical 32-byte X25519 key even when signed, as malformed', () => {
      const message = 'malformed signed prekey'
      refused(upload({ signedPreKey: Uint8Array.from([0x12, 0x40, 1]) }), 'InvalidPreKeyRequestError', message)
      const nonCanonical = new Uint8Array(32).fill(0x11)
      nonCanonical[31] = 0x80
      for (const key of [new Uint8Array(31).fill(0x11), new Uint8Array(33).fill(0x11), nonCanonical]) {
        refused(upload({ signedPreKey: Uint8Array.from(signedOver(key)) }), 'InvalidPreKeyRequestError', message)
      }
    })

    it('refuses one signed by another identity, or with a broken signature', () => {
      const message = 'signed prekey is not signed by the identity key'
      refused(upload({ signedPreKey: Uint8Array.from(signedPreKey(mallory)) }), 'PreKeySignatureError', message)
      const key = systemRandom(32)
      key[31] &= 0x7f
      const sig = owner.sign(signedPreKeySignatureMessage(key))
      sig[0] ^= 1
      refused(upload({ signedPreKey: Uint8Array.from(encodePublicSignedPreKey({ id: 1, publicKey: key, signature: sig })) }), 'PreKeySignatureError', message)
    })
  })

  describe('KEM prekeys (last-resort and one-time)', () => {
    const kinds = [
      { what: 'last-resort KEM prekey', lastResort: true, put: (k: Uint8Array): Body => ({ lastResortKemPreKey: Uint8Array.from(k) }) },
      { what: 'one-time KEM prekey', lastResort: false, put: (k: Uint8Array): Body => ({ kemOneTimePreKeys: [Uint8Array.from(k)] }) }
    ]

    it(`take an encoding of ${MAX_KEM_PREKEY_SIZE} bytes, refuse one byte more`, () => {
      for (const { what, lastResort, put } of kinds) {
        const exact = padTo(kem(5, { lastResort }), MAX_KEM_PREKEY_SIZE)
        const ok = verify(upload(put(exact)))
        expect(lastResort ? ok.lastResortKemPreKey : ok.kemOneTimePreKeys[0].encoded, what).toEqual(exact)
        refused(upload(put(padTo(kem(5, { lastResort }), MAX_KEM_PREKEY_SIZE + 1))), 'InvalidPreKeyRequestError', `${what} too large`)
      }
    })

    it('refuse one that does not decode, or whose key is not 1184 bytes even when signed, as malformed', () => {
      for (const { what, lastResort, put } of kinds) {
        refused(upload(put(Uint8Array.from([0x12, 0x7f, 1, 2]))), 'InvalidPreKeyRequestError', `malformed ${what}`)
        for (const length of [1183, 1185, 0]) {
          refused(upload(put(kem(5, { lastResort, publicKey: systemRandom(length) }))), 'InvalidPreKeyRequestError', `malformed ${what}`)
        }
      }
    })

    it('refuse the other kind (the last-resort flag must match its place)', () => {
      for (const { what, lastResort, put } of kinds) {
        refused(upload(put(kem(5, { lastResort: !lastResort }))), 'InvalidPreKeyRequestError', `${what} has the wrong last-resort flag`)
      }
    })

    it('refuse one signed by another identity', () => {
      for (const { what, lastResort, put } of kinds) {
        refused(upload(put(kem(5, { lastResort, signer: mallory }))), 'PreKeySignatureError', `${what} is not signed by the identity key`)
        // a real key of mallory's, offered under the owner's identity
        refused(upload(put(Uint8Array.from(encodePublicKemPreKey(publicKemPreKey(KemPreKey.generate(mallory, 1, NOW, lastResort, systemRandom)))))), 'PreKeySignatureError', `${what} is not signed by the identity key`)
      }
    })

    it('refuse a one-time KEM id twice in one upload; the same id as an X25519 one-time key is fine', () => {
      refused(upload({ kemOneTimePreKeys: [kem(3), kem(4), kem(3)] }), 'InvalidPreKeyRequestError', 'duplicate one-time KEM prekey id')
      const ok = verify(upload({ oneTimePreKeys: [Uint8Array.from(oneTime(3))], kemOneTimePreKeys: [kem(3)] }))
      expect([ok.oneTimePreKeys[0].id, ok.kemOneTimePreKeys[0].id]).toEqual([3, 3])
    })
  })

  describe('one-time X25519 prekeys', () => {
    it(`take an encoding of ${MAX_ONE_TIME_PREKEY_SIZE} bytes, refuse one byte more`, () => {
      const exact = padTo(oneTime(1), MAX_ONE_TIME_PREKEY_SIZE)
      expect(verify(upload({ oneTimePreKeys: [exact] })).oneTimePreKeys).toEqual([{ id: 1, encoded: exact }])
      refused(upload({ oneTimePreKeys: [padTo(oneTime(1), MAX_ONE_TIME_PREKEY_SIZE + 1)] }), 'InvalidPreKeyRequestError', 'one-time prekey too large')
    })

    it('refuse one that does not decode, or whose key is not a canonical 32-byte X25519 key, as malformed', () => {
      const message = 'malformed one-time prekey'
      refused(upload({ oneTimePreKeys: [Uint8Array.from([0x12, 0x20, 1])] }), 'InvalidPreKeyRequestError', message)
      const nonCanonical = new Uint8Array(32).fill(0xff)
      nonCanonical[31] = 0x7f
      for (const publicKey of [new Uint8Array(31).fill(5), new Uint8Array(0), nonCanonical]) {
        refused(upload({ oneTimePreKeys: [Uint8Array.from(encodePublicOneTimePreKey({ id: 1, publicKey }))] }), 'InvalidPreKeyRequestError', message)
      }
    })

    it('refuse an id twice in one upload', () => {
      refused(upload({ oneTimePreKeys: [oneTime(1), oneTime(2), oneTime(1)] }), 'InvalidPreKeyRequestError', 'duplicate one-time prekey id')
      refused(upload({ oneTimePreKeys: [oneTime(8), oneTime(8)] }), 'InvalidPreKeyRequestError', 'duplicate one-time prekey id')
    })
  })

  it('checks in order: body, identity, signature, relay, time, batch size, then the keys', () => {
    // a forged upload for another relay, out of time, with junk keys: the signature is what is refused
    const body = PreKeyUploadBody.encode({ identityKey: Uint8Array.from(owner.publicKey), deviceId: 1, relayPeerId: 'x', timestamp: 1n, oneTimePreKeys: [Uint8Array.from([0xff])] })
    refused({ uploadBody: body, signature: mallory.sign(uploadSignatureMessage(body)) }, 'PreKeySignatureError', 'upload is not signed by the identity key it names')
    refused(upload({ relayPeerId: 'x', timestamp: 1n }), 'WrongRelayError', 'upload was signed for another relay')
    refused(upload({ timestamp: 1n, oneTimePreKeys: Array.from({ length: 101 }, () => Uint8Array.from([0xff])) }), 'StaleUploadError', "upload timestamp is more than 300 s from the relay's clock")
    refused(upload({ signedPreKey: Uint8Array.from(signedPreKey(mallory)), lastResortKemPreKey: Uint8Array.from([0xff]) }), 'PreKeySignatureError', 'signed prekey is not signed by the identity key')
  })
})
