import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface LinkCodePb {
  version: number
  peerId: Uint8Array<ArrayBuffer>
  addrs: Uint8Array<ArrayBuffer>[]
  ephemeralKey: Uint8Array<ArrayBuffer>
  secret: Uint8Array<ArrayBuffer>
}

export namespace LinkCodePb {
  let _codec: Codec<LinkCodePb>

  export const codec = (): Codec<LinkCodePb> => {
    if (_codec == null) {
      _codec = message<LinkCodePb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.peerId != null && obj.peerId.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.peerId)
        }

        if (obj.addrs != null && obj.addrs.length > 0) {
          for (const value of obj.addrs) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if ((obj.ephemeralKey != null && obj.ephemeralKey.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.ephemeralKey)
        }

        if ((obj.secret != null && obj.secret.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.secret)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          peerId: uint8ArrayAlloc(0),
          addrs: [],
          ephemeralKey: uint8ArrayAlloc(0),
          secret: uint8ArrayAlloc(0)
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
              obj.peerId = reader.bytes()
              break
            }
            case 3: {
              if (opts.limits?.addrs != null && obj.addrs.length === opts.limits.addrs) {
                throw new MaxLengthError('Decode error - repeated field "addrs" had too many elements')
              }

              obj.addrs.push(reader.bytes())
              break
            }
            case 4: {
              obj.ephemeralKey = reader.bytes()
              break
            }
            case 5: {
              obj.secret = reader.bytes()
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
          addrs: 0
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
                field: `${prefix}.peerId`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              if (opts.limits?.addrs != null && obj.addrs === opts.limits.addrs) {
                throw new MaxLengthError('Streaming decode error - repeated field "addrs" had too many elements')
              }

              yield {
                field: `${prefix}.addrs[]`,
                index: obj.addrs,
                value: reader.bytes()
              }

              obj.addrs++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.ephemeralKey`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.secret`,
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

  export interface LinkCodePbVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface LinkCodePbPeerIdFieldEvent {
    field: '$.peerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LinkCodePbAddrsFieldEvent {
    field: '$.addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface LinkCodePbEphemeralKeyFieldEvent {
    field: '$.ephemeralKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LinkCodePbSecretFieldEvent {
    field: '$.secret'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<LinkCodePb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LinkCodePb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LinkCodePb>): LinkCodePb {
    return decodeMessage(buf, LinkCodePb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LinkCodePb>): Generator<LinkCodePbVersionFieldEvent | LinkCodePbPeerIdFieldEvent | LinkCodePbAddrsFieldEvent | LinkCodePbEphemeralKeyFieldEvent | LinkCodePbSecretFieldEvent> {
    return streamMessage(buf, LinkCodePb.codec(), opts)
  }
}

export interface LinkFramePb {
  type: LinkFramePb.Type
  ephemeralKey: Uint8Array<ArrayBuffer>
  sealed: Uint8Array<ArrayBuffer>
}

export namespace LinkFramePb {
  export enum Type {
    HELLO = 'HELLO',
    SEALED = 'SEALED'
  }

  enum __TypeValues {
    HELLO = 0,
    SEALED = 1
  }

  export namespace Type {
    export const codec = (): Codec<Type> => {
      return enumeration<Type>(__TypeValues)
    }
  }

  let _codec: Codec<LinkFramePb>

  export const codec = (): Codec<LinkFramePb> => {
    if (_codec == null) {
      _codec = message<LinkFramePb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.type != null && __TypeValues[obj.type] !== 0) {
          w.uint32(8)
          LinkFramePb.Type.codec().encode(obj.type, w)
        }

        if ((obj.ephemeralKey != null && obj.ephemeralKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.ephemeralKey)
        }

        if ((obj.sealed != null && obj.sealed.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.sealed)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          type: Type.HELLO,
          ephemeralKey: uint8ArrayAlloc(0),
          sealed: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.type = LinkFramePb.Type.codec().decode(reader)
              break
            }
            case 2: {
              obj.ephemeralKey = reader.bytes()
              break
            }
            case 3: {
              obj.sealed = reader.bytes()
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
                field: `${prefix}.type`,
                value: LinkFramePb.Type.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.ephemeralKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.sealed`,
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

  export interface LinkFramePbTypeFieldEvent {
    field: '$.type'
    value: LinkFramePb.Type
  }

  export interface LinkFramePbEphemeralKeyFieldEvent {
    field: '$.ephemeralKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LinkFramePbSealedFieldEvent {
    field: '$.sealed'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<LinkFramePb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LinkFramePb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LinkFramePb>): LinkFramePb {
    return decodeMessage(buf, LinkFramePb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LinkFramePb>): Generator<LinkFramePbTypeFieldEvent | LinkFramePbEphemeralKeyFieldEvent | LinkFramePbSealedFieldEvent> {
    return streamMessage(buf, LinkFramePb.codec(), opts)
  }
}

export interface LinkEntryPb {
  key: string
  value: Uint8Array<ArrayBuffer>
}

export namespace LinkEntryPb {
  let _codec: Codec<LinkEntryPb>

  export const codec = (): Codec<LinkEntryPb> => {
    if (_codec == null) {
      _codec = message<LinkEntryPb>((obj, w, opts = {}) => {
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

  export interface LinkEntryPbKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface LinkEntryPbValueFieldEvent {
    field: '$.value'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<LinkEntryPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LinkEntryPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LinkEntryPb>): LinkEntryPb {
    return decodeMessage(buf, LinkEntryPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LinkEntryPb>): Generator<LinkEntryPbKeyFieldEvent | LinkEntryPbValueFieldEvent> {
    return streamMessage(buf, LinkEntryPb.codec(), opts)
  }
}

export interface LinkGrantPb {
  phone: string
  identityKeyPair: Uint8Array<ArrayBuffer>
  deviceId: number
  deviceName: string
  approverDeviceId: number
  approverName: string
  entries: bigint
}

export namespace LinkGrantPb {
  let _codec: Codec<LinkGrantPb>

  export const codec = (): Codec<LinkGrantPb> => {
    if (_codec == null) {
      _codec = message<LinkGrantPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.phone != null && obj.phone !== '')) {
          w.uint32(10)
          w.string(obj.phone)
        }

        if ((obj.identityKeyPair != null && obj.identityKeyPair.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.identityKeyPair)
        }

        if ((obj.deviceId != null && obj.deviceId !== 0)) {
          w.uint32(24)
          w.uint32(obj.deviceId)
        }

        if ((obj.deviceName != null && obj.deviceName !== '')) {
          w.uint32(34)
          w.string(obj.deviceName)
        }

        if ((obj.approverDeviceId != null && obj.approverDeviceId !== 0)) {
          w.uint32(40)
          w.uint32(obj.approverDeviceId)
        }

        if ((obj.approverName != null && obj.approverName !== '')) {
          w.uint32(50)
          w.string(obj.approverName)
        }

        if ((obj.entries != null && obj.entries !== 0n)) {
          w.uint32(56)
          w.uint64(obj.entries)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          phone: '',
          identityKeyPair: uint8ArrayAlloc(0),
          deviceId: 0,
          deviceName: '',
          approverDeviceId: 0,
          approverName: '',
          entries: 0n
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
              obj.identityKeyPair = reader.bytes()
              break
            }
            case 3: {
              obj.deviceId = reader.uint32()
              break
            }
            case 4: {
              obj.deviceName = reader.string()
              break
            }
            case 5: {
              obj.approverDeviceId = reader.uint32()
              break
            }
            case 6: {
              obj.approverName = reader.string()
              break
            }
            case 7: {
              obj.entries = reader.uint64()
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
                field: `${prefix}.identityKeyPair`,
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
                field: `${prefix}.deviceName`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.approverDeviceId`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.approverName`,
                value: reader.string()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.entries`,
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

  export interface LinkGrantPbPhoneFieldEvent {
    field: '$.phone'
    value: string
  }

  export interface LinkGrantPbIdentityKeyPairFieldEvent {
    field: '$.identityKeyPair'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LinkGrantPbDeviceIdFieldEvent {
    field: '$.deviceId'
    value: number
  }

  export interface LinkGrantPbDeviceNameFieldEvent {
    field: '$.deviceName'
    value: string
  }

  export interface LinkGrantPbApproverDeviceIdFieldEvent {
    field: '$.approverDeviceId'
    value: number
  }

  export interface LinkGrantPbApproverNameFieldEvent {
    field: '$.approverName'
    value: string
  }

  export interface LinkGrantPbEntriesFieldEvent {
    field: '$.entries'
    value: bigint
  }

  export function encode (obj: Partial<LinkGrantPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LinkGrantPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LinkGrantPb>): LinkGrantPb {
    return decodeMessage(buf, LinkGrantPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LinkGrantPb>): Generator<LinkGrantPbPhoneFieldEvent | LinkGrantPbIdentityKeyPairFieldEvent | LinkGrantPbDeviceIdFieldEvent | LinkGrantPbDeviceNameFieldEvent | LinkGrantPbApproverDeviceIdFieldEvent | LinkGrantPbApproverNameFieldEvent | LinkGrantPbEntriesFieldEvent> {
    return streamMessage(buf, LinkGrantPb.codec(), opts)
  }
}

export interface LinkAcceptPb {
  certificate: Uint8Array<ArrayBuffer>
  prekeyBundle: Uint8Array<ArrayBuffer>
  kind: string
  suggestedName: string
}

export namespace LinkAcceptPb {
  let _codec: Codec<LinkAcceptPb>

  export const codec = (): Codec<LinkAcceptPb> => {
    if (_codec == null) {
      _codec = message<LinkAcceptPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.certificate != null && obj.certificate.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.certificate)
        }

        if ((obj.prekeyBundle != null && obj.prekeyBundle.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.prekeyBundle)
        }

        if ((obj.kind != null && obj.kind !== '')) {
          w.uint32(26)
          w.string(obj.kind)
        }

        if ((obj.suggestedName != null && obj.suggestedName !== '')) {
          w.uint32(34)
          w.string(obj.suggestedName)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          certificate: uint8ArrayAlloc(0),
          prekeyBundle: uint8ArrayAlloc(0),
          kind: '',
          suggestedName: ''
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
              obj.prekeyBundle = reader.bytes()
              break
            }
            case 3: {
              obj.kind = reader.string()
              break
            }
            case 4: {
              obj.suggestedName = reader.string()
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
                field: `${prefix}.prekeyBundle`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.kind`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.suggestedName`,
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

  export interface LinkAcceptPbCertificateFieldEvent {
    field: '$.certificate'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LinkAcceptPbPrekeyBundleFieldEvent {
    field: '$.prekeyBundle'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LinkAcceptPbKindFieldEvent {
    field: '$.kind'
    value: string
  }

  export interface LinkAcceptPbSuggestedNameFieldEvent {
    field: '$.suggestedName'
    value: string
  }

  export function encode (obj: Partial<LinkAcceptPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LinkAcceptPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LinkAcceptPb>): LinkAcceptPb {
    return decodeMessage(buf, LinkAcceptPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LinkAcceptPb>): Generator<LinkAcceptPbCertificateFieldEvent | LinkAcceptPbPrekeyBundleFieldEvent | LinkAcceptPbKindFieldEvent | LinkAcceptPbSuggestedNameFieldEvent> {
    return streamMessage(buf, LinkAcceptPb.codec(), opts)
  }
}

export interface LinkMessagePb {
  grant?: LinkGrantPb
  accept?: LinkAcceptPb
  archive: LinkEntryPb[]
  published?: bigint
  stored?: boolean
  refused?: string
}

export namespace LinkMessagePb {
  let _codec: Codec<LinkMessagePb>

  export const codec = (): Codec<LinkMessagePb> => {
    if (_codec == null) {
      _codec = message<LinkMessagePb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.grant != null) {
          w.uint32(10)
          LinkGrantPb.codec().encode(obj.grant, w)
        }

        if (obj.accept != null) {
          w.uint32(18)
          LinkAcceptPb.codec().encode(obj.accept, w)
        }

        if (obj.archive != null && obj.archive.length > 0) {
          for (const value of obj.archive) {
            w.uint32(26)
            LinkEntryPb.codec().encode(value, w)
          }
        }

        if (obj.published != null) {
          w.uint32(32)
          w.uint64(obj.published)
        }

        if (obj.stored != null) {
          w.uint32(40)
          w.bool(obj.stored)
        }

        if (obj.refused != null) {
          w.uint32(50)
          w.string(obj.refused)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          archive: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.grant = LinkGrantPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.grant
              })
              break
            }
            case 2: {
              obj.accept = LinkAcceptPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.accept
              })
              break
            }
            case 3: {
              if (opts.limits?.archive != null && obj.archive.length === opts.limits.archive) {
                throw new MaxLengthError('Decode error - repeated field "archive" had too many elements')
              }

              obj.archive.push(LinkEntryPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.archive$
              }))
              break
            }
            case 4: {
              obj.published = reader.uint64()
              break
            }
            case 5: {
              obj.stored = reader.bool()
              break
            }
            case 6: {
              obj.refused = reader.string()
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
          archive: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * LinkGrantPb.codec().stream(reader, reader.uint32(), `${prefix}.grant`, {
                limits: opts.limits?.grant
              })

              break
            }
            case 2: {
              yield * LinkAcceptPb.codec().stream(reader, reader.uint32(), `${prefix}.accept`, {
                limits: opts.limits?.accept
              })

              break
            }
            case 3: {
              if (opts.limits?.archive != null && obj.archive === opts.limits.archive) {
                throw new MaxLengthError('Streaming decode error - repeated field "archive" had too many elements')
              }

              for (const evt of LinkEntryPb.codec().stream(reader, reader.uint32(), `${prefix}.archive[]`, {
                limits: opts.limits?.archive$
              })) {
                yield {
                  ...evt,
                  index: obj.archive
                }
              }

              obj.archive++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.published`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.stored`,
                value: reader.bool()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.refused`,
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

  export interface LinkMessagePbGrantPhoneFieldEvent {
    field: '$.grant.phone'
    value: string
  }

  export interface LinkMessagePbGrantIdentityKeyPairFieldEvent {
    field: '$.grant.identityKeyPair'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LinkMessagePbGrantDeviceIdFieldEvent {
    field: '$.grant.deviceId'
    value: number
  }

  export interface LinkMessagePbGrantDeviceNameFieldEvent {
    field: '$.grant.deviceName'
    value: string
  }

  export interface LinkMessagePbGrantApproverDeviceIdFieldEvent {
    field: '$.grant.approverDeviceId'
    value: number
  }

  export interface LinkMessagePbGrantApproverNameFieldEvent {
    field: '$.grant.approverName'
    value: string
  }

  export interface LinkMessagePbGrantEntriesFieldEvent {
    field: '$.grant.entries'
    value: bigint
  }

  export interface LinkMessagePbAcceptCertificateFieldEvent {
    field: '$.accept.certificate'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LinkMessagePbAcceptPrekeyBundleFieldEvent {
    field: '$.accept.prekeyBundle'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LinkMessagePbAcceptKindFieldEvent {
    field: '$.accept.kind'
    value: string
  }

  export interface LinkMessagePbAcceptSuggestedNameFieldEvent {
    field: '$.accept.suggestedName'
    value: string
  }

  export interface LinkMessagePbArchiveKeyFieldEvent {
    field: '$.archive[].key'
    value: string
    index: number
  }

  export interface LinkMessagePbArchiveValueFieldEvent {
    field: '$.archive[].value'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface LinkMessagePbPublishedFieldEvent {
    field: '$.published'
    value: bigint
  }

  export interface LinkMessagePbStoredFieldEvent {
    field: '$.stored'
    value: boolean
  }

  export interface LinkMessagePbRefusedFieldEvent {
    field: '$.refused'
    value: string
  }

  export function encode (obj: Partial<LinkMessagePb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LinkMessagePb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LinkMessagePb>): LinkMessagePb {
    return decodeMessage(buf, LinkMessagePb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LinkMessagePb>): Generator<LinkMessagePbGrantPhoneFieldEvent | LinkMessagePbGrantIdentityKeyPairFieldEvent | LinkMessagePbGrantDeviceIdFieldEvent | LinkMessagePbGrantDeviceNameFieldEvent | LinkMessagePbGrantApproverDeviceIdFieldEvent | LinkMessagePbGrantApproverNameFieldEvent | LinkMessagePbGrantEntriesFieldEvent | LinkMessagePbAcceptCertificateFieldEvent | LinkMessagePbAcceptPrekeyBundleFieldEvent | LinkMessagePbAcceptKindFieldEvent | LinkMessagePbAcceptSuggestedNameFieldEvent | LinkMessagePbArchiveKeyFieldEvent | LinkMessagePbArchiveValueFieldEvent | LinkMessagePbPublishedFieldEvent | LinkMessagePbStoredFieldEvent | LinkMessagePbRefusedFieldEvent> {
    return streamMessage(buf, LinkMessagePb.codec(), opts)
  }
}
