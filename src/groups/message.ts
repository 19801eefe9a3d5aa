/** Group traffic formats (docs/group-messages.md): the wire message, the padded plaintext inside its sender-key encryption, and the control messages sent over 1:1 sessions, each encoded and decoded with its limits; knows no keys, sessions, transport or state. */
import { constantTimeEqual, padToBlock, toHex, unpadBlock } from '../crypto/bytes.js'
import { IDENTITY_KEY_LENGTH } from '../crypto/identity.js'
import { parseSenderKeyDistribution } from '../crypto/sender-key.js'
import { E164 } from '../util/phone.js'
import {
  GROUP_CHANGE_HASH_LENGTH, GROUP_CONTENT_FORMAT, GROUP_ID_LENGTH, GROUP_JOIN_PROOF_LENGTH, GROUP_MESSAGE_ID_LENGTH, GROUP_MESSAGE_REF_LENGTH, GROUP_PADDING_BLOCK,
  GROUP_STATE_HASH_LENGTH, GROUP_WIRE_FORMAT, MAX_CAUSAL_HISTORY, MAX_E164_LENGTH, MAX_GROUP_ATTACHMENT_BYTES, MAX_GROUP_CHANGE_BYTES, MAX_GROUP_CONTENT_BYTES, MAX_GROUP_CONTROL_BYTES,
  MAX_GROUP_CONTROL_CHANGES, MAX_GROUP_DISTRIBUTION_BYTES, MAX_GROUP_MENTIONS, MAX_GROUP_RECEIPT_IDS, MAX_GROUP_TEXT_LENGTH,
  MAX_GROUP_WANT_HASHES, MAX_GROUP_WIRE_BYTES
} from './constants.js'
import { GroupMessageLimitError, MalformedGroupMessageError } from './errors.js'
import { GroupContentPb, GroupControlPb, GroupReceiptPb, GroupWirePb } from './pb/group-message.js'
import { GROUP_PHOTO_REF_LENGTH, MAX_GROUP_PHOTO_BYTES } from './photo.js'

type Bytes = Uint8Array<ArrayBuffer>
const b = (x: Uint8Array): Bytes => x as Bytes

// ---------------------------------------------------------------------------------------------------------------
// shared checks

/** protons refuses a repeated field beyond its limit with a MaxLengthError: that is a limit, anything else is malformed. */
function decodeError (err: unknown): Error {
  return (err as Error)?.name === 'MaxLengthError' ? new GroupMessageLimitError('a group message lists more than allowed') : new MalformedGroupMessageError()
}

function checkBytes (x: unknown, length: number, what: string): asserts x is Uint8Array {
  if (!(x instanceof Uint8Array) || x.length !== length) throw new MalformedGroupMessageError(`${what} is ${length} bytes`)
}

/** Each item `length` bytes, none twice. */
function checkDistinct (items: Uint8Array[], length: number, what: string): void {
  const seen = new Set<string>()
  for (const item of items) {
    checkBytes(item, length, what)
    const key = toHex(item)
    if (seen.has(key)) throw new MalformedGroupMessageError(`${what} is named twice`)
    seen.add(key)
  }
}

function checkTime (n: unknown, what: string): void {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new MalformedGroupMessageError(`${what} out of range`)
}

function toSafe (v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedGroupMessageError(`${what} out of range`)
  return Number(v)
}

// ---------------------------------------------------------------------------------------------------------------
// the wire message

/** Wraps a sender-key message (senderKeyEncrypt's output) as it travels on the group's topic and in relay stores. */
export function encodeGroupWire (ciphertext: Uint8Array): Uint8Array {
  if (!(ciphertext instanceof Uint8Array) || ciphertext.length === 0) throw new MalformedGroupMessageError('a wire message carries a ciphertext')
  const bytes = GroupWirePb.encode({ format: GROUP_WIRE_FORMAT, ciphertext: b(ciphertext) })
  if (bytes.length > MAX_GROUP_WIRE_BYTES) throw new GroupMessageLimitError(`a wire message is at most ${MAX_GROUP_WIRE_BYTES} bytes`)
  return bytes
}

