// The TURN server's own handling over in-memory streams: a stream that ends before the request or after the challenge, a frame past 127 bytes, a backend without `refused`, the time each step may take (its own `timeout` or the default, the second a refusal gets), the signal the backend gets, and what it logs.
import { describe, it, expect, vi, afterEach } from 'vitest'
import type { PeerId } from '@libp2p/interface'
import { requestTurnCredentials, signTurnAuth, TurnUnknownDeviceError, TURN_TIMEOUT_MS, type IceServer, type TurnBackend, type TurnOwner } from '../../src/protocols/turn/index.js'
import { TurnClientFrame, TurnRelayFrame } from '../../src/protocols/turn/pb/turn.js'
import { IdentityKeyPair, systemRandom } from '../../src/crypto/index.js'
import { bounded, fakeTimers, newPeerId, settlesAt, stall, track, until, untilAbort } from './mailbox-harness.js'
import { outcome, rawTurnPeer, startTurnRelay, type RawTurnPeer, type TurnRelay } from './turn-harness.js'

const alice = IdentityKeyPair.generate(systemRandom)
const aliceDevice = { identityKey: alice.publicKey, deviceId: 1 }
const T = 4321
const server: IceServer = { urls: ['stun:relay.example:3478'], username: '1700003600:abc', credential: 'Y3JlZA==', expiresAt: 1_700_003_600_000 }

afterEach(() => {
  vi.useRealTimers()
})

const request = async (p: RawTurnPeer, identityKey: Uint8Array = alice.publicKey): Promise<void> => {
  await p.send({ type: TurnClientFrame.Type.REQUEST, identityKey: Uint8Array.from(identityKey), deviceId: 1 })
}

/** REQUEST, then the AUTH signed over the challenge the relay sent. */
async function authenticate (relay: TurnRelay, p: RawTurnPeer, me: PeerId): Promise<void> {
  await request(p)
  const challenge = (await p.next())!
  expect(challenge.type).toBe(TurnRelayFrame.Type.CHALLENGE)
  const timestamp = Date.now()
  const signature = signTurnAuth(alice, { nonce: challenge.nonce, relayPeerId: relay.relayPeerId.toString(), clientPeerId: me.toString(), deviceId: 1, timestamp })
  await p.send({ type: TurnClientFrame.Type.AUTH, timestamp: BigInt(timestamp), signature: Uint8Array.from(signature) })
}

/** A backend that answers `servers` (or hangs until its signal aborts) and records each call's signal; no `refused`. */
function standIn (servers: IceServer[] | 'hang' = [server]): TurnBackend & { signals: Array<AbortSignal | undefined>, owners: TurnOwner[] } {
  const signals: Array<AbortSignal | undefined> = []
  const owners: TurnOwner[] = []
  return {
    signals,
    owners,
    issue: async (owner, _requester, options) => {
      signals.push(options?.signal)
      owners.push(owner)
      if (servers === 'hang') return await untilAbort(options?.signal)
      return servers
    }
  }
}

describe('turn server: how a stream ends', () => {
  it('a client that closes before asking gets no frame and a clean end, and is not counted as refused', async () => {
    const relay = await startTurnRelay()
    const { client, done } = await relay.connect(await newPeerId())
    const p = rawTurnPeer(client)
    await client.close()
    expect(await p.next()).toBeNull()
    await bounded(done)
    expect(Object.values(relay.service.stats.refused).reduce((a, b) => a + b, 0)).toBe(0)
    expect(relay.logger.lines).toEqual([])
  })

  it('a client that closes after the challenge gets no refusal, only a reset, and the log says why', async () => {
    const relay = await startTurnRelay()
    const me = await newPeerId()
    const { client, done } = await relay.connect(me)
    const p = rawTurnPeer(client)
    await request(p)
    expect((await p.next())?.type).toBe(TurnRelayFrame.Type.CHALLENGE)
    await client.close()
    await expect(p.next()).rejects.toThrow()
    await bounded(done)
    expect(client.status).toBe('reset')
    expect(relay.logger.lines.map(l => [l.level, l.format, ...l.args])).toEqual([['log', 'turn stream from %p ended - %s', me, 'the client closed the stream before authenticating']])
  })

  it('reads a frame past 127 bytes (up to MAX_TURN_FRAME_BYTES) and answers what is wrong in it', async () => {
    const relay = await startTurnRelay()
    const { client, done } = await relay.connect(await newPeerId())
    const p = rawTurnPeer(client)
    await request(p, new Uint8Array(200))
    expect(outcome(await p.next())).toBe('MALFORMED: the identity key must be 32 bytes')
    await bounded(done)
  })

  it('answers a refusal without a `refused` hook in the backend', async () => {
    const backend = standIn()
    const relay = await startTurnRelay({ wrap: () => backend })
    const { client, done } = await relay.connect(await newPeerId())
    const p = rawTurnPeer(client)
    await request(p, new Uint8Array(31))
    expect(outcome(await p.next())).toBe('MALFORMED: the identity key must be 32 bytes')
    expect(await p.next()).toBeNull()
    await bounded(done)
  })

  it('gives the backend the device that signed and a signal, and logs the credentials by peer only', async () => {
    const backend = standIn()
    const relay = await startTurnRelay({ wrap: () => backend })
    const node = await relay.node()
    expect(await requestTurnCredentials(node, relay.relayPeerId, { identity: alice, deviceId: 1 })).toEqual([server])
    expect(backend.owners).toEqual([aliceDevice])
    expect(backend.signals[0]).toBeInstanceOf(AbortSignal)
    expect(relay.logger.lines.map(l => [l.level, l.format, ...l.args])).toEqual([['log', 'turn credentials for %p', node.peerId]])
  })

  it('logs what the backend did wrong as an error, and answers INTERNAL', async () => {
    const failure = new Error('coturn is gone')
    for (const [issue, logged] of [
      [async () => { throw failure }, failure],
      [async () => [], 'the backend\'s ICE servers break the protocol: 1..4 ICE servers'],
      [async () => { throw new TurnUnknownDeviceError() }, undefined]
    ] as const) {
      const relay = await startTurnRelay({ wrap: () => ({ issue }) })
      const me = await newPeerId()
      const { client, done } = await relay.connect(me)
      const p = rawTurnPeer(client)
      await authenticate(relay, p, me)
      const answer = outcome(await p.next())
      await bounded(done)
      const errors = relay.logger.lines.filter(l => l.level === 'error')
      if (logged === undefined) {
        expect(answer).toBe('UNKNOWN_DEVICE: this device is not registered at this relay (no prekeys here)')
        expect(errors).toEqual([])
        continue
      }
      expect(answer).toBe('INTERNAL: the relay failed; try again later')
      expect(errors.map(l => l.format)).toEqual(['turn credentials failed inside the backend - %e'])
      if (typeof logged === 'string') expect(errors[0].args[0]).toMatchObject({ name: 'TurnInternalError', message: logged })
      else expect(errors[0].args[0]).toBe(logged)
    }
  })
})

