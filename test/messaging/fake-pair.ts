// Two Messengers on the scripted network (fake-net.ts): every deposit for one of them is received by it, so a text, its receipts, profiles and resend requests go round as on real relays, in one process with memory storage. Optionally a third device, a linked device of Alice's account (same identity and number), for sent transcripts, read syncs and account state. Test files still install the network with vi.mock.
import { defaultLogger } from '@libp2p/logger'
import type { StreamHandler } from '@libp2p/interface'
import { decodeContent, Messenger, type Content, type MessengerEvents, type MessengerInit } from '../../src/messaging/index.js'
import type { LookupResult, Registered } from '../../src/directory/index.js'
import type { KeyValueStore, OutboxEntry, OutboxStore } from '../../src/storage/index.js'
import { companionDevice, fakeNet, testDevice, type TestDevice } from './fake-net.js'
import { TestClock } from '../session/party.js'
import { SeededRandom } from '../helpers/seeded-random.js'
import { constantTimeEqual } from '../../src/crypto/bytes.js'

export const RELAY = '/ip4/10.9.9.9/tcp/4001'

/** An outbox entry as a Messenger (or its delivery) wrote it, with its content decoded. */
export interface Written { entry: OutboxEntry, content: Content, via: 'put' | 'insert' }

/** One device of the pair: its Messenger, every event it emitted, and the numbers it looked up. */
export interface PairSide {
  device: TestDevice
  m: Messenger
  events: { [K in keyof MessengerEvents]: Array<MessengerEvents[K]> }
  lookups: string[]
  /** every outbox write of this device, in order: entries put (queued, retried, resealed) or inserted with another write */
  written: Written[]
  /** its node's protocol registrations in order, the handlers registered (the direct protocol's server registers on start), and the protocols unregistered */
  node: { handled: string[], handlers: Map<string, StreamHandler>, unhandled: string[] }
}

