/** Directory client: publish our record and look up a phone number on the DHT (docs/design.md §4); knows no address books, UI or transports. */
import { constantTimeEqual } from '../crypto/bytes.js'
import type { QueryEvent, ValidateFn } from '@libp2p/kad-dht'
import type { AbortOptions } from '@libp2p/interface'
import { DIRECTORY_KEY_LENGTH, attestationTrusted, decodeAttestation } from '../crypto/attestation.js'
import { directoryDhtKey, directoryHash, directoryRecordKey, openDirectoryRecord, sealDirectoryRecord } from '../crypto/directory.js'
import { systemRandom, type RandomSource } from '../crypto/deps.js'
import type { CryptoProvider } from '../crypto/provider.js'
import type { IdentityKeyPair } from '../crypto/identity.js'
import {
  DEFAULT_RECORD_LIFETIME_MS, DIRECTORY_NAMESPACE, MAX_ATTESTATIONS, checkRecordFields, decodeInnerRecord, encodeInnerRecord, handedOverBy, parseDirectoryKey, dhtKeyOf, replaces,
  signEnvelope, validateEnvelope, type DirectoryDevice, type DirectoryRecordFields, type ReplaceContext, type ValidEnvelope
} from './record.js'
import { DirectoryUnavailableError, MalformedRecordError, PublishFailedError } from './errors.js'
import { walk, type Walk } from './walk.js'
import { MAX_HANDOVER_AGE_MS } from './handover.js'
import { HandoverPb } from './pb/record.js'
import { PARLEY_NETWORK_SALT } from '../crypto/directory-salt.js'
import { raceSignal, sleep, withTimeout } from '../util/abort.js'

/** Network salt of H = scrypt(E164, salt) (docs/design.md §4), shared with the verifier, which binds the same directory key. */
export { PARLEY_NETWORK_SALT } from '../crypto/directory-salt.js'
/** A lookup that gets no answer within this time fails with DirectoryUnavailableError. */
export const LOOKUP_TIMEOUT_MS = 30_000
/**
 * A lookup ends once this many of the closest peers it has heard of have all answered (Kademlia's rule)
 * rather than when every one of kad-dht's disjoint paths has run dry (which asks over half of a
 * 100-node network). K = 20 is how many closest peers a publish stores the record on, so a reader whose
 * view of the key's neighbourhood overlaps the publisher's meets a replica among them.
 */
export const LOOKUP_QUORUM = 20
/**
 * A walk that found no record while some peers it asked did not answer is walked again after this pause
 * before the number is called unregistered: long enough for a node that just started to connect to its
 * relays and fill its routing table (a lookup 17 ms after a restart with a relay down said "not on Parley").
 */
const NEGATIVE_RECHECK_MS = 1_000
/** A publish gives up after this long. */
export const PUBLISH_TIMEOUT_MS = 60_000
/** Numbers whose H stays cached in memory (scrypt costs ~50–100 ms each); 32 bytes each. */
export const MAX_CACHED_HASHES = 20_000

/** The part of kad-dht the directory uses (`node.services.dht`). */
export interface DirectoryDht {
  get(key: Uint8Array, options?: AbortOptions): AsyncIterable<QueryEvent>
  put(key: Uint8Array, value: Uint8Array, options?: AbortOptions): AsyncIterable<QueryEvent>
  /** the node's own record validators; kad-dht stores our own puts without running them, so putRecord does */
  readonly validators?: Record<string, ValidateFn>
}

/** Whether a DHT value is a record a DHT node would keep (valid envelope, not expired), whatever it says. */
function isValidValue (key: Uint8Array, value: Uint8Array, now: number, provider?: CryptoProvider): boolean {
  try {
    validateEnvelope(key, value, now, provider)
    return true
  } catch {
    return false
  }
}

/** Caches H per number in memory (never persisted): contact discovery and lookups of the same number pay scrypt once. */
export class DirectoryHashCache {
  private readonly hashes = new Map<string, Promise<Uint8Array>>()
  constructor (private readonly salt: Uint8Array = PARLEY_NETWORK_SALT, private readonly provider?: CryptoProvider, private readonly max = MAX_CACHED_HASHES) {}

