// The web client's other screens against a real relay: "not on Parley", find contacts with progress, scrolling back through history, the phone layout with Esc, the offline banner with unsent messages.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { startWebRig, testid, type WebRig, type WebPerson } from '../helpers/web-app.js'

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
const CAROL: WebPerson = { profile: 'carol', national: '07700 900101', e164: '+447700900101', name: 'carol' }
const DAVE: WebPerson = { profile: 'dave', national: '07700 900102', e164: '+447700900102', name: 'dave' }
const NOBODY = '07700 900199'
/** must exceed the page size of the conversation view (HISTORY_PAGE = 30) */
const MANY = 36

describe('web client screens', () => {
  let rig: WebRig
  let carol: Page
  let dave: Page

  const onboard = async (who: WebPerson): Promise<Page> => {
    const page = await rig.open(who)
    // with the keyboard only: Enter submits each step
    await rig.onboard(page, who, { keyboard: true })
    return page
  }

  beforeAll(async () => {
    rig = await startWebRig()
    ;[carol, dave] = await Promise.all([onboard(CAROL), onboard(DAVE)])
  }, 120_000)

  afterAll(async () => {
    await rig?.stop()
  })

  it('"New chat" says clearly when a number is not on Parley', async () => {
    await testid(carol, 'new-chat').click()
    await testid(carol, 'new-chat-dialog').locator('[data-testid="country"]').selectOption('GB')
    await testid(carol, 'new-chat-phone').fill(NOBODY)
    await testid(carol, 'new-chat-start').click()
    const result = testid(carol, 'new-chat-result')
    await result.waitFor({ timeout: 30_000 })
    expect(await result.textContent()).toBe('+44 7700 900199 is not on Parley yet.')
    expect(await testid(carol, 'new-chat-form').getAttribute('data-state')).toBe('not-registered')
    // Esc closes the dialog
    await carol.keyboard.press('Escape')
    await testid(carol, 'new-chat-dialog').waitFor({ state: 'detached', timeout: 5_000 })
  })

  it('"Find contacts" checks a pasted list with progress and lists who is on Parley', async () => {
    await testid(carol, 'find-contacts').click()
    // a .vcf file fills the list; more numbers can be pasted after it
    const vcf = ['BEGIN:VCARD', 'VERSION:3.0', 'FN:Dave', `TEL;TYPE=CELL:${DAVE.e164}`, 'END:VCARD', 'BEGIN:VCARD', 'VERSION:3.0', 'FN:Nobody', `TEL:${NOBODY}`, 'END:VCARD'].join('\r\n')
    await testid(carol, 'find-vcf').setInputFiles({ name: 'contacts.vcf', mimeType: 'text/vcard', buffer: Buffer.from(vcf) })
    await carol.waitForFunction(n => (document.querySelector('[data-testid="find-numbers"]') as HTMLTextAreaElement).value === n, `${DAVE.e164}\n${NOBODY}`, { timeout: 5_000 })
    await testid(carol, 'find-numbers').fill([DAVE.e164, NOBODY.replace(/^0/, '+44'), 'not a number', '+44 7700 900102'].join('\n'))
    await testid(carol, 'find-run').click()
    await testid(carol, 'find-results', '[data-state="done"]').waitFor({ timeout: 45_000 })
    const progress = testid(carol, 'find-progress')
    expect(await progress.getAttribute('value')).toBe(await progress.getAttribute('max'))
    expect(await testid(carol, 'find-result').evaluateAll(els => els.map(e => e.getAttribute('data-phone')))).toEqual([DAVE.e164])
    await testid(carol, 'find-message').click()
    await testid(carol, 'conversation', `[data-phone="${DAVE.e164}"][data-state="ready"]`).waitFor({ timeout: 10_000 })
  })

  it('scrolling up loads older pages of history', async () => {
    // messages enter history at once (status pending), whatever delivery does later
    await carol.evaluate(async ({ to, n }) => {
      for (let i = 1; i <= n; i++) await globalThis.parley!.parley.send(to, `message ${i}`)
    }, { to: DAVE.e164, n: MANY })
    await carol.reload()
    const messages = testid(carol, 'message')
    await testid(carol, 'conversation', '[data-state="ready"]').waitFor({ timeout: 20_000 })
    await carol.waitForFunction(() => document.querySelectorAll('[data-testid="message"]').length === 30, null, { timeout: 10_000 })
    expect(await messages.last().locator('.text').textContent()).toBe(`message ${MANY}`)
    // the view opens at the newest message
    await carol.waitForFunction(() => { const el = document.querySelector('[data-testid="messages"]')!; return el.scrollTop > 0 && el.scrollHeight - el.scrollTop - el.clientHeight < 5 }, null, { timeout: 5_000 })
    await testid(carol, 'messages').evaluate(el => { el.scrollTop = 0 })
    await carol.waitForFunction(n => document.querySelectorAll('[data-testid="message"]').length === n, MANY, { timeout: 10_000 })
    expect(await messages.first().locator('.text').textContent()).toBe('message 1')
  })

  it('on a 360 px phone one pane shows at a time, with a back button, and Esc goes back', async () => {
    await carol.setViewportSize({ width: 360, height: 740 })
    await testid(carol, 'conversation').waitFor({ state: 'visible', timeout: 5_000 })
    expect(await testid(carol, 'chat-list').isVisible()).toBe(false)
    await testid(carol, 'back').click()
    await testid(carol, 'chat-list').waitFor({ state: 'visible', timeout: 5_000 })
    expect(await testid(carol, 'conversation').count()).toBe(0)
    await carol.screenshot({ path: join(SCREENSHOTS, 'chat-list-phone.png') })
    await testid(carol, 'chat-row', `[data-phone="${DAVE.e164}"]`).click()
    await testid(carol, 'conversation').waitFor({ state: 'visible', timeout: 5_000 })
    // the page is no wider than the phone
    expect(await carol.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    await carol.keyboard.press('Escape')
    await testid(carol, 'chat-list').waitFor({ state: 'visible', timeout: 5_000 })
    await carol.setViewportSize({ width: 1100, height: 720 })
  })

  it('a hidden tab shows a desktop notification and counts unread in its title; search filters the chat list', async () => {
    // notifications are enabled from Settings (the permission prompt is answered "allow" by the browser context)
    await rig.context.grantPermissions(['notifications'], { origin: rig.url })
    await testid(dave, 'open-settings').click()
    const enable = testid(dave, 'enable-notifications')
    if (await enable.count() > 0) await enable.click()
    await dave.waitForFunction(() => Notification.permission === 'granted', null, { timeout: 5_000 })
    await dave.keyboard.press('Escape')
    // the tab goes to the background: the page sees document.visibilityState 'hidden'; notifications are recorded as they are made
    await dave.evaluate(() => {
      const Real = Notification
      const shown: Array<{ title: string, body?: string }> = []
      class Recorded extends Real {
        static override get permission (): NotificationPermission { return Real.permission }
        constructor (title: string, options?: NotificationOptions) {
          super(title, options)
          shown.push({ title, ...(options?.body != null ? { body: options.body } : {}) })
        }
      }
      Object.defineProperty(globalThis, 'shownNotifications', { value: shown, configurable: true })
      Object.defineProperty(window, 'Notification', { value: Recorded, configurable: true })
      Object.defineProperty(document, 'visibilityState', { get: () => 'hidden', configurable: true })
      document.dispatchEvent(new Event('visibilitychange'))
    })
    await carol.evaluate(async to => { await globalThis.parley!.parley.send(to, 'are you there?') }, DAVE.e164)
    await dave.waitForFunction(() => ((globalThis as unknown as { shownNotifications: Array<{ body?: string }> }).shownNotifications).some(n => n.body === 'are you there?'), null, { timeout: 30_000 })
    // titled with the name carol shared with her first message, not her number
    expect(await dave.evaluate(() => ((globalThis as unknown as { shownNotifications: Array<{ title: string, body?: string }> }).shownNotifications).find(n => n.body === 'are you there?')?.title)).toBe(CAROL.name)
    expect(await dave.title()).toMatch(/^\(\d+\) Parley$/)
    await dave.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { get: () => 'visible', configurable: true })
      document.dispatchEvent(new Event('visibilitychange'))
    })

    // search: by digits of the number, and nothing for a stranger
    await testid(carol, 'chat-search').fill('900102')
    expect(await testid(carol, 'chat-row').evaluateAll(els => els.map(e => e.getAttribute('data-phone')))).toEqual([DAVE.e164])
    await testid(carol, 'chat-search').fill('nobody at all')
    expect(await testid(carol, 'chat-list-empty').textContent()).toBe('No chat matches.')
    await testid(carol, 'chat-search').fill('')
    await testid(carol, 'chat-row', `[data-phone="${DAVE.e164}"]`).waitFor({ timeout: 5_000 })
    // dave's list finds carol by the name she shared
    await testid(dave, 'chat-search').fill(CAROL.name)
    expect(await testid(dave, 'chat-row').evaluateAll(els => els.map(e => e.getAttribute('data-phone')))).toEqual([CAROL.e164])
    await testid(dave, 'chat-search').fill('')

    // "New chat" shows a number we already talk to as it is typed, with its name and avatar
    await testid(dave, 'new-chat').click()
    await testid(dave, 'new-chat-dialog').locator('[data-testid="country"]').selectOption('GB')
    await testid(dave, 'new-chat-phone').fill(CAROL.national)
    const known = testid(dave, 'new-chat-known', `[data-phone="${CAROL.e164}"]`)
    await known.waitFor({ timeout: 5_000 })
    expect(await known.textContent()).toContain(CAROL.name)
    expect(await known.locator('[data-testid="contact-avatar"]').getAttribute('data-state')).toBe('initials')
    await dave.keyboard.press('Escape')
    await testid(dave, 'new-chat-dialog').waitFor({ state: 'detached', timeout: 5_000 })
  })

  it('every control on the main screens has an accessible name, and Tab reaches the composer', async () => {
    /** controls without a name a screen reader could read (aria-label, aria-labelledby, a <label>, text, alt, title) */
    const unnamed = async (page: Page): Promise<string[]> => await page.evaluate(() => {
      const nameOf = (el: HTMLElement): string => {
        const labelledby = el.getAttribute('aria-labelledby')
        const byIds = labelledby?.split(/\s+/).map(id => document.getElementById(id)?.textContent ?? '').join(' ') ?? ''
        const labels = 'labels' in el ? Array.from((el as HTMLInputElement).labels ?? []).map(l => l.textContent ?? '').join(' ') : ''
        const imgAlt = Array.from(el.querySelectorAll('img')).map(i => i.alt).join(' ')
        return [el.getAttribute('aria-label') ?? '', byIds, labels, el.textContent ?? '', imgAlt, el.getAttribute('title') ?? ''].join(' ').trim()
      }
      return Array.from(document.querySelectorAll<HTMLElement>('button, input:not([type="hidden"]), select, textarea, a[href]'))
        .filter(el => el.getClientRects().length > 0)
        .filter(el => nameOf(el) === '')
        .map(el => el.outerHTML.slice(0, 120))
    })
    await testid(carol, 'chat-row', `[data-phone="${DAVE.e164}"]`).click()
    await testid(carol, 'conversation', '[data-state="ready"]').waitFor({ timeout: 10_000 })
    expect(await unnamed(carol)).toEqual([])
    await testid(carol, 'open-settings').click()
    await testid(carol, 'settings').waitFor({ timeout: 10_000 })
    expect(await unnamed(carol)).toEqual([])
    await carol.goto(`${rig.url}/?profile=${CAROL.profile}#/contact/${encodeURIComponent(DAVE.e164)}`)
    await testid(carol, 'contact-info').waitFor({ timeout: 20_000 })
    expect(await unnamed(carol)).toEqual([])

    // keyboard: from the top of the conversation, Tab moves focus until the composer has it
    await carol.goto(`${rig.url}/?profile=${CAROL.profile}#/chat/${encodeURIComponent(DAVE.e164)}`)
    await testid(carol, 'conversation', '[data-state="ready"]').waitFor({ timeout: 20_000 })
    await carol.evaluate(() => { (document.activeElement as HTMLElement | null)?.blur() })
    let reached = false
    for (let i = 0; i < 40 && !reached; i++) {
      await carol.keyboard.press('Tab')
      reached = await carol.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'composer')
    }
    expect(reached).toBe(true)
  })

  it('without a relay the page shows the offline banner and unsent messages keep the clock until it is back', async () => {
    await testid(carol, 'chat-row', `[data-phone="${DAVE.e164}"]`).click()
    await testid(carol, 'conversation', '[data-state="ready"]').waitFor({ timeout: 10_000 })
    expect(await testid(carol, 'offline-banner').count()).toBe(0)
    // Dave's tab closes (carol may hold a direct WebRTC connection to it, which outlives the relay), then the relay dies
    await dave.close()
    await rig.killRelay()
    await testid(carol, 'offline-banner').waitFor({ timeout: 20_000 })
    await testid(carol, 'composer').fill('sent while offline')
    await testid(carol, 'composer').press('Enter')
    const bubble = testid(carol, 'message').filter({ hasText: 'sent while offline' })
    await bubble.waitFor({ timeout: 10_000 })
    expect(await bubble.locator('[data-testid="ticks"]').getAttribute('data-state')).toBe('pending')
    expect(await bubble.locator('[data-testid="ticks"]').getAttribute('aria-label')).toBe('Sending')

    // the relay comes back on the same addresses: the banner goes and the outbox sends the message
    await rig.startRelay()
    await testid(carol, 'offline-banner').waitFor({ state: 'detached', timeout: 30_000 })
    await bubble.locator('[data-testid="ticks"]:is([data-state="sent"], [data-state="delivered"], [data-state="read"])').waitFor({ timeout: 30_000 })
    expect(rig.pageErrors).toEqual([])
  })
})
