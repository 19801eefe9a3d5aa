/**
 * Noise's crypto for Node: its own (`defaultCrypto`) with the ChaCha20-Poly1305 of large messages on node:crypto
 * without two costs per message that profiles of a media transfer showed (each ~a quarter of noise's cipher time):
 * the key is handed to node:crypto as a KeyObject made once per session key, not as bytes (which node:crypto probes
 * with internal throws on every call), and a sealed message is returned as its parts (ciphertext, tag) instead of
 * being copied into one buffer (the socket writes the parts). Same bytes on the wire. Knows nothing of libp2p beyond
 * noise's crypto interface; browsers keep noise's default (no node:crypto there).
 */
import { createCipheriv, createDecipheriv, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto'
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto'
import { Uint8ArrayList } from 'uint8arraylist'
import type { ICryptoInterface } from '@chainsafe/libp2p-noise'

const CHACHA20_POLY1305 = 'chacha20-poly1305'
const TAG_BYTES = 16
/** Below this noise's WebAssembly ChaCha is faster than a node:crypto cipher object (noise's own threshold): left to it. */
const NATIVE_MIN_BYTES = 1200

/** The KeyObject of each session key, and the bytes it was made from (a key changed in place is noticed, never misused). */
const keyObjects = new WeakMap<Uint8Array, { bytes: Uint8Array, key: KeyObject }>()

function keyObject (k: Uint8Array): KeyObject {
  const held = keyObjects.get(k)
  if (held !== undefined && sameBytes(held.bytes, k)) return held.key
  const key = createSecretKey(k)
  keyObjects.set(k, { bytes: Uint8Array.from(k), key })
  return key
}

/** Key bytes compared in constant time (lengths are public: 32). */
function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * Noise's output type: its own copy of uint8arraylist (an older major). Lists of either version are the same to it
 * (it tells a list by `Symbol.for('@achingbrain/uint8arraylist')` and reads `bufs` and `byteLength`, which both have).
 */
type NoiseBytes = ReturnType<ICryptoInterface['chaCha20Poly1305Encrypt']>

export const nodeNoiseCrypto: ICryptoInterface = {
  ...defaultCrypto,
  chaCha20Poly1305Encrypt (plaintext, nonce, ad, k) {
    if (plaintext.byteLength < NATIVE_MIN_BYTES) return defaultCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k)
    const cipher = createCipheriv(CHACHA20_POLY1305, keyObject(k), nonce, { authTagLength: TAG_BYTES })
    cipher.setAAD(ad, { plaintextLength: plaintext.byteLength })
    const sealed = new Uint8ArrayList()
    if (plaintext instanceof Uint8Array) sealed.append(cipher.update(plaintext))
    else for (const buf of plaintext) sealed.append(cipher.update(buf))
    const final = cipher.final()
    if (final.byteLength > 0) sealed.append(final)
    sealed.append(cipher.getAuthTag())
    return sealed as unknown as NoiseBytes
  },
  chaCha20Poly1305Decrypt (ciphertext, nonce, ad, k, dst) {
    if (ciphertext.byteLength < NATIVE_MIN_BYTES) return defaultCrypto.chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k, dst)
    const decipher = createDecipheriv(CHACHA20_POLY1305, keyObject(k), nonce, { authTagLength: TAG_BYTES })
    const length = ciphertext.byteLength - TAG_BYTES
    decipher.setAAD(ad, { plaintextLength: length })
    decipher.setAuthTag(ciphertext.subarray(length))
    const plaintext = new Uint8ArrayList()
    if (ciphertext instanceof Uint8Array) plaintext.append(decipher.update(ciphertext.subarray(0, length)))
    else for (const buf of ciphertext.sublist(0, length)) plaintext.append(decipher.update(buf as Uint8Array))
    // throws on a wrong tag: nothing decrypted is returned
    const final = decipher.final()
    if (final.byteLength > 0) plaintext.append(final)
    return plaintext as unknown as NoiseBytes
  }
}
