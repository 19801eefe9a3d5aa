/**
 * Crypto benchmarks: 1:1 ratchet (burst, ping-pong), PQXDH set-up and sender keys, with the default
 * (native) and the noble-only provider, and the same work done by Signal's libsignal
 * (`@signalapp/libsignal-client`, Rust via N-API, with in-memory stores) as the baseline.
 * Knows nothing of the runner.
 */
import {
  IdentityKeyPair, KemPreKey, OneTimePreKey, SignedPreKey, createSenderKey, defaultProvider, nobleProvider, pqxdhInitiate, pqxdhRespond,
  processSenderKeyDistribution, publicKemPreKey, publicOneTimePreKey, publicSignedPreKey, ratchetDecrypt, ratchetEncrypt, senderKeyDecrypt,
  senderKeyEncrypt, systemRandom
} from '../src/crypto/index.js'
import type { CryptoDeps, CryptoProvider, RatchetState } from '../src/crypto/index.js'
import type { Figure, Suite } from './harness.js'
// type-only: the module itself is loaded at run time (and may be missing)
import type * as LibsignalModule from '@signalapp/libsignal-client'

/**
 * Each figure is measured for about this long in total, in ROUNDS slices that alternate with the
 * baseline's slices, so a change in machine load (this container shares its 2 vCPUs) hits both sides.
 */
const RUN_MS = 1500
const ROUNDS = 10
const MESSAGE = new Uint8Array(100).fill(0x61)

/** A prepared workload: each call does some work and returns how many units (messages, set-ups) it did. */
type Batch = () => number | Promise<number>

/** Accumulated units and time of one workload over its slices. */
class Meter {
  units = 0
  ms = 0
  constructor (readonly batch: Batch) {}
  /** runs the batch repeatedly for about `ms` */
  async slice (ms: number): Promise<void> {
    const start = performance.now()
    let now = start
    while (now - start < ms) {
      this.units += await this.batch()
      now = performance.now()
    }
    this.ms += now - start
  }

  get rate (): number { return this.units / (this.ms / 1000) }
}

/** Measures the workloads in alternating slices (after one warm-up batch each); returns units per second of each. */
async function measure (batches: Batch[]): Promise<number[]> {
  const meters = batches.map(b => new Meter(b))
  for (const m of meters) await m.batch() // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    for (const m of meters) {
      await m.slice(RUN_MS / ROUNDS)
      await new Promise(resolve => setImmediate(resolve))
    }
  }
  return meters.map(m => m.rate)
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

function burst (provider: CryptoProvider): Batch {
  const s = session(provider)
  return () => {
    const out: Uint8Array[] = []
    for (let i = 0; i < 100; i++) {
      const r = ratchetEncrypt(s.a, MESSAGE, s.deps)
      s.a = r.state
      out.push(r.message)
    }
    for (const m of out) s.b = ratchetDecrypt(s.b, m, s.deps).state
    return out.length
  }
}

function pingpong (provider: CryptoProvider): Batch {
  const s = session(provider)
  return () => {
    for (let i = 0; i < 10; i++) {
      const x = ratchetEncrypt(s.a, MESSAGE, s.deps)
      s.a = x.state
      s.b = ratchetDecrypt(s.b, x.message, s.deps).state
      const y = ratchetEncrypt(s.b, MESSAGE, s.deps)
      s.b = y.state
      s.a = ratchetDecrypt(s.a, y.message, s.deps).state
    }
    return 20
  }
}

function pqxdhSetup (provider: CryptoProvider): Batch {
  const deps: CryptoDeps = { random: systemRandom, provider }
  const alice = IdentityKeyPair.generate(systemRandom)
  const bob = IdentityKeyPair.generate(systemRandom)
  const spk = SignedPreKey.generate(bob, 1, Date.now(), systemRandom)
  const kem = KemPreKey.generate(bob, 2, Date.now(), true, systemRandom)
  const otks = OneTimePreKey.generateBatch(1, 64, systemRandom)
  const lookup = { signedPreKey: () => spk, kemPreKey: () => kem, oneTimePreKey: (id: number) => otks[id - 1] }
  let next = 0
  return () => {
    // both sides: verify bundle + initiate + first message, respond + decrypt
    const otk = otks[next++ % otks.length]
    const bundle = { identityKey: bob.publicKey, deviceId: 1, signedPreKey: publicSignedPreKey(spk), kemPreKey: publicKemPreKey(kem), oneTimePreKey: publicOneTimePreKey(otk) }
    const first = ratchetEncrypt(pqxdhInitiate(alice, bundle, deps), MESSAGE, deps)
    pqxdhRespond({ identity: bob, message: first.message, preKeys: lookup, isReplay: () => false }, deps)
    return 1
  }
}

