/** The group outbox: each group message we sent waits here until every relay of the group's members holds it (retried with backoff until MESSAGE_TTL), and says when the first one did ("sent") or none ever did ("failed"). Knows no gossip, no encryption and no membership. */
import { fromHex, toHex, type KeyValueStore, type StoreOptions } from '../../storage/index.js'
import { backoff } from '../../util/backoff.js'
import type { GroupRelays } from './ports.js'

/** How long we keep trying a relay: the relays keep group messages 30 days, so later is pointless. */
export const GROUP_DEPOSIT_TTL_MS = 30 * 24 * 60 * 60_000
/** First retry after a failed deposit; doubles per failure up to MAX_RETRY_MS. */
const FIRST_RETRY_MS = 2_000
/** Longest pause between tries of one relay: a relay back after an outage gets the message within 10 minutes. */
const MAX_RETRY_MS = 10 * 60_000
/** Deposits in flight at once: a group's relays are a handful; bounds sockets when many messages wait. */
const MAX_PARALLEL_DEPOSITS = 8

/** One message waiting for relays. */
export interface PendingDeposit {
  groupId: Uint8Array
  /** the message id in our history */
  id: string
  topic: Uint8Array
  depositKey: Uint8Array
  wire: Uint8Array
  /** relays that do not hold it yet */
  relays: string[]
  /** a relay holds it */
  sent: boolean
  createdAt: number
  attempts: number
  nextAttemptAt: number
}

interface Header {
  groupId: string
  id: string
  topic: string
  depositKey: string
  relays: string[]
  sent: boolean
  createdAt: number
  attempts: number
  nextAttemptAt: number
}

function encode (p: PendingDeposit): Uint8Array {
  const header: Header = { groupId: toHex(p.groupId), id: p.id, topic: toHex(p.topic), depositKey: toHex(p.depositKey), relays: p.relays, sent: p.sent, createdAt: p.createdAt, attempts: p.attempts, nextAttemptAt: p.nextAttemptAt }
  const h = new TextEncoder().encode(JSON.stringify(header))
  const out = new Uint8Array(4 + h.length + p.wire.length)
  new DataView(out.buffer).setUint32(0, h.length)
  out.set(h, 4)
  out.set(p.wire, 4 + h.length)
  return out
}

function decode (bytes: Uint8Array): PendingDeposit {
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0)
  const h = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + n))) as Header
  return { ...h, groupId: fromHex(h.groupId), topic: fromHex(h.topic), depositKey: fromHex(h.depositKey), wire: bytes.slice(4 + n) }
}

const keyOf = (p: Pick<PendingDeposit, 'createdAt' | 'groupId' | 'id'>): string => `${p.createdAt.toString(16).padStart(12, '0')}/${toHex(p.groupId)}/${p.id}`

export interface GroupDepositsInit {
  store: KeyValueStore
  relays: GroupRelays
  now: () => number
  /** the first relay took the message */
  onSent: (groupId: Uint8Array, id: string) => Promise<void>
  /** no relay took it before GROUP_DEPOSIT_TTL_MS */
  onFailed: (groupId: Uint8Array, id: string) => Promise<void>
  onError: (err: unknown) => void
}

export class GroupDeposits {
  private timer?: ReturnType<typeof setTimeout>
  private running?: Promise<void>
  private again = false
  private stopped = true
  private readonly controller = new AbortController()

  constructor (private readonly init: GroupDepositsInit) {}

  /** Queues a message for its relays (synced with the caller's sync group, so it is durable with the history entry). */
  async add (p: Omit<PendingDeposit, 'sent' | 'attempts' | 'nextAttemptAt'>, options?: StoreOptions): Promise<void> {
    await this.init.store.put(keyOf(p), encode({ ...p, sent: false, attempts: 0, nextAttemptAt: p.createdAt }), { ...options, sync: true })
  }

  start (): void {
    this.stopped = false
    this.wake()
  }

  /** Looks at the queue now (after add(), or when the network came back). */
  wake (): void {
    if (this.stopped) return
    if (this.running != null) {
      this.again = true
      return
    }
    clearTimeout(this.timer)
    this.running = this.pass().catch(err => { this.init.onError(err) }).finally(() => {
      this.running = undefined
      if (this.again) {
        this.again = false
        this.wake()
      }
    })
  }

  /** Resolves when no pass is running (tests, shutdown). */
  async idle (): Promise<void> {
    while (this.running != null) await this.running
  }

  async pending (options?: StoreOptions): Promise<PendingDeposit[]> {
    const out: PendingDeposit[] = []
    for await (const e of this.init.store.iterate({}, options)) out.push(decode(e.value))
    return out
  }

  private async pass (): Promise<void> {
    const now = this.init.now()
    let next = Infinity
    const due: PendingDeposit[] = []
    for await (const e of this.init.store.iterate({})) {
      const p = decode(e.value)
      if (p.nextAttemptAt <= now) due.push(p)
      else next = Math.min(next, p.nextAttemptAt)
    }
    for (let i = 0; i < due.length; i += MAX_PARALLEL_DEPOSITS) {
      if (this.stopped) return
      const results = await Promise.all(due.slice(i, i + MAX_PARALLEL_DEPOSITS).map(async p => await this.attempt(p, now)))
      for (const r of results) if (r != null) next = Math.min(next, r)
    }
    if (!this.stopped && next < Infinity) {
      this.timer = setTimeout(() => { this.wake() }, Math.max(0, next - this.init.now()))
    }
  }

  /** Tries every relay of one message that does not hold it yet; resolves with its next attempt time, or undefined when it is done. */
  private async attempt (p: PendingDeposit, now: number): Promise<number | undefined> {
    const left: string[] = []
    for (const relay of p.relays) {
      try {
        await this.init.relays.deposit(relay, p.topic, p.depositKey, p.wire, { signal: this.controller.signal })
      } catch {
        left.push(relay)
      }
    }
    const firstSent = !p.sent && left.length < p.relays.length
    const sent = p.sent || firstSent
    const key = keyOf(p)
    if (left.length === 0 || now - p.createdAt >= GROUP_DEPOSIT_TTL_MS) {
      await this.init.store.del(key, { sync: true })
      if (firstSent) await this.init.onSent(p.groupId, p.id)
      else if (!sent) await this.init.onFailed(p.groupId, p.id)
      return undefined
    }
    const attempts = p.attempts + 1
    const nextAttemptAt = now + backoff(p.attempts, { minMs: FIRST_RETRY_MS, maxMs: MAX_RETRY_MS })
    await this.init.store.put(key, encode({ ...p, relays: left, sent, attempts, nextAttemptAt }), { sync: true })
    if (firstSent) await this.init.onSent(p.groupId, p.id)
    return nextAttemptAt
  }

  async stop (): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    this.controller.abort()
    await this.idle()
  }
}
