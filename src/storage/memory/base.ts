// Shared close/abort checks and snapshot helpers of the in-memory stores; holds no data itself.
import { CorruptRecordError, StoreClosedError } from '../errors.js'
import { fromHex, toHex, utf8 } from '../keys.js'
import { throwIfAborted } from '../types.js'
import type { StoreOptions } from '../types.js'

/** Close state shared by all stores of one MemoryStorage. */
export class MemoryLifecycle {
  closed = false

  check (options?: StoreOptions): void {
    throwIfAborted(options)
    if (this.closed) throw new StoreClosedError()
  }
}

/** A memory store's whole state as plain values (Maps, Uint8Arrays, records), for backups; both directions copy. */
export interface MemorySnapshot {
  snapshot (): Record<string, unknown>
  /** Replaces the state; a state of the wrong shape throws CorruptRecordError and changes nothing. */
  restore (state: Record<string, unknown>): void
}

/** Copies of the named Maps. */
export function snapshotMaps (maps: Record<string, Map<unknown, unknown>>): Record<string, unknown> {
  return structuredClone(maps)
}

/** Refills the named Maps from a snapshot, after checking every one is there. */
export function restoreMaps (maps: Record<string, Map<unknown, unknown>>, state: Record<string, unknown>): void {
  for (const name of Object.keys(maps)) if (!(state[name] instanceof Map)) throw new CorruptRecordError(`memory snapshot lacks ${name}`)
  for (const [name, map] of Object.entries(maps)) {
    map.clear()
    for (const [k, v] of structuredClone(state[name] as Map<unknown, unknown>)) map.set(k, v)
  }
}

const U8 = '$u8'
const MAP = '$map'

/** Tagged JSON of a snapshot (Uint8Array as hex, Map as entry list), so it fits in a backup entry. */
export function encodeSnapshot (state: Record<string, unknown>): Uint8Array {
  return utf8.encode(JSON.stringify(state, function (this: unknown, _key, value: unknown) {
    if (value instanceof Uint8Array) return { [U8]: toHex(value) }
    if (value instanceof Map) return { [MAP]: [...value.entries()] }
    return value
  }))
}

/** Inverse of encodeSnapshot; CorruptRecordError for anything else. */
export function decodeSnapshot (bytes: Uint8Array): Record<string, unknown> {
  try {
    const state: unknown = JSON.parse(utf8.decode(bytes), (_key, value: unknown) => {
      if (value != null && typeof value === 'object' && !Array.isArray(value)) {
        const tagged = value as Record<string, unknown>
        if (typeof tagged[U8] === 'string') return fromHex(tagged[U8])
        if (Array.isArray(tagged[MAP])) return new Map(tagged[MAP] as Array<[unknown, unknown]>)
      }
      return value
    })
    if (state == null || typeof state !== 'object' || Array.isArray(state)) throw new Error('not an object')
    return state as Record<string, unknown>
  } catch (err) {
    throw new CorruptRecordError(`memory snapshot: ${(err as Error).message}`)
  }
}
