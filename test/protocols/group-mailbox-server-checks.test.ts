// The group mailbox server over a stand-in backend that records each call (no store behind it): the checks the server makes itself before a backend sees a frame, how it pages what a GET finds, its registration (protocol, name, stream limits), when it logs, the signal and timeout it gives each backend call, its flow control while a deposit is stored, and which endings say why (a refusal frame) and which only reset.
import { describe, it, expect, vi, afterEach } from 'vitest'
import type { PeerId, Stream } from '@libp2p/interface'
import {
  GroupMailboxServer, groupMailboxServer, UnknownGroupTopicError, GROUP_MAILBOX_PROTOCOL, MAX_GROUP_CLIENT_FRAME_BYTES, MAX_GROUP_MESSAGE_BYTES,
  MAX_GROUP_PAGE_BYTES, MAX_GROUP_PAGE_MESSAGES, MAX_POSITION_LENGTH,
  type GroupMailboxBackend, type GroupMailboxOwner, type GroupMessageEntry, type GroupTopic
} from '../../src/protocols/group-mailbox/index.js'
import { ClientFrame, RelayFrame } from '../../src/protocols/group-mailbox/pb/group-mailbox.js'
import { encodeVarint } from '../../src/protocols/frames.js'
import { IdentityKeyPair, systemRandom } from '../../src/crypto/index.js'
import { bounded, deferred, fakeTimers, newPeerId, recordingLogger, stall, track, until, untilAbort } from './mailbox-harness.js'
import { bytes, rawPeer, rawSession, startGroupRelay, text, topicOf, type GroupRelay, type RawPeer } from './group-mailbox-harness.js'
import { recordingRegistrar } from './protocol-fakes.js'

const alice = IdentityKeyPair.generate(systemRandom)
const A = topicOf(1)
const T = 4321
const S = RelayFrame.Status
const status = (f: RelayFrame | null): string => f == null ? 'end' : f.type === RelayFrame.Type.RESULT ? (f.status === S.OK ? 'OK' : `${S[f.status]}: ${f.message}`) : RelayFrame.Type[f.type]
const deposit = (over: Partial<ClientFrame> = {}): Partial<ClientFrame> => ({ type: ClientFrame.Type.DEPOSIT, topic: Uint8Array.from(A.topic), depositKey: Uint8Array.from(A.depositKey), message: text('hi'), ...over })
const get = (over: Partial<ClientFrame> = {}): Partial<ClientFrame> => ({ type: ClientFrame.Type.GET, topic: Uint8Array.from(A.topic), depositKey: Uint8Array.from(A.depositKey), refs: [bytes(16)], ...over })
const entry = (size: number, i: number): GroupMessageEntry => ({ ref: bytes(16, i), position: String(i).padStart(16, '0'), message: bytes(size, i), receivedAt: 1_700_000_000_000 + i })

afterEach(() => {
  vi.useRealTimers()
})

type Call = [string, unknown[], AbortSignal | undefined]

/** A backend that answers what the test sets and records every call with the signal it was given. */
class StandIn implements GroupMailboxBackend {
  calls: Call[] = []
  found: GroupMessageEntry[] = []
  page: GroupMessageEntry[] = []
  fail: Error | undefined
  hang = false
  held: Promise<void> | undefined

  private async answer<T>(name: string, args: unknown[], signal: AbortSignal | undefined, value: T): Promise<T> {
    this.calls.push([name, args, signal])
    if (this.held != null) await this.held
    if (this.hang) await untilAbort(signal)
    if (this.fail != null) throw this.fail
    return value
  }

  async deposit (topic: Uint8Array, depositKey: Uint8Array, message: Uint8Array, requester: PeerId): Promise<{ ref: Uint8Array, position: string }> {
    return await this.answer('deposit', [topic, depositKey, message, requester], undefined, { ref: bytes(16, 7), position: '0000000000000001' })
  }

  async getByRef (topic: Uint8Array, depositKey: Uint8Array, refs: Uint8Array[], _requester: PeerId, options?: { signal?: AbortSignal }): Promise<GroupMessageEntry[]> {
    return await this.answer('getByRef', [topic, depositKey, refs], options?.signal, this.found)
  }

