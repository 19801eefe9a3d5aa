// Sending on the fake network (fake timers: only explicit wakes move an outbox): delivery tokens on texts and profiles only, and on our deposits to a contact that gave us one; send's known and new numbers (a known one never waits for the directory, a new one does; an unreachable directory queues anyway; a caller's abort stores nothing; an answer without a trusted attestation refuses at once); retry after a real TTL failure; waitForStatus; shareProfile's rules; a profile that failed goes again; deposit identities; held entries released.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { IdentityNotAcceptedError, MESSAGE_TTL_MS, PROFILE_SHARE_RECENT, type ProfileContent } from '../../src/messaging/index.js'
import type { DepositNode } from '../../src/messaging/deposit-identity.js'
import type { LookupResult } from '../../src/directory/index.js'
import type { KeyValueStore, StoredMessage } from '../../src/storage/index.js'
import { fakeNet } from './fake-net.js'
import { depositsFor, fakePair, queued, turns, unexpectedErrors, type FakePair } from './fake-pair.js'

vi.mock('../../src/protocols/mailbox/index.js', async o => (await import('./fake-net.js')).mockMailbox(await o()))
vi.mock('../../src/protocols/prekeys/index.js', async o => (await import('./fake-net.js')).mockPreKeys(await o()))
vi.mock('../../src/protocols/dm/index.js', async o => (await import('./fake-net.js')).mockDirect(await o()))

const ALICE = '+15550970001'
const BOB = '+15550970002'
const CAROL = '+15550970003'
const DAVE = '+15550970004'
const ERIN = '+15550970005'
const hexId = (n: number): string => n.toString(16).padStart(32, '0')

let pair: FakePair | undefined
afterEach(async () => {
  await pair?.stop()
  pair = undefined
  fakeNet.reset()
  vi.useRealTimers()
  vi.restoreAllMocks()
})

async function started (seed: number, init: Parameters<typeof fakePair>[2] = {}): Promise<FakePair> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  return await fakePair(seed, [ALICE, BOB], init)
}

/** Makes the directory answer `answer` for `e164` (throw, or a promise that never settles). */
function directoryDoes (p: FakePair, e164: string, answer: () => LookupResult): void {
  const get = Map.prototype.get
  vi.spyOn(p.directory, 'get').mockImplementation(function (this: Map<string, LookupResult>, k: string) {
    return k === e164 ? answer() : get.call(p.directory, k)
  })
}

