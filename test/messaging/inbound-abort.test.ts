// A text stored while its stream closes (sender killed, connection lost) is still announced: once the persist step writes, the caller's abort no longer stops the session commit, so receive resolves 'new' (the 'message' event and the delivered receipt follow) and a retry of the same envelope is a duplicate. Before, the abort tripped the commit, the text sat in history unannounced, and the sender's retry was acked as a duplicate: no event ever fired (issue 14, fault 2).
import { describe, it, expect } from 'vitest'
import { encodeContent } from '../../src/messaging/index.js'
import { Inbound } from '../../src/messaging/inbound.js'
import { sealFor } from '../../src/messaging/envelope.js'
import type { SenderProof } from '../../src/messaging/sender-proof.js'
import type { MessageStore } from '../../src/storage/index.js'
import { Party, TestClock, initiate } from '../session/party.js'
import { memoryBackend } from '../helpers/storage.js'
import { SeededRandom } from '../helpers/seeded-random.js'
import { envelopeParty } from './envelope-party.js'

const ALICE = '+15550830001'


describe('inbound: the stream closes while a text is stored', () => {
  it('an abort after the write does not undo the announcement; the same envelope again is a duplicate', async () => {
    const rng = new SeededRandom(14)
    const clock = new TestClock()
    const alice = await Party.create('alice', memoryBackend(), rng, clock)
    const bob = await Party.create('bob', memoryBackend(), rng, clock)
    await initiate(alice, bob)
    const from = await envelopeParty(alice, rng, clock)
    const to = await envelopeParty(bob, rng, clock)
    const id = 'ab'.repeat(16)
    const envelope = await sealFor(from, bob.address, encodeContent({ senderE164: ALICE, attestation: new Uint8Array(0), body: { kind: 'text', id, text: 'stored as the stream closed', timestamp: clock.now() } }))

    // the stream closes the moment the text is in history
    const stream = new AbortController()
    const messages: MessageStore = Object.create(bob.storage.messages, {
      addIncoming: {
        value: async (...args: Parameters<MessageStore['addIncoming']>) => {
          const fresh = await bob.storage.messages.addIncoming(...args)
          stream.abort(new Error('stream closed'))
          return fresh
        }
      }
    })
    const inbound = new Inbound({
      party: async () => to,
      messages,
      proof: { confirm: async () => true } as unknown as SenderProof,
      now: clock.now,
      onReceipt: async () => {}
    })

    const result = await inbound.receive(envelope, { signal: stream.signal })
    expect(result).toMatchObject({ kind: 'new', from: ALICE, stored: { id, text: 'stored as the stream closed' } })
    expect(await bob.storage.messages.get(ALICE, id)).toMatchObject({ id, direction: 'in' })
    // the sender's retry of the same envelope: the session moved on, so it is a duplicate, not a second text
    expect((await inbound.receive(envelope)).kind).toBe('duplicate')

    // an abort before anything is written still stops the receive, and nothing is stored
    const early = new AbortController()
    early.abort(new Error('stream closed early'))
    const second = await sealFor(from, bob.address, encodeContent({ senderE164: ALICE, attestation: new Uint8Array(0), body: { kind: 'text', id: 'cd'.repeat(16), text: 'never stored', timestamp: clock.now() } }))
    await expect(inbound.receive(second, { signal: early.signal })).rejects.toThrow()
    expect(await bob.storage.messages.get(ALICE, 'cd'.repeat(16))).toBeUndefined()
    // and it is read later, once
    expect((await inbound.receive(second)).kind).toBe('new')
  })
})
