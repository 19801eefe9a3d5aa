// Shared suite for the whole-Storage operations backups use: entries(), replaceAll(), and their refusal of malformed input.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Storage, StoredMessage } from '../../../src/storage/index.js'
import { bytes, collect } from './harness.js'
import type { SuiteOptions } from './harness.js'
import type { StoreFactory, StoreHandle } from '../../helpers/storage.js'
import { mid } from './outbox-store.js'

const ALICE = '+15550001111'
const address = { identityKey: bytes(7, 7, 7), deviceId: 3 }
const message: StoredMessage = { id: mid(1), conversation: ALICE, direction: 'in', sender: ALICE, text: 'hello', timestamp: 100, receivedAt: 101, status: 'delivered' }

/** Puts something in every store. */
async function fill (s: Storage): Promise<void> {
  await s.identity.saveLocalIdentity(bytes(1, 2, 3))
  await s.identity.saveRemoteIdentity(ALICE, bytes(9, 9), 50)
  await s.identity.setVerified(ALICE, true)
  await s.preKeys.storePreKey({ kind: 'one-time', id: 42, createdAt: 10, record: bytes(4, 2) })
  await s.sessions.storeSessions(address, [bytes(5), bytes(6)])
  await s.senderKeys.storeSenderKey({ groupId: 'g1', sender: address, distributionId: 'd1' }, bytes(8))
  await s.replay.markSeen(bytes(1, 1), 20)
  await s.outbox.put({ id: mid(2), to: ALICE, kind: 'message', payload: bytes(3), createdAt: 1, expiresAt: 1000, attempts: 0, nextAttemptAt: 1 })
  await s.messages.addIncoming(message)
  await s.kv('settings').put('a', bytes(1))
  await s.kv('settings').put('b/c', bytes(2))
}

/** Asserts everything `fill` wrote is there. */
async function expectFilled (s: Storage): Promise<void> {
  expect(await s.identity.loadLocalIdentity()).toEqual(bytes(1, 2, 3))
  expect(await s.identity.loadRemoteIdentity(ALICE)).toMatchObject({ identityKey: bytes(9, 9), verified: true })
  expect(await s.preKeys.loadPreKey('one-time', 42)).toEqual({ kind: 'one-time', id: 42, createdAt: 10, record: bytes(4, 2) })
  expect(await s.sessions.loadSessions(address)).toEqual([bytes(5), bytes(6)])
  expect(await s.senderKeys.loadSenderKey({ groupId: 'g1', sender: address, distributionId: 'd1' })).toEqual(bytes(8))
  expect(await s.replay.hasSeen(bytes(1, 1))).toBe(true)
  expect((await s.outbox.get(mid(2)))?.payload).toEqual(bytes(3))
  expect(await s.messages.get(ALICE, mid(1))).toEqual(message)
  expect(await s.messages.conversation(ALICE)).toMatchObject({ unread: 1 })
  expect(await collect(s.kv('settings').iterate())).toEqual([{ key: 'a', value: bytes(1) }, { key: 'b/c', value: bytes(2) }])
}

export function describeStorage (name: string, factory: StoreFactory<Storage>, opts: SuiteOptions = {}): void {
  describe(`Storage (whole): ${name}`, () => {
    let a: StoreHandle<Storage>
    let b: StoreHandle<Storage>
    beforeEach(async () => { a = await factory(); b = await factory() })
    afterEach(async () => { await a.close(); await b.close() })

    it('copies every store into another storage, replacing what it held', async () => {
      await fill(a.store)
      await b.store.kv('other').put('stale', bytes(0))
      await b.store.identity.saveLocalIdentity(bytes(0))
      const entries = await collect(a.store.entries())
      expect(entries.length).toBeGreaterThan(0)
      await b.store.replaceAll(entries)
      await expectFilled(b.store)
      expect(await b.store.kv('other').get('stale')).toBeUndefined()
      // the copy is independent of the source
      await a.store.kv('settings').put('a', bytes(9))
      expect(await b.store.kv('settings').get('a')).toEqual(bytes(1))
      if (opts.persistent === true && b.reopen != null) await expectFilled(await b.reopen())
    })

    it('clears everything with replaceAll([])', async () => {
      await fill(a.store)
      await a.store.replaceAll([])
      expect(await a.store.identity.loadLocalIdentity()).toBeUndefined()
      expect(await a.store.messages.get(ALICE, mid(1))).toBeUndefined()
      expect(await a.store.sessions.loadSessions(address)).toEqual([])
      expect(await collect(a.store.kv('settings').iterate())).toEqual([])
      // and the stores still work afterwards
      await fill(a.store)
      await expectFilled(a.store)
    })

    it('commits a sent text and its outbox entry as one write: both, or neither when the write fails', async () => {
      const text: StoredMessage = { id: mid(7), conversation: ALICE, direction: 'out', sender: '+15550002222', text: 'hi', timestamp: 200, receivedAt: 200, status: 'pending' }
      const entry = { id: mid(7), to: ALICE, kind: 'message', payload: bytes(7), createdAt: 200, expiresAt: 9000, attempts: 0, nextAttemptAt: 200 }
      expect(await a.store.messages.addOutgoing(text, { with: [a.store.outbox.prepareInsert(entry)] })).toBe(true)
      expect(await a.store.messages.get(ALICE, mid(7))).toEqual(text)
      expect(await a.store.outbox.get(mid(7))).toEqual(entry)
      expect(await a.store.outbox.due(200, 10)).toEqual([entry])
      if (opts.persistent === true && a.reopen != null) {
        const reopened = await a.reopen()
        expect(await reopened.outbox.get(mid(7))).toEqual(entry)
        expect(await reopened.messages.get(ALICE, mid(7))).toEqual(text)
        a = { ...a, store: reopened }
      }
      // a prepared write of another storage cannot join: nothing of the text is written
      const other = { ...text, id: mid(8) }
      await expect(a.store.messages.addOutgoing(other, { with: [b.store.outbox.prepareInsert({ ...entry, id: mid(8) })] })).rejects.toThrow()
      expect(await a.store.messages.get(ALICE, mid(8))).toBeUndefined()
      expect(await a.store.outbox.get(mid(8))).toBeUndefined()
      expect(await b.store.outbox.get(mid(8))).toBeUndefined()
    })

    it('yields entries in key order, with a kind naming the format', async () => {
      await fill(a.store)
      const keys = (await collect(a.store.entries())).map(e => e.key)
      expect(keys).toEqual([...keys].sort())
      expect(['level', 'memory']).toContain(a.store.kind)
    })

    it('refuses malformed entries with CorruptRecordError and keeps what is stored', async () => {
      await fill(a.store)
      const good = await collect(a.store.entries())
      const bad = [
        [...good, { key: 'not-ours', value: bytes(1) }],
        [...good, { key: good[0].key, value: 'text' as unknown as Uint8Array }]
      ]
      for (const entries of bad) {
        await expect(a.store.replaceAll(entries)).rejects.toHaveProperty('name', 'CorruptRecordError')
        await expectFilled(a.store)
      }
    })

    it('honours an aborted signal', async () => {
      const signal = AbortSignal.abort()
      await expect(a.store.replaceAll([], { signal })).rejects.toHaveProperty('name', 'AbortError')
      await expect(collect(a.store.entries({ signal }))).rejects.toHaveProperty('name', 'AbortError')
    })
  })
}
