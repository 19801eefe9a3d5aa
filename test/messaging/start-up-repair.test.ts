// What start-up repairs, on memory storage: pending texts with no outbox entry queued again or failed at their TTL (stuck-texts.ts), and the owed-text marks (owed-texts.ts) that say which texts still need their 'message' event or delivered receipt.
import { describe, expect, it } from 'vitest'
import { repairStuckTexts } from '../../src/messaging/stuck-texts.js'
import { OwedTexts } from '../../src/messaging/owed-texts.js'
import { MAX_HISTORY_PAGE, MemoryKeyValueStore, SyncGroup, type BatchOptions, type KeyValueBatchOperation, type OutboxEntry, type Storage, type StoredMessage, type WriteOptions } from '../../src/storage/index.js'
import { memoryBackend } from '../helpers/storage.js'

const DAY = 24 * 60 * 60_000
const TTL = 30 * DAY
const NOW = 1_800_000_000_000
const id = (n: number): string => n.toString(16).padStart(32, '0')

async function storage (): Promise<Storage> {
  return await memoryBackend().open()
}

const out = (conversation: string, n: number, timestamp: number, status: StoredMessage['status'] = 'pending'): StoredMessage =>
  ({ id: id(n), conversation, direction: 'out', sender: '+15550000000', text: `text ${n}`, timestamp, receivedAt: timestamp, status })
const entryOf = (m: StoredMessage): OutboxEntry =>
  ({ id: m.id, to: m.conversation, kind: 'message', payload: new Uint8Array([1]), createdAt: m.timestamp, expiresAt: m.timestamp + TTL, attempts: 0, nextAttemptAt: m.timestamp })

describe('repairStuckTexts', () => {
  it('queues pending texts that have no outbox entry, fails those past the TTL, and leaves everything else', async () => {
    const s = await storage()
    try {
      const stuck = out('+15551000001', 1, NOW - DAY)
      const queued = out('+15551000001', 2, NOW - DAY + 1)
      const expired = out('+15551000001', 3, NOW - TTL)
      const sent = out('+15551000001', 4, NOW - DAY + 2, 'sent')
      for (const m of [stuck, queued, expired, sent]) await s.messages.addOutgoing(m)
      await s.outbox.put(entryOf(queued))
      await s.messages.addIncoming({ id: id(5), conversation: '+15551000001', direction: 'in', sender: '+15551000001', text: 'in', timestamp: NOW - 10, receivedAt: NOW - 10, status: 'delivered' })
      const failed: string[] = []
      const made: string[] = []
      const r = await repairStuckTexts({
        messages: s.messages,
        outbox: s.outbox,
        now: () => NOW,
        ttl: TTL,
        fail: async m => { failed.push(m.id) },
        entryFor: async m => { made.push(m.id); return entryOf(m) }
      })
      expect(r).toEqual({ queued: 1, failed: 1 })
      expect(failed).toEqual([expired.id])
      expect(made).toEqual([stuck.id])
      expect((await s.outbox.get(stuck.id))?.id).toBe(stuck.id)
      // a second run finds nothing to do (the failed one is the caller's to mark)
      expect(await repairStuckTexts({ messages: s.messages, outbox: s.outbox, now: () => NOW, ttl: TTL, fail: async () => {}, entryFor: async m => entryOf(m) })).toEqual({ queued: 0, failed: 1 })
    } finally {
      await s.close()
    }
  })

  it('leaves a group chat\'s pending messages alone: they wait in the group outbox, not the 1:1 one', async () => {
    const s = await storage()
    try {
      const group = `group:${'ab'.repeat(32)}`
      await s.messages.addOutgoing(out(group, 1, NOW - DAY))
      await s.messages.addOutgoing(out(group, 2, NOW - TTL))
      const asked: string[] = []
      const r = await repairStuckTexts({ messages: s.messages, outbox: s.outbox, now: () => NOW, ttl: TTL, fail: async m => { asked.push(m.id) }, entryFor: async m => { asked.push(m.id); return entryOf(m) } })
      expect(r).toEqual({ queued: 0, failed: 0 })
      expect(asked).toEqual([])
      expect(await s.outbox.count()).toBe(0)
    } finally {
      await s.close()
    }
  })

  it('stops at once while the device cannot send (not registered), and skips conversations last updated before the TTL', async () => {
    const s = await storage()
    try {
      await s.messages.addOutgoing(out('+15551000002', 1, NOW - 2 * TTL))
      await s.messages.addOutgoing(out('+15551000003', 2, NOW - 5))
      await s.messages.addOutgoing(out('+15551000003', 3, NOW - 4))
      let asked = 0
      const r = await repairStuckTexts({ messages: s.messages, outbox: s.outbox, now: () => NOW, ttl: TTL, fail: async () => { throw new Error('nothing is failed here') }, entryFor: async () => { asked++; return undefined } })
      expect(r).toEqual({ queued: 0, failed: 0 })
      expect(asked).toBe(1)
      expect(await s.outbox.count()).toBe(0)
    } finally {
      await s.close()
    }
  })

  it('pages through a conversation longer than one history page', async () => {
    const s = await storage()
    try {
      const n = MAX_HISTORY_PAGE + 20
      for (let i = 0; i < n; i++) await s.messages.addOutgoing(out('+15551000004', i, NOW - DAY + i))
      const r = await repairStuckTexts({ messages: s.messages, outbox: s.outbox, now: () => NOW, ttl: TTL, fail: async () => {}, entryFor: async m => entryOf(m) })
      expect(r).toEqual({ queued: n, failed: 0 })
      expect(await s.outbox.count()).toBe(n)
    } finally {
      await s.close()
    }
  })
})

