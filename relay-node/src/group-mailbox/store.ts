/** The relay's group message store over one KeyValueStore: each message once per topic under a time-ordered position, a cursor per registered owner device, deposits checked against the topic's deposit check, group-committed synced writes with per-topic and per-device quotas, deletion once every device acked or after the TTL. Never parses a message, never records who deposited it, never learns a group. */
import type { AbortOptions, PeerId } from '@libp2p/interface'
import { LAST_TIME_ID_KEY, TIME_ID_PATTERN, TimeIds, timeIdOf, timeOfId } from '../time-ids.js'
import {
  GroupMailboxAuthError, GroupMessageTooLargeError, GroupTopicFullError, InvalidGroupMailboxRequestError, RateLimitedError, UnknownGroupTopicError,
  GROUP_DEPOSIT_CHECK_BYTES, GROUP_DEPOSIT_KEY_BYTES, GROUP_MESSAGE_REF_BYTES, GROUP_TOPIC_BYTES, MAX_GROUP_MESSAGE_BYTES, MAX_REFS_PER_GET,
  groupDepositCheck, groupMessageRef,
  type GroupDepositReceipt, type GroupMailboxBackend, type GroupMailboxOwner, type GroupMessageEntry, type GroupTopic
} from '../../../src/protocols/group-mailbox/index.js'
import { MemoryKeyValueStore, type KeyValueBatchOperation, type KeyValueStore } from '../../../src/storage/index.js'
import { constantTimeEqual, fromHex, toHex } from '../../../src/crypto/bytes.js'
import { KeyedMutex } from '../../../src/util/keyed-mutex.js'
import { RateLimiter } from '../rate-limit.js'
import { mailboxKey } from '../mailbox/index.js'
import { DEFAULT_GROUP_MAILBOX_LIMITS, DELETE_CHUNK, MAX_GROUP_MAILBOX_COMMIT, REGISTRATION_TOUCH_MS, type GroupMailboxLimits } from './limits.js'

export interface RelayGroupMailboxStoreInit {
  /** e.g. `storage.kv('relay-group-mailbox')`; every write is synced */
  kv: KeyValueStore
  /**
   * Whether `owner` is an owner device here (may register topics); others are refused with GroupMailboxAuthError.
   * The relay passes "has uploaded prekeys here", as for mailboxes. Absent: every device is.
   */
  isKnownOwner?: (owner: GroupMailboxOwner, options?: AbortOptions) => Promise<boolean>
  limits?: Partial<GroupMailboxLimits>
  /** @default Date.now */
  now?: () => number
}

/** Counters since start, for /metrics. */
export interface GroupMailboxStats {
  /** messages stored (synced) */
  deposited: number
  /** deposits of bytes already stored in the topic (answered with the stored position, nothing written) */
  duplicates: number
  /** deposits refused (unknown topic or wrong key, quota, rate, size) */
  refused: number
  /** messages sent to devices (fetches and gets by ref) */
  delivered: number
  /** messages deleted because every registered device's cursor passed them */
  acked: number
  /** messages deleted unfetched after the TTL */
  expired: number
}

/** A topic here: its deposit check, the generation of its keys, what it holds, the last position handed out in it, its registrations. */
interface TopicMeta { check: string, gen: string, count: number, bytes: number, last: string, regs: number }
/** One device's registration of one topic: what it acked, and when it last fetched or acked. */
interface Registration { cursor: string, usedAt: number }
/** Work an unregistration leaves: topics to trim (a cursor may be the minimum no more), generations to purge (the topic went). */
interface FollowUp { trims: string[], purges: string[] }

type Settle<T> = { resolve: (value: T) => void, reject: (err: Error) => void }
type BatchOp =
  | { kind: 'deposit', topic: string, check: Uint8Array, message: Uint8Array, ref: string } & Settle<GroupDepositReceipt>
  | { kind: 'register', device: string, topics: Map<string, string> } & Settle<void>
  | { kind: 'unregister', device: string, topics: string[], staleBefore?: number } & Settle<FollowUp>
  | { kind: 'ack', device: string, topic: string, position: string } & Settle<{ cursor: string, moved: boolean }>
  | { kind: 'touch', device: string, topic: string } & Settle<void>
