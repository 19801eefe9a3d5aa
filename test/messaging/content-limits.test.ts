// Content decoding is a security boundary: each limit of encodeContent and decodeContent at the bound and one past, each malformed field refused with MalformedContentError and its message, and the optional fields present exactly when they carry something.
import { describe, it, expect } from 'vitest'
import { decodeContent, encodeContent, MAX_ATTACHMENT_DESCRIPTOR_BYTES, MAX_RECEIPT_IDS, MAX_TEXT_LENGTH, PADDING_BLOCK, type Content, type MessageBody } from '../../src/messaging/content.js'
import { MalformedContentError } from '../../src/messaging/errors.js'
import { Content as ContentPb, ReceiptMessage, TypingMessage } from '../../src/messaging/pb/content.js'

const SENDER = '+15550001111'
const ID = '0123456789abcdef0123456789abcdef'
const ID_BYTES = Uint8Array.from(Buffer.from(ID, 'hex'))
const base = { senderE164: SENDER, attestation: new Uint8Array([1, 2, 3]) }
/** content.ts's MAX_CONTENT_BYTES (not exported): the longest text in UTF-8, the largest attachment descriptor, and room for the rest */
const MAX_CONTENT_BYTES = MAX_TEXT_LENGTH * 3 + MAX_ATTACHMENT_DESCRIPTOR_BYTES + 4096
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)
const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => i.toString(16).padStart(32, '0'))
const idBytes = (n: number): Array<Uint8Array<ArrayBuffer>> => ids(n).map(id => Uint8Array.from(Buffer.from(id, 'hex')))

/** `protobuf ‖ 0x80 ‖ 0x00…` as encodeContent pads, to `size` bytes (default: the next multiple of PADDING_BLOCK). */
function pad (body: Uint8Array, size = Math.ceil((body.length + 1) / PADDING_BLOCK) * PADDING_BLOCK): Uint8Array {
  const out = new Uint8Array(size)
  out.set(body)
  out[body.length] = 0x80
  return out
}

/** What a hostile client could put on the wire: any protobuf, padded, with none of encodeContent's checks. */
function raw (fields: Partial<ContentPb>, size?: number): Uint8Array {
  return pad(ContentPb.encode({ senderE164: SENDER, attestation: new Uint8Array(0), expiresAt: 0n, ...fields }), size)
}

const typing = { typing: { action: TypingMessage.Action.STARTED, timestamp: 1n } }

/** Runs `f`, which must throw MalformedContentError with exactly `message`. */
function refused (f: () => unknown, message: string, label = message): void {
  let err: unknown
  try {
    f()
  } catch (e) {
    err = e
  }
  expect(err, label).toBeInstanceOf(MalformedContentError)
  expect((err as Error).message, label).toBe(message)
}

const roundTrip = (body: MessageBody): MessageBody => decodeContent(encodeContent({ ...base, body })).body