describe('OwedTexts', () => {
  const sender = { identityKey: new Uint8Array(32).fill(9), deviceId: 3 }

  it('a mark is written with its text, marked announced, listed, and settled in one write with the receipt', async () => {
    const s = await storage()
    try {
      const owed = new OwedTexts(s.kv('owed'))
      const text = { id: id(1), conversation: '+15552000001', direction: 'in' as const, sender: '+15552000001', text: 'hi', timestamp: NOW, receivedAt: NOW, status: 'delivered' as const }
      await s.messages.addIncoming(text, { with: [owed.prepare('+15552000001', id(1), sender)] })
      await s.messages.addIncoming({ ...text, id: id(2) }, { with: [owed.prepare('+15552000001', id(2), sender)] })
      expect(await owed.current('+15552000001', id(1))).toEqual({ announced: false })
      await owed.announced('+15552000001', id(1), sender)
      expect(await owed.current('+15552000001', id(1))).toEqual({ announced: true })
      const listed = []
      for await (const t of owed.list()) listed.push(t)
      expect(listed).toEqual([
        { from: '+15552000001', id: id(1), sender, announced: true },
        { from: '+15552000001', id: id(2), sender, announced: false }
      ])
      const receipt = s.outbox.prepareInsert({ ...entryOf(out('+15552000001', 9, NOW)), kind: 'receipt' })
      // the settle waits for an "announced" write still in flight, so no mark is left behind
      const late = owed.announced('+15552000001', id(2), sender)
      await owed.settle('+15552000001', [id(1), id(2)], [receipt])
      await late
      expect(await owed.current('+15552000001', id(1))).toBeUndefined()
      expect(await owed.current('+15552000001', id(2))).toBeUndefined()
      expect(await s.outbox.count()).toBe(1)
    } finally {
      await s.close()
    }
  })

  it('skips marks it cannot read in the list, and reads a damaged mark as not announced', async () => {
    const s = await storage()
    try {
      const kv = s.kv('owed')
      const owed = new OwedTexts(kv)
      await kv.put(`+15552000002/${id(1)}`, new TextEncoder().encode('not json'))
      await kv.put(`+15552000002/${id(2)}`, new TextEncoder().encode(JSON.stringify({ a: 'yes', k: 'aa', d: 1 })))
      await kv.put(`+15552000002/${id(3)}`, new TextEncoder().encode(JSON.stringify({ a: true, k: 7, d: 1 })))
      await kv.put(`+15552000002/${id(4)}`, new TextEncoder().encode(JSON.stringify({ a: true, k: 'aa', d: '1' })))
      await kv.put(`+15552000002/${id(5)}`, new TextEncoder().encode(JSON.stringify({ a: false, k: '0909', d: 2 })))
      const listed = []
      for await (const t of owed.list()) listed.push(t)
      expect(listed).toEqual([{ from: '+15552000002', id: id(5), sender: { identityKey: new Uint8Array([9, 9]), deviceId: 2 }, announced: false }])
      expect(await owed.current('+15552000002', id(1))).toEqual({ announced: false })
      expect(await owed.current('+15552000002', id(2))).toEqual({ announced: false })
      expect(await owed.current('+15552000002', id(3))).toEqual({ announced: true })
    } finally {
      await s.close()
    }
  })
})

