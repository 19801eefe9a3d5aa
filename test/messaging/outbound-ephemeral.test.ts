// Outbound.sendEphemeral on the scripted network: straight to each device we can encrypt for, over the outbox's open channel or one of its own (limited connections allowed), true when one took it; nothing for an unregistered party or a key not accepted; a failed dial or send pauses dials from EPHEMERAL_RETRY_MIN_MS, doubling; concurrent sends share a dial; deviceSeen lifts the pause.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { IdentityNotAcceptedError } from '../../src/messaging/index.js'
import { EPHEMERAL_RETRY_MIN_MS } from '../../src/messaging/outbound.js'
import { DIRECT_DIAL_TIMEOUT_MS } from '../../src/protocols/dm/constants.js'
import { encodeContent } from '../../src/messaging/index.js'
import { FakeDirectChannel } from './fake-net.js'
import { fakeNet, gate, harness, refused, T0, turns, ALICE, BOB, type Harness } from './outbound-harness.js'
import { initiate } from '../session/party.js'

vi.mock('../../src/protocols/mailbox/index.js', async o => (await import('./fake-net.js')).mockMailbox(await o()))
vi.mock('../../src/protocols/prekeys/index.js', async o => (await import('./fake-net.js')).mockPreKeys(await o()))
vi.mock('../../src/protocols/dm/index.js', async o => (await import('./fake-net.js')).mockDirect(await o()))

let h: Harness
const typing = encodeContent({ senderE164: ALICE, attestation: new Uint8Array(0), body: { kind: 'text', id: 'e'.repeat(32), text: 'typing', timestamp: T0 } })

/** Every dial from now on answers with a new channel, on the connection `connection(n)` names (n counting dials from 1). */
function acceptDials (connection: (n: number) => string | undefined = n => `c${n}`, setUp: (channel: FakeDirectChannel) => void = () => {}): FakeDirectChannel[] {
  const channels: FakeDirectChannel[] = []
  fakeNet.dial = peer => {
    const channel = new FakeDirectChannel(peer, connection(channels.length + 1))
    setUp(channel)
    channels.push(channel)
    return channel
  }
  return channels
}

/** Every dial from now on fails. */
function refuseDials (): void {
  fakeNet.dial = () => { throw new Error('no answer') }
}

async function send (at?: number): Promise<boolean> {
  if (at != null) vi.setSystemTime(at)
  return await h.out.sendEphemeral(BOB, typing)
}