describe('content: padding and size', () => {
  it('pads every length to a multiple of PADDING_BLOCK with room for the marker, and reads each back (bodies of 159, 160 and 161 bytes included)', () => {
    const bodyLengths = new Set<number>()
    for (let n = 0; n <= 200; n++) {
      const content: Content = { ...base, body: { kind: 'text', id: ID, text: 'x'.repeat(n), timestamp: 1 } }
      const bodyLength = ContentPb.encode({ senderE164: SENDER, attestation: base.attestation, expiresAt: 0n, senderRecordSeq: 0n, data: { id: ID_BYTES, text: 'x'.repeat(n), timestamp: 1n } }).length
      bodyLengths.add(bodyLength % PADDING_BLOCK)
      const bytes = encodeContent(content)
      expect(bytes.length, `text of ${n}`).toBe(Math.ceil((bodyLength + 1) / PADDING_BLOCK) * PADDING_BLOCK)
      expect(bytes[bodyLength], `text of ${n}`).toBe(0x80)
      expect(decodeContent(bytes), `text of ${n}`).toEqual(content)
    }
    expect(bodyLengths.has(0) && bodyLengths.has(1) && bodyLengths.has(PADDING_BLOCK - 1)).toBe(true)
  })

  it('refuses bad padding: all zeros, a wrong marker, and tells an empty body from bad padding', () => {
    refused(() => decodeContent(new Uint8Array(PADDING_BLOCK)), 'bad padding', 'all zeros')
    refused(() => decodeContent(new Uint8Array(0)), 'bad padding', 'empty')
    const body = ContentPb.encode({ ...base, attestation: Uint8Array.from(base.attestation), expiresAt: 0n, ...typing })
    const wrongMarker = pad(body)
    wrongMarker[body.length] = 0x81
    refused(() => decodeContent(wrongMarker), 'bad padding', 'marker 0x81')
    const noMarker = new Uint8Array(PADDING_BLOCK)
    noMarker.set(body)
    refused(() => decodeContent(noMarker), 'bad padding', 'no marker')
    // the marker at index 0: the padding is right, the body empty (it says nothing)
    refused(() => decodeContent(pad(new Uint8Array(0))), 'content must say exactly one thing')
    refused(() => decodeContent(Uint8Array.of(0x80)), 'content must say exactly one thing')
    // not protobuf at all
    refused(() => decodeContent(pad(Uint8Array.of(0xff, 0xff, 0xff))), 'content does not decode')
  })

  it(`reads content of MAX_CONTENT_BYTES (${MAX_CONTENT_BYTES}) and refuses one byte more; the longest text in 3-byte characters fits`, () => {
    expect(decodeContent(raw(typing, MAX_CONTENT_BYTES)).body).toEqual({ kind: 'typing', typing: true, timestamp: 1 })
    refused(() => decodeContent(raw(typing, MAX_CONTENT_BYTES + 1)), 'content too large')
    const longest: Content = { ...base, body: { kind: 'text', id: ID, text: '€'.repeat(MAX_TEXT_LENGTH), timestamp: 1 }, deliveryToken: new Uint8Array(32).fill(1) }
    const bytes = encodeContent(longest)
    expect(bytes.length).toBeLessThanOrEqual(MAX_CONTENT_BYTES)
    expect(decodeContent(bytes)).toEqual(longest)
    // and as the caption of the largest attachment descriptor
    const captioned: Content = { ...longest, body: { kind: 'text', id: ID, text: '€'.repeat(MAX_TEXT_LENGTH), timestamp: 1, attachment: new Uint8Array(MAX_ATTACHMENT_DESCRIPTOR_BYTES).fill(0xff) } }
    const withFile = encodeContent(captioned)
    expect(withFile.length).toBeLessThanOrEqual(MAX_CONTENT_BYTES)
    expect(decodeContent(withFile)).toEqual(captioned)
  })

  it(`carries an attachment descriptor of 1..${MAX_ATTACHMENT_DESCRIPTOR_BYTES} bytes with a text or a transcript, opaque; refuses an empty or larger one`, () => {
    const one = new Uint8Array([7])
    const text: Content = { ...base, body: { kind: 'text', id: ID, text: '', timestamp: 1, attachment: one } }
    expect(decodeContent(encodeContent(text))).toEqual(text)
    const sent: Content = { ...base, body: { kind: 'sent', to: SENDER, id: ID, text: 'caption', timestamp: 1, attachment: one } }
    expect(decodeContent(encodeContent(sent))).toEqual(sent)
    for (const bad of [new Uint8Array(0), new Uint8Array(MAX_ATTACHMENT_DESCRIPTOR_BYTES + 1)]) {
      refused(() => encodeContent({ ...base, body: { kind: 'text', id: ID, text: '', timestamp: 1, attachment: bad } }), `an attachment descriptor is 1..${MAX_ATTACHMENT_DESCRIPTOR_BYTES} bytes`)
      refused(() => decodeContent(raw({ data: { id: ID_BYTES, text: '', timestamp: 1n, attachment: Uint8Array.from(bad) } })), `an attachment descriptor is 1..${MAX_ATTACHMENT_DESCRIPTOR_BYTES} bytes`)
      refused(() => decodeContent(raw({ sent: { to: SENDER, data: { id: ID_BYTES, text: '', timestamp: 1n, attachment: Uint8Array.from(bad) } } })), `an attachment descriptor is 1..${MAX_ATTACHMENT_DESCRIPTOR_BYTES} bytes`)
    }
  })

  it('refuses content that says nothing or two things', () => {
    refused(() => decodeContent(raw({})), 'content must say exactly one thing', 'nothing')
    refused(() => decodeContent(raw({ ...typing, resend: { timestamp: 1n } })), 'content must say exactly one thing', 'two things')
  })
})

