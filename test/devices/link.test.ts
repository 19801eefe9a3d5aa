// Linking a new device to an account against a real relay process: the code, the approval, the directory record listing both devices, a contact's message reaching both, the device list, removal, and links that must fail.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import { Parley, createNodeNode, createDepositNodeNode, type ReceivedMessage } from '../../src/index.js'
import { tempDir } from '../helpers/tmp.js'
import { collect, openDevice, registeredDevice, startTestRelay, type TestRelay } from '../messaging/helpers.js'
import { retryUntil } from '../helpers/wait.js'
import { internals } from '../../src/client/internals.js'
import { multiaddr } from '@multiformats/multiaddr'
import { fetchPreKeyBundle } from '../../src/protocols/prekeys/index.js'

const ALICE = '+15550610001'
const BOB = '+15550610002'

/** Waits (bounded) until the collected events include one that `match`es. */
async function until<T> (c: ReturnType<typeof collect<T>>, match: (e: T) => boolean, what: string): Promise<void> {
  for (let n = 1; !c.items.some(match); n++) await c.until(n, 60_000, what)
}

/** Starts `Parley.link` in `name`'s folder and resolves its code as soon as it is shown. */
function startLink (dir: string, name: string, relay: TestRelay, deviceName?: string): { code: Promise<string>, linked: Promise<{ parley: Parley, phone: string, deviceId: number }>, abort: AbortController } {
  const abort = new AbortController()
  let shown!: (uri: string) => void
  const code = new Promise<string>(resolve => { shown = resolve })
  const linked = Parley.link({
    dataDir: join(dir, name),
    bootstrap: [relay.relay.addr('tcp')],
    listen: ['/ip4/127.0.0.1/tcp/0'],
    createNode: createNodeNode,
    createDepositNode: createDepositNodeNode,
    onBackgroundError: e => { if (process.env.LINK_DEBUG != null) console.error('LAPTOP', e) }
  }, { signal: abort.signal, onCode: shown, kind: 'cli', ...(deviceName != null ? { name: deviceName } : {}) })
  return { code, linked, abort }
}

