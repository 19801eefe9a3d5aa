// Sender keys at their edges: records with no chain or too many, distribution messages field by field, a chain id
// reused (same key: our state kept; another key: refused), the chain count and skipped-key cap, the forward jump from
// a later iteration, the shortest group message, and the explicit refusal messages.
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import {
  MAX_SENDER_KEY_FORWARD_JUMP, MAX_SENDER_KEY_SKIPPED, MAX_SENDER_KEY_STATES, SenderKeyRecord, createSenderKey, processSenderKeyDistribution,
  senderKeyDecrypt, senderKeyDistribution, senderKeyEncrypt, senderKeyMessageChainId
} from '../../src/crypto/sender-key.js'
import { encodePb } from '../../src/crypto/codec.js'
import { SenderKeyDistributionPb } from '../../src/crypto/pb/messages.js'
import { SenderKeyRecordPb } from '../../src/crypto/pb/state.js'
import { dec, enc } from './parties.js'
import { SeededRandom } from '../helpers/seeded-random.js'

const rng = new SeededRandom('sender key limits')
const deps = { random: rng.random }
const groupId = enc('group')
const err = (name: string, message: string): unknown => expect.objectContaining({ name, message })
const k = (b: number, n = 32): Uint8Array<ArrayBuffer> => new Uint8Array(n).fill(b)
const emptyRecord = SenderKeyRecord.deserialize(SenderKeyRecordPb.encode({ groupId: k(1, 4), states: [] }))
/** skipped keys stored in a record */
const skippedCount = (r: SenderKeyRecord): number => SenderKeyRecordPb.decode(r.serialize()).states.reduce((n, s) => n + s.skipped.length, 0)

describe('sender key records', () => {
  it('a record without chains has no chain id and can neither send nor be distributed', () => {
    expect(emptyRecord.chainId).toBeUndefined()
    expect(() => senderKeyEncrypt(emptyRecord, enc('x'), deps)).toThrow(err('NoSenderKeyError', 'No sender key for this chain'))
    expect(() => senderKeyDistribution(emptyRecord)).toThrow(err('NoSenderKeyError', 'No sender key for this chain'))
  })

  it(`a stored record holds at most ${MAX_SENDER_KEY_STATES} chains and ${MAX_SENDER_KEY_SKIPPED} skipped keys per chain`, () => {
    const state = (chainId: number, skipped = 0): SenderKeyRecordPb['states'][number] => ({
      chainId, iteration: skipped, chainKey: k(1), signingPublic: k(2), signingPrivate: new Uint8Array(0), skipped: Array.from({ length: skipped }, (_, i) => ({ iteration: i, messageKey: k(3) }))
    })
    const states = (n: number): Array<SenderKeyRecordPb['states'][number]> => Array.from({ length: n }, (_, i) => state(i))
    expect(SenderKeyRecord.deserialize(SenderKeyRecordPb.encode({ groupId: k(7, 5), states: states(MAX_SENDER_KEY_STATES) })).chainId).toBe(0)
    expect(() => SenderKeyRecord.deserialize(SenderKeyRecordPb.encode({ groupId: k(7, 5), states: states(MAX_SENDER_KEY_STATES + 1) })))
      .toThrow(err('InvalidMessageError', 'Malformed sender key record'))
    expect(skippedCount(SenderKeyRecord.deserialize(SenderKeyRecordPb.encode({ groupId: k(7, 5), states: [state(1, MAX_SENDER_KEY_SKIPPED)] })))).toBe(MAX_SENDER_KEY_SKIPPED)
    expect(() => SenderKeyRecord.deserialize(SenderKeyRecordPb.encode({ groupId: k(7, 5), states: [state(1, MAX_SENDER_KEY_SKIPPED + 1)] })))
      .toThrow(err('InvalidMessageError', 'Malformed sender key record'))
  })

  it('a record shows only its type in JSON and util.inspect', () => {
    const { record } = createSenderKey(groupId, deps)
    expect(JSON.parse(JSON.stringify(record))).toEqual({ type: 'SenderKeyRecord', redacted: true })
    expect(inspect(record)).toBe(inspect({ type: 'SenderKeyRecord', redacted: true }))
  })
})

