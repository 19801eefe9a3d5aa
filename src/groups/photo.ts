/** A group's photo: which images are allowed, and the reference to one that the group state carries. Pure; knows nothing of how the image travels or where it is kept. */
import { concat, constantTimeEqual } from '../crypto/bytes.js'
import { defaultProvider } from '../crypto/default-provider.js'
import { MAX_PROFILE_PHOTO_BYTES, profileProblem } from '../messaging/profile-limits.js'
import { InvalidGroupPhotoError } from './errors.js'
import type { CryptoProvider } from '../crypto/provider.js'

/**
 * Largest group photo: the same bound and reason as a profile photo (an avatar thumbnail that fits one
 * 1:1 control message, sent to every member once).
 */
export const MAX_GROUP_PHOTO_BYTES = MAX_PROFILE_PHOTO_BYTES
/**
 * The first byte of a photo reference: how the image is found. 1 = the image itself travels in `photo` control
 * messages over members' 1:1 sessions, named by its SHA-256. A later kind (an encrypted blob at relays) gets
 * another byte, and members that do not know it show no photo rather than misreading it.
 */
export const GROUP_PHOTO_REF_INLINE = 1
/** A reference of kind GROUP_PHOTO_REF_INLINE: the kind byte and the image's SHA-256. */
export const GROUP_PHOTO_REF_LENGTH = 1 + 32

/** Throws InvalidGroupPhotoError unless `image` is a JPEG or PNG of at most MAX_GROUP_PHOTO_BYTES. */
export function checkGroupPhoto (image: unknown): asserts image is Uint8Array {
  if (!(image instanceof Uint8Array) || image.length === 0 || profileProblem({ photo: image }) != null) throw new InvalidGroupPhotoError()
}

/** The reference the group state carries for this image (checked first). */
export function groupPhotoRef (image: Uint8Array, provider: CryptoProvider = defaultProvider()): Uint8Array {
  checkGroupPhoto(image)
  return concat(Uint8Array.of(GROUP_PHOTO_REF_INLINE), provider.sha256(image))
}

/** Whether `image` is an allowed photo and the one `ref` names (false for a reference of another kind). */
export function photoMatchesRef (ref: Uint8Array, image: Uint8Array, provider: CryptoProvider = defaultProvider()): boolean {
  if (ref.length !== GROUP_PHOTO_REF_LENGTH || ref[0] !== GROUP_PHOTO_REF_INLINE) return false
  try {
    return constantTimeEqual(groupPhotoRef(image, provider), ref)
  } catch (err) {
    if (err instanceof InvalidGroupPhotoError) return false
    throw err
  }
}
