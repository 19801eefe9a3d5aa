// The web client's state around one Parley facade: who we are, the conversation list, contacts' names and photos, relay connectivity, typing contacts, the route. Knows nothing of the DOM layout.
import type { ContactInfo, ContactProfile, Conversation, Parley, PresenceInfo, ReceivedMessage, TakeoverAttempt } from '../../src/browser.js'
import { backoff, multiaddr, photoType } from '../../src/browser.js'
import { notifyIncoming, setUnreadTitle } from './notifications.js'
import { formatPhone } from './format.js'
import { mark, markStatus } from './perf.js'

/** How long a "typing…" shows without a fresh typing event (the sender repeats it every TYPING_REPEAT_MS while typing). */
export const TYPING_SHOW_MS = 6_000
/** While no relay is connected, the page redials the relays after this long, doubling up to RELAY_REDIAL_MAX_MS. */
export const RELAY_REDIAL_MS = 2_000
export const RELAY_REDIAL_MAX_MS = 30_000
/** An older connection to a peer that just connected anew is closed when it cannot open a stream within this long (a live one does in a round trip). */
export const STALE_PROBE_MS = 1_500
const PING_PROTOCOL = '/ipfs/ping/1.0.0'
type Connection = ReturnType<Parley['node']['getConnections']>[number]

/** A tab hidden this long counts as away: contacts who share presence see "last seen" until it is visible again (WhatsApp Web also goes offline soon after it is left). */
export const AWAY_AFTER_HIDDEN_MS = 60_000

/** A typing "on" is sent at most this often while the user keeps typing. */
export const TYPING_REPEAT_MS = 3_000
/** After this long without a keystroke we send typing "off". */
export const TYPING_IDLE_MS = 4_000

export interface ProfileInfo {
  name: string
  /** the country picked at onboarding: the default for numbers typed in national format */
  region: string
}

/** A contact's shared profile as the page shows it: the photo as an object URL for <img>. */
export interface ContactView {
  name?: string
  photoUrl?: string
  updatedAt: number
}

export type Route =
  | { name: 'list' }
  | { name: 'chat', phone: string }
  | { name: 'settings' }
  | { name: 'contact', phone: string }

/** The route of a location hash: #/chat/+447700900123, #/settings, #/contact/+44…; anything else is the list. */
export function parseRoute (hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent)
  if (parts[0] === 'chat' && parts[1] != null && parts[1] !== '') return { name: 'chat', phone: parts[1] }
  if (parts[0] === 'contact' && parts[1] != null && parts[1] !== '') return { name: 'contact', phone: parts[1] }
  if (parts[0] === 'settings') return { name: 'settings' }
  return { name: 'list' }
}

export function routeHash (route: Route): string {
  switch (route.name) {
    case 'chat': return `#/chat/${encodeURIComponent(route.phone)}`
    case 'contact': return `#/contact/${encodeURIComponent(route.phone)}`
    case 'settings': return '#/settings'
    default: return '#/'
  }
}

const PROFILE_KEY = 'me'
const enc = new TextEncoder()
const dec = new TextDecoder()

export class AppModel {
  registered = false
  phone: string | undefined
  me: ProfileInfo | undefined
  conversations: Conversation[] = []
  online = false
  route: Route
  /** contacts typing now, with the time their indicator expires */
  readonly typing = new Map<string, number>()
  /** presence each contact told us (only while we share ours) */
  readonly presence = new Map<string, PresenceInfo>()
  /** contacts whose security code changed and the user has not acknowledged it (from 'identity-changed' or contact()) */
  readonly identityChanged = new Set<string>()
  /** verified contacts whose security code changed: nothing is sent to them until the user accepts it */
  readonly identityBlocked = new Set<string>()
  /** the last attempt to register our number with another key, until dismissed */
  takeover: TakeoverAttempt | undefined
  /** object URL of our profile photo */
  avatarUrl: string | undefined
  /** contacts' names and photos as they shared them (loaded per number on first use, then live from 'profile' events) */
  private readonly contactViews = new Map<string, ContactView>()
  private readonly contactLoads = new Set<string>()
  private stopping: Promise<void> | undefined
  private readonly listeners = new Set<() => void>()
  private readonly relayPeers: Set<string>
  private readonly relayAddrs: string[]
  private redialTimer: ReturnType<typeof setTimeout> | undefined
  /** redials since the relays were last reached: the next one waits backoff(redials) */
  private redials = 0
  private stopped = false
  private awayTimer: ReturnType<typeof setTimeout> | undefined
  private away = false
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()

