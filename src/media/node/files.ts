/** The media layer's files on Node: files read in ranges from their paths, downloads written to a part file next to their final name, appended, fsynced, and renamed when verified. Knows no transfer, relay or crypto. */
import { open, rename, rm, mkdir, access } from 'node:fs/promises'
import { constants } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { MediaFileMissingError, numberedName, type MediaFiles, type MediaReader, type MediaWriter } from '../files.js'

/** `mediaDir`: where downloads go when no folder is given (the device's data folder's `media/`). Refs are absolute paths. */
export function nodeMediaFiles (mediaDir: string): MediaFiles {
  return {
    async open (ref: string): Promise<MediaReader> {
      let fh
      try {
        fh = await open(ref, 'r')
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new MediaFileMissingError()
        throw err
      }
      const { size } = await fh.stat()
      return {
        size,
        read: async (offset, length, into) => {
          // not zero-filled: every byte returned is read from the file (a short read returns only what was read)
          const n = Math.max(0, Math.min(length, size - offset))
          const buf: Uint8Array = into != null && into.length >= n ? into.subarray(0, n) : Buffer.allocUnsafe(n)
          let done = 0
          while (done < buf.length) {
            const { bytesRead } = await fh.read(buf, done, buf.length - done, offset + done)
            if (bytesRead === 0) break
            done += bytesRead
          }
          return done === buf.length ? buf : buf.subarray(0, done)
        },
        close: async () => { await fh.close() }
      }
    },

    async part (id: string, options?: { dir?: string }): Promise<{ ref: string, writer: MediaWriter }> {
      const dir = resolve(options?.dir ?? mediaDir)
      await mkdir(dir, { recursive: true })
      const ref = join(dir, `.${id}.part`)
      const fh = await open(ref, constants.O_RDWR | constants.O_CREAT)
      let size = (await fh.stat()).size
      const writer: MediaWriter = {
        get size () { return size },
        truncate: async n => {
          await fh.truncate(n)
          size = n
        },
        append: async data => {
          let done = 0
          while (done < data.length) {
            const { bytesWritten } = await fh.write(data, done, data.length - done, size + done)
            done += bytesWritten
          }
          size += data.length
        },
        appendParts: async parts => {
          const length = parts.reduce((n, part) => n + part.length, 0)
          let done = (await fh.writev(parts as Uint8Array[], size)).bytesWritten
          // a short vectored write (a signal, a full disk) is finished part by part
          let start = 0
          for (const part of parts) {
            const end = start + part.length
            while (done < end) {
              const offset = done - start
              done += (await fh.write(part, offset, part.length - offset, size + done)).bytesWritten
            }
            start = end
          }
          size += length
        },
        sync: async () => { await fh.datasync() },
        close: async () => { await fh.close() }
      }
      return { ref, writer }
    },

    async commit (partRef: string, name: string): Promise<string> {
      const dir = dirname(partRef)
      let target = join(dir, name)
      for (let n = 1; await exists(target); n++) target = join(dir, numberedName(name, n))
      await rename(partRef, target)
      // the rename itself made durable: the folder's entry is synced
      const d = await open(dir, 'r')
      try {
        await d.sync()
      } finally {
        await d.close()
      }
      return target
    },

    async remove (ref: string): Promise<void> {
      await rm(ref, { force: true })
    }
  }
}

async function exists (path: string): Promise<boolean> {
  try {
    await access(path)
    return true
  } catch {
    return false
  }
}
