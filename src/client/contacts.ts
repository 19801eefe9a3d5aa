/** Contacts' identity keys and their trust: safety numbers, verified marks bound to one key, identity-change notices, and the block on a verified contact's new key until the user accepts it. Knows nothing of sending or of the page. */
import { safetyNumber } from '../crypto/index.js'
import type { AbortOptions } from '@libp2p/interface'
import { toHex, type IdentityStore, type KeyValueStore, type RemoteIdentity } from '../storage/index.js'
import type { LookupResult } from '../directory/index.js'
import { IdentityNotAcceptedError, NotOnParleyError, UnverifiedNumberError } from '../messaging/index.js'

/** How long a directory answer about a contact is reused by contact(): the same as the messenger's recipient cache. */
export const CONTACT_LOOKUP_CACHE_MS = 5 * 60_000

export interface ContactInfo {
  phone: string
  /** hex of the contact's identity key */
  identityKey: string
  /** 60 digits to read out, and the payload to show as a QR code (compare a scanned one with compareSafetyNumberQr) */
  safetyNumber: { digits: string, qr: Uint8Array }
  /** the user compared safety numbers for this very key */
  verified: boolean
  /** the key replaced an earlier one and the user has not acknowledged it */
  identityChanged: boolean
  /** a verifier we trust attested this number for this key (from the last directory answer) */
  attested: boolean
  /**
   * the user had verified the contact and its key changed since: nothing is sent to it until the user
   * accepts the new key (acceptIdentity)
   */
  blocked: boolean
}

export interface ContactsInit {
  identities: IdentityStore
  /** phone → { attested, at, key } of the last directory answer, so contact() works offline */
  meta: KeyValueStore
  /** phone → hex of the key the user had verified, for contacts whose key changed after that (sending blocked) */
  blocks: KeyValueStore
  localIdentityKey: Uint8Array
  lookup: (e164: string, options?: AbortOptions) => Promise<LookupResult>
  now: () => number
  /** a contact's key differs from the one we knew; `blocked` when the user had verified the old one */
  onIdentityChanged: (phone: string, blocked: boolean) => void
}

/** `key`: hex of the identity key the answer was about; attested counts only for that key */
interface Meta { attested: boolean, at: number, key: string }

const enc = new TextEncoder()
const dec = new TextDecoder()

export class Contacts {
  constructor (private readonly init: ContactsInit) {}

  /**
   * Records the key a lookup or a proven message showed for `phone` (trust on first use). A different key
   * than the one known clears the verified mark, sets identityChanged and fires onIdentityChanged.
   */
  async observe (phone: string, identityKey: Uint8Array, options?: AbortOptions): Promise<void> {
    const before = await this.init.identities.loadRemoteIdentity(phone, options)
    const result = await this.init.identities.saveRemoteIdentity(phone, identityKey, this.init.now(), options)
    if (!result.changed) return
    const accepted = await this.acceptedKey(phone, options) ?? (before?.verified === true ? toHex(before.identityKey) : undefined)
    if (accepted === toHex(identityKey)) {
      // back to the key the user verified (the other one came and went): verified again, nothing blocked
      await this.init.blocks.del(phone, { ...options, sync: true })
      await this.init.identities.setVerified(phone, true, options)
      await this.init.identities.acknowledgeChange(phone, options)
      return
    }
    if (accepted != null) await this.init.blocks.put(phone, enc.encode(accepted), { ...options, sync: true })
    this.init.onIdentityChanged(phone, accepted != null)
  }

  /**
   * Rejects with IdentityNotAcceptedError while the contact is blocked: the user verified an earlier key and
   * has not accepted the current one. With `identityKey` (the key about to be written to), a send to the very
   * key the user verified is let through.
   */
  async assertAccepted (phone: string, identityKey?: Uint8Array, options?: AbortOptions): Promise<void> {
    const accepted = await this.acceptedKey(phone, options)
    if (accepted == null) return
    if (identityKey != null && toHex(identityKey) === accepted) return
    throw new IdentityNotAcceptedError()
  }

