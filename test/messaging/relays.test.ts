// Messaging when things break: a dead mailbox relay, a relay SIGKILLed again and again under load, and a stranger feeding a device garbage over /parley/dm/1.0.0. Real relay processes, real Parley devices.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { Libp2p } from 'libp2p'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Parley, ReceivedMessage } from '../../src/index.js'
import type { Registration } from '../../src/client/registration.js'
import { openMailbox } from '../../src/protocols/mailbox/index.js'
import { DM_PROTOCOL, MAX_ENVELOPE_BYTES, MAX_REQUEST_FRAME_BYTES, openDirectChannel } from '../../src/protocols/dm/index.js'
import { encodeVarint, frameStream } from '../../src/protocols/frames.js'
import { IdentityKeyPair, createDeviceCertificate, sealSender, systemRandom } from '../../src/crypto/index.js'
import { startNode } from '../protocols/nodes.js'
import { tempDir } from '../helpers/tmp.js'
import { retryUntil } from '../helpers/wait.js'
import { startTestRelay, restartTestRelay, openDevice, registeredDevice, collect, type TestRelay } from './helpers.js'
import { internals } from '../../src/client/internals.js'

/** Registers `phone` on a new device (the first relay verifies) and returns the registration too. */
async function register (dir: string, name: string, phone: string, relays: TestRelay[]): Promise<{ device: Parley, registration: Registration }> {
  const device = await openDevice(dir, name, relays)
  const before = relays[0].sms.count
  await device.register(phone)
  const registration = await device.verify(await relays[0].sms.next(phone, before))
  return { device, registration }
}

interface Owner { identity: IdentityKeyPair, deviceId: number }

/** What a relay holds for `owner` right now, read (not acked) from a separate node that authenticates with the owner's key. */
async function peek (node: Libp2p, relay: TestRelay, owner: Owner): Promise<Uint8Array[]> {
  const session = await openMailbox(node, relay.relay.addr('tcp'), { identity: owner.identity, deviceId: owner.deviceId }, { signal: AbortSignal.timeout(10_000) })
  try {
    await session.drained
    const n = session.pending
    const out: Uint8Array[] = []
    if (n > 0) {
      for await (const e of session) {
        out.push(e.envelope)
        if (out.length === n) break
      }
    }
    return out
  } finally {
    await session.close()
  }
}

/** Resolves once the relay holds nothing for `owner` (the device handled and acked everything). */
async function mailboxEmptied (node: Libp2p, relay: TestRelay, owner: Owner): Promise<void> {
  await retryUntil(async () => {
    const left = (await peek(node, relay, owner)).length
    if (left > 0) throw new Error(`${left} envelopes left`)
  }, { timeout: 30_000, interval: 250, what: 'mailbox emptied' })
}

