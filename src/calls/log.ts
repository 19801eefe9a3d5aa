/** The call log: one record per call (who, which way, voice or video, when, how it ended, how long), newest first, bounded; written with the envelope that told us (a missed call is never lost). Knows no peer connection or network. */
import type { KeyValueStore, StoreOptions } from '../storage/index.js'
import { MAX_CALL_LOG } from './constants.js'
import type { CallDirection } from './call.js'

export type CallOutcome = 'ongoing' | 'answered' | 'missed' | 'declined' | 'busy' | 'no-answer' | 'cancelled' | 'failed' | 'answered-elsewhere'

export interface CallRecord {
  /** the call id, hex */
  id: string
  /** 1:1: the other number; group call: who started it */
  peer: string
  /** group call: the group's id (hex) */
  group?: string
  direction: CallDirection
  video: boolean
  /** our clock when the call began here (placed, or its ring arrived) */
  at: number
  /** our clock when media first flowed */
  connectedAt?: number
  /** our clock when it ended */
  endedAt?: number
  outcome: CallOutcome
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const pad = (n: number): string => String(n).padStart(15, '0')

/**
 * Keys: `t/<at, 15 digits>/<id>` → the record (JSON), in time order; `i/<id>` → its `t/` key. Writes take the
 * caller's StoreOptions, so a record written while an envelope is taken commits with it.
 */
export class CallLog {
  constructor (private readonly store: KeyValueStore) {}

  async get (id: string, options?: StoreOptions): Promise<CallRecord | undefined> {
    const key = await this.store.get(`i/${id}`, options)
    if (key == null) return undefined
    const value = await this.store.get(decoder.decode(key), options)
    return value == null ? undefined : JSON.parse(decoder.decode(value)) as CallRecord
  }

  /** Writes `record` (new or changed; its `at` never changes). */
  async put (record: CallRecord, options?: StoreOptions): Promise<void> {
    const key = `t/${pad(record.at)}/${record.id}`
    await this.store.batch([
      { type: 'put', key, value: encoder.encode(JSON.stringify(record)) },
      { type: 'put', key: `i/${record.id}`, value: encoder.encode(key) }
    ], options)
    await this.trim(options)
  }

  /** Records, newest first; `peer` keeps one contact's. */
  async list (options: StoreOptions & { peer?: string, limit?: number } = {}): Promise<CallRecord[]> {
    const out: CallRecord[] = []
    const limit = options.limit ?? MAX_CALL_LOG
    for await (const e of this.store.iterate({ gte: 't/', lt: 't0', reverse: true }, options)) {
      const r = JSON.parse(decoder.decode(e.value)) as CallRecord
      if (options.peer != null && r.peer !== options.peer) continue
      out.push(r)
      if (out.length >= limit) break
    }
    return out
  }

  /** Calls left "ongoing" by a process that stopped mid-call: missed (incoming) or failed (outgoing). */
  async repair (now: number, options?: StoreOptions): Promise<CallRecord[]> {
    const fixed: CallRecord[] = []
    for (const r of await this.list(options)) {
      if (r.outcome !== 'ongoing') continue
      const done: CallRecord = { ...r, outcome: r.connectedAt != null ? 'answered' : r.direction === 'incoming' ? 'missed' : 'failed', endedAt: r.endedAt ?? now }
      await this.put(done, options)
      fixed.push(done)
    }
    return fixed
  }

  /** Drops the oldest records beyond MAX_CALL_LOG. */
  private async trim (options?: StoreOptions): Promise<void> {
    const old: string[] = []
    let n = 0
    for await (const e of this.store.iterate({ gte: 't/', lt: 't0', reverse: true }, options)) {
      if (++n > MAX_CALL_LOG) old.push(e.key)
    }
    if (old.length === 0) return
    const ops = []
    for (const key of old) {
      ops.push({ type: 'del' as const, key })
      ops.push({ type: 'del' as const, key: `i/${key.slice(key.lastIndexOf('/') + 1)}` })
    }
    await this.store.batch(ops, options)
  }
}
