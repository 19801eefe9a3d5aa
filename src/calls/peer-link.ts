/** One WebRTC connection to one device (a 1:1 call, or one edge of a group call's mesh): its RTCPeerConnection, the descriptions and candidates it exchanges through its port, the DTLS fingerprint check, ICE restarts by the offering side, our tracks on its two transceivers, stats. Knows no ringing, call state, store or network. */
import { Emitter } from '../messaging/emitter.js'
import { ICE_GATHER_WAIT_MS, ICE_TRICKLE_BATCH_MS, MAX_CANDIDATES, MAX_UPDATES, RECONNECT_AFTER_MS } from './constants.js'
import { CallError } from './errors.js'
import { dtlsFingerprint } from './sdp.js'
import type { Candidate, CallSignal } from './signal.js'

/** What a link sends from our microphone and camera: tracks the app got (getUserMedia, or wrtc sources in Node). */
export interface CallMedia {
  audio?: MediaStreamTrack | null
  video?: MediaStreamTrack | null
}

/** The link's view of the connection, for a quality indicator. */
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

export interface LinkEvents {
  /** media flows ('connected'), the path was lost for now ('lost'), or it cannot be made ('failed': no path, or DTLS met another certificate) */
  connection: 'connected' | 'lost' | 'failed'
  /** a remote track (audio or video) arrived */
  track: MediaStreamTrack
}

/** How links are made and where their errors go: the same for every link of a call, 1:1 or group. */
export interface LinkNetwork {
  peerConnection: (config: RTCConfiguration) => RTCPeerConnection
  /** the ICE servers to use now (asked again before each ICE restart) */
  iceServers: () => Promise<RTCIceServer[]>
  iceTransportPolicy: RTCIceTransportPolicy
  error: (err: unknown) => void
}

/** The LinkNetwork part of a call's port, for each link the call makes. */
export const linkNetwork = (n: LinkNetwork): LinkNetwork => ({ peerConnection: n.peerConnection, iceServers: n.iceServers, iceTransportPolicy: n.iceTransportPolicy, error: n.error })

/** What a link needs from its owner. */
export interface LinkPort extends LinkNetwork {
  /** sends one of the link's own signals (candidates, ICE restarts) to the device at the other end */
  send: (type: 'ice' | 'update' | 'update-answer', fields: Partial<CallSignal>) => Promise<void>
  /** each transceiver as it is made, before any description: a group call attaches its frame encryption here */
  transceiver?: (t: RTCRtpTransceiver) => void
}

export class PeerLink extends Emitter<LinkEvents> {
  /** the DTLS fingerprint the peer's description named, bound to it by the end-to-end session that carried it */
  remoteFingerprint?: string
  readonly remoteTracks: MediaStreamTrack[] = []
  audioSender?: RTCRtpSender
  videoSender?: RTCRtpSender
  /** media flowed at least once */
  everConnected = false
  private pc?: RTCPeerConnection
  private readonly pending: Candidate[] = []
  private remoteSet = false
  private trickle: Candidate[] = []
  private trickleTimer?: ReturnType<typeof setTimeout>
  /** the peer knows our description: later candidates may go out */
  private described = false
  /** the local description was read for sending: candidates found from now on trickle */
  private snapshot = false
  private seq = 0
  private restartTimer?: ReturnType<typeof setTimeout>
  private closed = false
  private readonly dtlsWatched = new WeakSet<RTCDtlsTransport>()

  /** `offerer`: this side made the first offer, so it alone restarts ICE (two offers never cross). */
  constructor (private readonly port: LinkPort, private readonly offerer: boolean) {
    super()
  }

  /** Builds the connection with our media and returns the offer to send. */
  async offer (media: CallMedia): Promise<string> {
    const pc = await this.connection()
    const audio = pc.addTransceiver('audio', { direction: 'sendrecv' })
    // a video transceiver even for a voice call: the camera turns on and off with replaceTrack, no renegotiation
    const video = pc.addTransceiver('video', { direction: 'sendrecv' })
    this.audioSender = audio.sender
    this.videoSender = video.sender
    this.port.transceiver?.(audio)
    this.port.transceiver?.(video)
    this.attach(media)
    await pc.setLocalDescription(await pc.createOffer())
    return await this.gathered(pc)
  }

  /** Builds the connection from the peer's offer with our media and returns the answer to send. */
  async answer (offer: string, media: CallMedia): Promise<string> {
    const pc = await this.connection()
    await this.setRemote(pc, { type: 'offer', sdp: offer })
    for (const t of pc.getTransceivers()) {
      const kind = t.receiver.track?.kind
      t.direction = 'sendrecv'
      if (kind === 'audio') this.audioSender ??= t.sender
      if (kind === 'video') this.videoSender ??= t.sender
      this.port.transceiver?.(t)
    }
    this.attach(media)
    await pc.setLocalDescription(await pc.createAnswer())
    return await this.gathered(pc)
  }

  /** The peer's answer to our offer. */
  async takeAnswer (answer: string): Promise<void> {
    if (this.pc == null) throw new CallError('The call could not be set up.')
    await this.setRemote(this.pc, { type: 'answer', sdp: answer })
  }

  /** Our description reached the peer's device: candidates found since may go out now. */
  markDescribed (): void {
    this.described = true
    this.flushTrickle()
  }

