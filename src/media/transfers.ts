/** The media layer's record of each upload and download (key-value area `media`): where a file is, how far its transfer got, and how it ended, so a restart resumes instead of starting over. Knows no relay, cipher or file system. */
import type { KeyValueStore, StoreOptions } from '../storage/index.js'
import { CorruptRecordError } from '../storage/errors.js'
import type { AttachmentKind } from './attachment.js'

/** Record layout version. */
const RECORD_VERSION = 1

export type UploadState = 'uploading' | 'uploaded' | 'done' | 'failed' | 'cancelled'
export type DownloadState = 'downloading' | 'done' | 'failed' | 'cancelled'

/** A file we send: uploaded to our relay, then its message queued. */
export interface UploadRecord {
  /** the message id (32 hex) */
  id: string
  /** the conversation: a number, or a group's `group:<hex>` */
  conversation: string
  /** set for a group: its id (64 hex) */
  group?: string
  /** the file to read (a path in Node) */
  source: string
  kind: AttachmentKind
  name: string
  mime: string
  size: number
  caption: string
  /** the source is a copy in the device's own store (freed with the chat) */
  kept?: boolean
  quoteId?: string
  mentions?: string[]
  /** the preview fields, as the attachment carries them (base64) */
  preview: { thumbnail?: string, placeholder?: string, width?: number, height?: number, durationMs?: number, waveform?: string }
  /** hex; kept before the first chunk leaves, so a resumed upload seals the same bytes */
  key: string
  /** hex, 16 bytes: the relay's name for this upload, the same on resume */
  uploadId: string
  /** the relay we upload to (multiaddr) */
  relay: string
  state: UploadState
  /** once uploaded: the attachment descriptor (base64), what the message carries */
  attachment?: string
  createdAt: number
  /** why it failed (an error class name) */
  error?: string
}

/** A file we receive: written to a part file as it is verified, then named. */
export interface DownloadRecord {
  id: string
  conversation: string
  state: DownloadState
  /** where the part file is while downloading, then the finished file */
  ref?: string
  /** the folder asked for (absent: the platform's media folder) */
  dir?: string
  updatedAt: number
  error?: string
  /** the file is another message's (a forward of ours): freeing this one leaves the file */
  shared?: boolean
}

const enc = new TextEncoder()
const dec = new TextDecoder()
const upKey = (id: string): string => `u/${id}`
const downKey = (id: string): string => `d/${id}`

function decode<T> (bytes: Uint8Array, what: string): T {
  try {
    const r = JSON.parse(dec.decode(bytes)) as { v: number, r: T }
    if (r.v !== RECORD_VERSION) throw new Error('version')
    return r.r
  } catch {
    throw new CorruptRecordError(`media ${what} record does not decode`)
  }
}
const encode = (r: unknown): Uint8Array => enc.encode(JSON.stringify({ v: RECORD_VERSION, r }))

export class Transfers {
  constructor (private readonly kv: KeyValueStore) {}

  async upload (id: string, options?: StoreOptions): Promise<UploadRecord | undefined> {
    const b = await this.kv.get(upKey(id), options)
    return b == null ? undefined : decode<UploadRecord>(b, 'upload')
  }

  /** Stores the record (synced: what it says must survive a crash before anything relies on it). */
  async putUpload (r: UploadRecord, options?: StoreOptions): Promise<void> {
    await this.kv.put(upKey(r.id), encode(r), { ...options, sync: true })
  }

  async uploads (options?: StoreOptions): Promise<UploadRecord[]> {
    const out: UploadRecord[] = []
    for await (const e of this.kv.iterate({ prefix: 'u/' }, options)) out.push(decode<UploadRecord>(e.value, 'upload'))
    return out
  }

  async download (id: string, options?: StoreOptions): Promise<DownloadRecord | undefined> {
    const b = await this.kv.get(downKey(id), options)
    return b == null ? undefined : decode<DownloadRecord>(b, 'download')
  }

  async putDownload (r: DownloadRecord, options?: StoreOptions): Promise<void> {
    await this.kv.put(downKey(r.id), encode(r), { ...options, sync: true })
  }

  async downloads (options?: StoreOptions): Promise<DownloadRecord[]> {
    const out: DownloadRecord[] = []
    for await (const e of this.kv.iterate({ prefix: 'd/' }, options)) out.push(decode<DownloadRecord>(e.value, 'download'))
    return out
  }

  async forget (id: string, options?: StoreOptions): Promise<void> {
    await this.kv.batch([{ type: 'del', key: upKey(id) }, { type: 'del', key: downKey(id) }], { ...options, sync: true })
  }
}