/** Deletions run alone in their batch, so they read only committed state. */
type MaintenanceOp =
  | { kind: 'trim', topic: string } & Settle<boolean>
  | { kind: 'purge', instance: string } & Settle<boolean>
  | { kind: 'expire', cutoff: string } & Settle<boolean>
type Op = BatchOp | MaintenanceOp
/** Distributes over the union: an op without its settle functions (enqueue adds them). */
type Request<T extends Op> = T extends Op ? Omit<T, 'resolve' | 'reject'> : never

const SYNC = { sync: true }
const encoder = new TextEncoder()
const decoder = new TextDecoder()
const json = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value))
/** A message's index value: its size and ref. */
const indexEntry = (size: number, ref: string): Uint8Array => encoder.encode(`${size}:${ref}`)
const parseIndex = (raw: Uint8Array): { size: number, ref: string } => {
  const [size, ref] = decoder.decode(raw).split(':')
  return { size: parseInt(size, 10) || 0, ref: ref ?? '' }
}
const isMaintenance = (op: Op): op is MaintenanceOp => op.kind === 'trim' || op.kind === 'purge' || op.kind === 'expire'

/** The keys of one stored message of a topic generation (`<topic hex>.<gen>`). */
function messageKeys (instance: string, position: string, ref: string): KeyValueBatchOperation[] {
  return [
    { type: 'del', key: `m/${instance}/${position}` },
    { type: 'del', key: `p/${instance}/${position}` },
    { type: 'del', key: `r/${instance}/${ref}` },
    { type: 'del', key: `x/${position}/${instance}` }
  ]
}

async function readJson<T> (kv: KeyValueStore, key: string, options?: AbortOptions): Promise<T | undefined> {
  const raw = await kv.get(key, options)
  return raw == null ? undefined : JSON.parse(decoder.decode(raw)) as T
}

function checkSize (what: string, bytes: Uint8Array, size: number): void {
  if (bytes.length !== size) throw new InvalidGroupMailboxRequestError(`${what} must be ${size} bytes`)
}

/** One batch's view of topics, registrations and device topic counts: read once from the store, then changed in memory and written at the end. */
class BatchState {
  private readonly topics = new Map<string, TopicMeta | null>()
  private readonly regs = new Map<string, Registration | null>()
  private readonly counts = new Map<string, number>()
  /** refs stored (a position) or deleted (null) in this batch, by `r/<instance>/<ref>` */
  readonly refs = new Map<string, string | null>()
  private readonly dirtyTopics = new Set<string>()
  private readonly dirtyRegs = new Set<string>()

  constructor (private readonly kv: KeyValueStore) {}

  async topic (topic: string): Promise<TopicMeta | null> {
    if (!this.topics.has(topic)) this.topics.set(topic, await readJson<TopicMeta>(this.kv, `t/${topic}`) ?? null)
    return this.topics.get(topic)!
  }

  setTopic (topic: string, meta: TopicMeta | null): void {
    this.topics.set(topic, meta)
    this.dirtyTopics.add(topic)
  }

  async reg (topic: string, device: string): Promise<Registration | null> {
    const key = `${topic}/${device}`
    if (!this.regs.has(key)) this.regs.set(key, await readJson<Registration>(this.kv, `c/${key}`) ?? null)
    return this.regs.get(key)!
  }

  setReg (topic: string, device: string, reg: Registration | null): void {
    const key = `${topic}/${device}`
    this.regs.set(key, reg)
    this.dirtyRegs.add(key)
  }

  /** Topics the device has registered, as this batch has left them. */
  async deviceCount (device: string): Promise<number> {
    if (!this.counts.has(device)) {
      let n = 0
      for await (const _ of this.kv.iterate({ prefix: `d/${device}/` })) n++
      this.counts.set(device, n)
    }
    return this.counts.get(device)!
  }

  async addToCount (device: string, delta: number): Promise<void> {
    this.counts.set(device, await this.deviceCount(device) + delta)
  }

  /** The final state of everything changed, as writes. */
  writes (): KeyValueBatchOperation[] {
    const ops: KeyValueBatchOperation[] = []
    for (const topic of this.dirtyTopics) {
      const meta = this.topics.get(topic)
      ops.push(meta == null ? { type: 'del', key: `t/${topic}` } : { type: 'put', key: `t/${topic}`, value: json(meta) })
    }
    for (const key of this.dirtyRegs) {
      const reg = this.regs.get(key)
      ops.push(reg == null ? { type: 'del', key: `c/${key}` } : { type: 'put', key: `c/${key}`, value: json(reg) })
    }
    return ops
  }
}

