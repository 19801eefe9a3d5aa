// Contact discovery over a stand-in DHT: ~200 address-book entries in assorted formats, progress, bounded concurrency, cache, refresh, "security code changed".
import { describe, it, expect, beforeAll } from 'vitest'
import { MemoryKeyValueStore } from '../../src/storage/index.js'
import { normalizePhone } from '../../src/util/phone.js'
import {
  DEFAULT_DISCOVERY_NEGATIVE_MAX_AGE_MS, DirectoryHashCache, directoryDhtRules, directoryKeysFor, discoverContacts, lookup, publishRecord, signHandover, type LookupFn
} from '../../src/directory/index.js'
import { attest, makeUser, makeVerifier, type TestUser } from './fixtures.js'
import { FakeDht } from './fake-dht.js'

const DAY = 24 * 3600_000

/** Address book entries: the same kind of number written the ways people write them, plus junk. */
function addressBook (): string[] {
  const book: string[] = []
  for (let i = 0; i < 180; i++) {
    const line = String(i).padStart(3, '0')
    switch (i % 6) {
      case 0: book.push(`020 7946 0${line}`); break
      case 1: book.push(`+44 20 7946 0${line}`); break
      case 2: book.push(`0044 (0)20 7946 0${line}`.replace('(0)', '')); break
      case 3: book.push(`(020) 7946-0${line}`); break
      case 4: book.push(`+1 (415) 555-0${line}`); break
      case 5: book.push(`0161 496 0${line}`); break
    }
  }
  // duplicates in other formats, and entries that are not numbers
  book.push('+442079460000', '02079460001', '+1 415 555 0004', 'hello', '12', '', '+999 1234', 'call me')
  for (let i = 180; i < 192; i++) book.push(`07700 900${String(i).padStart(3, '0')}`)
  return book
}

