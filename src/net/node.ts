/** Factory for a Parley libp2p node in Node.js: TCP, WebSockets, WebRTC and circuit relay, gossipsub for group topics. Knows nothing of relays' services or of messages. */
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { webRTC } from '@libp2p/webrtc'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { noise } from '@chainsafe/libp2p-noise'
import { nodeNoiseCrypto } from './noise-crypto.js'
import { yamux } from '@libp2p/yamux'
import { dcutr } from '@libp2p/dcutr'
import { bootstrapDiscovery, commonServices, nodeDatastore, permissiveGater, type ParleyNodeInit } from './options.js'
import { AGENT_VERSION, DEFAULT_ICE_SERVERS, DIAL_TIMEOUT_MS } from './constants.js'
import { parleyGossipsub } from './gossip/service.js'

/** Default Node listeners: loopback TCP and WebSockets on free ports, plus relayed and WebRTC addresses. */
export const NODE_DEFAULT_LISTEN = ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws', '/p2p-circuit', '/webrtc']

export async function createNodeNode (init: ParleyNodeInit = {}) {
  return await createLibp2p({
    ...(init.privateKey != null ? { privateKey: init.privateKey } : {}),
    ...nodeDatastore(init),
    nodeInfo: { userAgent: AGENT_VERSION },
    addresses: { listen: init.listen ?? NODE_DEFAULT_LISTEN },
    transports: [
      tcp(),
      webSockets(),
      webRTC({ rtcConfiguration: { iceServers: init.iceServers ?? DEFAULT_ICE_SERVERS } }),
      circuitRelayTransport()
    ],
    connectionEncrypters: [noise({ crypto: nodeNoiseCrypto })],
    streamMuxers: [yamux()],
    connectionGater: permissiveGater,
    connectionManager: {
      dialTimeout: DIAL_TIMEOUT_MS,
      ...(init.inboundPerSecondPerHost != null ? { inboundConnectionThreshold: init.inboundPerSecondPerHost } : {})
    },
    peerDiscovery: bootstrapDiscovery(init.bootstrap),
    services: {
      ...commonServices(init.dhtMode ?? 'server', init.dht),
      dcutr: dcutr(),
      pubsub: parleyGossipsub(init.gossip)
    }
  })
}

export type ParleyNode = Awaited<ReturnType<typeof createNodeNode>>

/**
 * A short-lived sending identity for mailbox deposits (sealed sender in fact): a fresh Ed25519 key, TCP and
 * WebSockets out to relays, noise and yamux, and nothing else: no listeners, no services, no discovery, so it
 * serves nothing and is known to no one. Stopped after use.
 */
export async function createDepositNodeNode () {
  return await createLibp2p({
    nodeInfo: { userAgent: AGENT_VERSION },
    addresses: { listen: [] },
    transports: [tcp(), webSockets()],
    connectionEncrypters: [noise({ crypto: nodeNoiseCrypto })],
    streamMuxers: [yamux()],
    connectionGater: permissiveGater,
    connectionManager: { dialTimeout: DIAL_TIMEOUT_MS }
  })
}
