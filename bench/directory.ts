/** Directory benchmarks: a simulated network of 100+ in-process libp2p nodes (loopback TCP, DHT servers with the directory rules); lookup latency, success, hops, and discovering 500 numbers. */
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import { commonServices, permissiveGater } from '../src/index.js'
import { IdentityKeyPair, createDeviceCertificate, systemRandom } from '../src/crypto/index.js'
import { DirectoryHashCache, directoryDhtRules, discoverContacts, lookup, publishRecord } from '../src/directory/index.js'
import { percentile, type Suite } from './harness.js'

/** Nodes in the simulated network. */
const NODES = 100
/** Peers each node dials when it joins (the rest it learns through the DHT). */
const JOIN_DIALS = 3
/** Routing-table size every node should reach before measuring, and how long to wait for it at most. */
const ROUTING_TABLE_TARGET = 4
const SETTLE_MS = 20_000
/** Per-lookup time limit: a lookup slower than this counts as a failure. */
const LOOKUP_TIMEOUT_MS = 5_000
/** Numbers published; lookups and discovery hit these. */
const PUBLISHED = 20
const LOOKUPS = 100
const DISCOVER = 500
/** Lookups in flight during discovery (a negative lookup walks the whole neighbourhood of its key). */
const DISCOVER_CONCURRENCY = 32

async function createSimNode () {
  return await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: permissiveGater,
    // every node dials from 127.0.0.1: lift the per-host inbound rate limit
    connectionManager: { inboundConnectionThreshold: 1_000_000, maxConnections: 1000 },
    services: commonServices('server', directoryDhtRules())
  })
}

type SimNode = Awaited<ReturnType<typeof createSimNode>>

/** Runs `fn` over items with at most `limit` at once. */
async function pool<T> (items: T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++
      await fn(items[i], i)
    }
  }))
}

const numberOf = (i: number): string => `+1415555${String(1000 + i).padStart(4, '0')}`
const pick = <T>(a: T[]): T => a[Math.floor(Math.random() * a.length)]

async function buildNetwork (): Promise<SimNode[]> {
  const t0 = performance.now()
  const log = (what: string): void => { if (process.env.BENCH_DEBUG != null) process.stderr.write(`  ${what} at ${Math.round(performance.now() - t0)} ms\n`) }
  const nodes: SimNode[] = []
  for (let i = 0; i < NODES; i++) nodes.push(await createSimNode())
  log('created')
  // each node joins through a few earlier ones, like bootstrapping through relays; kad-dht's own
  // self-query and table refresh then fill its routing table through the DHT
  await pool(nodes.slice(1), 4, async (node, i) => {
    for (let d = 0; d < JOIN_DIALS; d++) {
      await node.dial(nodes[Math.floor(Math.random() * (i + 1))].getMultiaddrs()[0]).catch(() => {})
    }
  })
  log('joined')
  // wait (bounded) until every routing table has a few peers; no event announces it
  const deadline = Date.now() + SETTLE_MS
  const tableSize = (n: SimNode): number => (n.services.dht as unknown as { routingTable: { size: number } }).routingTable.size
  while (Date.now() < deadline && nodes.some(n => tableSize(n) < ROUTING_TABLE_TARGET)) {
    await new Promise(resolve => setTimeout(resolve, 250))
  }
  log(`routing tables min ${Math.min(...nodes.map(tableSize))} max ${Math.max(...nodes.map(tableSize))}`)
  log('self queries done')
  return nodes
}

export const suite: Suite = {
  prefix: 'dir.',
  names: ['dir.lookup.p50', 'dir.lookup.p99', 'dir.lookup.success', 'dir.lookup.hops', 'dir.discover.500'],
  async run (report, filter) {
    const nodes = await buildNetwork()
    try {
      const hashes = new DirectoryHashCache()
      const owners = new Map<string, Uint8Array>()
      await pool(Array.from({ length: PUBLISHED }, (_, i) => i), 4, async i => {
        const node = nodes[(i * 7) % nodes.length]
        const identity = IdentityKeyPair.generate(systemRandom)
        const certificate = createDeviceCertificate(identity, { devicePeerId: node.peerId.toMultihash().bytes, deviceId: 1, createdAt: Date.now() })
        await publishRecord(node.services.dht, identity, numberOf(i), { devices: [{ deviceId: 1, peerId: node.peerId.toString(), certificate }], mailboxRelays: [], prekeyBundle: new Uint8Array(0) }, { hashes })
        owners.set(numberOf(i), identity.publicKey)
      })
      if (process.env.BENCH_DEBUG != null) process.stderr.write('  published\n')

      if (['dir.lookup.p50', 'dir.lookup.p99', 'dir.lookup.success', 'dir.lookup.hops'].some(filter)) {
        // H of a known contact is cached: these figures are the DHT part of a lookup (scrypt adds ~50-100 ms once per number)
        const latencies: number[] = []
        const hops: number[] = []
        let ok = 0
        for (let i = 0; i < LOOKUPS; i++) {
          const n = numberOf(Math.floor(Math.random() * PUBLISHED))
          const reader = pick(nodes)
          await hashes.hash(n)
          const start = performance.now()
          try {
            const r = await lookup(reader.services.dht, n, { hashes, timeoutMs: LOOKUP_TIMEOUT_MS })
            latencies.push(performance.now() - start)
            if (r.registered && Buffer.from(r.identityKey).equals(Buffer.from(owners.get(n)!))) {
              ok++
              hops.push(r.stats.hops)
            }
          } catch {
            latencies.push(performance.now() - start)
          }
        }
        report({ name: 'dir.lookup.p50', value: percentile(latencies, 50), unit: 'ms' })
        report({ name: 'dir.lookup.p99', value: percentile(latencies, 99), unit: 'ms' })
        report({ name: 'dir.lookup.success', value: ok / LOOKUPS, unit: 'fraction' })
        report({ name: 'dir.lookup.hops', value: hops.length > 0 ? hops.reduce((a, b) => a + b, 0) / hops.length : NaN, unit: 'hops', baseline: Math.log2(NODES) })
      }

      if (filter('dir.discover.500')) {
        // a fresh address book: 500 numbers in national format, every published one among them; pays scrypt for each
        const STRIDE = DISCOVER / PUBLISHED
        const book = Array.from({ length: DISCOVER }, (_, i) => i % STRIDE === 0 ? numberOf(i / STRIDE) : numberOf(PUBLISHED + i)).map(n => `(${n.slice(2, 5)}) ${n.slice(5, 8)}-${n.slice(8)}`)
        const reader = pick(nodes)
        const fresh = new DirectoryHashCache()
        const start = performance.now()
        const result = await discoverContacts(async (e164, options) => await lookup(reader.services.dht, e164, { ...options, hashes: fresh, timeoutMs: LOOKUP_TIMEOUT_MS }), book, { defaultRegion: 'US', concurrency: DISCOVER_CONCURRENCY })
        const seconds = (performance.now() - start) / 1000
        if (result.registered !== PUBLISHED) process.stderr.write(`  dir.discover.500: found ${result.registered} of ${PUBLISHED} registered, ${result.failed} failed\n`)
        report({ name: 'dir.discover.500', value: seconds, unit: 's' })
      }
    } finally {
      await Promise.all(nodes.map(async n => await n.stop()))
    }
  }
}
