// PQXDH: bundle checks, one-time prekeys optional, replay protection, signed prekey rotation, tampering.
import { describe, expect, it } from 'vitest'
import {
  IdentityKeyPair, SignedPreKey, decodePreKeyBundle, encodePreKeyBundle, messageKind, pqxdhInitiate, preKeyMessageBaseKey, ratchetDecrypt, ratchetEncrypt
} from '../../src/crypto/index.js'
import { parsePreKeyMessage } from '../../src/crypto/ratchet/message.js'
import { dec, enc, makeResponder } from './parties.js'
import { SeededRandom } from '../helpers/seeded-random.js'
import type { CryptoDeps, PreKeyBundle } from '../../src/crypto/index.js'

function errorName (fn: () => unknown): string | undefined {
  try { fn() } catch (e) { return (e as Error).name }
  return undefined
}
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

function setup (label: string): { deps: CryptoDeps, alice: IdentityKeyPair, bob: ReturnType<typeof makeResponder> } {
  const rng = new SeededRandom(label)
  const deps = { random: rng.random }
  return { deps, alice: IdentityKeyPair.generate(rng.random), bob: makeResponder(rng) }
}

describe('PQXDH', () => {
  it.each([
    { oneTime: true, kemOneTime: true },
    { oneTime: true, kemOneTime: false },
    { oneTime: false, kemOneTime: true },
    { oneTime: false, kemOneTime: false }
  ])('session set-up (one-time X25519: $oneTime, one-time ML-KEM: $kemOneTime) and reply', (opts) => {
    const { deps, alice, bob } = setup(`setup-${opts.oneTime}-${opts.kemOneTime}`)
    const bundle = decodePreKeyBundle(encodePreKeyBundle(bob.bundle(opts)))
    const s = pqxdhInitiate(alice, bundle, deps)
    expect(s.awaitingReply).toBe(true)
    const m1 = ratchetEncrypt(s, enc('first'), deps)
    expect(m1.kind).toBe('prekey')
    expect(messageKind(m1.message)).toBe('prekey')
    const otks = bob.oneTimePreKeys.size
    const res = bob.respond(m1.message, deps)
    expect(dec(res.plaintext)).toBe('first')
    expect(hex(res.remoteIdentityKey)).toBe(hex(alice.publicKey))
    expect(res.usedOneTimePreKeyId !== undefined).toBe(opts.oneTime)
    expect(res.usedKemPreKeyLastResort).toBe(!opts.kemOneTime)
    expect(bob.oneTimePreKeys.size).toBe(opts.oneTime ? otks - 1 : otks)
    // the initiator keeps sending prekey messages until it gets a reply; the responder's session takes them
    const m2 = ratchetEncrypt(m1.state, enc('second'), deps)
    expect(m2.kind).toBe('prekey')
    expect(hex(preKeyMessageBaseKey(m2.message))).toBe(hex(res.state.baseKey))
    const r2 = ratchetDecrypt(res.state, m2.message, deps)
    expect(dec(r2.plaintext)).toBe('second')
    const reply = ratchetEncrypt(r2.state, enc('reply'), deps)
    expect(reply.kind).toBe('message')
    const a = ratchetDecrypt(m2.state, reply.message, deps)
    expect(dec(a.plaintext)).toBe('reply')
    expect(a.state.awaitingReply).toBe(false)
    expect(ratchetEncrypt(a.state, enc('x'), deps).kind).toBe('message')
  })

  it('replay of a first message without a one-time prekey yields no second plaintext', () => {
    const { deps, alice, bob } = setup('replay')
    const m1 = ratchetEncrypt(pqxdhInitiate(alice, bob.bundle({ oneTime: false }), deps), enc('once'), deps)
    const res = bob.respond(m1.message, deps)
    expect(dec(res.plaintext)).toBe('once')
    // replayed to the responder (e.g. the session was since replaced): refused by replay id
    expect(errorName(() => bob.respond(m1.message, deps))).toBe('ReplayedMessageError')
    // replayed into the existing session: the message key is used up
    expect(errorName(() => ratchetDecrypt(res.state, m1.message, deps))).toBe('DuplicateMessageError')
  })

  it('replay of a first message with a one-time prekey fails because the prekey is gone', () => {
    const { deps, alice, bob } = setup('replay-otk')
    const m1 = ratchetEncrypt(pqxdhInitiate(alice, bob.bundle({ oneTime: true }), deps), enc('once'), deps)
    bob.respond(m1.message, deps)
    bob.replayIds.clear() // even without the replay set
    expect(errorName(() => bob.respond(m1.message, deps))).toBe('MissingPreKeyError')
  })

  it('a message built on the previous signed prekey still decrypts after rotation', () => {
    const rng = new SeededRandom('rotation')
    const deps = { random: rng.random }
    const alice = IdentityKeyPair.generate(rng.random)
    const bob = makeResponder(rng)
    const oldBundle = bob.bundle()
    const inFlight = ratchetEncrypt(pqxdhInitiate(alice, oldBundle, deps), enc('sent before rotation'), deps)
    // rotate: new signed prekey becomes current, the previous one is kept for the retention window
    const next = SignedPreKey.generate(bob.identity, 2, 1_700_600_000_000, rng.random)
    bob.signedPreKeys.set(next.id, next)
    expect(bob.bundle().signedPreKey.id).toBe(2)
    expect(dec(bob.respond(inFlight.message, deps).plaintext)).toBe('sent before rotation')
    // a new session uses the new key
    const fresh = ratchetEncrypt(pqxdhInitiate(IdentityKeyPair.generate(rng.random), bob.bundle(), deps), enc('after'), deps)
    expect(dec(bob.respond(fresh.message, deps).plaintext)).toBe('after')
    // once the old key is dropped, old first messages are refused
    bob.signedPreKeys.delete(1)
    const late = ratchetEncrypt(pqxdhInitiate(IdentityKeyPair.generate(rng.random), oldBundle, deps), enc('too late'), deps)
    expect(errorName(() => bob.respond(late.message, deps))).toBe('MissingPreKeyError')
  })

  it('every single-bit flip of each prekey signature is rejected', () => {
    const { deps, alice, bob } = setup('sigflip')
    const bundle = bob.bundle({ oneTime: true, kemOneTime: true })
    for (const which of ['signedPreKey', 'kemPreKey'] as const) {
      const sig = bundle[which].signature
      for (let bit = 0; bit < sig.length * 8; bit++) {
        const bad = Uint8Array.from(sig)
        bad[bit >> 3] ^= 1 << (bit & 7)
        const b: PreKeyBundle = { ...bundle, [which]: { ...bundle[which], signature: bad } }
        expect(errorName(() => pqxdhInitiate(alice, b, deps)), `${which} bit ${bit}`).toBe('InvalidSignatureError')
      }
    }
    // a signature moved from one key to the other does not verify either (domain separation)
    expect(errorName(() => pqxdhInitiate(alice, { ...bundle, kemPreKey: { ...bundle.kemPreKey, signature: bundle.signedPreKey.signature } }, deps))).toBe('InvalidSignatureError')
    // a key signed by someone else
    const mallory = IdentityKeyPair.generate(new SeededRandom('mallory').random)
    expect(errorName(() => pqxdhInitiate(alice, { ...bundle, identityKey: mallory.publicKey }, deps))).toBe('InvalidSignatureError')
  })

  it('rejects low-order / malformed X25519 prekeys and ML-KEM keys of the wrong length', () => {
    const { deps, alice, bob } = setup('badkeys')
    const bundle = bob.bundle({ oneTime: true })
    const lowOrder = [new Uint8Array(32), Uint8Array.of(1, ...new Uint8Array(31)),
      Uint8Array.from(Buffer.from('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', 'hex'))]
    for (const k of lowOrder) {
      expect(errorName(() => pqxdhInitiate(alice, { ...bundle, oneTimePreKey: { id: 1, publicKey: k } }, deps))).toBe('InvalidKeyError')
    }
    expect(errorName(() => pqxdhInitiate(alice, { ...bundle, oneTimePreKey: { id: 1, publicKey: new Uint8Array(31) } }, deps))).toBe('InvalidKeyError')
    expect(errorName(() => pqxdhInitiate(alice, { ...bundle, signedPreKey: { ...bundle.signedPreKey, publicKey: new Uint8Array(33) } }, deps))).toBe('InvalidKeyError')
    expect(errorName(() => pqxdhInitiate(alice, { ...bundle, kemPreKey: { ...bundle.kemPreKey, publicKey: bundle.kemPreKey.publicKey.subarray(1) } }, deps))).toBe('InvalidKeyError')
    expect(errorName(() => pqxdhInitiate(alice, { ...bundle, identityKey: new Uint8Array(32) }, deps))).toBe('InvalidKeyError')
    expect(errorName(() => decodePreKeyBundle(Uint8Array.of(0xff, 0xff, 0xff)))).toBe('InvalidMessageError')
  })

  it('every single-bit flip of a first message is rejected and the responder state stays unchanged', () => {
    const { deps, alice, bob } = setup('prekey-flip')
    const m1 = ratchetEncrypt(pqxdhInitiate(alice, bob.bundle({ oneTime: true, kemOneTime: true }), deps), enc('first'), deps)
    const otkBefore = [...bob.oneTimePreKeys.keys()].join()
    const kemBefore = [...bob.kemPreKeys.keys()].join()
    // every bit outside the ML-KEM ciphertext, and every 13th bit inside it (a flip there only changes the decapsulated secret)
    const ct = parsePreKeyMessage(m1.message).kemCiphertext
    const start = Buffer.from(m1.message).indexOf(Buffer.from(ct))
    expect(start).toBeGreaterThan(0)
    const positions: number[] = []
    for (let bit = 0; bit < m1.message.length * 8; bit++) {
      const inCt = bit >= start * 8 && bit < (start + ct.length) * 8
      if (!inCt || bit % 13 === 0) positions.push(bit)
    }
    for (const bit of positions) {
      const m = Uint8Array.from(m1.message)
      m[bit >> 3] ^= 1 << (bit & 7)
      const name = errorName(() => bob.respond(m, deps))
      expect(name, `bit ${bit}`).toMatch(/DecryptionError|InvalidMessageError|InvalidKeyError|MissingPreKeyError|SessionMismatchError|TooFarForwardError/)
    }
    expect([...bob.oneTimePreKeys.keys()].join()).toBe(otkBefore)
    expect([...bob.kemPreKeys.keys()].join()).toBe(kemBefore)
    expect(bob.replayIds.size).toBe(0)
    expect(dec(bob.respond(m1.message, deps).plaintext)).toBe('first')
  })

  it('a prekey message for another session is refused by ratchetDecrypt', () => {
    const { deps, alice, bob } = setup('mismatch')
    const m1 = ratchetEncrypt(pqxdhInitiate(alice, bob.bundle(), deps), enc('a'), deps)
    const other = ratchetEncrypt(pqxdhInitiate(alice, bob.bundle(), deps), enc('b'), deps)
    const res = bob.respond(m1.message, deps)
    expect(errorName(() => ratchetDecrypt(res.state, other.message, deps))).toBe('SessionMismatchError')
  })

  it('regression: a base key with bit 255 flipped (same X25519 point, new bytes) cannot bypass the replay check', () => {
    const { deps, alice, bob } = setup('bit255')
    const m1 = ratchetEncrypt(pqxdhInitiate(alice, bob.bundle(), deps), enc('once'), deps)
    expect(dec(bob.respond(m1.message, deps).plaintext)).toBe('once')
    const pm = parsePreKeyMessage(m1.message)
    const start = Buffer.from(m1.message).indexOf(Buffer.from(pm.baseKey))
    const forged = Uint8Array.from(m1.message)
    forged[start + 31] ^= 0x80
    expect(errorName(() => bob.respond(forged, deps))).toBe('InvalidKeyError')
  })
})

