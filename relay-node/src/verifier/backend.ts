/** The relay's verifier: 6-digit codes by SMS, kept only as HMACs, checked with try and rate limits; a right code buys an attestation signed by the verifier key. */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import { parsePhoneNumberFromString } from 'libphonenumber-js'
import { createAttestation, decodeAttestation, encodeAttestation, type Attestation } from '../../../src/crypto/attestation.js'
import { directoryDhtKey, directoryHash } from '../../../src/crypto/directory.js'
import { checkIdentityKey, type IdentityKeyPair } from '../../../src/crypto/identity.js'
import { PARLEY_NETWORK_SALT } from '../../../src/crypto/directory-salt.js'
import { normalizePhone, redactPhone } from '../../../src/util/phone.js'
import {
  CodeExpiredError, InvalidNumberError, InvalidVerifyRequestError, NoPendingCodeError, RateLimitedError, SmsFailedError,
  TooManyTriesError, WrongCodeError, CODE_LENGTH, type VerifierBackend, type VerifyRequestOptions
} from '../../../src/protocols/verify/index.js'
import { ipBucket } from '../../../src/net/ip-bucket.js'
import type { KeyValueStore } from '../../../src/storage/index.js'
import { KeyedMutex } from '../../../src/util/keyed-mutex.js'
import { RateLimiter } from '../rate-limit.js'
import { DEFAULT_VERIFIER_LIMITS, PENDING_RETENTION_MS, PREFIX_NATIONAL_DIGITS, type VerifierLimits } from './limits.js'
import type { SmsGateway } from './sms.js'

export interface PhoneVerifierInit {
  /** the verifier's own store (e.g. `storage.kv('verifier')`); written with sync */
  kv: KeyValueStore
  /** signs attestations; its public key is what clients trust */
  verifierKey: IdentityKeyPair
  /** HMAC key hiding numbers and codes in the store (32 bytes) */
  secret: Uint8Array
  gateway: SmsGateway
  limits?: Partial<VerifierLimits>
  /** clock, for tests @default Date.now */
  now?: () => number
  /** one line to the operator's log (never given a number, code or key in clear) */
  log?: (message: string) => void
}

/** What is stored per pending code: the HMAC of the code (bound to the number), when it dies, tries left. */
interface PendingCode { codeMac: string, expiresAt: number, triesLeft: number }

const PENDING = 'pending/'
const RATE_NUMBER = 'rate-number/'
const RATE_PEER = 'rate-peer/'
const RATE_IP = 'rate-ip/'
const RATE_PREFIX = 'rate-prefix/'
/** one key for the verifier's SMS budget (every request that sent, or tried to send, an SMS) */
const RATE_TOTAL = 'rate-total'
const HOUR_MS = 60 * 60_000
const encoder = new TextEncoder()
const decoder = new TextDecoder()
const SYNC = { sync: true }

export function smsText (code: string): string {
  return `Your Parley code is ${code}`
}

/** The block a number belongs to for the per-prefix limit: `+` country calling code, then the first PREFIX_NATIONAL_DIGITS digits of the national number. */
export function numberPrefix (e164: string): string {
  const parsed = parsePhoneNumberFromString(e164)
  if (parsed == null) return e164.slice(0, 1 + 3 + PREFIX_NATIONAL_DIGITS)
  return `+${parsed.countryCallingCode}${String(parsed.nationalNumber).slice(0, PREFIX_NATIONAL_DIGITS)}`
}

/** "42 s", "12 min", "3 h": when a refused person may try again. */
export function retryText (ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000))
  if (s < 90) return `${s} s`
  const min = Math.ceil(s / 60)
  return min < 90 ? `${min} min` : `${Math.ceil(min / 60)} h`
}

export class PhoneVerifier implements VerifierBackend {
  readonly limits: VerifierLimits
  private readonly kv: KeyValueStore
  private readonly key: IdentityKeyPair
  private readonly secret: Uint8Array
  private readonly gateway: SmsGateway
  private readonly now: () => number
  private readonly log: (message: string) => void
  private readonly numberLimiter: RateLimiter
  private readonly peerLimiter: RateLimiter
  private readonly ipLimiter: RateLimiter
  private readonly prefixLimiter: RateLimiter
  private readonly totalLimiter: RateLimiter
  /** serialises everything about one number (request, confirm) so tries and limits cannot race */
  private readonly numbers = new KeyedMutex()
  /** serialises the checks and records of the shared budgets (peer, address, prefix, total), so parallel requests cannot overshoot them */
  private readonly budgets = new KeyedMutex()
  /** when the operator was last told that the hourly SMS budget is spent (once an hour at most) */
  private budgetLoggedAt = -Infinity

