/** Double Ratchet key derivations (KDF_RK, KDF_CK, message-key expansion) as in Signal's spec; knows no state or wire format. */
import { utf8, wipe } from '../bytes.js'
import type { CryptoProvider } from '../provider.js'

const ROOT_INFO = utf8('Parley_Ratchet_Root_v1')
const MESSAGE_KEY_INFO = utf8('Parley_Ratchet_MessageKeys_v1')
/** Signal's chain-KDF constants: HMAC(ck, 0x01) = message key, HMAC(ck, 0x02) = next chain key. */
const MESSAGE_KEY_SEED = Uint8Array.of(0x01)
const CHAIN_KEY_SEED = Uint8Array.of(0x02)
const EMPTY = new Uint8Array(0)

/** KDF_RK(rk, dh_out) = HKDF-SHA256(salt = rk, ikm = dh_out) → (new root key, new chain key). */
export function kdfRootKey (p: CryptoProvider, rootKey: Uint8Array, dhOut: Uint8Array): { rootKey: Uint8Array, chainKey: Uint8Array } {
  const okm = p.hkdfSha256(dhOut, rootKey, ROOT_INFO, 64)
  const keys = { rootKey: okm.slice(0, 32), chainKey: okm.slice(32, 64) }
  // the copies live on in the state; this buffer would be a third copy of both keys
  wipe(okm)
  return keys
}

/** KDF_CK(ck) = (HMAC(ck, 0x02) next chain key, HMAC(ck, 0x01) message key). */
export function kdfChainKey (p: CryptoProvider, chainKey: Uint8Array): { chainKey: Uint8Array, messageKey: Uint8Array } {
  return { chainKey: p.hmacSha256(chainKey, CHAIN_KEY_SEED), messageKey: p.hmacSha256(chainKey, MESSAGE_KEY_SEED) }
}

/** Expands a message key into an AES-256-GCM key and a 12-byte nonce (each message key is used once, so a derived nonce is safe). */
export function messageKeyMaterial (p: CryptoProvider, messageKey: Uint8Array): { key: Uint8Array, iv: Uint8Array } {
  const okm = p.hkdfSha256(messageKey, EMPTY, MESSAGE_KEY_INFO, 44)
  return { key: okm.subarray(0, 32), iv: okm.subarray(32, 44) }
}
