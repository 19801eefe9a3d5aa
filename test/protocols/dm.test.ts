// Direct messages over /parley/dm/1.0.0 between two in-process nodes on loopback: pipelining, persist-before-ack, refusals, malformed input, limits.
import { getEventListeners } from 'node:events'
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { Libp2p } from 'libp2p'
import type { Multiaddr } from '@multiformats/multiaddr'
import { multiaddr } from '@multiformats/multiaddr'
import type { Stream } from '@libp2p/interface'
import {
  dmService, openDirectChannel, sendDirect, DM_PROTOCOL, MAX_ENVELOPE_BYTES, MAX_REQUEST_FRAME_BYTES,
  InvalidEnvelopeError, RateLimitedError, type DirectBackend, type ReceiveOptions
} from '../../src/protocols/dm/index.js'
import { DmRequest, DmResponse } from '../../src/protocols/dm/pb/dm.js'
import { encodeVarint, frameStream } from '../../src/protocols/frames.js'
import { waitForEvent } from '../helpers/wait.js'
import { startNode } from './nodes.js'

/** An envelope carrying a sequence number and some padding. */
function envelope (n: number, size = 64): Uint8Array<ArrayBuffer> {
  const e = new Uint8Array(size)
  new DataView(e.buffer).setUint32(0, n)
  return e
}
const seq = (e: Uint8Array): number => new DataView(e.buffer, e.byteOffset).getUint32(0)

interface Deferred { promise: Promise<void>, resolve: () => void }
function deferred (): Deferred {
  let resolve!: () => void
  const promise = new Promise<void>(r => { resolve = r })
  return { promise, resolve }
}

/** A backend that records what it persisted; `hold(n)` makes envelope n wait until released. */
class RecordingBackend implements DirectBackend {
  readonly persisted: number[] = []
  readonly peers = new Set<string>()
  private readonly holds = new Map<number, { entered: Deferred, release: Deferred }>()
  onReceive?: (n: number) => void

  hold (n: number): { entered: Promise<void>, release: () => void } {
    const h = { entered: deferred(), release: deferred() }
    this.holds.set(n, h)
    return { entered: h.entered.promise, release: () => h.release.resolve() }
  }

  async receive (e: Uint8Array, options: ReceiveOptions): Promise<void> {
    const n = seq(e)
    this.onReceive?.(n)
    if (e[4] === 0xee) throw new Error('disk full at /home/alice/secret-path')
    if (e[4] === 0xdd) throw new InvalidEnvelopeError('cannot open this envelope')
    if (e[4] === 0xcc) throw new RateLimitedError(1500)
    const h = this.holds.get(n)
    if (h != null) {
      h.entered.resolve()
      await h.release.promise
    }
    // a real backend awaits a synced write here
    await new Promise(resolve => setImmediate(resolve))
    this.persisted.push(n)
    this.peers.add(options.remotePeer.toString())
  }
}

async function rawStream (client: Libp2p, addr: Multiaddr[]): Promise<Stream> {
  return await client.dialProtocol(addr, DM_PROTOCOL)
}

