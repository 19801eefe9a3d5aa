// discoverContacts with a stand-in lookup function (no DHT, no scrypt; fast to mutate): invalid and duplicate entries,
// progress, the concurrency bound, cache freshness at its boundaries, what the cache keeps, "security code changed",
// failures (also a thrown undefined) and aborts (also during the cache write).
import { describe, it, expect } from 'vitest'
import { createHash } from 'node:crypto'
import { MemoryKeyValueStore } from '../../src/storage/index.js'
import {
  DEFAULT_DISCOVERY_CONCURRENCY, DEFAULT_DISCOVERY_MAX_AGE_MS, DEFAULT_DISCOVERY_NEGATIVE_MAX_AGE_MS, MAX_DISCOVERY_CONCURRENCY, discoverContacts,
  type LookupFn, type LookupResult
} from '../../src/directory/index.js'

const T0 = 1_800_000_000_000
const A = '+442079460100'
const B = '+442079460101'
const C = '+442079460102'
const stats = { peersQueried: 1, hops: 1, endedEarly: false }
const key = (n: number): Uint8Array => new Uint8Array(32).fill(n)
const registered = (identityKey: Uint8Array, verified = true): LookupResult => ({
  registered: true, identityKey, verified, devices: [], mailboxRelays: [], removedDevices: [], seq: 1, issuedAt: 1, expiresAt: 2, rivals: [], stats
})
const absent: LookupResult = { registered: false, stats }

/** A lookup answering from `answers` (a thrown Error for failures) and counting calls per number. */
function lookupOf (answers: Record<string, LookupResult | Error>): LookupFn & { calls: string[] } {
  const calls: string[] = []
  const fn = async (e164: string): Promise<LookupResult> => {
    calls.push(e164)
    const a = answers[e164]
    if (a instanceof Error) throw a
    return a ?? absent
  }
  return Object.assign(fn, { calls })
}

const cacheKeyOf = (e164: string): string => createHash('sha256').update('Parley_DiscoveryCache_v1:' + e164).digest('hex')

