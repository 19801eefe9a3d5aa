/** Contact discovery: which numbers of an address book are on Parley, looked up in parallel with progress and a local cache; knows no DHT (it takes a lookup function). */
import type { AbortOptions } from '@libp2p/interface'
import { fromHex, toHex } from '../crypto/bytes.js'
import { defaultProvider } from '../crypto/default-provider.js'
import type { CryptoProvider } from '../crypto/provider.js'
import { normalizePhone } from '../util/phone.js'
import type { KeyValueStore } from '../storage/index.js'
import type { LookupResult } from './directory.js'

/**
 * Lookups running at once: most of a lookup is waiting (scrypt in another thread, then DHT round trips),
 * so 32 keep both busy; each lookup asks ~20 peers with kad-dht's α = 10 in flight.
 */
export const DEFAULT_DISCOVERY_CONCURRENCY = 32
/** Upper bound on `concurrency`: keeps the requests one node has in flight bounded (64 lookups × α = 10). */
export const MAX_DISCOVERY_CONCURRENCY = 64
/** Cached "registered" answers younger than this are used without asking the DHT (registrations change rarely; a day is what users expect). */
export const DEFAULT_DISCOVERY_MAX_AGE_MS = 24 * 3600_000
/**
 * Cached "not registered" answers are used for a shorter time: a friend who joins Parley should show up
 * the same day, while an address book's many absent numbers are not asked again on every start.
 */
export const DEFAULT_DISCOVERY_NEGATIVE_MAX_AGE_MS = 6 * 3600_000
const CACHE_KEY_CONTEXT = 'Parley_DiscoveryCache_v1:'

export type ContactStatus = 'registered' | 'not-registered' | 'invalid' | 'error'

export interface ContactResult {
  /** the address book entry as given */
  input: string
  /** normalised number; absent when invalid */
  e164?: string
  status: ContactStatus
  identityKey?: Uint8Array
  verified?: boolean
  /** the number was registered before with another identity key: show "security code changed" */
  identityChanged?: boolean
  /** answered from the cache without a lookup */
  fromCache: boolean
  /** when the answer was obtained (ms since epoch) */
  checkedAt?: number
  /** error name when status is 'error' */
  error?: string
}

export interface DiscoveryOptions extends AbortOptions {
  /** region for numbers in national format (ISO 3166 code, e.g. 'GB') */
  defaultRegion?: string
  /** @default DEFAULT_DISCOVERY_CONCURRENCY (at most MAX_DISCOVERY_CONCURRENCY) */
  concurrency?: number
  /** called with (done, total) over the distinct valid numbers, first with done = 0 */
  onProgress?: (done: number, total: number) => void
  /** where answers are kept between runs (keys are hashes of the number, not the number) */
  cache?: KeyValueStore
  /** how long a cached "registered" answer is used @default DEFAULT_DISCOVERY_MAX_AGE_MS */
  maxAge?: number
  /** how long a cached "not registered" answer is used (never longer than maxAge) @default DEFAULT_DISCOVERY_NEGATIVE_MAX_AGE_MS */
  negativeMaxAge?: number
  /** clock @default Date.now */
  now?: () => number
  provider?: CryptoProvider
}

export interface DiscoveryReport {
  /** one per input entry, in input order */
  contacts: ContactResult[]
  /** counts over distinct numbers, except `invalid`, which counts entries */
  registered: number
  invalid: number
  failed: number
  fromCache: number
  lookedUp: number
}

export type LookupFn = (e164: string, options: AbortOptions) => Promise<LookupResult>

interface CacheEntry {
  at: number
  registered: boolean
  identityKey?: string
  verified?: boolean
}


function cacheKey (e164: string, provider: CryptoProvider): string {
  // not a secret (the number space is small), but keeps numbers out of the store in clear
  return toHex(provider.sha256(new TextEncoder().encode(CACHE_KEY_CONTEXT + e164)))
}

async function readCache (cache: KeyValueStore, key: string, options: AbortOptions): Promise<CacheEntry | undefined> {
  const bytes = await cache.get(key, options)
  if (bytes == null) return undefined
  try {
    const entry = JSON.parse(new TextDecoder().decode(bytes)) as CacheEntry
    return typeof entry.at === 'number' && typeof entry.registered === 'boolean' ? entry : undefined
  } catch {
    return undefined
  }
}

