import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface AttachmentPb {
  format: number
  kind: AttachmentPb.Kind
  blobId: Uint8Array<ArrayBuffer>
  key: Uint8Array<ArrayBuffer>
  size: number
  sha256: Uint8Array<ArrayBuffer>
  mime: string
  name: string
  relays: string[]
  thumbnail: Uint8Array<ArrayBuffer>
  placeholder: Uint8Array<ArrayBuffer>
  width: number
  height: number
  durationMs: number
  waveform: Uint8Array<ArrayBuffer>
}

export namespace AttachmentPb {
  export enum Kind {
    DOCUMENT = 'DOCUMENT',
    PHOTO = 'PHOTO',
    VIDEO = 'VIDEO',
    VOICE = 'VOICE'
  }

  enum __KindValues {
    DOCUMENT = 0,
    PHOTO = 1,
    VIDEO = 2,
    VOICE = 3
  }

  export namespace Kind {
    export const codec = (): Codec<Kind> => {
      return enumeration<Kind>(__KindValues)
    }
  }

  let _codec: Codec<AttachmentPb>

  export const codec = (): Codec<AttachmentPb> => {
    if (_codec == null) {
      _codec = message<AttachmentPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.format != null && obj.format !== 0)) {
          w.uint32(8)
          w.uint32(obj.format)
        }

        if (obj.kind != null && __KindValues[obj.kind] !== 0) {
          w.uint32(16)
          AttachmentPb.Kind.codec().encode(obj.kind, w)
        }

        if ((obj.blobId != null && obj.blobId.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.blobId)
        }

        if ((obj.key != null && obj.key.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.key)
        }

        if ((obj.size != null && obj.size !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.size)
        }

        if ((obj.sha256 != null && obj.sha256.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.sha256)
        }

        if ((obj.mime != null && obj.mime !== '')) {
          w.uint32(58)
          w.string(obj.mime)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(66)
          w.string(obj.name)
        }

        if (obj.relays != null && obj.relays.length > 0) {
          for (const value of obj.relays) {
            w.uint32(74)
            w.string(value)
          }
        }

        if ((obj.thumbnail != null && obj.thumbnail.byteLength > 0)) {
          w.uint32(82)
          w.bytes(obj.thumbnail)
        }

        if ((obj.placeholder != null && obj.placeholder.byteLength > 0)) {
          w.uint32(90)
          w.bytes(obj.placeholder)
        }

        if ((obj.width != null && obj.width !== 0)) {
          w.uint32(96)
          w.uint32(obj.width)
        }

        if ((obj.height != null && obj.height !== 0)) {
          w.uint32(104)
          w.uint32(obj.height)
        }

        if ((obj.durationMs != null && obj.durationMs !== 0)) {
          w.uint32(112)
          w.uint32(obj.durationMs)
        }

