// send() to a new number while the directory cannot be reached: the text is queued (the outbox looks the number up again), also when the caller gave no options at all.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { fakeNet } from './fake-net.js'
import { fakePair, queued, type FakePair } from './fake-pair.js'

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
})
