// A second relay's copy of an envelope that arrives after more ratchet turns than receiving chains are kept is a silent duplicate, not 'undecryptable' (which asked the sender to resend); envelopes taken are remembered by hash before decrypting (issue 14, fault 3).
import { describe, it, expect } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { createDeviceCertificate, MAX_RECEIVER_CHAINS } from '../../src/crypto/index.js'
import { encodeContent } from '../../src/messaging/index.js'
import { Inbound } from '../../src/messaging/inbound.js'
import { SeenEnvelopes, SEEN_ENVELOPE_RETENTION_MS } from '../../src/messaging/seen-envelopes.js'
import { sealFor, type EnvelopeParty } from '../../src/messaging/envelope.js'
import type { SenderProof } from '../../src/messaging/sender-proof.js'
import { Party, TestClock, initiate } from '../session/party.js'
import { memoryBackend } from '../helpers/storage.js'
import { SeededRandom } from '../helpers/seeded-random.js'

const ALICE = '+15550840001'
const BOB = '+15550840002'

async function device (p: Party, phone: string, rng: SeededRandom, clock: TestClock) {
  const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  const party: EnvelopeParty = {
    identity: p.local.identity,
    certificate: createDeviceCertificate(p.local.identity, { devicePeerId: peer.toMultihash().bytes, deviceId: p.local.deviceId, createdAt: clock.now() }),
    sessions: p.sessions,
    random: rng.random
  }
  const seen = new SeenEnvelopes(p.storage.kv('seen-envelopes'), clock.now)
  const inbound = new Inbound({ party: async () => party, messages: p.storage.messages, proof: { confirm: async () => true } as unknown as SenderProof, seen, now: clock.now, onReceipt: async () => {} })
  let n = 0
  const text = async (to: Party): Promise<Uint8Array> =>
    await sealFor(party, to.address, encodeContent({ senderE164: phone, attestation: new Uint8Array(0), body: { kind: 'text', id: (n++).toString(16).padStart(2, '0').repeat(16), text: `from ${phone} #${n}`, timestamp: clock.now() } }))
  return { party, inbound, seen, text }
}

describe('a late copy of an envelope', () => {
  it('is a duplicate, not undecryptable, after the ratchet dropped its chain; remembered envelopes are pruned after the retention', async () => {
    const rng = new SeededRandom(3)
    const clock = new TestClock()
    const alice = await Party.create('alice', memoryBackend(), rng, clock)
    const bob = await Party.create('bob', memoryBackend(), rng, clock)
    await initiate(alice, bob)
    const a = await device(alice, ALICE, rng, clock)
    const b = await device(bob, BOB, rng, clock)

    const first = await a.text(bob)
    expect((await b.inbound.receive(first)).kind).toBe('new')
    // more turns of the conversation than receiving chains are kept: the first one's chain is gone
    for (let turn = 0; turn <= MAX_RECEIVER_CHAINS; turn++) {
      expect((await a.inbound.receive(await b.text(alice))).kind).toBe('new')
      expect((await b.inbound.receive(await a.text(bob))).kind).toBe('new')
    }
    // the copy the second relay kept all along
    expect(await b.inbound.receive(first)).toEqual({ kind: 'duplicate' })

    // after the retention (longer than any relay keeps mail) the hashes go
    clock.advance(SEEN_ENVELOPE_RETENTION_MS + 1)
    expect(await b.seen.prune()).toBe(MAX_RECEIVER_CHAINS + 2)
    expect(await b.seen.has(first)).toBe(false)
  })
})
