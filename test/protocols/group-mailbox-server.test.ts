// The group mailbox on the wire, frame by frame (hand-written peers on in-memory streams): framing limits, malformed and out-of-order frames, refusals that keep a stream or session going and failures that end it, authentication attacks (another key, another protocol's signature, another connection, relay or device, a stale clock), timeouts on both sides (fake timers), and a backend crash that leaks nothing.
import { describe, it, expect, vi, afterEach } from 'vitest'
import { streamPair } from '@libp2p/utils'
import {
  depositGroupMessages, fetchGroupMessages, getGroupMessagesByRef, registerGroupTopics, groupMessageRef,
  MAX_GROUP_CLIENT_FRAME_BYTES, MAX_GROUP_MESSAGE_BYTES, MAX_REFS_PER_GET, GROUP_MAILBOX_TIMEOUT, GROUP_SESSION_IDLE_MS
} from '../../src/protocols/group-mailbox/index.js'
import { signGroupMailboxAuth, verifyGroupMailboxAuth } from '../../src/protocols/group-mailbox/auth.js'
import { MAX_CLOCK_SKEW_MS } from '../../src/protocols/owner-auth.js'
import { signAuth } from '../../src/protocols/mailbox/index.js'
import { ClientFrame, RelayFrame } from '../../src/protocols/group-mailbox/pb/group-mailbox.js'
import { encodeVarint } from '../../src/protocols/frames.js'
import { IdentityKeyPair, systemRandom } from '../../src/crypto/index.js'
import { bounded, dialingNode, fakeTimers, mailboxNode, newPeerId, track, until } from './mailbox-harness.js'
import { bytes, rawPeer, rawSession, startGroupRelay, text, topicOf, type GroupRelay } from './group-mailbox-harness.js'
import type { Stream } from '@libp2p/interface'

const alice = IdentityKeyPair.generate(systemRandom)
const A = topicOf(1)
const T = 4321
const deposit = (over: Partial<ClientFrame> = {}): Partial<ClientFrame> => ({ type: ClientFrame.Type.DEPOSIT, topic: Uint8Array.from(A.topic), depositKey: Uint8Array.from(A.depositKey), message: Uint8Array.from(text('hi')), ...over })
const register: Partial<ClientFrame> = { type: ClientFrame.Type.REGISTER, registrations: [{ topic: Uint8Array.from(A.topic), depositCheck: Uint8Array.from(A.depositCheck) }] }
const status = (f: RelayFrame | null): string => f == null ? 'end' : f.type === RelayFrame.Type.RESULT ? (f.status === RelayFrame.Status.OK ? 'OK' : `${f.status}: ${f.message}`) : f.type

afterEach(() => {
  vi.useRealTimers()
})

async function ended (stream: Stream): Promise<'reset' | 'closed'> {
  await until(() => stream.status === 'reset' || stream.remoteWriteStatus === 'closed', 'the end of the stream')
  return stream.status === 'reset' ? 'reset' : 'closed'
}

async function registered (relay: GroupRelay): Promise<void> {
  await registerGroupTopics(await relay.node(), relay.relayPeerId, { identity: alice, topics: [{ topic: A.topic, depositCheck: A.depositCheck }] })
}

