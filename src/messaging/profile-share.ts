/** Which contacts were sent which version of our profile (kv `messaging-profile-shared`), so each version goes to each contact once; knows nothing of the outbox or of where the profile is kept. */
import { encodeU64, decodeU64, type StoreOptions, type KeyValueStore } from '../storage/index.js'
import type { ProfileContent } from './content.js'

/**
 * A changed profile is queued to the contacts of at most this many of the most recent conversations (those
 * we wrote to). Each copy may carry a 64 KiB photo, sealed once per device: 200 bound the outbox to ~13 MB
 * and stay under a relay's deposit limit per peer (300 per 10 s), so the round is neither refused nor
 * heavy on a phone. Older conversations get the new version with our next text there.
 */
export const PROFILE_SHARE_RECENT = 200

/** In the store: no mark = never written to since profiles were shared; 0 = written to while we had no profile. */
const NONE = -1

export interface ProfileShareInit {
  /** contact (E.164) → the version (updatedAt) queued for it, 8 bytes big-endian */
  store: KeyValueStore
  /** our profile as it is shared now, or undefined while we never set one */
  current: (options?: StoreOptions) => Promise<ProfileContent | undefined>
}

export class ProfileShare {
  /** marks read or written so far: `send()` asks on every text, so the store is read once per contact */
  private readonly marks = new Map<string, number>()

  constructor (private readonly init: ProfileShareInit) {}

  /** The version queued for `to`: -1 when none (never written to), 0 when written to without a profile. */
  async shared (to: string, options?: StoreOptions): Promise<number> {
    const cached = this.marks.get(to)
    if (cached != null) return cached
    const raw = await this.init.store.get(to, options)
    // a claim made while we read wins over what the store said before it
    if (!this.marks.has(to)) this.marks.set(to, raw == null || raw.length !== 8 ? NONE : decodeU64(raw))
    return this.marks.get(to)!
  }

  /**
   * The profile to queue for `to` before anything else we write there, or undefined when `to` has this
   * version queued already (or we have no profile). Marks the contact in the store with the options' sync
   * group, so the mark becomes durable together with the outbox entry the caller writes. Concurrent callers
   * for one contact: exactly one gets the profile.
   */
  async claim (to: string, options?: StoreOptions): Promise<ProfileContent | undefined> {
    const profile = await this.init.current(options)
    const version = profile?.updatedAt ?? 0
    await this.shared(to, options)
    const had = this.marks.get(to) ?? NONE
    if (had >= version) return undefined
    this.marks.set(to, version)
    try {
      await this.init.store.put(to, encodeU64(version), { ...options, sync: true })
    } catch (err) {
      this.marks.set(to, had)
      throw err
    }
    return profile
  }

  /** Undoes a claim whose writes did not become durable (the caller's send failed). */
  unclaim (to: string): void {
    this.marks.delete(to)
  }

  /** A queued version was never delivered (the outbox gave up): the next text queues it again. */
  async failed (to: string, version: number, options?: StoreOptions): Promise<void> {
    if (await this.shared(to, options) !== version) return
    this.marks.set(to, 0)
    await this.init.store.put(to, encodeU64(0), { ...options, sync: true })
  }

  /** The contact has a new identity (a reinstalled device lost what we sent): our next text sends the profile again. */
  async forget (to: string, options?: StoreOptions): Promise<void> {
    if (await this.shared(to, options) <= 0) return
    this.marks.set(to, 0)
    await this.init.store.put(to, encodeU64(0), { ...options, sync: true })
  }
}
