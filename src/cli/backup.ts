/** The `parley backup FILE` and `parley restore FILE` commands: the device's storage to and from an encrypted file, offline. Knows nothing of the file format. */
import { readFile, writeFile, rename } from 'node:fs/promises'
import { MIN_BACKUP_PASSPHRASE_CHARS, exportBackup, importBackup } from '../index.js'
import { openLevel } from '../storage/index.js'
import { UsageError, type CliArgs } from './args.js'
import { progressBar } from './progress.js'

function out (line: string): void {
  process.stdout.write(line + '\n')
}

/** Reads a line from the terminal without echoing it. */
async function askHidden (question: string): Promise<string> {
  const stdin = process.stdin
  if (stdin.isTTY !== true) throw new UsageError('no passphrase: set PARLEY_PASSPHRASE or run in a terminal')
  process.stderr.write(question)
  stdin.setRawMode(true)
  stdin.resume()
  stdin.setEncoding('utf8')
  try {
    return await new Promise<string>((resolve, reject) => {
      let line = ''
      const onData = (chunk: string): void => {
        for (const ch of chunk) {
          if (ch === '\r' || ch === '\n') { stdin.off('data', onData); process.stderr.write('\n'); resolve(line); return }
          if (ch === '\u0003') { stdin.off('data', onData); reject(new Error('interrupted')); return }
          if (ch === '\u007f' || ch === '\b') line = line.slice(0, -1)
          else line += ch
        }
      }
      stdin.on('data', onData)
    })
  } finally {
    stdin.setRawMode(false)
    stdin.pause()
  }
}

/** A new backup needs the same minimum as the web client's (the SDK's exportBackup refuses shorter ones too); checked before the device is opened. */
function tooShort (passphrase: string): void {
  if (passphrase.length < MIN_BACKUP_PASSPHRASE_CHARS) throw new UsageError(`the passphrase is too short: use at least ${MIN_BACKUP_PASSPHRASE_CHARS} characters`)
}

/** The passphrase from PARLEY_PASSPHRASE, else asked (twice when it protects a new backup). */
async function passphrase (env: Record<string, string | undefined>, confirm: boolean): Promise<string> {
  const fromEnv = env.PARLEY_PASSPHRASE
  if (fromEnv != null && fromEnv !== '') {
    if (confirm) tooShort(fromEnv)
    return fromEnv
  }
  const first = await askHidden('Backup passphrase: ')
  if (confirm) tooShort(first)
  if (confirm && await askHidden('Repeat passphrase: ') !== first) throw new UsageError('the passphrases differ')
  return first
}

const dbPath = (dataDir: string): string => `${dataDir.replace(/\/+$/, '')}/db`

/** `backup FILE`: writes the encrypted backup next to FILE first, then renames it, so FILE is never half-written. */
export async function backupCommand (args: CliArgs, env: Record<string, string | undefined>, signal: AbortSignal): Promise<void> {
  if (args.rest.length !== 1) throw new UsageError('backup takes the file to write')
  const file = args.rest[0]
  const secret = await passphrase(env, true)
  const storage = await openLevel(dbPath(args.dataDir), { signal })
  try {
    if (await storage.identity.loadLocalIdentity({ signal }) == null) throw new Error(`no Parley device in ${args.dataDir}`)
    const bar = progressBar('Encrypting')
    const bytes = await exportBackup(storage, secret, { signal, onProgress: (d, t) => bar.update(d, t) }).finally(() => bar.done())
    await writeFile(`${file}.tmp`, bytes, { mode: 0o600, signal })
    await rename(`${file}.tmp`, file)
    if (args.json) out(JSON.stringify({ file, bytes: bytes.length }))
    else out(`✓ backup written to ${file} (${Math.ceil(bytes.length / 1024)} KiB)`)
  } finally {
    await storage.close()
  }
}

/** `restore FILE`: into an empty data folder (or over one with --replace). */
export async function restoreCommand (args: CliArgs, env: Record<string, string | undefined>, signal: AbortSignal): Promise<void> {
  if (args.rest.length !== 1) throw new UsageError('restore takes the backup file')
  const bytes = new Uint8Array(await readFile(args.rest[0], { signal }))
  const secret = await passphrase(env, false)
  const storage = await openLevel(dbPath(args.dataDir), { signal })
  try {
    const bar = progressBar('Decrypting')
    const info = await importBackup(storage, bytes, secret, { signal, replace: args.replace, onProgress: (d, t) => bar.update(d, t) }).finally(() => bar.done())
    if (args.json) out(JSON.stringify({ restored: true, entries: info.entries }))
    else out(`✓ restored ${info.entries} records into ${args.dataDir}`)
  } finally {
    await storage.close()
  }
}
