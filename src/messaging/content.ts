/** What a device says inside the end-to-end encryption: texts, receipts, typing, presence, resend requests, profiles, linked-device syncs, group control bytes; encoding with size-bucket padding and input limits. Knows nothing of sessions or transports. */
import { Content as ContentPb, ReceiptMessage as ReceiptPb, TypingMessage as TypingPb, type DataMessage as DataPb } from './pb/content.js'
import { MalformedContentError, MessageTooLongError } from './errors.js'
import { profileProblem } from './profile-limits.js'
import { fromHex, toHex, MAX_TEXT_BYTES } from '../storage/index.js'
import { padToBlock, unpadBlock } from '../crypto/bytes.js'

/** Longest text in one message, in UTF-16 code units (WhatsApp allows 65,536 characters). */
export const MAX_TEXT_LENGTH = 65_536
/** Message ids per receipt: a reader catching up on a long chat sends a few receipts, not one per message. */
export const MAX_RECEIPT_IDS = 500
/** Message ids are random 128-bit values. */
const MESSAGE_ID_BYTES = 16
/** Plaintexts are padded to a multiple of this (Signal uses 160), so ciphertext lengths reveal little of the text. */
export const PADDING_BLOCK = 160
/**
 * Largest attachment descriptor (src/media): a file's address, key, hashes, name and type, and a small thumbnail
 * (at most 16 KiB). The text's longest UTF-8 form and this still fit MAX_CONTENT_BYTES' margin together.
 */
export const MAX_ATTACHMENT_DESCRIPTOR_BYTES = 24 * 1024
/** Largest padded plaintext accepted: the longest text in UTF-8 plus room for the rest (an attachment descriptor included). */
const MAX_CONTENT_BYTES = MAX_TEXT_LENGTH * 3 + MAX_ATTACHMENT_DESCRIPTOR_BYTES + 4096

/**
 * Throws MessageTooLongError for a text the message store would refuse (more than MAX_TEXT_BYTES in UTF-8).
 * UTF-8 never takes fewer bytes than UTF-16 code units, so a text that passes is within MAX_TEXT_LENGTH too.
 */
export function assertTextFits (text: string): void {
  // a quick bound first: at most 3 UTF-8 bytes per UTF-16 code unit
  if (text.length * 3 <= MAX_TEXT_BYTES) return
  if (new TextEncoder().encode(text).length > MAX_TEXT_BYTES) throw new MessageTooLongError()
}

export type ReceiptType = 'delivered' | 'read'

/** `attachment`: a file the text is the caption of, as the media layer's descriptor (src/media; opaque here, 1..MAX_ATTACHMENT_DESCRIPTOR_BYTES) */
export interface TextContent { kind: 'text', id: string, text: string, timestamp: number, quoteId?: string, attachment?: Uint8Array }
export interface ReceiptContent { kind: 'receipt', type: ReceiptType, ids: string[], timestamp: number }
export interface TypingContent { kind: 'typing', typing: boolean, timestamp: number }
/** `answer`: sent back to a contact's announcement, so it is not answered again. */
export interface PresenceContent { kind: 'presence', online: boolean, lastSeen?: number, answer?: boolean }
/** asks the contact to send again its messages we never confirmed as delivered (we could not decrypt something of theirs) */
export interface ResendContent { kind: 'resend', timestamp: number }
/**
 * The sender's display name and photo (absent = none). `updatedAt` is the sender's clock when it last
 * changed, ms since the epoch: the receiver keeps the newest version it has seen.
 */
export interface ProfileContent { kind: 'profile', name?: string, photo?: Uint8Array, updatedAt: number }
/** the sender's account linked or removed a device: its directory record now has `seq` */
export interface DevicesContent { kind: 'devices', seq: number }
/** to our own other devices: a text we sent to `to` (a sent transcript) */
export interface SentContent { kind: 'sent', to: string, id: string, text: string, timestamp: number, quoteId?: string, attachment?: Uint8Array }
/** to our own other devices: these messages of the chat with `chat` were read on the sending device */
export interface ReadSyncContent { kind: 'read-sync', chat: string, ids: string[] }
/** Account stores whose whole content our other devices take as it is on the sender (last writer wins). */
const SYNCED_STORES = ['profile', 'settings', 'device-names', 'verified'] as const
export type SyncedStore = typeof SYNCED_STORES[number]
/** Entries per synced store: these stores hold a handful each. */
const MAX_SYNCED_ENTRIES = 1_000
/** to our own other devices: the whole of these small account stores as they are now here */
export interface StateContent { kind: 'state', stores: Array<{ name: SyncedStore, entries: Array<{ key: string, value: Uint8Array }> }> }
/**
 * Largest group control payload: what the group layer sends over a 1:1 session (changes, a sender key, a request
 * for changes, receipts). Its largest, a batch of changes, fits with the rest of the content under MAX_CONTENT_BYTES.
 */
