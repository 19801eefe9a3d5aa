// requestTurnCredentials against a hand-driven relay on an in-memory stream pair: the call's signal in the dial, the stream and every write, its timeout (given or the default), which stream failures mean "no TURN here", a refusal before the challenge, a challenge that carries a status, the decoder's limits, and the stream's end (closed after an answer even when the close fails, aborted after a failure).
import { describe, it, expect, vi, afterEach } from 'vitest'
import { streamPair } from '@libp2p/utils'
import type { Stream } from '@libp2p/interface'
import {
  requestTurnCredentials, verifyTurnAuth, TurnNotOfferedError, MalformedTurnFrameError, TURN_PROTOCOL, TURN_TIMEOUT_MS, MAX_ICE_URLS, MAX_TURN_FRAME_BYTES,
  type IceServer, type TurnCallOptions
} from '../../src/protocols/turn/index.js'
import { TurnClientFrame, TurnRelayFrame } from '../../src/protocols/turn/pb/turn.js'
import { ProtocolViolationError } from '../../src/protocols/errors.js'
import { frameStream, type FrameStream } from '../../src/protocols/frames.js'
import { IdentityKeyPair, systemRandom } from '../../src/crypto/index.js'
import { bounded, fakeTimers, mailboxNode, newPeerId, rejection, stall, track, until, untilAbort } from './mailbox-harness.js'

const alice = IdentityKeyPair.generate(systemRandom)
const T = 4321
const ADDR = '/ip4/127.0.0.1/tcp/1'
const NONCE = new Uint8Array(32).fill(5)
const { RESULT, CHALLENGE } = TurnRelayFrame.Type
const S = TurnRelayFrame.Status
const server: IceServer = { urls: ['stun:relay.example:3478', 'turn:relay.example:3478?transport=udp'], username: '1700003600:abc', credential: 'Y3JlZA==', expiresAt: 1_700_003_600_000 }
const device = { identity: alice, deviceId: 3 }

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

interface RelayEnd extends FrameStream {
  send: (frame: Partial<TurnRelayFrame>) => Promise<void>
  next: () => Promise<TurnClientFrame | null>
}

function relayPeer (stream: Stream): RelayEnd {
  const frames = frameStream(stream, { maxFrameBytes: MAX_TURN_FRAME_BYTES })
  return {
    ...frames,
    send: async frame => { await frames.write(TurnRelayFrame.encode(frame)) },
    next: async () => { const b = await bounded(frames.read(), 'the next client frame'); return b == null ? null : TurnClientFrame.decode(b) }
  }
}

async function setUp (): Promise<{ client: Stream, relayEnd: Stream, relay: RelayEnd, node: ReturnType<typeof mailboxNode>, relayPeerId: string }> {
  const [client, relayEnd] = await streamPair()
  const relayPeerId = await newPeerId()
  const node = mailboxNode(await newPeerId(), relayPeerId, client)
  return { client, relayEnd, relay: relayPeer(relayEnd), node, relayPeerId: relayPeerId.toString() }
}

/** The relay's side of a whole exchange up to the AUTH, which is returned. */
async function challenged (relay: RelayEnd, challenge: Partial<TurnRelayFrame> = { type: CHALLENGE, nonce: NONCE }): Promise<TurnClientFrame> {
  expect((await relay.next())?.type).toBe(TurnClientFrame.Type.REQUEST)
  await relay.send(challenge)
  return (await relay.next())!
}

/** Until the stream has ended, cleanly or by a reset. */
async function endOf (stream: Stream): Promise<string> {
  await until(() => stream.status === 'closed' || stream.status === 'reset' || stream.status === 'aborted', 'the end of the stream')
  return stream.status
}

