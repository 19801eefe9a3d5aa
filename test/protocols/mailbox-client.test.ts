// The mailbox client (depositEnvelopes, openMailbox, MailboxSession) against a hand-driven relay on an in-memory
// stream pair: what goes on the wire, how each answer (or its absence) becomes a result or an error, the progress
// timeout and the caller's signal, and that nothing (timer, listener, stream) is left behind.
import { describe, it, expect, vi, afterEach } from 'vitest'
import { getEventListeners } from 'node:events'
import { streamPair } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import type { PeerId, Stream } from '@libp2p/interface'
import {
  depositEnvelopes, openMailbox, relayPeerIdOf, deliveryKey, depositProof, verifyAuth, MAILBOX_PROTOCOL, MAX_ENVELOPE_BYTES,
  MAX_RELAY_FRAME_BYTES, MAX_ACK_IDS, type Deposit, type DepositResult, type MailboxSession, type OpenMailboxInit, type MailboxCallOptions
} from '../../src/protocols/mailbox/index.js'
import { ClientFrame, RelayFrame } from '../../src/protocols/mailbox/pb/mailbox.js'
import { encodeVarint } from '../../src/protocols/frames.js'
import { IdentityKeyPair, systemRandom } from '../../src/crypto/index.js'
import { addrOf, bounded, dialingNode, quiet, fakeTimers, mailboxNode, newPeerId, rawPeer, rejection, stall, text, timersOf, track, until, untilAbort } from './mailbox-harness.js'

const owner = IdentityKeyPair.generate(systemRandom)
const T = 4321
const NOW_MS = 1_700_000_000_000
const d = (envelope: Uint8Array = text('x'), over: Partial<Deposit> = {}): Deposit => ({ owner: owner.publicKey, deviceId: 1, envelope, ...over })
const ok = (id: string): Partial<RelayFrame> => ({ type: RelayFrame.Type.RESULT, status: RelayFrame.Status.OK, id })
const summary = (results: DepositResult[]): string[] => results.map(r => r.status === 'ok' ? `ok ${r.id}` : `${r.status} ${r.error.name}: ${r.error.message}`)
const entry = (id: string, body = id, receivedAt = 1_700_000_000_000): { id: string, envelope: Uint8Array<ArrayBuffer>, receivedAt: bigint } => ({ id, envelope: text(body), receivedAt: BigInt(receivedAt) })

async function relayPair (): Promise<{ client: Stream, relayEnd: Stream, relay: ReturnType<typeof rawPeer> }> {
  const [client, relayEnd] = await streamPair()
  return { client, relayEnd, relay: rawPeer(relayEnd) }
}

/** Catches unhandled rejections while `fn` runs and two event loop turns after. */
async function unhandledDuring (fn: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = []
  const onRejection = (reason: unknown): void => { seen.push(reason) }
  process.on('unhandledRejection', onRejection)
  try {
    await fn()
    for (let i = 0; i < 2; i++) await new Promise<void>(resolve => { setImmediate(resolve) })
  } finally {
    process.off('unhandledRejection', onRejection)
  }
  return seen
}

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('relayPeerIdOf', () => {
  it('names the relay by the last /p2p/ component of its (first) address, or its peer id', async () => {
    const relay = await newPeerId()
    const other = await newPeerId()
    const id = relay.toString()
    expect(relayPeerIdOf(relay)).toBe(id)
    expect(relayPeerIdOf(`/ip4/1.2.3.4/tcp/1/p2p/${id}`)).toBe(id)
    expect(relayPeerIdOf(multiaddr(`/ip4/1.2.3.4/tcp/1/p2p/${id}`))).toBe(id)
    expect(relayPeerIdOf([`/ip4/1.2.3.4/tcp/1/p2p/${id}`, `/ip4/1.2.3.4/tcp/2/p2p/${other.toString()}`])).toBe(id)
    expect(relayPeerIdOf([multiaddr(`/dns4/relay.example/tcp/443/wss/p2p/${id}`)])).toBe(id)
    // through a circuit: the last /p2p/ is the target's; a /p2p-circuit/ after the relay's is not a peer id
    expect(relayPeerIdOf(`/ip4/1.2.3.4/tcp/1/p2p/${other.toString()}/p2p-circuit/p2p/${id}`)).toBe(id)
    expect(relayPeerIdOf(`/ip4/1.2.3.4/tcp/1/p2p/${id}/p2p-circuit`)).toBe(id)
  })

  it('is undefined when no peer id is named or the address does not parse', () => {
    expect(relayPeerIdOf('/ip4/1.2.3.4/tcp/1')).toBeUndefined()
    expect(relayPeerIdOf(multiaddr('/ip4/1.2.3.4/tcp/1'))).toBeUndefined()
    expect(relayPeerIdOf([])).toBeUndefined()
    expect(relayPeerIdOf('not an address')).toBeUndefined()
  })
})

