// The web client's state around one Parley facade: who we are, the conversation list (1:1 chats and groups), contacts' names and photos, relay connectivity, typing contacts, calls, the route. Knows nothing of the DOM layout.
import type { AppStore, BrowserParleyInit, ContactInfo, ContactProfile, Conversation, GroupMessageEvent, NetworkChange, Parley, PresenceInfo, ReceivedMessage, TakeoverAttempt } from '../../src/browser.js'
import { DeviceRemovedError, photoType } from '../../src/browser.js'
import { notifyGroupMessage, notifyIncoming, setUnreadTitle } from './notifications.js'
import { GroupsState, groupIdOf, isGroupAddress, isGroupId, type ChatEntry } from './groups-model.js'
import { formatPhone, guessRegion, regionOf } from './format.js'
import { mark, markStatus } from './perf.js'
import { KIND_LABEL, MediaState } from './media-model.js'
import { CallsState } from './calls-model.js'

/** How long a "typing…" shows without a fresh typing event (the sender repeats it every TYPING_REPEAT_MS while typing). */
export const TYPING_SHOW_MS = 6_000

/** A tab hidden this long counts as away: contacts who share presence see "last seen" until it is visible again (WhatsApp Web also goes offline soon after it is left). */
export const AWAY_AFTER_HIDDEN_MS = 60_000

/**
 * A tab with sibling devices looks its own directory record up this often while visible (and when it gets the
 * focus back, at most every DEVICE_CHECK_MIN_MS): a device removed elsewhere learns it there, wipes itself and
 * shows the removed screen. Nobody tells a removed device (docs/devices.md, "Removing a device").
 */
export const DEVICE_CHECK_MS = 60_000
export const DEVICE_CHECK_MIN_MS = 5_000

/** What the page needs to start the profile again as a linked device (the relays and trust roots of /config.json). */
export type StartInit = Omit<BrowserParleyInit, 'profile'>

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
  | { name: 'group', id: string }
  | { name: 'group-info', id: string }
  | { name: 'broadcasts' }
  | { name: 'media', address: string }
  | { name: 'calls' }

/**
 * The route of a location hash: #/chat/+447700900123, #/settings, #/contact/+44…, #/group/<64 hex>,
 * #/group/<64 hex>/info, #/broadcasts, #/media/<number or group:<hex>> (a chat's media), #/calls (the call log); anything else is the list. A group's conversation address in a chat or
 * contact route opens the group: it is never taken for a phone number.
 */
export function parseRoute (hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent)
  if ((parts[0] === 'chat' || parts[0] === 'contact') && parts[1] != null && parts[1] !== '') {
    if (isGroupAddress(parts[1])) {
      const group = groupIdOf(parts[1])
      return group != null ? { name: 'group', id: group } : { name: 'list' }
    }
    return parts[0] === 'chat' ? { name: 'chat', phone: parts[1] } : { name: 'contact', phone: parts[1] }
  }
  if (parts[0] === 'group' && parts[1] != null && isGroupId(parts[1])) return parts[2] === 'info' ? { name: 'group-info', id: parts[1] } : { name: 'group', id: parts[1] }
  if (parts[0] === 'broadcasts') return { name: 'broadcasts' }
  if (parts[0] === 'calls') return { name: 'calls' }
  if (parts[0] === 'media' && parts[1] != null && (/^\+[1-9]\d{6,14}$/.test(parts[1]) || groupIdOf(parts[1]) != null)) return { name: 'media', address: parts[1] }
  if (parts[0] === 'settings') return { name: 'settings' }
  return { name: 'list' }
}

export function routeHash (route: Route): string {
  switch (route.name) {
    case 'chat': return `#/chat/${encodeURIComponent(route.phone)}`
    case 'contact': return `#/contact/${encodeURIComponent(route.phone)}`
    case 'group': return `#/group/${route.id}`
    case 'group-info': return `#/group/${route.id}/info`
    case 'broadcasts': return '#/broadcasts'
    case 'calls': return '#/calls'
    case 'media': return `#/media/${encodeURIComponent(route.address)}`
    case 'settings': return '#/settings'
    default: return '#/'
  }
}

