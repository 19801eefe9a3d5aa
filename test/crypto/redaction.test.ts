// Key material never shows up in JSON.stringify, util.inspect or error messages.
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import {
  IdentityKeyPair, KemPreKey, OneTimePreKey, RatchetState, SenderKeyRecord, SignedPreKey, createSenderKey, openSealedSender,
  processSenderKeyDistribution, ratchetDecrypt, ratchetEncrypt, senderKeyDecrypt
} from '../../src/crypto/index.js'
import { IdentityKeyPairPb, KemPreKeyPb, OneTimePreKeyPb, SignedPreKeyPb } from '../../src/crypto/pb/keys.js'
import { RatchetStatePb, SenderKeyRecordPb } from '../../src/crypto/pb/state.js'
import { enc, establishedPair } from './parties.js'
import { SeededRandom } from '../helpers/seeded-random.js'

/** hex and base64 (standard and url-safe) of every secret, plus an 8-byte window of each */
function secretForms (secrets: Uint8Array[]): string[] {
  const out: string[] = []
  for (const s of secrets) {
    if (s.length === 0) continue
    const b = Buffer.from(s)
    out.push(b.toString('hex'), b.toString('base64'), b.toString('base64url'), b.subarray(0, 12).toString('hex'), b.subarray(0, 12).toString('base64').slice(0, 12))
    out.push(JSON.stringify(Array.from(s.subarray(0, 8))).slice(1, -1))
  }
  return out
}

function expectNoSecrets (text: string, secrets: Uint8Array[]): void {
  for (const f of secretForms(secrets)) expect(text.includes(f), `leaked ${f.slice(0, 8)}…`).toBe(false)
}

describe('redaction', () => {
  it('keys and states redact themselves in JSON.stringify and util.inspect', () => {
    const { deps, alice, a, b } = establishedPair('redact')
    const rng = new SeededRandom('redact-keys')
    const spk = SignedPreKey.generate(alice, 7, 1, rng.random)
    const kem = KemPreKey.generate(alice, 8, 1, true, rng.random)
    const otk = OneTimePreKey.generate(9, rng.random)
    const group = createSenderKey(enc('g'), deps)
    const secrets = [
      IdentityKeyPairPb.decode(alice.serialize()).privateKey,
      SignedPreKeyPb.decode(spk.serialize()).privateKey,
      KemPreKeyPb.decode(kem.serialize()).secretKey,
      OneTimePreKeyPb.decode(otk.serialize()).privateKey,
      ...[a, b].flatMap(s => { const pb = RatchetStatePb.decode(s.serialize()); return [pb.rootKey, pb.sendingPrivate, pb.sendingChainKey, ...pb.receiverChains.map(c => c.chainKey)] }),
      ...SenderKeyRecordPb.decode(group.record.serialize()).states.flatMap(s => [s.chainKey, s.signingPrivate])
    ]
    const objects: unknown[] = [alice, spk, kem, otk, a, b, group.record, { nested: { state: a, keys: [alice, spk] } }]
    for (const o of objects) {
      const json = JSON.stringify(o)
      const text = inspect(o, { depth: 10, showHidden: true })
      expectNoSecrets(json, secrets)
      expectNoSecrets(text, secrets)
      expectNoSecrets(String(o), secrets)
    }
    expect(JSON.parse(JSON.stringify(a))).toEqual({ type: 'RatchetState', redacted: true })
    expect(inspect(alice)).toContain('redacted')
    expect(JSON.stringify(group.record)).toContain('SenderKeyRecord')
    expect(RatchetState.name).toBe('RatchetState')
    expect(SenderKeyRecord.name).toBe('SenderKeyRecord')
  })

  it('error messages and stacks carry no key material', () => {
    const { deps, alice, a, b } = establishedPair('redact-errors')
    const secrets = [IdentityKeyPairPb.decode(alice.serialize()).privateKey, ...[a, b].flatMap(s => { const pb = RatchetStatePb.decode(s.serialize()); return [pb.rootKey, pb.sendingPrivate, pb.sendingChainKey] })]
    const msg = ratchetEncrypt(a, enc('x'), deps).message
    const bad = Uint8Array.from(msg); bad[bad.length - 1] ^= 1
    const errors: Error[] = []
    const collect = (fn: () => unknown): void => { try { fn() } catch (e) { errors.push(e as Error) } }
    collect(() => ratchetDecrypt(b, bad, deps))
    collect(() => ratchetDecrypt(b, msg.subarray(0, 10), deps))
    collect(() => openSealedSender(alice, msg))
    collect(() => IdentityKeyPair.deserialize(Uint8Array.of(1, 2, 3)))
    collect(() => senderKeyDecrypt(processSenderKeyDistribution(undefined, createSenderKey(enc('g'), deps).distribution), msg))
    expect(errors.length).toBe(5)
    for (const e of errors) {
      expect(e.name).toMatch(/Error$/)
      expectNoSecrets(`${e.message}\n${e.stack ?? ''}\n${JSON.stringify(e)}\n${inspect(e)}`, secrets)
    }
  })
})
