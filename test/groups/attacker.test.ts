// An attacker against a member's log, with only what it can send: a non-admin trying every admin action, a
// removed member trying to come back or to act (also by building on a change from before its removal), a
// stranger, forged and tampered signatures, replays (also of an old removal), changes of another group, oversize
// and malformed bytes, stolen join proofs, and a flood of unplaceable changes. Each is refused with its own error,
// or recorded void, and the state stays as it was.
import { describe, it, expect } from 'vitest'
import { concat } from '../../src/crypto/bytes.js'
import {
  GROUP_OUT_OF_DATE_VERSIONS, MAX_GROUP_CHANGE_BYTES, MAX_GROUP_NAME_LENGTH, MAX_PENDING_GROUP_CHANGES, joinProof, signChange, stateHash,
  type GroupAction, type GroupChange, type GroupLog
} from '../../src/groups/index.js'
import { GroupChangeBodyPb, SignedGroupChangePb } from '../../src/groups/pb/group.js'
import { SeededRandom } from '../helpers/seeded-random.js'
import { T0, act, errorName, group, on, people, replica, roster } from './helpers.js'

const [alice, bob, mallory, dave, erin, trent] = people(6, 'attacker')
const SECRET = new Uint8Array(32).fill(9)

/** alice (creator) and bob admins; mallory and dave members; admins only edit the info; an invite link. */
function club (): { creation: GroupChange, log: GroupLog } {
  return group(alice, [bob.as('admin'), mallory.as(), dave.as()], { onlyAdminsEditInfo: true, inviteSecret: SECRET })
}

/** `fn` throws a GroupError named `name`, and the log records nothing and keeps its state. */
function refused (log: GroupLog, name: string, fn: () => unknown): void {
  const state = stateHash(log.state)
  const heads = log.heads
  expect(errorName(fn)).toBe(name)
  expect(stateHash(log.state)).toEqual(state)
  expect(log.heads).toEqual(heads)
}

const adminActions: Array<[string, GroupAction]> = [
  ['add someone', { type: 'add', members: [erin.as()] }],
  ['remove a member', { type: 'remove', member: dave.key }],
  ['remove an admin', { type: 'remove', member: alice.key }],
  ['promote itself', { type: 'promote', member: mallory.key }],
  ['promote another', { type: 'promote', member: dave.key }],
  ['demote an admin', { type: 'demote', member: alice.key }],
  ['change a setting', { type: 'settings', onlyAdminsSend: true }],
  ['open editing to members', { type: 'settings', onlyAdminsEditInfo: false }],
  ['rotate the invite link', { type: 'invite', secret: new Uint8Array(32).fill(6) }],
  ['revoke the invite link', { type: 'invite' }],
  ['rename the group while only admins edit', { type: 'edit-info', name: 'pwned' }]
]

describe('a member who is not an admin', () => {
  it.each(adminActions)('cannot %s: GroupNotAdminError, nothing recorded', (_, action) => {
    const { log } = club()
    refused(log, 'GroupNotAdminError', () => act(log, mallory, action))
  })

  it('nobody adds an admin directly: an addition naming an admin is MalformedGroupChangeError, even signed by an admin', () => {
    const { creation, log } = club()
    const body = GroupChangeBodyPb.encode({
      format: 1, groupId: creation.groupId, parents: [creation.hash], version: 1n, author: alice.key, createdAt: BigInt(T0),
      add: { members: [{ identityKey: erin.key, e164: erin.e164, admin: true }] }
    } as unknown as GroupChangeBodyPb)
    const bytes = SignedGroupChangePb.encode({ body, signature: alice.identity.sign(concat(new TextEncoder().encode('Parley_GroupChange_v1'), body)) as Uint8Array<ArrayBuffer> })
    refused(log, 'MalformedGroupChangeError', () => log.add(bytes))
  })

  it('who was demoted cannot act as an admin any more', () => {
    const { log } = club()
    act(log, alice, { type: 'demote', member: bob.key })
    refused(log, 'GroupNotAdminError', () => act(log, bob, { type: 'remove', member: alice.key }))
    refused(log, 'GroupNotAdminError', () => act(log, bob, { type: 'promote', member: bob.key }))
  })
})

