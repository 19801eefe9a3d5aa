// Double Ratchet limits at their edges: the sending counter at MAX_COUNTER, a session with no sending chain yet,
// the PN jump of a new receiving chain at exactly MAX_FORWARD_JUMP, and a stored state keeps its pending prekey data.
import { describe, expect, it } from 'vitest'
import { IdentityKeyPair, MAX_FORWARD_JUMP, RatchetState, pqxdhInitiate, ratchetDecrypt, ratchetEncrypt } from '../../src/crypto/index.js'
import { MAX_COUNTER } from '../../src/crypto/ratchet/limits.js'
import { RatchetStatePb } from '../../src/crypto/pb/state.js'
import { dec, enc, establishedPair, makeResponder } from './parties.js'
import { SeededRandom } from '../helpers/seeded-random.js'

/** `state` stored, one field changed, and read back. */
function edited (state: RatchetState, change: (pb: RatchetStatePb) => void): RatchetState {
  const pb = RatchetStatePb.decode(state.serialize())
  change(pb)
  return RatchetState.deserialize(RatchetStatePb.encode(pb))
}

describe('ratchet limits', () => {
  it('the sending counter may reach MAX_COUNTER - 1; at MAX_COUNTER the chain is exhausted', () => {
    const { deps, a, b } = establishedPair('exhausted')
    const last = edited(a, pb => { pb.sendingCounter = MAX_COUNTER - 1 })
    const sent = ratchetEncrypt(last, enc('last'), deps)
    expect(() => ratchetEncrypt(sent.state, enc('one more'), deps)).toThrow(expect.objectContaining({ name: 'CryptoError', message: 'Sending chain exhausted' }))
    expect(() => ratchetEncrypt(edited(a, pb => { pb.sendingCounter = MAX_COUNTER }), enc('x'), deps))
      .toThrow(expect.objectContaining({ name: 'CryptoError', message: 'Sending chain exhausted' }))
    // Bob is on a new chain for this key: counter MAX_COUNTER - 1 is too far ahead for him, which is right
    expect(() => ratchetDecrypt(b, sent.message, deps)).toThrow(expect.objectContaining({ name: 'TooFarForwardError' }))
  })

  it('a session with no sending chain yet cannot encrypt', () => {
    const { deps, a } = establishedPair('no chain')
    const noChain = edited(a, pb => { pb.sendingChainKey = new Uint8Array(0) })
    expect(() => ratchetEncrypt(noChain, enc('x'), deps)).toThrow(expect.objectContaining({ name: 'CryptoError', message: 'Session has no sending chain yet' }))
  })

  it(`a new receiving chain whose PN is exactly MAX_FORWARD_JUMP (${MAX_FORWARD_JUMP}) past the current chain works; one more is refused`, () => {
    const { deps, a: a0, b } = establishedPair('pn at the limit')
    // Bob's current receiving chain is Alice's first one, at counter 1; Alice's current chain is new to Bob, and
    // its messages carry PN = her previous chain's length, set here to 1 + jump
    for (const [jump, ok] of [[MAX_FORWARD_JUMP, true], [MAX_FORWARD_JUMP + 1, false]] as const) {
      const a = edited(a0, pb => { pb.previousCounter = 1 + jump })
      const next = ratchetEncrypt(a, enc('n'), deps)
      if (ok) {
        const r = ratchetDecrypt(b, next.message, deps)
        expect(dec(r.plaintext)).toBe('n')
        expect(r.state.skippedKeyCount).toBe(MAX_FORWARD_JUMP)
      } else {
        expect(() => ratchetDecrypt(b, next.message, deps)).toThrow(expect.objectContaining({ name: 'TooFarForwardError' }))
      }
    }
  })

  it('a stored initiator state keeps its pending first-message data: its next message is still a prekey message', () => {
    const rng = new SeededRandom('pending stored')
    const deps = { random: rng.random }
    const bob = makeResponder(rng)
    const a = pqxdhInitiate(IdentityKeyPair.generate(rng.random), bob.bundle({ oneTime: true }), deps)
    const stored = RatchetState.deserialize(a.serialize())
    expect(stored.awaitingReply).toBe(true)
    const sent = ratchetEncrypt(stored, enc('first'), deps)
    expect(sent.kind).toBe('prekey')
    expect(dec(bob.respond(sent.message, deps).plaintext)).toBe('first')
  })
})
