/** Fakes for the Node call media tests: an in-memory WAV reader and a WAV writer, and stand-ins for wrtc's nonstandard audio source and sink that keep what passes through them. Knows no WebRTC. */
import type { WavFormat, WavReader, WavWriter } from '../../src/calls/node/wav.js'
import type { RTCAudioData } from '../../src/calls/node/peer-connection.js'

export interface MemoryReader extends WavReader {
  closed: boolean
  reads: number
}

/** A reader over `samples`; read number `failAt` (1-based) rejects, read number `holdAt` waits for `release()`. */
export function memoryReader (format: WavFormat, samples: Int16Array, options: { failAt?: number, holdAt?: number } = {}): MemoryReader & { release: () => void } {
  let next = 0
  let release: () => void = () => {}
  const held = new Promise<void>(resolve => { release = resolve })
  const frames = samples.length / format.channels
  const r: MemoryReader & { release: () => void } = {
    format,
    frames,
    closed: false,
    reads: 0,
    release: () => { release() },
    read: async (count, opts = {}) => {
      opts.signal?.throwIfAborted()
      r.reads++
      if (r.reads === options.holdAt) await held
      if (r.reads === options.failAt) throw new Error('disk on fire')
      const n = Math.max(0, Math.min(count, frames - next))
      const out = samples.slice(next * format.channels, (next + n) * format.channels)
      next += n
      return out
    },
    rewind: () => { next = 0 },
    close: async () => { r.closed = true }
  }
  return r
}

/** A writer that keeps samples in memory; `failAt` makes that write (1-based) reject. */
export function memoryWriter (format: WavFormat, options: { failAt?: number } = {}): WavWriter & { samples: number[], closed: boolean } {
  let writes = 0
  let frames = 0
  const w = {
    format,
    samples: [] as number[],
    closed: false,
    get frames () { return frames },
    write: async (s: Int16Array) => {
      writes++
      if (writes === options.failAt) throw new Error('disk full')
      w.samples.push(...s)
      frames += s.length / format.channels
    },
    close: async () => {
      w.closed = true
      return { frames }
    }
  }
  return w
}

export interface FakeTrack { stopped: boolean, stop: () => void, kind: string }

function fakeTrack (kind: string): FakeTrack {
  const t: FakeTrack = { stopped: false, kind, stop: () => { t.stopped = true } }
  return t
}

/** wrtc's RTCAudioSource as the player sees it: every pushed block is kept (copied). */
export class FakeAudioSource {
  static made: FakeAudioSource[] = []
  readonly pushed: RTCAudioData[] = []
  readonly track = fakeTrack('audio')
  constructor () { FakeAudioSource.made.push(this) }
  createTrack (): MediaStreamTrack { return this.track as unknown as MediaStreamTrack }
  onData (data: RTCAudioData): void { this.pushed.push({ ...data, samples: data.samples.slice() }) }
}

/** wrtc's RTCAudioSink as the recorder sees it: the test calls `deliver` where wrtc would call `ondata`. */
export class FakeAudioSink {
  static made: FakeAudioSink[] = []
  stopped = false
  ondata: ((data: RTCAudioData) => void) | null = null
  readonly track: MediaStreamTrack
  constructor (track: MediaStreamTrack) {
    this.track = track
    FakeAudioSink.made.push(this)
  }

  stop (): void { this.stopped = true }
  deliver (data: RTCAudioData): void { this.ondata?.(data) }
}

export const remoteTrack = (): MediaStreamTrack => fakeTrack('audio') as unknown as MediaStreamTrack
