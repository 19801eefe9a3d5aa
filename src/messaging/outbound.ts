/** Delivers the outbox: per recipient, in order, encrypt for each device and send direct when the device answers, else deposit at every mailbox relay; retry with backoff across restarts; fail after the TTL. Knows nothing of the UI or of how entries got into the outbox. */
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { decodePreKeyBundle } from '../crypto/index.js'
import { fetchPreKeyBundle } from '../protocols/prekeys/index.js'
import { openDirectChannel, newestConnection, DIRECT_DIAL_TIMEOUT_MS, type DirectChannel } from '../protocols/dm/index.js'
import { depositEnvelopes, RateLimitedError } from '../protocols/mailbox/index.js'
import { RestoredSessionError, StaleSessionError, sameAddress, type DeviceAddress, type SessionManager } from '../session/index.js'
import { SyncGroup, toHex, type StoreOptions, type KeyValueBatchOperation, type KeyValueStore, type MessageStatus, type OutboxEntry, type OutboxStore } from '../storage/index.js'
import type { DialingNode } from '../protocols/request-response.js'
import type { PeerId } from '@libp2p/interface'
import { sealFor, type EnvelopeParty } from './envelope.js'
import { IdentityNotAcceptedError, NotOnParleyError, UnverifiedNumberError } from './errors.js'
import type { Recipient, RecipientDevice, Recipients } from './recipients.js'
import type { DepositIdentity } from './deposit-identity.js'
import { backoff } from '../util/backoff.js'

/** First retry after a failed attempt; doubles per attempt up to RETRY_MAX_MS. */
export const RETRY_MIN_MS = 1_000
/** Longest wait between attempts: a recipient coming back online gets its mail within minutes. */
export const RETRY_MAX_MS = 5 * 60_000
/** Entries taken from the outbox per pass: bounds memory when thousands wait. */
const OUTBOX_BATCH = 500
/** Recipients served at once per pass. */
const RECIPIENT_CONCURRENCY = 8
/** After a device did not answer a direct dial, mail goes to its relays without trying it again for this long. */
export const DIRECT_RETRY_AFTER_MS = 60_000
/**
 * Ephemeral sends (typing, presence) have no mailbox to fall back on, so they try a device that did not
 * answer again soon: after this long, doubling per failed dial up to EPHEMERAL_RETRY_MAX_MS. A dial that
 * failed on a loaded machine then costs a typing indicator a few seconds, not a minute.
 */
export const EPHEMERAL_RETRY_MIN_MS = 2_000
/** Longest pause between ephemeral dials to a device that keeps not answering (the outbox's direct pause). */
const EPHEMERAL_RETRY_MAX_MS = DIRECT_RETRY_AFTER_MS

export interface OutboundInit {
  node: DialingNode
  outbox: OutboxStore
  /**
   * Envelopes already encrypted for an entry and device (`<id>/<device key>`), reused by every retry: the
   * ratchet advances once per message and device, however often delivery is retried, so a long outage
   * never pushes the recipient past MAX_FORWARD_JUMP.
   */
  sealed: KeyValueStore
  sessions: SessionManager
  recipients: Recipients
  /** our identity, certificate and sessions; undefined while not registered (nothing is sent then) */
  party: () => Promise<EnvelopeParty | undefined>
  /** this device's own address: never a recipient (what goes to our own number goes to our other devices) */
  self?: DeviceAddress
  now: () => number
  /** an outgoing text changed status (sent / failed) */
  onStatus: (conversation: string, id: string, status: MessageStatus, options?: StoreOptions) => Promise<void>
  /** an entry of another kind (receipt, profile) left the outbox: every device took it ('sent') or its TTL passed ('failed') */
  onSettled?: (entry: OutboxEntry, status: 'sent' | 'failed', options?: StoreOptions) => Promise<void>
  onError?: (err: unknown) => void
  /** the short-lived identity mailbox deposits leave from (sealed sender in fact); without it they leave from `node` */
  depositIdentity?: DepositIdentity
  /** the delivery token the owner of this identity key gave us, if any: deposits to it then get the full quota */
  deliveryToken?: (identityKey: Uint8Array, options?: StoreOptions) => Promise<Uint8Array | undefined>
  /**
   * more addresses of a mailbox relay than the recipient's record names (those our own node knows for its peer
   * id): the deposit identity has no connection to reuse, and a browser cannot dial the TCP address a Node
   * recipient published, only the relay's WebSocket one
   */
  relayAddresses?: (relay: Multiaddr, options?: StoreOptions) => Promise<Multiaddr[]>
  /**
   * Rejects with IdentityNotAcceptedError while the user must accept the recipient's new identity key
   * first: its entries stay queued, not encrypted to that key, until then (see release).
   */
  accepted?: (to: string, identityKey: Uint8Array, options?: StoreOptions) => Promise<void>
}

