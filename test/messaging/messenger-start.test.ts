// Messenger start() and stop() on the fake network: the direct protocol served once (an envelope on a direct stream is received) and unregistered at stop; the mailbox relays followed, current and retired, with our delivery token; what a crash left owed paid (texts never announced are announced, owed receipts queued, marks settled); texts stuck pending without an outbox entry queued again or failed, once per process and only while registered; deliver() and start() wake the outbox; failures in the background are 'error' events.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { streamPair } from '@libp2p/utils'
import type { Connection } from '@libp2p/interface'
import { encodeContent, MESSAGE_TTL_MS, type MessageBody } from '../../src/messaging/index.js'
import { OwedTexts } from '../../src/messaging/owed-texts.js'
import { DM_PROTOCOL } from '../../src/protocols/dm/index.js'
import { DmRequest, DmResponse } from '../../src/protocols/dm/pb/dm.js'
import { frameStream } from '../../src/protocols/frames.js'
import type { KeyValueStore, OutboxEntry, StoredMessage } from '../../src/storage/index.js'
import { fakeNet } from './fake-net.js'
import { depositsFor, fakePair, queued, RELAY, startUp, turns, unexpectedErrors, type FakePair } from './fake-pair.js'

vi.mock('../../src/protocols/mailbox/index.js', async o => (await import('./fake-net.js')).mockMailbox(await o()))
vi.mock('../../src/protocols/prekeys/index.js', async o => (await import('./fake-net.js')).mockPreKeys(await o()))
vi.mock('../../src/protocols/dm/index.js', async o => (await import('./fake-net.js')).mockDirect(await o()))

const ALICE = '+15550940001'
const BOB = '+15550940002'
const R1 = '/ip4/10.9.9.1/tcp/4001'
const R2 = '/ip4/10.9.9.2/tcp/4001'
const DAY = 24 * 60 * 60_000
const hexId = (n: number): string => n.toString(16).padStart(32, '0')

let pair: FakePair | undefined
afterEach(async () => {
  await pair?.stop()
  pair = undefined
  fakeNet.reset()
  vi.useRealTimers()
  vi.restoreAllMocks()
})

/** Alice's texts to Bob, deposited but not handed to him. */
async function unrouted (p: FakePair, texts: string[]): Promise<Array<{ id: string, text: string, timestamp: number, envelope: Uint8Array }>> {
  p.delivering = false
  const before = depositsFor(p.bob).length
  const sent: StoredMessage[] = []
  for (const t of texts) sent.push(await p.alice.m.send(BOB, t))
  p.clock.advance(1000)
  p.alice.m.deliver()
  await p.alice.m.outbound.idle()
  const envelopes = depositsFor(p.bob).slice(before).map(d => d.deposit.envelope)
  expect(envelopes).toHaveLength(texts.length)
  p.delivering = true
  return sent.map((m, i) => ({ id: m.id, text: m.text, timestamp: m.timestamp, envelope: envelopes[i] }))
}

/** A key-value area whose `iterate` throws. */
function failingIterate (store: KeyValueStore, err: Error): KeyValueStore {
  return Object.assign(Object.create(store) as KeyValueStore, { iterate: () => { throw err } })
}

const pendingText = (to: string, n: number, timestamp: number, receivedAt = timestamp): StoredMessage =>
  ({ id: hexId(n), conversation: to, direction: 'out', sender: ALICE, text: `stuck ${n}`, timestamp, receivedAt, status: 'pending' })

