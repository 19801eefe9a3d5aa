/**
 * The relay's prekey store, per (identity, device): a meta record and one key per one-time prekey for each
 * device of an identity; a fetch reads and deletes in one synced batch under a per-identity mutex.
 *
 * Keys (identity and device ids in lower-case hex, device ids and key ids padded to 8 digits so that key
 * order is numeric order):
 * - `<identity>/m/<device>`: the device's meta record (JSON)
 * - `<identity>/p/<device>/otk/<id>`, `<identity>/p/<device>/kem/<id>`: its one-time X25519 and ML-KEM keys
 * - `<identity>/r/<device>`: a retired device's last upload time, so its old uploads cannot be replayed
 * - `format`: present once stores of the first format (one device per identity: `<identity>/meta`,
 *   `<identity>/otk/<id>`, `<identity>/kem/<id>`) have been moved to this layout, which happens on open
 */
import type { AbortOptions, PeerId } from '@libp2p/interface'
import { PreKeyLimitError, PreKeysNotFoundError, RateLimitedError, InvalidPreKeyRequestError, StaleUploadError, type FetchedPreKeys, type PreKeyBackend, type PreKeyCounts, type PreKeyFetchOptions, type VerifiedUpload } from '../../../src/protocols/prekeys/index.js'
import { MemoryKeyValueStore, type KeyRange, type KeyValueBatchOperation, type KeyValueStore } from '../../../src/storage/index.js'
import { toHex } from '../../../src/crypto/bytes.js'
import { KeyedMutex } from '../../../src/util/keyed-mutex.js'
import { RateLimiter } from '../rate-limit.js'
import { DEFAULT_PREKEY_LIMITS, type PreKeyLimits } from './limits.js'

export interface RelayPreKeyStoreInit {
  /** e.g. `storage.kv('relay-prekeys')`; written with sync */
  kv: KeyValueStore
  limits?: Partial<PreKeyLimits>
  /** @default Date.now */
  now?: () => number
}

/** Per device: the keys that are reused (signed, last-resort) and the pool sizes. */
interface Meta {
  deviceId: number
  signedPreKey: string
  lastResortKemPreKey: string
  /** the last accepted upload's timestamp: a later upload of this device must be newer (no replay) */
  lastUploadAt: number
  oneTime: number
  kemOneTime: number
}

/** What is left of a retired device: its replay rule. */
interface Retired {
  lastUploadAt: number
}

type Kind = 'otk' | 'kem'
const KINDS: Kind[] = ['otk', 'kem']

const SYNC = { sync: true }
const encoder = new TextEncoder()
const decoder = new TextDecoder()
const hex8 = (n: number): string => n.toString(16).padStart(8, '0')
const fromHex = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'))
const json = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value))
const isUint32 = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 0xffffffff

/** The key written once the first format's records have been moved (its value: the format number). */
const FORMAT_KEY = 'format'
const FORMAT = 2
/** A key of the first format's or this format's records: the identity's hex comes first. */
const IDENTITY_KEY = /^([0-9a-f]{64})\//

const metaKey = (id: string, dev: string): string => `${id}/m/${dev}`
const poolPrefix = (id: string, dev: string): string => `${id}/p/${dev}/`
const retiredKey = (id: string, dev: string): string => `${id}/r/${dev}`

export class RelayPreKeyStore implements PreKeyBackend {
  readonly limits: PreKeyLimits
  private readonly kv: KeyValueStore
  private readonly now: () => number
  private readonly identities = new KeyedMutex()
  private readonly requesters = new KeyedMutex()
  /** fetch rates are high-frequency and need not survive a restart: kept in memory */
  private readonly perRequester: RateLimiter
  private readonly perRequesterDevice: RateLimiter
  private readonly rates = new MemoryKeyValueStore()
  /** the migration of the first format; every read and write waits for it */
  private readonly ready: Promise<void>

  constructor (init: RelayPreKeyStoreInit) {
    this.kv = init.kv
    this.limits = { ...DEFAULT_PREKEY_LIMITS, ...init.limits }
    this.now = init.now ?? Date.now
    this.perRequester = new RateLimiter(this.rates.scope('requester'), this.limits.fetchesPerRequester)
    this.perRequesterDevice = new RateLimiter(this.rates.scope('pair'), this.limits.fetchesPerRequesterPerDevice)
    this.ready = this.migrate()
    // a failed migration is reported by open() and by every call; not unhandled meanwhile
    this.ready.catch(() => {})
  }

  /** Resolves once the store is usable: stores of the first format have been moved to the per-device layout. */
  async open (): Promise<void> {
    await this.ready
  }

  /**
   * Moves every identity of the first format (one device, meta at `<identity>/meta`) to its device's keys, one
   * synced batch per identity, then writes `format`. Idempotent: an interrupted run resumes where it stopped.
   */
  private async migrate (): Promise<void> {
    if (await this.kv.get(FORMAT_KEY) != null) return
    let range: KeyRange = {}
    for (;;) {
      let next: string | undefined
      for await (const entry of this.kv.iterate({ ...range, limit: 1 })) next = entry.key
      if (next == null) break
      const id = IDENTITY_KEY.exec(next)?.[1]
      if (id == null) {
        range = { gt: next }
        continue
      }
      await this.migrateIdentity(id)
      // on to the next identity: '0' sorts right after '/', past every key under `<identity>/`
      range = { gte: `${id}0` }
    }
    await this.kv.put(FORMAT_KEY, json(FORMAT), SYNC)
  }

