// The pure rules of a group's state (no signatures, no log): the creation, who may make each change, the
// last-admin rule, the member limit, join proofs, the shapes and limits of actions, seniority and the state hash.
import { describe, it, expect } from 'vitest'
import {
  GROUP_INVITE_SECRET_LENGTH, MAX_GROUP_DESCRIPTION_LENGTH, MAX_GROUP_MEMBERS, MAX_GROUP_NAME_LENGTH, MAX_GROUP_PHOTO_REF_BYTES,
  admins, applyChange, checkAction, compareSeniority, createState, encodeState, findMember, isAdmin, joinProof, outranks, stateHash,
  type ChangeFacts, type GroupAction, type GroupState, type NewMember
} from '../../src/groups/index.js'
import { errorName, people } from './helpers.js'

const GROUP = new Uint8Array(32).fill(7)
const [alice, bob, carol, dave, erin] = people(5, 'state')
const SECRET = new Uint8Array(GROUP_INVITE_SECRET_LENGTH).fill(9)

let counter = 0
/** A change as the rules see it: a fresh hash, one version above the state's. */
function facts (author: Uint8Array, action: GroupAction, version = 1): ChangeFacts {
  const hash = new Uint8Array(32)
  hash[0] = ++counter & 0xff
  hash[1] = counter >> 8
  return { groupId: GROUP, hash, version, author, action }
}

const create = (members: NewMember[], extra: Partial<Extract<GroupAction, { type: 'create' }>> = {}): GroupAction =>
  ({ type: 'create', name: 'Climbing club', description: '', photo: new Uint8Array(0), members, onlyAdminsSend: false, onlyAdminsEditInfo: false, ...extra })

/** alice (creator, admin), bob (admin), carol and dave (members). */
function base (extra: Partial<Extract<GroupAction, { type: 'create' }>> = {}): GroupState {
  return createState({ ...facts(alice.key, create([alice.as('admin'), bob.as('admin'), carol.as(), dave.as()], extra), 0), hash: new Uint8Array(32) })
}

const apply = (s: GroupState, author: Uint8Array, action: GroupAction, version = s.version + 1): GroupState => applyChange(s, facts(author, action, version))
const refusal = (s: GroupState, author: Uint8Array, action: GroupAction): string => errorName(() => apply(s, author, action))
const roles = (s: GroupState): Array<[string, string]> => s.members.map(m => [m.e164, m.role])

/** A synthetic member (the rules do not check keys; the decode boundary does). */
function synthetic (i: number): NewMember {
  const key = new Uint8Array(32)
  new DataView(key.buffer).setUint32(0, i + 1)
  return { identityKey: key, e164: `+4470${String(i).padStart(8, '0')}` }
}

describe('creation', () => {
  it('makes the creator the first member and an admin, with the roles and settings it names', () => {
    const s = base({ description: 'Saturdays', photo: Uint8Array.of(1, 2), onlyAdminsSend: true, inviteSecret: SECRET })
    expect(roles(s)).toEqual([[alice.e164, 'admin'], [bob.e164, 'admin'], [carol.e164, 'member'], [dave.e164, 'member']])
    expect(s).toMatchObject({ name: 'Climbing club', description: 'Saturdays', photo: Uint8Array.of(1, 2), onlyAdminsSend: true, onlyAdminsEditInfo: false, inviteSecret: SECRET, version: 0 })
    expect(s.members.map(m => m.joined.index)).toEqual([0, 1, 2, 3])
    expect(s.members[1].adminSince).toEqual(s.members[1].joined)
    expect(s.members[2].adminSince).toBeUndefined()
  })

  it('is refused unless its author is the first member and an admin, at version 0', () => {
    expect(errorName(() => createState(facts(bob.key, create([alice.as('admin'), bob.as('admin')]), 0)))).toBe('InvalidGroupChangeError')
    expect(errorName(() => createState(facts(alice.key, create([alice.as('member'), bob.as('admin')]), 0)))).toBe('InvalidGroupChangeError')
    expect(errorName(() => createState(facts(alice.key, create([alice.as('admin')]), 1)))).toBe('InvalidGroupChangeError')
    expect(errorName(() => createState(facts(alice.key, { type: 'leave' }, 0)))).toBe('InvalidGroupChangeError')
  })

  it('happens once: a creation applied to a state, or a change of another group, is WrongGroupError', () => {
    const s = base()
    expect(refusal(s, alice.key, create([alice.as('admin')]))).toBe('WrongGroupError')
    expect(errorName(() => applyChange(s, { ...facts(alice.key, { type: 'leave' }), groupId: new Uint8Array(32) }))).toBe('WrongGroupError')
  })
})

