// Linked devices on the fake network (fake-pair's third side: Alice's second device, same identity and number): a text goes to our other devices as a sent transcript in the same atomic write, never to this device itself; marking read sends read syncs (chunked by MAX_RECEIPT_IDS); account state goes whole to the other devices; a devices notice makes contacts look us up again; every message says our record's seq. One device alone sends none of this.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { MAX_RECEIPT_IDS, type MessageBody, type StateContent } from '../../src/messaging/index.js'
import type { StoredMessage } from '../../src/storage/index.js'
import { fakeNet } from './fake-net.js'
import { depositsFor, fakePair, queued, unexpectedErrors, type FakePair, type PairSide } from './fake-pair.js'

vi.mock('../../src/protocols/mailbox/index.js', async o => (await import('./fake-net.js')).mockMailbox(await o()))
vi.mock('../../src/protocols/prekeys/index.js', async o => (await import('./fake-net.js')).mockPreKeys(await o()))
vi.mock('../../src/protocols/dm/index.js', async o => (await import('./fake-net.js')).mockDirect(await o()))

const ALICE = '+15550960001'
const BOB = '+15550960002'
const hexId = (n: number): string => n.toString(16).padStart(32, '0')
const linked = async (): Promise<{ others: boolean, recordSeq: number }> => ({ others: true, recordSeq: 3 })

let pair: FakePair | undefined
afterEach(async () => {
  await pair?.stop()
  pair = undefined
  fakeNet.reset()
  vi.useRealTimers()
  vi.restoreAllMocks()
})

const bodies = (side: PairSide, kind: string): MessageBody[] => queued(side, kind).map(w => w.content.body)

/** Alice with her second device (both know they are linked); fake timers, so only explicit wakes move an outbox. */
async function linkedPair (seed: number, states: StateContent[] = []): Promise<FakePair> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  return await fakePair(seed, [ALICE, BOB], {
    alice: { linkedDevices: linked },
    alice2: { linkedDevices: linked, onState: async body => { states.push(body) } }
  })
}

