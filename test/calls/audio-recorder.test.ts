// The recorder for Node calls (src/calls/node/audio-recorder.ts) on a fake RTCAudioSink: blocks are written in order as they come, converted to the file's rate and channels (wrtc's first blocks are 16 kHz), waitForFrames wakes on the block that reaches the count, stop() reports what the file holds and leaves the remote track alone, and a failed write stops the recording with its error.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { createAudioRecorder, recordWav, RECORDER_DEFAULT_RATE, RecordingStoppedError } from '../../src/calls/node/audio-recorder.js'
import { WavUnsupportedError } from '../../src/calls/node/wav.js'
import { FakeAudioSink, memoryWriter, remoteTrack } from './fakes.js'
import { readAllSamples, sineSamples, toneAmplitude } from './audio-helpers.js'
import { tempDir } from '../helpers/tmp.js'

const api = { RTCAudioSink: FakeAudioSink }
let dir: { path: string, remove: () => Promise<void> }
beforeEach(async () => {
  FakeAudioSink.made = []
  dir = await tempDir('parley-recorder-')
})
afterEach(async () => { await dir.remove() })

const sink = (): FakeAudioSink => FakeAudioSink.made[0]
const block = (samples: Int16Array, sampleRate = 48000, channelCount = 1): { samples: Int16Array, sampleRate: number, channelCount: number, bitsPerSample: number, numberOfFrames: number } =>
  ({ samples, sampleRate, channelCount, bitsPerSample: 16, numberOfFrames: samples.length / channelCount })

describe('audio recorder', () => {
  it('writes each block as it comes into a WAV file, and stop() gives the frames and seconds in it', async () => {
    const track = remoteTrack()
    const path = join(dir.path, 'call.wav')
    const rec = await recordWav(api, track, path)
    expect(sink().track).toBe(track)
    const tone = sineSamples(440, 48000, { sampleRate: 48000, channels: 1 })
    for (let i = 0; i < 100; i++) sink().deliver(block(tone.subarray(i * 480, (i + 1) * 480)))
    expect(rec.frames).toBe(48000)
    const stats = await rec.stop()
    expect(stats).toEqual({ frames: 48000, seconds: 1, blocks: 100 })
    expect(sink().stopped).toBe(true)
    expect((track as unknown as { stopped: boolean }).stopped).toBe(false) // the track is the peer connection's
    const back = await readAllSamples(path)
    expect(back.format).toEqual({ sampleRate: RECORDER_DEFAULT_RATE, channels: 1 })
    expect(back.samples).toEqual(tone)
    // nothing after stop
    sink().deliver(block(tone.subarray(0, 480)))
    expect(await rec.stop()).toEqual(stats)
  })

  it('blocks at other rates and channel counts are converted to the file\'s (wrtc starts with 16 kHz blocks)', async () => {
    const writer = memoryWriter({ sampleRate: 48000, channels: 2 })
    const rec = createAudioRecorder(api, remoteTrack(), writer)
    sink().deliver(block(new Int16Array(160), 16000, 1)) // 10 ms of 16 kHz silence
    sink().deliver(block(new Int16Array(160), 16000, 1))
    const stereo = sineSamples(660, 48000, { sampleRate: 48000, channels: 2 })
    for (let i = 0; i < 50; i++) sink().deliver(block(stereo.subarray(i * 960, (i + 1) * 960), 48000, 2))
    const stats = await rec.stop()
    // two 10 ms blocks of 16 kHz become about 20 ms at 48 kHz (the last frame waits for a next block that never comes)
    expect(stats.frames).toBeGreaterThanOrEqual(24000 + 960 - 3)
    expect(stats.frames).toBeLessThanOrEqual(24000 + 960)
    expect(writer.samples.length).toBe(stats.frames * 2)
    const left = Int16Array.from(writer.samples.filter((_, i) => i % 2 === 0))
    expect(toneAmplitude(left.subarray(left.length - 24000), 660, 48000)).toBeGreaterThan(0.45)
    expect(writer.closed).toBe(true)

    const mono = memoryWriter({ sampleRate: 16000, channels: 1 })
    const rec2 = createAudioRecorder(api, remoteTrack(), mono)
    FakeAudioSink.made[1].deliver(block(Int16Array.from({ length: 960 }, (_, i) => i % 2 === 0 ? 1000 : 3000), 48000, 2))
    await rec2.stop()
    expect(mono.samples.length).toBeGreaterThanOrEqual(158)
    expect(mono.samples.every(x => x === 2000)).toBe(true)
  })

  it('waitForFrames wakes on the block that reaches the count, and at once when it is already reached', async () => {
    const rec = createAudioRecorder(api, remoteTrack(), memoryWriter({ sampleRate: 48000, channels: 1 }))
    let woke = false
    const waiting = rec.waitForFrames(4800).then(() => { woke = true })
    for (let i = 0; i < 9; i++) sink().deliver(block(new Int16Array(480)))
    await Promise.resolve()
    expect(woke).toBe(false)
    sink().deliver(block(new Int16Array(480)))
    await waiting
    expect(rec.frames).toBe(4800)
    await rec.waitForFrames(100)
    const controller = new AbortController()
    const aborted = rec.waitForFrames(1e9, { signal: controller.signal })
    controller.abort(new Error('hang up'))
    await expect(aborted).rejects.toThrow('hang up')
    const pending = rec.waitForFrames(1e9)
    await rec.stop()
    await expect(pending).rejects.toBeInstanceOf(RecordingStoppedError)
    await expect(rec.waitForFrames(1e9)).rejects.toBeInstanceOf(RecordingStoppedError)
    await rec.waitForFrames(4800) // what is already recorded still counts
  })

  it('a failed write stops the recording: the sink is stopped, waiters and stop() get the error', async () => {
    const writer = memoryWriter({ sampleRate: 48000, channels: 1 }, { failAt: 3 })
    const rec = createAudioRecorder(api, remoteTrack(), writer)
    const waiting = rec.waitForFrames(48000)
    for (let i = 0; i < 5; i++) sink().deliver(block(new Int16Array(480)))
    await expect(waiting).rejects.toThrow('disk full')
    expect(sink().stopped).toBe(true)
    await expect(rec.stop()).rejects.toThrow('disk full')
    expect(writer.closed).toBe(true)
  })

  it('a block wrtc should never give (a rate of 0 Hz) stops the recording instead of throwing into wrtc', async () => {
    const rec = createAudioRecorder(api, remoteTrack(), memoryWriter({ sampleRate: 48000, channels: 1 }))
    sink().deliver(block(new Int16Array(480)))
    expect(() => { sink().deliver({ samples: new Int16Array(480), sampleRate: 0, channelCount: 1 }) }).not.toThrow()
    expect(sink().stopped).toBe(true)
    await expect(rec.stop()).rejects.toBeInstanceOf(RangeError)
  })

  it('recordWav refuses a format it cannot write before making a sink', async () => {
    await expect(recordWav(api, remoteTrack(), join(dir.path, 'x.wav'), { sampleRate: 1234 })).rejects.toBeInstanceOf(WavUnsupportedError)
    expect(FakeAudioSink.made).toHaveLength(0)
  })
})
