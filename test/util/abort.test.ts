// src/util/abort.ts: raceSignal, sleep and withTimeout under an abort before start, an abort during, their own timeout, and the listeners they leave behind (none).
import { getEventListeners } from 'node:events'
import { TimeoutError } from '@libp2p/interface'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { raceSignal, sleep, untilAborted, withTimeout } from '../../src/util/abort.js'

class CallerStopped extends Error {
  static name = 'CallerStopped'
  constructor () {
    super('the caller stopped')
    this.name = 'CallerStopped'
  }
}

class Mapped extends Error {
  static name = 'Mapped'
  constructor (readonly original: unknown) {
    super('mapped timeout')
    this.name = 'Mapped'
  }
}

const listeners = (signal: AbortSignal): number => getEventListeners(signal, 'abort').length

beforeEach(() => { vi.useFakeTimers() })
afterEach(() => { vi.useRealTimers() })

describe('raceSignal', () => {
  it('rejects at once with the reason of a signal aborted before the start', async () => {
    const controller = new AbortController()
    controller.abort(new CallerStopped())
    await expect(raceSignal(new Promise(() => {}), controller.signal)).rejects.toBeInstanceOf(CallerStopped)
  })

  it('rejects with the reason when the signal aborts during, and removes its listener', async () => {
    const controller = new AbortController()
    const raced = raceSignal(new Promise(() => {}), controller.signal)
    expect(listeners(controller.signal)).toBe(1)
    controller.abort(new CallerStopped())
    await expect(raced).rejects.toBeInstanceOf(CallerStopped)
    expect(listeners(controller.signal)).toBe(0)
  })

  it('resolves with the promise and leaves no listener', async () => {
    const controller = new AbortController()
    await expect(raceSignal(Promise.resolve(7), controller.signal)).resolves.toBe(7)
    expect(listeners(controller.signal)).toBe(0)
  })
})

describe('sleep', () => {
  it('resolves after the time and leaves no timer or listener', async () => {
    const controller = new AbortController()
    const slept = sleep(1000, { signal: controller.signal })
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(1000)
    await expect(slept).resolves.toBeUndefined()
    expect(vi.getTimerCount()).toBe(0)
    expect(listeners(controller.signal)).toBe(0)
  })

  it('rejects at once when aborted before the start, setting no timer', async () => {
    const controller = new AbortController()
    controller.abort(new CallerStopped())
    await expect(sleep(1000, { signal: controller.signal })).rejects.toBeInstanceOf(CallerStopped)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('rejects with the reason when aborted during, clearing its timer and listener', async () => {
    const controller = new AbortController()
    const slept = sleep(1000, { signal: controller.signal })
    controller.abort(new CallerStopped())
    await expect(slept).rejects.toBeInstanceOf(CallerStopped)
    expect(vi.getTimerCount()).toBe(0)
    expect(listeners(controller.signal)).toBe(0)
  })

  it('sleeps without a signal', async () => {
    const slept = sleep(10)
    await vi.advanceTimersByTimeAsync(10)
    await expect(slept).resolves.toBeUndefined()
  })
})

describe('untilAborted', () => {
  it('resolves at once for a signal aborted before the start', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(untilAborted(controller.signal)).resolves.toBeUndefined()
    expect(listeners(controller.signal)).toBe(0)
  })

  it('resolves when the signal aborts, and its listener goes with it', async () => {
    const controller = new AbortController()
    let done = false
    const waiting = untilAborted(controller.signal).then(() => { done = true })
    await Promise.resolve()
    expect(done).toBe(false)
    expect(listeners(controller.signal)).toBe(1)
    controller.abort()
    await waiting
    expect(done).toBe(true)
    expect(listeners(controller.signal)).toBe(0)
  })
})

describe('withTimeout', () => {
  /** An fn that waits until its signal aborts, then throws what a libp2p call would: the signal's reason. */
  const untilAborted = async (signal: AbortSignal): Promise<never> => await new Promise((_resolve, reject) => {
    signal.addEventListener('abort', () => { reject(signal.reason) }, { once: true })
  })

  it('returns what fn returns, leaving no timer or listener', async () => {
    const controller = new AbortController()
    await expect(withTimeout(1000, controller.signal, async () => 'done')).resolves.toBe('done')
    expect(vi.getTimerCount()).toBe(0)
    expect(listeners(controller.signal)).toBe(0)
  })

  it('never runs fn when the caller aborted before the start', async () => {
    const controller = new AbortController()
    controller.abort(new CallerStopped())
    const fn = vi.fn(async () => 'ran')
    await expect(withTimeout(1000, controller.signal, fn)).rejects.toBeInstanceOf(CallerStopped)
    expect(fn).not.toHaveBeenCalled()
    expect(vi.getTimerCount()).toBe(0)
  })

  it("a caller's abort during fn rejects with the caller's reason, never onTimeout's error", async () => {
    const controller = new AbortController()
    const onTimeout = vi.fn((cause: unknown) => new Mapped(cause))
    const run = withTimeout(1000, controller.signal, untilAborted, onTimeout)
    controller.abort(new CallerStopped())
    await expect(run).rejects.toBeInstanceOf(CallerStopped)
    expect(onTimeout).not.toHaveBeenCalled()
    expect(vi.getTimerCount()).toBe(0)
    expect(listeners(controller.signal)).toBe(0)
  })

  it("its own timeout aborts fn's signal with a TimeoutError and rejects with onTimeout's error", async () => {
    const controller = new AbortController()
    const run = withTimeout(1000, controller.signal, untilAborted, cause => new Mapped(cause))
    const outcome = run.catch(err => err)
    await vi.advanceTimersByTimeAsync(1000)
    const err = await outcome
    expect(err).toBeInstanceOf(Mapped)
    expect((err as Mapped).original).toBeInstanceOf(TimeoutError)
    expect(controller.signal.aborted).toBe(false)
    expect(listeners(controller.signal)).toBe(0)
  })

  it("without onTimeout, a timeout rejects with fn's own error", async () => {
    const run = withTimeout(1000, undefined, untilAborted)
    const outcome = run.catch(err => err)
    await vi.advanceTimersByTimeAsync(1000)
    expect(await outcome).toBeInstanceOf(TimeoutError)
  })

  it("fn's own failure passes through unchanged and cleans up", async () => {
    const controller = new AbortController()
    const run = withTimeout(1000, controller.signal, async () => { throw new CallerStopped() }, cause => new Mapped(cause))
    await expect(run).rejects.toBeInstanceOf(CallerStopped)
    expect(vi.getTimerCount()).toBe(0)
    expect(listeners(controller.signal)).toBe(0)
  })
})
