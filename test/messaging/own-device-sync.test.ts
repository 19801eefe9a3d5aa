// Syncs between an account's own devices (linked devices): a sent transcript, a read sync and account state are taken from another device of our own identity, and dropped when anyone else sends them (a contact cannot write "sent" messages into our chats, mark them read or change our profile).
import { describe, it, expect } from 'vitest'
import { encodeContent, type MessageBody, type StateContent } from '../../src/messaging/index.js'
import { Inbound } from '../../src/messaging/inbound.js'
import { sealFor, type EnvelopeParty } from '../../src/messaging/envelope.js'
import type { SenderProof } from '../../src/messaging/sender-proof.js'
import { Party, TestClock, initiate } from '../session/party.js'
import { memoryBackend } from '../helpers/storage.js'
import { SeededRandom } from '../helpers/seeded-random.js'
import { envelopeParty } from './envelope-party.js'

const BOB = '+15550840002'
const CAROL = '+15550840003'
const MALLORY = '+15550840009'


describe('own-device syncs', () => {
  async function setUp () {
    const rng = new SeededRandom(16)
    const clock = new TestClock()
    const bob = await Party.create('bob', memoryBackend(), rng, clock)
    const bobLaptop = await Party.companion('bob-laptop', bob, 2, memoryBackend(), rng, clock)
    const mallory = await Party.create('mallory', memoryBackend(), rng, clock)
    await initiate(bob, bobLaptop)
    await initiate(mallory, bobLaptop)
    const states: StateContent[] = []
    const inbound = new Inbound({
      party: async () => await envelopeParty(bobLaptop, rng, clock),
      messages: bobLaptop.storage.messages,
      proof: { confirm: async () => true } as unknown as SenderProof,
      now: clock.now,
      onReceipt: async () => {},
      onState: async body => { states.push(body) }
    })
    const fromBob = await envelopeParty(bob, rng, clock)
    const fromMallory = await envelopeParty(mallory, rng, clock)
    const seal = async (from: EnvelopeParty, phone: string, body: MessageBody): Promise<Uint8Array> =>
      await sealFor(from, bobLaptop.address, encodeContent({ senderE164: phone, attestation: new Uint8Array(0), body }))
    return { clock, bobLaptop, inbound, states, fromBob, fromMallory, seal }
  }

  it('takes a transcript, a read sync and account state from another device of our account', async () => {
    const { clock, bobLaptop, inbound, states, fromBob, seal } = await setUp()
    const id = '0a'.repeat(16)
    const sent = await inbound.receive(await seal(fromBob, BOB, { kind: 'sent', to: CAROL, id, text: 'sent from the phone', timestamp: clock.now() }))
    expect(sent).toMatchObject({ kind: 'new', stored: { id, conversation: CAROL, direction: 'out', status: 'sent', text: 'sent from the phone' } })
    // the same transcript again is a duplicate
    expect((await inbound.receive(await seal(fromBob, BOB, { kind: 'sent', to: CAROL, id, text: 'sent from the phone', timestamp: clock.now() }))).kind).toBe('duplicate')

    // carol's text, read on the phone: read here too
    const carolsId = '0b'.repeat(16)
    await bobLaptop.storage.messages.addIncoming({ id: carolsId, conversation: CAROL, direction: 'in', sender: CAROL, text: 'hi bob', timestamp: clock.now(), receivedAt: clock.now(), status: 'delivered' })
    expect((await bobLaptop.storage.messages.conversation(CAROL))?.unread).toBe(1)
    expect((await inbound.receive(await seal(fromBob, BOB, { kind: 'read-sync', chat: CAROL, ids: [carolsId] }))).kind).toBe('new')
    expect((await bobLaptop.storage.messages.conversation(CAROL))?.unread).toBe(0)

    const state: StateContent = { kind: 'state', stores: [{ name: 'settings', entries: [{ key: 'readReceipts', value: new Uint8Array([0]) }] }] }
    expect((await inbound.receive(await seal(fromBob, BOB, state))).kind).toBe('new')
    expect(states).toHaveLength(1)
  })

  it('drops the same from another account, storing nothing', async () => {
    const { clock, bobLaptop, inbound, states, fromMallory, seal } = await setUp()
    const id = '0c'.repeat(16)
    // mallory even claims to be bob: the envelope's identity is hers, so it is not our own device
    for (const phone of [MALLORY, BOB]) {
      expect(await inbound.receive(await seal(fromMallory, phone, { kind: 'sent', to: CAROL, id, text: 'forged', timestamp: clock.now() }))).toMatchObject({ kind: 'dropped' })
      expect(await inbound.receive(await seal(fromMallory, phone, { kind: 'state', stores: [{ name: 'profile', entries: [] }] }))).toMatchObject({ kind: 'dropped' })
    }
    expect(await bobLaptop.storage.messages.get(CAROL, id)).toBeUndefined()
    expect(states).toEqual([])
    const carolsId = '0d'.repeat(16)
    await bobLaptop.storage.messages.addIncoming({ id: carolsId, conversation: CAROL, direction: 'in', sender: CAROL, text: 'unread', timestamp: clock.now(), receivedAt: clock.now(), status: 'delivered' })
    expect(await inbound.receive(await seal(fromMallory, MALLORY, { kind: 'read-sync', chat: CAROL, ids: [carolsId] }))).toMatchObject({ kind: 'dropped' })
    expect((await bobLaptop.storage.messages.conversation(CAROL))?.unread).toBe(1)
  })

  it('refuses malformed syncs: an unknown store, a transcript to something that is not a number', () => {
    expect(() => encodeContent({ senderE164: BOB, attestation: new Uint8Array(0), body: { kind: 'state', stores: [{ name: 'sessions' as 'profile', entries: [] }] } })).toThrow(/unknown or repeated store/)
    expect(() => encodeContent({ senderE164: BOB, attestation: new Uint8Array(0), body: { kind: 'sent', to: 'carol', id: '0e'.repeat(16), text: 'x', timestamp: 1 } })).toThrow(/E.164/)
  })
})
