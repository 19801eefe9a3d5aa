// The sending side of /parley/dm/1.0.0 on an in-memory stream pair, with the test playing the recipient device frame by frame:
// answers and their matching, the in-flight window (frames and bytes), the local size check, used-up channels, close, abort,
// timeouts and every way the stream can break.
import { describe, it, expect, afterEach, vi } from 'vitest'
import { streamPair } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { TimeoutError, type Stream } from '@libp2p/interface'
import {
  DirectChannelClosedError, MAX_ENVELOPE_BYTES, MAX_FRAMES_PER_STREAM, MAX_IN_FLIGHT_BYTES, MAX_IN_FLIGHT_FRAMES, MAX_REQUEST_FRAME_BYTES,
  openDirectChannel, type DirectChannel, type DirectChannelOptions
} from '../../src/protocols/dm/index.js'
import { DmRequest, DmResponse } from '../../src/protocols/dm/pb/dm.js'
import { encodeVarint, frameStream } from '../../src/protocols/frames.js'

/** An envelope whose first 4 bytes are a sequence number. */
function envelope (n: number, size = 16): Uint8Array {
  const e = new Uint8Array(size)
  new DataView(e.buffer).setUint32(0, n)
  return e
}
const seq = (e: Uint8Array): number => new DataView(e.buffer, e.byteOffset).getUint32(0)

/** Lets every queued microtask and I/O callback run (no timers involved). */
const settle = async (): Promise<void> => { await new Promise(resolve => setImmediate(resolve)) }

interface Pair {
  channel: DirectChannel
  /** the channel's end of the stream */
  out: Stream
  /** the device's end */
  inbound: Stream
  /** the next envelope the device receives, or null at the sender's clean end */
  receive: () => Promise<Uint8Array | null>
  answer: (res: Partial<DmResponse>) => Promise<void>
}

async function pair (options: DirectChannelOptions = {}): Promise<Pair> {
  // no backpressure from the in-memory network: the channel's own window is the only limit on what it writes
  const [out, inbound] = await streamPair({ capacity: 1_000_000 })
  const channel = await openDirectChannel({ dialProtocol: async () => out }, multiaddr('/ip4/127.0.0.1/tcp/1'), options)
  const device = frameStream(inbound, { maxFrameBytes: MAX_REQUEST_FRAME_BYTES })
  return {
    channel,
    out,
    inbound,
    receive: async () => {
      const frame = await device.read()
      return frame == null ? null : DmRequest.decode(frame).envelope
    },
    answer: async res => { await device.write(DmResponse.encode(res)) }
  }
}

const rejection = async (p: Promise<unknown>): Promise<Error> => await p.then(() => { throw new Error('resolved') }, (err: Error) => err)

afterEach(() => { vi.useRealTimers() })

describe('direct channel: answers', () => {
  it('resolves each send with its own answer, in order: status, reason and retryAfterMs; a reason of 500 bytes fits in an answer frame', async () => {
    const { channel, receive, answer } = await pair()
    const long = 'r'.repeat(500)
    const sends = [1, 2, 3, 4, 5].map(async n => await channel.send(envelope(n)))
    const answers: Array<Partial<DmResponse>> = [
      { status: DmResponse.Status.OK },
      { status: DmResponse.Status.REFUSED, message: 'the device could not store the message' },
      { status: DmResponse.Status.INVALID, message: long },
      { status: DmResponse.Status.TOO_LARGE, message: 'envelope exceeds 262144 bytes' },
      { status: DmResponse.Status.RATE_LIMITED, message: 'rate limited; retry in 2 s', retryAfterMs: 1500 }
    ]
    for (const [i, res] of answers.entries()) {
      expect(seq((await receive())!)).toBe(i + 1)
      await answer(res)
    }
    expect(await Promise.all(sends)).toEqual([
      { status: 'ok', message: '', retryAfterMs: 0 },
      { status: 'refused', message: 'the device could not store the message', retryAfterMs: 0 },
      { status: 'invalid', message: long, retryAfterMs: 0 },
      { status: 'too-large', message: 'envelope exceeds 262144 bytes', retryAfterMs: 0 },
      { status: 'rate-limited', message: 'rate limited; retry in 2 s', retryAfterMs: 1500 }
    ])
    expect(channel.inFlight).toBe(0)
    channel.abort()
  })

  it('answers an envelope over MAX_ENVELOPE_BYTES locally without sending it; one of exactly MAX_ENVELOPE_BYTES goes out', async () => {
    const { channel, receive, answer } = await pair()
    expect(await channel.send(new Uint8Array(MAX_ENVELOPE_BYTES + 1))).toEqual({ status: 'too-large', message: `envelope exceeds ${MAX_ENVELOPE_BYTES} bytes`, retryAfterMs: 0 })
    expect(channel.inFlight).toBe(0)
    const sending = channel.send(envelope(7, MAX_ENVELOPE_BYTES))
    const first = (await receive())!
    expect([first.length, seq(first)]).toEqual([MAX_ENVELOPE_BYTES, 7])
    await answer({ status: DmResponse.Status.OK })
    expect((await sending).status).toBe('ok')
    channel.abort()
  })

  it('a fresh channel is open with nothing in flight', async () => {
    const { channel } = await pair()
    expect(channel.closed).toBe(false)
    expect(channel.inFlight).toBe(0)
    channel.abort()
  })
})

