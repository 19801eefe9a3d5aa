// Directory record encoding, the DHT validator and the selector: forgeries, limits, expiry, replays and re-registration.
import { describe, it, expect, beforeAll } from 'vitest'
import { systemRandom, IdentityKeyPair } from '../../src/crypto/index.js'
import {
  buildRecord, directoryKeysFor, directoryDhtRules, decodeEnvelope, signEnvelope, validateEnvelope, MAX_VALUE_BYTES,
  MAX_RECORD_LIFETIME_MS, MAX_DEVICES
} from '../../src/directory/index.js'
import { DirectoryEnvelopePb } from '../../src/directory/pb/record.js'
import { attest, makeUser, makeVerifier, type TestUser } from './fixtures.js'

const NUMBER = '+14155550100'
const OTHER_NUMBER = '+14155550199'
const HOUR = 3600_000

function errorName (fn: () => unknown): string {
  try {
    fn()
    return 'no error'
  } catch (err) {
    return (err as Error).name
  }
}

async function rejectionName (p: unknown): Promise<string> {
  try {
    await p
    return 'no error'
  } catch (err) {
    return (err as Error).name
  }
}

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

  it('refuses replays: lower or equal seq loses in the selector and is rejected on put', async () => {
    const rules = directoryDhtRules({ now: () => now })
    const validateFn = rules.validators['parley-phone']
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

    await validateFn(keys.key, v5)
    expect(await rejectionName(validateFn(keys.key, v4))).toBe('ReplayedRecordError')
    expect(await rejectionName(validateFn(keys.key, v5b))).toBe('ReplayedRecordError')
    await validateFn(keys.key, v5) // the same record again (republish, getLocal) is fine
    await validateFn(keys.key, v6)
    expect(await rejectionName(validateFn(keys.key, v5))).toBe('ReplayedRecordError')
    // another key is tracked separately
    await validateFn(otherKeys.key, (await buildRecord(alice.identity, OTHER_NUMBER, alice.fields, { now, seq: 1 })).value)
  })

  it('re-registration with a new identity key wins only with a newer attestation', async () => {
    const bob = await makeUser()
    const t1 = now - 10 * HOUR
    const oldRecord = (await buildRecord(alice.identity, NUMBER, alice.fields, { now, seq: 100, attestations: [attest(verifier, keys.directoryKey, alice.identity.publicKey, t1)] })).value
    const newer = (await buildRecord(bob.identity, NUMBER, bob.fields, { now, seq: 1, attestations: [attest(verifier, keys.directoryKey, bob.identity.publicKey, t1 + HOUR)] })).value
    const older = (await buildRecord(bob.identity, NUMBER, bob.fields, { now, seq: 1000, attestations: [attest(verifier, keys.directoryKey, bob.identity.publicKey, t1 - HOUR)] })).value
    const unattested = (await buildRecord(bob.identity, NUMBER, bob.fields, { now, seq: 1000 })).value

    const rules = directoryDhtRules({ now: () => now })
    const select = rules.selectors['parley-phone']
    expect(await select(keys.key, [oldRecord, newer])).toBe(1)
    expect(await select(keys.key, [oldRecord, older])).toBe(0)
    expect(await select(keys.key, [oldRecord, unattested])).toBe(0)

    const validateFn = rules.validators['parley-phone']
    await validateFn(keys.key, oldRecord)
    expect(await rejectionName(validateFn(keys.key, older))).toBe('ReplayedRecordError')
    expect(await rejectionName(validateFn(keys.key, unattested))).toBe('ReplayedRecordError')
    await validateFn(keys.key, newer)
    // the old identity cannot come back with a higher seq and its old attestation
    const comeback = (await buildRecord(alice.identity, NUMBER, alice.fields, { now, seq: 200, attestations: [attest(verifier, keys.directoryKey, alice.identity.publicKey, t1)] })).value
    expect(await rejectionName(validateFn(keys.key, comeback))).toBe('ReplayedRecordError')

    // a node that knows its trusted verifiers ignores attestations from others for takeovers
    const rogue = IdentityKeyPair.generate(systemRandom)
    const hijack = (await buildRecord(bob.identity, NUMBER, bob.fields, { now, seq: 1, attestations: [attest(rogue, keys.directoryKey, bob.identity.publicKey, now)] })).value
    const strict = directoryDhtRules({ now: () => now, trustedVerifiers: [verifier.publicKey] })
    expect(await strict.selectors['parley-phone'](keys.key, [oldRecord, hijack])).toBe(0)
    expect(await strict.selectors['parley-phone'](keys.key, [oldRecord, newer])).toBe(1)
  })
})
