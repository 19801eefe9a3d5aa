/** The user's own profile (display name, small photo) kept in the device's storage; knows nothing of sharing it with contacts. */
import type { AbortOptions, KeyValueStore } from '../storage/index.js'
import { InvalidProfileError } from './errors.js'

/** Display names longer than this are refused: it is a name on a chat header, not a bio. */
export const MAX_PROFILE_NAME_CHARS = 64
/** Photos above 64 KiB are refused: an avatar thumbnail must fit in one message when profiles are shared. */
export const MAX_PROFILE_PHOTO_BYTES = 64 * 1024

export interface Profile {
  name?: string
  /** JPEG or PNG bytes */
  photo?: Uint8Array
}

const NAME = 'name'
const PHOTO = 'photo'
const enc = new TextEncoder()
const dec = new TextDecoder()

function isJpeg (b: Uint8Array): boolean {
  return b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff
}

function isPng (b: Uint8Array): boolean {
  return b.length > 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => b[i] === v)
}

/** Throws InvalidProfileError for a field out of bounds. */
export function assertProfile (p: Profile): void {
  if (p.name != null && (typeof p.name !== 'string' || [...p.name].length > MAX_PROFILE_NAME_CHARS)) throw new InvalidProfileError(`the name must be at most ${MAX_PROFILE_NAME_CHARS} characters`)
  if (p.photo != null) {
    if (!(p.photo instanceof Uint8Array)) throw new InvalidProfileError('the photo must be bytes')
    if (p.photo.length === 0) return // removes the photo
    if (!(isJpeg(p.photo) || isPng(p.photo))) throw new InvalidProfileError('the photo must be a JPEG or PNG image')
    if (p.photo.length > MAX_PROFILE_PHOTO_BYTES) throw new InvalidProfileError(`the photo must be at most ${MAX_PROFILE_PHOTO_BYTES / 1024} KiB`)
  }
}

export async function loadProfile (store: KeyValueStore, options?: AbortOptions): Promise<Profile> {
  const [name, photo] = await Promise.all([store.get(NAME, options), store.get(PHOTO, options)])
  return { ...(name != null ? { name: dec.decode(name) } : {}), ...(photo != null ? { photo } : {}) }
}

/**
 * Changes the fields given (an empty name or photo removes it) in one synced batch; fields not given stay.
 * Returns the whole profile.
 */
export async function saveProfile (store: KeyValueStore, change: Profile, options?: AbortOptions): Promise<Profile> {
  assertProfile(change)
  const ops: Array<{ type: 'put', key: string, value: Uint8Array } | { type: 'del', key: string }> = []
  if (change.name != null) ops.push(change.name.trim() === '' ? { type: 'del', key: NAME } : { type: 'put', key: NAME, value: enc.encode(change.name.trim()) })
  if (change.photo != null) ops.push(change.photo.length === 0 ? { type: 'del', key: PHOTO } : { type: 'put', key: PHOTO, value: change.photo })
  await store.batch(ops, { ...options, sync: true })
  return await loadProfile(store, options)
}
