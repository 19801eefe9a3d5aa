// A call forced through the relay's TURN (relay-only ICE on both sides, `parley-relay --turn`): the SDK asks its
// mailbox relay for short-lived credentials over /parley/turn/1.0.0, the call connects over a relayed path, and
// audio flows both ways. (A relay restart mid-call is covered at the TURN server: test/relay/turn-embedded.test.ts.)
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import wrtc from '@roamhq/wrtc'
import type { Parley } from '../../src/index.js'
import type { Call } from '../../src/calls/index.js'
import { registeredDevice, startTestRelay, collect, type TestRelay } from '../messaging/helpers.js'
import { freeTurnPort } from '../relay/webrtc-relay.js'
import { toneMicrophone } from './audio-helpers.js'
import { tempDir } from '../helpers/tmp.js'

type TempDir = Awaited<ReturnType<typeof tempDir>>
const WAIT = 60_000
const peerConnection = (config: RTCConfiguration): RTCPeerConnection => new wrtc.RTCPeerConnection(config) as unknown as RTCPeerConnection

async function connected (call: Call): Promise<void> {
  if (call.state === 'connected') return
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => { reject(new Error(`still ${call.state}`)) }, WAIT)
    call.on('state', s => { if (s === 'connected') { clearTimeout(t); resolve() } })
  })
}

describe('a call through the relay\'s TURN', () => {
  let dir: TempDir
  let relay: TestRelay
  let alice: Parley
  let bob: Parley
  let turnArgs: string[] = []
  const mics: Array<{ stop: () => void }> = []

  beforeAll(async () => {
    dir = await tempDir()
    const port = await freeTurnPort()
    turnArgs = ['--turn', '--turn-allow-loopback', '--turn-port', String(port), '--turn-min-port', '20000', '--turn-max-port', '29999']
    relay = await startTestRelay(`${dir.path}/relay`, [], turnArgs)
    alice = await registeredDevice(dir.path, 'alice', '+14155550401', [relay], { peerConnection, iceTransportPolicy: 'relay' })
    bob = await registeredDevice(dir.path, 'bob', '+14155550402', [relay], { peerConnection, iceTransportPolicy: 'relay' })
  }, 180_000)

  afterAll(async () => {
    for (const m of mics) m.stop()
    await alice?.stop()
    await bob?.stop()
    await relay?.relay.stop()
    await dir?.remove()
  }, 60_000)

  /** Alice calls Bob, each with a tone as the microphone; resolves once Alice's side is connected. */
  async function callBob (): Promise<{ call: Call, ringing: Call }> {
    const incoming = collect<Call>(push => bob.calls.on('incoming', push))
    const a = toneMicrophone()
    const b = toneMicrophone()
    mics.push(a, b)
    const call = await alice.call('+14155550402', { media: { audio: a.track } })
    const [ringing] = await incoming.until(1, WAIT, 'the ring')
    await ringing.accept({ audio: b.track })
    await connected(call)
    return { call, ringing }
  }

  it('connects over a relayed path with relay-only ICE, audio both ways', async () => {
    expect(alice.calls.relayOnlyCalls).toBe(true)
    const { call, ringing } = await callBob()
    try {
      await connected(ringing)
      const deadline = Date.now() + WAIT
      for (;;) {
        const [sa, sb] = [await call.stats(), await ringing.stats()]
        // (the selected pair shows in the stats a moment after media starts on a loaded machine)
        if (sa.audioBytesReceived > 1_000 && sb.audioBytesReceived > 1_000 && sa.relayed != null && sb.relayed != null) {
          expect(sa.relayed).toBe(true)
          expect(sb.relayed).toBe(true)
          break
        }
        if (Date.now() > deadline) throw new Error(`no audio: ${JSON.stringify({ sa, sb })}`)
        await new Promise(resolve => setTimeout(resolve, 100))
      }
    } finally {
      // the next case places a call of its own
      await call.hangup()
      await new Promise<void>(resolve => { if (ringing.ended) resolve(); else ringing.once('ended', () => { resolve() }) })
    }
  }, 120_000)

})
