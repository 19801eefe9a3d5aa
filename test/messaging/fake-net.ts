// Delivery unit-test harness: devices with real sessions and sealing on memory (or LevelDB) storage, their directory answers, and a scripted network standing in for the mailbox, prekey and direct protocols (test files install it with vi.mock, see `mockNetwork`).
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import { createDeviceCertificate, encodePreKeyBundle, type PreKeyBundle } from '../../src/crypto/index.js'
import type { Registered } from '../../src/directory/index.js'
import type { EnvelopeParty } from '../../src/messaging/envelope.js'
import type { SelfInfo } from '../../src/messaging/index.js'
import type { Deposit, DepositResult, MailboxEntry, OpenMailboxInit } from '../../src/protocols/mailbox/index.js'
import type { DirectChannel, DirectResult } from '../../src/protocols/dm/index.js'
import { Party, type TestClock } from '../session/party.js'
import { memoryBackend, type StorageBackend } from '../helpers/storage.js'
import type { SeededRandom } from '../helpers/seeded-random.js'

export interface DepositCall {
  relay: string
  deposit: Deposit
  /** every address the deposit was to try, in order (the record's first) */
  targets: string[]
  /** the node the deposit left from (the deposit identity's, or the device's own) */
  node?: unknown
}

/** A direct dial: to which peer, with which options. */
export interface DialCall { peer: string, options: { dialTimeout?: number, runOnLimitedConnection?: boolean, signal?: AbortSignal } }

/** A connection the fake node has open to a peer (for newestConnection): later in the list is newer. */
export interface FakeConnection { peer: string, id: string, limited?: boolean }

/** A scripted direct channel: records what is sent, answers as `answer` says ('ok' by default; throw to fail the send). */
export class FakeDirectChannel implements DirectChannel {
  readonly sent: Uint8Array[] = []
  closed = false
  aborted = false
  closeCalls = 0
  /** sends not answered yet (a test may set it) */
  inFlight = 0
  /** close() rejects with it, when set */
  closeError?: Error
  answer: (envelope: Uint8Array, n: number) => DirectResult | Promise<DirectResult> = () => ({ status: 'ok', message: '', retryAfterMs: 0 })

  constructor (readonly peer: string, readonly connectionId?: string) {}

  async send (envelope: Uint8Array): Promise<DirectResult> {
    if (this.closed) throw new Error('the fake channel is closed')
    this.sent.push(envelope)
    return await this.answer(envelope, this.sent.length - 1)
  }

  async close (): Promise<void> {
    this.closeCalls++
    this.closed = true
    if (this.closeError != null) throw this.closeError
  }

  abort (): void {
    this.aborted = true
    this.closed = true
  }
}

/** A scripted mailbox session: the test pushes envelopes, ends the drain, and sees acks. */
export class FakeMailboxSession implements AsyncIterable<MailboxEntry> {
  readonly acked: string[][] = []
  readonly drained: Promise<void>
  closed = false
  private readonly queue: MailboxEntry[] = []
  private wake?: () => void
  private endDrain!: () => void
  private error?: Error
  private readonly ackWaiters: Array<{ n: number, resolve: () => void }> = []
  /** each ack waits for this (a test holds an ack by replacing it) */
  ackGate: () => Promise<void> = async () => {}

  constructor (readonly relay: string, readonly init: OpenMailboxInit) {
    this.drained = new Promise(resolve => { this.endDrain = resolve })
  }

  get pending (): number { return this.queue.length }

  push (...entries: MailboxEntry[]): void {
    this.queue.push(...entries)
    this.wake?.()
  }

  /** Everything stored at connect time was pushed. */
  drain (): void { this.endDrain() }

  /** The relay or connection went away: iteration throws. */
  fail (err = new Error('connection lost')): void {
    this.error = err
    this.wake?.()
  }

  async ack (ids: string[]): Promise<void> {
    await this.ackGate()
    this.acked.push([...ids])
    for (const w of this.ackWaiters.filter(w => this.acked.length >= w.n)) {
      this.ackWaiters.splice(this.ackWaiters.indexOf(w), 1)
      w.resolve()
    }
  }

  /** Resolves once `n` acks were made in all. */
  async untilAcked (n: number): Promise<void> {
    if (this.acked.length >= n) return
    await new Promise<void>(resolve => { this.ackWaiters.push({ n, resolve }) })
  }

  async close (): Promise<void> {
    this.closed = true
    this.wake?.()
  }

  async * [Symbol.asyncIterator] (): AsyncIterator<MailboxEntry> {
    for (;;) {
      const next = this.queue.shift()
      if (next != null) {
        yield next
        continue
      }
      if (this.error != null) throw this.error
      if (this.closed) return
      await new Promise<void>(resolve => { this.wake = resolve })
      this.wake = undefined
    }
  }
}

