// `parley` CLI registration against a real relay process with the log SMS gateway: register, verify, whoami, lookup.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import { startRelayProcess, type RelayProcess } from '../../scripts/relay-process.js'
import { PROJECT_ROOT } from '../../scripts/paths.js'
import { tempDir } from '../helpers/tmp.js'
import { runToExit } from '../helpers/process.js'
import { smsInbox } from '../helpers/sms.js'

const CLI = join(PROJECT_ROOT, 'bin', 'parley.js')

async function parley (args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> {
  return await runToExit(CLI, args, { timeout: 60_000 })
}

describe('parley register / verify / whoami / lookup', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let relay: RelayProcess
  const sms = smsInbox()

  beforeAll(async () => {
    dir = await tempDir()
    relay = await startRelayProcess({
      dataDir: join(dir.path, 'relay'),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      args: ['--verifier', '--sms-gateway', 'log'],
      onEvent: sms.onEvent
    })
  })

  afterAll(async () => {
    await relay?.stop()
    await dir?.remove()
  })

  const common = (name: string): string[] => ['--data', join(dir.path, name), '--bootstrap', relay.addr('tcp'), '--trusted-verifier', String(relay.listening.verifierKey)]

  it('registers a number, shows it in whoami, and another device finds it verified', async () => {
    const before = sms.count
    const reg = await parley([...common('alice'), 'register', '+1 (555) 000-1111', '--json'])
    expect(reg.stderr).toBe('')
    expect(reg.code).toBe(0)
    expect(JSON.parse(reg.stdout)).toMatchObject({ phone: '+15550001111' })
    const code = await sms.next('+15550001111', before)

    const wrong = await parley([...common('alice'), 'verify', code === '000000' ? '111111' : '000000'])
    expect(wrong.code).not.toBe(0)
    expect(wrong.stderr.trim()).toMatch(/^parley: wrong code; 4 tries left$/)

    const ok = await parley([...common('alice'), 'verify', code, '--json'])
    expect(ok.code).toBe(0)
    expect(JSON.parse(ok.stdout)).toMatchObject({ phone: '+15550001111', registered: true })

    const who = await parley([...common('alice'), 'whoami', '--json'])
    const me = JSON.parse(who.stdout)
    expect(me).toMatchObject({ registered: true, phone: '+15550001111' })
    expect(me.identityKey).toMatch(/^[0-9a-f]{64}$/)
    expect(me.peerId).toMatch(/^12D3Koo/)
    expect(me.safetyNumberSeed).toMatch(/^\d{30}$/)

    const look = await parley([...common('bob'), 'lookup', '+15550001111', '(555) 000-9999', 'not a number', '--region', 'US', '--json'])
    expect(look.code).toBe(0)
    const lines = look.stdout.trim().split('\n').map(l => JSON.parse(l))
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatchObject({ phone: '+15550001111', registered: true, identityKey: me.identityKey, verified: true })
    expect(lines[1]).toMatchObject({ phone: '+15550009999', registered: false })
    expect(lines[2]).toMatchObject({ registered: false, status: 'invalid' })
  })

  it('errors are one clear line and a non-zero exit', async () => {
    const noPending = await parley([...common('carol'), 'verify', '123456'])
    expect(noPending.code).not.toBe(0)
    expect(noPending.stderr.trim()).toMatch(/^parley: no verification code was requested/)

    const badNumber = await parley([...common('carol'), 'register', '12'])
    expect(badNumber.code).not.toBe(0)
    expect(badNumber.stderr.trim()).toMatch(/^parley: not a valid phone number/)

    const noRelay = await parley(['--data', join(dir.path, 'dave'), '--trusted-verifier', String(relay.listening.verifierKey), '--bootstrap', '/ip4/127.0.0.1/tcp/1/p2p/12D3KooWL1uF962dm3Tdb7AzfCcAihEyeoX7Ti5cLb8w995q5W3X', '--timeout', '20', 'register', '+15550003333'])
    expect(noRelay.code).not.toBe(0)
    expect(noRelay.stderr.trim()).toMatch(/^parley: no relay reachable/)

    const usage = await parley(['--data', join(dir.path, 'dave'), 'frobnicate'])
    expect(usage.code).toBe(2)
    expect(usage.stderr.trim()).toMatch(/^parley: unknown command 'frobnicate'/)
  })
})
