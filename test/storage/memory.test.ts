// Runs the shared store suites against the in-memory implementations.
import { describe, expect, it } from 'vitest'
import { KeyValueDatastore, createMemoryStorage } from '../../src/storage/index.js'
import { memoryFactory } from '../helpers/storage.js'
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

describeKeyValueStore('memory', memoryFactory(s => s.kv('test')))
describeDatastore('memory', memoryFactory(s => new KeyValueDatastore(s.kv('datastore'))))
describeIdentityStore('memory', memoryFactory(s => s.identity))
describePreKeyStore('memory', memoryFactory(s => s.preKeys))
describeSessionStore('memory', memoryFactory(s => s.sessions))
describeSenderKeyStore('memory', memoryFactory(s => s.senderKeys))
describeReplayStore('memory', memoryFactory(s => s.replay))
describeOutboxStore('memory', memoryFactory(s => s.outbox))
describeMessageStore('memory', memoryFactory(s => s.messages))
describeStorage('memory', memoryFactory(s => s))

describe('memory storage bundle', () => {
  it('throws StoreClosedError after close', async () => {
    const s = createMemoryStorage()
    await s.close()
    await expect(s.sessions.loadSessions({ identityKey: new Uint8Array(1), deviceId: 0 })).rejects.toHaveProperty('name', 'StoreClosedError')
    await expect(s.kv('x').get('a')).rejects.toHaveProperty('name', 'StoreClosedError')
  })

  it('refuses reserved or malformed store names', () => {
    const s = createMemoryStorage()
    expect(() => s.kv('sessions')).toThrow(expect.objectContaining({ name: 'InvalidStoreKeyError' }))
    expect(() => s.kv('Bad Name')).toThrow(expect.objectContaining({ name: 'InvalidStoreKeyError' }))
  })
})