/**
 * Keys (`<topic>` is 64 hex digits, `<device>` the mailbox's owner key, `<instance>` = `<topic>.<gen>`):
 * `t/<topic>` → TopicMeta; `c/<topic>/<device>` → Registration; `d/<device>/<topic>` → '' (the device's topics);
 * `m/<instance>/<position>` → message; `p/<instance>/<position>` → `size:ref`; `r/<instance>/<ref>` → position;
 * `x/<position>/<instance>` → '' (expiry index, in time order); `g/<instance>` → '' (a deleted topic's generation
 * still being purged); `l` → the last position handed out (positions stay increasing across restarts even when the
 * clock steps back). A topic created again after it was deleted gets a new generation, so leftovers of the old
 * one never mix with it. All writes go through one queue, committed together and synced.
 */
export class RelayGroupMailboxStore implements GroupMailboxBackend {
  readonly limits: GroupMailboxLimits
  readonly stats: GroupMailboxStats = { deposited: 0, duplicates: 0, refused: 0, delivered: 0, acked: 0, expired: 0 }
  private readonly kv: KeyValueStore
  private readonly now: () => number
  private readonly isKnownOwner?: RelayGroupMailboxStoreInit['isKnownOwner']
  private readonly queue: Op[] = []
  private committing = false
  private readonly ids: TimeIds
  /** deposit and get rates are high-frequency and need not survive a restart: kept in memory */
  private readonly deposits: RateLimiter
  private readonly gets: RateLimiter
  private readonly requesters = new KeyedMutex()
  /** a fetch rewrites a registration's last use only when it is older than this */
  private readonly touchMs: number

  constructor (init: RelayGroupMailboxStoreInit) {
    this.kv = init.kv
    this.limits = { ...DEFAULT_GROUP_MAILBOX_LIMITS, ...init.limits }
    this.now = init.now ?? Date.now
    this.ids = new TimeIds(this.kv, this.now)
    this.isKnownOwner = init.isKnownOwner
    this.deposits = new RateLimiter(new MemoryKeyValueStore(), this.limits.depositsPerPeer)
    this.gets = new RateLimiter(new MemoryKeyValueStore(), this.limits.getsPerPeer)
    this.touchMs = Math.min(REGISTRATION_TOUCH_MS, Math.floor(this.limits.ttlMs / 10))
  }

  async deposit (topic: Uint8Array, depositKey: Uint8Array, message: Uint8Array, requester: PeerId, options: AbortOptions = {}): Promise<GroupDepositReceipt> {
    try {
      options.signal?.throwIfAborted()
      checkSize('the topic', topic, GROUP_TOPIC_BYTES)
      checkSize('the deposit key', depositKey, GROUP_DEPOSIT_KEY_BYTES)
      if (message.length === 0) throw new InvalidGroupMailboxRequestError('empty message')
      if (message.length > MAX_GROUP_MESSAGE_BYTES) throw new GroupMessageTooLargeError(`group messages are at most ${MAX_GROUP_MESSAGE_BYTES} bytes`)
      await this.checkRate(this.deposits, requester, 'deposits')
      return await this.enqueue<GroupDepositReceipt>({ kind: 'deposit', topic: toHex(topic), check: groupDepositCheck(depositKey), message: Uint8Array.from(message), ref: toHex(groupMessageRef(message)) })
    } catch (err) {
      this.stats.refused++
      throw err
    }
  }

