/** Options shared by the Node and browser node factories, and the pieces of libp2p config they share. Knows nothing of which transports a platform has. */
import { identify, identifyPush } from '@libp2p/identify'
import { kadDHT, passthroughMapper, type Validators, type Selectors } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { bootstrap } from '@libp2p/bootstrap'
import { DHT_PROTOCOL } from './constants.js'
import { MemoryDatastore } from 'datastore-core'
import { DhtWriteLimiter, limitDhtWrites, type DhtWriteLimits } from './dht-limits.js'
import type { ParleyGossipInit, ParleyPubsub } from './gossip/service.js'
import type { PrivateKey, PeerDiscovery, ComponentLogger, Libp2p } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import type { Libp2pOptions } from 'libp2p'

export interface ParleyNodeInit {
  /** The node's libp2p key; a fresh Ed25519 key when absent. */
  privateKey?: PrivateKey
  /** Multiaddrs of relays to connect to at start. @default [] */
  bootstrap?: string[]
  /** Multiaddrs to listen on; each factory has its own default. */
  listen?: string[]
  /**
   * DHT role. `server` answers DHT queries and is stored in others' routing tables
   * (relays, and Node clients on a network where they are dialable); `client` only asks.
   * @default 'client' in browsers, 'server' in Node
   */
  dhtMode?: 'client' | 'server'
  /** STUN/TURN servers for WebRTC. @default [] (see DEFAULT_ICE_SERVERS) */
  iceServers?: RTCIceServer[]
  /**
   * Inbound connections accepted per second from one host before the rest are refused
   * (libp2p's flood protection). @default 5
   */
  inboundPerSecondPerHost?: number
  /** DHT record rules per namespace (e.g. the directory's `parley-phone`), applied by every node */
  dht?: DhtRecordRules
  /** libp2p's datastore (DHT records, peer store) @default libp2p's in-memory one; wrapped by `dht.wrapDatastore` when given */
  datastore?: Datastore
  /** Gossipsub settings of client nodes (group topics, docs/gossip.md) @default parleyGossipsub's defaults */
  gossip?: ParleyGossipInit
}

/** kad-dht validators and selectors keyed by namespace (the first path segment of the key). */
export interface DhtRecordRules {
  validators?: Validators
  selectors?: Selectors
  /** wraps the node's datastore so stored records follow the rules (kad-dht itself stores a put after the validator only) */
  wrapDatastore?: (inner: Datastore) => Datastore
}

/** The datastore a node gets: `datastore` (in-memory when absent), wrapped by the DHT rules when they have a wrapper. */
export function nodeDatastore (init: Pick<ParleyNodeInit, 'datastore' | 'dht'>): { datastore?: Datastore } {
  const wrap = init.dht?.wrapDatastore
  if (wrap == null) return init.datastore != null ? { datastore: init.datastore } : {}
  return { datastore: wrap(init.datastore ?? new MemoryDatastore()) }
}

/** Bootstrap discovery for a non-empty list, nothing otherwise. */
export function bootstrapDiscovery (list: string[] = []): Array<(components: { logger: ComponentLogger }) => PeerDiscovery> {
  if (list.length === 0) return []
  // bootstrap's components type is wider than we need to name here
  return [bootstrap({ list, timeout: 0 }) as unknown as (components: { logger: ComponentLogger }) => PeerDiscovery]
}

/** Concurrent ping streams per connection each way: the connection monitor's and an app's health check, with slack for one that is closing. */
const PING_MAX_STREAMS = 4

/**
 * Services every Parley node runs: identify, ping and the Parley DHT, whose inbound writes (PUT_VALUE,
 * ADD_PROVIDER) go through a DhtWriteLimiter (per peer, per IP, total; src/net/dht-limits.ts) on every node
 * that serves the DHT, relays and Node clients alike. `dhtWriteLimits` is that limiter (its counters).
 */
export function commonServices (dhtMode: 'client' | 'server', rules: DhtRecordRules = {}, writeLimits: Partial<DhtWriteLimits> = {}) {
  const limiter = new DhtWriteLimiter(writeLimits)
  const dht = kadDHT({
    protocol: DHT_PROTOCOL,
    clientMode: dhtMode === 'client',
    // loopback and private addresses must work for local networks and tests (docs/design.md §9)
    peerInfoMapper: passthroughMapper,
    allowQueryWithZeroPeers: false,
    ...(rules.validators != null ? { validators: rules.validators } : {}),
    ...(rules.selectors != null ? { selectors: rules.selectors } : {})
  })
  return {
    identify: identify(),
    identifyPush: identifyPush(),
    // libp2p's connection monitor pings over the same protocol every few seconds; room for an app's
    // health check (the relays screen) beside it, where the default of 1 outbound stream refuses it
    ping: ping({ maxOutboundStreams: PING_MAX_STREAMS, maxInboundStreams: PING_MAX_STREAMS }),
    dht: (components: Parameters<typeof dht>[0]) => {
      const service = dht(components)
      limitDhtWrites(service, components.registrar, DHT_PROTOCOL, limiter)
      return service
    },
    dhtWriteLimits: () => limiter
  }
}

/** The service instances every Parley node has (what `commonServices` builds). */
export type CommonServices = { [K in keyof ReturnType<typeof commonServices>]: ReturnType<ReturnType<typeof commonServices>[K]> }

/** The services of a client node: the common ones and gossipsub for group topics (`pubsub`, docs/gossip.md); relays run no gossipsub. */
export type ClientServices = CommonServices & { pubsub: ParleyPubsub }

/** What the client facade needs of a node: libp2p with the client services. Both the Node and the browser node are one. */
export type ClientNode = Libp2p<ClientServices>

/**
 * Allows dials to loopback and private addresses, including `ws://`, which the
 * browser default forbids. Parley's local networks (`npm start`, tests, LANs) need them.
 */
export const permissiveGater: NonNullable<Libp2pOptions['connectionGater']> = {
  denyDialMultiaddr: async () => false
}
