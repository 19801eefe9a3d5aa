/** One 1:1 call: its states (calling/ringing → connecting → connected ⇄ reconnecting → ended), ringing and its timeout, accept, decline, busy and hang-up, the answer from one of the callee's devices, mute and camera, on one PeerLink. Knows no store, session or network: signals go out through `send`, and come in through `take`. */
import { toHex } from '../crypto/bytes.js'
import { Emitter } from '../messaging/emitter.js'
import { CONNECT_TIMEOUT_MS, HANGUP_TTL_MS, RECONNECT_TIMEOUT_MS, RING_TIMEOUT_MS, SIGNAL_TTL_MS } from './constants.js'
import { CallError, CallStateError } from './errors.js'
import { PeerLink, type CallMedia, type CallStats, type LinkNetwork, linkNetwork } from './peer-link.js'
import { signal, type CallSignal, type HangupReason } from './signal.js'

export type { CallMedia, CallStats }
export type CallState = 'calling' | 'ringing' | 'connecting' | 'connected' | 'reconnecting' | 'ended'
export type CallDirection = 'outgoing' | 'incoming'

export interface CallEvents {
  state: CallState
  /** a remote track (audio or video) arrived */
  track: MediaStreamTrack
  /** the other side muted its microphone or turned its camera on or off */
  'remote-media': { muted: boolean, camera: boolean }
  /** outgoing: a device of the callee rings */
  ringing: { device: number }
  ended: HangupReason
}

/** What a call needs from its owner (the Calls service). */
export interface CallPort extends LinkNetwork {
  /** sends a signal to the peer's number (every device of it; `toDevice` in the signal picks one) */
  send: (s: CallSignal, ttlMs: number) => Promise<void>
  now: () => number
  /** the call ended (log it, forget it) */
  ended: (call: Call) => void
  /** the call's state changed (log it) */
  changed: (call: Call) => void
}

export interface CallInit {
  id: Uint8Array
  peer: string
  direction: CallDirection
  video: boolean
  startedAt: number
  /** incoming: the caller's device and its offer */
  peerDevice?: number
  offer?: string
}

export class Call extends Emitter<CallEvents> {
  readonly id: string
  readonly callId: Uint8Array
  readonly peer: string
  readonly direction: CallDirection
  /** whether the caller started with its camera on */
  readonly video: boolean
  /** the caller's clock when the call began */
  readonly startedAt: number
  state: CallState
  endReason?: HangupReason
  /** when media first flowed (our clock) */
  connectedAt?: number
  endedAt?: number
  /** the other side's microphone and camera as it last told us */
  remote = { muted: false, camera: false }
  /** our microphone is muted / our camera sends */
  muted = false
  camera = false
  /** the peer's device in the call (the caller's for an incoming call; the one that answered for an outgoing) */
  peerDevice?: number
  /** outgoing: a device of the callee said it rings ("Ringing…" rather than "Calling…") */
  peerRinging = false
  private readonly link: PeerLink
  private readonly offer?: string
  private timers = new Set<ReturnType<typeof setTimeout>>()
  private failTimer?: ReturnType<typeof setTimeout>

  constructor (private readonly port: CallPort, init: CallInit) {
    super()
    this.callId = init.id
    this.id = toHex(init.id)
    this.peer = init.peer
    this.direction = init.direction
    this.video = init.video
    this.startedAt = init.startedAt
    this.state = init.direction === 'outgoing' ? 'calling' : 'ringing'
    if (init.peerDevice != null) this.peerDevice = init.peerDevice
    if (init.offer != null) this.offer = init.offer
    this.link = new PeerLink({
      ...linkNetwork(port),
      // before the answer the caller does not know the device: its candidates wait (markDescribed comes with the answer)
      send: async (type, fields) => { await port.send(signal(this.callId, type, { ...fields, toDevice: this.peerDevice ?? 0 }), SIGNAL_TTL_MS) }
    }, init.direction === 'outgoing')
    this.link.on('track', t => this.emit('track', t))
    this.link.on('connection', c => { this.onConnection(c) })
  }

  /** Whether the call is over. */
  get ended (): boolean {
    return this.state === 'ended'
  }

  /** The DTLS fingerprint the peer's description named, bound to it by the end-to-end session that carried it. */
  get remoteFingerprint (): string | undefined {
    return this.link.remoteFingerprint
  }

