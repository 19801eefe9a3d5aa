// The full-screen viewer of a chat's photos and videos: the picture (fetched when it is not here yet, the thumbnail meanwhile) or the video player, its caption, who sent it and when, save and forward; arrow keys and buttons move between the chat's photos and videos, Esc closes. Knows nothing of how the list was gathered.
import { useEffect, useRef, useState } from 'preact/hooks'
import type { StoredMessage } from '../../src/browser.js'
import type { AppModel } from './model.js'
import { formatClock, formatDay } from './format.js'
import { useMessageFile } from './media-hooks.js'
import { TransferControl } from './media-bubble.js'
import { ChevronLeft, ChevronRight, CloseIcon, DownloadIcon, ForwardIcon } from './media-icons.js'

function Shown ({ model, m }: { model: AppModel, m: StoredMessage }) {
  const info = model.parley.media.info(m)
  const f = useMessageFile(model.media, m)
  // looking at a photo asks for it; a video waits for the person (it may be large)
  useEffect(() => {
    if (info?.kind === 'photo' && f.state === 'remote') f.download()
  }, [m.id, f.state])
  if (info == null) return null
  const alt = m.text !== '' ? m.text : info.kind === 'photo' ? 'Photo' : 'Video'
  if (info.kind === 'video' && f.url != null) {
    return <video class="lightbox-media" src={f.url} controls autoPlay playsInline data-testid="lightbox-video" aria-label={alt} />
  }
  const src = f.url ?? model.media.thumbnailUrl(m.id, info) ?? model.media.placeholderUrl(m.id, info)
  return (
    <div class="lightbox-picture">
      {src != null && <img class="lightbox-media" src={src} alt={alt} data-testid="lightbox-image" data-state={f.url != null ? 'full' : 'preview'} />}
      {f.url == null && <span class="media-center"><TransferControl f={f} info={info} what={info.kind} /></span>}
    </div>
  )
}

export function Lightbox ({ model, items, start, onClose, onForward }: {
  model: AppModel
  /** the chat's photos and videos, oldest first */
  items: StoredMessage[]
  start: number
  onClose: () => void
  onForward?: (m: StoredMessage) => void
}) {
  const ref = useRef<HTMLDialogElement>(null)
  const [index, setIndex] = useState(Math.max(0, Math.min(start, items.length - 1)))
  const m = items[index]
  const info = m != null ? model.parley.media.info(m) : undefined
  const f = useMessageFile(model.media, m ?? items[0])

  useEffect(() => {
    const d = ref.current
    if (d != null && !d.open) d.showModal()
    return () => { if (d?.open === true) d.close() }
  }, [])

  if (m == null || info == null) return null
  const move = (by: number): void => setIndex(i => Math.max(0, Math.min(items.length - 1, i + by)))
  const who = m.direction === 'out' ? 'You' : model.displayName(m.sender)
  const what = info.kind === 'video' ? 'video' : 'photo'

  return (
    <dialog ref={ref} class="lightbox" data-testid="lightbox" data-index={index} data-id={m.id} aria-labelledby="lightbox-title"
      onCancel={e => { e.preventDefault(); onClose() }}
      onKeyDown={e => {
        if (e.key === 'ArrowLeft') { e.preventDefault(); move(-1) }
        if (e.key === 'ArrowRight') { e.preventDefault(); move(1) }
      }}>
      <header class="lightbox-bar">
        <h2 id="lightbox-title" class="lightbox-title">
          <span>{who}</span>
          <span class="lightbox-when">{formatDay(m.timestamp)}, {formatClock(m.timestamp)} · {index + 1} of {items.length}</span>
        </h2>
        {f.url != null && <a class="button-icon" href={f.url} download={info.name !== '' ? info.name : undefined} data-testid="lightbox-save" aria-label={`Save the ${what}`} title="Save"><DownloadIcon /></a>}
        {onForward != null && <button type="button" class="icon" data-testid="lightbox-forward" aria-label={`Forward the ${what}`} title="Forward" onClick={() => onForward(m)}><ForwardIcon /></button>}
        <button type="button" class="icon" data-testid="lightbox-close" aria-label="Close" title="Close" onClick={onClose}><CloseIcon /></button>
      </header>
      <div class="lightbox-stage">
        <button type="button" class="icon lightbox-nav" data-testid="lightbox-previous" aria-label="Previous" disabled={index === 0} onClick={() => move(-1)}><ChevronLeft /></button>
        <Shown key={m.id} model={model} m={m} />
        <button type="button" class="icon lightbox-nav" data-testid="lightbox-next" aria-label="Next" disabled={index === items.length - 1} onClick={() => move(1)}><ChevronRight /></button>
      </div>
      {m.text !== '' && <p class="lightbox-caption" data-testid="lightbox-caption">{m.text}</p>}
    </dialog>
  )
}