describe('who may do what', () => {
  const adminOnly: Array<[string, GroupAction]> = [
    ['add', { type: 'add', members: [erin.as()] }],
    ['remove', { type: 'remove', member: dave.key }],
    ['promote', { type: 'promote', member: dave.key }],
    ['demote', { type: 'demote', member: bob.key }],
    ['settings', { type: 'settings', onlyAdminsSend: true }],
    ['invite', { type: 'invite', secret: SECRET }],
    ['revoke invite', { type: 'invite' }]
  ]

  it.each(adminOnly)('%s: an admin may, a member gets GroupNotAdminError, a stranger GroupNotMemberError', (_, action) => {
    const s = base()
    expect(refusal(s, bob.key, action)).toBe('no error')
    expect(refusal(s, carol.key, action)).toBe('GroupNotAdminError')
    expect(refusal(s, erin.key, action)).toBe('GroupNotMemberError')
  })

  it.each(adminOnly)('%s: an admin counted as demoted (a concurrent demotion) gets GroupNotAdminError', (_, action) => {
    expect(errorName(() => applyChange(base(), facts(bob.key, action), { demoted: true }))).toBe('GroupNotAdminError')
  })

  it('edit info: any member while onlyAdminsEditInfo is off, only admins once it is on; strangers never', () => {
    const edit: GroupAction = { type: 'edit-info', name: 'Bouldering' }
    expect(apply(base(), carol.key, edit).name).toBe('Bouldering')
    expect(refusal(base(), erin.key, edit)).toBe('GroupNotMemberError')
    const locked = apply(base(), alice.key, { type: 'settings', onlyAdminsEditInfo: true })
    expect(refusal(locked, carol.key, edit)).toBe('GroupNotAdminError')
    expect(apply(locked, bob.key, edit).name).toBe('Bouldering')
    expect(errorName(() => applyChange(locked, facts(bob.key, edit), { demoted: true }))).toBe('GroupNotAdminError')
  })

  it('edit info changes only the fields it names; an empty photo removes the photo', () => {
    const s = base({ description: 'Saturdays', photo: Uint8Array.of(1) })
    expect(apply(s, carol.key, { type: 'edit-info', description: 'Sundays' })).toMatchObject({ name: 'Climbing club', description: 'Sundays', photo: Uint8Array.of(1) })
    expect(apply(s, carol.key, { type: 'edit-info', photo: new Uint8Array(0) }).photo).toEqual(new Uint8Array(0))
  })

  it('settings change only the setting they name', () => {
    const s = apply(base(), alice.key, { type: 'settings', onlyAdminsSend: true })
    expect(s).toMatchObject({ onlyAdminsSend: true, onlyAdminsEditInfo: false })
    expect(apply(s, alice.key, { type: 'settings', onlyAdminsEditInfo: true })).toMatchObject({ onlyAdminsSend: true, onlyAdminsEditInfo: true })
  })

  it('an admin rotates and revokes the invite link', () => {
    const other = new Uint8Array(32).fill(3)
    const s = apply(base({ inviteSecret: SECRET }), bob.key, { type: 'invite', secret: other })
    expect(s.inviteSecret).toEqual(other)
    const revoked = apply(s, bob.key, { type: 'invite' })
    expect(revoked.inviteSecret).toBeUndefined()
    expect('inviteSecret' in revoked).toBe(false)
  })

  it('an admin adds plain members, in the order given, after the others', () => {
    const s = apply(base(), bob.key, { type: 'add', members: [erin.as(), synthetic(1)] }, 3)
    expect(roles(s).slice(4)).toEqual([[erin.e164, 'member'], [synthetic(1).e164, 'member']])
    expect(s.members[4].joined).toMatchObject({ version: 3, index: 0 })
    expect(s.members[5].joined).toMatchObject({ version: 3, index: 1 })
    expect(s.version).toBe(3)
  })

  it('adding a member twice (same key or same number) is InvalidGroupChangeError', () => {
    expect(refusal(base(), alice.key, { type: 'add', members: [carol.as()] })).toBe('InvalidGroupChangeError')
    expect(refusal(base(), alice.key, { type: 'add', members: [{ identityKey: erin.key, e164: carol.e164 }] })).toBe('InvalidGroupChangeError')
  })

  it('an admin removes members and other admins; nobody removes themself or a stranger', () => {
    expect(roles(apply(base(), bob.key, { type: 'remove', member: alice.key })).map(([n]) => n)).toEqual([bob.e164, carol.e164, dave.e164])
    expect(findMember(apply(base(), alice.key, { type: 'remove', member: carol.key }), carol.key)).toBeUndefined()
    expect(refusal(base(), alice.key, { type: 'remove', member: alice.key })).toBe('InvalidGroupChangeError')
    expect(refusal(base(), alice.key, { type: 'remove', member: erin.key })).toBe('InvalidGroupChangeError')
  })

  it('promote makes a member admin (senior to nobody before it); promote an admin or a stranger is InvalidGroupChangeError', () => {
    const s = apply(base(), alice.key, { type: 'promote', member: carol.key }, 5)
    expect(isAdmin(s, carol.key)).toBe(true)
    expect(findMember(s, carol.key)?.adminSince).toMatchObject({ version: 5, index: 0 })
    expect(refusal(base(), alice.key, { type: 'promote', member: bob.key })).toBe('InvalidGroupChangeError')
    expect(refusal(base(), alice.key, { type: 'promote', member: erin.key })).toBe('InvalidGroupChangeError')
  })

  it('demote makes an admin a member (also oneself); demoting a member is InvalidGroupChangeError', () => {
    const s = apply(base(), bob.key, { type: 'demote', member: alice.key })
    expect(findMember(s, alice.key)).toMatchObject({ role: 'member' })
    expect(findMember(s, alice.key)?.adminSince).toBeUndefined()
    expect(admins(apply(base(), bob.key, { type: 'demote', member: bob.key })).map(m => m.e164)).toEqual([alice.e164])
    expect(refusal(base(), alice.key, { type: 'demote', member: carol.key })).toBe('InvalidGroupChangeError')
  })

  it('an admin cannot be demoted or removed by a non-admin', () => {
    expect(refusal(base(), carol.key, { type: 'demote', member: alice.key })).toBe('GroupNotAdminError')
    expect(refusal(base(), carol.key, { type: 'remove', member: alice.key })).toBe('GroupNotAdminError')
  })

  it('does not change the state it is given', () => {
    const s = base()
    const bytes = encodeState(s)
    apply(s, alice.key, { type: 'add', members: [erin.as()] })
    apply(s, alice.key, { type: 'promote', member: carol.key })
    apply(s, alice.key, { type: 'leave' })
    expect(encodeState(s)).toEqual(bytes)
  })
})

