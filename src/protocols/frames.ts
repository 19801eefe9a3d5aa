/** Varint length-prefixed frames over one libp2p stream for protocols that carry many frames per stream (dm, mailbox): a clean end between frames is told apart from a truncated frame, sizes are checked before a body is buffered, concurrent writers are serialised. Knows nothing of what the frames contain. */
import { byteStream, UnexpectedEOFError, type ByteStream } from '@libp2p/utils'
import { Uint8ArrayList } from 'uint8arraylist'
import type { AbortOptions, Stream } from '@libp2p/interface'

/**
 * Bytes buffered ahead of the reader before the stream is aborted, unless the protocol names its own:
 * libp2p's byteStream default, and at least two of the largest frames so a pipelining peer is never cut off.
 */
const DEFAULT_MAX_BUFFER_BYTES = 4 * 1024 * 1024

/** A frame's length prefix announces more than the reader accepts; the stream must be aborted (the rest of the frame is unread). */
export class FrameTooLargeError extends Error {
  static name = 'FrameTooLargeError'
  constructor (readonly length: number, readonly max: number) {
    super(`frame of ${length} bytes exceeds ${max}`)
    this.name = FrameTooLargeError.name
  }
}

/** The stream ended inside a frame, or the length prefix is malformed. */
export class MalformedFrameError extends Error {
  static name = 'MalformedFrameError'
  constructor (message: string) {
    super(message)
    this.name = MalformedFrameError.name
  }
}

/** Unsigned LEB128 of a non-negative integer < 2^53 (the protobuf/multiformats varint). */
export function encodeVarint (value: number): Uint8Array {
  const out: number[] = []
  let v = value
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80)
    v = Math.floor(v / 0x80)
  }
  out.push(v)
  return Uint8Array.from(out)
}

/** Reads and writes whole frames on one stream. */
export interface FrameStream {
  /**
   * The next frame, or null when the remote closed its writing side between frames (a clean end).
   * Throws FrameTooLargeError for a length over the maximum (before the body is buffered) and
   * MalformedFrameError when the stream ends inside a frame or the prefix is malformed.
   */
  read (options?: AbortOptions): Promise<Uint8Array | null>
  /**
   * `read`, the frame left in the pieces it arrived in (never joined: a large frame costs no copy); the same
   * errors. The pieces are the frame's own: nothing reuses them.
   */
  readList (options?: AbortOptions): Promise<Uint8ArrayList | null>
  /**
   * True when a whole frame of an acceptable size is already buffered, so read() returns it
   * without waiting for the network (a receiver uses this to take a window of pipelined frames).
   */
  hasFrame (): boolean
  write (frame: Uint8Array, options?: AbortOptions): Promise<void>
  /** Writes one frame made of `parts`, joined on the wire and never in memory (a large payload goes out without a copy). */
  writeParts (parts: Uint8Array[], options?: AbortOptions): Promise<void>
}

export interface FrameStreamInit {
  /** largest frame read() accepts */
  maxFrameBytes: number
  /** bytes buffered ahead of the reader before the stream is aborted @default max(4 MiB, 2 × maxFrameBytes) */
  maxBufferBytes?: number
}

/** Decodes the varint at the start of `buf`: its value and length, undefined when incomplete, -1 length when longer than `maxLengthBytes`. */
function peekLength (buf: Uint8ArrayList, maxLengthBytes: number): { value: number, bytes: number } | undefined {
  let value = 0
  let scale = 1
  for (let i = 0; i < buf.byteLength; i++) {
    const b = buf.get(i)
    value += (b & 0x7f) * scale
    scale *= 128
    if (b < 0x80) return { value, bytes: i + 1 }
    if (i + 1 >= maxLengthBytes) return { value: -1, bytes: -1 }
  }
  return undefined
}

/** Wraps `stream` for reading and writing frames. */
export function frameStream (stream: Stream, init: FrameStreamInit): FrameStream {
  const maxBufferSize = init.maxBufferBytes ?? Math.max(DEFAULT_MAX_BUFFER_BYTES, 2 * init.maxFrameBytes)
  const bytes: ByteStream<Stream> & { readBuffer?: Uint8ArrayList } = byteStream(stream, { maxBufferSize })
  const maxLengthBytes = encodeVarint(init.maxFrameBytes).length
  const readList = async (options?: AbortOptions): Promise<Uint8ArrayList | null> => {
    let length = 0
    let scale = 1
    for (let i = 0; ; i++) {
      let chunk: Uint8ArrayList | null
      try {
        chunk = await bytes.read({ bytes: 1, signal: options?.signal })
      } catch (err) {
        // EOF before the first byte of a frame is the remote's clean end of writing
        if (i === 0 && err instanceof UnexpectedEOFError) return null
        if (err instanceof UnexpectedEOFError) throw new MalformedFrameError('stream ended inside a length prefix')
        throw err
      }
      if (chunk == null) {
        if (i === 0) return null
        throw new MalformedFrameError('stream ended inside a length prefix')
      }
      const b = chunk.get(0)
      length += (b & 0x7f) * scale
      scale *= 128
      if (b < 0x80) break
      if (i + 1 >= maxLengthBytes) throw new MalformedFrameError('length prefix too long')
    }
    if (length > init.maxFrameBytes) throw new FrameTooLargeError(length, init.maxFrameBytes)
    if (length === 0) return new Uint8ArrayList()
    let data: Uint8ArrayList | null
    try {
      data = await bytes.read({ bytes: length, signal: options?.signal })
    } catch (err) {
      if (err instanceof UnexpectedEOFError) throw new MalformedFrameError('stream ended inside a frame')
      throw err
    }
    if (data == null || data.byteLength !== length) throw new MalformedFrameError('stream ended inside a frame')
    return data
  }
  return {
    async read (options) {
      const data = await readList(options)
      return data == null ? null : data.subarray()
    },
    readList,
    hasFrame () {
      const buf = bytes.readBuffer
      if (buf == null) return false
      const len = peekLength(buf, maxLengthBytes)
      if (len == null || len.bytes < 0 || len.value > init.maxFrameBytes) return false
      return buf.byteLength >= len.bytes + len.value
    },
    async write (frame, options) {
      await bytes.write(new Uint8ArrayList(encodeVarint(frame.byteLength), frame), options)
    },
    async writeParts (parts, options) {
      const length = parts.reduce((n, p) => n + p.byteLength, 0)
      await bytes.write(new Uint8ArrayList(encodeVarint(length), ...parts), options)
    }
  }
}

/** Serialises writes of whole frames from concurrent producers (pages, live pushes, answers); the first failure sticks. */
export class FrameWriter {
  private tail: Promise<void> = Promise.resolve()
  private failure: Error | undefined

  constructor (private readonly frames: Pick<FrameStream, 'write'>, private readonly signal?: AbortSignal) {}

  async write (frame: Uint8Array): Promise<void> {
    const next = this.tail.then(async () => {
      if (this.failure != null) throw this.failure
      try {
        await this.frames.write(frame, { signal: this.signal })
      } catch (err) {
        this.failure ??= err as Error
        throw err
      }
    })
    this.tail = next.catch(() => {})
    await next
  }

  /** Resolves once every frame given so far is written; rejects with the first write failure. */
  async flush (): Promise<void> {
    await this.tail
    if (this.failure != null) throw this.failure
  }
}

/** A promise with its settle functions (Promise.withResolvers is newer than this project's target). */
export interface Deferred<T> {
  promise: Promise<T>
  resolve: (value: T) => void
  reject: (err: Error) => void
}

export function deferred<T = void> (): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (err: Error) => void
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej })
  return { promise, resolve, reject }
}
