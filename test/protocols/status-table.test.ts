// Each protocol's status table: every refusal status has an error class, and status→error→status and error→status→error give back what they started from.
import { describe, it, expect } from 'vitest'
import type { StatusTable } from '../../src/protocols/status-table.js'
import { STATUSES as DM } from '../../src/protocols/dm/errors.js'
import { STATUSES as MAILBOX } from '../../src/protocols/mailbox/errors.js'
import { STATUSES as PREKEYS } from '../../src/protocols/prekeys/errors.js'
import { STATUSES as VERIFY } from '../../src/protocols/verify/errors.js'
import { DmResponse } from '../../src/protocols/dm/pb/dm.js'
import { RelayFrame } from '../../src/protocols/mailbox/pb/mailbox.js'
import { PreKeyResponse } from '../../src/protocols/prekeys/pb/prekeys.js'
import { VerifyResponse } from '../../src/protocols/verify/pb/verify.js'

type AnyTable = StatusTable<string, { status: string, message: string }>

const tables: Array<[string, AnyTable, object]> = [
  ['dm', DM as unknown as AnyTable, DmResponse.Status],
  ['mailbox', MAILBOX as unknown as AnyTable, RelayFrame.Status],
  ['prekeys', PREKEYS as unknown as AnyTable, PreKeyResponse.Status],
  ['verify', VERIFY as unknown as AnyTable, VerifyResponse.Status]
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
