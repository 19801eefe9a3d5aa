/** Every group's change log in memory, loaded from the store and kept in step with it: our own changes proposed on the heads, others' changes added; says what each step changed (members in and out, us in or out). Knows no transport and no sender keys. */
import { toHex } from '../../crypto/bytes.js'
import type { IdentityKeyPair } from '../../crypto/identity.js'
import type { StoreOptions } from '../../storage/index.js'
import { GroupLog, type AddResult } from '../log.js'
import { createGroup, type NewGroup } from '../change.js'
import { findMember, type GroupAction, type GroupMember, type GroupState } from '../state.js'
import { GroupError, ReplayedGroupChangeError } from '../errors.js'
import { UnknownGroupError } from './errors.js'

/** Where a change's bytes are kept: the group's log in arrival order (changes that wait for parents too). */
export interface ChangeArchive {
  addChanges: (groupId: Uint8Array, changes: Array<{ hash: Uint8Array, bytes: Uint8Array }>, options?: StoreOptions) => Promise<void>
  changes: (groupId: Uint8Array, options?: StoreOptions) => Promise<Uint8Array[]>
}

/** What a step did to a group. */
export interface MembershipEffects {
  groupId: Uint8Array
  before?: GroupState
  after: GroupState
  /** members now in that were not (identity keys) */
  added: GroupMember[]
  /** members who were in and are not any more */
  removed: GroupMember[]
  /** we are a member now and were not before this step */
  joined: boolean
  /** we were a member and are not any more */
  left: boolean
  /** the name, description, photo, settings or roles changed */
  changed: boolean
  /** each change given, in order: applied, void, pending or refused (with the reason) */
  results: AddResult[]
  /** parents some waiting change needs: ask whoever sent it */
  missing: Uint8Array[]
}

const keyOf = (m: GroupMember): string => toHex(m.identityKey)

function diff (groupId: Uint8Array, self: Uint8Array, before: GroupState | undefined, after: GroupState, results: AddResult[], missing: Uint8Array[]): MembershipEffects {
  const was = new Map((before?.members ?? []).map(m => [keyOf(m), m]))
  const now = new Map(after.members.map(m => [keyOf(m), m]))
  const added = after.members.filter(m => !was.has(keyOf(m)))
  const removed = (before?.members ?? []).filter(m => !now.has(keyOf(m)))
  const wasIn = before != null && findMember(before, self) != null
  const isIn = findMember(after, self) != null
  const roles = (s: GroupState | undefined): string => (s?.members ?? []).map(m => `${keyOf(m)}:${m.role}`).join(',')
  const changed = before == null || before.name !== after.name || before.description !== after.description || toHex(before.photo) !== toHex(after.photo) ||
    before.onlyAdminsSend !== after.onlyAdminsSend || before.onlyAdminsEditInfo !== after.onlyAdminsEditInfo ||
    toHex(before.inviteSecret ?? new Uint8Array(0)) !== toHex(after.inviteSecret ?? new Uint8Array(0)) || roles(before) !== roles(after)
  return { groupId, ...(before != null ? { before } : {}), after, added, removed, joined: !wasIn && isIn, left: wasIn && !isIn, changed, results, missing }
}

export class Memberships {
  private readonly logs = new Map<string, GroupLog>()

  constructor (private readonly archive: ChangeArchive, private readonly identity: IdentityKeyPair, private readonly now: () => number) {}

  /** The group's log, loaded from the archive on first use; undefined for a group we hold nothing of. */
  async log (groupId: Uint8Array, options?: StoreOptions): Promise<GroupLog | undefined> {
    const id = toHex(groupId)
    const held = this.logs.get(id)
    if (held != null) return held
    const stored = await this.archive.changes(groupId, options)
    if (stored.length === 0) return undefined
    const log = GroupLog.open(stored[0])
    for (const bytes of stored.slice(1)) {
      try {
        log.add(bytes)
      } catch (err) {
        // a change stored twice, or one whose place is gone: the rest of the log still loads
        if (!(err instanceof GroupError)) throw err
      }
    }
    // another call may have loaded it meanwhile: keep the first
    return this.logs.get(id) ?? (this.logs.set(id, log), log)
  }

