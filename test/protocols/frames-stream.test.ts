// frameStream and FrameWriter (src/protocols/frames.ts) on in-memory stream pairs and stand-in writers: the length prefix at its limits (multi-byte, too long, exactly the maximum), hasFrame() on partial and overlong input, the read-ahead bound, aborts inside a prefix or a body, the error classes, and a writer's first failure sticking.
import { describe, it, expect } from 'vitest'
import { streamPair } from '@libp2p/utils'
import type { AbortOptions, Stream } from '@libp2p/interface'
import { encodeVarint, frameStream, FrameTooLargeError, FrameWriter, MalformedFrameError, deferred, type Deferred } from '../../src/protocols/frames.js'
import { waitForEvent } from '../helpers/wait.js'

/** A plain Uint8Array copy (reads may hand out Buffers), for deep equality. */
const copy = (frame: Uint8Array | null): Uint8Array | null => frame == null ? null : Uint8Array.from(frame)

/** Sends `bytes` on `out` and resolves once they are in the buffer of every reader already listening on `inb`. */
async function deliver (out: Stream, inb: Stream, bytes: Uint8Array): Promise<void> {
  const arrived = waitForEvent(inb, 'message', { timeout: 5000 })
  out.send(bytes)
  await arrived
}

describe('frame errors', () => {
  it('FrameTooLargeError names the length and the maximum', () => {
    const err = new FrameTooLargeError(101, 100)
    expect(err).toBeInstanceOf(Error)
    expect(err.name).toBe('FrameTooLargeError')
    expect(err.message).toBe('frame of 101 bytes exceeds 100')
    expect(err.length).toBe(101)
    expect(err.max).toBe(100)
  })

  it('MalformedFrameError keeps its message', () => {
    const err = new MalformedFrameError('length prefix too long')
    expect(err.name).toBe('MalformedFrameError')
    expect(err.message).toBe('length prefix too long')
  })
})

describe('frameStream.read', () => {
  it('takes a two-byte length prefix up to the maximum; one byte more than the maximum needs is "length prefix too long"', async () => {
    const [out, inb] = await streamPair()
    // 1000 needs two prefix bytes (0xe8 0x07)
    const frames = frameStream(inb, { maxFrameBytes: 1000 })
    out.send(Uint8Array.from([...encodeVarint(1000), ...new Uint8Array(1000).fill(4)]))
    expect(copy(await frames.read())).toEqual(new Uint8Array(1000).fill(4))
    // a non-canonical two-byte zero is still within two bytes
    out.send(Uint8Array.from([0x80, 0x00]))
    expect(copy(await frames.read())).toEqual(new Uint8Array(0))
    out.send(Uint8Array.from([0x80, 0x80, 0x00]))
    const err = await frames.read().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(MalformedFrameError)
    expect((err as Error).message).toBe('length prefix too long')
  })

  it('a frame of exactly maxFrameBytes is read; one byte more is FrameTooLargeError', async () => {
    const [out, inb] = await streamPair()
    const frames = frameStream(inb, { maxFrameBytes: 100 })
    out.send(Uint8Array.from([...encodeVarint(100), ...new Uint8Array(100).fill(1), ...encodeVarint(101)]))
    expect(copy(await frames.read())).toEqual(new Uint8Array(100).fill(1))
    const err = await frames.read().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FrameTooLargeError)
    expect((err as Error).message).toBe('frame of 101 bytes exceeds 100')
  })

  it('a zero-length frame, then a clean end', async () => {
    const [out, inb] = await streamPair()
    const frames = frameStream(inb, { maxFrameBytes: 100 })
    out.send(encodeVarint(0))
    await out.close()
    expect(copy(await frames.read())).toEqual(new Uint8Array(0))
    expect(await frames.read()).toBeNull()
  })

  it('the stream ending inside a prefix or a body is MalformedFrameError saying which', async () => {
    const a = await streamPair()
    const inPrefix = frameStream(a[1], { maxFrameBytes: 1000 })
    a[0].send(Uint8Array.from([0x85]))
    await a[0].close()
    const prefixErr = await inPrefix.read().catch((e: unknown) => e)
    expect(prefixErr).toBeInstanceOf(MalformedFrameError)
    expect((prefixErr as Error).message).toBe('stream ended inside a length prefix')
    const b = await streamPair()
    const inBody = frameStream(b[1], { maxFrameBytes: 1000 })
    b[0].send(Uint8Array.from([5, 1, 2]))
    await b[0].close()
    const bodyErr = await inBody.read().catch((e: unknown) => e)
    expect(bodyErr).toBeInstanceOf(MalformedFrameError)
    expect((bodyErr as Error).message).toBe('stream ended inside a frame')
  })

  it('a caller\'s abort inside a length prefix or a body rejects with the caller\'s reason, not as a malformed frame', async () => {
    const reason = new Error('the caller gave up')
    const controller = new AbortController()
    controller.abort(reason)
    // the bytes are buffered first: the read takes them without waiting, then waits (and sees the abort) for the rest
    const a = await streamPair()
    const inPrefix = frameStream(a[1], { maxFrameBytes: 1000 })
    await deliver(a[0], a[1], Uint8Array.from([0x85]))
    await expect(inPrefix.read({ signal: controller.signal })).rejects.toBe(reason)
    const b = await streamPair()
    const inBody = frameStream(b[1], { maxFrameBytes: 1000 })
    await deliver(b[0], b[1], Uint8Array.from([5, 1, 2]))
    await expect(inBody.read({ signal: controller.signal })).rejects.toBe(reason)
  })

  it('more than maxBufferBytes read ahead aborts the stream (StreamBufferError)', async () => {
    const [out, inb] = await streamPair()
    const frames = frameStream(inb, { maxFrameBytes: 100, maxBufferBytes: 1000 })
    const ahead = new Uint8Array(11 * 101)
    for (let i = 0; i < 11; i++) ahead.set(encodeVarint(100), i * 101)
    const read = frames.read()
    out.send(ahead)
    await expect(read).rejects.toHaveProperty('name', 'StreamBufferError')
    expect(inb.status).toBe('aborted')
  })

  it('by default two of the largest frames may be read ahead, even past 4 MiB', async () => {
    const [out, inb] = await streamPair()
    const max = 3 * 1024 * 1024
    const frames = frameStream(inb, { maxFrameBytes: max })
    const size = 2.5 * 1024 * 1024
    const ended = waitForEvent(inb, 'remoteCloseWrite', { timeout: 20_000 })
    const prefix = encodeVarint(size)
    const both = new Uint8Array(2 * (prefix.length + size))
    both.set(prefix, 0)
    both.fill(1, prefix.length, prefix.length + size)
    both.set(prefix, prefix.length + size)
    both.fill(2, 2 * prefix.length + size)
    out.send(both)
    await out.close()
    // all 5 MiB are buffered before the first read
    await ended
    expect((await frames.read())?.byteLength).toBe(size)
    const second = await frames.read()
    expect(second?.byteLength).toBe(size)
    expect(second?.[0]).toBe(2)
    expect(await frames.read()).toBeNull()
  })
})

