// The web client's first load and its screens: the shell paints before the app's chunk (the SDK) arrives, axe-core finds nothing serious or critical on onboarding, the chat list, a conversation, settings and contact info (desktop and 360 px, light and dark), and a browser node pings its connections once a minute.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { Page, Route } from 'playwright-core'
import type { ParleyInternals } from '../../src/client/internals.js'
import { startWebRig, testid, waitForReservation, type WebRig, type WebPerson } from '../helpers/web-app.js'
import { axeViolations, blocking } from '../helpers/axe.js'

const ALICE: WebPerson = { profile: 'alice', national: '07700 900401', e164: '+447700900401', name: 'Alice' }
const BOB: WebPerson = { profile: 'bob', national: '07700 900402', e164: '+447700900402', name: 'Bob' }
const VIEWPORTS = { desktop: { width: 1100, height: 720 }, phone: { width: 360, height: 740 } }
const SCHEMES = ['light', 'dark'] as const
/** the app's chunk (web/src/start.tsx and the SDK), loaded by the entry after the shell is painted */
const APP_CHUNK = /\/assets\/start-[^/]*\.js$/
/** src/net/browser.ts's BROWSER_PING_INTERVAL_MS (that module is for browsers: it is not imported here) */
const PING_INTERVAL_MS = 60_000

