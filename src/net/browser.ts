/** Factory for a Parley libp2p node in a browser tab: WebSockets to relays, circuit relay reservations, WebRTC between browsers, gossipsub for group topics. Knows nothing of the page. */
import { createLibp2p } from 'libp2p'
import { webSockets } from '@libp2p/websockets'
import { webRTC } from '@libp2p/webrtc'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import { bootstrapDiscovery, commonServices, nodeDatastore, permissiveGater, type ParleyNodeInit } from './options.js'
import { AGENT_VERSION, DEFAULT_ICE_SERVERS, DIAL_TIMEOUT_MS } from './constants.js'
import { stickyInitChannelEvents } from './webrtc-init-channel.js'
import { parleyGossipsub } from './gossip/service.js'

/** A browser cannot listen on sockets: it is reached through a relay reservation and WebRTC. */
export const BROWSER_DEFAULT_LISTEN = ['/p2p-circuit', '/webrtc']

/**
 * How often a browser node pings each open connection (libp2p's connection monitor; its default is 10 s).
 * An idle tab on a phone would otherwise wake its radio every few seconds. A relay that goes away closes
 * the WebSocket (seen at once); this catches only a silent loss, within a minute (docs/web.md, "Idle traffic").
 */
export const BROWSER_PING_INTERVAL_MS = 60_000

export async function createBrowserNode (init: ParleyNodeInit = {}) {
  // a WebRTC dial must not hang on an init channel the recipient already closed (see the module)
  if (typeof RTCPeerConnection === 'function') stickyInitChannelEvents(RTCPeerConnection.prototype)
  return await createLibp2p({
    ...(init.privateKey != null ? { privateKey: init.privateKey } : {}),
    ...nodeDatastore(init),
    nodeInfo: { userAgent: AGENT_VERSION },
    addresses: { listen: init.listen ?? BROWSER_DEFAULT_LISTEN },
    transports: [
      webSockets(),
      webRTC({ rtcConfiguration: { iceServers: init.iceServers ?? DEFAULT_ICE_SERVERS } }),
      circuitRelayTransport()
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: permissiveGater,
    connectionManager: {
      dialTimeout: DIAL_TIMEOUT_MS,
      ...(init.inboundPerSecondPerHost != null ? { inboundConnectionThreshold: init.inboundPerSecondPerHost } : {})
    },
    connectionMonitor: { pingInterval: BROWSER_PING_INTERVAL_MS },
    peerDiscovery: bootstrapDiscovery(init.bootstrap),
    services: {
      ...commonServices(init.dhtMode ?? 'client', init.dht),
      pubsub: parleyGossipsub(init.gossip)
    }
  })
}

export type BrowserNode = Awaited<ReturnType<typeof createBrowserNode>>

/** A short-lived sending identity for mailbox deposits: a fresh key, WebSockets out to relays, no listeners, no services (see createDepositNodeNode). */
export async function createDepositBrowserNode () {
  return await createLibp2p({
    nodeInfo: { userAgent: AGENT_VERSION },
    addresses: { listen: [] },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: permissiveGater,
    connectionManager: { dialTimeout: DIAL_TIMEOUT_MS }
  })
}