function senderKey (provider: CryptoProvider): Batch {
  const deps: CryptoDeps = { random: systemRandom, provider }
  const own = createSenderKey(new Uint8Array(16).fill(7), deps)
  let mine = own.record
  let theirs = processSenderKeyDistribution(undefined, own.distribution)
  return () => {
    for (let i = 0; i < 20; i++) {
      const r = senderKeyEncrypt(mine, MESSAGE, deps)
      mine = r.record
      theirs = senderKeyDecrypt(theirs, r.message, deps).record
    }
    return 20
  }
}

// ---- baseline: libsignal doing the same work ----

type L = typeof LibsignalModule
type Address = LibsignalModule.ProtocolAddress

const addrKey = (a: Address): string => `${a.name()}.${a.deviceId()}`

/** libsignal with in-memory stores (records kept as objects: no serialisation, the cheapest store possible). */
interface LibParty {
  address: Address
  identity: LibsignalModule.IdentityKeyPair
  sessions: LibsignalModule.SessionStore & { map: Map<string, LibsignalModule.SessionRecord> }
  identities: LibsignalModule.IdentityKeyStore
  preKeys: LibsignalModule.PreKeyStore & { map: Map<number, LibsignalModule.PreKeyRecord> }
  signedPreKeys: LibsignalModule.SignedPreKeyStore & { map: Map<number, LibsignalModule.SignedPreKeyRecord> }
  kyberPreKeys: LibsignalModule.KyberPreKeyStore & { map: Map<number, LibsignalModule.KyberPreKeyRecord> }
  senderKeys: LibsignalModule.SenderKeyStore
}

function libParty (S: L, name: string, registrationId: number): LibParty {
  const identity = S.IdentityKeyPair.generate()
  class Sessions extends S.SessionStore {
    readonly map = new Map<string, LibsignalModule.SessionRecord>()
    async saveSession (a: Address, r: LibsignalModule.SessionRecord): Promise<void> { this.map.set(addrKey(a), r) }
    async getSession (a: Address): Promise<LibsignalModule.SessionRecord | null> { return this.map.get(addrKey(a)) ?? null }
    async getExistingSessions (as: Address[]): Promise<LibsignalModule.SessionRecord[]> {
      return as.map(a => {
        const r = this.map.get(addrKey(a))
        if (r === undefined) throw new Error('no session')
        return r
      })
    }
  }
  class Identities extends S.IdentityKeyStore {
    readonly map = new Map<string, LibsignalModule.PublicKey>()
    async getIdentityKey (): Promise<LibsignalModule.PrivateKey> { return identity.privateKey }
    async getLocalRegistrationId (): Promise<number> { return registrationId }
    async saveIdentity (a: Address, key: LibsignalModule.PublicKey): Promise<LibsignalModule.IdentityChange> {
      const old = this.map.get(addrKey(a))
      this.map.set(addrKey(a), key)
      return old === undefined || old.equals(key) ? S.IdentityChange.NewOrUnchanged : S.IdentityChange.ReplacedExisting
    }
    async isTrustedIdentity (a: Address, key: LibsignalModule.PublicKey): Promise<boolean> {
      const known = this.map.get(addrKey(a))
      return known === undefined || known.equals(key)
    }
    async getIdentity (a: Address): Promise<LibsignalModule.PublicKey | null> { return this.map.get(addrKey(a)) ?? null }
  }
  class PreKeys extends S.PreKeyStore {
    readonly map = new Map<number, LibsignalModule.PreKeyRecord>()
    async savePreKey (id: number, r: LibsignalModule.PreKeyRecord): Promise<void> { this.map.set(id, r) }
    async getPreKey (id: number): Promise<LibsignalModule.PreKeyRecord> {
      const r = this.map.get(id)
      if (r === undefined) throw new Error('no prekey')
      return r
    }
    // kept, so the set-up benchmark can cycle through a fixed batch (as ours does)
    async removePreKey (): Promise<void> {}
  }
  class SignedPreKeys extends S.SignedPreKeyStore {
    readonly map = new Map<number, LibsignalModule.SignedPreKeyRecord>()
    async saveSignedPreKey (id: number, r: LibsignalModule.SignedPreKeyRecord): Promise<void> { this.map.set(id, r) }
    async getSignedPreKey (id: number): Promise<LibsignalModule.SignedPreKeyRecord> {
      const r = this.map.get(id)
      if (r === undefined) throw new Error('no signed prekey')
      return r
    }
  }
  class KyberPreKeys extends S.KyberPreKeyStore {
    readonly map = new Map<number, LibsignalModule.KyberPreKeyRecord>()
    async saveKyberPreKey (id: number, r: LibsignalModule.KyberPreKeyRecord): Promise<void> { this.map.set(id, r) }
    async getKyberPreKey (id: number): Promise<LibsignalModule.KyberPreKeyRecord> {
      const r = this.map.get(id)
      if (r === undefined) throw new Error('no kyber prekey')
      return r
    }
    async markKyberPreKeyUsed (): Promise<void> {}
  }
  class SenderKeys extends S.SenderKeyStore {
    readonly map = new Map<string, LibsignalModule.SenderKeyRecord>()
    async saveSenderKey (a: Address, d: string, r: LibsignalModule.SenderKeyRecord): Promise<void> { this.map.set(`${addrKey(a)}/${d}`, r) }
    async getSenderKey (a: Address, d: string): Promise<LibsignalModule.SenderKeyRecord | null> { return this.map.get(`${addrKey(a)}/${d}`) ?? null }
  }
  return {
    address: S.ProtocolAddress.new(name, 1),
    identity,
    sessions: new Sessions(),
    identities: new Identities(),
    preKeys: new PreKeys(),
    signedPreKeys: new SignedPreKeys(),
    kyberPreKeys: new KyberPreKeys(),
    senderKeys: new SenderKeys()
  }
}

