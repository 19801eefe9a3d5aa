// SyncGroup: lets a caller make many "synced" writes and pay for one fsync — writes made with it go out unsynced and flush() syncs them all before the caller acknowledges anything; knows nothing of what is written.
import type { StoreOptions } from './types.js'

/**
 * Pass as `syncGroup` in the options of store calls: a write that would be synced is written without
 * fsync and registered here instead, and `flush()` makes all of them durable with one synced write per
 * database. LevelDB appends every write to one log in order, so one fsync after the last write covers
 * the earlier ones, and a crash before it keeps a prefix of them (never a later write without an
 * earlier one). Until flush() resolved nothing written with the group may be acknowledged to anyone.
 * Stores without durability (memory) ignore it.
 */
export class SyncGroup {
  private readonly pending = new Map<object, (options?: StoreOptions) => Promise<void>>()

  /** Called by a store after an unsynced write: `sync` makes that database durable (one per `db`). */
  defer (db: object, sync: (options?: StoreOptions) => Promise<void>): void {
    if (!this.pending.has(db)) this.pending.set(db, sync)
  }

  /** True while writes wait for flush(). */
  get dirty (): boolean {
    return this.pending.size > 0
  }

  /** Makes every write made with this group durable; a no-op when there were none. Rejects when a sync failed (then acknowledge nothing). */
  async flush (options?: StoreOptions): Promise<void> {
    const syncs = [...this.pending.values()]
    this.pending.clear()
    for (const sync of syncs) await sync(options)
  }
}
