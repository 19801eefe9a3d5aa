// Profile sharing between two real devices through a real relay process: the profile arrives before (or with) the first text, each version once, a changed photo reaches recent chats, it survives a restart, an older version never replaces a newer one, and nobody gets our profile before we wrote to them.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { retryUntil } from '../helpers/wait.js'
import type { Parley, ReceivedMessage } from '../../src/index.js'
import type { SelfInfo } from '../../src/messaging/index.js'
import { startPair, stopAll, openDevice, collect, type TestRelay } from './helpers.js'
import { internals } from '../../src/client/internals.js'

const ALICE = '+15550600001'
const BOB = '+15550600002'
/** Two small PNGs (the signature and a few bytes are all the checks look at). */
const PNG_1 = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 1, 1])
const PNG_2 = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 2, 2, 2])

type ProfileEvent = { phone: string, name?: string, photo?: Uint8Array, updatedAt: number }
type Seen = { kind: 'profile', e: ProfileEvent } | { kind: 'message', m: ReceivedMessage }

/** Everything the device reports, in the order it reports it. */
function journal (device: Parley) {
  return collect<Seen>(push => {
    device.on('profile', e => push({ kind: 'profile', e }))
    device.on('message', m => push({ kind: 'message', m }))
  })
}

/** The outbox entries of a kind waiting at the device. */
async function queued (device: Parley, kind: string): Promise<number> {
  return (await internals(device).storage.outbox.list()).filter(e => e.kind === kind).length
}

