// The CLI's wait at exit for the outbox (flushOutbox) on a stand-in facade and fake timers: it waits as long as the
// outbox keeps shrinking, however slow each delivery is, and gives up only when nothing moves for FLUSH_IDLE_MS or
// after FLUSH_MAX_MS in all.
import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest'
import { EventEmitter } from 'node:events'
import { flushOutbox, FLUSH_IDLE_MS, FLUSH_MAX_MS } from '../../src/cli/messaging.js'
import type { Parley } from '../../src/index.js'

/** A facade whose outbox holds `items` and delivers one every `everyMs` (never, with Infinity), saying so with 'status'. */
function facade (items: number, everyMs: number): { parley: Parley, left: () => number } {
  const events = new EventEmitter()
  let left = items
  if (Number.isFinite(everyMs)) {
    const t = setInterval(() => {
      if (left === 0) { clearInterval(t); return }
      left--
      events.emit('status', {})
    }, everyMs)
  }
  const parley = {
    flushReceipts: async () => {},
    pendingCount: async () => left,
    on: (name: string, fn: () => void) => events.on(name, fn),
    off: (name: string, fn: () => void) => events.off(name, fn)
  }
  return { parley: parley as unknown as Parley, left: () => left }
}

beforeEach(() => { vi.useFakeTimers() })
afterEach(() => { vi.useRealTimers() })

describe('flushOutbox', () => {
  it('waits for every message while each delivery takes longer than the idle limit would allow in all', async () => {
    // three messages, one every 3 s: 9 s in all, more than FLUSH_IDLE_MS, each step well inside it
    const { parley, left } = facade(3, 3_000)
    let done = false
    const flushing = flushOutbox(parley).then(() => { done = true })
    await vi.advanceTimersByTimeAsync(FLUSH_IDLE_MS + 500)
    expect(done).toBe(false)
    await vi.advanceTimersByTimeAsync(5_000)
    await flushing
    expect(left()).toBe(0)
  })

  it('gives up when nothing goes out for FLUSH_IDLE_MS (the rest stays queued for the next run)', async () => {
    const { parley, left } = facade(2, Infinity)
    let done = false
    const flushing = flushOutbox(parley).then(() => { done = true })
    await vi.advanceTimersByTimeAsync(FLUSH_IDLE_MS - 500)
    expect(done).toBe(false)
    await vi.advanceTimersByTimeAsync(1_000)
    await flushing
    expect(left()).toBe(2)
  })

  it('gives up after FLUSH_MAX_MS even while the outbox still shrinks', async () => {
    const { parley, left } = facade(1_000, 1_000)
    let done = false
    const flushing = flushOutbox(parley).then(() => { done = true })
    await vi.advanceTimersByTimeAsync(FLUSH_MAX_MS - 1_000)
    expect(done).toBe(false)
    await vi.advanceTimersByTimeAsync(2_000)
    await flushing
    expect(left()).toBeGreaterThan(900)
  })

  it('returns at once when the outbox is empty', async () => {
    const { parley } = facade(0, Infinity)
    await flushOutbox(parley)
  })
})
