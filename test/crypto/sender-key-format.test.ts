// Sender key records and group message framing: each length check on its own, and the groupId bounds.
import { describe, expect, it } from 'vitest'
import { createSenderKey, MAX_GROUP_ID_LENGTH, SenderKeyRecord, senderKeyEncrypt, senderKeyMessageChainId } from '../../src/crypto/sender-key.js'
import { SenderKeyRecordPb, type SenderKeyStatePb } from '../../src/crypto/pb/state.js'
import { SeededRandom } from '../helpers/seeded-random.js'

const k = (b: number, n = 32): Uint8Array<ArrayBuffer> => new Uint8Array(n).fill(b)
const state = (): SenderKeyStatePb => ({ chainId: 1, iteration: 2, chainKey: k(1), signingPublic: k(2), signingPrivate: k(3), skipped: [{ iteration: 1, messageKey: k(4) }] })
const record = (s: SenderKeyStatePb): Uint8Array => SenderKeyRecordPb.encode({ groupId: k(9, 8), states: [s] })
const malformed = { name: 'InvalidMessageError', message: 'Malformed sender key record' }

describe('sender key record format', () => {
  it('round-trips a valid record, with or without the signing private key', () => {
    expect(SenderKeyRecord.deserialize(record(state())).serialize()).toEqual(record(state()))
    const received = record({ ...state(), signingPrivate: new Uint8Array(0) })
    expect(SenderKeyRecord.deserialize(received).serialize()).toEqual(received)
  })

  it.each([
    ['chain key', { chainKey: k(1, 31) }],
    ['signing public key', { signingPublic: k(2, 33) }],
    ['signing private key', { signingPrivate: k(3, 31) }],
    ['skipped message key', { skipped: [{ iteration: 1, messageKey: k(4, 31) }] }]
  ])('refuses a record whose %s has another length', (_, change) => {
    expect(() => SenderKeyRecord.deserialize(record({ ...state(), ...change }))).toThrow(expect.objectContaining(malformed))
  })

  it('refuses undecodable bytes', () => {
    expect(() => SenderKeyRecord.deserialize(Uint8Array.of(0xff, 0xff))).toThrow(expect.objectContaining(malformed))
  })
})

describe('sender key group ids and messages', () => {
  const deps = { random: new SeededRandom('sender key format').random }
  it('accepts group ids of 1..MAX_GROUP_ID_LENGTH bytes only', () => {
    expect(createSenderKey(k(1, 1), deps).record.groupId).toEqual(k(1, 1))
    expect(createSenderKey(k(1, MAX_GROUP_ID_LENGTH), deps).record.groupId).toHaveLength(MAX_GROUP_ID_LENGTH)
    for (const bad of [new Uint8Array(0), k(1, MAX_GROUP_ID_LENGTH + 1)]) {
      expect(() => createSenderKey(bad, deps)).toThrow(expect.objectContaining({ name: 'UnsupportedParameterError', message: 'groupId must be 1..64 bytes' }))
    }
  })
  it('reads the chain id of a group message and refuses a short one or another type', () => {
    const own = createSenderKey(k(7, 4), deps)
    const { message } = senderKeyEncrypt(own.record, Uint8Array.of(1), deps)
    expect(senderKeyMessageChainId(message)).toBe(own.record.chainId)
    const bad = { name: 'InvalidMessageError', message: 'Malformed sender key message' }
    expect(() => senderKeyMessageChainId(message.subarray(0, 64))).toThrow(expect.objectContaining(bad))
    const other = message.slice()
    other[0] = 1
    expect(() => senderKeyMessageChainId(other)).toThrow(expect.objectContaining(bad))
  })
})
