import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface IdentityKeyPairPb {
  publicKey: Uint8Array<ArrayBuffer>
  privateKey: Uint8Array<ArrayBuffer>
}

export namespace IdentityKeyPairPb {
  let _codec: Codec<IdentityKeyPairPb>

  export const codec = (): Codec<IdentityKeyPairPb> => {
    if (_codec == null) {
      _codec = message<IdentityKeyPairPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.publicKey)
        }

        if ((obj.privateKey != null && obj.privateKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.privateKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          publicKey: uint8ArrayAlloc(0),
          privateKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.publicKey = reader.bytes()
              break
            }
            case 2: {
              obj.privateKey = reader.bytes()
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
                field: `${prefix}.publicKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.privateKey`,
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

  export interface IdentityKeyPairPbPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface IdentityKeyPairPbPrivateKeyFieldEvent {
    field: '$.privateKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<IdentityKeyPairPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, IdentityKeyPairPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<IdentityKeyPairPb>): IdentityKeyPairPb {
    return decodeMessage(buf, IdentityKeyPairPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<IdentityKeyPairPb>): Generator<IdentityKeyPairPbPublicKeyFieldEvent | IdentityKeyPairPbPrivateKeyFieldEvent> {
    return streamMessage(buf, IdentityKeyPairPb.codec(), opts)
  }
}

export interface DeviceCertificatePb {
  identityKey: Uint8Array<ArrayBuffer>
  devicePeerId: Uint8Array<ArrayBuffer>
  deviceId: number
  createdAt: bigint
}

export namespace DeviceCertificatePb {
  let _codec: Codec<DeviceCertificatePb>

  export const codec = (): Codec<DeviceCertificatePb> => {
    if (_codec == null) {
      _codec = message<DeviceCertificatePb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.identityKey != null && obj.identityKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.identityKey)
        }

        if ((obj.devicePeerId != null && obj.devicePeerId.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.devicePeerId)
        }

        if ((obj.deviceId != null && obj.deviceId !== 0)) {
          w.uint32(24)
          w.uint32(obj.deviceId)
        }

        if ((obj.createdAt != null && obj.createdAt !== 0n)) {
          w.uint32(32)
          w.uint64(obj.createdAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          identityKey: uint8ArrayAlloc(0),
          devicePeerId: uint8ArrayAlloc(0),
          deviceId: 0,
          createdAt: 0n
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
              obj.devicePeerId = reader.bytes()
              break
            }
            case 3: {
              obj.deviceId = reader.uint32()
              break
            }
            case 4: {
              obj.createdAt = reader.uint64()
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
                field: `${prefix}.devicePeerId`,
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
                field: `${prefix}.createdAt`,
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

  export interface DeviceCertificatePbIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeviceCertificatePbDevicePeerIdFieldEvent {
    field: '$.devicePeerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeviceCertificatePbDeviceIdFieldEvent {
    field: '$.deviceId'
    value: number
  }

  export interface DeviceCertificatePbCreatedAtFieldEvent {
    field: '$.createdAt'
    value: bigint
  }

  export function encode (obj: Partial<DeviceCertificatePb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DeviceCertificatePb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DeviceCertificatePb>): DeviceCertificatePb {
    return decodeMessage(buf, DeviceCertificatePb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DeviceCertificatePb>): Generator<DeviceCertificatePbIdentityKeyFieldEvent | DeviceCertificatePbDevicePeerIdFieldEvent | DeviceCertificatePbDeviceIdFieldEvent | DeviceCertificatePbCreatedAtFieldEvent> {
    return streamMessage(buf, DeviceCertificatePb.codec(), opts)
  }
}

export interface SignedDeviceCertificatePb {
  certificate: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedDeviceCertificatePb {
  let _codec: Codec<SignedDeviceCertificatePb>

  export const codec = (): Codec<SignedDeviceCertificatePb> => {
    if (_codec == null) {
      _codec = message<SignedDeviceCertificatePb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.certificate != null && obj.certificate.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.certificate)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          certificate: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
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
                field: `${prefix}.certificate`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
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

  export interface SignedDeviceCertificatePbCertificateFieldEvent {
    field: '$.certificate'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedDeviceCertificatePbSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedDeviceCertificatePb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedDeviceCertificatePb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedDeviceCertificatePb>): SignedDeviceCertificatePb {
    return decodeMessage(buf, SignedDeviceCertificatePb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedDeviceCertificatePb>): Generator<SignedDeviceCertificatePbCertificateFieldEvent | SignedDeviceCertificatePbSignatureFieldEvent> {
    return streamMessage(buf, SignedDeviceCertificatePb.codec(), opts)
  }
}

export interface SignedPreKeyPb {
  id: number
  publicKey: Uint8Array<ArrayBuffer>
  privateKey: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
  createdAt: bigint
}

export namespace SignedPreKeyPb {
  let _codec: Codec<SignedPreKeyPb>

  export const codec = (): Codec<SignedPreKeyPb> => {
    if (_codec == null) {
      _codec = message<SignedPreKeyPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== 0)) {
          w.uint32(8)
          w.uint32(obj.id)
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.publicKey)
        }

        if ((obj.privateKey != null && obj.privateKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.privateKey)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.signature)
        }

        if ((obj.createdAt != null && obj.createdAt !== 0n)) {
          w.uint32(40)
          w.uint64(obj.createdAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0,
          publicKey: uint8ArrayAlloc(0),
          privateKey: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0),
          createdAt: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.uint32()
              break
            }
            case 2: {
              obj.publicKey = reader.bytes()
              break
            }
            case 3: {
              obj.privateKey = reader.bytes()
              break
            }
            case 4: {
              obj.signature = reader.bytes()
              break
            }
            case 5: {
              obj.createdAt = reader.uint64()
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
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.publicKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.privateKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.createdAt`,
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

  export interface SignedPreKeyPbIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface SignedPreKeyPbPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedPreKeyPbPrivateKeyFieldEvent {
    field: '$.privateKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedPreKeyPbSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedPreKeyPbCreatedAtFieldEvent {
    field: '$.createdAt'
    value: bigint
  }

  export function encode (obj: Partial<SignedPreKeyPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedPreKeyPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedPreKeyPb>): SignedPreKeyPb {
    return decodeMessage(buf, SignedPreKeyPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedPreKeyPb>): Generator<SignedPreKeyPbIdFieldEvent | SignedPreKeyPbPublicKeyFieldEvent | SignedPreKeyPbPrivateKeyFieldEvent | SignedPreKeyPbSignatureFieldEvent | SignedPreKeyPbCreatedAtFieldEvent> {
    return streamMessage(buf, SignedPreKeyPb.codec(), opts)
  }
}

export interface KemPreKeyPb {
  id: number
  publicKey: Uint8Array<ArrayBuffer>
  secretKey: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
  createdAt: bigint
  lastResort: boolean
}

export namespace KemPreKeyPb {
  let _codec: Codec<KemPreKeyPb>

  export const codec = (): Codec<KemPreKeyPb> => {
    if (_codec == null) {
      _codec = message<KemPreKeyPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== 0)) {
          w.uint32(8)
          w.uint32(obj.id)
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.publicKey)
        }

        if ((obj.secretKey != null && obj.secretKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.secretKey)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.signature)
        }

        if ((obj.createdAt != null && obj.createdAt !== 0n)) {
          w.uint32(40)
          w.uint64(obj.createdAt)
        }

        if ((obj.lastResort != null && obj.lastResort !== false)) {
          w.uint32(48)
          w.bool(obj.lastResort)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0,
          publicKey: uint8ArrayAlloc(0),
          secretKey: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0),
          createdAt: 0n,
          lastResort: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.uint32()
              break
            }
            case 2: {
              obj.publicKey = reader.bytes()
              break
            }
            case 3: {
              obj.secretKey = reader.bytes()
              break
            }
            case 4: {
              obj.signature = reader.bytes()
              break
            }
            case 5: {
              obj.createdAt = reader.uint64()
              break
            }
            case 6: {
              obj.lastResort = reader.bool()
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
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.publicKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.secretKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.createdAt`,
                value: reader.uint64()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.lastResort`,
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

  export interface KemPreKeyPbIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface KemPreKeyPbPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface KemPreKeyPbSecretKeyFieldEvent {
    field: '$.secretKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface KemPreKeyPbSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface KemPreKeyPbCreatedAtFieldEvent {
    field: '$.createdAt'
    value: bigint
  }

  export interface KemPreKeyPbLastResortFieldEvent {
    field: '$.lastResort'
    value: boolean
  }

  export function encode (obj: Partial<KemPreKeyPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, KemPreKeyPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KemPreKeyPb>): KemPreKeyPb {
    return decodeMessage(buf, KemPreKeyPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KemPreKeyPb>): Generator<KemPreKeyPbIdFieldEvent | KemPreKeyPbPublicKeyFieldEvent | KemPreKeyPbSecretKeyFieldEvent | KemPreKeyPbSignatureFieldEvent | KemPreKeyPbCreatedAtFieldEvent | KemPreKeyPbLastResortFieldEvent> {
    return streamMessage(buf, KemPreKeyPb.codec(), opts)
  }
}

export interface OneTimePreKeyPb {
  id: number
  publicKey: Uint8Array<ArrayBuffer>
  privateKey: Uint8Array<ArrayBuffer>
}

export namespace OneTimePreKeyPb {
  let _codec: Codec<OneTimePreKeyPb>

  export const codec = (): Codec<OneTimePreKeyPb> => {
    if (_codec == null) {
      _codec = message<OneTimePreKeyPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== 0)) {
          w.uint32(8)
          w.uint32(obj.id)
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.publicKey)
        }

        if ((obj.privateKey != null && obj.privateKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.privateKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0,
          publicKey: uint8ArrayAlloc(0),
          privateKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.uint32()
              break
            }
            case 2: {
              obj.publicKey = reader.bytes()
              break
            }
            case 3: {
              obj.privateKey = reader.bytes()
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
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.publicKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.privateKey`,
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

  export interface OneTimePreKeyPbIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface OneTimePreKeyPbPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface OneTimePreKeyPbPrivateKeyFieldEvent {
    field: '$.privateKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<OneTimePreKeyPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, OneTimePreKeyPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OneTimePreKeyPb>): OneTimePreKeyPb {
    return decodeMessage(buf, OneTimePreKeyPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OneTimePreKeyPb>): Generator<OneTimePreKeyPbIdFieldEvent | OneTimePreKeyPbPublicKeyFieldEvent | OneTimePreKeyPbPrivateKeyFieldEvent> {
    return streamMessage(buf, OneTimePreKeyPb.codec(), opts)
  }
}

export interface PreKeyBundlePb {
  identityKey: Uint8Array<ArrayBuffer>
  deviceId: number
  signedPreKeyId: number
  signedPreKey: Uint8Array<ArrayBuffer>
  signedPreKeySignature: Uint8Array<ArrayBuffer>
  kemPreKeyId: number
  kemPreKey: Uint8Array<ArrayBuffer>
  kemPreKeySignature: Uint8Array<ArrayBuffer>
  kemPreKeyLastResort: boolean
  oneTimePreKeyId?: number
  oneTimePreKey?: Uint8Array<ArrayBuffer>
}

export namespace PreKeyBundlePb {
  let _codec: Codec<PreKeyBundlePb>

  export const codec = (): Codec<PreKeyBundlePb> => {
    if (_codec == null) {
      _codec = message<PreKeyBundlePb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.identityKey != null && obj.identityKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.identityKey)
        }

        if ((obj.deviceId != null && obj.deviceId !== 0)) {
          w.uint32(16)
          w.uint32(obj.deviceId)
        }

        if ((obj.signedPreKeyId != null && obj.signedPreKeyId !== 0)) {
          w.uint32(24)
          w.uint32(obj.signedPreKeyId)
        }

        if ((obj.signedPreKey != null && obj.signedPreKey.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.signedPreKey)
        }

        if ((obj.signedPreKeySignature != null && obj.signedPreKeySignature.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.signedPreKeySignature)
        }

        if ((obj.kemPreKeyId != null && obj.kemPreKeyId !== 0)) {
          w.uint32(48)
          w.uint32(obj.kemPreKeyId)
        }

        if ((obj.kemPreKey != null && obj.kemPreKey.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.kemPreKey)
        }

        if ((obj.kemPreKeySignature != null && obj.kemPreKeySignature.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.kemPreKeySignature)
        }

        if ((obj.kemPreKeyLastResort != null && obj.kemPreKeyLastResort !== false)) {
          w.uint32(72)
          w.bool(obj.kemPreKeyLastResort)
        }

        if (obj.oneTimePreKeyId != null) {
          w.uint32(80)
          w.uint32(obj.oneTimePreKeyId)
        }

        if (obj.oneTimePreKey != null) {
          w.uint32(90)
          w.bytes(obj.oneTimePreKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          identityKey: uint8ArrayAlloc(0),
          deviceId: 0,
          signedPreKeyId: 0,
          signedPreKey: uint8ArrayAlloc(0),
          signedPreKeySignature: uint8ArrayAlloc(0),
          kemPreKeyId: 0,
          kemPreKey: uint8ArrayAlloc(0),
          kemPreKeySignature: uint8ArrayAlloc(0),
          kemPreKeyLastResort: false
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
              obj.deviceId = reader.uint32()
              break
            }
            case 3: {
              obj.signedPreKeyId = reader.uint32()
              break
            }
            case 4: {
              obj.signedPreKey = reader.bytes()
              break
            }
            case 5: {
              obj.signedPreKeySignature = reader.bytes()
              break
            }
            case 6: {
              obj.kemPreKeyId = reader.uint32()
              break
            }
            case 7: {
              obj.kemPreKey = reader.bytes()
              break
            }
            case 8: {
              obj.kemPreKeySignature = reader.bytes()
              break
            }
            case 9: {
              obj.kemPreKeyLastResort = reader.bool()
              break
            }
            case 10: {
              obj.oneTimePreKeyId = reader.uint32()
              break
            }
            case 11: {
              obj.oneTimePreKey = reader.bytes()
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
                field: `${prefix}.deviceId`,
                value: reader.uint32()
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
                field: `${prefix}.signedPreKey`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.signedPreKeySignature`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.kemPreKeyId`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.kemPreKey`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.kemPreKeySignature`,
                value: reader.bytes()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.kemPreKeyLastResort`,
                value: reader.bool()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.oneTimePreKeyId`,
                value: reader.uint32()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.oneTimePreKey`,
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

  export interface PreKeyBundlePbIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyBundlePbDeviceIdFieldEvent {
    field: '$.deviceId'
    value: number
  }

  export interface PreKeyBundlePbSignedPreKeyIdFieldEvent {
    field: '$.signedPreKeyId'
    value: number
  }

  export interface PreKeyBundlePbSignedPreKeyFieldEvent {
    field: '$.signedPreKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyBundlePbSignedPreKeySignatureFieldEvent {
    field: '$.signedPreKeySignature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyBundlePbKemPreKeyIdFieldEvent {
    field: '$.kemPreKeyId'
    value: number
  }

  export interface PreKeyBundlePbKemPreKeyFieldEvent {
    field: '$.kemPreKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyBundlePbKemPreKeySignatureFieldEvent {
    field: '$.kemPreKeySignature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyBundlePbKemPreKeyLastResortFieldEvent {
    field: '$.kemPreKeyLastResort'
    value: boolean
  }

  export interface PreKeyBundlePbOneTimePreKeyIdFieldEvent {
    field: '$.oneTimePreKeyId'
    value: number
  }

  export interface PreKeyBundlePbOneTimePreKeyFieldEvent {
    field: '$.oneTimePreKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<PreKeyBundlePb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PreKeyBundlePb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PreKeyBundlePb>): PreKeyBundlePb {
    return decodeMessage(buf, PreKeyBundlePb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PreKeyBundlePb>): Generator<PreKeyBundlePbIdentityKeyFieldEvent | PreKeyBundlePbDeviceIdFieldEvent | PreKeyBundlePbSignedPreKeyIdFieldEvent | PreKeyBundlePbSignedPreKeyFieldEvent | PreKeyBundlePbSignedPreKeySignatureFieldEvent | PreKeyBundlePbKemPreKeyIdFieldEvent | PreKeyBundlePbKemPreKeyFieldEvent | PreKeyBundlePbKemPreKeySignatureFieldEvent | PreKeyBundlePbKemPreKeyLastResortFieldEvent | PreKeyBundlePbOneTimePreKeyIdFieldEvent | PreKeyBundlePbOneTimePreKeyFieldEvent> {
    return streamMessage(buf, PreKeyBundlePb.codec(), opts)
  }
}
