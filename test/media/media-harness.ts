// A small world for the media layer, in one process: relays as in-memory blob stores with the protocol's rules (chunks committed in order, an upload resumed by its id, the blob id built from the chunks' hashes, reads from a chunk index) and hooks to cut, tamper or lose; files in memory (what was not synced is lost by a crash); two devices' message stores joined by a send that delivers. The media layer itself is real.
import { BlobIdBuilder, BlobNotFoundError } from '../../src/protocols/blob/index.js'
import { Media, type BlobRelays, type MediaInit } from '../../src/media/media.js'
import { MemoryMediaFiles } from '../../src/media/files.js'
import { constantTimeEqual, toHex } from '../../src/crypto/bytes.js'
import { ProtocolViolationError } from '../../src/protocols/errors.js'
import { createMemoryStorage, type Storage, type StoredMessage } from '../../src/storage/index.js'
import { SeededRandom } from '../helpers/seeded-random.js'

/** A chunk the media layer gave, whole or in parts, as one array (a copy: the relay keeps it). */
function joined (chunk: Uint8Array | Uint8Array[]): Uint8Array {
  return Uint8Array.from(chunk instanceof Uint8Array ? chunk : Buffer.concat(chunk))
}

/** A chunk cut into pieces as a network might deliver it: a 7-byte piece, then the rest up to 10 bytes from the end, then those (the tag straddles two pieces). */
function pieces (chunk: Uint8Array): Uint8Array[] {
  const cut = Math.max(0, Math.min(7, chunk.length - 10))
  return [chunk.subarray(0, cut), chunk.subarray(cut, Math.max(cut, chunk.length - 10)), chunk.subarray(Math.max(cut, chunk.length - 10))]
}

interface StoredBlob { chunks: Uint8Array[], chunkBytes: number, totalBytes: number }
interface Upload { chunks: Uint8Array[], totalBytes: number, chunkBytes: number }

/** Relays keeping blobs in memory; `cutAfter` makes the next upload fail after that many more chunks, `tamper` rewrites what a download gives. */
export class FakeRelays implements BlobRelays {
  readonly blobs = new Map<string, StoredBlob>()
  readonly uploads = new Map<string, Upload>()
  /** for each upload call: the first chunk index asked for */
  readonly uploadStarts: number[] = []
  /** for each download call: the chunk it started from, and the relay */
  readonly downloadStarts: Array<{ relay: string, from: number }> = []
  /** relays that refuse every call */
  readonly down = new Set<string>()
  cutAfter?: number
  cutDownloadAfter?: number
  /** chunks downloads have handed out so far */
  chunksGiven = 0
  /** the next download waits before giving this chunk until `release` is called */
  holdDownloadAt?: { chunk: number, reached: () => void, until: Promise<void> }
  tamper?: (relay: string, chunks: Uint8Array[]) => Uint8Array[]

  async upload (relay: string, init: Parameters<BlobRelays['upload']>[1]): Promise<{ blobId: Uint8Array, expiresAt: number }> {
    if (this.down.has(relay)) throw new Error('relay down')
    const key = toHex(init.uploadId)
    let u = this.uploads.get(key)
    if (u == null) this.uploads.set(key, u = { chunks: [], totalBytes: init.totalBytes, chunkBytes: init.chunkBytes })
    const total = Math.ceil(init.totalBytes / init.chunkBytes)
    this.uploadStarts.push(u.chunks.length)
    let sent = 0
    while (u.chunks.length < total) {
      if (this.cutAfter != null && sent === this.cutAfter) {
        this.cutAfter = undefined
        throw new Error('connection lost')
      }
      u.chunks.push(joined(await init.chunk(u.chunks.length)))
      sent++
      init.onProgress?.(u.chunks.length, total)
    }
    const ids = new BlobIdBuilder(init.chunkBytes, init.totalBytes)
    for (const c of u.chunks) ids.add(c)
    const blobId = ids.finish()
    // as the protocol's client does: the chunks held before this call are read again to check the id
    const mine = new BlobIdBuilder(init.chunkBytes, init.totalBytes)
    const fresh = u.chunks.length - sent
    const again = await Promise.all(Array.from({ length: fresh }, async (_, i) => joined(await init.chunk(i))))
    for (const c of [...again, ...u.chunks.slice(fresh)]) mine.add(c)
    if (!constantTimeEqual(mine.finish(), blobId)) throw new ProtocolViolationError('the relay named another blob id than the chunks\' own')
    this.blobs.set(`${relay}|${toHex(blobId)}`, { chunks: u.chunks, chunkBytes: init.chunkBytes, totalBytes: init.totalBytes })
    return { blobId, expiresAt: Date.now() + 30 * 86_400_000 }
  }

