/** Prekeys (signed X25519, signed ML-KEM-768 last-resort/one-time, one-time X25519) and prekey bundles: generation, signatures, (de)serialisation, verification; knows no sessions or storage. */
import { concat, utf8 } from './bytes.js'
import { defaultProvider } from './default-provider.js'
import { checkX25519PublicKey, generateX25519KeyPair, x25519Agree, x25519PublicKeyOf } from './dh.js'
import { InvalidKeyError, InvalidMessageError, InvalidSignatureError, UnsupportedParameterError } from './errors.js'
import { checkIdentityKey, verifySignature } from './identity.js'
import { checkKemPublicKey, generateKemKeyPair, kemDecapsulate, MLKEM768_SECRET_KEY_LENGTH } from './kem.js'
import { encodePb } from './codec.js'
import { KemPreKeyPb, OneTimePreKeyPb, PreKeyBundlePb, SignedPreKeyPb } from './pb/keys.js'
import { inspectSymbol, redacted } from './redact.js'
import type { RandomSource } from './deps.js'
import type { IdentityKeyPair } from './identity.js'
import type { CryptoProvider } from './provider.js'
import type { Redacted } from './redact.js'

/** Domain separation: a prekey signature cannot be confused with a certificate or another key type. */
const SIGNED_PREKEY_CONTEXT = utf8('Parley-SignedPreKey-X25519-v1')
const KEM_PREKEY_CONTEXT = utf8('Parley-KemPreKey-MLKEM768-v1')

function checkId (id: number): void {
  if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new UnsupportedParameterError('prekey id must be a uint32')
}
function checkTime (t: number): void {
  if (!Number.isSafeInteger(t) || t < 0) throw new UnsupportedParameterError('createdAt must be a non-negative integer')
}
function decodeOr<T> (fn: () => T, what: string): T {
  try { return fn() } catch { throw new InvalidMessageError(`Malformed ${what}`) }
}

export function signedPreKeySignatureMessage (publicKey: Uint8Array): Uint8Array {
  return concat(SIGNED_PREKEY_CONTEXT, publicKey)
}
export function kemPreKeySignatureMessage (publicKey: Uint8Array): Uint8Array {
  return concat(KEM_PREKEY_CONTEXT, publicKey)
}

/** Medium-term X25519 prekey signed by the identity key; rotated (e.g. weekly) by the session layer. */
export class SignedPreKey {
  readonly id: number
  readonly publicKey: Uint8Array
  readonly signature: Uint8Array
  readonly createdAt: number
  readonly #privateKey: Uint8Array

  private constructor (id: number, privateKey: Uint8Array, publicKey: Uint8Array, signature: Uint8Array, createdAt: number) {
    this.id = id; this.#privateKey = privateKey; this.publicKey = publicKey; this.signature = signature; this.createdAt = createdAt
  }

  static generate (identity: IdentityKeyPair, id: number, createdAt: number, random: RandomSource): SignedPreKey {
    checkId(id); checkTime(createdAt)
    const kp = generateX25519KeyPair(random)
    return new SignedPreKey(id, kp.privateKey, kp.publicKey, identity.sign(signedPreKeySignatureMessage(kp.publicKey)), createdAt)
  }

  static deserialize (bytes: Uint8Array): SignedPreKey {
    const pb = decodeOr(() => SignedPreKeyPb.decode(bytes), 'signed prekey')
    if (pb.privateKey.length !== 32) throw new InvalidKeyError('Signed prekey private key must be 32 bytes')
    const publicKey = x25519PublicKeyOf(pb.privateKey)
    return new SignedPreKey(pb.id, Uint8Array.from(pb.privateKey), publicKey, pb.signature, Number(pb.createdAt))
  }