/**
 * The sender-key message inside a wire message. Refuses (before anything is decrypted) more than
 * MAX_GROUP_WIRE_BYTES (GroupMessageLimitError), and bytes that do not decode, are not canonically encoded (so one
 * ciphertext has one ref), have another format or no ciphertext (MalformedGroupMessageError).
 */
export function decodeGroupWire (bytes: Uint8Array): { ciphertext: Uint8Array } {
  if (!(bytes instanceof Uint8Array)) throw new MalformedGroupMessageError()
  if (bytes.length > MAX_GROUP_WIRE_BYTES) throw new GroupMessageLimitError(`a wire message is at most ${MAX_GROUP_WIRE_BYTES} bytes`)
  let pb: GroupWirePb
  try {
    pb = GroupWirePb.decode(bytes)
  } catch (err) {
    throw decodeError(err)
  }
  if (!constantTimeEqual(GroupWirePb.encode(pb), bytes)) throw new MalformedGroupMessageError('a wire message is not canonically encoded')
  if (pb.format !== GROUP_WIRE_FORMAT) throw new MalformedGroupMessageError('unknown wire format')
  if (pb.ciphertext.length === 0) throw new MalformedGroupMessageError('a wire message carries a ciphertext')
  return { ciphertext: pb.ciphertext }
}

// ---------------------------------------------------------------------------------------------------------------
// the plaintext

/** The message a text answers: its id and its author's identity key (ids are chosen by their senders, so both name it). */
export interface GroupQuote {
  id: Uint8Array
  author: Uint8Array
}

/** What every group plaintext carries besides its body. */
export interface GroupContentHeader {
  /** 16 random bytes */
  id: Uint8Array
  /** the sender's clock, ms since the epoch: shown, never used to order */
  timestamp: number
  /** the Lamport timestamp (CausalHistory.nextOutgoing) */
  lamport: number
  /** refs of the last messages the sender had in this group, newest first (at most MAX_CAUSAL_HISTORY) */
  history: Uint8Array[]
  /** the sender's membership state hash when it wrote */
  stateHash: Uint8Array
}

export interface GroupTextContent extends GroupContentHeader {
  kind: 'text'
  text: string
  quote?: GroupQuote
  /** members named in the text (E.164), each once */
  mentions: string[]
  /** a file the text is the caption of (the media layer's descriptor, 1..MAX_GROUP_ATTACHMENT_BYTES, opaque here); the text may then be empty */
  attachment?: Uint8Array
}

/** A sync message: only its history and Lamport timestamp count; shown to nobody. */
export interface GroupHeartbeatContent extends GroupContentHeader {
  kind: 'heartbeat'
}

export type GroupContent = GroupTextContent | GroupHeartbeatContent
/** What encodeGroupContent takes: a text may leave out its mentions. */
export type NewGroupContent = GroupHeartbeatContent | (Omit<GroupTextContent, 'mentions'> & { mentions?: string[] })

function checkE164 (e164: unknown): void {
  if (typeof e164 !== 'string' || e164.length > MAX_E164_LENGTH || !E164.test(e164)) throw new MalformedGroupMessageError('a mention is not an E.164 number')
}

