// The TURN credential protocol over in-memory streams (the client function against the relay's server and credential backend, hand-written peers on both sides): credentials for a registered device that verify with the relay's secret, refusals of strangers and of every signature made for something else, the per-device rate limit, TURN not offered, malformed frames and stalls, a failing backend, a relay that lies, and the counters.
import { describe, it, expect } from 'vitest'
import { streamPair } from '@libp2p/utils'
import { UnsupportedProtocolError, type Connection, type Stream } from '@libp2p/interface'
import {
  requestTurnCredentials, signTurnAuth, verifyTurnAuth, TurnAuthError, TurnUnknownDeviceError, TurnNotOfferedError, TurnInternalError,
  MalformedTurnFrameError, TurnStreamClosedError, RateLimitedError, MAX_TURN_FRAME_BYTES, TURN_PROTOCOL, type TurnNode, type IceServer
} from '../../src/protocols/turn/index.js'
import { TurnClientFrame, TurnRelayFrame } from '../../src/protocols/turn/pb/turn.js'
import { ProtocolViolationError } from '../../src/protocols/errors.js'
import { encodeVarint, frameStream } from '../../src/protocols/frames.js'
import { signBlobAuth, verifyBlobAuth } from '../../src/protocols/blob/auth.js'
import { signAuth as signMailboxAuth } from '../../src/protocols/mailbox/auth.js'
import { signGroupMailboxAuth } from '../../src/protocols/group-mailbox/auth.js'
import { IdentityKeyPair, systemRandom } from '../../src/crypto/index.js'
import { checkTurnCredential } from '../../relay-node/src/turn/credentials.js'
import { TURN_CREDENTIAL_TTL_MS } from '../../relay-node/src/turn/limits.js'
import { newPeerId } from './mailbox-harness.js'
import { streamEnd, within } from './blob-harness.js'
import { TEST_SECRET, TEST_URLS, outcome, rawTurnPeer, startTurnRelay } from './turn-harness.js'

const alice = IdentityKeyPair.generate(systemRandom)
const bob = IdentityKeyPair.generate(systemRandom)
const aliceDevice = { identityKey: alice.publicKey, deviceId: 1 }

/** A client node whose one stream is `stream` (the other end is the test's hand-written relay). */
async function nodeOver (stream: Stream): Promise<TurnNode> {
  const relayPeerId = await newPeerId()
  return { peerId: await newPeerId(), dial: async () => ({ remotePeer: relayPeerId, newStream: async () => stream }) as unknown as Connection }
}

/** A hand-written relay: reads the REQUEST, sends a CHALLENGE, reads the AUTH, then answers with `answer` (raw bytes, or nothing to hang up). */
async function lyingRelay (answer: Uint8Array | undefined): Promise<{ node: TurnNode, done: Promise<void> }> {
  const [client, relayEnd] = await streamPair()
  const frames = frameStream(relayEnd, { maxFrameBytes: MAX_TURN_FRAME_BYTES })
  const done = (async () => {
    await frames.read()
    await frames.write(TurnRelayFrame.encode({ type: TurnRelayFrame.Type.CHALLENGE, nonce: new Uint8Array(32) }))
    await frames.read()
    if (answer != null) await frames.write(answer)
    await relayEnd.close()
  })()
  return { node: await nodeOver(client), done }
}

