// Crash consistency: a process dying at every write of a first message, an encrypt or a prekey batch leaves state that recovers without key reuse or double sessions.
import { describe, expect, it } from 'vitest'
import type { KeyValueStore, Storage } from '../../src/storage/index.js'
import { initiate, Party, TestClock, text, untext } from './party.js'
import { memoryBackend } from '../helpers/storage.js'
import { SeededRandom } from '../helpers/seeded-random.js'

class SimulatedCrash extends Error {
  static name = 'SimulatedCrash'
  constructor () {
    super('simulated crash')
    this.name = SimulatedCrash.name
  }
}

/** A view of storage whose writes fail, unapplied, once `writes` of them have gone through: a process dying at that point. */
function crashAfter (storage: Storage, writes: number): Storage {
  let left = writes
  const gate = (): void => {
    if (left <= 0) throw new SimulatedCrash()
    left--
  }
  const guard = <T extends object>(store: T, methods: string[]): T => new Proxy(store, {
    get (target, prop) {
      const value = Reflect.get(target, prop, target) as unknown
      if (typeof value !== 'function') return value
      const fn = (value as (...args: unknown[]) => unknown).bind(target)
      if (!methods.includes(String(prop))) return fn
      return async (...args: unknown[]) => {
        gate()
        return await fn(...args)
      }
    }
  })
  return {
    identity: guard(storage.identity, ['saveLocalIdentity', 'saveRemoteIdentity']),
    preKeys: guard(storage.preKeys, ['storePreKey', 'removePreKey', 'prunePreKeys']),
    sessions: guard(storage.sessions, ['storeSessions', 'deleteSessions', 'deleteAllSessions']),
    senderKeys: guard(storage.senderKeys, ['storeSenderKey', 'removeSenderKey', 'removeGroup']),
    replay: guard(storage.replay, ['markSeen', 'pruneSeenBefore']),
    outbox: guard(storage.outbox, ['put', 'delete']),
    messages: guard(storage.messages, ['addIncoming', 'addOutgoing', 'updateStatus', 'markRead', 'deleteMessage', 'pruneSeen']),
    kv: (name: string): KeyValueStore => guard(storage.kv(name), ['put', 'del', 'batch']),
    kind: storage.kind,
    entries: (options) => storage.entries(options),
    replaceAll: async (entries, options) => { gate(); await storage.replaceAll(entries, options) },
    close: async () => { await storage.close() }
  }
}

async function pair (seed: number): Promise<{ alice: Party, bob: Party }> {
  const clock = new TestClock()
  const alice = await Party.create('alice', memoryBackend(), new SeededRandom(seed), clock)
  const bob = await Party.create('bob', memoryBackend(), new SeededRandom(seed + 1), clock)
  return { alice, bob }
}

describe('crash consistency', () => {
  it('recovers from a crash at every write of processing a first message', async () => {
    // writes of a first message: session, replay mark, one-time X25519 removal, one-time ML-KEM removal
    for (let writes = 0; writes <= 4; writes++) {
      const { alice, bob } = await pair(100 + writes)
      await initiate(alice, bob)
      const m1 = await alice.sessions.encrypt(bob.address, text('m1'))
      const m2 = await alice.sessions.encrypt(bob.address, text('m2'))
      const healthy = bob.storage
      await bob.useStorage(crashAfter(healthy, writes))
      const attempt = bob.sessions.decrypt(alice.address, m1.body)
      if (writes < 4) await expect(attempt).rejects.toBeInstanceOf(SimulatedCrash)
      else expect(untext((await attempt).plaintext)).toBe('m1')
      await bob.useStorage(healthy) // restart

      const again = bob.sessions.decrypt(alice.address, m1.body)
      if (writes === 0) {
        // nothing was written: the retry processes the message normally
        expect(untext((await again).plaintext)).toBe('m1')
      } else {
        // the session exists: the retry meets it and is a duplicate, never a second session
        await expect(again).rejects.toHaveProperty('name', 'DuplicateMessageError')
      }
      expect(untext((await bob.sessions.decrypt(alice.address, m2.body)).plaintext)).toBe('m2')
      expect(await bob.sessions.sessionCount(alice.address)).toBe(1)
      const reply = await bob.sessions.encrypt(alice.address, text('reply'))
      expect(untext((await alice.sessions.decrypt(bob.address, reply.body)).plaintext)).toBe('reply')
      await alice.dispose()
      await bob.dispose()
    }
  })

  it('never reuses a message key when encrypt crashes before its commit', async () => {
    const { alice, bob } = await pair(200)
    await initiate(alice, bob)
    const first = await alice.sessions.encrypt(bob.address, text('first'))
    await bob.sessions.decrypt(alice.address, first.body)
    const healthy = alice.storage
    await alice.useStorage(crashAfter(healthy, 0))
    await expect(alice.sessions.encrypt(bob.address, text('lost'))).rejects.toBeInstanceOf(SimulatedCrash)
    await alice.useStorage(healthy)
    const next = await alice.sessions.encrypt(bob.address, text('next'))
    const after = await alice.sessions.encrypt(bob.address, text('after'))
    expect(untext((await bob.sessions.decrypt(alice.address, after.body)).plaintext)).toBe('after')
    expect(untext((await bob.sessions.decrypt(alice.address, next.body)).plaintext)).toBe('next')
    await alice.dispose()
    await bob.dispose()
  })

  it('never reuses a prekey id after a crash in the middle of a batch', async () => {
    const { alice, bob } = await pair(300)
    const before = (await bob.storage.preKeys.listPreKeys('one-time')).map(e => e.id)
    const healthy = bob.storage
    // the id counters are written first, then some keys; the crash hits in the middle
    await bob.useStorage(crashAfter(healthy, 3))
    await expect(bob.preKeys.generateOneTimePreKeys(5)).rejects.toBeInstanceOf(SimulatedCrash)
    await bob.useStorage(healthy)
    const partial = (await bob.storage.preKeys.listPreKeys('one-time')).map(e => e.id).filter(id => !before.includes(id))
    expect(partial.length).toBeGreaterThan(0)
    const batch = await bob.preKeys.generateOneTimePreKeys(5)
    for (const k of batch.oneTimePreKeys) expect([...before, ...partial]).not.toContain(k.id)
    await alice.dispose()
    await bob.dispose()
  })
})