describe('direct channel: the in-flight window', () => {
  it(`keeps at most MAX_IN_FLIGHT_FRAMES (${MAX_IN_FLIGHT_FRAMES}) small frames unanswered; each answer lets the next one go`, async () => {
    const { channel, receive, answer } = await pair()
    const total = MAX_IN_FLIGHT_FRAMES + 36
    const sends = Array.from({ length: total }, async (_, i) => await channel.send(envelope(i)))
    const seen: number[] = []
    const inFlightAtRead: number[] = []
    const take = async (): Promise<void> => {
      seen.push(seq((await receive())!))
      inFlightAtRead.push(channel.inFlight)
    }
    // nothing is answered until the whole window arrived
    for (let i = 0; i < MAX_IN_FLIGHT_FRAMES; i++) await take()
    expect(inFlightAtRead[MAX_IN_FLIGHT_FRAMES - 1]).toBe(MAX_IN_FLIGHT_FRAMES)
    for (let i = 0; i < total; i++) {
      await answer({ status: DmResponse.Status.OK, message: `answer ${i}` })
      if (seen.length < total) await take()
    }
    const results = await Promise.all(sends)
    expect(results.map(r => r.message)).toEqual(Array.from({ length: total }, (_, i) => `answer ${i}`))
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i))
    expect(Math.max(...inFlightAtRead)).toBe(MAX_IN_FLIGHT_FRAMES)
    channel.abort()
  })

  it(`keeps at most MAX_IN_FLIGHT_BYTES (${MAX_IN_FLIGHT_BYTES}) unanswered, exactly that much included; answered bytes free the window again`, async () => {
    // frames of exactly a quarter of the window: a 1-byte field tag and a 3-byte length before the envelope
    const frameBytes = MAX_IN_FLIGHT_BYTES / 4
    const size = frameBytes - 4
    expect(DmRequest.encode({ envelope: new Uint8Array(size) }).length).toBe(frameBytes)
    // a window that never frees fails the sends after 5 s instead of hanging the test
    const { channel, receive, answer } = await pair({ sendTimeout: 5000 })
    const sends = Array.from({ length: 6 }, async (_, i) => await channel.send(envelope(i, size)))
    const inFlightAtRead: number[] = []
    const take = async (): Promise<number> => {
      const e = await receive()
      inFlightAtRead.push(channel.inFlight)
      return seq(e!)
    }
    // four frames fill the window exactly
    for (let i = 0; i < 4; i++) expect(await take()).toBe(i)
    expect(channel.inFlight).toBe(4)
    for (let i = 0; i < 4; i++) await answer({ status: DmResponse.Status.OK })
    // the window is free again: the last two go out together
    expect(await take()).toBe(4)
    expect(await take()).toBe(5)
    expect(inFlightAtRead[5]).toBe(2)
    await answer({ status: DmResponse.Status.OK })
    await answer({ status: DmResponse.Status.OK })
    expect((await Promise.all(sends)).map(r => r.status)).toEqual(Array(6).fill('ok'))
    expect(Math.max(...inFlightAtRead)).toBe(4)
    channel.abort()
  })

  it("a send whose caller gave up while it waited for room is never written; the ones after it still are", async () => {
    const { channel, out, inbound, receive, answer } = await pair()
    const first = Array.from({ length: MAX_IN_FLIGHT_FRAMES }, async (_, i) => await channel.send(envelope(i)))
    for (let i = 0; i < MAX_IN_FLIGHT_FRAMES; i++) await receive()
    const controller = new AbortController()
    const givenUp = channel.send(envelope(1000), { signal: controller.signal })
    const after = channel.send(envelope(1001))
    const reason = new Error('the user left the chat')
    controller.abort(reason)
    expect(await rejection(givenUp)).toBe(reason)
    for (let i = 0; i < MAX_IN_FLIGHT_FRAMES; i++) await answer({ status: DmResponse.Status.OK })
    expect(seq((await receive())!)).toBe(1001)
    await answer({ status: DmResponse.Status.OK })
    expect((await after).status).toBe('ok')
    expect((await Promise.all(first)).every(r => r.status === 'ok')).toBe(true)
    expect(channel.inFlight).toBe(0)
    // nothing is left due: close ends our side at once
    const closing = channel.close()
    await settle()
    expect(out.writeStatus).not.toBe('writable')
    expect(await receive()).toBeNull()
    await inbound.close()
    await closing
  })
})

