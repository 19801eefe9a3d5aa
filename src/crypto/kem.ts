/** ML-KEM-768 key generation, encapsulation and decapsulation with length and modulus checks; knows no protocol. */
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js'
import { InvalidKeyError, InvalidMessageError } from './errors.js'
import type { RandomSource } from './deps.js'
import type { CryptoProvider } from './provider.js'

export const MLKEM768_PUBLIC_KEY_LENGTH = 1184
export const MLKEM768_SECRET_KEY_LENGTH = 2400
export const MLKEM768_CIPHERTEXT_LENGTH = 1088

export interface KemKeyPair { publicKey: Uint8Array, secretKey: Uint8Array }

export function generateKemKeyPair (random: RandomSource): KemKeyPair {
  return ml_kem768.keygen(random(64))
}

export function checkKemPublicKey (publicKey: Uint8Array): void {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== MLKEM768_PUBLIC_KEY_LENGTH) throw new InvalidKeyError('ML-KEM-768 public key must be 1184 bytes')
}

/** Encapsulate to `publicKey`; rejects keys of wrong length or failing the FIPS 203 modulus check. */
export function kemEncapsulate (publicKey: Uint8Array, random: RandomSource): { cipherText: Uint8Array, sharedSecret: Uint8Array } {
  checkKemPublicKey(publicKey)
  try {
    return ml_kem768.encapsulate(publicKey, random(32))
  } catch {
    throw new InvalidKeyError('ML-KEM-768 public key is malformed')
  }
}

/** Decapsulate with `secretKey`; natively where the provider can (~10× faster than noble, same bytes), else noble. */
export function kemDecapsulate (cipherText: Uint8Array, secretKey: Uint8Array, p?: CryptoProvider): Uint8Array {
  if (cipherText.length !== MLKEM768_CIPHERTEXT_LENGTH) throw new InvalidMessageError('ML-KEM-768 ciphertext must be 1088 bytes')
  if (secretKey.length !== MLKEM768_SECRET_KEY_LENGTH) throw new InvalidKeyError('ML-KEM-768 secret key must be 2400 bytes')
  const native = p?.mlKem768Decapsulate?.(secretKey, cipherText)
  if (native !== undefined) return native
  // pass a copy: the stored secret key must never be touched by the library
  return ml_kem768.decapsulate(cipherText, Uint8Array.from(secretKey))
}
