// One directory answer serves both sides of a first contact: the lookup that proved a contact's first message
// delivers our reply, and our own lookup of a contact proves its reply. Before, each device asked the directory
// twice (a DHT walk, plus the scrypt when the hash was not cached), and a reply's delivery waited for it.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { Parley, ReceivedMessage } from '../../src/index.js'
import type { LookupResult } from '../../src/directory/index.js'
import type { AbortOptions } from '@libp2p/interface'
import { startPair, stopAll, collect, type TestRelay } from './helpers.js'
import { Recipients } from '../../src/messaging/recipients.js'
import { SenderProof } from '../../src/messaging/sender-proof.js'
import { MemoryKeyValueStore } from '../../src/storage/memory/index.js'
import { IdentityKeyPair, createAttestation, encodeAttestation, systemRandom } from '../../src/crypto/index.js'
import { internals } from '../../src/client/internals.js'

const ALICE = '+15550910001'
const BOB = '+15550910002'

/** The numbers the device asks the directory about from now on (the facade's lookup, used by sends, deliveries and sender proofs). */
function lookups (device: Parley): string[] {
  const asked: string[] = []
  const facade = device as unknown as { directoryLookup: (e164: string, options?: AbortOptions) => Promise<LookupResult> }
  const lookup = facade.directoryLookup.bind(device)
  facade.directoryLookup = async (e164, options) => {
    asked.push(e164)
    return await lookup(e164, options)
  }
  return asked
}

describe('directory answers shared by sends, deliveries and sender proofs', () => {
  let dir: Awaited<ReturnType<typeof startPair>>['dir']
  let relay: TestRelay
  let alice: Parley
  let bob: Parley

  beforeAll(async () => {
    ;({ dir, relay, alice, bob } = await startPair(ALICE, BOB))
  }, 90_000)

  afterAll(async () => { await stopAll(dir, relay, [alice, bob]) })

  it('a first message and its reply cost each device one lookup of the other', async () => {
    const askedByAlice = lookups(alice)
    const askedByBob = lookups(bob)
    const atBob = collect<ReceivedMessage>(push => bob.on('message', push))
    const atAlice = collect<ReceivedMessage>(push => alice.on('message', push))
    const delivered = collect<{ phone: string }>(push => {
      alice.on('receipt', e => { if (e.status === 'delivered') push(e) })
      bob.on('receipt', e => { if (e.status === 'delivered') push(e) })
    })

    const first = await alice.send(BOB, 'hi bob')
    await atBob.until(1, 30_000, 'first message at bob')
    const reply = await bob.send(ALICE, 'hi alice')
    await atAlice.until(1, 30_000, 'reply at alice')
    await delivered.until(2, 30_000, 'both delivered receipts')
    expect(atBob.items[0].text).toBe('hi bob')
    expect(atAlice.items[0].text).toBe('hi alice')
    expect((await internals(alice).messenger.history(BOB)).find(m => m.id === first.id)?.status).toBe('delivered')
    expect((await internals(bob).messenger.history(ALICE)).find(m => m.id === reply.id)?.status).toBe('delivered')

    // bob: the proof of alice's first message; his receipt and reply went out on that answer
    expect(askedByBob.filter(n => n === ALICE)).toEqual([ALICE])
    // alice: her send's lookup; bob's reply and receipt were proven with that answer
    expect(askedByAlice.filter(n => n === BOB)).toEqual([BOB])
  })
})

