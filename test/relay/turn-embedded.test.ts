// The embedded TURN server (node-turn with the relay's adjustments) in this process, driven by a hand-made TURN client over loopback UDP: issued credentials open allocations and nothing else does, a Refresh keeps an allocation (node-turn ended it), a deleted or stopped allocation frees its port, expired usernames open nothing while calls in progress keep going, peers on denied addresses get no permission, quotas on allocations, credentials and nonces, and a taken port.
import { describe, it, expect, afterEach } from 'vitest'
import { createSocket } from 'node:dgram'
import { startEmbeddedTurn, type EmbeddedTurnInit, type EmbeddedTurnServer } from '../../relay-node/src/turn/embedded.js'
import { issueTurnCredential } from '../../relay-node/src/turn/credentials.js'
import { TurnStartError } from '../../relay-node/src/turn/server.js'
import { stunProbe } from '../../relay-node/src/turn/stun-probe.js'
import { RateLimitedError } from '../../src/protocols/errors.js'
import { TurnTestClient } from './turn-client.js'

const SECRET = 'cd'.repeat(32)
const HOUR = 3_600_000

/** A UDP port free on loopback now (bound, read, released). */
async function freeUdpPort (): Promise<number> {
  const socket = createSocket('udp4')
  await new Promise<void>(resolve => { socket.bind(0, '127.0.0.1', resolve) })
  const { port } = socket.address()
  await new Promise<void>(resolve => { socket.close(() => { resolve() }) })
  return port
}

/** Whether a UDP port can be bound on loopback now (its owner let go of it). */
async function udpPortFree (port: number): Promise<boolean> {
  const socket = createSocket('udp4')
  try {
    await new Promise<void>((resolve, reject) => { socket.once('error', reject); socket.bind({ port, address: '127.0.0.1', exclusive: true }, resolve) })
    return true
  } catch {
    return false
  } finally {
    try { socket.close() } catch { /* never bound */ }
  }
}