describe('/parley/dm/1.0.0', () => {
  let server: Libp2p<{ dm: unknown }>
  let client: Libp2p
  let addr: Multiaddr[]
  let backend: RecordingBackend

  beforeAll(async () => {
    backend = new RecordingBackend()
    server = await startNode({ dm: dmService({ backend, idleTimeout: 500 }) })
    client = await startNode()
    addr = server.getMultiaddrs()
  })

  afterAll(async () => {
    await client?.stop()
    await server?.stop()
  })

  it('delivers 1,000 pipelined envelopes in order on one stream, each acked after the backend persisted it', async () => {
    backend.persisted.length = 0
    const channel = await openDirectChannel(client, addr)
    let maxInFlight = 0
    backend.onReceive = () => { maxInFlight = Math.max(maxInFlight, channel.inFlight) }
    const acks = await Promise.all(Array.from({ length: 1000 }, async (_, i) => {
      const result = await channel.send(envelope(i, 200))
      // the ack of i means i is persisted
      expect(backend.persisted).toContain(i)
      return result.status
    }))
    backend.onReceive = undefined
    await channel.close()
    expect(acks.every(s => s === 'ok')).toBe(true)
    expect(backend.persisted).toEqual(Array.from({ length: 1000 }, (_, i) => i))
    expect(backend.peers).toEqual(new Set([client.peerId.toString()]))
    // several frames were on the wire at once: pipelined, not one round trip each
    expect(maxInFlight).toBeGreaterThan(1)
    expect(channel.closed).toBe(true)
  })

  it('close leaves no abort listener on the signal it waited for the recipient with (its race against the reader leaked one)', async () => {
    let closeSignal: AbortSignal | undefined
    const dialing: Parameters<typeof openDirectChannel>[0] = {
      dialProtocol: async (target, protocols, options) => {
        const stream = await client.dialProtocol(target, protocols, options)
        const close = stream.close.bind(stream)
        stream.close = async closeOptions => {
          closeSignal = closeOptions?.signal
          await close(closeOptions)
        }
        return stream
      }
    }
    const channel = await openDirectChannel(dialing, addr)
    expect((await channel.send(envelope(1))).status).toBe('ok')
    await channel.close()
    if (closeSignal == null) throw new Error('close gave the stream no signal')
    expect(getEventListeners(closeSignal, 'abort')).toHaveLength(0)
  })

  it('holds the ack (and later frames) until the backend resolves', async () => {
    backend.persisted.length = 0
    const channel = await openDirectChannel(client, addr)
    const held = backend.hold(2001)
    const done: number[] = []
    const sends = [2000, 2001, 2002].map(async n => { const r = await channel.send(envelope(n)); done.push(n); return r })
    await held.entered
    await sends[0]
    expect(done).toEqual([2000])
    expect(backend.persisted).toEqual([2000])
    held.release()
    expect((await Promise.all(sends)).map(r => r.status)).toEqual(['ok', 'ok', 'ok'])
    expect(done).toEqual([2000, 2001, 2002])
    await channel.close()
  })

  it('answers backend failures with typed refusals and keeps the stream going', async () => {
    const channel = await openDirectChannel(client, addr)
    const failing = envelope(3001); failing[4] = 0xee
    const invalid = envelope(3002); invalid[4] = 0xdd
    const limited = envelope(3003); limited[4] = 0xcc
    const results = await Promise.all([envelope(3000), failing, invalid, limited, new Uint8Array(0), envelope(3004)].map(async e => await channel.send(e)))
    expect(results.map(r => r.status)).toEqual(['ok', 'refused', 'invalid', 'rate-limited', 'invalid', 'ok'])
    // the backend's own error text never leaves the device
    expect(results[1].message).toBe('the device could not store the message')
    expect(results[2].message).toBe('cannot open this envelope')
    expect(results[3].retryAfterMs).toBe(1500)
    expect(backend.persisted).toContain(3004)
    await channel.close()
  })

  it('answers an envelope just over the limit with TOO_LARGE (the sender checks it locally too)', async () => {
    const channel = await openDirectChannel(client, addr)
    expect((await channel.send(new Uint8Array(MAX_ENVELOPE_BYTES + 1))).status).toBe('too-large')
    await channel.close()
    const stream = await rawStream(client, addr)
    const frames = frameStream(stream, { maxFrameBytes: 1024, maxBufferBytes: 1 << 20 })
    await frames.write(DmRequest.encode({ envelope: new Uint8Array(MAX_ENVELOPE_BYTES + 1) }))
    const res = DmResponse.decode((await frames.read())!)
    expect(res.status).toBe(DmResponse.Status.TOO_LARGE)
    await frames.write(DmRequest.encode({ envelope: envelope(4000) }))
    expect(DmResponse.decode((await frames.read())!).status).toBe(DmResponse.Status.OK)
    await stream.close()
  })

  it('aborts a stream that announces an oversize frame, and serves a new stream afterwards', async () => {
    const stream = await rawStream(client, addr)
    const closed = waitForEvent(stream, 'close', { timeout: 5000 })
    stream.send(encodeVarint(MAX_REQUEST_FRAME_BYTES + 1))
    stream.send(new Uint8Array(100))
    await closed
    expect(stream.status).not.toBe('open')
    const results = await sendDirect(client, addr, [envelope(5000)])
    expect(results.map(r => r.status)).toEqual(['ok'])
  })

  it('aborts a stream that sends garbage without handing anything to the backend', async () => {
    const before = backend.persisted.length
    const stream = await rawStream(client, addr)
    const closed = waitForEvent(stream, 'close', { timeout: 5000 })
    const frames = frameStream(stream, { maxFrameBytes: 1024, maxBufferBytes: 1 << 20 })
    // field 1 (bytes) announcing far more bytes than the frame has
    await frames.write(Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]))
    await closed
    expect(backend.persisted.length).toBe(before)
    expect((await sendDirect(client, addr, [envelope(6000)]))[0].status).toBe('ok')
  })

  it('aborts a stream that stays idle past the idle timeout', async () => {
    const stream = await rawStream(client, addr)
    const started = Date.now()
    const event = await waitForEvent<Event & { error?: Error }>(stream, 'close', { timeout: 5000 })
    expect(Date.now() - started).toBeGreaterThanOrEqual(400)
    expect(event.error).toBeDefined()
  })

  it('a channel left idle breaks at the idle timeout and later sends reject with DirectChannelClosedError', async () => {
    const channel = await openDirectChannel(client, addr)
    expect((await channel.send(envelope(7000))).status).toBe('ok')
    const stream = await rawStream(client, addr) // a second idle stream to wait on, same timeout
    await waitForEvent(stream, 'close', { timeout: 5000 })
    await expect(channel.send(envelope(7001))).rejects.toHaveProperty('name', 'DirectChannelClosedError')
    expect(channel.closed).toBe(true)
  })

  it('fails fast when nobody listens', async () => {
    await expect(sendDirect(client, [multiaddr('/ip4/127.0.0.1/tcp/1')], [envelope(1)], { dialTimeout: 2000 })).rejects.toThrow()
  })
})

