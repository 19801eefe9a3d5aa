// The change log: recording, replays, changes waiting for parents, heads and merges, the causal check, the
// out-of-date rule at its exact bound, the conflict rule between concurrent changes, joins by invite link, and
// a new member rebuilding the same log from the changes.
import { describe, it, expect } from 'vitest'
import {
  GROUP_OUT_OF_DATE_VERSIONS, MAX_CHANGE_PARENTS, MAX_PENDING_GROUP_CHANGES, GroupLog, createGroup, joinProof, signChange, stateHash,
  type GroupChange
} from '../../src/groups/index.js'
import { compareBytes } from '../../src/crypto/bytes.js'
import { SeededRandom } from '../helpers/seeded-random.js'
import { T0, act, errorName, group, on, people, replica, roster } from './helpers.js'

const [alice, bob, carol, dave, erin] = people(5, 'log')
const SECRET = new Uint8Array(32).fill(9)

/** alice (creator) and bob admins, carol and dave members. */
function club (options = {}): { creation: GroupChange, log: GroupLog } {
  return group(alice, [bob.as('admin'), carol.as(), dave.as()], options)
}

const rename = (name: string) => ({ type: 'edit-info', name }) as const

describe('opening and recording', () => {
  it('opens on a creation and refuses anything else', () => {
    const { creation, log } = club()
    expect(roster(log)).toEqual([[alice.e164, 'admin'], [bob.e164, 'admin'], [carol.e164, 'member'], [dave.e164, 'member']])
    expect(log.groupId).toEqual(creation.groupId)
    expect(log.heads).toEqual([creation.hash])
    expect(log.version).toBe(0)
    const leave = on([creation], carol, { type: 'leave' })
    expect(errorName(() => GroupLog.open(leave.bytes))).toBe('InvalidGroupChangeError')
    expect(errorName(() => GroupLog.open(Uint8Array.of(1, 2, 3)))).toBe('MalformedGroupChangeError')
  })

  it('records changes on the heads, one version above them', () => {
    const { log } = club()
    const { change, outcome } = act(log, carol, rename('Bouldering'))
    expect(outcome).toEqual({ hash: change.hash, status: 'applied', released: [], revised: [] })
    expect(change.version).toBe(1)
    expect(log.state.name).toBe('Bouldering')
    expect(log.heads).toEqual([change.hash])
    expect(log.has(change.hash)).toBe(true)
    expect(log.statusOf(change.hash)).toEqual({ hash: change.hash, status: 'applied' })
    expect(log.statusOf(new Uint8Array(32))).toBeUndefined()
    act(log, alice, { type: 'remove', member: dave.key })
    expect(log.version).toBe(2)
    expect(roster(log).map(([n]) => n)).toEqual([alice.e164, bob.e164, carol.e164])
  })

  it('a replayed change (recorded, pending, or the creation) is ReplayedGroupChangeError and changes nothing', () => {
    const { creation, log } = club()
    const { change } = act(log, alice, { type: 'remove', member: dave.key })
    const hash = stateHash(log.state)
    expect(errorName(() => log.add(change.bytes))).toBe('ReplayedGroupChangeError')
    expect(errorName(() => log.add(creation.bytes))).toBe('ReplayedGroupChangeError')
    const orphan = on([on([change], alice, rename('x'))], alice, rename('y'))
    expect(log.add(orphan.bytes).status).toBe('pending')
    expect(errorName(() => log.add(orphan.bytes))).toBe('ReplayedGroupChangeError')
    expect(stateHash(log.state)).toEqual(hash)
    expect(log.pendingCount).toBe(1)
  })

  it('a change whose version does not follow its parents is MalformedGroupChangeError and is not recorded', () => {
    const { creation, log } = club()
    const skip = signChange(alice.identity, { groupId: creation.groupId, parents: [creation.hash], version: 2, createdAt: T0, action: rename('x') })
    expect(errorName(() => log.add(skip.bytes))).toBe('MalformedGroupChangeError')
    expect(log.has(skip.hash)).toBe(false)
  })

  it('a change of another group, or a second creation of this one, is WrongGroupError', () => {
    const { creation, log } = club()
    const other = group(alice, [bob.as('admin'), carol.as(), dave.as()], {}, 'other group')
    expect(errorName(() => log.add(act(other.log, alice, rename('x')).change.bytes))).toBe('WrongGroupError')
    // the same seed gives the same group id: a rival creation of this group
    const rival = createGroup(bob.identity, { e164: bob.e164, name: 'Mine now', createdAt: T0, random: new SeededRandom('group').random })
    expect(rival.groupId).toEqual(creation.groupId)
    expect(errorName(() => log.add(rival.bytes))).toBe('WrongGroupError')
  })

  it('a change its author may not make in the state it saw is refused and not recorded', () => {
    const { creation, log } = club()
    const byMember = on([creation], carol, { type: 'remove', member: dave.key })
    expect(errorName(() => log.add(byMember.bytes))).toBe('GroupNotAdminError')
    const byStranger = on([creation], erin, rename('mine'))
    expect(errorName(() => log.add(byStranger.bytes))).toBe('GroupNotMemberError')
    const nonsense = on([creation], alice, { type: 'promote', member: bob.key })
    expect(errorName(() => log.add(nonsense.bytes))).toBe('InvalidGroupChangeError')
    expect([byMember, byStranger, nonsense].some(c => log.has(c.hash))).toBe(false)
    expect(log.heads).toEqual([creation.hash])
  })
})