describe('embedded TURN server', () => {
  const servers: EmbeddedTurnServer[] = []
  const clients: TurnTestClient[] = []
  const logs: string[] = []
  afterEach(async () => {
    await Promise.all(clients.splice(0).map(async c => { await c.close() }))
    await Promise.all(servers.splice(0).map(async s => { await s.stop() }))
  })

  async function start (init: Partial<EmbeddedTurnInit> = {}): Promise<{ server: EmbeddedTurnServer, port: number }> {
    const port = await freeUdpPort()
    const server = await startEmbeddedTurn({ relayIp: '127.0.0.1', port, minPort: 49152, maxPort: 65535, allowLoopback: true, log: m => logs.push(m), ...init })
    servers.push(server)
    return { server, port }
  }

  async function client (port: number): Promise<TurnTestClient> {
    const c = await TurnTestClient.open('127.0.0.1', port)
    clients.push(c)
    return c
  }

  it('opens an allocation for a credential it was granted, and none for a wrong password or a credential it was not given', async () => {
    const { server, port } = await start()
    const granted = issueTurnCredential(SECRET, Date.now() + HOUR)
    server.grant(granted)
    const ok = await (await client(port)).allocate(granted.username, granted.credential)
    expect(ok).toMatchObject({ ok: true, lifetime: 600, relayed: { address: '127.0.0.1' } })
    expect(ok.relayed!.port).toBeGreaterThanOrEqual(49152)
    expect((await (await client(port)).allocate(granted.username, 'not the password')).code).toBe(401)
    // made with the relay's secret, but never issued: the embedded server knows only what it was given
    const stranger = issueTurnCredential(SECRET, Date.now() + HOUR)
    expect((await (await client(port)).allocate(stranger.username, stranger.credential)).code).toBe(401)
    expect(server.stats).toEqual({ allocations: 1, credentials: 1 })
  })

  it('with the relay\'s secret (as the relay runs it), takes a credential issued before a restart: a call\'s ICE restart after the relay came back gets an allocation', async () => {
    // issued by the relay's previous run: this server was never given it
    const before = issueTurnCredential(SECRET, Date.now() + HOUR)
    const { port } = await start({ secret: SECRET })
    expect((await (await client(port)).allocate(before.username, before.credential)).ok).toBe(true)
    // still only with the right password, and not once expired
    expect((await (await client(port)).allocate(before.username, 'not the password')).code).toBe(401)
    const expired = issueTurnCredential(SECRET, Date.now() - 1_000)
    expect((await (await client(port)).allocate(expired.username, expired.credential)).code).toBe(401)
  })

  it('keeps an allocation through Refresh, deletes it with lifetime 0 and frees its port', async () => {
    const { server, port } = await start()
    const cred = issueTurnCredential(SECRET, Date.now() + HOUR)
    server.grant(cred)
    const c = await client(port)
    const { relayed } = await c.allocate(cred.username, cred.credential)
    // node-turn's own Refresh ended the allocation at once: a call through it dropped at its first refresh
    expect(await c.refresh()).toEqual({ ok: true, lifetime: 600 })
    expect(await c.refresh(7200)).toEqual({ ok: true, lifetime: 3600 })
    expect(await c.refresh(120)).toEqual({ ok: true, lifetime: 120 })
    expect(server.stats.allocations).toBe(1)
    expect(await udpPortFree(relayed!.port)).toBe(false)
    expect(await c.refresh(0)).toEqual({ ok: true, lifetime: 0 })
    expect(server.stats.allocations).toBe(0)
    expect(await udpPortFree(relayed!.port)).toBe(true)
    expect((await c.refresh()).code).toBe(437)
  })

  it('opens no allocation with an expired username, while an allocation made before the expiry lives on; the credential is forgotten when that ends', async () => {
    let now = Date.now()
    const { server, port } = await start({ now: () => now })
    const cred = issueTurnCredential(SECRET, now + 60_000)
    server.grant(cred)
    const inCall = await client(port)
    expect((await inCall.allocate(cred.username, cred.credential)).ok).toBe(true)
    now += 120_000
    expect((await (await client(port)).allocate(cred.username, cred.credential)).code).toBe(401)
    expect(server.sweep()).toBe(0)
    expect((await inCall.refresh()).ok).toBe(true)
    expect((await inCall.createPermission('8.8.8.8')).ok).toBe(true)
    expect(await inCall.refresh(0)).toMatchObject({ ok: true })
    expect(server.sweep()).toBe(1)
    expect(server.stats.credentials).toBe(0)
  })

  it('refuses permissions for loopback (unless allowed), private, link-local, multicast and reserved peers', async () => {
    const strict = await start({ allowLoopback: false })
    const cred = issueTurnCredential(SECRET, Date.now() + HOUR)
    strict.server.grant(cred)
    const c = await client(strict.port)
    expect((await c.allocate(cred.username, cred.credential)).ok).toBe(true)
    for (const peer of ['127.0.0.1', '127.8.8.8', '10.1.2.3', '172.16.0.1', '192.168.1.1', '100.64.0.1', '169.254.169.254', '0.0.0.0', '224.0.0.1', '255.255.255.255', '198.51.100.7']) {
      expect((await c.createPermission(peer)).code, peer).toBe(403)
    }
    expect((await c.createPermission('8.8.8.8')).ok).toBe(true)
    const relaxed = await start({ allowLoopback: true })
    relaxed.server.grant(cred)
    const d = await client(relaxed.port)
    expect((await d.allocate(cred.username, cred.credential)).ok).toBe(true)
    expect((await d.createPermission('127.0.0.1')).ok).toBe(true)
    expect((await d.createPermission('10.1.2.3')).code).toBe(403)
  })

  it('lets one credential hold a bounded number of allocations', async () => {
    const { server, port } = await start({ allocationsPerCredential: 2 })
    const cred = issueTurnCredential(SECRET, Date.now() + HOUR)
    server.grant(cred)
    expect((await (await client(port)).allocate(cred.username, cred.credential)).ok).toBe(true)
    expect((await (await client(port)).allocate(cred.username, cred.credential)).ok).toBe(true)
    expect((await (await client(port)).allocate(cred.username, cred.credential)).code).toBe(486)
  })

  it('remembers a bounded number of credentials: more are refused as rate limited until expired ones can go', async () => {
    let now = Date.now()
    const { server } = await start({ maxCredentials: 2, now: () => now })
    server.grant(issueTurnCredential(SECRET, now + 60_000))
    server.grant(issueTurnCredential(SECRET, now + 60_000))
    const err = (() => { try { server.grant(issueTurnCredential(SECRET, now + 60_000)) } catch (e) { return e } })()
    expect(err).toBeInstanceOf(RateLimitedError)
    expect((err as RateLimitedError).retryAfterMs).toBeGreaterThanOrEqual(60_000)
    now += 61_000
    server.grant(issueTurnCredential(SECRET, now + 60_000))
    expect(server.stats.credentials).toBe(1)
  })

  it('keeps a bounded table of nonces: a forgotten one is answered 438 Stale Nonce and the client carries on with a new one', async () => {
    const { server, port } = await start({ maxNonces: 3 })
    const cred = issueTurnCredential(SECRET, Date.now() + HOUR)
    server.grant(cred)
    const first = await client(port)
    expect((await first.allocate(cred.username, cred.credential)).ok).toBe(true)
    for (let i = 0; i < 3; i++) expect((await (await client(port)).allocate(cred.username, cred.credential)).ok).toBe(true)
    expect(await first.refresh()).toMatchObject({ ok: true })
    expect(first.staleNonces).toBe(1)
  })

  it('answers STUN, and frees its port and every relayed port when stopped', async () => {
    const { server, port } = await start()
    await stunProbe('127.0.0.1', port, { signal: AbortSignal.timeout(10_000) })
    const cred = issueTurnCredential(SECRET, Date.now() + HOUR)
    server.grant(cred)
    const { relayed } = await (await client(port)).allocate(cred.username, cred.credential)
    expect(await udpPortFree(relayed!.port)).toBe(false)
    await server.stop()
    expect(server.running).toBe(false)
    expect(await udpPortFree(relayed!.port)).toBe(true)
    expect(await udpPortFree(port)).toBe(true)
    expect(() => { server.grant(cred) }).toThrow(/not running/)
  })

  it('says which port it cannot listen on', async () => {
    const taken = createSocket('udp4')
    await new Promise<void>(resolve => { taken.bind(0, '127.0.0.1', resolve) })
    try {
      const port = taken.address().port
      const err = await startEmbeddedTurn({ relayIp: '127.0.0.1', port, minPort: 49152, maxPort: 65535, allowLoopback: false, log: () => {} }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(TurnStartError)
      expect((err as Error).message).toBe(`--turn-port ${port}: cannot listen on 127.0.0.1 (address already in use)`)
    } finally {
      taken.close()
    }
  })
})
