/** The SDK's media (`p.media`): sends a file (sealed chunk by chunk, uploaded to our relay, resumable, then its message queued) and receives one (fetched from the sender's relays, each chunk verified as it streams, written as it is verified, resumable); progress events, auto-download, cancel. Knows no libp2p node: the relays come in through a port. */
import { fromString as fromBase64, toString as toBase64 } from 'uint8arrays'
import { fromHex, toHex } from '../crypto/bytes.js'
import { BLOB_CHUNK_BYTES, BLOB_CHUNK_OVERHEAD, BlobPlaintextReader, BlobSealer, blobChunkCipher, blobChunkCount, blobChunkPlaintextSize, blobCiphertextSize, joinParts, newBlobKey } from '../crypto/blob-cipher.js'
import { BlobChunkError, CryptoError } from '../crypto/errors.js'
import type { RandomSource } from '../crypto/deps.js'
import { Emitter } from '../messaging/emitter.js'
import type { MessageStore, StoredMessage, StoreOptions, KeyValueStore } from '../storage/index.js'
import { BlobNotFoundError, BlobQuotaError, BlobServiceError, BlobTooLargeError } from '../protocols/blob/index.js'
import { ProtocolViolationError } from '../protocols/errors.js'
import { sleep } from '../util/abort.js'
import { backoff } from '../util/backoff.js'
import { attachmentFromStored, attachmentInfo, attachmentToStored, checkPreview, previewOf, type Attachment, type AttachmentInfo, type AttachmentKind, type AttachmentPreview } from './attachment.js'
import { MAX_FILE_BYTES, MAX_FILE_NAME_CHARS } from './constants.js'
import { FileChangedError, FileExpiredError, FileIntegrityError, FileTooLargeError, InvalidAttachmentError, MediaError, MediaQuotaError, NoAttachmentError, TransferCancelledError } from './errors.js'
import { safeFileName, type MediaFiles, type MediaWriter } from './files.js'
import { Transfers, type DownloadRecord, type UploadRecord } from './transfers.js'
import type { AbortOptions } from '@libp2p/interface'

/**
 * Bytes written to a part file between syncs: a crash loses at most about this much of a download (fetched again).
 * A sync runs beside the next writes (it is awaited before the one after), so a disk's sync time (25 ms for 4 MiB
 * here) does not stall the stream; the whole file is synced before it is named.
 */
export const DOWNLOAD_SYNC_BYTES = 32 * 1024 * 1024
/**
 * Verified chunks whose part-file writes may wait while the next chunk is opened and hashed: a write (a libuv thread)
 * then overlaps the main thread's work instead of stalling it (a 256 MiB download 13 % faster, A/B). The writes still
 * run one after another in chunk order (each appends at the file's end); at most this many chunks' plaintext waits.
 */
export const DOWNLOAD_WRITES_AHEAD = 2
/** A progress event at most every this many bytes of a download (a bar moves smoothly; events stay few). */
const DOWNLOAD_PROGRESS_BYTES = 1024 * 1024
/**
 * Tries of one transfer over connection failures before it is left 'failed' for the person (or the next start) to
 * retry: with waits of 1, 2, 4, 8 and 16 s between them, a relay restarting or a network change is ridden out.
 */
export const MAX_TRANSFER_ATTEMPTS = 6
/** The first wait after a connection failure, doubled after each (at most MAX_RETRY_WAIT_MS). */
export const RETRY_MIN_MS = 1_000
const MAX_RETRY_WAIT_MS = 30_000
/** Downloads running at once (auto-downloads queue behind them). */
export const MAX_PARALLEL_DOWNLOADS = 2
/** Chunks read and sealed ahead of the one being sent: the next read and seal overlap the send (2 × 256 KiB held). */
const UPLOAD_READ_AHEAD = 2
/**
 * Read buffers an upload keeps for reuse (a chunk's plaintext is needed only until it is sealed): the chunks read
 * ahead, the one being sealed and one spare. A new 256 KiB buffer per read was a sixth of the uploader's garbage.
 */
const UPLOAD_READ_BUFFERS = UPLOAD_READ_AHEAD + 2
/** Ciphertext bytes of every chunk but the last. */
const CHUNK_CIPHERTEXT_BYTES = BLOB_CHUNK_BYTES + BLOB_CHUNK_OVERHEAD