describe('linked devices', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let relay: TestRelay
  let alice: Parley
  let bob: Parley
  let laptop: Parley | undefined

  beforeAll(async () => {
    dir = await tempDir()
    relay = await startTestRelay(join(dir.path, 'relay'))
    alice = await registeredDevice(dir.path, 'alice', ALICE, [relay])
    bob = await registeredDevice(dir.path, 'bob', BOB, [relay])
  }, 120_000)

  afterAll(async () => {
    await laptop?.stop()
    await alice?.stop()
    await bob?.stop()
    await relay?.relay.stop()
    await dir?.remove()
  })

  it('a new device shows a code; the account approves it; both are in the record and a contact\'s message reaches both', async () => {
    await alice.send(BOB, 'a text from before the link')
    const bobHeard = collect<{ phone: string }>(push => bob.on('contact-devices', push))
    const { code, linked } = startLink(dir.path, 'laptop', relay)
    const uri = await code
    expect(uri).toMatch(/^parley-link:[A-Za-z0-9_-]+$/)
    const progress: Array<[number, number]> = []
    const approved = await alice.approveLink(uri, { name: 'Laptop', onProgress: (d, t) => progress.push([d, t]) })
    expect(approved).toMatchObject({ deviceId: 2, name: 'Laptop' })
    const result = await linked
    laptop = result.parley
    expect(result).toMatchObject({ phone: ALICE, deviceId: 2 })
    // progress went from 0 to all of the account's entries
    expect(progress[0][0]).toBe(0)
    expect(progress.at(-1)?.[0]).toBe(progress.at(-1)?.[1])

    // the same account: identity, number, history
    expect((await laptop.whoami()).phone).toBe(ALICE)
    expect(Buffer.from(laptop.identity.publicKey).equals(Buffer.from(alice.identity.publicKey))).toBe(true)
    expect((await laptop.history(BOB)).map(m => m.text)).toContain('a text from before the link')

    // the directory lists both devices
    const found = await bob.lookup(ALICE)
    if (!found.registered) throw new Error('alice not found')
    expect(found.devices.map(d => d.deviceId).sort()).toEqual([1, 2])

    // both devices list both, with the names given
    const fromAlice = await alice.devices()
    expect(fromAlice.map(d => [d.deviceId, d.name, d.current])).toEqual([[1, 'This device', true], [2, 'Laptop', false]])
    const fromLaptop = await laptop.devices({ refresh: true })
    expect(fromLaptop.find(d => d.current)).toMatchObject({ deviceId: 2, name: 'Laptop' })
    expect(fromLaptop.map(d => d.deviceId).sort()).toEqual([1, 2])

    // bob, who had alice's old device list from her first text, was told it changed (not a new identity)
    await bobHeard.until(1, 60_000, 'bob told of alice\'s new device')
    expect(bobHeard.items[0]).toEqual({ phone: ALICE })
    expect((await bob.contact(ALICE)).identityChanged).not.toBe(true)

    // a contact's message reaches both devices
    const atAlice = collect<ReceivedMessage>(push => alice.on('message', push))
    const atLaptop = collect<ReceivedMessage>(push => laptop?.on('message', push))
    const sent = await bob.send(ALICE, 'to all of alice')
    await until(atAlice, m => m.id === sent.id, 'the message at alice\'s first device')
    await until(atLaptop, m => m.id === sent.id, 'the message at alice\'s laptop')

    // read on one device: unread cleared on the other
    const readThere = collect<{ phone: string, ids: string[] }>(push => laptop?.on('read-sync', push))
    await alice.markRead(BOB)
    await readThere.until(1, 60_000, 'the read sync at the laptop')
    expect(readThere.items[0]).toEqual({ phone: BOB, ids: [sent.id] })
    expect((await laptop.conversations()).find(c => c.address === BOB)?.unread).toBe(0)

    // a text sent from one device appears as sent on the other
    const transcripts = collect<{ to: string, id: string, text: string }>(push => laptop?.on('sent', push))
    const mine = await alice.send(BOB, 'sent from the first device')
    await until(transcripts, t => t.id === mine.id, 'the transcript at the laptop')
    expect(transcripts.items.find(t => t.id === mine.id)).toMatchObject({ to: BOB, text: 'sent from the first device' })
    expect((await laptop.history(BOB)).find(m => m.id === mine.id)).toMatchObject({ direction: 'out', text: 'sent from the first device' })

    // the profile set on one device is the profile on the other; a device renamed on the laptop is renamed on the phone
    const stateAtLaptop = collect<{ stores: string[] }>(push => laptop?.on('account-state', push))
    await alice.setProfile({ name: 'Alice Liddell' })
    await stateAtLaptop.until(1, 60_000, 'the profile at the laptop')
    expect((await laptop.profile()).name).toBe('Alice Liddell')
    const stateAtAlice = collect<{ stores: string[] }>(push => alice.on('account-state', push))
    await laptop.renameDevice(1, 'Phone')
    await stateAtAlice.until(1, 60_000, 'the device names at the phone')
    expect((await alice.devices()).map(d => d.name)).toEqual(['Phone', 'Laptop'])

    // bob's safety number verified on the phone is verified on the laptop (for the same key)
    const verifiedAtLaptop = collect<{ stores: string[] }>(push => laptop?.on('account-state', push))
    expect((await laptop.contact(BOB)).verified).toBe(false)
    await alice.markVerified(BOB, true)
    await until(verifiedAtLaptop, e => e.stores.includes('verified'), 'the verified mark at the laptop')
    expect((await laptop.contact(BOB)).verified).toBe(true)
  }, 300_000)

  it('a code that was damaged or is not a link code is refused with a clear error; a device with an account cannot be linked', async () => {
    await expect(alice.approveLink('hello')).rejects.toMatchObject({ name: 'InvalidLinkCodeError' })
    await expect(alice.approveLink('parley-link:AAAA')).rejects.toMatchObject({ name: 'InvalidLinkCodeError' })
    // alice's own storage (a registered account) offered for linking: refused before anything is changed
    await expect(Parley.link({ storage: internals(alice).storage, bootstrap: [relay.relay.addr('tcp')], listen: ['/ip4/127.0.0.1/tcp/0'], createNode: createNodeNode }, { onCode: () => {} }))
      .rejects.toMatchObject({ name: 'NotLinkableError' })
    expect((await alice.whoami()).phone).toBe(ALICE)
  }, 60_000)

  it('someone who learnt the new device\'s address but not its code cannot link it: its attempt breaks and the real code still works', async () => {
    const { code, linked, abort } = startLink(dir.path, 'tablet', relay)
    const uri = await code
    // the same peer and addresses with another secret: what a relay or an onlooker without the QR could build
    const { decodeLinkCode, encodeLinkCode } = await import('../../src/protocols/link/index.js')
    const real = decodeLinkCode(uri)
    const forged = encodeLinkCode({ ...real, secret: new Uint8Array(16).fill(7) })
    await expect(bob.approveLink(forged)).rejects.toMatchObject({ name: 'LinkBrokenError' })
    // nothing was listed for bob's account by the failed attempt
    expect((await bob.devices()).map(d => d.deviceId)).toEqual([1])
    abort.abort()
    await expect(linked).rejects.toBeDefined()
  }, 120_000)

  it('a device linked with no history gets the account and its contacts but none of the messages', async () => {
    const { code, linked } = startLink(dir.path, 'bob-tablet', relay)
    await bob.approveLink(await code, { name: 'Tablet', historyDays: 0 })
    const tablet = (await linked).parley
    try {
      expect((await tablet.whoami()).phone).toBe(BOB)
      expect(await tablet.history(ALICE)).toEqual([])
      expect((await bob.history(ALICE)).length).toBeGreaterThan(0)
      const never = startLink(dir.path, 'never', relay)
      await expect(bob.approveLink(await never.code, { historyDays: -1 })).rejects.toThrow(RangeError)
      never.abort.abort()
      await expect(never.linked).rejects.toBeDefined()
    } finally {
      await tablet.stop()
    }
  }, 120_000)

  it('with the first device switched off, the laptop keeps sending and receiving; the first device catches up when it is back', async () => {
    if (laptop == null) throw new Error('needs the linked laptop')
    await alice.stop()
    const atLaptop = collect<ReceivedMessage>(push => laptop?.on('message', push))
    const fromBob = await bob.send(ALICE, 'while your phone is off')
    await until(atLaptop, m => m.id === fromBob.id, 'bob\'s text at the laptop')
    const atBob = collect<ReceivedMessage>(push => bob.on('message', push))
    const fromLaptop = await laptop.send(BOB, 'from the laptop alone')
    await until(atBob, m => m.id === fromLaptop.id, 'the laptop\'s text at bob')

    // back on: bob's text waited in its mailbox, the laptop's text arrives as a transcript
    alice = await openDevice(dir.path, 'alice', [relay])
    await retryUntil(async () => {
      const ids = (await alice.history(BOB)).map(m => m.id)
      if (!ids.includes(fromBob.id) || !ids.includes(fromLaptop.id)) throw new Error(`not yet: ${ids.length} messages`)
    }, { timeout: 60_000, what: 'the first device caught up' })
    expect((await alice.history(BOB)).find(m => m.id === fromLaptop.id)).toMatchObject({ direction: 'out', text: 'from the laptop alone' })
  }, 180_000)

  it('a removed device drops out of the record, its relay mailbox takes nothing more, a contact\'s next text skips it, and it learns it was removed', async () => {
    if (laptop == null) throw new Error('needs the linked laptop')
    const removed = new Promise<unknown>(resolve => laptop?.on('device-removed', resolve))
    const bobHeard = collect<{ phone: string }>(push => bob.on('contact-devices', push))
    await alice.removeDevice(2)
    expect((await alice.devices()).map(d => d.deviceId)).toEqual([1])
    const found = await bob.lookup(ALICE)
    if (!found.registered) throw new Error('alice not found')
    expect(found.devices.map(d => d.deviceId)).toEqual([1])
    expect(found.removedDevices).toEqual([2])
    // the relay forgot the laptop's prekeys (so its mailbox there refuses mail); the first device's are still there
    const relayAddr = multiaddr(relay.relay.addr('tcp'))
    await expect(fetchPreKeyBundle(internals(bob).node, relayAddr, alice.identity.publicKey, { deviceId: 2 })).rejects.toMatchObject({ name: 'PreKeysNotFoundError' })
    await expect(fetchPreKeyBundle(internals(bob).node, relayAddr, alice.identity.publicKey, { deviceId: 1 })).resolves.toMatchObject({ deviceId: 1 })

    // bob hears of the change; his next text is sent (every current device acked) without the laptop having it
    await bobHeard.until(1, 60_000, 'bob told of alice\'s removed device')
    const after = await bob.send(ALICE, 'after the removal')
    await bob.waitForStatus(ALICE, after.id, ['sent', 'delivered', 'read'], { signal: AbortSignal.timeout(60_000) })
    expect((await laptop.history(BOB)).map(m => m.id)).not.toContain(after.id)

    // the laptop finds out at its next look at its own record (here: its next republish, which fails), and wipes itself
    await expect(internals(laptop).maintenance.publishNow()).rejects.toMatchObject({ name: 'DeviceRemovedError' })
    await removed
    await expect(laptop.devices()).rejects.toMatchObject({ name: 'DeviceRemovedError' })
    expect(await internals(laptop).storage.identity.loadLocalIdentity()).toBeUndefined()
    expect((await laptop.whoami()).registered).toBe(false)
  }, 180_000)
})