describe('frameStream.hasFrame', () => {
  it('is false for a multi-byte length whose body is still short, true once it is whole', async () => {
    const [out, inb] = await streamPair()
    const frames = frameStream(inb, { maxFrameBytes: 1000 })
    // 300 = 0xac 0x02: taking the first byte alone (44), or dividing, would call 100 bytes a whole frame
    await deliver(out, inb, Uint8Array.from([...encodeVarint(300), ...new Uint8Array(100)]))
    expect(frames.hasFrame()).toBe(false)
    await deliver(out, inb, new Uint8Array(200))
    expect(frames.hasFrame()).toBe(true)
    expect((await frames.read())?.byteLength).toBe(300)
    // 128 = 0x80 0x01: 0x80 is a continuation byte, not a length of 0
    await deliver(out, inb, Uint8Array.from([...encodeVarint(128), 1, 2, 3]))
    expect(frames.hasFrame()).toBe(false)
  })

  it('is false for a length prefix longer than the maximum needs, even when what it announces is buffered', async () => {
    const [out, inb] = await streamPair()
    const frames = frameStream(inb, { maxFrameBytes: 100 })
    // a non-canonical two-byte 1, where one prefix byte is the most a 100-byte limit needs
    await deliver(out, inb, Uint8Array.from([0x81, 0x00, 7, 7]))
    expect(frames.hasFrame()).toBe(false)
    await expect(frames.read()).rejects.toThrow('length prefix too long')
  })

  it('is true for a buffered frame of exactly maxFrameBytes', async () => {
    const [out, inb] = await streamPair()
    const frames = frameStream(inb, { maxFrameBytes: 100 })
    await deliver(out, inb, Uint8Array.from([...encodeVarint(100), ...new Uint8Array(100)]))
    expect(frames.hasFrame()).toBe(true)
  })
})

/** A stand-in for frameStream's write: records each call and settles it when told. */
function recordingFrames (): { frames: { write: (frame: Uint8Array, options?: AbortOptions) => Promise<void> }, calls: Array<{ frame: Uint8Array, options?: AbortOptions, done: Deferred<void> }> } {
  const calls: Array<{ frame: Uint8Array, options?: AbortOptions, done: Deferred<void> }> = []
  return {
    calls,
    frames: {
      write: async (frame, options) => {
        const done = deferred()
        calls.push({ frame, options, done })
        await done.promise
      }
    }
  }
}

describe('FrameWriter', () => {
  it('writes one frame at a time with its signal; flush waits for the frames in progress', async () => {
    const { frames, calls } = recordingFrames()
    const signal = new AbortController().signal
    const writer = new FrameWriter(frames, signal)
    const first = writer.write(Uint8Array.from([1]))
    const second = writer.write(Uint8Array.from([2]))
    let flushed = false
    const flush = writer.flush().then(() => { flushed = true })
    await Promise.resolve()
    await Promise.resolve()
    expect(calls.map(c => c.frame[0])).toEqual([1])
    expect(calls[0].options?.signal).toBe(signal)
    calls[0].done.resolve()
    await first
    await Promise.resolve()
    expect(calls.map(c => c.frame[0])).toEqual([1, 2])
    expect(flushed).toBe(false)
    calls[1].done.resolve()
    await second
    await flush
    expect(flushed).toBe(true)
  })

  it('the first failure sticks: later writes and flush reject with it and write nothing more', async () => {
    const { frames, calls } = recordingFrames()
    const writer = new FrameWriter(frames)
    const failure = new Error('stream reset')
    const first = writer.write(Uint8Array.from([1]))
    const second = writer.write(Uint8Array.from([2]))
    await Promise.resolve()
    await Promise.resolve()
    calls[0].done.reject(failure)
    await expect(first).rejects.toBe(failure)
    await expect(second).rejects.toBe(failure)
    await expect(writer.write(Uint8Array.from([3]))).rejects.toBe(failure)
    await expect(writer.flush()).rejects.toBe(failure)
    expect(calls).toHaveLength(1)
  })
})
