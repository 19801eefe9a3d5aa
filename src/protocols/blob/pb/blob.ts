import { decodeMessage, encodeMessage, enumeration, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface ClientFrame {
  type: ClientFrame.Type
  index: number
  data: Uint8Array<ArrayBuffer>
  identityKey: Uint8Array<ArrayBuffer>
  deviceId: number
  uploadId: Uint8Array<ArrayBuffer>
  totalBytes: number
  chunkBytes: number
  timestamp: bigint
  signature: Uint8Array<ArrayBuffer>
  blobId: Uint8Array<ArrayBuffer>
  fromChunk: number
  toChunk?: number
  credit: number
}

export namespace ClientFrame {
  export enum Type {
    UPLOAD = 'UPLOAD',
    AUTH = 'AUTH',
    CHUNK = 'CHUNK',
    DOWNLOAD = 'DOWNLOAD',
    CREDIT = 'CREDIT',
    TOUCH = 'TOUCH',
    DELETE = 'DELETE'
  }

  enum __TypeValues {
    UPLOAD = 0,
    AUTH = 1,
    CHUNK = 2,
    DOWNLOAD = 3,
    CREDIT = 4,
    TOUCH = 5,
    DELETE = 6
  }

  export namespace Type {
    export const codec = (): Codec<Type> => {
      return enumeration<Type>(__TypeValues)
    }
  }

  let _codec: Codec<ClientFrame>

  export const codec = (): Codec<ClientFrame> => {
    if (_codec == null) {
      _codec = message<ClientFrame>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.type != null && __TypeValues[obj.type] !== 0) {
          w.uint32(8)
          ClientFrame.Type.codec().encode(obj.type, w)
        }

        if ((obj.index != null && obj.index !== 0)) {
          w.uint32(16)
          w.uint32(obj.index)
        }

        if ((obj.data != null && obj.data.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.data)
        }

        if ((obj.identityKey != null && obj.identityKey.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.identityKey)
        }

        if ((obj.deviceId != null && obj.deviceId !== 0)) {
          w.uint32(40)
          w.uint32(obj.deviceId)
        }

        if ((obj.uploadId != null && obj.uploadId.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.uploadId)
        }

        if ((obj.totalBytes != null && obj.totalBytes !== 0)) {
          w.uint32(56)
          w.uint64Number(obj.totalBytes)
        }

        if ((obj.chunkBytes != null && obj.chunkBytes !== 0)) {
          w.uint32(64)
          w.uint32(obj.chunkBytes)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(72)
          w.uint64(obj.timestamp)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(82)
          w.bytes(obj.signature)
        }

        if ((obj.blobId != null && obj.blobId.byteLength > 0)) {
          w.uint32(90)
          w.bytes(obj.blobId)
        }

        if ((obj.fromChunk != null && obj.fromChunk !== 0)) {
          w.uint32(96)
          w.uint32(obj.fromChunk)
        }

        if (obj.toChunk != null) {
          w.uint32(104)
          w.uint32(obj.toChunk)
        }

        if ((obj.credit != null && obj.credit !== 0)) {
          w.uint32(112)
          w.uint64Number(obj.credit)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          type: Type.UPLOAD,
          index: 0,
          data: uint8ArrayAlloc(0),
          identityKey: uint8ArrayAlloc(0),
          deviceId: 0,
          uploadId: uint8ArrayAlloc(0),
          totalBytes: 0,
          chunkBytes: 0,
          timestamp: 0n,
          signature: uint8ArrayAlloc(0),
          blobId: uint8ArrayAlloc(0),
          fromChunk: 0,
          credit: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.type = ClientFrame.Type.codec().decode(reader)
              break
            }
            case 2: {
              obj.index = reader.uint32()
              break
            }
            case 3: {
              obj.data = reader.bytes()
              break
            }
            case 4: {
              obj.identityKey = reader.bytes()
              break
            }
            case 5: {
              obj.deviceId = reader.uint32()
              break
            }
            case 6: {
              obj.uploadId = reader.bytes()
              break
            }
            case 7: {
              obj.totalBytes = reader.uint64Number()
              break
            }
            case 8: {
              obj.chunkBytes = reader.uint32()
              break
            }
            case 9: {
              obj.timestamp = reader.uint64()
              break
            }
            case 10: {
              obj.signature = reader.bytes()
              break
            }
            case 11: {
              obj.blobId = reader.bytes()
              break
            }
            case 12: {
              obj.fromChunk = reader.uint32()
              break
            }
            case 13: {
              obj.toChunk = reader.uint32()
              break
            }
            case 14: {
              obj.credit = reader.uint64Number()
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
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.type`,
                value: ClientFrame.Type.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.index`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.data`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.identityKey`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.deviceId`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.uploadId`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.totalBytes`,
                value: reader.uint64Number()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.chunkBytes`,
                value: reader.uint32()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.blobId`,
                value: reader.bytes()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.fromChunk`,
                value: reader.uint32()
              }
              break
            }
            case 13: {
              yield {
                field: `${prefix}.toChunk`,
                value: reader.uint32()
              }
              break
            }
            case 14: {
              yield {
                field: `${prefix}.credit`,
                value: reader.uint64Number()
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

  export interface ClientFrameTypeFieldEvent {
    field: '$.type'
    value: ClientFrame.Type
  }

  export interface ClientFrameIndexFieldEvent {
    field: '$.index'
    value: number
  }

  export interface ClientFrameDataFieldEvent {
    field: '$.data'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientFrameIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientFrameDeviceIdFieldEvent {
    field: '$.deviceId'
    value: number
  }

  export interface ClientFrameUploadIdFieldEvent {
    field: '$.uploadId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientFrameTotalBytesFieldEvent {
    field: '$.totalBytes'
    value: number
  }

  export interface ClientFrameChunkBytesFieldEvent {
    field: '$.chunkBytes'
    value: number
  }

  export interface ClientFrameTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface ClientFrameSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientFrameBlobIdFieldEvent {
    field: '$.blobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientFrameFromChunkFieldEvent {
    field: '$.fromChunk'
    value: number
  }

  export interface ClientFrameToChunkFieldEvent {
    field: '$.toChunk'
    value: number
  }

  export interface ClientFrameCreditFieldEvent {
    field: '$.credit'
    value: number
  }

  export function encode (obj: Partial<ClientFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ClientFrame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClientFrame>): ClientFrame {
    return decodeMessage(buf, ClientFrame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClientFrame>): Generator<ClientFrameTypeFieldEvent | ClientFrameIndexFieldEvent | ClientFrameDataFieldEvent | ClientFrameIdentityKeyFieldEvent | ClientFrameDeviceIdFieldEvent | ClientFrameUploadIdFieldEvent | ClientFrameTotalBytesFieldEvent | ClientFrameChunkBytesFieldEvent | ClientFrameTimestampFieldEvent | ClientFrameSignatureFieldEvent | ClientFrameBlobIdFieldEvent | ClientFrameFromChunkFieldEvent | ClientFrameToChunkFieldEvent | ClientFrameCreditFieldEvent> {
    return streamMessage(buf, ClientFrame.codec(), opts)
  }
}

export interface RelayFrame {
  type: RelayFrame.Type
  index: number
  data: Uint8Array<ArrayBuffer>
  status: RelayFrame.Status
  message: string
  retryAfterMs: number
  relayFull: boolean
  nonce: Uint8Array<ArrayBuffer>
  committedChunks: number
  blobId: Uint8Array<ArrayBuffer>
  expiresAt: bigint
  totalBytes: number
  chunkBytes: number
}

export namespace RelayFrame {
  export enum Type {
    RESULT = 'RESULT',
    CHALLENGE = 'CHALLENGE',
    READY = 'READY',
    COMMITTED = 'COMMITTED',
    HEADER = 'HEADER',
    CHUNK = 'CHUNK'
  }

  enum __TypeValues {
    RESULT = 0,
    CHALLENGE = 1,
    READY = 2,
    COMMITTED = 3,
    HEADER = 4,
    CHUNK = 5
  }

  export namespace Type {
    export const codec = (): Codec<Type> => {
      return enumeration<Type>(__TypeValues)
    }
  }

  export enum Status {
    OK = 'OK',
    MALFORMED = 'MALFORMED',
    AUTH_FAILED = 'AUTH_FAILED',
    RATE_LIMITED = 'RATE_LIMITED',
    NOT_FOUND = 'NOT_FOUND',
    QUOTA = 'QUOTA',
    TOO_LARGE = 'TOO_LARGE',
    MISMATCH = 'MISMATCH',
    INTERNAL = 'INTERNAL'
  }

  enum __StatusValues {
    OK = 0,
    MALFORMED = 1,
    AUTH_FAILED = 2,
    RATE_LIMITED = 3,
    NOT_FOUND = 4,
    QUOTA = 5,
    TOO_LARGE = 6,
    MISMATCH = 7,
    INTERNAL = 8
  }

  export namespace Status {
    export const codec = (): Codec<Status> => {
      return enumeration<Status>(__StatusValues)
    }
  }

  let _codec: Codec<RelayFrame>

  export const codec = (): Codec<RelayFrame> => {
    if (_codec == null) {
      _codec = message<RelayFrame>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.type != null && __TypeValues[obj.type] !== 0) {
          w.uint32(8)
          RelayFrame.Type.codec().encode(obj.type, w)
        }

        if ((obj.index != null && obj.index !== 0)) {
          w.uint32(16)
          w.uint32(obj.index)
        }

        if ((obj.data != null && obj.data.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.data)
        }

        if (obj.status != null && __StatusValues[obj.status] !== 0) {
          w.uint32(32)
          RelayFrame.Status.codec().encode(obj.status, w)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(42)
          w.string(obj.message)
        }

        if ((obj.retryAfterMs != null && obj.retryAfterMs !== 0)) {
          w.uint32(48)
          w.uint32(obj.retryAfterMs)
        }

        if ((obj.relayFull != null && obj.relayFull !== false)) {
          w.uint32(56)
          w.bool(obj.relayFull)
        }

        if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.nonce)
        }

        if ((obj.committedChunks != null && obj.committedChunks !== 0)) {
          w.uint32(72)
          w.uint32(obj.committedChunks)
        }

        if ((obj.blobId != null && obj.blobId.byteLength > 0)) {
          w.uint32(82)
          w.bytes(obj.blobId)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0n)) {
          w.uint32(88)
          w.uint64(obj.expiresAt)
        }

        if ((obj.totalBytes != null && obj.totalBytes !== 0)) {
          w.uint32(96)
          w.uint64Number(obj.totalBytes)
        }

        if ((obj.chunkBytes != null && obj.chunkBytes !== 0)) {
          w.uint32(104)
          w.uint32(obj.chunkBytes)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          type: Type.RESULT,
          index: 0,
          data: uint8ArrayAlloc(0),
          status: Status.OK,
          message: '',
          retryAfterMs: 0,
          relayFull: false,
          nonce: uint8ArrayAlloc(0),
          committedChunks: 0,
          blobId: uint8ArrayAlloc(0),
          expiresAt: 0n,
          totalBytes: 0,
          chunkBytes: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.type = RelayFrame.Type.codec().decode(reader)
              break
            }
            case 2: {
              obj.index = reader.uint32()
              break
            }
            case 3: {
              obj.data = reader.bytes()
              break
            }
            case 4: {
              obj.status = RelayFrame.Status.codec().decode(reader)
              break
            }
            case 5: {
              obj.message = reader.string()
              break
            }
            case 6: {
              obj.retryAfterMs = reader.uint32()
              break
            }
            case 7: {
              obj.relayFull = reader.bool()
              break
            }
            case 8: {
              obj.nonce = reader.bytes()
              break
            }
            case 9: {
              obj.committedChunks = reader.uint32()
              break
            }
            case 10: {
              obj.blobId = reader.bytes()
              break
            }
            case 11: {
              obj.expiresAt = reader.uint64()
              break
            }
            case 12: {
              obj.totalBytes = reader.uint64Number()
              break
            }
            case 13: {
              obj.chunkBytes = reader.uint32()
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
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.type`,
                value: RelayFrame.Type.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.index`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.data`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.status`,
                value: RelayFrame.Status.codec().decode(reader)
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.retryAfterMs`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.relayFull`,
                value: reader.bool()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.nonce`,
                value: reader.bytes()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.committedChunks`,
                value: reader.uint32()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.blobId`,
                value: reader.bytes()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.totalBytes`,
                value: reader.uint64Number()
              }
              break
            }
            case 13: {
              yield {
                field: `${prefix}.chunkBytes`,
                value: reader.uint32()
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

  export interface RelayFrameTypeFieldEvent {
    field: '$.type'
    value: RelayFrame.Type
  }

  export interface RelayFrameIndexFieldEvent {
    field: '$.index'
    value: number
  }

  export interface RelayFrameDataFieldEvent {
    field: '$.data'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RelayFrameStatusFieldEvent {
    field: '$.status'
    value: RelayFrame.Status
  }

  export interface RelayFrameMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export interface RelayFrameRetryAfterMsFieldEvent {
    field: '$.retryAfterMs'
    value: number
  }

  export interface RelayFrameRelayFullFieldEvent {
    field: '$.relayFull'
    value: boolean
  }

  export interface RelayFrameNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RelayFrameCommittedChunksFieldEvent {
    field: '$.committedChunks'
    value: number
  }

  export interface RelayFrameBlobIdFieldEvent {
    field: '$.blobId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RelayFrameExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: bigint
  }

  export interface RelayFrameTotalBytesFieldEvent {
    field: '$.totalBytes'
    value: number
  }

  export interface RelayFrameChunkBytesFieldEvent {
    field: '$.chunkBytes'
    value: number
  }

  export function encode (obj: Partial<RelayFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RelayFrame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RelayFrame>): RelayFrame {
    return decodeMessage(buf, RelayFrame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RelayFrame>): Generator<RelayFrameTypeFieldEvent | RelayFrameIndexFieldEvent | RelayFrameDataFieldEvent | RelayFrameStatusFieldEvent | RelayFrameMessageFieldEvent | RelayFrameRetryAfterMsFieldEvent | RelayFrameRelayFullFieldEvent | RelayFrameNonceFieldEvent | RelayFrameCommittedChunksFieldEvent | RelayFrameBlobIdFieldEvent | RelayFrameExpiresAtFieldEvent | RelayFrameTotalBytesFieldEvent | RelayFrameChunkBytesFieldEvent> {
    return streamMessage(buf, RelayFrame.codec(), opts)
  }
}
