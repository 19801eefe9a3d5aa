// Direct-message error classes: their names, default messages, wire statuses, and the response a receiver sends for each.
import { describe, it, expect } from 'vitest'
import {
  DeliveryRefusedError, DirectChannelClosedError, DirectEnvelopeTooLargeError, DirectMessageError, InvalidEnvelopeError, RateLimitedError, TooManyStreamsError
} from '../../src/protocols/dm/index.js'
import { errorResponse } from '../../src/protocols/dm/errors.js'
import { DmResponse } from '../../src/protocols/dm/pb/dm.js'

describe('direct-message errors', () => {
  it('have their class name and a default message a person can read', () => {
    const cases: Array<[new () => Error, string, string]> = [
      [InvalidEnvelopeError, 'InvalidEnvelopeError', 'invalid envelope'],
      [DirectEnvelopeTooLargeError, 'DirectEnvelopeTooLargeError', 'envelope too large'],
      [DeliveryRefusedError, 'DeliveryRefusedError', 'the device could not store the message'],
      [DirectChannelClosedError, 'DirectChannelClosedError', 'the direct channel is closed'],
      [TooManyStreamsError, 'TooManyStreamsError', 'too many concurrent direct-message streams']
    ]
    for (const [Class, name, message] of cases) {
      const err = new Class()
      expect(err, name).toBeInstanceOf(Error)
      expect([err.name, err.message], name).toEqual([name, message])
      expect(new (Class as unknown as new (m: string) => Error)('other').message, name).toBe('other')
    }
    const base = new DirectMessageError('base')
    expect([base.name, base.message]).toEqual(['DirectMessageError', 'base'])
  })

  it('the refusals a backend throws are DirectMessageErrors carrying their wire status', () => {
    const cases: Array<[DirectMessageError, DmResponse.Status]> = [
      [new DirectMessageError('base'), DmResponse.Status.REFUSED],
      [new DeliveryRefusedError(), DmResponse.Status.REFUSED],
      [new InvalidEnvelopeError(), DmResponse.Status.INVALID],
      [new DirectEnvelopeTooLargeError(), DmResponse.Status.TOO_LARGE]
    ]
    for (const [err, status] of cases) {
      expect(err, err.name).toBeInstanceOf(DirectMessageError)
      expect(err.status, err.name).toBe(status)
    }
  })

  it('a receiver answers each refusal with its status and reason, anything else with the generic refusal', () => {
    expect(errorResponse(new InvalidEnvelopeError('cannot open this envelope'))).toEqual({ status: DmResponse.Status.INVALID, message: 'cannot open this envelope' })
    expect(errorResponse(new DirectEnvelopeTooLargeError())).toEqual({ status: DmResponse.Status.TOO_LARGE, message: 'envelope too large' })
    expect(errorResponse(new RateLimitedError(1500))).toEqual({ status: DmResponse.Status.RATE_LIMITED, message: 'rate limited; retry in 2 s', retryAfterMs: 1500 })
    expect(errorResponse(new Error('disk full at /home/alice'))).toEqual({ status: DmResponse.Status.REFUSED, message: 'the device could not store the message' })
  })
})
