// Exponential backoff: the wait before a retry from the number of earlier failures; knows nothing of what is retried or of clocks.
/** Doublings stop here: far past any maxMs in use, and 2 ** 30 keeps the product finite. */
const MAX_DOUBLINGS = 30

export interface BackoffOptions {
  /** the wait after the first failure (attempt 0) */
  minMs: number
  /** no wait is longer @default Infinity */
  maxMs?: number
}

/** `minMs * 2 ** attempt`, at most `maxMs`; attempt counts from 0 (a fractional one counts as the integer below it; a negative one or NaN as 0). */
export function backoff (attempt: number, options: BackoffOptions): number {
  const n = Number.isNaN(attempt) ? 0 : Math.min(MAX_DOUBLINGS, Math.max(0, Math.floor(attempt)))
  return Math.min(options.maxMs ?? Infinity, options.minMs * 2 ** n)
}
