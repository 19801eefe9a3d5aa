// --trusted-verifier: parsing (flags, PARLEY_TRUSTED_VERIFIERS, validation, --help) and the DHT rules a relay builds from it, its own verifier key included.
import { describe, it, expect } from 'vitest'
import { parseRelayConfig, usage, type RelayConfig } from '../../relay-node/src/config.js'
import { relayDhtRules, trustedVerifiersOf } from '../../relay-node/src/relay.js'
import { buildRecord, directoryKeysFor } from '../../src/directory/index.js'
import { toHex } from '../../src/crypto/bytes.js'
import { attest, makeUser, makeVerifier } from '../directory/fixtures.js'

const NUMBER = '+14155550188'

function parse (argv: string[], env: Record<string, string> = {}): RelayConfig {
  const result = parseRelayConfig(['--data', '/tmp/x', ...argv], env)
  if (result.help) throw new Error('help')
  return result.config
}

describe('--trusted-verifier', () => {
  const [a, b, c] = [makeVerifier(), makeVerifier(), makeVerifier()]

  it('is repeatable, takes PARLEY_TRUSTED_VERIFIERS comma-separated, and flags win over the environment', () => {
    expect(parse([]).trustedVerifiers).toEqual([])
    expect(parse(['--trusted-verifier', toHex(a.publicKey), '--trusted-verifier', toHex(b.publicKey).toUpperCase()]).trustedVerifiers)
      .toEqual([a.publicKey, b.publicKey].map(k => Uint8Array.from(k)))
    expect(parse([`--trusted-verifier=${toHex(a.publicKey)}`]).trustedVerifiers).toEqual([Uint8Array.from(a.publicKey)])
    const env = { PARLEY_TRUSTED_VERIFIERS: `${toHex(a.publicKey)}, ${toHex(b.publicKey)}` }
    expect(parse([], env).trustedVerifiers).toEqual([a.publicKey, b.publicKey].map(k => Uint8Array.from(k)))
    expect(parse(['--trusted-verifier', toHex(c.publicKey)], env).trustedVerifiers).toEqual([Uint8Array.from(c.publicKey)])
  })

  it('refuses anything but 64 hex characters with a ConfigError naming the flag', () => {
    for (const bad of [toHex(a.publicKey).slice(2), toHex(a.publicKey) + '00', 'z'.repeat(64), 'not-a-key']) {
      expect(() => parse(['--trusted-verifier', bad])).toThrow(expect.objectContaining({
        name: 'ConfigError',
        message: expect.stringMatching(/^--trusted-verifier: expected a verifier key as 64 hex characters \(32-byte Ed25519\)/)
      }))
    }
    expect(() => parse([], { PARLEY_TRUSTED_VERIFIERS: 'abc' })).toThrow(expect.objectContaining({ name: 'ConfigError' }))
    expect(() => parse(['--trusted-verifier'])).toThrow(expect.objectContaining({ name: 'ConfigError', message: '--trusted-verifier needs a value' }))
  })

  it('is in --help', () => {
    expect(usage()).toMatch(/--trusted-verifier .*64 hex.*\[env PARLEY_TRUSTED_VERIFIERS\]/)
  })

  it('adds the relay\'s own verifier key to a configured list, and leaves the rules open when none is configured', () => {
    const own = { verifier: { publicKey: c.publicKey } }
    expect(trustedVerifiersOf({ trustedVerifiers: [] }, own)).toBeUndefined()
    expect(trustedVerifiersOf({ trustedVerifiers: [a.publicKey] }, {})).toEqual([a.publicKey])
    expect(trustedVerifiersOf({ trustedVerifiers: [a.publicKey] }, own)).toEqual([a.publicKey, c.publicKey])
  })

  it('the relay\'s rules: a number locked by a trusted verifier\'s attestation stays with its owner; an unlocked one goes only to a newer trusted attestation', async () => {
    const now = Date.now()
    const keys = await directoryKeysFor(NUMBER)
    const [alice, mallory] = [await makeUser(), await makeUser()]
    const record = async (user: typeof alice, verifier: typeof a, issuedAt: number): Promise<Uint8Array> =>
      (await buildRecord(user.identity, NUMBER, user.fields, { now, seq: 1, attestations: [attest(verifier, keys.directoryKey, user.identity.publicKey, issuedAt)] })).value
    const own = { verifier: { publicKey: c.publicKey } }
    const byUntrusted = await record(mallory, b, now - 1000)
    const byOwn = await record(mallory, c, now - 1000)
    const nameOf = (fn: () => unknown): string => { try { fn(); return 'no error' } catch (err) { return (err as Error).name } }

    // trusting a (and its own verifier c)
    const strict = relayDhtRules({ trustedVerifiers: [a.publicKey] }, own, { now: () => now })
    // alice verified by a: locked, neither b's nor even c's (trusted) newer attestation takes over
    const locked = await record(alice, a, now - 60_000)
    for (const attacker of [byUntrusted, byOwn]) {
      expect(nameOf(() => strict.admit(keys.key, attacker, locked))).toBe('RegistrationLockedError')
      expect(await strict.selectors['parley-phone'](keys.key, [locked, attacker])).toBe(0)
    }
    // alice verified only by b (untrusted here): not locked on this relay; b's attestation does not count, c's does
    const weak = await record(alice, b, now - 60_000)
    expect(nameOf(() => strict.admit(keys.key, byUntrusted, weak))).toBe('ReplayedRecordError')
    expect(await strict.selectors['parley-phone'](keys.key, [weak, byUntrusted])).toBe(0)
    expect(nameOf(() => strict.admit(keys.key, byOwn, weak))).toBe('no error')
    expect(await strict.selectors['parley-phone'](keys.key, [weak, byOwn])).toBe(1)

    // with no --trusted-verifier, any valid attestation locks, and any newer one takes over an unlocked number
    const open = relayDhtRules({ trustedVerifiers: [] }, own, { now: () => now })
    expect(nameOf(() => open.admit(keys.key, byUntrusted, weak))).toBe('RegistrationLockedError')
    const unverified = (await buildRecord(alice.identity, NUMBER, alice.fields, { now, seq: 1 })).value
    expect(nameOf(() => open.admit(keys.key, byUntrusted, unverified))).toBe('no error')
    expect(await open.selectors['parley-phone'](keys.key, [unverified, byUntrusted])).toBe(1)
  })
})
