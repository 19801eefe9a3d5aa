// Direct channels on the fake network, with a direct protocol that counts dials and, when told to, accepts what is sent (the test hands those envelopes to the recipient): a device that reached us is dialled again at once; typing and presence say what was asked, expire after TYPING_TTL_MS / PRESENCE_TTL_MS, and carry lastSeen only when offline and the answer flag only when set.
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { PeerId } from '@libp2p/interface'
import { PRESENCE_TTL_MS, TYPING_TTL_MS } from '../../src/messaging/index.js'
import type { Registered } from '../../src/directory/index.js'
import { fakeNet } from './fake-net.js'
import { fakePair, type FakePair } from './fake-pair.js'

const direct = vi.hoisted(() => ({ accept: false, dials: [] as string[], taken: [] as Uint8Array[] }))

vi.mock('../../src/protocols/mailbox/index.js', async o => (await import('./fake-net.js')).mockMailbox(await o()))
vi.mock('../../src/protocols/prekeys/index.js', async o => (await import('./fake-net.js')).mockPreKeys(await o()))
vi.mock('../../src/protocols/dm/index.js', async o => ({
  ...(await o()),
  newestConnection: () => undefined,
  openDirectChannel: async (_node: unknown, peer: PeerId) => {
    direct.dials.push(peer.toString())
    if (!direct.accept) throw new Error('the device does not answer')
    return {
      closed: false,
      inFlight: 0,
      send: async (envelope: Uint8Array) => { direct.taken.push(envelope); return { status: 'ok', message: '', retryAfterMs: 0 } },
      close: async () => {},
      abort: () => {}
    }
  }
}))

const ALICE = '+15550990001'
const BOB = '+15550990002'

let pair: FakePair | undefined
afterEach(async () => {
  await pair?.stop()
  pair = undefined
  fakeNet.reset()
  direct.accept = false
  direct.dials = []
  direct.taken = []
})

/** A pair whose directory names Bob's real peer id, so Alice dials him. */
async function dialling (seed: number): Promise<FakePair> {
  const p = await fakePair(seed, [ALICE, BOB])
  const record = p.directory.get(BOB) as Registered
  p.directory.set(BOB, { ...record, devices: record.devices.map(d => ({ ...d, peerId: p.bob.device.peerId.toString() })) })
  return p
}

describe('direct channels', () => {
  it('a device that did not answer is not dialled again for a while, unless it reached us meanwhile', async () => {
    pair = await dialling(171)
    const { alice, bob, clock } = pair
    const bobPeer = bob.device.peerId.toString()
    pair.delivering = false
    await alice.m.send(BOB, 'one')
    await alice.m.outbound.idle()
    expect(direct.dials).toEqual([bobPeer])
    clock.advance(1000)
    await alice.m.send(BOB, 'two')
    clock.advance(1000)
    alice.m.deliver()
    await alice.m.outbound.idle()
    expect(direct.dials).toEqual([bobPeer])
    // Bob writes: Alice's receipt to him tries his device first again
    pair.delivering = true
    await bob.m.send(ALICE, 'here I am')
    await pair.settle()
    expect(alice.events.message.map(m => m.text)).toEqual(['here I am'])
    expect(direct.dials).toEqual([bobPeer, bobPeer])
  })

  it('typing says what was asked and is stale TYPING_TTL_MS after it was sent', async () => {
    pair = await dialling(172)
    const { alice, bob, clock } = pair
    await alice.m.send(BOB, 'hi')
    await pair.settle()
    direct.accept = true
    expect(await alice.m.sendTyping(BOB, true)).toBe(true)
    expect(await alice.m.sendTyping(BOB, false)).toBe(true)
    const [typing, stopped] = direct.taken
    clock.advance(TYPING_TTL_MS - 1)
    await bob.m.receive(typing)
    clock.advance(1)
    await bob.m.receive(stopped)
    expect(bob.events.typing).toEqual([{ phone: ALICE, typing: true }])
  })

  it('presence says online or offline, lastSeen only when offline, the answer flag only when set, and is stale PRESENCE_TTL_MS after it was sent', async () => {
    pair = await dialling(173)
    const { alice, bob, clock } = pair
    await alice.m.send(BOB, 'hi')
    await pair.settle()
    direct.accept = true
    expect(await alice.m.sendPresence(BOB, true, { lastSeen: 5 })).toBe(true)
    expect(await alice.m.sendPresence(BOB, false, { lastSeen: 1234, answer: true })).toBe(true)
    expect(await alice.m.sendPresence(BOB, false)).toBe(true)
    expect(await alice.m.sendPresence(BOB, true, { answer: false })).toBe(true)
    expect(await alice.m.sendPresence(BOB, true)).toBe(true)
    const [online, offline, bare, notAnswer, late] = direct.taken
    clock.advance(PRESENCE_TTL_MS - 1)
    for (const e of [online, offline, bare, notAnswer]) await bob.m.receive(e)
    clock.advance(1)
    await bob.m.receive(late)
    expect(bob.events.presence.map(e => Object.entries(e))).toEqual([
      [['phone', ALICE], ['online', true]],
      [['phone', ALICE], ['online', false], ['lastSeen', 1234], ['answer', true]],
      [['phone', ALICE], ['online', false]],
      [['phone', ALICE], ['online', true]]
    ])
  })
})