describe('Recipients and the sender proof', () => {
  const answer = (identityKey: Uint8Array, verified = true): LookupResult => ({
    registered: true, identityKey, devices: [], mailboxRelays: [], removedDevices: [], verified, seq: 1, issuedAt: 1, expiresAt: 2, rivals: [], stats: { peersQueried: 1, hops: 1, endedEarly: false }
  })
  const KEY_1 = new Uint8Array(32).fill(1)
  const KEY_2 = new Uint8Array(32).fill(2)

  it('concurrent resolve and lookup of a number share one directory lookup; its answer serves later sends', async () => {
    const asked: string[] = []
    let reply!: (r: LookupResult) => void
    const recipients = new Recipients(async e164 => { asked.push(e164); return await new Promise<LookupResult>(resolve => { reply = resolve }) }, () => 1000)
    const resolving = recipients.resolve(ALICE)
    const looking = recipients.lookup(ALICE)
    await new Promise(resolve => setTimeout(resolve, 0))
    reply(answer(KEY_1))
    expect((await resolving).identityKey).toEqual(KEY_1)
    expect((await looking).registered).toBe(true)
    await recipients.resolve(ALICE)
    expect(recipients.recent(ALICE)?.identityKey).toEqual(KEY_1)
    expect(asked).toEqual([ALICE])
  })

  it('a proof uses our recent answer only when it names the sender\'s key: a reinstalled contact is looked up again and proven', async () => {
    const asked: string[] = []
    let key = KEY_1
    const recipients = new Recipients(async e164 => { asked.push(e164); return answer(key) }, () => 1000)
    const proof = new SenderProof({ store: new MemoryKeyValueStore(), lookup: async (e164, o) => await recipients.lookup(e164, o), recent: e164 => recipients.recent(e164) })
    await recipients.resolve(ALICE)
    expect(await proof.confirm(ALICE, KEY_1)).toBe(true)
    expect(asked).toEqual([ALICE])
    // the contact registered a new key since our lookup
    key = KEY_2
    expect(await proof.confirm(ALICE, KEY_2)).toBe(true)
    expect(asked).toEqual([ALICE, ALICE])
    // and our next send goes to the new key without another lookup
    expect((await recipients.resolve(ALICE)).identityKey).toEqual(KEY_2)
    expect(asked).toEqual([ALICE, ALICE])
  })

  it('an answer without a trusted attestation seen by a proof proves nothing, marks the number untrusted and is not kept for sends', async () => {
    const asked: string[] = []
    const recipients = new Recipients(async e164 => { asked.push(e164); return answer(KEY_1, false) }, () => 1000)
    const proof = new SenderProof({ store: new MemoryKeyValueStore(), lookup: async (e164, o) => await recipients.lookup(e164, o), recent: e164 => recipients.recent(e164) })
    expect(await proof.confirm(BOB, KEY_1)).toBe(false)
    expect(recipients.knownUntrusted(BOB)).toBe(true)
    expect(recipients.recent(BOB)).toBeUndefined()
    await expect(recipients.resolve(BOB)).rejects.toThrow(/verifier/)
    expect(asked).toEqual([BOB, BOB])
  })

  it('a proof hands the lookup the directory key the sender\'s attestation names for the sender\'s own key, and nothing else', async () => {
    const verifier = IdentityKeyPair.generate(systemRandom)
    const sender = IdentityKeyPair.generate(systemRandom)
    const other = IdentityKeyPair.generate(systemRandom)
    const directoryKey = new Uint8Array(32).fill(7)
    const attestation = (identityKey: Uint8Array): Uint8Array => encodeAttestation(createAttestation(verifier, { directoryKey, identityKey, issuedAt: Date.now(), expiresAt: Date.now() + 3600_000 }))
    const hints: Array<Uint8Array | undefined> = []
    const proof = new SenderProof({ store: new MemoryKeyValueStore(), lookup: async (_e164, o) => { hints.push(o?.expectedKey); return answer(sender.publicKey) } })
    expect(await proof.confirm(ALICE, sender.publicKey, { attestation: attestation(sender.publicKey) })).toBe(true)
    // an attestation of another key, or bytes that are no attestation, give no hint; the proof is the lookup's answer
    expect(await proof.confirm(BOB, other.publicKey, { attestation: attestation(sender.publicKey) })).toBe(false)
    expect(await proof.confirm(BOB, other.publicKey, { attestation: new Uint8Array(40) })).toBe(false)
    expect(hints).toEqual([directoryKey, undefined, undefined])
  })
})
