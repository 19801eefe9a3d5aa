// Opt-in presence between two real devices through a real relay process: nothing is seen without sharing, online/offline travel straight between devices, the choice survives a restart, stop() says goodbye.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { retryUntil } from '../helpers/wait.js'
import type { Parley } from '../../src/index.js'
import { startTestRelay, registeredDevice, openDevice, collect, converse, type TestRelay } from './helpers.js'
import { internals } from '../../src/client/internals.js'

const ALICE = '+15550500001'
const BOB = '+15550500002'

type PresenceEvent = { phone: string, online: boolean, lastSeen?: number }

describe('presence (opt-in)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let relay: TestRelay
  let alice: Parley
  let bob: Parley

  beforeAll(async () => {
    dir = await tempDir()
    relay = await startTestRelay(`${dir.path}/relay`)
    alice = await registeredDevice(dir.path, 'alice', ALICE, [relay])
    bob = await registeredDevice(dir.path, 'bob', BOB, [relay])
    // a conversation both ways: sessions exist and each is the other's recent contact; outboxes empty
    await converse({ device: alice, phone: ALICE }, { device: bob, phone: BOB })
  }, 90_000)

  afterAll(async () => {
    await alice?.stop()
    await bob?.stop()
    await relay?.relay.stop()
    await dir?.remove()
  })

  it('is off by default: nothing is sent, nothing is shown', async () => {
    expect(alice.sharingPresence).toBe(false)
    expect(await bob.setPresence(true)).toBe(0)
    expect(alice.presenceOf(BOB)).toBeUndefined()
  })

  it('a contact that does not share sees nothing of ours (WhatsApp rule), even though its device took it', async () => {
    const events = collect<PresenceEvent>(push => alice.on('presence', push))
    await bob.setSharePresence(true)
    // the device acks after it processed the presence: when this resolves alice has handled it
    expect(await bob.setPresence(true)).toBe(1)
    expect(alice.presenceOf(BOB)).toBeUndefined()
    expect(events.items).toEqual([])
  })

  it('both share: online and offline-with-last-seen travel directly, never into a mailbox', async () => {
    const atAlice = collect<PresenceEvent>(push => alice.on('presence', push))
    const atBob = collect<PresenceEvent>(push => bob.on('presence', push))
    await alice.setSharePresence(true)
    // turning sharing on tells recent contacts we are online
    await atBob.until(1, 30_000, 'alice online at bob')
    expect(atBob.items[0]).toEqual({ phone: ALICE, online: true })
    expect(bob.presenceOf(ALICE)).toEqual({ online: true })
    // bob told alice "online" before she shared (not shown then): he answers her announcement, so she sees him now
    await atAlice.until(1, 30_000, 'bob answers alice')
    expect(atAlice.items[0]).toEqual({ phone: BOB, online: true })
    expect(alice.presenceOf(BOB)).toEqual({ online: true })
    // answers are not answered: bob hears alice once
    expect(atBob.items).toHaveLength(1)

    expect(await bob.setPresence(true)).toBe(1)
    expect(atAlice.items.at(-1)).toEqual({ phone: BOB, online: true })
    expect(alice.presenceOf(BOB)).toEqual({ online: true })

    const before = Date.now()
    expect(await bob.setPresence(false)).toBe(1)
    const off = alice.presenceOf(BOB)
    expect(off?.online).toBe(false)
    expect(off?.lastSeen).toBeGreaterThanOrEqual(before)
    expect(off?.lastSeen).toBeLessThanOrEqual(Date.now())
    // ephemeral: nothing was queued for retries or deposits
    expect(await internals(bob).messenger.pendingCount()).toBe(0)
    expect(await internals(alice).messenger.pendingCount()).toBe(0)
  })

  it('the choice survives a restart; stop() tells contacts we went offline, the next start that we are back', async () => {
    // bob's announcement is answered by alice; wait for it so it is not taken for her next word
    const answered = collect<PresenceEvent>(push => bob.on('presence', push))
    await bob.setPresence(true)
    await answered.until(1, 10_000, 'alice answers bob')
    const atBob = collect<PresenceEvent>(push => bob.on('presence', push))
    const stopping = Date.now()
    await alice.stop()
    await atBob.until(1, 10_000, 'alice offline at bob')
    expect(atBob.items[0].online).toBe(false)
    expect(atBob.items[0].lastSeen).toBeGreaterThanOrEqual(stopping)
    expect(bob.presenceOf(ALICE)?.online).toBe(false)

    // reopened without the option: the stored choice (on) wins over the default (off)
    alice = await openDevice(dir.path, 'alice', [relay])
    expect(alice.sharingPresence).toBe(true)
    await atBob.until(2, 30_000, 'alice online again at bob')
    expect(atBob.items[1]).toEqual({ phone: ALICE, online: true })
    expect(bob.presenceOf(ALICE)).toEqual({ online: true })
    // bob answers her announcement: the restarted alice, who remembered nothing, knows he is online
    await retryUntil(async () => alice.presenceOf(BOB)?.online === true || Promise.reject(new Error('no answer yet')), { timeout: 10_000, interval: 50, what: "bob's answer at the restarted alice" })
  }, 60_000)

  it('turning sharing off tells contacts we are offline and hides theirs', async () => {
    const atAlice = collect<PresenceEvent>(push => alice.on('presence', push))
    const answered = collect<PresenceEvent>(push => bob.on('presence', push))
    // alice learns bob is online; bob hears alice's answer
    expect(await bob.setPresence(true)).toBe(1)
    await atAlice.until(1, 10_000, 'bob online at alice')
    expect(alice.presenceOf(BOB)).toEqual({ online: true })
    await answered.until(1, 10_000, 'alice answers bob')

    const atBob = collect<PresenceEvent>(push => bob.on('presence', push))
    await alice.setSharePresence(false)
    await atBob.until(1, 10_000, 'alice offline at bob')
    expect(atBob.items[0]).toEqual({ phone: ALICE, online: false })
    expect(alice.presenceOf(BOB)).toBeUndefined()
    // bob's next presence reaches alice's device but is not shown
    const shown = collect<PresenceEvent>(push => alice.on('presence', push))
    expect(await bob.setPresence(true)).toBe(1)
    expect(shown.items).toEqual([])
    expect(alice.presenceOf(BOB)).toBeUndefined()
  })
})
