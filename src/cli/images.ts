/** Photos as the CLI sends them (with sharp): turned upright, shrunk to the chosen size, re-encoded as JPEG without any metadata (no EXIF location, no camera serial), with a small thumbnail, a ThumbHash placeholder and the dimensions. Knows nothing of sending. */
import { createHash } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { rgbaToThumbHash } from 'thumbhash'

/** How large a photo is sent: `standard` (long side 1,600 px, as WhatsApp's default), `hd` (4,096 px), or `original` (the file untouched, as a document). */
export type PhotoSize = 'standard' | 'hd' | 'original'
const LONG_SIDE: Record<Exclude<PhotoSize, 'original'>, number> = { standard: 1600, hd: 4096 }
const QUALITY: Record<Exclude<PhotoSize, 'original'>, number> = { standard: 80, hd: 90 }
/** The thumbnail's long side: sharp in a chat bubble before the photo is fetched, a few KiB. */
const THUMBNAIL_PX = 96
/** ThumbHash takes at most 100 × 100 pixels. */
const PLACEHOLDER_PX = 100

export interface PreparedPhoto {
  /** the file to send: in `outDir`, named by the source's hash and the size, so a command run again finds the same file (and resumes its upload) */
  path: string
  mime: 'image/jpeg'
  width: number
  height: number
  thumbnail: Uint8Array
  placeholder: Uint8Array
}

/** Prepares a photo for sending into `outDir`; throws for a file sharp cannot read as an image. */
export async function preparePhoto (source: string, size: Exclude<PhotoSize, 'original'>, outDir: string): Promise<PreparedPhoto> {
  const original = await readFile(source)
  // .rotate() with no angle applies the EXIF orientation; metadata is dropped unless asked for (withMetadata)
  const upright = sharp(original, { failOn: 'error' }).rotate()
  const { data: jpeg, info } = await upright.clone()
    .resize({ width: LONG_SIDE[size], height: LONG_SIDE[size], fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: QUALITY[size], mozjpeg: true })
    .toBuffer({ resolveWithObject: true })
  const thumbnail = await upright.clone().resize({ width: THUMBNAIL_PX, height: THUMBNAIL_PX, fit: 'inside' }).jpeg({ quality: 50 }).toBuffer()
  const { data: rgba, info: small } = await upright.clone().resize({ width: PLACEHOLDER_PX, height: PLACEHOLDER_PX, fit: 'inside' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true })
  await mkdir(outDir, { recursive: true })
  const path = join(outDir, `${createHash('sha256').update(original).update(size).digest('hex').slice(0, 32)}.jpg`)
  await writeFile(path, jpeg)
  return {
    path,
    mime: 'image/jpeg',
    width: info.width,
    height: info.height,
    thumbnail: new Uint8Array(thumbnail),
    placeholder: rgbaToThumbHash(small.width, small.height, rgba)
  }
}