  /** The peer's tracks received so far. */
  get remoteTracks (): MediaStreamTrack[] {
    return this.link.remoteTracks
  }

  /** Outgoing: builds the connection with our media, sends the offer to every device of the peer, and rings for RING_TIMEOUT_MS. */
  async dial (media: CallMedia): Promise<void> {
    this.noteMedia(media)
    const sdp = await this.link.offer(media)
    if (this.ended) return
    await this.port.send(signal(this.callId, 'offer', { startedAt: this.startedAt, video: this.video, sdp }), SIGNAL_TTL_MS)
    this.after(RING_TIMEOUT_MS, () => {
      if (this.state === 'calling') this.finish('no-answer', { notify: 0 })
    })
  }

  /** Incoming: rings until the caller gives up, another device takes it, or RING_TIMEOUT_MS. Tells the caller we ring. */
  async ring (): Promise<void> {
    this.after(RING_TIMEOUT_MS, () => {
      if (this.state === 'ringing') this.finish('no-answer')
    })
    await this.port.send(signal(this.callId, 'ringing', { toDevice: this.peerDevice ?? 0 }), SIGNAL_TTL_MS)
  }

  /** Incoming: takes the call with our media; resolves once the answer is on its way. CallStateError once it stopped ringing. */
  async accept (media: CallMedia = {}): Promise<void> {
    if (this.state !== 'ringing' || this.offer == null) throw new CallStateError()
    this.setState('connecting')
    try {
      this.noteMedia(media)
      const sdp = await this.link.answer(this.offer, media)
      if (this.ended) return
      await this.port.send(signal(this.callId, 'answer', { sdp, toDevice: this.peerDevice ?? 0 }), SIGNAL_TTL_MS)
      this.link.markDescribed()
      this.sendMedia()
      this.failUnlessConnected(CONNECT_TIMEOUT_MS)
    } catch (err) {
      this.finish('failed', { notify: this.peerDevice ?? 0 })
      throw err instanceof CallError ? err : new CallError('The call could not be answered.', { cause: err })
    }
  }

  /** Incoming, ringing: says no (the caller hears "declined"; our other devices stop ringing). */
  async decline (): Promise<void> {
    if (this.state !== 'ringing') throw new CallStateError()
    this.finish('declined', { notify: this.peerDevice ?? 0 })
  }

  /** Ends the call from our side, in any state but ended (a caller's hang-up before an answer is "cancelled"). */
  async hangup (): Promise<void> {
    if (this.ended) return
    if (this.state === 'ringing') return await this.decline()
    this.finish(this.state === 'calling' ? 'cancelled' : 'normal', { notify: this.state === 'calling' ? 0 : this.peerDevice ?? 0 })
  }

  /** Mutes or unmutes our microphone (the track keeps running; nothing is sent while muted). */
  setMuted (muted: boolean): void {
    this.muted = muted
    this.link.setMuted(muted)
    this.sendMedia()
  }

  /** Sends video from `track` (camera on, another camera, an upgrade from audio) or stops sending it (null): no renegotiation. */
  async setCamera (track: MediaStreamTrack | null): Promise<void> {
    if (this.ended) throw new CallStateError()
    this.camera = track != null
    await this.link.setCamera(track)
    this.sendMedia()
  }

  /** Sends audio from another microphone. */
  async setMicrophone (track: MediaStreamTrack | null): Promise<void> {
    if (this.ended) throw new CallStateError()
    if (track != null) track.enabled = !this.muted
    await this.link.setMicrophone(track)
  }

  /** The connection's figures now. */
  async stats (): Promise<CallStats> {
    return await this.link.stats()
  }

  /** A signal of this call from its peer (the service checked the number and, once fixed, the device). */
  async take (s: CallSignal, device: number): Promise<void> {
    if (this.ended) return
    switch (s.type) {
      case 'ringing':
        if (this.direction === 'outgoing' && this.state === 'calling') {
          this.peerRinging = true
          this.emit('ringing', { device })
        }
        return
      case 'answer':
        if (this.direction !== 'outgoing' || this.state !== 'calling' || s.sdp == null) return
        this.peerDevice = device
        this.setState('connecting')
        // the callee's other devices stop ringing
        this.port.send(signal(this.callId, 'hangup', { reason: 'answered-elsewhere', device }), HANGUP_TTL_MS).catch(err => this.port.error(err))
        await this.link.takeAnswer(s.sdp)
        this.link.markDescribed()
        this.sendMedia()
        this.failUnlessConnected(CONNECT_TIMEOUT_MS)
        return
      case 'ice':
        await this.link.addCandidates(s.candidates)
        return
      case 'update':
        if (s.sdp != null) await this.link.takeUpdate(s.sdp, s.seq)
        return
      case 'update-answer':
        if (s.sdp != null) await this.link.takeUpdateAnswer(s.sdp, s.seq)
        return
      case 'media':
        this.remote = { muted: s.muted, camera: s.camera }
        this.emit('remote-media', { ...this.remote })
        return
      case 'hangup':
        this.remoteHangup(s.reason, s.device)
        return
      case 'offer':
        // the same call offered again (a copy from another path): nothing new
    }
  }

