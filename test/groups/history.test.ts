// Causal history: the Lamport rules, histories, out-of-order arrival, gaps reported after the grace period, retried
// with backoff, repaired or given up; every cap; hostile timestamps and inputs; export and import; and members
// exchanging messages over a lossy network who, repairing from a store, all end with every message in one order.
import { describe, it, expect } from 'vitest'
import { toHex } from '../../src/crypto/bytes.js'
import {
  CausalHistory, MAX_CAUSAL_HISTORY, MAX_KNOWN_REFS, MAX_LAMPORT_LEAD_MS, MAX_MISSING_REFS, MAX_REPAIR_ATTEMPTS, MAX_SETTLED_REFS, REPAIR_GRACE_MS,
  REPAIR_RETRY_MS, compareGroupMessages, type CausalMeta
} from '../../src/groups/index.js'
import { CausalHistoryPb } from '../../src/groups/pb/group-message.js'
import { SeededRandom } from '../helpers/seeded-random.js'
import { T0, errorName } from './helpers.js'

/** Distinct 16-byte refs. */
const ref = (i: number): Uint8Array => { const r = new Uint8Array(16).fill(0x5a); new DataView(r.buffer).setUint32(0, i); return r }
const hex = (list: Uint8Array[]): string[] => list.map(toHex)

/** A history on a clock the test moves. */
function setup (start = T0): { h: CausalHistory, clock: { t: number } } {
  const clock = { t: start }
  return { h: new CausalHistory({ now: () => clock.t }), clock }
}
const meta = (lamport: number, ...history: Uint8Array[]): CausalMeta => ({ lamport, history })

describe('Lamport timestamps', () => {
  it('the next is max(now, highest seen + 1): the clock when nothing is ahead, strictly increasing within a millisecond', () => {
    const { h, clock } = setup()
    expect(h.clock).toBe(0)
    expect(h.nextOutgoing().lamport).toBe(T0)
    expect(h.nextOutgoing().lamport).toBe(T0 + 1)
    expect(h.nextOutgoing().lamport).toBe(T0 + 2)
    clock.t = T0 + 1000
    expect(h.nextOutgoing().lamport).toBe(T0 + 1000)
  })

  it('a received timestamp ahead of ours is taken in; one behind does not pull the clock back', () => {
    const { h } = setup()
    h.received(ref(1), meta(T0 + 5000))
    expect(h.clock).toBe(T0 + 5000)
    expect(h.nextOutgoing().lamport).toBe(T0 + 5001)
    h.received(ref(2), meta(T0 - 60_000))
    expect(h.clock).toBe(T0 + 5001)
    expect(h.nextOutgoing().lamport).toBe(T0 + 5002)
  })

  it('a member that was away (or just joined) starts at its clock, among the recent messages, without syncing first', () => {
    const { h } = setup(T0 + 3_600_000)
    expect(h.nextOutgoing().lamport).toBe(T0 + 3_600_000)
  })

  it('what we sent counts as seen', () => {
    const { h } = setup()
    const out = h.nextOutgoing()
    expect(h.sent(ref(1), out.lamport)).toBe(true)
    expect(h.sent(ref(1), out.lamport)).toBe(false)
    expect(h.received(ref(1), meta(out.lamport))).toEqual({ missing: [], filled: false, duplicate: true }) // our own, echoed by gossip
    expect(h.nextOutgoing().lamport).toBe(T0 + 1)
  })

  it(`a timestamp up to ${MAX_LAMPORT_LEAD_MS} ms ahead of our clock is taken; one more is refused and changes nothing`, () => {
    const { h } = setup()
    h.received(ref(1), meta(T0, ref(100)))
    const before = h.export()
    expect(errorName(() => h.received(ref(2), meta(T0 + MAX_LAMPORT_LEAD_MS + 1, ref(101))))).toBe('FutureGroupMessageError')
    expect(errorName(() => h.receivedHeartbeat(meta(Number.MAX_SAFE_INTEGER, ref(102))))).toBe('FutureGroupMessageError')
    expect(h.export()).toEqual(before)
    expect(h.has(ref(2))).toBe(false)
    h.received(ref(2), meta(T0 + MAX_LAMPORT_LEAD_MS))
    expect(h.clock).toBe(T0 + MAX_LAMPORT_LEAD_MS)
  })

  it('so a hostile member pushes the group clock at most a day past real time, and honest messages still order after its own', () => {
    const { h, clock } = setup()
    h.received(ref(1), meta(T0 + MAX_LAMPORT_LEAD_MS))
    const reply = h.nextOutgoing().lamport
    expect(reply).toBe(T0 + MAX_LAMPORT_LEAD_MS + 1)
    expect(compareGroupMessages({ lamport: reply, ref: ref(0) }, { lamport: T0 + MAX_LAMPORT_LEAD_MS, ref: ref(1) })).toBeGreaterThan(0)
    clock.t = T0 + 2 * MAX_LAMPORT_LEAD_MS
    expect(h.nextOutgoing().lamport).toBe(T0 + 2 * MAX_LAMPORT_LEAD_MS)
  })

  it('timestamps are safe non-negative integers', () => {
    const { h } = setup()
    for (const bad of [-1, 1.5, NaN, Number.MAX_SAFE_INTEGER + 1, '5' as unknown as number]) {
      expect(errorName(() => h.received(ref(1), meta(bad)))).toBe('MalformedGroupMessageError')
      expect(errorName(() => h.sent(ref(1), bad))).toBe('MalformedGroupMessageError')
    }
    expect(h.has(ref(1))).toBe(false)
  })
})