describe('changes waiting for their parents', () => {
  it('wait until their parents arrive, then are placed in order; missing() names what to fetch', () => {
    const { creation } = club()
    const a = on([creation], alice, rename('a'))
    const b = on([a], bob, rename('b'))
    const c = on([b], carol, { type: 'leave' })
    const other = replica(creation)
    expect(other.add(c.bytes).status).toBe('pending')
    expect(other.add(b.bytes).status).toBe('pending')
    expect(other.missing()).toEqual([a.hash])
    const outcome = other.add(a.bytes)
    expect(outcome.status).toBe('applied')
    expect(outcome.released.map(r => [r.hash, r.status])).toEqual([[b.hash, 'applied'], [c.hash, 'applied']])
    expect(other.pendingCount).toBe(0)
    expect(other.missing()).toEqual([])
    expect(other.state.name).toBe('b')
    expect(roster(other).map(([n]) => n)).toEqual([alice.e164, bob.e164, dave.e164])
  })

  it('a waiting change refused once placed is reported as refused, with the changes that built on it', () => {
    const { creation, log } = club()
    const a = on([creation], alice, rename('a'))
    const bad = on([a], carol, { type: 'promote', member: carol.key })
    const child = on([bad], carol, rename('c'))
    log.add(bad.bytes)
    log.add(child.bytes)
    const outcome = log.add(a.bytes)
    expect(outcome.released.map(r => [r.hash, r.status, r.error?.name])).toEqual([
      [bad.hash, 'refused', 'GroupNotAdminError'],
      [child.hash, 'refused', 'InvalidGroupChangeError']
    ])
    expect(log.pendingCount).toBe(0)
    expect(log.has(bad.hash)).toBe(false)
  })

  it(`hold at most ${MAX_PENDING_GROUP_CHANGES}: the next is GroupPendingFullError; changes with known parents still get in`, () => {
    const { creation, log } = club()
    const rng = new SeededRandom('orphans')
    for (let i = 0; i < MAX_PENDING_GROUP_CHANGES; i++) {
      const orphan = signChange(carol.identity, { groupId: creation.groupId, parents: [rng.random(32)], version: 2, createdAt: T0, action: rename(`o${i}`) })
      expect(log.add(orphan.bytes).status).toBe('pending')
    }
    const one = signChange(carol.identity, { groupId: creation.groupId, parents: [rng.random(32)], version: 2, createdAt: T0, action: rename('one more') })
    expect(errorName(() => log.add(one.bytes))).toBe('GroupPendingFullError')
    expect(act(log, alice, rename('still works')).outcome.status).toBe('applied')
  })
})

