/** The Parley client facade: one object per device that owns storage, identity and the libp2p node. The composition root; apps talk only to this. */
import { join } from 'node:path'
import { safetyNumber, systemRandom, type IdentityKeyPair, type RandomSource } from '../crypto/index.js'
import { loadOrCreateLocalIdentity, PreKeyManager, type LocalIdentity } from '../session/index.js'
import { openLevel, toHex, type Storage, type AbortOptions } from '../storage/index.js'
import type { ParleyNodeInit } from '../net/options.js'
import type { ParleyNode } from '../net/node.js'
import { loadOrCreateDeviceKey } from './device-key.js'
import { RegistrationFlow, type Registration } from './registration.js'
import { DeviceMaintenance } from './maintenance.js'
import { directoryDhtRules, lookup as directoryLookup, discoverContacts, type DirectoryDht, type LookupResult, type DiscoveryReport } from '../directory/index.js'
import { normalizePhone } from '../util/phone.js'

export interface ParleyInit {
  /** folder for this device's LevelDB (Node); or pass `storage` */
  dataDir?: string
  storage?: Storage
  /** relay multiaddrs */
  bootstrap: string[]
  listen?: string[]
  /** verifier public keys whose attestations show a contact as verified; by default those of the bootstrap relays */
  trustedVerifiers?: Uint8Array[]
  /** region for numbers typed without a country code, e.g. 'GB' */
  defaultRegion?: string
  random?: RandomSource
  now?: () => number
  /** builds the libp2p node; the Node and browser entries pass their factory */
  createNode: (init: ParleyNodeInit) => Promise<ParleyNode>
  /**
   * Background upkeep of a registered device: directory republish and prekey rotation/top-up.
   * One-shot tools (a CLI lookup) may turn it off. @default true
   */
  maintenance?: boolean
  /** background work that failed and will be retried (a relay down, a publish that timed out) */
  onBackgroundError?: (err: unknown) => void
}

export interface WhoAmI {
  registered: boolean
  phone?: string
  identityKey: string
  peerId: string
  deviceId: number
  /** this identity's 30-digit half of every safety number */
  safetyNumberSeed: string
}

export class Parley {
  private readonly registration: RegistrationFlow
  private readonly maintenance: DeviceMaintenance
  readonly preKeys: PreKeyManager

  private constructor (
    readonly node: ParleyNode,
    readonly storage: Storage,
    readonly local: LocalIdentity,
    protected readonly init: ParleyInit
  ) {
    const now = init.now ?? Date.now
    this.preKeys = new PreKeyManager({ preKeys: storage.preKeys, meta: storage.kv('prekey-meta'), identity: local.identity, deviceId: local.deviceId, random: init.random ?? systemRandom, now })
    this.maintenance = new DeviceMaintenance({ node, local, preKeys: this.preKeys, now, onError: err => this.background(err) })
    this.registration = new RegistrationFlow(node, storage, local, this.preKeys, init.bootstrap, now)
  }

  /** Problems of background work (republish, prekey top-up) that will be retried; apps may listen. */
  private background (err: unknown): void {
    this.init.onBackgroundError?.(err)
  }

  /** Starts background upkeep of a registered device (republish, prekey rotation and top-up). No-op when not registered. */
  private async startMaintenance (options?: AbortOptions): Promise<void> {
    if (this.init.maintenance === false) return
    const state = await this.registration.deviceState(options)
    if (state == null) return
    await this.maintenance.start(state, result => { this.registration.published(result).catch(err => this.background(err)) }, options)
  }

