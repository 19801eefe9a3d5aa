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

export interface PreKeyMessagePb {
  identityKey: Uint8Array
  baseKey: Uint8Array
  signedPreKeyId: number
  oneTimePreKeyId?: number
  kemPreKeyId: number
  kemCiphertext: Uint8Array
  message: Uint8Array
}

export namespace PreKeyMessagePb {
  let _codec: Codec<PreKeyMessagePb>

  export const codec = (): Codec<PreKeyMessagePb> => {
    if (_codec == null) {
      _codec = message<PreKeyMessagePb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.identityKey != null && obj.identityKey.byteLength > 0) {
          w.uint32(10)
          w.bytes(obj.identityKey)
        }

        if (obj.baseKey != null && obj.baseKey.byteLength > 0) {
          w.uint32(18)
          w.bytes(obj.baseKey)
        }

        if (obj.signedPreKeyId != null && obj.signedPreKeyId !== 0) {
          w.uint32(24)
          w.uint32(obj.signedPreKeyId)
        }

        if (obj.oneTimePreKeyId != null) {
          w.uint32(32)
          w.uint32(obj.oneTimePreKeyId)
        }

        if (obj.kemPreKeyId != null && obj.kemPreKeyId !== 0) {
          w.uint32(40)
          w.uint32(obj.kemPreKeyId)
        }

        if (obj.kemCiphertext != null && obj.kemCiphertext.byteLength > 0) {
          w.uint32(50)
          w.bytes(obj.kemCiphertext)
        }

        if (obj.message != null && obj.message.byteLength > 0) {
          w.uint32(58)
          w.bytes(obj.message)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          identityKey: uint8ArrayAlloc(0),
          baseKey: uint8ArrayAlloc(0),
          signedPreKeyId: 0,
          kemPreKeyId: 0,
          kemCiphertext: uint8ArrayAlloc(0),
          message: uint8ArrayAlloc(0)
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
              obj.baseKey = reader.bytes()
              break
            }
            case 3: {
              obj.signedPreKeyId = reader.uint32()
              break
            }
            case 4: {
              obj.oneTimePreKeyId = reader.uint32()
              break
            }
            case 5: {
              obj.kemPreKeyId = reader.uint32()
              break
            }
            case 6: {
              obj.kemCiphertext = reader.bytes()
              break
            }
            case 7: {
              obj.message = reader.bytes()
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
                field: `${prefix}.identityKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.baseKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.signedPreKeyId`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.oneTimePreKeyId`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.kemPreKeyId`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.kemCiphertext`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.message`,
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

  export function encode (obj: Partial<PreKeyMessagePb>): Uint8Array {
    return encodeMessage(obj, PreKeyMessagePb.codec())
  }

  export function decode (buf: Uint8Array, opts?: DecodeOptions<PreKeyMessagePb>): PreKeyMessagePb {
    return decodeMessage(buf, PreKeyMessagePb.codec(), opts)
  }

  export function stream (buf: Uint8Array, opts?: DecodeOptions<PreKeyMessagePb>): Generator<{ field: string, value: unknown }> {
    return streamMessage(buf, PreKeyMessagePb.codec(), opts)
  }
}

export interface SenderKeyDistributionPb {
  groupId: Uint8Array
  chainId: number
  iteration: number
  chainKey: Uint8Array
  signingKey: Uint8Array
}

export namespace SenderKeyDistributionPb {
  let _codec: Codec<SenderKeyDistributionPb>

  export const codec = (): Codec<SenderKeyDistributionPb> => {
    if (_codec == null) {
      _codec = message<SenderKeyDistributionPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.groupId != null && obj.groupId.byteLength > 0) {
          w.uint32(10)
          w.bytes(obj.groupId)
        }

        if (obj.chainId != null && obj.chainId !== 0) {
          w.uint32(16)
          w.uint32(obj.chainId)
        }

        if (obj.iteration != null && obj.iteration !== 0) {
          w.uint32(24)
          w.uint32(obj.iteration)
        }

        if (obj.chainKey != null && obj.chainKey.byteLength > 0) {
          w.uint32(34)
          w.bytes(obj.chainKey)
        }

        if (obj.signingKey != null && obj.signingKey.byteLength > 0) {
          w.uint32(42)
          w.bytes(obj.signingKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          groupId: uint8ArrayAlloc(0),
          chainId: 0,
          iteration: 0,
          chainKey: uint8ArrayAlloc(0),
          signingKey: uint8ArrayAlloc(0)
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
              obj.chainId = reader.uint32()
              break
            }
            case 3: {
              obj.iteration = reader.uint32()
              break
            }
            case 4: {
              obj.chainKey = reader.bytes()
              break
            }
            case 5: {
              obj.signingKey = reader.bytes()
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
              yield {
                field: `${prefix}.chainId`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.iteration`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.chainKey`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.signingKey`,
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

  export function encode (obj: Partial<SenderKeyDistributionPb>): Uint8Array {
    return encodeMessage(obj, SenderKeyDistributionPb.codec())
  }

  export function decode (buf: Uint8Array, opts?: DecodeOptions<SenderKeyDistributionPb>): SenderKeyDistributionPb {
    return decodeMessage(buf, SenderKeyDistributionPb.codec(), opts)
  }

  export function stream (buf: Uint8Array, opts?: DecodeOptions<SenderKeyDistributionPb>): Generator<{ field: string, value: unknown }> {
    return streamMessage(buf, SenderKeyDistributionPb.codec(), opts)
  }
}

export interface SenderKeyMessageBodyPb {
  chainId: number
  iteration: number
  ciphertext: Uint8Array
}

export namespace SenderKeyMessageBodyPb {
  let _codec: Codec<SenderKeyMessageBodyPb>

  export const codec = (): Codec<SenderKeyMessageBodyPb> => {
    if (_codec == null) {
      _codec = message<SenderKeyMessageBodyPb>((obj, w, opts = {}) => {
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

        if (obj.ciphertext != null && obj.ciphertext.byteLength > 0) {
          w.uint32(26)
          w.bytes(obj.ciphertext)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          chainId: 0,
          iteration: 0,
          ciphertext: uint8ArrayAlloc(0)
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

  export function encode (obj: Partial<SenderKeyMessageBodyPb>): Uint8Array {
    return encodeMessage(obj, SenderKeyMessageBodyPb.codec())
  }

  export function decode (buf: Uint8Array, opts?: DecodeOptions<SenderKeyMessageBodyPb>): SenderKeyMessageBodyPb {
    return decodeMessage(buf, SenderKeyMessageBodyPb.codec(), opts)
  }

  export function stream (buf: Uint8Array, opts?: DecodeOptions<SenderKeyMessageBodyPb>): Generator<{ field: string, value: unknown }> {
    return streamMessage(buf, SenderKeyMessageBodyPb.codec(), opts)
  }
}

export interface SealedContentPb {
  certificate: Uint8Array
  contentType: number
  content: Uint8Array
}

export namespace SealedContentPb {
  let _codec: Codec<SealedContentPb>

  export const codec = (): Codec<SealedContentPb> => {
    if (_codec == null) {
      _codec = message<SealedContentPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.certificate != null && obj.certificate.byteLength > 0) {
          w.uint32(10)
          w.bytes(obj.certificate)
        }

        if (obj.contentType != null && obj.contentType !== 0) {
          w.uint32(16)
          w.uint32(obj.contentType)
        }

        if (obj.content != null && obj.content.byteLength > 0) {
          w.uint32(26)
          w.bytes(obj.content)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          certificate: uint8ArrayAlloc(0),
          contentType: 0,
          content: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.certificate = reader.bytes()
              break
            }
            case 2: {
              obj.contentType = reader.uint32()
              break
            }
            case 3: {
              obj.content = reader.bytes()
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
                field: `${prefix}.certificate`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.contentType`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.content`,
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

  export function encode (obj: Partial<SealedContentPb>): Uint8Array {
    return encodeMessage(obj, SealedContentPb.codec())
  }

  export function decode (buf: Uint8Array, opts?: DecodeOptions<SealedContentPb>): SealedContentPb {
    return decodeMessage(buf, SealedContentPb.codec(), opts)
  }

  export function stream (buf: Uint8Array, opts?: DecodeOptions<SealedContentPb>): Generator<{ field: string, value: unknown }> {
    return streamMessage(buf, SealedContentPb.codec(), opts)
  }
}

export interface SafetyNumberQrPb {
  version: number
  localFingerprint: Uint8Array
  remoteFingerprint: Uint8Array
}

export namespace SafetyNumberQrPb {
  let _codec: Codec<SafetyNumberQrPb>

  export const codec = (): Codec<SafetyNumberQrPb> => {
    if (_codec == null) {
      _codec = message<SafetyNumberQrPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.version != null && obj.version !== 0) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if (obj.localFingerprint != null && obj.localFingerprint.byteLength > 0) {
          w.uint32(18)
          w.bytes(obj.localFingerprint)
        }

        if (obj.remoteFingerprint != null && obj.remoteFingerprint.byteLength > 0) {
          w.uint32(26)
          w.bytes(obj.remoteFingerprint)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          localFingerprint: uint8ArrayAlloc(0),
          remoteFingerprint: uint8ArrayAlloc(0)
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
              obj.localFingerprint = reader.bytes()
              break
            }
            case 3: {
              obj.remoteFingerprint = reader.bytes()
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
                field: `${prefix}.localFingerprint`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.remoteFingerprint`,
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

  export function encode (obj: Partial<SafetyNumberQrPb>): Uint8Array {
    return encodeMessage(obj, SafetyNumberQrPb.codec())
  }

  export function decode (buf: Uint8Array, opts?: DecodeOptions<SafetyNumberQrPb>): SafetyNumberQrPb {
    return decodeMessage(buf, SafetyNumberQrPb.codec(), opts)
  }

  export function stream (buf: Uint8Array, opts?: DecodeOptions<SafetyNumberQrPb>): Generator<{ field: string, value: unknown }> {
    return streamMessage(buf, SafetyNumberQrPb.codec(), opts)
  }
}