/** The checks encoding and decoding share: ids, times, history, state hash and the body's limits. */
function checkContent (c: GroupContent): void {
  checkBytes(c.id, GROUP_MESSAGE_ID_LENGTH, 'a message id')
  checkTime(c.timestamp, 'timestamp')
  checkTime(c.lamport, 'lamport')
  if (!Array.isArray(c.history)) throw new MalformedGroupMessageError('a history is a list')
  if (c.history.length > MAX_CAUSAL_HISTORY) throw new GroupMessageLimitError(`a history names at most ${MAX_CAUSAL_HISTORY} messages`)
  checkDistinct(c.history, GROUP_MESSAGE_REF_LENGTH, 'a history ref')
  checkBytes(c.stateHash, GROUP_STATE_HASH_LENGTH, 'a state hash')
  if (c.kind === 'heartbeat') return
  if (c.kind !== 'text') throw new MalformedGroupMessageError('unknown content kind')
  if (c.attachment != null && (!(c.attachment instanceof Uint8Array) || c.attachment.length === 0)) throw new MalformedGroupMessageError('an attachment is bytes')
  if (c.attachment != null && c.attachment.length > MAX_GROUP_ATTACHMENT_BYTES) throw new GroupMessageLimitError(`an attachment descriptor is at most ${MAX_GROUP_ATTACHMENT_BYTES} bytes`)
  if (typeof c.text !== 'string' || (c.text.length === 0 && c.attachment == null)) throw new MalformedGroupMessageError('a text says something')
  if (c.text.length > MAX_GROUP_TEXT_LENGTH) throw new GroupMessageLimitError(`a text is at most ${MAX_GROUP_TEXT_LENGTH} UTF-16 code units`)
  if (c.quote != null) {
    checkBytes(c.quote.id, GROUP_MESSAGE_ID_LENGTH, 'a quoted id')
    checkBytes(c.quote.author, IDENTITY_KEY_LENGTH, 'a quoted author')
  }
  if (!Array.isArray(c.mentions)) throw new MalformedGroupMessageError('mentions are a list')
  if (c.mentions.length > MAX_GROUP_MENTIONS) throw new GroupMessageLimitError(`a text mentions at most ${MAX_GROUP_MENTIONS} members`)
  for (const m of c.mentions) checkE164(m)
  if (new Set(c.mentions).size !== c.mentions.length) throw new MalformedGroupMessageError('a member is mentioned twice')
}

/**
 * Encodes and pads a plaintext: `protobuf ‖ 0x80 ‖ 0x00…` up to a multiple of GROUP_PADDING_BLOCK. Throws
 * MalformedGroupMessageError or GroupMessageLimitError for what a decoder would refuse.
 */
export function encodeGroupContent (content: NewGroupContent): Uint8Array {
  const c: GroupContent = content.kind === 'text' ? { ...content, mentions: content.mentions ?? [] } : content
  checkContent(c)
  const pb: Partial<GroupContentPb> = {
    format: GROUP_CONTENT_FORMAT,
    id: b(c.id),
    timestamp: BigInt(c.timestamp),
    lamport: BigInt(c.lamport),
    history: c.history.map(b),
    stateHash: b(c.stateHash)
  }
  if (c.kind === 'text') {
    pb.text = {
      text: c.text,
      ...(c.quote != null ? { quoteId: b(c.quote.id), quoteAuthor: b(c.quote.author) } : {}),
      mentions: c.mentions.map(e164 => ({ e164 })),
      ...(c.attachment != null ? { attachment: b(c.attachment) } : {})
    }
  } else {
    pb.heartbeat = {}
  }
  const padded = padToBlock(GroupContentPb.encode(pb), GROUP_PADDING_BLOCK)
  if (padded.length > MAX_GROUP_CONTENT_BYTES) throw new GroupMessageLimitError(`a group plaintext is at most ${MAX_GROUP_CONTENT_BYTES} bytes`)
  return padded
}

/**
 * Decodes a padded plaintext (after sender-key decryption). Throws GroupMessageLimitError for a plaintext or field
 * beyond a limit, MalformedGroupMessageError for bad padding, a protobuf that does not decode or is not canonical,
 * another format, not exactly one body, or a field of the wrong shape.
 */