describe('content: texts and ids', () => {
  it(`encodes a text of MAX_TEXT_LENGTH (${MAX_TEXT_LENGTH}) UTF-16 units and refuses one more`, () => {
    const max: MessageBody = { kind: 'text', id: ID, text: 'x'.repeat(MAX_TEXT_LENGTH), timestamp: 1 }
    expect(roundTrip(max)).toEqual(max)
    refused(() => encodeContent({ ...base, body: { ...max, text: 'x'.repeat(MAX_TEXT_LENGTH + 1) } }), `text longer than ${MAX_TEXT_LENGTH} characters`)
  })

  it('decodes a text of MAX_TEXT_LENGTH and refuses one more', () => {
    expect(decodeContent(raw({ data: { id: ID_BYTES, text: 'x'.repeat(MAX_TEXT_LENGTH), timestamp: 1n } })).body).toMatchObject({ kind: 'text', text: 'x'.repeat(MAX_TEXT_LENGTH) })
    refused(() => decodeContent(raw({ data: { id: ID_BYTES, text: 'x'.repeat(MAX_TEXT_LENGTH + 1), timestamp: 1n } })), 'text too long')
  })

  it('refuses message ids that are not exactly 32 lowercase hex characters, in texts, quotes, receipts and read syncs', () => {
    const bad = ['x' + ID, ID + 'x', ID.slice(1), ID + '0', ID.toUpperCase(), 'g' + ID.slice(1), '']
    for (const id of bad) {
      const message = 'a message id is 32 lowercase hex characters'
      refused(() => encodeContent({ ...base, body: { kind: 'text', id, text: 'x', timestamp: 1 } }), message, `text id ${id}`)
      refused(() => encodeContent({ ...base, body: { kind: 'text', id: ID, text: 'x', timestamp: 1, quoteId: id } }), message, `quote id ${id}`)
      refused(() => encodeContent({ ...base, body: { kind: 'receipt', type: 'read', ids: [ID, id], timestamp: 1 } }), message, `receipt id ${id}`)
      refused(() => encodeContent({ ...base, body: { kind: 'read-sync', chat: SENDER, ids: [id] } }), message, `read sync id ${id}`)
      refused(() => encodeContent({ ...base, body: { kind: 'sent', to: SENDER, id, text: 'x', timestamp: 1 } }), message, `transcript id ${id}`)
    }
  })

  it('refuses decoded ids of other than 16 bytes', () => {
    for (const n of [0, 15, 17]) {
      const id = new Uint8Array(n).fill(1)
      refused(() => decodeContent(raw({ data: { id, text: 'x', timestamp: 1n } })), 'bad message id', `text id of ${n}`)
      refused(() => decodeContent(raw({ data: { id: ID_BYTES, text: 'x', timestamp: 1n, quoteId: id } })), 'bad message id', `quote id of ${n}`)
      refused(() => decodeContent(raw({ receipt: { type: ReceiptMessage.Type.READ, ids: [ID_BYTES, id], timestamp: 1n } })), 'bad message id', `receipt id of ${n}`)
    }
  })

  it('carries a quote in a transcript of a sent text, and none when there is none', () => {
    const sent: MessageBody = { kind: 'sent', to: '+15550002222', id: ID, text: 'hi', timestamp: 5, quoteId: ids(2)[1] }
    expect(roundTrip(sent)).toEqual(sent)
    const { quoteId: _, ...unquoted } = sent
    expect(roundTrip(unquoted)).toStrictEqual(unquoted)
  })

  it(`encodes a transcript of MAX_TEXT_LENGTH and refuses one more`, () => {
    const max: MessageBody = { kind: 'sent', to: SENDER, id: ID, text: 'x'.repeat(MAX_TEXT_LENGTH), timestamp: 1 }
    expect(roundTrip(max)).toEqual(max)
    refused(() => encodeContent({ ...base, body: { ...max, text: 'x'.repeat(MAX_TEXT_LENGTH + 1) } }), `text longer than ${MAX_TEXT_LENGTH} characters`)
    refused(() => encodeContent({ ...base, body: { ...max, to: '15550001111' } }), 'a transcript names an E.164 number')
  })

  it('refuses a decoded transcript without a text, naming no E.164 number, or with a text too long', () => {
    const data = { id: ID_BYTES, text: 'x', timestamp: 1n }
    expect(decodeContent(raw({ sent: { to: SENDER, data: { ...data, text: 'x'.repeat(MAX_TEXT_LENGTH) } } })).body).toMatchObject({ kind: 'sent', to: SENDER })
    refused(() => decodeContent(raw({ sent: { to: SENDER } })), 'bad transcript', 'no text')
    refused(() => decodeContent(raw({ sent: { to: '+0555000111', data } })), 'bad transcript', 'not E.164')
    refused(() => decodeContent(raw({ sent: { to: `${SENDER}\n`, data } })), 'bad transcript', 'E.164 and more')
    refused(() => decodeContent(raw({ sent: { to: SENDER, data: { ...data, text: 'x'.repeat(MAX_TEXT_LENGTH + 1) } } })), 'bad transcript', 'text too long')
  })
})

