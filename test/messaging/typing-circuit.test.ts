// Typing between two Node devices that are reachable only through one relay's circuit (like browsers before the WebRTC upgrade): real relay process, real devices; typing rides the limited connection, texts do not.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { retryUntil } from '../helpers/wait.js'
import type { Parley, ReceivedMessage } from '../../src/index.js'
import { startTestRelay, registeredDevice, openDevice, collect, converse, type TestRelay } from './helpers.js'
import { EPHEMERAL_RETRY_MIN_MS, DIRECT_RETRY_AFTER_MS } from '../../src/messaging/outbound.js'
import { internals } from '../../src/client/internals.js'

const ALICE = '+15550600001'
const BOB = '+15550600002'
/** only a circuit reservation at the relay: no address anyone can dial directly */
const CIRCUIT_ONLY = { listen: ['/p2p-circuit'] }

describe('typing over a relay circuit', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let relay: TestRelay
  let alice: Parley
  let bob: Parley

  beforeAll(async () => {
    dir = await tempDir()
    relay = await startTestRelay(`${dir.path}/relay`)
    alice = await registeredDevice(dir.path, 'alice', ALICE, [relay], CIRCUIT_ONLY)
    bob = await registeredDevice(dir.path, 'bob', BOB, [relay], CIRCUIT_ONLY)
    for (const p of [alice, bob]) {
      await retryUntil(async () => internals(p).node.getMultiaddrs().some(a => a.toString().includes('/p2p-circuit')) || Promise.reject(new Error('no reservation')), { timeout: 20_000, interval: 100, what: 'circuit reservation' })
      expect(internals(p).node.getMultiaddrs().every(a => a.toString().includes('/p2p-circuit'))).toBe(true)
    }
    // a conversation both ways through the mailbox: sessions exist on both sides, receipts arrived, outboxes empty
    await converse({ device: alice, phone: ALICE }, { device: bob, phone: BOB })
  }, 120_000)

  afterAll(async () => {
    await alice?.stop()
    await bob?.stop()
    await relay?.relay.stop()
    await dir?.remove()
  })

  it('typing arrives without a direct connection, over the limited circuit', async () => {
    const typing = collect<{ phone: string, typing: boolean }>(push => bob.on('typing', push))
    // no direct (unlimited) connection between the two exists, before or after
    const unlimited = (): number => internals(alice).node.getConnections(internals(bob).node.peerId).filter(c => c.limits == null).length
    expect(unlimited()).toBe(0)
    const timings: number[] = []
    // the first dial may land while bob's reservation is still being announced: the short ephemeral backoff
    // (2 s, 4 s, ...) retries within seconds
    const first = Date.now()
    await retryUntil(async () => await alice.typing(BOB, true) || Promise.reject(new Error('not taken')), { timeout: 30_000, interval: 250, what: 'typing taken over the circuit' })
    timings.push(Date.now() - first)
    for (const on of [false, true, false]) {
      const t = Date.now()
      expect(await alice.typing(BOB, on)).toBe(true)
      timings.push(Date.now() - t)
    }
    await typing.until(4, 10_000, 'typing events at bob')
    expect(typing.items.slice(-4).map(e => e.typing)).toEqual([true, false, true, false])
    expect(typing.items.every(e => e.phone === ALICE)).toBe(true)
    const conns = internals(alice).node.getConnections(internals(bob).node.peerId)
    expect(conns.length).toBeGreaterThan(0)
    expect(conns.every(c => c.limits != null && c.remoteAddr.toString().includes('/p2p-circuit'))).toBe(true)
    expect(unlimited()).toBe(0)
    // ephemeral: nothing was queued
    expect(await internals(alice).messenger.pendingCount()).toBe(0)
    console.log(`typing over a circuit: first send ${timings[0]} ms (dial included), then ${timings.slice(1).join(' / ')} ms`)
  }, 60_000)

  it('texts still go through the mailbox, not over the circuit', async () => {
    const atBob = collect<ReceivedMessage>(push => bob.on('message', push))
    const sent = await alice.send(BOB, 'a text')
    await atBob.until(1, 30_000, 'text at bob')
    expect(atBob.items[0].text).toBe('a text')
    // bob's delivered receipt came back the same way: nothing of bob's is left to send alice
    expect(await internals(alice).messenger.waitForStatus(BOB, sent.id, ['delivered', 'read'], { signal: AbortSignal.timeout(30_000) })).toBe('delivered')
    await retryUntil(async () => await internals(bob).messenger.pendingCount() === 0 || Promise.reject(new Error('bob\'s outbox busy')), { timeout: 30_000, interval: 50, what: 'bob\'s outbox drained' })
  }, 60_000)

  it('a device that was away gets typing again within seconds of coming back, not after the outbox\'s minute', async () => {
    // bob sends nothing on the way out or back (its outbox is empty), so alice does not learn it is back
    // from a message (which would clear the backoff at once): only the backoff brings typing back
    await bob.stop()
    // bob is gone: the dial fails and the ephemeral backoff starts (2 s, then 4 s, ...)
    expect(await alice.typing(BOB, true)).toBe(false)
    expect(await alice.typing(BOB, true)).toBe(false)
    bob = await openDevice(dir.path, 'bob', [relay], CIRCUIT_ONLY)
    await retryUntil(async () => internals(bob).node.getMultiaddrs().some(a => a.toString().includes('/p2p-circuit')) || Promise.reject(new Error('no reservation')), { timeout: 20_000, interval: 100, what: 'bob\'s new reservation' })
    const typing = collect<{ phone: string, typing: boolean }>(push => bob.on('typing', push))
    const back = Date.now()
    await retryUntil(async () => await alice.typing(BOB, true) || Promise.reject(new Error('not taken')), { timeout: DIRECT_RETRY_AFTER_MS / 3, interval: 250, what: 'typing after bob came back' })
    const took = Date.now() - back
    await typing.until(1, 10_000, 'typing at the returned bob')
    expect(took).toBeLessThan(DIRECT_RETRY_AFTER_MS / 3)
    console.log(`typing after the contact came back: taken after ${took} ms (ephemeral backoff starts at ${EPHEMERAL_RETRY_MIN_MS} ms)`)
  }, 90_000)
})
