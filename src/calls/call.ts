/** One 1:1 call on one RTCPeerConnection: its states (calling/ringing → connecting → connected ⇄ reconnecting → ended), the descriptions and candidates it sends through its port, ICE restarts after a lost connection, mute and camera, stats. Knows no store, session or network: signals go out through `send`, and come in through `take`. */
import { toHex } from '../crypto/bytes.js'
import { Emitter } from '../messaging/emitter.js'
import { CONNECT_TIMEOUT_MS, HANGUP_TTL_MS, ICE_GATHER_WAIT_MS, ICE_TRICKLE_BATCH_MS, MAX_CANDIDATES, MAX_UPDATES, RECONNECT_AFTER_MS, RECONNECT_TIMEOUT_MS, RING_TIMEOUT_MS, SIGNAL_TTL_MS } from './constants.js'
import { CallError, CallStateError } from './errors.js'
import { dtlsFingerprint } from './sdp.js'
import { signal, type Candidate, type CallSignal, type HangupReason } from './signal.js'

export type CallState = 'calling' | 'ringing' | 'connecting' | 'connected' | 'reconnecting' | 'ended'
export type CallDirection = 'outgoing' | 'incoming'

/** What the call sends its local media from: tracks the app got (getUserMedia in a browser, wrtc sources in Node). */
export interface CallMedia {
  audio?: MediaStreamTrack | null
  video?: MediaStreamTrack | null
}

