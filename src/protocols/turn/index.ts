/**
 * @packageDocumentation
 *
 * TURN credentials from community relays (`/parley/turn/1.0.0`, docs/turn.md, issue 19): a relay that runs a TURN
 * server (`parley-relay --turn`) hands its registered devices (those that uploaded prekeys there) short-lived
 * credentials in the TURN REST API form that coturn checks with `use-auth-secret`, with the relay's STUN and TURN
 * urls. A device proves who it is by signing the relay's challenge (the owner auth the mailboxes and the blob store
 * use, under this protocol's own domain). Calls use the answer as `RTCPeerConnection`'s `iceServers`; ICE still
 * prefers direct paths, and the DTLS fingerprints bound by the end-to-end encrypted signalling keep the TURN server
 * out of the media.
 *
 * @example
 *
 * ```typescript
 * const relay = await createLibp2p({ services: { turn: turnServer({ backend }) } })
 * const iceServers = await requestTurnCredentials(node, relayPeerId, { identity, deviceId: 1 }, { signal })
 * const pc = new RTCPeerConnection({ iceServers })
 * ```
 */
import type { ProtocolComponents } from '../service.js'
import type { MailboxOwner } from '../mailbox/index.js'
import type { IceServer } from './ice-servers.js'
import { TurnServer } from './server.js'
import type { AbortOptions, PeerId } from '@libp2p/interface'

/** A device asking for credentials: the same as a mailbox's owner (identity key and device id). */
export type TurnOwner = MailboxOwner

/**
 * What a relay implements: who may have credentials, rate limits, and the credentials themselves. Refusals are
 * thrown as the error classes of `./errors.js`. The server has checked the device's signature before a call.
 */
export interface TurnBackend {
  /**
   * Credentials for an authenticated device: TurnUnknownDeviceError when it is not registered here,
   * RateLimitedError when it asks too often (or the TURN server holds too many credentials),
   * TurnNotOfferedError when the TURN server is down. `requester` is the connection's peer, for logs and limits.
   */
  issue (owner: TurnOwner, requester: PeerId, options?: AbortOptions): Promise<IceServer[]>
  /** Told of every refusal the server answers (a bad signature or frame as well as the backend's own), for metrics. */
  refused? (err: Error): void
}

export interface TurnServerInit {
  backend: TurnBackend
  /**
   * ms one exchange may take (request, challenge, signed answer, the backend's work) before the stream is aborted
   *
   * @default 10000
   */
  timeout?: number
  /**
   * concurrent inbound TURN streams per connection
   *
   * @default 4
   */
  maxInboundStreams?: number
  /**
   * concurrent outbound TURN streams per connection
   *
   * @default 4
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
export interface TurnComponents extends ProtocolComponents {
  peerId: PeerId
}

/** The TURN credential service for a relay's `services`. */
export function turnServer (init: TurnServerInit): (components: TurnComponents) => TurnServer {
  return (components) => new TurnServer(components, init)
}

export { TurnServer }
export { requestTurnCredentials, type TurnNode, type TurnDeviceInit, type TurnCallOptions } from './client.js'
export { checkIceServers, urlHost, type IceServer } from './ice-servers.js'
export { signTurnAuth, verifyTurnAuth } from './auth.js'
export {
  TurnServiceError, MalformedTurnFrameError, TurnAuthError, TurnUnknownDeviceError, TurnNotOfferedError, TurnInternalError, TurnStreamClosedError,
  RateLimitedError
} from './errors.js'
export {
  TURN_PROTOCOL, MAX_ICE_SERVERS, MAX_ICE_URLS, MAX_ICE_URL_CHARS, MAX_TURN_USERNAME_CHARS, MAX_TURN_CREDENTIAL_CHARS, MAX_TURN_FRAME_BYTES, TURN_TIMEOUT_MS
} from './constants.js'