describe('repairStuckTexts: how far it looks', () => {
  const since = NOW - TTL

  /** the store's history reads, counted */
  function counted (s: Storage) {
    const reads: string[] = []
    const messages: Storage['messages'] = Object.create(s.messages, {
      history: { value: async (c: string, o?: Parameters<Storage['messages']['history']>[1]) => { reads.push(c); return await s.messages.history(c, o) } },
      conversations: { value: async (o?: Parameters<Storage['messages']['conversations']>[0]) => await s.messages.conversations(o) }
    })
    return { messages, reads }
  }

  async function repair (s: Storage, messages: Storage['messages']) {
    const failed: string[] = []
    const queued: string[] = []
    const r = await repairStuckTexts({ messages, outbox: s.outbox, now: () => NOW, ttl: TTL, fail: async m => { failed.push(m.id) }, entryFor: async m => { queued.push(m.id); return entryOf(m) } })
    return { r, failed, queued }
  }

  it('scans the conversations updated since now − TTL (the one updated exactly then too), newest first, and no older one', async () => {
    const s = await storage()
    try {
      // updated exactly at the bound: a pending text still within its TTL there is queued
      await s.messages.addOutgoing({ ...out('+15551000011', 1, since + 1), receivedAt: since })
      // updated just before the bound: left alone, though its pending text is past its TTL
      await s.messages.addOutgoing(out('+15551000012', 2, since - 1))
      const { messages, reads } = counted(s)
      const { r, failed, queued } = await repair(s, messages)
      expect(r).toEqual({ queued: 1, failed: 0 })
      expect(queued).toEqual([id(1)])
      expect(failed).toEqual([])
      expect(reads).toEqual(['+15551000011'])
    } finally {
      await s.close()
    }
  })

  it('reads one page of a short conversation, and pages back one page at a time, each text once', async () => {
    const s = await storage()
    try {
      for (let i = 0; i < 3; i++) await s.messages.addOutgoing(out('+15551000013', i, NOW - DAY + i))
      const short = counted(s)
      expect((await repair(s, short.messages)).r).toEqual({ queued: 3, failed: 0 })
      expect(short.reads).toHaveLength(1)
      // a long one: 20 past their TTL at the old end, the rest within it
      const n = MAX_HISTORY_PAGE + 20
      for (let i = 0; i < n; i++) await s.messages.addOutgoing(out('+15551000014', 100 + i, i < 20 ? since - 1000 + i : NOW - DAY + i))
      const long = counted(s)
      const { r, failed, queued } = await repair(s, long.messages)
      expect(r).toEqual({ queued: n - 20, failed: 20 })
      expect(new Set(failed).size).toBe(20)
      expect(new Set(queued).size).toBe(n - 20)
      expect(long.reads.filter(c => c === '+15551000014')).toHaveLength(2)
    } finally {
      await s.close()
    }
  })

  it('stops paging once a page reaches back past now − TTL, and goes on while its oldest text is exactly at the bound', async () => {
    const s = await storage()
    try {
      // a full page whose oldest text is older than the bound: the older texts behind it are not read
      for (let i = 0; i < 150; i++) await s.messages.addOutgoing(out('+15551000015', i, since - 1000 + i))
      for (let i = 0; i < MAX_HISTORY_PAGE - 50; i++) await s.messages.addOutgoing(out('+15551000015', 1000 + i, NOW - DAY + i))
      const past = counted(s)
      const first = await repair(s, past.messages)
      expect(first.r).toEqual({ queued: MAX_HISTORY_PAGE - 50, failed: 50 })
      expect(past.reads).toHaveLength(1)
    } finally {
      await s.close()
    }
    const t = await storage()
    try {
      // a full page whose oldest text is exactly at the bound: the next page is read too
      for (let i = 0; i < 10; i++) await t.messages.addOutgoing(out('+15551000016', i, since - 100 + i))
      await t.messages.addOutgoing(out('+15551000016', 500, since))
      for (let i = 0; i < MAX_HISTORY_PAGE - 1; i++) await t.messages.addOutgoing(out('+15551000016', 1000 + i, NOW - DAY + i))
      const at = counted(t)
      const second = await repair(t, at.messages)
      expect(second.r).toEqual({ queued: MAX_HISTORY_PAGE - 1, failed: 11 })
      expect(at.reads).toHaveLength(2)
    } finally {
      await t.close()
    }
  })
})

