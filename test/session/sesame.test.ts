// Sesame behaviour: simultaneous initiation converges on one session; restart with LevelDB keeps sessions and prekeys.
import { describe, expect, it } from 'vitest'
import { initiate, Party, TestClock, text, untext } from './party.js'
import { levelBackend, memoryBackend } from '../helpers/storage.js'
import { SeededRandom } from '../helpers/seeded-random.js'

describe('Sesame session choice', () => {
  it('converges after simultaneous initiation', async () => {
    const rng = new SeededRandom(7)
    const clock = new TestClock()
    const alice = await Party.create('alice', memoryBackend(), rng, clock)
    const bob = await Party.create('bob', memoryBackend(), rng, clock)
    // both start a session to the other at once, and their first messages cross
    await initiate(alice, bob)
    await initiate(bob, alice)
    const a1 = await alice.sessions.encrypt(bob.address, text('a1'))
    const b1 = await bob.sessions.encrypt(alice.address, text('b1'))
    expect(untext((await bob.sessions.decrypt(alice.address, a1.body)).plaintext)).toBe('a1')
    expect(untext((await alice.sessions.decrypt(bob.address, b1.body)).plaintext)).toBe('b1')
    expect(await alice.sessions.sessionCount(bob.address)).toBe(2)
    expect(await bob.sessions.sessionCount(alice.address)).toBe(2)
    // they still cross once more: each decrypts on whichever session the other picked
    const a2 = await alice.sessions.encrypt(bob.address, text('a2'))
    const b2 = await bob.sessions.encrypt(alice.address, text('b2'))
    expect(untext((await bob.sessions.decrypt(alice.address, a2.body)).plaintext)).toBe('a2')
    expect(untext((await alice.sessions.decrypt(bob.address, b2.body)).plaintext)).toBe('b2')
    // one non-crossing round trip: the receiver adopts the sender's session, and the reply keeps it
    const a3 = await alice.sessions.encrypt(bob.address, text('a3'))
    await bob.sessions.decrypt(alice.address, a3.body)
    const b3 = await bob.sessions.encrypt(alice.address, text('b3'))
    await alice.sessions.decrypt(bob.address, b3.body)
    const active = await alice.sessions.activeSessionId(bob.address)
    expect(await bob.sessions.activeSessionId(alice.address)).toEqual(active)
    // and it stays converged
    for (let i = 0; i < 3; i++) {
      const a = await alice.sessions.encrypt(bob.address, text(`a${i}`))
      const b = await bob.sessions.encrypt(alice.address, text(`b${i}`))
      expect(a.kind).toBe('message')
      expect(b.kind).toBe('message')
      await bob.sessions.decrypt(alice.address, a.body)
      await alice.sessions.decrypt(bob.address, b.body)
      expect(await alice.sessions.activeSessionId(bob.address)).toEqual(active)
      expect(await bob.sessions.activeSessionId(alice.address)).toEqual(active)
    }
    await alice.dispose()
    await bob.dispose()
  })

  it('keeps sessions, prekeys and the replay guard across a LevelDB restart', async () => {
    const rng = new SeededRandom(11)
    const clock = new TestClock()
    const alice = await Party.create('alice', await levelBackend(), rng, clock)
    const bob = await Party.create('bob', await levelBackend(), rng, clock)
    const aliceKey = alice.address.identityKey
    await initiate(alice, bob)
    const first = await alice.sessions.encrypt(bob.address, text('first'))
    const inFlight = await alice.sessions.encrypt(bob.address, text('in flight'))
    const bundleBefore = await bob.preKeys.currentSignedPreKeys()
    const countBefore = await bob.preKeys.countOneTimePreKeys()

    await alice.restart()
    await bob.restart()
    expect(alice.address.identityKey).toEqual(aliceKey)
    expect(await bob.preKeys.currentSignedPreKeys()).toEqual(bundleBefore)
    expect(await bob.preKeys.countOneTimePreKeys()).toEqual(countBefore)

    expect(untext((await bob.sessions.decrypt(alice.address, first.body)).plaintext)).toBe('first')
    await bob.restart()
    expect(untext((await bob.sessions.decrypt(alice.address, inFlight.body)).plaintext)).toBe('in flight')
    const reply = await bob.sessions.encrypt(alice.address, text('reply'))
    await alice.restart()
    expect(untext((await alice.sessions.decrypt(bob.address, reply.body)).plaintext)).toBe('reply')
    const next = await alice.sessions.encrypt(bob.address, text('next'))
    expect(next.kind).toBe('message')
    await bob.restart()
    expect(untext((await bob.sessions.decrypt(alice.address, next.body)).plaintext)).toBe('next')

    // a used one-time prekey is gone and a processed first message stays refused after restart
    expect(await bob.preKeys.countOneTimePreKeys()).toEqual({ oneTime: countBefore.oneTime - 1, oneTimeKem: countBefore.oneTimeKem - 1 })
    await bob.sessions.deleteSessions(alice.address)
    await bob.restart()
    await expect(bob.sessions.decrypt(alice.address, first.body)).rejects.toHaveProperty('name', 'ReplayedMessageError')
    // a bundle handed out before the restart is not handed out again
    const b1 = await bob.preKeys.createBundle()
    await bob.restart()
    const b2 = await bob.preKeys.createBundle()
    expect(b2.oneTimePreKey?.id).not.toBe(b1.oneTimePreKey?.id)
    await alice.dispose()
    await bob.dispose()
  })
})