type Waiter<T> = { match: (x: T) => boolean, resolve: (x: T) => void }

/** What the network does, set by each test; every call is recorded. */
export class FakeNetwork {
  deposits: DepositCall[] = []
  /** how a relay answers one deposit: stored by default */
  answer: (relay: string, deposit: Deposit) => DepositResult = () => ({ status: 'ok', id: (this.nextId++).toString(16).padStart(16, '0') })
  /** how a relay answers opening a mailbox: a new session by default; throw to refuse */
  open: (relay: string, init: OpenMailboxInit) => FakeMailboxSession = (relay, init) => new FakeMailboxSession(relay, init)
  sessions: FakeMailboxSession[] = []
  opens: Array<{ relay: string, at: number, after?: string }> = []
  /** every prekey bundle fetch: at which relay, for whom (they all fail) */
  preKeyFetches: Array<{ relay: string, identityKey: Uint8Array, deviceId?: number }> = []
  /** every direct dial (they fail unless `dial` says otherwise) */
  dials: DialCall[] = []
  /** how a direct dial goes: refused by default; return a channel to accept it */
  dial: (peer: string, options: DialCall['options']) => FakeDirectChannel | Promise<FakeDirectChannel> = () => { throw new Error('the fake network dials nobody') }
  /** the connections the fake node has open, oldest first (none by default) */
  connections: FakeConnection[] = []
  private nextId = 1
  private depositWaiters: Array<Waiter<DepositCall>> = []
  private openWaiters: Array<Waiter<FakeMailboxSession>> = []

  reset (): void {
    this.deposits = []
    this.sessions = []
    this.opens = []
    this.preKeyFetches = []
    this.dials = []
    this.dial = () => { throw new Error('the fake network dials nobody') }
    this.connections = []
    this.depositWaiters = []
    this.openWaiters = []
    this.answer = () => ({ status: 'ok', id: (this.nextId++).toString(16).padStart(16, '0') })
    this.open = (relay, init) => new FakeMailboxSession(relay, init)
  }

  /** Resolves with the next deposit for which `match` holds (made from now on). */
  async nextDeposit (match: (d: DepositCall) => boolean = () => true): Promise<DepositCall> {
    return await new Promise(resolve => { this.depositWaiters.push({ match, resolve }) })
  }

  /** Resolves with the next mailbox session opened at `relay` (from now on). */
  async nextSession (relay?: string): Promise<FakeMailboxSession> {
    return await new Promise(resolve => { this.openWaiters.push({ match: s => relay == null || s.relay === relay, resolve }) })
  }

  async depositEnvelopes (relay: unknown, deposits: Deposit[], node?: unknown): Promise<DepositResult[]> {
    const targets = (Array.isArray(relay) ? relay : [relay]).map(a => String(a))
    return deposits.map(deposit => {
      const call = { relay: targets[0], deposit, targets, node }
      this.deposits.push(call)
      this.notify(this.depositWaiters, call)
      return this.answer(call.relay, deposit)
    })
  }

  async openMailbox (relay: unknown, init: OpenMailboxInit): Promise<FakeMailboxSession> {
    const target = String(Array.isArray(relay) ? relay[0] : relay)
    this.opens.push({ relay: target, at: Date.now(), ...(init.after != null ? { after: init.after } : {}) })
    const session = this.open(target, init)
    this.sessions.push(session)
    this.notify(this.openWaiters, session)
    return session
  }

  async openDirect (peer: unknown, options: DialCall['options'] = {}): Promise<FakeDirectChannel> {
    const call = { peer: String(peer), options }
    this.dials.push(call)
    return await this.dial(call.peer, options)
  }

  /** The newest open connection to `peer` (limited ones only when allowed), as newestConnection finds it. */
  newestConnection (peer: unknown, options: { runOnLimitedConnection?: boolean } = {}): { id: string } | undefined {
    const usable = this.connections.filter(c => c.peer === String(peer) && (c.limited !== true || options.runOnLimitedConnection === true))
    return usable.at(-1)
  }

  private notify<T> (waiters: Array<Waiter<T>>, x: T): void {
    for (const w of waiters.filter(w => w.match(x))) {
      waiters.splice(waiters.indexOf(w), 1)
      w.resolve(x)
    }
  }
}

/** The one network of a test file (the mocked protocol modules call into it). */
export const fakeNet = new FakeNetwork()

