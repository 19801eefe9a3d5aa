// Group calls between Node devices over a relay process (@roamhq/wrtc; Node has no RTCRtpScriptTransform, so the
// frame keys go to a recording stand-in here and the frames themselves are encrypted in the browser test): a call in a
// group of three links every pair (a full mesh), each participant's key reaches the others and is made anew when
// someone joins or leaves — the one who left never gets the keys made after — and a non-member can neither ring nor
// join.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import wrtc from '@roamhq/wrtc'
import type { Parley } from '../../src/index.js'
import type { FrameKeys, GroupCall } from '../../src/calls/index.js'
import { encodeSignal, signal } from '../../src/calls/signal.js'
import { fromHex } from '../../src/crypto/bytes.js'
import { internals } from '../../src/client/internals.js'
import { registeredDevice, startTestRelay, collect, type TestRelay } from '../messaging/helpers.js'
import { tempDir } from '../helpers/tmp.js'

type TempDir = Awaited<ReturnType<typeof tempDir>>
const WAIT = 60_000
const ALICE = '+14155550501'
const BOB = '+14155550502'
const CAROL = '+14155550503'
const DAVE = '+14155550504'
const peerConnection = (config: RTCConfiguration): RTCPeerConnection => new wrtc.RTCPeerConnection(config) as unknown as RTCPeerConnection

/** Every keyring a device made: the keys it sent with and the keys it was given, by kid. */
class KeyLog {
  readonly sent: number[] = []
  readonly received: number[] = []
  readonly removed: number[] = []
  closed = 0
  make = (): FrameKeys => ({
    encrypt: () => {},
    decrypt: () => {},
    setSendKey: async kid => { this.sent.push(Number(kid)) },
    addReceiveKey: async kid => { this.received.push(Number(kid)) },
    removeReceiveKey: async kid => { this.removed.push(Number(kid)) },
    close: () => { this.closed++ }
  })
}

async function until (what: string, ok: () => boolean | Promise<boolean>, wake: (fn: () => void) => () => void): Promise<void> {
  if (await ok()) return
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => { stop(); reject(new Error(`${what}: not within ${WAIT} ms`)) }, WAIT)
    const check = (): void => {
      Promise.resolve(ok()).then(v => { if (v) { clearTimeout(t); stop(); resolve() } }, reject)
    }
    const stop = wake(check)
  })
}

/** Wakes `fn` on any participant or state event of `call`. */
const onCall = (call: GroupCall) => (fn: () => void) => {
  call.on('participant', fn)
  call.on('state', fn)
  return () => { call.off('participant', fn); call.off('state', fn) }
}

const connectedTo = (call: GroupCall): string[] => call.participants().filter(p => p.state === 'connected').map(p => p.phone).sort()

