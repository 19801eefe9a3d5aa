/** The AEAD of each SFrame suite through WebCrypto: AES-GCM, and RFC 9605 §4.5.1's AES-CTR + truncated HMAC (encrypt-then-MAC); knows no headers or counters. */
import { concat, constantTimeEqual } from '../bytes.js'
import { InvalidKeyError, UnsupportedParameterError } from '../errors.js'
import type { SFrameSuiteParams } from './constants.js'
import { SFrameDecryptError } from './errors.js'
import { suiteParams } from './key-schedule.js'
import { subtleCrypto, view } from './webcrypto.js'

/** RFC 9605 §4.4.1: each key is marked for encryption or decryption, never both; WebCrypto enforces it through the key's usages. */
export type SFrameKeyUse = 'encrypt' | 'decrypt'

/** One imported `sframe_key`: AEAD.Encrypt / AEAD.Decrypt of RFC 5116, the tag appended to the ciphertext. */
export interface SFrameAead {
  readonly suite: SFrameSuiteParams
  readonly use: SFrameKeyUse
  /** AEAD.Encrypt(key, nonce, aad, pt) = ct ‖ tag; only for an 'encrypt' key. */
  seal: (nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array) => Promise<Uint8Array>
  /** AEAD.Decrypt; SFrameDecryptError when the tag does not verify or the input is shorter than one. Only for a 'decrypt' key. */
  open: (nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array) => Promise<Uint8Array>
}

function checkNonce (params: SFrameSuiteParams, nonce: Uint8Array): void {
  if (!(nonce instanceof Uint8Array) || nonce.length !== params.nn) throw new UnsupportedParameterError('SFrame nonce has the wrong length')
}

function u64be (n: number): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt(n), false)
  return out
}

/**
 * Imports `key` (the suite's Nk bytes of `sframe_key`) for one use. The caller's bytes are not kept or changed: the
 * CryptoKeys are not extractable, so the caller may wipe its copy once this resolves.
 */
export async function importSFrameAead (suite: number, key: Uint8Array, use: SFrameKeyUse): Promise<SFrameAead> {
  const params = suiteParams(suite)
  if (!(key instanceof Uint8Array) || key.length !== params.nk) throw new InvalidKeyError('SFrame key has the wrong length for its suite')
  if (use !== 'encrypt' && use !== 'decrypt') throw new UnsupportedParameterError('SFrame key use must be encrypt or decrypt')
  return params.aead === 'AES-GCM' ? await gcm(params, key, use) : await ctrHmac(params, key, use)
}

function wrongUse (): never {
  throw new UnsupportedParameterError('SFrame key used against its marked use')
}

async function gcm (params: SFrameSuiteParams, key: Uint8Array, use: SFrameKeyUse): Promise<SFrameAead> {
  const subtle = subtleCrypto()
  const cryptoKey = await subtle.importKey('raw', view(key), 'AES-GCM', false, [use])
  const algorithm = (nonce: Uint8Array, aad: Uint8Array): AesGcmParams => ({ name: 'AES-GCM', iv: view(nonce), additionalData: view(aad), tagLength: params.nt * 8 })
  return {
    suite: params,
    use,
    seal: async (nonce, aad, plaintext) => {
      if (use !== 'encrypt') wrongUse()
      checkNonce(params, nonce)
      return new Uint8Array(await subtle.encrypt(algorithm(nonce, aad), cryptoKey, view(plaintext)))
    },
    open: async (nonce, aad, ciphertext) => {
      if (use !== 'decrypt') wrongUse()
      checkNonce(params, nonce)
      if (ciphertext.length < params.nt) throw new SFrameDecryptError()
      try {
        return new Uint8Array(await subtle.decrypt(algorithm(nonce, aad), cryptoKey, view(ciphertext)))
      } catch {
        throw new SFrameDecryptError()
      }
    }
  }
}

/** RFC 9605 §4.5.1: enc_key = key[..Nka] for AES-CTR from nonce ‖ 0x00000000, auth_key = key[Nka..] for HMAC over lengths ‖ nonce ‖ aad ‖ ct. */
async function ctrHmac (params: SFrameSuiteParams, key: Uint8Array, use: SFrameKeyUse): Promise<SFrameAead> {
  const subtle = subtleCrypto()
  const nka = params.nka ?? 0
  const [encKey, authKey] = await Promise.all([
    subtle.importKey('raw', view(key.subarray(0, nka)), 'AES-CTR', false, [use]),
    subtle.importKey('raw', view(key.subarray(nka)), { name: 'HMAC', hash: params.hash }, false, ['sign'])
  ])
  const tagLength = u64be(params.nt)
  const tag = async (nonce: Uint8Array, aad: Uint8Array, ct: Uint8Array): Promise<Uint8Array> => {
    const authData = concat(u64be(aad.length), u64be(ct.length), tagLength, nonce, aad, ct)
    return new Uint8Array(await subtle.sign('HMAC', authKey, view(authData))).subarray(0, params.nt)
  }
  // the counter block is the nonce followed by a 32-bit block counter starting at zero
  const counter = (nonce: Uint8Array): AesCtrParams => ({ name: 'AES-CTR', counter: view(concat(nonce, new Uint8Array(4))), length: 32 })
  return {
    suite: params,
    use,
    seal: async (nonce, aad, plaintext) => {
      if (use !== 'encrypt') wrongUse()
      checkNonce(params, nonce)
      const ct = new Uint8Array(await subtle.encrypt(counter(nonce), encKey, view(plaintext)))
      return concat(ct, await tag(nonce, aad, ct))
    },
    open: async (nonce, aad, ciphertext) => {
      if (use !== 'decrypt') wrongUse()
      checkNonce(params, nonce)
      if (ciphertext.length < params.nt) throw new SFrameDecryptError()
      const inner = ciphertext.subarray(0, ciphertext.length - params.nt)
      const candidate = await tag(nonce, aad, inner)
      if (!constantTimeEqual(candidate, ciphertext.subarray(ciphertext.length - params.nt))) throw new SFrameDecryptError()
      return new Uint8Array(await subtle.decrypt(counter(nonce), encKey, view(inner)))
    }
  }
}
