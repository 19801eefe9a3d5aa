// A call whose network path goes away mid-call and comes back another way (a network change): both sides relay-only
// through TURN server A (the relay's embedded TURN server, in this process); A stops — the path the call used no
// longer exists — and the ICE servers the SDK has now name TURN server B. The caller restarts ICE, both sides ask
// for their ICE servers again and gather through B, and the call goes reconnecting → connected with audio flowing
// again, never ended. Signals are handed straight across in this process (as in calls-unit), so every wait is on the
// media path alone and bounded by an event.
import { describe, it, expect, afterEach } from 'vitest'
import wrtc from '@roamhq/wrtc'
import { randomBytes } from 'node:crypto'
import { Calls, type Call } from '../../src/calls/index.js'
import { createMemoryStorage } from '../../src/storage/memory/index.js'
import { startEmbeddedTurn, type EmbeddedTurnServer } from '../../relay-node/src/turn/embedded.js'
import { issueTurnCredential } from '../../relay-node/src/turn/credentials.js'
import { freeTurnPort } from '../relay/webrtc-relay.js'
import { toneMicrophone } from './audio-helpers.js'

const WAIT = 90_000
const SECRET = 'ab'.repeat(32)
const peerConnection = (config: RTCConfiguration): RTCPeerConnection => new wrtc.RTCPeerConnection(config) as unknown as RTCPeerConnection

/** A TURN server on loopback and an ICE server entry for it with a fresh credential. */
async function turnServer (): Promise<{ server: EmbeddedTurnServer, ice: RTCIceServer }> {
  const port = await freeTurnPort()
  const server = await startEmbeddedTurn({ relayIp: '127.0.0.1', port, minPort: 30000, maxPort: 39999, allowLoopback: true, secret: SECRET, log: () => {} })
  const credential = issueTurnCredential(SECRET, Date.now() + 3_600_000)
  server.grant(credential)
  return { server, ice: { urls: `turn:127.0.0.1:${port}?transport=udp`, username: credential.username, credential: credential.credential } }
}

async function state (call: Call, wanted: string): Promise<void> {
  if (call.state === wanted) return
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => { reject(new Error(`still ${call.state}, not ${wanted}`)) }, WAIT)
    call.on('state', s => {
      if (s === wanted) {
        clearTimeout(t)
        resolve()
      } else if (s === 'ended') {
        clearTimeout(t)
        reject(new Error(`the call ended (${call.endReason ?? 'no reason'}) instead of becoming ${wanted}`))
      }
    })
  })
}

/** Resolves once `call` has received `bytes` more audio bytes than `from`. */
async function audioBeyond (call: Call, from: number, bytes: number): Promise<number> {
  const deadline = Date.now() + WAIT
  for (;;) {
    const now = (await call.stats()).audioBytesReceived
    if (now > from + bytes) return now
    if (Date.now() > deadline) throw new Error(`audio stuck at ${now} bytes`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

const cleanup: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c()
})

describe('a call across a network change', () => {
  it('loses its path (its TURN server gone), restarts ICE through the ICE servers it has now, and goes on: reconnecting, then connected, audio flowing again', async () => {
    const a = await turnServer()
    const b = await turnServer()
    cleanup.push(async () => { await a.server.stop() }, async () => { await b.server.stop() })
    // what each side's SDK would hand out now: TURN server A until the network changes
    let ice: RTCIceServer[] = [a.ice]
    const sides: Record<string, Calls> = {}
    const make = (phone: string, device: number): Calls => {
      const calls = new Calls({
        send: async (to, bytes) => {
          const taken = await sides[to].takeSignal(phone, { identityKey: new Uint8Array(32), deviceId: device }, bytes)
          setImmediate(() => taken.after?.())
        },
        kv: createMemoryStorage().kv('calls'),
        peerConnection,
        iceServers: async () => ice,
        iceTransportPolicy: 'relay',
        deviceId: device,
        normalize: p => p,
        now: Date.now,
        random: n => new Uint8Array(randomBytes(n))
      })
      sides[phone] = calls
      cleanup.push(async () => { await calls.stop() })
      return calls
    }
    const alice = make('+1alice', 1)
    const bob = make('+1bob', 2)
    const errors: unknown[] = []
    alice.on('error', err => errors.push(err))
    bob.on('error', err => errors.push(err))
    const micA = toneMicrophone()
    const micB = toneMicrophone()
    cleanup.push(() => { micA.stop(); micB.stop() })

    const ringing = new Promise<Call>(resolve => { bob.once('incoming', resolve) })
    const call = await alice.place('+1bob', { media: { audio: micA.track } })
    const answered = await ringing
    await answered.accept({ audio: micB.track })
    await state(call, 'connected')
    const before = await audioBeyond(call, 0, 2_000)
    expect((await call.stats()).relayed).toBe(true)

    const states: string[] = []
    call.on('state', s => { states.push(s); if (process.env.DEBUG_NC != null) console.log(Date.now() - t0, s) })
    const t0 = Date.now()
    // the network change: the path through A is gone; what the SDK has now is B
    ice = [b.ice]
    await a.server.stop()
    await state(call, 'reconnecting')
    await state(call, 'connected')
    expect(call.ended).toBe(false)
    expect(answered.ended).toBe(false)
    // media flows again, both ways, over a relayed path through B
    await audioBeyond(call, before, 2_000)
    await audioBeyond(answered, (await answered.stats()).audioBytesReceived, 2_000)
    expect((await call.stats()).relayed).toBe(true)
    expect(b.server.stats.allocations).toBeGreaterThan(0)
    expect(states[0]).toBe('reconnecting')
    expect(states.at(-1)).toBe('connected')
    expect(errors).toEqual([])
    await call.hangup()
  }, 240_000)
})