describe('heads and merges', () => {
  it('concurrent changes make several heads; the next change merges them all', () => {
    const { creation, log } = club()
    const a = on([creation], alice, rename('a'))
    const b = on([creation], bob, { type: 'settings', onlyAdminsSend: true })
    log.add(a.bytes)
    log.add(b.bytes)
    expect(new Set(log.heads.map(String))).toEqual(new Set([a.hash, b.hash].map(String)))
    expect(log.next()).toEqual({ parents: log.heads, version: 2 })
    const { change } = act(log, carol, { type: 'leave' })
    expect(change.parents).toHaveLength(2)
    expect(log.heads).toEqual([change.hash])
    expect(log.state).toMatchObject({ name: 'a', onlyAdminsSend: true })
  })

  it(`names at most ${MAX_CHANGE_PARENTS} parents, the highest versions first; a later change merges the rest`, () => {
    const { creation, log } = club()
    const first = on([creation], alice, rename('base'))
    log.add(first.bytes)
    for (let i = 0; i < MAX_CHANGE_PARENTS; i++) log.add(on([first], alice, rename(`n${i}`)).bytes)
    const low = on([creation], bob, { type: 'settings', onlyAdminsSend: true })
    log.add(low.bytes)
    expect(log.heads).toHaveLength(MAX_CHANGE_PARENTS + 1)
    expect(log.heads.at(-1)).toEqual(low.hash)
    const next = log.next()
    expect(next.parents).toHaveLength(MAX_CHANGE_PARENTS)
    expect(next.parents).not.toContainEqual(low.hash)
    act(log, alice, rename('merge'))
    expect(log.heads).toHaveLength(2)
    act(log, alice, rename('merge again'))
    expect(log.heads).toHaveLength(1)
    expect(log.state).toMatchObject({ name: 'merge again', onlyAdminsSend: true })
  })
})

describe('out of date', () => {
  /** A main line of `k` changes after the fork, and one change made at the fork. */
  function fork (k: number): { log: GroupLog, late: GroupChange, main: GroupChange[], creation: GroupChange } {
    const { creation, log } = club()
    const main: GroupChange[] = []
    for (let i = 0; i < k; i++) main.push(act(log, alice, rename(`m${i}`)).change)
    return { log, creation, main, late: on([creation], bob, { type: 'settings', onlyAdminsSend: true }) }
  }

  it(`a change ${GROUP_OUT_OF_DATE_VERSIONS} versions behind a change that does not build on it still counts`, () => {
    // the late change has version 1; the main line reaches version L: L − 1 < L versions above it
    const { log, late } = fork(GROUP_OUT_OF_DATE_VERSIONS)
    expect(log.add(late.bytes)).toMatchObject({ status: 'applied' })
    expect(log.state.onlyAdminsSend).toBe(true)
  })

  it(`one more version and it is recorded but void: OutOfDateGroupChangeError`, () => {
    const { log, late } = fork(GROUP_OUT_OF_DATE_VERSIONS + 1)
    const before = stateHash(log.state)
    const outcome = log.add(late.bytes)
    expect(outcome.status).toBe('void')
    expect(outcome.error?.name).toBe('OutOfDateGroupChangeError')
    expect(log.state.onlyAdminsSend).toBe(false)
    expect(stateHash(log.state)).toEqual(before)
    expect(log.has(late.hash)).toBe(true)
    expect(errorName(() => log.add(late.bytes))).toBe('ReplayedGroupChangeError')
  })

  it('a change that counted becomes out of date when the main line goes on without it, and is reported as revised', () => {
    const { log, late, main } = fork(GROUP_OUT_OF_DATE_VERSIONS)
    log.add(late.bytes)
    const next = on([main.at(-1)!], alice, rename('goes on'))
    const outcome = log.add(next.bytes)
    expect(outcome.status).toBe('applied')
    expect(outcome.revised).toEqual([{ hash: late.hash, status: 'void', error: expect.objectContaining({ name: 'OutOfDateGroupChangeError' }) }])
    expect(log.state.onlyAdminsSend).toBe(false)
  })

  it('a change the others merged in time is never out of date', () => {
    const { log, late } = fork(GROUP_OUT_OF_DATE_VERSIONS)
    log.add(late.bytes)
    for (let i = 0; i < 3; i++) act(log, alice, rename(`after ${i}`))
    expect(log.statusOf(late.hash)?.status).toBe('applied')
    expect(log.state.onlyAdminsSend).toBe(true)
  })
})

