/** Rate limits on the DHT writes a node accepts (PUT_VALUE, ADD_PROVIDER): token buckets per remote peer, per remote IP and in total, enforced per message on kad-dht's inbound handler. Knows nothing of what the records mean. */
import type { Connection, PeerId, Stream, StreamHandler, StreamHandlerOptions, StreamHandlerRecord } from '@libp2p/interface'
import { ipBucket } from './ip-bucket.js'
import { TokenBuckets, type TokenRate } from '../util/token-buckets.js'

export type { TokenRate }

/**
 * Writes one peer may make: an honest device puts its directory record (and now and then a release or a
 * hand-over) on the ~20 peers closest to each key when it (re)publishes; 20 back to back and one every 10 s
 * after that is many times what it needs, and 360 an hour is what a peer id, which is free to make, can cost.
 */
export const DHT_PUTS_PER_PEER: TokenRate = { burst: 20, perSecond: 0.1 }

/**
 * Writes from one IP address (IPv4, or an IPv6 /64): the bound on a flooder that makes fresh peer ids. Wider
 * than per peer because a NAT (a home, an office, a carrier) puts many honest devices behind one address.
 */
export const DHT_PUTS_PER_IP: TokenRate = { burst: 100, perSecond: 1 }

/**
 * Writes from everyone together: the bound on a flood spread over many addresses. A community relay with tens
 * of thousands of users sees well under one directory put a second on average; 50 a second sustained (and
 * 1,000 in a burst, e.g. after a network split heals) keeps validation (an Ed25519 check or two per record)
 * and synced LevelDB writes at a small share of one core.
 */
const DHT_PUTS_TOTAL: TokenRate = { burst: 1000, perSecond: 50 }

/** Peers and addresses whose buckets are remembered at once; the least recently used are forgotten (a forgotten source starts again with a full bucket, so this caps memory, not the limits' strength, as long as the table is far larger than the burst). */
export const MAX_TRACKED_SOURCES = 10_000

/** DHT message types that write to the receiving node's datastore. */
const DHT_WRITE_MESSAGES: ReadonlySet<string> = new Set(['PUT_VALUE', 'ADD_PROVIDER'])

export interface DhtWriteLimits {
  perPeer: TokenRate
  perIp: TokenRate
  total: TokenRate
}

const DEFAULT_DHT_WRITE_LIMITS: DhtWriteLimits = { perPeer: DHT_PUTS_PER_PEER, perIp: DHT_PUTS_PER_IP, total: DHT_PUTS_TOTAL }

/** A DHT write refused by a rate limit; kad-dht aborts the stream with it, so the writer sees its stream reset. */
export class DhtWriteRateLimitedError extends Error {
  static name = 'DhtWriteRateLimitedError'
  constructor (readonly limit: 'peer' | 'ip' | 'total') {
    super(`too many DHT writes (${limit === 'ip' ? 'from this address' : limit === 'peer' ? 'from this peer' : 'in total'}); slow down`)
    this.name = 'DhtWriteRateLimitedError'
  }
}

export interface DhtWriteStats {
  admitted: number
  refused: { peer: number, ip: number, total: number }
}

/** Admits or refuses one DHT write from a connection; all three buckets must have a token, and only then is one taken from each. */
export class DhtWriteLimiter {
  readonly stats: DhtWriteStats = { admitted: 0, refused: { peer: 0, ip: 0, total: 0 } }
  private readonly peers: TokenBuckets
  private readonly ips: TokenBuckets
  private readonly total: TokenBuckets

  constructor (limits: Partial<DhtWriteLimits> = {}, private readonly now: () => number = Date.now) {
    const l = { ...DEFAULT_DHT_WRITE_LIMITS, ...limits }
    this.peers = new TokenBuckets(l.perPeer, MAX_TRACKED_SOURCES)
    this.ips = new TokenBuckets(l.perIp, MAX_TRACKED_SOURCES)
    this.total = new TokenBuckets(l.total, 1)
  }

