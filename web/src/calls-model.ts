// The web client's call state around `parley.calls`: the call on screen, 1:1 or group (ringing here, being placed, in progress, just ended), our microphone and camera for it (every track stopped when it ends), the ring tones and the ring's desktop notification, cameras and speakers to pick from, the call log as the Calls list and the chats show it, and the missed calls not seen yet. Knows nothing of the DOM layout.
import type { AppStore, Call, CallRecord, GroupCall, HangupReason, Parley } from '../../src/browser.js'
import { describe } from './errors.js'
import { Tone } from './ringtone.js'
import { notifyCall } from './notifications.js'
import { isMissed, mediaErrorText, offersCallAgain } from './call-text.js'

/** Call log entries the page keeps (the Calls list and the chats' call entries): a few months of calls; the SDK keeps 1,000. */
export const CALL_HISTORY_SHOWN = 300
/** A call that ended by the other side (or the network) shows how it ended this long before its screen closes. */
export const ENDED_SHOW_MS = 2_000
/** An outgoing call nobody took (declined, busy, no answer, failed) keeps its screen this long, with "Call again". */
export const CALL_AGAIN_SHOW_MS = 20_000

/** Our microphone: the browser's voice processing on (echo cancellation matters most on a laptop's speakers). */
const AUDIO: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true }
/** Up to 720p: WebRTC scales down by itself when the path is slow, never up. */
const VIDEO_SIZE: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 } }
/**
 * A group call's camera: up to 640 × 360. Each participant sends its camera once per other participant (a full mesh:
 * up to 7 encodings), and each shows in a tile of the grid, not full screen.
 */
const GROUP_VIDEO_SIZE: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 360 } }
/** The first camera is the one facing the person (a phone's front camera; a laptop has only that one). */
const FIRST_CAMERA: MediaTrackConstraints = { ...VIDEO_SIZE, facingMode: 'user' }
const GROUP_FIRST_CAMERA: MediaTrackConstraints = { ...GROUP_VIDEO_SIZE, facingMode: 'user' }

/** App store key of the calls' page state: JSON `{ seenAt }`, the newest missed call the person has seen in the Calls list. */
const SEEN_KEY = 'calls'
const enc = new TextEncoder()
const dec = new TextDecoder()

/** The microphone or camera could not be used; the message says why, for the person. */
export class CallMediaError extends Error {
  static name = 'CallMediaError'
  constructor (message: string) {
    super(message)
    this.name = CallMediaError.name
  }
}

export type CallPhase = 'incoming' | 'starting' | 'call' | 'ended'

/** The call the screen shows. */
export interface CallScreen {
  /** this page's number for the screen (a new call is a new screen) */
  readonly id: number
  /** incoming: ringing here; starting: our microphone is being opened and the ring sent; call: placed or taken (joined); ended: showing how it ended */
  phase: CallPhase
  /** 1:1: the other number; group call: who started it ('' until our own call exists) */
  peer: string
  direction: 'incoming' | 'outgoing'
  /** a video call (as placed) */
  video: boolean
  /** a group call: the group's id (hex) */
  group?: string
  call?: Call
  groupCall?: GroupCall
  /** our microphone and camera sending in the call */
  mic?: MediaStreamTrack
  camera?: MediaStreamTrack
  /** every track opened for this call: all are stopped when it ends */
  readonly tracks: Set<MediaStreamTrack>
  /** whether media ever flowed */
  connected: boolean
  endReason?: HangupReason
  /** we ended it (decline, cancel, hang up): the screen closes at once */
  byUs: boolean
  /** a microphone or camera change is under way: its controls wait */
  working: boolean
  /** closes the ring's desktop notification */
  closeNotification?: () => void
}

