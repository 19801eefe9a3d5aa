/**
 * Two Node WebRTC peer connections (@roamhq/wrtc) forced through TURN (`iceTransportPolicy: 'relay'`), for the relay's
 * TURN tests: connect them over a data channel, pass a message each way, and read from getStats which candidate pair
 * carried it; or gather one side's candidates to see whether a credential opens any relay path. Every wait is bounded
 * by an event and a timeout.
 */
import { createSocket } from 'node:dgram'
import { createServer } from 'node:net'
import { RTCPeerConnection } from '@roamhq/wrtc'

/** What a relay-only call between two peer connections did. */
export interface RelayedCall {
  /** the message each side received */
  aGot: string
  bGot: string
  /** the candidate types of the pair a's transport selected */
  local: string
  remote: string
}

/** Resolves with the first value `register` hands to its callback, or rejects after `ms` with `what`. */
async function within<T> (ms: number, what: string, register: (done: (value: T) => void, fail: (err: Error) => void) => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    return await new Promise<T>((resolve, reject) => {
      timer = setTimeout(() => { reject(new Error(`${what} did not happen in ${ms} ms`)) }, ms)
      register(resolve, reject)
    })
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Connects two peer connections with these ICE servers, through them only (`relay`, the default) or letting ICE
 * choose (`all`), sends one message each way on a data channel, and reports the selected pair.
 */
export async function dataChannelCall (iceServers: RTCIceServer[], policy: RTCIceTransportPolicy = 'relay', timeoutMs = 30_000): Promise<RelayedCall> {
  const config: RTCConfiguration = { iceServers, iceTransportPolicy: policy }
  const a = new RTCPeerConnection(config)
  const b = new RTCPeerConnection(config)
  try {
    a.onicecandidate = e => { if (e.candidate != null) void b.addIceCandidate(e.candidate).catch(() => {}) }
    b.onicecandidate = e => { if (e.candidate != null) void a.addIceCandidate(e.candidate).catch(() => {}) }
    const channel = a.createDataChannel('turn-test')
    const bGot = within<string>(timeoutMs, 'b receiving a message', done => {
      b.ondatachannel = e => {
        e.channel.onmessage = m => {
          done(String(m.data))
          e.channel.send('pong from b')
        }
      }
    })
    const aGot = within<string>(timeoutMs, 'a receiving the answer', (done, fail) => {
      channel.onopen = () => { channel.send('ping from a') }
      channel.onmessage = m => { done(String(m.data)) }
      a.onconnectionstatechange = () => { if (a.connectionState === 'failed') fail(new Error('the connection failed')) }
    })
    await a.setLocalDescription(await a.createOffer())
    await b.setRemoteDescription(a.localDescription!)
    await b.setLocalDescription(await b.createAnswer())
    await a.setRemoteDescription(b.localDescription!)
    const [fromA, fromB] = await Promise.all([bGot, aGot])
    const stats = await a.getStats()
    const byId = new Map<string, Record<string, unknown>>()
    stats.forEach((s: Record<string, unknown>) => { byId.set(String(s.id), s) })
    const transport = [...byId.values()].find(s => s.type === 'transport' && s.selectedCandidatePairId != null)
    const pair = transport != null ? byId.get(String(transport.selectedCandidatePairId)) : [...byId.values()].find(s => s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded')
    if (pair == null) throw new Error('no selected candidate pair in the stats')
    return {
      bGot: fromA,
      aGot: fromB,
      local: String(byId.get(String(pair.localCandidateId))?.candidateType),
      remote: String(byId.get(String(pair.remoteCandidateId))?.candidateType)
    }
  } finally {
    a.close()
    b.close()
  }
}

/** The candidates one relay-only peer connection gathers with these ICE servers (none: no TURN allocation succeeded). */
export async function gatherRelayCandidates (iceServers: RTCIceServer[], timeoutMs = 30_000): Promise<string[]> {
  const pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: 'relay' })
  try {
    const candidates: string[] = []
    pc.createDataChannel('gather')
    const complete = within<void>(timeoutMs, 'candidate gathering to complete', done => {
      pc.onicecandidate = e => {
        if (e.candidate == null) done()
        else candidates.push(e.candidate.candidate)
      }
    })
    await pc.setLocalDescription(await pc.createOffer())
    await complete
    return candidates
  } finally {
    pc.close()
  }
}

/** A port free on loopback for both UDP and TCP now (coturn takes both). */
export async function freeTurnPort (): Promise<number> {
  for (;;) {
    const udp = createSocket('udp4')
    await new Promise<void>(resolve => { udp.bind(0, '127.0.0.1', resolve) })
    const { port } = udp.address()
    const tcp = createServer()
    const ok = await new Promise<boolean>(resolve => { tcp.once('error', () => { resolve(false) }); tcp.listen(port, '127.0.0.1', () => { resolve(true) }) })
    await new Promise<void>(resolve => { udp.close(() => { resolve() }) })
    if (ok) {
      await new Promise<void>(resolve => { tcp.close(() => { resolve() }) })
      return port
    }
  }
}