describe('a removed member', () => {
  function removed (): { creation: GroupChange, log: GroupLog } {
    const { creation, log } = club()
    act(log, alice, { type: 'remove', member: mallory.key })
    return { creation, log }
  }

  it('cannot add itself back, act, or leave again: GroupNotMemberError', () => {
    const { log } = removed()
    refused(log, 'GroupNotMemberError', () => act(log, mallory, { type: 'add', members: [mallory.as()] }))
    refused(log, 'GroupNotMemberError', () => act(log, mallory, { type: 'promote', member: mallory.key }))
    refused(log, 'GroupNotMemberError', () => act(log, mallory, { type: 'edit-info', name: 'pwned' }))
    refused(log, 'GroupNotMemberError', () => act(log, mallory, { type: 'leave' }))
  })

  it('cannot rejoin through the link once an admin rotated it (GroupInviteError), nor with a proof for someone else', () => {
    const { creation, log } = removed()
    act(log, alice, { type: 'invite', secret: new Uint8Array(32).fill(1) })
    refused(log, 'GroupInviteError', () => act(log, mallory, { type: 'join', e164: mallory.e164, proof: joinProof(SECRET, creation.groupId, mallory.key, mallory.e164) }))
    const erinsJoin = act(log, erin, { type: 'join', e164: erin.e164, proof: joinProof(new Uint8Array(32).fill(1), creation.groupId, erin.key, erin.e164) }).change
    const stolen = erinsJoin.action.type === 'join' ? erinsJoin.action.proof : new Uint8Array(0)
    refused(log, 'GroupInviteError', () => act(log, mallory, { type: 'join', e164: erin.e164, proof: stolen }))
    refused(log, 'GroupInviteError', () => act(log, mallory, { type: 'join', e164: mallory.e164, proof: stolen }))
  })

  it('building on a change from before its removal only records void changes: GroupNotMemberError', () => {
    // members may edit the info here, so mallory's edit passes the check against the state it claims to have seen
    const { log } = group(alice, [bob.as('admin'), mallory.as(), dave.as()], { inviteSecret: SECRET })
    const before = [act(log, alice, { type: 'settings', onlyAdminsSend: true }).change]
    act(log, alice, { type: 'remove', member: mallory.key })
    const state = stateHash(log.state)
    for (const action of [{ type: 'edit-info', name: 'pwned' }, { type: 'edit-info', description: 'backdated' }, { type: 'leave' }] as GroupAction[]) {
      // mallory pretends it never saw its removal
      const backdated = on(before, mallory, action)
      expect(log.add(backdated.bytes)).toMatchObject({ status: 'void', error: { name: 'GroupNotMemberError' } })
      expect(log.has(backdated.hash)).toBe(true)
    }
    expect(stateHash(log.state)).toEqual(state)
    expect(log.state).toMatchObject({ name: 'Climbing club', description: '', onlyAdminsSend: true })
  })

  it('a removed admin building on a change from before its removal cannot undo it, nor remove the admin who removed it', () => {
    const { creation, log } = club()
    const early = act(log, alice, { type: 'settings', onlyAdminsSend: true }).change
    act(log, alice, { type: 'remove', member: bob.key })
    for (const action of [{ type: 'remove', member: alice.key }, { type: 'demote', member: alice.key }, { type: 'add', members: [trent.as()] }, { type: 'invite', secret: new Uint8Array(32).fill(7) }] as GroupAction[]) {
      expect(log.add(on([early], bob, action).bytes).status).toBe('void')
      expect(log.add(on([creation], bob, action, T0 + 1).bytes).status).toBe('void')
    }
    expect(roster(log)).toEqual([[alice.e164, 'admin'], [mallory.e164, 'member'], [dave.e164, 'member']])
    expect(log.state.inviteSecret).toEqual(SECRET)
  })

  it(`building on a change more than ${GROUP_OUT_OF_DATE_VERSIONS} versions back is OutOfDateGroupChangeError`, () => {
    const { creation, log } = club()
    for (let i = 0; i <= GROUP_OUT_OF_DATE_VERSIONS; i++) act(log, alice, { type: 'edit-info', description: `v${i}` })
    act(log, alice, { type: 'remove', member: mallory.key })
    const outcome = log.add(on([creation], mallory, { type: 'leave' }).bytes)
    expect(outcome).toMatchObject({ status: 'void', error: { name: 'OutOfDateGroupChangeError' } })
  })
})

describe('a stranger', () => {
  it('cannot act on the group: GroupNotMemberError', () => {
    const { log } = club()
    for (const [, action] of adminActions) refused(log, 'GroupNotMemberError', () => act(log, trent, action))
    refused(log, 'GroupNotMemberError', () => act(log, trent, { type: 'leave' }))
  })

  it('cannot sign as an admin: GroupSignatureError', () => {
    const { creation, log } = club()
    const genuine = signChange(alice.identity, { groupId: creation.groupId, parents: [creation.hash], version: 1, createdAt: T0, action: { type: 'add', members: [trent.as()] } })
    const { body } = SignedGroupChangePb.decode(genuine.bytes)
    const forged = SignedGroupChangePb.encode({ body, signature: trent.identity.sign(concat(new TextEncoder().encode('Parley_GroupChange_v1'), body)) as Uint8Array<ArrayBuffer> })
    refused(log, 'GroupSignatureError', () => log.add(forged))
  })

  it('cannot join without the link: GroupInviteError', () => {
    const { creation, log } = club()
    refused(log, 'GroupInviteError', () => act(log, trent, { type: 'join', e164: trent.e164, proof: joinProof(new Uint8Array(32).fill(3), creation.groupId, trent.key, trent.e164) }))
    refused(log, 'GroupInviteError', () => act(log, trent, { type: 'join', e164: trent.e164, proof: new Uint8Array(32) }))
  })
})