export class CallsState {
  /** the call on screen, if any */
  screen: CallScreen | undefined
  /** a sentence for the person about the last thing that did not work (a denied camera, no microphone) */
  notice: string | undefined
  /** the call log, newest first, at most CALL_HISTORY_SHOWN */
  records: CallRecord[] = []
  /** cameras and speakers (after the first permission their names are known) */
  cameras: MediaDeviceInfo[] = []
  speakers: MediaDeviceInfo[] = []
  /** the speaker picked for this page's calls ('' = the system's default) */
  sinkId = ''
  readonly tone = new Tone()
  private seenAt = 0
  private closeTimer: ReturnType<typeof setTimeout> | undefined
  private started = false

  constructor (private readonly parley: Parley, private readonly store: AppStore, private readonly app: { changed: () => void, displayName: (phone: string) => string, groupName: (groupId: string) => string }) {}

  /** Whether this browser can place and take calls (it has WebRTC). */
  get available (): boolean {
    return this.parley.calls.available
  }

  /** Whether this browser can take part in group calls (WebRTC, and frame transforms for their end-to-end encryption). */
  get groupAvailable (): boolean {
    return this.parley.calls.groupCallsAvailable
  }

  /** Whether a call is on screen and not over (another cannot be placed meanwhile). */
  get inCall (): boolean {
    return this.screen != null && this.screen.phase !== 'ended'
  }

  /** Whether this browser lets a page pick the speaker (`HTMLMediaElement.setSinkId`: Chromium, Firefox 116+). */
  get speakerChoice (): boolean {
    return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype
  }

  /** Loads the call log and what was seen of it, and starts taking rings (the SDK held any that came first). */
  async start (): Promise<void> {
    if (this.started) return
    this.started = true
    const seen = await this.store.get(SEEN_KEY)
    if (seen != null) this.seenAt = Number((JSON.parse(dec.decode(seen)) as { seenAt?: unknown }).seenAt) || 0
    this.records = await this.parley.calls.history({ limit: CALL_HISTORY_SHOWN })
    this.parley.calls.on('record', r => { this.onRecord(r) })
    this.parley.calls.on('incoming', call => { this.onIncoming(call) })
    this.parley.calls.on('incoming-group', call => { this.onIncomingGroup(call) })
    navigator.mediaDevices?.addEventListener?.('devicechange', () => { if (this.inCall) void this.loadDevices() })
    this.app.changed()
  }

  /** One contact's 1:1 calls, newest first (a group call it started is the group's). */
  recordsOf (peer: string): CallRecord[] {
    return this.records.filter(r => r.group == null && r.peer === peer)
  }

  /** One group's calls, newest first. */
  recordsOfGroup (groupId: string): CallRecord[] {
    return this.records.filter(r => r.group === groupId)
  }

  /** Missed calls newer than the last look at the Calls list. */
  missedUnseen (): number {
    return this.records.filter(r => isMissed(r) && r.at > this.seenAt).length
  }

  /** The Calls list is on screen: its missed calls are seen. */
  markSeen (): void {
    if (this.missedUnseen() === 0) return
    this.seenAt = Math.max(this.seenAt, ...this.records.map(r => r.at))
    this.app.changed()
    this.store.put(SEEN_KEY, enc.encode(JSON.stringify({ seenAt: this.seenAt }))).catch(() => {})
  }

  /** Calls `peer`: opens the microphone (and camera for `video`), then rings every device of the number. */
  async place (peer: string, video: boolean): Promise<void> {
    await this.placeOutgoing({
      available: this.available,
      unavailable: 'Calls are not available in this browser.',
      screen: { phase: 'starting', peer, direction: 'outgoing', video },
      ring: async media => await this.parley.call(peer, media),
      attach: (screen, call) => {
        screen.call = call
        this.watch(screen, call)
      },
      hangup: async call => { await call.hangup() }
    })
  }

