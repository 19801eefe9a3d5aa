// The colour emoji font shipped with the page (Noto Color Emoji, COLRv1 woff2 subsets) as the family "Parley Emoji": a system emoji font when there is one, else the subset holding a character, fetched only when such a character is on screen.
import fontCss from '@infolektuell/noto-color-emoji/index.css?raw'
import './emoji.css'
import { emojiOnly } from './unicode-range.js'

/** The family the stylesheet lists first (web/src/emoji.css): it covers emoji code points only, so text keeps its own fonts. */
export const EMOJI_FAMILY = 'Parley Emoji'

/** Each subset file's URL in the build, by file name ("9.woff2"). */
const FILES = Object.fromEntries(Object.entries(import.meta.glob<string>('../../node_modules/@infolektuell/noto-color-emoji/files/*.woff2', { query: '?url', import: 'default', eager: true }))
  .map(([path, url]) => [path.slice(path.lastIndexOf('/') + 1), url]))

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
