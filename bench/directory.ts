/** Directory benchmarks: a simulated network of 100+ in-process libp2p nodes (loopback TCP, DHT servers with the directory rules); lookup latency, success, hops, and discovering 500 numbers. */
import { performance as perf } from 'node:perf_hooks'
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
/**
 * After joining, kad-dht's self-queries and table refreshes of all 100 nodes keep the one thread busy for
 * ~10 s; measuring then would time that backlog, not lookups. The network counts as settled when the event
 * loop was busy less than QUIET_UTILISATION of a QUIET_WINDOW_MS window (at most QUIET_MAX_MS).
 */
const QUIET_UTILISATION = 0.25
const QUIET_WINDOW_MS = 500
const QUIET_MAX_MS = 20_000
/** Per-lookup time limit: a lookup slower than this counts as a failure. */
const LOOKUP_TIMEOUT_MS = 5_000
/** Numbers published; lookups and discovery hit these. */
const PUBLISHED = 20
const LOOKUPS = 100
const DISCOVER = 500
/** Lookups in flight during discovery: the client's default (DEFAULT_DISCOVERY_CONCURRENCY). */

async function createSimNode () {
  return await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: permissiveGater,
    // every node dials from 127.0.0.1: lift the per-host inbound rate limit
    connectionManager: { inboundConnectionThreshold: 1_000_000, maxConnections: 1000 },
    // libp2p pings every connection every 10 s to find dead ones; with ~2,500 loopback connections on one
    // thread that is a burst of ~500 stream set-ups every 10 s, which real nodes spread over their own CPUs
    connectionMonitor: { enabled: false },
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

const tableOf = (n: SimNode): EventTarget & { size: number } => (n.services.dht as unknown as { routingTable: EventTarget & { size: number } }).routingTable

/** Resolves when the routing table holds `target` peers, or after `signal` fires (the caller checks the sizes). */
async function tableFilled (n: SimNode, target: number, signal: AbortSignal): Promise<void> {
  const table = tableOf(n)
  if (table.size >= target || signal.aborted) return
  await new Promise<void>(resolve => {
    const done = (): void => {
      table.removeEventListener('peer:add', onAdd)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const onAdd = (): void => { if (table.size >= target) done() }
    table.addEventListener('peer:add', onAdd)
    signal.addEventListener('abort', done, { once: true })
  })
}

/** Waits until the event loop is mostly idle over a window (see QUIET_UTILISATION), at most QUIET_MAX_MS; returns the last utilisation. */
async function quiet (): Promise<number> {
  const deadline = Date.now() + QUIET_MAX_MS
  let u = 1
  while (Date.now() < deadline) {
    const before = perf.eventLoopUtilization()
    await new Promise(resolve => setTimeout(resolve, QUIET_WINDOW_MS))
    u = perf.eventLoopUtilization(before).utilization
    if (u < QUIET_UTILISATION) break
  }
  return u
}

async function buildNetwork (): Promise<SimNode[]> {
  const t0 = performance.now()
  const log = (what: string): void => { if (process.env.BENCH_DEBUG != null) process.stderr.write(`  ${what} at ${Math.round(performance.now() - t0)} ms\n`) }
  const nodes = await Promise.all(Array.from({ length: NODES }, createSimNode))
  log('created')
  // each node joins through a few earlier ones, like bootstrapping through relays; kad-dht's own
  // self-query and table refresh then fill its routing table through the DHT. All nodes join at once.
  await Promise.all(nodes.slice(1).map(async (node, i) => {
    for (let d = 0; d < JOIN_DIALS; d++) {
      await node.dial(nodes[Math.floor(Math.random() * (i + 1))].getMultiaddrs()[0]).catch(() => {})
    }
  }))
  log('joined')
  // every routing table reaches the target (kad-dht's 'peer:add' events), bounded by SETTLE_MS
  const settle = AbortSignal.timeout(SETTLE_MS)
  await Promise.all(nodes.map(async n => { await tableFilled(n, ROUTING_TABLE_TARGET, settle) }))
  const sizes = nodes.map(n => tableOf(n).size)
  log(`routing tables min ${Math.min(...sizes)} max ${Math.max(...sizes)}`)
  const u = await quiet()
  log(`settled (event loop ${Math.round(u * 100)}% busy), ${nodes.reduce((a, n) => a + n.getConnections().length, 0)} connections`)
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
        await publishRecord(node.services.dht, identity, numberOf(i), { devices: [{ deviceId: 1, peerId: node.peerId.toString(), certificate, prekeyBundle: new Uint8Array(0) }], mailboxRelays: [] }, { hashes })
        owners.set(numberOf(i), identity.publicKey)
      })
      const debug = (what: string): void => { if (process.env.BENCH_DEBUG != null) process.stderr.write(`  ${what}\n`) }
      debug('published')

      if (['dir.lookup.p50', 'dir.lookup.p99', 'dir.lookup.success', 'dir.lookup.hops'].some(filter)) {
        // H of a known contact is cached: these figures are the DHT part of a lookup (scrypt adds ~50-100 ms once per number)
        const latencies: number[] = []
        const hops: number[] = []
        let ok = 0
        let early = 0
        const started = performance.now()
        for (let i = 0; i < LOOKUPS; i++) {
          const n = numberOf(Math.floor(Math.random() * PUBLISHED))
          const reader = pick(nodes)
          await hashes.hash(n)
          const start = performance.now()
          try {
            const r = await lookup(reader.services.dht, n, { hashes, timeoutMs: LOOKUP_TIMEOUT_MS })
            latencies.push(performance.now() - start)
            if (r.stats.endedEarly) early++
            if (r.registered && Buffer.from(r.identityKey).equals(Buffer.from(owners.get(n)!))) {
              ok++
              hops.push(r.stats.hops)
            }
          } catch {
            latencies.push(performance.now() - start)
          }
        }
        debug(`${LOOKUPS} lookups in ${Math.round(performance.now() - started)} ms, ${early} ended by the quorum rule`)
        report({ name: 'dir.lookup.p50', value: percentile(latencies, 50), unit: 'ms' })
        report({ name: 'dir.lookup.p99', value: percentile(latencies, 99), unit: 'ms' })
        report({ name: 'dir.lookup.success', value: ok / LOOKUPS, unit: 'fraction' })
        report({ name: 'dir.lookup.hops', value: hops.length > 0 ? hops.reduce((a, b) => a + b, 0) / hops.length : NaN, unit: 'hops', baseline: Math.log2(NODES) })
      }

      if (filter('dir.discover.500')) {
        // a client's defaults (concurrency, 30 s lookup timeout, quorum); a fresh address book: 500 numbers in national format, every published one among them; pays scrypt for each
        const STRIDE = DISCOVER / PUBLISHED
        const book = Array.from({ length: DISCOVER }, (_, i) => i % STRIDE === 0 ? numberOf(i / STRIDE) : numberOf(PUBLISHED + i)).map(n => `(${n.slice(2, 5)}) ${n.slice(5, 8)}-${n.slice(8)}`)
        const reader = pick(nodes)
        const fresh = new DirectoryHashCache()
        const start = performance.now()
        const result = await discoverContacts(async (e164, options) => await lookup(reader.services.dht, e164, { ...options, hashes: fresh }), book, { defaultRegion: 'US' })
        const seconds = (performance.now() - start) / 1000
        // a registered number reported absent would make the figure meaningless: say so loudly
        if (result.registered !== PUBLISHED) process.stderr.write(`  dir.discover.500: found ${result.registered} of ${PUBLISHED} registered, ${result.failed} failed\n`)
        if (process.env.BENCH_DEBUG != null) process.stderr.write(`  discovered ${result.registered} registered, ${result.failed} failed in ${seconds.toFixed(1)} s\n`)
        report({ name: 'dir.discover.500', value: seconds, unit: 's' })
      }
    } finally {
      await Promise.all(nodes.map(async n => await n.stop()))
    }
  }
}
