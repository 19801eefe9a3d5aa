import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface ReceiverChainPb {
  ratchetKey: Uint8Array<ArrayBuffer>
  chainKey: Uint8Array<ArrayBuffer>
  counter: number
}

export namespace ReceiverChainPb {
  let _codec: Codec<ReceiverChainPb>

  export const codec = (): Codec<ReceiverChainPb> => {
    if (_codec == null) {
      _codec = message<ReceiverChainPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.ratchetKey != null && obj.ratchetKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.ratchetKey)
        }

        if ((obj.chainKey != null && obj.chainKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.chainKey)
        }

        if ((obj.counter != null && obj.counter !== 0)) {
          w.uint32(24)
          w.uint32(obj.counter)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          ratchetKey: uint8ArrayAlloc(0),
          chainKey: uint8ArrayAlloc(0),
          counter: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ratchetKey = reader.bytes()
              break
            }
            case 2: {
              obj.chainKey = reader.bytes()
              break
            }
            case 3: {
              obj.counter = reader.uint32()
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
                field: `${prefix}.ratchetKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.chainKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.counter`,
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

  export interface ReceiverChainPbRatchetKeyFieldEvent {
    field: '$.ratchetKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReceiverChainPbChainKeyFieldEvent {
    field: '$.chainKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReceiverChainPbCounterFieldEvent {
    field: '$.counter'
    value: number
  }

  export function encode (obj: Partial<ReceiverChainPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ReceiverChainPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReceiverChainPb>): ReceiverChainPb {
    return decodeMessage(buf, ReceiverChainPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReceiverChainPb>): Generator<ReceiverChainPbRatchetKeyFieldEvent | ReceiverChainPbChainKeyFieldEvent | ReceiverChainPbCounterFieldEvent> {
    return streamMessage(buf, ReceiverChainPb.codec(), opts)
  }
}

export interface SkippedKeyPb {
  ratchetKey: Uint8Array<ArrayBuffer>
  counter: number
  messageKey: Uint8Array<ArrayBuffer>
}

export namespace SkippedKeyPb {
  let _codec: Codec<SkippedKeyPb>

  export const codec = (): Codec<SkippedKeyPb> => {
    if (_codec == null) {
      _codec = message<SkippedKeyPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.ratchetKey != null && obj.ratchetKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.ratchetKey)
        }

        if ((obj.counter != null && obj.counter !== 0)) {
          w.uint32(16)
          w.uint32(obj.counter)
        }

        if ((obj.messageKey != null && obj.messageKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.messageKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          ratchetKey: uint8ArrayAlloc(0),
          counter: 0,
          messageKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ratchetKey = reader.bytes()
              break
            }
            case 2: {
              obj.counter = reader.uint32()
              break
            }
            case 3: {
              obj.messageKey = reader.bytes()
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
                field: `${prefix}.ratchetKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.counter`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.messageKey`,
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

  export interface SkippedKeyPbRatchetKeyFieldEvent {
    field: '$.ratchetKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SkippedKeyPbCounterFieldEvent {
    field: '$.counter'
    value: number
  }

  export interface SkippedKeyPbMessageKeyFieldEvent {
    field: '$.messageKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SkippedKeyPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SkippedKeyPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SkippedKeyPb>): SkippedKeyPb {
    return decodeMessage(buf, SkippedKeyPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SkippedKeyPb>): Generator<SkippedKeyPbRatchetKeyFieldEvent | SkippedKeyPbCounterFieldEvent | SkippedKeyPbMessageKeyFieldEvent> {
    return streamMessage(buf, SkippedKeyPb.codec(), opts)
  }
}

export interface PendingPreKeyPb {
  signedPreKeyId: number
  oneTimePreKeyId?: number
  kemPreKeyId: number
  kemCiphertext: Uint8Array<ArrayBuffer>
}

export namespace PendingPreKeyPb {
  let _codec: Codec<PendingPreKeyPb>

  export const codec = (): Codec<PendingPreKeyPb> => {
    if (_codec == null) {
      _codec = message<PendingPreKeyPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.signedPreKeyId != null && obj.signedPreKeyId !== 0)) {
          w.uint32(8)
          w.uint32(obj.signedPreKeyId)
        }

        if (obj.oneTimePreKeyId != null) {
          w.uint32(16)
          w.uint32(obj.oneTimePreKeyId)
        }

        if ((obj.kemPreKeyId != null && obj.kemPreKeyId !== 0)) {
          w.uint32(24)
          w.uint32(obj.kemPreKeyId)
        }

        if ((obj.kemCiphertext != null && obj.kemCiphertext.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.kemCiphertext)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          signedPreKeyId: 0,
          kemPreKeyId: 0,
          kemCiphertext: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.signedPreKeyId = reader.uint32()
              break
            }
            case 2: {
              obj.oneTimePreKeyId = reader.uint32()
              break
            }
            case 3: {
              obj.kemPreKeyId = reader.uint32()
              break
            }
            case 4: {
              obj.kemCiphertext = reader.bytes()
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
                field: `${prefix}.signedPreKeyId`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.oneTimePreKeyId`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.kemPreKeyId`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.kemCiphertext`,
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

  export interface PendingPreKeyPbSignedPreKeyIdFieldEvent {
    field: '$.signedPreKeyId'
    value: number
  }

  export interface PendingPreKeyPbOneTimePreKeyIdFieldEvent {
    field: '$.oneTimePreKeyId'
    value: number
  }

  export interface PendingPreKeyPbKemPreKeyIdFieldEvent {
    field: '$.kemPreKeyId'
    value: number
  }

  export interface PendingPreKeyPbKemCiphertextFieldEvent {
    field: '$.kemCiphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<PendingPreKeyPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PendingPreKeyPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PendingPreKeyPb>): PendingPreKeyPb {
    return decodeMessage(buf, PendingPreKeyPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PendingPreKeyPb>): Generator<PendingPreKeyPbSignedPreKeyIdFieldEvent | PendingPreKeyPbOneTimePreKeyIdFieldEvent | PendingPreKeyPbKemPreKeyIdFieldEvent | PendingPreKeyPbKemCiphertextFieldEvent> {
    return streamMessage(buf, PendingPreKeyPb.codec(), opts)
  }
}

export interface RatchetStatePb {
  version: number
  localIdentityKey: Uint8Array<ArrayBuffer>
  remoteIdentityKey: Uint8Array<ArrayBuffer>
  rootKey: Uint8Array<ArrayBuffer>
  sendingPrivate: Uint8Array<ArrayBuffer>
  sendingPublic: Uint8Array<ArrayBuffer>
  sendingChainKey: Uint8Array<ArrayBuffer>
  sendingCounter: number
  previousCounter: number
  receiverChains: ReceiverChainPb[]
  skipped: SkippedKeyPb[]
  baseKey: Uint8Array<ArrayBuffer>
  pending?: PendingPreKeyPb
}

export namespace RatchetStatePb {
  let _codec: Codec<RatchetStatePb>

  export const codec = (): Codec<RatchetStatePb> => {
    if (_codec == null) {
      _codec = message<RatchetStatePb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.localIdentityKey != null && obj.localIdentityKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.localIdentityKey)
        }

        if ((obj.remoteIdentityKey != null && obj.remoteIdentityKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.remoteIdentityKey)
        }

        if ((obj.rootKey != null && obj.rootKey.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.rootKey)
        }

        if ((obj.sendingPrivate != null && obj.sendingPrivate.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.sendingPrivate)
        }

        if ((obj.sendingPublic != null && obj.sendingPublic.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.sendingPublic)
        }

        if ((obj.sendingChainKey != null && obj.sendingChainKey.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.sendingChainKey)
        }

        if ((obj.sendingCounter != null && obj.sendingCounter !== 0)) {
          w.uint32(64)
          w.uint32(obj.sendingCounter)
        }

        if ((obj.previousCounter != null && obj.previousCounter !== 0)) {
          w.uint32(72)
          w.uint32(obj.previousCounter)
        }

        if (obj.receiverChains != null && obj.receiverChains.length > 0) {
          for (const value of obj.receiverChains) {
            w.uint32(82)
            ReceiverChainPb.codec().encode(value, w)
          }
        }

        if (obj.skipped != null && obj.skipped.length > 0) {
          for (const value of obj.skipped) {
            w.uint32(90)
            SkippedKeyPb.codec().encode(value, w)
          }
        }

        if ((obj.baseKey != null && obj.baseKey.byteLength > 0)) {
          w.uint32(98)
          w.bytes(obj.baseKey)
        }

        if (obj.pending != null) {
          w.uint32(106)
          PendingPreKeyPb.codec().encode(obj.pending, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          localIdentityKey: uint8ArrayAlloc(0),
          remoteIdentityKey: uint8ArrayAlloc(0),
          rootKey: uint8ArrayAlloc(0),
          sendingPrivate: uint8ArrayAlloc(0),
          sendingPublic: uint8ArrayAlloc(0),
          sendingChainKey: uint8ArrayAlloc(0),
          sendingCounter: 0,
          previousCounter: 0,
          receiverChains: [],
          skipped: [],
          baseKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.localIdentityKey = reader.bytes()
              break
            }
            case 3: {
              obj.remoteIdentityKey = reader.bytes()
              break
            }
            case 4: {
              obj.rootKey = reader.bytes()
              break
            }
            case 5: {
              obj.sendingPrivate = reader.bytes()
              break
            }
            case 6: {
              obj.sendingPublic = reader.bytes()
              break
            }
            case 7: {
              obj.sendingChainKey = reader.bytes()
              break
            }
            case 8: {
              obj.sendingCounter = reader.uint32()
              break
            }
            case 9: {
              obj.previousCounter = reader.uint32()
              break
            }
            case 10: {
              if (opts.limits?.receiverChains != null && obj.receiverChains.length === opts.limits.receiverChains) {
                throw new MaxLengthError('Decode error - repeated field "receiverChains" had too many elements')
              }

              obj.receiverChains.push(ReceiverChainPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.receiverChains$
              }))
              break
            }
            case 11: {
              if (opts.limits?.skipped != null && obj.skipped.length === opts.limits.skipped) {
                throw new MaxLengthError('Decode error - repeated field "skipped" had too many elements')
              }

              obj.skipped.push(SkippedKeyPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.skipped$
              }))
              break
            }
            case 12: {
              obj.baseKey = reader.bytes()
              break
            }
            case 13: {
              obj.pending = PendingPreKeyPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.pending
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
          receiverChains: 0,
          skipped: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.localIdentityKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.remoteIdentityKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.rootKey`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.sendingPrivate`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.sendingPublic`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.sendingChainKey`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.sendingCounter`,
                value: reader.uint32()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.previousCounter`,
                value: reader.uint32()
              }
              break
            }
            case 10: {
              if (opts.limits?.receiverChains != null && obj.receiverChains === opts.limits.receiverChains) {
                throw new MaxLengthError('Streaming decode error - repeated field "receiverChains" had too many elements')
              }

              for (const evt of ReceiverChainPb.codec().stream(reader, reader.uint32(), `${prefix}.receiverChains[]`, {
                limits: opts.limits?.receiverChains$
              })) {
                yield {
                  ...evt,
                  index: obj.receiverChains
                }
              }

              obj.receiverChains++

              break
            }
            case 11: {
              if (opts.limits?.skipped != null && obj.skipped === opts.limits.skipped) {
                throw new MaxLengthError('Streaming decode error - repeated field "skipped" had too many elements')
              }

              for (const evt of SkippedKeyPb.codec().stream(reader, reader.uint32(), `${prefix}.skipped[]`, {
                limits: opts.limits?.skipped$
              })) {
                yield {
                  ...evt,
                  index: obj.skipped
                }
              }

              obj.skipped++

              break
            }
            case 12: {
              yield {
                field: `${prefix}.baseKey`,
                value: reader.bytes()
              }
              break
            }
            case 13: {
              yield * PendingPreKeyPb.codec().stream(reader, reader.uint32(), `${prefix}.pending`, {
                limits: opts.limits?.pending
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

  export interface RatchetStatePbVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface RatchetStatePbLocalIdentityKeyFieldEvent {
    field: '$.localIdentityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStatePbRemoteIdentityKeyFieldEvent {
    field: '$.remoteIdentityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStatePbRootKeyFieldEvent {
    field: '$.rootKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStatePbSendingPrivateFieldEvent {
    field: '$.sendingPrivate'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStatePbSendingPublicFieldEvent {
    field: '$.sendingPublic'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStatePbSendingChainKeyFieldEvent {
    field: '$.sendingChainKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStatePbSendingCounterFieldEvent {
    field: '$.sendingCounter'
    value: number
  }

  export interface RatchetStatePbPreviousCounterFieldEvent {
    field: '$.previousCounter'
    value: number
  }

  export interface RatchetStatePbReceiverChainsRatchetKeyFieldEvent {
    field: '$.receiverChains[].ratchetKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RatchetStatePbReceiverChainsChainKeyFieldEvent {
    field: '$.receiverChains[].chainKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RatchetStatePbReceiverChainsCounterFieldEvent {
    field: '$.receiverChains[].counter'
    value: number
    index: number
  }

  export interface RatchetStatePbSkippedRatchetKeyFieldEvent {
    field: '$.skipped[].ratchetKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RatchetStatePbSkippedCounterFieldEvent {
    field: '$.skipped[].counter'
    value: number
    index: number
  }

  export interface RatchetStatePbSkippedMessageKeyFieldEvent {
    field: '$.skipped[].messageKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RatchetStatePbBaseKeyFieldEvent {
    field: '$.baseKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStatePbPendingSignedPreKeyIdFieldEvent {
    field: '$.pending.signedPreKeyId'
    value: number
  }

  export interface RatchetStatePbPendingOneTimePreKeyIdFieldEvent {
    field: '$.pending.oneTimePreKeyId'
    value: number
  }

  export interface RatchetStatePbPendingKemPreKeyIdFieldEvent {
    field: '$.pending.kemPreKeyId'
    value: number
  }

  export interface RatchetStatePbPendingKemCiphertextFieldEvent {
    field: '$.pending.kemCiphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<RatchetStatePb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RatchetStatePb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RatchetStatePb>): RatchetStatePb {
    return decodeMessage(buf, RatchetStatePb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RatchetStatePb>): Generator<RatchetStatePbVersionFieldEvent | RatchetStatePbLocalIdentityKeyFieldEvent | RatchetStatePbRemoteIdentityKeyFieldEvent | RatchetStatePbRootKeyFieldEvent | RatchetStatePbSendingPrivateFieldEvent | RatchetStatePbSendingPublicFieldEvent | RatchetStatePbSendingChainKeyFieldEvent | RatchetStatePbSendingCounterFieldEvent | RatchetStatePbPreviousCounterFieldEvent | RatchetStatePbReceiverChainsRatchetKeyFieldEvent | RatchetStatePbReceiverChainsChainKeyFieldEvent | RatchetStatePbReceiverChainsCounterFieldEvent | RatchetStatePbSkippedRatchetKeyFieldEvent | RatchetStatePbSkippedCounterFieldEvent | RatchetStatePbSkippedMessageKeyFieldEvent | RatchetStatePbBaseKeyFieldEvent | RatchetStatePbPendingSignedPreKeyIdFieldEvent | RatchetStatePbPendingOneTimePreKeyIdFieldEvent | RatchetStatePbPendingKemPreKeyIdFieldEvent | RatchetStatePbPendingKemCiphertextFieldEvent> {
    return streamMessage(buf, RatchetStatePb.codec(), opts)
  }
}

export interface SkippedSenderKeyPb {
  iteration: number
  messageKey: Uint8Array<ArrayBuffer>
}

export namespace SkippedSenderKeyPb {
  let _codec: Codec<SkippedSenderKeyPb>

  export const codec = (): Codec<SkippedSenderKeyPb> => {
    if (_codec == null) {
      _codec = message<SkippedSenderKeyPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.iteration != null && obj.iteration !== 0)) {
          w.uint32(8)
          w.uint32(obj.iteration)
        }

        if ((obj.messageKey != null && obj.messageKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.messageKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          iteration: 0,
          messageKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.iteration = reader.uint32()
              break
            }
            case 2: {
              obj.messageKey = reader.bytes()
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
                field: `${prefix}.iteration`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.messageKey`,
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

  export interface SkippedSenderKeyPbIterationFieldEvent {
    field: '$.iteration'
    value: number
  }

  export interface SkippedSenderKeyPbMessageKeyFieldEvent {
    field: '$.messageKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SkippedSenderKeyPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SkippedSenderKeyPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SkippedSenderKeyPb>): SkippedSenderKeyPb {
    return decodeMessage(buf, SkippedSenderKeyPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SkippedSenderKeyPb>): Generator<SkippedSenderKeyPbIterationFieldEvent | SkippedSenderKeyPbMessageKeyFieldEvent> {
    return streamMessage(buf, SkippedSenderKeyPb.codec(), opts)
  }
}

export interface SenderKeyStatePb {
  chainId: number
  iteration: number
  chainKey: Uint8Array<ArrayBuffer>
  signingPublic: Uint8Array<ArrayBuffer>
  signingPrivate: Uint8Array<ArrayBuffer>
  skipped: SkippedSenderKeyPb[]
}

export namespace SenderKeyStatePb {
  let _codec: Codec<SenderKeyStatePb>

  export const codec = (): Codec<SenderKeyStatePb> => {
    if (_codec == null) {
      _codec = message<SenderKeyStatePb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.chainId != null && obj.chainId !== 0)) {
          w.uint32(8)
          w.uint32(obj.chainId)
        }

        if ((obj.iteration != null && obj.iteration !== 0)) {
          w.uint32(16)
          w.uint32(obj.iteration)
        }

        if ((obj.chainKey != null && obj.chainKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.chainKey)
        }

        if ((obj.signingPublic != null && obj.signingPublic.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.signingPublic)
        }

        if ((obj.signingPrivate != null && obj.signingPrivate.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.signingPrivate)
        }

        if (obj.skipped != null && obj.skipped.length > 0) {
          for (const value of obj.skipped) {
            w.uint32(50)
            SkippedSenderKeyPb.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          chainId: 0,
          iteration: 0,
          chainKey: uint8ArrayAlloc(0),
          signingPublic: uint8ArrayAlloc(0),
          signingPrivate: uint8ArrayAlloc(0),
          skipped: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.chainId = reader.uint32()
              break
            }
            case 2: {
              obj.iteration = reader.uint32()
              break
            }
            case 3: {
              obj.chainKey = reader.bytes()
              break
            }
            case 4: {
              obj.signingPublic = reader.bytes()
              break
            }
            case 5: {
              obj.signingPrivate = reader.bytes()
              break
            }
            case 6: {
              if (opts.limits?.skipped != null && obj.skipped.length === opts.limits.skipped) {
                throw new MaxLengthError('Decode error - repeated field "skipped" had too many elements')
              }

              obj.skipped.push(SkippedSenderKeyPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.skipped$
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
          skipped: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.chainId`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.iteration`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.chainKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.signingPublic`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.signingPrivate`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              if (opts.limits?.skipped != null && obj.skipped === opts.limits.skipped) {
                throw new MaxLengthError('Streaming decode error - repeated field "skipped" had too many elements')
              }

              for (const evt of SkippedSenderKeyPb.codec().stream(reader, reader.uint32(), `${prefix}.skipped[]`, {
                limits: opts.limits?.skipped$
              })) {
                yield {
                  ...evt,
                  index: obj.skipped
                }
              }

              obj.skipped++

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

  export interface SenderKeyStatePbChainIdFieldEvent {
    field: '$.chainId'
    value: number
  }

  export interface SenderKeyStatePbIterationFieldEvent {
    field: '$.iteration'
    value: number
  }

  export interface SenderKeyStatePbChainKeyFieldEvent {
    field: '$.chainKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeyStatePbSigningPublicFieldEvent {
    field: '$.signingPublic'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeyStatePbSigningPrivateFieldEvent {
    field: '$.signingPrivate'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeyStatePbSkippedIterationFieldEvent {
    field: '$.skipped[].iteration'
    value: number
    index: number
  }

  export interface SenderKeyStatePbSkippedMessageKeyFieldEvent {
    field: '$.skipped[].messageKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<SenderKeyStatePb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SenderKeyStatePb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeyStatePb>): SenderKeyStatePb {
    return decodeMessage(buf, SenderKeyStatePb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeyStatePb>): Generator<SenderKeyStatePbChainIdFieldEvent | SenderKeyStatePbIterationFieldEvent | SenderKeyStatePbChainKeyFieldEvent | SenderKeyStatePbSigningPublicFieldEvent | SenderKeyStatePbSigningPrivateFieldEvent | SenderKeyStatePbSkippedIterationFieldEvent | SenderKeyStatePbSkippedMessageKeyFieldEvent> {
    return streamMessage(buf, SenderKeyStatePb.codec(), opts)
  }
}

export interface SenderKeyRecordPb {
  groupId: Uint8Array<ArrayBuffer>
  states: SenderKeyStatePb[]
}

export namespace SenderKeyRecordPb {
  let _codec: Codec<SenderKeyRecordPb>

  export const codec = (): Codec<SenderKeyRecordPb> => {
    if (_codec == null) {
      _codec = message<SenderKeyRecordPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.groupId != null && obj.groupId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.groupId)
        }

        if (obj.states != null && obj.states.length > 0) {
          for (const value of obj.states) {
            w.uint32(18)
            SenderKeyStatePb.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          groupId: uint8ArrayAlloc(0),
          states: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.groupId = reader.bytes()
              break
            }
            case 2: {
              if (opts.limits?.states != null && obj.states.length === opts.limits.states) {
                throw new MaxLengthError('Decode error - repeated field "states" had too many elements')
              }

              obj.states.push(SenderKeyStatePb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.states$
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
          states: 0
        }

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
            case 2: {
              if (opts.limits?.states != null && obj.states === opts.limits.states) {
                throw new MaxLengthError('Streaming decode error - repeated field "states" had too many elements')
              }

              for (const evt of SenderKeyStatePb.codec().stream(reader, reader.uint32(), `${prefix}.states[]`, {
                limits: opts.limits?.states$
              })) {
                yield {
                  ...evt,
                  index: obj.states
                }
              }

              obj.states++

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

  export interface SenderKeyRecordPbGroupIdFieldEvent {
    field: '$.groupId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeyRecordPbStatesChainIdFieldEvent {
    field: '$.states[].chainId'
    value: number
    index: number
  }

  export interface SenderKeyRecordPbStatesIterationFieldEvent {
    field: '$.states[].iteration'
    value: number
    index: number
  }

  export interface SenderKeyRecordPbStatesChainKeyFieldEvent {
    field: '$.states[].chainKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SenderKeyRecordPbStatesSigningPublicFieldEvent {
    field: '$.states[].signingPublic'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SenderKeyRecordPbStatesSigningPrivateFieldEvent {
    field: '$.states[].signingPrivate'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SenderKeyRecordPbStatesSkippedIterationFieldEvent {
    field: '$.states[].skipped[].iteration'
    value: number
    index: number
  }

  export interface SenderKeyRecordPbStatesSkippedMessageKeyFieldEvent {
    field: '$.states[].skipped[].messageKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<SenderKeyRecordPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SenderKeyRecordPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeyRecordPb>): SenderKeyRecordPb {
    return decodeMessage(buf, SenderKeyRecordPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeyRecordPb>): Generator<SenderKeyRecordPbGroupIdFieldEvent | SenderKeyRecordPbStatesChainIdFieldEvent | SenderKeyRecordPbStatesIterationFieldEvent | SenderKeyRecordPbStatesChainKeyFieldEvent | SenderKeyRecordPbStatesSigningPublicFieldEvent | SenderKeyRecordPbStatesSigningPrivateFieldEvent | SenderKeyRecordPbStatesSkippedIterationFieldEvent | SenderKeyRecordPbStatesSkippedMessageKeyFieldEvent> {
    return streamMessage(buf, SenderKeyRecordPb.codec(), opts)
  }
}
