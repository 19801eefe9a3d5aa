/** A group's state and the pure rules of each change (docs/groups.md): shapes and limits of actions, who may do what, the last-admin rule, the canonical state hash; knows no signatures, wire format, order or log. */
import { checkIdentityKey, IDENTITY_KEY_LENGTH } from '../crypto/identity.js'
import { compareBytes, concat, constantTimeEqual, toHex, utf8 } from '../crypto/bytes.js'
import { defaultProvider } from '../crypto/default-provider.js'
import type { CryptoProvider } from '../crypto/provider.js'
import { E164 } from '../util/phone.js'
import {
  GROUP_ID_LENGTH, GROUP_INVITE_SECRET_LENGTH, GROUP_JOIN_PROOF_LENGTH, MAX_E164_LENGTH, MAX_GROUP_DESCRIPTION_LENGTH, MAX_GROUP_MEMBERS,
  MAX_GROUP_NAME_LENGTH, MAX_GROUP_PHOTO_REF_BYTES
} from './constants.js'
import {
  GroupInviteError, GroupLimitError, GroupNotAdminError, GroupNotMemberError, InvalidGroupChangeError, MalformedGroupChangeError, WrongGroupError
} from './errors.js'
import { checkJoinProof } from './invite.js'
import { GroupStatePb } from './pb/group.js'

export type GroupRole = 'admin' | 'member'

/**
 * Where something stands in the order of changes: the change that made it so (its version and hash, the
 * order's sort key) and the position in that change's member list. Compared as (version, change, index), the
 * same in every member's log whatever else it holds.
 */
export interface Seniority {
  version: number
  change: Uint8Array
  index: number
}

export interface GroupMember {
  /** the account's identity key (shared by its linked devices) */
  identityKey: Uint8Array
  /** the account's phone number, E.164 */
  e164: string
  role: GroupRole
  /** when the member joined: the oldest member has the smallest */
  joined: Seniority
  /** admins only: when the member last became admin; the smaller, the more senior */
  adminSince?: Seniority
}

/** A member as a creation or an addition names it. */
export interface NewMember {
  identityKey: Uint8Array
  e164: string
  /** creation only (absent: member); an addition adds plain members */
  role?: GroupRole
}

/** What a change does. */
export type GroupAction =
  | { type: 'create', name: string, description: string, photo: Uint8Array, members: NewMember[], onlyAdminsSend: boolean, onlyAdminsEditInfo: boolean, inviteSecret?: Uint8Array }
  | { type: 'add', members: NewMember[] }
  | { type: 'remove' | 'promote' | 'demote', member: Uint8Array }
  | { type: 'edit-info', name?: string, description?: string, photo?: Uint8Array }
  | { type: 'settings', onlyAdminsSend?: boolean, onlyAdminsEditInfo?: boolean }
  /** a new invite link secret (rotate), or none (revoke) */
  | { type: 'invite', secret?: Uint8Array }
  | { type: 'leave' }
  /** the author joins with the invite link; `proof` is joinProof(secret, groupId, author, e164) */
  | { type: 'join', e164: string, proof: Uint8Array }

/** What the rules need of a change: which group, where it stands in the order, who made it, what it does. */
export interface ChangeFacts {
  groupId: Uint8Array
  hash: Uint8Array
  version: number
  author: Uint8Array
  action: GroupAction
}

/** A group as the changes so far make it. Never mutated: applyChange returns a new state. */
export interface GroupState {
  groupId: Uint8Array
  /** the highest version among the changes folded in */
  version: number
  name: string
  description: string
  /** opaque photo reference; empty = none */
  photo: Uint8Array
  /** in the order they joined (oldest first) */
  members: GroupMember[]
  onlyAdminsSend: boolean
  onlyAdminsEditInfo: boolean
  /** the invite link secret; absent = no link */
  inviteSecret?: Uint8Array
}

/** Negative when `a` comes first in the order of changes. */
export function compareSeniority (a: Seniority, b: Seniority): number {
  return a.version - b.version || compareBytes(a.change, b.change) || a.index - b.index
}

export function findMember (state: GroupState, identityKey: Uint8Array): GroupMember | undefined {
  return state.members.find(m => constantTimeEqual(m.identityKey, identityKey))
}

export function isAdmin (state: GroupState, identityKey: Uint8Array): boolean {
  return findMember(state, identityKey)?.role === 'admin'
}

export function admins (state: GroupState): GroupMember[] {
  return state.members.filter(m => m.role === 'admin')
}

/** True when `a` is an admin senior to `b`: `b` is a plain member, or became admin after `a` did. */
export function outranks (state: GroupState, a: Uint8Array, b: Uint8Array): boolean {
  const ma = findMember(state, a)
  const mb = findMember(state, b)
  if (ma?.adminSince == null || mb == null || ma === mb) return false
  return mb.adminSince == null || compareSeniority(ma.adminSince, mb.adminSince) < 0
}

