// Each protocol's status table: every refusal status has an error class, and status→error→status and error→status→error give back what they started from.
import { describe, it, expect, beforeEach } from 'vitest'
import { rateLimitedRow, statusTable, type StatusTable } from '../../src/protocols/status-table.js'
import { RateLimitedError } from '../../src/protocols/errors.js'
import { STATUSES as DM } from '../../src/protocols/dm/errors.js'
import { STATUSES as MAILBOX } from '../../src/protocols/mailbox/errors.js'
import { STATUSES as GROUP_MAILBOX } from '../../src/protocols/group-mailbox/errors.js'
import { STATUSES as PREKEYS } from '../../src/protocols/prekeys/errors.js'
import { STATUSES as VERIFY } from '../../src/protocols/verify/errors.js'
import { STATUSES as BLOB } from '../../src/protocols/blob/errors.js'
import { STATUSES as TURN } from '../../src/protocols/turn/errors.js'
import { DmResponse } from '../../src/protocols/dm/pb/dm.js'
import { RelayFrame } from '../../src/protocols/mailbox/pb/mailbox.js'
import { RelayFrame as GroupRelayFrame } from '../../src/protocols/group-mailbox/pb/group-mailbox.js'
import { PreKeyResponse } from '../../src/protocols/prekeys/pb/prekeys.js'
import { VerifyResponse } from '../../src/protocols/verify/pb/verify.js'
import { RelayFrame as BlobRelayFrame } from '../../src/protocols/blob/pb/blob.js'
import { TurnRelayFrame } from '../../src/protocols/turn/pb/turn.js'

type AnyTable = StatusTable<string, { status: string, message: string }>

const tables: Array<[string, AnyTable, object]> = [
  ['dm', DM as unknown as AnyTable, DmResponse.Status],
  ['mailbox', MAILBOX as unknown as AnyTable, RelayFrame.Status],
  ['group mailbox', GROUP_MAILBOX as unknown as AnyTable, GroupRelayFrame.Status],
  ['prekeys', PREKEYS as unknown as AnyTable, PreKeyResponse.Status],
  ['verify', VERIFY as unknown as AnyTable, VerifyResponse.Status],
  ['blob', BLOB as unknown as AnyTable, BlobRelayFrame.Status],
  ['turn', TURN as unknown as AnyTable, TurnRelayFrame.Status]
]

describe.each(tables)('%s status table', (_, table, statuses) => {
  const refusals = Object.values(statuses).filter((s): s is string => typeof s === 'string' && s !== 'OK')
  const response = (status: string): { status: string, message: string, retryAfterMs: number, triesLeft: number } => ({ status, message: 'why', retryAfterMs: 1500, triesLeft: 2 })

  it('has a row for every refusal status and none for OK', () => {
    expect(new Set(table.rows.map(r => r.status))).toEqual(new Set(refusals))
  })

  it.each(refusals)('%s → error → the same status, message and fields', status => {
    const err = table.error(response(status))
    const row = table.rows.find(r => r.status === status)!
    expect(err).toBeInstanceOf(row.error)
    expect(err.message).toBe('why')
    expect(table.statusOf(err)).toBe(status)
    const back = table.response(err)
    expect(back.status).toBe(status)
    expect(back.message).toBe('why')
    if ('retryAfterMs' in back) expect(back.retryAfterMs).toBe(1500)
    if ('triesLeft' in back) expect(back.triesLeft).toBe(2)
  })

  it('every listed class → its status → a class of that status', () => {
    for (const row of table.rows) {
      const err = table.error(response(row.status))
      // a base class shares its status with its default subclass (listed first): both give that status
      expect(row.error === err.constructor || err instanceof row.error).toBe(true)
      expect(table.statusOf(Object.create(row.error.prototype))).toBe(row.status)
    }
  })

  it('an unlisted error gets the fallback status and the fallback message, never its own', () => {
    const res = table.response(new Error('secret detail'))
    expect(refusals).toContain(res.status)
    expect(res.message).not.toContain('secret')
    expect(table.error({ status: 'NO_SUCH_STATUS', message: '' })).toBeInstanceOf(Error)
  })
})

