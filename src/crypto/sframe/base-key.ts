/** A fresh SFrame base key from the platform's CSPRNG (`crypto.getRandomValues`); knows nothing of how keys travel. */
import { UnsupportedParameterError } from '../errors.js'

/** Bytes of a base key Parley generates: 32, the strength of the AES-256 suite's key (HKDF-SHA512 stretches it). */
export const SFRAME_BASE_KEY_BYTES = 32

/** A new random base key for a sending context (one per KID; send it to the call's receivers over the 1:1 sessions). */
export function newSFrameBaseKey (): Uint8Array {
  const platform = (globalThis as { crypto?: Crypto }).crypto
  if (typeof platform?.getRandomValues !== 'function') throw new UnsupportedParameterError('No crypto.getRandomValues here')
  return platform.getRandomValues(new Uint8Array(SFRAME_BASE_KEY_BYTES))
}
