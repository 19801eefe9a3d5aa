import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface IceCandidate {
  candidate: string
  sdpMid: string
  sdpMLineIndex: number
}

export namespace IceCandidate {
  let _codec: Codec<IceCandidate>

  export const codec = (): Codec<IceCandidate> => {
    if (_codec == null) {
      _codec = message<IceCandidate>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.candidate != null && obj.candidate !== '')) {
          w.uint32(10)
          w.string(obj.candidate)
        }

        if ((obj.sdpMid != null && obj.sdpMid !== '')) {
          w.uint32(18)
          w.string(obj.sdpMid)
        }

        if ((obj.sdpMLineIndex != null && obj.sdpMLineIndex !== 0)) {
          w.uint32(24)
          w.uint32(obj.sdpMLineIndex)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          candidate: '',
          sdpMid: '',
          sdpMLineIndex: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.candidate = reader.string()
              break
            }
            case 2: {
              obj.sdpMid = reader.string()
              break
            }
            case 3: {
              obj.sdpMLineIndex = reader.uint32()
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
                field: `${prefix}.candidate`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.sdpMid`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.sdpMLineIndex`,
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

  export interface IceCandidateCandidateFieldEvent {
    field: '$.candidate'
    value: string
  }

  export interface IceCandidateSdpMidFieldEvent {
    field: '$.sdpMid'
    value: string
  }

  export interface IceCandidateSdpMLineIndexFieldEvent {
    field: '$.sdpMLineIndex'
    value: number
  }

  export function encode (obj: Partial<IceCandidate>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, IceCandidate.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<IceCandidate>): IceCandidate {
    return decodeMessage(buf, IceCandidate.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<IceCandidate>): Generator<IceCandidateCandidateFieldEvent | IceCandidateSdpMidFieldEvent | IceCandidateSdpMLineIndexFieldEvent> {
    return streamMessage(buf, IceCandidate.codec(), opts)
  }
}

export interface CallSignal {
  callId: Uint8Array<ArrayBuffer>
  type: CallSignal.Type
  startedAt: number
  video: boolean
  sdp: string
  candidates: IceCandidate[]
  reason: CallSignal.Reason
  toDevice: number
  device: number
  seq: number
  muted: boolean
  camera: boolean
  groupId: Uint8Array<ArrayBuffer>
  participants: Participant[]
  kid: number
  key: Uint8Array<ArrayBuffer>
}

export namespace CallSignal {
  export enum Type {
    OFFER = 'OFFER',
    ANSWER = 'ANSWER',
    ICE = 'ICE',
    HANGUP = 'HANGUP',
    RINGING = 'RINGING',
    UPDATE = 'UPDATE',
    UPDATE_ANSWER = 'UPDATE_ANSWER',
    MEDIA = 'MEDIA',
    GROUP_RING = 'GROUP_RING',
    KEY = 'KEY',
    GROUP_STATE = 'GROUP_STATE'
  }

  enum __TypeValues {
    OFFER = 0,
    ANSWER = 1,
    ICE = 2,
    HANGUP = 3,
    RINGING = 4,
    UPDATE = 5,
    UPDATE_ANSWER = 6,
    MEDIA = 7,
    GROUP_RING = 8,
    KEY = 9,
    GROUP_STATE = 10
  }

  export namespace Type {
    export const codec = (): Codec<Type> => {
      return enumeration<Type>(__TypeValues)
    }
  }

  export enum Reason {
    NORMAL = 'NORMAL',
    DECLINED = 'DECLINED',
    BUSY = 'BUSY',
    NO_ANSWER = 'NO_ANSWER',
    ANSWERED_ELSEWHERE = 'ANSWERED_ELSEWHERE',
    DECLINED_ELSEWHERE = 'DECLINED_ELSEWHERE',
    FAILED = 'FAILED',
    CANCELLED = 'CANCELLED'
  }

  enum __ReasonValues {
    NORMAL = 0,
    DECLINED = 1,
    BUSY = 2,
    NO_ANSWER = 3,
    ANSWERED_ELSEWHERE = 4,
    DECLINED_ELSEWHERE = 5,
    FAILED = 6,
    CANCELLED = 7
  }

  export namespace Reason {
    export const codec = (): Codec<Reason> => {
      return enumeration<Reason>(__ReasonValues)
    }
  }

  let _codec: Codec<CallSignal>

  export const codec = (): Codec<CallSignal> => {
    if (_codec == null) {
      _codec = message<CallSignal>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.callId != null && obj.callId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.callId)
        }

        if (obj.type != null && __TypeValues[obj.type] !== 0) {
          w.uint32(16)
          CallSignal.Type.codec().encode(obj.type, w)
        }

        if ((obj.startedAt != null && obj.startedAt !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.startedAt)
        }

        if ((obj.video != null && obj.video !== false)) {
          w.uint32(32)
          w.bool(obj.video)
        }

        if ((obj.sdp != null && obj.sdp !== '')) {
          w.uint32(42)
          w.string(obj.sdp)
        }

        if (obj.candidates != null && obj.candidates.length > 0) {
          for (const value of obj.candidates) {
            w.uint32(50)
            IceCandidate.codec().encode(value, w)
          }
        }

        if (obj.reason != null && __ReasonValues[obj.reason] !== 0) {
          w.uint32(56)
          CallSignal.Reason.codec().encode(obj.reason, w)
        }

        if ((obj.toDevice != null && obj.toDevice !== 0)) {
          w.uint32(64)
          w.uint32(obj.toDevice)
        }

        if ((obj.device != null && obj.device !== 0)) {
          w.uint32(72)
          w.uint32(obj.device)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(80)
          w.uint32(obj.seq)
        }

        if ((obj.muted != null && obj.muted !== false)) {
          w.uint32(88)
          w.bool(obj.muted)
        }

        if ((obj.camera != null && obj.camera !== false)) {
          w.uint32(96)
          w.bool(obj.camera)
        }

        if ((obj.groupId != null && obj.groupId.byteLength > 0)) {
          w.uint32(106)
          w.bytes(obj.groupId)
        }

        if (obj.participants != null && obj.participants.length > 0) {
          for (const value of obj.participants) {
            w.uint32(114)
            Participant.codec().encode(value, w)
          }
        }

        if ((obj.kid != null && obj.kid !== 0)) {
          w.uint32(120)
          w.uint64Number(obj.kid)
        }

        if ((obj.key != null && obj.key.byteLength > 0)) {
          w.uint32(130)
          w.bytes(obj.key)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          callId: uint8ArrayAlloc(0),
          type: Type.OFFER,
          startedAt: 0,
          video: false,
          sdp: '',
          candidates: [],
          reason: Reason.NORMAL,
          toDevice: 0,
          device: 0,
          seq: 0,
          muted: false,
          camera: false,
          groupId: uint8ArrayAlloc(0),
          participants: [],
          kid: 0,
          key: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.callId = reader.bytes()
              break
            }
            case 2: {
              obj.type = CallSignal.Type.codec().decode(reader)
              break
            }
            case 3: {
              obj.startedAt = reader.uint64Number()
              break
            }
            case 4: {
              obj.video = reader.bool()
              break
            }
            case 5: {
              obj.sdp = reader.string()
              break
            }
            case 6: {
              if (opts.limits?.candidates != null && obj.candidates.length === opts.limits.candidates) {
                throw new MaxLengthError('Decode error - repeated field "candidates" had too many elements')
              }

              obj.candidates.push(IceCandidate.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.candidates$
              }))
              break
            }
            case 7: {
              obj.reason = CallSignal.Reason.codec().decode(reader)
              break
            }
            case 8: {
              obj.toDevice = reader.uint32()
              break
            }
            case 9: {
              obj.device = reader.uint32()
              break
            }
            case 10: {
              obj.seq = reader.uint32()
              break
            }
            case 11: {
              obj.muted = reader.bool()
              break
            }
            case 12: {
              obj.camera = reader.bool()
              break
            }
            case 13: {
              obj.groupId = reader.bytes()
              break
            }
            case 14: {
              if (opts.limits?.participants != null && obj.participants.length === opts.limits.participants) {
                throw new MaxLengthError('Decode error - repeated field "participants" had too many elements')
              }

              obj.participants.push(Participant.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.participants$
              }))
              break
            }
            case 15: {
              obj.kid = reader.uint64Number()
              break
            }
            case 16: {
              obj.key = reader.bytes()
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
          candidates: 0,
          participants: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.callId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.type`,
                value: CallSignal.Type.codec().decode(reader)
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.startedAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.video`,
                value: reader.bool()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.sdp`,
                value: reader.string()
              }
              break
            }
            case 6: {
              if (opts.limits?.candidates != null && obj.candidates === opts.limits.candidates) {
                throw new MaxLengthError('Streaming decode error - repeated field "candidates" had too many elements')
              }

              for (const evt of IceCandidate.codec().stream(reader, reader.uint32(), `${prefix}.candidates[]`, {
                limits: opts.limits?.candidates$
              })) {
                yield {
                  ...evt,
                  index: obj.candidates
                }
              }

              obj.candidates++

              break
            }
            case 7: {
              yield {
                field: `${prefix}.reason`,
                value: CallSignal.Reason.codec().decode(reader)
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.toDevice`,
                value: reader.uint32()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.device`,
                value: reader.uint32()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint32()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.muted`,
                value: reader.bool()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.camera`,
                value: reader.bool()
              }
              break
            }
            case 13: {
              yield {
                field: `${prefix}.groupId`,
                value: reader.bytes()
              }
              break
            }
            case 14: {
              if (opts.limits?.participants != null && obj.participants === opts.limits.participants) {
                throw new MaxLengthError('Streaming decode error - repeated field "participants" had too many elements')
              }

              for (const evt of Participant.codec().stream(reader, reader.uint32(), `${prefix}.participants[]`, {
                limits: opts.limits?.participants$
              })) {
                yield {
                  ...evt,
                  index: obj.participants
                }
              }

              obj.participants++

              break
            }
            case 15: {
              yield {
                field: `${prefix}.kid`,
                value: reader.uint64Number()
              }
              break
            }
            case 16: {
              yield {
                field: `${prefix}.key`,
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

  export interface CallSignalCallIdFieldEvent {
    field: '$.callId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface CallSignalTypeFieldEvent {
    field: '$.type'
    value: CallSignal.Type
  }

  export interface CallSignalStartedAtFieldEvent {
    field: '$.startedAt'
    value: number
  }

  export interface CallSignalVideoFieldEvent {
    field: '$.video'
    value: boolean
  }

  export interface CallSignalSdpFieldEvent {
    field: '$.sdp'
    value: string
  }

  export interface CallSignalCandidatesCandidateFieldEvent {
    field: '$.candidates[].candidate'
    value: string
    index: number
  }

  export interface CallSignalCandidatesSdpMidFieldEvent {
    field: '$.candidates[].sdpMid'
    value: string
    index: number
  }

  export interface CallSignalCandidatesSdpMLineIndexFieldEvent {
    field: '$.candidates[].sdpMLineIndex'
    value: number
    index: number
  }

  export interface CallSignalReasonFieldEvent {
    field: '$.reason'
    value: CallSignal.Reason
  }

  export interface CallSignalToDeviceFieldEvent {
    field: '$.toDevice'
    value: number
  }

  export interface CallSignalDeviceFieldEvent {
    field: '$.device'
    value: number
  }

  export interface CallSignalSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface CallSignalMutedFieldEvent {
    field: '$.muted'
    value: boolean
  }

  export interface CallSignalCameraFieldEvent {
    field: '$.camera'
    value: boolean
  }

  export interface CallSignalGroupIdFieldEvent {
    field: '$.groupId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface CallSignalParticipantsPhoneFieldEvent {
    field: '$.participants[].phone'
    value: string
    index: number
  }

  export interface CallSignalParticipantsDeviceFieldEvent {
    field: '$.participants[].device'
    value: number
    index: number
  }

  export interface CallSignalKidFieldEvent {
    field: '$.kid'
    value: number
  }

  export interface CallSignalKeyFieldEvent {
    field: '$.key'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<CallSignal>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, CallSignal.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CallSignal>): CallSignal {
    return decodeMessage(buf, CallSignal.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CallSignal>): Generator<CallSignalCallIdFieldEvent | CallSignalTypeFieldEvent | CallSignalStartedAtFieldEvent | CallSignalVideoFieldEvent | CallSignalSdpFieldEvent | CallSignalCandidatesCandidateFieldEvent | CallSignalCandidatesSdpMidFieldEvent | CallSignalCandidatesSdpMLineIndexFieldEvent | CallSignalReasonFieldEvent | CallSignalToDeviceFieldEvent | CallSignalDeviceFieldEvent | CallSignalSeqFieldEvent | CallSignalMutedFieldEvent | CallSignalCameraFieldEvent | CallSignalGroupIdFieldEvent | CallSignalParticipantsPhoneFieldEvent | CallSignalParticipantsDeviceFieldEvent | CallSignalKidFieldEvent | CallSignalKeyFieldEvent> {
    return streamMessage(buf, CallSignal.codec(), opts)
  }
}

export interface Participant {
  phone: string
  device: number
}

export namespace Participant {
  let _codec: Codec<Participant>

  export const codec = (): Codec<Participant> => {
    if (_codec == null) {
      _codec = message<Participant>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.phone != null && obj.phone !== '')) {
          w.uint32(10)
          w.string(obj.phone)
        }

        if ((obj.device != null && obj.device !== 0)) {
          w.uint32(16)
          w.uint32(obj.device)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          phone: '',
          device: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.phone = reader.string()
              break
            }
            case 2: {
              obj.device = reader.uint32()
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
                field: `${prefix}.phone`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.device`,
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

  export interface ParticipantPhoneFieldEvent {
    field: '$.phone'
    value: string
  }

  export interface ParticipantDeviceFieldEvent {
    field: '$.device'
    value: number
  }

  export function encode (obj: Partial<Participant>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Participant.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Participant>): Participant {
    return decodeMessage(buf, Participant.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Participant>): Generator<ParticipantPhoneFieldEvent | ParticipantDeviceFieldEvent> {
    return streamMessage(buf, Participant.codec(), opts)
  }
}