  async getByRef (topic: Uint8Array, depositKey: Uint8Array, refs: Uint8Array[], requester: PeerId, options: AbortOptions = {}): Promise<GroupMessageEntry[]> {
    checkSize('the topic', topic, GROUP_TOPIC_BYTES)
    checkSize('the deposit key', depositKey, GROUP_DEPOSIT_KEY_BYTES)
    if (refs.length > MAX_REFS_PER_GET) throw new InvalidGroupMailboxRequestError(`at most ${MAX_REFS_PER_GET} refs per request`)
    for (const ref of refs) checkSize('a ref', ref, GROUP_MESSAGE_REF_BYTES)
    await this.checkRate(this.gets, requester, 'requests')
    const t = toHex(topic)
    const meta = await readJson<TopicMeta>(this.kv, `t/${t}`, options)
    // no topic and the wrong key are one answer: a prober learns nothing
    if (meta == null || !constantTimeEqual(fromHex(meta.check), groupDepositCheck(depositKey))) throw new UnknownGroupTopicError()
    const instance = `${t}.${meta.gen}`
    const oldest = this.oldest()
    const out: GroupMessageEntry[] = []
    for (const ref of new Set(refs.map(toHex))) {
      const raw = await this.kv.get(`r/${instance}/${ref}`, options)
      if (raw == null) continue
      const position = decoder.decode(raw)
      if (position < oldest) continue
      const message = await this.kv.get(`m/${instance}/${position}`, options)
      if (message != null) out.push({ ref: fromHex(ref), position, message, receivedAt: timeOfId(position) })
    }
    out.sort((a, b) => a.position < b.position ? -1 : 1)
    this.stats.delivered += out.length
    return out
  }

  async register (owner: GroupMailboxOwner, topics: GroupTopic[], options: AbortOptions = {}): Promise<void> {
    options.signal?.throwIfAborted()
    if (topics.length === 0) throw new InvalidGroupMailboxRequestError('no topics to register')
    const wanted = new Map<string, string>()
    for (const t of topics) {
      checkSize('the topic', t.topic, GROUP_TOPIC_BYTES)
      checkSize('the deposit check', t.depositCheck, GROUP_DEPOSIT_CHECK_BYTES)
      const topic = toHex(t.topic)
      const check = toHex(t.depositCheck)
      if (wanted.has(topic) && wanted.get(topic) !== check) throw new InvalidGroupMailboxRequestError('one topic with two deposit checks')
      wanted.set(topic, check)
    }
    if (this.isKnownOwner != null && !(await this.isKnownOwner(owner, options))) throw new GroupMailboxAuthError('this relay keeps no mailbox for this device: it uploaded no prekeys here')
    await this.enqueue<void>({ kind: 'register', device: mailboxKey(owner), topics: wanted })
  }

  async unregister (owner: GroupMailboxOwner, topics: Uint8Array[], options: AbortOptions = {}): Promise<void> {
    options.signal?.throwIfAborted()
    for (const topic of topics) checkSize('the topic', topic, GROUP_TOPIC_BYTES)
    if (topics.length === 0) return
    await this.followUp(await this.enqueue<FollowUp>({ kind: 'unregister', device: mailboxKey(owner), topics: [...new Set(topics.map(toHex))] }))
  }

  async list (owner: GroupMailboxOwner, topic: Uint8Array, after: string | undefined, limit: number, maxBytes: number, options: AbortOptions = {}): Promise<GroupMessageEntry[]> {
    checkSize('the topic', topic, GROUP_TOPIC_BYTES)
    if (after != null && !TIME_ID_PATTERN.test(after)) throw new InvalidGroupMailboxRequestError('not a position')
    const t = toHex(topic)
    const device = mailboxKey(owner)
    const reg = await readJson<Registration>(this.kv, `c/${t}/${device}`, options)
    const meta = await readJson<TopicMeta>(this.kv, `t/${t}`, options)
    if (reg == null || meta == null) throw new UnknownGroupTopicError('this device has not registered this topic here')
    const prefix = `m/${t}.${meta.gen}/`
    const oldest = this.oldest()
    const out: GroupMessageEntry[] = []
    let bytes = 0
    for await (const { key, value } of this.kv.iterate({ prefix, gt: prefix + (after ?? reg.cursor), limit }, options)) {
      const position = key.slice(prefix.length)
      if (position < oldest) continue
      out.push({ ref: groupMessageRef(value), position, message: value, receivedAt: timeOfId(position) })
      bytes += value.length
      if (bytes >= maxBytes) break
    }
    if (this.now() - reg.usedAt >= this.touchMs) await this.enqueue<void>({ kind: 'touch', device, topic: t })
    this.stats.delivered += out.length
    return out
  }

