// Binary encodings of the few records storage itself owns (trust state, prekey metadata, expiries); the payloads inside stay opaque.
import { CorruptRecordError } from './errors.js'
import type { RemoteIdentity } from './identity-store.js'

const VERSION = 1
const FLAG_VERIFIED = 1
const FLAG_CHANGED = 2
const FLAG_PREVIOUS = 4

/** A non-negative integer < 2^53 as 8 big-endian bytes. */
export function encodeU64 (value: number): Uint8Array {
  const out = new Uint8Array(8)
  const view = new DataView(out.buffer)
  view.setUint32(0, Math.floor(value / 0x100000000))
  view.setUint32(4, value >>> 0)
  return out
}

export function decodeU64 (bytes: Uint8Array, offset = 0): number {
  if (bytes.length < offset + 8) throw new CorruptRecordError('truncated integer')
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, 8)
  return view.getUint32(0) * 0x100000000 + view.getUint32(4)
}

export function encodeRemoteIdentity (r: RemoteIdentity): Uint8Array {
  const prev = r.previousKey ?? new Uint8Array(0)
  const out = new Uint8Array(1 + 1 + 8 + 1 + r.identityKey.length + 1 + prev.length)
  let o = 0
  out[o++] = VERSION
  out[o++] = (r.verified ? FLAG_VERIFIED : 0) | (r.changed ? FLAG_CHANGED : 0) | (r.previousKey != null ? FLAG_PREVIOUS : 0)
  out.set(encodeU64(r.firstSeen), o); o += 8
  out[o++] = r.identityKey.length
  out.set(r.identityKey, o); o += r.identityKey.length
  out[o++] = prev.length
  out.set(prev, o)
  return out
}

export function decodeRemoteIdentity (contactId: string, bytes: Uint8Array): RemoteIdentity {
  if (bytes.length < 12 || bytes[0] !== VERSION) throw new CorruptRecordError('bad identity record')
  const flags = bytes[1]
  const firstSeen = decodeU64(bytes, 2)
  let o = 10
  const keyLen = bytes[o++]
  if (bytes.length < o + keyLen + 1) throw new CorruptRecordError('truncated identity record')
  const identityKey = bytes.slice(o, o + keyLen); o += keyLen
  const prevLen = bytes[o++]
  if (bytes.length !== o + prevLen) throw new CorruptRecordError('bad identity record length')
  const r: RemoteIdentity = { contactId, identityKey, firstSeen, verified: (flags & FLAG_VERIFIED) !== 0, changed: (flags & FLAG_CHANGED) !== 0 }
  if ((flags & FLAG_PREVIOUS) !== 0) r.previousKey = bytes.slice(o, o + prevLen)
  return r
}

/** `[version][createdAt u64][record]` */
export function encodePreKeyValue (createdAt: number, record: Uint8Array): Uint8Array {
  const out = new Uint8Array(9 + record.length)
  out[0] = VERSION
  out.set(encodeU64(createdAt), 1)
  out.set(record, 9)
  return out
}

export function decodePreKeyValue (bytes: Uint8Array): { createdAt: number, record: Uint8Array } {
  if (bytes.length < 9 || bytes[0] !== VERSION) throw new CorruptRecordError('bad prekey record')
  return { createdAt: decodeU64(bytes, 1), record: bytes.slice(9) }
}
