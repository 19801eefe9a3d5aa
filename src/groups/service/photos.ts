/** Group photos between members: the image kept for the state's photo reference, sent to members after the change that names it, taken only when it matches, and asked for again when it did not come. Knows no group membership rules and no transport beyond the control channel. */
import { toHex } from '../../crypto/bytes.js'
import type { StoreOptions } from '../../storage/index.js'
import { encodeGroupControl } from '../message.js'
import { GROUP_PHOTO_REF_INLINE, GROUP_PHOTO_REF_LENGTH, photoMatchesRef } from '../photo.js'
import type { GroupState } from '../state.js'
import type { ControlChannel } from './ports.js'

/**
 * How long a photo named by the state may be missing before a member is asked for it. The image is sent right after
 * the change that names it, on the same ordered 1:1 stream, so it normally arrives within seconds of the change
 * (or with it from the mailbox); the grace keeps every change from costing a request and a second copy.
 */
export const PHOTO_GRACE_MS = 30_000
/** A missing photo is asked for again after this long (of another member each time), while the app runs. */
export const PHOTO_ASK_RETRY_MS = 10 * 60_000
/** Requests for one missing photo per run: a photo nobody holds (its setter failed before keeping it) is not asked for forever. */
export const MAX_PHOTO_ASKS = 6

/** Where the service keeps images (the group store). */
export interface PhotoStore {
  photo: (groupId: Uint8Array, options?: StoreOptions) => Promise<Uint8Array | undefined>
  putPhoto: (groupId: Uint8Array, image: Uint8Array, options?: StoreOptions) => Promise<void>
  dropPhoto: (groupId: Uint8Array, options?: StoreOptions) => Promise<void>
}

export interface GroupPhotosInit {
  store: PhotoStore
  control: ControlChannel
  now: () => number
}

interface Wanted {
  groupId: Uint8Array
  ref: Uint8Array
  /** who gave us the change that named it: asked first */
  from?: string
  since: number
  askedAt?: number
  asks: number
}

/** A reference whose image travels between members (not an unknown future kind). */
const isInline = (ref: Uint8Array): boolean => ref.length === GROUP_PHOTO_REF_LENGTH && ref[0] === GROUP_PHOTO_REF_INLINE

export class GroupPhotos {
  /** photos the state names and we lack, by group (memory: found again from the state at start) */
  private readonly wanted = new Map<string, Wanted>()

  constructor (private readonly init: GroupPhotosInit) {}

  /** The image of the state's photo, when we hold it. */
  async image (state: GroupState, options?: StoreOptions): Promise<Uint8Array | undefined> {
    if (state.photo.length === 0) return undefined
    const image = await this.init.store.photo(state.groupId, options)
    return image != null && photoMatchesRef(state.photo, image) ? image : undefined
  }

  /** Keeps our own new photo (before the change naming it goes out, so we can answer for it). */
  async keep (groupId: Uint8Array, image: Uint8Array, options?: StoreOptions): Promise<void> {
    await this.init.store.putPhoto(groupId, image, options)
    this.wanted.delete(toHex(groupId))
  }

  /**
   * The state changed (or was loaded): a removed photo is forgotten, a photo we lack is wanted (from `from`, who sent
   * the change, first). Resolves whether the image is missing.
   */
  async reconcile (state: GroupState, from?: string, options?: StoreOptions): Promise<boolean> {
    const key = toHex(state.groupId)
    if (state.photo.length === 0) {
      this.wanted.delete(key)
      await this.init.store.dropPhoto(state.groupId, options)
      return false
    }
    if (!isInline(state.photo) || await this.image(state, options) != null) {
      this.wanted.delete(key)
      return false
    }
    const held = this.wanted.get(key)
    if (held == null || toHex(held.ref) !== toHex(state.photo)) {
      this.wanted.set(key, { groupId: state.groupId, ref: state.photo, ...(from != null ? { from } : {}), since: this.init.now(), asks: 0 })
    }
    return true
  }

  /** An image a member sent: kept when it is the one the state names. Resolves whether it was taken. */
  async take (state: GroupState, image: Uint8Array, options?: StoreOptions): Promise<boolean> {
    if (!photoMatchesRef(state.photo, image)) return false
    if (await this.image(state, options) != null) return false
    await this.init.store.putPhoto(state.groupId, image, options)
    this.wanted.delete(toHex(state.groupId))
    return true
  }

  /** Sends the state's photo to these numbers (nothing when we hold none). */
  async send (state: GroupState, to: string[], options?: StoreOptions): Promise<void> {
    const image = await this.image(state, options)
    if (image == null) return
    const control = encodeGroupControl({ kind: 'photo', groupId: state.groupId, image })
    for (const phone of to) await this.init.control.sendGroupControl(phone, control, options)
  }

  /** The image a member asked for by reference, when it is the state's and we hold it. */
  async answer (state: GroupState, ref: Uint8Array, options?: StoreOptions): Promise<Uint8Array | undefined> {
    if (toHex(ref) !== toHex(state.photo)) return undefined
    return await this.image(state, options)
  }

  /**
   * Asks for the photos missing past PHOTO_GRACE_MS: the member who sent the change first, then the state's admins
   * and members in turn, one per PHOTO_ASK_RETRY_MS, at most MAX_PHOTO_ASKS times. `stateOf` gives a group's
   * current state (undefined: the group is gone); `self`, our number, is never asked.
   */
  async askMissing (stateOf: (groupId: Uint8Array) => Promise<GroupState | undefined>, self: string, options?: StoreOptions): Promise<void> {
    const now = this.init.now()
    for (const [key, w] of [...this.wanted]) {
      if (now - w.since < PHOTO_GRACE_MS || w.asks >= MAX_PHOTO_ASKS) continue
      if (w.askedAt != null && now - w.askedAt < PHOTO_ASK_RETRY_MS) continue
      const state = await stateOf(w.groupId)
      if (state == null || toHex(state.photo) !== toHex(w.ref)) {
        this.wanted.delete(key)
        continue
      }
      const admins = state.members.filter(m => m.role === 'admin').map(m => m.e164)
      const candidates = [...new Set([...(w.from != null && state.members.some(m => m.e164 === w.from) ? [w.from] : []), ...admins, ...state.members.map(m => m.e164)])].filter(p => p !== self)
      if (candidates.length === 0) continue
      const to = candidates[w.asks % candidates.length]
      w.asks++
      w.askedAt = now
      await this.init.control.sendGroupControl(to, encodeGroupControl({ kind: 'want-photo', groupId: state.groupId, ref: w.ref }), options)
    }
  }

  /** Forgets what we wanted of a group we left. */
  forget (groupId: Uint8Array): void {
    this.wanted.delete(toHex(groupId))
  }
}

