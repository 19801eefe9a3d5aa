// Photos as the CLI sends them (src/cli/images.ts, sharp): a camera photo with a GPS location in its EXIF comes out upright, shrunk to the chosen size, without any metadata, with a thumbnail and a ThumbHash placeholder within the attachment's bounds, at a path that is the same when the command runs again.
import { describe, expect, it, afterAll } from 'vitest'
import { join } from 'node:path'
import sharp from 'sharp'
import { preparePhoto } from '../../src/cli/images.js'
import { MAX_PLACEHOLDER_BYTES, MAX_THUMBNAIL_BYTES } from '../../src/media/constants.js'
import { tempDir } from '../helpers/tmp.js'

const dir = await tempDir('parley-images-')
afterAll(async () => { await dir.remove() })

/** A 3000 × 2000 photo stored sideways (EXIF orientation 6) with a location in its EXIF. */
async function cameraPhoto (): Promise<string> {
  const path = join(dir.path, 'camera.jpg')
  await sharp({ create: { width: 3000, height: 2000, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .jpeg()
    .withMetadata({ orientation: 6, exif: { IFD0: { Make: 'PhoneCo', Model: 'P1' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1' } } })
    .toFile(path)
  return path
}

describe('photos the CLI sends', () => {
  it('come out upright, shrunk, without metadata, with a thumbnail and a placeholder, at a stable path', async () => {
    const source = await cameraPhoto()
    const before = await sharp(source).metadata()
    expect(before.exif).toBeDefined()
    expect(before.orientation).toBe(6)
    const out = join(dir.path, 'outgoing')
    const p = await preparePhoto(source, 'standard', out)
    // turned upright: the long side is now the height, at most 1600
    expect([p.width, p.height]).toEqual([1067, 1600])
    const after = await sharp(p.path).metadata()
    expect([after.width, after.height, after.format]).toEqual([1067, 1600, 'jpeg'])
    expect(after.exif).toBeUndefined()
    expect(after.orientation).toBeUndefined()
    expect(after.icc).toBeUndefined()
    expect(p.thumbnail.length).toBeLessThanOrEqual(MAX_THUMBNAIL_BYTES)
    expect((await sharp(p.thumbnail).metadata()).height).toBe(96)
    expect(p.placeholder.length).toBeGreaterThan(0)
    expect(p.placeholder.length).toBeLessThanOrEqual(MAX_PLACEHOLDER_BYTES)
    // run again: the same file (an interrupted upload finds it and resumes)
    expect((await preparePhoto(source, 'standard', out)).path).toBe(p.path)
    const hd = await preparePhoto(source, 'hd', out)
    expect(hd.path).not.toBe(p.path)
    expect([hd.width, hd.height]).toEqual([2000, 3000])
  })

  it('refuse a file that is not an image', async () => {
    const bogus = join(dir.path, 'notes.jpg')
    await (await import('node:fs/promises')).writeFile(bogus, 'not a picture')
    await expect(preparePhoto(bogus, 'standard', join(dir.path, 'outgoing'))).rejects.toThrow()
  })
})
