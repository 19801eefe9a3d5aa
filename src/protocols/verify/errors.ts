/** Verification refusals: a typed status on the wire, an error class with a static `name` on each side. */
import { RateLimitedError } from '../errors.js'
import { rateLimitedRow, statusTable } from '../status-table.js'
import { VerifyResponse } from './pb/verify.js'

export { RateLimitedError }

/** Base of the verification refusals that travel as a status code. */
export class VerificationError extends Error {
  static name = 'VerificationError'
  /** its wire status, read from the protocol's status table */
  get status (): VerifyResponse.Status { return STATUSES.statusOf(this) }

  constructor (message: string) {
    super(message)
    this.name = 'VerificationError'
  }
}

/** The number is not a possible phone number after normalisation to E.164. */
export class InvalidNumberError extends VerificationError {
  static name = 'InvalidNumberError'
  constructor (message = 'not a valid phone number (use international format, e.g. +44 20 7946 0958)') {
    super(message)
    this.name = 'InvalidNumberError'
  }
}

/** The code does not match; `triesLeft` more tries are allowed for this code. */
export class WrongCodeError extends VerificationError {
  static name = 'WrongCodeError'
  constructor (readonly triesLeft: number, message = `wrong code; ${triesLeft} ${triesLeft === 1 ? 'try' : 'tries'} left`) {
    super(message)
    this.name = 'WrongCodeError'
  }
}

/** The code was right or wrong, but too old: request a new one. */
export class CodeExpiredError extends VerificationError {
  static name = 'CodeExpiredError'
  constructor (message = 'the code has expired; request a new one') {
    super(message)
    this.name = 'CodeExpiredError'
  }
}

/** Too many wrong tries: this code is dead; request a new one. */
export class TooManyTriesError extends VerificationError {
  static name = 'TooManyTriesError'
  constructor (message = 'too many wrong tries; request a new code') {
    super(message)
    this.name = 'TooManyTriesError'
  }
}

/** No code was requested for this number (or it was already used). */
export class NoPendingCodeError extends VerificationError {
  static name = 'NoPendingCodeError'
  constructor (message = 'no code is pending for this number; request one first') {
    super(message)
    this.name = 'NoPendingCodeError'
  }
}

/** The verifier's SMS gateway could not send the code. */
export class SmsFailedError extends VerificationError {
  static name = 'SmsFailedError'
  constructor (message = 'the verifier could not send the SMS; try again later') {
    super(message)
    this.name = 'SmsFailedError'
  }
}

/** A well-formed request with an unusable field (e.g. an identity key of the wrong length). */
export class InvalidVerifyRequestError extends VerificationError {
  static name = 'InvalidVerifyRequestError'
  constructor (message = 'invalid verification request') {
    super(message)
    this.name = 'InvalidVerifyRequestError'
  }
}

/** The verifier failed inside; nothing was issued. */
export class VerifierInternalError extends VerificationError {
  static name = 'VerifierInternalError'
  constructor (message = 'the verifier failed; try again later') {
    super(message)
    this.name = 'VerifierInternalError'
  }
}

/** The verifier's statuses and their error classes, both ways (the first row of a status is the class a client builds). */
export const STATUSES = statusTable<VerifyResponse.Status, VerifyResponse>([
  { status: VerifyResponse.Status.INVALID_NUMBER, error: InvalidNumberError },
  rateLimitedRow(VerifyResponse.Status.RATE_LIMITED),
  {
    status: VerifyResponse.Status.WRONG_CODE,
    error: WrongCodeError,
    decode: (res, m) => new WrongCodeError(res.triesLeft, m),
    encode: err => ({ triesLeft: (err as WrongCodeError).triesLeft })
  },
  { status: VerifyResponse.Status.CODE_EXPIRED, error: CodeExpiredError },
  { status: VerifyResponse.Status.TOO_MANY_TRIES, error: TooManyTriesError },
  { status: VerifyResponse.Status.NO_PENDING_CODE, error: NoPendingCodeError },
  { status: VerifyResponse.Status.SMS_FAILED, error: SmsFailedError },
  { status: VerifyResponse.Status.INVALID_REQUEST, error: InvalidVerifyRequestError },
  { status: VerifyResponse.Status.INTERNAL, error: VerifierInternalError },
  { status: VerifyResponse.Status.INTERNAL, error: VerificationError }
], VerifierInternalError)

/** Server side: the response for a refusal thrown by the backend (anything unexpected is INTERNAL). */
export function errorResponse (err: unknown): Partial<VerifyResponse> {
  return STATUSES.response(err)
}

/** Client side: the error for a refusal status. */
export function responseError (res: VerifyResponse): Error {
  return STATUSES.error(res)
}