describe('requestTurnCredentials: time', () => {
  it('gives the dial, the stream and each write the call\'s signal, which aborts at `timeout`', async () => {
    fakeTimers()
    const dialSignals: Array<AbortSignal | undefined> = []
    const hangingDial = mailboxNode(await newPeerId(), await newPeerId(), async () => { throw new Error('not reached') }, async options => { dialSignals.push(options?.signal); await untilAbort(options?.signal) })
    const hangingStream = mailboxNode(await newPeerId(), await newPeerId(), async options => await untilAbort(options?.signal))
    for (const node of [hangingDial, hangingStream]) {
      const call = track(requestTurnCredentials(node, ADDR, device, { timeout: T }))
      call.promise.catch(() => {})
      await vi.advanceTimersByTimeAsync(T - 1)
      expect(call.settled()).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      expect(await rejection(call.promise)).toMatchObject({ name: 'TimeoutError' })
    }
    expect(dialSignals).toHaveLength(1)
    expect(dialSignals[0]).toBeInstanceOf(AbortSignal)
    expect(hangingStream.protocols).toEqual([TURN_PROTOCOL])
  })

  it('waits TURN_TIMEOUT_MS when no timeout is given', async () => {
    fakeTimers()
    const node = mailboxNode(await newPeerId(), await newPeerId(), async options => await untilAbort(options?.signal))
    const call = track(requestTurnCredentials(node, ADDR, device))
    call.promise.catch(() => {})
    await vi.advanceTimersByTimeAsync(TURN_TIMEOUT_MS - 1)
    expect(call.settled()).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(await rejection(call.promise)).toMatchObject({ name: 'TimeoutError' })
  })

  it('gives up on a relay that does not take the request or the signed answer at `timeout`, and aborts the stream', async () => {
    fakeTimers()
    for (const at of ['request', 'auth']) {
      const { client, relayEnd, relay, node } = await setUp()
      if (at === 'request') stall(client)
      const call = track(requestTurnCredentials(node, ADDR, device, { timeout: T }))
      call.promise.catch(() => {})
      expect((await relay.next())?.type).toBe(TurnClientFrame.Type.REQUEST)
      if (at === 'auth') {
        stall(client)
        await relay.send({ type: CHALLENGE, nonce: NONCE })
        expect((await relay.next())?.type).toBe(TurnClientFrame.Type.AUTH)
      }
      await vi.advanceTimersByTimeAsync(T - 1)
      expect(call.settled(), at).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      expect(await rejection(call.promise), at).toMatchObject({ name: 'TimeoutError' })
      expect(await endOf(relayEnd), at).toBe('reset')
    }
  })
})

