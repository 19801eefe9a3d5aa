// `parley call/answer --seconds N` hangs up once the call has been connected for N s by the clock the call's times are
// stamped with: a timer fires by the event loop's cached time, which may lag that clock, and must not end the call a
// millisecond early (a CI run logged 3,999 ms for --seconds 4), nor wait for a wall clock set back. Fake timers with a call
// clock that lags or jumps.
import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest'
import { hangUpAfter } from '../../src/cli/calls.js'

beforeEach(() => { vi.useFakeTimers({ now: 0 }) })
afterEach(() => { vi.useRealTimers() })

/** A call connected at `connectedAt` whose hang-up stamps `endedAt` with `now`, as the SDK's calls do. */
function call (connectedAt: number, now: () => number): { connectedAt: number, endedAt?: number, hangup: () => Promise<void> } {
  const c: { connectedAt: number, endedAt?: number, hangup: () => Promise<void> } = {
    connectedAt,
    hangup: async () => { c.endedAt ??= now() }
  }
  return c
}

describe('hangUpAfter', () => {
  it('a timer counting from a stale loop time: the hang-up waits until the call has lasted the whole time by its clock', () => {
    // when the call connects, its clock reads 1 ms more than the time the timer counts from (the loop's cached time);
    // by the time the timer fires the loop's time has caught up
    let lag = 1
    const now = (): number => Date.now() + lag
    const c = call(now(), now)
    hangUpAfter(c, 4000, now)
    lag = 0
    vi.advanceTimersByTime(4000)
    expect(c.endedAt).toBeUndefined()
    vi.advanceTimersByTime(1)
    expect(c.endedAt! - c.connectedAt).toBe(4000)
  })

  it('clocks that agree: the call ends at the time asked, not later', () => {
    const c = call(Date.now(), Date.now)
    hangUpAfter(c, 4000, Date.now)
    vi.advanceTimersByTime(3999)
    expect(c.endedAt).toBeUndefined()
    vi.advanceTimersByTime(1)
    expect(c.endedAt! - c.connectedAt).toBe(4000)
  })

  it('a wall clock set back an hour during the call: the call still ends after the time asked, not an hour later', () => {
    let offset = 0
    const now = (): number => Date.now() + offset
    const c = call(now(), now)
    hangUpAfter(c, 4000, now)
    offset = -3_600_000
    vi.advanceTimersByTime(4000)
    expect(c.endedAt).toBeDefined()
  })

  it('cancelled (the call ended first): no hang-up', () => {
    const c = call(Date.now(), Date.now)
    const cancel = hangUpAfter(c, 4000, Date.now)
    cancel()
    vi.advanceTimersByTime(10_000)
    expect(c.endedAt).toBeUndefined()
  })
})
