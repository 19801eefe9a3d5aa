// Files between devices as processes against a real relay process (issue 18): 24 MiB sent while the recipient is offline and saved byte-exact by `receive --download`; `download ID DIR` later; a photo re-encoded without its location; a group file; the sender SIGKILLed mid-upload resumes (not from 0) when run again; the relay SIGKILLed mid-download and restarted: the download goes on by itself.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { readFile, writeFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { CLI, startCliRig, type CliRig } from './rig.js'
import { restartTestRelay, type TestRelay } from '../messaging/helpers.js'
import { startDaemon } from '../helpers/daemon.js'
import { retryUntil } from '../helpers/wait.js'

const ALICE = '+15550510001'
const BOB = '+15550510002'
const CAROL = '+15550510003'
const MIB = 1024 * 1024

type Line = Record<string, unknown>
const lines = (stdout: string): Line[] => stdout.split('\n').filter(l => l.startsWith('{') || l.startsWith('[')).map(l => JSON.parse(l) as Line)
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

describe('parley: files', () => {
  let rig: CliRig
  let restarted: TestRelay | undefined
  const parley = async (name: string, args: string[], timeout = 120_000): Promise<{ code: number | null, stdout: string, stderr: string }> => await rig.parley([...rig.common(name), ...args], timeout)
  const ok = async (name: string, args: string[]): Promise<Line[]> => {
    const r = await parley(name, args)
    expect(r.stderr.split('\n').filter(l => l !== '' && !l.startsWith('{"type":"progress"'))).toEqual([])
    expect(r.code).toBe(0)
    return lines(r.stdout)
  }
  /** `parley …` as a child whose JSON stderr lines are watched; resolves when `until` sees one it wants */
  const watch = (name: string, args: string[], until: (l: Line) => boolean): { child: ReturnType<typeof spawn>, seen: Promise<Line>, exit: Promise<number | null> } => {
    const child = spawn(process.execPath, [CLI, ...rig.common(name), ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    const exit = new Promise<number | null>(resolve => child.once('exit', c => resolve(c)))
    const seen = new Promise<Line>((resolve, reject) => {
      let buf = ''
      child.stderr!.on('data', d => {
        buf += String(d)
        let nl: number
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl)
          buf = buf.slice(nl + 1)
          if (!line.startsWith('{')) continue
          const l = JSON.parse(line) as Line
          if (until(l)) resolve(l)
        }
      })
      void exit.then(c => reject(new Error(`exited (${String(c)}) before the awaited line`)))
    })
    return { child, seen, exit }
  }

  beforeAll(async () => {
    rig = await startCliRig([['alice', ALICE], ['bob', BOB], ['carol', CAROL]], 120_000)
    // alice and bob know each other (the first text makes the chat)
    await ok('alice', ['send', BOB, 'hi', '--json'])
    await ok('bob', ['receive', '--json'])
  }, 240_000)

  afterAll(async () => {
    // the relay restarted by the last test is another process than the rig's own
    if (restarted != null) await restarted.relay.stop()
    await rig?.stop()
  })

  it('24 MiB sent while the recipient is offline arrives byte-exact with receive --download; without it, download ID DIR fetches it later', async () => {
    const data = randomBytes(24 * MIB)
    const file = join(rig.dir.path, 'big.bin')
    await writeFile(file, data)
    const [sent] = await ok('alice', ['send', BOB, '--file', file, '--caption', 'the archive', '--json'])
    expect(sent).toMatchObject({ to: BOB, status: 'sent', attachment: { name: 'big.bin', size: 24 * MIB, sha256: sha(data), mime: 'application/octet-stream' } })

    const into = join(rig.dir.path, 'bob-files')
    const got = (await ok('bob', ['receive', '--json', '--download', into])).filter(l => l.type === 'message')
    expect(got).toEqual([expect.objectContaining({ id: sent.id, from: ALICE, text: 'the archive', attachment: { name: 'big.bin', size: 24 * MIB, mime: 'application/octet-stream', sha256: sha(data), kind: 'document', path: join(into, 'big.bin') } })])
    expect(sha(await readFile(join(into, 'big.bin')))).toBe(sha(data))
    expect(await readdir(into)).toEqual(['big.bin'])

    // a second file, received without --download: the line has no path; download fetches it
    const small = randomBytes(300_000)
    await writeFile(join(rig.dir.path, 'notes.pdf'), small)
    const [second] = await ok('alice', ['send', BOB, '--file', join(rig.dir.path, 'notes.pdf'), '--json'])
    const [line] = (await ok('bob', ['receive', '--json'])).filter(l => l.type === 'message')
    expect(line.attachment).toEqual({ name: 'notes.pdf', size: 300_000, mime: 'application/pdf', sha256: sha(small), kind: 'document' })
    const [fetched] = await ok('bob', ['download', second.id as string, into, '--json'])
    expect(fetched).toEqual({ id: second.id, attachment: { name: 'notes.pdf', size: 300_000, mime: 'application/pdf', sha256: sha(small), kind: 'document', path: join(into, 'notes.pdf') } })
    expect(sha(await readFile(join(into, 'notes.pdf')))).toBe(sha(small))
    const unknown = await parley('bob', ['download', 'ab'.repeat(16), into])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr.trim()).toBe('parley: there is no message with a file by that id on this device')
  }, 300_000)

  it('a photo goes re-encoded, without its location; a missing file or a number not on Parley is one clear line', async () => {
    const photo = join(rig.dir.path, 'IMG_0001.jpg')
    await sharp({ create: { width: 2400, height: 1800, channels: 3, background: { r: 30, g: 90, b: 160 } } })
      .jpeg().withMetadata({ exif: { IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1' } } }).toFile(photo)
    expect((await sharp(photo).metadata()).exif).toBeDefined()
    const [sent] = await ok('alice', ['send', BOB, '--file', photo, '--json'])
    expect(sent.attachment).toMatchObject({ name: 'IMG_0001.jpg', mime: 'image/jpeg', kind: 'photo' })
    const into = join(rig.dir.path, 'bob-photos')
    const [got] = (await ok('bob', ['receive', '--json', '--download', into])).filter(l => l.type === 'message')
    const saved = (got.attachment as { path: string }).path
    const meta = await sharp(saved).metadata()
    expect([meta.width, meta.height, meta.exif]).toEqual([1600, 1200, undefined])

    const missing = await parley('alice', ['send', BOB, '--file', join(rig.dir.path, 'nope.bin')])
    expect(missing.code).toBe(1)
    expect(missing.stderr.trim()).toBe('parley: The file is no longer on this device.')
    const stranger = await parley('alice', ['send', '+15550519999', '--file', photo])
    expect(stranger.code).toBe(1)
    expect(stranger.stderr.trim()).toMatch(/^parley: .*not on Parley/)
  }, 300_000)

  it('a group file reaches a member', async () => {
    const [created] = await ok('alice', ['group', 'create', 'Files', CAROL, '--json'])
    await ok('carol', ['receive', '--json'])
    const data = randomBytes(2 * MIB + 7)
    await writeFile(join(rig.dir.path, 'plan.zip'), data)
    const [sent] = await ok('alice', ['group', 'send', created.groupId as string, '--file', join(rig.dir.path, 'plan.zip'), '--caption', 'the plan', '--json'])
    expect(sent).toMatchObject({ group: created.groupId, status: 'sent', attachment: { name: 'plan.zip', sha256: sha(data) } })
    const into = join(rig.dir.path, 'carol-files')
    const got = (await ok('carol', ['receive', '--json', '--download', into])).filter(l => l.type === 'message')
    expect(got).toEqual([expect.objectContaining({ group: created.groupId, from: ALICE, text: 'the plan', attachment: expect.objectContaining({ sha256: sha(data), path: join(into, 'plan.zip') }) })])
    expect(sha(await readFile(join(into, 'plan.zip')))).toBe(sha(data))
  }, 300_000)

  it('the sender SIGKILLed mid-upload: run again, the upload goes on from the relay\'s chunks and the file arrives byte-exact', async () => {
    const data = randomBytes(16 * MIB)
    const file = join(rig.dir.path, 'killed.bin')
    await writeFile(file, data)
    const first = watch('alice', ['send', BOB, '--file', file, '--json'], l => l.type === 'progress' && (l.bytes as number) >= 4 * MIB)
    const at = await first.seen
    first.child.kill('SIGKILL')
    await first.exit
    // run again: the first progress it reports is past what the relay had committed, not 0
    const second = watch('alice', ['send', BOB, '--file', file, '--json'], l => l.type === 'progress')
    const resumed = await second.seen
    expect(resumed.bytes as number).toBeGreaterThanOrEqual(at.bytes as number)
    expect(await second.exit).toBe(0)
    const into = join(rig.dir.path, 'bob-killed')
    await ok('bob', ['receive', '--json', '--download', into])
    expect(sha(await readFile(join(into, 'killed.bin')))).toBe(sha(data))
  }, 300_000)

  it('the daemon sends a file, lists a received one with its attachment and downloads it (JSON-RPC)', async () => {
    const daemon = await startDaemon(CLI, rig.common('alice'))
    try {
      const data = randomBytes(3 * MIB)
      await writeFile(join(rig.dir.path, 'from-daemon.bin'), data)
      const sent = await daemon.rpc('sendFile', { to: BOB, path: join(rig.dir.path, 'from-daemon.bin'), caption: 'via rpc' })
      expect(sent.result).toMatchObject({ to: BOB, attachment: { name: 'from-daemon.bin', size: 3 * MIB, sha256: sha(data), kind: 'document' } })
      const into = join(rig.dir.path, 'bob-rpc')
      const [got] = (await ok('bob', ['receive', '--json', '--download', into])).filter(l => l.type === 'message')
      expect(got).toMatchObject({ text: 'via rpc', attachment: { sha256: sha(data) } })
      expect(sha(await readFile(join(into, 'from-daemon.bin')))).toBe(sha(data))

      const back = randomBytes(500_000)
      await writeFile(join(rig.dir.path, 'to-daemon.bin'), back)
      const [reply] = await ok('bob', ['send', ALICE, '--file', join(rig.dir.path, 'to-daemon.bin'), '--json'])
      const received = await retryUntil(async () => {
        const r = await daemon.rpc('receive', { timeout: 5 })
        const m = (r.result as Line[]).find(l => l.id === reply.id)
        if (m == null) throw new Error('not yet')
        return m
      }, { timeout: 60_000, interval: 200, what: 'the daemon receives the file message' })
      expect(received.attachment).toEqual({ name: 'to-daemon.bin', size: 500_000, mime: 'application/octet-stream', sha256: sha(back), kind: 'document' })
      const saved = await daemon.rpc('download', { id: reply.id, dir: join(rig.dir.path, 'alice-rpc') })
      expect(saved.result).toEqual({ id: reply.id, attachment: { name: 'to-daemon.bin', size: 500_000, mime: 'application/octet-stream', sha256: sha(back), kind: 'document', path: join(rig.dir.path, 'alice-rpc', 'to-daemon.bin') } })
      expect(sha(await readFile(join(rig.dir.path, 'alice-rpc', 'to-daemon.bin')))).toBe(sha(back))
      expect((await daemon.rpc('download', { id: 'ab'.repeat(16) })).error?.message).toBe('there is no message with a file by that id on this device')
    } finally {
      await daemon.stop()
    }
  }, 300_000)

  it('the relay SIGKILLed mid-download and restarted: the download goes on by itself and the file is byte-exact', async () => {
    const data = randomBytes(24 * MIB)
    const file = join(rig.dir.path, 'relay-killed.bin')
    await writeFile(file, data)
    const [sent] = await ok('alice', ['send', BOB, '--file', file, '--json'])
    await ok('bob', ['receive', '--json'])
    const into = join(rig.dir.path, 'bob-relay')
    const dl = watch('bob', ['download', sent.id as string, into, '--json'], l => l.type === 'progress' && (l.bytes as number) >= 4 * MIB)
    await dl.seen
    await rig.relay.relay.kill()
    restarted = await restartTestRelay(rig.relay)
    expect(await dl.exit).toBe(0)
    expect(sha(await readFile(join(into, 'relay-killed.bin')))).toBe(sha(data))
  }, 300_000)
})