describe('depositEnvelopes', () => {
  it('checks each deposit before sending: refused ones keep their place, the rest go out on one stream in order', async () => {
    const { client, relayEnd, relay } = await relayPair()
    const node = dialingNode(client)
    const deposits = [
      d(new Uint8Array(MAX_ENVELOPE_BYTES + 1)),
      d(new Uint8Array(MAX_ENVELOPE_BYTES).fill(5)),
      d(new Uint8Array(0)),
      d(text('a'), { owner: new Uint8Array(31) }),
      d(text('b'), { owner: new Uint8Array(33) }),
      d(text('min'), { deviceId: 0 }),
      d(text('c'), { deviceId: -1 }),
      d(text('e'), { deviceId: 1.5 }),
      d(text('f'), { deviceId: 2 ** 32 }),
      d(text('max'), { deviceId: 0xffffffff }),
      d(text('g'), { deviceId: NaN })
    ]
    const call = depositEnvelopes(node, addrOf(await newPeerId()), deposits)
    const frames: ClientFrame[] = []
    for (let i = 0; i < 3; i++) frames.push((await relay.readClient())!)
    await relay.sendRelay(ok('big'))
    await relay.sendRelay(ok('min'))
    await relay.sendRelay({ type: RelayFrame.Type.RESULT, status: RelayFrame.Status.MAILBOX_FULL, message: 'full up' })
    const results = await bounded(call)
    expect(summary(results)).toEqual([
      'refused EnvelopeTooLargeError: envelopes are at most 262144 bytes; this one is 262145',
      'ok big',
      'refused InvalidMailboxRequestError: empty envelope',
      'refused InvalidMailboxRequestError: the owner identity key must be 32 bytes',
      'refused InvalidMailboxRequestError: the owner identity key must be 32 bytes',
      'ok min',
      'refused InvalidMailboxRequestError: the device id must be a uint32',
      'refused InvalidMailboxRequestError: the device id must be a uint32',
      'refused InvalidMailboxRequestError: the device id must be a uint32',
      'refused MailboxFullError: full up',
      'refused InvalidMailboxRequestError: the device id must be a uint32'
    ])
    expect(frames.map(f => [f.type, f.deviceId, f.envelope.length, f.envelope[0], f.proof.length])).toEqual([
      [ClientFrame.Type.DEPOSIT, 1, MAX_ENVELOPE_BYTES, 5, 0],
      [ClientFrame.Type.DEPOSIT, 0, 3, 'm'.charCodeAt(0), 0],
      [ClientFrame.Type.DEPOSIT, 0xffffffff, 3, 'm'.charCodeAt(0), 0]
    ])
    expect(frames.every(f => f.identityKey.length === 32 && f.identityKey.every((b, i) => b === owner.publicKey[i]))).toBe(true)
    // then the client closed its end: nothing more comes
    expect(await relay.readClient()).toBeNull()
    expect(node.dials.map(x => x.protocol)).toEqual([MAILBOX_PROTOCOL])
    expect(relayEnd.status).not.toBe('reset')
  })

  it('does not dial at all when every deposit fails the checks (or there are none)', async () => {
    const node = dialingNode(async () => { throw new Error('must not dial') })
    const results = await bounded(depositEnvelopes(node, '/ip4/1.2.3.4/tcp/1', [d(new Uint8Array(0)), d(text('x'), { deviceId: -1 }), d(new Uint8Array(MAX_ENVELOPE_BYTES + 1))]))
    expect(summary(results)).toEqual([
      'refused InvalidMailboxRequestError: empty envelope',
      'refused InvalidMailboxRequestError: the device id must be a uint32',
      'refused EnvelopeTooLargeError: envelopes are at most 262144 bytes; this one is 262145'
    ])
    expect(await bounded(depositEnvelopes(node, '/ip4/1.2.3.4/tcp/1', []))).toEqual([])
    expect(node.dials).toEqual([])
  })

  it('proves the delivery token only with a 32-byte token and a relay whose peer id it knows', async () => {
    const relayId = await newPeerId()
    const token = systemRandom(32)
    const envelope = text('sealed')
    const proofSent = async (target: string | PeerId, deposit: Deposit): Promise<Uint8Array> => {
      const { client, relay } = await relayPair()
      const call = depositEnvelopes(dialingNode(client), target, [deposit])
      const frame = await relay.readClient()
      await relay.sendRelay(ok('x'))
      expect(summary(await bounded(call))).toEqual(['ok x'])
      return frame!.proof
    }
    const expected = depositProof(deliveryKey(token, relayId.toString()), owner.publicKey, 7, envelope)
    expect(await proofSent(addrOf(relayId), d(envelope, { deviceId: 7, deliveryToken: token }))).toEqual(expected)
    expect(await proofSent(relayId, d(envelope, { deviceId: 7, deliveryToken: token }))).toEqual(expected)
    expect(await proofSent(addrOf(relayId), d(envelope, { deviceId: 7, deliveryToken: token.subarray(0, 16) }))).toEqual(new Uint8Array(0))
    expect(await proofSent('/ip4/127.0.0.1/tcp/4001', d(envelope, { deviceId: 7, deliveryToken: token }))).toEqual(new Uint8Array(0))
    expect(await proofSent(addrOf(relayId), d(envelope, { deviceId: 7 }))).toEqual(new Uint8Array(0))
  })

  it('takes refusals of any length with their fields (a frame longer than one length byte)', async () => {
    const { client, relay } = await relayPair()
    const call = depositEnvelopes(dialingNode(client), '/ip4/127.0.0.1/tcp/1', [d(), d()])
    await relay.readClient()
    await relay.readClient()
    await relay.sendRelay({ type: RelayFrame.Type.RESULT, status: RelayFrame.Status.RATE_LIMITED, retryAfterMs: 2500, message: 'slow down '.repeat(30) })
    await relay.sendRelay({ type: RelayFrame.Type.RESULT, status: RelayFrame.Status.UNKNOWN_MAILBOX })
    const [limited, unknown] = await bounded(call)
    expect(limited.status === 'refused' && limited.error).toMatchObject({ name: 'RateLimitedError', retryAfterMs: 2500, message: 'slow down '.repeat(30) })
    expect(unknown.status === 'refused' && unknown.error).toMatchObject({ name: 'UnknownMailboxError', message: 'this relay keeps no mailbox for that owner' })
  })

  it('when the relay closes early, the answered deposits keep their results and the rest failed', async () => {
    const { client, relayEnd, relay } = await relayPair()
    const call = depositEnvelopes(dialingNode(client), '/ip4/127.0.0.1/tcp/1', [d(), d(), d()])
    for (let i = 0; i < 3; i++) await relay.readClient()
    await relay.sendRelay(ok('first'))
    await relay.sendRelay({ type: RelayFrame.Type.RESULT, status: RelayFrame.Status.MAILBOX_FULL })
    await relayEnd.close()
    expect(summary(await bounded(call))).toEqual([
      'ok first',
      'refused MailboxFullError: the mailbox is full',
      'failed MailboxClosedError: the relay closed the stream after 2 of 3 answers'
    ])
  })

  it('a relay answering with another frame, a malformed one or an oversize one fails what is left as a protocol error', async () => {
    const outcome = async (answer: (relay: ReturnType<typeof rawPeer>, relayEnd: Stream) => Promise<void>): Promise<string[]> => {
      const { client, relayEnd, relay } = await relayPair()
      const call = depositEnvelopes(dialingNode(client), '/ip4/127.0.0.1/tcp/1', [d(), d()])
      await relay.readClient()
      await relay.readClient()
      await relay.sendRelay(ok('a'))
      await answer(relay, relayEnd)
      const results = await bounded(call)
      await until(() => relayEnd.status === 'reset', 'the reset')
      return summary(results)
    }
    expect(await outcome(async relay => { await relay.sendRelay({ type: RelayFrame.Type.CHALLENGE, nonce: new Uint8Array(32) }) }))
      .toEqual(['ok a', 'failed ProtocolViolationError: expected a deposit RESULT'])
    const [, malformed] = await outcome(async relay => { await relay.write(Uint8Array.from([0x3a, 0x05, 0x01])) })
    expect(malformed).toMatch(/^failed ProtocolViolationError: relay sent a malformed frame: ./)
    expect(await outcome(async (_relay, relayEnd) => { relayEnd.send(encodeVarint(MAX_RELAY_FRAME_BYTES + 1)) }))
      .toEqual(['ok a', `failed FrameTooLargeError: frame of ${MAX_RELAY_FRAME_BYTES + 1} bytes exceeds ${MAX_RELAY_FRAME_BYTES}`])
  })

  it('returns as soon as every deposit is answered, having closed its end cleanly', async () => {
    fakeTimers()
    const { client, relayEnd, relay } = await relayPair()
    const call = track(depositEnvelopes(dialingNode(client), '/ip4/127.0.0.1/tcp/1', [d(), d()], { timeout: T }))
    await relay.readClient()
    await relay.readClient()
    expect(await relay.readClient()).toBeNull()
    await relay.sendRelay(ok('a'))
    await relay.sendRelay(ok('b'))
    // the relay keeps its end open; no timer runs
    await until(call.settled, 'the results')
    expect(summary(await call.promise)).toEqual(['ok a', 'ok b'])
    expect(relayEnd.status).not.toBe('reset')
  })

  describe('progress timeout', () => {
    it('fails what is unanswered after `timeout` ms without an answer, not before', async () => {
      fakeTimers()
      const { client, relayEnd, relay } = await relayPair()
      const call = track(depositEnvelopes(dialingNode(client), '/ip4/127.0.0.1/tcp/1', [d(), d()], { timeout: T }))
      await relay.readClient()
      await relay.readClient()
      await vi.advanceTimersByTimeAsync(T - 1)
      expect(call.settled()).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      await until(call.settled, 'the results')
      expect(summary(await call.promise)).toEqual([`failed TimeoutError: no progress in ${T} ms`, `failed TimeoutError: no progress in ${T} ms`])
      await until(() => relayEnd.status === 'reset', 'the reset')
    })

    it('each answer restarts the clock: a slow relay that keeps answering is waited for', async () => {
      fakeTimers()
      const { client, relay } = await relayPair()
      const call = track(depositEnvelopes(dialingNode(client), '/ip4/127.0.0.1/tcp/1', [d(), d(), d()], { timeout: T }))
      for (let i = 0; i < 3; i++) await relay.readClient()
      for (const id of ['a', 'b', 'c']) {
        await vi.advanceTimersByTimeAsync(T - 1000)
        await relay.sendRelay(ok(id))
      }
      await until(call.settled, 'the results')
      expect(summary(await call.promise)).toEqual(['ok a', 'ok b', 'ok c'])
    })

    it('bounds the dial', async () => {
      fakeTimers()
      const node = dialingNode(async options => await untilAbort(options?.signal))
      const call = track(depositEnvelopes(node, '/ip4/127.0.0.1/tcp/1', [d()], { timeout: T }))
      await vi.advanceTimersByTimeAsync(T)
      await until(call.settled, 'the results')
      expect(summary(await call.promise)).toEqual([`failed TimeoutError: no progress in ${T} ms`])
    })

    it('bounds a write to a relay that stopped reading, and the close after it, even once every deposit is answered', async () => {
      fakeTimers()
      for (const blocked of ['write', 'close']) {
        const { client, relayEnd, relay } = await relayPair()
        if (blocked === 'write') stall(client)
        else client.close = async options => { await untilAbort(options?.signal) }
        const call = track(depositEnvelopes(dialingNode(client), '/ip4/127.0.0.1/tcp/1', [d()], { timeout: T }))
        await relay.readClient()
        await relay.sendRelay(ok('a'))
        await vi.advanceTimersByTimeAsync(T - 1)
        expect(call.settled(), blocked).toBe(false)
        await vi.advanceTimersByTimeAsync(1)
        await until(call.settled, `the results (${blocked})`)
        expect(summary(await call.promise)).toEqual(['ok a'])
        await until(() => relayEnd.status === 'reset', 'the reset')
      }
    })

    it('leaves no timer running and no listener on the caller\'s signal', async () => {
      const signal = new AbortController().signal
      const timers = await timersOf(T, async () => {
        const { client, relay } = await relayPair()
        const call = depositEnvelopes(dialingNode(client), '/ip4/127.0.0.1/tcp/1', [d(), d()], { timeout: T, signal })
        await relay.readClient()
        await relay.readClient()
        await relay.sendRelay(ok('a'))
        await relay.sendRelay(ok('b'))
        expect(summary(await bounded(call))).toEqual(['ok a', 'ok b'])
      })
      expect(timers.started).toBeGreaterThan(0)
      expect(timers.leftRunning).toBe(0)
      expect(getEventListeners(signal, 'abort')).toHaveLength(0)
    })
  })

  describe("the caller's signal", () => {
    it('already aborted: nothing is dialled through, every deposit failed with its reason', async () => {
      const reason = new Error('the user left')
      const { client } = await relayPair()
      const node = dialingNode(async options => { options?.signal?.throwIfAborted(); return client })
      const results = await bounded(depositEnvelopes(node, '/ip4/127.0.0.1/tcp/1', [d(), d()], { signal: AbortSignal.abort(reason) }))
      expect(results).toEqual([{ status: 'failed', error: reason }, { status: 'failed', error: reason }])
      expect(node.dials[0].signal?.aborted).toBe(true)
    })

    it('aborted while waiting for answers: the unanswered deposits fail with its reason and the stream is reset', async () => {
      const reason = new Error('the user left')
      const controller = new AbortController()
      const { client, relayEnd, relay } = await relayPair()
      const call = depositEnvelopes(dialingNode(client), '/ip4/127.0.0.1/tcp/1', [d(), d()], { signal: controller.signal })
      await relay.readClient()
      await relay.readClient()
      await relay.sendRelay(ok('a'))
      // let the first answer be read
      for (let i = 0; i < 5; i++) await new Promise<void>(resolve => { setImmediate(resolve) })
      controller.abort(reason)
      expect(await bounded(call)).toEqual([{ status: 'ok', id: 'a' }, { status: 'failed', error: reason }])
      await until(() => relayEnd.status === 'reset', 'the reset')
    })
  })

  it('a write that fails while answers are awaited leaves no unhandled rejection; the read error is reported', async () => {
    const { client, relayEnd } = await relayPair()
    const seen = await unhandledDuring(async () => {
      client.send = () => { throw new Error('socket gone') }
      const call = depositEnvelopes(dialingNode(client), '/ip4/127.0.0.1/tcp/1', [d()])
      await relayEnd.close()
      expect(summary(await bounded(call))).toEqual(['failed MailboxClosedError: the relay closed the stream after 0 of 1 answers'])
    })
    expect(seen).toEqual([])
  })
})

