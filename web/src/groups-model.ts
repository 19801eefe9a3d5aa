// The web client's group state: group names and roles for the chat list, the merged list of 1:1 and group chats, the page's own per-group settings (muted, when a group was first seen, whether we left or were removed), reply quotes kept across reloads, and the pure helpers of the group screens (addresses, member colours, mentions, receipt lines). Knows nothing of the DOM.
import { groupConversation, parseGroupId, photoType, type AppStore, type Conversation, type GroupSummary, type Parley } from '../../src/browser.js'

/** The message store keeps a group's history under `group:<64 hex>` (the SDK's groupConversation); numbers start with '+'. */
const GROUP_PREFIX = groupConversation(new Uint8Array(32)).slice(0, -64)
const GROUP_ID = /^[0-9a-f]{64}$/

/** Members' names are drawn in this many colours (style.css `.sender-c0` … `.sender-c7`, each 4.5:1 on incoming bubbles). */
export const MEMBER_COLOURS = 8
/** Reply quotes kept per group, for history stored before the SDK kept `quoteId` with each message: about a month of a busy group. */
export const MAX_QUOTES_KEPT = 1_000
/** A mention in a text: `@` and an E.164 number (the composer writes picked members so; it shows as the member's name). */
const MENTION = /@(\+[1-9]\d{6,14})/g

/** App store keys: the per-group settings (JSON `GroupPrefs`), and one record of quotes per group. */
const PREFS_KEY = 'groups'
const quotesKey = (groupId: string): string => `quotes-${groupId}`

const enc = new TextEncoder()
const dec = new TextDecoder()

/** Whether a conversation address is a group's (never a phone number, even when malformed). */
export function isGroupAddress (address: string): boolean {
  return address.startsWith(GROUP_PREFIX)
}

/** The group id of a conversation address, or undefined for a 1:1 chat (a phone number). */
export function groupIdOf (address: string): string | undefined {
  if (!address.startsWith(GROUP_PREFIX)) return undefined
  const id = address.slice(GROUP_PREFIX.length)
  return GROUP_ID.test(id) ? id : undefined
}

/** The conversation address of a group (64 hex characters). */
export function groupAddress (groupId: string): string {
  return groupConversation(parseGroupId(groupId))
}

/** Whether a route's id is a group id (64 lowercase hex). */
export function isGroupId (id: string): boolean {
  return GROUP_ID.test(id)
}

/** A member's colour, 0 … MEMBER_COLOURS − 1: the same for a number everywhere and on every reload (FNV-1a of the number). */
export function memberColour (phone: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < phone.length; i++) {
    h ^= phone.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h % MEMBER_COLOURS
}

/** The numbers a text mentions (`@+447700900123`), each once, in order. */
export function mentionedNumbers (text: string): string[] {
  return [...new Set([...text.matchAll(MENTION)].map(m => m[1]))]
}

/** A text cut into plain runs and mentions, for display (a mention shows as the member's name). */
export function textParts (text: string): Array<{ text: string } | { mention: string }> {
  const out: Array<{ text: string } | { mention: string }> = []
  let at = 0
  for (const m of text.matchAll(MENTION)) {
    if (m.index > at) out.push({ text: text.slice(at, m.index) })
    out.push({ mention: m[1] })
    at = m.index + m[0].length
  }
  if (at < text.length) out.push({ text: text.slice(at) })
  return out
}

/**
 * The text to send and the members it mentions. `picked` are the members chosen from the suggestions, shown in the
 * draft as `@label`; each becomes `@number` (longest label first, so "@Ann Lee" is not read as "@Ann"). A number
 * typed as `@+44…` counts too, when it is a member's. We never mention ourselves.
 */
export function withMentions (draft: string, picked: Array<{ label: string, phone: string }>, members: string[], self?: string): { text: string, mentions: string[] } {
  let text = draft
  for (const p of [...picked].sort((a, b) => b.label.length - a.label.length)) text = text.split(`@${p.label}`).join(`@${p.phone}`)
  const allowed = new Set(members.filter(m => m !== self))
  return { text, mentions: mentionedNumbers(text).filter(n => allowed.has(n)) }
}

/** The `@query` being typed just before the caret, if any ("@Bo" → "Bo"; "" right after the @). */
export function mentionQuery (draft: string, caret: number): string | undefined {
  const m = /(?:^|\s)@([^\s@]*)$/.exec(draft.slice(0, caret))
  return m?.[1]
}

