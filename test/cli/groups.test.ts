// `parley group …` and `parley broadcast …` as processes against a real relay process: a group is created, its members learn it from their mailboxes, a group message goes through the relay's group store and is printed by `receive --json` as {"type":"message","group":…}, the sender sees receipts; removal, info, list; a broadcast list sends 1:1.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { createHash, randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startCliRig, type CliRig } from './rig.js'

const ALICE = '+15550410001'
const BOB = '+15550410002'
const CAROL = '+15550410003'

type Line = Record<string, unknown>
const lines = (stdout: string): Line[] => stdout.split('\n').filter(l => l.startsWith('{') || l.startsWith('[')).map(l => JSON.parse(l) as Line)

describe('parley group / broadcast', () => {
  let rig: CliRig
  const parley = async (name: string, args: string[], timeout = 60_000): Promise<{ code: number | null, stdout: string, stderr: string }> => await rig.parley([...rig.common(name), ...args], timeout)
  /** runs a command that must succeed, and returns its JSON lines */
  const ok = async (name: string, args: string[]): Promise<Line[]> => {
    const r = await parley(name, args)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    return lines(r.stdout)
  }

  beforeAll(async () => {
    rig = await startCliRig([['alice', ALICE], ['bob', BOB], ['carol', CAROL]])
  }, 180_000)

  afterAll(async () => {
    await rig?.stop()
  })

  it('create, members learn it, a message reaches each through the relay, receipts come back, then a removal', async () => {
    const [created] = await ok('alice', ['group', 'create', 'Climbing', BOB, CAROL, '--json'])
    const groupId = created.groupId as string
    expect(groupId).toMatch(/^[0-9a-f]{64}$/)
    expect(created).toMatchObject({ name: 'Climbing', role: 'admin', members: [{ phone: ALICE, role: 'admin' }, { phone: BOB, role: 'member' }, { phone: CAROL, role: 'member' }] })

    // the members learn the group from their mailboxes (and send their sender keys back)
    for (const name of ['bob', 'carol']) {
      expect(await ok(name, ['receive', '--json'])).toContainEqual(expect.objectContaining({ type: 'group', group: groupId, name: 'Climbing', active: true }))
    }
    const infos = await Promise.all(['alice', 'bob', 'carol'].map(async n => (await ok(n, ['group', 'info', groupId, '--json']))[0]))
    expect(new Set(infos.map(i => i.stateHash)).size).toBe(1)
    expect((await ok('bob', ['group', 'list', '--json']))[0]).toEqual([{ groupId, name: 'Climbing', members: 3, active: true, role: 'member' }])

    const [sent] = await ok('alice', ['group', 'send', groupId, 'hello', 'climbers', '--json'])
    expect(sent).toMatchObject({ group: groupId, status: 'sent' })
    for (const name of ['bob', 'carol']) {
      const got = (await ok(name, ['receive', '--json'])).filter(l => l.type === 'message')
      expect(got).toEqual([expect.objectContaining({ type: 'message', group: groupId, from: ALICE, text: 'hello climbers', id: sent.id })])
    }
    // the members' delivered receipts reach alice
    await ok('alice', ['receive', '--json'])
    const history = await ok('alice', ['group', 'info', groupId, '--json'])
    expect(history[0].members).toHaveLength(3)

    // bob replies: alice and carol get it
    await ok('bob', ['group', 'send', groupId, 'hi', 'alice'])
    expect((await ok('alice', ['receive', '--json'])).filter(l => l.type === 'message')).toEqual([expect.objectContaining({ group: groupId, from: BOB, text: 'hi alice' })])

    // a plain member cannot remove anyone; the admin can
    const refused = await parley('bob', ['group', 'remove', groupId, CAROL])
    expect(refused.code).toBe(1)
    expect(refused.stderr.trim()).toMatch(/^parley: .*admin/i)
    const [after] = await ok('alice', ['group', 'remove', groupId, CAROL, '--json'])
    expect((after.members as Line[]).map(m => m.phone)).toEqual([ALICE, BOB])
    expect(await ok('carol', ['receive', '--json'])).toContainEqual(expect.objectContaining({ type: 'group', group: groupId, active: false }))
    await ok('bob', ['receive', '--json'])
    await ok('alice', ['group', 'send', groupId, 'without', 'carol'])
    expect((await ok('bob', ['receive', '--json'])).filter(l => l.type === 'message')).toEqual([expect.objectContaining({ text: 'without carol' })])
    expect((await ok('carol', ['receive', '--json'])).filter(l => l.type === 'message')).toEqual([])
    const carolSends = await parley('carol', ['group', 'send', groupId, 'let me back'])
    expect(carolSends.code).toBe(1)
    expect(carolSends.stderr.trim()).toBe('parley: You are no longer a member of this group')

    // the admin's invite link lets carol back in: alice hands her the log, carol signs her join
    const [invite] = await ok('alice', ['group', 'invite', groupId, '--json'])
    expect(invite.link).toMatch(/^parley-group:[0-9a-f]{64}\?s=[0-9a-f]{64}&m=/)
    await ok('bob', ['receive', '--json'])
    expect(await ok('carol', ['group', 'join', invite.link as string, '--json'])).toEqual([{ groupId, requested: true }])
    await ok('alice', ['receive', '--json'])
    expect(await ok('carol', ['receive', '--json'])).toContainEqual(expect.objectContaining({ type: 'group', group: groupId, active: true }))
    await ok('alice', ['receive', '--json'])
    await ok('bob', ['receive', '--json'])
    await ok('carol', ['group', 'send', groupId, 'back', 'again'])
    expect((await ok('bob', ['receive', '--json'])).filter(l => l.type === 'message')).toEqual([expect.objectContaining({ from: CAROL, text: 'back again' })])
  }, 300_000)

  it('an admin sets the group photo from a file: members get the image; a file that is no image is one clear line; then it is removed', async () => {
    const [created] = await ok('alice', ['group', 'create', 'Photos', BOB, '--json'])
    const groupId = created.groupId as string
    await ok('bob', ['receive', '--json'])
    const image = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(2000)])
    const file = join(rig.dir.path, 'group.jpg')
    await writeFile(file, image)
    const sha = createHash('sha256').update(image).digest('hex')
    const [set] = await ok('alice', ['group', 'photo', groupId, file, '--json'])
    expect(set).toMatchObject({ groupId, photo: true, photoSha256: sha })
    await ok('bob', ['receive', '--json'])
    expect((await ok('bob', ['group', 'info', groupId, '--json']))[0]).toMatchObject({ photo: true, photoSha256: sha })

    const text = join(rig.dir.path, 'notes.txt')
    await writeFile(text, 'not a photo')
    const refused = await parley('alice', ['group', 'photo', groupId, text])
    expect(refused.code).toBe(1)
    expect(refused.stderr.trim()).toBe('parley: The group photo must be a JPEG or PNG image of at most 64 KiB.')
    const missing = await parley('alice', ['group', 'photo', groupId, join(rig.dir.path, 'nope.jpg')])
    expect(missing.code).toBe(1)
    expect(missing.stderr.trim()).toMatch(/^parley: cannot read .*nope\.jpg: ENOENT$/)
    expect((await ok('alice', ['group', 'info', groupId, '--json']))[0]).toMatchObject({ photoSha256: sha })

    const [removed] = await ok('alice', ['group', 'photo', groupId, '--json'])
    expect(removed).toMatchObject({ photo: false })
    expect(removed.photoSha256).toBeUndefined()
    await ok('bob', ['receive', '--json'])
    expect((await ok('bob', ['group', 'info', groupId, '--json']))[0]).toMatchObject({ photo: false })
  }, 180_000)

  it('a broadcast list sends 1:1 to each contact; unknown group ids are one clear line', async () => {
    const [list] = await ok('alice', ['broadcast', 'create', 'Family', BOB, CAROL, '--json'])
    expect(list).toMatchObject({ name: 'Family', phones: [BOB, CAROL] })
    const [sent] = await ok('alice', ['broadcast', 'send', list.broadcastId as string, 'dinner', 'at', '8', '--json'])
    expect((sent.sent as Line[]).map(s => s.phone)).toEqual([BOB, CAROL])
    for (const name of ['bob', 'carol']) {
      // each sees a normal 1:1 chat with alice
      expect((await ok(name, ['receive', '--json'])).filter(l => l.type === 'message')).toEqual([expect.objectContaining({ from: ALICE, text: 'dinner at 8' })])
    }
    const unknown = await parley('alice', ['group', 'send', 'ab'.repeat(32), 'hi'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr.trim()).toBe('parley: There is no such group on this device')
    const usage = await parley('alice', ['group', 'frobnicate'])
    expect(usage.code).toBe(2)
  }, 180_000)
})
