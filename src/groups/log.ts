/** A group's change log (docs/groups.md): the DAG of signed changes by parent hashes, changes waiting for their parents, the deterministic order with its out-of-date and conflict rules, and the state it folds into; knows no transport, storage or clock. */
import { compareBytes, constantTimeEqual, toHex } from '../crypto/bytes.js'
import { defaultProvider } from '../crypto/default-provider.js'
import type { IdentityKeyPair } from '../crypto/identity.js'
import type { CryptoProvider } from '../crypto/provider.js'
import { decodeChange, signChange, type GroupChange } from './change.js'
import { GROUP_OUT_OF_DATE_VERSIONS, MAX_CHANGE_PARENTS, MAX_PENDING_GROUP_CHANGES } from './constants.js'
import {
  GroupError, GroupNotMemberError, GroupPendingFullError, InvalidGroupChangeError, MalformedGroupChangeError, OutOfDateGroupChangeError,
  ReplayedGroupChangeError, WrongGroupError
} from './errors.js'
import { applyChange, createState, outranks, type GroupAction, type GroupState } from './state.js'

/** A recorded change and its place in the DAG. */
interface Node {
  change: GroupChange
  id: string
  parents: string[]
  children: string[]
  authorId: string
  /**
   * A removal or demotion whose author outranked its target in the change's causal state (the state of its
   * ancestors alone): such a change voids the target's concurrent changes. Fixed when the change is recorded.
   */
  outranksTarget: boolean
}

/** What the order made of each recorded change: null = applied, else why it is void. */
type Verdicts = Map<string, GroupError | null>

interface Fold {
  state: GroupState
  verdicts: Verdicts
}

/** Recorded changes are applied or void; `pending` waits for parents; `refused` was never recorded (only in `released`). */
export type ChangeStatus = 'applied' | 'void' | 'pending' | 'refused'

export interface AddResult {
  hash: Uint8Array
  status: ChangeStatus
  /** why the change is void or refused */
  error?: GroupError
}

export interface AddOutcome extends AddResult {
  /** changes that waited for this one, placed (or refused) now, in the order they were taken */
  released: AddResult[]
  /** recorded changes whose status this one changed: a concurrent change undone, or restored */
  revised: AddResult[]
}

const byOrder = (a: GroupChange, b: GroupChange): number => a.version - b.version || compareBytes(a.hash, b.hash)

function hasBit (set: Uint32Array, i: number): boolean {
  return (set[i >>> 5] & (1 << (i & 31))) !== 0
}

/**
 * Folds an ancestor-closed set of changes (the creation included) into a state. Deterministic: the result
 * depends on the set alone, never on the order the changes arrived in.
 * 1. Order: by version, then hash. Versions grow along every parent link, so this is a topological order.
 * 2. Out of date: a change is void when a change that is not out of date, at least GROUP_OUT_OF_DATE_VERSIONS
 *    versions above it, does not descend from it (decided from the highest versions down).
 * 3. Conflicts: a change is void (removed) or counts its author as a plain member (demoted) when a change
 *    concurrent with it, not out of date, removes or demotes its author, and that change's author outranked
 *    the target in its own causal state.
 * 4. Every other change is applied in the order against the state so far; one that the state refuses is void.
 */
function fold (nodes: Node[], provider: CryptoProvider): Fold {
  const order = [...nodes].sort((x, y) => byOrder(x.change, y.change))
  const n = order.length
  const index = new Map(order.map((x, i) => [x.id, i]))
  const words = (n + 31) >>> 5
  // ancestors of each change, as bit sets over positions in the order
  const anc: Uint32Array[] = []
  for (let i = 0; i < n; i++) {
    const set = new Uint32Array(words)
    for (const p of order[i].parents) {
      const j = index.get(p)
      if (j === undefined) throw new Error('fold needs every ancestor')
      set[j >>> 5] |= 1 << (j & 31)
      const pa = anc[j]
      for (let w = 0; w < words; w++) set[w] |= pa[w]
    }
    anc.push(set)
  }
  const concurrent = (i: number, j: number): boolean => i !== j && !hasBit(anc[i], j) && !hasBit(anc[j], i)

  const outOfDate = new Array<boolean>(n).fill(false)
  /** the changes every witness so far descends from (the intersection of their ancestor sets) */
  let common: Uint32Array | undefined
  let w = n - 1
  for (let i = n - 1; i >= 0; i--) {
    const v = order[i].change.version
    for (; w >= 0 && order[w].change.version >= v + GROUP_OUT_OF_DATE_VERSIONS; w--) {
      if (outOfDate[w]) continue
      if (common === undefined) common = Uint32Array.from(anc[w])
      else for (let k = 0; k < words; k++) common[k] &= anc[w][k]
    }
    outOfDate[i] = common !== undefined && !hasBit(common, i)
  }

  const overruled = new Map<number, 'removed' | 'demoted'>()
  for (let r = 0; r < n; r++) {
    const a = order[r].change.action
    if (outOfDate[r] || !order[r].outranksTarget || (a.type !== 'remove' && a.type !== 'demote')) continue
    const target = toHex(a.member)
    for (let x = 0; x < n; x++) {
      if (order[x].authorId !== target || !concurrent(r, x)) continue
      if (a.type === 'remove') overruled.set(x, 'removed')
      else if (!overruled.has(x)) overruled.set(x, 'demoted')
    }
  }

  let state = createState(order[0].change)
  const verdicts: Verdicts = new Map([[order[0].id, null]])
  for (let i = 1; i < n; i++) {
    let error: GroupError | null = null
    if (outOfDate[i]) {
      error = new OutOfDateGroupChangeError()
    } else if (overruled.get(i) === 'removed') {
      error = new GroupNotMemberError('its author was removed by a concurrent change of a more senior admin')
    } else {
      try {
        state = applyChange(state, order[i].change, { demoted: overruled.get(i) === 'demoted', provider })
      } catch (err) {
        if (!(err instanceof GroupError)) throw err
        error = err
      }
    }
    verdicts.set(order[i].id, error)
  }
  return { state: { ...state, version: order[n - 1].change.version }, verdicts }
}

