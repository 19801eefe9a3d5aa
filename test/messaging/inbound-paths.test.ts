// Inbound.receive on real sessions, path by path: not registered, an unproven sender (dropped, nothing written), undecryptable envelopes (reported, with the sender only when the seal opened), sync contents from another account (dropped) and from our own other device (state, read syncs), texts stored with their owed mark in the caller's sync group, a second copy of a text id a duplicate, profiles without a profile store duplicates, and the caller's abort: it stops the work before the first write, and its listener is gone once receive returns.
import { describe, it, expect } from 'vitest'
import { getEventListeners } from 'node:events'
import { openSealedSender, sealSender } from '../../src/crypto/index.js'
import { encodeContent, type MessageBody } from '../../src/messaging/content.js'
import { Inbound, type InboundInit } from '../../src/messaging/inbound.js'
import { sealFor, type EnvelopeParty } from '../../src/messaging/envelope.js'
import { NotRegisteredError } from '../../src/messaging/errors.js'
import { OwedTexts } from '../../src/messaging/owed-texts.js'
import { SeenEnvelopes } from '../../src/messaging/seen-envelopes.js'
import type { SenderProof, ConfirmOptions } from '../../src/messaging/sender-proof.js'
import { SyncGroup, type MessageStore, type StoreOptions, type StoredMessage } from '../../src/storage/index.js'
import { Party, TestClock, initiate } from '../session/party.js'
import { memoryBackend } from '../helpers/storage.js'
import { SeededRandom } from '../helpers/seeded-random.js'
import { envelopeParty } from './envelope-party.js'

const ALICE = '+15550930001'
const BOB = '+15550930002'
const ATTESTATION = Uint8Array.of(7, 7, 7)
const id = (n: number): string => n.toString(16).padStart(32, '0')

interface World {
  clock: TestClock
  alice: Party
  bob: Party
  /** alice's device, bob's, and bob's second (linked) device */
  a: EnvelopeParty
  b: EnvelopeParty
  b2: EnvelopeParty
}

async function world (): Promise<World> {
  const rng = new SeededRandom('inbound-paths')
  const clock = new TestClock()
  const alice = await Party.create('alice', memoryBackend(), rng, clock)
  const bob = await Party.create('bob', memoryBackend(), rng, clock)
  const bob2 = await Party.companion('bob2', bob, 2, memoryBackend(), rng, clock)
  await initiate(alice, bob)
  await initiate(bob2, bob)
  return { clock, alice, bob, a: await envelopeParty(alice, rng, clock), b: await envelopeParty(bob, rng, clock), b2: await envelopeParty(bob2, rng, clock) }
}

async function seal (from: EnvelopeParty, to: Party, phone: string, body: MessageBody): Promise<Uint8Array> {
  return await sealFor(from, to.address, encodeContent({ senderE164: phone, attestation: ATTESTATION, body }))
}

/** bob's message store, with the calls inbound makes recorded */
function recorded (m: MessageStore) {
  const calls = { addIncoming: [] as Array<StoreOptions | undefined>, markRead: [] as Array<[string, number | undefined]> }
  const messages: MessageStore = Object.create(m, {
    addIncoming: { value: async (msg: StoredMessage, options?: StoreOptions) => { calls.addIncoming.push(options); return await m.addIncoming(msg, options) } },
    addOutgoing: { value: async (msg: StoredMessage, options?: StoreOptions) => await m.addOutgoing(msg, options) },
    get: { value: async (c: string, i: string, options?: StoreOptions) => await m.get(c, i, options) },
    markRead: { value: async (c: string, upTo?: number, options?: StoreOptions) => { calls.markRead.push([c, upTo]); return await m.markRead(c, upTo, options) } }
  })
  return { messages, calls }
}

/** bob's Inbound: every sender proven unless `proven` says otherwise; what the proof was asked is recorded */
function inbound (w: World, init: Partial<InboundInit> & { proven?: (e164: string, options?: ConfirmOptions) => Promise<boolean> } = {}) {
  const { messages, calls } = recorded(w.bob.storage.messages)
  const asked: Array<{ e164: string, identityKey: Uint8Array, options?: ConfirmOptions }> = []
  const proven = init.proven ?? (async () => true)
  const proof = {
    confirm: async (e164: string, identityKey: Uint8Array, options?: ConfirmOptions) => {
      asked.push({ e164, identityKey, ...(options != null ? { options } : {}) })
      return await proven(e164, options)
    }
  } as unknown as SenderProof
  const { proven: _, ...rest } = init
  const i = new Inbound({ party: async () => w.b, messages, proof, now: w.clock.now, onReceipt: async () => {}, ...rest })
  return { inbound: i, calls, asked }
}