describe('web client: first load and every screen', () => {
  let rig: WebRig
  let alice: Page
  let bob: Page
  /** what axe found that blocks, one line per screen, viewport, colour scheme and rule; expected empty */
  let found: string[] = []

  /** Runs axe on the page as it is, at both viewports in both colour schemes, and puts down the blocking violations and a missing <main>. */
  const audit = async (page: Page, screen: string): Promise<void> => {
    const size = page.viewportSize()!
    for (const [viewport, dimensions] of Object.entries(VIEWPORTS)) {
      await page.setViewportSize(dimensions)
      for (const scheme of SCHEMES) {
        await page.emulateMedia({ colorScheme: scheme })
        const violations = await axeViolations(page)
        const bad = [...blocking(violations), ...violations.filter(v => v.id === 'landmark-one-main')]
        for (const v of bad) found.push(`${screen}, ${viewport}, ${scheme}: ${v.id} (${v.impact}, ${v.help}) on ${v.nodes.length}: ${v.nodes.slice(0, 3).join(' | ')}`)
      }
    }
    await page.setViewportSize(size)
    await page.emulateMedia({ colorScheme: null })
  }

  /** Holds the app's chunk of the next load until `release` is called. */
  const holdAppChunk = async (page: Page): Promise<{ requested: Promise<void>, release: () => Promise<void> }> => {
    let route: Route | undefined
    let requested!: () => void
    const seen = new Promise<void>(resolve => { requested = resolve })
    await page.route(APP_CHUNK, r => { route = r; requested() })
    return {
      requested: seen,
      release: async () => {
        await route?.continue()
        await page.unroute(APP_CHUNK)
      }
    }
  }

  beforeAll(async () => {
    rig = await startWebRig()
  })

  afterAll(async () => {
    await rig?.stop()
  })

  it('paints the shell (the welcome and phone step, no SDK) before the app chunk arrives, then the app replaces it', async () => {
    alice = await rig.context.newPage()
    alice.on('pageerror', err => rig.pageErrors.push(`alice: ${err.message}`))
    const held = await holdAppChunk(alice)
    await alice.goto(`${rig.url}/?profile=${ALICE.profile}`, { waitUntil: 'domcontentloaded' })
    await held.requested
    // the entry has painted its shell while the app's chunk is still on its way
    const shell = testid(alice, 'shell', '[data-state="onboarding"]')
    await shell.waitFor({ timeout: 10_000 })
    expect(await shell.locator('h1').textContent()).toBe('Welcome to Parley')
    expect(await shell.locator('#phone-help').isVisible()).toBe(true)
    expect(await alice.evaluate(() => globalThis.parley === undefined)).toBe(true)
    const shellWords = await shell.locator('h1, .tagline, h2, #phone-help').allTextContents()
    await held.release()
    await testid(alice, 'onboarding', '[data-state="phone"]').waitFor({ timeout: 30_000 })
    await shell.waitFor({ state: 'detached', timeout: 5_000 })
    // the same words in the same order: the app's first render replaces the shell without a jump
    expect(await testid(alice, 'onboarding').locator('h1, .tagline, h2, #phone-help').allTextContents()).toEqual(shellWords)
    expect(rig.pageErrors).toEqual([])
  })

  it('a browser node pings its connections every 60 s, not libp2p\'s default 10 s', async () => {
    await testid(alice, 'onboarding-offline').waitFor({ state: 'detached', timeout: 30_000 })
    // libp2p keeps the interval on its connection monitor component (not a public API: this reads the running node)
    const interval = await alice.evaluate(() => ((globalThis.parley!.parley as unknown as ParleyInternals).node as unknown as { components: { connectionMonitor: { pingIntervalMs: number } } }).components.connectionMonitor.pingIntervalMs)
    expect(interval).toBe(PING_INTERVAL_MS)
  })

  it('axe finds nothing serious or critical on any screen, at desktop and 360 px, light and dark', async () => {
    found = []
    await audit(alice, 'onboarding phone')
    bob = await rig.open(BOB)
    await Promise.all([
      rig.onboard(alice, ALICE, {
        atCode: async page => { await audit(page, 'onboarding code') },
        atName: async page => { await audit(page, 'onboarding name') }
      }),
      rig.onboard(bob, BOB)
    ])
    await waitForReservation(bob)

    // alice writes to bob; bob's list shows the unread badge
    await testid(alice, 'new-chat').click()
    await testid(alice, 'new-chat-dialog').locator('[data-testid="country"]').selectOption('GB')
    await testid(alice, 'new-chat-phone').fill(BOB.national)
    await testid(alice, 'new-chat-start').click()
    await testid(alice, 'conversation', `[data-phone="${BOB.e164}"][data-state="ready"]`).waitFor({ timeout: 30_000 })
    await testid(alice, 'composer').fill('Hello Bob')
    await testid(alice, 'composer').press('Enter')
    const row = testid(bob, 'chat-row', `[data-phone="${ALICE.e164}"]`)
    await row.locator('[data-testid="unread-badge"]').waitFor({ timeout: 30_000 })
    await audit(bob, 'chat list')

    // bob reads and answers: alice's conversation has an incoming bubble and read ticks on hers
    await row.click()
    await testid(bob, 'message', '[data-direction="in"]').filter({ hasText: 'Hello Bob' }).waitFor({ timeout: 10_000 })
    await testid(bob, 'composer').fill('Hi Alice')
    await testid(bob, 'composer').press('Enter')
    await testid(alice, 'message', '[data-direction="in"]').filter({ hasText: 'Hi Alice' }).waitFor({ timeout: 30_000 })
    await alice.locator('[data-testid="message"][data-direction="out"] [data-testid="ticks"][data-state="read"]').waitFor({ timeout: 30_000 })
    await audit(alice, 'conversation')

    await testid(alice, 'open-contact').click()
    await testid(alice, 'contact-info').waitFor({ timeout: 10_000 })
    await audit(alice, 'contact info')

    await alice.evaluate(() => { location.hash = '#/settings' })
    await testid(alice, 'settings').waitFor({ timeout: 10_000 })
    await audit(alice, 'settings')

    expect(found).toEqual([])
    expect(rig.pageErrors).toEqual([])
  })

  it('a set-up profile\'s shell is the panes, not the welcome', async () => {
    const held = await holdAppChunk(alice)
    await alice.goto(`${rig.url}/?profile=${ALICE.profile}`, { waitUntil: 'domcontentloaded' })
    await held.requested
    await testid(alice, 'shell', '[data-state="ready"]').waitFor({ timeout: 10_000 })
    await held.release()
    await testid(alice, 'app', '[data-state="ready"]').waitFor({ timeout: 30_000 })
    expect(rig.pageErrors).toEqual([])
  })
})
