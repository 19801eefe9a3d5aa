/** Encodings of the group store's small records (group record, own chain, receipt, times); the change bytes and the causal-history blob stay opaque. */
import { CorruptRecordError } from '../../storage/errors.js'
import { decodeU64, encodeU64 } from '../../storage/codec.js'

/** A group we are in (or were: `leftAt`). */
export interface GroupRecord {
  /** 32 bytes */
  id: Uint8Array
  /** the group's name when last seen, cached for lists (0..100 characters; empty until known) */
  name: string
  joinedAt: number
  /** when we left or were removed; absent while we are a member */
  leftAt?: number
  /** notifications off */
  muted?: boolean
  /** the newest message time the user has read in this group */
  lastReadAt?: number
}

/** Our current sender-key chain in a group. */
export interface OwnSenderChain {
  chainId: number
  createdAt: number
  /** messages sent on it */
  sent: number
  /** member devices it was distributed to */
  distributed: number
}

/** One member's receipts for one of our messages; `readAt` implies `deliveredAt`. */
export interface GroupReceipt {
  deliveredAt?: number
  readAt?: number
}

const RECORD_VERSION = 1
const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder()

export function encodeRecord (r: GroupRecord): Uint8Array {
  const json: Record<string, unknown> = { v: RECORD_VERSION, n: r.name, j: r.joinedAt }
  if (r.leftAt != null) json.l = r.leftAt
  if (r.muted === true) json.m = true
  if (r.lastReadAt != null) json.r = r.lastReadAt
  return textEncoder.encode(JSON.stringify(json))
}

const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0

export function decodeRecord (id: Uint8Array, bytes: Uint8Array): GroupRecord {
  let v: Record<string, unknown>
  try {
    v = JSON.parse(textDecoder.decode(bytes)) as Record<string, unknown>
  } catch {
    throw new CorruptRecordError('bad group record')
  }
  if (v == null || v.v !== RECORD_VERSION || typeof v.n !== 'string' || !isTime(v.j) ||
    (v.l != null && !isTime(v.l)) || (v.r != null && !isTime(v.r)) || (v.m != null && v.m !== true)) {
    throw new CorruptRecordError('bad group record')
  }
  const r: GroupRecord = { id, name: v.n, joinedAt: v.j }
  if (v.l != null) r.leftAt = v.l as number
  if (v.m === true) r.muted = true
  if (v.r != null) r.lastReadAt = v.r as number
  return r
}

/** `[version][chainId u32][createdAt u64][sent u64][distributed u32]` */
export function encodeOwnChain (c: OwnSenderChain): Uint8Array {
  const out = new Uint8Array(25)
  const view = new DataView(out.buffer)
  out[0] = RECORD_VERSION
  view.setUint32(1, c.chainId)
  out.set(encodeU64(c.createdAt), 5)
  out.set(encodeU64(c.sent), 13)
  view.setUint32(21, c.distributed)
  return out
}

export function decodeOwnChain (bytes: Uint8Array): OwnSenderChain {
  if (bytes.length !== 25 || bytes[0] !== RECORD_VERSION) throw new CorruptRecordError('bad own chain record')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length)
  return { chainId: view.getUint32(1), createdAt: decodeU64(bytes, 5), sent: decodeU64(bytes, 13), distributed: view.getUint32(21) }
}

const DELIVERED = 1
const READ = 2

/** `[flags][deliveredAt u64][readAt u64]` */
export function encodeReceipt (r: GroupReceipt): Uint8Array {
  const out = new Uint8Array(17)
  out[0] = (r.deliveredAt != null ? DELIVERED : 0) | (r.readAt != null ? READ : 0)
  out.set(encodeU64(r.deliveredAt ?? 0), 1)
  out.set(encodeU64(r.readAt ?? 0), 9)
  return out
}

export function decodeReceipt (bytes: Uint8Array): GroupReceipt {
  if (bytes.length !== 17 || (bytes[0] & ~(DELIVERED | READ)) !== 0) throw new CorruptRecordError('bad receipt')
  const r: GroupReceipt = {}
  if ((bytes[0] & DELIVERED) !== 0) r.deliveredAt = decodeU64(bytes, 1)
  if ((bytes[0] & READ) !== 0) r.readAt = decodeU64(bytes, 9)
  return r
}

/** A time (or count) value: 8 bytes big-endian. */
export const encodeTime = encodeU64

export function decodeTime (bytes: Uint8Array): number {
  if (bytes.length !== 8) throw new CorruptRecordError('bad time value')
  return decodeU64(bytes)
}
