/** The SDK's calls (`p.calls`): places 1:1 calls, takes the signals the 1:1 sessions carry (rings, answers, candidates, hang-ups) and routes them to their call, answers "busy" while in a call, keeps the call log. Knows no libp2p node or session: signals leave through `send`, WebRTC comes in through `peerConnection`. */
import { fromHex, toHex } from '../crypto/bytes.js'
import type { RandomSource } from '../crypto/deps.js'
import { Emitter } from '../messaging/emitter.js'
import type { KeyValueStore, StoreOptions } from '../storage/index.js'
import type { AbortOptions } from '@libp2p/interface'
import { Call, type CallMedia } from './call.js'
import { CALL_ID_BYTES, HANGUP_TTL_MS, STALE_OFFER_MS } from './constants.js'
import { CallStateError, CallsUnavailableError, InvalidCallSignalError } from './errors.js'
import { CallLog, type CallOutcome, type CallRecord } from './log.js'
import { decodeSignal, encodeSignal, signal, type CallSignal, type HangupReason, type ParticipantRef } from './signal.js'
import { GroupCall, type FrameKeys, type GroupCallInit } from './group-call.js'

/** The sender of a signal as the 1:1 session proved it. */
export interface SignalSender {
  identityKey: Uint8Array
  deviceId: number
}

export interface CallsInit {
  /** sends signal bytes to every device of `to` through the 1:1 sessions (outbox, direct first, relays for offline devices) */
  send: (to: string, signal: Uint8Array, options: StoreOptions & { ttlMs: number }) => Promise<unknown>
  /** the call log's store */
  kv: KeyValueStore
  /** WebRTC: a new RTCPeerConnection; absent, calls are unavailable here (rings are logged as missed) */
  peerConnection?: (config: RTCConfiguration) => RTCPeerConnection
  /** ICE servers (STUN, and TURN with short-lived credentials from our relays) for a new call */
  iceServers?: (options?: AbortOptions) => Promise<RTCIceServer[]>
  /** 'relay' forces every call through TURN (privacy: the peer never sees our address; tests) @default 'all' */
  iceTransportPolicy?: RTCIceTransportPolicy
  /** this device's id in our account (a signal naming another device of ours is not for us) */
  deviceId: number
  normalize: (phone: string) => string
  now: () => number
  random: RandomSource
  /** group calls: who is in a group (absent: group calls are unavailable and their rings dropped) */
  groups?: CallGroups
  /** group calls' frame encryption (SFrame through RTCRtpScriptTransform in a browser); absent: group calls are unavailable */
  frames?: () => FrameKeys
  /** our number (group calls name their participants) */
  self?: (options?: AbortOptions) => Promise<string | undefined>
}

/** What the call layer asks the group layer. */
export interface CallGroups {
  /** whether `phone` with `identityKey` is an active member of the group (hex id), as our copy of its state says */
  isMember: (groupId: string, phone: string, identityKey: Uint8Array, options?: AbortOptions) => Promise<boolean>
  /** the group's other members' numbers, when we are an active member (else undefined) */
  others: (groupId: string, options?: AbortOptions) => Promise<string[] | undefined>
}

export interface CallsEvents {
  /** a call rings here: `accept` or `decline` it */
  incoming: Call
  /** a group call rings here: `join` or `decline` it */
  'incoming-group': GroupCall
  /** a call's log record changed (placed, rang, connected, ended) */
  record: CallRecord
  error: unknown
}

/** Rings held for an app that has not listened yet: one rings at a time, the rest answer busy; a few for races. */
const MAX_HELD_RINGS = 4

/** How a call's end reason reads in the log. */
function outcomeOf (call: Call): CallOutcome {
  if (call.connectedAt != null) return 'answered'
  const reason = call.endReason
  if (call.direction === 'incoming') {
    if (reason === 'declined' || reason === 'declined-elsewhere') return 'declined'
    if (reason === 'answered-elsewhere') return 'answered-elsewhere'
    return 'missed'
  }
  if (reason === 'declined' || reason === 'busy' || reason === 'no-answer' || reason === 'cancelled') return reason
  return 'failed'
}

