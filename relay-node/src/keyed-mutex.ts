/** An async mutex per key: work on one key (a number, an identity) runs one at a time, different keys run in parallel. */

export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>()

  /** Runs `fn` after every earlier `run` on the same key has settled. */
  async run<T> (key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve()
    let release!: () => void
    const mine = new Promise<void>(resolve => { release = resolve })
    const tail = previous.then(async () => await mine)
    this.tails.set(key, tail)
    await previous
    try {
      return await fn()
    } finally {
      release()
      if (this.tails.get(key) === tail) this.tails.delete(key)
    }
  }

  /** Keys with work queued or running (for tests and metrics). */
  get size (): number {
    return this.tails.size
  }
}
