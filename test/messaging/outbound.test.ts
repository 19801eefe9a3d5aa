// The outbox's delivery (Outbound) on a fake network and memory storage, with fake time: per-recipient order, a copy at every relay, backoff from RETRY_MIN_MS doubling to RETRY_MAX_MS, relay rate limits, failure at the TTL, reseal, held recipients.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { decodeContent, encodeContent } from '../../src/messaging/index.js'
import { openEnvelope } from '../../src/messaging/envelope.js'
import { Outbound, RETRY_MAX_MS, RETRY_MIN_MS } from '../../src/messaging/outbound.js'
import { Recipients } from '../../src/messaging/recipients.js'
import { RateLimitedError } from '../../src/protocols/errors.js'
import type { LookupResult } from '../../src/directory/index.js'
import type { MessageStatus, OutboxEntry } from '../../src/storage/index.js'
import { fakeNet, testDevice, type TestDevice } from './fake-net.js'
import { TestClock } from '../session/party.js'
import { SeededRandom } from '../helpers/seeded-random.js'

vi.mock('../../src/protocols/mailbox/index.js', async o => (await import('./fake-net.js')).mockMailbox(await o()))
vi.mock('../../src/protocols/prekeys/index.js', async o => (await import('./fake-net.js')).mockPreKeys(await o()))
vi.mock('../../src/protocols/dm/index.js', async o => (await import('./fake-net.js')).mockDirect(await o()))

const ALICE = '+15550920001'
const BOB = '+15550920002'
const R1 = '/ip4/10.9.2.1/tcp/4001'
const R2 = '/ip4/10.9.2.2/tcp/4001'
const T0 = 1_700_000_000_000
const failed = { status: 'failed' as const, error: new Error('the relay went away') }

interface Harness {
  alice: TestDevice
  bob: TestDevice
  out: Outbound
  directory: Map<string, LookupResult>
  statuses: Array<[string, MessageStatus]>
  settled: Array<[string, 'sent' | 'failed']>
  errors: unknown[]
  /** puts a text for bob into the outbox */
  text: (n: number, fields?: Partial<OutboxEntry>) => Promise<OutboxEntry>
  /** one delivery pass, now */
  pass: () => Promise<void>
  /** what bob reads in an envelope deposited for him */
  read: (envelope: Uint8Array) => Promise<string>
  entry: (id: string) => Promise<OutboxEntry | undefined>
}

let h: Harness

async function harness (relays = [R1]): Promise<Harness> {
  const rng = new SeededRandom(70)
  const clock = new TestClock()
  const alice = await testDevice('alice', ALICE, rng, clock)
  const bob = await testDevice('bob', BOB, rng, clock)
  const directory = new Map<string, LookupResult>([[BOB, await bob.record(relays)]])
  const statuses: Harness['statuses'] = []
  const settled: Harness['settled'] = []
  const errors: unknown[] = []
  const now = (): number => Date.now()
  const out = new Outbound({
    node: {} as never,
    outbox: alice.party.storage.outbox,
    sealed: alice.party.storage.kv('sealed'),
    sessions: alice.party.sessions,
    recipients: new Recipients(async e164 => directory.get(e164) ?? { registered: false, stats: { peersQueried: 0, hops: 0, endedEarly: false } }, now),
    party: async () => alice.envelope,
    now,
    onStatus: async (_to, id, status) => { statuses.push([id, status]) },
    onSettled: async (e, status) => { settled.push([e.id, status]) },
    // a relay without prekeys is expected (the fake network has none): sessions start from the directory's bundle
    onError: err => { if ((err as Error)?.name !== 'FakeNoPreKeysError') errors.push(err) }
  })
  return {
    alice,
    bob,
    out,
    directory,
    statuses,
    settled,
    errors,
    text: async (n, fields = {}) => {
      const createdAt = Date.now()
      const e: OutboxEntry = {
        id: n.toString(16).padStart(32, '0'),
        to: BOB,
        kind: 'message',
        payload: encodeContent({ senderE164: ALICE, attestation: new Uint8Array(0), body: { kind: 'text', id: n.toString(16).padStart(32, '0'), text: `text ${n}`, timestamp: createdAt } }),
        createdAt,
        expiresAt: createdAt + 60 * 60_000,
        attempts: 0,
        nextAttemptAt: createdAt,
        ...fields
      }
      await alice.party.storage.outbox.put(e)
      return e
    },
    pass: async () => {
      out.wake()
      await out.idle()
    },
    read: async envelope => {
      let text = ''
      await openEnvelope(bob.envelope, envelope, async plaintext => {
        const body = decodeContent(plaintext).body
        text = body.kind === 'text' ? body.text : body.kind
      })
      return text
    },
    entry: async id => (await alice.party.storage.outbox.list()).find(e => e.id === id)
  }
}