const text = (n: number, words = `text ${n}`): MessageBody => ({ kind: 'text', id: id(n), text: words, timestamp: 1_700_000_000_000 + n })

describe('Inbound: what is dropped or refused', () => {
  it('throws NotRegisteredError before this device is registered', async () => {
    const w = await world()
    const { calls } = inbound(w)
    const i = new Inbound({ party: async () => undefined, messages: recorded(w.bob.storage.messages).messages, proof: {} as never, now: w.clock.now, onReceipt: async () => {} })
    await expect(i.receive(await seal(w.a, w.bob, ALICE, text(1)))).rejects.toBeInstanceOf(NotRegisteredError)
    expect(calls.addIncoming).toEqual([])
  })

  it('drops a text whose sender the proof does not confirm: nothing stored, nothing remembered as seen; the proof got the attestation and the options', async () => {
    const w = await world()
    const seen = new SeenEnvelopes(w.bob.storage.kv('seen'), w.clock.now)
    const { inbound: i, calls, asked } = inbound(w, { seen, proven: async () => false })
    const envelope = await seal(w.a, w.bob, ALICE, text(1))
    const syncGroup = new SyncGroup()
    expect(await i.receive(envelope, { syncGroup })).toStrictEqual({ kind: 'dropped', reason: 'UnprovenSenderError' })
    expect(calls.addIncoming).toEqual([])
    expect(await w.bob.storage.messages.get(ALICE, id(1))).toBeUndefined()
    expect(await seen.has(envelope)).toBe(false)
    expect(asked).toHaveLength(1)
    expect(asked[0].e164).toBe(ALICE)
    expect(asked[0].identityKey).toEqual(w.alice.address.identityKey)
    expect(asked[0].options?.attestation).toEqual(ATTESTATION)
    expect(asked[0].options?.syncGroup).toBe(syncGroup)
    expect(asked[0].options?.signal).toBeInstanceOf(AbortSignal)
  })

  it('drops content that does not decode, and writes nothing for it', async () => {
    const w = await world()
    const seen = new SeenEnvelopes(w.bob.storage.kv('seen'), w.clock.now)
    const { inbound: i, calls } = inbound(w, { seen })
    const envelope = await sealFor(w.a, w.bob.address, new Uint8Array(160))
    expect(await i.receive(envelope)).toStrictEqual({ kind: 'dropped', reason: 'MalformedContentError' })
    expect(calls.addIncoming).toEqual([])
    expect(await seen.has(envelope)).toBe(false)
  })

  it('reports an envelope that does not open as undecryptable, without a sender, also with no onError', async () => {
    const w = await world()
    const { inbound: quiet } = inbound(w)
    expect(await quiet.receive(new Uint8Array(100).fill(1))).toStrictEqual({ kind: 'undecryptable', reason: 'UndecryptableEnvelopeError' })
    const errors: unknown[] = []
    const { inbound: told } = inbound(w, { onError: err => errors.push(err) })
    expect(await told.receive(new Uint8Array(100).fill(1))).toStrictEqual({ kind: 'undecryptable', reason: 'UndecryptableEnvelopeError' })
    expect(errors.map(e => (e as Error).name)).toEqual(['UndecryptableEnvelopeError'])
  })

  it('reports an envelope whose seal opens but whose session cannot decrypt it as undecryptable from that sender', async () => {
    const w = await world()
    const { inbound: i, calls } = inbound(w)
    // an ordinary ratchet message from alice, whom bob has no session with yet
    const message = await sealFor(w.a, w.bob.address, encodeContent({ senderE164: ALICE, attestation: ATTESTATION, body: text(1) }))
    const opened = openSealedSender(w.bob.local.identity, message)
    const ordinary = sealSender({ senderIdentity: w.a.identity, senderCertificate: w.a.certificate, recipientIdentityKey: w.bob.address.identityKey, content: opened.content.subarray(0, 80), contentType: 1 }, { random: w.a.random })
    const result = await i.receive(ordinary)
    expect(result).toMatchObject({ kind: 'undecryptable', sender: w.alice.address })
    expect(calls.addIncoming).toEqual([])
  })

  it("drops another account's transcripts, read syncs and account state", async () => {
    const w = await world()
    const { inbound: i, calls } = inbound(w, { onState: async () => { throw new Error('not for alice to set') } })
    const bodies: MessageBody[] = [
      { kind: 'sent', to: BOB, id: id(1), text: 'as if bob wrote it', timestamp: 1 },
      { kind: 'read-sync', chat: ALICE, ids: [id(1)] },
      { kind: 'state', stores: [{ name: 'settings', entries: [] }] }
    ]
    for (const body of bodies) {
      expect(await i.receive(await seal(w.a, w.bob, ALICE, body)), body.kind).toStrictEqual({ kind: 'dropped', reason: 'sync from another account' })
    }
    expect(calls.markRead).toEqual([])
    expect(await w.bob.storage.messages.get(BOB, id(1))).toBeUndefined()
  })
})

