/** Who a phone number's devices are and where their mail goes: directory lookups with a short in-memory cache. Knows nothing of sessions or sending. */
import { peerIdFromString } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import type { LookupResult } from '../directory/index.js'
import type { AbortOptions } from '../storage/index.js'
import { toHex } from '../storage/index.js'
import type { DeviceAddress } from '../session/index.js'
import { NotOnParleyError, UnverifiedNumberError } from './errors.js'

/** How long a lookup answer is reused: short, so a new device or relay is seen within minutes; a failed send also drops it. */
export const RECIPIENT_CACHE_MS = 5 * 60_000
/** The longest one shared lookup may take (directory lookups end sooner, at their quorum or query timeouts). */
export const RECIPIENT_LOOKUP_TIMEOUT_MS = 30_000

/** The promise's outcome, or the signal's reason if it aborts first. */
async function untilAborted<T> (promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal == null) return await promise
  signal.throwIfAborted()
  let onAbort: (() => void) | undefined
  try {
    return await Promise.race([promise, new Promise<never>((_resolve, reject) => {
      onAbort = () => reject(signal.reason)
      signal.addEventListener('abort', onAbort, { once: true })
    })])
  } finally {
    if (onAbort != null) signal.removeEventListener('abort', onAbort)
  }
}

export interface RecipientDevice {
  address: DeviceAddress
  /** `<hex identity key>.<deviceId>`: the outbox's per-device key */
  key: string
  peerId?: PeerId
}

export interface Recipient {
  e164: string
  identityKey: Uint8Array
  devices: RecipientDevice[]
  mailboxRelays: string[]
  /** the directory's bundle (signed prekey and last-resort KEM key; no one-time keys) */
  prekeyBundle: Uint8Array
}

export const deviceKey = (address: DeviceAddress): string => `${toHex(address.identityKey)}.${address.deviceId}`

export class Recipients {
  private readonly cache = new Map<string, { at: number, recipient: Recipient }>()
  /** lookups under way: a send and the delivery right after it share one */
  private readonly pending = new Map<string, Promise<Recipient>>()
  /** numbers whose last answer had no trusted attestation, and when (kept as long as a good answer would be) */
  private readonly untrusted = new Map<string, number>()

  constructor (private readonly lookup: (e164: string, options?: AbortOptions) => Promise<LookupResult>, private readonly now: () => number) {}

  /**
   * The recipient's devices and relays; NotOnParleyError when the directory has no record,
   * UnverifiedNumberError when the best record has no attestation from a verifier we trust (nothing is
   * ever sent to such a record: anyone can publish one), DirectoryUnavailableError when it cannot tell.
   */
  async resolve (e164: string, options?: AbortOptions): Promise<Recipient> {
    const hit = this.cache.get(e164)
    if (hit != null && this.now() - hit.at < RECIPIENT_CACHE_MS) return hit.recipient
    let shared = this.pending.get(e164)
    if (shared == null) {
      // bounded on its own: one caller giving up must not fail the others' lookup
      shared = this.fetch(e164, { signal: AbortSignal.timeout(RECIPIENT_LOOKUP_TIMEOUT_MS) }).finally(() => this.pending.delete(e164))
      this.pending.set(e164, shared)
    }
    return await untilAborted(shared, options?.signal)
  }

  private async fetch (e164: string, options?: AbortOptions): Promise<Recipient> {
    const found = await this.lookup(e164, options)
    if (!found.registered) throw new NotOnParleyError()
    if (!found.verified) {
      this.untrusted.set(e164, this.now())
      throw new UnverifiedNumberError()
    }
    this.untrusted.delete(e164)
    const recipient: Recipient = {
      e164,
      identityKey: found.identityKey,
      devices: found.devices.map(d => {
        const address = { identityKey: found.identityKey, deviceId: d.deviceId }
        let peerId: PeerId | undefined
        try { peerId = peerIdFromString(d.peerId) } catch { peerId = undefined }
        return { address, key: deviceKey(address), ...(peerId != null ? { peerId } : {}) }
      }),
      mailboxRelays: found.mailboxRelays,
      prekeyBundle: found.prekeyBundle
    }
    this.cache.set(e164, { at: this.now(), recipient })
    return recipient
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
