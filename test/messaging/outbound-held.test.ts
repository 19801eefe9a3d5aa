// Outbound's held entries and per-recipient waits: entries for a contact whose new key must be accepted wait quietly and go at once after release(to) (no one else's entries touched); a recipient's backoff holds its newer entries only until its time, not at it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { IdentityNotAcceptedError } from '../../src/messaging/index.js'
import { RETRY_MIN_MS } from '../../src/messaging/outbound.js'
import { failed, fakeNet, harness, id, recordOf, T0, BOB, CAROL, R1, type Harness } from './outbound-harness.js'

vi.mock('../../src/protocols/mailbox/index.js', async o => (await import('./fake-net.js')).mockMailbox(await o()))
vi.mock('../../src/protocols/prekeys/index.js', async o => (await import('./fake-net.js')).mockPreKeys(await o()))
vi.mock('../../src/protocols/dm/index.js', async o => (await import('./fake-net.js')).mockDirect(await o()))

let h: Harness | undefined

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  vi.setSystemTime(T0)
})

afterEach(async () => {
  await h?.out.stop()
  h = undefined
  vi.useRealTimers()
  fakeNet.reset()
})

describe('Outbound held entries', () => {
  it('wait quietly while the key is not accepted; release(to) sends them at once and leaves other recipients\' entries alone', async () => {
    let accepted = false
    h = await harness({ init: () => ({ accepted: async () => { if (!accepted) throw new IdentityNotAcceptedError() } }) })
    h.directory.set(CAROL, await recordOf(h.bob, [R1]))
    await h.text(1)
    await h.pass()
    expect(fakeNet.deposits).toEqual([])
    expect(await h.entry(id(1))).toMatchObject({ attempts: 1, nextAttemptAt: T0 + RETRY_MIN_MS })
    expect(h.errors).toEqual([])
    const other = await h.text(2, { to: CAROL, nextAttemptAt: T0 + 5_000 })

    vi.setSystemTime(T0 + 10)
    accepted = true
    await h.out.release(BOB)
    // release wakes the Outbound itself
    await h.out.idle()
    expect(h.statuses).toEqual([[id(1), 'sent']])
    expect(await h.read(fakeNet.deposits[0].deposit.envelope)).toBe('text 1')
    expect(await h.entry(other.id)).toEqual(other)
  })
})

describe("Outbound, a recipient's wait", () => {
  it('holds its newer entries until its time, and not at it', async () => {
    h = await harness()
    fakeNet.answer = () => failed
    await h.text(1)
    await h.pass()
    fakeNet.reset()
    // written while the first backs off, and due before its time, but no pass ran
    vi.setSystemTime(T0 + 500)
    await h.text(2)
    vi.setSystemTime(T0 + RETRY_MIN_MS)
    await h.pass()
    expect(h.statuses).toEqual([[id(1), 'sent'], [id(2), 'sent']])
  })
})
