// Shared suite for OutboxStore implementations.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MAX_OUTBOX_PAYLOAD_BYTES } from '../../../src/storage/index.js'
import type { OutboxEntry, OutboxStore } from '../../../src/storage/index.js'
import type { SuiteOptions } from './harness.js'
import type { StoreFactory, StoreHandle } from '../../helpers/storage.js'

/** A 32-hex message id from a small number, so order by id is order by n. */
export const mid = (n: number): string => n.toString(16).padStart(32, '0')

export function entry (n: number, nextAttemptAt: number, extra: Partial<OutboxEntry> = {}): OutboxEntry {
  return { id: mid(n), to: '+15550001111', kind: 'message', payload: new Uint8Array([n & 0xff, 1, 2]), createdAt: 1000, expiresAt: 2000, attempts: 0, nextAttemptAt, ...extra }
}

export function describeOutboxStore (name: string, factory: StoreFactory<OutboxStore>, opts: SuiteOptions = {}): void {
  describe(`OutboxStore: ${name}`, () => {
    let h: StoreHandle<OutboxStore>
    let store: OutboxStore
    beforeEach(async () => { h = await factory(); store = h.store })
    afterEach(async () => { await h.close() })

    it('puts, gets a private copy, and deletes', async () => {
      const e = entry(1, 5, { pendingDevices: ['dev-a', 'dev-b'], kind: 'receipt' })
      await store.put(e)
      const got = await store.get(e.id)
      expect(got).toEqual(e)
      got!.payload[0] = 99
      got!.pendingDevices!.push('x')
      expect(await store.get(e.id)).toEqual(e)
      expect(await store.count()).toBe(1)
      expect(await store.delete(e.id)).toBe(true)
      expect(await store.delete(e.id)).toBe(false)
      expect(await store.get(e.id)).toBeUndefined()
      expect(await store.count()).toBe(0)
      expect(await store.due(1e12, 10)).toEqual([])
    })

    it('returns due entries earliest first, ties by id, bounded by now and limit', async () => {
      await store.put(entry(3, 30))
      await store.put(entry(1, 10))
      await store.put(entry(4, 10))
      await store.put(entry(2, 50))
      expect((await store.due(9, 10)).map(e => e.id)).toEqual([])
      expect((await store.due(10, 10)).map(e => e.id)).toEqual([mid(1), mid(4)])
      expect((await store.due(30, 10)).map(e => e.id)).toEqual([mid(1), mid(4), mid(3)])
      expect((await store.due(1e12, 2)).map(e => e.id)).toEqual([mid(1), mid(4)])
      expect(await store.due(1e12, 0)).toEqual([])
      expect((await store.list()).map(e => e.id)).toEqual([mid(1), mid(2), mid(3), mid(4)])
    })

    it('re-putting an entry moves it in the due order (the old due time is forgotten)', async () => {
      await store.put(entry(1, 10))
      await store.put(entry(2, 20))
      await store.put(entry(1, 100, { attempts: 1 }))
      expect((await store.due(50, 10)).map(e => e.id)).toEqual([mid(2)])
      const [a, b] = await store.due(100, 10)
      expect(a.id).toBe(mid(2))
      expect(b).toMatchObject({ id: mid(1), attempts: 1, nextAttemptAt: 100 })
      expect(await store.count()).toBe(2)
      await store.delete(mid(1))
      expect((await store.due(1e12, 10)).map(e => e.id)).toEqual([mid(2)])
    })

    it('keeps both entries of concurrent puts and an index that matches', async () => {
      await Promise.all(Array.from({ length: 20 }, async (_, i) => await store.put(entry(i % 5, 100 - i))))
      const due = await store.due(1e12, 100)
      expect(due.map(e => e.id).sort()).toEqual([0, 1, 2, 3, 4].map(mid))
      for (const e of due) expect(await store.get(e.id)).toEqual(e)
    })

    it('refuses malformed entries with InvalidRecordError and stores nothing', async () => {
      const bad: Array<Partial<OutboxEntry>> = [
        { id: 'abc' }, { id: mid(1).toUpperCase().replace(/0/g, 'A') }, { to: '' }, { kind: 'Bad Kind' }, { kind: '' },
        { payload: new Uint8Array(MAX_OUTBOX_PAYLOAD_BYTES + 1) }, { attempts: -1 }, { nextAttemptAt: 1.5 }, { pendingDevices: [''] }
      ]
      for (const b of bad) await expect(store.put({ ...entry(1, 1), ...b })).rejects.toHaveProperty('name', 'InvalidRecordError')
      expect(await store.count()).toBe(0)
      await expect(store.get('nope')).rejects.toHaveProperty('name', 'InvalidRecordError')
      await store.put({ ...entry(1, 1), payload: new Uint8Array(MAX_OUTBOX_PAYLOAD_BYTES) })
      expect((await store.get(mid(1)))!.payload.length).toBe(MAX_OUTBOX_PAYLOAD_BYTES)
    })

    it('rejects an aborted call with AbortError', async () => {
      const signal = AbortSignal.abort()
      await expect(store.put(entry(1, 1), { signal })).rejects.toHaveProperty('name', 'AbortError')
      expect(await store.count()).toBe(0)
    })

    if (opts.persistent === true) it('keeps what was put and forgets what was deleted across a reopen', async () => {
      await store.put(entry(1, 10))
      await store.put(entry(2, 20))
      await store.put(entry(2, 5, { attempts: 3 }))
      await store.delete(mid(1))
      store = await h.reopen!()
      expect(await store.list()).toEqual([entry(2, 5, { attempts: 3 })])
      expect((await store.due(5, 10)).map(e => e.id)).toEqual([mid(2)])
    })
  })
}
