// Resend requests and answers on the fake network (fake timers: only explicit wakes move the outbox): a device that cannot decrypt a proven contact's envelope asks once per RESEND_REQUEST_INTERVAL_MS (persisted, synced), never a stranger; the contact answers at most every RESEND_ANSWER_INTERVAL_MS with the texts still 'sent' within their TTL (newest MAX_RESEND_MESSAGES, at most RESEND_SCAN_LIMIT history entries looked at), entries still queued resealed rather than queued again, our profile first when the contact had one from us.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { encodeContent, MESSAGE_TTL_MS, type Content, type ProfileContent } from '../../src/messaging/index.js'
import { sealFor } from '../../src/messaging/envelope.js'
import { toHex, type KeyValueStore, type StoredMessage } from '../../src/storage/index.js'
import { fakeNet } from './fake-net.js'
import { depositsFor, fakePair, queued, turns, unexpectedErrors, type FakePair, type PairSide } from './fake-pair.js'

vi.mock('../../src/protocols/mailbox/index.js', async o => (await import('./fake-net.js')).mockMailbox(await o()))
vi.mock('../../src/protocols/prekeys/index.js', async o => (await import('./fake-net.js')).mockPreKeys(await o()))
vi.mock('../../src/protocols/dm/index.js', async o => (await import('./fake-net.js')).mockDirect(await o()))

const ALICE = '+15550950001'
const BOB = '+15550950002'
const HOUR = 60 * 60_000
const ANSWER_INTERVAL = 10 * 60_000
const MAX_RESEND = 500
const SCAN_LIMIT = 2_000
const hexId = (n: number): string => n.toString(16).padStart(32, '0')

let pair: FakePair | undefined
afterEach(async () => {
  await pair?.stop()
  pair = undefined
  fakeNet.reset()
  vi.useRealTimers()
  vi.restoreAllMocks()
})

/** Resolves at the side's next outbox wake (the last thing a resend request or answer does). */
function nextWake (side: PairSide): Promise<void> {
  const wake = side.m.outbound.wake.bind(side.m.outbound)
  return new Promise(resolve => {
    const spy = vi.spyOn(side.m.outbound, 'wake').mockImplementation(() => {
      spy.mockRestore()
      resolve()
      wake()
    })
  })
}

/** An envelope from `from` to `to` on `from`'s current session. */
async function sealed (from: PairSide, to: PairSide, body: Content['body']): Promise<Uint8Array> {
  return await sealFor(from.device.envelope, to.device.party.address, encodeContent({ senderE164: from.device.phone, attestation: new Uint8Array(0), body }))
}

/** Bob asks Alice for a resend; resolves once Alice's answer is done. */
async function askAlice (p: FakePair): Promise<void> {
  const answered = nextWake(p.alice)
  await p.alice.m.receive(await sealed(p.bob, p.alice, { kind: 'resend', timestamp: p.clock.now() }))
  await answered
}

/** What Alice queued again as texts since `from` (written entries). */
const resent = (p: FakePair, from: number): string[] => p.alice.written.slice(from).filter(w => w.via === 'put' && w.entry.kind === 'message' && w.entry.attempts === 0).map(w => w.entry.id)

const out = (n: number, timestamp: number, status: StoredMessage['status']): StoredMessage =>
  ({ id: hexId(n), conversation: BOB, direction: 'out', sender: ALICE, text: `text ${n}`, timestamp, receivedAt: timestamp, status })

/** A pair that exchanged a text both ways (each has a session with the other), on fake timers. */
async function talking (seed: number, init: Parameters<typeof fakePair>[2] = {}): Promise<FakePair> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  const p = await fakePair(seed, [ALICE, BOB], init)
  await p.alice.m.send(BOB, 'hi')
  await p.settle()
  await p.bob.m.send(ALICE, 'hi back')
  await p.settle()
  return p
}

