// Trust on the client with real relay processes: pinned trust roots (a relay one merely connects to adds none), no sending to records no trusted verifier attested, impostors not attributed a number, a verified contact's key change blocking sends and queued mail until accepted, and the takeover-attempt event.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { Parley, ParleyEvents, ReceivedMessage } from '../../src/index.js'
import { fromHex, toHex } from '../../src/storage/index.js'
import { tempDir } from '../helpers/tmp.js'
import { retryUntil } from '../helpers/wait.js'
import { startTestRelay, openDevice, registeredDevice, collect, converse, type TestRelay } from './helpers.js'
import { attestFor, claimNumber, publishRival } from './rivals.js'
import { internals } from '../../src/client/internals.js'

const ALICE = '+15550520001'
const BOB = '+15550520002'
/** registered only through the second relay's verifier */
const MALLORY = '+15550520003'
const CAROL = '+15550520004'
const DAVE = '+15550520005'
const ERIN = '+15550520006'
const FRANK = '+15550520007'
const GRACE = '+15550520008'

const verifierOf = (r: TestRelay): string => String(r.relay.listening.verifierKey)

describe('trust on the client', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let r1: TestRelay
  let r2: TestRelay
  const devices: Parley[] = []
  const track = (p: Parley): Parley => { devices.push(p); return p }
  const stop = async (p: Parley): Promise<void> => {
    await p.stop()
    devices.splice(devices.indexOf(p), 1)
  }

  beforeAll(async () => {
    dir = await tempDir()
    r1 = await startTestRelay(`${dir.path}/r1`)
    // a second relay with a verifier of its own, which the clients below connect to but never pin
    r2 = await startTestRelay(`${dir.path}/r2`, [r1.relay.addr('tcp')])
  }, 60_000)

  afterAll(async () => {
    for (const d of devices) await d.stop().catch(() => {})
    for (const r of [r1, r2]) await r?.relay.stop().catch(() => {})
    await dir?.remove()
  })

  it('without configured roots a client trusts only the verifier of its own number: not a relay it connects to; unverified records get nothing and prove nothing', async () => {
    let alice = track(await registeredDevice(dir.path, 'alice', ALICE, [r1, r2]))
    expect(alice.trustRoots()).toEqual({ configured: [], learned: [verifierOf(r1)] })
    const bob = track(await registeredDevice(dir.path, 'bob', BOB, [r1, r2]))
    // the attacker pins whatever it likes; its own number is attested only by the second relay's verifier
    const attacker = { trustedVerifiers: [fromHex(verifierOf(r1)), fromHex(verifierOf(r2))] }
    const mallory = track(await registeredDevice(dir.path, 'mallory', MALLORY, [r2, r1], attacker))
    expect(mallory.trustRoots()).toEqual({ configured: [verifierOf(r1), verifierOf(r2)], learned: [] })
    // and it gets Bob's number attested for another key by its own verifier (an attacker's verifier relay),
    // publishes that record and writes as Bob
    const impostor = track(await openDevice(dir.path, 'impostor', [r2, r1], attacker))
    const forged = await attestFor(impostor, BOB, r2)
    await publishRival(impostor, BOB, forged)
    await claimNumber(impostor, BOB, forged)

    const found = await retryUntil(async () => {
      const r = await alice.lookup(MALLORY)
      return r.registered ? r : await Promise.reject(new Error('not found yet'))
    }, { timeout: 30_000, interval: 250, what: 'the untrusted record' })
    expect(found.verified).toBe(false)
    await expect(alice.send(MALLORY, 'hello?')).rejects.toMatchObject({ name: 'UnverifiedNumberError', message: expect.stringMatching(/isn't confirmed by a verifier you trust/) })
    expect(await alice.conversations()).toEqual([])
    // a single DHT query can fail while peers come and go: retried, as the outbox would
    const bobs = await retryUntil(async () => await alice.lookup(BOB), { timeout: 30_000, interval: 250, what: 'Bob\'s record' })
    expect(bobs).toMatchObject({ registered: true, verified: true })
    expect(bobs.registered && toHex(bobs.identityKey)).toBe(toHex(bob.identity.publicKey))

    // while Alice is away, both write to her: Mallory as her own number, the impostor as Bob's
    await stop(alice)
    for (const [from, text] of [[mallory, 'from an unverified number'], [impostor, 'I am Bob, really']] as const) {
      const m = await from.send(ALICE, text)
      expect(await from.waitForStatus(ALICE, m.id, ['sent', 'failed'], { signal: AbortSignal.timeout(30_000) })).toBe('sent')
    }
    alice = track(await openDevice(dir.path, 'alice', [r1, r2]))
    const got = collect<ReceivedMessage>(push => alice.on('message', push))
    await alice.drained({ signal: AbortSignal.timeout(30_000) })
    // the real Bob afterwards: his message is the only one attributed to anyone
    await bob.send(ALICE, 'the real Bob')
    await got.until(1, 30_000, 'the real Bob\'s message')
    expect(got.items.map(m => ({ from: m.from, text: m.text }))).toEqual([{ from: BOB, text: 'the real Bob' }])
    expect(toHex(got.items[0].sender.identityKey)).toBe(toHex(bob.identity.publicKey))
    expect((await alice.conversations()).map(c => c.address)).toEqual([BOB])
    expect(await alice.history(BOB)).toHaveLength(1)
  }, 180_000)

  it('queued mail to a number whose record no trust root attests stays queued: it never goes to the untrusted record', async () => {
    const both = { trustedVerifiers: [fromHex(verifierOf(r1)), fromHex(verifierOf(r2))] }
    let grace = track(await registeredDevice(dir.path, 'grace', GRACE, [r1, r2], both))
    const frank = track(await registeredDevice(dir.path, 'frank', FRANK, [r2, r1], both))
    await converse({ device: grace, phone: GRACE }, { device: frank, phone: FRANK })
    // Grace's network now pins only the first relay's verifier: Frank's record (second verifier) carries no number for her
    await stop(grace)
    grace = track(await openDevice(dir.path, 'grace', [r1, r2], { trustedVerifiers: [fromHex(verifierOf(r1))] }))
    expect(grace.trustRoots()).toEqual({ configured: [verifierOf(r1)], learned: [] })
    const atFrank = collect<ReceivedMessage>(push => frank.on('message', push))
    // a known conversation queues at once; delivery finds no trusted record and holds it
    const held = await grace.send(FRANK, 'not to an untrusted record')
    await retryUntil(async () => {
      const entry = (await internals(grace).storage.outbox.list()).find(e => e.id === held.id)
      if (entry == null || entry.attempts < 1) throw new Error('not attempted yet')
    }, { timeout: 30_000, interval: 100, what: 'a held delivery attempt' })
    expect((await grace.history(FRANK)).find(m => m.id === held.id)?.status).toBe('pending')
    // once the directory said so, a new message to the known conversation is refused at once
    await expect(grace.send(FRANK, 'again')).rejects.toMatchObject({ name: 'UnverifiedNumberError' })
    expect(atFrank.items).toEqual([])
    expect(await retryUntil(async () => await grace.lookup(FRANK), { timeout: 30_000, interval: 250, what: 'Frank\'s record' })).toMatchObject({ registered: true, verified: false })
  }, 120_000)

  it('a verified contact\'s new key blocks send and queued mail until the user accepts it; then the mail goes to the accepted key', async () => {
    let skew = 0
    const carol = track(await registeredDevice(dir.path, 'carol', CAROL, [r1], { now: () => Date.now() + skew }))
    const dave = track(await registeredDevice(dir.path, 'dave', DAVE, [r1]))
    await converse({ device: carol, phone: CAROL }, { device: dave, phone: DAVE })
    expect(await carol.markVerified(DAVE, true)).toMatchObject({ verified: true, blocked: false })

    // Dave's number moves to a new identity (a reinstall, or someone who got the code). Where the directory
    // has a registration lock, the old identity gives the number up first (docs/directory.md)
    const release = (await import('../../src/directory/index.js') as Record<string, unknown>).publishRelease as undefined | ((dht: unknown, identity: unknown, e164: string) => Promise<unknown>)
    if (release != null) await release(internals(dave).node.services.dht, dave.identity, DAVE)
    await stop(dave)
    const dave2 = track(await registeredDevice(dir.path, 'dave2', DAVE, [r1]))
    const atDave2 = collect<ReceivedMessage>(push => dave2.on('message', push))
    const changes = collect<ParleyEvents['identity-changed']>(push => carol.on('identity-changed', push))
    // past the recipient cache, so the outbox looks Dave up again
    skew = 6 * 60_000

    // a known conversation queues at once; delivery finds the new key and holds the message
    const held = await carol.send(DAVE, 'held until accepted')
    await changes.until(1, 30_000, 'identity change seen by the outbox')
    expect(changes.items[0]).toEqual({ phone: DAVE, blocked: true })
    await retryUntil(async () => {
      const entry = (await internals(carol).storage.outbox.list()).find(e => e.id === held.id)
      if (entry == null || entry.attempts < 1) throw new Error('not attempted yet')
    }, { timeout: 30_000, interval: 100, what: 'a held delivery attempt' })
    expect((await carol.history(DAVE)).find(m => m.id === held.id)?.status).toBe('pending')
    await expect(carol.send(DAVE, 'another')).rejects.toMatchObject({ name: 'IdentityNotAcceptedError', message: expect.stringMatching(/safety number changed after you verified it/) })
    expect(await carol.contact(DAVE)).toMatchObject({ identityKey: toHex(dave2.identity.publicKey), verified: false, identityChanged: true, blocked: true })
    // acknowledging the notice is not accepting the key
    expect(await carol.acknowledgeIdentityChange(DAVE)).toMatchObject({ identityChanged: false, blocked: true })
    await expect(carol.send(DAVE, 'still blocked')).rejects.toMatchObject({ name: 'IdentityNotAcceptedError' })
    expect(atDave2.items).toEqual([])

    expect(await carol.acceptIdentity(DAVE)).toMatchObject({ blocked: false, identityChanged: false })
    await atDave2.until(1, 30_000, 'the held message at the accepted key')
    expect(atDave2.items.map(m => ({ from: m.from, text: m.text }))).toEqual([{ from: CAROL, text: 'held until accepted' }])
    await carol.send(DAVE, 'after accepting')
    await atDave2.until(2, 30_000, 'a new message after accepting')
  }, 180_000)

  it('the owner hears about a rival record for its number (a trusted verifier texted the code to someone else)', async () => {
    const erin = track(await registeredDevice(dir.path, 'erin', ERIN, [r1]))
    // a trusted verifier texts Erin's code to someone else (a SIM swap), who publishes a record with it
    const rival = track(await openDevice(dir.path, 'erin-rival', [r1]))
    await publishRival(rival, ERIN, await attestFor(rival, ERIN, r1))
    const attempts = collect<ParleyEvents['takeover-attempt']>(push => erin.on('takeover-attempt', push))
    const found = await erin.checkOwnRecord({ signal: AbortSignal.timeout(30_000) })
    expect(found).toEqual([{ identityKey: toHex(rival.identity.publicKey), verified: true, at: expect.any(Number) }])
    await attempts.until(1, 10_000, 'takeover-attempt event')
    // no phone number in the event: only the rival's key, whether a trusted verifier attested it, and when
    expect(Object.keys(attempts.items[0]).sort()).toEqual(['at', 'identityKey', 'verified'])
    // the same rival is not reported again at once (the check after our own republish)
    await erin.checkOwnRecord({ signal: AbortSignal.timeout(30_000) })
    expect(attempts.items).toHaveLength(1)
  }, 120_000)
})
