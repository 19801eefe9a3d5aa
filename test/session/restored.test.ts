// Sessions restored from a backup: they decrypt what the contact sends on them but never encrypt; the first send starts a new session the contact accepts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { markSessionsRestored, RestoredSessionError, SessionRecord } from '../../src/session/index.js'
import { initiate, Party, TestClock, text, untext } from './party.js'
import { memoryBackend } from '../helpers/storage.js'
import { SeededRandom } from '../helpers/seeded-random.js'

describe('restored sessions', () => {
  let rng: SeededRandom
  let clock: TestClock
  let alice: Party
  let bob: Party

  beforeEach(async () => {
    rng = new SeededRandom(7)
    clock = new TestClock()
    alice = await Party.create('alice', memoryBackend(), rng, clock)
    bob = await Party.create('bob', memoryBackend(), rng, clock)
  })
  afterEach(async () => {
    await alice.dispose()
    await bob.dispose()
  })

  /** alice and bob talk, alice's sessions are snapshotted, alice sends 3 more that bob reads, bob replies; returns the snapshot and the reply. */
  async function talkPastSnapshot (): Promise<{ snapshot: Uint8Array[], reply: Uint8Array }> {
    await initiate(alice, bob)
    await bob.sessions.decrypt(alice.address, (await alice.sessions.encrypt(bob.address, text('hi'))).body)
    await alice.sessions.decrypt(bob.address, (await bob.sessions.encrypt(alice.address, text('hello'))).body)
    const snapshot = await alice.storage.sessions.loadSessions(bob.address)
    for (const t of ['a', 'b', 'c']) await bob.sessions.decrypt(alice.address, (await alice.sessions.encrypt(bob.address, text(t))).body)
    const reply = (await bob.sessions.encrypt(alice.address, text('reply'))).body
    return { snapshot, reply }
  }

  it('without the mark, the restored state resends message numbers the contact has seen: dropped as duplicates', async () => {
    const { snapshot } = await talkPastSnapshot()
    await alice.storage.sessions.storeSessions(bob.address, snapshot)
    const again = await alice.sessions.encrypt(bob.address, text('after restore'))
    await expect(bob.sessions.decrypt(alice.address, again.body)).rejects.toHaveProperty('name', 'DuplicateMessageError')
  })

  it('marked restored: decrypts the contact\'s reply, refuses to encrypt, and a new session from a fresh bundle gets through both ways', async () => {
    const { snapshot, reply } = await talkPastSnapshot()
    await alice.storage.sessions.storeSessions(bob.address, snapshot)
    expect(await markSessionsRestored(alice.storage.sessions)).toBe(1)
    expect(SessionRecord.fromStored(await alice.storage.sessions.loadSessions(bob.address)).isRestored(0)).toBe(true)

    // the contact's reply on the old session is still readable (its chain is reachable from the backup)
    expect(untext((await alice.sessions.decrypt(bob.address, reply)).plaintext)).toBe('reply')
    expect(await alice.sessions.canEncrypt(bob.address)).toBe(false)
    const before = await alice.storage.sessions.loadSessions(bob.address)
    const refused = alice.sessions.encrypt(bob.address, text('x'))
    await expect(refused).rejects.toBeInstanceOf(RestoredSessionError)
    await expect(refused).rejects.toHaveProperty('name', 'RestoredSessionError')
    expect(await alice.storage.sessions.loadSessions(bob.address)).toEqual(before)

    await initiate(alice, bob)
    expect(await alice.sessions.canEncrypt(bob.address)).toBe(true)
    const first = await alice.sessions.encrypt(bob.address, text('after restore'))
    expect(first.kind).toBe('prekey')
    const got = await bob.sessions.decrypt(alice.address, first.body)
    expect(untext(got.plaintext)).toBe('after restore')
    expect(got.newSession).toBe(true)
    // bob answers on the new session (the newest is active) and alice keeps sending there
    const answer = await bob.sessions.encrypt(alice.address, text('welcome back'))
    expect(untext((await alice.sessions.decrypt(bob.address, answer.body)).plaintext)).toBe('welcome back')
    const next = await alice.sessions.encrypt(bob.address, text('next'))
    expect(next.kind).toBe('message')
    expect(untext((await bob.sessions.decrypt(alice.address, next.body)).plaintext)).toBe('next')
    expect(await alice.sessions.activeSessionId(bob.address)).toEqual(await bob.sessions.activeSessionId(alice.address))
  })

  it('a restored session that decrypts moves to the front but encrypt keeps using the newest sendable one', async () => {
    const { snapshot, reply } = await talkPastSnapshot()
    await alice.storage.sessions.storeSessions(bob.address, snapshot)
    await markSessionsRestored(alice.storage.sessions)
    await initiate(alice, bob)
    const fresh = await alice.sessions.activeSessionId(bob.address)
    // the old session receives after the new one was made: Sesame promotes it, yet it must not send
    await alice.sessions.decrypt(bob.address, reply)
    expect(await alice.sessions.activeSessionId(bob.address)).not.toEqual(fresh)
    const m = await alice.sessions.encrypt(bob.address, text('on the new session'))
    expect(m.kind).toBe('prekey')
    expect(await alice.sessions.activeSessionId(bob.address)).toEqual(fresh)
    expect(untext((await bob.sessions.decrypt(alice.address, m.body)).plaintext)).toBe('on the new session')
    expect(await alice.sessions.sessionCount(bob.address)).toBe(2)
  })

  it('reads version-1 entries (no flags) as sendable', async () => {
    await initiate(alice, bob)
    const [entry] = await alice.storage.sessions.loadSessions(bob.address)
    expect(entry[0]).toBe(2)
    const v1 = new Uint8Array(entry.length - 1)
    v1.set(entry.subarray(0, 9))
    v1[0] = 1
    v1.set(entry.subarray(10), 9)
    await alice.storage.sessions.storeSessions(bob.address, [v1])
    const m = await alice.sessions.encrypt(bob.address, text('old format'))
    expect(untext((await bob.sessions.decrypt(alice.address, m.body)).plaintext)).toBe('old format')
    // an unreadable record elsewhere is left as it is and does not stop the marking
    const stranger = { identityKey: new Uint8Array(32).fill(3), deviceId: 1 }
    await alice.storage.sessions.storeSessions(stranger, [new Uint8Array([9, 9])])
    await expect(markSessionsRestored(alice.storage.sessions)).resolves.toBe(1)
    expect(await alice.storage.sessions.loadSessions(stranger)).toEqual([new Uint8Array([9, 9])])
    await expect(alice.sessions.encrypt(bob.address, text('x'))).rejects.toHaveProperty('name', 'RestoredSessionError')
  })
})