  async state (groupId: Uint8Array, options?: StoreOptions): Promise<GroupState | undefined> {
    return (await this.log(groupId, options))?.state
  }

  /** Our new group: its creation signed, archived and loaded. */
  async create (group: Omit<NewGroup, 'createdAt'>, options?: StoreOptions): Promise<{ creation: Uint8Array, effects: MembershipEffects }> {
    const change = createGroup(this.identity, { ...group, createdAt: this.now() })
    await this.archive.addChanges(change.groupId, [{ hash: change.hash, bytes: change.bytes }], options)
    const log = GroupLog.open(change.bytes)
    this.logs.set(toHex(change.groupId), log)
    return { creation: change.bytes, effects: diff(change.groupId, this.identity.publicKey, undefined, log.state, [{ hash: change.hash, status: 'applied' }], []) }
  }

  /**
   * Signs `action` on the group's heads, checks it as every member will, archives and records it. Throws the
   * group error the change would be refused with (not an admin, not a member, …): nothing is kept then.
   */
  async propose (groupId: Uint8Array, action: GroupAction, options?: StoreOptions): Promise<{ change: Uint8Array, effects: MembershipEffects }> {
    const log = await this.log(groupId, options)
    if (log == null) throw new UnknownGroupError()
    const before = log.state
    const change = log.propose(this.identity, action, this.now())
    const outcome = log.add(change.bytes)
    if (outcome.status === 'void') {
      // valid in our own causal state but void in the fold (a concurrent change we hold overrules it)
      throw outcome.error ?? new GroupError('the change has no effect')
    }
    await this.archive.addChanges(groupId, [{ hash: change.hash, bytes: change.bytes }], options)
    return { change: change.bytes, effects: diff(groupId, this.identity.publicKey, before, log.state, [outcome, ...outcome.released, ...outcome.revised], log.missing()) }
  }

  /**
   * Others' changes (parents first), as a member sent them: a creation opens the group, the rest are added to
   * its log. What the log takes (recorded or waiting) is archived; a change it refuses is reported, not kept.
   */
  async receive (groupId: Uint8Array, changes: Uint8Array[], options?: StoreOptions): Promise<MembershipEffects> {
    let log = await this.log(groupId, options)
    const before = log?.state
    const results: AddResult[] = []
    const keep: Array<{ hash: Uint8Array, bytes: Uint8Array }> = []
    for (const bytes of changes) {
      try {
        if (log == null) {
          log = GroupLog.open(bytes)
          if (toHex(log.groupId) !== toHex(groupId)) throw new UnknownGroupError('a creation of another group')
          const hash = log.heads[0]
          keep.push({ hash, bytes })
          results.push({ hash, status: 'applied' })
          continue
        }
        const outcome = log.add(bytes)
        keep.push({ hash: outcome.hash, bytes })
        results.push(outcome, ...outcome.released)
      } catch (err) {
        if (err instanceof ReplayedGroupChangeError) continue
        if (!(err instanceof GroupError)) throw err
        results.push({ hash: new Uint8Array(0), status: 'refused', error: err })
      }
    }
    if (log == null) throw new UnknownGroupError('changes of a group we know nothing of, without its creation')
    if (keep.length > 0) await this.archive.addChanges(groupId, keep, options)
    if (!this.logs.has(toHex(groupId))) this.logs.set(toHex(groupId), log)
    return diff(groupId, this.identity.publicKey, before, log.state, results, log.missing())
  }

  /** Forgets a group's log in memory (the archive is the store's to delete). */
  drop (groupId: Uint8Array): void {
    this.logs.delete(toHex(groupId))
  }
}
