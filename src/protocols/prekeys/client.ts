/** The client side of /parley/prekeys/1.0.0: the owner uploads and tops up its prekeys; anyone fetches a bundle to start a session. */
import { isMultiaddr, multiaddr } from '@multiformats/multiaddr'
import { decodePreKeyBundle, verifyPreKeyBundle, encodePublicKemPreKey, encodePublicOneTimePreKey, encodePublicSignedPreKey, type PreKeyBundle, type PublicKemPreKey, type PublicOneTimePreKey, type PublicSignedPreKey } from '../../crypto/prekeys.js'
import type { IdentityKeyPair } from '../../crypto/identity.js'
import { callOnce, type DialingNode, type RelayTarget } from '../request-response.js'
import { ProtocolViolationError } from '../errors.js'
import { PREKEYS_PROTOCOL, MAX_MESSAGE_SIZE, TIMEOUT } from './constants.js'
import { InvalidPreKeyRequestError, responseError } from './errors.js'
import { PreKeyRequest, PreKeyResponse } from './pb/prekeys.js'
import { signUpload } from './upload.js'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { PreKeyCounts } from './index.js'

export interface PreKeyCallOptions extends AbortOptions {
  /** ms for the whole exchange @default 10000 */
  timeout?: number
}

export interface PreKeyBundleOptions extends PreKeyCallOptions {
  /** the device whose bundle is wanted (PreKeysNotFoundError when the relay holds none for it); absent: the lowest device id the relay holds */
  deviceId?: number
}

export interface PreKeyUpload {
  identity: IdentityKeyPair
  /** @default 1 */
  deviceId?: number
  /** replaces the relay's signed prekey (required on the first upload) */
  signedPreKey?: PublicSignedPreKey
  /** replaces the relay's last-resort ML-KEM prekey (required on the first upload) */
  lastResortKemPreKey?: PublicKemPreKey
  oneTimePreKeys?: PublicOneTimePreKey[]
  kemOneTimePreKeys?: PublicKemPreKey[]
  /** the relay's peer id when `relay` is a multiaddr without /p2p/ */
  relayPeerId?: PeerId | string
  /** ms since the epoch @default Date.now(), kept strictly increasing within this process */
  timestamp?: number
}

let lastTimestamp = 0

function relayPeerIdOf (relay: RelayTarget, explicit?: PeerId | string): string {
  if (explicit != null) return explicit.toString()
  const first = Array.isArray(relay) ? relay[0] : relay
  if (first == null) throw new InvalidPreKeyRequestError('no relay address')
  if (typeof first === 'string') return relayPeerIdOf(multiaddr(first))
  if (isMultiaddr(first)) {
    const id = first.getComponents().findLast(c => c.name === 'p2p')?.value
    if (id == null) throw new InvalidPreKeyRequestError('the relay address must end in /p2p/<peer id> (or pass relayPeerId)')
    return id
  }
  return first.toString()
}

async function call (node: DialingNode, relay: RelayTarget, req: Partial<PreKeyRequest>, options: PreKeyCallOptions): Promise<PreKeyResponse> {
  const res = await callOnce(node, relay, req, { protocol: PREKEYS_PROTOCOL, request: PreKeyRequest, response: PreKeyResponse, maxMessageSize: MAX_MESSAGE_SIZE, timeout: options.timeout ?? TIMEOUT }, options)
  if (res.status !== PreKeyResponse.Status.OK) throw responseError(res)
  return res
}

/** Uploads (or tops up) prekeys to a relay, signed for that relay; resolves with how many one-time keys it now holds. */
export async function uploadPreKeys (node: DialingNode, relay: RelayTarget, upload: PreKeyUpload, options: PreKeyCallOptions = {}): Promise<PreKeyCounts> {
  const timestamp = upload.timestamp ?? Math.max(Date.now(), lastTimestamp + 1)
  lastTimestamp = Math.max(lastTimestamp, timestamp)
  const signed = signUpload(upload.identity, {
    deviceId: upload.deviceId ?? 1,
    relayPeerId: relayPeerIdOf(relay, upload.relayPeerId),
    timestamp: BigInt(timestamp),
    ...(upload.signedPreKey != null ? { signedPreKey: Uint8Array.from(encodePublicSignedPreKey(upload.signedPreKey)) } : {}),
    ...(upload.lastResortKemPreKey != null ? { lastResortKemPreKey: Uint8Array.from(encodePublicKemPreKey(upload.lastResortKemPreKey)) } : {}),
    oneTimePreKeys: (upload.oneTimePreKeys ?? []).map(k => Uint8Array.from(encodePublicOneTimePreKey(k))),
    kemOneTimePreKeys: (upload.kemOneTimePreKeys ?? []).map(k => Uint8Array.from(encodePublicKemPreKey(k)))
  })
  const res = await call(node, relay, { type: PreKeyRequest.Type.UPLOAD, ...signed }, options)
  return { oneTimePreKeysLeft: res.oneTimePreKeysLeft, kemOneTimePreKeysLeft: res.kemOneTimePreKeysLeft }
}

/**
 * Tells a relay that device `deviceId` of our identity was removed from the account: the relay forgets its
 * prekeys, and its mailbox there takes no more mail. Signed like an upload (only the identity can retire).
 */
export async function retirePreKeys (node: DialingNode, relay: RelayTarget, retire: { identity: IdentityKeyPair, deviceId: number, relayPeerId?: string }, options: PreKeyCallOptions = {}): Promise<void> {
  const timestamp = Math.max(Date.now(), lastTimestamp + 1)
  lastTimestamp = timestamp
  const signed = signUpload(retire.identity, { deviceId: retire.deviceId, relayPeerId: relayPeerIdOf(relay, retire.relayPeerId), timestamp: BigInt(timestamp), oneTimePreKeys: [], kemOneTimePreKeys: [], retire: true })
  await call(node, relay, { type: PreKeyRequest.Type.UPLOAD, ...signed }, options)
}

/**
 * Fetches one bundle for `identityKey` (of `options.deviceId`, else of the lowest device id the relay holds):
 * the relay hands each one-time key out once. The bundle is verified (signatures, key forms, the identity and
 * device asked for) before it is returned.
 */
export async function fetchPreKeyBundle (node: DialingNode, relay: RelayTarget, identityKey: Uint8Array, options: PreKeyBundleOptions = {}): Promise<PreKeyBundle & PreKeyCounts> {
  const { deviceId } = options
  const res = await call(node, relay, { type: PreKeyRequest.Type.FETCH, identityKey: Uint8Array.from(identityKey), ...(deviceId != null ? { deviceId } : {}) }, options)
  let bundle: PreKeyBundle
  try {
    bundle = decodePreKeyBundle(res.bundle)
    verifyPreKeyBundle(bundle)
  } catch (err) {
    throw new ProtocolViolationError(`relay returned an invalid bundle: ${(err as Error).message}`)
  }
  if (bundle.identityKey.length !== identityKey.length || bundle.identityKey.some((b, i) => b !== identityKey[i])) {
    throw new ProtocolViolationError('relay returned a bundle for another identity')
  }
  if (deviceId != null && bundle.deviceId !== deviceId) throw new ProtocolViolationError('relay returned a bundle for another device')
  return { ...bundle, oneTimePreKeysLeft: res.oneTimePreKeysLeft, kemOneTimePreKeysLeft: res.kemOneTimePreKeysLeft }
}