describe('turn server: time', () => {
  it('gives a client that says nothing `timeout` ms (TURN_TIMEOUT_MS by default), then resets', async () => {
    fakeTimers()
    for (const timeout of [T, undefined]) {
      const relay = await startTurnRelay({ server: { timeout } })
      const { client, done } = await relay.connect(await newPeerId())
      await settlesAt(done, timeout ?? TURN_TIMEOUT_MS)
      await until(() => client.status === 'reset', 'the reset')
    }
  })

  it('gives a client that does not take the challenge, or the answer, `timeout` ms, then resets', async () => {
    fakeTimers()
    for (const at of ['challenge', 'answer']) {
      const relay = await startTurnRelay({ server: { timeout: T }, wrap: () => standIn() })
      const me = await newPeerId()
      const { client, server: end, done } = await relay.connect(me)
      const p = rawTurnPeer(client)
      if (at === 'challenge') {
        stall(end)
        await request(p)
        expect((await p.next())?.type, at).toBe(TurnRelayFrame.Type.CHALLENGE)
      } else {
        await request(p)
        const challenge = (await p.next())!
        stall(end)
        const timestamp = Date.now()
        await p.send({ type: TurnClientFrame.Type.AUTH, timestamp: BigInt(timestamp), signature: Uint8Array.from(signTurnAuth(alice, { nonce: challenge.nonce, relayPeerId: relay.relayPeerId.toString(), clientPeerId: me.toString(), deviceId: 1, timestamp })) })
        expect(outcome(await p.next()), at).toBe('OK')
      }
      await settlesAt(done, T)
      await until(() => client.status === 'reset', 'the reset')
    }
  })

  it('gives the backend a signal that aborts at `timeout`: the device is then told INTERNAL', async () => {
    fakeTimers()
    const backend = standIn('hang')
    const relay = await startTurnRelay({ server: { timeout: T }, wrap: () => backend })
    const me = await newPeerId()
    const { client } = await relay.connect(me)
    const p = rawTurnPeer(client)
    await authenticate(relay, p, me)
    await until(() => backend.signals.length === 1, 'the backend call')
    const answer = track(p.next())
    await vi.advanceTimersByTimeAsync(T - 1)
    expect(answer.settled()).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(outcome(await answer.promise)).toBe('INTERNAL: the relay failed; try again later')
    expect(backend.signals[0]?.aborted).toBe(true)
  })

  it('aborts the stream when its close does not end within `timeout`', async () => {
    fakeTimers()
    const relay = await startTurnRelay({ server: { timeout: T }, wrap: () => standIn() })
    const me = await newPeerId()
    const { client, server: end, done } = await relay.connect(me)
    let closing = false
    end.close = async options => { closing = true; await untilAbort(options?.signal) }
    const p = rawTurnPeer(client)
    await authenticate(relay, p, me)
    expect(outcome(await p.next())).toBe('OK')
    await until(() => closing, 'the close')
    await settlesAt(done, T)
    await until(() => client.status === 'reset', 'the reset')
  })

  it('gives a client that does not take a refusal, or its close, one second, then resets', async () => {
    fakeTimers()
    for (const blocked of ['write', 'close']) {
      const relay = await startTurnRelay()
      const { client, server: end, done } = await relay.connect(await newPeerId())
      if (blocked === 'write') stall(end)
      else end.close = async options => { await untilAbort(options?.signal) }
      await rawTurnPeer(client).send({ type: TurnClientFrame.Type.AUTH })
      await settlesAt(done, 1000)
      await until(() => client.status === 'reset', `the reset (${blocked})`)
    }
  })
})
