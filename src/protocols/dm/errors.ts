/** Direct-message errors: refusals a receiving backend throws (mapped to a wire status) and the sender's channel errors; each class has a static `name`. */
import { RateLimitedError } from '../errors.js'
import { rateLimitedRow, statusTable } from '../status-table.js'
import { DmResponse } from './pb/dm.js'

export { RateLimitedError }

/** Base of the refusals a backend may throw; anything else becomes REFUSED with a generic reason. */
export class DirectMessageError extends Error {
  static name = 'DirectMessageError'
  /** its wire status, read from the protocol's status table */
  get status (): DmResponse.Status { return STATUSES.statusOf(this) }

  constructor (message: string) {
    super(message)
    this.name = 'DirectMessageError'
  }
}

/** The envelope is empty or cannot be opened by this device: resending the same bytes will not help. */
export class InvalidEnvelopeError extends DirectMessageError {
  static name = 'InvalidEnvelopeError'
  constructor (message = 'invalid envelope') {
    super(message)
    this.name = 'InvalidEnvelopeError'
  }
}

/** The envelope exceeds MAX_ENVELOPE_BYTES. */
export class DirectEnvelopeTooLargeError extends DirectMessageError {
  static name = 'DirectEnvelopeTooLargeError'
  constructor (message = 'envelope too large') {
    super(message)
    this.name = 'DirectEnvelopeTooLargeError'
  }
}

/** The device will not take the envelope now (storage failure, shutting down): try again later or via a mailbox. */
export class DeliveryRefusedError extends DirectMessageError {
  static name = 'DeliveryRefusedError'
  constructor (message = 'the device could not store the message') {
    super(message)
    this.name = 'DeliveryRefusedError'
  }
}

/** The channel is closed, used up (MAX_FRAMES_PER_STREAM) or its stream broke: the send was not answered. */
export class DirectChannelClosedError extends Error {
  static name = 'DirectChannelClosedError'
  constructor (message = 'the direct channel is closed') {
    super(message)
    this.name = 'DirectChannelClosedError'
  }
}

/** Inbound streams over all connections reached MAX_CONCURRENT_STREAMS; the new one is aborted. */
export class TooManyStreamsError extends Error {
  static name = 'TooManyStreamsError'
  constructor (message = 'too many concurrent direct-message streams') {
    super(message)
    this.name = 'TooManyStreamsError'
  }
}

/** The direct-message statuses and their error classes, both ways (the first row of a status is the class a client builds). */
export const STATUSES = statusTable<DmResponse.Status, DmResponse>([
  { status: DmResponse.Status.REFUSED, error: DeliveryRefusedError },
  { status: DmResponse.Status.REFUSED, error: DirectMessageError },
  { status: DmResponse.Status.INVALID, error: InvalidEnvelopeError },
  { status: DmResponse.Status.TOO_LARGE, error: DirectEnvelopeTooLargeError },
  rateLimitedRow(DmResponse.Status.RATE_LIMITED)
], DeliveryRefusedError)

/** Receiver side: the response for what the backend threw (reasons of unknown errors are not sent: they may hold private details). */
export function errorResponse (err: unknown): Partial<DmResponse> {
  return STATUSES.response(err)
}