export function decodeGroupContent (bytes: Uint8Array): GroupContent {
  if (!(bytes instanceof Uint8Array)) throw new MalformedGroupMessageError()
  if (bytes.length > MAX_GROUP_CONTENT_BYTES) throw new GroupMessageLimitError(`a group plaintext is at most ${MAX_GROUP_CONTENT_BYTES} bytes`)
  if (bytes.length % GROUP_PADDING_BLOCK !== 0) throw new MalformedGroupMessageError('a group plaintext is padded to a multiple of the block')
  const body = unpadBlock(bytes)
  if (body == null) throw new MalformedGroupMessageError('bad padding')
  let pb: GroupContentPb
  try {
    pb = GroupContentPb.decode(body, { limits: { history: MAX_CAUSAL_HISTORY, text: { mentions: MAX_GROUP_MENTIONS } } })
  } catch (err) {
    throw decodeError(err)
  }
  if (!constantTimeEqual(GroupContentPb.encode(pb), body)) throw new MalformedGroupMessageError('a group plaintext is not canonically encoded')
  if (pb.format !== GROUP_CONTENT_FORMAT) throw new MalformedGroupMessageError('unknown content format')
  if ((pb.text != null) === (pb.heartbeat != null)) throw new MalformedGroupMessageError('a group plaintext has exactly one body')
  const header: GroupContentHeader = {
    id: pb.id,
    timestamp: toSafe(pb.timestamp, 'timestamp'),
    lamport: toSafe(pb.lamport, 'lamport'),
    history: pb.history,
    stateHash: pb.stateHash
  }
  let content: GroupContent
  if (pb.text != null) {
    const t = pb.text
    if ((t.quoteId != null) !== (t.quoteAuthor != null)) throw new MalformedGroupMessageError('a quote names a message and its author')
    content = {
      kind: 'text',
      ...header,
      text: t.text,
      ...(t.quoteId != null && t.quoteAuthor != null ? { quote: { id: t.quoteId, author: t.quoteAuthor } } : {}),
      mentions: t.mentions.map(m => m.e164),
      ...(t.attachment != null ? { attachment: t.attachment } : {})
    }
  } else {
    content = { kind: 'heartbeat', ...header }
  }
  checkContent(content)
  return content
}

// ---------------------------------------------------------------------------------------------------------------
// control messages (inside 1:1 sessions)

export type GroupReceiptType = 'delivered' | 'read'

interface ControlHeader {
  /** the group it is about (32 bytes) */
  groupId: Uint8Array
}
/** Signed changes (SignedGroupChangePb bytes), parents first: for GroupLog.add in this order. */
export interface GroupChangesControl extends ControlHeader { kind: 'changes', changes: Uint8Array[] }
/** The sender's sender-key distribution message for this group. */
export interface GroupSenderKeyControl extends ControlHeader { kind: 'sender-key', distribution: Uint8Array }
/**
 * Asks for changes: `all` for the whole log (a new member), else the changes named by `hashes` (missing parents).
 * `proof`: a joiner's join proof (with `all` only), so a member hands the log to someone the invite link let in.
 */
export interface GroupWantControl extends ControlHeader { kind: 'want', all: boolean, hashes: Uint8Array[], proof?: Uint8Array }
/** Delivery or read receipts for the named messages (ids), to their sender. */
export interface GroupReceiptControl extends ControlHeader { kind: 'receipt', type: GroupReceiptType, ids: Uint8Array[] }
/** The image the group state's photo reference names (checked against the reference by the receiver). */
export interface GroupPhotoControl extends ControlHeader { kind: 'photo', image: Uint8Array }
/** Asks for the image a photo reference names. */
export interface GroupPhotoWantControl extends ControlHeader { kind: 'want-photo', ref: Uint8Array }
export type GroupControl = GroupChangesControl | GroupSenderKeyControl | GroupWantControl | GroupReceiptControl | GroupPhotoControl | GroupPhotoWantControl

/** Bytes one change costs inside the control (tag, length, bytes). */
function changeCost (change: Uint8Array): number {
  let lengthBytes = 1
  for (let n = change.length; n >= 0x80; n >>>= 7) lengthBytes++
  return 1 + lengthBytes + change.length
}
/** The control's bytes besides its changes: the group id field (34) and the changes field's tag and length (at most 4). */
const CHANGES_OVERHEAD = 2 + GROUP_ID_LENGTH + 4

