// The group mailbox client (depositGroupMessages, getGroupMessagesByRef and the owner session behind registerGroupTopics, unregisterGroupTopics and fetchGroupMessages) against a hand-driven relay on an in-memory stream pair: what it refuses before dialling, what goes on the wire, how each answer (or its absence, or a lie) becomes a result or an error, the progress timeout and the caller's signal, and that nothing (timer, listener, open stream) is left behind.
import { describe, it, expect, vi, afterEach } from 'vitest'
import { getEventListeners } from 'node:events'
import { streamPair } from '@libp2p/utils'
import type { PeerId, Stream } from '@libp2p/interface'
import {
  depositGroupMessages, getGroupMessagesByRef, registerGroupTopics, unregisterGroupTopics, fetchGroupMessages, groupMessageRef, verifyGroupMailboxAuth,
  GROUP_MAILBOX_PROTOCOL, GROUP_MAILBOX_TIMEOUT, MAX_GROUP_MESSAGE_BYTES, MAX_GROUP_PAGE_MESSAGES, MAX_POSITION_LENGTH, MAX_REFS_PER_GET, MAX_TOPICS_PER_REQUEST,
  type GroupDepositReceipt, type GroupMailboxCallOptions, type FetchGroupMessagesInit, type GroupMessageEntry, type GroupTopicFetch
} from '../../src/protocols/group-mailbox/index.js'
import { ClientFrame, RelayFrame, type GroupMessage } from '../../src/protocols/group-mailbox/pb/group-mailbox.js'
import { IdentityKeyPair, systemRandom } from '../../src/crypto/index.js'
import { bounded, dialingNode, fakeTimers, mailboxNode, newPeerId, quiet, rejection, stall, timersOf, track, until, untilAbort } from './mailbox-harness.js'
import { bytes, relayPeer, text, topicOf, untext, type RelayEnd } from './group-mailbox-harness.js'

const alice = IdentityKeyPair.generate(systemRandom)
const A = topicOf(1)
const T = 4321
const ADDR = '/ip4/127.0.0.1/tcp/1'
const NONCE = bytes(32, 5)
const { RESULT, CHALLENGE, MESSAGES, DRAINED } = RelayFrame.Type
const S = RelayFrame.Status

/** A position as the relay's store writes them: 16 hex digits. */
const P = (n: number): string => n.toString(16).padStart(16, '0')
const dep = (m: string): { topic: Uint8Array, depositKey: Uint8Array, message: Uint8Array } => ({ topic: A.topic, depositKey: A.depositKey, message: text(m) })
const ok = (m: string, position: string): Partial<RelayFrame> => ({ type: RESULT, status: S.OK, ref: Uint8Array.from(groupMessageRef(text(m))), position })
const stored = (m: string, position: string): GroupMessage => ({ ref: Uint8Array.from(groupMessageRef(text(m))), position, message: text(m), receivedAt: 1_700_000_000_000n })
const summary = (results: Array<GroupDepositReceipt | Error>): string[] => results.map(r => r instanceof Error ? `${r.name}: ${r.message}` : `ok ${r.position}`)
const described = (err: Error): string => `${err.name}: ${err.message}`
const garbage = Uint8Array.from([0xff, 0xff, 0xff])

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

async function pair (): Promise<{ client: Stream, relayEnd: Stream, relay: RelayEnd }> {
  const [client, relayEnd] = await streamPair()
  return { client, relayEnd, relay: relayPeer(relayEnd) }
}

/** Until the relay's end has ended, cleanly (both sides closed) or by a reset. */
async function endOf (stream: Stream): Promise<string> {
  await until(() => stream.status === 'closed' || stream.status === 'reset', 'the end of the stream')
  return stream.status
}

/** Waits on event loop turns (not timers) so frames already sent reach the other side. */
async function turns (n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>(resolve => { setImmediate(resolve) })
}

