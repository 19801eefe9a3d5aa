// LevelDB PreKeyStore: `<kind>/<id as 8 hex>` → [createdAt][record]; stores and removals are synced, pruning is not.
import { decodePreKeyValue, encodePreKeyValue } from '../codec.js'
import { u32Key } from '../keys.js'
import type { KeyValueStore } from '../key-value-store.js'
import { assertKind } from '../prekey-kind.js'
import { idsToPrune } from '../prekey-store.js'
import type { PreKeyEntry, PreKeyKind, PreKeyStore } from '../prekey-store.js'
import { assertUint32 } from '../types.js'
import type { StoreOptions } from '../types.js'

function key (kind: PreKeyKind, id: number): string {
  assertKind(kind)
  assertUint32(id)
  return `${kind}/${u32Key(id)}`
}

export class LevelPreKeyStore implements PreKeyStore {
  constructor (private readonly kv: KeyValueStore) {}

  async storePreKey (entry: PreKeyEntry, options?: StoreOptions): Promise<void> {
    await this.kv.put(key(entry.kind, entry.id), encodePreKeyValue(entry.createdAt, entry.record), { ...options, sync: true })
  }

  async loadPreKey (kind: PreKeyKind, id: number, options?: StoreOptions): Promise<PreKeyEntry | undefined> {
    const bytes = await this.kv.get(key(kind, id), options)
    if (bytes == null) return undefined
    const { createdAt, record } = decodePreKeyValue(bytes)
    return { kind, id, createdAt, record }
  }

  async removePreKey (kind: PreKeyKind, id: number, options?: StoreOptions): Promise<void> {
    await this.kv.del(key(kind, id), { ...options, sync: true })
  }

  async listPreKeys (kind: PreKeyKind, options?: StoreOptions): Promise<Array<{ id: number, createdAt: number }>> {
    assertKind(kind)
    const out: Array<{ id: number, createdAt: number }> = []
    for await (const { key, value } of this.kv.iterate({ prefix: `${kind}/` }, options)) {
      out.push({ id: parseInt(key.slice(kind.length + 1), 16), createdAt: decodePreKeyValue(value).createdAt })
    }
    return out
  }

  async prunePreKeys (kind: PreKeyKind, olderThan: number, options?: StoreOptions): Promise<number[]> {
    const ids = idsToPrune(await this.listPreKeys(kind, options), olderThan)
    await this.kv.batch(ids.map(id => ({ type: 'del' as const, key: key(kind, id) })), options)
    return ids
  }
}
