/** Plays a WAV into a call from Node: 10 ms frames pushed into @roamhq/wrtc's RTCAudioSource in real time, paced by a clock that catches up after late timers, looping or going silent at the end. Knows no peer connection, no signalling and no call. */
import type { AbortOptions } from '@libp2p/interface'
import { raceSignal } from '../../util/abort.js'
import { openWavReader, type WavFormat, type WavReader } from './wav.js'
import { LinearResampler } from './resample.js'
import type { RTCAudioData } from './peer-connection.js'

/** wrtc's audio source takes exactly 10 ms per call (sampleRate / 100 frames). */
export const AUDIO_FRAME_MS = 10
/** Rates given to wrtc as they are (it resamples them itself); other rates are not a whole number of frames per 10 ms, or are above what calls carry, and are resampled to PLAYER_RESAMPLE_RATE here. */
export const PLAYER_NATIVE_RATES: readonly number[] = [8000, 12000, 16000, 24000, 32000, 44100, 48000]
/** The rate other files are resampled to: Opus's own. */
export const PLAYER_RESAMPLE_RATE = 48_000
/** How much decoded audio the player keeps ready ahead of the clock: covers a slow disk read without holding the file in memory. */
export const PLAYER_READ_AHEAD_MS = 500
/** At most this many frames are pushed at once after a late timer (a stalled event loop); the rest of the backlog is skipped, not sent in a burst the far end would drop anyway. */
export const PLAYER_MAX_CATCH_UP_FRAMES = 10

/** The part of wrtc's nonstandard API the player uses (a port, so tests can count what is pushed). */
export interface AudioSourceApi {
  RTCAudioSource: new () => { createTrack: () => MediaStreamTrack, onData: (data: RTCAudioData) => void }
}

export interface AudioPlayerOptions {
  /** At the end of the file, start again from its first frame (default false: silence after the end). */
  loop?: boolean
}

export type PlayWavOptions = AudioPlayerOptions & AbortOptions

/** How playback went. */
export interface PlaybackStats {
  /** 10 ms frames pushed into the source, file and silence alike. */
  framesPushed: number
  /** Of those, frames that carried the file's audio (the last one may be padded with silence). */
  audioFrames: number
  /** Frames pushed as silence because the read-ahead was empty (a disk slower than real time). */
  underruns: number
  /** Frames skipped because the timer was late by more than PLAYER_MAX_CATCH_UP_FRAMES. */
  skipped: number
  /** How many times the file ended (and looped, when looping). */
  plays: number
}

/** How playback ended: the file's end (not when looping), `stop()`, or a read error (given by `stop()`). */
export type PlaybackEnd = 'end' | 'stopped' | 'error'

export interface AudioPlayer {
  /** The local audio track to add to the peer connection. */
  readonly track: MediaStreamTrack
  /** The file's format (before any resampling). */
  readonly format: WavFormat
  /** Starts the clock (call it when the call connects: frames pushed before then are lost); later calls do nothing. */
  start: () => void
  /** Settles once playback ends; never rejects. */
  readonly ended: Promise<PlaybackEnd>
  /** Stops the clock and the track, closes the file; rejects with the read error if one ended playback. Calling it again returns the same; an abort ends the wait, not the stop. */
  stop: (options?: AbortOptions) => Promise<PlaybackStats>
}

/**
 * A player of `reader`'s audio into a new RTCAudioSource track; `reader` is closed on stop. Reads PLAYER_READ_AHEAD_MS
 * before resolving, so the first frames are ready when `start()` is called. The signal bounds this set-up only;
 * `stop()` ends playback.
 */
