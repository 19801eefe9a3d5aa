// The record format without a DHT or a phone number (pure unit tests, fast to mutate): the DHT key, envelope
// encoding and every check of validateEnvelope at its boundary, the inner record, the published fields'
// limits, and the selector rule's parts (attestation counting, the registration lock, hand-overs) on
// hand-made envelopes.
import { describe, it, expect, beforeAll } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { IdentityKeyPair, createDeviceCertificate, systemRandom, type Attestation } from '../../src/crypto/index.js'
import {
  CLOCK_SKEW_MS, LOCK_WINDOW_MS, MAX_ATTESTATIONS, MAX_DEVICES, MAX_RECORD_LIFETIME_MS, MAX_RELAYS, MAX_RELAY_ADDR_LENGTH, MAX_VALUE_BYTES,
  RECORD_VERSION, checkRecordFields, decodeEnvelope, handedOverBy, isLocked, newestAttestation, oldestAttestation, parseDirectoryKey,
  replaces, signEnvelope, signHandover, validateEnvelope, type DirectoryRecordFields, type ValidEnvelope
} from '../../src/directory/index.js'
import { decodeInnerRecord, dhtKeyOf, encodeInnerRecord, sameRecord, type DirectoryRecord } from '../../src/directory/record.js'
import { DirectoryEnvelopePb } from '../../src/directory/pb/record.js'
import { attest, makeUser, makeVerifier, type TestUser, failure } from './fixtures.js'

const HOUR = 3600_000
const NOW = 1_800_000_000_000
const CONTEXT = new TextEncoder().encode('Parley_DirectoryEnvelope_v1')

