// `parley backup` / `parley restore` as a person runs them: real processes on real data folders, offline.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { PROJECT_ROOT } from '../../scripts/paths.js'
import { BackupPassphraseTooShortError, MIN_BACKUP_PASSPHRASE_CHARS, Parley, createNodeNode, exportBackup } from '../../src/index.js'
import { createMemoryStorage } from '../../src/storage/index.js'
import { tempDir } from '../helpers/tmp.js'
import { runToExit } from '../helpers/process.js'

const CLI = join(PROJECT_ROOT, 'bin', 'parley.js')
const PASS = { PARLEY_PASSPHRASE: 'cli test passphrase' }

async function parley (args: string[], env: Record<string, string> = {}): Promise<{ code: number | null, stdout: string, stderr: string }> {
  return await runToExit(CLI, args, { timeout: 60_000, env })
}

describe('parley backup / restore', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let identityKey: string

  beforeAll(async () => {
    dir = await tempDir()
    const device = await Parley.create({ dataDir: join(dir.path, 'a'), bootstrap: [], listen: ['/ip4/127.0.0.1/tcp/0'], createNode: createNodeNode, maintenance: false, receive: false })
    identityKey = (await device.whoami()).identityKey
    await device.setProfile({ name: 'Ann' })
    await device.stop()
    // the client's data folder is its owner's alone
    expect((await stat(join(dir.path, 'a'))).mode & 0o777).toBe(0o700)
  })

  afterAll(async () => {
    await dir?.remove()
  })

  it('writes a backup and restores it into an empty folder, refusing a wrong passphrase and an occupied folder', async () => {
    const file = join(dir.path, 'a.parleybk')
    const made = await parley(['--data', join(dir.path, 'a'), 'backup', file, '--json'], PASS)
    expect(made.stderr).toBe('')
    expect(made.code).toBe(0)
    expect(JSON.parse(made.stdout)).toMatchObject({ file })
    expect(new TextDecoder().decode((await readFile(file)).subarray(0, 8))).toBe('PARLEYBK')

    const wrong = await parley(['--data', join(dir.path, 'b'), 'restore', file], { PARLEY_PASSPHRASE: 'nope' })
    expect(wrong.code).toBe(1)
    expect(wrong.stderr.trim()).toBe('parley: wrong passphrase for this backup')

    const ok = await parley(['--data', join(dir.path, 'b'), 'restore', file, '--json'], PASS)
    expect(ok.code).toBe(0)
    expect(JSON.parse(ok.stdout)).toMatchObject({ restored: true })
    const who = await parley(['--data', join(dir.path, 'b'), 'whoami', '--json'])
    expect(JSON.parse(who.stdout)).toMatchObject({ identityKey })

    const again = await parley(['--data', join(dir.path, 'b'), 'restore', file], PASS)
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/already holds a Parley identity/)
    expect((await parley(['--data', join(dir.path, 'b'), 'restore', file, '--replace'], PASS)).code).toBe(0)
  }, 120_000)

  it('fails clearly on a damaged file and without a passphrase', async () => {
    const bad = join(dir.path, 'bad.parleybk')
    const { writeFile } = await import('node:fs/promises')
    await writeFile(bad, new TextEncoder().encode('PARLEYBK but not really'))
    const damaged = await parley(['--data', join(dir.path, 'c'), 'restore', bad], PASS)
    expect(damaged.code).toBe(1)
    expect(damaged.stderr).toMatch(/^parley: the backup is truncated/)
    const noPass = await parley(['--data', join(dir.path, 'a'), 'backup', join(dir.path, 'x.parleybk')])
    expect(noPass.code).toBe(2)
    expect(noPass.stderr.trim()).toBe('parley: no passphrase: set PARLEY_PASSPHRASE or run in a terminal')
  }, 60_000)

  it('refuses a new backup under a passphrase shorter than the web client allows, writing nothing', async () => {
    const file = join(dir.path, 'short.parleybk')
    const short = await parley(['--data', join(dir.path, 'a'), 'backup', file], { PARLEY_PASSPHRASE: 'x'.repeat(MIN_BACKUP_PASSPHRASE_CHARS - 1) })
    expect(short.code).toBe(2)
    expect(short.stderr.trim()).toBe(`parley: the passphrase is too short: use at least ${MIN_BACKUP_PASSPHRASE_CHARS} characters`)
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' })
    const storage = createMemoryStorage()
    await expect(exportBackup(storage, 'x'.repeat(MIN_BACKUP_PASSPHRASE_CHARS - 1))).rejects.toBeInstanceOf(BackupPassphraseTooShortError)
  }, 60_000)
})
