// The registration lock: a verified record refreshed within 7 days keeps its number against any other identity (untrusted or trusted verifier) in the store rule, the selector and lookup ranking; release and hand-over let a new identity in; forged and stale hand-overs fail.
import { describe, it, expect, beforeAll } from 'vitest'
import { IdentityKeyPair, systemRandom } from '../../src/crypto/index.js'
import {
  buildRecord, decodeEnvelope, directoryDhtRules, directoryKeysFor, isLocked, lookup, publishRecord, publishRelease, signEnvelope, signHandover,
  validateEnvelope, LOCK_WINDOW_MS, MAX_HANDOVER_AGE_MS, DEFAULT_RECORD_LIFETIME_MS, REPUBLISH_INTERVAL_MS
} from '../../src/directory/index.js'
import { attest, makeUser, makeVerifier, type TestUser, errorName } from './fixtures.js'
import { FakeDht } from './fake-dht.js'

const NUMBER = '+14155550160'
const OTHER = '+14155550161'
const HOUR = 3600_000
const DAY = 24 * HOUR

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

describe('registration lock', () => {
  let keys: Awaited<ReturnType<typeof directoryKeysFor>>
  let otherKeys: Awaited<ReturnType<typeof directoryKeysFor>>
  let alice: TestUser
  let mallory: TestUser
  let bob: TestUser
  const trusted = makeVerifier()
  const rogue = makeVerifier()
  const now = Date.now()
  /** alice's verified record, issued (refreshed) an hour ago */
  let locked: Uint8Array

  const record = async (user: TestUser, options: Parameters<typeof buildRecord>[3] = {}): Promise<Uint8Array> =>
    (await buildRecord(user.identity, NUMBER, user.fields, { now, ...options })).value
  const attestation = (user: TestUser, verifier: IdentityKeyPair, issuedAt: number, lifetime?: number): Uint8Array =>
    attest(verifier, keys.directoryKey, user.identity.publicKey, issuedAt, lifetime)

  beforeAll(async () => {
    keys = await directoryKeysFor(NUMBER)
    otherKeys = await directoryKeysFor(OTHER)
    ;[alice, mallory, bob] = [await makeUser(), await makeUser(), await makeUser()]
    locked = await record(alice, { now: now - HOUR, seq: 10, attestations: [attestation(alice, trusted, now - 2 * DAY)] })
  })

  it('the default record lifetime is the lock window, and republishing refreshes well inside it', () => {
    expect(DEFAULT_RECORD_LIFETIME_MS).toBe(LOCK_WINDOW_MS)
    expect(LOCK_WINDOW_MS).toBe(7 * DAY)
    expect(REPUBLISH_INTERVAL_MS).toBe(12 * HOUR)
  })

  it('holds against a newcomer attested by an untrusted verifier and by a TRUSTED one (SIM swap): store rule and selector', async () => {
    const byRogue = await record(mallory, { seq: 1, attestations: [attestation(mallory, rogue, now)] })
    const byTrusted = await record(mallory, { seq: 1, attestations: [attestation(mallory, trusted, now)] })
    for (const rules of [directoryDhtRules({ now: () => now }), directoryDhtRules({ now: () => now, trustedVerifiers: [trusted.publicKey] })]) {
      expect(isLocked(validateEnvelope(keys.key, locked, now), rules.context())).toBe(true)
      for (const attacker of [byRogue, byTrusted]) {
        expect(errorName(() => rules.admit(keys.key, attacker, locked))).toBe('RegistrationLockedError')
        expect(await rules.selectors['parley-phone'](keys.key, [locked, attacker])).toBe(0)
        expect(await rules.selectors['parley-phone'](keys.key, [attacker, locked])).toBe(1)
      }
      // the owner still refreshes (higher seq), and moves devices (restore from backup: same identity, new device)
      const restored = await makeUser()
      expect(restored.fields.mailboxRelays.length).toBeGreaterThan(1)
      const moved = (await buildRecord(alice.identity, NUMBER, { ...alice.fields, mailboxRelays: restored.fields.mailboxRelays.slice(1) }, { now, seq: 11, attestations: [attestation(alice, trusted, now - 2 * DAY)] })).value
      expect(errorName(() => rules.admit(keys.key, moved, locked))).toBe('no error')
      expect(await rules.selectors['parley-phone'](keys.key, [locked, moved])).toBe(1)
    }
  })

  it('ranks the locked record first in lookup, reports the attacker as a rival, and keeps it against a newer trusted attestation', async () => {
    const dht = new FakeDht(directoryDhtRules({ now: () => now }))
    dht.store.set(new TextDecoder().decode(keys.key), locked)
    const attacker = await record(mallory, { seq: 99, attestations: [attestation(mallory, trusted, now)] })
    // the attacker's record reaches the reader from another peer
    dht.injected.set(new TextDecoder().decode(keys.key), [attacker])
    const found = await lookup(dht, NUMBER, { now, trustedVerifiers: [trusted.publicKey] })
    expect(found.registered).toBe(true)
    if (!found.registered) return
    expect(hex(found.identityKey)).toBe(hex(alice.identity.publicKey))
    expect(found.verified).toBe(true)
    expect(found.rivals.map(r => ({ id: hex(r.identityKey), verified: r.verified }))).toEqual([{ id: hex(mallory.identity.publicKey), verified: true }])
    // the attacker cannot put over it either
    await expect(publishRecord(dht, mallory.identity, NUMBER, mallory.fields, { now, attestations: [attestation(mallory, trusted, now)] }))
      .rejects.toHaveProperty('cause.name', 'RegistrationLockedError')
  })

  it('lapses 7 days after the last refresh, and when its attestation has expired', async () => {
    const newcomer = await record(bob, { now: now + LOCK_WINDOW_MS, seq: 1, attestations: [attestation(bob, trusted, now + LOCK_WINDOW_MS - HOUR)] })
    const at = (t: number) => directoryDhtRules({ now: () => t, trustedVerifiers: [trusted.publicKey] })
    // just before: still locked
    const before = now + LOCK_WINDOW_MS - 2 * HOUR
    const early = await record(bob, { now: before, seq: 1, attestations: [attestation(bob, trusted, before - HOUR)] })
    expect(errorName(() => at(before).admit(keys.key, early, locked))).toBe('RegistrationLockedError')
    // alice's devices were off for a week: the lock (and the record) lapsed, bob registers
    expect(errorName(() => at(now + LOCK_WINDOW_MS).admit(keys.key, newcomer, locked))).toBe('no error')
    expect(isLocked(validateEnvelope(keys.key, locked, now + LOCK_WINDOW_MS - 2 * HOUR), at(now + LOCK_WINDOW_MS - HOUR).context())).toBe(false)

    // a record whose only attestation has expired is not locked: a newer attestation takes over
    const stale = await record(alice, { now: now - HOUR, seq: 12, attestations: [attestation(alice, trusted, now - 2 * DAY, DAY)] })
    const later = now + HOUR
    const takeover = await record(bob, { now: later, seq: 1, attestations: [attestation(bob, trusted, later - 60_000)] })
    expect(errorName(() => at(later).admit(keys.key, takeover, stale))).toBe('no error')
  })

  it('a release record lets a new identity in, and a lookup answers not registered (released)', async () => {
    const dht = new FakeDht(directoryDhtRules({ now: () => now }))
    dht.store.set(new TextDecoder().decode(keys.key), locked)
    // before the release bob is locked out
    await expect(publishRecord(dht, bob.identity, NUMBER, bob.fields, { now, seq: 1, attestations: [attestation(bob, trusted, now)] }))
      .rejects.toHaveProperty('cause.name', 'RegistrationLockedError')
    await publishRelease(dht, alice.identity, NUMBER, { now, seq: 20 })
    const released = await lookup(dht, NUMBER, { now, trustedVerifiers: [trusted.publicKey] })
    expect(released).toMatchObject({ registered: false, released: true })
    // the release itself cannot carry devices
    await expect(buildRecord(alice.identity, NUMBER, alice.fields, { now, released: true })).rejects.toHaveProperty('name', 'MalformedRecordError')
    // an unverified newcomer does not take it; a verified one does
    await expect(publishRecord(dht, mallory.identity, NUMBER, mallory.fields, { now, seq: 1 })).rejects.toHaveProperty('cause.name', 'ReplayedRecordError')
    await publishRecord(dht, bob.identity, NUMBER, bob.fields, { now, seq: 1, attestations: [attestation(bob, rogue, now - DAY)] })
    const found = await lookup(dht, NUMBER, { now })
    expect(found.registered && hex(found.identityKey)).toBe(hex(bob.identity.publicKey))
    // a replay of alice's old locked record does not come back over the release (seq)
    const rules = directoryDhtRules({ now: () => now })
    const release = (await buildRecord(alice.identity, NUMBER, { devices: [], mailboxRelays: [] }, { now, seq: 20, released: true })).value
    expect(errorName(() => rules.admit(keys.key, locked, release))).toBe('ReplayedRecordError')
  })

  it('a hand-over lets the named identity in and no other', async () => {
    const rules = directoryDhtRules({ now: () => now, trustedVerifiers: [trusted.publicKey] })
    const handover = signHandover(alice.identity, { directoryKey: keys.directoryKey, newIdentityKey: bob.identity.publicKey, issuedAt: now - HOUR })
    // bob carries it (no attestation needed to move in)
    const bobs = await record(bob, { seq: 1, handover })
    expect(errorName(() => rules.admit(keys.key, bobs, locked))).toBe('no error')
    expect(await rules.selectors['parley-phone'](keys.key, [locked, bobs])).toBe(1)
    // mallory copies bob's hand-over into her record: it names bob, so her record is invalid
    expect(errorName(() => signEnvelope(mallory.identity, { ...decodeEnvelope(bobs), attestations: [] })))
      .toBe('no error')
    const copied = signEnvelope(mallory.identity, { seq: 1, issuedAt: now, expiresAt: now + DAY, attestations: [], sealed: decodeEnvelope(bobs).sealed, handover })
    expect(errorName(() => rules.admit(keys.key, copied, locked))).toBe('InvalidHandoverError')
    // a hand-over mallory signs herself (or from anyone but alice) is valid as such but not alice's consent
    const selfMade = signHandover(IdentityKeyPair.generate(systemRandom), { directoryKey: keys.directoryKey, newIdentityKey: mallory.identity.publicKey, issuedAt: now })
    const malloryWith = await record(mallory, { seq: 1, handover: selfMade, attestations: [attestation(mallory, trusted, now)] })
    expect(errorName(() => rules.admit(keys.key, malloryWith, locked))).toBe('RegistrationLockedError')
    // bob's record can be looked up, with alice's record as a rival
    const dht = new FakeDht(rules)
    dht.injected.set(new TextDecoder().decode(keys.key), [locked, bobs])
    const found = await lookup(dht, NUMBER, { now, trustedVerifiers: [trusted.publicKey] })
    expect(found.registered && hex(found.identityKey)).toBe(hex(bob.identity.publicKey))
    expect(found.registered && found.verified).toBe(false)
    // once bob verifies, his record is locked: a SIM swap (mallory, trusted, newer) loses against it, and alice's
    // old record (she gave the number to bob) is no rival, so no takeover attempt is reported for it; mallory's is
    const bobsVerified = await record(bob, { seq: 2, handover, attestations: [attestation(bob, trusted, now - 60_000)] })
    const malloryRecord = await record(mallory, { seq: 5, attestations: [attestation(mallory, trusted, now)] })
    expect(errorName(() => rules.admit(keys.key, malloryRecord, bobsVerified))).toBe('RegistrationLockedError')
    expect(errorName(() => rules.admit(keys.key, locked, bobsVerified))).toBe('RegistrationLockedError')
    dht.injected.set(new TextDecoder().decode(keys.key), [locked, bobsVerified, malloryRecord])
    const again = await lookup(dht, NUMBER, { now, trustedVerifiers: [trusted.publicKey] })
    expect(again.registered && hex(again.identityKey)).toBe(hex(bob.identity.publicKey))
    expect(found.registered && found.rivals).toEqual([])
    expect(again.registered && again.rivals.map(r => hex(r.identityKey))).toEqual([hex(mallory.identity.publicKey)])
  })

  it('refuses forged, stale, misdirected and future hand-overs', async () => {
    const sign = (fields: { directoryKey?: Uint8Array, newIdentityKey?: Uint8Array, issuedAt?: number } = {}): Uint8Array =>
      signHandover(alice.identity, { directoryKey: keys.directoryKey, newIdentityKey: bob.identity.publicKey, issuedAt: now - HOUR, ...fields })
    // signed directly (buildRecord would drop a stale hand-over rather than sign it)
    const sealed = decodeEnvelope(locked).sealed
    const bobWith = async (handover: Uint8Array): Promise<string> =>
      errorName(() => validateEnvelope(keys.key, signEnvelope(bob.identity, { seq: 1, issuedAt: now, expiresAt: now + DAY, attestations: [], sealed, handover }), now))
    expect(await bobWith(sign())).toBe('no error')
    const forged = sign()
    forged[forged.length - 1] ^= 1
    expect(await bobWith(forged)).toBe('InvalidHandoverError')
    expect(await bobWith(sign({ issuedAt: now - MAX_HANDOVER_AGE_MS - HOUR }))).toBe('InvalidHandoverError')
    expect(await bobWith(sign({ issuedAt: now - MAX_HANDOVER_AGE_MS + HOUR }))).toBe('no error')
    expect(await bobWith(sign({ directoryKey: otherKeys.directoryKey }))).toBe('InvalidHandoverError')
    expect(await bobWith(sign({ newIdentityKey: mallory.identity.publicKey }))).toBe('InvalidHandoverError')
    expect(await bobWith(sign({ issuedAt: now + HOUR }))).toBe('InvalidHandoverError')
    expect(await bobWith(new Uint8Array([...sign(), 0x20, 0x01]))).toBe('InvalidHandoverError')
    // a publisher drops a stale hand-over instead of signing an invalid record
    const built = await buildRecord(bob.identity, NUMBER, bob.fields, { now, seq: 1, handover: sign({ issuedAt: now - MAX_HANDOVER_AGE_MS - HOUR }) })
    expect(decodeEnvelope(built.value).handover).toBeUndefined()
    // a hand-over to oneself is refused when signing
    expect(errorName(() => signHandover(alice.identity, { directoryKey: keys.directoryKey, newIdentityKey: alice.identity.publicKey, issuedAt: now }))).toBe('InvalidHandoverError')
  })
})
