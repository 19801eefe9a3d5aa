// Delivered receipts on the fake network with fake timers: texts that arrive within the 50 ms pause share one receipt, flushQueuedReceipts and stop() queue what waits (and wait for a flush under way), receipts are chunked by MAX_RECEIPT_IDS (owed ones at start-up, read ones), each id goes once, a failed flush is an 'error' event, an unregistered device queues none.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { MAX_RECEIPT_IDS, type MessageBody } from '../../src/messaging/index.js'
import { OwedTexts } from '../../src/messaging/owed-texts.js'
import type { KeyValueStore } from '../../src/storage/index.js'
import { fakeNet } from './fake-net.js'
import { depositsFor, fakePair, queued, startUp, turns, unexpectedErrors, type FakePair, type PairSide } from './fake-pair.js'

vi.mock('../../src/protocols/mailbox/index.js', async o => (await import('./fake-net.js')).mockMailbox(await o()))
vi.mock('../../src/protocols/prekeys/index.js', async o => (await import('./fake-net.js')).mockPreKeys(await o()))
vi.mock('../../src/protocols/dm/index.js', async o => (await import('./fake-net.js')).mockDirect(await o()))

const ALICE = '+15550930001'
const BOB = '+15550930002'
const hexId = (n: number): string => n.toString(16).padStart(32, '0')

let pair: FakePair | undefined
afterEach(async () => {
  await pair?.stop()
  pair = undefined
  fakeNet.reset()
  vi.useRealTimers()
})

/** Alice's texts, deposited for Bob but not handed to him: the test gives them to Bob itself. */
async function textsFromAlice (p: FakePair, texts: string[]): Promise<Array<{ id: string, envelope: Uint8Array }>> {
  p.delivering = false
  const before = depositsFor(p.bob).length
  const ids: string[] = []
  for (const t of texts) ids.push((await p.alice.m.send(BOB, t)).id)
  // creation stamps are a millisecond apart: all are due a second later
  p.clock.advance(1000)
  p.alice.m.deliver()
  await p.alice.m.outbound.idle()
  const envelopes = depositsFor(p.bob).slice(before).map(d => d.deposit.envelope)
  expect(envelopes).toHaveLength(texts.length)
  return ids.map((id, i) => ({ id, envelope: envelopes[i] }))
}

const receipts = (side: PairSide): Array<Extract<MessageBody, { kind: 'receipt' }>> =>
  queued(side, 'receipt').map(w => w.content.body as Extract<MessageBody, { kind: 'receipt' }>)

/** A key-value area whose batches wait for `gate` (and fail while `fail` is set). */
function heldBatches (store: KeyValueStore, control: { gate?: Promise<void>, fail?: Error }): KeyValueStore {
  return Object.assign(Object.create(store) as KeyValueStore, {
    batch: async (...args: Parameters<KeyValueStore['batch']>) => {
      await control.gate
      if (control.fail != null) {
        const err = control.fail
        control.fail = undefined
        throw err
      }
      return await store.batch(...args)
    }
  })
}