/** The page's own settings in the device's storage (Parley.appStore): `profile` holds ProfileInfo as JSON. */
const APP_STORE = 'web'
const PROFILE_KEY = 'profile'
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
  /** another device of the account removed this one: the SDK wiped it and stopped; the page shows the removed screen */
  removed = false
  /** object URL of our profile photo */
  avatarUrl: string | undefined
  /** group names, roles and the page's own per-group settings */
  readonly groups: GroupsState
  /** files: transfers' progress, object URLs, sends from this tab */
  readonly media: MediaState
  /** the call on screen, our microphone and camera for it, the call log */
  readonly calls: CallsState
  /** contacts' names and photos as they shared them (loaded per number on first use, then live from 'profile' events) */
  private readonly contactViews = new Map<string, ContactView>()
  private readonly contactLoads = new Set<string>()
  private stopping: Promise<void> | undefined
  private readonly listeners = new Set<() => void>()
  private readonly settings: AppStore
  private stopped = false
  private awayTimer: ReturnType<typeof setTimeout> | undefined
  private away = false
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()
  private deviceTimer: ReturnType<typeof setInterval> | undefined
  private deviceCheckAt = 0

  constructor (readonly parley: Parley, readonly profile: string, readonly startInit: StartInit = { bootstrap: [] }) {
    this.settings = parley.appStore(APP_STORE)
    this.groups = new GroupsState(parley, this.settings, () => this.changed())
    this.media = new MediaState(parley, profile, { changed: () => this.changed(), refresh: () => { void this.refreshConversations() } })
    this.calls = new CallsState(parley, this.settings, { changed: () => this.changed(), displayName: phone => this.displayName(phone), groupName: id => this.groups.name(id) })
    this.route = parseRoute(location.hash)
    // first of all: the SDK's own check at start may find this device removed while the model still loads
    parley.on('device-removed', () => { this.setRemoved() })
  }

  /** Loads what is stored and starts following the facade and the node. */
  async start (): Promise<void> {
    const who = await this.parley.whoami()
    this.registered = who.registered
    this.phone = who.phone
    this.me = await this.loadMe()
    await this.groups.load(this.registered)
    await this.refreshConversations()

    // connection health (relay redial, stale connections) is the SDK's: the page follows what it reports
    this.parley.on('network', e => { this.onNetwork(e) })
    this.onNetwork({ cause: 'addresses' })

    this.media.start()
    // calls: rings (held by the SDK until this listener) and the call log
    await this.calls.start()
    this.parley.on('message', m => { this.onMessage(m) })
    // groups: messages (held by the SDK until this first listener), our messages' ticks, membership and info changes
    this.parley.groups.on('group-message', e => { this.onGroupMessage(e) })
    this.parley.groups.on('group-status', () => { void this.refreshConversations() })
    this.parley.groups.on('group-update', e => {
      void this.groups.onUpdate(e).then(async () => { await this.refreshConversations() }).catch(() => {})
    })
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
    // a text our other device sent is in history as sent; a chat read there is read here
    this.parley.on('sent', () => { void this.refreshConversations() })
    this.parley.on('read-sync', () => { void this.refreshConversations() })
    await this.loadAvatar()
    // the SDK looks at our own record at start itself; the model looks again later only when the account has other devices
    if (this.registered) this.checkDevices()
    this.deviceTimer = setInterval(() => { if (document.visibilityState === 'visible') this.checkDevices() }, DEVICE_CHECK_MS)
    window.addEventListener('focus', () => { this.checkDevices() })
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

  /** A connection opened or closed, or our addresses changed: the perf marks and the online state. */
  private onNetwork (e: NetworkChange): void {
    if (e.cause === 'connection-open' && e.relay === false) mark('peer-connection')
    const status = this.parley.network()
    if (status.reachable) mark('reservation')
    if (status.online) mark('relay')
    if (status.online !== this.online) {
      this.online = status.online
      this.changed()
    }
  }

  /** Our name and region as stored; a profile of an older build kept them elsewhere: rebuilt from the shared name and the number's country. */
  private async loadMe (): Promise<ProfileInfo | undefined> {
    const raw = await this.settings.get(PROFILE_KEY)
    if (raw != null) return JSON.parse(dec.decode(raw)) as ProfileInfo
    if (!this.registered || this.phone == null) return undefined
    const { name } = await this.parley.profile()
    if (name == null || name === '') return undefined
    const info: ProfileInfo = { name, region: regionOf(this.phone) ?? guessRegion() }
    await this.settings.put(PROFILE_KEY, enc.encode(JSON.stringify(info)))
    return info
  }

  async refreshConversations (): Promise<void> {
    this.conversations = await this.parley.conversations()
    // a group's address is no phone number: no profile to load for it
    for (const c of this.conversations) if (!isGroupAddress(c.address)) this.loadContact(c.address)
    this.changed()
  }

  /** The chat list's rows: 1:1 chats and groups, newest first. */
  chats (): ChatEntry[] {
    return this.groups.entries(this.conversations)
  }

  /** The numbers of our 1:1 chats, newest first: the contacts offered when making a group or a broadcast list. */
  knownContacts (): string[] {
    return this.conversations.map(c => c.address).filter(a => !isGroupAddress(a) && a !== this.phone)
  }

  /** Reads a contact's stored profile once (later versions come as 'profile' events); the page re-renders when it is there. */
  loadContact (phone: string): void {
    if (this.contactLoads.has(phone) || isGroupAddress(phone)) return
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
    await this.settings.put(PROFILE_KEY, enc.encode(JSON.stringify(info)))
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
    await this.groups.refresh().catch(() => {})
  }

  private onMessage (m: ReceivedMessage): void {
    this.setTyping(m.from, false)
    void this.refreshConversations()
    const open = this.route.name === 'chat' && this.route.phone === m.from
    if (document.visibilityState === 'hidden' || !open) notifyIncoming(m.from, this.displayName(m.from), this.previewText(m), () => this.go({ name: 'chat', phone: m.from }))
  }

  /**
   * A group message: the list is refreshed, a reply's quote kept, and a notification shown when the group is not
   * on screen, unless the group is muted and the message does not mention us.
   */
  private onGroupMessage (e: GroupMessageEvent): void {
    void this.refreshConversations()
    if (e.quoteId != null) void this.groups.rememberQuote(e.group, e.id, e.quoteId)
    this.loadContact(e.from)
    const open = this.route.name === 'group' && this.route.id === e.group
    if (document.visibilityState === 'hidden' || !open) {
      notifyGroupMessage(e.group, `${this.displayName(e.from)} @ ${this.groups.name(e.group)}`, this.previewText(e), { muted: this.groups.isMuted(e.group), mentioned: e.mentioned },
        () => this.go({ name: 'group', id: e.group }))
    }
  }

  /** A message as a line of text: its text, or for a file without a caption what kind of file it is ("📷 Photo"). */
  previewText (m: { text: string, attachment?: string }): string {
    if (m.text !== '' || m.attachment == null) return m.text
    const kind = this.parley.media.info(m)?.kind
    return kind != null ? KIND_LABEL[kind] : m.text
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

  private setRemoved (): void {
    if (this.removed) return
    this.removed = true
    this.registered = false
    this.changed()
  }

  /**
   * Looks our own record up (the SDK wipes this device when the record says it was removed), when the account
   * has other devices (`always`: at start) and the last look is DEVICE_CHECK_MIN_MS old. Best effort.
   */
  checkDevices (always = false): void {
    if (!this.registered || this.removed || this.stopped) return
    const now = Date.now()
    if (now - this.deviceCheckAt < DEVICE_CHECK_MIN_MS) return
    this.deviceCheckAt = now
    void (async () => {
      if (!always && (await this.parley.devices()).length < 2) return
      await this.parley.devices({ refresh: true, signal: AbortSignal.timeout(DEVICE_CHECK_MS) })
    })().catch(err => { if (err instanceof DeviceRemovedError) this.setRemoved() })
  }

  /** Hidden for AWAY_AFTER_HIDDEN_MS: tell contacts we are offline; visible again: online. Best effort, like all presence. */
  private onVisibility (): void {
    if (this.stopped) return
    if (document.visibilityState === 'visible') this.checkDevices()
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
    if (this.awayTimer != null) clearTimeout(this.awayTimer)
    if (this.deviceTimer != null) clearInterval(this.deviceTimer)
    for (const t of this.timers) clearTimeout(t)
    for (const v of this.contactViews.values()) if (v.photoUrl != null) URL.revokeObjectURL(v.photoUrl)
    this.media.stop()
    this.calls.stop()
    await this.parley.stop()
  }
}
