// A voice note in a bubble: play/pause (fetching it first when it is not here), its waveform coloured as far as it played (a slider over it to move), the time, and the playback speed 1× / 1.5× / 2×. Knows nothing of the chat around it.
import { useEffect, useRef, useState } from 'preact/hooks'
import type { AttachmentInfo, StoredMessage } from '../../src/browser.js'
import type { AppModel } from './model.js'
import { formatDuration } from './format.js'
import { useMessageFile } from './media-hooks.js'
import { PauseIcon, PlayIcon, DownloadIcon } from './media-icons.js'

/** The speeds offered, in turn. */
export const VOICE_SPEEDS = [1, 1.5, 2]
/** Bars drawn when the note carries no waveform. */
const FLAT_BARS = 40
/** Where the waveform's bars are (viewBox units). */
const WAVE_W = 200
const WAVE_H = 32

/** The waveform's bars: each its slice's loudness, at least a dot so silence still shows where the note is. */
function Waveform ({ waveform, played }: { waveform: Uint8Array | undefined, played: number }) {
  const bars = waveform != null && waveform.length > 0 ? [...waveform] : new Array<number>(FLAT_BARS).fill(24)
  const step = WAVE_W / bars.length
  return (
    <svg class="waveform" viewBox={`0 0 ${WAVE_W} ${WAVE_H}`} preserveAspectRatio="none" aria-hidden="true" focusable="false" data-testid="voice-waveform" data-bars={waveform?.length ?? 0}
      data-loud={bars.filter(b => b > 32).length}>
      {bars.map((v, i) => {
        const h = Math.max(2, (v / 255) * WAVE_H)
        return <rect key={i} x={i * step + step * 0.2} y={(WAVE_H - h) / 2} width={step * 0.6} height={h} rx={step * 0.3} class={(i + 0.5) / bars.length <= played ? 'played' : 'unplayed'} />
      })}
    </svg>
  )
}

export function VoiceNote ({ model, m, info }: { model: AppModel, m: StoredMessage, info: AttachmentInfo }) {
  const f = useMessageFile(model.media, m)
  const audio = useRef<HTMLAudioElement>(null)
  const [playing, setPlaying] = useState(false)
  const [position, setPosition] = useState(0)
  const [speed, setSpeed] = useState(1)
  /** play as soon as the file is here (the person pressed play before it was) */
  const [wanted, setWanted] = useState(false)
  const duration = info.durationMs ?? 0

  useEffect(() => {
    if (wanted && f.url != null && audio.current != null) {
      setWanted(false)
      void audio.current.play().catch(() => {})
    }
  }, [wanted, f.url])

  // a new source resets the rate to the default: both are set
  useEffect(() => {
    const a = audio.current
    if (a == null) return
    a.defaultPlaybackRate = speed
    a.playbackRate = speed
  }, [speed, f.url])

  const toggle = (): void => {
    const a = audio.current
    if (a == null || f.url == null) {
      setWanted(true)
      if (f.state !== 'downloading') f.download()
      return
    }
    if (a.paused) void a.play().catch(() => {})
    else a.pause()
  }

  const seek = (ms: number): void => {
    setPosition(ms)
    if (audio.current != null) audio.current.currentTime = ms / 1000
  }

  const here = f.url != null
  const label = here ? (playing ? 'Pause the voice message' : 'Play the voice message') : f.state === 'downloading' ? 'Downloading the voice message' : 'Download and play the voice message'
  return (
    <div class="voice-note" data-testid="media-voice" data-state={playing ? 'playing' : 'paused'} data-file={f.state} data-duration={duration}>
      <button type="button" class="voice-play" data-testid="voice-play" aria-label={label} onClick={toggle}>
        {f.state === 'downloading' ? <span class="spinner" aria-hidden="true" /> : here ? (playing ? <PauseIcon /> : <PlayIcon />) : <DownloadIcon />}
      </button>
      <span class="voice-track">
        <Waveform waveform={info.waveform} played={duration > 0 ? position / duration : 0} />
        <input type="range" class="voice-seek" data-testid="voice-seek" min={0} max={Math.max(1, duration)} step={100} value={position} disabled={!here}
          aria-label="Position in the voice message" aria-valuetext={`${formatDuration(position)} of ${formatDuration(duration)}`}
          onInput={e => seek(Number((e.target as HTMLInputElement).value))} />
      </span>
      <span class="voice-time" data-testid="voice-duration">{formatDuration(playing || position > 0 ? position : duration)}</span>
      <button type="button" class="voice-speed" data-testid="voice-speed" aria-label={`Playback speed ${speed}×, change`} onClick={() => setSpeed(s => VOICE_SPEEDS[(VOICE_SPEEDS.indexOf(s) + 1) % VOICE_SPEEDS.length])}>{speed}×</button>
      {f.url != null && (
        <audio ref={audio} src={f.url} preload="metadata" data-testid="voice-audio"
          onPlay={() => setPlaying(true)} onPause={() => setPlaying(false)}
          onTimeUpdate={e => setPosition(Math.min(duration, (e.target as HTMLAudioElement).currentTime * 1000))}
          onEnded={() => { setPlaying(false); setPosition(0) }} />
      )}
      {f.error != null && <span class="transfer-error" role="alert" data-testid="media-error">{f.error}</span>}
    </div>
  )
}