describe('no group with members is left without an admin', () => {
  it('the last admin cannot be demoted, not even by itself', () => {
    const s = apply(base(), bob.key, { type: 'leave' })
    expect(refusal(s, alice.key, { type: 'demote', member: alice.key })).toBe('InvalidGroupChangeError')
  })

  it('an admin leaving while another admin stays promotes nobody', () => {
    const s = apply(base(), alice.key, { type: 'leave' })
    expect(roles(s)).toEqual([[bob.e164, 'admin'], [carol.e164, 'member'], [dave.e164, 'member']])
  })

  it('when the last admin leaves, the member who joined first becomes admin', () => {
    let s = apply(base(), bob.key, { type: 'leave' }, 1)
    s = apply(s, alice.key, { type: 'add', members: [erin.as()] }, 2)
    s = apply(s, carol.key, { type: 'leave' }, 3)
    s = apply(s, alice.key, { type: 'leave' }, 4)
    // carol joined first but left; dave (creation) is older than erin (added later)
    expect(roles(s)).toEqual([[dave.e164, 'admin'], [erin.e164, 'member']])
    expect(findMember(s, dave.key)?.adminSince).toMatchObject({ version: 4 })
  })

  it('a member leaving never promotes anyone, and the last member leaving empties the group', () => {
    let s = createState(facts(alice.key, create([alice.as('admin'), carol.as()]), 0))
    s = apply(s, carol.key, { type: 'leave' })
    expect(roles(s)).toEqual([[alice.e164, 'admin']])
    s = apply(s, alice.key, { type: 'leave' })
    expect(s.members).toEqual([])
  })
})

