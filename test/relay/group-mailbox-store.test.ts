// The relay's group message store over both KeyValueStore implementations (memory, LevelDB with close and reopen): deposits only with the topic's key (one answer for unknown topic and wrong key), idempotent redeposits, per-device cursors and deletion once every device acked, registration rules and quotas (nothing lost), TTL of messages and registrations, get by ref, synced and failed writes.
import { describe, it, expect } from 'vitest'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { MemoryKeyValueStore, type BatchOptions, type KeyValueBatchOperation, type KeyValueStore, type WriteOptions } from '../../src/storage/index.js'
import { RelayGroupMailboxStore, DEFAULT_GROUP_MAILBOX_LIMITS, DELETE_CHUNK, type RelayGroupMailboxStoreInit } from '../../relay-node/src/group-mailbox/index.js'
import { groupDepositCheck, groupMessageRef, MAX_GROUP_MESSAGE_BYTES, type GroupMailboxOwner } from '../../src/protocols/group-mailbox/index.js'
import { levelFactory, type StoreFactory } from '../helpers/storage.js'
import { until } from '../protocols/mailbox-harness.js'

const memoryKv: StoreFactory<KeyValueStore> = async () => ({ store: new MemoryKeyValueStore(), close: async () => {} })
const relaxed = [{ max: 1_000_000, windowMs: 60_000 }]
const requester = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
const bytes = (n: number, fill = 1): Uint8Array => new Uint8Array(n).fill(fill)
const text = (s: string): Uint8Array => new TextEncoder().encode(s)
const untext = (b: Uint8Array): string => new TextDecoder().decode(b)
const topicA = bytes(32, 0xa1)
const topicB = bytes(32, 0xb2)
const keyA = bytes(32, 0x0a)
const keyB = bytes(32, 0x0b)
const alice1: GroupMailboxOwner = { identityKey: bytes(32, 1), deviceId: 1 }
const alice2: GroupMailboxOwner = { identityKey: bytes(32, 1), deviceId: 2 }
const bob: GroupMailboxOwner = { identityKey: bytes(32, 2), deviceId: 1 }
const NOW = 1_700_000_000_000

