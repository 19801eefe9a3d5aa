// Two Messengers talking over the scripted network (fake-pair.ts): a text goes out, arrives once, comes back delivered and read; send's refusals store nothing; profiles go before texts, once per version; a device that cannot decrypt asks for a resend and gets what was never confirmed.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { encodeContent, type ProfileContent } from '../../src/messaging/index.js'
import { sealFor } from '../../src/messaging/envelope.js'
import { IdentityNotAcceptedError } from '../../src/messaging/errors.js'
import { fakeNet } from './fake-net.js'
import { fakePair, type FakePair } from './fake-pair.js'

vi.mock('../../src/protocols/mailbox/index.js', async o => (await import('./fake-net.js')).mockMailbox(await o()))
vi.mock('../../src/protocols/prekeys/index.js', async o => (await import('./fake-net.js')).mockPreKeys(await o()))
vi.mock('../../src/protocols/dm/index.js', async o => (await import('./fake-net.js')).mockDirect(await o()))

const ALICE = '+15550920001'
const BOB = '+15550920002'
const CAROL = '+15550920003'

let pair: FakePair | undefined
afterEach(async () => {
  await pair?.stop()
  pair = undefined
  fakeNet.reset()
})

describe('two Messengers on a fake network', () => {
  it('a text arrives once with its sender, time and text; the sender sees sent, delivered, then read; history and conversations agree', async () => {
    pair = await fakePair(71, [ALICE, BOB])
    const { alice, bob } = pair
    const sent = await alice.m.send(BOB, 'hello Bob')
    expect(sent).toMatchObject({ conversation: BOB, direction: 'out', sender: ALICE, text: 'hello Bob', status: 'pending' })
    expect(sent.id).toMatch(/^[0-9a-f]{32}$/)
    await pair.settle()
    expect(bob.events.message).toEqual([{ id: sent.id, from: ALICE, text: 'hello Bob', timestamp: sent.timestamp, receivedAt: expect.any(Number), sender: alice.device.party.address }])
    expect(alice.events.status.map(s => s.status)).toEqual(['sent', 'delivered'])
    expect(alice.events.status.every(s => s.phone === BOB && s.id === sent.id)).toBe(true)
    expect(await alice.m.pendingCount()).toBe(0)
    expect(await bob.m.pendingCount()).toBe(0)
    expect((await bob.m.conversations())[0]).toMatchObject({ address: ALICE, unread: 1 })
    expect(await bob.m.numberOf(alice.device.party.local.identity.publicKey)).toBe(ALICE)

    expect(await bob.m.markRead(ALICE)).toEqual([sent.id])
    expect(await bob.m.markRead(ALICE)).toEqual([])
    await pair.settle()
    expect(alice.events.status.map(s => s.status)).toEqual(['sent', 'delivered', 'read'])
    expect((await alice.m.history(BOB))[0]).toMatchObject({ id: sent.id, status: 'read' })
    expect(await alice.m.waitForStatus(BOB, sent.id, ['read', 'failed'])).toBe('read')
    expect((await bob.m.conversations())[0]).toMatchObject({ address: ALICE, unread: 0 })
    // each side looked the other up once: the lookup that proved Alice's text delivered Bob's receipts
    expect(alice.lookups).toEqual([BOB])
    expect(bob.lookups).toEqual([ALICE])
  })

  it('with read receipts off, reading marks the chat read and tells the sender nothing; on again, the next read is told', async () => {
    pair = await fakePair(72, [ALICE, BOB], { bob: { readReceipts: false } })
    const { alice, bob } = pair
    const first = await alice.m.send(BOB, 'one')
    await pair.settle()
    expect(await bob.m.markRead(ALICE)).toEqual([first.id])
    await pair.settle()
    expect(alice.events.status.map(s => s.status)).toEqual(['sent', 'delivered'])
    bob.m.setReadReceipts(true)
    const second = await alice.m.send(BOB, 'two')
    await pair.settle()
    expect(await bob.m.markRead(ALICE)).toEqual([second.id])
    await pair.settle()
    expect(alice.events.status.filter(s => s.status === 'read').map(s => s.id)).toEqual([second.id])
  })

  it('refusals store nothing: too long, not on Parley, no trusted verifier, a key not accepted, not registered', async () => {
    pair = await fakePair(73, [ALICE, BOB], {
      alice: { accepted: async to => { if (to === CAROL) throw new IdentityNotAcceptedError() } }
    })
    const { alice } = pair
    await expect(alice.m.send(BOB, 'x'.repeat(70_000))).rejects.toMatchObject({ name: 'MessageTooLongError' })
    await expect(alice.m.send('+15550920099', 'anyone?')).rejects.toMatchObject({ name: 'NotOnParleyError' })
    pair.directory.set(CAROL, { ...(pair.directory.get(BOB) as object), verified: false } as never)
    await expect(alice.m.send(CAROL, 'hi')).rejects.toMatchObject({ name: 'IdentityNotAcceptedError' })
    const unverified = '+15550920004'
    pair.directory.set(unverified, { ...(pair.directory.get(BOB) as object), verified: false } as never)
    await expect(alice.m.send(unverified, 'hi')).rejects.toMatchObject({ name: 'UnverifiedNumberError' })
    expect(await alice.m.conversations()).toEqual([])
    expect(await alice.m.pendingCount()).toBe(0)
    expect(fakeNet.deposits).toEqual([])
    // a device with no registration sends nothing at all
    alice.device.self = undefined as never
    await expect(alice.m.send(BOB, 'hi')).rejects.toMatchObject({ name: 'NotRegisteredError' })
  })

  it('our profile goes before the first text, once per version; a new version goes to the chats we wrote to; forgetting sends it again', async () => {
    let profile: ProfileContent | undefined = { kind: 'profile', name: 'Alice', updatedAt: 1000 }
    const got: Array<[string, string | undefined, number]> = []
    pair = await fakePair(74, [ALICE, BOB], {
      alice: { profile: async () => profile },
      bob: { onProfile: async (from, p) => { got.push([from, p.name, p.updatedAt]); return true } }
    })
    const { alice, bob } = pair
    await alice.m.send(BOB, 'one')
    await alice.m.send(BOB, 'two')
    await pair.settle()
    expect(got).toEqual([[ALICE, 'Alice', 1000]])
    expect(bob.events.profile).toEqual([{ phone: ALICE, name: 'Alice', updatedAt: 1000 }])
    expect(bob.events.message.map(m => m.text)).toEqual(['one', 'two'])
    // the same version again: nothing queued
    expect(await alice.m.shareProfile()).toBe(0)
    profile = { kind: 'profile', name: 'Alice B.', updatedAt: 2000 }
    expect(await alice.m.shareProfile()).toBe(1)
    await pair.settle()
    expect(got.map(g => g[2])).toEqual([1000, 2000])
    // a chat where only the contact wrote gets no profile until we answer
    const bobsProfile = await bob.m.shareProfile()
    expect(bobsProfile).toBe(0)
    // Alice forgets that Bob has it (Bob reinstalled): the next text carries it again
    await alice.m.forgetProfileShared(BOB)
    await alice.m.send(BOB, 'three')
    await pair.settle()
    expect(got.map(g => g[2])).toEqual([1000, 2000, 2000])
    // with no profile there is nothing to share
    profile = undefined
    await alice.m.forgetProfileShared(BOB)
    expect(await alice.m.shareProfile()).toBe(0)
  })

  it('a device that lost its session asks for a resend, once an hour, and gets the texts never confirmed delivered, under their ids', async () => {
    pair = await fakePair(75, [ALICE, BOB])
    const { alice, bob } = pair
    const first = await alice.m.send(BOB, 'before the loss')
    await pair.settle()
    // Bob loses his session with Alice (restored an old backup); two texts are stored at the relay but never reach him
    await bob.device.party.sessions.deleteSessions(alice.device.party.address)
    pair.delivering = false
    const lost = [await alice.m.send(BOB, 'lost one'), await alice.m.send(BOB, 'lost two')]
    await pair.settle()
    expect(alice.events.status.filter(s => s.status === 'sent').map(s => s.id)).toEqual([first.id, ...lost.map(m => m.id)])
    pair.delivering = true
    // a later text on the old session cannot be read: Bob drops it and asks Alice to send again
    const third = await alice.m.send(BOB, 'unreadable')
    await pair.settle()
    expect(bob.events.undecryptable).toHaveLength(1)
    expect(bob.events.undecryptable[0].sender).toEqual(alice.device.party.address)
    expect(bob.m.undecryptable).toBe(1)
    // Alice answered: every text still 'sent' went again under its id, in order, on a new session
    await pair.until(() => bob.events.message.length >= 4)
    expect(bob.events.message.map(m => m.text)).toEqual(['before the loss', 'lost one', 'lost two', 'unreadable'])
    expect(bob.events.message.map(m => m.id)).toEqual([first.id, ...lost.map(m => m.id), third.id])
    expect((await alice.m.history(BOB)).every(m => m.status === 'delivered')).toBe(true)
    // a second failure within the hour asks nothing
    await bob.device.party.sessions.deleteSessions(alice.device.party.address)
    const deposits = fakeNet.deposits.length
    await alice.m.send(BOB, 'again unreadable')
    await pair.until(() => bob.events.undecryptable.length === 2)
    // a request would be queued in the background: give it rounds to show
    let rounds = 0
    await pair.until(() => ++rounds === 10)
    expect(fakeNet.deposits.length - deposits).toBe(1)
  })

  it('typing and presence are shown while fresh, a stale one is dropped; a newer device list of the sender makes us look it up again', async () => {
    pair = await fakePair(76, [ALICE, BOB])
    const { alice, bob, clock } = pair
    await alice.m.send(BOB, 'hi')
    await pair.settle()
    const seal = async (content: Parameters<typeof encodeContent>[0]): Promise<Uint8Array> => await sealFor(alice.device.envelope, bob.device.party.address, encodeContent(content))
    const base = { senderE164: ALICE, attestation: new Uint8Array(0) }
    await bob.m.receive(await seal({ ...base, body: { kind: 'typing', typing: true, timestamp: clock.now() }, expiresAt: clock.now() + 15_000 }))
    await bob.m.receive(await seal({ ...base, body: { kind: 'typing', typing: false, timestamp: clock.now() }, expiresAt: clock.now() }))
    await bob.m.receive(await seal({ ...base, body: { kind: 'presence', online: false, lastSeen: 1234, answer: true }, expiresAt: clock.now() + 60_000 }))
    await bob.m.receive(await seal({ ...base, body: { kind: 'presence', online: true }, expiresAt: clock.now() - 1 }))
    expect(bob.events.typing).toEqual([{ phone: ALICE, typing: true }])
    expect(bob.events.presence).toEqual([{ phone: ALICE, online: false, lastSeen: 1234, answer: true }])
    // typing and presence go only straight to a device: on this network nobody is reachable
    expect(await alice.m.sendTyping(BOB, true)).toBe(false)
    expect(await alice.m.sendPresence(BOB, false, { lastSeen: 5 })).toBe(false)

    // Alice's account says its record is at seq 1 (what Bob holds): no new lookup; seq 2: Bob looks again before writing
    expect(bob.lookups).toEqual([ALICE])
    await bob.m.receive(await seal({ ...base, body: { kind: 'text', id: 'a1'.repeat(16), text: 'same list', timestamp: clock.now() }, senderRecordSeq: 1 }))
    await bob.m.send(ALICE, 'answer')
    await pair.settle()
    expect(bob.lookups).toEqual([ALICE])
    await bob.m.receive(await seal({ ...base, body: { kind: 'text', id: 'a2'.repeat(16), text: 'new list', timestamp: clock.now() }, senderRecordSeq: 2 }))
    await bob.m.send(ALICE, 'answer again')
    await pair.settle()
    expect(bob.lookups).toEqual([ALICE, ALICE])
    // a devices notice: looked up again, and said
    await bob.m.receive(await seal({ ...base, body: { kind: 'devices', seq: 3 } }))
    expect(bob.events['contact-devices']).toEqual([{ phone: ALICE }])
    await bob.m.send(ALICE, 'and again')
    await pair.settle()
    expect(bob.lookups).toEqual([ALICE, ALICE, ALICE])
  })

  it('retry sends a failed text again under its id, pending then delivered; a text that did not fail, or is not ours, is not retried', async () => {
    pair = await fakePair(77, [ALICE, BOB])
    const { alice, bob } = pair
    fakeNet.answer = () => ({ status: 'failed', error: new Error('refused') })
    const text = await alice.m.send(BOB, 'try me')
    await alice.m.outbound.idle()
    expect(await alice.m.retry(BOB, text.id)).toBe(false)
    // what the outbox does at the TTL: the text failed, its entry gone
    await alice.device.party.storage.messages.updateStatus(BOB, text.id, 'failed')
    expect(await alice.device.party.storage.outbox.delete(text.id)).toBe(true)
    fakeNet.answer = pair.route
    expect(await alice.m.retry(BOB, 'ff'.repeat(16))).toBe(false)
    expect(await alice.m.retry(ALICE, text.id)).toBe(false)
    expect(await alice.m.retry(BOB, text.id)).toBe(true)
    expect(alice.events.status[0]).toEqual({ phone: BOB, id: text.id, status: 'pending' })
    await pair.settle()
    expect(bob.events.message.map(m => [m.id, m.text])).toEqual([[text.id, 'try me']])
    expect(alice.events.status.map(s => s.status)).toEqual(['pending', 'sent', 'delivered'])
    // a text received is not ours to retry
    await bob.m.send(ALICE, 'reply')
    await pair.settle()
    expect(await alice.m.retry(BOB, bob.events.message[0].id)).toBe(false)
    expect(await alice.m.retry(BOB, (await alice.m.history(BOB))[0].id)).toBe(false)
  })
})
