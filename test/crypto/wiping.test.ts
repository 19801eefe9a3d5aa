// Temporary secrets are zeroed once used: a provider that keeps every X25519 output, HKDF output, chain-step HMAC
// and ML-KEM shared secret it hands out, and a randomness source that keeps what it gave, let each operation be
// checked afterwards (DH outputs, PQXDH's SK, message keys and their AES key/IV, sealed sender's ephemeral key).
import { describe, expect, it } from 'vitest'
import {
  IdentityKeyPair, createDeviceCertificate, createSenderKey, nativeProvider, openSealedSender, pqxdhInitiate, processSenderKeyDistribution,
  ratchetDecrypt, ratchetEncrypt, sealSender, senderKeyDecrypt, senderKeyEncrypt
} from '../../src/crypto/index.js'
import { dec, enc, establishedPair, makeResponder } from './parties.js'
import { SeededRandom } from '../helpers/seeded-random.js'
import type { CryptoProvider, RandomSource } from '../../src/crypto/index.js'

interface Handed { x25519: Uint8Array[], hkdf: Array<{ info: string, out: Uint8Array }>, hmac: Array<{ seed: number, out: Uint8Array }>, kem: Uint8Array[] }

/** The native provider, keeping every secret output it returns. */
function keeping (): { p: CryptoProvider, handed: Handed } {
  const base = nativeProvider()
  if (base === undefined) throw new Error('native provider missing in Node')
  const handed: Handed = { x25519: [], hkdf: [], hmac: [], kem: [] }
  const p: CryptoProvider = {
    ...base,
    x25519: (priv, pub) => { const out = base.x25519(priv, pub); handed.x25519.push(out); return out },
    hkdfSha256: (ikm, salt, info, length) => { const out = base.hkdfSha256(ikm, salt, info, length); handed.hkdf.push({ info: dec(info), out }); return out },
    hmacSha256: (key, data) => { const out = base.hmacSha256(key, data); handed.hmac.push({ seed: data.length === 1 ? data[0] : -1, out }); return out },
    mlKem768Decapsulate: (sk, ct) => { const out = base.mlKem768Decapsulate?.(sk, ct); if (out !== undefined) handed.kem.push(out); return out }
  }
  return { p, handed }
}
function keptRandom (random: RandomSource): { random: RandomSource, given: Uint8Array[] } {
  const given: Uint8Array[] = []
  return { random: (n) => { const out = random(n); given.push(out); return out }, given }
}
const zero = (b: Uint8Array): boolean => b.length > 0 && b.every(x => x === 0)
const outputs = (h: Handed, info: string): Uint8Array[] => h.hkdf.filter(x => x.info === info).map(x => x.out)
/** message keys are HMAC(chain key, 0x01); chain keys (0x02) are kept in the state */
const messageKeys = (h: Handed): Uint8Array[] => h.hmac.filter(x => x.seed === 1).map(x => x.out)

