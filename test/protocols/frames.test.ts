// The one multi-frame module (src/protocols/frames.ts) used by dm and mailbox, on a real libp2p stream between two nodes: clean end vs truncated frame, size checks, buffered-frame detection, serialised writers.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { Libp2p } from 'libp2p'
import type { Stream } from '@libp2p/interface'
import { encodeVarint, frameStream, FrameTooLargeError, FrameWriter, MalformedFrameError, type FrameStream } from '../../src/protocols/frames.js'
import { retryUntil, waitForEvent } from '../helpers/wait.js'
import { startNode } from './nodes.js'

const PROTOCOL = '/parley-test/frames/1.0.0'
/** A plain Uint8Array copy (reads may hand out Buffers), for deep equality. */
const copy = (frame: Uint8Array | null): Uint8Array | null => frame == null ? null : Uint8Array.from(frame)

describe('frameStream', () => {
  let server: Libp2p
  let client: Libp2p
  /** inbound streams, in arrival order */
  const inbound: Stream[] = []

  beforeAll(async () => {
    server = await startNode()
    client = await startNode()
    await server.handle(PROTOCOL, stream => { inbound.push(stream) })
  })

  afterAll(async () => {
    await client?.stop()
    await server?.stop()
  })

  /** A fresh stream: the client's end (raw) and the server's end wrapped in a frame reader. */
  async function pair (maxFrameBytes = 1024): Promise<{ out: Stream, frames: FrameStream, remote: Stream }> {
    const before = inbound.length
    const out = await client.dialProtocol(server.getMultiaddrs(), PROTOCOL)
    // the server's end exists once the remote side saw the stream (the first byte opens it)
    out.send(encodeVarint(0))
    const remote = await retryUntil(async () => inbound[before] ?? Promise.reject(new Error('no stream yet')), { timeout: 5000, interval: 10, what: 'inbound stream' })
    const frames = frameStream(remote, { maxFrameBytes })
    expect(copy(await frames.read())).toEqual(new Uint8Array(0))
    return { out, frames, remote }
  }

  it('reads whole frames and reports a clean end between frames as null', async () => {
    const { out, frames } = await pair()
    out.send(Uint8Array.from([...encodeVarint(3), 1, 2, 3, ...encodeVarint(300), ...new Uint8Array(300).fill(7)]))
    await out.close()
    expect(copy(await frames.read())).toEqual(Uint8Array.from([1, 2, 3]))
    expect(copy(await frames.read())).toEqual(new Uint8Array(300).fill(7))
    expect(await frames.read()).toBeNull()
  })

  it('tells a frame cut off in its body from a clean end (MalformedFrameError)', async () => {
    const { out, frames } = await pair()
    out.send(Uint8Array.from([...encodeVarint(10), 1, 2, 3]))
    await out.close()
    await expect(frames.read()).rejects.toHaveProperty('name', MalformedFrameError.name)
  })

  it('tells a stream cut off inside a length prefix from a clean end (MalformedFrameError)', async () => {
    const { out, frames } = await pair()
    out.send(Uint8Array.from([0x80]))
    await out.close()
    await expect(frames.read()).rejects.toHaveProperty('name', MalformedFrameError.name)
  })

  it('refuses an oversize frame from its length prefix, before the body arrives (FrameTooLargeError)', async () => {
    const { out, frames } = await pair(100)
    // only the prefix is sent: the reader must not wait for a body it would refuse anyway
    out.send(encodeVarint(101))
    const err = await frames.read().catch(e => e)
    expect(err.name).toBe(FrameTooLargeError.name)
    expect(err.length).toBe(101)
    expect(err.max).toBe(100)
    out.abort(new Error('done'))
  })

  it('refuses a length prefix longer than the maximum needs (MalformedFrameError)', async () => {
    const { out, frames } = await pair(100)
    out.send(Uint8Array.from([0x80, 0x80, 0x80]))
    await expect(frames.read()).rejects.toHaveProperty('name', MalformedFrameError.name)
    out.abort(new Error('done'))
  })

  it('hasFrame() is true only for a whole buffered frame within the limit', async () => {
    const { out, frames, remote } = await pair(100)
    expect(frames.hasFrame()).toBe(false)
    // the reader's listener was added first, so once this one sees the bytes they are in the reader's buffer
    let arrived = waitForEvent(remote, 'message', { timeout: 5000 })
    out.send(Uint8Array.from([...encodeVarint(4), 1, 2]))
    await arrived
    expect(frames.hasFrame()).toBe(false)
    arrived = waitForEvent(remote, 'message', { timeout: 5000 })
    out.send(Uint8Array.from([3, 4, ...encodeVarint(1), 9]))
    await arrived
    await retryUntil(async () => frames.hasFrame() || Promise.reject(new Error('not yet')), { timeout: 5000, interval: 10, what: 'whole frames buffered' })
    expect(copy(await frames.read())).toEqual(Uint8Array.from([1, 2, 3, 4]))
    expect(frames.hasFrame()).toBe(true)
    expect(copy(await frames.read())).toEqual(Uint8Array.from([9]))
    expect(frames.hasFrame()).toBe(false)
    // an oversize frame, even when buffered whole, is not "a frame to take": read() refuses it
    arrived = waitForEvent(remote, 'message', { timeout: 5000 })
    out.send(Uint8Array.from([...encodeVarint(101), ...new Uint8Array(101)]))
    await arrived
    expect(frames.hasFrame()).toBe(false)
    await expect(frames.read()).rejects.toHaveProperty('name', FrameTooLargeError.name)
    out.abort(new Error('done'))
  })

  it('FrameWriter keeps the frames of concurrent writers whole and in call order', async () => {
    const { out, remote } = await pair()
    const reader = frameStream(out, { maxFrameBytes: 1024 })
    const writer = new FrameWriter(frameStream(remote, { maxFrameBytes: 1024 }))
    await Promise.all(Array.from({ length: 50 }, async (_, i) => { await writer.write(new Uint8Array(100 + i).fill(i)) }))
    await writer.flush()
    for (let i = 0; i < 50; i++) expect(copy(await reader.read())).toEqual(new Uint8Array(100 + i).fill(i))
    out.abort(new Error('done'))
  })
})

