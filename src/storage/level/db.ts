// openLevel: opens (or adopts) a LevelDB database and hands out one sublevel per concern; the only module that touches `level`.
import { Level } from 'level'
import { CorruptRecordError, InvalidStoreKeyError, StoreLockedError } from '../errors.js'
import type { KeyValueEntry } from '../key-value-store.js'
import type { KeyValueStore } from '../key-value-store.js'
import type { Storage, StorageKind } from '../storage.js'
import { assertStoreName } from '../store-name.js'
import { throwIfAborted } from '../types.js'
import type { StoreOptions } from '../types.js'
import { LevelIdentityStore } from './identity-store.js'
import { LevelKeyValueStore, mapLevelError } from './key-value-store.js'
import { LevelMessageStore } from './message-store.js'
import { LevelOutboxStore } from './outbox-store.js'
import type { LevelLike } from './key-value-store.js'
import { LevelPreKeyStore } from './prekey-store.js'
import { LevelReplayStore } from './replay-store.js'
import { LevelSenderKeyStore } from './sender-key-store.js'
import { LevelSessionStore } from './session-store.js'

/** Mode of the folders openLevel creates in Node: the device's keys and history are for its owner's eyes only. */
const PRIVATE_DIR_MODE = 0o700

interface NodeFs { promises: { mkdir(path: string, options: { recursive: true, mode: number }): Promise<unknown>, chmod(path: string, mode: number): Promise<void> } }

/** node:fs where it exists (reached without a static import, so browser bundles never see it), else undefined. */
function nodeFs (): NodeFs | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  return proc?.getBuiltinModule?.('node:fs') as NodeFs | undefined
}

/**
 * In Node, creates the database folder and every missing parent (the data folder) with mode 0700, and sets
 * the database folder itself to 0700 (it is ours, even when an older build made it 0755). A parent that
 * already exists is left as it is: it may be a folder the person chose for other things too. No-op in browsers.
 */
async function preparePrivateFolder (location: string): Promise<void> {
  const fs = nodeFs()
  if (fs == null) return
  await fs.promises.mkdir(location, { recursive: true, mode: PRIVATE_DIR_MODE })
  await fs.promises.chmod(location, PRIVATE_DIR_MODE)
}

/** The root database type: string keys, Uint8Array values. */
export type RootLevel = Level<string, Uint8Array>

export interface LevelStorage extends Storage {
  /** The underlying database, e.g. to share it with other components. */
  readonly db: RootLevel
  identity: LevelIdentityStore
  preKeys: LevelPreKeyStore
  sessions: LevelSessionStore
  senderKeys: LevelSenderKeyStore
  replay: LevelReplayStore
  outbox: LevelOutboxStore
  messages: LevelMessageStore
}

/**
 * Opens the database at `location` (a directory in Node, an IndexedDB name in
 * browsers), or adopts an already constructed Level instance. close() closes the
 * database only if openLevel opened it.
 */
export async function openLevel (location: string | RootLevel, options?: StoreOptions): Promise<LevelStorage> {
  throwIfAborted(options)
  let db: RootLevel
  let owned = false
  if (typeof location === 'string') {
    if (location.length === 0) throw new InvalidStoreKeyError('empty location')
    await preparePrivateFolder(location)
    db = new Level<string, Uint8Array>(location, { keyEncoding: 'utf8', valueEncoding: 'view' })
    owned = true
  } else {
    db = location
  }
  try {
    await db.open()
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause
    if (cause?.code === 'LEVEL_LOCKED') throw new StoreLockedError()
    throw err
  }
  return levelStorage(db, owned, 'level')
}

/**
 * The stores over `db` (open, or opening: abstract-level defers calls until it is), each in its own sublevel;
 * `db` may be any abstract-level database with Level's API (memory-level's MemoryLevel for the memory Storage).
 * `kind` names the raw format entries() yields. close() closes `db` only if `owned`.
 */
export function levelStorage (db: RootLevel, owned: boolean, kind: StorageKind): LevelStorage {
  const sub = (name: string): KeyValueStore =>
    new LevelKeyValueStore(db.sublevel<string, Uint8Array>(name, { keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as LevelLike, '', db as unknown as LevelLike)
  const kvs = new Map<string, KeyValueStore>()
  return {
    db,
    identity: new LevelIdentityStore(sub('identity')),
    preKeys: new LevelPreKeyStore(sub('prekeys')),
    sessions: new LevelSessionStore(sub('sessions')),
    senderKeys: new LevelSenderKeyStore(sub('sender-keys')),
    replay: new LevelReplayStore(sub('replay')),
    outbox: new LevelOutboxStore(sub('outbox')),
    messages: new LevelMessageStore(sub('messages')),
    kv: (name: string): KeyValueStore => {
      assertStoreName(name)
      let kv = kvs.get(name)
      if (kv == null) {
        kv = sub(`kv-${name}`)
        kvs.set(name, kv)
      }
      return kv
    },
    kind,
    entries: async function * (options?: StoreOptions): AsyncIterable<KeyValueEntry> {
      throwIfAborted(options)
      try {
        for await (const [key, value] of db.iterator({ keyEncoding: 'utf8', valueEncoding: 'view', ...(options?.signal != null ? { signal: options.signal } : {}) })) {
          yield { key, value: new Uint8Array(value) }
        }
      } catch (err) {
        throw mapLevelError(err)
      }
    },
    replaceAll: async (entries: KeyValueEntry[], options?: StoreOptions): Promise<void> => {
      throwIfAborted(options)
      assertLevelEntries(entries)
      try {
        const old = await db.keys({ keyEncoding: 'utf8' }).all()
        // a database in memory keeps the very arrays it is given: store copies
        const puts = entries.map(e => ({ type: 'put' as const, key: e.key, value: db.supports.permanence ? e.value : new Uint8Array(e.value) }))
        await db.batch([...old.map(key => ({ type: 'del' as const, key })), ...puts], { keyEncoding: 'utf8', valueEncoding: 'view', sync: true })
      } catch (err) {
        throw mapLevelError(err)
      }
    },
    close: async () => {
      if (owned) await db.close()
    }
  }
}

/** Every key this module writes lives in a sublevel (`!name!key`); anything else is not one of our entries. */
function assertLevelEntries (entries: KeyValueEntry[]): void {
  for (const e of entries) {
    if (typeof e?.key !== 'string' || !/^![a-z0-9-]{1,70}!/.test(e.key) || !(e.value instanceof Uint8Array)) {
      throw new CorruptRecordError('not a LevelDB storage entry')
    }
  }
}
