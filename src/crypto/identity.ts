/** Identity keys (Ed25519, with their X25519 form by the birational map) and device certificates; knows no sessions or storage. */
import { ed25519 } from '@noble/curves/ed25519.js'
import { concat, constantTimeEqual, toHex, utf8 } from './bytes.js'
import { defaultProvider } from './default-provider.js'
import { x25519Agree } from './dh.js'
import { InvalidKeyError, InvalidMessageError, InvalidSignatureError, UnsupportedParameterError } from './errors.js'
import { encodePb } from './codec.js'
import { DeviceCertificatePb, IdentityKeyPairPb, SignedDeviceCertificatePb } from './pb/keys.js'
import { inspectSymbol, redacted } from './redact.js'
import type { RandomSource } from './deps.js'
import type { CryptoProvider } from './provider.js'
import type { Redacted } from './redact.js'

export const IDENTITY_KEY_LENGTH = 32
export const SIGNATURE_LENGTH = 64
/** Domain separation for device certificates, so a certificate signature can never be replayed as another signed object. */
const DEVICE_CERT_CONTEXT = utf8('Parley-DeviceCertificate-v1')
/** A libp2p peer id is a multihash of a public key; 128 bytes bounds every key type libp2p uses inline. */
export const MAX_DEVICE_PEER_ID_LENGTH = 128

/** Validates an Ed25519 identity public key: 32 bytes, a canonical curve point, not of small order. */
export function checkIdentityKey (publicKey: Uint8Array): void {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== IDENTITY_KEY_LENGTH) throw new InvalidKeyError('Identity key must be 32 bytes')
  const id = toHex(publicKey)
  if (validIdentityKeys.has(id)) return
  let smallOrder: boolean
  try {
    smallOrder = ed25519.Point.fromBytes(publicKey).isSmallOrder()
  } catch {
    throw new InvalidKeyError('Identity key is not a valid Ed25519 point')
  }
  if (smallOrder) throw new InvalidKeyError('Identity key is of small order')
  if (validIdentityKeys.size >= DH_KEY_CACHE_SIZE) validIdentityKeys.delete(validIdentityKeys.values().next().value as string)
  validIdentityKeys.add(id)
}

/**
 * Keys that passed checkIdentityKey (public data only): the point decoding costs ~0.14 ms in JS
 * and every set-up checks the same contacts' keys again (bundle, first message, sender-key
 * distributions). Only successes are remembered; 1024 entries, oldest evicted.
 */
const validIdentityKeys = new Set<string>()

/** Strict (RFC 8032, non-ZIP-215) Ed25519 verification; false for any malformed input. */
export function verifySignature (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, p: CryptoProvider = defaultProvider()): boolean {
  if (publicKey.length !== IDENTITY_KEY_LENGTH || signature.length !== SIGNATURE_LENGTH) return false
  return p.ed25519Verify(publicKey, message, signature)
}

/** The X25519 form of an Ed25519 identity public key (Montgomery u = (1+y)/(1−y)). */
export function identityDhPublicKey (identityKey: Uint8Array): Uint8Array {
  if (identityKey.length !== IDENTITY_KEY_LENGTH) throw new InvalidKeyError('Identity key must be 32 bytes')
  const id = toHex(identityKey)
  let u = dhKeyCache.get(id)
  if (u === undefined) {
    checkIdentityKey(identityKey)
    u = ed25519.utils.toMontgomery(identityKey)
    if (dhKeyCache.size >= DH_KEY_CACHE_SIZE) dhKeyCache.delete(dhKeyCache.keys().next().value as string)
    dhKeyCache.set(id, u)
  }
  return Uint8Array.from(u)
}

/**
 * Memo of validated identity keys → X25519 form (public data only). Point decoding and the
 * Edwards→Montgomery map cost ~0.25 ms in JS and recur for every session set-up and sealed
 * envelope from the same contacts; 1024 entries bound the memory to ~100 KB.
 */
const DH_KEY_CACHE_SIZE = 1024
const dhKeyCache = new Map<string, Uint8Array>()

/** A user's long-term identity key pair. The private part is reachable only through sign/agree/serialize. */
export class IdentityKeyPair {
  readonly publicKey: Uint8Array
  readonly #seed: Uint8Array
  #dhPrivate: Uint8Array | undefined

  private constructor (seed: Uint8Array, publicKey: Uint8Array) {
    this.#seed = seed
    this.publicKey = publicKey
  }

  static generate (random: RandomSource, p: CryptoProvider = defaultProvider()): IdentityKeyPair {
    const seed = random(32)
    return new IdentityKeyPair(seed, p.ed25519PublicKey(seed))
  }