describe('/parley/dm/1.0.0 limits', () => {
  let server: Libp2p<{ dm: unknown }>
  let client: Libp2p
  let addr: Multiaddr[]
  let backend: RecordingBackend

  beforeAll(async () => {
    backend = new RecordingBackend()
    server = await startNode({ dm: dmService({ backend, maxFramesPerStream: 3, maxConcurrentStreams: 1 }) })
    client = await startNode()
    addr = server.getMultiaddrs()
  })

  afterAll(async () => {
    await client?.stop()
    await server?.stop()
  })

  it('closes a stream after maxFramesPerStream frames; the rest are reported unanswered', async () => {
    const results = await sendDirect(client, addr, [1, 2, 3, 4, 5].map(n => envelope(n)))
    expect(results.map(r => r.status)).toEqual(['ok', 'ok', 'ok', 'unanswered', 'unanswered'])
    expect(backend.persisted).toEqual([1, 2, 3])
  })

  it('aborts inbound streams beyond maxConcurrentStreams', async () => {
    const first = await openDirectChannel(client, addr)
    const held = backend.hold(10)
    const pending = first.send(envelope(10))
    await held.entered
    const second = await openDirectChannel(client, addr)
    await expect(second.send(envelope(11))).rejects.toHaveProperty('name', 'DirectChannelClosedError')
    held.release()
    expect((await pending).status).toBe('ok')
    await first.close()
    expect(backend.persisted).not.toContain(11)
  })
})

/** A backend that persists whole windows (receiveBatch): records each window; 0xdd / 0xee mark single refusals, 0xbb fails the whole window. */
class WindowBackend implements DirectBackend {
  readonly windows: number[][] = []
  readonly persisted: number[] = []

  async receive (): Promise<void> {
    throw new Error('receive is not used when receiveBatch exists')
  }