describe('direct channel: used up', () => {
  it(`is closed after MAX_FRAMES_PER_STREAM (${MAX_FRAMES_PER_STREAM}) sends and refuses more`, async () => {
    const { channel } = await pair()
    const sends: Array<Promise<unknown>> = []
    for (let i = 0; i < MAX_FRAMES_PER_STREAM - 1; i++) sends.push(channel.send(Uint8Array.of(1)))
    expect(channel.closed).toBe(false)
    sends.push(channel.send(Uint8Array.of(1)))
    expect(channel.closed).toBe(true)
    const more = await rejection(channel.send(Uint8Array.of(1)))
    expect(more).toBeInstanceOf(DirectChannelClosedError)
    expect(more.message).toBe('the channel is used up; open a new one')
    channel.abort()
    const settled = await Promise.allSettled(sends)
    expect(settled.every(s => s.status === 'rejected' && (s.reason as Error).message === 'aborted by the sender')).toBe(true)
  })
})

describe('direct channel: close', () => {
  it('ends its side once everything is answered; the device ending its side completes the close; later sends reject', async () => {
    const { channel, out, receive, answer, inbound } = await pair()
    const sending = channel.send(envelope(1))
    await receive()
    await answer({ status: DmResponse.Status.OK })
    expect((await sending).status).toBe('ok')
    const closing = channel.close()
    expect(await receive()).toBeNull()
    await inbound.close()
    await closing
    expect(channel.closed).toBe(true)
    // a clean end, not a reset
    expect(out.status).toBe('closed')
    for (const e of [envelope(2), new Uint8Array(MAX_ENVELOPE_BYTES + 1)]) {
      const err = await rejection(channel.send(e))
      expect(err).toBeInstanceOf(DirectChannelClosedError)
      expect(err.message).toBe('the direct channel is closed')
    }
    // closing again changes nothing
    await channel.close()
    expect(out.status).toBe('closed')
  })

  it('waits for the answers still due (also of a send whose caller stopped waiting) before ending its side', async () => {
    const { channel, out, inbound, receive, answer } = await pair()
    const controller = new AbortController()
    const impatient = channel.send(envelope(1), { signal: controller.signal })
    const patient = channel.send(envelope(2))
    await receive()
    await receive()
    controller.abort(new Error('gave up'))
    await expect(impatient).rejects.toThrow('gave up')
    let ended = false
    inbound.addEventListener('remoteCloseWrite', () => { ended = true })
    const closing = channel.close()
    expect(channel.closed).toBe(true)
    // a second close has nothing to add and does not wait
    let closedAgain = false
    void channel.close().then(() => { closedAgain = true })
    await settle()
    expect(closedAgain).toBe(true)
    expect(out.writeStatus).toBe('writable')
    expect(ended).toBe(false)
    await answer({ status: DmResponse.Status.OK })
    await settle()
    expect(ended).toBe(false)
    await answer({ status: DmResponse.Status.OK })
    expect((await patient).status).toBe('ok')
    expect(await receive()).toBeNull()
    expect(ended).toBe(true)
    await inbound.close()
    await closing
    expect(out.status).toBe('closed')
  })

  it('the device ending its side while answers are still due fails them and completes the close', async () => {
    const { channel, inbound, receive } = await pair({ sendTimeout: 5000 })
    const sending = channel.send(envelope(1))
    await receive()
    const closing = channel.close()
    await inbound.close()
    const err = await rejection(sending)
    expect(err).toBeInstanceOf(DirectChannelClosedError)
    expect(err.message).toBe('the recipient ended the stream')
    await closing
    expect(channel.closed).toBe(true)
  })

  it("a close the caller gives up on aborts the stream; later sends reject with the caller's reason", async () => {
    const { channel, out, inbound, receive, answer } = await pair()
    const sending = channel.send(envelope(1))
    await receive()
    await answer({ status: DmResponse.Status.OK })
    await sending
    const controller = new AbortController()
    const closing = channel.close({ signal: controller.signal })
    // our side is ended, the device never ends its own
    expect(await receive()).toBeNull()
    const reason = new Error('shutting down')
    controller.abort(reason)
    await closing
    expect(out.status).toBe('aborted')
    expect(channel.closed).toBe(true)
    await settle()
    expect(await rejection(channel.send(envelope(2)))).toBe(reason)
    expect(inbound.status).not.toBe('open')
  })
})

