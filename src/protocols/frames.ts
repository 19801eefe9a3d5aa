/** Varint length-prefixed frames over a byte stream for protocols that carry many frames per stream: a clean end between frames is distinguished from a truncated frame. Knows nothing of what the frames contain. */
import { byteStream, type ByteStream } from '@libp2p/utils'
import { Uint8ArrayList } from 'uint8arraylist'
import type { AbortOptions, Stream } from '@libp2p/interface'

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
  /** The next frame, or null when the remote closed its writing side between frames. */
  read (options?: AbortOptions): Promise<Uint8Array | null>
  write (frame: Uint8Array, options?: AbortOptions): Promise<void>
}

/** Wraps `stream`; `maxFrameBytes` bounds what read() accepts, `maxBufferBytes` what is buffered ahead of the reader before the stream is aborted. */
export function frameStream (stream: Stream, init: { maxFrameBytes: number, maxBufferBytes: number }): FrameStream {
  const bytes: ByteStream<Stream> = byteStream(stream, { maxBufferSize: init.maxBufferBytes })
  const maxLengthBytes = encodeVarint(init.maxFrameBytes).length
  return {
    async read (options) {
      let length = 0
      let scale = 1
      for (let i = 0; ; i++) {
        let chunk: Uint8ArrayList | null
        try {
          chunk = await bytes.read({ bytes: 1, signal: options?.signal })
        } catch (err) {
          // EOF before the first byte of a frame is the remote's clean end of writing
          if (i === 0 && (err as Error).name === 'UnexpectedEOFError') return null
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
      if (length === 0) return new Uint8Array(0)
      const data = await bytes.read({ bytes: length, signal: options?.signal })
      if (data == null || data.byteLength !== length) throw new MalformedFrameError('stream ended inside a frame')
      return data.subarray()
    },
    async write (frame, options) {
      await bytes.write(new Uint8ArrayList(encodeVarint(frame.byteLength), frame), options)
    }
  }
}
