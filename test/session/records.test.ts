// Session-layer small parts: error classes, address helpers, the stored session entry and local identity formats, prekey counts.
import { describe, expect, it, vi } from 'vitest'
import {
  addressToString, decodeLocalIdentity, encodeLocalIdentity, encodeSessionEntry, GroupMismatchError, IdentityMismatchError,
  loadOrCreateLocalIdentity, markSessionsRestored, MAX_ONE_TIME_PRE_KEY_BATCH, NoSessionError, PreKeyManager, RestoredSessionError, sameAddress,
  SessionRecord, StaleSessionError
} from '../../src/session/index.js'
import { IdentityKeyPair } from '../../src/crypto/index.js'
import { createMemoryStorage, MAX_SESSIONS_PER_ADDRESS } from '../../src/storage/index.js'
import { initiate, Party, TestClock, text } from './party.js'
import { memoryBackend } from '../helpers/storage.js'
import { SeededRandom } from '../helpers/seeded-random.js'

describe('session errors', () => {
  it.each([
    [NoSessionError, 'No session with this address'],
    [IdentityMismatchError, 'Identity key does not match the address'],
    [GroupMismatchError, 'Message is for another group'],
    [StaleSessionError, 'Session got no reply for too long: fetch a new prekey bundle'],
    [RestoredSessionError, 'Sessions restored from a backup do not send: fetch a new prekey bundle']
  ] as const)('%o has its name and a fixed default message', (Class, message) => {
    const error = new Class()
    expect(error.name).toBe(Class.name)
    expect(error.message).toBe(message)
    expect(new Class('given').message).toBe('given')
  })
})

describe('addresses', () => {
  const key = new Uint8Array(32).fill(0xab)
  it('print as hex identity and device id, and refuse malformed addresses', () => {
    expect(addressToString({ identityKey: key, deviceId: 7 })).toBe(`${'ab'.repeat(32)}.7`)
    expect(() => addressToString({ identityKey: key, deviceId: -1 })).toThrow()
  })
  it('are the same only with the same device id and identity key', () => {
    expect(sameAddress({ identityKey: key, deviceId: 1 }, { identityKey: key.slice(), deviceId: 1 })).toBe(true)
    expect(sameAddress({ identityKey: key, deviceId: 1 }, { identityKey: key, deviceId: 2 })).toBe(false)
    expect(sameAddress({ identityKey: key, deviceId: 1 }, { identityKey: new Uint8Array(32), deviceId: 1 })).toBe(false)
  })
})

describe('stored session entries', () => {
  const corrupt = { name: 'CorruptRecordError' }
  it('keep createdAt and the restored flag (not restored unless asked)', () => {
    const state = new Uint8Array([1, 2, 3])
    const record = SessionRecord.fromStored([encodeSessionEntry(2 ** 41 + 3, state), encodeSessionEntry(5, state, true)])
    expect(record.length).toBe(2)
    expect(record.createdAt(0)).toBe(2 ** 41 + 3)
    expect(record.isRestored(0)).toBe(false)
    expect(record.isRestored(1)).toBe(true)
    expect(record.toStored()[0]).toEqual(encodeSessionEntry(2 ** 41 + 3, state))
  })
  it('refuse an entry without state, of an unknown version or with unknown flags', () => {
    expect(() => SessionRecord.fromStored([encodeSessionEntry(1, new Uint8Array(0))])).toThrow(expect.objectContaining({ ...corrupt, message: 'bad session entry' }))
    const v3 = encodeSessionEntry(1, new Uint8Array(8))
    v3[0] = 3
    expect(() => SessionRecord.fromStored([v3])).toThrow(expect.objectContaining({ ...corrupt, message: 'bad session entry' }))
    const flags = encodeSessionEntry(1, new Uint8Array(8))
    flags[9] = 2
    expect(() => SessionRecord.fromStored([flags])).toThrow(expect.objectContaining({ ...corrupt, message: 'unknown session entry flags' }))
  })
})

