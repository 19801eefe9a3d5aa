// The outbox serves each recipient on its own: a delivery that waits (a directory lookup, a prekey fetch, a
// dial, a recipient device that is slow to persist) holds back only its own recipient's entries. Before, a
// delivery pass was a barrier: a text queued while one recipient's first contact was under way waited for it.
import { describe, expect, it } from 'vitest'
import { Outbound } from '../../src/messaging/outbound.js'
import { NotOnParleyError } from '../../src/messaging/errors.js'
import type { Recipient, Recipients } from '../../src/messaging/recipients.js'
import type { EnvelopeParty } from '../../src/messaging/envelope.js'
import type { SessionManager } from '../../src/session/index.js'
import type { DialingNode } from '../../src/protocols/request-response.js'
import { MemoryKeyValueStore, MemoryOutboxStore } from '../../src/storage/memory/index.js'
import type { DueOptions, OutboxEntry } from '../../src/storage/index.js'

const SLOW = '+15550900001'
const FAST = '+15550900002'

let n = 0
function entry (to: string, at: number): OutboxEntry {
  const id = (++n).toString(16).padStart(32, '0')
  return { id, to, kind: 'message', payload: new Uint8Array([1]), createdAt: at, expiresAt: at + 60_000, attempts: 0, nextAttemptAt: at }
}

/** A promise with its resolve, and a bounded wait for it. */
function signal (): { fire: () => void, fired: () => boolean, wait: (ms: number, what: string) => Promise<void> } {
  let fire!: () => void
  let done = false
  const p = new Promise<void>(resolve => { fire = () => { done = true; resolve() } })
  return {
    fire,
    fired: () => done,
    async wait (ms, what) {
      let timer: ReturnType<typeof setTimeout> | undefined
      try {
        await Promise.race([p, new Promise((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms) })])
      } finally {
        clearTimeout(timer)
      }
    }
  }
}

/**
 * An Outbound whose directory answers FAST at once (not on Parley: its entries back off, which is enough to
 * see that it was served) and holds SLOW's lookup until `releaseSlow`.
 */
function setUp () {
  const outbox = new MemoryOutboxStore()
  const slowAsked = signal()
  const releaseSlow = signal()
  const fastAsked = signal()
  const lookups: string[] = []
  const recipients = {
    async resolve (to: string): Promise<Recipient> {
      lookups.push(to)
      if (to === SLOW) {
        slowAsked.fire()
        await releaseSlow.wait(30_000, 'release')
      } else {
        fastAsked.fire()
      }
      throw new NotOnParleyError()
    },
    forget () {}
  } as unknown as Recipients
  const outbound = new Outbound({
    node: {} as unknown as DialingNode,
    outbox,
    sealed: new MemoryKeyValueStore(),
    sessions: {} as unknown as SessionManager,
    recipients,
    party: async () => ({}) as unknown as EnvelopeParty,
    now: Date.now,
    onStatus: async () => {}
  })
  return { outbox, outbound, lookups, slowAsked, releaseSlow, fastAsked }
}