export const MAX_GROUP_CONTROL_BYTES = 192 * 1024
/** a group's control traffic: bytes of the group layer (src/groups), carried end to end and not read here */
export interface GroupControlContent { kind: 'group', control: Uint8Array }
/**
 * Largest call signal: an offer or answer's SDP (a few KiB; 64 KiB leaves room for every codec and candidate a
 * browser lists) with its candidates and the call's fields.
 */
const MAX_CALL_SIGNAL_BYTES = 64 * 1024
/** a call's signalling: bytes of the call layer (src/calls), carried end to end and not read here */
export interface CallSignalContent { kind: 'call', signal: Uint8Array }
export type MessageBody = TextContent | ReceiptContent | TypingContent | PresenceContent | ResendContent | ProfileContent | DevicesContent | SentContent | ReadSyncContent | StateContent | GroupControlContent | CallSignalContent

/** A decoded plaintext: who claims to send it (checked by the caller) and what it says. */
export interface Content {
  senderE164: string
  attestation: Uint8Array
  body: MessageBody
  /** ms since the epoch after which it is not worth showing; absent = never */
  expiresAt?: number
  /** the sender's mailbox delivery token (DELIVERY_TOKEN_BYTES), sent with texts and profiles: lets us deposit at its relays with the full quota */
  deliveryToken?: Uint8Array
  /** seq of the sender's newest directory record it knows (its device list version) */
  senderRecordSeq?: number
}

/** A number as written in a transcript or read sync: E.164. */
const E164 = /^\+[1-9][0-9]{6,14}$/

/**
 * Whether a message-store conversation is a 1:1 chat (its key is the contact's E.164 number). Group chats share the
 * store under other keys (`group:<id>`): they are the group layer's, and 1:1 delivery, repair and profile sharing
 * leave them alone.
 */
export function isDirectConversation (address: string): boolean {
  return address.startsWith('+')
}

/** A delivery token is 32 random bytes (see docs/mailbox.md). */
export const DELIVERY_TOKEN_LENGTH = 32

