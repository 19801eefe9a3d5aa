// PreKeyManager: generates, rotates, hands out and looks up our prekeys over the PreKeyStore; knows no sessions and no network (upload is the caller's).
import { KemPreKey, OneTimePreKey, publicKemPreKey, publicOneTimePreKey, publicSignedPreKey, SignedPreKey } from '../crypto/index.js'
import type { IdentityKeyPair, PreKeyBundle, PublicKemPreKey, PublicOneTimePreKey, PublicSignedPreKey, RandomSource } from '../crypto/index.js'
import { NotFoundError, SIGNED_PRE_KEY_RETENTION_MS } from '../storage/index.js'
import type { StoreOptions, KeyValueStore, PreKeyStore, Storage } from '../storage/index.js'
import { KeyedMutex } from '../util/keyed-mutex.js'

/** How often the signed X25519 and last-resort ML-KEM prekeys rotate (docs/design.md §5: weekly). */
export const SIGNED_PRE_KEY_ROTATION_MS = 7 * 24 * 60 * 60 * 1000

/** One-time prekeys generated per batch: enough for a burst of new contacts between uploads, small enough to upload in one request. */
export const ONE_TIME_PRE_KEY_BATCH = 100

/** Largest batch accepted: 1000 ML-KEM secret keys are 2.4 MB of synced writes, more is a bug, not a need. */
export const MAX_ONE_TIME_PRE_KEY_BATCH = 1000

/**
 * Id spaces: X25519 signed and one-time prekeys travel in separate message fields, so they
 * count separately; one-time and last-resort ML-KEM prekeys share the `kemPreKeyId` field of
 * a first message, so they share one counter and never collide.
 */
type IdSpace = 'signed' | 'one-time' | 'kem'

export interface PreKeyManagerParams {
  preKeys: PreKeyStore
  /** metadata: id counters and hand-out cursors (`storage.kv('prekey-meta')`) */
  meta: KeyValueStore
  identity: IdentityKeyPair
  /** the device these prekeys belong to (goes into bundles) */
  deviceId: number
  random: RandomSource
  now: () => number
}

/** The prekeys a responder needs for one first message, loaded from storage. */
export interface LoadedPreKeys {
  signedPreKey?: SignedPreKey
  kemPreKey?: KemPreKey
  oneTimePreKey?: OneTimePreKey
}

function u32 (value: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, value)
  return out
}

function readU32 (bytes: Uint8Array | undefined): number | undefined {
  return bytes == null || bytes.length !== 4 ? undefined : new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0)
}

export class PreKeyManager {
  private readonly store: PreKeyStore
  private readonly meta: KeyValueStore
  private readonly identity: IdentityKeyPair
  private readonly deviceId: number
  private readonly random: RandomSource
  private readonly now: () => number
  /** serialises id allocation and hand-out so concurrent calls never share an id */
  private readonly lock = new KeyedMutex()

  constructor (params: PreKeyManagerParams) {
    this.store = params.preKeys
    this.meta = params.meta
    this.identity = params.identity
    this.deviceId = params.deviceId
    this.random = params.random
    this.now = params.now
  }

  /** Convenience: a manager over a Storage bundle. */
  static fromStorage (storage: Storage, params: Omit<PreKeyManagerParams, 'preKeys' | 'meta'>): PreKeyManager {
    return new PreKeyManager({ ...params, preKeys: storage.preKeys, meta: storage.kv('prekey-meta') })
  }

  /** Allocates `count` consecutive ids (wrapping at 2^32); persisted before use so a restart never reuses one. Caller holds the lock. */
  private async allocateIds (space: IdSpace, count: number, options?: StoreOptions): Promise<number[]> {
    const key = `next-id/${space}`
    const next = readU32(await this.meta.get(key, options)) ?? 1
    const ids = Array.from({ length: count }, (_, i) => (next + i) >>> 0)
    await this.meta.put(key, u32((next + count) >>> 0), { ...options, sync: true })
    return ids
  }