  async register (owner: GroupMailboxOwner, topics: GroupTopic[], options?: { signal?: AbortSignal }): Promise<void> {
    await this.answer('register', [owner, topics], options?.signal, undefined)
  }

  async unregister (owner: GroupMailboxOwner, topics: Uint8Array[], options?: { signal?: AbortSignal }): Promise<void> {
    await this.answer('unregister', [owner, topics], options?.signal, undefined)
  }

  async list (owner: GroupMailboxOwner, topic: Uint8Array, after: string | undefined, limit: number, maxBytes: number, options?: { signal?: AbortSignal }): Promise<GroupMessageEntry[]> {
    return await this.answer('list', [owner, topic, after, limit, maxBytes], options?.signal, this.page)
  }

  async ack (owner: GroupMailboxOwner, topic: Uint8Array, position: string, options?: { signal?: AbortSignal }): Promise<string> {
    return await this.answer('ack', [owner, topic, position], options?.signal, position)
  }
}

async function relayWith (backend: StandIn, server: Parameters<typeof startGroupRelay>[0] = {}): Promise<GroupRelay> {
  return await startGroupRelay({ ...server, wrap: () => backend })
}

/** Every frame until the stream's end (null at a clean end, or the reset). */
async function frames (p: RawPeer): Promise<string[]> {
  const out: string[] = []
  while (true) {
    const f = await p.next().catch(() => null)
    if (f == null) return out
    out.push(f.type === RelayFrame.Type.MESSAGES ? `MESSAGES ${f.messages.length}` : status(f))
  }
}

async function ended (stream: Stream): Promise<string> {
  await until(() => stream.status === 'reset' || stream.remoteWriteStatus === 'closed', 'the end of the stream')
  return stream.status === 'reset' ? 'reset' : 'closed'
}

describe('group mailbox server: registration', () => {
  it('registers its protocol and name with the stream limits of Init, or the defaults', async () => {
    for (const [init, inbound, outbound] of [[{}, 16, 16], [{ maxInboundStreams: 3, maxOutboundStreams: 4 }, 3, 4]] as const) {
      const { registrar, handlers } = recordingRegistrar()
      const logger = recordingLogger()
      const make = groupMailboxServer({ backend: new StandIn(), ...init })
      const server = make({ peerId: await newPeerId(), logger, registrar })
      expect(server).toBeInstanceOf(GroupMailboxServer)
      await server.start()
      expect(handlers.get(GROUP_MAILBOX_PROTOCOL)?.options).toEqual({ maxInboundStreams: inbound, maxOutboundStreams: outbound, runOnLimitedConnection: false })
      expect(logger.components).toEqual(['parley:group-mailbox'])
      expect(Object.prototype.toString.call(server)).toBe('[object @parley/group-mailbox]')
      await server.stop()
      expect(handlers.size).toBe(0)
    }
  })
})