describe('group mailbox server: framing', () => {
  it('answers each DEPOSIT in order; a refused one (too large, wrong kind, bad size) keeps the stream going', async () => {
    const relay = await startGroupRelay()
    await registered(relay)
    const { client, done } = await relay.connect(await newPeerId())
    const p = rawPeer(client)
    await p.send(deposit({ message: bytes(MAX_GROUP_MESSAGE_BYTES + 1) }))
    await p.send(deposit({ type: ClientFrame.Type.FETCH }))
    await p.send(deposit({ topic: bytes(31) }))
    await p.send(deposit({ message: new Uint8Array(0) }))
    await p.send(deposit())
    await client.close()
    const answers = []
    for (let f = await p.next(); f != null; f = await p.next()) answers.push(f)
    expect(answers.map(status)).toEqual([
      `TOO_LARGE: group messages are at most ${MAX_GROUP_MESSAGE_BYTES} bytes`,
      'INVALID_REQUEST: a deposit stream carries only DEPOSIT frames',
      'INVALID_REQUEST: the topic must be 32 bytes',
      'INVALID_REQUEST: empty message',
      'OK'
    ])
    expect(answers[4].ref).toEqual(groupMessageRef(text('hi')))
    await bounded(done)
    expect(await relay.store.usage(A.topic)).toMatchObject({ count: 1 })
  })

  it('refuses every later deposit of a stream once one was rate-limited, even after the window has room again; a new stream gets in', async () => {
    let now = 1_700_000_000_000
    const relay = await startGroupRelay({ store: { now: () => now, limits: { depositsPerPeer: [{ max: 2, windowMs: 1000 }] } } })
    await registered(relay)
    const me = await newPeerId()
    const { client, done } = await relay.connect(me)
    const p = rawPeer(client)
    const answers: string[] = []
    for (const m of ['1', '2', '3']) {
      await p.send(deposit({ message: text(m) }))
      answers.push(status(await p.next()))
    }
    now += 5000
    await p.send(deposit({ message: text('4') }))
    answers.push(status(await p.next()))
    expect(answers).toEqual(['OK', 'OK', 'RATE_LIMITED: too many deposits; retry in 1 s', 'RATE_LIMITED: too many deposits; retry in 1 s'])
    await client.close()
    await bounded(done)
    const again = await relay.connect(me)
    const q = rawPeer(again.client)
    await q.send(deposit({ message: text('4') }))
    expect(status(await q.next())).toBe('OK')
    expect(await relay.store.usage(A.topic)).toMatchObject({ count: 3 })
  })

  it('aborts a stream whose frame is oversize, malformed, or of a kind no stream starts with, saying why when it can', async () => {
    const relay = await startGroupRelay()
    // a length prefix over the bound: reset before the body is read
    const big = await relay.connect(await newPeerId())
    big.client.send(encodeVarint(MAX_GROUP_CLIENT_FRAME_BYTES + 1))
    await bounded(big.done)
    expect(await ended(big.client)).toBe('reset')
    for (const [what, frame, message] of [
      ['garbage', Uint8Array.from([0xff, 0xff, 0xff]), 'INVALID_REQUEST: malformed frame'],
      ['an ACK first', ClientFrame.encode({ type: ClientFrame.Type.ACK, topic: A.topic, position: '0000000000000001' }), 'INVALID_REQUEST: a stream starts with DEPOSIT, GET or OPEN'],
      ['65 refs', ClientFrame.encode({ type: ClientFrame.Type.GET, topic: A.topic, depositKey: A.depositKey, refs: Array.from({ length: MAX_REFS_PER_GET + 1 }, () => bytes(16)) }), 'INVALID_REQUEST: malformed frame'],
      ['a short ref', ClientFrame.encode({ type: ClientFrame.Type.GET, topic: A.topic, depositKey: A.depositKey, refs: [bytes(15)] }), 'INVALID_REQUEST: a ref must be 16 bytes']
    ] as const) {
      const { client, done } = await relay.connect(await newPeerId())
      const p = rawPeer(client)
      await p.write(frame)
      const answer = await p.next()
      expect(status(answer).startsWith(message), what).toBe(true)
      await bounded(done)
      expect(await ended(client), what).toBe('reset')
    }
    expect(await relay.store.usage(A.topic)).toBeUndefined()
  })

  it('closes cleanly on a stream that ends before its first frame', async () => {
    const relay = await startGroupRelay()
    const { client, done } = await relay.connect(await newPeerId())
    await client.close()
    await bounded(done)
    expect(await ended(client)).toBe('closed')
  })
})

