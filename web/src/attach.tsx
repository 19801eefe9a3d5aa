// The composer's attach button and its menu: photos and videos, the camera (on touch devices, where a browser can open it for a file input), or any file as a document. Knows nothing of what happens to the files.
import { useEffect, useRef, useState } from 'preact/hooks'
import { AttachIcon, CameraIcon, DocIcon, PhotoIcon } from './media-icons.js'

/** Whether this device is likely to open its camera for `<input capture>`: desktop browsers ignore the attribute and show a file picker. */
function hasCamera (): boolean {
  return typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches
}

export function AttachButton ({ idPrefix, onFiles }: { idPrefix: string, onFiles: (files: File[], asDocument: boolean) => void }) {
  const [open, setOpen] = useState(false)
  const box = useRef<HTMLDivElement>(null)

  // a click elsewhere closes the menu
  useEffect(() => {
    if (!open) return
    const away = (e: Event): void => { if (box.current != null && !box.current.contains(e.target as Node)) setOpen(false) }
    document.addEventListener('pointerdown', away)
    return () => document.removeEventListener('pointerdown', away)
  }, [open])

  const picked = (asDocument: boolean) => (e: Event): void => {
    const input = e.target as HTMLInputElement
    const files = [...(input.files ?? [])]
    input.value = ''
    setOpen(false)
    if (files.length > 0) onFiles(files, asDocument)
  }

  const option = (id: string, label: string, icon: preact.JSX.Element, input: preact.JSX.Element) => (
    <span class="attach-option">
      <label for={id} class="attach-label">{icon}{label}</label>
      {input}
    </span>
  )

  return (
    <div class="attach" ref={box} onKeyDown={e => { if (e.key === 'Escape' && open) { e.preventDefault(); setOpen(false) } }}>
      <button type="button" class="icon composer-icon" data-testid="attach" aria-label="Attach" title="Attach" aria-expanded={open} aria-controls={`${idPrefix}-attach-menu`} onClick={() => setOpen(o => !o)}>
        <AttachIcon />
      </button>
      {/* the inputs stay in the page while the menu is closed: a picker may answer after it closed */}
      <div id={`${idPrefix}-attach-menu`} class={`attach-menu${open ? ' open' : ''}`} role="group" aria-label="Attach">
        {option(`${idPrefix}-attach-media`, 'Photos and videos', <PhotoIcon />,
          <input id={`${idPrefix}-attach-media`} class="visually-hidden" type="file" accept="image/*,video/*" multiple data-testid="attach-media-input" tabIndex={open ? 0 : -1} onChange={picked(false)} />)}
        {hasCamera() && option(`${idPrefix}-attach-camera`, 'Camera', <CameraIcon />,
          <input id={`${idPrefix}-attach-camera`} class="visually-hidden" type="file" accept="image/*" capture="environment" data-testid="attach-camera-input" tabIndex={open ? 0 : -1} onChange={picked(false)} />)}
        {option(`${idPrefix}-attach-document`, 'Document', <DocIcon />,
          <input id={`${idPrefix}-attach-document`} class="visually-hidden" type="file" multiple data-testid="attach-document-input" tabIndex={open ? 0 : -1} onChange={picked(true)} />)}
      </div>
    </div>
  )
}
