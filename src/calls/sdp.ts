/** What the call layer reads from a session description: its DTLS fingerprint, the binding between the encrypted signalling and the media connection. Knows no peer connection. */
import { UnboundDescriptionError } from './errors.js'

const FINGERPRINT = /^a=fingerprint:(\S+) ([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})+)\s*$/gm

/**
 * The one SHA-256 DTLS certificate fingerprint `sdp` names (upper-case hex with colons). Every media section
 * must name the same one, and no other algorithm may appear: a description naming two certificates, or a weaker
 * hash, could let a second party complete the DTLS handshake. Otherwise UnboundDescriptionError.
 */
export function dtlsFingerprint (sdp: string): string {
  const found = new Set<string>()
  for (const m of sdp.matchAll(FINGERPRINT)) {
    if (m[1].toLowerCase() !== 'sha-256') throw new UnboundDescriptionError()
    found.add(m[2].toUpperCase())
  }
  if (found.size !== 1) throw new UnboundDescriptionError()
  const [fp] = found
  if (fp.split(':').length !== 32) throw new UnboundDescriptionError()
  return fp
}
