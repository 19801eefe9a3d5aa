/**
 * @packageDocumentation
 *
 * The one-time prekey service (`/parley/prekeys/1.0.0`, docs/design.md §5). Each device of an owner
 * uploads its signed prekey, its last-resort ML-KEM prekey and batches of one-time X25519 and ML-KEM
 * prekeys to its mailbox relays (signed by the identity key, for one relay, at one time); anyone
 * fetches a device's bundle, and the relay hands each one-time key out at most once, falling back to
 * the last-resort KEM key.
 *
 * @example
 *
 * ```typescript
 * const relay = await createLibp2p({ services: { prekeys: preKeyServer({ backend }) } })
 * const { oneTimePreKeysLeft } = await uploadPreKeys(client, relayAddr, { identity, signedPreKey, lastResortKemPreKey, oneTimePreKeys, kemOneTimePreKeys })
 * const bundle = await fetchPreKeyBundle(other, relayAddr, identity.publicKey, { deviceId: 1 })
 * ```
 */
import { PreKeyServer } from './server.js'
import type { VerifiedUpload } from './upload.js'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { RequestResponseComponents } from '../request-response.js'

/** One-time keys the relay still holds for an owner's device. */
export interface PreKeyCounts {
  oneTimePreKeysLeft: number
  kemOneTimePreKeysLeft: number
}

/** What one fetch takes from the store: encoded public keys (the server assembles the bundle). */
export interface FetchedPreKeys extends PreKeyCounts {
  deviceId: number
  signedPreKey: Uint8Array
  /** a one-time ML-KEM prekey, or the last-resort one when none is left */
  kemPreKey: Uint8Array
  oneTimePreKey?: Uint8Array
}

/** Which device's bundle a fetch wants. */
export interface PreKeyFetchOptions extends AbortOptions {
  /** that device's bundle (PreKeysNotFoundError when the relay holds none); absent: the lowest device id held */
  deviceId?: number
}

/** What a relay implements: storage per (identity, device), one-time hand-out and limits. Refusals are thrown as the error classes of `./errors.js`. */
export interface PreKeyBackend {
  /** Stores an authenticated upload (already checked by the server) for its device; refuses replays and overflows. */
  upload(upload: VerifiedUpload, requester: PeerId, options?: AbortOptions): Promise<PreKeyCounts>
  /** Takes one bundle's keys from one device; each one-time key leaves the store in the same write that reads it. */
  fetch(identityKey: Uint8Array, requester: PeerId, options?: PreKeyFetchOptions): Promise<FetchedPreKeys>
  /** Forgets one device's prekeys (its owner removed it from the account): its mailbox takes no more mail. Resolves whether it held any. */
  retire?(identityKey: Uint8Array, deviceId: number, options?: AbortOptions): Promise<boolean>
}

export interface PreKeyServerInit {
  backend: PreKeyBackend
  /**
   * ms one inbound exchange may take before the stream is aborted
   *
   * @default 10000
   */
  timeout?: number
  /**
   * concurrent inbound prekey streams per connection
   *
   * @default 32
   */
  maxInboundStreams?: number
  /**
   * concurrent outbound prekey streams per connection
   *
   * @default 32
   */
  maxOutboundStreams?: number
  /**
   * the clock uploads' timestamps are checked against
   *
   * @default Date.now
   */
  now?: () => number
}

/** The parts of libp2p the service uses: the request/response ones, and our peer id (uploads are signed for one relay). */
export interface PreKeyComponents extends RequestResponseComponents {
  peerId: PeerId
}

/** The prekey service for a relay's `services`. */
export function preKeyServer (init: PreKeyServerInit): (components: PreKeyComponents) => PreKeyServer {
  return (components) => new PreKeyServer(components, init)
}

export { PreKeyServer }
export { uploadPreKeys, retirePreKeys, fetchPreKeyBundle, type PreKeyUpload, type PreKeyCallOptions, type PreKeyBundleOptions } from './client.js'
export { verifyUpload, signUpload, uploadSignatureMessage, type VerifiedUpload } from './upload.js'
export {
  PreKeyServiceError, InvalidPreKeyRequestError, PreKeySignatureError, StaleUploadError, WrongRelayError,
  PreKeysNotFoundError, PreKeyLimitError, PreKeyInternalError, RateLimitedError
} from './errors.js'
export { PREKEYS_PROTOCOL, MAX_MESSAGE_SIZE, MAX_UPLOAD_BATCH, MAX_CLOCK_SKEW_MS, TIMEOUT } from './constants.js'