describe('Messenger start and stop', () => {
  it('serves the direct protocol from the first start on (a second start registers nothing more): an envelope on a direct stream is received and acked; stop unregisters it', async () => {
    pair = await fakePair(101, [ALICE, BOB])
    const { bob } = pair
    expect(bob.node.handled).toEqual([DM_PROTOCOL])
    await bob.m.start()
    expect(bob.node.handled).toEqual([DM_PROTOCOL])

    const [t] = await unrouted(pair, ['straight to you'])
    const [out, inbound] = await streamPair({ capacity: 1_000_000 })
    const served = Promise.resolve(bob.node.handlers.get(DM_PROTOCOL)!(inbound, { remotePeer: pair.alice.device.peerId } as unknown as Connection))
    const frames = frameStream(out, { maxFrameBytes: 1024 })
    await frames.write(DmRequest.encode({ envelope: t.envelope as Uint8Array<ArrayBuffer> }))
    const answer = await frames.read()
    expect(DmResponse.decode(answer!).status).toBe(DmResponse.Status.OK)
    await out.close()
    await served
    expect(bob.events.message.map(m => [m.id, m.text])).toEqual([[t.id, 'straight to you']])

    expect(bob.node.unhandled).toEqual([])
    await bob.m.stop()
    expect(bob.node.unhandled).toEqual([DM_PROTOCOL])
  })

  it('follows our mailbox relays, current and retired, with our delivery token: mail there is received, drained() waits for the drain, relay states and a broken session are events', async () => {
    pair = await fakePair(102, [ALICE, BOB], { start: false })
    const { bob } = pair
    bob.device.self = { ...bob.device.self, mailboxRelays: [R1], retiredMailboxRelays: [R2] }
    const opened = [fakeNet.nextSession(R1), fakeNet.nextSession(R2)]
    await pair.alice.m.start()
    await bob.m.start()
    const [s1, s2] = await Promise.all(opened)
    expect(fakeNet.opens.map(o => o.relay).sort()).toEqual([R1, R2])
    const token = await bob.m.deliveryTokens.own()
    expect(s1.init.deliveryToken).toEqual(token)
    expect(s2.init.deliveryToken).toEqual(token)
    await turns(() => bob.events.relay.length >= 2)
    expect(bob.events.relay).toEqual(expect.arrayContaining([{ relay: R1, state: 'connected' }, { relay: R2, state: 'connected' }]))

    let drained = false
    const draining = bob.m.drained().then(() => { drained = true })
    const [t] = await unrouted(pair, ['from the mailbox'])
    s1.push({ id: '0000000000000001', envelope: t.envelope, receivedAt: pair.clock.now() })
    await s1.untilAcked(1)
    expect(bob.events.message.map(m => [m.id, m.text])).toEqual([[t.id, 'from the mailbox']])
    await turns(() => false, 20).catch(() => {})
    expect(drained).toBe(false)
    s1.drain()
    await draining
    expect(bob.events.relay).toContainEqual({ relay: R1, state: 'drained' })

    const gone = new Error('relay went away')
    s1.fail(gone)
    await turns(() => bob.events.error.includes(gone))
    await turns(() => bob.events.relay.some(r => r.relay === R1 && r.state === 'disconnected'))
  })

  it('without retired relays follows only the current ones; unregistered, follows nothing and repairs nothing', async () => {
    pair = await fakePair(103, [ALICE, BOB], { start: false })
    const { bob } = pair
    const self = bob.device.self
    bob.device.self = undefined as never
    await bob.m.start()
    expect(fakeNet.opens).toEqual([])
    bob.device.self = { ...self, mailboxRelays: [R1] }
    const opened = fakeNet.nextSession(R1)
    await bob.m.start()
    await opened
    await startUp(bob.m)
    await turns(() => bob.events.relay.length >= 1)
    expect(fakeNet.opens.map(o => o.relay)).toEqual([R1])
    expect(unexpectedErrors(bob)).toEqual([])
  })

  it('pays what a crash left owed: a text never announced is announced, owed receipts are queued (also for marks whose text is gone or not an incoming one), a mark settled meanwhile is skipped', async () => {
    const ghost = hexId(0)
    let ghostListed = false
    pair = await fakePair(104, [ALICE, BOB], {
      start: false,
      bob: {
        // the list is a snapshot: a mark listed may be settled by the time it is read
        kv: (name, store) => name !== 'owed-texts'
          ? store
          : Object.assign(Object.create(store) as KeyValueStore, {
            iterate: async function * (...args: Parameters<KeyValueStore['iterate']>) {
              ghostListed = true
              yield { key: `${ALICE}/${ghost}`, value: new TextEncoder().encode(JSON.stringify({ a: false, k: '00', d: 1 })) }
              yield * store.iterate(...args)
            }
          })
      }
    })
    const { alice, bob } = pair
    await alice.m.start()
    const [t1, t2, t3] = await unrouted(pair, ['never announced', 'announced, receipt owed', 'gone from history'])
    const storage = bob.device.party.storage
    const owed = new OwedTexts(storage.kv('owed-texts'))
    const sender = alice.device.party.address
    const stored = (t: { id: string, text: string, timestamp: number }): StoredMessage =>
      ({ id: t.id, conversation: ALICE, direction: 'in', sender: ALICE, text: t.text, timestamp: t.timestamp, receivedAt: t.timestamp + 5, status: 'delivered' })
    await storage.messages.addIncoming(stored(t1), { with: [owed.prepare(ALICE, t1.id, sender)] })
    await storage.messages.addIncoming(stored(t2), { with: [owed.prepare(ALICE, t2.id, sender)] })
    await owed.announced(ALICE, t2.id, sender)
    // a mark whose text is not in history (deleted since): nothing to announce, the receipt is still owed
    await storage.kv('owed-texts').batch([], { with: [owed.prepare(ALICE, t3.id, sender)] })
    // a mark naming one of Bob's own texts: nothing to announce, its receipt is harmless
    const own: StoredMessage = { id: hexId(9), conversation: ALICE, direction: 'out', sender: BOB, text: 'mine', timestamp: pair.clock.now(), receivedAt: pair.clock.now(), status: 'delivered' }
    await storage.messages.addOutgoing(own)
    await storage.kv('owed-texts').batch([], { with: [owed.prepare(ALICE, own.id, sender)] })

    await bob.m.start()
    await startUp(bob.m)
    expect(ghostListed).toBe(true)
    expect(bob.events.message).toEqual([{ id: t1.id, from: ALICE, text: 'never announced', timestamp: t1.timestamp, receivedAt: t1.timestamp + 5, sender }])
    await bob.m.flushQueuedReceipts()
    const receipts = queued(bob, 'receipt').map(w => w.content.body as Extract<MessageBody, { kind: 'receipt' }>)
    expect(receipts.flatMap(r => r.ids).sort()).toEqual([t1.id, t2.id, t3.id, own.id].sort())
    const left: string[] = []
    for await (const t of new OwedTexts(storage.kv('owed-texts')).list()) left.push(t.id)
    expect(left).toEqual([])
    await pair.settle()
    expect(alice.events.status.filter(s => s.status === 'delivered').map(s => s.id).sort()).toEqual([t1.id, t2.id, t3.id].sort())
    expect(unexpectedErrors(bob)).toEqual([])
  })

  it('a text this process announced before start-up paid its marks is not announced or receipted twice, whether or not its mark says announced yet', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const gate: { hold?: Promise<void> } = {}
    let heldKey = ''
    pair = await fakePair(105, [ALICE, BOB], {
      start: false,
      bob: {
        kv: (name, store) => name !== 'owed-texts'
          ? store
          : Object.assign(Object.create(store) as KeyValueStore, {
            put: async (...args: Parameters<KeyValueStore['put']>) => {
              if (args[0] === heldKey) await gate.hold
              return await store.put(...args)
            }
          })
      }
    })
    const { alice, bob } = pair
    await alice.m.start()
    const [t1, t2] = await unrouted(pair, ['marked announced', 'mark still being written'])
    const owed = new OwedTexts(bob.device.party.storage.kv('owed-texts'))
    await bob.m.receive(t1.envelope)
    await turns(async () => (await owed.current(ALICE, t1.id))?.announced === true)
    let release!: () => void
    gate.hold = new Promise(resolve => { release = resolve })
    heldKey = `${ALICE}/${t2.id}`
    await bob.m.receive(t2.envelope)
    expect((await owed.current(ALICE, t2.id))?.announced).toBe(false)

    await bob.m.start()
    await startUp(bob.m)
    release()
    expect(bob.events.message.map(m => m.id)).toEqual([t1.id, t2.id])
    await bob.m.flushQueuedReceipts()
    const receipts = queued(bob, 'receipt').map(w => w.content.body as Extract<MessageBody, { kind: 'receipt' }>)
    expect(receipts.flatMap(r => r.ids)).toEqual([t1.id, t2.id])
  })

  it('queues again a text left pending without an outbox entry and wakes the outbox for it; fails one past its time to live; only once per process', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    pair = await fakePair(106, [ALICE, BOB], { start: false })
    const { alice, bob, clock } = pair
    await bob.m.start()
    const now = clock.now()
    const stuck = pendingText(BOB, 1, now - DAY)
    const expired = pendingText(BOB, 2, now - MESSAGE_TTL_MS, now - DAY + 1)
    for (const m of [expired, stuck]) await alice.device.party.storage.messages.addOutgoing(m)
    await alice.m.start()
    await startUp(alice.m)
    const entries = queued(alice, 'message')
    expect(entries.map(w => [w.entry.id, w.entry.to, w.entry.createdAt, w.entry.expiresAt])).toEqual([[stuck.id, BOB, stuck.timestamp, stuck.timestamp + MESSAGE_TTL_MS]])
    expect(entries[0].content.body).toEqual({ kind: 'text', id: stuck.id, text: stuck.text, timestamp: stuck.timestamp })
    expect(entries[0].content.deliveryToken).toEqual(await alice.m.deliveryTokens.own())
    expect(alice.events.status).toEqual([{ phone: BOB, id: expired.id, status: 'failed' }])
    expect((await alice.m.history(BOB)).find(m => m.id === expired.id)?.status).toBe('failed')
    // woken by the repair itself (the outbox's own timers are fake here and never fire)
    await alice.m.outbound.idle()
    expect(depositsFor(bob).length).toBe(1)
    await pair.settle()
    expect(bob.events.message.map(m => [m.id, m.text])).toEqual([[stuck.id, stuck.text]])

    // another stuck text: a second start() in this process does not look again
    const later = pendingText(BOB, 3, clock.now())
    await alice.device.party.storage.messages.addOutgoing(later)
    await alice.m.start()
    await startUp(alice.m)
    expect(queued(alice, 'message').map(w => w.entry.id)).toEqual([stuck.id])
  })

  it('while unregistered, start-up pays and repairs nothing; the first start once registered does', async () => {
    pair = await fakePair(107, [ALICE, BOB], { start: false })
    const { alice, bob, clock } = pair
    await bob.m.start()
    const stuck = pendingText(BOB, 1, clock.now() - DAY)
    await alice.device.party.storage.messages.addOutgoing(stuck)
    const self = alice.device.self
    alice.device.self = undefined as never
    await alice.m.start()
    await startUp(alice.m)
    expect(queued(alice)).toEqual([])
    alice.device.self = self
    await alice.m.start()
    await startUp(alice.m)
    expect(queued(alice, 'message').map(w => w.entry.id)).toEqual([stuck.id])
  })

  it('a registration gone while start-up repairs stops the repair quietly', async () => {
    let gone = false
    pair = await fakePair(108, [ALICE, BOB], { start: false, alice: { self: async () => gone ? undefined : pair!.alice.device.self } })
    const { alice, clock } = pair
    await alice.device.party.storage.messages.addOutgoing(pendingText(BOB, 1, clock.now() - DAY))
    const messages = alice.device.party.storage.messages
    const conversations = messages.conversations.bind(messages)
    vi.spyOn(messages, 'conversations').mockImplementation(async options => { gone = true; return await conversations(options) })
    await alice.m.start()
    await startUp(alice.m)
    expect(queued(alice)).toEqual([])
    expect(unexpectedErrors(alice)).toEqual([])
  })

  it("start() and deliver() wake the outbox for entries already in it", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    pair = await fakePair(109, [ALICE, BOB], { start: false })
    const { alice, bob, clock } = pair
    await bob.m.start()
    const entryOf = (n: number): OutboxEntry => {
      const m = pendingText(BOB, n, clock.now())
      return { id: m.id, to: BOB, kind: 'message', payload: encodeContent({ senderE164: ALICE, attestation: new Uint8Array(0), body: { kind: 'text', id: m.id, text: m.text, timestamp: m.timestamp } }), createdAt: m.timestamp, expiresAt: m.timestamp + MESSAGE_TTL_MS, attempts: 0, nextAttemptAt: m.timestamp }
    }
    const e1 = entryOf(1)
    await alice.device.party.storage.messages.addOutgoing(pendingText(BOB, 1, e1.createdAt), { with: [alice.device.party.storage.outbox.prepareInsert(e1)] })
    await alice.m.start()
    await startUp(alice.m)
    await alice.m.outbound.idle()
    expect(depositsFor(bob).length).toBe(1)

    clock.advance(1000)
    const e2 = entryOf(2)
    await alice.device.party.storage.messages.addOutgoing(pendingText(BOB, 2, e2.createdAt), { with: [alice.device.party.storage.outbox.prepareInsert(e2)] })
    await alice.m.outbound.idle()
    expect(depositsFor(bob).length).toBe(1)
    alice.m.deliver()
    await alice.m.outbound.idle()
    expect(depositsFor(bob).length).toBe(2)
  })

  it('failures of the start-up work in the background are error events: paying owed texts, pruning seen envelopes', async () => {
    const listing = new Error('owed marks unreadable')
    const pruning = new Error('seen envelopes unreadable')
    pair = await fakePair(110, [ALICE, BOB], {
      start: false,
      bob: { kv: (name, store) => name === 'owed-texts' ? failingIterate(store, listing) : name === 'seen-envelopes' ? failingIterate(store, pruning) : store }
    })
    const { bob } = pair
    await bob.m.start()
    await startUp(bob.m)
    await turns(() => bob.events.error.length >= 2)
    expect(bob.events.error).toEqual(expect.arrayContaining([listing, pruning]))
  })

  it("a failed write of a text's 'announced' mark is an error event; the text is announced anyway", async () => {
    const broken = new Error('mark not written')
    pair = await fakePair(112, [ALICE, BOB], {
      bob: { kv: (name, store) => name === 'owed-texts' ? Object.assign(Object.create(store) as KeyValueStore, { put: async () => { throw broken } }) : store }
    })
    await pair.alice.m.send(BOB, 'hello')
    await pair.settle()
    expect(pair.bob.events.message.map(m => m.text)).toEqual(['hello'])
    await turns(() => pair!.bob.events.error.includes(broken))
  })

  it('stop() stops following the mailbox relays', async () => {
    pair = await fakePair(111, [ALICE, BOB], { start: false })
    const { bob } = pair
    bob.device.self = { ...bob.device.self, mailboxRelays: [RELAY] }
    const opened = fakeNet.nextSession(RELAY)
    await bob.m.start()
    const session = await opened
    expect(session.closed).toBe(false)
    await bob.m.stop()
    expect(session.closed).toBe(true)
  })
})