describe('conflicts between concurrent changes', () => {
  /** Adds `changes` to a fresh log in this order and in the reverse order; both give the same state, returned. */
  function both (creation: GroupChange, base: GroupChange[], changes: GroupChange[]): GroupLog {
    const forward = replica(creation, [...base, ...changes])
    const backward = replica(creation, [...base, ...[...changes].reverse()])
    expect(stateHash(backward.state)).toEqual(stateHash(forward.state))
    for (const c of changes) expect(backward.statusOf(c.hash)).toEqual(forward.statusOf(c.hash))
    return forward
  }

  it('admin A removes admin B while B removes A: the senior admin (the creator) wins, whatever the hashes', () => {
    const { creation } = club()
    const aRemovesB = on([creation], alice, { type: 'remove', member: bob.key })
    const orders = new Set<boolean>()
    for (let t = 0; t < 8; t++) {
      const bRemovesA = on([creation], bob, { type: 'remove', member: alice.key }, T0 + t)
      orders.add(compareBytes(bRemovesA.hash, aRemovesB.hash) < 0)
      const log = both(creation, [], [aRemovesB, bRemovesA])
      expect(roster(log)).toEqual([[alice.e164, 'admin'], [carol.e164, 'member'], [dave.e164, 'member']])
      expect(log.statusOf(bRemovesA.hash)).toMatchObject({ status: 'void', error: { name: 'GroupNotMemberError' } })
    }
    expect(orders).toEqual(new Set([true, false]))
  })

  it('a junior admin slipping its removal under an older version still loses to the senior admin', () => {
    const { log } = club()
    const a = act(log, carol, rename('one')).change
    const b = act(log, carol, rename('two')).change
    const aRemovesB = act(log, alice, { type: 'remove', member: bob.key }).change
    // bob builds on an older change: his removal of alice comes first in the order
    const bRemovesA = on([a], bob, { type: 'remove', member: alice.key })
    expect(bRemovesA.version).toBeLessThan(aRemovesB.version)
    const outcome = log.add(bRemovesA.bytes)
    expect(outcome).toMatchObject({ status: 'void', error: { name: 'GroupNotMemberError' } })
    expect(roster(log).map(([n]) => n)).toEqual([alice.e164, carol.e164, dave.e164])
    expect(log.state.name).toBe(b.action.type === 'edit-info' ? b.action.name : '')
  })

  it('admin A removes admin B while B promotes C: C stays a member', () => {
    const { creation } = club()
    const log = both(creation, [], [on([creation], alice, { type: 'remove', member: bob.key }), on([creation], bob, { type: 'promote', member: carol.key })])
    expect(roster(log)).toEqual([[alice.e164, 'admin'], [carol.e164, 'member'], [dave.e164, 'member']])
  })

  it('a junior admin may remove a senior one when the senior did not object concurrently', () => {
    const { log } = club()
    act(log, bob, { type: 'remove', member: alice.key })
    expect(roster(log)).toEqual([[bob.e164, 'admin'], [carol.e164, 'member'], [dave.e164, 'member']])
  })

  it('a demoted admin loses its concurrent admin changes but keeps what members may do, whatever the hashes', () => {
    const { creation } = club()
    const demote = on([creation], alice, { type: 'demote', member: bob.key })
    const orders = new Set<boolean>()
    for (let t = 0; t < 8; t++) {
      const remove = on([creation], bob, { type: 'remove', member: dave.key }, T0 + t)
      const edit = on([creation], bob, { type: 'edit-info', description: 'by bob' }, T0 + t)
      orders.add(compareBytes(remove.hash, demote.hash) < 0)
      const log = both(creation, [], [demote, remove, edit])
      expect(roster(log)).toEqual([[alice.e164, 'admin'], [bob.e164, 'member'], [carol.e164, 'member'], [dave.e164, 'member']])
      expect(log.statusOf(remove.hash)).toMatchObject({ status: 'void', error: { name: 'GroupNotAdminError' } })
      expect(log.state.description).toBe('by bob')
    }
    expect(orders).toEqual(new Set([true, false]))
  })

  it('the two admins demoting each other: the senior stays admin, whatever the hashes', () => {
    const { creation } = club()
    const aDemotesB = on([creation], alice, { type: 'demote', member: bob.key })
    const orders = new Set<boolean>()
    for (let t = 0; t < 8; t++) {
      const bDemotesA = on([creation], bob, { type: 'demote', member: alice.key }, T0 + t)
      orders.add(compareBytes(bDemotesA.hash, aDemotesB.hash) < 0)
      const log = both(creation, [], [aDemotesB, bDemotesA])
      expect(roster(log).slice(0, 2)).toEqual([[alice.e164, 'admin'], [bob.e164, 'member']])
      expect(log.statusOf(bDemotesA.hash)).toMatchObject({ status: 'void', error: { name: 'GroupNotAdminError' } })
    }
    expect(orders).toEqual(new Set([true, false]))
  })

  it('two admins removing the same member: one removal counts, the other is void', () => {
    const { creation } = club()
    const a = on([creation], alice, { type: 'remove', member: carol.key })
    const b = on([creation], bob, { type: 'remove', member: carol.key })
    const log = both(creation, [], [a, b])
    expect(roster(log).map(([n]) => n)).toEqual([alice.e164, bob.e164, dave.e164])
    expect([log.statusOf(a.hash)?.status, log.statusOf(b.hash)?.status].sort()).toEqual(['applied', 'void'])
  })

  it('promote and remove of the same member at once: removed either way', () => {
    const { creation } = club()
    const log = both(creation, [], [on([creation], alice, { type: 'promote', member: carol.key }), on([creation], bob, { type: 'remove', member: carol.key })])
    expect(roster(log).map(([n]) => n)).toEqual([alice.e164, bob.e164, dave.e164])
  })

  it('the last two admins leaving at once: the oldest member becomes admin', () => {
    const { creation } = club()
    const log = both(creation, [], [on([creation], alice, { type: 'leave' }), on([creation], bob, { type: 'leave' })])
    expect(roster(log)).toEqual([[carol.e164, 'admin'], [dave.e164, 'member']])
  })

  it('a removed member\'s concurrent changes are void, its leave included', () => {
    const { creation } = club()
    const remove = on([creation], bob, { type: 'remove', member: carol.key })
    const leave = on([creation], carol, { type: 'leave' })
    const edit = on([creation], carol, rename('carol was here'))
    const log = both(creation, [], [remove, leave, edit])
    expect(log.statusOf(remove.hash)?.status).toBe('applied')
    expect(log.statusOf(leave.hash)?.status).toBe('void')
    expect(log.state.name).toBe('Climbing club')
  })

  it('an undone change is reported as revised when the overruling change arrives after it', () => {
    const { creation, log } = club()
    const promote = on([creation], bob, { type: 'promote', member: carol.key })
    log.add(promote.bytes)
    expect(log.statusOf(promote.hash)?.status).toBe('applied')
    const outcome = log.add(on([creation], alice, { type: 'remove', member: bob.key }).bytes)
    expect(outcome.revised).toEqual([{ hash: promote.hash, status: 'void', error: expect.objectContaining({ name: 'GroupNotMemberError' }) }])
  })
})