/** Errors of recipient resolution that hold entries back quietly: retried later, failed at their TTL. */
const held = (err: unknown): boolean => err instanceof NotOnParleyError || err instanceof UnverifiedNumberError || err instanceof IdentityNotAcceptedError

interface Direct { channel?: DirectChannel, failedAt?: number }
/** An ephemeral channel may run over a limited (relayed) connection; `failures` grows the pause between dials. */
interface Ephemeral { channel?: DirectChannel, dialing?: Promise<DirectChannel | undefined>, retryAt?: number, failures: number }

export class Outbound {
  private timer?: ReturnType<typeof setTimeout>
  private running?: Promise<void>
  private again = false
  private stopped = false
  private readonly direct = new Map<string, Direct>()
  /** channels for typing/presence only: never used for texts, which must not ride a relay's limited circuit */
  private readonly ephemeral = new Map<string, Ephemeral>()
  /** recipients with entries backing off: later entries wait for them, so nothing overtakes (per-sender order) */
  private readonly waitingUntil = new Map<string, number>()
  private readonly controller = new AbortController()

  constructor (private readonly init: OutboundInit) {}

  /** Asks for a delivery pass now (new entries, a device came online). */
  wake (): void {
    if (this.stopped) return
    if (this.running != null) {
      this.again = true
      return
    }
    if (this.timer != null) clearTimeout(this.timer)
    this.timer = undefined
    this.running = this.pass()
      .catch(err => this.init.onError?.(err))
      .finally(() => {
        this.running = undefined
        if (this.again) {
          this.again = false
          this.wake()
        } else {
          this.scheduleNext().catch(err => this.init.onError?.(err))
        }
      })
  }

  /** Resolves when no pass is running (for orderly shutdown and tests). */
  async idle (): Promise<void> {
    while (this.running != null) await this.running
  }

  private async scheduleNext (): Promise<void> {
    if (this.stopped) return
    const [next] = await this.init.outbox.due(Number.MAX_SAFE_INTEGER, 1)
    if (next == null || this.stopped || this.running != null) return
    const wait = Math.max(0, next.nextAttemptAt - this.init.now())
    if (this.timer != null) clearTimeout(this.timer)
    this.timer = setTimeout(() => { this.timer = undefined; this.wake() }, wait)
    if (typeof this.timer === 'object' && 'unref' in this.timer) this.timer.unref()
  }

  private async pass (): Promise<void> {
    const party = await this.init.party()
    if (party == null) return
    const signal = this.controller.signal
    for (;;) {
      const due = await this.init.outbox.due(this.init.now(), OUTBOX_BATCH, { signal })
      if (due.length === 0 || this.stopped) return
      const groups = new Map<string, OutboxEntry[]>()
      for (const e of due) groups.set(e.to, [...(groups.get(e.to) ?? []), e])
      const queue = [...groups.entries()]
      await Promise.all(Array.from({ length: Math.min(RECIPIENT_CONCURRENCY, queue.length) }, async () => {
        for (let g = queue.shift(); g != null; g = queue.shift()) {
          const [to, entries] = g
          entries.sort((a, b) => a.createdAt - b.createdAt)
          await this.deliver(party, to, entries, { signal }).catch(err => this.init.onError?.(err))
        }
      }))
      if (due.length < OUTBOX_BATCH) return
    }
  }

  /**
   * One recipient's due entries, oldest first. The bookkeeping writes of the attempt (outbox deletes and
   * re-puts, sealed clean-up, statuses) share one SyncGroup: one fsync at the end instead of one per entry.
   * Losing them in a crash only repeats work (a resend the recipient dedups, an earlier retry).
   */
  private async deliver (party: EnvelopeParty, to: string, entries: OutboxEntry[], options: StoreOptions): Promise<void> {
    const group = new SyncGroup()
    try {
      await this.deliverGrouped(party, to, entries, { ...options, syncGroup: group })
    } finally {
      await group.flush(options)
    }
  }

