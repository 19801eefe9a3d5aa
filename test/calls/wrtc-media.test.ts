// Node call media over real WebRTC (@roamhq/wrtc): two peer connections in this process, offer and answer handed across directly. A 440 Hz WAV played on one side is recorded on the other with its energy at 440 Hz and not at 1 kHz, for the length asked; both directions at once keep their tones apart (440 one way, 660 the other); the test pattern's frames arrive as video. Bounds are on counts and events, not on time.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { loadNodeWebRtc, type NodeWebRtc } from '../../src/calls/node/peer-connection.js'
import { playWav, type AudioPlayer } from '../../src/calls/node/audio-player.js'
import { recordWav, type AudioRecorder } from '../../src/calls/node/audio-recorder.js'
import { createTestPatternVideo } from '../../src/calls/node/video.js'
import { readAllSamples, toneReport, writeSineWav } from './audio-helpers.js'
import { connectPair, CONNECT_TIMEOUT_MS, type PeerPair } from './wrtc-pair.js'
import { tempDir } from '../helpers/tmp.js'

/** How long to wait for the recorder to fill: seconds of audio come in seconds, but a loaded machine may stall. */
const RECORD_TIMEOUT_MS = 60_000

let webrtc: NodeWebRtc
let dir: { path: string, remove: () => Promise<void> }
const cleanup: Array<() => Promise<unknown> | unknown> = []

beforeEach(async () => {
  webrtc = await loadNodeWebRtc()
  dir = await tempDir('parley-call-media-')
})
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
  await dir.remove()
})

async function pairWith (setup: (a: RTCPeerConnection, b: RTCPeerConnection) => void): Promise<PeerPair> {
  const pair = await connectPair(webrtc, setup)
  cleanup.push(() => { pair.close() })
  return pair
}

async function player (file: string, freq: number, seconds: number, loop = false): Promise<AudioPlayer> {
  const path = join(dir.path, file)
  await writeSineWav(path, freq, seconds, { sampleRate: 48000, channels: 1 })
  const p = await playWav(webrtc.nonstandard, path, { loop })
  cleanup.push(async () => await p.stop().catch(() => {}))
  return p
}

async function recorder (track: MediaStreamTrack, file: string): Promise<AudioRecorder> {
  const r = await recordWav(webrtc.nonstandard, track, join(dir.path, file))
  cleanup.push(async () => await r.stop().catch(() => {}))
  return r
}

describe('Node call media over @roamhq/wrtc', () => {
  it('a 440 Hz WAV played on one side is recorded on the other: energy at 440 Hz, not at 1 kHz, for the seconds asked', async () => {
    const tone = await player('tone.wav', 440, 2)
    const pair = await pairWith(a => { a.addTrack(tone.track, new webrtc.MediaStream([tone.track])) })
    const rec = await recorder(await pair.remote('b', 'audio'), 'heard.wav')
    tone.start()

    const seconds = 3
    await rec.waitForFrames(seconds * 48000, { signal: AbortSignal.timeout(RECORD_TIMEOUT_MS) })
    const heard = await rec.stop()
    const played = await tone.stop()

    // the length asked, give or take the blocks that were on their way when we stopped
    expect(heard.seconds).toBeGreaterThanOrEqual(seconds)
    expect(heard.seconds).toBeLessThan(seconds + 1)
    expect(heard.blocks).toBeGreaterThan(0)
    expect(played.audioFrames).toBeGreaterThanOrEqual(150) // most of the 2 s file went out

    const { format, samples } = await readAllSamples(join(dir.path, 'heard.wav'))
    expect(format).toEqual({ sampleRate: 48000, channels: 1 })
    expect(samples.length).toBe(heard.frames)
    const report = toneReport(samples, 48000, [440, 1000, 660])
    // at least a second of the two-second tone was heard, and it is the tone
    expect(report.voicedBlocks).toBeGreaterThanOrEqual(10)
    expect(report.levels[440]).toBeGreaterThan(0.25)
    expect(report.levels[1000]).toBeLessThan(report.levels[440] / 20)
    expect(report.levels[660]).toBeLessThan(report.levels[440] / 20)
    // after the file ended the far side hears silence, not a stuck frame
    const tail = toneReport(samples.subarray(samples.length - 4800), 48000, [440])
    expect(tail.voicedBlocks).toBe(0)
  })

  it('both directions at once: 440 Hz one way and 660 Hz the other, each recorded where it is sent to', async () => {
    const toB = await player('a.wav', 440, 1, true)
    const toA = await player('b.wav', 660, 1, true)
    const pair = await pairWith((a, b) => {
      a.addTrack(toB.track, new webrtc.MediaStream([toB.track]))
      b.addTrack(toA.track, new webrtc.MediaStream([toA.track]))
    })
    const atA = await recorder(await pair.remote('a', 'audio'), 'at-a.wav')
    const atB = await recorder(await pair.remote('b', 'audio'), 'at-b.wav')
    toB.start()
    toA.start()

    const frames = 2 * 48000
    const signal = AbortSignal.timeout(RECORD_TIMEOUT_MS)
    await Promise.all([atA.waitForFrames(frames, { signal }), atB.waitForFrames(frames, { signal })])
    await Promise.all([atA.stop(), atB.stop(), toA.stop(), toB.stop()])

    const heardAtA = toneReport((await readAllSamples(join(dir.path, 'at-a.wav'))).samples, 48000, [440, 660, 1000])
    const heardAtB = toneReport((await readAllSamples(join(dir.path, 'at-b.wav'))).samples, 48000, [440, 660, 1000])
    expect(heardAtB.voicedBlocks).toBeGreaterThanOrEqual(8)
    expect(heardAtA.voicedBlocks).toBeGreaterThanOrEqual(8)
    expect(heardAtB.levels[440]).toBeGreaterThan(0.25)
    expect(heardAtB.levels[660]).toBeLessThan(heardAtB.levels[440] / 20)
    expect(heardAtA.levels[660]).toBeGreaterThan(0.25)
    expect(heardAtA.levels[440]).toBeLessThan(heardAtA.levels[660] / 20)
    expect(heardAtA.levels[1000] + heardAtB.levels[1000]).toBeLessThan(0.02)
  })

  it('the test pattern is received as video frames of its size', async () => {
    const video = createTestPatternVideo(webrtc.nonstandard, { width: 160, height: 120, fps: 15 })
    cleanup.push(() => { video.stop() })
    const pair = await pairWith(a => { a.addTrack(video.track, new webrtc.MediaStream([video.track])) })
    const remote = await pair.remote('b', 'video')
    const sink = new webrtc.nonstandard.RTCVideoSink(remote)
    cleanup.push(() => { sink.stop() })
    const sizes: string[] = []
    const enough = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`only ${sizes.length} frames in ${CONNECT_TIMEOUT_MS} ms`)) }, CONNECT_TIMEOUT_MS)
      sink.onframe = ({ frame }) => {
        sizes.push(`${frame.width}x${frame.height}`)
        if (sizes.length === 10) { clearTimeout(timer); resolve() }
      }
    })
    video.start()
    await enough
    video.stop()
    expect(video.frames).toBeGreaterThanOrEqual(10)
    expect(new Set(sizes)).toEqual(new Set(['160x120']))
  })
})
