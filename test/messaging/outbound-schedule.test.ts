// Outbound's passes and timer: one pass per wake, one more for a wake during a pass, none after stop(); the timer wakes it at the next entry's time (not before), is unref'd, is cancelled when the outbox empties, and only one is ever set; a pass reads the outbox in batches of OUTBOX_BATCH, serves at most RECIPIENT_CONCURRENCY recipients at once, goes on past a recipient whose bookkeeping failed, and stops when stop() comes.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RETRY_MAX_MS, RETRY_MIN_MS } from '../../src/messaging/outbound.js'
import { Recipients } from '../../src/messaging/recipients.js'
import type { LookupResult } from '../../src/directory/index.js'
import { failed, fakeNet, gate, harness, id, recordOf, settles, T0, turns, BOB, CAROL, R1, type Harness } from './outbound-harness.js'

vi.mock('../../src/protocols/mailbox/index.js', async o => (await import('./fake-net.js')).mockMailbox(await o()))
vi.mock('../../src/protocols/prekeys/index.js', async o => (await import('./fake-net.js')).mockPreKeys(await o()))
vi.mock('../../src/protocols/dm/index.js', async o => (await import('./fake-net.js')).mockDirect(await o()))

let h: Harness | undefined

/** Event-loop turns until `done` holds (at most `bound`). */
async function until (done: () => boolean, bound = 500): Promise<void> {
  for (let i = 0; i < bound && !done(); i++) await turns()
  expect(done()).toBe(true)
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  vi.setSystemTime(T0)
})

afterEach(async () => {
  vi.restoreAllMocks()
  await h?.out.stop()
  h = undefined
  vi.useRealTimers()
  fakeNet.reset()
})

