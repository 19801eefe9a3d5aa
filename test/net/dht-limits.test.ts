// DHT write limits (src/net/dht-limits.ts): the token buckets per peer, per IP and in total with a fake clock, the IP buckets, and a hostile writer flooding a real relay process with valid directory records.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { Libp2p } from 'libp2p'
import { DhtWriteLimiter, DhtWriteRateLimitedError, DHT_PUTS_PER_IP, DHT_PUTS_PER_PEER, MAX_TRACKED_SOURCES } from '../../src/net/dht-limits.js'
import { ipBucket } from '../../src/net/ip-bucket.js'
import { DHT_PROTOCOL } from '../../src/index.js'
import { startRelayProcess, type RelayProcess } from '../../scripts/relay-process.js'
import { startNode } from '../protocols/nodes.js'
import { tempDir } from '../helpers/tmp.js'
import { floodPuts, floodRecords } from '../helpers/dht-flood.js'

const at = (addr: string): { remoteAddr: ReturnType<typeof multiaddr> } => ({ remoteAddr: multiaddr(addr) })
const freshPeer = async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))

describe('ipBucket', () => {
  it('is the IPv4 address, the IPv6 /64, or the IPv4 inside a mapped IPv6 address', () => {
    expect(ipBucket(multiaddr('/ip4/203.0.113.7/tcp/4001'))).toBe('ip4:203.0.113.7')
    expect(ipBucket(multiaddr('/ip6/2001:db8:1:2:aaaa::1/tcp/4001'))).toBe('ip6:2001:db8:1:2::/64')
    expect(ipBucket(multiaddr('/ip6/2001:db8:1:2:ffff:ffff:ffff:ffff/tcp/1'))).toBe('ip6:2001:db8:1:2::/64')
    expect(ipBucket(multiaddr('/ip6/::ffff:198.51.100.9/tcp/1'))).toBe('ip4:198.51.100.9')
    expect(ipBucket(multiaddr('/ip6/::1/tcp/1'))).toBe('ip6:0:0:0:0::/64')
    expect(ipBucket(multiaddr('/p2p-circuit/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'))).toBeUndefined()
  })
})

describe('DhtWriteLimiter', () => {
  it('gives one peer its burst, then one write per refill interval', async () => {
    let now = 0
    const limiter = new DhtWriteLimiter({}, () => now)
    const peer = await freshPeer()
    for (let i = 0; i < DHT_PUTS_PER_PEER.burst; i++) limiter.admit(peer, at('/ip4/203.0.113.1/tcp/1'))
    expect(() => limiter.admit(peer, at('/ip4/203.0.113.1/tcp/1'))).toThrow(DhtWriteRateLimitedError)
    expect(limiter.stats.refused.peer).toBe(1)
    now += 1000 / DHT_PUTS_PER_PEER.perSecond
    limiter.admit(peer, at('/ip4/203.0.113.1/tcp/1'))
    expect(() => limiter.admit(peer, at('/ip4/203.0.113.1/tcp/1'))).toThrow(/from this peer/)
  })

  it('bounds an address that makes a fresh peer id for every write, IPv6 by its /64; other addresses go on', async () => {
    const now = 0
    const limiter = new DhtWriteLimiter({}, () => now)
    for (let i = 0; i < DHT_PUTS_PER_IP.burst; i++) limiter.admit(await freshPeer(), at(`/ip6/2001:db8:0:1::${(i + 1).toString(16)}/tcp/1`))
    const err = (() => { try { limiter.admit(peerIdFromString('12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'), at('/ip6/2001:db8:0:1:ffff::9/tcp/1')) } catch (e) { return e } })()
    expect(err).toMatchObject({ name: 'DhtWriteRateLimitedError', limit: 'ip' })
    limiter.admit(await freshPeer(), at('/ip6/2001:db8:0:2::1/tcp/1'))
    expect(limiter.stats).toMatchObject({ admitted: DHT_PUTS_PER_IP.burst + 1, refused: { ip: 1 } })
  })

  it('caps everyone together, and a refused write takes no token from any bucket', async () => {
    let now = 0
    const limiter = new DhtWriteLimiter({ total: { burst: 5, perSecond: 1 } }, () => now)
    for (let i = 0; i < 5; i++) limiter.admit(await freshPeer(), at(`/ip4/198.51.100.${i}/tcp/1`))
    const peer = await freshPeer()
    expect(() => limiter.admit(peer, at('/ip4/192.0.2.1/tcp/1'))).toThrow(/in total/)
    now += 1000
    limiter.admit(peer, at('/ip4/192.0.2.1/tcp/1'))
    expect(limiter.stats).toMatchObject({ admitted: 6, refused: { total: 1 } })
  })

  it('remembers at most MAX_TRACKED_SOURCES peers and addresses', async () => {
    const limiter = new DhtWriteLimiter({ total: { burst: 1e9, perSecond: 1e9 } })
    for (let i = 0; i < MAX_TRACKED_SOURCES + 500; i++) {
      limiter.admit(await freshPeer(), at(`/ip4/10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/tcp/1`))
    }
    expect(limiter.tracked.peers).toBeLessThanOrEqual(MAX_TRACKED_SOURCES)
    expect(limiter.tracked.ips).toBeLessThanOrEqual(MAX_TRACKED_SOURCES)
  }, 60_000)
})

describe('a hostile writer floods a relay process with valid directory records', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let relay: RelayProcess
  const nodes: Libp2p[] = []

  beforeAll(async () => {
    dir = await tempDir()
    relay = await startRelayProcess({ dataDir: join(dir.path, 'relay'), listen: ['/ip4/127.0.0.1/tcp/0'], args: ['--inbound-per-host', '100000'] })
  })
  afterAll(async () => {
    await Promise.all(nodes.map(async n => await n.stop()))
    await relay?.stop()
    await dir?.remove()
  })

  it('accepts one peer\'s burst and refuses the rest; fresh peer ids from the same address stop at the per-IP bucket', async () => {
    const target = multiaddr(relay.addr('tcp'))
    const started = Date.now()
    const results = []
    for (let p = 0; p < 6; p++) {
      const node = await startNode()
      nodes.push(node)
      results.push(await floodPuts(node, target, floodRecords(p === 0 ? 40 : 25, `+1555099${String(p).padStart(4, '0')}`)))
    }
    const seconds = (Date.now() - started) / 1000
    const refill = (rate: { perSecond: number }): number => Math.ceil(seconds * rate.perSecond) + 1
    // the first peer: its burst, then refusals (each aborting its stream)
    expect(results[0].accepted).toBeGreaterThanOrEqual(DHT_PUTS_PER_PEER.burst)
    expect(results[0].accepted).toBeLessThanOrEqual(DHT_PUTS_PER_PEER.burst + refill(DHT_PUTS_PER_PEER))
    expect(results[0].refused).toBe(40 - results[0].accepted)
    // fresh peer ids from 127.0.0.1: together no more than the address's burst (plus what refilled meanwhile)
    const total = results.reduce((n, r) => n + r.accepted, 0)
    expect(total).toBeLessThanOrEqual(DHT_PUTS_PER_IP.burst + refill(DHT_PUTS_PER_IP))
    expect(results[5].accepted).toBeLessThan(DHT_PUTS_PER_PEER.burst)
    // the relay is alive and still speaks the DHT
    expect(relay.process.exitCode).toBeNull()
    const probe = await startNode()
    nodes.push(probe)
    const stream = await probe.dialProtocol(target, DHT_PROTOCOL)
    await stream.close()
  }, 120_000)
})