  /** Throws DhtWriteRateLimitedError when `remotePeer` (at `remoteAddr`'s IP) may not write now; otherwise counts the write. */
  admit (remotePeer: PeerId, connection: Pick<Connection, 'remoteAddr'>): void {
    const now = this.now()
    const peer = remotePeer.toString()
    const ip = ipBucket(connection.remoteAddr) ?? 'unknown'
    let refused: 'peer' | 'ip' | 'total' | undefined
    if (!this.peers.has(peer, now)) refused = 'peer'
    else if (!this.ips.has(ip, now)) refused = 'ip'
    else if (!this.total.has('', now)) refused = 'total'
    if (refused != null) {
      this.stats.refused[refused]++
      throw new DhtWriteRateLimitedError(refused)
    }
    this.peers.take(peer, now)
    this.ips.take(ip, now)
    this.total.take('', now)
    this.stats.admitted++
  }

  /** Sources currently remembered (for tests and metrics). */
  get tracked (): { peers: number, ips: number } {
    return { peers: this.peers.size, ips: this.ips.size }
  }
}

/** What limitDhtWrites needs of libp2p's registrar (an internal interface, so named here by shape). */
export interface HandlerRegistrar {
  getHandler(protocol: string): StreamHandlerRecord
  handle(protocol: string, handler: StreamHandler, options?: StreamHandlerOptions): Promise<void>
}

/** What limitDhtWrites needs of kad-dht 16: its mode switch and its RPC handler (`rpc.onIncomingStream`, `rpc.handleMessage`, not public API). */
interface KadDhtInternals {
  getMode(): 'client' | 'server'
  setMode(mode: 'client' | 'server', options?: unknown): Promise<void>
  rpc?: {
    onIncomingStream(stream: Stream, connection: Connection): Promise<void>
    handleMessage(peerId: PeerId, message: { type: string }): Promise<unknown>
  }
}

/**
 * Puts `limiter` in front of every write message kad-dht receives on `protocol`: the DHT's inbound handler is
 * re-registered (registrar `force`) with one that runs kad-dht's own stream loop, but over a per-stream view of
 * its RPC whose `handleMessage` asks the limiter first. A refused write throws, and kad-dht's loop aborts the
 * stream (other streams and reads go on). Re-applied whenever the DHT switches to server mode. kad-dht has no
 * hook for this; the RPC is reached through its private `rpc` field, and a kad-dht without one fails here
 * loudly instead of running unlimited.
 */
export function limitDhtWrites (dht: unknown, registrar: HandlerRegistrar, protocol: string, limiter: DhtWriteLimiter): void {
  const kad = dht as KadDhtInternals
  const rpc = kad.rpc
  if (rpc == null || typeof rpc.onIncomingStream !== 'function' || typeof rpc.handleMessage !== 'function') {
    throw new Error('kad-dht has no rpc.onIncomingStream/handleMessage: the DHT write limits cannot be installed (docs/network.md)')
  }
  const handler = async (stream: Stream, connection: Connection): Promise<void> => {
    const scoped = Object.create(rpc, {
      handleMessage: {
        value: async (peerId: PeerId, message: { type: string }) => {
          if (DHT_WRITE_MESSAGES.has(message.type)) limiter.admit(peerId, connection)
          return await rpc.handleMessage(peerId, message)
        }
      }
    }) as typeof rpc
    await rpc.onIncomingStream.call(scoped, stream, connection)
  }
  const install = async (): Promise<void> => {
    let options: StreamHandlerOptions = {}
    try {
      options = registrar.getHandler(protocol).options
    } catch {
      // not registered yet: register with libp2p's defaults
    }
    await registrar.handle(protocol, handler, { ...options, force: true })
  }
  const setMode = kad.setMode.bind(kad)
  kad.setMode = async (mode, options) => {
    await setMode(mode, options)
    if (kad.getMode() === 'server') await install()
  }
}
