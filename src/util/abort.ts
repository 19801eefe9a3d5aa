// Abort helpers for every layer: race a promise against a signal, an abortable sleep, a deadline that tells its own timeout from the caller's abort; knows nothing of what is waited for.
import { TimeoutError, type AbortOptions } from '@libp2p/interface'
import { raceSignal } from 'race-signal'

/** The promise's outcome, or the signal's reason as soon as it aborts (its listener is removed when settled). */
export { raceSignal }

/** Resolves after `ms`; rejects with the signal's reason when it aborts first (or already has). The timer and listener are cleaned up either way. */
export async function sleep (ms: number, options: AbortOptions = {}): Promise<void> {
  const signal = options.signal
  signal?.throwIfAborted()
  let timer: ReturnType<typeof setTimeout> | undefined
  let onAbort: (() => void) | undefined
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(resolve, ms)
      if (signal != null) {
        onAbort = () => { reject(signal.reason) }
        signal.addEventListener('abort', onAbort, { once: true })
      }
    })
  } finally {
    clearTimeout(timer)
    if (onAbort != null) signal?.removeEventListener('abort', onAbort)
  }
}

/** Resolves when the signal aborts, at once when it already has (a `once` listener: gone when it fires). */
export async function untilAborted (signal: AbortSignal): Promise<void> {
  if (signal.aborted) return
  await new Promise<void>(resolve => { signal.addEventListener('abort', () => { resolve() }, { once: true }) })
}

/**
 * Runs `fn` with a signal that fires after `ms` (reason: TimeoutError) or when `signal` aborts. A caller's abort
 * (before or during) rejects with the caller's reason; a failure after our own timeout rejects with
 * `onTimeout(err)` when given, else with `err` as `fn` threw it. The timer and listener are gone when this settles.
 */
export async function withTimeout<T> (ms: number, signal: AbortSignal | undefined, fn: (signal: AbortSignal) => Promise<T>, onTimeout?: (cause: unknown) => Error): Promise<T> {
  signal?.throwIfAborted()
  const controller = new AbortController()
  const timer = setTimeout(() => { controller.abort(new TimeoutError(`timed out after ${ms} ms`)) }, ms)
  const onAbort = (): void => { controller.abort(signal?.reason) }
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    return await fn(controller.signal)
  } catch (err) {
    if (signal?.aborted === true) throw signal.reason
    if (controller.signal.aborted && onTimeout != null) throw onTimeout(err)
    throw err
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
  }
}
