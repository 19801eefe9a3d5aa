// Directory record encoding, the DHT validator, the selector and the store rule: forgeries, limits, expiry, replays, re-registration of an unlocked number, attestation bounds.
import { describe, it, expect, beforeAll } from 'vitest'
import { systemRandom, IdentityKeyPair } from '../../src/crypto/index.js'
import {
  buildRecord, directoryKeysFor, directoryDhtRules, decodeEnvelope, signEnvelope, validateEnvelope, MAX_VALUE_BYTES,
  MAX_RECORD_LIFETIME_MS, MAX_DEVICES, MAX_ATTESTATION_LIFETIME_MS, CLOCK_SKEW_MS
} from '../../src/directory/index.js'
import { ATTESTATION_VALIDITY_MS } from '../../relay-node/src/verifier/limits.js'
import { DirectoryEnvelopePb } from '../../src/directory/pb/record.js'
import { attest, makeUser, makeVerifier, type TestUser, rejectionName, errorName } from './fixtures.js'

const NUMBER = '+14155550100'
const OTHER_NUMBER = '+14155550199'
const HOUR = 3600_000

describe('directory record validator and selector', () => {
  let keys: Awaited<ReturnType<typeof directoryKeysFor>>
  let otherKeys: Awaited<ReturnType<typeof directoryKeysFor>>
  let alice: TestUser
  let mallory: TestUser
  const verifier = makeVerifier()
  const now = Date.now()

  beforeAll(async () => {
    keys = await directoryKeysFor(NUMBER)
    otherKeys = await directoryKeysFor(OTHER_NUMBER)
    alice = await makeUser()
    mallory = await makeUser()
  })

  const validate = (value: Uint8Array, at = now): unknown => validateEnvelope(keys.key, value, at)

  it('accepts a well-formed record and exposes only public fields in the envelope', async () => {
    const att = attest(verifier, keys.directoryKey, alice.identity.publicKey, now - HOUR)
    const built = await buildRecord(alice.identity, NUMBER, alice.fields, { now, seq: 7, attestations: [att] })
    expect(built.dhtKey).toMatch(/^\/parley-phone\/[0-9a-f]{64}$/)
    const env = validateEnvelope(keys.key, built.value, now)
    expect(env.seq).toBe(7)
    expect(env.decodedAttestations).toHaveLength(1)
    // the number and the record contents appear nowhere in the DHT value
    const text = Buffer.from(built.value).toString('latin1')
    expect(text).not.toContain(NUMBER)
    expect(text).not.toContain('4155550100')
    expect(text).not.toContain('relay.example.org')
    expect(text).not.toContain(alice.peerId)
    // kad-dht's validator entry point, as DHT nodes call it
    await directoryDhtRules().validators['parley-phone'](keys.key, built.value)
  })

  it('rejects a forged signature, a record signed by another key and an unsigned record', async () => {
    const built = await buildRecord(alice.identity, NUMBER, alice.fields, { now })
    const flipped = decodeEnvelope(built.value)
    flipped.signature[0] ^= 1
    const reencode = (e: ReturnType<typeof decodeEnvelope>): Uint8Array => DirectoryEnvelopePb.encode({ ...e, seq: BigInt(e.seq), issuedAt: BigInt(e.issuedAt), expiresAt: BigInt(e.expiresAt) } as unknown as DirectoryEnvelopePb)
    expect(errorName(() => validate(reencode(flipped)))).toBe('RecordSignatureError')

    // mallory signs a record claiming alice's identity key
    const byMallory = decodeEnvelope(await buildRecord(mallory.identity, NUMBER, mallory.fields, { now }).then(b => b.value))
    expect(errorName(() => validate(reencode({ ...byMallory, identityKey: alice.identity.publicKey })))).toBe('RecordSignatureError')

    const unsigned = { ...decodeEnvelope(built.value), signature: new Uint8Array(0) }
    expect(errorName(() => validate(reencode(unsigned)))).toBe('RecordSignatureError')

    // a changed field under the original signature
    expect(errorName(() => validate(reencode({ ...decodeEnvelope(built.value), seq: decodeEnvelope(built.value).seq + 1 })))).toBe('RecordSignatureError')
  })

  it('rejects malformed values and keys, and non-canonical encodings', async () => {
    const built = await buildRecord(alice.identity, NUMBER, alice.fields, { now })
    expect(errorName(() => validate(systemRandom(200)))).toBe('MalformedRecordError')
    expect(errorName(() => validate(new Uint8Array(0)))).toBe('MalformedRecordError')
    expect(errorName(() => validateEnvelope('/parley-phone/abc', built.value, now))).toBe('MalformedRecordError')
    expect(errorName(() => validateEnvelope('/pk/' + 'a'.repeat(64), built.value, now))).toBe('MalformedRecordError')
    // a second copy of field 1 (version) appended: decodes to the same envelope but is not the signed encoding
    const padded = new Uint8Array([...built.value, 0x08, 0x01])
    expect(errorName(() => validate(padded))).toBe('MalformedRecordError')
    // too many devices is refused before anything is signed
    const many = { ...alice.fields, devices: Array.from({ length: MAX_DEVICES + 1 }, (_, i) => ({ ...alice.fields.devices[0], deviceId: i })) }
    expect(await rejectionName(buildRecord(alice.identity, NUMBER, many, { now }))).toBe('MalformedRecordError')
  })

  it('rejects oversize values', async () => {
    expect(errorName(() => validate(new Uint8Array(MAX_VALUE_BYTES + 1)))).toBe('RecordTooLargeError')
    expect(errorName(() => signEnvelope(alice.identity, { seq: 1, issuedAt: now, expiresAt: now + HOUR, attestations: [], sealed: new Uint8Array(MAX_VALUE_BYTES) }))).toBe('RecordTooLargeError')
  })

  it('rejects expired records, records from the future and lifetimes over the limit', async () => {
    const old = await buildRecord(alice.identity, NUMBER, alice.fields, { now: now - 3 * 24 * HOUR, lifetimeMs: 2 * 24 * HOUR })
    expect(errorName(() => validate(old.value))).toBe('RecordExpiredError')
    expect(errorName(() => validate(old.value, now - 2.5 * 24 * HOUR))).toBe('no error')
    const future = await buildRecord(alice.identity, NUMBER, alice.fields, { now: now + HOUR })
    expect(errorName(() => validate(future.value))).toBe('RecordExpiredError')
    expect(await rejectionName(buildRecord(alice.identity, NUMBER, alice.fields, { now, lifetimeMs: MAX_RECORD_LIFETIME_MS + 1 }))).toBe('RecordExpiredError')
    // the kad-dht validator uses its clock
    const rules = directoryDhtRules({ now: () => now })
    expect(await rejectionName(rules.validators['parley-phone'](keys.key, old.value))).toBe('RecordExpiredError')
  })

  it('rejects attestations for someone else\'s number or identity, and bad attestations', async () => {
    const sealed = systemRandom(64)
    const env = (attestations: Uint8Array[]): Uint8Array => signEnvelope(alice.identity, { seq: 1, issuedAt: now, expiresAt: now + HOUR, attestations, sealed })
    expect(errorName(() => validate(env([attest(verifier, keys.directoryKey, alice.identity.publicKey, now)])))).toBe('no error')
    expect(errorName(() => validate(env([attest(verifier, otherKeys.directoryKey, alice.identity.publicKey, now)])))).toBe('AttestationMismatchError')
    expect(errorName(() => validate(env([attest(verifier, keys.directoryKey, mallory.identity.publicKey, now)])))).toBe('AttestationMismatchError')
    const bad = attest(verifier, keys.directoryKey, alice.identity.publicKey, now)
    bad[bad.length - 1] ^= 1
    expect(errorName(() => validate(env([bad])))).toBe('AttestationMismatchError')
    expect(errorName(() => validate(env([attest(verifier, keys.directoryKey, alice.identity.publicKey, now - 2 * HOUR, HOUR)])))).toBe('RecordExpiredError')
    // publishing refuses to sign such a record in the first place
    expect(await rejectionName(buildRecord(alice.identity, NUMBER, alice.fields, { now, attestations: [attest(verifier, otherKeys.directoryKey, alice.identity.publicKey, now)] }))).toBe('AttestationMismatchError')
    // a valid attested record copied under another number's key is refused there
    const attested = await buildRecord(alice.identity, NUMBER, alice.fields, { now, attestations: [attest(verifier, keys.directoryKey, alice.identity.publicKey, now)] })
    expect(errorName(() => validateEnvelope(otherKeys.key, attested.value, now))).toBe('AttestationMismatchError')
  })

  it('refuses replays: lower or equal seq loses in the selector and in the store rule', async () => {
    const rules = directoryDhtRules({ now: () => now })
    const admit = rules.admit
    const select = rules.selectors['parley-phone']
    const v5 = (await buildRecord(alice.identity, NUMBER, alice.fields, { now, seq: 5 })).value
    const v5b = (await buildRecord(alice.identity, NUMBER, alice.fields, { now, seq: 5 })).value
    const v4 = (await buildRecord(alice.identity, NUMBER, alice.fields, { now, seq: 4 })).value
    const v6 = (await buildRecord(alice.identity, NUMBER, alice.fields, { now, seq: 6 })).value

    expect(await select(keys.key, [v5, v4])).toBe(0)
    expect(await select(keys.key, [v4, v5])).toBe(1)
    expect(await select(keys.key, [v5, v5b])).toBe(0)
    expect(await select(keys.key, [v4, v6, v5])).toBe(1)
    expect(await select(keys.key, [systemRandom(50), v4])).toBe(1)

    // the store rule compares with what the node holds (DirectoryDatastore passes the stored value)
    expect(errorName(() => admit(keys.key, v5))).toBe('no error')
    expect(errorName(() => admit(keys.key, v4, v5))).toBe('ReplayedRecordError')
    expect(errorName(() => admit(keys.key, v5b, v5))).toBe('ReplayedRecordError')
    expect(errorName(() => admit(keys.key, v5, v5))).toBe('no error') // the same record again (republish) is fine
    expect(errorName(() => admit(keys.key, v6, v5))).toBe('no error')
    expect(errorName(() => admit(keys.key, v5, v6))).toBe('ReplayedRecordError')
    // the validator itself keeps no state: kad-dht runs it on reads of its own store too
    await rules.validators['parley-phone'](keys.key, v4)
    await rules.validators['parley-phone'](keys.key, v6)
    await rules.validators['parley-phone'](keys.key, v4)
  })

  it('re-registration with a new identity key, while the number is not locked, wins only with a newer attestation', async () => {
    const bob = await makeUser()
    const t1 = now - 10 * HOUR
    // alice never verified her number: her record is not locked
    const unverified = (await buildRecord(alice.identity, NUMBER, alice.fields, { now, seq: 100 })).value
    const bobAttested = (await buildRecord(bob.identity, NUMBER, bob.fields, { now, seq: 1, attestations: [attest(verifier, keys.directoryKey, bob.identity.publicKey, t1)] })).value
    const bobUnattested = (await buildRecord(bob.identity, NUMBER, bob.fields, { now, seq: 1000 })).value

    const rules = directoryDhtRules({ now: () => now })
    const select = rules.selectors['parley-phone']
    expect(await select(keys.key, [unverified, bobAttested])).toBe(1)
    expect(await select(keys.key, [unverified, bobUnattested])).toBe(0)
    expect(errorName(() => rules.admit(keys.key, bobUnattested, unverified))).toBe('ReplayedRecordError')
    expect(errorName(() => rules.admit(keys.key, bobAttested, unverified))).toBe('no error')

    // a node with a trusted set: alice's record attested only by a rogue verifier is not locked there; bob's
    // trusted attestation takes over, a newer rogue one does not
    const rogue = IdentityKeyPair.generate(systemRandom)
    const aliceRogue = (await buildRecord(alice.identity, NUMBER, alice.fields, { now, seq: 100, attestations: [attest(rogue, keys.directoryKey, alice.identity.publicKey, t1)] })).value
    const bobRogue = (await buildRecord(bob.identity, NUMBER, bob.fields, { now, seq: 1, attestations: [attest(rogue, keys.directoryKey, bob.identity.publicKey, now)] })).value
    const strict = directoryDhtRules({ now: () => now, trustedVerifiers: [verifier.publicKey] })
    expect(await strict.selectors['parley-phone'](keys.key, [aliceRogue, bobRogue])).toBe(0)
    expect(await strict.selectors['parley-phone'](keys.key, [aliceRogue, bobAttested])).toBe(1)
    expect(errorName(() => strict.admit(keys.key, bobRogue, aliceRogue))).toBe('ReplayedRecordError')
    expect(errorName(() => strict.admit(keys.key, bobAttested, aliceRogue))).toBe('no error')
    // the trusted set may be a getter (a client learns it after creating its node)
    let trusted: Uint8Array[] = []
    const later = directoryDhtRules({ now: () => now, trustedVerifiers: () => trusted })
    expect(errorName(() => later.admit(keys.key, bobAttested, aliceRogue))).toBe('RegistrationLockedError')
    trusted = [verifier.publicKey]
    expect(errorName(() => later.admit(keys.key, bobAttested, aliceRogue))).toBe('no error')
  })

  it('bounds attestation lifetimes and issue times', async () => {
    const sealed = systemRandom(64)
    const env = (attestations: Uint8Array[]): Uint8Array => signEnvelope(alice.identity, { seq: 1, issuedAt: now, expiresAt: now + HOUR, attestations, sealed })
    expect(errorName(() => validate(env([attest(verifier, keys.directoryKey, alice.identity.publicKey, now, MAX_ATTESTATION_LIFETIME_MS)])))).toBe('no error')
    expect(errorName(() => validate(env([attest(verifier, keys.directoryKey, alice.identity.publicKey, now, MAX_ATTESTATION_LIFETIME_MS + 1)])))).toBe('RecordExpiredError')
    // what a relay verifier issues fits
    expect(errorName(() => validate(env([attest(verifier, keys.directoryKey, alice.identity.publicKey, now, ATTESTATION_VALIDITY_MS)])))).toBe('no error')
    // issued in the future beyond the clock skew
    expect(errorName(() => validate(env([attest(verifier, keys.directoryKey, alice.identity.publicKey, now + CLOCK_SKEW_MS - 1000)])))).toBe('no error')
    expect(errorName(() => validate(env([attest(verifier, keys.directoryKey, alice.identity.publicKey, now + CLOCK_SKEW_MS + 1000)])))).toBe('RecordExpiredError')
  })
})
