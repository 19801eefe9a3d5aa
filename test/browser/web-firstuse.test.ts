// The web client as a new user meets it, against a real relay: phone placeholders by country, "Resend code" with its countdown and the verifier's limit, national numbers and "You" in Find contacts, "Invite" for numbers not on Parley, errors and statuses written for people, no ticks beside "typing…", the emoji picker, the bundled emoji font and the SVG pending clock.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { startWebRig, testid, waitForReservation, type WebRig, type WebPerson } from '../helpers/web-app.js'

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
const ERIN: WebPerson = { profile: 'erin', national: '(555) 010-2001', e164: '+15550102001', name: 'Erin', region: 'US' }
const FRANK: WebPerson = { profile: 'frank', national: '(555) 010-2002', e164: '+15550102002', name: 'Frank', region: 'US' }
/** a US number nobody registers */
const NOBODY = { national: '(555) 010-2099', e164: '+15550102099' }
/** what the relay's verifier allows per number in 10 minutes (relay-node/src/verifier/limits.ts) */
const CODES_PER_NUMBER = 3

describe('web client, first use', () => {
  let rig: WebRig
  let erin: Page
  let frank: Page

  /** Pretends the resend countdown ran out: the page keeps its end in sessionStorage, so a reload reads it. */
  const skipCountdown = async (page: Page): Promise<void> => {
    await page.evaluate(profile => { sessionStorage.setItem(`parley-pending-${profile}-resend-at`, String(Date.now() - 1)) }, ERIN.profile)
    await page.reload()
    await testid(page, 'onboarding', '[data-state="code"]').waitFor({ timeout: 30_000 })
    await testid(page, 'onboarding-offline').waitFor({ state: 'detached', timeout: 30_000 })
    await testid(page, 'resend-code', '[data-state="ready"]').waitFor({ timeout: 5_000 })
  }

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true })
    rig = await startWebRig()
    ;[erin, frank] = await Promise.all([rig.open(ERIN), rig.open(FRANK)])
    await rig.onboard(frank, FRANK)
  }, 120_000)

  afterAll(async () => {
    await rig?.stop()
  })

  it('onboarding: the placeholder follows the country, a non-number is said plainly, "Resend code" counts down, sends a new code and shows the verifier\'s limit', async () => {
    await testid(erin, 'onboarding', '[data-state="phone"]').waitFor({ timeout: 30_000 })
    await testid(erin, 'onboarding-offline').waitFor({ state: 'detached', timeout: 30_000 })
    await waitForReservation(erin)
    await testid(erin, 'country').selectOption('US')
    expect(await testid(erin, 'phone').getAttribute('placeholder')).toBe('(201) 555-0123')
    await testid(erin, 'country').selectOption('GB')
    expect(await testid(erin, 'phone').getAttribute('placeholder')).toBe('07400 123456')
    await testid(erin, 'country').selectOption('US')

    await testid(erin, 'phone').fill('12')
    await testid(erin, 'send-code').click()
    expect(await testid(erin, 'onboarding-error').textContent()).toBe('That doesn\'t look like a phone number. Check the number, or start it with + and the country code.')

    await testid(erin, 'phone').fill(ERIN.national)
    let after = rig.inbox.count
    await testid(erin, 'send-code').click()
    await rig.inbox.next(ERIN.e164, after)
    await testid(erin, 'onboarding', '[data-state="code"]').waitFor({ timeout: 30_000 })
    // a code was just sent: "Resend code" waits, and its countdown runs
    const resend = testid(erin, 'resend-code')
    expect(await resend.getAttribute('data-state')).toBe('waiting')
    expect(await resend.isDisabled()).toBe(true)
    const first = await testid(erin, 'resend-countdown').textContent()
    expect(first).toMatch(/^(1:00|0:5\d)$/)
    await erin.waitForFunction(t => document.querySelector('[data-testid="resend-countdown"]')?.textContent !== t, first, { timeout: 5_000 })

    // once it ran out: a new code is sent, the countdown starts again
    await skipCountdown(erin)
    after = rig.inbox.count
    await resend.click()
    await rig.inbox.next(ERIN.e164, after)
    await testid(erin, 'code-resent').waitFor({ timeout: 10_000 })
    expect(await resend.getAttribute('data-state')).toBe('waiting')

    // the verifier sends a number at most CODES_PER_NUMBER codes in 10 minutes: two are spent, the last one here
    after = rig.inbox.count
    for (let i = 2; i < CODES_PER_NUMBER; i++) await erin.evaluate(async phone => { await globalThis.parley!.parley.register(phone) }, ERIN.e164)
    const code = await rig.inbox.next(ERIN.e164, after)
    expect(rig.inbox.count - after).toBe(1)
    await skipCountdown(erin)
    await resend.click()
    const error = testid(erin, 'onboarding-error')
    await error.waitFor({ timeout: 10_000 })
    expect(await error.textContent()).toMatch(/^Too many codes were asked for\. You can ask for a new one in (9|10) minutes\.$/)
    // the countdown now runs to when the verifier allows the next code
    expect(await resend.getAttribute('data-state')).toBe('waiting')
    expect(await testid(erin, 'resend-countdown').textContent()).toMatch(/^(9|10):\d\d$/)

    // the latest code still works
    await testid(erin, 'code').fill(code)
    await testid(erin, 'verify').click()
    await testid(erin, 'onboarding', '[data-state="name"]').waitFor({ timeout: 30_000 })
    await testid(erin, 'name').fill(ERIN.name)
    await testid(erin, 'save-name').click()
    await testid(erin, 'app', '[data-state="ready"]').waitFor({ timeout: 30_000 })
  })

  it('Find contacts reads national numbers in the person\'s country (typed or from a vCard), shows their own number as "You", says "1 entry", offers invites', async () => {
    await testid(erin, 'find-contacts').click()
    const dialog = testid(erin, 'find-dialog')
    // the country of onboarding, as in "New chat"
    expect(await dialog.locator('[data-testid="country"]').inputValue()).toBe('US')
    const vcf = ['BEGIN:VCARD', 'VERSION:3.0', 'FN:Frank', `TEL;TYPE=CELL:${FRANK.national}`, 'END:VCARD'].join('\r\n')
    await testid(erin, 'find-vcf').setInputFiles({ name: 'contacts.vcf', mimeType: 'text/vcard', buffer: Buffer.from(vcf) })
    await erin.waitForFunction(n => (document.querySelector('[data-testid="find-numbers"]') as HTMLTextAreaElement).value === n, FRANK.national, { timeout: 5_000 })
    await testid(erin, 'find-numbers').fill([FRANK.national, ERIN.national, NOBODY.national, 'hello'].join('\n'))
    await testid(erin, 'find-run').click()
    await testid(erin, 'find-results', '[data-state="done"]').waitFor({ timeout: 45_000 })

    const found = testid(erin, 'find-result')
    expect(await found.evaluateAll(els => els.map(e => e.getAttribute('data-phone')))).toEqual([FRANK.e164, ERIN.e164])
    // frank can be messaged; erin's own number is "You", with nothing to press
    expect(await found.nth(0).locator('[data-testid="find-message"]').count()).toBe(1)
    expect(await found.nth(1).getAttribute('data-self')).toBe('true')
    expect(await found.nth(1).locator('.row-name').textContent()).toBe('You')
    expect(await found.nth(1).locator('button').count()).toBe(0)
    expect(await testid(erin, 'find-invalid').textContent()).toBe('1 entry is not a phone number.')
    // the number not on Parley can be invited by SMS
    const absent = testid(erin, 'find-absent')
    expect(await absent.evaluateAll(els => els.map(e => e.getAttribute('data-phone')))).toEqual([NOBODY.e164])
    const sms = await absent.locator('[data-testid="invite-sms"]').getAttribute('href')
    expect(sms).toMatch(new RegExp(`^sms:\\${NOBODY.e164}\\?body=`))
    await erin.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached', timeout: 5_000 })
  })

  it('"New chat" offers an invite for a number not on Parley: an sms: link and the share sheet, with the page\'s address', async () => {
    // the share sheet, recorded (headless Chromium on Linux has no Web Share)
    await erin.evaluate(() => {
      const shared: ShareData[] = []
      Object.defineProperty(globalThis, 'shared', { value: shared, configurable: true })
      Object.defineProperty(navigator, 'share', { value: async (data: ShareData) => { shared.push(data) }, configurable: true })
    })
    await testid(erin, 'new-chat').click()
    const dialog = testid(erin, 'new-chat-dialog')
    expect(await dialog.locator('[data-testid="country"]').inputValue()).toBe('US')
    expect(await testid(erin, 'new-chat-phone').getAttribute('placeholder')).toBe('(201) 555-0123')
    await testid(erin, 'new-chat-phone').fill(NOBODY.national)
    await testid(erin, 'new-chat-start').click()
    await testid(erin, 'new-chat-result').waitFor({ timeout: 30_000 })
    expect(await testid(erin, 'new-chat-result').textContent()).toBe('+1 555 010 2099 is not on Parley yet.')

    const invite = dialog.locator('[data-testid="invite"]')
    const href = await invite.locator('[data-testid="invite-sms"]').getAttribute('href')
    expect(href?.startsWith(`sms:${NOBODY.e164}?body=`)).toBe(true)
    const body = decodeURIComponent(href!.slice(href!.indexOf('?body=') + 6))
    expect(body).toContain(`${rig.url}/`)
    // the profile name stays out of the invite
    expect(body).not.toContain('profile=')
    await invite.locator('[data-testid="invite-share"]').click()
    const shared = await erin.evaluate(() => (globalThis as unknown as { shared: ShareData[] }).shared)
    expect(shared).toHaveLength(1)
    expect(shared[0].url).toBe(`${rig.url}/`)
    expect(shared[0].text).toContain('Parley')
    await erin.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached', timeout: 5_000 })
  })

  it('errors and statuses are written for people: a message too long, desktop notifications', async () => {
    await testid(erin, 'new-chat').click()
    await testid(erin, 'new-chat-phone').fill(FRANK.national)
    await testid(erin, 'new-chat-start').click()
    await testid(erin, 'conversation', `[data-phone="${FRANK.e164}"][data-state="ready"]`).waitFor({ timeout: 30_000 })
    await testid(erin, 'composer').fill('x'.repeat(70_000))
    await testid(erin, 'composer').press('Enter')
    const error = testid(erin, 'send-error')
    await error.waitFor({ timeout: 10_000 })
    expect(await error.textContent()).toBe('This message is too long. Split it into shorter messages.')
    expect(await testid(erin, 'message').count()).toBe(0)
    await testid(erin, 'composer').fill('')

    await testid(erin, 'open-settings').click()
    const status = testid(erin, 'notification-permission')
    await status.waitFor({ timeout: 10_000 })
    expect(await status.getAttribute('data-state')).toBe('default')
    expect(await status.textContent()).toBe('Desktop notifications are off.')
    expect(await testid(erin, 'enable-notifications').textContent()).toBe('Turn on')
    await rig.context.grantPermissions(['notifications'], { origin: rig.url })
    await testid(erin, 'enable-notifications').click()
    await testid(erin, 'notification-permission', '[data-state="granted"]').waitFor({ timeout: 5_000 })
    expect(await status.textContent()).toMatch(/^Desktop notifications are on/)
    expect(await testid(erin, 'enable-notifications').count()).toBe(0)
    await erin.keyboard.press('Escape')
  })

  it('the chat list shows no ticks beside "typing…"', async () => {
    await rig.connect(frank, erin)
    await erin.evaluate(hash => { location.hash = hash }, `#/chat/${encodeURIComponent(FRANK.e164)}`)
    await testid(erin, 'conversation', `[data-phone="${FRANK.e164}"][data-state="ready"]`).waitFor({ timeout: 10_000 })
    await testid(erin, 'composer').fill('hello frank')
    await testid(erin, 'composer').press('Enter')
    const row = testid(erin, 'chat-row', `[data-phone="${FRANK.e164}"]`)
    await row.locator('[data-testid="ticks"]:is([data-state="sent"], [data-state="delivered"], [data-state="read"])').waitFor({ timeout: 30_000 })

    await testid(frank, 'chat-row', `[data-phone="${ERIN.e164}"]`).click()
    await testid(frank, 'conversation', `[data-phone="${ERIN.e164}"][data-state="ready"]`).waitFor({ timeout: 10_000 })
    await testid(frank, 'composer').pressSequentially('hi er', { delay: 20 })
    await row.locator('.typing').waitFor({ timeout: 20_000 })
    expect(await row.locator('[data-testid="chat-last"]').textContent()).toBe('typing…')
    expect(await row.locator('[data-testid="ticks"]').count()).toBe(0)
    // the typing ends with frank's message: the last message shows again (his, so no ticks)
    await testid(frank, 'composer').press('Enter')
    await row.locator('[data-testid="chat-last"]').filter({ hasText: 'hi er' }).waitFor({ timeout: 20_000 })
  })

  it('the emoji picker loads on first use, puts emoji at the caret, closes with Esc; the emoji font is served and draws in colour', async () => {
    const resources = async (): Promise<string[]> => await erin.evaluate(() => performance.getEntriesByType('resource').map(e => new URL(e.name).pathname))
    const before = await resources()
    // nothing of the picker loads at start-up: no emoji data, and its code comes later
    expect(before.filter(p => p.endsWith('.json') && p !== '/config.json')).toEqual([])

    const composer = testid(erin, 'composer')
    await composer.fill('Hi there')
    await composer.evaluate((el: HTMLTextAreaElement) => { el.focus(); el.setSelectionRange(2, 2) })
    await testid(erin, 'emoji-button').click()
    const picker = testid(erin, 'emoji-picker', '[data-state="ready"]')
    await picker.waitFor({ timeout: 20_000 })
    const loaded = (await resources()).filter(p => !before.includes(p))
    expect(loaded.some(p => p.endsWith('.js'))).toBe(true)
    expect(loaded.some(p => p.endsWith('.json'))).toBe(true)
    await picker.locator('[data-testid="emoji"][data-emoji="😀"]').waitFor({ timeout: 10_000 })
    await erin.screenshot({ path: join(SCREENSHOTS, 'emoji-picker.png') })

    await picker.locator('[data-testid="emoji"][data-emoji="😀"]').click()
    expect(await composer.inputValue()).toBe('Hi😀 there')
    // search by name
    await testid(erin, 'emoji-search').fill('red heart')
    await picker.locator('[data-testid="emoji"][data-emoji="❤️"]').click()
    expect(await composer.inputValue()).toBe('Hi😀❤️ there')
    // Esc closes the picker, not the chat, and the composer has the focus again
    await testid(erin, 'emoji-search').press('Escape')
    await testid(erin, 'emoji-picker').waitFor({ state: 'detached', timeout: 5_000 })
    expect(await testid(erin, 'conversation').count()).toBe(1)
    expect(await erin.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('composer')
    // recently used emoji come first next time
    await testid(erin, 'emoji-button').click()
    await testid(erin, 'emoji-tab').first().click()
    await picker.locator('[data-testid="emoji"][data-emoji="😀"]').waitFor({ timeout: 10_000 })
    await testid(erin, 'emoji-button').click()
    await testid(erin, 'emoji-picker').waitFor({ state: 'detached', timeout: 5_000 })

    // the message shows its emoji in the bundled font: the machine has no emoji font of its own
    await composer.press('Enter')
    await testid(erin, 'message', '[data-direction="out"]').filter({ hasText: 'Hi😀❤️ there' }).waitFor({ timeout: 10_000 })
    await erin.waitForFunction(() => {
      let loaded = false
      document.fonts.forEach(f => { if (f.family.replace(/"/g, '') === 'Parley Emoji' && f.status === 'loaded') loaded = true })
      return loaded
    }, null, { timeout: 10_000 })
    const fonts = (await resources()).filter(p => p.endsWith('.woff2'))
    expect(fonts.length).toBeGreaterThan(0)
    const served = await fetch(`${rig.url}${fonts[0]}`)
    expect(served.status).toBe(200)
    expect(served.headers.get('content-type')).toBe('font/woff2')
    expect(await erin.evaluate(() => getComputedStyle(document.querySelector('[data-testid="message"] .text')!).fontFamily)).toMatch(/^"Parley Emoji"/)
    // and it draws in colour (a box or a black outline would not)
    const coloured = await erin.evaluate(async () => {
      await document.fonts.load('40px "Parley Emoji"', '😀')
      const c = document.createElement('canvas')
      c.width = c.height = 60
      const g = c.getContext('2d')!
      g.textBaseline = 'top'
      g.font = '40px "Parley Emoji"'
      g.fillText('😀', 5, 5)
      const d = g.getImageData(0, 0, 60, 60).data
      let n = 0
      for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 200 && d[i] > 150 && d[i + 2] < 100) n++
      return n
    })
    expect(coloured).toBeGreaterThan(50)
  })

  it('a message waiting to go out shows an SVG clock, not an emoji', async () => {
    await frank.close()
    await rig.killRelay()
    await testid(erin, 'offline-banner').waitFor({ timeout: 20_000 })
    await testid(erin, 'composer').fill('waiting for the relay')
    await testid(erin, 'composer').press('Enter')
    const ticks = testid(erin, 'message').filter({ hasText: 'waiting for the relay' }).locator('[data-testid="ticks"]')
    await ticks.waitFor({ timeout: 10_000 })
    expect(await ticks.getAttribute('data-state')).toBe('pending')
    expect(await ticks.getAttribute('aria-label')).toBe('Sending')
    expect(await ticks.locator('svg').count()).toBe(1)
    expect(await ticks.textContent()).toBe('')
    expect(rig.pageErrors).toEqual([])
  })
})