describe('content: receipts and read syncs', () => {
  it(`encodes receipts of 1 and MAX_RECEIPT_IDS (${MAX_RECEIPT_IDS}) ids and refuses 0 and one more; both types round-trip`, () => {
    for (const type of ['delivered', 'read'] as const) {
      for (const n of [1, MAX_RECEIPT_IDS]) {
        const receipt: MessageBody = { kind: 'receipt', type, ids: ids(n), timestamp: 7 }
        expect(roundTrip(receipt), `${type} of ${n}`).toEqual(receipt)
      }
    }
    const message = `a receipt names 1..${MAX_RECEIPT_IDS} messages`
    refused(() => encodeContent({ ...base, body: { kind: 'receipt', type: 'read', ids: [], timestamp: 1 } }), message, 'no ids')
    refused(() => encodeContent({ ...base, body: { kind: 'receipt', type: 'read', ids: ids(MAX_RECEIPT_IDS + 1), timestamp: 1 } }), message, 'one id too many')
  })

  it('decodes a receipt of MAX_RECEIPT_IDS ids and refuses none and one more', () => {
    expect(decodeContent(raw({ receipt: { type: ReceiptMessage.Type.DELIVERED, ids: idBytes(MAX_RECEIPT_IDS), timestamp: 1n } })).body)
      .toEqual({ kind: 'receipt', type: 'delivered', ids: ids(MAX_RECEIPT_IDS), timestamp: 1 })
    refused(() => decodeContent(raw({ receipt: { type: ReceiptMessage.Type.READ, ids: [], timestamp: 1n } })), 'bad receipt')
    // one more is refused by the decoder's limit already
    refused(() => decodeContent(raw({ receipt: { type: ReceiptMessage.Type.READ, ids: idBytes(MAX_RECEIPT_IDS + 1), timestamp: 1n } })), 'content does not decode')
  })

  it('encodes read syncs of 1 and MAX_RECEIPT_IDS ids naming an E.164 chat; refuses another chat, 0 ids and one more', () => {
    for (const n of [1, MAX_RECEIPT_IDS]) {
      const sync: MessageBody = { kind: 'read-sync', chat: SENDER, ids: ids(n) }
      expect(roundTrip(sync), `${n} ids`).toEqual(sync)
    }
    refused(() => encodeContent({ ...base, body: { kind: 'read-sync', chat: 'alice', ids: [ID] } }), 'a read sync names an E.164 number')
    const message = `a read sync names 1..${MAX_RECEIPT_IDS} messages`
    refused(() => encodeContent({ ...base, body: { kind: 'read-sync', chat: SENDER, ids: [] } }), message, 'no ids')
    refused(() => encodeContent({ ...base, body: { kind: 'read-sync', chat: SENDER, ids: ids(MAX_RECEIPT_IDS + 1) } }), message, 'one id too many')
  })

  it('decodes a read sync of MAX_RECEIPT_IDS ids and refuses another chat, none and one more', () => {
    expect(decodeContent(raw({ readSync: { chat: SENDER, ids: idBytes(MAX_RECEIPT_IDS) } })).body).toEqual({ kind: 'read-sync', chat: SENDER, ids: ids(MAX_RECEIPT_IDS) })
    refused(() => decodeContent(raw({ readSync: { chat: 'alice', ids: [ID_BYTES] } })), 'bad read sync', 'not E.164')
    refused(() => decodeContent(raw({ readSync: { chat: SENDER, ids: [] } })), 'bad read sync', 'no ids')
    refused(() => decodeContent(raw({ readSync: { chat: SENDER, ids: idBytes(MAX_RECEIPT_IDS + 1) } })), 'content does not decode', 'one id too many')
  })
})