/**
 * How an ended group call reads in the log: answered once media flowed with anyone (the starter joins at once, so
 * joining alone is not an answer); the starter's call nobody joined is 'no-answer' (it rang out) or 'cancelled'.
 */
function groupOutcomeOf (call: GroupCall): CallOutcome {
  if (call.connectedAt != null) return 'answered'
  if (call.endReason === 'declined') return 'declined'
  if (call.direction === 'outgoing') return call.endReason === 'no-answer' ? 'no-answer' : 'cancelled'
  return call.joinedAt != null ? 'failed' : 'missed'
}

export class Calls extends Emitter<CallsEvents> {
  readonly log: CallLog
  private readonly live = new Map<string, Call>()
  private readonly groupLive = new Map<string, GroupCall>()
  private started = false
  private relayOnly: boolean
  /**
   * The log writes of live calls, one after another: a call's later state never loses to an earlier write still
   * under way (a "connected" write finishing after the "ended" one left the call "ongoing"), and history() sees
   * every write begun before it was asked (a call gone from calls() is ended in the log).
   */
  private writes: Promise<void> = Promise.resolve()

  constructor (private readonly init: CallsInit) {
    super()
    this.relayOnly = init.iceTransportPolicy === 'relay'
    this.log = new CallLog(init.kv)
    // a ring fetched from the mailbox while the app starts waits for its first listener (a group call's too)
    this.holdUntilListened('incoming', MAX_HELD_RINGS)
    this.holdUntilListened('incoming-group', MAX_HELD_RINGS)
  }

  /** Whether this device can place and take calls (it has WebRTC). */
  get available (): boolean {
    return this.init.peerConnection != null
  }

  /**
   * Sends every new call through a TURN relay (`true`), so the other side never learns this device's address
   * (WhatsApp's "protect IP address in calls"), or lets ICE prefer direct paths (`false`, the default).
   */
  setRelayOnly (on: boolean): void {
    this.relayOnly = on
  }

  /** Whether new calls go only through TURN relays. */
  get relayOnlyCalls (): boolean {
    return this.relayOnly
  }

  /** Marks calls a stopped process left open as missed or failed. */
  async start (options?: StoreOptions): Promise<void> {
    if (this.started) return
    this.started = true
    for (const r of await this.log.repair(this.init.now(), options)) this.emit('record', r)
  }

  /** The calls not ended yet. */
  calls (): Call[] {
    return [...this.live.values()]
  }

  /** The group calls not ended yet (ringing or joined). */
  groupCalls (): GroupCall[] {
    return [...this.groupLive.values()]
  }

  /** Whether group calls work here: WebRTC, frame encryption and the group layer. */
  get groupCallsAvailable (): boolean {
    return this.init.peerConnection != null && this.init.frames != null && this.init.groups != null
  }

  /**
   * Starts a call in group `groupId` (hex): every device of every other member rings; those who join link to each
   * other (a full mesh of up to MAX_GROUP_CALL_PARTICIPANTS) with every frame end-to-end encrypted (SFrame).
   * CallsUnavailableError without WebRTC or frame encryption; CallStateError while in a call or when we are not a member.
   */
  async startGroupCall (groupId: string, options: { media?: CallMedia, video?: boolean } = {}): Promise<GroupCall> {
    if (!this.groupCallsAvailable) throw new CallsUnavailableError('Group calls are not available on this device.')
    if (this.busy()) throw new CallStateError('You are already in a call.')
    const others = await this.init.groups!.others(groupId)
    if (others == null) throw new CallStateError('You are not in this group.')
    const self = await this.selfRef()
    const call = this.newGroupCall({ id: this.init.random(CALL_ID_BYTES), groupId: fromHex(groupId), video: options.video ?? options.media?.video != null, startedAt: this.init.now(), initiator: self, participants: [], state: 'ringing' }, self)
    await this.recordGroup(call)
    await call.join(options.media ?? {})
    await call.ring(others)
    return call
  }