export interface FakePair {
  alice: PairSide
  bob: PairSide
  /** a linked device of Alice's account (device id 2), when asked for: Alice's record lists both */
  alice2?: PairSide
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

export type SideInit = Partial<Pick<MessengerInit, 'profile' | 'onProfile' | 'onState' | 'readReceipts' | 'accepted' | 'linkedDevices' | 'self' | 'createDepositNode' | 'onGroup' | 'onGroupSettled'>> & {
  /** wraps one key-value area of the device's storage (e.g. to fail or hold its writes) */
  kv?: (name: string, store: KeyValueStore) => KeyValueStore
}

export interface PairInit {
  alice?: SideInit
  bob?: SideInit
  /** make Alice's linked device too */
  alice2?: SideInit
  /** start the Messengers (default true); false leaves start() to the test */
  start?: boolean
}

const EVENTS: Array<keyof MessengerEvents> = ['message', 'status', 'typing', 'presence', 'profile', 'relay', 'undecryptable', 'sent', 'read-sync', 'account-state', 'contact-devices', 'error']

/** The outbox, recording every entry written into `written`. */
function recording (outbox: OutboxStore, written: Written[]): OutboxStore {
  const note = (entry: OutboxEntry, via: Written['via']): void => { written.push({ entry, content: decodeContent(entry.payload), via }) }
  return {
    put: async (entry, options) => { note(entry, 'put'); await outbox.put(entry, options) },
    prepareInsert: entry => { note(entry, 'insert'); return outbox.prepareInsert(entry) },
    get: async (id, options) => await outbox.get(id, options),
    delete: async (id, options) => await outbox.delete(id, options),
    due: async (now, limit, options) => await outbox.due(now, limit, options),
    list: async options => await outbox.list(options),
    count: async options => await outbox.count(options)
  }
}

export async function fakePair (seed: number, phones: [string, string], init: PairInit = {}): Promise<FakePair> {
  const rng = new SeededRandom(seed)
  const clock = new TestClock()
  const directory = new Map<string, LookupResult>()
  const inFlight = new Set<Promise<void>>()
  const side = async (device: TestDevice, extra: SideInit = {}): Promise<PairSide> => {
    const { kv, ...rest } = extra
    const lookups: string[] = []
    const written: Written[] = []
    const node: PairSide['node'] = { handled: [], handlers: new Map(), unhandled: [] }
    const m = new Messenger({
      node: { logger: defaultLogger(), handle: async (p: string, h: StreamHandler) => { node.handled.push(p); node.handlers.set(p, h) }, unhandle: async (p: string) => { node.unhandled.push(p) } } as never,
      outbox: recording(device.party.storage.outbox, written),
      messages: device.party.storage.messages,
      kv: n => kv != null ? kv(n, device.party.storage.kv(n)) : device.party.storage.kv(n),
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
      ...rest
    })
    const events = Object.fromEntries(EVENTS.map(e => [e, []])) as unknown as PairSide['events']
    for (const e of EVENTS) m.on(e, (x: unknown) => { (events[e] as unknown[]).push(x) })
    return { device, m, events, lookups, written, node }
  }
  const aliceDevice = await testDevice('alice', phones[0], rng, clock)
  const bobDevice = await testDevice('bob', phones[1], rng, clock)
  const alice2Device = init.alice2 != null ? await companionDevice('alice-2', aliceDevice, 2, rng, clock) : undefined
  const alice = await side(aliceDevice, init.alice)
  const bob = await side(bobDevice, init.bob)
  const alice2 = alice2Device != null ? await side(alice2Device, init.alice2) : undefined
  const aliceRecord = await alice.device.record([RELAY]) as Registered
  if (alice2Device != null) aliceRecord.devices.push(...(await alice2Device.record([RELAY]) as Registered).devices)
  directory.set(phones[0], aliceRecord)
  directory.set(phones[1], await bob.device.record([RELAY]))
  const sides = [alice, bob, ...(alice2 != null ? [alice2] : [])]
  const pair: FakePair = {
    alice,
    bob,
    ...(alice2 != null ? { alice2 } : {}),
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
        for (const s of sides) s.m.deliver()
        await Promise.all(sides.map(async s => { await s.m.outbound.idle() }))
        await Promise.all([...inFlight])
        await Promise.all(sides.map(async s => { await s.m.flushQueuedReceipts() }))
        await Promise.all(sides.map(async s => { await s.m.outbound.idle() }))
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
      await Promise.all(sides.map(async s => { await s.m.stop() }))
    }
  }
  let id = 1
  pair.route = (_relay, deposit) => {
    const to = sides.find(s => constantTimeEqual(s.device.party.local.identity.publicKey, deposit.owner) && s.device.party.local.deviceId === deposit.deviceId)
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
  if (init.start !== false) {
    for (const s of sides) await s.m.start()
  }
  return pair
}

/** Every deposit so far addressed to this side's device. */
export function depositsFor (side: PairSide): typeof fakeNet.deposits {
  const { publicKey } = side.device.party.local.identity
  return fakeNet.deposits.filter(d => constantTimeEqual(d.deposit.owner, publicKey) && d.deposit.deviceId === side.device.party.local.deviceId)
}

/** The entries this side queued (the first write of each id), optionally of one outbox kind only. */
export function queued (side: PairSide, kind?: OutboxEntry['kind']): Written[] {
  const seen = new Set<string>()
  return side.written.filter(w => {
    if (seen.has(w.entry.id) || (kind != null && w.entry.kind !== kind)) return false
    seen.add(w.entry.id)
    return true
  })
}

/** Lets the event loop turn until `done` holds, at most `max` turns: for background work that emits nothing to wait on. */
export async function turns (done: () => boolean | Promise<boolean>, max = 500): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await done()) return
    await new Promise(resolve => { setImmediate(resolve) })
  }
  throw new Error(`still not done after ${max} turns`)
}

/** What start() began in the background (owed texts paid, stuck texts repaired), to wait for. */
export async function startUp (m: Messenger): Promise<void> {
  await (m as unknown as { repairing?: Promise<void> }).repairing
}

/** The side's 'error' events but the fake network's refused prekey fetches (every new session reports one). */
export function unexpectedErrors (side: PairSide): unknown[] {
  return side.events.error.filter(e => (e as Error).name !== 'FakeNoPreKeysError')
}
