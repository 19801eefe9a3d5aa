// The WAV player for Node calls (src/calls/node/audio-player.ts) on a fake clock and a fake RTCAudioSource: one 10 ms frame per 10 ms with the file's samples in order, silence after the end (or the file again when looping), a late timer caught up within a bound, rates wrtc cannot take resampled, and stop() leaving no timer, track or file behind, also after a read error.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createAudioPlayer, playWav, AUDIO_FRAME_MS, PLAYER_MAX_CATCH_UP_FRAMES, PLAYER_READ_AHEAD_MS, PLAYER_NATIVE_RATES, PLAYER_RESAMPLE_RATE } from '../../src/calls/node/audio-player.js'
import { WavFormatError, WAV_SAMPLE_RATES } from '../../src/calls/node/wav.js'
import { FakeAudioSource, memoryReader } from './fakes.js'
import { sineSamples, toneAmplitude } from './audio-helpers.js'
import { tempDir } from '../helpers/tmp.js'
import { join } from 'node:path'
import { writeFile } from 'node:fs/promises'

const api = { RTCAudioSource: FakeAudioSource }
let now = 0

beforeEach(() => {
  FakeAudioSource.made = []
  now = 1000
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] })
  vi.spyOn(performance, 'now').mockImplementation(() => now)
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

/** Moves the clock by `ms` in timer-sized steps, letting reads finish between steps. */
async function play (ms: number): Promise<void> {
  for (let t = 0; t < ms; t += AUDIO_FRAME_MS / 2) {
    now += AUDIO_FRAME_MS / 2
    await vi.advanceTimersByTimeAsync(AUDIO_FRAME_MS / 2)
  }
}

const ramp = (n: number): Int16Array => Int16Array.from({ length: n }, (_, i) => i + 1)
const source = (): FakeAudioSource => FakeAudioSource.made[0]
const pushedSamples = (): number[] => source().pushed.flatMap(d => [...d.samples])