  /** Starts a call in group `groupId`: opens the microphone (and camera for `video`), then every other member's devices ring. */
  async placeGroup (groupId: string, video: boolean): Promise<void> {
    await this.placeOutgoing({
      available: this.groupAvailable,
      unavailable: 'Group calls are not available in this browser.',
      screen: { phase: 'starting', peer: '', direction: 'outgoing', video, group: groupId },
      ring: async media => await this.parley.groupCall(groupId, media),
      attach: (screen, call) => {
        screen.groupCall = call
        screen.peer = call.initiator.phone
        this.watchGroup(screen, call)
      },
      hangup: async call => { await call.leave() }
    })
  }

  /**
   * What placing a 1:1 or group call shares: a notice when calls are unavailable or one is under way, the screen at
   * once, the microphone (and camera), then `ring`; a hang-up while the devices opened or the rings went out is honoured.
   */
  private async placeOutgoing<C extends Call | GroupCall> (o: {
    available: boolean
    unavailable: string
    screen: Pick<CallScreen, 'phase' | 'peer' | 'direction' | 'video'> & { group?: string }
    ring: (media: { media: { audio: MediaStreamTrack, video?: MediaStreamTrack }, video: boolean }) => Promise<C>
    attach: (screen: CallScreen, call: C) => void
    hangup: (call: C) => Promise<void>
  }): Promise<void> {
    if (!o.available) {
      this.setNotice(o.unavailable)
      return
    }
    if (this.inCall) {
      this.setNotice('You are already in a call.')
      return
    }
    this.notice = undefined
    const screen = this.show(o.screen)
    let media: Media
    try {
      media = await this.openMedia(screen, o.screen.video)
    } catch (err) {
      this.drop(screen)
      this.setNotice(describe(err))
      return
    }
    if (this.screen !== screen || screen.byUs) {
      // hung up while the microphone was opening
      stopAll(screen)
      return
    }
    let call: C
    try {
      call = await o.ring({ media: { audio: media.mic, ...(media.camera != null ? { video: media.camera } : {}) }, video: media.camera != null })
    } catch (err) {
      stopAll(screen)
      this.drop(screen)
      this.setNotice(describe(err))
      return
    }
    screen.video = call.video
    o.attach(screen, call)
    if (this.screen !== screen || screen.byUs) {
      // hung up while the rings were being sent
      screen.byUs = true
      await o.hangup(call)
      return
    }
    if (!call.ended) screen.phase = 'call'
    void this.loadDevices()
    this.app.changed()
  }

  /** Takes the ringing call: with the camera on when `withVideo`, else as a voice call. A microphone that cannot be used leaves it ringing, with the reason. */
  async accept (withVideo: boolean): Promise<void> {
    const screen = this.screen
    const call = screen?.call ?? screen?.groupCall
    if (screen?.phase !== 'incoming' || call == null || screen.working) return
    screen.working = true
    this.notice = undefined
    this.tone.stop()
    this.app.changed()
    let media: Media
    try {
      media = await this.openMedia(screen, withVideo)
    } catch (err) {
      screen.working = false
      if (this.screen === screen && screen.phase === 'incoming' && !call.ended) this.tone.start('ring')
      this.setNotice(describe(err))
      return
    }
    screen.working = false
    if (this.screen !== screen || screen.phase !== 'incoming' || call.ended) {
      stopAll(screen)
      return
    }
    screen.phase = 'call'
    screen.closeNotification?.()
    this.app.changed()
    const sending = { audio: media.mic, ...(media.camera != null ? { video: media.camera } : {}) }
    const group = screen.groupCall
    try {
      if (group != null) await group.join(sending)
      else await screen.call?.accept(sending)
    } catch (err) {
      // the call ended as failed ('ended' closed the screen); the person hears why. A group call that could not be
      // joined (it is full, it ended meanwhile) is left: nothing of ours stays in it
      this.setNotice(describe(err))
      if (group != null && !group.ended) {
        screen.byUs = true
        await group.leave().catch(() => {})
      }
    }
    void this.loadDevices()
  }

  /** Says no to the ringing call. */
  decline (): void {
    const screen = this.screen
    const call = screen?.call ?? screen?.groupCall
    if (screen?.phase !== 'incoming' || call == null) return
    screen.byUs = true
    call.decline().catch(() => {})
  }

