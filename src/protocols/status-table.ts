/** One table per request/response protocol: the wire status of each refusal and its error class, read both ways from the same rows so status→error and error→status cannot drift. */
import { RateLimitedError } from './errors.js'

/** What a refusal carries on the wire besides its status: a message and the fields some statuses add. */
export interface RefusalFields<S> {
  status: S
  message: string
  retryAfterMs?: number
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- error classes differ in their constructor arguments
type ErrorClass = abstract new (...args: any[]) => Error

/** One row: a status and the error class it stands for. */
export interface StatusRow<S, R> {
  status: S
  error: ErrorClass
  /** the error for a response of this status (default: `new error(message)`) */
  decode?: (res: R, message: string | undefined) => Error
  /** the fields besides status and message of the response for an error of this row */
  encode?: (err: Error) => Partial<R>
}

export interface StatusTable<S, R> {
  readonly rows: ReadonlyArray<StatusRow<S, R>>
  /** the row of an error: its class's, else its nearest listed ancestor's; undefined for anything unlisted */
  rowOf: (err: unknown) => StatusRow<S, R> | undefined
  /** the status for an error (the fallback's for anything unlisted) */
  statusOf: (err: unknown) => S
  /** the refusal fields for what a backend threw: unlisted errors get the fallback's status and message (theirs may hold private details) */
  response: (err: unknown) => RefusalFields<S> & Partial<R>
  /** the error for a refusal response (unknown statuses give the fallback's error) */
  error: (res: R) => Error
}

/**
 * Builds a protocol's table. A status may stand for several classes (a base class and its default subclass):
 * the first row of a status is the class a client builds for it. `fallback` is the row's class for anything
 * the table does not know (unlisted errors on the server, unknown statuses on the client).
 */
export function statusTable<S, R extends { status: S, message: string }> (
  rows: Array<StatusRow<S, R>>,
  fallback: new (message?: string) => Error
): StatusTable<S, R> {
  const byClass = new Map<unknown, StatusRow<S, R>>()
  const byStatus = new Map<S, StatusRow<S, R>>()
  for (const row of rows) {
    if (byClass.has(row.error)) throw new Error(`${row.error.name} has two rows`)
    byClass.set(row.error, row)
    if (!byStatus.has(row.status)) byStatus.set(row.status, row)
  }
  const fallbackRow = byClass.get(fallback)
  if (fallbackRow == null) throw new Error(`the fallback ${fallback.name} has no row`)

  const rowOf = (err: unknown): StatusRow<S, R> | undefined => {
    if (!(err instanceof Error)) return undefined
    for (let c: unknown = err.constructor; c != null && c !== Error; c = Object.getPrototypeOf(c)) {
      const row = byClass.get(c)
      if (row != null) return row
    }
    return undefined
  }
  return {
    rows,
    rowOf,
    statusOf: err => (rowOf(err) ?? fallbackRow).status,
    response: err => {
      const row = rowOf(err)
      if (row == null) return { status: fallbackRow.status, message: new fallback().message } as RefusalFields<S> & Partial<R>
      const e = err as Error
      return { status: row.status, ...row.encode?.(e), message: e.message } as RefusalFields<S> & Partial<R>
    },
    error: res => {
      const m = res.message !== '' ? res.message : undefined
      const row = byStatus.get(res.status)
      if (row?.decode != null) return row.decode(res, m)
      return new ((row ?? fallbackRow).error as new (message?: string) => Error)(m)
    }
  }
}

/** The row every protocol has: RateLimitedError, carrying `retryAfterMs` (whole ms, within uint32). */
export function rateLimitedRow<S, R extends { retryAfterMs: number }> (status: S): StatusRow<S, R> {
  return {
    status,
    error: RateLimitedError,
    decode: (res, m) => new RateLimitedError(res.retryAfterMs, m),
    encode: err => ({ retryAfterMs: Math.max(0, Math.min(0xffffffff, Math.ceil((err as RateLimitedError).retryAfterMs))) } as Partial<R>)
  }
}