  async hash (e164: string, options: AbortOptions = {}): Promise<Uint8Array> {
    options.signal?.throwIfAborted()
    let h = this.hashes.get(e164)
    if (h == null) {
      h = directoryHash(e164, this.salt, this.provider)
      h.catch(() => this.hashes.delete(e164))
      this.hashes.set(e164, h)
      if (this.hashes.size > this.max) this.hashes.delete(this.hashes.keys().next().value as string)
    }
    // scrypt cannot be interrupted; stop waiting for it when aborted
    return await raceSignal(h, options.signal)
  }

  get size (): number {
    return this.hashes.size
  }
}

/** Shared by lookups and publishes that pass no cache of their own. */
export const defaultHashCache = new DirectoryHashCache()

/** Directory key material of a number: the DHT key string and bytes, sha256(H), and the record key. */
export async function directoryKeysFor (e164: string, options: AbortOptions & { hashes?: DirectoryHashCache, provider?: CryptoProvider } = {}): Promise<{ dhtKey: string, key: Uint8Array, directoryKey: Uint8Array, recordKey: Uint8Array }> {
  const h = await (options.hashes ?? defaultHashCache).hash(e164, options)
  const dhtKey = directoryDhtKey(h, options.provider)
  return { dhtKey, key: new TextEncoder().encode(dhtKey), directoryKey: parseDirectoryKey(dhtKey).directoryKey, recordKey: directoryRecordKey(h, options.provider) }
}

export interface PublishOptions extends AbortOptions {
  /** encoded attestations for this number and identity; expired ones are dropped, the newest MAX_ATTESTATIONS kept */
  attestations?: Uint8Array[]
  /** @default the issue time in ms, so it grows across restarts without storage */
  seq?: number
  /** issue time (ms) @default Date.now() */
  now?: number
  /** @default DEFAULT_RECORD_LIFETIME_MS */
  lifetimeMs?: number
  random?: RandomSource
  provider?: CryptoProvider
  hashes?: DirectoryHashCache
  /** @default PUBLISH_TIMEOUT_MS */
  timeoutMs?: number
  /** a hand-over signed by the number's previous identity naming ours (signHandover), so our record replaces its locked one */
  handover?: Uint8Array
  /** publish a release record (publishRelease): the fields must be empty */
  released?: boolean
}

export interface PublishResult {
  dhtKey: string
  seq: number
  issuedAt: number
  expiresAt: number
  /** DHT peers that stored the record */
  accepted: number
}

/** Keeps attestations that are not expired at `now`, newest first, at most MAX_ATTESTATIONS. */
function usableAttestations (encoded: Uint8Array[], now: number, provider?: CryptoProvider): Uint8Array[] {
  const usable: Array<{ bytes: Uint8Array, issuedAt: number }> = []
  for (const bytes of encoded) {
    try {
      const a = decodeAttestation(bytes, provider)
      if (a.expiresAt > now) usable.push({ bytes, issuedAt: a.issuedAt })
    } catch {
      // undecodable attestations are not published
    }
  }
  return usable.sort((a, b) => b.issuedAt - a.issuedAt).slice(0, MAX_ATTESTATIONS).map(a => a.bytes)
}

/** Builds the DHT value for a number (sealed inner record inside a signed envelope), without publishing it. */
export async function buildRecord (identity: IdentityKeyPair, e164: string, fields: DirectoryRecordFields, options: PublishOptions = {}): Promise<{ key: Uint8Array, dhtKey: string, value: Uint8Array, seq: number, issuedAt: number, expiresAt: number }> {
  checkRecordFields(identity.publicKey, fields, options.provider)
  if (options.released === true && (fields.devices.length > 0 || fields.mailboxRelays.length > 0)) {
    throw new MalformedRecordError('a release record has no devices, relays or prekeys')
  }
  const { key, dhtKey, recordKey } = await directoryKeysFor(e164, options)
  const issuedAt = options.now ?? Date.now()
  const expiresAt = issuedAt + (options.lifetimeMs ?? DEFAULT_RECORD_LIFETIME_MS)
  const seq = options.seq ?? issuedAt
  const inner = encodeInnerRecord({ ...fields, identityKey: identity.publicKey, seq, issuedAt, expiresAt })
  const sealed = sealDirectoryRecord(recordKey, dhtKey, inner, { random: options.random ?? systemRandom, provider: options.provider })
  const attestations = usableAttestations(options.attestations ?? [], issuedAt, options.provider)
  // a hand-over past its age is dropped like an expired attestation: by then the move is long done
  const handover = options.handover != null && !handoverTooOld(options.handover, issuedAt) ? options.handover : undefined
  const value = signEnvelope(identity, {
    seq,
    issuedAt,
    expiresAt,
    attestations,
    sealed,
    ...(handover != null ? { handover } : {}),
    ...(options.released === true ? { released: true } : {})
  }, options.provider)
  validateEnvelope(key, value, issuedAt, options.provider)
  return { key, dhtKey, value, seq, issuedAt, expiresAt }
}

