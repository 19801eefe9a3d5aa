// lookup over scripted walks with a stand-in scrypt (fast to mutate): the rivals it reports, the ranking by the reader's
// trusted set, release records, the stats, the second walk before a negative answer and an abort or timeout during its
// pause (on a fake clock), and how it fails.
import { describe, it, expect, beforeAll, afterEach, vi } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId, AbortOptions } from '@libp2p/interface'
import type { QueryEvent } from '@libp2p/kad-dht'
import { defaultProvider } from '../../src/crypto/index.js'
import { dhtKeyOf } from '../../src/directory/record.js'
import {
  DirectoryHashCache, PARLEY_NETWORK_SALT, buildRecord, directoryKeysFor, lookup, signHandover, type DirectoryDht, type LookupOptions
} from '../../src/directory/index.js'
import { attest, makeUser, makeVerifier, type TestUser } from './fixtures.js'
import { signEnvelope } from '../../src/directory/record.js'
import { systemRandom } from '../../src/crypto/index.js'

const NUMBER = '+14155550150'
const HOUR = 3600_000
const NOW = 1_800_000_000_000

type Step = { from: PeerId, value?: Uint8Array, fails?: true, closer?: PeerId[] }

/** One scripted walk per get() (the last repeats); counts gets. */
class Walks implements DirectoryDht {
  gets = 0
  constructor (private readonly walks: Step[][]) {}
  async * get (key: Uint8Array, _options?: AbortOptions): AsyncIterable<QueryEvent> {
    const steps = this.walks[Math.min(this.gets++, this.walks.length - 1)]
    for (const { from, value, fails, closer } of steps) {
      await Promise.resolve()
      if (fails === true) yield { name: 'QUERY_ERROR', from, error: new Error('refused') } as unknown as QueryEvent
      else yield { name: 'PEER_RESPONSE', messageName: 'GET_VALUE', from, closer: (closer ?? []).map(id => ({ id, multiaddrs: [] })), providers: [], ...(value != null ? { record: { key, value, timeReceived: new Date() } } : {}) } as unknown as QueryEvent
    }
  }

  async * put (): AsyncIterable<QueryEvent> {}
}

