// The attachment descriptor (src/media/attachment.ts): round trips of every kind and field, each bound at the limit and one past, malformed and non-canonical bytes refused with MalformedAttachmentError, and the apps' view that never holds the key.
import { describe, expect, it } from 'vitest'
import { AttachmentPb } from '../../src/media/pb/attachment.js'
import {
  attachmentFromStored, attachmentInfo, attachmentToStored, decodeAttachment, encodeAttachment, type Attachment
} from '../../src/media/attachment.js'
import {
  MAX_BLOB_RELAYS, MAX_DIMENSION, MAX_DURATION_MS, MAX_FILE_BYTES, MAX_FILE_NAME_CHARS, MAX_PLACEHOLDER_BYTES, MAX_THUMBNAIL_BYTES, MAX_WAVEFORM_BYTES
} from '../../src/media/constants.js'
import { InvalidAttachmentError, MalformedAttachmentError } from '../../src/media/errors.js'

const fill = (n: number, v: number): Uint8Array => new Uint8Array(n).fill(v)
const RELAY = '/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'
const base: Attachment = { kind: 'document', blobId: fill(32, 1), key: fill(32, 2), size: 1234, sha256: fill(32, 3), mime: 'application/pdf', name: 'minutes.pdf', relays: [RELAY] }
const photo: Attachment = { ...base, kind: 'photo', mime: 'image/jpeg', name: '', thumbnail: fill(MAX_THUMBNAIL_BYTES, 4), placeholder: fill(MAX_PLACEHOLDER_BYTES, 5), width: 4032, height: 3024 }
const voice: Attachment = { ...base, kind: 'voice', mime: 'audio/webm', name: '', durationMs: 12_345, waveform: fill(MAX_WAVEFORM_BYTES, 6) }
const video: Attachment = { ...base, kind: 'video', mime: 'video/mp4', name: 'clip.mp4', durationMs: MAX_DURATION_MS, width: MAX_DIMENSION, height: 1, size: MAX_FILE_BYTES }

const invalid = (a: Partial<Attachment> & Record<string, unknown>): void => {
  expect(() => encodeAttachment({ ...base, ...a } as Attachment)).toThrow(InvalidAttachmentError)
}

describe('attachment descriptors', () => {
  it('round-trip every kind with every field, through the stored (base64) form too', () => {
    for (const a of [base, photo, voice, video]) {
      expect(decodeAttachment(encodeAttachment(a))).toEqual(a)
      expect(attachmentFromStored(attachmentToStored(a))).toEqual(a)
    }
    expect(decodeAttachment(encodeAttachment({ ...base, relays: Array.from({ length: MAX_BLOB_RELAYS }, () => RELAY), name: 'n'.repeat(MAX_FILE_NAME_CHARS) })).relays).toHaveLength(MAX_BLOB_RELAYS)
  })

  it('give apps a view without the key or where the blob is', () => {
    const info = attachmentInfo(photo)
    expect(info).toEqual({ kind: 'photo', size: 1234, sha256: '03'.repeat(32), mime: 'image/jpeg', name: '', thumbnail: photo.thumbnail, placeholder: photo.placeholder, width: 4032, height: 3024 })
    expect(JSON.stringify(Object.keys(info))).not.toMatch(/key|blob|relay/)
  })

  it('refuse to encode what is out of bounds', () => {
    invalid({ kind: 'sticker' as 'photo' })
    invalid({ blobId: fill(31, 1) })
    invalid({ key: fill(33, 1) })
    invalid({ sha256: 'x' as unknown as Uint8Array })
    invalid({ size: MAX_FILE_BYTES + 1 })
    invalid({ size: -1 })
    invalid({ size: 1.5 })
    invalid({ mime: 'pdf' })
    invalid({ mime: 'text/plain; charset=utf-8' })
    invalid({ name: 'n'.repeat(MAX_FILE_NAME_CHARS + 1) })
    invalid({ name: '../../etc/passwd' })
    invalid({ name: 'a\u0000b' })
    invalid({ name: '..' })
    invalid({ relays: [] })
    invalid({ relays: Array.from({ length: MAX_BLOB_RELAYS + 1 }, () => RELAY) })
    invalid({ relays: ['relay.example.com'] })
    invalid({ thumbnail: fill(MAX_THUMBNAIL_BYTES + 1, 1) })
    invalid({ placeholder: fill(MAX_PLACEHOLDER_BYTES + 1, 1) })
    invalid({ waveform: fill(MAX_WAVEFORM_BYTES + 1, 1) })
    invalid({ width: MAX_DIMENSION + 1 })
    invalid({ durationMs: MAX_DURATION_MS + 1 })
  })

  it('refuse malformed, foreign-format and non-canonical bytes as MalformedAttachmentError', () => {
    const good = encodeAttachment(base)
    const pb = AttachmentPb.decode(good)
    const bad = [
      new Uint8Array(0),
      Uint8Array.of(0xff, 0xff, 0xff),
      AttachmentPb.encode({ ...pb, format: 2 }),
      Uint8Array.from([...AttachmentPb.encode({ ...pb, kind: AttachmentPb.Kind.DOCUMENT }), 0x10, 0x09]),
      AttachmentPb.encode({ ...pb, blobId: Uint8Array.from(fill(16, 1)) }),
      AttachmentPb.encode({ ...pb, size: MAX_FILE_BYTES + 1 }),
      AttachmentPb.encode({ ...pb, name: 'a/b' }),
      AttachmentPb.encode({ ...pb, relays: Array.from({ length: MAX_BLOB_RELAYS + 1 }, () => RELAY) }),
      // the same fields with a trailing unknown field: not the canonical encoding
      Uint8Array.from([...good, 0x98, 0x06, 0x01])
    ]
    for (const b of bad) expect(() => decodeAttachment(b)).toThrow(MalformedAttachmentError)
    expect(() => attachmentFromStored('%%%')).toThrow(MalformedAttachmentError)
    expect(new MalformedAttachmentError().message).toBe('This attachment is damaged and cannot be opened.')
  })
})
