// Outbound per device and per relay on the scripted network: an entry goes to the devices it still waits for (all current ones when it named only another identity's), never to this device; a stale or restored session is replaced before sealing; errors of the directory, the prekeys, sealing and the relays are reported (and, without onError, still retried); deposits carry the delivery token, try the relay's other addresses, leave from the deposit identity; backoff follows the most-tried entry and a relay's refusal without a rate limit.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { multiaddr } from '@multiformats/multiaddr'
import { encodePreKeyBundle } from '../../src/crypto/index.js'
import type { Registered } from '../../src/directory/index.js'
import { DepositIdentity, type DepositNode } from '../../src/messaging/deposit-identity.js'
import { Recipients } from '../../src/messaging/recipients.js'
import { MAX_UNACKNOWLEDGED_SESSION_AGE_MS, markSessionsRestored, type SessionManager } from '../../src/session/index.js'
import { FakeDirectChannel } from './fake-net.js'
import { failed, fakeNet, harness, id, newPeer, recordOf, refused, T0, turns, ALICE, BOB, R1, type Harness } from './outbound-harness.js'
import { Party } from '../session/party.js'
import { memoryBackend } from '../helpers/storage.js'
import { SeededRandom } from '../helpers/seeded-random.js'

vi.mock('../../src/protocols/mailbox/index.js', async o => (await import('./fake-net.js')).mockMailbox(await o()))
vi.mock('../../src/protocols/prekeys/index.js', async o => (await import('./fake-net.js')).mockPreKeys(await o()))
vi.mock('../../src/protocols/dm/index.js', async o => (await import('./fake-net.js')).mockDirect(await o()))

let h: Harness | undefined

/** A second device (id 2) of `of`'s account, listed after `of`'s own in `record`, reachable at its own peer id. */
async function withSecondDevice (of: Party, record: Registered): Promise<{ record: Registered, party: Party, peer: string }> {
  const party = await Party.companion(`${of.name}-2`, of, 2, memoryBackend(), new SeededRandom(95), h!.clock)
  const peer = await newPeer()
  return {
    party,
    peer,
    record: { ...record, devices: [...record.devices, { deviceId: 2, peerId: peer, certificate: new Uint8Array(0), prekeyBundle: encodePreKeyBundle(await party.preKeys.createBundle()) }] }
  }
}

const hex = (key: Uint8Array): string => Buffer.from(key).toString('hex')
const depositedFor = (): number[] => fakeNet.deposits.map(d => d.deposit.deviceId)

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  vi.setSystemTime(T0)
})

afterEach(async () => {
  await h?.out.stop()
  h = undefined
  vi.useRealTimers()
  fakeNet.reset()
})

describe('Outbound per device', () => {
  describe('the devices an entry waits for', () => {
    let second: Awaited<ReturnType<typeof withSecondDevice>>
    let key: (deviceId: number) => string

    beforeEach(async () => {
      h = await harness()
      second = await withSecondDevice(h.bob.party, (await recordOf(h.bob, [R1], h.bobPeer)))
      h.directory.set(BOB, second.record)
      key = deviceId => `${hex(h!.bob.party.local.identity.publicKey)}.${deviceId}`
    })

    it('only those it still waits for: the others are neither dialled nor deposited for', async () => {
      await h!.text(1, { pendingDevices: [key(2)] })
      await h!.pass()
      expect(depositedFor()).toEqual([2])
      expect(fakeNet.dials.map(d => d.peer)).toEqual([second.peer])
      expect(h!.statuses).toEqual([[id(1), 'sent']])
    })

    it('all current devices when it waited only for devices of another identity (the number\'s key changed)', async () => {
      await h!.text(1, { pendingDevices: [`${'ab'.repeat(32)}.1`] })
      await h!.pass()
      expect(depositedFor().sort()).toEqual([1, 2])
    })

    it('only the current identity\'s devices it names, when it names others too', async () => {
      await h!.text(1, { pendingDevices: [key(2), `${'ab'.repeat(32)}.1`] })
      await h!.pass()
      expect(depositedFor()).toEqual([2])
      expect(h!.statuses).toEqual([[id(1), 'sent']])
    })

    it('not devices the record no longer lists', async () => {
      await h!.text(1, { pendingDevices: [key(1), key(3)] })
      await h!.pass()
      expect(depositedFor()).toEqual([1])
      expect(h!.statuses).toEqual([[id(1), 'sent']])
    })

    it('a device that did not take it is waited for in the retry', async () => {
      fakeNet.answer = (_relay, d) => d.deviceId === 2 ? failed : { status: 'ok', id: '1' }
      await h!.text(1)
      await h!.pass()
      expect(await h!.entry(id(1))).toMatchObject({ attempts: 1, pendingDevices: [key(2)] })
    })
  })

  it("never sends to this device: what goes to our own number goes to our other devices", async () => {
    h = await harness({ init: h => ({ self: h.alice.party.address }) })
    const own = await withSecondDevice(h.alice.party, await recordOf(h.alice, [R1]))
    h.directory.set(ALICE, own.record)
    await h.text(1, { to: ALICE })
    await h.pass()
    expect(depositedFor()).toEqual([2])
    expect(h.statuses).toEqual([[id(1), 'sent']])
  })
})