describe('Outbound serves recipients on their own', () => {
  it('an entry to another recipient queued while one delivery waits is served at once', async () => {
    const { outbox, outbound, slowAsked, releaseSlow, fastAsked } = setUp()
    try {
      await outbox.put(entry(SLOW, Date.now()))
      outbound.wake()
      await slowAsked.wait(10_000, 'SLOW looked up')
      await outbox.put(entry(FAST, Date.now()))
      outbound.wake()
      await fastAsked.wait(10_000, 'FAST served while SLOW waits')
      expect(releaseSlow.fired()).toBe(false)
      const fast = (await outbox.list()).find(e => e.to === FAST)
      expect(fast?.attempts).toBe(1)
    } finally {
      releaseSlow.fire()
      await outbound.stop()
    }
  })

  it('one recipient is served by one delivery at a time: entries queued meanwhile wait for it, then go oldest first', async () => {
    const { outbox, outbound, lookups, slowAsked, releaseSlow, fastAsked } = setUp()
    try {
      const first = entry(SLOW, Date.now())
      await outbox.put(first)
      outbound.wake()
      await slowAsked.wait(10_000, 'SLOW looked up')
      const second = entry(SLOW, Date.now())
      await outbox.put(second)
      outbound.wake()
      // a wake for another recipient looks at the outbox again while SLOW's first delivery still waits
      await outbox.put(entry(FAST, Date.now()))
      outbound.wake()
      await fastAsked.wait(10_000, 'FAST served')
      expect(lookups.filter(to => to === SLOW)).toHaveLength(1)
      releaseSlow.fire()
      await outbound.idle()
      // both SLOW entries backed off together (the second was not delivered on its own, ahead of the first)
      const slow = (await outbox.list()).filter(e => e.to === SLOW)
      expect(slow.map(e => e.id).sort()).toEqual([first.id, second.id].sort())
      expect(new Set(slow.map(e => e.nextAttemptAt)).size).toBe(1)
    } finally {
      releaseSlow.fire()
      await outbound.stop()
    }
  })

  it('a recipient whose delivery ends while the outbox is being read is not served with a part of its entries', async () => {
    // reads the due entries at once but applies `skip` only when let go: like LevelDB's iteration, which checks
    // each key against the skip set as it reaches it, while deliveries go on meanwhile
    class SlowReadOutbox extends MemoryOutboxStore {
      gate?: ReturnType<typeof signal>
      reading = signal()
      async due (now: number, limit: number, options?: DueOptions): Promise<OutboxEntry[]> {
        const all = await super.due(now, Number.MAX_SAFE_INTEGER)
        const gate = this.gate
        if (gate != null) {
          this.gate = undefined
          this.reading.fire()
          await gate.wait(10_000, 'gate')
        }
        return all.filter(e => options?.skip?.has(e.id) !== true).slice(0, limit)
      }
    }
    const outbox = new SlowReadOutbox()
    const slowAsked = signal()
    const releaseSlow = signal()
    const sent: string[] = []
    const recipients = {
      async resolve (to: string): Promise<Recipient> {
        if (!slowAsked.fired()) {
          slowAsked.fire()
          await releaseSlow.wait(10_000, 'release')
        }
        // no devices: every entry is done at once
        return { e164: to, identityKey: new Uint8Array(32), devices: [], mailboxRelays: [], prekeyBundle: new Uint8Array(0) }
      },
      forget () {}
    } as unknown as Recipients
    const outbound = new Outbound({
      node: {} as unknown as DialingNode,
      outbox,
      sealed: new MemoryKeyValueStore(),
      sessions: {} as unknown as SessionManager,
      recipients,
      party: async () => ({}) as unknown as EnvelopeParty,
      now: Date.now,
      onStatus: async (_to, id) => { sent.push(id) }
    })
    try {
      const [e1, e2, e3] = [entry(SLOW, Date.now()), entry(SLOW, Date.now() + 1), entry(SLOW, Date.now() + 2)]
      await outbox.put(e1)
      outbound.wake()
      await slowAsked.wait(10_000, 'first delivery under way')
      await outbox.put(e2)
      await outbox.put(e3)
      const gate = signal()
      outbox.gate = gate
      outbound.wake()
      await outbox.reading.wait(10_000, 'the outbox is being read')
      // the first delivery ends (e1 sent and deleted) while that read is under way
      releaseSlow.fire()
      while (await outbox.get(e1.id) != null) await new Promise(resolve => setTimeout(resolve, 5))
      await new Promise(resolve => setTimeout(resolve, 20))
      gate.fire()
      await outbound.idle()
      // each once, in order: not e1 again from the stale read, not e3 ahead of e2
      expect(sent).toEqual([e1.id, e2.id, e3.id])
      expect(await outbox.count()).toBe(0)
    } finally {
      releaseSlow.fire()
      await outbound.stop()
    }
  })
})