  /** Ends the call on screen (a group call: leaves it), or cancels one being placed, or closes an ended call's screen. */
  hangup (): void {
    const screen = this.screen
    if (screen == null) return
    if (screen.phase === 'ended') {
      this.drop(screen)
      return
    }
    screen.byUs = true
    if (screen.call == null && screen.groupCall == null) {
      // being placed: place() hangs the call up if the ring was already on its way
      stopAll(screen)
      this.drop(screen)
      return
    }
    screen.call?.hangup().catch(() => {})
    screen.groupCall?.leave().catch(() => {})
  }

  /** An ended call's "Call again": the same kind of call to the same number, or in the same group. */
  async callAgain (): Promise<void> {
    const screen = this.screen
    if (screen?.phase !== 'ended') return
    this.drop(screen)
    if (screen.group != null) await this.placeGroup(screen.group, screen.video)
    else await this.place(screen.peer, screen.video)
  }

  toggleMute (): void {
    const call = this.screen?.call ?? this.screen?.groupCall
    if (call == null || call.ended) return
    call.setMuted(!call.muted)
    this.app.changed()
  }

  /** Camera off (its track stops: the light goes out), or on: a voice call becomes a video call, with no renegotiation. */
  async toggleCamera (): Promise<void> {
    await this.cameraChange(async (screen, call) => {
      const old = screen.camera
      if (old != null) {
        screen.camera = undefined
        await call.setCamera(null)
        old.stop()
        return
      }
      const track = await this.openCamera(screen)
      if (call.ended || this.screen !== screen) {
        track.stop()
        return
      }
      screen.camera = track
      await call.setCamera(track)
    })
  }

  /** The next camera (front ⇄ back on a phone). The one in use stops first: many phones open one camera at a time. */
  async switchCamera (): Promise<void> {
    await this.cameraChange(async (screen, call) => {
      const old = screen.camera
      if (old == null || this.cameras.length < 2) return
      const current = old.getSettings().deviceId
      const at = this.cameras.findIndex(c => c.deviceId === current)
      const next = this.cameras[(at + 1) % this.cameras.length].deviceId
      old.stop()
      let track: MediaStreamTrack | undefined
      try {
        track = await this.openCamera(screen, next)
      } catch (err) {
        // back to the camera we had, if it opens again; the reason is said either way
        this.setNotice(describe(err))
        track = current != null ? await this.openCamera(screen, current).catch(() => undefined) : undefined
      }
      if (call.ended || this.screen !== screen) {
        track?.stop()
        return
      }
      screen.camera = track
      await call.setCamera(track ?? null)
    })
  }

  /** Plays the call on another speaker (the screen's <audio> takes it with setSinkId). */
  setSpeaker (deviceId: string): void {
    this.sinkId = deviceId
    this.app.changed()
  }

  setNotice (text: string | undefined): void {
    this.notice = text
    this.app.changed()
  }

  /** Hangs up and lets go of the microphone, camera and tone (the page stops). */
  stop (): void {
    const screen = this.screen
    if (screen != null) {
      screen.byUs = true
      screen.call?.hangup().catch(() => {})
      screen.groupCall?.leave().catch(() => {})
      stopAll(screen)
    }
    this.tone.stop()
    if (this.closeTimer != null) clearTimeout(this.closeTimer)
  }

  private show (s: Pick<CallScreen, 'phase' | 'peer' | 'direction' | 'video'> & { call?: Call, group?: string, groupCall?: GroupCall }): CallScreen {
    if (this.closeTimer != null) clearTimeout(this.closeTimer)
    this.closeTimer = undefined
    const screen: CallScreen = { ...s, id: ++screens, tracks: new Set(), connected: false, byUs: false, working: false }
    this.screen = screen
    this.app.changed()
    return screen
  }