describe('direct channel: abort and breakage', () => {
  it('abort() rejects every unanswered send, resets the stream, and later sends reject with the same error', async () => {
    const { channel, out, inbound, receive } = await pair()
    const sends = [1, 2].map(async n => await channel.send(envelope(n)))
    await receive()
    await receive()
    const reset = new Promise(resolve => { inbound.addEventListener('close', resolve, { once: true }) })
    channel.abort()
    const errors = await Promise.all(sends.map(rejection))
    for (const err of errors) {
      expect(err).toBeInstanceOf(DirectChannelClosedError)
      expect(err.message).toBe('aborted by the sender')
    }
    expect(errors[1]).toBe(errors[0])
    expect(channel.closed).toBe(true)
    expect(channel.inFlight).toBe(0)
    expect(out.status).toBe('aborted')
    await reset
    expect(inbound.status).toBe('reset')
    expect(await rejection(channel.send(envelope(3)))).toBe(errors[0])
    // even an envelope the channel would answer locally
    expect(await rejection(channel.send(new Uint8Array(MAX_ENVELOPE_BYTES + 1)))).toBe(errors[0])
  })

  it('abort(err) keeps that error for later sends, also once the reader has stopped', async () => {
    const { channel } = await pair()
    const err = new Error('the user logged out')
    channel.abort(err)
    await settle()
    expect(await rejection(channel.send(envelope(1)))).toBe(err)
    // close after abort has nothing left to do
    await channel.close()
  })

  it('the device ending its side breaks an idle channel', async () => {
    const { channel, out, inbound } = await pair()
    await inbound.close()
    await vi.waitFor(() => { expect(channel.closed).toBe(true) }, { timeout: 5000 })
    const err = await rejection(channel.send(envelope(1)))
    expect(err).toBeInstanceOf(DirectChannelClosedError)
    expect(err.message).toBe('the recipient ended the stream')
    expect(out.status).toBe('aborted')
  })

  it('the device ending its side rejects the unanswered sends and wakes those waiting for room', async () => {
    const { channel, out, inbound, receive } = await pair({ sendTimeout: 5000 })
    const sends = Array.from({ length: MAX_IN_FLIGHT_FRAMES + 1 }, async (_, i) => await channel.send(envelope(i)))
    for (let i = 0; i < MAX_IN_FLIGHT_FRAMES; i++) await receive()
    await inbound.close()
    const errors = await Promise.all(sends.map(rejection))
    expect(errors.every(err => err instanceof DirectChannelClosedError && err.message === 'the recipient ended the stream')).toBe(true)
    expect(out.status).toBe('aborted')
  })

  it('an answer nobody asked for breaks the channel', async () => {
    const { channel, out, answer } = await pair()
    await answer({ status: DmResponse.Status.OK })
    await vi.waitFor(() => { expect(channel.closed).toBe(true) }, { timeout: 5000 })
    const err = await rejection(channel.send(envelope(1)))
    expect(err).toBeInstanceOf(DirectChannelClosedError)
    expect(err.message).toBe('the stream broke: answer without a request')
    expect(out.status).toBe('aborted')
  })

  it('an answer frame over 1 KiB breaks the channel before it is buffered', async () => {
    const { channel, inbound, receive } = await pair()
    const sending = channel.send(envelope(1))
    await receive()
    inbound.send(encodeVarint(1025))
    const err = await rejection(sending)
    expect(err).toBeInstanceOf(DirectChannelClosedError)
    expect(err.message).toBe('the stream broke: frame of 1025 bytes exceeds 1024')
  })

  it('a write that fails breaks the channel', async () => {
    const { channel, out } = await pair({ sendTimeout: 5000 })
    out.send = () => { throw new Error('link down') }
    const err = await rejection(channel.send(envelope(1)))
    expect(err).toBeInstanceOf(DirectChannelClosedError)
    expect(err.message).toBe('the stream broke: link down')
    expect(channel.closed).toBe(true)
  })

  it('no answer within sendTimeout: the send rejects with a TimeoutError and the channel breaks', async () => {
    const { channel, out } = await pair()
    vi.useFakeTimers()
    const sending = rejection(channel.send(envelope(1)))
    await vi.advanceTimersByTimeAsync(30_000)
    expect(await sending).toBeInstanceOf(TimeoutError)
    expect(channel.closed).toBe(true)
    const err = await rejection(channel.send(envelope(2)))
    expect(err).toBeInstanceOf(DirectChannelClosedError)
    expect(err.message).toBe('no answer in time')
    expect(out.status).toBe('aborted')
  })
})
