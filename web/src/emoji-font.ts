// The colour emoji font shipped with the page (Noto Color Emoji, COLRv1 woff2 subsets) as the family "Parley Emoji": a system emoji font when there is one, else the subset holding a character, fetched only when such a character is on screen.
import fontCss from '@infolektuell/noto-color-emoji/index.css?raw'
import './emoji.css'

/** The family the stylesheet lists first (web/src/emoji.css): it covers emoji code points only, so text keeps its own fonts. */
export const EMOJI_FAMILY = 'Parley Emoji'

/** Each subset file's URL in the build, by file name ("9.woff2"). */
const FILES = Object.fromEntries(Object.entries(import.meta.glob<string>('../../node_modules/@infolektuell/noto-color-emoji/files/*.woff2', { query: '?url', import: 'default', eager: true }))
  .map(([path, url]) => [path.slice(path.lastIndexOf('/') + 1), url]))

/**
 * Code points the font has but text fonts should keep: ASCII and Latin-1 (digits, #, *, ©, ®, which the font
 * carries for keycaps), letterlike symbols (™, ℹ), arrows, geometric shapes and CJK punctuation (〰). With
 * U+FE0F after them they still ask for emoji. Everything else the subsets cover is an emoji (☕, ❤, ✔, 😀).
 */
const TEXT_RANGES: Array<[number, number]> = [[0x0000, 0x1fff], [0x2100, 0x21ff], [0x2900, 0x297f], [0x25a0, 0x25ff], [0x2b00, 0x2bff], [0x3000, 0x303f]]

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

/**
 * System colour emoji fonts by their full names: where one is installed it draws the emoji and nothing is
 * downloaded (Firefox brings Twemoji Mozilla, Apple, Windows and Android have theirs).
 */
const SYSTEM_EMOJI = ['Apple Color Emoji', 'Segoe UI Emoji', 'Noto Color Emoji', 'Twemoji Mozilla']

/** Adds one FontFace per subset of the package's stylesheet to `fonts`; nothing loads until a character of a subset is drawn. Returns how many. */
export function registerEmojiFont (fonts: FontFaceSet = document.fonts): number {
  let added = 0
  for (const rule of fontCss.split('@font-face').slice(1)) {
    const file = /url\(\.\/files\/([^)\s]+\.woff2)\)/.exec(rule)?.[1]
    const range = /unicode-range:\s*([^;]+);/.exec(rule)?.[1]
    const url = file != null ? FILES[file] : undefined
    if (url == null || range == null) continue
    const unicodeRange = emojiOnly(range)
    if (unicodeRange === '') continue
    const sources = [...SYSTEM_EMOJI.map(name => `local("${name}")`), `url(${url}) format(woff2) tech(color-COLRv1)`].join(', ')
    fonts.add(new FontFace(EMOJI_FAMILY, sources, { unicodeRange, display: 'swap' }))
    added++
  }
  return added
}