  async ack (owner: GroupMailboxOwner, topic: Uint8Array, position: string, options: AbortOptions = {}): Promise<string> {
    options.signal?.throwIfAborted()
    checkSize('the topic', topic, GROUP_TOPIC_BYTES)
    if (!TIME_ID_PATTERN.test(position)) throw new InvalidGroupMailboxRequestError('not a position')
    const t = toHex(topic)
    const { cursor, moved } = await this.enqueue<{ cursor: string, moved: boolean }>({ kind: 'ack', device: mailboxKey(owner), topic: t, position })
    if (moved) await this.soon({ kind: 'trim', topic: t })
    return cursor
  }

  /** What one topic holds and how many devices registered it; undefined when it is not here (for tests and operators). */
  async usage (topic: Uint8Array): Promise<{ count: number, bytes: number, registrations: number } | undefined> {
    const meta = await readJson<TopicMeta>(this.kv, `t/${toHex(topic)}`)
    return meta == null ? undefined : { count: meta.count, bytes: meta.bytes, registrations: meta.regs }
  }

  /**
   * Drops registrations unused for the TTL (a topic whose last one goes is deleted), finishes purging deleted
   * topics, deletes expired messages and what every device has acked, and forgets idle rate records. Every
   * deletion is synced and goes through the same queue as deposits. Resolves with how many messages expired.
   */
  async sweep (): Promise<number> {
    const now = this.now()
    await this.deposits.sweep(now)
    await this.gets.sweep(now)
    const staleBefore = now - this.limits.ttlMs
    let after = 'c/'
    while (true) {
      const stale = new Map<string, string[]>()
      let scanned = 0
      for await (const { key, value } of this.kv.iterate({ prefix: 'c/', gt: after, limit: DELETE_CHUNK })) {
        scanned++
        after = key
        const reg = JSON.parse(decoder.decode(value)) as Registration
        if (reg.usedAt >= staleBefore) continue
        const [, topic, device] = key.split('/')
        stale.set(device, [...(stale.get(device) ?? []), topic])
      }
      for (const [device, topics] of stale) await this.followUp(await this.enqueue<FollowUp>({ kind: 'unregister', device, topics, staleBefore }))
      if (scanned < DELETE_CHUNK) break
    }
    for (const instance of await this.keysAfter('g/')) await this.purgeAll(instance)
    const cutoff = this.oldest()
    const expiredBefore = this.stats.expired
    while (await this.enqueue<boolean>({ kind: 'expire', cutoff }));
    for (const topic of await this.keysAfter('t/')) await this.trimAll(topic)
    return this.stats.expired - expiredBefore
  }

  /** The first position not expired now. */
  private oldest (): string {
    return timeIdOf(Math.max(0, this.now() - this.limits.ttlMs), 0)
  }

  private async checkRate (limiter: RateLimiter, requester: PeerId, what: string): Promise<void> {
    const who = requester.toString()
    await this.requesters.run(who, async () => {
      const now = this.now()
      const check = await limiter.check(who, now)
      if (check.retryAfterMs > 0) throw new RateLimitedError(check.retryAfterMs, `too many ${what}; retry in ${Math.ceil(check.retryAfterMs / 1000)} s`)
      await limiter.record(who, check, now)
    })
  }

  /** The rest of every key under `prefix` (a few hundred at most: topics, purges). */
  private async keysAfter (prefix: string): Promise<string[]> {
    const out: string[] = []
    for await (const { key } of this.kv.iterate({ prefix })) out.push(key.slice(prefix.length))
    return out
  }

  /** What an unregistration leaves, each begun before the caller is answered (see `soon`). */
  private async followUp (work: FollowUp): Promise<void> {
    for (const instance of work.purges) await this.soon({ kind: 'purge', instance })
    for (const topic of work.trims) await this.soon({ kind: 'trim', topic })
  }

  /**
   * Runs the first chunk of a deletion before resolving (an ack of a page, a small topic's purge: all of it) and
   * the rest in the background, so an answer never waits for a huge deletion; what a failure or a restart leaves,
   * the sweep finishes (it trims every topic and purges every marked generation).
   */
  private async soon (step: Request<Extract<MaintenanceOp, { kind: 'trim' | 'purge' }>>): Promise<void> {
    if (!(await this.enqueue<boolean>(step))) return
    const rest = step.kind === 'trim' ? this.trimAll(step.topic) : this.purgeAll(step.instance)
    rest.catch(() => {})
  }