describe('local identity record', () => {
  const rng = new SeededRandom('local identity record')
  const local = { identity: IdentityKeyPair.generate(rng.random), deviceId: 2, createdAt: 10 }
  it('refuses a short record or another version', () => {
    const bytes = encodeLocalIdentity(local)
    expect(() => decodeLocalIdentity(bytes.subarray(0, 13))).toThrow(expect.objectContaining({ name: 'CorruptRecordError', message: 'bad local identity record' }))
    const v2 = bytes.slice()
    v2[0] = 2
    expect(() => decodeLocalIdentity(v2)).toThrow(expect.objectContaining({ name: 'CorruptRecordError', message: 'bad local identity record' }))
    expect(decodeLocalIdentity(bytes).identity.publicKey).toEqual(local.identity.publicKey)
  })
  it('wipes the serialised key pair it copied', () => {
    const serialize = vi.spyOn(IdentityKeyPair.prototype, 'serialize')
    try {
      encodeLocalIdentity(local)
      const copy = serialize.mock.results[0].value as Uint8Array
      expect(copy.every(b => b === 0)).toBe(true)
    } finally {
      serialize.mockRestore()
    }
  })
  it('refuses a device id that is not a u32 on creation', async () => {
    const storage = createMemoryStorage()
    await expect(loadOrCreateLocalIdentity(storage.identity, { random: rng.random, now: () => 1, deviceId: -1 })).rejects.toThrow('deviceId')
    expect(await storage.identity.loadLocalIdentity()).toBeUndefined()
  })
})

describe('PreKeyManager batches', () => {
  it('generates 0..MAX one-time prekeys and refuses other counts', async () => {
    const storage = createMemoryStorage()
    const rng = new SeededRandom('prekey batches')
    const local = await loadOrCreateLocalIdentity(storage.identity, { random: rng.random, now: () => 1 })
    const manager = PreKeyManager.fromStorage(storage, { identity: local.identity, deviceId: 1, random: rng.random, now: new TestClock().now })
    await expect(manager.generateOneTimePreKeys(-1)).rejects.toThrow(`count must be 0..${MAX_ONE_TIME_PRE_KEY_BATCH}`)
    await expect(manager.generateOneTimePreKeys(MAX_ONE_TIME_PRE_KEY_BATCH + 1)).rejects.toThrow(RangeError)
    expect((await manager.generateOneTimePreKeys(0)).oneTimePreKeys).toHaveLength(0)
    const max = await manager.generateOneTimePreKeys(MAX_ONE_TIME_PRE_KEY_BATCH)
    expect(max.oneTimePreKeys).toHaveLength(MAX_ONE_TIME_PRE_KEY_BATCH)
    expect(max.oneTimeKemPreKeys).toHaveLength(MAX_ONE_TIME_PRE_KEY_BATCH)
    expect(await manager.countOneTimePreKeys()).toEqual({ oneTime: MAX_ONE_TIME_PRE_KEY_BATCH, oneTimeKem: MAX_ONE_TIME_PRE_KEY_BATCH })
  })
  it('reports the oldest signed prekey time', async () => {
    const storage = createMemoryStorage()
    const rng = new SeededRandom('prekey oldest')
    const clock = new TestClock()
    const local = await loadOrCreateLocalIdentity(storage.identity, { random: rng.random, now: clock.now })
    const manager = PreKeyManager.fromStorage(storage, { identity: local.identity, deviceId: 1, random: rng.random, now: clock.now })
    expect(await manager.oldestSignedPreKeyTime()).toBeUndefined()
    const first = clock.now()
    await manager.rotateSignedPreKeys()
    clock.advance(1000)
    await manager.rotateSignedPreKeys({ force: true })
    expect(await manager.oldestSignedPreKeyTime()).toBe(first)
  })
})

describe('SessionManager bundles', () => {
  it('refuses a bundle of another identity or device, and knows when it has a session', async () => {
    const rng = new SeededRandom('session bundles')
    const clock = new TestClock()
    const alice = await Party.create('alice', memoryBackend(), rng, clock)
    const bob = await Party.create('bob', memoryBackend(), rng, clock)
    try {
      const bundle = await bob.preKeys.createBundle()
      await expect(alice.sessions.processPreKeyBundle({ ...bob.address, deviceId: 2 }, bundle)).rejects.toThrow(expect.objectContaining({ name: 'IdentityMismatchError', message: 'Bundle is not of this address' }))
      await expect(alice.sessions.processPreKeyBundle(alice.address, bundle)).rejects.toHaveProperty('name', 'IdentityMismatchError')
      expect(await alice.sessions.hasSession(bob.address)).toBe(false)
      await initiate(alice, bob)
      expect(await alice.sessions.hasSession(bob.address)).toBe(true)
    } finally {
      await alice.dispose()
      await bob.dispose()
    }
  })
})

