/**
 * @packageDocumentation
 *
 * Phone-number verification (`/parley/verify/1.0.0`, docs/design.md §4). A relay that runs the
 * optional verifier registers `verifierServer({ backend })` as a libp2p service; clients call
 * `requestVerificationCode` (the verifier sends a 6-digit code by SMS) and then
 * `confirmVerificationCode` (the verifier returns an attestation signed by its key).
 *
 * @example
 *
 * ```typescript
 * const relay = await createLibp2p({ services: { verifier: verifierServer({ backend }) } })
 * await requestVerificationCode(client, relayAddr, '+44 20 7946 0958')
 * const attestation = await confirmVerificationCode(client, relayAddr, '+44 20 7946 0958', '123456', identity.publicKey)
 * ```
 */
import { VerifierServer } from './server.js'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { RequestResponseComponents } from '../request-response.js'

/** What a relay implements: the state, limits, SMS and signing behind the protocol. Refusals are thrown as the error classes of `./errors.js`. */
/** What the server tells the backend about a code request beyond the number and the peer. */
export interface VerifyRequestOptions extends AbortOptions {
  /** the requester's connection address (its IP is rate-limited) */
  remoteAddr?: Multiaddr
}

export interface VerifierBackend {
  /** the verifier's Ed25519 public key, which signs its attestations (answered to INFO requests) */
  readonly publicKey: Uint8Array
  /** Sends a code to `phone` (as typed; the backend normalises it). Resolves with the code's lifetime. */
  request(phone: string, requester: PeerId, options?: VerifyRequestOptions): Promise<{ expiresInMs: number }>
  /** Checks `code` for `phone` and, when right, returns an encoded attestation for `identityKey`. */
  confirm(phone: string, code: string, identityKey: Uint8Array, requester: PeerId, options?: AbortOptions): Promise<Uint8Array>
  /**
   * Re-issues an unexpired attestation this verifier signed, for the same directory key and identity key, with a
   * fresh validity; refuses a foreign, forged or expired one (InvalidVerifyRequestError). No SMS: whoever holds the
   * attestation could only extend the binding it already states.
   */
  renew(attestation: Uint8Array, requester: PeerId, options?: AbortOptions): Promise<Uint8Array>
}

export interface VerifierServerInit {
  backend: VerifierBackend
  /**
   * ms one inbound exchange may take before the stream is aborted
   *
   * @default 30000
   */
  timeout?: number
  /**
   * concurrent inbound verify streams per connection
   *
   * @default 4
   */
  maxInboundStreams?: number
  /**
   * concurrent outbound verify streams per connection
   *
   * @default 4
   */
  maxOutboundStreams?: number
}

/** The parts of libp2p the service uses. */
export type VerifierComponents = RequestResponseComponents

/** The verifier service for a relay's `services`. */
export function verifierServer (init: VerifierServerInit): (components: VerifierComponents) => VerifierServer {
  return (components) => new VerifierServer(components, init)
}

export { VerifierServer }
export { requestVerificationCode, confirmVerificationCode, renewAttestation, getVerifierKey, type VerifyCallOptions } from './client.js'
export {
  VerificationError, InvalidNumberError, WrongCodeError, CodeExpiredError, TooManyTriesError, NoPendingCodeError,
  SmsFailedError, InvalidVerifyRequestError, VerifierInternalError, RateLimitedError
} from './errors.js'
export { VERIFY_PROTOCOL, MAX_MESSAGE_SIZE, TIMEOUT, CODE_LENGTH, MAX_PHONE_LENGTH } from './constants.js'
export type { RelayTarget, DialingNode } from '../request-response.js'
