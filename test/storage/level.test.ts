// Runs the shared store suites against the LevelDB implementations (real files in a temp dir, with reopen checks).
import { chmod, mkdir, mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Level } from 'level'
import { describe, expect, it } from 'vitest'
import { KeyValueDatastore, openLevel } from '../../src/storage/index.js'
import { levelFactory } from '../helpers/storage.js'
import { describeIdentityStore } from './suites/identity-store.js'
import { describeKeyValueStore } from './suites/key-value-store.js'
import { describeMessageStore } from './suites/message-store.js'
import { describeOutboxStore } from './suites/outbox-store.js'
import { describeDatastore } from './suites/datastore.js'
import { describePreKeyStore } from './suites/prekey-store.js'
import { describeReplayStore } from './suites/replay-store.js'
import { describeSenderKeyStore } from './suites/sender-key-store.js'
import { describeSessionStore } from './suites/session-store.js'
import { describeStorage } from './suites/storage.js'

const persistent = { persistent: true }
describeKeyValueStore('level', levelFactory(s => s.kv('test')), persistent)
describeDatastore('level', levelFactory(s => new KeyValueDatastore(s.kv('datastore'))), persistent)
describeIdentityStore('level', levelFactory(s => s.identity), persistent)
describePreKeyStore('level', levelFactory(s => s.preKeys), persistent)
describeSessionStore('level', levelFactory(s => s.sessions), persistent)
describeSenderKeyStore('level', levelFactory(s => s.senderKeys), persistent)
describeReplayStore('level', levelFactory(s => s.replay), persistent)
describeOutboxStore('level', levelFactory(s => s.outbox), persistent)
describeMessageStore('level', levelFactory(s => s.messages), persistent)
describeStorage('level', levelFactory(s => s), persistent)

describe('openLevel', () => {
  it('creates the database folder and its missing parents 0700, and tightens an existing database folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-mode-'))
    const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777
    try {
      const storage = await openLevel(join(dir, 'data', 'client', 'db'))
      await storage.close()
      expect(await mode(join(dir, 'data'))).toBe(0o700)
      expect(await mode(join(dir, 'data', 'client'))).toBe(0o700)
      expect(await mode(join(dir, 'data', 'client', 'db'))).toBe(0o700)
      // a database folder an older build left readable to others
      await mkdir(join(dir, 'old', 'db'), { recursive: true })
      await chmod(join(dir, 'old', 'db'), 0o755)
      await chmod(join(dir, 'old'), 0o755)
      await (await openLevel(join(dir, 'old', 'db'))).close()
      expect(await mode(join(dir, 'old', 'db'))).toBe(0o700)
      expect(await mode(join(dir, 'old'))).toBe(0o755)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('adopts an existing Level instance and leaves it open on close', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-adopt-'))
    const db = new Level<string, Uint8Array>(dir, { valueEncoding: 'view' })
    try {
      const storage = await openLevel(db)
      await storage.kv('a').put('k', new Uint8Array([1]))
      await storage.close()
      expect(db.status).toBe('open')
      const again = await openLevel(db)
      expect(await again.kv('a').get('k')).toEqual(new Uint8Array([1]))
      expect(await again.kv('b').get('k')).toBeUndefined()
    } finally {
      await db.close()
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('refuses a second opener of the same directory with StoreLockedError', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-locked-'))
    const first = await openLevel(dir)
    try {
      await expect(openLevel(dir)).rejects.toHaveProperty('name', 'StoreLockedError')
    } finally {
      await first.close()
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('throws StoreClosedError after close', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-closed-'))
    const storage = await openLevel(dir)
    await storage.close()
    await expect(storage.kv('x').get('a')).rejects.toHaveProperty('name', 'StoreClosedError')
    await rm(dir, { recursive: true, force: true })
  })
})