describe('histories', () => {
  it(`names the newest ${MAX_CAUSAL_HISTORY} messages received or sent, newest first by (lamport, ref)`, () => {
    const { h } = setup()
    expect(h.nextOutgoing().history).toEqual([])
    for (let i = 1; i <= 5; i++) h.received(ref(i), meta(T0 + 10 * i))
    const mine = h.nextOutgoing()
    h.sent(ref(99), mine.lamport)
    for (let i = 6; i <= 9; i++) h.received(ref(i), meta(T0 + 10 * i))
    h.received(ref(50), meta(T0 + 1)) // late and old: not among the newest
    expect(mine.lamport).toBe(T0 + 51) // after the five received
    expect(hex(h.nextOutgoing().history)).toEqual(hex([ref(9), ref(8), ref(7), ref(6), ref(99), ref(5), ref(4), ref(3)]))
  })

  it('messages with the same timestamp are ordered by ref', () => {
    const { h } = setup()
    h.received(ref(2), meta(T0))
    h.received(ref(1), meta(T0))
    expect(hex(h.nextOutgoing().history)).toEqual(hex([ref(2), ref(1)]))
    const sorted = [{ lamport: T0, ref: ref(2) }, { lamport: T0 - 1, ref: ref(9) }, { lamport: T0, ref: ref(1) }].sort(compareGroupMessages)
    expect(sorted.map(m => toHex(m.ref))).toEqual(hex([ref(9), ref(1), ref(2)]))
  })

  it('a heartbeat adds its timestamp and reveals gaps, but is never named in a history nor remembered', () => {
    const { h } = setup()
    expect(hex(h.receivedHeartbeat(meta(T0 + 100, ref(7))).missing)).toEqual(hex([ref(7)]))
    expect(h.clock).toBe(T0 + 100)
    expect(h.nextOutgoing().history).toEqual([])
  })

  it('returns copies: changing what it gave changes nothing inside', () => {
    const { h } = setup()
    const r = ref(1)
    h.received(r, meta(T0, ref(2)))
    r.fill(0)
    const out = h.nextOutgoing()
    out.history[0].fill(0)
    expect(h.has(ref(1))).toBe(true)
    expect(hex(h.nextOutgoing().history)).toEqual(hex([ref(1)]))
    h.gaps()[0].ref.fill(0)
    expect(hex(h.gaps().map(g => g.ref))).toEqual(hex([ref(2)]))
  })
})

