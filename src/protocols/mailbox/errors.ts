/** Mailbox refusals: a typed status on the wire, an error class with a static `name` on each side. */
import { RateLimitedError } from '../errors.js'
import { rateLimitedRow, statusTable } from '../status-table.js'
import { RelayFrame } from './pb/mailbox.js'

export { RateLimitedError }

/** Base of the mailbox refusals that travel as a status code. */
export class MailboxServiceError extends Error {
  static name = 'MailboxServiceError'
  /** its wire status, read from the protocol's status table */
  get status (): RelayFrame.Status { return STATUSES.statusOf(this) }

  constructor (message: string) {
    super(message)
    this.name = 'MailboxServiceError'
  }
}

/** A field is missing, malformed or of the wrong size, or a frame came out of order. */
export class InvalidMailboxRequestError extends MailboxServiceError {
  static name = 'InvalidMailboxRequestError'
  constructor (message = 'invalid mailbox request') {
    super(message)
    this.name = 'InvalidMailboxRequestError'
  }
}

/** The owner's signed challenge does not verify (wrong key, wrong relay or connection, stale time): nobody else reads or deletes a mailbox. */
export class MailboxAuthError extends MailboxServiceError {
  static name = 'MailboxAuthError'
  constructor (message = 'mailbox authentication failed') {
    super(message)
    this.name = 'MailboxAuthError'
  }
}

/** The mailbox holds its quota of envelopes or bytes; nothing was stored. */
export class MailboxFullError extends MailboxServiceError {
  static name = 'MailboxFullError'
  constructor (message = 'the mailbox is full') {
    super(message)
    this.name = 'MailboxFullError'
  }
}

/** The envelope exceeds MAX_ENVELOPE_BYTES; nothing was stored. */
export class EnvelopeTooLargeError extends MailboxServiceError {
  static name = 'EnvelopeTooLargeError'
  constructor (message = 'the envelope is too large') {
    super(message)
    this.name = 'EnvelopeTooLargeError'
  }
}

/** This relay keeps no mailbox for that owner (the owner never uploaded prekeys here). */
export class UnknownMailboxError extends MailboxServiceError {
  static name = 'UnknownMailboxError'
  constructor (message = 'this relay keeps no mailbox for that owner') {
    super(message)
    this.name = 'UnknownMailboxError'
  }
}

/** The relay failed inside; nothing was stored. */
export class MailboxInternalError extends MailboxServiceError {
  static name = 'MailboxInternalError'
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

/** The mailbox's statuses and their error classes, both ways (the first row of a status is the class a client builds). */
export const STATUSES = statusTable<RelayFrame.Status, RelayFrame>([
  { status: RelayFrame.Status.INVALID_REQUEST, error: InvalidMailboxRequestError },
  { status: RelayFrame.Status.AUTH_FAILED, error: MailboxAuthError },
  rateLimitedRow(RelayFrame.Status.RATE_LIMITED),
  { status: RelayFrame.Status.MAILBOX_FULL, error: MailboxFullError },
  { status: RelayFrame.Status.TOO_LARGE, error: EnvelopeTooLargeError },
  { status: RelayFrame.Status.UNKNOWN_MAILBOX, error: UnknownMailboxError },
  { status: RelayFrame.Status.INTERNAL, error: MailboxInternalError },
  { status: RelayFrame.Status.INTERNAL, error: MailboxServiceError }
], MailboxInternalError)

/** The fields of a refusal frame for an error thrown by the backend or the checks. */
export function errorFrame (err: unknown): Partial<RelayFrame> {
  return { type: RelayFrame.Type.RESULT, ...STATUSES.response(err) }
}

/** The error class for a refusal frame. */
export function frameError (frame: RelayFrame): Error {
  return STATUSES.error(frame)
}
