// /parley/group-mailbox/1.0.0 end to end over in-memory streams, client functions against the server and the relay's real store: deposit, register, fetch, ack, unregister, get by ref; two devices on one topic; a stranger with a wrong key or an unknown topic; a device that is not an owner; quotas; the TTL; a relay that lies about refs.
import { describe, it, expect } from 'vitest'
import { createHash } from 'node:crypto'
import {
  depositGroupMessages, registerGroupTopics, unregisterGroupTopics, fetchGroupMessages, getGroupMessagesByRef, groupMessageRef, groupDepositCheck,
  GROUP_MAILBOX_PROTOCOL, MAX_GROUP_MESSAGE_BYTES, MAX_GROUP_PAGE_MESSAGES, MAX_REFS_PER_GET, MAX_TOPICS_PER_REQUEST,
  GroupMailboxAuthError, UnknownGroupTopicError, type GroupDepositReceipt, type GroupMailboxBackend, type GroupMessageEntry, type GroupTopicFetch
} from '../../src/protocols/group-mailbox/index.js'
import { IdentityKeyPair, systemRandom } from '../../src/crypto/index.js'
import { startGroupRelay, topicOf, text, untext, bytes, type GroupRelay } from './group-mailbox-harness.js'
import type { DialingNode } from '../../src/protocols/request-response.js'
import type { MailboxNode } from '../../src/protocols/mailbox/client.js'

const alice = IdentityKeyPair.generate(systemRandom)
const bob = IdentityKeyPair.generate(systemRandom)
const A = topicOf(1)
const B = topicOf(2)
type Node = DialingNode & MailboxNode

/** Every message of a fetch until DRAINED. */
async function drain (fetch: GroupTopicFetch): Promise<GroupMessageEntry[]> {
  const out: GroupMessageEntry[] = []
  for await (const m of fetch) out.push(m)
  return out
}

async function fetchTexts (relay: GroupRelay, node: Node, identity: IdentityKeyPair, deviceId: number, topic = A.topic, after?: string): Promise<string[]> {
  const fetch = await fetchGroupMessages(node, relay.relayPeerId, { identity, deviceId, topic, ...(after != null ? { after } : {}) })
  try {
    return (await drain(fetch)).map(m => untext(m.message))
  } finally {
    await fetch.close()
  }
}

const receipt = (r: GroupDepositReceipt | Error): GroupDepositReceipt => {
  if (r instanceof Error) throw r
  return r
}

