// Stored ratchet state: a valid one round-trips; each 32-byte field of another length, another version or undecodable bytes is refused.
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { RatchetState, RATCHET_STATE_VERSION } from '../../src/crypto/ratchet/state.js'
import { RatchetStatePb } from '../../src/crypto/pb/state.js'
import { MAX_RECEIVER_CHAINS, MAX_SKIPPED_KEYS } from '../../src/crypto/ratchet/limits.js'

const k = (b: number, n = 32): Uint8Array<ArrayBuffer> => new Uint8Array(n).fill(b)

const valid = (): RatchetStatePb => ({
  version: RATCHET_STATE_VERSION,
  localIdentityKey: k(1),
  remoteIdentityKey: k(2),
  rootKey: k(3),
  sendingPrivate: k(4),
  sendingPublic: k(5),
  sendingChainKey: k(6),
  sendingCounter: 7,
  previousCounter: 8,
  receiverChains: [{ ratchetKey: k(9), chainKey: k(10), counter: 11 }],
  skipped: [{ ratchetKey: k(9), counter: 2, messageKey: k(12) }],
  baseKey: k(13)
})

const malformed = { name: 'InvalidMessageError', message: 'Malformed ratchet state' }

describe('ratchet state format', () => {
  it('round-trips a valid state, also one with no sending chain yet', () => {
    const bytes = RatchetStatePb.encode(valid())
    expect(RatchetState.deserialize(bytes).serialize()).toEqual(bytes)
    const noChain = RatchetStatePb.encode({ ...valid(), sendingChainKey: new Uint8Array(0) })
    expect(RatchetState.deserialize(noChain).serialize()).toEqual(noChain)
    expect(RatchetState.deserialize(bytes).baseKey).toEqual(k(13))
  })

  it.each([
    ['localIdentityKey', (s: RatchetStatePb) => { s.localIdentityKey = k(1, 31) }],
    ['remoteIdentityKey', (s: RatchetStatePb) => { s.remoteIdentityKey = k(2, 33) }],
    ['rootKey', (s: RatchetStatePb) => { s.rootKey = k(3, 31) }],
    ['sendingPrivate', (s: RatchetStatePb) => { s.sendingPrivate = k(4, 31) }],
    ['sendingPublic', (s: RatchetStatePb) => { s.sendingPublic = k(5, 31) }],
    ['baseKey', (s: RatchetStatePb) => { s.baseKey = k(13, 31) }],
    ['sendingChainKey', (s: RatchetStatePb) => { s.sendingChainKey = k(6, 31) }],
    ['a receiver chain ratchet key', (s: RatchetStatePb) => { s.receiverChains[0].ratchetKey = k(9, 31) }],
    ['a receiver chain key', (s: RatchetStatePb) => { s.receiverChains[0].chainKey = k(10, 31) }],
    ['a skipped ratchet key', (s: RatchetStatePb) => { s.skipped[0].ratchetKey = k(9, 31) }],
    ['a skipped message key', (s: RatchetStatePb) => { s.skipped[0].messageKey = k(12, 31) }]
  ])('refuses a state whose %s has another length', (_, change) => {
    const state = valid()
    change(state)
    expect(() => RatchetState.deserialize(RatchetStatePb.encode(state))).toThrow(expect.objectContaining(malformed))
  })

  it('refuses another version and undecodable bytes', () => {
    expect(() => RatchetState.deserialize(RatchetStatePb.encode({ ...valid(), version: RATCHET_STATE_VERSION + 1 })))
      .toThrow(expect.objectContaining({ name: 'InvalidMessageError', message: 'Unsupported ratchet state version' }))
    expect(() => RatchetState.deserialize(Uint8Array.of(0xff, 0xff))).toThrow(expect.objectContaining(malformed))
  })

  it(`holds at most ${MAX_RECEIVER_CHAINS} receiver chains and ${MAX_SKIPPED_KEYS} skipped keys; every chain must be well formed`, () => {
    const chains = (n: number): RatchetStatePb['receiverChains'] => Array.from({ length: n }, (_, i) => ({ ratchetKey: k(20 + i), chainKey: k(10), counter: i }))
    const skipped = (n: number): RatchetStatePb['skipped'] => Array.from({ length: n }, (_, i) => ({ ratchetKey: k(9), counter: i, messageKey: k(12) }))
    const full = RatchetState.deserialize(RatchetStatePb.encode({ ...valid(), receiverChains: chains(MAX_RECEIVER_CHAINS), skipped: skipped(MAX_SKIPPED_KEYS) }))
    expect([full.receiverChainCount, full.skippedKeyCount]).toEqual([MAX_RECEIVER_CHAINS, MAX_SKIPPED_KEYS])
    expect(() => RatchetState.deserialize(RatchetStatePb.encode({ ...valid(), receiverChains: chains(MAX_RECEIVER_CHAINS + 1) }))).toThrow(expect.objectContaining(malformed))
    expect(() => RatchetState.deserialize(RatchetStatePb.encode({ ...valid(), skipped: skipped(MAX_SKIPPED_KEYS + 1) }))).toThrow(expect.objectContaining(malformed))
    const oneBad = [...chains(1), { ratchetKey: k(30), chainKey: k(10, 31), counter: 0 }]
    expect(() => RatchetState.deserialize(RatchetStatePb.encode({ ...valid(), receiverChains: oneBad }))).toThrow(expect.objectContaining(malformed))
  })

  it('reads back its identity keys and shows only its type in JSON and util.inspect', () => {
    const state = RatchetState.deserialize(RatchetStatePb.encode(valid()))
    expect([state.localIdentityKey, state.remoteIdentityKey]).toEqual([k(1), k(2)])
    expect(JSON.parse(JSON.stringify(state))).toEqual({ type: 'RatchetState', redacted: true })
    expect(inspect(state)).toBe(inspect({ type: 'RatchetState', redacted: true }))
  })
})