/**
 * Factories for vi.mock, so a test file says:
 *   vi.mock('../../src/protocols/mailbox/index.js', async o => (await import('./fake-net.js')).mockMailbox(await o()))
 * (and likewise mockPreKeys, mockDirect). Prekey fetches always fail: sessions start from the directory's bundle.
 * Direct dials fail unless a test sets `fakeNet.dial` (and `fakeNet.connections` for newestConnection): mail goes
 * to the relays.
 */
export function mockMailbox (original: object): object {
  return {
    ...original,
    depositEnvelopes: async (node: unknown, relay: unknown, deposits: Deposit[]) => await fakeNet.depositEnvelopes(relay, deposits, node),
    openMailbox: async (_node: unknown, relay: unknown, init: OpenMailboxInit) => await fakeNet.openMailbox(relay, init)
  }
}
export function mockPreKeys (original: object): object {
  return {
    ...original,
    fetchPreKeyBundle: async (_node: unknown, relay: unknown, identityKey: Uint8Array, options?: { deviceId?: number }) => {
      fakeNet.preKeyFetches.push({ relay: String(relay), identityKey, ...(options?.deviceId != null ? { deviceId: options.deviceId } : {}) })
      throw Object.assign(new Error('no prekeys at this fake relay'), { name: 'FakeNoPreKeysError' })
    }
  }
}
export function mockDirect (original: object): object {
  return {
    ...original,
    openDirectChannel: async (_node: unknown, peer: unknown, options?: DialCall['options']) => await fakeNet.openDirect(peer, options),
    newestConnection: (_node: unknown, peer: unknown, options?: { runOnLimitedConnection?: boolean }) => fakeNet.newestConnection(peer, options)
  }
}

/** A registered device: its session party, what it seals with, and what the directory says of it. */
export interface TestDevice {
  phone: string
  party: Party
  envelope: EnvelopeParty
  /** the libp2p peer id its certificate names (its record says 'not-a-peer-id' unless a test puts this one in) */
  peerId: PeerId
  self: SelfInfo
  /** the directory's verified answer for this device's number, naming `relays` */
  record: (relays: string[]) => Promise<Registered>
}

export async function testDevice (name: string, phone: string, rng: SeededRandom, clock: TestClock, backend: StorageBackend = memoryBackend()): Promise<TestDevice> {
  return await deviceOf(await Party.create(name, backend, rng, clock), phone, rng, clock)
}

/** Another device (`deviceId`) of `of`'s account (linked devices): the same identity key and number, its own storage, prekeys, sessions and certificate. Its `record` lists only itself; the account's record lists both (see fake-pair.ts). */
export async function companionDevice (name: string, of: TestDevice, deviceId: number, rng: SeededRandom, clock: TestClock, backend: StorageBackend = memoryBackend()): Promise<TestDevice> {
  return await deviceOf(await Party.companion(name, of.party, deviceId, backend, rng, clock), of.phone, rng, clock, true)
}

/** `lastResort`: the record's bundle has no one-time keys (as a real record's), so several senders can start sessions from it. */
async function deviceOf (party: Party, phone: string, rng: SeededRandom, clock: TestClock, lastResort = false): Promise<TestDevice> {
  const bundle = async (): Promise<PreKeyBundle> => {
    if (!lastResort) return await party.preKeys.createBundle()
    const { signedPreKey, lastResortKemPreKey } = await party.preKeys.currentSignedPreKeys()
    return { identityKey: party.local.identity.publicKey, deviceId: party.local.deviceId, signedPreKey, kemPreKey: lastResortKemPreKey }
  }
  const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  const certificate = createDeviceCertificate(party.local.identity, { devicePeerId: peer.toMultihash().bytes, deviceId: party.local.deviceId, createdAt: clock.now() })
  const envelope: EnvelopeParty = { identity: party.local.identity, certificate, sessions: party.sessions, random: rng.random }
  return {
    phone,
    party,
    peerId: peer,
    // sessions are read through the party, which a restart rebuilds
    get envelope () { return { ...envelope, sessions: party.sessions } },
    self: { phone, attestation: new Uint8Array(0), certificate, mailboxRelays: [] },
    record: async relays => ({
      registered: true,
      identityKey: party.local.identity.publicKey,
      // no usable peer id: no direct dial is ever tried, mail goes to the relays
      devices: [{ deviceId: party.local.deviceId, peerId: 'not-a-peer-id', certificate, prekeyBundle: encodePreKeyBundle(await bundle()) }],
      mailboxRelays: relays,
      removedDevices: [],
      verified: true,
      seq: 1,
      issuedAt: 0,
      expiresAt: Number.MAX_SAFE_INTEGER,
      rivals: [],
      stats: { peersQueried: 0, hops: 0, endedEarly: false }
    })
  }
}
