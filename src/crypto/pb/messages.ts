import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface PreKeyMessagePb {
  identityKey: Uint8Array<ArrayBuffer>
  baseKey: Uint8Array<ArrayBuffer>
  signedPreKeyId: number
  oneTimePreKeyId?: number
  kemPreKeyId: number
  kemCiphertext: Uint8Array<ArrayBuffer>
  message: Uint8Array<ArrayBuffer>
}

export namespace PreKeyMessagePb {
  let _codec: Codec<PreKeyMessagePb>

  export const codec = (): Codec<PreKeyMessagePb> => {
    if (_codec == null) {
      _codec = message<PreKeyMessagePb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.identityKey != null && obj.identityKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.identityKey)
        }

        if ((obj.baseKey != null && obj.baseKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.baseKey)
        }

        if ((obj.signedPreKeyId != null && obj.signedPreKeyId !== 0)) {
          w.uint32(24)
          w.uint32(obj.signedPreKeyId)
        }

        if (obj.oneTimePreKeyId != null) {
          w.uint32(32)
          w.uint32(obj.oneTimePreKeyId)
        }

        if ((obj.kemPreKeyId != null && obj.kemPreKeyId !== 0)) {
          w.uint32(40)
          w.uint32(obj.kemPreKeyId)
        }

        if ((obj.kemCiphertext != null && obj.kemCiphertext.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.kemCiphertext)
        }

