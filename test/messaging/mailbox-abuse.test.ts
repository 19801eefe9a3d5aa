// Mailbox abuse limits end to end with real devices and a real relay process: deposits leave from short-lived identities (never the device's peer id), a stranger fills only the shared quota of an offline user's mailbox, a contact holding the delivery token still gets through.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { retryUntil } from '../helpers/wait.js'
import type { Parley, ReceivedMessage } from '../../src/index.js'
import { startTestRelay, registeredDevice, openDevice, collect, converse, type TestRelay } from './helpers.js'
import { internals } from '../../src/client/internals.js'

const ALICE = '+15550310001'
const BOB = '+15550310002'
const CAROL = '+15550310003'
/** the relay's shared quota for senders without the delivery token (relay-node/src/mailbox/limits.ts) */
const STRANGER_QUOTA = 100

describe('mailbox abuse limits', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let relay: TestRelay
  let alice: Parley
  let bob: Parley | undefined
  let carol: Parley
  /** peer ids the relay saw deposit streams from (its own debug log) */
  const depositors: string[] = []

  beforeAll(async () => {
    dir = await tempDir()
    relay = await startTestRelay(`${dir.path}/relay`, [], [], {
      env: { DEBUG: 'parley:mailbox' },
      onLog: line => {
        const m = /deposit stream from (\S+)/.exec(line)
        if (m != null) depositors.push(m[1])
      }
    })
    alice = await registeredDevice(dir.path, 'alice', ALICE, [relay])
    bob = await registeredDevice(dir.path, 'bob', BOB, [relay])
    carol = await registeredDevice(dir.path, 'carol', CAROL, [relay])
  }, 90_000)

  afterAll(async () => {
    await alice?.stop()
    await bob?.stop()
    await carol?.stop()
    await relay?.relay.stop()
    await dir?.remove()
  })

  it('a stranger fills only the shared quota of an offline mailbox, a contact with the token still deposits, and the relay never sees a device peer id on a deposit', async () => {
    // alice and bob are contacts: each learnt the other's delivery token inside the conversation
    await converse({ device: alice, phone: ALICE }, { device: bob!, phone: BOB })
    const devicePeers = new Set([internals(alice).node.peerId.toString(), internals(bob!).node.peerId.toString(), internals(carol).node.peerId.toString()])
    await bob!.stop()
    bob = undefined

    // carol, a stranger to bob, floods bob's mailbox
    const carolSent = collect<{ id: string }>(push => carol.on('status', e => { if (e.status === 'sent') push(e) }))
    for (let i = 0; i < STRANGER_QUOTA + 30; i++) await carol.send(BOB, `spam ${i}`)
    await carolSent.until(STRANGER_QUOTA, 120_000, 'stranger deposits up to the shared quota')
    // the rest is refused (MailboxFullError) and waits in carol's outbox
    await retryUntil(async () => await internals(carol).messenger.pendingCount() === 30 || Promise.reject(new Error('carol still delivering')), { timeout: 60_000, interval: 100, what: 'carol refused past the quota' })

    // alice still gets through, all of it
    const aliceSent = collect<{ id: string }>(push => alice.on('status', e => { if (e.status === 'sent') push(e) }))
    for (let i = 0; i < 50; i++) await alice.send(BOB, `hello ${i}`)
    await aliceSent.until(50, 120_000, 'contact deposits past the stranger quota')
    expect(carolSent.items).toHaveLength(STRANGER_QUOTA)

    // the relay's side: deposits came from peers that are none of the devices, and alice's came from her deposit identity
    expect(depositors.length).toBeGreaterThan(0)
    expect(depositors.filter(p => devicePeers.has(p))).toEqual([])
    const aliceDepositor = (await internals(alice).messenger.depositIdentity!.peerId())!.toString()
    expect(depositors).toContain(aliceDepositor)
    expect(devicePeers.has(aliceDepositor)).toBe(false)

    // bob comes back and reads everything that was stored
    // (counted per sender: carol's 30 refused texts are still retried from her outbox and reach bob once he is back
    // and his mailbox has room, so a total of 150 can be reached before all of alice's stored texts arrived)
    bob = await openDevice(dir.path, 'bob', [relay])
    const fromAlice = collect<ReceivedMessage>(push => bob!.on('message', m => { if (m.from === ALICE) push(m) }))
    const fromCarol = collect<ReceivedMessage>(push => bob!.on('message', m => { if (m.from === CAROL) push(m) }))
    await fromAlice.until(50, 120_000, 'alice\'s stored mail at bob')
    await fromCarol.until(STRANGER_QUOTA, 120_000, 'carol\'s stored mail at bob')
    expect(fromAlice.items.map(m => m.text)).toEqual(Array.from({ length: 50 }, (_, i) => `hello ${i}`))
    expect(fromCarol.items.map(m => m.text)).toEqual(expect.arrayContaining(Array.from({ length: STRANGER_QUOTA }, (_, i) => `spam ${i}`)))
  }, 300_000)
})