describe('lookup (unit)', () => {
  let hashes: DirectoryHashCache
  let keys: Awaited<ReturnType<typeof directoryKeysFor>>
  let peers: PeerId[]
  let alice: TestUser
  let bob: TestUser
  let carol: TestUser
  const verifier = makeVerifier()
  const options = (o: Partial<LookupOptions> = {}): LookupOptions => ({ hashes, now: NOW, negativeRecheckMs: 0, quorum: 0, ...o })

  beforeAll(async () => {
    const base = defaultProvider()
    hashes = new DirectoryHashCache(PARLEY_NETWORK_SALT, { ...base, scrypt: async (password: Uint8Array) => base.sha256(password) })
    keys = await directoryKeysFor(NUMBER, { hashes })
    peers = await Promise.all(Array.from({ length: 25 }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))))
    ;[alice, bob, carol] = await Promise.all([makeUser(undefined, NOW), makeUser(undefined, NOW), makeUser(undefined, NOW)])
  })

  afterEach(() => {
    vi.useRealTimers()
  })

  const record = async (user: TestUser, o: { seq?: number, attestedAt?: number, attestedBy?: typeof verifier, released?: boolean, handover?: Uint8Array, now?: number } = {}): Promise<Uint8Array> =>
    (await buildRecord(user.identity, NUMBER, o.released === true ? { devices: [], mailboxRelays: [] } : user.fields, {
      hashes,
      now: o.now ?? NOW - HOUR,
      seq: o.seq ?? 1,
      ...(o.attestedAt != null ? { attestations: [attest(o.attestedBy ?? verifier, keys.directoryKey, user.identity.publicKey, o.attestedAt)] } : {}),
      ...(o.released === true ? { released: true } : {}),
      ...(o.handover != null ? { handover: o.handover } : {})
    })).value

  it('reports each other identity once as a rival, verified when any of its records is; stats of the winner', async () => {
    const winner = await record(alice, { seq: 5, attestedAt: NOW - 3 * HOUR })
    const bobUnverified = await record(bob, { seq: 1 })
    const bobVerified = await record(bob, { seq: 2, attestedAt: NOW - HOUR })
    const carolOld = await record(carol, { seq: 1 })
    const aliceOld = await record(alice, { seq: 4, attestedAt: NOW - 3 * HOUR })
    const dht = new Walks([[
      { from: peers[0], value: bobUnverified, closer: [peers[1]] },
      { from: peers[1], value: winner },
      { from: peers[2], value: bobVerified },
      { from: peers[3], value: carolOld },
      { from: peers[3], value: aliceOld }
    ]])
    const r = await lookup(dht, NUMBER, options({ trustedVerifiers: [verifier.publicKey] }))
    expect(r.registered).toBe(true)
    if (!r.registered) return
    expect(r.identityKey).toEqual(alice.identity.publicKey)
    expect(r.verified).toBe(true)
    expect(r.seq).toBe(5)
    expect(r.rivals).toEqual([{ identityKey: bob.identity.publicKey, verified: true }, { identityKey: carol.identity.publicKey, verified: false }])
    expect(r.stats).toEqual({ peersQueried: 4, hops: 2, endedEarly: false })
    // without a trusted set nothing is verified
    const naive = await lookup(dht, NUMBER, options())
    expect(naive.registered && [naive.verified, naive.rivals.map(x => x.verified)]).toEqual([false, [false, false]])
  })

  it('the identity that handed the number over and a release record are no rivals', async () => {
    const handover = signHandover(bob.identity, { directoryKey: keys.directoryKey, newIdentityKey: alice.identity.publicKey, issuedAt: NOW - 2 * HOUR })
    const aliceNew = await record(alice, { seq: 1, handover })
    const bobLocked = await record(bob, { seq: 9, attestedAt: NOW - 5 * HOUR })
    const carolReleased = await record(carol, { seq: 3, released: true })
    const r = await lookup(new Walks([[{ from: peers[0], value: bobLocked }, { from: peers[1], value: aliceNew }, { from: peers[2], value: carolReleased }]]), NUMBER, options())
    expect(r.registered && r.identityKey).toEqual(alice.identity.publicKey)
    expect(r.registered && r.rivals).toEqual([])
  })

  it('the best record being a release says released, with its path length; a superseded release is skipped', async () => {
    const released = await record(alice, { seq: 2, released: true })
    const before = await record(alice, { seq: 1 })
    const r = await lookup(new Walks([[{ from: peers[0], value: before, closer: [peers[1]] }, { from: peers[1], value: released }]]), NUMBER, options())
    expect(r).toEqual({ registered: false, released: true, stats: { peersQueried: 2, hops: 2, endedEarly: false } })
    // a newer record after the release: registered again
    const after = await record(alice, { seq: 3 })
    const again = await lookup(new Walks([[{ from: peers[0], value: released }, { from: peers[1], value: after }]]), NUMBER, options())
    expect(again.registered && again.seq).toBe(3)
    // a release of an identity that loses to another identity's record is skipped
    const bobRecord = await record(bob, { seq: 1, attestedAt: NOW - HOUR })
    const other = await lookup(new Walks([[{ from: peers[0], value: bobRecord }, { from: peers[1], value: released }]]), NUMBER, options())
    expect(other.registered && other.identityKey).toEqual(bob.identity.publicKey)
    expect(other.registered && other.rivals).toEqual([])
  })

  it('ranks by the reader\'s trusted set: a record attested only by a verifier it does not trust loses to a trusted one, though older and locked', async () => {
    const rogue = makeVerifier()
    // both attested within the lock window: by any verifier, bob's older attestation keeps the number
    const bobRogue = await record(bob, { seq: 1, attestedAt: NOW - 3 * HOUR, attestedBy: rogue })
    const aliceTrusted = await record(alice, { seq: 1, attestedAt: NOW - HOUR })
    for (const order of [[bobRogue, aliceTrusted], [aliceTrusted, bobRogue]]) {
      const dht = new Walks([order.map((value, i) => ({ from: peers[i], value }))])
      const r = await lookup(dht, NUMBER, options({ trustedVerifiers: [verifier.publicKey] }))
      expect(r.registered && [r.identityKey, r.verified, r.rivals]).toEqual([alice.identity.publicKey, true, [{ identityKey: bob.identity.publicKey, verified: false }]])
      // a reader that trusts the rogue verifier as well sees bob's lock
      const both = await lookup(dht, NUMBER, options({ trustedVerifiers: [verifier.publicKey, rogue.publicKey] }))
      expect(both.registered && [both.identityKey, both.verified]).toEqual([bob.identity.publicKey, true])
    }
  })

  it('a release record ranked below a record that does not open is skipped as well: not registered', async () => {
    const mallory = await makeUser(undefined, NOW)
    // valid envelope, attested (so it ranks first), but its sealed bytes open under no key
    const unopenable = signEnvelope(mallory.identity, { seq: 1, issuedAt: NOW - HOUR, expiresAt: NOW + HOUR, attestations: [attest(verifier, keys.directoryKey, mallory.identity.publicKey, NOW - HOUR)], sealed: systemRandom(80) })
    const released = await record(carol, { seq: 1, released: true })
    for (const order of [[unopenable, released], [released, unopenable]]) {
      const r = await lookup(new Walks([order.map((value, i) => ({ from: peers[i], value }))]), NUMBER, options())
      expect(r).toEqual({ registered: false, stats: { peersQueried: 2, hops: 0, endedEarly: false } })
    }
  })

  it('an abort or the lookup\'s timeout during the pause before the second walk ends the lookup at once, without that walk', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    /** `p`'s outcome (its value or its error), watched from now on; settled() tells whether it has settled yet. */
    const watch = (p: Promise<unknown>): { settled: () => boolean, outcome: Promise<unknown> } => {
      let done = false
      const outcome = p.then(v => v, (e: unknown) => e).finally(() => { done = true })
      return { settled: () => done, outcome }
    }
    /** Lets the event loop turn (no timer moves) until `w` has settled; fails when it does not. */
    const settledNow = async (w: ReturnType<typeof watch>): Promise<unknown> => {
      for (let i = 0; i < 200 && !w.settled(); i++) await new Promise<void>(resolve => { setImmediate(resolve) })
      expect(w.settled()).toBe(true)
      return await w.outcome
    }
    const empty = (): Walks => new Walks([[{ from: peers[0] }, { from: peers[1], fails: true }]])
    const controller = new AbortController()
    const reason = new Error('the user left')
    const aborted = empty()
    const looking = watch(lookup(aborted, NUMBER, options({ negativeRecheckMs: 1000, signal: controller.signal })))
    await vi.advanceTimersByTimeAsync(500)
    expect(aborted.gets).toBe(1)
    controller.abort(reason)
    expect(await settledNow(looking)).toBe(reason)
    expect(aborted.gets).toBe(1)

    const slow = empty()
    const timing = watch(lookup(slow, NUMBER, options({ negativeRecheckMs: 1000, timeoutMs: 600 })))
    await vi.advanceTimersByTimeAsync(600)
    expect(await settledNow(timing)).toMatchObject({ name: 'DirectoryUnavailableError', message: 'directory lookup timed out', cause: { name: 'TimeoutError' } })
    expect(slow.gets).toBe(1)
  })

  it('walks again after negativeRecheckMs (1 s by default) only when nothing valid was met while a peer failed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const value = await record(alice)
    const dht = new Walks([[{ from: peers[0] }, { from: peers[1], fails: true }], [{ from: peers[2], value }, { from: peers[0], value }]])
    const found = lookup(dht, NUMBER, options({ negativeRecheckMs: undefined }))
    await vi.advanceTimersByTimeAsync(999)
    expect(dht.gets).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    const r = await found
    expect(dht.gets).toBe(2)
    expect(r.registered && r.stats).toEqual({ peersQueried: 2, hops: 1, endedEarly: false })
    vi.useRealTimers()

    // a valid record in the first walk, or no failure: one walk
    const once = new Walks([[{ from: peers[0], value }, { from: peers[1], fails: true }]])
    expect((await lookup(once, NUMBER, options())).registered).toBe(true)
    expect(once.gets).toBe(1)
    const clean = new Walks([[{ from: peers[0] }, { from: peers[1] }]])
    expect((await lookup(clean, NUMBER, options())).registered).toBe(false)
    expect(clean.gets).toBe(1)
    // an invalid value met does not count as an answer: walked again
    const junk = new Walks([[{ from: peers[0], value: new Uint8Array(5) }, { from: peers[1], fails: true }], [{ from: peers[0], value: new Uint8Array(5) }, { from: peers[3] }]])
    const negative = await lookup(junk, NUMBER, options())
    expect(junk.gets).toBe(2)
    expect(negative).toEqual({ registered: false, stats: { peersQueried: 2, hops: 0, endedEarly: false } })
  })

  it('a walk ended early by the quorum is trusted as it is', async () => {
    const dht = new Walks([[{ from: peers[0] }, { from: peers[1], fails: true }, { from: peers[2] }]])
    const r = await lookup(dht, NUMBER, options({ quorum: 1 }))
    expect(r).toEqual({ registered: false, stats: { peersQueried: 1, hops: 0, endedEarly: true } })
    expect(dht.gets).toBe(1)
  })

  it('a number that does not hash fails with the hash\'s error, with or without a hint', async () => {
    const dht = new Walks([[{ from: peers[0] }]])
    await expect(lookup(dht, 'not a number', options())).rejects.toMatchObject({ name: 'UnsupportedParameterError' })
    await expect(lookup(dht, 'not a number', options({ expectedKey: keys.directoryKey }))).rejects.toMatchObject({ name: 'UnsupportedParameterError' })
  })

  it('fails with DirectoryUnavailableError when nobody answered or on timeout; a value from our own store is an answer', async () => {
    await expect(lookup(new Walks([[{ from: peers[0], fails: true }]]), NUMBER, options())).rejects.toMatchObject({ name: 'DirectoryUnavailableError', message: 'no DHT peer answered the directory query' })
    const own: DirectoryDht = {
      async * get () { yield { name: 'VALUE', from: peers[0], value: new Uint8Array(5) } as unknown as QueryEvent },
      async * put () {}
    }
    expect(await lookup(own, NUMBER, options())).toEqual({ registered: false, stats: { peersQueried: 0, hops: 0, endedEarly: false } })
    const hanging: DirectoryDht = {
      // eslint-disable-next-line require-yield
      async * get (_k, o) {
        await new Promise((_resolve, reject) => o?.signal?.addEventListener('abort', () => reject(new Error('walk aborted'))))
      },
      async * put () {}
    }
    const err = await lookup(hanging, NUMBER, options({ timeoutMs: 1 })).catch((e: Error) => e)
    expect(err).toMatchObject({ name: 'DirectoryUnavailableError', message: 'directory lookup timed out' })
    // the cause is what the walk failed with once the timeout stopped it
    expect((err as Error).cause).toMatchObject({ message: 'walk aborted' })
  })

  it('the walk of an expected key ends by the quorum rule like any walk (LOOKUP_QUORUM by default)', async () => {
    const dht = new Walks([peers.map(from => ({ from }))])
    const r = await lookup(dht, NUMBER, options({ quorum: undefined, expectedKey: keys.directoryKey }))
    expect(r).toMatchObject({ registered: false, stats: { endedEarly: true, peersQueried: 20 } })
    expect(dht.gets).toBe(1)
  })

  it('the early walk stops with the lookup: on its timeout, and when the hint names another key', async () => {
    const signals: AbortSignal[] = []
    const value = await record(alice)
    const realKey = new TextDecoder().decode(keys.key)
    /** the real key answers; any other key's walk hangs until aborted and then fails, as kad-dht's does */
    const dht: DirectoryDht = {
      async * get (k, o) {
        if (new TextDecoder().decode(k) === realKey && o?.signal?.aborted !== true && signals.length > 0) {
          yield { name: 'PEER_RESPONSE', messageName: 'GET_VALUE', from: peers[0], closer: [], providers: [], record: { key: k, value } } as unknown as QueryEvent
          return
        }
        if (o?.signal != null) signals.push(o.signal)
        await new Promise((_resolve, reject) => o?.signal?.addEventListener('abort', () => reject(new Error('query aborted'))))
      },
      async * put () {}
    }
    // the hinted key is the real one but nobody answers: the lookup's timeout stops the early walk
    const err = await lookup(dht, NUMBER, options({ expectedKey: keys.directoryKey, timeoutMs: 1 })).catch((e: Error) => e)
    expect(err).toMatchObject({ name: 'DirectoryUnavailableError', message: 'directory lookup timed out' })
    expect(signals).toHaveLength(1)
    expect(signals[0].aborted).toBe(true)
    // a hint naming another key: its walk is abandoned (its failure is expected, not an unhandled rejection) and the real key answers
    const other = new Uint8Array(32).fill(7)
    expect(dhtKeyOf(other)).not.toBe(realKey)
    const r = await lookup(dht, NUMBER, options({ expectedKey: other }))
    expect(r.registered && r.identityKey).toEqual(alice.identity.publicKey)
    expect(signals).toHaveLength(2)
    expect(signals[1].aborted).toBe(true)
  })
})
