// The verifier's refusal classes: name, the message a person sees, fields, and the wire status each stands for (both ways).
import { describe, it, expect } from 'vitest'
import {
  VerificationError, InvalidNumberError, WrongCodeError, CodeExpiredError, TooManyTriesError, NoPendingCodeError,
  SmsFailedError, InvalidVerifyRequestError, VerifierInternalError, RateLimitedError
} from '../../src/protocols/verify/index.js'
import { errorResponse, responseError } from '../../src/protocols/verify/errors.js'
import { VerifyResponse } from '../../src/protocols/verify/pb/verify.js'

const S = VerifyResponse.Status

describe('verifier errors', () => {
  it('each class: its name, its default message and its status', () => {
    const rows: Array<[Error & { status: VerifyResponse.Status }, string, string, VerifyResponse.Status]> = [
      [new InvalidNumberError(), 'InvalidNumberError', 'not a valid phone number (use international format, e.g. +44 20 7946 0958)', S.INVALID_NUMBER],
      [new CodeExpiredError(), 'CodeExpiredError', 'the code has expired; request a new one', S.CODE_EXPIRED],
      [new TooManyTriesError(), 'TooManyTriesError', 'too many wrong tries; request a new code', S.TOO_MANY_TRIES],
      [new NoPendingCodeError(), 'NoPendingCodeError', 'no code is pending for this number; request one first', S.NO_PENDING_CODE],
      [new SmsFailedError(), 'SmsFailedError', 'the verifier could not send the SMS; try again later', S.SMS_FAILED],
      [new InvalidVerifyRequestError(), 'InvalidVerifyRequestError', 'invalid verification request', S.INVALID_REQUEST],
      [new VerifierInternalError(), 'VerifierInternalError', 'the verifier failed; try again later', S.INTERNAL],
      [new VerificationError('something'), 'VerificationError', 'something', S.INTERNAL],
      [new WrongCodeError(3), 'WrongCodeError', 'wrong code; 3 tries left', S.WRONG_CODE]
    ]
    for (const [err, name, message, status] of rows) {
      expect(err.name, name).toBe(name)
      expect(err.message, name).toBe(message)
      expect(err.status, name).toBe(status)
      expect(err).toBeInstanceOf(VerificationError)
      expect(String(err), name).toBe(`${name}: ${message}`)
    }
  })

  it('WrongCodeError says "try" for one try left and "tries" otherwise, and keeps triesLeft', () => {
    expect(new WrongCodeError(1)).toMatchObject({ triesLeft: 1, message: 'wrong code; 1 try left' })
    expect(new WrongCodeError(2)).toMatchObject({ triesLeft: 2, message: 'wrong code; 2 tries left' })
    expect(new WrongCodeError(0)).toMatchObject({ triesLeft: 0, message: 'wrong code; 0 tries left' })
    expect(new WrongCodeError(4, 'custom')).toMatchObject({ triesLeft: 4, message: 'custom' })
  })

  it('a response without a message gives the default message on the client; tries left and retry time come across', () => {
    const res = (fields: Partial<VerifyResponse>): VerifyResponse => ({ status: S.OK, attestation: new Uint8Array(0), retryAfterMs: 0, triesLeft: 0, expiresInMs: 0, message: '', verifierKey: new Uint8Array(0), ...fields })
    expect(responseError(res({ status: S.CODE_EXPIRED }))).toMatchObject({ name: 'CodeExpiredError', message: 'the code has expired; request a new one' })
    expect(responseError(res({ status: S.TOO_MANY_TRIES }))).toMatchObject({ name: 'TooManyTriesError', message: 'too many wrong tries; request a new code' })
    expect(responseError(res({ status: S.NO_PENDING_CODE }))).toMatchObject({ name: 'NoPendingCodeError', message: 'no code is pending for this number; request one first' })
    expect(responseError(res({ status: S.SMS_FAILED }))).toMatchObject({ name: 'SmsFailedError', message: 'the verifier could not send the SMS; try again later' })
    expect(responseError(res({ status: S.INTERNAL }))).toMatchObject({ name: 'VerifierInternalError', message: 'the verifier failed; try again later' })
    expect(responseError(res({ status: S.WRONG_CODE, triesLeft: 1 }))).toMatchObject({ name: 'WrongCodeError', triesLeft: 1, message: 'wrong code; 1 try left' })
    expect(responseError(res({ status: S.RATE_LIMITED, retryAfterMs: 2500 }))).toMatchObject({ name: 'RateLimitedError', retryAfterMs: 2500 })
    expect(responseError(res({ status: S.INVALID_REQUEST, message: 'why' }))).toMatchObject({ name: 'InvalidVerifyRequestError', message: 'why' })
  })

  it('the server answers each refusal with its status and message; anything else is INTERNAL with the default message', () => {
    expect(errorResponse(new WrongCodeError(2))).toEqual({ status: S.WRONG_CODE, triesLeft: 2, message: 'wrong code; 2 tries left' })
    expect(errorResponse(new RateLimitedError(1000))).toEqual({ status: S.RATE_LIMITED, retryAfterMs: 1000, message: 'rate limited; retry in 1 s' })
    expect(errorResponse(new VerificationError('base'))).toEqual({ status: S.INTERNAL, message: 'base' })
    expect(errorResponse(new Error('secret detail'))).toEqual({ status: S.INTERNAL, message: 'the verifier failed; try again later' })
  })
})
