// SessionRecord: the newest-first list of one address's sessions (each a ratchet state plus its creation time), with Sesame's promote rule; pure, knows no storage or locking.
import { RatchetState } from '../crypto/index.js'
import { CorruptRecordError, equalBytes, MAX_SESSIONS_PER_ADDRESS } from '../storage/index.js'

/** Format of one stored session: `[version][createdAt u64 BE][serialised RatchetState]`. */
const ENTRY_VERSION = 1
const ENTRY_HEADER = 9

interface Entry {
  /** ms since epoch when this side created the session */
  createdAt: number
  state: Uint8Array
}

export function encodeSessionEntry (createdAt: number, state: Uint8Array): Uint8Array {
  const out = new Uint8Array(ENTRY_HEADER + state.length)
  const view = new DataView(out.buffer)
  out[0] = ENTRY_VERSION
  view.setUint32(1, Math.floor(createdAt / 0x100000000))
  view.setUint32(5, createdAt >>> 0)
  out.set(state, ENTRY_HEADER)
  return out
}

function decodeEntry (bytes: Uint8Array): Entry {
  if (bytes.length <= ENTRY_HEADER || bytes[0] !== ENTRY_VERSION) throw new CorruptRecordError('bad session entry')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return { createdAt: view.getUint32(1) * 0x100000000 + view.getUint32(5), state: bytes.subarray(ENTRY_HEADER) }
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

  /** Index of the session whose PQXDH base key is baseKey, or -1. */
  indexOfBaseKey (baseKey: Uint8Array): number {
    return this.entries.findIndex((_, i) => equalBytes(this.session(i).baseKey, baseKey))
  }

  /** A new record with `updated` in place of the session at index, moved to the front (Sesame: a session that just worked becomes active). */
  promote (index: number, updated: RatchetState): SessionRecord {
    const rest = this.entries.filter((_, i) => i !== index)
    return new SessionRecord([{ createdAt: this.entries[index].createdAt, state: updated.serialize() }, ...rest])
  }

  /** A new record with a new session in front; the oldest falls off beyond MAX_SESSIONS_PER_ADDRESS. */
  withNewSession (state: RatchetState, createdAt: number): SessionRecord {
    return new SessionRecord([{ createdAt, state: state.serialize() }, ...this.entries])
  }

  /** The list for SessionStore.storeSessions. */
  toStored (): Uint8Array[] {
    return this.entries.map(e => encodeSessionEntry(e.createdAt, e.state))
  }
}
