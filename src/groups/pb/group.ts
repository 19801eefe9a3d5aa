/* eslint-disable require-yield */

import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface GroupMemberPb {
  identityKey: Uint8Array<ArrayBuffer>
  e164: string
  admin: boolean
}

export namespace GroupMemberPb {
  let _codec: Codec<GroupMemberPb>

  export const codec = (): Codec<GroupMemberPb> => {
    if (_codec == null) {
      _codec = message<GroupMemberPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.identityKey != null && obj.identityKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.identityKey)
        }

        if ((obj.e164 != null && obj.e164 !== '')) {
          w.uint32(18)
          w.string(obj.e164)
        }

        if ((obj.admin != null && obj.admin !== false)) {
          w.uint32(24)
          w.bool(obj.admin)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          identityKey: uint8ArrayAlloc(0),
          e164: '',
          admin: false
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
              obj.e164 = reader.string()
              break
            }
            case 3: {
              obj.admin = reader.bool()
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
                field: `${prefix}.e164`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.admin`,
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

  export interface GroupMemberPbIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupMemberPbE164FieldEvent {
    field: '$.e164'
    value: string
  }

  export interface GroupMemberPbAdminFieldEvent {
    field: '$.admin'
    value: boolean
  }

  export function encode (obj: Partial<GroupMemberPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupMemberPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupMemberPb>): GroupMemberPb {
    return decodeMessage(buf, GroupMemberPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupMemberPb>): Generator<GroupMemberPbIdentityKeyFieldEvent | GroupMemberPbE164FieldEvent | GroupMemberPbAdminFieldEvent> {
    return streamMessage(buf, GroupMemberPb.codec(), opts)
  }
}

export interface CreateGroupPb {
  name: string
  description: string
  photo: Uint8Array<ArrayBuffer>
  members: GroupMemberPb[]
  onlyAdminsSend: boolean
  onlyAdminsEditInfo: boolean
  inviteSecret: Uint8Array<ArrayBuffer>
}

export namespace CreateGroupPb {
  let _codec: Codec<CreateGroupPb>

  export const codec = (): Codec<CreateGroupPb> => {
    if (_codec == null) {
      _codec = message<CreateGroupPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(10)
          w.string(obj.name)
        }

        if ((obj.description != null && obj.description !== '')) {
          w.uint32(18)
          w.string(obj.description)
        }

        if ((obj.photo != null && obj.photo.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.photo)
        }

        if (obj.members != null && obj.members.length > 0) {
          for (const value of obj.members) {
            w.uint32(34)
            GroupMemberPb.codec().encode(value, w)
          }
        }

        if ((obj.onlyAdminsSend != null && obj.onlyAdminsSend !== false)) {
          w.uint32(40)
          w.bool(obj.onlyAdminsSend)
        }

        if ((obj.onlyAdminsEditInfo != null && obj.onlyAdminsEditInfo !== false)) {
          w.uint32(48)
          w.bool(obj.onlyAdminsEditInfo)
        }

        if ((obj.inviteSecret != null && obj.inviteSecret.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.inviteSecret)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          name: '',
          description: '',
          photo: uint8ArrayAlloc(0),
          members: [],
          onlyAdminsSend: false,
          onlyAdminsEditInfo: false,
          inviteSecret: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.name = reader.string()
              break
            }
            case 2: {
              obj.description = reader.string()
              break
            }
            case 3: {
              obj.photo = reader.bytes()
              break
            }
            case 4: {
              if (opts.limits?.members != null && obj.members.length === opts.limits.members) {
                throw new MaxLengthError('Decode error - repeated field "members" had too many elements')
              }

              obj.members.push(GroupMemberPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.members$
              }))
              break
            }
            case 5: {
              obj.onlyAdminsSend = reader.bool()
              break
            }
            case 6: {
              obj.onlyAdminsEditInfo = reader.bool()
              break
            }
            case 7: {
              obj.inviteSecret = reader.bytes()
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
          members: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.description`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.photo`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              if (opts.limits?.members != null && obj.members === opts.limits.members) {
                throw new MaxLengthError('Streaming decode error - repeated field "members" had too many elements')
              }

              for (const evt of GroupMemberPb.codec().stream(reader, reader.uint32(), `${prefix}.members[]`, {
                limits: opts.limits?.members$
              })) {
                yield {
                  ...evt,
                  index: obj.members
                }
              }

              obj.members++

              break
            }
            case 5: {
              yield {
                field: `${prefix}.onlyAdminsSend`,
                value: reader.bool()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.onlyAdminsEditInfo`,
                value: reader.bool()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.inviteSecret`,
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

  export interface CreateGroupPbNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface CreateGroupPbDescriptionFieldEvent {
    field: '$.description'
    value: string
  }

  export interface CreateGroupPbPhotoFieldEvent {
    field: '$.photo'
    value: Uint8Array<ArrayBuffer>
  }

  export interface CreateGroupPbMembersIdentityKeyFieldEvent {
    field: '$.members[].identityKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface CreateGroupPbMembersE164FieldEvent {
    field: '$.members[].e164'
    value: string
    index: number
  }

  export interface CreateGroupPbMembersAdminFieldEvent {
    field: '$.members[].admin'
    value: boolean
    index: number
  }

  export interface CreateGroupPbOnlyAdminsSendFieldEvent {
    field: '$.onlyAdminsSend'
    value: boolean
  }

  export interface CreateGroupPbOnlyAdminsEditInfoFieldEvent {
    field: '$.onlyAdminsEditInfo'
    value: boolean
  }

  export interface CreateGroupPbInviteSecretFieldEvent {
    field: '$.inviteSecret'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<CreateGroupPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, CreateGroupPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CreateGroupPb>): CreateGroupPb {
    return decodeMessage(buf, CreateGroupPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CreateGroupPb>): Generator<CreateGroupPbNameFieldEvent | CreateGroupPbDescriptionFieldEvent | CreateGroupPbPhotoFieldEvent | CreateGroupPbMembersIdentityKeyFieldEvent | CreateGroupPbMembersE164FieldEvent | CreateGroupPbMembersAdminFieldEvent | CreateGroupPbOnlyAdminsSendFieldEvent | CreateGroupPbOnlyAdminsEditInfoFieldEvent | CreateGroupPbInviteSecretFieldEvent> {
    return streamMessage(buf, CreateGroupPb.codec(), opts)
  }
}

export interface AddMembersPb {
  members: GroupMemberPb[]
}

export namespace AddMembersPb {
  let _codec: Codec<AddMembersPb>

  export const codec = (): Codec<AddMembersPb> => {
    if (_codec == null) {
      _codec = message<AddMembersPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.members != null && obj.members.length > 0) {
          for (const value of obj.members) {
            w.uint32(10)
            GroupMemberPb.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          members: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.members != null && obj.members.length === opts.limits.members) {
                throw new MaxLengthError('Decode error - repeated field "members" had too many elements')
              }

              obj.members.push(GroupMemberPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.members$
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
          members: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.members != null && obj.members === opts.limits.members) {
                throw new MaxLengthError('Streaming decode error - repeated field "members" had too many elements')
              }

              for (const evt of GroupMemberPb.codec().stream(reader, reader.uint32(), `${prefix}.members[]`, {
                limits: opts.limits?.members$
              })) {
                yield {
                  ...evt,
                  index: obj.members
                }
              }

              obj.members++

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

  export interface AddMembersPbMembersIdentityKeyFieldEvent {
    field: '$.members[].identityKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface AddMembersPbMembersE164FieldEvent {
    field: '$.members[].e164'
    value: string
    index: number
  }

  export interface AddMembersPbMembersAdminFieldEvent {
    field: '$.members[].admin'
    value: boolean
    index: number
  }

  export function encode (obj: Partial<AddMembersPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AddMembersPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AddMembersPb>): AddMembersPb {
    return decodeMessage(buf, AddMembersPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AddMembersPb>): Generator<AddMembersPbMembersIdentityKeyFieldEvent | AddMembersPbMembersE164FieldEvent | AddMembersPbMembersAdminFieldEvent> {
    return streamMessage(buf, AddMembersPb.codec(), opts)
  }
}

export interface TargetPb {
  identityKey: Uint8Array<ArrayBuffer>
}

export namespace TargetPb {
  let _codec: Codec<TargetPb>

  export const codec = (): Codec<TargetPb> => {
    if (_codec == null) {
      _codec = message<TargetPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.identityKey != null && obj.identityKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.identityKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          identityKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.identityKey = reader.bytes()
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

  export interface TargetPbIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<TargetPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, TargetPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TargetPb>): TargetPb {
    return decodeMessage(buf, TargetPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TargetPb>): Generator<TargetPbIdentityKeyFieldEvent> {
    return streamMessage(buf, TargetPb.codec(), opts)
  }
}

export interface EditInfoPb {
  name?: string
  description?: string
  photo?: Uint8Array<ArrayBuffer>
}

export namespace EditInfoPb {
  let _codec: Codec<EditInfoPb>

  export const codec = (): Codec<EditInfoPb> => {
    if (_codec == null) {
      _codec = message<EditInfoPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.name != null) {
          w.uint32(10)
          w.string(obj.name)
        }

        if (obj.description != null) {
          w.uint32(18)
          w.string(obj.description)
        }

        if (obj.photo != null) {
          w.uint32(26)
          w.bytes(obj.photo)
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
            case 1: {
              obj.name = reader.string()
              break
            }
            case 2: {
              obj.description = reader.string()
              break
            }
            case 3: {
              obj.photo = reader.bytes()
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
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.description`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.photo`,
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

  export interface EditInfoPbNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface EditInfoPbDescriptionFieldEvent {
    field: '$.description'
    value: string
  }

  export interface EditInfoPbPhotoFieldEvent {
    field: '$.photo'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<EditInfoPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, EditInfoPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<EditInfoPb>): EditInfoPb {
    return decodeMessage(buf, EditInfoPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<EditInfoPb>): Generator<EditInfoPbNameFieldEvent | EditInfoPbDescriptionFieldEvent | EditInfoPbPhotoFieldEvent> {
    return streamMessage(buf, EditInfoPb.codec(), opts)
  }
}

export interface SettingsPb {
  onlyAdminsSend?: boolean
  onlyAdminsEditInfo?: boolean
}

export namespace SettingsPb {
  let _codec: Codec<SettingsPb>

  export const codec = (): Codec<SettingsPb> => {
    if (_codec == null) {
      _codec = message<SettingsPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.onlyAdminsSend != null) {
          w.uint32(8)
          w.bool(obj.onlyAdminsSend)
        }

        if (obj.onlyAdminsEditInfo != null) {
          w.uint32(16)
          w.bool(obj.onlyAdminsEditInfo)
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
            case 1: {
              obj.onlyAdminsSend = reader.bool()
              break
            }
            case 2: {
              obj.onlyAdminsEditInfo = reader.bool()
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
                field: `${prefix}.onlyAdminsSend`,
                value: reader.bool()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.onlyAdminsEditInfo`,
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

  export interface SettingsPbOnlyAdminsSendFieldEvent {
    field: '$.onlyAdminsSend'
    value: boolean
  }

  export interface SettingsPbOnlyAdminsEditInfoFieldEvent {
    field: '$.onlyAdminsEditInfo'
    value: boolean
  }

  export function encode (obj: Partial<SettingsPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SettingsPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SettingsPb>): SettingsPb {
    return decodeMessage(buf, SettingsPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SettingsPb>): Generator<SettingsPbOnlyAdminsSendFieldEvent | SettingsPbOnlyAdminsEditInfoFieldEvent> {
    return streamMessage(buf, SettingsPb.codec(), opts)
  }
}

export interface InvitePb {
  secret: Uint8Array<ArrayBuffer>
}

export namespace InvitePb {
  let _codec: Codec<InvitePb>

  export const codec = (): Codec<InvitePb> => {
    if (_codec == null) {
      _codec = message<InvitePb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.secret != null && obj.secret.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.secret)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          secret: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
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
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
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

  export interface InvitePbSecretFieldEvent {
    field: '$.secret'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<InvitePb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, InvitePb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<InvitePb>): InvitePb {
    return decodeMessage(buf, InvitePb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<InvitePb>): Generator<InvitePbSecretFieldEvent> {
    return streamMessage(buf, InvitePb.codec(), opts)
  }
}

export interface LeavePb {}

export namespace LeavePb {
  let _codec: Codec<LeavePb>

  export const codec = (): Codec<LeavePb> => {
    if (_codec == null) {
      _codec = message<LeavePb>((obj, w, opts = {}) => {
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

  export function encode (obj: Partial<LeavePb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LeavePb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LeavePb>): LeavePb {
    return decodeMessage(buf, LeavePb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LeavePb>): Generator<{}> {
    return streamMessage(buf, LeavePb.codec(), opts)
  }
}

export interface JoinPb {
  e164: string
  proof: Uint8Array<ArrayBuffer>
}

export namespace JoinPb {
  let _codec: Codec<JoinPb>

  export const codec = (): Codec<JoinPb> => {
    if (_codec == null) {
      _codec = message<JoinPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.e164 != null && obj.e164 !== '')) {
          w.uint32(10)
          w.string(obj.e164)
        }

        if ((obj.proof != null && obj.proof.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.proof)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          e164: '',
          proof: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.e164 = reader.string()
              break
            }
            case 2: {
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
            case 2: {
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

  export interface JoinPbE164FieldEvent {
    field: '$.e164'
    value: string
  }

  export interface JoinPbProofFieldEvent {
    field: '$.proof'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<JoinPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, JoinPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JoinPb>): JoinPb {
    return decodeMessage(buf, JoinPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<JoinPb>): Generator<JoinPbE164FieldEvent | JoinPbProofFieldEvent> {
    return streamMessage(buf, JoinPb.codec(), opts)
  }
}

export interface GroupChangeBodyPb {
  format: number
  groupId: Uint8Array<ArrayBuffer>
  parents: Uint8Array<ArrayBuffer>[]
  version: bigint
  author: Uint8Array<ArrayBuffer>
  createdAt: bigint
  create?: CreateGroupPb
  add?: AddMembersPb
  remove?: TargetPb
  promote?: TargetPb
  demote?: TargetPb
  editInfo?: EditInfoPb
  settings?: SettingsPb
  invite?: InvitePb
  leave?: LeavePb
  join?: JoinPb
}

export namespace GroupChangeBodyPb {
  let _codec: Codec<GroupChangeBodyPb>

  export const codec = (): Codec<GroupChangeBodyPb> => {
    if (_codec == null) {
      _codec = message<GroupChangeBodyPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.format != null && obj.format !== 0)) {
          w.uint32(8)
          w.uint32(obj.format)
        }

        if ((obj.groupId != null && obj.groupId.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.groupId)
        }

        if (obj.parents != null && obj.parents.length > 0) {
          for (const value of obj.parents) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if ((obj.version != null && obj.version !== 0n)) {
          w.uint32(32)
          w.uint64(obj.version)
        }

        if ((obj.author != null && obj.author.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.author)
        }

        if ((obj.createdAt != null && obj.createdAt !== 0n)) {
          w.uint32(48)
          w.uint64(obj.createdAt)
        }

        if (obj.create != null) {
          w.uint32(82)
          CreateGroupPb.codec().encode(obj.create, w)
        }

        if (obj.add != null) {
          w.uint32(90)
          AddMembersPb.codec().encode(obj.add, w)
        }

        if (obj.remove != null) {
          w.uint32(98)
          TargetPb.codec().encode(obj.remove, w)
        }

        if (obj.promote != null) {
          w.uint32(106)
          TargetPb.codec().encode(obj.promote, w)
        }

        if (obj.demote != null) {
          w.uint32(114)
          TargetPb.codec().encode(obj.demote, w)
        }

        if (obj.editInfo != null) {
          w.uint32(122)
          EditInfoPb.codec().encode(obj.editInfo, w)
        }

        if (obj.settings != null) {
          w.uint32(130)
          SettingsPb.codec().encode(obj.settings, w)
        }

        if (obj.invite != null) {
          w.uint32(138)
          InvitePb.codec().encode(obj.invite, w)
        }

        if (obj.leave != null) {
          w.uint32(146)
          LeavePb.codec().encode(obj.leave, w)
        }

        if (obj.join != null) {
          w.uint32(154)
          JoinPb.codec().encode(obj.join, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          format: 0,
          groupId: uint8ArrayAlloc(0),
          parents: [],
          version: 0n,
          author: uint8ArrayAlloc(0),
          createdAt: 0n
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
              obj.groupId = reader.bytes()
              break
            }
            case 3: {
              if (opts.limits?.parents != null && obj.parents.length === opts.limits.parents) {
                throw new MaxLengthError('Decode error - repeated field "parents" had too many elements')
              }

              obj.parents.push(reader.bytes())
              break
            }
            case 4: {
              obj.version = reader.uint64()
              break
            }
            case 5: {
              obj.author = reader.bytes()
              break
            }
            case 6: {
              obj.createdAt = reader.uint64()
              break
            }
            case 10: {
              obj.create = CreateGroupPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.create
              })
              break
            }
            case 11: {
              obj.add = AddMembersPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.add
              })
              break
            }
            case 12: {
              obj.remove = TargetPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.remove
              })
              break
            }
            case 13: {
              obj.promote = TargetPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.promote
              })
              break
            }
            case 14: {
              obj.demote = TargetPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.demote
              })
              break
            }
            case 15: {
              obj.editInfo = EditInfoPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.editInfo
              })
              break
            }
            case 16: {
              obj.settings = SettingsPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.settings
              })
              break
            }
            case 17: {
              obj.invite = InvitePb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.invite
              })
              break
            }
            case 18: {
              obj.leave = LeavePb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.leave
              })
              break
            }
            case 19: {
              obj.join = JoinPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.join
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
          parents: 0
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
                field: `${prefix}.groupId`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              if (opts.limits?.parents != null && obj.parents === opts.limits.parents) {
                throw new MaxLengthError('Streaming decode error - repeated field "parents" had too many elements')
              }

              yield {
                field: `${prefix}.parents[]`,
                index: obj.parents,
                value: reader.bytes()
              }

              obj.parents++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.author`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.createdAt`,
                value: reader.uint64()
              }
              break
            }
            case 10: {
              yield * CreateGroupPb.codec().stream(reader, reader.uint32(), `${prefix}.create`, {
                limits: opts.limits?.create
              })

              break
            }
            case 11: {
              yield * AddMembersPb.codec().stream(reader, reader.uint32(), `${prefix}.add`, {
                limits: opts.limits?.add
              })

              break
            }
            case 12: {
              yield * TargetPb.codec().stream(reader, reader.uint32(), `${prefix}.remove`, {
                limits: opts.limits?.remove
              })

              break
            }
            case 13: {
              yield * TargetPb.codec().stream(reader, reader.uint32(), `${prefix}.promote`, {
                limits: opts.limits?.promote
              })

              break
            }
            case 14: {
              yield * TargetPb.codec().stream(reader, reader.uint32(), `${prefix}.demote`, {
                limits: opts.limits?.demote
              })

              break
            }
            case 15: {
              yield * EditInfoPb.codec().stream(reader, reader.uint32(), `${prefix}.editInfo`, {
                limits: opts.limits?.editInfo
              })

              break
            }
            case 16: {
              yield * SettingsPb.codec().stream(reader, reader.uint32(), `${prefix}.settings`, {
                limits: opts.limits?.settings
              })

              break
            }
            case 17: {
              yield * InvitePb.codec().stream(reader, reader.uint32(), `${prefix}.invite`, {
                limits: opts.limits?.invite
              })

              break
            }
            case 18: {
              yield * LeavePb.codec().stream(reader, reader.uint32(), `${prefix}.leave`, {
                limits: opts.limits?.leave
              })

              break
            }
            case 19: {
              yield * JoinPb.codec().stream(reader, reader.uint32(), `${prefix}.join`, {
                limits: opts.limits?.join
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

  export interface GroupChangeBodyPbFormatFieldEvent {
    field: '$.format'
    value: number
  }

  export interface GroupChangeBodyPbGroupIdFieldEvent {
    field: '$.groupId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupChangeBodyPbParentsFieldEvent {
    field: '$.parents[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupChangeBodyPbVersionFieldEvent {
    field: '$.version'
    value: bigint
  }

  export interface GroupChangeBodyPbAuthorFieldEvent {
    field: '$.author'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupChangeBodyPbCreatedAtFieldEvent {
    field: '$.createdAt'
    value: bigint
  }

  export interface GroupChangeBodyPbCreateNameFieldEvent {
    field: '$.create.name'
    value: string
  }

  export interface GroupChangeBodyPbCreateDescriptionFieldEvent {
    field: '$.create.description'
    value: string
  }

  export interface GroupChangeBodyPbCreatePhotoFieldEvent {
    field: '$.create.photo'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupChangeBodyPbCreateMembersIdentityKeyFieldEvent {
    field: '$.create.members[].identityKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface GroupChangeBodyPbCreateMembersE164FieldEvent {
    field: '$.create.members[].e164'
    value: string
    index: number
  }

  export interface GroupChangeBodyPbCreateMembersAdminFieldEvent {
    field: '$.create.members[].admin'
    value: boolean
    index: number
  }

  export interface GroupChangeBodyPbCreateOnlyAdminsSendFieldEvent {
    field: '$.create.onlyAdminsSend'
    value: boolean
  }

  export interface GroupChangeBodyPbCreateOnlyAdminsEditInfoFieldEvent {
    field: '$.create.onlyAdminsEditInfo'
    value: boolean
  }

  export interface GroupChangeBodyPbCreateInviteSecretFieldEvent {
    field: '$.create.inviteSecret'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupChangeBodyPbAddMembersIdentityKeyFieldEvent {
    field: '$.add.members[].identityKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface GroupChangeBodyPbAddMembersE164FieldEvent {
    field: '$.add.members[].e164'
    value: string
    index: number
  }

  export interface GroupChangeBodyPbAddMembersAdminFieldEvent {
    field: '$.add.members[].admin'
    value: boolean
    index: number
  }

  export interface GroupChangeBodyPbRemoveIdentityKeyFieldEvent {
    field: '$.remove.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupChangeBodyPbPromoteIdentityKeyFieldEvent {
    field: '$.promote.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupChangeBodyPbDemoteIdentityKeyFieldEvent {
    field: '$.demote.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupChangeBodyPbEditInfoNameFieldEvent {
    field: '$.editInfo.name'
    value: string
  }

  export interface GroupChangeBodyPbEditInfoDescriptionFieldEvent {
    field: '$.editInfo.description'
    value: string
  }

  export interface GroupChangeBodyPbEditInfoPhotoFieldEvent {
    field: '$.editInfo.photo'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupChangeBodyPbSettingsOnlyAdminsSendFieldEvent {
    field: '$.settings.onlyAdminsSend'
    value: boolean
  }

  export interface GroupChangeBodyPbSettingsOnlyAdminsEditInfoFieldEvent {
    field: '$.settings.onlyAdminsEditInfo'
    value: boolean
  }

  export interface GroupChangeBodyPbInviteSecretFieldEvent {
    field: '$.invite.secret'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupChangeBodyPbJoinE164FieldEvent {
    field: '$.join.e164'
    value: string
  }

  export interface GroupChangeBodyPbJoinProofFieldEvent {
    field: '$.join.proof'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GroupChangeBodyPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupChangeBodyPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupChangeBodyPb>): GroupChangeBodyPb {
    return decodeMessage(buf, GroupChangeBodyPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupChangeBodyPb>): Generator<GroupChangeBodyPbFormatFieldEvent | GroupChangeBodyPbGroupIdFieldEvent | GroupChangeBodyPbParentsFieldEvent | GroupChangeBodyPbVersionFieldEvent | GroupChangeBodyPbAuthorFieldEvent | GroupChangeBodyPbCreatedAtFieldEvent | GroupChangeBodyPbCreateNameFieldEvent | GroupChangeBodyPbCreateDescriptionFieldEvent | GroupChangeBodyPbCreatePhotoFieldEvent | GroupChangeBodyPbCreateMembersIdentityKeyFieldEvent | GroupChangeBodyPbCreateMembersE164FieldEvent | GroupChangeBodyPbCreateMembersAdminFieldEvent | GroupChangeBodyPbCreateOnlyAdminsSendFieldEvent | GroupChangeBodyPbCreateOnlyAdminsEditInfoFieldEvent | GroupChangeBodyPbCreateInviteSecretFieldEvent | GroupChangeBodyPbAddMembersIdentityKeyFieldEvent | GroupChangeBodyPbAddMembersE164FieldEvent | GroupChangeBodyPbAddMembersAdminFieldEvent | GroupChangeBodyPbRemoveIdentityKeyFieldEvent | GroupChangeBodyPbPromoteIdentityKeyFieldEvent | GroupChangeBodyPbDemoteIdentityKeyFieldEvent | GroupChangeBodyPbEditInfoNameFieldEvent | GroupChangeBodyPbEditInfoDescriptionFieldEvent | GroupChangeBodyPbEditInfoPhotoFieldEvent | GroupChangeBodyPbSettingsOnlyAdminsSendFieldEvent | GroupChangeBodyPbSettingsOnlyAdminsEditInfoFieldEvent | GroupChangeBodyPbInviteSecretFieldEvent | GroupChangeBodyPbJoinE164FieldEvent | GroupChangeBodyPbJoinProofFieldEvent> {
    return streamMessage(buf, GroupChangeBodyPb.codec(), opts)
  }
}

export interface SignedGroupChangePb {
  body: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedGroupChangePb {
  let _codec: Codec<SignedGroupChangePb>

  export const codec = (): Codec<SignedGroupChangePb> => {
    if (_codec == null) {
      _codec = message<SignedGroupChangePb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.body != null && obj.body.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.body)
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
          body: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.body = reader.bytes()
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
                field: `${prefix}.body`,
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

  export interface SignedGroupChangePbBodyFieldEvent {
    field: '$.body'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedGroupChangePbSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedGroupChangePb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedGroupChangePb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedGroupChangePb>): SignedGroupChangePb {
    return decodeMessage(buf, SignedGroupChangePb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedGroupChangePb>): Generator<SignedGroupChangePbBodyFieldEvent | SignedGroupChangePbSignatureFieldEvent> {
    return streamMessage(buf, SignedGroupChangePb.codec(), opts)
  }
}

export interface SeniorityPb {
  version: bigint
  change: Uint8Array<ArrayBuffer>
  index: number
}

export namespace SeniorityPb {
  let _codec: Codec<SeniorityPb>

  export const codec = (): Codec<SeniorityPb> => {
    if (_codec == null) {
      _codec = message<SeniorityPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0n)) {
          w.uint32(8)
          w.uint64(obj.version)
        }

        if ((obj.change != null && obj.change.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.change)
        }

        if ((obj.index != null && obj.index !== 0)) {
          w.uint32(24)
          w.uint32(obj.index)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0n,
          change: uint8ArrayAlloc(0),
          index: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint64()
              break
            }
            case 2: {
              obj.change = reader.bytes()
              break
            }
            case 3: {
              obj.index = reader.uint32()
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
                value: reader.uint64()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.change`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.index`,
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

  export interface SeniorityPbVersionFieldEvent {
    field: '$.version'
    value: bigint
  }

  export interface SeniorityPbChangeFieldEvent {
    field: '$.change'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SeniorityPbIndexFieldEvent {
    field: '$.index'
    value: number
  }

  export function encode (obj: Partial<SeniorityPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SeniorityPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SeniorityPb>): SeniorityPb {
    return decodeMessage(buf, SeniorityPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SeniorityPb>): Generator<SeniorityPbVersionFieldEvent | SeniorityPbChangeFieldEvent | SeniorityPbIndexFieldEvent> {
    return streamMessage(buf, SeniorityPb.codec(), opts)
  }
}

export interface GroupStateMemberPb {
  identityKey: Uint8Array<ArrayBuffer>
  e164: string
  admin: boolean
  joined?: SeniorityPb
  adminSince?: SeniorityPb
}

export namespace GroupStateMemberPb {
  let _codec: Codec<GroupStateMemberPb>

  export const codec = (): Codec<GroupStateMemberPb> => {
    if (_codec == null) {
      _codec = message<GroupStateMemberPb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.identityKey != null && obj.identityKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.identityKey)
        }

        if ((obj.e164 != null && obj.e164 !== '')) {
          w.uint32(18)
          w.string(obj.e164)
        }

        if ((obj.admin != null && obj.admin !== false)) {
          w.uint32(24)
          w.bool(obj.admin)
        }

        if (obj.joined != null) {
          w.uint32(34)
          SeniorityPb.codec().encode(obj.joined, w)
        }

        if (obj.adminSince != null) {
          w.uint32(42)
          SeniorityPb.codec().encode(obj.adminSince, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          identityKey: uint8ArrayAlloc(0),
          e164: '',
          admin: false
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
              obj.e164 = reader.string()
              break
            }
            case 3: {
              obj.admin = reader.bool()
              break
            }
            case 4: {
              obj.joined = SeniorityPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.joined
              })
              break
            }
            case 5: {
              obj.adminSince = SeniorityPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.adminSince
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
                field: `${prefix}.identityKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.e164`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.admin`,
                value: reader.bool()
              }
              break
            }
            case 4: {
              yield * SeniorityPb.codec().stream(reader, reader.uint32(), `${prefix}.joined`, {
                limits: opts.limits?.joined
              })

              break
            }
            case 5: {
              yield * SeniorityPb.codec().stream(reader, reader.uint32(), `${prefix}.adminSince`, {
                limits: opts.limits?.adminSince
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

  export interface GroupStateMemberPbIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupStateMemberPbE164FieldEvent {
    field: '$.e164'
    value: string
  }

  export interface GroupStateMemberPbAdminFieldEvent {
    field: '$.admin'
    value: boolean
  }

  export interface GroupStateMemberPbJoinedVersionFieldEvent {
    field: '$.joined.version'
    value: bigint
  }

  export interface GroupStateMemberPbJoinedChangeFieldEvent {
    field: '$.joined.change'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupStateMemberPbJoinedIndexFieldEvent {
    field: '$.joined.index'
    value: number
  }

  export interface GroupStateMemberPbAdminSinceVersionFieldEvent {
    field: '$.adminSince.version'
    value: bigint
  }

  export interface GroupStateMemberPbAdminSinceChangeFieldEvent {
    field: '$.adminSince.change'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupStateMemberPbAdminSinceIndexFieldEvent {
    field: '$.adminSince.index'
    value: number
  }

  export function encode (obj: Partial<GroupStateMemberPb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupStateMemberPb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupStateMemberPb>): GroupStateMemberPb {
    return decodeMessage(buf, GroupStateMemberPb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupStateMemberPb>): Generator<GroupStateMemberPbIdentityKeyFieldEvent | GroupStateMemberPbE164FieldEvent | GroupStateMemberPbAdminFieldEvent | GroupStateMemberPbJoinedVersionFieldEvent | GroupStateMemberPbJoinedChangeFieldEvent | GroupStateMemberPbJoinedIndexFieldEvent | GroupStateMemberPbAdminSinceVersionFieldEvent | GroupStateMemberPbAdminSinceChangeFieldEvent | GroupStateMemberPbAdminSinceIndexFieldEvent> {
    return streamMessage(buf, GroupStateMemberPb.codec(), opts)
  }
}

export interface GroupStatePb {
  groupId: Uint8Array<ArrayBuffer>
  version: bigint
  name: string
  description: string
  photo: Uint8Array<ArrayBuffer>
  members: GroupStateMemberPb[]
  onlyAdminsSend: boolean
  onlyAdminsEditInfo: boolean
  inviteSecret: Uint8Array<ArrayBuffer>
}

export namespace GroupStatePb {
  let _codec: Codec<GroupStatePb>

  export const codec = (): Codec<GroupStatePb> => {
    if (_codec == null) {
      _codec = message<GroupStatePb>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.groupId != null && obj.groupId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.groupId)
        }

        if ((obj.version != null && obj.version !== 0n)) {
          w.uint32(16)
          w.uint64(obj.version)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(26)
          w.string(obj.name)
        }

        if ((obj.description != null && obj.description !== '')) {
          w.uint32(34)
          w.string(obj.description)
        }

        if ((obj.photo != null && obj.photo.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.photo)
        }

        if (obj.members != null && obj.members.length > 0) {
          for (const value of obj.members) {
            w.uint32(50)
            GroupStateMemberPb.codec().encode(value, w)
          }
        }

        if ((obj.onlyAdminsSend != null && obj.onlyAdminsSend !== false)) {
          w.uint32(56)
          w.bool(obj.onlyAdminsSend)
        }

        if ((obj.onlyAdminsEditInfo != null && obj.onlyAdminsEditInfo !== false)) {
          w.uint32(64)
          w.bool(obj.onlyAdminsEditInfo)
        }

        if ((obj.inviteSecret != null && obj.inviteSecret.byteLength > 0)) {
          w.uint32(74)
          w.bytes(obj.inviteSecret)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          groupId: uint8ArrayAlloc(0),
          version: 0n,
          name: '',
          description: '',
          photo: uint8ArrayAlloc(0),
          members: [],
          onlyAdminsSend: false,
          onlyAdminsEditInfo: false,
          inviteSecret: uint8ArrayAlloc(0)
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
              obj.version = reader.uint64()
              break
            }
            case 3: {
              obj.name = reader.string()
              break
            }
            case 4: {
              obj.description = reader.string()
              break
            }
            case 5: {
              obj.photo = reader.bytes()
              break
            }
            case 6: {
              if (opts.limits?.members != null && obj.members.length === opts.limits.members) {
                throw new MaxLengthError('Decode error - repeated field "members" had too many elements')
              }

              obj.members.push(GroupStateMemberPb.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.members$
              }))
              break
            }
            case 7: {
              obj.onlyAdminsSend = reader.bool()
              break
            }
            case 8: {
              obj.onlyAdminsEditInfo = reader.bool()
              break
            }
            case 9: {
              obj.inviteSecret = reader.bytes()
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
          members: 0
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
              yield {
                field: `${prefix}.version`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.description`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.photo`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              if (opts.limits?.members != null && obj.members === opts.limits.members) {
                throw new MaxLengthError('Streaming decode error - repeated field "members" had too many elements')
              }

              for (const evt of GroupStateMemberPb.codec().stream(reader, reader.uint32(), `${prefix}.members[]`, {
                limits: opts.limits?.members$
              })) {
                yield {
                  ...evt,
                  index: obj.members
                }
              }

              obj.members++

              break
            }
            case 7: {
              yield {
                field: `${prefix}.onlyAdminsSend`,
                value: reader.bool()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.onlyAdminsEditInfo`,
                value: reader.bool()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.inviteSecret`,
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

  export interface GroupStatePbGroupIdFieldEvent {
    field: '$.groupId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupStatePbVersionFieldEvent {
    field: '$.version'
    value: bigint
  }

  export interface GroupStatePbNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface GroupStatePbDescriptionFieldEvent {
    field: '$.description'
    value: string
  }

  export interface GroupStatePbPhotoFieldEvent {
    field: '$.photo'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupStatePbMembersIdentityKeyFieldEvent {
    field: '$.members[].identityKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface GroupStatePbMembersE164FieldEvent {
    field: '$.members[].e164'
    value: string
    index: number
  }

  export interface GroupStatePbMembersAdminFieldEvent {
    field: '$.members[].admin'
    value: boolean
    index: number
  }

  export interface GroupStatePbMembersJoinedVersionFieldEvent {
    field: '$.members[].joined.version'
    value: bigint
    index: number
  }

  export interface GroupStatePbMembersJoinedChangeFieldEvent {
    field: '$.members[].joined.change'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface GroupStatePbMembersJoinedIndexFieldEvent {
    field: '$.members[].joined.index'
    value: number
    index: number
  }

  export interface GroupStatePbMembersAdminSinceVersionFieldEvent {
    field: '$.members[].adminSince.version'
    value: bigint
    index: number
  }

  export interface GroupStatePbMembersAdminSinceChangeFieldEvent {
    field: '$.members[].adminSince.change'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface GroupStatePbMembersAdminSinceIndexFieldEvent {
    field: '$.members[].adminSince.index'
    value: number
    index: number
  }

  export interface GroupStatePbOnlyAdminsSendFieldEvent {
    field: '$.onlyAdminsSend'
    value: boolean
  }

  export interface GroupStatePbOnlyAdminsEditInfoFieldEvent {
    field: '$.onlyAdminsEditInfo'
    value: boolean
  }

  export interface GroupStatePbInviteSecretFieldEvent {
    field: '$.inviteSecret'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GroupStatePb>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupStatePb.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupStatePb>): GroupStatePb {
    return decodeMessage(buf, GroupStatePb.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupStatePb>): Generator<GroupStatePbGroupIdFieldEvent | GroupStatePbVersionFieldEvent | GroupStatePbNameFieldEvent | GroupStatePbDescriptionFieldEvent | GroupStatePbPhotoFieldEvent | GroupStatePbMembersIdentityKeyFieldEvent | GroupStatePbMembersE164FieldEvent | GroupStatePbMembersAdminFieldEvent | GroupStatePbMembersJoinedVersionFieldEvent | GroupStatePbMembersJoinedChangeFieldEvent | GroupStatePbMembersJoinedIndexFieldEvent | GroupStatePbMembersAdminSinceVersionFieldEvent | GroupStatePbMembersAdminSinceChangeFieldEvent | GroupStatePbMembersAdminSinceIndexFieldEvent | GroupStatePbOnlyAdminsSendFieldEvent | GroupStatePbOnlyAdminsEditInfoFieldEvent | GroupStatePbInviteSecretFieldEvent> {
    return streamMessage(buf, GroupStatePb.codec(), opts)
  }
}
