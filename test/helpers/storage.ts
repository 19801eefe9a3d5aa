// Storage for tests, in memory or on LevelDB in a temporary folder: open, reopen over the same data (a restart), dispose; and the one-store handles the shared store suites take.
import { join } from 'node:path'
import { createMemoryStorage, openLevel, type Storage } from '../../src/storage/index.js'
import { tempDir } from './tmp.js'

export interface StorageBackend {
  open: () => Promise<Storage>
  /** closes and reopens over the same data (memory: the same object) */
  reopen: (s: Storage) => Promise<Storage>
  /** closes, and removes what was on disk */
  dispose: (s: Storage) => Promise<void>
}

export function memoryBackend (): StorageBackend {
  return {
    open: async () => createMemoryStorage(),
    reopen: async (s) => s,
    dispose: async (s) => { await s.close() }
  }
}

/** A LevelDB Storage in a new temporary folder. */
export async function levelBackend (): Promise<StorageBackend> {
  const dir = await tempDir('parley-storage-')
  const location = join(dir.path, 'db')
  return {
    open: async () => await openLevel(location),
    reopen: async (s) => { await s.close(); return await openLevel(location) },
    dispose: async (s) => { await s.close(); await dir.remove() }
  }
}

/** One store of a fresh Storage, as a store suite uses it. */
export interface StoreHandle<T> {
  store: T
  /** Closes and reopens over the same data (persistent implementations only). */
  reopen?: () => Promise<T>
  close: () => Promise<void>
}

export type StoreFactory<T> = () => Promise<StoreHandle<T>>

/** A factory picking one store out of a fresh Storage of `backend`; with `persistent`, the handle can reopen it. */
export function storeFactory<T> (backend: () => StorageBackend | Promise<StorageBackend>, pick: (s: Storage) => T, persistent: boolean): StoreFactory<T> {
  return async () => {
    const b = await backend()
    let storage = await b.open()
    return {
      store: pick(storage),
      ...(persistent ? { reopen: async () => { storage = await b.reopen(storage); return pick(storage) } } : {}),
      close: async () => { await b.dispose(storage) }
    }
  }
}

/** One store out of a memory Storage. */
export const memoryFactory = <T>(pick: (s: Storage) => T): StoreFactory<T> => storeFactory(memoryBackend, pick, false)
/** One store out of a LevelDB Storage in a fresh temporary folder, with reopen. */
export const levelFactory = <T>(pick: (s: Storage) => T): StoreFactory<T> => storeFactory(levelBackend, pick, true)
