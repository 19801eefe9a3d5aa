/** Verifier attestations: "this identity key controls the phone number behind this directory key", signed by a verifier's Ed25519 key. Pure; knows nothing of SMS or the DHT. */
import { checkIdentityKey, verifySignature, IDENTITY_KEY_LENGTH, SIGNATURE_LENGTH, type IdentityKeyPair } from './identity.js'
import { InvalidKeyError, InvalidMessageError, InvalidSignatureError } from './errors.js'
import { constantTimeEqual } from './bytes.js'
import type { CryptoProvider } from './provider.js'

/** Domain separation: an attestation signature can never be mistaken for any other Parley signature. */
const ATTESTATION_CONTEXT = new TextEncoder().encode('Parley_Attestation_v1')

/** sha256(H) of docs/design.md §4: the hex part of the DHT key `/parley-phone/<hex>` */
export const DIRECTORY_KEY_LENGTH = 32
/** directoryKey ‖ identityKey ‖ issuedAt (u64 BE ms) ‖ expiresAt (u64 BE ms) ‖ verifierKey */
const BODY_LENGTH = DIRECTORY_KEY_LENGTH + IDENTITY_KEY_LENGTH + 8 + 8 + IDENTITY_KEY_LENGTH
/** body ‖ Ed25519 signature */
export const ATTESTATION_LENGTH = BODY_LENGTH + SIGNATURE_LENGTH

export interface Attestation {
  directoryKey: Uint8Array
  identityKey: Uint8Array
  /** ms since the epoch */
  issuedAt: number
  expiresAt: number
  verifierKey: Uint8Array
  signature: Uint8Array
}

function body (a: Omit<Attestation, 'signature'>): Uint8Array {
  const out = new Uint8Array(BODY_LENGTH)
  const view = new DataView(out.buffer)
  out.set(a.directoryKey, 0)
  out.set(a.identityKey, DIRECTORY_KEY_LENGTH)
  view.setBigUint64(DIRECTORY_KEY_LENGTH + IDENTITY_KEY_LENGTH, BigInt(a.issuedAt))
  view.setBigUint64(DIRECTORY_KEY_LENGTH + IDENTITY_KEY_LENGTH + 8, BigInt(a.expiresAt))
  out.set(a.verifierKey, DIRECTORY_KEY_LENGTH + IDENTITY_KEY_LENGTH + 16)
  return out
}

function signed (b: Uint8Array): Uint8Array {
  const out = new Uint8Array(ATTESTATION_CONTEXT.length + b.length)
  out.set(ATTESTATION_CONTEXT)
  out.set(b, ATTESTATION_CONTEXT.length)
  return out
}

function checkTimes (issuedAt: number, expiresAt: number): void {
  if (!Number.isSafeInteger(issuedAt) || !Number.isSafeInteger(expiresAt) || issuedAt < 0 || expiresAt <= issuedAt) {
    throw new InvalidMessageError('attestation times are invalid')
  }
}

/** Issues an attestation signed by `verifier`. */
export function createAttestation (verifier: IdentityKeyPair, fields: { directoryKey: Uint8Array, identityKey: Uint8Array, issuedAt: number, expiresAt: number }, p?: CryptoProvider): Attestation {
  if (fields.directoryKey.length !== DIRECTORY_KEY_LENGTH) throw new InvalidKeyError('directory key must be 32 bytes')
  checkIdentityKey(fields.identityKey)
  checkTimes(fields.issuedAt, fields.expiresAt)
  const unsigned = { ...fields, verifierKey: verifier.publicKey }
  return { ...unsigned, signature: verifier.sign(signed(body(unsigned)), p) }
}

export function encodeAttestation (a: Attestation): Uint8Array {
  const out = new Uint8Array(ATTESTATION_LENGTH)
  out.set(body(a))
  out.set(a.signature, BODY_LENGTH)
  return out
}

/** Parses and checks the signature (not trust, not expiry: see attestationTrusted). */
export function decodeAttestation (bytes: Uint8Array, p?: CryptoProvider): Attestation {
  if (bytes.length !== ATTESTATION_LENGTH) throw new InvalidMessageError('attestation has the wrong length')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const a: Attestation = {
    directoryKey: bytes.slice(0, DIRECTORY_KEY_LENGTH),
    identityKey: bytes.slice(DIRECTORY_KEY_LENGTH, DIRECTORY_KEY_LENGTH + IDENTITY_KEY_LENGTH),
    issuedAt: Number(view.getBigUint64(DIRECTORY_KEY_LENGTH + IDENTITY_KEY_LENGTH)),
    expiresAt: Number(view.getBigUint64(DIRECTORY_KEY_LENGTH + IDENTITY_KEY_LENGTH + 8)),
    verifierKey: bytes.slice(DIRECTORY_KEY_LENGTH + IDENTITY_KEY_LENGTH + 16, BODY_LENGTH),
    signature: bytes.slice(BODY_LENGTH)
  }
  checkTimes(a.issuedAt, a.expiresAt)
  checkIdentityKey(a.identityKey)
  checkIdentityKey(a.verifierKey)
  if (!verifySignature(a.verifierKey, signed(bytes.subarray(0, BODY_LENGTH)), a.signature, p)) {
    throw new InvalidSignatureError('attestation signature does not verify')
  }
  return a
}

/**
 * True when `a` binds exactly this directory key and identity key, is valid at `now`,
 * and was signed by one of `trustedVerifiers` (public keys).
 */
export function attestationTrusted (a: Attestation, expect: { directoryKey: Uint8Array, identityKey: Uint8Array, now: number, trustedVerifiers: Uint8Array[] }): boolean {
  return constantTimeEqual(a.directoryKey, expect.directoryKey) &&
    constantTimeEqual(a.identityKey, expect.identityKey) &&
    a.issuedAt <= expect.now + 5 * 60_000 && expect.now < a.expiresAt &&
    expect.trustedVerifiers.some(k => constantTimeEqual(k, a.verifierKey))
}