describe('gaps', () => {
  it('out of order: a message naming one not yet here reports it; when it arrives the gap closes and is never due', () => {
    const { h, clock } = setup()
    expect(h.received(ref(2), meta(T0 + 2, ref(1)))).toEqual({ missing: [ref(1)], filled: false, duplicate: false })
    expect(h.gaps()).toEqual([{ ref: ref(1), noticedAt: T0, dueAt: T0 + REPAIR_GRACE_MS, attempts: 0 }])
    clock.t += 1000
    expect(h.received(ref(1), meta(T0 + 1))).toEqual({ missing: [], filled: true, duplicate: false })
    clock.t += REPAIR_GRACE_MS * 100
    expect(h.missing()).toEqual({ due: [], lost: [] })
    expect(h.gaps()).toEqual([])
  })

  it('a real gap is due after the grace period, retried with a doubling backoff, and given up after the last attempt', () => {
    const { h } = setup()
    h.received(ref(2), meta(T0 + 2, ref(1)))
    // attempts at +30 s, +60 s, +120 s, +240 s after noticing; given up at +480 s
    const attempts = [REPAIR_GRACE_MS]
    for (let i = 1; i < MAX_REPAIR_ATTEMPTS; i++) attempts.push(attempts[i - 1] + REPAIR_RETRY_MS * 2 ** (i - 1))
    expect(attempts).toEqual([30_000, 60_000, 120_000, 240_000])
    const giveUp = attempts[MAX_REPAIR_ATTEMPTS - 1] + REPAIR_RETRY_MS * 2 ** (MAX_REPAIR_ATTEMPTS - 1)
    expect(giveUp).toBe(480_000)
    for (const [i, at] of attempts.entries()) {
      expect(h.missing(T0 + at - 1)).toEqual({ due: [], lost: [] })
      expect(h.missing(T0 + at)).toEqual({ due: [ref(1)], lost: [] })
      expect(h.missing(T0 + at)).toEqual({ due: [], lost: [] }) // counted once
      expect(h.gaps()[0].attempts).toBe(i + 1)
    }
    expect(h.missing(T0 + giveUp - 1)).toEqual({ due: [], lost: [] })
    expect(h.missing(T0 + giveUp)).toEqual({ due: [], lost: [ref(1)] })
    expect(h.gaps()).toEqual([])
    expect(h.missing(T0 + giveUp * 10)).toEqual({ due: [], lost: [] })
  })

  it('a sweep long after counts one attempt, not all the missed ones', () => {
    const { h } = setup()
    h.received(ref(2), meta(T0 + 2, ref(1)))
    expect(h.missing(T0 + 3_600_000)).toEqual({ due: [ref(1)], lost: [] })
    expect(h.gaps()[0]).toMatchObject({ attempts: 1, dueAt: T0 + 3_600_000 + REPAIR_RETRY_MS })
  })

  it('a given-up message is not reported again when later histories name it, and closes the gap if it comes after all', () => {
    const { h } = setup()
    h.received(ref(2), meta(T0 + 2, ref(1)))
    expect(h.lost(ref(1))).toBe(true)
    expect(h.lost(ref(1))).toBe(false)
    expect(h.received(ref(3), meta(T0 + 3, ref(2), ref(1))).missing).toEqual([])
    expect(h.missing(T0 + 3_600_000)).toEqual({ due: [], lost: [] })
    expect(h.received(ref(1), meta(T0 + 1))).toEqual({ missing: [], filled: true, duplicate: false })
    expect(h.has(ref(1))).toBe(true)
  })

  it('repaired elsewhere (the message store had it): no longer tracked nor reported', () => {
    const { h } = setup()
    h.received(ref(2), meta(T0 + 2, ref(1), ref(0)))
    expect(h.repaired(ref(1))).toBe(true)
    expect(hex(h.gaps().map(g => g.ref))).toEqual(hex([ref(0)]))
    expect(h.received(ref(3), meta(T0 + 3, ref(1))).missing).toEqual([])
    expect(h.missing(T0 + REPAIR_GRACE_MS)).toEqual({ due: [ref(0)], lost: [] })
    expect(h.repaired(ref(2))).toBe(false) // we have it: nothing to do
  })

  it('a ref named by several messages is tracked once; a message naming itself or what we have reports nothing', () => {
    const { h } = setup()
    h.received(ref(1), meta(T0 + 1))
    expect(hex(h.received(ref(2), meta(T0 + 2, ref(9), ref(1))).missing)).toEqual(hex([ref(9)]))
    expect(h.received(ref(3), meta(T0 + 3, ref(9), ref(3), ref(2))).missing).toEqual([])
    expect(h.gaps()).toHaveLength(1)
  })

  it('a duplicate changes nothing, not even its gaps', () => {
    const { h } = setup()
    h.received(ref(1), meta(T0 + 1))
    const before = h.export()
    expect(h.received(ref(1), meta(T0 + 1, ref(5)))).toEqual({ missing: [], filled: false, duplicate: true })
    expect(h.export()).toEqual(before)
  })

  it('refuses refs of the wrong length and histories beyond the bound, changing nothing', () => {
    const { h } = setup()
    const before = h.export()
    expect(errorName(() => h.received(new Uint8Array(15), meta(T0)))).toBe('MalformedGroupMessageError')
    expect(errorName(() => h.received(ref(1), meta(T0, new Uint8Array(17))))).toBe('MalformedGroupMessageError')
    expect(errorName(() => h.received(ref(1), { lamport: T0, history: 'x' as unknown as Uint8Array[] }))).toBe('MalformedGroupMessageError')
    const tooLong = Array.from({ length: MAX_CAUSAL_HISTORY + 1 }, (_, i) => ref(100 + i))
    expect(errorName(() => h.received(ref(1), meta(T0, ...tooLong)))).toBe('GroupMessageLimitError')
    expect(errorName(() => h.receivedHeartbeat(meta(T0, ...tooLong)))).toBe('GroupMessageLimitError')
    expect(errorName(() => h.has(new Uint8Array(0)))).toBe('MalformedGroupMessageError')
    expect(errorName(() => h.lost(ref(1).subarray(1)))).toBe('MalformedGroupMessageError')
    expect(errorName(() => h.sent(new Uint8Array(32), T0))).toBe('MalformedGroupMessageError')
    expect(h.export()).toEqual(before)
  })
})

