/** `parley profile`: shows or changes the display name and photo this device shares with its contacts. Talks only to the Parley facade. */
import { readFile } from 'node:fs/promises'
import { MAX_PROFILE_PHOTO_BYTES, type Parley } from '../index.js'
import { UsageError, type CliArgs } from './args.js'
import { flushOutbox } from './messaging.js'
import { spinner } from './progress.js'

function out (line: string): void {
  process.stdout.write(line + '\n')
}

/** Photos are read up to this size; the profile limit itself (64 KiB) is checked by setProfile with a clear error. */
const MAX_PHOTO_FILE_BYTES = 1024 * 1024

/**
 * `profile` prints the profile; `profile name TEXT...` sets the name (no text: removes it); `profile photo FILE`
 * sets a JPEG or PNG photo (no file: removes it). A change is queued for the recent chats and sent for up to
 * a few seconds here; what is left goes out the next time the device runs.
 */
export async function profileCommand (args: CliArgs, parley: Parley, signal: AbortSignal): Promise<void> {
  const [what, ...rest] = args.rest
  if (what === 'name') {
    await parley.setProfile({ name: rest.join(' ').trim() }, { signal })
  } else if (what === 'photo') {
    if (rest.length > 1) throw new UsageError('profile photo takes one file')
    await parley.setProfile({ photo: rest.length === 0 ? new Uint8Array() : await readPhoto(rest[0]) }, { signal })
  } else if (what != null) {
    throw new UsageError(`profile takes 'name TEXT...' or 'photo FILE', not '${what}'`)
  }
  if (what != null) {
    const wait = spinner('Sharing with your recent chats…')
    try {
      await flushOutbox(parley)
    } finally {
      wait.stop()
    }
  }
  const p = await parley.profile({ signal })
  if (args.json) {
    out(JSON.stringify({ ...(p.name != null ? { name: p.name } : {}), photoBytes: p.photo?.length ?? 0, ...(p.updatedAt != null ? { updatedAt: p.updatedAt } : {}) }))
  } else {
    out(`name   ${p.name ?? '(none)'}`)
    out(`photo  ${p.photo != null ? `${(p.photo.length / 1024).toFixed(1)} KiB` : '(none)'}`)
  }
}

/** A photo file's bytes (`what` names it in errors: 'profile photo', 'group photo'); a file too large is refused before it is read whole. */
export async function readPhoto (file: string, what = 'profile photo'): Promise<Uint8Array> {
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  if (bytes.length > MAX_PHOTO_FILE_BYTES) throw new Error(`${file} is too large for a ${what} (at most ${MAX_PROFILE_PHOTO_BYTES / 1024} KiB)`)
  return new Uint8Array(bytes)
}
