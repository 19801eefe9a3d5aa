// The test-pattern video for Node calls (src/calls/node/video.ts) on a fake clock and a fake RTCVideoSource: I420 frames of the asked size at the asked rate, each different from the last, missed slots dropped after a late timer, sizes and rates out of bounds refused, and stop() leaving no timer and a stopped track.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTestPatternVideo, TEST_PATTERN_WIDTH, TEST_PATTERN_HEIGHT, TEST_PATTERN_FPS, MAX_TEST_PATTERN_WIDTH, MAX_TEST_PATTERN_HEIGHT, MAX_TEST_PATTERN_FPS } from '../../src/calls/node/video.js'
import type { RTCVideoFrame } from '../../src/calls/node/peer-connection.js'

class FakeVideoSource {
  static made: FakeVideoSource[] = []
  readonly frames: RTCVideoFrame[] = []
  readonly track = { stopped: false, stop () { this.stopped = true } }
  constructor () { FakeVideoSource.made.push(this) }
  createTrack (): MediaStreamTrack { return this.track as unknown as MediaStreamTrack }
  onFrame (frame: RTCVideoFrame): void { this.frames.push({ ...frame, data: frame.data.slice() }) }
}
const api = { RTCVideoSource: FakeVideoSource }
let now = 0

beforeEach(() => {
  FakeVideoSource.made = []
  now = 0
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
  vi.spyOn(performance, 'now').mockImplementation(() => now)
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

async function run (ms: number, step = 5): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    now += step
    await vi.advanceTimersByTimeAsync(step)
  }
}

describe('test-pattern video', () => {
  it('pushes I420 frames of the default size at the default rate, each different from the one before', async () => {
    const video = createTestPatternVideo(api)
    const source = FakeVideoSource.made[0]
    video.start()
    await run(1000)
    // the first frame at start, then one per period: fps + 1 in a second, give or take the tick
    expect(source.frames.length).toBeGreaterThanOrEqual(TEST_PATTERN_FPS)
    expect(source.frames.length).toBeLessThanOrEqual(TEST_PATTERN_FPS + 1)
    for (const f of source.frames) {
      expect([f.width, f.height]).toEqual([TEST_PATTERN_WIDTH, TEST_PATTERN_HEIGHT])
      expect(f.data.length).toBe(TEST_PATTERN_WIDTH * TEST_PATTERN_HEIGHT * 3 / 2)
    }
    for (let i = 1; i < source.frames.length; i++) expect(source.frames[i].data).not.toEqual(source.frames[i - 1].data)
    expect(video.frames).toBe(source.frames.length)
    video.stop()
    video.stop()
    expect(source.track.stopped).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
    await run(200)
    expect(source.frames.length).toBe(video.frames)
  })

  it('after a late timer the missed frames are dropped: one frame, not a burst', async () => {
    const video = createTestPatternVideo(api, { width: 32, height: 16, fps: 10 })
    const source = FakeVideoSource.made[0]
    video.start()
    expect(source.frames).toHaveLength(1)
    now += 1000 // a stall of ten periods
    await vi.advanceTimersByTimeAsync(50)
    expect(source.frames).toHaveLength(2)
    await run(300, 10)
    expect(source.frames.length).toBeGreaterThanOrEqual(4)
    expect(source.frames.length).toBeLessThanOrEqual(5)
    video.stop()
  })

  it('refuses sizes that are odd, too small or too large, and rates out of 1…MAX', () => {
    for (const bad of [{ width: 15 }, { width: 33 }, { height: 8 }, { width: MAX_TEST_PATTERN_WIDTH + 2 }, { height: MAX_TEST_PATTERN_HEIGHT + 2 }, { fps: 0 }, { fps: MAX_TEST_PATTERN_FPS + 1 }, { fps: 2.5 }]) {
      expect(() => createTestPatternVideo(api, bad), JSON.stringify(bad)).toThrow(RangeError)
    }
    expect(FakeVideoSource.made).toHaveLength(0)
    const max = createTestPatternVideo(api, { width: MAX_TEST_PATTERN_WIDTH, height: MAX_TEST_PATTERN_HEIGHT, fps: MAX_TEST_PATTERN_FPS })
    max.stop()
  })
})