describe('group mailbox server: sessions', () => {
  it('answers requests in order, keeps the session after a refusal, and aborts on a frame a session does not take', async () => {
    const relay = await startGroupRelay()
    const s = await rawSession(relay, alice)
    expect(status(s.result)).toBe('OK')
    await s.p.send({ type: ClientFrame.Type.FETCH, topic: A.topic })
    expect(status(await s.p.next())).toBe('UNKNOWN_TOPIC: this device has not registered this topic here')
    await s.p.send({ type: ClientFrame.Type.REGISTER, registrations: [{ topic: A.topic, depositCheck: bytes(31) }] })
    expect(status(await s.p.next())).toBe('INVALID_REQUEST: the deposit check must be 32 bytes')
    await s.p.send({ type: ClientFrame.Type.REGISTER })
    expect(status(await s.p.next())).toBe('INVALID_REQUEST: no topics to register')
    await s.p.send(register)
    expect(status(await s.p.next())).toBe('OK')
    await s.p.send({ type: ClientFrame.Type.FETCH, topic: A.topic })
    expect(status(await s.p.next())).toBe('DRAINED')
    await s.p.send({ type: ClientFrame.Type.ACK, topic: A.topic })
    expect(status(await s.p.next())).toBe('INVALID_REQUEST: a position is required')
    await s.p.send({ type: ClientFrame.Type.FETCH, topic: A.topic, position: 'x'.repeat(65) })
    expect(status(await s.p.next())).toBe('INVALID_REQUEST: position too long')
    await s.p.send({ type: ClientFrame.Type.FETCH, topic: A.topic, position: 'not-hex' })
    expect(status(await s.p.next())).toBe('INVALID_REQUEST: not a position')
    // a deposit inside a session: not this stream's kind
    await s.p.send(deposit())
    expect(status(await s.p.next())).toBe('INVALID_REQUEST: an open session takes only REGISTER, UNREGISTER, FETCH and ACK frames')
    await bounded(s.done)
    expect(await ended(s.client)).toBe('reset')
    expect(await relay.store.usage(A.topic)).toMatchObject({ count: 0, registrations: 1 })
  })

  it('closes the session when the device closes its end', async () => {
    const relay = await startGroupRelay()
    const s = await rawSession(relay, alice)
    await s.client.close()
    await bounded(s.done)
    expect(await ended(s.client)).toBe('closed')
  })

  it('refuses every signature that is not this device\'s, for this challenge, relay, connection and protocol, and any request before AUTH', async () => {
    const relay = await startGroupRelay()
    const other = IdentityKeyPair.generate(systemRandom)
    const relayId = relay.relayPeerId.toString()
    const now = Date.now()
    const cases: Array<[string, Parameters<typeof rawSession>[2]]> = [
      ['another identity signs', { signer: (nonce, me) => signGroupMailboxAuth(other, { nonce, relayPeerId: relayId, clientPeerId: me.toString(), deviceId: 1, timestamp: now }), timestamp: now }],
      ['the mailbox\'s signature (another protocol)', { signer: (nonce, me) => signAuth(alice, { nonce, relayPeerId: relayId, clientPeerId: me.toString(), deviceId: 1, timestamp: now }), timestamp: now }],
      ['signed for another connection', { signer: nonce => signGroupMailboxAuth(alice, { nonce, relayPeerId: relayId, clientPeerId: 'someone else', deviceId: 1, timestamp: now }), timestamp: now }],
      ['signed for another relay', { signer: (nonce, me) => signGroupMailboxAuth(alice, { nonce, relayPeerId: me.toString(), clientPeerId: me.toString(), deviceId: 1, timestamp: now }), timestamp: now }],
      ['signed for another device', { signer: (nonce, me) => signGroupMailboxAuth(alice, { nonce, relayPeerId: relayId, clientPeerId: me.toString(), deviceId: 2, timestamp: now }), timestamp: now }],
      ['signed for another challenge', { signer: (_nonce, me) => signGroupMailboxAuth(alice, { nonce: bytes(32, 9), relayPeerId: relayId, clientPeerId: me.toString(), deviceId: 1, timestamp: now }), timestamp: now }],
      ['a stale clock', { timestamp: now - MAX_CLOCK_SKEW_MS - 60_000 }]
    ]
    // the control: the device's own signature, made as these are, gets in
    const good = await rawSession(relay, alice, { signer: (nonce, me) => signGroupMailboxAuth(alice, { nonce, relayPeerId: relayId, clientPeerId: me.toString(), deviceId: 1, timestamp: now }), timestamp: now })
    expect(status(good.result)).toBe('OK')
    await good.client.close()
    for (const [what, opts] of cases) {
      const s = await rawSession(relay, alice, opts)
      expect(s.result.status, what).toBe(RelayFrame.Status.AUTH_FAILED)
      await bounded(s.done)
      expect(await ended(s.client), what).toBe('reset')
    }
    // a request instead of AUTH
    const { client, done } = await relay.connect(await newPeerId())
    const p = rawPeer(client)
    await p.send({ type: ClientFrame.Type.OPEN, identityKey: Uint8Array.from(alice.publicKey), deviceId: 1 })
    await p.next()
    await p.send(register)
    expect(status(await p.next())).toBe('INVALID_REQUEST: expected AUTH after the challenge')
    await bounded(done)
    // an OPEN with a short key
    const short = await relay.connect(await newPeerId())
    const q = rawPeer(short.client)
    await q.send({ type: ClientFrame.Type.OPEN, identityKey: bytes(31), deviceId: 1 })
    expect(status(await q.next())).toBe('INVALID_REQUEST: the identity key must be 32 bytes')
    expect(await relay.store.usage(A.topic)).toBeUndefined()
    // the check itself, outside a stream: the same refusals
    expect(() => { verifyGroupMailboxAuth({ nonce: bytes(31), relayPeerId: relayId, clientPeerId: 'c', identityKey: alice.publicKey, deviceId: 1, timestamp: now }, new Uint8Array(64), now) }).toThrow('bad challenge')
    expect(() => { verifyGroupMailboxAuth({ nonce: bytes(32), relayPeerId: relayId, clientPeerId: 'c', identityKey: bytes(32, 0), deviceId: 1, timestamp: now }, new Uint8Array(64), now) }).toThrow('not a valid identity key')
  })

  it('answers a backend crash with INTERNAL and a message of its own (not the crash\'s), logs it, and keeps the session', async () => {
    const relay = await startGroupRelay({
      wrap: store => {
        const backend = Object.create(store) as typeof store
        backend.list = async () => { throw new Error('secret path /var/lib/relay/db') }
        return backend
      }
    })
    const s = await rawSession(relay, alice)
    await s.p.send(register)
    expect(status(await s.p.next())).toBe('OK')
    await s.p.send({ type: ClientFrame.Type.FETCH, topic: A.topic })
    expect(status(await s.p.next())).toBe('INTERNAL: the relay failed; try again later')
    await s.p.send(register)
    expect(status(await s.p.next())).toBe('OK')
    expect(relay.logger.lines.some(l => l.level === 'error' && l.format.includes('group mailbox request failed'))).toBe(true)
    await s.client.close()
    await bounded(s.done)
  })

  it('never logs a topic, a key or a message', async () => {
    const relay = await startGroupRelay()
    await registered(relay)
    await depositGroupMessages(await relay.node(), relay.relayPeerId, [{ topic: A.topic, depositKey: A.depositKey, message: text('secret words') }, { topic: A.topic, depositKey: bytes(32, 3), message: text('secret words 2') }])
    const logged = JSON.stringify(relay.logger.lines.map(l => [l.format, ...l.args.map(a => typeof a === 'string' ? a : String(a))]))
    for (const secret of [Buffer.from(A.topic).toString('hex'), Buffer.from(A.depositKey).toString('hex'), 'secret words']) expect(logged).not.toContain(secret)
  })
})

