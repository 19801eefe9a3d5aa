/** Sliding-window rate limits kept in a key-value store (LevelDB to survive restarts, memory for cheap per-request limits). */
import type { KeyValueBatchOperation, KeyValueStore } from '../../src/storage/index.js'

/** At most `max` events per `windowMs`. */
export interface RateWindow {
  max: number
  windowMs: number
}

export interface RateCheck {
  /** 0 when allowed, else ms until the oldest event that blocks leaves its window */
  retryAfterMs: number
  /** event times still inside the longest window (what record() keeps) */
  hits: number[]
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export class RateLimiter {
  private readonly longest: number

  constructor (private readonly kv: KeyValueStore, private readonly windows: RateWindow[]) {
    this.longest = Math.max(0, ...windows.map(w => w.windowMs))
  }

  /** Reads the key's recent events and says whether one more is allowed at `now`. Changes nothing. */
  async check (key: string, now: number): Promise<RateCheck> {
    const raw = await this.kv.get(key)
    let hits: number[] = []
    if (raw != null) {
      try {
        const parsed: unknown = JSON.parse(decoder.decode(raw))
        if (Array.isArray(parsed)) hits = parsed.filter((t): t is number => typeof t === 'number')
      } catch {
        hits = []
      }
    }
    hits = hits.filter(t => t > now - this.longest).sort((a, b) => a - b)
    let retryAfterMs = 0
    for (const w of this.windows) {
      const inWindow = hits.filter(t => t > now - w.windowMs)
      if (inWindow.length >= w.max) {
        // the event that must leave the window before one more fits
        const blocker = inWindow[inWindow.length - w.max]
        retryAfterMs = Math.max(retryAfterMs, blocker + w.windowMs - now)
      }
    }
    return { retryAfterMs, hits }
  }

  /** The write that records one event at `now` (put it in the caller's batch). */
  recordOp (key: string, check: RateCheck, now: number): KeyValueBatchOperation {
    return { type: 'put', key, value: encoder.encode(JSON.stringify([...check.hits, now])) }
  }

  /** Records one event at `now` on its own. */
  async record (key: string, check: RateCheck, now: number): Promise<void> {
    await this.kv.batch([this.recordOp(key, check, now)])
  }

  /** Deletes keys whose every event has left the longest window. */
  async sweep (now: number, prefix?: string): Promise<number> {
    const dead: KeyValueBatchOperation[] = []
    for await (const { key } of this.kv.iterate(prefix != null ? { prefix } : {})) {
      const { hits } = await this.check(key, now)
      if (hits.length === 0) dead.push({ type: 'del', key })
    }
    if (dead.length > 0) await this.kv.batch(dead)
    return dead.length
  }
}
