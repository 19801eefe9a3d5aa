// What a profile may hold (profile-limits.ts), checked on its own: each reason with its exact text, the name and photo limits at the bound and one past, and the JPEG / PNG signatures byte by byte (a photo one byte short of a signature, or with any one byte of it wrong, is refused).
import { describe, it, expect } from 'vitest'
import { MAX_PROFILE_NAME_CHARS, MAX_PROFILE_PHOTO_BYTES, photoType, profileProblem } from '../../src/messaging/profile-limits.js'

const JPEG_SIGNATURE = [0xff, 0xd8, 0xff]
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
const JPEG = Uint8Array.from([...JPEG_SIGNATURE, 0xe0])
const PNG = Uint8Array.from([...PNG_SIGNATURE, 0])
const NOT_AN_IMAGE = 'the photo must be a JPEG or PNG image'

/** `signature` with byte `i` changed. */
function broken (signature: number[], i: number, extra = 1): Uint8Array {
  const b = Uint8Array.from([...signature, ...new Array<number>(extra).fill(0)])
  b[i] ^= 0xff
  return b
}

describe('profileProblem', () => {
  it('accepts no name and no photo, empty ones, and the limits exactly', () => {
    expect(profileProblem({})).toBeUndefined()
    expect(profileProblem({ name: '', photo: new Uint8Array(0) })).toBeUndefined()
    expect(profileProblem({ name: '🌻'.repeat(MAX_PROFILE_NAME_CHARS) })).toBeUndefined()
    const photo = new Uint8Array(MAX_PROFILE_PHOTO_BYTES)
    photo.set(JPEG)
    expect(profileProblem({ photo })).toBeUndefined()
  })

  it('names: not text, too long, control characters, direction controls', () => {
    expect(profileProblem({ name: 5 })).toBe('the name must be text')
    expect(profileProblem({ name: ['A', 'l'] })).toBe('the name must be text')
    expect(profileProblem({ name: 'n'.repeat(MAX_PROFILE_NAME_CHARS + 1) })).toBe(`the name must be at most ${MAX_PROFILE_NAME_CHARS} characters`)
    expect(profileProblem({ name: 'Alice\u001b[31m' })).toBe('the name must not contain control characters')
    expect(profileProblem({ name: 'Alice \u202Eknab' })).toBe('the name must not contain text direction controls')
  })

  it('photos: not bytes, not an image, too large', () => {
    expect(profileProblem({ photo: 'a photo' })).toBe('the photo must be bytes')
    expect(profileProblem({ photo: [0xff, 0xd8, 0xff, 0xe0] })).toBe('the photo must be bytes')
    expect(profileProblem({ photo: Uint8Array.of(1, 2, 3, 4) })).toBe(NOT_AN_IMAGE)
    const big = new Uint8Array(MAX_PROFILE_PHOTO_BYTES + 1)
    big.set(PNG)
    expect(profileProblem({ photo: big })).toBe('the photo must be at most 64 KiB')
    expect(MAX_PROFILE_PHOTO_BYTES).toBe(64 * 1024)
  })

  it('a JPEG is FF D8 FF and at least one byte more; each signature byte wrong is refused', () => {
    expect(profileProblem({ photo: JPEG })).toBeUndefined()
    expect(profileProblem({ photo: Uint8Array.from(JPEG_SIGNATURE) }), 'the signature alone').toBe(NOT_AN_IMAGE)
    for (let i = 0; i < JPEG_SIGNATURE.length; i++) {
      expect(profileProblem({ photo: broken(JPEG_SIGNATURE, i) }), `byte ${i} wrong`).toBe(NOT_AN_IMAGE)
    }
    // two of the three bytes wrong, whichever stays right
    for (let keep = 0; keep < JPEG_SIGNATURE.length; keep++) {
      const b = new Uint8Array(4)
      b[keep] = JPEG_SIGNATURE[keep]
      expect(profileProblem({ photo: b }), `only byte ${keep} right`).toBe(NOT_AN_IMAGE)
    }
    expect(profileProblem({ photo: Uint8Array.of(0xff, 0xd8, 0, 0) }), 'the third byte wrong').toBe(NOT_AN_IMAGE)
    expect(profileProblem({ photo: Uint8Array.of(0xff, 0, 0xff, 0) }), 'the second byte wrong').toBe(NOT_AN_IMAGE)
  })

  it('a PNG is its 8-byte signature and at least one byte more; each signature byte wrong is refused', () => {
    expect(profileProblem({ photo: PNG })).toBeUndefined()
    expect(profileProblem({ photo: Uint8Array.from(PNG_SIGNATURE) }), 'the signature alone').toBe(NOT_AN_IMAGE)
    for (let i = 0; i < PNG_SIGNATURE.length; i++) {
      expect(profileProblem({ photo: broken(PNG_SIGNATURE, i) }), `byte ${i} wrong`).toBe(NOT_AN_IMAGE)
    }
  })
})

describe('photoType', () => {
  it('names a PNG image/png and a JPEG image/jpeg', () => {
    expect(photoType(PNG)).toBe('image/png')
    expect(photoType(JPEG)).toBe('image/jpeg')
  })
})
