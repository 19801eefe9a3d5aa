// The relay's mailbox store over both KeyValueStore implementations (memory, LevelDB with reopen): ids, group commit, quotas, expiry, acks (only the owner's), live events, synced writes and failed writes.
import { describe, it, expect } from 'vitest'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { Level } from 'level'
import { MemoryKeyValueStore, openLevel, type BatchOptions, type KeyValueBatchOperation, type KeyValueStore, type WriteOptions } from '../../src/storage/index.js'
import { RelayMailboxStore, type RelayMailboxStoreInit } from '../../relay-node/src/mailbox/index.js'
import { deliveryKey, depositProof, MAX_ENVELOPE_BYTES, type MailboxEntry } from '../../src/protocols/mailbox/index.js'
import { levelFactory, type StoreFactory } from '../helpers/storage.js'
import { tempDir } from '../helpers/tmp.js'

const memoryKv: StoreFactory<KeyValueStore> = async () => ({ store: new MemoryKeyValueStore(), close: async () => {} })
const owner = { identityKey: new Uint8Array(32).fill(3), deviceId: 1 }
const relaxed = [{ max: 1_000_000, windowMs: 60_000 }]
/** tests of other rules than the stranger quota deposit without tokens: give untokened deposits the full quota there */
const roomy = { maxUntokenedEnvelopesPerMailbox: 1_000_000, maxUntokenedBytesPerMailbox: Number.MAX_SAFE_INTEGER }
const requester = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
const bytes = (n: number, fill = 1): Uint8Array => new Uint8Array(n).fill(fill)