  static deserialize (bytes: Uint8Array): IdentityKeyPair {
    let pb: IdentityKeyPairPb
    try {
      pb = IdentityKeyPairPb.decode(bytes)
    } catch {
      throw new InvalidMessageError('Malformed identity key pair')
    }
    if (pb.privateKey.length !== 32) throw new InvalidKeyError('Identity private key must be 32 bytes')
    const publicKey = ed25519.getPublicKey(pb.privateKey)
    if (!constantTimeEqual(publicKey, pb.publicKey)) throw new InvalidKeyError('Identity key pair does not match')
    return new IdentityKeyPair(Uint8Array.from(pb.privateKey), publicKey)
  }

  serialize (): Uint8Array {
    return encodePb(IdentityKeyPairPb, { publicKey: this.publicKey, privateKey: this.#seed })
  }

  sign (message: Uint8Array, p: CryptoProvider = defaultProvider()): Uint8Array {
    return p.ed25519Sign(this.#seed, message)
  }

  /** X25519 public key (birational map of the Ed25519 key). */
  get dhPublicKey (): Uint8Array {
    return identityDhPublicKey(this.publicKey)
  }

  /** X25519(identity, theirs) using the Montgomery form of the identity secret. */
  agree (theirX25519PublicKey: Uint8Array, p: CryptoProvider = defaultProvider()): Uint8Array {
    this.#dhPrivate ??= ed25519.utils.toMontgomerySecret(this.#seed)
    return x25519Agree(this.#dhPrivate, theirX25519PublicKey, p)
  }

  toJSON (): Redacted { return redacted('IdentityKeyPair') }
  [inspectSymbol] (): Redacted { return redacted('IdentityKeyPair') }
}

export interface DeviceCertificate {
  identityKey: Uint8Array
  /** the device's libp2p peer id, as bytes */
  devicePeerId: Uint8Array
  deviceId: number
  /** ms since epoch, given by the caller (the crypto layer has no clock) */
  createdAt: number
}

/** Signs `{identityKey, devicePeerId, deviceId, createdAt}` with the identity key; returns the encoded signed certificate. */
export function createDeviceCertificate (identity: IdentityKeyPair, fields: Omit<DeviceCertificate, 'identityKey'>): Uint8Array {
  if (!Number.isInteger(fields.deviceId) || fields.deviceId < 0 || fields.deviceId > 0xffffffff) throw new UnsupportedParameterError('deviceId must be a uint32')
  if (!Number.isSafeInteger(fields.createdAt) || fields.createdAt < 0) throw new UnsupportedParameterError('createdAt must be a non-negative integer')
  if (fields.devicePeerId.length === 0 || fields.devicePeerId.length > MAX_DEVICE_PEER_ID_LENGTH) throw new UnsupportedParameterError('devicePeerId length out of range')
  const certificate = encodePb(DeviceCertificatePb, {
    identityKey: identity.publicKey,
    devicePeerId: fields.devicePeerId,
    deviceId: fields.deviceId,
    createdAt: BigInt(fields.createdAt)
  })
  const signature = identity.sign(concat(DEVICE_CERT_CONTEXT, certificate))
  return encodePb(SignedDeviceCertificatePb, { certificate, signature })
}

/**
 * Parses and verifies a signed device certificate. With `expectedIdentityKey`, also checks
 * that the certificate belongs to that identity. Throws InvalidSignatureError / InvalidMessageError.
 */
export function verifyDeviceCertificate (bytes: Uint8Array, expectedIdentityKey?: Uint8Array, p?: CryptoProvider): DeviceCertificate {
  let signed: SignedDeviceCertificatePb
  let cert: DeviceCertificatePb
  try {
    signed = SignedDeviceCertificatePb.decode(bytes)
    cert = DeviceCertificatePb.decode(signed.certificate)
  } catch {
    throw new InvalidMessageError('Malformed device certificate')
  }
  checkIdentityKey(cert.identityKey)
  if (!verifySignature(cert.identityKey, concat(DEVICE_CERT_CONTEXT, signed.certificate), signed.signature, p)) throw new InvalidSignatureError('Device certificate signature did not verify')
  if (expectedIdentityKey !== undefined && !constantTimeEqual(expectedIdentityKey, cert.identityKey)) throw new InvalidSignatureError('Device certificate is for another identity')
  if (cert.createdAt > BigInt(Number.MAX_SAFE_INTEGER)) throw new InvalidMessageError('Device certificate time out of range')
  return { identityKey: cert.identityKey, devicePeerId: cert.devicePeerId, deviceId: cert.deviceId, createdAt: Number(cert.createdAt) }
}