describe('replays and tampering', () => {
  it('an admin\'s change with a field changed after signing (the target of a removal) is GroupSignatureError', () => {
    const { creation, log } = club()
    const removal = on([creation], alice, { type: 'remove', member: mallory.key })
    const signed = SignedGroupChangePb.decode(removal.bytes)
    const body = GroupChangeBodyPb.decode(signed.body)
    const tampered = SignedGroupChangePb.encode({ body: GroupChangeBodyPb.encode({ ...body, remove: { identityKey: bob.key as Uint8Array<ArrayBuffer> } }), signature: signed.signature })
    refused(log, 'GroupSignatureError', () => log.add(tampered))
  })

  it('a replayed change is ReplayedGroupChangeError; replaying an old removal does not remove a member added back', () => {
    const { log } = club()
    const removal = act(log, alice, { type: 'remove', member: dave.key }).change
    refused(log, 'ReplayedGroupChangeError', () => log.add(removal.bytes))
    act(log, alice, { type: 'add', members: [dave.as()] })
    refused(log, 'ReplayedGroupChangeError', () => log.add(removal.bytes))
    expect(roster(log).at(-1)).toEqual([dave.e164, 'member'])
  })

  it('a change of another group with the same people is WrongGroupError', () => {
    const { log } = club()
    const other = group(alice, [bob.as('admin'), mallory.as(), dave.as()], { onlyAdminsEditInfo: true, inviteSecret: SECRET }, 'another group')
    const removal = act(other.log, alice, { type: 'remove', member: dave.key }).change
    refused(log, 'WrongGroupError', () => log.add(removal.bytes))
    refused(log, 'WrongGroupError', () => log.add(other.creation.bytes))
  })
})

describe('oversize and malformed bytes', () => {
  it('an oversize field, even signed by an admin, is GroupLimitError', () => {
    const { creation, log } = club()
    const body = GroupChangeBodyPb.encode({
      format: 1, groupId: creation.groupId, parents: [creation.hash], version: 1n, author: alice.key, createdAt: BigInt(T0),
      editInfo: { name: 'x'.repeat(MAX_GROUP_NAME_LENGTH + 1) }
    } as unknown as GroupChangeBodyPb)
    const bytes = SignedGroupChangePb.encode({ body, signature: alice.identity.sign(concat(new TextEncoder().encode('Parley_GroupChange_v1'), body)) as Uint8Array<ArrayBuffer> })
    refused(log, 'GroupLimitError', () => log.add(bytes))
    refused(log, 'GroupLimitError', () => log.add(new Uint8Array(MAX_GROUP_CHANGE_BYTES + 1)))
  })

  it('malformed protobuf is MalformedGroupChangeError', () => {
    const { creation, log } = club()
    const rng = new SeededRandom('malformed')
    for (let i = 0; i < 10; i++) refused(log, 'MalformedGroupChangeError', () => log.add(rng.random(1 + rng.int(200))))
    refused(log, 'MalformedGroupChangeError', () => log.add(creation.bytes.subarray(0, creation.bytes.length - 3)))
    refused(log, 'MalformedGroupChangeError', () => log.add(concat(on([creation], alice, { type: 'leave' }).bytes, Uint8Array.of(0x18, 0x01))))
  })
})

describe('a flood of unplaceable changes', () => {
  it('fills the pending room and stops there (GroupPendingFullError), while placeable changes still count; replicas agree', () => {
    const { creation, log } = club()
    const rng = new SeededRandom('flood')
    for (let i = 0; i < MAX_PENDING_GROUP_CHANGES; i++) {
      log.add(signChange(trent.identity, { groupId: creation.groupId, parents: [rng.random(32)], version: 7, createdAt: T0, action: { type: 'leave' } }).bytes)
    }
    const more = signChange(trent.identity, { groupId: creation.groupId, parents: [rng.random(32)], version: 7, createdAt: T0, action: { type: 'leave' } })
    refused(log, 'GroupPendingFullError', () => log.add(more.bytes))
    const honest = act(log, alice, { type: 'add', members: [erin.as()] }).change
    expect(log.statusOf(honest.hash)?.status).toBe('applied')
    expect(stateHash(replica(creation, [honest]).state)).toEqual(stateHash(log.state))
  })
})