function describeMailboxStore (name: string, factory: StoreFactory<KeyValueStore>, persistent: boolean): void {
  describe(`RelayMailboxStore (${name})`, () => {
    const open = (kv: KeyValueStore, init: Partial<RelayMailboxStoreInit> = {}): RelayMailboxStore =>
      new RelayMailboxStore({ kv, ...init, limits: { depositsPerPeer: relaxed, ...roomy, ...init.limits } })

    it('gives increasing ids, lists in order after a cursor, acks idempotently, and keeps mailboxes apart', async () => {
      const h = await factory()
      try {
        const s = open(h.store)
        const ids = await Promise.all(Array.from({ length: 300 }, async (_, i) => await s.deposit(owner, bytes(10, i), requester)))
        expect(new Set(ids).size).toBe(300)
        expect([...ids].sort()).toEqual(ids)
        expect(await s.usage(owner)).toEqual({ count: 300, bytes: 3000 })
        const first = await s.list(owner, undefined, 100, 1 << 20)
        expect(first.map(e => e.id)).toEqual(ids.slice(0, 100))
        expect((await s.list(owner, ids[199], 500, 1 << 20)).map(e => e.id)).toEqual(ids.slice(200))
        // byte-bounded pages stop once the bound is reached
        expect(await s.list(owner, undefined, 100, 25)).toHaveLength(3)
        expect(await s.list({ ...owner, deviceId: 2 }, undefined, 100, 1 << 20)).toEqual([])
        await s.ack(owner, [...ids.slice(0, 150), ids[0], 'zz', '0000000000000000'])
        await s.ack(owner, ids.slice(0, 10))
        expect(await s.usage(owner)).toEqual({ count: 150, bytes: 1500 })
        expect((await s.list(owner, undefined, 1000, 1 << 20)).map(e => e.id)).toEqual(ids.slice(150))
        expect(s.stats).toMatchObject({ deposited: 300, acked: 150 })
        await expect(s.list(owner, 'not-a-cursor', 10, 100)).rejects.toMatchObject({ name: 'InvalidMailboxRequestError' })
      } finally {
        await h.close()
      }
    })

    it("an ack naming another owner's ids deletes nothing of that owner, nor of the acker's own quota", async () => {
      const h = await factory()
      try {
        const s = open(h.store)
        const other = { identityKey: new Uint8Array(32).fill(4), deviceId: 1 }
        const sibling = { ...owner, deviceId: 2 }
        const ids = [await s.deposit(owner, bytes(10, 1), requester), await s.deposit(owner, bytes(10, 2), requester)]
        const otherId = await s.deposit(other, bytes(20, 3), requester)
        const siblingId = await s.deposit(sibling, bytes(30, 4), requester)
        // another identity and another device of the same identity ack the owner's ids (and their own)
        await s.ack(other, [...ids])
        await s.ack(sibling, [ids[0], siblingId])
        expect((await s.list(owner, undefined, 10, 1 << 20)).map(e => e.id)).toEqual(ids)
        expect(await s.usage(owner)).toEqual({ count: 2, bytes: 20 })
        expect(await s.usage(other)).toEqual({ count: 1, bytes: 20 })
        expect((await s.list(other, undefined, 10, 1 << 20)).map(e => e.id)).toEqual([otherId])
        expect(await s.usage(sibling)).toEqual({ count: 0, bytes: 0 })
        expect(s.stats.acked).toBe(1)
        if (persistent) {
          const again = open(await h.reopen!())
          expect((await again.list(owner, undefined, 10, 1 << 20)).map(e => e.id)).toEqual(ids)
          expect(await again.usage(owner)).toEqual({ count: 2, bytes: 20 })
        }
      } finally {
        await h.close()
      }
    })

    it('refuses over quota in count and bytes, also within one group commit', async () => {
      const h = await factory()
      try {
        const s = open(h.store, { limits: { maxEnvelopesPerMailbox: 5, maxBytesPerMailbox: 100 } })
        const results = await Promise.allSettled(Array.from({ length: 8 }, async () => await s.deposit(owner, bytes(10), requester)))
        expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(5)
        expect(results.filter(r => r.status === 'rejected').map(r => (r as PromiseRejectedResult).reason.name)).toEqual(['MailboxFullError', 'MailboxFullError', 'MailboxFullError'])
        await expect(s.deposit({ ...owner, deviceId: 9 }, bytes(101), requester)).rejects.toMatchObject({ name: 'MailboxFullError' })
        expect(await s.usage(owner)).toEqual({ count: 5, bytes: 50 })
        expect(s.stats.refused).toBe(4)
      } finally {
        await h.close()
      }
    })

    it('hides expired envelopes at once and sweeps them (synced, quota freed)', async () => {
      const h = await factory()
      try {
        let now = 1_700_000_000_000
        const s = open(h.store, { now: () => now, limits: { ttlMs: 60_000 } })
        const old = await s.deposit(owner, bytes(10), requester)
        now += 30_000
        const fresh = await s.deposit(owner, bytes(20), requester)
        now += 40_000
        expect((await s.list(owner, undefined, 10, 1 << 20)).map(e => e.id)).toEqual([fresh])
        expect(await s.sweep()).toBe(1)
        expect(await s.usage(owner)).toEqual({ count: 1, bytes: 20 })
        expect(s.stats.expired).toBe(1)
        await s.ack(owner, [old])
        expect(s.stats.acked).toBe(0)
        now += 60_000
        expect(await s.sweep()).toBe(1)
        expect(await s.usage(owner)).toEqual({ count: 0, bytes: 0 })
      } finally {
        await h.close()
      }
    })

    it('notifies subscribers of committed deposits only, until they unsubscribe', async () => {
      const h = await factory()
      try {
        const s = open(h.store, { limits: { maxEnvelopesPerMailbox: 1 } })
        const seen: MailboxEntry[] = []
        const off = s.subscribe(owner, e => seen.push(e))
        const id = await s.deposit(owner, bytes(5), requester)
        await expect(s.deposit(owner, bytes(5), requester)).rejects.toMatchObject({ name: 'MailboxFullError' })
        expect(seen.map(e => e.id)).toEqual([id])
        off()
        await s.ack(owner, [id])
        await s.deposit(owner, bytes(5), requester)
        expect(seen).toHaveLength(1)
      } finally {
        await h.close()
      }
    })

    it('gives deposits without a valid delivery-token proof a small shared quota, and proven ones the full quota', async () => {
      const h = await factory()
      try {
        const s = open(h.store, { limits: { maxEnvelopesPerMailbox: 20, maxBytesPerMailbox: 10_000, maxUntokenedEnvelopesPerMailbox: 3, maxUntokenedBytesPerMailbox: 1000 } })
        const token = new Uint8Array(32).fill(7)
        const key = deliveryKey(token, 'relay-a')
        await s.setDeliveryKey(owner, key)
        const proven = (env: Uint8Array) => ({ proof: depositProof(key, owner.identityKey, owner.deviceId, env) })
        // a stranger fills the shared quota and is refused past it
        const stranger = await Promise.allSettled(Array.from({ length: 5 }, async (_, i) => await s.deposit(owner, bytes(10, i), requester)))
        expect(stranger.map(r => r.status === 'fulfilled' ? 'ok' : (r.reason as Error).name)).toEqual(['ok', 'ok', 'ok', 'MailboxFullError', 'MailboxFullError'])
        // forged proofs are untokened: random bytes, a proof for other content, for another mailbox, from a key made for another relay
        const env = bytes(10, 9)
        const forged = [
          { proof: new Uint8Array(32).fill(1) },
          proven(bytes(10, 8)),
          { proof: depositProof(key, owner.identityKey, 2, env) },
          { proof: depositProof(deliveryKey(token, 'relay-b'), owner.identityKey, owner.deviceId, env) },
          { proof: new Uint8Array(0) }
        ]
        for (const f of forged) await expect(s.deposit(owner, env, requester, f)).rejects.toMatchObject({ name: 'MailboxFullError' })
        // a contact with the token still deposits, up to the full quota
        for (let i = 0; i < 17; i++) await s.deposit(owner, bytes(10, 100 + i), requester, proven(bytes(10, 100 + i)))
        await expect(s.deposit(owner, env, requester, proven(env))).rejects.toMatchObject({ name: 'MailboxFullError' })
        expect(await s.usage(owner)).toEqual({ count: 20, bytes: 200 })
        expect(await s.untokenedUsage(owner)).toEqual({ count: 3, bytes: 30 })
        expect(s.stats.untokened).toBe(3)
        // acking a stranger's envelope frees the shared quota again
        const [first] = await s.list(owner, undefined, 1, 1 << 20)
        await s.ack(owner, [first.id])
        expect(await s.untokenedUsage(owner)).toEqual({ count: 2, bytes: 20 })
        await s.deposit(owner, bytes(10, 50), requester)
        // a new key (the owner rotated its token) replaces the old one: old proofs are untokened from then on
        const rotated = deliveryKey(new Uint8Array(32).fill(8), 'relay-a')
        await s.setDeliveryKey(owner, rotated)
        // room in the full quota (a contact's envelope acked), none in the shared one
        await s.ack(owner, [(await s.list(owner, undefined, 100, 1 << 20))[2].id])
        await expect(s.deposit(owner, env, requester, proven(env))).rejects.toMatchObject({ name: 'MailboxFullError' })
        await s.deposit(owner, env, requester, { proof: depositProof(rotated, owner.identityKey, owner.deviceId, env) })
        if (persistent) {
          const again = open(await h.reopen!(), { limits: { maxEnvelopesPerMailbox: 20, maxBytesPerMailbox: 10_000, maxUntokenedEnvelopesPerMailbox: 3, maxUntokenedBytesPerMailbox: 1000 } })
          expect(await again.untokenedUsage(owner)).toEqual({ count: 3, bytes: 30 })
        }
      } finally {
        await h.close()
      }
    })

    it('refuses unknown owners and rate-limits a peer', async () => {
      const h = await factory()
      try {
        const s = new RelayMailboxStore({ kv: h.store, isKnownOwner: async o => o.deviceId === 1, limits: { depositsPerPeer: [{ max: 3, windowMs: 60_000 }] } })
        await expect(s.deposit({ ...owner, deviceId: 2 }, bytes(5), requester)).rejects.toMatchObject({ name: 'UnknownMailboxError' })
        await s.deposit(owner, bytes(5), requester)
        await s.deposit(owner, bytes(5), requester)
        const err = await s.deposit(owner, bytes(5), requester).catch(e => e)
        expect(err.name).toBe('RateLimitedError')
        expect(err.retryAfterMs).toBeGreaterThan(0)
        const other = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
        await expect(s.deposit(owner, bytes(5), other)).resolves.toMatch(/^[0-9a-f]{16}$/)
      } finally {
        await h.close()
      }
    })

    it('takes an envelope of exactly the maximum size and fills a quota to the byte, not one byte more', async () => {
      const h = await factory()
      try {
        const s = open(h.store, { limits: { maxEnvelopesPerMailbox: 10, maxBytesPerMailbox: MAX_ENVELOPE_BYTES + 30 } })
        await expect(s.deposit(owner, bytes(MAX_ENVELOPE_BYTES + 1), requester)).rejects.toMatchObject({ name: 'EnvelopeTooLargeError' })
        await s.deposit(owner, bytes(MAX_ENVELOPE_BYTES), requester)
        await s.deposit(owner, bytes(20), requester)
        await expect(s.deposit(owner, bytes(11), requester)).rejects.toMatchObject({ name: 'MailboxFullError' })
        await s.deposit(owner, bytes(10), requester)
        expect(await s.usage(owner)).toEqual({ count: 3, bytes: MAX_ENVELOPE_BYTES + 30 })
        // the shared quota of untokened deposits, by bytes over several deposits
        const t = open(h.store, { limits: { maxUntokenedEnvelopesPerMailbox: 10, maxUntokenedBytesPerMailbox: 50 } })
        const other = { ...owner, deviceId: 5 }
        await t.deposit(other, bytes(20), requester)
        await t.deposit(other, bytes(20), requester)
        await expect(t.deposit(other, bytes(11), requester)).rejects.toMatchObject({ name: 'MailboxFullError', message: expect.stringContaining('delivery token') })
        await t.deposit(other, bytes(10), requester)
        expect(await t.untokenedUsage(other)).toEqual({ count: 3, bytes: 50 })
        // the full quota's error names its limits
        const u = open(h.store, { limits: { maxEnvelopesPerMailbox: 1, maxBytesPerMailbox: 999 } })
        const third = { ...owner, deviceId: 6 }
        await u.deposit(third, bytes(1), requester)
        await expect(u.deposit(third, bytes(1), requester)).rejects.toThrow('the mailbox holds its quota (1 envelopes, 999 bytes)')
      } finally {
        await h.close()
      }
    })

    it('lists an envelope until its TTL has passed, stamps it with its time, ends a page at the byte bound and counts what it handed out', async () => {
      const h = await factory()
      try {
        let now = 1_700_000_000_000
        const s = open(h.store, { now: () => now, limits: { ttlMs: 60_000 } })
        const ids = [await s.deposit(owner, bytes(10, 1), requester), await s.deposit(owner, bytes(10, 2), requester), await s.deposit(owner, bytes(10, 3), requester)]
        const listed = await s.list(owner, undefined, 10, 1 << 20)
        expect(listed.map(e => e.receivedAt)).toEqual([now, now, now])
        expect(listed.map(e => e.envelope[0])).toEqual([1, 2, 3])
        // a page stops once its bytes reach the bound, the bound included
        expect((await s.list(owner, undefined, 10, 20)).map(e => e.id)).toEqual(ids.slice(0, 2))
        expect((await s.list(owner, undefined, 10, 21)).map(e => e.id)).toEqual(ids)
        expect(s.stats.delivered).toBe(8)
        now += 60_000
        expect((await s.list(owner, undefined, 10, 1 << 20)).map(e => e.id)).toEqual(ids)
        now += 1
        expect(await s.list(owner, undefined, 10, 1 << 20)).toEqual([])
      } finally {
        await h.close()
      }
    })

    it('keeps counting ids in the same millisecond past 65,535 by moving to the next millisecond, and survives a corrupt last id', async () => {
      const h = await factory()
      try {
        const now = 1_700_000_000_000
        const idOf = (ms: number, seq: number): string => ms.toString(16).padStart(12, '0') + seq.toString(16).padStart(4, '0')
        await h.store.put('l', new TextEncoder().encode(idOf(now, 0xfffe)))
        const s = open(h.store, { now: () => now })
        expect(await s.deposit(owner, bytes(1), requester)).toBe(idOf(now, 0xffff))
        expect(await s.deposit(owner, bytes(1), requester)).toBe(idOf(now + 1, 0))
        expect(await s.deposit(owner, bytes(1), requester)).toBe(idOf(now + 1, 1))
        // the last id read back from the store continues its sequence
        await h.store.put('l', new TextEncoder().encode(idOf(now + 5, 7)))
        expect(await open(h.store, { now: () => now + 5 }).deposit(owner, bytes(1), requester)).toBe(idOf(now + 5, 8))
        // a value that is not an id is ignored
        await h.store.put('l', new TextEncoder().encode('not an id'))
        expect(await open(h.store, { now: () => now + 9 }).deposit(owner, bytes(1), requester)).toBe(idOf(now + 9, 0))
        // a clock at the epoch still gives the first id
        expect(await open(new MemoryKeyValueStore(), { now: () => 0 }).deposit(owner, bytes(1), requester)).toBe(idOf(0, 0))
      } finally {
        await h.close()
      }
    })

    it('tells every subscriber of a mailbox, and one leaving does not silence the others', async () => {
      const h = await factory()
      try {
        const s = open(h.store)
        const a: string[] = []
        const b: string[] = []
        const offA = s.subscribe(owner, e => a.push(e.id))
        const offB = s.subscribe(owner, e => b.push(e.id))
        s.subscribe(owner, () => { throw new Error('a broken listener') })
        const first = await s.deposit(owner, bytes(1), requester)
        offA()
        offA()
        const second = await s.deposit(owner, bytes(1), requester)
        expect(a).toEqual([first])
        expect(b).toEqual([first, second])
        offB()
        const c: string[] = []
        s.subscribe(owner, e => c.push(e.id))
        const third = await s.deposit(owner, bytes(1), requester)
        expect(c).toEqual([third])
        expect(b).toEqual([first, second])
      } finally {
        await h.close()
      }
    })

    it('refuses every later deposit on a stream once one was rate-limited, counts a proof without a delivery key as untokened, and checks a delivery key', async () => {
      const h = await factory()
      try {
        let now = 1_700_000_000_000
        const s = open(h.store, { now: () => now, limits: { depositsPerPeer: [{ max: 1, windowMs: 1000 }], maxUntokenedEnvelopesPerMailbox: 1 } })
        const stream: { refused?: Error } = {}
        await s.deposit(owner, bytes(1), requester, { stream })
        const refused = await s.deposit(owner, bytes(1), requester, { stream }).catch(e => e)
        expect(refused).toMatchObject({ name: 'RateLimitedError', message: 'too many deposits; retry in 1 s' })
        expect(stream.refused).toBe(refused)
        now += 5000
        await expect(s.deposit(owner, bytes(1), requester, { stream })).rejects.toBe(refused)
        // a proof counts only against a delivery key the owner set: with none, the deposit is untokened (and the shared quota of 1 is full)
        await expect(s.deposit(owner, bytes(1), requester, { proof: new Uint8Array(32).fill(1) })).rejects.toMatchObject({ name: 'MailboxFullError' })
        await expect(s.setDeliveryKey(owner, new Uint8Array(31))).rejects.toMatchObject({ name: 'InvalidMailboxRequestError' })
        await expect(s.setDeliveryKey(owner, new Uint8Array(33))).rejects.toMatchObject({ name: 'InvalidMailboxRequestError' })
      } finally {
        await h.close()
      }
    })

    if (persistent) {
      it('keeps envelopes and quotas across a reopen, and ids keep increasing even when the clock steps back', async () => {
        const h = await factory()
        try {
          let now = 1_800_000_000_000
          const s = open(h.store, { now: () => now })
          const before = await Promise.all([1, 2, 3].map(async i => await s.deposit(owner, bytes(7, i), requester)))
          const kv = await h.reopen!()
          now -= 3_600_000
          const again = open(kv, { now: () => now })
          expect(await again.usage(owner)).toEqual({ count: 3, bytes: 21 })
          await again.ack(owner, before)
          const after = await again.deposit(owner, bytes(7), requester)
          expect(after > before[2]).toBe(true)
          expect((await again.list(owner, undefined, 10, 1 << 20)).map(e => e.id)).toEqual([after])
        } finally {
          await h.close()
        }
      })

      it('a commit with no deposit (an ack) keeps the last id, so ids still increase after a reopen with the clock stepped back', async () => {
        const h = await factory()
        try {
          let now = 1_800_000_000_000
          const s = open(h.store, { now: () => now })
          const first = await s.deposit(owner, bytes(7), requester)
          await s.ack(owner, [first])
          now -= 3_600_000
          const again = open(await h.reopen!(), { now: () => now })
          expect(await again.deposit(owner, bytes(7), requester) > first).toBe(true)
        } finally {
          await h.close()
        }
      })
    }
  })
}