describe('requestTurnCredentials: the stream', () => {
  it('says TURN is not offered only when the relay does not speak the protocol; any other stream failure passes as it is', async () => {
    const broken = new Error('the connection closed')
    const node = mailboxNode(await newPeerId(), await newPeerId(), async () => { throw broken })
    expect(await requestTurnCredentials(node, ADDR, device).catch((e: unknown) => e)).toBe(broken)
    const dialFailure = new Error('no route')
    const unreachable = mailboxNode(await newPeerId(), await newPeerId(), async () => { throw new Error('not reached') }, async () => { throw dialFailure })
    expect(await requestTurnCredentials(unreachable, ADDR, device).catch((e: unknown) => e)).toBe(dialFailure)
  })

  it('signs the challenge for this relay, this node, the device and the time; closes its end once answered', async () => {
    const { relayEnd, relay, node, relayPeerId } = await setUp()
    const call = requestTurnCredentials(node, ADDR, { ...device, timestamp: 1_700_000_000_000 })
    const request = (await relay.next())!
    expect([request.type, request.identityKey, request.deviceId]).toEqual([TurnClientFrame.Type.REQUEST, alice.publicKey, 3])
    await relay.send({ type: CHALLENGE, nonce: NONCE })
    const auth = (await relay.next())!
    expect(auth.type).toBe(TurnClientFrame.Type.AUTH)
    expect(auth.timestamp).toBe(1_700_000_000_000n)
    expect(() => { verifyTurnAuth({ nonce: NONCE, relayPeerId, clientPeerId: node.peerId.toString(), identityKey: alice.publicKey, deviceId: 3, timestamp: 1_700_000_000_000 }, auth.signature, 1_700_000_000_000) }).not.toThrow()
    await relay.send({ type: RESULT, status: S.OK, iceServers: [server] })
    expect(await bounded(call)).toEqual([server])
    expect(await relay.next()).toBeNull()
    await relayEnd.close()
    expect(await endOf(relayEnd)).toBe('closed')
  })

  it('keeps the credentials when its close fails or does not end in time, and aborts the stream', async () => {
    fakeTimers()
    for (const how of ['fails', 'hangs']) {
      const { client, relay, node } = await setUp()
      let closing = false
      client.close = async options => {
        closing = true
        if (how === 'fails') throw new Error('close failed')
        await untilAbort(options?.signal)
      }
      const aborted: Error[] = []
      const abort = client.abort.bind(client)
      client.abort = (err: Error) => { aborted.push(err); abort(err) }
      const call = track(requestTurnCredentials(node, ADDR, device, { timeout: T }))
      await challenged(relay)
      await relay.send({ type: RESULT, status: S.OK, iceServers: [server] })
      if (how === 'hangs') {
        await until(() => closing, 'the close')
        await vi.advanceTimersByTimeAsync(T - 1)
        expect(call.settled()).toBe(false)
        await vi.advanceTimersByTimeAsync(1)
      }
      expect(await bounded(call.promise), how).toEqual([server])
      expect(aborted, how).toHaveLength(1)
      expect(aborted[0], how).toMatchObject(how === 'fails' ? { message: 'close failed' } : { name: 'TimeoutError' })
    }
  })

  it('aborts the stream when the exchange fails', async () => {
    const { relayEnd, relay, node } = await setUp()
    const call = requestTurnCredentials(node, ADDR, device)
    await challenged(relay)
    await relay.send({ type: CHALLENGE, nonce: NONCE })
    expect(await rejection(call)).toMatchObject({ name: 'ProtocolViolationError', message: 'expected a RESULT' })
    expect(await endOf(relayEnd)).toBe('reset')
  })
})

describe('requestTurnCredentials: what the relay answers', () => {
  async function answer (first: Partial<TurnRelayFrame>, then?: Partial<TurnRelayFrame>, options: TurnCallOptions = {}): Promise<IceServer[] | Error> {
    const { relay, node } = await setUp()
    const call = requestTurnCredentials(node, ADDR, device, options).catch((e: unknown) => e as Error)
    expect((await relay.next())?.type).toBe(TurnClientFrame.Type.REQUEST)
    await relay.send(first)
    if (then != null) {
      expect((await relay.next())?.type).toBe(TurnClientFrame.Type.AUTH)
      await relay.send(then)
    }
    return await bounded(call)
  }

  it('takes a refusal before the challenge as its error class; a RESULT that says OK there breaks the protocol', async () => {
    expect(await answer({ type: RESULT, status: S.MALFORMED, message: 'bad request' })).toEqual(new MalformedTurnFrameError('bad request'))
    expect(await answer({ type: RESULT, status: S.NOT_OFFERED })).toBeInstanceOf(TurnNotOfferedError)
    const ok = await answer({ type: RESULT, status: S.OK })
    expect(ok).toBeInstanceOf(ProtocolViolationError)
    expect((ok as Error).message).toBe('expected a CHALLENGE')
  })

  it('signs a CHALLENGE whatever status it carries (only a RESULT refuses)', async () => {
    expect(await answer({ type: CHALLENGE, status: S.INTERNAL, nonce: NONCE }, { type: RESULT, status: S.OK, iceServers: [server] })).toEqual([server])
  })

  it('refuses a server with more urls than MAX_ICE_URLS while decoding', async () => {
    const err = await answer({ type: CHALLENGE, nonce: NONCE }, { type: RESULT, status: S.OK, iceServers: [{ ...server, urls: Array(MAX_ICE_URLS + 1).fill('stun:a') }] })
    expect(err).toBeInstanceOf(ProtocolViolationError)
    expect((err as Error).message).toMatch(/^relay sent a malformed frame: .*too many elements/)
  })
})
