/** Wire formats of 1:1 messages: the ratchet message (fixed binary layout) and the PQXDH first (prekey) message; knows no keys. */
import { concat, constantTimeEqual, readU32be } from '../bytes.js'
import { InvalidMessageError } from '../errors.js'
import { MLKEM768_CIPHERTEXT_LENGTH } from '../kem.js'
import { encodePb } from '../codec.js'
import { PreKeyMessagePb } from '../pb/messages.js'
import { AES_GCM_TAG_LENGTH } from '../provider.js'

/** First byte of every 1:1 message: its kind and format version. */
const RATCHET_MESSAGE_TYPE = 0x01
const PREKEY_MESSAGE_TYPE = 0x02
/** type(1) ‖ ratchet public key(32) ‖ previous chain length PN(4, BE) ‖ counter N(4, BE) */
export const RATCHET_HEADER_LENGTH = 1 + 32 + 4 + 4

export type MessageKind = 'message' | 'prekey'

export interface RatchetHeader { ratchetKey: Uint8Array, previousCounter: number, counter: number }
export interface ParsedRatchetMessage { header: RatchetHeader, headerBytes: Uint8Array, sealed: Uint8Array }

export interface PreKeyMessage {
  identityKey: Uint8Array
  baseKey: Uint8Array
  signedPreKeyId: number
  oneTimePreKeyId?: number
  kemPreKeyId: number
  kemCiphertext: Uint8Array
  /** the inner ratchet message */
  message: Uint8Array
}

/** Which kind of 1:1 message these bytes are (by the first byte); throws InvalidMessageError otherwise. */
export function messageKind (bytes: Uint8Array): MessageKind {
  if (bytes.length > 0 && bytes[0] === RATCHET_MESSAGE_TYPE) return 'message'
  if (bytes.length > 0 && bytes[0] === PREKEY_MESSAGE_TYPE) return 'prekey'
  throw new InvalidMessageError('Unknown message type')
}

export function encodeRatchetHeader (h: RatchetHeader): Uint8Array {
  const out = new Uint8Array(RATCHET_HEADER_LENGTH)
  out[0] = RATCHET_MESSAGE_TYPE
  out.set(h.ratchetKey, 1)
  const dv = new DataView(out.buffer)
  dv.setUint32(33, h.previousCounter >>> 0, false)
  dv.setUint32(37, h.counter >>> 0, false)
  return out
}

export function parseRatchetMessage (bytes: Uint8Array): ParsedRatchetMessage {
  if (bytes.length < RATCHET_HEADER_LENGTH + AES_GCM_TAG_LENGTH || bytes[0] !== RATCHET_MESSAGE_TYPE) throw new InvalidMessageError('Malformed ratchet message')
  const headerBytes = bytes.subarray(0, RATCHET_HEADER_LENGTH)
  return {
    header: { ratchetKey: bytes.slice(1, 33), previousCounter: readU32be(bytes, 33), counter: readU32be(bytes, 37) },
    headerBytes,
    sealed: bytes.subarray(RATCHET_HEADER_LENGTH)
  }
}

export function encodePreKeyMessage (m: PreKeyMessage): Uint8Array {
  return concat(Uint8Array.of(PREKEY_MESSAGE_TYPE), encodePb(PreKeyMessagePb, m))
}

export function parsePreKeyMessage (bytes: Uint8Array): PreKeyMessage {
  if (bytes.length < 1 || bytes[0] !== PREKEY_MESSAGE_TYPE) throw new InvalidMessageError('Malformed prekey message')
  let pb: PreKeyMessagePb
  try {
    pb = PreKeyMessagePb.decode(bytes.subarray(1))
  } catch {
    throw new InvalidMessageError('Malformed prekey message')
  }
  if (pb.identityKey.length !== 32 || pb.baseKey.length !== 32 || pb.kemCiphertext.length !== MLKEM768_CIPHERTEXT_LENGTH || pb.message.length === 0) {
    throw new InvalidMessageError('Malformed prekey message')
  }
  const m: PreKeyMessage = {
    identityKey: pb.identityKey,
    baseKey: pb.baseKey,
    signedPreKeyId: pb.signedPreKeyId,
    kemPreKeyId: pb.kemPreKeyId,
    kemCiphertext: pb.kemCiphertext,
    message: pb.message
  }
  if (pb.oneTimePreKeyId !== undefined) m.oneTimePreKeyId = pb.oneTimePreKeyId
  // canonical encoding only: protobuf decoding tolerates e.g. altered wire types, so a
  // re-encoding must give back the exact bytes (no malleable first messages)
  const canonical = encodePreKeyMessage(m)
  if (!constantTimeEqual(canonical, bytes)) throw new InvalidMessageError('Non-canonical prekey message')
  return m
}

/** The base key of a prekey message, so the session layer can find an existing session for it. */
export function preKeyMessageBaseKey (bytes: Uint8Array): Uint8Array {
  return parsePreKeyMessage(bytes).baseKey
}
