// KeyedMutex: a per-key serial queue (one peer address, one phone number, one identity at a time); shared by sessions and relay services, knows neither.
import { AbortError, throwIfAborted } from '../storage/index.js'
import type { AbortOptions } from '../storage/index.js'

/** Resolves when `previous` settles; rejects with AbortError as soon as the signal aborts. */
async function waitTurn (previous: Promise<void>, signal?: AbortSignal): Promise<void> {
  if (signal == null) {
    await previous
    return
  }
  let onAbort!: () => void
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => { reject(new AbortError()) }
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    await Promise.race([previous, aborted])
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>()

  /**
   * Runs fn after every earlier fn of the same key has settled; different keys run concurrently.
   * A task whose signal aborts while it waits rejects with AbortError at once and never runs;
   * later tasks still wait for every earlier one.
   */
  async run<T> (key: string, fn: () => Promise<T>, options?: AbortOptions): Promise<T> {
    throwIfAborted(options)
    const previous = this.tails.get(key) ?? Promise.resolve()
    let release!: () => void
    const done = new Promise<void>(resolve => { release = resolve })
    const tail = previous.then(async () => await done)
    this.tails.set(key, tail)
    try {
      await waitTurn(previous, options?.signal)
      throwIfAborted(options)
      return await fn()
    } finally {
      release()
      if (this.tails.get(key) === tail) this.tails.delete(key)
    }
  }

  /** Number of keys with queued or running work (for tests and metrics). */
  get size (): number {
    return this.tails.size
  }
}
