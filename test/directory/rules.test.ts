// directoryDhtRules without a DHT or a phone number (pure unit tests, fast to mutate): the rules' context (clock and
// trusted set), the kad-dht validator and selector entry points, and which error the store rule throws.
import { describe, it, expect, beforeAll } from 'vitest'
import { MemoryDatastore } from 'datastore-core'
import { IdentityKeyPair, systemRandom } from '../../src/crypto/index.js'
import { DirectoryDatastore, directoryDhtRules, signEnvelope } from '../../src/directory/index.js'
import { dhtKeyOf } from '../../src/directory/record.js'
import { attest, makeVerifier, errorName } from './fixtures.js'

const HOUR = 3600_000
const NOW = 1_800_000_000_000

describe('directoryDhtRules', () => {
  const directoryKey = new Uint8Array(32).fill(0x42)
  const key = dhtKeyOf(directoryKey)
  const verifier = makeVerifier()
  let alice: IdentityKeyPair
  let bob: IdentityKeyPair

  beforeAll(() => {
    alice = IdentityKeyPair.generate(systemRandom)
    bob = IdentityKeyPair.generate(systemRandom)
  })

  /** A signed envelope of `who` (sealed part random: the rules never open it). */
  const record = (who: IdentityKeyPair, seq: number, f: { issuedAt?: number, attestedAt?: number, expiresAt?: number } = {}): Uint8Array => {
    const issuedAt = f.issuedAt ?? NOW - HOUR
    return signEnvelope(who, {
      seq,
      issuedAt,
      expiresAt: f.expiresAt ?? issuedAt + 7 * 24 * HOUR,
      attestations: f.attestedAt != null ? [attest(verifier, directoryKey, who.publicKey, f.attestedAt)] : [],
      sealed: systemRandom(40)
    })
  }

  it('context: the clock, and the trusted set only when it is not empty (a list or a getter)', () => {
    expect(directoryDhtRules({ now: () => NOW }).context()).toEqual({ now: NOW })
    expect(directoryDhtRules({ now: () => NOW, trustedVerifiers: [] }).context()).toEqual({ now: NOW })
    expect(directoryDhtRules({ now: () => NOW, trustedVerifiers: () => undefined }).context()).toEqual({ now: NOW })
    expect(directoryDhtRules({ now: () => NOW, trustedVerifiers: () => [] }).context()).toEqual({ now: NOW })
    expect(directoryDhtRules({ now: () => NOW, trustedVerifiers: [verifier.publicKey] }).context()).toEqual({ now: NOW, verifiers: [verifier.publicKey] })
    expect(directoryDhtRules({ now: () => NOW, trustedVerifiers: () => [verifier.publicKey] }).context()).toEqual({ now: NOW, verifiers: [verifier.publicKey] })
    // the default clock is the system's
    const before = Date.now()
    const t = directoryDhtRules().context().now
    expect(t).toBeGreaterThanOrEqual(before)
    expect(t).toBeLessThanOrEqual(Date.now())
  })

  it('the validator checks against its clock and keeps no state', async () => {
    const validate = directoryDhtRules({ now: () => NOW }).validators['parley-phone']
    await expect(validate(new TextEncoder().encode(key), record(alice, 1))).resolves.toBeUndefined()
    await expect(validate(new TextEncoder().encode(key), record(alice, 1, { issuedAt: NOW + HOUR }))).rejects.toThrow(expect.objectContaining({ name: 'RecordExpiredError' }))
    await expect(validate(new TextEncoder().encode(key), new Uint8Array(3))).rejects.toThrow(expect.objectContaining({ name: 'MalformedRecordError' }))
  })

  it('the selector picks the best valid record, the first among equals, and 0 when none is valid', async () => {
    const select = directoryDhtRules({ now: () => NOW }).selectors['parley-phone']
    const k = new TextEncoder().encode(key)
    const [a1, a2, a3] = [record(alice, 1), record(alice, 2), record(alice, 3)]
    const garbage = new Uint8Array(10)
    expect(select(k, [garbage, garbage])).toBe(0)
    expect(select(k, [garbage, a1])).toBe(1)
    expect(select(k, [a1, garbage])).toBe(0)
    expect(select(k, [a3, a1, a2])).toBe(0)
    expect(select(k, [a1, a3, a2])).toBe(1)
    expect(select(k, [a1, a2, a3])).toBe(2)
    expect(select(k, [garbage, a2, a1, a3, garbage])).toBe(3)
    // no attestation either side: neither identity replaces the other, the first stays
    const b9 = record(bob, 9)
    expect(select(k, [a1, b9])).toBe(0)
    expect(select(k, [b9, a1])).toBe(0)
    // an expired record is not valid at the selector's clock
    const expired = record(alice, 50, { issuedAt: NOW - 3 * HOUR, expiresAt: NOW - 2 * HOUR })
    expect(select(k, [a1, expired])).toBe(0)
  })

  it('the store rule: a first or same record is admitted, an invalid stored one holds nothing, and the error says why', () => {
    const rules = directoryDhtRules({ now: () => NOW })
    const lockedAlice = record(alice, 5, { attestedAt: NOW - 2 * HOUR })
    expect(errorName(() => rules.admit(key, lockedAlice))).toBe('no error')
    expect(rules.admit(key, lockedAlice).seq).toBe(5)
    expect(errorName(() => rules.admit(key, lockedAlice, lockedAlice))).toBe('no error')
    expect(errorName(() => rules.admit(key, new Uint8Array(3), lockedAlice))).toBe('MalformedRecordError')
    // what the node holds has expired, or is garbage: it holds nothing
    const expiredAlice = record(alice, 9, { issuedAt: NOW - 3 * HOUR, expiresAt: NOW - 2 * HOUR, attestedAt: NOW - 4 * HOUR })
    expect(rules.admit(key, record(bob, 1), expiredAlice).seq).toBe(1)
    expect(rules.admit(key, record(bob, 1), new Uint8Array(3)).seq).toBe(1)
    // another identity against a locked record: locked; the owner's own older record: a replay
    expect(errorName(() => rules.admit(key, record(bob, 99, { attestedAt: NOW - HOUR }), lockedAlice))).toBe('RegistrationLockedError')
    expect(errorName(() => rules.admit(key, record(alice, 4, { attestedAt: NOW - 2 * HOUR }), lockedAlice))).toBe('ReplayedRecordError')
    expect(errorName(() => rules.admit(key, record(alice, 6), lockedAlice))).toBe('no error')
    // another identity is told "locked" even when its key shares bytes with the holder's
    let lookalike = IdentityKeyPair.generate(systemRandom)
    for (let i = 0; i < 10_000 && !lookalike.publicKey.some((x, j) => x === alice.publicKey[j]); i++) lookalike = IdentityKeyPair.generate(systemRandom)
    expect(lookalike.publicKey.some((x, j) => x === alice.publicKey[j])).toBe(true)
    expect(errorName(() => rules.admit(key, record(lookalike, 99, { attestedAt: NOW - HOUR }), lockedAlice))).toBe('RegistrationLockedError')
    // against an unlocked record (its attestation expired a moment ago, within the clock skew), another identity
    // needs an attestation valid now
    const unlockedAlice = signEnvelope(alice, { seq: 5, issuedAt: NOW - HOUR, expiresAt: NOW + HOUR, attestations: [attest(verifier, directoryKey, alice.publicKey, NOW - 2 * HOUR, 2 * HOUR - 1)], sealed: systemRandom(40) })
    expect(errorName(() => rules.admit(key, record(bob, 99), unlockedAlice))).toBe('ReplayedRecordError')
    expect(errorName(() => rules.admit(key, record(bob, 1, { attestedAt: NOW - 3 * HOUR }), unlockedAlice))).toBe('no error')
  })

  it('wrapDatastore wraps libp2p\'s datastore in a DirectoryDatastore applying these rules', async () => {
    const rules = directoryDhtRules({ now: () => NOW })
    const store = rules.wrapDatastore(new MemoryDatastore())
    expect(store).toBeInstanceOf(DirectoryDatastore)
  })
})
