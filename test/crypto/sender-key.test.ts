// Group sender keys: distribution, shuffled delivery, signatures, limits, rotation after removal.
import { describe, expect, it } from 'vitest'
import {
  MAX_SENDER_KEY_FORWARD_JUMP, SenderKeyRecord, createSenderKey, parseSenderKeyDistribution, processSenderKeyDistribution,
  senderKeyDecrypt, senderKeyDistribution, senderKeyEncrypt, senderKeyMessageChainId
} from '../../src/crypto/index.js'
import { dec, enc } from './parties.js'
import { SeededRandom } from '../helpers/seeded-random.js'

function errorName (fn: () => unknown): string | undefined {
  try { fn() } catch (e) { return (e as Error).name }
  return undefined
}
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const groupId = enc('group-1')

describe('sender keys', () => {
  it('100 shuffled group messages decrypt; duplicates are typed errors', () => {
    const rng = new SeededRandom('group-100')
    const deps = { random: rng.random }
    const own = createSenderKey(groupId, deps)
    let mine = own.record
    let theirs = processSenderKeyDistribution(undefined, own.distribution)
    expect(parseSenderKeyDistribution(own.distribution).chainId).toBe(mine.chainId)
    const msgs: Uint8Array[] = []
    for (let i = 0; i < 100; i++) {
      const r = senderKeyEncrypt(mine, enc(`g${i}`))
      mine = r.record
      msgs.push(r.message)
    }
    const order = rng.shuffle([...msgs.keys()])
    for (const i of order) {
      expect(senderKeyMessageChainId(msgs[i])).toBe(mine.chainId)
      const r = senderKeyDecrypt(theirs, msgs[i])
      expect(dec(r.plaintext)).toBe(`g${i}`)
      theirs = SenderKeyRecord.deserialize(r.record.serialize())
    }
    const before = hex(theirs.serialize())
    expect(errorName(() => senderKeyDecrypt(theirs, msgs[17]))).toBe('DuplicateMessageError')
    expect(hex(theirs.serialize())).toBe(before)
  })

  it('a removed member\'s old sender key decrypts nothing sent after rotation', () => {
    const rng = new SeededRandom('group-rotate')
    const deps = { random: rng.random }
    const first = createSenderKey(groupId, deps)
    let carol = processSenderKeyDistribution(undefined, first.distribution) // stays
    const dave = processSenderKeyDistribution(undefined, first.distribution) // will be removed
    const before = senderKeyEncrypt(first.record, enc('before'))
    carol = senderKeyDecrypt(carol, before.message).record
    expect(dec(senderKeyDecrypt(dave, before.message).plaintext)).toBe('before')
    // dave leaves: rotate, distribute only to carol
    const second = createSenderKey(groupId, deps)
    carol = processSenderKeyDistribution(carol, second.distribution)
    let mine = second.record
    for (let i = 0; i < 10; i++) {
      const r = senderKeyEncrypt(mine, enc(`after${i}`))
      mine = r.record
      expect(dec(senderKeyDecrypt(carol, r.message).plaintext)).toBe(`after${i}`)
      expect(errorName(() => senderKeyDecrypt(dave, r.message))).toBe('NoSenderKeyError')
    }
    // carol can still read a late message from the old chain
    const late = senderKeyEncrypt(before.record, enc('late'))
    expect(dec(senderKeyDecrypt(carol, late.message).plaintext)).toBe('late')
  })

  it('messages are signed: every bit flip is rejected, state unchanged', () => {
    const rng = new SeededRandom('group-flip')
    const own = createSenderKey(groupId, { random: rng.random })
    const theirs = processSenderKeyDistribution(undefined, own.distribution)
    const { message } = senderKeyEncrypt(own.record, enc('signed'))
    const before = hex(theirs.serialize())
    for (let bit = 0; bit < message.length * 8; bit++) {
      const m = Uint8Array.from(message)
      m[bit >> 3] ^= 1 << (bit & 7)
      expect(errorName(() => senderKeyDecrypt(theirs, m)), `bit ${bit}`).toMatch(/InvalidSignatureError|InvalidMessageError|NoSenderKeyError/)
    }
    expect(hex(theirs.serialize())).toBe(before)
    expect(dec(senderKeyDecrypt(theirs, message).plaintext)).toBe('signed')
  })

  it('forward jump limit: at the limit works, one past is rejected', () => {
    const rng = new SeededRandom('group-jump')
    const own = createSenderKey(groupId, { random: rng.random })
    const theirs = processSenderKeyDistribution(undefined, own.distribution)
    let mine = own.record
    const msgs: Uint8Array[] = []
    for (let i = 0; i <= MAX_SENDER_KEY_FORWARD_JUMP + 1; i++) {
      const r = senderKeyEncrypt(mine, enc(`${i}`))
      mine = r.record
      msgs.push(r.message)
    }
    expect(errorName(() => senderKeyDecrypt(theirs, msgs[MAX_SENDER_KEY_FORWARD_JUMP + 1]))).toBe('TooFarForwardError')
    expect(dec(senderKeyDecrypt(theirs, msgs[MAX_SENDER_KEY_FORWARD_JUMP]).plaintext)).toBe(`${MAX_SENDER_KEY_FORWARD_JUMP}`)
  })

  it('records made from one another share nothing that changes: every earlier record reads and sends as it did', () => {
    const rng = new SeededRandom('group-share')
    const deps = { random: rng.random }
    const own = createSenderKey(groupId, deps)
    const other = createSenderKey(groupId, deps) // a second chain in the receiver's record, untouched throughout
    const r0 = processSenderKeyDistribution(processSenderKeyDistribution(undefined, other.distribution), own.distribution)
    const s0 = own.record
    const m = [senderKeyEncrypt(s0, enc('m0'))]
    for (let i = 1; i < 4; i++) m.push(senderKeyEncrypt(m[i - 1].record, enc(`m${i}`)))
    // the sender's input record is unchanged: encrypting from it again gives the very same message
    expect(hex(senderKeyEncrypt(s0, enc('m0')).message)).toBe(hex(m[0].message))
    const r0Bytes = hex(r0.serialize())
    const r1 = senderKeyDecrypt(r0, m[3].message).record // skips m0..m2
    const r1Bytes = hex(r1.serialize())
    const r2 = senderKeyDecrypt(r1, m[1].message).record // takes a skipped key
    const r3 = senderKeyDecrypt(r2, m[0].message).record
    expect(errorName(() => senderKeyDecrypt(r3, m[1].message))).toBe('DuplicateMessageError')
    // each earlier record still holds what it held: r1 reads m1 and m0 again, r0 reads everything
    expect(hex(r0.serialize())).toBe(r0Bytes)
    expect(hex(r1.serialize())).toBe(r1Bytes)
    expect(dec(senderKeyDecrypt(r1, m[1].message).plaintext)).toBe('m1')
    expect(dec(senderKeyDecrypt(r1, m[0].message).plaintext)).toBe('m0')
    for (let i = 0; i < 4; i++) expect(dec(senderKeyDecrypt(r0, m[i].message).plaintext)).toBe(`m${i}`)
    expect(errorName(() => senderKeyDecrypt(r1, m[3].message))).toBe('DuplicateMessageError')
    // the other chain was shared all along and still reads its messages in every record
    const fromOther = senderKeyEncrypt(other.record, enc('other'))
    for (const r of [r0, r1, r2, r3]) expect(dec(senderKeyDecrypt(r, fromOther.message).plaintext)).toBe('other')
  })

  it('a late joiner gets the current iteration; a received record cannot send', () => {
    const rng = new SeededRandom('group-join')
    const own = createSenderKey(groupId, { random: rng.random })
    let mine = own.record
    for (let i = 0; i < 5; i++) mine = senderKeyEncrypt(mine, enc('old')).record
    const joiner = processSenderKeyDistribution(undefined, senderKeyDistribution(mine))
    const r = senderKeyEncrypt(mine, enc('new'))
    expect(dec(senderKeyDecrypt(joiner, r.message).plaintext)).toBe('new')
    expect(errorName(() => senderKeyEncrypt(joiner, enc('x')))).toBe('MissingPrivateKeyError')
    expect(errorName(() => processSenderKeyDistribution(joiner, createSenderKey(enc('other-group'), { random: rng.random }).distribution))).toBe('InvalidMessageError')
  })
})