describeMailboxStore('memory', memoryKv, false)
describeMailboxStore('level', levelFactory(s => s.kv('relay-mailbox')), true)

/** A KeyValueStore passing everything to `inner`, recording the options of every write and failing writes while `failing` is set. */
class RecordingKeyValueStore implements KeyValueStore {
  readonly writes: Array<{ kind: 'batch' | 'put' | 'del', options: WriteOptions | undefined }> = []
  failing = false
  constructor (private readonly inner: KeyValueStore) {}
  private write (kind: 'batch' | 'put' | 'del', options: WriteOptions | undefined): void {
    this.writes.push({ kind, options })
    if (this.failing) throw Object.assign(new Error('disk full'), { name: 'DiskFullError' })
  }

  get: KeyValueStore['get'] = async (key, options) => await this.inner.get(key, options)
  iterate: KeyValueStore['iterate'] = (range, options) => this.inner.iterate(range, options)
  prepare: KeyValueStore['prepare'] = (ops) => this.inner.prepare(ops)
  scope: KeyValueStore['scope'] = (prefix) => this.inner.scope(prefix)
  async put (key: string, value: Uint8Array, options?: WriteOptions): Promise<void> { this.write('put', options); await this.inner.put(key, value, options) }
  async del (key: string, options?: WriteOptions): Promise<void> { this.write('del', options); await this.inner.del(key, options) }
  async batch (ops: KeyValueBatchOperation[], options?: BatchOptions): Promise<void> { this.write('batch', options); await this.inner.batch(ops, options) }
}