  constructor (init: PhoneVerifierInit) {
    this.limits = { ...DEFAULT_VERIFIER_LIMITS, ...init.limits }
    this.kv = init.kv
    this.key = init.verifierKey
    this.secret = init.secret
    this.gateway = init.gateway
    this.now = init.now ?? Date.now
    this.log = init.log ?? (() => {})
    this.numberLimiter = new RateLimiter(this.kv, this.limits.requestsPerNumber)
    this.peerLimiter = new RateLimiter(this.kv, this.limits.requestsPerPeer)
    this.ipLimiter = new RateLimiter(this.kv, this.limits.requestsPerIp)
    this.prefixLimiter = new RateLimiter(this.kv, this.limits.requestsPerPrefix)
    this.totalLimiter = new RateLimiter(this.kv, [{ max: this.limits.smsPerHour, windowMs: HOUR_MS }])
  }

  get publicKey (): Uint8Array {
    return this.key.publicKey
  }

  private mac (label: string, ...parts: string[]): string {
    const h = createHmac('sha256', this.secret)
    h.update(label)
    for (const p of parts) h.update('\0' + p)
    return h.digest('hex')
  }

  private normalize (phone: string): string {
    try {
      return normalizePhone(phone)
    } catch {
      throw new InvalidNumberError()
    }
  }

  async request (phone: string, requester: PeerId, options: VerifyRequestOptions = {}): Promise<{ expiresInMs: number }> {
    const e164 = this.normalize(phone)
    const tag = this.mac('number', e164)
    return await this.numbers.run(tag, async () => {
      options.signal?.throwIfAborted()
      const now = this.now()
      const numberRate = await this.numberLimiter.check(RATE_NUMBER + tag, now)
      if (numberRate.retryAfterMs > 0) throw new RateLimitedError(numberRate.retryAfterMs, `too many codes were sent to this number; try again in ${retryText(numberRate.retryAfterMs)}`)
      await this.takeBudgets(e164, requester, options, now)
      const code = String(randomInt(0, 10 ** CODE_LENGTH)).padStart(CODE_LENGTH, '0')
      try {
        await this.gateway.send(e164, smsText(code), options)
      } catch (err) {
        this.log(`sms to ${redactPhone(e164)} failed: ${(err as Error).message}`)
        throw new SmsFailedError()
      }
      const pending: PendingCode = { codeMac: this.mac('code', tag, code), expiresAt: now + this.limits.codeTtlMs, triesLeft: this.limits.maxTriesPerCode }
      // a new code replaces the old one; stored before the answer goes back
      await this.kv.batch([
        { type: 'put', key: PENDING + tag, value: encoder.encode(JSON.stringify(pending)) },
        this.numberLimiter.recordOp(RATE_NUMBER + tag, numberRate, now)
      ], SYNC)
      return { expiresInMs: this.limits.codeTtlMs }
    })
  }

  /**
   * Checks the requester's peer, its address, the number's prefix and the verifier's hourly total, and when
   * all allow one more, records one request in each (one synced batch, before the SMS goes out, so parallel
   * requests cannot overshoot). A refusal records nothing and names the limit in words a person can act on.
   */
  private async takeBudgets (e164: string, requester: PeerId, options: VerifyRequestOptions, now: number): Promise<void> {
    const peerKey = RATE_PEER + this.mac('peer', requester.toString())
    const bucket = options.remoteAddr != null ? ipBucket(options.remoteAddr) : undefined
    const ipKey = bucket != null ? RATE_IP + this.mac('ip', bucket) : undefined
    const prefixKey = RATE_PREFIX + this.mac('prefix', numberPrefix(e164))
    await this.budgets.run('budgets', async () => {
      const peerRate = await this.peerLimiter.check(peerKey, now)
      if (peerRate.retryAfterMs > 0) throw new RateLimitedError(peerRate.retryAfterMs, `too many code requests from this device; try again in ${retryText(peerRate.retryAfterMs)}`)
      const ipRate = ipKey != null ? await this.ipLimiter.check(ipKey, now) : undefined
      if (ipRate != null && ipRate.retryAfterMs > 0) throw new RateLimitedError(ipRate.retryAfterMs, `too many code requests from your network; try again in ${retryText(ipRate.retryAfterMs)}`)
      const prefixRate = await this.prefixLimiter.check(prefixKey, now)
      if (prefixRate.retryAfterMs > 0) throw new RateLimitedError(prefixRate.retryAfterMs, `too many codes were sent to numbers close to this one; try again in ${retryText(prefixRate.retryAfterMs)}`)
      const totalRate = await this.totalLimiter.check(RATE_TOTAL, now)
      if (totalRate.retryAfterMs > 0) {
        if (now - this.budgetLoggedAt >= HOUR_MS) {
          this.budgetLoggedAt = now
          this.log(`SMS budget of ${this.limits.smsPerHour} per hour reached; refusing code requests`)
        }
        throw new RateLimitedError(totalRate.retryAfterMs, `this verifier has sent all the codes it may send this hour; try again in ${retryText(totalRate.retryAfterMs)} or use another verifier`)
      }
      await this.kv.batch([
        this.peerLimiter.recordOp(peerKey, peerRate, now),
        ...(ipKey != null && ipRate != null ? [this.ipLimiter.recordOp(ipKey, ipRate, now)] : []),
        this.prefixLimiter.recordOp(prefixKey, prefixRate, now),
        this.totalLimiter.recordOp(RATE_TOTAL, totalRate, now)
      ], SYNC)
    })
  }

