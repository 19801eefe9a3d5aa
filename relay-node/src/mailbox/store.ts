/** The relay's mailboxes over one KeyValueStore: envelopes keyed mailbox ‖ time-ordered id, group-committed synced writes with per-mailbox quotas (a small one shared by deposits without a delivery-token proof), owners' delivery keys, expiry, and an event per committed deposit. Never parses an envelope, never records who deposited it. */
import type { AbortOptions, PeerId } from '@libp2p/interface'
import { LAST_TIME_ID_KEY, TIME_ID_PATTERN, TimeIds, timeIdOf, timeOfId } from '../time-ids.js'
import {
  EnvelopeTooLargeError, InvalidMailboxRequestError, MailboxFullError, RateLimitedError, UnknownMailboxError, MAX_ENVELOPE_BYTES,
  checkDepositProof, DELIVERY_KEY_BYTES,
  type DepositOptions, type MailboxBackend, type MailboxEntry, type MailboxOwner
} from '../../../src/protocols/mailbox/index.js'
import { MemoryKeyValueStore, type KeyValueBatchOperation, type KeyValueStore } from '../../../src/storage/index.js'
import { toHex } from '../../../src/crypto/bytes.js'
import { KeyedMutex } from '../../../src/util/keyed-mutex.js'
import { RateLimiter } from '../rate-limit.js'
import { DEFAULT_MAILBOX_LIMITS, MAX_GROUP_COMMIT, type MailboxLimits } from './limits.js'

export interface RelayMailboxStoreInit {
  /** e.g. `storage.kv('relay-mailbox')`; every write is synced */
  kv: KeyValueStore
  /**
   * Whether this relay keeps a mailbox for `owner`; deposits for others are refused with
   * UnknownMailboxError. The relay passes "has uploaded prekeys here". Absent: every owner is known.
   */
  isKnownOwner?: (owner: MailboxOwner, options?: AbortOptions) => Promise<boolean>
  limits?: Partial<MailboxLimits>
  /** @default Date.now */
  now?: () => number
}

/** Counters since start, for /metrics. */
export interface MailboxStats {
  deposited: number
  /** of `deposited`: without a valid delivery-token proof (the small shared quota) */
  untokened: number
  refused: number
  delivered: number
  acked: number
  expired: number
}

/** Per mailbox: what it holds, for the quota; `untokened*` is the part deposited without a delivery-token proof (absent = 0). */
interface Meta { count: number, bytes: number, untokenedCount?: number, untokenedBytes?: number }

type Op =
  | { kind: 'deposit', mbx: string, envelope: Uint8Array, tokened: boolean, resolve: (id: string) => void, reject: (err: Error) => void }
  | { kind: 'delete', mbx: string, ids: string[], expired: boolean, resolve: () => void, reject: (err: Error) => void }

const SYNC = { sync: true }
const encoder = new TextEncoder()
const decoder = new TextDecoder()
/** Expired envelopes are swept in chunks of this many. */
const SWEEP_CHUNK = 1000

/** A mailbox's key: the owner's identity key and device id, fixed length so that ranges never overlap. */
export function mailboxKey (owner: MailboxOwner): string {
  return `${toHex(owner.identityKey)}.${owner.deviceId.toString(16).padStart(8, '0')}`
}

/** The expiry index's value: the envelope's size, with a `u` suffix when it counts against the untokened quota. */
const sizeEntry = (size: number, tokened: boolean): Uint8Array => encoder.encode(tokened ? String(size) : `${size}u`)

/**
 * Keys: `e/<mailbox>/<id>` → envelope; `x/<id>/<mailbox>` → its size (expiry index, in time order; `u` suffix =
 * untokened); `q/<mailbox>` → Meta; `k/<mailbox>` → the owner's delivery key for this relay; `l` → the last id handed out (ids stay increasing across restarts even when
 * the clock steps back). All writes go through one queue and are committed together, synced.
 */
