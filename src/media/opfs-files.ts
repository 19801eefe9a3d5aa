/** The media layer's files in a browser tab: the origin private file system (OPFS), one folder per profile; files picked by the person are copied in chunk by chunk (so an upload resumes after a reload), downloads written to a part file and renamed when verified. Knows no transfer, relay or crypto. */
import { MediaFileMissingError, numberedName, safeFileName, type MediaFiles, type MediaReader, type MediaWriter } from './files.js'

/** Bytes copied at a time when a picked file is kept: memory stays bounded whatever the file's size. */
const COPY_CHUNK_BYTES = 4 * 1024 * 1024

/** The OPFS side of a browser profile's files: the port, and `keep` for files the person picks. */
export interface BrowserMediaFiles extends MediaFiles {
  /** Copies a picked file into the profile's folder (chunk by chunk); resolves with its ref. */
  keep: (file: Blob, name: string, options?: { onProgress?: (bytes: number, total: number) => void, signal?: AbortSignal }) => Promise<string>
  /** A file's bytes as a Blob (to show or save it); MediaFileMissingError when it is gone. */
  blob: (ref: string) => Promise<Blob>
  /** Bytes the profile's files take. */
  usage: () => Promise<number>
}

async function folder (name: string): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory()
  return await root.getDirectoryHandle(name, { create: true })
}

async function fileHandle (dir: FileSystemDirectoryHandle, name: string, create = false): Promise<FileSystemFileHandle> {
  try {
    return await dir.getFileHandle(name, { create })
  } catch (err) {
    if ((err as DOMException).name === 'NotFoundError') throw new MediaFileMissingError()
    throw err
  }
}

async function exists (dir: FileSystemDirectoryHandle, name: string): Promise<boolean> {
  try {
    await dir.getFileHandle(name)
    return true
  } catch {
    return false
  }
}

/** Refs are the file's name in the profile's folder (`<folder>/<name>`). */
export function opfsMediaFiles (folderName: string): BrowserMediaFiles {
  const nameOf = (ref: string): string => {
    const prefix = `${folderName}/`
    if (!ref.startsWith(prefix)) throw new MediaFileMissingError()
    return ref.slice(prefix.length)
  }
  const dir = async (): Promise<FileSystemDirectoryHandle> => await folder(folderName)
  const unique = async (d: FileSystemDirectoryHandle, name: string): Promise<string> => {
    let target = name
    for (let n = 1; await exists(d, target); n++) target = numberedName(name, n)
    return target
  }
  return {
    async open (ref: string): Promise<MediaReader> {
      const file = await (await fileHandle(await dir(), nameOf(ref))).getFile()
      return {
        size: file.size,
        read: async (offset, length) => new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()),
        close: async () => {}
      }
    },

    async part (id: string): Promise<{ ref: string, writer: MediaWriter }> {
      const d = await dir()
      const name = `.${id}.part`
      const handle = await fileHandle(d, name, true)
      let size = (await handle.getFile()).size
      // writes land in the file when the writable closes: `sync` closes it and opens the next
      let writable = await handle.createWritable({ keepExistingData: true })
      const writer: MediaWriter = {
        get size () { return size },
        truncate: async n => {
          await writable.truncate(n)
          size = n
        },
        append: async data => {
          await writable.write({ type: 'write', position: size, data: data as Uint8Array<ArrayBuffer> })
          size += data.length
        },
        sync: async () => {
          await writable.close()
          writable = await handle.createWritable({ keepExistingData: true })
        },
        close: async () => { await writable.close().catch(() => {}) }
      }
      return { ref: `${folderName}/${name}`, writer }
    },

    async commit (partRef: string, name: string): Promise<string> {
      const d = await dir()
      const handle = await fileHandle(d, nameOf(partRef))
      const target = await unique(d, safeFileName(name, 'file'))
      await (handle as FileSystemFileHandle & { move: (name: string) => Promise<void> }).move(target)
      return `${folderName}/${target}`
    },

    async remove (ref: string): Promise<void> {
      await (await dir()).removeEntry(nameOf(ref)).catch(() => {})
    },

    async keep (file: Blob, name: string, options = {}): Promise<string> {
      const d = await dir()
      const target = await unique(d, safeFileName(name, 'file'))
      const handle = await d.getFileHandle(target, { create: true })
      const writable = await handle.createWritable()
      try {
        for (let at = 0; at < file.size; at += COPY_CHUNK_BYTES) {
          options.signal?.throwIfAborted()
          await writable.write(new Uint8Array(await file.slice(at, at + COPY_CHUNK_BYTES).arrayBuffer()))
          options.onProgress?.(Math.min(file.size, at + COPY_CHUNK_BYTES), file.size)
        }
        await writable.close()
      } catch (err) {
        await writable.abort().catch(() => {})
        await d.removeEntry(target).catch(() => {})
        throw err
      }
      return `${folderName}/${target}`
    },

    async blob (ref: string): Promise<Blob> {
      return await (await fileHandle(await dir(), nameOf(ref))).getFile()
    },

    async usage (): Promise<number> {
      let total = 0
      for await (const handle of (await dir() as FileSystemDirectoryHandle & { values: () => AsyncIterable<FileSystemHandle> }).values()) {
        if (handle.kind === 'file') total += (await (handle as FileSystemFileHandle).getFile()).size
      }
      return total
    }
  }
}
