import { decodeMessage, encodeMessage, enumeration, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface VerifyRequest {
  type: VerifyRequest.Type
  phone: string
  code: string
  identityKey: Uint8Array<ArrayBuffer>
  attestation: Uint8Array<ArrayBuffer>
}

export namespace VerifyRequest {
  export enum Type {
    REQUEST_CODE = 'REQUEST_CODE',
    CONFIRM_CODE = 'CONFIRM_CODE',
    INFO = 'INFO',
    RENEW = 'RENEW'
  }

  enum __TypeValues {
    REQUEST_CODE = 0,
    CONFIRM_CODE = 1,
    INFO = 2,
    RENEW = 3
  }

  export namespace Type {
    export const codec = (): Codec<Type> => {
      return enumeration<Type>(__TypeValues)
    }
  }

  let _codec: Codec<VerifyRequest>

  export const codec = (): Codec<VerifyRequest> => {
    if (_codec == null) {
      _codec = message<VerifyRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.type != null && __TypeValues[obj.type] !== 0) {
          w.uint32(8)
          VerifyRequest.Type.codec().encode(obj.type, w)
        }

        if ((obj.phone != null && obj.phone !== '')) {
          w.uint32(18)
          w.string(obj.phone)
        }

        if ((obj.code != null && obj.code !== '')) {
          w.uint32(26)
          w.string(obj.code)
        }

        if ((obj.identityKey != null && obj.identityKey.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.identityKey)
        }

        if ((obj.attestation != null && obj.attestation.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.attestation)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          type: Type.REQUEST_CODE,
          phone: '',
          code: '',
          identityKey: uint8ArrayAlloc(0),
          attestation: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.type = VerifyRequest.Type.codec().decode(reader)
              break
            }
            case 2: {
              obj.phone = reader.string()
              break
            }
            case 3: {
              obj.code = reader.string()
              break
            }
            case 4: {
              obj.identityKey = reader.bytes()
              break
            }
            case 5: {
              obj.attestation = reader.bytes()
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
                value: VerifyRequest.Type.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.phone`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.code`,
                value: reader.string()
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
                field: `${prefix}.attestation`,
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

  export interface VerifyRequestTypeFieldEvent {
    field: '$.type'
    value: VerifyRequest.Type
  }

  export interface VerifyRequestPhoneFieldEvent {
    field: '$.phone'
    value: string
  }

  export interface VerifyRequestCodeFieldEvent {
    field: '$.code'
    value: string
  }

  export interface VerifyRequestIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface VerifyRequestAttestationFieldEvent {
    field: '$.attestation'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<VerifyRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, VerifyRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<VerifyRequest>): VerifyRequest {
    return decodeMessage(buf, VerifyRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<VerifyRequest>): Generator<VerifyRequestTypeFieldEvent | VerifyRequestPhoneFieldEvent | VerifyRequestCodeFieldEvent | VerifyRequestIdentityKeyFieldEvent | VerifyRequestAttestationFieldEvent> {
    return streamMessage(buf, VerifyRequest.codec(), opts)
  }
}

export interface VerifyResponse {
  status: VerifyResponse.Status
  attestation: Uint8Array<ArrayBuffer>
  retryAfterMs: number
  triesLeft: number
  expiresInMs: number
  message: string
  verifierKey: Uint8Array<ArrayBuffer>
}

export namespace VerifyResponse {
  export enum Status {
    OK = 'OK',
    INVALID_NUMBER = 'INVALID_NUMBER',
    RATE_LIMITED = 'RATE_LIMITED',
    WRONG_CODE = 'WRONG_CODE',
    CODE_EXPIRED = 'CODE_EXPIRED',
    TOO_MANY_TRIES = 'TOO_MANY_TRIES',
    NO_PENDING_CODE = 'NO_PENDING_CODE',
    SMS_FAILED = 'SMS_FAILED',
    INTERNAL = 'INTERNAL',
    INVALID_REQUEST = 'INVALID_REQUEST'
  }

  enum __StatusValues {
    OK = 0,
    INVALID_NUMBER = 1,
    RATE_LIMITED = 2,
    WRONG_CODE = 3,
    CODE_EXPIRED = 4,
    TOO_MANY_TRIES = 5,
    NO_PENDING_CODE = 6,
    SMS_FAILED = 7,
    INTERNAL = 8,
    INVALID_REQUEST = 9
  }

  export namespace Status {
    export const codec = (): Codec<Status> => {
      return enumeration<Status>(__StatusValues)
    }
  }

  let _codec: Codec<VerifyResponse>

  export const codec = (): Codec<VerifyResponse> => {
    if (_codec == null) {
      _codec = message<VerifyResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.status != null && __StatusValues[obj.status] !== 0) {
          w.uint32(8)
          VerifyResponse.Status.codec().encode(obj.status, w)
        }

        if ((obj.attestation != null && obj.attestation.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.attestation)
        }

        if ((obj.retryAfterMs != null && obj.retryAfterMs !== 0)) {
          w.uint32(24)
          w.uint32(obj.retryAfterMs)
        }

        if ((obj.triesLeft != null && obj.triesLeft !== 0)) {
          w.uint32(32)
          w.uint32(obj.triesLeft)
        }

        if ((obj.expiresInMs != null && obj.expiresInMs !== 0)) {
          w.uint32(40)
          w.uint32(obj.expiresInMs)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(50)
          w.string(obj.message)
        }

        if ((obj.verifierKey != null && obj.verifierKey.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.verifierKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          status: Status.OK,
          attestation: uint8ArrayAlloc(0),
          retryAfterMs: 0,
          triesLeft: 0,
          expiresInMs: 0,
          message: '',
          verifierKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.status = VerifyResponse.Status.codec().decode(reader)
              break
            }
            case 2: {
              obj.attestation = reader.bytes()
              break
            }
            case 3: {
              obj.retryAfterMs = reader.uint32()
              break
            }
            case 4: {
              obj.triesLeft = reader.uint32()
              break
            }
            case 5: {
              obj.expiresInMs = reader.uint32()
              break
            }
            case 6: {
              obj.message = reader.string()
              break
            }
            case 7: {
              obj.verifierKey = reader.bytes()
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
                value: VerifyResponse.Status.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.attestation`,
                value: reader.bytes()
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
                field: `${prefix}.triesLeft`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.expiresInMs`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.verifierKey`,
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

  export interface VerifyResponseStatusFieldEvent {
    field: '$.status'
    value: VerifyResponse.Status
  }

  export interface VerifyResponseAttestationFieldEvent {
    field: '$.attestation'
    value: Uint8Array<ArrayBuffer>
  }

  export interface VerifyResponseRetryAfterMsFieldEvent {
    field: '$.retryAfterMs'
    value: number
  }

  export interface VerifyResponseTriesLeftFieldEvent {
    field: '$.triesLeft'
    value: number
  }

  export interface VerifyResponseExpiresInMsFieldEvent {
    field: '$.expiresInMs'
    value: number
  }

  export interface VerifyResponseMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export interface VerifyResponseVerifierKeyFieldEvent {
    field: '$.verifierKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<VerifyResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, VerifyResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<VerifyResponse>): VerifyResponse {
    return decodeMessage(buf, VerifyResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<VerifyResponse>): Generator<VerifyResponseStatusFieldEvent | VerifyResponseAttestationFieldEvent | VerifyResponseRetryAfterMsFieldEvent | VerifyResponseTriesLeftFieldEvent | VerifyResponseExpiresInMsFieldEvent | VerifyResponseMessageFieldEvent | VerifyResponseVerifierKeyFieldEvent> {
    return streamMessage(buf, VerifyResponse.codec(), opts)
  }
}
