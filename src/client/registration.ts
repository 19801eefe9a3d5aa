/** Registration by phone number: ask a verifier relay for a code, trade it for an attestation, upload prekeys, publish the directory record. Knows nothing of the CLI or the page. */
import type { ClientNode } from '../net/options.js'
import { multiaddr } from '@multiformats/multiaddr'
import { decodeAttestation, type IdentityKeyPair } from '../crypto/index.js'
import { toString as toBase64, fromString as fromBase64 } from 'uint8arrays'
import { requestVerificationCode, confirmVerificationCode, VerificationError, RateLimitedError } from '../protocols/verify/index.js'
import { publishRecord, type DirectoryDht, type PublishResult } from '../directory/index.js'
import type { PreKeyManager, LocalIdentity } from '../session/index.js'
import type { DeviceMaintenance, DeviceState } from './maintenance.js'
import type { AbortOptions } from '@libp2p/interface'
import type { KeyValueStore, Storage } from '../storage/index.js'
import { NoPendingRegistrationError, NoRelayError, NoVerifierError } from './errors.js'
import { KeyedMutex } from '../util/keyed-mutex.js'
import type { TrustRoots } from './trust-roots.js'

const PENDING = 'pending'
const REGISTERED = 'registered'

export interface PendingRegistration { phone: string, relay: string, requestedAt: number }
/** A relay that stopped being one of our mailboxes at `at` (ms): mail may still arrive there for a while. */
export interface RetiredMailbox { addr: string, at: number }
export interface Registration { phone: string, attestations: string[], verifierRelay?: string, seq: number, registeredAt: number, publishedAt?: number, mailboxRelays: string[], retiredMailboxes?: RetiredMailbox[] }

/**
 * A relay removed from our mailboxes is still collected from for this long: senders keep our old directory
 * record for minutes (RECIPIENT_CACHE_MS) and DHT peers that missed the republish may serve it for longer, and
 * mail they deposit there was acknowledged to them as sent. A week covers both with room, also for a device
 * that is off for days; after it the relay is dropped at the next start (or mailbox change).
 */
export const RETIRED_MAILBOX_FOLLOW_MS = 7 * 24 * 60 * 60_000

const enc = new TextEncoder()
const dec = new TextDecoder()
const toB64 = (b: Uint8Array): string => toBase64(b, 'base64')
const fromB64 = (s: string): Uint8Array => fromBase64(s, 'base64')

async function readJson<T> (store: KeyValueStore, key: string, options?: AbortOptions): Promise<T | undefined> {
  const bytes = await store.get(key, options)
  return bytes == null ? undefined : JSON.parse(dec.decode(bytes)) as T
}

async function writeJson (store: KeyValueStore, key: string, value: unknown, options?: AbortOptions): Promise<void> {
  await store.put(key, enc.encode(JSON.stringify(value)), { ...options, sync: true })
}

/** True when the error means "this relay does not run that protocol" (libp2p's negotiation refused it). */
function unsupported (err: unknown): boolean {
  const name = (err as Error)?.name ?? ''
  return name === 'UnsupportedProtocolError' || /protocol selection failed|not supported/i.test((err as Error)?.message ?? '')
}

export class RegistrationFlow {
  private readonly store: KeyValueStore
  /**
   * Read-modify-writes of the registration run one at a time: the republisher's `published` runs in the
   * background and, interleaved with `setMailboxRelays`, wrote back the mailbox list it had read before
   * the change (a removed relay came back after a restart).
   */
  private readonly writes = new KeyedMutex()

  /** `trustRoots` learns the verifier that attests our number (trusted only while no root is configured) */
  constructor (private readonly node: ClientNode, storage: Storage, private readonly local: LocalIdentity, private readonly preKeys: PreKeyManager, private readonly relays: string[], private readonly now: () => number, private readonly trustRoots: TrustRoots) {
    this.store = storage.kv('registration')
  }

  async pending (options?: AbortOptions): Promise<PendingRegistration | undefined> {
    return await readJson<PendingRegistration>(this.store, PENDING, options)
  }

  async registration (options?: AbortOptions): Promise<Registration | undefined> {
    return await readJson<Registration>(this.store, REGISTERED, options)
  }

  /** Asks the first bootstrap relay that runs a verifier to text a code to `e164`. */
  async request (e164: string, options?: AbortOptions): Promise<{ relay: string, expiresInMs: number }> {
    if (this.relays.length === 0) throw new NoRelayError('no relay configured: give --bootstrap')
    let withoutVerifier = 0
    for (const relay of this.relays) {
      try {
        const { expiresInMs } = await requestVerificationCode(this.node, multiaddr(relay), e164, options)
        await writeJson(this.store, PENDING, { phone: e164, relay, requestedAt: this.now() } satisfies PendingRegistration, options)
        return { relay, expiresInMs }
      } catch (err) {
        // a verifier's refusal (bad number, rate limit, SMS failure) is the answer; anything else: try the next relay
        if (err instanceof VerificationError || err instanceof RateLimitedError) throw err
        if (unsupported(err)) withoutVerifier++
      }
    }
    throw withoutVerifier > 0 ? new NoVerifierError() : new NoRelayError()
  }

