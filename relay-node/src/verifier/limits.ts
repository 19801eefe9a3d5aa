/** The verifier's limits, each with its reason (docs/verification.md lists them). */
import type { RateWindow } from '../rate-limit.js'

/** A code is typed within minutes of the SMS; 10 minutes covers slow delivery without leaving codes guessable for long. */
export const CODE_TTL_MS = 10 * 60_000

/** Wrong tries per code: with 10^6 codes, 5 tries give a guesser a 1 in 200 000 chance per code. */
export const MAX_TRIES_PER_CODE = 5

/**
 * Requests per number. Each SMS costs the operator money and annoys the owner of the number if
 * someone else asks; 3 per 10 minutes allows a retry or two, 10 per day stops slow abuse.
 * Together with MAX_TRIES_PER_CODE this bounds guessing at 50 tries per number per day.
 */
export const REQUESTS_PER_NUMBER: RateWindow[] = [
  { max: 3, windowMs: 10 * 60_000 },
  { max: 10, windowMs: 24 * 60 * 60_000 }
]

/** Requests per requesting peer: one person registers one or two numbers; 10 per 10 minutes stops one peer from spraying SMS at many numbers. */
export const REQUESTS_PER_PEER: RateWindow[] = [
  { max: 10, windowMs: 10 * 60_000 }
]

/** How long an attestation stays valid: long enough that re-verification is rare, short enough that a number that changed hands loses its old owner within a month. */
export const ATTESTATION_VALIDITY_MS = 30 * 24 * 60 * 60_000

/** Expired and dead codes are kept this long (so a late confirm hears "expired", not "no code"), then swept. */
export const PENDING_RETENTION_MS = 24 * 60 * 60_000

/** How often stale codes and rate records are swept. */
export const SWEEP_INTERVAL_MS = 60 * 60_000

export interface VerifierLimits {
  codeTtlMs: number
  maxTriesPerCode: number
  requestsPerNumber: RateWindow[]
  requestsPerPeer: RateWindow[]
  attestationValidityMs: number
}

export const DEFAULT_VERIFIER_LIMITS: VerifierLimits = {
  codeTtlMs: CODE_TTL_MS,
  maxTriesPerCode: MAX_TRIES_PER_CODE,
  requestsPerNumber: REQUESTS_PER_NUMBER,
  requestsPerPeer: REQUESTS_PER_PEER,
  attestationValidityMs: ATTESTATION_VALIDITY_MS
}
