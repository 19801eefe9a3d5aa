/* eslint-disable require-yield */

import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface GroupWirePb {
  format: number
  ciphertext: Uint8Array<ArrayBuffer>
}

export namespace GroupWirePb {
  let _codec: Codec<GroupWirePb>

  export const codec = (): Codec<GroupWirePb> => {
    if (_codec == null) {
      _codec = message<GroupWirePb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.format != null && obj.format !== 0)) {
          w.uint32(8)
          w.uint32(obj.format)
        }

        if ((obj.ciphertext != null && obj.ciphertext.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.ciphertext)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          format: 0,
          ciphertext: uint8ArrayAlloc(0)
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
              obj.ciphertext = reader.bytes()
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
                field: `${prefix}.format`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.ciphertext`,
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

  export interface GroupWirePbFormatFieldEvent {
    field: '$.format'
    value: number
  }

  export interface GroupWirePbCiphertextFieldEvent {
    field: '$.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GroupWirePb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupWirePb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupWirePb>): GroupWirePb {
    return decodeMessage(buf, GroupWirePb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupWirePb>): Generator<GroupWirePbFormatFieldEvent | GroupWirePbCiphertextFieldEvent> {
    return streamMessage(buf, GroupWirePb.codec(), opts)
  }
}

export interface GroupMentionPb {
  e164: string
}

export namespace GroupMentionPb {
  let _codec: Codec<GroupMentionPb>

  export const codec = (): Codec<GroupMentionPb> => {
    if (_codec == null) {
      _codec = message<GroupMentionPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.e164 != null && obj.e164 !== '')) {
          w.uint32(10)
          w.string(obj.e164)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          e164: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.e164 = reader.string()
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
                field: `${prefix}.e164`,
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

  export interface GroupMentionPbE164FieldEvent {
    field: '$.e164'
    value: string
  }

  export function encode (obj: Partial<GroupMentionPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupMentionPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupMentionPb>): GroupMentionPb {
    return decodeMessage(buf, GroupMentionPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupMentionPb>): Generator<GroupMentionPbE164FieldEvent> {
    return streamMessage(buf, GroupMentionPb.codec(), opts)
  }
}

export interface GroupTextPb {
  text: string
  quoteId?: Uint8Array<ArrayBuffer>
  quoteAuthor?: Uint8Array<ArrayBuffer>
  mentions: GroupMentionPb[]
  attachment?: Uint8Array<ArrayBuffer>
}

export namespace GroupTextPb {
  let _codec: Codec<GroupTextPb>

  export const codec = (): Codec<GroupTextPb> => {
    if (_codec == null) {
      _codec = message<GroupTextPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.text != null && obj.text !== '')) {
          w.uint32(10)
          w.string(obj.text)
        }

        if (obj.quoteId != null) {
          w.uint32(18)
          w.bytes(obj.quoteId)
        }

        if (obj.quoteAuthor != null) {
          w.uint32(26)
          w.bytes(obj.quoteAuthor)
        }

        if (obj.mentions != null && obj.mentions.length > 0) {
          for (const value of obj.mentions) {
            w.uint32(34)
            GroupMentionPb.codec().encode(value, w)
          }
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
          text: '',
          mentions: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.text = reader.string()
              break
            }
            case 2: {
              obj.quoteId = reader.bytes()
              break
            }
            case 3: {
              obj.quoteAuthor = reader.bytes()
              break
            }
            case 4: {
              if (opts.limits?.mentions != null && obj.mentions.length === opts.limits.mentions) {
                throw new MaxLengthError('Decode error - repeated field "mentions" had too many elements')
              }

              obj.mentions.push(GroupMentionPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.mentions$
              }))
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
        const obj = {
          mentions: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.text`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.quoteId`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.quoteAuthor`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              if (opts.limits?.mentions != null && obj.mentions === opts.limits.mentions) {
                throw new MaxLengthError('Streaming decode error - repeated field "mentions" had too many elements')
              }

              for (const evt of GroupMentionPb.codec().stream(reader, reader.uint32(), `${prefix}.mentions[]`, {
                limits: opts.limits?.mentions$
              })) {
                yield {
                  ...evt,
                  index: obj.mentions
                }
              }

              obj.mentions++

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

  export interface GroupTextPbTextFieldEvent {
    field: '$.text'
    value: string
  }

  export interface GroupTextPbQuoteIdFieldEvent {
    field: '$.quoteId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupTextPbQuoteAuthorFieldEvent {
    field: '$.quoteAuthor'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupTextPbMentionsE164FieldEvent {
    field: '$.mentions[].e164'
    value: string
    index: number
  }

  export interface GroupTextPbAttachmentFieldEvent {
    field: '$.attachment'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GroupTextPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupTextPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupTextPb>): GroupTextPb {
    return decodeMessage(buf, GroupTextPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupTextPb>): Generator<GroupTextPbTextFieldEvent | GroupTextPbQuoteIdFieldEvent | GroupTextPbQuoteAuthorFieldEvent | GroupTextPbMentionsE164FieldEvent | GroupTextPbAttachmentFieldEvent> {
    return streamMessage(buf, GroupTextPb.codec(), opts)
  }
}

export interface GroupHeartbeatPb {}

export namespace GroupHeartbeatPb {
  let _codec: Codec<GroupHeartbeatPb>

  export const codec = (): Codec<GroupHeartbeatPb> => {
    if (_codec == null) {
      _codec = message<GroupHeartbeatPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
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

  export function encode (obj: Partial<GroupHeartbeatPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupHeartbeatPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupHeartbeatPb>): GroupHeartbeatPb {
    return decodeMessage(buf, GroupHeartbeatPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupHeartbeatPb>): Generator<{}> {
    return streamMessage(buf, GroupHeartbeatPb.codec(), opts)
  }
}

export interface GroupContentPb {
  format: number
  id: Uint8Array<ArrayBuffer>
  timestamp: bigint
  lamport: bigint
  history: Uint8Array<ArrayBuffer>[]
  stateHash: Uint8Array<ArrayBuffer>
  text?: GroupTextPb
  heartbeat?: GroupHeartbeatPb
}

export namespace GroupContentPb {
  let _codec: Codec<GroupContentPb>

  export const codec = (): Codec<GroupContentPb> => {
    if (_codec == null) {
      _codec = message<GroupContentPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.format != null && obj.format !== 0)) {
          w.uint32(8)
          w.uint32(obj.format)
        }

        if ((obj.id != null && obj.id.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.id)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(24)
          w.uint64(obj.timestamp)
        }

        if ((obj.lamport != null && obj.lamport !== 0n)) {
          w.uint32(32)
          w.uint64(obj.lamport)
        }

        if (obj.history != null && obj.history.length > 0) {
          for (const value of obj.history) {
            w.uint32(42)
            w.bytes(value)
          }
        }

        if ((obj.stateHash != null && obj.stateHash.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.stateHash)
        }

        if (obj.text != null) {
          w.uint32(82)
          GroupTextPb.codec().encode(obj.text, w)
        }

        if (obj.heartbeat != null) {
          w.uint32(90)
          GroupHeartbeatPb.codec().encode(obj.heartbeat, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          format: 0,
          id: uint8ArrayAlloc(0),
          timestamp: 0n,
          lamport: 0n,
          history: [],
          stateHash: uint8ArrayAlloc(0)
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
              obj.id = reader.bytes()
              break
            }
            case 3: {
              obj.timestamp = reader.uint64()
              break
            }
            case 4: {
              obj.lamport = reader.uint64()
              break
            }
            case 5: {
              if (opts.limits?.history != null && obj.history.length === opts.limits.history) {
                throw new MaxLengthError('Decode error - repeated field "history" had too many elements')
              }

              obj.history.push(reader.bytes())
              break
            }
            case 6: {
              obj.stateHash = reader.bytes()
              break
            }
            case 10: {
              obj.text = GroupTextPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.text
              })
              break
            }
            case 11: {
              obj.heartbeat = GroupHeartbeatPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.heartbeat
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
        const obj = {
          history: 0
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
                field: `${prefix}.id`,
                value: reader.bytes()
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
                field: `${prefix}.lamport`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              if (opts.limits?.history != null && obj.history === opts.limits.history) {
                throw new MaxLengthError('Streaming decode error - repeated field "history" had too many elements')
              }

              yield {
                field: `${prefix}.history[]`,
                index: obj.history,
                value: reader.bytes()
              }

              obj.history++

              break
            }
            case 6: {
              yield {
                field: `${prefix}.stateHash`,
                value: reader.bytes()
              }
              break
            }
            case 10: {
              yield * GroupTextPb.codec().stream(reader, reader.uint32(), `${prefix}.text`, {
                limits: opts.limits?.text
              })

              break
            }
            case 11: {
              yield * GroupHeartbeatPb.codec().stream(reader, reader.uint32(), `${prefix}.heartbeat`, {
                limits: opts.limits?.heartbeat
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

  export interface GroupContentPbFormatFieldEvent {
    field: '$.format'
    value: number
  }

  export interface GroupContentPbIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupContentPbTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface GroupContentPbLamportFieldEvent {
    field: '$.lamport'
    value: bigint
  }

  export interface GroupContentPbHistoryFieldEvent {
    field: '$.history[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupContentPbStateHashFieldEvent {
    field: '$.stateHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupContentPbTextTextFieldEvent {
    field: '$.text.text'
    value: string
  }

  export interface GroupContentPbTextQuoteIdFieldEvent {
    field: '$.text.quoteId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupContentPbTextQuoteAuthorFieldEvent {
    field: '$.text.quoteAuthor'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupContentPbTextMentionsE164FieldEvent {
    field: '$.text.mentions[].e164'
    value: string
    index: number
  }

  export interface GroupContentPbTextAttachmentFieldEvent {
    field: '$.text.attachment'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GroupContentPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupContentPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupContentPb>): GroupContentPb {
    return decodeMessage(buf, GroupContentPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupContentPb>): Generator<GroupContentPbFormatFieldEvent | GroupContentPbIdFieldEvent | GroupContentPbTimestampFieldEvent | GroupContentPbLamportFieldEvent | GroupContentPbHistoryFieldEvent | GroupContentPbStateHashFieldEvent | GroupContentPbTextTextFieldEvent | GroupContentPbTextQuoteIdFieldEvent | GroupContentPbTextQuoteAuthorFieldEvent | GroupContentPbTextMentionsE164FieldEvent | GroupContentPbTextAttachmentFieldEvent> {
    return streamMessage(buf, GroupContentPb.codec(), opts)
  }
}

export interface GroupChangesPb {
  changes: Uint8Array<ArrayBuffer>[]
}

export namespace GroupChangesPb {
  let _codec: Codec<GroupChangesPb>

  export const codec = (): Codec<GroupChangesPb> => {
    if (_codec == null) {
      _codec = message<GroupChangesPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.changes != null && obj.changes.length > 0) {
          for (const value of obj.changes) {
            w.uint32(10)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          changes: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.changes != null && obj.changes.length === opts.limits.changes) {
                throw new MaxLengthError('Decode error - repeated field "changes" had too many elements')
              }

              obj.changes.push(reader.bytes())
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
          changes: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.changes != null && obj.changes === opts.limits.changes) {
                throw new MaxLengthError('Streaming decode error - repeated field "changes" had too many elements')
              }

              yield {
                field: `${prefix}.changes[]`,
                index: obj.changes,
                value: reader.bytes()
              }

              obj.changes++

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

  export interface GroupChangesPbChangesFieldEvent {
    field: '$.changes[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GroupChangesPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupChangesPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupChangesPb>): GroupChangesPb {
    return decodeMessage(buf, GroupChangesPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupChangesPb>): Generator<GroupChangesPbChangesFieldEvent> {
    return streamMessage(buf, GroupChangesPb.codec(), opts)
  }
}

export interface GroupSenderKeyPb {
  distribution: Uint8Array<ArrayBuffer>
}

export namespace GroupSenderKeyPb {
  let _codec: Codec<GroupSenderKeyPb>

  export const codec = (): Codec<GroupSenderKeyPb> => {
    if (_codec == null) {
      _codec = message<GroupSenderKeyPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.distribution != null && obj.distribution.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.distribution)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          distribution: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.distribution = reader.bytes()
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
                field: `${prefix}.distribution`,
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

  export interface GroupSenderKeyPbDistributionFieldEvent {
    field: '$.distribution'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GroupSenderKeyPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupSenderKeyPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupSenderKeyPb>): GroupSenderKeyPb {
    return decodeMessage(buf, GroupSenderKeyPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupSenderKeyPb>): Generator<GroupSenderKeyPbDistributionFieldEvent> {
    return streamMessage(buf, GroupSenderKeyPb.codec(), opts)
  }
}

export interface GroupWantPb {
  hashes: Uint8Array<ArrayBuffer>[]
  all: boolean
  proof: Uint8Array<ArrayBuffer>
}

export namespace GroupWantPb {
  let _codec: Codec<GroupWantPb>

  export const codec = (): Codec<GroupWantPb> => {
    if (_codec == null) {
      _codec = message<GroupWantPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.hashes != null && obj.hashes.length > 0) {
          for (const value of obj.hashes) {
            w.uint32(10)
            w.bytes(value)
          }
        }

        if ((obj.all != null && obj.all !== false)) {
          w.uint32(16)
          w.bool(obj.all)
        }

        if ((obj.proof != null && obj.proof.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.proof)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          hashes: [],
          all: false,
          proof: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.hashes != null && obj.hashes.length === opts.limits.hashes) {
                throw new MaxLengthError('Decode error - repeated field "hashes" had too many elements')
              }

              obj.hashes.push(reader.bytes())
              break
            }
            case 2: {
              obj.all = reader.bool()
              break
            }
            case 3: {
              obj.proof = reader.bytes()
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
          hashes: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.hashes != null && obj.hashes === opts.limits.hashes) {
                throw new MaxLengthError('Streaming decode error - repeated field "hashes" had too many elements')
              }

              yield {
                field: `${prefix}.hashes[]`,
                index: obj.hashes,
                value: reader.bytes()
              }

              obj.hashes++

              break
            }
            case 2: {
              yield {
                field: `${prefix}.all`,
                value: reader.bool()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.proof`,
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

  export interface GroupWantPbHashesFieldEvent {
    field: '$.hashes[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupWantPbAllFieldEvent {
    field: '$.all'
    value: boolean
  }

  export interface GroupWantPbProofFieldEvent {
    field: '$.proof'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GroupWantPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupWantPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupWantPb>): GroupWantPb {
    return decodeMessage(buf, GroupWantPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupWantPb>): Generator<GroupWantPbHashesFieldEvent | GroupWantPbAllFieldEvent | GroupWantPbProofFieldEvent> {
    return streamMessage(buf, GroupWantPb.codec(), opts)
  }
}

export interface GroupReceiptPb {
  type: GroupReceiptPb.Type
  ids: Uint8Array<ArrayBuffer>[]
}

export namespace GroupReceiptPb {
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

  let _codec: Codec<GroupReceiptPb>

  export const codec = (): Codec<GroupReceiptPb> => {
    if (_codec == null) {
      _codec = message<GroupReceiptPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.type != null && __TypeValues[obj.type] !== 0) {
          w.uint32(8)
          GroupReceiptPb.Type.codec().encode(obj.type, w)
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
          type: Type.DELIVERED,
          ids: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.type = GroupReceiptPb.Type.codec().decode(reader)
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
                field: `${prefix}.type`,
                value: GroupReceiptPb.Type.codec().decode(reader)
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

  export interface GroupReceiptPbTypeFieldEvent {
    field: '$.type'
    value: GroupReceiptPb.Type
  }

  export interface GroupReceiptPbIdsFieldEvent {
    field: '$.ids[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GroupReceiptPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupReceiptPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupReceiptPb>): GroupReceiptPb {
    return decodeMessage(buf, GroupReceiptPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupReceiptPb>): Generator<GroupReceiptPbTypeFieldEvent | GroupReceiptPbIdsFieldEvent> {
    return streamMessage(buf, GroupReceiptPb.codec(), opts)
  }
}

export interface GroupPhotoPb {
  image: Uint8Array<ArrayBuffer>
}

export namespace GroupPhotoPb {
  let _codec: Codec<GroupPhotoPb>

  export const codec = (): Codec<GroupPhotoPb> => {
    if (_codec == null) {
      _codec = message<GroupPhotoPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.image != null && obj.image.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.image)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          image: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.image = reader.bytes()
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
                field: `${prefix}.image`,
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

  export interface GroupPhotoPbImageFieldEvent {
    field: '$.image'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GroupPhotoPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupPhotoPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupPhotoPb>): GroupPhotoPb {
    return decodeMessage(buf, GroupPhotoPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupPhotoPb>): Generator<GroupPhotoPbImageFieldEvent> {
    return streamMessage(buf, GroupPhotoPb.codec(), opts)
  }
}

export interface GroupPhotoWantPb {
  ref: Uint8Array<ArrayBuffer>
}

export namespace GroupPhotoWantPb {
  let _codec: Codec<GroupPhotoWantPb>

  export const codec = (): Codec<GroupPhotoWantPb> => {
    if (_codec == null) {
      _codec = message<GroupPhotoWantPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.ref != null && obj.ref.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.ref)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          ref: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ref = reader.bytes()
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

  export interface GroupPhotoWantPbRefFieldEvent {
    field: '$.ref'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GroupPhotoWantPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupPhotoWantPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupPhotoWantPb>): GroupPhotoWantPb {
    return decodeMessage(buf, GroupPhotoWantPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupPhotoWantPb>): Generator<GroupPhotoWantPbRefFieldEvent> {
    return streamMessage(buf, GroupPhotoWantPb.codec(), opts)
  }
}

export interface GroupControlPb {
  groupId: Uint8Array<ArrayBuffer>
  changes?: GroupChangesPb
  senderKey?: GroupSenderKeyPb
  want?: GroupWantPb
  receipt?: GroupReceiptPb
  photo?: GroupPhotoPb
  wantPhoto?: GroupPhotoWantPb
}

export namespace GroupControlPb {
  let _codec: Codec<GroupControlPb>

  export const codec = (): Codec<GroupControlPb> => {
    if (_codec == null) {
      _codec = message<GroupControlPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.groupId != null && obj.groupId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.groupId)
        }

        if (obj.changes != null) {
          w.uint32(82)
          GroupChangesPb.codec().encode(obj.changes, w)
        }

        if (obj.senderKey != null) {
          w.uint32(90)
          GroupSenderKeyPb.codec().encode(obj.senderKey, w)
        }

        if (obj.want != null) {
          w.uint32(98)
          GroupWantPb.codec().encode(obj.want, w)
        }

        if (obj.receipt != null) {
          w.uint32(106)
          GroupReceiptPb.codec().encode(obj.receipt, w)
        }

        if (obj.photo != null) {
          w.uint32(114)
          GroupPhotoPb.codec().encode(obj.photo, w)
        }

        if (obj.wantPhoto != null) {
          w.uint32(122)
          GroupPhotoWantPb.codec().encode(obj.wantPhoto, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          groupId: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.groupId = reader.bytes()
              break
            }
            case 10: {
              obj.changes = GroupChangesPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.changes
              })
              break
            }
            case 11: {
              obj.senderKey = GroupSenderKeyPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.senderKey
              })
              break
            }
            case 12: {
              obj.want = GroupWantPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.want
              })
              break
            }
            case 13: {
              obj.receipt = GroupReceiptPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.receipt
              })
              break
            }
            case 14: {
              obj.photo = GroupPhotoPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.photo
              })
              break
            }
            case 15: {
              obj.wantPhoto = GroupPhotoWantPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.wantPhoto
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
                field: `${prefix}.groupId`,
                value: reader.bytes()
              }
              break
            }
            case 10: {
              yield * GroupChangesPb.codec().stream(reader, reader.uint32(), `${prefix}.changes`, {
                limits: opts.limits?.changes
              })

              break
            }
            case 11: {
              yield * GroupSenderKeyPb.codec().stream(reader, reader.uint32(), `${prefix}.senderKey`, {
                limits: opts.limits?.senderKey
              })

              break
            }
            case 12: {
              yield * GroupWantPb.codec().stream(reader, reader.uint32(), `${prefix}.want`, {
                limits: opts.limits?.want
              })

              break
            }
            case 13: {
              yield * GroupReceiptPb.codec().stream(reader, reader.uint32(), `${prefix}.receipt`, {
                limits: opts.limits?.receipt
              })

              break
            }
            case 14: {
              yield * GroupPhotoPb.codec().stream(reader, reader.uint32(), `${prefix}.photo`, {
                limits: opts.limits?.photo
              })

              break
            }
            case 15: {
              yield * GroupPhotoWantPb.codec().stream(reader, reader.uint32(), `${prefix}.wantPhoto`, {
                limits: opts.limits?.wantPhoto
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

  export interface GroupControlPbGroupIdFieldEvent {
    field: '$.groupId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupControlPbChangesChangesFieldEvent {
    field: '$.changes.changes[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupControlPbSenderKeyDistributionFieldEvent {
    field: '$.senderKey.distribution'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupControlPbWantHashesFieldEvent {
    field: '$.want.hashes[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupControlPbWantAllFieldEvent {
    field: '$.want.all'
    value: boolean
  }

  export interface GroupControlPbWantProofFieldEvent {
    field: '$.want.proof'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupControlPbReceiptTypeFieldEvent {
    field: '$.receipt.type'
    value: GroupReceiptPb.Type
  }

  export interface GroupControlPbReceiptIdsFieldEvent {
    field: '$.receipt.ids[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupControlPbPhotoImageFieldEvent {
    field: '$.photo.image'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupControlPbWantPhotoRefFieldEvent {
    field: '$.wantPhoto.ref'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GroupControlPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupControlPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupControlPb>): GroupControlPb {
    return decodeMessage(buf, GroupControlPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupControlPb>): Generator<GroupControlPbGroupIdFieldEvent | GroupControlPbChangesChangesFieldEvent | GroupControlPbSenderKeyDistributionFieldEvent | GroupControlPbWantHashesFieldEvent | GroupControlPbWantAllFieldEvent | GroupControlPbWantProofFieldEvent | GroupControlPbReceiptTypeFieldEvent | GroupControlPbReceiptIdsFieldEvent | GroupControlPbPhotoImageFieldEvent | GroupControlPbWantPhotoRefFieldEvent> {
    return streamMessage(buf, GroupControlPb.codec(), opts)
  }
}

export interface CausalEntryPb {
  ref: Uint8Array<ArrayBuffer>
  lamport: bigint
}

export namespace CausalEntryPb {
  let _codec: Codec<CausalEntryPb>

  export const codec = (): Codec<CausalEntryPb> => {
    if (_codec == null) {
      _codec = message<CausalEntryPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.ref != null && obj.ref.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.ref)
        }

        if ((obj.lamport != null && obj.lamport !== 0n)) {
          w.uint32(16)
          w.uint64(obj.lamport)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          ref: uint8ArrayAlloc(0),
          lamport: 0n
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
              obj.lamport = reader.uint64()
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
                field: `${prefix}.lamport`,
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

  export interface CausalEntryPbRefFieldEvent {
    field: '$.ref'
    value: Uint8Array<ArrayBuffer>
  }

  export interface CausalEntryPbLamportFieldEvent {
    field: '$.lamport'
    value: bigint
  }

  export function encode (obj: Partial<CausalEntryPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, CausalEntryPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CausalEntryPb>): CausalEntryPb {
    return decodeMessage(buf, CausalEntryPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CausalEntryPb>): Generator<CausalEntryPbRefFieldEvent | CausalEntryPbLamportFieldEvent> {
    return streamMessage(buf, CausalEntryPb.codec(), opts)
  }
}

export interface CausalMissingPb {
  ref: Uint8Array<ArrayBuffer>
  noticedAt: bigint
  dueAt: bigint
  attempts: number
}

export namespace CausalMissingPb {
  let _codec: Codec<CausalMissingPb>

  export const codec = (): Codec<CausalMissingPb> => {
    if (_codec == null) {
      _codec = message<CausalMissingPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.ref != null && obj.ref.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.ref)
        }

        if ((obj.noticedAt != null && obj.noticedAt !== 0n)) {
          w.uint32(16)
          w.uint64(obj.noticedAt)
        }

        if ((obj.dueAt != null && obj.dueAt !== 0n)) {
          w.uint32(24)
          w.uint64(obj.dueAt)
        }

        if ((obj.attempts != null && obj.attempts !== 0)) {
          w.uint32(32)
          w.uint32(obj.attempts)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          ref: uint8ArrayAlloc(0),
          noticedAt: 0n,
          dueAt: 0n,
          attempts: 0
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
              obj.noticedAt = reader.uint64()
              break
            }
            case 3: {
              obj.dueAt = reader.uint64()
              break
            }
            case 4: {
              obj.attempts = reader.uint32()
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
                field: `${prefix}.noticedAt`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.dueAt`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.attempts`,
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

  export interface CausalMissingPbRefFieldEvent {
    field: '$.ref'
    value: Uint8Array<ArrayBuffer>
  }

  export interface CausalMissingPbNoticedAtFieldEvent {
    field: '$.noticedAt'
    value: bigint
  }

  export interface CausalMissingPbDueAtFieldEvent {
    field: '$.dueAt'
    value: bigint
  }

  export interface CausalMissingPbAttemptsFieldEvent {
    field: '$.attempts'
    value: number
  }

  export function encode (obj: Partial<CausalMissingPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, CausalMissingPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CausalMissingPb>): CausalMissingPb {
    return decodeMessage(buf, CausalMissingPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CausalMissingPb>): Generator<CausalMissingPbRefFieldEvent | CausalMissingPbNoticedAtFieldEvent | CausalMissingPbDueAtFieldEvent | CausalMissingPbAttemptsFieldEvent> {
    return streamMessage(buf, CausalMissingPb.codec(), opts)
  }
}

export interface CausalHistoryPb {
  format: number
  clock: bigint
  known: CausalEntryPb[]
  horizon?: bigint
  missing: CausalMissingPb[]
  settled: Uint8Array<ArrayBuffer>[]
}

export namespace CausalHistoryPb {
  let _codec: Codec<CausalHistoryPb>

  export const codec = (): Codec<CausalHistoryPb> => {
    if (_codec == null) {
      _codec = message<CausalHistoryPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.format != null && obj.format !== 0)) {
          w.uint32(8)
          w.uint32(obj.format)
        }

        if ((obj.clock != null && obj.clock !== 0n)) {
          w.uint32(16)
          w.uint64(obj.clock)
        }

        if (obj.known != null && obj.known.length > 0) {
          for (const value of obj.known) {
            w.uint32(26)
            CausalEntryPb.codec().encode(value, w)
          }
        }

        if (obj.horizon != null) {
          w.uint32(32)
          w.uint64(obj.horizon)
        }

        if (obj.missing != null && obj.missing.length > 0) {
          for (const value of obj.missing) {
            w.uint32(42)
            CausalMissingPb.codec().encode(value, w)
          }
        }

        if (obj.settled != null && obj.settled.length > 0) {
          for (const value of obj.settled) {
            w.uint32(50)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          format: 0,
          clock: 0n,
          known: [],
          missing: [],
          settled: []
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
              obj.clock = reader.uint64()
              break
            }
            case 3: {
              if (opts.limits?.known != null && obj.known.length === opts.limits.known) {
                throw new MaxLengthError('Decode error - repeated field "known" had too many elements')
              }

              obj.known.push(CausalEntryPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.known$
              }))
              break
            }
            case 4: {
              obj.horizon = reader.uint64()
              break
            }
            case 5: {
              if (opts.limits?.missing != null && obj.missing.length === opts.limits.missing) {
                throw new MaxLengthError('Decode error - repeated field "missing" had too many elements')
              }

              obj.missing.push(CausalMissingPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.missing$
              }))
              break
            }
            case 6: {
              if (opts.limits?.settled != null && obj.settled.length === opts.limits.settled) {
                throw new MaxLengthError('Decode error - repeated field "settled" had too many elements')
              }

              obj.settled.push(reader.bytes())
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
          known: 0,
          missing: 0,
          settled: 0
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
                field: `${prefix}.clock`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              if (opts.limits?.known != null && obj.known === opts.limits.known) {
                throw new MaxLengthError('Streaming decode error - repeated field "known" had too many elements')
              }

              for (const evt of CausalEntryPb.codec().stream(reader, reader.uint32(), `${prefix}.known[]`, {
                limits: opts.limits?.known$
              })) {
                yield {
                  ...evt,
                  index: obj.known
                }
              }

              obj.known++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.horizon`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              if (opts.limits?.missing != null && obj.missing === opts.limits.missing) {
                throw new MaxLengthError('Streaming decode error - repeated field "missing" had too many elements')
              }

              for (const evt of CausalMissingPb.codec().stream(reader, reader.uint32(), `${prefix}.missing[]`, {
                limits: opts.limits?.missing$
              })) {
                yield {
                  ...evt,
                  index: obj.missing
                }
              }

              obj.missing++

              break
            }
            case 6: {
              if (opts.limits?.settled != null && obj.settled === opts.limits.settled) {
                throw new MaxLengthError('Streaming decode error - repeated field "settled" had too many elements')
              }

              yield {
                field: `${prefix}.settled[]`,
                index: obj.settled,
                value: reader.bytes()
              }

              obj.settled++

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

  export interface CausalHistoryPbFormatFieldEvent {
    field: '$.format'
    value: number
  }

  export interface CausalHistoryPbClockFieldEvent {
    field: '$.clock'
    value: bigint
  }

  export interface CausalHistoryPbKnownRefFieldEvent {
    field: '$.known[].ref'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface CausalHistoryPbKnownLamportFieldEvent {
    field: '$.known[].lamport'
    value: bigint
    index: number
  }

  export interface CausalHistoryPbHorizonFieldEvent {
    field: '$.horizon'
    value: bigint
  }

  export interface CausalHistoryPbMissingRefFieldEvent {
    field: '$.missing[].ref'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface CausalHistoryPbMissingNoticedAtFieldEvent {
    field: '$.missing[].noticedAt'
    value: bigint
    index: number
  }

  export interface CausalHistoryPbMissingDueAtFieldEvent {
    field: '$.missing[].dueAt'
    value: bigint
    index: number
  }

  export interface CausalHistoryPbMissingAttemptsFieldEvent {
    field: '$.missing[].attempts'
    value: number
    index: number
  }

  export interface CausalHistoryPbSettledFieldEvent {
    field: '$.settled[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<CausalHistoryPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, CausalHistoryPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CausalHistoryPb>): CausalHistoryPb {
    return decodeMessage(buf, CausalHistoryPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CausalHistoryPb>): Generator<CausalHistoryPbFormatFieldEvent | CausalHistoryPbClockFieldEvent | CausalHistoryPbKnownRefFieldEvent | CausalHistoryPbKnownLamportFieldEvent | CausalHistoryPbHorizonFieldEvent | CausalHistoryPbMissingRefFieldEvent | CausalHistoryPbMissingNoticedAtFieldEvent | CausalHistoryPbMissingDueAtFieldEvent | CausalHistoryPbMissingAttemptsFieldEvent | CausalHistoryPbSettledFieldEvent> {
    return streamMessage(buf, CausalHistoryPb.codec(), opts)
  }
}
