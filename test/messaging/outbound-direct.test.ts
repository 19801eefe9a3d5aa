// Outbound's direct path on the scripted network: a device that answers a dial gets its mail over the channel (nothing at the relays), the channel serves later passes until a newer connection replaces it, a refusal or a failed dial sends the mail to the relays and pauses direct sends for DIRECT_RETRY_AFTER_MS (deviceSeen lifts it), and stop() closes what is open and ends a dial under way.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DIRECT_RETRY_AFTER_MS } from '../../src/messaging/outbound.js'
import { DIRECT_DIAL_TIMEOUT_MS } from '../../src/protocols/dm/constants.js'
import { FakeDirectChannel } from './fake-net.js'
import { fakeNet, harness, id, recordOf, refused, settles, T0, turns, BOB, CAROL, R1, type Harness } from './outbound-harness.js'

vi.mock('../../src/protocols/mailbox/index.js', async o => (await import('./fake-net.js')).mockMailbox(await o()))
vi.mock('../../src/protocols/prekeys/index.js', async o => (await import('./fake-net.js')).mockPreKeys(await o()))
vi.mock('../../src/protocols/dm/index.js', async o => (await import('./fake-net.js')).mockDirect(await o()))

let h: Harness

/** Every dial from now on answers with a new channel (on connection `c<n>`, n counting dials from 1). */
function acceptDials (setUp: (channel: FakeDirectChannel) => void = () => {}): FakeDirectChannel[] {
  const channels: FakeDirectChannel[] = []
  fakeNet.dial = peer => {
    const channel = new FakeDirectChannel(peer, `c${channels.length + 1}`)
    setUp(channel)
    channels.push(channel)
    return channel
  }
  return channels
}

