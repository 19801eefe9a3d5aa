// MailboxReceiver's loop on scripted mailbox sessions with fake time: what each session is opened with (our delivery token, a resume cursor only after something was handled, the loop's signal, also for the token, the syncs and the acks), the states it reports (connected, drained, disconnected; nothing on stop), drained() for an empty relay and while an envelope is still being handled, a stop while an envelope is handled reports no error, a failure without an onError hook still reconnects, and a relay dropped and followed again, or everything stopped, is closed and reopened only when followed, also a session that opened just as its relay was dropped or everything stopped (before, unfollow found no session to close and waited for ever on a subscribed session that never ends).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { IdentityKeyPair, systemRandom } from '../../src/crypto/index.js'
import { MailboxReceiver, RECONNECT_MAX_MS, RECONNECT_MIN_MS, type MailboxReceiverInit } from '../../src/messaging/mailbox-receiver.js'
import type { MailboxEntry, OpenMailboxInit } from '../../src/protocols/mailbox/index.js'
import type { StoreOptions } from '../../src/storage/index.js'
import { fakeNet, FakeMailboxSession } from './fake-net.js'

const recorded = vi.hoisted(() => ({ openOptions: [] as unknown[] }))

vi.mock('../../src/protocols/mailbox/index.js', async o => {
  const mocked = (await import('./fake-net.js')).mockMailbox(await o()) as { openMailbox: (node: unknown, relay: unknown, init: unknown) => Promise<unknown> }
  return {
    ...mocked,
    openMailbox: async (node: unknown, relay: unknown, init: unknown, options?: unknown) => {
      recorded.openOptions.push(options)
      return await mocked.openMailbox(node, relay, init)
    }
  }
})

const R1 = '/ip4/10.9.5.1/tcp/4001'
const R2 = '/ip4/10.9.5.2/tcp/4001'
const entry = (n: number): MailboxEntry => ({ id: n.toString(16).padStart(16, '0'), envelope: new Uint8Array([n]), receivedAt: 0 })
const identity = IdentityKeyPair.generate(systemRandom)
const TOKEN = new Uint8Array(32).fill(3)
const DB = {}

/** a session that records the options of each ack */
class RecordingSession extends FakeMailboxSession {
  readonly ackOptions: unknown[] = []
  override async ack (ids: string[], options?: unknown): Promise<void> {
    this.ackOptions.push(options)
    await super.ack(ids)
  }
}

let receiver: MailboxReceiver | undefined
let errors: unknown[]
let states: Array<[string, string]>
/** the options each sync-group flush handed to the sync */
let syncs: Array<StoreOptions | undefined>

function start (init: Partial<MailboxReceiverInit> = {}): MailboxReceiver {
  receiver = new MailboxReceiver({
    node: {} as never,
    identity,
    deviceId: 1,
    handle: async (_envelope, options) => { options?.syncGroup?.defer(DB, async o => { syncs.push(o) }) },
    onError: err => errors.push(err),
    onState: (relay, state) => states.push([relay, state]),
    ...init
  })
  return receiver
}

/** The next session opened at `relay`, once the receiver has taken it (it is reading from it). */
async function opened (relay: string): Promise<RecordingSession> {
  const session = await fakeNet.nextSession(relay) as RecordingSession
  await vi.advanceTimersByTimeAsync(0)
  return session
}

/** Whether `p` settled after the pending jobs and one macrotask. */
async function settled (p: Promise<unknown>): Promise<boolean> {
  let done = false
  p.then(() => { done = true }, () => { done = true })
  await vi.advanceTimersByTimeAsync(0)
  return done
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  vi.setSystemTime(1_700_000_000_000)
  errors = []
  states = []
  syncs = []
  recorded.openOptions = []
  fakeNet.open = (relay: string, init: OpenMailboxInit) => new RecordingSession(relay, init)
})

afterEach(async () => {
  await receiver?.stop()
  receiver = undefined
  vi.useRealTimers()
  fakeNet.reset()
})

