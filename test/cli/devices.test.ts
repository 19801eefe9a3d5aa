// `parley link` and `parley devices link|list|remove` as processes against a real relay process: the contract scripts rely on (a parley-link: line first, then the number; one JSON object per device), transcripts in `receive --json`, removal.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { startDaemon } from '../helpers/daemon.js'
import { CLI, startCliRig, type CliRig } from './rig.js'

const ALICE = '+15550620001'
const BOB = '+15550620002'

describe('parley link / devices', () => {
  let rig: CliRig
  const common = (name: string): string[] => rig.common(name)
  const parley = async (args: string[], timeout = 90_000): Promise<{ code: number | null, stdout: string, stderr: string }> => await rig.parley(args, timeout)
  const lines = (stdout: string): Array<Record<string, unknown>> => stdout.trim().split('\n').filter(Boolean).map(l => JSON.parse(l))

  beforeAll(async () => {
    rig = await startCliRig([['alice', ALICE], ['bob', BOB]])
  }, 120_000)

  afterAll(async () => {
    await rig?.stop()
  })

  it('link prints a parley-link: line first and the number once approved; devices list --json lists both; transcripts and removal reach the new device', async () => {
    // the new device: its first stdout line is the code, then it waits
    const link = spawn(process.execPath, [CLI, ...common('laptop'), 'link'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    link.stderr.on('data', d => { stderr += String(d) })
    const out = createInterface({ input: link.stdout })
    const stdoutLines: string[] = []
    const exited = new Promise<number | null>(resolve => link.once('exit', code => resolve(code)))
    const first = await new Promise<string>((resolve, reject) => {
      out.on('line', line => { stdoutLines.push(line); if (stdoutLines.length === 1) resolve(line) })
      exited.then(code => reject(new Error(`link exited (${code}) before printing a code: ${stderr}`)), () => {})
    })
    expect(first).toMatch(/^parley-link:[A-Za-z0-9_-]+$/)

    // the existing device approves it
    const approved = await parley([...common('alice'), 'devices', 'link', first, '--name', 'CLI laptop', '--json'])
    expect(approved.stderr).toBe('')
    expect(approved.code).toBe(0)
    expect(JSON.parse(approved.stdout)).toMatchObject({ deviceId: 2, name: 'CLI laptop' })

    expect(await exited).toBe(0)
    expect(stdoutLines).toEqual([first, ALICE])

    // both devices, as the contract says: one object per device with exactly these fields
    const listed = await parley([...common('alice'), 'devices', 'list', '--json'])
    expect(listed.code).toBe(0)
    const devices = lines(listed.stdout)
    expect(devices.map(d => Object.keys(d).sort())).toEqual([['current', 'deviceId', 'lastSeen', 'name', 'peerId'], ['current', 'deviceId', 'lastSeen', 'name', 'peerId']])
    expect(devices.map(d => [d.deviceId, d.name, d.current])).toEqual([[1, 'This device', true], [2, 'CLI laptop', false]])
    const fromLaptop = lines((await parley([...common('laptop'), 'devices', 'list', '--json'])).stdout)
    expect(fromLaptop.find(d => d.current)).toMatchObject({ deviceId: 2, name: 'CLI laptop' })

    // a text sent from alice's first device shows on the laptop as sent
    const sent = await parley([...common('alice'), 'send', BOB, 'from', 'the', 'first', 'device', '--json'])
    expect(sent.code).toBe(0)
    const id = JSON.parse(sent.stdout).id
    const got = await parley([...common('laptop'), 'receive', '--json'])
    expect(got.code).toBe(0)
    expect(lines(got.stdout)).toContainEqual(expect.objectContaining({ type: 'sent', to: BOB, id, text: 'from the first device' }))

    // bob's reply reaches both of alice's devices
    expect((await parley([...common('bob'), 'receive', '--json'])).code).toBe(0)
    const reply = await parley([...common('bob'), 'send', ALICE, 'hello both', '--json'])
    expect(reply.code).toBe(0)
    const replyId = JSON.parse(reply.stdout).id
    for (const device of ['alice', 'laptop']) {
      const r = await parley([...common(device), 'receive', '--json'])
      expect(lines(r.stdout)).toContainEqual(expect.objectContaining({ type: 'message', id: replyId, from: BOB, text: 'hello both' }))
    }

    // removal: the laptop is dropped, and learns it at its next run
    const removed = await parley([...common('alice'), 'devices', 'remove', '2'])
    expect(removed.code).toBe(0)
    expect(lines((await parley([...common('alice'), 'devices', 'list', '--json'])).stdout).map(d => d.deviceId)).toEqual([1])
    const after = await parley([...common('laptop'), 'receive', '--json'])
    expect(after.code).toBe(1)
    expect(after.stderr).toContain('this device was removed from your account')
  }, 400_000)

  it('bad input: a damaged code, an unknown device id, a device that already has an account', async () => {
    const bad = await parley([...common('alice'), 'devices', 'link', 'parley-link:nonsense'])
    expect(bad.code).toBe(1)
    expect(bad.stderr.trim()).toBe('parley: this is not a Parley link code: copy the whole parley-link: text from the new device')
    const unknown = await parley([...common('alice'), 'devices', 'remove', '9'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr.trim()).toBe('parley: no such device among your linked devices')
    const taken = await parley([...common('bob'), 'link'])
    expect(taken.code).toBe(1)
    expect(taken.stderr.trim()).toBe('parley: this device already has an account: link from an empty data folder (or browser profile)')
  }, 120_000)

  it('daemon: devices, linkDevice and removeDevice over JSON-RPC, with clear errors', async () => {
    const daemon = await startDaemon(CLI, common('alice'))
    const { rpc } = daemon
    try {
      const listed = (await rpc('devices', { refresh: true })).result
      expect(listed.map((d: { deviceId: number, current: boolean }) => [d.deviceId, d.current])).toEqual([[1, true]])
      expect((await rpc('linkDevice', { uri: 'parley-link:nonsense' })).error).toMatchObject({ code: -32000, data: { name: 'InvalidLinkCodeError' } })
      expect((await rpc('linkDevice', {})).error).toMatchObject({ code: -32602 })
      expect((await rpc('removeDevice', { deviceId: 'two' })).error).toMatchObject({ code: -32602 })
      expect((await rpc('removeDevice', { deviceId: 42 })).error).toMatchObject({ data: { name: 'UnknownDeviceError' } })
      expect((await rpc('renameDevice', { deviceId: 1, name: 'Desk' })).result).toEqual({ deviceId: 1, name: 'Desk' })
      expect((await rpc('devices')).result[0]).toMatchObject({ deviceId: 1, name: 'Desk' })
    } finally {
      await daemon.stop()
    }
  }, 120_000)
})
