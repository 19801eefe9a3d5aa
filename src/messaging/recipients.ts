/** Who a phone number's devices are and where their mail goes: directory lookups shared by every caller, with a short in-memory cache. Knows nothing of sessions or sending. */
import { peerIdFromString } from '@libp2p/peer-id'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { LookupResult, Registered } from '../directory/index.js'
import { raceSignal } from '../util/abort.js'
import { addressToString, type DeviceAddress } from '../session/index.js'
import { NotOnParleyError, UnverifiedNumberError } from './errors.js'

/** How long a lookup answer is reused: short, so a new device or relay is seen within minutes; a failed send also drops it. */
export const RECIPIENT_CACHE_MS = 5 * 60_000
/** The longest one shared lookup may take (directory lookups end sooner, at their quorum or query timeouts). */
const RECIPIENT_LOOKUP_TIMEOUT_MS = 30_000

export interface RecipientLookupOptions extends AbortOptions {
  /** the number's directory key as a sender's attestation names it: its walk starts while H is computed (directory LookupOptions.expectedKey) */
  expectedKey?: Uint8Array
}

export interface RecipientDevice {
  address: DeviceAddress
  /** `<hex identity key>.<deviceId>`: the outbox's per-device key */
  key: string
  peerId?: PeerId
  /** the directory's bundle for this device (signed prekey and last-resort KEM key; no one-time keys) */
  prekeyBundle: Uint8Array
}

export interface Recipient {
  e164: string
  identityKey: Uint8Array
  devices: RecipientDevice[]
  mailboxRelays: string[]
}

function toRecipient (e164: string, found: Registered): Recipient {
  return {
    e164,
    identityKey: found.identityKey,
    devices: found.devices.map(d => {
      const address = { identityKey: found.identityKey, deviceId: d.deviceId }
      let peerId: PeerId | undefined
      try { peerId = peerIdFromString(d.peerId) } catch { peerId = undefined }
      return { address, key: addressToString(address), prekeyBundle: d.prekeyBundle, ...(peerId != null ? { peerId } : {}) }
    }),
    mailboxRelays: found.mailboxRelays
  }
}

export class Recipients {
  /** verified answers of the last RECIPIENT_CACHE_MS, from any caller */
  private readonly cache = new Map<string, { at: number, recipient: Recipient, result: Registered }>()
  /** lookups under way: a send, the delivery right after it and a sender proof of the same number share one */
  private readonly pending = new Map<string, Promise<LookupResult>>()
  /** numbers whose last answer had no trusted attestation, and when (kept as long as a good answer would be) */
  private readonly untrusted = new Map<string, number>()

  constructor (private readonly lookupDirectory: (e164: string, options?: RecipientLookupOptions) => Promise<LookupResult>, private readonly now: () => number) {}

  /**
   * The recipient's devices and relays; NotOnParleyError when the directory has no record,
   * UnverifiedNumberError when the best record has no attestation from a verifier we trust (nothing is
   * ever sent to such a record: anyone can publish one), DirectoryUnavailableError when it cannot tell.
   */
  async resolve (e164: string, options?: AbortOptions): Promise<Recipient> {
    const hit = this.fresh(e164)
    if (hit != null) return hit.recipient
    const found = await raceSignal(this.shared(e164), options?.signal)
    if (!found.registered) throw new NotOnParleyError()
    if (!found.verified) throw new UnverifiedNumberError()
    return this.cache.get(e164)?.recipient ?? toRecipient(e164, found)
  }

  /**
   * The directory's answer for the number now, for callers that judge it themselves (the sender proof of an
   * incoming message): a lookup shared with the callers asking meanwhile, never the cache. A verified
   * answer is kept as resolve's would be, so a contact's first message proven by a lookup makes our reply's
   * delivery need none.
   */
  async lookup (e164: string, options?: RecipientLookupOptions): Promise<LookupResult> {
    return await raceSignal(this.shared(e164, options?.expectedKey), options?.signal)
  }

  /** The verified answer any caller got within RECIPIENT_CACHE_MS, if any (no lookup). */
  recent (e164: string): Registered | undefined {
    return this.fresh(e164)?.result
  }

  private fresh (e164: string): { recipient: Recipient, result: Registered } | undefined {
    const hit = this.cache.get(e164)
    return hit != null && this.now() - hit.at < RECIPIENT_CACHE_MS ? hit : undefined
  }

  private shared (e164: string, expectedKey?: Uint8Array): Promise<LookupResult> {
    let shared = this.pending.get(e164)
    if (shared == null) {
      // bounded on its own: one caller giving up must not fail the others' lookup
      shared = this.fetch(e164, { signal: AbortSignal.timeout(RECIPIENT_LOOKUP_TIMEOUT_MS), ...(expectedKey != null ? { expectedKey } : {}) }).finally(() => this.pending.delete(e164))
      this.pending.set(e164, shared)
    }
    return shared
  }

  private async fetch (e164: string, options?: RecipientLookupOptions): Promise<LookupResult> {
    const found = await this.lookupDirectory(e164, options)
    if (!found.registered) return found
    if (!found.verified) {
      this.untrusted.set(e164, this.now())
      return found
    }
    this.untrusted.delete(e164)
    this.cache.set(e164, { at: this.now(), recipient: toRecipient(e164, found), result: found })
    return found
  }

  /** True when the directory's answer of the last RECIPIENT_CACHE_MS had no trusted attestation (no lookup: a local check for send). */
  knownUntrusted (e164: string): boolean {
    const at = this.untrusted.get(e164)
    if (at == null) return false
    if (this.now() - at < RECIPIENT_CACHE_MS) return true
    this.untrusted.delete(e164)
    return false
  }

  /** Forgets a cached answer (after a failed delivery, so the next try looks again). */
  forget (e164: string): void {
    this.cache.delete(e164)
  }
}