        if ((obj.waveform != null && obj.waveform.byteLength > 0)) {
          w.uint32(122)
          w.bytes(obj.waveform)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          format: 0,
          kind: Kind.DOCUMENT,
          blobId: uint8ArrayAlloc(0),
          key: uint8ArrayAlloc(0),
          size: 0,
          sha256: uint8ArrayAlloc(0),
          mime: '',
          name: '',
          relays: [],
          thumbnail: uint8ArrayAlloc(0),
          placeholder: uint8ArrayAlloc(0),
          width: 0,
          height: 0,
          durationMs: 0,
          waveform: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.format = reader.uint32()
              break
            }
            case 2: {
              obj.kind = AttachmentPb.Kind.codec().decode(reader)
              break
            }
            case 3: {
              obj.blobId = reader.bytes()
              break
            }
            case 4: {
              obj.key = reader.bytes()
              break
            }
            case 5: {
              obj.size = reader.uint64Number()
              break
            }
            case 6: {
              obj.sha256 = reader.bytes()
              break
            }
            case 7: {
              obj.mime = reader.string()
              break
            }
            case 8: {
              obj.name = reader.string()
              break
            }
            case 9: {
              if (opts.limits?.relays != null && obj.relays.length === opts.limits.relays) {
                throw new MaxLengthError('Decode error - repeated field "relays" had too many elements')
              }

              obj.relays.push(reader.string())
              break
            }
            case 10: {
              obj.thumbnail = reader.bytes()
              break
            }
            case 11: {
              obj.placeholder = reader.bytes()
              break
            }
            case 12: {
              obj.width = reader.uint32()
              break
            }
            case 13: {
              obj.height = reader.uint32()
              break
            }
            case 14: {
              obj.durationMs = reader.uint32()
              break
            }
            case 15: {
              obj.waveform = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          relays: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.format`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.kind`,
                value: AttachmentPb.Kind.codec().decode(reader)
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.blobId`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.key`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.size`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.sha256`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.mime`,
                value: reader.string()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 9: {
              if (opts.limits?.relays != null && obj.relays === opts.limits.relays) {
                throw new MaxLengthError('Streaming decode error - repeated field "relays" had too many elements')
              }

              yield {
                field: `${prefix}.relays[]`,
                index: obj.relays,
                value: reader.string()
              }

              obj.relays++

              break
            }
            case 10: {
              yield {
                field: `${prefix}.thumbnail`,
                value: reader.bytes()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.placeholder`,
                value: reader.bytes()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.width`,
                value: reader.uint32()
              }
              break
            }
            case 13: {
              yield {
                field: `${prefix}.height`,
                value: reader.uint32()
              }
              break
            }
            case 14: {
              yield {
                field: `${prefix}.durationMs`,
                value: reader.uint32()
              }
              break
            }
            case 15: {
              yield {
                field: `${prefix}.waveform`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface AttachmentPbFormatFieldEvent {
    field: '$.format'
    value: number
  }

  export interface AttachmentPbKindFieldEvent {
    field: '$.kind'
    value: AttachmentPb.Kind
  }

  export interface AttachmentPbBlobIdFieldEvent {
    field: '$.blobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AttachmentPbKeyFieldEvent {
    field: '$.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AttachmentPbSizeFieldEvent {
    field: '$.size'
    value: number
  }

  export interface AttachmentPbSha256FieldEvent {
    field: '$.sha256'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AttachmentPbMimeFieldEvent {
    field: '$.mime'
    value: string
  }

  export interface AttachmentPbNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface AttachmentPbRelaysFieldEvent {
    field: '$.relays[]'
    index: number
    value: string
  }

  export interface AttachmentPbThumbnailFieldEvent {
    field: '$.thumbnail'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AttachmentPbPlaceholderFieldEvent {
    field: '$.placeholder'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AttachmentPbWidthFieldEvent {
    field: '$.width'
    value: number
  }

  export interface AttachmentPbHeightFieldEvent {
    field: '$.height'
    value: number
  }

  export interface AttachmentPbDurationMsFieldEvent {
    field: '$.durationMs'
    value: number
  }

  export interface AttachmentPbWaveformFieldEvent {
    field: '$.waveform'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<AttachmentPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AttachmentPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AttachmentPb>): AttachmentPb {
    return decodeMessage(buf, AttachmentPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AttachmentPb>): Generator<AttachmentPbFormatFieldEvent | AttachmentPbKindFieldEvent | AttachmentPbBlobIdFieldEvent | AttachmentPbKeyFieldEvent | AttachmentPbSizeFieldEvent | AttachmentPbSha256FieldEvent | AttachmentPbMimeFieldEvent | AttachmentPbNameFieldEvent | AttachmentPbRelaysFieldEvent | AttachmentPbThumbnailFieldEvent | AttachmentPbPlaceholderFieldEvent | AttachmentPbWidthFieldEvent | AttachmentPbHeightFieldEvent | AttachmentPbDurationMsFieldEvent | AttachmentPbWaveformFieldEvent> {
    return streamMessage(buf, AttachmentPb.codec(), opts)
  }
}