  private async migrateIdentity (id: string): Promise<void> {
    const raw = await this.kv.get(`${id}/meta`)
    if (raw == null) return
    const meta = JSON.parse(decoder.decode(raw)) as Meta
    const dev = hex8(meta.deviceId)
    const ops: KeyValueBatchOperation[] = []
    for (const kind of KINDS) {
      const prefix = `${id}/${kind}/`
      for await (const entry of this.kv.iterate({ prefix })) {
        ops.push({ type: 'put', key: `${poolPrefix(id, dev)}${kind}/${entry.key.slice(prefix.length)}`, value: entry.value })
        ops.push({ type: 'del', key: entry.key })
      }
    }
    ops.push({ type: 'put', key: metaKey(id, dev), value: raw })
    ops.push({ type: 'del', key: `${id}/meta` })
    await this.kv.batch(ops, SYNC)
  }

  private async meta (id: string, dev: string): Promise<Meta | undefined> {
    const raw = await this.kv.get(metaKey(id, dev))
    return raw == null ? undefined : JSON.parse(decoder.decode(raw)) as Meta
  }

  private async retired (id: string, dev: string): Promise<Retired | undefined> {
    const raw = await this.kv.get(retiredKey(id, dev))
    return raw == null ? undefined : JSON.parse(decoder.decode(raw)) as Retired
  }

  /** The hex device ids of the identity's devices holding prekeys here, lowest first. */
  private async devices (id: string, limit?: number): Promise<string[]> {
    const prefix = `${id}/m/`
    const out: string[] = []
    for await (const entry of this.kv.iterate({ prefix, ...(limit != null ? { limit } : {}) })) out.push(entry.key.slice(prefix.length))
    return out
  }

  async upload (upload: VerifiedUpload, _requester: PeerId, options: AbortOptions = {}): Promise<PreKeyCounts> {
    await this.ready
    if (!isUint32(upload.deviceId)) throw new InvalidPreKeyRequestError('the device id must be a uint32')
    const id = toHex(upload.identityKey)
    const dev = hex8(upload.deviceId)
    return await this.identities.run(id, async () => {
      options.signal?.throwIfAborted()
      const old = await this.meta(id, dev)
      const retired = old == null ? await this.retired(id, dev) : undefined
      const lastUploadAt = old?.lastUploadAt ?? retired?.lastUploadAt
      if (lastUploadAt != null && upload.timestamp <= lastUploadAt) throw new StaleUploadError('upload is not newer than the last one (replayed?)')
      if (old == null) {
        const held = await this.devices(id)
        if (held.length >= this.limits.maxDevicesPerIdentity) throw new PreKeyLimitError(`at most ${this.limits.maxDevicesPerIdentity} devices per identity; ${held.length} hold prekeys here`)
      }
      const signedPreKey = upload.signedPreKey != null ? toHex(upload.signedPreKey) : old?.signedPreKey
      const lastResort = upload.lastResortKemPreKey != null ? toHex(upload.lastResortKemPreKey) : old?.lastResortKemPreKey
      if (signedPreKey == null || lastResort == null) throw new InvalidPreKeyRequestError('the first upload must carry the signed prekey and the last-resort KEM prekey')

      const ops: KeyValueBatchOperation[] = []
      const add = async (kind: Kind, keys: VerifiedUpload['oneTimePreKeys'], have: number): Promise<number> => {
        let count = have
        for (const k of keys) {
          const key = `${poolPrefix(id, dev)}${kind}/${hex8(k.id)}`
          // a re-sent id replaces the stored key rather than adding one
          if (await this.kv.get(key) == null) count++
          ops.push({ type: 'put', key, value: k.encoded })
        }
        if (count > this.limits.maxStoredPerDevice) throw new PreKeyLimitError(`at most ${this.limits.maxStoredPerDevice} one-time prekeys of each kind per device; ${have} stored`)
        return count
      }
      const meta: Meta = {
        deviceId: upload.deviceId,
        signedPreKey,
        lastResortKemPreKey: lastResort,
        lastUploadAt: upload.timestamp,
        oneTime: await add('otk', upload.oneTimePreKeys, old?.oneTime ?? 0),
        kemOneTime: await add('kem', upload.kemOneTimePreKeys, old?.kemOneTime ?? 0)
      }
      ops.push({ type: 'put', key: metaKey(id, dev), value: json(meta) })
      if (retired != null) ops.push({ type: 'del', key: retiredKey(id, dev) })
      await this.kv.batch(ops, SYNC)
      return { oneTimePreKeysLeft: meta.oneTime, kemOneTimePreKeysLeft: meta.kemOneTime }
    })
  }

