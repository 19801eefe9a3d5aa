/** Prekey service refusals: a typed status on the wire, an error class with a static `name` on each side. */
import { RateLimitedError } from '../errors.js'
import { rateLimitedRow, statusTable } from '../status-table.js'
import { PreKeyResponse } from './pb/prekeys.js'

export { RateLimitedError }

/** Base of the prekey refusals that travel as a status code. */
export class PreKeyServiceError extends Error {
  static name = 'PreKeyServiceError'
  /** its wire status, read from the protocol's status table */
  get status (): PreKeyResponse.Status { return STATUSES.statusOf(this) }

  constructor (message: string) {
    super(message)
    this.name = 'PreKeyServiceError'
  }
}

/** A field is missing, malformed or of the wrong size. */
export class InvalidPreKeyRequestError extends PreKeyServiceError {
  static name = 'InvalidPreKeyRequestError'
  constructor (message = 'invalid prekey request') {
    super(message)
    this.name = 'InvalidPreKeyRequestError'
  }
}

/** The upload (or a prekey in it) is not signed by the identity key it names. */
export class PreKeySignatureError extends PreKeyServiceError {
  static name = 'PreKeySignatureError'
  constructor (message = 'signature does not verify under the identity key') {
    super(message)
    this.name = 'PreKeySignatureError'
  }
}

/** The upload's timestamp is too far from the relay's clock, or not later than the owner's last upload (a replay). */
export class StaleUploadError extends PreKeyServiceError {
  static name = 'StaleUploadError'
  constructor (message = 'upload timestamp is stale or replayed') {
    super(message)
    this.name = 'StaleUploadError'
  }
}

/** The upload was signed for another relay. */
export class WrongRelayError extends PreKeyServiceError {
  static name = 'WrongRelayError'
  constructor (message = 'upload was signed for another relay') {
    super(message)
    this.name = 'WrongRelayError'
  }
}

/** The relay holds no prekeys for this identity. */
export class PreKeysNotFoundError extends PreKeyServiceError {
  static name = 'PreKeysNotFoundError'
  constructor (message = 'no prekeys stored for this identity') {
    super(message)
    this.name = 'PreKeysNotFoundError'
  }
}

/** The upload exceeds a batch or storage limit; nothing was stored. */
export class PreKeyLimitError extends PreKeyServiceError {
  static name = 'PreKeyLimitError'
  constructor (message = 'too many prekeys') {
    super(message)
    this.name = 'PreKeyLimitError'
  }
}

/** The relay failed inside; nothing was handed out. */
export class PreKeyInternalError extends PreKeyServiceError {
  static name = 'PreKeyInternalError'
  constructor (message = 'the relay failed; try again later') {
    super(message)
    this.name = 'PreKeyInternalError'
  }
}

/** The prekey service's statuses and their error classes, both ways (the first row of a status is the class a client builds). */
export const STATUSES = statusTable<PreKeyResponse.Status, PreKeyResponse>([
  { status: PreKeyResponse.Status.INVALID_REQUEST, error: InvalidPreKeyRequestError },
  { status: PreKeyResponse.Status.BAD_SIGNATURE, error: PreKeySignatureError },
  { status: PreKeyResponse.Status.STALE_REQUEST, error: StaleUploadError },
  { status: PreKeyResponse.Status.WRONG_RELAY, error: WrongRelayError },
  rateLimitedRow(PreKeyResponse.Status.RATE_LIMITED),
  { status: PreKeyResponse.Status.NOT_FOUND, error: PreKeysNotFoundError },
  { status: PreKeyResponse.Status.LIMIT_EXCEEDED, error: PreKeyLimitError },
  { status: PreKeyResponse.Status.INTERNAL, error: PreKeyInternalError },
  { status: PreKeyResponse.Status.INTERNAL, error: PreKeyServiceError }
], PreKeyInternalError)

/** Server side: the response for a refusal thrown by the backend (anything unexpected is INTERNAL). */
export function errorResponse (err: unknown): Partial<PreKeyResponse> {
  return STATUSES.response(err)
}

/** Client side: the error for a refusal status. */
export function responseError (res: PreKeyResponse): Error {
  return STATUSES.error(res)
}