describe('RelayMailboxStore durability', () => {
  const limits = { depositsPerPeer: relaxed, ...roomy }

  it('writes every deposit, ack, sweep and delivery key synced', async () => {
    const kv = new RecordingKeyValueStore(new MemoryKeyValueStore())
    let now = 1_700_000_000_000
    const s = new RelayMailboxStore({ kv, now: () => now, limits: { ...limits, ttlMs: 60_000 } })
    const ids = await Promise.all([1, 2, 3].map(async i => await s.deposit(owner, bytes(10, i), requester)))
    await s.ack(owner, [ids[0]])
    await s.setDeliveryKey(owner, new Uint8Array(32).fill(5))
    now += 120_000
    expect(await s.sweep()).toBe(2)
    expect(kv.writes.map(w => w.kind)).toContain('batch')
    expect(kv.writes.map(w => w.kind)).toContain('put')
    expect(kv.writes.filter(w => w.options?.sync !== true)).toEqual([])
  })

  it('writes a delivery key only when it changed, and nothing for an ack that deletes nothing', async () => {
    const kv = new RecordingKeyValueStore(new MemoryKeyValueStore())
    const s = new RelayMailboxStore({ kv, limits })
    await s.setDeliveryKey(owner, new Uint8Array(32).fill(5))
    await s.setDeliveryKey(owner, new Uint8Array(32).fill(5))
    expect(kv.writes).toHaveLength(1)
    const changed = new Uint8Array(32).fill(5)
    changed[31] = 6
    await s.setDeliveryKey(owner, changed)
    expect(kv.writes).toHaveLength(2)
    await s.ack(owner, ['0000000000000001', 'zz'])
    expect(kv.writes).toHaveLength(2)
  })

  it('passes the sync down to LevelDB: every write the store makes reaches the database with sync: true', async () => {
    const dir = await tempDir('parley-mailbox-sync-')
    const db = new Level<string, Uint8Array>(dir.path, { keyEncoding: 'utf8', valueEncoding: 'view' })
    // sublevels forward their writes to the root database: record what it is asked to do
    const seen: Array<{ kind: string, sync: unknown }> = []
    const batch = db.batch.bind(db) as (ops: unknown, options: unknown) => Promise<void>
    const put = db.put.bind(db) as (key: unknown, value: unknown, options: unknown) => Promise<void>
    Object.assign(db, {
      batch: async (ops: unknown, options?: { sync?: unknown }) => { seen.push({ kind: 'batch', sync: options?.sync }); await batch(ops, options) },
      put: async (key: unknown, value: unknown, options?: { sync?: unknown }) => { seen.push({ kind: 'put', sync: options?.sync }); await put(key, value, options) }
    })
    const storage = await openLevel(db)
    try {
      const s = new RelayMailboxStore({ kv: storage.kv('relay-mailbox'), limits })
      const ids = await Promise.all([1, 2].map(async i => await s.deposit(owner, bytes(10, i), requester)))
      await s.ack(owner, ids)
      await s.setDeliveryKey(owner, new Uint8Array(32).fill(5))
      expect(seen.filter(w => w.kind === 'batch').length).toBeGreaterThanOrEqual(2)
      expect(seen.filter(w => w.kind === 'put')).toHaveLength(1)
      expect(seen.filter(w => w.sync !== true)).toEqual([])
    } finally {
      await storage.close()
      await db.close()
      await dir.remove()
    }
  })

  it('a failed write rejects the deposit or the ack and leaves what was listed before', async () => {
    const kv = new RecordingKeyValueStore(new MemoryKeyValueStore())
    const s = new RelayMailboxStore({ kv, limits })
    const seen: MailboxEntry[] = []
    s.subscribe(owner, e => seen.push(e))
    kv.failing = true
    const refused = await Promise.allSettled([1, 2, 3].map(async i => await s.deposit(owner, bytes(10, i), requester)))
    expect(refused.map(r => r.status === 'rejected' ? (r.reason as Error).name : 'ok')).toEqual(['DiskFullError', 'DiskFullError', 'DiskFullError'])
    expect(await s.list(owner, undefined, 10, 1 << 20)).toEqual([])
    expect(await s.usage(owner)).toEqual({ count: 0, bytes: 0 })
    expect(seen).toEqual([])
    kv.failing = false
    const id = await s.deposit(owner, bytes(10, 4), requester)
    expect(seen.map(e => e.id)).toEqual([id])
    kv.failing = true
    await expect(s.ack(owner, [id])).rejects.toMatchObject({ name: 'DiskFullError' })
    expect((await s.list(owner, undefined, 10, 1 << 20)).map(e => e.id)).toEqual([id])
    expect(await s.usage(owner)).toEqual({ count: 1, bytes: 10 })
    expect(s.stats.acked).toBe(0)
    kv.failing = false
    await s.ack(owner, [id])
    expect(await s.list(owner, undefined, 10, 1 << 20)).toEqual([])
  })
})