describe('OwedTexts: writes in flight', () => {
  class HeldStore extends MemoryKeyValueStore {
    /** while set, writes wait for it */
    gate?: Promise<void>
    batches: Array<BatchOptions | undefined> = []
    override async put (key: string, value: Uint8Array, options?: WriteOptions): Promise<void> {
      const gate = this.gate
      if (gate != null) await gate
      await super.put(key, value, options)
    }

    override async batch (operations: KeyValueBatchOperation[], options?: BatchOptions): Promise<void> {
      this.batches.push(options)
      await super.batch(operations, options)
    }
  }
  const sender = { identityKey: new Uint8Array(32).fill(9), deviceId: 3 }
  const FROM = '+15552000003'
  /** lets every pending promise job and I/O callback run */
  const turn = async (): Promise<void> => { await new Promise(resolve => setImmediate(resolve)) }

  it('announced resolves once its write is done, and a settle meanwhile waits for that write: no mark is left', async () => {
    const store = new HeldStore()
    const owed = new OwedTexts(store)
    let open!: () => void
    store.gate = new Promise(resolve => { open = resolve })
    let announced = false
    let settled = false
    const a = owed.announced(FROM, id(1), sender).then(() => { announced = true })
    store.gate = undefined
    const s = owed.settle(FROM, [id(1)], []).then(() => { settled = true })
    await turn()
    expect(announced).toBe(false)
    expect(settled).toBe(false)
    open()
    await Promise.all([a, s])
    expect(await owed.current(FROM, id(1))).toBeUndefined()
  })

  it("settles in one synced batch with the caller's group and the receipts", async () => {
    const store = new HeldStore()
    const owed = new OwedTexts(store)
    await owed.announced(FROM, id(1), sender)
    await owed.announced(FROM, id(2), sender)
    const syncGroup = new SyncGroup()
    await owed.settle(FROM, [id(1), id(2)], [], { syncGroup })
    expect(store.batches).toEqual([{ syncGroup, sync: true, with: [] }])
    expect(await owed.current(FROM, id(1))).toBeUndefined()
    expect(await owed.current(FROM, id(2))).toBeUndefined()
  })
})
