// The prekey service's refusal classes: name, the message a person sees, and the wire status each stands for (both ways).
import { describe, it, expect } from 'vitest'
import {
  PreKeyServiceError, InvalidPreKeyRequestError, PreKeySignatureError, StaleUploadError, WrongRelayError,
  PreKeysNotFoundError, PreKeyLimitError, PreKeyInternalError, RateLimitedError
} from '../../src/protocols/prekeys/index.js'
import { errorResponse, responseError } from '../../src/protocols/prekeys/errors.js'
import { PreKeyResponse } from '../../src/protocols/prekeys/pb/prekeys.js'

const S = PreKeyResponse.Status

describe('prekey service errors', () => {
  it('each class: its name, its default message and its status', () => {
    const rows: Array<[PreKeyServiceError, string, string, PreKeyResponse.Status]> = [
      [new InvalidPreKeyRequestError(), 'InvalidPreKeyRequestError', 'invalid prekey request', S.INVALID_REQUEST],
      [new PreKeySignatureError(), 'PreKeySignatureError', 'signature does not verify under the identity key', S.BAD_SIGNATURE],
      [new StaleUploadError(), 'StaleUploadError', 'upload timestamp is stale or replayed', S.STALE_REQUEST],
      [new WrongRelayError(), 'WrongRelayError', 'upload was signed for another relay', S.WRONG_RELAY],
      [new PreKeysNotFoundError(), 'PreKeysNotFoundError', 'no prekeys stored for this identity', S.NOT_FOUND],
      [new PreKeyLimitError(), 'PreKeyLimitError', 'too many prekeys', S.LIMIT_EXCEEDED],
      [new PreKeyInternalError(), 'PreKeyInternalError', 'the relay failed; try again later', S.INTERNAL],
      [new PreKeyServiceError('something'), 'PreKeyServiceError', 'something', S.INTERNAL]
    ]
    for (const [err, name, message, status] of rows) {
      expect(err.name, name).toBe(name)
      expect(err.message, name).toBe(message)
      expect(err.status, name).toBe(status)
      expect(err).toBeInstanceOf(PreKeyServiceError)
      expect(String(err), name).toBe(`${name}: ${message}`)
    }
    expect(new PreKeyLimitError('at most 6 devices')).toMatchObject({ name: 'PreKeyLimitError', message: 'at most 6 devices', status: S.LIMIT_EXCEEDED })
  })

  it('a response without a message gives the default message on the client; an unknown status is internal', () => {
    const res = (fields: Partial<PreKeyResponse>): PreKeyResponse => ({ status: S.OK, message: '', retryAfterMs: 0, oneTimePreKeysLeft: 0, kemOneTimePreKeysLeft: 0, bundle: new Uint8Array(0), ...fields })
    const defaults: Array<[PreKeyResponse.Status, string, string]> = [
      [S.INVALID_REQUEST, 'InvalidPreKeyRequestError', 'invalid prekey request'],
      [S.BAD_SIGNATURE, 'PreKeySignatureError', 'signature does not verify under the identity key'],
      [S.STALE_REQUEST, 'StaleUploadError', 'upload timestamp is stale or replayed'],
      [S.WRONG_RELAY, 'WrongRelayError', 'upload was signed for another relay'],
      [S.NOT_FOUND, 'PreKeysNotFoundError', 'no prekeys stored for this identity'],
      [S.LIMIT_EXCEEDED, 'PreKeyLimitError', 'too many prekeys'],
      [S.INTERNAL, 'PreKeyInternalError', 'the relay failed; try again later'],
      [99 as unknown as PreKeyResponse.Status, 'PreKeyInternalError', 'the relay failed; try again later']
    ]
    for (const [status, name, message] of defaults) expect(responseError(res({ status })), name).toMatchObject({ name, message })
    expect(responseError(res({ status: S.RATE_LIMITED, retryAfterMs: 1500 }))).toMatchObject({ name: 'RateLimitedError', retryAfterMs: 1500, message: 'rate limited; retry in 2 s' })
    expect(responseError(res({ status: S.NOT_FOUND, message: 'no prekeys stored for this device' }))).toMatchObject({ name: 'PreKeysNotFoundError', message: 'no prekeys stored for this device' })
  })

  it('the server answers each refusal with its status and message; anything else is INTERNAL with the default message', () => {
    expect(errorResponse(new WrongRelayError())).toEqual({ status: S.WRONG_RELAY, message: 'upload was signed for another relay' })
    expect(errorResponse(new RateLimitedError(1000))).toEqual({ status: S.RATE_LIMITED, retryAfterMs: 1000, message: 'rate limited; retry in 1 s' })
    expect(errorResponse(new PreKeyServiceError('base'))).toEqual({ status: S.INTERNAL, message: 'base' })
    expect(errorResponse(new Error('disk full at /var/lib/relay'))).toEqual({ status: S.INTERNAL, message: 'the relay failed; try again later' })
  })
})