  private async deliverGrouped (party: EnvelopeParty, to: string, entries: OutboxEntry[], options: StoreOptions): Promise<void> {
    const now = this.init.now()
    const live: OutboxEntry[] = []
    for (const e of entries) {
      if (now >= e.expiresAt) await this.finish(e, 'failed', options)
      else live.push(e)
    }
    if (live.length === 0) return
    const wait = this.waitingUntil.get(to)
    if (wait != null && wait > now && live.some(e => e.nextAttemptAt < wait)) {
      for (const e of live) if (e.nextAttemptAt < wait) await this.init.outbox.put({ ...e, nextAttemptAt: wait }, options)
      return
    }
    let recipient: Recipient
    try {
      recipient = this.withoutSelf(await this.init.recipients.resolve(to, options))
      await this.init.accepted?.(to, recipient.identityKey, options)
    } catch (err) {
      // not on Parley any more, no record a trusted verifier attested, a new key the user has not accepted,
      // or the directory cannot be reached: try again later, fail at the TTL
      if (!held(err)) this.init.onError?.(err)
      await this.retry(live, undefined, options)
      return
    }

    // devices each entry still waits for (a device added since the entry was written gets it too); an entry
    // that waited only for devices of another identity (the number's key changed) waits for all current ones
    const owner = `${toHex(recipient.identityKey)}.`
    const waitsFor = (e: OutboxEntry): string[] => e.pendingDevices != null && e.pendingDevices.some(k => k.startsWith(owner)) ? e.pendingDevices : recipient.devices.map(d => d.key)
    const pending = new Map<string, Set<string>>(live.map(e => [e.id, new Set(waitsFor(e))]))
    let retryAfter: number | undefined
    // the recipient's devices are served side by side (linked devices: up to six), each in its own order
    await Promise.all(recipient.devices.map(async device => {
      const mine = live.filter(e => pending.get(e.id)!.has(device.key))
      if (mine.length === 0) return
      try {
        const acked = await this.deliverToDevice(party, recipient, device, mine, options)
        for (const id of acked.ids) pending.get(id)!.delete(device.key)
        if (acked.retryAfterMs != null) retryAfter = Math.max(retryAfter ?? 0, acked.retryAfterMs)
      } catch (err) {
        options.signal?.throwIfAborted()
        this.init.onError?.(err)
      }
    }))
    // devices no longer in the record are not waited for
    const current = new Set(recipient.devices.map(d => d.key))
    const unfinished: OutboxEntry[] = []
    for (const e of live) {
      const left = [...pending.get(e.id)!].filter(k => current.has(k))
      if (left.length === 0) await this.finish(e, 'sent', options)
      else unfinished.push({ ...e, pendingDevices: left })
    }
    if (unfinished.length > 0) {
      this.init.recipients.forget(to)
      await this.retry(unfinished, retryAfter, options)
    } else {
      this.waitingUntil.delete(to)
    }
  }

  /**
   * The status first, the outbox entry last: a crash in between leaves the entry, which is tried again (a
   * copy the recipient drops as a duplicate), never a pending text with no entry (stuck on the clock).
   */
  private async finish (e: OutboxEntry, status: 'sent' | 'failed', options: StoreOptions): Promise<void> {
    if (e.kind === 'message') await this.init.onStatus(e.to, e.id, status, options)
    else await this.init.onSettled?.(e, status, options)
    await this.dropSealed(e.id, options)
    await this.init.outbox.delete(e.id, options)
  }

  /** Deletes the sealed copies of entry `id` (one per device), with the options' sync group when given. */
  private async dropSealed (id: string, options: StoreOptions): Promise<void> {
    const ops: KeyValueBatchOperation[] = []
    for await (const { key } of this.init.sealed.iterate({ prefix: `${id}/` }, options)) ops.push({ type: 'del', key })
    if (ops.length > 0) await this.init.sealed.batch(ops, options)
  }

  /**
   * A contact lost the session our queued entries to it were sealed on (it asked for a resend): drops their
   * sealed copies so the next pass encrypts them again on the newest session, and makes them due now.
   * Returns the ids of the entries still queued for `to`.
   */
  async reseal (to: string, options: StoreOptions = {}): Promise<string[]> {
    const entries = (await this.init.outbox.list(options)).filter(e => e.to === to)
    const group = new SyncGroup()
    const grouped = { ...options, syncGroup: group }
    for (const e of entries) {
      await this.dropSealed(e.id, grouped)
      await this.init.outbox.put({ ...e, nextAttemptAt: Math.min(e.nextAttemptAt, this.init.now()) }, grouped)
    }
    await group.flush(options)
    this.waitingUntil.delete(to)
    return entries.map(e => e.id)
  }

