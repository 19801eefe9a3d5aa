// SyncGroup over real LevelDB files and the memory stores: synced writes made with a group are visible at once, wait for one flush, and are all there after reopening.
import { describe, expect, it } from 'vitest'
import { createMemoryStorage, openLevel, SyncGroup, type StoredMessage } from '../../src/storage/index.js'
import { tempDir } from '../helpers/tmp.js'

const message = (n: number): StoredMessage => ({
  id: n.toString(16).padStart(32, '0'),
  conversation: '+15550001111',
  direction: 'in',
  sender: '+15550001111',
  text: `hello ${n}`,
  timestamp: 1000 + n,
  receivedAt: 2000 + n,
  status: 'delivered'
})

describe('SyncGroup', () => {
  it('defers the sync of many stores\' writes to one flush; everything is there after reopening', async () => {
    const dir = await tempDir()
    try {
      let storage = await openLevel(`${dir.path}/db`)
      const group = new SyncGroup()
      expect(group.dirty).toBe(false)
      for (let n = 0; n < 20; n++) expect(await storage.messages.addIncoming(message(n), { syncGroup: group })).toBe(true)
      await storage.sessions.storeSessions({ identityKey: new Uint8Array(32).fill(1), deviceId: 1 }, [Uint8Array.from([1, 2, 3])], { syncGroup: group })
      await storage.kv('sealed').batch([{ type: 'put', key: 'a', value: Uint8Array.from([9]) }], { sync: true, syncGroup: group })
      // visible before the flush (the same process reads its own writes), but not yet durable
      expect(group.dirty).toBe(true)
      expect(await storage.messages.get(message(19).conversation, message(19).id)).toEqual(message(19))
      await group.flush()
      expect(group.dirty).toBe(false)
      // a second flush has nothing to do
      await group.flush()
      await storage.close()

      storage = await openLevel(`${dir.path}/db`)
      expect((await storage.messages.history(message(0).conversation, { limit: 50 })).length).toBe(20)
      expect((await storage.messages.conversation(message(0).conversation))?.unread).toBe(20)
      expect(await storage.sessions.loadSessions({ identityKey: new Uint8Array(32).fill(1), deviceId: 1 })).toEqual([Uint8Array.from([1, 2, 3])])
      expect(await storage.kv('sealed').get('a')).toEqual(Uint8Array.from([9]))
      // the sync barrier is invisible to every store
      expect(await collect(storage.kv('sealed').iterate())).toEqual(['a'])
      await storage.close()
    } finally {
      await dir.remove()
    }
  })

  it('writes that were not synced do not touch the group', async () => {
    const dir = await tempDir()
    try {
      const storage = await openLevel(`${dir.path}/db`)
      const group = new SyncGroup()
      await storage.kv('plain').put('k', Uint8Array.from([1]), { syncGroup: group })
      expect(group.dirty).toBe(false)
      await storage.close()
    } finally {
      await dir.remove()
    }
  })

  it('memory stores ignore it (nothing to sync)', async () => {
    const storage = createMemoryStorage()
    const group = new SyncGroup()
    expect(await storage.messages.addIncoming(message(1), { syncGroup: group })).toBe(true)
    await storage.outbox.put({ id: 'ab'.repeat(16), to: '+15550001111', kind: 'message', payload: new Uint8Array(4), createdAt: 1, expiresAt: 2, attempts: 0, nextAttemptAt: 1 }, { syncGroup: group })
    expect(group.dirty).toBe(false)
    await group.flush()
    expect(await storage.outbox.count()).toBe(1)
  })
})

async function collect (it: AsyncIterable<{ key: string }>): Promise<string[]> {
  const out: string[] = []
  for await (const { key } of it) out.push(key)
  return out
}
