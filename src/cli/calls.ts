/** The `parley` call commands: `call PHONE [--video] [--play FILE.wav] [--record OUT.wav] [--seconds N]`, `answer [PHONE]` with the same media flags, and `calls [PHONE]` (the call log). Node's WebRTC (@roamhq/wrtc) plays and records WAV files. Talks only to the SDK entry. */
import { resolve } from 'node:path'
import { playWav, recordWav, createTestPatternVideo, normalizePhone, type Parley, type Call, type CallRecord, type NodeWebRtc, type AudioPlayer, type AudioRecorder, type TestPatternVideo } from '../index.js'
import { UsageError, type CliArgs } from './args.js'

/** A failed call's exit code (declined, busy, no answer, failed): scripts tell it from a usage error (2) and other errors (1). */
const CALL_NOT_CONNECTED_EXIT = 3

export class CallNotConnectedError extends Error {
  static name = 'CallNotConnectedError'
  readonly exitCode = CALL_NOT_CONNECTED_EXIT
  constructor (message: string) {
    super(message)
    this.name = 'CallNotConnectedError'
  }
}

function out (line: string): void {
  process.stdout.write(line + '\n')
}

/** One progress line on stderr: plain words, or a JSON line with --json. */
function progress (args: CliArgs, event: Record<string, unknown> & { state: string }, words: string): void {
  process.stderr.write((args.json ? JSON.stringify({ type: 'call', ...event }) : `parley: ${words}`) + '\n')
}

/** What a person reads when the call never connected. */
function notConnected (call: Call): string {
  switch (call.endReason) {
    case 'declined':
    case 'declined-elsewhere': return `${call.peer} declined the call`
    case 'busy': return `${call.peer} is busy in another call`
    case 'no-answer': return `${call.peer} did not answer`
    case 'cancelled': return 'the call was cancelled before it was answered'
    case 'answered-elsewhere': return 'the call was answered on another of your devices'
    default: return 'the call could not be connected'
  }
}

/** Our media for a call: the WAV as the microphone, a test picture as the camera. */
async function localMedia (args: CliArgs, rtc: NodeWebRtc, signal: AbortSignal): Promise<{ player?: AudioPlayer, video?: TestPatternVideo }> {
  const player = args.play != null ? await playWav(rtc.nonstandard, resolve(args.play), { signal }) : undefined
  const video = args.video ? createTestPatternVideo(rtc.nonstandard) : undefined
  return { ...(player != null ? { player } : {}), ...(video != null ? { video } : {}) }
}

/**
 * How far the clock a call's times are stamped with may be behind its timer when the timer fires, and the hang-up still
 * waits for it: the event loop's lag (a few ms, more on a loaded machine). A wall clock set back further is not waited
 * for (the call would last as much longer).
 */
const MAX_CLOCK_LAG_MS = 1000

/**
 * Hangs `call` up once it has been connected for `ms`: a timer, then, if `now` (the clock the call's times are
 * stamped with: `connectedAt`, and `endedAt` at the hang-up) says less has passed, a second timer for the rest. Timers
 * count from the event loop's cached time, which can lag that clock: a 4 s timer alone ended a call whose log said
 * 3,999 ms. Returns what cancels it.
 */
export function hangUpAfter (call: Pick<Call, 'connectedAt' | 'hangup'>, ms: number, now: () => number): () => void {
  const until = (call.connectedAt ?? now()) + ms
  let timer = setTimeout(() => {
    const left = until - now()
    if (left > 0 && left <= MAX_CLOCK_LAG_MS) timer = setTimeout(() => { void call.hangup() }, left)
    else void call.hangup()
  }, ms)
  return () => { clearTimeout(timer) }
}

/**
 * Runs a call until it ends, or for --seconds once connected (then hangs up): the WAV starts when media flows, the
 * other side's first audio track is recorded. Prints one line (JSON with --json) and throws CallNotConnectedError when
 * it never connected.
 */