  /** Closes `screen` if it is the one shown. */
  private drop (screen: CallScreen): void {
    if (this.screen !== screen) return
    if (this.closeTimer != null) clearTimeout(this.closeTimer)
    this.closeTimer = undefined
    this.screen = undefined
    this.app.changed()
  }

  private onIncoming (call: Call): void {
    if (call.ended) return
    if (this.inCall) {
      // only while one of ours is being placed (the SDK answers "busy" itself once a call exists)
      call.decline().catch(() => {})
      return
    }
    const screen = this.show({ phase: 'incoming', peer: call.peer, direction: 'incoming', video: call.video, call })
    this.watch(screen, call)
    if (call.ended) return
    this.tone.start('ring')
    screen.closeNotification = notifyCall(call.id, this.app.displayName(call.peer), `Incoming ${call.video ? 'video' : 'voice'} call`)
  }

  /**
   * A group call rings here: its screen, the ring tone and (tab hidden) a notification. While another call is on
   * screen it is left to ring out unanswered (a missed group call in the log), never declined for the person.
   */
  private onIncomingGroup (call: GroupCall): void {
    if (call.ended || this.inCall) return
    const screen = this.show({ phase: 'incoming', peer: call.initiator.phone, direction: 'incoming', video: call.video, group: call.groupId, groupCall: call })
    this.watchGroup(screen, call)
    if (call.ended) return
    this.tone.start('ring')
    screen.closeNotification = notifyCall(call.id, this.app.groupName(call.groupId), `${this.app.displayName(call.initiator.phone)}: incoming group ${call.video ? 'video' : 'voice'} call`)
  }

  /**
   * Follows a group call: participants joining, connecting, changing their media and leaving re-render the screen;
   * the one who started it hears the ringback until the first participant comes; 'ended' as for a 1:1 call.
   */
  private watchGroup (screen: CallScreen, call: GroupCall): void {
    const update = (): void => {
      const others = call.participants()
      if (others.some(p => p.state === 'connected')) screen.connected = true
      if (this.screen === screen && this.tone.playing === 'ringback' && others.length > 0) this.tone.stop()
      this.app.changed()
    }
    call.on('state', update)
    call.on('participant', update)
    call.on('track', () => { this.app.changed() })
    call.on('ended', reason => { this.onEnded(screen, reason) })
    if (call.ended) this.onEnded(screen, call.endReason ?? 'normal')
    else if (call.direction === 'outgoing' && call.participants().length === 0) this.tone.start('ringback')
  }

  private watch (screen: CallScreen, call: Call): void {
    call.on('state', s => {
      if (s === 'connected') {
        screen.connected = true
        if (this.screen === screen) this.tone.stop()
      }
      this.app.changed()
    })
    call.on('ringing', () => {
      if (this.screen === screen && call.state === 'calling') this.tone.start('ringback')
      this.app.changed()
    })
    call.on('track', () => { this.app.changed() })
    call.on('remote-media', () => { this.app.changed() })
    call.on('ended', reason => { this.onEnded(screen, reason) })
    if (call.ended) this.onEnded(screen, call.endReason ?? 'normal')
    else if (call.peerRinging && call.state === 'calling') this.tone.start('ringback')
  }

  private onEnded (screen: CallScreen, reason: HangupReason): void {
    screen.closeNotification?.()
    stopAll(screen)
    if (this.screen !== screen) return
    this.tone.stop()
    screen.phase = 'ended'
    screen.endReason = reason
    if (screen.byUs) {
      this.drop(screen)
      return
    }
    const callAgain = offersCallAgain(reason, screen.direction, screen.connected)
    if (this.closeTimer != null) clearTimeout(this.closeTimer)
    this.closeTimer = setTimeout(() => { this.drop(screen) }, callAgain ? CALL_AGAIN_SHOW_MS : ENDED_SHOW_MS)
    this.app.changed()
  }

