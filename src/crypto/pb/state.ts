// Generated from the .proto beside this file in the shape `protons` 9 emits (see docs/crypto.md); do not edit.
/* eslint-disable import/export */
/* eslint-disable complexity */
/* eslint-disable @typescript-eslint/no-namespace */
/* eslint-disable @typescript-eslint/no-unnecessary-boolean-literal-compare */
/* eslint-disable @typescript-eslint/no-empty-interface */
/* eslint-disable import/consistent-type-specifier-style */
/* eslint-disable @typescript-eslint/no-unused-vars */

import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'

export interface ReceiverChainPb {
  ratchetKey: Uint8Array
  chainKey: Uint8Array
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

        if (obj.ratchetKey != null && obj.ratchetKey.byteLength > 0) {
          w.uint32(10)
          w.bytes(obj.ratchetKey)
        }

        if (obj.chainKey != null && obj.chainKey.byteLength > 0) {
          w.uint32(18)
          w.bytes(obj.chainKey)
        }

        if (obj.counter != null && obj.counter !== 0) {
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

  export function encode (obj: Partial<ReceiverChainPb>): Uint8Array {
    return encodeMessage(obj, ReceiverChainPb.codec())
  }

  export function decode (buf: Uint8Array, opts?: DecodeOptions<ReceiverChainPb>): ReceiverChainPb {
    return decodeMessage(buf, ReceiverChainPb.codec(), opts)
  }

  export function stream (buf: Uint8Array, opts?: DecodeOptions<ReceiverChainPb>): Generator<{ field: string, value: unknown }> {
    return streamMessage(buf, ReceiverChainPb.codec(), opts)
  }
}

export interface SkippedKeyPb {
  ratchetKey: Uint8Array
  counter: number
  messageKey: Uint8Array
}

export namespace SkippedKeyPb {
  let _codec: Codec<SkippedKeyPb>

