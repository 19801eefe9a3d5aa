// Sender proof (sender-proof.ts) is what stands between a claimed number and the chat it is shown in: a number is attributed to an identity key only when the directory's verified answer names that key (now, or proven before and remembered), or our own recent verified lookup did. Each rule is tested with the attacker's attempt: an unregistered number, a record no trusted verifier attested, a verified record of another key, a trusted attestation carried in the message (a SIM swap), a recent answer that is unverified or names another key. None of them is ever proven or remembered.
import { describe, it, expect } from 'vitest'
import { createAttestation, encodeAttestation, IdentityKeyPair } from '../../src/crypto/index.js'
import type { LookupResult, Registered } from '../../src/directory/index.js'
import { SenderProof, type SenderProofInit } from '../../src/messaging/sender-proof.js'
import type { RecipientLookupOptions } from '../../src/messaging/recipients.js'
import { MemoryKeyValueStore, SyncGroup, type WriteOptions } from '../../src/storage/index.js'
import { SeededRandom } from '../helpers/seeded-random.js'

const VICTIM = '+15550920001'
const rng = new SeededRandom('sender-proof')
const owner = IdentityKeyPair.generate(rng.random)
const attacker = IdentityKeyPair.generate(rng.random)
const verifier = IdentityKeyPair.generate(rng.random)
const DIRECTORY_KEY = new Uint8Array(32).fill(0x5a)

class RecordingStore extends MemoryKeyValueStore {
  puts: Array<{ key: string, options?: WriteOptions }> = []
  override async put (key: string, value: Uint8Array, options?: WriteOptions): Promise<void> {
    this.puts.push({ key, ...(options != null ? { options } : {}) })
    await super.put(key, value, options)
  }
}

function registered (identityKey: Uint8Array, verified: boolean): Registered {
  return {
    registered: true,
    identityKey,
    devices: [],
    mailboxRelays: [],
    removedDevices: [],
    verified,
    seq: 1,
    issuedAt: 0,
    expiresAt: Number.MAX_SAFE_INTEGER,
    rivals: [],
    stats: { peersQueried: 0, hops: 0, endedEarly: false }
  }
}
const notRegistered: LookupResult = { registered: false, stats: { peersQueried: 0, hops: 0, endedEarly: false } }

/** A proof over a recording store and a directory that answers `answer` (and records what it was asked). */
function proof (answer: () => LookupResult, recent?: SenderProofInit['recent']) {
  const store = new RecordingStore()
  const lookups: Array<{ e164: string, options?: RecipientLookupOptions }> = []
  const p = new SenderProof({
    store,
    lookup: async (e164, options) => {
      lookups.push({ e164, ...(options != null ? { options } : {}) })
      return answer()
    },
    ...(recent != null ? { recent } : {})
  })
  return { p, store, lookups }
}

/** An attestation a verifier signed for `identityKey` under DIRECTORY_KEY. */
function attestation (identityKey: Uint8Array): Uint8Array {
  return encodeAttestation(createAttestation(verifier, { directoryKey: DIRECTORY_KEY, identityKey, issuedAt: 1, expiresAt: Number.MAX_SAFE_INTEGER }))
}

describe('SenderProof: the directory proves a number', () => {
  it("proves a number whose verified record names the sender's key, remembers it synced with the caller's group, and asks nobody again", async () => {
    let directoryUp = true
    const { p, store, lookups } = proof(() => {
      if (!directoryUp) throw new Error('directory unreachable')
      return registered(owner.publicKey, true)
    })
    expect(await p.numberOf(owner.publicKey)).toBeUndefined()
    const syncGroup = new SyncGroup()
    expect(await p.confirm(VICTIM, owner.publicKey, { syncGroup })).toBe(true)
    expect(lookups.map(l => l.e164)).toEqual([VICTIM])
    expect(store.puts).toEqual([{ key: Buffer.from(owner.publicKey).toString('hex'), options: { syncGroup, sync: true } }])
    expect(await p.numberOf(owner.publicKey)).toBe(VICTIM)
    // remembered: the directory is not asked again, and its being down changes nothing
    directoryUp = false
    expect(await p.confirm(VICTIM, owner.publicKey)).toBe(true)
    expect(lookups).toHaveLength(1)
    expect(store.puts).toHaveLength(1)
  })

  it('a directory that cannot be reached throws (the envelope stays to be read later); nothing is remembered', async () => {
    const { p, store } = proof(() => { throw new Error('directory unreachable') })
    await expect(p.confirm(VICTIM, owner.publicKey)).rejects.toThrow('directory unreachable')
    expect(store.puts).toEqual([])
  })

  it('remember writes a binding once, and again only when the number changes', async () => {
    const { p, store } = proof(() => notRegistered)
    await p.remember(owner.publicKey, VICTIM)
    await p.remember(owner.publicKey, VICTIM)
    expect(store.puts).toEqual([{ key: Buffer.from(owner.publicKey).toString('hex'), options: { sync: true } }])
    await p.remember(owner.publicKey, '+15550920002')
    expect(store.puts).toHaveLength(2)
    expect(await p.numberOf(owner.publicKey)).toBe('+15550920002')
  })

  it('a remembered binding is for that number only: another number claimed by the same key is asked about', async () => {
    const { p, lookups } = proof(() => registered(owner.publicKey, true))
    await p.remember(owner.publicKey, VICTIM)
    expect(await p.confirm('+15550920003', owner.publicKey)).toBe(true)
    expect(lookups.map(l => l.e164)).toEqual(['+15550920003'])
  })
})

