// In-memory PreKeyStore: one Map per prekey kind; persists nothing.
import { idsToPrune } from '../prekey-store.js'
import type { PreKeyEntry, PreKeyKind, PreKeyStore } from '../prekey-store.js'
import { assertUint32 } from '../types.js'
import type { StoreOptions } from '../types.js'
import { MemoryLifecycle, restoreMaps, snapshotMaps, type MemorySnapshot } from './base.js'
import { assertKind } from '../prekey-kind.js'

export class MemoryPreKeyStore implements PreKeyStore, MemorySnapshot {
  private readonly tables = new Map<PreKeyKind, Map<number, PreKeyEntry>>()

  constructor (private readonly life = new MemoryLifecycle()) {}

  private table (kind: PreKeyKind): Map<number, PreKeyEntry> {
    assertKind(kind)
    let t = this.tables.get(kind)
    if (t == null) {
      t = new Map()
      this.tables.set(kind, t)
    }
    return t
  }

  async storePreKey (entry: PreKeyEntry, options?: StoreOptions): Promise<void> {
    this.life.check(options)
    assertUint32(entry.id)
    this.table(entry.kind).set(entry.id, { ...entry, record: new Uint8Array(entry.record) })
  }

  async loadPreKey (kind: PreKeyKind, id: number, options?: StoreOptions): Promise<PreKeyEntry | undefined> {
    this.life.check(options)
    assertUint32(id)
    const e = this.table(kind).get(id)
    return e == null ? undefined : { ...e, record: new Uint8Array(e.record) }
  }

  async removePreKey (kind: PreKeyKind, id: number, options?: StoreOptions): Promise<void> {
    this.life.check(options)
    assertUint32(id)
    this.table(kind).delete(id)
  }

  async listPreKeys (kind: PreKeyKind, options?: StoreOptions): Promise<Array<{ id: number, createdAt: number }>> {
    this.life.check(options)
    return [...this.table(kind).values()].map(e => ({ id: e.id, createdAt: e.createdAt })).sort((a, b) => a.id - b.id)
  }

  async prunePreKeys (kind: PreKeyKind, olderThan: number, options?: StoreOptions): Promise<number[]> {
    const ids = idsToPrune(await this.listPreKeys(kind, options), olderThan)
    for (const id of ids) this.table(kind).delete(id)
    return ids
  }

  private maps (): Record<string, Map<unknown, unknown>> {
    return { tables: this.tables } as unknown as Record<string, Map<unknown, unknown>>
  }

  snapshot (): Record<string, unknown> {
    return snapshotMaps(this.maps())
  }

  restore (state: Record<string, unknown>): void {
    restoreMaps(this.maps(), state)
  }
}
