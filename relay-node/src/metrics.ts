/** Prometheus text exposition of a relay's state at /metrics, and liveness at /healthz. Knows nothing of how the relay was configured. */
import { createServer, type Server } from 'node:http'
import type { RelayNode } from './relay.js'
import type { MailboxStats } from './mailbox/index.js'
import type { GroupMailboxStats } from './group-mailbox/index.js'
import type { BlobStoreStats } from './blob-store/index.js'
import type { RelayTurnService } from './turn/index.js'

/** Counters kept by the relay's services, shown when given. */
export interface MetricSources {
  mailbox?: MailboxStats
  groupMailbox?: GroupMailboxStats
  blobs?: BlobStoreStats
  /** the TURN backend (its counters and its server's state) */
  turn?: Pick<RelayTurnService, 'stats' | 'server'>
}

interface Sample { name: string, help: string, type: 'gauge' | 'counter', values: Array<[labels: string, value: number]> }

/** Reads the routing table size through the kad-dht implementation, which exposes it. */
function routingTableSize (node: RelayNode): number {
  const dht = node.services.dht as unknown as { routingTable?: { size?: number } }
  return dht.routingTable?.size ?? 0
}

function mailboxSamples (stats: MailboxStats): Sample[] {
  return [
    { name: 'parley_mailbox_deposits_total', help: 'Envelopes stored (synced) in mailboxes', type: 'counter', values: [['', stats.deposited]] },
    { name: 'parley_mailbox_untokened_deposits_total', help: 'Of those, stored without a delivery-token proof (the shared stranger quota)', type: 'counter', values: [['', stats.untokened]] },
    { name: 'parley_mailbox_refusals_total', help: 'Deposits refused (quota, rate, unknown owner, size)', type: 'counter', values: [['', stats.refused]] },
    { name: 'parley_mailbox_delivered_total', help: 'Envelopes sent to owners', type: 'counter', values: [['', stats.delivered]] },
    { name: 'parley_mailbox_acked_total', help: 'Envelopes deleted after the owner acked them', type: 'counter', values: [['', stats.acked]] },
    { name: 'parley_mailbox_expired_total', help: 'Envelopes deleted unfetched after the TTL', type: 'counter', values: [['', stats.expired]] }
  ]
}

function groupMailboxSamples (stats: GroupMailboxStats): Sample[] {
  return [
    { name: 'parley_group_mailbox_deposits_total', help: 'Group messages stored (synced)', type: 'counter', values: [['', stats.deposited]] },
    { name: 'parley_group_mailbox_duplicates_total', help: 'Group deposits of messages already stored (nothing written)', type: 'counter', values: [['', stats.duplicates]] },
    { name: 'parley_group_mailbox_refusals_total', help: 'Group deposits refused (unknown topic or key, quota, rate, size)', type: 'counter', values: [['', stats.refused]] },
    { name: 'parley_group_mailbox_delivered_total', help: 'Group messages sent to devices (fetches and gets by ref)', type: 'counter', values: [['', stats.delivered]] },
    { name: 'parley_group_mailbox_acked_total', help: 'Group messages deleted once every registered device acked them', type: 'counter', values: [['', stats.acked]] },
    { name: 'parley_group_mailbox_expired_total', help: 'Group messages deleted after the TTL', type: 'counter', values: [['', stats.expired]] }
  ]
}

function blobSamples (stats: BlobStoreStats): Sample[] {
  return [
    { name: 'parley_blob_stored_bytes', help: 'Bytes of complete blobs plus bytes reserved by uploads in progress', type: 'gauge', values: [['', stats.storedBytes]] },
    { name: 'parley_blob_uploads_total', help: 'Uploads completed, as a new blob or as one already stored (deduplicated)', type: 'counter', values: [['result="new"', stats.completed], ['result="deduplicated"', stats.deduplicated]] },
    { name: 'parley_blob_committed_bytes_total', help: 'Chunk bytes synced and acknowledged to uploaders', type: 'counter', values: [['', stats.committedBytes]] },
    { name: 'parley_blob_downloads_total', help: 'Blob downloads opened', type: 'counter', values: [['', stats.downloads]] },
    { name: 'parley_blob_sent_bytes_total', help: 'Chunk bytes read for downloads', type: 'counter', values: [['', stats.sentBytes]] },
    { name: 'parley_blob_refusals_total', help: 'Blob requests refused (quota, unknown or expired, auth, rate, mismatch)', type: 'counter', values: [['', stats.refused]] },
    { name: 'parley_blob_expired_total', help: 'Blobs deleted after their TTL', type: 'counter', values: [['', stats.expired]] },
    { name: 'parley_blob_abandoned_total', help: 'Unfinished uploads given up after a day without a chunk', type: 'counter', values: [['', stats.abandoned]] }
  ]
}

