/** TURN credential refusals: a typed status on the wire, an error class with a static `name` on each side. Knows nothing of TURN servers. */
import { RateLimitedError } from '../errors.js'
import { rateLimitedRow, statusTable } from '../status-table.js'
import { TurnRelayFrame } from './pb/turn.js'

/** Base of the TURN refusals that travel as a status code. */
export class TurnServiceError extends Error {
  static name = 'TurnServiceError'
  /** its wire status, read from the protocol's status table */
  get status (): TurnRelayFrame.Status { return STATUSES.statusOf(this) }

  constructor (message: string) {
    super(message)
    this.name = 'TurnServiceError'
  }
}

/** A frame is malformed, of the wrong kind or out of order, or a field is of the wrong size. */
export class MalformedTurnFrameError extends TurnServiceError {
  static name = 'MalformedTurnFrameError'
  constructor (message = 'malformed TURN request') {
    super(message)
    this.name = 'MalformedTurnFrameError'
  }
}

/** The device's signed challenge does not verify for this device, relay, connection, protocol and time. */
export class TurnAuthError extends TurnServiceError {
  static name = 'TurnAuthError'
  constructor (message = 'TURN authentication failed') {
    super(message)
    this.name = 'TurnAuthError'
  }
}

/** The signature verifies but the device is not registered here (it has no prekeys at this relay): TURN is for the relay's own users. */
export class TurnUnknownDeviceError extends TurnAuthError {
  static name = 'TurnUnknownDeviceError'
  constructor (message = 'this device is not registered at this relay (no prekeys here)') {
    super(message)
    this.name = 'TurnUnknownDeviceError'
  }
}

/** The relay offers no TURN: it runs without `--turn`, its TURN server is down, or it does not speak /parley/turn/1.0.0. */
export class TurnNotOfferedError extends TurnServiceError {
  static name = 'TurnNotOfferedError'
  constructor (message = 'this relay offers no TURN server') {
    super(message)
    this.name = 'TurnNotOfferedError'
  }
}

/** The relay failed inside; try again later. */
export class TurnInternalError extends TurnServiceError {
  static name = 'TurnInternalError'
  constructor (message = 'the relay failed; try again later') {
    super(message)
    this.name = 'TurnInternalError'
  }
}

/** The relay ended the stream before it answered. */
export class TurnStreamClosedError extends Error {
  static name = 'TurnStreamClosedError'
  constructor (message = 'the relay closed the stream before it answered') {
    super(message)
    this.name = 'TurnStreamClosedError'
  }
}

/** The statuses and their error classes, both ways (the first row of a status is the class a client builds). */
export const STATUSES = statusTable<TurnRelayFrame.Status, TurnRelayFrame>([
  { status: TurnRelayFrame.Status.MALFORMED, error: MalformedTurnFrameError },
  { status: TurnRelayFrame.Status.AUTH_FAILED, error: TurnAuthError },
  { status: TurnRelayFrame.Status.UNKNOWN_DEVICE, error: TurnUnknownDeviceError },
  rateLimitedRow(TurnRelayFrame.Status.RATE_LIMITED),
  { status: TurnRelayFrame.Status.NOT_OFFERED, error: TurnNotOfferedError },
  { status: TurnRelayFrame.Status.INTERNAL, error: TurnInternalError },
  { status: TurnRelayFrame.Status.INTERNAL, error: TurnServiceError }
], TurnInternalError)

/** The fields of a refusal frame for an error thrown by the backend or the checks. */
export function errorFrame (err: unknown): Partial<TurnRelayFrame> {
  return { type: TurnRelayFrame.Type.RESULT, ...STATUSES.response(err) }
}

/** The error class for a refusal frame. */
export function frameError (frame: TurnRelayFrame): Error {
  return STATUSES.error(frame)
}

export { RateLimitedError }
