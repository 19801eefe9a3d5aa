// Convergence: members that receive the same changes in any order hold the same group (compared by the canonical
// state hash, and each change's status). Every permutation of two sets of concurrent, conflicting changes (admins
// removing each other, a removed admin promoting, a change building on two concurrent ones, the last admins leaving
// at once, a join against a rotation); seeded random runs of several members acting on their own views with partial
// syncs; and a partition that went on for more than the out-of-date bound.
import { describe, it, expect } from 'vitest'
import { toHex } from '../../src/crypto/bytes.js'
import {
  GROUP_OUT_OF_DATE_VERSIONS, GroupError, MAX_GROUP_MEMBERS, ReplayedGroupChangeError, joinProof, stateHash, type GroupAction, type GroupChange,
  type GroupLog, type GroupState
} from '../../src/groups/index.js'
import { SeededRandom } from '../helpers/seeded-random.js'
import { T0, act, group, on, people, replica, roster, type Person } from './helpers.js'

const folks = people(10, 'convergence')
const [alice, bob, carol, dave, erin] = folks
const SECRET = new Uint8Array(32).fill(9)

function* permutations<T> (items: T[]): Generator<T[]> {
  if (items.length <= 1) {
    yield items
    return
  }
  for (let i = 0; i < items.length; i++) {
    for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)])) yield [items[i], ...rest]
  }
}

/** What two members must agree on: the state hash and the status of every change. */
function fingerprint (log: GroupLog, changes: GroupChange[]): string {
  return [toHex(stateHash(log.state)), ...changes.map(c => `${log.statusOf(c.hash)?.status ?? 'unknown'}:${log.statusOf(c.hash)?.error?.name ?? ''}`)].join(' ')
}

/** Adds `bytes` in this order; replays (a change seen twice) are fine, any other refusal is not. */
function deliver (log: GroupLog, bytes: Uint8Array[]): void {
  for (const b of bytes) {
    try {
      log.add(b)
    } catch (err) {
      if (!(err instanceof ReplayedGroupChangeError)) throw err
    }
  }
}

/** A group with members has an admin; keys and numbers are unique; the member limit holds. */
function checkInvariants (s: GroupState): void {
  if (s.members.length > 0) expect(s.members.some(m => m.role === 'admin')).toBe(true)
  expect(new Set(s.members.map(m => toHex(m.identityKey))).size).toBe(s.members.length)
  expect(new Set(s.members.map(m => m.e164)).size).toBe(s.members.length)
  expect(s.members.length).toBeLessThanOrEqual(MAX_GROUP_MEMBERS)
}

/** Delivers `concurrent` in every order to its own new member (after `base`); all agree; returns one of them. */
function everyOrder (creation: GroupChange, base: GroupChange[], concurrent: GroupChange[]): GroupLog {
  let first: { log: GroupLog, print: string } | undefined
  let orders = 0
  for (const order of permutations(concurrent)) {
    const log = replica(creation, base)
    deliver(log, order.map(c => c.bytes))
    expect(log.pendingCount).toBe(0)
    const print = fingerprint(log, concurrent)
    if (first === undefined) first = { log, print }
    else expect(print).toBe(first.print)
    orders++
  }
  expect(orders).toBe([...Array(concurrent.length).keys()].reduce((f, i) => f * (i + 1), 1))
  checkInvariants(first!.log.state)
  return first!.log
}

describe('every order of concurrent changes gives the same group', () => {
  it('admins removing each other, a removed admin promoting, a rename, a member edit, and a change on two concurrent ones', () => {
    const { creation, log } = group(alice, [bob.as('admin'), carol.as(), dave.as()])
    const base = act(log, alice, { type: 'edit-info', name: 'Base' }).change
    const aRemovesB = on([base], alice, { type: 'remove', member: bob.key })
    const bRemovesA = on([base], bob, { type: 'remove', member: alice.key })
    const bPromotesC = on([base], bob, { type: 'promote', member: carol.key })
    const aRenames = on([base], alice, { type: 'edit-info', name: 'A' })
    const dDescribes = on([base], dave, { type: 'edit-info', description: 'D' })
    const aMerges = on([aRemovesB, aRenames], alice, { type: 'promote', member: dave.key })
    const result = everyOrder(creation, [base], [aRemovesB, bRemovesA, bPromotesC, aRenames, dDescribes, aMerges])
    expect(roster(result)).toEqual([[alice.e164, 'admin'], [carol.e164, 'member'], [dave.e164, 'admin']])
    expect(result.state).toMatchObject({ name: 'A', description: 'D' })
    for (const c of [bRemovesA, bPromotesC]) expect(result.statusOf(c.hash)).toMatchObject({ status: 'void', error: { name: 'GroupNotMemberError' } })
  })

  it('the last admins leaving at once, a member leaving, a join against a rotation, a rename', () => {
    const { creation, log } = group(alice, [bob.as('admin'), carol.as(), dave.as()], { inviteSecret: SECRET })
    const base = act(log, carol, { type: 'edit-info', description: 'base' }).change
    const changes = [
      on([base], alice, { type: 'leave' }),
      on([base], bob, { type: 'leave' }),
      on([base], dave, { type: 'leave' }),
      on([base], erin, { type: 'join', e164: erin.e164, proof: joinProof(SECRET, creation.groupId, erin.key, erin.e164) }),
      on([base], bob, { type: 'invite', secret: new Uint8Array(32).fill(1) }),
      on([base], carol, { type: 'edit-info', name: 'Carol\'s club' })
    ]
    const result = everyOrder(creation, [base], changes)
    // alice and bob left: carol, the oldest member left, is admin
    expect(roster(result)[0]).toEqual([carol.e164, 'admin'])
    expect(result.state.name).toBe('Carol\'s club')
  })
})

