// The settings/contact facade and encrypted backup end to end: a real relay process, real devices on LevelDB folders; backup, wipe, restore, talk on.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { Parley, createNodeNode, type ReceivedMessage } from '../../src/index.js'
import { tempDir } from '../helpers/tmp.js'
import { retryUntil } from '../helpers/wait.js'
import { publishRelease } from '../../src/directory/index.js'
import { startTestRelay, registeredDevice, collect, type TestRelay } from '../messaging/helpers.js'
import { internals } from '../../src/client/internals.js'

const ALICE = '+15550700001'
const BOB = '+15550700002'
const CAROL = '+15550700003'
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])

describe('settings, contacts and backup', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let relay: TestRelay
  let alice: Parley
  let bob: Parley
  const others: Parley[] = []

  beforeAll(async () => {
    dir = await tempDir()
    relay = await startTestRelay(`${dir.path}/relay`)
    alice = await registeredDevice(dir.path, 'alice', ALICE, [relay])
    bob = await registeredDevice(dir.path, 'bob', BOB, [relay])
  }, 60_000)

  afterAll(async () => {
    await alice?.stop()
    await bob?.stop()
    for (const o of others) await o.stop()
    await relay?.relay.stop()
    await dir?.remove()
  })

  it('shows a contact with one safety number on both sides, and keeps the verified mark', async () => {
    const ofBob = await retryUntil(async signal => await alice.contact(BOB, { signal, refresh: true }), { timeout: 30_000, interval: 250, what: 'bob in the directory' })
    const ofAlice = await retryUntil(async signal => await bob.contact(ALICE, { signal, refresh: true }), { timeout: 30_000, interval: 250, what: 'alice in the directory' })
    expect(ofBob.identityKey).toBe((await bob.whoami()).identityKey)
    // whoami is cheap (no safety-number seed: 5,200 SHA-512 rounds twice); the seed is asked for on its own
    expect(await bob.whoami()).not.toHaveProperty('safetyNumberSeed')
    expect(bob.safetyNumberSeed()).toMatch(/^\d{30}$/)
    expect(bob.safetyNumberSeed()).not.toBe(alice.safetyNumberSeed())
    expect(ofBob.safetyNumber.digits).toMatch(/^\d{60}$/)
    expect(ofBob.safetyNumber.digits).toBe(ofAlice.safetyNumber.digits)
    expect(ofBob.safetyNumber.qr.length).toBeGreaterThan(64)
    expect(ofBob).toMatchObject({ phone: BOB, verified: false, identityChanged: false, attested: true })
    await alice.markVerified(BOB, true)
    expect(await alice.contact(BOB)).toMatchObject({ verified: true })
    await expect(alice.contact('+15550799999', { refresh: true })).rejects.toHaveProperty('name', 'NotOnParleyError')
  }, 90_000)

  it('lists relays with a fresh ping, refuses to remove the last one, keeps settings and profile', async () => {
    const [r] = await alice.relays()
    expect(r).toMatchObject({ addr: relay.relay.addr('tcp'), connected: true, mailbox: true, bootstrap: true })
    expect(r.rttMs).toBeGreaterThanOrEqual(0)
    await expect(alice.removeRelay(relay.relay.addr('tcp'))).rejects.toHaveProperty('name', 'LastRelayError')
    await expect(alice.addRelay('/ip4/127.0.0.1/tcp/1')).rejects.toHaveProperty('name', 'InvalidRelayAddressError')
    expect(alice.settings()).toEqual({ readReceipts: true, relayCalls: false })
    expect(await alice.setReadReceipts(false)).toEqual({ readReceipts: false, relayCalls: false })
    // relay-only calls: kept, and in force for the next call at once
    expect(alice.calls.relayOnlyCalls).toBe(false)
    expect(await alice.setRelayCalls(true)).toEqual({ readReceipts: false, relayCalls: true })
    expect(alice.calls.relayOnlyCalls).toBe(true)
    await expect(alice.setProfile({ photo: new Uint8Array([1, 2, 3]) })).rejects.toHaveProperty('name', 'InvalidProfileError')
    expect(await alice.setProfile({ name: 'Alice', photo: PNG })).toEqual({ name: 'Alice', photo: PNG, updatedAt: expect.any(Number) })
  }, 60_000)

  it('a device restored from its backup keeps its number, keys, history and sessions, and loses nothing it sends after', async () => {
    const atBob = collect<ReceivedMessage>(push => bob.on('message', push))
    const atAlice = collect<ReceivedMessage>(push => alice.on('message', push))
    const deliveredAtBob = collect<{ id: string }>(push => bob.on('receipt', e => { if (e.status === 'delivered') push(e) }))
    await alice.send(BOB, 'before backup')
    await atBob.until(1, 30_000, 'first message at bob')
    // bob's name goes to alice with his first text (in the backup below)
    await bob.setProfile({ name: 'Bob' })
    await atBob.items[0].reply('got it')
    await atAlice.until(1, 30_000, 'reply at alice')
    const me = await alice.whoami()
    // no waiting for a quiet device: the backup is taken while receipts may still be in the outbox
    const backup = await alice.exportBackup('a long passphrase')

    // after the snapshot the device keeps talking: its sessions move past the backup
    for (const t of ['one', 'two', 'three']) await alice.send(BOB, t)
    await atBob.until(4, 30_000, 'three messages after the backup at bob')
    const late = await atBob.items[3].reply('late reply')
    await atAlice.until(2, 30_000, 'late reply at alice')
    // bob renames himself: the old device gets it, the backup has only the first name
    const renamed = collect<{ phone: string, name?: string }>(push => alice.on('profile', push))
    await bob.setProfile({ name: 'Bobby' })
    await renamed.until(1, 30_000, 'bob\'s new name at the old device')
    // the old device's delivered receipt for it reached bob: bob's next message on the old session
    // uses a ratchet step the backup cannot follow
    await retryUntil(async () => { if (!deliveredAtBob.items.some(r => r.id === late.id)) throw new Error('no receipt yet') }, { timeout: 30_000, interval: 100, what: 'delivered receipt for the late reply' })
    await retryUntil(async () => { if (await internals(alice).storage.outbox.count() > 0) throw new Error('outbox busy') }, { timeout: 30_000, interval: 100, what: 'alice\'s outbox drained' })
    await alice.stop()
    await rm(join(dir.path, 'alice'), { recursive: true, force: true })
    const init = { dataDir: join(dir.path, 'alice'), bootstrap: [relay.relay.addr('tcp')], listen: ['/ip4/127.0.0.1/tcp/0'], createNode: createNodeNode }
    await expect(Parley.restore(init, backup, 'not the passphrase')).rejects.toHaveProperty('name', 'BackupPassphraseError')
    const damaged = backup.slice(0, backup.length - 7)
    await expect(Parley.restore(init, damaged, 'a long passphrase')).rejects.toHaveProperty('name', 'BackupCorruptError')
    alice = await Parley.restore(init, backup, 'a long passphrase')

    const again = await alice.whoami()
    expect(again).toMatchObject({ registered: true, phone: ALICE, identityKey: me.identityKey, peerId: me.peerId })
    expect((await alice.history(BOB)).map(m => m.text)).toEqual(['got it', 'before backup'])
    expect(await alice.contact(BOB)).toMatchObject({ verified: true })
    expect(alice.settings()).toEqual({ readReceipts: false, relayCalls: true })
    expect(alice.calls.relayOnlyCalls).toBe(true)
    expect(await alice.profile()).toEqual({ name: 'Alice', photo: PNG, updatedAt: expect.any(Number) })
    expect((await alice.contactProfile(BOB))?.name).toBe('Bob')

    // bob writes before the restored device has said anything: on the old session, past what the backup
    // can follow, so it cannot be read; that is reported, not silent
    const atAlice2 = collect<ReceivedMessage>(push => alice.on('message', push))
    const unreadable = collect<{ phone?: string, reason: string }>(push => alice.on('undecryptable', push))
    const away = await bob.send(ALICE, 'while you were away')
    await unreadable.until(1, 30_000, 'undecryptable report at the restored device')
    expect(unreadable.items[0].phone).toBe(BOB)
    expect(internals(alice).messenger.undecryptable).toBe(1)
    // the restored device asks bob, in a new session, to send again what it never confirmed: it arrives, once
    await atAlice2.until(1, 30_000, 'the unreadable message, sent again')
    expect(atAlice2.items[0]).toMatchObject({ id: away.id, from: BOB, text: 'while you were away' })
    // bob's answer carried his profile again, before the texts: the restored device has his new name
    expect((await alice.contactProfile(BOB))?.name).toBe('Bobby')
    await retryUntil(async () => { if (!deliveredAtBob.items.some(r => r.id === away.id)) throw new Error('no receipt yet') }, { timeout: 30_000, interval: 100, what: 'delivered receipt for the resent message' })
    expect((await bob.history(ALICE)).find(m => m.id === away.id)?.status).toBe('delivered')

    // the restored device's first send starts a new session: bob takes it (no duplicate drop)
    await alice.send(BOB, 'after restore')
    await atBob.until(5, 30_000, 'message from the restored device at bob')
    expect(atBob.items[4]).toMatchObject({ from: ALICE, text: 'after restore' })
    await bob.send(ALICE, 'welcome back')
    await atAlice2.until(2, 30_000, 'message at the restored device')
    expect(atAlice2.items.map(m => m.text)).toEqual(['while you were away', 'welcome back'])
    expect(await internals(alice).sessions.activeSessionId({ identityKey: bob.identity.publicKey, deviceId: internals(bob).local.deviceId })).toEqual(await internals(bob).sessions.activeSessionId({ identityKey: alice.identity.publicKey, deviceId: internals(alice).local.deviceId }))

    // restoring over a device that has an identity needs replace; the older state again starts anew
    await retryUntil(async () => { if (await internals(alice).storage.outbox.count() > 0) throw new Error('outbox busy') }, { timeout: 30_000, interval: 100, what: 'restored outbox drained' })
    await alice.stop()
    await expect(Parley.restore(init, backup, 'a long passphrase')).rejects.toHaveProperty('name', 'BackupTargetNotEmptyError')
    alice = await Parley.restore(init, backup, 'a long passphrase', { replace: true })
    const atAlice3 = collect<ReceivedMessage>(push => alice.on('message', push))
    await alice.send(BOB, 'restored twice')
    await atBob.until(6, 30_000, 'message after the second restore at bob')
    expect(atBob.items[5]).toMatchObject({ from: ALICE, text: 'restored twice' })
    await bob.send(ALICE, 'still here')
    await atAlice3.until(1, 30_000, 'reply after the second restore')
    expect(atAlice3.items[0]).toMatchObject({ from: BOB, text: 'still here' })

    // a quiet device (outbox drained, nothing sent after the snapshot) restores just as well
    await retryUntil(async () => { if (await internals(alice).storage.outbox.count() > 0) throw new Error('outbox busy') }, { timeout: 30_000, interval: 100, what: 'outbox drained before the quiet backup' })
    const quiet = await alice.exportBackup('a long passphrase')
    await alice.stop()
    await rm(join(dir.path, 'alice'), { recursive: true, force: true })
    alice = await Parley.restore(init, quiet, 'a long passphrase')
    expect((await alice.history(BOB)).map(m => m.text).slice(0, 2)).toEqual(['still here', 'restored twice'])
    const atAlice4 = collect<ReceivedMessage>(push => alice.on('message', push))
    await alice.send(BOB, 'quiet restore')
    await atBob.until(7, 30_000, 'message after the quiet restore at bob')
    expect(atBob.items[6]).toMatchObject({ from: ALICE, text: 'quiet restore' })
    await bob.send(ALICE, 'ok')
    await atAlice4.until(1, 30_000, 'reply after the quiet restore')
    expect(atAlice4.items[0]).toMatchObject({ from: BOB, text: 'ok' })
    expect(internals(alice).messenger.undecryptable).toBe(0)
  }, 240_000)

  it('says identity-changed when a contact comes back with a new key, clears verified, and blocks sending to the verified contact until accepted', async () => {
    const carol = await registeredDevice(dir.path, 'carol', CAROL, [relay])
    others.push(carol)
    const first = await retryUntil(async signal => await bob.contact(CAROL, { signal, refresh: true }), { timeout: 30_000, interval: 250, what: 'carol in the directory' })
    await bob.markVerified(CAROL, true)
    const changed = collect<{ phone: string, blocked: boolean }>(push => bob.on('identity-changed', push))
    // carol re-registers the number on a new device with a new identity key; her verified record is under
    // the registration lock, so her old identity releases the number first (docs/directory.md)
    await publishRelease(internals(carol).node.services.dht, internals(carol).local.identity, CAROL)
    const carol2 = await registeredDevice(dir.path, 'carol-2', CAROL, [relay])
    others.push(carol2)
    const now = await retryUntil(async signal => {
      const c = await bob.contact(CAROL, { signal, refresh: true })
      if (c.identityKey === first.identityKey) throw new Error('still the old key')
      return c
    }, { timeout: 30_000, interval: 250, what: 'carol\'s new key' })
    await changed.until(1, 5_000, 'identity-changed event')
    expect(changed.items[0]).toEqual({ phone: CAROL, blocked: true })
    expect(now).toMatchObject({ verified: false, identityChanged: true, blocked: true })
    expect(await bob.acknowledgeIdentityChange(CAROL)).toMatchObject({ identityChanged: false, verified: false, blocked: true })
    await expect(bob.send(CAROL, 'hi')).rejects.toMatchObject({ name: 'IdentityNotAcceptedError' })
    expect(await bob.acceptIdentity(CAROL)).toMatchObject({ identityChanged: false, verified: false, blocked: false })
  }, 120_000)
})
