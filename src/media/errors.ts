/** Media error classes, each with a static `name` to match on; messages are written for the person who sees them and never carry file names, keys or numbers. */

/** Base class of every media error. */
export class MediaError extends Error {
  static name = 'MediaError'
  constructor (message = 'The file could not be sent or received.', options?: ErrorOptions) {
    super(message, options)
    this.name = MediaError.name
  }
}

/** A file larger than MAX_FILE_BYTES. */
export class FileTooLargeError extends MediaError {
  static name = 'FileTooLargeError'
  constructor (message = 'Files can be at most 2 GB.') {
    super(message)
    this.name = FileTooLargeError.name
  }
}

/** An attachment descriptor that does not decode, is not canonical, or has a field out of bounds. */
export class MalformedAttachmentError extends MediaError {
  static name = 'MalformedAttachmentError'
  constructor (message = 'This attachment is damaged and cannot be opened.') {
    super(message)
    this.name = MalformedAttachmentError.name
  }
}

/** What the app asked to attach is out of bounds (a thumbnail too large, a name too long, an unknown kind). */
export class InvalidAttachmentError extends MediaError {
  static name = 'InvalidAttachmentError'
  constructor (message = 'This file cannot be attached.') {
    super(message)
    this.name = InvalidAttachmentError.name
  }
}

/** No relay has the file any more (it expired after 30 days, or was deleted). */
export class FileExpiredError extends MediaError {
  static name = 'FileExpiredError'
  constructor (message = 'This file is no longer available: it expired or was deleted.') {
    super(message)
    this.name = FileExpiredError.name
  }
}

/** What came from a relay is not the file the message names (a changed, missing or swapped chunk, or another hash). */
export class FileIntegrityError extends MediaError {
  static name = 'FileIntegrityError'
  constructor (message = 'The file that arrived is not the one that was sent; it was not saved.') {
    super(message)
    this.name = FileIntegrityError.name
  }
}

/** Our relays refused the upload: over this account's quota, or full. */
export class MediaQuotaError extends MediaError {
  static name = 'MediaQuotaError'
  constructor (message = 'Your relay has no room for this file now. Free some space or try a smaller file.') {
    super(message)
    this.name = MediaQuotaError.name
  }
}

/** The message has no attachment, or is not known here. */
export class NoAttachmentError extends MediaError {
  static name = 'NoAttachmentError'
  constructor (message = 'This message has no file.') {
    super(message)
    this.name = NoAttachmentError.name
  }
}

/** The transfer was cancelled by the person. */
export class TransferCancelledError extends MediaError {
  static name = 'TransferCancelledError'
  constructor (message = 'The transfer was cancelled.') {
    super(message)
    this.name = TransferCancelledError.name
  }
}

/** The file changed between two tries of its upload (or the relay kept something else): it must be sent again from the start. */
export class FileChangedError extends MediaError {
  static name = 'FileChangedError'
  constructor (message = 'The file changed while it was being sent; send it again.') {
    super(message)
    this.name = FileChangedError.name
  }
}
