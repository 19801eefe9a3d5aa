/** One group call: a full mesh of PeerLinks (one per other participant's device, up to MAX_GROUP_CALL_PARTICIPANTS), who offers to whom, ringing, joining, leaving, and each participant's SFrame sending key: made anew whenever someone joins or leaves, sent to the others over the 1:1 sessions, switched to once they have it. Knows no store, group state or network: membership was checked by the Calls service, frames are encrypted through the FrameKeys port. */
import { toHex } from '../crypto/bytes.js'
import { Emitter } from '../messaging/emitter.js'
import { HANGUP_TTL_MS, KEY_SWITCH_DELAY_MS, MAX_GROUP_CALL_PARTICIPANTS, OLD_KEY_GRACE_MS, RING_TIMEOUT_MS, SIGNAL_TTL_MS } from './constants.js'
import { CallStateError } from './errors.js'
import { PeerLink, type CallMedia, type CallStats, type LinkNetwork, linkNetwork } from './peer-link.js'
import { signal, type CallSignal, type HangupReason, type ParticipantRef } from './signal.js'

/** Bytes of a participant's SFrame base key (the SFrame layer's default suite takes 16..64). */
const SEND_KEY_BYTES = 32
/** Generations of a sender's keys start at a random point below this, so a key id is not reused across its calls. */
const FIRST_GENERATION_RANGE = 2 ** 20

/**
 * The frame encryption of one keyring (one per call for our sending key, one per remote participant for theirs):
 * `SFrameCall` of the web client fits. Frames on a participant's link are opened only with that participant's keys.
 */
export interface FrameKeys {
  /** limits a transceiver to codecs whose frames survive encryption (before any description) */
  prepare?: (transceiver: RTCRtpTransceiver) => void
  encrypt: (sender: RTCRtpSender) => void
  decrypt: (receiver: RTCRtpReceiver) => void
  setSendKey: (kid: bigint, key: Uint8Array) => Promise<void>
  addReceiveKey: (kid: bigint, key: Uint8Array) => Promise<void>
  removeReceiveKey: (kid: bigint) => Promise<void>
  close: () => void
}

export type GroupCallState = 'ringing' | 'joined' | 'ended'

/** A participant as the app shows it. */
export interface GroupParticipant {
  phone: string
  device: number
  /** media flows with it ('connected'), not yet or lost for now ('connecting') */
  state: 'connecting' | 'connected'
  remote: { muted: boolean, camera: boolean }
  tracks: MediaStreamTrack[]
}

export interface GroupCallEvents {
  state: GroupCallState
  /** a participant joined, connected, changed its media or left (`left: true`) */
  participant: GroupParticipant & { left?: boolean }
  /** a participant's audio or video track */
  track: { phone: string, device: number, track: MediaStreamTrack }
  ended: HangupReason
}

/** What a group call needs from the Calls service. */
export interface GroupCallPort extends LinkNetwork {
  self: ParticipantRef
  /** a keyring's frame encryption; absent (Node): frames go out as WebRTC sends them (DTLS-SRTP hop by hop only) */
  frames?: () => FrameKeys
  send: (to: string, s: CallSignal, ttlMs: number) => Promise<void>
  random: (n: number) => Uint8Array
  now: () => number
  ended: (call: GroupCall) => void
  changed: (call: GroupCall) => void
}

export interface GroupCallInit {
  id: Uint8Array
  groupId: Uint8Array
  video: boolean
  startedAt: number
  /** who started it */
  initiator: ParticipantRef
  /** participants known from the ring (ringing), or none yet (we start it) */
  participants: ParticipantRef[]
  state: 'ringing' | 'joined'
}

interface Member {
  ref: ParticipantRef
  key: string
  link?: PeerLink
  offerer: boolean
  connected: boolean
  remote: { muted: boolean, camera: boolean }
  frames?: FrameKeys
  /** the participant's key ids we hold, oldest first */
  kids: number[]
}

const keyOf = (p: ParticipantRef): string => `${p.phone}/${p.device}`

