/** Call error classes, each with a static `name` to match on; messages are written for the person who sees them and never carry numbers or descriptions. */

/** Base class of every call error. */
export class CallError extends Error {
  static name = 'CallError'
  constructor (message = 'The call did not work.', options?: ErrorOptions) {
    super(message, options)
    this.name = CallError.name
  }
}

/** A call signal that does not decode or has a field out of bounds (from a peer: dropped). */
export class InvalidCallSignalError extends CallError {
  static name = 'InvalidCallSignalError'
  constructor (message = 'A call message was damaged.') {
    super(message)
    this.name = InvalidCallSignalError.name
  }
}

/** This device cannot place or take calls: no WebRTC here (a Node without @roamhq/wrtc, an old browser). */
export class CallsUnavailableError extends CallError {
  static name = 'CallsUnavailableError'
  constructor (message = 'Calls are not available on this device.', options?: ErrorOptions) {
    super(message, options)
    this.name = CallsUnavailableError.name
  }
}

/** An action the call's state does not allow (accepting a call that stopped ringing, calling while in a call). */
export class CallStateError extends CallError {
  static name = 'CallStateError'
  constructor (message = 'The call has already ended.') {
    super(message)
    this.name = CallStateError.name
  }
}

/** A description without exactly one SHA-256 DTLS fingerprint: the connection could not be bound to the caller. */
export class UnboundDescriptionError extends CallError {
  static name = 'UnboundDescriptionError'
  constructor (message = 'The call could not be secured.') {
    super(message)
    this.name = UnboundDescriptionError.name
  }
}
