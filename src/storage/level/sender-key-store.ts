// LevelDB SenderKeyStore: `<hex group>/<hex identity>/<deviceId>/<hex distribution>` → state; stores are synced.
import { groupPrefix, parseSenderKeyKey, senderKeyKey } from '../sender-key-keys.js'
import type { SenderKeyName, SenderKeyStore } from '../sender-key-store.js'
import type { KeyValueBatchOperation, KeyValueStore } from '../key-value-store.js'
import type { StoreOptions } from '../types.js'

export class LevelSenderKeyStore implements SenderKeyStore {
  constructor (private readonly kv: KeyValueStore) {}

  async storeSenderKey (name: SenderKeyName, state: Uint8Array, options?: StoreOptions): Promise<void> {
    await this.kv.put(senderKeyKey(name), state, { ...options, sync: true })
  }

  async loadSenderKey (name: SenderKeyName, options?: StoreOptions): Promise<Uint8Array | undefined> {
    return await this.kv.get(senderKeyKey(name), options)
  }

  async removeSenderKey (name: SenderKeyName, options?: StoreOptions): Promise<void> {
    await this.kv.del(senderKeyKey(name), { ...options, sync: true })
  }

  async removeGroup (groupId: string, options?: StoreOptions): Promise<void> {
    const ops: KeyValueBatchOperation[] = []
    for await (const { key } of this.kv.iterate({ prefix: groupPrefix(groupId) }, options)) ops.push({ type: 'del', key })
    await this.kv.batch(ops, { ...options, sync: true })
  }

  async listSenderKeys (groupId: string, options?: StoreOptions): Promise<SenderKeyName[]> {
    const out: SenderKeyName[] = []
    for await (const { key } of this.kv.iterate({ prefix: groupPrefix(groupId) }, options)) out.push(parseSenderKeyKey(key))
    return out
  }
}