export class GroupCall extends Emitter<GroupCallEvents> {
  readonly id: string
  readonly callId: Uint8Array
  readonly groupId: string
  readonly groupIdBytes: Uint8Array
  readonly video: boolean
  readonly startedAt: number
  readonly initiator: ParticipantRef
  readonly direction: 'outgoing' | 'incoming'
  state: GroupCallState
  endReason?: HangupReason
  /** when we joined (our clock) */
  joinedAt?: number
  /** when media first flowed with a participant (our clock): the call was answered */
  connectedAt?: number
  endedAt?: number
  muted = false
  camera = false
  /** the participants we know of (those we are linked to, or about to be) */
  private readonly members = new Map<string, Member>()
  private media: CallMedia = {}
  private sendFrames?: FrameKeys
  private generation: number
  /** our current sending key id */
  private kid?: number
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()
  /** participants that left or were dropped: not learned again from someone's list */
  private readonly gone = new Set<string>()
  /** the numbers we rang (we started it): told when we end it before anyone joined */
  private rung: string[] = []

  constructor (private readonly port: GroupCallPort, init: GroupCallInit) {
    super()
    this.callId = init.id
    this.id = toHex(init.id)
    this.groupIdBytes = init.groupId
    this.groupId = toHex(init.groupId)
    this.video = init.video
    this.startedAt = init.startedAt
    this.initiator = init.initiator
    this.state = init.state
    this.direction = keyOf(init.initiator) === keyOf(port.self) ? 'outgoing' : 'incoming'
    const r = port.random(4)
    this.generation = ((r[0] << 16) | (r[1] << 8) | r[2]) % FIRST_GENERATION_RANGE
    for (const p of init.participants) if (keyOf(p) !== keyOf(port.self)) this.know(p)
  }

  get ended (): boolean {
    return this.state === 'ended'
  }

  /** The key id of our newest sending key (made on joining, and anew on every join and leave). */
  get sendingKeyId (): number | undefined {
    return this.kid
  }

  /** The participants other than us, as the app shows them. */
  participants (): GroupParticipant[] {
    return [...this.members.values()].map(m => this.view(m))
  }

  /**
   * Starting it (we are the first participant): ring every device of `members` with the group's call. Nobody linked
   * to us within RING_TIMEOUT_MS: the call ends as 'no-answer' and the rung numbers stop ringing.
   */
  async ring (members: string[]): Promise<void> {
    this.rung = members
    this.after(RING_TIMEOUT_MS, () => {
      if (this.state === 'joined' && ![...this.members.values()].some(m => m.link != null)) this.finish('no-answer', true)
    })
    await this.startSending()
    const s = signal(this.callId, 'group-ring', { groupId: this.groupIdBytes, startedAt: this.startedAt, video: this.video, participants: [this.port.self] })
    await Promise.all(members.map(async phone => { await this.port.send(phone, s, SIGNAL_TTL_MS).catch(err => this.port.error(err)) }))
  }

  /** Ringing here: stops after RING_TIMEOUT_MS unless joined. */
  ringHere (): void {
    this.after(RING_TIMEOUT_MS, () => { if (this.state === 'ringing') this.finish('no-answer') })
  }

  /** Joins the call with our media: links to every participant we know. CallStateError when it ended or is full. */
  async join (media: CallMedia = {}): Promise<void> {
    if (this.state !== 'ringing') throw new CallStateError()
    if (this.members.size + 1 > MAX_GROUP_CALL_PARTICIPANTS) throw new CallStateError('This call is full.')
    this.media = media
    this.note(media)
    this.state = 'joined'
    this.joinedAt = this.port.now()
    this.emit('state', 'joined')
    this.port.changed(this)
    await this.startSending()
    // the newcomer offers to everyone it knows of; they answer, and tell everyone who is in the call now
    await Promise.all([...this.members.values()].map(async m => { await this.connect(m, true) }))
  }

  /** Ringing: not joining (nothing is sent; the call goes on without us). */
  async decline (): Promise<void> {
    if (this.state !== 'ringing') throw new CallStateError()
    this.finish('declined')
  }

  /** Leaves the call: the others are told, drop our links and make new keys. */
  async leave (): Promise<void> {
    if (this.ended) return
    if (this.state === 'ringing') return await this.decline()
    this.finish('normal', true)
  }

  setMuted (muted: boolean): void {
    this.muted = muted
    for (const m of this.members.values()) m.link?.setMuted(muted)
    this.announceMedia()
  }