describe('depositGroupMessages', () => {
  it('refuses what cannot be stored before dialling, each with its reason; nothing is dialled when none passes', async () => {
    const node = dialingNode(async () => { throw new Error('dialled') })
    const results = await depositGroupMessages(node, ADDR, [
      { ...dep('x'), message: bytes(MAX_GROUP_MESSAGE_BYTES + 1) },
      { ...dep('x'), message: new Uint8Array(0) },
      { ...dep('x'), topic: bytes(31) },
      { ...dep('x'), depositKey: bytes(33) }
    ])
    expect(summary(results)).toEqual([
      `GroupMessageTooLargeError: group messages are at most ${MAX_GROUP_MESSAGE_BYTES} bytes; this one is ${MAX_GROUP_MESSAGE_BYTES + 1}`,
      'InvalidGroupMailboxRequestError: empty message',
      'InvalidGroupMailboxRequestError: the topic must be 32 bytes',
      'InvalidGroupMailboxRequestError: the deposit key must be 32 bytes'
    ])
    expect(node.dials).toHaveLength(0)
  })

  it('sends the rest on one stream in order, closes its end, and returns once every one is answered without waiting for the relay to close', async () => {
    const { client, relayEnd, relay } = await pair()
    const node = dialingNode(client)
    const call = track(depositGroupMessages(node, ADDR, [dep('a'), { ...dep('b'), topic: bytes(31) }, dep('c')]))
    const frames = [await relay.next(), await relay.next()]
    expect(frames.map(f => [f?.type, untext(f?.message ?? new Uint8Array())])).toEqual([[ClientFrame.Type.DEPOSIT, 'a'], [ClientFrame.Type.DEPOSIT, 'c']])
    expect(frames[0]?.topic).toEqual(A.topic)
    expect(frames[0]?.depositKey).toEqual(A.depositKey)
    expect(await relay.next()).toBeNull()
    expect(node.dials.map(d => d.protocol)).toEqual([GROUP_MAILBOX_PROTOCOL])
    await relay.send(ok('a', P(1)))
    await relay.send(ok('c', 'p'.repeat(MAX_POSITION_LENGTH)))
    const results = await bounded(call.promise, 'the results')
    expect(results[0]).toEqual({ ref: groupMessageRef(text('a')), position: P(1) })
    expect(summary(results)).toEqual([`ok ${P(1)}`, 'InvalidGroupMailboxRequestError: the topic must be 32 bytes', `ok ${'p'.repeat(MAX_POSITION_LENGTH)}`])
    expect(client.status).not.toBe('aborted')
    await relayEnd.close()
    expect(await endOf(relayEnd)).toBe('closed')
  })

  it('takes refusals with their fields, of any length (a frame longer than one length byte)', async () => {
    const { client, relay } = await pair()
    const call = depositGroupMessages(dialingNode(client), ADDR, [dep('a'), dep('b')])
    await relay.next()
    await relay.next()
    await relay.send({ type: RESULT, status: S.RATE_LIMITED, retryAfterMs: 2500, message: 'slow down '.repeat(30) })
    await relay.send({ type: RESULT, status: S.TOPIC_FULL, message: 'full' })
    const [limited, full] = await bounded(call)
    expect(limited).toMatchObject({ name: 'RateLimitedError', retryAfterMs: 2500, message: 'slow down '.repeat(30) })
    expect(full).toMatchObject({ name: 'GroupTopicFullError', message: 'full' })
  })

  it('when the relay closes early, the answered deposits keep their receipts and the rest fail', async () => {
    const { client, relayEnd, relay } = await pair()
    const call = depositGroupMessages(dialingNode(client), ADDR, [dep('a'), dep('b'), dep('c')])
    for (let i = 0; i < 3; i++) await relay.next()
    await relay.send(ok('a', P(1)))
    await relayEnd.close()
    expect(summary(await bounded(call))).toEqual([
      `ok ${P(1)}`,
      'GroupMailboxClosedError: the relay closed the stream after 1 of 3 answers',
      'GroupMailboxClosedError: the relay closed the stream after 1 of 3 answers'
    ])
  })

  it('a relay that answers with another frame, names another ref, no position or one too long, or sends garbage fails what is left and loses the stream', async () => {
    const rows: Array<[string, Partial<RelayFrame> | Uint8Array, string]> = [
      ['a challenge', { type: CHALLENGE, nonce: NONCE }, 'ProtocolViolationError: expected a deposit RESULT'],
      ['another ref', ok('other', P(2)), 'ProtocolViolationError: the relay named another ref than the message\'s'],
      ['no position', ok('b', ''), 'ProtocolViolationError: the relay named no valid position'],
      ['a position too long', ok('b', 'p'.repeat(MAX_POSITION_LENGTH + 1)), 'ProtocolViolationError: the relay named no valid position'],
      ['garbage', garbage, 'ProtocolViolationError: relay sent a malformed frame: ']
    ]
    for (const [what, answer, expected] of rows) {
      const { client, relayEnd, relay } = await pair()
      const call = depositGroupMessages(dialingNode(client), ADDR, [dep('a'), dep('b')])
      await relay.next()
      await relay.next()
      await relay.send(ok('a', P(1)))
      if (answer instanceof Uint8Array) await relay.write(answer)
      else await relay.send(answer)
      const results = summary(await bounded(call, what))
      expect(results[0], what).toBe(`ok ${P(1)}`)
      expect(results[1].startsWith(expected), `${what}: ${results[1]}`).toBe(true)
      expect(await endOf(relayEnd), what).toBe('reset')
    }
  })

  it('never rejects: a dial that fails gives every deposit the dial\'s error', async () => {
    const unreachable = new Error('no route to the relay')
    const results = await depositGroupMessages(dialingNode(async () => { throw unreachable }), ADDR, [dep('a'), dep('b')])
    expect(results).toEqual([unreachable, unreachable])
  })

  describe('progress timeout', () => {
    it('each answer restarts the clock: a slow relay that keeps answering is waited for', async () => {
      fakeTimers()
      const { client, relay } = await pair()
      const call = track(depositGroupMessages(dialingNode(client), ADDR, [dep('a'), dep('b'), dep('c')], { timeout: T }))
      for (let i = 0; i < 3; i++) await relay.next()
      for (const [m, n] of [['a', 1], ['b', 2], ['c', 3]] as const) {
        await vi.advanceTimersByTimeAsync(T - 1000)
        await relay.send(ok(m, P(n)))
      }
      await until(call.settled, 'the results')
      expect(summary(await call.promise)).toEqual([`ok ${P(1)}`, `ok ${P(2)}`, `ok ${P(3)}`])
    })

    it('bounds the dial', async () => {
      fakeTimers()
      const call = track(depositGroupMessages(dialingNode(async options => await untilAbort(options?.signal)), ADDR, [dep('a')], { timeout: T }))
      await vi.advanceTimersByTimeAsync(T - 1)
      expect(call.settled()).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      await until(call.settled, 'the results')
      expect(summary(await call.promise)).toEqual([`TimeoutError: no progress in ${T} ms`])
    })

    it('bounds a write to a relay that stopped reading, and the close after it, even once every deposit is answered', async () => {
      fakeTimers()
      for (const blocked of ['write', 'close']) {
        const { client, relayEnd, relay } = await pair()
        if (blocked === 'write') stall(client)
        else client.close = async options => { await untilAbort(options?.signal) }
        const call = track(depositGroupMessages(dialingNode(client), ADDR, [dep('a')], { timeout: T }))
        await relay.next()
        await relay.send(ok('a', P(1)))
        await vi.advanceTimersByTimeAsync(T - 1)
        expect(call.settled(), blocked).toBe(false)
        await vi.advanceTimersByTimeAsync(1)
        await until(call.settled, `the results (${blocked})`)
        expect(summary(await call.promise), blocked).toEqual([`ok ${P(1)}`])
        await until(() => relayEnd.status === 'reset', 'the reset')
      }
    })

    it('leaves no timer running and no listener on the caller\'s signal', async () => {
      const signal = new AbortController().signal
      const timers = await timersOf(T, async () => {
        const { client, relay } = await pair()
        const call = depositGroupMessages(dialingNode(client), ADDR, [dep('a')], { timeout: T, signal })
        await relay.next()
        await relay.send(ok('a', P(1)))
        expect(summary(await bounded(call))).toEqual([`ok ${P(1)}`])
      })
      expect(timers.started).toBeGreaterThan(0)
      expect(timers.leftRunning).toBe(0)
      expect(getEventListeners(signal, 'abort')).toHaveLength(0)
    })
  })
})

