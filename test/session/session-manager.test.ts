// SessionManager: first messages, replies, several sessions, replay refusal, failed decrypt leaves storage unchanged, serial queue, restart.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MAX_UNACKNOWLEDGED_SESSION_AGE_MS, REPLAY_CLOCK_SKEW_MS, StaleSessionError } from '../../src/session/index.js'
import { MAX_SESSIONS_PER_ADDRESS, SIGNED_PRE_KEY_RETENTION_MS } from '../../src/storage/index.js'
import { initiate, Party, TestClock, text, untext } from './party.js'
import { memoryBackend } from '../helpers/storage.js'
import { SeededRandom } from '../helpers/seeded-random.js'

describe('SessionManager', () => {
  let rng: SeededRandom
  let clock: TestClock
  let alice: Party
  let bob: Party

  beforeEach(async () => {
    rng = new SeededRandom(1)
    clock = new TestClock()
    alice = await Party.create('alice', memoryBackend(), rng, clock)
    bob = await Party.create('bob', memoryBackend(), rng, clock)
  })
  afterEach(async () => {
    await alice.dispose()
    await bob.dispose()
  })

  it('sends prekey messages until the first reply, then normal messages', async () => {
    await initiate(alice, bob)
    const m1 = await alice.sessions.encrypt(bob.address, text('hi'))
    const m2 = await alice.sessions.encrypt(bob.address, text('there'))
    expect(m1.kind).toBe('prekey')
    expect(m2.kind).toBe('prekey')
    const before = await bob.preKeys.countOneTimePreKeys()
    const d2 = await bob.sessions.decrypt(alice.address, m2.body)
    expect(untext(d2.plaintext)).toBe('there')
    expect(d2.newSession).toBe(true)
    expect(await bob.preKeys.countOneTimePreKeys()).toEqual({ oneTime: before.oneTime - 1, oneTimeKem: before.oneTimeKem - 1 })
    const d1 = await bob.sessions.decrypt(alice.address, m1.body)
    expect(untext(d1.plaintext)).toBe('hi')
    expect(d1.newSession).toBe(false)
    expect(await bob.sessions.sessionCount(alice.address)).toBe(1)

    const r = await bob.sessions.encrypt(alice.address, text('hello'))
    expect(r.kind).toBe('message')
    expect(untext((await alice.sessions.decrypt(bob.address, r.body)).plaintext)).toBe('hello')
    const m3 = await alice.sessions.encrypt(bob.address, text('again'))
    expect(m3.kind).toBe('message')
    expect(untext((await bob.sessions.decrypt(alice.address, m3.body)).plaintext)).toBe('again')
  })

  it('refuses to encrypt or decrypt a normal message without a session', async () => {
    await expect(alice.sessions.encrypt(bob.address, text('x'))).rejects.toHaveProperty('name', 'NoSessionError')
    await initiate(alice, bob)
    const m = await alice.sessions.encrypt(bob.address, text('x'))
    await bob.sessions.decrypt(alice.address, m.body)
    const reply = await bob.sessions.encrypt(alice.address, text('y'))
    const carol = await Party.create('carol', memoryBackend(), rng, clock, 0)
    await expect(carol.sessions.decrypt(bob.address, reply.body)).rejects.toHaveProperty('name', 'NoSessionError')
    await carol.dispose()
  })

  it('leaves the stored sessions byte-identical when a decrypt fails', async () => {
    await initiate(alice, bob)
    const first = await alice.sessions.encrypt(bob.address, text('a'))
    await bob.sessions.decrypt(alice.address, first.body)
    const reply = await bob.sessions.encrypt(alice.address, text('b'))
    await alice.sessions.decrypt(bob.address, reply.body)
    const m = await alice.sessions.encrypt(bob.address, text('c'))

    const snapshot = await bob.storage.sessions.loadSessions(alice.address)
    const tampered = new Uint8Array(m.body)
    tampered[tampered.length - 1] ^= 1
    await expect(bob.sessions.decrypt(alice.address, tampered)).rejects.toHaveProperty('name', 'DecryptionError')
    expect(await bob.storage.sessions.loadSessions(alice.address)).toEqual(snapshot)

    await bob.sessions.decrypt(alice.address, m.body)
    const after = await bob.storage.sessions.loadSessions(alice.address)
    await expect(bob.sessions.decrypt(alice.address, m.body)).rejects.toHaveProperty('name', 'DuplicateMessageError')
    expect(await bob.storage.sessions.loadSessions(alice.address)).toEqual(after)
    await expect(bob.sessions.decrypt(alice.address, first.body)).rejects.toHaveProperty('name', 'DuplicateMessageError')
    expect(await bob.storage.sessions.loadSessions(alice.address)).toEqual(after)
  })

  it('refuses a replayed first message even after the session is gone', async () => {
    await initiate(alice, bob)
    const m = await alice.sessions.encrypt(bob.address, text('once'))
    await bob.sessions.decrypt(alice.address, m.body)
    await bob.sessions.deleteSessions(alice.address)
    await expect(bob.sessions.decrypt(alice.address, m.body)).rejects.toHaveProperty('name', 'ReplayedMessageError')
    expect(await bob.sessions.sessionCount(alice.address)).toBe(0)
    // the mark stays while the signed prekey the message used (or an older one) is held
    clock.advance(60 * 24 * 3600 * 1000)
    expect(await bob.sessions.pruneReplayMarks()).toBe(0)
    await expect(bob.sessions.decrypt(alice.address, m.body)).rejects.toHaveProperty('name', 'ReplayedMessageError')
    // rotated twice and pruned past retention: the old key is gone, so is the mark, and the message cannot be processed anyway
    await bob.preKeys.rotateSignedPreKeys()
    clock.advance(SIGNED_PRE_KEY_RETENTION_MS + REPLAY_CLOCK_SKEW_MS + 1)
    await bob.preKeys.rotateSignedPreKeys()
    expect(await bob.sessions.pruneReplayMarks()).toBe(1)
    await expect(bob.sessions.decrypt(alice.address, m.body)).rejects.toHaveProperty('name', 'MissingPreKeyError')
  })

  it('refuses a first message claimed by another address', async () => {
    const carol = await Party.create('carol', memoryBackend(), rng, clock, 0)
    await initiate(alice, bob)
    const m = await alice.sessions.encrypt(bob.address, text('x'))
    await expect(bob.sessions.decrypt(carol.address, m.body)).rejects.toThrow(expect.objectContaining({ name: 'IdentityMismatchError', message: 'First message is from another identity' }))
    await expect(alice.sessions.processPreKeyBundle(carol.address, await bob.preKeys.createBundle())).rejects.toHaveProperty('name', 'IdentityMismatchError')
    await carol.dispose()
  })

  it('keeps older sessions for messages in flight; the newest sends', async () => {
    await initiate(alice, bob)
    const old1 = await alice.sessions.encrypt(bob.address, text('old1'))
    const oldId = await alice.sessions.activeSessionId(bob.address)
    await initiate(alice, bob)
    const new1 = await alice.sessions.encrypt(bob.address, text('new1'))
    expect(await alice.sessions.activeSessionId(bob.address)).not.toEqual(oldId)
    expect(await alice.sessions.sessionCount(bob.address)).toBe(2)
    expect(untext((await bob.sessions.decrypt(alice.address, new1.body)).plaintext)).toBe('new1')
    expect(untext((await bob.sessions.decrypt(alice.address, old1.body)).plaintext)).toBe('old1')
    expect(await bob.sessions.sessionCount(alice.address)).toBe(2)
  })

  it(`keeps at most MAX_SESSIONS_PER_ADDRESS sessions; a first message of an evicted one is refused as a replay`, async () => {
    const first: Uint8Array[] = []
    for (let i = 0; i < MAX_SESSIONS_PER_ADDRESS + 2; i++) {
      await alice.sessions.processPreKeyBundle(bob.address, await bob.preKeys.createBundle())
      const m = await alice.sessions.encrypt(bob.address, text(`s${i}`))
      const m2 = await alice.sessions.encrypt(bob.address, text(`s${i}b`))
      expect(untext((await bob.sessions.decrypt(alice.address, m.body)).plaintext)).toBe(`s${i}`)
      first.push(m2.body)
    }
    expect(await alice.sessions.sessionCount(bob.address)).toBe(MAX_SESSIONS_PER_ADDRESS)
    expect(await bob.sessions.sessionCount(alice.address)).toBe(MAX_SESSIONS_PER_ADDRESS)
    // the oldest two are gone on both sides; the rest still decrypt
    await expect(bob.sessions.decrypt(alice.address, first[0])).rejects.toHaveProperty('name', 'ReplayedMessageError')
    for (let i = 2; i < first.length; i++) expect(untext((await bob.sessions.decrypt(alice.address, first[i])).plaintext)).toBe(`s${i}b`)
  })

  it('asks for a new bundle when the active session got no reply for too long', async () => {
    await initiate(alice, bob)
    await alice.sessions.encrypt(bob.address, text('unanswered'))
    clock.advance(MAX_UNACKNOWLEDGED_SESSION_AGE_MS + 1)
    const before = await alice.storage.sessions.loadSessions(bob.address)
    await expect(alice.sessions.encrypt(bob.address, text('x'))).rejects.toBeInstanceOf(StaleSessionError)
    expect(await alice.storage.sessions.loadSessions(bob.address)).toEqual(before)
    await initiate(alice, bob)
    const fresh = await alice.sessions.encrypt(bob.address, text('fresh'))
    expect(untext((await bob.sessions.decrypt(alice.address, fresh.body)).plaintext)).toBe('fresh')
    // an answered session never goes stale
    const reply = await bob.sessions.encrypt(alice.address, text('reply'))
    await alice.sessions.decrypt(bob.address, reply.body)
    clock.advance(10 * MAX_UNACKNOWLEDGED_SESSION_AGE_MS)
    expect((await alice.sessions.encrypt(bob.address, text('later'))).kind).toBe('message')
  })

  it('still sends at exactly MAX_UNACKNOWLEDGED_SESSION_AGE_MS without a reply, not a millisecond later', async () => {
    await initiate(alice, bob)
    clock.advance(MAX_UNACKNOWLEDGED_SESSION_AGE_MS)
    expect((await alice.sessions.encrypt(bob.address, text('just in time'))).kind).toBe('prekey')
    clock.advance(1)
    await expect(alice.sessions.encrypt(bob.address, text('too late'))).rejects.toBeInstanceOf(StaleSessionError)
  })

  it('a copy of a message already read is refused as a duplicate, though a newer session tried it first and failed otherwise', async () => {
    await initiate(alice, bob)
    const first = await alice.sessions.encrypt(bob.address, text('first'))
    await bob.sessions.decrypt(alice.address, first.body)
    await alice.sessions.decrypt(bob.address, (await bob.sessions.encrypt(alice.address, text('reply'))).body)
    const old = await alice.sessions.encrypt(bob.address, text('old session'))
    expect(old.kind).toBe('message')
    expect(untext((await bob.sessions.decrypt(alice.address, old.body)).plaintext)).toBe('old session')
    // a second session, newest first at bob's: it cannot read the old session's message
    await initiate(alice, bob)
    await bob.sessions.decrypt(alice.address, (await alice.sessions.encrypt(bob.address, text('new session'))).body)
    expect(await bob.sessions.sessionCount(alice.address)).toBe(2)
    await expect(bob.sessions.decrypt(alice.address, old.body)).rejects.toHaveProperty('name', 'DuplicateMessageError')
  })

  it('works without one-time prekeys (last-resort ML-KEM key, no one-time X25519 key)', async () => {
    const dave = await Party.create('dave', memoryBackend(), rng, clock, 0)
    const bundle = await dave.preKeys.createBundle()
    expect(bundle.oneTimePreKey).toBeUndefined()
    expect(bundle.kemPreKey.lastResort).toBe(true)
    await alice.sessions.processPreKeyBundle(dave.address, bundle)
    const m = await alice.sessions.encrypt(dave.address, text('lr'))
    expect(untext((await dave.sessions.decrypt(alice.address, m.body)).plaintext)).toBe('lr')
    // the last-resort key stays for the next initiator
    await bob.sessions.processPreKeyBundle(dave.address, await dave.preKeys.createBundle())
    const m2 = await bob.sessions.encrypt(dave.address, text('lr2'))
    expect(untext((await dave.sessions.decrypt(bob.address, m2.body)).plaintext)).toBe('lr2')
    await dave.dispose()
  })

  it('accepts first messages on a rotated signed prekey within retention, not after', async () => {
    await initiate(alice, bob)
    const m = await alice.sessions.encrypt(bob.address, text('late'))
    clock.advance(8 * 24 * 3600 * 1000)
    expect(await bob.preKeys.rotateSignedPreKeys()).toBe(true)
    expect(untext((await bob.sessions.decrypt(alice.address, m.body)).plaintext)).toBe('late')

    const carol = await Party.create('carol', memoryBackend(), rng, clock, 0)
    await initiate(carol, bob)
    const tooLate = await carol.sessions.encrypt(bob.address, text('too late'))
    clock.advance(8 * 24 * 3600 * 1000)
    await bob.preKeys.rotateSignedPreKeys()
    // the key carol used was replaced just now: it stays for the retention window, then goes
    clock.advance(SIGNED_PRE_KEY_RETENTION_MS)
    await bob.preKeys.rotateSignedPreKeys()
    const snapshot = await bob.storage.preKeys.listPreKeys('signed')
    clock.advance(1)
    await bob.preKeys.rotateSignedPreKeys()
    expect((await bob.storage.preKeys.listPreKeys('signed')).length).toBe(snapshot.length - 1)
    await expect(bob.sessions.decrypt(carol.address, tooLate.body)).rejects.toHaveProperty('name', 'MissingPreKeyError')
    expect(await bob.sessions.sessionCount(carol.address)).toBe(0)
    await carol.dispose()
  })

  it('serialises concurrent operations on one address', async () => {
    await initiate(alice, bob)
    // concurrent encrypts must each advance the chain: no two share a message key
    const messages = await Promise.all(Array.from({ length: 20 }, async (_, i) => await alice.sessions.encrypt(bob.address, text(`m${i}`))))
    for (const [i, m] of messages.entries()) expect(untext((await bob.sessions.decrypt(alice.address, m.body)).plaintext)).toBe(`m${i}`)
    expect(await bob.sessions.sessionCount(alice.address)).toBe(1)
    // concurrent decrypts must each commit: afterwards every message is a duplicate
    const reply = await bob.sessions.encrypt(alice.address, text('r'))
    await alice.sessions.decrypt(bob.address, reply.body)
    const normal = [] as Uint8Array[]
    for (let i = 0; i < 20; i++) normal.push((await alice.sessions.encrypt(bob.address, text(`n${i}`))).body)
    const plain = await Promise.all(normal.map(async m => untext((await bob.sessions.decrypt(alice.address, m)).plaintext)))
    expect(plain).toEqual(Array.from({ length: 20 }, (_, i) => `n${i}`))
    for (const m of normal) await expect(bob.sessions.decrypt(alice.address, m)).rejects.toHaveProperty('name', 'DuplicateMessageError')
  })

  it('honours an aborted signal before touching storage', async () => {
    await initiate(alice, bob)
    const before = await alice.storage.sessions.loadSessions(bob.address)
    await expect(alice.sessions.encrypt(bob.address, text('x'), { signal: AbortSignal.abort() })).rejects.toHaveProperty('name', 'AbortError')
    expect(await alice.storage.sessions.loadSessions(bob.address)).toEqual(before)
  })

  it('commits nothing when beforeCommit fails, so the same ciphertext decrypts again (first and later messages)', async () => {
    await initiate(alice, bob)
    const first = await alice.sessions.encrypt(bob.address, text('first'))
    const refuse = async (): Promise<void> => { throw Object.assign(new Error('disk full'), { name: 'DiskFullError' }) }
    const sessionsBefore = await bob.storage.sessions.loadSessions(alice.address)
    const keysBefore = await bob.preKeys.countOneTimePreKeys()
    await expect(bob.sessions.decrypt(alice.address, first.body, { beforeCommit: refuse })).rejects.toHaveProperty('name', 'DiskFullError')
    expect(await bob.storage.sessions.loadSessions(alice.address)).toEqual(sessionsBefore)
    expect(await bob.preKeys.countOneTimePreKeys()).toEqual(keysBefore)
    const seen: Array<[string, boolean]> = []
    const d1 = await bob.sessions.decrypt(alice.address, first.body, { beforeCommit: async (p, n) => { seen.push([untext(p), n]) } })
    expect(untext(d1.plaintext)).toBe('first')
    expect(seen).toEqual([['first', true]])

    const reply = await bob.sessions.encrypt(alice.address, text('reply'))
    await alice.sessions.decrypt(bob.address, reply.body)
    const later = await alice.sessions.encrypt(bob.address, text('later'))
    await expect(bob.sessions.decrypt(alice.address, later.body, { beforeCommit: refuse })).rejects.toHaveProperty('name', 'DiskFullError')
    expect(untext((await bob.sessions.decrypt(alice.address, later.body)).plaintext)).toBe('later')
  })

  it('commits nothing when beforeCommit fails on a later first message of a session already built from its base key', async () => {
    await initiate(alice, bob)
    const m1 = await alice.sessions.encrypt(bob.address, text('one'))
    const m2 = await alice.sessions.encrypt(bob.address, text('two'))
    expect(m2.kind).toBe('prekey')
    expect((await bob.sessions.decrypt(alice.address, m1.body)).newSession).toBe(true)
    const sessionsBefore = await bob.storage.sessions.loadSessions(alice.address)
    const refuse = async (): Promise<void> => { throw Object.assign(new Error('disk full'), { name: 'DiskFullError' }) }
    await expect(bob.sessions.decrypt(alice.address, m2.body, { beforeCommit: refuse })).rejects.toHaveProperty('name', 'DiskFullError')
    expect(await bob.storage.sessions.loadSessions(alice.address)).toEqual(sessionsBefore)
    // not committed: the same ciphertext decrypts again on the same (existing) session
    const seen: Array<[string, boolean]> = []
    const d2 = await bob.sessions.decrypt(alice.address, m2.body, { beforeCommit: async (p, n) => { seen.push([untext(p), n]) } })
    expect(untext(d2.plaintext)).toBe('two')
    expect(d2.newSession).toBe(false)
    expect(seen).toEqual([['two', false]])
    expect(await bob.sessions.sessionCount(alice.address)).toBe(1)
  })
})