  async setCamera (track: MediaStreamTrack | null): Promise<void> {
    if (this.ended) throw new CallStateError()
    this.camera = track != null
    this.media = { ...this.media, video: track }
    await Promise.all([...this.members.values()].map(async m => { await m.link?.setCamera(track) }))
    this.announceMedia()
  }

  async setMicrophone (track: MediaStreamTrack | null): Promise<void> {
    if (this.ended) throw new CallStateError()
    if (track != null) track.enabled = !this.muted
    this.media = { ...this.media, audio: track }
    await Promise.all([...this.members.values()].map(async m => { await m.link?.setMicrophone(track) }))
  }

  /** One participant's connection figures (zeroes when not linked). */
  async stats (phone: string, device: number): Promise<CallStats | undefined> {
    return await this.members.get(keyOf({ phone, device }))?.link?.stats()
  }

  /** A signal of this call from `from` (a member of the group: the service checked it). */
  async take (s: CallSignal, from: ParticipantRef): Promise<void> {
    if (this.ended || keyOf(from) === keyOf(this.port.self)) return
    const known = this.members.get(keyOf(from))
    switch (s.type) {
      case 'group-ring':
      case 'group-state':
        for (const p of s.participants) this.learn(p)
        this.learn(from)
        return
      case 'offer':
        if (this.state !== 'joined' || s.sdp == null) return
        await this.offered(from, s.sdp)
        return
      case 'answer':
        if (known?.link == null || !known.offerer || s.sdp == null) return
        await known.link.takeAnswer(s.sdp)
        known.link.markDescribed()
        return
      case 'ice':
        await known?.link?.addCandidates(s.candidates)
        return
      case 'update':
        if (s.sdp != null) await known?.link?.takeUpdate(s.sdp, s.seq)
        return
      case 'update-answer':
        if (s.sdp != null) await known?.link?.takeUpdateAnswer(s.sdp, s.seq)
        return
      case 'media':
        if (known == null) return
        known.remote = { muted: s.muted, camera: s.camera }
        this.emit('participant', this.view(known))
        return
      case 'key':
        if (known?.link == null || s.key == null) return
        await this.takeKey(known, s.kid, s.key)
        return
      case 'hangup':
        if (known == null) return
        if (this.state === 'ringing') {
          // the call we ring for lost its participants before we joined (the initiator gave up): it stops ringing
          this.members.delete(known.key)
          if (this.members.size === 0) this.finish('cancelled')
          return
        }
        this.drop(known)
        return
      default:
    }
  }

  /** A participant we heard of: linked at once when we are in the call and it is our turn to offer. */
  private learn (p: ParticipantRef): void {
    if (keyOf(p) === keyOf(this.port.self) || this.members.has(keyOf(p)) || this.gone.has(keyOf(p))) return
    if (this.members.size + 1 >= MAX_GROUP_CALL_PARTICIPANTS) return
    const m = this.know(p)
    // two participants who learn of each other: the greater offers, so the two never offer at once
    if (this.state === 'joined' && keyOf(this.port.self) > m.key) this.connect(m, true).catch(err => this.port.error(err))
  }

  private know (p: ParticipantRef): Member {
    const m: Member = { ref: { phone: p.phone, device: p.device }, key: keyOf(p), offerer: false, connected: false, remote: { muted: false, camera: false }, kids: [] }
    this.members.set(m.key, m)
    return m
  }

  /** An offer from a participant joining (or one that learned of us): answered; everyone hears who is in the call; new keys. */
  private async offered (from: ParticipantRef, sdp: string): Promise<void> {
    // one who left and offers again joins again (its membership was checked by the service)
    this.gone.delete(keyOf(from))
    let m = this.members.get(keyOf(from))
    if (m?.link != null) {
      // both offered at once: the smaller side's offer wins (ours is dropped if we are the smaller)
      if (!(keyOf(this.port.self) < m.key) || !m.offerer) return
      m.link.close()
      m.frames?.close()
      m.link = undefined
      m.frames = undefined
    }
    if (m == null) {
      if (this.members.size + 1 >= MAX_GROUP_CALL_PARTICIPANTS) {
        await this.port.send(from.phone, signal(this.callId, 'hangup', { groupId: this.groupIdBytes, reason: 'busy', toDevice: from.device }), HANGUP_TTL_MS)
        return
      }
      m = this.know(from)
    }
    const link = this.link(m, false)
    const answer = await link.answer(sdp, this.media)
    if (this.ended || m.link !== link) return
    await this.port.send(m.ref.phone, signal(this.callId, 'answer', { groupId: this.groupIdBytes, sdp: answer, toDevice: m.ref.device }), SIGNAL_TTL_MS)
    link.markDescribed()
    this.sendMedia(m)
    this.emit('participant', this.view(m))
    await this.broadcastState()
    await this.rotate()
  }

