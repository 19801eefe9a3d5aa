// `parley send`, `receive` and `daemon` as processes against a real relay process: a message goes out, is received and acknowledged, the receipt comes back; the daemon answers JSON-RPC.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import { writeFile } from 'node:fs/promises'
import { spawn } from 'node:child_process'
import { startDaemon } from '../helpers/daemon.js'
import { CLI, startCliRig, type CliRig } from './rig.js'
import { runToExit } from '../helpers/process.js'

const ALICE = '+15550400001'
const BOB = '+15550400002'

describe('parley send / receive / daemon', () => {
  let rig: CliRig
  const common = (name: string): string[] => rig.common(name)
  const parley = async (args: string[], timeout = 60_000): Promise<{ code: number | null, stdout: string, stderr: string }> => await rig.parley(args, timeout)

  beforeAll(async () => {
    rig = await startCliRig([['alice', ALICE], ['bob', BOB]])
  }, 120_000)

  afterAll(async () => {
    await rig?.stop()
  })

  it('send prints the id once a relay has it; receive prints it as JSON and acks; the sender then sees it delivered', async () => {
    const sent = await parley([...common('alice'), 'send', BOB, 'hello', 'from', 'the', 'cli', '--json'])
    expect(sent.stderr).toBe('')
    expect(sent.code).toBe(0)
    const s = JSON.parse(sent.stdout)
    expect(s).toMatchObject({ to: BOB, status: expect.stringMatching(/^(sent|delivered)$/) })
    expect(s.id).toMatch(/^[0-9a-f]{32}$/)

    const got = await parley([...common('bob'), 'receive', '--json'])
    expect(got.code).toBe(0)
    const lines = got.stdout.trim().split('\n').map(l => JSON.parse(l)).filter(l => l.type === 'message')
    expect(lines).toEqual([expect.objectContaining({ id: s.id, from: ALICE, text: 'hello from the cli' })])

    // acknowledged: a second receive gets nothing
    const again = await parley([...common('bob'), 'receive', '--json'])
    expect(again.code).toBe(0)
    expect(again.stdout.split('\n').filter(l => l.includes('"type":"message"'))).toEqual([])

    const receipts = await parley([...common('alice'), 'receive', '--json'])
    expect(receipts.code).toBe(0)
    expect(receipts.stdout.split('\n').filter(Boolean).map(l => JSON.parse(l))).toContainEqual({ type: 'receipt', phone: BOB, id: s.id, status: 'delivered' })
  }, 120_000)

  it('errors are one clear line: unknown number, no text', async () => {
    const unknown = await parley([...common('alice'), 'send', '+15550409999', 'hi'])
    expect(unknown.code).not.toBe(0)
    expect(unknown.stderr.trim()).toBe('parley: that number is not on Parley')
    const noText = await parley([...common('alice'), 'send', BOB])
    expect(noText.code).toBe(2)
    expect(noText.stderr.trim()).toMatch(/^parley: send takes a phone number and the text$/)
  }, 60_000)

  it('chat: shows history, sends typed lines with ticks, and leaves on end of input', async () => {
    const chat = spawn(process.execPath, [CLI, ...common('alice'), 'chat', BOB], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    const sawTick = new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no tick in: ${stdout}`)), 30_000)
      chat.stdout.on('data', d => {
        stdout += String(d)
        if (stdout.includes('— chatting with')) chat.stdin.write('typed in the chat\n')
        if (/✓+( read)?\s+typed in the chat/.test(stdout)) { clearTimeout(t); resolve() }
      })
    })
    await sawTick
    chat.stdin.end()
    const code = await new Promise<number | null>(resolve => chat.once('exit', c => resolve(c)))
    expect(code).toBe(0)
    expect(stdout).toContain('you: hello from the cli')
    const got = await parley([...common('bob'), 'receive', '--json'])
    expect(got.stdout.split('\n').filter(Boolean).map(l => JSON.parse(l))).toContainEqual(expect.objectContaining({ type: 'message', from: ALICE, text: 'typed in the chat' }))
  }, 90_000)

  it('profile: a name set with the CLI reaches a contact (receive --json, chat header); a bad photo or name is one clear line', async () => {
    const set = await parley([...common('alice'), 'profile', 'name', 'Alice', 'Liddell', '--json'])
    expect(set.stderr).toBe('')
    expect(set.code).toBe(0)
    expect(JSON.parse(set.stdout.trim().split('\n').at(-1)!)).toMatchObject({ name: 'Alice Liddell', photoBytes: 0, updatedAt: expect.any(Number) })

    // alice wrote to bob before: the new name is queued for him and waits at his relay
    const got = await parley([...common('bob'), 'receive', '--json'])
    expect(got.code).toBe(0)
    expect(got.stdout.split('\n').filter(Boolean).map(l => JSON.parse(l))).toContainEqual({ type: 'profile', phone: ALICE, name: 'Alice Liddell', photoBytes: 0, updatedAt: expect.any(Number) })
    const chat = await runToExit(CLI, [...common('bob'), 'chat', ALICE], { timeout: 60_000 })
    expect(chat.code).toBe(0)
    expect(chat.stdout).toContain(`— chatting with Alice Liddell (${ALICE})`)

    const notImage = join(rig.dir.path, 'photo.txt')
    await writeFile(notImage, 'not a picture')
    const bad = await parley([...common('alice'), 'profile', 'photo', notImage])
    expect(bad.code).toBe(1)
    expect(bad.stderr.trim()).toBe('parley: the photo must be a JPEG or PNG image')
    const spoof = await parley([...common('alice'), 'profile', 'name', 'Alice \u202Eknab'])
    expect(spoof.code).toBe(1)
    expect(spoof.stderr.trim()).toBe('parley: the name must not contain text direction controls')
    // nothing changed
    const shown = await parley([...common('alice'), 'profile', '--json'])
    expect(JSON.parse(shown.stdout.trim())).toMatchObject({ name: 'Alice Liddell', photoBytes: 0 })
  }, 120_000)

  it('daemon: JSON-RPC send, lookup, history and receive with long-poll', async () => {
    const daemon = await startDaemon(CLI, common('bob'))
    const { rpc } = daemon
    try {
      expect((await rpc('lookup', { phone: ALICE })).result).toMatchObject({ phone: ALICE, registered: true })
      expect((await rpc('nope')).error).toMatchObject({ code: -32601 })
      expect((await rpc('send', { to: BOB })).error).toMatchObject({ code: -32602 })

      const sent = (await rpc('send', { to: ALICE, text: 'from the daemon' })).result
      expect(sent.id).toMatch(/^[0-9a-f]{32}$/)
      const got = await parley([...common('alice'), 'receive', '--json'])
      expect(got.stdout.split('\n').filter(Boolean).map(l => JSON.parse(l))).toContainEqual(expect.objectContaining({ type: 'message', id: sent.id, from: BOB, text: 'from the daemon' }))

      const poll = rpc('receive', { timeout: 30 })
      const reply = await parley([...common('alice'), 'send', BOB, 'answer for the daemon'])
      expect(reply.code).toBe(0)
      const received = (await poll).result
      expect(received).toEqual([expect.objectContaining({ from: ALICE, text: 'answer for the daemon' })])
      const history = (await rpc('history', { phone: ALICE, limit: 10 })).result
      expect(history.map((m: { text: string }) => m.text)).toContain('from the daemon')
    } finally {
      await daemon.stop()
    }
  }, 120_000)
})
