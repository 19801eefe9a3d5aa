// In-memory MessageStore: Maps of messages per conversation, summaries and dedup marks; sorts on demand; persists nothing.
import { stringKey } from '../keys.js'
import {
  assertMessage, assertStatus, canChangeStatus, compareHistory, conversationAfterAdd, copyConversation, copyMessage, historyLimit, isBefore, isUnread, lastMessageOf
} from '../message-store.js'
import type { Conversation, HistoryOptions, MessageStatus, MessageStore, StoredMessage } from '../message-store.js'
import { assertAddressKey, assertMessageId, assertTime } from '../outbox-store.js'
import type { StoreOptions } from '../types.js'
import type { AtomicWith } from '../prepared-write.js'
import { InvalidStoreKeyError } from '../errors.js'
import { MemoryLifecycle, restoreMaps, snapshotMaps, type MemorySnapshot } from './base.js'

const seenKey = (sender: string, id: string): string => `${stringKey(sender)}/${id}`

export class MemoryMessageStore implements MessageStore, MemorySnapshot {
  private readonly messages = new Map<string, Map<string, StoredMessage>>()
  private readonly summaries = new Map<string, Conversation>()
  private readonly seen = new Map<string, number>()

  constructor (private readonly life = new MemoryLifecycle()) {}

  private table (conv: string): Map<string, StoredMessage> {
    let t = this.messages.get(conv)
    if (t == null) {
      t = new Map()
      this.messages.set(conv, t)
    }
    return t
  }

  private add (msg: StoredMessage, dedup: boolean): boolean {
    if (dedup && this.seen.has(seenKey(msg.sender, msg.id))) return false
    if (this.messages.get(msg.conversation)?.has(msg.id) === true) return false
    if (dedup) this.seen.set(seenKey(msg.sender, msg.id), msg.receivedAt)
    this.table(msg.conversation).set(msg.id, copyMessage(msg))
    this.summaries.set(msg.conversation, conversationAfterAdd(this.summaries.get(msg.conversation), msg))
    return true
  }

  async addIncoming (msg: StoredMessage, options?: StoreOptions & AtomicWith): Promise<boolean> {
    this.life.check(options)
    assertMessage(msg, 'in')
    const parts = this.ownParts(options)
    if (!this.add(msg, true)) return false
    for (const part of parts) part.apply()
    return true
  }

  async addOutgoing (msg: StoredMessage, options?: StoreOptions & AtomicWith): Promise<boolean> {
    this.life.check(options)
    assertMessage(msg, 'out')
    const parts = this.ownParts(options)
    // the message and the prepared changes in one synchronous run: no reader sees one without the other
    if (!this.add(msg, false)) return false
    for (const part of parts) part.apply()
    return true
  }

  async get (conversation: string, id: string, options?: StoreOptions): Promise<StoredMessage | undefined> {
    this.life.check(options)
    assertAddressKey(conversation, 'conversation')
    assertMessageId(id)
    const m = this.messages.get(conversation)?.get(id)
    return m == null ? undefined : copyMessage(m)
  }

  async updateStatus (conversation: string, id: string, status: MessageStatus, options?: StoreOptions & AtomicWith): Promise<StoredMessage | undefined> {
    this.life.check(options)
    assertAddressKey(conversation, 'conversation')
    assertMessageId(id)
    assertStatus(status)
    const parts = this.ownParts(options)
    const m = this.messages.get(conversation)?.get(id)
    if (m == null || !canChangeStatus(m.status, status)) return undefined
    if (m.direction === 'in' && status !== 'read') return undefined
    const next = { ...m, status }
    this.table(conversation).set(id, next)
    const c = this.summaries.get(conversation)
    if (c != null) {
      if (c.lastMessage.id === id) c.lastMessage = lastMessageOf(next)
      if (isUnread(m) && !isUnread(next)) c.unread = Math.max(0, c.unread - 1)
    }
    for (const part of parts) part.apply()
    return copyMessage(next)
  }

