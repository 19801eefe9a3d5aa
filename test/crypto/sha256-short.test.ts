// The JavaScript SHA-256, HMAC-SHA256 and HKDF-SHA256 behind the native provider's short inputs: the same bytes as
// node:crypto on every length around the block edges (padding in the last block or a block of its own, keys hashed
// past 64 bytes, HKDF up to its 255-block maximum), the cost model the provider chooses by, and the provider giving
// noble's bytes on both sides of its thresholds.
import { createHash, createHmac, hkdfSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { hkdfSha256Blocks, hkdfSha256Short, hmacSha256Blocks, hmacSha256Short, sha256Short } from '../../src/crypto/sha256-short.js'
import { HKDF_JS_MAX_BLOCKS, HMAC_JS_MAX_BLOCKS } from '../../src/crypto/provider-native.js'
import { nativeProvider, nobleProvider } from '../../src/crypto/default-provider.js'
import { SeededRandom } from '../helpers/seeded-random.js'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
/** lengths on both sides of each padding edge: 55 (length fits), 56..63 (padding block of its own), 64, 119/120, … */
const EDGES = [0, 1, 31, 32, 54, 55, 56, 57, 63, 64, 65, 118, 119, 120, 127, 128, 129, 183, 184, 191, 192, 255, 256, 300, 1000]

describe('JavaScript SHA-256 for short inputs', () => {
  const rng = new SeededRandom('sha256 short')

  it('hashes like node:crypto at every padding edge', () => {
    for (const n of EDGES) {
      const data = rng.random(n)
      expect(hex(sha256Short(data)), `${n} bytes`).toBe(createHash('sha256').update(data).digest('hex'))
    }
  })

  it('HMAC-SHA256 like node:crypto for keys shorter than, equal to and longer than a block', () => {
    for (const k of [0, 1, 32, 63, 64, 65, 100, 200]) {
      for (const n of EDGES) {
        const key = rng.random(k)
        const data = rng.random(n)
        expect(hex(hmacSha256Short(key, data)), `key ${k}, data ${n}`).toBe(createHmac('sha256', key).update(data).digest('hex'))
      }
    }
  })

  it('HKDF-SHA256 like node:crypto: empty and long salts, every output length up to 255 blocks', () => {
    for (const s of [0, 1, 32, 64, 65, 100]) {
      for (const info of [0, 1, 22, 31, 32, 60, 200]) {
        for (const length of [1, 31, 32, 33, 44, 64, 65, 200]) {
          const ikm = rng.random(rng.int(150))
          const salt = rng.random(s)
          const infoBytes = rng.random(info)
          expect(hex(hkdfSha256Short(ikm, salt, infoBytes, length)), `salt ${s}, info ${info}, length ${length}`)
            .toBe(hex(new Uint8Array(hkdfSync('sha256', ikm, salt, infoBytes, length))))
        }
      }
    }
    const ikm = rng.random(32)
    expect(hex(hkdfSha256Short(ikm, new Uint8Array(0), rng.random(0), 255 * 32))).toBe(hex(new Uint8Array(hkdfSync('sha256', ikm, new Uint8Array(0), new Uint8Array(0), 255 * 32))))
  })

  it('counts the compressions each call makes (the cost the native provider chooses by)', () => {
    // a 32-byte key: two pad blocks, one block of 1 byte + padding, one outer block
    expect(hmacSha256Blocks(32, 1)).toBe(4)
    expect(hmacSha256Blocks(64, 55)).toBe(4)
    expect(hmacSha256Blocks(64, 56)).toBe(5) // the length no longer fits: a padding block of its own
    expect(hmacSha256Blocks(65, 0)).toBe(2 + 2 + 1 + 1) // the key is hashed first (2 blocks)
    // message keys: extract 2 (the empty salt's pads are precomputed), the key's pads 2, T1 2, T2 (64 bytes) 3
    expect(hkdfSha256Blocks(32, 0, 31, 44)).toBe(9)
    // the ratchet's root step: a 32-byte salt adds its two pads
    expect(hkdfSha256Blocks(32, 32, 22, 64)).toBe(10)
    expect(hkdfSha256Blocks(32, 0, 31, 0)).toBe(2)
  })
})

describe('the native provider on both sides of its JavaScript thresholds', () => {
  const native = nativeProvider()
  if (native === undefined) throw new Error('native provider missing in Node')
  const rng = new SeededRandom('sha256 thresholds')

  it(`HMAC up to ${HMAC_JS_MAX_BLOCKS} compressions in JavaScript, beyond through node:crypto: noble's bytes either way`, () => {
    const lengths = [...new Set([...EDGES, 183, 184])]
    expect(lengths.some(n => hmacSha256Blocks(32, n) <= HMAC_JS_MAX_BLOCKS)).toBe(true)
    expect(lengths.some(n => hmacSha256Blocks(32, n) > HMAC_JS_MAX_BLOCKS)).toBe(true)
    for (const k of [16, 32, 64, 65]) {
      for (const n of lengths) {
        const key = rng.random(k)
        const data = rng.random(n)
        expect(hex(native.hmacSha256(key, data)), `key ${k}, data ${n}`).toBe(hex(nobleProvider.hmacSha256(key, data)))
      }
    }
  })

  it(`HKDF up to ${HKDF_JS_MAX_BLOCKS} compressions in JavaScript, beyond through node:crypto: noble's bytes either way`, () => {
    const cases = [[32, 0, 31, 44], [32, 32, 22, 64], [32, 0, 31, 160], [32, 0, 31, 192], [200, 100, 100, 64], [0, 0, 0, 32]] as const
    expect(cases.some(([i, s, n, l]) => hkdfSha256Blocks(i, s, n, l) <= HKDF_JS_MAX_BLOCKS)).toBe(true)
    expect(cases.some(([i, s, n, l]) => hkdfSha256Blocks(i, s, n, l) > HKDF_JS_MAX_BLOCKS)).toBe(true)
    for (const [i, s, n, l] of cases) {
      const args = [rng.random(i), rng.random(s), rng.random(n), l] as const
      expect(hex(native.hkdfSha256(...args)), `${i}/${s}/${n}/${l}`).toBe(hex(nobleProvider.hkdfSha256(...args)))
    }
  })
})
