/** The client's group store (src/groups/store/): one shared suite over the memory storage and LevelDB in a temp folder (closed and reopened), every method, idempotence, bounds, forgetting, the sweep, receipts, and bad input losing nothing. */
import { sha256 } from '@noble/hashes/sha2.js'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MAX_DEVICES, MAX_RELAYS } from '../../src/directory/index.js'
import {
  GROUP_STORE_NAME, GroupNotStoredError, GroupStore, GroupStoreInputError, GroupStoreLimitError, MAX_CAUSAL_HISTORY_BYTES, MAX_CHANGES_PER_WRITE,
  MAX_DEVICES_PER_MEMBER, MAX_DISTRIBUTED_DEVICES, MAX_GROUP_CHANGE_BYTES, MAX_GROUP_RELAYS, MAX_RECEIPTS_PER_MESSAGE, MAX_RELAY_CURSOR_BYTES,
  MAX_RELAY_PEER_ID_LENGTH, MAX_SENDERS_PER_CHAIN, NoOwnSenderChainError, RelayNotRegisteredError, SWEEP_BATCH, type GroupRecord, type StoredChange,
  InvalidGroupPhotoError, MAX_GROUP_PHOTO_BYTES
} from '../../src/groups/index.js'
import { MAX_SENDER_KEY_STATES } from '../../src/crypto/sender-key.js'
import { toHex } from '../../src/crypto/bytes.js'
import {
  AbortError, CorruptRecordError, InvalidStoreKeyError, SEEN_RETENTION_MS, SyncGroup, createMemoryStorage, type Storage, type StoredMessage
} from '../../src/storage/index.js'
import { levelBackend, memoryBackend, type StorageBackend } from '../helpers/storage.js'
import { collect } from '../storage/suites/harness.js'

const T0 = 1_800_000_000_000
const filled = (length: number, n: number): Uint8Array => new Uint8Array(length).fill(n)
const gid = (n: number): Uint8Array => filled(32, n)
const ref = (n: number): Uint8Array => filled(16, n)
const hash = (n: number): Uint8Array => filled(32, n)
const idKey = (n: number): Uint8Array => filled(32, n)
const device = (n: number, deviceId = 1): { identityKey: Uint8Array, deviceId: number } => ({ identityKey: idKey(n), deviceId })
const msgId = (n: number): string => n.toString(16).padStart(32, '0')
const member = (n: number): string => `+1555${String(1_000_000 + n).padStart(7, '0')}`
const change = (n: number, size = 100): StoredChange => ({ hash: hash(n), bytes: filled(size, n) })
/** The smallest thing that passes as a JPEG (its magic bytes), with some body. */
const PHOTO = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4])
const A = gid(0xa)
const B = gid(0xb)