function turnSamples (turn: NonNullable<MetricSources['turn']>): Sample[] {
  const r = turn.stats.refused
  const server = turn.server.stats
  return [
    { name: 'parley_turn_up', help: 'Whether the relay\'s TURN server runs (1) or not (0: coturn exited)', type: 'gauge', values: [[`server="${turn.server.kind}"`, turn.server.running ? 1 : 0]] },
    { name: 'parley_turn_credentials_issued_total', help: 'TURN credentials issued to registered devices', type: 'counter', values: [['', turn.stats.issued]] },
    {
      name: 'parley_turn_refusals_total',
      help: 'TURN credential requests refused, by reason',
      type: 'counter',
      values: [['reason="unknown_device"', r.unknownDevice], ['reason="auth"', r.auth], ['reason="rate_limited"', r.rateLimited], ['reason="not_offered"', r.notOffered], ['reason="malformed"', r.malformed], ['reason="internal"', r.internal]]
    },
    ...(server.allocations != null ? [{ name: 'parley_turn_allocations', help: 'Allocations open on the embedded TURN server', type: 'gauge' as const, values: [['', server.allocations]] as Array<[string, number]> }] : []),
    ...(server.credentials != null ? [{ name: 'parley_turn_credentials', help: 'Credentials the embedded TURN server holds (unexpired, or in use by an allocation)', type: 'gauge' as const, values: [['', server.credentials]] as Array<[string, number]> }] : [])
  ]
}

/** The DHT write limiter's counters (src/net/dht-limits.ts). */
function dhtWriteSamples (node: RelayNode): Sample[] {
  const { admitted, refused } = node.services.dhtWriteLimits.stats
  return [
    { name: 'parley_dht_writes_total', help: 'DHT writes (PUT_VALUE, ADD_PROVIDER) let through to kad-dht', type: 'counter', values: [['', admitted]] },
    { name: 'parley_dht_writes_refused_total', help: 'DHT writes refused by a rate limit (stream aborted)', type: 'counter', values: [['limit="peer"', refused.peer], ['limit="ip"', refused.ip], ['limit="total"', refused.total]] }
  ]
}

export function collect (node: RelayNode, startedAt: number, sources: MetricSources = {}): Sample[] {
  const connections = node.getConnections()
  const byKey = new Map<string, number>()
  let streams = 0
  for (const c of connections) {
    const names = c.remoteAddr.getComponents().map(p => p.name)
    const transport = names.includes('p2p-circuit') ? 'circuit' : names.includes('ws') || names.includes('wss') ? 'ws' : names.includes('webrtc') ? 'webrtc' : 'tcp'
    const key = `direction="${c.direction}",transport="${transport}"`
    byKey.set(key, (byKey.get(key) ?? 0) + 1)
    streams += c.streams.length
  }
  const mem = process.memoryUsage()
  return [
    { name: 'parley_connections', help: 'Open libp2p connections', type: 'gauge', values: byKey.size > 0 ? [...byKey] : [['', 0]] },
    { name: 'parley_streams', help: 'Open streams over all connections', type: 'gauge', values: [['', streams]] },
    { name: 'parley_peers', help: 'Distinct connected peers', type: 'gauge', values: [['', node.getPeers().length]] },
    { name: 'parley_dht_routing_table_size', help: 'Peers in the DHT routing table', type: 'gauge', values: [['', routingTableSize(node)]] },
    ...dhtWriteSamples(node),
    { name: 'parley_relay_reservations', help: 'Active circuit relay v2 reservations', type: 'gauge', values: [['', node.services.relay.reservations.size]] },
    { name: 'process_resident_memory_bytes', help: 'Resident set size', type: 'gauge', values: [['', mem.rss]] },
    { name: 'process_heap_used_bytes', help: 'V8 heap in use', type: 'gauge', values: [['', mem.heapUsed]] },
    { name: 'process_heap_total_bytes', help: 'V8 heap reserved (used, free and fragmented)', type: 'gauge', values: [['', mem.heapTotal]] },
    { name: 'process_external_bytes', help: 'Memory outside the V8 heap held by JavaScript objects (Buffers, ArrayBuffers)', type: 'gauge', values: [['', mem.external]] },
    { name: 'process_array_buffers_bytes', help: 'ArrayBuffers and Buffers (part of external)', type: 'gauge', values: [['', mem.arrayBuffers]] },
    { name: 'parley_uptime_seconds', help: 'Seconds since the relay started', type: 'gauge', values: [['', Math.round((Date.now() - startedAt) / 1000)]] },
    ...(sources.mailbox != null ? mailboxSamples(sources.mailbox) : []),
    ...(sources.groupMailbox != null ? groupMailboxSamples(sources.groupMailbox) : []),
    ...(sources.blobs != null ? blobSamples(sources.blobs) : []),
    ...(sources.turn != null ? turnSamples(sources.turn) : [])
  ]
}

export function render (samples: Sample[]): string {
  const out: string[] = []
  for (const s of samples) {
    out.push(`# HELP ${s.name} ${s.help}`, `# TYPE ${s.name} ${s.type}`)
    for (const [labels, value] of s.values) out.push(`${s.name}${labels === '' ? '' : `{${labels}}`} ${value}`)
  }
  return out.join('\n') + '\n'
}

/** Starts the metrics server; resolves once it listens, rejects with the listen error. */
export async function startMetricsServer (node: RelayNode, host: string, port: number, sources: MetricSources = {}): Promise<Server> {
  const startedAt = Date.now()
  const server = createServer((req, res) => {
    if (req.method !== 'GET') {
      res.writeHead(405).end()
      return
    }
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(render(collect(node, startedAt, sources)))
    } else if (req.url === '/healthz') {
      const ok = node.status === 'started'
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : `${node.status}\n`)
    } else {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  return server
}
