// 1:1 calls between Node devices over a relay process: the signalling travels in the end-to-end sessions (direct or
// through the mailbox), WebRTC (@roamhq/wrtc) carries real audio both ways; hang-up, decline, busy, a ring that
// reached a device offline (a missed call in its log), and a third party that knows the call id cannot end it.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import wrtc from '@roamhq/wrtc'
import type { Parley } from '../../src/index.js'
import type { Call, CallRecord } from '../../src/calls/index.js'
import { encodeSignal, signal } from '../../src/calls/signal.js'
import { fromHex } from '../../src/crypto/bytes.js'
import { internals } from '../../src/client/internals.js'
import { registeredDevice, startTestRelay, converse, collect, type TestRelay } from '../messaging/helpers.js'
import { tempDir } from '../helpers/tmp.js'

type TempDir = Awaited<ReturnType<typeof tempDir>>

const ALICE = '+14155550301'
const BOB = '+14155550302'
const CAROL = '+14155550303'
const WAIT = 60_000

const peerConnection = (config: RTCConfiguration): RTCPeerConnection => new wrtc.RTCPeerConnection(config) as unknown as RTCPeerConnection

/** A microphone in Node: a 440 Hz tone fed in 10 ms frames while the test runs. */
function tone (): { track: MediaStreamTrack, stop: () => void } {
  const source = new wrtc.nonstandard.RTCAudioSource()
  const track = source.createTrack()
  let phase = 0
  const timer = setInterval(() => {
    const samples = new Int16Array(480)
    for (let i = 0; i < samples.length; i++) samples[i] = Math.round(Math.sin(2 * Math.PI * 440 * (phase++) / 48_000) * 8_000)
    source.onData({ samples, sampleRate: 48_000, bitsPerSample: 16, channelCount: 1, numberOfFrames: 480 })
  }, 10)
  return { track: track as unknown as MediaStreamTrack, stop: () => { clearInterval(timer); track.stop() } }
}

/** Resolves when `call` reaches `state` (bounded). */
async function reach (call: Call, state: Call['state'], what: string): Promise<void> {
  if (call.state === state) return
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => { reject(new Error(`${what}: still ${call.state} after ${WAIT} ms`)) }, WAIT)
    const on = (s: Call['state']): void => {
      if (s !== state) return
      clearTimeout(t)
      call.off('state', on)
      resolve()
    }
    call.on('state', on)
  })
}

