// The web client's media state around `parley.media`: transfer progress from the SDK's events, files sent from this tab while they are prepared and copied in (before the SDK has an upload for them), object URLs of files, thumbnails and placeholders, and the messages our sends and forwards made. Knows nothing of the DOM layout.
import { thumbHashToDataURL } from 'thumbhash'
import { groupConversation, profileMediaFiles, type AttachmentInfo, type AttachmentKind, type BrowserMediaFiles, type MediaProgress, type Parley, type SendFileOptions, type StoredMessage } from '../../src/browser.js'

/** What a file becomes before it is sent: its bytes (re-encoded for a photo) and the preview fields the message carries. */
export interface PreparedFile extends Pick<SendFileOptions, 'thumbnail' | 'placeholder' | 'width' | 'height' | 'durationMs' | 'waveform'> {
  file: Blob
  name: string
  mime: string
  kind: AttachmentKind
}

/** A file this tab is sending that the SDK has no upload for yet: being prepared, copied into the profile's files, or its number looked up. */
export interface LocalSend {
  key: string
  conversation: string
  name: string
  kind: AttachmentKind
  size: number
  caption: string
  /** an object URL of what the person picked (photos, videos' posters): the bubble's picture until the message is there */
  previewUrl?: string
  /** bytes copied into the profile's files so far */
  copied: number
  startedAt: number
  controller: AbortController
}

/** A file the SDK is uploading (`media.uploads`), as a chat shows it. */
export interface UploadView {
  id: string
  conversation: string
  name: string
  kind: AttachmentKind
  size: number
  caption: string
  state: 'uploading' | 'uploaded' | 'done' | 'failed' | 'cancelled'
  createdAt: number
}

/** What a chat shows instead of an empty caption, in the chat list and notifications. */
export const KIND_LABEL: Record<AttachmentKind, string> = { photo: '📷 Photo', video: '🎥 Video', voice: '🎤 Voice message', document: '📄 Document' }

const GROUP_PREFIX = groupConversation(new Uint8Array(32)).slice(0, -64)

let localKeys = 0

export class MediaState {
  /** the profile's file store (OPFS): copies of picked files, downloads */
  readonly files: BrowserMediaFiles
  /** the last progress of each running transfer, by message id */
  readonly progress = new Map<string, MediaProgress>()
  /** files being sent from this tab before the SDK has their upload, by conversation */
  readonly local = new Map<string, LocalSend[]>()
  /** counts changes, so a view can tell it should read the SDK's state again */
  version = 0
  /** counts changes of the lists of unsent files (an upload started, ended, or a send of this tab began or ended) */
  uploadsVersion = 0
  private readonly ended = new Map<string, number>()
  /** bumped when files went (freed): every bubble reads its file's state again */
  private epoch = 0
  private readonly urls = new Map<string, Promise<string>>()
  private readonly thumbs = new Map<string, string>()
  private readonly placeholders = new Map<string, string>()
  /** upload id → the preview URL of the local send it came from */
  private readonly uploadPreviews = new Map<string, string>()
  private readonly lastKinds = new Map<string, { id: string, kind?: AttachmentKind }>()
  private readonly listeners = new Set<() => void>()
  private readonly messageListeners = new Set<(m: StoredMessage) => void>()

  /** `app.changed`: the model re-renders; `app.refresh`: the chat list is read again (a message was added) */
  constructor (private readonly parley: Parley, profile: string, private readonly app: { changed: () => void, refresh: () => void }) {
    this.files = profileMediaFiles(profile)
  }

  /** Follows the SDK's transfers: progress, and the end of each (an upload that ended well made its message). */
  start (): void {
    this.parley.media.on('media-progress', p => {
      // an upload's first progress: its record exists, the chat lists it
      if (p.direction === 'upload' && !this.progress.has(p.id)) this.uploadsVersion++
      this.progress.set(p.id, p)
      this.changed()
    })
    this.parley.media.on('media', e => {
      this.progress.delete(e.id)
      this.ended.set(e.id, (this.ended.get(e.id) ?? 0) + 1)
      if (e.direction === 'upload') this.uploadsVersion++
      this.changed()
      if (e.direction === 'upload' && e.state === 'done') {
        // the message is in history now (also for an upload resumed after a reload, which no promise of ours awaits)
        void this.parley.media.find(e.id).then(m => { if (m != null) this.announce(m) }, () => {})
        this.app.refresh()
      }
    })
  }