  /** The prepared writes of `options.with`, each checked to be of this storage (else nothing changes). */
  private ownParts (options?: AtomicWith): Array<{ apply: () => void }> {
    const parts = options?.with ?? []
    return parts.map(part => {
      if (part.kind !== 'apply' || part.owner !== this.life) throw new InvalidStoreKeyError('a prepared write must be of a store of the same memory storage')
      return part
    })
  }

  async history (conversation: string, options?: HistoryOptions): Promise<StoredMessage[]> {
    this.life.check(options)
    assertAddressKey(conversation, 'conversation')
    const limit = historyLimit(options)
    return [...(this.messages.get(conversation)?.values() ?? [])]
      .filter(m => isBefore(m, options?.before))
      .sort((a, b) => compareHistory(b, a))
      .slice(0, limit)
      .map(copyMessage)
  }

  async conversation (address: string, options?: StoreOptions): Promise<Conversation | undefined> {
    this.life.check(options)
    assertAddressKey(address, 'address')
    const c = this.summaries.get(address)
    return c == null ? undefined : copyConversation(c)
  }

  async conversations (options?: StoreOptions & { limit?: number }): Promise<Conversation[]> {
    this.life.check(options)
    // same order as the LevelDB index `u/<updatedAt>/<hex address>` read in reverse
    return [...this.summaries.values()]
      .sort((a, b) => b.updatedAt - a.updatedAt || (stringKey(a.address) < stringKey(b.address) ? 1 : -1))
      .slice(0, options?.limit ?? Infinity)
      .map(copyConversation)
  }

  async markRead (conversation: string, upTo?: number, options?: StoreOptions): Promise<string[]> {
    this.life.check(options)
    assertAddressKey(conversation, 'conversation')
    if (upTo != null) assertTime(upTo, 'upTo')
    const unread = [...(this.messages.get(conversation)?.values() ?? [])]
      .filter(m => isUnread(m) && (upTo == null || m.timestamp <= upTo))
      .sort(compareHistory)
    for (const m of unread) this.table(conversation).set(m.id, { ...m, status: 'read' })
    const ids = unread.map(m => m.id)
    const c = this.summaries.get(conversation)
    if (c != null) {
      c.unread = upTo == null ? 0 : Math.max(0, c.unread - ids.length)
      if (ids.includes(c.lastMessage.id)) c.lastMessage = { ...c.lastMessage, status: 'read' }
    }
    return ids
  }

  async deleteMessage (conversation: string, id: string, options?: StoreOptions): Promise<boolean> {
    this.life.check(options)
    assertAddressKey(conversation, 'conversation')
    assertMessageId(id)
    const t = this.messages.get(conversation)
    const m = t?.get(id)
    if (t == null || m == null) return false
    t.delete(id)
    const c = this.summaries.get(conversation)
    if (c != null) {
      if (isUnread(m)) c.unread = Math.max(0, c.unread - 1)
      if (c.lastMessage.id === id) {
        const [newest] = await this.history(conversation, { limit: 1 })
        if (newest == null) this.summaries.delete(conversation)
        else c.lastMessage = lastMessageOf(newest)
      }
    }
    return true
  }

  async hasSeen (sender: string, id: string, options?: StoreOptions): Promise<boolean> {
    this.life.check(options)
    assertAddressKey(sender, 'sender')
    assertMessageId(id)
    return this.seen.has(seenKey(sender, id))
  }

  async pruneSeen (before: number, options?: StoreOptions): Promise<number> {
    this.life.check(options)
    assertTime(before, 'before')
    let n = 0
    for (const [key, at] of [...this.seen]) {
      if (at < before) {
        this.seen.delete(key)
        n++
      }
    }
    return n
  }

  private maps (): Record<string, Map<unknown, unknown>> {
    return { messages: this.messages, summaries: this.summaries, seen: this.seen } as unknown as Record<string, Map<unknown, unknown>>
  }

  snapshot (): Record<string, unknown> {
    return snapshotMaps(this.maps())
  }

  restore (state: Record<string, unknown>): void {
    restoreMaps(this.maps(), state)
  }
}
