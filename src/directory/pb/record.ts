import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface DirectoryDevicePb {
  deviceId: number
  peerId: string
  certificate: Uint8Array<ArrayBuffer>
  prekeyBundle: Uint8Array<ArrayBuffer>
}

export namespace DirectoryDevicePb {
  let _codec: Codec<DirectoryDevicePb>

  export const codec = (): Codec<DirectoryDevicePb> => {
    if (_codec == null) {
      _codec = message<DirectoryDevicePb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.deviceId != null && obj.deviceId !== 0)) {
          w.uint32(8)
          w.uint32(obj.deviceId)
        }

        if ((obj.peerId != null && obj.peerId !== '')) {
          w.uint32(18)
          w.string(obj.peerId)
        }

        if ((obj.certificate != null && obj.certificate.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.certificate)
        }

        if ((obj.prekeyBundle != null && obj.prekeyBundle.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.prekeyBundle)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          deviceId: 0,
          peerId: '',
          certificate: uint8ArrayAlloc(0),
          prekeyBundle: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.deviceId = reader.uint32()
              break
            }
            case 2: {
              obj.peerId = reader.string()
              break
            }
            case 3: {
              obj.certificate = reader.bytes()
              break
            }
            case 4: {
              obj.prekeyBundle = reader.bytes()
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
                field: `${prefix}.deviceId`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.certificate`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.prekeyBundle`,
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

  export interface DirectoryDevicePbDeviceIdFieldEvent {
    field: '$.deviceId'
    value: number
  }

  export interface DirectoryDevicePbPeerIdFieldEvent {
    field: '$.peerId'
    value: string
  }

  export interface DirectoryDevicePbCertificateFieldEvent {
    field: '$.certificate'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DirectoryDevicePbPrekeyBundleFieldEvent {
    field: '$.prekeyBundle'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<DirectoryDevicePb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DirectoryDevicePb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DirectoryDevicePb>): DirectoryDevicePb {
    return decodeMessage(buf, DirectoryDevicePb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DirectoryDevicePb>): Generator<DirectoryDevicePbDeviceIdFieldEvent | DirectoryDevicePbPeerIdFieldEvent | DirectoryDevicePbCertificateFieldEvent | DirectoryDevicePbPrekeyBundleFieldEvent> {
    return streamMessage(buf, DirectoryDevicePb.codec(), opts)
  }
}

export interface DirectoryRecordPb {
  identityKey: Uint8Array<ArrayBuffer>
  devices: DirectoryDevicePb[]
  mailboxRelays: string[]
  seq: bigint
  issuedAt: bigint
  expiresAt: bigint
  removedDevices: number[]
}

export namespace DirectoryRecordPb {
  let _codec: Codec<DirectoryRecordPb>

  export const codec = (): Codec<DirectoryRecordPb> => {
    if (_codec == null) {
      _codec = message<DirectoryRecordPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.identityKey != null && obj.identityKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.identityKey)
        }

        if (obj.devices != null && obj.devices.length > 0) {
          for (const value of obj.devices) {
            w.uint32(18)
            DirectoryDevicePb.codec().encode(value, w)
          }
        }

        if (obj.mailboxRelays != null && obj.mailboxRelays.length > 0) {
          for (const value of obj.mailboxRelays) {
            w.uint32(26)
            w.string(value)
          }
        }

        if ((obj.seq != null && obj.seq !== 0n)) {
          w.uint32(40)
          w.uint64(obj.seq)
        }

        if ((obj.issuedAt != null && obj.issuedAt !== 0n)) {
          w.uint32(48)
          w.uint64(obj.issuedAt)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0n)) {
          w.uint32(56)
          w.uint64(obj.expiresAt)
        }

        if (obj.removedDevices != null && obj.removedDevices.length > 0) {
          for (const value of obj.removedDevices) {
            w.uint32(64)
            w.uint32(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          identityKey: uint8ArrayAlloc(0),
          devices: [],
          mailboxRelays: [],
          seq: 0n,
          issuedAt: 0n,
          expiresAt: 0n,
          removedDevices: []
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
              if (opts.limits?.devices != null && obj.devices.length === opts.limits.devices) {
                throw new MaxLengthError('Decode error - repeated field "devices" had too many elements')
              }

              obj.devices.push(DirectoryDevicePb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.devices$
              }))
              break
            }
            case 3: {
              if (opts.limits?.mailboxRelays != null && obj.mailboxRelays.length === opts.limits.mailboxRelays) {
                throw new MaxLengthError('Decode error - repeated field "mailboxRelays" had too many elements')
              }

              obj.mailboxRelays.push(reader.string())
              break
            }
            case 5: {
              obj.seq = reader.uint64()
              break
            }
            case 6: {
              obj.issuedAt = reader.uint64()
              break
            }
            case 7: {
              obj.expiresAt = reader.uint64()
              break
            }
            case 8: {
              if (opts.limits?.removedDevices != null && obj.removedDevices.length === opts.limits.removedDevices) {
                throw new MaxLengthError('Decode error - repeated field "removedDevices" had too many elements')
              }

              obj.removedDevices.push(reader.uint32())
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
          devices: 0,
          mailboxRelays: 0,
          removedDevices: 0
        }

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
              if (opts.limits?.devices != null && obj.devices === opts.limits.devices) {
                throw new MaxLengthError('Streaming decode error - repeated field "devices" had too many elements')
              }

              for (const evt of DirectoryDevicePb.codec().stream(reader, reader.uint32(), `${prefix}.devices[]`, {
                limits: opts.limits?.devices$
              })) {
                yield {
                  ...evt,
                  index: obj.devices
                }
              }

              obj.devices++

              break
            }
            case 3: {
              if (opts.limits?.mailboxRelays != null && obj.mailboxRelays === opts.limits.mailboxRelays) {
                throw new MaxLengthError('Streaming decode error - repeated field "mailboxRelays" had too many elements')
              }

              yield {
                field: `${prefix}.mailboxRelays[]`,
                index: obj.mailboxRelays,
                value: reader.string()
              }

              obj.mailboxRelays++

              break
            }
            case 5: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.issuedAt`,
                value: reader.uint64()
              }
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
              if (opts.limits?.removedDevices != null && obj.removedDevices === opts.limits.removedDevices) {
                throw new MaxLengthError('Streaming decode error - repeated field "removedDevices" had too many elements')
              }

              yield {
                field: `${prefix}.removedDevices[]`,
                index: obj.removedDevices,
                value: reader.uint32()
              }

              obj.removedDevices++

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

  export interface DirectoryRecordPbIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DirectoryRecordPbDevicesDeviceIdFieldEvent {
    field: '$.devices[].deviceId'
    value: number
    index: number
  }

  export interface DirectoryRecordPbDevicesPeerIdFieldEvent {
    field: '$.devices[].peerId'
    value: string
    index: number
  }

  export interface DirectoryRecordPbDevicesCertificateFieldEvent {
    field: '$.devices[].certificate'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface DirectoryRecordPbDevicesPrekeyBundleFieldEvent {
    field: '$.devices[].prekeyBundle'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface DirectoryRecordPbMailboxRelaysFieldEvent {
    field: '$.mailboxRelays[]'
    index: number
    value: string
  }

  export interface DirectoryRecordPbSeqFieldEvent {
    field: '$.seq'
    value: bigint
  }

  export interface DirectoryRecordPbIssuedAtFieldEvent {
    field: '$.issuedAt'
    value: bigint
  }

  export interface DirectoryRecordPbExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: bigint
  }

  export interface DirectoryRecordPbRemovedDevicesFieldEvent {
    field: '$.removedDevices[]'
    index: number
    value: number
  }

  export function encode (obj: Partial<DirectoryRecordPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DirectoryRecordPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DirectoryRecordPb>): DirectoryRecordPb {
    return decodeMessage(buf, DirectoryRecordPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DirectoryRecordPb>): Generator<DirectoryRecordPbIdentityKeyFieldEvent | DirectoryRecordPbDevicesDeviceIdFieldEvent | DirectoryRecordPbDevicesPeerIdFieldEvent | DirectoryRecordPbDevicesCertificateFieldEvent | DirectoryRecordPbDevicesPrekeyBundleFieldEvent | DirectoryRecordPbMailboxRelaysFieldEvent | DirectoryRecordPbSeqFieldEvent | DirectoryRecordPbIssuedAtFieldEvent | DirectoryRecordPbExpiresAtFieldEvent | DirectoryRecordPbRemovedDevicesFieldEvent> {
    return streamMessage(buf, DirectoryRecordPb.codec(), opts)
  }
}

export interface DirectoryEnvelopePb {
  version: number
  identityKey: Uint8Array<ArrayBuffer>
  seq: bigint
  issuedAt: bigint
  expiresAt: bigint
  attestations: Uint8Array<ArrayBuffer>[]
  sealed: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
  handover: Uint8Array<ArrayBuffer>
  released: boolean
}

export namespace DirectoryEnvelopePb {
  let _codec: Codec<DirectoryEnvelopePb>

  export const codec = (): Codec<DirectoryEnvelopePb> => {
    if (_codec == null) {
      _codec = message<DirectoryEnvelopePb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.identityKey != null && obj.identityKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.identityKey)
        }

        if ((obj.seq != null && obj.seq !== 0n)) {
          w.uint32(24)
          w.uint64(obj.seq)
        }

        if ((obj.issuedAt != null && obj.issuedAt !== 0n)) {
          w.uint32(32)
          w.uint64(obj.issuedAt)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0n)) {
          w.uint32(40)
          w.uint64(obj.expiresAt)
        }

        if (obj.attestations != null && obj.attestations.length > 0) {
          for (const value of obj.attestations) {
            w.uint32(50)
            w.bytes(value)
          }
        }

        if ((obj.sealed != null && obj.sealed.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.sealed)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.signature)
        }

        if ((obj.handover != null && obj.handover.byteLength > 0)) {
          w.uint32(74)
          w.bytes(obj.handover)
        }

        if ((obj.released != null && obj.released !== false)) {
          w.uint32(80)
          w.bool(obj.released)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          identityKey: uint8ArrayAlloc(0),
          seq: 0n,
          issuedAt: 0n,
          expiresAt: 0n,
          attestations: [],
          sealed: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0),
          handover: uint8ArrayAlloc(0),
          released: false
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
              obj.identityKey = reader.bytes()
              break
            }
            case 3: {
              obj.seq = reader.uint64()
              break
            }
            case 4: {
              obj.issuedAt = reader.uint64()
              break
            }
            case 5: {
              obj.expiresAt = reader.uint64()
              break
            }
            case 6: {
              if (opts.limits?.attestations != null && obj.attestations.length === opts.limits.attestations) {
                throw new MaxLengthError('Decode error - repeated field "attestations" had too many elements')
              }

              obj.attestations.push(reader.bytes())
              break
            }
            case 7: {
              obj.sealed = reader.bytes()
              break
            }
            case 8: {
              obj.signature = reader.bytes()
              break
            }
            case 9: {
              obj.handover = reader.bytes()
              break
            }
            case 10: {
              obj.released = reader.bool()
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
          attestations: 0
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
                field: `${prefix}.identityKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.issuedAt`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64()
              }
              break
            }
            case 6: {
              if (opts.limits?.attestations != null && obj.attestations === opts.limits.attestations) {
                throw new MaxLengthError('Streaming decode error - repeated field "attestations" had too many elements')
              }

              yield {
                field: `${prefix}.attestations[]`,
                index: obj.attestations,
                value: reader.bytes()
              }

              obj.attestations++

              break
            }
            case 7: {
              yield {
                field: `${prefix}.sealed`,
                value: reader.bytes()
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
                field: `${prefix}.handover`,
                value: reader.bytes()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.released`,
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

  export interface DirectoryEnvelopePbVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface DirectoryEnvelopePbIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DirectoryEnvelopePbSeqFieldEvent {
    field: '$.seq'
    value: bigint
  }

  export interface DirectoryEnvelopePbIssuedAtFieldEvent {
    field: '$.issuedAt'
    value: bigint
  }

  export interface DirectoryEnvelopePbExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: bigint
  }

