// Group calls between Calls services in this process (signals handed straight across, memory stores, a stand-in for
// the group layer and for the frame keyrings, @roamhq/wrtc on loopback): a participant's microphone and camera as
// they were when it joined reach the others without any change (so a screen shows its video, or that it is muted);
// a ring that came before the app listened waits for its first listener;
// the one who starts a call nobody joins gives up after the ring's length, the rung numbers stop ringing, and the log
// says "no answer", not "answered"; a call that connected is answered from the moment media first flowed.
import { describe, it, expect, afterEach, vi } from 'vitest'
import wrtc from '@roamhq/wrtc'
import { randomBytes } from 'node:crypto'
import { Calls, type GroupCall, type FrameKeys } from '../../src/calls/index.js'
import { decodeSignal, type CallSignal } from '../../src/calls/signal.js'
import { createMemoryStorage } from '../../src/storage/memory/index.js'
import { RING_TIMEOUT_MS } from '../../src/calls/constants.js'

const WAIT = 30_000
const GROUP = 'ab'.repeat(32)
const peerConnection = (config: RTCConfiguration): RTCPeerConnection => new wrtc.RTCPeerConnection(config) as unknown as RTCPeerConnection

/** Frame keyrings that only record (Node has no frame transforms). */
const frames = (): FrameKeys => ({
  encrypt: () => {},
  decrypt: () => {},
  setSendKey: async () => {},
  addReceiveKey: async () => {},
  removeReceiveKey: async () => {},
  close: () => {}
})

interface Side { calls: Calls, phone: string, sent: Array<{ to: string, s: CallSignal }>, errors: unknown[] }

/** Services for `phones` (device 1 each), all members of GROUP; every signal is recorded, then delivered unless `deliver` is false. */
function services (phones: string[], deliver = true): Side[] {
  const sides = new Map<string, Side>()
  for (const phone of phones) {
    const sent: Side['sent'] = []
    const errors: unknown[] = []
    const calls = new Calls({
      send: async (to, bytes) => {
        sent.push({ to, s: decodeSignal(bytes) })
        const peer = sides.get(to)
        if (!deliver || peer == null) return
        const taken = await peer.calls.takeSignal(phone, { identityKey: new Uint8Array(32), deviceId: 1 }, bytes)
        setImmediate(() => taken.after?.())
      },
      kv: createMemoryStorage().kv('calls'),
      peerConnection,
      deviceId: 1,
      normalize: p => p,
      now: Date.now,
      random: n => new Uint8Array(randomBytes(n)),
      groups: { isMember: async () => true, others: async () => phones.filter(p => p !== phone) },
      frames,
      self: async () => phone
    })
    calls.on('error', err => errors.push(err))
    sides.set(phone, { calls, phone, sent, errors })
  }
  return [...sides.values()]
}

async function until (what: string, ok: () => boolean, call: GroupCall): Promise<void> {
  if (ok()) return
  await new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (!ok()) return
      clearTimeout(t)
      call.off('participant', check)
      resolve()
    }
    const t = setTimeout(() => { call.off('participant', check); reject(new Error(`${what}: not within ${WAIT} ms`)) }, WAIT)
    call.on('participant', check)
  })
}

const open: Calls[] = []
const tracks: MediaStreamTrack[] = []
afterEach(async () => {
  vi.useRealTimers()
  for (const c of open.splice(0)) await c.stop()
  for (const t of tracks.splice(0)) t.stop()
})

