// LevelDB MessageStore: messages, history/unread/conversation indexes and dedup marks under one sublevel; every change is one batch (layout in docs/messages.md).
import { decodeU64, encodeU64 } from '../codec.js'
import { stringKey, u53Key } from '../keys.js'
import type { KeyValueBatchOperation, KeyValueStore } from '../key-value-store.js'
import {
  assertMessage, assertStatus, canChangeStatus, conversationAfterAdd, decodeJson, encodeJson, historyLimit, isUnread, lastMessageOf
} from '../message-store.js'
import type { Conversation, HistoryOptions, MessageStatus, MessageStore, StoredMessage } from '../message-store.js'
import { assertAddressKey, assertMessageId, assertTime } from '../outbox-store.js'
import { SerialQueue } from '../serial.js'
import type { StoreOptions } from '../types.js'
import type { AtomicWith } from '../prepared-write.js'

const EMPTY = new Uint8Array(0)
/** Deletes per batch when pruning, so one prune never builds an unbounded batch. */
const PRUNE_BATCH = 1000

const msgKey = (conv: string, id: string): string => `m/${stringKey(conv)}/${id}`
const timeKey = (m: StoredMessage): string => `t/${stringKey(m.conversation)}/${u53Key(m.timestamp)}/${m.id}`
const unreadKey = (m: StoredMessage): string => `r/${stringKey(m.conversation)}/${u53Key(m.timestamp)}/${m.id}`
const convKey = (address: string): string => `c/${stringKey(address)}`
const updatedKey = (c: Conversation): string => `u/${u53Key(c.updatedAt)}/${stringKey(c.address)}`
const seenKey = (sender: string, id: string): string => `d/${stringKey(sender)}/${id}`
const seenAtKey = (seenAt: number, sender: string, id: string): string => `p/${u53Key(seenAt)}/${stringKey(sender)}/${id}`

export class LevelMessageStore implements MessageStore {
  /** Serialises all read-modify-write steps (conversation summaries, dedup check-and-set). */
  private readonly queue = new SerialQueue()

  constructor (private readonly kv: KeyValueStore) {}

  private async load (conv: string, id: string, options?: StoreOptions): Promise<StoredMessage | undefined> {
    const bytes = await this.kv.get(msgKey(conv, id), options)
    return bytes == null ? undefined : decodeJson<StoredMessage>(bytes, 'message')
  }

  private async loadConversation (address: string, options?: StoreOptions): Promise<Conversation | undefined> {
    const bytes = await this.kv.get(convKey(address), options)
    return bytes == null ? undefined : decodeJson<Conversation>(bytes, 'conversation')
  }

  /** Ops replacing the summary `old` with `next` (or removing it). */
  private conversationOps (old: Conversation | undefined, next: Conversation | undefined): KeyValueBatchOperation[] {
    const ops: KeyValueBatchOperation[] = []
    if (old != null && (next == null || old.updatedAt !== next.updatedAt)) ops.push({ type: 'del', key: updatedKey(old) })
    if (next == null) {
      if (old != null) ops.push({ type: 'del', key: convKey(old.address) })
    } else {
      ops.push({ type: 'put', key: convKey(next.address), value: encodeJson(next) })
      ops.push({ type: 'put', key: updatedKey(next), value: EMPTY })
    }
    return ops
  }

  private async add (msg: StoredMessage, dedup: boolean, options?: StoreOptions & AtomicWith): Promise<boolean> {
    return await this.queue.run(async () => {
      if (dedup && await this.kv.get(seenKey(msg.sender, msg.id), options) != null) return false
      if (await this.kv.get(msgKey(msg.conversation, msg.id), options) != null) return false
      const old = await this.loadConversation(msg.conversation, options)
      const ops: KeyValueBatchOperation[] = []
      if (dedup) {
        ops.push({ type: 'put', key: seenKey(msg.sender, msg.id), value: encodeU64(msg.receivedAt) })
        ops.push({ type: 'put', key: seenAtKey(msg.receivedAt, msg.sender, msg.id), value: EMPTY })
      }
      ops.push({ type: 'put', key: msgKey(msg.conversation, msg.id), value: encodeJson(msg) })
      ops.push({ type: 'put', key: timeKey(msg), value: EMPTY })
      if (isUnread(msg)) ops.push({ type: 'put', key: unreadKey(msg), value: EMPTY })
      ops.push(...this.conversationOps(old, conversationAfterAdd(old, msg)))
      await this.kv.batch(ops, { ...options, sync: true })
      return true
    })
  }

