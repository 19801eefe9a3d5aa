// The emoji font's unicode ranges: emoji only, since the family comes first in the page's font stack.
import { describe, it, expect } from 'vitest'
import { emojiOnly, parseRange } from '../../web/src/unicode-range.js'

describe('emoji font ranges', () => {
  it('parses a unicode-range', () => {
    expect(parseRange('U+23, U+30-39,U+1f600-1f64f')).toEqual([[0x23, 0x23], [0x30, 0x39], [0x1f600, 0x1f64f]])
  })

  it('leaves digits, #, *, ©, ®, ™, ℹ, 〰 and 〽 to the text fonts, and keeps arrows and squares for emoji sequences', () => {
    expect(emojiOnly('U+23,U+2a,U+30-39,U+a9,U+ae,U+200d,U+2122,U+2139,U+2194-2199,U+2b1b-2b1c,U+3030,U+303d,U+fe0f,U+1f600-1f64f'))
      .toBe('U+200d,U+2194-2199,U+2b1b-2b1c,U+fe0f,U+1f600-1f64f')
    expect(emojiOnly('U+2100-2140')).toBe('U+2100-2121,U+2123-2138,U+213a-2140')
    expect(emojiOnly('U+30-39')).toBe('')
  })
})
