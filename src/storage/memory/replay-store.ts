// In-memory ReplayStore: a Map from hex id to the time it was seen; persists nothing.
import { assertReplayId } from '../replay-id.js'
import type { ReplayStore } from '../replay-store.js'
import { toHex } from '../keys.js'
import type { StoreOptions } from '../types.js'
import { MemoryLifecycle, restoreMaps, snapshotMaps, type MemorySnapshot } from './base.js'

export class MemoryReplayStore implements ReplayStore, MemorySnapshot {
  private readonly seen = new Map<string, number>()

  constructor (private readonly life = new MemoryLifecycle()) {}

  async markSeen (id: Uint8Array, seenAt: number, options?: StoreOptions): Promise<boolean> {
    this.life.check(options)
    assertReplayId(id)
    const key = toHex(id)
    if (this.seen.has(key)) return false
    this.seen.set(key, seenAt)
    return true
  }

  async hasSeen (id: Uint8Array, options?: StoreOptions): Promise<boolean> {
    this.life.check(options)
    assertReplayId(id)
    return this.seen.has(toHex(id))
  }

  async pruneSeenBefore (cutoff: number, options?: StoreOptions): Promise<number> {
    this.life.check(options)
    let n = 0
    for (const [key, seenAt] of [...this.seen]) {
      if (seenAt < cutoff) {
        this.seen.delete(key)
        n++
      }
    }
    return n
  }

  private maps (): Record<string, Map<unknown, unknown>> {
    return { seen: this.seen } as unknown as Record<string, Map<unknown, unknown>>
  }

  snapshot (): Record<string, unknown> {
    return snapshotMaps(this.maps())
  }

  restore (state: Record<string, unknown>): void {
    restoreMaps(this.maps(), state)
  }
}
