/** The bytes of a group message (`0x03 ‖ SenderKeyMessageBodyPb ‖ signature`), written and, in the form written, read without the protons codec's writer and reader objects; knows no keys and no cryptography. */
import { SIGNATURE_LENGTH } from './identity.js'

export const SENDER_KEY_MESSAGE_TYPE = 0x03

/** The fields of SenderKeyMessageBodyPb. */
export interface MessageBody { chainId: number, iteration: number, ciphertext: Uint8Array }

/** Bytes of `n` (a uint32) as a protobuf varint. */
function varintLength (n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5
}

function writeVarint (out: Uint8Array, off: number, n: number): number {
  while (n >= 0x80) {
    out[off++] = (n & 0x7f) | 0x80
    n >>>= 7
  }
  out[off++] = n
  return off
}

/**
 * `0x03 ‖ SenderKeyMessageBodyPb{chainId, iteration, ciphertext}` followed by SIGNATURE_LENGTH bytes of room for the
 * signature, in one array. The body is written as the protons codec writes it (fields in number order, a field at
 * its zero value left out, uint32 values taken `>>> 0`), so the bytes are the same (a test compares them); this
 * saves the codec's writer objects and two copies of the message per encryption.
 */
export function unsignedMessage (chainId: number, iteration: number, ciphertext: Uint8Array): { message: Uint8Array, signedLength: number } {
  const id = chainId >>> 0
  const it = iteration >>> 0
  const fields = (chainId !== 0 ? 1 + varintLength(id) : 0) + (iteration !== 0 ? 1 + varintLength(it) : 0) +
    (ciphertext.length > 0 ? 1 + varintLength(ciphertext.length) + ciphertext.length : 0)
  const message = new Uint8Array(1 + fields + SIGNATURE_LENGTH)
  message[0] = SENDER_KEY_MESSAGE_TYPE
  let off = 1
  if (chainId !== 0) {
    message[off++] = 0x08 // field 1, varint
    off = writeVarint(message, off, id)
  }
  if (iteration !== 0) {
    message[off++] = 0x10 // field 2, varint
    off = writeVarint(message, off, it)
  }
  if (ciphertext.length > 0) {
    message[off++] = 0x1a // field 3, length-delimited
    off = writeVarint(message, off, ciphertext.length)
    message.set(ciphertext, off)
    off += ciphertext.length
  }
  return { message, signedLength: off }
}

/** Where decodeWrittenBody is reading (one call at a time: synchronous). */
const cursor = { off: 0 }

/** The shortest-form varint of at most 32 bits at `cursor.off` (moving past it), or -1 for anything else. */
function shortestVarint (bytes: Uint8Array): number {
  let value = 0
  let scale = 1
  for (let i = 0, off = cursor.off; i < 5 && off < bytes.length; i++, off++) {
    const byte = bytes[off]
    value += (byte & 0x7f) * scale
    if (byte < 0x80) {
      if ((i > 0 && byte === 0) || value > 0xffffffff) return -1
      cursor.off = off + 1
      return value
    }
    scale *= 0x80
  }
  return -1
}

/**
 * A message body in exactly the form unsignedMessage writes (fields in number order, each at most once, chain id and
 * iteration left out at zero and otherwise shortest-form varints, a non-empty ciphertext ending the bytes), read
 * without the protons codec's reader objects; undefined for any other form, which the codec then decodes. For the
 * bytes it accepts the codec gives the same values, so every message decodes (or is refused) exactly as before.
 */
export function decodeWrittenBody (bytes: Uint8Array): MessageBody | undefined {
  let chainId = 0
  let iteration = 0
  cursor.off = 0
  if (bytes[cursor.off] === 0x08) {
    cursor.off++
    chainId = shortestVarint(bytes)
    if (chainId <= 0) return undefined
  }
  if (bytes[cursor.off] === 0x10) {
    cursor.off++
    iteration = shortestVarint(bytes)
    if (iteration <= 0) return undefined
  }
  if (bytes[cursor.off] !== 0x1a) return undefined
  cursor.off++
  const length = shortestVarint(bytes)
  if (length <= 0 || cursor.off + length !== bytes.length) return undefined
  return { chainId, iteration, ciphertext: bytes.subarray(cursor.off) }
}