function checkControl (c: GroupControl): void {
  checkBytes(c.groupId, GROUP_ID_LENGTH, 'a group id')
  switch (c.kind) {
    case 'changes': {
      if (!Array.isArray(c.changes) || c.changes.length === 0) throw new MalformedGroupMessageError('a changes message carries changes')
      if (c.changes.length > MAX_GROUP_CONTROL_CHANGES) throw new GroupMessageLimitError(`a changes message carries at most ${MAX_GROUP_CONTROL_CHANGES} changes`)
      for (const change of c.changes) {
        if (!(change instanceof Uint8Array) || change.length === 0) throw new MalformedGroupMessageError('a change is bytes')
        if (change.length > MAX_GROUP_CHANGE_BYTES) throw new GroupMessageLimitError(`a change is at most ${MAX_GROUP_CHANGE_BYTES} bytes`)
      }
      return
    }
    case 'sender-key': {
      if (!(c.distribution instanceof Uint8Array) || c.distribution.length === 0) throw new MalformedGroupMessageError('a sender key message carries a distribution')
      if (c.distribution.length > MAX_GROUP_DISTRIBUTION_BYTES) throw new GroupMessageLimitError(`a distribution is at most ${MAX_GROUP_DISTRIBUTION_BYTES} bytes`)
      let groupId: Uint8Array
      try {
        groupId = parseSenderKeyDistribution(c.distribution).groupId
      } catch {
        throw new MalformedGroupMessageError('not a sender key distribution')
      }
      if (!constantTimeEqual(groupId, c.groupId)) throw new MalformedGroupMessageError('the distribution is for another group')
      return
    }
    case 'want': {
      if (typeof c.all !== 'boolean' || !Array.isArray(c.hashes)) throw new MalformedGroupMessageError('a want says all, or names changes')
      if (c.hashes.length > MAX_GROUP_WANT_HASHES) throw new GroupMessageLimitError(`a want names at most ${MAX_GROUP_WANT_HASHES} changes`)
      if (c.all === (c.hashes.length > 0)) throw new MalformedGroupMessageError('a want asks for the whole log or names changes, not both or neither')
      checkDistinct(c.hashes, GROUP_CHANGE_HASH_LENGTH, 'a change hash')
      if (c.proof != null && (!(c.proof instanceof Uint8Array) || c.proof.length !== GROUP_JOIN_PROOF_LENGTH || !c.all)) throw new MalformedGroupMessageError('a join proof is 32 bytes and asks for the whole log')
      return
    }
    case 'receipt': {
      if (c.type !== 'delivered' && c.type !== 'read') throw new MalformedGroupMessageError('unknown receipt type')
      if (!Array.isArray(c.ids) || c.ids.length === 0) throw new MalformedGroupMessageError('a receipt names messages')
      if (c.ids.length > MAX_GROUP_RECEIPT_IDS) throw new GroupMessageLimitError(`a receipt names at most ${MAX_GROUP_RECEIPT_IDS} messages`)
      checkDistinct(c.ids, GROUP_MESSAGE_ID_LENGTH, 'a message id')
      return
    }
    case 'photo': {
      if (!(c.image instanceof Uint8Array) || c.image.length === 0) throw new MalformedGroupMessageError('a photo message carries an image')
      if (c.image.length > MAX_GROUP_PHOTO_BYTES) throw new GroupMessageLimitError(`a group photo is at most ${MAX_GROUP_PHOTO_BYTES} bytes`)
      return
    }
    case 'want-photo': {
      checkBytes(c.ref, GROUP_PHOTO_REF_LENGTH, 'a photo reference')
      return
    }
    default:
      throw new MalformedGroupMessageError('unknown control kind')
  }
}

/** Encodes a control message for a 1:1 content. Throws MalformedGroupMessageError or GroupMessageLimitError for what a decoder would refuse. */
export function encodeGroupControl (c: GroupControl): Uint8Array {
  checkControl(c)
  const pb: Partial<GroupControlPb> = { groupId: b(c.groupId) }
  switch (c.kind) {
    case 'changes': pb.changes = { changes: c.changes.map(b) }; break
    case 'sender-key': pb.senderKey = { distribution: b(c.distribution) }; break
    case 'want': pb.want = { hashes: c.hashes.map(b), all: c.all, proof: b(c.proof ?? new Uint8Array(0)) }; break
    case 'receipt': pb.receipt = { type: c.type === 'read' ? GroupReceiptPb.Type.READ : GroupReceiptPb.Type.DELIVERED, ids: c.ids.map(b) }; break
    case 'photo': pb.photo = { image: b(c.image) }; break
    case 'want-photo': pb.wantPhoto = { ref: b(c.ref) }; break
  }
  const bytes = GroupControlPb.encode(pb)
  if (bytes.length > MAX_GROUP_CONTROL_BYTES) throw new GroupMessageLimitError(`a control message is at most ${MAX_GROUP_CONTROL_BYTES} bytes`)
  return bytes
}