describe('group calls in one process', () => {
  it('tells each participant the others\' microphone and camera as they joined, with no change needed', async () => {
    const [alice, bob] = services(['+14155550601', '+14155550602'])
    open.push(alice.calls, bob.calls)
    const camera = new wrtc.nonstandard.RTCVideoSource().createTrack() as unknown as MediaStreamTrack
    const mic = new wrtc.nonstandard.RTCAudioSource().createTrack() as unknown as MediaStreamTrack
    tracks.push(camera, mic)
    const ringing = new Promise<GroupCall>(resolve => bob.calls.once('incoming-group', resolve))
    // alice starts it with her camera on; bob mutes before he joins (the ringing screen's mute)
    const call = await alice.calls.startGroupCall(GROUP, { media: { video: camera }, video: true })
    const atBob = await ringing
    atBob.setMuted(true)
    await atBob.join({ audio: mic })
    await until('alice hears bob is muted', () => call.participants().some(p => p.phone === '+14155550602' && p.state === 'connected' && p.remote.muted), call)
    await until('bob sees alice\'s camera on', () => atBob.participants().some(p => p.phone === '+14155550601' && p.remote.camera), atBob)
    expect(call.participants()[0].remote).toEqual({ muted: true, camera: false })
    expect(atBob.participants()[0].remote).toEqual({ muted: false, camera: true })
    expect(call.connectedAt).toBeTypeOf('number')

    await atBob.leave()
    await new Promise<void>(resolve => { if (call.ended) resolve(); else call.once('ended', () => resolve()) })
    // the record is written after the end (the log's write is not awaited by the call)
    await vi.waitFor(async () => { expect((await alice.calls.history())[0]?.outcome).toBe('answered') })
    const [record] = await alice.calls.history()
    expect(record).toMatchObject({ id: call.id, group: GROUP, direction: 'outgoing', connectedAt: call.connectedAt })
    expect(record.connectedAt).toBeGreaterThanOrEqual(call.joinedAt!)
    expect([...alice.errors, ...bob.errors]).toEqual([])
  }, 60_000)

  it('holds a group ring that came before the app listened (a page starting) until its first listener', async () => {
    const [alice, bob] = services(['+14155550601', '+14155550602'])
    open.push(alice.calls, bob.calls)
    const call = await alice.calls.startGroupCall(GROUP)
    await vi.waitFor(() => { expect(bob.calls.groupCalls().length).toBe(1) }, { timeout: WAIT })
    // handed on to the first listener as it subscribes (a microtask later), not lost
    const ringing = await new Promise<GroupCall>((resolve, reject) => {
      const t = setTimeout(() => { reject(new Error('the held ring was not handed on')) }, 5_000)
      bob.calls.once('incoming-group', call => { clearTimeout(t); resolve(call) })
    })
    expect(ringing.id).toBe(call.id)
    expect(ringing.state).toBe('ringing')
  })

  it('gives up a call nobody joins after the ring\'s length: "no answer", and the rung numbers stop ringing', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    // nothing reaches bob or carol: nobody joins
    const [alice] = services(['+14155550601', '+14155550602', '+14155550603'], false)
    open.push(alice.calls)
    const call = await alice.calls.startGroupCall(GROUP, { video: false })
    expect(call.state).toBe('joined')
    expect(alice.sent.filter(x => x.s.type === 'group-ring').map(x => x.to).sort()).toEqual(['+14155550602', '+14155550603'])
    await vi.advanceTimersByTimeAsync(RING_TIMEOUT_MS - 1_000)
    expect(call.ended).toBe(false)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(call.ended).toBe(true)
    expect(call.endReason).toBe('no-answer')
    const hangups = alice.sent.filter(x => x.s.type === 'hangup')
    expect(hangups.map(x => x.to).sort()).toEqual(['+14155550602', '+14155550603'])
    expect(hangups.every(x => x.s.reason === 'cancelled')).toBe(true)
    await vi.waitFor(async () => { expect((await alice.calls.history())[0]?.outcome).toBe('no-answer') })
    const [record] = await alice.calls.history()
    expect(record.connectedAt).toBeUndefined()
    expect(alice.calls.groupCalls()).toEqual([])
  })

  it('a starter who leaves before anyone joined has a cancelled call in the log, not an answered one', async () => {
    const [alice] = services(['+14155550601', '+14155550602'], false)
    open.push(alice.calls)
    const call = await alice.calls.startGroupCall(GROUP)
    await call.leave()
    await vi.waitFor(async () => { expect((await alice.calls.history())[0]?.outcome).toBe('cancelled') })
    expect(alice.sent.filter(x => x.s.type === 'hangup').map(x => x.s.reason)).toEqual(['cancelled'])
  })
})
