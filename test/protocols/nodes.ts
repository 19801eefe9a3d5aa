/** Minimal in-process libp2p nodes for protocol tests: TCP on loopback, noise, yamux, and the services a test gives. */
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import type { ServiceFactoryMap } from 'libp2p'

/** Connection timeouts for a node that shares a busy event loop with many others (libp2p's defaults are 6 s per address, 10 s per dial and inbound upgrade). */
export interface NodeTimeouts {
  dialTimeout?: number
  addressDialTimeout?: number
  inboundUpgradeTimeout?: number
}

export async function startNode<S extends Record<string, unknown> = Record<string, unknown>> (services?: ServiceFactoryMap<S>, timeouts: NodeTimeouts = {}): Promise<Libp2p<S>> {
  return await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // tests open many connections from 127.0.0.1 in a burst; libp2p's flood protection would refuse them
    connectionManager: { inboundConnectionThreshold: Number.MAX_SAFE_INTEGER, ...timeouts },
    ...(services != null ? { services } : {})
  }) as Libp2p<S>
}
