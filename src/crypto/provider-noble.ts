/** Pure-JS CryptoProvider on @noble/hashes and @noble/ciphers; runs everywhere, knows no protocol. */
import { gcm } from '@noble/ciphers/aes.js'
import { ed25519, x25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { scryptAsync } from '@noble/hashes/scrypt.js'
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import { DecryptionError } from './errors.js'
import { AES_GCM_TAG_LENGTH, checkAesGcm, checkHkdfLength } from './provider.js'
import type { CryptoProvider } from './provider.js'

export const nobleProvider: CryptoProvider = {
  name: 'noble',
  sha256: (data) => sha256(data),
  sha512: (data) => sha512(data),
  createSha256: () => {
    const h = sha256.create()
    return { update: (data) => { h.update(data) }, digest: () => h.digest() }
  },
  hmacSha256: (key, data) => hmac(sha256, key, data),
  hkdfSha256: (ikm, salt, info, length) => {
    checkHkdfLength(length)
    if (length === 0) return new Uint8Array(0)
    return hkdf(sha256, ikm, salt.length === 0 ? undefined : salt, info, length)
  },
  aesGcmEncrypt: (key, iv, plaintext, aad) => {
    checkAesGcm(key, iv)
    return gcm(key, iv, aad).encrypt(plaintext)
  },
  aesGcmDecrypt: (key, iv, sealed, aad) => {
    checkAesGcm(key, iv)
    if (sealed.length < AES_GCM_TAG_LENGTH) throw new DecryptionError()
    try {
      return gcm(key, iv, aad).decrypt(sealed)
    } catch {
      throw new DecryptionError()
    }
  },
  scrypt: async (password, salt, { N, r, p, dkLen }) => scryptAsync(password, salt, { N, r, p, dkLen }),
  x25519PublicKey: (privateKey) => x25519.getPublicKey(privateKey),
  x25519: (privateKey, publicKey) => x25519.getSharedSecret(privateKey, publicKey),
  ed25519PublicKey: (seed) => ed25519.getPublicKey(seed),
  ed25519Sign: (seed, message) => ed25519.sign(message, seed),
  ed25519Verify: (publicKey, message, signature) => {
    if (publicKey.length !== 32 || signature.length !== 64) return false
    try {
      return ed25519.verify(signature, message, publicKey, { zip215: false })
    } catch {
      return false
    }
  }
}