export interface GroupLogOptions {
  provider?: CryptoProvider
}

/**
 * One member's log of a group: every change it recorded, the ones waiting for parents, and the state they
 * fold into. Every member that records the same changes holds the same state, whatever order they came in.
 */
export class GroupLog {
  readonly groupId: Uint8Array
  readonly #provider: CryptoProvider
  readonly #nodes = new Map<string, Node>()
  readonly #pending = new Map<string, GroupChange>()
  readonly #heads = new Set<string>()
  #fold: Fold

  private constructor (creation: GroupChange, provider: CryptoProvider) {
    this.#provider = provider
    this.groupId = creation.groupId
    const id = toHex(creation.hash)
    this.#nodes.set(id, { change: creation, id, parents: [], children: [], authorId: toHex(creation.author), outranksTarget: false })
    this.#heads.add(id)
    this.#fold = { state: createState(creation), verdicts: new Map([[id, null]]) }
  }

  /** A log that starts with a group's creation (decoded and verified). Throws a GroupError for anything else. */
  static open (creation: Uint8Array, options: GroupLogOptions = {}): GroupLog {
    const provider = options.provider ?? defaultProvider()
    const change = decodeChange(creation, provider)
    if (change.action.type !== 'create') throw new InvalidGroupChangeError('a group log starts with its creation')
    return new GroupLog(change, provider)
  }

  /** The group as the recorded changes make it. */
  get state (): GroupState {
    return this.#fold.state
  }

  /** The highest version recorded. */
  get version (): number {
    return this.#fold.state.version
  }