describe('getGroupMessagesByRef', () => {
  const get = (refs: Uint8Array[], over: Partial<{ topic: Uint8Array, depositKey: Uint8Array }> = {}): { topic: Uint8Array, depositKey: Uint8Array, refs: Uint8Array[] } => ({ topic: A.topic, depositKey: A.depositKey, refs, ...over })

  it('refuses a request it cannot make before dialling, each with its reason', async () => {
    const node = dialingNode(async () => { throw new Error('dialled') })
    const ref = groupMessageRef(text('a'))
    for (const [init, message] of [
      [get(Array.from({ length: MAX_REFS_PER_GET + 1 }, () => ref)), `at most ${MAX_REFS_PER_GET} refs per request`],
      [get([ref], { topic: bytes(31) }), 'the topic must be 32 bytes'],
      [get([ref], { depositKey: bytes(33) }), 'the deposit key must be 32 bytes'],
      [get([ref, bytes(15)]), 'refs are 16 bytes']
    ] as const) {
      expect(described(await rejection(getGroupMessagesByRef(node, ADDR, init))), message).toBe(`InvalidGroupMailboxRequestError: ${message}`)
    }
    expect(node.dials).toHaveLength(0)
  })

  it('sends one GET of up to MAX_REFS_PER_GET refs, closes its end, and collects the pages until DRAINED', async () => {
    const { client, relay } = await pair()
    const refs = Array.from({ length: MAX_REFS_PER_GET }, (_, i) => groupMessageRef(text(`m${i}`)))
    const call = track(getGroupMessagesByRef(dialingNode(client), ADDR, get(refs)))
    const frame = await relay.next()
    expect(frame).toMatchObject({ type: ClientFrame.Type.GET, topic: A.topic, depositKey: A.depositKey })
    expect(frame?.refs).toEqual(refs)
    expect(await relay.next()).toBeNull()
    await relay.send({ type: MESSAGES, messages: [stored('m0', P(1)), stored('m5', 'p'.repeat(MAX_POSITION_LENGTH))] })
    await relay.send({ type: MESSAGES, messages: [stored('m9', P(3))] })
    await relay.send({ type: DRAINED })
    const got = await bounded(call.promise)
    expect(got.map(m => [untext(m.message), m.position, m.receivedAt])).toEqual([['m0', P(1), 1_700_000_000_000], ['m5', 'p'.repeat(MAX_POSITION_LENGTH), 1_700_000_000_000], ['m9', P(3), 1_700_000_000_000]])
    expect(got[0].ref).toEqual(refs[0])
  })

  it('rejects a relay that sends what was not asked, a message twice, a bad position or ref, a page too large, another frame, or closes early, and resets the stream', async () => {
    const asked = [groupMessageRef(text('a')), groupMessageRef(text('b'))]
    const many = Array.from({ length: MAX_GROUP_PAGE_MESSAGES + 1 }, (_, i) => stored('a', P(i + 1)))
    const rows: Array<[string, Array<Partial<RelayFrame> | Uint8Array | 'close'>, string]> = [
      ['a message not asked for', [{ type: MESSAGES, messages: [stored('c', P(1))] }], 'ProtocolViolationError: the relay sent a message that was not asked for'],
      ['a message twice', [{ type: MESSAGES, messages: [stored('a', P(1))] }, { type: MESSAGES, messages: [stored('a', P(1))] }], 'ProtocolViolationError: the relay sent a message that was not asked for'],
      ['no position', [{ type: MESSAGES, messages: [stored('a', '')] }], 'ProtocolViolationError: relay sent a message without a valid position'],
      ['a position too long', [{ type: MESSAGES, messages: [stored('a', 'p'.repeat(MAX_POSITION_LENGTH + 1))] }], 'ProtocolViolationError: relay sent a message without a valid position'],
      ['bytes under another ref', [{ type: MESSAGES, messages: [{ ...stored('a', P(1)), message: text('not a') }] }], 'ProtocolViolationError: relay sent a message whose ref does not match its bytes'],
      ['a short ref', [{ type: MESSAGES, messages: [{ ...stored('a', P(1)), ref: Uint8Array.from(asked[0].subarray(0, 15)) }] }], 'ProtocolViolationError: relay sent a message whose ref does not match its bytes'],
      ['more messages than a page holds', [{ type: MESSAGES, messages: many }], 'ProtocolViolationError: relay sent a malformed frame: '],
      ['garbage', [garbage], 'ProtocolViolationError: relay sent a malformed frame: '],
      ['an OK result', [{ type: RESULT, status: S.OK }], 'ProtocolViolationError: expected MESSAGES or DRAINED'],
      ['a challenge', [{ type: CHALLENGE, nonce: NONCE }], `ProtocolViolationError: unexpected ${CHALLENGE} frame`],
      ['an end before DRAINED', [{ type: MESSAGES, messages: [stored('a', P(1))] }, 'close'], 'GroupMailboxClosedError: the relay closed the stream before DRAINED'],
      ['a refusal', [{ type: RESULT, status: S.UNKNOWN_TOPIC, message: 'no such topic' }], 'UnknownGroupTopicError: no such topic']
    ]
    for (const [what, answers, expected] of rows) {
      const { client, relayEnd, relay } = await pair()
      const call = quiet(getGroupMessagesByRef(dialingNode(client), ADDR, get(asked)))
      await relay.next()
      for (const a of answers) {
        if (a === 'close') await relayEnd.close()
        else if (a instanceof Uint8Array) await relay.write(a)
        else await relay.send(a)
      }
      const err = described(await rejection(call))
      expect(err.startsWith(expected), `${what}: ${err}`).toBe(true)
      if (answers.at(-1) !== 'close') expect(await endOf(relayEnd), what).toBe('reset')
    }
  })

  it('rejects with the dial\'s own error when the relay cannot be reached', async () => {
    const unreachable = new Error('no route to the relay')
    expect(await rejection(getGroupMessagesByRef(dialingNode(async () => { throw unreachable }), ADDR, get([bytes(16)])))).toBe(unreachable)
  })

  describe('progress timeout', () => {
    it('bounds the dial, the GET\'s write and the close after it', async () => {
      fakeTimers()
      for (const blocked of ['dial', 'write', 'close']) {
        const { client, relay } = await pair()
        if (blocked === 'write') stall(client)
        if (blocked === 'close') client.close = async options => { await untilAbort(options?.signal) }
        const node = dialingNode(blocked === 'dial' ? async options => await untilAbort(options?.signal) : client)
        const call = track(getGroupMessagesByRef(node, ADDR, get([bytes(16)]), { timeout: T }))
        call.promise.catch(() => {})
        if (blocked !== 'dial') await relay.next()
        await vi.advanceTimersByTimeAsync(T - 1)
        expect(call.settled(), blocked).toBe(false)
        await vi.advanceTimersByTimeAsync(1)
        expect(described(await rejection(call.promise)), blocked).toBe(`TimeoutError: no progress in ${T} ms`)
      }
    })

    it('each page restarts the clock', async () => {
      fakeTimers()
      const { client, relay } = await pair()
      const call = track(getGroupMessagesByRef(dialingNode(client), ADDR, get([groupMessageRef(text('a')), groupMessageRef(text('b'))]), { timeout: T }))
      await relay.next()
      for (const page of [[stored('a', P(1))], [stored('b', P(2))]]) {
        await vi.advanceTimersByTimeAsync(T - 1000)
        await relay.send({ type: MESSAGES, messages: page })
      }
      await vi.advanceTimersByTimeAsync(T - 1000)
      await relay.send({ type: DRAINED })
      await until(call.settled, 'the messages')
      expect((await call.promise).map(m => untext(m.message))).toEqual(['a', 'b'])
    })

    it('leaves no timer running and no listener on the caller\'s signal', async () => {
      const signal = new AbortController().signal
      const timers = await timersOf(T, async () => {
        const { client, relay } = await pair()
        const call = getGroupMessagesByRef(dialingNode(client), ADDR, get([bytes(16)]), { timeout: T, signal })
        await relay.next()
        await relay.send({ type: DRAINED })
        expect(await bounded(call)).toEqual([])
      })
      expect(timers.started).toBeGreaterThan(0)
      expect(timers.leftRunning).toBe(0)
      expect(getEventListeners(signal, 'abort')).toHaveLength(0)
    })
  })
})

