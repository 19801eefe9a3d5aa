/** Group mailbox refusals: a typed status on the wire, an error class with a static `name` on each side. Knows nothing of groups. */
import { RateLimitedError } from '../errors.js'
import { rateLimitedRow, statusTable } from '../status-table.js'
import { RelayFrame } from './pb/group-mailbox.js'

/** Base of the group mailbox refusals that travel as a status code. */
export class GroupMailboxServiceError extends Error {
  static name = 'GroupMailboxServiceError'
  /** its wire status, read from the protocol's status table */
  get status (): RelayFrame.Status { return STATUSES.statusOf(this) }

  constructor (message: string) {
    super(message)
    this.name = 'GroupMailboxServiceError'
  }
}

/** A field is missing, malformed or of the wrong size, or a frame came out of order. */
export class InvalidGroupMailboxRequestError extends GroupMailboxServiceError {
  static name = 'InvalidGroupMailboxRequestError'
  constructor (message = 'invalid group mailbox request') {
    super(message)
    this.name = 'InvalidGroupMailboxRequestError'
  }
}

/** The device's signed challenge does not verify, or the device is not an owner here (it uploaded no prekeys to this relay). */
export class GroupMailboxAuthError extends GroupMailboxServiceError {
  static name = 'GroupMailboxAuthError'
  constructor (message = 'group mailbox authentication failed') {
    super(message)
    this.name = 'GroupMailboxAuthError'
  }
}

/** The topic holds its quota of messages or bytes, or the device its quota of topics; nothing was stored. */
export class GroupTopicFullError extends GroupMailboxServiceError {
  static name = 'GroupTopicFullError'
  constructor (message = 'the topic is full') {
    super(message)
    this.name = 'GroupTopicFullError'
  }
}

/** The message exceeds MAX_GROUP_MESSAGE_BYTES; nothing was stored. */
export class GroupMessageTooLargeError extends GroupMailboxServiceError {
  static name = 'GroupMessageTooLargeError'
  constructor (message = 'the group message is too large') {
    super(message)
    this.name = 'GroupMessageTooLargeError'
  }
}

/**
 * No such topic here for this request: for a deposit or GET, the topic is not registered or the deposit key is
 * wrong (one status for both, so a prober learns nothing); for FETCH and ACK, this device has not registered it.
 */
export class UnknownGroupTopicError extends GroupMailboxServiceError {
  static name = 'UnknownGroupTopicError'
  constructor (message = 'no such topic here, or not this deposit key') {
    super(message)
    this.name = 'UnknownGroupTopicError'
  }
}

/** The relay failed inside; nothing was stored. */
export class GroupMailboxInternalError extends GroupMailboxServiceError {
  static name = 'GroupMailboxInternalError'
  constructor (message = 'the relay failed; try again later') {
    super(message)
    this.name = 'GroupMailboxInternalError'
  }
}

/** The session or stream ended (closed, aborted, or the relay went away) before the operation completed. */
export class GroupMailboxClosedError extends Error {
  static name = 'GroupMailboxClosedError'
  constructor (message = 'the group mailbox session is closed') {
    super(message)
    this.name = 'GroupMailboxClosedError'
  }
}

/** The statuses and their error classes, both ways (the first row of a status is the class a client builds). */
export const STATUSES = statusTable<RelayFrame.Status, RelayFrame>([
  { status: RelayFrame.Status.INVALID_REQUEST, error: InvalidGroupMailboxRequestError },
  { status: RelayFrame.Status.AUTH_FAILED, error: GroupMailboxAuthError },
  rateLimitedRow(RelayFrame.Status.RATE_LIMITED),
  { status: RelayFrame.Status.TOPIC_FULL, error: GroupTopicFullError },
  { status: RelayFrame.Status.TOO_LARGE, error: GroupMessageTooLargeError },
  { status: RelayFrame.Status.UNKNOWN_TOPIC, error: UnknownGroupTopicError },
  { status: RelayFrame.Status.INTERNAL, error: GroupMailboxInternalError },
  { status: RelayFrame.Status.INTERNAL, error: GroupMailboxServiceError }
], GroupMailboxInternalError)

/** The fields of a refusal frame for an error thrown by the backend or the checks. */
export function errorFrame (err: unknown): Partial<RelayFrame> {
  return { type: RelayFrame.Type.RESULT, ...STATUSES.response(err) }
}

/** The error class for a refusal frame. */
export function frameError (frame: RelayFrame): Error {
  return STATUSES.error(frame)
}

export { RateLimitedError }