export class RelayMailboxStore implements MailboxBackend {
  readonly limits: MailboxLimits
  readonly stats: MailboxStats = { deposited: 0, untokened: 0, refused: 0, delivered: 0, acked: 0, expired: 0 }
  private readonly kv: KeyValueStore
  private readonly now: () => number
  private readonly isKnownOwner?: RelayMailboxStoreInit['isKnownOwner']
  private readonly queue: Op[] = []
  private committing = false
  private admission: Promise<void> = Promise.resolve()
  private readonly ids: TimeIds
  private readonly listeners = new Map<string, Set<(entry: MailboxEntry) => void>>()
  /** deposit rates are high-frequency and need not survive a restart: kept in memory */
  private readonly perPeer: RateLimiter
  private readonly requesters = new KeyedMutex()

  constructor (init: RelayMailboxStoreInit) {
    this.kv = init.kv
    this.limits = { ...DEFAULT_MAILBOX_LIMITS, ...init.limits }
    this.now = init.now ?? Date.now
    this.ids = new TimeIds(this.kv, this.now)
    this.isKnownOwner = init.isKnownOwner
    this.perPeer = new RateLimiter(new MemoryKeyValueStore(), this.limits.depositsPerPeer)
  }

  async deposit (owner: MailboxOwner, envelope: Uint8Array, requester: PeerId, options: DepositOptions = {}): Promise<string> {
    try {
      options.signal?.throwIfAborted()
      // admission runs in call order, so envelopes get ids (and reach their owner) in the order they were
      // deposited, even when the checks of pipelined deposits finish out of order; commits still group
      let committed: Promise<string> | undefined
      const admitted = this.admission.then(async () => {
        if (options.stream?.refused != null) throw options.stream.refused
        try {
          await this.checkRate(requester)
        } catch (err) {
          if (options.stream != null) options.stream.refused = err as Error
          throw err
        }
        if (envelope.length > MAX_ENVELOPE_BYTES) throw new EnvelopeTooLargeError()
        if (this.isKnownOwner != null && !(await this.isKnownOwner(owner, options))) throw new UnknownMailboxError()
        // a missing, wrong or stale proof is not refused: it counts as untokened (a contact holding a rotated token still gets through)
        const tokened = await this.proven(owner, envelope, options.proof)
        committed = new Promise<string>((resolve, reject) => { this.enqueue({ kind: 'deposit', mbx: mailboxKey(owner), envelope, tokened, resolve, reject }) })
          .then(id => {
            if (!tokened) this.stats.untokened++
            return id
          })
      })
      this.admission = admitted.catch(() => {})
      await admitted
      const id = await committed!
      this.stats.deposited++
      return id
    } catch (err) {
      this.stats.refused++
      throw err
    }
  }

  /** Whether `proof` is this envelope's proof under the owner's delivery key here. */
  private async proven (owner: MailboxOwner, envelope: Uint8Array, proof: Uint8Array | undefined): Promise<boolean> {
    if (proof == null || proof.length === 0) return false
    const key = await this.kv.get(`k/${mailboxKey(owner)}`)
    return key != null && checkDepositProof(key, owner.identityKey, owner.deviceId, envelope, proof)
  }

  /** Stores the owner's delivery key (the owner authenticated); a synced write only when it changed. */
  async setDeliveryKey (owner: MailboxOwner, key: Uint8Array, options: AbortOptions = {}): Promise<void> {
    if (key.length !== DELIVERY_KEY_BYTES) throw new InvalidMailboxRequestError(`a delivery key is ${DELIVERY_KEY_BYTES} bytes`)
    const at = `k/${mailboxKey(owner)}`
    const old = await this.kv.get(at, options)
    if (old != null && old.length === key.length && old.every((b, i) => b === key[i])) return
    await this.kv.put(at, Uint8Array.from(key), { ...options, ...SYNC })
  }

  private async checkRate (requester: PeerId): Promise<void> {
    const who = requester.toString()
    await this.requesters.run(who, async () => {
      const now = this.now()
      const check = await this.perPeer.check(who, now)
      if (check.retryAfterMs > 0) throw new RateLimitedError(check.retryAfterMs, `too many deposits; retry in ${Math.ceil(check.retryAfterMs / 1000)} s`)
      await this.perPeer.record(who, check, now)
    })
  }

