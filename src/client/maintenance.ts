/** Keeps a registered device reachable: republishes its directory record, rotates the signed prekeys on schedule and tops up one-time prekeys at its mailbox relays. Knows nothing of the CLI, the page or how registration happened. */
import type { ClientNode } from '../net/options.js'
import { multiaddr } from '@multiformats/multiaddr'
import { createDeviceCertificate, decodeAttestation, encodePreKeyBundle } from '../crypto/index.js'
import { uploadPreKeys } from '../protocols/prekeys/index.js'
import { renewAttestation } from '../protocols/verify/index.js'
import { Republisher, REPUBLISH_INTERVAL_MS, type DirectoryDht, type DirectoryRecordFields, type PublishResult } from '../directory/index.js'
import { ONE_TIME_PRE_KEY_BATCH, type PreKeyManager, type LocalIdentity } from '../session/index.js'
import type { AbortOptions } from '@libp2p/interface'

/** How often the device checks its prekeys (rotation due? relays running low?). Rotation itself is weekly (SIGNED_PRE_KEY_ROTATION_MS). */
const PREKEY_CHECK_INTERVAL_MS = 6 * 3600_000
/**
 * A relay holding fewer one-time prekeys than this gets a new batch. Each first contact uses one; with a
 * batch of ONE_TIME_PRE_KEY_BATCH and a check every 6 h, only a burst of >25 new contacts in 6 h falls back
 * to the last-resort key (still secure, without the one-time key's extra forward secrecy).
 */
export const ONE_TIME_PRE_KEY_LOW_WATER = 25
/**
 * Unused one-time prekeys kept locally, summed over all relays. Keys handed to a relay that has gone away are
 * never used; past this many the device stops topping up (and logs) rather than grow without bound.
 */
const MAX_LOCAL_ONE_TIME_PRE_KEYS = 5_000

/**
 * An attestation is renewed at its verifier once it has less than this left (verifiers issue 30 days). Checked with
 * the prekeys every PREKEY_CHECK_INTERVAL_MS, so a device that is on now and then keeps a trusted attestation (and with
 * it the registration lock and the right to be written to) without another SMS; one off for longer must verify again.
 */
export const ATTESTATION_RENEW_BEFORE_MS = 10 * 24 * 3600_000

export interface MaintenanceInit {
  node: ClientNode
  local: LocalIdentity
  preKeys: PreKeyManager
  now: () => number
  /** problems that only delay things (a relay down, a publish that will be retried) */
  onError?: (err: unknown) => void
  /** a verifier renewed our attestation: store the new list (newest first) */
  onAttestationsRenewed?: (attestations: Uint8Array[], options?: AbortOptions) => Promise<void>
  /** adds the identity's other devices to what this device publishes (RepublisherInit.complete) */
  completeRecord?: (own: DirectoryRecordFields, options: AbortOptions) => Promise<{ fields: DirectoryRecordFields, minSeq: number }>
}

export interface DeviceState {
  phone: string
  attestations: Uint8Array[]
  mailboxRelays: string[]
  /** relays to ask for a renewal, the one whose verifier attested us first (a verifier refuses others' attestations) */
  verifierRelays?: string[]
  /** when the record was last published (ms), to resume the republish schedule after a restart */
  publishedAt?: number
}

export interface UploadReport {
  /** relays that accepted the upload */
  accepted: string[]
  /** one-time prekeys each relay holds afterwards */
  counts: Map<string, number>
}

export class DeviceMaintenance {
  private republisher?: Republisher
  private timer?: ReturnType<typeof setTimeout>
  private state?: DeviceState
  private checking: Promise<void> = Promise.resolve()
  private deviceCertificate?: Uint8Array

  constructor (private readonly init: MaintenanceInit) {}

  private get dht (): DirectoryDht {
    return this.init.node.services.dht as unknown as DirectoryDht
  }

  /**
   * Uploads the current signed prekeys to each relay, and a fresh batch of one-time prekeys where the relay
   * holds fewer than ONE_TIME_PRE_KEY_LOW_WATER (or always, with `batch: true`). A relay that is down is skipped.
   */
  async uploadPreKeys (relays: string[], params: { batch?: boolean } = {}, options?: AbortOptions): Promise<UploadReport> {
    const { preKeys, local, node } = this.init
    const { signedPreKey, lastResortKemPreKey } = await preKeys.currentSignedPreKeys(options)
    const report: UploadReport = { accepted: [], counts: new Map() }
    for (const relay of relays) {
      try {
        let counts = await uploadPreKeys(node, multiaddr(relay), { identity: local.identity, deviceId: local.deviceId, signedPreKey, lastResortKemPreKey }, options)
        const low = Math.min(counts.oneTimePreKeysLeft, counts.kemOneTimePreKeysLeft) < ONE_TIME_PRE_KEY_LOW_WATER
        if (params.batch === true || low) {
          const held = await preKeys.countOneTimePreKeys(options)
          if (Math.max(held.oneTime, held.oneTimeKem) + ONE_TIME_PRE_KEY_BATCH > MAX_LOCAL_ONE_TIME_PRE_KEYS) {
            this.init.onError?.(new Error(`not topping up prekeys: ${MAX_LOCAL_ONE_TIME_PRE_KEYS} unused one-time prekeys held already`))
          } else {
            const batch = await preKeys.generateOneTimePreKeys(ONE_TIME_PRE_KEY_BATCH, options)
            counts = await uploadPreKeys(node, multiaddr(relay), { identity: local.identity, deviceId: local.deviceId, oneTimePreKeys: batch.oneTimePreKeys, kemOneTimePreKeys: batch.oneTimeKemPreKeys }, options)
          }
        }
        report.accepted.push(relay)
        report.counts.set(relay, Math.min(counts.oneTimePreKeysLeft, counts.kemOneTimePreKeysLeft))
      } catch (err) {
        options?.signal?.throwIfAborted()
        this.init.onError?.(err)
      }
    }
    return report
  }