interface Opened {
  session: MailboxSession
  relay: ReturnType<typeof rawPeer>
  relayEnd: Stream
  client: Stream
  open: ClientFrame
  auth: ClientFrame
  nonce: Uint8Array
  me: PeerId
  relayId: PeerId
  protocols: string[]
}

/** openMailbox against a relay that accepts: OPEN → CHALLENGE → AUTH → RESULT OK. */
async function opened (init: Partial<OpenMailboxInit> = {}, options: MailboxCallOptions = {}): Promise<Opened> {
  const { client, relayEnd, relay } = await relayPair()
  const me = await newPeerId()
  const relayId = await newPeerId()
  const node = mailboxNode(me, relayId, client)
  const opening = openMailbox(node, relayId, { identity: owner, ...init }, options)
  const open = (await relay.readClient())!
  const nonce = Uint8Array.from(systemRandom(32))
  await relay.sendRelay({ type: RelayFrame.Type.CHALLENGE, nonce })
  const auth = (await relay.readClient())!
  await relay.sendRelay({ type: RelayFrame.Type.RESULT, status: RelayFrame.Status.OK })
  return { session: await bounded(opening), relay, relayEnd, client, open, auth, nonce, me, relayId, protocols: node.protocols }
}

/** Takes `n` entries (bounded by events). */
async function take (session: MailboxSession, n: number): Promise<Array<{ id: string, body: string, receivedAt: number }>> {
  const out: Array<{ id: string, body: string, receivedAt: number }> = []
  if (n === 0) return out
  const it = session[Symbol.asyncIterator]()
  while (out.length < n) {
    const next = track(it.next())
    await until(next.settled, 'the next entry')
    const r = await next.promise
    if (r.done === true) break
    out.push({ id: r.value.id, body: new TextDecoder().decode(r.value.envelope), receivedAt: r.value.receivedAt })
  }
  return out
}

