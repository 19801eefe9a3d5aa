// Group traffic formats: round trips of the wire message, the plaintext and every control kind; every limit at and
// one past its bound on both sides of the boundary; malformed and non-canonical encodings; the largest plaintext
// through real sender keys into the largest wire message; and hostile bytes, which only ever raise the two group
// message errors.
import { describe, it, expect } from 'vitest'
import { concat, toHex } from '../../src/crypto/bytes.js'
import { createSenderKey, processSenderKeyDistribution, senderKeyDecrypt, senderKeyEncrypt } from '../../src/crypto/sender-key.js'
import {
  GROUP_CONTENT_FORMAT, GROUP_PADDING_BLOCK, GROUP_WIRE_FORMAT, MAX_CAUSAL_HISTORY, MAX_GROUP_ATTACHMENT_BYTES, MAX_GROUP_CHANGE_BYTES, MAX_GROUP_CONTENT_BYTES,
  MAX_GROUP_CONTROL_BYTES, MAX_GROUP_CONTROL_CHANGES, MAX_GROUP_DISTRIBUTION_BYTES, MAX_GROUP_MENTIONS, MAX_GROUP_RECEIPT_IDS, MAX_GROUP_TEXT_LENGTH,
  MAX_GROUP_WANT_HASHES, MAX_GROUP_WIRE_BYTES, GroupLog, GroupMessageLimitError, stateHash, MalformedGroupMessageError, decodeGroupContent,
  decodeGroupControl, decodeGroupWire, encodeGroupContent, encodeGroupControl, encodeGroupWire, groupChangeBatches,
  GROUP_PHOTO_REF_LENGTH, MAX_GROUP_PHOTO_BYTES, type GroupControl, type GroupTextContent, type NewGroupContent
} from '../../src/groups/index.js'
import { GroupContentPb, GroupControlPb, GroupWirePb } from '../../src/groups/pb/group-message.js'
import { MAX_TEXT_LENGTH } from '../../src/messaging/content.js'
import { SeededRandom } from '../helpers/seeded-random.js'
import { act, errorName, group, people } from './helpers.js'

const rng = new SeededRandom('group-message')
const GROUP = new Uint8Array(32).fill(7)
const fill = (n: number, b: number): Uint8Array => new Uint8Array(n).fill(b)
/** Distinct 16-byte values: refs or ids. */
const ref = (i: number): Uint8Array => { const r = fill(16, 0xa0); r[0] = i & 0xff; r[1] = i >> 8; return r }
const number = (i: number): string => `+1555${String(1_000_000 + i).padStart(7, '0')}`
/** An unknown field (99, varint 1), appended to any message. */
const UNKNOWN_FIELD = Uint8Array.of(0x98, 0x06, 0x01)
/** Lists of bytes as hex (vitest compares large byte arrays slowly). */
const hexes = (list: Uint8Array[]): string[] => list.map(toHex)
/** The changes of a decoded changes control, as hex. */
const changesOf = (bytes: Uint8Array): string[] => hexes((decodeGroupControl(bytes) as { changes: Uint8Array[] }).changes)

/** `protobuf ‖ 0x80 ‖ 0x00…` to `size` (default: the next multiple of the block), written here to not trust the code under test. */
function pad (body: Uint8Array, size = Math.ceil((body.length + 1) / GROUP_PADDING_BLOCK) * GROUP_PADDING_BLOCK): Uint8Array {
  const out = new Uint8Array(size)
  out.set(body)
  out[body.length] = 0x80
  return out
}

const text: GroupTextContent = {
  kind: 'text',
  id: fill(16, 1),
  timestamp: 1_800_000_000_123,
  lamport: 1_800_000_000_456,
  history: [ref(3), ref(2), ref(1)],
  stateHash: fill(32, 9),
  text: 'Summit at dawn? 🧗',
  quote: { id: fill(16, 4), author: fill(32, 5) },
  mentions: ['+15550100001', '+447700900123']
}

/** A content protobuf field by field, loosely typed: tests write what the format forbids. */
type ContentFields = { [K in keyof GroupContentPb]?: unknown }
function contentPb (extra: ContentFields = {}): Uint8Array {
  return GroupContentPb.encode({
    format: GROUP_CONTENT_FORMAT,
    id: fill(16, 1),
    timestamp: 5n,
    lamport: 6n,
    history: [],
    stateHash: fill(32, 9),
    text: { text: 'hi', mentions: [] },
    ...extra
  } as Partial<GroupContentPb>)
}
const decodeContentFails = (bytes: Uint8Array): string => errorName(() => decodeGroupContent(bytes))
const encodeContentFails = (c: unknown): string => errorName(() => encodeGroupContent(c as NewGroupContent))

