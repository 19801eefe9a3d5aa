/** A CHUNK frame as parts: encoded as the protobuf header then the chunk itself (sent without being copied into a frame buffer), and decoded with the chunk left in the pieces it arrived in (never joined). Knows nothing of streams. */
import { Uint8ArrayList } from 'uint8arraylist'
import { encodeVarint } from '../frames.js'
import { ClientFrame, RelayFrame } from './pb/blob.js'

/** The protobuf field number of `data` in both ClientFrame and RelayFrame. */
const DATA_FIELD = 3
/** The protobuf key of `data` (field 3, length-delimited). */
const DATA_KEY = (DATA_FIELD << 3) | 2

function parts (header: Uint8Array, data: Uint8Array | readonly Uint8Array[]): Uint8Array[] {
  const pieces = data instanceof Uint8Array ? [data] : data
  const prefix = encodeVarint(pieces.reduce((n, p) => n + p.length, 0))
  const head = new Uint8Array(header.length + 1 + prefix.length)
  head.set(header)
  head[header.length] = DATA_KEY
  head.set(prefix, header.length + 1)
  return [head, ...pieces]
}

/** An uploader's CHUNK frame: `ClientFrame { type: CHUNK, index, data }`, byte for byte what protons would encode (`data` may come in parts). */
export function clientChunkParts (index: number, data: Uint8Array | readonly Uint8Array[]): Uint8Array[] {
  return parts(ClientFrame.encode({ type: ClientFrame.Type.CHUNK, index }), data)
}

/** A relay's CHUNK frame: `RelayFrame { type: CHUNK, index, data }`. */
export function relayChunkParts (index: number, data: Uint8Array | readonly Uint8Array[]): Uint8Array[] {
  return parts(RelayFrame.encode({ type: RelayFrame.Type.CHUNK, index }), data)
}

/** The varint at `at` in `list`: its value and the offset after it, or undefined when it runs past the end or past 2^53. */
function varintAt (list: Uint8ArrayList, at: number): { value: number, end: number } | undefined {
  let value = 0
  let scale = 1
  for (let i = at; i < list.byteLength && i - at < 8; i++) {
    const b = list.get(i)
    value += (b & 0x7f) * scale
    scale *= 128
    if (b < 0x80) return { value, end: i + 1 }
  }
  return undefined
}

/**
 * Splits the `data` field out of an encoded ClientFrame or RelayFrame held in pieces: `rest` is the frame without it
 * (a few bytes, for the generated decoder) and `data` the field's bytes as sublists of the pieces (no copy).
 * Undefined when the frame has no `data` field, has it twice, or does not parse as protobuf: the caller then decodes
 * the whole frame as usual (which gives the same fields, or the decoder's error).
 */
export function splitDataField (frame: Uint8ArrayList): { rest: Uint8Array, data: Uint8Array[] } | undefined {
  const length = frame.byteLength
  let at = 0
  let found: { key: number, start: number, end: number } | undefined
  while (at < length) {
    const key = varintAt(frame, at)
    if (key == null) return undefined
    const wireType = key.value % 8
    let end: number
    if (wireType === 0) {
      const v = varintAt(frame, key.end)
      if (v == null) return undefined
      end = v.end
    } else if (wireType === 1) {
      end = key.end + 8
    } else if (wireType === 2) {
      const n = varintAt(frame, key.end)
      if (n == null) return undefined
      end = n.end + n.value
      if (Math.floor(key.value / 8) === DATA_FIELD) {
        if (found != null) return undefined
        found = { key: at, start: n.end, end }
      }
    } else if (wireType === 5) {
      end = key.end + 4
    } else {
      return undefined
    }
    if (end > length) return undefined
    at = end
  }
  if (found == null) return undefined
  const rest = new Uint8ArrayList(frame.sublist(0, found.key), frame.sublist(found.end)).subarray()
  return { rest, data: [...frame.sublist(found.start, found.end)] }
}
