import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface DataMessage {
  id: Uint8Array<ArrayBuffer>
  text: string
  timestamp: bigint
  quoteId?: Uint8Array<ArrayBuffer>
  attachment?: Uint8Array<ArrayBuffer>
}

export namespace DataMessage {
  let _codec: Codec<DataMessage>

  export const codec = (): Codec<DataMessage> => {
    if (_codec == null) {
      _codec = message<DataMessage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.id)
        }

        if ((obj.text != null && obj.text !== '')) {
          w.uint32(18)
          w.string(obj.text)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(24)
          w.uint64(obj.timestamp)
        }

        if (obj.quoteId != null) {
          w.uint32(34)
          w.bytes(obj.quoteId)
        }

        if (obj.attachment != null) {
          w.uint32(42)
          w.bytes(obj.attachment)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: uint8ArrayAlloc(0),
          text: '',
          timestamp: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.bytes()
              break
            }
            case 2: {
              obj.text = reader.string()
              break
            }
            case 3: {
              obj.timestamp = reader.uint64()
              break
            }
            case 4: {
              obj.quoteId = reader.bytes()
              break
            }
            case 5: {
              obj.attachment = reader.bytes()
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
                field: `${prefix}.id`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.text`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.quoteId`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.attachment`,
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

  export interface DataMessageIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DataMessageTextFieldEvent {
    field: '$.text'
    value: string
  }

  export interface DataMessageTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface DataMessageQuoteIdFieldEvent {
    field: '$.quoteId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DataMessageAttachmentFieldEvent {
    field: '$.attachment'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<DataMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DataMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DataMessage>): DataMessage {
    return decodeMessage(buf, DataMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DataMessage>): Generator<DataMessageIdFieldEvent | DataMessageTextFieldEvent | DataMessageTimestampFieldEvent | DataMessageQuoteIdFieldEvent | DataMessageAttachmentFieldEvent> {
    return streamMessage(buf, DataMessage.codec(), opts)
  }
}

export interface ReceiptMessage {
  type: ReceiptMessage.Type
  ids: Uint8Array<ArrayBuffer>[]
  timestamp: bigint
}

export namespace ReceiptMessage {
  export enum Type {
    DELIVERED = 'DELIVERED',
    READ = 'READ'
  }

  enum __TypeValues {
    DELIVERED = 0,
    READ = 1
  }

  export namespace Type {
    export const codec = (): Codec<Type> => {
      return enumeration<Type>(__TypeValues)
    }
  }

  let _codec: Codec<ReceiptMessage>

  export const codec = (): Codec<ReceiptMessage> => {
    if (_codec == null) {
      _codec = message<ReceiptMessage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.type != null && __TypeValues[obj.type] !== 0) {
          w.uint32(8)
          ReceiptMessage.Type.codec().encode(obj.type, w)
        }

        if (obj.ids != null && obj.ids.length > 0) {
          for (const value of obj.ids) {
            w.uint32(18)
            w.bytes(value)
          }
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(24)
          w.uint64(obj.timestamp)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          type: Type.DELIVERED,
          ids: [],
          timestamp: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.type = ReceiptMessage.Type.codec().decode(reader)
              break
            }
            case 2: {
              if (opts.limits?.ids != null && obj.ids.length === opts.limits.ids) {
                throw new MaxLengthError('Decode error - repeated field "ids" had too many elements')
              }

              obj.ids.push(reader.bytes())
              break
            }
            case 3: {
              obj.timestamp = reader.uint64()
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
          ids: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.type`,
                value: ReceiptMessage.Type.codec().decode(reader)
              }
              break
            }
            case 2: {
              if (opts.limits?.ids != null && obj.ids === opts.limits.ids) {
                throw new MaxLengthError('Streaming decode error - repeated field "ids" had too many elements')
              }

              yield {
                field: `${prefix}.ids[]`,
                index: obj.ids,
                value: reader.bytes()
              }

              obj.ids++

              break
            }
            case 3: {
              yield {
                field: `${prefix}.timestamp`,
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

  export interface ReceiptMessageTypeFieldEvent {
    field: '$.type'
    value: ReceiptMessage.Type
  }

  export interface ReceiptMessageIdsFieldEvent {
    field: '$.ids[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReceiptMessageTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export function encode (obj: Partial<ReceiptMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ReceiptMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReceiptMessage>): ReceiptMessage {
    return decodeMessage(buf, ReceiptMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReceiptMessage>): Generator<ReceiptMessageTypeFieldEvent | ReceiptMessageIdsFieldEvent | ReceiptMessageTimestampFieldEvent> {
    return streamMessage(buf, ReceiptMessage.codec(), opts)
  }
}

export interface TypingMessage {
  action: TypingMessage.Action
  timestamp: bigint
}

export namespace TypingMessage {
  export enum Action {
    STARTED = 'STARTED',
    STOPPED = 'STOPPED'
  }

  enum __ActionValues {
    STARTED = 0,
    STOPPED = 1
  }

  export namespace Action {
    export const codec = (): Codec<Action> => {
      return enumeration<Action>(__ActionValues)
    }
  }

  let _codec: Codec<TypingMessage>

  export const codec = (): Codec<TypingMessage> => {
    if (_codec == null) {
      _codec = message<TypingMessage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.action != null && __ActionValues[obj.action] !== 0) {
          w.uint32(8)
          TypingMessage.Action.codec().encode(obj.action, w)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(16)
          w.uint64(obj.timestamp)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          action: Action.STARTED,
          timestamp: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.action = TypingMessage.Action.codec().decode(reader)
              break
            }
            case 2: {
              obj.timestamp = reader.uint64()
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
                field: `${prefix}.action`,
                value: TypingMessage.Action.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.timestamp`,
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

  export interface TypingMessageActionFieldEvent {
    field: '$.action'
    value: TypingMessage.Action
  }

  export interface TypingMessageTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export function encode (obj: Partial<TypingMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, TypingMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TypingMessage>): TypingMessage {
    return decodeMessage(buf, TypingMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TypingMessage>): Generator<TypingMessageActionFieldEvent | TypingMessageTimestampFieldEvent> {
    return streamMessage(buf, TypingMessage.codec(), opts)
  }
}

export interface PresenceMessage {
  online: boolean
  lastSeen: bigint
  answer: boolean
}

export namespace PresenceMessage {
  let _codec: Codec<PresenceMessage>

  export const codec = (): Codec<PresenceMessage> => {
    if (_codec == null) {
      _codec = message<PresenceMessage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.online != null && obj.online !== false)) {
          w.uint32(8)
          w.bool(obj.online)
        }

        if ((obj.lastSeen != null && obj.lastSeen !== 0n)) {
          w.uint32(16)
          w.uint64(obj.lastSeen)
        }

        if ((obj.answer != null && obj.answer !== false)) {
          w.uint32(24)
          w.bool(obj.answer)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          online: false,
          lastSeen: 0n,
          answer: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.online = reader.bool()
              break
            }
            case 2: {
              obj.lastSeen = reader.uint64()
              break
            }
            case 3: {
              obj.answer = reader.bool()
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
                field: `${prefix}.online`,
                value: reader.bool()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.lastSeen`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.answer`,
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

  export interface PresenceMessageOnlineFieldEvent {
    field: '$.online'
    value: boolean
  }

  export interface PresenceMessageLastSeenFieldEvent {
    field: '$.lastSeen'
    value: bigint
  }

  export interface PresenceMessageAnswerFieldEvent {
    field: '$.answer'
    value: boolean
  }

  export function encode (obj: Partial<PresenceMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PresenceMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PresenceMessage>): PresenceMessage {
    return decodeMessage(buf, PresenceMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PresenceMessage>): Generator<PresenceMessageOnlineFieldEvent | PresenceMessageLastSeenFieldEvent | PresenceMessageAnswerFieldEvent> {
    return streamMessage(buf, PresenceMessage.codec(), opts)
  }
}

export interface ResendRequest {
  timestamp: bigint
}

export namespace ResendRequest {
  let _codec: Codec<ResendRequest>

  export const codec = (): Codec<ResendRequest> => {
    if (_codec == null) {
      _codec = message<ResendRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(8)
          w.uint64(obj.timestamp)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          timestamp: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.timestamp = reader.uint64()
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
                field: `${prefix}.timestamp`,
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

  export interface ResendRequestTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export function encode (obj: Partial<ResendRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ResendRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ResendRequest>): ResendRequest {
    return decodeMessage(buf, ResendRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ResendRequest>): Generator<ResendRequestTimestampFieldEvent> {
    return streamMessage(buf, ResendRequest.codec(), opts)
  }
}

export interface ProfileMessage {
  name: string
  photo: Uint8Array<ArrayBuffer>
  updatedAt: bigint
}

export namespace ProfileMessage {
  let _codec: Codec<ProfileMessage>

  export const codec = (): Codec<ProfileMessage> => {
    if (_codec == null) {
      _codec = message<ProfileMessage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(10)
          w.string(obj.name)
        }

        if ((obj.photo != null && obj.photo.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.photo)
        }

        if ((obj.updatedAt != null && obj.updatedAt !== 0n)) {
          w.uint32(24)
          w.uint64(obj.updatedAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          name: '',
          photo: uint8ArrayAlloc(0),
          updatedAt: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.name = reader.string()
              break
            }
            case 2: {
              obj.photo = reader.bytes()
              break
            }
            case 3: {
              obj.updatedAt = reader.uint64()
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
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.photo`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.updatedAt`,
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

  export interface ProfileMessageNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface ProfileMessagePhotoFieldEvent {
    field: '$.photo'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProfileMessageUpdatedAtFieldEvent {
    field: '$.updatedAt'
    value: bigint
  }

  export function encode (obj: Partial<ProfileMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ProfileMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProfileMessage>): ProfileMessage {
    return decodeMessage(buf, ProfileMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProfileMessage>): Generator<ProfileMessageNameFieldEvent | ProfileMessagePhotoFieldEvent | ProfileMessageUpdatedAtFieldEvent> {
    return streamMessage(buf, ProfileMessage.codec(), opts)
  }
}

export interface DevicesChanged {
  seq: bigint
}

export namespace DevicesChanged {
  let _codec: Codec<DevicesChanged>

  export const codec = (): Codec<DevicesChanged> => {
    if (_codec == null) {
      _codec = message<DevicesChanged>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.seq != null && obj.seq !== 0n)) {
          w.uint32(8)
          w.uint64(obj.seq)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          seq: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.seq = reader.uint64()
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
                field: `${prefix}.seq`,
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

  export interface DevicesChangedSeqFieldEvent {
    field: '$.seq'
    value: bigint
  }

  export function encode (obj: Partial<DevicesChanged>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DevicesChanged.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DevicesChanged>): DevicesChanged {
    return decodeMessage(buf, DevicesChanged.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DevicesChanged>): Generator<DevicesChangedSeqFieldEvent> {
    return streamMessage(buf, DevicesChanged.codec(), opts)
  }
}

export interface SentTranscript {
  to: string
  data?: DataMessage
}

export namespace SentTranscript {
  let _codec: Codec<SentTranscript>

  export const codec = (): Codec<SentTranscript> => {
    if (_codec == null) {
      _codec = message<SentTranscript>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.to != null && obj.to !== '')) {
          w.uint32(10)
          w.string(obj.to)
        }

        if (obj.data != null) {
          w.uint32(18)
          DataMessage.codec().encode(obj.data, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          to: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.to = reader.string()
              break
            }
            case 2: {
              obj.data = DataMessage.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.data
              })
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
                field: `${prefix}.to`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield * DataMessage.codec().stream(reader, reader.uint32(), `${prefix}.data`, {
                limits: opts.limits?.data
              })

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

  export interface SentTranscriptToFieldEvent {
    field: '$.to'
    value: string
  }

  export interface SentTranscriptDataIdFieldEvent {
    field: '$.data.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SentTranscriptDataTextFieldEvent {
    field: '$.data.text'
    value: string
  }

  export interface SentTranscriptDataTimestampFieldEvent {
    field: '$.data.timestamp'
    value: bigint
  }

  export interface SentTranscriptDataQuoteIdFieldEvent {
    field: '$.data.quoteId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SentTranscriptDataAttachmentFieldEvent {
    field: '$.data.attachment'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SentTranscript>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SentTranscript.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SentTranscript>): SentTranscript {
    return decodeMessage(buf, SentTranscript.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SentTranscript>): Generator<SentTranscriptToFieldEvent | SentTranscriptDataIdFieldEvent | SentTranscriptDataTextFieldEvent | SentTranscriptDataTimestampFieldEvent | SentTranscriptDataQuoteIdFieldEvent | SentTranscriptDataAttachmentFieldEvent> {
    return streamMessage(buf, SentTranscript.codec(), opts)
  }
}

export interface ReadSync {
  chat: string
  ids: Uint8Array<ArrayBuffer>[]
}

export namespace ReadSync {
  let _codec: Codec<ReadSync>

  export const codec = (): Codec<ReadSync> => {
    if (_codec == null) {
      _codec = message<ReadSync>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.chat != null && obj.chat !== '')) {
          w.uint32(10)
          w.string(obj.chat)
        }

        if (obj.ids != null && obj.ids.length > 0) {
          for (const value of obj.ids) {
            w.uint32(18)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          chat: '',
          ids: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.chat = reader.string()
              break
            }
            case 2: {
              if (opts.limits?.ids != null && obj.ids.length === opts.limits.ids) {
                throw new MaxLengthError('Decode error - repeated field "ids" had too many elements')
              }

              obj.ids.push(reader.bytes())
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
          ids: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.chat`,
                value: reader.string()
              }
              break
            }
            case 2: {
              if (opts.limits?.ids != null && obj.ids === opts.limits.ids) {
                throw new MaxLengthError('Streaming decode error - repeated field "ids" had too many elements')
              }

              yield {
                field: `${prefix}.ids[]`,
                index: obj.ids,
                value: reader.bytes()
              }

              obj.ids++

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

  export interface ReadSyncChatFieldEvent {
    field: '$.chat'
    value: string
  }

  export interface ReadSyncIdsFieldEvent {
    field: '$.ids[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ReadSync>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ReadSync.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReadSync>): ReadSync {
    return decodeMessage(buf, ReadSync.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReadSync>): Generator<ReadSyncChatFieldEvent | ReadSyncIdsFieldEvent> {
    return streamMessage(buf, ReadSync.codec(), opts)
  }
}

export interface AccountState {
  stores: AccountState.Store[]
}

export namespace AccountState {
  export interface Entry {
    key: string
    value: Uint8Array<ArrayBuffer>
  }

  export namespace Entry {
    let _codec: Codec<Entry>

    export const codec = (): Codec<Entry> => {
      if (_codec == null) {
        _codec = message<Entry>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if ((obj.key != null && obj.key !== '')) {
            w.uint32(10)
            w.string(obj.key)
          }

          if ((obj.value != null && obj.value.byteLength > 0)) {
            w.uint32(18)
            w.bytes(obj.value)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        }, (reader, length, opts = {}) => {
          const obj: any = {
            key: '',
            value: uint8ArrayAlloc(0)
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.key = reader.string()
                break
              }
              case 2: {
                obj.value = reader.bytes()
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
                  field: `${prefix}.key`,
                  value: reader.string()
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.value`,
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

    export interface EntryKeyFieldEvent {
      field: '$.key'
      value: string
    }

    export interface EntryValueFieldEvent {
      field: '$.value'
      value: Uint8Array<ArrayBuffer>
    }

    export function encode (obj: Partial<Entry>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, Entry.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Entry>): Entry {
      return decodeMessage(buf, Entry.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Entry>): Generator<EntryKeyFieldEvent | EntryValueFieldEvent> {
      return streamMessage(buf, Entry.codec(), opts)
    }
  }

  export interface Store {
    name: string
    entries: AccountState.Entry[]
  }

  export namespace Store {
    let _codec: Codec<Store>

    export const codec = (): Codec<Store> => {
      if (_codec == null) {
        _codec = message<Store>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if ((obj.name != null && obj.name !== '')) {
            w.uint32(10)
            w.string(obj.name)
          }

          if (obj.entries != null && obj.entries.length > 0) {
            for (const value of obj.entries) {
              w.uint32(18)
              AccountState.Entry.codec().encode(value, w)
            }
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        }, (reader, length, opts = {}) => {
          const obj: any = {
            name: '',
            entries: []
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.name = reader.string()
                break
              }
              case 2: {
                if (opts.limits?.entries != null && obj.entries.length === opts.limits.entries) {
                  throw new MaxLengthError('Decode error - repeated field "entries" had too many elements')
                }

                obj.entries.push(AccountState.Entry.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.entries$
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
            entries: 0
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.name`,
                  value: reader.string()
                }
                break
              }
              case 2: {
                if (opts.limits?.entries != null && obj.entries === opts.limits.entries) {
                  throw new MaxLengthError('Streaming decode error - repeated field "entries" had too many elements')
                }

                for (const evt of AccountState.Entry.codec().stream(reader, reader.uint32(), `${prefix}.entries[]`, {
                  limits: opts.limits?.entries$
                })) {
                  yield {
                    ...evt,
                    index: obj.entries
                  }
                }

                obj.entries++

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

    export interface StoreNameFieldEvent {
      field: '$.name'
      value: string
    }

    export interface StoreEntriesKeyFieldEvent {
      field: '$.entries[].key'
      value: string
      index: number
    }

    export interface StoreEntriesValueFieldEvent {
      field: '$.entries[].value'
      value: Uint8Array<ArrayBuffer>
      index: number
    }

    export function encode (obj: Partial<Store>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, Store.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Store>): Store {
      return decodeMessage(buf, Store.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Store>): Generator<StoreNameFieldEvent | StoreEntriesKeyFieldEvent | StoreEntriesValueFieldEvent> {
      return streamMessage(buf, Store.codec(), opts)
    }
  }

  let _codec: Codec<AccountState>

  export const codec = (): Codec<AccountState> => {
    if (_codec == null) {
      _codec = message<AccountState>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.stores != null && obj.stores.length > 0) {
          for (const value of obj.stores) {
            w.uint32(10)
            AccountState.Store.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          stores: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.stores != null && obj.stores.length === opts.limits.stores) {
                throw new MaxLengthError('Decode error - repeated field "stores" had too many elements')
              }

              obj.stores.push(AccountState.Store.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.stores$
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
          stores: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.stores != null && obj.stores === opts.limits.stores) {
                throw new MaxLengthError('Streaming decode error - repeated field "stores" had too many elements')
              }

              for (const evt of AccountState.Store.codec().stream(reader, reader.uint32(), `${prefix}.stores[]`, {
                limits: opts.limits?.stores$
              })) {
                yield {
                  ...evt,
                  index: obj.stores
                }
              }

              obj.stores++

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

  export interface AccountStateStoresNameFieldEvent {
    field: '$.stores[].name'
    value: string
    index: number
  }

  export interface AccountStateStoresEntriesKeyFieldEvent {
    field: '$.stores[].entries[].key'
    value: string
    index: number
  }

  export interface AccountStateStoresEntriesValueFieldEvent {
    field: '$.stores[].entries[].value'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<AccountState>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AccountState.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AccountState>): AccountState {
    return decodeMessage(buf, AccountState.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AccountState>): Generator<AccountStateStoresNameFieldEvent | AccountStateStoresEntriesKeyFieldEvent | AccountStateStoresEntriesValueFieldEvent> {
    return streamMessage(buf, AccountState.codec(), opts)
  }
}

export interface Content {
  senderE164: string
  attestation: Uint8Array<ArrayBuffer>
  data?: DataMessage
  receipt?: ReceiptMessage
  typing?: TypingMessage
  presence?: PresenceMessage
  expiresAt: bigint
  profile?: ProfileMessage
  resend?: ResendRequest
  deliveryToken: Uint8Array<ArrayBuffer>
  senderRecordSeq: bigint
  devices?: DevicesChanged
  sent?: SentTranscript
  readSync?: ReadSync
  state?: AccountState
  group?: Uint8Array<ArrayBuffer>
  call?: Uint8Array<ArrayBuffer>
}

export namespace Content {
  let _codec: Codec<Content>

  export const codec = (): Codec<Content> => {
    if (_codec == null) {
      _codec = message<Content>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.senderE164 != null && obj.senderE164 !== '')) {
          w.uint32(10)
          w.string(obj.senderE164)
        }

        if ((obj.attestation != null && obj.attestation.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.attestation)
        }

        if (obj.data != null) {
          w.uint32(26)
          DataMessage.codec().encode(obj.data, w)
        }

        if (obj.receipt != null) {
          w.uint32(34)
          ReceiptMessage.codec().encode(obj.receipt, w)
        }

        if (obj.typing != null) {
          w.uint32(42)
          TypingMessage.codec().encode(obj.typing, w)
        }

        if (obj.presence != null) {
          w.uint32(50)
          PresenceMessage.codec().encode(obj.presence, w)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0n)) {
          w.uint32(56)
          w.uint64(obj.expiresAt)
        }

        if (obj.profile != null) {
          w.uint32(66)
          ProfileMessage.codec().encode(obj.profile, w)
        }

        if (obj.resend != null) {
          w.uint32(74)
          ResendRequest.codec().encode(obj.resend, w)
        }

        if ((obj.deliveryToken != null && obj.deliveryToken.byteLength > 0)) {
          w.uint32(82)
          w.bytes(obj.deliveryToken)
        }

        if ((obj.senderRecordSeq != null && obj.senderRecordSeq !== 0n)) {
          w.uint32(88)
          w.uint64(obj.senderRecordSeq)
        }

        if (obj.devices != null) {
          w.uint32(98)
          DevicesChanged.codec().encode(obj.devices, w)
        }

        if (obj.sent != null) {
          w.uint32(106)
          SentTranscript.codec().encode(obj.sent, w)
        }

        if (obj.readSync != null) {
          w.uint32(114)
          ReadSync.codec().encode(obj.readSync, w)
        }

        if (obj.state != null) {
          w.uint32(122)
          AccountState.codec().encode(obj.state, w)
        }

        if (obj.group != null) {
          w.uint32(130)
          w.bytes(obj.group)
        }

        if (obj.call != null) {
          w.uint32(138)
          w.bytes(obj.call)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          senderE164: '',
          attestation: uint8ArrayAlloc(0),
          expiresAt: 0n,
          deliveryToken: uint8ArrayAlloc(0),
          senderRecordSeq: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.senderE164 = reader.string()
              break
            }
            case 2: {
              obj.attestation = reader.bytes()
              break
            }
            case 3: {
              obj.data = DataMessage.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.data
              })
              break
            }
            case 4: {
              obj.receipt = ReceiptMessage.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.receipt
              })
              break
            }
            case 5: {
              obj.typing = TypingMessage.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.typing
              })
              break
            }
            case 6: {
              obj.presence = PresenceMessage.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.presence
              })
              break
            }
            case 7: {
              obj.expiresAt = reader.uint64()
              break
            }
            case 8: {
              obj.profile = ProfileMessage.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.profile
              })
              break
            }
            case 9: {
              obj.resend = ResendRequest.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.resend
              })
              break
            }
            case 10: {
              obj.deliveryToken = reader.bytes()
              break
            }
            case 11: {
              obj.senderRecordSeq = reader.uint64()
              break
            }
            case 12: {
              obj.devices = DevicesChanged.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.devices
              })
              break
            }
            case 13: {
              obj.sent = SentTranscript.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.sent
              })
              break
            }
            case 14: {
              obj.readSync = ReadSync.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.readSync
              })
              break
            }
            case 15: {
              obj.state = AccountState.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.state
              })
              break
            }
            case 16: {
              obj.group = reader.bytes()
              break
            }
            case 17: {
              obj.call = reader.bytes()
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
                field: `${prefix}.senderE164`,
                value: reader.string()
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
              yield * DataMessage.codec().stream(reader, reader.uint32(), `${prefix}.data`, {
                limits: opts.limits?.data
              })

              break
            }
            case 4: {
              yield * ReceiptMessage.codec().stream(reader, reader.uint32(), `${prefix}.receipt`, {
                limits: opts.limits?.receipt
              })

              break
            }
            case 5: {
              yield * TypingMessage.codec().stream(reader, reader.uint32(), `${prefix}.typing`, {
                limits: opts.limits?.typing
              })

              break
            }
            case 6: {
              yield * PresenceMessage.codec().stream(reader, reader.uint32(), `${prefix}.presence`, {
                limits: opts.limits?.presence
              })

              break
            }
            case 7: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64()
              }
              break
            }
            case 8: {
              yield * ProfileMessage.codec().stream(reader, reader.uint32(), `${prefix}.profile`, {
                limits: opts.limits?.profile
              })

              break
            }
            case 9: {
              yield * ResendRequest.codec().stream(reader, reader.uint32(), `${prefix}.resend`, {
                limits: opts.limits?.resend
              })

              break
            }
            case 10: {
              yield {
                field: `${prefix}.deliveryToken`,
                value: reader.bytes()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.senderRecordSeq`,
                value: reader.uint64()
              }
              break
            }
            case 12: {
              yield * DevicesChanged.codec().stream(reader, reader.uint32(), `${prefix}.devices`, {
                limits: opts.limits?.devices
              })

              break
            }
            case 13: {
              yield * SentTranscript.codec().stream(reader, reader.uint32(), `${prefix}.sent`, {
                limits: opts.limits?.sent
              })

              break
            }
            case 14: {
              yield * ReadSync.codec().stream(reader, reader.uint32(), `${prefix}.readSync`, {
                limits: opts.limits?.readSync
              })

              break
            }
            case 15: {
              yield * AccountState.codec().stream(reader, reader.uint32(), `${prefix}.state`, {
                limits: opts.limits?.state
              })

              break
            }
            case 16: {
              yield {
                field: `${prefix}.group`,
                value: reader.bytes()
              }
              break
            }
            case 17: {
              yield {
                field: `${prefix}.call`,
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

  export interface ContentSenderE164FieldEvent {
    field: '$.senderE164'
    value: string
  }

  export interface ContentAttestationFieldEvent {
    field: '$.attestation'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentDataIdFieldEvent {
    field: '$.data.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentDataTextFieldEvent {
    field: '$.data.text'
    value: string
  }

  export interface ContentDataTimestampFieldEvent {
    field: '$.data.timestamp'
    value: bigint
  }

  export interface ContentDataQuoteIdFieldEvent {
    field: '$.data.quoteId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentDataAttachmentFieldEvent {
    field: '$.data.attachment'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentReceiptTypeFieldEvent {
    field: '$.receipt.type'
    value: ReceiptMessage.Type
  }

  export interface ContentReceiptIdsFieldEvent {
    field: '$.receipt.ids[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentReceiptTimestampFieldEvent {
    field: '$.receipt.timestamp'
    value: bigint
  }

  export interface ContentTypingActionFieldEvent {
    field: '$.typing.action'
    value: TypingMessage.Action
  }

  export interface ContentTypingTimestampFieldEvent {
    field: '$.typing.timestamp'
    value: bigint
  }

  export interface ContentPresenceOnlineFieldEvent {
    field: '$.presence.online'
    value: boolean
  }

  export interface ContentPresenceLastSeenFieldEvent {
    field: '$.presence.lastSeen'
    value: bigint
  }

  export interface ContentPresenceAnswerFieldEvent {
    field: '$.presence.answer'
    value: boolean
  }

  export interface ContentExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: bigint
  }

  export interface ContentProfileNameFieldEvent {
    field: '$.profile.name'
    value: string
  }

  export interface ContentProfilePhotoFieldEvent {
    field: '$.profile.photo'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentProfileUpdatedAtFieldEvent {
    field: '$.profile.updatedAt'
    value: bigint
  }

  export interface ContentResendTimestampFieldEvent {
    field: '$.resend.timestamp'
    value: bigint
  }

  export interface ContentDeliveryTokenFieldEvent {
    field: '$.deliveryToken'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentSenderRecordSeqFieldEvent {
    field: '$.senderRecordSeq'
    value: bigint
  }

  export interface ContentDevicesSeqFieldEvent {
    field: '$.devices.seq'
    value: bigint
  }

  export interface ContentSentToFieldEvent {
    field: '$.sent.to'
    value: string
  }

  export interface ContentSentDataIdFieldEvent {
    field: '$.sent.data.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentSentDataTextFieldEvent {
    field: '$.sent.data.text'
    value: string
  }

  export interface ContentSentDataTimestampFieldEvent {
    field: '$.sent.data.timestamp'
    value: bigint
  }

  export interface ContentSentDataQuoteIdFieldEvent {
    field: '$.sent.data.quoteId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentSentDataAttachmentFieldEvent {
    field: '$.sent.data.attachment'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentReadSyncChatFieldEvent {
    field: '$.readSync.chat'
    value: string
  }

  export interface ContentReadSyncIdsFieldEvent {
    field: '$.readSync.ids[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentStateStoresNameFieldEvent {
    field: '$.state.stores[].name'
    value: string
    index: number
  }

  export interface ContentStateStoresEntriesKeyFieldEvent {
    field: '$.state.stores[].entries[].key'
    value: string
    index: number
  }

  export interface ContentStateStoresEntriesValueFieldEvent {
    field: '$.state.stores[].entries[].value'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ContentGroupFieldEvent {
    field: '$.group'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentCallFieldEvent {
    field: '$.call'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Content>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Content.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Content>): Content {
    return decodeMessage(buf, Content.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Content>): Generator<ContentSenderE164FieldEvent | ContentAttestationFieldEvent | ContentDataIdFieldEvent | ContentDataTextFieldEvent | ContentDataTimestampFieldEvent | ContentDataQuoteIdFieldEvent | ContentDataAttachmentFieldEvent | ContentReceiptTypeFieldEvent | ContentReceiptIdsFieldEvent | ContentReceiptTimestampFieldEvent | ContentTypingActionFieldEvent | ContentTypingTimestampFieldEvent | ContentPresenceOnlineFieldEvent | ContentPresenceLastSeenFieldEvent | ContentPresenceAnswerFieldEvent | ContentExpiresAtFieldEvent | ContentProfileNameFieldEvent | ContentProfilePhotoFieldEvent | ContentProfileUpdatedAtFieldEvent | ContentResendTimestampFieldEvent | ContentDeliveryTokenFieldEvent | ContentSenderRecordSeqFieldEvent | ContentDevicesSeqFieldEvent | ContentSentToFieldEvent | ContentSentDataIdFieldEvent | ContentSentDataTextFieldEvent | ContentSentDataTimestampFieldEvent | ContentSentDataQuoteIdFieldEvent | ContentSentDataAttachmentFieldEvent | ContentReadSyncChatFieldEvent | ContentReadSyncIdsFieldEvent | ContentStateStoresNameFieldEvent | ContentStateStoresEntriesKeyFieldEvent | ContentStateStoresEntriesValueFieldEvent | ContentGroupFieldEvent | ContentCallFieldEvent> {
    return streamMessage(buf, Content.codec(), opts)
  }
}