  async list (owner: MailboxOwner, after: string | undefined, limit: number, maxBytes: number, options: AbortOptions = {}): Promise<MailboxEntry[]> {
    if (after != null && !TIME_ID_PATTERN.test(after)) throw new InvalidMailboxRequestError('not a mailbox cursor')
    const prefix = `e/${mailboxKey(owner)}/`
    const oldest = timeIdOf(Math.max(0, this.now() - this.limits.ttlMs), 0)
    const out: MailboxEntry[] = []
    let bytes = 0
    for await (const { key, value } of this.kv.iterate({ prefix, limit, ...(after != null ? { gt: prefix + after } : {}) }, options)) {
      const id = key.slice(prefix.length)
      if (id < oldest) continue
      out.push({ id, envelope: value, receivedAt: timeOfId(id) })
      bytes += value.length
      if (bytes >= maxBytes) break
    }
    this.stats.delivered += out.length
    return out
  }

  async ack (owner: MailboxOwner, ids: string[], options: AbortOptions = {}): Promise<void> {
    options.signal?.throwIfAborted()
    await new Promise<void>((resolve, reject) => { this.enqueue({ kind: 'delete', mbx: mailboxKey(owner), ids, expired: false, resolve, reject }) })
  }

  subscribe (owner: MailboxOwner, listener: (entry: MailboxEntry) => void): () => void {
    const mbx = mailboxKey(owner)
    let set = this.listeners.get(mbx)
    if (set == null) {
      set = new Set()
      this.listeners.set(mbx, set)
    }
    set.add(listener)
    return () => {
      set.delete(listener)
      if (set.size === 0 && this.listeners.get(mbx) === set) this.listeners.delete(mbx)
    }
  }

  /** What one mailbox holds (for tests and operators). */
  async usage (owner: MailboxOwner): Promise<{ count: number, bytes: number }> {
    const { count, bytes } = await this.meta(mailboxKey(owner))
    return { count, bytes }
  }

  /** The part of `usage` deposited without a delivery-token proof (the small shared quota). */
  async untokenedUsage (owner: MailboxOwner): Promise<{ count: number, bytes: number }> {
    const m = await this.meta(mailboxKey(owner))
    return { count: m.untokenedCount ?? 0, bytes: m.untokenedBytes ?? 0 }
  }

  /** Deletes expired envelopes (synced, through the same queue as deposits) and idle rate records; resolves with how many expired. */
  async sweep (): Promise<number> {
    const now = this.now()
    await this.perPeer.sweep(now)
    const cutoff = `x/${timeIdOf(Math.max(0, now - this.limits.ttlMs), 0)}`
    let total = 0
    while (true) {
      const byMailbox = new Map<string, string[]>()
      let n = 0
      for await (const { key } of this.kv.iterate({ prefix: 'x/', lt: cutoff, limit: SWEEP_CHUNK })) {
        const [, id, mbx] = key.split('/')
        byMailbox.set(mbx, [...(byMailbox.get(mbx) ?? []), id])
        n++
      }
      if (n === 0) return total
      await Promise.all([...byMailbox].map(async ([mbx, ids]) => { await new Promise<void>((resolve, reject) => { this.enqueue({ kind: 'delete', mbx, ids, expired: true, resolve, reject }) }) }))
      total += n
    }
  }

  private enqueue (op: Op): void {
    this.queue.push(op)
    void this.pump()
  }

  private async pump (): Promise<void> {
    if (this.committing) return
    this.committing = true
    try {
      while (this.queue.length > 0) await this.commit(this.queue.splice(0, MAX_GROUP_COMMIT))
    } finally {
      this.committing = false
    }
  }

  private async meta (mbx: string): Promise<Meta> {
    const raw = await this.kv.get(`q/${mbx}`)
    return raw == null ? { count: 0, bytes: 0 } : JSON.parse(decoder.decode(raw)) as Meta
  }

