// MailboxReceiver on scripted mailbox sessions with fake time: acks only what was handled and synced (in batches of ACK_BATCH), drained() waits for handled drains of current relays only (retired ones are still collected from), a failure resumes after the last handled id, reconnects back off from RECONNECT_MIN_MS doubling to RECONNECT_MAX_MS.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { IdentityKeyPair, systemRandom } from '../../src/crypto/index.js'
import { ACK_BATCH, MailboxReceiver, RECONNECT_MAX_MS, RECONNECT_MIN_MS, type MailboxReceiverInit } from '../../src/messaging/mailbox-receiver.js'
import type { MailboxEntry } from '../../src/protocols/mailbox/index.js'
import type { StoreOptions } from '../../src/storage/index.js'
import { fakeNet, FakeMailboxSession } from './fake-net.js'

vi.mock('../../src/protocols/mailbox/index.js', async o => (await import('./fake-net.js')).mockMailbox(await o()))

const R1 = '/ip4/10.9.4.1/tcp/4001'
const R2 = '/ip4/10.9.4.2/tcp/4001'
const entry = (n: number): MailboxEntry => ({ id: n.toString(16).padStart(16, '0'), envelope: new Uint8Array([n & 0xff, n >> 8]), receivedAt: 0 })
const ids = (...n: number[]): string[] => n.map(i => entry(i).id)
const identity = IdentityKeyPair.generate(systemRandom)

let receiver: MailboxReceiver | undefined
/** what was handed on, and what the sync groups flushed (in order) */
let log: string[]
let errors: unknown[]
/** the one database the handled envelopes are written to: a flush syncs it once */
const DB = {}

function start (handle?: MailboxReceiverInit['handle']): MailboxReceiver {
  receiver = new MailboxReceiver({
    node: {} as never,
    identity,
    deviceId: 1,
    handle: handle ?? (async (envelope, options) => { record(envelope, options) }),
    onError: err => errors.push(err)
  })
  return receiver
}

/** Notes the envelope as handled, and its sync when the group is flushed. */
function record (envelope: Uint8Array, options?: StoreOptions): void {
  const n = envelope[0] | (envelope[1] << 8)
  log.push(`handled ${n}`)
  options?.syncGroup?.defer(DB, async () => { log.push('synced') })
}

/** Resolves once `p` settled, or says it has not (after the pending microtasks and one macrotask). */
async function settled (p: Promise<unknown>): Promise<boolean> {
  let done = false
  p.then(() => { done = true }, () => { done = true })
  await vi.advanceTimersByTimeAsync(0)
  return done
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  vi.setSystemTime(1_700_000_000_000)
  log = []
  errors = []
})

afterEach(async () => {
  await receiver?.stop()
  receiver = undefined
  vi.useRealTimers()
  fakeNet.reset()
})

