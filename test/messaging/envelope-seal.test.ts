// One device's envelope for another (envelope.ts): the seal says which kind of ratchet message is inside (a first message of a session, or a later one), a seal that does not open or names an unknown content type is UndecryptableEnvelopeError, onSender learns the sender before the session decrypts, and openEnvelope answers with the sender, the plaintext and whether a session was made.
import { describe, it, expect } from 'vitest'
import { openSealedSender, sealSender } from '../../src/crypto/index.js'
import { openEnvelope, sealFor, type EnvelopeParty } from '../../src/messaging/envelope.js'
import { UndecryptableEnvelopeError } from '../../src/messaging/errors.js'
import type { DeviceAddress } from '../../src/session/index.js'
import { Party, TestClock, initiate, text, untext } from '../session/party.js'
import { memoryBackend } from '../helpers/storage.js'
import { SeededRandom } from '../helpers/seeded-random.js'
import { envelopeParty } from './envelope-party.js'

const CONTENT_MESSAGE = 1
const CONTENT_PREKEY = 2

async function pair (): Promise<{ alice: Party, bob: Party, a: EnvelopeParty, b: EnvelopeParty }> {
  const rng = new SeededRandom(27)
  const clock = new TestClock()
  const alice = await Party.create('alice', memoryBackend(), rng, clock)
  const bob = await Party.create('bob', memoryBackend(), rng, clock)
  await initiate(alice, bob)
  return { alice, bob, a: await envelopeParty(alice, rng, clock), b: await envelopeParty(bob, rng, clock) }
}

const nothing = async (): Promise<void> => {}

describe('envelopes', () => {
  it('seal a first message as a prekey message and later ones as ordinary messages', async () => {
    const { alice, bob, a, b } = await pair()
    const first = await sealFor(a, bob.address, text('first'))
    expect(openSealedSender(bob.local.identity, first).contentType).toBe(CONTENT_PREKEY)
    expect(await openEnvelope(b, first, nothing)).toEqual({ sender: alice.address, plaintext: text('first'), newSession: true })
    // bob answers on the session alice's first message made: an ordinary message
    const reply = await sealFor(b, alice.address, text('reply'))
    expect(openSealedSender(alice.local.identity, reply).contentType).toBe(CONTENT_MESSAGE)
    const opened = await openEnvelope(a, reply, nothing)
    expect(opened).toEqual({ sender: bob.address, plaintext: text('reply'), newSession: false })
    expect(untext(opened.plaintext)).toBe('reply')
  })

  it('hands the plaintext and the sender to beforeCommit; options without onSender are fine', async () => {
    const { alice, bob, a, b } = await pair()
    const seen: Array<[string, DeviceAddress]> = []
    const opened = await openEnvelope(b, await sealFor(a, bob.address, text('hello')), async (plaintext, sender) => { seen.push([untext(plaintext), sender]) }, {})
    expect(seen).toEqual([['hello', alice.address]])
    expect(opened.sender).toEqual(alice.address)
  })

  it('a seal that does not open is UndecryptableEnvelopeError, and no sender is learnt', async () => {
    const { b } = await pair()
    const senders: DeviceAddress[] = []
    for (const envelope of [new Uint8Array(0), new Uint8Array(200).fill(7)]) {
      const err = await openEnvelope(b, envelope, nothing, { onSender: s => senders.push(s) }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(UndecryptableEnvelopeError)
      expect((err as Error).message).toBe('an envelope could not be opened')
    }
    // sealed for another identity
    const { a: stranger } = await pair()
    const notForBob = sealSender({ senderIdentity: stranger.identity, senderCertificate: stranger.certificate, recipientIdentityKey: stranger.identity.publicKey, content: text('x'), contentType: CONTENT_MESSAGE }, { random: stranger.random })
    await expect(openEnvelope(b, notForBob, nothing)).rejects.toBeInstanceOf(UndecryptableEnvelopeError)
    expect(senders).toEqual([])
  })

  it('an unknown content type is UndecryptableEnvelopeError before anything is decrypted, though the sender is known', async () => {
    const { alice, bob, a, b } = await pair()
    // a real first message, sealed under content types other than the two known ones
    const message = await alice.sessions.encrypt(bob.address, text('odd type'))
    for (const contentType of [0, 3]) {
      const envelope = sealSender({ senderIdentity: a.identity, senderCertificate: a.certificate, recipientIdentityKey: bob.address.identityKey, content: message.body, contentType }, { random: a.random })
      const reached: string[] = []
      const err = await openEnvelope(b, envelope, async p => { reached.push(untext(p)) }).catch((e: unknown) => e)
      expect(err, `type ${contentType}`).toBeInstanceOf(UndecryptableEnvelopeError)
      expect((err as Error).message, `type ${contentType}`).toBe('unknown content type')
      expect(reached).toEqual([])
    }
    // the same message under its own type opens
    const good = sealSender({ senderIdentity: a.identity, senderCertificate: a.certificate, recipientIdentityKey: bob.address.identityKey, content: message.body, contentType: CONTENT_PREKEY }, { random: a.random })
    expect(untext((await openEnvelope(b, good, nothing)).plaintext)).toBe('odd type')
  })

  it('onSender learns the sender once the seal opened, even when the session then refuses the message', async () => {
    const { alice, bob, a, b } = await pair()
    const first = await sealFor(a, bob.address, text('first'))
    await openEnvelope(b, first, nothing)
    // the same envelope again: the seal opens, the session refuses a duplicate
    const senders: DeviceAddress[] = []
    const reached: string[] = []
    const again = await openEnvelope(b, first, async p => { reached.push(untext(p)) }, { onSender: s => senders.push(s) }).catch((e: unknown) => e)
    expect(again).toBeInstanceOf(Error)
    expect(again).not.toBeInstanceOf(UndecryptableEnvelopeError)
    expect(senders).toEqual([alice.address])
    expect(reached).toEqual([])
  })
})
