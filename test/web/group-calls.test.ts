// The web client's group call helpers that need no DOM: a group call's log entry as a line for every outcome, its kind, the count of people and the state line, the grid's columns, and which calls a 1:1 chat and a group chat show (a group call someone started is the group's, never a 1:1 call with that person).
import { describe, it, expect } from 'vitest'
import type { AppStore, CallRecord, Parley } from '../../src/browser.js'
import { callKind, callLine, gridColumns, groupStateText, isMissed, participantsText } from '../../web/src/call-text.js'
import { CallsState } from '../../web/src/calls-model.js'

const GROUP = 'cd'.repeat(32)
const OTHER_GROUP = 'ef'.repeat(32)
const record = (r: Partial<CallRecord>): CallRecord => ({ id: 'aa', peer: '+447700900001', group: GROUP, direction: 'outgoing', video: false, at: 1_000, outcome: 'answered', ...r })

describe('web group call helpers', () => {
  it('words a group call\'s log entry for every outcome, apart from a 1:1 call\'s', () => {
    expect(callKind(true, true)).toBe('Group video call')
    expect(callKind(false, true)).toBe('Group voice call')
    expect(callKind(true)).toBe('Video call')
    expect(callLine(record({ direction: 'incoming', outcome: 'missed' }))).toBe('Missed group voice call')
    expect(callLine(record({ direction: 'incoming', outcome: 'missed', video: true }))).toBe('Missed group video call')
    expect(isMissed(record({ direction: 'incoming', outcome: 'missed' }))).toBe(true)
    expect(callLine(record({ video: true, connectedAt: 10_000, endedAt: 10_000 + 192_000 }))).toBe('Group video call · 3:12')
    expect(callLine(record({ direction: 'incoming', connectedAt: 0, endedAt: 61_000 }))).toBe('Group voice call · 1:01')
    expect(callLine(record({ outcome: 'no-answer' }))).toBe('Group voice call · No answer')
    expect(callLine(record({ outcome: 'cancelled' }))).toBe('Group voice call · Cancelled')
    expect(callLine(record({ direction: 'incoming', outcome: 'declined' }))).toBe('Group voice call · Declined')
    expect(callLine(record({ direction: 'incoming', outcome: 'failed' }))).toBe('Group voice call · Failed')
    expect(callLine(record({ outcome: 'ongoing', video: true }))).toBe('Group video call · Now')
    // the same record without a group is a 1:1 call
    expect(callLine({ ...record({ direction: 'incoming', outcome: 'missed' }), group: undefined })).toBe('Missed voice call')
  })

  it('counts the people in a call, says its state before the clock, and lays out the grid', () => {
    expect(participantsText(1)).toBe('1 participant')
    expect(participantsText(4)).toBe('4 participants')
    // we started it and nobody came yet; someone is joining; we joined theirs
    expect(groupStateText('outgoing', 0)).toBe('Calling…')
    expect(groupStateText('outgoing', 1)).toBe('Connecting…')
    expect(groupStateText('incoming', 1)).toBe('Connecting…')
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(gridColumns)).toEqual([1, 2, 2, 2, 3, 3, 3, 3])
  })

  it('shows a group call in its group\'s timeline, not in the 1:1 chat with the one who started it', () => {
    const store = { get: async () => undefined, put: async () => {}, delete: async () => {} } as unknown as AppStore
    const calls = new CallsState({} as unknown as Parley, store, { changed: () => {}, displayName: p => p, groupName: () => 'Group' })
    const oneToOne: CallRecord = { id: 'c1', peer: '+447700900001', direction: 'incoming', video: false, at: 3_000, outcome: 'answered' }
    const groupCall = record({ id: 'c2', direction: 'incoming', at: 2_000 })
    const elsewhere = record({ id: 'c3', group: OTHER_GROUP, at: 1_000 })
    calls.records = [oneToOne, groupCall, elsewhere]
    expect(calls.recordsOf('+447700900001').map(r => r.id)).toEqual(['c1'])
    expect(calls.recordsOfGroup(GROUP).map(r => r.id)).toEqual(['c2'])
    expect(calls.recordsOfGroup(OTHER_GROUP).map(r => r.id)).toEqual(['c3'])
  })
})
