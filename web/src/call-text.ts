// The words of the call screens: a call log entry as a line ("Missed voice call", "Video call · 3:12", "Group video call · Declined"), a call's state and end as its screen says them, a group call's count of people, and why the microphone or camera could not be used. Knows nothing of the SDK's objects or the DOM.
import type { CallOutcome, CallRecord, CallState, HangupReason } from '../../src/browser.js'
import { formatDuration } from './format.js'

/** "Voice call" / "Video call"; a group call's "Group voice call" / "Group video call". */
export function callKind (video: boolean, group = false): string {
  const kind = video ? 'video call' : 'voice call'
  return group ? `Group ${kind}` : kind[0].toUpperCase() + kind.slice(1)
}

/** What an outcome adds after the kind ("Voice call · Declined"); answered calls show their duration instead. */
const OUTCOME_WORD: Record<Exclude<CallOutcome, 'answered' | 'missed'>, string> = {
  ongoing: 'Now',
  declined: 'Declined',
  busy: 'Busy',
  'no-answer': 'No answer',
  cancelled: 'Cancelled',
  failed: 'Failed',
  'answered-elsewhere': 'Answered on another device'
}

/** How long an answered call lasted (ms), when the record says. */
export function callDuration (r: Pick<CallRecord, 'connectedAt' | 'endedAt'>): number | undefined {
  if (r.connectedAt == null || r.endedAt == null) return undefined
  return Math.max(0, r.endedAt - r.connectedAt)
}

/** Whether a record is a call we did not take: an incoming call that rang out, was cancelled or reached us while offline. */
export function isMissed (r: Pick<CallRecord, 'direction' | 'outcome'>): boolean {
  return r.direction === 'incoming' && r.outcome === 'missed'
}

/** A call log entry as one line: "Missed video call", "Video call · 3:12", "Voice call · Declined"; a group call's "Missed group video call", "Group voice call · 3:12". */
export function callLine (r: Pick<CallRecord, 'direction' | 'outcome' | 'video' | 'connectedAt' | 'endedAt' | 'group'>): string {
  const group = r.group != null
  if (isMissed(r)) return `Missed ${group ? 'group ' : ''}${r.video ? 'video' : 'voice'} call`
  const kind = callKind(r.video, group)
  if (r.outcome === 'answered') {
    const ms = callDuration(r)
    return ms != null ? `${kind} · ${formatDuration(ms)}` : kind
  }
  if (r.outcome === 'missed') return kind
  return `${kind} · ${OUTCOME_WORD[r.outcome]}`
}

/** Which way the call went, for the Calls list and screen readers: "Missed", "Incoming", "Outgoing". */
export function callDirectionWord (r: Pick<CallRecord, 'direction' | 'outcome'>): string {
  if (isMissed(r)) return 'Missed'
  return r.direction === 'incoming' ? 'Incoming' : 'Outgoing'
}

/** The in-call screen's state line before and around the clock: "Calling…", "Ringing…", "Connecting…", "Reconnecting…"; '' when the clock shows. */
export function callStateText (state: CallState | 'starting', peerRinging: boolean): string {
  switch (state) {
    case 'starting': return 'Calling…'
    case 'calling': return peerRinging ? 'Ringing…' : 'Calling…'
    case 'ringing': return 'Ringing…'
    case 'connecting': return 'Connecting…'
    case 'reconnecting': return 'Reconnecting…'
    case 'ended': return 'Call ended'
    default: return ''
  }
}

/** Why a call ended, as the screen says it afterwards. */
export function endText (reason: HangupReason, direction: 'incoming' | 'outgoing', connected: boolean): string {
  if (connected) return reason === 'failed' ? 'Call lost' : 'Call ended'
  switch (reason) {
    case 'declined': return direction === 'outgoing' ? 'Declined' : 'Call declined'
    case 'busy': return 'Busy'
    case 'no-answer': return direction === 'outgoing' ? 'No answer' : 'Missed call'
    case 'cancelled': return direction === 'incoming' ? 'Missed call' : 'Cancelled'
    case 'answered-elsewhere': return 'Answered on another device'
    case 'declined-elsewhere': return 'Declined on another device'
    case 'failed': return 'Call failed'
    default: return 'Call ended'
  }
}