  export const codec = (): Codec<SkippedKeyPb> => {
    if (_codec == null) {
      _codec = message<SkippedKeyPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.ratchetKey != null && obj.ratchetKey.byteLength > 0) {
          w.uint32(10)
          w.bytes(obj.ratchetKey)
        }

        if (obj.counter != null && obj.counter !== 0) {
          w.uint32(16)
          w.uint32(obj.counter)
        }

        if (obj.messageKey != null && obj.messageKey.byteLength > 0) {
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

  export function encode (obj: Partial<SkippedKeyPb>): Uint8Array {
    return encodeMessage(obj, SkippedKeyPb.codec())
  }

  export function decode (buf: Uint8Array, opts?: DecodeOptions<SkippedKeyPb>): SkippedKeyPb {
    return decodeMessage(buf, SkippedKeyPb.codec(), opts)
  }

  export function stream (buf: Uint8Array, opts?: DecodeOptions<SkippedKeyPb>): Generator<{ field: string, value: unknown }> {
    return streamMessage(buf, SkippedKeyPb.codec(), opts)
  }
}

export interface PendingPreKeyPb {
  signedPreKeyId: number
  oneTimePreKeyId?: number
  kemPreKeyId: number
  kemCiphertext: Uint8Array
}

export namespace PendingPreKeyPb {
  let _codec: Codec<PendingPreKeyPb>

  export const codec = (): Codec<PendingPreKeyPb> => {
    if (_codec == null) {
      _codec = message<PendingPreKeyPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.signedPreKeyId != null && obj.signedPreKeyId !== 0) {
          w.uint32(8)
          w.uint32(obj.signedPreKeyId)
        }

        if (obj.oneTimePreKeyId != null) {
          w.uint32(16)
          w.uint32(obj.oneTimePreKeyId)
        }

        if (obj.kemPreKeyId != null && obj.kemPreKeyId !== 0) {
          w.uint32(24)
          w.uint32(obj.kemPreKeyId)
        }

        if (obj.kemCiphertext != null && obj.kemCiphertext.byteLength > 0) {
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

  export function encode (obj: Partial<PendingPreKeyPb>): Uint8Array {
    return encodeMessage(obj, PendingPreKeyPb.codec())
  }

  export function decode (buf: Uint8Array, opts?: DecodeOptions<PendingPreKeyPb>): PendingPreKeyPb {
    return decodeMessage(buf, PendingPreKeyPb.codec(), opts)
  }

  export function stream (buf: Uint8Array, opts?: DecodeOptions<PendingPreKeyPb>): Generator<{ field: string, value: unknown }> {
    return streamMessage(buf, PendingPreKeyPb.codec(), opts)
  }
}

export interface RatchetStatePb {
  version: number
  localIdentityKey: Uint8Array
  remoteIdentityKey: Uint8Array
  rootKey: Uint8Array
  sendingPrivate: Uint8Array
  sendingPublic: Uint8Array
  sendingChainKey: Uint8Array
  sendingCounter: number
  previousCounter: number
  receiverChains: ReceiverChainPb[]
  skipped: SkippedKeyPb[]
  baseKey: Uint8Array
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

        if (obj.version != null && obj.version !== 0) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if (obj.localIdentityKey != null && obj.localIdentityKey.byteLength > 0) {
          w.uint32(18)
          w.bytes(obj.localIdentityKey)
        }

        if (obj.remoteIdentityKey != null && obj.remoteIdentityKey.byteLength > 0) {
          w.uint32(26)
          w.bytes(obj.remoteIdentityKey)
        }

        if (obj.rootKey != null && obj.rootKey.byteLength > 0) {
          w.uint32(34)
          w.bytes(obj.rootKey)
        }

        if (obj.sendingPrivate != null && obj.sendingPrivate.byteLength > 0) {
          w.uint32(42)
          w.bytes(obj.sendingPrivate)
        }

        if (obj.sendingPublic != null && obj.sendingPublic.byteLength > 0) {
          w.uint32(50)
          w.bytes(obj.sendingPublic)
        }

        if (obj.sendingChainKey != null && obj.sendingChainKey.byteLength > 0) {
          w.uint32(58)
          w.bytes(obj.sendingChainKey)
        }

        if (obj.sendingCounter != null && obj.sendingCounter !== 0) {
          w.uint32(64)
          w.uint32(obj.sendingCounter)
        }

        if (obj.previousCounter != null && obj.previousCounter !== 0) {
          w.uint32(72)
          w.uint32(obj.previousCounter)
        }

        if (obj.receiverChains != null) {
          for (const value of obj.receiverChains) {
            w.uint32(82)
            ReceiverChainPb.codec().encode(value, w)
          }
        }

        if (obj.skipped != null) {
          for (const value of obj.skipped) {
            w.uint32(90)
            SkippedKeyPb.codec().encode(value, w)
          }
        }

        if (obj.baseKey != null && obj.baseKey.byteLength > 0) {
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
              yield * ReceiverChainPb.codec().stream(reader, reader.uint32(), `${prefix}.receiverChains[]`, {
                limits: opts.limits?.receiverChains$
              })
              break
            }
            case 11: {
              yield * SkippedKeyPb.codec().stream(reader, reader.uint32(), `${prefix}.skipped[]`, {
                limits: opts.limits?.skipped$
              })
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

  export function encode (obj: Partial<RatchetStatePb>): Uint8Array {
    return encodeMessage(obj, RatchetStatePb.codec())
  }

  export function decode (buf: Uint8Array, opts?: DecodeOptions<RatchetStatePb>): RatchetStatePb {
    return decodeMessage(buf, RatchetStatePb.codec(), opts)
  }

  export function stream (buf: Uint8Array, opts?: DecodeOptions<RatchetStatePb>): Generator<{ field: string, value: unknown }> {
    return streamMessage(buf, RatchetStatePb.codec(), opts)
  }
}

export interface SkippedSenderKeyPb {
  iteration: number
  messageKey: Uint8Array
}

export namespace SkippedSenderKeyPb {
  let _codec: Codec<SkippedSenderKeyPb>

  export const codec = (): Codec<SkippedSenderKeyPb> => {
    if (_codec == null) {
      _codec = message<SkippedSenderKeyPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.iteration != null && obj.iteration !== 0) {
          w.uint32(8)
          w.uint32(obj.iteration)
        }

        if (obj.messageKey != null && obj.messageKey.byteLength > 0) {
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

  export function encode (obj: Partial<SkippedSenderKeyPb>): Uint8Array {
    return encodeMessage(obj, SkippedSenderKeyPb.codec())
  }

  export function decode (buf: Uint8Array, opts?: DecodeOptions<SkippedSenderKeyPb>): SkippedSenderKeyPb {
    return decodeMessage(buf, SkippedSenderKeyPb.codec(), opts)
  }

  export function stream (buf: Uint8Array, opts?: DecodeOptions<SkippedSenderKeyPb>): Generator<{ field: string, value: unknown }> {
    return streamMessage(buf, SkippedSenderKeyPb.codec(), opts)
  }
}

export interface SenderKeyStatePb {
  chainId: number
  iteration: number
  chainKey: Uint8Array
  signingPublic: Uint8Array
  signingPrivate: Uint8Array
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

        if (obj.chainId != null && obj.chainId !== 0) {
          w.uint32(8)
          w.uint32(obj.chainId)
        }

        if (obj.iteration != null && obj.iteration !== 0) {
          w.uint32(16)
          w.uint32(obj.iteration)
        }

        if (obj.chainKey != null && obj.chainKey.byteLength > 0) {
          w.uint32(26)
          w.bytes(obj.chainKey)
        }

        if (obj.signingPublic != null && obj.signingPublic.byteLength > 0) {
          w.uint32(34)
          w.bytes(obj.signingPublic)
        }

        if (obj.signingPrivate != null && obj.signingPrivate.byteLength > 0) {
          w.uint32(42)
          w.bytes(obj.signingPrivate)
        }

        if (obj.skipped != null) {
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
              yield * SkippedSenderKeyPb.codec().stream(reader, reader.uint32(), `${prefix}.skipped[]`, {
                limits: opts.limits?.skipped$
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

  export function encode (obj: Partial<SenderKeyStatePb>): Uint8Array {
    return encodeMessage(obj, SenderKeyStatePb.codec())
  }

  export function decode (buf: Uint8Array, opts?: DecodeOptions<SenderKeyStatePb>): SenderKeyStatePb {
    return decodeMessage(buf, SenderKeyStatePb.codec(), opts)
  }

  export function stream (buf: Uint8Array, opts?: DecodeOptions<SenderKeyStatePb>): Generator<{ field: string, value: unknown }> {
    return streamMessage(buf, SenderKeyStatePb.codec(), opts)
  }
}

export interface SenderKeyRecordPb {
  groupId: Uint8Array
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

        if (obj.groupId != null && obj.groupId.byteLength > 0) {
          w.uint32(10)
          w.bytes(obj.groupId)
        }

        if (obj.states != null) {
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
              yield * SenderKeyStatePb.codec().stream(reader, reader.uint32(), `${prefix}.states[]`, {
                limits: opts.limits?.states$
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

  export function encode (obj: Partial<SenderKeyRecordPb>): Uint8Array {
    return encodeMessage(obj, SenderKeyRecordPb.codec())
  }

  export function decode (buf: Uint8Array, opts?: DecodeOptions<SenderKeyRecordPb>): SenderKeyRecordPb {
    return decodeMessage(buf, SenderKeyRecordPb.codec(), opts)
  }

  export function stream (buf: Uint8Array, opts?: DecodeOptions<SenderKeyRecordPb>): Generator<{ field: string, value: unknown }> {
    return streamMessage(buf, SenderKeyRecordPb.codec(), opts)
  }
}