  constructor (readonly parley: Parley, readonly profile: string, bootstrap: string[]) {
    this.relayAddrs = bootstrap
    this.relayPeers = new Set(bootstrap.map(a => multiaddr(a).getComponents().findLast(c => c.name === 'p2p')?.value).filter((p): p is string => p != null))
    this.route = parseRoute(location.hash)
  }

  /** Loads what is stored and starts following the facade and the node. */
  async start (): Promise<void> {
    const who = await this.parley.whoami()
    this.registered = who.registered
    this.phone = who.phone
    const raw = await this.parley.storage.kv('profile').get(PROFILE_KEY)
    if (raw != null) this.me = JSON.parse(dec.decode(raw)) as ProfileInfo
    await this.refreshConversations()

    const node = this.parley.node
    const onConnections = (): void => this.updateOnline()
    node.addEventListener('connection:open', onConnections)
    node.addEventListener('connection:close', onConnections)
    node.addEventListener('connection:open', e => {
      if (this.isRelay(e.detail.remotePeer.toString())) return
      mark('peer-connection')
      this.probeOlderConnections(e.detail)
    })
    const onAddresses = (): void => {
      if (node.getMultiaddrs().some(a => a.getComponents().some(c => c.name === 'p2p-circuit'))) mark('reservation')
    }
    node.addEventListener('self:peer:update', onAddresses)
    onAddresses()
    this.updateOnline()

    this.parley.on('message', m => { this.onMessage(m) })
    this.parley.on('status', e => {
      markStatus(e.id, e.status)
      void this.refreshConversations()
    })
    this.parley.on('typing', e => { this.setTyping(e.phone, e.typing) })
    this.parley.on('presence', e => {
      this.presence.set(e.phone, e.online ? { online: true } : { online: false, ...(e.lastSeen != null ? { lastSeen: e.lastSeen } : {}) })
      this.changed()
    })
    this.parley.on('profile', e => {
      this.setContactView(e.phone, e)
      this.changed()
    })
    this.parley.on('identity-changed', e => {
      this.identityChanged.add(e.phone)
      if (e.blocked) this.identityBlocked.add(e.phone)
      this.changed()
    })
    this.parley.on('takeover-attempt', e => {
      this.takeover = e
      this.changed()
    })
    await this.loadAvatar()
    document.addEventListener('visibilitychange', () => { this.onVisibility() })
    window.addEventListener('hashchange', () => {
      this.route = parseRoute(location.hash)
      this.changed()
    })
  }