function describeGroupStore (name: string, backend: () => StorageBackend | Promise<StorageBackend>, persistent: boolean): void {
  describe(`GroupStore: ${name}`, () => {
    let b: StorageBackend
    let storage: Storage
    let store: GroupStore
    beforeEach(async () => {
      b = await backend()
      storage = await b.open()
      store = new GroupStore(storage.kv(GROUP_STORE_NAME))
    })
    afterEach(async () => { await b.dispose(storage) })

    /** Closes and reopens over the same data (memory: the same storage) and builds a fresh store on it. */
    const reopen = async (): Promise<void> => {
      storage = await b.reopen(storage)
      store = new GroupStore(storage.kv(GROUP_STORE_NAME))
    }
    /** Every entry of the store as `key=sha256(value)` (values of up to 1 MiB compare fast). */
    const snapshot = async (): Promise<string[]> => (await collect(storage.kv(GROUP_STORE_NAME).iterate())).map(e => `${e.key}=${toHex(sha256(e.value))}`)
    /** The call is refused with `cls`, and the store holds exactly what it held before. */
    const refused = async (call: () => Promise<unknown>, cls: new (...args: never[]) => Error): Promise<void> => {
      const before = await snapshot()
      await expect(call()).rejects.toBeInstanceOf(cls)
      expect(await snapshot()).toEqual(before)
    }
    /** A message stored with `with`, to show prepared writes landing with another store's write. */
    const message = (id: number): StoredMessage => ({
      id: msgId(id), conversation: member(1), direction: 'in', sender: member(1), text: 'hi', timestamp: T0, receivedAt: T0, status: 'delivered'
    })

    /** Puts something of every kind for `g`. */
    const fill = async (g: Uint8Array): Promise<void> => {
      await store.putGroup({ id: g, name: 'Hikers', joinedAt: T0 })
      await store.addChanges(g, [change(1), change(2)])
      await store.markSeen(g, ref(1), T0)
      await store.putCausalHistory(g, filled(10, 3))
      await store.indexChain(g, 7, device(1), T0)
      await store.setOwnChain(g, { chainId: 9, createdAt: T0 })
      await store.countSent(g)
      await store.markDistributed(g, [device(1), device(2)])
      await store.markRead(g, msgId(1), member(1), T0)
      await store.registerRelay(g, 'relayA', T0)
      await store.setRelayCursor(g, 'relayA', 'c1')
      await store.putPhoto(g, PHOTO)
    }
    const expectFilled = async (g: Uint8Array): Promise<void> => {
      expect(await store.getGroup(g)).toEqual({ id: g, name: 'Hikers', joinedAt: T0 })
      expect(await collect(store.changes(g))).toEqual([change(1), change(2)])
      expect(await store.seen(g, ref(1))).toBe(true)
      expect(await store.causalHistory(g)).toEqual(filled(10, 3))
      expect(await store.sendersOfChain(g, 7)).toEqual([device(1)])
      expect(await store.ownChain(g)).toEqual({ chainId: 9, createdAt: T0, sent: 1, distributed: 2 })
      expect(await store.distributedTo(g)).toEqual([device(1), device(2)])
      expect(await store.receipts(g, msgId(1))).toEqual([{ member: member(1), deliveredAt: T0, readAt: T0 }])
      expect(await store.registeredAt(g)).toEqual([{ peerId: 'relayA', registeredAt: T0 }])
      expect(await store.relayCursor(g, 'relayA')).toBe('c1')
      expect(await store.photo(g)).toEqual(PHOTO)
    }

    describe('groups we are in', () => {
      it('puts, gets, lists, marks left and replaces records', async () => {
        expect(await store.getGroup(A)).toBeUndefined()
        expect(await store.listGroups()).toEqual([])
        const record: GroupRecord = { id: B, name: 'Climbers 🧗', joinedAt: T0, muted: true, lastReadAt: T0 + 5 }
        await store.putGroup(record)
        await store.putGroup({ id: A, name: '', joinedAt: T0 + 1 })
        expect(await store.getGroup(B)).toEqual(record)
        expect((await store.listGroups()).map(r => r.id)).toEqual([A, B])
        expect(await store.markLeft(A, T0 + 9)).toBe(true)
        expect(await store.markLeft(A, T0 + 10)).toBe(false)
        expect(await store.getGroup(A)).toEqual({ id: A, name: '', joinedAt: T0 + 1, leftAt: T0 + 9 })
        // joining again: the caller puts a record without leftAt
        await store.putGroup({ id: A, name: 'Back', joinedAt: T0 + 20 })
        expect(await store.getGroup(A)).toEqual({ id: A, name: 'Back', joinedAt: T0 + 20 })
        await reopen()
        expect(await store.listGroups()).toEqual([{ id: A, name: 'Back', joinedAt: T0 + 20 }, record])
      })

      it('accepts a name of 100 characters counted in code points, and refuses bad records keeping what was stored', async () => {
        await store.putGroup({ id: A, name: '🧗'.repeat(100), joinedAt: T0 })
        expect((await store.getGroup(A))?.name).toBe('🧗'.repeat(100))
        const ok: GroupRecord = { id: B, name: 'x', joinedAt: T0 }
        for (const bad of [
          { ...ok, id: filled(31, 1) }, { ...ok, id: 'ab' }, { ...ok, name: 'x'.repeat(101) }, { ...ok, name: 5 }, { ...ok, joinedAt: -1 },
          { ...ok, joinedAt: 1.5 }, { ...ok, leftAt: Number.NaN }, { ...ok, lastReadAt: 2 ** 60 }, { ...ok, muted: 'yes' }, null
        ]) {
          await refused(async () => { await store.putGroup(bad as unknown as GroupRecord) }, GroupStoreInputError)
        }
        await refused(async () => await store.markLeft(A, -5), GroupStoreInputError)
        await refused(async () => await store.markLeft(B, T0), GroupNotStoredError)
        await expect(store.getGroup(filled(33, 1))).rejects.toBeInstanceOf(GroupStoreInputError)
      })

      it('reads a damaged record as CorruptRecordError', async () => {
        await storage.kv(GROUP_STORE_NAME).put(`i/${toHex(A)}`, new TextEncoder().encode('{"v":2}'))
        await expect(store.getGroup(A)).rejects.toBeInstanceOf(CorruptRecordError)
      })
    })

    describe('the change log', () => {
      it('appends changes in arrival order, idempotent by hash, and keeps them across a restart', async () => {
        expect(await collect(store.changes(A))).toEqual([])
        expect(await store.addChanges(A, [change(9), change(1), change(9)])).toEqual([hash(9), hash(1)])
        expect(await store.addChanges(A, [change(1), change(5)])).toEqual([hash(5)])
        expect(await store.addChanges(A, [change(9)])).toEqual([])
        expect(await store.addChanges(A, [])).toEqual([])
        // the same hash with other bytes is the same change: the first bytes stay
        expect(await store.addChanges(A, [{ hash: hash(1), bytes: filled(3, 0) }])).toEqual([])
        expect(await store.hasChange(A, hash(5))).toBe(true)
        expect(await store.hasChange(A, hash(6))).toBe(false)
        expect(await store.hasChange(B, hash(5))).toBe(false)
        await reopen()
        expect(await collect(store.changes(A))).toEqual([change(9), change(1), change(5)])
        expect(await store.addChanges(A, [change(2)])).toEqual([hash(2)])
        expect((await collect(store.changes(A))).map(c => c.hash[0])).toEqual([9, 1, 5, 2])
      })

      it('drops changes by hash; a dropped change added again goes last', async () => {
        await store.addChanges(A, [change(1), change(2), change(3)])
        expect(await store.dropChanges(A, [hash(2), hash(2), hash(7)])).toBe(1)
        expect(await store.hasChange(A, hash(2))).toBe(false)
        expect(await store.dropChanges(A, [hash(2)])).toBe(0)
        await store.addChanges(A, [change(2)])
        expect((await collect(store.changes(A))).map(c => c.hash[0])).toEqual([1, 3, 2])
        await refused(async () => await store.dropChanges(A, [hash(1), filled(31, 1)]), GroupStoreInputError)
        await refused(async () => await store.dropChanges(A, Array.from({ length: MAX_CHANGES_PER_WRITE + 1 }, (_, i) => hash(i % 256))), GroupStoreLimitError)
      })

      it('streams a large log in parts and stops reading when the reader stops', async () => {
        const all = Array.from({ length: 600 }, (_, i) => ({ hash: Uint8Array.from({ length: 32 }, (_, j) => j < 2 ? (i >> (8 * j)) & 0xff : j), bytes: filled(1024, i & 0xff) }))
        for (let i = 0; i < all.length; i += MAX_CHANGES_PER_WRITE) {
          expect(await store.addChanges(A, all.slice(i, i + MAX_CHANGES_PER_WRITE))).toHaveLength(Math.min(MAX_CHANGES_PER_WRITE, all.length - i))
        }
        let n = 0
        for await (const c of store.changes(A)) {
          expect(c).toEqual(all[n])
          if (++n === 10) break
        }
        expect(n).toBe(10)
        expect(await collect(store.changes(A))).toEqual(all)
      })

      it('bounds a change and a write; a refused call stores none of its changes', async () => {
        const largest = { hash: hash(1), bytes: filled(MAX_GROUP_CHANGE_BYTES, 1) }
        expect(await store.addChanges(A, [largest])).toEqual([hash(1)])
        await refused(async () => await store.addChanges(A, [change(2), { hash: hash(3), bytes: filled(MAX_GROUP_CHANGE_BYTES + 1, 3) }]), GroupStoreInputError)
        await refused(async () => await store.addChanges(A, [change(2), { hash: hash(3), bytes: new Uint8Array(0) }]), GroupStoreInputError)
        await refused(async () => await store.addChanges(A, [change(2), { hash: filled(31, 3), bytes: filled(5, 3) }]), GroupStoreInputError)
        await refused(async () => await store.addChanges(A, [change(2), null as unknown as StoredChange]), GroupStoreInputError)
        await refused(async () => await store.addChanges(A, 'x' as unknown as StoredChange[]), GroupStoreInputError)
        await refused(async () => await store.addChanges(filled(32, 1).subarray(1), [change(2)]), GroupStoreInputError)
        const tooMany = Array.from({ length: MAX_CHANGES_PER_WRITE + 1 }, (_, i) => ({ hash: Uint8Array.from({ length: 32 }, (_, j) => (i + j) & 0xff), bytes: filled(4, 1) }))
        await refused(async () => await store.addChanges(A, tooMany), GroupStoreLimitError)
        expect(await store.addChanges(A, tooMany.slice(0, MAX_CHANGES_PER_WRITE))).toHaveLength(MAX_CHANGES_PER_WRITE)
        expect(() => store.changes(filled(31, 0))).toThrow(GroupStoreInputError)
        await expect(store.hasChange(A, filled(16, 0))).rejects.toBeInstanceOf(GroupStoreInputError)
      })

      it('commits other stores\' prepared writes in the same batch, and a bad one keeps every change out', async () => {
        const other = storage.kv('other')
        expect(await store.addChanges(A, [change(1)], { with: [other.prepare([{ type: 'put', key: 'k', value: filled(1, 1) }])] })).toEqual([hash(1)])
        expect(await other.get('k')).toEqual(filled(1, 1))
        // nothing new: nothing written, `with` included
        expect(await store.addChanges(A, [change(1)], { with: [other.prepare([{ type: 'put', key: 'k2', value: filled(1, 2) }])] })).toEqual([])
        expect(await other.get('k2')).toBeUndefined()
        const foreign = createMemoryStorage()
        try {
          await refused(async () => await store.addChanges(A, [change(2)], { with: [foreign.kv('x').prepare([{ type: 'put', key: 'k', value: filled(1, 1) }])] }), InvalidStoreKeyError)
        } finally {
          await foreign.close()
        }
      })
    })

    describe('seen marks', () => {
      it('marks once, and a second mark changes nothing', async () => {
        expect(await store.seen(A, ref(1))).toBe(false)
        expect(await store.markSeen(A, ref(1), T0)).toBe(true)
        expect(await store.markSeen(A, ref(1), T0 + 5)).toBe(false)
        expect(await store.seen(A, ref(1))).toBe(true)
        expect(await store.seen(B, ref(1))).toBe(false)
        await reopen()
        expect(await store.seen(A, ref(1))).toBe(true)
      })

      it('lands with a stored message in one write, and not at all when the message is refused', async () => {
        expect(await storage.messages.addIncoming(message(1), { with: [store.prepareSeen(A, ref(1), T0)] })).toBe(true)
        expect(await store.seen(A, ref(1))).toBe(true)
        // a duplicate message writes nothing, the mark it carried included
        expect(await storage.messages.addIncoming(message(1), { with: [store.prepareSeen(A, ref(2), T0)] })).toBe(false)
        expect(await store.seen(A, ref(2))).toBe(false)
        // and a mark with `with` lands with the other store's write
        await store.markSeen(A, ref(3), T0, { with: [storage.kv('other').prepare([{ type: 'put', key: 'm', value: filled(1, 1) }])] })
        expect(await storage.kv('other').get('m')).toEqual(filled(1, 1))
      })

      it('sweeps marks older than the retention in every group, and only those', async () => {
        await store.markSeen(A, ref(1), T0)
        await store.markSeen(A, ref(2), T0 + 10)
        await store.markSeen(B, ref(1), T0 + 1)
        await store.addChanges(B, [change(1)])
        expect(await store.sweep(T0 - 1)).toBe(0)
        expect(await store.sweep(T0 + SEEN_RETENTION_MS)).toBe(0)
        expect(await store.sweep(T0 + SEEN_RETENTION_MS + 2)).toBe(2)
        expect(await store.seen(A, ref(1))).toBe(false)
        expect(await store.seen(B, ref(1))).toBe(false)
        expect(await store.seen(A, ref(2))).toBe(true)
        expect(await store.hasChange(B, hash(1))).toBe(true)
        expect(await store.sweep(T0 + SEEN_RETENTION_MS + 2)).toBe(0)
        expect(await store.sweep(T0 + SEEN_RETENTION_MS + 11)).toBe(1)
        // no time entry is left behind
        expect((await snapshot()).filter(k => k.includes('/p/') || k.includes('/s/'))).toEqual([])
        await expect(store.sweep(-1)).rejects.toBeInstanceOf(GroupStoreInputError)
        await expect(store.sweep(1.5)).rejects.toBeInstanceOf(GroupStoreInputError)
      })

      it('keeps a mark prepared again later until its newer time expires', async () => {
        await store.markSeen(A, ref(1), T0)
        await storage.kv('other').batch([], { with: [store.prepareSeen(A, ref(1), T0 + 100)] })
        expect(await store.sweep(T0 + SEEN_RETENTION_MS + 1)).toBe(1)
        expect(await store.seen(A, ref(1))).toBe(true)
        expect(await store.sweep(T0 + SEEN_RETENTION_MS + 101)).toBe(1)
        expect(await store.seen(A, ref(1))).toBe(false)
      })

      it('sweeps more marks than one batch holds', async () => {
        const n = SWEEP_BATCH + 5
        const marks = Array.from({ length: n }, (_, i) => store.prepareSeen(A, Uint8Array.from({ length: 16 }, (_, j) => j < 2 ? (i >> (8 * j)) & 0xff : 0), T0 + (i % 3)))
        await storage.kv('other').batch([], { with: marks })
        expect(await store.sweep(T0 + SEEN_RETENTION_MS + 3)).toBe(n)
        expect(await snapshot()).toEqual([])
      })

      it('refuses bad refs and times', async () => {
        await refused(async () => await store.markSeen(A, filled(15, 1), T0), GroupStoreInputError)
        await refused(async () => await store.markSeen(A, ref(1), Number.NaN), GroupStoreInputError)
        await refused(async () => await store.markSeen(gid(1).subarray(0, 16), ref(1), T0), GroupStoreInputError)
        await expect(store.seen(A, filled(32, 1))).rejects.toBeInstanceOf(GroupStoreInputError)
        expect(() => store.prepareSeen(A, filled(17, 1), T0)).toThrow(GroupStoreInputError)
        expect(() => store.prepareSeen(A, ref(1), -1)).toThrow(GroupStoreInputError)
      })
    })

    describe('causal history', () => {
      it('gets, puts, replaces and prepares the blob, up to its bound', async () => {
        expect(await store.causalHistory(A)).toBeUndefined()
        await store.putCausalHistory(A, filled(5, 1))
        await store.putCausalHistory(A, filled(MAX_CAUSAL_HISTORY_BYTES, 2))
        expect(toHex(sha256((await store.causalHistory(A))!))).toBe(toHex(sha256(filled(MAX_CAUSAL_HISTORY_BYTES, 2))))
        expect(await storage.messages.addIncoming(message(2), { with: [store.prepareCausalHistory(B, filled(3, 3))] })).toBe(true)
        expect(await store.causalHistory(B)).toEqual(filled(3, 3))
        await refused(async () => { await store.putCausalHistory(A, filled(MAX_CAUSAL_HISTORY_BYTES + 1, 0)) }, GroupStoreLimitError)
        await refused(async () => { await store.putCausalHistory(A, 'blob' as unknown as Uint8Array) }, GroupStoreInputError)
        expect(() => store.prepareCausalHistory(A, filled(MAX_CAUSAL_HISTORY_BYTES + 1, 0))).toThrow(GroupStoreLimitError)
        await reopen()
        expect(await store.causalHistory(B)).toEqual(filled(3, 3))
      })
    })

    describe('the group photo', () => {
      it('keeps, replaces and drops the image; refuses what is not an allowed photo', async () => {
        expect(await store.photo(A)).toBeUndefined()
        expect(await store.dropPhoto(A)).toBe(false)
        await store.putPhoto(A, PHOTO)
        const other = Uint8Array.from([...PHOTO, 1])
        await store.putPhoto(A, other)
        expect(await store.photo(A)).toEqual(other)
        expect(await store.photo(B)).toBeUndefined()
        await refused(async () => { await store.putPhoto(A, new Uint8Array([1, 2, 3, 4, 5])) }, InvalidGroupPhotoError)
        await refused(async () => { await store.putPhoto(A, Uint8Array.from([...PHOTO, ...new Uint8Array(MAX_GROUP_PHOTO_BYTES)])) }, InvalidGroupPhotoError)
        await refused(async () => { await store.putPhoto(A, 'image' as unknown as Uint8Array) }, InvalidGroupPhotoError)
        await reopen()
        expect(await store.photo(A)).toEqual(other)
        expect(await store.dropPhoto(A)).toBe(true)
        expect(await store.photo(A)).toBeUndefined()
      })
    })

    describe('sender-key chain index', () => {
      it('finds the sender of a chain, and a chain id another device claims does not replace it', async () => {
        expect(await store.sendersOfChain(A, 7)).toEqual([])
        expect(await store.indexChain(A, 7, device(1, 2), T0)).toBe(true)
        expect(await store.indexChain(A, 7, device(1, 2), T0 + 1)).toBe(false)
        expect(await store.sendersOfChain(A, 7)).toEqual([device(1, 2)])
        expect(await store.sendersOfChain(B, 7)).toEqual([])
        // an attacker (or a rare honest collision) indexing the same chain id: both are candidates
        expect(await store.indexChain(A, 7, device(6), T0 + 2)).toBe(true)
        expect(await store.sendersOfChain(A, 7)).toEqual([device(1, 2), device(6)])
        await reopen()
        expect(await store.sendersOfChain(A, 7)).toEqual([device(1, 2), device(6)])
      })

      it('bounds devices per chain id', async () => {
        for (let i = 0; i < MAX_SENDERS_PER_CHAIN; i++) await store.indexChain(A, 0xffffffff, device(i + 1), T0)
        await refused(async () => await store.indexChain(A, 0xffffffff, device(99), T0), GroupStoreLimitError)
        // a device already indexed is refreshed, not refused
        expect(await store.indexChain(A, 0xffffffff, device(1), T0 + 1)).toBe(false)
      })

      it('keeps the most recently indexed chains of a device, as many as its sender-key record keeps', async () => {
        for (let c = 1; c <= MAX_SENDER_KEY_STATES + 2; c++) await store.indexChain(A, c, device(1), T0 + c)
        for (let c = 1; c <= 2; c++) expect(await store.sendersOfChain(A, c)).toEqual([])
        for (let c = 3; c <= MAX_SENDER_KEY_STATES + 2; c++) expect(await store.sendersOfChain(A, c)).toEqual([device(1)])
        // refreshing chain 3 makes chain 4 the oldest
        await store.indexChain(A, 3, device(1), T0 + 100)
        await store.indexChain(A, 50, device(1), T0 + 101)
        expect(await store.sendersOfChain(A, 3)).toEqual([device(1)])
        expect(await store.sendersOfChain(A, 4)).toEqual([])
        // another device of the same member has its own bound
        await store.indexChain(A, 60, device(1, 2), T0)
        expect(await store.sendersOfChain(A, 60)).toEqual([device(1, 2)])
      })

      it('forgets a member (all its devices) or one device, and nothing of others', async () => {
        await store.indexChain(A, 1, device(1, 1), T0)
        await store.indexChain(A, 2, device(1, 2), T0)
        await store.indexChain(A, 3, device(2, 1), T0)
        await store.indexChain(A, 3, device(1, 1), T0)
        await store.indexChain(B, 1, device(1, 1), T0)
        expect(await store.forgetSenderDevice(A, device(1, 2))).toBe(1)
        expect(await store.sendersOfChain(A, 2)).toEqual([])
        expect(await store.forgetSender(A, idKey(1))).toBe(2)
        expect(await store.forgetSender(A, idKey(1))).toBe(0)
        expect(await store.sendersOfChain(A, 1)).toEqual([])
        expect(await store.sendersOfChain(A, 3)).toEqual([device(2, 1)])
        expect(await store.sendersOfChain(B, 1)).toEqual([device(1, 1)])
      })

      it('refuses bad chain ids, devices and times', async () => {
        await store.indexChain(A, 1, device(1), T0)
        for (const [chain, sender, at] of [
          [-1, device(1), T0], [2 ** 32, device(1), T0], [1.5, device(1), T0], [1, { identityKey: filled(33, 1), deviceId: 1 }, T0],
          [1, { identityKey: idKey(1), deviceId: -1 }, T0], [1, null, T0], [1, device(1), -1]
        ] as const) {
          await refused(async () => await store.indexChain(A, chain, sender as never, at), GroupStoreInputError)
        }
        await expect(store.sendersOfChain(A, -1)).rejects.toBeInstanceOf(GroupStoreInputError)
        await refused(async () => await store.forgetSender(A, filled(31, 1)), GroupStoreInputError)
        await refused(async () => await store.forgetSenderDevice(A, { identityKey: idKey(1), deviceId: 2 ** 32 }), GroupStoreInputError)
      })
    })

    describe('our own sender-key chain', () => {
      it('counts messages sent and devices reached, and a new chain starts from nothing', async () => {
        expect(await store.ownChain(A)).toBeUndefined()
        expect(await store.distributedTo(A)).toEqual([])
        await refused(async () => await store.countSent(A), NoOwnSenderChainError)
        await refused(async () => await store.markDistributed(A, [device(1)]), NoOwnSenderChainError)
        expect(await store.setOwnChain(A, { chainId: 5, createdAt: T0 })).toBe(true)
        expect(await store.countSent(A)).toBe(1)
        // concurrent increments each count once
        const counts = await Promise.all(Array.from({ length: 10 }, async () => await store.countSent(A)))
        expect(counts.sort((x, y) => x - y)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
        expect(await store.markDistributed(A, [device(1), device(1, 2), device(1)])).toBe(2)
        expect(await store.markDistributed(A, [device(1), device(2)])).toBe(1)
        expect(await store.markDistributed(A, [device(2)])).toBe(0)
        expect(await store.distributedTo(A)).toEqual([device(1), device(1, 2), device(2)])
        // the same chain again (a retried call) keeps its counts
        expect(await store.setOwnChain(A, { chainId: 5, createdAt: T0 + 9 })).toBe(false)
        await reopen()
        expect(await store.ownChain(A)).toEqual({ chainId: 5, createdAt: T0, sent: 11, distributed: 3 })
        expect(await store.setOwnChain(A, { chainId: 6, createdAt: T0 + 7 })).toBe(true)
        expect(await store.ownChain(A)).toEqual({ chainId: 6, createdAt: T0 + 7, sent: 0, distributed: 0 })
        expect(await store.distributedTo(A)).toEqual([])
        expect(await store.ownChain(B)).toBeUndefined()
      })

      it('bounds the devices a chain went to', async () => {
        await store.setOwnChain(A, { chainId: 1, createdAt: T0 })
        const all = Array.from({ length: MAX_DISTRIBUTED_DEVICES + 1 }, (_, i) => device(1 + (i % 200), Math.floor(i / 200)))
        await refused(async () => await store.markDistributed(A, all), GroupStoreLimitError)
        expect(await store.markDistributed(A, all.slice(0, MAX_DISTRIBUTED_DEVICES))).toBe(MAX_DISTRIBUTED_DEVICES)
        await refused(async () => await store.markDistributed(A, [all[MAX_DISTRIBUTED_DEVICES]]), GroupStoreLimitError)
        expect(await store.markDistributed(A, [all[0]])).toBe(0)
      })

      it('refuses bad chains and devices', async () => {
        await store.setOwnChain(A, { chainId: 1, createdAt: T0 })
        await refused(async () => await store.setOwnChain(A, { chainId: 2 ** 32, createdAt: T0 }), GroupStoreInputError)
        await refused(async () => await store.setOwnChain(A, { chainId: 2, createdAt: -1 }), GroupStoreInputError)
        await refused(async () => await store.setOwnChain(A, null as never), GroupStoreInputError)
        await refused(async () => await store.markDistributed(A, [device(1), { identityKey: filled(8, 1), deviceId: 1 }]), GroupStoreInputError)
        await refused(async () => await store.markDistributed(A, {} as never), GroupStoreInputError)
        await refused(async () => await store.countSent(filled(3, 0)), GroupStoreInputError)
        await expect(store.ownChain(filled(3, 0))).rejects.toBeInstanceOf(GroupStoreInputError)
        await expect(store.distributedTo(filled(3, 0))).rejects.toBeInstanceOf(GroupStoreInputError)
      })
    })

    describe('receipts of our messages', () => {
      it('only move forward: read implies delivered, and a later delivered does not undo read', async () => {
        expect(await store.receipts(A, msgId(1))).toEqual([])
        expect(await store.receiptSummary(A, msgId(1))).toEqual({ delivered: 0, read: 0 })
        expect(await store.markDelivered(A, msgId(1), member(1), T0)).toBe(true)
        expect(await store.markDelivered(A, msgId(1), member(1), T0 + 1)).toBe(false)
        expect(await store.markRead(A, msgId(1), member(1), T0 + 2)).toBe(true)
        expect(await store.markRead(A, msgId(1), member(1), T0 + 3)).toBe(false)
        expect(await store.markDelivered(A, msgId(1), member(1), T0 + 4)).toBe(false)
        // read first: delivered at the same time
        expect(await store.markRead(A, msgId(1), member(2), T0 + 5)).toBe(true)
        expect(await store.markDelivered(A, msgId(1), member(2), T0 + 6)).toBe(false)
        expect(await store.markDelivered(A, msgId(1), member(3), T0 + 7)).toBe(true)
        expect(await store.markDelivered(A, msgId(2), member(3), T0 + 8)).toBe(true)
        await reopen()
        expect(await store.receipts(A, msgId(1))).toEqual([
          { member: member(1), deliveredAt: T0, readAt: T0 + 2 },
          { member: member(2), deliveredAt: T0 + 5, readAt: T0 + 5 },
          { member: member(3), deliveredAt: T0 + 7 }
        ])
        expect(await store.receiptSummary(A, msgId(1))).toEqual({ delivered: 3, read: 2 })
        expect(await store.receiptSummary(A, msgId(2))).toEqual({ delivered: 1, read: 0 })
        expect(await store.receiptSummary(B, msgId(1))).toEqual({ delivered: 0, read: 0 })
      })

      it('concurrent receipts of one member end read and delivered', async () => {
        await Promise.all([store.markRead(A, msgId(1), member(1), T0 + 1), store.markDelivered(A, msgId(1), member(1), T0)])
        const [r] = await store.receipts(A, msgId(1))
        expect(r.readAt).toBe(T0 + 1)
        expect(r.deliveredAt).toBeDefined()
      })

      it('forgets one message\'s receipts and bounds members per message', async () => {
        const group = new SyncGroup()
        for (let i = 0; i < MAX_RECEIPTS_PER_MESSAGE; i++) await store.markDelivered(A, msgId(1), member(i), T0, { syncGroup: group })
        await group.flush()
        await refused(async () => await store.markDelivered(A, msgId(1), member(MAX_RECEIPTS_PER_MESSAGE), T0), GroupStoreLimitError)
        expect(await store.markRead(A, msgId(1), member(0), T0)).toBe(true)
        await store.markDelivered(A, msgId(2), member(0), T0)
        expect(await store.forgetReceipts(A, msgId(1))).toBe(MAX_RECEIPTS_PER_MESSAGE)
        expect(await store.forgetReceipts(A, msgId(1))).toBe(0)
        expect(await store.receipts(A, msgId(2))).toHaveLength(1)
        // the count went with them: a full set of members fits again
        expect(await store.markDelivered(A, msgId(1), member(MAX_RECEIPTS_PER_MESSAGE), T0)).toBe(true)
      })

      it('refuses bad message ids, members and times', async () => {
        await store.markDelivered(A, msgId(1), member(1), T0)
        for (const [id, who, at] of [
          [msgId(1).toUpperCase().replace(/0/g, 'A'), member(1), T0], [msgId(1).slice(1), member(1), T0], ['../' + msgId(1).slice(3), member(1), T0],
          [msgId(1), '15550001111', T0], [msgId(1), '+1555/000111', T0], [msgId(1), '+1555000111122233', T0], [msgId(1), member(1), -1]
        ] as const) {
          await refused(async () => await store.markDelivered(A, id, who, at), GroupStoreInputError)
          await refused(async () => await store.markRead(A, id, who, at), GroupStoreInputError)
        }
        await expect(store.receipts(A, 'x')).rejects.toBeInstanceOf(GroupStoreInputError)
        await expect(store.receiptSummary(A, 'x')).rejects.toBeInstanceOf(GroupStoreInputError)
        await refused(async () => await store.forgetReceipts(A, 'x'), GroupStoreInputError)
      })
    })

    describe('relays', () => {
      it('registers relays with cursors, re-registers, and unregisters with the cursor', async () => {
        expect(await store.registeredAt(A)).toEqual([])
        await refused(async () => { await store.setRelayCursor(A, 'relayA', 'c0') }, RelayNotRegisteredError)
        await store.registerRelay(A, 'relayA', T0)
        await store.registerRelay(A, 'relayB', T0 + 1)
        await store.setRelayCursor(A, 'relayA', 'pos-1')
        await store.setRelayCursor(A, 'relayA', 'pos-2 ✓')
        expect(await store.relayCursor(A, 'relayA')).toBe('pos-2 ✓')
        expect(await store.relayCursor(A, 'relayB')).toBeUndefined()
        await store.registerRelay(A, 'relayA', T0 + 5)
        await reopen()
        expect(await store.registeredAt(A)).toEqual([{ peerId: 'relayA', registeredAt: T0 + 5 }, { peerId: 'relayB', registeredAt: T0 + 1 }])
        expect(await store.relayCursor(A, 'relayA')).toBe('pos-2 ✓')
        expect(await store.unregisterRelay(A, 'relayA')).toBe(true)
        expect(await store.unregisterRelay(A, 'relayA')).toBe(false)
        expect(await store.relayCursor(A, 'relayA')).toBeUndefined()
        expect(await store.registeredAt(A)).toEqual([{ peerId: 'relayB', registeredAt: T0 + 1 }])
        expect(await store.registeredAt(B)).toEqual([])
      })

      it('bounds relays per group', async () => {
        for (let i = 0; i < MAX_GROUP_RELAYS; i++) await store.registerRelay(A, `relay${i}`, T0)
        await refused(async () => { await store.registerRelay(A, 'relayX', T0) }, GroupStoreLimitError)
        await store.registerRelay(A, 'relay0', T0 + 1)
        await store.registerRelay(B, 'relayX', T0)
      })

      it('refuses bad peer ids, cursors and times', async () => {
        await store.registerRelay(A, 'relayA', T0)
        for (const peer of ['', 'a/b', 'x'.repeat(MAX_RELAY_PEER_ID_LENGTH + 1), 5]) {
          await refused(async () => { await store.registerRelay(A, peer as string, T0) }, GroupStoreInputError)
          await refused(async () => { await store.setRelayCursor(A, peer as string, 'c') }, GroupStoreInputError)
          await refused(async () => await store.unregisterRelay(A, peer as string), GroupStoreInputError)
          await expect(store.relayCursor(A, peer as string)).rejects.toBeInstanceOf(GroupStoreInputError)
        }
        await store.setRelayCursor(A, 'relayA', 'é'.repeat(MAX_RELAY_CURSOR_BYTES / 2))
        for (const cursor of ['', 'é'.repeat(MAX_RELAY_CURSOR_BYTES / 2) + 'x', '\ud800', 7]) {
          await refused(async () => { await store.setRelayCursor(A, 'relayA', cursor as string) }, GroupStoreInputError)
        }
        await refused(async () => { await store.registerRelay(A, 'relayB', -1) }, GroupStoreInputError)
        await expect(store.registeredAt(filled(2, 0))).rejects.toBeInstanceOf(GroupStoreInputError)
      })
    })

    describe('forgetting a group', () => {
      it('deletes every key of the group in one write and nothing of another', async () => {
        await fill(A)
        await fill(B)
        const ofB = (await snapshot()).filter(e => e.includes(toHex(B)))
        expect(await store.forgetGroup(A)).toBeGreaterThan(15)
        const left = await snapshot()
        expect(left.filter(e => e.includes(toHex(A)))).toEqual([])
        expect(left).toEqual(ofB)
        expect(await store.getGroup(A)).toBeUndefined()
        expect(await collect(store.changes(A))).toEqual([])
        expect(await store.forgetGroup(A)).toBe(0)
        await reopen()
        await expectFilled(B)
        expect(await store.listGroups()).toHaveLength(1)
        await refused(async () => await store.forgetGroup(filled(31, 0xa)), GroupStoreInputError)
      })

      it('keeps everything across a restart', async () => {
        await fill(A)
        await reopen()
        await expectFilled(A)
      })
    })

    describe('options', () => {
      it('an aborted call writes nothing', async () => {
        const signal = AbortSignal.abort()
        await refused(async () => await store.addChanges(A, [change(1)], { signal }), AbortError)
        await refused(async () => { await store.putGroup({ id: A, name: 'x', joinedAt: T0 }, { signal }) }, AbortError)
        await refused(async () => await store.markSeen(A, ref(1), T0, { signal }), AbortError)
      })

      it('synced writes join the caller\'s sync group (memory has nothing to sync)', async () => {
        const group = new SyncGroup()
        await store.markSeen(A, ref(1), T0, { syncGroup: group })
        expect(group.dirty).toBe(persistent)
        await group.flush()
        expect(group.dirty).toBe(false)
        await store.addChanges(A, [change(1)], { syncGroup: group })
        expect(group.dirty).toBe(persistent)
        await group.flush()
        // the sweep is not synced
        await store.sweep(T0 + SEEN_RETENTION_MS + 1, { syncGroup: group })
        expect(await store.seen(A, ref(1))).toBe(false)
        expect(group.dirty).toBe(false)
      })
    })
  })
}

describeGroupStore('memory', memoryBackend, false)
describeGroupStore('level', levelBackend, true)

describe('group store limits', () => {
  it('agree with the directory\'s', () => {
    expect(MAX_DEVICES_PER_MEMBER).toBe(MAX_DEVICES)
    expect(MAX_GROUP_RELAYS).toBe(MAX_RELAYS)
  })
})