  /** The user accepts the contact's current key after a change: sending resumes (to that key); the change notice is cleared too. */
  async acceptIdentity (phone: string, options?: AbortOptions): Promise<ContactInfo> {
    await this.init.blocks.del(phone, { ...options, sync: true })
    return await this.acknowledgeIdentityChange(phone, options)
  }

  private async acceptedKey (phone: string, options?: AbortOptions): Promise<string | undefined> {
    const bytes = await this.init.blocks.get(phone, options)
    return bytes == null ? undefined : dec.decode(bytes)
  }

  /**
   * Records a whole directory answer: the key, and whether a trusted verifier attested it. A record no
   * trusted verifier attested does not carry the number (anyone can publish one), so its key is not recorded.
   */
  async observeLookup (phone: string, result: LookupResult, options?: AbortOptions): Promise<void> {
    if (!result.registered || !result.verified) return
    await this.observe(phone, result.identityKey, options)
    const meta: Meta = { attested: result.verified, at: this.init.now(), key: toHex(result.identityKey) }
    await this.init.meta.put(phone, enc.encode(JSON.stringify(meta)), options)
  }

  /**
   * What the contact screen shows. Asks the directory when we know no key for the number yet, when
   * `refresh`, or when the last answer is older than CONTACT_LOOKUP_CACHE_MS (falling back to what we
   * know when the directory cannot be reached). NotOnParleyError for a number without a record.
   */
  async contact (phone: string, options: AbortOptions & { refresh?: boolean } = {}): Promise<ContactInfo> {
    let known = await this.init.identities.loadRemoteIdentity(phone, options)
    const meta = await this.meta(phone, options)
    const stale = meta == null || this.init.now() - meta.at >= CONTACT_LOOKUP_CACHE_MS
    if (known == null || options.refresh === true || stale) {
      try {
        const result = await this.init.lookup(phone, options)
        if (!result.registered) {
          if (known == null) throw new NotOnParleyError()
        } else if (!result.verified) {
          if (known == null) throw new UnverifiedNumberError()
        } else {
          await this.observeLookup(phone, result, options)
          known = await this.init.identities.loadRemoteIdentity(phone, options)
        }
      } catch (err) {
        if (known == null || options.signal?.aborted === true) throw err
        // the directory is out of reach: show what we know
      }
    }
    if (known == null) throw new NotOnParleyError()
    return await this.info(known, await this.meta(phone, options), options)
  }

  /** Marks the contact's current key as verified (or not) by the user; NotFoundError for a number we never saw. */
  async markVerified (phone: string, verified: boolean, options?: AbortOptions): Promise<ContactInfo> {
    const r = await this.init.identities.setVerified(phone, verified, options)
    // verifying the current key is accepting it
    if (verified) await this.init.blocks.del(phone, { ...options, sync: true })
    return await this.info(r, await this.meta(phone, options), options)
  }

  /** The user has seen that the contact's key changed. */
  async acknowledgeIdentityChange (phone: string, options?: AbortOptions): Promise<ContactInfo> {
    const r = await this.init.identities.acknowledgeChange(phone, options)
    return await this.info(r, await this.meta(phone, options), options)
  }

  private async meta (phone: string, options?: AbortOptions): Promise<Meta | undefined> {
    const bytes = await this.init.meta.get(phone, options)
    if (bytes == null) return undefined
    try {
      return JSON.parse(dec.decode(bytes)) as Meta
    } catch {
      return undefined // an unreadable cache entry is just a miss
    }
  }

  private async info (r: RemoteIdentity, meta: Meta | undefined, options?: AbortOptions): Promise<ContactInfo> {
    const accepted = await this.acceptedKey(r.contactId, options)
    const sn = safetyNumber({ localIdentityKey: this.init.localIdentityKey, remoteIdentityKey: r.identityKey })
    return {
      phone: r.contactId,
      identityKey: toHex(r.identityKey),
      safetyNumber: { digits: sn.digits, qr: sn.qr },
      verified: r.verified,
      identityChanged: r.changed,
      attested: meta?.attested === true && meta.key === toHex(r.identityKey),
      blocked: accepted != null && accepted !== toHex(r.identityKey)
    }
  }
}
