/**
 * An in-process libp2p network for simulations: a memory transport (`/memory/<name>` addresses; a connection hands
 * each side's writes to the other side's reader on the next turn of the event loop) and a plaintext connection
 * encrypter (the two public keys are exchanged, nothing is encrypted). For benchmarks only: plaintext must never run
 * outside a simulation. Knows nothing of Parley.
 */
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { AbstractMultiaddrConnection, lpStream, type SendResult } from '@libp2p/utils'
import { publicKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { logger } from '@libp2p/logger'
import type { Uint8ArrayList } from 'uint8arraylist'
import {
  TypedEventEmitter, serviceCapabilities, transportSymbol,
  type Connection, type ConnectionEncrypter, type CreateListenerOptions, type DialTransportOptions, type Listener, type ListenerEvents,
  type MessageStream, type MultiaddrConnection, type PrivateKey, type SecureConnectionOptions, type SecuredConnection, type Transport, type Upgrader
} from '@libp2p/interface'

/** The multiaddr protocol of in-process addresses (multicodec `memory`). */
const MEMORY = 'memory'
/** Largest public key message the plaintext exchange reads (an Ed25519 key is 36 bytes; RSA keys are larger). */
const MAX_KEY_BYTES = 4096
/** The plaintext exchange's protocol id: not libp2p's `/plaintext/2.0.0` wire format, so never mistaken for it. */
const PLAINTEXT_PROTOCOL = '/parley-sim/plaintext/1.0.0'

const nameOf = (ma: Multiaddr): string | undefined => ma.getComponents().find(c => c.name === MEMORY)?.value

/** The listeners of one simulated network, by address name. Nodes built with one network's transport can dial each other. */
export class SimNetwork {
  private readonly listeners = new Map<string, SimListener>()
  private dials = 0

  /** The transport factory for `createLibp2p({ transports: [network.transport()] })`. */
  transport (): () => Transport {
    return () => new SimTransport(this)
  }

  /** @internal */
  register (name: string, listener: SimListener): void {
    if (this.listeners.has(name)) throw new Error(`sim network: /memory/${name} is taken`)
    this.listeners.set(name, listener)
  }

  /** @internal */
  unregister (name: string, listener: SimListener): void {
    if (this.listeners.get(name) === listener) this.listeners.delete(name)
  }

  /** @internal a connected pair: the inbound side handed to the listener, the outbound side returned */
  connect (to: Multiaddr): MultiaddrConnection {
    const name = nameOf(to)
    const listener = name != null ? this.listeners.get(name) : undefined
    if (listener == null) throw new Error(`sim network: nobody listens on ${to.toString()}`)
    const outbound = new SimConnection(to, 'outbound')
    const inbound = new SimConnection(multiaddr(`/${MEMORY}/dialer-${++this.dials}`), 'inbound')
    outbound.peer = inbound
    inbound.peer = outbound
    listener.accept(inbound)
    return outbound
  }
}

/** One logger for every simulated connection (libp2p's own loggers are made per component; these are never enabled). */
const connectionLog = logger('parley:sim:connection')

/**
 * One end of an in-memory connection. Writes are queued and handed to the other end together on the next turn of
 * the event loop (like bytes a socket read returns at once), in order; a close follows the data written before it.
 * The buffer is unbounded: the simulation's back-pressure is the one thread's time.
 */
class SimConnection extends AbstractMultiaddrConnection {
  peer?: SimConnection
  private outgoing: Uint8ArrayList[] = []
  private closing = false
  private scheduled = false

  constructor (remoteAddr: Multiaddr, direction: 'inbound' | 'outbound') {
    super({ remoteAddr, direction, log: connectionLog })
  }

  sendData (data: Uint8ArrayList): SendResult {
    this.outgoing.push(data)
    this.schedule()
    return { sentBytes: data.byteLength, canSendMore: true }
  }

  sendReset (): void {
    const peer = this.peer
    this.outgoing = []
    setImmediate(() => { if (peer?.status === 'open') peer.onRemoteReset() })
  }

  async sendClose (): Promise<void> {
    this.closing = true
    this.schedule()
  }

  sendPause (): void {}
  sendResume (): void {}

  private schedule (): void {
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(this.flush)
  }

  private readonly flush = (): void => {
    this.scheduled = false
    const chunks = this.outgoing
    this.outgoing = []
    const peer = this.peer
    if (peer == null) return
    for (const chunk of chunks) {
      if (peer.status !== 'open') break
      peer.onData(chunk)
    }
    if (this.closing) {
      this.closing = false
      peer.onTransportClosed()
    }
  }
}

class SimTransport implements Transport {
  readonly [Symbol.toStringTag] = '@parley/sim-transport'
  readonly [transportSymbol] = true as const
  readonly [serviceCapabilities] = ['@libp2p/transport']

  constructor (private readonly network: SimNetwork) {}

  async dial (ma: Multiaddr, options: DialTransportOptions): Promise<Connection> {
    options.signal.throwIfAborted()
    const maConn = this.network.connect(ma)
    try {
      return await options.upgrader.upgradeOutbound(maConn, options)
    } catch (err) {
      maConn.abort(err as Error)
      throw err
    }
  }

  createListener (options: CreateListenerOptions): Listener {
    return new SimListener(this.network, options.upgrader)
  }

  listenFilter = (addrs: Multiaddr[]): Multiaddr[] => addrs.filter(a => nameOf(a) != null)
  dialFilter = (addrs: Multiaddr[]): Multiaddr[] => addrs.filter(a => nameOf(a) != null)
}

class SimListener extends TypedEventEmitter<ListenerEvents> implements Listener {
  private name?: string
  private readonly shutdown = new AbortController()

  constructor (private readonly network: SimNetwork, private readonly upgrader: Upgrader) {
    super()
  }

  async listen (ma: Multiaddr): Promise<void> {
    const name = nameOf(ma)
    if (name == null || name === '') throw new Error(`sim network: ${ma.toString()} names no /memory/ address`)
    this.network.register(name, this)
    this.name = name
    this.safeDispatchEvent('listening')
  }

  /** @internal an inbound connection from SimNetwork.connect */
  accept (maConn: MultiaddrConnection): void {
    this.upgrader.upgradeInbound(maConn, { signal: this.shutdown.signal }).catch(err => { maConn.abort(err) })
  }

  getAddrs (): Multiaddr[] {
    return this.name != null ? [multiaddr(`/${MEMORY}/${this.name}`)] : []
  }

  updateAnnounceAddrs (): void {}

  async close (): Promise<void> {
    if (this.name != null) this.network.unregister(this.name, this)
    this.shutdown.abort()
    this.safeDispatchEvent('close')
  }
}

/** Each side sends its public key (protobuf, length-prefixed) and reads the other's; the stream is returned as it is. */
class SimPlaintext implements ConnectionEncrypter {
  readonly protocol = PLAINTEXT_PROTOCOL

  constructor (private readonly key: PrivateKey) {}

  async secureInbound (connection: MessageStream, options?: SecureConnectionOptions): Promise<SecuredConnection> {
    return await this.exchange(connection, options)
  }

  async secureOutbound (connection: MessageStream, options?: SecureConnectionOptions): Promise<SecuredConnection> {
    return await this.exchange(connection, options)
  }

  private async exchange (connection: MessageStream, options?: SecureConnectionOptions): Promise<SecuredConnection> {
    const lp = lpStream(connection, { maxDataLength: MAX_KEY_BYTES })
    await lp.write(publicKeyToProtobuf(this.key.publicKey), options)
    const remotePeer = peerIdFromPublicKey(publicKeyFromProtobuf((await lp.read(options)).subarray()))
    if (options?.remotePeer != null && !options.remotePeer.equals(remotePeer)) throw new Error('sim plaintext: the remote is not the peer dialled')
    return { connection: lp.unwrap(), remotePeer }
  }
}

/** The connection encrypter factory for `createLibp2p({ connectionEncrypters: [simPlaintext()] })`. Simulations only. */
export function simPlaintext (): (components: { privateKey: PrivateKey }) => ConnectionEncrypter {
  return components => new SimPlaintext(components.privateKey)
}