        if ((obj.message != null && obj.message.byteLength > 0)) {
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

  export interface PreKeyMessagePbIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyMessagePbBaseKeyFieldEvent {
    field: '$.baseKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyMessagePbSignedPreKeyIdFieldEvent {
    field: '$.signedPreKeyId'
    value: number
  }

  export interface PreKeyMessagePbOneTimePreKeyIdFieldEvent {
    field: '$.oneTimePreKeyId'
    value: number
  }

  export interface PreKeyMessagePbKemPreKeyIdFieldEvent {
    field: '$.kemPreKeyId'
    value: number
  }

  export interface PreKeyMessagePbKemCiphertextFieldEvent {
    field: '$.kemCiphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyMessagePbMessageFieldEvent {
    field: '$.message'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<PreKeyMessagePb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PreKeyMessagePb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PreKeyMessagePb>): PreKeyMessagePb {
    return decodeMessage(buf, PreKeyMessagePb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PreKeyMessagePb>): Generator<PreKeyMessagePbIdentityKeyFieldEvent | PreKeyMessagePbBaseKeyFieldEvent | PreKeyMessagePbSignedPreKeyIdFieldEvent | PreKeyMessagePbOneTimePreKeyIdFieldEvent | PreKeyMessagePbKemPreKeyIdFieldEvent | PreKeyMessagePbKemCiphertextFieldEvent | PreKeyMessagePbMessageFieldEvent> {
    return streamMessage(buf, PreKeyMessagePb.codec(), opts)
  }
}

export interface SenderKeyDistributionPb {
  groupId: Uint8Array<ArrayBuffer>
  chainId: number
  iteration: number
  chainKey: Uint8Array<ArrayBuffer>
  signingKey: Uint8Array<ArrayBuffer>
}

export namespace SenderKeyDistributionPb {
  let _codec: Codec<SenderKeyDistributionPb>

  export const codec = (): Codec<SenderKeyDistributionPb> => {
    if (_codec == null) {
      _codec = message<SenderKeyDistributionPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.groupId != null && obj.groupId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.groupId)
        }

        if ((obj.chainId != null && obj.chainId !== 0)) {
          w.uint32(16)
          w.uint32(obj.chainId)
        }

        if ((obj.iteration != null && obj.iteration !== 0)) {
          w.uint32(24)
          w.uint32(obj.iteration)
        }

        if ((obj.chainKey != null && obj.chainKey.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.chainKey)
        }

        if ((obj.signingKey != null && obj.signingKey.byteLength > 0)) {
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

  export interface SenderKeyDistributionPbGroupIdFieldEvent {
    field: '$.groupId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeyDistributionPbChainIdFieldEvent {
    field: '$.chainId'
    value: number
  }

  export interface SenderKeyDistributionPbIterationFieldEvent {
    field: '$.iteration'
    value: number
  }

  export interface SenderKeyDistributionPbChainKeyFieldEvent {
    field: '$.chainKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeyDistributionPbSigningKeyFieldEvent {
    field: '$.signingKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SenderKeyDistributionPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SenderKeyDistributionPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeyDistributionPb>): SenderKeyDistributionPb {
    return decodeMessage(buf, SenderKeyDistributionPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeyDistributionPb>): Generator<SenderKeyDistributionPbGroupIdFieldEvent | SenderKeyDistributionPbChainIdFieldEvent | SenderKeyDistributionPbIterationFieldEvent | SenderKeyDistributionPbChainKeyFieldEvent | SenderKeyDistributionPbSigningKeyFieldEvent> {
    return streamMessage(buf, SenderKeyDistributionPb.codec(), opts)
  }
}

export interface SenderKeyMessageBodyPb {
  chainId: number
  iteration: number
  ciphertext: Uint8Array<ArrayBuffer>
}

export namespace SenderKeyMessageBodyPb {
  let _codec: Codec<SenderKeyMessageBodyPb>

  export const codec = (): Codec<SenderKeyMessageBodyPb> => {
    if (_codec == null) {
      _codec = message<SenderKeyMessageBodyPb>((obj, w, opts = {}) => {
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

        if ((obj.ciphertext != null && obj.ciphertext.byteLength > 0)) {
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

  export interface SenderKeyMessageBodyPbChainIdFieldEvent {
    field: '$.chainId'
    value: number
  }

  export interface SenderKeyMessageBodyPbIterationFieldEvent {
    field: '$.iteration'
    value: number
  }

  export interface SenderKeyMessageBodyPbCiphertextFieldEvent {
    field: '$.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SenderKeyMessageBodyPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SenderKeyMessageBodyPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeyMessageBodyPb>): SenderKeyMessageBodyPb {
    return decodeMessage(buf, SenderKeyMessageBodyPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeyMessageBodyPb>): Generator<SenderKeyMessageBodyPbChainIdFieldEvent | SenderKeyMessageBodyPbIterationFieldEvent | SenderKeyMessageBodyPbCiphertextFieldEvent> {
    return streamMessage(buf, SenderKeyMessageBodyPb.codec(), opts)
  }
}

export interface SealedContentPb {
  certificate: Uint8Array<ArrayBuffer>
  contentType: number
  content: Uint8Array<ArrayBuffer>
}

export namespace SealedContentPb {
  let _codec: Codec<SealedContentPb>

  export const codec = (): Codec<SealedContentPb> => {
    if (_codec == null) {
      _codec = message<SealedContentPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.certificate != null && obj.certificate.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.certificate)
        }

        if ((obj.contentType != null && obj.contentType !== 0)) {
          w.uint32(16)
          w.uint32(obj.contentType)
        }

        if ((obj.content != null && obj.content.byteLength > 0)) {
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

  export interface SealedContentPbCertificateFieldEvent {
    field: '$.certificate'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SealedContentPbContentTypeFieldEvent {
    field: '$.contentType'
    value: number
  }

  export interface SealedContentPbContentFieldEvent {
    field: '$.content'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SealedContentPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SealedContentPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SealedContentPb>): SealedContentPb {
    return decodeMessage(buf, SealedContentPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SealedContentPb>): Generator<SealedContentPbCertificateFieldEvent | SealedContentPbContentTypeFieldEvent | SealedContentPbContentFieldEvent> {
    return streamMessage(buf, SealedContentPb.codec(), opts)
  }
}

export interface SafetyNumberQrPb {
  version: number
  localFingerprint: Uint8Array<ArrayBuffer>
  remoteFingerprint: Uint8Array<ArrayBuffer>
}

export namespace SafetyNumberQrPb {
  let _codec: Codec<SafetyNumberQrPb>

  export const codec = (): Codec<SafetyNumberQrPb> => {
    if (_codec == null) {
      _codec = message<SafetyNumberQrPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.localFingerprint != null && obj.localFingerprint.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.localFingerprint)
        }

        if ((obj.remoteFingerprint != null && obj.remoteFingerprint.byteLength > 0)) {
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

  export interface SafetyNumberQrPbVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface SafetyNumberQrPbLocalFingerprintFieldEvent {
    field: '$.localFingerprint'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SafetyNumberQrPbRemoteFingerprintFieldEvent {
    field: '$.remoteFingerprint'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SafetyNumberQrPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SafetyNumberQrPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SafetyNumberQrPb>): SafetyNumberQrPb {
    return decodeMessage(buf, SafetyNumberQrPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SafetyNumberQrPb>): Generator<SafetyNumberQrPbVersionFieldEvent | SafetyNumberQrPbLocalFingerprintFieldEvent | SafetyNumberQrPbRemoteFingerprintFieldEvent> {
    return streamMessage(buf, SafetyNumberQrPb.codec(), opts)
  }
}