  /** Trades the code for an attestation, uploads prekeys to the relays, publishes the directory record. */
  async confirm (code: string, maintenance: DeviceMaintenance, options?: AbortOptions): Promise<Registration> {
    const pending = await this.pending(options)
    if (pending == null) throw new NoPendingRegistrationError()
    const identity: IdentityKeyPair = this.local.identity
    const attestation = await confirmVerificationCode(this.node, multiaddr(pending.relay), pending.phone, code, identity.publicKey, options)
    await this.trustRoots.learn(decodeAttestation(attestation).verifierKey, options)

    await this.preKeys.rotateSignedPreKeys({}, options)
    // relays that are down or serve no prekeys are not our mailbox relays this time
    const { accepted: mailboxRelays } = await maintenance.uploadPreKeys(this.relays, { batch: true }, options)
    const published = await publishRecord(this.node.services.dht as unknown as DirectoryDht, identity, pending.phone, await maintenance.recordFields(mailboxRelays, options),
      { attestations: [attestation], now: this.now(), ...(options?.signal != null ? { signal: options.signal } : {}) })
    const registration: Registration = { phone: pending.phone, attestations: [toB64(attestation)], verifierRelay: pending.relay, seq: published.seq, registeredAt: this.now(), publishedAt: published.issuedAt, mailboxRelays }
    await this.writes.run(REGISTERED, async () => { await writeJson(this.store, REGISTERED, registration, options) }, options)
    await this.store.del(PENDING, { ...options, sync: true })
    return registration
  }

  /** Records a republish so the schedule resumes from it after a restart. */
  async published (result: PublishResult, options?: AbortOptions): Promise<void> {
    await this.writes.run(REGISTERED, async () => {
      const registration = await this.registration(options)
      if (registration == null) return
      // a republish that finished after a newer one (a schedule tick racing a change) does not roll back seq
      if (registration.seq > result.seq) return
      await writeJson(this.store, REGISTERED, { ...registration, seq: result.seq, publishedAt: result.issuedAt } satisfies Registration, options)
    }, options)
  }

  /**
   * Records new mailbox relays. Without `published` (nothing was published now) the publish time is
   * forgotten, so the next start with maintenance publishes the record at once.
   */
  async setMailboxRelays (mailboxRelays: string[], published?: PublishResult, options?: AbortOptions): Promise<void> {
    await this.writes.run(REGISTERED, async () => {
      const registration = await this.registration(options)
      if (registration == null) return
      const { publishedAt: _old, ...rest } = registration
      rest.retiredMailboxes = retire(registration, mailboxRelays, this.now())
      const next: Registration = published != null ? { ...rest, mailboxRelays, seq: Math.max(rest.seq, published.seq), publishedAt: published.issuedAt } : { ...rest, mailboxRelays }
      await writeJson(this.store, REGISTERED, next, options)
    }, options)
  }

  /** Forgets the registration (the number was released): nothing is republished after this. */
  async forget (options?: AbortOptions): Promise<void> {
    await this.writes.run(REGISTERED, async () => { await this.store.del(REGISTERED, { ...options, sync: true }) }, options)
  }

  /** Stores attestations a verifier renewed (newest first), so a restart publishes them. */
  async setAttestations (attestations: Uint8Array[], options?: AbortOptions): Promise<void> {
    await this.writes.run(REGISTERED, async () => {
      const registration = await this.registration(options)
      if (registration == null) return
      await writeJson(this.store, REGISTERED, { ...registration, attestations: attestations.map(toB64) } satisfies Registration, options)
    }, options)
  }

  /** Former mailbox relays still within RETIRED_MAILBOX_FOLLOW_MS of their removal (see retire). */
  retiredMailboxRelays (registration: Registration): string[] {
    const now = this.now()
    return (registration.retiredMailboxes ?? []).filter(r => now - r.at < RETIRED_MAILBOX_FOLLOW_MS && !registration.mailboxRelays.includes(r.addr)).map(r => r.addr)
  }

  /** What maintenance needs to keep a registered device published. */
  async deviceState (options?: AbortOptions): Promise<DeviceState | undefined> {
    const r = await this.registration(options)
    if (r == null) return undefined
    return { phone: r.phone, attestations: r.attestations.map(fromB64), mailboxRelays: r.mailboxRelays, ...(r.verifierRelay != null ? { verifierRelays: [r.verifierRelay] } : {}), ...(r.publishedAt != null ? { publishedAt: r.publishedAt } : {}) }
  }
}

/** The retired list after a change to `next`: relays leaving the mailboxes join it (at `now`), relays coming back and entries past the window leave it. */
function retire (registration: Registration, next: string[], now: number): RetiredMailbox[] {
  const kept = (registration.retiredMailboxes ?? []).filter(r => now - r.at < RETIRED_MAILBOX_FOLLOW_MS && !next.includes(r.addr))
  const leaving = registration.mailboxRelays.filter(a => !next.includes(a) && !kept.some(r => r.addr === a))
  return [...kept, ...leaving.map(addr => ({ addr, at: now }))]
}