/** "Delivered to 2 of 3", "Read by 1 of 3" for message info. */
export function receiptLines (r: { members: number, delivered: number, read: number }): { delivered: string, read: string } {
  return { delivered: `Delivered to ${r.delivered} of ${r.members}`, read: `Read by ${r.read} of ${r.members}` }
}

type LastMessage = Conversation['lastMessage']

/** A row of the chat list: a 1:1 chat or a group (a new group has no message yet). */
export type ChatEntry =
  | { kind: 'direct', address: string, lastMessage: LastMessage, unread: number, at: number }
  | { kind: 'group', address: string, groupId: string, lastMessage?: LastMessage, unread: number, at: number }

/** What the page keeps per group in its app store. */
interface GroupPrefs {
  /** when this device first knew the group (ms): where a group without messages sorts */
  seen: Record<string, number>
  muted: string[]
  /** groups we are no longer in, and why (we left, or an admin removed us) */
  ended: Record<string, 'left' | 'removed'>
}

/**
 * The chat list's rows: 1:1 chats and groups together, newest first. A group sorts by its last message, or,
 * before it has one, by when this device first knew it.
 */
export function chatEntries (conversations: Conversation[], groups: Iterable<GroupSummary>, seen: Record<string, number>): ChatEntry[] {
  const out: ChatEntry[] = []
  const withMessages = new Set<string>()
  for (const c of conversations) {
    const groupId = groupIdOf(c.address)
    if (groupId != null) {
      withMessages.add(groupId)
      out.push({ kind: 'group', address: c.address, groupId, lastMessage: c.lastMessage, unread: c.unread, at: c.updatedAt })
    } else if (!isGroupAddress(c.address)) {
      out.push({ kind: 'direct', address: c.address, lastMessage: c.lastMessage, unread: c.unread, at: c.updatedAt })
    }
  }
  for (const g of groups) {
    if (!withMessages.has(g.groupId)) out.push({ kind: 'group', address: groupAddress(g.groupId), groupId: g.groupId, unread: 0, at: seen[g.groupId] ?? 0 })
  }
  return out.sort((a, b) => b.at - a.at)
}

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

export class GroupsState {
  /** the groups this device holds, by id (from `groups.list()`, refreshed on every group update) */
  summaries = new Map<string, GroupSummary>()
  private prefs: GroupPrefs = { seen: {}, muted: [], ended: {} }
  /** the sender of each group's last message, by group: the chat list's "Bob: hi" (the store's last message names no sender) */
  private readonly lastSenders = new Map<string, { id: string, sender?: string }>()
  private readonly quotes = new Map<string, Promise<Record<string, string>>>()
  /** each group's photo as an object URL, with the image it was made from (a new image gets a new URL, the same one keeps it) */
  private readonly photos = new Map<string, { image: Uint8Array, url: string }>()
  private writes: Promise<void> = Promise.resolve()

  constructor (private readonly parley: Parley, private readonly store: AppStore, private readonly changed: () => void) {}

  /** Reads the page's settings, then the groups (only once registered: the SDK has no groups before). */
  async load (registered: boolean): Promise<void> {
    const raw = await this.store.get(PREFS_KEY)
    try {
      if (raw != null) this.prefs = { seen: {}, muted: [], ended: {}, ...JSON.parse(dec.decode(raw)) as Partial<GroupPrefs> }
    } catch {
      // unreadable: the page's own settings start again (nothing of the SDK's is lost)
    }
    // the list is for display: a failure leaves it empty until the next group update, it does not stop the page
    if (registered) await this.refresh().catch(err => { console.warn('parley: could not list the groups', err) })
  }

  async refresh (): Promise<void> {
    const list = await this.parley.groups.list()
    this.summaries = new Map(list.map(g => [g.groupId, g]))
    let dirty = false
    for (const g of list) {
      if (this.prefs.seen[g.groupId] == null) {
        this.prefs.seen[g.groupId] = Date.now()
        dirty = true
      }
      if (g.active && this.prefs.ended[g.groupId] != null) {
        // added again
        delete this.prefs.ended[g.groupId]
        dirty = true
      }
    }
    if (dirty) this.save()
    await this.loadPhotos(list)
    this.changed()
  }

  /** The group's photo as an image URL, once its image is on this device. */
  photoUrl (groupId: string): string | undefined {
    return this.photos.get(groupId)?.url
  }

