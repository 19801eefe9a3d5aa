// importBackup's dryRun: a right passphrase checks out and writes nothing; a wrong one or another storage kind fails as a real import would. Real LevelDB files.
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryStorage, openLevel, type Storage } from '../../src/storage/index.js'
import { exportBackup, importBackup } from '../../src/client/backup.js'
import { tempDir } from '../helpers/tmp.js'

const PASS = 'correct horse battery'

describe('importBackup({ dryRun })', () => {
  const cleanup: Array<() => Promise<void>> = []
  const open = async (): Promise<Storage> => {
    const dir = await tempDir('parley-dry-run-')
    const s = await openLevel(`${dir.path}/db`)
    cleanup.push(async () => { await s.close(); await dir.remove() })
    return s
  }
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c()
  })

  it('checks the passphrase and the content against a running device without changing it', async () => {
    const source = await open()
    await source.identity.saveLocalIdentity(Uint8Array.of(1, 2, 3))
    await source.kv('device').put('peer-key', Uint8Array.of(9))
    const backup = await exportBackup(source, PASS)

    const target = await open()
    await target.identity.saveLocalIdentity(Uint8Array.of(4, 5, 6))
    const before = await target.entries()
    const progress: number[] = []
    expect(await importBackup(target, backup, PASS, { replace: true, dryRun: true, onProgress: d => progress.push(d) })).toMatchObject({ kind: 'level', entries: 2 })
    expect(progress.at(-1)).toBe(100)
    expect(await target.entries()).toEqual(before)

    await expect(importBackup(target, backup, 'wrong horse battery', { replace: true, dryRun: true })).rejects.toMatchObject({ name: 'BackupPassphraseError' })
    await expect(importBackup(createMemoryStorage(), backup, PASS, { dryRun: true })).rejects.toMatchObject({ name: 'BackupCorruptError' })
    expect(await target.entries()).toEqual(before)
  })
})
