/** The SFrame header (RFC 9605 §4.3): config byte, then KID and CTR as shortest big-endian integers; knows no keys. */
import { UnsupportedParameterError } from '../errors.js'
import { SFRAME_MAX_UINT64 } from './constants.js'
import { SFrameHeaderError } from './errors.js'

/** A parsed header: its KID, CTR, and how many bytes of the input it took (the AAD is exactly those bytes). */
export interface SFrameHeader {
  kid: bigint
  ctr: bigint
  length: number
}

/** Values below this ride in the config byte's 3-bit field (flag 0); larger ones follow it (flag 1, field = length - 1). */
const INLINE_LIMIT = 8n
/** The longest KID or CTR field: 8 bytes (a 64-bit value). */
const MAX_FIELD_BYTES = 8
/** The longest header: config byte and two 8-byte fields. */
export const SFRAME_MAX_HEADER_BYTES = 1 + 2 * MAX_FIELD_BYTES

function checkValue (value: bigint, what: string): void {
  if (typeof value !== 'bigint' || value < 0n || value > SFRAME_MAX_UINT64) {
    throw new UnsupportedParameterError(`SFrame ${what} must be a bigint in 0 … 2^64 - 1`)
  }
}

/** Bytes of the shortest big-endian form of a value ≥ 8. */
function byteLength (value: bigint): number {
  let n = 1
  while (value >> BigInt(8 * n) > 0n) n++
  return n
}

function writeField (out: Uint8Array, offset: number, value: bigint, length: number): void {
  for (let i = length - 1; i >= 0; i--) {
    out[offset + i] = Number(value & 0xffn)
    value >>= 8n
  }
}

/** The config byte's half for one value (3 bits and its flag) and the bytes that follow, if any. */
function field (value: bigint): { nibble: number, length: number } {
  if (value < INLINE_LIMIT) return { nibble: Number(value), length: 0 }
  const length = byteLength(value)
  return { nibble: 0x8 | (length - 1), length }
}

/** The header for (KID, CTR): `X KKK Y CCC`, then the KID's bytes, then the CTR's. */
export function encodeSFrameHeader (kid: bigint, ctr: bigint): Uint8Array {
  checkValue(kid, 'KID')
  checkValue(ctr, 'CTR')
  const k = field(kid)
  const c = field(ctr)
  const out = new Uint8Array(1 + k.length + c.length)
  out[0] = (k.nibble << 4) | c.nibble
  if (k.length > 0) writeField(out, 1, kid, k.length)
  if (c.length > 0) writeField(out, 1 + k.length, ctr, c.length)
  return out
}

/** Reads a field of `length` bytes at `offset`, refusing a truncated input and a form that is not the shortest. */
function readField (bytes: Uint8Array, offset: number, length: number): bigint {
  if (offset + length > bytes.length) throw new SFrameHeaderError('SFrame header truncated')
  let value = 0n
  for (let i = 0; i < length; i++) value = (value << 8n) | BigInt(bytes[offset + i])
  // RFC 9605 §4.3: a value of 0-7 MUST be inline and a longer one MUST use the fewest bytes, so each (KID, CTR) has one header
  if (value < INLINE_LIMIT || byteLength(value) !== length) throw new SFrameHeaderError('SFrame header field not in shortest form')
  return value
}

/** Parses the header at the start of `bytes` (an SFrame ciphertext); SFrameHeaderError when truncated or not canonical. */
export function decodeSFrameHeader (bytes: Uint8Array): SFrameHeader {
  if (!(bytes instanceof Uint8Array)) throw new UnsupportedParameterError('SFrame ciphertext must be a Uint8Array')
  if (bytes.length === 0) throw new SFrameHeaderError('SFrame header truncated')
  const config = bytes[0]
  const kidNibble = config >> 4
  const ctrNibble = config & 0x0f
  let offset = 1
  let kid: bigint
  if ((kidNibble & 0x8) === 0) {
    kid = BigInt(kidNibble)
  } else {
    const length = (kidNibble & 0x7) + 1
    kid = readField(bytes, offset, length)
    offset += length
  }
  let ctr: bigint
  if ((ctrNibble & 0x8) === 0) {
    ctr = BigInt(ctrNibble)
  } else {
    const length = (ctrNibble & 0x7) + 1
    ctr = readField(bytes, offset, length)
    offset += length
  }
  return { kid, ctr, length: offset }
}
