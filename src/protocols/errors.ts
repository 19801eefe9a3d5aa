/** Errors shared by Parley's request/response protocols (verify, prekeys): each is a class with a static `name`. */

/** The server refused because the requester (or the number) asked too often; retry after `retryAfterMs`. */
export class RateLimitedError extends Error {
  static name = 'RateLimitedError'
  constructor (readonly retryAfterMs: number, message = `rate limited; retry in ${Math.ceil(retryAfterMs / 1000)} s`) {
    super(message)
    this.name = 'RateLimitedError'
  }
}

/** The peer sent a response this client cannot parse or that breaks the protocol. */
export class ProtocolViolationError extends Error {
  static name = 'ProtocolViolationError'
  constructor (message: string) {
    super(message)
    this.name = 'ProtocolViolationError'
  }
}
