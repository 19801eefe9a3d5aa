// The group mailbox's refusal classes: name, the message a person sees, and the wire status each stands for (both ways); the closed-session error.
import { describe, it, expect } from 'vitest'
import {
  GroupMailboxServiceError, InvalidGroupMailboxRequestError, GroupMailboxAuthError, GroupTopicFullError, GroupMessageTooLargeError,
  UnknownGroupTopicError, GroupMailboxInternalError, GroupMailboxClosedError, RateLimitedError
} from '../../src/protocols/group-mailbox/index.js'
import { errorFrame, frameError } from '../../src/protocols/group-mailbox/errors.js'
import { RelayFrame } from '../../src/protocols/group-mailbox/pb/group-mailbox.js'

const S = RelayFrame.Status

describe('group mailbox errors', () => {
  it('each class: its name, its default message and its status', () => {
    const rows: Array<[GroupMailboxServiceError, string, string, RelayFrame.Status]> = [
      [new InvalidGroupMailboxRequestError(), 'InvalidGroupMailboxRequestError', 'invalid group mailbox request', S.INVALID_REQUEST],
      [new GroupMailboxAuthError(), 'GroupMailboxAuthError', 'group mailbox authentication failed', S.AUTH_FAILED],
      [new GroupTopicFullError(), 'GroupTopicFullError', 'the topic is full', S.TOPIC_FULL],
      [new GroupMessageTooLargeError(), 'GroupMessageTooLargeError', 'the group message is too large', S.TOO_LARGE],
      [new UnknownGroupTopicError(), 'UnknownGroupTopicError', 'no such topic here, or not this deposit key', S.UNKNOWN_TOPIC],
      [new GroupMailboxInternalError(), 'GroupMailboxInternalError', 'the relay failed; try again later', S.INTERNAL],
      [new GroupMailboxServiceError('something'), 'GroupMailboxServiceError', 'something', S.INTERNAL]
    ]
    for (const [err, name, message, status] of rows) {
      expect(err.name, name).toBe(name)
      expect(err.message, name).toBe(message)
      expect(err.status, name).toBe(status)
      expect(err).toBeInstanceOf(GroupMailboxServiceError)
      expect(String(err), name).toBe(`${name}: ${message}`)
    }
    const closed = new GroupMailboxClosedError()
    expect(closed).not.toBeInstanceOf(GroupMailboxServiceError)
    expect(String(closed)).toBe('GroupMailboxClosedError: the group mailbox session is closed')
  })

  it('a refusal frame without a message gives the default message on the client; an unknown status is internal', () => {
    const frame = (fields: Partial<RelayFrame>): RelayFrame => ({ type: RelayFrame.Type.RESULT, status: S.OK, message: '', retryAfterMs: 0, ref: new Uint8Array(0), position: '', nonce: new Uint8Array(0), messages: [], ...fields })
    const defaults: Array<[RelayFrame.Status, string, string]> = [
      [S.INVALID_REQUEST, 'InvalidGroupMailboxRequestError', 'invalid group mailbox request'],
      [S.AUTH_FAILED, 'GroupMailboxAuthError', 'group mailbox authentication failed'],
      [S.TOPIC_FULL, 'GroupTopicFullError', 'the topic is full'],
      [S.TOO_LARGE, 'GroupMessageTooLargeError', 'the group message is too large'],
      [S.UNKNOWN_TOPIC, 'UnknownGroupTopicError', 'no such topic here, or not this deposit key'],
      [S.INTERNAL, 'GroupMailboxInternalError', 'the relay failed; try again later'],
      [99 as unknown as RelayFrame.Status, 'GroupMailboxInternalError', 'the relay failed; try again later']
    ]
    for (const [status, name, message] of defaults) expect(frameError(frame({ status })), name).toMatchObject({ name, message })
    expect(frameError(frame({ status: S.RATE_LIMITED, retryAfterMs: 1500 }))).toMatchObject({ name: 'RateLimitedError', retryAfterMs: 1500 })
    expect(frameError(frame({ status: S.UNKNOWN_TOPIC, message: 'this device has not registered this topic here' }))).toMatchObject({ name: 'UnknownGroupTopicError', message: 'this device has not registered this topic here' })
  })

  it('the server answers each refusal with its status and message; anything else is INTERNAL with the default message', () => {
    expect(errorFrame(new GroupTopicFullError())).toEqual({ type: RelayFrame.Type.RESULT, status: S.TOPIC_FULL, message: 'the topic is full' })
    expect(errorFrame(new RateLimitedError(1000))).toEqual({ type: RelayFrame.Type.RESULT, status: S.RATE_LIMITED, retryAfterMs: 1000, message: 'rate limited; retry in 1 s' })
    expect(errorFrame(new GroupMailboxServiceError('base'))).toEqual({ type: RelayFrame.Type.RESULT, status: S.INTERNAL, message: 'base' })
    expect(errorFrame(new Error('disk full at /var/lib/relay'))).toEqual({ type: RelayFrame.Type.RESULT, status: S.INTERNAL, message: 'the relay failed; try again later' })
  })
})
