/**
 * @packageDocumentation
 *
 * Direct messages (`/parley/dm/1.0.0`, docs/design.md §6 path 1). A device registers
 * `dmService({ backend })` as a libp2p service; the backend persists each envelope before
 * it resolves, and only then does the sender get OK. Senders open one stream per recipient
 * device and pipeline envelopes on it (`openDirectChannel`), or hand a batch to `sendDirect`.
 *
 * @example
 *
 * ```typescript
 * const node = await createLibp2p({ services: { dm: dmService({ backend: { receive: async (envelope, { remotePeer }) => { await inbox.persist(envelope, remotePeer) } } }) } })
 * const channel = await openDirectChannel(node, recipientPeerId)
 * const result = await channel.send(envelope) // { status: 'ok' } once the device persisted it
 * await channel.close()
 * ```
 */
import type { ProtocolComponents } from '../service.js'
import { DmServer } from './server.js'
import type { AbortOptions, PeerId } from '@libp2p/interface'

export interface ReceiveOptions extends AbortOptions {
  /** the libp2p peer that sent the frame (the sealed sender inside is the backend's business) */
  remotePeer: PeerId
}

/**
 * What a device implements behind the protocol. `receive` must persist the envelope (a synced
 * write) before it resolves: resolving is the ack. Throwing answers the sender with a refusal:
 * the error classes of `./errors.js` map to their status, anything else to REFUSED with a
 * generic reason (the error itself is only logged locally).
 */
export interface DirectBackend {
  receive(envelope: Uint8Array, options: ReceiveOptions): Promise<void>
  /**
   * Optional: a window of envelopes that were already buffered on one stream, persisted together
   * (one synced write for all of them). Resolves with one entry per envelope, in order: undefined
   * = persisted (acked OK), an error = refused as `receive` would be. Rejecting refuses them all.
   * Without it the server calls `receive` for each envelope in turn.
   */
  receiveBatch?(envelopes: Uint8Array[], options: ReceiveOptions): Promise<Array<Error | undefined>>
}

export interface DmServiceInit {
  backend: DirectBackend
  /**
   * ms an inbound stream may wait for its next frame before it is aborted
   *
   * @default 60000
   */
  idleTimeout?: number
  /**
   * ms the backend may take for one envelope (or one window) before it is answered REFUSED
   *
   * @default 10000
   */
  receiveTimeout?: number
  /**
   * most frames taken from a stream's buffer and handed to the backend as one window
   *
   * @default 64
   */
  maxReceiveWindow?: number
  /**
   * frames one inbound stream carries before the receiver closes it
   *
   * @default 10000
   */
  maxFramesPerStream?: number
  /**
   * inbound dm streams served at once over all connections; more are aborted
   *
   * @default 64
   */
  maxConcurrentStreams?: number
  /**
   * concurrent inbound dm streams per connection
   *
   * @default 4
   */
  maxInboundStreams?: number
  /**
   * concurrent outbound dm streams per connection
   *
   * @default 4
   */
  maxOutboundStreams?: number
  /**
   * accept dm streams on limited connections (a relay's circuit between two browsers before the WebRTC
   * upgrade): senders use them only for a few small frames (typing, presence); the relay's own data and
   * time caps bound the rest
   *
   * @default true
   */
  runOnLimitedConnection?: boolean
}

/** The parts of libp2p the service uses. */
export type DmComponents = ProtocolComponents

/** The direct-message service for a device's `services`. */
export function dmService (init: DmServiceInit): (components: DmComponents) => DmServer {
  return (components) => new DmServer(components, init)
}

export { DmServer }
export {
  openDirectChannel, sendDirect, newestConnection,
  type ConnectionListingNode,
  type DirectChannel, type DirectChannelOptions, type DirectResult, type DirectSendResult, type DirectStatus, type DirectTarget
} from './client.js'
export {
  DirectMessageError, InvalidEnvelopeError, DirectEnvelopeTooLargeError, DeliveryRefusedError, DirectChannelClosedError, TooManyStreamsError, RateLimitedError
} from './errors.js'
export {
  DM_PROTOCOL, MAX_ENVELOPE_BYTES, MAX_REQUEST_FRAME_BYTES, IDLE_TIMEOUT_MS, RECEIVE_TIMEOUT_MS, MAX_FRAMES_PER_STREAM, MAX_CONCURRENT_STREAMS, MAX_RECEIVE_WINDOW,
  MAX_IN_FLIGHT_FRAMES, MAX_IN_FLIGHT_BYTES, DIRECT_DIAL_TIMEOUT_MS, SEND_TIMEOUT_MS
} from './constants.js'
export type { DialingNode } from '../request-response.js'