/** The texts bob reads in the deposits made at `relay`, in the order they were deposited (a retry deposits the same envelope again). */
async function readAt (relay: string): Promise<string[]> {
  const out: string[] = []
  const read = new Map<string, string>()
  for (const d of fakeNet.deposits.filter(d => d.relay === relay)) {
    const hex = Buffer.from(d.deposit.envelope).toString('hex')
    if (!read.has(hex)) read.set(hex, await h.read(d.deposit.envelope))
    out.push(read.get(hex)!)
  }
  return out
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  vi.setSystemTime(T0)
})

afterEach(async () => {
  await h?.out.stop()
  vi.useRealTimers()
  fakeNet.reset()
})

describe('Outbound', () => {
  it("asks each mailbox relay for the bundle of the recipient's device it starts a session with, then falls back to the directory's", async () => {
    h = await harness([R1, R2])
    await h.text(0)
    await h.pass()
    const bob = h.bob.party.local
    expect(fakeNet.preKeyFetches.map(f => ({ ...f, identityKey: Buffer.from(f.identityKey).toString('hex') }))).toEqual([R1, R2].map(relay => ({ relay, identityKey: Buffer.from(bob.identity.publicKey).toString('hex'), deviceId: bob.deviceId })))
    // no relay had prekeys: the session started from the directory's bundle, and bob reads the text
    expect(await readAt(R1)).toEqual(['text 0'])
    expect(h.errors).toEqual([])
  })

  it("delivers a recipient's entries oldest first to every mailbox relay; one relay's copy makes each sent", async () => {
    h = await harness([R1, R2])
    fakeNet.answer = relay => relay === R1 ? failed : { status: 'ok', id: '1' }
    // written in order 0, 1, 2 but due in the opposite order (an older entry's retry time can be later)
    for (let n = 0; n < 3; n++) {
      await h.text(n, { nextAttemptAt: T0 - n })
      vi.setSystemTime(Date.now() + 1)
    }
    await h.pass()
    expect(await readAt(R2)).toEqual(['text 0', 'text 1', 'text 2'])
    expect(fakeNet.deposits.filter(d => d.relay === R1)).toHaveLength(3)
    expect(h.statuses.map(([id, s]) => [parseInt(id, 16), s])).toEqual([[0, 'sent'], [1, 'sent'], [2, 'sent']])
    expect(await h.alice.party.storage.outbox.count()).toBe(0)
    // the sealed copies went with the entries
    expect(await collectKeys(h.alice.party.storage.kv('sealed').iterate())).toEqual([])
    expect(h.errors).toEqual([])
  })

  it("a recipient's later entry waits while an earlier one backs off: nothing overtakes", async () => {
    h = await harness()
    fakeNet.answer = () => failed
    const first = await h.text(1)
    await h.pass()
    const backingOff = await h.entry(first.id)
    expect(backingOff).toMatchObject({ attempts: 1, nextAttemptAt: T0 + RETRY_MIN_MS })

    // the relay is back, and a new text is due at once: it waits for the first one's retry
    fakeNet.answer = () => ({ status: 'ok', id: '1' })
    vi.setSystemTime(T0 + 10)
    const second = await h.text(2)
    await h.pass()
    expect(fakeNet.deposits).toHaveLength(1)
    expect(await h.entry(second.id)).toMatchObject({ attempts: 0, nextAttemptAt: T0 + RETRY_MIN_MS })
    expect(h.statuses).toEqual([])

    vi.setSystemTime(T0 + RETRY_MIN_MS)
    await h.pass()
    expect(await readAt(R1)).toEqual(['text 1', 'text 1', 'text 2'])
    expect(h.statuses).toEqual([[first.id, 'sent'], [second.id, 'sent']])
  })

  it(`backs off from RETRY_MIN_MS (${RETRY_MIN_MS} ms), doubling per attempt up to RETRY_MAX_MS (${RETRY_MAX_MS} ms), reusing the sealed envelope`, async () => {
    h = await harness()
    fakeNet.answer = () => failed
    const e = await h.text(1)
    const waits: number[] = []
    for (let attempt = 0; attempt < 12; attempt++) {
      const before = fakeNet.deposits.length
      await h.pass()
      expect(fakeNet.deposits.length).toBe(before + 1)
      const now = Date.now()
      const next = (await h.entry(e.id))!
      expect(next.attempts).toBe(attempt + 1)
      waits.push(next.nextAttemptAt - now)
      // nothing happens before the time
      vi.setSystemTime(next.nextAttemptAt - 1)
      await h.pass()
      expect(fakeNet.deposits.length).toBe(before + 1)
      vi.setSystemTime(next.nextAttemptAt)
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300].map(s => s * 1000))
    expect(waits.slice(-3)).toEqual([RETRY_MAX_MS, RETRY_MAX_MS, RETRY_MAX_MS])
    // encrypted once: every retry deposits the same envelope (the ratchet advanced one step)
    expect(new Set(fakeNet.deposits.map(d => Buffer.from(d.deposit.envelope).toString('hex'))).size).toBe(1)
  })

  it("waits as long as a relay's rate limit asks when that is longer than the backoff", async () => {
    h = await harness([R1, R2])
    fakeNet.answer = relay => relay === R1 ? { status: 'refused', error: new RateLimitedError(90_000, 'slow down') } : failed
    const e = await h.text(1)
    await h.pass()
    expect(await h.entry(e.id)).toMatchObject({ attempts: 1, nextAttemptAt: T0 + 90_000 })
  })

  it('tries an entry until its TTL and fails it when due at the TTL: status, sealed copies and entry gone; other kinds are settled as failed', async () => {
    h = await harness()
    fakeNet.answer = () => failed
    // attempts at T0 and T0 + 1 s; the next one is due at T0 + 3 s, the TTL
    const text = await h.text(1, { expiresAt: T0 + 3_000 })
    const receipt = await h.text(2, { kind: 'receipt', expiresAt: T0 + 3_000 })
    await h.pass()
    vi.setSystemTime(T0 + 1_000)
    await h.pass()
    expect(fakeNet.deposits).toHaveLength(4)
    const sealed = h.alice.party.storage.kv('sealed')
    expect(await collectKeys(sealed.iterate())).toHaveLength(2)
    expect(await h.entry(text.id)).toMatchObject({ attempts: 2, nextAttemptAt: T0 + 3_000 })
    vi.setSystemTime(T0 + 2_999)
    await h.pass()
    expect(h.statuses).toEqual([])
    // at the TTL: failed, without another attempt
    vi.setSystemTime(T0 + 3_000)
    await h.pass()
    expect(fakeNet.deposits).toHaveLength(4)
    expect(h.statuses).toEqual([[text.id, 'failed']])
    expect(h.settled).toEqual([[receipt.id, 'failed']])
    expect(await h.alice.party.storage.outbox.count()).toBe(0)
    expect(await collectKeys(sealed.iterate())).toEqual([])
  })

  it('reseal drops the sealed copies of a recipient\'s entries and makes them due now: the next pass encrypts them again', async () => {
    h = await harness()
    fakeNet.answer = () => failed
    const e = await h.text(1)
    const other = await h.text(2, { to: '+15550920003' })
    await h.pass()
    const sealed = h.alice.party.storage.kv('sealed')
    const old = fakeNet.deposits[0].deposit.envelope
    expect(await collectKeys(sealed.iterate({ prefix: `${e.id}/` }))).toHaveLength(1)

    vi.setSystemTime(T0 + 100)
    expect(await h.out.reseal(BOB)).toEqual([e.id])
    expect(await collectKeys(sealed.iterate({ prefix: `${e.id}/` }))).toEqual([])
    expect(await h.entry(e.id)).toMatchObject({ nextAttemptAt: T0 + 100 })
    // another recipient's entry is left alone
    expect(await h.entry(other.id)).toMatchObject({ nextAttemptAt: other.nextAttemptAt + RETRY_MIN_MS })

    fakeNet.answer = () => ({ status: 'ok', id: '1' })
    await h.pass()
    const again = fakeNet.deposits.at(-1)!.deposit.envelope
    expect(Buffer.from(again).equals(Buffer.from(old))).toBe(false)
    expect(await h.read(again)).toBe('text 1')
    expect(h.statuses).toEqual([[e.id, 'sent']])
  })

  it('holds the entries of a number that is not on Parley (quietly, no error) and fails them at their TTL', async () => {
    h = await harness()
    h.directory.delete(BOB)
    const e = await h.text(1, { expiresAt: T0 + 5_000 })
    await h.pass()
    expect(fakeNet.deposits).toEqual([])
    expect(await h.entry(e.id)).toMatchObject({ attempts: 1, nextAttemptAt: T0 + RETRY_MIN_MS })
    expect(h.errors).toEqual([])
    vi.setSystemTime(T0 + 5_000)
    await h.pass()
    expect(h.statuses).toEqual([[e.id, 'failed']])
  })
})

async function collectKeys (it: AsyncIterable<{ key: string }>): Promise<string[]> {
  const out: string[] = []
  for await (const { key } of it) out.push(key)
  return out
}