describe('bounds', () => {
  it(`tracks at most ${MAX_MISSING_REFS} gaps: made-up refs beyond it are not tracked, and room frees up as gaps close`, () => {
    const { h } = setup()
    let n = 0
    let tracked = 0
    for (let i = 0; tracked < MAX_MISSING_REFS; i++) {
      const history = Array.from({ length: MAX_CAUSAL_HISTORY }, () => ref(1_000_000 + n++))
      tracked += h.received(ref(i), meta(T0 + i, ...history)).missing.length
    }
    expect(tracked).toBe(MAX_MISSING_REFS)
    expect(h.received(ref(900_000), meta(T0 + 5000, ref(2_000_000))).missing).toEqual([])
    expect(h.gaps()).toHaveLength(MAX_MISSING_REFS)
    h.repaired(ref(1_000_000))
    expect(hex(h.received(ref(900_001), meta(T0 + 5001, ref(2_000_000))).missing)).toEqual(hex([ref(2_000_000)]))
  })

  it(`remembers the newest ${MAX_KNOWN_REFS} messages; a late message older than what it forgot reports no gaps`, () => {
    const { h } = setup()
    const extra = 10
    for (let i = 0; i < MAX_KNOWN_REFS + extra; i++) h.received(ref(i), meta(T0 + i))
    for (let i = 0; i < extra; i++) expect(h.has(ref(i))).toBe(false)
    expect(h.has(ref(extra))).toBe(true)
    // a message as old as the forgotten ones may name what we forgot: no gap
    expect(h.received(ref(500_000), meta(T0 + extra - 1, ref(3))).missing).toEqual([])
    // a newer one naming a forgotten ref does report it (the caller's store tells, then calls repaired())
    expect(hex(h.received(ref(500_001), meta(T0 + 100_000, ref(3))).missing)).toEqual(hex([ref(3)]))
    expect(h.export().length).toBeLessThan(70_000)
  })

  it(`remembers at most ${MAX_SETTLED_REFS} settled refs, oldest forgotten first`, () => {
    const { h } = setup()
    for (let i = 0; i <= MAX_SETTLED_REFS; i++) h.lost(ref(10_000 + i))
    expect(hex(h.received(ref(1), meta(T0 + 1, ref(10_000), ref(10_001))).missing)).toEqual(hex([ref(10_000)]))
  })
})

