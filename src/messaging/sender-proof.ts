/** Ties a sender's claimed phone number to its identity key: the directory's answer under the registration lock, from a record a trusted verifier attested; remembered once proven. Knows nothing of transports. */
import type { LookupResult } from '../directory/index.js'
import { decodeAttestation } from '../crypto/attestation.js'
import { toHex, type StoreOptions, type KeyValueStore } from '../storage/index.js'
import type { RecipientLookupOptions } from './recipients.js'

export interface SenderProofInit {
  /** proven bindings: hex(identity key) → E.164 */
  store: KeyValueStore
  /** the directory lookup with our trusted verifiers (its `verified` says a trusted verifier attested the answer) */
  lookup: (e164: string, options?: RecipientLookupOptions) => Promise<LookupResult>
  /**
   * the verified answer a lookup of ours got for the number within the last minutes (sending to it), if any:
   * when it names the sender's key it proves the number without asking again
   */
  recent?: (e164: string) => Extract<LookupResult, { registered: true }> | undefined
}

export interface ConfirmOptions extends StoreOptions {
  /**
   * The verifier attestation the sender carries: not proof (see confirm), but the directory key it names
   * lets the lookup walk the DHT while our own hash of the number is computed
   */
  attestation?: Uint8Array
}

/** The directory key a sender's attestation names for its own identity key, if it is one (a hint, checked by the lookup). */
function attestedKey (attestation: Uint8Array | undefined, identityKey: Uint8Array): Uint8Array | undefined {
  if (attestation == null || attestation.length === 0) return undefined
  try {
    const a = decodeAttestation(attestation)
    return toHex(a.identityKey) === toHex(identityKey) ? a.directoryKey : undefined
  } catch {
    return undefined
  }
}

const enc = new TextEncoder()
const dec = new TextDecoder()

export class SenderProof {
  constructor (private readonly init: SenderProofInit) {}

  /** The number proven for this identity key before, if any. */
  async numberOf (identityKey: Uint8Array, options?: StoreOptions): Promise<string | undefined> {
    const v = await this.init.store.get(toHex(identityKey), options)
    return v == null ? undefined : dec.decode(v)
  }

  /** Records a binding learned first-hand (we looked the number up ourselves and wrote to that key). */
  async remember (identityKey: Uint8Array, e164: string, options?: StoreOptions): Promise<void> {
    if (await this.numberOf(identityKey, options) === e164) return
    await this.init.store.put(toHex(identityKey), enc.encode(e164), { ...options, sync: true })
  }

  /**
   * True when `e164` belongs to `identityKey`: remembered, or what the directory says now, ranked by the
   * registration lock, in a record a trusted verifier attested. An attestation the sender carries is not
   * enough on its own: a SIM swap or an intercepted code buys a trusted attestation for a fresh identity,
   * which the lock keeps out of the directory (docs/trust.md). A directory that cannot be reached throws,
   * so the envelope stays to be read again later.
   */
  async confirm (e164: string, identityKey: Uint8Array, options?: ConfirmOptions): Promise<boolean> {
    if (await this.numberOf(identityKey, options) === e164) return true
    // the answer we just got to write to the number proves a reply from that key (the same rule, minutes old);
    // one naming another key proves nothing either way: the directory is asked now (the contact may have reinstalled)
    const recent = this.init.recent?.(e164)
    if (recent != null && recent.verified && toHex(recent.identityKey) === toHex(identityKey)) {
      await this.remember(identityKey, e164, options)
      return true
    }
    const expectedKey = attestedKey(options?.attestation, identityKey)
    const found = await this.init.lookup(e164, { ...(options?.signal != null ? { signal: options.signal } : {}), ...(expectedKey != null ? { expectedKey } : {}) })
    const proven = found.registered && found.verified && toHex(found.identityKey) === toHex(identityKey)
    if (proven) await this.remember(identityKey, e164, options)
    return proven
  }
}