/** The relays' blob store, one relay at a time (`/parley/blob/1.0.0`, bound to our device by the facade). Failures throw. */
export interface BlobRelays {
  upload: (relay: string, init: {
    uploadId: Uint8Array
    totalBytes: number
    chunkBytes: number
    /** chunk `index`'s ciphertext, whole or in parts (sent one after the other, never joined) */
    chunk: (index: number) => Promise<Uint8Array | Uint8Array[]>
    onProgress?: (committedChunks: number, totalChunks: number) => void
  }, options?: AbortOptions) => Promise<{ blobId: Uint8Array, expiresAt: number }>
  /** chunks with `parts` are read from them (the ciphertext in the pieces it arrived in: no copy), not from `data` */
  download: (relay: string, init: { blobId: Uint8Array, fromChunk?: number }, options?: AbortOptions) => Promise<AsyncIterable<{ index: number, data: Uint8Array, parts?: readonly Uint8Array[] }> & { close: () => Promise<void> }>
  touch: (relay: string, blobId: Uint8Array, options?: AbortOptions) => Promise<{ expiresAt: number }>
}

/** Which received files are fetched at once, without being asked. */
export interface AutoDownload {
  photo: boolean
  voice: boolean
  /** videos up to this many bytes (0: never) */
  videoBytes: number
  /** documents up to this many bytes (0: never) */
  documentBytes: number
}

/** Photos and voice notes always, videos and documents up to 16 MiB (WhatsApp's defaults on Wi-Fi are close). */
export const DEFAULT_AUTO_DOWNLOAD: AutoDownload = { photo: true, voice: true, videoBytes: 16 * 1024 * 1024, documentBytes: 16 * 1024 * 1024 }
/** Nothing fetched unless asked (a one-shot command saves files only where it is told to). */
export const NO_AUTO_DOWNLOAD: AutoDownload = { photo: false, voice: false, videoBytes: 0, documentBytes: 0 }

export interface SendFileOptions extends AbortOptions, AttachmentPreview {
  /** @default 'document' */
  kind?: AttachmentKind
  /** the name the recipient sees @default the source's last path part */
  name?: string
  /** @default 'application/octet-stream' */
  mime?: string
  caption?: string
  quoteId?: string
  /** group messages: members mentioned in the caption */
  mentions?: string[]
  /** the source is a copy in the device's own file store (a browser's `keep`): it counts in `usage` and goes with `free` */
  kept?: boolean
}

export interface MediaProgress {
  id: string
  conversation: string
  direction: 'upload' | 'download'
  /** plaintext bytes done */
  bytes: number
  total: number
}

export interface MediaEvents {
  /** a transfer moved on (at most every DOWNLOAD_SYNC_BYTES, and for each chunk the relay acknowledged) */
  'media-progress': MediaProgress
  /** a transfer ended: `ref` is the file (a path in Node) once downloaded; `error` the error class name when it failed */
  media: { id: string, conversation: string, direction: 'upload' | 'download', state: 'done' | 'failed' | 'cancelled', ref?: string, error?: string }
  error: unknown
}

export interface MediaInit {
  self: (options?: StoreOptions) => Promise<{ phone: string, mailboxRelays: string[] } | undefined>
  relays: BlobRelays
  files: MediaFiles
  kv: KeyValueStore
  messages: MessageStore
  /** queues the 1:1 message that carries the attachment (messaging's send) */
  sendDirect: (to: string, text: string, options: StoreOptions & { attachment: Uint8Array, id: string, quoteId?: string }) => Promise<StoredMessage>
  /**
   * the checks the message will meet, made before anything is uploaded (not on Parley, a key to accept, not a member,
   * only admins send): the person hears it at once, not after a long upload
   */
  checkSend?: (to: string, options?: AbortOptions) => Promise<void>
  /** sends the group message that carries the attachment (groups' send) */
  sendGroup?: (group: string, text: string, options: StoreOptions & { attachment: Uint8Array, id: string, quoteId?: string, mentions?: string[] }) => Promise<StoredMessage>
  random: RandomSource
  now: () => number
  /** which received files download at once @default DEFAULT_AUTO_DOWNLOAD */
  autoDownload?: AutoDownload
  /** the first wait before a transfer is tried again after a connection failure @default RETRY_MIN_MS */
  retryMinMs?: number
}

const GROUP_PREFIX = 'group:'
/** The abort reason of a transfer stopped with the app (`stop()`): it stays as it was and goes on at the next start (told apart by identity, not by text). */
const STOPPED = new TransferCancelledError('stopped')
const newMessageId = (random: RandomSource): string => toHex(random(16))

/** Errors another try may not see: a connection lost, a relay restarting. What a relay or the file said for certain is final. */
function transient (err: unknown): boolean {
  return !(err instanceof MediaError || err instanceof BlobServiceError || err instanceof CryptoError || err instanceof ProtocolViolationError)
}

/** The relay errors a person can act on, in the media layer's words. */
function personError (err: unknown): unknown {
  if (err instanceof BlobQuotaError) return err.relayFull ? new MediaQuotaError('Your relay is full right now. Try again later, or add another relay in Settings.') : new MediaQuotaError()
  if (err instanceof BlobTooLargeError) return new FileTooLargeError()
  return err
}