/** Answers for one distinct number. */
async function resolve (e164: string, lookupFn: LookupFn, opts: DiscoveryOptions, provider: CryptoProvider): Promise<Omit<ContactResult, 'input'>> {
  const now = opts.now ?? Date.now
  const key = cacheKey(e164, provider)
  const cached = opts.cache != null ? await readCache(opts.cache, key, opts) : undefined
  const maxAge = opts.maxAge ?? DEFAULT_DISCOVERY_MAX_AGE_MS
  const freshFor = cached?.registered === false ? Math.min(maxAge, opts.negativeMaxAge ?? DEFAULT_DISCOVERY_NEGATIVE_MAX_AGE_MS) : maxAge
  if (cached != null && now() - cached.at < freshFor) {
    return {
      e164,
      status: cached.registered ? 'registered' : 'not-registered',
      ...(cached.identityKey != null ? { identityKey: fromHex(cached.identityKey), verified: cached.verified === true } : {}),
      fromCache: true,
      checkedAt: cached.at
    }
  }
  let result: LookupResult
  try {
    result = await lookupFn(e164, { signal: opts.signal })
  } catch (err) {
    opts.signal?.throwIfAborted()
    return { e164, status: 'error', error: (err as Error)?.name ?? 'Error', fromCache: false }
  }
  const at = now()
  const entry: CacheEntry = result.registered
    ? { at, registered: true, identityKey: toHex(result.identityKey), verified: result.verified }
    : { at, registered: false }
  const identityChanged = result.registered && cached?.identityKey != null && cached.identityKey !== entry.identityKey
  await opts.cache?.put(key, new TextEncoder().encode(JSON.stringify(entry)), { signal: opts.signal })
  return result.registered
    ? { e164, status: 'registered', identityKey: result.identityKey, verified: result.verified, ...(identityChanged ? { identityChanged: true } : {}), fromCache: false, checkedAt: at }
    : { e164, status: 'not-registered', fromCache: false, checkedAt: at }
}

/**
 * Normalises every entry (invalid ones are reported, not thrown), looks each distinct number up once
 * with bounded concurrency (or answers from a fresh cache entry), reports progress, and caches answers.
 */
export async function discoverContacts (lookupFn: LookupFn, numbers: string[], opts: DiscoveryOptions = {}): Promise<DiscoveryReport> {
  opts.signal?.throwIfAborted()
  const provider = opts.provider ?? defaultProvider()
  const normalised = numbers.map(input => {
    try {
      return normalizePhone(input, opts.defaultRegion)
    } catch {
      return undefined
    }
  })
  const distinct = [...new Set(normalised.filter((n): n is string => n != null))]
  const answers = new Map<string, Omit<ContactResult, 'input'>>()
  let done = 0
  opts.onProgress?.(0, distinct.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < distinct.length) {
      opts.signal?.throwIfAborted()
      const e164 = distinct[next++]
      answers.set(e164, await resolve(e164, lookupFn, opts, provider))
      done++
      opts.onProgress?.(done, distinct.length)
    }
  }
  const workers = Math.max(1, Math.min(opts.concurrency ?? DEFAULT_DISCOVERY_CONCURRENCY, MAX_DISCOVERY_CONCURRENCY, distinct.length))
  await Promise.all(Array.from({ length: workers }, worker))

  const contacts = numbers.map((input, i): ContactResult => {
    const e164 = normalised[i]
    if (e164 == null) return { input, status: 'invalid', fromCache: false }
    return { input, ...answers.get(e164)! }
  })
  const report: DiscoveryReport = { contacts, registered: 0, invalid: 0, failed: 0, fromCache: 0, lookedUp: 0 }
  for (const a of answers.values()) {
    if (a.status === 'registered') report.registered++
    if (a.status === 'error') report.failed++
    if (a.fromCache) report.fromCache++
    else report.lookedUp++
  }
  report.invalid = normalised.filter(n => n == null).length
  return report
}