  async addIncoming (msg: StoredMessage, options?: StoreOptions & AtomicWith): Promise<boolean> {
    assertMessage(msg, 'in')
    return await this.add(msg, true, options)
  }

  async addOutgoing (msg: StoredMessage, options?: StoreOptions & AtomicWith): Promise<boolean> {
    assertMessage(msg, 'out')
    return await this.add(msg, false, options)
  }

  async get (conversation: string, id: string, options?: StoreOptions): Promise<StoredMessage | undefined> {
    assertAddressKey(conversation, 'conversation')
    assertMessageId(id)
    return await this.load(conversation, id, options)
  }

  async updateStatus (conversation: string, id: string, status: MessageStatus, options?: StoreOptions & AtomicWith): Promise<StoredMessage | undefined> {
    assertAddressKey(conversation, 'conversation')
    assertMessageId(id)
    assertStatus(status)
    return await this.queue.run(async () => {
      const m = await this.load(conversation, id, options)
      if (m == null || !canChangeStatus(m.status, status)) return undefined
      // an incoming message only goes from delivered to read
      if (m.direction === 'in' && status !== 'read') return undefined
      const next = { ...m, status }
      const ops: KeyValueBatchOperation[] = [{ type: 'put', key: msgKey(conversation, id), value: encodeJson(next) }]
      const old = await this.loadConversation(conversation, options)
      if (old != null) {
        const c = { ...old, lastMessage: old.lastMessage.id === id ? lastMessageOf(next) : old.lastMessage }
        if (isUnread(m) && !isUnread(next)) {
          ops.push({ type: 'del', key: unreadKey(m) })
          c.unread = Math.max(0, c.unread - 1)
        }
        ops.push(...this.conversationOps(old, c))
      }
      await this.kv.batch(ops, { ...options, sync: true })
      return next
    })
  }

  async history (conversation: string, options?: HistoryOptions): Promise<StoredMessage[]> {
    assertAddressKey(conversation, 'conversation')
    const limit = historyLimit(options)
    const prefix = `t/${stringKey(conversation)}/`
    const before = options?.before
    const lt = before == null ? undefined : typeof before === 'number' ? `${prefix}${u53Key(before)}/` : `${prefix}${u53Key(before.timestamp)}/${before.id}`
    const out: StoredMessage[] = []
    if (limit === 0) return out
    for await (const { key } of this.kv.iterate({ prefix, ...(lt != null ? { lt } : {}), reverse: true }, options)) {
      const m = await this.load(conversation, key.slice(key.lastIndexOf('/') + 1), options)
      if (m == null) continue
      out.push(m)
      if (out.length >= limit) break
    }
    return out
  }

  async conversation (address: string, options?: StoreOptions): Promise<Conversation | undefined> {
    assertAddressKey(address, 'address')
    return await this.loadConversation(address, options)
  }

  async conversations (options?: StoreOptions & { limit?: number }): Promise<Conversation[]> {
    const out: Conversation[] = []
    const limit = options?.limit ?? Infinity
    for await (const { key } of this.kv.iterate({ prefix: 'u/', reverse: true }, options)) {
      if (out.length >= limit) break
      const bytes = await this.kv.get(`c/${key.slice(key.lastIndexOf('/') + 1)}`, options)
      if (bytes != null) out.push(decodeJson<Conversation>(bytes, 'conversation'))
    }
    return out
  }

