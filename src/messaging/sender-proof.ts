/** Ties a sender's claimed phone number to its identity key: a trusted attestation inside the message, else a directory record a trusted verifier attested; remembered once proven. Knows nothing of transports. */
import { decodeAttestation, attestationTrusted } from '../crypto/index.js'
import { directoryKeysFor, type DirectoryHashCache, type LookupResult } from '../directory/index.js'
import { toHex, type AbortOptions, type KeyValueStore } from '../storage/index.js'

export interface SenderProofInit {
  /** proven bindings: hex(identity key) → E.164 */
  store: KeyValueStore
  trustedVerifiers: (options?: AbortOptions) => Promise<Uint8Array[]>
  lookup: (e164: string, options?: AbortOptions) => Promise<LookupResult>
  hashes?: DirectoryHashCache
  now: () => number
}

const enc = new TextEncoder()
const dec = new TextDecoder()

export class SenderProof {
  constructor (private readonly init: SenderProofInit) {}

  /** The number proven for this identity key before, if any. */
  async numberOf (identityKey: Uint8Array, options?: AbortOptions): Promise<string | undefined> {
    const v = await this.init.store.get(toHex(identityKey), options)
    return v == null ? undefined : dec.decode(v)
  }

  /** Records a binding learned first-hand (we looked the number up ourselves and wrote to that key). */
  async remember (identityKey: Uint8Array, e164: string, options?: AbortOptions): Promise<void> {
    if (await this.numberOf(identityKey, options) === e164) return
    await this.init.store.put(toHex(identityKey), enc.encode(e164), { ...options, sync: true })
  }

  /**
   * True when `e164` belongs to `identityKey`: remembered, attested by a trusted verifier, or what the
   * directory says now in a record a trusted verifier attested. A record without such an attestation proves
   * nothing (anyone can publish one), so a message relying on it is never attributed to the number.
   */
  async confirm (e164: string, identityKey: Uint8Array, attestation: Uint8Array, options?: AbortOptions): Promise<boolean> {
    if (await this.numberOf(identityKey, options) === e164) return true
    let proven = false
    if (attestation.length > 0) {
      try {
        const a = decodeAttestation(attestation)
        const { directoryKey } = await directoryKeysFor(e164, { ...options, ...(this.init.hashes != null ? { hashes: this.init.hashes } : {}) })
        proven = attestationTrusted(a, { directoryKey, identityKey, now: this.init.now(), trustedVerifiers: await this.init.trustedVerifiers(options) })
      } catch {
        proven = false
      }
    }
    if (!proven) {
      const found = await this.init.lookup(e164, options)
      proven = found.registered && found.verified && toHex(found.identityKey) === toHex(identityKey)
    }
    if (proven) await this.remember(identityKey, e164, options)
    return proven
  }
}