describe('linked devices', () => {
  it('a text goes to our other device as a sent transcript in the same write, with its quote; this device never gets its own copy; every message says our record seq', async () => {
    pair = await linkedPair(131)
    const { alice, alice2, bob } = pair
    const quoteId = hexId(42)
    const sent = await alice.m.send(BOB, 'hello Bob', { quoteId })
    const text = queued(alice, 'message')
    const transcript = queued(alice, 'sync')
    expect(text.map(w => [w.entry.to, w.via, w.content.body])).toEqual([[BOB, 'insert', { kind: 'text', id: sent.id, text: 'hello Bob', timestamp: sent.timestamp, quoteId }]])
    expect(transcript.map(w => [w.entry.to, w.via, w.content.body])).toEqual([[ALICE, 'insert', { kind: 'sent', to: BOB, id: sent.id, text: 'hello Bob', timestamp: sent.timestamp, quoteId }]])
    expect(text[0].content.senderRecordSeq).toBe(3)
    expect(transcript[0].content.senderRecordSeq).toBe(3)
    // the transcript goes to the second device only
    await alice.m.outbound.idle()
    expect(depositsFor(alice2!).length).toBe(1)
    expect(depositsFor(alice)).toEqual([])

    await pair.settle()
    expect(alice2!.events.sent).toEqual([{ to: BOB, id: sent.id, text: 'hello Bob', timestamp: sent.timestamp, sender: alice.device.party.address }])
    expect((await alice2!.m.history(BOB)).map(m => [m.id, m.direction, m.text])).toEqual([[sent.id, 'out', 'hello Bob']])
    expect(bob.events.message.map(m => [m.id, m.from])).toEqual([[sent.id, ALICE]])
    expect(alice.events.sent).toEqual([])
    expect(unexpectedErrors(alice)).toEqual([])

    // without a quote, neither says one
    await alice.m.send(BOB, 'no quote')
    expect(queued(alice, 'sync').map(w => (w.content.body as { quoteId?: string }).quoteId)).toEqual([quoteId, undefined])
  })

  it('a file\'s attachment descriptor goes with its caption to the contact and in the transcript; both store it', async () => {
    pair = await linkedPair(133)
    const { alice, alice2, bob } = pair
    const attachment = Uint8Array.from([1, 2, 3, 250])
    const sent = await alice.m.send(BOB, 'the photo', { attachment })
    expect(sent.attachment).toBe('AQID+g')
    expect(queued(alice, 'message').map(w => w.content.body)).toEqual([{ kind: 'text', id: sent.id, text: 'the photo', timestamp: sent.timestamp, attachment }])
    expect(queued(alice, 'sync').map(w => w.content.body)).toEqual([{ kind: 'sent', to: BOB, id: sent.id, text: 'the photo', timestamp: sent.timestamp, attachment }])
    await pair.settle()
    expect(bob.events.message.map(m => [m.id, m.text, m.attachment])).toEqual([[sent.id, 'the photo', 'AQID+g']])
    expect((await bob.m.history(ALICE))[0]).toMatchObject({ id: sent.id, attachment: 'AQID+g' })
    expect(alice2!.events.sent).toEqual([expect.objectContaining({ id: sent.id, attachment: 'AQID+g' })])
    expect((await alice2!.m.history(BOB))[0]).toMatchObject({ id: sent.id, direction: 'out', attachment: 'AQID+g' })
    expect(unexpectedErrors(alice)).toEqual([])
  })

  it('a text whose write fails leaves neither it nor its transcript queued', async () => {
    pair = await linkedPair(132)
    const { alice } = pair
    vi.spyOn(alice.device.party.storage.messages, 'addOutgoing').mockRejectedValueOnce(new Error('disk full'))
    await expect(alice.m.send(BOB, 'lost')).rejects.toThrow('disk full')
    expect(await alice.m.pendingCount()).toBe(0)
    expect(await alice.m.history(BOB)).toEqual([])
  })

  it('marking a chat read tells our other device (read syncs of at most MAX_RECEIPT_IDS ids), which marks it read too', async () => {
    pair = await linkedPair(133)
    const { alice, alice2, bob } = pair
    await bob.m.send(ALICE, 'one')
    await bob.m.send(ALICE, 'two')
    await pair.settle()
    expect((await alice2!.m.conversations())[0]).toMatchObject({ address: BOB, unread: 2 })
    // read receipts off: Bob is told nothing, our other device still is
    alice.m.setReadReceipts(false)
    const deposits = depositsFor(alice2!).length
    const ids = await alice.m.markRead(BOB)
    expect(ids).toHaveLength(2)
    expect(bodies(alice, 'sync')).toEqual([{ kind: 'read-sync', chat: BOB, ids }])
    expect(queued(alice, 'receipt').map(w => w.content.body)).not.toContainEqual(expect.objectContaining({ type: 'read' }))
    await alice.m.outbound.idle()
    expect(depositsFor(alice2!).length).toBe(deposits + 1)
    await pair.settle()
    expect(alice2!.events['read-sync']).toEqual([{ phone: BOB, ids }])
    expect((await alice2!.m.conversations())[0]).toMatchObject({ address: BOB, unread: 0 })

    // a long chat read at once: the read sync is chunked like the read receipts
    const now = pair.clock.now()
    const many: StoredMessage[] = Array.from({ length: 2 * MAX_RECEIPT_IDS }, (_, i) => ({ id: hexId(1000 + i), conversation: BOB, direction: 'in', sender: BOB, text: `m${i}`, timestamp: now + i, receivedAt: now + i, status: 'delivered' }))
    for (const m of many) await alice.device.party.storage.messages.addIncoming(m)
    const read = await alice.m.markRead(BOB)
    expect(read).toEqual(many.map(m => m.id))
    const syncs = bodies(alice, 'sync').slice(1) as Array<Extract<MessageBody, { kind: 'read-sync' }>>
    expect(syncs.map(s => s.ids.length)).toEqual([MAX_RECEIPT_IDS, MAX_RECEIPT_IDS])
    expect(syncs.flatMap(s => s.ids)).toEqual(read)
    // nothing left to read: nothing is told (not even by a device that is not registered any more)
    const self = alice.device.self
    alice.device.self = undefined as never
    expect(await alice.m.markRead(BOB)).toEqual([])
    alice.device.self = self
    expect(bodies(alice, 'sync')).toHaveLength(3)
  })

  it('account state goes whole to our other devices, which take it; a device without a handler still says so', async () => {
    const states: StateContent[] = []
    pair = await linkedPair(134, states)
    const { alice, alice2 } = pair
    const stores: StateContent['stores'] = [{ name: 'settings', entries: [{ key: 'readReceipts', value: new Uint8Array([0]) }] }]
    await alice.m.syncState(stores)
    expect(bodies(alice, 'sync')).toEqual([{ kind: 'state', stores }])
    await alice.m.outbound.idle()
    expect(depositsFor(alice2!).length).toBe(1)
    await pair.settle()
    expect(states).toEqual([{ kind: 'state', stores }])
    expect(alice2!.events['account-state']).toEqual([{ stores: ['settings'] }])

    // Alice's first device has no onState: the state is still taken (and said)
    await alice2!.m.syncState([{ name: 'profile', entries: [] }])
    await pair.settle()
    expect(alice.events['account-state']).toEqual([{ stores: ['profile'] }])
    expect(unexpectedErrors(alice)).toEqual([])
  })

  it('a devices notice goes to each contact named, who looks us up again before writing', async () => {
    pair = await linkedPair(135)
    const { alice, bob } = pair
    await bob.m.send(ALICE, 'hi')
    await pair.settle()
    expect(bob.lookups).toEqual([ALICE])
    await alice.m.announceDevices([BOB], 4)
    expect(queued(alice, 'devices').map(w => [w.entry.to, w.content.body])).toEqual([[BOB, { kind: 'devices', seq: 4 }]])
    const deposits = depositsFor(bob).length
    await alice.m.outbound.idle()
    expect(depositsFor(bob).length).toBe(deposits + 1)
    await pair.settle()
    expect(bob.events['contact-devices']).toEqual([{ phone: ALICE }])
    await bob.m.send(ALICE, 'again')
    await pair.settle()
    expect(bob.lookups).toEqual([ALICE, ALICE])
  })
})

describe('one device alone', () => {
  it('sends no transcript, no read sync and no account state, and says no record seq (nor one of 0)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    pair = await fakePair(136, [ALICE, BOB], { bob: { linkedDevices: async () => ({ others: false, recordSeq: 0 }) } })
    const { alice, bob } = pair
    await alice.m.send(BOB, 'hi')
    await pair.settle()
    await bob.m.markRead(ALICE)
    await bob.m.syncState([{ name: 'settings', entries: [] }])
    await alice.m.syncState([{ name: 'settings', entries: [] }])
    await bob.m.send(ALICE, 'back')
    expect(queued(alice, 'sync')).toEqual([])
    expect(queued(bob, 'sync')).toEqual([])
    expect(queued(alice).every(w => w.content.senderRecordSeq === undefined)).toBe(true)
    expect(queued(bob).every(w => w.content.senderRecordSeq === undefined)).toBe(true)
  })
})