describe('group calls between Node devices', () => {
  let dir: TempDir
  let relay: TestRelay
  const keys = { alice: new KeyLog(), bob: new KeyLog(), carol: new KeyLog(), dave: new KeyLog() }
  let alice: Parley
  let bob: Parley
  let carol: Parley
  let dave: Parley
  let group: string

  beforeAll(async () => {
    dir = await tempDir()
    relay = await startTestRelay(`${dir.path}/relay`)
    alice = await registeredDevice(dir.path, 'alice', ALICE, [relay], { peerConnection, callFrames: keys.alice.make })
    bob = await registeredDevice(dir.path, 'bob', BOB, [relay], { peerConnection, callFrames: keys.bob.make })
    carol = await registeredDevice(dir.path, 'carol', CAROL, [relay], { peerConnection, callFrames: keys.carol.make })
    dave = await registeredDevice(dir.path, 'dave', DAVE, [relay], { peerConnection, callFrames: keys.dave.make })
    group = (await alice.groups.create('Call us', [BOB, CAROL])).groupId
    for (const d of [bob, carol]) {
      await until('the group at a member', async () => (await d.groups.info(group).catch(() => undefined))?.active === true, fn => {
        d.groups.on('group-update', fn)
        const t = setInterval(fn, 250)
        return () => { d.groups.off('group-update', fn); clearInterval(t) }
      })
    }
  }, 240_000)

  afterAll(async () => {
    for (const d of [alice, bob, carol, dave]) await d?.stop()
    await relay?.relay.stop()
    await dir?.remove()
  }, 60_000)

  it('links every pair of three, keys reach the others, and the one who leaves gets none of the keys made after', async () => {
    expect(alice.calls.groupCallsAvailable).toBe(true)
    const atBob = collect<GroupCall>(push => bob.calls.on('incoming-group', push))
    const atCarol = collect<GroupCall>(push => carol.calls.on('incoming-group', push))
    const call = await alice.groupCall(group)
    const [b] = await atBob.until(1, WAIT, 'the ring at bob')
    const [c] = await atCarol.until(1, WAIT, 'the ring at carol')
    expect(b.groupId).toBe(group)
    expect(b.initiator.phone).toBe(ALICE)
    await b.join()
    await c.join()
    await until('alice linked to both', () => connectedTo(call).join() === [BOB, CAROL].join(), onCall(call))
    await until('bob linked to both', () => connectedTo(b).join() === [ALICE, CAROL].join(), onCall(b))
    await until('carol linked to both', () => connectedTo(c).join() === [ALICE, BOB].join(), onCall(c))
    // each has the other two's current keys
    await until('keys everywhere', () =>
      keys.alice.received.includes(sentKidOrZero(keys.bob)) && keys.alice.received.includes(sentKidOrZero(keys.carol)) &&
      keys.bob.received.includes(sentKidOrZero(keys.alice)) && keys.carol.received.includes(sentKidOrZero(keys.alice)), fn => {
      const t = setInterval(fn, 100)
      return () => { clearInterval(t) }
    })

    // carol leaves: alice and bob make new keys, which carol never receives
    const before = [call.sendingKeyId, b.sendingKeyId]
    await c.leave()
    await until('alice alone with bob', () => connectedTo(call).join() === BOB, onCall(call))
    await until('new keys after the leave', () => call.sendingKeyId !== before[0] && b.sendingKeyId !== before[1], fn => {
      const t = setInterval(fn, 100)
      return () => { clearInterval(t) }
    })
    const made = [call.sendingKeyId!, b.sendingKeyId!]
    await until('the new keys at the other one, and in use', () => keys.bob.received.includes(made[0]) && keys.alice.received.includes(made[1]) &&
      keys.alice.sent.includes(made[0]) && keys.bob.sent.includes(made[1]), fn => {
      const t = setInterval(fn, 100)
      return () => { clearInterval(t) }
    })
    for (const kid of made) expect(keys.carol.received).not.toContain(kid)
    // carol's keyrings were closed when she left
    expect(keys.carol.closed).toBeGreaterThanOrEqual(3)

    // dave, not a member, knows the call and the group ids: his ring and his offer are ignored
    const ringsAtBob = atBob.items.length
    const forged = [
      signal(fromHex(call.id), 'group-ring', { groupId: fromHex(group), startedAt: Date.now(), participants: [{ phone: DAVE, device: 1 }] }),
      signal(fromHex(call.id), 'offer', { groupId: fromHex(group), startedAt: Date.now(), sdp: 'v=0\r\na=fingerprint:sha-256 ' + Array.from({ length: 32 }, () => 'AB').join(':') + '\r\n' })
    ]
    for (const s of forged) {
      await internals(dave).messenger.sendCallSignal(ALICE, encodeSignal(s), { ttlMs: 60_000 })
      await internals(dave).messenger.sendCallSignal(BOB, encodeSignal(s), { ttlMs: 60_000 })
    }
    const fresh = await dave.groupCall(group).catch((e: Error) => e)
    expect(fresh).toBeInstanceOf(Error)
    // a text after them on the same sessions: once it is there, the forged signals were taken (and ignored)
    const textAt = collect<{ text: string }>(push => alice.on('message', push))
    await dave.send(ALICE, 'after the forgery')
    await textAt.until(1, WAIT, 'dave\'s text at alice')
    expect(call.participants().map(p => p.phone)).toEqual([BOB])
    expect(atBob.items.length).toBe(ringsAtBob)

    await call.leave()
    await until('bob\'s call ends when alone', () => b.ended, onCall(b))
    const log = await alice.calls.history()
    expect(log[0]).toMatchObject({ id: call.id, group, outcome: 'answered', direction: 'outgoing' })
  }, 180_000)

  it('one removed from the group is dropped from its call at once: its call ends, the others make keys it never gets', async () => {
    const atBob = collect<GroupCall>(push => bob.calls.on('incoming-group', push))
    const atCarol = collect<GroupCall>(push => carol.calls.on('incoming-group', push))
    const call = await alice.groupCall(group)
    const [b] = await atBob.until(1, WAIT, 'the ring at bob')
    const [c] = await atCarol.until(1, WAIT, 'the ring at carol')
    await b.join()
    await c.join()
    await until('alice linked to both', () => connectedTo(call).join() === [BOB, CAROL].join(), onCall(call))
    await until('bob linked to both', () => connectedTo(b).join() === [ALICE, CAROL].join(), onCall(b))
    const before = [call.sendingKeyId, b.sendingKeyId]
    await alice.groups.remove(group, CAROL)
    await until('carol\'s call ends', () => c.ended, onCall(c))
    await until('alice drops carol', () => call.participants().every(p => p.phone !== CAROL), onCall(call))
    await until('bob drops carol', () => b.participants().every(p => p.phone !== CAROL), onCall(b))
    await until('new keys', () => call.sendingKeyId !== before[0] && b.sendingKeyId !== before[1], fn => {
      const t = setInterval(fn, 100)
      return () => { clearInterval(t) }
    })
    for (const kid of [call.sendingKeyId!, b.sendingKeyId!]) expect(keys.carol.received).not.toContain(kid)
    expect(connectedTo(call)).toEqual([BOB])
    await call.leave()
    await until('bob\'s call ends', () => b.ended, onCall(b))
  }, 180_000)
})

function sentKidOrZero (k: KeyLog): number {
  return k.sent.at(-1) ?? -1
}