describe('export and import', () => {
  function busy (): { h: CausalHistory, clock: { t: number } } {
    const s = setup()
    const { h, clock } = s
    for (let i = 0; i < 20; i++) h.received(ref(i), meta(T0 + i, ref(100 + i)))
    h.sent(ref(50), h.nextOutgoing().lamport)
    h.lost(ref(105))
    h.repaired(ref(106))
    h.missing(T0 + REPAIR_GRACE_MS) // one attempt each
    clock.t += 5000
    return s
  }

  it('round-trips the state: the same bytes, and the same behaviour afterwards', () => {
    const { h, clock } = busy()
    const bytes = h.export()
    const copy = CausalHistory.import(bytes, { now: () => clock.t })
    expect(copy.export()).toEqual(bytes)
    expect(copy.clock).toBe(h.clock)
    expect(copy.gaps()).toEqual(h.gaps())
    expect(copy.nextOutgoing()).toEqual(h.nextOutgoing())
    for (const at of [T0 + 60_000, T0 + 200_000, T0 + 500_000, T0 + 1_000_000]) expect(copy.missing(at)).toEqual(h.missing(at))
    expect(copy.received(ref(105), meta(T0 + 1))).toEqual(h.received(ref(105), meta(T0 + 1)))
    expect(copy.export()).toEqual(h.export())
  })

  it('round-trips the horizon: after a restart, messages older than what was forgotten still report no gaps', () => {
    const { h } = setup()
    for (let i = 0; i < MAX_KNOWN_REFS + 1; i++) h.received(ref(i), meta(T0 + i))
    const copy = CausalHistory.import(h.export(), { now: () => T0 })
    expect(copy.received(ref(900_000), meta(T0, ref(777))).missing).toEqual([])
    expect(copy.has(ref(0))).toBe(false)
  })

  it('an empty history round-trips', () => {
    const { h } = setup()
    expect(CausalHistory.import(h.export()).export()).toEqual(h.export())
  })

  it('refuses state that does not decode or breaks its rules', () => {
    const good = CausalHistoryPb.decode(busy().h.export())
    const bad = (change: Partial<CausalHistoryPb>): string => errorName(() => CausalHistory.import(CausalHistoryPb.encode({ ...good, ...change })))
    const r = (i: number): Uint8Array<ArrayBuffer> => ref(i) as Uint8Array<ArrayBuffer>
    expect(errorName(() => CausalHistory.import(Uint8Array.of(0xff, 0xff)))).toBe('MalformedCausalHistoryError')
    expect(bad({ format: 2 })).toBe('MalformedCausalHistoryError')
    expect(bad({ clock: 2n ** 53n })).toBe('MalformedCausalHistoryError')
    expect(bad({ clock: 1n })).toBe('MalformedCausalHistoryError') // known messages ahead of the clock
    expect(bad({ known: [good.known[1], good.known[0]] })).toBe('MalformedCausalHistoryError')
    expect(bad({ known: [good.known[0], good.known[0]] })).toBe('MalformedCausalHistoryError')
    expect(bad({ known: [{ ref: new Uint8Array(15), lamport: 1n }] })).toBe('MalformedCausalHistoryError')
    expect(bad({ known: Array.from({ length: MAX_KNOWN_REFS + 1 }, (_, i) => ({ ref: r(i), lamport: BigInt(i) })) })).toBe('MalformedCausalHistoryError')
    expect(bad({ missing: [{ ...good.missing[0], ref: good.known[0].ref }] })).toBe('MalformedCausalHistoryError')
    expect(bad({ missing: [good.missing[0], good.missing[0]] })).toBe('MalformedCausalHistoryError')
    expect(bad({ missing: [{ ...good.missing[0], attempts: MAX_REPAIR_ATTEMPTS + 1 }] })).toBe('MalformedCausalHistoryError')
    expect(bad({ missing: Array.from({ length: MAX_MISSING_REFS + 1 }, (_, i) => ({ ref: r(5000 + i), noticedAt: 0n, dueAt: 0n, attempts: 0 })) })).toBe('MalformedCausalHistoryError')
    expect(bad({ settled: [good.settled[0], good.settled[0]] })).toBe('MalformedCausalHistoryError')
    expect(bad({ settled: [good.known[0].ref] })).toBe('MalformedCausalHistoryError')
    expect(bad({ settled: Array.from({ length: MAX_SETTLED_REFS + 1 }, (_, i) => r(9000 + i)) })).toBe('MalformedCausalHistoryError')
    expect(bad({ horizon: 2n ** 60n })).toBe('MalformedCausalHistoryError')
  })
})

