// Preact hooks over the media state: re-render on transfer progress, and a message's file as a bubble shows it (on this device with an object URL, being fetched with its progress, or not here yet). Knows nothing of how it is drawn.
import { useEffect, useState } from 'preact/hooks'
import type { MediaProgress, StoredMessage } from '../../src/browser.js'
import type { MediaState } from './media-model.js'
import { describe } from './errors.js'

/** Re-renders the component on every media change (progress, a transfer ending, a send starting). */
export function useMediaVersion (media: MediaState): number {
  const [, setVersion] = useState(0)
  useEffect(() => media.subscribe(() => setVersion(v => v + 1)), [media])
  return media.version
}

export interface MessageFile {
  /** 'loading' until the SDK answered */
  state: 'loading' | 'remote' | 'downloading' | 'done' | 'failed' | 'cancelled'
  ref?: string
  /** an object URL of the file, once on this device */
  url?: string
  progress?: MediaProgress
  /** a sentence for the person when the last fetch failed */
  error?: string
  /** fetches the file (the bubble follows) */
  download: () => void
  cancel: () => void
}

/** A message's file here: read from the SDK again whenever a transfer of it ends. */
export function useMessageFile (media: MediaState, m: StoredMessage): MessageFile {
  useMediaVersion(media)
  const revision = media.revision(m.id)
  const [view, setView] = useState<{ state: MessageFile['state'], ref?: string, url?: string }>({ state: 'loading' })
  const [asked, setAsked] = useState(false)
  const [error, setError] = useState<string | undefined>()
  useEffect(() => {
    let live = true
    media.fileOf(m).then(async f => {
      const url = f.ref != null ? await media.url(f.ref).catch(() => undefined) : undefined
      // a file the SDK names but the browser lost (site data cleared): fetched again like one never fetched
      if (live) setView(f.ref != null && url == null ? { state: 'remote' } : { state: f.state, ...(f.ref != null ? { ref: f.ref } : {}), ...(url != null ? { url } : {}) })
    }, () => { if (live) setView({ state: 'remote' }) })
    return () => { live = false }
  }, [m.id, revision])
  const progress = media.progress.get(m.id)
  const downloading = view.state !== 'done' && (progress?.direction === 'download' || asked || view.state === 'downloading')
  return {
    ...view,
    state: downloading ? 'downloading' : view.state,
    ...(progress != null ? { progress } : {}),
    ...(error != null ? { error } : {}),
    download: () => {
      setAsked(true)
      setError(undefined)
      media.download(m).catch(err => {
        if ((err as Error)?.name !== 'TransferCancelledError') setError(describe(err))
      }).finally(() => setAsked(false))
    },
    cancel: () => {
      media.cancel(m.id)
      setAsked(false)
    }
  }
}