  /** The call log, newest first (one contact's with `peer`). */
  async history (options: StoreOptions & { peer?: string, limit?: number } = {}): Promise<CallRecord[]> {
    await this.writes
    return await this.log.list({ ...options, ...(options.peer != null ? { peer: this.init.normalize(options.peer) } : {}) })
  }

  /**
   * Calls `phone` (every device of it rings) with our `media`; `video` says whether it starts as a video call.
   * Resolves once the ring is on its way. CallsUnavailableError without WebRTC; CallStateError while in a call.
   */
  async place (phone: string, options: { media?: CallMedia, video?: boolean } = {}): Promise<Call> {
    if (this.init.peerConnection == null) throw new CallsUnavailableError()
    if (this.busy()) throw new CallStateError('You are already in a call.')
    const peer = this.init.normalize(phone)
    const call = this.newCall({ id: this.init.random(CALL_ID_BYTES), peer, direction: 'outgoing', video: options.video ?? options.media?.video != null, startedAt: this.init.now() })
    await this.record(call)
    try {
      await call.dial(options.media ?? {})
    } catch (err) {
      if (!call.ended) await call.hangup()
      throw err
    }
    return call
  }

  /**
   * The 1:1 sessions' hook (messaging's onCall): a signal from `from`'s device `sender`, inside the persist step of
   * its envelope. An offer's record is written with the envelope (a missed call is never lost); ringing and the
   * rest run after it is durable.
   */
  async takeSignal (from: string, sender: SignalSender, bytes: Uint8Array, options?: StoreOptions): Promise<{ taken: boolean, after?: () => void }> {
    let s: CallSignal
    try {
      s = decodeSignal(bytes)
    } catch (err) {
      this.emit('error', err instanceof InvalidCallSignalError ? err : new InvalidCallSignalError())
      return { taken: false }
    }
    // for another device of our number (the outbox gives a signal to every device; one is named)
    if (s.toDevice !== 0 && s.toDevice !== this.init.deviceId) return { taken: true }
    const id = toHex(s.callId)
    if (s.groupId != null) return await this.takeGroupSignal(from, sender, s, id, options)
    const call = this.live.get(id)
    if (call != null) {
      // only the call's peer, and once fixed only its device, speaks for the call
      if (call.peer !== from || (call.peerDevice != null && call.peerDevice !== sender.deviceId)) return { taken: true }
      return { taken: true, after: () => { call.take(s, sender.deviceId).catch(err => this.emit('error', err)) } }
    }
    if (s.type === 'offer') return await this.offered(from, sender, s, id, options)
    if (s.type === 'hangup') {
      // the end of a call whose ring never reached us (we were offline): a missed call
      const known = await this.log.get(id, options)
      if (known != null || s.reason === 'answered-elsewhere' || s.startedAt === 0) return { taken: true }
      const record: CallRecord = { id, peer: from, direction: 'incoming', video: s.video, at: this.init.now(), endedAt: this.init.now(), outcome: 'missed' }
      await this.log.put(record, options)
      return { taken: true, after: () => this.emit('record', record) }
    }
    return { taken: true }
  }

  /**
   * The group layer's news: `removed` are no longer members of group `groupId` (hex); `active` false: we are not
   * either. Calls in that group drop them at once with new keys (only members are in a group call), or end for us.
   */
  groupChanged (groupId: string, removed: string[], active: boolean): void {
    for (const call of this.groupLive.values()) {
      if (call.groupId !== groupId) continue
      if (!active) {
        call.leave().catch(err => this.emit('error', err))
        continue
      }
      if (removed.length > 0) call.expel(removed)
    }
  }