function describeStore (name: string, factory: StoreFactory<KeyValueStore>, persistent: boolean): void {
  describe(`RelayGroupMailboxStore (${name})`, () => {
    const open = (kv: KeyValueStore, init: Partial<RelayGroupMailboxStoreInit> = {}): RelayGroupMailboxStore =>
      new RelayGroupMailboxStore({ kv, ...init, limits: { depositsPerPeer: relaxed, getsPerPeer: relaxed, ...init.limits } })
    const texts = async (s: RelayGroupMailboxStore, who: GroupMailboxOwner, topic = topicA, after?: string): Promise<string[]> =>
      (await s.list(who, topic, after, 1000, 1 << 30)).map(e => untext(e.message))

    it('takes deposits only for a registered topic with its key, and answers an unknown topic and a wrong key alike', async () => {
      const h = await factory()
      try {
        const s = open(h.store)
        const unknown = await s.deposit(topicA, keyA, text('early'), requester).catch(e => e)
        await s.register(alice1, [{ topic: topicA, depositCheck: groupDepositCheck(keyA) }])
        const wrong = await s.deposit(topicA, keyB, text('stranger'), requester).catch(e => e)
        expect(unknown).toMatchObject({ name: 'UnknownGroupTopicError' })
        expect(wrong).toMatchObject({ name: 'UnknownGroupTopicError' })
        expect(wrong.message).toBe(unknown.message)
        // the key of another topic does not open this one either
        await s.register(bob, [{ topic: topicB, depositCheck: groupDepositCheck(keyB) }])
        await expect(s.deposit(topicA, keyB, text('x'), requester)).rejects.toMatchObject({ name: 'UnknownGroupTopicError' })
        const receipt = await s.deposit(topicA, keyA, text('hello'), requester)
        expect(receipt.ref).toEqual(groupMessageRef(text('hello')))
        expect(receipt.position).toMatch(/^[0-9a-f]{16}$/)
        expect(await s.usage(topicA)).toEqual({ count: 1, bytes: 5, registrations: 1 })
        expect(s.stats).toMatchObject({ deposited: 1, refused: 3 })
        expect(await texts(s, alice1)).toEqual(['hello'])
      } finally {
        await h.close()
      }
    })

    it('stores the same bytes once per topic: a redeposit answers the stored ref and position', async () => {
      const h = await factory()
      try {
        const s = open(h.store)
        await s.register(alice1, [{ topic: topicA, depositCheck: groupDepositCheck(keyA) }, { topic: topicB, depositCheck: groupDepositCheck(keyB) }])
        const first = await s.deposit(topicA, keyA, text('same'), requester)
        const [again, concurrent] = await Promise.all([s.deposit(topicA, keyA, text('same'), requester), s.deposit(topicA, keyA, text('same'), requester)])
        expect(again).toEqual(first)
        expect(concurrent).toEqual(first)
        // another topic stores its own copy
        const other = await s.deposit(topicB, keyB, text('same'), requester)
        expect(other.ref).toEqual(first.ref)
        expect(await s.usage(topicA)).toMatchObject({ count: 1, bytes: 4 })
        expect(await s.usage(topicB)).toMatchObject({ count: 1, bytes: 4 })
        expect(s.stats).toMatchObject({ deposited: 2, duplicates: 2 })
        expect(await texts(s, alice1)).toEqual(['same'])
      } finally {
        await h.close()
      }
    })

    it('gives every registered device every message once: each device acks for itself, and a message goes when all have acked', async () => {
      const h = await factory()
      try {
        const s = open(h.store)
        const reg = [{ topic: topicA, depositCheck: groupDepositCheck(keyA) }]
        await s.register(alice1, reg)
        await s.register(alice2, reg)
        const receipts = []
        for (const m of ['m1', 'm2', 'm3']) receipts.push(await s.deposit(topicA, keyA, text(m), requester))
        expect([...receipts.map(r => r.position)].sort()).toEqual(receipts.map(r => r.position))
        expect(await texts(s, alice1)).toEqual(['m1', 'm2', 'm3'])
        expect(await texts(s, alice2)).toEqual(['m1', 'm2', 'm3'])
        // device 1 acks two: it gets only the third after that; device 2 still gets all three
        expect(await s.ack(alice1, topicA, receipts[1].position)).toBe(receipts[1].position)
        expect(await texts(s, alice1)).toEqual(['m3'])
        expect(await texts(s, alice2)).toEqual(['m1', 'm2', 'm3'])
        expect(await s.usage(topicA)).toMatchObject({ count: 3 })
        // a cursor never moves back; an older ack answers the cursor as it is
        expect(await s.ack(alice1, topicA, receipts[0].position)).toBe(receipts[1].position)
        // device 2 acks the first: that one is done for both and goes
        await s.ack(alice2, topicA, receipts[0].position)
        expect(await s.usage(topicA)).toMatchObject({ count: 2, bytes: 4 })
        expect(s.stats.acked).toBe(1)
        // a given position reads from there, also behind the cursor, while the message is kept for another device
        expect(await texts(s, alice1, topicA, receipts[0].position)).toEqual(['m2', 'm3'])
        await s.ack(alice2, topicA, receipts[2].position)
        await s.ack(alice1, topicA, receipts[2].position)
        expect(await s.usage(topicA)).toMatchObject({ count: 0, bytes: 0, registrations: 2 })
        expect(await texts(s, alice1, topicA, '0000000000000000')).toEqual([])
        // what another device has not registered, it cannot read or ack
        await expect(s.list(bob, topicA, undefined, 10, 1000)).rejects.toMatchObject({ name: 'UnknownGroupTopicError' })
        await expect(s.ack(bob, topicA, receipts[2].position)).rejects.toMatchObject({ name: 'UnknownGroupTopicError' })
        await expect(s.ack(alice1, topicA, 'not-a-position')).rejects.toMatchObject({ name: 'InvalidGroupMailboxRequestError' })
        await expect(s.list(alice1, topicA, 'zz', 10, 1000)).rejects.toMatchObject({ name: 'InvalidGroupMailboxRequestError' })
      } finally {
        await h.close()
      }
    })

    it('starts a new registration at the topic\'s end, keeps the cursor on a second registration, and clamps an ack from the future', async () => {
      const h = await factory()
      try {
        const s = open(h.store)
        const reg = [{ topic: topicA, depositCheck: groupDepositCheck(keyA) }]
        await s.register(alice1, reg)
        await s.deposit(topicA, keyA, text('before bob'), requester)
        await s.register(bob, reg)
        const after = await s.deposit(topicA, keyA, text('after bob'), requester)
        expect(await texts(s, bob)).toEqual(['after bob'])
        expect(await texts(s, alice1)).toEqual(['before bob', 'after bob'])
        await s.register(alice1, reg)
        expect(await texts(s, alice1)).toEqual(['before bob', 'after bob'])
        // acking a position past the end moves the cursor to the end only: later messages still arrive
        expect(await s.ack(bob, topicA, 'ffffffffffffffff')).toBe(after.position)
        await s.deposit(topicA, keyA, text('later'), requester)
        expect(await texts(s, bob)).toEqual(['later'])
      } finally {
        await h.close()
      }
    })

    it('refuses a registration with another deposit check and one past the device quota, all or nothing', async () => {
      const h = await factory()
      try {
        const s = open(h.store, { limits: { maxTopicsPerDevice: 2 } })
        await s.register(alice1, [{ topic: topicA, depositCheck: groupDepositCheck(keyA) }])
        // a device that does not hold the key cannot take the topic over or open a second store under it
        await expect(s.register(bob, [{ topic: topicA, depositCheck: groupDepositCheck(keyB) }])).rejects.toMatchObject({ name: 'UnknownGroupTopicError' })
        await expect(s.register(bob, [{ topic: topicA, depositCheck: groupDepositCheck(keyA) }, { topic: topicA, depositCheck: groupDepositCheck(keyB) }])).rejects.toMatchObject({ name: 'InvalidGroupMailboxRequestError' })
        expect(await s.usage(topicA)).toMatchObject({ registrations: 1 })
        await expect(s.deposit(topicA, keyB, text('x'), requester)).rejects.toMatchObject({ name: 'UnknownGroupTopicError' })
        // the quota: A is registered already, B and C would make three
        const topicC = bytes(32, 0xc3)
        const err = await s.register(alice1, [{ topic: topicA, depositCheck: groupDepositCheck(keyA) }, { topic: topicB, depositCheck: groupDepositCheck(keyB) }, { topic: topicC, depositCheck: groupDepositCheck(keyB) }]).catch(e => e)
        expect(err).toMatchObject({ name: 'GroupTopicFullError', message: 'this device holds its quota of 2 topics here' })
        expect(await s.usage(topicB)).toBeUndefined()
        expect(await s.usage(topicC)).toBeUndefined()
        // a bad topic in a request registers none of it
        await expect(s.register(alice1, [{ topic: topicB, depositCheck: groupDepositCheck(keyB) }, { topic: bytes(31), depositCheck: groupDepositCheck(keyB) }])).rejects.toMatchObject({ name: 'InvalidGroupMailboxRequestError' })
        expect(await s.usage(topicB)).toBeUndefined()
        await s.register(alice1, [{ topic: topicB, depositCheck: groupDepositCheck(keyB) }])
        // registering again what is registered costs no quota; unregistering frees it
        await s.register(alice1, [{ topic: topicA, depositCheck: groupDepositCheck(keyA) }, { topic: topicB, depositCheck: groupDepositCheck(keyB) }])
        await s.unregister(alice1, [topicB])
        await s.register(alice1, [{ topic: topicC, depositCheck: groupDepositCheck(keyB) }])
        // another device of the same identity has its own quota
        await s.register(alice2, [{ topic: topicA, depositCheck: groupDepositCheck(keyA) }, { topic: topicB, depositCheck: groupDepositCheck(keyB) }])
        await expect(s.register(alice1, [])).rejects.toMatchObject({ name: 'InvalidGroupMailboxRequestError' })
      } finally {
        await h.close()
      }
    })

    it('refuses a device that is not an owner here', async () => {
      const h = await factory()
      try {
        const s = open(h.store, { isKnownOwner: async o => o.deviceId === 1 })
        await s.register(alice1, [{ topic: topicA, depositCheck: groupDepositCheck(keyA) }])
        await expect(s.register(alice2, [{ topic: topicA, depositCheck: groupDepositCheck(keyA) }])).rejects.toMatchObject({ name: 'GroupMailboxAuthError' })
        expect(await s.usage(topicA)).toMatchObject({ registrations: 1 })
      } finally {
        await h.close()
      }
    })

    it('deletes a topic with its messages when its last registration goes; registered again, it starts empty', async () => {
      const h = await factory()
      try {
        const s = open(h.store)
        const reg = [{ topic: topicA, depositCheck: groupDepositCheck(keyA) }]
        await s.register(alice1, reg)
        await s.register(bob, reg)
        const old = await s.deposit(topicA, keyA, text('old'), requester)
        await s.unregister(bob, [topicA, topicB])
        await expect(s.list(bob, topicA, undefined, 10, 1000)).rejects.toMatchObject({ name: 'UnknownGroupTopicError' })
        expect(await texts(s, alice1)).toEqual(['old'])
        await s.unregister(alice1, [topicA])
        expect(await s.usage(topicA)).toBeUndefined()
        await expect(s.deposit(topicA, keyA, text('late'), requester)).rejects.toMatchObject({ name: 'UnknownGroupTopicError' })
        const left: string[] = []
        for await (const { key } of h.store.iterate()) left.push(key)
        expect(left).toEqual(['l'])
        // the topic again (even with another key): nothing of before, and the same bytes are stored anew
        await s.register(alice1, [{ topic: topicA, depositCheck: groupDepositCheck(keyB) }])
        expect(await texts(s, alice1)).toEqual([])
        const again = await s.deposit(topicA, keyB, text('old'), requester)
        expect(again.position > old.position).toBe(true)
        expect(await s.getByRef(topicA, keyB, [old.ref], requester)).toMatchObject([{ position: again.position }])
      } finally {
        await h.close()
      }
    })

    it('gets messages by ref with the deposit key: unknown refs are absent, a wrong key is an unknown topic, at most 64 refs', async () => {
      const h = await factory()
      try {
        const s = open(h.store)
        await s.register(alice1, [{ topic: topicA, depositCheck: groupDepositCheck(keyA) }])
        const a = await s.deposit(topicA, keyA, text('a'), requester)
        const b = await s.deposit(topicA, keyA, text('b'), requester)
        const got = await s.getByRef(topicA, keyA, [b.ref, groupMessageRef(text('never')), a.ref, b.ref], requester)
        expect(got.map(e => untext(e.message))).toEqual(['a', 'b'])
        expect(got.map(e => e.position)).toEqual([a.position, b.position])
        expect(got[0].receivedAt).toBe(parseInt(a.position.slice(0, 12), 16))
        await expect(s.getByRef(topicA, keyB, [a.ref], requester)).rejects.toMatchObject({ name: 'UnknownGroupTopicError' })
        await expect(s.getByRef(topicB, keyA, [a.ref], requester)).rejects.toMatchObject({ name: 'UnknownGroupTopicError' })
        await expect(s.getByRef(topicA, keyA, Array.from({ length: 65 }, () => a.ref), requester)).rejects.toMatchObject({ name: 'InvalidGroupMailboxRequestError' })
        await expect(s.getByRef(topicA, keyA, [bytes(15)], requester)).rejects.toMatchObject({ name: 'InvalidGroupMailboxRequestError' })
        expect(await s.getByRef(topicA, keyA, Array.from({ length: 64 }, () => a.ref), requester)).toHaveLength(1)
      } finally {
        await h.close()
      }
    })

    it('refuses past a topic\'s quota in messages and bytes and loses nothing stored', async () => {
      const h = await factory()
      try {
        const s = open(h.store, { limits: { maxMessagesPerTopic: 3, maxBytesPerTopic: MAX_GROUP_MESSAGE_BYTES + 20 } })
        await s.register(alice1, [{ topic: topicA, depositCheck: groupDepositCheck(keyA) }, { topic: topicB, depositCheck: groupDepositCheck(keyB) }])
        await expect(s.deposit(topicA, keyA, bytes(MAX_GROUP_MESSAGE_BYTES + 1), requester)).rejects.toMatchObject({ name: 'GroupMessageTooLargeError' })
        await expect(s.deposit(topicA, keyA, new Uint8Array(0), requester)).rejects.toMatchObject({ name: 'InvalidGroupMailboxRequestError' })
        await s.deposit(topicA, keyA, bytes(MAX_GROUP_MESSAGE_BYTES, 1), requester)
        await s.deposit(topicA, keyA, bytes(20, 2), requester)
        await expect(s.deposit(topicA, keyA, bytes(1, 3), requester)).rejects.toMatchObject({ name: 'GroupTopicFullError', message: `the topic holds its quota (3 messages, ${MAX_GROUP_MESSAGE_BYTES + 20} bytes)` })
        // concurrent deposits in one group commit: the count quota holds inside the batch
        const results = await Promise.allSettled([1, 2, 3, 4, 5].map(async i => await s.deposit(topicB, keyB, bytes(1, i), requester)))
        expect(results.map(r => r.status === 'fulfilled' ? 'ok' : (r.reason as Error).name)).toEqual(['ok', 'ok', 'ok', 'GroupTopicFullError', 'GroupTopicFullError'])
        // a redeposit of something stored is still answered at a full topic
        await expect(s.deposit(topicB, keyB, bytes(1, 1), requester)).resolves.toMatchObject({ ref: groupMessageRef(bytes(1, 1)) })
        expect(await s.usage(topicA)).toMatchObject({ count: 2, bytes: MAX_GROUP_MESSAGE_BYTES + 20 })
        expect((await s.list(alice1, topicA, undefined, 10, 1 << 30)).map(e => e.message.length)).toEqual([MAX_GROUP_MESSAGE_BYTES, 20])
        expect(await s.usage(topicB)).toMatchObject({ count: 3, bytes: 3 })
      } finally {
        await h.close()
      }
    })

    it('pages by count and bytes after a cursor', async () => {
      const h = await factory()
      try {
        const s = open(h.store)
        await s.register(alice1, [{ topic: topicA, depositCheck: groupDepositCheck(keyA) }])
        const receipts = await Promise.all(Array.from({ length: 30 }, async (_, i) => await s.deposit(topicA, keyA, bytes(10, i + 1), requester)))
        const positions = receipts.map(r => r.position).sort()
        expect((await s.list(alice1, topicA, undefined, 7, 1 << 20)).map(e => e.position)).toEqual(positions.slice(0, 7))
        expect((await s.list(alice1, topicA, positions[6], 100, 1 << 20)).map(e => e.position)).toEqual(positions.slice(7))
        // a page stops once its bytes reach the bound, the bound included
        expect(await s.list(alice1, topicA, undefined, 100, 20)).toHaveLength(2)
        expect(await s.list(alice1, topicA, undefined, 100, 21)).toHaveLength(3)
        expect(s.stats.delivered).toBe(7 + 23 + 2 + 3)
      } finally {
        await h.close()
      }
    })

    it('hides messages past the TTL at once, sweeps them (quota freed), and drops registrations nobody used for the TTL', async () => {
      const h = await factory()
      try {
        let now = NOW
        const ttlMs = 100_000
        const s = open(h.store, { now: () => now, limits: { ttlMs } })
        const reg = [{ topic: topicA, depositCheck: groupDepositCheck(keyA) }]
        await s.register(alice1, reg)
        await s.register(bob, reg)
        const old = await s.deposit(topicA, keyA, text('old'), requester)
        now += 60_000
        await s.deposit(topicA, keyA, text('fresh'), requester)
        now += 40_001
        expect(await texts(s, alice1)).toEqual(['fresh'])
        expect(await s.getByRef(topicA, keyA, [old.ref], requester)).toEqual([])
        // the same bytes deposited again after the TTL are stored anew (the expired copy is replaced)
        const again = await s.deposit(topicA, keyA, text('old'), requester)
        expect(again.position > old.position).toBe(true)
        expect(await s.usage(topicA)).toMatchObject({ count: 2, bytes: 8 })
        expect(await texts(s, bob)).toEqual(['fresh', 'old'])
        expect(await s.sweep()).toBe(0)
        // bob keeps using the topic (a fetch refreshes its registration), alice does not: alice's lapses
        now += 60_000
        expect(await s.sweep()).toBe(1)
        expect(await s.usage(topicA)).toMatchObject({ count: 1, bytes: 3 })
        await texts(s, bob)
        now += 50_000
        await s.sweep()
        await expect(s.list(alice1, topicA, undefined, 10, 1000)).rejects.toMatchObject({ name: 'UnknownGroupTopicError' })
        expect(await s.usage(topicA)).toMatchObject({ registrations: 1 })
        // bob stops too: the topic goes with its last registration
        now += ttlMs
        await s.sweep()
        expect(await s.usage(topicA)).toBeUndefined()
        const left: string[] = []
        for await (const { key } of h.store.iterate()) left.push(key)
        expect(left).toEqual(['l'])
        // 'fresh', then the second 'old' (the first was replaced, not counted)
        expect(s.stats.expired).toBe(2)
      } finally {
        await h.close()
      }
    })

    it('rate-limits deposits and gets per requester', async () => {
      const h = await factory()
      try {
        const s = new RelayGroupMailboxStore({ kv: h.store, now: () => NOW, limits: { depositsPerPeer: [{ max: 2, windowMs: 1000 }], getsPerPeer: [{ max: 1, windowMs: 1000 }] } })
        await s.register(alice1, [{ topic: topicA, depositCheck: groupDepositCheck(keyA) }])
        await s.deposit(topicA, keyA, text('1'), requester)
        // a refused deposit (wrong key) counts too: a prober is slowed down as well
        await expect(s.deposit(topicA, keyB, text('2'), requester)).rejects.toMatchObject({ name: 'UnknownGroupTopicError' })
        const err = await s.deposit(topicA, keyA, text('3'), requester).catch(e => e)
        expect(err).toMatchObject({ name: 'RateLimitedError', retryAfterMs: 1000 })
        const other = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
        await s.deposit(topicA, keyA, text('3'), other)
        await s.getByRef(topicA, keyA, [groupMessageRef(text('1'))], requester)
        await expect(s.getByRef(topicA, keyA, [groupMessageRef(text('1'))], requester)).rejects.toMatchObject({ name: 'RateLimitedError' })
        expect(await s.usage(topicA)).toMatchObject({ count: 2 })
      } finally {
        await h.close()
      }
    })

    if (persistent) {
      it('keeps messages, cursors and registrations across a close and reopen, and positions keep increasing when the clock steps back', async () => {
        const h = await factory()
        try {
          let now = NOW
          const s = open(h.store, { now: () => now })
          const reg = [{ topic: topicA, depositCheck: groupDepositCheck(keyA) }]
          await s.register(alice1, reg)
          await s.register(alice2, reg)
          const receipts = []
          for (const m of ['m1', 'm2', 'm3']) receipts.push(await s.deposit(topicA, keyA, text(m), requester))
          await s.ack(alice1, topicA, receipts[1].position)
          const kv = await h.reopen!()
          now -= 3_600_000
          const again = open(kv, { now: () => now })
          expect(await texts(again, alice1)).toEqual(['m3'])
          expect(await texts(again, alice2)).toEqual(['m1', 'm2', 'm3'])
          expect(await again.usage(topicA)).toEqual({ count: 3, bytes: 6, registrations: 2 })
          // the key check and the idempotence survive too
          await expect(again.deposit(topicA, keyB, text('x'), requester)).rejects.toMatchObject({ name: 'UnknownGroupTopicError' })
          expect(await again.deposit(topicA, keyA, text('m2'), requester)).toEqual(receipts[1])
          const later = await again.deposit(topicA, keyA, text('m4'), requester)
          expect(later.position > receipts[2].position).toBe(true)
          await again.ack(alice2, topicA, receipts[2].position)
          expect(await again.usage(topicA)).toMatchObject({ count: 2 })
          expect(await texts(again, alice1)).toEqual(['m3', 'm4'])
        } finally {
          await h.close()
        }
      })
    } else {
      it(`deletes in chunks of ${DELETE_CHUNK} when a cursor passes many messages and when a big topic goes`, async () => {
        const h = await factory()
        try {
          const s = open(h.store)
          const reg = [{ topic: topicA, depositCheck: groupDepositCheck(keyA) }]
          await s.register(alice1, reg)
          const n = DELETE_CHUNK * 2 + 5
          const receipts = await Promise.all(Array.from({ length: n }, async (_, i) => await s.deposit(topicA, keyA, text(`m${i}`), requester)))
          const last = receipts.map(r => r.position).sort()[n - 1]
          // the ack is answered after the first chunk; the rest follows in the background (the sweep would finish it)
          await s.ack(alice1, topicA, last)
          expect(s.stats.acked).toBeGreaterThanOrEqual(DELETE_CHUNK)
          await until(() => s.stats.acked === n, 'the trim', 20_000)
          expect(await s.usage(topicA)).toMatchObject({ count: 0, bytes: 0 })
          await Promise.all(Array.from({ length: n }, async (_, i) => await s.deposit(topicA, keyA, text(`again${i}`), requester)))
          await s.unregister(alice1, [topicA])
          expect(await s.usage(topicA)).toBeUndefined()
          // a purge cut short (here: still running) is finished by the sweep
          await s.sweep()
          const left: string[] = []
          for await (const { key } of h.store.iterate()) left.push(key)
          expect(left).toEqual(['l'])
        } finally {
          await h.close()
        }
      })
    }
  })
}