const same = (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean => a != null && b != null && Buffer.from(a).equals(Buffer.from(b))

describe('delivery tokens', () => {
  it('texts and profiles carry our token, receipts do not; our deposits to a contact carry the token it gave us', async () => {
    pair = await started(141, { alice: { profile: async () => ({ kind: 'profile', name: 'Alice', updatedAt: 1000 }) } })
    const { alice, bob } = pair
    const aliceToken = await alice.m.deliveryTokens.own()
    const bobToken = await bob.m.deliveryTokens.own()
    await alice.m.send(BOB, 'hi')
    expect(queued(alice).map(w => [w.entry.kind, same(w.content.deliveryToken, aliceToken)])).toEqual([['profile', true], ['message', true]])
    await pair.settle()
    const receipts = queued(bob, 'receipt')
    expect(receipts).toHaveLength(1)
    expect(receipts[0].content.deliveryToken).toBeUndefined()
    // Bob learnt Alice's token from her text: his deposits to her prove it; Alice knows none of Bob's yet
    expect(depositsFor(alice).map(d => same(d.deposit.deliveryToken, aliceToken))).toEqual([true])
    expect(depositsFor(bob).every(d => d.deposit.deliveryToken == null)).toBe(true)
    await bob.m.send(ALICE, 'back')
    await pair.settle()
    await alice.m.send(BOB, 'again')
    await pair.settle()
    expect(same(depositsFor(bob).at(-1)!.deposit.deliveryToken, bobToken)).toBe(true)
    expect(unexpectedErrors(alice)).toEqual([])
    expect(unexpectedErrors(bob)).toEqual([])
  })

  it("a token that cannot be kept is an error event; the text is still taken", async () => {
    const broken = new Error('tokens unwritable')
    pair = await started(142, { bob: { kv: (name, store) => name === 'delivery-tokens' ? Object.assign(Object.create(store) as KeyValueStore, { put: async () => { throw broken } }) : store } })
    await pair.alice.m.send(BOB, 'hi')
    await pair.settle()
    expect(pair.bob.events.message.map(m => m.text)).toEqual(['hi'])
    await turns(() => pair!.bob.events.error.includes(broken))
  })
})

describe('send', () => {
  it('a known number does not wait for the directory: not on Parley any more, unreachable or looked up again, the text is queued', async () => {
    pair = await started(143)
    const { alice } = pair
    await alice.m.send(BOB, 'hi')
    await pair.settle()
    expect(alice.lookups).toEqual([BOB])
    // the cached answer is forgotten: the next send looks again, in the background
    alice.m.forgetRecipient(BOB)
    directoryDoes(pair, BOB, () => ({ registered: false, stats: { peersQueried: 0, hops: 0, endedEarly: false } }))
    const left = await alice.m.send(BOB, 'are you there?')
    expect(left.status).toBe('pending')
    expect(alice.lookups.length).toBeGreaterThan(1)
    directoryDoes(pair, BOB, () => { throw new Error('directory unreachable') })
    alice.m.forgetRecipient(BOB)
    const unreachable = await alice.m.send(BOB, 'still?')
    expect((await alice.m.history(BOB)).map(m => m.id)).toEqual(expect.arrayContaining([left.id, unreachable.id]))
    await alice.m.outbound.idle()
    expect(await alice.m.pendingCount()).toBe(2)
  })

  it('a new number waits for the directory: unreachable, the text is queued anyway (delivery looks again); a caller giving up while it hangs stores nothing', async () => {
    pair = await started(144)
    const { alice } = pair
    directoryDoes(pair, DAVE, () => { throw new Error('directory unreachable') })
    const queuedAnyway = await alice.m.send(DAVE, 'hello Dave', {})
    expect(queuedAnyway).toMatchObject({ conversation: DAVE, status: 'pending' })
    expect(queued(alice, 'message').map(w => w.entry.to)).toEqual([DAVE])

    directoryDoes(pair, ERIN, () => new Promise<never>(() => {}) as never)
    const gaveUp = new Error('the user gave up')
    const ac = new AbortController()
    const sending = alice.m.send(ERIN, 'hello Erin', { signal: ac.signal })
    await turns(() => alice.lookups.includes(ERIN))
    ac.abort(gaveUp)
    await expect(sending).rejects.toBe(gaveUp)
    expect(await alice.m.conversations()).toHaveLength(1)
    expect(queued(alice, 'message').map(w => w.entry.to)).toEqual([DAVE])
  })

  it('a known number whose last answer had no trusted attestation is refused at once', async () => {
    pair = await started(145)
    const { alice } = pair
    await alice.m.send(BOB, 'hi')
    await pair.settle()
    pair.directory.set(BOB, { ...(pair.directory.get(BOB) as object), verified: false } as never)
    alice.m.forgetRecipient(BOB)
    // the lookup send starts answers before the conversation is read: no trusted attestation, refused at once
    await expect(alice.m.send(BOB, 'after it')).rejects.toMatchObject({ name: 'UnverifiedNumberError' })
    expect((await alice.m.history(BOB)).map(m => m.text)).toEqual(['hi'])
    expect(await alice.m.pendingCount()).toBe(0)
  })
})

describe('retry', () => {
  it('a text failed at its TTL goes again with its text under its id and a fresh TTL, woken at once; two retries at once make one', async () => {
    pair = await started(146)
    const { alice, bob, clock } = pair
    fakeNet.answer = () => ({ status: 'failed', error: new Error('refused') })
    const text = await alice.m.send(BOB, 'try me')
    await alice.m.outbound.idle()
    clock.advance(MESSAGE_TTL_MS)
    alice.m.deliver()
    await alice.m.outbound.idle()
    expect(alice.events.status).toEqual([{ phone: BOB, id: text.id, status: 'failed' }])
    fakeNet.answer = pair.route

    const deposits = depositsFor(bob).length
    const retried = await Promise.all([alice.m.retry(BOB, text.id), alice.m.retry(BOB, text.id)])
    expect(retried.sort()).toEqual([false, true])
    expect(alice.events.status.slice(1)).toEqual([{ phone: BOB, id: text.id, status: 'pending' }])
    const entry = (await alice.device.party.storage.outbox.get(text.id))!
    expect(entry.expiresAt).toBe(entry.createdAt + MESSAGE_TTL_MS)
    expect(entry.createdAt).toBeGreaterThanOrEqual(clock.now())
    await alice.m.outbound.idle()
    expect(depositsFor(bob).length).toBe(deposits + 1)
    await pair.settle()
    expect(bob.events.message.map(m => [m.id, m.text])).toEqual([[text.id, 'try me']])
    expect(alice.events.status.map(s => s.status)).toEqual(['failed', 'pending', 'sent', 'delivered'])
  })
})

describe('waitForStatus', () => {
  it('resolves for its own text and status only; a wrong conversation or another text never resolves it; an abort rejects; its listener goes either way', async () => {
    pair = await started(147)
    const { alice } = pair
    const listeners = alice.m.listenerCount('status')
    pair.delivering = false
    const first = await alice.m.send(BOB, 'first')
    await pair.settle()
    pair.delivering = true
    const second = await alice.m.send(BOB, 'second')

    const ac = new AbortController()
    let settled = false
    const wrongChat = alice.m.waitForStatus(CAROL, second.id, ['delivered'], { signal: ac.signal })
    const firstDelivered = alice.m.waitForStatus(BOB, first.id, ['delivered'], { signal: ac.signal })
    for (const p of [wrongChat, firstDelivered]) p.then(() => { settled = true }, () => {})
    const secondRead = alice.m.waitForStatus(BOB, second.id, ['read'], {})
    await pair.settle()
    expect(alice.events.status.filter(s => s.id === second.id).map(s => s.status)).toEqual(['sent', 'delivered'])
    expect(settled).toBe(false)
    const gaveUp = new Error('stop waiting')
    ac.abort(gaveUp)
    await expect(wrongChat).rejects.toBe(gaveUp)
    await expect(firstDelivered).rejects.toBe(gaveUp)
    await pair.bob.m.markRead(ALICE)
    await pair.settle()
    expect(await secondRead).toBe('read')
    expect(alice.m.listenerCount('status')).toBe(listeners)
    // already there: at once
    expect(await alice.m.waitForStatus(BOB, second.id, ['read'])).toBe('read')
    expect(alice.m.listenerCount('status')).toBe(listeners)
  })
})

describe('shareProfile', () => {
  it('queues our new profile for the chats we wrote to (also before profiles were shared, also when the contact wrote last), not for chats where only the contact wrote; it wakes the outbox', async () => {
    let profile: ProfileContent | undefined
    pair = await started(148, { alice: { profile: async () => profile } })
    const { alice, bob, clock } = pair
    const messages = alice.device.party.storage.messages
    // Bob: Alice wrote (without a profile), Bob answered last
    await alice.m.send(BOB, 'hi')
    await pair.settle()
    await bob.m.send(ALICE, 'hello')
    await pair.settle()
    // Carol: a text of Alice's from before profiles were shared; Dave: only he wrote (both before Bob's answer)
    const at = clock.now() - 100_000
    await messages.addOutgoing({ id: hexId(1), conversation: CAROL, direction: 'out', sender: ALICE, text: 'old', timestamp: at, receivedAt: at, status: 'delivered' })
    await messages.addIncoming({ id: hexId(2), conversation: DAVE, direction: 'in', sender: DAVE, text: 'hi Alice', timestamp: at, receivedAt: at, status: 'delivered' })
    profile = { kind: 'profile', name: 'Alice', updatedAt: 2000 }
    const deposits = depositsFor(bob).length
    expect(await alice.m.shareProfile()).toBe(2)
    expect(queued(alice, 'profile').map(w => w.entry.to).sort()).toEqual([BOB, CAROL])
    await alice.m.outbound.idle()
    expect(depositsFor(bob).length).toBe(deposits + 1)
    // unregistered: nothing
    const self = alice.device.self
    alice.device.self = undefined as never
    profile = { kind: 'profile', name: 'Alice', updatedAt: 3000 }
    expect(await alice.m.shareProfile()).toBe(0)
    alice.device.self = self
    expect(queued(alice, 'profile')).toHaveLength(2)
  })

  it('a failed write fails the whole share', async () => {
    let profile: ProfileContent = { kind: 'profile', name: 'Alice', updatedAt: 1000 }
    pair = await started(155, { alice: { profile: async () => profile } })
    const { alice } = pair
    await alice.m.send(BOB, 'hi')
    await pair.settle()
    profile = { kind: 'profile', name: 'Alice', updatedAt: 2000 }
    vi.spyOn(alice.device.party.storage.outbox, 'put').mockRejectedValueOnce(new Error('disk full'))
    await expect(alice.m.shareProfile()).rejects.toThrow('disk full')
  })

  it(`reaches only the ${PROFILE_SHARE_RECENT} most recent conversations`, async () => {
    pair = await started(149, { alice: { profile: async () => ({ kind: 'profile', name: 'Alice', updatedAt: 1000 }) } })
    const { alice, clock } = pair
    const numbers: string[] = []
    for (let i = 0; i <= PROFILE_SHARE_RECENT; i++) {
      const to = `+1555098${i.toString().padStart(4, '0')}`
      numbers.push(to)
      const at = clock.now() + i
      const m: StoredMessage = { id: hexId(i + 1), conversation: to, direction: 'out', sender: ALICE, text: 'x', timestamp: at, receivedAt: at, status: 'delivered' }
      await alice.device.party.storage.messages.addOutgoing(m)
    }
    expect(await alice.m.shareProfile()).toBe(PROFILE_SHARE_RECENT)
    expect(queued(alice, 'profile').map(w => w.entry.to).sort()).toEqual(numbers.slice(1).sort())
  })

  it('a profile the outbox gave up on goes again with the next text; one delivered does not', async () => {
    const got: number[] = []
    pair = await started(150, {
      alice: { profile: async () => ({ kind: 'profile', name: 'Alice', updatedAt: 1000 }) },
      bob: { onProfile: async (_from, p) => { got.push(p.updatedAt); return true } }
    })
    const { alice, bob, clock } = pair
    fakeNet.answer = () => ({ status: 'failed', error: new Error('refused') })
    await alice.m.send(BOB, 'one')
    await alice.m.outbound.idle()
    clock.advance(MESSAGE_TTL_MS + 1000)
    alice.m.deliver()
    await alice.m.outbound.idle()
    expect(await alice.m.pendingCount()).toBe(0)
    fakeNet.answer = pair.route
    await alice.m.send(BOB, 'two')
    await pair.settle()
    expect(got).toEqual([1000])
    expect(bob.events.message.map(m => m.text)).toEqual(['two'])
    await alice.m.send(BOB, 'three')
    await pair.settle()
    expect(got).toEqual([1000])
    expect(await alice.m.shareProfile()).toBe(0)
  })
})

describe('a profile whose entry could not be written', () => {
  it('goes with the next text: the failed send leaves no claim behind', async () => {
    const got: number[] = []
    pair = await started(154, {
      alice: { profile: async () => ({ kind: 'profile', name: 'Alice', updatedAt: 1000 }) },
      bob: { onProfile: async (_from, p) => { got.push(p.updatedAt); return true } }
    })
    const { alice, bob } = pair
    // the first outbox write of the send is the profile's (a browser over its storage quota, say)
    vi.spyOn(alice.device.party.storage.outbox, 'put').mockRejectedValueOnce(new Error('quota exceeded'))
    await expect(alice.m.send(BOB, 'one')).rejects.toThrow('quota exceeded')
    expect(await alice.m.pendingCount()).toBe(0)
    await alice.m.send(BOB, 'two')
    await pair.settle()
    expect(bob.events.message.map(m => m.text)).toEqual(['two'])
    expect(got).toEqual([1000])
  })
})

describe('what a Messenger is built with', () => {
  it('deposits leave from a short-lived deposit identity, a new one after its lifetime; a failure to stop the old one is an error event', async () => {
    const stopFailed = new Error('could not stop')
    const nodes: DepositNode[] = []
    pair = await started(151, {
      alice: {
        createDepositNode: async () => {
          // the first one fails to stop (retired after its lifetime); the one left stops with the Messenger
          const first = nodes.length === 0
          const node: DepositNode = { peerId: peerIdFromPrivateKey(await generateKeyPair('Ed25519')), dialProtocol: async () => { throw new Error('unused') }, stop: async () => { if (first) throw stopFailed } } as unknown as DepositNode
          nodes.push(node)
          return node
        }
      }
    })
    const { alice, bob } = pair
    expect(alice.m.depositIdentity).toBeDefined()
    expect(bob.m.depositIdentity).toBeUndefined()
    await alice.m.send(BOB, 'one')
    await pair.settle()
    expect(bob.events.message.map(m => m.text)).toEqual(['one'])
    expect(nodes).toHaveLength(1)
    pair.clock.advance(60_000)
    await alice.m.send(BOB, 'two')
    await pair.settle()
    expect(nodes).toHaveLength(2)
    await turns(() => alice.events.error.includes(stopFailed))
  })

  it('entries for a contact whose new key is not accepted are held, and go at once when released', async () => {
    let blocked = false
    pair = await started(152, { alice: { accepted: async (_to, key) => { if (blocked && key != null) throw new IdentityNotAcceptedError() } } })
    const { alice, bob } = pair
    await alice.m.send(BOB, 'hi')
    await pair.settle()
    blocked = true
    const deposits = depositsFor(bob).length
    await alice.m.send(BOB, 'held')
    await pair.settle()
    expect(depositsFor(bob).length).toBe(deposits)
    blocked = false
    await alice.m.release(BOB)
    await alice.m.outbound.idle()
    expect(depositsFor(bob).length).toBe(deposits + 1)
  })

  it("the outbox's errors are error events (every new session here reports the fake relay's refused prekey fetch)", async () => {
    pair = await started(153)
    await pair.alice.m.send(BOB, 'hi')
    await pair.settle()
    expect(pair.alice.events.error.map(e => (e as Error).name)).toContain('FakeNoPreKeysError')
  })
})