/** A random change someone can make in `s` (or try to: the log refuses what the rules refuse). */
function randomChange (s: GroupState, rng: SeededRandom): { who: Person, action: GroupAction } | undefined {
  const pick = <T>(xs: T[]): T | undefined => xs.length === 0 ? undefined : xs[rng.int(xs.length)]
  const inGroup = folks.filter(p => s.members.some(m => m.e164 === p.e164))
  const outside = folks.filter(p => !inGroup.includes(p))
  const adminsOf = inGroup.filter(p => s.members.some(m => m.e164 === p.e164 && m.role === 'admin'))
  const kind = rng.int(10)
  const who = kind === 9 ? pick(outside) : pick(kind < 6 ? adminsOf : inGroup)
  const other = pick(inGroup.filter(p => p !== who))
  if (who === undefined) return undefined
  switch (kind) {
    case 0: { const newcomer = pick(outside); return newcomer && { who, action: { type: 'add', members: [newcomer.as()] } } }
    case 1: return other && { who, action: { type: 'remove', member: other.key } }
    case 2: {
      if (other === undefined) return undefined
      const admin = s.members.find(m => m.e164 === other.e164)?.role === 'admin'
      return { who, action: admin ? { type: 'demote', member: other.key } : { type: 'promote', member: other.key } }
    }
    case 3: return { who, action: { type: 'settings', onlyAdminsEditInfo: rng.chance(0.5), onlyAdminsSend: rng.chance(0.5) } }
    case 4: return { who, action: rng.chance(0.8) ? { type: 'invite', secret: rng.random(32) } : { type: 'invite' } }
    case 5: return { who, action: { type: 'demote', member: who.key } }
    case 6:
    case 7: return { who, action: { type: 'edit-info', name: `name ${rng.int(1000)}` } }
    case 8: return { who, action: { type: 'leave' } }
    default: return s.inviteSecret && { who, action: { type: 'join', e164: who.e164, proof: joinProof(s.inviteSecret, s.groupId, who.key, who.e164) } }
  }
}

describe('members acting on their own views converge once they have heard everything', () => {
  const seeds = [1, 2, 3, 4, 5, 6, 7, 8]
  let voids = 0

  it.each(seeds)('seed %i: 4 members, 60 steps of changes and partial syncs in random orders', seed => {
    const rng = new SeededRandom(`simulation ${seed}`)
    const { creation } = group(alice, [bob.as('admin'), carol.as(), dave.as()], { inviteSecret: SECRET }, `simulation ${seed}`)
    const members = Array.from({ length: 4 }, () => replica(creation))
    const made: GroupChange[] = []
    for (let step = 0; step < 60; step++) {
      const log = members[rng.int(members.length)]
      if (rng.chance(0.3)) {
        deliver(log, rng.shuffle(members[rng.int(members.length)].changes()))
        continue
      }
      const change = randomChange(log.state, rng)
      if (change === undefined) continue
      const signed = log.propose(change.who.identity, change.action, T0 + step)
      try {
        log.add(signed.bytes)
        made.push(signed)
      } catch (err) {
        if (!(err instanceof GroupError)) throw err
      }
    }
    const everything = made.map(c => c.bytes)
    const late = replica(creation)
    for (const log of [...members, late]) deliver(log, rng.shuffle([...everything]))
    const prints = [...members, late].map(log => fingerprint(log, made))
    expect(new Set(prints).size).toBe(1)
    expect(late.pendingCount).toBe(0)
    checkInvariants(late.state)
    voids += made.filter(c => late.statusOf(c.hash)?.status === 'void').length
  })

  it('the runs above had concurrent changes that lost (the conflict rules were exercised)', () => {
    expect(voids).toBeGreaterThan(0)
  })
})

describe('a long partition', () => {
  it(`the side that went on for more than ${GROUP_OUT_OF_DATE_VERSIONS} versions wins; every order agrees`, () => {
    const { creation, log } = group(alice, [bob.as('admin'), carol.as(), dave.as()])
    const base = act(log, alice, { type: 'edit-info', description: 'before' }).change
    const busy = replica(creation, [base])
    const quiet = replica(creation, [base])
    for (let i = 0; i < GROUP_OUT_OF_DATE_VERSIONS + 6; i++) act(busy, alice, { type: 'edit-info', name: `busy ${i}` })
    act(quiet, bob, { type: 'settings', onlyAdminsSend: true })
    act(quiet, bob, { type: 'add', members: [erin.as()] })
    act(quiet, bob, { type: 'promote', member: carol.key })
    const all = [...busy.changes(), ...quiet.changes()]
    const rng = new SeededRandom('partition')
    const prints = new Set<string>()
    for (let i = 0; i < 3; i++) {
      const member = replica(creation)
      deliver(member, rng.shuffle([...all]))
      prints.add(toHex(stateHash(member.state)))
    }
    deliver(busy, quiet.changes())
    deliver(quiet, busy.changes())
    prints.add(toHex(stateHash(busy.state)))
    prints.add(toHex(stateHash(quiet.state)))
    expect(prints.size).toBe(1)
    expect(busy.state).toMatchObject({ name: `busy ${GROUP_OUT_OF_DATE_VERSIONS + 5}`, onlyAdminsSend: false })
    expect(roster(busy)).toEqual([[alice.e164, 'admin'], [bob.e164, 'admin'], [carol.e164, 'member'], [dave.e164, 'member']])
  })
})