describe('join by invite link', () => {
  const invited = (): GroupState => base({ inviteSecret: SECRET })
  const join = (who = erin, secret = SECRET, e164 = who.e164): GroupAction => ({ type: 'join', e164, proof: joinProof(secret, GROUP, who.key, e164) })

  it('a stranger with the current secret joins as a member, last', () => {
    const s = apply(invited(), erin.key, join(), 4)
    expect(roles(s).at(-1)).toEqual([erin.e164, 'member'])
    expect(findMember(s, erin.key)?.joined).toMatchObject({ version: 4, index: 0 })
  })

  it('is GroupInviteError without a link, with another secret, or with a proof made for someone else or another number', () => {
    expect(refusal(base(), erin.key, join())).toBe('GroupInviteError')
    expect(refusal(invited(), erin.key, join(erin, new Uint8Array(32).fill(1)))).toBe('GroupInviteError')
    const forBob = joinProof(SECRET, GROUP, bob.key, erin.e164)
    expect(refusal(invited(), erin.key, { type: 'join', e164: erin.e164, proof: forBob })).toBe('GroupInviteError')
    expect(refusal(invited(), erin.key, { type: 'join', e164: '+15550009999', proof: joinProof(SECRET, GROUP, erin.key, erin.e164) })).toBe('GroupInviteError')
    const revoked = apply(invited(), alice.key, { type: 'invite' })
    expect(refusal(revoked, erin.key, join())).toBe('GroupInviteError')
    const rotated = apply(invited(), alice.key, { type: 'invite', secret: new Uint8Array(32).fill(4) })
    expect(refusal(rotated, erin.key, join())).toBe('GroupInviteError')
  })

  it('nobody joins a group everybody left (it has ended, and would have a member without an admin)', () => {
    let s = createState(facts(alice.key, create([alice.as('admin')], { inviteSecret: SECRET }), 0))
    s = apply(s, alice.key, { type: 'leave' })
    expect(s.inviteSecret).toEqual(SECRET)
    expect(refusal(s, erin.key, join())).toBe('InvalidGroupChangeError')
  })

  it('a member joining again, or a number a member has, is InvalidGroupChangeError', () => {
    expect(refusal(invited(), carol.key, join(carol))).toBe('InvalidGroupChangeError')
    expect(refusal(invited(), erin.key, join(erin, SECRET, carol.e164))).toBe('InvalidGroupChangeError')
  })

  it('the proof binds the group: one made for another group id does not open this one', () => {
    const other = joinProof(SECRET, new Uint8Array(32).fill(8), erin.key, erin.e164)
    expect(refusal(invited(), erin.key, { type: 'join', e164: erin.e164, proof: other })).toBe('GroupInviteError')
  })
})

