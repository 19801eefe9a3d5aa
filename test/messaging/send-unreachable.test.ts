// send() and checkRecipient() for a new number while the directory cannot be reached: the text is queued (the outbox looks the number up again), also when the caller gave no options at all; a lookup that never answers holds them for SEND_LOOKUP_TIMEOUT_MS at most (on a fake clock), and the caller's abort ends the wait at once.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { SEND_LOOKUP_TIMEOUT_MS } from '../../src/messaging/messenger.js'
import { fakeNet } from './fake-net.js'
import { fakePair, queued, turns, type FakePair } from './fake-pair.js'

vi.mock('../../src/protocols/mailbox/index.js', async o => (await import('./fake-net.js')).mockMailbox(await o()))
vi.mock('../../src/protocols/prekeys/index.js', async o => (await import('./fake-net.js')).mockPreKeys(await o()))
vi.mock('../../src/protocols/dm/index.js', async o => (await import('./fake-net.js')).mockDirect(await o()))

const ALICE = '+15550860001'
const BOB = '+15550860002'
const NEW = '+15550860009'

let pair: FakePair | undefined
afterEach(async () => {
  await pair?.stop()
  pair = undefined
  fakeNet.reset()
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('send while the directory is unreachable', () => {
  it('queues the text for a new number when the lookup fails (not "not on Parley"), with or without options', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    pair = await fakePair(186, [ALICE, BOB])
    pair.alice.m.on('error', () => {})
    pair.directory.get = () => { throw new Error('no relay answers') }
    const m = await pair.alice.m.send(NEW, 'are you there?')
    expect(m).toMatchObject({ conversation: NEW, status: 'pending' })
    expect(queued(pair.alice, 'message').map(w => w.entry.to)).toEqual([NEW])
    const again = await pair.alice.m.send(NEW, 'second', { quoteId: m.id })
    expect(again.status).toBe('pending')
  })

  it('a lookup that never answers holds send and checkRecipient for SEND_LOOKUP_TIMEOUT_MS, not for ever; the text is then queued', async () => {
    fakeClock()
    pair = await fakePair(187, [ALICE, BOB])
    pair.alice.m.on('error', () => {})
    pair.directory.get = () => new Promise<never>(() => {}) as never
    const sending = track(pair.alice.m.send(NEW, 'anyone?'))
    const checking = track(pair.alice.m.checkRecipient(NEW))
    await vi.advanceTimersByTimeAsync(SEND_LOOKUP_TIMEOUT_MS - 1)
    expect([sending.settled(), checking.settled()]).toEqual([false, false])
    await vi.advanceTimersByTimeAsync(1)
    await turns(() => sending.settled() && checking.settled())
    expect(await sending.promise).toMatchObject({ conversation: NEW, status: 'pending' })
    await checking.promise
    expect(queued(pair.alice, 'message').map(w => w.entry.to)).toEqual([NEW])
  })

  it('the caller\'s abort ends a wait for such a lookup at once, and nothing is queued', async () => {
    fakeClock()
    pair = await fakePair(188, [ALICE, BOB])
    pair.alice.m.on('error', () => {})
    pair.directory.get = () => new Promise<never>(() => {}) as never
    const reason = new Error('the user left')
    const controller = new AbortController()
    const sending = track(pair.alice.m.send(NEW, 'anyone?', { signal: controller.signal }))
    const checking = track(pair.alice.m.checkRecipient(NEW, { signal: controller.signal }))
    sending.promise.catch(() => {})
    checking.promise.catch(() => {})
    await turns(() => pair?.alice.lookups.length === 1)
    controller.abort(reason)
    await turns(() => sending.settled() && checking.settled())
    await expect(sending.promise).rejects.toBe(reason)
    await expect(checking.promise).rejects.toBe(reason)
    expect(queued(pair.alice, 'message')).toEqual([])
  })
})

/**
 * Fake setTimeout, and AbortSignal.timeout built on it: Node's own AbortSignal.timeout runs on an internal timer
 * that vitest's fake clock does not reach.
 */
function fakeClock (): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  vi.spyOn(AbortSignal, 'timeout').mockImplementation(ms => {
    const controller = new AbortController()
    setTimeout(() => { controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')) }, ms)
    return controller.signal
  })
}

/** A promise's state without waiting for it. */
function track<T> (p: Promise<T>): { settled: () => boolean, promise: Promise<T> } {
  let done = false
  p.then(() => { done = true }, () => { done = true })
  return { settled: () => done, promise: p }
}