describe('sender key distributions', () => {
  const own = createSenderKey(groupId, deps)
  const valid = SenderKeyDistributionPb.decode(own.distribution)

  it.each([
    ['undecodable bytes', Uint8Array.of(0xff), 'InvalidMessageError', 'Malformed sender key distribution'],
    ['a chain key of 31 bytes', encodePb(SenderKeyDistributionPb, { ...valid, chainKey: k(1, 31) }), 'InvalidMessageError', 'Malformed sender key distribution'],
    ['a chain key of 33 bytes', encodePb(SenderKeyDistributionPb, { ...valid, chainKey: k(1, 33) }), 'InvalidMessageError', 'Malformed sender key distribution'],
    ['an empty group id', encodePb(SenderKeyDistributionPb, { ...valid, groupId: new Uint8Array(0) }), 'UnsupportedParameterError', 'groupId must be 1..64 bytes'],
    ['a group id of 65 bytes', encodePb(SenderKeyDistributionPb, { ...valid, groupId: k(1, 65) }), 'UnsupportedParameterError', 'groupId must be 1..64 bytes'],
    ['a signing key of small order', encodePb(SenderKeyDistributionPb, { ...valid, signingKey: (() => { const s = new Uint8Array(32); s[0] = 1; return s })() }), 'InvalidKeyError', 'Invalid sender signing key'],
    ['a signing key of 31 bytes', encodePb(SenderKeyDistributionPb, { ...valid, signingKey: valid.signingKey.subarray(1) }), 'InvalidKeyError', 'Invalid sender signing key']
  ])('refuse %s', (_, bytes, name, message) => {
    expect(() => processSenderKeyDistribution(undefined, bytes)).toThrow(err(name, message))
  })

  it('for another group are refused', () => {
    const theirs = processSenderKeyDistribution(undefined, own.distribution)
    expect(() => processSenderKeyDistribution(theirs, createSenderKey(enc('other group'), deps).distribution))
      .toThrow(err('InvalidMessageError', 'Distribution is for another group'))
  })

  it('of a chain already known keep our further state; with another signing key they are refused', () => {
    let mine = own.record
    let theirs = processSenderKeyDistribution(undefined, own.distribution)
    const first = senderKeyEncrypt(mine, enc('first'), deps)
    mine = first.record
    theirs = senderKeyDecrypt(theirs, first.message, deps).record
    // the first distribution again (iteration 0): the message already read stays read
    const again = processSenderKeyDistribution(theirs, own.distribution)
    expect(() => senderKeyDecrypt(again, first.message, deps)).toThrow(expect.objectContaining({ name: 'DuplicateMessageError' }))
    expect(dec(senderKeyDecrypt(again, senderKeyEncrypt(mine, enc('second'), deps).message, deps).plaintext)).toBe('second')
    const otherKey = SenderKeyDistributionPb.decode(createSenderKey(groupId, deps).distribution).signingKey
    const forged = encodePb(SenderKeyDistributionPb, { ...valid, signingKey: otherKey })
    expect(() => processSenderKeyDistribution(theirs, forged)).toThrow(err('InvalidKeyError', 'Chain id reused with another signing key'))
  })

  it(`keep the newest ${MAX_SENDER_KEY_STATES} chains of a member`, () => {
    const chains = Array.from({ length: MAX_SENDER_KEY_STATES + 1 }, () => createSenderKey(groupId, deps))
    let theirs: SenderKeyRecord | undefined
    for (const c of chains) theirs = processSenderKeyDistribution(theirs, c.distribution)
    if (theirs === undefined) throw new Error('no record')
    expect(SenderKeyRecordPb.decode(theirs.serialize()).states.map(s => s.chainId)).toEqual(chains.slice(1).reverse().map(c => c.record.chainId))
    expect(() => senderKeyDecrypt(theirs, senderKeyEncrypt(chains[0].record, enc('x'), deps).message, deps)).toThrow(err('NoSenderKeyError', 'No sender key for this chain'))
    expect(dec(senderKeyDecrypt(theirs, senderKeyEncrypt(chains[1].record, enc('y'), deps).message, deps).plaintext)).toBe('y')
  })
})

