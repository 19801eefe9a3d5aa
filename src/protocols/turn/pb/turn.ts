import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface TurnClientFrame {
  type: TurnClientFrame.Type
  identityKey: Uint8Array<ArrayBuffer>
  deviceId: number
  timestamp: bigint
  signature: Uint8Array<ArrayBuffer>
}

export namespace TurnClientFrame {
  export enum Type {
    REQUEST = 'REQUEST',
    AUTH = 'AUTH'
  }

  enum __TypeValues {
    REQUEST = 0,
    AUTH = 1
  }

  export namespace Type {
    export const codec = (): Codec<Type> => {
      return enumeration<Type>(__TypeValues)
    }
  }

  let _codec: Codec<TurnClientFrame>

  export const codec = (): Codec<TurnClientFrame> => {
    if (_codec == null) {
      _codec = message<TurnClientFrame>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.type != null && __TypeValues[obj.type] !== 0) {
          w.uint32(8)
          TurnClientFrame.Type.codec().encode(obj.type, w)
        }

        if ((obj.identityKey != null && obj.identityKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.identityKey)
        }

        if ((obj.deviceId != null && obj.deviceId !== 0)) {
          w.uint32(24)
          w.uint32(obj.deviceId)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(32)
          w.uint64(obj.timestamp)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          type: Type.REQUEST,
          identityKey: uint8ArrayAlloc(0),
          deviceId: 0,
          timestamp: 0n,
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.type = TurnClientFrame.Type.codec().decode(reader)
              break
            }
            case 2: {
              obj.identityKey = reader.bytes()
              break
            }
            case 3: {
              obj.deviceId = reader.uint32()
              break
            }
            case 4: {
              obj.timestamp = reader.uint64()
              break
            }
            case 5: {
              obj.signature = reader.bytes()
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
                value: TurnClientFrame.Type.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.identityKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.deviceId`,
                value: reader.uint32()
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
                field: `${prefix}.signature`,
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

  export interface TurnClientFrameTypeFieldEvent {
    field: '$.type'
    value: TurnClientFrame.Type
  }

  export interface TurnClientFrameIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface TurnClientFrameDeviceIdFieldEvent {
    field: '$.deviceId'
    value: number
  }

  export interface TurnClientFrameTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface TurnClientFrameSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<TurnClientFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, TurnClientFrame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TurnClientFrame>): TurnClientFrame {
    return decodeMessage(buf, TurnClientFrame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TurnClientFrame>): Generator<TurnClientFrameTypeFieldEvent | TurnClientFrameIdentityKeyFieldEvent | TurnClientFrameDeviceIdFieldEvent | TurnClientFrameTimestampFieldEvent | TurnClientFrameSignatureFieldEvent> {
    return streamMessage(buf, TurnClientFrame.codec(), opts)
  }
}

export interface TurnIceServer {
  urls: string[]
  username: string
  credential: string
  expiresAt: number
}

export namespace TurnIceServer {
  let _codec: Codec<TurnIceServer>

  export const codec = (): Codec<TurnIceServer> => {
    if (_codec == null) {
      _codec = message<TurnIceServer>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.urls != null && obj.urls.length > 0) {
          for (const value of obj.urls) {
            w.uint32(10)
            w.string(value)
          }
        }

        if ((obj.username != null && obj.username !== '')) {
          w.uint32(18)
          w.string(obj.username)
        }

        if ((obj.credential != null && obj.credential !== '')) {
          w.uint32(26)
          w.string(obj.credential)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.expiresAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          urls: [],
          username: '',
          credential: '',
          expiresAt: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.urls != null && obj.urls.length === opts.limits.urls) {
                throw new MaxLengthError('Decode error - repeated field "urls" had too many elements')
              }

              obj.urls.push(reader.string())
              break
            }
            case 2: {
              obj.username = reader.string()
              break
            }
            case 3: {
              obj.credential = reader.string()
              break
            }
            case 4: {
              obj.expiresAt = reader.uint64Number()
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
          urls: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.urls != null && obj.urls === opts.limits.urls) {
                throw new MaxLengthError('Streaming decode error - repeated field "urls" had too many elements')
              }

              yield {
                field: `${prefix}.urls[]`,
                index: obj.urls,
                value: reader.string()
              }

              obj.urls++

              break
            }
            case 2: {
              yield {
                field: `${prefix}.username`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.credential`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.expiresAt`,
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

  export interface TurnIceServerUrlsFieldEvent {
    field: '$.urls[]'
    index: number
    value: string
  }

  export interface TurnIceServerUsernameFieldEvent {
    field: '$.username'
    value: string
  }

  export interface TurnIceServerCredentialFieldEvent {
    field: '$.credential'
    value: string
  }

  export interface TurnIceServerExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: number
  }

  export function encode (obj: Partial<TurnIceServer>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, TurnIceServer.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TurnIceServer>): TurnIceServer {
    return decodeMessage(buf, TurnIceServer.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TurnIceServer>): Generator<TurnIceServerUrlsFieldEvent | TurnIceServerUsernameFieldEvent | TurnIceServerCredentialFieldEvent | TurnIceServerExpiresAtFieldEvent> {
    return streamMessage(buf, TurnIceServer.codec(), opts)
  }
}

export interface TurnRelayFrame {
  type: TurnRelayFrame.Type
  status: TurnRelayFrame.Status
  message: string
  retryAfterMs: number
  nonce: Uint8Array<ArrayBuffer>
  iceServers: TurnIceServer[]
}

export namespace TurnRelayFrame {
  export enum Type {
    RESULT = 'RESULT',
    CHALLENGE = 'CHALLENGE'
  }

  enum __TypeValues {
    RESULT = 0,
    CHALLENGE = 1
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
    UNKNOWN_DEVICE = 'UNKNOWN_DEVICE',
    RATE_LIMITED = 'RATE_LIMITED',
    NOT_OFFERED = 'NOT_OFFERED',
    INTERNAL = 'INTERNAL'
  }

  enum __StatusValues {
    OK = 0,
    MALFORMED = 1,
    AUTH_FAILED = 2,
    UNKNOWN_DEVICE = 3,
    RATE_LIMITED = 4,
    NOT_OFFERED = 5,
    INTERNAL = 6
  }

  export namespace Status {
    export const codec = (): Codec<Status> => {
      return enumeration<Status>(__StatusValues)
    }
  }

  let _codec: Codec<TurnRelayFrame>

  export const codec = (): Codec<TurnRelayFrame> => {
    if (_codec == null) {
      _codec = message<TurnRelayFrame>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.type != null && __TypeValues[obj.type] !== 0) {
          w.uint32(8)
          TurnRelayFrame.Type.codec().encode(obj.type, w)
        }

        if (obj.status != null && __StatusValues[obj.status] !== 0) {
          w.uint32(16)
          TurnRelayFrame.Status.codec().encode(obj.status, w)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(26)
          w.string(obj.message)
        }

        if ((obj.retryAfterMs != null && obj.retryAfterMs !== 0)) {
          w.uint32(32)
          w.uint32(obj.retryAfterMs)
        }

        if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.nonce)
        }

        if (obj.iceServers != null && obj.iceServers.length > 0) {
          for (const value of obj.iceServers) {
            w.uint32(50)
            TurnIceServer.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          type: Type.RESULT,
          status: Status.OK,
          message: '',
          retryAfterMs: 0,
          nonce: uint8ArrayAlloc(0),
          iceServers: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.type = TurnRelayFrame.Type.codec().decode(reader)
              break
            }
            case 2: {
              obj.status = TurnRelayFrame.Status.codec().decode(reader)
              break
            }
            case 3: {
              obj.message = reader.string()
              break
            }
            case 4: {
              obj.retryAfterMs = reader.uint32()
              break
            }
            case 5: {
              obj.nonce = reader.bytes()
              break
            }
            case 6: {
              if (opts.limits?.iceServers != null && obj.iceServers.length === opts.limits.iceServers) {
                throw new MaxLengthError('Decode error - repeated field "iceServers" had too many elements')
              }

              obj.iceServers.push(TurnIceServer.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.iceServers$
              }))
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
          iceServers: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.type`,
                value: TurnRelayFrame.Type.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.status`,
                value: TurnRelayFrame.Status.codec().decode(reader)
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.retryAfterMs`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.nonce`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              if (opts.limits?.iceServers != null && obj.iceServers === opts.limits.iceServers) {
                throw new MaxLengthError('Streaming decode error - repeated field "iceServers" had too many elements')
              }

              for (const evt of TurnIceServer.codec().stream(reader, reader.uint32(), `${prefix}.iceServers[]`, {
                limits: opts.limits?.iceServers$
              })) {
                yield {
                  ...evt,
                  index: obj.iceServers
                }
              }

              obj.iceServers++

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

  export interface TurnRelayFrameTypeFieldEvent {
    field: '$.type'
    value: TurnRelayFrame.Type
  }

  export interface TurnRelayFrameStatusFieldEvent {
    field: '$.status'
    value: TurnRelayFrame.Status
  }

  export interface TurnRelayFrameMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export interface TurnRelayFrameRetryAfterMsFieldEvent {
    field: '$.retryAfterMs'
    value: number
  }

  export interface TurnRelayFrameNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface TurnRelayFrameIceServersUrlsFieldEvent {
    field: '$.iceServers[].urls[]'
    index: number
    value: string
  }

  export interface TurnRelayFrameIceServersUsernameFieldEvent {
    field: '$.iceServers[].username'
    value: string
    index: number
  }

  export interface TurnRelayFrameIceServersCredentialFieldEvent {
    field: '$.iceServers[].credential'
    value: string
    index: number
  }

  export interface TurnRelayFrameIceServersExpiresAtFieldEvent {
    field: '$.iceServers[].expiresAt'
    value: number
    index: number
  }

  export function encode (obj: Partial<TurnRelayFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, TurnRelayFrame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TurnRelayFrame>): TurnRelayFrame {
    return decodeMessage(buf, TurnRelayFrame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TurnRelayFrame>): Generator<TurnRelayFrameTypeFieldEvent | TurnRelayFrameStatusFieldEvent | TurnRelayFrameMessageFieldEvent | TurnRelayFrameRetryAfterMsFieldEvent | TurnRelayFrameNonceFieldEvent | TurnRelayFrameIceServersUrlsFieldEvent | TurnRelayFrameIceServersUsernameFieldEvent | TurnRelayFrameIceServersCredentialFieldEvent | TurnRelayFrameIceServersExpiresAtFieldEvent> {
    return streamMessage(buf, TurnRelayFrame.codec(), opts)
  }
}
