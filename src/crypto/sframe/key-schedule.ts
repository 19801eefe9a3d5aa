/** SFrame's key schedule (RFC 9605 §4.4.2): `sframe_key` and `sframe_salt` from a `base_key` with HKDF over the suite's hash; knows no frames. */
import { concat, utf8 } from '../bytes.js'
import { InvalidKeyError, UnsupportedParameterError } from '../errors.js'
import { SFRAME_MAX_BASE_KEY_BYTES, SFRAME_MAX_UINT64, SFRAME_MIN_BASE_KEY_BYTES, sframeSuite, type SFrameSuiteParams } from './constants.js'
import { subtleCrypto, view } from './webcrypto.js'

const KEY_LABEL = utf8('SFrame 1.0 Secret key ')
const SALT_LABEL = utf8('SFrame 1.0 Secret salt ')
/** HKDF-Extract("", base_key): an empty salt (HKDF then uses Nh zero bytes). */
const EMPTY = new Uint8Array(0)

/** The suite's parameters, or UnsupportedParameterError for a suite RFC 9605 does not define. */
export function suiteParams (suite: number): SFrameSuiteParams {
  const params = sframeSuite(suite)
  if (params === undefined) throw new UnsupportedParameterError('Unknown SFrame cipher suite')
  return params
}

/** Refuses a base key that is not bytes or is outside SFRAME_MIN_BASE_KEY_BYTES … SFRAME_MAX_BASE_KEY_BYTES. */
export function checkBaseKey (baseKey: Uint8Array): void {
  if (!(baseKey instanceof Uint8Array) || baseKey.length < SFRAME_MIN_BASE_KEY_BYTES || baseKey.length > SFRAME_MAX_BASE_KEY_BYTES) {
    throw new InvalidKeyError(`SFrame base key must be ${SFRAME_MIN_BASE_KEY_BYTES}-${SFRAME_MAX_BASE_KEY_BYTES} bytes`)
  }
}

/** Refuses a KID that is not a bigint in 0 … 2^64 - 1. */
export function checkKid (kid: bigint): void {
  if (typeof kid !== 'bigint' || kid < 0n || kid > SFRAME_MAX_UINT64) throw new UnsupportedParameterError('SFrame KID must be a bigint in 0 … 2^64 - 1')
}

/** label ‖ KID as 8 bytes big-endian ‖ cipher suite as 2 bytes big-endian (not the header's compact form). */
function label (prefix: Uint8Array, kid: bigint, suite: number): Uint8Array {
  const tail = new Uint8Array(10)
  const dv = new DataView(tail.buffer)
  dv.setBigUint64(0, kid, false)
  dv.setUint16(8, suite, false)
  return concat(prefix, tail)
}

/**
 * RFC 9605's `derive_key_salt(KID, base_key)`: `sframe_secret = HKDF-Extract("", base_key)`, then
 * `sframe_key = HKDF-Expand(sframe_secret, "SFrame 1.0 Secret key " + KID + cipher_suite, Nk)` and
 * `sframe_salt = HKDF-Expand(sframe_secret, "SFrame 1.0 Secret salt " + KID + cipher_suite, Nn)`.
 * The raw bytes are the caller's to wipe once imported.
 */
export async function deriveSFrameKeySalt (suite: number, kid: bigint, baseKey: Uint8Array): Promise<{ key: Uint8Array, salt: Uint8Array }> {
  const params = suiteParams(suite)
  checkKid(kid)
  checkBaseKey(baseKey)
  const subtle = subtleCrypto()
  const ikm = await subtle.importKey('raw', view(baseKey), 'HKDF', false, ['deriveBits'])
  const expand = async (prefix: Uint8Array, bytes: number): Promise<Uint8Array> => new Uint8Array(await subtle.deriveBits(
    { name: 'HKDF', hash: params.hash, salt: EMPTY, info: view(label(prefix, kid, params.id)) }, ikm, bytes * 8))
  const [key, salt] = await Promise.all([expand(KEY_LABEL, params.nk), expand(SALT_LABEL, params.nn)])
  return { key, salt }
}

/** RFC 9605 §4.4.3: nonce = sframe_salt XOR CTR, the CTR as a big-endian integer of the salt's length (Nn). */
export function sframeNonce (salt: Uint8Array, ctr: bigint): Uint8Array {
  const nonce = salt.slice()
  let value = ctr
  for (let i = nonce.length - 1; i >= 0 && value > 0n; i--) {
    nonce[i] ^= Number(value & 0xffn)
    value >>= 8n
  }
  return nonce
}
