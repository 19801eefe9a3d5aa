/** Crypto benchmarks: 1:1 ratchet (burst, ping-pong), PQXDH set-up and sender keys, with the default (native) and the noble-only provider. Knows nothing of the runner. */
import {
  IdentityKeyPair, KemPreKey, OneTimePreKey, SignedPreKey, createSenderKey, defaultProvider, nobleProvider, pqxdhInitiate, pqxdhRespond,
  processSenderKeyDistribution, publicKemPreKey, publicOneTimePreKey, publicSignedPreKey, ratchetDecrypt, ratchetEncrypt, senderKeyDecrypt,
  senderKeyEncrypt, systemRandom
} from '../src/crypto/index.js'
import type { CryptoDeps, CryptoProvider, RatchetState } from '../src/crypto/index.js'
import type { Figure, Suite } from './harness.js'

/** Each figure runs for about this long (after a short warm-up). */
const RUN_MS = 1500
const MESSAGE = new Uint8Array(100).fill(0x61)

/** Runs `batch` repeatedly for RUN_MS; returns units per second. */
function rate (batch: () => number): number {
  batch() // warm-up
  let units = 0
  const start = performance.now()
  let now = start
  while (now - start < RUN_MS) {
    units += batch()
    now = performance.now()
  }
  return units / ((now - start) / 1000)
}

interface Session { deps: CryptoDeps, a: RatchetState, b: RatchetState }

function session (provider: CryptoProvider): Session {
  const deps: CryptoDeps = { random: systemRandom, provider }
  const alice = IdentityKeyPair.generate(systemRandom)
  const bob = IdentityKeyPair.generate(systemRandom)
  const spk = SignedPreKey.generate(bob, 1, Date.now(), systemRandom)
  const kem = KemPreKey.generate(bob, 2, Date.now(), true, systemRandom)
  let a = pqxdhInitiate(alice, { identityKey: bob.publicKey, deviceId: 1, signedPreKey: publicSignedPreKey(spk), kemPreKey: publicKemPreKey(kem) }, deps)
  const first = ratchetEncrypt(a, MESSAGE, deps)
  a = first.state
  const res = pqxdhRespond({ identity: bob, message: first.message, preKeys: { signedPreKey: () => spk, kemPreKey: () => kem, oneTimePreKey: () => undefined }, isReplay: () => false }, deps)
  const reply = ratchetEncrypt(res.state, MESSAGE, deps)
  a = ratchetDecrypt(a, reply.message, deps).state
  return { deps, a, b: reply.state }
}

function burst (provider: CryptoProvider): number {
  const s = session(provider)
  return rate(() => {
    const out: Uint8Array[] = []
    for (let i = 0; i < 100; i++) {
      const r = ratchetEncrypt(s.a, MESSAGE, s.deps)
      s.a = r.state
      out.push(r.message)
    }
    for (const m of out) s.b = ratchetDecrypt(s.b, m, s.deps).state
    return out.length
  })
}

function pingpong (provider: CryptoProvider): number {
  const s = session(provider)
  return rate(() => {
    for (let i = 0; i < 10; i++) {
      const x = ratchetEncrypt(s.a, MESSAGE, s.deps)
      s.a = x.state
      s.b = ratchetDecrypt(s.b, x.message, s.deps).state
      const y = ratchetEncrypt(s.b, MESSAGE, s.deps)
      s.b = y.state
      s.a = ratchetDecrypt(s.a, y.message, s.deps).state
    }
    return 20
  })
}

function pqxdhSetup (provider: CryptoProvider): number {
  const deps: CryptoDeps = { random: systemRandom, provider }
  const alice = IdentityKeyPair.generate(systemRandom)
  const bob = IdentityKeyPair.generate(systemRandom)
  const spk = SignedPreKey.generate(bob, 1, Date.now(), systemRandom)
  const kem = KemPreKey.generate(bob, 2, Date.now(), true, systemRandom)
  const otks = OneTimePreKey.generateBatch(1, 64, systemRandom)
  const lookup = { signedPreKey: () => spk, kemPreKey: () => kem, oneTimePreKey: (id: number) => otks[id - 1] }
  let next = 0
  return rate(() => {
    // both sides: verify bundle + initiate + first message, respond + decrypt
    const otk = otks[next++ % otks.length]
    const bundle = { identityKey: bob.publicKey, deviceId: 1, signedPreKey: publicSignedPreKey(spk), kemPreKey: publicKemPreKey(kem), oneTimePreKey: publicOneTimePreKey(otk) }
    const first = ratchetEncrypt(pqxdhInitiate(alice, bundle, deps), MESSAGE, deps)
    pqxdhRespond({ identity: bob, message: first.message, preKeys: lookup, isReplay: () => false }, deps)
    return 1
  })
}

function senderKey (provider: CryptoProvider): number {
  const deps: CryptoDeps = { random: systemRandom, provider }
  const own = createSenderKey(new Uint8Array(16).fill(7), deps)
  let mine = own.record
  let theirs = processSenderKeyDistribution(undefined, own.distribution)
  return rate(() => {
    for (let i = 0; i < 20; i++) {
      const r = senderKeyEncrypt(mine, MESSAGE, deps)
      mine = r.record
      theirs = senderKeyDecrypt(theirs, r.message, deps).record
    }
    return 20
  })
}

const figures: Array<{ name: string, unit: string, fn: (p: CryptoProvider) => number }> = [
  { name: 'crypto.ratchet.burst', unit: 'msg/s', fn: burst },
  { name: 'crypto.ratchet.pingpong', unit: 'msg/s', fn: pingpong },
  { name: 'crypto.pqxdh.setup', unit: 'setup/s', fn: pqxdhSetup },
  { name: 'crypto.senderkey', unit: 'msg/s', fn: senderKey }
]

export const suite: Suite = {
  prefix: 'crypto',
  names: figures.flatMap(f => [f.name, `${f.name}.noble`]),
  async run (report: (figure: Figure) => void, filter: (name: string) => boolean): Promise<void> {
    for (const f of figures) {
      for (const [name, provider] of [[f.name, defaultProvider()], [`${f.name}.noble`, nobleProvider]] as const) {
        if (!filter(name)) continue
        report({ name, value: Math.round(f.fn(provider)), unit: f.unit })
        await new Promise(resolve => setImmediate(resolve))
      }
    }
  }
}