const texts = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix} ${i}`)
const sentEvents = (device: Parley) => collect<{ id: string }>(push => device.on('status', e => { if (e.status === 'sent') push(e) }))

describe('messaging robustness', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  const relays: TestRelay[] = []
  const devices: Parley[] = []
  let stranger: Libp2p

  beforeAll(async () => {
    dir = await tempDir()
    stranger = await startNode()
  })

  afterAll(async () => {
    for (const d of devices) await d.stop().catch(() => {})
    await stranger?.stop()
    for (const r of relays) await r.relay.kill().catch(() => {})
    await dir?.remove()
  })

  const track = <T extends Parley | TestRelay>(x: T): T => {
    if ('relay' in x) relays.push(x)
    else devices.push(x)
    return x
  }
  const stop = async (device: Parley): Promise<void> => {
    await device.stop()
    devices.splice(devices.indexOf(device), 1)
  }

  it('with one of B\'s two relays dead, delivery still completes, and the dead relay\'s copies are not shown twice when it returns', async () => {
    const ALICE = '+15550310001'
    const BOB = '+15550310002'
    const r1 = track(await startTestRelay(`${dir.path}/r1`))
    let r2 = track(await startTestRelay(`${dir.path}/r2`, [r1.relay.addr('tcp')]))
    const alice = track((await register(dir.path, 'a1', ALICE, [r1, r2])).device)
    const b = await register(dir.path, 'b1', BOB, [r1, r2])
    let bob = track(b.device)
    expect(b.registration.mailboxRelays).toHaveLength(2)
    const r2Addr = b.registration.mailboxRelays.find(a => a.includes(r2.relay.peerId))
    expect(r2Addr).toBeDefined()
    expect(b.registration.mailboxRelays.some(a => a.includes(r1.relay.peerId))).toBe(true)
    const owner: Owner = { identity: bob.identity, deviceId: (await bob.whoami()).deviceId }
    await stop(bob)

    // while both relays are up and B is offline: every message goes to both
    const sent = sentEvents(alice)
    for (const t of texts('both up', 5)) await alice.send(BOB, t)
    await sent.until(5, 20_000, 'sent while both relays are up')
    expect(await peek(stranger, r2, owner)).toHaveLength(5)

    await r2.relay.kill()
    for (const t of texts('r2 dead', 50)) await alice.send(BOB, t)
    await sent.until(55, 30_000, 'sent with R2 dead (R1 acked)')

    bob = track(await openDevice(dir.path, 'b1', [r1, r2]))
    const got = collect<ReceivedMessage>(push => bob.on('message', push))
    await got.until(55, 30_000, 'messages at B from R1')
    expect(got.items.map(m => m.text)).toEqual([...texts('both up', 5), ...texts('r2 dead', 50)])

    // R2 comes back holding the first 5 copies: B takes them, sees duplicates, acks them, shows nothing new
    relays.splice(relays.indexOf(r2), 1)
    r2 = track(await restartTestRelay(r2, ['--bootstrap', r1.relay.addr('tcp')]))
    await mailboxEmptied(stranger, r2, owner)
    await mailboxEmptied(stranger, r1, owner)
    expect(got.items).toHaveLength(55)
    const history = await bob.history(ALICE, { limit: 500 })
    expect(history).toHaveLength(55)
    expect((await bob.conversations())[0]).toMatchObject({ address: ALICE, unread: 55 })
  }, 60_000)
  it('a relay SIGKILLed repeatedly during a stream of sends loses nothing', async () => {
    const ALICE = '+15550310011'
    const BOB = '+15550310012'
    const ROUNDS = 5
    const TOTAL = 200
    let relay = track(await startTestRelay(`${dir.path}/r3`))
    const alice = track(await registeredDevice(dir.path, 'a2', ALICE, [relay]))
    let bob = track(await registeredDevice(dir.path, 'b2', BOB, [relay]))
    const owner: Owner = { identity: bob.identity, deviceId: (await bob.whoami()).deviceId }
    // B writes first, so A holds B's delivery token: 200 deposits are more than a stranger's shared quota
    const atAlice = collect<ReceivedMessage>(push => alice.on('message', push))
    await bob.send(ALICE, 'hi')
    await atAlice.until(1, 30_000, 'B\'s first message (with its delivery token) at A')
    await stop(bob)
    const sent = sentEvents(alice)

    // the sender keeps at most 20 unacked messages in flight, so sends go on while the relay dies and comes back
    let down = false
    let sentWhileDown = 0
    const sender = (async () => {
      for (let i = 0; i < TOTAL; i++) {
        await alice.send(BOB, `burst ${i}`)
        if (down) sentWhileDown++
        if (i >= 20) await sent.until(i - 20, 30_000, `window before message ${i}`)
      }
    })()
    let kills = 0
    for (let k = 0; k < ROUNDS; k++) {
      // kill once some of this round's messages are acked, with others in flight or queued
      await sent.until(k * (TOTAL / ROUNDS) + 15, 30_000, `acks before kill ${k}`)
      relays.splice(relays.indexOf(relay), 1)
      down = true
      await relay.relay.kill()
      kills++
      relay = track(await restartTestRelay(relay))
      down = false
    }
    await sender
    await sent.until(TOTAL, 40_000, 'every message acked by the relay')
    expect(kills).toBe(ROUNDS)
    expect(new Set(sent.items.map(e => e.id)).size).toBe(TOTAL)
    // more than TOTAL stored means some deposits were committed but their answers died with the relay (resent, deduplicated by B)
    const held = (await peek(stranger, relay, owner)).length
    expect(held).toBeGreaterThanOrEqual(TOTAL)
    console.log(`relay kills: ${kills}, messages queued while the relay was down: ${sentWhileDown}, envelopes at the relay: ${held}`)

    bob = track(await openDevice(dir.path, 'b2', [relay]))
    const got = collect<ReceivedMessage>(push => bob.on('message', push))
    await got.until(TOTAL, 30_000, 'messages at B')
    await mailboxEmptied(stranger, relay, owner)
    expect(got.items.map(m => m.text)).toEqual(texts('burst', TOTAL))
    expect((await bob.history(ALICE, { limit: 500 })).filter(m => m.direction === 'in')).toHaveLength(TOTAL)
  }, 60_000)
  it('a stranger feeding a device garbage, oversize frames, undecryptable and replayed envelopes changes nothing', async () => {
    const ALICE = '+15550310021'
    const BOB = '+15550310022'
    const relay = track(await startTestRelay(`${dir.path}/r4`))
    const alice = track(await registeredDevice(dir.path, 'a3', ALICE, [relay]))
    let bob = track(await registeredDevice(dir.path, 'b3', BOB, [relay]))
    const owner: Owner = { identity: bob.identity, deviceId: (await bob.whoami()).deviceId }

    // a real envelope for B, captured at the relay (read with B's key, not acked) so it can be replayed later
    await stop(bob)
    const sent = sentEvents(alice)
    await alice.send(BOB, 'real 0')
    await sent.until(1, 20_000, 'real message at the relay')
    const [captured] = await peek(stranger, relay, owner)
    expect(captured).toBeDefined()
    bob = track(await openDevice(dir.path, 'b3', [relay]))
    const got = collect<ReceivedMessage>(push => bob.on('message', push))
    await got.until(1, 20_000, 'real message at B')

    const me = await bob.whoami()
    const addrs: Multiaddr[] = internals(bob).node.getMultiaddrs()
    expect(addrs.every(a => a.getComponents().some(c => c.name === 'p2p' && c.value === me.peerId))).toBe(true)

    // streams that break the framing are aborted by B
    const aborted = async (write: (stream: Awaited<ReturnType<Libp2p['dialProtocol']>>) => Promise<void>): Promise<void> => {
      const stream = await stranger.dialProtocol(addrs, DM_PROTOCOL)
      const closed = new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('stream not closed by B')), 10_000)
        stream.addEventListener('close', () => { clearTimeout(t); resolve() }, { once: true })
      })
      await write(stream)
      await closed
    }
    // a DmRequest whose bytes field announces more than the frame holds
    await aborted(async s => { await frameStream(s, { maxFrameBytes: 1024, maxBufferBytes: 1 << 20 }).write(Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3])) })
    // a length prefix beyond the frame limit
    await aborted(async s => { s.send(encodeVarint(MAX_REQUEST_FRAME_BYTES + 1)); s.send(systemRandom(100)) })
    // unframed noise
    await aborted(async s => { s.send(Uint8Array.from({ length: 4096 }, () => 0xff)) })

    // well-framed requests B answers one by one
    const errors: string[] = []
    bob.on('error', err => errors.push((err as Error).name))
    const channel = await openDirectChannel(stranger, addrs)
    const answer = async (envelope: Uint8Array): Promise<string> => (await channel.send(envelope)).status
    const noise = systemRandom(600)
    const strangerId = IdentityKeyPair.generate(systemRandom)
    const certificate = createDeviceCertificate(strangerId, { devicePeerId: stranger.peerId.toMultihash().bytes, deviceId: 1, createdAt: Date.now() })
    const sealed = (contentType: number): Uint8Array => sealSender({ senderIdentity: strangerId, senderCertificate: certificate, recipientIdentityKey: owner.identity.publicKey, content: systemRandom(300), contentType }, { random: systemRandom })
    const tampered = Uint8Array.from(captured) // a copy: envelopes may be Buffers, whose slice() is a view
    tampered[Math.floor(tampered.length / 2)] ^= 0x01
    const statuses = {
      empty: await answer(new Uint8Array(0)),
      tooLarge: await answer(new Uint8Array(MAX_ENVELOPE_BYTES + 1)),
      noise: await answer(noise),
      noiseAgain: await answer(noise),
      // a seal that opens, from an identity B has no session with, around junk
      sealedJunk: await answer(sealed(1)),
      sealedPreKeyJunk: await answer(sealed(2)),
      tampered: await answer(tampered),
      replay: await answer(captured),
      replayAgain: await answer(captured)
    }
    await channel.close()
    console.log('answers to hostile envelopes:', JSON.stringify(statuses), 'dropped as:', errors.join(', '))
    // malformed requests are refused; readable-looking envelopes that never open are acked and dropped (so they cannot block a mailbox); replays are acked as duplicates
    expect(statuses).toEqual({
      empty: 'invalid',
      tooLarge: 'too-large',
      noise: 'ok',
      noiseAgain: 'ok',
      sealedJunk: 'ok',
      sealedPreKeyJunk: 'ok',
      tampered: 'ok',
      replay: 'ok',
      replayAgain: 'ok'
    })
    // five envelopes dropped as unreadable, each for a named reason; the replays raise nothing
    expect(errors).toHaveLength(5)
    expect(errors.filter(n => n === 'UndecryptableEnvelopeError')).toHaveLength(3)

    // B still works, and only real messages are in its history
    await alice.send(BOB, 'real 1')
    await got.until(2, 20_000, 'message after the attack')
    expect(got.items.map(m => m.text)).toEqual(['real 0', 'real 1'])
    expect((await bob.history(ALICE, { limit: 500 })).map(m => m.text)).toEqual(['real 1', 'real 0'])
    const conversations = await bob.conversations()
    expect(conversations.map(c => c.address)).toEqual([ALICE])
    expect(conversations[0].unread).toBe(2)
  }, 60_000)
})