describe('Outbound passes', () => {
  it('one wake, one pass; it reads the outbox with the pass\'s abort signal', async () => {
    h = await harness()
    await h.text(1)
    await h.pass()
    expect(h.passes).toBe(1)
    expect(h.statuses).toEqual([[id(1), 'sent']])
    expect(h.dueCalls.filter(c => c.limit > 1)).toEqual([{ limit: 500, signal: true }])
  })

  it('a wake during a pass runs one more pass right after it', async () => {
    const hold = gate()
    let held = false
    h = await harness({ init: () => ({ accepted: async () => { if (!held) { held = true; await hold.promise } } }) })
    await h.text(1)
    h.out.wake()
    await until(() => held)
    // written and announced while the pass (which read the outbox before) waits
    vi.setSystemTime(T0 + 1)
    await h.text(2)
    h.out.wake()
    hold.open()
    await h.out.idle()
    expect(h.passes).toBe(2)
    expect(h.statuses).toEqual([[id(1), 'sent'], [id(2), 'sent']])
  })

  it('after stop(), a wake runs nothing', async () => {
    h = await harness()
    await h.text(1)
    await h.out.stop()
    h.out.wake()
    await h.out.idle()
    expect(h.passes).toBe(0)
    expect(fakeNet.deposits).toEqual([])
  })

  it('while we are not registered a pass does nothing: no lookup, the entries as they were', async () => {
    h = await harness({ init: h => ({ party: async () => { h.passes++; return undefined } }) })
    const e = await h.text(1)
    await h.pass()
    expect(h.passes).toBe(1)
    expect(h.lookups).toEqual([])
    expect(fakeNet.deposits).toEqual([])
    expect(await h.entry(e.id)).toEqual(e)
    expect(h.errors).toEqual([])
  })

  it('entries that all passed their TTL fail without a directory lookup', async () => {
    h = await harness()
    await h.text(1, { expiresAt: T0 })
    await h.pass()
    expect(h.statuses).toEqual([[id(1), 'failed']])
    expect(h.lookups).toEqual([])
  })

  it('more than OUTBOX_BATCH (500) due entries are all handled in one pass', async () => {
    h = await harness()
    for (let n = 0; n <= 500; n++) await h.text(n, { expiresAt: T0 })
    await h.pass()
    expect(h.statuses).toHaveLength(501)
    expect(await h.alice.party.storage.outbox.count()).toBe(0)
  })

  it('serves at most RECIPIENT_CONCURRENCY (8) recipients at once', async () => {
    const hold = gate()
    let active = 0
    let most = 0
    h = await harness({ init: () => ({ accepted: async () => { active++; most = Math.max(most, active); await hold.promise; active-- } }) })
    const record = await recordOf(h.bob, [R1])
    const numbers = Array.from({ length: 9 }, (_, i) => `+155509401${i}`)
    for (const [i, to] of numbers.entries()) {
      h.directory.set(to, record)
      await h.text(i, { to })
    }
    h.out.wake()
    await until(() => active === 8)
    await turns(10)
    expect(active).toBe(8)
    hold.open()
    await h.out.idle()
    expect(most).toBe(8)
    expect(h.statuses).toHaveLength(9)
  })

  it('a recipient whose bookkeeping failed is reported; the others are served in the same pass, and its entry waits for the next', async () => {
    for (const reporting of [true, false]) {
      let fail = true
      h = await harness({
        init: h => ({
          onStatus: async (_to, entry, status) => {
            if (entry === id(1) && fail) { fail = false; throw new Error('disk full') }
            h.statuses.push([entry, status])
          },
          ...(reporting ? {} : { onError: undefined })
        })
      })
      // carol's text passed its TTL: failing it is all there is to do, and its status write fails
      await h.text(1, { to: CAROL, expiresAt: T0 })
      await h.text(2)
      await h.pass()
      expect(h.statuses).toEqual([[id(2), 'sent']])
      expect(await h.entry(id(1))).toBeDefined()
      if (reporting) expect(h.errors).toEqual([new Error('disk full')])
      await h.out.stop()
      fakeNet.reset()
    }
  })

  it('stop() during a pass\'s outbox read: nothing more is delivered, and the stopped Outbound reads the outbox no more', async () => {
    const hold = gate()
    h = await harness()
    const e = await h.text(1)
    h.beforeDue = async (_now, limit) => { if (limit > 1) await hold.promise }
    h.out.wake()
    await until(() => h!.dueCalls.length === 1)
    const stopping = h.out.stop()
    hold.open()
    await stopping
    await turns(5)
    expect(h.dueCalls).toHaveLength(1)
    expect(h.lookups).toEqual([])
    expect(fakeNet.deposits).toEqual([])
    expect(await h.entry(e.id)).toEqual(e)
    expect(h.errors).toEqual([])
  })

  it('stop() during a pass reads the outbox no more', async () => {
    h = await harness({
      init: () => ({
        accepted: async (_to, _key, options) => await new Promise<void>((_resolve, reject) => {
          options?.signal?.addEventListener('abort', () => { reject(options.signal?.reason) })
        })
      })
    })
    await h.text(1)
    h.out.wake()
    await until(() => h!.lookups.length === 1)
    const reads = h.dueCalls.length
    await h.out.stop()
    await turns(5)
    expect(h.dueCalls).toHaveLength(reads)
  })

  it('stop() ends a pass waiting on the directory', async () => {
    const answer = gate<LookupResult>()
    try {
      h = await harness({ init: () => ({ recipients: new Recipients(async () => await answer.promise, Date.now) }) })
      await h.text(1)
      h.out.wake()
      await turns(20)
      expect(await settles(h.out.stop())).toBe(true)
    } finally {
      answer.open({ registered: false, stats: { peersQueried: 0, hops: 0, endedEarly: false } })
    }
  })
})

