/** Directory hashing (docs/design.md §4 v1): scrypt of an E.164 number to H, the DHT key, and the record key derived from H; knows no DHT or number parsing. */
import { concat, toHex, utf8 } from './bytes.js'
import { providerOf } from './deps.js'
import { DecryptionError, UnsupportedParameterError } from './errors.js'
import type { CryptoDeps } from './deps.js'
import type { CryptoProvider } from './provider.js'

/** E.164: '+', a non-zero country digit, 7..15 digits in all. Normalisation (libphonenumber-js) happens above this layer. */
export const E164_PATTERN = /^\+[1-9]\d{6,14}$/
/** scrypt cost from docs/design.md §4: ~50–100 ms per number, 32 MiB memory, which makes bulk crawling of the number space expensive. */
export const DIRECTORY_SCRYPT = { N: 2 ** 15, r: 8, p: 1, dkLen: 32 } as const
const DHT_KEY_PREFIX = '/parley-phone/'
const RECORD_KEY_INFO = utf8('Parley_DirectoryRecord_v1')

/** H = scrypt(E164, networkSalt, N=2^15, r=8, p=1), 32 bytes. */
export async function directoryHash (e164: string, networkSalt: Uint8Array, provider?: CryptoProvider): Promise<Uint8Array> {
  if (typeof e164 !== 'string' || !E164_PATTERN.test(e164)) throw new UnsupportedParameterError('Not an E.164 number')
  if (!(networkSalt instanceof Uint8Array) || networkSalt.length === 0) throw new UnsupportedParameterError('networkSalt must be non-empty')
  return await providerOf({ provider }).scrypt(utf8(e164), networkSalt, DIRECTORY_SCRYPT)
}

function checkH (h: Uint8Array): void {
  if (!(h instanceof Uint8Array) || h.length !== DIRECTORY_SCRYPT.dkLen) throw new UnsupportedParameterError('Directory hash must be 32 bytes')
}

/** DHT key `/parley-phone/<hex sha256(H)>`. */
export function directoryDhtKey (h: Uint8Array, provider?: CryptoProvider): string {
  checkH(h)
  return DHT_KEY_PREFIX + toHex(providerOf({ provider }).sha256(h))
}

/** AES-256-GCM key for the record value: HKDF-SHA256(H, info). DHT nodes see only sha256(H), not H. */
export function directoryRecordKey (h: Uint8Array, provider?: CryptoProvider): Uint8Array {
  checkH(h)
  return providerOf({ provider }).hkdfSha256(h, new Uint8Array(0), RECORD_KEY_INFO, 32)
}

/** Encrypts a record value under the record key: nonce(12) ‖ AES-GCM(value), AAD = the DHT key. */
export function sealDirectoryRecord (recordKey: Uint8Array, dhtKey: string, value: Uint8Array, deps: CryptoDeps): Uint8Array {
  const p = providerOf(deps)
  const iv = deps.random(12)
  return concat(iv, p.aesGcmEncrypt(recordKey, iv, value, utf8(dhtKey)))
}

export function openDirectoryRecord (recordKey: Uint8Array, dhtKey: string, sealed: Uint8Array, provider?: CryptoProvider): Uint8Array {
  if (sealed.length < 12 + 16) throw new DecryptionError()
  return providerOf({ provider }).aesGcmDecrypt(recordKey, sealed.subarray(0, 12), sealed.subarray(12), utf8(dhtKey))
}