  subscribe (listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Counts changes, so a view that subscribes after rendering can tell it missed one. */
  version = 0

  changed (): void {
    this.version++
    const unread = this.conversations.reduce((n, c) => n + c.unread, 0)
    setUnreadTitle(unread)
    for (const l of [...this.listeners]) l()
  }

  go (route: Route): void {
    location.hash = routeHash(route)
  }

  isRelay (peer: string): boolean {
    return this.relayPeers.has(peer)
  }

  get relayCount (): number {
    return this.relayPeers.size
  }

  get relayConnections (): number {
    return this.parley.node.getConnections().filter(c => this.relayPeers.has(c.remotePeer.toString())).length
  }

  private updateOnline (): void {
    const online = this.relayConnections > 0
    if (online) {
      this.redials = 0
      if (this.redialTimer != null) clearTimeout(this.redialTimer)
      this.redialTimer = undefined
    } else {
      this.scheduleRedial()
    }
    if (online) mark('relay')
    if (online !== this.online) {
      this.online = online
      this.changed()
    }
  }

  /**
   * Bootstrap discovery dials the relays once at start; a tab whose first dial failed (a relay
   * restarting, a slow machine) or whose relay connection dropped would stay offline. Redial with backoff.
   */
  private scheduleRedial (): void {
    if (this.redialTimer != null || this.stopped || this.relayAddrs.length === 0) return
    this.redialTimer = setTimeout(() => {
      this.redialTimer = undefined
      if (this.stopped || this.relayConnections > 0) return
      this.redials++
      void Promise.allSettled(this.relayAddrs.map(async a => await this.parley.node.dial(multiaddr(a), { signal: AbortSignal.timeout(RELAY_REDIAL_MAX_MS) })))
        .then(() => this.updateOnline())
    }, backoff(this.redials, { minMs: RELAY_REDIAL_MS, maxMs: RELAY_REDIAL_MAX_MS }))
  }

  /**
   * A contact's tab that was reloaded or closed leaves its WebRTC connection to us looking open until ICE
   * gives up (10-30 s), and mail or receipts written on it wait that long. When the peer connects anew, open
   * a ping stream on each older connection to it: one that cannot open a stream in STALE_PROBE_MS is closed.
   */
  private probeOlderConnections (fresh: Connection): void {
    for (const old of this.parley.node.getConnections(fresh.remotePeer)) {
      if (old === fresh || old.timeline.open > fresh.timeline.open) continue
      old.newStream(PING_PROTOCOL, { signal: AbortSignal.timeout(STALE_PROBE_MS) })
        .then(stream => { stream.abort(new Error('probe only')) }, () => { if (!this.stopped) old.abort(new Error('no stream within the stale probe time')) })
    }
  }

  async refreshConversations (): Promise<void> {
    this.conversations = await this.parley.conversations()
    for (const c of this.conversations) this.loadContact(c.address)
    this.changed()
  }

  /** Reads a contact's stored profile once (later versions come as 'profile' events); the page re-renders when it is there. */
  loadContact (phone: string): void {
    if (this.contactLoads.has(phone)) return
    this.contactLoads.add(phone)
    this.parley.contactProfile(phone).then(p => {
      if (p != null && this.setContactView(phone, p)) this.changed()
    }, () => { this.contactLoads.delete(phone) })
  }

  /** Keeps the newer of what is shown and `p`; true when it changed. */
  private setContactView (phone: string, p: ContactProfile): boolean {
    const old = this.contactViews.get(phone)
    if (old != null && old.updatedAt >= p.updatedAt) return false
    if (old?.photoUrl != null) URL.revokeObjectURL(old.photoUrl)
    const name = p.name?.trim()
    this.contactViews.set(phone, {
      ...(name != null && name !== '' ? { name } : {}),
      ...(p.photo != null ? { photoUrl: URL.createObjectURL(new Blob([p.photo as Uint8Array<ArrayBuffer>], { type: photoType(p.photo) })) } : {}),
      updatedAt: p.updatedAt
    })
    return true
  }

  /** The name the contact chose, when it shared one. */
  contactName (phone: string): string | undefined {
    return this.contactViews.get(phone)?.name
  }

  /** Object URL of the contact's photo, when it shared one. */
  contactPhotoUrl (phone: string): string | undefined {
    return this.contactViews.get(phone)?.photoUrl
  }

  /** What to call a contact: its name, else its number. */
  displayName (phone: string): string {
    return this.contactName(phone) ?? formatPhone(phone)
  }

  /** "Alice (+44 7700 900123)" where the number matters (security notices), else the number alone. */
  nameWithNumber (phone: string): string {
    const name = this.contactName(phone)
    return name != null ? `${name} (${formatPhone(phone)})` : formatPhone(phone)
  }

  async saveProfile (info: ProfileInfo): Promise<void> {
    await this.parley.storage.kv('profile').put(PROFILE_KEY, enc.encode(JSON.stringify(info)), { sync: true })
    // the facade's profile holds the name too (what will be shared with contacts)
    await this.parley.setProfile({ name: info.name })
    this.me = info
    this.changed()
  }

  /** Registration finished (verify resolved). */
  async registeredAs (phone: string): Promise<void> {
    this.registered = true
    this.phone = phone
    this.changed()
  }

  private onMessage (m: ReceivedMessage): void {
    this.setTyping(m.from, false)
    void this.refreshConversations()
    const open = this.route.name === 'chat' && this.route.phone === m.from
    if (document.visibilityState === 'hidden' || !open) notifyIncoming(m.from, this.displayName(m.from), m.text, () => this.go({ name: 'chat', phone: m.from }))
  }

  private setTyping (phone: string, typing: boolean): void {
    if (typing) {
      this.typing.set(phone, Date.now() + TYPING_SHOW_MS)
      const timer = setTimeout(() => {
        this.timers.delete(timer)
        const until = this.typing.get(phone)
        if (until != null && until <= Date.now()) {
          this.typing.delete(phone)
          this.changed()
        }
      }, TYPING_SHOW_MS + 50)
      this.timers.add(timer)
    } else if (!this.typing.delete(phone)) {
      return
    }
    this.changed()
  }

  /** What the contact last told us about its presence: live events first, else what the facade kept. */
  presenceOf (phone: string): PresenceInfo | undefined {
    if (!this.parley.sharingPresence) return undefined
    return this.presence.get(phone) ?? this.parley.presenceOf(phone)
  }

  async setSharePresence (on: boolean): Promise<void> {
    await this.parley.setSharePresence(on)
    if (!on) this.presence.clear()
    this.changed()
  }

  /** A contact's security code changed (or the user acknowledged it: `changed` false). */
  setIdentityChanged (phone: string, changed: boolean): void {
    if (changed === this.identityChanged.has(phone)) return
    if (changed) this.identityChanged.add(phone)
    else this.identityChanged.delete(phone)
    this.changed()
  }

  /** Takes a contact() answer's trust state: the change notice and the block on sending. */
  setContactTrust (c: ContactInfo): void {
    const was = this.identityBlocked.has(c.phone)
    if (c.blocked) this.identityBlocked.add(c.phone)
    else this.identityBlocked.delete(c.phone)
    if (was !== c.blocked) this.changed()
    this.setIdentityChanged(c.phone, c.identityChanged)
  }

  dismissTakeover (): void {
    this.takeover = undefined
    this.changed()
  }

  /** Reads our photo from the facade's profile into an object URL for <img>. */
  async loadAvatar (): Promise<void> {
    const { photo } = await this.parley.profile()
    if (this.avatarUrl != null) URL.revokeObjectURL(this.avatarUrl)
    this.avatarUrl = photo != null ? URL.createObjectURL(new Blob([photo as Uint8Array<ArrayBuffer>], { type: photo[0] === 0x89 ? 'image/png' : 'image/jpeg' })) : undefined
    this.changed()
  }

  /** Hidden for AWAY_AFTER_HIDDEN_MS: tell contacts we are offline; visible again: online. Best effort, like all presence. */
  private onVisibility (): void {
    if (this.stopped) return
    if (document.visibilityState === 'hidden') {
      this.awayTimer ??= setTimeout(() => {
        this.awayTimer = undefined
        this.away = true
        this.parley.setPresence(false).catch(() => {})
      }, AWAY_AFTER_HIDDEN_MS)
      return
    }
    if (this.awayTimer != null) clearTimeout(this.awayTimer)
    this.awayTimer = undefined
    if (this.away) {
      this.away = false
      this.parley.setPresence(true).catch(() => {})
    }
  }

  isTyping (phone: string): boolean {
    return (this.typing.get(phone) ?? 0) > Date.now()
  }

  /** Stops the facade once (pagehide may call it again after a wipe or restore did). */
  async stop (): Promise<void> {
    this.stopping ??= this.doStop()
    await this.stopping
  }

  private async doStop (): Promise<void> {
    this.stopped = true
    if (this.redialTimer != null) clearTimeout(this.redialTimer)
    if (this.awayTimer != null) clearTimeout(this.awayTimer)
    for (const t of this.timers) clearTimeout(t)
    for (const v of this.contactViews.values()) if (v.photoUrl != null) URL.revokeObjectURL(v.photoUrl)
    await this.parley.stop()
  }
}
