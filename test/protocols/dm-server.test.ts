// The receiving side of /parley/dm/1.0.0 driven over an in-memory stream pair, the test writing raw frames as the sender:
// clean ends, the size checks and their reasons, windows at the per-stream frame limit, malformed frames inside a window,
// what the backend is given (the sender, a signal that fires when the stream goes), refusals logged, the idle bound on closing,
// and the limits it registers and serves with when Init leaves them out or sets them.
import { describe, it, expect, beforeAll, afterEach, vi } from 'vitest'
import { streamPair } from '@libp2p/utils'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { serviceCapabilities, type ComponentLogger, type Connection, type Logger, type PeerId, type Stream, type StreamHandler, type StreamHandlerOptions } from '@libp2p/interface'
import {
  DM_PROTOCOL, DmServer, InvalidEnvelopeError, MAX_CONCURRENT_STREAMS, MAX_ENVELOPE_BYTES, MAX_RECEIVE_WINDOW, RateLimitedError, TooManyStreamsError,
  type DirectBackend, type DmServiceInit, type ReceiveOptions
} from '../../src/protocols/dm/index.js'
import { DmRequest, DmResponse } from '../../src/protocols/dm/pb/dm.js'
import { encodeVarint, frameStream, type FrameStream } from '../../src/protocols/frames.js'

/** An envelope whose first 4 bytes are a sequence number; byte 4 may carry a mark for the backends below. */
function envelope (n: number, mark = 0, size = 16): Uint8Array<ArrayBuffer> {
  const e = new Uint8Array(size)
  new DataView(e.buffer).setUint32(0, n)
  e[4] = mark
  return e
}
const seq = (e: Uint8Array): number => new DataView(e.buffer, e.byteOffset).getUint32(0)

/** The frames as one chunk, so the receiver has all of them buffered at once. */
function chunk (frames: Uint8Array[]): Uint8Array {
  return Uint8Array.from(frames.flatMap(f => [...encodeVarint(f.length), ...f]))
}
const request = (e: Uint8Array<ArrayBuffer>): Uint8Array => DmRequest.encode({ envelope: e })

interface Logged { debug: unknown[][], error: unknown[][], components: string[] }

function recordingLogger (logged: Logged): ComponentLogger {
  const log = Object.assign((...args: unknown[]) => { logged.debug.push(args) }, {
    error: (...args: unknown[]) => { logged.error.push(args) },
    trace: () => {},
    enabled: true
  }) as unknown as Logger
  log.newScope = () => log
  return { forComponent: name => { logged.components.push(name); return log } }
}

/** One receiving device: its handler is called with the inbound end of a fresh pair per sender stream. */
class Device {
  readonly logged: Logged = { debug: [], error: [], components: [] }
  /** what the server registered its handler with */
  readonly registered: Array<{ protocol: string, options?: StreamHandlerOptions }> = []
  readonly server: DmServer
  private handler?: StreamHandler

  constructor (init: DmServiceInit) {
    this.server = new DmServer({
      registrar: {
        handle: async (protocol, handler, options) => { this.handler = handler; this.registered.push({ protocol, options }) },
        unhandle: async () => {}
      },
      logger: recordingLogger(this.logged)
    }, init)
  }

  async start (): Promise<this> {
    await this.server.start()
    return this
  }

  /** A stream from `remotePeer`: the sender's end with frames on it, the handler's promise, and what the handler aborted the stream with. */
  async open (remotePeer: PeerId): Promise<{ out: Stream, inbound: Stream, frames: FrameStream, served: Promise<void>, answer: () => Promise<DmResponse | null>, aborts: Error[] }> {
    const [out, inbound] = await streamPair({ capacity: 1_000_000 })
    const aborts: Error[] = []
    const abort = inbound.abort.bind(inbound)
    inbound.abort = err => { aborts.push(err); abort(err) }
    const served = Promise.resolve(this.handler!(inbound, { remotePeer } as unknown as Connection))
    const frames = frameStream(out, { maxFrameBytes: 1024 })
    return {
      out,
      inbound,
      frames,
      served,
      aborts,
      answer: async () => {
        const frame = await frames.read()
        return frame == null ? null : DmResponse.decode(frame)
      }
    }
  }
}