function handoverTooOld (bytes: Uint8Array, issuedAt: number): boolean {
  try {
    return issuedAt - Number(HandoverPb.decode(bytes).issuedAt) > MAX_HANDOVER_AGE_MS
  } catch {
    return false
  }
}

/**
 * Puts an already built value; resolves with how many DHT peers stored it, PublishFailedError when none did.
 * kad-dht stores our own put locally without its validator, so the node's validator runs first; the
 * node's directory datastore then applies the store rule to that local write (a record that loses
 * against the one we hold, e.g. a locked record of another identity, fails here with that rule's error).
 */
export async function putRecord (dht: DirectoryDht, key: Uint8Array, value: Uint8Array, options: AbortOptions & { timeoutMs?: number } = {}): Promise<number> {
  await dht.validators?.[DIRECTORY_NAMESPACE]?.(key, value, options)
  return await withTimeout(options.timeoutMs ?? PUBLISH_TIMEOUT_MS, options.signal, async signal => {
    let accepted = 0
    try {
      for await (const event of dht.put(key, value, { signal })) {
        if (event.name === 'PEER_RESPONSE' && event.messageName === 'PUT_VALUE' && event.record != null && constantTimeEqual(event.record.value, value)) accepted++
      }
    } catch (err) {
      if (signal.aborted) throw err
      throw new PublishFailedError('directory publish failed', { cause: err })
    }
    if (accepted === 0) throw new PublishFailedError()
    return accepted
  }, cause => new PublishFailedError('directory publish timed out', { cause }))
}

/** Computes H for `e164`, seals and signs the record, and puts it on the DHT. */
export async function publishRecord (dht: DirectoryDht, identity: IdentityKeyPair, e164: string, fields: DirectoryRecordFields, options: PublishOptions = {}): Promise<PublishResult> {
  const built = await buildRecord(identity, e164, fields, options)
  const accepted = await putRecord(dht, built.key, built.value, options)
  return { dhtKey: built.dhtKey, seq: built.seq, issuedAt: built.issuedAt, expiresAt: built.expiresAt, accepted }
}

/**
 * Gives the number up: publishes a release record (no devices, relays, prekeys or attestations; seq
 * higher than the last record's, by default the issue time). It is never locked, so another identity with
 * an attestation can register the number at once, and a lookup answers `{ registered: false, released: true }`.
 * The owner's devices must stop republishing their record first (or it replaces the release by seq).
 */
export async function publishRelease (dht: DirectoryDht, identity: IdentityKeyPair, e164: string, options: Omit<PublishOptions, 'attestations' | 'released' | 'handover'> = {}): Promise<PublishResult> {
  return await publishRecord(dht, identity, e164, { devices: [], mailboxRelays: [] }, { ...options, released: true })
}

/** How the DHT query went: distinct peers that answered, and the path length to the peer whose record was used (0: our own store). */
export interface QueryStats {
  peersQueried: number
  hops: number
  /** the lookup ended by the quorum rule (LOOKUP_QUORUM), before kad-dht's query ran dry */
  endedEarly: boolean
}

export interface Registered {
  registered: true
  identityKey: Uint8Array
  devices: DirectoryDevice[]
  mailboxRelays: string[]
  /** devices the owner removed (their ids are never reused) */
  removedDevices: number[]
  /** a trusted verifier attested this number for this identity key */
  verified: boolean
  seq: number
  issuedAt: number
  expiresAt: number
  /**
   * Other identities' valid records the lookup saw that lost against this one (takeover attempts while the
   * number is locked, or records it replaced), one per identity; `verified` as above. Release records and
   * the identity that handed the number over to this one are left out.
   */
  rivals: Array<{ identityKey: Uint8Array, verified: boolean }>
  stats: QueryStats
}