/** A text for bob written at `at` (a moment after the last by default), delivered in one pass. */
async function deliver (n: number, at = Date.now() + 1): Promise<void> {
  vi.setSystemTime(at)
  await h.text(n)
  await h.pass()
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

describe('Outbound, direct', () => {
  it('sends to a device that answers a dial, with the dial timeout and the pass\'s signal; nothing goes to the relays, and the channel serves the next pass', async () => {
    const asked: string[] = []
    h = await harness({
      init: () => ({
        deliveryToken: async () => { asked.push('token'); return undefined },
        relayAddresses: async () => { asked.push('addresses'); return [] }
      })
    })
    const channels = acceptDials()
    await deliver(1)
    expect(fakeNet.dials).toHaveLength(1)
    expect(fakeNet.dials[0].peer).toBe(h.bobPeer)
    expect(fakeNet.dials[0].options.dialTimeout).toBe(DIRECT_DIAL_TIMEOUT_MS)
    expect(fakeNet.dials[0].options.signal).toBeInstanceOf(AbortSignal)
    expect(channels[0].sent).toHaveLength(1)
    expect(await h.read(channels[0].sent[0])).toBe('text 1')
    expect(h.statuses).toEqual([[id(1), 'sent']])
    expect(await h.alice.party.storage.outbox.count()).toBe(0)
    // nothing went to the relays, nor was anything asked for a deposit
    expect(fakeNet.deposits).toEqual([])
    expect(asked).toEqual([])
    expect(channels[0].closed).toBe(false)

    await deliver(2)
    expect(fakeNet.dials).toHaveLength(1)
    expect(channels[0].sent).toHaveLength(2)
    expect(await h.read(channels[0].sent[1])).toBe('text 2')
    expect(h.statuses).toEqual([[id(1), 'sent'], [id(2), 'sent']])
    expect(fakeNet.deposits).toEqual([])
    expect(h.errors).toEqual([])
  })

  it('a device that refuses: the channel is dropped, the relays get the mail, and no dial is tried for DIRECT_RETRY_AFTER_MS', async () => {
    h = await harness()
    // the first channel refuses, a later one takes
    const channels = acceptDials(c => { if (c.connectionId === 'c1') c.answer = () => refused })
    await deliver(1)
    expect(channels[0].sent).toHaveLength(1)
    expect(channels[0].aborted).toBe(true)
    expect(fakeNet.deposits.map(d => Buffer.from(d.deposit.envelope))).toEqual([Buffer.from(channels[0].sent[0])])
    expect(await h.read(fakeNet.deposits[0].deposit.envelope)).toBe('text 1')
    expect(h.statuses).toEqual([[id(1), 'sent']])

    // the channel failed at T0 + 1
    await deliver(2, T0 + DIRECT_RETRY_AFTER_MS)
    expect(fakeNet.dials).toHaveLength(1)
    expect(fakeNet.deposits).toHaveLength(2)
    await deliver(3, T0 + 1 + DIRECT_RETRY_AFTER_MS)
    expect(fakeNet.dials).toHaveLength(2)
    expect(channels[1].sent).toHaveLength(1)
    expect(fakeNet.deposits).toHaveLength(2)
    expect(h.statuses.map(([, s]) => s)).toEqual(['sent', 'sent', 'sent'])
    expect(h.errors).toEqual([])
  })

  it('a send that fails counts as not taken: the relays get that envelope, and the channel is dropped', async () => {
    h = await harness()
    const channels = acceptDials(c => { c.answer = () => { throw new Error('stream reset') } })
    await deliver(1)
    expect(channels[0].sent).toHaveLength(1)
    expect(channels[0].aborted).toBe(true)
    expect(fakeNet.deposits).toHaveLength(1)
    expect(await h.read(fakeNet.deposits[0].deposit.envelope)).toBe('text 1')
    expect(h.statuses).toEqual([[id(1), 'sent']])
    expect(h.errors).toEqual([])
  })

  it('only what the channel did not take goes to the relays', async () => {
    h = await harness()
    const channels = acceptDials(c => { c.answer = (_envelope, n) => n === 0 ? { status: 'ok', message: '', retryAfterMs: 0 } : refused })
    await h.text(1)
    vi.setSystemTime(T0 + 1)
    await h.text(2)
    await h.pass()
    expect(channels[0].sent).toHaveLength(2)
    expect(await h.read(channels[0].sent[0])).toBe('text 1')
    expect(fakeNet.deposits).toHaveLength(1)
    expect(await h.read(fakeNet.deposits[0].deposit.envelope)).toBe('text 2')
    expect(channels[0].aborted).toBe(true)
    expect(h.statuses).toEqual([[id(1), 'sent'], [id(2), 'sent']])
  })

  it(`a failed dial sends the mail to the relays and is tried again after DIRECT_RETRY_AFTER_MS (${DIRECT_RETRY_AFTER_MS} ms), not before`, async () => {
    h = await harness()
    await deliver(1)
    expect(fakeNet.dials).toHaveLength(1)
    expect(fakeNet.deposits).toHaveLength(1)
    // the dial failed at T0 + 1
    await deliver(2, T0 + DIRECT_RETRY_AFTER_MS)
    expect(fakeNet.dials).toHaveLength(1)
    await deliver(3, T0 + 1 + DIRECT_RETRY_AFTER_MS)
    expect(fakeNet.dials).toHaveLength(2)
    expect(fakeNet.deposits).toHaveLength(3)
    expect(h.statuses.map(([, s]) => s)).toEqual(['sent', 'sent', 'sent'])
    expect(h.errors).toEqual([])
  })

  it('deviceSeen lifts the pause after a failed dial, and leaves an open channel alone', async () => {
    h = await harness()
    await deliver(1)
    h.out.deviceSeen(h.bobKey)
    const channels = acceptDials()
    await deliver(2)
    expect(fakeNet.dials).toHaveLength(2)
    expect(channels[0].sent).toHaveLength(1)
    h.out.deviceSeen(h.bobKey)
    await deliver(3)
    expect(fakeNet.dials).toHaveLength(2)
    expect(channels[0].sent).toHaveLength(2)
    expect(h.errors).toEqual([])
  })

  it('a device without a peer id is never dialled', async () => {
    h = await harness({ reachable: false })
    await deliver(1)
    expect(fakeNet.dials).toEqual([])
    expect(fakeNet.deposits).toHaveLength(1)
  })

  describe('a kept channel and the newest connection', () => {
    it('is used while it runs on the newest connection; a newer limited one (a relay circuit) does not count for texts', async () => {
      h = await harness()
      const channels = acceptDials()
      await deliver(1)
      fakeNet.connections = [{ peer: h.bobPeer, id: 'c1' }]
      await deliver(2)
      fakeNet.connections.push({ peer: h.bobPeer, id: 'c2', limited: true })
      await deliver(3)
      expect(fakeNet.dials).toHaveLength(1)
      expect(channels[0].sent).toHaveLength(3)
      expect(channels[0].closed).toBe(false)
      expect(h.errors).toEqual([])
    })

    it('is used when it does not say which connection it runs on', async () => {
      h = await harness()
      const channels: FakeDirectChannel[] = []
      fakeNet.dial = peer => { const c = new FakeDirectChannel(peer); channels.push(c); return c }
      await deliver(1)
      fakeNet.connections = [{ peer: h.bobPeer, id: 'c7' }, { peer: h.bobPeer, id: 'c8' }]
      await deliver(2)
      expect(fakeNet.dials).toHaveLength(1)
      expect(channels[0].sent).toHaveLength(2)
      expect(h.errors).toEqual([])
    })

    it('an idle channel on an older connection is aborted and the device dialled again', async () => {
      h = await harness()
      const channels = acceptDials()
      fakeNet.connections = [{ peer: h.bobPeer, id: 'c1' }]
      await deliver(1)
      fakeNet.connections.push({ peer: h.bobPeer, id: 'c2' })
      await deliver(2)
      expect(channels[0]).toMatchObject({ aborted: true, closeCalls: 0 })
      expect(channels[0].sent).toHaveLength(1)
      expect(fakeNet.dials).toHaveLength(2)
      expect(channels[1].sent).toHaveLength(1)
      expect(await h.read(channels[1].sent[0])).toBe('text 2')
      expect(h.errors).toEqual([])
    })

    it('one with sends in flight is closed (they can still be answered); aborted when the close fails', async () => {
      h = await harness()
      const channels = acceptDials()
      fakeNet.connections = [{ peer: h.bobPeer, id: 'c1' }]
      await deliver(1)
      channels[0].inFlight = 1
      fakeNet.connections.push({ peer: h.bobPeer, id: 'c2' })
      await deliver(2)
      expect(channels[0]).toMatchObject({ aborted: false, closeCalls: 1 })
      expect(channels[1].sent).toHaveLength(1)

      channels[1].inFlight = 1
      channels[1].closeError = new Error('the stream is gone')
      fakeNet.connections.push({ peer: h.bobPeer, id: 'c3' })
      await deliver(3)
      expect(channels[1]).toMatchObject({ aborted: true, closeCalls: 1 })
      expect(channels[2].sent).toHaveLength(1)
      expect(h.errors).toEqual([])
    })

    it('a channel the device closed is not used: the device is dialled again', async () => {
      h = await harness()
      const channels = acceptDials()
      await deliver(1)
      channels[0].closed = true
      await deliver(2)
      expect(fakeNet.dials).toHaveLength(2)
      expect(channels[0].sent).toHaveLength(1)
      expect(channels[1].sent).toHaveLength(1)
      expect(fakeNet.deposits).toEqual([])
      expect(h.errors).toEqual([])
    })
  })

  it('stop() closes the open channels (aborting one whose close fails), also after a failed dial', async () => {
    h = await harness()
    const channels = acceptDials()
    await deliver(1)
    await h.out.stop()
    expect(channels[0]).toMatchObject({ closeCalls: 1, aborted: false })

    fakeNet.reset()
    h = await harness()
    const failing = acceptDials(c => { c.closeError = new Error('the stream is gone') })
    await deliver(2)
    await h.out.stop()
    expect(failing[0]).toMatchObject({ closeCalls: 1, aborted: true })

    fakeNet.reset()
    h = await harness()
    await deliver(3)
    expect(fakeNet.dials).toHaveLength(1)
    await expect(h.out.stop()).resolves.toBeUndefined()
  })

  it('stop() ends a dial under way', async () => {
    h = await harness()
    const giveUp: Array<() => void> = []
    fakeNet.dial = async (_peer, options) => await new Promise((_resolve, reject) => {
      giveUp.push(() => { reject(new Error('no answer')) })
      options.signal?.addEventListener('abort', () => { reject(options.signal?.reason) })
    })
    try {
      await h.text(1)
      h.out.wake()
      for (let i = 0; i < 500 && fakeNet.dials.length === 0; i++) await turns()
      expect(fakeNet.dials).toHaveLength(1)
      expect(await settles(h.out.stop())).toBe(true)
    } finally {
      for (const f of giveUp) f()
    }
  })

  it('a channel that failed does not pause direct sends when a newer channel to the device replaced it meanwhile', async () => {
    h = await harness()
    // carol's number names bob's device too: both deliveries dial it at once, and the first channel refuses
    h.directory.set(CAROL, await recordOf(h.bob, [R1], h.bobPeer))
    const channels = acceptDials(c => { if (c.connectionId === 'c1') c.answer = () => refused })
    await h.text(1)
    await h.text(2, { to: CAROL })
    await h.pass()
    expect(fakeNet.dials).toHaveLength(2)
    expect(channels[0].aborted).toBe(true)
    expect(h.statuses.map(([, s]) => s)).toEqual(['sent', 'sent'])
    // the newer channel serves the next pass
    await deliver(3)
    expect(fakeNet.dials).toHaveLength(2)
    expect(channels[1].sent).toHaveLength(2)
    expect(await h.read(channels[1].sent[1])).toBe('text 3')
    expect(h.errors).toEqual([])
  })

  it('a channel that fails after its device was seen again (its failed dial forgotten): the mail still goes to the relays', async () => {
    h = await harness()
    h.directory.set(CAROL, await recordOf(h.bob, [R1], h.bobPeer))
    // the first dial gets a channel; the second dial fails a moment later; then the device is seen, and the channel refuses
    const first = new FakeDirectChannel(h.bobPeer, 'c1')
    let secondFailed = false
    fakeNet.dial = async () => {
      if (fakeNet.dials.length === 1) return first
      await turns()
      secondFailed = true
      throw new Error('no answer')
    }
    first.answer = async () => {
      for (let i = 0; i < 100 && !secondFailed; i++) await turns()
      await turns()
      h.out.deviceSeen(h.bobKey)
      return refused
    }
    await h.text(1)
    await h.text(2, { to: CAROL })
    await h.pass()
    expect(fakeNet.dials).toHaveLength(2)
    expect(first.aborted).toBe(true)
    expect(fakeNet.deposits).toHaveLength(2)
    expect(h.statuses.map(([, s]) => s)).toEqual(['sent', 'sent'])
    expect(h.errors).toEqual([])
  })

  it('a dial still under way when its delivery failed ends without an unhandled rejection', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (err: unknown): void => { unhandled.push(err) }
    process.on('unhandledRejection', onUnhandled)
    try {
      h = await harness()
      // a directory bundle that does not decode: the delivery fails before it waits for the dial
      const record = await recordOf(h.bob, [R1], h.bobPeer)
      h.directory.set(BOB, { ...record, devices: record.devices.map(d => ({ ...d, prekeyBundle: new Uint8Array([1, 2, 3]) })) })
      fakeNet.dial = async (_peer, options) => await new Promise((_resolve, reject) => {
        options.signal?.addEventListener('abort', () => { reject(options.signal?.reason) })
      })
      await h.text(1)
      await h.pass()
      expect(fakeNet.dials).toHaveLength(1)
      expect(h.errors).toHaveLength(1)
      await h.out.stop()
      await turns(3)
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})
