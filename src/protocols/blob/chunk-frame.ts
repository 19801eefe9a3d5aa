/** A CHUNK frame as parts (the protobuf header, then the chunk itself) so a chunk is sent without being copied into a frame buffer; the receiving side decodes it as any frame. Knows nothing of streams. */
import { encodeVarint } from '../frames.js'
import { ClientFrame, RelayFrame } from './pb/blob.js'

/** The protobuf key of `data` (field 3, length-delimited) in both ClientFrame and RelayFrame. */
const DATA_KEY = (3 << 3) | 2

function parts (header: Uint8Array, data: Uint8Array): Uint8Array[] {
  const prefix = encodeVarint(data.length)
  const head = new Uint8Array(header.length + 1 + prefix.length)
  head.set(header)
  head[header.length] = DATA_KEY
  head.set(prefix, header.length + 1)
  return [head, data]
}

/** An uploader's CHUNK frame: `ClientFrame { type: CHUNK, index, data }`, byte for byte what protons would encode. */
export function clientChunkParts (index: number, data: Uint8Array): Uint8Array[] {
  return parts(ClientFrame.encode({ type: ClientFrame.Type.CHUNK, index }), data)
}

/** A relay's CHUNK frame: `RelayFrame { type: CHUNK, index, data }`. */
export function relayChunkParts (index: number, data: Uint8Array): Uint8Array[] {
  return parts(RelayFrame.encode({ type: RelayFrame.Type.CHUNK, index }), data)
}
