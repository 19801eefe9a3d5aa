/** The user's own profile (display name, small photo) kept in the device's storage, with the time it last changed (the version contacts compare). Knows nothing of how it is shared. */
import type { AbortOptions } from '@libp2p/interface'
import type { KeyValueStore } from '../storage/index.js'
import { profileProblem } from '../messaging/profile-limits.js'
import { InvalidProfileError } from './errors.js'
import { constantTimeEqual } from '../crypto/bytes.js'

export { MAX_PROFILE_NAME_CHARS, MAX_PROFILE_PHOTO_BYTES } from '../messaging/profile-limits.js'

export interface Profile {
  name?: string
  /** JPEG or PNG bytes */
  photo?: Uint8Array
  /** ms since the epoch when the name or photo last changed (set by saveProfile; ignored in a change) */
  updatedAt?: number
}

const NAME = 'name'
const PHOTO = 'photo'
const UPDATED_AT = 'updated-at'
const enc = new TextEncoder()
const dec = new TextDecoder()

/** Throws InvalidProfileError for a field out of bounds (the limits of src/messaging/profile-limits.ts). */
function assertProfile (p: Profile): void {
  const problem = profileProblem(p)
  if (problem != null) throw new InvalidProfileError(problem)
}

function encodeTime (t: number): Uint8Array {
  return enc.encode(String(t))
}

function decodeTime (b: Uint8Array | undefined): number | undefined {
  if (b == null) return undefined
  const t = Number(dec.decode(b))
  return Number.isSafeInteger(t) && t > 0 ? t : undefined
}

export async function loadProfile (store: KeyValueStore, options?: AbortOptions): Promise<Profile> {
  const [name, photo, updatedAt] = await Promise.all([store.get(NAME, options), store.get(PHOTO, options), store.get(UPDATED_AT, options)])
  const at = decodeTime(updatedAt)
  return { ...(name != null ? { name: dec.decode(name) } : {}), ...(photo != null ? { photo } : {}), ...(at != null ? { updatedAt: at } : {}) }
}

function sameBytes (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a == null || b == null) return a === b
  return constantTimeEqual(a, b)
}

/**
 * Changes the fields given (an empty name or photo removes it) in one synced batch; fields not given stay.
 * When something changed, `updatedAt` becomes `now` (or the previous version + 1 if the clock went back, so
 * versions only grow). Returns the whole profile and whether it changed.
 */
export async function saveProfile (store: KeyValueStore, change: Profile, now: () => number, options?: AbortOptions): Promise<{ profile: Profile, changed: boolean }> {
  assertProfile(change)
  const before = await loadProfile(store, options)
  const name = change.name == null ? before.name : change.name.trim() === '' ? undefined : change.name.trim()
  const photo = change.photo == null ? before.photo : change.photo.length === 0 ? undefined : change.photo
  const same = name === before.name && sameBytes(photo, before.photo)
  // nothing new; an unversioned name or photo (saved before versions existed) gets its version here
  if (same && (before.updatedAt != null || (name == null && photo == null))) return { profile: before, changed: false }
  const updatedAt = Math.max(now(), (before.updatedAt ?? 0) + 1)
  await store.batch([
    name == null ? { type: 'del', key: NAME } : { type: 'put', key: NAME, value: enc.encode(name) },
    photo == null ? { type: 'del', key: PHOTO } : { type: 'put', key: PHOTO, value: photo },
    { type: 'put', key: UPDATED_AT, value: encodeTime(updatedAt) }
  ], { ...options, sync: true })
  return { profile: { ...(name != null ? { name } : {}), ...(photo != null ? { photo } : {}), updatedAt }, changed: true }
}

/**
 * The profile as contacts get it, or undefined while the user never set one. A name or photo saved before
 * versions existed gets one now (stored), so it is shared like any other.
 */
export async function shareableProfile (store: KeyValueStore, now: () => number, options?: AbortOptions): Promise<Profile & { updatedAt: number } | undefined> {
  const p = await loadProfile(store, options)
  if (p.updatedAt != null) return p as Profile & { updatedAt: number }
  if (p.name == null && p.photo == null) return undefined
  const { profile } = await saveProfile(store, {}, now, options)
  return profile as Profile & { updatedAt: number }
}
