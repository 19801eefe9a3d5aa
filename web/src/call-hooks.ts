// The call screens' hooks: a track played in a media element, a re-render every second for the clock, and the speaker picked applied to an <audio>. Knows nothing of calls' state.
import { useEffect, useState } from 'preact/hooks'
import type { CallsState } from './calls-model.js'

/** Plays `track` in a media element (the same stream object stays while the track does). */
export function useTrack (ref: { current: HTMLMediaElement | null }, track: MediaStreamTrack | undefined): void {
  useEffect(() => {
    const el = ref.current
    if (el == null) return
    const now = (el.srcObject as MediaStream | null)?.getTracks()[0]
    if (now === track) return
    el.srcObject = track != null ? new MediaStream([track]) : null
    if (track != null) el.play().catch(() => {})
  }, [track, ref.current])
}

/** Re-renders every `ms` while `on`. */
export function useTicking (on: boolean, ms: number): void {
  const [, setTick] = useState(0)
  useEffect(() => {
    if (!on) return
    const t = setInterval(() => setTick(n => n + 1), ms)
    return () => clearInterval(t)
  }, [on, ms])
}

/** Plays the <audio> on the speaker picked (where the browser lets a page pick one); again when its track changes. */
export function useSpeaker (ref: { current: HTMLAudioElement | null }, calls: CallsState, track: MediaStreamTrack | undefined): void {
  useEffect(() => {
    const el = ref.current
    if (el == null || !calls.speakerChoice || el.sinkId === calls.sinkId) return
    el.setSinkId(calls.sinkId).catch(() => { calls.setNotice('That speaker could not be used.') })
  }, [calls.sinkId, track])
}
