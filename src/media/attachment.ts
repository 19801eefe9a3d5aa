/** The attachment descriptor a message carries (docs/media.md): its fields and bounds, canonical encoding, and the view of it apps get (without the key). Knows no transfer, relay or store. */
import { fromString as fromBase64, toString as toBase64 } from 'uint8arrays'
import { constantTimeEqual, toHex } from '../crypto/bytes.js'
import {
  ATTACHMENT_FORMAT, BLOB_ID_BYTES, FILE_KEY_BYTES, MAX_BLOB_RELAYS, MAX_DIMENSION, MAX_DURATION_MS, MAX_FILE_BYTES, MAX_FILE_NAME_CHARS, MAX_MIME_LENGTH,
  MAX_PLACEHOLDER_BYTES, MAX_RELAY_ADDR_LENGTH, MAX_THUMBNAIL_BYTES, MAX_WAVEFORM_BYTES, SHA256_BYTES
} from './constants.js'
import { InvalidAttachmentError, MalformedAttachmentError } from './errors.js'
import { AttachmentPb } from './pb/attachment.js'

export type AttachmentKind = 'document' | 'photo' | 'video' | 'voice'
const KINDS: AttachmentKind[] = ['document', 'photo', 'video', 'voice']
const KIND_PB: Record<AttachmentKind, AttachmentPb.Kind> = { document: AttachmentPb.Kind.DOCUMENT, photo: AttachmentPb.Kind.PHOTO, video: AttachmentPb.Kind.VIDEO, voice: AttachmentPb.Kind.VOICE }

/** What the sender shows of a file before it is downloaded; every field optional. */
export interface AttachmentPreview {
  /** a small JPEG (at most MAX_THUMBNAIL_BYTES) */
  thumbnail?: Uint8Array
  /** a ThumbHash (at most MAX_PLACEHOLDER_BYTES): a blurred placeholder drawn before the thumbnail */
  placeholder?: Uint8Array
  width?: number
  height?: number
  durationMs?: number
  /** voice notes: loudness 0..255 per slice */
  waveform?: Uint8Array
}

/** A file as a message carries it. */
export interface Attachment extends AttachmentPreview {
  kind: AttachmentKind
  /** the blob's address at the relays */
  blobId: Uint8Array
  /** the file key: whoever holds it reads the file */
  key: Uint8Array
  /** plaintext bytes */
  size: number
  /** SHA-256 of the plaintext */
  sha256: Uint8Array
  mime: string
  /** the file's name; '' = none */
  name: string
  /** relays' multiaddrs the blob is at */
  relays: string[]
}

/** What apps see of an attachment: everything but the key and where the blob is. */
export interface AttachmentInfo extends AttachmentPreview {
  kind: AttachmentKind
  size: number
  /** hex */
  sha256: string
  mime: string
  name: string
}

const bytes = (x: unknown, what: string, max: number, exact?: number): Uint8Array => {
  if (!(x instanceof Uint8Array)) throw new InvalidAttachmentError(`${what} must be bytes`)
  if (exact != null ? x.length !== exact : x.length > max) throw new InvalidAttachmentError(exact != null ? `${what} is ${exact} bytes` : `${what} is at most ${max} bytes`)
  return x
}
const whole = (x: unknown, what: string, max: number): number => {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0 || x > max) throw new InvalidAttachmentError(`${what} is a whole number up to ${max}`)
  return x
}

/** A file name as shown and saved: no path, no control characters, at most MAX_FILE_NAME_CHARS. */
function checkName (name: unknown): string {
  if (typeof name !== 'string' || [...name].length > MAX_FILE_NAME_CHARS) throw new InvalidAttachmentError(`a file name is at most ${MAX_FILE_NAME_CHARS} characters`)
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f/\\]/.test(name) || name === '.' || name === '..') throw new InvalidAttachmentError('a file name has no slashes or control characters')
  return name
}

/** type/subtype, printable ASCII without spaces (RFC 6838 names). */
const MIME = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/

/** Throws InvalidAttachmentError for an attachment out of bounds; what encode and decode both check. */
export function checkAttachment (a: Attachment): void {
  if (a == null || typeof a !== 'object') throw new InvalidAttachmentError('an attachment is an object')
  if (!KINDS.includes(a.kind)) throw new InvalidAttachmentError('unknown attachment kind')
  bytes(a.blobId, 'a blob id', BLOB_ID_BYTES, BLOB_ID_BYTES)
  bytes(a.key, 'a file key', FILE_KEY_BYTES, FILE_KEY_BYTES)
  bytes(a.sha256, 'a file hash', SHA256_BYTES, SHA256_BYTES)
  whole(a.size, 'a file size', MAX_FILE_BYTES)
  if (typeof a.mime !== 'string' || a.mime.length > MAX_MIME_LENGTH || !MIME.test(a.mime)) throw new InvalidAttachmentError('a media type is type/subtype')
  checkName(a.name)
  if (!Array.isArray(a.relays) || a.relays.length === 0 || a.relays.length > MAX_BLOB_RELAYS) throw new InvalidAttachmentError(`a file is at 1..${MAX_BLOB_RELAYS} relays`)
  for (const r of a.relays) if (typeof r !== 'string' || r.length === 0 || r.length > MAX_RELAY_ADDR_LENGTH || !r.startsWith('/')) throw new InvalidAttachmentError('a relay is a multiaddr')
  checkPreview(a)
}

