/** Blob store refusals: a typed status on the wire, an error class with a static `name` on each side. Knows nothing of files or media. */
import { RateLimitedError } from '../errors.js'
import { rateLimitedRow, statusTable } from '../status-table.js'
import { RelayFrame } from './pb/blob.js'

/** Base of the blob refusals that travel as a status code. */
export class BlobServiceError extends Error {
  static name = 'BlobServiceError'
  /** its wire status, read from the protocol's status table */
  get status (): RelayFrame.Status { return STATUSES.statusOf(this) }

  constructor (message: string) {
    super(message)
    this.name = 'BlobServiceError'
  }
}

/** A frame is malformed, of the wrong kind or out of order, or a field is of the wrong size or out of range (a chunk index, a range). */
export class MalformedBlobFrameError extends BlobServiceError {
  static name = 'MalformedBlobFrameError'
  constructor (message = 'malformed blob request') {
    super(message)
    this.name = 'MalformedBlobFrameError'
  }
}

/** The device's signed challenge does not verify, or it may not upload here (it is not an owner: no prekeys at this relay). */
export class BlobAuthError extends BlobServiceError {
  static name = 'BlobAuthError'
  constructor (message = 'blob authentication failed') {
    super(message)
    this.name = 'BlobAuthError'
  }
}

/** No such blob here: never stored, expired, deleted, or (for a delete) not uploaded by this account. One answer for all, so a prober learns nothing. */
export class BlobNotFoundError extends BlobServiceError {
  static name = 'BlobNotFoundError'
  constructor (message = 'no such blob here (unknown or expired)') {
    super(message)
    this.name = 'BlobNotFoundError'
  }
}

/**
 * The upload would take the account over its quota at this relay (`relayFull` false), or the relay over its disk
 * cap (`relayFull` true); nothing was stored. Blobs expire or can be deleted to free the account's quota.
 */
export class BlobQuotaError extends BlobServiceError {
  static name = 'BlobQuotaError'
  constructor (message = 'the account\'s blob quota at this relay is used up', readonly relayFull = false) {
    super(message)
    this.name = 'BlobQuotaError'
  }
}

/** The declared blob exceeds MAX_BLOB_BYTES or MAX_BLOB_CHUNKS; nothing was stored. */
export class BlobTooLargeError extends BlobServiceError {
  static name = 'BlobTooLargeError'
  constructor (message = 'the blob is too large') {
    super(message)
    this.name = 'BlobTooLargeError'
  }
}

/**
 * The upload does not match what was declared: a resumed upload id with another size or chunk size, or a chunk of
 * the wrong size. Chunks already committed stay; nothing of it is ever served as a blob.
 */
export class BlobUploadMismatchError extends BlobServiceError {
  static name = 'BlobUploadMismatchError'
  constructor (message = 'the upload does not match its declaration') {
    super(message)
    this.name = 'BlobUploadMismatchError'
  }
}

/** The relay failed inside (a disk error); chunks it acknowledged stay committed. */
export class BlobInternalError extends BlobServiceError {
  static name = 'BlobInternalError'
  constructor (message = 'the relay failed; try again later') {
    super(message)
    this.name = 'BlobInternalError'
  }
}

/** The stream ended (closed, reset, or the relay went away) before the transfer completed; resume it. */
export class BlobStreamClosedError extends Error {
  static name = 'BlobStreamClosedError'
  constructor (message = 'the blob stream ended before the transfer completed') {
    super(message)
    this.name = 'BlobStreamClosedError'
  }
}

/** The statuses and their error classes, both ways (the first row of a status is the class a client builds). */
export const STATUSES = statusTable<RelayFrame.Status, RelayFrame>([
  { status: RelayFrame.Status.MALFORMED, error: MalformedBlobFrameError },
  { status: RelayFrame.Status.AUTH_FAILED, error: BlobAuthError },
  rateLimitedRow(RelayFrame.Status.RATE_LIMITED),
  { status: RelayFrame.Status.NOT_FOUND, error: BlobNotFoundError },
  {
    status: RelayFrame.Status.QUOTA,
    error: BlobQuotaError,
    decode: (res, m) => new BlobQuotaError(m, res.relayFull),
    encode: err => ({ relayFull: (err as BlobQuotaError).relayFull })
  },
  { status: RelayFrame.Status.TOO_LARGE, error: BlobTooLargeError },
  { status: RelayFrame.Status.MISMATCH, error: BlobUploadMismatchError },
  { status: RelayFrame.Status.INTERNAL, error: BlobInternalError },
  { status: RelayFrame.Status.INTERNAL, error: BlobServiceError }
], BlobInternalError)

/** The fields of a refusal frame for an error thrown by the backend or the checks. */
export function errorFrame (err: unknown): Partial<RelayFrame> {
  return { type: RelayFrame.Type.RESULT, ...STATUSES.response(err) }
}

/** The error class for a refusal frame. */
export function frameError (frame: RelayFrame): Error {
  return STATUSES.error(frame)
}

export { RateLimitedError }