/** Polls a condition on the connection's stats until it holds (stats have no event; bounded). */
async function statsUntil (call: Call, ok: (s: Awaited<ReturnType<Call['stats']>>) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT
  for (;;) {
    const s = await call.stats()
    if (ok(s)) return
    if (Date.now() > deadline) throw new Error(`${what}: ${JSON.stringify(s)}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

/** The record of call `id` in `device`'s log once it has outcome `outcome` (records change as events; bounded). */
async function logged (device: Parley, id: string, outcome: CallRecord['outcome']): Promise<CallRecord> {
  const deadline = Date.now() + WAIT
  for (;;) {
    const r = (await device.calls.history()).find(x => x.id === id)
    if (r?.outcome === outcome) return r
    if (Date.now() > deadline) throw new Error(`call ${id}: ${r?.outcome ?? 'no record'}, not ${outcome}`)
    await new Promise<void>(resolve => { device.calls.once('record', () => { resolve() }); setTimeout(resolve, 250) })
  }
}

describe('1:1 calls between Node devices', () => {
  let dir: TempDir
  let relay: TestRelay
  let alice: Parley
  let bob: Parley
  let carol: Parley
  const mics: Array<{ stop: () => void }> = []
  const mic = (): MediaStreamTrack => {
    const m = tone()
    mics.push(m)
    return m.track
  }

  beforeAll(async () => {
    dir = await tempDir()
    relay = await startTestRelay(`${dir.path}/relay`)
    alice = await registeredDevice(dir.path, 'alice', ALICE, [relay], { peerConnection })
    bob = await registeredDevice(dir.path, 'bob', BOB, [relay], { peerConnection })
    carol = await registeredDevice(dir.path, 'carol', CAROL, [relay], { peerConnection })
    await converse({ device: alice, phone: ALICE }, { device: bob, phone: BOB })
  }, 180_000)

  afterAll(async () => {
    for (const m of mics) m.stop()
    await alice?.stop()
    await bob?.stop()
    await carol?.stop()
    await relay?.relay.stop()
    await dir?.remove()
  }, 60_000)

  it('rings, connects, carries audio both ways, and a hang-up on one side ends both; both logs say answered', async () => {
    const incoming = collect<Call>(push => bob.calls.on('incoming', push))
    const call = await alice.call(BOB, { media: { audio: mic() } })
    expect(call.state).toBe('calling')
    const [ringing] = await incoming.until(1, WAIT, 'the ring at bob')
    expect(ringing.peer).toBe(ALICE)
    expect(ringing.id).toBe(call.id)
    expect(ringing.state).toBe('ringing')
    await ringing.accept({ audio: mic() })
    await reach(call, 'connected', 'alice connected')
    await reach(ringing, 'connected', 'bob connected')
    // the fingerprint each side holds came through the end-to-end session
    expect(call.remoteFingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
    await statsUntil(call, s => s.audioBytesReceived > 2_000 && s.audioBytesSent > 2_000, 'audio both ways at alice')
    await statsUntil(ringing, s => s.audioBytesReceived > 2_000 && s.audioBytesSent > 2_000, 'audio both ways at bob')
    const ended = new Promise(resolve => call.once('ended', resolve))
    await ringing.hangup()
    expect(await ended).toBe('normal')
    expect(ringing.endReason).toBe('normal')
    const a = await logged(alice, call.id, 'answered')
    const b = await logged(bob, call.id, 'answered')
    expect(a.direction).toBe('outgoing')
    expect(b.direction).toBe('incoming')
    expect(a.connectedAt).toBeGreaterThan(0)
    expect(a.endedAt).toBeGreaterThanOrEqual(a.connectedAt!)
  }, 120_000)

  it('a declined call ends at the caller as declined; both logs say declined', async () => {
    const incoming = collect<Call>(push => bob.calls.on('incoming', push))
    const call = await alice.call(BOB, { media: { audio: mic() } })
    const [ringing] = await incoming.until(1, WAIT, 'the ring at bob')
    const ended = new Promise(resolve => call.once('ended', resolve))
    await ringing.decline()
    expect(await ended).toBe('declined')
    await logged(alice, call.id, 'declined')
    await logged(bob, call.id, 'declined')
  }, 120_000)

  it('a second caller hears busy while a call is on; the callee logs it as missed', async () => {
    const incoming = collect<Call>(push => bob.calls.on('incoming', push))
    const first = await alice.call(BOB, { media: { audio: mic() } })
    const [ringing] = await incoming.until(1, WAIT, 'the ring at bob')
    await ringing.accept({ audio: mic() })
    await reach(first, 'connected', 'alice connected')
    const second = await carol.call(BOB, { media: { audio: mic() } })
    const ended = new Promise(resolve => second.once('ended', resolve))
    expect(await ended).toBe('busy')
    await logged(carol, second.id, 'busy')
    await logged(bob, second.id, 'missed')
    expect(incoming.items).toHaveLength(1)
    expect(first.state).toBe('connected')
    await first.hangup()
    await reach(ringing, 'ended', 'bob ended')
  }, 120_000)

  it('someone else who knows the call id cannot hang it up', async () => {
    const incoming = collect<Call>(push => bob.calls.on('incoming', push))
    const call = await alice.call(BOB, { media: { audio: mic() } })
    const [ringing] = await incoming.until(1, WAIT, 'the ring at bob')
    await ringing.accept({ audio: mic() })
    await reach(ringing, 'connected', 'bob connected')
    // carol forges alice's hang-up (and a decline) for this call, through her own session with bob
    const forged = [signal(fromHex(call.id), 'hangup', { reason: 'normal' }), signal(fromHex(call.id), 'hangup', { reason: 'failed' })]
    for (const s of forged) await internals(carol).messenger.sendCallSignal(BOB, encodeSignal(s), { ttlMs: 60_000 })
    // a text after them on the same session: once bob has it, he has taken the forged signals too
    const atBob = collect<{ text: string }>(push => bob.on('message', push))
    await carol.send(BOB, 'after the forgery')
    await atBob.until(1, WAIT, 'carol\'s text at bob')
    expect(ringing.state).toBe('connected')
    expect(call.state).toBe('connected')
    await call.hangup()
    await reach(ringing, 'ended', 'bob ended by alice')
  }, 120_000)

  it('a ring that reached a device while it was offline, then cancelled, is a missed call in its log', async () => {
    await bob.stop()
    const call = await alice.call(BOB, { media: { audio: mic() } })
    await call.hangup()
    expect(call.endReason).toBe('cancelled')
    await logged(alice, call.id, 'cancelled')
    // both signals wait at bob's mailbox relay; they are taken when bob comes back
    bob = await registeredDeviceAgain()
    const r = await logged(bob, call.id, 'missed')
    expect(r.peer).toBe(ALICE)
    expect(r.direction).toBe('incoming')
  }, 180_000)

  /** Bob's device opened again on its folder. */
  async function registeredDeviceAgain (): Promise<Parley> {
    const { openDevice } = await import('../messaging/helpers.js')
    return await openDevice(dir.path, 'bob', [relay], { peerConnection })
  }
})