/** A client node (peer id `me`) whose connection to the relay (peer id `relayId`) opens `client`; `dials` counts the dials. */
async function owner (stream?: Stream | ((options?: { signal?: AbortSignal }) => Promise<Stream>), dial?: (options?: { signal?: AbortSignal }) => Promise<void>): Promise<{ node: ReturnType<typeof mailboxNode>, me: PeerId, relayId: PeerId, dials: () => number }> {
  const me = await newPeerId()
  const relayId = await newPeerId()
  let dials = 0
  const node = mailboxNode(me, relayId, stream ?? (async () => { throw new Error('no stream') }), async options => { dials++; await dial?.(options) })
  return { node, me, relayId, dials: () => dials }
}

/** The relay's side of a handshake that succeeds. */
async function accept (relay: RelayEnd): Promise<{ open: ClientFrame | null, auth: ClientFrame | null }> {
  const open = await relay.next()
  await relay.send({ type: CHALLENGE, nonce: NONCE })
  const auth = await relay.next()
  await relay.send({ type: RESULT, status: S.OK })
  return { open, auth }
}

/** A fetch of topic A whose handshake the hand-driven relay accepted. */
async function openedFetch (init: Partial<FetchGroupMessagesInit> = {}, options?: GroupMailboxCallOptions): Promise<{ fetch: GroupTopicFetch, client: Stream, relayEnd: Stream, relay: RelayEnd }> {
  const { client, relayEnd, relay } = await pair()
  const { node } = await owner(client)
  const [fetch] = await Promise.all([fetchGroupMessages(node, ADDR, { identity: alice, topic: A.topic, ...init }, options), accept(relay)])
  return { fetch, client, relayEnd, relay }
}

