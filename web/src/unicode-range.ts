// CSS unicode-range values of the emoji font: parsing, and taking out the code points text fonts keep. Knows nothing of the DOM.

/**
 * Code points the font has but text fonts must keep, since the family comes first in the stack: ASCII and
 * Latin-1 (digits, #, *, ©, ®, which the font carries for keycaps), ™, ℹ, 〰 and 〽. Arrows and squares stay in:
 * emoji sequences are made of them (🙂‍↔️ head shaking, 🐈‍⬛ black cat), and one font must draw a whole sequence.
 * Everything else the subsets cover is an emoji (☕, ❤, ✔, 😀).
 */
const TEXT_RANGES: Array<[number, number]> = [[0x0000, 0x1fff], [0x2122, 0x2122], [0x2139, 0x2139], [0x3030, 0x3030], [0x303d, 0x303d]]

/** A unicode-range ("U+23,U+30-39,U+1f600-1f64f") as [first, last] pairs. */
export function parseRange (range: string): Array<[number, number]> {
  return range.split(',').map(s => s.trim().replace(/^U\+/i, '')).filter(s => s !== '').map(s => {
    const [a, b] = s.split('-')
    return [parseInt(a, 16), parseInt(b ?? a, 16)]
  })
}

/** `range` less TEXT_RANGES, as a unicode-range string ('' when nothing is left). */
export function emojiOnly (range: string): string {
  let parts = parseRange(range)
  for (const [lo, hi] of TEXT_RANGES) {
    parts = parts.flatMap(([a, b]): Array<[number, number]> => {
      if (b < lo || a > hi) return [[a, b]]
      return [...(a < lo ? [[a, lo - 1] as [number, number]] : []), ...(b > hi ? [[hi + 1, b] as [number, number]] : [])]
    })
  }
  return parts.map(([a, b]) => a === b ? `U+${a.toString(16)}` : `U+${a.toString(16)}-${b.toString(16)}`).join(',')
}
