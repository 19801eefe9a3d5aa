// SessionRecord: the newest-first list of one address's sessions (each a ratchet state, its creation time and whether it came from a backup), with Sesame's promote rule; pure, knows no storage or locking.
import { RatchetState } from '../crypto/index.js'
import { CorruptRecordError, MAX_SESSIONS_PER_ADDRESS } from '../storage/index.js'
import { constantTimeEqual } from '../crypto/bytes.js'

/**
 * Format of one stored session: `[version = 2][createdAt u64 BE][flags u8][serialised RatchetState]`.
 * Version 1 (`[1][createdAt][state]`, no flags) is still read, as flags 0.
 */
const ENTRY_VERSION = 2
const ENTRY_V1 = 1
const ENTRY_V1_HEADER = 9
const ENTRY_HEADER = 10
/** flags bit: the session came back from a backup; never encrypt on it (see docs/sessions.md "Restored sessions") */
const FLAG_RESTORED = 1

interface Entry {
  /** ms since epoch when this side created the session */
  createdAt: number
  /** restored from a backup: decrypt only */
  restored: boolean
  state: Uint8Array
}

export function encodeSessionEntry (createdAt: number, state: Uint8Array, restored = false): Uint8Array {
  const out = new Uint8Array(ENTRY_HEADER + state.length)
  const view = new DataView(out.buffer)
  out[0] = ENTRY_VERSION
  view.setUint32(1, Math.floor(createdAt / 0x100000000))
  view.setUint32(5, createdAt >>> 0)
  out[9] = restored ? FLAG_RESTORED : 0
  out.set(state, ENTRY_HEADER)
  return out
}

function decodeEntry (bytes: Uint8Array): Entry {
  const version = bytes[0]
  const header = version === ENTRY_V1 ? ENTRY_V1_HEADER : ENTRY_HEADER
  if (bytes.length <= header || (version !== ENTRY_VERSION && version !== ENTRY_V1)) throw new CorruptRecordError('bad session entry')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const flags = version === ENTRY_V1 ? 0 : bytes[9]
  if ((flags & ~FLAG_RESTORED) !== 0) throw new CorruptRecordError('unknown session entry flags')
  return { createdAt: view.getUint32(1) * 0x100000000 + view.getUint32(5), restored: (flags & FLAG_RESTORED) !== 0, state: bytes.subarray(header) }
}

export class SessionRecord {
  private readonly entries: Entry[]

  /** From the stored list (newest first). */
  static fromStored (stored: Uint8Array[]): SessionRecord {
    return new SessionRecord(stored.map(decodeEntry))
  }

  private constructor (entries: Entry[]) {
    this.entries = entries.slice(0, MAX_SESSIONS_PER_ADDRESS)
  }

  get length (): number {
    return this.entries.length
  }

  /** A fresh copy of the session at index (0 = active): each try works on its own copy. */
  session (index: number): RatchetState {
    return RatchetState.deserialize(this.entries[index].state)
  }

  /** When this side created the session at index. */
  createdAt (index: number): number {
    return this.entries[index].createdAt
  }

  /** True when the session at index came back from a backup: it may decrypt but never encrypt. */
  isRestored (index: number): boolean {
    return this.entries[index].restored
  }

  /** Index of the newest session that may encrypt (not restored from a backup), or -1. */
  indexForSending (): number {
    return this.entries.findIndex(e => !e.restored)
  }

  /** A new record with every session marked restored (after a backup was imported). */
  markedRestored (): SessionRecord {
    return new SessionRecord(this.entries.map(e => ({ ...e, restored: true })))
  }

  /** Index of the session whose PQXDH base key is baseKey, or -1. */
  indexOfBaseKey (baseKey: Uint8Array): number {
    return this.entries.findIndex((_, i) => constantTimeEqual(this.session(i).baseKey, baseKey))
  }

  /** A new record with `updated` in place of the session at index, moved to the front (Sesame: a session that just worked becomes active). */
  promote (index: number, updated: RatchetState): SessionRecord {
    const rest = this.entries.filter((_, i) => i !== index)
    return new SessionRecord([{ ...this.entries[index], state: updated.serialize() }, ...rest])
  }

  /** A new record with a new session in front; the oldest falls off beyond MAX_SESSIONS_PER_ADDRESS. */
  withNewSession (state: RatchetState, createdAt: number): SessionRecord {
    return new SessionRecord([{ createdAt, restored: false, state: state.serialize() }, ...this.entries])
  }

  /** The list for SessionStore.storeSessions. */
  toStored (): Uint8Array[] {
    return this.entries.map(e => encodeSessionEntry(e.createdAt, e.state, e.restored))
  }
}