describe('group mailbox server: its own checks', () => {
  it('refuses a deposit with a short key, no message or one too large before the backend sees it, and keeps the stream', async () => {
    const backend = new StandIn()
    const relay = await relayWith(backend)
    const { client } = await relay.connect(await newPeerId())
    const p = rawPeer(client)
    await p.send(deposit({ depositKey: bytes(31) }))
    await p.send(deposit({ message: new Uint8Array(0) }))
    await p.send(deposit({ message: bytes(MAX_GROUP_MESSAGE_BYTES + 1) }))
    await p.send(deposit({ message: bytes(MAX_GROUP_MESSAGE_BYTES) }))
    await client.close()
    expect(await frames(p)).toEqual([
      'INVALID_REQUEST: the deposit key must be 32 bytes',
      'INVALID_REQUEST: empty message',
      `TOO_LARGE: group messages are at most ${MAX_GROUP_MESSAGE_BYTES} bytes`,
      'OK'
    ])
    expect(backend.calls.map(c => c[0])).toEqual(['deposit'])
  })

  it('refuses a GET with a short topic or key, saying which, before the backend sees it', async () => {
    const backend = new StandIn()
    const relay = await relayWith(backend)
    for (const [frame, message] of [[get({ topic: bytes(31) }), 'the topic must be 32 bytes'], [get({ depositKey: bytes(33) }), 'the deposit key must be 32 bytes']] as const) {
      const { client } = await relay.connect(await newPeerId())
      const p = rawPeer(client)
      await p.send(frame)
      expect(await frames(p)).toEqual([`INVALID_REQUEST: ${message}`])
    }
    expect(backend.calls).toEqual([])
  })

  it('refuses session requests with a missing or short field, saying which, before the backend sees them; a position of MAX_POSITION_LENGTH goes through', async () => {
    const backend = new StandIn()
    const relay = await relayWith(backend)
    const s = await rawSession(relay, alice)
    const longest = 'p'.repeat(MAX_POSITION_LENGTH)
    const rows: Array<[Partial<ClientFrame>, string]> = [
      [{ type: ClientFrame.Type.REGISTER }, 'INVALID_REQUEST: no topics to register'],
      [{ type: ClientFrame.Type.REGISTER, registrations: [{ topic: A.topic, depositCheck: A.depositCheck }, { topic: bytes(31), depositCheck: A.depositCheck }] }, 'INVALID_REQUEST: the topic must be 32 bytes'],
      [{ type: ClientFrame.Type.REGISTER, registrations: [{ topic: A.topic, depositCheck: bytes(33) }] }, 'INVALID_REQUEST: the deposit check must be 32 bytes'],
      [{ type: ClientFrame.Type.UNREGISTER, topics: [A.topic, bytes(31)] }, 'INVALID_REQUEST: the topic must be 32 bytes'],
      [{ type: ClientFrame.Type.FETCH, topic: bytes(31) }, 'INVALID_REQUEST: the topic must be 32 bytes'],
      [{ type: ClientFrame.Type.FETCH, topic: A.topic, position: `${longest}p` }, 'INVALID_REQUEST: position too long'],
      [{ type: ClientFrame.Type.ACK, topic: bytes(31), position: '1' }, 'INVALID_REQUEST: the topic must be 32 bytes'],
      [{ type: ClientFrame.Type.ACK, topic: A.topic, position: `${longest}p` }, 'INVALID_REQUEST: position too long']
    ]
    for (const [frame, expected] of rows) {
      await s.p.send(frame)
      expect(status(await s.p.next()), expected).toBe(expected)
    }
    expect(backend.calls).toEqual([])
    await s.p.send({ type: ClientFrame.Type.FETCH, topic: A.topic, position: longest })
    expect(status(await s.p.next())).toBe('DRAINED')
    await s.p.send({ type: ClientFrame.Type.ACK, topic: A.topic, position: longest })
    expect(await s.p.next()).toMatchObject({ type: RelayFrame.Type.RESULT, status: S.OK, position: longest })
    await s.p.send({ type: ClientFrame.Type.FETCH, topic: A.topic })
    expect(status(await s.p.next())).toBe('DRAINED')
    expect(backend.calls.map(c => [c[0], c[1][2]])).toEqual([['list', longest], ['ack', longest], ['list', undefined]])
    await s.client.close()
    await bounded(s.done)
  })
})