  async addCandidates (candidates: Candidate[]): Promise<void> {
    if (!this.remoteSet || this.pc == null) {
      this.pending.push(...candidates.slice(0, Math.max(0, MAX_CANDIDATES * 4 - this.pending.length)))
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

  /** The peer restarted ICE (a new offer on this link): answer it. */
  async takeUpdate (sdp: string, seq: number): Promise<void> {
    if (this.offerer || this.pc == null || seq <= this.seq || seq > MAX_UPDATES) return
    this.seq = seq
    await this.refreshIceServers(this.pc)
    await this.setRemote(this.pc, { type: 'offer', sdp })
    await this.pc.setLocalDescription(await this.pc.createAnswer())
    await this.port.send('update-answer', { sdp: await this.gathered(this.pc), seq })
  }

  /** The peer's answer to our ICE restart. */
  async takeUpdateAnswer (sdp: string, seq: number): Promise<void> {
    if (!this.offerer || this.pc == null || seq !== this.seq || this.pc.signalingState !== 'have-local-offer') return
    await this.setRemote(this.pc, { type: 'answer', sdp })
  }

  setMuted (muted: boolean): void {
    const track = this.audioSender?.track
    if (track != null) track.enabled = !muted
  }

  async setCamera (track: MediaStreamTrack | null): Promise<void> {
    await this.videoSender?.replaceTrack(track)
  }

  async setMicrophone (track: MediaStreamTrack | null): Promise<void> {
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
    // the selected pair as the transport names it (standard), else the nominated pair that succeeded
    const selected = [...byId.values()].find(r => r.type === 'transport' && typeof r.selectedCandidatePairId === 'string')?.selectedCandidatePairId as string | undefined
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
      } else if (r.type === 'candidate-pair' && (selected != null ? r.id === selected : (r.nominated === true || r.selected === true) && r.state === 'succeeded')) {
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

  /** Closes the connection and stops its timers (our tracks stay the app's to stop). */
  close (): void {
    if (this.closed) return
    this.closed = true
    clearTimeout(this.trickleTimer)
    clearTimeout(this.restartTimer)
    try {
      this.pc?.close()
    } catch {
      // a connection that failed to build may refuse to close: nothing is left open either way
    }
  }

  /**
   * Before an ICE restart gathers: the ICE servers asked for again, so a network change that took our TURN server
   * (or our mailbox relay, or outlived the credentials) gathers through those we have now. Kept as they were when
   * none can be had.
   */
  private async refreshIceServers (pc: RTCPeerConnection): Promise<void> {
    let iceServers: RTCIceServer[]
    try {
      iceServers = await this.port.iceServers()
    } catch (err) {
      this.port.error(err)
      return
    }
    if (this.closed || iceServers.length === 0) return
    try {
      pc.setConfiguration({ ...pc.getConfiguration(), iceServers, iceTransportPolicy: this.port.iceTransportPolicy })
    } catch (err) {
      // a browser that refuses the change still restarts ICE, through the servers it had
      this.port.error(err)
    }
  }

  private async connection (): Promise<RTCPeerConnection> {
    const iceServers = await this.port.iceServers().catch(err => {
      this.port.error(err)
      return []
    })
    const pc = this.port.peerConnection({ iceServers, iceTransportPolicy: this.port.iceTransportPolicy })
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

  private attach (media: CallMedia): void {
    if (media.audio != null) void this.audioSender?.replaceTrack(media.audio)
    if (media.video != null) void this.videoSender?.replaceTrack(media.video)
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
    await this.addCandidates(this.pending.splice(0))
  }

  /** A DTLS handshake that fails (the peer's certificate is not the one its description named) fails the connection at once. */
  private watchDtls (pc: RTCPeerConnection): void {
    for (const sender of pc.getSenders()) {
      const transport = sender.transport
      if (transport == null || this.dtlsWatched.has(transport)) continue
      this.dtlsWatched.add(transport)
      const check = (): void => { if (transport.state === 'failed') this.onConnectionState('failed') }
      transport.addEventListener('statechange', check)
      check()
    }
  }

  private flushTrickle (): void {
    if (!this.described || this.trickle.length === 0 || this.closed) return
    while (this.trickle.length > 0) {
      const batch = this.trickle.splice(0, MAX_CANDIDATES)
      this.port.send('ice', { candidates: batch }).catch(err => this.port.error(err))
    }
  }

  private onConnectionState (s: RTCPeerConnectionState | 'failed'): void {
    if (this.closed) return
    if (s === 'connected') {
      clearTimeout(this.restartTimer)
      this.restartTimer = undefined
      this.everConnected = true
      this.emit('connection', 'connected')
      return
    }
    if (s !== 'disconnected' && s !== 'failed') return
    if (!this.everConnected) {
      if (s === 'failed') this.emit('connection', 'failed')
      return
    }
    this.emit('connection', 'lost')
    // the offering side restarts ICE; the other waits for its update
    if (this.offerer && this.restartTimer == null) {
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined
        this.restartIce().catch(err => this.port.error(err))
      }, s === 'failed' ? 0 : RECONNECT_AFTER_MS)
    }
  }

  /** A new offer with fresh ICE credentials (after a network change), again every 4 × RECONNECT_AFTER_MS until back. */
  private async restartIce (): Promise<void> {
    const pc = this.pc
    if (pc == null || this.closed || pc.connectionState === 'connected' || this.seq >= MAX_UPDATES) return
    if (pc.signalingState === 'stable') {
      this.seq++
      await this.refreshIceServers(pc)
      if (this.closed) return
      await pc.setLocalDescription(await pc.createOffer({ iceRestart: true }))
      const sdp = await this.gathered(pc)
      if (this.closed) return
      await this.port.send('update', { sdp, seq: this.seq })
    }
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined
      this.restartIce().catch(err => this.port.error(err))
    }, RECONNECT_AFTER_MS * 4)
  }
}
