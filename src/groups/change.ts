/** One group change on the wire (docs/groups.md): create, sign, encode, decode and verify it (shape, limits, canonical bytes, signature) and compute its hash; knows no state, order or log. */
import { compareBytes, concat, constantTimeEqual, utf8 } from '../crypto/bytes.js'
import { defaultProvider } from '../crypto/default-provider.js'
import { checkIdentityKey, IDENTITY_KEY_LENGTH, SIGNATURE_LENGTH, verifySignature, type IdentityKeyPair } from '../crypto/identity.js'
import type { RandomSource } from '../crypto/deps.js'
import type { CryptoProvider } from '../crypto/provider.js'
import {
  GROUP_CHANGE_FORMAT, GROUP_CHANGE_HASH_LENGTH, GROUP_ID_LENGTH, MAX_CHANGE_PARENTS, MAX_GROUP_CHANGE_BYTES, MAX_GROUP_MEMBERS
} from './constants.js'
import { GroupLimitError, GroupSignatureError, MalformedGroupChangeError } from './errors.js'
import { GroupChangeBodyPb, SignedGroupChangePb, type GroupMemberPb } from './pb/group.js'
import { checkAction, type ChangeFacts, type GroupAction, type NewMember } from './state.js'

/** Domain separation: a change signature is never mistaken for any other Parley signature. */
const SIGN_CONTEXT = utf8('Parley_GroupChange_v1')
/** The hash names the change (parents, replay, order); it covers the signed body, not the signature. */
const HASH_CONTEXT = utf8('Parley_GroupChangeHash_v1')

/** What an author says in a change, before signing. */
export interface ChangeFields {
  groupId: Uint8Array
  /** hashes of the changes it builds on (any order; signed sorted); none for the creation */
  parents: Uint8Array[]
  /** 0 for the creation, else 1 + the highest version of the parents */
  version: number
  /** the author's clock, ms since the epoch: shown to people, never used to order */
  createdAt: number
  action: GroupAction
}

/** A decoded, signature-checked change. Whether its author may make it is the log's question. */
export interface GroupChange extends ChangeFacts {
  parents: Uint8Array[]
  createdAt: number
  signature: Uint8Array
  /** the encoded SignedGroupChangePb, as it travels */
  bytes: Uint8Array
}

type Bytes = Uint8Array<ArrayBuffer>
const b = (x: Uint8Array): Bytes => x as Bytes

function memberPb (m: NewMember): GroupMemberPb {
  return { identityKey: b(m.identityKey), e164: m.e164, admin: m.role === 'admin' }
}

function memberOf (pb: GroupMemberPb, creation: boolean): NewMember {
  return creation ? { identityKey: pb.identityKey, e164: pb.e164, role: pb.admin ? 'admin' : 'member' } : { identityKey: pb.identityKey, e164: pb.e164, ...(pb.admin ? { role: 'admin' } : {}) }
}

function actionPb (a: GroupAction): Partial<GroupChangeBodyPb> {
  switch (a.type) {
    case 'create':
      return {
        create: {
          name: a.name,
          description: a.description,
          photo: b(a.photo),
          members: a.members.map(memberPb),
          onlyAdminsSend: a.onlyAdminsSend,
          onlyAdminsEditInfo: a.onlyAdminsEditInfo,
          inviteSecret: b(a.inviteSecret ?? new Uint8Array(0))
        }
      }
    case 'add': return { add: { members: a.members.map(memberPb) } }
    case 'remove': return { remove: { identityKey: b(a.member) } }
    case 'promote': return { promote: { identityKey: b(a.member) } }
    case 'demote': return { demote: { identityKey: b(a.member) } }
    case 'edit-info':
      return { editInfo: { ...(a.name != null ? { name: a.name } : {}), ...(a.description != null ? { description: a.description } : {}), ...(a.photo != null ? { photo: b(a.photo) } : {}) } }
    case 'settings':
      return { settings: { ...(a.onlyAdminsSend != null ? { onlyAdminsSend: a.onlyAdminsSend } : {}), ...(a.onlyAdminsEditInfo != null ? { onlyAdminsEditInfo: a.onlyAdminsEditInfo } : {}) } }
    case 'invite': return { invite: { secret: b(a.secret ?? new Uint8Array(0)) } }
    case 'leave': return { leave: {} }
    case 'join': return { join: { e164: a.e164, proof: b(a.proof) } }
  }
}