  /** Links to `m` (as the offering side: sends the offer and our current key). */
  private async connect (m: Member, offerer: boolean): Promise<void> {
    if (m.link != null || this.ended) return
    const link = this.link(m, offerer)
    if (!offerer) return
    const sdp = await link.offer(this.media)
    if (this.ended || m.link !== link) return
    await this.port.send(m.ref.phone, signal(this.callId, 'offer', { groupId: this.groupIdBytes, startedAt: this.startedAt, video: this.video, sdp, toDevice: m.ref.device }), SIGNAL_TTL_MS)
    this.emit('participant', this.view(m))
    await this.sendKey(m)
    this.sendMedia(m)
  }

  private link (m: Member, offerer: boolean): PeerLink {
    m.offerer = offerer
    m.frames = this.port.frames?.()
    const link = new PeerLink({
      ...linkNetwork(this.port),
      send: async (type, fields) => { await this.port.send(m.ref.phone, signal(this.callId, type, { ...fields, groupId: this.groupIdBytes, toDevice: m.ref.device }), SIGNAL_TTL_MS) },
      transceiver: t => {
        // our frames are sealed with our key for everyone; theirs are opened only with their keys (their own keyring)
        m.frames?.prepare?.(t)
        if (this.sendFrames != null) this.sendFrames.encrypt(t.sender)
        m.frames?.decrypt(t.receiver)
      }
    }, offerer)
    m.link = link
    link.on('track', track => this.emit('track', { ...m.ref, track }))
    link.on('connection', c => {
      const was = m.connected
      m.connected = c === 'connected'
      if (m.connected && this.connectedAt == null) {
        this.connectedAt = this.port.now()
        this.port.changed(this)
      }
      if (c === 'failed') {
        this.drop(m)
        return
      }
      if (was !== m.connected) this.emit('participant', this.view(m))
    })
    return link
  }

  /** Our sending keyring, and our first key (receivers get it as links form). */
  private async startSending (): Promise<void> {
    if (this.port.frames == null || this.sendFrames != null) return
    this.sendFrames = this.port.frames()
    await this.newKey(false)
  }

  /** A new sending key: sent to every participant, switched to once they have it (KEY_SWITCH_DELAY_MS). */
  private async rotate (): Promise<void> {
    if (this.sendFrames == null || this.ended) return
    await this.newKey(true)
    await Promise.all([...this.members.values()].filter(m => m.link != null).map(async m => { await this.sendKey(m) }))
  }

  private currentKey?: Uint8Array

  private async newKey (delay: boolean): Promise<void> {
    this.generation++
    const kid = this.generation * 16
    const key = this.port.random(SEND_KEY_BYTES)
    this.kid = kid
    this.currentKey = key
    const frames = this.sendFrames!
    if (!delay) {
      await frames.setSendKey(BigInt(kid), key)
      return
    }
    this.after(KEY_SWITCH_DELAY_MS, () => {
      if (this.kid === kid) frames.setSendKey(BigInt(kid), key).catch(err => this.port.error(err))
    })
  }

  private async sendKey (m: Member): Promise<void> {
    if (this.kid == null || this.currentKey == null) return
    await this.port.send(m.ref.phone, signal(this.callId, 'key', { groupId: this.groupIdBytes, kid: this.kid, key: this.currentKey, toDevice: m.ref.device }), SIGNAL_TTL_MS)
  }

