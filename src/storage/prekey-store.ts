// PreKeyStore: our private prekeys by kind and id (signed, last-resort, one-time); records are opaque bytes serialised by the session layer.
import type { StoreOptions } from './types.js'

/**
 * - `signed`: signed X25519 prekeys; rotated weekly, previous ones kept for the retention window.
 * - `last-resort-kem`: signed ML-KEM-768 last-resort prekeys; rotated like `signed`, never removed on use.
 * - `one-time`: one-time X25519 prekeys; removed on use.
 * - `one-time-kem`: one-time ML-KEM-768 prekeys; removed on use.
 */
export type PreKeyKind = 'signed' | 'last-resort-kem' | 'one-time' | 'one-time-kem'

export const PRE_KEY_KINDS: readonly PreKeyKind[] = ['signed', 'last-resort-kem', 'one-time', 'one-time-kem']

export interface PreKeyEntry {
  kind: PreKeyKind
  id: number
  /** ms since epoch, set by the caller when the key was generated. */
  createdAt: number
  record: Uint8Array
}

/**
 * How long a replaced signed or last-resort prekey stays usable: the mailbox TTL
 * (docs/design.md §6, 30 days), so a first message that waited in a mailbox still decrypts.
 */
export const SIGNED_PRE_KEY_RETENTION_MS = 30 * 24 * 60 * 60 * 1000

export interface PreKeyStore {
  /** Stores (or replaces) a prekey; synced, since a key may be uploaded right after. */
  storePreKey (entry: PreKeyEntry, options?: StoreOptions): Promise<void>
  loadPreKey (kind: PreKeyKind, id: number, options?: StoreOptions): Promise<PreKeyEntry | undefined>
  /** Removes a prekey (a used one-time prekey); synced. Absent ids are not an error. */
  removePreKey (kind: PreKeyKind, id: number, options?: StoreOptions): Promise<void>
  /** Ids and creation times of a kind, ascending by id (records omitted). */
  listPreKeys (kind: PreKeyKind, options?: StoreOptions): Promise<Array<{ id: number, createdAt: number }>>
  /**
   * Removes prekeys of `kind` that were replaced before `olderThan`: a key counts as
   * replaced when the next newer key (by createdAt) was created. The newest key is the
   * current one and never removed. Returns the removed ids.
   */
  prunePreKeys (kind: PreKeyKind, olderThan: number, options?: StoreOptions): Promise<number[]>
}

/** Which ids prunePreKeys removes (replaced before olderThan), shared by both implementations. */
export function idsToPrune (entries: Array<{ id: number, createdAt: number }>, olderThan: number): number[] {
  const byAge = entries.slice().sort((a, b) => a.createdAt - b.createdAt || a.id - b.id)
  const out: number[] = []
  for (let i = 0; i + 1 < byAge.length; i++) {
    if (byAge[i + 1].createdAt < olderThan) out.push(byAge[i].id)
  }
  return out.sort((a, b) => a - b)
}