describe('SenderProof: what the attacker tries is never proven', () => {
  const attempts: Array<[string, () => LookupResult]> = [
    ['the number is not registered at all', () => notRegistered],
    ['the only record is its own, which no trusted verifier attested', () => registered(attacker.publicKey, false)],
    ["the directory's verified record names the owner's key", () => registered(owner.publicKey, true)],
    ["the directory's unverified record names the owner's key", () => registered(owner.publicKey, false)]
  ]
  for (const [what, answer] of attempts) {
    it(`not proven when ${what}, even with a trusted attestation for its own key in the message; nothing remembered`, async () => {
      const { p, store, lookups } = proof(answer)
      // a SIM swap buys a trusted verifier's attestation for the attacker's fresh identity
      expect(await p.confirm(VICTIM, attacker.publicKey, { attestation: attestation(attacker.publicKey) })).toBe(false)
      expect(await p.confirm(VICTIM, attacker.publicKey)).toBe(false)
      expect(store.puts).toEqual([])
      expect(await p.numberOf(attacker.publicKey)).toBeUndefined()
      // every attempt asked the directory again
      expect(lookups).toHaveLength(2)
    })
  }

  it('a recent verified answer naming the sender proves at once (remembered, no lookup); without a recent answer the directory is asked', async () => {
    const { p, store, lookups } = proof(() => notRegistered, e164 => e164 === VICTIM ? registered(owner.publicKey, true) : undefined)
    expect(await p.confirm(VICTIM, owner.publicKey)).toBe(true)
    expect(lookups).toEqual([])
    expect(store.puts).toHaveLength(1)
    expect(await p.numberOf(owner.publicKey)).toBe(VICTIM)
    expect(await p.confirm('+15550920004', owner.publicKey)).toBe(false)
    expect(lookups.map(l => l.e164)).toEqual(['+15550920004'])
  })

  it("a recent answer that is unverified or names another key proves nothing: the directory's verified answer decides", async () => {
    // the recent answer is the attacker's own unverified record; the directory says the owner
    const unverified = proof(() => registered(owner.publicKey, true), () => registered(attacker.publicKey, false))
    expect(await unverified.p.confirm(VICTIM, attacker.publicKey)).toBe(false)
    expect(unverified.lookups).toHaveLength(1)
    expect(await unverified.p.numberOf(attacker.publicKey)).toBeUndefined()
    // the recent verified answer is the owner's; the attacker claims the number with its key
    const other = proof(() => registered(owner.publicKey, true), () => registered(owner.publicKey, true))
    expect(await other.p.confirm(VICTIM, attacker.publicKey)).toBe(false)
    expect(other.lookups).toHaveLength(1)
    expect(other.store.puts).toEqual([])
    // the owner reinstalled (a new key): the recent answer names the old key, the directory the new one
    const reinstalled = proof(() => registered(attacker.publicKey, true), () => registered(owner.publicKey, true))
    expect(await reinstalled.p.confirm(VICTIM, attacker.publicKey)).toBe(true)
    expect(reinstalled.lookups).toHaveLength(1)
  })
})

describe('SenderProof: what the lookup is given', () => {
  it('nothing without options; the signal when given', async () => {
    const { p, lookups } = proof(() => registered(owner.publicKey, true))
    await p.confirm(VICTIM, attacker.publicKey)
    expect(lookups[0].options).toStrictEqual({})
    const controller = new AbortController()
    await p.confirm(VICTIM, attacker.publicKey, { signal: controller.signal })
    expect(lookups[1].options).toStrictEqual({ signal: controller.signal })
    expect(lookups[1].options?.signal).toBe(controller.signal)
  })

  it("the directory key the sender's own attestation names, as a hint; nothing from an attestation of another key, an empty or a broken one", async () => {
    const { p, lookups } = proof(() => registered(owner.publicKey, true))
    const controller = new AbortController()
    expect(await p.confirm(VICTIM, owner.publicKey, { attestation: attestation(owner.publicKey), signal: controller.signal })).toBe(true)
    expect(lookups[0].options).toStrictEqual({ signal: controller.signal, expectedKey: DIRECTORY_KEY })
    const broken = attestation(attacker.publicKey)
    broken[broken.length - 1] ^= 1
    const hints: Array<[string, Uint8Array]> = [
      ["another key's attestation", attestation(owner.publicKey)],
      ['an empty attestation', new Uint8Array(0)],
      ['a broken signature', broken],
      ['not an attestation', new Uint8Array(10).fill(3)]
    ]
    for (const [what, a] of hints) {
      await p.confirm(VICTIM, attacker.publicKey, { attestation: a })
      expect(lookups.at(-1)?.options, what).toStrictEqual({})
    }
  })
})
