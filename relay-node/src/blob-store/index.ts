/** The relay's blob store (chunk files and metadata, quotas, expiry) and its limits: on disk for the relay, in memory for tests and embedders. */
import { MemoryKeyValueStore, type KeyValueStore } from '../../../src/storage/index.js'
import { diskBlobFiles, memoryBlobFiles, type MemoryDisk } from './files.js'
import { RelayBlobStore, type RelayBlobStoreInit } from './store.js'

export interface DiskBlobStoreInit extends Omit<RelayBlobStoreInit, 'files'> {
  /** the folder of chunk files (created with mode 0700), e.g. `<data dir>/blobs` */
  dir: string
}

/** The blob store of a relay: chunk data in files under `dir`, metadata in `kv`; files no metadata names are removed. */
export async function openDiskBlobStore (init: DiskBlobStoreInit): Promise<RelayBlobStore> {
  const store = new RelayBlobStore({ ...init, files: await diskBlobFiles(init.dir) })
  await store.open()
  return store
}

export interface MemoryBlobStoreInit extends Partial<Omit<RelayBlobStoreInit, 'files'>> {
  /** the "disk" to keep chunk data on: give the same one (and the same `kv`) to a second store to simulate a restart */
  disk?: MemoryDisk
}

/** A blob store wholly in memory; with a shared `disk` and `kv`, a new one sees only what the old one synced. */
export async function openMemoryBlobStore (init: MemoryBlobStoreInit = {}): Promise<RelayBlobStore> {
  const kv: KeyValueStore = init.kv ?? new MemoryKeyValueStore()
  const store = new RelayBlobStore({ ...init, kv, files: memoryBlobFiles(init.disk) })
  await store.open()
  return store
}

export { RelayBlobStore, type BlobStore, type BlobStoreStats, type RelayBlobStoreInit } from './store.js'
export { diskBlobFiles, memoryBlobFiles, type BlobFile, type BlobFiles, type MemoryDisk } from './files.js'
export * from './limits.js'