  static async create (init: ParleyInit, options?: AbortOptions): Promise<Parley> {
    const storage = init.storage ?? await openLevel(join(init.dataDir ?? '.parley/client', 'db'), options)
    try {
      const random = init.random ?? systemRandom
      const now = init.now ?? Date.now
      const local = await loadOrCreateLocalIdentity(storage.identity, { random, now }, options)
      const privateKey = await loadOrCreateDeviceKey(storage.kv('device'), options)
      const node = await init.createNode({ privateKey, bootstrap: init.bootstrap, dht: directoryDhtRules(), ...(init.listen != null ? { listen: init.listen } : {}) })
      const parley = new Parley(node, storage, local, init)
      try {
        await parley.startMaintenance(options)
      } catch (err) {
        await node.stop()
        throw err
      }
      return parley
    } catch (err) {
      if (init.storage == null) await storage.close()
      throw err
    }
  }

  get identity (): IdentityKeyPair {
    return this.local.identity
  }

  /** Step 1 of registration: a verifier relay texts a code to `phone` (any common format; see defaultRegion). */
  async register (phone: string, options?: AbortOptions): Promise<{ phone: string, relay: string, expiresInMs: number }> {
    const e164 = normalizePhone(phone, this.init.defaultRegion)
    const { relay, expiresInMs } = await this.registration.request(e164, options)
    return { phone: e164, relay, expiresInMs }
  }

  /** Step 2: the code from the SMS; publishes this device in the directory. */
  async verify (code: string, options?: AbortOptions): Promise<Registration> {
    const registration = await this.registration.confirm(code.trim(), this.maintenance, options)
    await this.startMaintenance(options)
    return registration
  }

  /** Runs the prekey check now (rotation when due, top-up of relays running low); normally on a timer. */
  async maintainPreKeys (options?: AbortOptions): Promise<{ rotated: boolean, counts: Map<string, number> }> {
    const { rotated, report } = await this.maintenance.checkPreKeys(options)
    return { rotated, counts: report.counts }
  }

  /** Looks a number up in the directory; `{ registered: false }` when it is not on Parley. */
  async lookup (phone: string, options?: AbortOptions): Promise<LookupResult & { phone: string }> {
    const e164 = normalizePhone(phone, this.init.defaultRegion)
    const result = await directoryLookup(this.dht, e164, { trustedVerifiers: await this.trustedVerifiers(options), ...(options?.signal != null ? { signal: options.signal } : {}) })
    return { ...result, phone: e164 }
  }

  /** Which of an address book's numbers are on Parley, in parallel, with progress. */
  async discover (numbers: string[], options: AbortOptions & { onProgress?: (done: number, total: number) => void, maxAge?: number } = {}): Promise<DiscoveryReport> {
    const trustedVerifiers = await this.trustedVerifiers(options)
    return await discoverContacts(async (e164, o) => await directoryLookup(this.dht, e164, { ...o, trustedVerifiers }), numbers, {
      cache: this.storage.kv('contacts'),
      ...(this.init.defaultRegion != null ? { defaultRegion: this.init.defaultRegion } : {}),
      ...(options.onProgress != null ? { onProgress: options.onProgress } : {}),
      ...(options.maxAge != null ? { maxAge: options.maxAge } : {}),
      ...(options.signal != null ? { signal: options.signal } : {})
    })
  }

  private get dht (): DirectoryDht {
    return this.node.services.dht as unknown as DirectoryDht
  }

  private async trustedVerifiers (options?: AbortOptions): Promise<Uint8Array[]> {
    return [...(this.init.trustedVerifiers ?? []), ...await this.registration.trustedVerifiers(options)]
  }

  async whoami (options?: AbortOptions): Promise<WhoAmI> {
    const identityKey = this.local.identity.publicKey
    const seed = safetyNumber({ localIdentityKey: identityKey, remoteIdentityKey: identityKey }).digits.slice(0, 30)
    const registration = await this.registration.registration(options)
    return {
      registered: registration != null,
      ...(registration != null ? { phone: registration.phone } : {}),
      identityKey: toHex(identityKey),
      peerId: this.node.peerId.toString(),
      deviceId: this.local.deviceId,
      safetyNumberSeed: seed
    }
  }

  async stop (): Promise<void> {
    await this.maintenance.stop()
    await this.node.stop()
    if (this.init.storage == null) await this.storage.close()
  }
}
