// A chat's files not sent yet, as outgoing bubbles at its end: being prepared in this tab, then uploaded by the SDK with a progress bar and cancel; a failed or cancelled one offers Retry. Knows nothing of the messages above them.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks'
import type { AppModel } from './model.js'
import type { LocalSend, UploadView } from './media-model.js'
import { useMediaVersion } from './media-hooks.js'
import { formatBytes } from './format.js'
import { describe } from './errors.js'
import { CloseIcon, DocIcon, MicIcon, PhotoIcon, RetryIcon } from './media-icons.js'

const KIND_ICON = { photo: PhotoIcon, video: PhotoIcon, voice: MicIcon, document: DocIcon }
const KIND_WORD = { photo: 'photo', video: 'video', voice: 'voice message', document: 'file' }

function UploadRow ({ name, kind, size, caption, preview, state, done, onCancel, onRetry, testid, busy }: {
  name: string
  kind: UploadView['kind']
  size: number
  caption: string
  preview?: string
  state: 'preparing' | UploadView['state']
  /** bytes done of `size`; none: not known (the bar moves without a value) */
  done?: number
  onCancel?: () => void
  onRetry?: () => void
  testid: string
  busy: boolean
}) {
  const Icon = KIND_ICON[kind]
  const what = kind === 'document' ? name : `the ${KIND_WORD[kind]}`
  const shown = busy ? 'uploading' : state
  const stopped = shown === 'failed' || shown === 'cancelled'
  return (
    <div class="bubble out upload" data-testid={testid} data-state={shown} data-name={name} data-kind={kind}>
      <div class="upload-body">
        {preview != null ? <img class="upload-preview" src={preview} alt="" /> : <span class="doc-icon" aria-hidden="true"><Icon /></span>}
        <span class="doc-main">
          <span class="doc-name">{kind === 'voice' ? 'Voice message' : name}</span>
          <span class="doc-meta">
            {formatBytes(size)} · {stopped ? (shown === 'failed' ? 'Not sent' : 'Cancelled') : shown === 'preparing' ? 'Preparing…' : 'Sending…'}
          </span>
          {!stopped && (
            <progress data-testid="upload-progress" max={Math.max(1, size)} value={done} aria-label={`Sending ${what}`} />
          )}
        </span>
        {!stopped && onCancel != null && (
          <button type="button" class="icon" data-testid="upload-cancel" aria-label={`Cancel sending ${what}`} onClick={onCancel}><CloseIcon /></button>
        )}
        {stopped && onRetry != null && (
          <button type="button" class="secondary upload-retry" data-testid="upload-retry" aria-label={`Retry sending ${what}`} onClick={onRetry}><RetryIcon /> Retry</button>
        )}
      </div>
      {caption !== '' && <p class="text">{caption}</p>}
    </div>
  )
}

/** The unsent files of `conversation`, oldest first; errors of a retry are told through `onError`; `onGrow` when one more shows (the chat scrolls to it). */
export function UploadBubbles ({ model, conversation, onError, onGrow }: { model: AppModel, conversation: string, onError: (text: string) => void, onGrow: () => void }) {
  const media = model.media
  useMediaVersion(media)
  const [list, setList] = useState<{ uploads: UploadView[], local: LocalSend[] }>({ uploads: [], local: [] })
  const [retrying, setRetrying] = useState<Set<string>>(new Set())
  const version = media.uploadsVersion
  useEffect(() => {
    let live = true
    media.uploads(conversation).then(l => { if (live) setList(l) }, () => {})
    return () => { live = false }
  }, [conversation, version])

  const count = useRef(0)
  const shown = list.uploads.length + list.local.length
  useLayoutEffect(() => {
    if (shown > count.current) onGrow()
    count.current = shown
  }, [shown])

  const retry = (u: UploadView): void => {
    setRetrying(s => new Set([...s, u.id]))
    media.retry(u.id).catch(err => {
      if ((err as Error)?.name !== 'TransferCancelledError') onError(describe(err))
    }).finally(() => setRetrying(s => new Set([...s].filter(x => x !== u.id))))
  }

  if (list.uploads.length === 0 && list.local.length === 0) return null
  return (
    <>
      {list.uploads.map(u => {
        const p = media.progress.get(u.id)
        const busy = retrying.has(u.id)
        return (
          <UploadRow key={u.id} testid="upload" name={u.name} kind={u.kind} size={u.size} caption={u.caption} preview={media.uploadPreview(u.id)}
            state={u.state} busy={busy && (u.state === 'failed' || u.state === 'cancelled')} done={p?.bytes ?? (u.state === 'uploaded' ? u.size : 0)}
            onCancel={() => media.cancel(u.id)} onRetry={() => retry(u)} />
        )
      })}
      {list.local.map(l => (
        <UploadRow key={l.key} testid="upload" name={l.name} kind={l.kind} size={l.size} caption={l.caption} preview={l.previewUrl}
          state="preparing" busy={false} onCancel={() => media.cancelLocal(l)} />
      ))}
    </>
  )
}
