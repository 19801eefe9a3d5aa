// The call layer between two Calls services in this process (signals handed straight across, memory stores,
// @roamhq/wrtc on loopback): a man in the middle who rewrites the DTLS fingerprint in a description cannot
// complete the call; descriptions naming no or two certificates are refused; signals for another device are not
// taken; a ring with no WebRTC here is a missed call; the log survives a restart and repairs calls left open.
import { describe, it, expect, afterEach } from 'vitest'
import wrtc from '@roamhq/wrtc'
import { randomBytes } from 'node:crypto'
import { Calls, type Call } from '../../src/calls/index.js'
import { decodeSignal, encodeSignal, signal, type CallSignal } from '../../src/calls/signal.js'
import { dtlsFingerprint } from '../../src/calls/sdp.js'
import { CallLog } from '../../src/calls/log.js'
import { createMemoryStorage } from '../../src/storage/memory/index.js'
import type { KeyValueStore } from '../../src/storage/index.js'
import { UnboundDescriptionError, InvalidCallSignalError } from '../../src/calls/errors.js'
import { CONNECT_TIMEOUT_MS } from '../../src/calls/constants.js'

const WAIT = 30_000
const peerConnection = (config: RTCConfiguration): RTCPeerConnection => new wrtc.RTCPeerConnection(config) as unknown as RTCPeerConnection

interface Side { calls: Calls, phone: string, device: number, errors: unknown[] }

/** Two services; `tap` may rewrite (or drop: undefined) each signal on its way. */
function pair (tap: (s: CallSignal, from: string) => CallSignal | undefined = s => s, opts: { bobRtc?: boolean, aliceKv?: KeyValueStore } = {}): { alice: Side, bob: Side } {
  const sides: Record<string, Side> = {}
  const make = (phone: string, device: number, rtc: boolean): Side => {
    const errors: unknown[] = []
    const calls = new Calls({
      send: async (to, bytes) => {
        const s = tap(decodeSignal(bytes), phone)
        if (s == null) return
        const peer = sides[to]
        const taken = await peer.calls.takeSignal(phone, { identityKey: new Uint8Array(32), deviceId: device }, encodeSignal(s))
        setImmediate(() => taken.after?.())
      },
      kv: phone === '+1alice' && opts.aliceKv != null ? opts.aliceKv : createMemoryStorage().kv('calls'),
      ...(rtc ? { peerConnection } : {}),
      deviceId: device,
      normalize: p => p,
      now: Date.now,
      random: n => new Uint8Array(randomBytes(n))
    })
    calls.on('error', err => errors.push(err))
    return { calls, phone, device, errors }
  }
  sides['+1alice'] = make('+1alice', 1, true)
  sides['+1bob'] = make('+1bob', 7, opts.bobRtc !== false)
  return { alice: sides['+1alice'], bob: sides['+1bob'] }
}

async function next<T> (subscribe: (fn: (v: T) => void) => void, what: string, wait = WAIT): Promise<T> {
  return await new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => { reject(new Error(`${what}: not within ${wait} ms`)) }, wait)
    subscribe(v => { clearTimeout(t); resolve(v) })
  })
}

const open: Calls[] = []
afterEach(async () => {
  for (const c of open.splice(0)) await c.stop()
})

/** A data-only peer connection's fingerprint: an attacker's own certificate. */
async function attackerFingerprint (): Promise<string> {
  const pc = peerConnection({})
  pc.addTransceiver('audio')
  const offer = await pc.createOffer()
  pc.close()
  return dtlsFingerprint(offer.sdp ?? '')
}