  /** This device's certificate: the identity vouches for its libp2p peer (directory records, sealed sender). Made once. */
  get certificate (): Uint8Array {
    const { local, node } = this.init
    this.deviceCertificate ??= createDeviceCertificate(local.identity, { devicePeerId: node.peerId.toMultihash().bytes, deviceId: local.deviceId, createdAt: local.createdAt })
    return this.deviceCertificate
  }

  /** What this device publishes in the directory: itself (with a certificate), its mailbox relays and its prekey bundle. */
  async recordFields (mailboxRelays: string[], options?: AbortOptions): Promise<DirectoryRecordFields> {
    const { preKeys, local, node } = this.init
    const { signedPreKey, lastResortKemPreKey } = await preKeys.currentSignedPreKeys(options)
    return {
      devices: [{
        deviceId: local.deviceId,
        peerId: node.peerId.toString(),
        certificate: this.certificate,
        prekeyBundle: encodePreKeyBundle({ identityKey: local.identity.publicKey, deviceId: local.deviceId, signedPreKey, kemPreKey: lastResortKemPreKey })
      }],
      mailboxRelays
    }
  }

  /**
   * Starts the schedules for a registered device: the directory record is republished every
   * REPUBLISH_INTERVAL_MS counted from `publishedAt` (at once when that is long past), and prekeys are
   * checked now and every PREKEY_CHECK_INTERVAL_MS.
   */
  async start (state: DeviceState, onPublished: (result: PublishResult) => void, options?: AbortOptions): Promise<void> {
    await this.stop()
    this.state = state
    this.republisher = new Republisher({
      dht: this.dht,
      identity: this.init.local.identity,
      e164: state.phone,
      fields: await this.recordFields(state.mailboxRelays, options),
      attestations: state.attestations,
      ...(this.init.completeRecord != null ? { complete: this.init.completeRecord } : {}),
      onPublished,
      onError: err => this.init.onError?.(err)
    })
    const since = state.publishedAt == null ? Infinity : this.init.now() - state.publishedAt
    this.republisher.start({ delayMs: Math.max(0, REPUBLISH_INTERVAL_MS - since) })
    this.scheduleCheck(0)
  }

  private scheduleCheck (ms: number): void {
    if (this.timer != null) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.checking = this.checkPreKeys()
        .then(() => {})
        .catch(err => this.init.onError?.(err))
        .finally(() => { if (this.state != null) this.scheduleCheck(PREKEY_CHECK_INTERVAL_MS) })
    }, ms)
    // a pending check must not keep a Node process alive
    if (typeof this.timer === 'object' && 'unref' in this.timer) this.timer.unref()
  }

  /**
   * Renews the newest attestation at its verifier when it has less than ATTESTATION_RENEW_BEFORE_MS left and
   * republishes with it; true when renewed. A verifier that is down or refuses is reported and asked again next check.
   */
  async renewAttestations (options?: AbortOptions): Promise<boolean> {
    const state = this.state
    if (state == null) throw new Error('device maintenance is not started')
    const now = this.init.now()
    const usable = state.attestations
      .map(bytes => ({ bytes, a: decodeAttestation(bytes) }))
      .filter(x => x.a.expiresAt > now)
      .sort((x, y) => y.a.expiresAt - x.a.expiresAt)
    const newest = usable[0]
    if (newest == null || newest.a.expiresAt - now >= ATTESTATION_RENEW_BEFORE_MS) return false
    for (const relay of new Set([...(state.verifierRelays ?? []), ...state.mailboxRelays])) {
      let renewed: Uint8Array
      try {
        renewed = await renewAttestation(this.init.node, multiaddr(relay), newest.bytes, options)
      } catch (err) {
        options?.signal?.throwIfAborted()
        this.init.onError?.(err)
        continue
      }
      const attestations = [renewed, ...usable.map(x => x.bytes)]
      if (this.state == null) return false
      this.state = { ...this.state, attestations }
      await this.init.onAttestationsRenewed?.(attestations, options)
      await this.republisher?.update({ attestations }, options)
      return true
    }
    return false
  }

  /** Rotates the signed prekeys when due and republishes the bundle; tops up relays running low. */
  async checkPreKeys (options?: AbortOptions): Promise<{ rotated: boolean, report: UploadReport }> {
    const state = this.state
    if (state == null) throw new Error('device maintenance is not started')
    await this.renewAttestations(options).catch(err => { this.init.onError?.(err) })
    const rotated = await this.init.preKeys.rotateSignedPreKeys({}, options)
    const report = await this.uploadPreKeys(state.mailboxRelays, {}, options)
    if (rotated) await this.republisher?.update(await this.recordFields(state.mailboxRelays, options), options)
    return { rotated, report }
  }

  /** Points the directory record at other mailbox relays and republishes at once; undefined when maintenance is not running. */
  async setMailboxRelays (mailboxRelays: string[], options?: AbortOptions): Promise<PublishResult | undefined> {
    if (this.state == null || this.republisher == null) return undefined
    this.state = { ...this.state, mailboxRelays }
    return await this.republisher.update({ mailboxRelays }, options)
  }

  /** Republishes at once (e.g. after the mailbox relays changed). */
  async publishNow (options?: AbortOptions): Promise<PublishResult | undefined> {
    return await this.republisher?.publishNow(options)
  }

  async stop (): Promise<void> {
    this.state = undefined
    if (this.timer != null) clearTimeout(this.timer)
    this.timer = undefined
    await this.republisher?.stop()
    this.republisher = undefined
    await this.checking
  }
}