  async receiveBatch (envelopes: Uint8Array[]): Promise<Array<Error | undefined>> {
    // a real backend awaits one synced write for the window here
    await new Promise(resolve => setImmediate(resolve))
    this.windows.push(envelopes.map(seq))
    if (envelopes.some(e => e[4] === 0xbb)) throw new Error('sync failed at /home/alice/secret-path')
    const out = envelopes.map(e => e[4] === 0xdd ? new InvalidEnvelopeError('cannot open this envelope') : e[4] === 0xee ? new Error('disk full') : undefined)
    envelopes.forEach((e, i) => { if (out[i] == null) this.persisted.push(seq(e)) })
    return out
  }
}

describe('/parley/dm/1.0.0 with a window backend', () => {
  let server: Libp2p<{ dm: unknown }>
  let client: Libp2p
  let addr: Multiaddr[]
  let backend: WindowBackend

  beforeAll(async () => {
    backend = new WindowBackend()
    server = await startNode({ dm: dmService({ backend, idleTimeout: 500, maxReceiveWindow: 8 }) })
    client = await startNode()
    addr = server.getMultiaddrs()
  })

  afterAll(async () => {
    await client?.stop()
    await server?.stop()
  })

  it('hands buffered frames to the backend as windows (at most maxReceiveWindow) and acks each only after its window persisted', async () => {
    const channel = await openDirectChannel(client, addr)
    const acks = await Promise.all(Array.from({ length: 500 }, async (_, i) => {
      const result = await channel.send(envelope(i, 200))
      expect(backend.persisted).toContain(i)
      return result.status
    }))
    await channel.close()
    expect(acks.every(s => s === 'ok')).toBe(true)
    expect(backend.persisted).toEqual(Array.from({ length: 500 }, (_, i) => i))
    expect(backend.windows.flat()).toEqual(backend.persisted)
    const sizes = backend.windows.map(w => w.length)
    // pipelined frames arrived while a window was being persisted: later windows took several at once
    expect(Math.max(...sizes)).toBeGreaterThan(1)
    expect(Math.max(...sizes)).toBeLessThanOrEqual(8)
  })

  it('answers per envelope inside a window; a failed window refuses all of it with the generic reason; empty envelopes never reach the backend', async () => {
    backend.windows.length = 0
    const channel = await openDirectChannel(client, addr)
    const marked = (n: number, mark: number): Uint8Array => { const e = envelope(n); e[4] = mark; return e }
    const sent = [envelope(100), marked(101, 0xdd), marked(102, 0xee), new Uint8Array(0), marked(103, 0xbb), envelope(104), envelope(105)]
    const results = await Promise.all(sent.map(async e => await channel.send(e)))
    await channel.close()
    const failedWindow = new Set(backend.windows.find(w => w.includes(103)))
    const expected = (n: number, own: string): string => failedWindow.has(n) ? 'refused' : own
    expect(results.map(r => r.status)).toEqual([
      expected(100, 'ok'), expected(101, 'invalid'), expected(102, 'refused'), 'invalid', 'refused', expected(104, 'ok'), expected(105, 'ok')
    ])
    expect(backend.windows.flat()).toEqual([100, 101, 102, 103, 104, 105])
    for (const r of results.filter(r => r.status === 'refused')) expect(r.message).toBe('the device could not store the message')
  })

  it('answers the frames before a malformed one, then aborts the stream', async () => {
    backend.windows.length = 0
    const stream = await rawStream(client, addr)
    const frames = frameStream(stream, { maxFrameBytes: 1024, maxBufferBytes: 1 << 20 })
    const closed = waitForEvent(stream, 'close', { timeout: 5000 })
    // two good frames and a frame that is not a DmRequest, in one write so they are buffered together
    const good = [DmRequest.encode({ envelope: envelope(200) }), DmRequest.encode({ envelope: envelope(201) })]
    const bad = Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3])
    stream.send(Uint8Array.from([...encodeVarint(good[0].length), ...good[0], ...encodeVarint(good[1].length), ...good[1], ...encodeVarint(bad.length), ...bad]))
    const answers: DmResponse.Status[] = []
    for (let frame = await frames.read().catch(() => null); frame != null; frame = await frames.read().catch(() => null)) answers.push(DmResponse.decode(frame).status)
    await closed
    expect(answers).toEqual([DmResponse.Status.OK, DmResponse.Status.OK])
    expect(backend.windows.flat()).toEqual([200, 201])
  })
})
