// Double Ratchet behaviour: ordering, duplicates, limits, tampering, commit-on-success, serialisation.
import { describe, expect, it } from 'vitest'
import {
  MAX_FORWARD_JUMP, MAX_RECEIVER_CHAINS, MAX_SKIPPED_KEYS, RatchetState, defaultProvider, nobleProvider, ratchetDecrypt, ratchetEncrypt
} from '../../src/crypto/index.js'
import { dec, enc, establishedPair } from './parties.js'
import type { CryptoProvider, RatchetState as State } from '../../src/crypto/index.js'

function errorName (fn: () => unknown): string | undefined {
  try { fn() } catch (e) { return (e as Error).name }
  return undefined
}
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

describe.each([defaultProvider(), nobleProvider])('Double Ratchet via $name', (provider) => {
  it('1,000 messages in random order with 20% duplicates and 5% dropped: each delivered one decrypts exactly once', () => {
    const { rng, deps, a: a0, b } = establishedPair(`order-${provider.name}`, provider)
    let a = a0
    let bob = b
    const sent: Uint8Array[] = []
    for (let i = 0; i < 1000; i++) {
      const r = ratchetEncrypt(a, enc(`m${i}`), deps)
      a = r.state
      sent.push(r.message)
    }
    const deliveries: number[] = []
    for (let i = 0; i < sent.length; i++) {
      if (rng.int(100) < 5) continue // dropped
      deliveries.push(i)
      if (rng.int(100) < 20) deliveries.push(i) // duplicated
    }
    rng.shuffle(deliveries)
    const seen = new Set<number>()
    let duplicates = 0
    for (const i of deliveries) {
      if (seen.has(i)) {
        const before = hex(bob.serialize())
        expect(errorName(() => ratchetDecrypt(bob, sent[i], deps))).toBe('DuplicateMessageError')
        expect(hex(bob.serialize())).toBe(before)
        duplicates++
        continue
      }
      const r = ratchetDecrypt(bob, sent[i], deps)
      expect(dec(r.plaintext)).toBe(`m${i}`)
      bob = r.state
      seen.add(i)
    }
    expect(seen.size).toBeGreaterThan(900)
    expect(duplicates).toBeGreaterThan(100)
  })
})

