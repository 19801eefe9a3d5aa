/** Causal history of one group's messages (docs/group-messages.md, after the Scalable Data Sync model): Lamport timestamps, the refs a message names, gap detection and the repair schedule, bounded and exportable; knows no network, storage, keys or message contents. */
import { compareBytes, toHex } from '../crypto/bytes.js'
import { GROUP_MESSAGE_REF_LENGTH, MAX_CAUSAL_HISTORY } from './constants.js'
import { FutureGroupMessageError, GroupMessageLimitError, MalformedCausalHistoryError, MalformedGroupMessageError } from './errors.js'
import { CausalHistoryPb } from './pb/group-message.js'

/**
 * A gap is due for repair this long after it was first noticed. Gossip delivers within seconds and messages from
 * several senders cross, so a ref named in a history and not here yet is usually just late; after 30 s (the
 * model's recommended minimum) it is worth asking for.
 */
export const REPAIR_GRACE_MS = 30_000
/** The wait after a repair attempt before the next one, doubled each time (30 s, 60 s, 120 s, 240 s): a slow answer is not asked for again at once. */
export const REPAIR_RETRY_MS = 30_000
/**
 * Repair attempts before a gap is given up (lost). With the grace and the backoff, a gap is given up 8 minutes
 * after it was noticed, inside the model's 2–10 minute repair window: repair is for recent gaps, the relay store
 * is for long absences.
 */
export const MAX_REPAIR_ATTEMPTS = 4
/**
 * Gaps tracked at once per group. A message names at most MAX_CAUSAL_HISTORY refs, so honest gaps come a few at a
 * time; the bound keeps a member naming made-up refs from growing memory. Beyond it new gaps are not tracked until
 * room frees up; a ref still in the senders' latest messages is named again by their next ones.
 */
export const MAX_MISSING_REFS = 256
/**
 * Messages remembered per group (the newest by (lamport, ref); older ones are forgotten). Enough to tell whether
 * the refs in a history are here, far beyond the MAX_CAUSAL_HISTORY newest ones a history names, at about 60 KB
 * exported. The lasting record of every message, and dedupe, is the message store's job, not this one's.
 */
export const MAX_KNOWN_REFS = 2048
/**
 * Refs given up or repaired outside received(), remembered so the histories that still name them do not report
 * them again. A ref stays in histories only until its senders have sent MAX_CAUSAL_HISTORY newer messages, so
 * twice the missing bound is plenty.
 */
export const MAX_SETTLED_REFS = 512
/**
 * How far a Lamport timestamp may be ahead of our clock. Honest ones are their sender's clock (or just above what
 * it had seen), so a day covers any clock set wrong by hand; beyond it a message is refused, so that nobody pins
 * a message to the end of the chat or pushes the group's clock to the end of the number range.
 */
export const MAX_LAMPORT_LEAD_MS = 24 * 60 * 60 * 1000
/** Version of the exported state. */
const CAUSAL_HISTORY_FORMAT = 1

/** What a message says about its causal past (GroupContent's `lamport` and `history`). */
export interface CausalMeta {
  lamport: number
  /** refs of the last messages its sender had, newest first */
  history: Uint8Array[]
}

/** What to put in the next message we send. */
export type Outgoing = CausalMeta

export interface ReceivedOutcome {
  /** refs its history names that we neither have nor already track: newly missing, due for repair after REPAIR_GRACE_MS */
  missing: Uint8Array[]
  /** it was one we were missing (tracked, or given up): a gap closed */
  filled: boolean
  /** we had it already: nothing changed */
  duplicate: boolean
}

export interface RepairSweep {
  /** refs to ask for now (each attempt counted; the next one after a backoff) */
  due: Uint8Array[]
  /** refs given up after MAX_REPAIR_ATTEMPTS: tell the user a message could not be retrieved */
  lost: Uint8Array[]
}

/** A gap being repaired. */
export interface Gap {
  ref: Uint8Array
  /** our clock when a history first named it */
  noticedAt: number
  /** our clock at the next attempt */
  dueAt: number
  /** attempts made so far */
  attempts: number
}

export interface CausalHistoryOptions {
  /** the clock, ms since the epoch (default Date.now) */
  now?: () => number
}