export interface NotRegistered {
  registered: false
  /** the best record is the owner's release record: the number was given up */
  released?: true
  stats: QueryStats
}

/** "Not on Parley" is `{ registered: false }`. */
export type LookupResult = Registered | NotRegistered

export interface LookupOptions extends AbortOptions {
  /** verifier public keys whose attestations make a record `verified` */
  trustedVerifiers?: Uint8Array[]
  /** ms since epoch @default Date.now() */
  now?: number
  hashes?: DirectoryHashCache
  provider?: CryptoProvider
  /** @default LOOKUP_TIMEOUT_MS */
  timeoutMs?: number
  /** closest peers that must all have answered before the lookup ends; 0 walks until kad-dht ends @default LOOKUP_QUORUM */
  quorum?: number
  /** pause before walking again when a walk found nothing while peers it asked were down @default NEGATIVE_RECHECK_MS */
  negativeRecheckMs?: number
  /**
   * The directory key (sha256 of H) the number is expected to have, as a sender's attestation names it: the
   * walk of that key starts at once, while H is computed (scrypt), instead of after. Only a hint: its walk
   * is used only when the locally computed H gives the same key, and abandoned otherwise.
   */
  expectedKey?: Uint8Array
}

/** A walk started before the number's H is known, on the key a caller expects (see LookupOptions.expectedKey). */
interface EarlyWalk { directoryKey: Uint8Array, result: Promise<Walk>, abandon: (reason?: unknown) => void }

function startEarlyWalk (dht: DirectoryDht, directoryKey: Uint8Array, options: LookupOptions): EarlyWalk | undefined {
  if (!(directoryKey instanceof Uint8Array) || directoryKey.length !== DIRECTORY_KEY_LENGTH) return undefined
  const controller = new AbortController()
  const signal = options.signal != null ? AbortSignal.any([options.signal, controller.signal]) : controller.signal
  const key = new TextEncoder().encode(dhtKeyOf(directoryKey))
  const result = walk(dht, key, { signal, quorum: options.quorum ?? LOOKUP_QUORUM, ...(options.provider != null ? { provider: options.provider } : {}) })
  // awaited only when used; an abandoned one's rejection is expected
  result.catch(() => {})
  return { directoryKey, result, abandon: reason => controller.abort(reason) }
}

