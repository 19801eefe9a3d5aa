// In-memory Storage bundle: all stores in Maps, for tests and ephemeral nodes; persists nothing.
import type { KeyValueStore } from '../key-value-store.js'
import type { Storage } from '../storage.js'
import { MemoryLifecycle } from './base.js'
import { MemoryIdentityStore } from './identity-store.js'
import { MemoryKeyValueStore } from './key-value-store.js'
import { MemoryMessageStore } from './message-store.js'
import { MemoryOutboxStore } from './outbox-store.js'
import { MemoryPreKeyStore } from './prekey-store.js'
import { MemoryReplayStore } from './replay-store.js'
import { MemorySenderKeyStore } from './sender-key-store.js'
import { MemorySessionStore } from './session-store.js'
import { assertStoreName } from '../store-name.js'

export { MemoryIdentityStore, MemoryKeyValueStore, MemoryMessageStore, MemoryOutboxStore, MemoryPreKeyStore, MemoryReplayStore, MemorySenderKeyStore, MemorySessionStore }

export function createMemoryStorage (): Storage {
  const life = new MemoryLifecycle()
  const kv = new MemoryKeyValueStore()
  return {
    identity: new MemoryIdentityStore(life),
    preKeys: new MemoryPreKeyStore(life),
    sessions: new MemorySessionStore(life),
    senderKeys: new MemorySenderKeyStore(life),
    replay: new MemoryReplayStore(life),
    outbox: new MemoryOutboxStore(life),
    messages: new MemoryMessageStore(life),
    kv: (name: string): KeyValueStore => {
      assertStoreName(name)
      return kv.scope(name)
    },
    close: async () => {
      life.closed = true
      kv.close()
    }
  }
}
