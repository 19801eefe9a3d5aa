/** The verifier's limits, each with its reason (docs/verification.md lists them). */
import type { RateWindow } from '../rate-limit.js'

/** A code is typed within minutes of the SMS; 10 minutes covers slow delivery without leaving codes guessable for long. */
const CODE_TTL_MS = 10 * 60_000

/** Wrong tries per code: with 10^6 codes, 5 tries give a guesser a 1 in 200 000 chance per code. */
const MAX_TRIES_PER_CODE = 5

/**
 * Requests per number. Each SMS costs the operator money and annoys the owner of the number if
 * someone else asks; 3 per 10 minutes allows a retry or two, 10 per day stops slow abuse.
 * Together with MAX_TRIES_PER_CODE this bounds guessing at 50 tries per number per day.
 */
const REQUESTS_PER_NUMBER: RateWindow[] = [
  { max: 3, windowMs: 10 * 60_000 },
  { max: 10, windowMs: 24 * 60 * 60_000 }
]

/** Requests per requesting peer: one person registers one or two numbers; 10 per 10 minutes stops one peer from spraying SMS at many numbers. */
const REQUESTS_PER_PEER: RateWindow[] = [
  { max: 10, windowMs: 10 * 60_000 }
]

/**
 * Requests per requester IP (IPv4 address or IPv6 /64, `ipBucket`). Peer ids are free to make, an address is
 * not: one household or office registers a few numbers; 30 per hour and 100 per day leave room for a shared
 * NAT (or a carrier's) while stopping one machine from spraying SMS with fresh peer ids. Loopback counts like any address
 * (a reverse proxy in front of the relay would make all its clients one address: docs/verification.md).
 */
export const REQUESTS_PER_IP: RateWindow[] = [
  { max: 30, windowMs: 60 * 60_000 },
  { max: 100, windowMs: 24 * 60 * 60_000 }
]

/**
 * Digits of the national number that, after the country calling code, make a number's prefix (`numberPrefix`):
 * +44 7700 9|00123 → `+44 77009`, a block of 100 000 numbers. SMS pumping fraud sends codes to many numbers of
 * a premium range the fraudster is paid for; such ranges are blocks of this size or smaller.
 */
export const PREFIX_NATIONAL_DIGITS = 5

/**
 * Requests per number prefix: 20 per hour and 60 per day. Honest registrations spread over many blocks (a
 * community on one carrier's range still gets 20 an hour); a pumper must hit one block over and over, and this
 * caps what one block can cost the operator.
 */
export const REQUESTS_PER_PREFIX: RateWindow[] = [
  { max: 20, windowMs: 60 * 60_000 },
  { max: 60, windowMs: 24 * 60 * 60_000 }
]

/**
 * SMS the verifier sends per hour in all (`--verify-sms-per-hour`): the operator's budget, the last bound when
 * a pumper spreads over many addresses and prefixes. 300 per hour is several times what a community relay's
 * registrations need and a bill an operator can survive for a few hours.
 */
export const SMS_PER_HOUR = 300

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
  requestsPerIp: RateWindow[]
  requestsPerPrefix: RateWindow[]
  /** SMS sent per hour in all */
  smsPerHour: number
  attestationValidityMs: number
}

export const DEFAULT_VERIFIER_LIMITS: VerifierLimits = {
  codeTtlMs: CODE_TTL_MS,
  maxTriesPerCode: MAX_TRIES_PER_CODE,
  requestsPerNumber: REQUESTS_PER_NUMBER,
  requestsPerPeer: REQUESTS_PER_PEER,
  requestsPerIp: REQUESTS_PER_IP,
  requestsPerPrefix: REQUESTS_PER_PREFIX,
  smsPerHour: SMS_PER_HOUR,
  attestationValidityMs: ATTESTATION_VALIDITY_MS
}
