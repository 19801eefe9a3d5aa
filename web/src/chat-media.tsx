// A chat's media around its messages (1:1 and group alike): files picked, dropped on the chat or pasted into the composer go through the preview dialog and are sent; voice notes; the viewer of the chat's photos and videos; forwarding; and the file part of each bubble. Knows nothing of how the chat loads its messages.
import { useRef, useState } from 'preact/hooks'
import type { StoredMessage } from '../../src/browser.js'
import type { AppModel } from './model.js'
import { describe } from './errors.js'
import { cleanName, kindOfFile, photoName, prepareDocument, preparePhoto, prepareVideo, prepareVoice, type PhotoSize } from './media-prepare.js'
import { SendMediaDialog, type Picked } from './media-send.js'
import { Lightbox } from './lightbox.js'
import { ForwardDialog } from './forward-dialog.js'
import { MessageMedia } from './media-bubble.js'
import { ForwardIcon } from './media-icons.js'

/** Errors that mean the person stopped it: nothing to say. */
const STOPPED = new Set(['TransferCancelledError', 'AbortError'])

/** Whether a drag carries files (not text or a link from the page). */
function carriesFiles (e: DragEvent): boolean {
  return [...(e.dataTransfer?.types ?? [])].includes('Files')
}

export interface ChatMedia {
  /** files from the attach menu: to the preview dialog */
  pick: (files: File[], asDocument: boolean) => void
  /** a recorded voice note: sent at once */
  sendVoice: (recording: Blob, ms: number) => void
  /** the chat's drag-and-drop handlers */
  drop: {
    onDragEnter: (e: DragEvent) => void
    onDragOver: (e: DragEvent) => void
    onDragLeave: (e: DragEvent) => void
    onDrop: (e: DragEvent) => void
  }
  /** the composer's paste handler: an image (or any file) pasted goes to the preview dialog */
  onPaste: (e: ClipboardEvent) => void
  forward: (m: StoredMessage) => void
  /** the file part of a bubble, or nothing for a text */
  part: (m: StoredMessage) => preact.JSX.Element | null
  /** the drop overlay and the dialogs, rendered inside the chat */
  layers: preact.JSX.Element
}

export function useChatMedia (model: AppModel, conversation: string, messages: StoredMessage[], onError: (text: string) => void): ChatMedia {
  const media = model.media
  const [picked, setPicked] = useState<Picked[] | undefined>()
  const [dragging, setDragging] = useState(false)
  const [viewing, setViewing] = useState<{ items: StoredMessage[], start: number } | undefined>()
  const [forwarding, setForwarding] = useState<StoredMessage | undefined>()
  const depth = useRef(0)

  const report = (err: unknown): void => {
    if (!STOPPED.has((err as Error)?.name)) onError(describe(err))
  }

  const pick = (files: File[], asDocument: boolean): void => {
    if (files.length > 0) setPicked(files.map(file => ({ file, asDocument })))
  }

  const sendFiles = (items: Array<Picked & { caption: string }>, size: PhotoSize): void => {
    setPicked(undefined)
    for (const { file, asDocument, caption } of items) {
      const kind = asDocument ? 'document' : kindOfFile(file)
      const prepare = kind === 'photo' ? async () => await preparePhoto(file, size) : kind === 'video' ? async () => await prepareVideo(file) : async () => prepareDocument(file)
      const name = kind === 'photo' ? photoName(file.name) : cleanName(file.name, 'file')
      media.send(conversation, caption, { name, kind, size: file.size, ...(kind === 'photo' ? { preview: file } : {}) }, prepare).catch(report)
    }
  }

  const sendVoice = (recording: Blob, ms: number): void => {
    media.send(conversation, '', { name: 'voice.webm', kind: 'voice', size: recording.size }, async () => await prepareVoice(recording, ms)).catch(report)
  }

  const open = (m: StoredMessage): void => {
    const items = messages.filter(x => {
      const kind = x.attachment != null ? model.parley.media.info(x)?.kind : undefined
      return kind === 'photo' || kind === 'video'
    })
    setViewing({ items, start: Math.max(0, items.findIndex(x => x.id === m.id)) })
  }

  const part = (m: StoredMessage): preact.JSX.Element | null => {
    if (m.attachment == null) return null
    const info = model.parley.media.info(m)
    if (info == null) return <p class="note" data-testid="media-damaged">This attachment is damaged and cannot be opened.</p>
    return <MessageMedia model={model} m={m} info={info} onOpen={() => open(m)} />
  }

  return {
    pick,
    sendVoice,
    drop: {
      onDragEnter: e => {
        if (!carriesFiles(e)) return
        e.preventDefault()
        depth.current++
        setDragging(true)
      },
      onDragOver: e => {
        if (!carriesFiles(e)) return
        e.preventDefault()
        if (e.dataTransfer != null) e.dataTransfer.dropEffect = 'copy'
      },
      onDragLeave: e => {
        if (!carriesFiles(e)) return
        depth.current = Math.max(0, depth.current - 1)
        if (depth.current === 0) setDragging(false)
      },
      onDrop: e => {
        if (!carriesFiles(e)) return
        e.preventDefault()
        depth.current = 0
        setDragging(false)
        pick([...(e.dataTransfer?.files ?? [])], false)
      }
    },
    onPaste: e => {
      const files = [...(e.clipboardData?.files ?? [])]
      // a copied text that comes with a picture of itself (office programs) pastes as text
      if (files.length === 0 || e.clipboardData?.types.includes('text/plain') === true) return
      e.preventDefault()
      pick(files, false)
    },
    forward: setForwarding,
    part,
    layers: (
      <>
        {dragging && <div class="drop-overlay" data-testid="drop-overlay" aria-hidden="true"><span>Drop files here to send them</span></div>}
        {picked != null && <SendMediaDialog picked={picked} onSend={sendFiles} onClose={() => setPicked(undefined)} />}
        {viewing != null && (
          <Lightbox model={model} items={viewing.items} start={viewing.start} onClose={() => setViewing(undefined)}
            onForward={m => { setViewing(undefined); setForwarding(m) }} />
        )}
        {forwarding != null && <ForwardDialog model={model} message={forwarding} onClose={() => setForwarding(undefined)} />}
      </>
    )
  }
}

/** The Forward action beside a bubble with a file. */
export function ForwardButton ({ onClick }: { onClick: () => void }) {
  return <button type="button" class="icon" data-testid="message-forward" aria-label="Forward" title="Forward" aria-haspopup="dialog" onClick={onClick}><ForwardIcon /></button>
}
