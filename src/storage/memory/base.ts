// Shared close/abort checks of the in-memory stores; holds no data itself.
import { StoreClosedError } from '../errors.js'
import { throwIfAborted } from '../types.js'
import type { AbortOptions } from '../types.js'

/** Close state shared by all stores of one MemoryStorage. */
export class MemoryLifecycle {
  closed = false

  check (options?: AbortOptions): void {
    throwIfAborted(options)
    if (this.closed) throw new StoreClosedError()
  }
}