/** A harness where alice has a session with bob (what sendEphemeral needs). */
async function withSession (options: Parameters<typeof harness>[0] = {}): Promise<Harness> {
  const made = await harness(options)
  await initiate(made.alice.party, made.bob.party)
  return made
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

describe('Outbound.sendEphemeral', () => {
  it('goes over a channel of its own (limited connections allowed) and says the device took it; the channel is kept, and closed on stop()', async () => {
    h = await withSession()
    const channels = acceptDials()
    expect(await send()).toBe(true)
    expect(fakeNet.dials).toHaveLength(1)
    expect(fakeNet.dials[0]).toMatchObject({ peer: h.bobPeer, options: { dialTimeout: DIRECT_DIAL_TIMEOUT_MS, runOnLimitedConnection: true } })
    expect(await h.read(channels[0].sent[0])).toBe('typing')
    expect(await send()).toBe(true)
    expect(fakeNet.dials).toHaveLength(1)
    expect(channels[0].sent).toHaveLength(2)
    // nothing is stored or deposited
    expect(fakeNet.deposits).toEqual([])
    expect(await h.alice.party.storage.outbox.count()).toBe(0)
    await h.out.stop()
    expect(channels[0].closeCalls).toBe(1)
  })

  it('false when the device refuses', async () => {
    h = await withSession()
    const channels = acceptDials(undefined, c => { c.answer = () => refused })
    expect(await send()).toBe(false)
    expect(channels[0].sent).toHaveLength(1)
  })

  it('false, with no lookup and no dial, while we are not registered', async () => {
    h = await withSession({ init: h => ({ party: async () => { h.passes++; return undefined } }) })
    acceptDials()
    expect(await send()).toBe(false)
    expect(h.lookups).toEqual([])
    expect(fakeNet.dials).toEqual([])
  })

  it('false, with no dial, while the recipient\'s key is not accepted', async () => {
    h = await withSession({ init: () => ({ accepted: async () => { throw new IdentityNotAcceptedError() } }) })
    acceptDials()
    expect(await send()).toBe(false)
    expect(fakeNet.dials).toEqual([])
  })

  it('skips a device it has no session with, and one without a peer id, without dialling', async () => {
    h = await harness()
    acceptDials()
    expect(await send()).toBe(false)
    expect(fakeNet.dials).toEqual([])
    await h.out.stop()

    h = await withSession({ reachable: false })
    acceptDials()
    expect(await send()).toBe(false)
    expect(fakeNet.dials).toEqual([])
  })

  it("uses the outbox's open channel (judged on unlimited connections) instead of dialling", async () => {
    h = await harness()
    const channels = acceptDials()
    await h.text(1)
    await h.pass()
    expect(channels[0].sent).toHaveLength(1)
    fakeNet.connections = [{ peer: h.bobPeer, id: 'c1' }, { peer: h.bobPeer, id: 'c2', limited: true }]
    expect(await send()).toBe(true)
    expect(fakeNet.dials).toHaveLength(1)
    expect(channels[0].sent).toHaveLength(2)
    expect(channels[0].closed).toBe(false)
    expect(await h.read(channels[0].sent[1])).toBe('typing')
  })

  it('keeps its own channel while it runs on the newest connection, limited ones included', async () => {
    h = await withSession()
    fakeNet.connections = [{ peer: h.bobPeer, id: 'direct' }, { peer: h.bobPeer, id: 'circuit', limited: true }]
    const channels = acceptDials(() => 'circuit')
    expect(await send()).toBe(true)
    expect(await send()).toBe(true)
    expect(fakeNet.dials).toHaveLength(1)
    expect(channels[0].sent).toHaveLength(2)

    // a newer circuit replaces the connection it runs on: dropped, and the device dialled again
    fakeNet.connections.push({ peer: h.bobPeer, id: 'newer', limited: true })
    expect(await send()).toBe(true)
    expect(channels[0].aborted).toBe(true)
    expect(fakeNet.dials).toHaveLength(2)
  })

  it('drops its own channel on an older direct connection when a newer circuit exists', async () => {
    h = await withSession()
    fakeNet.connections = [{ peer: h.bobPeer, id: 'direct' }]
    const channels = acceptDials(n => n === 1 ? 'direct' : 'circuit')
    expect(await send()).toBe(true)
    fakeNet.connections.push({ peer: h.bobPeer, id: 'circuit', limited: true })
    expect(await send()).toBe(true)
    expect(channels[0].aborted).toBe(true)
    expect(fakeNet.dials).toHaveLength(2)
    expect(channels[1].sent).toHaveLength(1)
  })

  it(`a failed send drops the channel and pauses dials for EPHEMERAL_RETRY_MIN_MS (${EPHEMERAL_RETRY_MIN_MS} ms), doubling per failed dial`, async () => {
    h = await withSession()
    const channels = acceptDials(undefined, c => { c.answer = () => { throw new Error('stream reset') } })
    expect(await send()).toBe(false)
    expect(channels[0].aborted).toBe(true)

    acceptDials()
    expect(await send(T0 + EPHEMERAL_RETRY_MIN_MS - 1)).toBe(false)
    expect(fakeNet.dials).toHaveLength(1)
    // the next dial fails: twice the pause
    refuseDials()
    expect(await send(T0 + EPHEMERAL_RETRY_MIN_MS)).toBe(false)
    expect(fakeNet.dials).toHaveLength(2)
    const second = T0 + EPHEMERAL_RETRY_MIN_MS
    const more = acceptDials()
    expect(await send(second + 2 * EPHEMERAL_RETRY_MIN_MS - 1)).toBe(false)
    expect(fakeNet.dials).toHaveLength(2)
    expect(await send(second + 2 * EPHEMERAL_RETRY_MIN_MS)).toBe(true)
    expect(fakeNet.dials).toHaveLength(3)
    expect(more[0].sent).toHaveLength(1)
  })

  it("a failed send over the outbox's channel drops it and pauses dials", async () => {
    h = await harness()
    const channels = acceptDials()
    await h.text(1)
    await h.pass()
    channels[0].answer = () => { throw new Error('stream reset') }
    expect(await send()).toBe(false)
    expect(channels[0].aborted).toBe(true)
    expect(await send(T0 + EPHEMERAL_RETRY_MIN_MS - 1)).toBe(false)
    expect(fakeNet.dials).toHaveLength(1)
    expect(await send(T0 + EPHEMERAL_RETRY_MIN_MS)).toBe(true)
    expect(fakeNet.dials).toHaveLength(2)
  })

  it('sends at once share one dial', async () => {
    h = await withSession()
    const open = gate()
    const channel = new FakeDirectChannel('bob', 'c1')
    fakeNet.dial = async () => { await open.promise; return channel }
    const both = Promise.all([send(), send()])
    await turns(20)
    expect(fakeNet.dials).toHaveLength(1)
    open.open()
    expect(await both).toEqual([true, true])
    expect(fakeNet.dials).toHaveLength(1)
    expect(channel.sent).toHaveLength(2)
  })

  it('a dial the caller gave up on does not hold up the next send', async () => {
    h = await withSession()
    fakeNet.dial = async (_peer, options) => await new Promise((_resolve, reject) => {
      options.signal?.addEventListener('abort', () => { reject(options.signal?.reason) })
    })
    const impatient = new AbortController()
    const first = h.out.sendEphemeral(BOB, typing, { signal: impatient.signal })
    await turns(20)
    expect(fakeNet.dials).toHaveLength(1)
    impatient.abort(new Error('gave up'))
    await expect(first).rejects.toThrow('gave up')
    const channels = acceptDials()
    expect(await send()).toBe(true)
    expect(channels[0].sent).toHaveLength(1)
  })

  it('deviceSeen lifts the pause after a failed dial, and leaves an open channel alone', async () => {
    h = await withSession()
    refuseDials()
    expect(await send()).toBe(false)
    h.out.deviceSeen(h.bobKey)
    const channels = acceptDials()
    expect(await send()).toBe(true)
    expect(fakeNet.dials).toHaveLength(2)
    h.out.deviceSeen(h.bobKey)
    expect(await send()).toBe(true)
    expect(fakeNet.dials).toHaveLength(2)
    expect(channels[0].sent).toHaveLength(2)
  })
})
