// Test harness shape for the shared store suites: a fresh store, an optional reopen over the same data, and cleanup.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMemoryStorage, openLevel } from '../../../src/storage/index.js'
import type { Storage } from '../../../src/storage/index.js'

export interface StoreHandle<T> {
  store: T
  /** Closes and reopens over the same data (persistent implementations only). */
  reopen?: () => Promise<T>
  close: () => Promise<void>
}

/** Suite options: persistent stores also get close-and-reopen checks. */
export interface SuiteOptions {
  persistent?: boolean
}

export type StoreFactory<T> = () => Promise<StoreHandle<T>>

/** A factory picking one store out of a memory Storage. */
export function memoryFactory<T> (pick: (s: Storage) => T): StoreFactory<T> {
  return async () => {
    const storage = createMemoryStorage()
    return { store: pick(storage), close: async () => { await storage.close() } }
  }
}

/** A factory picking one store out of a LevelDB Storage in a fresh temp dir. */
export function levelFactory<T> (pick: (s: Storage) => T): StoreFactory<T> {
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-storage-'))
    let storage = await openLevel(dir)
    return {
      store: pick(storage),
      reopen: async () => {
        await storage.close()
        storage = await openLevel(dir)
        return pick(storage)
      },
      close: async () => {
        await storage.close()
        await rm(dir, { recursive: true, force: true })
      }
    }
  }
}

export async function collect<T> (it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

export const bytes = (...values: number[]): Uint8Array => new Uint8Array(values)
