// The web client's call helpers that need no DOM: a call log entry as a line, the in-call state and end texts, when "Call again" is offered, why a microphone or camera could not be used (by the browser's error name only), the quality words and bars, calls merged into a chat's timeline, and the Calls route.
import { describe, it, expect } from 'vitest'
import type { CallRecord } from '../../src/browser.js'
import { callDirectionWord, callLine, callStateText, endText, isMissed, mediaErrorText, offersCallAgain, qualityBars, qualityText, withCalls } from '../../web/src/call-text.js'
import { PATTERNS } from '../../web/src/ringtone.js'
import { parseRoute, routeHash } from '../../web/src/model.js'

const record = (r: Partial<CallRecord>): CallRecord => ({ id: 'aa', peer: '+447700900001', direction: 'outgoing', video: false, at: 1_000, outcome: 'answered', ...r })

describe('web call helpers', () => {
  it('words a call log entry: missed, answered with its duration, and every other outcome', () => {
    expect(callLine(record({ direction: 'incoming', outcome: 'missed' }))).toBe('Missed voice call')
    expect(callLine(record({ direction: 'incoming', outcome: 'missed', video: true }))).toBe('Missed video call')
    expect(callLine(record({ video: true, connectedAt: 10_000, endedAt: 10_000 + 192_000 }))).toBe('Video call · 3:12')
    expect(callLine(record({ connectedAt: 0, endedAt: 3_723_000 }))).toBe('Voice call · 1:02:03')
    // a clock that went back never shows a negative duration
    expect(callLine(record({ connectedAt: 5_000, endedAt: 4_000 }))).toBe('Voice call · 0:00')
    expect(callLine(record({ outcome: 'declined' }))).toBe('Voice call · Declined')
    expect(callLine(record({ direction: 'incoming', outcome: 'declined' }))).toBe('Voice call · Declined')
    expect(callLine(record({ outcome: 'busy' }))).toBe('Voice call · Busy')
    expect(callLine(record({ outcome: 'no-answer' }))).toBe('Voice call · No answer')
    expect(callLine(record({ outcome: 'cancelled' }))).toBe('Voice call · Cancelled')
    expect(callLine(record({ outcome: 'failed' }))).toBe('Voice call · Failed')
    expect(callLine(record({ direction: 'incoming', outcome: 'answered-elsewhere' }))).toBe('Voice call · Answered on another device')
    expect(callLine(record({ outcome: 'ongoing' }))).toBe('Voice call · Now')
    // only an incoming call can be missed
    expect(isMissed(record({ direction: 'outgoing', outcome: 'missed' }))).toBe(false)
    expect(callDirectionWord(record({ direction: 'incoming', outcome: 'missed' }))).toBe('Missed')
    expect(callDirectionWord(record({ direction: 'incoming', outcome: 'answered' }))).toBe('Incoming')
    expect(callDirectionWord(record({}))).toBe('Outgoing')
  })

  it('says the call\'s state before the clock, and how it ended, with "Call again" only for an outgoing call nobody took', () => {
    expect(callStateText('starting', false)).toBe('Calling…')
    expect(callStateText('calling', false)).toBe('Calling…')
    expect(callStateText('calling', true)).toBe('Ringing…')
    expect(callStateText('connecting', false)).toBe('Connecting…')
    expect(callStateText('reconnecting', false)).toBe('Reconnecting…')
    expect(callStateText('connected', false)).toBe('')
    expect(endText('declined', 'outgoing', false)).toBe('Declined')
    expect(endText('busy', 'outgoing', false)).toBe('Busy')
    expect(endText('no-answer', 'outgoing', false)).toBe('No answer')
    expect(endText('cancelled', 'incoming', false)).toBe('Missed call')
    expect(endText('answered-elsewhere', 'incoming', false)).toBe('Answered on another device')
    expect(endText('normal', 'outgoing', true)).toBe('Call ended')
    expect(endText('failed', 'incoming', true)).toBe('Call lost')
    for (const reason of ['declined', 'busy', 'no-answer', 'failed'] as const) {
      expect(offersCallAgain(reason, 'outgoing', false)).toBe(true)
      expect(offersCallAgain(reason, 'incoming', false)).toBe(false)
      expect(offersCallAgain(reason, 'outgoing', true)).toBe(false)
    }
    expect(offersCallAgain('cancelled', 'outgoing', false)).toBe(false)
    expect(offersCallAgain('normal', 'outgoing', true)).toBe(false)
  })

  it('explains a refused or missing microphone or camera by the error\'s name, never its message', () => {
    const err = (name: string, message = 'Permission denied by system +447700900001'): Error => Object.assign(new Error(message), { name })
    expect(mediaErrorText(err('NotAllowedError'), 'microphone')).toBe('Parley may not use the microphone. Allow it in the browser\'s site settings, then try again.')
    expect(mediaErrorText(err('SecurityError'), 'both')).toBe('Parley may not use the microphone and camera. Allow them in the browser\'s site settings, then try again.')
    expect(mediaErrorText(err('NotFoundError'), 'camera')).toBe('No camera was found.')
    expect(mediaErrorText(err('OverconstrainedError'), 'both')).toBe('No microphone or camera was found.')
    expect(mediaErrorText(err('NotReadableError'), 'camera')).toBe('The camera is in use by another program, or could not be started.')
    expect(mediaErrorText(err('NotReadableError'), 'both')).toBe('The microphone and camera are in use by another program, or could not be started.')
    expect(mediaErrorText(undefined, 'microphone')).toBe('This browser cannot use the microphone here.')
    expect(mediaErrorText(err('TypeError'), 'camera')).toBe('This browser cannot use the camera here.')
    for (const name of ['NotAllowedError', 'NotFoundError', 'NotReadableError', 'Whatever']) expect(mediaErrorText(err(name), 'both')).not.toContain('+44')
  })

  it('shows the quality as words and bars, saying when the call goes through a relay', () => {
    expect(qualityText('good', false)).toBe('Good connection')
    expect(qualityText('poor', true)).toBe('Poor connection via relay')
    expect(qualityText('unknown', undefined)).toBe('Measuring the connection')
    expect([qualityBars('good'), qualityBars('fair'), qualityBars('poor'), qualityBars('unknown')]).toEqual([3, 2, 1, 0])
  })

  it('merges calls into a chat\'s messages by time, keeping older calls for older pages', () => {
    const messages = [{ id: 'm1', timestamp: 100 }, { id: 'm2', timestamp: 200 }, { id: 'm3', timestamp: 300 }]
    const calls = [record({ id: 'c4', at: 400 }), record({ id: 'c2', at: 200 }), record({ id: 'c0', at: 50 }), record({ id: 'c1', at: 150 })]
    const ids = (items: ReturnType<typeof withCalls<{ id: string, timestamp: number }>>): string[] => items.map(i => i.kind === 'call' ? i.call.id : i.message.id)
    // the start of the chat is not loaded: the call before the oldest loaded message waits for its page
    expect(ids(withCalls(messages, calls, false))).toEqual(['m1', 'c1', 'm2', 'c2', 'm3', 'c4'])
    // the whole chat is loaded: every call, the oldest first
    expect(ids(withCalls(messages, calls, true))).toEqual(['c0', 'm1', 'c1', 'm2', 'c2', 'm3', 'c4'])
    // calls only (no message yet)
    expect(ids(withCalls([], calls, true))).toEqual(['c0', 'c1', 'c2', 'c4'])
    expect(ids(withCalls([], calls, false))).toEqual([])
    // the caller's list is not reordered
    expect(calls.map(c => c.id)).toEqual(['c4', 'c2', 'c0', 'c1'])
  })

  it('rings and rings back in patterns that fit their period', () => {
    for (const p of Object.values(PATTERNS)) {
      for (const b of p.bursts) expect(b.at + b.length).toBeLessThan(p.period)
    }
  })

  it('routes #/calls to the call log and back', () => {
    expect(parseRoute('#/calls')).toEqual({ name: 'calls' })
    expect(routeHash({ name: 'calls' })).toBe('#/calls')
    expect(parseRoute('#/calls/extra')).toEqual({ name: 'calls' })
  })
})