describeStore('memory', memoryKv, false)
describeStore('level', levelFactory(s => s.kv('relay-group-mailbox')), true)

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

describe('RelayGroupMailboxStore durability', () => {
  const limits = { depositsPerPeer: relaxed, getsPerPeer: relaxed }

  it('has the documented defaults', () => {
    expect(DEFAULT_GROUP_MAILBOX_LIMITS).toMatchObject({ ttlMs: 30 * 24 * 3600 * 1000, maxTopicsPerDevice: 512, maxMessagesPerTopic: 100_000, maxBytesPerTopic: 512 * 1024 * 1024 })
  })

  it('syncs every write: registrations, deposits, acks, trims, unregistrations and the sweep', async () => {
    const kv = new RecordingKeyValueStore(new MemoryKeyValueStore())
    let now = NOW
    const s = new RelayGroupMailboxStore({ kv, now: () => now, limits: { ...limits, ttlMs: 60_000 } })
    await s.register(alice1, [{ topic: topicA, depositCheck: groupDepositCheck(keyA) }])
    await s.register(alice2, [{ topic: topicA, depositCheck: groupDepositCheck(keyA) }])
    const r = await s.deposit(topicA, keyA, text('a'), requester)
    await s.deposit(topicA, keyA, text('b'), requester)
    await s.ack(alice1, topicA, r.position)
    await s.ack(alice2, topicA, r.position)
    expect(await s.usage(topicA)).toMatchObject({ count: 1 })
    now += 120_000
    await s.sweep()
    expect(await s.usage(topicA)).toBeUndefined()
    expect(kv.writes.length).toBeGreaterThan(5)
    expect(kv.writes.filter(w => w.options?.sync !== true)).toEqual([])
  })

  it('a failed write rejects the deposit, the registration or the ack and leaves what was there', async () => {
    const kv = new RecordingKeyValueStore(new MemoryKeyValueStore())
    const s = new RelayGroupMailboxStore({ kv, limits })
    await s.register(alice1, [{ topic: topicA, depositCheck: groupDepositCheck(keyA) }])
    const kept = await s.deposit(topicA, keyA, text('kept'), requester)
    kv.failing = true
    const refused = await Promise.allSettled([1, 2, 3].map(async i => await s.deposit(topicA, keyA, bytes(4, i), requester)))
    expect(refused.map(r => r.status === 'rejected' ? (r.reason as Error).name : 'ok')).toEqual(['DiskFullError', 'DiskFullError', 'DiskFullError'])
    await expect(s.register(bob, [{ topic: topicA, depositCheck: groupDepositCheck(keyA) }])).rejects.toMatchObject({ name: 'DiskFullError' })
    await expect(s.ack(alice1, topicA, kept.position)).rejects.toMatchObject({ name: 'DiskFullError' })
    kv.failing = false
    expect(await s.usage(topicA)).toEqual({ count: 1, bytes: 4, registrations: 1 })
    expect((await s.list(alice1, topicA, undefined, 10, 1000)).map(e => untext(e.message))).toEqual(['kept'])
    // the failed batch's positions are never reused
    const next = await s.deposit(topicA, keyA, text('next'), requester)
    expect(next.position > kept.position).toBe(true)
  })
})