describe('audio player', () => {
  it('pushes one 10 ms frame per 10 ms with the file in order, then silence, and tells when the file ended', async () => {
    const reader = memoryReader({ sampleRate: 48000, channels: 1 }, ramp(1200)) // 25 ms
    const player = await createAudioPlayer(api, reader)
    expect(source().pushed).toHaveLength(0) // nothing before start
    player.start()
    player.start() // a second 'connected' changes nothing
    await play(100)
    expect(source().pushed).toHaveLength(10)
    for (const d of source().pushed) expect(d).toMatchObject({ sampleRate: 48000, channelCount: 1, numberOfFrames: 480, bitsPerSample: 16 })
    const all = pushedSamples()
    expect(all.slice(0, 1200)).toEqual([...ramp(1200)])
    expect(all.slice(1200).every(x => x === 0)).toBe(true)
    expect(await player.ended).toBe('end')
    const stats = await player.stop()
    expect(stats).toMatchObject({ framesPushed: 10, audioFrames: 3, underruns: 0, skipped: 0, plays: 1 })
    expect(source().track.stopped).toBe(true)
    expect(reader.closed).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('loops: the file comes again without a gap', async () => {
    const reader = memoryReader({ sampleRate: 8000, channels: 1 }, ramp(120)) // 15 ms at 8 kHz
    const player = await createAudioPlayer(api, reader, { loop: true })
    player.start()
    await play(100)
    const all = pushedSamples()
    expect(all).toHaveLength(800)
    expect(all).toEqual(Array.from({ length: 800 }, (_, i) => (i % 120) + 1))
    const stats = await player.stop()
    expect(stats.plays).toBeGreaterThanOrEqual(6)
    expect(await player.ended).toBe('stopped')
  })

  it('a late timer is caught up frame by frame, up to PLAYER_MAX_CATCH_UP_FRAMES; a longer stall is skipped, not sent in a burst', async () => {
    const reader = memoryReader({ sampleRate: 16000, channels: 1 }, ramp(16000 * 2))
    const player = await createAudioPlayer(api, reader)
    player.start()
    now += 35 // the event loop was busy for 35 ms
    await vi.advanceTimersByTimeAsync(AUDIO_FRAME_MS / 2)
    expect(source().pushed).toHaveLength(3)
    expect(pushedSamples()).toEqual([...ramp(480)]) // no frame lost: the file goes on where it was
    now += 1000 // a stall of a second
    await vi.advanceTimersByTimeAsync(AUDIO_FRAME_MS / 2)
    expect(source().pushed).toHaveLength(3 + PLAYER_MAX_CATCH_UP_FRAMES)
    await play(20)
    const stats = await player.stop()
    expect(stats.skipped).toBe(100 - PLAYER_MAX_CATCH_UP_FRAMES)
    // the clock moved on, the file did not: it plays on from where it was
    expect(pushedSamples()).toEqual([...ramp(stats.framesPushed * 160)])
  })

  it('every supported WAV rate plays: whole frames per 10 ms up to 48 kHz go to wrtc as they are, the others at 48 kHz', async () => {
    for (const rate of WAV_SAMPLE_RATES) {
      FakeAudioSource.made = []
      const player = await createAudioPlayer(api, memoryReader({ sampleRate: rate, channels: 1 }, sineSamples(440, rate / 10, { sampleRate: rate, channels: 1 })))
      player.start()
      await play(20)
      await player.stop()
      const out = PLAYER_NATIVE_RATES.includes(rate) ? rate : PLAYER_RESAMPLE_RATE
      expect(out % 100).toBe(0)
      expect(source().pushed, `${rate} Hz`).toHaveLength(2)
      for (const d of source().pushed) expect(d).toMatchObject({ sampleRate: out, numberOfFrames: out / 100, channelCount: 1 })
      expect(source().pushed[1].samples.some(x => x !== 0)).toBe(true)
    }
  })

  it('a rate wrtc takes as it is (44.1 kHz stereo) goes through untouched', async () => {
    const format = { sampleRate: 44100, channels: 2 } as const
    const samples = sineSamples(440, 4410, format)
    const player = await createAudioPlayer(api, memoryReader(format, samples))
    player.start()
    await play(50)
    await player.stop()
    for (const d of source().pushed) expect(d).toMatchObject({ sampleRate: 44100, channelCount: 2, numberOfFrames: 441 })
    expect(pushedSamples()).toEqual([...samples.subarray(0, 5 * 441 * 2)])
  })

  it('a rate wrtc cannot take in 10 ms frames (22.05 kHz) is resampled to 48 kHz and keeps its pitch', async () => {
    const format = { sampleRate: 22050, channels: 1 } as const
    const player = await createAudioPlayer(api, memoryReader(format, sineSamples(440, 22050, format)))
    player.start()
    await play(500)
    await player.stop()
    for (const d of source().pushed) expect(d).toMatchObject({ sampleRate: 48000, channelCount: 1, numberOfFrames: 480 })
    const out = Int16Array.from(pushedSamples())
    expect(out).toHaveLength(50 * 480)
    expect(toneAmplitude(out.subarray(4800, 19200), 440, 48000)).toBeGreaterThan(0.45)
    expect(toneAmplitude(out.subarray(4800, 19200), 440 * 22050 / 48000, 48000)).toBeLessThan(0.05)
  })

  it('reads ahead only PLAYER_READ_AHEAD_MS, not the whole file', async () => {
    const format = { sampleRate: 48000, channels: 1 } as const
    const reader = memoryReader(format, new Int16Array(48000 * 60)) // a minute
    const player = await createAudioPlayer(api, reader)
    const readsBefore = reader.reads
    player.start()
    await play(1000)
    await player.stop()
    // half the read-ahead per read: a second of playing is about 2 × (1000 / PLAYER_READ_AHEAD_MS) reads, not 120
    expect(reader.reads - readsBefore).toBeLessThanOrEqual(2 * 1000 / PLAYER_READ_AHEAD_MS + 2)
    expect(readsBefore).toBeLessThanOrEqual(3)
  })

  it('a read slower than real time gives silence (counted as underruns) and the file resumes where it was', async () => {
    const format = { sampleRate: 8000, channels: 1 } as const
    const reader = memoryReader(format, ramp(8000 * 2), { holdAt: 3 }) // the first read after start hangs
    const player = await createAudioPlayer(api, reader)
    player.start()
    await play(PLAYER_READ_AHEAD_MS + 200)
    const stuck = pushedSamples()
    const audio = stuck.filter(x => x !== 0)
    expect(audio).toEqual([...ramp(audio.length)])
    reader.release()
    await play(100)
    const stats = await player.stop()
    expect(stats.underruns).toBeGreaterThan(0)
    const all = pushedSamples().filter(x => x !== 0)
    expect(all).toEqual([...ramp(all.length)])
    expect(all.length).toBeGreaterThan(audio.length)
  })

  it('a read error ends playback: `ended` says so, stop() rejects with it and still cleans up', async () => {
    const reader = memoryReader({ sampleRate: 48000, channels: 1 }, new Int16Array(48000 * 5), { failAt: 3 })
    const player = await createAudioPlayer(api, reader)
    player.start()
    await play(PLAYER_READ_AHEAD_MS)
    expect(await player.ended).toBe('error')
    await expect(player.stop()).rejects.toThrow('disk on fire')
    expect(source().track.stopped).toBe(true)
    expect(reader.closed).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('stop() before start and twice; an aborted set-up leaves no track or file open', async () => {
    const reader = memoryReader({ sampleRate: 48000, channels: 1 }, ramp(480))
    const player = await createAudioPlayer(api, reader)
    const a = await player.stop()
    expect(await player.stop()).toEqual(a)
    player.start()
    expect(vi.getTimerCount()).toBe(0)
    expect(source().pushed).toHaveLength(0)

    const second = memoryReader({ sampleRate: 48000, channels: 1 }, ramp(480))
    const signal = AbortSignal.abort(new Error('hung up'))
    await expect(createAudioPlayer(api, second, { signal })).rejects.toThrow('hung up')
    expect(FakeAudioSource.made).toHaveLength(1) // refused before a source was made
  })

  it('playWav opens a file; a file that is not a WAV is refused with its error class and nothing is made', async () => {
    vi.useRealTimers()
    const dir = await tempDir('parley-player-')
    try {
      const path = join(dir.path, 'notes.txt')
      await writeFile(path, 'not a sound')
      await expect(playWav(api, path)).rejects.toBeInstanceOf(WavFormatError)
      expect(FakeAudioSource.made).toHaveLength(0)
    } finally {
      await dir.remove()
    }
  })
})