interface Known {
  ref: Uint8Array
  key: string
  lamport: number
}

/** The order of the group's messages, as the model has it: by Lamport timestamp, then by ref (bytes ascending). */
export function compareGroupMessages (a: { lamport: number, ref: Uint8Array }, b: { lamport: number, ref: Uint8Array }): number {
  return a.lamport !== b.lamport ? a.lamport - b.lamport : compareBytes(a.ref, b.ref)
}

function checkRef (ref: unknown): asserts ref is Uint8Array {
  if (!(ref instanceof Uint8Array) || ref.length !== GROUP_MESSAGE_REF_LENGTH) throw new MalformedGroupMessageError(`a message ref is ${GROUP_MESSAGE_REF_LENGTH} bytes`)
}

function checkMeta (meta: CausalMeta): void {
  if (!Number.isSafeInteger(meta.lamport) || meta.lamport < 0) throw new MalformedGroupMessageError('lamport out of range')
  if (!Array.isArray(meta.history)) throw new MalformedGroupMessageError('a history is a list')
  if (meta.history.length > MAX_CAUSAL_HISTORY) throw new GroupMessageLimitError(`a history names at most ${MAX_CAUSAL_HISTORY} messages`)
  for (const h of meta.history) checkRef(h)
}

/**
 * One group's causal history on one member: the messages it has (the newest MAX_KNOWN_REFS), its Lamport clock,
 * the gaps it is repairing and the ones it gave up. In memory; `export()` and `CausalHistory.import()` carry it
 * over restarts. Not safe for concurrent use from several places: the caller serialises per group.
 *
 * Lamport rule: the next message gets max(now, highest seen + 1), so timestamps stay close to the clock (a member
 * that was away, or just joined, orders its first message among the recent ones without syncing first) and never
 * go below what the sender had seen (a reply always orders after what it answers).
 */
export class CausalHistory {
  readonly #now: () => number
  #clock = 0
  /** ascending by (lamport, ref) */
  #known: Known[] = []
  readonly #byKey = new Map<string, Known>()
  /** highest Lamport timestamp of a message forgotten for the MAX_KNOWN_REFS bound */
  #horizon: number | undefined
  /** in the order noticed */
  readonly #missing = new Map<string, Gap>()
  /** oldest first */
  readonly #settled = new Map<string, Uint8Array>()

  constructor (options: CausalHistoryOptions = {}) {
    this.#now = options.now ?? Date.now
  }

