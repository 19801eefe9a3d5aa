import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface MailboxAuthBody {
  nonce: Uint8Array<ArrayBuffer>
  relayPeerId: string
  clientPeerId: string
  identityKey: Uint8Array<ArrayBuffer>
  deviceId: number
  timestamp: bigint
}

export namespace MailboxAuthBody {
  let _codec: Codec<MailboxAuthBody>

  export const codec = (): Codec<MailboxAuthBody> => {
    if (_codec == null) {
      _codec = message<MailboxAuthBody>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.nonce)
        }

        if ((obj.relayPeerId != null && obj.relayPeerId !== '')) {
          w.uint32(18)
          w.string(obj.relayPeerId)
        }

        if ((obj.clientPeerId != null && obj.clientPeerId !== '')) {
          w.uint32(26)
          w.string(obj.clientPeerId)
        }

        if ((obj.identityKey != null && obj.identityKey.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.identityKey)
        }

        if ((obj.deviceId != null && obj.deviceId !== 0)) {
          w.uint32(40)
          w.uint32(obj.deviceId)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(48)
          w.uint64(obj.timestamp)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          nonce: uint8ArrayAlloc(0),
          relayPeerId: '',
          clientPeerId: '',
          identityKey: uint8ArrayAlloc(0),
          deviceId: 0,
          timestamp: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.nonce = reader.bytes()
              break
            }
            case 2: {
              obj.relayPeerId = reader.string()
              break
            }
            case 3: {
              obj.clientPeerId = reader.string()
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
                field: `${prefix}.nonce`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.relayPeerId`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.clientPeerId`,
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
                field: `${prefix}.deviceId`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
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

  export interface MailboxAuthBodyNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxAuthBodyRelayPeerIdFieldEvent {
    field: '$.relayPeerId'
    value: string
  }

  export interface MailboxAuthBodyClientPeerIdFieldEvent {
    field: '$.clientPeerId'
    value: string
  }

  export interface MailboxAuthBodyIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxAuthBodyDeviceIdFieldEvent {
    field: '$.deviceId'
    value: number
  }

  export interface MailboxAuthBodyTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export function encode (obj: Partial<MailboxAuthBody>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, MailboxAuthBody.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MailboxAuthBody>): MailboxAuthBody {
    return decodeMessage(buf, MailboxAuthBody.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MailboxAuthBody>): Generator<MailboxAuthBodyNonceFieldEvent | MailboxAuthBodyRelayPeerIdFieldEvent | MailboxAuthBodyClientPeerIdFieldEvent | MailboxAuthBodyIdentityKeyFieldEvent | MailboxAuthBodyDeviceIdFieldEvent | MailboxAuthBodyTimestampFieldEvent> {
    return streamMessage(buf, MailboxAuthBody.codec(), opts)
  }
}

export interface ClientFrame {
  type: ClientFrame.Type
  identityKey: Uint8Array<ArrayBuffer>
  deviceId: number
  envelope: Uint8Array<ArrayBuffer>
  after: string
  subscribe: boolean
  timestamp: bigint
  signature: Uint8Array<ArrayBuffer>
  seq: number
  ids: string[]
  proof: Uint8Array<ArrayBuffer>
  deliveryKey: Uint8Array<ArrayBuffer>
}

export namespace ClientFrame {
  export enum Type {
    DEPOSIT = 'DEPOSIT',
    OPEN = 'OPEN',
    AUTH = 'AUTH',
    ACK = 'ACK'
  }

  enum __TypeValues {
    DEPOSIT = 0,
    OPEN = 1,
    AUTH = 2,
    ACK = 3
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

        if ((obj.identityKey != null && obj.identityKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.identityKey)
        }

        if ((obj.deviceId != null && obj.deviceId !== 0)) {
          w.uint32(24)
          w.uint32(obj.deviceId)
        }

        if ((obj.envelope != null && obj.envelope.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.envelope)
        }

        if ((obj.after != null && obj.after !== '')) {
          w.uint32(42)
          w.string(obj.after)
        }

        if ((obj.subscribe != null && obj.subscribe !== false)) {
          w.uint32(48)
          w.bool(obj.subscribe)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(56)
          w.uint64(obj.timestamp)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.signature)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(72)
          w.uint32(obj.seq)
        }

        if (obj.ids != null && obj.ids.length > 0) {
          for (const value of obj.ids) {
            w.uint32(82)
            w.string(value)
          }
        }

        if ((obj.proof != null && obj.proof.byteLength > 0)) {
          w.uint32(90)
          w.bytes(obj.proof)
        }

        if ((obj.deliveryKey != null && obj.deliveryKey.byteLength > 0)) {
          w.uint32(98)
          w.bytes(obj.deliveryKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          type: Type.DEPOSIT,
          identityKey: uint8ArrayAlloc(0),
          deviceId: 0,
          envelope: uint8ArrayAlloc(0),
          after: '',
          subscribe: false,
          timestamp: 0n,
          signature: uint8ArrayAlloc(0),
          seq: 0,
          ids: [],
          proof: uint8ArrayAlloc(0),
          deliveryKey: uint8ArrayAlloc(0)
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
              obj.identityKey = reader.bytes()
              break
            }
            case 3: {
              obj.deviceId = reader.uint32()
              break
            }
            case 4: {
              obj.envelope = reader.bytes()
              break
            }
            case 5: {
              obj.after = reader.string()
              break
            }
            case 6: {
              obj.subscribe = reader.bool()
              break
            }
            case 7: {
              obj.timestamp = reader.uint64()
              break
            }
            case 8: {
              obj.signature = reader.bytes()
              break
            }
            case 9: {
              obj.seq = reader.uint32()
              break
            }
            case 10: {
              if (opts.limits?.ids != null && obj.ids.length === opts.limits.ids) {
                throw new MaxLengthError('Decode error - repeated field "ids" had too many elements')
              }

              obj.ids.push(reader.string())
              break
            }
            case 11: {
              obj.proof = reader.bytes()
              break
            }
            case 12: {
              obj.deliveryKey = reader.bytes()
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
                value: ClientFrame.Type.codec().decode(reader)
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
                field: `${prefix}.envelope`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.after`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.subscribe`,
                value: reader.bool()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint32()
              }
              break
            }
            case 10: {
              if (opts.limits?.ids != null && obj.ids === opts.limits.ids) {
                throw new MaxLengthError('Streaming decode error - repeated field "ids" had too many elements')
              }

              yield {
                field: `${prefix}.ids[]`,
                index: obj.ids,
                value: reader.string()
              }

              obj.ids++

              break
            }
            case 11: {
              yield {
                field: `${prefix}.proof`,
                value: reader.bytes()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.deliveryKey`,
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

  export interface ClientFrameTypeFieldEvent {
    field: '$.type'
    value: ClientFrame.Type
  }

  export interface ClientFrameIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientFrameDeviceIdFieldEvent {
    field: '$.deviceId'
    value: number
  }

  export interface ClientFrameEnvelopeFieldEvent {
    field: '$.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientFrameAfterFieldEvent {
    field: '$.after'
    value: string
  }

  export interface ClientFrameSubscribeFieldEvent {
    field: '$.subscribe'
    value: boolean
  }

  export interface ClientFrameTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface ClientFrameSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientFrameSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface ClientFrameIdsFieldEvent {
    field: '$.ids[]'
    index: number
    value: string
  }

  export interface ClientFrameProofFieldEvent {
    field: '$.proof'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientFrameDeliveryKeyFieldEvent {
    field: '$.deliveryKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ClientFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ClientFrame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClientFrame>): ClientFrame {
    return decodeMessage(buf, ClientFrame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClientFrame>): Generator<ClientFrameTypeFieldEvent | ClientFrameIdentityKeyFieldEvent | ClientFrameDeviceIdFieldEvent | ClientFrameEnvelopeFieldEvent | ClientFrameAfterFieldEvent | ClientFrameSubscribeFieldEvent | ClientFrameTimestampFieldEvent | ClientFrameSignatureFieldEvent | ClientFrameSeqFieldEvent | ClientFrameIdsFieldEvent | ClientFrameProofFieldEvent | ClientFrameDeliveryKeyFieldEvent> {
    return streamMessage(buf, ClientFrame.codec(), opts)
  }
}

export interface MailboxEnvelope {
  id: string
  envelope: Uint8Array<ArrayBuffer>
  receivedAt: bigint
}

export namespace MailboxEnvelope {
  let _codec: Codec<MailboxEnvelope>

  export const codec = (): Codec<MailboxEnvelope> => {
    if (_codec == null) {
      _codec = message<MailboxEnvelope>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== '')) {
          w.uint32(10)
          w.string(obj.id)
        }

        if ((obj.envelope != null && obj.envelope.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.envelope)
        }

        if ((obj.receivedAt != null && obj.receivedAt !== 0n)) {
          w.uint32(24)
          w.uint64(obj.receivedAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: '',
          envelope: uint8ArrayAlloc(0),
          receivedAt: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.string()
              break
            }
            case 2: {
              obj.envelope = reader.bytes()
              break
            }
            case 3: {
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
                field: `${prefix}.id`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.envelope`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
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

  export interface MailboxEnvelopeIdFieldEvent {
    field: '$.id'
    value: string
  }

  export interface MailboxEnvelopeEnvelopeFieldEvent {
    field: '$.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxEnvelopeReceivedAtFieldEvent {
    field: '$.receivedAt'
    value: bigint
  }

  export function encode (obj: Partial<MailboxEnvelope>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, MailboxEnvelope.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MailboxEnvelope>): MailboxEnvelope {
    return decodeMessage(buf, MailboxEnvelope.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MailboxEnvelope>): Generator<MailboxEnvelopeIdFieldEvent | MailboxEnvelopeEnvelopeFieldEvent | MailboxEnvelopeReceivedAtFieldEvent> {
    return streamMessage(buf, MailboxEnvelope.codec(), opts)
  }
}

export interface RelayFrame {
  type: RelayFrame.Type
  status: RelayFrame.Status
  message: string
  retryAfterMs: number
  id: string
  nonce: Uint8Array<ArrayBuffer>
  envelopes: MailboxEnvelope[]
  seq: number
}

export namespace RelayFrame {
  export enum Type {
    RESULT = 'RESULT',
    CHALLENGE = 'CHALLENGE',
    ENVELOPES = 'ENVELOPES',
    DRAINED = 'DRAINED',
    ACKED = 'ACKED',
    KEEPALIVE = 'KEEPALIVE'
  }

  enum __TypeValues {
    RESULT = 0,
    CHALLENGE = 1,
    ENVELOPES = 2,
    DRAINED = 3,
    ACKED = 4,
    KEEPALIVE = 5
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
    MAILBOX_FULL = 'MAILBOX_FULL',
    TOO_LARGE = 'TOO_LARGE',
    UNKNOWN_MAILBOX = 'UNKNOWN_MAILBOX',
    INTERNAL = 'INTERNAL'
  }

  enum __StatusValues {
    OK = 0,
    INVALID_REQUEST = 1,
    AUTH_FAILED = 2,
    RATE_LIMITED = 3,
    MAILBOX_FULL = 4,
    TOO_LARGE = 5,
    UNKNOWN_MAILBOX = 6,
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

        if ((obj.id != null && obj.id !== '')) {
          w.uint32(42)
          w.string(obj.id)
        }

        if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.nonce)
        }

        if (obj.envelopes != null && obj.envelopes.length > 0) {
          for (const value of obj.envelopes) {
            w.uint32(58)
            MailboxEnvelope.codec().encode(value, w)
          }
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(64)
          w.uint32(obj.seq)
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
          id: '',
          nonce: uint8ArrayAlloc(0),
          envelopes: [],
          seq: 0
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
              obj.id = reader.string()
              break
            }
            case 6: {
              obj.nonce = reader.bytes()
              break
            }
            case 7: {
              if (opts.limits?.envelopes != null && obj.envelopes.length === opts.limits.envelopes) {
                throw new MaxLengthError('Decode error - repeated field "envelopes" had too many elements')
              }

              obj.envelopes.push(MailboxEnvelope.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.envelopes$
              }))
              break
            }
            case 8: {
              obj.seq = reader.uint32()
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
          envelopes: 0
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
                field: `${prefix}.id`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.nonce`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              if (opts.limits?.envelopes != null && obj.envelopes === opts.limits.envelopes) {
                throw new MaxLengthError('Streaming decode error - repeated field "envelopes" had too many elements')
              }

              for (const evt of MailboxEnvelope.codec().stream(reader, reader.uint32(), `${prefix}.envelopes[]`, {
                limits: opts.limits?.envelopes$
              })) {
                yield {
                  ...evt,
                  index: obj.envelopes
                }
              }

              obj.envelopes++

              break
            }
            case 8: {
              yield {
                field: `${prefix}.seq`,
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

  export interface RelayFrameIdFieldEvent {
    field: '$.id'
    value: string
  }

  export interface RelayFrameNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RelayFrameEnvelopesIdFieldEvent {
    field: '$.envelopes[].id'
    value: string
    index: number
  }

  export interface RelayFrameEnvelopesEnvelopeFieldEvent {
    field: '$.envelopes[].envelope'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RelayFrameEnvelopesReceivedAtFieldEvent {
    field: '$.envelopes[].receivedAt'
    value: bigint
    index: number
  }

  export interface RelayFrameSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export function encode (obj: Partial<RelayFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RelayFrame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RelayFrame>): RelayFrame {
    return decodeMessage(buf, RelayFrame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RelayFrame>): Generator<RelayFrameTypeFieldEvent | RelayFrameStatusFieldEvent | RelayFrameMessageFieldEvent | RelayFrameRetryAfterMsFieldEvent | RelayFrameIdFieldEvent | RelayFrameNonceFieldEvent | RelayFrameEnvelopesIdFieldEvent | RelayFrameEnvelopesEnvelopeFieldEvent | RelayFrameEnvelopesReceivedAtFieldEvent | RelayFrameSeqFieldEvent> {
    return streamMessage(buf, RelayFrame.codec(), opts)
  }
}