type ControlFields = { [K in keyof GroupControlPb]?: unknown }
const controlPb = (fields: ControlFields): Uint8Array => GroupControlPb.encode({ groupId: GROUP, ...fields } as Partial<GroupControlPb>)
const decodeControlFails = (bytes: Uint8Array): string => errorName(() => decodeGroupControl(bytes))
const encodeControlFails = (c: unknown): string => errorName(() => encodeGroupControl(c as GroupControl))

describe('the wire message', () => {
  it('round-trips a ciphertext with format 1', () => {
    const ciphertext = rng.random(300)
    const bytes = encodeGroupWire(ciphertext)
    expect(GroupWirePb.decode(bytes).format).toBe(GROUP_WIRE_FORMAT)
    expect(decodeGroupWire(bytes).ciphertext).toEqual(ciphertext)
  })

  it('is at most MAX_GROUP_WIRE_BYTES: at the bound it passes, one byte more is refused on both sides', () => {
    // format (2 bytes), the ciphertext's tag (1) and length (3): 6 bytes around the ciphertext
    const atBound = encodeGroupWire(fill(MAX_GROUP_WIRE_BYTES - 6, 1))
    expect(atBound).toHaveLength(MAX_GROUP_WIRE_BYTES)
    expect(decodeGroupWire(atBound).ciphertext).toHaveLength(MAX_GROUP_WIRE_BYTES - 6)
    expect(errorName(() => encodeGroupWire(fill(MAX_GROUP_WIRE_BYTES - 5, 1)))).toBe('GroupMessageLimitError')
    expect(errorName(() => decodeGroupWire(GroupWirePb.encode({ format: 1, ciphertext: fill(MAX_GROUP_WIRE_BYTES - 5, 1) as Uint8Array<ArrayBuffer> })))).toBe('GroupMessageLimitError')
  })

  it('refuses no ciphertext, another format, unknown fields, non-minimal varints, garbage and truncation', () => {
    const good = encodeGroupWire(fill(40, 3))
    expect(errorName(() => encodeGroupWire(new Uint8Array(0)))).toBe('MalformedGroupMessageError')
    expect(errorName(() => encodeGroupWire('ab' as unknown as Uint8Array))).toBe('MalformedGroupMessageError')
    for (const bad of [
      GroupWirePb.encode({ format: 1, ciphertext: new Uint8Array(0) }),
      GroupWirePb.encode({ format: 2, ciphertext: fill(40, 3) as Uint8Array<ArrayBuffer> }),
      GroupWirePb.encode({ format: 0, ciphertext: fill(40, 3) as Uint8Array<ArrayBuffer> }),
      concat(good, UNKNOWN_FIELD),
      concat(Uint8Array.of(0x08, 0x81, 0x00), good.subarray(2)), // format 1 as a two-byte varint
      concat(good.subarray(2), good.subarray(0, 2)), // fields out of order
      concat(good, good.subarray(0, 2)), // format twice
      good.subarray(0, good.length - 1),
      Uint8Array.of(0xff, 0xff, 0xff),
      new Uint8Array(0)
    ]) {
      expect(errorName(() => decodeGroupWire(bad))).toBe('MalformedGroupMessageError')
    }
    expect(errorName(() => decodeGroupWire([1, 2] as unknown as Uint8Array))).toBe('MalformedGroupMessageError')
  })

  it('carries the largest plaintext, sender-key encrypted, and every member reads it back', () => {
    const deps = { random: rng.random }
    const { record, distribution } = createSenderKey(GROUP, deps)
    const largest: GroupTextContent = {
      ...text,
      history: Array.from({ length: MAX_CAUSAL_HISTORY }, (_, i) => ref(i)),
      lamport: Number.MAX_SAFE_INTEGER,
      timestamp: Number.MAX_SAFE_INTEGER,
      text: '€'.repeat(MAX_GROUP_TEXT_LENGTH), // 3 UTF-8 bytes per code unit: the most bytes a text can take
      mentions: Array.from({ length: MAX_GROUP_MENTIONS }, (_, i) => `+44770090${String(i).padStart(4, '0')}99`.slice(0, 16)),
      attachment: new Uint8Array(MAX_GROUP_ATTACHMENT_BYTES).fill(0xff)
    }
    const plaintext = encodeGroupContent(largest)
    expect(plaintext.length).toBeLessThanOrEqual(MAX_GROUP_CONTENT_BYTES)
    const wire = encodeGroupWire(senderKeyEncrypt(record, plaintext, deps).message)
    expect(wire.length).toBeLessThanOrEqual(MAX_GROUP_WIRE_BYTES)
    const theirs = processSenderKeyDistribution(undefined, distribution)
    const read = senderKeyDecrypt(theirs, decodeGroupWire(wire).ciphertext, deps).plaintext
    expect(decodeGroupContent(read)).toEqual(largest)
  })
})