describe('sender key messages', () => {
  it('a member who joined at iteration 5 reads a message exactly MAX_SENDER_KEY_FORWARD_JUMP past it', () => {
    const own = createSenderKey(groupId, deps)
    let mine = own.record
    for (let i = 0; i < 5; i++) mine = senderKeyEncrypt(mine, enc('before'), deps).record
    const joiner = processSenderKeyDistribution(undefined, senderKeyDistribution(mine))
    const msgs: Uint8Array[] = []
    for (let i = 0; i <= MAX_SENDER_KEY_FORWARD_JUMP + 1; i++) {
      const r = senderKeyEncrypt(mine, enc(`${i}`), deps)
      mine = r.record
      msgs.push(r.message)
    }
    expect(() => senderKeyDecrypt(joiner, msgs[MAX_SENDER_KEY_FORWARD_JUMP + 1], deps)).toThrow(expect.objectContaining({ name: 'TooFarForwardError' }))
    const r = senderKeyDecrypt(joiner, msgs[MAX_SENDER_KEY_FORWARD_JUMP], deps)
    expect(dec(r.plaintext)).toBe(`${MAX_SENDER_KEY_FORWARD_JUMP}`)
    expect(skippedCount(r.record)).toBe(MAX_SENDER_KEY_SKIPPED)
  })

  it(`skipped keys past ${MAX_SENDER_KEY_SKIPPED} evict the oldest`, () => {
    const own = createSenderKey(groupId, deps)
    let theirs = processSenderKeyDistribution(undefined, own.distribution)
    let mine = own.record
    const msgs: Uint8Array[] = []
    for (let i = 0; i < MAX_SENDER_KEY_SKIPPED + 4; i++) {
      const r = senderKeyEncrypt(mine, enc(`${i}`), deps)
      mine = r.record
      msgs.push(r.message)
    }
    theirs = senderKeyDecrypt(theirs, msgs[MAX_SENDER_KEY_SKIPPED], deps).record // skips 0 .. MAX-1
    theirs = senderKeyDecrypt(theirs, msgs[MAX_SENDER_KEY_SKIPPED + 3], deps).record // skips 2 more: the 2 oldest go
    expect(skippedCount(theirs)).toBe(MAX_SENDER_KEY_SKIPPED)
    expect(() => senderKeyDecrypt(theirs, msgs[1], deps)).toThrow(expect.objectContaining({ name: 'DuplicateMessageError' }))
    expect(dec(senderKeyDecrypt(theirs, msgs[2], deps).plaintext)).toBe('2')
    expect(dec(senderKeyDecrypt(theirs, msgs[MAX_SENDER_KEY_SKIPPED + 1], deps).plaintext)).toBe(`${MAX_SENDER_KEY_SKIPPED + 1}`)
  })

  it('the shortest message (type, empty body, signature) parses; an undecodable body or a bad signature are refused with their messages', () => {
    const shortest = new Uint8Array(1 + 64); shortest[0] = 0x03
    expect(senderKeyMessageChainId(shortest)).toBe(0)
    const undecodable = new Uint8Array(2 + 64); undecodable[0] = 0x03; undecodable[1] = 0xff
    expect(() => senderKeyMessageChainId(undecodable)).toThrow(err('InvalidMessageError', 'Malformed sender key message'))
    const own = createSenderKey(groupId, deps)
    const theirs = processSenderKeyDistribution(undefined, own.distribution)
    const { message } = senderKeyEncrypt(own.record, enc('x'), deps)
    const bad = message.slice(); bad[bad.length - 1] ^= 1
    expect(() => senderKeyDecrypt(theirs, bad, deps)).toThrow(err('InvalidSignatureError', 'Group message signature did not verify'))
    expect(() => senderKeyEncrypt(theirs, enc('x'), deps)).toThrow(err('MissingPrivateKeyError', 'Not our sender key'))
  })
})