describe('group mailbox server: pages of a GET', () => {
  it('sends at most MAX_GROUP_PAGE_MESSAGES messages a page, ends a page once it holds MAX_GROUP_PAGE_BYTES, never an empty page', async () => {
    const K = MAX_GROUP_PAGE_BYTES / 4
    expect(K).toBeLessThanOrEqual(MAX_GROUP_MESSAGE_BYTES)
    const rows: Array<[string, number[], string[]]> = [
      ['nothing found', [], []],
      ['a full page of messages', Array(MAX_GROUP_PAGE_MESSAGES).fill(1), [`MESSAGES ${MAX_GROUP_PAGE_MESSAGES}`]],
      ['one more', Array(MAX_GROUP_PAGE_MESSAGES + 1).fill(1), [`MESSAGES ${MAX_GROUP_PAGE_MESSAGES}`, 'MESSAGES 1']],
      ['a page of bytes, exactly', [K, K, K, K], ['MESSAGES 4']],
      ['a page of bytes and one more', [K, K, K, K, 1], ['MESSAGES 4', 'MESSAGES 1']],
      ['one byte short of a page', [K, K, K, K - 1, 1, 1], ['MESSAGES 5', 'MESSAGES 1']]
    ]
    for (const [what, sizes, pages] of rows) {
      const backend = new StandIn()
      backend.found = sizes.map(entry)
      const relay = await relayWith(backend)
      const { client, done } = await relay.connect(await newPeerId())
      const p = rawPeer(client)
      await p.send(get())
      expect(await frames(p), what).toEqual([...pages, 'DRAINED'])
      await bounded(done)
    }
  })
})

describe('group mailbox server: how a stream ends', () => {
  it('a stream that ends before its first frame, or a session the device closes, gets no frame and a clean end', async () => {
    const relay = await relayWith(new StandIn())
    const { client, done } = await relay.connect(await newPeerId())
    const p = rawPeer(client)
    await client.close()
    expect(await p.next()).toBeNull()
    await bounded(done)
    const s = await rawSession(relay, alice)
    await s.client.close()
    expect(await s.p.next()).toBeNull()
    await bounded(s.done)
    expect(await ended(s.client)).toBe('closed')
  })

  it('a device that closes after the challenge is told its authentication failed', async () => {
    const relay = await relayWith(new StandIn())
    const { client, done } = await relay.connect(await newPeerId())
    const p = rawPeer(client)
    await p.send({ type: ClientFrame.Type.OPEN, identityKey: Uint8Array.from(alice.publicKey), deviceId: 1 })
    expect(status(await p.next())).toBe('CHALLENGE')
    await client.close()
    expect(status(await p.next())).toBe('AUTH_FAILED: closed before authenticating')
    await bounded(done)
  })

  it('only a refusal is answered before the reset: an oversize frame or a timeout resets without a frame', async () => {
    fakeTimers()
    const relay = await relayWith(new StandIn(), { server: { timeout: T } })
    const big = await relay.connect(await newPeerId())
    const b = rawPeer(big.client)
    big.client.send(encodeVarint(MAX_GROUP_CLIENT_FRAME_BYTES + 1))
    await expect(b.next()).rejects.toThrow()
    const silent = await relay.connect(await newPeerId())
    const q = rawPeer(silent.client)
    const read = track(q.next())
    read.promise.catch(() => {})
    await vi.advanceTimersByTimeAsync(T)
    await until(read.settled, 'the read')
    await expect(read.promise).rejects.toThrow()
  })

  it('logs why a stream was aborted and each deposit stream, by peer only', async () => {
    const relay = await relayWith(new StandIn())
    const me = await newPeerId()
    const bad = await relay.connect(me)
    bad.client.send(Uint8Array.from([3, 0xff, 0xff, 0xff]))
    await bounded(bad.done)
    const { client, done } = await relay.connect(me)
    const p = rawPeer(client)
    await p.send(deposit())
    await client.close()
    await frames(p)
    await bounded(done)
    const lines = relay.logger.lines.filter(l => l.level === 'log').map(l => [l.format, l.args[0]])
    expect(lines).toEqual([['group mailbox stream from %p aborted - %s', me], ['deposit stream from %p', me]])
  })

  it('gives a client that does not take the refusal one second for it and the close, then resets', async () => {
    fakeTimers()
    for (const blocked of ['write', 'close']) {
      const relay = await relayWith(new StandIn())
      const { client, server, done } = await relay.connect(await newPeerId())
      if (blocked === 'write') stall(server)
      else server.close = async options => { await untilAbort(options?.signal) }
      const handled = track(done)
      await rawPeer(client).send({ type: ClientFrame.Type.ACK })
      await vi.advanceTimersByTimeAsync(999)
      expect(handled.settled(), blocked).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      await until(handled.settled, `the handler (${blocked})`)
      await until(() => client.status === 'reset', 'the reset')
    }
  })

  it('gives a client that does not take an answer `timeout` ms, then resets', async () => {
    fakeTimers()
    const relay = await relayWith(new StandIn(), { server: { timeout: T } })
    const { client, server, done } = await relay.connect(await newPeerId())
    stall(server)
    const handled = track(done)
    await rawPeer(client).send(deposit())
    await vi.advanceTimersByTimeAsync(T - 1)
    expect(handled.settled()).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await until(handled.settled, 'the handler')
    await until(() => client.status === 'reset', 'the reset')
  })
})

