/** Records a call's remote audio from Node: @roamhq/wrtc's RTCAudioSink on the remote track, each 10 ms block converted to the file's rate and channels and appended to a WAV as it comes. Knows no peer connection, no signalling and no call. */
import type { AbortOptions } from '@libp2p/interface'
import { raceSignal } from '../../util/abort.js'
import { createWavWriter, type WavFormat, type WavWriter } from './wav.js'
import { LinearResampler, mixChannels } from './resample.js'
import type { RTCAudioData } from './peer-connection.js'

/** The rate recordings are written at unless told otherwise: what Opus decodes to, so nothing is resampled. */
export const RECORDER_DEFAULT_RATE = 48_000

/** The part of wrtc's nonstandard API the recorder uses (a port, so tests can feed it blocks). */
export interface AudioSinkApi {
  RTCAudioSink: new (track: MediaStreamTrack) => { stop: () => void, ondata: ((data: RTCAudioData) => void) | null }
}

export interface RecordWavOptions extends AbortOptions {
  /** The file's sample rate (default RECORDER_DEFAULT_RATE); blocks at other rates are resampled to it. */
  sampleRate?: number
  /** The file's channels (default 1); stereo blocks are mixed down, mono ones copied to both sides. */
  channels?: 1 | 2
}

/** The recorder was stopped while someone waited for frames (or waits after): the recording ended before that many frames. */
export class RecordingStoppedError extends Error {
  static name = 'RecordingStoppedError'
  constructor () {
    super('the recording was stopped')
    this.name = 'RecordingStoppedError'
  }
}

/** What a recording holds. */
export interface RecordingStats {
  /** Sample frames in the file. */
  frames: number
  /** frames / sample rate. */
  seconds: number
  /** Blocks the sink delivered (wrtc delivers one per 10 ms while the track is live). */
  blocks: number
}

export interface AudioRecorder {
  readonly format: WavFormat
  /** Frames recorded so far. */
  readonly frames: number
  /** Resolves once at least `frames` frames are recorded; rejects with the signal's reason, the write error if recording failed, or RecordingStoppedError when stopped first. */
  waitForFrames: (frames: number, options?: AbortOptions) => Promise<void>
  /** Stops the sink (not the track: it belongs to the peer connection), finishes the WAV; rejects with the write error if one stopped the recording. Calling it again returns the same; an abort ends the wait, not the stop. */
  stop: (options?: AbortOptions) => Promise<RecordingStats>
}

/** A recorder of `track` into `writer` (closed on stop). Blocks are written in the order they come; a failed write stops the recording. */
export function createAudioRecorder (api: AudioSinkApi, track: MediaStreamTrack, writer: WavWriter): AudioRecorder {
  const { format } = writer
  const sink = new api.RTCAudioSink(track)
  let resampler: LinearResampler | undefined
  let blocks = 0
  let failure: unknown
  let stopping: Promise<RecordingStats> | undefined
  /** Waiters for a number of frames, woken after each block. */
  const waiters = new Set<{ frames: number, resolve: () => void, reject: (err: unknown) => void }>()

  const wake = (): void => {
    for (const w of waiters) {
      if (failure != null) w.reject(failure)
      else if (writer.frames >= w.frames) w.resolve()
      else continue
      waiters.delete(w)
    }
  }

  const fail = (err: unknown): void => {
    failure ??= err
    sink.ondata = null
    sink.stop()
    wake()
  }

  sink.ondata = (data: RTCAudioData) => {
    try {
      blocks++
      const inChannels = data.channelCount ?? 1
      const mixed = mixChannels(data.samples, inChannels, format.channels)
      if (resampler?.from !== data.sampleRate) resampler = new LinearResampler(data.sampleRate, format.sampleRate, format.channels)
      writer.write(resampler.push(mixed)).catch(fail)
      wake()
    } catch (err) {
      fail(err)
    }
  }

  return {
    format,
    get frames () { return writer.frames },
    waitForFrames: async (frames, options = {}) => {
      options.signal?.throwIfAborted()
      if (failure != null) throw failure
      if (writer.frames >= frames) return
      if (stopping != null) throw new RecordingStoppedError()
      const signal = options.signal
      let waiter: { frames: number, resolve: () => void, reject: (err: unknown) => void } | undefined
      let onAbort: (() => void) | undefined
      try {
        await new Promise<void>((resolve, reject) => {
          waiter = { frames, resolve, reject }
          waiters.add(waiter)
          if (signal != null) {
            onAbort = () => { reject(signal.reason) }
            signal.addEventListener('abort', onAbort, { once: true })
          }
        })
      } finally {
        if (waiter != null) waiters.delete(waiter)
        if (onAbort != null) signal?.removeEventListener('abort', onAbort)
      }
    },
    stop: async (options = {}) => {
      stopping ??= (async () => {
        sink.ondata = null
        sink.stop()
        for (const w of waiters) w.reject(new RecordingStoppedError())
        waiters.clear()
        const { frames } = await writer.close()
        if (failure != null) throw failure
        return { frames, seconds: frames / format.sampleRate, blocks }
      })()
      // an abort ends the wait, not the stop: the file is finished either way
      return await raceSignal(stopping, options.signal)
    }
  }
}

/** Creates the WAV at `path` and records `track` into it (see createAudioRecorder). */
export async function recordWav (api: AudioSinkApi, track: MediaStreamTrack, path: string, options: RecordWavOptions = {}): Promise<AudioRecorder> {
  const writer = await createWavWriter(path, { sampleRate: options.sampleRate ?? RECORDER_DEFAULT_RATE, channels: options.channels ?? 1 }, options)
  try {
    return createAudioRecorder(api, track, writer)
  } catch (err) {
    await writer.close()
    throw err
  }
}
