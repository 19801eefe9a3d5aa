/** Where the media layer reads the files it sends and writes the files it receives (a port each platform implements: Node's file system, a browser's private file system), and an in-memory one for tests. Knows no transfer, relay or crypto. */
import { MediaError } from './errors.js'

/** A file read in ranges (never whole). */
export interface MediaReader {
  readonly size: number
  /**
   * `length` bytes from `offset` (fewer only at the end of the file). Given `into` (at least `length` bytes), the
   * reader may read into it and return a view of it, so a caller reading a large file reuses a few buffers instead
   * of making one per read; a reader that ignores it returns a fresh buffer as usual.
   */
  read: (offset: number, length: number, into?: Uint8Array) => Promise<Uint8Array>
  close: () => Promise<void>
}

/** A file being received: only appended to; `sync` makes what was appended durable. */
export interface MediaWriter {
  /** bytes in the file now */
  readonly size: number
  truncate: (size: number) => Promise<void>
  append: (data: Uint8Array) => Promise<void>
  /**
   * Optional: appends `parts` one after the other, as `append` of them joined would (a received chunk comes in
   * pieces; Node writes them in one vectored write). Where it is missing, the media layer joins them and appends.
   */
  appendParts?: (parts: readonly Uint8Array[]) => Promise<void>
  sync: () => Promise<void>
  close: () => Promise<void>
}

export interface MediaFiles {
  /** Opens a file by its ref (a path in Node); MediaFileMissingError when it is not there. */
  open: (ref: string) => Promise<MediaReader>
  /** The part file of download `id`, in `dir` (or the platform's media folder), with what an earlier try wrote kept. */
  part: (id: string, options?: { dir?: string }) => Promise<{ ref: string, writer: MediaWriter }>
  /** Gives a finished part file its name (made unique in its folder: "photo (1).jpg"); resolves with its ref. */
  commit: (partRef: string, name: string) => Promise<string>
  /** Deletes a file; nothing when it is not there. */
  remove: (ref: string) => Promise<void>
}

/** The file a transfer needs is not there (moved or deleted). */
export class MediaFileMissingError extends MediaError {
  static name = 'MediaFileMissingError'
  constructor (message = 'The file is no longer on this device.') {
    super(message)
    this.name = MediaFileMissingError.name
  }
}

/**
 * A name safe to save under: the sender's name without folders, control characters or a leading dot, at most 255
 * characters; `fallback` when nothing is left.
 */
export function safeFileName (name: string, fallback: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = [...name.replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '_').replace(/^[.\s]+/, '').trim()].slice(0, 255).join('')
  return cleaned === '' ? fallback : cleaned
}

/** "photo.jpg" → "photo (n).jpg" */
export function numberedName (name: string, n: number): string {
  const dot = name.lastIndexOf('.')
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`
}

/** Files in memory, by ref: for tests, and for the media layer's own tests of resuming (what was synced survives `crash()`). */
export class MemoryMediaFiles implements MediaFiles {
  readonly files = new Map<string, Uint8Array>()
  /** bytes appended but not synced, per ref: lost by crash() */
  private readonly unsynced = new Map<string, number>()

  put (ref: string, data: Uint8Array): void {
    this.files.set(ref, Uint8Array.from(data))
  }

  /** What a power cut does: appended bytes never synced are gone. */
  crash (): void {
    for (const [ref, n] of this.unsynced) {
      const f = this.files.get(ref)
      if (f != null) this.files.set(ref, f.subarray(0, f.length - n))
    }
    this.unsynced.clear()
  }

  async open (ref: string): Promise<MediaReader> {
    const f = this.files.get(ref)
    if (f == null) throw new MediaFileMissingError()
    return {
      size: f.length,
      read: async (offset, length) => Uint8Array.from(f.subarray(offset, offset + length)),
      close: async () => {}
    }
  }

  async part (id: string, options?: { dir?: string }): Promise<{ ref: string, writer: MediaWriter }> {
    const ref = `${options?.dir ?? 'media'}/.${id}.part`
    if (!this.files.has(ref)) this.files.set(ref, new Uint8Array(0))
    const files = this.files
    const unsynced = this.unsynced
    const writer: MediaWriter = {
      get size () { return files.get(ref)?.length ?? 0 },
      truncate: async size => {
        files.set(ref, (files.get(ref) ?? new Uint8Array(0)).slice(0, size))
        unsynced.delete(ref)
      },
      append: async data => {
        const f = files.get(ref) ?? new Uint8Array(0)
        const next = new Uint8Array(f.length + data.length)
        next.set(f)
        next.set(data, f.length)
        files.set(ref, next)
        unsynced.set(ref, (unsynced.get(ref) ?? 0) + data.length)
      },
      sync: async () => { unsynced.delete(ref) },
      close: async () => {}
    }
    return { ref, writer }
  }

  async commit (partRef: string, name: string): Promise<string> {
    const f = this.files.get(partRef)
    if (f == null) throw new MediaFileMissingError()
    const dir = partRef.slice(0, partRef.lastIndexOf('/'))
    let ref = `${dir}/${name}`
    for (let n = 1; this.files.has(ref); n++) ref = `${dir}/${numberedName(name, n)}`
    this.files.set(ref, f)
    this.files.delete(partRef)
    this.unsynced.delete(partRef)
    return ref
  }

  async remove (ref: string): Promise<void> {
    this.files.delete(ref)
    this.unsynced.delete(ref)
  }
}

/** The files port of a device given none: every use says so, in words for the person. */
export const noMediaFiles: MediaFiles = {
  open: async () => { throw new MediaError('This device has no place for files (the app gave Parley no file store).') },
  part: async () => { throw new MediaError('This device has no place for files (the app gave Parley no file store).') },
  commit: async () => { throw new MediaError('This device has no place for files (the app gave Parley no file store).') },
  remove: async () => {}
}