  export interface DirectoryEnvelopePbAttestationsFieldEvent {
    field: '$.attestations[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface DirectoryEnvelopePbSealedFieldEvent {
    field: '$.sealed'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DirectoryEnvelopePbSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DirectoryEnvelopePbHandoverFieldEvent {
    field: '$.handover'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DirectoryEnvelopePbReleasedFieldEvent {
    field: '$.released'
    value: boolean
  }

  export function encode (obj: Partial<DirectoryEnvelopePb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DirectoryEnvelopePb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DirectoryEnvelopePb>): DirectoryEnvelopePb {
    return decodeMessage(buf, DirectoryEnvelopePb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DirectoryEnvelopePb>): Generator<DirectoryEnvelopePbVersionFieldEvent | DirectoryEnvelopePbIdentityKeyFieldEvent | DirectoryEnvelopePbSeqFieldEvent | DirectoryEnvelopePbIssuedAtFieldEvent | DirectoryEnvelopePbExpiresAtFieldEvent | DirectoryEnvelopePbAttestationsFieldEvent | DirectoryEnvelopePbSealedFieldEvent | DirectoryEnvelopePbSignatureFieldEvent | DirectoryEnvelopePbHandoverFieldEvent | DirectoryEnvelopePbReleasedFieldEvent> {
    return streamMessage(buf, DirectoryEnvelopePb.codec(), opts)
  }
}

export interface HandoverPb {
  oldIdentityKey: Uint8Array<ArrayBuffer>
  directoryKey: Uint8Array<ArrayBuffer>
  newIdentityKey: Uint8Array<ArrayBuffer>
  issuedAt: bigint
  signature: Uint8Array<ArrayBuffer>
}

export namespace HandoverPb {
  let _codec: Codec<HandoverPb>

  export const codec = (): Codec<HandoverPb> => {
    if (_codec == null) {
      _codec = message<HandoverPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.oldIdentityKey != null && obj.oldIdentityKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.oldIdentityKey)
        }

        if ((obj.directoryKey != null && obj.directoryKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.directoryKey)
        }

        if ((obj.newIdentityKey != null && obj.newIdentityKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.newIdentityKey)
        }

        if ((obj.issuedAt != null && obj.issuedAt !== 0n)) {
          w.uint32(32)
          w.uint64(obj.issuedAt)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          oldIdentityKey: uint8ArrayAlloc(0),
          directoryKey: uint8ArrayAlloc(0),
          newIdentityKey: uint8ArrayAlloc(0),
          issuedAt: 0n,
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.oldIdentityKey = reader.bytes()
              break
            }
            case 2: {
              obj.directoryKey = reader.bytes()
              break
            }
            case 3: {
              obj.newIdentityKey = reader.bytes()
              break
            }
            case 4: {
              obj.issuedAt = reader.uint64()
              break
            }
            case 5: {
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
                field: `${prefix}.oldIdentityKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.directoryKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.newIdentityKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.issuedAt`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
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

  export interface HandoverPbOldIdentityKeyFieldEvent {
    field: '$.oldIdentityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HandoverPbDirectoryKeyFieldEvent {
    field: '$.directoryKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HandoverPbNewIdentityKeyFieldEvent {
    field: '$.newIdentityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface HandoverPbIssuedAtFieldEvent {
    field: '$.issuedAt'
    value: bigint
  }

  export interface HandoverPbSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<HandoverPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, HandoverPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HandoverPb>): HandoverPb {
    return decodeMessage(buf, HandoverPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<HandoverPb>): Generator<HandoverPbOldIdentityKeyFieldEvent | HandoverPbDirectoryKeyFieldEvent | HandoverPbNewIdentityKeyFieldEvent | HandoverPbIssuedAtFieldEvent | HandoverPbSignatureFieldEvent> {
    return streamMessage(buf, HandoverPb.codec(), opts)
  }
}
