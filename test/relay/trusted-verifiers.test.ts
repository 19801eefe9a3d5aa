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

  it('the relay\'s rules let another identity take a number over only with a newer attestation from a trusted verifier', async () => {
    const now = Date.now()
    const keys = await directoryKeysFor(NUMBER)
    const [alice, mallory] = [await makeUser(), await makeUser()]
    const record = async (user: typeof alice, verifier: typeof a, issuedAt: number): Promise<Uint8Array> =>
      (await buildRecord(user.identity, NUMBER, user.fields, { now, seq: 1, attestations: [attest(verifier, keys.directoryKey, user.identity.publicKey, issuedAt)] })).value
    const current = await record(alice, a, now - 60_000)
    const byUntrusted = await record(mallory, b, now - 1000)
    const byOwn = await record(mallory, c, now - 1000)
    const own = { verifier: { publicKey: c.publicKey } }

    // trusting a (and its own verifier c): b's newer attestation does not take over, c's does
    const strict = relayDhtRules({ trustedVerifiers: [a.publicKey] }, own, { now: () => now })
    const validate = strict.validators['parley-phone']
    await validate(keys.key, current)
    await expect(validate(keys.key, byUntrusted)).rejects.toHaveProperty('name', 'ReplayedRecordError')
    expect(await strict.selectors['parley-phone'](keys.key, [current, byUntrusted])).toBe(0)
    await validate(keys.key, byOwn)
    expect(await strict.selectors['parley-phone'](keys.key, [current, byOwn])).toBe(1)

    // with no --trusted-verifier, any newer valid attestation counts
    const open = relayDhtRules({ trustedVerifiers: [] }, own, { now: () => now })
    await open.validators['parley-phone'](keys.key, current)
    await open.validators['parley-phone'](keys.key, byUntrusted)
    expect(await open.selectors['parley-phone'](keys.key, [current, byUntrusted])).toBe(1)
  })
})