/** The early walk's answers under the lookup's signal (a timeout there stops it too). */
async function earlyResult (early: EarlyWalk, signal: AbortSignal): Promise<Walk> {
  const onAbort = (): void => early.abandon(signal.reason)
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    return await early.result
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

function isTrusted (e: ValidEnvelope, directoryKey: Uint8Array, now: number, trustedVerifiers: Uint8Array[]): boolean {
  return trustedVerifiers.length > 0 && e.decodedAttestations.some(a => attestationTrusted(a, { directoryKey, identityKey: e.identityKey, now, trustedVerifiers }))
}

/**
 * Best first by the selector rule as a DHT node applies it, with the reader's clock and trusted set (the
 * earlier value stays unless a later one replaces it): a locked record wins over a newer attestation of
 * another identity, trusted or not. The rule is not a total order (two identities without attestations
 * tie), so each place is filled by a scan over the rest rather than by sorting.
 */
function rank<T extends { envelope: ValidEnvelope }> (candidates: T[], ctx: ReplaceContext): T[] {
  const rest = [...candidates]
  const out: T[] = []
  while (rest.length > 0) {
    let best = 0
    for (let i = 1; i < rest.length; i++) {
      if (replaces(rest[i].envelope, rest[best].envelope, ctx)) best = i
    }
    out.push(...rest.splice(best, 1))
  }
  return out
}

/**
 * One entry per identity other than `winner`'s, verified when any of its records is. Release records and
 * the identity that handed the number to the winner are no rivals (they gave it up).
 */
function rivalsOf (candidates: Array<{ envelope: ValidEnvelope, trusted: boolean }>, winner: ValidEnvelope): Registered['rivals'] {
  const out: Registered['rivals'] = []
  for (const c of candidates) {
    if (constantTimeEqual(c.envelope.identityKey, winner.identityKey) || c.envelope.released === true || handedOverBy(winner, c.envelope)) continue
    const known = out.find(r => constantTimeEqual(r.identityKey, c.envelope.identityKey))
    if (known != null) known.verified ||= c.trusted
    else out.push({ identityKey: c.envelope.identityKey, verified: c.trusted })
  }
  return out
}

/**
 * Looks a number up: walks the DHT query, validates every value like a DHT node would, ranks them by the
 * selector rule with the reader's trusted verifiers, opens the best one that decrypts and matches its
 * envelope. No valid record → `{ registered: false }`; the best is a release record → `{ registered: false,
 * released: true }`; nobody answered → DirectoryUnavailableError.
 */
export async function lookup (dht: DirectoryDht, e164: string, options: LookupOptions = {}): Promise<LookupResult> {
  const early = options.expectedKey != null ? startEarlyWalk(dht, options.expectedKey, options) : undefined
  let keys: Awaited<ReturnType<typeof directoryKeysFor>>
  try {
    keys = await directoryKeysFor(e164, options)
  } catch (err) {
    early?.abandon(err)
    throw err
  }
  const { key, dhtKey, directoryKey, recordKey } = keys
  // everything below stands on the H computed here: a hint that names another key only cost a walk
  const head = early != null && constantTimeEqual(early.directoryKey, directoryKey) ? early : undefined
  if (head == null) early?.abandon()
  const trusted = options.trustedVerifiers ?? []
  return await withTimeout(options.timeoutMs ?? LOOKUP_TIMEOUT_MS, options.signal, async signal => {
    const now = options.now ?? Date.now()
    const quorum = options.quorum ?? LOOKUP_QUORUM
    const first = head != null ? await earlyResult(head, signal) : await walk(dht, key, { signal, quorum, ...(options.provider != null ? { provider: options.provider } : {}) })
    let { values, answered, endedEarly } = first
    // "not registered" must stand on as much of the directory as a record does: a walk that met no valid value
    // while peers it asked were down (a relay restarting, our routing table still filling after our own
    // start) is walked again after a pause, and only a second empty walk says no
    if (first.failed > 0 && !first.endedEarly && !values.some(v => isValidValue(key, v.value, now, options.provider))) {
      await sleep(options.negativeRecheckMs ?? NEGATIVE_RECHECK_MS, { signal })
      const again = await walk(dht, key, { signal, quorum, ...(options.provider != null ? { provider: options.provider } : {}) })
      values = [...values, ...again.values.filter(v => !values.some(w => constantTimeEqual(w.value, v.value)))]
      answered = new Set([...answered, ...again.answered])
      endedEarly = again.endedEarly
    }
    const candidates: Array<{ envelope: ValidEnvelope, trusted: boolean, hops: number }> = []
    for (const v of values) {
      try {
        const envelope = validateEnvelope(key, v.value, now, options.provider)
        candidates.push({ envelope, trusted: isTrusted(envelope, directoryKey, now, trusted), hops: v.hops })
      } catch {
        // forged, expired or malformed values are ignored like a DHT node ignores them
      }
    }
    const ranked = rank(candidates, { now, ...(trusted.length > 0 ? { verifiers: trusted } : {}) })
    if (ranked.length > 0 && ranked[0].envelope.released === true) {
      return { registered: false, released: true, stats: { peersQueried: answered.size, hops: ranked[0].hops, endedEarly } }
    }
    for (const c of ranked) {
      if (c.envelope.released === true) continue
      try {
        const record = decodeInnerRecord(openDirectoryRecord(recordKey, dhtKey, c.envelope.sealed, options.provider), c.envelope, options.provider)
        return {
          registered: true,
          identityKey: record.identityKey,
          devices: record.devices,
          mailboxRelays: record.mailboxRelays,
          removedDevices: record.removedDevices ?? [],
          verified: c.trusted,
          seq: record.seq,
          issuedAt: record.issuedAt,
          expiresAt: record.expiresAt,
          rivals: rivalsOf(candidates, c.envelope),
          stats: { peersQueried: answered.size, hops: c.hops, endedEarly }
        }
      } catch {
        // does not open or does not match its envelope: try the next best
      }
    }
    if (values.length === 0 && answered.size === 0) throw new DirectoryUnavailableError()
    return { registered: false, stats: { peersQueried: answered.size, hops: 0, endedEarly } }
  }, cause => new DirectoryUnavailableError('directory lookup timed out', { cause }))
}