describe('group mailbox: timeouts', () => {
  it('gives up on a stream whose first frame, AUTH, or next deposit does not come within `timeout`', async () => {
    fakeTimers()
    const relay = await startGroupRelay({ server: { timeout: T } })
    const silent = await relay.connect(await newPeerId())
    const opening = await relay.connect(await newPeerId())
    const depositing = await relay.connect(await newPeerId())
    const o = rawPeer(opening.client)
    await o.send({ type: ClientFrame.Type.OPEN, identityKey: Uint8Array.from(alice.publicKey), deviceId: 1 })
    await o.next()
    const d = rawPeer(depositing.client)
    await d.send(deposit())
    await d.next()
    const handled = [silent, opening, depositing].map(c => track(c.done))
    await vi.advanceTimersByTimeAsync(T - 1)
    expect(handled.map(h => h.settled())).toEqual([false, false, false])
    await vi.advanceTimersByTimeAsync(1)
    for (const h of handled) await until(h.settled, 'the handler')
    for (const c of [silent, opening, depositing]) await until(() => c.client.status === 'reset', 'the reset')
  })

  it('closes an authenticated session after `sessionIdleTimeout` without a request, not before', async () => {
    fakeTimers()
    const relay = await startGroupRelay({ server: { sessionIdleTimeout: 2 * T } })
    const s = await rawSession(relay, alice)
    const handled = track(s.done)
    await vi.advanceTimersByTimeAsync(2 * T - 1)
    await s.p.send(register)
    expect(status(await s.p.next())).toBe('OK')
    await vi.advanceTimersByTimeAsync(2 * T - 1)
    expect(handled.settled()).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await until(handled.settled, 'the handler')
    await until(() => s.client.status === 'reset', 'the reset')
    expect(GROUP_SESSION_IDLE_MS).toBe(60_000)
  })

  it('the client gives up after `timeout` ms without an answer: deposits, a get, the handshake, a fetch\'s request', async () => {
    fakeTimers()
    expect(GROUP_MAILBOX_TIMEOUT).toBe(10_000)
    // a relay that reads and never answers
    const mute = async (): Promise<{ client: Stream, relayEnd: Stream }> => {
      const [client, relayEnd] = await streamPair()
      const p = rawPeer(relayEnd)
      void (async () => { while (await p.read().catch(() => null) != null); })()
      return { client, relayEnd }
    }
    const a = await mute()
    const deposits = track(depositGroupMessages(dialingNode(a.client), '/ip4/127.0.0.1/tcp/1', [{ topic: A.topic, depositKey: A.depositKey, message: text('x') }, { topic: A.topic, depositKey: A.depositKey, message: text('y') }], { timeout: T }))
    const b = await mute()
    const get = track(getGroupMessagesByRef(dialingNode(b.client), '/ip4/127.0.0.1/tcp/1', { topic: A.topic, depositKey: A.depositKey, refs: [bytes(16)] }, { timeout: T }))
    get.promise.catch(() => {})
    const c = await mute()
    const me = await newPeerId()
    const handshake = track(fetchGroupMessages(mailboxNode(me, await newPeerId(), c.client), '/ip4/127.0.0.1/tcp/1', { identity: alice, topic: A.topic }, { timeout: T }))
    handshake.promise.catch(() => {})
    await vi.advanceTimersByTimeAsync(T - 1)
    expect([deposits.settled(), get.settled(), handshake.settled()]).toEqual([false, false, false])
    await vi.advanceTimersByTimeAsync(1)
    await until(() => deposits.settled() && get.settled() && handshake.settled(), 'the calls')
    expect((await deposits.promise).map(r => `${(r as Error).name}: ${(r as Error).message}`)).toEqual([`TimeoutError: no progress in ${T} ms`, `TimeoutError: no progress in ${T} ms`])
    await expect(get.promise).rejects.toMatchObject({ name: 'TimeoutError' })
    await expect(handshake.promise).rejects.toMatchObject({ name: 'TimeoutError' })
    for (const s of [a, b, c]) await until(() => s.relayEnd.status === 'reset', 'the reset')

    // a real relay whose session then stops answering: the fetch's request times out and ends the session
    vi.useRealTimers()
    const relay = await startGroupRelay({ wrap: store => { const backend = Object.create(store) as typeof store; backend.ack = async () => await new Promise<string>(() => {}); return backend } })
    await registered(relay)
    fakeTimers()
    const fetch = await fetchGroupMessages(await relay.node(), relay.relayPeerId, { identity: alice, topic: A.topic }, { timeout: T })
    const acking = track(fetch.ack('0000000000000001', { timeout: T }))
    acking.promise.catch(() => {})
    await vi.advanceTimersByTimeAsync(T)
    await until(acking.settled, 'the ack')
    await expect(acking.promise).rejects.toMatchObject({ name: 'TimeoutError' })
    expect(fetch.closed).toBe(true)
    await expect(fetch.ack('0000000000000001')).rejects.toMatchObject({ name: 'GroupMailboxClosedError' })
  })

  it('the caller\'s signal aborts a call at once', async () => {
    const relay = await startGroupRelay()
    await registered(relay)
    const controller = new AbortController()
    controller.abort(new Error('cancelled'))
    const [r] = await depositGroupMessages(await relay.node(), relay.relayPeerId, [{ topic: A.topic, depositKey: A.depositKey, message: text('x') }], { signal: controller.signal })
    expect(r).toMatchObject({ message: 'cancelled' })
    await expect(fetchGroupMessages(await relay.node(), relay.relayPeerId, { identity: alice, topic: A.topic }, { signal: controller.signal })).rejects.toMatchObject({ message: 'cancelled' })
    expect(await relay.store.usage(A.topic)).toMatchObject({ count: 0 })
  })
})
