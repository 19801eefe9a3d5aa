// The composer's emoji button: the first press loads the picker's chunk (nothing of it is fetched at start-up), then it shows or hides the picker.
import { useState } from 'preact/hooks'
import type { EmojiPicker as Picker } from './emoji-picker.js'

let loading: Promise<typeof Picker> | undefined

/** A smiley drawn in the text colour (an SVG, so the button needs no emoji font). */
function Smiley () {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <circle cx="12" cy="12" r="9.25" fill="none" stroke="currentColor" stroke-width="1.6" />
      <circle cx="9" cy="10" r="1.3" fill="currentColor" />
      <circle cx="15" cy="10" r="1.3" fill="currentColor" />
      <path d="M7.8 14.2c1 1.6 2.5 2.4 4.2 2.4s3.2-.8 4.2-2.4" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" />
    </svg>
  )
}

/** `onClose`: the picker was closed with Esc or the button, so the composer takes the focus back. */
export function EmojiButton ({ onPick, onClose }: { onPick: (emoji: string) => void, onClose: () => void }) {
  const [open, setOpen] = useState(false)
  const [Loaded, setLoaded] = useState<typeof Picker | undefined>()
  const [failed, setFailed] = useState(false)

  const close = (back: boolean): void => {
    setOpen(false)
    if (back) onClose()
  }

  const toggle = (): void => {
    if (open) {
      close(true)
      return
    }
    setOpen(true)
    setFailed(false)
    if (Loaded != null) return
    loading ??= import('./emoji-picker.js').then(m => m.EmojiPicker)
    loading.then(p => setLoaded(() => p), () => {
      loading = undefined
      setFailed(true)
    })
  }

  return (
    <>
      <button type="button" class="emoji-toggle" data-testid="emoji-button" aria-label="Emoji" title="Emoji" aria-haspopup="dialog" aria-expanded={open} onClick={toggle}
        onKeyDown={e => {
          // Esc on the button closes the picker (while it loads too), not the chat
          if (e.key !== 'Escape' || !open) return
          e.preventDefault()
          e.stopPropagation()
          close(true)
        }}>
        <Smiley />
      </button>
      {open && Loaded != null && <Loaded onPick={onPick} onClose={close} />}
      {open && Loaded == null && (
        <div class="emoji-picker" role="dialog" aria-label="Emoji" data-testid="emoji-picker" data-state={failed ? 'error' : 'loading'}>
          <p class="emoji-status" role={failed ? 'alert' : 'status'}>
            {failed ? 'Emoji could not be loaded. Check the connection and try again.' : <><span class="spinner" aria-hidden="true" />Loading emoji…</>}
          </p>
        </div>
      )}
    </>
  )
}