  /** Hangs up every call (the app or process stops). */
  async stop (): Promise<void> {
    for (const call of this.live.values()) await call.hangup().catch(() => {})
    for (const call of this.groupLive.values()) await call.leave().catch(() => {})
    this.live.clear()
    this.groupLive.clear()
  }

  private busy (): boolean {
    for (const c of this.live.values()) if (!c.ended) return true
    for (const c of this.groupLive.values()) if (c.state === 'joined') return true
    return false
  }

  /**
   * A group call's signal: only from a member of the group (as our copy of its state says), only for a group we are
   * in. A ring starts a ringing group call (logged with its envelope); the rest go to the call they name.
   */
  private async takeGroupSignal (from: string, sender: SignalSender, s: CallSignal, id: string, options?: StoreOptions): Promise<{ taken: boolean, after?: () => void }> {
    const groups = this.init.groups
    if (groups == null) return { taken: true }
    const groupId = toHex(s.groupId!)
    if (!(await groups.isMember(groupId, from, sender.identityKey, options))) return { taken: true }
    const ref: ParticipantRef = { phone: from, device: sender.deviceId }
    const live = this.groupLive.get(id)
    if (live != null) {
      if (live.groupId !== groupId) return { taken: true }
      return { taken: true, after: () => { live.take(s, ref).catch(err => this.emit('error', err)) } }
    }
    if (s.type !== 'group-ring' || s.participants.length === 0) return { taken: true }
    if (await this.log.get(id, options) != null) return { taken: true }
    const now = this.init.now()
    const stale = now - s.startedAt > STALE_OFFER_MS
    const ringable = !stale && !this.busy() && this.groupCallsAvailable
    const record: CallRecord = { id, peer: from, group: groupId, direction: 'incoming', video: s.video, at: now, outcome: ringable ? 'ongoing' : 'missed', ...(ringable ? {} : { endedAt: now }) }
    await this.log.put(record, options)
    return {
      taken: true,
      after: () => {
        this.emit('record', record)
        if (!ringable) return
        this.selfRef().then(self => {
          const call = this.newGroupCall({ id: s.callId, groupId: s.groupId!, video: s.video, startedAt: s.startedAt, initiator: ref, participants: [ref, ...s.participants], state: 'ringing' }, self)
          call.ringHere()
          this.emit('incoming-group', call)
        }).catch(err => this.emit('error', err))
      }
    }
  }

  private async selfRef (): Promise<ParticipantRef> {
    const phone = await this.init.self?.()
    if (phone == null) throw new CallStateError('Register this device before calling.')
    return { phone, device: this.init.deviceId }
  }

  private newGroupCall (init: GroupCallInit, self: ParticipantRef): GroupCall {
    const call: GroupCall = new GroupCall({
      self,
      peerConnection: this.init.peerConnection!,
      iceServers: async () => await this.init.iceServers?.() ?? [],
      iceTransportPolicy: this.relayOnly ? 'relay' : 'all',
      ...(this.init.frames != null ? { frames: this.init.frames } : {}),
      send: async (to, sig, ttlMs) => { await this.init.send(to, encodeSignal(sig), { ttlMs }) },
      random: this.init.random,
      now: this.init.now,
      ended: c => {
        this.groupLive.delete(c.id)
        this.recordGroup(c).catch(err => this.emit('error', err))
      },
      changed: c => { this.recordGroup(c).catch(err => this.emit('error', err)) },
      error: err => this.emit('error', err)
    }, init)
    this.groupLive.set(call.id, call)
    return call
  }

  /** Runs `write` after every log write queued before it. */
  private async queueWrite (write: () => Promise<void>): Promise<void> {
    const done = this.writes.then(write)
    this.writes = done.catch(() => {})
    await done
  }