  async download (relay: string, init: { blobId: Uint8Array, fromChunk?: number }): Promise<AsyncIterable<{ index: number, data: Uint8Array, parts?: Uint8Array[] }> & { close: () => Promise<void> }> {
    if (this.down.has(relay)) throw new Error('relay down')
    const blob = this.blobs.get(`${relay}|${toHex(init.blobId)}`)
    if (blob == null) throw new BlobNotFoundError()
    const from = init.fromChunk ?? 0
    this.downloadStarts.push({ relay, from })
    const chunks = this.tamper != null ? this.tamper(relay, blob.chunks) : blob.chunks
    const cut = this.cutDownloadAfter
    this.cutDownloadAfter = undefined
    const hold = this.holdDownloadAt
    this.holdDownloadAt = undefined
    const given = (): void => { this.chunksGiven++ }
    return {
      async * [Symbol.asyncIterator] () {
        for (let i = from; i < chunks.length; i++) {
          if (cut != null && i - from === cut) throw new Error('connection lost')
          if (hold != null && i === hold.chunk) {
            hold.reached()
            await hold.until
          }
          // every other chunk in pieces (the protocol's client gives them so), the others whole
          given()
          yield i % 2 === 0 ? { index: i, data: chunks[i], parts: pieces(chunks[i]) } : { index: i, data: chunks[i] }
        }
      },
      close: async () => {}
    }
  }

  async touch (relay: string, blobId: Uint8Array): Promise<{ expiresAt: number }> {
    if (!this.blobs.has(`${relay}|${toHex(blobId)}`)) throw new BlobNotFoundError()
    return { expiresAt: Date.now() + 30 * 86_400_000 }
  }

  /** Another relay holds the same blob (as if the sender had uploaded it there too). */
  copy (from: string, to: string): void {
    for (const [k, v] of [...this.blobs]) if (k.startsWith(`${from}|`)) this.blobs.set(`${to}|${k.slice(from.length + 1)}`, v)
  }
}

export interface MediaDevice {
  phone: string
  storage: Storage
  files: MemoryMediaFiles
  media: Media
  events: { progress: Array<{ id: string, direction: string, bytes: number, total: number }>, media: Array<{ id: string, direction: string, state: string, ref?: string, error?: string }> }
}

export const ALICE = '+15550200001'
export const BOB = '+15550200002'
export const RELAY_A = '/ip4/127.0.0.1/tcp/1/p2p/relay-a'
export const RELAY_B = '/ip4/127.0.0.1/tcp/2/p2p/relay-b'

export class MediaWorld {
  readonly relays = new FakeRelays()
  readonly rng: SeededRandom
  readonly devices = new Map<string, MediaDevice>()
  now = 1_800_000_000_000

  constructor (seed: number) {
    this.rng = new SeededRandom(seed)
  }

  async device (phone: string, relays: string[] = [RELAY_A], reuse?: MediaDevice, init: Partial<MediaInit> = {}): Promise<MediaDevice> {
    const storage = reuse?.storage ?? await createMemoryStorage()
    const files = reuse?.files ?? new MemoryMediaFiles()
    const media = new Media({
      self: async () => ({ phone, mailboxRelays: relays }),
      relays: this.relays,
      files,
      kv: storage.kv('media'),
      messages: storage.messages,
      sendDirect: async (to, text, options) => await this.deliver(phone, to, text, options.attachment, options.id),
      random: this.rng.random,
      now: () => this.now,
      retryMinMs: 1,
      ...init
    })
    const d: MediaDevice = { phone, storage, files, media, events: { progress: [], media: [] } }
    media.on('media-progress', e => d.events.progress.push(e))
    media.on('media', e => d.events.media.push(e))
    this.devices.set(phone, d)
    return d
  }

  /** The message with its attachment in the sender's history and the recipient's, as messaging would store them. */
  private async deliver (from: string, to: string, text: string, attachment: Uint8Array, id: string): Promise<StoredMessage> {
    const b64 = Buffer.from(attachment).toString('base64').replace(/=+$/, '')
    const out: StoredMessage = { id, conversation: to, direction: 'out', sender: from, text, timestamp: this.now, receivedAt: this.now, status: 'pending', attachment: b64 }
    await this.devices.get(from)!.storage.messages.addOutgoing(out)
    const recipient = this.devices.get(to)
    if (recipient != null) {
      const m: StoredMessage = { ...out, conversation: from, direction: 'in', status: 'delivered' }
      await recipient.storage.messages.addIncoming(m)
      recipient.media.noteMessage(m)
    }
    return out
  }

  async stop (): Promise<void> {
    for (const d of this.devices.values()) {
      await d.media.stop()
      await d.storage.close()
    }
  }
}

/** Deterministic bytes of a "file". */
export function fileBytes (n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n)
  let x = seed * 2654435761 >>> 0
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    out[i] = x >>> 24
  }
  return out
}