/** Persists one envelope at a time; 0xee marks a storage failure, 0xdd an envelope it cannot open, 0xcc a sender over its rate. */
class OneByOne implements DirectBackend {
  readonly persisted: number[] = []
  readonly calls: ReceiveOptions[] = []
  /** when set, receive waits for its signal to abort and records the reason */
  hang = false
  readonly reasons: unknown[] = []

  async receive (e: Uint8Array, options: ReceiveOptions): Promise<void> {
    this.calls.push(options)
    if (this.hang) {
      await new Promise<void>((_resolve, reject) => {
        options.signal?.addEventListener('abort', () => { this.reasons.push(options.signal?.reason); reject(options.signal?.reason) })
      })
    }
    if (e[4] === 0xee) throw new Error('disk full at /home/alice/secret-path')
    if (e[4] === 0xdd) throw new InvalidEnvelopeError('cannot open this envelope')
    if (e[4] === 0xcc) throw new RateLimitedError(1500)
    this.persisted.push(seq(e))
  }
}

/** Persists windows (receiveBatch); 0xbb fails the whole window. Its `receive` would take anything, and records what it got. */
class Windows implements DirectBackend {
  readonly windows: number[][] = []
  readonly calls: ReceiveOptions[] = []
  readonly singles: number[] = []

  async receive (e: Uint8Array): Promise<void> {
    this.singles.push(seq(e))
  }

  async receiveBatch (envelopes: Uint8Array[], options: ReceiveOptions): Promise<Array<Error | undefined>> {
    this.calls.push(options)
    this.windows.push(envelopes.map(seq))
    if (envelopes.some(e => e[4] === 0xbb)) throw new Error('sync failed at /home/alice/secret-path')
    return envelopes.map(() => undefined)
  }
}

let alice: PeerId
beforeAll(async () => { alice = peerIdFromPrivateKey(await generateKeyPair('Ed25519')) })
afterEach(() => { vi.useRealTimers() })

describe('dm server: one stream', () => {
  it('answers each frame, then ends its side cleanly once the sender ended its own', async () => {
    const backend = new OneByOne()
    const device = await new Device({ backend }).start()
    expect(device.server.activeStreams).toBe(0)
    const { out, frames, served, answer } = await device.open(alice)
    expect(device.server.activeStreams).toBe(1)
    await frames.write(request(envelope(1)))
    expect(await answer()).toEqual({ status: DmResponse.Status.OK, message: '', retryAfterMs: 0 })
    await out.close()
    // a clean end: no reset
    expect(await answer()).toBeNull()
    await served
    expect(device.server.activeStreams).toBe(0)
    expect(out.status).toBe('closed')
    expect(backend.persisted).toEqual([1])
    expect(backend.calls[0].remotePeer.equals(alice)).toBe(true)
    expect(device.logged.error).toEqual([])
  })

  it('refuses an empty envelope and one over MAX_ENVELOPE_BYTES with their reasons, and takes one of exactly MAX_ENVELOPE_BYTES', async () => {
    const backend = new OneByOne()
    const device = await new Device({ backend }).start()
    const { out, frames, served, answer } = await device.open(alice)
    await frames.write(request(new Uint8Array(0)))
    expect(await answer()).toEqual({ status: DmResponse.Status.INVALID, message: 'empty envelope', retryAfterMs: 0 })
    await frames.write(request(envelope(1, 0, MAX_ENVELOPE_BYTES + 1)))
    expect(await answer()).toEqual({ status: DmResponse.Status.TOO_LARGE, message: `envelope exceeds ${MAX_ENVELOPE_BYTES} bytes`, retryAfterMs: 0 })
    await frames.write(request(envelope(2, 0, MAX_ENVELOPE_BYTES)))
    expect(await answer()).toEqual({ status: DmResponse.Status.OK, message: '', retryAfterMs: 0 })
    await out.close()
    await served
    expect(backend.persisted).toEqual([2])
  })

  it('logs a refusal by the backend as an error naming the sender, never the other refusals', async () => {
    const backend = new OneByOne()
    const device = await new Device({ backend }).start()
    const { out, frames, served, answer } = await device.open(alice)
    const statuses: DmResponse.Status[] = []
    for (const mark of [0xdd, 0xcc, 0, 0xee]) {
      await frames.write(request(envelope(1, mark)))
      statuses.push((await answer())!.status)
    }
    expect(statuses).toEqual([DmResponse.Status.INVALID, DmResponse.Status.RATE_LIMITED, DmResponse.Status.OK, DmResponse.Status.REFUSED])
    expect(device.logged.error).toHaveLength(1)
    const [format, peer, err] = device.logged.error[0]
    expect(format).toMatch(/refused/)
    expect(peer).toBe(alice)
    expect((err as Error).message).toBe('disk full at /home/alice/secret-path')
    await out.close()
    await served
  })

  it('tells the backend when the stream goes away while it is persisting', async () => {
    const backend = new OneByOne()
    backend.hang = true
    const device = await new Device({ backend }).start()
    const { out, frames, served } = await device.open(alice)
    await frames.write(request(envelope(1)))
    await vi.waitFor(() => { expect(backend.calls).toHaveLength(1) }, { timeout: 5000 })
    out.abort(new Error('the sender went away'))
    await served
    expect(backend.reasons).toHaveLength(1)
    expect((backend.reasons[0] as Error).message).toBe('stream closed')
    expect(device.server.activeStreams).toBe(0)
    expect(backend.persisted).toEqual([])
  })

  it("bounds its own close by the idle timeout: a close that cannot finish aborts the stream", async () => {
    const backend = new OneByOne()
    const device = await new Device({ backend, maxFramesPerStream: 1, idleTimeout: 1000 }).start()
    const { inbound, frames, served, answer } = await device.open(alice)
    // a transport that never flushes: the close waits until its signal gives up
    inbound.close = async options => await new Promise<void>((_resolve, reject) => {
      options?.signal?.addEventListener('abort', () => { reject(options.signal?.reason) })
    })
    vi.useFakeTimers()
    await frames.write(request(envelope(1)))
    expect((await answer())?.status).toBe(DmResponse.Status.OK)
    await vi.advanceTimersByTimeAsync(999)
    expect(device.server.activeStreams).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    await served
    expect(inbound.status).toBe('aborted')
    expect(device.server.activeStreams).toBe(0)
    expect(device.logged.debug.some(([format]) => /aborted/.test(String(format)))).toBe(true)
  })
})