describe('content: typing, presence, devices', () => {
  it('typing stopped and started both round-trip', () => {
    for (const t of [false, true]) expect(roundTrip({ kind: 'typing', typing: t, timestamp: 3 })).toEqual({ kind: 'typing', typing: t, timestamp: 3 })
  })

  it('presence carries lastSeen and answer only when given', () => {
    expect(roundTrip({ kind: 'presence', online: true })).toStrictEqual({ kind: 'presence', online: true })
    expect(roundTrip({ kind: 'presence', online: false, answer: false })).toStrictEqual({ kind: 'presence', online: false })
    expect(roundTrip({ kind: 'presence', online: false, lastSeen: 1, answer: true })).toStrictEqual({ kind: 'presence', online: false, lastSeen: 1, answer: true })
    expect(decodeContent(raw({ presence: { online: true, lastSeen: 0n, answer: false } })).body).toStrictEqual({ kind: 'presence', online: true })
  })

  it('device list seqs 1..MAX_SAFE_INTEGER are read; 0 and MAX_SAFE_INTEGER + 1 refused', () => {
    expect(roundTrip({ kind: 'devices', seq: 1 })).toEqual({ kind: 'devices', seq: 1 })
    expect(decodeContent(raw({ devices: { seq: MAX_SAFE } })).body).toEqual({ kind: 'devices', seq: Number.MAX_SAFE_INTEGER })
    refused(() => decodeContent(raw({ devices: { seq: 0n } })), 'bad device list seq', 'seq 0')
    refused(() => decodeContent(raw({ devices: { seq: MAX_SAFE + 1n } })), 'bad device list seq', 'seq past MAX_SAFE_INTEGER')
  })
})

describe('content: profiles', () => {
  it('updatedAt 1 and MAX_SAFE_INTEGER are accepted both ways; 0, MAX_SAFE_INTEGER + 1 and a fraction refused', () => {
    for (const updatedAt of [1, Number.MAX_SAFE_INTEGER]) {
      expect(roundTrip({ kind: 'profile', name: 'A', updatedAt }), `updatedAt ${updatedAt}`).toEqual({ kind: 'profile', name: 'A', updatedAt })
    }
    const message = 'bad profile: no valid updatedAt'
    refused(() => decodeContent(raw({ profile: { name: 'A', photo: new Uint8Array(0), updatedAt: 0n } })), message, 'decode 0')
    refused(() => decodeContent(raw({ profile: { name: 'A', photo: new Uint8Array(0), updatedAt: MAX_SAFE + 1n } })), message, 'decode past MAX_SAFE_INTEGER')
    refused(() => encodeContent({ ...base, body: { kind: 'profile', updatedAt: 0 } }), message, 'encode 0')
    refused(() => encodeContent({ ...base, body: { kind: 'profile', updatedAt: 1.5 } }), message, 'encode 1.5')
    refused(() => encodeContent({ ...base, body: { kind: 'profile', updatedAt: Number.MAX_SAFE_INTEGER + 1 } }), message, 'encode past MAX_SAFE_INTEGER')
  })

  it("refuses a profile with the shared limits' reason in the message", () => {
    refused(() => encodeContent({ ...base, body: { kind: 'profile', name: 'n'.repeat(65), updatedAt: 1 } }), 'bad profile: the name must be at most 64 characters')
    refused(() => decodeContent(raw({ profile: { name: 'a\u0007', photo: new Uint8Array(0), updatedAt: 1n } })), 'bad profile: the name must not contain control characters')
    refused(() => decodeContent(raw({ profile: { name: '', photo: Uint8Array.of(1, 2, 3, 4), updatedAt: 1n } })), 'bad profile: the photo must be a JPEG or PNG image')
  })
})