describe('joining with the invite link', () => {
  const proof = (groupId: Uint8Array, secret = SECRET) => joinProof(secret, groupId, erin.key, erin.e164)

  it('someone with the link joins on the heads it was given', () => {
    const { creation, log } = club({ inviteSecret: SECRET })
    const { outcome } = act(log, erin, { type: 'join', e164: erin.e164, proof: proof(creation.groupId) })
    expect(outcome.status).toBe('applied')
    expect(roster(log).at(-1)).toEqual([erin.e164, 'member'])
  })

  it('after a rotation or a revocation the old link is refused (GroupInviteError)', () => {
    const { creation, log } = club({ inviteSecret: SECRET })
    act(log, alice, { type: 'invite', secret: new Uint8Array(32).fill(1) })
    expect(errorName(() => act(log, erin, { type: 'join', e164: erin.e164, proof: proof(creation.groupId) }))).toBe('GroupInviteError')
    act(log, alice, { type: 'invite' })
    expect(errorName(() => act(log, erin, { type: 'join', e164: erin.e164, proof: proof(creation.groupId, new Uint8Array(32).fill(1)) }))).toBe('GroupInviteError')
  })

  it('a join concurrent with a rotation counts only when it comes first in the order; every member agrees', () => {
    const { creation } = club({ inviteSecret: SECRET })
    const rotate = on([creation], alice, { type: 'invite', secret: new Uint8Array(32).fill(1) })
    const join = on([creation], erin, { type: 'join', e164: erin.e164, proof: proof(creation.groupId) })
    const a = replica(creation, [rotate, join])
    const b = replica(creation, [join, rotate])
    expect(stateHash(a.state)).toEqual(stateHash(b.state))
    const joinFirst = compareBytes(join.hash, rotate.hash) < 0
    expect(a.statusOf(join.hash)).toMatchObject(joinFirst ? { status: 'applied' } : { status: 'void', error: { name: 'GroupInviteError' } })
    expect(b.statusOf(join.hash)).toEqual(a.statusOf(join.hash))
  })

  it('a removed member who still has the link can join again until an admin resets it', () => {
    const { creation, log } = group(alice, [erin.as()], { inviteSecret: SECRET })
    act(log, alice, { type: 'remove', member: erin.key })
    expect(act(log, erin, { type: 'join', e164: erin.e164, proof: proof(creation.groupId) }).outcome.status).toBe('applied')
    act(log, alice, { type: 'remove', member: erin.key })
    act(log, alice, { type: 'invite', secret: new Uint8Array(32).fill(2) })
    expect(errorName(() => act(log, erin, { type: 'join', e164: erin.e164, proof: proof(creation.groupId) }))).toBe('GroupInviteError')
  })
})

describe('a new member rebuilds the log', () => {
  it('from changes(), in order or in reverse, to the same state, heads and statuses', () => {
    const { creation, log } = club({ inviteSecret: SECRET })
    act(log, alice, { type: 'add', members: [erin.as()] })
    log.add(on([creation], bob, { type: 'promote', member: carol.key }).bytes)
    log.add(on([creation], alice, { type: 'remove', member: bob.key }).bytes)
    act(log, carol, rename('merged'))
    const changes = log.changes()
    expect(changes[0]).toEqual(creation.bytes)
    const forward = replica(creation, changes.slice(1))
    const backward = replica(creation, changes.slice(1).reverse())
    for (const other of [forward, backward]) {
      expect(stateHash(other.state)).toEqual(stateHash(log.state))
      expect(other.heads).toEqual(log.heads)
      expect(other.changes()).toEqual(changes)
    }
  })
})