  subscribe (listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Messages our sends and forwards made (the open chat merges them; the list is refreshed). */
  onMessage (listener: (m: StoredMessage) => void): () => void {
    this.messageListeners.add(listener)
    return () => this.messageListeners.delete(listener)
  }

  private changed (): void {
    this.version++
    for (const l of [...this.listeners]) l()
  }

  private bumpUploads (): void {
    this.uploadsVersion++
    this.changed()
  }

  private announce (m: StoredMessage): void {
    for (const l of [...this.messageListeners]) l(m)
  }

  /** How many transfers of this message ended so far: a view reads the file's state again when it changes. */
  revision (id: string): number {
    return (this.ended.get(id) ?? 0) + this.epoch
  }

  /** An object URL of a file of ours (to show, play or save it); one per file for the page's life. */
  async url (ref: string): Promise<string> {
    let url = this.urls.get(ref)
    if (url == null) {
      url = this.files.blob(ref).then(blob => URL.createObjectURL(blob))
      this.urls.set(ref, url)
      url.catch(() => this.urls.delete(ref))
    }
    return await url
  }

  /** The message's thumbnail (a small JPEG it carries) as an object URL. */
  thumbnailUrl (id: string, info: AttachmentInfo): string | undefined {
    if (info.thumbnail == null) return undefined
    let url = this.thumbs.get(id)
    if (url == null) {
      url = URL.createObjectURL(new Blob([info.thumbnail as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }))
      this.thumbs.set(id, url)
    }
    return url
  }

  /** The message's ThumbHash drawn as a tiny PNG data URL (the blur shown before anything else). */
  placeholderUrl (id: string, info: AttachmentInfo): string | undefined {
    if (info.placeholder == null) return undefined
    let url = this.placeholders.get(id)
    if (url == null) {
      try {
        url = thumbHashToDataURL(info.placeholder)
      } catch {
        return undefined
      }
      this.placeholders.set(id, url)
    }
    return url
  }

  /** What the SDK knows of a message's file here: its ref when it is on this device, else whether it is being fetched. */
  async fileOf (m: StoredMessage): Promise<{ state: 'remote' | 'downloading' | 'done' | 'failed' | 'cancelled', ref?: string, error?: string }> {
    const media = this.parley.media
    const own = await media.file(m.conversation, m.id)
    if (own != null) return { state: 'done', ref: own }
    return await media.state(m.conversation, m.id)
  }

  /** Fetches a message's file (the bubble follows through progress events); rejects with the SDK's error. */
  async download (m: StoredMessage): Promise<string> {
    this.changed()
    return await this.parley.media.download(m.conversation, m.id)
  }

  /**
   * Sends a file to a number or a group (`group:<hex>`): `prepare` makes its bytes and preview, then the bytes are
   * copied into the profile's files and handed to the SDK, which uploads them and then sends the message. The chat
   * shows it meanwhile (`local`, then the SDK's upload). Resolves with the message; rejects with the SDK's error
   * (after removing the copy when the SDK kept no upload of it).
   */
  async send (conversation: string, caption: string, shown: { name: string, kind: AttachmentKind, size: number, preview?: Blob }, prepare: () => Promise<PreparedFile>): Promise<StoredMessage> {
    const item: LocalSend = {
      key: `send-${++localKeys}`,
      conversation,
      caption,
      name: shown.name,
      kind: shown.kind,
      size: shown.size,
      ...(shown.preview != null ? { previewUrl: URL.createObjectURL(shown.preview) } : {}),
      copied: 0,
      startedAt: Date.now(),
      controller: new AbortController()
    }
    this.local.set(conversation, [...(this.local.get(conversation) ?? []), item])
    this.bumpUploads()
    const signal = item.controller.signal
    let ref: string | undefined
    try {
      const p = await prepare()
      signal.throwIfAborted()
      // what the SDK's upload will be named and weigh: how the chat tells it is this one
      item.name = p.name
      item.size = p.file.size
      this.changed()
      ref = await this.files.keep(p.file, p.name, {
        signal,
        onProgress: bytes => {
          item.copied = bytes
          this.changed()
        }
      })
      const options: SendFileOptions = {
        kind: p.kind,
        name: p.name,
        mime: p.mime,
        caption,
        kept: true,
        signal,
        ...(p.thumbnail != null ? { thumbnail: p.thumbnail } : {}),
        ...(p.placeholder != null ? { placeholder: p.placeholder } : {}),
        ...(p.width != null ? { width: p.width } : {}),
        ...(p.height != null ? { height: p.height } : {}),
        ...(p.durationMs != null ? { durationMs: p.durationMs } : {}),
        ...(p.waveform != null ? { waveform: p.waveform } : {})
      }
      const kept = ref
      // the SDK writes its upload record before the first byte leaves: from then on the chat shows that instead
      const sending = conversation.startsWith(GROUP_PREFIX)
        ? this.parley.media.sendToGroup(conversation.slice(GROUP_PREFIX.length), kept, options)
        : this.parley.sendFile(conversation, kept, options)
      const m = await sending
      this.announce(m)
      return m
    } catch (err) {
      // no upload of it was kept (the number is not on Parley, the file could not be read…): nothing will use the copy
      if (ref != null && !(await this.parley.media.uploads(conversation).catch(() => [])).some(u => u.name === item.name && u.createdAt >= item.startedAt)) {
        await this.files.remove(ref).catch(() => {})
      }
      throw err
    } finally {
      this.local.set(conversation, (this.local.get(conversation) ?? []).filter(x => x !== item))
      for (const [id, url] of this.uploadPreviews) if (url === item.previewUrl) this.uploadPreviews.delete(id)
      if (item.previewUrl != null) URL.revokeObjectURL(item.previewUrl)
      this.bumpUploads()
    }
  }

  /** Cancels a running upload or download of the SDK. */
  cancel (id: string): void {
    this.parley.media.cancel(id)
  }

  /** Sends a cancelled or failed upload again (it resumes where the relay's chunks end); rejects with the SDK's error. */
  async retry (id: string): Promise<void> {
    try {
      await this.parley.media.retryUpload(id)
    } finally {
      this.bumpUploads()
    }
  }

  /** Cancels a file this tab is still preparing or copying. */
  cancelLocal (item: LocalSend): void {
    item.controller.abort()
  }

  /** The chat's unsent files: the SDK's uploads, and this tab's sends that have none yet (matched by name and size once they do). */
  async uploads (conversation: string): Promise<{ uploads: UploadView[], local: LocalSend[] }> {
    const uploads = await this.parley.media.uploads(conversation)
    const local = (this.local.get(conversation) ?? []).filter(l => {
      const u = uploads.find(u => u.name === l.name && u.size === l.size && u.createdAt >= l.startedAt - 1000)
      if (u != null && l.previewUrl != null) this.uploadPreviews.set(u.id, l.previewUrl)
      return u == null
    })
    return { uploads, local }
  }

  /** The picture an upload's bubble shows, when it was picked in this tab. */
  uploadPreview (id: string): string | undefined {
    return this.uploadPreviews.get(id)
  }

  /** Forwards a message's file to each of `targets` (numbers, `group:<hex>`) without uploading it again; resolves with how many went, and the first error. */
  async forward (m: StoredMessage, targets: string[]): Promise<{ sent: number, error?: unknown }> {
    let sent = 0
    let error: unknown
    for (const to of targets) {
      try {
        this.announce(await this.parley.media.forward(m.conversation, m.id, to))
        sent++
      } catch (err) {
        error ??= err
      }
    }
    this.app.refresh()
    return { sent, ...(error != null ? { error } : {}) }
  }

  /** Deletes a chat's files from this device (the messages stay; files can be fetched again while the relays keep them). */
  async free (conversation: string): Promise<{ files: number, bytes: number }> {
    const freed = await this.parley.media.free(conversation)
    // the URLs may point at files that are gone: the bubbles read their state again
    for (const url of this.urls.values()) void url.then(u => URL.revokeObjectURL(u), () => {})
    this.urls.clear()
    this.epoch++
    this.changed()
    return freed
  }

  /**
   * The kind of file a chat's last message carries when it has no caption, for the chat list ("📷 Photo"); the first
   * call for a new last message reads it from history and re-renders.
   */
  lastKind (address: string, last: { id: string, text: string }): AttachmentKind | undefined {
    if (last.text !== '') return undefined
    const held = this.lastKinds.get(address)
    if (held?.id === last.id) return held.kind
    this.lastKinds.set(address, { id: last.id })
    const history = address.startsWith(GROUP_PREFIX)
      ? this.parley.groups.history(address.slice(GROUP_PREFIX.length), { limit: 5 })
      : this.parley.history(address, { limit: 5 })
    history.then(page => {
      const m = page.find(x => x.id === last.id)
      const kind = m != null ? this.parley.media.info(m)?.kind : undefined
      if (kind == null || this.lastKinds.get(address)?.id !== last.id) return
      this.lastKinds.set(address, { id: last.id, kind })
      this.app.changed()
    }, () => {})
    return undefined
  }

  /** Revokes every object URL (the page is going). */
  stop (): void {
    for (const url of this.urls.values()) void url.then(u => URL.revokeObjectURL(u), () => {})
    for (const url of [...this.thumbs.values(), ...this.uploadPreviews.values()]) URL.revokeObjectURL(url)
    for (const list of this.local.values()) for (const l of list) l.controller.abort()
  }
}
