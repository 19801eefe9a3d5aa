/** The symmetric-primitive provider interface (AES-GCM, HMAC, HKDF, SHA-2, scrypt) and the input checks every implementation shares; knows no protocol. */
import { UnsupportedParameterError } from './errors.js'

/** AES-GCM IV length we support (96 bits, the only size GCM is designed around). */
export const AES_GCM_IV_LENGTH = 12
/** AES-GCM tag length we support (128 bits, full tag). */
export const AES_GCM_TAG_LENGTH = 16
/** HKDF-SHA256 can expand to at most 255 blocks of 32 bytes (RFC 5869). */
export const HKDF_SHA256_MAX_LENGTH = 255 * 32

export interface ScryptParams { N: number, r: number, p: number, dkLen: number }

/** An incremental SHA-256: `update` in order, then `digest` once (for data too large to hold, e.g. a media file). */
export interface Sha256Hasher {
  update: (data: Uint8Array) => void
  digest: () => Uint8Array
}

/**
 * Symmetric primitives. Synchronous on purpose (see docs/crypto.md): the ratchet is a
 * synchronous state machine, node:crypto is synchronous, and browsers use the noble path.
 * Every implementation gives byte-identical results and throws the same typed errors.
 */
export interface CryptoProvider {
  readonly name: 'native' | 'noble'
  sha256: (data: Uint8Array) => Uint8Array
  sha512: (data: Uint8Array) => Uint8Array
  /**
   * Optional incremental SHA-256 (same digest as `sha256` over the concatenation); where it is missing,
   * callers use noble's (`sha256Hasher` in blob-cipher.ts). Optional so test providers built as object
   * literals need not implement it.
   */
  createSha256?: () => Sha256Hasher
  hmacSha256: (key: Uint8Array, data: Uint8Array) => Uint8Array
  /** HKDF-SHA256 (RFC 5869); an empty salt means 32 zero bytes; length ≤ 8160. */
  hkdfSha256: (ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number) => Uint8Array
  /** AES-GCM with a 16/24/32-byte key, 12-byte IV; returns ciphertext ‖ 16-byte tag. */
  aesGcmEncrypt: (key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array) => Uint8Array
  /** Inverse of aesGcmEncrypt; throws DecryptionError on any authentication failure. */
  aesGcmDecrypt: (key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array) => Uint8Array
  /**
   * Optional: aesGcmEncrypt's bytes as parts (ciphertext, then the tag) that are never joined, so a large
   * plaintext costs one buffer, not two and a copy (media chunks go out as parts). Callers concatenate where missing.
   */
  aesGcmEncryptParts?: (key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array) => Uint8Array[]
  /**
   * Optional: aesGcmDecrypt of ciphertext ‖ tag given in pieces of any sizes (as they came off the network), the
   * plaintext in pieces (nothing is returned before the tag is checked); throws DecryptionError as aesGcmDecrypt.
   */
  aesGcmDecryptParts?: (key: Uint8Array, iv: Uint8Array, sealed: readonly Uint8Array[], aad: Uint8Array) => Uint8Array[]
  scrypt: (password: Uint8Array, salt: Uint8Array, params: ScryptParams) => Promise<Uint8Array>
  /** X25519 public key of a 32-byte private key (clamped as in RFC 7748). */
  x25519PublicKey: (privateKey: Uint8Array) => Uint8Array
  /** Raw X25519; may return all zeros or throw for low-order keys (callers use x25519Agree, which checks). */
  x25519: (privateKey: Uint8Array, publicKey: Uint8Array) => Uint8Array
  ed25519PublicKey: (seed: Uint8Array) => Uint8Array
  ed25519Sign: (seed: Uint8Array, message: Uint8Array) => Uint8Array
  /** Strict RFC 8032 verification; false (never throws) for malformed keys or signatures. */
  ed25519Verify: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean
  /**
   * Optional ML-KEM-768 decapsulation (FIPS 203, implicit rejection) with a 2400-byte decapsulation
   * key; returns undefined where the implementation cannot take that key (callers then use noble).
   * Decapsulation is deterministic, so any implementation gives the same bytes. There is no
   * encapsulation counterpart on purpose: encapsulation must draw its randomness from
   * `deps.random`, which node:crypto cannot take.
   */
  mlKem768Decapsulate?: (secretKey: Uint8Array, cipherText: Uint8Array) => Uint8Array | undefined
}

/** Boundary checks shared by both providers, so both reject exactly the same inputs. */
export function checkAesGcm (key: Uint8Array, iv: Uint8Array): void {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) throw new UnsupportedParameterError('AES key must be 16, 24 or 32 bytes')
  if (iv.length !== AES_GCM_IV_LENGTH) throw new UnsupportedParameterError('AES-GCM IV must be 12 bytes')
}

export function checkHkdfLength (length: number): void {
  if (!Number.isInteger(length) || length < 0 || length > HKDF_SHA256_MAX_LENGTH) throw new UnsupportedParameterError('HKDF length out of range')
}
