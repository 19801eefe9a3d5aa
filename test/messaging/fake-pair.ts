// Two Messengers on the scripted network (fake-net.ts): every deposit for one of them is received by it, so a text, its receipts, profiles and resend requests go round as on real relays, in one process with memory storage. Test files still install the network with vi.mock.
import { defaultLogger } from '@libp2p/logger'
import { Messenger, type MessengerEvents, type MessengerInit } from '../../src/messaging/index.js'
import type { LookupResult } from '../../src/directory/index.js'
import { fakeNet, testDevice, type TestDevice } from './fake-net.js'
import { TestClock } from '../session/party.js'
import { SeededRandom } from '../helpers/seeded-random.js'
import { constantTimeEqual } from '../../src/crypto/bytes.js'

export const RELAY = '/ip4/10.9.9.9/tcp/4001'

/** One device of the pair: its Messenger, every event it emitted, and the numbers it looked up. */
export interface PairSide {
  device: TestDevice
  m: Messenger
  events: { [K in keyof MessengerEvents]: Array<MessengerEvents[K]> }
  lookups: string[]
}

export interface FakePair {
  alice: PairSide
  bob: PairSide
  clock: TestClock
  /** what the directory answers, by number (both devices are in it, verified) */
  directory: Map<string, LookupResult>
  /** while false, deposits are stored (answered ok) but nobody receives them */
  delivering: boolean
  /** the network's answer that routes deposits to the pair (put it back after a test replaced fakeNet.answer) */
  route: typeof fakeNet.answer
  /** Resolves once nothing is in flight: both outboxes idle, every routed envelope received, coalesced receipts queued. */
  settle: () => Promise<void>
  /** Settles until `done` holds (work started in the background, e.g. answering a resend request, shows up in a later round). */
  until: (done: () => boolean | Promise<boolean>) => Promise<void>
  stop: () => Promise<void>
}

export type SideInit = Partial<Pick<MessengerInit, 'profile' | 'onProfile' | 'onState' | 'readReceipts' | 'accepted' | 'linkedDevices'>>

const EVENTS: Array<keyof MessengerEvents> = ['message', 'status', 'typing', 'presence', 'profile', 'relay', 'undecryptable', 'sent', 'read-sync', 'account-state', 'contact-devices', 'error']

export async function fakePair (seed: number, phones: [string, string], init: { alice?: SideInit, bob?: SideInit } = {}): Promise<FakePair> {
  const rng = new SeededRandom(seed)
  const clock = new TestClock()
  const directory = new Map<string, LookupResult>()
  const inFlight = new Set<Promise<void>>()
  const side = async (name: string, phone: string, extra: SideInit = {}): Promise<PairSide> => {
    const device = await testDevice(name, phone, rng, clock)
    const lookups: string[] = []
    const m = new Messenger({
      node: { logger: defaultLogger(), handle: async () => {}, unhandle: async () => {} } as never,
      outbox: device.party.storage.outbox,
      messages: device.party.storage.messages,
      kv: n => device.party.storage.kv(n),
      sessions: device.party.sessions,
      identity: device.party.local.identity,
      deviceId: device.party.local.deviceId,
      lookup: async e164 => {
        lookups.push(e164)
        return directory.get(e164) ?? { registered: false, stats: { peersQueried: 0, hops: 0, endedEarly: false } }
      },
      self: async () => device.self,
      random: rng.random,
      now: clock.now,
      ...extra
    })
    const events = Object.fromEntries(EVENTS.map(e => [e, []])) as unknown as PairSide['events']
    for (const e of EVENTS) m.on(e, (x: unknown) => { (events[e] as unknown[]).push(x) })
    return { device, m, events, lookups }
  }
  const alice = await side('alice', phones[0], init.alice)
  const bob = await side('bob', phones[1], init.bob)
  directory.set(phones[0], await alice.device.record([RELAY]))
  directory.set(phones[1], await bob.device.record([RELAY]))
  const pair: FakePair = {
    alice,
    bob,
    clock,
    directory,
    delivering: true,
    route: () => { throw new Error('set below') },
    settle: async () => {
      // rounds until a round starts nothing new: each receive may queue a receipt, each receipt a status
      for (let round = 0; round < 50; round++) {
        const before = fakeNet.deposits.length
        // creation stamps strictly increase, so an entry made in the same millisecond as the last one is due a
        // moment later: time moves on a second a round, and both outboxes look again
        clock.advance(1000)
        alice.m.deliver()
        bob.m.deliver()
        await Promise.all([alice.m.outbound.idle(), bob.m.outbound.idle()])
        await Promise.all([...inFlight])
        await Promise.all([alice.m.flushQueuedReceipts(), bob.m.flushQueuedReceipts()])
        await Promise.all([alice.m.outbound.idle(), bob.m.outbound.idle()])
        if (fakeNet.deposits.length === before && inFlight.size === 0) return
      }
      throw new Error('the pair never settled')
    },
    until: async done => {
      for (let round = 0; round < 200; round++) {
        await pair.settle()
        if (await done()) return
        await new Promise(resolve => { setImmediate(resolve) })
      }
      throw new Error('the condition never held')
    },
    stop: async () => {
      await Promise.all([alice.m.stop(), bob.m.stop()])
    }
  }
  let id = 1
  pair.route = (_relay, deposit) => {
    const to = [alice, bob].find(s => constantTimeEqual(s.device.party.local.identity.publicKey, deposit.owner) && s.device.party.local.deviceId === deposit.deviceId)
    if (to != null && pair.delivering) {
      const p: Promise<void> = new Promise<void>(resolve => { setImmediate(resolve) })
        .then(async () => { await to.m.receive(deposit.envelope) })
        .catch(() => {})
        .finally(() => { inFlight.delete(p) })
      inFlight.add(p)
    }
    return { status: 'ok', id: (id++).toString(16).padStart(16, '0') }
  }
  fakeNet.answer = pair.route
  await alice.m.start()
  await bob.m.start()
  return pair
}
