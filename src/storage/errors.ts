// Storage error classes: each has a static `name` so callers and tests can match on `.name`; knows nothing of crypto.

/** A record that must exist was not found. */
export class NotFoundError extends Error {
  static name = 'NotFoundError'
  constructor (message = 'Not found') {
    super(message)
    this.name = NotFoundError.name
  }
}

/** An operation was aborted through its AbortSignal. */
export class AbortError extends Error {
  static name = 'AbortError'
  constructor (message = 'The operation was aborted') {
    super(message)
    this.name = AbortError.name
  }
}

/** The store was used after close(). */
export class StoreClosedError extends Error {
  static name = 'StoreClosedError'
  constructor (message = 'The store is closed') {
    super(message)
    this.name = StoreClosedError.name
  }
}

/** A key or key part is malformed (empty, too long, out of range). */
export class InvalidStoreKeyError extends Error {
  static name = 'InvalidStoreKeyError'
  constructor (message = 'Invalid key') {
    super(message)
    this.name = InvalidStoreKeyError.name
  }
}

/** A stored record could not be decoded (disk corruption or a format from a newer version). */
export class CorruptRecordError extends Error {
  static name = 'CorruptRecordError'
  constructor (message = 'Corrupt record') {
    super(message)
    this.name = CorruptRecordError.name
  }
}

/** The database is held by another process (LevelDB allows one opener per directory). */
export class StoreLockedError extends Error {
  static name = 'StoreLockedError'
  constructor (message = 'The store is locked by another process') {
    super(message)
    this.name = StoreLockedError.name
  }
}

/** A record handed to a store is malformed (bad id, field out of range, payload too large); nothing was written. */
export class InvalidRecordError extends Error {
  static name = 'InvalidRecordError'
  constructor (message = 'Invalid record') {
    super(message)
    this.name = InvalidRecordError.name
  }
}