/** Throws InvalidAttachmentError for a preview out of bounds. */
export function checkPreview (p: AttachmentPreview): void {
  if (p.thumbnail != null) bytes(p.thumbnail, 'a thumbnail', MAX_THUMBNAIL_BYTES)
  if (p.placeholder != null) bytes(p.placeholder, 'a placeholder', MAX_PLACEHOLDER_BYTES)
  if (p.waveform != null) bytes(p.waveform, 'a waveform', MAX_WAVEFORM_BYTES)
  if (p.width != null) whole(p.width, 'a width', MAX_DIMENSION)
  if (p.height != null) whole(p.height, 'a height', MAX_DIMENSION)
  if (p.durationMs != null) whole(p.durationMs, 'a duration', MAX_DURATION_MS)
}

const copy = (b: Uint8Array): Uint8Array<ArrayBuffer> => Uint8Array.from(b)

/** The descriptor's bytes (canonical protobuf). InvalidAttachmentError for what a decoder would refuse. */
export function encodeAttachment (a: Attachment): Uint8Array {
  checkAttachment(a)
  return AttachmentPb.encode({
    format: ATTACHMENT_FORMAT,
    kind: KIND_PB[a.kind],
    blobId: copy(a.blobId),
    key: copy(a.key),
    size: a.size,
    sha256: copy(a.sha256),
    mime: a.mime,
    name: a.name,
    relays: [...a.relays],
    thumbnail: copy(a.thumbnail ?? new Uint8Array(0)),
    placeholder: copy(a.placeholder ?? new Uint8Array(0)),
    width: a.width ?? 0,
    height: a.height ?? 0,
    durationMs: a.durationMs ?? 0,
    waveform: copy(a.waveform ?? new Uint8Array(0))
  })
}

/** Reads a descriptor; MalformedAttachmentError for anything out of shape (another format, not canonical, a bound broken). */
export function decodeAttachment (b: Uint8Array): Attachment {
  let pb: AttachmentPb
  try {
    pb = AttachmentPb.decode(b, { limits: { relays: MAX_BLOB_RELAYS } })
  } catch {
    throw new MalformedAttachmentError()
  }
  if (pb.format !== ATTACHMENT_FORMAT) throw new MalformedAttachmentError()
  const kind = KINDS.find(k => KIND_PB[k] === pb.kind)
  if (kind == null || !Number.isSafeInteger(pb.size) || pb.size > MAX_FILE_BYTES) throw new MalformedAttachmentError()
  const a: Attachment = {
    kind,
    blobId: pb.blobId,
    key: pb.key,
    size: pb.size,
    sha256: pb.sha256,
    mime: pb.mime,
    name: pb.name,
    relays: pb.relays,
    ...(pb.thumbnail.length > 0 ? { thumbnail: pb.thumbnail } : {}),
    ...(pb.placeholder.length > 0 ? { placeholder: pb.placeholder } : {}),
    ...(pb.width > 0 ? { width: pb.width } : {}),
    ...(pb.height > 0 ? { height: pb.height } : {}),
    ...(pb.durationMs > 0 ? { durationMs: pb.durationMs } : {}),
    ...(pb.waveform.length > 0 ? { waveform: pb.waveform } : {})
  }
  try {
    checkAttachment(a)
  } catch (err) {
    if (err instanceof InvalidAttachmentError) throw new MalformedAttachmentError()
    throw err
  }
  if (!constantTimeEqual(encodeAttachment(a), b)) throw new MalformedAttachmentError()
  return a
}

/** The descriptor as the message store keeps it (base64) and back. */
export function attachmentToStored (a: Attachment): string {
  return toBase64(encodeAttachment(a), 'base64')
}

export function attachmentFromStored (s: string): Attachment {
  let raw: Uint8Array
  try {
    raw = fromBase64(s, 'base64')
  } catch {
    throw new MalformedAttachmentError()
  }
  return decodeAttachment(raw)
}

/** What apps see: no key, no blob address. */
export function attachmentInfo (a: Attachment): AttachmentInfo {
  return {
    kind: a.kind,
    size: a.size,
    sha256: toHex(a.sha256),
    mime: a.mime,
    name: a.name,
    ...previewOf(a)
  }
}

/** A preview's fields with byte fields of type B (bytes, or base64 text as a transfer record keeps them). */
export interface PreviewFields<B> { thumbnail?: B, placeholder?: B, width?: number, height?: number, durationMs?: number, waveform?: B }

/** The preview fields of anything that has them, only those set, the byte fields mapped by `convert` (e.g. to base64). */
export function previewOf<I, O = I> (p: PreviewFields<I>, convert: (b: I) => O = b => b as unknown as O): PreviewFields<O> {
  return {
    ...(p.thumbnail != null ? { thumbnail: convert(p.thumbnail) } : {}),
    ...(p.placeholder != null ? { placeholder: convert(p.placeholder) } : {}),
    ...(p.width != null ? { width: p.width } : {}),
    ...(p.height != null ? { height: p.height } : {}),
    ...(p.durationMs != null ? { durationMs: p.durationMs } : {}),
    ...(p.waveform != null ? { waveform: convert(p.waveform) } : {})
  }
}
