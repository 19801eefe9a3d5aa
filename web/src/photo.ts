// Turns a picked image file into a small square JPEG avatar that fits the facade's photo limit. Knows nothing of where it is stored.
import { MAX_PROFILE_PHOTO_BYTES } from '../../src/browser.js'

/** Avatar side in pixels: sharp on a 2× screen at the 2.6–5 rem sizes it is shown at. */
export const AVATAR_PX = 192
/** JPEG qualities tried in turn until the image fits MAX_PROFILE_PHOTO_BYTES. */
const QUALITIES = [0.85, 0.7, 0.55, 0.4, 0.25]

export class PhotoError extends Error {
  static name = 'PhotoError'
  constructor (message: string) {
    super(message)
    this.name = PhotoError.name
  }
}

/** Centre-crops to a square, scales to AVATAR_PX and encodes as JPEG under the size limit. */
export async function avatarFromFile (file: Blob): Promise<Uint8Array> {
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(file)
  } catch {
    throw new PhotoError('That file is not an image this browser can read.')
  }
  try {
    const side = Math.min(bitmap.width, bitmap.height)
    const canvas = document.createElement('canvas')
    canvas.width = canvas.height = Math.min(AVATAR_PX, side)
    const ctx = canvas.getContext('2d')
    if (ctx == null) throw new PhotoError('This browser cannot draw images.')
    ctx.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, canvas.width, canvas.height)
    for (const q of QUALITIES) {
      const blob = await new Promise<Blob | null>(resolve => canvas.toBlob(resolve, 'image/jpeg', q))
      if (blob == null) break
      if (blob.size <= MAX_PROFILE_PHOTO_BYTES) return new Uint8Array(await blob.arrayBuffer())
    }
    throw new PhotoError('The image is too large even after shrinking it.')
  } finally {
    bitmap.close()
  }
}