describe('the owner session', () => {
  it('OPEN names the device; AUTH signs the challenge for this relay, connection, device and time', async () => {
    const { client, relay } = await pair()
    const { node, me, relayId } = await owner(client)
    const [fetch, { open, auth }] = await Promise.all([fetchGroupMessages(node, ADDR, { identity: alice, deviceId: 3, topic: A.topic, timestamp: 1_700_000_000_000 }), accept(relay)])
    expect(open).toMatchObject({ type: ClientFrame.Type.OPEN, identityKey: alice.publicKey, deviceId: 3 })
    expect(auth).toMatchObject({ type: ClientFrame.Type.AUTH, timestamp: 1_700_000_000_000n })
    expect(() => { verifyGroupMailboxAuth({ nonce: NONCE, relayPeerId: relayId.toString(), clientPeerId: me.toString(), identityKey: alice.publicKey, deviceId: 3, timestamp: 1_700_000_000_000 }, auth?.signature ?? new Uint8Array(), 1_700_000_000_000) }).not.toThrow()
    await fetch.close()
  })

  it('rejects with what the relay said or did in the handshake, and resets the stream', async () => {
    const rows: Array<[string, Partial<RelayFrame> | 'close', Partial<RelayFrame> | 'close' | undefined, string]> = [
      ['closed before the challenge', 'close', undefined, 'GroupMailboxClosedError: the relay closed the stream before its challenge'],
      ['OPEN refused', { type: RESULT, status: S.INVALID_REQUEST, message: 'the identity key must be 32 bytes' }, undefined, 'InvalidGroupMailboxRequestError: the identity key must be 32 bytes'],
      ['OK instead of a challenge', { type: RESULT, status: S.OK }, undefined, 'ProtocolViolationError: expected a CHALLENGE'],
      ['messages instead of a challenge', { type: MESSAGES }, undefined, 'ProtocolViolationError: expected a CHALLENGE'],
      ['closed after AUTH', { type: CHALLENGE, nonce: NONCE }, 'close', 'GroupMailboxClosedError: the relay closed the stream during authentication'],
      ['a challenge instead of the result', { type: CHALLENGE, nonce: NONCE }, { type: CHALLENGE, nonce: NONCE }, 'ProtocolViolationError: expected the authentication RESULT'],
      ['AUTH refused', { type: CHALLENGE, nonce: NONCE }, { type: RESULT, status: S.AUTH_FAILED, message: 'not an owner here' }, 'GroupMailboxAuthError: not an owner here']
    ]
    for (const [what, first, second, expected] of rows) {
      const { client, relayEnd, relay } = await pair()
      const { node } = await owner(client)
      const opening = quiet(fetchGroupMessages(node, ADDR, { identity: alice, topic: A.topic }))
      await relay.next()
      if (first === 'close') await relayEnd.close()
      else await relay.send(first)
      if (second != null) {
        await relay.next()
        if (second === 'close') await relayEnd.close()
        else await relay.send(second)
      }
      expect(described(await rejection(opening)), what).toBe(expected)
      if (first !== 'close' && second !== 'close') expect(await endOf(relayEnd), what).toBe('reset')
      else expect(client.status, what).toBe('aborted')
    }
  })

  it('reads a status only on RESULT frames: a challenge carrying one is still the challenge', async () => {
    const { client, relay } = await pair()
    const { node } = await owner(client)
    const opening = fetchGroupMessages(node, ADDR, { identity: alice, topic: A.topic })
    await relay.next()
    await relay.send({ type: CHALLENGE, nonce: NONCE, status: S.RATE_LIMITED })
    expect((await relay.next())?.type).toBe(ClientFrame.Type.AUTH)
    await relay.send({ type: RESULT, status: S.OK })
    const fetch = await bounded(opening)
    expect(fetch.closed).toBe(false)
    await fetch.close()
  })

  it('rejects with the dial\'s own error when the relay cannot be reached', async () => {
    const unreachable = new Error('no route to the relay')
    const { node } = await owner(undefined, async () => { throw unreachable })
    expect(await rejection(fetchGroupMessages(node, ADDR, { identity: alice, topic: A.topic }))).toBe(unreachable)
    expect(await rejection(registerGroupTopics(node, ADDR, { identity: alice, topics: [{ topic: A.topic, depositCheck: A.depositCheck }] }))).toBe(unreachable)
  })

  it('bounds the whole handshake by `timeout`: dial, stream, each write and read', async () => {
    fakeTimers()
    type Setup = (client: Stream, relay: RelayEnd) => Promise<{ dial?: (o?: { signal?: AbortSignal }) => Promise<void>, newStream?: boolean, afterOpen?: () => Promise<void> }>
    const rows: Array<[string, Setup]> = [
      ['dial', async () => ({ dial: async o => { await untilAbort(o?.signal) } })],
      ['new stream', async () => ({ newStream: true })],
      ['OPEN write', async client => { stall(client); return {} }],
      ['challenge read', async () => ({ afterOpen: async () => {} })],
      ['AUTH write', async (client, relay) => ({
        afterOpen: async () => {
          stall(client)
          await relay.send({ type: CHALLENGE, nonce: NONCE })
          await relay.next()
          await relay.send({ type: RESULT, status: S.OK })
        }
      })],
      ['result read', async (_client, relay) => ({
        afterOpen: async () => {
          await relay.send({ type: CHALLENGE, nonce: NONCE })
          await relay.next()
        }
      })]
    ]
    for (const [what, setup] of rows) {
      const { client, relay } = await pair()
      const s = await setup(client, relay)
      const { node } = await owner(s.newStream === true ? async o => await untilAbort(o?.signal) : client, s.dial)
      const opening = track(fetchGroupMessages(node, ADDR, { identity: alice, topic: A.topic }, { timeout: T }))
      opening.promise.catch(() => {})
      if (s.dial == null && s.newStream !== true) {
        await relay.next()
        await s.afterOpen?.()
      }
      await vi.advanceTimersByTimeAsync(T - 1)
      expect(opening.settled(), what).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      expect(described(await rejection(opening.promise)), what).toBe(`TimeoutError: no progress in ${T} ms`)
    }
  })

  it('leaves no timer running and no listener on the caller\'s signal, through the handshake and the requests', async () => {
    const signal = new AbortController().signal
    const timers = await timersOf(T, async () => {
      const { fetch, relay } = await openedFetch({}, { timeout: T, signal })
      const acking = fetch.ack(P(1))
      await relay.next()
      await relay.send({ type: RESULT, status: S.OK, position: P(1) })
      expect(await bounded(acking)).toBe(P(1))
      await fetch.close()
    })
    expect(timers.started).toBe(2)
    expect(timers.leftRunning).toBe(0)
    expect(getEventListeners(signal, 'abort')).toHaveLength(0)
  })

  describe('registerGroupTopics and unregisterGroupTopics', () => {
    const topics = (n: number): Array<{ topic: Uint8Array, depositCheck: Uint8Array }> => Array.from({ length: n }, (_, i) => {
      const topic = new Uint8Array(32)
      new DataView(topic.buffer).setUint32(0, i)
      return { topic, depositCheck: A.depositCheck }
    })

    it('refuses what the relay would refuse before dialling, and dials nothing for no topics', async () => {
      const { node, dials } = await owner()
      const good = { topic: A.topic, depositCheck: A.depositCheck }
      for (const [list, message] of [
        [[{ topic: bytes(31), depositCheck: A.depositCheck }], 'the topic must be 32 bytes'],
        [[good, { topic: A.topic, depositCheck: bytes(31) }], 'the deposit check must be 32 bytes'],
        [[good, { topic: bytes(33), depositCheck: A.depositCheck }], 'the topic must be 32 bytes']
      ] as const) {
        expect(described(await rejection(registerGroupTopics(node, ADDR, { identity: alice, topics: [...list] }))), message).toBe(`InvalidGroupMailboxRequestError: ${message}`)
      }
      expect(described(await rejection(unregisterGroupTopics(node, ADDR, { identity: alice, topics: [A.topic, bytes(31)] })))).toBe('InvalidGroupMailboxRequestError: topics are 32 bytes')
      expect(described(await rejection(unregisterGroupTopics(node, ADDR, { identity: alice, topics: [bytes(31), A.topic] })))).toBe('InvalidGroupMailboxRequestError: topics are 32 bytes')
      await registerGroupTopics(node, ADDR, { identity: alice, topics: [] })
      await unregisterGroupTopics(node, ADDR, { identity: alice, topics: [] })
      expect(dials()).toBe(0)
    })

    it('sends requests of at most MAX_TOPICS_PER_REQUEST topics, each answered before the next, then closes the session cleanly', async () => {
      for (const [n, sizes] of [[MAX_TOPICS_PER_REQUEST, [MAX_TOPICS_PER_REQUEST]], [MAX_TOPICS_PER_REQUEST + 1, [MAX_TOPICS_PER_REQUEST, 1]]] as const) {
        for (const kind of ['register', 'unregister'] as const) {
          const { client, relayEnd, relay } = await pair()
          const { node } = await owner(client)
          const list = topics(n)
          const call = track(kind === 'register'
            ? registerGroupTopics(node, ADDR, { identity: alice, topics: list })
            : unregisterGroupTopics(node, ADDR, { identity: alice, topics: list.map(t => t.topic) }))
          await accept(relay)
          const seen: number[] = []
          for (let i = 0; i < sizes.length; i++) {
            const frame = await relay.next()
            expect(frame?.type).toBe(kind === 'register' ? ClientFrame.Type.REGISTER : ClientFrame.Type.UNREGISTER)
            seen.push(kind === 'register' ? frame?.registrations.length ?? 0 : frame?.topics.length ?? 0)
            if (i === 0) expect(kind === 'register' ? frame?.registrations[0] : { topic: frame?.topics[0], depositCheck: A.depositCheck }).toEqual(list[0])
            await relay.send({ type: RESULT, status: S.OK })
          }
          expect(seen, `${kind} ${n}`).toEqual(sizes)
          // the session is closed once done: no further request
          expect(await relay.next(), `${kind} ${n}`).toBeNull()
          await bounded(call.promise)
          await relayEnd.close()
          expect(await endOf(relayEnd)).toBe('closed')
        }
      }
    })

    it('closes the session also when a request is refused, and rejects with the refusal', async () => {
      const { client, relay } = await pair()
      const { node } = await owner(client)
      const call = quiet(registerGroupTopics(node, ADDR, { identity: alice, topics: topics(MAX_TOPICS_PER_REQUEST + 1) }))
      await accept(relay)
      await relay.next()
      await relay.send({ type: RESULT, status: S.TOPIC_FULL, message: 'the device holds its quota of topics' })
      expect(await relay.next()).toBeNull()
      expect(described(await rejection(call))).toBe('GroupTopicFullError: the device holds its quota of topics')
      expect(client.status).not.toBe('aborted')
    })
  })

  describe('fetchGroupMessages', () => {
    it('refuses a topic or start it cannot send before dialling', async () => {
      const { node, dials } = await owner()
      expect(described(await rejection(fetchGroupMessages(node, ADDR, { identity: alice, topic: bytes(31) })))).toBe('InvalidGroupMailboxRequestError: the topic must be 32 bytes')
      expect(described(await rejection(fetchGroupMessages(node, ADDR, { identity: alice, topic: A.topic, after: 'p'.repeat(MAX_POSITION_LENGTH + 1) })))).toBe('InvalidGroupMailboxRequestError: not a position')
      expect(dials()).toBe(0)
    })

    it('FETCHes after the start it was given (or the cursor), then after each page\'s last position, until DRAINED', async () => {
      for (const after of [undefined, 'p'.repeat(MAX_POSITION_LENGTH)]) {
        const { fetch, relay } = await openedFetch(after != null ? { after } : {})
        const got: GroupMessageEntry[] = []
        const iterating = (async () => { for await (const m of fetch) got.push(m) })()
        const first = await relay.next()
        expect(first).toMatchObject({ type: ClientFrame.Type.FETCH, topic: A.topic, position: after ?? '' })
        // 'q…' sorts after the longest start, 'ppp…'
        await relay.send({ type: MESSAGES, messages: [stored('a', 'q1'), stored('b', 'q2')] })
        const second = await relay.next()
        expect(second?.position).toBe('q2')
        // a status on a frame that is not a RESULT is no refusal
        await relay.send({ type: DRAINED, status: S.RATE_LIMITED })
        await bounded(iterating)
        expect(got.map(m => untext(m.message))).toEqual(['a', 'b'])
        expect(fetch.closed).toBe(false)
        await fetch.close()
      }
    })

    it('ends the session on an answer that is neither a page nor DRAINED, an empty page, or positions that do not grow', async () => {
      const rows: Array<[string, Partial<RelayFrame>, string]> = [
        ['an OK result', { type: RESULT, status: S.OK }, 'expected MESSAGES or DRAINED'],
        ['a challenge', { type: CHALLENGE, nonce: NONCE }, 'expected MESSAGES or DRAINED'],
        ['an empty page', { type: MESSAGES, messages: [] }, 'expected MESSAGES or DRAINED'],
        ['a result carrying messages', { type: RESULT, status: S.OK, messages: [stored('a', P(6))] }, 'expected MESSAGES or DRAINED'],
        ['a position again', { type: MESSAGES, messages: [stored('a', P(6)), stored('b', P(6))] }, 'the relay sent positions out of order'],
        ['a position at the start', { type: MESSAGES, messages: [stored('a', P(5))] }, 'the relay sent positions out of order'],
        ['a bad ref', { type: MESSAGES, messages: [{ ...stored('a', P(7)), message: text('b') }] }, 'relay sent a message whose ref does not match its bytes']
      ]
      for (const [what, answer, message] of rows) {
        const { fetch, client, relay } = await openedFetch({ after: P(5) })
        const iterating = quiet((async () => { for await (const m of fetch) expect(m).toBeDefined() })())
        await relay.next()
        await relay.send(answer)
        expect(described(await rejection(iterating)), what).toBe(`ProtocolViolationError: ${message}`)
        expect(fetch.closed, what).toBe(true)
        expect(client.status, what).toBe('aborted')
      }
    })

    it('positions are opaque to the client: the order check holds after any start, hex or not', async () => {
      // the second start is the text a mutation tool writes in place of '' (the check must not hang on one value)
      for (const after of ['0', 'Stryker was here!']) {
        const { fetch, relay } = await openedFetch({ after })
        const iterating = quiet((async () => { for await (const m of fetch) expect(m).toBeDefined() })())
        await relay.next()
        await relay.send({ type: MESSAGES, messages: [stored('a', after)] })
        expect(described(await rejection(iterating)), after).toBe('ProtocolViolationError: the relay sent positions out of order')
      }
    })

    it('a close under way is not turned into a reset by a bad page that arrives meanwhile', async () => {
      const { fetch, client, relay } = await openedFetch({ after: P(5) })
      const iterating = quiet((async () => { for await (const m of fetch) expect(m).toBeDefined() })())
      await relay.next()
      const closing = fetch.close()
      await relay.send({ type: MESSAGES, messages: [stored('a', P(1))] })
      expect(described(await rejection(iterating))).toBe('ProtocolViolationError: the relay sent positions out of order')
      await bounded(closing)
      expect(await relay.next()).toBeNull()
      expect(client.status).not.toBe('aborted')
    })

    it('a refusal of a FETCH ends the iteration with it and leaves the session usable', async () => {
      const { fetch, relay } = await openedFetch()
      const iterating = quiet((async () => { for await (const m of fetch) expect(m).toBeDefined() })())
      await relay.next()
      await relay.send({ type: RESULT, status: S.UNKNOWN_TOPIC, message: 'not registered' })
      expect(described(await rejection(iterating))).toBe('UnknownGroupTopicError: not registered')
      expect(fetch.closed).toBe(false)
      const acking = fetch.ack(P(1))
      expect((await relay.next())?.type).toBe(ClientFrame.Type.ACK)
      await relay.send({ type: RESULT, status: S.OK, position: P(1) })
      expect(await bounded(acking)).toBe(P(1))
      await fetch.close()
    })

    it('ack sends only a position it may send and takes only a RESULT with a cursor it may hold', async () => {
      const { fetch, client, relay } = await openedFetch()
      for (const position of ['', 'p'.repeat(MAX_POSITION_LENGTH + 1)]) {
        expect(described(await rejection(fetch.ack(position)))).toBe('InvalidGroupMailboxRequestError: not a position')
      }
      const longest = 'p'.repeat(MAX_POSITION_LENGTH)
      const acking = fetch.ack(longest)
      expect(await relay.next()).toMatchObject({ type: ClientFrame.Type.ACK, topic: A.topic, position: longest })
      await relay.send({ type: RESULT, status: S.OK, position: longest })
      expect(await bounded(acking)).toBe(longest)
      // a refusal leaves the session usable
      const refused = quiet(fetch.ack(P(1)))
      await relay.next()
      await relay.send({ type: RESULT, status: S.UNKNOWN_TOPIC, message: 'not registered' })
      expect(described(await rejection(refused))).toBe('UnknownGroupTopicError: not registered')
      expect(fetch.closed).toBe(false)
      const overlong = quiet(fetch.ack(P(2)))
      await relay.next()
      await relay.send({ type: RESULT, status: S.OK, position: 'p'.repeat(MAX_POSITION_LENGTH + 1) })
      expect(described(await rejection(overlong))).toBe('ProtocolViolationError: expected the ACK\'s RESULT')
      expect(fetch.closed).toBe(true)
      expect(client.status).toBe('aborted')

      const other = await openedFetch()
      const drained = quiet(other.fetch.ack(P(1)))
      await other.relay.next()
      await other.relay.send({ type: DRAINED })
      expect(described(await rejection(drained))).toBe('ProtocolViolationError: expected the ACK\'s RESULT')
      expect(other.fetch.closed).toBe(true)
    })

    it('close ends the session cleanly: the relay reads the end; a request after it rejects without touching the stream', async () => {
      const { fetch, client, relayEnd, relay } = await openedFetch()
      await bounded(fetch.close())
      expect(fetch.closed).toBe(true)
      expect(await relay.next()).toBeNull()
      expect(described(await rejection(fetch.ack(P(1))))).toBe('GroupMailboxClosedError: the group mailbox session is closed')
      expect(client.status).not.toBe('aborted')
      await bounded(fetch.close())
      await relayEnd.close()
      expect(await endOf(relayEnd)).toBe('closed')
    })

    it('close aborts the stream when it cannot close it (an aborted signal)', async () => {
      const { fetch, relayEnd } = await openedFetch()
      await bounded(fetch.close({ signal: AbortSignal.abort() }))
      expect(fetch.closed).toBe(true)
      expect(await endOf(relayEnd)).toBe('reset')
    })

    it('a relay that ends the session fails the request waiting for its answer', async () => {
      const { fetch, relayEnd, relay } = await openedFetch()
      const acking = quiet(fetch.ack(P(1)))
      await relay.next()
      await relayEnd.close()
      expect(described(await rejection(acking))).toBe('GroupMailboxClosedError: the relay ended the session')
      expect(fetch.closed).toBe(true)
    })

    describe('progress timeout', () => {
      it('a request waits `timeout` ms for its answer: the one given to the call, else the session\'s, else GROUP_MAILBOX_TIMEOUT; then the session ends', async () => {
        for (const [opened, call, wait] of [[T, undefined, T], [undefined, undefined, GROUP_MAILBOX_TIMEOUT], [undefined, T, T], [T, 2 * T, 2 * T]] as const) {
          vi.useRealTimers()
          const { fetch, relayEnd, relay } = await openedFetch({}, opened != null ? { timeout: opened } : {})
          fakeTimers()
          const acking = track(fetch.ack(P(1), call != null ? { timeout: call } : {}))
          acking.promise.catch(() => {})
          await relay.next()
          await vi.advanceTimersByTimeAsync(wait - 1)
          expect(acking.settled(), `${opened} ${call}`).toBe(false)
          await vi.advanceTimersByTimeAsync(1)
          expect(described(await rejection(acking.promise))).toBe(`TimeoutError: no progress in ${wait} ms`)
          expect(fetch.closed).toBe(true)
          await until(() => relayEnd.status === 'reset', 'the reset')
        }
      })

      it('bounds a request\'s write to a relay that stopped reading', async () => {
        const { fetch, client } = await openedFetch({}, { timeout: T })
        fakeTimers()
        stall(client)
        const first = quiet(fetch.ack(P(1)))
        const second = track(fetch.ack(P(2)))
        second.promise.catch(() => {})
        await turns()
        await vi.advanceTimersByTimeAsync(T)
        expect(described(await rejection(first))).toBe(`TimeoutError: no progress in ${T} ms`)
        // the next request finds the session ended
        expect(described(await rejection(second.promise))).toBe('GroupMailboxClosedError: the group mailbox session is closed')
      })
    })
  })
})
