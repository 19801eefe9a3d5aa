/** Test fixtures for groups: seeded identities with numbers, a group with its log, one member's change made and added, error names. */
import { IdentityKeyPair } from '../../src/crypto/identity.js'
import { createGroup, GroupLog, signChange, type AddOutcome, type GroupAction, type GroupChange, type NewGroup, type NewMember } from '../../src/groups/index.js'
import { SeededRandom } from '../helpers/seeded-random.js'

/** ms since the epoch; changes' createdAt is never used to order, so one time does. */
export const T0 = 1_800_000_000_000

export interface Person {
  identity: IdentityKeyPair
  key: Uint8Array
  e164: string
  /** as a creation or an addition names it */
  as: (role?: 'admin' | 'member') => NewMember
}

/** `n` people with identities from `seed` and numbers +1 555 01x xxxx. */
export function people (n: number, seed: string | number = 'people'): Person[] {
  const rng = new SeededRandom(seed)
  return Array.from({ length: n }, (_, i) => {
    const identity = IdentityKeyPair.generate(rng.random)
    const e164 = `+1555${String(100_000 + i).padStart(7, '0')}`
    return { identity, key: identity.publicKey, e164, as: role => ({ identityKey: identity.publicKey, e164, ...(role != null ? { role } : {}) }) }
  })
}

export interface TestGroup {
  creation: GroupChange
  log: GroupLog
}

/** A group created by `creator` with `members` (plain members unless said), and its creator's log. */
export function group (creator: Person, members: NewMember[] = [], options: Partial<NewGroup> = {}, seed = 'group'): TestGroup {
  const rng = new SeededRandom(seed)
  const creation = createGroup(creator.identity, { e164: creator.e164, name: 'Climbing club', members, createdAt: T0, random: rng.random, ...options })
  return { creation, log: GroupLog.open(creation.bytes) }
}

/** `who` makes `action` on `log`'s heads, and `log` adds it. */
export function act (log: GroupLog, who: Person, action: GroupAction): { change: GroupChange, outcome: AddOutcome } {
  const change = log.propose(who.identity, action, T0)
  return { change, outcome: log.add(change.bytes) }
}

/** `who` makes `action` on exactly `parents` (a concurrent change, or one that ignores later ones). */
export function on (parents: GroupChange[], who: Person, action: GroupAction, createdAt = T0): GroupChange {
  return signChange(who.identity, { groupId: parents[0].groupId, parents: parents.map(p => p.hash), version: 1 + Math.max(...parents.map(p => p.version)), createdAt, action })
}

/** A new log of the same group holding `changes` (added in this order). */
export function replica (creation: GroupChange, changes: Array<Uint8Array | GroupChange> = []): GroupLog {
  const log = GroupLog.open(creation.bytes)
  for (const c of changes) log.add(c instanceof Uint8Array ? c : c.bytes)
  return log
}

/** The name of the error `fn` throws, or 'no error'. */
export function errorName (fn: () => unknown): string {
  try {
    fn()
    return 'no error'
  } catch (err) {
    return (err as Error).name
  }
}

/** The members as [number, role] pairs, in join order. */
export function roster (log: GroupLog): Array<[string, string]> {
  return log.state.members.map(m => [m.e164, m.role])
}
