// In-memory storage: the LevelDB stores over memory-level (an abstract-level database in RAM), for tests and ephemeral nodes; persists nothing.
import { MemoryLevel } from 'memory-level'
import { levelStorage, type RootLevel } from '../level/db.js'
import { LevelKeyValueStore, type LevelLike } from '../level/key-value-store.js'
import type { Storage } from '../storage.js'

/** A new, empty database in memory; usable at once (abstract-level defers calls until it has opened itself). */
function memoryLevel (): MemoryLevel<string, Uint8Array> {
  // 'view' rather than the default 'buffer' store encoding: no Buffer needed in browsers
  return new MemoryLevel<string, Uint8Array>({ keyEncoding: 'utf8', valueEncoding: 'view', storeEncoding: 'view' })
}

/** A Storage in memory: the LevelDB stores over one MemoryLevel; its entries() are LevelDB's, of kind 'memory'. */
export function createMemoryStorage (): Storage {
  // a MemoryLevel has all of Level's abstract-level API the stores use (it lacks only its `location`)
  return levelStorage(memoryLevel() as unknown as RootLevel, true, 'memory')
}

/** A KeyValueStore over a database of its own in memory (e.g. rate limits, caches). */
export class MemoryKeyValueStore extends LevelKeyValueStore {
  private readonly memory: MemoryLevel<string, Uint8Array>

  constructor () {
    const db = memoryLevel()
    super(db as unknown as LevelLike)
    this.memory = db
  }

  /** Closes its database; later calls throw StoreClosedError. */
  async close (): Promise<void> {
    await this.memory.close()
  }
}
