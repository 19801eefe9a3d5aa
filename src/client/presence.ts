/** Opt-in presence for the facade: whether we share ours (persisted), telling recent contacts when we come and go, and the last presence each contact told us (kept only while we share ours). Knows nothing of transports or encryption: it sends through a callback. */
import type { AbortOptions } from '@libp2p/interface'
import type { KeyValueStore } from '../storage/index.js'

/** Contacts told about our presence: the most recent conversations only, so a device with thousands of chats does not dial them all at start. */
const PRESENCE_MAX_CONTACTS = 50
/** Only conversations active within this window count as recent (a chat from last year does not need to know we are online). */
const PRESENCE_RECENT_MS = 30 * 24 * 60 * 60_000
/** Contacts dialled at once when announcing: each send may dial a device (up to 5 s), so a few in parallel bound the total time. */
const PRESENCE_SEND_CONCURRENCY = 8
/** Longest an announcement round may take (online at start, setPresence); the rest is skipped, it is best effort. */
const PRESENCE_ANNOUNCE_TIMEOUT_MS = 20_000
/** Longest stop() waits for the "offline" round: shutting down must not hang on unreachable contacts. */
const PRESENCE_STOP_TIMEOUT_MS = 3_000

const SHARE_KEY = 'share'

/** What a contact last told us. */
export interface PresenceInfo {
  online: boolean
  /** ms since the epoch (the contact's clock) when it went offline */
  lastSeen?: number
}

export interface PresenceInit {
  /** where the share choice is kept (`storage.kv('presence')`) */
  store: KeyValueStore
  /** share until the user chose otherwise */
  defaultShare: boolean
  now: () => number
  /** the addresses of the most recent conversations updated since `since`, newest first */
  recentContacts: (limit: number, since: number, options?: AbortOptions) => Promise<string[]>
  /** sends one presence, ephemeral; true when a device of the contact took it. `answer`: the reply to the contact's announcement. */
  send: (to: string, online: boolean, lastSeen: number | undefined, options: AbortOptions & { answer?: boolean }) => Promise<boolean>
  onError?: (err: unknown) => void
}

export class Presence {
  private share = false
  private online = true
  private running = false
  /** contacts told "online" since we last went offline: they get our "offline" too, others need not */
  private readonly told = new Set<string>()
  private readonly known = new Map<string, PresenceInfo>()
  private readonly controller = new AbortController()

  constructor (private readonly init: PresenceInit) {}

  /** Reads the stored choice (the default when the user never chose). */
  async load (options?: AbortOptions): Promise<void> {
    const stored = await this.init.store.get(SHARE_KEY, options)
    this.share = stored == null ? this.init.defaultShare : stored[0] === 1
  }

  get sharing (): boolean {
    return this.share
  }

  /** Messaging runs: tell recent contacts we are online (when sharing). Does not wait for the round. */
  start (): void {
    this.running = true
    if (this.share && this.online) this.background(true)
  }

  /** Persists the choice (synced). On: announce "online". Off: contacts we told "online" hear "offline" (without a time), and what they told us is forgotten. */
  async setShare (on: boolean, options?: AbortOptions): Promise<void> {
    await this.init.store.put(SHARE_KEY, Uint8Array.of(on ? 1 : 0), { ...options, sync: true })
    const was = this.share
    this.share = on
    if (on === was) return
    if (on) {
      if (this.running && this.online) await this.announce(true, undefined, PRESENCE_ANNOUNCE_TIMEOUT_MS, options)
      return
    }
    this.known.clear()
    await this.announce(false, undefined, PRESENCE_ANNOUNCE_TIMEOUT_MS, options, [...this.told])
  }

  /** We are (not) online now; contacts hear it when we share. Resolves with how many contacts took it. */
  async setOnline (online: boolean, options?: AbortOptions): Promise<number> {
    this.online = online
    if (!this.share || !this.running) return 0
    return await this.announce(online, online ? undefined : this.init.now(), PRESENCE_ANNOUNCE_TIMEOUT_MS, options)
  }

  /**
   * A contact told us its presence. Kept and reported (true) only while we share ours (the WhatsApp rule:
   * no peeking without showing). A contact announcing it is online (it started, came back, or just began
   * sharing) is answered with ours, since it may know nothing of us; answers are not answered again.
   */
  received (from: string, info: PresenceInfo, answer = false): boolean {
    if (!this.share) return false
    this.known.set(from, info.online ? { online: true } : { online: false, ...(info.lastSeen != null ? { lastSeen: info.lastSeen } : {}) })
    if (info.online && !answer && this.online && this.running) {
      this.sendOne(from, true, undefined, { signal: this.controller.signal, answer: true }).catch(err => this.init.onError?.(err))
    }
    return true
  }

  /** What the contact last told us, while we share ours; undefined otherwise. */
  presenceOf (address: string): PresenceInfo | undefined {
    if (!this.share) return undefined
    const p = this.known.get(address)
    return p == null ? undefined : { ...p }
  }

  /** Messaging stops: contacts we told "online" hear "offline" with the time, within PRESENCE_STOP_TIMEOUT_MS. */
  async stop (): Promise<void> {
    const tell = this.share && this.online && this.running
    this.running = false
    if (tell) await this.announce(false, this.init.now(), PRESENCE_STOP_TIMEOUT_MS, {}).catch(err => this.init.onError?.(err))
    this.controller.abort()
  }

  private background (online: boolean): void {
    this.announce(online, undefined, PRESENCE_ANNOUNCE_TIMEOUT_MS, {}).catch(err => this.init.onError?.(err))
  }

  /** Sends to the recent contacts (or `to`), a few at once, within `timeout`; resolves with how many took it. */
  private async announce (online: boolean, lastSeen: number | undefined, timeout: number, options: AbortOptions = {}, to?: string[]): Promise<number> {
    const signal = AbortSignal.any([AbortSignal.timeout(timeout), this.controller.signal, ...(options.signal != null ? [options.signal] : [])])
    const contacts = to ?? await this.init.recentContacts(PRESENCE_MAX_CONTACTS, this.init.now() - PRESENCE_RECENT_MS, { signal })
    const queue = [...contacts]
    let taken = 0
    await Promise.all(Array.from({ length: Math.min(PRESENCE_SEND_CONCURRENCY, queue.length) }, async () => {
      for (let c = queue.shift(); c != null && !signal.aborted; c = queue.shift()) {
        if (await this.sendOne(c, online, lastSeen, { signal }).catch(() => false)) taken++
      }
    }))
    return taken
  }

  private async sendOne (to: string, online: boolean, lastSeen: number | undefined, options: AbortOptions & { answer?: boolean }): Promise<boolean> {
    const took = await this.init.send(to, online, lastSeen, options)
    if (online && took) this.told.add(to)
    if (!online) this.told.delete(to)
    return took
  }
}