describe('answering a resend request', () => {
  it('queues again, under their ids, the texts still sent within their TTL; not delivered, read, failed, incoming or expired ones', async () => {
    pair = await talking(111)
    const { alice, clock } = pair
    const now = clock.now()
    const messages = alice.device.party.storage.messages
    const within = out(1, now - MESSAGE_TTL_MS + 1, 'sent')
    const expired = out(2, now - MESSAGE_TTL_MS, 'sent')
    for (const m of [within, expired, out(3, now - 10, 'delivered'), out(4, now - 9, 'read'), out(5, now - 8, 'failed'), out(6, now - 7, 'sent')]) await messages.addOutgoing(m)
    await messages.addIncoming({ id: hexId(7), conversation: BOB, direction: 'in', sender: BOB, text: 'theirs', timestamp: now - 6, receivedAt: now - 6, status: 'delivered' })
    const from = alice.written.length
    await askAlice(pair)
    expect(resent(pair, from)).toEqual([within.id, hexId(6)])
    const again = alice.written.slice(from).find(w => w.entry.id === within.id)!
    expect(again.content.body).toEqual({ kind: 'text', id: within.id, text: within.text, timestamp: within.timestamp })
    // a fresh time to live for each
    expect(again.entry.expiresAt).toBe(again.entry.createdAt + MESSAGE_TTL_MS)
    expect(again.entry.createdAt).toBeGreaterThanOrEqual(now)
  })

  it(`looks past a first page of confirmed texts, and sends at most the newest ${MAX_RESEND}`, async () => {
    pair = await talking(112)
    const { alice, clock } = pair
    const now = clock.now()
    const messages = alice.device.party.storage.messages
    // newest first: a page of delivered texts, then 501 never confirmed
    for (let i = 1; i <= 500; i++) await messages.addOutgoing(out(10_000 + i, now - i, 'delivered'))
    const unconfirmed: string[] = []
    for (let i = 501; i <= 1001; i++) {
      await messages.addOutgoing(out(10_000 + i, now - i, 'sent'))
      unconfirmed.unshift(hexId(10_000 + i))
    }
    const from = alice.written.length
    await askAlice(pair)
    // oldest first, the oldest of the 501 left out
    expect(resent(pair, from)).toEqual(unconfirmed.slice(-MAX_RESEND))
  })

  it(`looks at no more than ${SCAN_LIMIT} history entries`, async () => {
    pair = await talking(113)
    const { alice, clock } = pair
    const now = clock.now()
    const messages = alice.device.party.storage.messages
    // one text never confirmed, behind SCAN_LIMIT newer confirmed ones ('hi' and 'hi back' are older still)
    await messages.addOutgoing(out(1, now - SCAN_LIMIT - 100, 'sent'))
    for (let i = 1; i <= SCAN_LIMIT; i++) await messages.addOutgoing(out(100 + i, now - SCAN_LIMIT - 50 + i, 'delivered'))
    const from = alice.written.length
    await askAlice(pair)
    expect(resent(pair, from)).toEqual([])
  })

  it('answers at most every RESEND_ANSWER_INTERVAL_MS per contact', async () => {
    pair = await talking(114)
    const { alice, clock } = pair
    const reseal = vi.spyOn(alice.m.outbound, 'reseal')
    await askAlice(pair)
    expect(reseal).toHaveBeenCalledTimes(1)
    const t0 = clock.now()
    clock.advance(ANSWER_INTERVAL - 1)
    await alice.m.receive(await sealed(pair.bob, alice, { kind: 'resend', timestamp: clock.now() }))
    // an answer would show within these turns
    await turns(() => reseal.mock.calls.length > 1, 100).catch(() => {})
    expect(reseal).toHaveBeenCalledTimes(1)
    clock.time = t0 + ANSWER_INTERVAL
    await askAlice(pair)
    expect(reseal).toHaveBeenCalledTimes(2)
  })

  it('reseals a text still queued from an earlier answer instead of queueing it again', async () => {
    pair = await talking(115)
    const { alice, clock } = pair
    pair.delivering = false
    const t = await alice.m.send(BOB, 'lost')
    await pair.settle()
    expect((await alice.m.history(BOB))[0]).toMatchObject({ id: t.id, status: 'sent' })
    // the relay refuses from now on: the text queued by the answer stays in the outbox
    fakeNet.answer = () => ({ status: 'failed', error: new Error('relay full') })
    await askAlice(pair)
    await alice.m.outbound.idle()
    const first = await alice.device.party.storage.outbox.get(t.id)
    expect(first).toBeDefined()
    clock.advance(ANSWER_INTERVAL)
    const from = alice.written.length
    await askAlice(pair)
    expect(resent(pair, from)).toEqual([])
    expect((await alice.device.party.storage.outbox.get(t.id))?.createdAt).toBe(first!.createdAt)
  })

  it('our profile goes again first to a contact we had sent it; not to one we wrote to without a profile, nor to one we never wrote to', async () => {
    let profile: ProfileContent | undefined = { kind: 'profile', name: 'Alice', updatedAt: 1000 }
    pair = await talking(116, { alice: { profile: async () => profile } })
    const { alice } = pair
    let from = alice.written.length
    await askAlice(pair)
    const again = alice.written.slice(from).filter(w => w.entry.kind === 'profile')
    expect(again.map(w => w.content.body)).toEqual([profile])
    expect(again[0].entry.to).toBe(BOB)
    await pair.stop()
    fakeNet.reset()

    // Alice wrote to Bob while she had no profile: a resend request does not carry her new one
    profile = undefined
    pair = await talking(117, { alice: { profile: async () => profile } })
    profile = { kind: 'profile', name: 'Alice', updatedAt: 2000 }
    from = pair.alice.written.length
    await askAlice(pair)
    expect(pair.alice.written.slice(from).filter(w => w.entry.kind === 'profile')).toEqual([])
    await pair.stop()
    fakeNet.reset()

    // Bob wrote first and Alice never answered: nothing of hers goes to him
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    pair = await fakePair(118, [ALICE, BOB], { alice: { profile: async () => profile } })
    await pair.bob.m.send(ALICE, 'hello?')
    await pair.settle()
    from = pair.alice.written.length
    await askAlice(pair)
    expect(pair.alice.written.slice(from).filter(w => w.entry.kind === 'profile')).toEqual([])
  })

  it('wakes the outbox for what it queued; a failed answer is an error event; a registration gone meanwhile answers nothing', async () => {
    pair = await talking(119)
    const { alice, bob } = pair
    const history = vi.spyOn(alice.device.party.storage.messages, 'history')
    pair.delivering = false
    await alice.m.send(BOB, 'lost')
    await pair.settle()
    const deposits = depositsFor(bob).length
    await askAlice(pair)
    await alice.m.outbound.idle()
    expect(depositsFor(bob).length).toBe(deposits + 1)

    const broken = new Error('history unreadable')
    history.mockRejectedValueOnce(broken)
    pair.clock.advance(ANSWER_INTERVAL)
    await alice.m.receive(await sealed(bob, alice, { kind: 'resend', timestamp: pair.clock.now() }))
    await turns(() => alice.events.error.includes(broken))

    pair.clock.advance(ANSWER_INTERVAL)
    const from = alice.written.length
    const scans = history.mock.calls.length
    const envelope = await sealed(bob, alice, { kind: 'resend', timestamp: pair.clock.now() })
    // the envelope is opened with the registration there (receive asks for it at once); it is gone when the answer starts
    const self = alice.device.self
    const receiving = alice.m.receive(envelope)
    alice.device.self = undefined as never
    await receiving
    await turns(() => history.mock.calls.length > scans, 100).catch(() => {})
    expect(history.mock.calls.length).toBe(scans)
    expect(alice.written.slice(from)).toEqual([])
    expect(unexpectedErrors(alice)).toEqual([broken])
    alice.device.self = self
  })
})

