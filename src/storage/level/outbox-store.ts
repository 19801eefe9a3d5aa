// LevelDB OutboxStore: `e/<id>` → entry and an index `due/<nextAttemptAt as 14 hex>/<id>`, always changed together in one synced batch.
import { u53Key } from '../keys.js'
import type { KeyValueBatchOperation, KeyValueStore } from '../key-value-store.js'
import { assertMessageId, assertOutboxEntry, assertTime, decodeOutboxEntry, encodeOutboxEntry } from '../outbox-store.js'
import type { OutboxEntry, OutboxStore } from '../outbox-store.js'
import { SerialQueue } from '../serial.js'
import type { StoreOptions } from '../types.js'
import type { PreparedWrite } from '../prepared-write.js'

const ENTRY = 'e/'
const DUE = 'due/'
const dueKey = (e: OutboxEntry): string => `${DUE}${u53Key(e.nextAttemptAt)}/${e.id}`

export class LevelOutboxStore implements OutboxStore {
  /** Serialises read-modify-write (the old due key must be known to delete it). */
  private readonly queue = new SerialQueue()

  constructor (private readonly kv: KeyValueStore) {}

  async put (entry: OutboxEntry, options?: StoreOptions): Promise<void> {
    assertOutboxEntry(entry)
    await this.queue.run(async () => {
      const old = await this.get(entry.id, options)
      const ops: KeyValueBatchOperation[] = []
      if (old != null) ops.push({ type: 'del', key: dueKey(old) })
      ops.push({ type: 'put', key: ENTRY + entry.id, value: encodeOutboxEntry(entry) })
      ops.push({ type: 'put', key: dueKey(entry), value: new Uint8Array(0) })
      await this.kv.batch(ops, { ...options, sync: true })
    })
  }

  prepareInsert (entry: OutboxEntry): PreparedWrite {
    assertOutboxEntry(entry)
    return { kind: 'batch', store: this.kv, operations: [{ type: 'put', key: ENTRY + entry.id, value: encodeOutboxEntry(entry) }, { type: 'put', key: dueKey(entry), value: new Uint8Array(0) }] }
  }

  async get (id: string, options?: StoreOptions): Promise<OutboxEntry | undefined> {
    assertMessageId(id)
    const bytes = await this.kv.get(ENTRY + id, options)
    return bytes == null ? undefined : decodeOutboxEntry(id, bytes)
  }

  async delete (id: string, options?: StoreOptions): Promise<boolean> {
    assertMessageId(id)
    return await this.queue.run(async () => {
      const old = await this.get(id, options)
      if (old == null) return false
      await this.kv.batch([{ type: 'del', key: ENTRY + id }, { type: 'del', key: dueKey(old) }], { ...options, sync: true })
      return true
    })
  }

  async due (now: number, limit: number, options?: StoreOptions): Promise<OutboxEntry[]> {
    assertTime(now, 'now')
    const out: OutboxEntry[] = []
    if (limit <= 0) return out
    for await (const { key } of this.kv.iterate({ prefix: DUE, lt: `${DUE}${u53Key(now + 1)}/` }, options)) {
      const e = await this.get(key.slice(key.lastIndexOf('/') + 1), options)
      if (e == null) continue
      out.push(e)
      if (out.length >= limit) break
    }
    return out
  }

  async list (options?: StoreOptions): Promise<OutboxEntry[]> {
    const out: OutboxEntry[] = []
    for await (const { key, value } of this.kv.iterate({ prefix: ENTRY }, options)) out.push(decodeOutboxEntry(key.slice(ENTRY.length), value))
    return out
  }

  async count (options?: StoreOptions): Promise<number> {
    let n = 0
    for await (const _ of this.kv.iterate({ prefix: ENTRY }, options)) n++
    return n
  }
}
