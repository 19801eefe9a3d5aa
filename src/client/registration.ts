/** Registration by phone number: ask a verifier relay for a code, trade it for an attestation, upload prekeys, publish the directory record. Knows nothing of the CLI or the page. */
import { multiaddr } from '@multiformats/multiaddr'
import { createDeviceCertificate, decodeAttestation, encodePreKeyBundle, type IdentityKeyPair, type RandomSource } from '../crypto/index.js'
import { toString as toBase64, fromString as fromBase64 } from 'uint8arrays'
import { requestVerificationCode, confirmVerificationCode, getVerifierKey, VerificationError, RateLimitedError } from '../protocols/verify/index.js'
import { uploadPreKeys } from '../protocols/prekeys/index.js'
import { publishRecord, type DirectoryDht } from '../directory/index.js'
import { PreKeyManager, type LocalIdentity } from '../session/index.js'
import type { KeyValueStore, AbortOptions, Storage } from '../storage/index.js'
import type { ParleyNode } from '../net/node.js'
import { NoPendingRegistrationError, NoRelayError, NoVerifierError } from './errors.js'

const PENDING = 'pending'
const REGISTERED = 'registered'
const TRUSTED = 'trusted-verifiers'
/** a relay that does not say its verifier key within this time is not asked again this run */
const RELAY_INFO_TIMEOUT_MS = 5_000

export interface PendingRegistration { phone: string, relay: string, requestedAt: number }
export interface Registration { phone: string, attestations: string[], seq: number, registeredAt: number, mailboxRelays: string[] }

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

  constructor (private readonly node: ParleyNode, private readonly storage: Storage, private readonly local: LocalIdentity, private readonly relays: string[], private readonly random: RandomSource, private readonly now: () => number) {
    this.store = storage.kv('registration')
  }

  async pending (options?: AbortOptions): Promise<PendingRegistration | undefined> {
    return await readJson<PendingRegistration>(this.store, PENDING, options)
  }

  async registration (options?: AbortOptions): Promise<Registration | undefined> {
    return await readJson<Registration>(this.store, REGISTERED, options)
  }

  private relayVerifiers?: Promise<Uint8Array[]>

  /** Verifier keys we trust by default: those learned from our own attestations and those of our bootstrap relays (asked once per run). */
  async trustedVerifiers (options?: AbortOptions): Promise<Uint8Array[]> {
    this.relayVerifiers ??= Promise.all(this.relays.map(async relay => {
      try {
        return await getVerifierKey(this.node, multiaddr(relay), { timeout: RELAY_INFO_TIMEOUT_MS })
      } catch {
        return undefined // down, or runs no verifier
      }
    })).then(keys => keys.filter((k): k is Uint8Array => k != null))
    const own = ((await readJson<string[]>(this.store, TRUSTED, options)) ?? []).map(fromB64)
    return [...own, ...await this.relayVerifiers]
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
  async confirm (code: string, options?: AbortOptions): Promise<Registration> {
    const pending = await this.pending(options)
    if (pending == null) throw new NoPendingRegistrationError()
    const identity: IdentityKeyPair = this.local.identity
    const attestation = await confirmVerificationCode(this.node, multiaddr(pending.relay), pending.phone, code, identity.publicKey, options)
    const decoded = decodeAttestation(attestation)
    const trusted = new Set(((await readJson<string[]>(this.store, TRUSTED, options)) ?? []))
    trusted.add(toB64(decoded.verifierKey))
    await writeJson(this.store, TRUSTED, [...trusted], options)

    const preKeys = new PreKeyManager({ preKeys: this.storage.preKeys, meta: this.storage.kv('prekey-meta'), identity, deviceId: this.local.deviceId, random: this.random, now: this.now })
    await preKeys.rotateSignedPreKeys({}, options)
    const { signedPreKey, lastResortKemPreKey } = await preKeys.currentSignedPreKeys(options)
    const mailboxRelays: string[] = []
    for (const relay of this.relays) {
      try {
        const batch = await preKeys.generateOneTimePreKeys(undefined, options)
        await uploadPreKeys(this.node, multiaddr(relay), { identity, deviceId: this.local.deviceId, signedPreKey, lastResortKemPreKey, oneTimePreKeys: batch.oneTimePreKeys, kemOneTimePreKeys: batch.oneTimeKemPreKeys }, options)
        mailboxRelays.push(relay)
      } catch {
        // a relay that is down or serves no prekeys is not one of our mailbox relays this time
      }
    }
    const prekeyBundle = encodePreKeyBundle({ identityKey: identity.publicKey, deviceId: this.local.deviceId, signedPreKey, kemPreKey: lastResortKemPreKey })
    const certificate = createDeviceCertificate(identity, { devicePeerId: this.node.peerId.toMultihash().bytes, deviceId: this.local.deviceId, createdAt: this.local.createdAt })
    const published = await publishRecord(this.node.services.dht as unknown as DirectoryDht, identity, pending.phone, {
      devices: [{ deviceId: this.local.deviceId, peerId: this.node.peerId.toString(), certificate }],
      mailboxRelays,
      prekeyBundle
    }, { attestations: [attestation], now: this.now(), ...(options?.signal != null ? { signal: options.signal } : {}) })
    const registration: Registration = { phone: pending.phone, attestations: [toB64(attestation)], seq: published.seq, registeredAt: this.now(), mailboxRelays }
    await writeJson(this.store, REGISTERED, registration, options)
    await this.store.del(PENDING, { ...options, sync: true })
    return registration
  }
}