describe('Outbound sessions', () => {
  it('a session that got no reply for MAX_UNACKNOWLEDGED_SESSION_AGE_MS is replaced by a new one before sealing', async () => {
    h = await harness()
    await h.text(1)
    await h.pass()
    expect(fakeNet.preKeyFetches).toHaveLength(1)
    h.clock.advance(MAX_UNACKNOWLEDGED_SESSION_AGE_MS + 1)
    vi.setSystemTime(T0 + 1)
    await h.text(2)
    await h.pass()
    expect(fakeNet.preKeyFetches).toHaveLength(2)
    expect(h.statuses).toEqual([[id(1), 'sent'], [id(2), 'sent']])
    expect(await h.read(fakeNet.deposits[1].deposit.envelope)).toBe('text 2')
    expect(h.errors).toEqual([])
  })

  it('sessions restored from a backup are not sealed on: a new one is started', async () => {
    h = await harness()
    await h.text(1)
    await h.pass()
    await markSessionsRestored(h.alice.party.storage.sessions)
    vi.setSystemTime(T0 + 1)
    await h.text(2)
    await h.pass()
    expect(fakeNet.preKeyFetches).toHaveLength(2)
    expect(h.statuses).toEqual([[id(1), 'sent'], [id(2), 'sent']])
    expect(await h.read(fakeNet.deposits[1].deposit.envelope)).toBe('text 2')
    expect(h.errors).toEqual([])
  })

  it('another sealing error is reported, with no new session, and the entry retried', async () => {
    const sessions = { encrypt: async () => { throw new Error('disk full') } } as unknown as SessionManager
    h = await harness({ init: h => ({ party: async () => ({ ...h.alice.envelope, sessions }) }) })
    await h.text(1)
    await h.pass()
    expect(h.errors).toEqual([new Error('disk full')])
    expect(fakeNet.preKeyFetches).toHaveLength(1)
    expect(fakeNet.deposits).toEqual([])
    expect(await h.entry(id(1))).toMatchObject({ attempts: 1 })
  })

  it("a relay's prekey failure is reported; the directory's bundle starts the session, with or without onError", async () => {
    h = await harness()
    await h.text(1)
    await h.pass()
    expect(h.allErrors.map(e => (e as Error).name)).toEqual(['FakeNoPreKeysError'])
    expect(h.statuses).toEqual([[id(1), 'sent']])
    await h.out.stop()

    h = await harness({ init: () => ({ onError: undefined }) })
    await h.text(1)
    await h.pass()
    expect(h.statuses).toEqual([[id(1), 'sent']])
  })

  it('a device whose bundle does not decode: reported, and the entry retried (also without onError)', async () => {
    for (const reporting of [true, false]) {
      h = await harness(reporting ? {} : { init: () => ({ onError: undefined }) })
      const record = await recordOf(h.bob, [R1])
      h.directory.set(BOB, { ...record, devices: record.devices.map(d => ({ ...d, prekeyBundle: new Uint8Array([1, 2, 3]) })) })
      await h.text(1)
      await h.pass()
      expect(await h.entry(id(1))).toMatchObject({ attempts: 1, nextAttemptAt: T0 + 1_000 })
      if (reporting) expect(h.errors).toHaveLength(1)
      await h.out.stop()
      fakeNet.reset()
    }
  })
})

describe('Outbound and the directory', () => {
  it('a directory that cannot answer is reported and the entries retried (also without onError); a failed delivery looks the number up again', async () => {
    for (const reporting of [true, false]) {
      const unavailable = Object.assign(new Error('no peers'), { name: 'DirectoryUnavailableError' })
      h = await harness({ init: () => ({ recipients: new Recipients(async () => { throw unavailable }, Date.now), ...(reporting ? {} : { onError: undefined }) }) })
      await h.text(1)
      await h.pass()
      expect(await h.entry(id(1))).toMatchObject({ attempts: 1, nextAttemptAt: T0 + 1_000 })
      if (reporting) expect(h.errors).toEqual([unavailable])
      await h.out.stop()
    }
  })

  it('after a failed delivery the next attempt looks the number up again', async () => {
    h = await harness()
    fakeNet.answer = () => failed
    await h.text(1)
    await h.pass()
    expect(h.lookups).toEqual([BOB])
    vi.setSystemTime(T0 + 1_000)
    await h.pass()
    expect(h.lookups).toEqual([BOB, BOB])
  })
})