/** A group call's count of people, us included: "1 participant", "4 participants". */
export function participantsText (n: number): string {
  return `${n} participant${n === 1 ? '' : 's'}`
}

/** Columns of a group call's grid for `tiles` tiles: one alone, two side by side, then 2 × 2, then 3 a row (8 at most: the mesh's limit). */
export function gridColumns (tiles: number): number {
  return tiles <= 1 ? 1 : tiles <= 4 ? 2 : 3
}

/** A group call's line under its name before the clock: "Calling…" while we wait alone for the first to join, "Connecting…" until media flows with someone. */
export function groupStateText (direction: 'incoming' | 'outgoing', others: number): string {
  return direction === 'outgoing' && others === 0 ? 'Calling…' : 'Connecting…'
}

/** Whether an outgoing call that ended this way offers "Call again" (nobody took it, or it could not connect). */
export function offersCallAgain (reason: HangupReason, direction: 'incoming' | 'outgoing', connected: boolean): boolean {
  return direction === 'outgoing' && !connected && (reason === 'declined' || reason === 'busy' || reason === 'no-answer' || reason === 'failed')
}

export type Device = 'microphone' | 'camera' | 'both'

/** Why getUserMedia failed, for the person: the browser's DOMException names (no message string is read). */
export function mediaErrorText (err: unknown, device: Device): string {
  const name = (err as { name?: unknown } | undefined)?.name
  const what = device === 'both' ? 'the microphone and camera' : `the ${device}`
  const them = device === 'both' ? 'them' : 'it'
  if (name === 'NotAllowedError' || name === 'SecurityError') return `Parley may not use ${what}. Allow ${them} in the browser's site settings, then try again.`
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return device === 'both' ? 'No microphone or camera was found.' : `No ${device} was found.`
  if (name === 'NotReadableError' || name === 'AbortError') return `${what[0].toUpperCase()}${what.slice(1)} ${device === 'both' ? 'are' : 'is'} in use by another program, or could not be started.`
  return `This browser cannot use ${what} here.`
}

/** The quality indicator's words: "Good connection", … and " via relay" when the call goes through a TURN relay. */
export function qualityText (quality: 'good' | 'fair' | 'poor' | 'unknown', relayed: boolean | undefined): string {
  const base = quality === 'unknown' ? 'Measuring the connection' : `${quality[0].toUpperCase()}${quality.slice(1)} connection`
  return relayed === true ? `${base} via relay` : base
}

/** Bars of the quality indicator, 0–3. */
export function qualityBars (quality: 'good' | 'fair' | 'poor' | 'unknown'): number {
  return quality === 'good' ? 3 : quality === 'fair' ? 2 : quality === 'poor' ? 1 : 0
}

/** A chat's timeline item: one of its messages or one of its calls. */
export type TimelineItem<M> = { kind: 'message', at: number, message: M } | { kind: 'call', at: number, call: CallRecord }

/**
 * Messages (in history order) and calls (any order) as one timeline by time; a call at the same millisecond as a
 * message goes after it. Only calls within the stretch the loaded messages cover are kept unless `all` (the
 * chat's start is loaded): older ones come with the older messages.
 */
export function withCalls<M extends { timestamp: number }> (messages: M[], calls: CallRecord[], all: boolean): Array<TimelineItem<M>> {
  const from = messages[0]?.timestamp
  const shown = calls.filter(c => all || (from != null && c.at >= from)).sort((a, b) => a.at - b.at)
  const out: Array<TimelineItem<M>> = []
  let i = 0
  for (const message of messages) {
    while (i < shown.length && shown[i].at < message.timestamp) out.push({ kind: 'call', at: shown[i].at, call: shown[i++] })
    out.push({ kind: 'message', at: message.timestamp, message })
  }
  for (; i < shown.length; i++) out.push({ kind: 'call', at: shown[i].at, call: shown[i] })
  return out
}
