// LevelDB ReplayStore: `id/<hex id>` → seenAt plus an index `seen/<seenAt>/<hex id>` for pruning; marks are synced and serialised.
import { encodeU64 } from '../codec.js'
import { toHex, u53Key } from '../keys.js'
import type { KeyValueBatchOperation, KeyValueStore } from '../key-value-store.js'
import { assertReplayId } from '../replay-id.js'
import type { ReplayStore } from '../replay-store.js'
import { SerialQueue } from '../serial.js'
import type { StoreOptions } from '../types.js'

export class LevelReplayStore implements ReplayStore {
  /** Serialises markSeen so check-and-set is atomic within this process. */
  private readonly queue = new SerialQueue()

  constructor (private readonly kv: KeyValueStore) {}

  async markSeen (id: Uint8Array, seenAt: number, options?: StoreOptions): Promise<boolean> {
    assertReplayId(id)
    return await this.queue.run(async () => {
      const hex = toHex(id)
      if (await this.kv.get(`id/${hex}`, options) != null) return false
      await this.kv.batch([
        { type: 'put', key: `id/${hex}`, value: encodeU64(seenAt) },
        { type: 'put', key: `seen/${u53Key(seenAt)}/${hex}`, value: new Uint8Array(0) }
      ], { ...options, sync: true })
      return true
    })
  }

  async hasSeen (id: Uint8Array, options?: StoreOptions): Promise<boolean> {
    assertReplayId(id)
    return await this.kv.get(`id/${toHex(id)}`, options) != null
  }

  async pruneSeenBefore (cutoff: number, options?: StoreOptions): Promise<number> {
    const ops: KeyValueBatchOperation[] = []
    for await (const { key } of this.kv.iterate({ prefix: 'seen/', lt: `seen/${u53Key(cutoff)}/` }, options)) {
      ops.push({ type: 'del', key })
      ops.push({ type: 'del', key: `id/${key.slice(key.lastIndexOf('/') + 1)}` })
    }
    await this.kv.batch(ops, options)
    return ops.length / 2
  }
}
