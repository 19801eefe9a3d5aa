// `parley send` with no relay up: within SEND_WAIT_MS it says the message is queued (exit 3, status pending), and the next run of parley delivers it once the relay is back.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import { PROJECT_ROOT } from '../../scripts/paths.js'
import { tempDir } from '../helpers/tmp.js'
import { runToExit } from '../helpers/process.js'
import { restartTestRelay, startTestRelay, type TestRelay } from '../messaging/helpers.js'
import { EXIT_QUEUED } from '../../src/cli/messaging.js'

const CLI = join(PROJECT_ROOT, 'bin', 'parley.js')
const ALICE = '+15550820001'
const BOB = '+15550820002'

describe('parley send while no relay is up', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let relay: TestRelay
  let pin: string
  const parley = async (name: string, args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> =>
    await runToExit(CLI, ['--data', join(dir.path, name), '--bootstrap', relay.relay.addr('tcp'), '--trusted-verifier', pin, ...args], { timeout: 90_000 })
  const messages = (stdout: string): Array<Record<string, unknown>> =>
    stdout.split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l) as Record<string, unknown>).filter(l => l.type === 'message')

  async function register (name: string, phone: string): Promise<void> {
    const before = relay.sms.count
    expect((await parley(name, ['register', phone])).code).toBe(0)
    expect((await parley(name, ['verify', await relay.sms.next(phone, before)])).code).toBe(0)
  }

  beforeAll(async () => {
    dir = await tempDir()
    relay = await startTestRelay(join(dir.path, 'relay'))
    pin = relay.relay.listening.verifierKey as string
    await register('alice', ALICE)
    await register('bob', BOB)
  }, 120_000)

  afterAll(async () => {
    await relay?.relay.stop()
    await dir?.remove()
  })

  it('says "queued" with exit 3 instead of hanging, and the message goes out at the next run', async () => {
    expect((await parley('alice', ['send', BOB, 'first, with the relay up'])).code).toBe(0)
    expect(messages((await parley('bob', ['receive', '--json'])).stdout)).toContainEqual(expect.objectContaining({ text: 'first, with the relay up' }))

    await relay.relay.stop()
    const queued = await parley('alice', ['send', BOB, 'while the relay is down', '--json'])
    expect(queued.code).toBe(EXIT_QUEUED)
    const line = JSON.parse(queued.stdout.trim().split('\n').at(-1)!)
    expect(line).toMatchObject({ to: BOB, status: 'pending' })
    expect(queued.stderr.trim().split('\n').at(-1)).toMatch(/^parley: no relay or device could take the message yet; it is saved and goes out the next time parley runs/)

    relay = await restartTestRelay(relay)
    // any run of parley on alice's device sends what is queued
    expect((await parley('alice', ['receive'])).code).toBe(0)
    const atBob = messages((await parley('bob', ['receive', '--json'])).stdout)
    expect(atBob).toContainEqual(expect.objectContaining({ id: line.id, from: ALICE, text: 'while the relay is down' }))
  }, 180_000)
})
