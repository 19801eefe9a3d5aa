// Ratchet and prekey message framing: the type byte, minimum lengths and each prekey-message field length are checked, one at a time.
import { describe, expect, it } from 'vitest'
import {
  encodePreKeyMessage, encodeRatchetHeader, messageKind, parsePreKeyMessage, parseRatchetMessage, RATCHET_HEADER_LENGTH, type PreKeyMessage
} from '../../src/crypto/ratchet/message.js'
import { MLKEM768_CIPHERTEXT_LENGTH } from '../../src/crypto/kem.js'
import { AES_GCM_TAG_LENGTH } from '../../src/crypto/provider.js'

const malformed = { name: 'InvalidMessageError' }

describe('message framing', () => {
  it('tells the kind by the first byte and refuses anything else', () => {
    expect(messageKind(Uint8Array.of(1))).toBe('message')
    expect(messageKind(Uint8Array.of(2, 0))).toBe('prekey')
    expect(() => messageKind(new Uint8Array(0))).toThrow(expect.objectContaining({ ...malformed, message: 'Unknown message type' }))
    expect(() => messageKind(Uint8Array.of(3))).toThrow(expect.objectContaining(malformed))
    expect(() => messageKind(Uint8Array.of(0))).toThrow(expect.objectContaining(malformed))
  })

  it('parses a ratchet message of header plus tag, and refuses a shorter one or another type', () => {
    const header = encodeRatchetHeader({ ratchetKey: new Uint8Array(32).fill(7), previousCounter: 0xfffffffe, counter: 3 })
    const shortest = new Uint8Array(RATCHET_HEADER_LENGTH + AES_GCM_TAG_LENGTH)
    shortest.set(header)
    const parsed = parseRatchetMessage(shortest)
    expect(parsed.header).toEqual({ ratchetKey: new Uint8Array(32).fill(7), previousCounter: 0xfffffffe, counter: 3 })
    expect(parsed.headerBytes).toEqual(header)
    expect(parsed.sealed).toHaveLength(AES_GCM_TAG_LENGTH)
    expect(() => parseRatchetMessage(shortest.subarray(0, shortest.length - 1))).toThrow(expect.objectContaining({ ...malformed, message: 'Malformed ratchet message' }))
    const other = shortest.slice()
    other[0] = 2
    expect(() => parseRatchetMessage(other)).toThrow(expect.objectContaining({ ...malformed, message: 'Malformed ratchet message' }))
  })

  const valid: PreKeyMessage = {
    identityKey: new Uint8Array(32).fill(1),
    baseKey: new Uint8Array(32).fill(2),
    signedPreKeyId: 5,
    kemPreKeyId: 6,
    kemCiphertext: new Uint8Array(MLKEM768_CIPHERTEXT_LENGTH).fill(3),
    message: Uint8Array.of(4)
  }

  it('parses a prekey message with and without a one-time prekey id', () => {
    expect(parsePreKeyMessage(encodePreKeyMessage(valid))).toEqual(valid)
    expect(parsePreKeyMessage(encodePreKeyMessage({ ...valid, oneTimePreKeyId: 0 }))).toEqual({ ...valid, oneTimePreKeyId: 0 })
  })

  it.each([
    ['identity key of 31 bytes', { identityKey: new Uint8Array(31) }],
    ['identity key of 33 bytes', { identityKey: new Uint8Array(33) }],
    ['base key of 31 bytes', { baseKey: new Uint8Array(31) }],
    ['base key of 33 bytes', { baseKey: new Uint8Array(33) }],
    ['KEM ciphertext one byte short', { kemCiphertext: new Uint8Array(MLKEM768_CIPHERTEXT_LENGTH - 1) }],
    ['KEM ciphertext one byte long', { kemCiphertext: new Uint8Array(MLKEM768_CIPHERTEXT_LENGTH + 1) }],
    ['empty inner message', { message: new Uint8Array(0) }]
  ])('refuses a prekey message with %s', (_, change) => {
    expect(() => parsePreKeyMessage(encodePreKeyMessage({ ...valid, ...change }))).toThrow(expect.objectContaining({ ...malformed, message: 'Malformed prekey message' }))
  })

  it('refuses a prekey message of another type, empty, undecodable or not canonically encoded', () => {
    const bytes = encodePreKeyMessage(valid)
    const other = bytes.slice()
    other[0] = 1
    expect(() => parsePreKeyMessage(other)).toThrow(expect.objectContaining({ ...malformed, message: 'Malformed prekey message' }))
    expect(() => parsePreKeyMessage(new Uint8Array(0))).toThrow(expect.objectContaining({ ...malformed, message: 'Malformed prekey message' }))
    expect(() => parsePreKeyMessage(Uint8Array.of(2, 0xff))).toThrow(expect.objectContaining({ ...malformed, message: 'Malformed prekey message' }))
    // trailing bytes decode (protobuf skips nothing here) but do not re-encode to the same bytes
    const trailing = new Uint8Array([...bytes, 0x78, 0x01])
    expect(() => parsePreKeyMessage(trailing)).toThrow(expect.objectContaining({ ...malformed, message: 'Non-canonical prekey message' }))
  })
})