describe('Outbound timer', () => {
  it('wakes the Outbound at the next entry\'s time, not before', async () => {
    h = await harness()
    fakeNet.answer = () => failed
    await h.text(1)
    await h.pass()
    expect(fakeNet.deposits).toHaveLength(1)
    fakeNet.reset()
    await turns(5)
    await vi.advanceTimersByTimeAsync(RETRY_MIN_MS - 1)
    expect(h.passes).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    await h.out.idle()
    expect(h.passes).toBe(2)
    expect(fakeNet.deposits).toHaveLength(1)
    expect(h.statuses).toEqual([[id(1), 'sent']])
  })

  it('is cancelled when a wake empties the outbox', async () => {
    h = await harness()
    fakeNet.answer = () => failed
    await h.text(1)
    await h.pass()
    await turns(5)
    expect(vi.getTimerCount()).toBe(1)
    fakeNet.reset()
    vi.setSystemTime(T0 + 10)
    await h.out.release(BOB)
    await h.out.idle()
    expect(h.statuses).toEqual([[id(1), 'sent']])
    await turns(5)
    expect(vi.getTimerCount()).toBe(0)
    await vi.advanceTimersByTimeAsync(RETRY_MAX_MS)
    expect(h.passes).toBe(2)
  })

  it('stop() leaves no timer behind', async () => {
    h = await harness()
    fakeNet.answer = () => failed
    await h.text(1)
    await h.pass()
    await turns(5)
    expect(vi.getTimerCount()).toBe(1)
    await h.out.stop()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('a timer set while another pass runs is left to that pass', async () => {
    let holdSchedule: { promise: Promise<void>, open: () => void } | undefined
    const holdPass = gate()
    let holding = false
    h = await harness({ init: () => ({ accepted: async to => { if (to === CAROL) { holding = true; await holdPass.promise } } }) })
    h.directory.set(CAROL, await recordOf(h.bob, [R1]))
    h.beforeDue = async (_now, limit) => {
      const held = holdSchedule
      if (limit === 1 && held != null) { holdSchedule = undefined; await held.promise }
    }
    fakeNet.answer = () => failed
    await h.text(1)
    const scheduling = holdSchedule = gate()
    await h.pass()
    // the first pass's timer waits on its outbox read while a second pass starts
    vi.setSystemTime(T0 + 10)
    await h.text(2, { to: CAROL })
    h.out.wake()
    await until(() => holding)
    scheduling.open()
    await turns(5)
    await vi.advanceTimersByTimeAsync(RETRY_MIN_MS)
    holdPass.open()
    await h.out.idle()
    expect(h.passes).toBe(2)
  })

  it('only one timer is ever set', async () => {
    let holdSchedule: { promise: Promise<void>, open: () => void } | undefined
    h = await harness()
    h.beforeDue = async (_now, limit) => {
      const held = holdSchedule
      if (limit === 1 && held != null) { holdSchedule = undefined; await held.promise }
    }
    fakeNet.answer = () => failed
    await h.text(1)
    const scheduling = holdSchedule = gate()
    await h.pass()
    // a second pass (nothing due) sets its timer while the first one's waits on its outbox read
    await h.pass()
    await turns(5)
    expect(vi.getTimerCount()).toBe(1)
    scheduling.open()
    await turns(5)
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(RETRY_MIN_MS)
    await h.out.idle()
    expect(h.passes).toBe(3)
  })

  it("is unref'd where timers have unref, and left alone where they are numbers (browsers) or objects without it", async () => {
    for (const handle of [{ unref: vi.fn() }, 42, {}]) {
      h = await harness()
      fakeNet.answer = () => failed
      await h.text(1)
      const set = vi.spyOn(globalThis, 'setTimeout').mockReturnValue(handle as never)
      vi.spyOn(globalThis, 'clearTimeout').mockImplementation(() => {})
      await h.pass()
      await until(() => set.mock.calls.length > 0)
      await turns(2)
      expect(set).toHaveBeenCalledTimes(1)
      if (typeof handle === 'object' && 'unref' in handle) expect(handle.unref).toHaveBeenCalledTimes(1)
      expect(h.errors).toEqual([])
      await h.out.stop()
      vi.restoreAllMocks()
      h = undefined
      fakeNet.reset()
    }
  })
})

describe('Outbound errors outside a delivery', () => {
  it('a pass that cannot start is reported; without onError it ends quietly', async () => {
    const locked = new Error('storage locked')
    h = await harness({ init: () => ({ party: async () => { throw locked } }) })
    await h.pass()
    expect(h.errors).toEqual([locked])
    await h.out.stop()

    h = await harness({ init: () => ({ party: async () => { throw locked }, onError: undefined }) })
    h.out.wake()
    await expect(h.out.idle()).resolves.toBeUndefined()
  })

  it("a failed read for the timer's time is reported; without onError it ends quietly", async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (err: unknown): void => { unhandled.push(err) }
    process.on('unhandledRejection', onUnhandled)
    try {
      for (const reporting of [true, false]) {
        const broken = new Error('storage closed')
        h = await harness(reporting ? {} : { init: () => ({ onError: undefined }) })
        h.beforeDue = async (_now, limit) => { if (limit === 1) throw broken }
        await h.pass()
        await turns(5)
        if (reporting) expect(h.errors).toEqual([broken])
        await h.out.stop()
      }
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})
