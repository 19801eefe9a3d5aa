// Messenger outcomes on a fake network: a text no relay takes is marked 'failed' at its TTL (history and 'status' event); a text delivered twice in distinct envelopes is announced and stored once, also after a restart on LevelDB.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defaultLogger } from '@libp2p/logger'
import { encodeContent, Messenger, MESSAGE_TTL_MS, type IncomingMessage, type MessengerEvents } from '../../src/messaging/index.js'
import { sealFor } from '../../src/messaging/envelope.js'
import { RETRY_MAX_MS } from '../../src/messaging/outbound.js'
import type { LookupResult } from '../../src/directory/index.js'
import type { Storage } from '../../src/storage/index.js'
import { fakeNet, testDevice, type TestDevice } from './fake-net.js'
import { initiate, TestClock } from '../session/party.js'
import { levelBackend } from '../helpers/storage.js'
import { SeededRandom } from '../helpers/seeded-random.js'

vi.mock('../../src/protocols/mailbox/index.js', async o => (await import('./fake-net.js')).mockMailbox(await o()))
vi.mock('../../src/protocols/prekeys/index.js', async o => (await import('./fake-net.js')).mockPreKeys(await o()))
vi.mock('../../src/protocols/dm/index.js', async o => (await import('./fake-net.js')).mockDirect(await o()))

const ALICE = '+15550910001'
const BOB = '+15550910002'
const RELAY = '/ip4/10.9.9.9/tcp/4001'

function messenger (me: TestDevice, storage: Storage, directory: Map<string, LookupResult>, now: () => number): Messenger {
  return new Messenger({
    // the direct protocol's server registers on start (Messenger.start serves dm): a node that accepts the handler and logs nowhere
    node: { logger: defaultLogger(), handle: async () => {}, unhandle: async () => {} } as never,
    outbox: storage.outbox,
    messages: storage.messages,
    kv: name => storage.kv(name),
    sessions: me.party.sessions,
    identity: me.party.local.identity,
    deviceId: me.party.local.deviceId,
    lookup: async e164 => directory.get(e164) ?? { registered: false, stats: { peersQueried: 0, hops: 0, endedEarly: false } },
    self: async () => me.self,
    random: me.party.rng.random,
    now
  })
}

afterEach(() => {
  vi.useRealTimers()
  fakeNet.reset()
})

describe('Messenger on a fake network', () => {
  it("marks a text no relay takes 'failed' at its TTL: in history and with a 'status' event, and leaves the outbox", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    vi.setSystemTime(1_700_000_000_000)
    const rng = new SeededRandom(61)
    const clock = new TestClock()
    const alice = await testDevice('alice', ALICE, rng, clock)
    const bob = await testDevice('bob', BOB, rng, clock)
    const directory = new Map<string, LookupResult>([[BOB, await bob.record([RELAY])]])
    const m = messenger(alice, alice.party.storage, directory, () => Date.now())
    const statuses: Array<MessengerEvents['status']> = []
    m.on('status', e => statuses.push(e))
    try {
      fakeNet.answer = () => ({ status: 'failed', error: new Error('the relay went away') })
      const attempted = fakeNet.nextDeposit()
      await m.start()
      const sent = await m.send(BOB, 'nobody takes this')
      await attempted
      await m.outbound.idle()
      expect((await m.history(BOB))[0]).toMatchObject({ id: sent.id, status: 'pending' })
      expect(statuses).toEqual([])
      expect(await m.pendingCount()).toBe(1)

      // the TTL passes: the next attempt the outbox's own timer makes fails the text
      vi.setSystemTime(sent.timestamp + MESSAGE_TTL_MS)
      const failed = m.waitForStatus(BOB, sent.id, ['failed'], { signal: AbortSignal.timeout(30_000) })
      let done = false
      failed.then(() => { done = true }, () => { done = true })
      // fake time only: each step fires the timers due, and lets the pass they start run
      for (let i = 0; i < 20 && !done; i++) await vi.advanceTimersByTimeAsync(RETRY_MAX_MS)
      expect(done).toBe(true)
      expect(await failed).toBe('failed')
      await m.outbound.idle()
      expect(statuses).toEqual([{ phone: BOB, id: sent.id, status: 'failed' }])
      expect((await m.history(BOB))[0]).toMatchObject({ id: sent.id, status: 'failed' })
      expect(await m.pendingCount()).toBe(0)
    } finally {
      await m.stop()
    }
  })

  it('a text delivered twice in distinct envelopes (one id, two encryptions) makes one message event and one history entry, also after a restart', async () => {
    const rng = new SeededRandom(62)
    const clock = new TestClock()
    const alice = await testDevice('alice', ALICE, rng, clock)
    const bob = await testDevice('bob', BOB, rng, clock, await levelBackend())
    // receipts bob owes go to alice's relay (stored by the fake network)
    const directory = new Map<string, LookupResult>([[ALICE, await alice.record([RELAY])]])
    await initiate(alice.party, bob.party)
    const id = '5e'.repeat(16)
    const copy = async (): Promise<Uint8Array> =>
      await sealFor(alice.envelope, bob.party.address, encodeContent({ senderE164: ALICE, attestation: new Uint8Array(0), body: { kind: 'text', id, text: 'only once', timestamp: clock.now() } }))
    const first = await copy()
    const second = await copy()
    const third = await copy()
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(false)

    let m = messenger(bob, bob.party.storage, directory, clock.now)
    const events: IncomingMessage[] = []
    m.on('message', e => events.push(e))
    await m.receive(first)
    expect(events.map(e => [e.id, e.text])).toEqual([[id, 'only once']])
    // the receipt leaves its coalescing pause: nothing in memory says "announced" any more
    await m.flushQueuedReceipts()
    await m.receive(second)
    expect(events).toHaveLength(1)
    expect((await m.history(ALICE)).map(x => [x.id, x.text])).toEqual([[id, 'only once']])
    await m.stop()

    // a restart on the same LevelDB folder: the third copy is a duplicate too
    await bob.party.restart()
    m = messenger(bob, bob.party.storage, directory, clock.now)
    const after: IncomingMessage[] = []
    m.on('message', e => after.push(e))
    try {
      await m.receive(third)
      expect(after).toEqual([])
      expect((await m.history(ALICE)).map(x => [x.id, x.text])).toEqual([[id, 'only once']])
      expect((await m.conversations())[0]).toMatchObject({ address: ALICE, unread: 1 })
    } finally {
      await m.stop()
      await bob.party.dispose()
    }
  })
})
