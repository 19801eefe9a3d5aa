/** Upload authentication and validation, shared by both ends: the signed body, its context, and the checks a relay runs before storing anything. */
import { checkIdentityKey, verifySignature, type IdentityKeyPair } from '../../crypto/identity.js'
import { decodePublicKemPreKey, decodePublicOneTimePreKey, decodePublicSignedPreKey } from '../../crypto/prekeys.js'
import { checkX25519PublicKey } from '../../crypto/dh.js'
import { checkKemPublicKey } from '../../crypto/kem.js'
import { kemPreKeySignatureMessage, signedPreKeySignatureMessage } from '../../crypto/prekeys.js'
import { MAX_CLOCK_SKEW_MS, MAX_KEM_PREKEY_SIZE, MAX_ONE_TIME_PREKEY_SIZE, MAX_SIGNED_PREKEY_SIZE, MAX_UPLOAD_BATCH } from './constants.js'
import { InvalidPreKeyRequestError, PreKeyLimitError, PreKeySignatureError, StaleUploadError, WrongRelayError } from './errors.js'
import { PreKeyUploadBody } from './pb/prekeys.js'

/** Domain separation: an upload signature is never valid as any other Parley signature. */
const UPLOAD_CONTEXT = new TextEncoder().encode('Parley_PreKeyUpload_v1')

export function uploadSignatureMessage (body: Uint8Array): Uint8Array {
  const out = new Uint8Array(UPLOAD_CONTEXT.length + body.length)
  out.set(UPLOAD_CONTEXT)
  out.set(body, UPLOAD_CONTEXT.length)
  return out
}

/** Encodes and signs an upload body with the owner's identity key. */
export function signUpload (identity: IdentityKeyPair, body: Omit<PreKeyUploadBody, 'identityKey' | 'retire'> & { retire?: boolean }): { uploadBody: Uint8Array<ArrayBuffer>, signature: Uint8Array<ArrayBuffer> } {
  const uploadBody = PreKeyUploadBody.encode({ ...body, identityKey: Uint8Array.from(identity.publicKey) })
  return { uploadBody, signature: Uint8Array.from(identity.sign(uploadSignatureMessage(uploadBody))) }
}

/** An upload that passed every stateless check; the byte fields are the encoded public keys as sent. */
export interface VerifiedUpload {
  identityKey: Uint8Array
  deviceId: number
  timestamp: number
  signedPreKey?: Uint8Array
  lastResortKemPreKey?: Uint8Array
  oneTimePreKeys: Array<{ id: number, encoded: Uint8Array }>
  kemOneTimePreKeys: Array<{ id: number, encoded: Uint8Array }>
  /** the owner removed this device from its account: forget its prekeys (nothing else is set) */
  retire?: boolean
}

function attempt<T> (fn: () => T, what: string): T {
  try {
    return fn()
  } catch {
    throw new InvalidPreKeyRequestError(`malformed ${what}`)
  }
}

function checkKem (encoded: Uint8Array, identityKey: Uint8Array, lastResort: boolean, what: string): number {
  if (encoded.length > MAX_KEM_PREKEY_SIZE) throw new InvalidPreKeyRequestError(`${what} too large`)
  const k = attempt(() => decodePublicKemPreKey(encoded), what)
  attempt(() => checkKemPublicKey(k.publicKey), what)
  if (k.lastResort !== lastResort) throw new InvalidPreKeyRequestError(`${what} has the wrong last-resort flag`)
  if (!verifySignature(identityKey, kemPreKeySignatureMessage(k.publicKey), k.signature)) throw new PreKeySignatureError(`${what} is not signed by the identity key`)
  return k.id
}

/**
 * Decodes the body and checks, in order: structure and sizes, the identity key, the signature
 * over the body, the relay it was meant for, its time, and every prekey's form and signature.
 */
export function verifyUpload (uploadBody: Uint8Array, signature: Uint8Array, relayPeerId: string, now: number): VerifiedUpload {
  const body = attempt(() => PreKeyUploadBody.decode(uploadBody), 'upload body')
  attempt(() => checkIdentityKey(body.identityKey), 'identity key')
  if (signature.length !== 64 || !verifySignature(body.identityKey, uploadSignatureMessage(uploadBody), signature)) throw new PreKeySignatureError('upload is not signed by the identity key it names')
  if (body.relayPeerId !== relayPeerId) throw new WrongRelayError()
  const timestamp = Number(body.timestamp)
  if (!Number.isSafeInteger(timestamp) || Math.abs(timestamp - now) > MAX_CLOCK_SKEW_MS) throw new StaleUploadError(`upload timestamp is more than ${MAX_CLOCK_SKEW_MS / 1000} s from the relay's clock`)
  if (body.oneTimePreKeys.length > MAX_UPLOAD_BATCH || body.kemOneTimePreKeys.length > MAX_UPLOAD_BATCH) throw new PreKeyLimitError(`at most ${MAX_UPLOAD_BATCH} one-time prekeys of each kind per upload`)

  const out: VerifiedUpload = { identityKey: body.identityKey, deviceId: body.deviceId, timestamp, oneTimePreKeys: [], kemOneTimePreKeys: [] }
  if (body.retire) {
    if (body.signedPreKey != null || body.lastResortKemPreKey != null || body.oneTimePreKeys.length > 0 || body.kemOneTimePreKeys.length > 0) throw new InvalidPreKeyRequestError('a retirement carries no keys')
    return { ...out, retire: true }
  }
  if (body.signedPreKey != null) {
    if (body.signedPreKey.length > MAX_SIGNED_PREKEY_SIZE) throw new InvalidPreKeyRequestError('signed prekey too large')
    const k = attempt(() => decodePublicSignedPreKey(body.signedPreKey!), 'signed prekey')
    attempt(() => checkX25519PublicKey(k.publicKey), 'signed prekey')
    if (!verifySignature(body.identityKey, signedPreKeySignatureMessage(k.publicKey), k.signature)) throw new PreKeySignatureError('signed prekey is not signed by the identity key')
    out.signedPreKey = body.signedPreKey
  }
  if (body.lastResortKemPreKey != null) {
    checkKem(body.lastResortKemPreKey, body.identityKey, true, 'last-resort KEM prekey')
    out.lastResortKemPreKey = body.lastResortKemPreKey
  }
  const seen = new Set<number>()
  for (const encoded of body.oneTimePreKeys) {
    if (encoded.length > MAX_ONE_TIME_PREKEY_SIZE) throw new InvalidPreKeyRequestError('one-time prekey too large')
    const k = attempt(() => decodePublicOneTimePreKey(encoded), 'one-time prekey')
    attempt(() => checkX25519PublicKey(k.publicKey), 'one-time prekey')
    if (seen.has(k.id)) throw new InvalidPreKeyRequestError('duplicate one-time prekey id')
    seen.add(k.id)
    out.oneTimePreKeys.push({ id: k.id, encoded })
  }
  seen.clear()
  for (const encoded of body.kemOneTimePreKeys) {
    const id = checkKem(encoded, body.identityKey, false, 'one-time KEM prekey')
    if (seen.has(id)) throw new InvalidPreKeyRequestError('duplicate one-time KEM prekey id')
    seen.add(id)
    out.kemOneTimePreKeys.push({ id, encoded })
  }
  return out
}