  private async trimAll (topic: string): Promise<void> {
    while (await this.enqueue<boolean>({ kind: 'trim', topic }));
  }

  private async purgeAll (instance: string): Promise<void> {
    while (await this.enqueue<boolean>({ kind: 'purge', instance }));
  }

  private async enqueue<T> (request: Request<Op>): Promise<T> {
    return await new Promise<T>((resolve, reject) => {
      this.queue.push({ ...request, resolve, reject } as unknown as Op)
      void this.pump()
    })
  }

  /** Takes the queue in order: a run of ordinary operations (up to MAX_GROUP_MAILBOX_COMMIT) per batch, each deletion on its own. */
  private async pump (): Promise<void> {
    if (this.committing) return
    this.committing = true
    try {
      while (this.queue.length > 0) {
        const head = this.queue[0]
        if (isMaintenance(head)) {
          this.queue.shift()
          await this.maintain(head)
          continue
        }
        let n = 0
        while (n < this.queue.length && n < MAX_GROUP_MAILBOX_COMMIT && !isMaintenance(this.queue[n])) n++
        await this.commit(this.queue.splice(0, n) as BatchOp[])
      }
    } finally {
      this.committing = false
    }
  }

  /** One synced batch for many operations, each seeing the effects of those before it. A failed write fails every operation in it and stores nothing. */
  private async commit (batch: BatchOp[]): Promise<void> {
    const done: Array<() => void> = []
    const ops: KeyValueBatchOperation[] = []
    try {
      await this.ids.load()
      const state = new BatchState(this.kv)
      let last: string | undefined
      const next = (): string => (last = this.ids.next())
      for (const op of batch) {
        switch (op.kind) {
          case 'deposit': await this.depositOp(op, state, ops, done, next); break
          case 'register': await this.registerOp(op, state, ops, done, next); break
          case 'unregister': await this.unregisterOp(op, state, ops, done); break
          case 'ack': await this.ackOp(op, state, done); break
          case 'touch': {
            const reg = await state.reg(op.topic, op.device)
            if (reg != null) state.setReg(op.topic, op.device, { ...reg, usedAt: this.now() })
            done.push(() => { op.resolve() })
          }
        }
      }
      ops.push(...state.writes())
      if (last != null) ops.push({ type: 'put', key: LAST_TIME_ID_KEY, value: encoder.encode(last) })
      if (ops.length > 0) await this.kv.batch(ops, SYNC)
    } catch (err) {
      for (const op of batch) op.reject(err as Error)
      return
    }
    for (const d of done) d()
  }

  private async depositOp (op: Extract<BatchOp, { kind: 'deposit' }>, state: BatchState, ops: KeyValueBatchOperation[], done: Array<() => void>, next: () => string): Promise<void> {
    const meta = await state.topic(op.topic)
    // no topic and the wrong key are one answer: a prober learns nothing
    if (meta == null || !constantTimeEqual(fromHex(meta.check), op.check)) {
      done.push(() => { op.reject(new UnknownGroupTopicError()) })
      return
    }
    const instance = `${op.topic}.${meta.gen}`
    const refKey = `r/${instance}/${op.ref}`
    const existing = state.refs.has(refKey) ? state.refs.get(refKey) : await this.kv.get(refKey).then(raw => raw == null ? null : decoder.decode(raw))
    if (existing != null && existing >= this.oldest()) {
      done.push(() => {
        this.stats.duplicates++
        op.resolve({ ref: fromHex(op.ref), position: existing })
      })
      return
    }
    if (existing != null) {
      // the same bytes, expired but not yet swept: replaced by the new deposit (one entry per ref)
      const raw = await this.kv.get(`p/${instance}/${existing}`)
      ops.push(...messageKeys(instance, existing, op.ref))
      state.refs.set(refKey, null)
      meta.count = Math.max(0, meta.count - 1)
      meta.bytes = Math.max(0, meta.bytes - (raw == null ? 0 : parseIndex(raw).size))
    }
    if (meta.count + 1 > this.limits.maxMessagesPerTopic || meta.bytes + op.message.length > this.limits.maxBytesPerTopic) {
      state.setTopic(op.topic, meta)
      done.push(() => { op.reject(new GroupTopicFullError(`the topic holds its quota (${this.limits.maxMessagesPerTopic} messages, ${this.limits.maxBytesPerTopic} bytes)`)) })
      return
    }
    const position = next()
    ops.push(
      { type: 'put', key: `m/${instance}/${position}`, value: op.message },
      { type: 'put', key: `p/${instance}/${position}`, value: indexEntry(op.message.length, op.ref) },
      { type: 'put', key: refKey, value: encoder.encode(position) },
      { type: 'put', key: `x/${position}/${instance}`, value: new Uint8Array(0) }
    )
    meta.count++
    meta.bytes += op.message.length
    meta.last = position
    state.setTopic(op.topic, meta)
    state.refs.set(refKey, position)
    done.push(() => {
      this.stats.deposited++
      op.resolve({ ref: fromHex(op.ref), position })
    })
  }

