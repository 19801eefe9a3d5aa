// In-memory OutboxStore: a Map from message id to entry; due() sorts on demand; persists nothing.
import { assertMessageId, assertOutboxEntry, assertTime, compareDue, copyOutboxEntry } from '../outbox-store.js'
import type { OutboxEntry, OutboxStore } from '../outbox-store.js'
import type { StoreOptions } from '../types.js'
import type { PreparedWrite } from '../prepared-write.js'
import { MemoryLifecycle, restoreMaps, snapshotMaps, type MemorySnapshot } from './base.js'

export class MemoryOutboxStore implements OutboxStore, MemorySnapshot {
  private readonly entries = new Map<string, OutboxEntry>()

  constructor (private readonly life = new MemoryLifecycle()) {}

  async put (entry: OutboxEntry, options?: StoreOptions): Promise<void> {
    this.life.check(options)
    assertOutboxEntry(entry)
    this.entries.set(entry.id, copyOutboxEntry(entry))
  }

  prepareInsert (entry: OutboxEntry): PreparedWrite {
    assertOutboxEntry(entry)
    const copy = copyOutboxEntry(entry)
    return { kind: 'apply', owner: this.life, apply: () => { this.entries.set(copy.id, copy) } }
  }

  async get (id: string, options?: StoreOptions): Promise<OutboxEntry | undefined> {
    this.life.check(options)
    assertMessageId(id)
    const e = this.entries.get(id)
    return e == null ? undefined : copyOutboxEntry(e)
  }

  async delete (id: string, options?: StoreOptions): Promise<boolean> {
    this.life.check(options)
    assertMessageId(id)
    return this.entries.delete(id)
  }

  async due (now: number, limit: number, options?: StoreOptions): Promise<OutboxEntry[]> {
    this.life.check(options)
    assertTime(now, 'now')
    if (limit <= 0) return []
    return [...this.entries.values()].filter(e => e.nextAttemptAt <= now).sort(compareDue).slice(0, limit).map(copyOutboxEntry)
  }

  async list (options?: StoreOptions): Promise<OutboxEntry[]> {
    this.life.check(options)
    return [...this.entries.values()].sort((a, b) => a.id < b.id ? -1 : 1).map(copyOutboxEntry)
  }

  async count (options?: StoreOptions): Promise<number> {
    this.life.check(options)
    return this.entries.size
  }

  private maps (): Record<string, Map<unknown, unknown>> {
    return { entries: this.entries } as unknown as Record<string, Map<unknown, unknown>>
  }

  snapshot (): Record<string, unknown> {
    return snapshotMaps(this.maps())
  }

  restore (state: Record<string, unknown>): void {
    restoreMaps(this.maps(), state)
  }
}