  async confirm (phone: string, code: string, identityKey: Uint8Array, _requester: PeerId, options: AbortOptions = {}): Promise<Uint8Array> {
    const e164 = this.normalize(phone)
    if (!new RegExp(`^\\d{${CODE_LENGTH}}$`).test(code)) throw new InvalidVerifyRequestError(`the code must be ${CODE_LENGTH} digits`)
    try {
      checkIdentityKey(identityKey)
    } catch {
      throw new InvalidVerifyRequestError('not a valid identity key')
    }
    const tag = this.mac('number', e164)
    return await this.numbers.run(tag, async () => {
      options.signal?.throwIfAborted()
      const pending = await this.loadPending(tag)
      if (pending == null) throw new NoPendingCodeError()
      if (pending.triesLeft <= 0) throw new TooManyTriesError()
      const now = this.now()
      if (now >= pending.expiresAt) throw new CodeExpiredError()

      if (!timingSafeEqual(Buffer.from(pending.codeMac, 'hex'), Buffer.from(this.mac('code', tag, code), 'hex'))) {
        const triesLeft = pending.triesLeft - 1
        await this.kv.put(PENDING + tag, encoder.encode(JSON.stringify({ ...pending, triesLeft })), SYNC)
        if (triesLeft === 0) throw new TooManyTriesError()
        throw new WrongCodeError(triesLeft)
      }

      const h = await directoryHash(e164, PARLEY_NETWORK_SALT)
      const directoryKey = Buffer.from(directoryDhtKey(h).split('/').pop() ?? '', 'hex')
      const attestation = encodeAttestation(createAttestation(this.key, {
        directoryKey: new Uint8Array(directoryKey),
        identityKey,
        issuedAt: now,
        expiresAt: now + this.limits.attestationValidityMs
      }))
      // the code is spent before the attestation leaves
      await this.kv.del(PENDING + tag, SYNC)
      return attestation
    })
  }

  async renew (attestation: Uint8Array, _requester: PeerId, options: AbortOptions = {}): Promise<Uint8Array> {
    options.signal?.throwIfAborted()
    let old: Attestation
    try {
      old = decodeAttestation(attestation)
    } catch {
      throw new InvalidVerifyRequestError('that attestation does not verify; verify your number again')
    }
    const now = this.now()
    if (!timingSafeEqual(old.verifierKey, this.key.publicKey)) throw new InvalidVerifyRequestError('that attestation was issued by another verifier')
    if (now >= old.expiresAt) throw new InvalidVerifyRequestError('that attestation has expired; verify your number again')
    return encodeAttestation(createAttestation(this.key, {
      directoryKey: old.directoryKey,
      identityKey: old.identityKey,
      issuedAt: now,
      expiresAt: now + this.limits.attestationValidityMs
    }))
  }

  private async loadPending (tag: string): Promise<PendingCode | undefined> {
    const raw = await this.kv.get(PENDING + tag)
    if (raw == null) return undefined
    return JSON.parse(decoder.decode(raw)) as PendingCode
  }

  /** Deletes codes that died more than a day ago and rate records with no recent events. */
  async sweep (): Promise<number> {
    const now = this.now()
    const dead: Array<{ type: 'del', key: string }> = []
    for await (const { key, value } of this.kv.iterate({ prefix: PENDING })) {
      const p = JSON.parse(decoder.decode(value)) as PendingCode
      if (p.expiresAt + PENDING_RETENTION_MS < now) dead.push({ type: 'del', key })
    }
    if (dead.length > 0) await this.kv.batch(dead, SYNC)
    return dead.length + await this.numberLimiter.sweep(now, RATE_NUMBER) + await this.peerLimiter.sweep(now, RATE_PEER) +
      await this.ipLimiter.sweep(now, RATE_IP) + await this.prefixLimiter.sweep(now, RATE_PREFIX) + await this.totalLimiter.sweep(now, RATE_TOTAL)
  }
}
