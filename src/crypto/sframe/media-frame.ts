/** How Parley frames an encoded media frame for SFrame: which leading codec bytes stay in clear (authenticated as metadata) and which are encrypted; knows no WebRTC objects. */
import { concat } from '../bytes.js'
import { UnsupportedParameterError } from '../errors.js'
import { SFrameHeaderError, SFrameUnsupportedCodecError } from './errors.js'
import type { SFrameDecrypted, SFrameKeyring } from './keyring.js'
import type { SFrameSender } from './sender.js'

/**
 * A VP8 key frame keeps its 10-byte header in clear: the 3-byte frame tag (key-frame bit, version, show flag, first
 * partition size) and the start code with width and height (RFC 6386 §9.1). Chromium's VP8 depacketizer reads the
 * key-frame bit and the size from these bytes of the (transformed) frame; encrypted, every frame is taken for a key
 * frame or not at random and the receiver's reference tracking breaks (docs/sframe.md, "Measurement").
 */
export const VP8_KEY_FRAME_CLEAR_BYTES = 10
/** A VP8 interframe keeps its 3-byte frame tag in clear, for the same reason. */
export const VP8_DELTA_FRAME_CLEAR_BYTES = 3

/**
 * The bytes at the front of `frame` that stay in clear for codec `mimeType` (as in RTCEncodedVideoFrame /
 * RTCEncodedAudioFrame metadata, case-insensitive): 0 for audio (Opus and every audio codec: Chromium's audio
 * packetizers do not read the payload) and VP9 (its payload descriptor is built from the encoder's metadata), the
 * VP8 frame header for VP8. H.264 and AV1 are refused with SFrameUnsupportedCodecError: their packetizers split the
 * frame at NAL units and OBUs, which encryption hides (measured, docs/sframe.md). The sender's and the receiver's
 * answers agree because the bytes it reads are themselves the clear ones.
 */
export function sframeClearBytes (mimeType: string, frame: Uint8Array): number {
  const type = typeof mimeType === 'string' ? mimeType.toLowerCase() : ''
  if (type.startsWith('audio/')) return 0
  if (type === 'video/vp9') return 0
  if (type === 'video/vp8') {
    // the frame tag's lowest bit is the inverse key-frame flag (0: key frame)
    return frame.length > 0 && (frame[0] & 0x01) === 0 ? VP8_KEY_FRAME_CLEAR_BYTES : VP8_DELTA_FRAME_CLEAR_BYTES
  }
  throw new SFrameUnsupportedCodecError()
}

/** True when frames of `mimeType` can be protected (see sframeClearBytes). */
export function sframeSupportsCodec (mimeType: string): boolean {
  try {
    sframeClearBytes(mimeType, new Uint8Array(0))
    return true
  } catch {
    return false
  }
}

/**
 * An encoded frame as sent: its clear codec bytes, then the SFrame ciphertext of the rest with the clear bytes as
 * the metadata it authenticates. UnsupportedParameterError for a frame shorter than its clear part.
 */
export async function protectMediaFrame (sender: SFrameSender, mimeType: string, frame: Uint8Array): Promise<Uint8Array> {
  const clear = sframeClearBytes(mimeType, frame)
  if (frame.length < clear) throw new UnsupportedParameterError('Media frame shorter than its codec header')
  const head = frame.subarray(0, clear)
  return concat(head, await sender.encrypt(frame.subarray(clear), head))
}

/** A received frame of the same shape, decrypted into the encoded frame again; the keyring's errors, and SFrameHeaderError when nothing follows the clear bytes. */
export async function unprotectMediaFrame (keyring: SFrameKeyring, mimeType: string, data: Uint8Array): Promise<SFrameDecrypted & { frame: Uint8Array }> {
  const clear = sframeClearBytes(mimeType, data)
  if (data.length <= clear) throw new SFrameHeaderError('SFrame media frame truncated')
  const head = data.subarray(0, clear)
  const decrypted = await keyring.decrypt(data.subarray(clear), head)
  return { ...decrypted, frame: concat(head, decrypted.plaintext) }
}
