import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface PreKeyUploadBody {
  identityKey: Uint8Array<ArrayBuffer>
  deviceId: number
  relayPeerId: string
  timestamp: bigint
  signedPreKey?: Uint8Array<ArrayBuffer>
  lastResortKemPreKey?: Uint8Array<ArrayBuffer>
  oneTimePreKeys: Uint8Array<ArrayBuffer>[]
  kemOneTimePreKeys: Uint8Array<ArrayBuffer>[]
  retire: boolean
}

export namespace PreKeyUploadBody {
  let _codec: Codec<PreKeyUploadBody>

  export const codec = (): Codec<PreKeyUploadBody> => {
    if (_codec == null) {
      _codec = message<PreKeyUploadBody>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.identityKey != null && obj.identityKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.identityKey)
        }

        if ((obj.deviceId != null && obj.deviceId !== 0)) {
          w.uint32(16)
          w.uint32(obj.deviceId)
        }

        if ((obj.relayPeerId != null && obj.relayPeerId !== '')) {
          w.uint32(26)
          w.string(obj.relayPeerId)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(32)
          w.uint64(obj.timestamp)
        }

        if (obj.signedPreKey != null) {
          w.uint32(42)
          w.bytes(obj.signedPreKey)
        }

        if (obj.lastResortKemPreKey != null) {
          w.uint32(50)
          w.bytes(obj.lastResortKemPreKey)
        }

        if (obj.oneTimePreKeys != null && obj.oneTimePreKeys.length > 0) {
          for (const value of obj.oneTimePreKeys) {
            w.uint32(58)
            w.bytes(value)
          }
        }

        if (obj.kemOneTimePreKeys != null && obj.kemOneTimePreKeys.length > 0) {
          for (const value of obj.kemOneTimePreKeys) {
            w.uint32(66)
            w.bytes(value)
          }
        }