  /** A participant's new key: taken for its frames; its previous one is dropped after OLD_KEY_GRACE_MS. */
  private async takeKey (m: Member, kid: number, key: Uint8Array): Promise<void> {
    if (m.frames == null || m.kids.includes(kid)) return
    await m.frames.addReceiveKey(BigInt(kid), key)
    m.kids.push(kid)
    const old = m.kids.slice(0, -1)
    this.after(OLD_KEY_GRACE_MS, () => {
      for (const k of old) {
        if (!m.kids.includes(k) || m.frames == null) continue
        m.kids.splice(m.kids.indexOf(k), 1)
        m.frames.removeReceiveKey(BigInt(k)).catch(err => this.port.error(err))
      }
    })
  }

  /** Tells every participant who is in the call now (so those who joined at once link to each other). */
  private async broadcastState (): Promise<void> {
    const participants = [this.port.self, ...[...this.members.values()].filter(m => m.link != null).map(m => m.ref)]
    await Promise.all([...this.members.values()].filter(m => m.link != null).map(async m => {
      await this.port.send(m.ref.phone, signal(this.callId, 'group-state', { groupId: this.groupIdBytes, participants, toDevice: m.ref.device }), SIGNAL_TTL_MS)
    }))
  }

  /**
   * These numbers are no longer members of the group (removed, or left it): their links and keys go at once and we
   * make a new key, as if they had left the call; a ring from one of them stops.
   */
  expel (phones: string[]): void {
    if (this.ended) return
    for (const m of [...this.members.values()]) {
      if (!phones.includes(m.ref.phone)) continue
      if (this.state === 'ringing') {
        this.members.delete(m.key)
        if (this.members.size === 0) this.finish('cancelled')
        continue
      }
      this.drop(m)
    }
  }

  /** A participant left (or its link failed): its link and keys go, we make a new key; alone, we end. */
  private drop (m: Member): void {
    if (!this.members.has(m.key)) return
    this.members.delete(m.key)
    // a participants list sent before it went does not bring it back (it may offer again itself, if still a member)
    this.gone.add(m.key)
    m.link?.close()
    m.frames?.close()
    this.emit('participant', { ...this.view(m), left: true })
    if (this.state !== 'joined') return
    if (![...this.members.values()].some(x => x.link != null)) {
      this.finish('normal')
      return
    }
    this.rotate().catch(err => this.port.error(err))
  }

  private announceMedia (): void {
    if (this.state !== 'joined') return
    for (const m of this.members.values()) if (m.link != null) this.sendMedia(m)
  }

  /** Tells `m` whether our microphone is muted and our camera on (on linking, and on every change). */
  private sendMedia (m: Member): void {
    this.port.send(m.ref.phone, signal(this.callId, 'media', { groupId: this.groupIdBytes, muted: this.muted, camera: this.camera, toDevice: m.ref.device }), SIGNAL_TTL_MS).catch(err => this.port.error(err))
  }

  private note (media: CallMedia): void {
    if (media.audio != null) media.audio.enabled = !this.muted
    if (media.video != null) this.camera = true
  }

  private view (m: Member): GroupParticipant {
    return { phone: m.ref.phone, device: m.ref.device, state: m.connected ? 'connected' : 'connecting', remote: { ...m.remote }, tracks: [...(m.link?.remoteTracks ?? [])] }
  }

  private finish (reason: HangupReason, notify = false): void {
    if (this.ended) return
    this.endReason = reason
    this.endedAt = this.port.now()
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    for (const m of this.members.values()) {
      if (notify && m.link != null) {
        this.port.send(m.ref.phone, signal(this.callId, 'hangup', { groupId: this.groupIdBytes, reason, toDevice: m.ref.device }), HANGUP_TTL_MS).catch(err => this.port.error(err))
      }
      m.link?.close()
      m.frames?.close()
    }
    this.sendFrames?.close()
    if (notify && this.rung.length > 0 && this.members.size === 0) {
      // nobody joined: the numbers we rang stop ringing
      const s = signal(this.callId, 'hangup', { groupId: this.groupIdBytes, reason: 'cancelled' })
      for (const phone of this.rung) this.port.send(phone, s, HANGUP_TTL_MS).catch(err => this.port.error(err))
    }
    this.state = 'ended'
    this.emit('state', 'ended')
    this.emit('ended', reason)
    this.port.ended(this)
  }

  private after (ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t)
      fn()
    }, ms)
    this.timers.add(t)
  }
}