describe('group mailbox server: the backend', () => {
  it('pauses the stream while a deposit is stored, and resumes it for the next', async () => {
    const backend = new StandIn()
    const release = deferred<void>()
    backend.held = release.promise
    const relay = await relayWith(backend)
    const { client, server } = await relay.connect(await newPeerId())
    const p = rawPeer(client)
    await p.send(deposit())
    await until(() => backend.calls.length === 1, 'the deposit')
    expect(server.readStatus).toBe('paused')
    release.resolve()
    expect(status(await p.next())).toBe('OK')
    await until(() => server.readStatus === 'readable', 'the resume')
    await client.close()
    expect(await frames(p)).toEqual([])
  })

  it('gives each call of a GET or a session a signal that aborts at `timeout`: the request is then answered INTERNAL', async () => {
    fakeTimers()
    const backend = new StandIn()
    backend.hang = true
    const relay = await relayWith(backend, { server: { timeout: T } })
    const { client } = await relay.connect(await newPeerId())
    const p = rawPeer(client)
    await p.send(get())
    const answer = track(p.next())
    await vi.advanceTimersByTimeAsync(T)
    expect(status(await answer.promise)).toBe('INTERNAL: the relay failed; try again later')
    const s = await rawSession(relay, alice)
    for (const frame of [
      { type: ClientFrame.Type.REGISTER, registrations: [{ topic: A.topic, depositCheck: A.depositCheck }] },
      { type: ClientFrame.Type.UNREGISTER, topics: [A.topic] },
      { type: ClientFrame.Type.FETCH, topic: A.topic },
      { type: ClientFrame.Type.ACK, topic: A.topic, position: '1' }
    ]) {
      await s.p.send(frame)
      const next = track(s.p.next())
      await vi.advanceTimersByTimeAsync(T - 1)
      expect(next.settled()).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      expect(status(await next.promise), ClientFrame.Type[frame.type]).toBe('INTERNAL: the relay failed; try again later')
    }
    expect(backend.calls.map(c => [c[0], c[2]?.aborted])).toEqual([['getByRef', true], ['register', true], ['unregister', true], ['list', true], ['ack', true]])
  })

  it('logs a backend failure as an error, and a refusal not at all', async () => {
    for (const [fail, logged] of [[new Error('disk on fire'), true], [new UnknownGroupTopicError(), false]] as const) {
      const backend = new StandIn()
      backend.fail = fail
      const relay = await relayWith(backend)
      const d = await relay.connect(await newPeerId())
      const dp = rawPeer(d.client)
      await dp.send(deposit())
      await d.client.close()
      const g = await relay.connect(await newPeerId())
      const gp = rawPeer(g.client)
      await gp.send(get())
      const s = await rawSession(relay, alice)
      await s.p.send({ type: ClientFrame.Type.FETCH, topic: A.topic })
      const answers = [...await frames(dp), ...await frames(gp), status(await s.p.next())]
      expect(answers, fail.message).toEqual(logged ? Array(3).fill('INTERNAL: the relay failed; try again later') : Array(3).fill('UNKNOWN_TOPIC: no such topic here, or not this deposit key'))
      const errors = relay.logger.lines.filter(l => l.level === 'error').map(l => [l.format, l.args[0]])
      expect(errors, fail.message).toEqual(logged
        ? [['group deposit failed inside the backend - %e', fail], ['get by ref failed inside the backend - %e', fail], ['group mailbox request failed inside the backend - %e', fail]]
        : [])
      await s.client.close()
    }
  })
})