describe('statusTable on its own', () => {
  class Base extends Error {
    constructor (message = 'base default') { super(message); this.name = 'Base' }
  }
  class Child extends Base {
    constructor (message = 'child default') { super(message); this.name = 'Child' }
  }
  class Unlisted extends Child {}
  class Fallback extends Error {
    constructor (message = 'something went wrong') { super(message); this.name = 'Fallback' }
  }
  type Res = { status: string, message: string, retryAfterMs: number }
  // built in each test, not when the file loads: a mutation run turns a mutant on only once the tests start (docs/testing.md)
  let table: StatusTable<string, Res>
  beforeEach(() => {
    table = statusTable<string, Res>([{ status: 'CHILD', error: Child }, { status: 'BASE', error: Base }, rateLimitedRow('LIMITED'), { status: 'FAILED', error: Fallback }], Fallback)
  })

  it('a status shared by several classes gives the class of its first row; each class still gives that status', () => {
    const shared = statusTable<string, Res>([{ status: 'BAD', error: Child }, { status: 'BAD', error: Base }, { status: 'FAILED', error: Fallback }], Fallback)
    const err = shared.error({ status: 'BAD', message: 'why', retryAfterMs: 0 })
    expect(err.constructor).toBe(Child)
    expect(err.message).toBe('why')
    expect(shared.error({ status: 'FAILED', message: '', retryAfterMs: 0 }).constructor).toBe(Fallback)
    expect(shared.statusOf(new Base())).toBe('BAD')
    expect(shared.statusOf(new Child())).toBe('BAD')
    expect(shared.statusOf(new Error('plain'))).toBe('FAILED')
    expect(shared.response(new Base('base why'))).toEqual({ status: 'BAD', message: 'base why' })
  })

  it('refuses a class listed twice, and a fallback without a row', () => {
    expect(() => statusTable([{ status: 'A', error: Base }, { status: 'B', error: Base }], Base)).toThrow('Base has two rows')
    expect(() => statusTable([{ status: 'A', error: Base }], Fallback)).toThrow('the fallback Fallback has no row')
  })

  it('an unlisted subclass gets its nearest listed ancestor\'s row', () => {
    expect(table.rowOf(new Unlisted())?.status).toBe('CHILD')
    expect(table.rowOf(new Child())?.status).toBe('CHILD')
    expect(table.rowOf(new Base())?.status).toBe('BASE')
    expect(table.response(new Unlisted('why'))).toEqual({ status: 'CHILD', message: 'why' })
  })

  it('no row for non-errors (even one claiming a listed constructor), plain errors, or an error whose constructor chain is broken', () => {
    for (const value of [undefined, null, 'Child', 42, { constructor: Child, message: 'x' }]) {
      expect(table.rowOf(value), String(value)).toBeUndefined()
      expect(table.statusOf(value)).toBe('FAILED')
    }
    expect(table.rowOf(new Error('plain'))).toBeUndefined()
    const orphan = new Error('orphan')
    Object.defineProperty(orphan, 'constructor', { value: undefined })
    expect(table.rowOf(orphan)).toBeUndefined()
    const detached = new Error('detached')
    Object.defineProperty(detached, 'constructor', { value: Object.create(null) })
    expect(table.rowOf(detached)).toBeUndefined()
  })

  it('a row for Error itself never matches: plain errors still get the fallback\'s message, not their own', () => {
    const withError = statusTable<string, Res>([{ status: 'FAILED', error: Error }], Error)
    expect(withError.rowOf(new Error('secret'))).toBeUndefined()
    expect(withError.response(new Error('secret'))).toEqual({ status: 'FAILED', message: '' })
  })

  it('an empty message on the wire gives the class\'s own default message', () => {
    expect(table.error({ status: 'CHILD', message: '', retryAfterMs: 0 }).message).toBe('child default')
    expect(table.error({ status: 'NO_SUCH', message: '', retryAfterMs: 0 }).message).toBe('something went wrong')
    const limited = table.error({ status: 'LIMITED', message: '', retryAfterMs: 1500 })
    expect(limited).toBeInstanceOf(RateLimitedError)
    expect(limited.message).toBe('rate limited; retry in 2 s')
    expect(table.error({ status: 'CHILD', message: 'given', retryAfterMs: 0 }).message).toBe('given')
  })
})

describe('rateLimitedRow, built in the test (a row built at import time is out of a mutation run\'s reach)', () => {
  it('encodes the wait in whole ms within uint32 and decodes it back into a RateLimitedError', () => {
    const row = rateLimitedRow<number, { status: number, message: string, retryAfterMs: number }>(7)
    expect(row.status).toBe(7)
    expect(row.error).toBe(RateLimitedError)
    expect(row.encode?.(new RateLimitedError(1500.2))).toEqual({ retryAfterMs: 1501 })
    expect(row.encode?.(new RateLimitedError(-5))).toEqual({ retryAfterMs: 0 })
    expect(row.encode?.(new RateLimitedError(2 ** 40))).toEqual({ retryAfterMs: 0xffffffff })
    const decoded = row.decode?.({ status: 7, message: 'slow down', retryAfterMs: 2500 }, 'slow down')
    expect(decoded).toBeInstanceOf(RateLimitedError)
    expect(decoded).toMatchObject({ retryAfterMs: 2500, message: 'slow down' })
  })
})