export class Media extends Emitter<MediaEvents> {
  private readonly transfers: Transfers
  private readonly running = new Map<string, { controller: AbortController, done: Promise<unknown> }>()
  private readonly queue: Array<{ conversation: string, id: string }> = []
  private active = 0
  private started = false
  autoDownload: AutoDownload

  constructor (private readonly init: MediaInit) {
    super()
    this.transfers = new Transfers(init.kv)
    this.autoDownload = init.autoDownload ?? DEFAULT_AUTO_DOWNLOAD
  }

  /** Resumes what a stop or a crash interrupted: uploads (then their messages) and downloads. */
  async start (options?: StoreOptions): Promise<void> {
    if (this.started) return
    this.started = true
    const saved = await this.init.kv.get('settings/auto-download', options)
    if (saved != null) {
      try {
        this.autoDownload = { ...this.autoDownload, ...JSON.parse(new TextDecoder().decode(saved)) as Partial<AutoDownload> }
      } catch {
        // an unreadable setting: the default stays
      }
    }
    for (const u of await this.transfers.uploads(options)) {
      if (u.state === 'uploading' || u.state === 'uploaded') this.track(u.id, async signal => await this.runUpload(u.id, { signal })).catch(() => {})
    }
    for (const d of await this.transfers.downloads(options)) {
      if (d.state === 'downloading') this.track(d.id, async signal => await this.runDownload(d.conversation, d.id, { signal, ...(d.dir != null ? { dir: d.dir } : {}) })).catch(() => {})
    }
  }

  /** Stops every transfer (each resumes at the next start) and waits for them to settle. */
  async stop (): Promise<void> {
    this.started = false
    this.queue.length = 0
    const running = [...this.running.values()]
    for (const r of running) r.controller.abort(STOPPED)
    await Promise.allSettled(running.map(async r => await r.done))
  }