describe('Inbound: what is stored', () => {
  it("stores a text with its owed mark, in the caller's sync group; the same id in another envelope is a duplicate", async () => {
    const w = await world()
    const owed = new OwedTexts(w.bob.storage.kv('owed'))
    const { inbound: i, calls } = inbound(w, { owed })
    const syncGroup = new SyncGroup()
    const result = await i.receive(await seal(w.a, w.bob, ALICE, text(1, 'hello')), { syncGroup })
    expect(result).toMatchObject({ kind: 'new', from: ALICE, sender: w.alice.address, stored: { id: id(1), text: 'hello', direction: 'in', status: 'delivered' } })
    expect(await owed.current(ALICE, id(1))).toEqual({ announced: false })
    expect(calls.addIncoming).toHaveLength(1)
    expect(calls.addIncoming[0]?.syncGroup).toBe(syncGroup)
    // a resend of the same text (a new envelope, the same id)
    expect(await i.receive(await seal(w.a, w.bob, ALICE, text(1, 'hello again')))).toStrictEqual({ kind: 'duplicate' })
    expect((await w.bob.storage.messages.get(ALICE, id(1)))?.text).toBe('hello')
  })

  it('a profile with nobody to keep it is a duplicate', async () => {
    const w = await world()
    const { inbound: i } = inbound(w)
    expect(await i.receive(await seal(w.a, w.bob, ALICE, { kind: 'profile', name: 'Alice', updatedAt: 5 }))).toStrictEqual({ kind: 'duplicate' })
  })

  it('account state from our own other device is new, also with nobody to take it', async () => {
    const w = await world()
    const { inbound: i } = inbound(w)
    expect(await i.receive(await seal(w.b2, w.bob, BOB, { kind: 'state', stores: [{ name: 'settings', entries: [] }] }))).toMatchObject({ kind: 'new', from: BOB })
  })

  it('a read sync marks the chat read up to the newest of the named texts we have; naming none we have marks nothing', async () => {
    const w = await world()
    const { inbound: i, calls } = inbound(w)
    const incoming = (n: number, timestamp: number): StoredMessage => ({ id: id(n), conversation: ALICE, direction: 'in', sender: ALICE, text: `t${n}`, timestamp, receivedAt: timestamp, status: 'delivered' })
    expect(await i.receive(await seal(w.b2, w.bob, BOB, { kind: 'read-sync', chat: ALICE, ids: [id(1), id(2)] }))).toMatchObject({ kind: 'new' })
    expect(calls.markRead).toEqual([])
    await w.bob.storage.messages.addIncoming(incoming(1, 0))
    expect(await i.receive(await seal(w.b2, w.bob, BOB, { kind: 'read-sync', chat: ALICE, ids: [id(1), id(2)] }))).toMatchObject({ kind: 'new' })
    expect(calls.markRead).toEqual([[ALICE, 0]])
    await w.bob.storage.messages.addIncoming(incoming(3, 9))
    await w.bob.storage.messages.addIncoming(incoming(4, 5))
    await i.receive(await seal(w.b2, w.bob, BOB, { kind: 'read-sync', chat: ALICE, ids: [id(3), id(2), id(4)] }))
    expect(calls.markRead).toEqual([[ALICE, 0], [ALICE, 9]])
  })
})

describe("Inbound: the caller's signal", () => {
  it('an abort before the first write stops the receive: nothing is written, and the envelope is read later', async () => {
    const w = await world()
    const stream = new AbortController()
    const { inbound: i, calls } = inbound(w, { proven: async () => { stream.abort(new Error('stream closed')); return true } })
    const envelope = await seal(w.a, w.bob, ALICE, text(1))
    await expect(i.receive(envelope, { signal: stream.signal })).rejects.toThrow('stream closed')
    expect(calls.addIncoming).toEqual([])
    expect(getEventListeners(stream.signal, 'abort')).toHaveLength(0)
    expect(await i.receive(envelope)).toMatchObject({ kind: 'new', stored: { id: id(1) } })
  })

  it('the listener on the caller signal is removed once receive returns, whatever the outcome', async () => {
    const w = await world()
    const { inbound: i } = inbound(w)
    const signal = new AbortController().signal
    await i.receive(await seal(w.a, w.bob, ALICE, text(1)), { signal })
    await i.receive(new Uint8Array(10), { signal })
    await i.receive(await seal(w.a, w.bob, ALICE, text(1)), { signal })
    expect(getEventListeners(signal, 'abort')).toHaveLength(0)
  })
})