describe('the plaintext', () => {
  it(`carries an attachment descriptor of 1..${MAX_GROUP_ATTACHMENT_BYTES} bytes, opaque, with a caption or none; a text without one says something`, () => {
    const file = { ...text, text: '', attachment: Uint8Array.of(9, 8, 7) }
    expect(decodeGroupContent(encodeGroupContent(file))).toEqual(file)
    expect(errorName(() => encodeGroupContent({ ...text, text: '' }))).toBe('MalformedGroupMessageError')
    expect(errorName(() => encodeGroupContent({ ...text, attachment: new Uint8Array(0) }))).toBe('MalformedGroupMessageError')
    expect(errorName(() => encodeGroupContent({ ...text, attachment: new Uint8Array(MAX_GROUP_ATTACHMENT_BYTES + 1) }))).toBe('GroupMessageLimitError')
  })

  it('round-trips a text with every field, padded to a multiple of 160 with the 0x80 marker', () => {
    const bytes = encodeGroupContent(text)
    expect(bytes.length % GROUP_PADDING_BLOCK).toBe(0)
    const body = GroupContentPb.encode(GroupContentPb.decode(bytes.subarray(0, bytes.lastIndexOf(0x80))))
    expect(bytes[body.length]).toBe(0x80)
    expect(bytes.subarray(body.length + 1).every(x => x === 0)).toBe(true)
    expect(decodeGroupContent(bytes)).toEqual(text)
  })

  it('round-trips a heartbeat and a bare text; mentions default to none', () => {
    const heartbeat: NewGroupContent = { kind: 'heartbeat', id: fill(16, 2), timestamp: 0, lamport: 0, history: [], stateHash: fill(32, 1) }
    expect(decodeGroupContent(encodeGroupContent(heartbeat))).toEqual(heartbeat)
    const bare = { kind: 'text' as const, id: fill(16, 2), timestamp: 1, lamport: 2, history: [ref(1)], stateHash: fill(32, 1), text: 'x' }
    const decoded = decodeGroupContent(encodeGroupContent(bare))
    expect(decoded).toEqual({ ...bare, mentions: [] })
    expect('quote' in decoded).toBe(false)
  })

  it('a text is 1..65,536 UTF-16 code units, the same bound as 1:1 texts', () => {
    expect(MAX_GROUP_TEXT_LENGTH).toBe(MAX_TEXT_LENGTH)
    const long = { ...text, text: 'a'.repeat(MAX_GROUP_TEXT_LENGTH - 2) + '😀' } // a surrogate pair counts two
    expect(decodeGroupContent(encodeGroupContent(long))).toEqual(long)
    expect(encodeContentFails({ ...long, text: long.text + 'a' })).toBe('GroupMessageLimitError')
    expect(decodeGroupContent(encodeGroupContent({ ...text, text: 'é'.repeat(MAX_GROUP_TEXT_LENGTH) }))).toMatchObject({ kind: 'text' })
    expect(encodeContentFails({ ...text, text: 'a'.repeat(MAX_GROUP_TEXT_LENGTH + 1) })).toBe('GroupMessageLimitError')
    expect(decodeContentFails(pad(contentPb({ text: { text: 'a'.repeat(MAX_GROUP_TEXT_LENGTH + 1), mentions: [] } })))).toBe('GroupMessageLimitError')
    expect(encodeContentFails({ ...text, text: '' })).toBe('MalformedGroupMessageError')
    expect(decodeContentFails(pad(contentPb({ text: { text: '', mentions: [] } })))).toBe('MalformedGroupMessageError')
  })

  it(`a history names at most ${MAX_CAUSAL_HISTORY} distinct 16-byte refs`, () => {
    const full = Array.from({ length: MAX_CAUSAL_HISTORY }, (_, i) => ref(i))
    expect(decodeGroupContent(encodeGroupContent({ ...text, history: full })).history).toEqual(full)
    const over = [...full, ref(99)]
    expect(encodeContentFails({ ...text, history: over })).toBe('GroupMessageLimitError')
    expect(decodeContentFails(pad(contentPb({ history: over })))).toBe('GroupMessageLimitError')
    expect(encodeContentFails({ ...text, history: [ref(1), ref(1)] })).toBe('MalformedGroupMessageError')
    expect(decodeContentFails(pad(contentPb({ history: [ref(1), ref(2), ref(1)] })))).toBe('MalformedGroupMessageError')
    for (const bad of [fill(15, 1), fill(17, 1), new Uint8Array(0)]) {
      expect(encodeContentFails({ ...text, history: [bad] })).toBe('MalformedGroupMessageError')
      expect(decodeContentFails(pad(contentPb({ history: [bad] })))).toBe('MalformedGroupMessageError')
    }
  })

  it(`a text mentions at most ${MAX_GROUP_MENTIONS} members, each an E.164 number, each once`, () => {
    const all = Array.from({ length: MAX_GROUP_MENTIONS }, (_, i) => number(i))
    expect((decodeGroupContent(encodeGroupContent({ ...text, mentions: all })) as GroupTextContent).mentions).toEqual(all)
    const over = [...all, number(999)]
    expect(encodeContentFails({ ...text, mentions: over })).toBe('GroupMessageLimitError')
    expect(decodeContentFails(pad(contentPb({ text: { text: 'hi', mentions: over.map(e164 => ({ e164 })) } })))).toBe('GroupMessageLimitError')
    expect(encodeContentFails({ ...text, mentions: [number(1), number(1)] })).toBe('MalformedGroupMessageError')
    expect(decodeContentFails(pad(contentPb({ text: { text: 'hi', mentions: [{ e164: number(1) }, { e164: number(1) }] } })))).toBe('MalformedGroupMessageError')
    for (const bad of ['', '15550100001', '+05550100001', '+1555', '+1234567890123456', '+1 555 0100', '+1555010000a', '+１５５５０１００００１']) {
      expect(encodeContentFails({ ...text, mentions: [bad] })).toBe('MalformedGroupMessageError')
      expect(decodeContentFails(pad(contentPb({ text: { text: 'hi', mentions: [{ e164: bad }] } })))).toBe('MalformedGroupMessageError')
    }
    expect(encodeContentFails({ ...text, mentions: [42] })).toBe('MalformedGroupMessageError')
  })

  it('ids, quotes and state hashes have their lengths; a quote names both the message and its author', () => {
    for (const [field, good] of [['id', 16], ['stateHash', 32]] as const) {
      for (const n of [good - 1, good + 1, 0]) {
        expect(encodeContentFails({ ...text, [field]: fill(n, 1) })).toBe('MalformedGroupMessageError')
        expect(decodeContentFails(pad(contentPb({ [field]: fill(n, 1) })))).toBe('MalformedGroupMessageError')
      }
    }
    expect(encodeContentFails({ ...text, quote: { id: fill(15, 1), author: fill(32, 1) } })).toBe('MalformedGroupMessageError')
    expect(encodeContentFails({ ...text, quote: { id: fill(16, 1), author: fill(33, 1) } })).toBe('MalformedGroupMessageError')
    expect(decodeContentFails(pad(contentPb({ text: { text: 'hi', quoteId: fill(16, 1), mentions: [] } })))).toBe('MalformedGroupMessageError')
    expect(decodeContentFails(pad(contentPb({ text: { text: 'hi', quoteAuthor: fill(32, 1), mentions: [] } })))).toBe('MalformedGroupMessageError')
    expect(decodeContentFails(pad(contentPb({ text: { text: 'hi', quoteId: fill(16, 1), quoteAuthor: fill(31, 1), mentions: [] } })))).toBe('MalformedGroupMessageError')
  })

  it('times are safe integers: 2^53 - 1 passes, 2^53 and beyond are refused', () => {
    const max = BigInt(Number.MAX_SAFE_INTEGER)
    expect(decodeGroupContent(pad(contentPb({ timestamp: max, lamport: max })))).toMatchObject({ timestamp: Number.MAX_SAFE_INTEGER, lamport: Number.MAX_SAFE_INTEGER })
    for (const field of ['timestamp', 'lamport'] as const) {
      expect(decodeContentFails(pad(contentPb({ [field]: max + 1n })))).toBe('MalformedGroupMessageError')
      expect(decodeContentFails(pad(contentPb({ [field]: 2n ** 64n - 1n })))).toBe('MalformedGroupMessageError')
      for (const bad of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, NaN, '5']) {
        expect(encodeContentFails({ ...text, [field]: bad })).toBe('MalformedGroupMessageError')
      }
    }
  })

  it('exactly one body, format 1, a known kind', () => {
    expect(decodeContentFails(pad(contentPb({ text: undefined })))).toBe('MalformedGroupMessageError')
    expect(decodeContentFails(pad(contentPb({ heartbeat: {} })))).toBe('MalformedGroupMessageError')
    expect(decodeContentFails(pad(contentPb({ format: 2 })))).toBe('MalformedGroupMessageError')
    expect(decodeContentFails(pad(contentPb({ format: 0 })))).toBe('MalformedGroupMessageError')
    expect(encodeContentFails({ ...text, kind: 'image' })).toBe('MalformedGroupMessageError')
  })

  it('refuses bad padding and takes extra zero blocks (a sender may pad to a larger bucket)', () => {
    const body = contentPb()
    expect(decodeGroupContent(pad(body, 4 * GROUP_PADDING_BLOCK))).toMatchObject({ kind: 'text', text: 'hi' })
    expect(decodeContentFails(pad(body, GROUP_PADDING_BLOCK + 1))).toBe('MalformedGroupMessageError') // not a multiple of the block
    expect(decodeContentFails(new Uint8Array(GROUP_PADDING_BLOCK))).toBe('MalformedGroupMessageError') // no marker
    expect(decodeContentFails(new Uint8Array(0))).toBe('MalformedGroupMessageError')
    const afterMarker = pad(body)
    afterMarker[afterMarker.length - 1] = 1
    expect(decodeContentFails(afterMarker)).toBe('MalformedGroupMessageError')
    expect(decodeContentFails(body)).toBe('MalformedGroupMessageError') // not padded at all
  })

  it(`a plaintext is at most ${MAX_GROUP_CONTENT_BYTES} bytes`, () => {
    const largest = Math.floor(MAX_GROUP_CONTENT_BYTES / GROUP_PADDING_BLOCK) * GROUP_PADDING_BLOCK
    expect(decodeGroupContent(pad(contentPb(), largest))).toMatchObject({ kind: 'text' })
    expect(decodeContentFails(pad(contentPb(), largest + GROUP_PADDING_BLOCK))).toBe('GroupMessageLimitError')
    expect(decodeContentFails(pad(contentPb(), MAX_GROUP_CONTENT_BYTES + 1))).toBe('GroupMessageLimitError')
  })

  it('refuses what is not the canonical encoding: unknown fields, fields out of order, invalid UTF-8, a field twice', () => {
    const body = contentPb()
    expect(decodeContentFails(pad(concat(body, UNKNOWN_FIELD)))).toBe('MalformedGroupMessageError')
    expect(decodeContentFails(pad(concat(body.subarray(2), body.subarray(0, 2))))).toBe('MalformedGroupMessageError') // format last
    expect(decodeContentFails(pad(concat(body, Uint8Array.of(0x08, 0x01))))).toBe('MalformedGroupMessageError') // format twice
    const badUtf8 = contentPb({ text: { text: 'hé', mentions: [] } })
    badUtf8[badUtf8.length - 1] = 0xff // the last byte of 'é' (0xc3 0xa9) made invalid
    expect(decodeContentFails(pad(badUtf8))).toBe('MalformedGroupMessageError')
    expect(decodeContentFails(pad(Uint8Array.of(0x12, 0x7f)))).toBe('MalformedGroupMessageError') // a length beyond the end
    expect(decodeContentFails([1] as unknown as Uint8Array)).toBe('MalformedGroupMessageError')
  })
})