describe('Double Ratchet', () => {
  it('ping-pong with out-of-order messages across DH ratchet steps (PN skipping)', () => {
    const { deps, a: a0, b: b0 } = establishedPair('pingpong')
    let a = a0; let b = b0
    const a1 = ratchetEncrypt(a, enc('a1'), deps); a = a1.state
    const a2 = ratchetEncrypt(a, enc('a2'), deps); a = a2.state
    const a3 = ratchetEncrypt(a, enc('a3'), deps); a = a3.state
    b = ratchetDecrypt(b, a1.message, deps).state
    const b1 = ratchetEncrypt(b, enc('b1'), deps); b = b1.state
    a = ratchetDecrypt(a, b1.message, deps).state
    const a4 = ratchetEncrypt(a, enc('a4'), deps); a = a4.state
    let r = ratchetDecrypt(b, a4.message, deps); b = r.state
    expect(dec(r.plaintext)).toBe('a4')
    r = ratchetDecrypt(b, a3.message, deps); b = r.state
    expect(dec(r.plaintext)).toBe('a3')
    r = ratchetDecrypt(b, a2.message, deps); b = r.state
    expect(dec(r.plaintext)).toBe('a2')
    expect(errorName(() => ratchetDecrypt(b, a2.message, deps))).toBe('DuplicateMessageError')
    // many alternations
    for (let i = 0; i < 20; i++) {
      const x = ratchetEncrypt(a, enc(`x${i}`), deps); a = x.state
      r = ratchetDecrypt(b, x.message, deps); b = r.state
      expect(dec(r.plaintext)).toBe(`x${i}`)
      const y = ratchetEncrypt(b, enc(`y${i}`), deps); b = y.state
      const s = ratchetDecrypt(a, y.message, deps); a = s.state
      expect(dec(s.plaintext)).toBe(`y${i}`)
    }
    expect(b.receiverChainCount).toBe(MAX_RECEIVER_CHAINS)
  })

  it(`forward jump: exactly MAX_FORWARD_JUMP (${MAX_FORWARD_JUMP}) skipped works, one more is rejected before deriving any key`, () => {
    const { deps, a: a0, b: b0 } = establishedPair('jump')
    let a = a0
    const msgs: Uint8Array[] = []
    for (let i = 0; i <= MAX_FORWARD_JUMP + 1; i++) {
      const r = ratchetEncrypt(a, enc(`j${i}`), deps)
      a = r.state
      msgs.push(r.message)
    }
    // count key derivations through an instrumented provider
    let hmacs = 0
    let hkdfs = 0
    const base = deps.provider ?? defaultProvider()
    const counting: CryptoProvider = { ...base, hmacSha256: (k, d) => { hmacs++; return base.hmacSha256(k, d) }, hkdfSha256: (i, s, n, l) => { hkdfs++; return base.hkdfSha256(i, s, n, l) } }
    const before = hex(b0.serialize())
    expect(errorName(() => ratchetDecrypt(b0, msgs[MAX_FORWARD_JUMP + 1], { ...deps, provider: counting }))).toBe('TooFarForwardError')
    expect(hmacs + hkdfs).toBe(0)
    expect(hex(b0.serialize())).toBe(before)
    // at the limit: N = MAX_FORWARD_JUMP with the chain at 0 → MAX_FORWARD_JUMP keys skipped
    const r = ratchetDecrypt(b0, msgs[MAX_FORWARD_JUMP], deps)
    expect(dec(r.plaintext)).toBe(`j${MAX_FORWARD_JUMP}`)
    expect(r.state.skippedKeyCount).toBe(MAX_FORWARD_JUMP)
    expect(r.state.skippedKeyCount).toBeLessThanOrEqual(MAX_SKIPPED_KEYS)
    // the skipped ones still decrypt from the stored keys
    expect(dec(ratchetDecrypt(r.state, msgs[0], deps).plaintext)).toBe('j0')
    expect(dec(ratchetDecrypt(r.state, msgs[MAX_FORWARD_JUMP - 1], deps).plaintext)).toBe(`j${MAX_FORWARD_JUMP - 1}`)
  })

  it('a new ratchet key with PN too far ahead is rejected before deriving keys', () => {
    const { deps, a: a0, b: b0 } = establishedPair('pn-jump')
    let a = a0
    for (let i = 0; i <= MAX_FORWARD_JUMP + 1; i++) a = ratchetEncrypt(a, enc('x'), deps).state
    // Bob replies; Alice ratchets; her next message carries PN = MAX_FORWARD_JUMP + 2
    const reply = ratchetEncrypt(b0, enc('r'), deps)
    a = ratchetDecrypt(a, reply.message, deps).state
    const next = ratchetEncrypt(a, enc('n'), deps)
    expect(errorName(() => ratchetDecrypt(reply.state, next.message, deps))).toBe('TooFarForwardError')
  })

  it('on an existing receiving chain a jump of more than MAX_FORWARD_JUMP is rejected before deriving any key; exactly the limit works', () => {
    const { deps, a: a0, b: b0 } = establishedPair('jump-existing')
    let a = a0
    const msgs: Uint8Array[] = []
    for (let i = 0; i <= MAX_FORWARD_JUMP + 2; i++) {
      const r = ratchetEncrypt(a, enc(`e${i}`), deps)
      a = r.state
      msgs.push(r.message)
    }
    // Bob reads the first: the chain of Alice's new ratchet key now exists at counter 1
    const first = ratchetDecrypt(b0, msgs[0], deps)
    expect(dec(first.plaintext)).toBe('e0')
    const b = first.state
    const chains = b.receiverChainCount
    let derivations = 0
    const base = deps.provider ?? defaultProvider()
    const counting: CryptoProvider = { ...base, hmacSha256: (k, d) => { derivations++; return base.hmacSha256(k, d) }, hkdfSha256: (i, s, n, l) => { derivations++; return base.hkdfSha256(i, s, n, l) } }
    const before = hex(b.serialize())
    // counter MAX_FORWARD_JUMP + 2 on a chain at 1: MAX_FORWARD_JUMP + 1 ahead
    expect(errorName(() => ratchetDecrypt(b, msgs[MAX_FORWARD_JUMP + 2], { ...deps, provider: counting }))).toBe('TooFarForwardError')
    expect(derivations).toBe(0)
    expect(hex(b.serialize())).toBe(before)
    // counter MAX_FORWARD_JUMP + 1: exactly MAX_FORWARD_JUMP ahead, on the same chain (no new one)
    const r = ratchetDecrypt(b, msgs[MAX_FORWARD_JUMP + 1], deps)
    expect(dec(r.plaintext)).toBe(`e${MAX_FORWARD_JUMP + 1}`)
    expect(r.state.receiverChainCount).toBe(chains)
    expect(r.state.skippedKeyCount).toBe(MAX_FORWARD_JUMP)
  })

  it('skipped keys are capped at MAX_SKIPPED_KEYS, oldest evicted', () => {
    const { deps, a: a0, b: b0 } = establishedPair('evict')
    let a = a0; let b = b0
    const first: Uint8Array[] = []
    for (let round = 0; round < 2; round++) {
      let last: Uint8Array | undefined
      for (let i = 0; i <= 1500; i++) {
        const r = ratchetEncrypt(a, enc(`r${round}-${i}`), deps)
        a = r.state
        if (i === 0) first.push(r.message)
        last = r.message
      }
      b = ratchetDecrypt(b, last as Uint8Array, deps).state
    }
    expect(b.skippedKeyCount).toBe(MAX_SKIPPED_KEYS)
    // the very first skipped key was evicted: that message can no longer be decrypted
    expect(errorName(() => ratchetDecrypt(b, first[0], deps))).toBe('DuplicateMessageError')
  })

  it('every single-bit flip of a message is rejected and leaves the state byte-identical', () => {
    const { deps, a, b } = establishedPair('bitflip')
    const { message } = ratchetEncrypt(a, enc('flip me'), deps)
    const before = hex(b.serialize())
    for (let bit = 0; bit < message.length * 8; bit++) {
      const m = Uint8Array.from(message)
      m[bit >> 3] ^= 1 << (bit & 7)
      const name = errorName(() => ratchetDecrypt(b, m, deps))
      expect(name, `bit ${bit}`).toMatch(/DecryptionError|InvalidMessageError|TooFarForwardError|InvalidKeyError|DuplicateMessageError/)
      expect(hex(b.serialize()), `bit ${bit}`).toBe(before)
    }
    expect(dec(ratchetDecrypt(b, message, deps).plaintext)).toBe('flip me')
  })

  it('state survives serialise/deserialise in the middle of a conversation (with skipped keys)', () => {
    const { deps, a: a0, b: b0 } = establishedPair('serial')
    let a = a0
    const msgs: Uint8Array[] = []
    for (let i = 0; i < 5; i++) { const r = ratchetEncrypt(a, enc(`s${i}`), deps); a = r.state; msgs.push(r.message) }
    let b: State = ratchetDecrypt(b0, msgs[4], deps).state
    b = RatchetState.deserialize(b.serialize())
    expect(b.skippedKeyCount).toBe(4)
    for (let i = 0; i < 4; i++) {
      const r = ratchetDecrypt(b, msgs[i], deps)
      expect(dec(r.plaintext)).toBe(`s${i}`)
      b = RatchetState.deserialize(r.state.serialize())
    }
    expect(hex(RatchetState.deserialize(b.serialize()).serialize())).toBe(hex(b.serialize()))
    expect(errorName(() => RatchetState.deserialize(Uint8Array.of(1, 2, 3)))).toBe('InvalidMessageError')
  })

  it('encrypt and decrypt never mutate the input state', () => {
    const { deps, a, b } = establishedPair('immutable')
    const aBefore = hex(a.serialize())
    const bBefore = hex(b.serialize())
    const r1 = ratchetEncrypt(a, enc('one'), deps)
    const r2 = ratchetEncrypt(a, enc('two'), deps) // same state again: same counter
    expect(hex(a.serialize())).toBe(aBefore)
    expect(dec(ratchetDecrypt(b, r1.message, deps).plaintext)).toBe('one')
    expect(hex(b.serialize())).toBe(bBefore)
    expect(dec(ratchetDecrypt(b, r2.message, deps).plaintext)).toBe('two')
  })

  it('a low-order ratchet key in a header is refused without changing the state', () => {
    const { deps, a, b } = establishedPair('low-order')
    const { message } = ratchetEncrypt(a, enc('x'), deps)
    const forged = Uint8Array.from(message)
    forged.set(new Uint8Array(32), 1) // ratchet key := 0 (low order)
    const before = hex(b.serialize())
    expect(errorName(() => ratchetDecrypt(b, forged, deps))).toBe('InvalidKeyError')
    expect(hex(b.serialize())).toBe(before)
  })

  it('a message from a chain older than MAX_RECEIVER_CHAINS with no stored key fails cleanly', () => {
    const { deps, a: a0, b: b0 } = establishedPair('old-chain')
    let a = a0; let b = b0
    const early = ratchetEncrypt(a, enc('early'), deps)
    a = early.state
    b = ratchetDecrypt(b, early.message, deps).state
    const stale = ratchetEncrypt(a, enc('stale'), deps) // same chain, counter 1, delivered too late
    a = stale.state
    for (let i = 0; i < MAX_RECEIVER_CHAINS + 1; i++) {
      const x = ratchetEncrypt(b, enc('b'), deps); b = x.state
      a = ratchetDecrypt(a, x.message, deps).state
      const y = ratchetEncrypt(a, enc('a'), deps); a = y.state
      b = ratchetDecrypt(b, y.message, deps).state
    }
    // the stale message's key was stored as skipped when the next chain arrived (PN) — so it still decrypts
    expect(dec(ratchetDecrypt(b, stale.message, deps).plaintext)).toBe('stale')
    // a replay of a message from that evicted chain: no stored key and no chain → refused (as DecryptionError: a
    // duplicate cannot be told apart from a forgery once its chain is gone), state unchanged
    const before = hex(b.serialize())
    const name = errorName(() => ratchetDecrypt(b, early.message, deps))
    expect(name).toBe('DecryptionError')
    expect(hex(b.serialize())).toBe(before)
  })
})

