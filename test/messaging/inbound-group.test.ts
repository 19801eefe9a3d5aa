// What Inbound says about a group control payload and a reply, exactly: without a group layer it is dropped ('no group layer'); `taken: false` is a duplicate; `taken` with or without an `after`; a text or transcript without a quote stores no quoteId key at all.
import { describe, it, expect } from 'vitest'
import { encodeContent, type GroupControlTaken, type MessageBody } from '../../src/messaging/index.js'
import { Inbound, type InboundInit } from '../../src/messaging/inbound.js'
import { sealFor, type EnvelopeParty } from '../../src/messaging/envelope.js'
import type { SenderProof } from '../../src/messaging/sender-proof.js'
import { Party, TestClock, initiate } from '../session/party.js'
import { memoryBackend } from '../helpers/storage.js'
import { SeededRandom } from '../helpers/seeded-random.js'
import { envelopeParty } from './envelope-party.js'

const ALICE = '+15550850001'
const BOB = '+15550850002'
const CAROL = '+15550850003'

async function setUp (onGroup?: InboundInit['onGroup']) {
  const rng = new SeededRandom(85)
  const clock = new TestClock()
  const bob = await Party.create('bob', memoryBackend(), rng, clock)
  const bobLaptop = await Party.companion('bob-laptop', bob, 2, memoryBackend(), rng, clock)
  const alice = await Party.create('alice', memoryBackend(), rng, clock)
  await initiate(alice, bobLaptop)
  await initiate(bob, bobLaptop)
  const inbound = new Inbound({
    party: async () => await envelopeParty(bobLaptop, rng, clock),
    messages: bobLaptop.storage.messages,
    proof: { confirm: async () => true } as unknown as SenderProof,
    now: clock.now,
    onReceipt: async () => {},
    ...(onGroup != null ? { onGroup } : {})
  })
  const fromAlice = await envelopeParty(alice, rng, clock)
  const fromBob = await envelopeParty(bob, rng, clock)
  const seal = async (from: EnvelopeParty, phone: string, body: MessageBody): Promise<Uint8Array> =>
    await sealFor(from, bobLaptop.address, encodeContent({ senderE164: phone, attestation: new Uint8Array(0), body }))
  return { clock, inbound, fromAlice, fromBob, seal, bobLaptop }
}

const control = (n: number): MessageBody => ({ kind: 'group', control: Uint8Array.of(n) })

describe('Inbound and group control', () => {
  it('without a group layer the payload is dropped, saying why', async () => {
    const { inbound, fromAlice, seal } = await setUp()
    expect(await inbound.receive(await seal(fromAlice, ALICE, control(1)))).toEqual({ kind: 'dropped', reason: 'no group layer' })
  })

  it('taken: false is a duplicate; taken is new, with the after() given or no after key at all', async () => {
    const answers: GroupControlTaken[] = [{ taken: false }, { taken: true }, { taken: true, after: () => {} }]
    const { inbound, fromAlice, seal } = await setUp(async () => answers.shift()!)
    expect(await inbound.receive(await seal(fromAlice, ALICE, control(1)))).toEqual({ kind: 'duplicate' })
    const taken = await inbound.receive(await seal(fromAlice, ALICE, control(2)))
    expect(taken.kind).toBe('new')
    expect(Object.hasOwn(taken, 'after')).toBe(false)
    const withAfter = await inbound.receive(await seal(fromAlice, ALICE, control(3)))
    expect(withAfter).toMatchObject({ kind: 'new', from: ALICE })
    expect(typeof (withAfter as { after?: unknown }).after).toBe('function')
  })

  it('a text or a transcript without a quote stores no quoteId key; with one, it is kept', async () => {
    const { clock, inbound, fromAlice, fromBob, seal, bobLaptop } = await setUp()
    const text = await inbound.receive(await seal(fromAlice, ALICE, { kind: 'text', id: '01'.repeat(16), text: 'hi', timestamp: clock.now() }))
    expect(Object.hasOwn((text as { stored: object }).stored, 'quoteId')).toBe(false)
    const sent = await inbound.receive(await seal(fromBob, BOB, { kind: 'sent', to: CAROL, id: '02'.repeat(16), text: 'to carol', timestamp: clock.now() }))
    expect(Object.hasOwn((sent as { stored: object }).stored, 'quoteId')).toBe(false)
    await inbound.receive(await seal(fromBob, BOB, { kind: 'sent', to: CAROL, id: '03'.repeat(16), text: 'a reply', timestamp: clock.now(), quoteId: '02'.repeat(16) }))
    expect(await bobLaptop.storage.messages.get(CAROL, '03'.repeat(16))).toMatchObject({ quoteId: '02'.repeat(16) })
  })
})
