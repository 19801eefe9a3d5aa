/** Where a blob store keeps chunk data: named files written and read at positions and synced on demand, on disk (one file per upload under a folder) or in memory (where unsynced writes are lost on a simulated crash). Knows nothing of chunks, blobs or metadata. */
import { constants, type FileHandle, open, readdir, rm, mkdir } from 'node:fs/promises'
import { join } from 'node:path'

/** One open file. */
export interface BlobFile {
  /** Writes `parts`, one after the other, from `position` on (one vectored write); not durable before sync(). */
  write (parts: Uint8Array[], position: number): Promise<void>
  /** Makes every write so far durable (fsync). */
  sync (): Promise<void>
  /** `length` bytes at `position`; throws when the file is shorter (it was damaged). */
  read (position: number, length: number): Promise<Uint8Array>
  close (): Promise<void>
}

/** A folder of files named by the store. */
export interface BlobFiles {
  /** Opens a file for writing and reading, creating it (and syncing its directory entry) when absent. */
  open (name: string): Promise<BlobFile>
  /** Opens an existing file for reading; undefined when absent. */
  openExisting (name: string): Promise<BlobFile | undefined>
  /** Removes a file; an absent one is not an error. */
  remove (name: string): Promise<void>
  /** The names of every file. */
  list (): Promise<string[]>
}

/** A file name the store chose: hex only, so nothing from the network ever becomes a path. */
const NAME = /^[0-9a-f]{1,128}$/

function checkName (name: string): void {
  if (!NAME.test(name)) throw new Error(`not a blob file name: ${name}`)
}

class DiskFile implements BlobFile {
  constructor (private readonly handle: FileHandle) {}

  async write (parts: Uint8Array[], position: number): Promise<void> {
    let written = (await this.handle.writev(parts, position)).bytesWritten
    // a short vectored write (rare: a signal, a full disk) is finished part by part
    let start = 0
    for (const part of parts) {
      const end = start + part.length
      while (written < end) {
        const offset = written - start
        written += (await this.handle.write(part, offset, part.length - offset, position + written)).bytesWritten
      }
      start = end
    }
  }

  async sync (): Promise<void> {
    await this.handle.sync()
  }

  async read (position: number, length: number): Promise<Uint8Array> {
    const out = Buffer.allocUnsafe(length)
    let done = 0
    while (done < length) {
      const { bytesRead } = await this.handle.read(out, done, length - done, position + done)
      if (bytesRead === 0) throw new Error(`blob file ends before byte ${position + length}`)
      done += bytesRead
    }
    return new Uint8Array(out.buffer, out.byteOffset, length)
  }

  async close (): Promise<void> {
    await this.handle.close()
  }
}

/** Files in `dir` (created with mode 0700 when absent), written with positional writes and fsync. */
export async function diskBlobFiles (dir: string): Promise<BlobFiles> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const syncDir = async (): Promise<void> => {
    const handle = await open(dir, constants.O_RDONLY)
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  }
  return {
    async open (name) {
      checkName(name)
      const path = join(dir, name)
      try {
        return new DiskFile(await open(path, constants.O_RDWR))
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      }
      // a new file: its directory entry must be durable before any chunk in it is acknowledged
      const handle = await open(path, constants.O_RDWR | constants.O_CREAT, 0o600)
      await syncDir()
      return new DiskFile(handle)
    },
    async openExisting (name) {
      checkName(name)
      try {
        return new DiskFile(await open(join(dir, name), constants.O_RDONLY))
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw err
      }
    },
    async remove (name) {
      checkName(name)
      await rm(join(dir, name), { force: true })
    },
    async list () {
      return (await readdir(dir)).filter(name => NAME.test(name))
    }
  }
}

/** What "disk" holds in memory: the synced bytes of each file, as blocks by position (later writes win). */
export type MemoryDisk = Map<string, Map<number, Uint8Array>>

class MemoryFile implements BlobFile {
  /** writes since the last sync: lost when the store is dropped without it (a simulated crash) */
  private pending: Array<[number, Uint8Array]> = []
  private closed = false

  constructor (private readonly blocks: Map<number, Uint8Array>) {}

  async write (parts: Uint8Array[], position: number): Promise<void> {
    if (this.closed) throw new Error('file closed')
    let at = position
    for (const data of parts) {
      this.pending.push([at, Uint8Array.from(data)])
      at += data.length
    }
  }

  async sync (): Promise<void> {
    if (this.closed) throw new Error('file closed')
    for (const [position, data] of this.pending) this.blocks.set(position, data)
    this.pending = []
  }

  async read (position: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length)
    const filled = new Uint8Array(length)
    const sources = [...this.blocks.entries(), ...this.pending]
    for (const [at, data] of sources) {
      const from = Math.max(at, position)
      const to = Math.min(at + data.length, position + length)
      if (from >= to) continue
      out.set(data.subarray(from - at, to - at), from - position)
      filled.fill(1, from - position, to - position)
    }
    if (filled.includes(0)) throw new Error(`blob file has no byte ${position + filled.indexOf(0)}`)
    return out
  }

  async close (): Promise<void> {
    this.closed = true
  }
}

/** Files in memory over `disk` (share one between two stores to simulate a restart: what was not synced is gone). */
export function memoryBlobFiles (disk: MemoryDisk = new Map()): BlobFiles {
  return {
    async open (name) {
      checkName(name)
      let blocks = disk.get(name)
      if (blocks == null) disk.set(name, blocks = new Map())
      // a removed file's handle keeps its blocks, as an unlinked file on disk
      return new MemoryFile(blocks)
    },
    async openExisting (name) {
      checkName(name)
      const blocks = disk.get(name)
      return blocks == null ? undefined : new MemoryFile(blocks)
    },
    async remove (name) {
      checkName(name)
      disk.delete(name)
    },
    async list () {
      return [...disk.keys()]
    }
  }
}
