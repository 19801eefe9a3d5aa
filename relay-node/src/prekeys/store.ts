/** The relay's prekey store: per identity a meta record and one key per one-time prekey; a fetch reads and deletes in one synced batch under a per-identity mutex. */
import type { AbortOptions, PeerId } from '@libp2p/interface'
import { PreKeyLimitError, PreKeysNotFoundError, RateLimitedError, InvalidPreKeyRequestError, StaleUploadError, type FetchedPreKeys, type PreKeyBackend, type PreKeyCounts, type VerifiedUpload } from '../../../src/protocols/prekeys/index.js'
import { MemoryKeyValueStore, type KeyValueBatchOperation, type KeyValueStore } from '../../../src/storage/index.js'
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

/** Per identity: the keys that are reused (signed, last-resort) and the pool sizes. */
interface Meta {
  deviceId: number
  signedPreKey: string
  lastResortKemPreKey: string
  /** the last accepted upload's timestamp: a later upload must be newer (no replay) */
  lastUploadAt: number
  oneTime: number
  kemOneTime: number
}

const SYNC = { sync: true }
const encoder = new TextEncoder()
const decoder = new TextDecoder()
const idKey = (n: number): string => n.toString(16).padStart(8, '0')
const fromHex = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'))

export class RelayPreKeyStore implements PreKeyBackend {
  readonly limits: PreKeyLimits
  private readonly kv: KeyValueStore
  private readonly now: () => number
  private readonly identities = new KeyedMutex()
  private readonly requesters = new KeyedMutex()
  /** fetch rates are high-frequency and need not survive a restart: kept in memory */
  private readonly perRequester: RateLimiter
  private readonly perRequesterIdentity: RateLimiter
  private readonly rates = new MemoryKeyValueStore()

  constructor (init: RelayPreKeyStoreInit) {
    this.kv = init.kv
    this.limits = { ...DEFAULT_PREKEY_LIMITS, ...init.limits }
    this.now = init.now ?? Date.now
    this.perRequester = new RateLimiter(this.rates.scope('requester'), this.limits.fetchesPerRequester)
    this.perRequesterIdentity = new RateLimiter(this.rates.scope('pair'), this.limits.fetchesPerRequesterPerIdentity)
  }

  private async meta (id: string): Promise<Meta | undefined> {
    const raw = await this.kv.get(`${id}/meta`)
    return raw == null ? undefined : JSON.parse(decoder.decode(raw)) as Meta
  }

  async upload (upload: VerifiedUpload, _requester: PeerId, options: AbortOptions = {}): Promise<PreKeyCounts> {
    const id = toHex(upload.identityKey)
    return await this.identities.run(id, async () => {
      options.signal?.throwIfAborted()
      const old = await this.meta(id)
      if (old != null && upload.timestamp <= old.lastUploadAt) throw new StaleUploadError('upload is not newer than the last one (replayed?)')
      const signedPreKey = upload.signedPreKey != null ? toHex(upload.signedPreKey) : old?.signedPreKey
      const lastResort = upload.lastResortKemPreKey != null ? toHex(upload.lastResortKemPreKey) : old?.lastResortKemPreKey
      if (signedPreKey == null || lastResort == null) throw new InvalidPreKeyRequestError('the first upload must carry the signed prekey and the last-resort KEM prekey')

      const ops: KeyValueBatchOperation[] = []
      const add = async (kind: 'otk' | 'kem', keys: VerifiedUpload['oneTimePreKeys'], have: number): Promise<number> => {
        let count = have
        for (const k of keys) {
          const key = `${id}/${kind}/${idKey(k.id)}`
          // a re-sent id replaces the stored key rather than adding one
          if (await this.kv.get(key) == null) count++
          ops.push({ type: 'put', key, value: k.encoded })
        }
        if (count > this.limits.maxStoredPerIdentity) throw new PreKeyLimitError(`at most ${this.limits.maxStoredPerIdentity} one-time prekeys of each kind per identity; ${have} stored`)
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
      ops.push({ type: 'put', key: `${id}/meta`, value: encoder.encode(JSON.stringify(meta)) })
      await this.kv.batch(ops, SYNC)
      return { oneTimePreKeysLeft: meta.oneTime, kemOneTimePreKeysLeft: meta.kemOneTime }
    })
  }

  private async checkRate (requester: PeerId, id: string): Promise<void> {
    const who = requester.toString()
    await this.requesters.run(who, async () => {
      const now = this.now()
      const all = await this.perRequester.check(who, now)
      const pair = await this.perRequesterIdentity.check(`${who}/${id}`, now)
      const wait = Math.max(all.retryAfterMs, pair.retryAfterMs)
      if (wait > 0) throw new RateLimitedError(wait, `too many bundle fetches; retry in ${Math.ceil(wait / 1000)} s`)
      await this.perRequester.record(who, all, now)
      await this.perRequesterIdentity.record(`${who}/${id}`, pair, now)
    })
  }

  private async first (id: string, kind: 'otk' | 'kem'): Promise<{ key: string, value: Uint8Array } | undefined> {
    for await (const entry of this.kv.iterate({ prefix: `${id}/${kind}/`, limit: 1 })) return entry
    return undefined
  }

  async fetch (identityKey: Uint8Array, requester: PeerId, options: AbortOptions = {}): Promise<FetchedPreKeys> {
    const id = toHex(identityKey)
    await this.checkRate(requester, id)
    return await this.identities.run(id, async () => {
      options.signal?.throwIfAborted()
      const meta = await this.meta(id)
      if (meta == null) throw new PreKeysNotFoundError()
      const otk = await this.first(id, 'otk')
      const kem = await this.first(id, 'kem')
      const next: Meta = { ...meta, oneTime: otk != null ? meta.oneTime - 1 : 0, kemOneTime: kem != null ? meta.kemOneTime - 1 : 0 }
      // the keys leave the store in the same synced write that updates the counts, before the answer goes out
      const ops: KeyValueBatchOperation[] = [{ type: 'put', key: `${id}/meta`, value: encoder.encode(JSON.stringify(next)) }]
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

  /** Whether this identity has uploaded prekeys here for this device: the relay keeps mailboxes only for such owners. */
  async knows (identityKey: Uint8Array, deviceId: number): Promise<boolean> {
    if (identityKey.length !== 32) return false
    const meta = await this.meta(toHex(identityKey))
    return meta != null && meta.deviceId === deviceId
  }

  /** Forgets fetch-rate entries with no recent events. */
  async sweep (): Promise<void> {
    const now = this.now()
    await this.perRequester.sweep(now)
    await this.perRequesterIdentity.sweep(now)
  }
}