  /** The other side (or the caller, for the callee's other devices) ended the call. */
  private remoteHangup (reason: HangupReason, device: number): void {
    if (reason === 'answered-elsewhere') {
      // the device that took the call ignores its own "answered elsewhere"
      if (this.state === 'ringing') this.finish('answered-elsewhere')
      return
    }
    if (this.direction === 'outgoing' && this.state === 'calling') {
      // one device said no or is busy: the call is over for every device of the callee
      const mine: HangupReason = reason === 'busy' ? 'busy' : reason === 'declined' ? 'declined' : 'failed'
      this.finish(mine, { notify: 0, reason: mine === 'declined' ? 'declined-elsewhere' : 'cancelled', except: device })
      return
    }
    if (this.state === 'ringing') {
      this.finish(reason === 'declined-elsewhere' ? 'declined-elsewhere' : reason === 'no-answer' ? 'no-answer' : 'cancelled')
      return
    }
    this.finish(reason === 'failed' ? 'failed' : 'normal')
  }

  private onConnection (c: 'connected' | 'lost' | 'failed'): void {
    if (this.ended) return
    if (c === 'connected') {
      clearTimeout(this.failTimer)
      this.failTimer = undefined
      this.setState('connected')
    } else if (c === 'failed') {
      // never connected: ICE found no path, or DTLS met a certificate other than the one the peer's description named
      this.finish('failed', { notify: this.peerDevice ?? 0 })
    } else if (this.state === 'connected') {
      this.setState('reconnecting')
      this.failUnlessConnected(RECONNECT_TIMEOUT_MS)
    }
  }

  /** Ends the call here: closes the connection, stops timers; with `notify`, tells the peer's device (0 = all). */
  private finish (reason: HangupReason, opts: { notify?: number, reason?: HangupReason, except?: number } = {}): void {
    if (this.ended) return
    this.endReason = reason
    this.endedAt = this.port.now()
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    clearTimeout(this.failTimer)
    this.failTimer = undefined
    if (opts.notify != null && (opts.except == null || opts.notify !== opts.except)) {
      const s = signal(this.callId, 'hangup', { reason: opts.reason ?? reason, toDevice: opts.notify, startedAt: this.startedAt, video: this.video, ...(opts.except != null ? { device: opts.except } : {}) })
      this.port.send(s, HANGUP_TTL_MS).catch(err => this.port.error(err))
    }
    this.link.close()
    this.setState('ended')
    this.emit('ended', reason)
    this.port.ended(this)
  }

  private setState (state: CallState): void {
    if (this.state === state) return
    this.state = state
    if (state === 'connected') this.connectedAt ??= this.port.now()
    this.emit('state', state)
    this.port.changed(this)
  }

  private noteMedia (media: CallMedia): void {
    if (media.audio != null) media.audio.enabled = !this.muted
    if (media.video != null) this.camera = true
  }

  private sendMedia (): void {
    if (this.ended || this.peerDevice == null) return
    this.port.send(signal(this.callId, 'media', { muted: this.muted, camera: this.camera, toDevice: this.peerDevice }), SIGNAL_TTL_MS).catch(err => this.port.error(err))
  }

  /** Ends the call as failed unless it is connected within `ms`. */
  private failUnlessConnected (ms: number): void {
    if (this.failTimer != null) return
    this.failTimer = setTimeout(() => {
      this.failTimer = undefined
      if (this.state !== 'connected' && !this.ended) this.finish('failed', { notify: this.peerDevice ?? 0 })
    }, ms)
  }

  private after (ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t)
      fn()
    }, ms)
    this.timers.add(t)
  }
}