  /** Changes without children, highest version first (then by hash). */
  get heads (): Uint8Array[] {
    return [...this.#heads].map(id => this.#nodes.get(id)!.change).sort((a, b) => b.version - a.version || compareBytes(a.hash, b.hash)).map(c => c.hash)
  }

  /** How many changes wait for parents. */
  get pendingCount (): number {
    return this.#pending.size
  }

  /** Parent hashes that pending changes wait for (to fetch them from whoever sent the change). */
  missing (): Uint8Array[] {
    const out = new Map<string, Uint8Array>()
    for (const c of this.#pending.values()) {
      for (const p of c.parents) {
        const id = toHex(p)
        if (!this.#nodes.has(id) && !this.#pending.has(id)) out.set(id, p)
      }
    }
    return [...out.values()]
  }

  /** True when the change is recorded (applied or void). */
  has (hash: Uint8Array): boolean {
    return this.#nodes.has(toHex(hash))
  }

  /** The status of a recorded or pending change; undefined when unknown. */
  statusOf (hash: Uint8Array): AddResult | undefined {
    const id = toHex(hash)
    if (this.#pending.has(id)) return { hash, status: 'pending' }
    if (!this.#nodes.has(id)) return undefined
    const error = this.#fold.verdicts.get(id)
    return error == null ? { hash, status: 'applied' } : { hash, status: 'void', error }
  }

  /** Every recorded change, encoded, parents first (what a new member needs to build the same log). */
  changes (): Uint8Array[] {
    return [...this.#nodes.values()].map(n => n.change).sort(byOrder).map(c => c.bytes)
  }

  /** Where the next change goes: on the heads (at most MAX_CHANGE_PARENTS, highest versions first), one version above them. */
  next (): { parents: Uint8Array[], version: number } {
    const parents = this.heads.slice(0, MAX_CHANGE_PARENTS)
    const version = 1 + Math.max(...parents.map(p => this.#nodes.get(toHex(p))!.change.version))
    return { parents, version }
  }

  /** Signs `action` by `identity` on the current heads. It is not added: add its bytes, and send them. */
  propose (identity: IdentityKeyPair, action: GroupAction, createdAt: number): GroupChange {
    return signChange(identity, { groupId: this.groupId, ...this.next(), createdAt, action }, this.#provider)
  }

  /**
   * Decodes, checks and records a change. Throws (and records nothing) for a change that is malformed, beyond
   * a limit, badly signed, of another group, already known, or refused in its causal state: the state of its
   * ancestors alone, the same for every member (GroupNotMemberError, GroupNotAdminError, InvalidGroupChangeError,
   * GroupInviteError, GroupLimitError). A change whose parents are unknown waits (GroupPendingFullError when
   * too many do). A recorded change is then `applied`, or `void` with the reason: out of date
   * (OutOfDateGroupChangeError), or overruled by a concurrent change. Void changes stay recorded, so that every
   * member holds the same log and its later changes still find their parents.
   */
  add (bytes: Uint8Array): AddOutcome {
    const change = decodeChange(bytes, this.#provider)
    if (!constantTimeEqual(change.groupId, this.groupId)) throw new WrongGroupError()
    const id = toHex(change.hash)
    if (this.#nodes.has(id) || this.#pending.has(id)) throw new ReplayedGroupChangeError()
    if (change.version === 0) throw new WrongGroupError('a group is created once')
    if (change.parents.some(p => !this.#nodes.has(toHex(p)))) {
      if (this.#pending.size >= MAX_PENDING_GROUP_CHANGES) throw new GroupPendingFullError()
      this.#pending.set(id, change)
      return { hash: change.hash, status: 'pending', released: [], revised: [] }
    }
    const before = this.#fold.verdicts
    const result = this.#record(change)
    const released = this.#release()
    const placed = new Set([id, ...released.map(r => toHex(r.hash))])
    return { ...result, released, revised: this.#revisedSince(before, placed) }
  }

  #record (change: GroupChange): AddResult {
    const id = toHex(change.hash)
    const parents = change.parents.map(toHex)
    const version = 1 + Math.max(...parents.map(p => this.#nodes.get(p)!.change.version))
    if (change.version !== version) throw new MalformedGroupChangeError('the version does not follow the parents')
    const extendsHeads = parents.length === this.#heads.size && parents.every(p => this.#heads.has(p))
    const causal = extendsHeads ? this.#fold.state : fold(this.#ancestors(parents), this.#provider).state
    // throws the refusals: the author may not make this change in the state it saw
    const after = applyChange(causal, change, { provider: this.#provider })
    const a = change.action
    const outranksTarget = (a.type === 'remove' || a.type === 'demote') && outranks(causal, change.author, a.member)
    this.#nodes.set(id, { change, id, parents, children: [], authorId: toHex(change.author), outranksTarget })
    for (const p of parents) {
      this.#nodes.get(p)!.children.push(id)
      this.#heads.delete(p)
    }
    this.#heads.add(id)
    if (extendsHeads) {
      // the new change descends from every other: it comes last, concurrent with none, so the fold only grows by it
      this.#fold = { state: after, verdicts: new Map(this.#fold.verdicts).set(id, null) }
    } else {
      this.#fold = fold([...this.#nodes.values()], this.#provider)
    }
    return this.statusOf(change.hash)!
  }

  /** The recorded changes `parents` descend from, themselves included. */
  #ancestors (parents: string[]): Node[] {
    const seen = new Set<string>(parents)
    const stack = [...parents]
    for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
      for (const p of this.#nodes.get(id)!.parents) {
        if (!seen.has(p)) {
          seen.add(p)
          stack.push(p)
        }
      }
    }
    return [...seen].map(id => this.#nodes.get(id)!)
  }

  /** Records pending changes whose parents are all known now, until none is left to take. */
  #release (): AddResult[] {
    const out: AddResult[] = []
    const refused = new Set<string>()
    for (;;) {
      const ready = [...this.#pending.values()].filter(c => c.parents.every(p => this.#nodes.has(toHex(p))) || c.parents.some(p => refused.has(toHex(p)))).sort(byOrder)
      if (ready.length === 0) return out
      for (const c of ready) {
        const id = toHex(c.hash)
        this.#pending.delete(id)
        if (c.parents.some(p => refused.has(toHex(p)))) {
          refused.add(id)
          out.push({ hash: c.hash, status: 'refused', error: new InvalidGroupChangeError('it builds on a refused change') })
          continue
        }
        try {
          out.push(this.#record(c))
        } catch (err) {
          if (!(err instanceof GroupError)) throw err
          refused.add(id)
          out.push({ hash: c.hash, status: 'refused', error: err })
        }
      }
    }
  }

  #revisedSince (before: Verdicts, skip: Set<string>): AddResult[] {
    const out: AddResult[] = []
    for (const [id, was] of before) {
      if (skip.has(id)) continue
      const now = this.#fold.verdicts.get(id)
      if ((was == null) !== (now == null)) out.push(this.statusOf(this.#nodes.get(id)!.change.hash)!)
    }
    return out
  }
}
