// Shared suite for MessageStore implementations: dedup, history order and paging, status rules, unread counts, conversation list.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { canChangeStatus, MAX_STORED_ATTACHMENT_CHARS, MAX_STORED_MENTIONS, MAX_TEXT_BYTES } from '../../../src/storage/index.js'
import type { MessageStatus, MessageStore, StoredMessage } from '../../../src/storage/index.js'
import type { SuiteOptions } from './harness.js'
import type { StoreFactory, StoreHandle } from '../../helpers/storage.js'
import { mid } from './outbox-store.js'

const ALICE = '+15550001111'
const BOB = '+442079460958'
const ME = '+15550009999'

function incoming (n: number, from: string, timestamp: number, receivedAt = timestamp + 1): StoredMessage {
  return { id: mid(n), conversation: from, direction: 'in', sender: from, text: `hi ${n}`, timestamp, receivedAt, status: 'delivered' }
}

function outgoing (n: number, to: string, timestamp: number): StoredMessage {
  return { id: mid(n), conversation: to, direction: 'out', sender: ME, text: `yo ${n}`, timestamp, receivedAt: timestamp, status: 'pending' }
}

export function describeMessageStore (name: string, factory: StoreFactory<MessageStore>, opts: SuiteOptions = {}): void {
  describe(`MessageStore: ${name}`, () => {
    let h: StoreHandle<MessageStore>
    let store: MessageStore
    beforeEach(async () => { h = await factory(); store = h.store })
    afterEach(async () => { await h.close() })

    it('stores an incoming message once: a duplicate (sender, id) changes nothing', async () => {
      expect(await store.addIncoming(incoming(1, ALICE, 100))).toBe(true)
      expect(await store.addIncoming({ ...incoming(1, ALICE, 100), text: 'changed' })).toBe(false)
      expect(await store.get(ALICE, mid(1))).toEqual(incoming(1, ALICE, 100))
      expect(await store.conversation(ALICE)).toMatchObject({ unread: 1 })
      expect(await store.hasSeen(ALICE, mid(1))).toBe(true)
      // the same id from another sender is another message
      expect(await store.addIncoming(incoming(1, BOB, 100))).toBe(true)
    })

    it('keeps a reply\'s quoted id and the mentions, through status changes; refuses malformed ones', async () => {
      const reply = { ...incoming(3, ALICE, 300), quoteId: mid(1), mentions: [ME, BOB] }
      expect(await store.addIncoming(reply)).toBe(true)
      expect(await store.get(ALICE, mid(3))).toEqual(reply)
      await store.markRead(ALICE)
      expect(await store.get(ALICE, mid(3))).toEqual({ ...reply, status: 'read' })
      const out = { ...outgoing(4, ALICE, 400), quoteId: mid(3) }
      await store.addOutgoing(out)
      expect(await store.updateStatus(ALICE, mid(4), 'sent')).toEqual({ ...out, status: 'sent' })
      await expect(store.addIncoming({ ...incoming(5, ALICE, 500), quoteId: 'not an id' })).rejects.toHaveProperty('name', 'InvalidRecordError')
      await expect(store.addIncoming({ ...incoming(6, ALICE, 600), mentions: ['alice'] })).rejects.toHaveProperty('name', 'InvalidRecordError')
      await expect(store.addIncoming({ ...incoming(7, ALICE, 700), mentions: Array.from({ length: MAX_STORED_MENTIONS + 1 }, () => BOB) })).rejects.toHaveProperty('name', 'InvalidRecordError')
      expect(await store.get(ALICE, mid(5))).toBeUndefined()
    })

    it('keeps an attachment descriptor (base64, opaque) through status changes; refuses one that is not base64 or too long', async () => {
      const file = { ...incoming(8, ALICE, 800), text: 'a caption', attachment: 'AAEC/w==' }
      expect(await store.addIncoming(file)).toBe(true)
      await store.markRead(ALICE)
      expect(await store.get(ALICE, mid(8))).toEqual({ ...file, status: 'read' })
      const longest = { ...outgoing(9, ALICE, 900), attachment: 'A'.repeat(MAX_STORED_ATTACHMENT_CHARS) }
      await store.addOutgoing(longest)
      expect(await store.updateStatus(ALICE, mid(9), 'sent')).toEqual({ ...longest, status: 'sent' })
      for (const [i, attachment] of [[10, 'not base64!'], [11, ''], [12, 'A'.repeat(MAX_STORED_ATTACHMENT_CHARS + 1)], [13, 42]] as const) {
        await expect(store.addIncoming({ ...incoming(i, ALICE, 1000 + i), attachment } as unknown as StoredMessage)).rejects.toHaveProperty('name', 'InvalidRecordError')
        expect(await store.get(ALICE, mid(i))).toBeUndefined()
      }
    })

    it('lets only one of concurrent deliveries of the same message in', async () => {
      const results = await Promise.all([1, 2, 3, 4].map(async () => await store.addIncoming(incoming(7, ALICE, 50))))
      expect(results.filter(Boolean).length).toBe(1)
      expect((await store.conversation(ALICE))!.unread).toBe(1)
    })

    it('keeps the dedup mark after the message is deleted, until pruned', async () => {
      await store.addIncoming(incoming(1, ALICE, 100, 1000))
      await store.addIncoming(incoming(2, ALICE, 200, 2000))
      expect(await store.deleteMessage(ALICE, mid(1))).toBe(true)
      expect(await store.deleteMessage(ALICE, mid(1))).toBe(false)
      expect(await store.get(ALICE, mid(1))).toBeUndefined()
      expect(await store.addIncoming(incoming(1, ALICE, 100, 3000))).toBe(false)
      expect(await store.pruneSeen(1000)).toBe(0)
      expect(await store.pruneSeen(1001)).toBe(1)
      expect(await store.hasSeen(ALICE, mid(1))).toBe(false)
      expect(await store.hasSeen(ALICE, mid(2))).toBe(true)
      expect(await store.addIncoming(incoming(1, ALICE, 100, 3000))).toBe(true)
      // message 2 is still stored: its id cannot come in again even after its mark is pruned
      expect(await store.pruneSeen(1e12)).toBe(2)
      expect(await store.addIncoming(incoming(2, ALICE, 200, 4000))).toBe(false)
    })

    it('pages history newest first by (timestamp, id), with cursors and timestamps', async () => {
      const stamps = [50, 10, 30, 30, 20, 40, 30]
      for (let i = 0; i < stamps.length; i++) {
        if (i % 2 === 0) await store.addIncoming(incoming(i, ALICE, stamps[i]))
        else await store.addOutgoing(outgoing(i, ALICE, stamps[i]))
      }
      await store.addIncoming(incoming(100, BOB, 35))
      const all = await store.history(ALICE)
      expect(all.map(m => [m.timestamp, m.id])).toEqual([[50, mid(0)], [40, mid(5)], [30, mid(6)], [30, mid(3)], [30, mid(2)], [20, mid(4)], [10, mid(1)]])
      const page1 = await store.history(ALICE, { limit: 3 })
      expect(page1.map(m => m.id)).toEqual([mid(0), mid(5), mid(6)])
      const last = page1[page1.length - 1]
      const page2 = await store.history(ALICE, { limit: 3, before: { timestamp: last.timestamp, id: last.id } })
      expect(page2.map(m => m.id)).toEqual([mid(3), mid(2), mid(4)])
      expect((await store.history(ALICE, { before: 30 })).map(m => m.id)).toEqual([mid(4), mid(1)])
      expect(await store.history(ALICE, { limit: 0 })).toEqual([])
      expect(await store.history('+10000000000')).toEqual([])
      await expect(store.history(ALICE, { limit: 10_000 })).rejects.toHaveProperty('name', 'InvalidRecordError')
    })

    it('moves statuses only forward and reports unknown ids as undefined', async () => {
      await store.addOutgoing(outgoing(1, BOB, 10))
      expect(await store.updateStatus(BOB, mid(1), 'sent')).toMatchObject({ status: 'sent' })
      expect(await store.updateStatus(BOB, mid(1), 'pending')).toBeUndefined()
      expect(await store.updateStatus(BOB, mid(1), 'read')).toMatchObject({ status: 'read' })
      expect(await store.updateStatus(BOB, mid(1), 'delivered')).toBeUndefined()
      expect(await store.updateStatus(BOB, mid(1), 'failed')).toBeUndefined()
      expect(await store.get(BOB, mid(1))).toMatchObject({ status: 'read' })
      expect((await store.conversation(BOB))!.lastMessage.status).toBe('read')
      expect(await store.updateStatus(BOB, mid(9), 'sent')).toBeUndefined()
      expect(await store.updateStatus('+10000000000', mid(1), 'sent')).toBeUndefined()
      await expect(store.updateStatus(BOB, mid(1), 'bogus' as MessageStatus)).rejects.toHaveProperty('name', 'InvalidRecordError')

      await store.addOutgoing(outgoing(2, BOB, 20))
      expect(await store.updateStatus(BOB, mid(2), 'failed')).toMatchObject({ status: 'failed' })
      expect(await store.updateStatus(BOB, mid(2), 'sent')).toBeUndefined()
      expect(await store.updateStatus(BOB, mid(2), 'delivered')).toMatchObject({ status: 'delivered' })
    })

    it('states the status rules', () => {
      const yes: Array<[MessageStatus, MessageStatus]> = [['pending', 'sent'], ['pending', 'read'], ['sent', 'delivered'], ['delivered', 'read'], ['pending', 'failed'], ['sent', 'failed'], ['failed', 'pending'], ['failed', 'read']]
      const no: Array<[MessageStatus, MessageStatus]> = [['sent', 'pending'], ['delivered', 'sent'], ['read', 'delivered'], ['delivered', 'failed'], ['read', 'failed'], ['failed', 'sent'], ['sent', 'sent']]
      for (const [a, b] of yes) expect(canChangeStatus(a, b), `${a} → ${b}`).toBe(true)
      for (const [a, b] of no) expect(canChangeStatus(a, b), `${a} → ${b}`).toBe(false)
    })

    it('counts unread incoming messages and marks them read up to a time', async () => {
      await store.addIncoming(incoming(1, ALICE, 10))
      await store.addOutgoing(outgoing(2, ALICE, 15))
      await store.addIncoming(incoming(3, ALICE, 20))
      await store.addIncoming({ ...incoming(4, ALICE, 30), status: 'read' })
      await store.addIncoming(incoming(5, ALICE, 40))
      expect((await store.conversation(ALICE))!.unread).toBe(3)
      expect(await store.markRead(ALICE, 20)).toEqual([mid(1), mid(3)])
      expect((await store.conversation(ALICE))!.unread).toBe(1)
      expect(await store.get(ALICE, mid(3))).toMatchObject({ status: 'read' })
      expect(await store.markRead(ALICE, 20)).toEqual([])
      // an incoming message takes no other status than read
      expect(await store.updateStatus(ALICE, mid(5), 'sent')).toBeUndefined()
      expect(await store.markRead(ALICE)).toEqual([mid(5)])
      const c = await store.conversation(ALICE)
      expect(c).toMatchObject({ unread: 0, lastMessage: { id: mid(5), status: 'read' } })
      expect(await store.markRead('+10000000000')).toEqual([])
    })

    it('marking one incoming message read through updateStatus lowers unread', async () => {
      await store.addIncoming(incoming(1, ALICE, 10))
      await store.addIncoming(incoming(2, ALICE, 20))
      expect(await store.updateStatus(ALICE, mid(1), 'read')).toMatchObject({ status: 'read' })
      expect((await store.conversation(ALICE))!.unread).toBe(1)
      expect(await store.markRead(ALICE)).toEqual([mid(2)])
    })

    it('lists conversations by latest arrival with their last message', async () => {
      await store.addIncoming(incoming(1, ALICE, 10, 100))
      await store.addIncoming(incoming(2, BOB, 10, 200))
      await store.addOutgoing({ ...outgoing(3, ALICE, 300), text: 'latest' })
      // a late message with an old sender timestamp still counts as the latest arrival
      await store.addIncoming(incoming(4, BOB, 5, 400))
      const list = await store.conversations()
      expect(list.map(c => c.address)).toEqual([BOB, ALICE])
      expect(list[1]).toEqual({ address: ALICE, unread: 1, updatedAt: 300, lastMessage: { id: mid(3), text: 'latest', direction: 'out', timestamp: 300, status: 'pending' } })
      expect(list[0]).toMatchObject({ unread: 2, updatedAt: 400, lastMessage: { id: mid(4) } })
      expect((await store.conversations({ limit: 1 })).map(c => c.address)).toEqual([BOB])
      expect(await store.conversation('+10000000000')).toBeUndefined()
    })

    it('deleting the last message shows the newest remaining; deleting all removes the conversation', async () => {
      await store.addIncoming(incoming(1, ALICE, 10))
      await store.addIncoming(incoming(2, ALICE, 20))
      await store.deleteMessage(ALICE, mid(2))
      expect(await store.conversation(ALICE)).toMatchObject({ unread: 1, lastMessage: { id: mid(1) } })
      await store.deleteMessage(ALICE, mid(1))
      expect(await store.conversation(ALICE)).toBeUndefined()
      expect(await store.conversations()).toEqual([])
    })

    it('refuses a message id the conversation already has, and outgoing duplicates', async () => {
      await store.addOutgoing(outgoing(1, ALICE, 10))
      expect(await store.addOutgoing(outgoing(1, ALICE, 11))).toBe(false)
      // a peer reusing the id of our own message cannot overwrite it
      expect(await store.addIncoming(incoming(1, ALICE, 12))).toBe(false)
      expect(await store.get(ALICE, mid(1))).toMatchObject({ direction: 'out', timestamp: 10 })
    })

    it('refuses malformed messages with InvalidRecordError and stores nothing', async () => {
      const bad: Array<Partial<StoredMessage>> = [
        { id: 'x' }, { conversation: '' }, { sender: '' }, { direction: 'out' }, { status: 'pending' }, { timestamp: -1 },
        { text: 'a'.repeat(MAX_TEXT_BYTES + 1) }, { status: 'weird' as MessageStatus }
      ]
      for (const b of bad) await expect(store.addIncoming({ ...incoming(1, ALICE, 1), ...b })).rejects.toHaveProperty('name', 'InvalidRecordError')
      await expect(store.addOutgoing(incoming(1, ALICE, 1))).rejects.toHaveProperty('name', 'InvalidRecordError')
      expect(await store.conversations()).toEqual([])
      expect(await store.hasSeen(ALICE, mid(1))).toBe(false)
    })

    if (opts.persistent === true) it('keeps messages, summaries and dedup marks across a reopen', async () => {
      await store.addIncoming(incoming(1, ALICE, 10))
      await store.addOutgoing(outgoing(2, ALICE, 20))
      await store.updateStatus(ALICE, mid(2), 'delivered')
      await store.deleteMessage(ALICE, mid(1))
      store = await h.reopen!()
      expect(await store.addIncoming(incoming(1, ALICE, 10))).toBe(false)
      expect(await store.history(ALICE)).toEqual([{ ...outgoing(2, ALICE, 20), status: 'delivered' }])
      expect(await store.conversations()).toEqual([{ address: ALICE, unread: 0, updatedAt: 20, lastMessage: { id: mid(2), text: 'yo 2', direction: 'out', timestamp: 20, status: 'delivered' } }])
    })
  })
}
