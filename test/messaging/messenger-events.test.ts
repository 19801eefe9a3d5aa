// What receiving says, on the fake network: an unregistered device refuses envelopes (one error per envelope of a batch, none thrown); a caller's abort stores nothing; a batch is synced once at its end (a failed sync fails it, announces nothing) unless the caller owns the sync; typing and presence events carry exactly what was said (no expiry means fresh); profile events carry what the profile has; a profile nobody stores is acked and not announced; a record seq said when no answer is at hand is harmless.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { encodeContent, type Content } from '../../src/messaging/index.js'
import { sealFor } from '../../src/messaging/envelope.js'
import { SyncGroup } from '../../src/storage/index.js'
import { fakeNet } from './fake-net.js'
import { fakePair, unexpectedErrors, type FakePair, type PairSide } from './fake-pair.js'

vi.mock('../../src/protocols/mailbox/index.js', async o => (await import('./fake-net.js')).mockMailbox(await o()))
vi.mock('../../src/protocols/prekeys/index.js', async o => (await import('./fake-net.js')).mockPreKeys(await o()))
vi.mock('../../src/protocols/dm/index.js', async o => (await import('./fake-net.js')).mockDirect(await o()))

const ALICE = '+15550980001'
const BOB = '+15550980002'
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2, 3])
const hexId = (n: number): string => n.toString(16).padStart(32, '0')

let pair: FakePair | undefined
afterEach(async () => {
  await pair?.stop()
  pair = undefined
  fakeNet.reset()
  vi.useRealTimers()
  vi.restoreAllMocks()
})

/** A pair where Alice already wrote to Bob (Bob has a session with her and proved her number). */
async function introduced (seed: number, init: Parameters<typeof fakePair>[2] = {}): Promise<FakePair> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  const p = await fakePair(seed, [ALICE, BOB], init)
  await p.alice.m.send(BOB, 'hi')
  await p.settle()
  return p
}

async function fromAlice (p: FakePair, body: Content['body'], extra: Partial<Content> = {}): Promise<Uint8Array> {
  return await sealFor(p.alice.device.envelope, p.bob.device.party.address, encodeContent({ senderE164: ALICE, attestation: new Uint8Array(0), body, ...extra }))
}

const text = (p: FakePair, n: number): Content['body'] => ({ kind: 'text', id: hexId(n), text: `text ${n}`, timestamp: p.clock.now() })
const texts = async (side: PairSide): Promise<string[]> => (await side.m.history(ALICE)).map(m => m.text).reverse()

describe('receiving', () => {
  it('an unregistered device refuses what it cannot store: receive throws, receiveBatch gives one error per envelope', async () => {
    pair = await introduced(161)
    const { bob } = pair
    const one = await fromAlice(pair, text(pair, 1))
    const two = await fromAlice(pair, text(pair, 2))
    const self = bob.device.self
    bob.device.self = undefined as never
    await expect(bob.m.receive(one)).rejects.toMatchObject({ name: 'NotRegisteredError' })
    const results = await bob.m.receiveBatch([one, two])
    expect(results.map(r => r?.name)).toEqual(['NotRegisteredError', 'NotRegisteredError'])
    bob.device.self = self
    // nothing was stored: both can be read once registered
    expect(await bob.m.receiveBatch([one, two])).toEqual([undefined, undefined])
    expect(bob.events.message.map(m => m.text)).toEqual(['hi', 'text 1', 'text 2'])
  })

  it("a caller's abort before anything is stored leaves the envelope unread", async () => {
    pair = await introduced(162)
    const { bob } = pair
    const envelope = await fromAlice(pair, text(pair, 1))
    await expect(bob.m.receive(envelope, { signal: AbortSignal.abort(new Error('stream closed')) })).rejects.toMatchObject({ name: 'AbortError' })
    expect(await texts(bob)).toEqual(['hi'])
    await bob.m.receive(envelope)
    expect(await texts(bob)).toEqual(['hi', 'text 1'])
  })

  it('a batch is synced once at its end: a failed sync fails it and announces nothing; a caller that owns the sync flushes it itself', async () => {
    pair = await introduced(163)
    const { bob } = pair
    const broken = new Error('fsync failed')
    const flush = vi.spyOn(SyncGroup.prototype, 'flush').mockRejectedValueOnce(broken)
    await expect(bob.m.receiveBatch([await fromAlice(pair, text(pair, 1))])).rejects.toBe(broken)
    expect(flush).toHaveBeenCalledTimes(1)
    expect(bob.events.message.map(m => m.text)).toEqual(['hi'])
    flush.mockClear()

    const group = new SyncGroup()
    const own = vi.spyOn(group, 'flush')
    expect(await bob.m.receiveBatch([await fromAlice(pair, text(pair, 2))], { syncGroup: group })).toEqual([undefined])
    expect(own).not.toHaveBeenCalled()
    expect(flush).not.toHaveBeenCalled()
    // the caller's group: events come before its sync
    expect(bob.events.message.map(m => m.text)).toEqual(['hi', 'text 2'])
  })

  it('typing and presence events say exactly what was sent; no expiry counts as fresh', async () => {
    pair = await introduced(164)
    const { bob, clock } = pair
    await bob.m.receive(await fromAlice(pair, { kind: 'typing', typing: true, timestamp: clock.now() }))
    await bob.m.receive(await fromAlice(pair, { kind: 'presence', online: true }, { expiresAt: clock.now() + 60_000 }))
    expect(bob.events.typing).toEqual([{ phone: ALICE, typing: true }])
    expect(bob.events.presence).toHaveLength(1)
    expect(Object.entries(bob.events.presence[0])).toEqual([['phone', ALICE], ['online', true]])
  })

  it('a profile event carries the name and photo the profile has, and nothing it lacks', async () => {
    pair = await introduced(165, { bob: { onProfile: async () => true } })
    const { bob } = pair
    await bob.m.receive(await fromAlice(pair, { kind: 'profile', photo: PNG, updatedAt: 5 }))
    await bob.m.receive(await fromAlice(pair, { kind: 'profile', name: 'Alice', updatedAt: 6 }))
    expect(bob.events.profile.map(e => Object.keys(e).sort())).toEqual([['phone', 'photo', 'updatedAt'], ['name', 'phone', 'updatedAt']])
    expect(bob.events.profile[0].photo).toEqual(PNG)
    expect(bob.events.profile[1]).toEqual({ phone: ALICE, name: 'Alice', updatedAt: 6 })
  })

  it('a profile with nowhere to be stored is acked and not announced', async () => {
    pair = await introduced(166)
    const { bob } = pair
    await expect(bob.m.receive(await fromAlice(pair, { kind: 'profile', name: 'Alice', updatedAt: 5 }))).resolves.toBeUndefined()
    expect(bob.events.profile).toEqual([])
    expect(unexpectedErrors(bob)).toEqual([])
  })

  it('a record seq said while no recent answer for the sender is at hand changes nothing', async () => {
    pair = await introduced(167)
    const { bob, clock } = pair
    // past the recipients cache: Bob holds no answer for Alice (her number stays proven)
    clock.advance(10 * 60_000)
    await expect(bob.m.receive(await fromAlice(pair, text(pair, 1), { senderRecordSeq: 2 }))).resolves.toBeUndefined()
    expect(bob.events.message.map(m => m.text)).toEqual(['hi', 'text 1'])
    expect(bob.lookups).toEqual([ALICE])
  })
})
