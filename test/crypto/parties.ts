/** Test helpers: two parties with prekeys, a bundle, and an established session. */
import {
  IdentityKeyPair, KemPreKey, OneTimePreKey, SignedPreKey, pqxdhInitiate, pqxdhRespond, publicKemPreKey,
  publicOneTimePreKey, publicSignedPreKey, ratchetDecrypt, ratchetEncrypt
} from '../../src/crypto/index.js'
import { SeededRandom } from '../helpers/seeded-random.js'
import type { CryptoDeps, CryptoProvider, PreKeyBundle, PreKeyLookup, RatchetState, RespondResult } from '../../src/crypto/index.js'

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b)

export interface Responder {
  identity: IdentityKeyPair
  signedPreKeys: Map<number, SignedPreKey>
  kemPreKeys: Map<number, KemPreKey>
  oneTimePreKeys: Map<number, OneTimePreKey>
  replayIds: Set<string>
  lookup: PreKeyLookup
  bundle: (opts?: { oneTime?: boolean, kemOneTime?: boolean }) => PreKeyBundle
  respond: (message: Uint8Array, deps: CryptoDeps) => RespondResult
}

export function makeResponder (rng: SeededRandom): Responder {
  const identity = IdentityKeyPair.generate(rng.random)
  const spk = SignedPreKey.generate(identity, 1, 1_700_000_000_000, rng.random)
  const lastResort = KemPreKey.generate(identity, 100, 1_700_000_000_000, true, rng.random)
  const kemOneTime = KemPreKey.generate(identity, 101, 1_700_000_000_000, false, rng.random)
  const r: Responder = {
    identity,
    signedPreKeys: new Map([[spk.id, spk]]),
    kemPreKeys: new Map([[lastResort.id, lastResort], [kemOneTime.id, kemOneTime]]),
    oneTimePreKeys: new Map(OneTimePreKey.generateBatch(10, 3, rng.random).map(k => [k.id, k])),
    replayIds: new Set(),
    lookup: {
      signedPreKey: id => r.signedPreKeys.get(id),
      kemPreKey: id => r.kemPreKeys.get(id),
      oneTimePreKey: id => r.oneTimePreKeys.get(id)
    },
    bundle: (opts = {}) => {
      const spks = [...r.signedPreKeys.values()]
      const current = spks[spks.length - 1]
      const kem = opts.kemOneTime === true ? [...r.kemPreKeys.values()].find(k => !k.lastResort) : [...r.kemPreKeys.values()].find(k => k.lastResort)
      const otk = opts.oneTime === true ? r.oneTimePreKeys.values().next().value : undefined
      if (kem === undefined) throw new Error('no KEM prekey')
      const b: PreKeyBundle = { identityKey: identity.publicKey, deviceId: 1, signedPreKey: publicSignedPreKey(current), kemPreKey: publicKemPreKey(kem) }
      if (otk !== undefined) b.oneTimePreKey = publicOneTimePreKey(otk)
      return b
    },
    respond: (message, d) => {
      const res = pqxdhRespond({ identity, message, preKeys: r.lookup, isReplay: id => r.replayIds.has(Buffer.from(id).toString('hex')) }, d)
      r.replayIds.add(Buffer.from(res.replayId).toString('hex'))
      if (res.usedOneTimePreKeyId !== undefined) r.oneTimePreKeys.delete(res.usedOneTimePreKeyId)
      if (!res.usedKemPreKeyLastResort) r.kemPreKeys.delete(res.usedKemPreKeyId)
      return res
    }
  }
  return r
}

export interface Pair {
  rng: SeededRandom
  deps: CryptoDeps
  alice: IdentityKeyPair
  bob: Responder
  a: RatchetState
  b: RatchetState
}

/** Alice initiates, sends one message, Bob responds and replies, Alice reads the reply: both sides are in the steady state. */
export function establishedPair (label: string, provider?: CryptoProvider): Pair {
  const rng = new SeededRandom(label)
  const deps: CryptoDeps = provider === undefined ? { random: rng.random } : { random: rng.random, provider }
  const alice = IdentityKeyPair.generate(rng.random)
  const bob = makeResponder(rng)
  let a = pqxdhInitiate(alice, bob.bundle({ oneTime: true }), deps)
  const first = ratchetEncrypt(a, enc('hello'), deps)
  a = first.state
  const res = bob.respond(first.message, deps)
  const reply = ratchetEncrypt(res.state, enc('hi'), deps)
  a = ratchetDecrypt(a, reply.message, deps).state
  return { rng, deps, alice, bob, a, b: reply.state }
}