describe('the member limit', () => {
  const many = (n: number, from = 0): NewMember[] => Array.from({ length: n }, (_, i) => synthetic(from + i))

  it(`a group holds ${MAX_GROUP_MEMBERS} members: adding one more, or joining a full group, is GroupLimitError`, () => {
    const s = apply(base({ inviteSecret: SECRET }), alice.key, { type: 'add', members: many(MAX_GROUP_MEMBERS - 4) })
    expect(s.members).toHaveLength(MAX_GROUP_MEMBERS)
    expect(refusal(s, alice.key, { type: 'add', members: [erin.as()] })).toBe('GroupLimitError')
    expect(refusal(s, erin.key, { type: 'join', e164: erin.e164, proof: joinProof(SECRET, GROUP, erin.key, erin.e164) })).toBe('GroupLimitError')
    expect(refusal(base(), alice.key, { type: 'add', members: many(MAX_GROUP_MEMBERS - 3) })).toBe('GroupLimitError')
  })
})

describe('seniority', () => {
  it('orders by version, then change hash, then index', () => {
    const h = (b: number): Uint8Array => new Uint8Array(32).fill(b)
    expect(compareSeniority({ version: 1, change: h(9), index: 5 }, { version: 2, change: h(0), index: 0 })).toBeLessThan(0)
    expect(compareSeniority({ version: 2, change: h(1), index: 5 }, { version: 2, change: h(2), index: 0 })).toBeLessThan(0)
    expect(compareSeniority({ version: 2, change: h(1), index: 1 }, { version: 2, change: h(1), index: 2 })).toBeLessThan(0)
    expect(compareSeniority({ version: 2, change: h(1), index: 2 }, { version: 2, change: h(1), index: 2 })).toBe(0)
  })

  it('an admin outranks members and the admins made after it; members and strangers outrank nobody', () => {
    const s = apply(base(), bob.key, { type: 'promote', member: carol.key })
    expect(outranks(s, alice.key, bob.key)).toBe(true)
    expect(outranks(s, bob.key, alice.key)).toBe(false)
    expect(outranks(s, bob.key, carol.key)).toBe(true)
    expect(outranks(s, carol.key, bob.key)).toBe(false)
    expect(outranks(s, alice.key, dave.key)).toBe(true)
    expect(outranks(s, dave.key, carol.key)).toBe(false)
    expect(outranks(s, alice.key, alice.key)).toBe(false)
    expect(outranks(s, alice.key, erin.key)).toBe(false)
    expect(outranks(s, erin.key, dave.key)).toBe(false)
  })
})