describe('delivered receipts', () => {
  it('coalesces texts that arrive within the pause into one receipt, queued when the pause ends; flushQueuedReceipts queues at once, each id once; stop() queues what still waits', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    pair = await fakePair(91, [ALICE, BOB])
    const { bob } = pair
    const [t1, t2, t3, t4, t5] = await textsFromAlice(pair, ['one', 'two', 'three', 'four', 'five'])

    await bob.m.receive(t1.envelope)
    await bob.m.receive(t2.envelope)
    expect(bob.events.message.map(m => m.id)).toEqual([t1.id, t2.id])
    await vi.advanceTimersByTimeAsync(49)
    expect(receipts(bob)).toEqual([])
    const toAlice = depositsFor(pair.alice).length
    await vi.advanceTimersByTimeAsync(1)
    // the pause ended: the receipt is queued on its own
    await turns(() => receipts(bob).length > 0)
    await bob.m.flushQueuedReceipts()
    expect(receipts(bob)).toEqual([{ kind: 'receipt', type: 'delivered', ids: [t1.id, t2.id], timestamp: expect.any(Number) }])
    const [entry] = queued(bob, 'receipt')
    expect(entry.entry.to).toBe(ALICE)
    expect(entry.content.deliveryToken).toBeUndefined()
    // and the outbox was woken: the receipt left for Alice's relay without anyone asking
    await bob.m.outbound.idle()
    expect(depositsFor(pair.alice).length).toBe(toAlice + 1)

    // no pause needed: flushQueuedReceipts queues what waits, and only that
    await bob.m.receive(t3.envelope)
    await vi.advanceTimersByTimeAsync(10)
    await bob.m.flushQueuedReceipts()
    expect(receipts(bob).map(r => r.ids)).toEqual([[t1.id, t2.id], [t3.id]])
    // a new pause for the next text
    await bob.m.receive(t4.envelope)
    await vi.advanceTimersByTimeAsync(50)
    await bob.m.flushQueuedReceipts()
    expect(receipts(bob).map(r => r.ids)).toEqual([[t1.id, t2.id], [t3.id], [t4.id]])

    // a receipt still in its pause is queued by stop()
    await bob.m.receive(t5.envelope)
    await bob.m.stop()
    expect(receipts(bob).map(r => r.ids)).toEqual([[t1.id, t2.id], [t3.id], [t4.id], [t5.id]])
    expect(unexpectedErrors(bob)).toEqual([])
  })

  it('a text arriving after flushQueuedReceipts waits its full pause: the flushed pause does not end it early', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    pair = await fakePair(92, [ALICE, BOB])
    const { bob } = pair
    const [t1, t2] = await textsFromAlice(pair, ['one', 'two'])
    await bob.m.receive(t1.envelope)
    await vi.advanceTimersByTimeAsync(10)
    await bob.m.flushQueuedReceipts()
    await vi.advanceTimersByTimeAsync(10)
    await bob.m.receive(t2.envelope)
    // 50 ms after the first text: its pause was flushed, so nothing fires for the second yet
    await vi.advanceTimersByTimeAsync(30)
    await turns(() => true)
    expect(receipts(bob).map(r => r.ids)).toEqual([[t1.id]])
    await vi.advanceTimersByTimeAsync(20)
    await bob.m.flushQueuedReceipts()
    expect(receipts(bob).map(r => r.ids)).toEqual([[t1.id], [t2.id]])
  })

  it('flushQueuedReceipts waits for a flush the pause started; a failed flush is an error event, from the pause or from flushQueuedReceipts', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const control: { gate?: Promise<void>, fail?: Error } = {}
    pair = await fakePair(93, [ALICE, BOB], { bob: { kv: (name, store) => name === 'owed-texts' ? heldBatches(store, control) : store } })
    const { bob } = pair
    const [t1, t2, t3] = await textsFromAlice(pair, ['one', 'two', 'three'])

    let open!: () => void
    control.gate = new Promise(resolve => { open = resolve })
    await bob.m.receive(t1.envelope)
    await vi.advanceTimersByTimeAsync(50)
    let flushed = false
    const flushing = bob.m.flushQueuedReceipts().then(() => { flushed = true })
    await turns(() => false, 50).catch(() => {})
    expect(flushed).toBe(false)
    open()
    control.gate = undefined
    await flushing
    expect(receipts(bob).map(r => r.ids)).toEqual([[t1.id]])

    // the pause's flush fails: reported, not thrown anywhere
    const diskFull = new Error('disk full')
    control.fail = diskFull
    await bob.m.receive(t2.envelope)
    await vi.advanceTimersByTimeAsync(50)
    await bob.m.flushQueuedReceipts()
    expect(bob.events.error).toContain(diskFull)

    // flushQueuedReceipts' own flush fails: it resolves, the error is an event
    const again = new Error('disk still full')
    control.fail = again
    await bob.m.receive(t3.envelope)
    await expect(bob.m.flushQueuedReceipts()).resolves.toBeUndefined()
    expect(bob.events.error).toContain(again)
  })

  it('an unregistered device queues no receipt for what waits (its marks stay for the next start)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    pair = await fakePair(94, [ALICE, BOB])
    const { bob } = pair
    const [t1] = await textsFromAlice(pair, ['one'])
    await bob.m.receive(t1.envelope)
    const self = bob.device.self
    bob.device.self = undefined as never
    await bob.m.flushQueuedReceipts()
    expect(receipts(bob)).toEqual([])
    expect(unexpectedErrors(bob)).toEqual([])
    const marks: string[] = []
    for await (const t of new OwedTexts(bob.device.party.storage.kv('owed-texts')).list()) marks.push(t.id)
    expect(marks).toEqual([t1.id])
    bob.device.self = self
  })

  it(`owed receipts paid at start-up go in chunks of MAX_RECEIPT_IDS (${MAX_RECEIPT_IDS}), each chunk settling its marks`, async () => {
    pair = await fakePair(95, [ALICE, BOB], { start: false })
    const { alice, bob } = pair
    const owed = new OwedTexts(bob.device.party.storage.kv('owed-texts'))
    const ids = Array.from({ length: 2 * MAX_RECEIPT_IDS }, (_, i) => hexId(i + 1))
    // announced before a crash, their receipts never queued
    for (const id of ids) await owed.announced(ALICE, id, alice.device.party.address)
    await bob.m.start()
    await startUp(bob.m)
    expect(bob.events.message).toEqual([])
    await bob.m.flushQueuedReceipts()
    const sent = receipts(bob)
    expect(sent.map(r => r.ids.length)).toEqual([MAX_RECEIPT_IDS, MAX_RECEIPT_IDS])
    expect(sent.flatMap(r => r.ids)).toEqual(ids)
    expect(sent.every(r => r.type === 'delivered')).toBe(true)
    const left: string[] = []
    for await (const t of owed.list()) left.push(t.id)
    expect(left).toEqual([])
    expect(unexpectedErrors(bob)).toEqual([])
  })

  it('sendReceipt chunks by MAX_RECEIPT_IDS and wakes the outbox; no ids or no registration queue nothing', async () => {
    pair = await fakePair(96, [ALICE, BOB])
    const { alice, bob } = pair
    await alice.m.send(BOB, 'hi')
    await pair.settle()
    const ids = Array.from({ length: 2 * MAX_RECEIPT_IDS }, (_, i) => hexId(i + 1))
    const before = receipts(bob).length
    const deposits = depositsFor(alice).length
    await bob.m.sendReceipt(ALICE, 'read', ids)
    const sent = receipts(bob).slice(before)
    expect(sent.map(r => [r.type, r.ids.length])).toEqual([['read', MAX_RECEIPT_IDS], ['read', MAX_RECEIPT_IDS]])
    expect(sent.flatMap(r => r.ids)).toEqual(ids)
    // the outbox was woken (the second chunk is due a millisecond later)
    await bob.m.outbound.idle()
    expect(depositsFor(alice).length).toBe(deposits + 1)

    await bob.m.sendReceipt(ALICE, 'read', [])
    const self = bob.device.self
    bob.device.self = undefined as never
    await expect(bob.m.sendReceipt(ALICE, 'read', [hexId(7)])).resolves.toBeUndefined()
    bob.device.self = self
    expect(receipts(bob).length).toBe(before + 2)
  })
})
