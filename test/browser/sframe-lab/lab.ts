// A test page for test/browser/sframe.test.ts: two RTCPeerConnections in one tab (loopback) sending Chromium's fake camera and microphone through the web client's SFrame transforms, driven from the test through `globalThis.sframeLab`.
import { SFrameCall, preferSFrameCodecs, type SFrameStats } from '../../../web/src/calls/sframe.js'
import { newSFrameBaseKey, parleySFrameKid, SFrameKeyReuseError } from '../../../src/browser.js'

/** What the test reads of the receiving side: video from getStats, audio samples decoded (not concealment), and both workers' counters. */
export interface LabSnapshot {
  framesDecoded: number
  keyFramesDecoded: number
  /** key frame requests (RTCP PLI) the receiver sent */
  pliCount: number
  frameWidth: number
  codec: string
  /** samples decoded from received audio (totalSamplesReceived less the concealment NetEq makes up when nothing arrives) */
  audioSamplesDecoded: number
  sender: LabWorkerStats
  receiver: LabWorkerStats
}

/** SFrameStats with KIDs as strings (the test reads them through page.evaluate). */
export type LabWorkerStats = Omit<SFrameStats, 'sendKid' | 'receiveKids'> & { sendKid?: string, receiveKids: string[] }

export interface Lab {
  /** Starts the call: the sender's key (participant 1, generation 0) is set on the sender and known to the receiver. */
  start: (options: { codec?: string }) => Promise<void>
  snapshot: () => Promise<LabSnapshot>
  /** The sender moves to a new key of `participant` at `generation`; the receiver is not told. */
  rotate: (participant: number, generation: number) => Promise<void>
  /** The receiver learns the sender's current key. */
  shareCurrentKey: () => Promise<void>
  /** The receiver forgets the sender's current key. */
  removeCurrentKey: () => Promise<void>
  /** Sets the sender's current KID again with a fresh key; the name of the error it is refused with, or 'accepted'. */
  reuseCurrentKid: () => Promise<string>
  stop: () => void
}

declare global {
  var sframeLab: Lab
}

const SENDER_SLOT = 1
let sending: SFrameCall | undefined
let receiving: SFrameCall | undefined
let a: RTCPeerConnection | undefined
let b: RTCPeerConnection | undefined
let media: MediaStream | undefined
let current: { kid: bigint, key: Uint8Array } = { kid: 0n, key: new Uint8Array(0) }

function plain (stats: SFrameStats): LabWorkerStats {
  return { ...stats, sendKid: stats.sendKid?.toString(), receiveKids: stats.receiveKids.map(k => k.toString()) }
}

async function start ({ codec }: { codec?: string }): Promise<void> {
  sending = new SFrameCall()
  receiving = new SFrameCall()
  current = { kid: parleySFrameKid(SENDER_SLOT, 0), key: newSFrameBaseKey() }
  await sending.setSendKey(current.kid, current.key)
  await receiving.addReceiveKey(current.kid, current.key)

  media = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } })
  a = new RTCPeerConnection()
  b = new RTCPeerConnection()
  const [from, to] = [a, b]
  from.onicecandidate = e => { if (e.candidate != null) void to.addIceCandidate(e.candidate) }
  to.onicecandidate = e => { if (e.candidate != null) void from.addIceCandidate(e.candidate) }
  const rx = receiving
  to.ontrack = e => {
    rx.decrypt(e.receiver, { stream: e.track.kind, participant: SENDER_SLOT })
    // a sink, so the receiver plays (and so decodes) what arrives
    const element = document.createElement(e.track.kind === 'video' ? 'video' : 'audio')
    element.muted = true
    element.autoplay = true
    element.srcObject = new MediaStream([e.track])
    document.body.append(element)
  }
  for (const track of media.getTracks()) {
    const transceiver = from.addTransceiver(track, { direction: 'sendonly', streams: [media] })
    sending.encrypt(transceiver.sender)
    if (track.kind === 'video') {
      preferSFrameCodecs(transceiver)
      if (codec !== undefined) {
        const all = RTCRtpReceiver.getCapabilities('video')?.codecs ?? []
        transceiver.setCodecPreferences([...all.filter(c => c.mimeType === codec), ...all.filter(c => c.mimeType !== codec && c.mimeType === 'video/rtx')])
      }
    }
  }
  await from.setLocalDescription()
  await to.setRemoteDescription(from.localDescription!)
  await to.setLocalDescription()
  await from.setRemoteDescription(to.localDescription!)
}

async function snapshot (): Promise<LabSnapshot> {
  let video: Record<string, unknown> = {}
  let audio: Record<string, unknown> = {}
  const codecs = new Map<string, string>()
  const report = await b!.getStats()
  report.forEach((s: Record<string, unknown>) => {
    if (s.type === 'inbound-rtp' && s.kind === 'video') video = s
    if (s.type === 'inbound-rtp' && s.kind === 'audio') audio = s
    if (s.type === 'codec') codecs.set(s.id as string, s.mimeType as string)
  })
  const n = (v: unknown): number => typeof v === 'number' ? v : 0
  return {
    framesDecoded: n(video.framesDecoded),
    keyFramesDecoded: n(video.keyFramesDecoded),
    pliCount: n(video.pliCount),
    frameWidth: n(video.frameWidth),
    codec: codecs.get(video.codecId as string) ?? '',
    audioSamplesDecoded: n(audio.totalSamplesReceived) - n(audio.concealedSamples),
    sender: plain(await sending!.stats()),
    receiver: plain(await receiving!.stats())
  }
}

async function rotate (participant: number, generation: number): Promise<void> {
  current = { kid: parleySFrameKid(participant, generation), key: newSFrameBaseKey() }
  await sending!.setSendKey(current.kid, current.key)
}

globalThis.sframeLab = {
  start,
  snapshot,
  rotate,
  shareCurrentKey: async () => { await receiving!.addReceiveKey(current.kid, current.key) },
  removeCurrentKey: async () => { await receiving!.removeReceiveKey(current.kid) },
  reuseCurrentKid: async () => {
    try {
      await sending!.setSendKey(current.kid, newSFrameBaseKey())
      return 'accepted'
    } catch (err) {
      return err instanceof SFrameKeyReuseError ? err.name : `other: ${String(err)}`
    }
  },
  stop: () => {
    a?.close()
    b?.close()
    media?.getTracks().forEach(t => { t.stop() })
    sending?.close()
    receiving?.close()
  }
}