/** The one action of a decoded body; MalformedGroupChangeError unless exactly one is present. */
function actionOf (pb: GroupChangeBodyPb): GroupAction {
  const present = [pb.create, pb.add, pb.remove, pb.promote, pb.demote, pb.editInfo, pb.settings, pb.invite, pb.leave, pb.join].filter(x => x != null).length
  if (present !== 1) throw new MalformedGroupChangeError('a change does exactly one thing')
  if (pb.create != null) {
    const c = pb.create
    return {
      type: 'create',
      name: c.name,
      description: c.description,
      photo: c.photo,
      members: c.members.map(m => memberOf(m, true)),
      onlyAdminsSend: c.onlyAdminsSend,
      onlyAdminsEditInfo: c.onlyAdminsEditInfo,
      ...(c.inviteSecret.length > 0 ? { inviteSecret: c.inviteSecret } : {})
    }
  }
  if (pb.add != null) return { type: 'add', members: pb.add.members.map(m => memberOf(m, false)) }
  if (pb.remove != null) return { type: 'remove', member: pb.remove.identityKey }
  if (pb.promote != null) return { type: 'promote', member: pb.promote.identityKey }
  if (pb.demote != null) return { type: 'demote', member: pb.demote.identityKey }
  if (pb.editInfo != null) {
    const e = pb.editInfo
    return { type: 'edit-info', ...(e.name != null ? { name: e.name } : {}), ...(e.description != null ? { description: e.description } : {}), ...(e.photo != null ? { photo: e.photo } : {}) }
  }
  if (pb.settings != null) {
    const s = pb.settings
    return { type: 'settings', ...(s.onlyAdminsSend != null ? { onlyAdminsSend: s.onlyAdminsSend } : {}), ...(s.onlyAdminsEditInfo != null ? { onlyAdminsEditInfo: s.onlyAdminsEditInfo } : {}) }
  }
  if (pb.invite != null) return { type: 'invite', ...(pb.invite.secret.length > 0 ? { secret: pb.invite.secret } : {}) }
  if (pb.leave != null) return { type: 'leave' }
  const j = pb.join!
  return { type: 'join', e164: j.e164, proof: j.proof }
}

/** The checks signing and decoding share: group id, parents (ascending, unique, 32 bytes), version and times, the action's shape and limits. */
function checkFields (f: ChangeFields): void {
  if (!(f.groupId instanceof Uint8Array) || f.groupId.length !== GROUP_ID_LENGTH) throw new MalformedGroupChangeError('a group id is 32 bytes')
  if (f.parents.length > MAX_CHANGE_PARENTS) throw new GroupLimitError(`a change names at most ${MAX_CHANGE_PARENTS} parents`)
  for (let i = 0; i < f.parents.length; i++) {
    if (f.parents[i].length !== GROUP_CHANGE_HASH_LENGTH) throw new MalformedGroupChangeError('a parent is not a change hash')
    if (i > 0 && compareBytes(f.parents[i - 1], f.parents[i]) >= 0) throw new MalformedGroupChangeError('parents are not in ascending order, or repeat')
  }
  if (!Number.isSafeInteger(f.version) || f.version < 0) throw new MalformedGroupChangeError('version out of range')
  if (!Number.isSafeInteger(f.createdAt) || f.createdAt < 0) throw new MalformedGroupChangeError('createdAt out of range')
  if ((f.version === 0) !== (f.parents.length === 0)) throw new MalformedGroupChangeError('only the creation has version 0 and no parents')
  if ((f.version === 0) !== (f.action.type === 'create')) throw new MalformedGroupChangeError('a creation is the first change and only the first')
  checkAction(f.action)
}

function bodyPb (author: Uint8Array, f: ChangeFields): Partial<GroupChangeBodyPb> {
  return {
    format: GROUP_CHANGE_FORMAT,
    groupId: b(f.groupId),
    parents: f.parents.map(b),
    version: BigInt(f.version),
    author: b(author),
    createdAt: BigInt(f.createdAt),
    ...actionPb(f.action)
  }
}

function hashOf (body: Uint8Array, provider: CryptoProvider): Uint8Array {
  return provider.sha256(concat(HASH_CONTEXT, body))
}

/** Signs a change with the author's identity key. Throws MalformedGroupChangeError or GroupLimitError for fields a decoder would refuse. */
export function signChange (identity: IdentityKeyPair, fields: ChangeFields, provider: CryptoProvider = defaultProvider()): GroupChange {
  const f = { ...fields, parents: [...fields.parents].sort(compareBytes) }
  checkFields(f)
  const body = GroupChangeBodyPb.encode(bodyPb(identity.publicKey, f))
  const signature = identity.sign(concat(SIGN_CONTEXT, body), provider)
  const bytes = SignedGroupChangePb.encode({ body, signature: b(signature) })
  if (bytes.length > MAX_GROUP_CHANGE_BYTES) throw new GroupLimitError(`a change is at most ${MAX_GROUP_CHANGE_BYTES} bytes`)
  // the action as a decoder reads it back (roles spelled out, absent fields absent)
  const action = actionOf(GroupChangeBodyPb.decode(body))
  return { ...f, action, author: identity.publicKey, hash: hashOf(body, provider), signature, bytes }
}