describe('Outbound deposits', () => {
  it('carry the delivery token the recipient gave us', async () => {
    const token = new Uint8Array(32).fill(7)
    const asked: string[] = []
    h = await harness({ init: () => ({ deliveryToken: async identityKey => { asked.push(hex(identityKey)); return token } }) })
    await h.text(1)
    await h.pass()
    expect(asked).toEqual([hex(h.bob.party.local.identity.publicKey)])
    expect(fakeNet.deposits[0].deposit.deliveryToken).toEqual(token)
  })

  it("try the record's address first, then the other addresses known for the relay (once each); the record's alone when none are known or asking fails", async () => {
    const A = multiaddr('/dns4/relay-a.example/tcp/443/wss')
    const B = multiaddr('/ip4/10.9.4.9/tcp/4002')
    h = await harness({ init: () => ({ relayAddresses: async () => [multiaddr(R1), A, A, B] }) })
    await h.text(1)
    await h.pass()
    expect(fakeNet.deposits.map(d => d.targets)).toEqual([[R1, A.toString(), B.toString()]])
    await h.out.stop()
    fakeNet.reset()

    h = await harness()
    await h.text(1)
    await h.pass()
    expect(fakeNet.deposits.map(d => d.targets)).toEqual([[R1]])
    await h.out.stop()
    fakeNet.reset()

    h = await harness({ init: () => ({ relayAddresses: async () => { throw new Error('no peer store') } }) })
    await h.text(1)
    await h.pass()
    expect(fakeNet.deposits.map(d => d.targets)).toEqual([[R1]])
    expect(h.statuses).toEqual([[id(1), 'sent']])
    expect(h.errors).toEqual([])
  })

  it('a relay that cannot be tried is reported; the others still take the mail (also without onError)', async () => {
    for (const reporting of [true, false]) {
      // the good relay answers a moment later than the bad one fails
      h = await harness({ relays: ['not a multiaddr', R1], init: () => ({ relayAddresses: async () => { await turns(); return [] }, ...(reporting ? {} : { onError: undefined }) }) })
      await h.text(1)
      await h.pass()
      expect(fakeNet.deposits.map(d => d.relay)).toEqual([R1])
      expect(h.statuses).toEqual([[id(1), 'sent']])
      // the bad address fails the prekey fetch and the deposit alike
      if (reporting) expect(h.errors).toHaveLength(2)
      await h.out.stop()
      fakeNet.reset()
    }
  })

  it('leave from the deposit identity when there is one, else from our node', async () => {
    const node: DepositNode = { peerId: (await import('@libp2p/peer-id')).peerIdFromString(await newPeer()), dialProtocol: async () => { throw new Error('unused') }, stop: () => {} }
    h = await harness({ init: () => ({ depositIdentity: new DepositIdentity({ create: async () => node, now: Date.now }) }) })
    await h.text(1)
    await h.pass()
    expect(fakeNet.deposits).toHaveLength(1)
    expect(fakeNet.deposits[0].node).toBe(node)
    await h.out.stop()
    fakeNet.reset()

    h = await harness()
    await h.text(1)
    await h.pass()
    expect(fakeNet.deposits[0].node).toEqual({ name: 'our node' })
  })

  it('no deposit identity could be made: reported, the entries retried, and what went direct counts (also without onError)', async () => {
    for (const reporting of [true, false]) {
      const noTransport = new Error('no transport')
      h = await harness({ init: () => ({ depositIdentity: new DepositIdentity({ create: async () => { throw noTransport }, now: Date.now }), ...(reporting ? {} : { onError: undefined }) }) })
      // the channel takes the first text and refuses the second
      fakeNet.dial = peer => { const c = new FakeDirectChannel(peer, 'c1'); c.answer = (_e, n) => n === 0 ? { status: 'ok', message: '', retryAfterMs: 0 } : refused; return c }
      await h.text(1)
      vi.setSystemTime(T0 + 1)
      await h.text(2)
      await h.pass()
      expect(fakeNet.deposits).toEqual([])
      expect(h.statuses).toEqual([[id(1), 'sent']])
      expect(await h.entry(id(2))).toMatchObject({ attempts: 1 })
      if (reporting) expect(h.errors).toEqual([noTransport])
      await h.out.stop()
      fakeNet.reset()
    }
  })
})

describe('Outbound backoff', () => {
  it('one recipient\'s entries all wait as long as the most-tried one says', async () => {
    h = await harness()
    fakeNet.answer = () => failed
    await h.text(1, { attempts: 3 })
    await h.text(2)
    await h.pass()
    expect(await h.entry(id(1))).toMatchObject({ attempts: 4, nextAttemptAt: T0 + 8_000 })
    expect(await h.entry(id(2))).toMatchObject({ attempts: 1, nextAttemptAt: T0 + 8_000 })
  })

  it('a relay that refuses without a rate limit: the usual backoff', async () => {
    h = await harness()
    fakeNet.answer = () => ({ status: 'refused', error: new Error('forbidden') })
    await h.text(1)
    await h.pass()
    expect(await h.entry(id(1))).toMatchObject({ attempts: 1, nextAttemptAt: T0 + 1_000 })
    expect(h.errors).toEqual([])
  })

  it('an entry of another kind leaves the outbox when every device took it, without an onSettled', async () => {
    h = await harness({ init: () => ({ onSettled: undefined }) })
    await h.text(1, { kind: 'receipt' })
    await h.pass()
    expect(fakeNet.deposits).toHaveLength(1)
    expect(await h.alice.party.storage.outbox.count()).toBe(0)
    expect(h.errors).toEqual([])
  })
})
