// Envelopes taken before (seen-envelopes.ts): remembered by hash, synced with the caller's sync group; pruning forgets exactly those taken before the bound (by default SEEN_ENVELOPE_RETENTION_MS ago), in one synced batch, and writes nothing when nothing is old.
import { describe, it, expect } from 'vitest'
import { SeenEnvelopes, SEEN_ENVELOPE_RETENTION_MS } from '../../src/messaging/seen-envelopes.js'
import { MemoryKeyValueStore, SyncGroup, type BatchOptions, type KeyValueBatchOperation, type WriteOptions } from '../../src/storage/index.js'
import { TestClock } from '../session/party.js'

class RecordingStore extends MemoryKeyValueStore {
  puts: Array<WriteOptions | undefined> = []
  batches: Array<{ operations: KeyValueBatchOperation[], options?: BatchOptions }> = []
  override async put (key: string, value: Uint8Array, options?: WriteOptions): Promise<void> {
    this.puts.push(options)
    await super.put(key, value, options)
  }

  override async batch (operations: KeyValueBatchOperation[], options?: BatchOptions): Promise<void> {
    this.batches.push({ operations, ...(options != null ? { options } : {}) })
    await super.batch(operations, options)
  }
}

const envelope = (n: number): Uint8Array => new Uint8Array(64).fill(n)

describe('SeenEnvelopes', () => {
  it("remembers an envelope, synced with the caller's group; another envelope is not known", async () => {
    const store = new RecordingStore()
    const seen = new SeenEnvelopes(store, new TestClock().now)
    const syncGroup = new SyncGroup()
    expect(await seen.has(envelope(1))).toBe(false)
    await seen.add(envelope(1), { syncGroup })
    expect(store.puts).toEqual([{ syncGroup, sync: true }])
    expect(await seen.has(envelope(1))).toBe(true)
    expect(await seen.has(envelope(2))).toBe(false)
  })

  it('prunes by default what was taken more than SEEN_ENVELOPE_RETENTION_MS ago, and only that', async () => {
    const store = new RecordingStore()
    const clock = new TestClock()
    const seen = new SeenEnvelopes(store, clock.now)
    await seen.add(envelope(1))
    clock.advance(24 * 3600_000)
    await seen.add(envelope(2))
    clock.advance(SEEN_ENVELOPE_RETENTION_MS - 24 * 3600_000)
    // the first is exactly the retention old: kept
    expect(await seen.prune()).toBe(0)
    expect(store.batches).toEqual([])
    clock.advance(1)
    expect(await seen.prune()).toBe(1)
    expect(await seen.has(envelope(1))).toBe(false)
    expect(await seen.has(envelope(2))).toBe(true)
  })

  it('prunes those taken strictly before the bound given, in one synced batch; nothing old writes nothing', async () => {
    const store = new RecordingStore()
    const clock = new TestClock(1_000)
    const seen = new SeenEnvelopes(store, clock.now)
    for (const n of [1, 2, 3]) {
      await seen.add(envelope(n))
      clock.advance(10)
    }
    // taken at 1,000, 1,010 and 1,020
    expect(await seen.prune(1_000)).toBe(0)
    expect(store.batches).toEqual([])
    const syncGroup = new SyncGroup()
    expect(await seen.prune(1_011, { syncGroup })).toBe(2)
    expect(store.batches).toHaveLength(1)
    expect(store.batches[0].options).toEqual({ syncGroup, sync: true })
    expect(store.batches[0].operations).toHaveLength(2)
    expect(await seen.has(envelope(1))).toBe(false)
    expect(await seen.has(envelope(2))).toBe(false)
    expect(await seen.has(envelope(3))).toBe(true)
  })
})
