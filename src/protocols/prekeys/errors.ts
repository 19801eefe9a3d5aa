/** Prekey service refusals: a typed status on the wire, an error class with a static `name` on each side. */
import { RateLimitedError } from '../errors.js'
import { PreKeyResponse } from './pb/prekeys.js'

export { RateLimitedError }

/** Base of the prekey refusals that travel as a status code. */
export class PreKeyServiceError extends Error {
  static name = 'PreKeyServiceError'
  readonly status: PreKeyResponse.Status = PreKeyResponse.Status.INTERNAL
  constructor (message: string) {
    super(message)
    this.name = 'PreKeyServiceError'
  }
}

/** A field is missing, malformed or of the wrong size. */
export class InvalidPreKeyRequestError extends PreKeyServiceError {
  static name = 'InvalidPreKeyRequestError'
  readonly status = PreKeyResponse.Status.INVALID_REQUEST
  constructor (message = 'invalid prekey request') {
    super(message)
    this.name = 'InvalidPreKeyRequestError'
  }
}

/** The upload (or a prekey in it) is not signed by the identity key it names. */
export class PreKeySignatureError extends PreKeyServiceError {
  static name = 'PreKeySignatureError'
  readonly status = PreKeyResponse.Status.BAD_SIGNATURE
  constructor (message = 'signature does not verify under the identity key') {
    super(message)
    this.name = 'PreKeySignatureError'
  }
}

/** The upload's timestamp is too far from the relay's clock, or not later than the owner's last upload (a replay). */
export class StaleUploadError extends PreKeyServiceError {
  static name = 'StaleUploadError'
  readonly status = PreKeyResponse.Status.STALE_REQUEST
  constructor (message = 'upload timestamp is stale or replayed') {
    super(message)
    this.name = 'StaleUploadError'
  }
}

/** The upload was signed for another relay. */
export class WrongRelayError extends PreKeyServiceError {
  static name = 'WrongRelayError'
  readonly status = PreKeyResponse.Status.WRONG_RELAY
  constructor (message = 'upload was signed for another relay') {
    super(message)
    this.name = 'WrongRelayError'
  }
}

/** The relay holds no prekeys for this identity. */
export class PreKeysNotFoundError extends PreKeyServiceError {
  static name = 'PreKeysNotFoundError'
  readonly status = PreKeyResponse.Status.NOT_FOUND
  constructor (message = 'no prekeys stored for this identity') {
    super(message)
    this.name = 'PreKeysNotFoundError'
  }
}

/** The upload exceeds a batch or storage limit; nothing was stored. */
export class PreKeyLimitError extends PreKeyServiceError {
  static name = 'PreKeyLimitError'
  readonly status = PreKeyResponse.Status.LIMIT_EXCEEDED
  constructor (message = 'too many prekeys') {
    super(message)
    this.name = 'PreKeyLimitError'
  }
}

/** The relay failed inside; nothing was handed out. */
export class PreKeyInternalError extends PreKeyServiceError {
  static name = 'PreKeyInternalError'
  readonly status = PreKeyResponse.Status.INTERNAL
  constructor (message = 'the relay failed; try again later') {
    super(message)
    this.name = 'PreKeyInternalError'
  }
}

export function errorResponse (err: unknown): Partial<PreKeyResponse> {
  if (err instanceof RateLimitedError) {
    return { status: PreKeyResponse.Status.RATE_LIMITED, retryAfterMs: Math.max(0, Math.min(0xffffffff, Math.ceil(err.retryAfterMs))), message: err.message }
  }
  if (err instanceof PreKeyServiceError) return { status: err.status, message: err.message }
  return { status: PreKeyResponse.Status.INTERNAL, message: new PreKeyInternalError().message }
}

export function responseError (res: PreKeyResponse): Error {
  const m = res.message !== '' ? res.message : undefined
  switch (res.status) {
    case PreKeyResponse.Status.INVALID_REQUEST: return new InvalidPreKeyRequestError(m)
    case PreKeyResponse.Status.BAD_SIGNATURE: return new PreKeySignatureError(m)
    case PreKeyResponse.Status.STALE_REQUEST: return new StaleUploadError(m)
    case PreKeyResponse.Status.WRONG_RELAY: return new WrongRelayError(m)
    case PreKeyResponse.Status.RATE_LIMITED: return new RateLimitedError(res.retryAfterMs, m)
    case PreKeyResponse.Status.NOT_FOUND: return new PreKeysNotFoundError(m)
    case PreKeyResponse.Status.LIMIT_EXCEEDED: return new PreKeyLimitError(m)
    default: return new PreKeyInternalError(m)
  }
}
