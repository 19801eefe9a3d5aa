// A chat's media (`#/media/<number or group:<hex>>`, from contact info or group info): its photos and videos as a grid (the viewer opens on a tap), its documents and its voice notes as lists, newest first. Knows nothing of how the files travel.
import { useEffect, useState } from 'preact/hooks'
import type { HistoryCursor, StoredMessage } from '../../src/browser.js'
import type { AppModel } from './model.js'
import { groupIdOf } from './groups-model.js'
import { formatDay, formatDuration } from './format.js'
import { describe } from './errors.js'
import { DocumentMedia } from './media-bubble.js'
import { VoiceNote } from './voice-note.js'
import { Lightbox } from './lightbox.js'
import { ForwardDialog } from './forward-dialog.js'
import { PlayIcon } from './media-icons.js'

/** History is read in pages of this many messages until its start (the gallery needs every file of the chat). */
const PAGE = 200

type Tab = 'media' | 'docs' | 'voice'
const TABS: Array<{ tab: Tab, label: string }> = [{ tab: 'media', label: 'Media' }, { tab: 'docs', label: 'Docs' }, { tab: 'voice', label: 'Voice' }]

export function MediaGallery ({ model, address }: { model: AppModel, address: string }) {
  const parley = model.parley
  const group = groupIdOf(address)
  const [files, setFiles] = useState<StoredMessage[] | undefined>()
  const [error, setError] = useState<string | undefined>()
  const [tab, setTab] = useState<Tab>('media')
  const [viewing, setViewing] = useState<number | undefined>()
  const [forwarding, setForwarding] = useState<StoredMessage | undefined>()

  useEffect(() => {
    let live = true
    void (async () => {
      const out: StoredMessage[] = []
      let before: HistoryCursor | undefined
      for (;;) {
        const options = { limit: PAGE, ...(before != null ? { before } : {}) }
        const page = group != null ? await parley.groups.history(group, options) : await parley.history(address, options)
        out.push(...page.filter(m => m.attachment != null))
        if (page.length < PAGE || !live) break
        const oldest = page[page.length - 1]
        before = { timestamp: oldest.timestamp, id: oldest.id }
      }
      if (live) setFiles(out)
    })().catch(err => { if (live) setError(describe(err)) })
    return () => { live = false }
  }, [address])

  const kindOf = (m: StoredMessage): string | undefined => parley.media.info(m)?.kind
  const pictures = (files ?? []).filter(m => kindOf(m) === 'photo' || kindOf(m) === 'video')
  const docs = (files ?? []).filter(m => kindOf(m) === 'document')
  const voices = (files ?? []).filter(m => kindOf(m) === 'voice')
  const counts: Record<Tab, number> = { media: pictures.length, docs: docs.length, voice: voices.length }
  const title = group != null ? model.groups.name(group) : model.displayName(address)
  const back = (): void => model.go(group != null ? { name: 'group-info', id: group } : { name: 'contact', phone: address })
  // the viewer goes oldest to newest, as the chat does
  const ordered = [...pictures].reverse()
  const who = (m: StoredMessage): string => m.direction === 'out' ? 'You' : model.displayName(m.sender)

  return (
    <section class="contact-info media-gallery" aria-labelledby="gallery-title" data-testid="media-gallery" data-state={files != null ? 'ready' : 'loading'}>
      <header class="pane-header">
        <button type="button" class="icon back always" data-testid="gallery-back" aria-label="Back" onClick={back}>←</button>
        <h1 id="gallery-title">Media of {title}</h1>
      </header>
      <div class="pane-body contact-body">
        <div class="segmented" role="group" aria-label="Show">
          {TABS.map(t => (
            <button key={t.tab} type="button" class="secondary" aria-pressed={tab === t.tab} data-testid={`gallery-tab-${t.tab}`} onClick={() => setTab(t.tab)}>
              {t.label} ({counts[t.tab]})
            </button>
          ))}
        </div>
        {files == null && error == null && <p><span class="spinner" aria-hidden="true" />Reading the chat…</p>}
        {error != null && <p class="error" role="alert">{error}</p>}
        {files != null && counts[tab] === 0 && <p class="empty" data-testid="gallery-empty">{tab === 'media' ? 'No photos or videos in this chat yet.' : tab === 'docs' ? 'No documents in this chat yet.' : 'No voice messages in this chat yet.'}</p>}
        {tab === 'media' && pictures.length > 0 && (
          <ul class="gallery-grid" role="list" data-testid="gallery-grid">
            {pictures.map(m => {
              const info = parley.media.info(m)!
              const src = model.media.thumbnailUrl(m.id, info) ?? model.media.placeholderUrl(m.id, info)
              const duration = info.kind === 'video' && info.durationMs != null ? formatDuration(info.durationMs) : undefined
              const label = `${info.kind === 'video' ? `Video${duration != null ? ` ${duration}` : ''}` : 'Photo'} from ${who(m)}, ${formatDay(m.timestamp)}${m.text !== '' ? `: ${m.text}` : ''}`
              return (
                <li key={m.id}>
                  <button type="button" class="gallery-item" data-testid="gallery-item" data-kind={info.kind} aria-label={label} onClick={() => setViewing(ordered.findIndex(x => x.id === m.id))}>
                    {src != null ? <img src={src} alt="" /> : <span class="gallery-blank" />}
                    {info.kind === 'video' && <span class="media-badge"><PlayIcon />{duration != null ? ` ${duration}` : ''}</span>}
                  </button>
                </li>
              )
            })}
          </ul>
        )}
        {tab === 'docs' && docs.length > 0 && (
          <ul class="gallery-list" role="list" data-testid="gallery-docs">
            {docs.map(m => (
              <li key={m.id}>
                <DocumentMedia model={model} m={m} info={parley.media.info(m)!} />
                <span class="note">{who(m)}, {formatDay(m.timestamp)}</span>
              </li>
            ))}
          </ul>
        )}
        {tab === 'voice' && voices.length > 0 && (
          <ul class="gallery-list" role="list" data-testid="gallery-voice">
            {voices.map(m => (
              <li key={m.id}>
                <VoiceNote model={model} m={m} info={parley.media.info(m)!} />
                <span class="note">{who(m)}, {formatDay(m.timestamp)}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      {viewing != null && viewing >= 0 && (
        <Lightbox model={model} items={ordered} start={viewing} onClose={() => setViewing(undefined)} onForward={m => { setViewing(undefined); setForwarding(m) }} />
      )}
      {forwarding != null && <ForwardDialog model={model} message={forwarding} onClose={() => setForwarding(undefined)} />}
    </section>
  )
}
