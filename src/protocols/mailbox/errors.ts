/** Mailbox refusals: a typed status on the wire, an error class with a static `name` on each side. */
import { RateLimitedError } from '../errors.js'
import { RelayFrame } from './pb/mailbox.js'

export { RateLimitedError }

/** Base of the mailbox refusals that travel as a status code. */
export class MailboxServiceError extends Error {
  static name = 'MailboxServiceError'
  readonly status: RelayFrame.Status = RelayFrame.Status.INTERNAL
  constructor (message: string) {
    super(message)
    this.name = 'MailboxServiceError'
  }
}

/** A field is missing, malformed or of the wrong size, or a frame came out of order. */
export class InvalidMailboxRequestError extends MailboxServiceError {
  static name = 'InvalidMailboxRequestError'
  readonly status = RelayFrame.Status.INVALID_REQUEST
  constructor (message = 'invalid mailbox request') {
    super(message)
    this.name = 'InvalidMailboxRequestError'
  }
}

/** The owner's signed challenge does not verify (wrong key, wrong relay or connection, stale time): nobody else reads or deletes a mailbox. */
export class MailboxAuthError extends MailboxServiceError {
  static name = 'MailboxAuthError'
  readonly status = RelayFrame.Status.AUTH_FAILED
  constructor (message = 'mailbox authentication failed') {
    super(message)
    this.name = 'MailboxAuthError'
  }
}

/** The mailbox holds its quota of envelopes or bytes; nothing was stored. */
export class MailboxFullError extends MailboxServiceError {
  static name = 'MailboxFullError'
  readonly status = RelayFrame.Status.MAILBOX_FULL
  constructor (message = 'the mailbox is full') {
    super(message)
    this.name = 'MailboxFullError'
  }
}

/** The envelope exceeds MAX_ENVELOPE_BYTES; nothing was stored. */
export class EnvelopeTooLargeError extends MailboxServiceError {
  static name = 'EnvelopeTooLargeError'
  readonly status = RelayFrame.Status.TOO_LARGE
  constructor (message = 'the envelope is too large') {
    super(message)
    this.name = 'EnvelopeTooLargeError'
  }
}

/** This relay keeps no mailbox for that owner (the owner never uploaded prekeys here). */
export class UnknownMailboxError extends MailboxServiceError {
  static name = 'UnknownMailboxError'
  readonly status = RelayFrame.Status.UNKNOWN_MAILBOX
  constructor (message = 'this relay keeps no mailbox for that owner') {
    super(message)
    this.name = 'UnknownMailboxError'
  }
}

/** The relay failed inside; nothing was stored. */
export class MailboxInternalError extends MailboxServiceError {
  static name = 'MailboxInternalError'
  readonly status = RelayFrame.Status.INTERNAL
  constructor (message = 'the relay failed; try again later') {
    super(message)
    this.name = 'MailboxInternalError'
  }
}

/** The session ended (closed, aborted, or the relay went away) before the operation completed. */
export class MailboxClosedError extends Error {
  static name = 'MailboxClosedError'
  constructor (message = 'the mailbox session is closed') {
    super(message)
    this.name = 'MailboxClosedError'
  }
}

/** The fields of a refusal frame for an error thrown by the backend or the checks. */
export function errorFrame (err: unknown): Partial<RelayFrame> {
  if (err instanceof RateLimitedError) {
    return { type: RelayFrame.Type.RESULT, status: RelayFrame.Status.RATE_LIMITED, retryAfterMs: Math.max(0, Math.min(0xffffffff, Math.ceil(err.retryAfterMs))), message: err.message }
  }
  if (err instanceof MailboxServiceError) return { type: RelayFrame.Type.RESULT, status: err.status, message: err.message }
  return { type: RelayFrame.Type.RESULT, status: RelayFrame.Status.INTERNAL, message: new MailboxInternalError().message }
}

/** The error class for a refusal frame. */
export function frameError (frame: RelayFrame): Error {
  const m = frame.message !== '' ? frame.message : undefined
  switch (frame.status) {
    case RelayFrame.Status.INVALID_REQUEST: return new InvalidMailboxRequestError(m)
    case RelayFrame.Status.AUTH_FAILED: return new MailboxAuthError(m)
    case RelayFrame.Status.RATE_LIMITED: return new RateLimitedError(frame.retryAfterMs, m)
    case RelayFrame.Status.MAILBOX_FULL: return new MailboxFullError(m)
    case RelayFrame.Status.TOO_LARGE: return new EnvelopeTooLargeError(m)
    case RelayFrame.Status.UNKNOWN_MAILBOX: return new UnknownMailboxError(m)
    default: return new MailboxInternalError(m)
  }
}