  /** Entries held for `to` (a new key the user has now accepted) are due now. */
  async release (to: string, options: StoreOptions = {}): Promise<void> {
    const group = new SyncGroup()
    for (const e of (await this.init.outbox.list(options)).filter(e => e.to === to)) {
      await this.init.outbox.put({ ...e, nextAttemptAt: Math.min(e.nextAttemptAt, this.init.now()) }, { ...options, syncGroup: group })
    }
    await group.flush(options)
    this.waitingUntil.delete(to)
    this.wake()
  }

  /** Backs the entries off; one recipient's entries all wait for the same time, so the oldest go first again. */
  private async retry (entries: OutboxEntry[], retryAfterMs: number | undefined, options: StoreOptions): Promise<void> {
    if (entries.length === 0) return
    const attempts = Math.max(...entries.map(e => e.attempts))
    const wait = backoff(attempts, { minMs: RETRY_MIN_MS, maxMs: RETRY_MAX_MS })
    const at = this.init.now() + Math.max(wait, retryAfterMs ?? 0)
    this.waitingUntil.set(entries[0].to, at)
    for (const e of entries) await this.init.outbox.put({ ...e, attempts: e.attempts + 1, nextAttemptAt: at }, options)
  }

  /** Encrypts the entries for one device (in order) and sends them direct, the rest to the relays; returns the ids acknowledged. */
  private async deliverToDevice (party: EnvelopeParty, recipient: Recipient, device: RecipientDevice, entries: OutboxEntry[], options: StoreOptions): Promise<{ ids: string[], retryAfterMs?: number }> {
    const { sealed } = this.init
    // the dial (a first contact's new connection) runs while the envelopes are sealed and synced; nothing is
    // sent on it before they are stored
    const reaching = this.channelTo(device, options)
    reaching.catch(() => {})
    // the ratchet steps of this device's new envelopes and the sealed copies: one sync before anything leaves
    const seal = new SyncGroup()
    const sealing = { ...options, syncGroup: seal }
    const envelopes: Uint8Array[] = []
    const fresh: KeyValueBatchOperation[] = []
    for (const e of entries) {
      const key = `${e.id}/${device.key}`
      let envelope = await sealed.get(key, options)
      if (envelope == null) {
        if (fresh.length === 0) await this.ensureSession(recipient, device, options)
        try {
          envelope = await sealFor(party, device.address, e.payload, sealing)
        } catch (err) {
          // no reply for too long, or only sessions restored from a backup (decrypt only): start a new one
          if (!(err instanceof StaleSessionError) && !(err instanceof RestoredSessionError)) throw err
          await this.ensureSession(recipient, device, { ...options, fresh: true })
          envelope = await sealFor(party, device.address, e.payload, sealing)
        }
        fresh.push({ type: 'put', key, value: envelope })
      }
      envelopes.push(envelope)
    }
    // stored before anything leaves: a crash after sending must not make a retry encrypt again. A crash
    // before this sync loses ratchet steps whose envelopes never left: nothing was sent with those keys.
    if (fresh.length > 0) await sealed.batch(fresh, { ...sealing, sync: true })
    await seal.flush(options)
    const acked = new Set<number>()
    const channel = await reaching
    if (channel != null) {
      const results = await Promise.all(envelopes.map(async (env, i) => await channel.send(env, options).then(r => ({ i, ok: r.status === 'ok' }), () => ({ i, ok: false }))))
      for (const r of results) if (r.ok) acked.add(r.i)
      if (acked.size < envelopes.length) this.markDirectFailed(device, channel)
    }
    let retryAfterMs: number | undefined
    const rest = envelopes.map((env, i) => ({ env, i })).filter(x => !acked.has(x.i))
    if (rest.length > 0) {
      // every relay gets a copy (the recipient dedups); one synced copy anywhere is enough to call it sent.
      // Deposits leave from the short-lived deposit identity, never from our device's peer id, with a proof
      // of the recipient's delivery token when it gave us one
      const deliveryToken = await this.init.deliveryToken?.(device.address.identityKey, options)
      const deposits = rest.map(x => ({ owner: device.address.identityKey, deviceId: device.address.deviceId, envelope: x.env, ...(deliveryToken != null ? { deliveryToken } : {}) }))
      const identity = this.init.depositIdentity
      const depositAll = async (node: DialingNode): Promise<void> => { await Promise.all(recipient.mailboxRelays.map(async relay => {
        try {
          const results = await depositEnvelopes(node, await this.depositTarget(relay, options), deposits, options)
          results.forEach((r, k) => {
            if (r.status === 'ok') acked.add(rest[k].i)
            else if (r.status === 'refused' && r.error instanceof RateLimitedError) retryAfterMs = Math.max(retryAfterMs ?? 0, r.error.retryAfterMs)
          })
        } catch (err) {
          options.signal?.throwIfAborted()
          this.init.onError?.(err)
        }
      })) }
      try {
        if (identity != null) await identity.use(depositAll, options)
        else await depositAll(this.init.node)
      } catch (err) {
        // no deposit identity could be made: nothing was deposited, the entries are retried
        options.signal?.throwIfAborted()
        this.init.onError?.(err)
      }
    }
    return { ids: entries.filter((_, i) => acked.has(i)).map(e => e.id), ...(retryAfterMs != null ? { retryAfterMs } : {}) }
  }

