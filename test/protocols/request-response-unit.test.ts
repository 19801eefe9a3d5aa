// request-response.ts without libp2p nodes: toDialTarget, callOnce against a hand-played server on a stream pair (limits, timeout, abort, a stuck write or close), and RequestResponseService's inbound side through a recorded registrar (the per-stream timeout and its signal, oversize requests, what is logged, a handler that always settles).
import { describe, it, expect, afterEach, vi } from 'vitest'
import { streamPair, lpStream } from '@libp2p/utils'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { isMultiaddr, multiaddr } from '@multiformats/multiaddr'
import type { AbortOptions, Connection, DialTarget, Stream } from '@libp2p/interface'
import { callOnce, toDialTarget, RequestResponseService, type DialProtocolOptions, type RequestResponseComponents } from '../../src/protocols/request-response.js'
import { VerifyRequest, VerifyResponse } from '../../src/protocols/verify/pb/verify.js'
import { HandDrivenStream, recordingLogger, recordingRegistrar } from './protocol-fakes.js'

const PROTOCOL = '/parley/test-unit/1.0.0'
const call = { protocol: PROTOCOL, request: VerifyRequest, response: VerifyResponse, maxMessageSize: 64, timeout: 1000 }

/** The settled state of a promise, for checking what fake time has (not) done. */
function track<T> (promise: Promise<T>): { settled: boolean, error?: unknown, value?: T } {
  const state: { settled: boolean, error?: unknown, value?: T } = { settled: false }
  promise.then(value => { state.settled = true; state.value = value }, (error: unknown) => { state.settled = true; state.error = error })
  return state
}

/** A node whose dials all hand out `stream`, recorded. */
function nodeGiving (stream: Stream): { node: { dialProtocol: (target: DialTarget, protocol: string | string[], options?: DialProtocolOptions) => Promise<Stream> }, dials: Array<{ target: DialTarget, protocol: string | string[], options?: DialProtocolOptions }> } {
  const dials: Array<{ target: DialTarget, protocol: string | string[], options?: DialProtocolOptions }> = []
  return { dials, node: { dialProtocol: async (target, protocol, options) => { dials.push({ target, protocol, options }); return stream } } }
}

const encode = (bytes: Uint8Array): Uint8Array => {
  const framed = new Uint8Array(bytes.length + 1)
  framed[0] = bytes.length
  framed.set(bytes, 1)
  return framed
}

afterEach(() => { vi.useRealTimers() })

describe('toDialTarget', () => {
  it('parses a string or a list of strings into multiaddrs; passes peer ids, multiaddrs and lists of them through', async () => {
    const one = toDialTarget('/ip4/10.0.0.1/tcp/1')
    expect(isMultiaddr(one)).toBe(true)
    expect(one.toString()).toBe('/ip4/10.0.0.1/tcp/1')
    const strings = toDialTarget(['/ip4/10.0.0.2/tcp/2', '/ip4/10.0.0.3/tcp/3'])
    expect(Array.isArray(strings)).toBe(true)
    expect((strings as unknown[]).every(isMultiaddr)).toBe(true)
    expect((strings as unknown[]).map(String)).toEqual(['/ip4/10.0.0.2/tcp/2', '/ip4/10.0.0.3/tcp/3'])
    const ma = multiaddr('/ip4/10.0.0.3/tcp/3')
    const addrs = [multiaddr('/ip4/10.0.0.2/tcp/2'), ma]
    const same = toDialTarget(addrs) as unknown[]
    expect(same).toHaveLength(2)
    expect(same[0]).toBe(addrs[0])
    expect(same[1]).toBe(ma)
    expect(toDialTarget(ma)).toBe(ma)
    const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    expect(toDialTarget(peer)).toBe(peer)
  })
})

