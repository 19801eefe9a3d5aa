/** Connection health of a device's node: what it is connected to (relays, contacts), whether it is reachable, and, when asked to keep connected, redialing the relays with backoff and closing a contact's stale older connections. Knows nothing of messages or the page. */
import { multiaddr } from '@multiformats/multiaddr'
import type { Connection } from '@libp2p/interface'
import type { ClientNode } from '../net/options.js'

/** While no relay is connected (keepConnected), the relays are redialed after this long, doubling up to RELAY_REDIAL_MAX_MS. */
export const RELAY_REDIAL_MS = 2_000
export const RELAY_REDIAL_MAX_MS = 30_000
/** An older connection to a peer that just connected anew is closed when it cannot open a stream within this long (a live one does in a round trip). */
export const STALE_PROBE_MS = 1_500
const PING_PROTOCOL = '/ipfs/ping/1.0.0'

/** One open connection of the device's node. */
export interface NetworkConnection {
  /** the connection's id (stable while it is open) */
  id: string
  /** the remote peer id */
  peer: string
  /** the remote multiaddr */
  addr: string
  /** the peer is one of our relays */
  relay: boolean
}

/** What the device's node is connected to now. */
export interface NetworkStatus {
  /** this device's libp2p peer id */
  peerId: string
  /** at least one of our relays is connected */
  online: boolean
  /** how many relays we start from (0: none configured) */
  relays: number
  /** open connections to our relays */
  relayConnections: number
  /** we hold a relay reservation (a /p2p-circuit address): other devices can dial us */
  reachable: boolean
  /** the addresses other devices can dial us on */
  addresses: string[]
  connections: NetworkConnection[]
}

/** What changed: a connection opened or closed (`peer`, `relay` whether it is one of ours), or our addresses. */
export interface NetworkChange {
  cause: 'connection-open' | 'connection-close' | 'addresses'
  peer?: string
  relay?: boolean
}

export interface ConnectionHealthInit {
  node: ClientNode
  /** the relays we start from (multiaddrs naming their peer id) */
  relays: string[]
  /**
   * Redial the relays with backoff while none is connected (bootstrap discovery dials them once at start: a
   * first dial that failed or a dropped connection would leave the device offline), and probe a peer's older
   * connections when it connects anew, closing those that cannot open a stream in STALE_PROBE_MS.
   */
  keepConnected: boolean
  onChange: (change: NetworkChange) => void
}

export class ConnectionHealth {
  private relayAddrs: string[] = []
  private relayPeers = new Set<string>()
  private redialTimer: ReturnType<typeof setTimeout> | undefined
  private redialDelay = RELAY_REDIAL_MS
  private running = false
  private readonly onOpen = (e: CustomEvent<Connection>): void => { this.opened(e.detail) }
  private readonly onClose = (e: CustomEvent<Connection>): void => { this.changed({ cause: 'connection-close', peer: e.detail.remotePeer.toString(), relay: this.isRelay(e.detail.remotePeer.toString()) }) }
  private readonly onAddresses = (): void => { this.changed({ cause: 'addresses' }) }

  constructor (private readonly init: ConnectionHealthInit) {
    this.setRelays(init.relays)
  }

  /** Follows the node's connections (and keeps connected when asked). */
  start (): void {
    if (this.running) return
    this.running = true
    const node = this.init.node
    node.addEventListener('connection:open', this.onOpen)
    node.addEventListener('connection:close', this.onClose)
    node.addEventListener('self:peer:update', this.onAddresses)
    this.keep()
  }

  stop (): void {
    this.running = false
    const node = this.init.node
    node.removeEventListener('connection:open', this.onOpen)
    node.removeEventListener('connection:close', this.onClose)
    node.removeEventListener('self:peer:update', this.onAddresses)
    if (this.redialTimer != null) clearTimeout(this.redialTimer)
    this.redialTimer = undefined
  }

  /** The relays changed (added or removed by the user). */
  setRelays (relays: string[]): void {
    this.relayAddrs = [...relays]
    this.relayPeers = new Set(relays.map(peerOf).filter((p): p is string => p != null))
    if (this.running) this.keep()
  }

  isRelay (peer: string): boolean {
    return this.relayPeers.has(peer)
  }

  status (): NetworkStatus {
    const node = this.init.node
    const connections = node.getConnections().map(c => ({ id: c.id, peer: c.remotePeer.toString(), addr: c.remoteAddr.toString(), relay: this.isRelay(c.remotePeer.toString()) }))
    const addresses = node.getMultiaddrs().map(a => a.toString())
    const relayConnections = connections.filter(c => c.relay).length
    return {
      peerId: node.peerId.toString(),
      online: relayConnections > 0,
      relays: this.relayPeers.size,
      relayConnections,
      reachable: node.getMultiaddrs().some(a => a.getComponents().some(c => c.name === 'p2p-circuit')),
      addresses,
      connections
    }
  }

  private get relayConnections (): number {
    return this.init.node.getConnections().filter(c => this.relayPeers.has(c.remotePeer.toString())).length
  }

  private opened (c: Connection): void {
    const peer = c.remotePeer.toString()
    const relay = this.isRelay(peer)
    if (!relay && this.init.keepConnected) this.probeOlderConnections(c)
    this.changed({ cause: 'connection-open', peer, relay })
  }

  private changed (change: NetworkChange): void {
    if (change.cause !== 'addresses') this.keep()
    this.init.onChange(change)
  }

  /** Online: the redial backoff starts over; offline: a redial is scheduled. */
  private keep (): void {
    if (!this.init.keepConnected) return
    if (this.relayConnections > 0) {
      this.redialDelay = RELAY_REDIAL_MS
      if (this.redialTimer != null) clearTimeout(this.redialTimer)
      this.redialTimer = undefined
    } else {
      this.scheduleRedial()
    }
  }

  private scheduleRedial (): void {
    if (this.redialTimer != null || !this.running || this.relayAddrs.length === 0) return
    this.redialTimer = setTimeout(() => {
      this.redialTimer = undefined
      if (!this.running || this.relayConnections > 0) return
      this.redialDelay = Math.min(this.redialDelay * 2, RELAY_REDIAL_MAX_MS)
      void Promise.allSettled(this.relayAddrs.map(async a => await this.init.node.dial(multiaddr(a), { signal: AbortSignal.timeout(RELAY_REDIAL_MAX_MS) })))
        .then(() => { if (this.running) this.keep() })
    }, this.redialDelay)
  }

  /**
   * A contact's tab that was reloaded or closed leaves its WebRTC connection to us looking open until ICE
   * gives up (10-30 s), and mail or receipts written on it wait that long. When the peer connects anew, open
   * a ping stream on each older connection to it: one that cannot open a stream in STALE_PROBE_MS is closed.
   */
  private probeOlderConnections (fresh: Connection): void {
    for (const old of this.init.node.getConnections(fresh.remotePeer)) {
      if (old === fresh || old.timeline.open > fresh.timeline.open) continue
      old.newStream(PING_PROTOCOL, { signal: AbortSignal.timeout(STALE_PROBE_MS) })
        .then(stream => { stream.abort(new Error('probe only')) }, () => { if (this.running) old.abort(new Error('no stream within the stale probe time')) })
    }
  }
}

function peerOf (addr: string): string | undefined {
  try {
    return multiaddr(addr).getComponents().findLast(c => c.name === 'p2p')?.value
  } catch {
    return undefined
  }
}