  async markRead (conversation: string, upTo?: number, options?: StoreOptions): Promise<string[]> {
    assertAddressKey(conversation, 'conversation')
    if (upTo != null) assertTime(upTo, 'upTo')
    return await this.queue.run(async () => {
      const prefix = `r/${stringKey(conversation)}/`
      const range = upTo == null ? { prefix } : { prefix, lt: `${prefix}${u53Key(upTo + 1)}/` }
      const ids: string[] = []
      const ops: KeyValueBatchOperation[] = []
      for await (const { key } of this.kv.iterate(range, options)) {
        const id = key.slice(key.lastIndexOf('/') + 1)
        ops.push({ type: 'del', key })
        const m = await this.load(conversation, id, options)
        if (m == null || m.status === 'read') continue
        ids.push(id)
        ops.push({ type: 'put', key: msgKey(conversation, id), value: encodeJson({ ...m, status: 'read' }) })
      }
      const old = await this.loadConversation(conversation, options)
      if (old != null) {
        const c = { ...old, unread: upTo == null ? 0 : Math.max(0, old.unread - ids.length) }
        if (ids.includes(c.lastMessage.id)) c.lastMessage = { ...c.lastMessage, status: 'read' }
        if (c.unread !== old.unread || c.lastMessage !== old.lastMessage) ops.push(...this.conversationOps(old, c))
      }
      await this.kv.batch(ops, { ...options, sync: true })
      return ids
    })
  }

  async deleteMessage (conversation: string, id: string, options?: StoreOptions): Promise<boolean> {
    assertAddressKey(conversation, 'conversation')
    assertMessageId(id)
    return await this.queue.run(async () => {
      const m = await this.load(conversation, id, options)
      if (m == null) return false
      const ops: KeyValueBatchOperation[] = [{ type: 'del', key: msgKey(conversation, id) }, { type: 'del', key: timeKey(m) }]
      if (isUnread(m)) ops.push({ type: 'del', key: unreadKey(m) })
      const old = await this.loadConversation(conversation, options)
      if (old != null) {
        let next: Conversation | undefined = { ...old, unread: Math.max(0, old.unread - (isUnread(m) ? 1 : 0)) }
        if (old.lastMessage.id === id) {
          // the newest remaining message by (timestamp, id) takes its place; none left: the conversation goes
          const rest = (await this.history(conversation, { limit: 2, signal: options?.signal })).filter(x => x.id !== id)
          next = rest.length === 0 ? undefined : { ...next, lastMessage: lastMessageOf(rest[0]) }
        }
        ops.push(...this.conversationOps(old, next))
      }
      await this.kv.batch(ops, { ...options, sync: true })
      return true
    })
  }

  async hasSeen (sender: string, id: string, options?: StoreOptions): Promise<boolean> {
    assertAddressKey(sender, 'sender')
    assertMessageId(id)
    return await this.kv.get(seenKey(sender, id), options) != null
  }

  async pruneSeen (before: number, options?: StoreOptions): Promise<number> {
    assertTime(before, 'before')
    return await this.queue.run(async () => {
      let n = 0
      let ops: KeyValueBatchOperation[] = []
      for await (const { key } of this.kv.iterate({ prefix: 'p/', lt: `p/${u53Key(before)}/` }, options)) {
        const [, , sender, id] = key.split('/')
        const mark = await this.kv.get(`d/${sender}/${id}`, options)
        ops.push({ type: 'del', key })
        // a mark re-written later (same sender and id, newer time) keeps its own index entry
        if (mark != null && decodeU64(mark) < before) ops.push({ type: 'del', key: `d/${sender}/${id}` })
        n++
        if (ops.length >= PRUNE_BATCH) {
          await this.kv.batch(ops, options)
          ops = []
        }
      }
      await this.kv.batch(ops, options)
      return n
    })
  }
}

/** Where the message store's entries live in a whole storage's raw entries (the `messages` sublevel of openLevel). */
const RAW_PREFIX = '!messages!'

/**
 * The timestamp of the message a raw storage entry (Storage.entries()) belongs to: a message record, or its
 * time or unread index; undefined for anything else (conversation summaries, dedup marks, other stores). A
 * link archive uses it to carry only recent history.
 */
export function messageEntryTime (entry: { key: string, value: Uint8Array }): number | undefined {
  if (!entry.key.startsWith(RAW_PREFIX)) return undefined
  const key = entry.key.slice(RAW_PREFIX.length)
  if (key.startsWith('t/') || key.startsWith('r/')) {
    const ts = parseInt(key.split('/')[2] ?? '', 16)
    return Number.isSafeInteger(ts) ? ts : undefined
  }
  if (key.startsWith('m/')) {
    try {
      const m = decodeJson<StoredMessage>(entry.value, 'message')
      return typeof m.timestamp === 'number' ? m.timestamp : undefined
    } catch {
      return undefined
    }
  }
  return undefined
}
