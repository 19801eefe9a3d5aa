// The group message body written and read without the protons codec: the same bytes as the codec at every varint
// width, the reader taking only the form the writer makes (anything else is left to the codec) and giving the codec's
// values whenever it takes something, a group message in another valid encoding still read through the codec, and
// the wire bytes of a group message pinned to those before this writer existed.
import { describe, expect, it } from 'vitest'
import { decodeWrittenBody, unsignedMessage } from '../../src/crypto/sender-key-message.js'
import { SenderKeyRecord, senderKeyDecrypt, senderKeyEncrypt } from '../../src/crypto/sender-key.js'
import { encodePb } from '../../src/crypto/codec.js'
import { SenderKeyMessageBodyPb } from '../../src/crypto/pb/messages.js'
import { SenderKeyRecordPb } from '../../src/crypto/pb/state.js'
import { nativeProvider, nobleProvider } from '../../src/crypto/default-provider.js'
import { SeededRandom } from '../helpers/seeded-random.js'
import { dec, enc } from './parties.js'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
/** every varint width and its edges, zero (left out) and the largest uint32 */
const NUMBERS = [0, 1, 127, 128, 16383, 16384, 2 ** 21 - 1, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 32 - 1]
const LENGTHS = [16, 127, 128, 300, 16384]

/** the body the codec reads, as plain values */
function codec (bytes: Uint8Array): { chainId: number, iteration: number, ciphertext: string } {
  const b = SenderKeyMessageBodyPb.decode(bytes)
  return { chainId: b.chainId, iteration: b.iteration, ciphertext: hex(b.ciphertext) }
}
function written (bytes: Uint8Array): { chainId: number, iteration: number, ciphertext: string } | undefined {
  const b = decodeWrittenBody(bytes)
  return b === undefined ? undefined : { chainId: b.chainId, iteration: b.iteration, ciphertext: hex(b.ciphertext) }
}

describe('group message body', () => {
  const rng = new SeededRandom('sender key message')

  it('is written byte for byte as the protons codec writes it, with room for the signature', () => {
    for (const chainId of NUMBERS) {
      for (const iteration of NUMBERS) {
        for (const length of LENGTHS) {
          const ciphertext = rng.random(length)
          const { message, signedLength } = unsignedMessage(chainId, iteration, ciphertext)
          const body = encodePb(SenderKeyMessageBodyPb, { chainId, iteration, ciphertext })
          expect(message[0]).toBe(0x03)
          expect(hex(message.subarray(1, signedLength)), `${chainId}/${iteration}/${length}`).toBe(hex(body))
          expect(message.length).toBe(signedLength + 64)
          expect(written(message.subarray(1, signedLength))).toEqual(codec(body))
        }
      }
    }
  })

  it.each([
    ['a chain id written at zero', '0800' + '1005' + '1a0401020304'],
    ['an iteration written at zero', '0801' + '1000' + '1a0401020304'],
    ['a varint longer than it needs', '088100' + '1a0401020304'],
    ['a five-byte varint past 32 bits', '08ffffffff1f' + '1a0401020304'],
    ['fields out of order', '1005' + '0801' + '1a0401020304'],
    ['a field twice', '0801' + '0802' + '1a0401020304'],
    ['an unknown field', '0801' + '2001' + '1a0401020304'],
    ['bytes after the ciphertext', '0801' + '1a0401020304' + '00'],
    ['a truncated ciphertext', '0801' + '1a0501020304'],
    ['an empty ciphertext', '0801' + '1a00'],
    ['no ciphertext', '0801' + '1001'],
    ['no bytes at all', '']
  ])('leaves %s to the codec', (_, body) => {
    expect(decodeWrittenBody(Buffer.from(body, 'hex'))).toBeUndefined()
  })

  it('whatever it reads, it reads as the codec does (random and mutated bodies)', () => {
    let taken = 0
    for (let i = 0; i < 3000; i++) {
      const base = encodePb(SenderKeyMessageBodyPb, { chainId: rng.int(2) === 0 ? 0 : rng.u32(), iteration: rng.int(3) === 0 ? 0 : rng.int(100000), ciphertext: rng.random(rng.int(200)) })
      const bytes = Uint8Array.from(base)
      if (i % 3 === 1) bytes[rng.int(bytes.length)] = rng.int(256)
      const body = i % 3 === 2 ? rng.random(rng.int(12)) : bytes
      const got = written(body)
      if (got === undefined) continue
      taken++
      expect(got, hex(body)).toEqual(codec(body))
    }
    expect(taken).toBeGreaterThan(1000)
  })
})

describe('group messages on the wire', () => {
  const k = (b: number, n = 32): Uint8Array<ArrayBuffer> => new Uint8Array(n).fill(b)
  const signingPrivate = k(3)
  const record = (iteration: number, own: boolean): SenderKeyRecord => SenderKeyRecord.deserialize(SenderKeyRecordPb.encode({
    groupId: k(9, 8),
    states: [{ chainId: 0x01020304, iteration, chainKey: k(1), signingPublic: Uint8Array.from(nobleProvider.ed25519PublicKey(signingPrivate)), signingPrivate: own ? signingPrivate : new Uint8Array(0), skipped: [] }]
  }))

  it('are the bytes they were before the hand-written body (known answer, both providers)', () => {
    // computed with the protons codec's writer, before unsignedMessage replaced it
    const expected = '03088486880810051a1b3d698fb71ef9e56c064bf20f3e9f9b95b210b1a2fdf1d6bf6442fea3fb70b421be9e9cce55d32bad2bde8968c599f23843e886d32d2848339957a4b060cd70261a45b25b3a8966570258191bf5c757c379e6dd8fe314dcf99a7b07'
    for (const provider of [nativeProvider(), nobleProvider]) {
      const { message } = senderKeyEncrypt(record(5, true), Uint8Array.from({ length: 11 }, (_, i) => i), { provider })
      expect(hex(message), provider?.name).toBe(expected)
      expect(hex(senderKeyDecrypt(record(5, false), message, { provider }).plaintext)).toBe('000102030405060708090a')
    }
  })

  it('signed in another valid encoding (fields reordered) still decrypt, through the codec', () => {
    const { message } = senderKeyEncrypt(record(300, true), enc('reordered'))
    const body = SenderKeyMessageBodyPb.decode(message.subarray(1, message.length - 64))
    const fields = [encodePb(SenderKeyMessageBodyPb, { ciphertext: body.ciphertext }), encodePb(SenderKeyMessageBodyPb, { iteration: body.iteration }), encodePb(SenderKeyMessageBodyPb, { chainId: body.chainId })]
    const signed = Uint8Array.from([0x03, ...fields.flatMap(f => [...f])])
    expect(decodeWrittenBody(signed.subarray(1))).toBeUndefined()
    const other = Uint8Array.from([...signed, ...nobleProvider.ed25519Sign(signingPrivate, signed)])
    expect(dec(senderKeyDecrypt(record(300, false), other).plaintext)).toBe('reordered')
  })
})
