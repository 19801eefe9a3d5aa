/** Safety numbers (Signal's numeric fingerprint): 60 digits and a QR payload from two identity keys; knows no UI. */
import { concat, constantTimeEqual } from './bytes.js'
import { providerOf } from './deps.js'
import { InvalidMessageError } from './errors.js'
import { checkIdentityKey } from './identity.js'
import { encodePb } from './codec.js'
import { SafetyNumberQrPb } from './pb/messages.js'
import type { CryptoProvider } from './provider.js'

/** Signal's iteration count: makes a targeted second-preimage on 30 digits cost ~2^12 more hashes per try. */
export const SAFETY_NUMBER_ITERATIONS = 5200
const FINGERPRINT_VERSION = Uint8Array.of(0, 0)
const SAFETY_NUMBER_QR_VERSION = 1

export interface SafetyNumberParams {
  localIdentityKey: Uint8Array
  remoteIdentityKey: Uint8Array
  /** stable user identifiers (Signal uses the ACI); default empty, then only the keys count */
  localId?: Uint8Array
  remoteId?: Uint8Array
}

export interface SafetyNumber {
  /** 60 digits; identical on both sides */
  digits: string
  /** QR payload: our fingerprint first; compare a scanned one with compareSafetyNumberQr */
  qr: Uint8Array
}

function fingerprint (p: CryptoProvider, key: Uint8Array, id: Uint8Array): Uint8Array {
  let hash = p.sha512(concat(FINGERPRINT_VERSION, key, id))
  for (let i = 0; i < SAFETY_NUMBER_ITERATIONS; i++) hash = p.sha512(concat(hash, key))
  return hash
}

function digits30 (hash: Uint8Array): string {
  let out = ''
  for (let i = 0; i < 30; i += 5) {
    const n = hash[i] * 2 ** 32 + hash[i + 1] * 2 ** 24 + hash[i + 2] * 2 ** 16 + hash[i + 3] * 2 ** 8 + hash[i + 4]
    out += String(n % 100000).padStart(5, '0')
  }
  return out
}

export function safetyNumber (params: SafetyNumberParams, provider?: CryptoProvider): SafetyNumber {
  const p = providerOf({ provider })
  checkIdentityKey(params.localIdentityKey)
  checkIdentityKey(params.remoteIdentityKey)
  const local = fingerprint(p, params.localIdentityKey, params.localId ?? new Uint8Array(0))
  const remote = fingerprint(p, params.remoteIdentityKey, params.remoteId ?? new Uint8Array(0))
  const l = digits30(local)
  const r = digits30(remote)
  return {
    digits: l < r ? l + r : r + l,
    qr: encodePb(SafetyNumberQrPb, { version: SAFETY_NUMBER_QR_VERSION, localFingerprint: local.slice(0, 32), remoteFingerprint: remote.slice(0, 32) })
  }
}

/** True if `scanned` (the other side's QR) matches ours: their local is our remote and vice versa. */
export function compareSafetyNumberQr (ours: Uint8Array, scanned: Uint8Array): boolean {
  let a: SafetyNumberQrPb
  let b: SafetyNumberQrPb
  try {
    a = SafetyNumberQrPb.decode(ours)
    b = SafetyNumberQrPb.decode(scanned)
  } catch {
    throw new InvalidMessageError('Malformed safety number QR payload')
  }
  if (a.version !== SAFETY_NUMBER_QR_VERSION || b.version !== SAFETY_NUMBER_QR_VERSION) throw new InvalidMessageError('Unsupported safety number QR version')
  const x = constantTimeEqual(a.localFingerprint, b.remoteFingerprint)
  const y = constantTimeEqual(a.remoteFingerprint, b.localFingerprint)
  return x && y
}
