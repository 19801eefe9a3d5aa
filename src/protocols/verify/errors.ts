/** Verification refusals: a typed status on the wire, an error class with a static `name` on each side. */
import { RateLimitedError } from '../errors.js'
import { VerifyResponse } from './pb/verify.js'

export { RateLimitedError }

/** Base of the verification refusals that travel as a status code. */
export class VerificationError extends Error {
  static name = 'VerificationError'
  readonly status: VerifyResponse.Status = VerifyResponse.Status.INTERNAL
  constructor (message: string) {
    super(message)
    this.name = 'VerificationError'
  }
}

/** The number is not a possible phone number after normalisation to E.164. */
export class InvalidNumberError extends VerificationError {
  static name = 'InvalidNumberError'
  readonly status = VerifyResponse.Status.INVALID_NUMBER
  constructor (message = 'not a valid phone number (use international format, e.g. +44 20 7946 0958)') {
    super(message)
    this.name = 'InvalidNumberError'
  }
}

/** The code does not match; `triesLeft` more tries are allowed for this code. */
export class WrongCodeError extends VerificationError {
  static name = 'WrongCodeError'
  readonly status = VerifyResponse.Status.WRONG_CODE
  constructor (readonly triesLeft: number, message = `wrong code; ${triesLeft} ${triesLeft === 1 ? 'try' : 'tries'} left`) {
    super(message)
    this.name = 'WrongCodeError'
  }
}

/** The code was right or wrong, but too old: request a new one. */
export class CodeExpiredError extends VerificationError {
  static name = 'CodeExpiredError'
  readonly status = VerifyResponse.Status.CODE_EXPIRED
  constructor (message = 'the code has expired; request a new one') {
    super(message)
    this.name = 'CodeExpiredError'
  }
}

/** Too many wrong tries: this code is dead; request a new one. */
export class TooManyTriesError extends VerificationError {
  static name = 'TooManyTriesError'
  readonly status = VerifyResponse.Status.TOO_MANY_TRIES
  constructor (message = 'too many wrong tries; request a new code') {
    super(message)
    this.name = 'TooManyTriesError'
  }
}

/** No code was requested for this number (or it was already used). */
export class NoPendingCodeError extends VerificationError {
  static name = 'NoPendingCodeError'
  readonly status = VerifyResponse.Status.NO_PENDING_CODE
  constructor (message = 'no code is pending for this number; request one first') {
    super(message)
    this.name = 'NoPendingCodeError'
  }
}

/** The verifier's SMS gateway could not send the code. */
export class SmsFailedError extends VerificationError {
  static name = 'SmsFailedError'
  readonly status = VerifyResponse.Status.SMS_FAILED
  constructor (message = 'the verifier could not send the SMS; try again later') {
    super(message)
    this.name = 'SmsFailedError'
  }
}

/** A well-formed request with an unusable field (e.g. an identity key of the wrong length). */
export class InvalidVerifyRequestError extends VerificationError {
  static name = 'InvalidVerifyRequestError'
  readonly status = VerifyResponse.Status.INVALID_REQUEST
  constructor (message = 'invalid verification request') {
    super(message)
    this.name = 'InvalidVerifyRequestError'
  }
}

/** The verifier failed inside; nothing was issued. */
export class VerifierInternalError extends VerificationError {
  static name = 'VerifierInternalError'
  readonly status = VerifyResponse.Status.INTERNAL
  constructor (message = 'the verifier failed; try again later') {
    super(message)
    this.name = 'VerifierInternalError'
  }
}

/** Server side: the response for a refusal thrown by the backend (anything unexpected is INTERNAL). */
export function errorResponse (err: unknown): Partial<VerifyResponse> {
  if (err instanceof RateLimitedError) {
    return { status: VerifyResponse.Status.RATE_LIMITED, retryAfterMs: Math.max(0, Math.min(0xffffffff, Math.ceil(err.retryAfterMs))), message: err.message }
  }
  if (err instanceof VerificationError) {
    return { status: err.status, triesLeft: err instanceof WrongCodeError ? err.triesLeft : 0, message: err.message }
  }
  return { status: VerifyResponse.Status.INTERNAL, message: new VerifierInternalError().message }
}

/** Client side: the error for a refusal status. */
export function responseError (res: VerifyResponse): Error {
  const m = res.message !== '' ? res.message : undefined
  switch (res.status) {
    case VerifyResponse.Status.INVALID_NUMBER: return new InvalidNumberError(m)
    case VerifyResponse.Status.RATE_LIMITED: return new RateLimitedError(res.retryAfterMs, m)
    case VerifyResponse.Status.WRONG_CODE: return new WrongCodeError(res.triesLeft, m)
    case VerifyResponse.Status.CODE_EXPIRED: return new CodeExpiredError(m)
    case VerifyResponse.Status.TOO_MANY_TRIES: return new TooManyTriesError(m)
    case VerifyResponse.Status.NO_PENDING_CODE: return new NoPendingCodeError(m)
    case VerifyResponse.Status.SMS_FAILED: return new SmsFailedError(m)
    case VerifyResponse.Status.INVALID_REQUEST: return new InvalidVerifyRequestError(m)
    default: return new VerifierInternalError(m)
  }
}