describe('members over a lossy network', () => {
  it('repairing from a store, every member ends with every message, and (lamport, ref) never puts a message before one it names', () => {
    const rng = new SeededRandom('lossy-group')
    const clock = { t: T0 }
    const members = Array.from({ length: 4 }, () => new CausalHistory({ now: () => clock.t }))
    /** what a relay store holds: every message by ref */
    const store = new Map<string, { ref: Uint8Array, meta: CausalMeta, from: number }>()
    const inbox: Array<{ to: number, at: number, ref: Uint8Array }> = []
    let next = 0
    let repairs = 0
    const repair = (to: number, r: Uint8Array): void => { repairs++; deliver(to, r) }
    const deliver = (to: number, r: Uint8Array): void => {
      const m = store.get(toHex(r))!
      members[to].received(m.ref, m.meta)
    }
    for (let step = 0; step < 400; step++) {
      clock.t += rng.int(2000)
      const from = rng.int(members.length)
      const out = members[from].nextOutgoing()
      const r = ref(next++)
      members[from].sent(r, out.lamport)
      store.set(toHex(r), { ref: r, meta: out, from })
      for (let to = 0; to < members.length; to++) {
        if (to !== from && rng.int(10) >= 2) inbox.push({ to, at: clock.t + rng.int(5000), ref: r }) // 20% lost, the rest late by up to 5 s
      }
      for (let i = inbox.length - 1; i >= 0; i--) {
        if (inbox[i].at <= clock.t) { deliver(inbox[i].to, inbox[i].ref); inbox.splice(i, 1) }
      }
      for (const [to, m] of members.entries()) {
        for (const due of m.missing().due) repair(to, due) // the store has everything
      }
    }
    // quiet: the last messages are sent again as heartbeats would reveal them (each member's newest history)
    clock.t += 10_000
    for (const m of members) {
      const beat = m.nextOutgoing()
      for (const other of members) other.receivedHeartbeat(beat)
    }
    for (let round = 0; round < 5; round++) {
      clock.t += REPAIR_GRACE_MS
      for (const [to, m] of members.entries()) for (const due of m.missing().due) repair(to, due)
    }
    // the losses were real: about a fifth of 1,200 deliveries, each repaired once
    expect(repairs).toBeGreaterThan(150)
    expect(repairs).toBeLessThan(350)
    for (const m of members) {
      expect(m.gaps()).toEqual([])
      for (const { ref: r } of store.values()) expect(m.has(r)).toBe(true)
    }
    // causality: every message orders after each message its history names
    for (const m of store.values()) {
      for (const h of m.meta.history) {
        const before = store.get(toHex(h))!
        expect(compareGroupMessages({ lamport: before.meta.lamport, ref: before.ref }, { lamport: m.meta.lamport, ref: m.ref })).toBeLessThan(0)
      }
    }
  })
})