/**
 * Decodes a control message. Throws GroupMessageLimitError (too large, too many changes, hashes or ids, a change
 * too large) or MalformedGroupMessageError (does not decode, not canonical, not exactly one kind, a field of the
 * wrong shape, a distribution that is not one or names another group). Changes are not decoded here: GroupLog.add
 * decodes and checks each.
 */
export function decodeGroupControl (bytes: Uint8Array): GroupControl {
  if (!(bytes instanceof Uint8Array)) throw new MalformedGroupMessageError()
  if (bytes.length > MAX_GROUP_CONTROL_BYTES) throw new GroupMessageLimitError(`a control message is at most ${MAX_GROUP_CONTROL_BYTES} bytes`)
  let pb: GroupControlPb
  try {
    pb = GroupControlPb.decode(bytes, { limits: { changes: { changes: MAX_GROUP_CONTROL_CHANGES }, want: { hashes: MAX_GROUP_WANT_HASHES }, receipt: { ids: MAX_GROUP_RECEIPT_IDS } } })
  } catch (err) {
    throw decodeError(err)
  }
  if (!constantTimeEqual(GroupControlPb.encode(pb), bytes)) throw new MalformedGroupMessageError('a control message is not canonically encoded')
  const present = [pb.changes, pb.senderKey, pb.want, pb.receipt, pb.photo, pb.wantPhoto].filter(x => x != null).length
  if (present !== 1) throw new MalformedGroupMessageError('a control message says exactly one thing')
  let c: GroupControl
  if (pb.changes != null) c = { kind: 'changes', groupId: pb.groupId, changes: pb.changes.changes }
  else if (pb.senderKey != null) c = { kind: 'sender-key', groupId: pb.groupId, distribution: pb.senderKey.distribution }
  else if (pb.want != null) c = { kind: 'want', groupId: pb.groupId, all: pb.want.all, hashes: pb.want.hashes, ...(pb.want.proof.length > 0 ? { proof: pb.want.proof } : {}) }
  else if (pb.photo != null) c = { kind: 'photo', groupId: pb.groupId, image: pb.photo.image }
  else if (pb.wantPhoto != null) c = { kind: 'want-photo', groupId: pb.groupId, ref: pb.wantPhoto.ref }
  else {
    const r = pb.receipt!
    c = { kind: 'receipt', groupId: pb.groupId, type: r.type === GroupReceiptPb.Type.READ ? 'read' : 'delivered', ids: r.ids }
  }
  checkControl(c)
  return c
}

/**
 * Splits changes (parents first, as GroupLog.changes gives them) into consecutive batches that each fit one
 * changes control message (MAX_GROUP_CONTROL_CHANGES changes, MAX_GROUP_CONTROL_BYTES bytes), keeping their order.
 * Throws GroupMessageLimitError for a change larger than MAX_GROUP_CHANGE_BYTES.
 */
export function groupChangeBatches (changes: Uint8Array[]): Uint8Array[][] {
  const batches: Uint8Array[][] = []
  let batch: Uint8Array[] = []
  let size = CHANGES_OVERHEAD
  for (const change of changes) {
    if (change.length > MAX_GROUP_CHANGE_BYTES) throw new GroupMessageLimitError(`a change is at most ${MAX_GROUP_CHANGE_BYTES} bytes`)
    const cost = changeCost(change)
    if (batch.length === MAX_GROUP_CONTROL_CHANGES || (batch.length > 0 && size + cost > MAX_GROUP_CONTROL_BYTES)) {
      batches.push(batch)
      batch = []
      size = CHANGES_OVERHEAD
    }
    batch.push(change)
    size += cost
  }
  if (batch.length > 0) batches.push(batch)
  return batches
}