describe('turn credentials', () => {
  it('gives a registered device one ICE server whose credential verifies with the relay\'s secret for an hour, with a new random username each time', async () => {
    const relay = await startTurnRelay()
    relay.register(aliceDevice)
    const node = await relay.node()
    const before = Date.now()
    const servers = await requestTurnCredentials(node, relay.relayPeerId, { identity: alice, deviceId: 1 })
    expect(servers).toHaveLength(1)
    const [server] = servers
    expect(server.urls).toEqual(TEST_URLS)
    expect(server.username).toMatch(/^\d{10}:[A-Za-z0-9_-]{22}$/)
    expect(checkTurnCredential(TEST_SECRET, server.username, server.credential, Date.now())).toBe(true)
    expect(checkTurnCredential('bb'.repeat(32), server.username, server.credential, Date.now())).toBe(false)
    expect(server.expiresAt).toBeGreaterThan(before + TURN_CREDENTIAL_TTL_MS - 1000)
    expect(server.expiresAt).toBeLessThanOrEqual(Date.now() + TURN_CREDENTIAL_TTL_MS)
    expect(Number(server.username.split(':')[0]) * 1000).toBe(server.expiresAt)
    // the TURN server was told of it; the username names neither the device nor its key
    expect(relay.turn.granted).toEqual([{ username: server.username, credential: server.credential, expiresAt: server.expiresAt }])
    expect(server.username).not.toContain(Buffer.from(alice.publicKey).toString('base64url').slice(0, 8))
    const again = await requestTurnCredentials(node, relay.relayPeerId, { identity: alice, deviceId: 1 })
    expect(again[0].username).not.toBe(server.username)
    expect(relay.service.stats.issued).toBe(2)
  })

  it('refuses a device that is not registered here, with its own error class', async () => {
    const relay = await startTurnRelay()
    relay.register(aliceDevice)
    const node = await relay.node()
    const err = await requestTurnCredentials(node, relay.relayPeerId, { identity: bob, deviceId: 1 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TurnUnknownDeviceError)
    expect(err).toBeInstanceOf(TurnAuthError)
    // alice's other device is not registered either
    await expect(requestTurnCredentials(node, relay.relayPeerId, { identity: alice, deviceId: 2 })).rejects.toBeInstanceOf(TurnUnknownDeviceError)
    expect(relay.turn.granted).toEqual([])
    expect(relay.service.stats.refused.unknownDevice).toBe(2)
  })

  it('refuses every signature that is not this device\'s over this challenge, relay, connection, protocol and time', async () => {
    const relay = await startTurnRelay()
    relay.register(aliceDevice)
    const relayId = relay.relayPeerId.toString()
    const other = IdentityKeyPair.generate(systemRandom)
    const elsewhere = (await newPeerId()).toString()
    const attempts: Array<[string, (nonce: Uint8Array, me: string) => Uint8Array, number?]> = [
      ['another key', (nonce, me) => signTurnAuth(other, { nonce, relayPeerId: relayId, clientPeerId: me, deviceId: 1, timestamp: Date.now() })],
      ['the blob store\'s domain', (nonce, me) => signBlobAuth(alice, { nonce, relayPeerId: relayId, clientPeerId: me, deviceId: 1, timestamp: Date.now() })],
      ['the mailbox\'s domain', (nonce, me) => signMailboxAuth(alice, { nonce, relayPeerId: relayId, clientPeerId: me, deviceId: 1, timestamp: Date.now() })],
      ['the group mailbox\'s domain', (nonce, me) => signGroupMailboxAuth(alice, { nonce, relayPeerId: relayId, clientPeerId: me, deviceId: 1, timestamp: Date.now() })],
      ['another relay', (nonce, me) => signTurnAuth(alice, { nonce, relayPeerId: elsewhere, clientPeerId: me, deviceId: 1, timestamp: Date.now() })],
      ['another connection', nonce => signTurnAuth(alice, { nonce, relayPeerId: relayId, clientPeerId: elsewhere, deviceId: 1, timestamp: Date.now() })],
      ['another device', (nonce, me) => signTurnAuth(alice, { nonce, relayPeerId: relayId, clientPeerId: me, deviceId: 2, timestamp: Date.now() })],
      ['another challenge', (_nonce, me) => signTurnAuth(alice, { nonce: new Uint8Array(32), relayPeerId: relayId, clientPeerId: me, deviceId: 1, timestamp: Date.now() })],
      ['a stale clock', (nonce, me) => signTurnAuth(alice, { nonce, relayPeerId: relayId, clientPeerId: me, deviceId: 1, timestamp: Date.now() - 3_600_000 }), Date.now() - 3_600_000],
      ['no signature', () => new Uint8Array(0)]
    ]
    for (const [what, sign, timestamp] of attempts) {
      const me = await newPeerId()
      const { client, done } = await relay.connect(me)
      const p = rawTurnPeer(client)
      await p.send({ type: TurnClientFrame.Type.REQUEST, identityKey: Uint8Array.from(alice.publicKey), deviceId: 1 })
      const challenge = await p.next()
      expect(challenge?.type, what).toBe(TurnRelayFrame.Type.CHALLENGE)
      await p.send({ type: TurnClientFrame.Type.AUTH, timestamp: BigInt(timestamp ?? Date.now()), signature: Uint8Array.from(sign(challenge!.nonce, me.toString())) })
      expect(outcome(await p.next()), what).toMatch(/^AUTH_FAILED: /)
      await within(done)
    }
    expect(relay.turn.granted).toEqual([])
    expect(relay.service.stats.refused.auth).toBe(attempts.length)
    expect(relay.service.stats.issued).toBe(0)
  })

  it('keeps the TURN domain apart from the blob store\'s both ways', () => {
    const ctx = { nonce: systemRandom(32), relayPeerId: 'relay', clientPeerId: 'client', deviceId: 1, timestamp: Date.now() }
    const full = { ...ctx, identityKey: alice.publicKey }
    expect(() => { verifyTurnAuth(full, signTurnAuth(alice, ctx), Date.now()) }).not.toThrow()
    expect(() => { verifyBlobAuth(full, signTurnAuth(alice, ctx), Date.now()) }).toThrow()
    expect(() => { verifyTurnAuth(full, signBlobAuth(alice, ctx), Date.now()) }).toThrow(TurnAuthError)
  })

  it('rate limits each device: the 11th request within a minute is refused with when to retry, another device still gets credentials', async () => {
    const relay = await startTurnRelay()
    relay.register(aliceDevice)
    relay.register({ identityKey: bob.publicKey, deviceId: 1 })
    const node = await relay.node()
    for (let i = 0; i < 10; i++) await requestTurnCredentials(node, relay.relayPeerId, { identity: alice, deviceId: 1 })
    const err = await requestTurnCredentials(node, relay.relayPeerId, { identity: alice, deviceId: 1 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RateLimitedError)
    expect((err as RateLimitedError).retryAfterMs).toBeGreaterThan(0)
    expect((err as RateLimitedError).retryAfterMs).toBeLessThanOrEqual(60_000)
    expect(await requestTurnCredentials(node, relay.relayPeerId, { identity: bob, deviceId: 1 })).toHaveLength(1)
    expect(relay.turn.granted).toHaveLength(11)
    expect(relay.service.stats.refused.rateLimited).toBe(1)
  })

  it('counts a request refused when time moves on: the window is per device and slides', async () => {
    let now = Date.now()
    const relay = await startTurnRelay({ service: { now: () => now, requestsPerDevice: [{ max: 2, windowMs: 60_000 }] } })
    relay.register(aliceDevice)
    const node = await relay.node()
    await requestTurnCredentials(node, relay.relayPeerId, { identity: alice, deviceId: 1 })
    await requestTurnCredentials(node, relay.relayPeerId, { identity: alice, deviceId: 1 })
    await expect(requestTurnCredentials(node, relay.relayPeerId, { identity: alice, deviceId: 1 })).rejects.toBeInstanceOf(RateLimitedError)
    now += 60_001
    expect(await requestTurnCredentials(node, relay.relayPeerId, { identity: alice, deviceId: 1 })).toHaveLength(1)
    // credentials expire from the backend's clock
    expect(relay.turn.granted.at(-1)!.expiresAt).toBe(Math.floor((now + TURN_CREDENTIAL_TTL_MS) / 1000) * 1000)
  })

  it('says TURN is not offered when the relay\'s TURN server is down, and when the relay does not speak the protocol', async () => {
    const relay = await startTurnRelay()
    relay.register(aliceDevice)
    relay.turn.running = false
    await expect(requestTurnCredentials(await relay.node(), relay.relayPeerId, { identity: alice, deviceId: 1 })).rejects.toBeInstanceOf(TurnNotOfferedError)
    expect(relay.service.stats.refused.notOffered).toBe(1)
    const protocols: string[] = []
    const oldRelay: TurnNode = {
      peerId: await newPeerId(),
      dial: async () => ({ remotePeer: relay.relayPeerId, newStream: async (protocol: string) => { protocols.push(protocol); throw new UnsupportedProtocolError('protocol selection failed') } }) as unknown as Connection
    }
    const err = await requestTurnCredentials(oldRelay, relay.relayPeerId, { identity: alice, deviceId: 1 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TurnNotOfferedError)
    expect((err as Error).message).toContain(TURN_PROTOCOL)
    expect(protocols).toEqual([TURN_PROTOCOL])
  })

  it('answers a malformed frame with MALFORMED and the reason, and counts it', async () => {
    const relay = await startTurnRelay()
    relay.register(aliceDevice)
    const cases: Array<[(p: ReturnType<typeof rawTurnPeer>) => Promise<void>, string]> = [
      [async p => { await p.write(Uint8Array.from([0x0a, 0xff, 0xff])) }, 'MALFORMED: malformed frame'],
      [async p => { await p.send({ type: TurnClientFrame.Type.AUTH, timestamp: 1n, signature: new Uint8Array(64) }) }, 'MALFORMED: a stream starts with REQUEST'],
      [async p => { await p.send({ type: TurnClientFrame.Type.REQUEST, identityKey: new Uint8Array(31), deviceId: 1 }) }, 'MALFORMED: the identity key must be 32 bytes'],
      [async p => {
        await p.send({ type: TurnClientFrame.Type.REQUEST, identityKey: Uint8Array.from(alice.publicKey), deviceId: 1 })
        await p.next()
        await p.send({ type: TurnClientFrame.Type.REQUEST, identityKey: Uint8Array.from(alice.publicKey), deviceId: 1 })
      }, 'MALFORMED: expected AUTH after the challenge']
    ]
    for (const [send, why] of cases) {
      const { client, done } = await relay.connect(await newPeerId())
      const p = rawTurnPeer(client)
      await send(p)
      expect(outcome(await p.next())).toMatch(new RegExp(`^${why}`))
      expect(outcome(await p.next())).toBe('end')
      await within(done)
    }
    expect(relay.service.stats.refused.malformed).toBe(cases.length)
    expect(relay.turn.granted).toEqual([])
  })

  it('resets a stream whose frame is oversize before reading its body, one that ends inside a frame, and one that stalls', async () => {
    const relay = await startTurnRelay({ server: { timeout: 1000 } })
    const big = await relay.connect(await newPeerId())
    big.client.send(encodeVarint(MAX_TURN_FRAME_BYTES + 1))
    await within(big.done)
    expect(await streamEnd(big.client)).toBe('reset')
    const cut = await relay.connect(await newPeerId())
    cut.client.send(Uint8Array.from([10, 1, 2]))
    await cut.client.close()
    await within(cut.done)
    expect(await streamEnd(cut.client)).toBe('reset')
    // a client that never answers the challenge holds the stream no longer than the timeout
    const stall = await relay.connect(await newPeerId())
    const p = rawTurnPeer(stall.client)
    await p.send({ type: TurnClientFrame.Type.REQUEST, identityKey: Uint8Array.from(alice.publicKey), deviceId: 1 })
    expect((await p.next())?.type).toBe(TurnRelayFrame.Type.CHALLENGE)
    await within(stall.done)
    expect(await streamEnd(stall.client)).toBe('reset')
    // a client that closes before asking gets a clean end
    const idle = await relay.connect(await newPeerId())
    await idle.client.close()
    await within(idle.done)
    expect(await streamEnd(idle.client)).toBe('closed')
  })

  it('answers a backend failure, or ICE servers that break the limits, as TurnInternalError without the details, and logs it', async () => {
    const answer: { servers?: IceServer[] } = {}
    const relay = await startTurnRelay({
      wrap: service => ({
        issue: async () => {
          if (answer.servers != null) return answer.servers
          throw new Error('disk failed at /var/secret/path')
        },
        refused: err => { service.refused(err) }
      })
    })
    const node = await relay.node()
    const err = await requestTurnCredentials(node, relay.relayPeerId, { identity: alice, deviceId: 1 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TurnInternalError)
    expect((err as Error).message).toBe('the relay failed; try again later')
    answer.servers = [{ urls: ['http://example.com/'], username: 'u', credential: 'c', expiresAt: Date.now() }]
    await expect(requestTurnCredentials(node, relay.relayPeerId, { identity: alice, deviceId: 1 })).rejects.toBeInstanceOf(TurnInternalError)
    const errors = relay.logger.lines.filter(l => l.level === 'error')
    expect(errors).toHaveLength(2)
    expect(String(errors[0].args[0])).toContain('/var/secret/path')
    expect(relay.service.stats.refused.internal).toBe(2)
  })

  it('refuses what a lying relay answers: a refusal as its class, ICE servers over the limits, garbage, a hang-up, silence', async () => {
    const ok = (iceServers: Array<Partial<IceServer>>): Uint8Array => TurnRelayFrame.encode({ type: TurnRelayFrame.Type.RESULT, status: TurnRelayFrame.Status.OK, iceServers: iceServers as IceServer[] })
    const good = { urls: ['turn:relay.example:3478?transport=udp'], username: '1:x', credential: 'c', expiresAt: Date.now() + 60_000 }
    const cases: Array<[Uint8Array | undefined, abstract new (...args: never[]) => Error, string?]> = [
      [TurnRelayFrame.encode({ type: TurnRelayFrame.Type.RESULT, status: TurnRelayFrame.Status.MALFORMED, message: 'bad' }), MalformedTurnFrameError, 'bad'],
      [TurnRelayFrame.encode({ type: TurnRelayFrame.Type.RESULT, status: TurnRelayFrame.Status.RATE_LIMITED, retryAfterMs: 5000 }), RateLimitedError],
      [ok([]), ProtocolViolationError, '1..4 ICE servers'],
      [ok([good, good, good, good, good]), ProtocolViolationError, 'too many elements'],
      [ok([{ ...good, urls: ['javascript:alert(1)'] }]), ProtocolViolationError, 'not a stun: or turn: url'],
      [ok([{ ...good, urls: ['turn:relay.example:99999'] }]), ProtocolViolationError, 'port out of range'],
      [ok([{ ...good, username: '' }]), ProtocolViolationError, 'username'],
      [ok([{ ...good, credential: 'c'.repeat(257) }]), ProtocolViolationError, 'credential'],
      [ok([{ ...good, expiresAt: 0 }]), ProtocolViolationError, 'expires'],
      [TurnRelayFrame.encode({ type: TurnRelayFrame.Type.CHALLENGE, nonce: new Uint8Array(32) }), ProtocolViolationError, 'expected a RESULT'],
      [Uint8Array.from([0x0a, 0xff]), ProtocolViolationError, 'malformed frame'],
      [undefined, TurnStreamClosedError]
    ]
    for (const [answer, type, text] of cases) {
      const { node, done } = await lyingRelay(answer)
      const err = await requestTurnCredentials(node, await newPeerId(), { identity: alice, deviceId: 1 }).catch((e: unknown) => e)
      expect(err, text).toBeInstanceOf(type)
      if (text != null) expect((err as Error).message).toContain(text)
      await within(done.catch(() => {}))
    }
    const [client] = await streamPair()
    const silent = await nodeOver(client)
    await expect(requestTurnCredentials(silent, await newPeerId(), { identity: alice, deviceId: 1 }, { timeout: 100 })).rejects.toMatchObject({ name: 'TimeoutError' })
    const aborted = new AbortController()
    aborted.abort(new Error('call hung up'))
    await expect(requestTurnCredentials(silent, await newPeerId(), { identity: alice, deviceId: 1 }, { signal: aborted.signal })).rejects.toThrow('call hung up')
  })
})
