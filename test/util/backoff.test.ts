// src/util/backoff.ts: doubling from minMs, capped at maxMs, odd attempts clamped.
import { describe, expect, it } from 'vitest'
import { backoff } from '../../src/util/backoff.js'

describe('backoff', () => {
  it('doubles from minMs per attempt, from attempt 0', () => {
    expect([0, 1, 2, 3].map(a => backoff(a, { minMs: 500 }))).toEqual([500, 1000, 2000, 4000])
  })

  it('never exceeds maxMs', () => {
    expect(backoff(5, { minMs: 1000, maxMs: 30_000 })).toBe(30_000)
    expect(backoff(1e6, { minMs: 1000, maxMs: 30_000 })).toBe(30_000)
    expect(backoff(Infinity, { minMs: 1000, maxMs: 30_000 })).toBe(30_000)
  })

  it('stays finite without a maxMs', () => {
    expect(Number.isFinite(backoff(1e6, { minMs: 1000 }))).toBe(true)
  })

  it('counts a negative attempt or NaN as 0 and a fraction as the integer below it', () => {
    expect(backoff(-3, { minMs: 500, maxMs: 10_000 })).toBe(500)
    expect(backoff(Number.NaN, { minMs: 500, maxMs: 10_000 })).toBe(500)
    expect(backoff(2.7, { minMs: 500, maxMs: 10_000 })).toBe(2000)
  })

  it('agrees with the formulas it replaced', () => {
    for (let a = 0; a < 40; a++) {
      expect(backoff(a, { minMs: 500, maxMs: 30_000 })).toBe(Math.min(30_000, 500 * 2 ** Math.min(16, a)))
      expect(backoff(a, { minMs: 1000, maxMs: 300_000 })).toBe(Math.min(300_000, 1000 * 2 ** Math.min(20, a)))
    }
  })
})