describe('discoverContacts (unit)', () => {
  it('reports every entry in order, looks each distinct number up once, and counts', async () => {
    const lookupFn = lookupOf({ [A]: registered(key(1), true), [B]: registered(key(2), false), [C]: new TypeError('boom') })
    const progress: Array<[number, number]> = []
    const report = await discoverContacts(lookupFn, ['020 7946 0100', 'nonsense', A, '+44 20 7946 0101', C, '+442079460103', ''], {
      defaultRegion: 'GB', now: () => T0, onProgress: (d, t) => progress.push([d, t])
    })
    expect(lookupFn.calls.sort()).toEqual([A, B, C, '+442079460103'].sort())
    expect(report.contacts.map(c => [c.input, c.e164, c.status])).toEqual([
      ['020 7946 0100', A, 'registered'], ['nonsense', undefined, 'invalid'], [A, A, 'registered'], ['+44 20 7946 0101', B, 'registered'],
      [C, C, 'error'], ['+442079460103', '+442079460103', 'not-registered'], ['', undefined, 'invalid']
    ])
    expect(report.contacts[0]).toEqual({ input: '020 7946 0100', e164: A, status: 'registered', identityKey: key(1), verified: true, fromCache: false, checkedAt: T0 })
    expect(report.contacts[3]).toMatchObject({ verified: false })
    expect(report.contacts[4]).toEqual({ input: C, e164: C, status: 'error', error: 'TypeError', fromCache: false })
    expect(report.contacts[5]).toEqual({ input: '+442079460103', e164: '+442079460103', status: 'not-registered', fromCache: false, checkedAt: T0 })
    expect(report.contacts[1]).toEqual({ input: 'nonsense', status: 'invalid', fromCache: false })
    expect({ ...report, contacts: undefined }).toEqual({ contacts: undefined, registered: 2, invalid: 2, failed: 1, fromCache: 0, lookedUp: 4 })
    expect(progress).toEqual([[0, 4], [1, 4], [2, 4], [3, 4], [4, 4]])
  })

  it('runs at most `concurrency` lookups at once (default 32, at most 64, at least 1)', async () => {
    const numbers = Array.from({ length: 100 }, (_, i) => `+4420794601${String(i).padStart(2, '0')}`)
    const peak = async (concurrency?: number): Promise<number> => {
      let running = 0
      let max = 0
      const lookupFn: LookupFn = async () => {
        running++
        max = Math.max(max, running)
        await new Promise(resolve => setImmediate(resolve))
        running--
        return absent
      }
      await discoverContacts(lookupFn, numbers, concurrency != null ? { concurrency } : {})
      return max
    }
    expect(await peak()).toBe(DEFAULT_DISCOVERY_CONCURRENCY)
    expect(await peak(5)).toBe(5)
    expect(await peak(1000)).toBe(MAX_DISCOVERY_CONCURRENCY)
    expect(await peak(0)).toBe(1)
    expect(await peak(-3)).toBe(1)
    // no more workers than numbers
    let calls = 0
    await discoverContacts(async () => { calls++; return absent }, [A, A], { concurrency: 8 })
    expect(calls).toBe(1)
    // nothing valid: no lookups, progress 0 of 0
    const progress: Array<[number, number]> = []
    const empty = await discoverContacts(async () => { throw new Error('not called') }, ['x'], { onProgress: (d, t) => progress.push([d, t]) })
    expect(progress).toEqual([[0, 0]])
    expect(empty.invalid).toBe(1)
  })

  it('caches answers under a hash of the number and answers from fresh entries (registered: maxAge, absent: negativeMaxAge)', async () => {
    const cache = new MemoryKeyValueStore()
    let now = T0
    const lookupFn = lookupOf({ [A]: registered(key(1), true) })
    await discoverContacts(lookupFn, [A, B], { cache, now: () => now })
    const stored = await cache.get(cacheKeyOf(A))
    expect(JSON.parse(new TextDecoder().decode(stored))).toEqual({ at: T0, registered: true, identityKey: '01'.repeat(32), verified: true })
    expect(JSON.parse(new TextDecoder().decode(await cache.get(cacheKeyOf(B))))).toEqual({ at: T0, registered: false })

    const run = async (): Promise<Awaited<ReturnType<typeof discoverContacts>>> => await discoverContacts(lookupFn, [A, B], { cache, now: () => now })
    lookupFn.calls.length = 0
    now = T0 + DEFAULT_DISCOVERY_NEGATIVE_MAX_AGE_MS - 1
    const fresh = await run()
    expect(lookupFn.calls).toEqual([])
    expect(fresh.contacts[0]).toEqual({ input: A, e164: A, status: 'registered', identityKey: key(1), verified: true, fromCache: true, checkedAt: T0 })
    expect(fresh.contacts[1]).toEqual({ input: B, e164: B, status: 'not-registered', fromCache: true, checkedAt: T0 })
    expect(fresh).toMatchObject({ fromCache: 2, lookedUp: 0, registered: 1 })
    // the negative answer is stale first
    now = T0 + DEFAULT_DISCOVERY_NEGATIVE_MAX_AGE_MS
    await run()
    expect(lookupFn.calls).toEqual([B])
    lookupFn.calls.length = 0
    now = T0 + DEFAULT_DISCOVERY_MAX_AGE_MS - 1
    await run()
    expect(lookupFn.calls).toEqual([B])
    lookupFn.calls.length = 0
    // the registered answer is stale at maxAge (B was cached again a millisecond ago)
    now = T0 + DEFAULT_DISCOVERY_MAX_AGE_MS
    await run()
    expect(lookupFn.calls).toEqual([A])
  })

  it('custom ages: negativeMaxAge never longer than maxAge', async () => {
    const cache = new MemoryKeyValueStore()
    const lookupFn = lookupOf({ [A]: registered(key(1)) })
    await discoverContacts(lookupFn, [A, B], { cache, now: () => T0 })
    lookupFn.calls.length = 0
    await discoverContacts(lookupFn, [A, B], { cache, now: () => T0 + 999, maxAge: 1000, negativeMaxAge: 5000 })
    expect(lookupFn.calls).toEqual([])
    await discoverContacts(lookupFn, [A, B], { cache, now: () => T0 + 1000, maxAge: 5000, negativeMaxAge: 1000 })
    expect(lookupFn.calls).toEqual([B])
    lookupFn.calls.length = 0
    await discoverContacts(lookupFn, [A], { cache, now: () => T0 + 1000, maxAge: 1000, negativeMaxAge: 5000 })
    expect(lookupFn.calls).toEqual([A])
  })

  it('ignores cache entries it cannot read, and flags a changed identity key', async () => {
    const cache = new MemoryKeyValueStore()
    const enc = (v: unknown): Uint8Array => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v))
    await cache.put(cacheKeyOf(A), enc('{not json'))
    await cache.put(cacheKeyOf(B), enc({ at: String(T0), registered: true }))
    await cache.put(cacheKeyOf(C), enc({ at: T0, registered: 'yes' }))
    const lookupFn = lookupOf({ [A]: registered(key(1)), [B]: registered(key(2)), [C]: registered(key(3)) })
    const r = await discoverContacts(lookupFn, [A, B, C], { cache, now: () => T0 })
    expect(lookupFn.calls.sort()).toEqual([A, B, C])
    expect(r.contacts.every(c => c.identityChanged == null)).toBe(true)

    // a cached registration of another key, stale: the new answer says the security code changed
    await cache.put(cacheKeyOf(A), enc({ at: T0 - DEFAULT_DISCOVERY_MAX_AGE_MS, registered: true, identityKey: '09'.repeat(32), verified: true }))
    await cache.put(cacheKeyOf(B), enc({ at: T0 - DEFAULT_DISCOVERY_MAX_AGE_MS, registered: true, identityKey: '02'.repeat(32) }))
    await cache.put(cacheKeyOf(C), enc({ at: T0 - DEFAULT_DISCOVERY_MAX_AGE_MS, registered: false }))
    const again = await discoverContacts(lookupFn, [A, B, C], { cache, now: () => T0 })
    expect(again.contacts.map(c => c.identityChanged)).toEqual([true, undefined, undefined])
    // a fresh cached entry without `verified` reads as unverified
    await cache.put(cacheKeyOf(B), enc({ at: T0, registered: true, identityKey: '02'.repeat(32) }))
    const cached = await discoverContacts(lookupFn, [B], { cache, now: () => T0 })
    expect(cached.contacts[0]).toMatchObject({ fromCache: true, verified: false, identityKey: key(2) })
  })

  it('a failed lookup is reported by error name and not cached; an abort stops the run', async () => {
    const cache = new MemoryKeyValueStore()
    const failing = lookupOf({ [A]: Object.assign(new Error('x'), { name: 'DirectoryUnavailableError' }) })
    const r = await discoverContacts(failing, [A], { cache, now: () => T0 })
    expect(r.contacts[0]).toMatchObject({ status: 'error', error: 'DirectoryUnavailableError' })
    expect(r.failed).toBe(1)
    expect(await cache.get(cacheKeyOf(A))).toBeUndefined()
    // something thrown that is not an Error is reported as 'Error'
    const odd: LookupFn = async () => { throw 'no name' as unknown as Error }
    expect((await discoverContacts(odd, [A])).contacts[0]).toMatchObject({ status: 'error', error: 'Error' })
    // and so is nothing at all
    const nothing: LookupFn = async () => { throw undefined as unknown as Error }
    expect((await discoverContacts(nothing, [A])).contacts[0]).toMatchObject({ status: 'error', error: 'Error' })

    const controller = new AbortController()
    const reason = new Error('user left')
    const aborting: LookupFn = async () => {
      controller.abort(reason)
      throw new Error('aborted lookup')
    }
    await expect(discoverContacts(aborting, [A, B], { concurrency: 1, signal: controller.signal })).rejects.toBe(reason)
    await expect(discoverContacts(lookupOf({}), [A], { signal: controller.signal })).rejects.toBe(reason)
  })

  it('writes the cache with the caller\'s signal: an abort during the write stops the run', async () => {
    const controller = new AbortController()
    const reason = new Error('user left')
    const cache = new MemoryKeyValueStore()
    const signals: Array<AbortSignal | undefined> = []
    cache.put = async (_key, _value, options) => {
      signals.push(options?.signal)
      controller.abort(reason)
      options?.signal?.throwIfAborted()
    }
    await expect(discoverContacts(lookupOf({}), [A], { cache, signal: controller.signal })).rejects.toBe(reason)
    expect(signals).toEqual([controller.signal])
  })
})