/** Bob's prekeys: a signed prekey, a last-resort Kyber prekey and `oneTime` one-time EC prekeys (ids 1..n). */
function libPreKeys (S: L, bob: LibParty, oneTime: number): void {
  const spk = S.PrivateKey.generate()
  bob.signedPreKeys.map.set(1, S.SignedPreKeyRecord.new(1, Date.now(), spk.getPublicKey(), spk, bob.identity.privateKey.sign(spk.getPublicKey().serialize())))
  const kem = S.KEMKeyPair.generate()
  bob.kyberPreKeys.map.set(2, S.KyberPreKeyRecord.new(2, Date.now(), kem, bob.identity.privateKey.sign(kem.getPublicKey().serialize())))
  for (let id = 1; id <= oneTime; id++) {
    const k = S.PrivateKey.generate()
    bob.preKeys.map.set(id, S.PreKeyRecord.new(id, k.getPublicKey(), k))
  }
}

function libBundle (S: L, bob: LibParty, oneTimeId: number | null): LibsignalModule.PreKeyBundle {
  const spk = bob.signedPreKeys.map.get(1)
  const kem = bob.kyberPreKeys.map.get(2)
  if (spk === undefined || kem === undefined) throw new Error('no prekeys')
  const otk = oneTimeId === null ? undefined : bob.preKeys.map.get(oneTimeId)
  return S.PreKeyBundle.new(2, 1, oneTimeId, otk?.publicKey() ?? null, 1, spk.publicKey(), spk.signature(), bob.identity.publicKey, 2, kem.publicKey(), kem.signature())
}

async function libEncrypt (S: L, from: LibParty, to: LibParty): Promise<LibsignalModule.CiphertextMessage> {
  return await S.signalEncrypt(MESSAGE, to.address, from.address, from.sessions, from.identities)
}

async function libDecrypt (S: L, to: LibParty, from: LibParty, m: LibsignalModule.CiphertextMessage): Promise<Uint8Array> {
  const bytes = m.serialize()
  if (m.type() === S.CiphertextMessageType.PreKey) {
    return await S.signalDecryptPreKey(S.PreKeySignalMessage.deserialize(bytes), from.address, to.address, to.sessions, to.identities, to.preKeys, to.signedPreKeys, to.kyberPreKeys)
  }
  return await S.signalDecrypt(S.SignalMessage.deserialize(bytes), from.address, to.address, to.sessions, to.identities)
}

/** A set-up 1:1 session (first message and a reply exchanged), as `session()` above. */
async function libSession (S: L): Promise<{ a: LibParty, b: LibParty }> {
  const a = libParty(S, 'alice', 1)
  const b = libParty(S, 'bob', 2)
  libPreKeys(S, b, 1)
  await S.processPreKeyBundle(libBundle(S, b, null), b.address, a.address, a.sessions, a.identities)
  await libDecrypt(S, b, a, await libEncrypt(S, a, b))
  await libDecrypt(S, a, b, await libEncrypt(S, b, a))
  return { a, b }
}

