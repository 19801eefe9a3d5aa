// The composer's voice-note recorder: the microphone button starts recording (Opus in WebM through MediaRecorder), the bar shows the time running with cancel and send; a note stops by itself at MAX_VOICE_MS. Knows nothing of how the recording is sent.
import { useEffect, useRef, useState } from 'preact/hooks'
import { formatDuration } from './format.js'
import { MicIcon, SendIcon, TrashIcon } from './media-icons.js'

/** The longest voice note: its waveform is drawn by decoding it whole, which stays small up to this. */
export const MAX_VOICE_MS = 15 * 60_000
/** What MediaRecorder is asked for: Opus in WebM (every Chromium and Firefox records it). */
const VOICE_TYPE = 'audio/webm;codecs=opus'
/** Speech is clear at this rate in Opus; a minute is about 240 KB. */
const VOICE_BITS_PER_SECOND = 32_000
/** The recorder hands over what it has this often, so a stop loses nothing. */
const SLICE_MS = 1_000

interface Recording {
  recorder: MediaRecorder
  stream: MediaStream
  chunks: Blob[]
  startedAt: number
  timer: ReturnType<typeof setInterval>
}

/** Why recording could not start, for the person. */
function whyNot (err: unknown): string {
  const name = (err as Error)?.name
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'Parley may not use the microphone. Allow it in the browser\'s site settings, then try again.'
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No microphone was found.'
  if (name === 'NotReadableError') return 'The microphone is in use by another program.'
  return 'This browser cannot record voice messages.'
}

export function VoiceRecorder ({ onRecorded, onError }: { onRecorded: (recording: Blob, ms: number) => void, onError: (text: string) => void }) {
  const [state, setState] = useState<'idle' | 'starting' | 'recording'>('idle')
  const [elapsed, setElapsed] = useState(0)
  const rec = useRef<Recording | undefined>(undefined)
  const sendButton = useRef<HTMLButtonElement>(null)
  const micButton = useRef<HTMLButtonElement>(null)

  /** Ends the recording: `send` hands it over, else it is dropped. */
  const finish = (send: boolean): void => {
    const r = rec.current
    if (r == null) return
    rec.current = undefined
    clearInterval(r.timer)
    const ms = performance.now() - r.startedAt
    r.recorder.onstop = () => {
      for (const t of r.stream.getTracks()) t.stop()
      if (send) onRecorded(new Blob(r.chunks, { type: r.recorder.mimeType !== '' ? r.recorder.mimeType : 'audio/webm' }), ms)
    }
    if (r.recorder.state !== 'inactive') r.recorder.stop()
    else r.recorder.onstop(new Event('stop'))
    setState('idle')
    setElapsed(0)
  }

  // a chat left while recording drops the note and frees the microphone
  useEffect(() => () => finish(false), [])
  useEffect(() => {
    if (state === 'recording') sendButton.current?.focus()
  }, [state])

  const start = (): void => {
    if (typeof MediaRecorder === 'undefined' || navigator.mediaDevices?.getUserMedia == null) {
      onError(whyNot(undefined))
      return
    }
    setState('starting')
    navigator.mediaDevices.getUserMedia({ audio: true }).then(stream => {
      const recorder = new MediaRecorder(stream, { ...(MediaRecorder.isTypeSupported(VOICE_TYPE) ? { mimeType: VOICE_TYPE } : {}), audioBitsPerSecond: VOICE_BITS_PER_SECOND })
      const r: Recording = { recorder, stream, chunks: [], startedAt: performance.now(), timer: setInterval(() => {
        const ms = performance.now() - r.startedAt
        setElapsed(ms)
        if (ms >= MAX_VOICE_MS) finish(true)
      }, 250) }
      recorder.ondataavailable = e => { if (e.data.size > 0) r.chunks.push(e.data) }
      recorder.start(SLICE_MS)
      rec.current = r
      setState('recording')
    }, err => {
      setState('idle')
      onError(whyNot(err))
    })
  }

  if (state !== 'recording') {
    return (
      <button type="button" ref={micButton} class="composer-send" data-testid="voice-record" aria-label="Record a voice message" title="Record a voice message" disabled={state === 'starting'} onClick={start}>
        <MicIcon />
      </button>
    )
  }
  return (
    <div class="recorder" role="group" aria-label="Recording a voice message" data-testid="voice-recorder"
      onKeyDown={e => { if (e.key === 'Escape') { e.preventDefault(); finish(false) } }}>
      <button type="button" class="icon" data-testid="voice-cancel" aria-label="Delete the recording" title="Delete" onClick={() => finish(false)}><TrashIcon /></button>
      <span class="rec-dot" aria-hidden="true" />
      <span class="rec-time" data-testid="voice-elapsed" data-ms={Math.round(elapsed)}>{formatDuration(Math.floor(elapsed / 1000) * 1000)}</span>
      <span class="rec-note">Recording…</span>
      <button type="button" ref={sendButton} class="composer-send" data-testid="voice-send" aria-label="Send the voice message" title="Send" onClick={() => finish(true)}><SendIcon /></button>
    </div>
  )
}