describe('contact discovery', () => {
  const hashes = new DirectoryHashCache()
  const dht = new FakeDht(directoryDhtRules())
  const verifier = makeVerifier()
  const book = addressBook()
  const valid = book.map(n => { try { return normalizePhone(n, 'GB') } catch { return undefined } })
  const distinct = [...new Set(valid.filter((n): n is string => n != null))]
  // every 9th distinct number is on Parley
  const registered = distinct.filter((_, i) => i % 9 === 0)
  const identities = new Map<string, Uint8Array>()
  const owners = new Map<string, TestUser['identity']>()

  beforeAll(async () => {
    for (const e164 of registered) {
      const user = await makeUser()
      const { directoryKey } = await directoryKeysFor(e164, { hashes })
      await publishRecord(dht, user.identity, e164, user.fields, { hashes, attestations: [attest(verifier, directoryKey, user.identity.publicKey, Date.now() - DAY)] })
      identities.set(e164, user.identity.publicKey)
      owners.set(e164, user.identity)
    }
  })

  it('reports which numbers are on Parley, in parallel with progress, then answers from the cache', async () => {
    expect(book.length).toBeGreaterThanOrEqual(195)
    expect(distinct.length).toBeGreaterThan(170)
    const cache = new MemoryKeyValueStore()
    let inFlight = 0
    let maxInFlight = 0
    const lookupFn: LookupFn = async (e164, options) => {
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      try {
        return await lookup(dht, e164, { ...options, hashes, trustedVerifiers: [verifier.publicKey] })
      } finally {
        inFlight--
      }
    }
    const progress: Array<[number, number]> = []
    const gets = dht.gets
    const report = await discoverContacts(lookupFn, book, { defaultRegion: 'GB', concurrency: 8, cache, onProgress: (d, t) => progress.push([d, t]) })

    expect(report.contacts).toHaveLength(book.length)
    expect(report.invalid).toBe(valid.filter(v => v == null).length)
    expect(report.invalid).toBeGreaterThanOrEqual(5)
    expect(report.registered).toBe(registered.length)
    expect(report.lookedUp).toBe(distinct.length)
    expect(report.fromCache).toBe(0)
    expect(dht.gets - gets).toBe(distinct.length)
    expect(maxInFlight).toBeGreaterThan(1)
    expect(maxInFlight).toBeLessThanOrEqual(8)
    for (const [i, c] of report.contacts.entries()) {
      expect(c.input).toBe(book[i])
      if (valid[i] == null) {
        expect(c.status).toBe('invalid')
        continue
      }
      expect(c.e164).toBe(valid[i])
      const key = identities.get(valid[i]!)
      expect(c.status).toBe(key != null ? 'registered' : 'not-registered')
      if (key != null) {
        expect(Buffer.from(c.identityKey!).equals(Buffer.from(key))).toBe(true)
        expect(c.verified).toBe(true)
        expect(c.identityChanged).toBeUndefined()
      }
    }
    // national, international and 00-prefixed forms of one number are one lookup
    expect(report.contacts[0].e164).toBe('+442079460000')
    expect(report.contacts.find(c => c.input === '+442079460000')?.e164).toBe('+442079460000')
    expect(progress[0]).toEqual([0, distinct.length])
    expect(progress.at(-1)).toEqual([distinct.length, distinct.length])
    expect(progress.every(([d], i) => i === 0 || d === progress[i - 1][0] + 1)).toBe(true)

    // the cache holds no number in clear
    for await (const entry of cache.iterate()) {
      expect(entry.key).toMatch(/^[0-9a-f]{64}$/)
      expect(new TextDecoder().decode(entry.value)).not.toMatch(/\+44|\+1/)
    }

    // second run: everything from the cache, no DHT query
    const again = await discoverContacts(lookupFn, book, { defaultRegion: 'GB', cache })
    expect(dht.gets - gets).toBe(distinct.length)
    expect(again.fromCache).toBe(distinct.length)
    expect(again.registered).toBe(registered.length)
    expect(again.contacts.map(c => c.status)).toEqual(report.contacts.map(c => c.status))
  })

  it('refreshes entries older than maxAge and flags a changed identity key', async () => {
    const cache = new MemoryKeyValueStore()
    const lookupFn: LookupFn = async (e164, options) => await lookup(dht, e164, { ...options, hashes, trustedVerifiers: [verifier.publicKey] })
    const subset = registered.slice(0, 4).concat(distinct.filter(n => !identities.has(n)).slice(0, 4))
    let clock = Date.now()
    const first = await discoverContacts(lookupFn, subset, { cache, now: () => clock })
    expect(first.registered).toBe(4)

    // the first number moves to a new phone with a new identity key: the old identity hands it over (its record is locked)
    const moved = registered[0]
    const newPhone = await makeUser()
    const { directoryKey } = await directoryKeysFor(moved, { hashes })
    const handover = signHandover(owners.get(moved) as TestUser['identity'], { directoryKey, newIdentityKey: newPhone.identity.publicKey, issuedAt: Date.now() })
    await publishRecord(dht, newPhone.identity, moved, newPhone.fields, { hashes, handover, attestations: [attest(verifier, directoryKey, newPhone.identity.publicKey, Date.now())] })

    // still fresh: answered from the cache, no change seen yet
    const cached = await discoverContacts(lookupFn, subset, { cache, now: () => clock, maxAge: DAY })
    expect(cached.fromCache).toBe(subset.length)
    expect(cached.contacts[0].identityChanged).toBeUndefined()

    clock += DAY + 1
    const gets = dht.gets
    const refreshed = await discoverContacts(lookupFn, subset, { cache, now: () => clock, maxAge: DAY })
    expect(dht.gets - gets).toBe(subset.length)
    expect(refreshed.fromCache).toBe(0)
    expect(refreshed.contacts[0].identityChanged).toBe(true)
    expect(Buffer.from(refreshed.contacts[0].identityKey!).equals(Buffer.from(newPhone.identity.publicKey))).toBe(true)
    expect(refreshed.contacts.slice(1).every(c => c.identityChanged === undefined)).toBe(true)
    identities.set(moved, newPhone.identity.publicKey)
  })

  it('asks again for absent numbers sooner than for registered ones, and finds one that registered meanwhile', async () => {
    const cache = new MemoryKeyValueStore()
    const lookupFn: LookupFn = async (e164, options) => await lookup(dht, e164, { ...options, hashes, trustedVerifiers: [verifier.publicKey] })
    const present = registered.slice(1, 4)
    const absent = distinct.filter(n => !identities.has(n)).slice(10, 14)
    let clock = Date.now()
    const first = await discoverContacts(lookupFn, [...present, ...absent], { cache, now: () => clock })
    expect(first.registered).toBe(present.length)
    expect(first.lookedUp).toBe(present.length + absent.length)

    // one of the absent numbers joins Parley
    const joiner = absent[0]
    const user = await makeUser()
    const { directoryKey } = await directoryKeysFor(joiner, { hashes })
    await publishRecord(dht, user.identity, joiner, user.fields, { hashes, attestations: [attest(verifier, directoryKey, user.identity.publicKey, Date.now())] })

    // just before the negative max age: all from the cache, the joiner still shows as absent
    clock += DEFAULT_DISCOVERY_NEGATIVE_MAX_AGE_MS - 1
    const before = await discoverContacts(lookupFn, [...present, ...absent], { cache, now: () => clock })
    expect(before.fromCache).toBe(present.length + absent.length)
    expect(before.contacts[present.length].status).toBe('not-registered')

    // past it (but well within the positive max age): only the absent numbers are asked again, and the joiner is found
    clock += 2
    const gets = dht.gets
    const after = await discoverContacts(lookupFn, [...present, ...absent], { cache, now: () => clock })
    expect(dht.gets - gets).toBe(absent.length)
    expect(after.fromCache).toBe(present.length)
    expect(after.contacts.slice(0, present.length).every(c => c.fromCache && c.status === 'registered')).toBe(true)
    expect(after.contacts[present.length]).toMatchObject({ e164: joiner, status: 'registered', fromCache: false, verified: true })
    expect(after.registered).toBe(present.length + 1)

    // negativeMaxAge is an option, and never outlives maxAge
    clock += 1000
    const short = await discoverContacts(lookupFn, absent.slice(1), { cache, now: () => clock, negativeMaxAge: 500 })
    expect(short.fromCache).toBe(0)
    const capped = await discoverContacts(lookupFn, absent.slice(1), { cache, now: () => clock + 200, maxAge: 100 })
    expect(capped.fromCache).toBe(0)
    identities.set(joiner, user.identity.publicKey)
  })

  it('reports lookup failures per number and stops on abort', async () => {
    const failing: LookupFn = async (e164) => {
      if (e164.endsWith('1')) throw Object.assign(new Error('x'), { name: 'DirectoryUnavailableError' })
      return { registered: false, stats: { peersQueried: 1, hops: 1, endedEarly: false } }
    }
    const report = await discoverContacts(failing, ['+442079460011', '+442079460012', 'nonsense'])
    expect(report.contacts.map(c => c.status)).toEqual(['error', 'not-registered', 'invalid'])
    expect(report.contacts[0].error).toBe('DirectoryUnavailableError')
    expect(report.failed).toBe(1)

    const controller = new AbortController()
    const slow: LookupFn = async (_e164, options) => await new Promise((_resolve, reject) => options.signal?.addEventListener('abort', () => reject(options.signal?.reason)))
    const pending = discoverContacts(slow, ['+442079460011', '+442079460012'], { signal: controller.signal })
    controller.abort()
    await expect(pending).rejects.toThrow()
  })
})