/** Characters as a person counts them, roughly: Unicode code points. */
function characters (s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}

/** A string that survives UTF-8 (no lone surrogates), within `max` characters. */
function checkText (s: unknown, max: number, what: string, required: boolean): void {
  if (typeof s !== 'string') throw new MalformedGroupChangeError(`${what} is not text`)
  if (required && s.trim() === '') throw new MalformedGroupChangeError(`${what} is empty`)
  if (s.length > max * 2 || characters(s) > max) throw new GroupLimitError(`${what} is longer than ${max} characters`)
  if (new TextDecoder().decode(utf8(s)) !== s) throw new MalformedGroupChangeError(`${what} is not valid Unicode`)
}

function checkBytes (b: unknown, what: string): asserts b is Uint8Array {
  if (!(b instanceof Uint8Array)) throw new MalformedGroupChangeError(`${what} is not bytes`)
}

function checkPhoto (photo: unknown): void {
  checkBytes(photo, 'photo reference')
  if (photo.length > MAX_GROUP_PHOTO_REF_BYTES) throw new GroupLimitError(`a photo reference is at most ${MAX_GROUP_PHOTO_REF_BYTES} bytes`)
}

function checkKey (key: unknown, what: string): void {
  checkBytes(key, what)
  if (key.length !== IDENTITY_KEY_LENGTH) throw new MalformedGroupChangeError(`${what} is not a 32-byte identity key`)
  try {
    checkIdentityKey(key)
  } catch {
    throw new MalformedGroupChangeError(`${what} is not a valid identity key`)
  }
}

function checkE164 (e164: unknown): void {
  if (typeof e164 !== 'string' || e164.length > MAX_E164_LENGTH || !E164.test(e164)) throw new MalformedGroupChangeError('a member number is not E.164')
}

function checkMembers (members: unknown, creation: boolean): void {
  if (!Array.isArray(members) || members.length === 0) throw new MalformedGroupChangeError('a change names no members')
  if (members.length > MAX_GROUP_MEMBERS) throw new GroupLimitError(`a group has at most ${MAX_GROUP_MEMBERS} members`)
  const keys = new Set<string>()
  const numbers = new Set<string>()
  for (const m of members as NewMember[]) {
    checkKey(m.identityKey, 'a member key')
    checkE164(m.e164)
    if (m.role != null && m.role !== 'admin' && m.role !== 'member') throw new MalformedGroupChangeError('a member role is unknown')
    if (!creation && m.role === 'admin') throw new MalformedGroupChangeError('members are added as members (promote them after)')
    const key = toHex(m.identityKey)
    if (keys.has(key) || numbers.has(m.e164)) throw new MalformedGroupChangeError('a change names a member twice')
    keys.add(key)
    numbers.add(m.e164)
  }
}

/** Throws MalformedGroupChangeError or GroupLimitError for an action out of shape or beyond a limit (the decode boundary and signing both call it). */
export function checkAction (action: GroupAction): void {
  switch (action.type) {
    case 'create':
      checkText(action.name, MAX_GROUP_NAME_LENGTH, 'the group name', true)
      checkText(action.description, MAX_GROUP_DESCRIPTION_LENGTH, 'the description', false)
      checkPhoto(action.photo)
      checkMembers(action.members, true)
      if (typeof action.onlyAdminsSend !== 'boolean' || typeof action.onlyAdminsEditInfo !== 'boolean') throw new MalformedGroupChangeError('a setting is not a boolean')
      if (action.inviteSecret != null) checkSecret(action.inviteSecret)
      return
    case 'add':
      checkMembers(action.members, false)
      return
    case 'remove':
    case 'promote':
    case 'demote':
      checkKey(action.member, 'the target member')
      return
    case 'edit-info':
      if (action.name == null && action.description == null && action.photo == null) throw new MalformedGroupChangeError('an edit changes nothing')
      if (action.name != null) checkText(action.name, MAX_GROUP_NAME_LENGTH, 'the group name', true)
      if (action.description != null) checkText(action.description, MAX_GROUP_DESCRIPTION_LENGTH, 'the description', false)
      if (action.photo != null) checkPhoto(action.photo)
      return
    case 'settings':
      if (action.onlyAdminsSend == null && action.onlyAdminsEditInfo == null) throw new MalformedGroupChangeError('a settings change changes nothing')
      if ((action.onlyAdminsSend != null && typeof action.onlyAdminsSend !== 'boolean') || (action.onlyAdminsEditInfo != null && typeof action.onlyAdminsEditInfo !== 'boolean')) {
        throw new MalformedGroupChangeError('a setting is not a boolean')
      }
      return
    case 'invite':
      if (action.secret != null) checkSecret(action.secret)
      return
    case 'leave':
      return
    case 'join':
      checkE164(action.e164)
      checkBytes(action.proof, 'the join proof')
      if (action.proof.length !== GROUP_JOIN_PROOF_LENGTH) throw new MalformedGroupChangeError('a join proof is 32 bytes')
      return
    default:
      throw new MalformedGroupChangeError('unknown group action')
  }
}