describe('MailboxReceiver: what a session is opened, synced and acked with', () => {
  it('our delivery token (asked with the loop signal), no cursor at first, the loop signal for the open, the sync and the ack', async () => {
    const asked: Array<StoreOptions | undefined> = []
    const r = start({ deliveryToken: async options => { asked.push(options); return TOKEN } })
    const at = opened(R1)
    await r.follow([R1])
    const s = await at
    expect(s.init).toEqual({ identity, deviceId: 1, subscribe: true, deliveryToken: TOKEN })
    expect(s.init).not.toHaveProperty('after')
    const signal = asked[0]?.signal
    expect(signal).toBeInstanceOf(AbortSignal)
    expect(recorded.openOptions).toEqual([{ signal }])
    s.push(entry(1))
    s.drain()
    await s.untilAcked(1)
    expect(syncs).toEqual([{ signal }])
    expect(s.ackOptions).toEqual([{ signal }])
    expect((recorded.openOptions[0] as { signal: AbortSignal }).signal).toBe(signal)
    await r.stop()
    expect(signal?.aborted).toBe(true)
  })

  it('without a delivery token hook, no token; after a session ended, the next one resumes after the last envelope handled', async () => {
    const r = start()
    const first = opened(R1)
    await r.follow([R1])
    const s1 = await first
    expect(s1.init).not.toHaveProperty('deliveryToken')
    expect(s1.init).not.toHaveProperty('after')
    s1.push(entry(1))
    await s1.untilAcked(1)
    const second = opened(R1)
    s1.fail()
    await vi.advanceTimersByTimeAsync(2 * RECONNECT_MIN_MS)
    expect((await second).init).toEqual({ identity, deviceId: 1, subscribe: true, after: entry(1).id })
  })

  it('what was handled before an envelope failed is synced and acked with the loop signal', async () => {
    const r = start({
      handle: async (envelope, options) => {
        if (envelope[0] === 3) throw new Error('disk full')
        options?.syncGroup?.defer(DB, async o => { syncs.push(o) })
      }
    })
    const at = opened(R1)
    await r.follow([R1])
    const s = await at
    s.push(entry(1), entry(2), entry(3))
    await s.untilAcked(1)
    expect(s.acked).toEqual([[entry(1).id, entry(2).id]])
    const signal = (recorded.openOptions[0] as { signal: AbortSignal }).signal
    expect(syncs).toEqual([{ signal }])
    expect(s.ackOptions).toEqual([{ signal }])
  })
})

