// The plaintext inside the encryption: every kind round-trips, padding hides lengths, and out-of-shape input is refused with MalformedContentError.
import { describe, it, expect } from 'vitest'
import { assertTextFits, decodeContent, encodeContent, MAX_RECEIPT_IDS, MAX_TEXT_LENGTH, PADDING_BLOCK, type Content, type MessageBody } from '../../src/messaging/content.js'
import { MAX_TEXT_BYTES } from '../../src/storage/index.js'
import { Content as ContentPb, TypingMessage } from '../../src/messaging/pb/content.js'

const ID = '0123456789abcdef0123456789abcdef'
const base = { senderE164: '+15550001111', attestation: new Uint8Array([1, 2, 3]) }

function pad (body: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil((body.length + 1) / PADDING_BLOCK) * PADDING_BLOCK)
  out.set(body)
  out[body.length] = 0x80
  return out
}

describe('message content', () => {
  const bodies: MessageBody[] = [
    { kind: 'text', id: ID, text: 'see you at 7 🚉', timestamp: 1_700_000_000_000, quoteId: ID },
    { kind: 'receipt', type: 'read', ids: [ID, ID.replace('0', 'f')], timestamp: 1_700_000_000_001 },
    { kind: 'typing', typing: true, timestamp: 1_700_000_000_002 },
    { kind: 'presence', online: false, lastSeen: 1_700_000_000_003, answer: true },
    { kind: 'resend', timestamp: 1_700_000_000_004 }
  ]

  it('carries a 32-byte delivery token and refuses one of another length', () => {
    const content: Content = { ...base, body: bodies[0], deliveryToken: new Uint8Array(32).fill(5) }
    expect(decodeContent(encodeContent(content))).toEqual(content)
    expect(() => encodeContent({ ...content, deliveryToken: new Uint8Array(31) })).toThrow(/delivery token/)
    const bad = pad(ContentPb.encode({ ...base, attestation: Uint8Array.from(base.attestation), typing: { action: TypingMessage.Action.STARTED, timestamp: 1n }, deliveryToken: new Uint8Array(16) }))
    expect(() => decodeContent(bad)).toThrow(expect.objectContaining({ name: 'MalformedContentError' }))
  })

  it.each(bodies)('round-trips a $kind', body => {
    const content: Content = { ...base, body, expiresAt: 1_800_000_000_000 }
    const bytes = encodeContent(content)
    expect(bytes.length % PADDING_BLOCK).toBe(0)
    expect(decodeContent(bytes)).toEqual(content)
  })

  it('pads texts of nearby lengths to the same size', () => {
    const a = encodeContent({ ...base, body: { kind: 'text', id: ID, text: 'a', timestamp: 1 } })
    const b = encodeContent({ ...base, body: { kind: 'text', id: ID, text: 'a'.repeat(60), timestamp: 1 } })
    expect(a.length).toBe(b.length)
  })

  it('refuses out-of-shape input with MalformedContentError', () => {
    const bad: Array<() => unknown> = [
      () => decodeContent(new Uint8Array(PADDING_BLOCK)), // no padding marker
      () => decodeContent(pad(new Uint8Array([0xff, 0xff, 0xff]))), // not protobuf
      () => decodeContent(pad(ContentPb.encode({ ...base, expiresAt: 0n }))), // says nothing
      () => decodeContent(pad(ContentPb.encode({ ...base, expiresAt: 0n, typing: { action: TypingMessage.Action.STARTED, timestamp: 1n }, resend: { timestamp: 1n } }))), // says two things
      () => decodeContent(pad(ContentPb.encode({ ...base, expiresAt: 0n, data: { id: new Uint8Array(5), text: 'x', timestamp: 1n } }))), // short id
      () => encodeContent({ ...base, body: { kind: 'text', id: ID, text: 'x'.repeat(MAX_TEXT_LENGTH + 1), timestamp: 1 } }),
      () => encodeContent({ ...base, body: { kind: 'receipt', type: 'delivered', ids: Array.from({ length: MAX_RECEIPT_IDS + 1 }, () => ID), timestamp: 1 } }),
      () => encodeContent({ ...base, body: { kind: 'text', id: 'not-hex', text: 'x', timestamp: 1 } })
    ]
    for (const f of bad) expect(f).toThrow(expect.objectContaining({ name: 'MalformedContentError' }))
  })

  it('refuses a text longer than a message with MessageTooLongError, counted in UTF-8 bytes as the store counts', () => {
    expect(() => assertTextFits('x'.repeat(MAX_TEXT_BYTES))).not.toThrow()
    expect(() => assertTextFits('x'.repeat(MAX_TEXT_BYTES + 1))).toThrow(expect.objectContaining({ name: 'MessageTooLongError' }))
    // 16 385 emoji: 32 770 UTF-16 code units (within MAX_TEXT_LENGTH) but 65 540 UTF-8 bytes, which the store refuses
    const emoji = '😀'.repeat(MAX_TEXT_BYTES / 4 + 1)
    expect(emoji.length).toBeLessThanOrEqual(MAX_TEXT_LENGTH)
    expect(() => assertTextFits(emoji)).toThrow(expect.objectContaining({ name: 'MessageTooLongError' }))
  })
})