describe('asking for a resend', () => {
  /** Bob lost his session with Alice: her envelopes on it cannot be read. */
  async function lost (seed: number, init: Parameters<typeof fakePair>[2] = {}): Promise<FakePair> {
    const p = await talking(seed, init)
    await p.bob.device.party.sessions.deleteSessions(p.alice.device.party.address)
    // Bob's requests stay at Alice's relay: answered, they would start a new session both can read
    p.delivering = false
    return p
  }
  const requests = (p: FakePair): Array<{ to: string, body: Content['body'] }> => queued(p.bob, 'resend').map(w => ({ to: w.entry.to, body: w.content.body }))
  let next = 1
  /** One envelope from Alice that Bob cannot read (`meanwhile` runs once receive has started). */
  async function unreadable (p: FakePair, meanwhile?: () => void): Promise<void> {
    const n = p.bob.events.undecryptable.length
    const envelope = await sealed(p.alice, p.bob, { kind: 'text', id: hexId(next++), text: 'x', timestamp: p.clock.now() })
    const receiving = p.bob.m.receive(envelope)
    meanwhile?.()
    await receiving
    expect(p.bob.events.undecryptable).toHaveLength(n + 1)
  }

  it('asks a proven contact once per hour (a synced mark), and wakes the outbox for it', async () => {
    const puts: Array<{ key: string, sync?: boolean }> = []
    pair = await lost(121, {
      bob: {
        kv: (name, store) => name !== 'resend-asked'
          ? store
          : Object.assign(Object.create(store) as KeyValueStore, {
            put: async (...args: Parameters<KeyValueStore['put']>) => { puts.push({ key: args[0], ...(args[2]?.sync != null ? { sync: args[2].sync } : {}) }); return await store.put(...args) }
          })
      }
    })
    const { alice, bob, clock } = pair
    const deposits = depositsFor(alice).length
    const asked = nextWake(bob)
    await unreadable(pair)
    await asked
    expect(requests(pair)).toEqual([{ to: ALICE, body: { kind: 'resend', timestamp: expect.any(Number) } }])
    expect(puts).toEqual([{ key: ALICE, sync: true }])
    await bob.m.outbound.idle()
    expect(depositsFor(alice).length).toBe(deposits + 1)
    expect(bob.events.undecryptable[0]).toEqual({ reason: expect.any(String), sender: alice.device.party.address })
    // the envelope that could not be read is reported as an error too
    expect(unexpectedErrors(bob).map(e => (e as Error).name)).toEqual([bob.events.undecryptable[0].reason])

    const t0 = clock.now()
    clock.advance(HOUR - 1)
    await unreadable(pair)
    await turns(() => requests(pair!).length > 1, 100).catch(() => {})
    expect(requests(pair)).toHaveLength(1)
    clock.time = t0 + HOUR
    const again = nextWake(bob)
    await unreadable(pair)
    await again
    expect(requests(pair)).toHaveLength(2)
  })

  it('a mark of the wrong length does not stop the request', async () => {
    pair = await lost(122)
    const { bob } = pair
    await bob.device.party.storage.kv('resend-asked').put(ALICE, new Uint8Array([1, 2, 3]))
    const asked = nextWake(bob)
    await unreadable(pair)
    await asked
    expect(requests(pair)).toHaveLength(1)
    expect(unexpectedErrors(bob)).toHaveLength(1)
  })

  it('asks nobody whose number was never proven, nor while unregistered; a failed request is an error event', async () => {
    pair = await lost(123)
    const { alice, bob } = pair
    const senders = bob.device.party.storage.kv('senders')
    const proven = await senders.get(toHex(alice.device.party.local.identity.publicKey))
    await senders.del(toHex(alice.device.party.local.identity.publicKey))
    await unreadable(pair)
    await turns(() => requests(pair!).length > 0, 100).catch(() => {})
    expect(requests(pair)).toEqual([])
    expect(unexpectedErrors(bob)).toHaveLength(1)
    await senders.put(toHex(alice.device.party.local.identity.publicKey), proven!)

    // the registration is gone by the time the request would be made (receive asked for it at once)
    const self = bob.device.self
    await unreadable(pair, () => { bob.device.self = undefined as never })
    await turns(() => requests(pair!).length > 0, 100).catch(() => {})
    bob.device.self = self
    expect(requests(pair)).toEqual([])
    expect(unexpectedErrors(bob)).toHaveLength(2)

    // the mark cannot be read: an error event, no request
    const broken = new Error('marks unreadable')
    const storage = bob.device.party.storage
    const kv = storage.kv.bind(storage)
    vi.spyOn(storage, 'kv').mockImplementation(name => name === 'resend-asked' ? Object.assign(Object.create(kv(name)) as KeyValueStore, { get: async () => { throw broken } }) : kv(name))
    await unreadable(pair)
    await turns(() => bob.events.error.includes(broken))
    expect(requests(pair)).toEqual([])
  })

  it('an envelope whose seal does not open names no sender and asks nobody', async () => {
    pair = await lost(124)
    const { bob } = pair
    const garbage = Uint8Array.from(await sealed(pair.alice, bob, { kind: 'text', id: hexId(5), text: 'x', timestamp: pair.clock.now() }))
    garbage.fill(7, 1, 60)
    await bob.m.receive(garbage)
    expect(bob.events.undecryptable).toHaveLength(1)
    expect(Object.keys(bob.events.undecryptable[0])).toEqual(['reason'])
    await pair.settle()
    expect(requests(pair)).toEqual([])
    expect(unexpectedErrors(bob)).toHaveLength(1)
  })
})