describe('SessionManager commits', () => {
  it('tells beforeCommit and the caller whether a message started a new session', async () => {
    const rng = new SeededRandom('session commits')
    const clock = new TestClock()
    const alice = await Party.create('alice', memoryBackend(), rng, clock)
    const bob = await Party.create('bob', memoryBackend(), rng, clock)
    try {
      expect(await bob.sessions.activeSessionId(alice.address)).toBeUndefined()
      await initiate(alice, bob)
      const calls: boolean[] = []
      const beforeCommit = async (_: Uint8Array, isNew: boolean): Promise<void> => { calls.push(isNew) }
      const first = await bob.sessions.decrypt(alice.address, (await alice.sessions.encrypt(bob.address, text('1'))).body, { beforeCommit })
      // a second first message (no reply yet) of the same session, then a normal message after the reply
      const again = await bob.sessions.decrypt(alice.address, (await alice.sessions.encrypt(bob.address, text('2'))).body, { beforeCommit })
      await alice.sessions.decrypt(bob.address, (await bob.sessions.encrypt(alice.address, text('r'))).body)
      const normal = await bob.sessions.decrypt(alice.address, (await alice.sessions.encrypt(bob.address, text('3'))).body, { beforeCommit })
      expect([first.newSession, again.newSession, normal.newSession]).toEqual([true, false, false])
      expect(calls).toEqual([true, false, false])
      expect(await bob.sessions.activeSessionId(alice.address)).toEqual(await alice.sessions.activeSessionId(bob.address))
      // options without beforeCommit (e.g. only a signal) work for a normal message, a repeated first message and a new session
      expect((await bob.sessions.decrypt(alice.address, (await alice.sessions.encrypt(bob.address, text('4'))).body, {})).newSession).toBe(false)
      const carol = await Party.create('carol', memoryBackend(), rng, clock)
      try {
        await initiate(carol, bob)
        const c1 = await bob.sessions.decrypt(carol.address, (await carol.sessions.encrypt(bob.address, text('c1'))).body, {})
        const c2 = await bob.sessions.decrypt(carol.address, (await carol.sessions.encrypt(bob.address, text('c2'))).body, {})
        expect([c1.newSession, c2.newSession]).toEqual([true, false])
      } finally {
        await carol.dispose()
      }
    } finally {
      await alice.dispose()
      await bob.dispose()
    }
  })
  it('rotates signed prekeys when forced even if not due', async () => {
    const storage = createMemoryStorage()
    const rng = new SeededRandom('forced rotation')
    const local = await loadOrCreateLocalIdentity(storage.identity, { random: rng.random, now: () => 1 })
    const manager = PreKeyManager.fromStorage(storage, { identity: local.identity, deviceId: 1, random: rng.random, now: new TestClock().now })
    expect(await manager.rotateSignedPreKeys()).toBe(true)
    const before = await manager.currentSignedPreKeys()
    expect(await manager.rotateSignedPreKeys({ force: true })).toBe(true)
    expect((await manager.currentSignedPreKeys()).signedPreKey.id).not.toBe(before.signedPreKey.id)
  })
})

describe('session records', () => {
  it('keep at most MAX_SESSIONS_PER_ADDRESS stored sessions', () => {
    const stored = Array.from({ length: MAX_SESSIONS_PER_ADDRESS + 2 }, (_, i) => encodeSessionEntry(i, new Uint8Array([i])))
    expect(SessionRecord.fromStored(stored).length).toBe(MAX_SESSIONS_PER_ADDRESS)
  })
  it('marking restored skips unreadable and empty records and counts the marked ones', async () => {
    const storage = createMemoryStorage()
    const key = (b: number): Uint8Array => new Uint8Array(32).fill(b)
    await storage.sessions.storeSessions({ identityKey: key(1), deviceId: 1 }, [encodeSessionEntry(5, new Uint8Array([1]))])
    await storage.sessions.storeSessions({ identityKey: key(2), deviceId: 1 }, [new Uint8Array([9])])
    expect(await markSessionsRestored(storage.sessions)).toBe(1)
    expect(SessionRecord.fromStored(await storage.sessions.loadSessions({ identityKey: key(1), deviceId: 1 })).isRestored(0)).toBe(true)
    expect(await storage.sessions.loadSessions({ identityKey: key(2), deviceId: 1 })).toEqual([new Uint8Array([9])])
  })
})
