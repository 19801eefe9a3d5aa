// Encrypted backup of a whole storage: round trips (LevelDB and memory), wrong passphrase, damage, refusal to overwrite; real LevelDB files.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMemoryStorage, openLevel, type Storage } from '../../src/storage/index.js'
import { exportBackup, importBackup, BACKUP_MAGIC } from '../../src/client/backup.js'
import { encodeSessionEntry } from '../../src/session/index.js'
import { ContactProfiles } from '../../src/client/contact-profiles.js'
import { tempDir } from '../helpers/tmp.js'

const bytes = (...v: number[]): Uint8Array => new Uint8Array(v)

async function fill (s: Storage): Promise<void> {
  await s.identity.saveLocalIdentity(bytes(1, 2, 3))
  await s.sessions.storeSessions({ identityKey: bytes(7), deviceId: 1 }, [encodeSessionEntry(1000, bytes(5))])
  await s.kv('device').put('peer-key', bytes(9, 9, 9))
  await new ContactProfiles(s.kv('contact-profiles')).offer('+15550000001', { name: 'Ann', updatedAt: 5 })
}

describe('encrypted backup (LevelDB)', () => {
  const dirs: Array<{ remove: () => Promise<void> }> = []
  const stores: Storage[] = []
  let source: Storage
  let backup: Uint8Array
  const open = async (): Promise<Storage> => {
    const dir = await tempDir('parley-backup-')
    dirs.push(dir)
    const s = await openLevel(`${dir.path}/db`)
    stores.push(s)
    return s
  }

  beforeEach(async () => {
    source = await open()
    await fill(source)
    const progress: number[] = []
    backup = await exportBackup(source, 'correct horse battery', { onProgress: d => progress.push(d) })
    expect(progress.at(-1)).toBe(100)
  })
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close()
    for (const d of dirs.splice(0)) await d.remove()
  })

  it('restores every entry into an empty storage and hides the content', async () => {
    expect(backup.subarray(0, 8)).toEqual(BACKUP_MAGIC)
    // the peer key bytes 9,9,9 and the identity 1,2,3 do not appear in clear
    expect(Buffer.from(backup).includes(Buffer.from([9, 9, 9]))).toBe(false)
    const target = await open()
    const info = await importBackup(target, backup, 'correct horse battery')
    expect(info).toMatchObject({ kind: 'level' })
    expect(await target.identity.loadLocalIdentity()).toEqual(bytes(1, 2, 3))
    // the same session, marked restored (decrypt only: the first send starts a new session)
    expect(await target.sessions.loadSessions({ identityKey: bytes(7), deviceId: 1 })).toEqual([encodeSessionEntry(1000, bytes(5), true)])
    expect(await target.kv('device').get('peer-key')).toEqual(bytes(9, 9, 9))
    // contacts' profiles are a kv store like any other: in the backup
    expect(await new ContactProfiles(target.kv('contact-profiles')).get('+15550000001')).toEqual({ name: 'Ann', updatedAt: 5 })
  })

  it('says BackupPassphraseError for a wrong passphrase and writes nothing', async () => {
    const target = await open()
    await expect(importBackup(target, backup, 'wrong horse')).rejects.toHaveProperty('name', 'BackupPassphraseError')
    expect(await target.identity.loadLocalIdentity()).toBeUndefined()
    await expect(importBackup(target, backup, '')).rejects.toHaveProperty('name', 'BackupPassphraseError')
  })

  it('says BackupCorruptError for truncated, altered or foreign files and writes nothing', async () => {
    const target = await open()
    const flipped = new Uint8Array(backup)
    flipped[flipped.length - 40] ^= 1
    const badHeader = new Uint8Array(backup)
    badHeader[10] = 30 // scrypt cost 2^30: refused before any work
    for (const damaged of [backup.subarray(0, backup.length - 1), backup.subarray(0, 20), flipped, badHeader, bytes(1, 2, 3), new TextEncoder().encode('PARLEYBK')]) {
      await expect(importBackup(target, damaged, 'correct horse battery')).rejects.toHaveProperty('name', 'BackupCorruptError')
    }
    expect(await target.identity.loadLocalIdentity()).toBeUndefined()
  })

  it('refuses to overwrite an identity unless replace, then replaces everything', async () => {
    const target = await open()
    await target.identity.saveLocalIdentity(bytes(4, 4))
    await target.kv('other').put('x', bytes(1))
    await expect(importBackup(target, backup, 'correct horse battery')).rejects.toHaveProperty('name', 'BackupTargetNotEmptyError')
    expect(await target.identity.loadLocalIdentity()).toEqual(bytes(4, 4))
    await importBackup(target, backup, 'correct horse battery', { replace: true })
    expect(await target.identity.loadLocalIdentity()).toEqual(bytes(1, 2, 3))
    expect(await target.kv('other').get('x')).toBeUndefined()
  })

  it('refuses a backup of another storage kind', async () => {
    const memory = createMemoryStorage()
    await expect(importBackup(memory, backup, 'correct horse battery')).rejects.toHaveProperty('name', 'BackupCorruptError')
    expect(await memory.identity.loadLocalIdentity()).toBeUndefined()
  })

  it('stops on an aborted signal', async () => {
    const target = await open()
    await expect(importBackup(target, backup, 'correct horse battery', { signal: AbortSignal.abort() })).rejects.toBeDefined()
    expect(await target.identity.loadLocalIdentity()).toBeUndefined()
  })
})

describe('encrypted backup (memory)', () => {
  it('round trips', async () => {
    const a = createMemoryStorage()
    await fill(a)
    const b = createMemoryStorage()
    await importBackup(b, await exportBackup(a, 'a long pass'), 'a long pass')
    expect(await b.identity.loadLocalIdentity()).toEqual(bytes(1, 2, 3))
    expect(await b.kv('device').get('peer-key')).toEqual(bytes(9, 9, 9))
  })
})
