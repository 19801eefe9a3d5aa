// Hand-overs without a DHT (pure unit tests): what signHandover refuses to sign, and every check of
// verifyHandover at its boundary (encoding, signer, signature, number, named identity, age).
import { describe, it, expect } from 'vitest'
import { IdentityKeyPair, systemRandom } from '../../src/crypto/index.js'
import { MAX_HANDOVER_AGE_MS, signHandover, verifyHandover } from '../../src/directory/index.js'
import { HandoverPb } from '../../src/directory/pb/record.js'
import { failure } from './fixtures.js'

const NOW = 1_800_000_000_000
const SKEW = 5 * 60_000
const CONTEXT = new TextEncoder().encode('Parley_Handover_v1')

describe('hand-overs', () => {
  const oldId = IdentityKeyPair.generate(systemRandom)
  const newId = IdentityKeyPair.generate(systemRandom)
  const directoryKey = new Uint8Array(32).fill(3)
  const expectFor = (recordIssuedAt = NOW): { directoryKey: Uint8Array, identityKey: Uint8Array, recordIssuedAt: number } => ({ directoryKey, identityKey: newId.publicKey, recordIssuedAt })

  /** A hand-over encoded field by field and signed by `signer` as the format says, bypassing signHandover's checks. */
  function raw (signer: IdentityKeyPair, fields: Partial<{ [K in keyof HandoverPb]: HandoverPb[K] extends Uint8Array ? Uint8Array : HandoverPb[K] }> = {}): Uint8Array {
    const pb = { oldIdentityKey: signer.publicKey, directoryKey, newIdentityKey: newId.publicKey, issuedAt: BigInt(NOW), signature: new Uint8Array(0), ...fields } as HandoverPb
    const body = HandoverPb.encode({ ...pb, signature: new Uint8Array(0) } as HandoverPb)
    const message = new Uint8Array(CONTEXT.length + body.length)
    message.set(CONTEXT)
    message.set(body, CONTEXT.length)
    return HandoverPb.encode({ ...pb, signature: fields.signature ?? signer.sign(message) } as HandoverPb)
  }

  it('signs what verifies, and the encoding is the documented one', () => {
    const bytes = signHandover(oldId, { directoryKey, newIdentityKey: newId.publicKey, issuedAt: NOW })
    expect(bytes).toEqual(raw(oldId, { signature: HandoverPb.decode(bytes).signature }))
    expect(raw(oldId)).toEqual(bytes) // Ed25519 signatures are deterministic
    const h = verifyHandover(bytes, expectFor())
    expect(h.oldIdentityKey).toEqual(oldId.publicKey)
    expect(h.newIdentityKey).toEqual(newId.publicKey)
    expect(h.directoryKey).toEqual(directoryKey)
    expect(h.issuedAt).toBe(NOW)
    expect(h.signature).toHaveLength(64)
    expect(failure(() => signHandover(oldId, { directoryKey, newIdentityKey: newId.publicKey, issuedAt: 0 }))).toBe('no error')
  })

  it('signHandover refuses a wrong-length number key, an invalid or its own new identity, and bad times', () => {
    const sign = (f: Partial<{ directoryKey: Uint8Array, newIdentityKey: Uint8Array, issuedAt: number }>): string =>
      failure(() => signHandover(oldId, { directoryKey, newIdentityKey: newId.publicKey, issuedAt: NOW, ...f }))
    expect(sign({ directoryKey: new Uint8Array(31) })).toBe('InvalidHandoverError: hand-over directory key must be 32 bytes')
    expect(sign({ directoryKey: new Uint8Array(33) })).toBe('InvalidHandoverError: hand-over directory key must be 32 bytes')
    expect(sign({ newIdentityKey: new Uint8Array(31) })).toBe('InvalidHandoverError: hand-over names an invalid identity key')
    expect(sign({ newIdentityKey: oldId.publicKey })).toBe('InvalidHandoverError: a hand-over names another identity')
    expect(sign({ issuedAt: -1 })).toBe('InvalidHandoverError: hand-over time is invalid')
    expect(sign({ issuedAt: 1.5 })).toBe('InvalidHandoverError: hand-over time is invalid')
    expect(sign({ issuedAt: Number.MAX_SAFE_INTEGER + 1 })).toBe('InvalidHandoverError: hand-over time is invalid')
  })

  it('verifyHandover refuses garbage, out-of-range times and non-canonical encodings', () => {
    expect(failure(() => verifyHandover(new Uint8Array([0xff, 0xff]), expectFor()))).toBe('InvalidHandoverError: hand-over is invalid, for another number or identity, or too old')
    expect(failure(() => verifyHandover(raw(oldId, { issuedAt: BigInt(Number.MAX_SAFE_INTEGER) + 1n }), expectFor(Number.MAX_SAFE_INTEGER)))).toBe('InvalidHandoverError: hand-over time is invalid')
    // the largest safe time is a time (it fails later, as issued after its record)
    expect(failure(() => verifyHandover(raw(oldId, { issuedAt: BigInt(Number.MAX_SAFE_INTEGER) }), expectFor()))).toBe('InvalidHandoverError: hand-over is issued after its record')
    const good = raw(oldId)
    expect(failure(() => verifyHandover(new Uint8Array([...good, 0x20, 0x01]), expectFor()))).toBe('InvalidHandoverError: hand-over is not canonically encoded')
  })

  it('verifyHandover refuses wrong key lengths, an invalid signer and bad signatures', () => {
    const lengths = 'InvalidHandoverError: hand-over identity key has the wrong length'
    expect(failure(() => verifyHandover(raw(oldId, { oldIdentityKey: oldId.publicKey.subarray(1) }), expectFor()))).toBe(lengths)
    expect(failure(() => verifyHandover(raw(oldId, { newIdentityKey: newId.publicKey.subarray(1) }), expectFor()))).toBe(lengths)
    const smallOrder = new Uint8Array(32)
    smallOrder[0] = 1
    expect(failure(() => verifyHandover(raw(oldId, { oldIdentityKey: smallOrder }), expectFor()))).toBe('InvalidHandoverError: hand-over signer key is invalid')
    const badSignature = 'InvalidHandoverError: hand-over signature does not verify'
    expect(failure(() => verifyHandover(raw(newId, { oldIdentityKey: oldId.publicKey }), expectFor()))).toBe(badSignature)
    expect(failure(() => verifyHandover(raw(oldId, { signature: new Uint8Array(64) }), expectFor()))).toBe(badSignature)
    expect(failure(() => verifyHandover(raw(oldId, { signature: new Uint8Array(0) }), expectFor()))).toBe(badSignature)
    const sig = HandoverPb.decode(raw(oldId)).signature
    expect(failure(() => verifyHandover(raw(oldId, { signature: new Uint8Array([...sig, 0]) }), expectFor()))).toBe(badSignature)
  })

  it('verifyHandover refuses another number, another named identity and a hand-over to itself', () => {
    expect(failure(() => verifyHandover(raw(oldId), { ...expectFor(), directoryKey: new Uint8Array(32).fill(4) }))).toBe('InvalidHandoverError: hand-over is for another number')
    expect(failure(() => verifyHandover(raw(oldId), { ...expectFor(), identityKey: oldId.publicKey }))).toBe('InvalidHandoverError: hand-over names another identity')
    expect(failure(() => verifyHandover(raw(newId, { newIdentityKey: newId.publicKey }), expectFor()))).toBe('InvalidHandoverError: a hand-over names another identity')
  })

  it('verifyHandover bounds the time: at most the clock skew after the record, at most MAX_HANDOVER_AGE_MS before it', () => {
    const at = (issuedAt: number): string => failure(() => verifyHandover(raw(oldId, { issuedAt: BigInt(issuedAt) }), expectFor()))
    expect(at(NOW + SKEW)).toBe('no error')
    expect(at(NOW + SKEW + 1)).toBe('InvalidHandoverError: hand-over is issued after its record')
    expect(at(NOW - MAX_HANDOVER_AGE_MS)).toBe('no error')
    expect(at(NOW - MAX_HANDOVER_AGE_MS - 1)).toBe('InvalidHandoverError: hand-over is too old')
  })
})