const libsignalFigures: Record<string, (S: L) => Promise<Batch>> = {
  'crypto.ratchet.burst': async (S) => {
    const { a, b } = await libSession(S)
    return async () => {
      const out: LibsignalModule.CiphertextMessage[] = []
      for (let i = 0; i < 100; i++) out.push(await libEncrypt(S, a, b))
      for (const m of out) await libDecrypt(S, b, a, m)
      return out.length
    }
  },
  'crypto.ratchet.pingpong': async (S) => {
    const { a, b } = await libSession(S)
    return async () => {
      for (let i = 0; i < 10; i++) {
        await libDecrypt(S, b, a, await libEncrypt(S, a, b))
        await libDecrypt(S, a, b, await libEncrypt(S, b, a))
      }
      return 20
    }
  },
  'crypto.pqxdh.setup': async (S) => {
    const a = libParty(S, 'alice', 1)
    const b = libParty(S, 'bob', 2)
    libPreKeys(S, b, 64)
    let next = 0
    return async () => {
      // both sides: verify bundle + initiate + first message, respond + decrypt (fresh sessions each time)
      a.sessions.map.clear()
      b.sessions.map.clear()
      await S.processPreKeyBundle(libBundle(S, b, 1 + (next++ % 64)), b.address, a.address, a.sessions, a.identities)
      await libDecrypt(S, b, a, await libEncrypt(S, a, b))
      return 1
    }
  },
  'crypto.senderkey': async (S) => {
    const a = libParty(S, 'alice', 1)
    const b = libParty(S, 'bob', 2)
    const distributionId = 'd6f6b3b4-8f0e-4a53-9a1c-2f6b3c9d0e11'
    const skdm = await S.SenderKeyDistributionMessage.create(a.address, distributionId, a.senderKeys)
    await S.processSenderKeyDistributionMessage(a.address, S.SenderKeyDistributionMessage.deserialize(skdm.serialize()), b.senderKeys)
    return async () => {
      for (let i = 0; i < 20; i++) {
        const m = await S.groupEncrypt(a.address, distributionId, a.senderKeys, MESSAGE)
        await S.groupDecrypt(a.address, b.senderKeys, m.serialize())
      }
      return 20
    }
  }
}

/** libsignal, or undefined (with a note on stderr) when it cannot be loaded here; the suite then reports no baselines. */
async function loadLibsignal (): Promise<L | undefined> {
  try {
    const S = await import('@signalapp/libsignal-client')
    S.PrivateKey.generate() // fails here if the native binary does not load
    return S
  } catch (err) {
    process.stderr.write(`crypto: libsignal baseline unavailable (${(err as Error).message.split('\n')[0]}); reporting without baselines\n`)
    return undefined
  }
}

const figures: Array<{ name: string, unit: string, fn: (p: CryptoProvider) => Batch }> = [
  { name: 'crypto.ratchet.burst', unit: 'msg/s', fn: burst },
  { name: 'crypto.ratchet.pingpong', unit: 'msg/s', fn: pingpong },
  { name: 'crypto.pqxdh.setup', unit: 'setup/s', fn: pqxdhSetup },
  { name: 'crypto.senderkey', unit: 'msg/s', fn: senderKey }
]

export const suite: Suite = {
  prefix: 'crypto',
  names: figures.flatMap(f => [f.name, `${f.name}.noble`]),
  async run (report: (figure: Figure) => void, filter: (name: string) => boolean): Promise<void> {
    const libsignal = await loadLibsignal()
    for (const f of figures) {
      // the native figure and libsignal run in alternating slices; the noble figure on its own
      if (filter(f.name)) {
        const batches = [f.fn(defaultProvider())]
        if (libsignal !== undefined) batches.push(await libsignalFigures[f.name](libsignal))
        const [value, baseline] = await measure(batches)
        const figure: Figure = { name: f.name, value: Math.round(value), unit: f.unit }
        if (baseline !== undefined) figure.baseline = Math.round(baseline)
        report(figure)
      }
      const noble = `${f.name}.noble`
      if (filter(noble)) {
        const [value] = await measure([f.fn(nobleProvider)])
        report({ name: noble, value: Math.round(value), unit: f.unit })
      }
    }
  }
}
