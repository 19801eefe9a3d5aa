// The web client end to end: two browser profiles onboard against a real relay (log SMS gateway), chat both ways with live ticks and typing, mail for a closed tab arrives when it reopens, reload keeps everything.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startRelayProcess, type RelayProcess } from '../../scripts/relay-process.js'
import { startWebServer } from '../../scripts/web-server.js'
import { tempDir } from '../helpers/tmp.js'
import { launchChromium } from '../helpers/chromium.js'
import { smsInbox } from '../helpers/sms.js'
import { retryUntil } from '../helpers/wait.js'
import type { Parley } from '../../src/index.js'
import type { multiaddr } from '@multiformats/multiaddr'

declare global {
  // what the page exposes (web/src/main.tsx)
  var parley: { parley: Parley, multiaddr: typeof multiaddr } | undefined
}

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
const ALICE = { profile: 'alice', national: '07700 900001', e164: '+447700900001', name: 'Alice' }
const BOB = { profile: 'bob', national: '07700 900002', e164: '+447700900002', name: 'Bob' }
type Person = typeof ALICE

describe('web client', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let relay: RelayProcess
  let web: Awaited<ReturnType<typeof startWebServer>>
  let browser: Browser
  let context: BrowserContext
  let alice: Page
  let bob: Page
  const inbox = smsInbox()
  const pageErrors: string[] = []

  const open = async (who: Person, hash = ''): Promise<Page> => {
    const page = await context.newPage()
    page.on('pageerror', err => pageErrors.push(`${who.profile}: ${err.message}`))
    await page.goto(`${web.url}/?profile=${who.profile}${hash}`)
    return page
  }

  const testid = (page: Page, id: string, attrs = ''): ReturnType<Page['locator']> => page.locator(`[data-testid="${id}"]${attrs}`)

  const onboard = async (page: Page, who: Person, screenshot?: string): Promise<void> => {
    await testid(page, 'onboarding', '[data-state="phone"]').waitFor({ timeout: 20_000 })
    // registration needs a relay: wait until the page says it is connected
    await testid(page, 'onboarding-offline').waitFor({ state: 'detached', timeout: 20_000 })
    // and reachable through it (a relay reservation), so the other tab can dial this one directly
    await page.waitForFunction(() => globalThis.parley?.parley.node.getMultiaddrs().some(a => a.toString().includes('/p2p-circuit')) === true, null, { timeout: 20_000 })
    await testid(page, 'country').selectOption('GB')
    await testid(page, 'phone').fill(who.national)
    const after = inbox.count
    await testid(page, 'send-code').click()
    const code = await inbox.next(who.e164, after)
    await testid(page, 'onboarding', '[data-state="code"]').waitFor({ timeout: 20_000 })
    expect(await testid(page, 'local-code-hint').textContent()).toContain('npm start')
    await testid(page, 'code').fill(code)
    if (screenshot != null) await page.screenshot({ path: join(SCREENSHOTS, screenshot) })
    await testid(page, 'verify').click()
    await testid(page, 'onboarding', '[data-state="name"]').waitFor({ timeout: 30_000 })
    expect(await testid(page, 'registered-phone').textContent()).toBe('+44 7700 900001'.replace('900001', who.e164.slice(-6)))
    await testid(page, 'name').fill(who.name)
    await testid(page, 'save-name').click()
    await testid(page, 'app', '[data-state="ready"]').waitFor({ timeout: 10_000 })
  }

  beforeAll(async () => {
    dir = await tempDir()
    await mkdir(SCREENSHOTS, { recursive: true })
    relay = await startRelayProcess({
      dataDir: join(dir.path, 'relay'),
      listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'],
      args: ['--verifier', '--sms-gateway', 'log', '--inbound-per-host', '1000'],
      onEvent: inbox.onEvent
    })
    web = await startWebServer({ port: 0, config: { bootstrap: [relay.addr('ws')] } })
    browser = await launchChromium()
    context = await browser.newContext({ viewport: { width: 1100, height: 720 } })
  })

  afterAll(async () => {
    await browser?.close()
    await web?.close()
    await relay?.stop()
    await dir?.remove()
  })

  it('two profiles onboard and chat both ways: ticks reach read, typing shows', async () => {
    alice = await open(ALICE)
    bob = await open(BOB)
    await Promise.all([onboard(alice, ALICE, 'onboarding.png'), onboard(bob, BOB)])

    // the two profiles are two identities
    const ids = await Promise.all([alice, bob].map(async p => await p.evaluate(() => globalThis.parley!.parley.node.peerId.toString())))
    expect(ids[0]).not.toBe(ids[1])
    // typing indicators go only over a direct connection (never to mailboxes): connect the tabs first,
    // through the relay (upgrading to WebRTC), so a slow machine does not lose them to a dial timeout
    const circuit = `${relay.addr('ws')}/p2p-circuit/webrtc/p2p/${ids[0]}`
    await retryUntil(async signal => {
      await bob.evaluate(async ({ addr, ms }) => { await globalThis.parley!.parley.node.dial(globalThis.parley!.multiaddr(addr), { signal: AbortSignal.timeout(ms) }) }, { addr: circuit, ms: 10_000 })
      if (signal.aborted) throw new Error('too late')
    }, { timeout: 40_000, interval: 500, what: 'bob dials alice' })

    // Alice starts a chat by number (national format, GB picked)
    await testid(alice, 'new-chat').click()
    await testid(alice, 'new-chat-dialog').locator('[data-testid="country"]').selectOption('GB')
    await testid(alice, 'new-chat-phone').fill(BOB.national)
    await testid(alice, 'new-chat-start').click()
    await testid(alice, 'conversation', `[data-phone="${BOB.e164}"][data-state="ready"]`).waitFor({ timeout: 30_000 })
    await testid(alice, 'composer').fill('Hello Bob')
    await testid(alice, 'composer').press('Enter')
    const first = testid(alice, 'message', '[data-direction="out"]').first()
    await first.waitFor({ timeout: 10_000 })
    expect(await first.locator('.text').textContent()).toBe('Hello Bob')
    await alice.locator('[data-testid="message"][data-direction="out"] [data-testid="ticks"][data-state="delivered"]').waitFor({ timeout: 30_000 })

    // Bob sees the chat with an unread badge, opens it: Alice's ticks turn read
    const row = testid(bob, 'chat-row', `[data-phone="${ALICE.e164}"]`)
    await row.locator('[data-testid="unread-badge"]').waitFor({ timeout: 20_000 })
    expect(await row.locator('[data-testid="unread-badge"]').textContent()).toBe('1')
    expect(await bob.title()).toBe('(1) Parley')
    await bob.screenshot({ path: join(SCREENSHOTS, 'chat-list.png') })
    await row.click()
    await testid(bob, 'message', '[data-direction="in"]').filter({ hasText: 'Hello Bob' }).waitFor({ timeout: 10_000 })
    await alice.locator('[data-testid="message"][data-direction="out"] [data-testid="ticks"][data-state="read"]').waitFor({ timeout: 20_000 })
    await bob.waitForFunction(() => document.title === 'Parley', null, { timeout: 10_000 })

    // Bob types: Alice sees "typing…"; Bob sends: Alice sees the reply, and Bob's tick turns read (Alice has the chat open)
    await testid(bob, 'composer').pressSequentially('Hi Alice', { delay: 20 })
    await testid(alice, 'typing', '[data-state="typing"]').waitFor({ timeout: 15_000 })
    expect(await testid(alice, 'typing').textContent()).toBe('typing…')
    await testid(bob, 'send').click()
    await testid(alice, 'message', '[data-direction="in"]').filter({ hasText: 'Hi Alice' }).waitFor({ timeout: 20_000 })
    await testid(alice, 'typing', '[data-state="idle"]').waitFor({ timeout: 10_000 })
    await bob.locator('[data-testid="message"][data-direction="out"] [data-testid="ticks"][data-state="read"]').waitFor({ timeout: 20_000 })
    expect(await testid(alice, 'day-separator').first().textContent()).toBe('Today')
    await alice.screenshot({ path: join(SCREENSHOTS, 'conversation.png') })
    expect(pageErrors).toEqual([])
  })

  it('a message sent while the recipient tab is closed arrives when it reopens', async () => {
    await bob.close()
    await testid(alice, 'composer').fill('Are you there?')
    await testid(alice, 'composer').press('Enter')
    const sent = alice.locator('[data-testid="message"][data-direction="out"]').filter({ hasText: 'Are you there?' })
    await sent.locator('[data-testid="ticks"][data-state="sent"]').waitFor({ timeout: 30_000 })

    bob = await open(BOB)
    await testid(bob, 'app', '[data-state="ready"]').waitFor({ timeout: 20_000 })
    const row = testid(bob, 'chat-row', `[data-phone="${ALICE.e164}"]`)
    await row.locator('[data-testid="chat-last"]').filter({ hasText: 'Are you there?' }).waitFor({ timeout: 30_000 })
    await row.click()
    await testid(bob, 'message', '[data-direction="in"]').filter({ hasText: 'Are you there?' }).waitFor({ timeout: 10_000 })
    await sent.locator('[data-testid="ticks"][data-state="read"]').waitFor({ timeout: 20_000 })
    expect(pageErrors).toEqual([])
  })

  it('reload keeps identity and history', async () => {
    const before = await alice.evaluate(() => globalThis.parley!.parley.node.peerId.toString())
    await alice.reload()
    await testid(alice, 'app', '[data-state="ready"]').waitFor({ timeout: 20_000 })
    expect(await alice.evaluate(() => globalThis.parley!.parley.node.peerId.toString())).toBe(before)
    expect(await alice.evaluate(async () => (await globalThis.parley!.parley.whoami()).phone)).toBe(ALICE.e164)
    // the URL kept the open chat: history is back, ticks included
    await testid(alice, 'conversation', '[data-state="ready"]').waitFor({ timeout: 10_000 })
    const texts = await testid(alice, 'message').locator('.text').allTextContents()
    expect(texts).toEqual(['Hello Bob', 'Hi Alice', 'Are you there?'])
    expect(await alice.locator('[data-testid="message"][data-direction="out"] [data-testid="ticks"]').evaluateAll(els => els.map(e => e.getAttribute('data-state')))).toEqual(['read', 'read'])
    expect(pageErrors).toEqual([])
  })
})