  /** The recipient's devices but this one (our own number's record lists us too). */
  private withoutSelf (recipient: Recipient): Recipient {
    const self = this.init.self
    if (self == null) return recipient
    return { ...recipient, devices: recipient.devices.filter(d => !sameAddress(d.address, self)) }
  }

  /** The relay's address from the record first (its peer id names the relay for the proofs), then others we know for it. */
  private async depositTarget (relay: string, options: StoreOptions): Promise<Multiaddr[]> {
    const named = multiaddr(relay)
    const known = await this.init.relayAddresses?.(named, options).catch(() => []) ?? []
    const out = [named]
    const seen = new Set([named.toString()])
    for (const a of known) {
      if (seen.has(a.toString())) continue
      seen.add(a.toString())
      out.push(a)
    }
    return out
  }

  /** A session with the device: a bundle with one-time keys from its relays, else the directory's last-resort bundle. */
  private async ensureSession (recipient: Recipient, device: RecipientDevice, options: StoreOptions & { fresh?: boolean }): Promise<void> {
    const { sessions } = this.init
    if (options.fresh !== true && await sessions.hasSession(device.address, options)) return
    for (const relay of recipient.mailboxRelays) {
      try {
        // this device's bundle: the relay keeps one per device (a bundle of another device is a ProtocolViolationError)
        const bundle = await fetchPreKeyBundle(this.init.node, multiaddr(relay), recipient.identityKey, { ...options, deviceId: device.address.deviceId })
        await sessions.processPreKeyBundle(device.address, bundle, options)
        return
      } catch (err) {
        options.signal?.throwIfAborted()
        this.init.onError?.(err)
      }
    }
    const bundle = decodePreKeyBundle(device.prekeyBundle)
    await sessions.processPreKeyBundle(device.address, bundle, options)
  }

  /** The channel a pass used did not take everything: drop it and pause direct sends, unless a newer channel replaced it meanwhile. */
  private markDirectFailed (device: RecipientDevice, channel: DirectChannel): void {
    channel.abort()
    if (this.direct.get(device.key)?.channel !== channel) return
    this.direct.set(device.key, { failedAt: this.init.now() })
  }

  /**
   * A cached channel still usable, or undefined. One on an older connection than the newest to the device is
   * dropped: the device came back over a new connection (a reloaded page, a new network) and the old one may
   * be dead without knowing it yet, so a receipt written there would wait for it to time out. An idle one is
   * aborted at once (a graceful close would wait on the dead link too); one with sends in flight is closed
   * so they can still be answered.
   */
  private current (channel: DirectChannel | undefined, peerId: PeerId, limited: boolean): DirectChannel | undefined {
    if (channel == null || channel.closed) return undefined
    const newest = newestConnection(this.init.node, peerId, { runOnLimitedConnection: limited })
    if (newest == null || channel.connectionId == null || newest.id === channel.connectionId) return channel
    if (channel.inFlight === 0) channel.abort()
    else channel.close().catch(() => { channel.abort() })
    return undefined
  }