describe('content: account state', () => {
  const entries = (n: number, key = (i: number): string => `k${i}`): Array<{ key: string, value: Uint8Array }> => Array.from({ length: n }, (_, i) => ({ key: key(i), value: Uint8Array.of(i & 0xff) }))
  const rawState = (stores: Array<{ name: string, entries: Array<{ key: string, value: Uint8Array }> }>): Uint8Array =>
    raw({ state: { stores: stores.map(s => ({ name: s.name, entries: s.entries.map(e => ({ key: e.key, value: Uint8Array.from(e.value) })) })) } })
  const unknownOrRepeated = 'bad account state: unknown or repeated store'
  const tooManyOrBadKey = 'bad account state: too many entries or a bad key'

  it('round-trips every synced store with entries of 1,000 and keys of 1 and 128 characters', () => {
    const state: MessageBody = {
      kind: 'state',
      stores: [
        { name: 'profile', entries: [{ key: 'n', value: Uint8Array.of(1, 2) }, { key: 'k'.repeat(128), value: new Uint8Array(0) }] },
        { name: 'settings', entries: entries(1000) },
        { name: 'device-names', entries: [] },
        { name: 'verified', entries: [{ key: SENDER, value: Uint8Array.of(1) }] }
      ]
    }
    expect(roundTrip(state)).toEqual(state)
    expect(decodeContent(rawState(state.stores)).body).toEqual(state)
  })

  it('refuses an unknown or repeated store, more than 1,000 entries, an empty key and one of 129 characters, encoding and decoding', () => {
    const cases: Array<[string, Array<{ name: string, entries: Array<{ key: string, value: Uint8Array }> }>, string]> = [
      ['an unknown store', [{ name: 'contacts', entries: [] }], unknownOrRepeated],
      ['a repeated store', [{ name: 'settings', entries: [] }, { name: 'settings', entries: [] }], unknownOrRepeated],
      ['1,001 entries', [{ name: 'settings', entries: entries(1001) }], tooManyOrBadKey],
      ['an empty key', [{ name: 'settings', entries: [{ key: 'a', value: new Uint8Array(0) }, { key: '', value: new Uint8Array(0) }] }], tooManyOrBadKey],
      ['a key of 129', [{ name: 'profile', entries: [{ key: 'k'.repeat(129), value: new Uint8Array(0) }] }], tooManyOrBadKey]
    ]
    for (const [what, stores, message] of cases) {
      refused(() => encodeContent({ ...base, body: { kind: 'state', stores } as MessageBody }), message, `encode ${what}`)
      refused(() => decodeContent(rawState(stores)), message, `decode ${what}`)
    }
  })
})

describe('content: envelope fields', () => {
  it('a delivery token is 32 bytes or absent', () => {
    expect(decodeContent(raw({ ...typing, deliveryToken: new Uint8Array(32).fill(1) })).deliveryToken).toEqual(new Uint8Array(32).fill(1))
    expect(decodeContent(raw(typing))).not.toHaveProperty('deliveryToken')
    for (const n of [1, 31, 33]) refused(() => decodeContent(raw({ ...typing, deliveryToken: new Uint8Array(n) })), 'bad delivery token', `${n} bytes`)
  })

  it("the sender's record seq is kept for 1..MAX_SAFE_INTEGER and left out otherwise", () => {
    expect(decodeContent(raw({ ...typing, senderRecordSeq: 1n })).senderRecordSeq).toBe(1)
    expect(decodeContent(raw({ ...typing, senderRecordSeq: MAX_SAFE })).senderRecordSeq).toBe(Number.MAX_SAFE_INTEGER)
    expect(decodeContent(raw({ ...typing, senderRecordSeq: MAX_SAFE + 1n }))).not.toHaveProperty('senderRecordSeq')
    expect(decodeContent(raw({ ...typing, senderRecordSeq: 0n }))).not.toHaveProperty('senderRecordSeq')
  })
})
