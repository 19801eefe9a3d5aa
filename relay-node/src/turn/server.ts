/** What the relay needs of the TURN server it runs (embedded node-turn or a coturn child): its addresses, making a credential usable, stopping. Knows nothing of libp2p or of who asks. */
import type { TurnCredential } from './credentials.js'

/** Where and how a TURN server listens and relays. */
export interface TurnListenInit {
  /** the local IP address the server listens on (UDP, and TCP for coturn) and relays from */
  relayIp: string
  /** the STUN/TURN port */
  port: number
  /** the range of relayed transport addresses' ports */
  minPort: number
  maxPort: number
  /** the public address reported for allocations when `relayIp` is a private address behind a 1:1 NAT */
  externalIp?: string
  /** relay to loopback peers (tests, where both peers are on the relay's machine) */
  allowLoopback: boolean
  /** operator log (the relay's stderr); never given keys or credentials */
  log: (message: string) => void
}

export interface TurnServerStats {
  /** allocations open now (the embedded server; coturn's are its own) */
  allocations?: number
  /** credentials the server remembers (the embedded server's user table) */
  credentials?: number
}

/** A running TURN server. */
export interface RelayTurnServer {
  readonly kind: 'embedded' | 'coturn'
  /** false once it stopped or (coturn) exited */
  readonly running: boolean
  readonly stats: TurnServerStats
  /** Makes an issued credential usable until it expires; throws RateLimitedError when the server holds too many. */
  grant (credential: TurnCredential): void
  stop (): Promise<void>
}

/** The relay's TURN server could not start (its port is taken, coturn is not installed or failed); the message is one line for the operator. */
export class TurnStartError extends Error {
  static name = 'TurnStartError'
  constructor (message: string) {
    super(message)
    this.name = 'TurnStartError'
  }
}
