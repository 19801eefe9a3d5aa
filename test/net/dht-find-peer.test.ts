// Two Node clients that know only a relay find each other through the Parley DHT and ping: real relay process, real TCP.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import { createNodeNode, type ParleyNode } from '../../src/index.js'
import { startRelayProcess, type RelayProcess } from '../../scripts/relay-process.js'
import { tempDir } from '../helpers/tmp.js'
import { retryUntil } from '../helpers/wait.js'

describe('DHT peer routing through a relay', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let relay: RelayProcess
  const nodes: ParleyNode[] = []

  beforeAll(async () => {
    dir = await tempDir()
    relay = await startRelayProcess({ dataDir: join(dir.path, 'relay'), listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'] })
  })

  afterAll(async () => {
    await Promise.all(nodes.map(async n => await n.stop()))
    await relay?.stop()
    await dir.remove()
  })

  for (const transport of ['tcp', 'ws'] as const) {
    it(`clients bootstrapped over ${transport} find each other with findPeer and ping`, async () => {
      const a = await createNodeNode({ bootstrap: [relay.addr(transport)], listen: ['/ip4/127.0.0.1/tcp/0'] })
      const b = await createNodeNode({ bootstrap: [relay.addr(transport)], listen: ['/ip4/127.0.0.1/tcp/0'] })
      nodes.push(a, b)

      // neither knows the other: no connection and no addresses in the peer store
      expect(a.getConnections(b.peerId)).toHaveLength(0)
      expect(await a.peerStore.has(b.peerId)).toBe(false)

      // the relay learns of b once identify has run on both sides; no event tells a that it has
      const found = await retryUntil(async signal => await a.peerRouting.findPeer(b.peerId, { signal }), { timeout: 20_000, what: 'findPeer' })
      expect(found.id.equals(b.peerId)).toBe(true)
      const bPort = b.getMultiaddrs()[0].toString().split('/')[4]
      expect(found.multiaddrs.map(m => m.toString()).some(m => m.includes(`/tcp/${bPort}`))).toBe(true)

      const rtt = await a.services.ping.ping(found.multiaddrs, { signal: AbortSignal.timeout(10_000) })
      expect(rtt).toBeGreaterThanOrEqual(0)
      // the ping went over a direct connection between the clients, not through the relay
      const direct = a.getConnections(b.peerId)
      expect(direct.length).toBeGreaterThan(0)
      expect(direct.some(c => !c.remoteAddr.toString().includes('/p2p-circuit'))).toBe(true)
    })
  }
})