  /**
   * Creates the first keys if there are none, and rotates the signed X25519 and last-resort
   * ML-KEM prekeys when the current ones are older than SIGNED_PRE_KEY_ROTATION_MS (or when
   * `force`). Replaced keys stay loadable for SIGNED_PRE_KEY_RETENTION_MS, then are pruned.
   * Returns true when new keys were made (upload them).
   */
  async rotateSignedPreKeys (params: { force?: boolean } = {}, options?: StoreOptions): Promise<boolean> {
    return await this.lock.run('ids', async () => {
      const now = this.now()
      // both kinds rotate together; a crash between their two writes is repaired by the next call
      const newestOf = async (kind: 'signed' | 'last-resort-kem'): Promise<number | undefined> =>
        (await this.store.listPreKeys(kind, options)).reduce<number | undefined>((m, e) => m == null || e.createdAt > m ? e.createdAt : m, undefined)
      const newest = [await newestOf('signed'), await newestOf('last-resort-kem')]
      const due = params.force === true || newest.some(t => t == null || now - t >= SIGNED_PRE_KEY_ROTATION_MS)
      if (due) {
        const [spkId] = await this.allocateIds('signed', 1, options)
        const spk = SignedPreKey.generate(this.identity, spkId, now, this.random)
        await this.store.storePreKey({ kind: 'signed', id: spkId, createdAt: now, record: spk.serialize() }, options)
        const [kemId] = await this.allocateIds('kem', 1, options)
        const kem = KemPreKey.generate(this.identity, kemId, now, true, this.random)
        await this.store.storePreKey({ kind: 'last-resort-kem', id: kemId, createdAt: now, record: kem.serialize() }, options)
      }
      await this.store.prunePreKeys('signed', now - SIGNED_PRE_KEY_RETENTION_MS, options)
      await this.store.prunePreKeys('last-resort-kem', now - SIGNED_PRE_KEY_RETENTION_MS, options)
      return due
    }, options)
  }

  /** Generates and stores `count` one-time X25519 and `count` one-time ML-KEM prekeys; returns their public forms. */
  async generateOneTimePreKeys (count = ONE_TIME_PRE_KEY_BATCH, options?: StoreOptions): Promise<{ oneTimePreKeys: PublicOneTimePreKey[], oneTimeKemPreKeys: PublicKemPreKey[] }> {
    if (!Number.isInteger(count) || count < 0 || count > MAX_ONE_TIME_PRE_KEY_BATCH) throw new RangeError(`count must be 0..${MAX_ONE_TIME_PRE_KEY_BATCH}`)
    return await this.lock.run('ids', async () => {
      const now = this.now()
      const oneTimePreKeys: PublicOneTimePreKey[] = []
      for (const id of await this.allocateIds('one-time', count, options)) {
        const k = OneTimePreKey.generate(id, this.random)
        await this.store.storePreKey({ kind: 'one-time', id, createdAt: now, record: k.serialize() }, options)
        oneTimePreKeys.push(publicOneTimePreKey(k))
      }
      const oneTimeKemPreKeys: PublicKemPreKey[] = []
      for (const id of await this.allocateIds('kem', count, options)) {
        const k = KemPreKey.generate(this.identity, id, now, false, this.random)
        await this.store.storePreKey({ kind: 'one-time-kem', id, createdAt: now, record: k.serialize() }, options)
        oneTimeKemPreKeys.push(publicKemPreKey(k))
      }
      return { oneTimePreKeys, oneTimeKemPreKeys }
    }, options)
  }

  private async newest (kind: 'signed' | 'last-resort-kem', options?: StoreOptions): Promise<Uint8Array> {
    const list = await this.store.listPreKeys(kind, options)
    if (list.length === 0) throw new NotFoundError('no signed prekeys yet: call rotateSignedPreKeys')
    const newest = list.reduce((a, b) => (b.createdAt > a.createdAt || (b.createdAt === a.createdAt && b.id > a.id)) ? b : a)
    const entry = await this.store.loadPreKey(kind, newest.id, options)
    if (entry == null) throw new NotFoundError('signed prekey vanished')
    return entry.record
  }

  /** Current public signed and last-resort prekeys (for the directory record). */
  async currentSignedPreKeys (options?: StoreOptions): Promise<{ signedPreKey: PublicSignedPreKey, lastResortKemPreKey: PublicKemPreKey }> {
    const spk = SignedPreKey.deserialize(await this.newest('signed', options))
    const kem = KemPreKey.deserialize(await this.newest('last-resort-kem', options))
    return { signedPreKey: publicSignedPreKey(spk), lastResortKemPreKey: publicKemPreKey(kem) }
  }

