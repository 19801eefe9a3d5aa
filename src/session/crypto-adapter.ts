// Reading a first (prekey) message before responding: its header (prekey ids) and replay id, needed to load prekeys from async storage before the synchronous pqxdhRespond.
import { defaultProvider, parsePreKeyMessage, replayIdOf } from '../crypto/index.js'
import type { CryptoProvider } from '../crypto/index.js'

/** Public header fields of a first message (identity, base key, prekey ids). Throws InvalidMessageError. */
export type PreKeyMessageHeader = ReturnType<typeof parsePreKeyMessage>

export function readPreKeyMessage (bytes: Uint8Array): PreKeyMessageHeader {
  return parsePreKeyMessage(bytes)
}

/** The id the responder persists to refuse a replayed first message (the one pqxdhRespond reports). */
export function firstMessageReplayId (identityKey: Uint8Array, baseKey: Uint8Array, provider?: CryptoProvider): Uint8Array {
  return replayIdOf(provider ?? defaultProvider(), identityKey, baseKey)
}