function checkSecret (secret: unknown): void {
  checkBytes(secret, 'the invite secret')
  if (secret.length !== GROUP_INVITE_SECRET_LENGTH) throw new MalformedGroupChangeError('an invite secret is 32 bytes')
}

/**
 * The state a creation makes: its members with their roles, the author first and an admin (the creator is
 * the first admin). Throws InvalidGroupChangeError for anything but a valid creation.
 */
export function createState (change: ChangeFacts): GroupState {
  const a = change.action
  if (a.type !== 'create' || change.version !== 0) throw new InvalidGroupChangeError('a group starts with its creation')
  if (change.groupId.length !== GROUP_ID_LENGTH) throw new MalformedGroupChangeError('a group id is 32 bytes')
  const creator = a.members[0]
  if (creator == null || !constantTimeEqual(creator.identityKey, change.author) || creator.role !== 'admin') {
    throw new InvalidGroupChangeError('the creator is the first member and an admin')
  }
  return {
    groupId: change.groupId,
    version: 0,
    name: a.name,
    description: a.description,
    photo: a.photo,
    members: a.members.map((m, index) => {
      const joined = { version: 0, change: change.hash, index }
      return m.role === 'admin'
        ? { identityKey: m.identityKey, e164: m.e164, role: 'admin', joined, adminSince: joined }
        : { identityKey: m.identityKey, e164: m.e164, role: 'member', joined }
    }),
    onlyAdminsSend: a.onlyAdminsSend,
    onlyAdminsEditInfo: a.onlyAdminsEditInfo,
    ...(a.inviteSecret != null ? { inviteSecret: a.inviteSecret } : {})
  }
}

export interface ApplyOptions {
  /**
   * The author counts as a plain member whatever the state says: a more senior admin demoted it in a change
   * this one did not see (docs/groups.md, "Conflicts").
   */
  demoted?: boolean
  provider?: CryptoProvider
}

function without (members: GroupMember[], key: Uint8Array): GroupMember[] {
  return members.filter(m => !constantTimeEqual(m.identityKey, key))
}

function replaced (members: GroupMember[], key: Uint8Array, f: (m: GroupMember) => GroupMember): GroupMember[] {
  return members.map(m => constantTimeEqual(m.identityKey, key) ? f(m) : m)
}

function targetOf (state: GroupState, key: Uint8Array): GroupMember {
  const target = findMember(state, key)
  if (target == null) throw new InvalidGroupChangeError('the target is not a member')
  return target
}

/**
 * The state after `change`, or the error that refuses it. Rules:
 * - `create` only starts a group (createState); a second one is WrongGroupError;
 * - `join` by a non-member whose proof matches the current invite secret (GroupInviteError otherwise) and whose number no member has,
 *   into a group that still has members (one everybody left has ended);
 * - every other change is by a member (GroupNotMemberError);
 * - `leave` by any member; when the last admin leaves, the oldest remaining member becomes admin;
 * - `edit-info` by an admin, or by any member when onlyAdminsEditInfo is off;
 * - `add`, `remove`, `promote`, `demote`, `settings`, `invite` by an admin only (GroupNotAdminError);
 * - nobody removes themself (they leave), and the last admin cannot be demoted: a group with members always has an admin;
 * - at most MAX_GROUP_MEMBERS members (GroupLimitError).
 */