export async function createAudioPlayer (api: AudioSourceApi, reader: WavReader, options: AudioPlayerOptions & AbortOptions = {}): Promise<AudioPlayer> {
  options.signal?.throwIfAborted()
  const { format } = reader
  const outRate = PLAYER_NATIVE_RATES.includes(format.sampleRate) ? format.sampleRate : PLAYER_RESAMPLE_RATE
  const channels = format.channels
  const frameLength = outRate / 100 // frames per 10 ms
  const resampler = new LinearResampler(format.sampleRate, outRate, channels)
  const readAhead = Math.ceil(outRate * PLAYER_READ_AHEAD_MS / 1000)
  const readBlock = Math.ceil(format.sampleRate * PLAYER_READ_AHEAD_MS / 2000) // input frames per read: half the read-ahead

  const source = new api.RTCAudioSource()
  const track = source.createTrack()
  const stats: PlaybackStats = { framesPushed: 0, audioFrames: 0, underruns: 0, skipped: 0, plays: 0 }
  /** Decoded blocks waiting to be pushed, at outRate, interleaved. */
  const ready: Int16Array[] = []
  let readyFrames = 0
  let readyOffset = 0 // samples of ready[0] already pushed
  let atEnd = false
  let reading: Promise<void> | undefined
  let readError: unknown
  let timer: ReturnType<typeof setInterval> | undefined
  let startedAt = 0
  let due = 0 // frames pushed or skipped since start
  let finish: (how: PlaybackEnd) => void = () => {}
  const ended = new Promise<PlaybackEnd>(resolve => { finish = resolve })
  let settled = false
  const end = (how: PlaybackEnd): void => { if (!settled) { settled = true; finish(how) } }
  let stopping: Promise<PlaybackStats> | undefined

  /** Reads one block (wrapping to the start when looping) and queues it resampled. The signal bounds the first fill only. */
  const readMore = async (read: AbortOptions = {}): Promise<void> => {
    let block = await reader.read(readBlock, read)
    if (block.length === 0) {
      stats.plays++
      if (options.loop === true) {
        reader.rewind()
        block = await reader.read(readBlock, read)
      }
      if (block.length === 0) { // the end, or an empty file that cannot loop
        atEnd = true
        return
      }
    }
    const out = resampler.push(block)
    if (out.length > 0) {
      ready.push(out)
      readyFrames += out.length / channels
    }
  }

  /** Starts a read when the read-ahead runs low and none is in flight. */
  const refill = (): void => {
    if (reading != null || atEnd || readError != null || stopping != null || readyFrames >= readAhead) return
    reading = readMore()
      .catch(err => {
        readError = err
        end('error')
      })
      .finally(() => {
        reading = undefined
        refill()
      })
  }

  /** The next 10 ms frame: the file's audio, padded with silence at its end or on an underrun. */
  const nextFrame = (): Int16Array => {
    const frame = new Int16Array(frameLength * channels)
    let filled = 0
    while (filled < frame.length && ready.length > 0) {
      const head = ready[0]
      const take = Math.min(head.length - readyOffset, frame.length - filled)
      frame.set(head.subarray(readyOffset, readyOffset + take), filled)
      filled += take
      readyOffset += take
      readyFrames -= take / channels
      if (readyOffset === head.length) {
        ready.shift()
        readyOffset = 0
      }
    }
    if (filled > 0) stats.audioFrames++
    if (filled < frame.length && !atEnd && readError == null) stats.underruns++
    if (filled === 0 && atEnd && ready.length === 0) end('end')
    return frame
  }

  const push = (samples: Int16Array): void => {
    source.onData({ samples, sampleRate: outRate, bitsPerSample: 16, channelCount: channels, numberOfFrames: frameLength })
    stats.framesPushed++
  }

  const tick = (): void => {
    const elapsed = Math.floor((performance.now() - startedAt) / AUDIO_FRAME_MS)
    let backlog = elapsed - due
    if (backlog > PLAYER_MAX_CATCH_UP_FRAMES) {
      stats.skipped += backlog - PLAYER_MAX_CATCH_UP_FRAMES
      due += backlog - PLAYER_MAX_CATCH_UP_FRAMES
      backlog = PLAYER_MAX_CATCH_UP_FRAMES
    }
    for (; backlog > 0; backlog--, due++) push(nextFrame())
    refill()
  }

  // fill the read-ahead before the first frame is due
  try {
    while (!atEnd && readyFrames < readAhead) await readMore(options)
  } catch (err) {
    track.stop()
    await reader.close()
    throw err
  }

  return {
    track,
    format,
    start: () => {
      if (timer != null || stopping != null) return
      startedAt = performance.now()
      timer = setInterval(tick, AUDIO_FRAME_MS / 2)
    },
    ended,
    stop: async (opts = {}) => {
      stopping ??= (async () => {
        clearInterval(timer)
        timer = undefined
        try {
          await reading
        } finally {
          track.stop()
          await reader.close()
        }
        end('stopped')
        if (readError != null) throw readError
        return { ...stats }
      })()
      return await raceSignal(stopping, opts.signal)
    }
  }
}

/** Opens the WAV at `path` and returns a player of it (see createAudioPlayer); the file is closed on stop. */
export async function playWav (api: AudioSourceApi, path: string, options: PlayWavOptions = {}): Promise<AudioPlayer> {
  const reader = await openWavReader(path, options)
  try {
    return await createAudioPlayer(api, reader, options)
  } catch (err) {
    await reader.close()
    throw err
  }
}
