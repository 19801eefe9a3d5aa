/** The one definition of what a profile (display name, photo) may hold: checked when the user sets it and when a contact's arrives. Pure; knows nothing of storage or errors. */

/** Display names longer than this (in code points) are refused: it is a name on a chat header, not a bio. */
export const MAX_PROFILE_NAME_CHARS = 64
/** Photos above 64 KiB are refused: an avatar thumbnail must fit in one message (and 200 of them in an outbox) when profiles are shared. */
export const MAX_PROFILE_PHOTO_BYTES = 64 * 1024

function isJpeg (b: Uint8Array): boolean {
  return b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff
}

function isPng (b: Uint8Array): boolean {
  return b.length > 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => b[i] === v)
}

/** The MIME type of a photo that passed `profileProblem` ('image/png' or 'image/jpeg'). */
export function photoType (b: Uint8Array): 'image/png' | 'image/jpeg' {
  return isPng(b) ? 'image/png' : 'image/jpeg'
}

/**
 * Bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069): they reorder what
 * follows them on screen ("\u202Eknab" shows as "bank"), a spoofing tool with no place in a display name.
 * Letters of right-to-left scripts need none of them and stay allowed.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/u

/**
 * Why a name or photo is not acceptable, or undefined when it is. A name is at most MAX_PROFILE_NAME_CHARS
 * code points without control characters (a line break or a terminal escape in a chat header is never
 * meant) or text direction controls; a non-empty photo is a JPEG or PNG of at most MAX_PROFILE_PHOTO_BYTES. An empty name or photo
 * means "none" and is acceptable.
 */
export function profileProblem (p: { name?: unknown, photo?: unknown }): string | undefined {
  if (p.name != null) {
    if (typeof p.name !== 'string') return 'the name must be text'
    if ([...p.name].length > MAX_PROFILE_NAME_CHARS) return `the name must be at most ${MAX_PROFILE_NAME_CHARS} characters`
    if (/\p{Cc}/u.test(p.name)) return 'the name must not contain control characters'
    if (BIDI_CONTROLS.test(p.name)) return 'the name must not contain text direction controls'
  }
  if (p.photo != null) {
    if (!(p.photo instanceof Uint8Array)) return 'the photo must be bytes'
    if (p.photo.length === 0) return undefined
    if (!(isJpeg(p.photo) || isPng(p.photo))) return 'the photo must be a JPEG or PNG image'
    if (p.photo.length > MAX_PROFILE_PHOTO_BYTES) return `the photo must be at most ${MAX_PROFILE_PHOTO_BYTES / 1024} KiB`
  }
  return undefined
}
