// What a message bubble shows of its file: a photo (ThumbHash blur, then the thumbnail, then the photo once fetched), a video (poster, duration, play), a voice note, a document (name, size, type, save); a download button with the size, a progress ring with cancel, retry on failure. Knows nothing of the chat around it.
import type { AttachmentInfo, StoredMessage } from '../../src/browser.js'
import type { AppModel } from './model.js'
import { fileType, formatBytes, formatDuration } from './format.js'
import { useMessageFile, type MessageFile } from './media-hooks.js'
import { CloseIcon, DocIcon, DownloadIcon, PlayIcon, RetryIcon } from './media-icons.js'
import { VoiceNote } from './voice-note.js'

/** Photos and videos are drawn between these aspect ratios (very tall or wide pictures are cropped in the bubble, whole in the viewer). */
const MIN_RATIO = 0.6
const MAX_RATIO = 1.8

/** What a transfer has done, 0–1. */
function fraction (f: MessageFile, size: number): number {
  const p = f.progress
  if (p == null) return 0
  return Math.min(1, p.bytes / Math.max(1, p.total || size))
}

/** A ring drawn as far as `value` (0–1). */
function Ring ({ value }: { value: number }) {
  const r = 20
  const c = 2 * Math.PI * r
  return (
    <svg class="ring" viewBox="0 0 48 48" aria-hidden="true" focusable="false">
      <circle cx="24" cy="24" r={r} class="ring-track" />
      <circle cx="24" cy="24" r={r} class="ring-value" stroke-dasharray={`${c * value} ${c}`} transform="rotate(-90 24 24)" />
    </svg>
  )
}

/** The control over a file not on this device yet: download (with its size), progress with cancel, or retry. */
export function TransferControl ({ f, info, what }: { f: MessageFile, info: AttachmentInfo, what: string }) {
  if (f.state === 'loading' || f.state === 'done') return null
  if (f.state === 'downloading') {
    const pct = Math.round(fraction(f, info.size) * 100)
    return (
      <button type="button" class="transfer" data-testid="media-cancel" data-progress={pct} aria-label={`Cancel downloading the ${what} (${pct}%)`} onClick={f.cancel}>
        <Ring value={pct / 100} /><span class="transfer-icon"><CloseIcon /></span>
      </button>
    )
  }
  const failed = f.state === 'failed' || f.error != null
  return (
    <span class="transfer-wrap">
      <button type="button" class="transfer pill" data-testid={failed ? 'media-retry' : 'media-download'} onClick={f.download}
        aria-label={failed ? `Retry downloading the ${what} (${formatBytes(info.size)})` : `Download the ${what}, ${formatBytes(info.size)}`}>
        {failed ? <RetryIcon /> : <DownloadIcon />}<span>{failed ? 'Retry' : formatBytes(info.size)}</span>
      </button>
      {f.error != null && <span class="transfer-error" role="alert" data-testid="media-error">{f.error}</span>}
    </span>
  )
}

/** The box a photo or a video is drawn in, shaped like the picture. */
function frameStyle (info: AttachmentInfo): { aspectRatio: string } {
  const ratio = info.width != null && info.height != null && info.height > 0 ? info.width / info.height : 4 / 3
  return { aspectRatio: String(Math.min(MAX_RATIO, Math.max(MIN_RATIO, ratio))) }
}

/** The blur and the thumbnail under a photo or a video's poster. */
function Preview ({ model, m, info }: { model: AppModel, m: StoredMessage, info: AttachmentInfo }) {
  const placeholder = model.media.placeholderUrl(m.id, info)
  const thumb = model.media.thumbnailUrl(m.id, info)
  return (
    <>
      {placeholder != null && <img class="media-layer" src={placeholder} alt="" data-testid="media-placeholder" />}
      {thumb != null && <img class="media-layer" src={thumb} alt="" data-testid="media-thumbnail" />}
    </>
  )
}

function PhotoMedia ({ model, m, info, onOpen }: { model: AppModel, m: StoredMessage, info: AttachmentInfo, onOpen: () => void }) {
  const f = useMessageFile(model.media, m)
  const state = f.url != null ? 'full' : info.thumbnail != null ? 'thumbnail' : info.placeholder != null ? 'placeholder' : 'none'
  return (
    <div class="media-frame" style={frameStyle(info)} data-testid="media-photo" data-state={state} data-file={f.state}>
      <Preview model={model} m={m} info={info} />
      {f.url != null
        ? (
          <button type="button" class="media-open" data-testid="media-open" aria-label={m.text !== '' ? `Open the photo: ${m.text}` : 'Open the photo'} onClick={onOpen}>
            <img class="media-layer" src={f.url} alt="" data-testid="media-full" />
          </button>
          )
        : <span class="media-center"><TransferControl f={f} info={info} what="photo" /></span>}
    </div>
  )
}

function VideoMedia ({ model, m, info, onOpen }: { model: AppModel, m: StoredMessage, info: AttachmentInfo, onOpen: () => void }) {
  const f = useMessageFile(model.media, m)
  const duration = info.durationMs != null ? formatDuration(info.durationMs) : undefined
  return (
    <div class="media-frame video" style={frameStyle(info)} data-testid="media-video" data-file={f.state}>
      <Preview model={model} m={m} info={info} />
      <span class="media-center">
        {f.url != null
          ? <button type="button" class="transfer play" data-testid="media-play" aria-label={`Play the video${duration != null ? `, ${duration}` : ''}`} onClick={onOpen}><PlayIcon /></button>
          : <TransferControl f={f} info={info} what="video" />}
      </span>
      {duration != null && <span class="media-badge" data-testid="video-duration">{duration}</span>}
    </div>
  )
}

/** A document: its type, name and size, and a link that saves it once it is here. */
export function DocumentMedia ({ model, m, info }: { model: AppModel, m: StoredMessage, info: AttachmentInfo }) {
  const f = useMessageFile(model.media, m)
  const name = info.name !== '' ? info.name : 'File'
  return (
    <div class="media-doc" data-testid="media-document" data-file={f.state}>
      <span class="doc-icon" aria-hidden="true"><DocIcon /><span>{fileType(info.name, info.mime).slice(0, 4)}</span></span>
      <span class="doc-main">
        <span class="doc-name" data-testid="document-name">{name}</span>
        <span class="doc-meta">{formatBytes(info.size)} · {fileType(info.name, info.mime)}</span>
      </span>
      {f.url != null
        ? <a class="transfer doc-save" href={f.url} download={name} data-testid="media-save" aria-label={`Save ${name}`} title="Save"><DownloadIcon /></a>
        : <TransferControl f={f} info={info} what="document" />}
    </div>
  )
}

/** The file part of a bubble, by kind; `onOpen` shows a photo or a video in the viewer. */
export function MessageMedia ({ model, m, info, onOpen }: { model: AppModel, m: StoredMessage, info: AttachmentInfo, onOpen: () => void }) {
  switch (info.kind) {
    case 'photo': return <PhotoMedia model={model} m={m} info={info} onOpen={onOpen} />
    case 'video': return <VideoMedia model={model} m={m} info={info} onOpen={onOpen} />
    case 'voice': return <VoiceNote model={model} m={m} info={info} />
    default: return <DocumentMedia model={model} m={m} info={info} />
  }
}