function concat (a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

type RawEnvelope = { version: number, identityKey: Uint8Array, attestations: Uint8Array[], sealed: Uint8Array, signature: Uint8Array, handover: Uint8Array, released: boolean, seq: bigint | number, issuedAt: bigint | number, expiresAt: bigint | number }

/** An envelope encoded field by field and signed by `signer` as the format says (docs/design.md §4), bypassing signEnvelope's checks. */
function rawEnvelope (signer: IdentityKeyPair, fields: Partial<RawEnvelope> = {}): Uint8Array {
  const pb = {
    version: RECORD_VERSION,
    identityKey: signer.publicKey,
    seq: 1,
    issuedAt: NOW,
    expiresAt: NOW + HOUR,
    attestations: [],
    sealed: new Uint8Array(28),
    signature: new Uint8Array(0),
    handover: new Uint8Array(0),
    released: false,
    ...fields
  }
  const asPb = (signature: Uint8Array): DirectoryEnvelopePb => ({ ...pb, seq: BigInt(pb.seq), issuedAt: BigInt(pb.issuedAt), expiresAt: BigInt(pb.expiresAt), signature } as unknown as DirectoryEnvelopePb)
  const signature = fields.signature ?? signer.sign(concat(CONTEXT, DirectoryEnvelopePb.encode(asPb(new Uint8Array(0)))))
  return DirectoryEnvelopePb.encode(asPb(signature))
}

/** A hand-made envelope for the selector rule: attestations are given decoded (only their times and verifier count). */
function envelope (id: number, f: { seq?: number, issuedAt?: number, expiresAt?: number, attestations?: Array<{ issuedAt: number, expiresAt: number, verifier?: number }>, released?: boolean, handoverFrom?: number } = {}): ValidEnvelope {
  return {
    version: RECORD_VERSION,
    identityKey: new Uint8Array(32).fill(id),
    seq: f.seq ?? 1,
    issuedAt: f.issuedAt ?? NOW - HOUR,
    expiresAt: f.expiresAt ?? NOW + HOUR,
    attestations: [],
    sealed: new Uint8Array(28),
    signature: new Uint8Array(64).fill(id),
    decodedAttestations: (f.attestations ?? []).map(a => ({
      directoryKey: new Uint8Array(32),
      identityKey: new Uint8Array(32).fill(id),
      issuedAt: a.issuedAt,
      expiresAt: a.expiresAt,
      verifierKey: new Uint8Array(32).fill(a.verifier ?? 200),
      signature: new Uint8Array(64)
    }) satisfies Attestation),
    ...(f.released === true ? { released: true } : {}),
    ...(f.handoverFrom != null
      ? { decodedHandover: { oldIdentityKey: new Uint8Array(32).fill(f.handoverFrom), newIdentityKey: new Uint8Array(32).fill(id), directoryKey: new Uint8Array(32), issuedAt: NOW - HOUR, signature: new Uint8Array(64) } }
      : {})
  }
}

const att = (issuedAt: number, expiresAt = NOW + 30 * 24 * HOUR, verifier?: number): { issuedAt: number, expiresAt: number, verifier?: number } => ({ issuedAt, expiresAt, ...(verifier != null ? { verifier } : {}) })

describe('directory keys', () => {
  const hex = '00112233445566778899aabbccddeeff' + 'f0e1d2c3b4a5968778695a4b3c2d1e0f'
  const bytes = Uint8Array.from(Buffer.from(hex, 'hex'))

  it('parses /parley-phone/<64 hex> from a string or bytes into sha256(H)', () => {
    const fromString = parseDirectoryKey(`/parley-phone/${hex}`)
    expect(fromString.dhtKey).toBe(`/parley-phone/${hex}`)
    expect(Buffer.from(fromString.directoryKey).toString('hex')).toBe(hex)
    const fromBytes = parseDirectoryKey(new TextEncoder().encode(`/parley-phone/${hex}`))
    expect(fromBytes.dhtKey).toBe(`/parley-phone/${hex}`)
    expect(fromBytes.directoryKey).toEqual(bytes)
  })

  it('refuses other namespaces, lengths, upper case and surrounding text', () => {
    for (const key of [
      `/pk/${hex}`, `parley-phone/${hex}`, `/parley-phone${hex}`, `/parley-phone/${hex.slice(2)}`, `/parley-phone/${hex}00`,
      `/parley-phone/${hex.toUpperCase()}`, `/parley-phone/${hex}/`, `x/parley-phone/${hex}`, `/parley-phone/ ${hex.slice(1)}`,
      `/parley-phone/${hex.slice(0, 63)}g`, '/parley-phone/', ''
    ]) {
      expect(failure(() => parseDirectoryKey(key)), key).toBe('MalformedRecordError: directory key is malformed')
    }
  })

  it('dhtKeyOf is its inverse and takes only 32-byte keys', () => {
    expect(dhtKeyOf(bytes)).toBe(`/parley-phone/${hex}`)
    expect(parseDirectoryKey(dhtKeyOf(bytes)).directoryKey).toEqual(bytes)
    expect(failure(() => dhtKeyOf(bytes.subarray(1)))).toBe('MalformedRecordError: directory key is malformed')
    expect(failure(() => dhtKeyOf(new Uint8Array(33)))).toBe('MalformedRecordError: directory key is malformed')
  })
})

describe('envelope encoding and validation', () => {
  const directoryKey = Uint8Array.from({ length: 32 }, (_, i) => i + 1)
  const key = dhtKeyOf(directoryKey)
  const otherKey = new Uint8Array(32).fill(9)
  let alice: IdentityKeyPair
  let mallory: IdentityKeyPair
  const verifier = makeVerifier()
  const validate = (value: Uint8Array, now = NOW): string => failure(() => validateEnvelope(key, value, now))

  beforeAll(() => {
    alice = IdentityKeyPair.generate(systemRandom)
    mallory = IdentityKeyPair.generate(systemRandom)
  })

  it('a signed envelope round-trips through decodeEnvelope with only the fields it has', () => {
    const sealed = systemRandom(40)
    const a = attest(verifier, directoryKey, alice.publicKey, NOW - HOUR)
    const value = signEnvelope(alice, { seq: 3, issuedAt: NOW, expiresAt: NOW + HOUR, attestations: [a], sealed })
    const e = decodeEnvelope(value)
    expect(e).toEqual({ version: RECORD_VERSION, identityKey: alice.publicKey, seq: 3, issuedAt: NOW, expiresAt: NOW + HOUR, attestations: [a], sealed, signature: e.signature })
    expect(e.signature).toHaveLength(64)
    expect('handover' in e).toBe(false)
    expect('released' in e).toBe(false)
    // the signature covers the context string and the envelope encoded with an empty signature
    const body = DirectoryEnvelopePb.encode({ ...DirectoryEnvelopePb.decode(value), signature: new Uint8Array(0) })
    expect(alice.publicKey).toEqual(e.identityKey)
    expect(rawEnvelope(alice, { seq: 3, attestations: [a], sealed, signature: e.signature })).toEqual(value)
    expect(body.length + e.signature.length + 2).toBe(value.length)
    const v = validateEnvelope(key, value, NOW)
    expect(v.decodedAttestations.map(d => d.issuedAt)).toEqual([NOW - HOUR])
    expect('decodedHandover' in v).toBe(false)
  })

  it('a released envelope with a hand-over keeps both through decode and validation', () => {
    const handover = signHandover(mallory, { directoryKey, newIdentityKey: alice.publicKey, issuedAt: NOW - HOUR })
    const value = signEnvelope(alice, { seq: 2, issuedAt: NOW, expiresAt: NOW + HOUR, attestations: [], sealed: new Uint8Array(28), handover, released: true })
    const e = decodeEnvelope(value)
    expect(e.handover).toEqual(handover)
    expect(e.released).toBe(true)
    const v = validateEnvelope(key, value, NOW)
    expect(v.decodedHandover?.oldIdentityKey).toEqual(mallory.publicKey)
    expect(v.decodedHandover?.newIdentityKey).toEqual(alice.publicKey)
    expect(v.released).toBe(true)
    // a hand-over for another identity, or for another number, fails the envelope
    const wrong = signHandover(mallory, { directoryKey: otherKey, newIdentityKey: alice.publicKey, issuedAt: NOW - HOUR })
    expect(validate(signEnvelope(alice, { seq: 2, issuedAt: NOW, expiresAt: NOW + HOUR, attestations: [], sealed: new Uint8Array(28), handover: wrong }))).toBe('InvalidHandoverError: hand-over is for another number')
  })

  it('decodes times up to Number.MAX_SAFE_INTEGER and refuses larger ones by name', () => {
    const max = BigInt(Number.MAX_SAFE_INTEGER)
    const e = decodeEnvelope(rawEnvelope(alice, { seq: max, issuedAt: max, expiresAt: max }))
    expect([e.seq, e.issuedAt, e.expiresAt]).toEqual([Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER])
    expect(failure(() => decodeEnvelope(rawEnvelope(alice, { seq: max + 1n })))).toBe('MalformedRecordError: seq out of range')
    expect(failure(() => decodeEnvelope(rawEnvelope(alice, { issuedAt: max + 1n })))).toBe('MalformedRecordError: issuedAt out of range')
    expect(failure(() => decodeEnvelope(rawEnvelope(alice, { expiresAt: max + 1n })))).toBe('MalformedRecordError: expiresAt out of range')
    expect(failure(() => decodeEnvelope(new Uint8Array([0xff, 0xff])))).toBe('MalformedRecordError: directory record is malformed')
  })

  it('accepts a hand-encoded envelope signed as the format says', () => {
    expect(validate(rawEnvelope(alice))).toBe('no error')
  })

  it('refuses values that are not bytes, too large, or not canonically encoded', () => {
    expect(validate('abc' as unknown as Uint8Array)).toBe('MalformedRecordError: directory record is malformed')
    expect(validate(new Uint8Array(MAX_VALUE_BYTES + 1))).toBe('RecordTooLargeError: directory record is too large')
    // exactly the limit is not too large (it fails as garbage instead)
    expect(validate(new Uint8Array(MAX_VALUE_BYTES))).toMatch(/^MalformedRecordError/)
    expect(validate(new Uint8Array([...rawEnvelope(alice), 0x08, 0x01]))).toBe('MalformedRecordError: record is not canonically encoded')
    expect(failure(() => validateEnvelope('/parley-phone/00', rawEnvelope(alice), NOW))).toBe('MalformedRecordError: directory key is malformed')
  })

  it('refuses another version, a wrong-length or invalid identity key, a short sealed record and bad signatures', () => {
    expect(validate(rawEnvelope(alice, { version: RECORD_VERSION + 1 }))).toBe('MalformedRecordError: unsupported record version')
    expect(validate(rawEnvelope(alice, { version: 0 }))).toBe('MalformedRecordError: unsupported record version')
    expect(validate(rawEnvelope(alice, { identityKey: alice.publicKey.subarray(1) }))).toBe('MalformedRecordError: identity key has the wrong length')
    expect(validate(rawEnvelope(alice, { identityKey: new Uint8Array(33) }))).toBe('MalformedRecordError: identity key has the wrong length')
    // the identity point of small order (all zero but the first byte: y = 1)
    const smallOrder = new Uint8Array(32)
    smallOrder[0] = 1
    expect(validate(rawEnvelope(alice, { identityKey: smallOrder }))).toBe('MalformedRecordError: identity key is invalid')
    expect(validate(rawEnvelope(alice, { sealed: new Uint8Array(27) }))).toBe('MalformedRecordError: sealed record is too short')
    expect(validate(rawEnvelope(alice, { sealed: new Uint8Array(28) }))).toBe('no error')
    // signed by another key than the one it names
    expect(validate(rawEnvelope(mallory, { identityKey: alice.publicKey }))).toBe('RecordSignatureError: directory record signature is missing or invalid')
    expect(validate(rawEnvelope(alice, { signature: new Uint8Array(64) }))).toBe('RecordSignatureError: directory record signature is missing or invalid')
    const good = decodeEnvelope(rawEnvelope(alice)).signature
    expect(validate(rawEnvelope(alice, { signature: new Uint8Array([...good, 0]) }))).toBe('RecordSignatureError: directory record signature is missing or invalid')
  })

  it('checks seq and the validity window at their boundaries', () => {
    expect(validate(rawEnvelope(alice, { seq: 0 }))).toBe('MalformedRecordError: seq must be a positive integer')
    expect(validate(rawEnvelope(alice, { seq: 1 }))).toBe('no error')
    expect(validate(rawEnvelope(alice, { seq: BigInt(Number.MAX_SAFE_INTEGER) }))).toBe('no error')
    expect(validate(rawEnvelope(alice, { issuedAt: NOW, expiresAt: NOW }))).toBe('RecordExpiredError: record validity window is invalid')
    expect(validate(rawEnvelope(alice, { issuedAt: NOW, expiresAt: NOW + 1 }))).toBe('no error')
    expect(validate(rawEnvelope(alice, { issuedAt: NOW, expiresAt: NOW - 1 }))).toBe('RecordExpiredError: record validity window is invalid')
    expect(validate(rawEnvelope(alice, { issuedAt: NOW, expiresAt: NOW + MAX_RECORD_LIFETIME_MS }))).toBe('no error')
    expect(validate(rawEnvelope(alice, { issuedAt: NOW, expiresAt: NOW + MAX_RECORD_LIFETIME_MS + 1 }))).toBe('RecordExpiredError: record lives longer than allowed')
    // issue time 0 is a valid time (only the window at `now` rejects it)
    expect(validate(rawEnvelope(alice, { issuedAt: 0, expiresAt: 1 }), 1)).toBe('no error')
    // issued in the future: up to the clock skew is fine
    expect(validate(rawEnvelope(alice, { issuedAt: NOW + CLOCK_SKEW_MS, expiresAt: NOW + HOUR }))).toBe('no error')
    expect(validate(rawEnvelope(alice, { issuedAt: NOW + CLOCK_SKEW_MS + 1, expiresAt: NOW + HOUR }))).toBe('RecordExpiredError: record is issued in the future')
    // expired: up to the clock skew is fine
    expect(validate(rawEnvelope(alice, { issuedAt: NOW - HOUR, expiresAt: NOW - CLOCK_SKEW_MS }))).toBe('no error')
    expect(validate(rawEnvelope(alice, { issuedAt: NOW - HOUR, expiresAt: NOW - CLOCK_SKEW_MS - 1 }))).toBe('RecordExpiredError: record has expired')
  })

  it('signEnvelope signs a value of exactly MAX_VALUE_BYTES and refuses one byte more', () => {
    const sign = (sealedLength: number): Uint8Array => signEnvelope(alice, { seq: 1, issuedAt: NOW, expiresAt: NOW + HOUR, attestations: [], sealed: new Uint8Array(sealedLength) })
    // the largest sealed part that fits: each byte less makes the value one byte shorter
    let length = MAX_VALUE_BYTES
    while (failure(() => sign(length)) !== 'no error') length--
    expect(sign(length)).toHaveLength(MAX_VALUE_BYTES)
    expect(failure(() => sign(length + 1))).toBe('RecordTooLargeError: directory record is too large')
    expect(validate(sign(length))).toBe('no error')
  })

  it('an envelope with more than MAX_ATTESTATIONS attestations does not decode, however well signed', () => {
    const a = attest(verifier, directoryKey, alice.publicKey, NOW - HOUR)
    expect(validate(rawEnvelope(alice, { attestations: Array.from({ length: MAX_ATTESTATIONS }, () => a) }))).toBe('no error')
    const five = rawEnvelope(alice, { attestations: Array.from({ length: MAX_ATTESTATIONS + 1 }, () => a) })
    expect(failure(() => decodeEnvelope(five))).toBe('MalformedRecordError: directory record is malformed')
    expect(validate(five)).toBe('MalformedRecordError: directory record is malformed')
  })

  it('signEnvelope refuses bad times and more than MAX_ATTESTATIONS attestations before signing', () => {
    const sign = (e: Partial<Parameters<typeof signEnvelope>[1]>): string => failure(() => signEnvelope(alice, { seq: 1, issuedAt: NOW, expiresAt: NOW + HOUR, attestations: [], sealed: new Uint8Array(28), ...e }))
    expect(sign({ seq: 0 })).toBe('MalformedRecordError: seq must be a positive integer')
    expect(sign({ seq: 1.5 })).toBe('MalformedRecordError: seq must be a positive integer')
    expect(sign({ seq: Number.MAX_SAFE_INTEGER + 1 })).toBe('MalformedRecordError: seq must be a positive integer')
    expect(sign({ issuedAt: -1 })).toBe('RecordExpiredError: record validity window is invalid')
    expect(sign({ issuedAt: 0.5 })).toBe('RecordExpiredError: record validity window is invalid')
    expect(sign({ expiresAt: NOW + 0.5 })).toBe('RecordExpiredError: record validity window is invalid')
    expect(sign({ issuedAt: 0, expiresAt: 1 })).toBe('no error')
    const a = attest(verifier, directoryKey, alice.publicKey, NOW - HOUR)
    expect(sign({ attestations: Array.from({ length: MAX_ATTESTATIONS }, () => a) })).toBe('no error')
    expect(sign({ attestations: Array.from({ length: MAX_ATTESTATIONS + 1 }, () => a) })).toBe('MalformedRecordError: too many attestations')
  })

  it('checks each attestation: verifies, this number, this identity, lifetime, valid now (boundaries included)', () => {
    const env = (attestations: Uint8Array[]): Uint8Array => signEnvelope(alice, { seq: 1, issuedAt: NOW, expiresAt: NOW + HOUR, attestations, sealed: new Uint8Array(28) })
    const good = attest(verifier, directoryKey, alice.publicKey, NOW - HOUR)
    expect(validate(env([good, good]))).toBe('no error')
    expect(validate(env([good, new Uint8Array(good.length)]))).toBe('AttestationMismatchError: attestation does not verify')
    expect(validate(env([attest(verifier, otherKey, alice.publicKey, NOW - HOUR)]))).toBe('AttestationMismatchError: attestation binds another directory key')
    expect(validate(env([good, attest(verifier, directoryKey, mallory.publicKey, NOW - HOUR)]))).toBe('AttestationMismatchError: attestation binds another identity key')
    // issued at most CLOCK_SKEW_MS in the future
    expect(validate(env([attest(verifier, directoryKey, alice.publicKey, NOW + CLOCK_SKEW_MS)]))).toBe('no error')
    expect(validate(env([attest(verifier, directoryKey, alice.publicKey, NOW + CLOCK_SKEW_MS + 1)]))).toBe('RecordExpiredError: attestation is not valid now')
    // expired at most CLOCK_SKEW_MS ago
    expect(validate(env([attest(verifier, directoryKey, alice.publicKey, NOW - 2 * HOUR, 2 * HOUR - CLOCK_SKEW_MS)]))).toBe('no error')
    expect(validate(env([attest(verifier, directoryKey, alice.publicKey, NOW - 2 * HOUR, 2 * HOUR - CLOCK_SKEW_MS - 1)]))).toBe('RecordExpiredError: attestation is not valid now')
    expect(validate(env([attest(verifier, directoryKey, alice.publicKey, NOW - HOUR, 91 * 24 * HOUR)]))).toBe('RecordExpiredError: attestation lives longer than allowed')
  })
})

describe('inner record', () => {
  let user: TestUser
  let record: DirectoryRecord

  beforeAll(async () => {
    user = await makeUser(undefined, NOW)
    record = { ...user.fields, removedDevices: [], identityKey: user.identity.publicKey, seq: 5, issuedAt: NOW, expiresAt: NOW + HOUR }
  })

  const envelopeOf = (r: DirectoryRecord): ReturnType<typeof decodeEnvelope> => ({
    version: RECORD_VERSION, identityKey: r.identityKey, seq: r.seq, issuedAt: r.issuedAt, expiresAt: r.expiresAt, attestations: [], sealed: new Uint8Array(28), signature: new Uint8Array(64)
  })

  it('round-trips and must match its envelope field by field', () => {
    const bytes = encodeInnerRecord(record)
    expect(decodeInnerRecord(bytes, envelopeOf(record))).toEqual(record)
    const mismatch = 'RecordContentError: inner record does not match its envelope'
    expect(failure(() => decodeInnerRecord(bytes, { ...envelopeOf(record), identityKey: new Uint8Array(32).fill(7) }))).toBe(mismatch)
    expect(failure(() => decodeInnerRecord(bytes, { ...envelopeOf(record), seq: 6 }))).toBe(mismatch)
    expect(failure(() => decodeInnerRecord(bytes, { ...envelopeOf(record), issuedAt: NOW + 1 }))).toBe(mismatch)
    expect(failure(() => decodeInnerRecord(bytes, { ...envelopeOf(record), expiresAt: NOW + HOUR + 1 }))).toBe(mismatch)
  })

  it('refuses garbage, too many devices or relays, and fields that break a rule', () => {
    expect(failure(() => decodeInnerRecord(new Uint8Array([0xff, 0xff, 0xff]), envelopeOf(record)))).toBe('RecordContentError: directory record content does not open or does not match its envelope')
    const tooManyRelays = { ...record, mailboxRelays: Array.from({ length: MAX_RELAYS + 1 }, (_, i) => `/ip4/10.0.0.${i}/tcp/1`) }
    expect(failure(() => decodeInnerRecord(encodeInnerRecord(tooManyRelays), envelopeOf(record)))).toBe('RecordContentError: directory record content does not open or does not match its envelope')
    const tooManyDevices = { ...record, devices: Array.from({ length: MAX_DEVICES + 1 }, (_, i) => ({ ...record.devices[0], deviceId: i })) }
    expect(failure(() => decodeInnerRecord(encodeInnerRecord(tooManyDevices), envelopeOf(record)))).toBe('RecordContentError: directory record content does not open or does not match its envelope')
    const badRelay = { ...record, mailboxRelays: ['not a multiaddr'] }
    expect(failure(() => decodeInnerRecord(encodeInnerRecord(badRelay), envelopeOf(record)))).toBe('RecordContentError: inner record breaks a limit or has invalid devices, relays or bundle')
  })
})

describe('published fields (checkRecordFields)', () => {
  let user: TestUser
  let other: TestUser
  let peers: string[]

  beforeAll(async () => {
    ;[user, other] = await Promise.all([makeUser(undefined, NOW), makeUser(undefined, NOW)])
    peers = await Promise.all(Array.from({ length: MAX_DEVICES + 1 }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()))
  })

  const device = (deviceId: number, peerId: string, identity = user.identity, certPeer = peerId, certId = deviceId): DirectoryRecordFields['devices'][number] => ({
    deviceId, peerId, certificate: createDeviceCertificate(identity, { devicePeerId: peerIdFromString(certPeer).toMultihash().bytes, deviceId: certId, createdAt: NOW }), prekeyBundle: new Uint8Array(0)
  })
  const check = (f: Partial<DirectoryRecordFields>): string => failure(() => checkRecordFields(user.identity.publicKey, { ...user.fields, ...f }))

  it('takes up to MAX_DEVICES devices with distinct ids and matching certificates', () => {
    expect(check({})).toBe('no error')
    expect(check({ devices: [] })).toBe('no error')
    expect(check({ devices: peers.slice(0, MAX_DEVICES).map((p, i) => device(i + 1, p)) })).toBe('no error')
    expect(check({ devices: peers.map((p, i) => device(i + 1, p)) })).toBe('MalformedRecordError: too many devices')
    expect(check({ devices: [device(1, peers[0]), device(1, peers[1])] })).toBe('MalformedRecordError: duplicate device id')
    const mismatch = 'MalformedRecordError: device certificate does not match the device or identity'
    expect(check({ devices: [device(2, peers[0], user.identity, peers[0], 3)] })).toBe(mismatch)
    expect(check({ devices: [device(2, peers[0], user.identity, peers[1])] })).toBe(mismatch)
    expect(check({ devices: [device(2, peers[0], other.identity)] })).toBe(mismatch)
    expect(check({ devices: [{ ...device(2, peers[0]), peerId: 'not a peer id' }] })).toBe(mismatch)
    expect(check({ devices: [{ ...device(2, peers[0]), certificate: new Uint8Array(10) }] })).toBe(mismatch)
  })

  it('takes up to MAX_RELAYS relay multiaddrs of at most MAX_RELAY_ADDR_LENGTH characters', () => {
    const relays = Array.from({ length: MAX_RELAYS }, (_, i) => `/ip4/10.0.0.${i}/tcp/4001`)
    expect(check({ mailboxRelays: relays })).toBe('no error')
    expect(check({ mailboxRelays: [...relays, '/ip4/10.0.0.99/tcp/4001'] })).toBe('MalformedRecordError: too many mailbox relays')
    const longest = (length: number): string => '/dns4/' + 'a'.repeat(length - '/dns4//tcp/443'.length) + '/tcp/443'
    expect(longest(MAX_RELAY_ADDR_LENGTH)).toHaveLength(MAX_RELAY_ADDR_LENGTH)
    expect(check({ mailboxRelays: [longest(MAX_RELAY_ADDR_LENGTH)] })).toBe('no error')
    const invalid = 'MalformedRecordError: mailbox relay address is invalid'
    expect(check({ mailboxRelays: [longest(MAX_RELAY_ADDR_LENGTH + 1)] })).toBe(invalid)
    expect(check({ mailboxRelays: ['/ip4/10.0.0.1/tcp/1', 'relay.example.org:443'] })).toBe(invalid)
    expect(check({ mailboxRelays: [42 as unknown as string] })).toBe(invalid)
  })

  it('takes, per device, an empty prekey bundle or one of this identity and this device', () => {
    const mine = user.fields.devices[0]
    const withBundle = (prekeyBundle: Uint8Array): string => check({ devices: [{ ...mine, prekeyBundle }] })
    expect(withBundle(new Uint8Array(0))).toBe('no error')
    expect(withBundle(mine.prekeyBundle)).toBe('no error')
    const invalid = 'MalformedRecordError: prekey bundle is invalid or of another device'
    expect(withBundle(other.fields.devices[0].prekeyBundle)).toBe(invalid)
    expect(withBundle(new Uint8Array([1, 2, 3]))).toBe(invalid)
    // this identity's bundle for device 1 under a device 2 entry
    expect(check({ devices: [{ ...device(2, peers[0]), prekeyBundle: mine.prekeyBundle }] })).toBe(invalid)
  })
})

describe('selector rule parts on hand-made envelopes', () => {
  const ctx = { now: NOW }

  it('an attestation counts from CLOCK_SKEW_MS before its issue time until its expiry (exclusive), from trusted verifiers when given', () => {
    expect(newestAttestation(envelope(1, { attestations: [att(NOW + CLOCK_SKEW_MS)] }), ctx)).toBe(NOW + CLOCK_SKEW_MS)
    expect(newestAttestation(envelope(1, { attestations: [att(NOW + CLOCK_SKEW_MS + 1)] }), ctx)).toBe(-1)
    expect(newestAttestation(envelope(1, { attestations: [att(NOW - HOUR, NOW)] }), ctx)).toBe(-1)
    expect(newestAttestation(envelope(1, { attestations: [att(NOW - HOUR, NOW + 1)] }), ctx)).toBe(NOW - HOUR)
    const e = envelope(1, { attestations: [att(NOW - 3 * HOUR, undefined, 5), att(NOW - 2 * HOUR, undefined, 6)] })
    expect(newestAttestation(e, ctx)).toBe(NOW - 2 * HOUR)
    expect(newestAttestation(e, { now: NOW, verifiers: [] })).toBe(NOW - 2 * HOUR)
    expect(newestAttestation(e, { now: NOW, verifiers: [new Uint8Array(32).fill(5)] })).toBe(NOW - 3 * HOUR)
    expect(newestAttestation(e, { now: NOW, verifiers: [new Uint8Array(32).fill(7), new Uint8Array(32).fill(6)] })).toBe(NOW - 2 * HOUR)
    expect(newestAttestation(e, { now: NOW, verifiers: [new Uint8Array(32).fill(7)] })).toBe(-1)
    expect(oldestAttestation(e, { now: NOW, verifiers: [new Uint8Array(32).fill(7)] })).toBe(Infinity)
  })

  it('newest and oldest pick the extreme valid attestation whatever the order', () => {
    const times = [NOW - 5 * HOUR, NOW - HOUR, NOW - 3 * HOUR]
    for (const order of [times, [...times].reverse()]) {
      const e = envelope(1, { attestations: [...order.map(t => att(t)), att(NOW - 9 * HOUR, NOW - 1)] })
      expect(newestAttestation(e, ctx)).toBe(NOW - HOUR)
      expect(oldestAttestation(e, ctx)).toBe(NOW - 5 * HOUR)
    }
    expect(newestAttestation(envelope(1), ctx)).toBe(-1)
    expect(oldestAttestation(envelope(1), ctx)).toBe(Infinity)
    // an attestation issued at time 0 still counts
    expect(newestAttestation(envelope(1, { attestations: [att(0)] }), ctx)).toBe(0)
  })

  it('the lock: unexpired, refreshed within LOCK_WINDOW_MS, not released, with an attestation valid now', () => {
    const locked = { attestations: [att(NOW - HOUR)] }
    expect(isLocked(envelope(1, locked), ctx)).toBe(true)
    expect(isLocked(envelope(1, { ...locked, released: true }), ctx)).toBe(false)
    expect(isLocked(envelope(1), ctx)).toBe(false)
    expect(isLocked(envelope(1, { attestations: [att(0)] }), ctx)).toBe(true)
    expect(isLocked(envelope(1, { ...locked, expiresAt: NOW }), ctx)).toBe(false)
    expect(isLocked(envelope(1, { ...locked, expiresAt: NOW + 1 }), ctx)).toBe(true)
    expect(isLocked(envelope(1, { ...locked, issuedAt: NOW - LOCK_WINDOW_MS }), ctx)).toBe(true)
    expect(isLocked(envelope(1, { ...locked, issuedAt: NOW - LOCK_WINDOW_MS - 1 }), ctx)).toBe(false)
  })

  it('hand-overs and the same record', () => {
    expect(handedOverBy(envelope(2, { handoverFrom: 1 }), envelope(1))).toBe(true)
    expect(handedOverBy(envelope(2, { handoverFrom: 3 }), envelope(1))).toBe(false)
    expect(handedOverBy(envelope(2), envelope(1))).toBe(false)
    expect(sameRecord(envelope(1, { seq: 4 }), envelope(1, { seq: 4 }))).toBe(true)
    expect(sameRecord(envelope(1, { seq: 4 }), envelope(1, { seq: 5 }))).toBe(false)
    expect(sameRecord(envelope(1, { seq: 4 }), { ...envelope(1, { seq: 4 }), signature: new Uint8Array(64).fill(9) })).toBe(false)
    expect(sameRecord(envelope(1, { seq: 4 }), { ...envelope(2, { seq: 4 }), signature: new Uint8Array(64).fill(1) })).toBe(false)
  })

  it('replaces: same identity by seq; hand-overs either way; a locked record by an older lock only; otherwise a newer attestation', () => {
    expect(replaces(envelope(1, { seq: 2 }), envelope(1, { seq: 1 }), ctx)).toBe(true)
    expect(replaces(envelope(1, { seq: 2 }), envelope(1, { seq: 2 }), ctx)).toBe(false)
    expect(replaces(envelope(1, { seq: 1 }), envelope(1, { seq: 2, attestations: [att(NOW - HOUR)] }), ctx)).toBe(false)
    // same identity never needs an attestation, another identity with a higher seq alone never wins
    expect(replaces(envelope(1, { seq: 2 }), envelope(1, { seq: 1, attestations: [att(NOW - HOUR)] }), ctx)).toBe(true)
    expect(replaces(envelope(2, { seq: 99 }), envelope(1, { seq: 1 }), ctx)).toBe(false)

    const lockedCurrent = envelope(1, { attestations: [att(NOW - 2 * HOUR)] })
    expect(replaces(envelope(2, { handoverFrom: 1 }), lockedCurrent, ctx)).toBe(true)
    expect(replaces(envelope(2, { handoverFrom: 3, attestations: [att(NOW - HOUR)] }), lockedCurrent, ctx)).toBe(false)
    // the identity that handed the number over never takes it back, even with a newer attestation and the new holder unlocked
    expect(replaces(envelope(1, { seq: 50, attestations: [att(NOW - HOUR)] }), envelope(2, { handoverFrom: 1 }), ctx)).toBe(false)

    // a locked record: only a locked candidate whose oldest attestation is older
    expect(replaces(envelope(2, { attestations: [att(NOW - HOUR)] }), lockedCurrent, ctx)).toBe(false)
    expect(replaces(envelope(2, { attestations: [att(NOW - 3 * HOUR), att(NOW - HOUR)] }), lockedCurrent, ctx)).toBe(true)
    expect(replaces(envelope(2, { attestations: [att(NOW - 2 * HOUR)] }), lockedCurrent, ctx)).toBe(false)
    expect(replaces(envelope(2, { issuedAt: NOW - LOCK_WINDOW_MS - 1, attestations: [att(NOW - 3 * HOUR)] }), lockedCurrent, ctx)).toBe(false)

    // unlocked current (its refresh is older than the lock window): a strictly newer attestation wins
    const stale = { issuedAt: NOW - LOCK_WINDOW_MS - 1, expiresAt: NOW + HOUR }
    const unlocked = envelope(1, { ...stale, attestations: [att(NOW - 2 * HOUR)] })
    expect(isLocked(unlocked, ctx)).toBe(false)
    expect(replaces(envelope(2, { attestations: [att(NOW - HOUR)] }), unlocked, ctx)).toBe(true)
    expect(replaces(envelope(2, { attestations: [att(NOW - 2 * HOUR)] }), unlocked, ctx)).toBe(false)
    expect(replaces(envelope(2, { attestations: [att(NOW - 3 * HOUR)] }), unlocked, ctx)).toBe(false)
    expect(replaces(envelope(2), envelope(1, stale), ctx)).toBe(false)
    expect(replaces(envelope(2, { attestations: [att(0)] }), envelope(1, stale), ctx)).toBe(true)
    // a release record counts as having no attestation at all
    const released = envelope(1, { released: true, attestations: [att(NOW - HOUR)] })
    expect(replaces(envelope(2, { attestations: [att(NOW - 2 * HOUR)] }), released, ctx)).toBe(true)
    expect(replaces(envelope(2), released, ctx)).toBe(false)
    expect(replaces(envelope(2, { attestations: [att(0)] }), released, ctx)).toBe(true)
    expect(replaces(envelope(2, { attestations: [att(1)] }), released, ctx)).toBe(true)
    // with a trusted set, only its attestations count
    const trusted = { now: NOW, verifiers: [new Uint8Array(32).fill(5)] }
    expect(replaces(envelope(2, { attestations: [att(NOW - HOUR, undefined, 6)] }), envelope(1, stale), trusted)).toBe(false)
    expect(replaces(envelope(2, { attestations: [att(NOW - HOUR, undefined, 5)] }), envelope(1, { ...stale, attestations: [att(NOW - 30 * 60_000, undefined, 6)] }), trusted)).toBe(true)
  })
})
