/** Byte helpers: concatenation, constant-time equality, wiping, fixed-width integers, hex, block padding; knows no cryptography. */

export function concat (...parts: Uint8Array[]): Uint8Array {
  let len = 0
  for (const p of parts) len += p.length
  const out = new Uint8Array(len)
  let off = 0
  for (const p of parts) { out.set(p, off); off += p.length }
  return out
}

/** Byte equality in constant time for equal lengths (length itself is not secret): the one byte comparison of the project, for secrets and public data alike. */
export function constantTimeEqual (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i]
  return diff === 0
}

/** Overwrite temporaries holding secrets. */
export function wipe (...arrays: Array<Uint8Array | undefined>): void {
  for (const a of arrays) a?.fill(0)
}

export function isAllZero (a: Uint8Array): boolean {
  let acc = 0
  for (let i = 0; i < a.length; i++) acc |= a[i]
  return acc === 0
}

export function u32be (n: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, n >>> 0, false)
  return out
}

export function readU32be (a: Uint8Array, offset: number): number {
  return new DataView(a.buffer, a.byteOffset, a.byteLength).getUint32(offset, false)
}

const encoder = new TextEncoder()
export function utf8 (s: string): Uint8Array {
  return encoder.encode(s)
}

/** Lower-case hex of bytes (public data: keys, ids; never a secret in a log). */
export function toHex (a: Uint8Array): string {
  let s = ''
  for (let i = 0; i < a.length; i++) s += a[i].toString(16).padStart(2, '0')
  return s
}

/** Bytes of a lower-case hex string. */
export function fromHex (hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >>> 1)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}

/** Lexicographic order of byte strings (shorter first when one is a prefix of the other). */
export function compareBytes (a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i] - b[i]
  }
  return a.length - b.length
}

/** Pads `body` as `body ‖ 0x80 ‖ 0x00…` up to the next multiple of `block` (always at least the marker), so lengths reveal only a bucket. */
export function padToBlock (body: Uint8Array, block: number): Uint8Array {
  const padded = new Uint8Array(Math.ceil((body.length + 1) / block) * block)
  padded.set(body)
  padded[body.length] = 0x80
  return padded
}

/** The body of `body ‖ 0x80 ‖ 0x00…` (any number of zeros), or undefined when the marker is missing. */
export function unpadBlock (padded: Uint8Array): Uint8Array | undefined {
  let end = padded.length - 1
  while (end >= 0 && padded[end] === 0) end--
  if (end < 0 || padded[end] !== 0x80) return undefined
  return padded.subarray(0, end)
}

/** Writes `n` as 4 big-endian bytes at `offset` (as `u32be`, without a new array); returns the offset after them. */
export function writeU32be (a: Uint8Array, offset: number, n: number): number {
  const v = n >>> 0
  a[offset] = v >>> 24
  a[offset + 1] = v >>> 16
  a[offset + 2] = v >>> 8
  a[offset + 3] = v
  return offset + 4
}
