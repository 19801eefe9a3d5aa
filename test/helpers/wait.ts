/** Bounded waiting for tests: events with a timeout, and retrying an operation until it succeeds or time runs out. */

export class WaitTimeoutError extends Error {
  static name = 'WaitTimeoutError'
  constructor (message: string) {
    super(message)
    this.name = 'WaitTimeoutError'
  }
}

/**
 * Runs `attempt` until it resolves, at most `timeout` ms in all. For conditions that no
 * event announces (another process's routing table, say); each failed attempt is retried
 * after `interval` ms. The last error is kept in the timeout's message.
 */
export async function retryUntil<T> (attempt: (signal: AbortSignal) => Promise<T>, options: { timeout: number, interval?: number, what: string }): Promise<T> {
  const deadline = Date.now() + options.timeout
  let last: unknown
  while (Date.now() < deadline) {
    const signal = AbortSignal.timeout(Math.max(1, deadline - Date.now()))
    try {
      return await attempt(signal)
    } catch (err) {
      last = err
    }
    await new Promise(resolve => setTimeout(resolve, options.interval ?? 200))
  }
  throw new WaitTimeoutError(`${options.what}: not done in ${options.timeout} ms (last error: ${(last as Error)?.message ?? 'none'})`)
}

/** Resolves with the first event of `type` on `target` for which `accept` holds, or rejects after `timeout` ms. */
export async function waitForEvent<T extends Event = Event> (target: EventTarget, type: string, options: { timeout: number, accept?: (event: T) => boolean }): Promise<T> {
  return await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      target.removeEventListener(type, listener)
      reject(new WaitTimeoutError(`no '${type}' event in ${options.timeout} ms`))
    }, options.timeout)
    const listener = (event: Event): void => {
      if (options.accept != null && !options.accept(event as T)) return
      clearTimeout(timer)
      target.removeEventListener(type, listener)
      resolve(event as T)
    }
    target.addEventListener(type, listener)
  })
}