  /** What apps see of a message's attachment (no key), or undefined when it has none or it is damaged. */
  info (m: { attachment?: string }): AttachmentInfo | undefined {
    if (m.attachment == null) return undefined
    try {
      return attachmentInfo(attachmentFromStored(m.attachment))
    } catch {
      return undefined
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // sending

  /**
   * Sends a file to a number (E.164) or a group (`group:<64 hex>`, or use sendToGroup): reads `source` (a path in
   * Node) in chunks, seals and uploads them to our first mailbox relay, then queues the message carrying the
   * attachment. Resolves with the message once the relay holds the whole file and the message is queued ('status'
   * events follow as for texts). Progress: 'media-progress' events. A stop or crash resumes the upload where the
   * relay's synced chunks end. FileTooLargeError, MediaQuotaError, InvalidAttachmentError, MediaFileMissingError.
   */
  async send (to: string, source: string, options: SendFileOptions = {}): Promise<StoredMessage> {
    const self = await this.init.self(options)
    if (self == null) throw new MediaError('Register this device before sending files.')
    const relay = self.mailboxRelays[0]
    if (relay == null) throw new MediaError('This device has no relay to keep the file at.')
    const preview: AttachmentPreview = previewOf<Uint8Array>(options)
    checkPreview(preview)
    const name = options.name ?? safeFileName(source.split(/[\\/]/).at(-1) ?? '', 'file')
    if ([...name].length > MAX_FILE_NAME_CHARS) throw new InvalidAttachmentError(`A file name is at most ${MAX_FILE_NAME_CHARS} characters.`)
    const reader = await this.init.files.open(source)
    const size = reader.size
    await reader.close()
    if (size > MAX_FILE_BYTES) throw new FileTooLargeError()
    // the same file to the same chat again while an earlier try is unfinished (a command killed and run again): that
    // upload goes on from the relay's chunks instead of starting over
    const unfinished = (await this.transfers.uploads(options)).find(u => u.state !== 'done' && u.conversation === to && u.source === source && u.size === size && u.name === name && u.caption === (options.caption ?? ''))
    if (unfinished != null && !this.running.has(unfinished.id)) return await this.retryUpload(unfinished.id, options)
    const group = to.startsWith(GROUP_PREFIX) ? to.slice(GROUP_PREFIX.length) : undefined
    if (group != null && this.init.sendGroup == null) throw new MediaError('Groups are not available here.')
    await this.init.checkSend?.(to, options)
    const record: UploadRecord = {
      id: newMessageId(this.init.random),
      conversation: to,
      ...(group != null ? { group } : {}),
      source,
      kind: options.kind ?? 'document',
      name,
      mime: options.mime ?? 'application/octet-stream',
      size,
      caption: options.caption ?? '',
      ...(options.quoteId != null ? { quoteId: options.quoteId } : {}),
      ...(options.mentions != null ? { mentions: options.mentions } : {}),
      ...(options.kept === true ? { kept: true } : {}),
      preview: previewOf(preview, b => toBase64(b, 'base64')),
      key: toHex(newBlobKey(this.init.random)),
      uploadId: toHex(this.init.random(16)),
      relay,
      state: 'uploading',
      createdAt: this.init.now()
    }
    // the attachment is checked as the message will carry it before anything is uploaded
    if (!/^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/.test(record.mime)) throw new InvalidAttachmentError('A media type is type/subtype.')
    // the key is durable before the first chunk leaves: a resumed upload seals the same bytes
    await this.transfers.putUpload(record, options)
    return await this.track(record.id, async signal => await this.runUpload(record.id, { signal, ...(options.signal != null ? { outer: options.signal } : {}) }))
  }

  /** sendFile to a group (64 hex id). */
  async sendToGroup (group: string, source: string, options: SendFileOptions = {}): Promise<StoredMessage> {
    return await this.send(`${GROUP_PREFIX}${group}`, source, options)
  }

  /** Uploads not finished yet (what a chat shows as "sending" with a progress bar), oldest first. */
  async uploads (conversation?: string, options?: StoreOptions): Promise<Array<{ id: string, conversation: string, name: string, kind: AttachmentKind, size: number, caption: string, state: UploadRecord['state'], createdAt: number }>> {
    return (await this.transfers.uploads(options))
      .filter(u => u.state !== 'done' && (conversation == null || u.conversation === conversation))
      .sort((a, b) => a.createdAt - b.createdAt)
      .map(u => ({ id: u.id, conversation: u.conversation, name: u.name, kind: u.kind, size: u.size, caption: u.caption, state: u.state, createdAt: u.createdAt }))
  }

  /** Starts a cancelled or failed upload again (it resumes where the relay's chunks end). */
  async retryUpload (id: string, options?: AbortOptions): Promise<StoredMessage> {
    const u = await this.transfers.upload(id)
    if (u == null || u.state === 'done') throw new NoAttachmentError('There is no unsent file with this id.')
    await this.transfers.putUpload({ ...u, state: u.attachment != null ? 'uploaded' : 'uploading' })
    return await this.track(id, async signal => await this.runUpload(id, { signal, ...(options?.signal != null ? { outer: options.signal } : {}) }))
  }

  private async runUpload (id: string, options: { signal: AbortSignal, outer?: AbortSignal }): Promise<StoredMessage> {
    const signal = options.outer != null ? AbortSignal.any([options.signal, options.outer]) : options.signal
    let record = await this.transfers.upload(id)
    if (record == null) throw new NoAttachmentError()
    const r = record
    try {
      if (record.state === 'uploading') {
        const uploading = record
        const attachment = await this.retrying(signal, async () => await this.upload(uploading, signal))
        record = { ...record, state: 'uploaded', attachment: attachmentToStored(attachment) }
        await this.transfers.putUpload(record)
      }
      // the message: queued once (a crash after queueing finds it in history and does not queue it twice)
      const existing = await this.init.messages.get(r.conversation, r.id)
      const message = existing ?? await this.sendMessage(record)
      await this.transfers.putUpload({ ...record, state: 'done' })
      this.emit('media', { id, conversation: r.conversation, direction: 'upload', state: 'done', ref: r.source })
      return message
    } catch (err) {
      const cancelled = signal.aborted
      const stopped = options.signal.reason === STOPPED
      if (!stopped) {
        // a stop leaves it 'uploading' for the next start; a cancel or a failure is the person's to retry; a changed
        // file cannot be resumed: its record goes, and sending it again starts a new upload
        if (err instanceof FileChangedError) await this.transfers.forget(id).catch(() => {})
        else await this.transfers.putUpload({ ...record, state: cancelled ? 'cancelled' : 'failed', error: (err as Error)?.name ?? 'Error' }).catch(() => {})
        this.emit('media', { id, conversation: r.conversation, direction: 'upload', state: cancelled ? 'cancelled' : 'failed', error: (err as Error)?.name ?? 'Error' })
      }
      if (cancelled && !(err instanceof MediaError)) throw new TransferCancelledError()
      throw personError(err)
    }
  }

  private async sendMessage (r: UploadRecord): Promise<StoredMessage> {
    const attachment = fromBase64(r.attachment!, 'base64')
    if (r.group != null) return await this.init.sendGroup!(r.group, r.caption, { attachment, id: r.id, ...(r.quoteId != null ? { quoteId: r.quoteId } : {}), ...(r.mentions != null ? { mentions: r.mentions } : {}) })
    return await this.init.sendDirect(r.conversation, r.caption, { attachment, id: r.id, ...(r.quoteId != null ? { quoteId: r.quoteId } : {}) })
  }

  /** Seals the file chunk by chunk and uploads it from where the relay's synced chunks end; the attachment it makes. */
  private async upload (r: UploadRecord, signal: AbortSignal): Promise<Attachment> {
    const key = fromHex(r.key)
    const reader = await this.init.files.open(r.source)
    try {
      if (reader.size !== r.size) throw new FileChangedError()
      const sealer = new BlobSealer(key, r.size)
      // a chunk asked for again (the protocol re-reads what the relay held before, to check the blob id): sealed
      // again alone, to the same bytes (the key and the chunk's place fix them)
      const again = blobChunkCipher(key)
      const chunks = blobChunkCount(r.size)
      const totalBytes = blobCiphertextSize(r.size)
      /** chunks whose sealing has started (they are sealed in this order) */
      let next = 0
      let tail: Promise<unknown> = Promise.resolve()
      /** chunks read and sealed ahead of the protocol's asking, so the disk read and the sealing overlap the sending */
      const ahead = new Map<number, Promise<Uint8Array[]>>()
      /** read buffers whose chunk is sealed: the next reads go into them */
      const free: Uint8Array[] = []
      // sealed into parts (ciphertext, tag) that go out as they are: no chunk-sized join
      const start = (i: number): Promise<Uint8Array[]> => {
        const buffer = free.pop() ?? new Uint8Array(BLOB_CHUNK_BYTES)
        const plain = reader.read(i * BLOB_CHUNK_BYTES, BLOB_CHUNK_BYTES, buffer)
        const sealed = Promise.all([plain, tail]).then(async ([bytes]) => await sealer.sealParts(i, bytes))
        tail = sealed.then(() => {
          if (free.length < UPLOAD_READ_BUFFERS) free.push(buffer)
        }, () => {})
        next++
        return sealed
      }
      const fill = (i: number): void => {
        while (next <= i + UPLOAD_READ_AHEAD && next < chunks) {
          const sealed = start(next)
          sealed.catch(() => {})
          ahead.set(next - 1, sealed)
        }
      }
      const sealedChunk = async (i: number): Promise<Uint8Array | Uint8Array[]> => {
        const held = ahead.get(i)
        if (held != null) {
          ahead.delete(i)
          fill(i)
          return await held
        }
        // asked again (the protocol re-reads what the relay held before, to check the blob id)
        if (i < next) return await again.seal(i, await reader.read(i * BLOB_CHUNK_BYTES, BLOB_CHUNK_BYTES), i === chunks - 1)
        // a resumed upload's prefix: sealed one at a time, only for the plaintext's hash
        while (next < i) await start(next)
        const sealed = start(i)
        fill(i)
        return await sealed
      }
      let blobId: Uint8Array
      try {
        ({ blobId } = await this.init.relays.upload(r.relay, {
          uploadId: fromHex(r.uploadId),
          totalBytes,
          chunkBytes: CHUNK_CIPHERTEXT_BYTES,
          chunk: async i => {
            signal.throwIfAborted()
            return await sealedChunk(i)
          },
          onProgress: committed => {
            this.emit('media-progress', { id: r.id, conversation: r.conversation, direction: 'upload', bytes: Math.min(r.size, committed * BLOB_CHUNK_BYTES), total: r.size })
          }
        }, { signal }))
      } catch (err) {
        // the blob id the relay built from what it holds is not the chunks' own: the file changed between two tries
        // (or the relay kept something else); this upload cannot be finished, a new one must start
        if (err instanceof ProtocolViolationError) throw new FileChangedError()
        throw err
      }
      // the relay had it all already (its last answer was lost): seal the rest for the plaintext's hash
      while (next < chunks) await start(next)
      await tail
      const p = r.preview
      return {
        kind: r.kind,
        blobId,
        key,
        size: r.size,
        sha256: await sealer.finish(),
        mime: r.mime,
        name: r.name,
        relays: [r.relay],
        ...previewOf(p, s => fromBase64(s, 'base64'))
      }
    } finally {
      await reader.close()
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // receiving

  /** A message arrived (or was sent from another of our devices): its file is fetched now when the auto-download settings say so. */
  noteMessage (m: { conversation: string, id: string, attachment?: string }): void {
    const info = this.info(m)
    if (info == null || !this.wanted(info)) return
    this.queue.push({ conversation: m.conversation, id: m.id })
    this.pump()
  }

  private wanted (a: AttachmentInfo): boolean {
    const p = this.autoDownload
    switch (a.kind) {
      case 'photo': return p.photo
      case 'voice': return p.voice
      case 'video': return a.size <= p.videoBytes
      case 'document': return a.size <= p.documentBytes
    }
  }

  private pump (): void {
    while (this.active < MAX_PARALLEL_DOWNLOADS && this.queue.length > 0) {
      const next = this.queue.shift()!
      this.active++
      this.download(next.conversation, next.id)
        .catch(() => {})
        .finally(() => {
          this.active--
          this.pump()
        })
    }
  }

  /** The message with this id that carries a file, in any conversation (1:1 or group), or undefined. */
  async find (id: string, options?: StoreOptions): Promise<StoredMessage | undefined> {
    if (!/^[0-9a-f]{32}$/.test(id)) return undefined
    for (const c of await this.init.messages.conversations(options)) {
      const m = await this.init.messages.get(c.address, id, options)
      if (m?.attachment != null) return m
    }
    return undefined
  }

  /** Where a message's file is on this device (a path in Node), once downloaded or when we sent it. */
  async file (conversation: string, id: string, options?: StoreOptions): Promise<string | undefined> {
    const d = await this.transfers.download(id, options)
    if (d?.state === 'done' && d.conversation === conversation) return d.ref
    const u = await this.transfers.upload(id, options)
    if (u?.state === 'done' && u.conversation === conversation) return u.source
    return undefined
  }

  /** The state of a message's file here: not fetched, being fetched, fetched (with its ref), failed or cancelled. */
  async state (conversation: string, id: string, options?: StoreOptions): Promise<{ state: 'remote' | DownloadRecord['state'], ref?: string, error?: string }> {
    const d = await this.transfers.download(id, options)
    if (d == null || d.conversation !== conversation) return { state: 'remote' }
    return { state: d.state, ...(d.state === 'done' && d.ref != null ? { ref: d.ref } : {}), ...(d.error != null ? { error: d.error } : {}) }
  }

  /**
   * Fetches a message's file (resuming a part file an earlier try left) into `dir` (or the platform's media folder),
   * verifying each chunk as it streams and the whole file's SHA-256 at the end; resolves with its ref (a path in
   * Node). NoAttachmentError, FileExpiredError (no relay has it), FileIntegrityError (no relay gave the right bytes).
   */
  async download (conversation: string, id: string, options: AbortOptions & { dir?: string } = {}): Promise<string> {
    const held = this.running.get(id)
    if (held != null) {
      await held.done.catch(() => {})
      const done = await this.file(conversation, id)
      if (done != null) return done
    }
    const d = await this.transfers.download(id)
    if (d?.state === 'done' && d.ref != null && d.conversation === conversation && (options.dir == null || d.dir === options.dir)) return d.ref
    return await this.track(id, async signal => await this.runDownload(conversation, id, { signal, ...(options.signal != null ? { outer: options.signal } : {}), ...(options.dir != null ? { dir: options.dir } : {}) }))
  }

  private async runDownload (conversation: string, id: string, options: { signal: AbortSignal, outer?: AbortSignal, dir?: string }): Promise<string> {
    const signal = options.outer != null ? AbortSignal.any([options.signal, options.outer]) : options.signal
    const m = await this.init.messages.get(conversation, id)
    if (m?.attachment == null) throw new NoAttachmentError()
    const a = attachmentFromStored(m.attachment)
    const record: DownloadRecord = { id, conversation, state: 'downloading', updatedAt: this.init.now(), ...(options.dir != null ? { dir: options.dir } : {}) }
    await this.transfers.putDownload(record)
    const { ref: partRef, writer } = await this.init.files.part(id, options.dir != null ? { dir: options.dir } : {})
    try {
      await this.retrying(signal, async () => { await this.fetch(a, conversation, id, partRef, writer, signal) })
      await writer.close()
      const ref = await this.init.files.commit(partRef, safeFileName(a.name, `${id}${extensionOf(a.mime)}`))
      await this.transfers.putDownload({ ...record, state: 'done', ref, updatedAt: this.init.now() })
      this.emit('media', { id, conversation, direction: 'download', state: 'done', ref })
      return ref
    } catch (err) {
      await writer.close().catch(() => {})
      const stopped = options.signal.reason === STOPPED
      if (!stopped) {
        const cancelled = signal.aborted
        // a file that is not the one the message names is removed; a cut transfer keeps its verified part for a retry
        if (err instanceof FileIntegrityError) await this.init.files.remove(partRef).catch(() => {})
        const state = cancelled ? 'cancelled' : 'failed'
        await this.transfers.putDownload({ ...record, state, updatedAt: this.init.now(), error: (err as Error)?.name ?? 'Error' }).catch(() => {})
        this.emit('media', { id, conversation, direction: 'download', state, error: (err as Error)?.name ?? 'Error' })
        if (cancelled && !(err instanceof MediaError)) throw new TransferCancelledError()
      }
      throw err
    }
  }

  /** Fills the part file from where its verified bytes end, from the sender's relays in turn. */
  private async fetch (a: Attachment, conversation: string, id: string, partRef: string, writer: MediaWriter, signal: AbortSignal): Promise<void> {
    const chunks = blobChunkCount(a.size)
    const reader = new BlobPlaintextReader(a.key, a.size)
    // what an earlier try wrote was verified before it was written; a chunk cut short by a crash is fetched again
    // (an empty file is one empty chunk, always fetched: it proves the file ends there)
    let have = a.size > 0 && writer.size >= a.size ? chunks : Math.floor(writer.size / BLOB_CHUNK_BYTES)
    const keep = Math.min(a.size, have * BLOB_CHUNK_BYTES)
    if (writer.size !== keep) await writer.truncate(keep)
    if (keep > 0) {
      const part = await this.init.files.open(partRef)
      try {
        for (let at = 0; at < keep; at += BLOB_CHUNK_BYTES) reader.resumePrefix(await part.read(at, Math.min(BLOB_CHUNK_BYTES, keep - at)))
      } finally {
        await part.close()
      }
    }
    let unsynced = 0
    let unreported = 0
    /** the sync running beside the writes, if any */
    let syncing: Promise<void> = Promise.resolve()
    /** the part file's writes, one after another in chunk order; once one fails, it and every later one reject */
    let written: Promise<void> = Promise.resolve()
    /** writes queued and not yet waited for, oldest first */
    const queued: Array<Promise<void>> = []
    const append = (plain: Uint8Array[]): void => {
      const w = written.then(async () => {
        if (writer.appendParts != null) await writer.appendParts(plain)
        else await writer.append(joinParts(plain))
      })
      // a failure is thrown where the writes are waited for, never left unhandled meanwhile
      w.catch(() => {})
      written = w
      queued.push(w)
    }
    /** Every queued write done: `have` chunks are in the part file (a failed write throws, here, not as a relay's error). */
    const drain = async (): Promise<void> => {
      queued.length = 0
      await written
    }
    let lastError: unknown
    try {
      for (const relay of a.relays) {
        await drain()
        if (have >= chunks) break
        signal.throwIfAborted()
        let stream: Awaited<ReturnType<BlobRelays['download']>>
        try {
          stream = await this.init.relays.download(relay, { blobId: a.blobId, fromChunk: have }, { signal })
        } catch (err) {
          if (signal.aborted) throw err
          lastError = err
          continue
        }
        try {
          for await (const chunk of stream) {
            signal.throwIfAborted()
            const index = chunk.index
            if (index !== have) throw new BlobChunkError('a chunk out of order')
            // opened from the pieces it came in and written as pieces: no chunk-sized copy on the way
            append(await reader.pushParts(index, chunk.parts ?? [chunk.data]))
            const length = blobChunkPlaintextSize(a.size, index)
            have++
            unsynced += length
            unreported += length
            if (queued.length > DOWNLOAD_WRITES_AHEAD) await queued.shift()
            if (unsynced >= DOWNLOAD_SYNC_BYTES) {
              await syncing
              syncing = writer.sync()
              unsynced = 0
            }
            if (unreported >= DOWNLOAD_PROGRESS_BYTES || have === chunks) {
              unreported = 0
              // verified bytes: the part file holds them once the writes queued behind them are done
              this.emit('media-progress', { id, conversation, direction: 'download', bytes: Math.min(a.size, have * BLOB_CHUNK_BYTES), total: a.size })
            }
            if (have === chunks) break
          }
          // the relay ended the file early: what it holds is not the whole file
          if (have < chunks) throw new BlobChunkError('the relay ended the file early')
        } catch (err) {
          if (signal.aborted) throw err
          lastError = err
        } finally {
          await stream.close().catch(() => {})
        }
      }
      await drain()
    } finally {
      // no write outlives this call (a cancel included): the part file is what the next try resumes from
      await written.catch(() => {})
    }
    await syncing
    if (have < chunks) {
      await writer.sync()
      if (lastError instanceof BlobNotFoundError) throw new FileExpiredError()
      if (lastError instanceof BlobChunkError) throw new FileIntegrityError()
      throw lastError ?? new FileExpiredError()
    }
    try {
      await reader.finish(a.sha256)
    } catch (err) {
      if (err instanceof BlobChunkError) throw new FileIntegrityError()
      throw err
    }
    await writer.sync()
  }

  /** Runs `run` again after a connection failure (waiting longer each time), at most MAX_TRANSFER_ATTEMPTS times. */
  private async retrying<T> (signal: AbortSignal, run: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await run()
      } catch (err) {
        if (signal.aborted || !transient(err) || attempt + 1 >= MAX_TRANSFER_ATTEMPTS) throw err
        await sleep(backoff(attempt, { minMs: this.init.retryMinMs ?? RETRY_MIN_MS, maxMs: MAX_RETRY_WAIT_MS }), { signal })
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // forwarding, settings, space

  /**
   * Forwards a message's file to a number or a group (`group:<64 hex>`) without uploading it again: the same blob and
   * key, its life at the relays extended (touch), in a new message with `caption` (default: none). FileExpiredError when
   * no relay has it any more (it must then be sent again from a copy).
   */
  async forward (conversation: string, id: string, to: string, options: AbortOptions & { caption?: string } = {}): Promise<StoredMessage> {
    const m = await this.init.messages.get(conversation, id)
    if (m?.attachment == null) throw new NoAttachmentError()
    const a = attachmentFromStored(m.attachment)
    let touched = false
    for (const relay of a.relays) {
      try {
        await this.init.relays.touch(relay, a.blobId, options)
        touched = true
      } catch (err) {
        if (options.signal?.aborted === true) throw err
      }
    }
    if (!touched) throw new FileExpiredError()
    const newId = newMessageId(this.init.random)
    const attachment = fromBase64(m.attachment, 'base64')
    const caption = options.caption ?? ''
    const sent = to.startsWith(GROUP_PREFIX)
      ? await (this.init.sendGroup ?? (() => { throw new MediaError('Groups are not available here.') }))(to.slice(GROUP_PREFIX.length), caption, { attachment, id: newId })
      : await this.init.sendDirect(to, caption, { attachment, id: newId })
    // the file we hold for the original is the forwarded message's too
    const local = await this.file(conversation, id)
    if (local != null) await this.transfers.putDownload({ id: newId, conversation: to, state: 'done', ref: local, updatedAt: this.init.now(), shared: true })
    return sent
  }

  /** Changes which received files download at once (kept across restarts). */
  async setAutoDownload (policy: AutoDownload, options?: StoreOptions): Promise<void> {
    this.autoDownload = { ...policy }
    await this.init.kv.put('settings/auto-download', new TextEncoder().encode(JSON.stringify(this.autoDownload)), { ...options, sync: true })
  }

  /** Bytes of the files on this device for a conversation (or all), those received and those we sent from our store. */
  async usage (conversation?: string, options?: StoreOptions): Promise<{ files: number, bytes: number }> {
    let files = 0
    let bytes = 0
    const seen = new Set<string>()
    const count = async (ref: string): Promise<void> => {
      if (seen.has(ref)) return
      seen.add(ref)
      try {
        const r = await this.init.files.open(ref)
        bytes += r.size
        files++
        await r.close()
      } catch {
        // gone already
      }
    }
    for (const d of await this.transfers.downloads(options)) if (d.state === 'done' && d.ref != null && (conversation == null || d.conversation === conversation)) await count(d.ref)
    for (const u of await this.transfers.uploads(options)) if (u.kept === true && (conversation == null || u.conversation === conversation)) await count(u.source)
    return { files, bytes }
  }

  /**
   * Frees the space a conversation's received files take: they are deleted from this device (the messages stay, and
   * each file can be downloaded again while the relays keep it). Resolves with what was freed.
   */
  async free (conversation: string, options?: StoreOptions): Promise<{ files: number, bytes: number }> {
    const before = await this.usage(conversation, options)
    for (const d of await this.transfers.downloads(options)) {
      if (d.conversation !== conversation || d.ref == null) continue
      if (this.running.has(d.id)) continue
      if (d.shared !== true) await this.init.files.remove(d.ref)
      await this.transfers.forget(d.id, options)
    }
    // our own copies of what we sent from this chat (done: nothing needs them any more)
    for (const u of await this.transfers.uploads(options)) {
      if (u.conversation !== conversation || u.kept !== true || u.state !== 'done') continue
      await this.init.files.remove(u.source)
      await this.transfers.forget(u.id, options)
    }
    return before
  }

  /** Cancels a running upload or download (an upload's message is then not sent; a download keeps what it verified). */
  cancel (id: string): boolean {
    const r = this.running.get(id)
    if (r == null) return false
    r.controller.abort(new TransferCancelledError())
    return true
  }

  /** Runs one transfer per id at a time, abortable by cancel() and stop(). */
  private async track<T> (id: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController()
    const done = run(controller.signal)
    this.running.set(id, { controller, done })
    try {
      return await done
    } finally {
      if (this.running.get(id)?.done === done) this.running.delete(id)
    }
  }
}

/** A file extension for a media type, for files sent without a name. */
function extensionOf (mime: string): string {
  const known: Record<string, string> = {
    'image/jpeg': '.jpg', 'image/png': '.png', 'image/webp': '.webp', 'image/gif': '.gif', 'video/mp4': '.mp4', 'video/webm': '.webm',
    'audio/webm': '.webm', 'audio/ogg': '.ogg', 'audio/mpeg': '.mp3', 'audio/mp4': '.m4a', 'application/pdf': '.pdf', 'text/plain': '.txt'
  }
  return known[mime.toLowerCase()] ?? ''
}