export function applyChange (state: GroupState, change: ChangeFacts, options: ApplyOptions = {}): GroupState {
  if (!constantTimeEqual(state.groupId, change.groupId)) throw new WrongGroupError()
  const a = change.action
  const at = (index: number): Seniority => ({ version: change.version, change: change.hash, index })
  const next = (patch: Partial<GroupState>): GroupState => ({ ...state, ...patch, version: Math.max(state.version, change.version) })
  if (a.type === 'create') throw new WrongGroupError('a group is created once')
  const author = findMember(state, change.author)
  if (a.type === 'join') {
    if (author != null) throw new InvalidGroupChangeError('the joiner is already a member')
    // everyone left: the group has ended, and a joiner would be a member with no admin
    if (state.members.length === 0) throw new InvalidGroupChangeError('the group has no members left')
    if (state.inviteSecret == null || !checkJoinProof(a.proof, state.inviteSecret, state.groupId, change.author, a.e164, options.provider)) throw new GroupInviteError()
    if (state.members.some(m => m.e164 === a.e164)) throw new InvalidGroupChangeError('a member already has this number')
    if (state.members.length >= MAX_GROUP_MEMBERS) throw new GroupLimitError('the group is full')
    return next({ members: [...state.members, { identityKey: change.author, e164: a.e164, role: 'member', joined: at(0) }] })
  }
  if (author == null) throw new GroupNotMemberError()
  const authorIsAdmin = author.role === 'admin' && options.demoted !== true
  if (a.type === 'leave') {
    let members = without(state.members, change.author)
    if (author.role === 'admin' && members.length > 0 && !members.some(m => m.role === 'admin')) {
      // the last admin leaves: the oldest remaining member (members are in join order) becomes admin
      members = [{ ...members[0], role: 'admin', adminSince: at(0) }, ...members.slice(1)]
    }
    return next({ members })
  }
  if (a.type === 'edit-info') {
    if (state.onlyAdminsEditInfo && !authorIsAdmin) throw new GroupNotAdminError()
    return next({
      ...(a.name != null ? { name: a.name } : {}),
      ...(a.description != null ? { description: a.description } : {}),
      ...(a.photo != null ? { photo: a.photo } : {})
    })
  }
  if (!authorIsAdmin) throw new GroupNotAdminError()
  switch (a.type) {
    case 'add': {
      for (const m of a.members) {
        if (findMember(state, m.identityKey) != null || state.members.some(x => x.e164 === m.e164)) throw new InvalidGroupChangeError('an added member is already a member')
      }
      if (state.members.length + a.members.length > MAX_GROUP_MEMBERS) throw new GroupLimitError('the group would have too many members')
      return next({ members: [...state.members, ...a.members.map((m, i): GroupMember => ({ identityKey: m.identityKey, e164: m.e164, role: 'member', joined: at(i) }))] })
    }
    case 'remove': {
      if (constantTimeEqual(a.member, change.author)) throw new InvalidGroupChangeError('a member leaves rather than removes itself')
      targetOf(state, a.member)
      return next({ members: without(state.members, a.member) })
    }
    case 'promote': {
      if (targetOf(state, a.member).role === 'admin') throw new InvalidGroupChangeError('the target is already an admin')
      return next({ members: replaced(state.members, a.member, m => ({ ...m, role: 'admin', adminSince: at(0) })) })
    }
    case 'demote': {
      if (targetOf(state, a.member).role !== 'admin') throw new InvalidGroupChangeError('the target is not an admin')
      if (admins(state).length === 1) throw new InvalidGroupChangeError('the last admin cannot be demoted')
      return next({ members: replaced(state.members, a.member, m => ({ identityKey: m.identityKey, e164: m.e164, role: 'member', joined: m.joined })) })
    }
    case 'settings':
      return next({
        ...(a.onlyAdminsSend != null ? { onlyAdminsSend: a.onlyAdminsSend } : {}),
        ...(a.onlyAdminsEditInfo != null ? { onlyAdminsEditInfo: a.onlyAdminsEditInfo } : {})
      })
    case 'invite': {
      const { inviteSecret: _old, ...rest } = state
      return a.secret != null ? next({ inviteSecret: a.secret }) : { ...rest, version: Math.max(state.version, change.version) }
    }
  }
}

function seniorityPb (s: Seniority): { version: bigint, change: Uint8Array<ArrayBuffer>, index: number } {
  return { version: BigInt(s.version), change: s.change as Uint8Array<ArrayBuffer>, index: s.index }
}

/** The canonical encoding of a state (GroupStatePb): equal states, equal bytes. */
export function encodeState (state: GroupState): Uint8Array {
  return GroupStatePb.encode({
    groupId: state.groupId as Uint8Array<ArrayBuffer>,
    version: BigInt(state.version),
    name: state.name,
    description: state.description,
    photo: state.photo as Uint8Array<ArrayBuffer>,
    members: state.members.map(m => ({
      identityKey: m.identityKey as Uint8Array<ArrayBuffer>,
      e164: m.e164,
      admin: m.role === 'admin',
      joined: seniorityPb(m.joined),
      ...(m.adminSince != null ? { adminSince: seniorityPb(m.adminSince) } : {})
    })),
    onlyAdminsSend: state.onlyAdminsSend,
    onlyAdminsEditInfo: state.onlyAdminsEditInfo,
    inviteSecret: (state.inviteSecret ?? new Uint8Array(0)) as Uint8Array<ArrayBuffer>
  })
}

const STATE_HASH_CONTEXT = utf8('Parley_GroupState_v1')

/** SHA-256 of the canonical state: two members hold the same group exactly when their hashes match. */
export function stateHash (state: GroupState, provider: CryptoProvider = defaultProvider()): Uint8Array {
  return provider.sha256(concat(STATE_HASH_CONTEXT, encodeState(state)))
}
