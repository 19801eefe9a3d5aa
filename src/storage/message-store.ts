// MessageStore: 1:1 history, conversation summaries and persistent (sender, id) dedup marks; the status rules live here, shared by both implementations.
import { CorruptRecordError, InvalidRecordError } from './errors.js'
import { utf8 } from './keys.js'
import { assertAddressKey, assertMessageId, assertTime } from './outbox-store.js'
import type { StoreOptions } from './types.js'
import type { AtomicWith } from './prepared-write.js'

export type MessageStatus = 'pending' | 'sent' | 'delivered' | 'read' | 'failed'
export type MessageDirection = 'in' | 'out'

export interface StoredMessage {
  /** random 128-bit id, 32 lower-case hex chars, chosen by the sender */
  id: string
  /** the other party's address key (e.g. an E.164 number) */
  conversation: string
  direction: MessageDirection
  /** who wrote it: the other party for 'in', our own address key for 'out' */
  sender: string
  text: string
  /** the sender's clock (ms); history is ordered by (timestamp, id) */
  timestamp: number
  /** our clock when it entered the store (for 'out': when it was written); orders the conversation list */
  receivedAt: number
  status: MessageStatus
  /** the message this one answers (its id, in the same conversation), when it is a reply */
  quoteId?: string
  /** numbers (E.164) the message mentions (group chats) */
  mentions?: string[]
  /**
   * A file the text is the caption of: the media layer's attachment descriptor (src/media) in base64 (unpadded), opaque here. It
   * holds the file's key: the facade gives apps a view without it.
   */
  attachment?: string
}

/** Longest stored attachment descriptor: base64 of 24 KiB (the content's MAX_ATTACHMENT_DESCRIPTOR_BYTES). */
export const MAX_STORED_ATTACHMENT_CHARS = 32 * 1024
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** Most mentions kept with one message (a group message names at most 64). */
export const MAX_STORED_MENTIONS = 64

/** What the conversation list shows of the last message. */
export interface LastMessage {
  id: string
  text: string
  direction: MessageDirection
  timestamp: number
  status: MessageStatus
}

export interface Conversation {
  /** the other party's address key */
  address: string
  lastMessage: LastMessage
  /** incoming messages not yet marked read */
  unread: number
  /** receivedAt of the latest message added (our clock) */
  updatedAt: number
}

/** A position in a conversation's history: messages strictly before it come next. */
export interface HistoryCursor {
  timestamp: number
  id: string
}

export interface HistoryOptions extends StoreOptions {
  /** exclusive upper bound: a cursor (the last message of the previous page) or a timestamp */
  before?: HistoryCursor | number
  /** page size @default 50, at most MAX_HISTORY_PAGE */
  limit?: number
}

/** Longest text accepted (UTF-8 bytes), WhatsApp's 65,536-character limit in bytes. */
export const MAX_TEXT_BYTES = 65_536
/** Default and largest history page: a screenful is ~50, a page bigger than 500 is a bulk export. */
export const DEFAULT_HISTORY_PAGE = 50
export const MAX_HISTORY_PAGE = 500
/**
 * How long a (sender, id) dedup mark is kept after the message arrived: longer than the
 * mailbox TTL (30 days, docs/design.md §6) plus slack for clock skew and a relay redelivering a
 * message it kept until the last moment, so no mailbox can still hold a copy once the mark goes.
 */
export const SEEN_RETENTION_MS = 45 * 24 * 60 * 60 * 1000

/**
 * Writes that add or change messages are one synced batch each: a message acked to its
 * sender (persist before ack) must survive a crash together with its dedup mark.
 */
export interface MessageStore {
  /**
   * Stores an incoming message (direction 'in', status 'delivered' or 'read') atomically with
   * its dedup mark, the unread count, the conversation's last message and `options.with`. Returns false, changing
   * nothing, when (sender, id) was seen before or the conversation already has a message with this id.
   */
  addIncoming (msg: StoredMessage, options?: StoreOptions & AtomicWith): Promise<boolean>
  /**
   * Stores a message we send (direction 'out'), atomically with `options.with` (e.g. its outbox entry, from
   * `OutboxStore.prepareInsert`). Returns false, changing nothing, when the conversation has this id.
   */
  addOutgoing (msg: StoredMessage, options?: StoreOptions & AtomicWith): Promise<boolean>
  /** The message, or undefined. */
  get (conversation: string, id: string, options?: StoreOptions): Promise<StoredMessage | undefined>
  /**
   * Moves the status forward (see `canChangeStatus`), atomically with `options.with` (e.g. the outbox entry
   * of a failed text sent again). Returns the updated message, or undefined when the id is unknown or the
   * move is not forward (nothing changes then, `with` included).
   */
  updateStatus (conversation: string, id: string, status: MessageStatus, options?: StoreOptions & AtomicWith): Promise<StoredMessage | undefined>
  /** A page of history, newest first, ordered by (timestamp, id). */
  history (conversation: string, options?: HistoryOptions): Promise<StoredMessage[]>
  /** The conversation's summary, or undefined when it has no messages. */
  conversation (address: string, options?: StoreOptions): Promise<Conversation | undefined>
  /** All conversations, most recently updated first. */
  conversations (options?: StoreOptions & { limit?: number }): Promise<Conversation[]>
  /**
   * Marks incoming messages read: those with timestamp ≤ upTo, or all. Returns the ids newly
   * marked (oldest first) — the read receipts to send; an unknown conversation gives [].
   */
  markRead (conversation: string, upTo?: number, options?: StoreOptions): Promise<string[]>
  /** Deletes one message (its dedup mark stays). Returns false when unknown. */
  deleteMessage (conversation: string, id: string, options?: StoreOptions): Promise<boolean>
  /** True when (sender, id) has a dedup mark. */
  hasSeen (sender: string, id: string, options?: StoreOptions): Promise<boolean>
  /** Forgets dedup marks of messages received before `before` (use now - SEEN_RETENTION_MS); returns how many. Not synced. */
  pruneSeen (before: number, options?: StoreOptions): Promise<number>
}

