// Session-layer errors (static `name`); messages never carry key material or plaintext.

/** Base class so callers can catch every session failure at once. */
export class SessionError extends Error {
  static name = 'SessionError'
  constructor (message = 'Session operation failed') {
    super(message)
    this.name = SessionError.name
  }
}

/** There is no session with the address (encrypt before processPreKeyBundle, or a normal message from a stranger). */
export class NoSessionError extends SessionError {
  static name = 'NoSessionError'
  constructor (message = 'No session with this address') {
    super(message)
    this.name = NoSessionError.name
  }
}

/** The identity key inside a message or bundle is not the one of the address it came from or was meant for. */
export class IdentityMismatchError extends SessionError {
  static name = 'IdentityMismatchError'
  constructor (message = 'Identity key does not match the address') {
    super(message)
    this.name = IdentityMismatchError.name
  }
}

/** A group message or distribution names another group than the one it was processed for. */
export class GroupMismatchError extends SessionError {
  static name = 'GroupMismatchError'
  constructor (message = 'Message is for another group') {
    super(message)
    this.name = GroupMismatchError.name
  }
}

/** The active session never got a reply and is too old to trust its first message will still decrypt: start a new one from a fresh bundle. */
export class StaleSessionError extends SessionError {
  static name = 'StaleSessionError'
  constructor (message = 'Session got no reply for too long: fetch a new prekey bundle') {
    super(message)
    this.name = StaleSessionError.name
  }
}

/** Every session with the address came back from a backup (decrypt only): start a new one from a fresh bundle before sending. */
export class RestoredSessionError extends SessionError {
  static name = 'RestoredSessionError'
  constructor (message = 'Sessions restored from a backup do not send: fetch a new prekey bundle') {
    super(message)
    this.name = RestoredSessionError.name
  }
}