/** The call's view of the connection, for a quality indicator. */
export interface CallStats {
  /** round-trip time of the selected path, ms */
  rttMs?: number
  /** share of packets lost on what we receive, 0..1 */
  loss?: number
  /** whether the selected path goes through a TURN relay */
  relayed?: boolean
  audioBytesReceived: number
  audioBytesSent: number
  videoFramesDecoded: number
  videoFramesSent: number
  quality: 'good' | 'fair' | 'poor' | 'unknown'
}

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
export interface CallPort {
  peerConnection: (config: RTCConfiguration) => RTCPeerConnection
  iceServers: () => Promise<RTCIceServer[]>
  iceTransportPolicy?: RTCIceTransportPolicy
  /** sends a signal to the peer's number (every device of it; `toDevice` in the signal picks one) */
  send: (s: CallSignal, ttlMs: number) => Promise<void>
  now: () => number
  /** the call ended (log it, forget it) */
  ended: (call: Call) => void
  /** the call's state changed (log it) */
  changed: (call: Call) => void
  error: (err: unknown) => void
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

/** A remote description waits until the connection can take it; candidates wait for the description. */
interface Pending { candidates: Candidate[] }

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
  /** the DTLS fingerprint the peer's description named, bound to it by the end-to-end session that carried it */
  remoteFingerprint?: string
  readonly remoteTracks: MediaStreamTrack[] = []
  /** outgoing: a device of the callee said it rings ("Ringing…" rather than "Calling…") */
  peerRinging = false
  private pc?: RTCPeerConnection
  private readonly offer?: string
  private readonly pending: Pending = { candidates: [] }
  private remoteSet = false
  private trickle: Candidate[] = []
  private trickleTimer?: ReturnType<typeof setTimeout>
  /** descriptions sent: later candidates go out as ICE signals */
  private described = false
  /** the local description was read for sending: candidates found from now on trickle */
  private snapshot = false
  private seq = 0
  private timers = new Set<ReturnType<typeof setTimeout>>()
  private reconnectTimer?: ReturnType<typeof setTimeout>
  private failTimer?: ReturnType<typeof setTimeout>
  private readonly dtlsWatched = new WeakSet<RTCDtlsTransport>()
  private audioSender?: RTCRtpSender
  private videoSender?: RTCRtpSender

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
  }

  /** Whether the call is over. */
  get ended (): boolean {
    return this.state === 'ended'
  }

  /** Outgoing: builds the connection with our media, sends the offer to every device of the peer, and rings for RING_TIMEOUT_MS. */
  async dial (media: CallMedia): Promise<void> {
    const pc = await this.connection()
    this.attach(pc, media, true)
    await pc.setLocalDescription(await pc.createOffer())
    const sdp = await this.gathered(pc)
    if (this.ended) return
    await this.port.send(signal(this.callId, 'offer', { startedAt: this.startedAt, video: this.video, sdp }), SIGNAL_TTL_MS)
    this.described = true
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
      const pc = await this.connection()
      await this.setRemote(pc, { type: 'offer', sdp: this.offer })
      this.attach(pc, media, false)
      await pc.setLocalDescription(await pc.createAnswer())
      const sdp = await this.gathered(pc)
      if (this.ended) return
      await this.port.send(signal(this.callId, 'answer', { sdp, toDevice: this.peerDevice ?? 0 }), SIGNAL_TTL_MS)
      this.described = true
      this.flushTrickle()
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
    const track = this.audioSender?.track
    if (track != null) track.enabled = !muted
    this.sendMedia()
  }

  /** Sends video from `track` (camera on, another camera, an upgrade from audio) or stops sending it (null): no renegotiation. */
  async setCamera (track: MediaStreamTrack | null): Promise<void> {
    if (this.ended) throw new CallStateError()
    this.camera = track != null
    await this.videoSender?.replaceTrack(track)
    this.sendMedia()
  }

  /** Sends audio from another microphone. */
  async setMicrophone (track: MediaStreamTrack | null): Promise<void> {
    if (this.ended) throw new CallStateError()
    if (track != null) track.enabled = !this.muted
    await this.audioSender?.replaceTrack(track)
  }

  /** The connection's figures now (zeroes before it exists). */
  async stats (): Promise<CallStats> {
    const out: CallStats = { audioBytesReceived: 0, audioBytesSent: 0, videoFramesDecoded: 0, videoFramesSent: 0, quality: 'unknown' }
    if (this.pc == null) return out
    const report = await this.pc.getStats()
    const byId = new Map<string, Record<string, unknown>>()
    report.forEach((r: Record<string, unknown>) => { byId.set(r.id as string, r) })
    let lost = 0
    let received = 0
    for (const r of byId.values()) {
      const kind = (r.kind ?? r.mediaType) as string | undefined
      if (r.type === 'inbound-rtp') {
        lost += Number(r.packetsLost ?? 0)
        received += Number(r.packetsReceived ?? 0)
        if (kind === 'audio') out.audioBytesReceived += Number(r.bytesReceived ?? 0)
        if (kind === 'video') out.videoFramesDecoded += Number(r.framesDecoded ?? 0)
      } else if (r.type === 'outbound-rtp') {
        if (kind === 'audio') out.audioBytesSent += Number(r.bytesSent ?? 0)
        if (kind === 'video') out.videoFramesSent += Number(r.framesEncoded ?? r.framesSent ?? 0)
      } else if (r.type === 'candidate-pair' && (r.nominated === true || r.selected === true) && r.state === 'succeeded') {
        if (r.currentRoundTripTime != null) out.rttMs = Number(r.currentRoundTripTime) * 1000
        const local = byId.get(r.localCandidateId as string)
        const remote = byId.get(r.remoteCandidateId as string)
        out.relayed = local?.candidateType === 'relay' || remote?.candidateType === 'relay'
      }
    }
    if (received + lost > 0) out.loss = lost / (received + lost)
    if (out.rttMs != null || out.loss != null) {
      const rtt = out.rttMs ?? 0
      const loss = out.loss ?? 0
      out.quality = rtt < 300 && loss < 0.02 ? 'good' : rtt < 700 && loss < 0.08 ? 'fair' : 'poor'
    }
    return out
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
        void this.port.send(signal(this.callId, 'hangup', { reason: 'answered-elsewhere', device }), HANGUP_TTL_MS).catch(err => this.port.error(err))
        await this.setRemote(this.pc!, { type: 'answer', sdp: s.sdp })
        this.flushTrickle()
        this.sendMedia()
        this.failUnlessConnected(CONNECT_TIMEOUT_MS)
        return
      case 'ice':
        await this.addCandidates(s.candidates)
        return
      case 'update':
        if (this.direction !== 'incoming' || this.pc == null || s.sdp == null || s.seq <= this.seq || s.seq > MAX_UPDATES) return
        this.seq = s.seq
        await this.setRemote(this.pc, { type: 'offer', sdp: s.sdp })
        await this.pc.setLocalDescription(await this.pc.createAnswer())
        await this.port.send(signal(this.callId, 'update-answer', { sdp: await this.gathered(this.pc), seq: s.seq, toDevice: this.peerDevice ?? 0 }), SIGNAL_TTL_MS)
        return
      case 'update-answer':
        if (this.direction !== 'outgoing' || this.pc == null || s.sdp == null || s.seq !== this.seq || this.pc.signalingState !== 'have-local-offer') return
        await this.setRemote(this.pc, { type: 'answer', sdp: s.sdp })
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

  /** Ends the call here: closes the connection, stops timers; with `notify`, tells the peer's device (0 = all). */
  private finish (reason: HangupReason, opts: { notify?: number, reason?: HangupReason, except?: number } = {}): void {
    if (this.ended) return
    this.endReason = reason
    this.endedAt = this.port.now()
    this.clearTimers()
    if (opts.notify != null && (opts.except == null || opts.notify !== opts.except)) {
      const s = signal(this.callId, 'hangup', { reason: opts.reason ?? reason, toDevice: opts.notify, startedAt: this.startedAt, video: this.video, ...(opts.except != null ? { device: opts.except } : {}) })
      this.port.send(s, HANGUP_TTL_MS).catch(err => this.port.error(err))
    }
    try {
      this.pc?.close()
    } catch {
      // a connection that failed to build may refuse to close: nothing is left open either way
    }
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

  private async connection (): Promise<RTCPeerConnection> {
    const iceServers = await this.port.iceServers().catch(err => {
      this.port.error(err)
      return []
    })
    const pc = this.port.peerConnection({ iceServers, ...(this.port.iceTransportPolicy != null ? { iceTransportPolicy: this.port.iceTransportPolicy } : {}) })
    this.pc = pc
    pc.addEventListener('icecandidate', (e: RTCPeerConnectionIceEvent) => {
      // candidates found before the description was read are in it
      if (e.candidate == null || e.candidate.candidate === '' || !this.snapshot) return
      this.trickle.push({ candidate: e.candidate.candidate, sdpMid: e.candidate.sdpMid ?? '', sdpMLineIndex: e.candidate.sdpMLineIndex ?? 0 })
      this.trickleTimer ??= setTimeout(() => { this.trickleTimer = undefined; this.flushTrickle() }, ICE_TRICKLE_BATCH_MS)
    })
    pc.addEventListener('track', (e: RTCTrackEvent) => {
      this.remoteTracks.push(e.track)
      this.emit('track', e.track)
    })
    pc.addEventListener('connectionstatechange', () => { this.onConnectionState(pc.connectionState) })
    return pc
  }

  /** Our two transceivers (audio, video) with the tracks we have: the video one exists even for a voice call, so turning the camera on needs no renegotiation. */
  private attach (pc: RTCPeerConnection, media: CallMedia, offering: boolean): void {
    if (offering) {
      this.audioSender = pc.addTransceiver('audio', { direction: 'sendrecv' }).sender
      this.videoSender = pc.addTransceiver('video', { direction: 'sendrecv' }).sender
    } else {
      for (const t of pc.getTransceivers()) {
        const kind = t.receiver.track?.kind
        t.direction = 'sendrecv'
        if (kind === 'audio') this.audioSender ??= t.sender
        if (kind === 'video') this.videoSender ??= t.sender
      }
    }
    if (media.audio != null) {
      media.audio.enabled = !this.muted
      void this.audioSender?.replaceTrack(media.audio)
    }
    if (media.video != null) {
      this.camera = true
      void this.videoSender?.replaceTrack(media.video)
    }
  }

  /** The local description once ICE gathering completes, or after ICE_GATHER_WAIT_MS with what was found by then. */
  private async gathered (pc: RTCPeerConnection): Promise<string> {
    if (pc.iceGatheringState !== 'complete') {
      await new Promise<void>(resolve => {
        const done = (): void => {
          clearTimeout(timer)
          pc.removeEventListener('icegatheringstatechange', check)
          resolve()
        }
        const check = (): void => { if (pc.iceGatheringState === 'complete') done() }
        const timer = setTimeout(done, ICE_GATHER_WAIT_MS)
        pc.addEventListener('icegatheringstatechange', check)
      })
    }
    const sdp = pc.localDescription?.sdp
    if (sdp == null) throw new CallError('The call could not be set up.')
    this.snapshot = true
    return sdp
  }

  private async setRemote (pc: RTCPeerConnection, d: RTCSessionDescriptionInit): Promise<void> {
    // the fingerprint came inside the end-to-end session from the proven peer: DTLS then accepts only its certificate
    this.remoteFingerprint = dtlsFingerprint(d.sdp ?? '')
    await pc.setRemoteDescription(d)
    this.remoteSet = true
    this.watchDtls(pc)
    const waiting = this.pending.candidates.splice(0)
    await this.addCandidates(waiting)
  }

  /** A DTLS handshake that fails (the peer's certificate is not the one its description named) fails the connection at once. */
  private watchDtls (pc: RTCPeerConnection): void {
    for (const sender of pc.getSenders()) {
      const transport = sender.transport
      if (transport == null || this.dtlsWatched.has(transport)) continue
      this.dtlsWatched.add(transport)
      transport.addEventListener('statechange', () => {
        if (transport.state === 'failed') this.onConnectionState('failed')
      })
    }
  }

  private async addCandidates (candidates: Candidate[]): Promise<void> {
    if (!this.remoteSet || this.pc == null) {
      this.pending.candidates.push(...candidates.slice(0, Math.max(0, MAX_CANDIDATES * 4 - this.pending.candidates.length)))
      return
    }
    for (const c of candidates) {
      try {
        await this.pc.addIceCandidate({ candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex })
      } catch {
        // a candidate the connection cannot use (another generation, an unknown section): skipped
      }
    }
  }

  private flushTrickle (): void {
    if (!this.described || this.trickle.length === 0 || this.ended || this.peerDevice == null && this.direction === 'outgoing' && this.state === 'calling') return
    const batch = this.trickle.splice(0, MAX_CANDIDATES)
    this.port.send(signal(this.callId, 'ice', { candidates: batch, toDevice: this.peerDevice ?? 0 }), SIGNAL_TTL_MS).catch(err => this.port.error(err))
    if (this.trickle.length > 0) this.flushTrickle()
  }

  private sendMedia (): void {
    if (this.ended || this.peerDevice == null) return
    this.port.send(signal(this.callId, 'media', { muted: this.muted, camera: this.camera, toDevice: this.peerDevice }), SIGNAL_TTL_MS).catch(err => this.port.error(err))
  }

  private onConnectionState (s: RTCPeerConnectionState): void {
    if (this.ended) return
    if (s === 'connected') {
      clearTimeout(this.reconnectTimer)
      clearTimeout(this.failTimer)
      this.reconnectTimer = undefined
      this.failTimer = undefined
      this.setState('connected')
      return
    }
    if (s === 'failed' && this.state === 'connecting') {
      // never connected: ICE found no path, or DTLS met a certificate other than the one the peer's description named
      this.finish('failed', { notify: this.peerDevice ?? 0 })
      return
    }
    if ((s === 'disconnected' || s === 'failed') && (this.state === 'connected' || this.state === 'reconnecting')) {
      this.setState('reconnecting')
      // the caller restarts ICE (one side only, so the two never offer at once); the callee waits for its update
      if (this.direction === 'outgoing' && this.reconnectTimer == null) {
        this.reconnectTimer = setTimeout(() => {
          this.reconnectTimer = undefined
          this.restartIce().catch(err => this.port.error(err))
        }, s === 'failed' ? 0 : RECONNECT_AFTER_MS)
      }
      this.failUnlessConnected(RECONNECT_TIMEOUT_MS)
    }
  }

  /** A new offer with fresh ICE credentials to the device in the call (after a network change). */
  private async restartIce (): Promise<void> {
    const pc = this.pc
    if (pc == null || this.ended || this.state === 'connected' || this.seq >= MAX_UPDATES) return
    if (pc.signalingState !== 'stable') return
    this.seq++
    await pc.setLocalDescription(await pc.createOffer({ iceRestart: true }))
    const sdp = await this.gathered(pc)
    if (this.ended) return
    await this.port.send(signal(this.callId, 'update', { sdp, seq: this.seq, toDevice: this.peerDevice ?? 0 }), SIGNAL_TTL_MS)
    // still not back after another while: try again
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined
      if (this.state === 'reconnecting') this.restartIce().catch(err => this.port.error(err))
    }, RECONNECT_AFTER_MS * 4)
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

  private clearTimers (): void {
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    clearTimeout(this.trickleTimer)
    clearTimeout(this.reconnectTimer)
    clearTimeout(this.failTimer)
    this.trickleTimer = this.reconnectTimer = this.failTimer = undefined
  }
}
