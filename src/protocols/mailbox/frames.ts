/** Frame reading and writing shared by both ends of the mailbox protocol: end of stream as `undefined`, one writer at a time. Knows nothing of what frames mean. */
import type { LengthPrefixedStream } from '@libp2p/utils'
import type { AbortOptions } from '@libp2p/interface'

/** The next frame's bytes, or undefined when the remote closed its end (a half-sent frame is dropped). */
export async function readFrame (frames: LengthPrefixedStream, options: AbortOptions = {}): Promise<Uint8Array | undefined> {
  try {
    const buf = await frames.read(options)
    return buf == null ? undefined : buf.subarray()
  } catch (err) {
    if ((err as Error).name === 'UnexpectedEOFError') return undefined
    throw err
  }
}

/** Serialises writes of whole frames from concurrent producers (pages, live pushes, ack answers); the first failure sticks. */
export class FrameWriter {
  private tail: Promise<void> = Promise.resolve()
  private failure: Error | undefined

  constructor (private readonly frames: LengthPrefixedStream, private readonly signal?: AbortSignal) {}

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