  /** One synced batch for many operations; quotas are checked against the state this batch builds. A failed write fails every operation in it and stores nothing. */
  private async commit (batch: Op[]): Promise<void> {
    const done: Array<() => void> = []
    const ops: KeyValueBatchOperation[] = []
    try {
      await this.ids.load()
      const metas = new Map<string, Meta>()
      const meta = async (mbx: string): Promise<Meta> => {
        let m = metas.get(mbx)
        if (m == null) {
          m = await this.meta(mbx)
          metas.set(mbx, m)
        }
        return m
      }
      const deleted = new Set<string>()
      /** mailboxes whose meta this batch changed: an ack of ids already gone writes nothing (no fsync) */
      const changed = new Set<string>()
      let lastId: string | undefined
      for (const op of batch) {
        const m = await meta(op.mbx)
        if (op.kind === 'deposit') {
          if (m.count + 1 > this.limits.maxEnvelopesPerMailbox || m.bytes + op.envelope.length > this.limits.maxBytesPerMailbox) {
            done.push(() => { op.reject(new MailboxFullError(`the mailbox holds its quota (${this.limits.maxEnvelopesPerMailbox} envelopes, ${this.limits.maxBytesPerMailbox} bytes)`)) })
            continue
          }
          if (!op.tokened && ((m.untokenedCount ?? 0) + 1 > this.limits.maxUntokenedEnvelopesPerMailbox || (m.untokenedBytes ?? 0) + op.envelope.length > this.limits.maxUntokenedBytesPerMailbox)) {
            done.push(() => { op.reject(new MailboxFullError(`the mailbox holds its quota for senders without the owner's delivery token (${this.limits.maxUntokenedEnvelopesPerMailbox} envelopes, ${this.limits.maxUntokenedBytesPerMailbox} bytes)`)) })
            continue
          }
          const id = lastId = this.ids.next()
          ops.push({ type: 'put', key: `e/${op.mbx}/${id}`, value: op.envelope })
          ops.push({ type: 'put', key: `x/${id}/${op.mbx}`, value: sizeEntry(op.envelope.length, op.tokened) })
          m.count++
          m.bytes += op.envelope.length
          changed.add(op.mbx)
          if (!op.tokened) {
            m.untokenedCount = (m.untokenedCount ?? 0) + 1
            m.untokenedBytes = (m.untokenedBytes ?? 0) + op.envelope.length
          }
          const entry: MailboxEntry = { id, envelope: op.envelope, receivedAt: timeOfId(id) }
          done.push(() => {
            op.resolve(id)
            this.emit(op.mbx, entry)
          })
        } else {
          let n = 0
          for (const id of op.ids) {
            if (typeof id !== 'string' || !TIME_ID_PATTERN.test(id)) continue
            const index = `x/${id}/${op.mbx}`
            if (deleted.has(index)) continue
            const size = await this.kv.get(index)
            if (size == null) continue
            deleted.add(index)
            ops.push({ type: 'del', key: `e/${op.mbx}/${id}` }, { type: 'del', key: index })
            const entry = decoder.decode(size)
            const bytes = parseInt(entry, 10) || 0
            m.count = Math.max(0, m.count - 1)
            m.bytes = Math.max(0, m.bytes - bytes)
            if (entry.endsWith('u')) {
              m.untokenedCount = Math.max(0, (m.untokenedCount ?? 0) - 1)
              m.untokenedBytes = Math.max(0, (m.untokenedBytes ?? 0) - bytes)
            }
            n++
            changed.add(op.mbx)
          }
          done.push(() => {
            if (op.expired) this.stats.expired += n
            else this.stats.acked += n
            op.resolve()
          })
        }
      }
      for (const mbx of changed) {
        const m = metas.get(mbx)!
        ops.push(m.count === 0 ? { type: 'del', key: `q/${mbx}` } : { type: 'put', key: `q/${mbx}`, value: encoder.encode(JSON.stringify(m)) })
      }
      if (lastId != null) ops.push({ type: 'put', key: LAST_TIME_ID_KEY, value: encoder.encode(lastId) })
      if (ops.length > 0) await this.kv.batch(ops, SYNC)
    } catch (err) {
      for (const op of batch) op.reject(err as Error)
      return
    }
    for (const d of done) d()
  }

  private emit (mbx: string, entry: MailboxEntry): void {
    for (const listener of this.listeners.get(mbx) ?? []) {
      try {
        listener(entry)
      } catch {
        // a listener's failure is its session's business
      }
    }
  }
}
