// The composer's emoji picker, its own chunk loaded on first use: emoji-picker-element's Database (the emoji data served by this server, kept in IndexedDB, searched by name and keyword, recently used first) under a grid of our own, since the library's element styles its shadow DOM inline, which the page's CSP refuses.
import { useEffect, useRef, useState } from 'preact/hooks'
import Database from 'emoji-picker-element/database.js'
import type { Emoji, NativeEmoji } from 'emoji-picker-element/shared.js'
import dataSource from 'emoji-picker-element-data/en/emojibase/data.json?url'

/** The bundled font (Noto Color Emoji of @infolektuell/noto-color-emoji) draws emoji up to this Unicode emoji version; newer ones would show as boxes where the system has no newer font. */
export const EMOJI_VERSION = 15.1
/** Searches start at two characters, as the library's own picker does. */
const MIN_QUERY = 2
const RECENT = 'recent'
const RECENT_SHOWN = 32

type GroupId = number | typeof RECENT

/** The library's groups (emojibase), without 2, the skin tone components. */
const GROUPS: Array<{ id: GroupId, label: string, icon: string }> = [
  { id: RECENT, label: 'Recently used', icon: '🕘' },
  { id: 0, label: 'Smileys and emotion', icon: '😀' },
  { id: 1, label: 'People and body', icon: '👋' },
  { id: 3, label: 'Animals and nature', icon: '🐱' },
  { id: 4, label: 'Food and drink', icon: '🍎' },
  { id: 5, label: 'Travel and places', icon: '🏠' },
  { id: 6, label: 'Activities', icon: '⚽' },
  { id: 7, label: 'Objects', icon: '💡' },
  { id: 8, label: 'Symbols', icon: '🔣' },
  { id: 9, label: 'Flags', icon: '🏁' }
]

let database: Database | undefined
/** One Database for the page's life: it opens IndexedDB and fetches the data the first time only. */
function emojiDatabase (): Database {
  database ??= new Database({ dataSource, locale: 'en' })
  return database
}

function shown (e: Emoji): e is NativeEmoji {
  return 'unicode' in e && e.version <= EMOJI_VERSION
}

/** `onClose(back)`: Esc asks to give the focus back to the composer (`back` true), a click elsewhere leaves it where it went. */
export function EmojiPicker ({ onPick, onClose }: { onPick: (emoji: string) => void, onClose: (back: boolean) => void }) {
  const [group, setGroup] = useState<GroupId>(0)
  const [query, setQuery] = useState('')
  const [emojis, setEmojis] = useState<NativeEmoji[] | undefined>()
  const [failed, setFailed] = useState(false)
  const search = useRef<HTMLInputElement>(null)
  const root = useRef<HTMLDivElement>(null)
  const searching = query.trim().length >= MIN_QUERY

  useEffect(() => {
    search.current?.focus()
    // a click outside the picker (but not on its toggle, which closes it itself) closes it
    const outside = (e: PointerEvent): void => {
      const target = e.target as Element | null
      if (root.current?.contains(target) === true || target?.closest('[data-testid="emoji-button"]') != null) return
      onClose(false)
    }
    document.addEventListener('pointerdown', outside)
    return () => document.removeEventListener('pointerdown', outside)
  }, [])

  useEffect(() => {
    let live = true
    const db = emojiDatabase()
    const q = query.trim()
    const load = q.length >= MIN_QUERY
      ? db.getEmojiBySearchQuery(q)
      : group === RECENT ? db.getTopFavoriteEmoji(RECENT_SHOWN) : db.getEmojiByGroup(group)
    load.then(list => {
      if (!live) return
      setFailed(false)
      setEmojis(list.filter(shown))
    }, () => { if (live) setFailed(true) })
    return () => { live = false }
  }, [group, query])

  const pick = (e: NativeEmoji): void => {
    void emojiDatabase().incrementFavoriteEmojiCount(e.unicode).catch(() => {})
    onPick(e.unicode)
  }

  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.key !== 'Escape') return
    // the app's Esc (close the chat) must not run as well
    e.preventDefault()
    e.stopPropagation()
    onClose(true)
  }

  const state = failed ? 'error' : emojis == null ? 'loading' : 'ready'
  const current = GROUPS.find(g => g.id === group)!

  return (
    <div class="emoji-picker" ref={root} role="dialog" aria-label="Emoji" data-testid="emoji-picker" data-state={state} onKeyDown={onKeyDown}>
      <input ref={search} type="search" class="emoji-search" data-testid="emoji-search" placeholder="Search emoji" aria-label="Search emoji"
        value={query} onInput={e => setQuery((e.target as HTMLInputElement).value)} />
      <div class="emoji-tabs" role="tablist" aria-label="Emoji categories">
        {GROUPS.map(g => (
          <button key={g.id} type="button" role="tab" id={`emoji-tab-${g.id}`} aria-selected={!searching && g.id === group} aria-controls="emoji-grid"
            aria-label={g.label} title={g.label} data-testid="emoji-tab" onClick={() => { setQuery(''); setGroup(g.id) }}>{g.icon}</button>
        ))}
      </div>
      <div class="emoji-grid" id="emoji-grid" role="tabpanel" aria-label={searching ? 'Search results' : current.label} data-testid="emoji-grid">
        {state === 'loading' && <p class="emoji-status" role="status"><span class="spinner" aria-hidden="true" />Loading emoji…</p>}
        {state === 'error' && <p class="emoji-status" role="alert">Emoji could not be loaded. Check the connection and try again.</p>}
        {state === 'ready' && emojis!.length === 0 && (
          <p class="emoji-status">{searching ? 'No emoji match.' : group === RECENT ? 'Emoji you pick show here.' : 'None here.'}</p>
        )}
        {state === 'ready' && emojis!.map(e => (
          <button key={e.unicode} type="button" data-testid="emoji" data-emoji={e.unicode} aria-label={e.annotation} title={e.annotation} onClick={() => pick(e)}>{e.unicode}</button>
        ))}
      </div>
    </div>
  )
}