  /** Takes the next not yet handed out one-time key of a kind (like a relay does: each at most once). */
  private async handOut (kind: 'one-time' | 'one-time-kem', options?: StoreOptions): Promise<Uint8Array | undefined> {
    const cursorKey = `handed-out/${kind}`
    const cursor = readU32(await this.meta.get(cursorKey, options))
    const ids = (await this.store.listPreKeys(kind, options)).map(e => e.id)
    const id = ids.find(i => cursor == null || i > cursor)
    if (id == null) return undefined
    await this.meta.put(cursorKey, u32(id), { ...options, sync: true })
    return (await this.store.loadPreKey(kind, id, options))?.record
  }

  /**
   * A bundle of this device, handing out one unused one-time X25519 and ML-KEM prekey when
   * available (else the bundle carries the last-resort ML-KEM key and no one-time X25519 key).
   * In production relays hand out the uploaded one-time keys; this serves direct exchange and tests.
   */
  async createBundle (options?: StoreOptions): Promise<PreKeyBundle> {
    return await this.lock.run('ids', async () => {
      const { signedPreKey, lastResortKemPreKey } = await this.currentSignedPreKeys(options)
      const otk = await this.handOut('one-time', options)
      const kem = await this.handOut('one-time-kem', options)
      const bundle: PreKeyBundle = {
        identityKey: this.identity.publicKey,
        deviceId: this.deviceId,
        signedPreKey,
        kemPreKey: kem == null ? lastResortKemPreKey : publicKemPreKey(KemPreKey.deserialize(kem))
      }
      if (otk != null) bundle.oneTimePreKey = publicOneTimePreKey(OneTimePreKey.deserialize(otk))
      return bundle
    }, options)
  }

  /** Loads the private prekeys a first message names; absent ones stay undefined (pqxdhRespond reports MissingPreKeyError). */
  async loadForFirstMessage (ids: { signedPreKeyId: number, kemPreKeyId: number, oneTimePreKeyId?: number }, options?: StoreOptions): Promise<LoadedPreKeys> {
    const out: LoadedPreKeys = {}
    const spk = await this.store.loadPreKey('signed', ids.signedPreKeyId, options)
    if (spk != null) out.signedPreKey = SignedPreKey.deserialize(spk.record)
    const kem = (await this.store.loadPreKey('one-time-kem', ids.kemPreKeyId, options)) ?? (await this.store.loadPreKey('last-resort-kem', ids.kemPreKeyId, options))
    if (kem != null) out.kemPreKey = KemPreKey.deserialize(kem.record)
    if (ids.oneTimePreKeyId != null) {
      const otk = await this.store.loadPreKey('one-time', ids.oneTimePreKeyId, options)
      if (otk != null) out.oneTimePreKey = OneTimePreKey.deserialize(otk.record)
    }
    return out
  }

  /** Removes the one-time prekeys a processed first message used (synced); last-resort keys stay. */
  async removeUsed (used: { oneTimePreKeyId?: number, kemPreKeyId: number, kemLastResort: boolean }, options?: StoreOptions): Promise<void> {
    if (used.oneTimePreKeyId != null) await this.store.removePreKey('one-time', used.oneTimePreKeyId, options)
    if (!used.kemLastResort) await this.store.removePreKey('one-time-kem', used.kemPreKeyId, options)
  }

  /** Creation time of the oldest signed prekey still held (replay marks older than it are useless), or undefined. */
  async oldestSignedPreKeyTime (options?: StoreOptions): Promise<number | undefined> {
    const list = await this.store.listPreKeys('signed', options)
    return list.length === 0 ? undefined : Math.min(...list.map(e => e.createdAt))
  }

  /** Counts of unused one-time keys, so the caller knows when to generate and upload more. */
  async countOneTimePreKeys (options?: StoreOptions): Promise<{ oneTime: number, oneTimeKem: number }> {
    return {
      oneTime: (await this.store.listPreKeys('one-time', options)).length,
      oneTimeKem: (await this.store.listPreKeys('one-time-kem', options)).length
    }
  }
}
