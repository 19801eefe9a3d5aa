// The protocols' shared error classes and the device-link errors: names, the messages a person sees (defaults and given), fields and causes.
import { describe, it, expect } from 'vitest'
import { ProtocolViolationError, RateLimitedError } from '../../src/protocols/errors.js'
import { InvalidLinkCodeError, LinkBrokenError, LinkRefusedError } from '../../src/protocols/link/index.js'

describe('protocol errors', () => {
  it('RateLimitedError: retryAfterMs, and a default message in whole seconds rounded up', () => {
    const err = new RateLimitedError(1500)
    expect(err).toBeInstanceOf(Error)
    expect(err.name).toBe('RateLimitedError')
    expect(err.retryAfterMs).toBe(1500)
    expect(err.message).toBe('rate limited; retry in 2 s')
    expect(new RateLimitedError(60_000).message).toBe('rate limited; retry in 60 s')
    expect(new RateLimitedError(1, 'slow down').message).toBe('slow down')
  })

  it('ProtocolViolationError keeps its message', () => {
    const err = new ProtocolViolationError('bad response')
    expect(err.name).toBe('ProtocolViolationError')
    expect(err.message).toBe('bad response')
  })
})

describe('device-link errors', () => {
  it('InvalidLinkCodeError: the default tells the person what to copy', () => {
    const err = new InvalidLinkCodeError()
    expect(err.name).toBe('InvalidLinkCodeError')
    expect(err.message).toBe('this is not a Parley link code: copy the whole parley-link: text from the new device')
    expect(new InvalidLinkCodeError('other').message).toBe('other')
  })

  it('LinkRefusedError: the other side\'s reason, or that it cancelled', () => {
    const err = new LinkRefusedError()
    expect(err).toBeInstanceOf(Error)
    expect(err.name).toBe('LinkRefusedError')
    expect(err.message).toBe('the other device cancelled the link')
    expect(new LinkRefusedError('not your number').message).toBe('not your number')
  })

  it('LinkBrokenError: the default tells the person to start again; a cause is kept', () => {
    const cause = new Error('reset')
    const err = new LinkBrokenError(undefined, { cause })
    expect(err.name).toBe('LinkBrokenError')
    expect(err.message).toBe('the link did not complete: show a new code on the new device and try again')
    expect(err.cause).toBe(cause)
    expect(new LinkBrokenError('left').message).toBe('left')
  })
})
