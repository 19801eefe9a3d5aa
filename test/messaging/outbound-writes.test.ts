// What Outbound writes and when it is synced: the sealed copies of a first attempt are synced (with the ratchet steps, one group) before anything leaves; a retry reuses them and writes none; a delivery's bookkeeping (sealed copies dropped, entries deleted or re-put) shares one group flushed at its end; reseal and release group their writes too; an entry's sealed copies go with it, nobody else's.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { IdentityNotAcceptedError } from '../../src/messaging/index.js'
import { RETRY_MIN_MS } from '../../src/messaging/outbound.js'
import { failed, fakeNet, harness, id, recordOf, T0, BOB, CAROL, R2, type Harness } from './outbound-harness.js'

vi.mock('../../src/protocols/mailbox/index.js', async o => (await import('./fake-net.js')).mockMailbox(await o()))
vi.mock('../../src/protocols/prekeys/index.js', async o => (await import('./fake-net.js')).mockPreKeys(await o()))
vi.mock('../../src/protocols/dm/index.js', async o => (await import('./fake-net.js')).mockDirect(await o()))

let h: Harness | undefined

/** The relays answer `answer`, and each deposit shows in the write log. */
function logDeposits (answer: typeof fakeNet.answer = () => ({ status: 'ok', id: '1' })): void {
  fakeNet.answer = (relay, d) => { h!.log.push('deposit'); return answer(relay, d) }
}

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

describe('Outbound writes', () => {
  it('a first attempt: the sealed copies synced before the deposit, then the bookkeeping in one group flushed at the end', async () => {
    h = await harness()
    logDeposits()
    await h.text(1)
    await h.pass()
    expect(h.log).toEqual([
      'sealed batch put sync grouped', 'synced sealed',
      'deposit',
      'sealed batch del grouped', 'outbox delete 1 grouped', 'synced sealed', 'synced outbox'
    ])
  })

  it('a retry reuses the sealed copy: nothing is written before the deposit', async () => {
    h = await harness()
    logDeposits(() => failed)
    await h.text(1)
    await h.pass()
    expect(h.log).toEqual(['sealed batch put sync grouped', 'synced sealed', 'deposit', 'outbox put 1 grouped', 'synced outbox'])
    h.log.length = 0
    vi.setSystemTime(T0 + RETRY_MIN_MS)
    await h.pass()
    expect(h.log).toEqual(['deposit', 'outbox put 1 grouped', 'synced outbox'])
  })

  it('an entry that failed at its TTL before it was ever sealed: only its deletion', async () => {
    h = await harness()
    await h.text(1, { expiresAt: T0 })
    await h.pass()
    expect(h.log).toEqual(['outbox delete 1 grouped', 'synced outbox'])
  })

  it('reseal and release group their writes', async () => {
    h = await harness({ init: () => ({ accepted: async () => { throw new IdentityNotAcceptedError() } }) })
    await h.text(1)
    await h.text(2, { to: CAROL, nextAttemptAt: T0 + 5_000 })
    await h.pass()
    h.log.length = 0
    await h.out.release(BOB)
    expect(h.log).toEqual(['outbox put 1 grouped', 'synced outbox'])
    await h.out.idle()
    await h.out.stop()

    h = await harness()
    logDeposits(() => failed)
    await h.text(1)
    await h.pass()
    h.log.length = 0
    expect(await h.out.reseal(BOB)).toEqual([id(1)])
    expect(h.log).toEqual(['sealed batch del grouped', 'outbox put 1 grouped', 'synced sealed', 'synced outbox'])
  })

  it("an entry's sealed copies go with it, and nobody else's", async () => {
    h = await harness()
    // carol's mail goes to a relay that is down
    h.directory.set(CAROL, await recordOf(h.bob, [R2]))
    fakeNet.answer = relay => relay === R2 ? failed : { status: 'ok', id: '1' }
    await h.text(1, { to: CAROL })
    await h.pass()
    expect(await h.sealedKeys()).toEqual([`${id(1)}/${h.bobKey}`])
    vi.setSystemTime(T0 + 10)
    await h.text(2)
    await h.pass()
    expect(h.statuses).toEqual([[id(2), 'sent']])
    expect(await h.sealedKeys()).toEqual([`${id(1)}/${h.bobKey}`])
  })
})