describe('dm server: windows', () => {
  it('takes no more frames than maxFramesPerStream into a window, then ends the stream', async () => {
    const backend = new Windows()
    const device = await new Device({ backend, maxFramesPerStream: 3, maxReceiveWindow: 8 }).start()
    const { out, served, answer } = await device.open(alice)
    out.send(chunk([1, 2, 3, 4, 5].map(n => request(envelope(n)))))
    const answers: Array<DmResponse | null> = []
    for (let a = await answer(); a != null; a = await answer()) answers.push(a)
    expect(answers.map(a => a?.status)).toEqual([DmResponse.Status.OK, DmResponse.Status.OK, DmResponse.Status.OK])
    expect(backend.windows).toEqual([[1, 2, 3]])
    expect(backend.singles).toEqual([])
    await served
  })

  it('answers the frames before a malformed one, aborts the stream, and never hands on what followed it', async () => {
    const backend = new Windows()
    const device = await new Device({ backend, maxReceiveWindow: 8 }).start()
    const { out, served, answer } = await device.open(alice)
    const bad = Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3])
    out.send(chunk([request(envelope(200)), request(envelope(201)), bad, request(envelope(202)), request(envelope(203))]))
    expect((await answer())?.status).toBe(DmResponse.Status.OK)
    expect((await answer())?.status).toBe(DmResponse.Status.OK)
    await expect(answer()).rejects.toThrow()
    await served
    expect(backend.windows).toEqual([[200, 201]])
    expect(out.status).toBe('reset')
    const aborted = device.logged.debug.find(([format]) => /aborted/.test(String(format)))
    expect(aborted?.[1]).toBe(alice)
  })

  it('gives the backend the sender and a signal; a window that fails is refused whole with the generic reason, not retried one by one', async () => {
    const backend = new Windows()
    const device = await new Device({ backend, maxReceiveWindow: 8 }).start()
    const { out, served, answer } = await device.open(alice)
    out.send(chunk([request(envelope(1)), request(envelope(2, 0xbb)), request(envelope(3))]))
    const answers = [await answer(), await answer(), await answer()]
    expect(answers).toEqual(Array(3).fill({ status: DmResponse.Status.REFUSED, message: 'the device could not store the message', retryAfterMs: 0 }))
    expect(backend.windows).toEqual([[1, 2, 3]])
    expect(backend.singles).toEqual([])
    expect(backend.calls[0].remotePeer.equals(alice)).toBe(true)
    expect(backend.calls[0].signal).toBeInstanceOf(AbortSignal)
    await out.close()
    await served
  })

  it('never calls the backend for a window of only empty envelopes', async () => {
    const backend = new Windows()
    const device = await new Device({ backend, maxReceiveWindow: 8 }).start()
    const { out, frames, served, answer } = await device.open(alice)
    await frames.write(request(new Uint8Array(0)))
    expect(await answer()).toEqual({ status: DmResponse.Status.INVALID, message: 'empty envelope', retryAfterMs: 0 })
    await out.close()
    await served
    expect(backend.windows).toEqual([])
  })
})

