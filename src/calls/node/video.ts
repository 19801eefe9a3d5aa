/** A generated test-pattern video track for calls from Node: colour bars with a moving stripe, I420 frames pushed into @roamhq/wrtc's RTCVideoSource at a steady rate. Knows no peer connection, no signalling and no call. */
import type { RTCVideoFrame } from './peer-connection.js'

/** The pattern's size and rate unless told otherwise: VGA at 15 fps, enough to see video flow at little CPU. */
export const TEST_PATTERN_WIDTH = 640
export const TEST_PATTERN_HEIGHT = 480
export const TEST_PATTERN_FPS = 15
/** The largest pattern made: 1080p at 30 fps; more would only cost CPU a test or bot does not need. */
export const MAX_TEST_PATTERN_WIDTH = 1920
export const MAX_TEST_PATTERN_HEIGHT = 1080
export const MAX_TEST_PATTERN_FPS = 30

/** The part of wrtc's nonstandard API the pattern uses (a port, so tests can count the frames). */
export interface VideoSourceApi {
  RTCVideoSource: new () => { createTrack: () => MediaStreamTrack, onFrame: (frame: RTCVideoFrame) => void }
}

export interface TestPatternOptions {
  /** Even, 16…MAX_TEST_PATTERN_WIDTH (default TEST_PATTERN_WIDTH). */
  width?: number
  /** Even, 16…MAX_TEST_PATTERN_HEIGHT (default TEST_PATTERN_HEIGHT). */
  height?: number
  /** 1…MAX_TEST_PATTERN_FPS (default TEST_PATTERN_FPS). */
  fps?: number
}

export interface TestPatternVideo {
  /** The local video track to add to the peer connection. */
  readonly track: MediaStreamTrack
  /** Frames pushed so far. */
  readonly frames: number
  /** Starts pushing frames; later calls do nothing. */
  start: () => void
  /** Stops the timer and the track; later calls do nothing. */
  stop: () => void
}

/** Eight bars (white, yellow, cyan, green, magenta, red, blue, black) as BT.601 Y, U, V. */
const BARS: ReadonlyArray<readonly [number, number, number]> = [
  [235, 128, 128], [210, 16, 146], [170, 166, 16], [145, 54, 34], [106, 202, 222], [81, 90, 240], [41, 240, 110], [16, 128, 128]
]

function checkedSize (value: number | undefined, fallback: number, max: number, what: string): number {
  const v = value ?? fallback
  if (!Number.isInteger(v) || v < 16 || v > max || v % 2 !== 0) throw new RangeError(`${what} must be an even number from 16 to ${max}, not ${v}`)
  return v
}

/** A test-pattern track; frames flow from `start()` until `stop()`. */
export function createTestPatternVideo (api: VideoSourceApi, options: TestPatternOptions = {}): TestPatternVideo {
  const width = checkedSize(options.width, TEST_PATTERN_WIDTH, MAX_TEST_PATTERN_WIDTH, 'width')
  const height = checkedSize(options.height, TEST_PATTERN_HEIGHT, MAX_TEST_PATTERN_HEIGHT, 'height')
  const fps = options.fps ?? TEST_PATTERN_FPS
  if (!Number.isInteger(fps) || fps < 1 || fps > MAX_TEST_PATTERN_FPS) throw new RangeError(`fps must be a whole number from 1 to ${MAX_TEST_PATTERN_FPS}, not ${fps}`)

  const source = new api.RTCVideoSource()
  const track = source.createTrack()
  const lumaBytes = width * height
  const chromaWidth = width / 2
  const chromaBytes = lumaBytes / 4
  const bars = new Uint8ClampedArray(lumaBytes + 2 * chromaBytes)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) bars[y * width + x] = BARS[Math.floor(x * BARS.length / width)][0]
  }
  for (let y = 0; y < height / 2; y++) {
    for (let x = 0; x < chromaWidth; x++) {
      const [, u, v] = BARS[Math.floor(x * 2 * BARS.length / width)]
      bars[lumaBytes + y * chromaWidth + x] = u
      bars[lumaBytes + chromaBytes + y * chromaWidth + x] = v
    }
  }
  const frame = new Uint8ClampedArray(bars.length)
  const stripe = Math.max(2, Math.floor(height / 30))
  const period = 1000 / fps
  let frames = 0
  let timer: ReturnType<typeof setInterval> | undefined
  let startedAt = 0
  let stopped = false

  const push = (): void => {
    frame.set(bars)
    const top = (frames * stripe) % (height - stripe)
    frame.fill(255, top * width, (top + stripe) * width) // a white stripe moving down: every frame differs
    source.onFrame({ width, height, data: frame })
    frames++
  }

  return {
    track,
    get frames () { return frames },
    start: () => {
      if (timer != null || stopped) return
      startedAt = performance.now()
      push()
      let next = 1 // the next frame slot (slot k is due at k × period)
      timer = setInterval(() => {
        // one frame per tick: after a late timer the missed slots are dropped, not sent in a burst
        const slot = Math.floor((performance.now() - startedAt) / period)
        if (slot >= next) {
          push()
          next = slot + 1
        }
      }, period / 2)
    },
    stop: () => {
      if (stopped) return
      stopped = true
      clearInterval(timer)
      timer = undefined
      track.stop()
    }
  }
}
