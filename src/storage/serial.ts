// SerialQueue: runs async read-modify-write steps of one store one at a time, so check-and-set stays atomic within a process.

export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve()

  async run<T> (fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn)
    this.tail = result.catch(() => undefined)
    return await result
  }
}
