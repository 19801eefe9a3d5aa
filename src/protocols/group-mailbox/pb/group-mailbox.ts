import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface GroupTopicRegistration {
  topic: Uint8Array<ArrayBuffer>
  depositCheck: Uint8Array<ArrayBuffer>
}

export namespace GroupTopicRegistration {
  let _codec: Codec<GroupTopicRegistration>

  export const codec = (): Codec<GroupTopicRegistration> => {
    if (_codec == null) {
      _codec = message<GroupTopicRegistration>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.topic != null && obj.topic.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.topic)
        }

        if ((obj.depositCheck != null && obj.depositCheck.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.depositCheck)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          topic: uint8ArrayAlloc(0),
          depositCheck: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.topic = reader.bytes()
              break
            }
            case 2: {
              obj.depositCheck = reader.bytes()
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
                field: `${prefix}.topic`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.depositCheck`,
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

  export interface GroupTopicRegistrationTopicFieldEvent {
    field: '$.topic'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupTopicRegistrationDepositCheckFieldEvent {
    field: '$.depositCheck'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GroupTopicRegistration>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupTopicRegistration.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupTopicRegistration>): GroupTopicRegistration {
    return decodeMessage(buf, GroupTopicRegistration.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupTopicRegistration>): Generator<GroupTopicRegistrationTopicFieldEvent | GroupTopicRegistrationDepositCheckFieldEvent> {
    return streamMessage(buf, GroupTopicRegistration.codec(), opts)
  }
}

export interface ClientFrame {
  type: ClientFrame.Type
  topic: Uint8Array<ArrayBuffer>
  depositKey: Uint8Array<ArrayBuffer>
  message: Uint8Array<ArrayBuffer>
  refs: Uint8Array<ArrayBuffer>[]
  identityKey: Uint8Array<ArrayBuffer>
  deviceId: number
  timestamp: bigint
  signature: Uint8Array<ArrayBuffer>
  registrations: GroupTopicRegistration[]
  topics: Uint8Array<ArrayBuffer>[]
  position: string
}

export namespace ClientFrame {
  export enum Type {
    DEPOSIT = 'DEPOSIT',
    GET = 'GET',
    OPEN = 'OPEN',
    AUTH = 'AUTH',
    REGISTER = 'REGISTER',
    UNREGISTER = 'UNREGISTER',
    FETCH = 'FETCH',
    ACK = 'ACK'
  }

  enum __TypeValues {
    DEPOSIT = 0,
    GET = 1,
    OPEN = 2,
    AUTH = 3,
    REGISTER = 4,
    UNREGISTER = 5,
    FETCH = 6,
    ACK = 7
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

        if ((obj.topic != null && obj.topic.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.topic)
        }

        if ((obj.depositKey != null && obj.depositKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.depositKey)
        }

        if ((obj.message != null && obj.message.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.message)
        }

        if (obj.refs != null && obj.refs.length > 0) {
          for (const value of obj.refs) {
            w.uint32(42)
            w.bytes(value)
          }
        }

        if ((obj.identityKey != null && obj.identityKey.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.identityKey)
        }

        if ((obj.deviceId != null && obj.deviceId !== 0)) {
          w.uint32(56)
          w.uint32(obj.deviceId)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(64)
          w.uint64(obj.timestamp)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(74)
          w.bytes(obj.signature)
        }

        if (obj.registrations != null && obj.registrations.length > 0) {
          for (const value of obj.registrations) {
            w.uint32(82)
            GroupTopicRegistration.codec().encode(value, w)
          }
        }

        if (obj.topics != null && obj.topics.length > 0) {
          for (const value of obj.topics) {
            w.uint32(90)
            w.bytes(value)
          }
        }

        if ((obj.position != null && obj.position !== '')) {
          w.uint32(98)
          w.string(obj.position)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          type: Type.DEPOSIT,
          topic: uint8ArrayAlloc(0),
          depositKey: uint8ArrayAlloc(0),
          message: uint8ArrayAlloc(0),
          refs: [],
          identityKey: uint8ArrayAlloc(0),
          deviceId: 0,
          timestamp: 0n,
          signature: uint8ArrayAlloc(0),
          registrations: [],
          topics: [],
          position: ''
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
              obj.topic = reader.bytes()
              break
            }
            case 3: {
              obj.depositKey = reader.bytes()
              break
            }
            case 4: {
              obj.message = reader.bytes()
              break
            }
            case 5: {
              if (opts.limits?.refs != null && obj.refs.length === opts.limits.refs) {
                throw new MaxLengthError('Decode error - repeated field "refs" had too many elements')
              }

              obj.refs.push(reader.bytes())
              break
            }
            case 6: {
              obj.identityKey = reader.bytes()
              break
            }
            case 7: {
              obj.deviceId = reader.uint32()
              break
            }
            case 8: {
              obj.timestamp = reader.uint64()
              break
            }
            case 9: {
              obj.signature = reader.bytes()
              break
            }
            case 10: {
              if (opts.limits?.registrations != null && obj.registrations.length === opts.limits.registrations) {
                throw new MaxLengthError('Decode error - repeated field "registrations" had too many elements')
              }

              obj.registrations.push(GroupTopicRegistration.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.registrations$
              }))
              break
            }
            case 11: {
              if (opts.limits?.topics != null && obj.topics.length === opts.limits.topics) {
                throw new MaxLengthError('Decode error - repeated field "topics" had too many elements')
              }

              obj.topics.push(reader.bytes())
              break
            }
            case 12: {
              obj.position = reader.string()
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
          refs: 0,
          registrations: 0,
          topics: 0
        }

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
                field: `${prefix}.topic`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.depositKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.message`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              if (opts.limits?.refs != null && obj.refs === opts.limits.refs) {
                throw new MaxLengthError('Streaming decode error - repeated field "refs" had too many elements')
              }

              yield {
                field: `${prefix}.refs[]`,
                index: obj.refs,
                value: reader.bytes()
              }

              obj.refs++

              break
            }
            case 6: {
              yield {
                field: `${prefix}.identityKey`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.deviceId`,
                value: reader.uint32()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            case 10: {
              if (opts.limits?.registrations != null && obj.registrations === opts.limits.registrations) {
                throw new MaxLengthError('Streaming decode error - repeated field "registrations" had too many elements')
              }

              for (const evt of GroupTopicRegistration.codec().stream(reader, reader.uint32(), `${prefix}.registrations[]`, {
                limits: opts.limits?.registrations$
              })) {
                yield {
                  ...evt,
                  index: obj.registrations
                }
              }

              obj.registrations++

              break
            }
            case 11: {
              if (opts.limits?.topics != null && obj.topics === opts.limits.topics) {
                throw new MaxLengthError('Streaming decode error - repeated field "topics" had too many elements')
              }

              yield {
                field: `${prefix}.topics[]`,
                index: obj.topics,
                value: reader.bytes()
              }

              obj.topics++

              break
            }
            case 12: {
              yield {
                field: `${prefix}.position`,
                value: reader.string()
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

  export interface ClientFrameTopicFieldEvent {
    field: '$.topic'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientFrameDepositKeyFieldEvent {
    field: '$.depositKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientFrameMessageFieldEvent {
    field: '$.message'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientFrameRefsFieldEvent {
    field: '$.refs[]'
    index: number
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

  export interface ClientFrameTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface ClientFrameSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientFrameRegistrationsTopicFieldEvent {
    field: '$.registrations[].topic'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ClientFrameRegistrationsDepositCheckFieldEvent {
    field: '$.registrations[].depositCheck'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ClientFrameTopicsFieldEvent {
    field: '$.topics[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientFramePositionFieldEvent {
    field: '$.position'
    value: string
  }

  export function encode (obj: Partial<ClientFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ClientFrame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClientFrame>): ClientFrame {
    return decodeMessage(buf, ClientFrame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClientFrame>): Generator<ClientFrameTypeFieldEvent | ClientFrameTopicFieldEvent | ClientFrameDepositKeyFieldEvent | ClientFrameMessageFieldEvent | ClientFrameRefsFieldEvent | ClientFrameIdentityKeyFieldEvent | ClientFrameDeviceIdFieldEvent | ClientFrameTimestampFieldEvent | ClientFrameSignatureFieldEvent | ClientFrameRegistrationsTopicFieldEvent | ClientFrameRegistrationsDepositCheckFieldEvent | ClientFrameTopicsFieldEvent | ClientFramePositionFieldEvent> {
    return streamMessage(buf, ClientFrame.codec(), opts)
  }
}

export interface GroupMessage {
  ref: Uint8Array<ArrayBuffer>
  position: string
  message: Uint8Array<ArrayBuffer>
  receivedAt: bigint
}

export namespace GroupMessage {
  let _codec: Codec<GroupMessage>

  export const codec = (): Codec<GroupMessage> => {
    if (_codec == null) {
      _codec = message<GroupMessage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.ref != null && obj.ref.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.ref)
        }

        if ((obj.position != null && obj.position !== '')) {
          w.uint32(18)
          w.string(obj.position)
        }

        if ((obj.message != null && obj.message.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.message)
        }

        if ((obj.receivedAt != null && obj.receivedAt !== 0n)) {
          w.uint32(32)
          w.uint64(obj.receivedAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          ref: uint8ArrayAlloc(0),
          position: '',
          message: uint8ArrayAlloc(0),
          receivedAt: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ref = reader.bytes()
              break
            }
            case 2: {
              obj.position = reader.string()
              break
            }
            case 3: {
              obj.message = reader.bytes()
              break
            }
            case 4: {
              obj.receivedAt = reader.uint64()
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
                field: `${prefix}.ref`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.position`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.message`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.receivedAt`,
                value: reader.uint64()
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

  export interface GroupMessageRefFieldEvent {
    field: '$.ref'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupMessagePositionFieldEvent {
    field: '$.position'
    value: string
  }

  export interface GroupMessageMessageFieldEvent {
    field: '$.message'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupMessageReceivedAtFieldEvent {
    field: '$.receivedAt'
    value: bigint
  }

  export function encode (obj: Partial<GroupMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupMessage>): GroupMessage {
    return decodeMessage(buf, GroupMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupMessage>): Generator<GroupMessageRefFieldEvent | GroupMessagePositionFieldEvent | GroupMessageMessageFieldEvent | GroupMessageReceivedAtFieldEvent> {
    return streamMessage(buf, GroupMessage.codec(), opts)
  }
}

export interface RelayFrame {
  type: RelayFrame.Type
  status: RelayFrame.Status
  message: string
  retryAfterMs: number
  ref: Uint8Array<ArrayBuffer>
  position: string
  nonce: Uint8Array<ArrayBuffer>
  messages: GroupMessage[]
}

export namespace RelayFrame {
  export enum Type {
    RESULT = 'RESULT',
    CHALLENGE = 'CHALLENGE',
    MESSAGES = 'MESSAGES',
    DRAINED = 'DRAINED'
  }

  enum __TypeValues {
    RESULT = 0,
    CHALLENGE = 1,
    MESSAGES = 2,
    DRAINED = 3
  }

  export namespace Type {
    export const codec = (): Codec<Type> => {
      return enumeration<Type>(__TypeValues)
    }
  }

  export enum Status {
    OK = 'OK',
    INVALID_REQUEST = 'INVALID_REQUEST',
    AUTH_FAILED = 'AUTH_FAILED',
    RATE_LIMITED = 'RATE_LIMITED',
    TOPIC_FULL = 'TOPIC_FULL',
    TOO_LARGE = 'TOO_LARGE',
    UNKNOWN_TOPIC = 'UNKNOWN_TOPIC',
    INTERNAL = 'INTERNAL'
  }

  enum __StatusValues {
    OK = 0,
    INVALID_REQUEST = 1,
    AUTH_FAILED = 2,
    RATE_LIMITED = 3,
    TOPIC_FULL = 4,
    TOO_LARGE = 5,
    UNKNOWN_TOPIC = 6,
    INTERNAL = 7
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

        if (obj.status != null && __StatusValues[obj.status] !== 0) {
          w.uint32(16)
          RelayFrame.Status.codec().encode(obj.status, w)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(26)
          w.string(obj.message)
        }

        if ((obj.retryAfterMs != null && obj.retryAfterMs !== 0)) {
          w.uint32(32)
          w.uint32(obj.retryAfterMs)
        }

        if ((obj.ref != null && obj.ref.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.ref)
        }

        if ((obj.position != null && obj.position !== '')) {
          w.uint32(50)
          w.string(obj.position)
        }

        if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.nonce)
        }

        if (obj.messages != null && obj.messages.length > 0) {
          for (const value of obj.messages) {
            w.uint32(66)
            GroupMessage.codec().encode(value, w)
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
          ref: uint8ArrayAlloc(0),
          position: '',
          nonce: uint8ArrayAlloc(0),
          messages: []
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
              obj.status = RelayFrame.Status.codec().decode(reader)
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
              obj.ref = reader.bytes()
              break
            }
            case 6: {
              obj.position = reader.string()
              break
            }
            case 7: {
              obj.nonce = reader.bytes()
              break
            }
            case 8: {
              if (opts.limits?.messages != null && obj.messages.length === opts.limits.messages) {
                throw new MaxLengthError('Decode error - repeated field "messages" had too many elements')
              }

              obj.messages.push(GroupMessage.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.messages$
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
          messages: 0
        }

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
                field: `${prefix}.status`,
                value: RelayFrame.Status.codec().decode(reader)
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
                field: `${prefix}.ref`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.position`,
                value: reader.string()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.nonce`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              if (opts.limits?.messages != null && obj.messages === opts.limits.messages) {
                throw new MaxLengthError('Streaming decode error - repeated field "messages" had too many elements')
              }

              for (const evt of GroupMessage.codec().stream(reader, reader.uint32(), `${prefix}.messages[]`, {
                limits: opts.limits?.messages$
              })) {
                yield {
                  ...evt,
                  index: obj.messages
                }
              }

              obj.messages++

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

  export interface RelayFrameRefFieldEvent {
    field: '$.ref'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RelayFramePositionFieldEvent {
    field: '$.position'
    value: string
  }

  export interface RelayFrameNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RelayFrameMessagesRefFieldEvent {
    field: '$.messages[].ref'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RelayFrameMessagesPositionFieldEvent {
    field: '$.messages[].position'
    value: string
    index: number
  }

  export interface RelayFrameMessagesMessageFieldEvent {
    field: '$.messages[].message'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RelayFrameMessagesReceivedAtFieldEvent {
    field: '$.messages[].receivedAt'
    value: bigint
    index: number
  }

  export function encode (obj: Partial<RelayFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RelayFrame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RelayFrame>): RelayFrame {
    return decodeMessage(buf, RelayFrame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RelayFrame>): Generator<RelayFrameTypeFieldEvent | RelayFrameStatusFieldEvent | RelayFrameMessageFieldEvent | RelayFrameRetryAfterMsFieldEvent | RelayFrameRefFieldEvent | RelayFramePositionFieldEvent | RelayFrameNonceFieldEvent | RelayFrameMessagesRefFieldEvent | RelayFrameMessagesPositionFieldEvent | RelayFrameMessagesMessageFieldEvent | RelayFrameMessagesReceivedAtFieldEvent> {
    return streamMessage(buf, RelayFrame.codec(), opts)
  }
}