describe('dm server: limits, left out of Init or set', () => {
  it('registers /parley/dm/1.0.0 as @parley/dm with 4 streams each way over limited connections by default, or what Init sets', async () => {
    const device = await new Device({ backend: new OneByOne() }).start()
    expect(device.registered).toEqual([{ protocol: DM_PROTOCOL, options: { maxInboundStreams: 4, maxOutboundStreams: 4, runOnLimitedConnection: true } }])
    expect(device.server[serviceCapabilities]).toEqual(['@parley/dm'])
    expect(device.logged.components).toEqual(['parley:dm'])
    const set = await new Device({ backend: new OneByOne(), maxInboundStreams: 1, maxOutboundStreams: 2, runOnLimitedConnection: false }).start()
    expect(set.registered).toEqual([{ protocol: DM_PROTOCOL, options: { maxInboundStreams: 1, maxOutboundStreams: 2, runOnLimitedConnection: false } }])
  })

  it(`persists up to MAX_RECEIVE_WINDOW (${MAX_RECEIVE_WINDOW}) buffered frames together by default, or maxReceiveWindow; a window below 1 is 1`, async () => {
    const windows = async (init: Partial<DmServiceInit>, count: number): Promise<number[]> => {
      const backend = new Windows()
      const device = await new Device({ backend, ...init }).start()
      const { out, served, answer } = await device.open(alice)
      out.send(chunk(Array.from({ length: count }, (_, i) => request(envelope(i + 1)))))
      for (let i = 0; i < count; i++) expect((await answer())?.status).toBe(DmResponse.Status.OK)
      await out.close()
      await served
      return backend.windows.map(w => w.length)
    }
    expect(await windows({}, MAX_RECEIVE_WINDOW + 1)).toEqual([MAX_RECEIVE_WINDOW, 1])
    expect(await windows({ maxReceiveWindow: 2 }, 5)).toEqual([2, 2, 1])
    expect(await windows({ maxReceiveWindow: 0 }, 2)).toEqual([1, 1])
  })

  it(`serves MAX_CONCURRENT_STREAMS (${MAX_CONCURRENT_STREAMS}) inbound streams at once by default, or maxConcurrentStreams: the next is aborted with TooManyStreamsError`, async () => {
    for (const [init, limit] of [[{}, MAX_CONCURRENT_STREAMS], [{ maxConcurrentStreams: 1 }, 1]] as const) {
      const backend = new OneByOne()
      const device = await new Device({ backend, ...init }).start()
      const open = []
      for (let i = 0; i < limit; i++) open.push(await device.open(alice))
      expect(open.every(s => s.aborts.length === 0)).toBe(true)
      expect(device.server.activeStreams).toBe(limit)
      // refused before the handler first waits: nothing is read from it
      const over = await device.open(alice)
      expect(over.aborts).toHaveLength(1)
      expect(over.aborts[0]).toBeInstanceOf(TooManyStreamsError)
      expect(over.inbound.status).toBe('aborted')
      await over.served
      // once one ends, a new stream is served again
      await open[0].out.close()
      await open[0].served
      const next = await device.open(alice)
      await next.frames.write(request(envelope(1)))
      expect((await next.answer())?.status).toBe(DmResponse.Status.OK)
      expect(next.aborts).toEqual([])
      for (const s of [...open.slice(1), next]) await s.out.close()
      await Promise.all([...open, next].map(async s => await s.served))
      expect(device.server.activeStreams).toBe(0)
    }
  })
})
