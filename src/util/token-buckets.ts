/** Token buckets keyed by a source (a peer, an address, a peer on a topic), the least recently used forgotten beyond a bound. Knows nothing of what is being limited. */

/** Burst and sustained rate of one token bucket. */
export interface TokenRate {
  /** tokens a full bucket holds: events accepted back to back */
  burst: number
  /** tokens added per second */
  perSecond: number
}

interface Bucket { tokens: number, at: number }

/**
 * One bucket per key, created full. Beyond `max` keys the least recently used is forgotten: a forgotten source
 * starts again with a full bucket, so `max` caps memory, not the limit's strength, as long as it is far larger
 * than the number of sources active at once.
 */
export class TokenBuckets {
  private readonly map = new Map<string, Bucket>()
  constructor (private readonly rate: TokenRate, private readonly max: number) {}

  /** The source's bucket refilled to `now`, moved to the most recently used end. */
  private refill (key: string, now: number): Bucket {
    const b = this.map.get(key) ?? { tokens: this.rate.burst, at: now }
    this.map.delete(key)
    b.tokens = Math.min(this.rate.burst, b.tokens + (now - b.at) / 1000 * this.rate.perSecond)
    b.at = now
    this.map.set(key, b)
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string)
    return b
  }

  /** Whether the source has a token at `now` (nothing is taken). */
  has (key: string, now: number): boolean {
    return this.refill(key, now).tokens >= 1
  }

  /** Takes one token (callers ask `has` first). */
  take (key: string, now: number): void {
    this.refill(key, now).tokens -= 1
  }

  /** Takes a token when there is one; false (and nothing taken) when the bucket is empty. */
  tryTake (key: string, now: number): boolean {
    const b = this.refill(key, now)
    if (b.tokens < 1) return false
    b.tokens -= 1
    return true
  }

  get size (): number {
    return this.map.size
  }
}