  /** All or nothing: every topic is checked (deposit check, quota) before any is registered. */
  private async registerOp (op: Extract<BatchOp, { kind: 'register' }>, state: BatchState, ops: KeyValueBatchOperation[], done: Array<() => void>, next: () => string): Promise<void> {
    let added = 0
    for (const [topic, check] of op.topics) {
      const meta = await state.topic(topic)
      if (meta != null && !constantTimeEqual(fromHex(meta.check), fromHex(check))) {
        // the registrant does not hold the group's deposit key: answered like a deposit with the wrong key
        done.push(() => { op.reject(new UnknownGroupTopicError('this topic is kept here with another deposit check')) })
        return
      }
      if (await state.reg(topic, op.device) == null) added++
    }
    if (await state.deviceCount(op.device) + added > this.limits.maxTopicsPerDevice) {
      done.push(() => { op.reject(new GroupTopicFullError(`this device holds its quota of ${this.limits.maxTopicsPerDevice} topics here`)) })
      return
    }
    const now = this.now()
    for (const [topic, check] of op.topics) {
      const meta = await state.topic(topic) ?? { check, gen: next(), count: 0, bytes: 0, last: '', regs: 0 }
      const reg = await state.reg(topic, op.device)
      if (reg == null) {
        // a new member gets no history from before it registered
        state.setReg(topic, op.device, { cursor: meta.last, usedAt: now })
        meta.regs++
        ops.push({ type: 'put', key: `d/${op.device}/${topic}`, value: new Uint8Array(0) })
        await state.addToCount(op.device, 1)
      } else {
        state.setReg(topic, op.device, { ...reg, usedAt: now })
      }
      state.setTopic(topic, meta)
    }
    done.push(() => { op.resolve() })
  }

  private async unregisterOp (op: Extract<BatchOp, { kind: 'unregister' }>, state: BatchState, ops: KeyValueBatchOperation[], done: Array<() => void>): Promise<void> {
    const work: FollowUp = { trims: [], purges: [] }
    for (const topic of op.topics) {
      const reg = await state.reg(topic, op.device)
      if (reg == null) continue
      // the sweeper's drop of an unused registration loses to a fetch or ack that came in since it looked
      if (op.staleBefore != null && reg.usedAt >= op.staleBefore) continue
      state.setReg(topic, op.device, null)
      ops.push({ type: 'del', key: `d/${op.device}/${topic}` })
      await state.addToCount(op.device, -1)
      const meta = await state.topic(topic)
      if (meta == null) continue
      meta.regs--
      if (meta.regs > 0) {
        state.setTopic(topic, meta)
        work.trims.push(topic)
      } else {
        // the last registration went: the topic goes now, its messages are purged in chunks after
        const instance = `${topic}.${meta.gen}`
        state.setTopic(topic, null)
        ops.push({ type: 'put', key: `g/${instance}`, value: new Uint8Array(0) })
        work.purges.push(instance)
      }
    }
    done.push(() => { op.resolve(work) })
  }

  /** The cursor moves forward only, and never past the topic's last position (a position from the future would skip messages not yet deposited). */
  private async ackOp (op: Extract<BatchOp, { kind: 'ack' }>, state: BatchState, done: Array<() => void>): Promise<void> {
    const reg = await state.reg(op.topic, op.device)
    const meta = await state.topic(op.topic)
    if (reg == null || meta == null) {
      done.push(() => { op.reject(new UnknownGroupTopicError('this device has not registered this topic here')) })
      return
    }
    const target = op.position < meta.last ? op.position : meta.last
    const moved = target > reg.cursor
    const now = this.now()
    if (moved || now - reg.usedAt >= this.touchMs) state.setReg(op.topic, op.device, { cursor: moved ? target : reg.cursor, usedAt: now })
    const cursor = moved ? target : reg.cursor
    done.push(() => { op.resolve({ cursor, moved }) })
  }