describe('control messages', () => {
  const [alice, bob] = people(2, 'control')
  const { creation, log } = group(alice, [bob.as()])
  const changes = [creation.bytes, act(log, alice, { type: 'promote', member: bob.key }).change.bytes]
  const { distribution } = createSenderKey(creation.groupId, { random: rng.random })
  const groupId = creation.groupId

  it('round-trips each kind; changes decoded from a control build the same log', () => {
    const controls: GroupControl[] = [
      { kind: 'changes', groupId, changes },
      { kind: 'sender-key', groupId, distribution },
      { kind: 'want', groupId, all: true, hashes: [] },
      { kind: 'want', groupId, all: false, hashes: [fill(32, 1), fill(32, 2)] },
      { kind: 'receipt', groupId, type: 'delivered', ids: [fill(16, 1)] },
      { kind: 'receipt', groupId, type: 'read', ids: [fill(16, 1), fill(16, 2)] },
      { kind: 'photo', groupId, image: fill(100, 0xff) },
      { kind: 'want-photo', groupId, ref: fill(GROUP_PHOTO_REF_LENGTH, 1) }
    ]
    for (const c of controls) expect(decodeGroupControl(encodeGroupControl(c))).toEqual(c)
    const received = decodeGroupControl(encodeGroupControl(controls[0])) as { changes: Uint8Array[] }
    const replica = GroupLog.open(received.changes[0])
    replica.add(received.changes[1])
    expect(toHex(stateHash(replica.state))).toBe(toHex(stateHash(log.state)))
  })

  it('a group id is 32 bytes, and a control says exactly one thing', () => {
    for (const n of [0, 31, 33]) {
      expect(encodeControlFails({ kind: 'want', groupId: fill(n, 1), all: true, hashes: [] })).toBe('MalformedGroupMessageError')
      expect(decodeControlFails(controlPb({ groupId: fill(n, 1), want: { all: true, hashes: [] } }))).toBe('MalformedGroupMessageError')
    }
    expect(decodeControlFails(controlPb({}))).toBe('MalformedGroupMessageError')
    expect(decodeControlFails(controlPb({ want: { all: true, hashes: [] }, receipt: { type: 'READ', ids: [fill(16, 1)] } }))).toBe('MalformedGroupMessageError')
    expect(encodeControlFails({ kind: 'invite', groupId })).toBe('MalformedGroupMessageError')
  })

  it(`changes: 1..${MAX_GROUP_CONTROL_CHANGES} of 1..${MAX_GROUP_CHANGE_BYTES} bytes, within ${MAX_GROUP_CONTROL_BYTES} bytes in all`, () => {
    const many = Array.from({ length: MAX_GROUP_CONTROL_CHANGES }, (_, i) => fill(200, i))
    expect(changesOf(encodeGroupControl({ kind: 'changes', groupId, changes: many }))).toEqual(hexes(many))
    const over = [...many, fill(200, 1)]
    expect(encodeControlFails({ kind: 'changes', groupId, changes: over })).toBe('GroupMessageLimitError')
    expect(decodeControlFails(controlPb({ changes: { changes: over } }))).toBe('GroupMessageLimitError')
    expect(encodeControlFails({ kind: 'changes', groupId, changes: [] })).toBe('MalformedGroupMessageError')
    expect(decodeControlFails(controlPb({ changes: { changes: [] } }))).toBe('MalformedGroupMessageError')
    expect(decodeControlFails(controlPb({ changes: { changes: [new Uint8Array(0)] } }))).toBe('MalformedGroupMessageError')
    // two of the largest changes fit; one a byte larger does not; three of the largest are too many bytes
    const largest = fill(MAX_GROUP_CHANGE_BYTES, 1)
    const two = encodeGroupControl({ kind: 'changes', groupId, changes: [largest, largest] })
    expect(changesOf(two)).toEqual(hexes([largest, largest]))
    expect(encodeControlFails({ kind: 'changes', groupId, changes: [fill(MAX_GROUP_CHANGE_BYTES + 1, 1)] })).toBe('GroupMessageLimitError')
    expect(decodeControlFails(controlPb({ changes: { changes: [fill(MAX_GROUP_CHANGE_BYTES + 1, 1)] } }))).toBe('GroupMessageLimitError')
    expect(encodeControlFails({ kind: 'changes', groupId, changes: [largest, largest, largest] })).toBe('GroupMessageLimitError')
    expect(decodeControlFails(controlPb({ changes: { changes: [largest, largest, largest] } }))).toBe('GroupMessageLimitError')
  })

  it('a control fits in a 1:1 content with room for the content\'s own fields', () => {
    // the 1:1 padded plaintext is at most MAX_TEXT_LENGTH * 3 + 4096 bytes (src/messaging/content.ts)
    expect(MAX_GROUP_CONTROL_BYTES + 4096).toBeLessThanOrEqual(MAX_TEXT_LENGTH * 3 + 4096)
  })

  it('batches a log of any length into controls that fit, in order', () => {
    const small = Array.from({ length: 1000 }, (_, i) => fill(150 + (i % 50), i))
    const batches = groupChangeBatches(small)
    expect(batches.map(b => b.length)).toEqual([256, 256, 256, 232])
    expect(hexes(batches.flat())).toEqual(hexes(small))
    const largest = fill(MAX_GROUP_CHANGE_BYTES, 2)
    const big = [largest, largest, fill(100, 3), largest, largest, largest]
    const bigBatches = groupChangeBatches(big)
    expect(bigBatches.map(b => b.length)).toEqual([3, 2, 1])
    expect(hexes(bigBatches.flat())).toEqual(hexes(big))
    for (const b of [...batches, ...bigBatches]) expect(changesOf(encodeGroupControl({ kind: 'changes', groupId, changes: b }))).toEqual(hexes(b))
    expect(groupChangeBatches([])).toEqual([])
    expect(errorName(() => groupChangeBatches([fill(MAX_GROUP_CHANGE_BYTES + 1, 1)]))).toBe('GroupMessageLimitError')
  })

  it('fills a batch to the byte: changes that exactly reach the bound share one control', () => {
    // a change of n bytes costs 1 + 3 + n (tag, length, bytes); the group id and the changes field take 38 bytes
    const room = MAX_GROUP_CONTROL_BYTES - 38 - 3 * 4
    const exact = [fill(Math.floor(room / 3), 1), fill(Math.floor(room / 3), 2), fill(room - 2 * Math.floor(room / 3), 3)]
    expect(groupChangeBatches(exact)).toHaveLength(1)
    expect(encodeGroupControl({ kind: 'changes', groupId, changes: exact })).toHaveLength(MAX_GROUP_CONTROL_BYTES)
    const oneMore = [exact[0], exact[1], fill(exact[2].length + 1, 3)]
    expect(groupChangeBatches(oneMore).map(b => b.length)).toEqual([2, 1])
    expect(encodeControlFails({ kind: 'changes', groupId, changes: oneMore })).toBe('GroupMessageLimitError')
  })

  it(`a photo message carries an image of 1..${MAX_GROUP_PHOTO_BYTES} bytes; a photo request names a ${GROUP_PHOTO_REF_LENGTH}-byte reference`, () => {
    const largest = fill(MAX_GROUP_PHOTO_BYTES, 0xff)
    expect(decodeGroupControl(encodeGroupControl({ kind: 'photo', groupId, image: largest }))).toMatchObject({ image: largest })
    expect(encodeControlFails({ kind: 'photo', groupId, image: fill(MAX_GROUP_PHOTO_BYTES + 1, 0xff) })).toBe('GroupMessageLimitError')
    expect(decodeControlFails(controlPb({ photo: { image: fill(MAX_GROUP_PHOTO_BYTES + 1, 0xff) } }))).toBe('GroupMessageLimitError')
    expect(encodeControlFails({ kind: 'photo', groupId, image: new Uint8Array(0) })).toBe('MalformedGroupMessageError')
    expect(decodeControlFails(controlPb({ photo: { image: new Uint8Array(0) } }))).toBe('MalformedGroupMessageError')
    expect(encodeControlFails({ kind: 'photo', groupId, image: 'jpeg' })).toBe('MalformedGroupMessageError')
    for (const n of [0, GROUP_PHOTO_REF_LENGTH - 1, GROUP_PHOTO_REF_LENGTH + 1]) {
      expect(encodeControlFails({ kind: 'want-photo', groupId, ref: fill(n, 1) })).toBe('MalformedGroupMessageError')
      expect(decodeControlFails(controlPb({ wantPhoto: { ref: fill(n, 1) } }))).toBe('MalformedGroupMessageError')
    }
    expect(decodeControlFails(controlPb({ photo: { image: fill(10, 1) }, wantPhoto: { ref: fill(GROUP_PHOTO_REF_LENGTH, 1) } }))).toBe('MalformedGroupMessageError')
  })

  it('a sender-key message carries a real distribution of this group, of at most 256 bytes', () => {
    const other = createSenderKey(fill(32, 8), { random: rng.random }).distribution
    expect(encodeControlFails({ kind: 'sender-key', groupId, distribution: other })).toBe('MalformedGroupMessageError')
    expect(decodeControlFails(controlPb({ groupId, senderKey: { distribution: other } }))).toBe('MalformedGroupMessageError')
    for (const bad of [rng.random(100), new Uint8Array(0)]) {
      expect(encodeControlFails({ kind: 'sender-key', groupId, distribution: bad })).toBe('MalformedGroupMessageError')
      expect(decodeControlFails(controlPb({ groupId, senderKey: { distribution: bad } }))).toBe('MalformedGroupMessageError')
    }
    expect(distribution.length).toBeLessThanOrEqual(MAX_GROUP_DISTRIBUTION_BYTES)
    expect(encodeControlFails({ kind: 'sender-key', groupId, distribution: fill(MAX_GROUP_DISTRIBUTION_BYTES + 1, 1) })).toBe('GroupMessageLimitError')
    expect(decodeControlFails(controlPb({ groupId, senderKey: { distribution: fill(MAX_GROUP_DISTRIBUTION_BYTES + 1, 1) } }))).toBe('GroupMessageLimitError')
  })

  it(`a want asks for the whole log, or names 1..${MAX_GROUP_WANT_HASHES} distinct change hashes`, () => {
    const hashes = Array.from({ length: MAX_GROUP_WANT_HASHES }, (_, i) => concat(ref(i), ref(i)))
    expect(decodeGroupControl(encodeGroupControl({ kind: 'want', groupId, all: false, hashes }))).toMatchObject({ hashes })
    const over = [...hashes, fill(32, 0xee)]
    expect(encodeControlFails({ kind: 'want', groupId, all: false, hashes: over })).toBe('GroupMessageLimitError')
    expect(decodeControlFails(controlPb({ want: { all: false, hashes: over } }))).toBe('GroupMessageLimitError')
    expect(encodeControlFails({ kind: 'want', groupId, all: true, hashes: [fill(32, 1)] })).toBe('MalformedGroupMessageError')
    expect(decodeControlFails(controlPb({ want: { all: true, hashes: [fill(32, 1)] } }))).toBe('MalformedGroupMessageError')
    expect(encodeControlFails({ kind: 'want', groupId, all: false, hashes: [] })).toBe('MalformedGroupMessageError')
    expect(decodeControlFails(controlPb({ want: { all: false, hashes: [] } }))).toBe('MalformedGroupMessageError')
    expect(decodeControlFails(controlPb({ want: { all: false, hashes: [fill(32, 1), fill(32, 1)] } }))).toBe('MalformedGroupMessageError')
    expect(decodeControlFails(controlPb({ want: { all: false, hashes: [fill(31, 1)] } }))).toBe('MalformedGroupMessageError')
  })

  it(`a receipt names 1..${MAX_GROUP_RECEIPT_IDS} distinct message ids, delivered or read`, () => {
    const ids = Array.from({ length: MAX_GROUP_RECEIPT_IDS }, (_, i) => ref(i))
    expect(decodeGroupControl(encodeGroupControl({ kind: 'receipt', groupId, type: 'read', ids }))).toMatchObject({ ids, type: 'read' })
    const over = [...ids, ref(MAX_GROUP_RECEIPT_IDS)]
    expect(encodeControlFails({ kind: 'receipt', groupId, type: 'read', ids: over })).toBe('GroupMessageLimitError')
    expect(decodeControlFails(controlPb({ receipt: { type: 'READ', ids: over } }))).toBe('GroupMessageLimitError')
    expect(encodeControlFails({ kind: 'receipt', groupId, type: 'read', ids: [] })).toBe('MalformedGroupMessageError')
    expect(decodeControlFails(controlPb({ receipt: { type: 'READ', ids: [] } }))).toBe('MalformedGroupMessageError')
    expect(decodeControlFails(controlPb({ receipt: { type: 'READ', ids: [ref(1), ref(1)] } }))).toBe('MalformedGroupMessageError')
    expect(decodeControlFails(controlPb({ receipt: { type: 'READ', ids: [fill(15, 1)] } }))).toBe('MalformedGroupMessageError')
    expect(encodeControlFails({ kind: 'receipt', groupId, type: 'seen', ids: [ref(1)] })).toBe('MalformedGroupMessageError')
    // type 5 is no receipt type
    const receipt = controlPb({ receipt: { type: 'READ', ids: [ref(1)] } })
    const at = receipt.indexOf(0x08, 34) // the type's tag inside the receipt
    expect(receipt[at + 1]).toBe(1)
    receipt[at + 1] = 5
    expect(decodeControlFails(receipt)).toBe('MalformedGroupMessageError')
  })

  it(`a control is at most ${MAX_GROUP_CONTROL_BYTES} bytes, and canonically encoded`, () => {
    expect(decodeControlFails(concat(controlPb({ want: { all: true, hashes: [] } }), new Uint8Array(MAX_GROUP_CONTROL_BYTES)))).toBe('GroupMessageLimitError')
    const good = encodeGroupControl({ kind: 'want', groupId, all: true, hashes: [] })
    expect(decodeControlFails(concat(good, UNKNOWN_FIELD))).toBe('MalformedGroupMessageError')
    expect(decodeControlFails(concat(good.subarray(34), good.subarray(0, 34)))).toBe('MalformedGroupMessageError') // group id last
    expect(decodeControlFails(good.subarray(0, good.length - 1))).toBe('MalformedGroupMessageError')
    expect(decodeControlFails('x' as unknown as Uint8Array)).toBe('MalformedGroupMessageError')
  })
})