describe('MailboxReceiver', () => {
  it('acks an envelope only once it was handled and synced; drained() waits until the drain is handled', async () => {
    const gates: Array<() => void> = []
    let called: (() => void) | undefined
    const r = start(async (envelope, options) => {
      await new Promise<void>(resolve => { gates.push(resolve); called?.() })
      record(envelope, options)
    })
    const opened = fakeNet.nextSession(R1)
    await r.follow([R1])
    const session = await opened
    expect(session.init).toMatchObject({ deviceId: 1, subscribe: true })
    session.ackGate = async () => { log.push(`ack ${session.acked.length}`) }
    session.push(entry(1), entry(2))
    session.drain()
    const drained = r.drained()
    expect(await settled(drained)).toBe(false)
    gates.shift()!()
    expect(await settled(drained)).toBe(false)
    // one handled, one still queued: nothing acked yet
    expect(session.acked).toEqual([])
    gates.shift()!()
    await drained
    expect(session.acked).toEqual([ids(1, 2)])
    // both synced (one flush) before the ack
    expect(log).toEqual(['handled 1', 'handled 2', 'synced', 'ack 0'])

    // a live envelope after the drain is acked on its own
    const handedOn = new Promise<void>(resolve => { called = resolve })
    session.push(entry(3))
    await handedOn
    gates.shift()!()
    await session.untilAcked(2)
    expect(session.acked).toEqual([ids(1, 2), ids(3)])
  })

  it(`acks a long drain in batches of ACK_BATCH (${ACK_BATCH})`, async () => {
    const r = start()
    const opened = fakeNet.nextSession(R1)
    await r.follow([R1])
    const session = await opened
    const n = ACK_BATCH + 36
    session.push(...Array.from({ length: n }, (_, i) => entry(i)))
    session.drain()
    await r.drained()
    expect(session.acked.map(a => a.length)).toEqual([ACK_BATCH, 36])
    expect(session.acked.flat()).toEqual(Array.from({ length: n }, (_, i) => entry(i).id))
  })

  it('an envelope that could not be handled is not acked; the next session resumes after the last one handled', async () => {
    let refuse = true
    const r = start(async (envelope, options) => {
      if (envelope[0] === 3 && refuse) throw Object.assign(new Error('disk full'), { name: 'DiskFullError' })
      record(envelope, options)
    })
    const first = fakeNet.nextSession(R1)
    await r.follow([R1])
    const s1 = await first
    const second = fakeNet.nextSession(R1)
    s1.push(entry(1), entry(2))
    s1.drain()
    await s1.untilAcked(1)
    s1.push(entry(3), entry(4))
    // the failure ends the session; the receiver reconnects after its backoff
    await vi.advanceTimersByTimeAsync(2 * RECONNECT_MIN_MS)
    expect(fakeNet.opens).toHaveLength(2)
    const s2 = await second
    expect(errors.map(e => (e as Error).name)).toEqual(['DiskFullError'])
    expect(s1.acked).toEqual([ids(1, 2)])
    // the failed session was closed, not left subscribed beside the new one
    expect(s1.closed).toBe(true)
    expect(s2.closed).toBe(false)
    expect(fakeNet.opens.map(o => o.after)).toEqual([undefined, entry(2).id])
    refuse = false
    s2.push(entry(3), entry(4))
    s2.drain()
    await s2.untilAcked(1)
    expect(s2.acked).toEqual([ids(3, 4)])
    expect(log.filter(l => l.startsWith('handled'))).toEqual(['handled 1', 'handled 2', 'handled 3', 'handled 4'])
  })

  it('the envelopes handled before a failure in the same ack batch are synced and acked before the session ends (the next one resumes after them)', async () => {
    const r = start(async (envelope, options) => {
      if (envelope[0] === 3) throw Object.assign(new Error('disk full'), { name: 'DiskFullError' })
      record(envelope, options)
    })
    const first = fakeNet.nextSession(R1)
    await r.follow([R1])
    const s1 = await first
    // one batch: 1 and 2 are handled while 3 is still pending, so nothing is acked before 3 fails
    s1.push(entry(1), entry(2), entry(3))
    await s1.untilAcked(1)
    expect(s1.acked).toEqual([ids(1, 2)])
    expect(log).toEqual(['handled 1', 'handled 2', 'synced'])
    // the failure is reported once the session has ended
    await vi.advanceTimersByTimeAsync(0)
    expect(errors.map(e => (e as Error).name)).toEqual(['DiskFullError'])
  })

  it(`reconnects after RECONNECT_MIN_MS doubling per failure up to RECONNECT_MAX_MS (${RECONNECT_MAX_MS} ms), and from the start again once a session opened`, async () => {
    let refusing = true
    fakeNet.open = (relay, init) => {
      if (refusing) throw new Error('relay unreachable')
      return new FakeMailboxSession(relay, init)
    }
    const r = start()
    await r.follow([R1])
    await vi.advanceTimersByTimeAsync(0)
    expect(fakeNet.opens).toHaveLength(1)
    const expected = [1, 2, 4, 8, 16, 30, 30].map(s => s * 1000)
    for (const wait of expected) {
      const before = fakeNet.opens.length
      await vi.advanceTimersByTimeAsync(wait - 1)
      expect(fakeNet.opens).toHaveLength(before)
      await vi.advanceTimersByTimeAsync(1)
      expect(fakeNet.opens).toHaveLength(before + 1)
    }
    const gaps = fakeNet.opens.slice(1).map((o, i) => o.at - fakeNet.opens[i].at)
    expect(gaps).toEqual(expected)
    expect(expected.at(-1)).toBe(RECONNECT_MAX_MS)
    expect(expected[0]).toBe(2 * RECONNECT_MIN_MS)

    // it opens: the failures are forgotten; a lost connection is retried after the first step again
    refusing = false
    const opened = fakeNet.nextSession(R1)
    await vi.advanceTimersByTimeAsync(RECONNECT_MAX_MS)
    const session = await opened
    const count = fakeNet.opens.length
    session.fail()
    await vi.advanceTimersByTimeAsync(2 * RECONNECT_MIN_MS - 1)
    expect(fakeNet.opens).toHaveLength(count)
    await vi.advanceTimersByTimeAsync(1)
    expect(fakeNet.opens).toHaveLength(count + 1)
  })

  it('collects from retired relays but drained() does not wait for them; an unfollowed relay is closed', async () => {
    const r = start()
    const at1 = fakeNet.nextSession(R1)
    const at2 = fakeNet.nextSession(R2)
    await r.follow([R1], [R2])
    const [s1, s2] = await Promise.all([at1, at2])
    s1.push(entry(1))
    s1.drain()
    await s1.untilAcked(1)
    // the retired relay never finishes its drain: drained() resolves anyway
    expect(await settled(r.drained())).toBe(true)
    s2.push(entry(2))
    await s2.untilAcked(1)
    expect(s2.acked).toEqual([ids(2)])
    expect(log.filter(l => l.startsWith('handled'))).toEqual(['handled 1', 'handled 2'])

    // the retired relay becomes a current one again: now drained() waits for it
    await r.follow([R1, R2])
    expect(await settled(r.drained())).toBe(false)
    s2.drain()
    await r.drained()

    // dropped: its session is closed and not reopened
    await r.follow([R1])
    expect(s2.closed).toBe(true)
    await vi.advanceTimersByTimeAsync(RECONNECT_MAX_MS)
    expect(fakeNet.opens.filter(o => o.relay === R2)).toHaveLength(1)
  })
})
