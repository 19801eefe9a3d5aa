/** Texts received whose announcement ('message' event) or delivered receipt may still be owed: a mark written in the same atomic write as the text, marked announced after the event, deleted in the same write as its receipt's outbox entry; what a crash left is found at start-up. Knows nothing of envelopes or relays. */
import { fromHex, toHex, type StoreOptions, type KeyValueBatchOperation, type KeyValueStore, type PreparedWrite } from '../storage/index.js'
import type { DeviceAddress } from '../session/index.js'

/** One text a mark owes something for. */
export interface OwedText {
  /** the sender's number (the conversation) */
  from: string
  id: string
  /** the sending device, as the 'message' event names it */
  sender: DeviceAddress
  /** the 'message' event was emitted (only the receipt is owed) */
  announced: boolean
}

const key = (from: string, id: string): string => `${from}/${id}`

function encode (t: Pick<OwedText, 'sender' | 'announced'>): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ a: t.announced, k: toHex(t.sender.identityKey), d: t.sender.deviceId }))
}

export class OwedTexts {
  /** "announced" writes in flight, by mark key: a settle waits for them, so it never runs before one and leaves a mark behind */
  private readonly writing = new Map<string, Promise<void>>()

  constructor (private readonly store: KeyValueStore) {}

  /** The mark of a text being stored: hand it to the text's write (`addIncoming`'s `with`). */
  prepare (from: string, id: string, sender: DeviceAddress): PreparedWrite {
    return this.store.prepare([{ type: 'put', key: key(from, id), value: encode({ sender, announced: false }) }])
  }

  /** The text's 'message' event went out: only its receipt is owed now. Not synced (a crash re-announces at worst). */
  async announced (from: string, id: string, sender: DeviceAddress, options?: StoreOptions): Promise<void> {
    const k = key(from, id)
    const write = this.store.put(k, encode({ sender, announced: true }), options)
    this.writing.set(k, write.catch(() => {}))
    try {
      await write
    } finally {
      if (this.writing.get(k) != null) this.writing.delete(k)
    }
  }

  /**
   * Deletes the marks of `ids` from `from` in one write with `receipts` (their delivered receipts' outbox
   * entries, prepared): the receipt is queued exactly when nothing is owed any more.
   */
  async settle (from: string, ids: string[], receipts: PreparedWrite[], options?: StoreOptions): Promise<void> {
    const ops: KeyValueBatchOperation[] = ids.map(id => ({ type: 'del', key: key(from, id) }))
    await Promise.all(ids.map(async id => await this.writing.get(key(from, id))))
    await this.store.batch(ops, { ...options, sync: true, with: receipts })
  }

  /** The mark of one text as it is now: undefined once settled (nothing owed), else whether it was announced. */
  async current (from: string, id: string, options?: StoreOptions): Promise<{ announced: boolean } | undefined> {
    const value = await this.store.get(key(from, id), options)
    if (value == null) return undefined
    try {
      return { announced: (JSON.parse(new TextDecoder().decode(value)) as { a?: unknown }).a === true }
    } catch {
      return { announced: false }
    }
  }

  /** Every mark, oldest sender first by key order; unreadable marks are skipped (and removed by the next settle of their text). */
  async * list (options?: StoreOptions): AsyncIterable<OwedText> {
    for await (const { key: k, value } of this.store.iterate({}, options)) {
      const slash = k.lastIndexOf('/')
      try {
        const v = JSON.parse(new TextDecoder().decode(value)) as { a?: unknown, k?: unknown, d?: unknown }
        if (typeof v.a !== 'boolean' || typeof v.k !== 'string' || typeof v.d !== 'number') continue
        yield { from: k.slice(0, slash), id: k.slice(slash + 1), sender: { identityKey: fromHex(v.k), deviceId: v.d }, announced: v.a }
      } catch {
        // a mark from another build: nothing to announce with
      }
    }
  }
}
