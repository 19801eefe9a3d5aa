/** Keeps our directory record alive: republishes long before it expires (refreshing the registration lock) and whenever its contents change; knows nothing of where the contents come from. */
import type { AbortOptions } from '@libp2p/interface'
import { publishRecord, type DirectoryDht, type PublishOptions, type PublishResult } from './directory.js'
import { DEFAULT_RECORD_LIFETIME_MS, type DirectoryRecordFields } from './record.js'
import type { IdentityKeyPair } from '../crypto/identity.js'
import { backoff } from '../util/backoff.js'

/**
 * Republish period: refreshes the registration lock ~14 times per 7-day window (devices off for days keep
 * the number), and a replica that missed a publish gets the record again within hours.
 */
export const REPUBLISH_INTERVAL_MS = 12 * 3600_000
/** First retry after a failed publish; doubles up to the republish interval. */
export const REPUBLISH_RETRY_MS = 30_000

export interface RepublisherInit {
  dht: DirectoryDht
  identity: IdentityKeyPair
  e164: string
  fields: DirectoryRecordFields
  attestations?: Uint8Array[]
  /** @default REPUBLISH_INTERVAL_MS (capped at half the record lifetime) */
  intervalMs?: number
  /** @default REPUBLISH_RETRY_MS */
  retryMs?: number
  /** passed to every publish (lifetime, hash cache, provider, random, timeout) */
  publishOptions?: Omit<PublishOptions, 'attestations' | 'signal' | 'now' | 'seq'>
  /**
   * Completes the fields before each publish (an identity with linked devices adds the other devices'
   * entries and the removed ids) and names the lowest seq to use (above every record of ours seen); a
   * rejection fails that publish.
   */
  complete?: (fields: DirectoryRecordFields, options: AbortOptions) => Promise<{ fields: DirectoryRecordFields, minSeq: number }>
  onPublished?: (result: PublishResult) => void
  onError?: (err: unknown) => void
}

export class Republisher {
  private fields: DirectoryRecordFields
  private attestations: Uint8Array[]
  private timer?: ReturnType<typeof setTimeout>
  private controller?: AbortController
  private running: Promise<void> = Promise.resolve()
  private failures = 0
  private lastSeq = 0
  private started = false

  constructor (private readonly init: RepublisherInit) {
    this.fields = init.fields
    this.attestations = init.attestations ?? []
  }

  private get interval (): number {
    const lifetime = this.init.publishOptions?.lifetimeMs ?? DEFAULT_RECORD_LIFETIME_MS
    return Math.min(this.init.intervalMs ?? REPUBLISH_INTERVAL_MS, Math.floor(lifetime / 2))
  }

  /** Publishes after `delayMs` (default: now) and keeps republishing until stop(). */
  start (params: { delayMs?: number } = {}): void {
    if (this.started) return
    this.started = true
    this.controller = new AbortController()
    this.schedule(params.delayMs ?? 0)
  }

  /** Changes what is published (devices, relays, prekey bundle, attestations) and republishes at once. */
  async update (change: Partial<DirectoryRecordFields> & { attestations?: Uint8Array[] }, options: AbortOptions = {}): Promise<PublishResult> {
    const { attestations, ...fields } = change
    this.fields = { ...this.fields, ...fields }
    if (attestations != null) this.attestations = attestations
    return await this.publishNow(options)
  }

  /** Publishes the current contents now (serialised with the timer's publishes) and reschedules. */
  async publishNow (options: AbortOptions = {}): Promise<PublishResult> {
    let result: PublishResult | undefined
    let failure: unknown
    const run = this.running.then(async () => {
      const signal = AbortSignal.any([this.controller?.signal, options.signal].filter((s): s is AbortSignal => s != null))
      try {
        const completed = this.init.complete != null ? await this.init.complete(this.fields, { signal }) : { fields: this.fields, minSeq: 0 }
        const now = Date.now()
        // seq grows even when two publishes fall in the same millisecond, and beyond any record another device of ours published
        const seq = Math.max(now, this.lastSeq + 1, completed.minSeq)
        result = await publishRecord(this.init.dht, this.init.identity, this.init.e164, completed.fields, { ...this.init.publishOptions, attestations: this.attestations, now, seq, signal })
        this.lastSeq = seq
        this.failures = 0
        this.init.onPublished?.(result)
      } catch (err) {
        failure = err
        this.failures++
      }
    })
    this.running = run
    await run
    if (this.started && this.controller?.signal.aborted !== true) {
      this.schedule(result != null ? this.interval : backoff(this.failures - 1, { minMs: this.init.retryMs ?? REPUBLISH_RETRY_MS, maxMs: this.interval }))
    }
    if (result == null) throw failure
    return result
  }

  private schedule (ms: number): void {
    if (this.timer != null) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.publishNow().catch(err => this.init.onError?.(err))
    }, ms)
    // a scheduled republish must not keep a Node process alive
    if (typeof this.timer === 'object' && 'unref' in this.timer) this.timer.unref()
  }

  /** Stops the timer and aborts a publish in flight; resolves when nothing runs any more. */
  async stop (): Promise<void> {
    this.started = false
    if (this.timer != null) clearTimeout(this.timer)
    this.timer = undefined
    this.controller?.abort()
    await this.running
  }
}
