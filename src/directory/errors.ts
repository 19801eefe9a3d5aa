/** Directory error classes, each with a static `name` to match on; messages are fixed strings and never carry numbers, keys or record contents. */

/** Base class of every directory error. */
export class DirectoryError extends Error {
  static name = 'DirectoryError'
  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = DirectoryError.name
  }
}

/** The DHT key or value cannot be parsed, breaks a limit other than size, or is not canonically encoded. */
export class MalformedRecordError extends DirectoryError {
  static name = 'MalformedRecordError'
  constructor (message = 'directory record is malformed') {
    super(message)
    this.name = MalformedRecordError.name
  }
}

/** The value is larger than MAX_VALUE_BYTES. */
export class RecordTooLargeError extends DirectoryError {
  static name = 'RecordTooLargeError'
  constructor (message = 'directory record is too large') {
    super(message)
    this.name = RecordTooLargeError.name
  }
}

/** The envelope is unsigned or its signature does not verify under its identity key. */
export class RecordSignatureError extends DirectoryError {
  static name = 'RecordSignatureError'
  constructor (message = 'directory record signature is missing or invalid') {
    super(message)
    this.name = RecordSignatureError.name
  }
}

/** The record (or one of its attestations) has expired, is issued in the future, or lives longer than allowed. */
export class RecordExpiredError extends DirectoryError {
  static name = 'RecordExpiredError'
  constructor (message = 'directory record is expired or its validity window is invalid') {
    super(message)
    this.name = RecordExpiredError.name
  }
}

/** An attestation does not verify, or binds another directory key or another identity key. */
export class AttestationMismatchError extends DirectoryError {
  static name = 'AttestationMismatchError'
  constructor (message = 'attestation is invalid or binds another number or identity') {
    super(message)
    this.name = AttestationMismatchError.name
  }
}

/** A valid record that loses against one already seen for the key (lower or equal seq, or a takeover without a newer attestation). */
export class ReplayedRecordError extends DirectoryError {
  static name = 'ReplayedRecordError'
  constructor (message = 'directory record is older than the one already held') {
    super(message)
    this.name = ReplayedRecordError.name
  }
}

/** A record's hand-over does not verify, is for another number or identity, or is too old. */
export class InvalidHandoverError extends DirectoryError {
  static name = 'InvalidHandoverError'
  constructor (message = 'hand-over is invalid, for another number or identity, or too old') {
    super(message)
    this.name = InvalidHandoverError.name
  }
}

/**
 * Another identity holds this number under the registration lock (a verified record refreshed within
 * the last 7 days): a new registration needs the holder's release or hand-over, or must wait until the lock lapses.
 */
export class RegistrationLockedError extends DirectoryError {
  static name = 'RegistrationLockedError'
  constructor (message = 'this number is registered to another identity and is locked; the owner must release or hand it over, or the lock must lapse') {
    super(message)
    this.name = RegistrationLockedError.name
  }
}

/** A DHT node already stores as many directory records as it allows (MAX_STORED_RECORDS) and refuses new keys. */
export class DirectoryStoreFullError extends DirectoryError {
  static name = 'DirectoryStoreFullError'
  constructor (message = 'this DHT node stores no more directory records') {
    super(message)
    this.name = DirectoryStoreFullError.name
  }
}

/** The sealed inner record cannot be opened or does not match its envelope. */
export class RecordContentError extends DirectoryError {
  static name = 'RecordContentError'
  constructor (message = 'directory record content does not open or does not match its envelope') {
    super(message)
    this.name = RecordContentError.name
  }
}

/** The DHT could not be asked (no peers answered), so "not on Parley" cannot be concluded. */
export class DirectoryUnavailableError extends DirectoryError {
  static name = 'DirectoryUnavailableError'
  constructor (message = 'no DHT peer answered the directory query', options?: ErrorOptions) {
    super(message, options)
    this.name = DirectoryUnavailableError.name
  }
}

/** No DHT peer accepted a published record. */
export class PublishFailedError extends DirectoryError {
  static name = 'PublishFailedError'
  constructor (message = 'no DHT peer accepted the directory record', options?: ErrorOptions) {
    super(message, options)
    this.name = PublishFailedError.name
  }
}