describe('MailboxReceiver: states and drains', () => {
  it('reports connected, drained and disconnected; a stop reports nothing; an empty relay is drained at once', async () => {
    const r = start()
    const first = opened(R1)
    await r.follow([R1])
    const s1 = await first
    expect(states).toEqual([[R1, 'connected']])
    s1.drain()
    await r.drained()
    expect(states).toEqual([[R1, 'connected'], [R1, 'drained']])
    const second = opened(R1)
    s1.fail()
    await vi.advanceTimersByTimeAsync(0)
    expect(states.at(-1)).toEqual([R1, 'disconnected'])
    await vi.advanceTimersByTimeAsync(2 * RECONNECT_MIN_MS)
    await second
    expect(states).toEqual([[R1, 'connected'], [R1, 'drained'], [R1, 'disconnected'], [R1, 'connected']])
    await r.stop()
    expect(states).toHaveLength(4)
    expect(errors.map(e => (e as Error).message)).toEqual(['connection lost'])
  })

  it('drained() waits for an envelope still being handled when the relay says it has handed everything over', async () => {
    let release!: () => void
    let called!: () => void
    const handling = new Promise<void>(resolve => { called = resolve })
    const r = start({ handle: async () => { called(); await new Promise<void>(resolve => { release = resolve }) } })
    const at = opened(R1)
    await r.follow([R1])
    const s = await at
    s.push(entry(1))
    await handling
    s.drain()
    const drained = r.drained()
    expect(await settled(drained)).toBe(false)
    release()
    await drained
    expect(s.acked).toEqual([[entry(1).id]])
  })

  it('a stop while an envelope is being handled ends the loop without an error or a state', async () => {
    let called!: () => void
    const handling = new Promise<void>(resolve => { called = resolve })
    const r = start({
      handle: async (_envelope, options) => {
        called()
        await new Promise<void>((_resolve, reject) => { options?.signal?.addEventListener('abort', () => { reject(options.signal?.reason) }) })
      }
    })
    const at = opened(R1)
    await r.follow([R1])
    const s = await at
    s.push(entry(1))
    await handling
    await r.stop()
    expect(s.closed).toBe(true)
    expect(errors).toEqual([])
    expect(states).toEqual([[R1, 'connected']])
    expect(s.acked).toEqual([])
  })

  it('a failure with no onError hook still reconnects', async () => {
    let refuse = true
    fakeNet.open = (relay, init) => {
      if (refuse) throw new Error('relay unreachable')
      return new RecordingSession(relay, init)
    }
    const r = new MailboxReceiver({ node: {} as never, identity, deviceId: 1, handle: async () => {} })
    receiver = r
    await r.follow([R1])
    await vi.advanceTimersByTimeAsync(0)
    expect(fakeNet.opens).toHaveLength(1)
    refuse = false
    const at = opened(R1)
    await vi.advanceTimersByTimeAsync(2 * RECONNECT_MIN_MS)
    await at
    expect(fakeNet.opens).toHaveLength(2)
  })
})

describe('MailboxReceiver: following and stopping', () => {
  it('a relay dropped is closed and forgotten: drained() no longer waits for it, and following it again opens a new session', async () => {
    const r = start()
    const at1 = opened(R1)
    await r.follow([R1])
    const s1 = await at1
    const at2 = opened(R2)
    await r.follow([R2])
    expect(s1.closed).toBe(true)
    const s2 = await at2
    s2.drain()
    // R1 never drained: only R2 counts now
    expect(await settled(r.drained())).toBe(true)
    const again = opened(R1)
    await r.follow([R1])
    const s3 = await again
    expect(s3).not.toBe(s1)
    expect(fakeNet.opens.map(o => o.relay)).toEqual([R1, R2, R1])
  })

  it('stop closes every session and nothing reconnects', async () => {
    const r = start()
    const at1 = opened(R1)
    const at2 = opened(R2)
    await r.follow([R1], [R2])
    const [s1, s2] = await Promise.all([at1, at2])
    await r.stop()
    expect([s1.closed, s2.closed]).toEqual([true, true])
    await vi.advanceTimersByTimeAsync(RECONNECT_MAX_MS)
    expect(fakeNet.opens).toHaveLength(2)
    expect(errors).toEqual([])
  })
})

describe('MailboxReceiver: stopped while a session was opening', () => {
  it('a session that opens just as its relay is dropped is closed, and the follow returns', async () => {
    const r = start()
    const at1 = fakeNet.nextSession(R1)
    await r.follow([R1])
    // the relay answered the open; the receiver has not taken the session yet
    const s1 = await at1
    const dropped = r.follow([R2])
    expect(await settled(dropped)).toBe(true)
    expect(s1.closed).toBe(true)
    // closed at once, never reported connected
    expect(states.filter(([relay]) => relay === R1)).toEqual([])
  })

  it('a session that opens just as everything stops is closed, and the stop returns', async () => {
    const r = start()
    const at1 = fakeNet.nextSession(R1)
    await r.follow([R1])
    const s1 = await at1
    const stopped = r.stop()
    expect(await settled(stopped)).toBe(true)
    expect(s1.closed).toBe(true)
    expect(states).toEqual([])
    await vi.advanceTimersByTimeAsync(RECONNECT_MAX_MS)
    expect(fakeNet.opens).toHaveLength(1)
  })
})
