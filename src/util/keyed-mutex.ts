// KeyedMutex: a per-key serial queue (one peer address, one phone number, one identity at a time); shared by sessions and relay services, knows neither.
import { AbortError, throwIfAborted } from '../storage/index.js'
import type { AbortOptions } from '@libp2p/interface'
import { raceSignal } from './abort.js'

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
      // our turn comes when `previous` settles; an abort while waiting rejects with AbortError at once
      await raceSignal(previous, options?.signal, { translateError: () => new AbortError() })
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