describe('group mailbox', () => {
  it('registers a topic, takes deposits from a stranger holding the key, and hands them to the owner in order once', async () => {
    const relay = await startGroupRelay()
    const member = await relay.node()
    const sender = await relay.node()
    expect(relay.server.protocol).toBe(GROUP_MAILBOX_PROTOCOL)
    await registerGroupTopics(member, relay.relayPeerId, { identity: alice, deviceId: 1, topics: [{ topic: A.topic, depositCheck: A.depositCheck }] })
    const results = await depositGroupMessages(sender, relay.relayPeerId, ['one', 'two', 'three'].map(m => ({ topic: A.topic, depositKey: A.depositKey, message: text(m) })))
    const receipts = results.map(receipt)
    expect(receipts.map(r => r.ref)).toEqual(['one', 'two', 'three'].map(m => groupMessageRef(text(m))))
    expect([...receipts.map(r => r.position)].sort()).toEqual(receipts.map(r => r.position))
    const fetch = await fetchGroupMessages(member, relay.relayPeerId, { identity: alice, deviceId: 1, topic: A.topic })
    const got = await drain(fetch)
    expect(got.map(m => untext(m.message))).toEqual(['one', 'two', 'three'])
    expect(got.map(m => m.position)).toEqual(receipts.map(r => r.position))
    expect(got.every(m => m.receivedAt > 0)).toBe(true)
    expect(await fetch.ack(got[2].position)).toBe(got[2].position)
    // the session stays open after the iteration: a second pass finds nothing after the cursor
    expect(await drain(fetch)).toEqual([])
    await fetch.close()
    expect(fetch.closed).toBe(true)
    expect(await fetchTexts(relay, member, alice, 1)).toEqual([])
    // the only registered device acked everything: nothing is kept
    expect(await relay.store.usage(A.topic)).toMatchObject({ count: 0, registrations: 1 })
  })

  it('gives two devices of a topic every message once each: one acking does not move the other, and a message goes once both acked', async () => {
    const relay = await startGroupRelay()
    const phone = await relay.node()
    const laptop = await relay.node()
    const reg = [{ topic: A.topic, depositCheck: A.depositCheck }]
    await registerGroupTopics(phone, relay.relayPeerId, { identity: alice, deviceId: 1, topics: reg })
    await registerGroupTopics(laptop, relay.relayPeerId, { identity: alice, deviceId: 2, topics: reg })
    const receipts = (await depositGroupMessages(await relay.node(), relay.relayPeerId, ['a', 'b', 'c'].map(m => ({ topic: A.topic, depositKey: A.depositKey, message: text(m) })))).map(receipt)
    const first = await fetchGroupMessages(phone, relay.relayPeerId, { identity: alice, deviceId: 1, topic: A.topic })
    expect((await drain(first)).map(m => untext(m.message))).toEqual(['a', 'b', 'c'])
    await first.ack(receipts[2].position)
    await first.close()
    expect(await fetchTexts(relay, phone, alice, 1)).toEqual([])
    expect(await relay.store.usage(A.topic)).toMatchObject({ count: 3 })
    const second = await fetchGroupMessages(laptop, relay.relayPeerId, { identity: alice, deviceId: 2, topic: A.topic })
    const got = await drain(second)
    expect(got.map(m => untext(m.message))).toEqual(['a', 'b', 'c'])
    await second.ack(got[0].position)
    expect(await relay.store.usage(A.topic)).toMatchObject({ count: 2 })
    await second.ack(got[2].position)
    await second.close()
    expect(await relay.store.usage(A.topic)).toMatchObject({ count: 0, registrations: 2 })
    // a device resumes after a position of its own
    await depositGroupMessages(await relay.node(), relay.relayPeerId, [{ topic: A.topic, depositKey: A.depositKey, message: text('d') }])
    expect(await fetchTexts(relay, laptop, alice, 2, A.topic, receipts[2].position)).toEqual(['d'])
  })

  it('answers a stranger with a wrong key and one naming an unknown topic with the same status, and stores nothing', async () => {
    const relay = await startGroupRelay()
    const member = await relay.node()
    await registerGroupTopics(member, relay.relayPeerId, { identity: alice, topics: [{ topic: A.topic, depositCheck: A.depositCheck }] })
    const stranger = await relay.node()
    const [wrongKey, unknownTopic, ownKeyElsewhere] = await depositGroupMessages(stranger, relay.relayPeerId, [
      { topic: A.topic, depositKey: B.depositKey, message: text('spam') },
      { topic: B.topic, depositKey: B.depositKey, message: text('spam') },
      { topic: B.topic, depositKey: A.depositKey, message: text('spam') }
    ])
    for (const r of [wrongKey, unknownTopic, ownKeyElsewhere]) {
      expect(r).toBeInstanceOf(UnknownGroupTopicError)
      expect((r as Error).message).toBe((wrongKey as Error).message)
    }
    await expect(getGroupMessagesByRef(stranger, relay.relayPeerId, { topic: A.topic, depositKey: B.depositKey, refs: [groupMessageRef(text('x'))] })).rejects.toBeInstanceOf(UnknownGroupTopicError)
    expect(await relay.store.usage(A.topic)).toMatchObject({ count: 0 })
    expect(await relay.store.usage(B.topic)).toBeUndefined()
  })

  it('refuses a device that is not an owner of the relay, one that signs for another identity, and one that fetches a topic it did not register', async () => {
    const relay = await startGroupRelay({ store: { isKnownOwner: async o => o.deviceId === 1 } })
    const node = await relay.node()
    await expect(registerGroupTopics(node, relay.relayPeerId, { identity: alice, deviceId: 7, topics: [{ topic: A.topic, depositCheck: A.depositCheck }] })).rejects.toBeInstanceOf(GroupMailboxAuthError)
    expect(await relay.store.usage(A.topic)).toBeUndefined()
    await registerGroupTopics(node, relay.relayPeerId, { identity: alice, deviceId: 1, topics: [{ topic: A.topic, depositCheck: A.depositCheck }] })
    // another owner that does not hold the key cannot take the topic over
    await expect(registerGroupTopics(node, relay.relayPeerId, { identity: bob, deviceId: 1, topics: [{ topic: A.topic, depositCheck: B.depositCheck }] })).rejects.toBeInstanceOf(UnknownGroupTopicError)
    // bob signs for alice's key: the relay checks the signature against the identity the session names
    const forged = { publicKey: alice.publicKey, sign: (message: Uint8Array) => bob.sign(message) } as unknown as IdentityKeyPair
    await expect(fetchGroupMessages(node, relay.relayPeerId, { identity: forged, deviceId: 1, topic: A.topic })).rejects.toMatchObject({ name: 'GroupMailboxAuthError', message: 'the challenge signature does not verify for this device, relay and connection' })
    const fetch = await fetchGroupMessages(node, relay.relayPeerId, { identity: bob, deviceId: 1, topic: A.topic })
    await expect(drain(fetch)).rejects.toBeInstanceOf(UnknownGroupTopicError)
    // a refusal leaves the session usable
    await expect(fetch.ack('0000000000000001')).rejects.toBeInstanceOf(UnknownGroupTopicError)
    expect(fetch.closed).toBe(false)
    await fetch.close()
  })

  it('stores a redeposit of the same bytes once and answers its position again', async () => {
    const relay = await startGroupRelay()
    const member = await relay.node()
    await registerGroupTopics(member, relay.relayPeerId, { identity: alice, topics: [{ topic: A.topic, depositCheck: A.depositCheck }] })
    const sender = await relay.node()
    const [first] = await depositGroupMessages(sender, relay.relayPeerId, [{ topic: A.topic, depositKey: A.depositKey, message: text('once') }])
    const again = await depositGroupMessages(await relay.node(), relay.relayPeerId, [
      { topic: A.topic, depositKey: A.depositKey, message: text('once') },
      { topic: A.topic, depositKey: A.depositKey, message: text('once') }
    ])
    expect(again).toEqual([first, first])
    expect(await fetchTexts(relay, member, alice, 1)).toEqual(['once'])
    expect(relay.store.stats).toMatchObject({ deposited: 1, duplicates: 2 })
  })

  it('new members get no history; an unregistered device gets nothing more, and the topic goes with its last registration', async () => {
    const relay = await startGroupRelay()
    const node = await relay.node()
    const reg = [{ topic: A.topic, depositCheck: A.depositCheck }]
    await registerGroupTopics(node, relay.relayPeerId, { identity: alice, topics: reg })
    await depositGroupMessages(node, relay.relayPeerId, [{ topic: A.topic, depositKey: A.depositKey, message: text('before bob') }])
    await registerGroupTopics(node, relay.relayPeerId, { identity: bob, topics: reg })
    await depositGroupMessages(node, relay.relayPeerId, [{ topic: A.topic, depositKey: A.depositKey, message: text('after bob') }])
    expect(await fetchTexts(relay, node, bob, 1)).toEqual(['after bob'])
    await unregisterGroupTopics(node, relay.relayPeerId, { identity: bob, topics: [A.topic, B.topic] })
    const fetch = await fetchGroupMessages(node, relay.relayPeerId, { identity: bob, topic: A.topic })
    await expect(drain(fetch)).rejects.toBeInstanceOf(UnknownGroupTopicError)
    await fetch.close()
    await unregisterGroupTopics(node, relay.relayPeerId, { identity: alice, topics: [A.topic] })
    expect(await relay.store.usage(A.topic)).toBeUndefined()
    const [late] = await depositGroupMessages(node, relay.relayPeerId, [{ topic: A.topic, depositKey: A.depositKey, message: text('late') }])
    expect(late).toBeInstanceOf(UnknownGroupTopicError)
  })

  it('gets messages by ref with the deposit key and no authentication: unknown refs are absent, at most 64 refs', async () => {
    const relay = await startGroupRelay()
    const member = await relay.node()
    await registerGroupTopics(member, relay.relayPeerId, { identity: alice, topics: [{ topic: A.topic, depositCheck: A.depositCheck }] })
    const big = bytes(MAX_GROUP_MESSAGE_BYTES, 7)
    const messages = [text('a'), big, bytes(MAX_GROUP_MESSAGE_BYTES, 8), bytes(MAX_GROUP_MESSAGE_BYTES, 9), bytes(MAX_GROUP_MESSAGE_BYTES, 10), bytes(MAX_GROUP_MESSAGE_BYTES, 11)]
    const receipts = (await depositGroupMessages(member, relay.relayPeerId, messages.map(message => ({ topic: A.topic, depositKey: A.depositKey, message })))).map(receipt)
    const repairer = await relay.node()
    // six messages of up to 256 KiB: more than one page of 1 MiB
    const got = await getGroupMessagesByRef(repairer, relay.relayPeerId, { topic: A.topic, depositKey: A.depositKey, refs: [...receipts.map(r => r.ref).reverse(), groupMessageRef(text('never'))] })
    expect(got.map(m => m.position)).toEqual(receipts.map(r => r.position))
    expect(Buffer.from(got[1].message).equals(big)).toBe(true)
    expect(await getGroupMessagesByRef(repairer, relay.relayPeerId, { topic: A.topic, depositKey: A.depositKey, refs: [] })).toEqual([])
    await expect(getGroupMessagesByRef(repairer, relay.relayPeerId, { topic: A.topic, depositKey: A.depositKey, refs: Array.from({ length: MAX_REFS_PER_GET + 1 }, () => receipts[0].ref) })).rejects.toMatchObject({ name: 'InvalidGroupMailboxRequestError' })
    await expect(getGroupMessagesByRef(repairer, relay.relayPeerId, { topic: A.topic, depositKey: A.depositKey, refs: [bytes(17)] })).rejects.toMatchObject({ name: 'InvalidGroupMailboxRequestError' })
  })

  it('refuses deposits past a topic\'s quota (TOPIC_FULL) and topics past a device\'s, and loses nothing stored', async () => {
    const relay = await startGroupRelay({ store: { limits: { maxMessagesPerTopic: 2, maxTopicsPerDevice: 1 } } })
    const node = await relay.node()
    await registerGroupTopics(node, relay.relayPeerId, { identity: alice, topics: [{ topic: A.topic, depositCheck: A.depositCheck }] })
    const results = await depositGroupMessages(node, relay.relayPeerId, ['1', '2', '3'].map(m => ({ topic: A.topic, depositKey: A.depositKey, message: text(m) })))
    expect(results.map(r => r instanceof Error ? r.name : 'ok')).toEqual(['ok', 'ok', 'GroupTopicFullError'])
    await expect(registerGroupTopics(node, relay.relayPeerId, { identity: alice, topics: [{ topic: B.topic, depositCheck: B.depositCheck }] })).rejects.toMatchObject({ name: 'GroupTopicFullError' })
    expect(await fetchTexts(relay, node, alice, 1)).toEqual(['1', '2'])
  })

  it('rate-limits deposits per peer: the client gets RateLimitedError with retryAfterMs and nothing past the limit is stored', async () => {
    const relay = await startGroupRelay({ store: { limits: { depositsPerPeer: [{ max: 2, windowMs: 60_000 }] } } })
    const node = await relay.node()
    await registerGroupTopics(node, relay.relayPeerId, { identity: alice, topics: [{ topic: A.topic, depositCheck: A.depositCheck }] })
    const results = await depositGroupMessages(node, relay.relayPeerId, ['1', '2', '3', '4'].map(m => ({ topic: A.topic, depositKey: A.depositKey, message: text(m) })))
    expect(results.map(r => r instanceof Error ? r.name : 'ok')).toEqual(['ok', 'ok', 'RateLimitedError', 'RateLimitedError'])
    expect((results[2] as Error & { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0)
    expect(await relay.store.usage(A.topic)).toMatchObject({ count: 2 })
  })

  it('hides messages past the TTL (fake clock) and the sweep deletes them', async () => {
    let now = 1_700_000_000_000
    const relay = await startGroupRelay({ store: { now: () => now, limits: { ttlMs: 60_000 } }, server: { now: () => now } })
    const node = await relay.node()
    await registerGroupTopics(node, relay.relayPeerId, { identity: alice, topics: [{ topic: A.topic, depositCheck: A.depositCheck }], timestamp: now })
    await depositGroupMessages(node, relay.relayPeerId, [{ topic: A.topic, depositKey: A.depositKey, message: text('old') }])
    now += 30_000
    await depositGroupMessages(node, relay.relayPeerId, [{ topic: A.topic, depositKey: A.depositKey, message: text('new') }])
    now += 30_001
    const fetch = await fetchGroupMessages(node, relay.relayPeerId, { identity: alice, topic: A.topic, timestamp: now })
    expect((await drain(fetch)).map(m => untext(m.message))).toEqual(['new'])
    await fetch.close()
    expect(await relay.store.sweep()).toBe(1)
    expect(await relay.store.usage(A.topic)).toMatchObject({ count: 1, bytes: 3 })
  })

  it('fetches more than a page, a page per request, and registers more topics than fit one request', async () => {
    const relay = await startGroupRelay({ store: { limits: { maxTopicsPerDevice: MAX_TOPICS_PER_REQUEST + 10 } } })
    const node = await relay.node()
    const many = Array.from({ length: MAX_TOPICS_PER_REQUEST + 3 }, (_, i) => {
      const topic = new Uint8Array(32)
      new DataView(topic.buffer).setUint32(0, i + 100)
      return { topic, depositCheck: A.depositCheck }
    })
    await registerGroupTopics(node, relay.relayPeerId, { identity: alice, topics: [{ topic: A.topic, depositCheck: A.depositCheck }, ...many] })
    expect(await relay.store.usage(many[many.length - 1].topic)).toMatchObject({ registrations: 1 })
    const n = MAX_GROUP_PAGE_MESSAGES * 2 + 5
    await depositGroupMessages(node, relay.relayPeerId, Array.from({ length: n }, (_, i) => ({ topic: A.topic, depositKey: A.depositKey, message: text(`m${i}`) })))
    expect(await fetchTexts(relay, node, alice, 1)).toEqual(Array.from({ length: n }, (_, i) => `m${i}`))
    await unregisterGroupTopics(node, relay.relayPeerId, { identity: alice, topics: many.map(t => t.topic) })
    expect(await relay.store.usage(many[0].topic)).toBeUndefined()
  })

  it('checks what it sends before dialling and what the relay answers: a relay that names another ref or resends a page is caught', async () => {
    const relay = await startGroupRelay()
    const node = await relay.node()
    const [tooBig, empty, shortTopic, shortKey] = await depositGroupMessages(node, relay.relayPeerId, [
      { topic: A.topic, depositKey: A.depositKey, message: bytes(MAX_GROUP_MESSAGE_BYTES + 1) },
      { topic: A.topic, depositKey: A.depositKey, message: new Uint8Array(0) },
      { topic: bytes(31), depositKey: A.depositKey, message: text('x') },
      { topic: A.topic, depositKey: bytes(33), message: text('x') }
    ])
    expect([tooBig, empty, shortTopic, shortKey].map(r => (r as Error).name)).toEqual(['GroupMessageTooLargeError', 'InvalidGroupMailboxRequestError', 'InvalidGroupMailboxRequestError', 'InvalidGroupMailboxRequestError'])
    expect(relay.handled).toHaveLength(0)
    await expect(registerGroupTopics(node, relay.relayPeerId, { identity: alice, topics: [{ topic: A.topic, depositCheck: bytes(31) }] })).rejects.toMatchObject({ name: 'InvalidGroupMailboxRequestError' })

    // a lying relay: deposits answered with another ref, fetches with a message under another's ref, a page sent twice
    const liar = await startGroupRelay({
      wrap: store => {
        const backend: GroupMailboxBackend = Object.create(store)
        backend.deposit = async (...args) => ({ ...(await store.deposit(...args)), ref: groupMessageRef(text('other')) })
        backend.list = async (...args) => (await store.list(...args)).map(e => untext(e.message) === 'swapped' ? { ...e, message: text('not what was stored') } : e)
        return backend
      }
    })
    const member = await liar.node()
    await registerGroupTopics(member, liar.relayPeerId, { identity: alice, topics: [{ topic: A.topic, depositCheck: A.depositCheck }] })
    const [lied] = await depositGroupMessages(member, liar.relayPeerId, [{ topic: A.topic, depositKey: A.depositKey, message: text('swapped') }])
    expect(lied).toMatchObject({ name: 'ProtocolViolationError' })
    const fetch = await fetchGroupMessages(member, liar.relayPeerId, { identity: alice, topic: A.topic })
    await expect(drain(fetch)).rejects.toMatchObject({ name: 'ProtocolViolationError' })
    expect(fetch.closed).toBe(true)

    const looping = await startGroupRelay({
      wrap: store => {
        const backend: GroupMailboxBackend = Object.create(store)
        backend.list = async (owner, topic, _after, ...rest) => await store.list(owner, topic, undefined, ...rest)
        return backend
      }
    })
    const other = await looping.node()
    await registerGroupTopics(other, looping.relayPeerId, { identity: alice, topics: [{ topic: A.topic, depositCheck: A.depositCheck }] })
    await depositGroupMessages(other, looping.relayPeerId, [{ topic: A.topic, depositKey: A.depositKey, message: text('again and again') }])
    const loop = await fetchGroupMessages(other, looping.relayPeerId, { identity: alice, topic: A.topic })
    await expect(drain(loop)).rejects.toMatchObject({ name: 'ProtocolViolationError', message: 'the relay sent positions out of order' })
  })

  it('computes a ref as SHA-256 of the domain and the bytes, truncated to 16 bytes, and a deposit check as SHA-256 of the key', () => {
    const sha = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(createHash('sha256').update(Buffer.concat(parts)).digest())
    expect(groupMessageRef(text('hello'))).toEqual(sha(text('Parley_GroupMessageRef_v1'), text('hello')).slice(0, 16))
    expect(groupMessageRef(text('hello'))).not.toEqual(groupMessageRef(text('hellp')))
    expect(groupDepositCheck(A.depositKey)).toEqual(sha(A.depositKey))
  })
})