async function runCall (args: CliArgs, rtc: NodeWebRtc, call: Call, media: { player?: AudioPlayer, video?: TestPatternVideo }, signal: AbortSignal): Promise<void> {
  let recorder: AudioRecorder | undefined
  let recording: Promise<void> | undefined
  const onTrack = (track: MediaStreamTrack): void => {
    if (args.record == null || track.kind !== 'audio' || recording != null) return
    recording = recordWav(rtc.nonstandard, track, resolve(args.record)).then(r => { recorder = r }, err => { progress(args, { state: 'error', message: (err as Error).message }, `could not record: ${(err as Error).message}`) })
  }
  call.on('track', onTrack)
  for (const t of call.remoteTracks) onTrack(t)
  let cancelHangUp: (() => void) | undefined
  const ended = new Promise<void>(resolve => {
    if (call.ended) resolve()
    call.on('state', state => {
      progress(args, { state, id: call.id }, state === 'connected' ? 'connected' : state === 'reconnecting' ? 'reconnecting…' : state)
      if (state === 'connected') {
        media.player?.start()
        media.video?.start()
        // the SDK stamps a call's times with Date.now (Parley's default clock)
        if (args.seconds != null && cancelHangUp == null) cancelHangUp = hangUpAfter(call, args.seconds * 1000, Date.now)
      }
      if (state === 'ended') resolve()
    })
    call.on('ringing', () => { progress(args, { state: 'ringing', id: call.id }, 'ringing…') })
  })
  const stop = (): void => { void call.hangup() }
  signal.addEventListener('abort', stop, { once: true })
  try {
    await ended
  } finally {
    cancelHangUp?.()
    signal.removeEventListener('abort', stop)
    await media.player?.stop().catch(() => {})
    media.video?.stop()
    await recording
  }
  const recorded = recorder != null ? await recorder.stop() : undefined
  const connectedMs = call.connectedAt != null ? call.connectedAt - call.startedAt : undefined
  const durationMs = call.connectedAt != null && call.endedAt != null ? call.endedAt - call.connectedAt : 0
  if (args.json) {
    out(JSON.stringify({
      id: call.id,
      peer: call.peer,
      direction: call.direction,
      outcome: call.connectedAt != null ? 'answered' : call.endReason,
      reason: call.endReason,
      ...(connectedMs != null ? { connectedMs } : {}),
      durationMs,
      ...(recorded != null ? { recorded: { path: resolve(args.record!), seconds: recorded.seconds, frames: recorded.frames } } : {})
    }))
  } else if (call.connectedAt != null) {
    out(`call with ${call.peer}: ${(durationMs / 1000).toFixed(1)} s${recorded != null ? `, ${recorded.seconds.toFixed(1)} s recorded to ${args.record}` : ''}`)
  }
  if (call.connectedAt == null) throw new CallNotConnectedError(notConnected(call))
}

/** `call PHONE`: rings every device of PHONE (45 s at most), then runs the call. */
export async function callCommand (args: CliArgs, parley: Parley, rtc: NodeWebRtc, signal: AbortSignal): Promise<void> {
  const [phone, ...extra] = args.rest
  if (phone == null || extra.length > 0) throw new UsageError('usage: parley call PHONE [--video] [--play FILE.wav] [--record OUT.wav] [--seconds N]')
  const media = await localMedia(args, rtc, signal)
  progress(args, { state: 'calling' }, `calling ${phone}…`)
  const call = await parley.call(phone, { media: { ...(media.player != null ? { audio: media.player.track } : {}), ...(media.video != null ? { video: media.video.track } : {}) }, video: args.video })
  await runCall(args, rtc, call, media, signal)
}

/** `answer [PHONE]`: waits for a call (from PHONE) and takes it; --timeout S stops waiting. */
export async function answerCommand (args: CliArgs, parley: Parley, rtc: NodeWebRtc, signal: AbortSignal): Promise<void> {
  const [from, ...extra] = args.rest
  if (extra.length > 0) throw new UsageError('usage: parley answer [PHONE] [--play FILE.wav] [--record OUT.wav] [--seconds N] [--timeout S]')
  const media = await localMedia(args, rtc, signal)
  progress(args, { state: 'waiting' }, from != null ? `waiting for a call from ${from}…` : 'waiting for a call…')
  const wanted = from != null ? normalizePhone(from, args.region) : undefined
  const call = await new Promise<Call>((resolve, reject) => {
    const onIncoming = (c: Call): void => {
      if (c.ended || (wanted != null && c.peer !== wanted)) return
      parley.calls.off('incoming', onIncoming)
      signal.removeEventListener('abort', onAbort)
      resolve(c)
    }
    const onAbort = (): void => {
      parley.calls.off('incoming', onIncoming)
      reject(signal.reason instanceof Error ? signal.reason : new Error('no call came'))
    }
    if (signal.aborted) {
      onAbort()
      return
    }
    signal.addEventListener('abort', onAbort, { once: true })
    parley.calls.on('incoming', onIncoming)
  })
  progress(args, { state: 'answering', id: call.id, from: call.peer }, `answering ${call.peer}…`)
  await call.accept({ ...(media.player != null ? { audio: media.player.track } : {}), ...(media.video != null ? { video: media.video.track } : {}) })
  await runCall(args, rtc, call, media, signal)
}

/** `calls [PHONE]`: the call log, newest first. */
export async function callsCommand (args: CliArgs, parley: Parley): Promise<void> {
  const [phone, ...extra] = args.rest
  if (extra.length > 0) throw new UsageError('usage: parley calls [PHONE]')
  const records = await parley.calls.history(phone != null ? { peer: phone } : {})
  for (const r of records) out(args.json ? JSON.stringify(r) : describe(r))
  if (records.length === 0 && !args.json) out('no calls')
}

function describe (r: CallRecord): string {
  const when = new Date(r.at).toISOString().replace('T', ' ').slice(0, 16)
  const kind = `${r.group != null ? 'group ' : ''}${r.video ? 'video' : 'voice'}`
  const length = r.connectedAt != null && r.endedAt != null ? ` ${Math.round((r.endedAt - r.connectedAt) / 1000)} s` : ''
  return `${when}  ${r.direction === 'outgoing' ? '→' : '←'} ${r.peer}  ${kind}  ${r.outcome}${length}`
}
