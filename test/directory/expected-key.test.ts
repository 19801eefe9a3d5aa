// A lookup told which directory key to expect (a sender's attestation names it) walks that key while the number's
// hash (scrypt) is computed, and uses the walk only when its own hash gives the same key: a sender that names
// another number's key (its own, attested) cannot make a lookup return that number's record.
import { describe, it, expect, beforeAll } from 'vitest'
import type { QueryEvent } from '@libp2p/kad-dht'
import type { AbortOptions } from '@libp2p/interface'
import { defaultProvider, type CryptoProvider } from '../../src/crypto/index.js'
import { PARLEY_NETWORK_SALT, DirectoryHashCache, directoryDhtRules, directoryKeysFor, lookup, publishRecord, type DirectoryDht } from '../../src/directory/index.js'
import { attest, makeUser, makeVerifier, type TestUser } from './fixtures.js'
import { FakeDht } from './fake-dht.js'

const ALICE = '+442079460301'
const MALLORY = '+442079460302'
const HOUR = 3600_000

/** A DHT whose gets are recorded with their key and signal; `started` resolves at the first get. */
class WatchedDht implements DirectoryDht {
  readonly gets: Array<{ key: string, signal?: AbortSignal, abortedAtStart?: boolean }> = []
  readonly started: Promise<void>
  private onStart!: () => void
  constructor (private readonly inner: FakeDht) {
    this.started = new Promise(resolve => { this.onStart = resolve })
  }

  async * get (key: Uint8Array, options?: AbortOptions): AsyncIterable<QueryEvent> {
    this.gets.push({ key: new TextDecoder().decode(key), ...(options?.signal != null ? { signal: options.signal, abortedAtStart: options.signal.aborted } : {}) })
    this.onStart()
    yield * this.inner.get(key)
  }

  async * put (key: Uint8Array, value: Uint8Array): AsyncIterable<QueryEvent> {
    yield * this.inner.put(key, value)
  }
}

/** A hash cache whose scrypt waits until `release()`: what a loaded machine's slow hash looks like to the lookup. */
function gatedHashes (): { hashes: DirectoryHashCache, release: () => void, released: () => boolean } {
  const base = defaultProvider()
  let open = false
  let release!: () => void
  const gate = new Promise<void>(resolve => { release = () => { open = true; resolve() } })
  const provider: CryptoProvider = { ...base, scrypt: async (...args) => { await gate; return await base.scrypt(...args) } }
  return { hashes: new DirectoryHashCache(PARLEY_NETWORK_SALT, provider), release, released: () => open }
}

describe('lookup with an expected directory key', () => {
  const verifier = makeVerifier()
  let alice: TestUser
  let mallory: TestUser
  let aliceKeys: Awaited<ReturnType<typeof directoryKeysFor>>
  let malloryKeys: Awaited<ReturnType<typeof directoryKeysFor>>

  beforeAll(async () => {
    ;[alice, mallory] = await Promise.all([makeUser(), makeUser()])
    ;[aliceKeys, malloryKeys] = await Promise.all([directoryKeysFor(ALICE), directoryKeysFor(MALLORY)])
  })

  async function directory (users: Array<[TestUser, string, Uint8Array]>): Promise<FakeDht> {
    const dht = new FakeDht(directoryDhtRules())
    for (const [user, number, directoryKey] of users) {
      await publishRecord(dht, user.identity, number, user.fields, { attestations: [attest(verifier, directoryKey, user.identity.publicKey, Date.now() - HOUR)] })
    }
    return dht
  }

  it('walks the expected key before the hash is done, and that walk answers the lookup', async () => {
    const dht = new WatchedDht(await directory([[alice, ALICE, aliceKeys.directoryKey]]))
    const { hashes, release, released } = gatedHashes()
    const found = lookup(dht, ALICE, { hashes, expectedKey: aliceKeys.directoryKey, trustedVerifiers: [verifier.publicKey] })
    await dht.started
    expect(released()).toBe(false)
    expect(dht.gets.map(g => g.key)).toEqual([aliceKeys.dhtKey])
    release()
    const r = await found
    expect(r.registered && r.verified && Buffer.from(r.identityKey).equals(Buffer.from(alice.identity.publicKey))).toBe(true)
    // the early walk was the lookup's only walk
    expect(dht.gets).toHaveLength(1)
  })

  it('a hint naming another number\'s key (the sender\'s own, attested) is dropped: the answer is the real number\'s', async () => {
    const dht = new WatchedDht(await directory([[alice, ALICE, aliceKeys.directoryKey], [mallory, MALLORY, malloryKeys.directoryKey]]))
    const { hashes, release } = gatedHashes()
    const found = lookup(dht, ALICE, { hashes, expectedKey: malloryKeys.directoryKey, trustedVerifiers: [verifier.publicKey] })
    await dht.started
    release()
    const r = await found
    expect(r.registered && Buffer.from(r.identityKey).equals(Buffer.from(alice.identity.publicKey))).toBe(true)
    expect(dht.gets.map(g => g.key)).toEqual([malloryKeys.dhtKey, aliceKeys.dhtKey])
    // the walk of the wrong key was stopped
    expect(dht.gets[0].signal?.aborted).toBe(true)
  })

  it('with the number not registered, a hint to an attested record still says "not on Parley"', async () => {
    const dht = new WatchedDht(await directory([[mallory, MALLORY, malloryKeys.directoryKey]]))
    const r = await lookup(dht, ALICE, { expectedKey: malloryKeys.directoryKey, trustedVerifiers: [verifier.publicKey] })
    expect(r.registered).toBe(false)
  })

  it('the early walk runs under the caller\'s signal: an aborted lookup never starts a live walk', async () => {
    const dht = new WatchedDht(await directory([[alice, ALICE, aliceKeys.directoryKey]]))
    const reason = new Error('caller gave up')
    await expect(lookup(dht, ALICE, { expectedKey: aliceKeys.directoryKey, signal: AbortSignal.abort(reason) })).rejects.toBe(reason)
    expect(dht.gets).toHaveLength(1)
    expect(dht.gets[0].abortedAtStart).toBe(true)
  })

  it('a hint that is not a directory key is ignored', async () => {
    const dht = new WatchedDht(await directory([[alice, ALICE, aliceKeys.directoryKey]]))
    const r = await lookup(dht, ALICE, { expectedKey: new Uint8Array(5), trustedVerifiers: [verifier.publicKey] })
    expect(r.registered).toBe(true)
    expect(dht.gets.map(g => g.key)).toEqual([aliceKeys.dhtKey])
  })
})
