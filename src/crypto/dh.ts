/** X25519 key agreement with the checks PQXDH needs (length, low order ⇒ all-zero output rejected); knows no protocol. */
import { isAllZero } from './bytes.js'
import { defaultProvider } from './default-provider.js'
import { InvalidKeyError } from './errors.js'
import type { RandomSource } from './deps.js'
import type { CryptoProvider } from './provider.js'

const X25519_KEY_LENGTH = 32

export interface X25519KeyPair { privateKey: Uint8Array, publicKey: Uint8Array }

export function generateX25519KeyPair (random: RandomSource, p: CryptoProvider = defaultProvider()): X25519KeyPair {
  const privateKey = random(X25519_KEY_LENGTH)
  return { privateKey, publicKey: p.x25519PublicKey(privateKey) }
}

export function x25519PublicKeyOf (privateKey: Uint8Array, p: CryptoProvider = defaultProvider()): Uint8Array {
  return p.x25519PublicKey(privateKey)
}

/**
 * Length and canonical encoding: X25519 ignores bit 255 and reduces u mod p, so several byte
 * strings name the same key. Accepting only u < 2^255 − 19 makes keys (and ids derived from
 * them, such as PQXDH replay ids) unique.
 */
export function checkX25519PublicKey (publicKey: Uint8Array): void {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== X25519_KEY_LENGTH) throw new InvalidKeyError('X25519 public key must be 32 bytes')
  if ((publicKey[31] & 0x80) !== 0) throw new InvalidKeyError('X25519 public key is not canonical')
  if (publicKey[31] === 0x7f && publicKey[0] >= 0xed) {
    let allFF = true
    for (let i = 1; i < 31; i++) if (publicKey[i] !== 0xff) allFF = false
    if (allFF) throw new InvalidKeyError('X25519 public key is not canonical')
  }
}

/** DH(priv, pub); throws InvalidKeyError for a malformed or low-order public key (all-zero shared secret). */
export function x25519Agree (privateKey: Uint8Array, publicKey: Uint8Array, p: CryptoProvider = defaultProvider()): Uint8Array {
  checkX25519PublicKey(publicKey)
  let shared: Uint8Array
  try {
    shared = p.x25519(privateKey, publicKey)
  } catch {
    throw new InvalidKeyError('X25519 public key is of low order')
  }
  if (isAllZero(shared)) throw new InvalidKeyError('X25519 public key is of low order')
  return shared
}
