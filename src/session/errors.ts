// Session-layer errors (static `name`); messages never carry key material or plaintext.

/** There is no session with the address (encrypt before processPreKeyBundle, or a normal message from a stranger). */
export class NoSessionError extends Error {
  static name = 'NoSessionError'
  constructor (message = 'No session with this address') {
    super(message)
    this.name = NoSessionError.name
  }
}

/** The identity key inside a message or bundle is not the one of the address it came from or was meant for. */
export class IdentityMismatchError extends Error {
  static name = 'IdentityMismatchError'
  constructor (message = 'Identity key does not match the address') {
    super(message)
    this.name = IdentityMismatchError.name
  }
}

/** A group message or distribution names another group than the one it was processed for. */
export class GroupMismatchError extends Error {
  static name = 'GroupMismatchError'
  constructor (message = 'Message is for another group') {
    super(message)
    this.name = GroupMismatchError.name
  }
}

/** The active session never got a reply and is too old to trust its first message will still decrypt: start a new one from a fresh bundle. */
export class StaleSessionError extends Error {
  static name = 'StaleSessionError'
  constructor (message = 'Session got no reply for too long: fetch a new prekey bundle') {
    super(message)
    this.name = StaleSessionError.name
  }
}

/** Every session with the address came back from a backup (decrypt only): start a new one from a fresh bundle before sending. */
export class RestoredSessionError extends Error {
  static name = 'RestoredSessionError'
  constructor (message = 'Sessions restored from a backup do not send: fetch a new prekey bundle') {
    super(message)
    this.name = RestoredSessionError.name
  }
}