describe('action shapes and limits', () => {
  const refused = (action: GroupAction): string => errorName(() => checkAction(action))
  const createWith = (extra: Partial<Extract<GroupAction, { type: 'create' }>>): GroupAction => create([alice.as('admin')], extra)

  it('names: up to 100 characters (code points, so emoji count once), not empty, valid Unicode', () => {
    expect(refused(createWith({ name: 'x'.repeat(MAX_GROUP_NAME_LENGTH) }))).toBe('no error')
    expect(refused(createWith({ name: '🧗'.repeat(MAX_GROUP_NAME_LENGTH) }))).toBe('no error')
    expect(refused(createWith({ name: 'x'.repeat(MAX_GROUP_NAME_LENGTH + 1) }))).toBe('GroupLimitError')
    expect(refused({ type: 'edit-info', name: '🧗'.repeat(MAX_GROUP_NAME_LENGTH + 1) })).toBe('GroupLimitError')
    expect(refused(createWith({ name: '  ' }))).toBe('MalformedGroupChangeError')
    expect(refused({ type: 'edit-info', name: '' })).toBe('MalformedGroupChangeError')
    expect(refused(createWith({ name: 'a\uD800b' }))).toBe('MalformedGroupChangeError')
  })

  it('descriptions up to 512 characters (may be empty), photo references up to 256 bytes', () => {
    expect(refused(createWith({ description: 'd'.repeat(MAX_GROUP_DESCRIPTION_LENGTH) }))).toBe('no error')
    expect(refused(createWith({ description: 'd'.repeat(MAX_GROUP_DESCRIPTION_LENGTH + 1) }))).toBe('GroupLimitError')
    expect(refused({ type: 'edit-info', description: '' })).toBe('no error')
    expect(refused({ type: 'edit-info', description: 'd'.repeat(MAX_GROUP_DESCRIPTION_LENGTH + 1) })).toBe('GroupLimitError')
    expect(refused(createWith({ photo: new Uint8Array(MAX_GROUP_PHOTO_REF_BYTES) }))).toBe('no error')
    expect(refused(createWith({ photo: new Uint8Array(MAX_GROUP_PHOTO_REF_BYTES + 1) }))).toBe('GroupLimitError')
    expect(refused({ type: 'edit-info', photo: new Uint8Array(MAX_GROUP_PHOTO_REF_BYTES + 1) })).toBe('GroupLimitError')
  })

  it('members: valid identity keys and E.164 numbers, none twice, at least one, added as members', () => {
    expect(refused({ type: 'add', members: [] })).toBe('MalformedGroupChangeError')
    expect(refused({ type: 'add', members: [{ identityKey: new Uint8Array(31), e164: erin.e164 }] })).toBe('MalformedGroupChangeError')
    expect(refused({ type: 'add', members: [{ identityKey: new Uint8Array(32), e164: erin.e164 }] })).toBe('MalformedGroupChangeError')
    expect(refused({ type: 'add', members: [{ identityKey: erin.key, e164: '0044 20 7946 0958' }] })).toBe('MalformedGroupChangeError')
    expect(refused({ type: 'add', members: [{ identityKey: erin.key, e164: '+1555000000000000' }] })).toBe('MalformedGroupChangeError')
    expect(refused({ type: 'add', members: [erin.as(), erin.as()] })).toBe('MalformedGroupChangeError')
    expect(refused({ type: 'add', members: [erin.as(), { identityKey: dave.key, e164: erin.e164 }] })).toBe('MalformedGroupChangeError')
    expect(refused({ type: 'add', members: [erin.as('admin')] })).toBe('MalformedGroupChangeError')
    expect(refused(create([]))).toBe('MalformedGroupChangeError')
  })

  it('targets are valid identity keys; edits and settings change something; secrets and proofs are 32 bytes', () => {
    expect(refused({ type: 'remove', member: new Uint8Array(32) })).toBe('MalformedGroupChangeError')
    expect(refused({ type: 'promote', member: erin.key.subarray(1) })).toBe('MalformedGroupChangeError')
    expect(refused({ type: 'edit-info' })).toBe('MalformedGroupChangeError')
    expect(refused({ type: 'settings' })).toBe('MalformedGroupChangeError')
    expect(refused({ type: 'invite', secret: new Uint8Array(16) })).toBe('MalformedGroupChangeError')
    expect(refused(createWith({ inviteSecret: new Uint8Array(31) }))).toBe('MalformedGroupChangeError')
    expect(refused({ type: 'join', e164: erin.e164, proof: new Uint8Array(31) })).toBe('MalformedGroupChangeError')
    expect(refused({ type: 'join', e164: 'erin', proof: new Uint8Array(32) })).toBe('MalformedGroupChangeError')
    expect(refused({ type: 'leave' })).toBe('no error')
    expect(refused({ type: 'dance' } as unknown as GroupAction)).toBe('MalformedGroupChangeError')
  })
})

describe('state hash', () => {
  it('is the same for equal states and differs when any field differs', () => {
    const s = base({ inviteSecret: SECRET })
    const h = stateHash(s)
    expect(stateHash(base({ inviteSecret: SECRET }))).toEqual(h)
    const variants: GroupState[] = [
      { ...s, version: 9 },
      { ...s, name: 'x' },
      { ...s, description: 'x' },
      { ...s, photo: Uint8Array.of(1) },
      { ...s, onlyAdminsSend: true },
      { ...s, onlyAdminsEditInfo: true },
      { ...s, inviteSecret: new Uint8Array(32) },
      { ...s, members: s.members.slice(1) },
      { ...s, members: [s.members[1], s.members[0], ...s.members.slice(2)] },
      apply(s, alice.key, { type: 'promote', member: carol.key }, 0)
    ]
    for (const v of variants) expect(stateHash(v)).not.toEqual(h)
  })
})