  /** Writes a group call's record as it stands when its turn comes. */
  private async recordGroup (call: GroupCall): Promise<void> {
    await this.queueWrite(async () => await this.writeGroupRecord(call))
  }

  private async writeGroupRecord (call: GroupCall): Promise<void> {
    const known = await this.log.get(call.id)
    const outcome: CallOutcome = call.ended ? groupOutcomeOf(call) : 'ongoing'
    const record: CallRecord = {
      id: call.id,
      peer: call.initiator.phone,
      group: call.groupId,
      direction: call.direction,
      video: call.video,
      at: known?.at ?? this.init.now(),
      outcome,
      ...(call.connectedAt != null ? { connectedAt: call.connectedAt } : {}),
      ...(call.endedAt != null ? { endedAt: call.endedAt } : {})
    }
    await this.log.put(record)
    this.emit('record', record)
  }

  /** A new ring: logged with the envelope; rung after it (or answered "busy", or logged missed when stale or when calls are unavailable). */
  private async offered (from: string, sender: SignalSender, s: CallSignal, id: string, options?: StoreOptions): Promise<{ taken: boolean, after?: () => void }> {
    if (await this.log.get(id, options) != null) return { taken: true }
    const now = this.init.now()
    const stale = now - s.startedAt > STALE_OFFER_MS
    const busy = this.busy()
    const ringable = !stale && !busy && this.init.peerConnection != null
    const record: CallRecord = { id, peer: from, direction: 'incoming', video: s.video, at: now, outcome: ringable ? 'ongoing' : 'missed', ...(ringable ? {} : { endedAt: now }) }
    await this.log.put(record, options)
    return {
      taken: true,
      after: () => {
        this.emit('record', record)
        if (busy && !stale) {
          this.init.send(from, encodeSignal(signal(s.callId, 'hangup', { reason: 'busy', toDevice: sender.deviceId })), { ttlMs: HANGUP_TTL_MS }).catch(err => this.emit('error', err))
        }
        if (!ringable) return
        const call = this.newCall({ id: s.callId, peer: from, direction: 'incoming', video: s.video, startedAt: s.startedAt, peerDevice: sender.deviceId, offer: s.sdp! })
        this.emit('incoming', call)
        call.ring().catch(err => this.emit('error', err))
      }
    }
  }

  private newCall (init: ConstructorParameters<typeof Call>[1]): Call {
    const pcFactory = this.init.peerConnection
    if (pcFactory == null) throw new CallsUnavailableError()
    const call: Call = new Call({
      peerConnection: pcFactory,
      iceServers: async () => await this.init.iceServers?.() ?? [],
      iceTransportPolicy: this.relayOnly ? 'relay' : 'all',
      send: async (sig, ttlMs) => { await this.init.send(init.peer, encodeSignal(sig), { ttlMs }) },
      now: this.init.now,
      ended: c => {
        this.live.delete(c.id)
        this.record(c).catch(err => this.emit('error', err))
      },
      changed: c => {
        if (c.state === 'connected' && c.connectedAt != null) this.record(c).catch(err => this.emit('error', err))
      },
      error: err => this.emit('error', err)
    }, init)
    this.live.set(call.id, call)
    return call
  }

  /** Writes the call's record as it stands when its turn comes. */
  private async record (call: Call): Promise<void> {
    await this.queueWrite(async () => await this.writeRecord(call))
  }

  private async writeRecord (call: Call): Promise<void> {
    const known = await this.log.get(call.id)
    const record: CallRecord = {
      id: call.id,
      peer: call.peer,
      direction: call.direction,
      video: call.video,
      at: known?.at ?? this.init.now(),
      outcome: call.ended ? outcomeOf(call) : 'ongoing',
      ...(call.connectedAt != null ? { connectedAt: call.connectedAt } : {}),
      ...(call.endedAt != null ? { endedAt: call.endedAt } : {})
    }
    await this.log.put(record)
    this.emit('record', record)
  }
}

export type { HangupReason }