describe('hostile bytes', () => {
  const samples = [
    encodeGroupWire(rng.random(200)),
    encodeGroupContent(text),
    encodeGroupControl({ kind: 'receipt', groupId: GROUP, type: 'read', ids: [ref(1), ref(2)] }),
    encodeGroupControl({ kind: 'want', groupId: GROUP, all: false, hashes: [fill(32, 1)] })
  ]
  const decoders = [decodeGroupWire, decodeGroupContent, decodeGroupControl]
  const ours = (fn: () => unknown): void => {
    try {
      fn()
    } catch (err) {
      expect(err instanceof MalformedGroupMessageError || err instanceof GroupMessageLimitError, String(err)).toBe(true)
    }
  }

  it('random bytes and mutated encodings raise only the group message errors, or decode to something valid', () => {
    const fuzz = new SeededRandom('hostile-group-messages')
    for (let i = 0; i < 1500; i++) {
      const input = fuzz.random(fuzz.int(400))
      for (const decode of decoders) ours(() => decode(input))
    }
    for (const sample of samples) {
      for (let i = 0; i < 500; i++) {
        const mutated = sample.slice()
        for (let k = 0, n = 1 + fuzz.int(4); k < n; k++) mutated[fuzz.int(mutated.length)] = fuzz.int(256)
        const cut = fuzz.int(3) === 0 ? mutated.subarray(0, fuzz.int(mutated.length)) : mutated
        for (const decode of decoders) ours(() => decode(cut))
      }
    }
  })

  it('a decoded control re-encodes to the same bytes (one encoding per message)', () => {
    for (const sample of samples.slice(2)) expect(encodeGroupControl(decodeGroupControl(sample))).toEqual(sample)
    expect(encodeGroupWire(decodeGroupWire(samples[0]).ciphertext)).toEqual(samples[0])
  })
})