describe('callOnce', () => {
  it('dials with its signal, sends one request, returns the response and closes its side', async () => {
    const [out, inb] = await streamPair()
    const { node, dials } = nodeGiving(out)
    const server = lpStream(inb)
    const answered = (async () => {
      const req = VerifyRequest.decode((await server.read()).subarray())
      await server.write(VerifyResponse.encode({ status: VerifyResponse.Status.OK, message: `hi ${req.phone}` }))
    })()
    const res = await callOnce(node, '/ip4/10.0.0.1/tcp/1', { phone: '+1555' }, call)
    await answered
    expect(res).toMatchObject({ status: VerifyResponse.Status.OK, message: 'hi +1555' })
    expect(dials).toHaveLength(1)
    expect(String(dials[0].target)).toBe('/ip4/10.0.0.1/tcp/1')
    expect(dials[0].protocol).toBe(PROTOCOL)
    expect(dials[0].options?.signal).toBeInstanceOf(AbortSignal)
    expect(out.writeStatus).toBe('closed')
  })

  it('a response over maxMessageSize is refused and the stream aborted', async () => {
    const [out, inb] = await streamPair()
    const { node } = nodeGiving(out)
    const server = lpStream(inb)
    void server.read().then(async () => { await server.write(VerifyResponse.encode({ status: VerifyResponse.Status.OK, message: 'x'.repeat(100) })) })
    await expect(callOnce(node, '/ip4/10.0.0.1/tcp/1', { phone: '+1555' }, call)).rejects.toHaveProperty('name', 'InvalidDataLengthError')
    expect(out.status).toBe('aborted')
  })

  it('a server that never answers: TimeoutError after `timeout`, stream aborted', async () => {
    const [out] = await streamPair()
    const { node } = nodeGiving(out)
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const state = track(callOnce(node, '/ip4/10.0.0.1/tcp/1', { phone: '+1555' }, call))
    await vi.advanceTimersByTimeAsync(999)
    expect(state.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(state.settled).toBe(true)
    expect(state.error).toHaveProperty('name', 'TimeoutError')
    expect(out.status).toBe('aborted')
  })

  it('a caller\'s abort rejects with the caller\'s reason', async () => {
    const [out] = await streamPair()
    const { node } = nodeGiving(out)
    const controller = new AbortController()
    const pending = callOnce(node, '/ip4/10.0.0.1/tcp/1', { phone: '+1555' }, call, { signal: controller.signal })
    const reason = new Error('cancelled')
    controller.abort(reason)
    await expect(pending).rejects.toBe(reason)
  })

  it('the timeout also ends a request write that never drains, and a close that never completes', async () => {
    const stuckWrite = new HandDrivenStream()
    stuckWrite.canSend = false
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const w = track(callOnce(nodeGiving(stuckWrite.asStream()).node, '/ip4/10.0.0.1/tcp/1', { phone: '+1555' }, call))
    await vi.advanceTimersByTimeAsync(1000)
    expect(w.settled).toBe(true)
    expect(w.error).toHaveProperty('name', 'TimeoutError')
    expect(stuckWrite.aborted).toHaveLength(1)

    const stuckClose = new HandDrivenStream()
    stuckClose.holdClose = true
    const c = track(callOnce(nodeGiving(stuckClose.asStream()).node, '/ip4/10.0.0.1/tcp/1', { phone: '+1555' }, call))
    await vi.advanceTimersByTimeAsync(0)
    stuckClose.deliver(encode(VerifyResponse.encode({ status: VerifyResponse.Status.OK })))
    await vi.advanceTimersByTimeAsync(0)
    expect(stuckClose.closed).toBe(1)
    expect(c.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1000)
    expect(c.settled).toBe(true)
    expect(c.error).toHaveProperty('name', 'TimeoutError')
    expect(stuckClose.aborted).toHaveLength(1)
  })
})

class Refused extends Error {
  static name = 'Refused'
  constructor () {
    super('refused')
    this.name = 'Refused'
  }
}

/** Echoes `phone`; `refuse` is a typed refusal, `crash` an internal failure; `hang` waits for `release` (ignoring the signal); every call is recorded. */
class EchoService extends RequestResponseService<VerifyRequest, VerifyResponse> {
  readonly answered: Array<{ request: VerifyRequest, connection: Connection, options: AbortOptions }> = []
  release?: () => void

  constructor (components: RequestResponseComponents) {
    super(components, {
      protocol: PROTOCOL,
      name: 'test-unit',
      request: VerifyRequest,
      response: VerifyResponse,
      maxMessageSize: 64,
      timeout: 1000,
      maxInboundStreams: 2,
      maxOutboundStreams: 2,
      errorResponse: err => err instanceof Refused
        ? { response: { status: VerifyResponse.Status.INVALID_REQUEST, message: err.message }, internal: false }
        : { response: { status: VerifyResponse.Status.INTERNAL }, internal: true }
    })
  }

  protected async answer (request: VerifyRequest, connection: Connection, options: AbortOptions): Promise<Partial<VerifyResponse>> {
    this.answered.push({ request, connection, options })
    if (request.phone === 'refuse') throw new Refused()
    if (request.phone === 'crash') throw new Error('backend down')
    if (request.phone === 'hang') await new Promise<void>(resolve => { this.release = resolve })
    return { status: VerifyResponse.Status.OK, message: `hi ${request.phone}` }
  }
}

async function service (): Promise<{ echo: EchoService, serve: (stream: Stream) => Promise<void>, entries: ReturnType<typeof recordingLogger>['entries'], connection: Connection }> {
  const { logger, entries } = recordingLogger()
  const { registrar, handlers } = recordingRegistrar()
  const echo = new EchoService({ registrar, logger })
  await echo.start()
  const connection = { remotePeer: peerIdFromPrivateKey(await generateKeyPair('Ed25519')) } as unknown as Connection
  const handler = handlers.get(PROTOCOL)!.handler
  return { echo, entries, connection, serve: async stream => { await handler(stream, connection) } }
}

describe('RequestResponseService (inbound)', () => {
  it('answers one request, hands `answer` the connection and a live signal, closes its side', async () => {
    const { echo, serve, connection, entries } = await service()
    const [out, inb] = await streamPair()
    const client = lpStream(out)
    await client.write(VerifyRequest.encode({ phone: '+1555' }))
    await serve(inb)
    expect(VerifyResponse.decode((await client.read()).subarray())).toMatchObject({ status: VerifyResponse.Status.OK, message: 'hi +1555' })
    expect(echo.answered).toHaveLength(1)
    expect(echo.answered[0].connection).toBe(connection)
    expect(echo.answered[0].options.signal).toBeInstanceOf(AbortSignal)
    expect(echo.answered[0].options.signal?.aborted).toBe(false)
    expect(inb.writeStatus).toBe('closed')
    expect(entries).toEqual([])
  })

  it('a refusal becomes its typed response without an error log; a crash an internal one, logged as an error with its name', async () => {
    const { serve, entries } = await service()
    for (const phone of ['refuse', 'crash']) {
      const [out, inb] = await streamPair()
      const client = lpStream(out)
      await client.write(VerifyRequest.encode({ phone }))
      await serve(inb)
      const res = VerifyResponse.decode((await client.read()).subarray())
      expect(res.status).toBe(phone === 'refuse' ? VerifyResponse.Status.INVALID_REQUEST : VerifyResponse.Status.INTERNAL)
    }
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({ component: 'parley:test-unit', level: 'error' })
    expect(entries[0].args.slice(0, 2)).toEqual(['%s request failed inside the backend - %e', 'test-unit'])
    expect(entries[0].args[2]).toHaveProperty('message', 'backend down')
  })

  it('an oversize request is not answered: the stream is aborted and the abort logged at debug level with the peer', async () => {
    const { echo, serve, entries, connection } = await service()
    const [out, inb] = await streamPair()
    lpStream(out).write(VerifyRequest.encode({ phone: 'x'.repeat(100) })).catch(() => {})
    await serve(inb)
    expect(echo.answered).toHaveLength(0)
    expect(inb.status).toBe('aborted')
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({ component: 'parley:test-unit', level: 'debug' })
    expect(entries[0].args.slice(0, 3)).toEqual(['%s stream from %p aborted - %e', 'test-unit', connection.remotePeer])
    expect(entries[0].args[3]).toHaveProperty('name', 'InvalidDataLengthError')
  })

  it('at `timeout` the answer\'s signal aborts with TimeoutError "request timed out" and the stream is reset, even while `answer` ignores it', async () => {
    const { echo, serve } = await service()
    const [out, inb] = await streamPair()
    await lpStream(out).write(VerifyRequest.encode({ phone: 'hang' }))
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const served = track(serve(inb))
    await vi.advanceTimersByTimeAsync(999)
    expect(echo.answered).toHaveLength(1)
    const signal = echo.answered[0].options.signal!
    expect(signal.aborted).toBe(false)
    expect(inb.status).toBe('open')
    await vi.advanceTimersByTimeAsync(1)
    expect(signal.aborted).toBe(true)
    expect(signal.reason).toHaveProperty('name', 'TimeoutError')
    expect(signal.reason).toHaveProperty('message', 'request timed out')
    expect(inb.status).toBe('aborted')
    expect(served.settled).toBe(false)
    echo.release?.()
    await vi.advanceTimersByTimeAsync(0)
    expect(served.settled).toBe(true)
  })

  it('an exchange that is done leaves no timer behind: a client slow to close is not reset at `timeout`', async () => {
    const { serve } = await service()
    const [out, inb] = await streamPair()
    const client = lpStream(out)
    await client.write(VerifyRequest.encode({ phone: '+1555' }))
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    await serve(inb)
    await vi.advanceTimersByTimeAsync(2000)
    expect(inb.status).toBe('open')
    vi.useRealTimers()
    expect(VerifyResponse.decode((await client.read()).subarray()).status).toBe(VerifyResponse.Status.OK)
  })

  it('the handler settles at `timeout` whatever the stream does with an abort: a request that never comes, an answer that never drains, a close that never completes', async () => {
    const { serve, entries } = await service()
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const silent = new HandDrivenStream()
    const stuckWrite = new HandDrivenStream()
    stuckWrite.canSend = false
    const stuckClose = new HandDrivenStream()
    stuckClose.holdClose = true
    const streams = [silent, stuckWrite, stuckClose]
    const served = streams.map(s => track(serve(s.asStream())))
    for (const s of [stuckWrite, stuckClose]) s.deliver(encode(VerifyRequest.encode({ phone: '+1555' })))
    await vi.advanceTimersByTimeAsync(999)
    expect(served.map(s => s.settled)).toEqual([false, false, false])
    expect(stuckWrite.sent).toHaveLength(1)
    expect(stuckClose.closed).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(served.map(s => s.settled)).toEqual([true, true, true])
    for (const s of streams) {
      // the timer's abort, then the failed exchange's
      expect(s.aborted.length).toBeGreaterThanOrEqual(1)
      expect(s.aborted[0]).toHaveProperty('message', 'request timed out')
    }
    expect(entries.map(e => [e.level, (e.args[3] as Error).name])).toEqual([['debug', 'TimeoutError'], ['debug', 'TimeoutError'], ['debug', 'TimeoutError']])
  })
})
