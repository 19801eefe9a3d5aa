/** A deadline that restarts on progress, for clients of multi-frame protocols (mailbox, group mailbox): its signal fires after `ms` without a reset, or when the caller's signal aborts. Knows nothing of what progress is. */
import { TimeoutError } from '@libp2p/interface'

/** A controller whose signal fires after `ms` without a reset(), or when `outer` aborts. */
export class ProgressTimer {
  private readonly controller = new AbortController()
  private timer: ReturnType<typeof setTimeout> | undefined
  private readonly onOuter = (): void => { this.controller.abort(this.outer?.reason) }

  constructor (private readonly ms: number, private readonly outer?: AbortSignal) {
    if (outer?.aborted === true) this.controller.abort(outer.reason)
    outer?.addEventListener('abort', this.onOuter, { once: true })
    this.reset()
  }

  get signal (): AbortSignal { return this.controller.signal }

  reset (): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => { this.controller.abort(new TimeoutError(`no progress in ${this.ms} ms`)) }, this.ms)
  }

  /** Stops the timer and lets go of the caller's signal (call in `finally`). */
  clear (): void {
    clearTimeout(this.timer)
    this.outer?.removeEventListener('abort', this.onOuter)
  }
}
