/** A running community relay: a libp2p node with the DHT in server mode, a circuit relay v2 server, autonat, and the Parley services whose backends it is given. Knows nothing of flags or processes. */
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@chainsafe/libp2p-noise'
import { nodeNoiseCrypto } from '../../src/net/noise-crypto.js'
import { yamux } from '@libp2p/yamux'
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { autoNAT } from '@libp2p/autonat'
import type { PrivateKey } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import { AGENT_VERSION, DIAL_TIMEOUT_MS } from '../../src/net/constants.js'
import { bootstrapDiscovery, commonServices, nodeDatastore, permissiveGater } from '../../src/net/options.js'
import type { RelayConfig } from './config.js'
import { verifierServer, type VerifierBackend } from '../../src/protocols/verify/index.js'
import { preKeyServer, type PreKeyBackend } from '../../src/protocols/prekeys/index.js'
import { DirectoryDatastore, DIRECTORY_SWEEP_INTERVAL_MS, directoryDhtRules, type DirectoryDhtRules, type DirectoryDhtRulesOptions } from '../../src/directory/index.js'
import { mailboxServer, type MailboxBackend } from '../../src/protocols/mailbox/index.js'
import { groupMailboxServer, type GroupMailboxBackend } from '../../src/protocols/group-mailbox/index.js'
import { blobServer, type BlobBackend } from '../../src/protocols/blob/index.js'
import { turnServer, type TurnBackend } from '../../src/protocols/turn/index.js'

/** The relay's own protocol backends (see services.ts); a service runs only when its backend is given. */
export interface RelayBackends {
  verifier?: VerifierBackend
  prekeys?: PreKeyBackend
  mailbox?: MailboxBackend
  groupMailbox?: GroupMailboxBackend
  blobs?: BlobBackend
  turn?: TurnBackend
  /** libp2p's datastore (DHT records, peer store); libp2p's in-memory one when absent */
  datastore?: Datastore
}

/**
 * Verifier keys the relay's DHT rules trust: the configured ones plus its own verifier's. Undefined (any
 * valid attestation counts) when none is configured: the restriction is opted into with --trusted-verifier,
 * even on a relay running its own verifier (docs/relay.md, decisions).
 */
export function trustedVerifiersOf (config: Pick<RelayConfig, 'trustedVerifiers'>, backends: { verifier?: Pick<VerifierBackend, 'publicKey'> }): Uint8Array[] | undefined {
  if (config.trustedVerifiers.length === 0) return undefined
  const own = backends.verifier?.publicKey
  return own != null ? [...config.trustedVerifiers, own] : [...config.trustedVerifiers]
}

/**
 * Directory records a relay stores (in its LevelDB, not in memory): ~600 MB at ~6 KiB a record, 1.6 GB at
 * the 16 KiB maximum; ten times a Node client's MAX_STORED_RECORDS, as relays are the DHT's backbone.
 */
const RELAY_MAX_STORED_RECORDS = 100_000

/** The directory DHT rules the relay runs (validator, selector and store rule of `parley-phone`). */
export function relayDhtRules (config: Pick<RelayConfig, 'trustedVerifiers'>, backends: { verifier?: Pick<VerifierBackend, 'publicKey'> }, options: Omit<DirectoryDhtRulesOptions, 'trustedVerifiers'> = {}): DirectoryDhtRules {
  const trustedVerifiers = trustedVerifiersOf(config, backends)
  return directoryDhtRules({ store: { maxRecords: RELAY_MAX_STORED_RECORDS }, ...options, ...(trustedVerifiers != null ? { trustedVerifiers } : {}) })
}

export async function createRelayNode (config: RelayConfig, privateKey: PrivateKey, backends: RelayBackends = {}) {
  const rules = relayDhtRules(config, backends)
  // stored directory records follow the store rule (registration lock, seq, envelope expiry, a cap)
  const { datastore } = nodeDatastore({ datastore: backends.datastore, dht: rules })
  const node = await createLibp2p({
    privateKey,
    ...(datastore != null ? { datastore } : {}),
    nodeInfo: { userAgent: `${AGENT_VERSION} relay` },
    addresses: {
      listen: config.listen,
      ...(config.announce.length > 0 ? { announce: config.announce } : {})
    },
    transports: [tcp(), webSockets()],
    connectionEncrypters: [noise({ crypto: nodeNoiseCrypto })],
    streamMuxers: [yamux()],
    connectionGater: permissiveGater,
    connectionManager: {
      maxConnections: config.maxConnections,
      inboundConnectionThreshold: config.inboundPerHost,
      dialTimeout: DIAL_TIMEOUT_MS
    },
    peerDiscovery: bootstrapDiscovery(config.bootstrap),
    start: false,
    services: {
      ...commonServices('server', rules),
      relay: circuitRelayServer({
        reservations: {
          maxReservations: config.maxReservations,
          reservationTtl: config.reservationTtlMs,
          defaultDurationLimit: config.relayDurationLimitMs,
          defaultDataLimit: BigInt(config.relayDataLimitBytes)
        }
      }),
      autonat: autoNAT(),
      ...(backends.verifier != null ? { verifier: verifierServer({ backend: backends.verifier }) } : {}),
      ...(backends.prekeys != null ? { prekeys: preKeyServer({ backend: backends.prekeys }) } : {}),
      ...(backends.mailbox != null ? { mailbox: mailboxServer({ backend: backends.mailbox }) } : {}),
      ...(backends.groupMailbox != null ? { groupMailbox: groupMailboxServer({ backend: backends.groupMailbox }) } : {}),
      ...(backends.blobs != null ? { blob: blobServer({ backend: backends.blobs }) } : {}),
      ...(backends.turn != null ? { turn: turnServer({ backend: backends.turn }) } : {})
    }
  })
  if (datastore instanceof DirectoryDatastore) {
    // records nobody reads expire on disk too, not only when read
    let sweep: ReturnType<typeof setInterval> | undefined
    node.addEventListener('start', () => {
      sweep = setInterval(() => { datastore.sweep().catch(() => {}) }, DIRECTORY_SWEEP_INTERVAL_MS) // a failed sweep is tried again next time
      sweep.unref()
    })
    node.addEventListener('stop', () => { clearInterval(sweep) })
  }
  return node
}

export type RelayNode = Awaited<ReturnType<typeof createRelayNode>>