  /** One deletion step, alone in its synced batch; resolves with whether there is more to do. */
  private async maintain (op: MaintenanceOp): Promise<void> {
    try {
      if (op.kind === 'trim') op.resolve(await this.trimStep(op.topic))
      else if (op.kind === 'purge') op.resolve(await this.purgeStep(op.instance))
      else op.resolve(await this.expireStep(op.cutoff))
    } catch (err) {
      op.reject(err as Error)
    }
  }

  /** Deletes up to DELETE_CHUNK messages every registered device's cursor has passed. */
  private async trimStep (topic: string): Promise<boolean> {
    const meta = await readJson<TopicMeta>(this.kv, `t/${topic}`)
    if (meta == null) return false
    let min: string | undefined
    for await (const { value } of this.kv.iterate({ prefix: `c/${topic}/` })) {
      const { cursor } = JSON.parse(decoder.decode(value)) as Registration
      if (min == null || cursor < min) min = cursor
    }
    if (min == null || min === '') return false
    const instance = `${topic}.${meta.gen}`
    const prefix = `p/${instance}/`
    const ops: KeyValueBatchOperation[] = []
    let n = 0
    for await (const { key, value } of this.kv.iterate({ prefix, lte: prefix + min, limit: DELETE_CHUNK })) {
      const { size, ref } = parseIndex(value)
      ops.push(...messageKeys(instance, key.slice(prefix.length), ref))
      meta.count = Math.max(0, meta.count - 1)
      meta.bytes = Math.max(0, meta.bytes - size)
      n++
    }
    if (n === 0) return false
    ops.push({ type: 'put', key: `t/${topic}`, value: json(meta) })
    await this.kv.batch(ops, SYNC)
    this.stats.acked += n
    return n === DELETE_CHUNK
  }

  /** Deletes up to DELETE_CHUNK messages of a deleted topic's generation; the marker goes with the last of them. */
  private async purgeStep (instance: string): Promise<boolean> {
    const prefix = `p/${instance}/`
    const ops: KeyValueBatchOperation[] = []
    let n = 0
    for await (const { key, value } of this.kv.iterate({ prefix, limit: DELETE_CHUNK })) {
      ops.push(...messageKeys(instance, key.slice(prefix.length), parseIndex(value).ref))
      n++
    }
    if (n < DELETE_CHUNK) ops.push({ type: 'del', key: `g/${instance}` })
    await this.kv.batch(ops, SYNC)
    return n === DELETE_CHUNK
  }

  /** Deletes up to DELETE_CHUNK messages stored before `cutoff`, freeing their topics' quota. */
  private async expireStep (cutoff: string): Promise<boolean> {
    const ops: KeyValueBatchOperation[] = []
    const metas = new Map<string, TopicMeta | undefined>()
    let n = 0
    for await (const { key } of this.kv.iterate({ prefix: 'x/', lt: `x/${cutoff}`, limit: DELETE_CHUNK })) {
      n++
      const [, position, instance] = key.split('/')
      const raw = await this.kv.get(`p/${instance}/${position}`)
      if (raw == null) {
        ops.push({ type: 'del', key })
        continue
      }
      const { size, ref } = parseIndex(raw)
      ops.push(...messageKeys(instance, position, ref))
      const [topic, gen] = instance.split('.')
      if (!metas.has(topic)) metas.set(topic, await readJson<TopicMeta>(this.kv, `t/${topic}`))
      const meta = metas.get(topic)
      // a deleted topic's generation has no quota to free
      if (meta?.gen === gen) {
        meta.count = Math.max(0, meta.count - 1)
        meta.bytes = Math.max(0, meta.bytes - size)
      }
    }
    if (n === 0) return false
    for (const [topic, meta] of metas) if (meta != null) ops.push({ type: 'put', key: `t/${topic}`, value: json(meta) })
    await this.kv.batch(ops, SYNC)
    this.stats.expired += n
    return n === DELETE_CHUNK
  }
}
