// In-memory Storage bundle: all stores in Maps, for tests and ephemeral nodes; persists nothing.
import type { KeyValueStore } from '../key-value-store.js'
import type { Storage } from '../storage.js'
import { MemoryLifecycle, decodeSnapshot, encodeSnapshot, type MemorySnapshot } from './base.js'
import { CorruptRecordError } from '../errors.js'
import type { KeyValueEntry } from '../key-value-store.js'
import { throwIfAborted, type StoreOptions } from '../types.js'
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
  const kv = new MemoryKeyValueStore(undefined, '', life)
  const stores = {
    identity: new MemoryIdentityStore(life),
    preKeys: new MemoryPreKeyStore(life),
    sessions: new MemorySessionStore(life),
    senderKeys: new MemorySenderKeyStore(life),
    replay: new MemoryReplayStore(life),
    outbox: new MemoryOutboxStore(life),
    messages: new MemoryMessageStore(life)
  }
  // one entry per store, keyed by its name, holding its tagged-JSON snapshot; sorted like every entries()
  const snapshots: Record<string, MemorySnapshot> = { ...stores, kv }
  const names = Object.keys(snapshots).sort()
  return {
    ...stores,
    kind: 'memory',
    entries: async function * (options?: StoreOptions): AsyncIterable<KeyValueEntry> {
      for (const name of names) {
        life.check(options)
        yield { key: name, value: encodeSnapshot(snapshots[name].snapshot()) }
      }
    },
    replaceAll: async (entries: KeyValueEntry[], options?: StoreOptions): Promise<void> => {
      life.check(options)
      throwIfAborted(options)
      const states = new Map<string, Record<string, unknown>>()
      for (const e of entries) {
        if (typeof e?.key !== 'string' || !(e.key in snapshots) || !(e.value instanceof Uint8Array)) throw new CorruptRecordError('not a memory storage entry')
        states.set(e.key, decodeSnapshot(e.value))
      }
      // check every store's state on scratch stores first, so a bad one changes nothing here
      const scratch: Record<string, MemorySnapshot> = { ...scratchStores(), kv: new MemoryKeyValueStore() }
      for (const name of names) scratch[name].restore(states.get(name) ?? scratch[name].snapshot())
      for (const name of names) snapshots[name].restore(scratch[name].snapshot())
    },
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

function scratchStores (): Record<string, MemorySnapshot> {
  return {
    identity: new MemoryIdentityStore(),
    preKeys: new MemoryPreKeyStore(),
    sessions: new MemorySessionStore(),
    senderKeys: new MemorySenderKeyStore(),
    replay: new MemoryReplayStore(),
    outbox: new MemoryOutboxStore(),
    messages: new MemoryMessageStore()
  }
}
