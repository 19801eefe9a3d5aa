/**
 * @packageDocumentation
 *
 * Relay mailboxes (`/parley/mailbox/1.0.0`, docs/design.md §6). Senders deposit opaque sealed-sender
 * envelopes for an owner device (many per stream, one answer each, in order; the relay answers
 * `ok` only after a synced write). The owner opens its mailbox with a signed challenge, receives
 * every stored envelope after a cursor (oldest first, in pages, then a drained marker), optionally
 * stays subscribed for live pushes, and acks what it has persisted so the relay deletes it.
 *
 * @example
 *
 * ```typescript
 * const relay = await createLibp2p({ services: { mailbox: mailboxServer({ backend }) } })
 * const [result] = await depositEnvelopes(sender, relayAddr, [{ owner: identityKey, deviceId: 1, envelope }])
 * const session = await openMailbox(owner, relayAddr, { identity, deviceId: 1, subscribe: true })
 * for await (const { id, envelope } of session) { await persist(envelope); await session.ack([id]) }
 * ```
 */
import type { ProtocolComponents } from '../service.js'
import { MailboxServer } from './server.js'
import type { AbortOptions, PeerId } from '@libp2p/interface'

/** A mailbox belongs to one device of one identity. */
export interface MailboxOwner {
  /** 32-byte Ed25519 identity public key */
  identityKey: Uint8Array
  deviceId: number
}

/** One stored envelope as the owner receives it. */
export interface MailboxEntry {
  /** time-ordered id, also the cursor to resume after */
  id: string
  envelope: Uint8Array
  /** ms since the epoch when the relay stored it */
  receivedAt: number
}

/**
 * One pipelined deposit stream's shared state. Once a deposit of the stream is refused for the rate limit,
 * every later one of that stream is refused too (even if the window has room again by then): otherwise a
 * later envelope could be stored before an earlier one that the sender retries, and mail would arrive out of order.
 */
export interface DepositStream {
  refused?: Error
}

export interface DepositOptions extends AbortOptions {
  stream?: DepositStream
  /** the DEPOSIT frame's proof of the owner's delivery token (empty or absent = none); the backend checks it against the owner's delivery key */
  proof?: Uint8Array
}

/** What a relay implements: storage, quotas, rate limits, expiry and live notification. Refusals are thrown as the error classes of `./errors.js`. */
export interface MailboxBackend {
  /** Stores an envelope for `owner` and resolves with its id only once the write is synced to disk. */
  deposit(owner: MailboxOwner, envelope: Uint8Array, requester: PeerId, options?: DepositOptions): Promise<string>
  /** Up to `limit` envelopes (and about `maxBytes`) after the cursor, oldest first; expired ones are left out. */
  list(owner: MailboxOwner, after: string | undefined, limit: number, maxBytes: number, options?: AbortOptions): Promise<MailboxEntry[]>
  /** Deletes these envelopes with a synced write; unknown ids are ignored. */
  ack(owner: MailboxOwner, ids: string[], options?: AbortOptions): Promise<void>
  /** Calls `listener` for each envelope committed for `owner` from now on; returns the unsubscribe function. */
  subscribe(owner: MailboxOwner, listener: (entry: MailboxEntry) => void): () => void
  /** Stores the owner's delivery key (sent in an authenticated AUTH), replacing the previous one. Without this method deposits have no tokened quota. */
  setDeliveryKey?(owner: MailboxOwner, key: Uint8Array, options?: AbortOptions): Promise<void>
}

export interface MailboxServerInit {
  backend: MailboxBackend
  /**
   * ms a deposit stream may wait for its next frame, and an owner for each step of authentication
   *
   * @default 10000
   */
  timeout?: number
  /**
   * ms an authenticated owner session without subscription may stay idle before the relay closes it
   *
   * @default 60000
   */
  sessionIdleTimeout?: number
  /**
   * ms between KEEPALIVE frames on subscribed sessions
   *
   * @default 30000
   */
  keepaliveInterval?: number
  /**
   * concurrent inbound mailbox streams per connection
   *
   * @default 16
   */
  maxInboundStreams?: number
  /**
   * concurrent outbound mailbox streams per connection
   *
   * @default 16
   */
  maxOutboundStreams?: number
  /**
   * the clock auth timestamps are checked against
   *
   * @default Date.now
   */
  now?: () => number
}

/** The parts of libp2p the service uses. */
export interface MailboxComponents extends ProtocolComponents {
  peerId: PeerId
}

/** The mailbox service for a relay's `services`. */
export function mailboxServer (init: MailboxServerInit): (components: MailboxComponents) => MailboxServer {
  return (components) => new MailboxServer(components, init)
}

export { MailboxServer }
export {
  depositEnvelopes, openMailbox, relayPeerIdOf, MailboxSession,
  type Deposit, type DepositResult, type MailboxCallOptions, type MailboxNode, type OpenMailboxInit
} from './client.js'
export { deliveryKey, depositProof, checkDepositProof, DELIVERY_TOKEN_BYTES, DELIVERY_KEY_BYTES, DEPOSIT_PROOF_BYTES } from './token.js'
export { signAuth, verifyAuth, authSignatureMessage, type AuthContext } from './auth.js'
export {
  MailboxServiceError, InvalidMailboxRequestError, MailboxAuthError, MailboxFullError, EnvelopeTooLargeError,
  UnknownMailboxError, MailboxInternalError, MailboxClosedError, RateLimitedError
} from './errors.js'
export {
  MAILBOX_PROTOCOL, MAX_ENVELOPE_BYTES, MAX_CLIENT_FRAME_BYTES, MAX_RELAY_FRAME_BYTES, MAX_PAGE_ENVELOPES, MAX_PAGE_BYTES,
  MAX_ACK_IDS, MAX_PIPELINED_DEPOSITS, MAX_CLOCK_SKEW_MS, TIMEOUT
} from './constants.js'