/** Iterates to the end: the entries, then how it ended (`end` or the error). */
async function drain (session: MailboxSession): Promise<{ ids: string[], end: Error | 'end' }> {
  const ids: string[] = []
  const it = session[Symbol.asyncIterator]()
  while (true) {
    const next = track(it.next())
    await until(next.settled, 'the next entry')
    try {
      const r = await next.promise
      if (r.done === true) return { ids, end: 'end' }
      ids.push(r.value.id)
    } catch (err) {
      return { ids, end: err as Error }
    }
  }
}

describe('openMailbox', () => {
  it('OPEN names the mailbox, cursor and subscription; AUTH signs the challenge for this relay and connection', async () => {
    const plain = await opened({ timestamp: 1_700_000_000_000 })
    expect(plain.protocols).toEqual([MAILBOX_PROTOCOL])
    expect(plain.open).toMatchObject({ type: ClientFrame.Type.OPEN, deviceId: 1, after: '', subscribe: false })
    expect(plain.open.identityKey).toEqual(owner.publicKey)
    expect(plain.auth).toMatchObject({ type: ClientFrame.Type.AUTH, timestamp: 1_700_000_000_000n })
    expect(plain.auth.deliveryKey).toEqual(new Uint8Array(0))
    const ctx = { nonce: plain.nonce, relayPeerId: plain.relayId.toString(), clientPeerId: plain.me.toString(), identityKey: owner.publicKey, deviceId: 1, timestamp: 1_700_000_000_000 }
    expect(() => { verifyAuth(ctx, plain.auth.signature, 1_700_000_000_000) }).not.toThrow()
    expect(plain.session.closed).toBe(false)

    const token = systemRandom(32)
    const full = await opened({ deviceId: 3, after: 'e0005', subscribe: true, deliveryToken: token, timestamp: 1_700_000_000_000 })
    expect(full.open).toMatchObject({ type: ClientFrame.Type.OPEN, deviceId: 3, after: 'e0005', subscribe: true })
    expect(full.auth.deliveryKey).toEqual(deliveryKey(token, full.relayId.toString()))
    expect(() => { verifyAuth({ ...ctx, nonce: full.nonce, relayPeerId: full.relayId.toString(), clientPeerId: full.me.toString(), deviceId: 3 }, full.auth.signature, 1_700_000_000_000) }).not.toThrow()
  })

  it('signs the current time when none is given', async () => {
    fakeTimers()
    vi.setSystemTime(1_800_000_000_000)
    const { auth } = await opened()
    expect(auth.timestamp).toBe(1_800_000_000_000n)
  })

  it('rejects with what the relay said or did in the handshake, and resets the stream', async () => {
    type Script = (relay: ReturnType<typeof rawPeer>, relayEnd: Stream) => Promise<void>
    const challenge: Script = async relay => { await relay.sendRelay({ type: RelayFrame.Type.CHALLENGE, nonce: new Uint8Array(32).fill(1) }); await relay.readClient() }
    const rows: Array<[string, Script, string]> = [
      ['closed before the challenge', async (_, relayEnd) => { await relayEnd.close() }, 'MailboxClosedError: the relay closed the stream before its challenge'],
      ['refused the OPEN', async relay => { await relay.sendRelay({ type: RelayFrame.Type.RESULT, status: RelayFrame.Status.INVALID_REQUEST, message: 'cursor too long' }) }, 'InvalidMailboxRequestError: cursor too long'],
      ['answered the OPEN with OK', async relay => { await relay.sendRelay({ type: RelayFrame.Type.RESULT, status: RelayFrame.Status.OK }) }, 'ProtocolViolationError: expected a CHALLENGE'],
      ['answered the OPEN with envelopes', async relay => { await relay.sendRelay({ type: RelayFrame.Type.ENVELOPES, envelopes: [entry('e1')] }) }, 'ProtocolViolationError: expected a CHALLENGE'],
      ['closed after the AUTH', async (relay, relayEnd) => { await challenge(relay, relayEnd); await relayEnd.close() }, 'MailboxClosedError: the relay closed the stream during authentication'],
      ['answered the AUTH with a challenge', async (relay, relayEnd) => { await challenge(relay, relayEnd); await relay.sendRelay({ type: RelayFrame.Type.CHALLENGE, nonce: new Uint8Array(32) }) }, 'ProtocolViolationError: expected the authentication RESULT'],
      ['refused the AUTH', async (relay, relayEnd) => { await challenge(relay, relayEnd); await relay.sendRelay({ type: RelayFrame.Type.RESULT, status: RelayFrame.Status.AUTH_FAILED, message: 'not yours' }) }, 'MailboxAuthError: not yours']
    ]
    for (const [what, script, expected] of rows) {
      const { client, relayEnd, relay } = await relayPair()
      const me = await newPeerId()
      const opening = quiet(openMailbox(mailboxNode(me, await newPeerId(), client), '/ip4/127.0.0.1/tcp/1', { identity: owner }))
      await relay.readClient()
      await script(relay, relayEnd)
      const err = await rejection(opening)
      expect(`${err.name}: ${err.message}`, what).toBe(expected)
      await until(() => relayEnd.status === 'reset', `the reset (${what})`)
    }
    // a frame that does not decode
    const { client, relay } = await relayPair()
    const opening = quiet(openMailbox(mailboxNode(await newPeerId(), await newPeerId(), client), '/ip4/127.0.0.1/tcp/1', { identity: owner }))
    await relay.readClient()
    await relay.write(Uint8Array.from([0x3a, 0x05, 0x01]))
    const err = await rejection(opening)
    expect(err.name).toBe('ProtocolViolationError')
    expect(err.message).toMatch(/^relay sent a malformed frame: ./)
  })

  it('reads a status only on RESULT frames: a CHALLENGE carrying one is still the challenge', async () => {
    const { client, relay } = await relayPair()
    const me = await newPeerId()
    const relayId = await newPeerId()
    const opening = openMailbox(mailboxNode(me, relayId, client), relayId, { identity: owner, timestamp: NOW_MS })
    await relay.readClient()
    const nonce = new Uint8Array(32).fill(3)
    await relay.sendRelay({ type: RelayFrame.Type.CHALLENGE, status: RelayFrame.Status.AUTH_FAILED, message: 'stray', nonce })
    const auth = (await relay.readClient())!
    expect(() => { verifyAuth({ nonce, relayPeerId: relayId.toString(), clientPeerId: me.toString(), identityKey: owner.publicKey, deviceId: 1, timestamp: NOW_MS }, auth.signature, NOW_MS) }).not.toThrow()
    await relay.sendRelay({ type: RelayFrame.Type.RESULT, status: RelayFrame.Status.OK })
    expect((await bounded(opening)).closed).toBe(false)
  })

  it('rejects with the dial\'s own error when the relay cannot be reached', async () => {
    const unreachable = new Error('no route to the relay')
    const node = mailboxNode(await newPeerId(), await newPeerId(), async () => { throw new Error('no stream either') }, async () => { throw unreachable })
    expect(await rejection(openMailbox(node, '/ip4/127.0.0.1/tcp/1', { identity: owner }))).toBe(unreachable)
  })

  it('bounds the whole handshake by `timeout`: dial, stream, each write and read', async () => {
    fakeTimers()
    type Setup = (client: Stream, relay: ReturnType<typeof rawPeer>) => Promise<{ dial?: (o?: { signal?: AbortSignal }) => Promise<void>, newStream?: boolean, afterOpen?: () => Promise<void> }>
    const rows: Array<[string, Setup]> = [
      ['dial', async () => ({ dial: async o => { await untilAbort(o?.signal) } })],
      ['new stream', async () => ({ newStream: true })],
      ['OPEN write', async client => { stall(client); return {} }],
      ['challenge read', async () => ({ afterOpen: async () => {} })],
      ['AUTH write', async (client, relay) => ({
        afterOpen: async () => {
          stall(client)
          await relay.sendRelay({ type: RelayFrame.Type.CHALLENGE, nonce: new Uint8Array(32) })
          await relay.readClient()
          await relay.sendRelay({ type: RelayFrame.Type.RESULT, status: RelayFrame.Status.OK })
        }
      })],
      ['result read', async (_client, relay) => ({
        afterOpen: async () => {
          await relay.sendRelay({ type: RelayFrame.Type.CHALLENGE, nonce: new Uint8Array(32) })
          await relay.readClient()
        }
      })]
    ]
    for (const [what, setup] of rows) {
      const { client, relay } = await relayPair()
      const s = await setup(client, relay)
      const node = mailboxNode(await newPeerId(), await newPeerId(), s.newStream === true ? async o => await untilAbort(o?.signal) : client, s.dial)
      const opening = track(openMailbox(node, '/ip4/127.0.0.1/tcp/1', { identity: owner }, { timeout: T }))
      if (s.dial == null && s.newStream !== true) {
        await relay.readClient()
        await s.afterOpen?.()
      }
      await vi.advanceTimersByTimeAsync(T - 1)
      expect(opening.settled(), what).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      const err = await rejection(opening.promise)
      expect(`${err.name}: ${err.message}`, what).toBe(`TimeoutError: no progress in ${T} ms`)
    }
  })

  it('leaves no timer running and no listener on the caller\'s signal', async () => {
    const signal = new AbortController().signal
    const timers = await timersOf(T, async () => { await opened({}, { timeout: T, signal }) })
    expect(timers.started).toBe(1)
    expect(timers.leftRunning).toBe(0)
    expect(getEventListeners(signal, 'abort')).toHaveLength(0)
  })
})