/** Throws MalformedContentError for a profile out of bounds (shared limits with the local profile: profile-limits.ts). */
function checkProfile (name: string, photo: Uint8Array, updatedAt: bigint): void {
  const problem = profileProblem({ name, photo })
  if (problem != null) throw new MalformedContentError(`bad profile: ${problem}`)
  if (updatedAt <= 0n || updatedAt > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedContentError('bad profile: no valid updatedAt')
}

function unhexId (id: string): Uint8Array<ArrayBuffer> {
  if (!/^[0-9a-f]{32}$/.test(id)) throw new MalformedContentError('a message id is 32 lowercase hex characters')
  return Uint8Array.from(fromHex(id))
}
function idOf (b: Uint8Array): string {
  if (b.length !== MESSAGE_ID_BYTES) throw new MalformedContentError('bad message id')
  return toHex(b)
}

/** Encodes and pads: `protobuf ‖ 0x80 ‖ 0x00…` up to a multiple of PADDING_BLOCK. */
export function encodeContent (c: Content): Uint8Array {
  const pb: Partial<ContentPb> = { senderE164: c.senderE164, attestation: Uint8Array.from(c.attestation), expiresAt: BigInt(c.expiresAt ?? 0), senderRecordSeq: BigInt(c.senderRecordSeq ?? 0) }
  if (c.deliveryToken != null) {
    if (c.deliveryToken.length !== DELIVERY_TOKEN_LENGTH) throw new MalformedContentError(`a delivery token is ${DELIVERY_TOKEN_LENGTH} bytes`)
    pb.deliveryToken = Uint8Array.from(c.deliveryToken)
  }
  const b = c.body
  switch (b.kind) {
    case 'text':
      if (b.text.length > MAX_TEXT_LENGTH) throw new MalformedContentError(`text longer than ${MAX_TEXT_LENGTH} characters`)
      pb.data = dataOf(b)
      break
    case 'receipt':
      if (b.ids.length === 0 || b.ids.length > MAX_RECEIPT_IDS) throw new MalformedContentError(`a receipt names 1..${MAX_RECEIPT_IDS} messages`)
      pb.receipt = { type: b.type === 'read' ? ReceiptPb.Type.READ : ReceiptPb.Type.DELIVERED, ids: b.ids.map(unhexId), timestamp: BigInt(b.timestamp) }
      break
    case 'typing':
      pb.typing = { action: b.typing ? TypingPb.Action.STARTED : TypingPb.Action.STOPPED, timestamp: BigInt(b.timestamp) }
      break
    case 'presence':
      pb.presence = { online: b.online, lastSeen: BigInt(b.lastSeen ?? 0), answer: b.answer === true }
      break
    case 'resend':
      pb.resend = { timestamp: BigInt(b.timestamp) }
      break
    case 'profile': {
      if (!Number.isSafeInteger(b.updatedAt)) throw new MalformedContentError('bad profile: no valid updatedAt')
      const photo = Uint8Array.from(b.photo ?? [])
      checkProfile(b.name ?? '', photo, BigInt(b.updatedAt))
      pb.profile = { name: b.name ?? '', photo, updatedAt: BigInt(b.updatedAt) }
      break
    }
    case 'devices':
      pb.devices = { seq: BigInt(b.seq) }
      break
    case 'sent':
      if (!E164.test(b.to)) throw new MalformedContentError('a transcript names an E.164 number')
      if (b.text.length > MAX_TEXT_LENGTH) throw new MalformedContentError(`text longer than ${MAX_TEXT_LENGTH} characters`)
      pb.sent = { to: b.to, data: dataOf(b) }
      break
    case 'state':
      checkState(b)
      pb.state = { stores: b.stores.map(st => ({ name: st.name, entries: st.entries.map(e => ({ key: e.key, value: Uint8Array.from(e.value) })) })) }
      break
    case 'read-sync':
      if (!E164.test(b.chat)) throw new MalformedContentError('a read sync names an E.164 number')
      if (b.ids.length === 0 || b.ids.length > MAX_RECEIPT_IDS) throw new MalformedContentError(`a read sync names 1..${MAX_RECEIPT_IDS} messages`)
      pb.readSync = { chat: b.chat, ids: b.ids.map(unhexId) }
      break
    case 'group':
      checkGroupControl(b.control)
      pb.group = Uint8Array.from(b.control)
      break
    case 'call':
      checkCallSignal(b.signal)
      pb.call = Uint8Array.from(b.signal)
      break
  }
  return padToBlock(ContentPb.encode(pb), PADDING_BLOCK)
}

function unpad (bytes: Uint8Array): Uint8Array {
  const body = unpadBlock(bytes)
  if (body == null) throw new MalformedContentError('bad padding')
  return body
}

/** Decodes a padded plaintext; throws MalformedContentError for anything out of shape. */
export function decodeContent (bytes: Uint8Array): Content {
  if (bytes.length > MAX_CONTENT_BYTES) throw new MalformedContentError('content too large')
  let pb: ContentPb
  try {
    pb = ContentPb.decode(unpad(bytes), { limits: { receipt: { ids: MAX_RECEIPT_IDS }, readSync: { ids: MAX_RECEIPT_IDS }, state: { stores: SYNCED_STORES.length } } } as never)
  } catch (err) {
    if (err instanceof MalformedContentError) throw err
    throw new MalformedContentError('content does not decode')
  }
  const present = [pb.data, pb.receipt, pb.typing, pb.presence, pb.resend, pb.profile, pb.devices, pb.sent, pb.readSync, pb.state, pb.group, pb.call].filter(x => x != null).length
  if (present !== 1) throw new MalformedContentError('content must say exactly one thing')
  let body: MessageBody
  if (pb.data != null) {
    if (pb.data.text.length > MAX_TEXT_LENGTH) throw new MalformedContentError('text too long')
    body = { kind: 'text', ...fieldsOf(pb.data) }
  } else if (pb.receipt != null) {
    if (pb.receipt.ids.length === 0 || pb.receipt.ids.length > MAX_RECEIPT_IDS) throw new MalformedContentError('bad receipt')
    body = { kind: 'receipt', type: pb.receipt.type === ReceiptPb.Type.READ ? 'read' : 'delivered', ids: pb.receipt.ids.map(idOf), timestamp: Number(pb.receipt.timestamp) }
  } else if (pb.typing != null) {
    body = { kind: 'typing', typing: pb.typing.action === TypingPb.Action.STARTED, timestamp: Number(pb.typing.timestamp) }
  } else if (pb.resend != null) {
    body = { kind: 'resend', timestamp: Number(pb.resend.timestamp) }
  } else if (pb.profile != null) {
    const { name, photo, updatedAt } = pb.profile
    checkProfile(name, photo, updatedAt)
    body = { kind: 'profile', ...(name !== '' ? { name } : {}), ...(photo.length > 0 ? { photo } : {}), updatedAt: Number(updatedAt) }
  } else if (pb.devices != null) {
    if (pb.devices.seq <= 0n || pb.devices.seq > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedContentError('bad device list seq')
    body = { kind: 'devices', seq: Number(pb.devices.seq) }
  } else if (pb.sent != null) {
    const d = pb.sent.data
    if (d == null || !E164.test(pb.sent.to) || d.text.length > MAX_TEXT_LENGTH) throw new MalformedContentError('bad transcript')
    body = { kind: 'sent', to: pb.sent.to, ...fieldsOf(d) }
  } else if (pb.state != null) {
    const state: StateContent = { kind: 'state', stores: pb.state.stores.map(st => ({ name: st.name as SyncedStore, entries: st.entries.map(e => ({ key: e.key, value: e.value })) })) }
    checkState(state)
    body = state
  } else if (pb.group != null) {
    checkGroupControl(pb.group)
    body = { kind: 'group', control: pb.group }
  } else if (pb.call != null) {
    checkCallSignal(pb.call)
    body = { kind: 'call', signal: pb.call }
  } else if (pb.readSync != null) {
    if (!E164.test(pb.readSync.chat) || pb.readSync.ids.length === 0 || pb.readSync.ids.length > MAX_RECEIPT_IDS) throw new MalformedContentError('bad read sync')
    body = { kind: 'read-sync', chat: pb.readSync.chat, ids: pb.readSync.ids.map(idOf) }
  } else {
    const p = pb.presence!
    body = { kind: 'presence', online: p.online, ...(p.lastSeen > 0n ? { lastSeen: Number(p.lastSeen) } : {}), ...(p.answer ? { answer: true } : {}) }
  }
  if (pb.deliveryToken.length !== 0 && pb.deliveryToken.length !== DELIVERY_TOKEN_LENGTH) throw new MalformedContentError('bad delivery token')
  return {
    senderE164: pb.senderE164,
    attestation: pb.attestation,
    body,
    ...(pb.expiresAt > 0n ? { expiresAt: Number(pb.expiresAt) } : {}),
    ...(pb.deliveryToken.length > 0 ? { deliveryToken: pb.deliveryToken } : {}),
    ...(pb.senderRecordSeq > 0n && pb.senderRecordSeq <= BigInt(Number.MAX_SAFE_INTEGER) ? { senderRecordSeq: Number(pb.senderRecordSeq) } : {})
  }
}

/** A text's wire fields (its attachment checked for size only: the descriptor is the media layer's to read). */
function dataOf (b: { id: string, text: string, timestamp: number, quoteId?: string, attachment?: Uint8Array }): DataPb {
  if (b.attachment != null) checkAttachment(b.attachment)
  return { id: unhexId(b.id), text: b.text, timestamp: BigInt(b.timestamp), ...(b.quoteId != null ? { quoteId: unhexId(b.quoteId) } : {}), ...(b.attachment != null ? { attachment: Uint8Array.from(b.attachment) } : {}) }
}

function fieldsOf (d: DataPb): { id: string, text: string, timestamp: number, quoteId?: string, attachment?: Uint8Array } {
  if (d.attachment != null) checkAttachment(d.attachment)
  return { id: idOf(d.id), text: d.text, timestamp: Number(d.timestamp), ...(d.quoteId != null ? { quoteId: idOf(d.quoteId) } : {}), ...(d.attachment != null ? { attachment: d.attachment } : {}) }
}

function checkAttachment (a: Uint8Array): void {
  if (!(a instanceof Uint8Array) || a.length === 0 || a.length > MAX_ATTACHMENT_DESCRIPTOR_BYTES) throw new MalformedContentError(`an attachment descriptor is 1..${MAX_ATTACHMENT_DESCRIPTOR_BYTES} bytes`)
}

/** A group control payload is not empty and within MAX_GROUP_CONTROL_BYTES (its content is the group layer's to check). */
function checkGroupControl (control: Uint8Array): void {
  if (control.length === 0 || control.length > MAX_GROUP_CONTROL_BYTES) throw new MalformedContentError(`a group control message is 1..${MAX_GROUP_CONTROL_BYTES} bytes`)
}

function checkCallSignal (signal: Uint8Array): void {
  if (signal.length === 0 || signal.length > MAX_CALL_SIGNAL_BYTES) throw new MalformedContentError(`a call signal is 1..${MAX_CALL_SIGNAL_BYTES} bytes`)
}

/** Known store names, each once, a bounded number of entries with short keys. */
function checkState (b: StateContent): void {
  const names = new Set<string>()
  for (const st of b.stores) {
    if (!(SYNCED_STORES as readonly string[]).includes(st.name) || names.has(st.name)) throw new MalformedContentError('bad account state: unknown or repeated store')
    names.add(st.name)
    if (st.entries.length > MAX_SYNCED_ENTRIES || st.entries.some(e => e.key.length === 0 || e.key.length > 128)) throw new MalformedContentError('bad account state: too many entries or a bad key')
  }
}

/** A fresh random 128-bit message id as 32 hex characters. */
export function newMessageId (random: (n: number) => Uint8Array): string {
  return toHex(random(MESSAGE_ID_BYTES))
}