describe('the call layer in one process', () => {
  it('connects when nothing tampers (the control for the next case)', async () => {
    const { alice, bob } = pair()
    open.push(alice.calls, bob.calls)
    const ringing = next<Call>(fn => bob.calls.once('incoming', fn), 'ring')
    const call = await alice.calls.place('+1bob')
    await (await ringing).accept()
    await next<unknown>(fn => { call.on('state', s => { if (s === 'connected') fn(s) }) }, 'alice connected')
    expect(call.peerDevice).toBe(7)
  }, 60_000)

  it('a man in the middle who swaps the fingerprint in the answer cannot complete the call: it ends as failed', async () => {
    const fake = await attackerFingerprint()
    const { alice, bob } = pair(s => {
      if (s.type !== 'answer' || s.sdp == null) return s
      return { ...s, sdp: s.sdp.replace(/^a=fingerprint:sha-256 \S+$/gm, `a=fingerprint:sha-256 ${fake}`) }
    })
    open.push(alice.calls, bob.calls)
    const ringing = next<Call>(fn => bob.calls.once('incoming', fn), 'ring')
    const call = await alice.calls.place('+1bob')
    await (await ringing).accept()
    // DTLS fails at once; were that unseen, the connect timeout would still end it, never connected
    const reason = await next<string>(fn => call.once('ended', fn), 'the call ends', CONNECT_TIMEOUT_MS + WAIT)
    expect(reason).toBe('failed')
    expect(call.connectedAt).toBeUndefined()
    expect(call.remoteFingerprint).toBe(fake)
  }, CONNECT_TIMEOUT_MS + 60_000)

  it('a description naming two certificates, or none, or a weaker hash, is refused', () => {
    const one = 'a=fingerprint:sha-256 ' + Array.from({ length: 32 }, () => 'AB').join(':')
    const other = 'a=fingerprint:sha-256 ' + Array.from({ length: 32 }, () => 'CD').join(':')
    expect(dtlsFingerprint(`v=0\r\n${one}\r\n${one}\r\n`)).toMatch(/^AB:/)
    expect(() => dtlsFingerprint(`v=0\r\n${one}\r\n${other}\r\n`)).toThrow(UnboundDescriptionError)
    expect(() => dtlsFingerprint('v=0\r\n')).toThrow(UnboundDescriptionError)
    expect(() => dtlsFingerprint(`v=0\r\na=fingerprint:sha-1 ${Array.from({ length: 20 }, () => 'AB').join(':')}\r\n`)).toThrow(UnboundDescriptionError)
    expect(() => dtlsFingerprint(`v=0\r\n${one}\r\na=fingerprint:sha-1 ${Array.from({ length: 20 }, () => 'AB').join(':')}\r\n`)).toThrow(UnboundDescriptionError)
  })

  it('a signal naming another device of the number is not taken by this one', async () => {
    const { alice, bob } = pair()
    open.push(alice.calls, bob.calls)
    const rang: Call[] = []
    bob.calls.on('incoming', c => rang.push(c))
    const offer = signal(new Uint8Array(16).fill(9), 'offer', { startedAt: Date.now(), sdp: 'v=0\r\n', toDevice: 3 })
    const taken = await bob.calls.takeSignal('+1alice', { identityKey: new Uint8Array(32), deviceId: 1 }, encodeSignal(offer))
    taken.after?.()
    expect(rang).toEqual([])
    expect(await bob.calls.history()).toEqual([])
  })

  it('a ring on a device without WebRTC is logged as missed and does not ring', async () => {
    const { alice, bob } = pair(s => s, { bobRtc: false })
    open.push(alice.calls, bob.calls)
    expect(bob.calls.available).toBe(false)
    const rang: Call[] = []
    bob.calls.on('incoming', c => rang.push(c))
    const logged = next<unknown>(fn => bob.calls.on('record', fn), 'a record at bob')
    const call = await alice.calls.place('+1bob')
    await logged
    const [r] = await bob.calls.history()
    expect(r).toMatchObject({ id: call.id, peer: '+1alice', direction: 'incoming', outcome: 'missed' })
    expect(rang).toEqual([])
  }, 60_000)

  it('a stale ring (its call began over a minute ago) is logged as missed, not rung', async () => {
    const { bob } = pair()
    open.push(bob.calls)
    const rang: Call[] = []
    bob.calls.on('incoming', c => rang.push(c))
    const offer = signal(new Uint8Array(16).fill(5), 'offer', { startedAt: Date.now() - 120_000, sdp: 'v=0\r\n' })
    const taken = await bob.calls.takeSignal('+1alice', { identityKey: new Uint8Array(32), deviceId: 1 }, encodeSignal(offer))
    taken.after?.()
    expect(rang).toEqual([])
    expect((await bob.calls.history())[0]).toMatchObject({ outcome: 'missed', peer: '+1alice' })
  })

  it('damaged signals are dropped with InvalidCallSignalError and nothing is logged', async () => {
    const { bob } = pair()
    const bad = [new Uint8Array([0xff, 0xff, 0xff]), encodeSignal(signal(new Uint8Array(16), 'ice')).subarray(1)]
    for (const b of bad) expect((await bob.calls.takeSignal('+1alice', { identityKey: new Uint8Array(32), deviceId: 1 }, b)).taken).toBe(false)
    expect(bob.errors.some(e => e instanceof InvalidCallSignalError)).toBe(true)
    expect(() => encodeSignal(signal(new Uint8Array(15), 'ice'))).toThrow(InvalidCallSignalError)
    expect(() => encodeSignal(signal(new Uint8Array(16), 'offer', { startedAt: 1 }))).toThrow(InvalidCallSignalError)
    expect(() => encodeSignal(signal(new Uint8Array(16), 'ice', { sdp: 'v=0' }))).toThrow(InvalidCallSignalError)
    expect(() => encodeSignal(signal(new Uint8Array(16), 'offer', { startedAt: 1, sdp: 'x'.repeat(33 * 1024) }))).toThrow(InvalidCallSignalError)
    expect(await bob.calls.history()).toEqual([])
  })

  it('a call gone from calls() is ended in history(), even when the "connected" write is still under way as it ends', async () => {
    // a store whose writes are held while `holding`, then let through newest first: a slow first write
    const inner = createMemoryStorage().kv('calls')
    let holding = false
    const held: Array<() => void> = []
    const kv: KeyValueStore = Object.create(inner)
    kv.batch = async (ops, options) => {
      if (holding) await new Promise<void>(resolve => held.push(resolve))
      await inner.batch(ops, options)
    }
    const { alice, bob } = pair(s => s, { aliceKv: kv })
    open.push(alice.calls, bob.calls)
    const ringing = next<Call>(fn => bob.calls.once('incoming', fn), 'ring')
    const call = await alice.calls.place('+1bob')
    holding = true
    await (await ringing).accept()
    await next<unknown>(fn => { call.on('state', s => { if (s === 'connected') fn(s) }) }, 'alice connected')
    await call.hangup()
    expect(alice.calls.calls()).toEqual([])
    holding = false
    for (const release of held.splice(0).reverse()) release()
    expect((await alice.calls.history())[0]).toMatchObject({ id: call.id, outcome: 'answered', direction: 'outgoing' })
    expect(alice.errors).toEqual([])
  }, 60_000)

  it('the log keeps records across a restart, newest first, and marks calls left open as missed or failed', async () => {
    const storage = createMemoryStorage()
    const log = new CallLog(storage.kv('calls'))
    await log.put({ id: 'a1', peer: '+1a', direction: 'incoming', video: false, at: 1_000, outcome: 'ongoing' })
    await log.put({ id: 'b2', peer: '+1b', direction: 'outgoing', video: true, at: 2_000, outcome: 'ongoing' })
    await log.put({ id: 'c3', peer: '+1a', direction: 'outgoing', video: false, at: 3_000, connectedAt: 3_500, outcome: 'ongoing' })
    const again = new CallLog(storage.kv('calls'))
    expect((await again.list()).map(r => r.id)).toEqual(['c3', 'b2', 'a1'])
    expect((await again.list({ peer: '+1a' })).map(r => r.id)).toEqual(['c3', 'a1'])
    await again.repair(9_000)
    expect(Object.fromEntries((await again.list()).map(r => [r.id, r.outcome]))).toEqual({ a1: 'missed', b2: 'failed', c3: 'answered' })
    expect((await again.get('a1'))?.endedAt).toBe(9_000)
  })
})