describe('secrets are wiped after use', () => {
  it('ratchetEncrypt: the message key and its AES key and IV', () => {
    const { deps, a } = establishedPair('wipe encrypt')
    const { p, handed } = keeping()
    ratchetEncrypt(a, enc('x'), { ...deps, provider: p })
    expect(messageKeys(handed)).toHaveLength(1)
    expect(outputs(handed, 'Parley_Ratchet_MessageKeys_v1')).toHaveLength(1)
    for (const k of [...messageKeys(handed), ...outputs(handed, 'Parley_Ratchet_MessageKeys_v1')]) expect(zero(k)).toBe(true)
  })

  it('ratchetDecrypt with a DH ratchet step: both DH outputs, the message key and its AES key and IV', () => {
    const { deps, a, b } = establishedPair('wipe decrypt')
    // Bob replies and Alice reads it: her next message starts a chain Bob has not seen (a DH step for him)
    const reply = ratchetEncrypt(b, enc('reply'), deps)
    const next = ratchetDecrypt(a, reply.message, deps)
    const m = ratchetEncrypt(next.state, enc('to Bob on a new chain'), deps)
    const { p, handed } = keeping()
    expect(dec(ratchetDecrypt(reply.state, m.message, { ...deps, provider: p }).plaintext)).toBe('to Bob on a new chain')
    expect(handed.x25519).toHaveLength(2)
    expect(messageKeys(handed)).toHaveLength(1)
    // the root KDF's output buffers too (their root and chain keys live on as copies in the state)
    expect(outputs(handed, 'Parley_Ratchet_Root_v1')).toHaveLength(2)
    for (const k of [...handed.x25519, ...messageKeys(handed), ...outputs(handed, 'Parley_Ratchet_MessageKeys_v1'), ...outputs(handed, 'Parley_Ratchet_Root_v1')]) expect(zero(k)).toBe(true)
  })

  it('ratchetDecrypt of a message that fails to authenticate still wipes its AES key and IV', () => {
    const { deps, a, b } = establishedPair('wipe failed decrypt')
    const m = ratchetEncrypt(a, enc('x'), deps).message.slice()
    m[m.length - 1] ^= 1
    const { p, handed } = keeping()
    expect(() => ratchetDecrypt(b, m, { ...deps, provider: p })).toThrow(expect.objectContaining({ name: 'DecryptionError' }))
    const material = outputs(handed, 'Parley_Ratchet_MessageKeys_v1')
    expect(material).toHaveLength(1)
    expect(zero(material[0])).toBe(true)
  })

  it('pqxdhInitiate: the ephemeral private key, every DH output and SK', () => {
    const rng = new SeededRandom('wipe initiate')
    const alice = IdentityKeyPair.generate(rng.random)
    const bob = makeResponder(rng)
    const { p, handed } = keeping()
    const { random, given } = keptRandom(rng.random)
    pqxdhInitiate(alice, bob.bundle({ oneTime: true }), { random, provider: p })
    // dh1..dh4 and the first ratchet step's DH
    expect(handed.x25519).toHaveLength(5)
    for (const k of handed.x25519) expect(zero(k)).toBe(true)
    const sk = outputs(handed, 'Parley_PQXDH_X25519_SHA-256_ML-KEM-768_v1')
    expect(sk).toHaveLength(1)
    expect(zero(sk[0])).toBe(true)
    // the first random draw is the ephemeral key; the last one is the ratchet key pair, which the session keeps
    expect(given[0]).toHaveLength(32)
    expect(zero(given[0])).toBe(true)
    expect(zero(given[given.length - 1])).toBe(false)
  })

  it('pqxdhRespond: every DH output, the ML-KEM shared secret, SK and the first message key', () => {
    const rng = new SeededRandom('wipe respond')
    const alice = IdentityKeyPair.generate(rng.random)
    const bob = makeResponder(rng)
    const deps = { random: rng.random }
    const first = ratchetEncrypt(pqxdhInitiate(alice, bob.bundle({ oneTime: true }), deps), enc('hello'), deps)
    const { p, handed } = keeping()
    expect(dec(bob.respond(first.message, { ...deps, provider: p }).plaintext)).toBe('hello')
    // dh1..dh4, then the DH ratchet step's two
    expect(handed.x25519).toHaveLength(6)
    for (const k of handed.x25519) expect(zero(k)).toBe(true)
    for (const k of handed.kem) expect(zero(k)).toBe(true)
    const sk = outputs(handed, 'Parley_PQXDH_X25519_SHA-256_ML-KEM-768_v1')
    expect(sk).toHaveLength(1)
    expect(zero(sk[0])).toBe(true)
    for (const k of [...messageKeys(handed), ...outputs(handed, 'Parley_Ratchet_MessageKeys_v1')]) expect(zero(k)).toBe(true)
  })

  it('sealSender and openSealedSender: the ephemeral private key, both DH outputs and every derived key', () => {
    const rng = new SeededRandom('wipe sealed')
    const alice = IdentityKeyPair.generate(rng.random)
    const bob = IdentityKeyPair.generate(rng.random)
    const cert = createDeviceCertificate(alice, { devicePeerId: enc('peer'), deviceId: 1, createdAt: 0 })
    const seal = keeping()
    const { random, given } = keptRandom(rng.random)
    const env = sealSender({ senderIdentity: alice, senderCertificate: cert, recipientIdentityKey: bob.publicKey, content: enc('inner') }, { random, provider: seal.p })
    expect(given).toHaveLength(1)
    expect(seal.handed.x25519).toHaveLength(2)
    expect(seal.handed.hkdf).toHaveLength(2)
    for (const k of [...given, ...seal.handed.x25519, ...seal.handed.hkdf.map(x => x.out)]) expect(zero(k)).toBe(true)

    const open = keeping()
    expect(dec(openSealedSender(bob, env, { provider: open.p }).content)).toBe('inner')
    expect(open.handed.x25519).toHaveLength(2)
    expect(open.handed.hkdf).toHaveLength(2)
    for (const k of [...open.handed.x25519, ...open.handed.hkdf.map(x => x.out)]) expect(zero(k)).toBe(true)

    // an envelope for someone else: the ephemeral DH and its keys are wiped on the way out too
    const carol = IdentityKeyPair.generate(rng.random)
    const failed = keeping()
    expect(() => openSealedSender(carol, env, { provider: failed.p })).toThrow(expect.objectContaining({ name: 'DecryptionError' }))
    expect(failed.handed.x25519).toHaveLength(1)
    for (const k of [...failed.handed.x25519, ...failed.handed.hkdf.map(x => x.out)]) expect(zero(k)).toBe(true)
  })

  it('senderKeyEncrypt and senderKeyDecrypt: the message key and its AES key and IV', () => {
    const deps = { random: new SeededRandom('wipe sender key').random }
    const own = createSenderKey(Uint8Array.of(1, 2, 3), deps)
    const theirs = processSenderKeyDistribution(undefined, own.distribution)
    const e = keeping()
    const { message } = senderKeyEncrypt(own.record, enc('group'), { provider: e.p })
    expect(messageKeys(e.handed)).toHaveLength(1)
    expect(outputs(e.handed, 'Parley_SenderKey_MessageKeys_v1')).toHaveLength(1)
    for (const k of [...messageKeys(e.handed), ...outputs(e.handed, 'Parley_SenderKey_MessageKeys_v1')]) expect(zero(k)).toBe(true)

    const d = keeping()
    expect(dec(senderKeyDecrypt(theirs, message, { provider: d.p }).plaintext)).toBe('group')
    const material = outputs(d.handed, 'Parley_SenderKey_MessageKeys_v1')
    expect(material).toHaveLength(1)
    expect(zero(material[0])).toBe(true)
  })
})