function toSafe (v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedGroupChangeError(`${what} out of range`)
  return Number(v)
}

/** protons refuses a repeated field beyond its limit with a MaxLengthError: that is a limit, anything else is malformed. */
function decodeError (err: unknown): Error {
  return (err as Error)?.name === 'MaxLengthError' ? new GroupLimitError('a change lists more than allowed') : new MalformedGroupChangeError()
}

/**
 * Decodes a change as it travels and checks everything that needs no other change: size, canonical encoding
 * (re-encoding gives the same bytes, so one change has one hash), format, fields and limits, and the author's
 * signature. Throws GroupLimitError, MalformedGroupChangeError or GroupSignatureError.
 */
export function decodeChange (bytes: Uint8Array, provider: CryptoProvider = defaultProvider()): GroupChange {
  if (!(bytes instanceof Uint8Array)) throw new MalformedGroupChangeError()
  if (bytes.length > MAX_GROUP_CHANGE_BYTES) throw new GroupLimitError(`a change is at most ${MAX_GROUP_CHANGE_BYTES} bytes`)
  let signed: SignedGroupChangePb
  let pb: GroupChangeBodyPb
  try {
    signed = SignedGroupChangePb.decode(bytes)
    pb = GroupChangeBodyPb.decode(signed.body, { limits: { parents: MAX_CHANGE_PARENTS, create: { members: MAX_GROUP_MEMBERS }, add: { members: MAX_GROUP_MEMBERS } } })
  } catch (err) {
    throw decodeError(err)
  }
  if (!constantTimeEqual(SignedGroupChangePb.encode(signed), bytes) || !constantTimeEqual(GroupChangeBodyPb.encode(pb), signed.body)) {
    throw new MalformedGroupChangeError('a change is not canonically encoded')
  }
  if (pb.format !== GROUP_CHANGE_FORMAT) throw new MalformedGroupChangeError('unknown change format')
  const fields: ChangeFields = {
    groupId: pb.groupId,
    parents: pb.parents,
    version: toSafe(pb.version, 'version'),
    createdAt: toSafe(pb.createdAt, 'createdAt'),
    action: actionOf(pb)
  }
  checkFields(fields)
  if (pb.author.length !== IDENTITY_KEY_LENGTH) throw new MalformedGroupChangeError('the author is not a 32-byte identity key')
  try {
    checkIdentityKey(pb.author)
  } catch {
    throw new MalformedGroupChangeError('the author is not a valid identity key')
  }
  if (signed.signature.length !== SIGNATURE_LENGTH || !verifySignature(pb.author, concat(SIGN_CONTEXT, signed.body), signed.signature, provider)) {
    throw new GroupSignatureError()
  }
  return { ...fields, author: pb.author, hash: hashOf(signed.body, provider), signature: signed.signature, bytes }
}

export interface NewGroup {
  /** the creator's number */
  e164: string
  name: string
  description?: string
  photo?: Uint8Array
  /** the other first members (the creator is added first, as admin) */
  members?: NewMember[]
  onlyAdminsSend?: boolean
  onlyAdminsEditInfo?: boolean
  /** start with an invite link */
  inviteSecret?: Uint8Array
  createdAt: number
  random: RandomSource
}

/** A new group's creation: a random 32-byte id, the creator first and admin. */
export function createGroup (identity: IdentityKeyPair, g: NewGroup, provider?: CryptoProvider): GroupChange {
  return signChange(identity, {
    groupId: g.random(GROUP_ID_LENGTH),
    parents: [],
    version: 0,
    createdAt: g.createdAt,
    action: {
      type: 'create',
      name: g.name,
      description: g.description ?? '',
      photo: g.photo ?? new Uint8Array(0),
      members: [{ identityKey: identity.publicKey, e164: g.e164, role: 'admin' }, ...(g.members ?? [])],
      onlyAdminsSend: g.onlyAdminsSend ?? false,
      onlyAdminsEditInfo: g.onlyAdminsEditInfo ?? false,
      ...(g.inviteSecret != null ? { inviteSecret: g.inviteSecret } : {})
    }
  }, provider)
}