  serialize (): Uint8Array {
    return encodePb(SignedPreKeyPb, { id: this.id, publicKey: this.publicKey, privateKey: this.#privateKey, signature: this.signature, createdAt: BigInt(this.createdAt) })
  }

  agree (theirPublicKey: Uint8Array, p?: CryptoProvider): Uint8Array { return x25519Agree(this.#privateKey, theirPublicKey, p) }
  /** for the responder's first ratchet key pair (the Double Ratchet starts from the signed prekey) */
  exportPrivateKey (): Uint8Array { return Uint8Array.from(this.#privateKey) }

  toJSON (): Redacted { return redacted('SignedPreKey') }
  [inspectSymbol] (): Redacted { return redacted('SignedPreKey') }
}

/** ML-KEM-768 prekey signed by the identity key: the last-resort one (reused) or one-time ones (used once). */
export class KemPreKey {
  readonly id: number
  readonly publicKey: Uint8Array
  readonly signature: Uint8Array
  readonly createdAt: number
  readonly lastResort: boolean
  readonly #secretKey: Uint8Array

  private constructor (id: number, secretKey: Uint8Array, publicKey: Uint8Array, signature: Uint8Array, createdAt: number, lastResort: boolean) {
    this.id = id; this.#secretKey = secretKey; this.publicKey = publicKey; this.signature = signature; this.createdAt = createdAt; this.lastResort = lastResort
  }

  static generate (identity: IdentityKeyPair, id: number, createdAt: number, lastResort: boolean, random: RandomSource): KemPreKey {
    checkId(id); checkTime(createdAt)
    const kp = generateKemKeyPair(random)
    return new KemPreKey(id, kp.secretKey, kp.publicKey, identity.sign(kemPreKeySignatureMessage(kp.publicKey)), createdAt, lastResort)
  }

  static deserialize (bytes: Uint8Array): KemPreKey {
    const pb = decodeOr(() => KemPreKeyPb.decode(bytes), 'KEM prekey')
    if (pb.secretKey.length !== MLKEM768_SECRET_KEY_LENGTH) throw new InvalidKeyError('ML-KEM secret key must be 2400 bytes')
    checkKemPublicKey(pb.publicKey)
    return new KemPreKey(pb.id, Uint8Array.from(pb.secretKey), pb.publicKey, pb.signature, Number(pb.createdAt), pb.lastResort)
  }

  serialize (): Uint8Array {
    return encodePb(KemPreKeyPb, { id: this.id, publicKey: this.publicKey, secretKey: this.#secretKey, signature: this.signature, createdAt: BigInt(this.createdAt), lastResort: this.lastResort })
  }

  decapsulate (cipherText: Uint8Array, p?: CryptoProvider): Uint8Array { return kemDecapsulate(cipherText, this.#secretKey, p ?? defaultProvider()) }

  toJSON (): Redacted { return redacted('KemPreKey') }
  [inspectSymbol] (): Redacted { return redacted('KemPreKey') }
}

/** One-time X25519 prekey (unsigned, as in X3DH/PQXDH); handed out at most once by relays. */
export class OneTimePreKey {
  readonly id: number
  readonly publicKey: Uint8Array
  readonly #privateKey: Uint8Array

  private constructor (id: number, privateKey: Uint8Array, publicKey: Uint8Array) {
    this.id = id; this.#privateKey = privateKey; this.publicKey = publicKey
  }

  static generate (id: number, random: RandomSource): OneTimePreKey {
    checkId(id)
    const kp = generateX25519KeyPair(random)
    return new OneTimePreKey(id, kp.privateKey, kp.publicKey)
  }

  /** `count` consecutive ids starting at `firstId`. */
  static generateBatch (firstId: number, count: number, random: RandomSource): OneTimePreKey[] {
    return Array.from({ length: count }, (_, i) => OneTimePreKey.generate((firstId + i) >>> 0, random))
  }

  static deserialize (bytes: Uint8Array): OneTimePreKey {
    const pb = decodeOr(() => OneTimePreKeyPb.decode(bytes), 'one-time prekey')
    if (pb.privateKey.length !== 32) throw new InvalidKeyError('One-time prekey private key must be 32 bytes')
    return new OneTimePreKey(pb.id, Uint8Array.from(pb.privateKey), x25519PublicKeyOf(pb.privateKey))
  }

  serialize (): Uint8Array {
    return encodePb(OneTimePreKeyPb, { id: this.id, publicKey: this.publicKey, privateKey: this.#privateKey })
  }

  agree (theirPublicKey: Uint8Array, p?: CryptoProvider): Uint8Array { return x25519Agree(this.#privateKey, theirPublicKey, p) }

  toJSON (): Redacted { return redacted('OneTimePreKey') }
  [inspectSymbol] (): Redacted { return redacted('OneTimePreKey') }
}

/** Public forms, as uploaded to relays and published in the directory record. */
export interface PublicSignedPreKey { id: number, publicKey: Uint8Array, signature: Uint8Array }
export interface PublicKemPreKey { id: number, publicKey: Uint8Array, signature: Uint8Array, lastResort: boolean }
export interface PublicOneTimePreKey { id: number, publicKey: Uint8Array }

/** What an initiator needs to start a session with one device. */
export interface PreKeyBundle {
  identityKey: Uint8Array
  deviceId: number
  signedPreKey: PublicSignedPreKey
  /** a one-time ML-KEM prekey if the relay had one, else the last-resort one */
  kemPreKey: PublicKemPreKey
  oneTimePreKey?: PublicOneTimePreKey
}

export function publicSignedPreKey (k: SignedPreKey): PublicSignedPreKey {
  return { id: k.id, publicKey: k.publicKey, signature: k.signature }
}
export function publicKemPreKey (k: KemPreKey): PublicKemPreKey {
  return { id: k.id, publicKey: k.publicKey, signature: k.signature, lastResort: k.lastResort }
}
export function publicOneTimePreKey (k: OneTimePreKey): PublicOneTimePreKey {
  return { id: k.id, publicKey: k.publicKey }
}

/** Public-form serialisation (no private parts) for upload to relays. */
export function encodePublicSignedPreKey (k: PublicSignedPreKey): Uint8Array {
  return encodePb(SignedPreKeyPb, { id: k.id, publicKey: k.publicKey, signature: k.signature })
}
export function decodePublicSignedPreKey (bytes: Uint8Array): PublicSignedPreKey {
  const pb = decodeOr(() => SignedPreKeyPb.decode(bytes), 'signed prekey')
  return { id: pb.id, publicKey: pb.publicKey, signature: pb.signature }
}
export function encodePublicKemPreKey (k: PublicKemPreKey): Uint8Array {
  return encodePb(KemPreKeyPb, { id: k.id, publicKey: k.publicKey, signature: k.signature, lastResort: k.lastResort })
}
export function decodePublicKemPreKey (bytes: Uint8Array): PublicKemPreKey {
  const pb = decodeOr(() => KemPreKeyPb.decode(bytes), 'KEM prekey')
  return { id: pb.id, publicKey: pb.publicKey, signature: pb.signature, lastResort: pb.lastResort }
}
export function encodePublicOneTimePreKey (k: PublicOneTimePreKey): Uint8Array {
  return encodePb(OneTimePreKeyPb, { id: k.id, publicKey: k.publicKey })
}
export function decodePublicOneTimePreKey (bytes: Uint8Array): PublicOneTimePreKey {
  const pb = decodeOr(() => OneTimePreKeyPb.decode(bytes), 'one-time prekey')
  return { id: pb.id, publicKey: pb.publicKey }
}

export function encodePreKeyBundle (b: PreKeyBundle): Uint8Array {
  return encodePb(PreKeyBundlePb, {
    identityKey: b.identityKey,
    deviceId: b.deviceId,
    signedPreKeyId: b.signedPreKey.id,
    signedPreKey: b.signedPreKey.publicKey,
    signedPreKeySignature: b.signedPreKey.signature,
    kemPreKeyId: b.kemPreKey.id,
    kemPreKey: b.kemPreKey.publicKey,
    kemPreKeySignature: b.kemPreKey.signature,
    kemPreKeyLastResort: b.kemPreKey.lastResort,
    oneTimePreKeyId: b.oneTimePreKey?.id,
    oneTimePreKey: b.oneTimePreKey?.publicKey
  })
}

/** Decodes a bundle (structure only; call verifyPreKeyBundle, or let pqxdhInitiate do it). */
export function decodePreKeyBundle (bytes: Uint8Array): PreKeyBundle {
  const pb = decodeOr(() => PreKeyBundlePb.decode(bytes), 'prekey bundle')
  if ((pb.oneTimePreKeyId === undefined) !== (pb.oneTimePreKey === undefined)) throw new InvalidMessageError('Malformed prekey bundle')
  const bundle: PreKeyBundle = {
    identityKey: pb.identityKey,
    deviceId: pb.deviceId,
    signedPreKey: { id: pb.signedPreKeyId, publicKey: pb.signedPreKey, signature: pb.signedPreKeySignature },
    kemPreKey: { id: pb.kemPreKeyId, publicKey: pb.kemPreKey, signature: pb.kemPreKeySignature, lastResort: pb.kemPreKeyLastResort }
  }
  if (pb.oneTimePreKeyId !== undefined && pb.oneTimePreKey !== undefined) bundle.oneTimePreKey = { id: pb.oneTimePreKeyId, publicKey: pb.oneTimePreKey }
  return bundle
}

/**
 * Checks a bundle at the boundary: identity key valid, key lengths right, both prekey
 * signatures valid under the identity key. Low-order X25519 keys are caught when the
 * initiator computes DH (all-zero output ⇒ InvalidKeyError).
 */
export function verifyPreKeyBundle (b: PreKeyBundle, p?: CryptoProvider): void {
  checkIdentityKey(b.identityKey)
  checkX25519PublicKey(b.signedPreKey.publicKey)
  checkKemPublicKey(b.kemPreKey.publicKey)
  if (b.oneTimePreKey !== undefined) checkX25519PublicKey(b.oneTimePreKey.publicKey)
  if (!verifySignature(b.identityKey, signedPreKeySignatureMessage(b.signedPreKey.publicKey), b.signedPreKey.signature, p)) throw new InvalidSignatureError('Signed prekey signature did not verify')
  if (!verifySignature(b.identityKey, kemPreKeySignatureMessage(b.kemPreKey.publicKey), b.kemPreKey.signature, p)) throw new InvalidSignatureError('KEM prekey signature did not verify')
}
