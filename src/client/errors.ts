/** Errors the client facade raises, each with a static name and a message fit for a person. */

export class NoPendingRegistrationError extends Error {
  static name = 'NoPendingRegistrationError'
  constructor (message = 'no verification code was requested: run register with your phone number first') {
    super(message)
    this.name = 'NoPendingRegistrationError'
  }
}

export class NoRelayError extends Error {
  static name = 'NoRelayError'
  constructor (message = 'no relay reachable: check --bootstrap addresses and your network') {
    super(message)
    this.name = 'NoRelayError'
  }
}

export class NoVerifierError extends Error {
  static name = 'NoVerifierError'
  constructor (message = 'none of the reachable relays verifies phone numbers') {
    super(message)
    this.name = 'NoVerifierError'
  }
}