  private onRecord (r: CallRecord): void {
    const rest = this.records.filter(x => x.id !== r.id)
    rest.push(r)
    rest.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1))
    this.records = rest.slice(0, CALL_HISTORY_SHOWN)
    this.app.changed()
  }

  /** The microphone, and the camera for a video call. A camera that fails leaves a voice call (and says why); a microphone that fails is CallMediaError. */
  private async openMedia (screen: CallScreen, video: boolean): Promise<Media> {
    const devices = navigator.mediaDevices
    if (devices?.getUserMedia == null) throw new CallMediaError(mediaErrorText(undefined, video ? 'both' : 'microphone'))
    let cameraError: unknown
    if (video) {
      try {
        const stream = await devices.getUserMedia({ audio: AUDIO, video: screen.group != null ? GROUP_FIRST_CAMERA : FIRST_CAMERA })
        return this.keep(screen, stream)
      } catch (err) {
        cameraError = err
      }
    }
    let stream: MediaStream
    try {
      stream = await devices.getUserMedia({ audio: AUDIO })
    } catch (err) {
      throw new CallMediaError(mediaErrorText(err, 'microphone'))
    }
    const media = this.keep(screen, stream)
    if (video) this.setNotice(`${mediaErrorText(cameraError, 'camera')} The call goes on without video.`)
    return media
  }

  private keep (screen: CallScreen, stream: MediaStream): Media {
    for (const t of stream.getTracks()) screen.tracks.add(t)
    // the call ended while the browser was asking: nothing stays open
    if (screen.phase === 'ended') stopAll(screen)
    screen.mic = stream.getAudioTracks()[0]
    screen.camera = stream.getVideoTracks()[0]
    return { mic: screen.mic, ...(screen.camera != null ? { camera: screen.camera } : {}) }
  }

  private async openCamera (screen: CallScreen, deviceId?: string): Promise<MediaStreamTrack> {
    let stream: MediaStream
    try {
      const size = screen.group != null ? GROUP_VIDEO_SIZE : VIDEO_SIZE
      stream = await navigator.mediaDevices.getUserMedia({ video: deviceId != null ? { ...size, deviceId: { exact: deviceId } } : screen.group != null ? GROUP_FIRST_CAMERA : FIRST_CAMERA })
    } catch (err) {
      throw new CallMediaError(mediaErrorText(err, 'camera'))
    }
    const [track] = stream.getVideoTracks()
    screen.tracks.add(track)
    if (screen.phase === 'ended') track.stop()
    return track
  }

  /** Runs a camera change once at a time; what fails is said, never thrown. */
  private async cameraChange (work: (screen: CallScreen, call: Call | GroupCall) => Promise<void>): Promise<void> {
    const screen = this.screen
    const call = screen?.call ?? screen?.groupCall
    if (screen == null || call == null || call.ended || screen.working) return
    screen.working = true
    this.notice = undefined
    this.app.changed()
    try {
      await work(screen, call)
    } catch (err) {
      this.setNotice(describe(err))
    } finally {
      screen.working = false
      void this.loadDevices()
      this.app.changed()
    }
  }

  /** The cameras and speakers there are now (names are known once a permission was given). */
  private async loadDevices (): Promise<void> {
    const all = await navigator.mediaDevices?.enumerateDevices?.().catch(() => []) ?? []
    this.cameras = all.filter(d => d.kind === 'videoinput' && d.deviceId !== '')
    this.speakers = all.filter(d => d.kind === 'audiooutput' && d.deviceId !== '')
    if (this.sinkId !== '' && !this.speakers.some(d => d.deviceId === this.sinkId)) this.sinkId = ''
    this.app.changed()
  }
}

interface Media { mic: MediaStreamTrack, camera?: MediaStreamTrack }

let screens = 0

/** Stops every track the call opened (the camera light goes out, the microphone is free). */
function stopAll (screen: CallScreen): void {
  for (const t of screen.tracks) t.stop()
  screen.tracks.clear()
  screen.mic = undefined
  screen.camera = undefined
}
