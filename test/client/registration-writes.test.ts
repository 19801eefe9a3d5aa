// The stored registration under concurrent updates: a background republish and a mailbox change must not undo each other.
import { describe, it, expect } from 'vitest'
import { createMemoryStorage } from '../../src/storage/index.js'
import { RegistrationFlow, RETIRED_MAILBOX_FOLLOW_MS, type Registration } from '../../src/client/registration.js'
import type { PublishResult } from '../../src/directory/index.js'

const ONE = '/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWDDEiqDza5UaR9Bew3uFae3ufJYFzPTFLEgfemd7utfF8'
const TWO = '/ip4/127.0.0.1/tcp/4002/p2p/12D3KooW9pYnTtCoVY7CzAiDNckY1cRkhZjF6DyJduv8D9aj62mv'

async function flowWith (registration: Registration, now: () => number = () => 0): Promise<RegistrationFlow> {
  const storage = createMemoryStorage()
  await storage.kv('registration').put('registered', new TextEncoder().encode(JSON.stringify(registration)))
  // only the registration store is used by the methods under test
  return new RegistrationFlow(undefined as never, storage, undefined as never, undefined as never, [], now, undefined as never)
}

const base: Registration = { phone: '+15550000001', attestations: [], seq: 100, registeredAt: 1, publishedAt: 100, mailboxRelays: [ONE, TWO] }
const publish = (seq: number): PublishResult => ({ seq, issuedAt: seq } as unknown as PublishResult)

describe('registration writes', () => {
  it('a republish recorded while the mailbox list changes keeps the new list', async () => {
    const flow = await flowWith(base)
    await Promise.all([flow.setMailboxRelays([TWO]), flow.published(publish(200))])
    expect(await flow.registration()).toMatchObject({ mailboxRelays: [TWO], seq: 200, publishedAt: 200 })
  })

  it('a mailbox change recorded while a republish is written keeps both', async () => {
    const flow = await flowWith(base)
    await Promise.all([flow.published(publish(200)), flow.setMailboxRelays([TWO], publish(300))])
    expect(await flow.registration()).toMatchObject({ mailboxRelays: [TWO], seq: 300, publishedAt: 300 })
  })

  it('an older republish finishing late does not roll the sequence back', async () => {
    const flow = await flowWith(base)
    await flow.setMailboxRelays([TWO], publish(300))
    await flow.published(publish(250))
    expect(await flow.registration()).toMatchObject({ mailboxRelays: [TWO], seq: 300, publishedAt: 300 })
  })

  it('a relay leaving the mailboxes is still collected from for RETIRED_MAILBOX_FOLLOW_MS, unless it comes back', async () => {
    let now = 1_000
    const flow = await flowWith(base, () => now)
    await flow.setMailboxRelays([TWO])
    expect(flow.retiredMailboxRelays((await flow.registration())!)).toEqual([ONE])
    now += RETIRED_MAILBOX_FOLLOW_MS - 1
    expect(flow.retiredMailboxRelays((await flow.registration())!)).toEqual([ONE])
    now += 1
    expect(flow.retiredMailboxRelays((await flow.registration())!)).toEqual([])
    // past the window it is dropped at the next change; one that comes back is a mailbox again, not retired
    await flow.setMailboxRelays([TWO, ONE])
    expect((await flow.registration())!.retiredMailboxes).toEqual([])
    await flow.setMailboxRelays([ONE])
    expect((await flow.registration())!.retiredMailboxes).toEqual([{ addr: TWO, at: now }])
    await flow.setMailboxRelays([TWO, ONE])
    expect(flow.retiredMailboxRelays((await flow.registration())!)).toEqual([])
  })
})
