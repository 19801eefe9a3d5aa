/** The platform's WebCrypto (`globalThis.crypto.subtle`: Node 24, browsers' secure contexts, workers) and a byte-view cast for its inputs; knows no SFrame. */
import { UnsupportedParameterError } from '../errors.js'

/** WebCrypto's SubtleCrypto, or UnsupportedParameterError where the platform has none (an insecure browser context). */
export function subtleCrypto (): SubtleCrypto {
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle
  if (subtle === undefined) throw new UnsupportedParameterError('SFrame needs WebCrypto (crypto.subtle), absent here')
  return subtle
}

/** WebCrypto's typings want views of a plain ArrayBuffer; the bytes are only read. */
export function view (bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>
}