  /** The highest Lamport timestamp seen or sent (0 before any). */
  get clock (): number { return this.#clock }

  /** Whether we have the message `ref` (among the newest MAX_KNOWN_REFS). */
  has (ref: Uint8Array): boolean {
    checkRef(ref)
    return this.#byKey.has(toHex(ref))
  }

  /** The gaps being repaired, in the order noticed. */
  gaps (): Gap[] {
    return [...this.#missing.values()].map(g => ({ ...g, ref: g.ref.slice() }))
  }

  /**
   * Records a message received (decrypted and decoded) with its ref: takes its Lamport timestamp in and reports the
   * refs its history names that we lack. Throws FutureGroupMessageError (lamport more than MAX_LAMPORT_LEAD_MS ahead
   * of our clock), MalformedGroupMessageError or GroupMessageLimitError, and then changes nothing.
   */
  received (ref: Uint8Array, meta: CausalMeta): ReceivedOutcome {
    checkRef(ref)
    checkMeta(meta)
    const now = this.#now()
    this.#checkLead(meta.lamport, now)
    const key = toHex(ref)
    if (this.#byKey.has(key)) return { missing: [], filled: false, duplicate: true }
    const filled = this.#missing.delete(key) || this.#settled.delete(key)
    this.#adopt(meta.lamport)
    this.#remember(ref, key, meta.lamport)
    return { missing: this.#notice(meta, key, now), filled, duplicate: false }
  }

  /** Takes in a heartbeat (a sync message): its Lamport timestamp and the gaps its history reveals; the heartbeat itself is not recorded. Throws as received(). */
  receivedHeartbeat (meta: CausalMeta): { missing: Uint8Array[] } {
    checkMeta(meta)
    const now = this.#now()
    this.#checkLead(meta.lamport, now)
    this.#adopt(meta.lamport)
    return { missing: this.#notice(meta, undefined, now) }
  }

  /**
   * The Lamport timestamp and history for the next message (or heartbeat) we send: max(now, clock + 1), and the
   * newest MAX_CAUSAL_HISTORY messages we have, newest first. Advances the clock, so two calls never give the same
   * timestamp. After sending a message (not a heartbeat), record it with sent().
   */
  nextOutgoing (): Outgoing {
    const lamport = Math.max(this.#now(), this.#clock + 1)
    this.#clock = lamport
    const history = this.#known.slice(-MAX_CAUSAL_HISTORY).reverse().map(k => k.ref.slice())
    return { lamport, history }
  }

  /**
   * Records a message we sent, with its ref and the lamport nextOutgoing gave it (our own: not checked against the
   * lead bound): later histories name it. Returns false if it was already recorded. Throws
   * MalformedGroupMessageError for a ref or lamport out of shape.
   */
  sent (ref: Uint8Array, lamport: number): boolean {
    checkRef(ref)
    checkMeta({ lamport, history: [] })
    const key = toHex(ref)
    if (this.#byKey.has(key)) return false
    this.#missing.delete(key)
    this.#settled.delete(key)
    this.#adopt(lamport)
    this.#remember(ref, key, lamport)
    return true
  }

  /**
   * The repair sweep at `now` (default: the clock): the gaps due for an attempt (counted, the next one after
   * REPAIR_RETRY_MS doubled per attempt) and those given up after MAX_REPAIR_ATTEMPTS (no longer tracked, and not
   * reported again). Before asking anyone for a due ref, the caller checks its message store: if the message is
   * there (it was forgotten here), it calls repaired().
   */
  missing (now: number = this.#now()): RepairSweep {
    const due: Uint8Array[] = []
    const lost: Uint8Array[] = []
    for (const [key, gap] of this.#missing) {
      if (gap.dueAt > now) continue
      if (gap.attempts >= MAX_REPAIR_ATTEMPTS) {
        this.#missing.delete(key)
        this.#settle(key, gap.ref)
        lost.push(gap.ref.slice())
      } else {
        gap.attempts += 1
        gap.dueAt = now + REPAIR_RETRY_MS * 2 ** (gap.attempts - 1)
        due.push(gap.ref.slice())
      }
    }
    return { due, lost }
  }

  /** The caller has the message `ref` (its store held it): stop repairing it and never report it again. Returns whether it was tracked. Prefer received() when the message itself arrives. */
  repaired (ref: Uint8Array): boolean {
    return this.#untrack(ref)
  }

  /** The caller gives up on `ref` (nobody has it): stop repairing it and never report it again. Returns whether it was tracked. */
  lost (ref: Uint8Array): boolean {
    return this.#untrack(ref)
  }

  /** The state as bytes (CausalHistoryPb), for CausalHistory.import after a restart. */
  export (): Uint8Array {
    return CausalHistoryPb.encode({
      format: CAUSAL_HISTORY_FORMAT,
      clock: BigInt(this.#clock),
      known: this.#known.map(k => ({ ref: k.ref as Uint8Array<ArrayBuffer>, lamport: BigInt(k.lamport) })),
      ...(this.#horizon != null ? { horizon: BigInt(this.#horizon) } : {}),
      missing: [...this.#missing.values()].map(g => ({ ref: g.ref as Uint8Array<ArrayBuffer>, noticedAt: BigInt(g.noticedAt), dueAt: BigInt(g.dueAt), attempts: g.attempts })),
      settled: [...this.#settled.values()] as Array<Uint8Array<ArrayBuffer>>
    })
  }

  /** A causal history from export()'s bytes. Throws MalformedCausalHistoryError for bytes that do not decode or break a bound or an order. */
  static import (bytes: Uint8Array, options: CausalHistoryOptions = {}): CausalHistory {
    let pb: CausalHistoryPb
    try {
      pb = CausalHistoryPb.decode(bytes, { limits: { known: MAX_KNOWN_REFS, missing: MAX_MISSING_REFS, settled: MAX_SETTLED_REFS } })
    } catch {
      throw new MalformedCausalHistoryError()
    }
    if (pb.format !== CAUSAL_HISTORY_FORMAT) throw new MalformedCausalHistoryError('unknown causal history format')
    const safe = (v: bigint): number => {
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedCausalHistoryError('a number out of range')
      return Number(v)
    }
    const ref = (r: Uint8Array): Uint8Array => {
      if (r.length !== GROUP_MESSAGE_REF_LENGTH) throw new MalformedCausalHistoryError('a ref of the wrong length')
      return r.slice()
    }
    const h = new CausalHistory(options)
    h.#clock = safe(pb.clock)
    for (const k of pb.known) {
      const entry: Known = { ref: ref(k.ref), key: toHex(k.ref), lamport: safe(k.lamport) }
      const last = h.#known.at(-1)
      if (last != null && compareGroupMessages(last, entry) >= 0) throw new MalformedCausalHistoryError('known messages out of order, or twice')
      if (entry.lamport > h.#clock) throw new MalformedCausalHistoryError('a known message is ahead of the clock')
      h.#known.push(entry)
      h.#byKey.set(entry.key, entry)
    }
    if (pb.horizon != null) h.#horizon = safe(pb.horizon)
    for (const m of pb.missing) {
      const gap: Gap = { ref: ref(m.ref), noticedAt: safe(m.noticedAt), dueAt: safe(m.dueAt), attempts: m.attempts }
      const key = toHex(gap.ref)
      if (gap.attempts > MAX_REPAIR_ATTEMPTS || h.#byKey.has(key) || h.#missing.has(key)) throw new MalformedCausalHistoryError('a gap is known, twice, or past its attempts')
      h.#missing.set(key, gap)
    }
    for (const s of pb.settled) {
      const r = ref(s)
      const key = toHex(r)
      if (h.#byKey.has(key) || h.#missing.has(key) || h.#settled.has(key)) throw new MalformedCausalHistoryError('a settled ref is known, missing, or twice')
      h.#settled.set(key, r)
    }
    return h
  }

  #checkLead (lamport: number, now: number): void {
    if (lamport > now + MAX_LAMPORT_LEAD_MS) throw new FutureGroupMessageError()
  }

  #adopt (lamport: number): void {
    if (lamport > this.#clock) this.#clock = lamport
  }

  /** Inserts in (lamport, ref) order and forgets the oldest beyond MAX_KNOWN_REFS (possibly this one). */
  #remember (ref: Uint8Array, key: string, lamport: number): void {
    const entry: Known = { ref: ref.slice(), key, lamport }
    let lo = 0
    let hi = this.#known.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (compareGroupMessages(this.#known[mid], entry) < 0) lo = mid + 1
      else hi = mid
    }
    this.#known.splice(lo, 0, entry)
    this.#byKey.set(key, entry)
    while (this.#known.length > MAX_KNOWN_REFS) {
      const old = this.#known.shift()!
      this.#byKey.delete(old.key)
      this.#horizon = Math.max(this.#horizon ?? 0, old.lamport)
    }
  }

  /**
   * Starts tracking the refs of `meta.history` we lack. A message at or below the horizon is skipped: its
   * predecessors are as old as what we forgot, so a ref we lack may be one we had.
   */
  #notice (meta: CausalMeta, self: string | undefined, now: number): Uint8Array[] {
    if (this.#horizon != null && meta.lamport <= this.#horizon) return []
    const added: Uint8Array[] = []
    for (const ref of meta.history) {
      const key = toHex(ref)
      if (key === self || this.#byKey.has(key) || this.#missing.has(key) || this.#settled.has(key)) continue
      if (this.#missing.size >= MAX_MISSING_REFS) break
      this.#missing.set(key, { ref: ref.slice(), noticedAt: now, dueAt: now + REPAIR_GRACE_MS, attempts: 0 })
      added.push(ref.slice())
    }
    return added
  }

  #settle (key: string, ref: Uint8Array): void {
    this.#settled.delete(key)
    this.#settled.set(key, ref)
    while (this.#settled.size > MAX_SETTLED_REFS) this.#settled.delete(this.#settled.keys().next().value as string)
  }

  #untrack (ref: Uint8Array): boolean {
    checkRef(ref)
    const key = toHex(ref)
    const tracked = this.#missing.delete(key)
    if (!this.#byKey.has(key)) this.#settle(key, ref.slice())
    return tracked
  }
}
