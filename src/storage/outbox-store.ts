// OutboxStore: messages written before sending that stay until acknowledged, with a due-time index for retries; payloads are opaque.
import { CorruptRecordError, InvalidRecordError } from './errors.js'
import { decodeU64, encodeU64 } from './codec.js'
import { utf8 } from './keys.js'
import { MAX_ID_LENGTH } from './types.js'
import type { StoreOptions } from './types.js'
import type { PreparedWrite } from './prepared-write.js'

/** One outgoing item waiting for acknowledgement (a message, a receipt, ...). */
export interface OutboxEntry {
  /** random 128-bit message id as 32 lower-case hex chars */
  id: string
  /** the recipient's address key (e.g. an E.164 number); never logged */
  to: string
  /** what the payload is: 'message', 'receipt', 'profile', or another upper-layer kind ([a-z0-9-], ≤ 32 chars) */
  kind: 'message' | 'receipt' | 'profile' | string
  /** encoded content, opaque to the store */
  payload: Uint8Array
  createdAt: number
  /** after this the sender gives up and reports the message as failed */
  expiresAt: number
  /** delivery attempts made so far */
  attempts: number
  /** the earliest time of the next attempt; `due()` orders by it */
  nextAttemptAt: number
  /** opaque device keys that have not acknowledged yet (absent: not tracked per device) */
  pendingDevices?: string[]
}

/**
 * Largest payload accepted: the direct protocol carries envelopes up to 256 KiB and the
 * payload is the plaintext before padding and sealing, so anything bigger could never be sent.
 */
export const MAX_OUTBOX_PAYLOAD_BYTES = 256 * 1024
/** Most pending device keys per entry: a user has a phone and a few linked devices, not hundreds. */
export const MAX_PENDING_DEVICES = 64
/** Longest kind string. */
export const MAX_KIND_LENGTH = 32

/**
 * All writes are synced: an entry that is lost after the user pressed send is a silently
 * lost message, and an entry that reappears after its ack is a duplicate the recipient
 * must filter.
 */
export interface OutboxStore {
  /** Inserts or replaces the entry with this id (e.g. after an attempt, with new attempts/nextAttemptAt). Synced. */
  put (entry: OutboxEntry, options?: StoreOptions): Promise<void>
  /**
   * The insert of an entry under an id no entry holds now (a fresh random id, or a failed text's id sent again), prepared for another store's
   * atomic write (`MessageStore.addOutgoing`'s `with`): nothing changes until that store commits it, and then
   * both changes land together or neither does.
   */
  prepareInsert (entry: OutboxEntry): PreparedWrite
  /** The entry, or undefined when absent. */
  get (id: string, options?: StoreOptions): Promise<OutboxEntry | undefined>
  /** Removes the entry (acknowledged, expired or cancelled); returns false when it was absent. Synced. */
  delete (id: string, options?: StoreOptions): Promise<boolean>
  /** Entries with nextAttemptAt ≤ now, earliest first (ties by id), at most `limit`. */
  due (now: number, limit: number, options?: StoreOptions): Promise<OutboxEntry[]>
  /** All entries in id order. */
  list (options?: StoreOptions): Promise<OutboxEntry[]>
  /** Number of entries. */
  count (options?: StoreOptions): Promise<number>
}

const MESSAGE_ID = /^[0-9a-f]{32}$/
const KIND = /^[a-z0-9-]+$/

/** Validates a 128-bit message id (32 lower-case hex chars). */
export function assertMessageId (id: string): void {
  if (typeof id !== 'string' || !MESSAGE_ID.test(id)) throw new InvalidRecordError('message id must be 32 lower-case hex chars')
}

/** Validates an address key (conversation, recipient, sender). */
export function assertAddressKey (value: string, what: string): void {
  if (typeof value !== 'string' || value.length === 0 || utf8.encode(value).length > MAX_ID_LENGTH) {
    throw new InvalidRecordError(`${what} must be 1..${MAX_ID_LENGTH} UTF-8 bytes`)
  }
}

/** Validates a time or counter: an integer in 0..2^53-1. */
export function assertTime (value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new InvalidRecordError(`${what} must be a non-negative integer`)
}

/** Validates an entry before anything is written. */
export function assertOutboxEntry (e: OutboxEntry): void {
  if (e == null || typeof e !== 'object') throw new InvalidRecordError('entry must be an object')
  assertMessageId(e.id)
  assertAddressKey(e.to, 'to')
  if (typeof e.kind !== 'string' || e.kind.length === 0 || e.kind.length > MAX_KIND_LENGTH || !KIND.test(e.kind)) {
    throw new InvalidRecordError(`kind must be [a-z0-9-]{1,${MAX_KIND_LENGTH}}`)
  }
  if (!(e.payload instanceof Uint8Array) || e.payload.length > MAX_OUTBOX_PAYLOAD_BYTES) {
    throw new InvalidRecordError(`payload must be a Uint8Array of at most ${MAX_OUTBOX_PAYLOAD_BYTES} bytes`)
  }
  assertTime(e.createdAt, 'createdAt')
  assertTime(e.expiresAt, 'expiresAt')
  assertTime(e.attempts, 'attempts')
  assertTime(e.nextAttemptAt, 'nextAttemptAt')
  if (e.pendingDevices != null) {
    if (!Array.isArray(e.pendingDevices) || e.pendingDevices.length > MAX_PENDING_DEVICES) {
      throw new InvalidRecordError(`pendingDevices must be an array of at most ${MAX_PENDING_DEVICES}`)
    }
    for (const d of e.pendingDevices) assertAddressKey(d, 'pending device')
  }
}

const VERSION = 1

/** `[version][u64 header length][JSON header][payload]`: metadata as JSON, the payload raw. */
export function encodeOutboxEntry (e: OutboxEntry): Uint8Array {
  const header = utf8.encode(JSON.stringify({
    to: e.to, kind: e.kind, createdAt: e.createdAt, expiresAt: e.expiresAt, attempts: e.attempts, nextAttemptAt: e.nextAttemptAt, pendingDevices: e.pendingDevices
  }))
  const out = new Uint8Array(9 + header.length + e.payload.length)
  out[0] = VERSION
  out.set(encodeU64(header.length), 1)
  out.set(header, 9)
  out.set(e.payload, 9 + header.length)
  return out
}

export function decodeOutboxEntry (id: string, bytes: Uint8Array): OutboxEntry {
  if (bytes.length < 9 || bytes[0] !== VERSION) throw new CorruptRecordError('bad outbox record')
  const n = decodeU64(bytes, 1)
  if (bytes.length < 9 + n) throw new CorruptRecordError('truncated outbox record')
  let h: Omit<OutboxEntry, 'id' | 'payload'>
  try {
    h = JSON.parse(utf8.decode(bytes.subarray(9, 9 + n)))
  } catch {
    throw new CorruptRecordError('bad outbox record header')
  }
  const e: OutboxEntry = {
    id, to: h.to, kind: h.kind, payload: bytes.slice(9 + n), createdAt: h.createdAt, expiresAt: h.expiresAt, attempts: h.attempts, nextAttemptAt: h.nextAttemptAt
  }
  if (h.pendingDevices != null) e.pendingDevices = h.pendingDevices
  return e
}