        if ((obj.retire != null && obj.retire !== false)) {
          w.uint32(72)
          w.bool(obj.retire)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          identityKey: uint8ArrayAlloc(0),
          deviceId: 0,
          relayPeerId: '',
          timestamp: 0n,
          oneTimePreKeys: [],
          kemOneTimePreKeys: [],
          retire: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.identityKey = reader.bytes()
              break
            }
            case 2: {
              obj.deviceId = reader.uint32()
              break
            }
            case 3: {
              obj.relayPeerId = reader.string()
              break
            }
            case 4: {
              obj.timestamp = reader.uint64()
              break
            }
            case 5: {
              obj.signedPreKey = reader.bytes()
              break
            }
            case 6: {
              obj.lastResortKemPreKey = reader.bytes()
              break
            }
            case 7: {
              if (opts.limits?.oneTimePreKeys != null && obj.oneTimePreKeys.length === opts.limits.oneTimePreKeys) {
                throw new MaxLengthError('Decode error - repeated field "oneTimePreKeys" had too many elements')
              }

              obj.oneTimePreKeys.push(reader.bytes())
              break
            }
            case 8: {
              if (opts.limits?.kemOneTimePreKeys != null && obj.kemOneTimePreKeys.length === opts.limits.kemOneTimePreKeys) {
                throw new MaxLengthError('Decode error - repeated field "kemOneTimePreKeys" had too many elements')
              }

              obj.kemOneTimePreKeys.push(reader.bytes())
              break
            }
            case 9: {
              obj.retire = reader.bool()
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
          oneTimePreKeys: 0,
          kemOneTimePreKeys: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.identityKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.deviceId`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.relayPeerId`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.signedPreKey`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.lastResortKemPreKey`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              if (opts.limits?.oneTimePreKeys != null && obj.oneTimePreKeys === opts.limits.oneTimePreKeys) {
                throw new MaxLengthError('Streaming decode error - repeated field "oneTimePreKeys" had too many elements')
              }

              yield {
                field: `${prefix}.oneTimePreKeys[]`,
                index: obj.oneTimePreKeys,
                value: reader.bytes()
              }

              obj.oneTimePreKeys++

              break
            }
            case 8: {
              if (opts.limits?.kemOneTimePreKeys != null && obj.kemOneTimePreKeys === opts.limits.kemOneTimePreKeys) {
                throw new MaxLengthError('Streaming decode error - repeated field "kemOneTimePreKeys" had too many elements')
              }

              yield {
                field: `${prefix}.kemOneTimePreKeys[]`,
                index: obj.kemOneTimePreKeys,
                value: reader.bytes()
              }

              obj.kemOneTimePreKeys++

              break
            }
            case 9: {
              yield {
                field: `${prefix}.retire`,
                value: reader.bool()
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

  export interface PreKeyUploadBodyIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyUploadBodyDeviceIdFieldEvent {
    field: '$.deviceId'
    value: number
  }

  export interface PreKeyUploadBodyRelayPeerIdFieldEvent {
    field: '$.relayPeerId'
    value: string
  }

  export interface PreKeyUploadBodyTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface PreKeyUploadBodySignedPreKeyFieldEvent {
    field: '$.signedPreKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyUploadBodyLastResortKemPreKeyFieldEvent {
    field: '$.lastResortKemPreKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyUploadBodyOneTimePreKeysFieldEvent {
    field: '$.oneTimePreKeys[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyUploadBodyKemOneTimePreKeysFieldEvent {
    field: '$.kemOneTimePreKeys[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyUploadBodyRetireFieldEvent {
    field: '$.retire'
    value: boolean
  }

  export function encode (obj: Partial<PreKeyUploadBody>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PreKeyUploadBody.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PreKeyUploadBody>): PreKeyUploadBody {
    return decodeMessage(buf, PreKeyUploadBody.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PreKeyUploadBody>): Generator<PreKeyUploadBodyIdentityKeyFieldEvent | PreKeyUploadBodyDeviceIdFieldEvent | PreKeyUploadBodyRelayPeerIdFieldEvent | PreKeyUploadBodyTimestampFieldEvent | PreKeyUploadBodySignedPreKeyFieldEvent | PreKeyUploadBodyLastResortKemPreKeyFieldEvent | PreKeyUploadBodyOneTimePreKeysFieldEvent | PreKeyUploadBodyKemOneTimePreKeysFieldEvent | PreKeyUploadBodyRetireFieldEvent> {
    return streamMessage(buf, PreKeyUploadBody.codec(), opts)
  }
}

export interface PreKeyRequest {
  type: PreKeyRequest.Type
  uploadBody: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
  identityKey: Uint8Array<ArrayBuffer>
  deviceId?: number
}

export namespace PreKeyRequest {
  export enum Type {
    UPLOAD = 'UPLOAD',
    FETCH = 'FETCH'
  }

  enum __TypeValues {
    UPLOAD = 0,
    FETCH = 1
  }

  export namespace Type {
    export const codec = (): Codec<Type> => {
      return enumeration<Type>(__TypeValues)
    }
  }

  let _codec: Codec<PreKeyRequest>

  export const codec = (): Codec<PreKeyRequest> => {
    if (_codec == null) {
      _codec = message<PreKeyRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.type != null && __TypeValues[obj.type] !== 0) {
          w.uint32(8)
          PreKeyRequest.Type.codec().encode(obj.type, w)
        }

        if ((obj.uploadBody != null && obj.uploadBody.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.uploadBody)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.signature)
        }

        if ((obj.identityKey != null && obj.identityKey.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.identityKey)
        }

        if (obj.deviceId != null) {
          w.uint32(40)
          w.uint32(obj.deviceId)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          type: Type.UPLOAD,
          uploadBody: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0),
          identityKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.type = PreKeyRequest.Type.codec().decode(reader)
              break
            }
            case 2: {
              obj.uploadBody = reader.bytes()
              break
            }
            case 3: {
              obj.signature = reader.bytes()
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
                value: PreKeyRequest.Type.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.uploadBody`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.signature`,
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

  export interface PreKeyRequestTypeFieldEvent {
    field: '$.type'
    value: PreKeyRequest.Type
  }

  export interface PreKeyRequestUploadBodyFieldEvent {
    field: '$.uploadBody'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyRequestSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyRequestIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyRequestDeviceIdFieldEvent {
    field: '$.deviceId'
    value: number
  }

  export function encode (obj: Partial<PreKeyRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PreKeyRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PreKeyRequest>): PreKeyRequest {
    return decodeMessage(buf, PreKeyRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PreKeyRequest>): Generator<PreKeyRequestTypeFieldEvent | PreKeyRequestUploadBodyFieldEvent | PreKeyRequestSignatureFieldEvent | PreKeyRequestIdentityKeyFieldEvent | PreKeyRequestDeviceIdFieldEvent> {
    return streamMessage(buf, PreKeyRequest.codec(), opts)
  }
}

export interface PreKeyResponse {
  status: PreKeyResponse.Status
  message: string
  retryAfterMs: number
  oneTimePreKeysLeft: number
  kemOneTimePreKeysLeft: number
  bundle: Uint8Array<ArrayBuffer>
}

export namespace PreKeyResponse {
  export enum Status {
    OK = 'OK',
    INVALID_REQUEST = 'INVALID_REQUEST',
    BAD_SIGNATURE = 'BAD_SIGNATURE',
    STALE_REQUEST = 'STALE_REQUEST',
    WRONG_RELAY = 'WRONG_RELAY',
    RATE_LIMITED = 'RATE_LIMITED',
    NOT_FOUND = 'NOT_FOUND',
    LIMIT_EXCEEDED = 'LIMIT_EXCEEDED',
    INTERNAL = 'INTERNAL'
  }

  enum __StatusValues {
    OK = 0,
    INVALID_REQUEST = 1,
    BAD_SIGNATURE = 2,
    STALE_REQUEST = 3,
    WRONG_RELAY = 4,
    RATE_LIMITED = 5,
    NOT_FOUND = 6,
    LIMIT_EXCEEDED = 7,
    INTERNAL = 8
  }

  export namespace Status {
    export const codec = (): Codec<Status> => {
      return enumeration<Status>(__StatusValues)
    }
  }

  let _codec: Codec<PreKeyResponse>

  export const codec = (): Codec<PreKeyResponse> => {
    if (_codec == null) {
      _codec = message<PreKeyResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.status != null && __StatusValues[obj.status] !== 0) {
          w.uint32(8)
          PreKeyResponse.Status.codec().encode(obj.status, w)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(18)
          w.string(obj.message)
        }

        if ((obj.retryAfterMs != null && obj.retryAfterMs !== 0)) {
          w.uint32(24)
          w.uint32(obj.retryAfterMs)
        }

        if ((obj.oneTimePreKeysLeft != null && obj.oneTimePreKeysLeft !== 0)) {
          w.uint32(32)
          w.uint32(obj.oneTimePreKeysLeft)
        }

        if ((obj.kemOneTimePreKeysLeft != null && obj.kemOneTimePreKeysLeft !== 0)) {
          w.uint32(40)
          w.uint32(obj.kemOneTimePreKeysLeft)
        }

        if ((obj.bundle != null && obj.bundle.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.bundle)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          status: Status.OK,
          message: '',
          retryAfterMs: 0,
          oneTimePreKeysLeft: 0,
          kemOneTimePreKeysLeft: 0,
          bundle: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.status = PreKeyResponse.Status.codec().decode(reader)
              break
            }
            case 2: {
              obj.message = reader.string()
              break
            }
            case 3: {
              obj.retryAfterMs = reader.uint32()
              break
            }
            case 4: {
              obj.oneTimePreKeysLeft = reader.uint32()
              break
            }
            case 5: {
              obj.kemOneTimePreKeysLeft = reader.uint32()
              break
            }
            case 6: {
              obj.bundle = reader.bytes()
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
                field: `${prefix}.status`,
                value: PreKeyResponse.Status.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.retryAfterMs`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.oneTimePreKeysLeft`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.kemOneTimePreKeysLeft`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.bundle`,
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

  export interface PreKeyResponseStatusFieldEvent {
    field: '$.status'
    value: PreKeyResponse.Status
  }

  export interface PreKeyResponseMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export interface PreKeyResponseRetryAfterMsFieldEvent {
    field: '$.retryAfterMs'
    value: number
  }

  export interface PreKeyResponseOneTimePreKeysLeftFieldEvent {
    field: '$.oneTimePreKeysLeft'
    value: number
  }

  export interface PreKeyResponseKemOneTimePreKeysLeftFieldEvent {
    field: '$.kemOneTimePreKeysLeft'
    value: number
  }

  export interface PreKeyResponseBundleFieldEvent {
    field: '$.bundle'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<PreKeyResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PreKeyResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PreKeyResponse>): PreKeyResponse {
    return decodeMessage(buf, PreKeyResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PreKeyResponse>): Generator<PreKeyResponseStatusFieldEvent | PreKeyResponseMessageFieldEvent | PreKeyResponseRetryAfterMsFieldEvent | PreKeyResponseOneTimePreKeysLeftFieldEvent | PreKeyResponseKemOneTimePreKeysLeftFieldEvent | PreKeyResponseBundleFieldEvent> {
    return streamMessage(buf, PreKeyResponse.codec(), opts)
  }
}