  private async loadPhotos (list: GroupSummary[]): Promise<void> {
    const drop = (groupId: string): void => {
      const held = this.photos.get(groupId)
      if (held != null) URL.revokeObjectURL(held.url)
      this.photos.delete(groupId)
    }
    for (const groupId of [...this.photos.keys()]) if (!list.some(g => g.groupId === groupId && g.photo)) drop(groupId)
    for (const g of list) {
      if (!g.photo) continue
      // a photo that cannot be read now shows the initials until the next update
      const image = await this.parley.groups.photo(g.groupId).catch(() => undefined)
      const held = this.photos.get(g.groupId)
      if (image == null) {
        drop(g.groupId)
        continue
      }
      if (held != null && sameBytes(held.image, image)) continue
      drop(g.groupId)
      this.photos.set(g.groupId, { image, url: URL.createObjectURL(new Blob([image as Uint8Array<ArrayBuffer>], { type: photoType(image) })) })
    }
  }

  /** A 'group-update': a group we are no longer in was left by us (marked before leaving) or we were removed. */
  async onUpdate (e: { group: string, active: boolean }): Promise<void> {
    if (!e.active && this.prefs.ended[e.group] == null) {
      this.prefs.ended[e.group] = 'removed'
      this.save()
    }
    await this.refresh()
  }

  /** Call before `groups.leave`: the group then says "You left" rather than "You were removed". */
  markLeaving (groupId: string): void {
    this.prefs.ended[groupId] = 'left'
    this.save()
  }

  /** Why we are not in the group any more, when the page saw it happen. */
  ended (groupId: string): 'left' | 'removed' | undefined {
    return this.prefs.ended[groupId]
  }

  name (groupId: string): string {
    return this.summaries.get(groupId)?.name ?? 'Group'
  }

  entries (conversations: Conversation[]): ChatEntry[] {
    return chatEntries(conversations, this.summaries.values(), this.prefs.seen)
  }

  isMuted (groupId: string): boolean {
    return this.prefs.muted.includes(groupId)
  }

  setMuted (groupId: string, muted: boolean): void {
    this.prefs.muted = this.prefs.muted.filter(g => g !== groupId)
    if (muted) this.prefs.muted.push(groupId)
    this.save()
    this.changed()
  }

  /**
   * Who wrote the group's last message (an incoming one), when known; the first call for a new last message
   * reads it from the group's history and re-renders.
   */
  lastSender (groupId: string, last: LastMessage): string | undefined {
    const held = this.lastSenders.get(groupId)
    if (held?.id === last.id) return held.sender
    this.lastSenders.set(groupId, { id: last.id })
    if (last.direction !== 'in') return undefined
    this.parley.groups.history(groupId, { limit: 10 }).then(page => {
      const sender = page.find(m => m.id === last.id)?.sender
      if (sender == null || this.lastSenders.get(groupId)?.id !== last.id) return
      this.lastSenders.set(groupId, { id: last.id, sender })
      this.changed()
    }, () => {})
    return undefined
  }

  /** The group's reply quotes: message id → the id of the message it quotes. */
  async quotesOf (groupId: string): Promise<Record<string, string>> {
    let q = this.quotes.get(groupId)
    if (q == null) {
      q = this.store.get(quotesKey(groupId)).then(raw => raw != null ? JSON.parse(dec.decode(raw)) as Record<string, string> : {}).catch(() => ({}))
      this.quotes.set(groupId, q)
    }
    return await q
  }

  /** Keeps that `id` quotes `quoteId` (the newest MAX_QUOTES_KEPT per group); resolves when it is stored (best effort: never rejects). */
  async rememberQuote (groupId: string, id: string, quoteId: string): Promise<void> {
    this.writes = this.writes.then(async () => {
      const all = await this.quotesOf(groupId)
      if (all[id] === quoteId) return
      all[id] = quoteId
      const ids = Object.keys(all)
      for (const old of ids.slice(0, Math.max(0, ids.length - MAX_QUOTES_KEPT))) delete all[old]
      await this.store.put(quotesKey(groupId), enc.encode(JSON.stringify(all)))
    }).catch(() => {})
    await this.writes
  }

  private save (): void {
    const bytes = enc.encode(JSON.stringify(this.prefs))
    this.writes = this.writes.then(async () => { await this.store.put(PREFS_KEY, bytes) }).catch(() => {})
  }
}