  /** An open channel to the device, or undefined when it is not reachable now (then relays take the mail). */
  private async channelTo (device: RecipientDevice, options: StoreOptions): Promise<DirectChannel | undefined> {
    if (device.peerId == null) return undefined
    const d = this.direct.get(device.key)
    const cached = this.current(d?.channel, device.peerId, false)
    if (cached != null) return cached
    if (d?.failedAt != null && this.init.now() - d.failedAt < DIRECT_RETRY_AFTER_MS) return undefined
    try {
      const channel = await openDirectChannel(this.init.node, device.peerId, { ...options, dialTimeout: DIRECT_DIAL_TIMEOUT_MS })
      this.direct.set(device.key, { channel })
      return channel
    } catch {
      options.signal?.throwIfAborted()
      this.direct.set(device.key, { failedAt: this.init.now() })
      return undefined
    }
  }

  /**
   * Best effort, never stored: straight to each reachable device we can encrypt for (typing, presence).
   * True when one took it. Uses the outbox's direct channel when one is open, else a channel of its own
   * that may run over a relay's limited circuit (a few small frames; texts never go that way). A device
   * that did not answer is dialled again after EPHEMERAL_RETRY_MIN_MS, doubling up to EPHEMERAL_RETRY_MAX_MS.
   * Devices whose sessions all came from a backup are skipped: the first text starts a new session.
   */
  async sendEphemeral (to: string, payload: Uint8Array, options: StoreOptions = {}): Promise<boolean> {
    const party = await this.init.party()
    if (party == null) return false
    const recipient = this.withoutSelf(await this.init.recipients.resolve(to, options))
    try {
      await this.init.accepted?.(to, recipient.identityKey, options)
    } catch {
      return false
    }
    let taken = false
    for (const device of recipient.devices) {
      if (!await this.init.sessions.canEncrypt(device.address, options)) continue
      const channel = await this.ephemeralChannelTo(device, options)
      if (channel == null) continue
      try {
        const r = await channel.send(await sealFor(party, device.address, payload, options), options)
        taken ||= r.status === 'ok'
      } catch {
        options.signal?.throwIfAborted()
        channel.abort()
        this.markEphemeralFailed(device)
      }
    }
    return taken
  }

  /** The outbox's open direct channel, else an ephemeral one (limited connections allowed), else undefined while backing off. */
  private async ephemeralChannelTo (device: RecipientDevice, options: StoreOptions): Promise<DirectChannel | undefined> {
    if (device.peerId == null) return undefined
    const direct = this.current(this.direct.get(device.key)?.channel, device.peerId, false)
    if (direct != null) return direct
    const e = this.ephemeral.get(device.key) ?? { failures: 0 }
    this.ephemeral.set(device.key, e)
    const cached = this.current(e.channel, device.peerId, true)
    if (cached != null) return cached
    e.channel = undefined
    if (e.dialing != null) return await e.dialing
    if (e.retryAt != null && this.init.now() < e.retryAt) return undefined
    const peerId = device.peerId
    e.dialing = (async () => {
      try {
        const channel = await openDirectChannel(this.init.node, peerId, { ...options, dialTimeout: DIRECT_DIAL_TIMEOUT_MS, runOnLimitedConnection: true })
        this.ephemeral.set(device.key, { channel, failures: 0 })
        return channel
      } catch {
        options.signal?.throwIfAborted()
        this.markEphemeralFailed(device)
        return undefined
      }
    })()
    try {
      return await e.dialing
    } finally {
      e.dialing = undefined
    }
  }

  private markEphemeralFailed (device: RecipientDevice): void {
    const e = this.ephemeral.get(device.key)
    const failures = (e?.failures ?? 0) + 1
    const pause = backoff(failures - 1, { minMs: EPHEMERAL_RETRY_MIN_MS, maxMs: EPHEMERAL_RETRY_MAX_MS })
    this.ephemeral.set(device.key, { failures, retryAt: this.init.now() + pause })
  }

  /** A device reached us (it sent something): try it directly again at the next pass. */
  deviceSeen (key: string): void {
    const d = this.direct.get(key)
    if (d?.failedAt != null) this.direct.delete(key)
    const e = this.ephemeral.get(key)
    if (e?.retryAt != null) this.ephemeral.delete(key)
  }

  async stop (): Promise<void> {
    this.stopped = true
    if (this.timer != null) clearTimeout(this.timer)
    this.controller.abort()
    await this.running?.catch(() => {})
    for (const d of [...this.direct.values(), ...this.ephemeral.values()]) await d.channel?.close().catch(() => d.channel?.abort())
    this.direct.clear()
    this.ephemeral.clear()
    await this.init.depositIdentity?.stop()
  }
}
