// The preview before files are sent: each picked, dropped or pasted file shown (photo, video, or a document card), a caption for each, and for photos the size they go at (Standard or HD). Knows nothing of how they are sent.
import { useEffect, useMemo, useState } from 'preact/hooks'
import { Dialog } from './dialog.js'
import { formatBytes } from './format.js'
import { kindOfFile, PHOTO_SIZES, type PhotoSize } from './media-prepare.js'
import { DocIcon } from './media-icons.js'

/** A file the person picked, and whether it goes as a document (as it is) or as a photo or video. */
export interface Picked {
  file: File
  asDocument: boolean
}

/** The longest caption (the SDK's text limit is larger; a caption is a line or two). */
export const MAX_CAPTION_CHARS = 1024

export function SendMediaDialog ({ picked, onSend, onClose }: {
  picked: Picked[]
  onSend: (items: Array<Picked & { caption: string }>, size: PhotoSize) => void
  onClose: () => void
}) {
  const [selected, setSelected] = useState(0)
  const [captions, setCaptions] = useState<string[]>(() => picked.map(() => ''))
  const [size, setSize] = useState<PhotoSize>('standard')
  const kinds = picked.map(p => p.asDocument ? 'document' : kindOfFile(p.file))
  // previews of pictures and videos, freed when the dialog closes
  const urls = useMemo(() => picked.map((p, i) => kinds[i] !== 'document' ? URL.createObjectURL(p.file) : undefined), [picked])
  useEffect(() => () => { for (const u of urls) if (u != null) URL.revokeObjectURL(u) }, [urls])

  const current = picked[selected]
  const kind = kinds[selected]
  const url = urls[selected]
  const photos = kinds.filter(k => k === 'photo').length
  const title = picked.length > 1 ? `Send ${picked.length} files` : kind === 'photo' ? 'Send a photo' : kind === 'video' ? 'Send a video' : 'Send a file'
  const send = (e: Event): void => {
    e.preventDefault()
    onSend(picked.map((p, i) => ({ ...p, caption: captions[i].trim() })), size)
  }

  return (
    <Dialog title={title} testid="media-send-dialog" onClose={onClose}>
      <form class="media-send" onSubmit={send}>
        <div class="media-send-preview" data-testid="media-send-preview" data-kind={kind}>
          {kind === 'photo' && url != null && <img src={url} alt={`Preview of ${current.file.name}`} />}
          {kind === 'video' && url != null && <video src={url} controls muted aria-label={`Preview of ${current.file.name}`} />}
          {kind === 'document' && (
            <span class="media-doc">
              <span class="doc-icon" aria-hidden="true"><DocIcon /></span>
              <span class="doc-main"><span class="doc-name">{current.file.name}</span><span class="doc-meta">{formatBytes(current.file.size)}</span></span>
            </span>
          )}
        </div>
        {picked.length > 1 && (
          <ul class="media-send-strip" role="list" aria-label="Files to send">
            {picked.map((p, i) => (
              <li key={i}>
                <button type="button" class="secondary" aria-pressed={i === selected} data-testid="media-send-pick" onClick={() => setSelected(i)}>
                  {urls[i] != null && kinds[i] === 'photo' ? <img src={urls[i]} alt="" /> : <DocIcon />}<span class="visually-hidden">{p.file.name}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        <label for="media-caption">Caption{picked.length > 1 ? ` for ${current.file.name}` : ''}</label>
        <textarea id="media-caption" data-testid="media-caption" rows={2} maxLength={MAX_CAPTION_CHARS} placeholder="Add a caption" value={captions[selected]}
          onInput={e => { const v = (e.target as HTMLTextAreaElement).value; setCaptions(c => c.map((x, i) => i === selected ? v : x)) }}
          onKeyDown={e => { if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) send(e) }} />
        {photos > 0 && (
          <fieldset class="photo-size" data-testid="photo-size">
            <legend>Photo size</legend>
            {(Object.keys(PHOTO_SIZES) as PhotoSize[]).map(s => (
              <label key={s} class="radio-row">
                <input type="radio" name="photo-size" value={s} data-testid={`photo-size-${s}`} checked={size === s} onChange={() => setSize(s)} />
                {s === 'standard' ? 'Standard' : 'HD'}
                <span class="note"> {s === 'standard' ? 'up to 1600 px, quicker to send and download' : 'up to 4096 px, sharper and larger'}</span>
              </label>
            ))}
          </fieldset>
        )}
        <button type="submit" data-testid="media-send">Send{picked.length > 1 ? ` ${picked.length} files` : ''}</button>
      </form>
    </Dialog>
  )
}
