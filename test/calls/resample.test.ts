// Rate and channel conversion for Node call audio (src/calls/node/resample.ts): a resampled tone keeps its frequency and the stream its duration, blocks of any size give what one block gives, equal rates copy, and mono/stereo mixing averages or duplicates.
import { describe, expect, it } from 'vitest'
import { LinearResampler, mixChannels } from '../../src/calls/node/resample.js'
import { sineSamples, toneAmplitude } from './audio-helpers.js'

describe('LinearResampler', () => {
  for (const [from, to] of [[22050, 48000], [11025, 48000], [96000, 48000], [16000, 48000], [48000, 44100]]) {
    it(`${from} → ${to} Hz: a 440 Hz tone stays at 440 Hz and one second stays one second`, () => {
      const r = new LinearResampler(from, to, 1)
      const out = r.push(sineSamples(440, from, { sampleRate: from, channels: 1 }))
      expect(out.length).toBeLessThanOrEqual(to)
      expect(out.length).toBeGreaterThanOrEqual(to - Math.ceil(to / from)) // the last input frame is held for the next block
      const block = out.subarray(to / 10, to / 10 + to / 10 * 5)
      expect(toneAmplitude(block, 440, to)).toBeGreaterThan(0.45)
      expect(toneAmplitude(block, 1000, to)).toBeLessThan(0.01)
      expect(toneAmplitude(block, 440 * from / to, to)).toBeLessThan(0.05) // not played at the wrong speed
    })
  }

  it('blocks of any size give the same output as one block (the position is kept across blocks)', () => {
    const input = sineSamples(1000, 22050, { sampleRate: 22050, channels: 2 })
    const whole = new LinearResampler(22050, 48000, 2).push(input)
    const r = new LinearResampler(22050, 48000, 2)
    const parts: number[] = []
    for (let at = 0, n = 1; at < input.length / 2; at += n, n = (n * 5) % 997 + 1) {
      parts.push(...r.push(input.subarray(at * 2, Math.min(input.length, (at + n) * 2))))
    }
    expect(Int16Array.from(parts)).toEqual(whole)
  })

  it('equal rates return a copy; empty blocks give nothing; partial frames and bad rates are refused', () => {
    const r = new LinearResampler(48000, 48000, 2)
    const input = Int16Array.of(1, 2, 3, 4)
    const out = r.push(input)
    expect(out).toEqual(input)
    expect(out).not.toBe(input)
    expect(new LinearResampler(8000, 48000, 1).push(new Int16Array(0))).toEqual(new Int16Array(0))
    expect(() => r.push(Int16Array.of(1, 2, 3))).toThrow(RangeError)
    expect(() => new LinearResampler(0, 48000, 1)).toThrow(RangeError)
    expect(() => new LinearResampler(48000, Number.NaN, 1)).toThrow(RangeError)
    expect(() => new LinearResampler(44100.5, 48000, 1)).toThrow(RangeError)
    expect(() => new LinearResampler(48000, 8000, 0)).toThrow(RangeError)
  })
})

describe('mixChannels', () => {
  it('stereo to mono averages, mono to stereo duplicates, equal counts pass through', () => {
    expect(mixChannels(Int16Array.of(100, 300, -32768, -32768, 32767, 32765), 2, 1)).toEqual(Int16Array.of(200, -32768, 32766))
    expect(mixChannels(Int16Array.of(5, -7), 1, 2)).toEqual(Int16Array.of(5, 5, -7, -7))
    expect(mixChannels(Int16Array.of(1, 2, 3, 4, 5, 6), 3, 2)).toEqual(Int16Array.of(1, 2, 4, 5))
    const same = Int16Array.of(1, 2)
    expect(mixChannels(same, 2, 2)).toBe(same)
  })
})
