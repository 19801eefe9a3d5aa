// A browser user and a Node CLI user (`parley register/verify/send/receive` as processes) on one relay talk both ways.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { PROJECT_ROOT } from '../../scripts/paths.js'
import { startWebRig, testid, type WebRig, type WebPerson } from '../helpers/web-app.js'
import { tempDir } from '../helpers/tmp.js'
import { runToExit } from '../helpers/process.js'
import { retryUntil } from '../helpers/wait.js'

const CLI = join(PROJECT_ROOT, 'bin', 'parley.js')
const ALICE: WebPerson = { profile: 'alice', national: '07700 900031', e164: '+447700900031', name: 'Alice' }
const CAROL = '+447700900032'

describe('web client and the CLI', () => {
  let rig: WebRig
  let dir: Awaited<ReturnType<typeof tempDir>>
  let alice: Page
  const parley = async (args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> =>
    await runToExit(CLI, ['--data', join(dir.path, 'carol'), '--bootstrap', rig.relay.addr('tcp'), '--trusted-verifier', String(rig.relay.listening.verifierKey), ...args], { timeout: 60_000 })

  beforeAll(async () => {
    rig = await startWebRig()
    dir = await tempDir('parley-web-cli-')
  })

  afterAll(async () => {
    await rig?.stop()
    await dir?.remove()
  })

  it('a browser user and a CLI user talk both ways', async () => {
    alice = await rig.open(ALICE)
    const before = rig.inbox.count
    const [, registered] = await Promise.all([
      rig.onboard(alice, ALICE),
      (async () => {
        expect((await parley(['register', CAROL])).code).toBe(0)
        return await parley(['verify', await rig.inbox.next(CAROL, before), '--json'])
      })()
    ])
    expect(registered.stderr).toBe('')
    expect(JSON.parse(registered.stdout)).toMatchObject({ phone: CAROL, registered: true })

    // CLI → browser
    const sent = await parley(['send', ALICE.e164, 'Hello from the terminal', '--json'])
    expect(sent.code).toBe(0)
    const row = testid(alice, 'chat-row', `[data-phone="${CAROL}"]`)
    await row.locator('[data-testid="chat-last"]').filter({ hasText: 'Hello from the terminal' }).waitFor({ timeout: 30_000 })
    await row.click()
    await testid(alice, 'message', '[data-direction="in"]').filter({ hasText: 'Hello from the terminal' }).waitFor({ timeout: 10_000 })

    // browser → CLI: the reply reaches Carol's mailbox, `receive --json` prints it
    await testid(alice, 'composer').fill('Hello from the browser')
    await testid(alice, 'composer').press('Enter')
    await alice.locator('[data-testid="message"][data-direction="out"] [data-testid="ticks"][data-state="sent"], [data-testid="message"][data-direction="out"] [data-testid="ticks"][data-state="delivered"]').first().waitFor({ timeout: 30_000 })
    const got = await retryUntil(async () => {
      const r = await parley(['receive', '--json'])
      expect(r.code).toBe(0)
      const messages = r.stdout.trim().split('\n').filter(l => l !== '').map(l => JSON.parse(l)).filter(l => l.type === 'message')
      if (messages.length === 0) throw new Error('nothing yet')
      return messages
    }, { timeout: 45_000, interval: 500, what: 'the CLI receives the reply' })
    expect(got).toEqual([expect.objectContaining({ from: ALICE.e164, text: 'Hello from the browser' })])
    // Carol's device acknowledged it before its one-shot `receive` ended: the browser's tick reaches delivered
    // with no further run of the CLI (receive flushes its outbox at exit)
    const delivered = alice.locator('[data-testid="message"][data-direction="out"] [data-testid="ticks"][data-state="delivered"]')
    await delivered.waitFor({ timeout: 15_000 })
    expect(rig.pageErrors).toEqual([])
  })
})
