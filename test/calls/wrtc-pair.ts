/** Two @roamhq/wrtc peer connections in one process, connected by handing offer, answer and ICE candidates across directly (no signalling channel): for tests of Node's call media. Every wait is bounded; close() stops everything it made. */
import type { NodeWebRtc } from '../../src/calls/node/peer-connection.js'

/** Generous: set-up takes ~10 ms on loopback, but a loaded 2-core machine can stall for seconds. */
export const CONNECT_TIMEOUT_MS = 30_000

export interface PeerPair {
  a: RTCPeerConnection
  b: RTCPeerConnection
  /** The first remote track of `kind` each side receives (the track event fires during negotiation). */
  remote: (side: 'a' | 'b', kind: 'audio' | 'video') => Promise<MediaStreamTrack>
  close: () => void
}

/** Creates both peer connections; `setup` adds local tracks to each before the offer. Resolves once both are connected. */
export async function connectPair (webrtc: NodeWebRtc, setup: (a: RTCPeerConnection, b: RTCPeerConnection) => void): Promise<PeerPair> {
  const a = new webrtc.RTCPeerConnection({ iceServers: [] })
  const b = new webrtc.RTCPeerConnection({ iceServers: [] })
  const tracks = { a: new Map<string, MediaStreamTrack>(), b: new Map<string, MediaStreamTrack>() }
  const waiters: Array<() => void> = []
  const onTrack = (side: 'a' | 'b') => (e: RTCTrackEvent) => {
    if (!tracks[side].has(e.track.kind)) tracks[side].set(e.track.kind, e.track)
    for (const w of waiters.splice(0)) w()
  }
  a.ontrack = onTrack('a')
  b.ontrack = onTrack('b')
  const close = (): void => {
    for (const pc of [a, b]) {
      pc.ontrack = null
      pc.onicecandidate = null
      pc.onconnectionstatechange = null
      pc.close()
    }
  }
  try {
    // candidates may come before the other side has its remote description: keep them until it has
    const pending = { a: [] as RTCIceCandidateInit[], b: [] as RTCIceCandidateInit[] }
    const ready = { a: false, b: false }
    const deliver = (to: 'a' | 'b', pc: RTCPeerConnection, c: RTCIceCandidateInit): void => {
      if (ready[to]) void pc.addIceCandidate(c)
      else pending[to].push(c)
    }
    a.onicecandidate = e => { if (e.candidate != null) deliver('b', b, e.candidate) }
    b.onicecandidate = e => { if (e.candidate != null) deliver('a', a, e.candidate) }
    const connected = Promise.all([a, b].map(async pc => { await untilConnected(pc) }))
    setup(a, b)
    await a.setLocalDescription(await a.createOffer())
    await b.setRemoteDescription(a.localDescription!)
    ready.b = true
    for (const c of pending.b.splice(0)) await b.addIceCandidate(c)
    await b.setLocalDescription(await b.createAnswer())
    await a.setRemoteDescription(b.localDescription!)
    ready.a = true
    for (const c of pending.a.splice(0)) await a.addIceCandidate(c)
    await connected
  } catch (err) {
    close()
    throw err
  }
  const remote = async (side: 'a' | 'b', kind: 'audio' | 'video'): Promise<MediaStreamTrack> => {
    const deadline = Date.now() + CONNECT_TIMEOUT_MS
    for (;;) {
      const t = tracks[side].get(kind)
      if (t != null) return t
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no remote ${kind} track on ${side}`)
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, left)
        waiters.push(() => { clearTimeout(timer); resolve() })
      })
    }
  }
  return { a, b, remote, close }
}

/** Resolves when `pc` reports 'connected' (or is already), rejects on 'failed'/'closed' or after CONNECT_TIMEOUT_MS. */
async function untilConnected (pc: RTCPeerConnection): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { done(new Error(`not connected in ${CONNECT_TIMEOUT_MS} ms (${pc.connectionState})`)) }, CONNECT_TIMEOUT_MS)
    const check = (): void => {
      if (pc.connectionState === 'connected') done()
      else if (pc.connectionState === 'failed' || pc.connectionState === 'closed') done(new Error(`connection ${pc.connectionState}`))
    }
    const done = (err?: Error): void => {
      clearTimeout(timer)
      pc.removeEventListener('connectionstatechange', check)
      if (err != null) reject(err)
      else resolve()
    }
    pc.addEventListener('connectionstatechange', check)
    check()
  })
}