describe('MailboxSession', () => {
  it('yields the envelopes in order, resolves drained at DRAINED, and passes over keepalives and stray ACKED', async () => {
    const { session, relay } = await opened()
    await relay.sendRelay({ type: RelayFrame.Type.ENVELOPES, envelopes: [entry('e1', 'one', 1000), entry('e2', 'two', 2000)] })
    await relay.sendRelay({ type: RelayFrame.Type.KEEPALIVE })
    await relay.sendRelay({ type: RelayFrame.Type.ACKED, seq: 99 })
    await relay.sendRelay({ type: RelayFrame.Type.ENVELOPES, envelopes: [entry('e3', 'three', 3000)] })
    await relay.sendRelay({ type: RelayFrame.Type.DRAINED })
    await bounded(session.drained)
    expect(session.pending).toBe(3)
    expect(await take(session, 3)).toEqual([{ id: 'e1', body: 'one', receivedAt: 1000 }, { id: 'e2', body: 'two', receivedAt: 2000 }, { id: 'e3', body: 'three', receivedAt: 3000 }])
    expect(session.pending).toBe(0)
    expect(session.closed).toBe(false)
    // live ones after the drain
    await relay.sendRelay({ type: RelayFrame.Type.ENVELOPES, envelopes: [entry('e4')] })
    expect(await take(session, 1)).toMatchObject([{ id: 'e4' }])
  })

  it('ends with the relay\'s refusal after authentication: the iterator, drained and ack all reject with it', async () => {
    const { session, relay } = await opened()
    await relay.sendRelay({ type: RelayFrame.Type.ENVELOPES, envelopes: [entry('e1')] })
    await relay.sendRelay({ type: RelayFrame.Type.RESULT, status: RelayFrame.Status.INVALID_REQUEST, message: 'an open mailbox takes only ACK frames' })
    const { ids, end } = await drain(session)
    expect(ids).toEqual(['e1'])
    expect(end).toMatchObject({ name: 'InvalidMailboxRequestError', message: 'an open mailbox takes only ACK frames' })
    expect(session.closed).toBe(true)
    expect(await rejection(session.drained)).toBe(end)
    expect(await rejection(session.ack(['e1']))).toBe(end)
  })

  it('ends with a ProtocolViolationError on a frame it does not expect or cannot decode, or a page over MAX_PAGE_ENVELOPES', async () => {
    const rows: Array<[Partial<RelayFrame> | Uint8Array, RegExp]> = [
      [{ type: RelayFrame.Type.CHALLENGE, nonce: new Uint8Array(32) }, /^unexpected CHALLENGE frame$/],
      [Uint8Array.from([0x3a, 0x05, 0x01]), /^relay sent a malformed frame: ./],
      [{ type: RelayFrame.Type.ENVELOPES, envelopes: Array.from({ length: 101 }, (_, i) => entry(`e${i}`)) }, /^relay sent a malformed frame: ./]
    ]
    for (const [frame, message] of rows) {
      const { session, relay } = await opened()
      if (frame instanceof Uint8Array) await relay.write(frame)
      else await relay.sendRelay(frame)
      const { ids, end } = await drain(session)
      expect(ids).toEqual([])
      expect(end).toBeInstanceOf(Error)
      expect((end as Error).name).toBe('ProtocolViolationError')
      expect((end as Error).message).toMatch(message)
      expect(await rejection(session.drained)).toBe(end)
    }
    // exactly MAX_PAGE_ENVELOPES is a page
    const { session, relay } = await opened()
    await relay.sendRelay({ type: RelayFrame.Type.ENVELOPES, envelopes: Array.from({ length: 100 }, (_, i) => entry(`e${i}`)) })
    expect(await take(session, 100)).toHaveLength(100)
  })

  it('when the relay ends the session: queued envelopes first, then MailboxClosedError; a pending ack rejects at once', async () => {
    fakeTimers()
    const { session, relay, relayEnd } = await opened()
    await relay.sendRelay({ type: RelayFrame.Type.ENVELOPES, envelopes: [entry('e1')] })
    await until(() => session.pending === 1, 'the envelope')
    const acking = quiet(session.ack(['e1']))
    expect(await relay.readClient()).toMatchObject({ type: ClientFrame.Type.ACK, seq: 1, ids: ['e1'] })
    await relayEnd.close()
    const ackError = await rejection(acking)
    expect(ackError).toMatchObject({ name: 'MailboxClosedError', message: 'the relay ended the session' })
    const { ids, end } = await drain(session)
    expect(ids).toEqual(['e1'])
    expect(end).toBe(ackError)
    expect(await rejection(session.drained)).toBe(ackError)
    expect(session.closed).toBe(true)
  })

  it('a session that ends on the relay\'s account lets go of its stream, so the relay stops serving it', async () => {
    // a frame the client does not take: the relay would go on pushing envelopes (and keepalives) to a session nobody reads
    const bad = await opened({ subscribe: true })
    await bad.relay.sendRelay({ type: RelayFrame.Type.CHALLENGE, nonce: new Uint8Array(32) })
    await until(() => bad.session.closed, 'the end of the session')
    await until(() => bad.relayEnd.status === 'reset', 'the reset')
    // the relay closing its end first: the client's end does not stay open (close() is a no-op on an ended session)
    const ended = await opened()
    await ended.relayEnd.close()
    await until(() => ended.session.closed, 'the end of the session')
    await ended.session.close()
    await until(() => ended.relayEnd.status === 'reset' || ended.relayEnd.remoteWriteStatus === 'closed', 'the end of the client\'s side')
  })

  it('a session that fails with nobody awaiting drained leaves no unhandled rejection', async () => {
    const seen = await unhandledDuring(async () => {
      const { session, relayEnd } = await opened()
      await relayEnd.close()
      await until(() => session.closed, 'the end')
    })
    expect(seen).toEqual([])
  })

  describe('ack', () => {
    it('sends ACK frames numbered from 1 of at most MAX_ACK_IDS ids, each answered by its ACKED', async () => {
      fakeTimers()
      const { session, relay } = await opened()
      const answer = async (): Promise<ClientFrame> => {
        const f = (await relay.readClient())!
        await relay.sendRelay({ type: RelayFrame.Type.ACKED, seq: f.seq })
        return f
      }
      const first = track(session.ack(['a', 'b']))
      const f1 = (await relay.readClient())!
      expect(f1).toMatchObject({ type: ClientFrame.Type.ACK, seq: 1, ids: ['a', 'b'] })
      // an ACKED of another seq does not answer it
      await relay.sendRelay({ type: RelayFrame.Type.ACKED, seq: 2 })
      await relay.sendRelay({ type: RelayFrame.Type.KEEPALIVE })
      for (let i = 0; i < 20; i++) await new Promise<void>(resolve => { setImmediate(resolve) })
      expect(first.settled()).toBe(false)
      await relay.sendRelay({ type: RelayFrame.Type.ACKED, seq: 1 })
      await until(first.settled, 'the first ack')
      await first.promise

      const ids = Array.from({ length: 2500 }, (_, i) => `id${i}`)
      const many = track(session.ack(ids))
      const frames = [await answer(), await answer(), await answer()]
      await until(many.settled, 'the big ack')
      await many.promise
      expect(frames.map(f => [f.seq, f.ids.length, f.ids[0]])).toEqual([[2, 1000, 'id0'], [3, 1000, 'id1000'], [4, 500, 'id2000']])
      expect(frames.flatMap(f => f.ids)).toEqual(ids)

      const exact = track(session.ack(ids.slice(0, MAX_ACK_IDS)))
      expect((await answer()).ids).toHaveLength(MAX_ACK_IDS)
      await until(exact.settled, 'the ack of exactly MAX_ACK_IDS')
      await exact.promise

      // nothing to ack: no frame, at once
      const none = track(session.ack([]))
      await until(none.settled, 'the empty ack')
      await none.promise
      const last = session.ack(['z'])
      expect(await answer()).toMatchObject({ seq: 6, ids: ['z'] })
      await bounded(last)
    })

    it('gives up after `timeout` ms without ACKED, and cleans up after an answered one', async () => {
      fakeTimers()
      const { session, relay } = await opened()
      const waiting = track(session.ack(['a'], { timeout: T }))
      await relay.readClient()
      await vi.advanceTimersByTimeAsync(T - 1)
      expect(waiting.settled()).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      expect(await rejection(waiting.promise)).toMatchObject({ name: 'TimeoutError', message: `no progress in ${T} ms` })
      vi.useRealTimers()

      const signal = new AbortController().signal
      const timers = await timersOf(T, async () => {
        const answered = session.ack(['b'], { timeout: T, signal })
        const f = (await relay.readClient())!
        await relay.sendRelay({ type: RelayFrame.Type.ACKED, seq: f.seq })
        await bounded(answered)
      })
      expect(timers).toEqual({ started: 1, leftRunning: 0 })
      expect(getEventListeners(signal, 'abort')).toHaveLength(0)
    })

    it('rejects with the caller\'s reason when its signal aborts', async () => {
      const { session, relay } = await opened()
      const reason = new Error('shutting down')
      const controller = new AbortController()
      const acking = quiet(session.ack(['a'], { signal: controller.signal }))
      await relay.readClient()
      controller.abort(reason)
      expect(await rejection(acking)).toBe(reason)
    })
  })

  describe('close', () => {
    it('ends at once for this side: the relay sees a clean end, queued envelopes are still taken, drained and ack reject', async () => {
      const { session, relay, relayEnd } = await opened()
      await relay.sendRelay({ type: RelayFrame.Type.ENVELOPES, envelopes: [entry('e1')] })
      await until(() => session.pending === 1, 'the envelope')
      const closing = session.close()
      expect(session.closed).toBe(true)
      const late = quiet(session.ack(['e1']))
      await bounded(closing)
      expect(await relay.readClient()).toBeNull()
      expect(relayEnd.status).not.toBe('reset')
      expect(await rejection(late)).toMatchObject({ name: 'MailboxClosedError', message: 'the mailbox session is closed' })
      expect(await rejection(session.drained)).toMatchObject({ name: 'MailboxClosedError', message: 'the mailbox session is closed' })
      expect(await drain(session)).toEqual({ ids: ['e1'], end: 'end' })
      // a second close does nothing more
      await bounded(session.close())
      expect(session.closed).toBe(true)
    })

    it('wakes an iterator that waits, which then ends', async () => {
      const { session } = await opened()
      const it = session[Symbol.asyncIterator]()
      const next = track(it.next())
      await bounded(session.close())
      await until(next.settled, 'the iterator')
      expect(await next.promise).toEqual({ done: true, value: undefined })
    })

    it('a reset from the relay after close() is not an error of the session', async () => {
      const { session, relayEnd, client } = await opened()
      await bounded(session.close())
      relayEnd.abort(new Error('relay went away'))
      await until(() => client.status === 'reset', 'the reset')
      for (let i = 0; i < 5; i++) await new Promise<void>(resolve => { setImmediate(resolve) })
      expect(await drain(session)).toEqual({ ids: [], end: 'end' })
    })

    it('aborts the stream when it cannot close it (an aborted signal)', async () => {
      const { session, relayEnd } = await opened()
      await bounded(session.close({ signal: AbortSignal.abort() }))
      expect(session.closed).toBe(true)
      await until(() => relayEnd.status === 'reset', 'the reset')
    })
  })
})
