/** Small files in the data directory written atomically (temp file, flush, rename) with mode 0600. */
import { readFile, rename, writeFile } from 'node:fs/promises'

/** The file's bytes, or undefined when it does not exist. */
export async function readIfExists (file: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

export async function writeSecretFile (file: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`
  await writeFile(tmp, bytes, { mode: 0o600, flush: true })
  await rename(tmp, file)
}