describe('profile sharing', () => {
  let dir: Awaited<ReturnType<typeof startPair>>['dir']
  let relay: TestRelay
  let alice: Parley
  let bob: Parley

  beforeAll(async () => {
    ;({ dir, relay, alice, bob } = await startPair(ALICE, BOB))
  }, 90_000)

  afterAll(async () => { await stopAll(dir, relay, [alice, bob]) })

  it('the first text carries the profile: the contact sees name and photo before the message', async () => {
    const atBob = journal(bob)
    const mine = await alice.setProfile({ name: 'Alice Liddell', photo: PNG_1 })
    expect(mine.updatedAt).toBeGreaterThan(0)
    // bob has a profile too, but has not written to alice: she must not get it
    await bob.setProfile({ name: 'Bob' })

    await alice.send(BOB, 'hello bob')
    await atBob.until(2, 30_000, 'profile and message at bob')
    expect(atBob.items.map(s => s.kind)).toEqual(['profile', 'message'])
    expect(atBob.items[0]).toEqual({ kind: 'profile', e: { phone: ALICE, name: 'Alice Liddell', photo: PNG_1, updatedAt: mine.updatedAt } })
    expect(await bob.contactProfile(ALICE)).toEqual({ name: 'Alice Liddell', photo: PNG_1, updatedAt: mine.updatedAt })

    // a second text does not carry it again
    await alice.send(BOB, 'still me')
    await atBob.until(3, 30_000, 'second message at bob')
    expect(atBob.items.map(s => s.kind)).toEqual(['profile', 'message', 'message'])
    expect(await alice.contactProfile(BOB)).toBeUndefined()
  }, 60_000)

  it('a contact gets our profile only once we write to them', async () => {
    const atAlice = journal(alice)
    const bobs = await bob.profile()
    await bob.send(ALICE, 'hi alice')
    await atAlice.until(2, 30_000, 'bob\'s profile and answer at alice')
    expect(atAlice.items.map(s => s.kind)).toEqual(['profile', 'message'])
    expect(await alice.contactProfile(BOB)).toEqual({ name: 'Bob', updatedAt: bobs.updatedAt })
  }, 60_000)

  it('a new photo reaches the chat once; an unchanged profile queues nothing', async () => {
    const atBob = journal(bob)
    const before = (await bob.contactProfile(ALICE))!.updatedAt
    const changed = await alice.setProfile({ photo: PNG_2 })
    expect(changed.updatedAt).toBeGreaterThan(before)
    await atBob.until(1, 30_000, 'the new version at bob')
    expect(atBob.items[0]).toEqual({ kind: 'profile', e: { phone: ALICE, name: 'Alice Liddell', photo: PNG_2, updatedAt: changed.updatedAt } })
    expect(await bob.contactProfile(ALICE)).toEqual({ name: 'Alice Liddell', photo: PNG_2, updatedAt: changed.updatedAt })

    // the same photo again is no change: nothing queued, the version stays
    await retryUntil(async () => (await queued(alice, 'profile')) === 0 || Promise.reject(new Error('profile still queued')), { timeout: 30_000, interval: 50, what: 'the new version acknowledged' })
    expect((await alice.setProfile({ photo: PNG_2 })).updatedAt).toBe(changed.updatedAt)
    expect(await queued(alice, 'profile')).toBe(0)
    // the next text goes alone
    await alice.send(BOB, 'new photo, do you like it?')
    await atBob.until(2, 30_000, 'the text after the change')
    expect(atBob.items.map(s => s.kind)).toEqual(['profile', 'message'])
  }, 60_000)

  it('send() to a known conversation queues profile and text without waiting for the directory', async () => {
    // the contact reinstalled (as an identity change tells us): our next text carries the profile again
    await internals(alice).messenger.forgetProfileShared(BOB)
    // a directory that does not answer until released, and no cached answer
    const facade = alice as unknown as { directoryLookup: (e164: string, options?: unknown) => Promise<unknown> }
    const real = facade.directoryLookup
    let release!: () => void
    const gate = new Promise<void>(resolve => { release = resolve })
    facade.directoryLookup = async (e164, options) => { await gate; return await real.call(alice, e164, options) }
    const recipients = (internals(alice).messenger as unknown as { recipients: { forget: (e164: string) => void, resolve: (...args: unknown[]) => Promise<unknown> } }).recipients
    recipients.forget(BOB)
    // every lookup made meanwhile, and whether it ended
    const resolve = recipients.resolve
    const lookups: Array<{ ended: boolean }> = []
    recipients.resolve = (...args) => {
      const l = { ended: false }
      lookups.push(l)
      const p = resolve.apply(recipients, args)
      p.then(() => { l.ended = true }, () => { l.ended = true })
      return p
    }
    const atBob = journal(bob)
    try {
      await alice.send(BOB, 'quick one')
      // queued at once: send's lookup is still waiting for the gated directory (had send waited for it, its
      // SEND_LOOKUP_TIMEOUT_MS would have ended it first)
      expect(lookups.length).toBeGreaterThan(0)
      expect(lookups.filter(l => l.ended)).toEqual([])
      const entries = (await internals(alice).storage.outbox.list()).filter(e => e.to === BOB).sort((a, b) => a.createdAt - b.createdAt)
      expect(entries.map(e => e.kind)).toEqual(['profile', 'message'])
    } finally {
      recipients.resolve = resolve
      facade.directoryLookup = real
      release()
    }
    await atBob.until(1, 30_000, 'the text at bob')
    // the same version again is no news: no 'profile' event
    expect(atBob.items.map(s => s.kind)).toEqual(['message'])
  }, 60_000)

  it('an older version arriving later does not replace the newer one', async () => {
    const current = (await bob.contactProfile(ALICE))!
    const atBob = journal(bob)
    // what a second device of alice's, or a copy stuck at a relay, would deliver late: an older version
    const messenger = internals(alice).messenger as unknown as {
      enqueue: (to: string, kind: string, id: string, body: unknown, self: SelfInfo, createdAt: number, ttl: number) => Promise<void>
      init: { self: () => Promise<SelfInfo> }
    }
    const createdAt = Date.now() - 1_000
    await messenger.enqueue(BOB, 'profile', 'ab'.repeat(16), { kind: 'profile', name: 'Old Alice', photo: PNG_1, updatedAt: current.updatedAt - 1 }, await messenger.init.self(), createdAt, 60_000)
    // a text after it: the outbox keeps the order, so once it arrived the old profile was handled before it
    await alice.send(BOB, 'after the old profile')
    await atBob.until(1, 30_000, 'the text after the stale profile')
    expect(atBob.items.map(s => s.kind)).toEqual(['message'])
    expect(await bob.contactProfile(ALICE)).toEqual(current)
  }, 60_000)

  it('a version written while the contact is offline waits at its relay; the profile survives a restart', async () => {
    await retryUntil(async () => (await internals(bob).messenger.pendingCount()) === 0 || Promise.reject(new Error('receipts pending')), { timeout: 30_000, interval: 50, what: 'bob\'s outbox empty' })
    await bob.stop()
    const renamed = await alice.setProfile({ name: 'Alice L.' })
    // bob's device is gone: the outbox deposits the new version at his mailbox relay ('sent' = off the outbox)
    await retryUntil(async () => (await queued(alice, 'profile')) === 0 || Promise.reject(new Error('profile still queued')), { timeout: 30_000, interval: 50, what: 'the new version deposited' })

    bob = await openDevice(dir.path, 'bob', [relay])
    await bob.drained()
    const expected = { name: 'Alice L.', photo: PNG_2, updatedAt: renamed.updatedAt }
    expect(await bob.contactProfile(ALICE)).toEqual(expected)

    await retryUntil(async () => (await internals(bob).messenger.pendingCount()) === 0 || Promise.reject(new Error('receipts pending')), { timeout: 30_000, interval: 50, what: 'bob\'s outbox empty' })
    await bob.stop()
    bob = await openDevice(dir.path, 'bob', [relay])
    expect(await bob.contactProfile(ALICE)).toEqual(expected)
    // numbers are normalised like everywhere else
    expect(await bob.contactProfile('+1 555 060 0001')).toEqual(expected)
  }, 90_000)
})