  /** Checks and records one fetch of `pair` (identity and device) by `requester`; a refused fetch is not recorded. */
  private async checkRate (requester: PeerId, pair: string): Promise<void> {
    const who = requester.toString()
    await this.requesters.run(who, async () => {
      const now = this.now()
      const all = await this.perRequester.check(who, now)
      const one = await this.perRequesterDevice.check(`${who}/${pair}`, now)
      const wait = Math.max(all.retryAfterMs, one.retryAfterMs)
      if (wait > 0) throw new RateLimitedError(wait, `too many bundle fetches; retry in ${Math.ceil(wait / 1000)} s`)
      await this.perRequester.record(who, all, now)
      await this.perRequesterDevice.record(`${who}/${pair}`, one, now)
    })
  }

  private async first (id: string, dev: string, kind: Kind): Promise<{ key: string, value: Uint8Array } | undefined> {
    for await (const entry of this.kv.iterate({ prefix: `${poolPrefix(id, dev)}${kind}/`, limit: 1 })) return entry
    return undefined
  }

  /** One bundle's keys of `options.deviceId`, or of the lowest device id held when none is named. */
  async fetch (identityKey: Uint8Array, requester: PeerId, options: PreKeyFetchOptions = {}): Promise<FetchedPreKeys> {
    await this.ready
    const { deviceId } = options
    if (deviceId != null && !isUint32(deviceId)) throw new InvalidPreKeyRequestError('the device id must be a uint32')
    const id = toHex(identityKey)
    const dev = deviceId != null ? hex8(deviceId) : (await this.devices(id, 1))[0]
    // counted before the lookup, so unknown identities and devices cost a requester as much as known ones
    await this.checkRate(requester, `${id}/${dev ?? '-'}`)
    return await this.identities.run(id, async () => {
      options.signal?.throwIfAborted()
      const meta = dev != null ? await this.meta(id, dev) : undefined
      if (meta == null || dev == null) throw new PreKeysNotFoundError(deviceId != null ? 'no prekeys stored for this device' : 'no prekeys stored for this identity')
      const otk = await this.first(id, dev, 'otk')
      const kem = await this.first(id, dev, 'kem')
      const next: Meta = { ...meta, oneTime: otk != null ? meta.oneTime - 1 : 0, kemOneTime: kem != null ? meta.kemOneTime - 1 : 0 }
      // the keys leave the store in the same synced write that updates the counts, before the answer goes out
      const ops: KeyValueBatchOperation[] = [{ type: 'put', key: metaKey(id, dev), value: json(next) }]
      if (otk != null) ops.push({ type: 'del', key: otk.key })
      if (kem != null) ops.push({ type: 'del', key: kem.key })
      await this.kv.batch(ops, SYNC)
      return {
        deviceId: meta.deviceId,
        signedPreKey: fromHex(meta.signedPreKey),
        kemPreKey: kem?.value ?? fromHex(meta.lastResortKemPreKey),
        ...(otk != null ? { oneTimePreKey: otk.value } : {}),
        oneTimePreKeysLeft: next.oneTime,
        kemOneTimePreKeysLeft: next.kemOneTime
      }
    })
  }

  /** Whether this identity has uploaded prekeys here for this device (and not retired it): the relay keeps mailboxes only for such owners. */
  async knows (identityKey: Uint8Array, deviceId: number): Promise<boolean> {
    await this.ready
    if (identityKey.length !== 32 || !isUint32(deviceId)) return false
    return await this.kv.get(metaKey(toHex(identityKey), hex8(deviceId))) != null
  }

  /**
   * Forgets one device's prekeys (its meta record and both pools, in one synced batch), for a device removed
   * from the identity: its bundle is no longer handed out, `knows` is false, and it no longer counts against
   * the device cap. Its last upload time stays, so an upload of the device captured earlier cannot revive it;
   * a newer upload signed by the identity can. Resolves with whether the relay held prekeys for the device.
   */
  async retire (identityKey: Uint8Array, deviceId: number, options: AbortOptions = {}): Promise<boolean> {
    await this.ready
    if (!isUint32(deviceId)) throw new InvalidPreKeyRequestError('the device id must be a uint32')
    const id = toHex(identityKey)
    const dev = hex8(deviceId)
    return await this.identities.run(id, async () => {
      options.signal?.throwIfAborted()
      const meta = await this.meta(id, dev)
      if (meta == null) return false
      const ops: KeyValueBatchOperation[] = [{ type: 'del', key: metaKey(id, dev) }]
      for await (const entry of this.kv.iterate({ prefix: poolPrefix(id, dev) })) ops.push({ type: 'del', key: entry.key })
      const retired: Retired = { lastUploadAt: meta.lastUploadAt }
      ops.push({ type: 'put', key: retiredKey(id, dev), value: json(retired) })
      await this.kv.batch(ops, SYNC)
      return true
    })
  }

  /** Forgets fetch-rate entries with no recent events. */
  async sweep (): Promise<void> {
    const now = this.now()
    await this.perRequester.sweep(now)
    await this.perRequesterDevice.sweep(now)
  }
}