const RANK: Record<MessageStatus, number> = { pending: 0, sent: 1, delivered: 2, read: 3, failed: -1 }
const STATUSES = Object.keys(RANK)

/**
 * The status rules: pending → sent → delivered → read only forwards (skipping is fine: a
 * read receipt may come first); failed only from pending or sent; from failed, a delivery or
 * read receipt still wins (the recipient proves it arrived) and pending is allowed for a retry.
 */
export function canChangeStatus (from: MessageStatus, to: MessageStatus): boolean {
  if (from === to) return false
  if (to === 'failed') return from === 'pending' || from === 'sent'
  if (from === 'failed') return to === 'pending' || to === 'delivered' || to === 'read'
  return RANK[to] > RANK[from]
}

export function assertStatus (status: MessageStatus): void {
  if (!STATUSES.includes(status)) throw new InvalidRecordError('unknown message status')
}

/** Validates a message before anything is written. */
export function assertMessage (m: StoredMessage, direction: MessageDirection): void {
  if (m == null || typeof m !== 'object') throw new InvalidRecordError('message must be an object')
  assertMessageId(m.id)
  assertAddressKey(m.conversation, 'conversation')
  assertAddressKey(m.sender, 'sender')
  if (m.direction !== direction) throw new InvalidRecordError(`direction must be '${direction}'`)
  if (typeof m.text !== 'string' || utf8.encode(m.text).length > MAX_TEXT_BYTES) throw new InvalidRecordError(`text must be a string of at most ${MAX_TEXT_BYTES} bytes`)
  assertTime(m.timestamp, 'timestamp')
  assertTime(m.receivedAt, 'receivedAt')
  assertStatus(m.status)
  if (direction === 'in' && m.status !== 'delivered' && m.status !== 'read') throw new InvalidRecordError("an incoming message's status is 'delivered' or 'read'")
  if (m.quoteId != null) assertMessageId(m.quoteId)
  if (m.attachment != null && (typeof m.attachment !== 'string' || m.attachment.length === 0 || m.attachment.length > MAX_STORED_ATTACHMENT_CHARS || !BASE64.test(m.attachment))) {
    throw new InvalidRecordError(`an attachment is base64 of at most ${MAX_STORED_ATTACHMENT_CHARS} characters`)
  }
  if (m.mentions != null && (!Array.isArray(m.mentions) || m.mentions.length > MAX_STORED_MENTIONS || m.mentions.some(x => typeof x !== 'string' || !/^\+[1-9][0-9]{6,14}$/.test(x)))) {
    throw new InvalidRecordError(`mentions are at most ${MAX_STORED_MENTIONS} E.164 numbers`)
  }
}

export function lastMessageOf (m: StoredMessage): LastMessage {
  return { id: m.id, text: m.text, direction: m.direction, timestamp: m.timestamp, status: m.status }
}

function copyConversation (c: Conversation): Conversation {
  return { address: c.address, lastMessage: { ...c.lastMessage }, unread: c.unread, updatedAt: c.updatedAt }
}

export const isUnread = (m: StoredMessage): boolean => m.direction === 'in' && m.status !== 'read'

/** The conversation after adding m: the latest arrival becomes the last message; an unread incoming one bumps unread. */
export function conversationAfterAdd (c: Conversation | undefined, m: StoredMessage): Conversation {
  const unread = (c?.unread ?? 0) + (isUnread(m) ? 1 : 0)
  if (c == null || m.receivedAt >= c.updatedAt) return { address: m.conversation, lastMessage: lastMessageOf(m), unread, updatedAt: m.receivedAt }
  return { ...copyConversation(c), unread }
}

/** Validates history options; returns the page size. */
export function historyLimit (options?: HistoryOptions): number {
  const limit = options?.limit ?? DEFAULT_HISTORY_PAGE
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_HISTORY_PAGE) throw new InvalidRecordError(`limit must be 0..${MAX_HISTORY_PAGE}`)
  const before = options?.before
  if (typeof before === 'number') assertTime(before, 'before')
  else if (before != null) { assertTime(before.timestamp, 'before.timestamp'); assertMessageId(before.id) }
  return limit
}

const VERSION = 1

/** `[version][JSON]`: messages and conversation summaries are small structured records. */
export function encodeJson (value: unknown): Uint8Array {
  const body = utf8.encode(JSON.stringify(value))
  const out = new Uint8Array(1 + body.length)
  out[0] = VERSION
  out.set(body, 1)
  return out
}

export function decodeJson<T> (bytes: Uint8Array, what: string): T {
  if (bytes.length < 2 || bytes[0] !== VERSION) throw new CorruptRecordError(`bad ${what} record`)
  try {
    return JSON.parse(utf8.decode(bytes.subarray(1))) as T
  } catch {
    throw new CorruptRecordError(`bad ${what} record`)
  }
}
