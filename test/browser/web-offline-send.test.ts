// A text sent from the browser just after the relay died (before the page noticed) is never lost from view: it shows at once as pending, and arrives once the relay is back (issue 14, fault 5).
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { Page } from 'playwright-core'
import type { ParleyInternals } from '../../src/client/internals.js'
import { startWebRig, testid, type WebRig, type WebPerson } from '../helpers/web-app.js'

const ERIN: WebPerson = { profile: 'erin', national: '07700 900301', e164: '+447700900301', name: 'erin' }
const FRANK: WebPerson = { profile: 'frank', national: '07700 900302', e164: '+447700900302', name: 'frank' }
const GRACE: WebPerson = { profile: 'grace', national: '07700 900303', e164: '+447700900303', name: 'grace' }
const ROUNDS = 4

describe('web client: sending while the relay dies', () => {
  let rig: WebRig
  let erin: Page
  let frank: Page
  let grace: Page

  beforeAll(async () => {
    rig = await startWebRig()
    ;[erin, frank, grace] = await Promise.all([rig.open(ERIN), rig.open(FRANK), rig.open(GRACE)])
    await Promise.all([rig.onboard(erin, ERIN), rig.onboard(frank, FRANK), rig.onboard(grace, GRACE)])
  }, 120_000)

  afterAll(async () => {
    await rig?.stop()
  })

  it('every text sent right after the relay was killed shows as pending at once and reaches the contact after it returns', async () => {
    // a conversation both know
    await erin.goto(`${rig.url}/?profile=${ERIN.profile}#/chat/${encodeURIComponent(FRANK.e164)}`)
    await testid(erin, 'conversation', '[data-state="ready"]').waitFor({ timeout: 20_000 })
    await testid(erin, 'composer').fill('before')
    await testid(erin, 'composer').press('Enter')
    await erin.locator('[data-testid="message"][data-direction="out"] [data-testid="ticks"]:is([data-state="delivered"], [data-state="read"])').first().waitFor({ timeout: 30_000 })

    for (let round = 0; round < ROUNDS; round++) {
      const text = `while the relay is down ${round}`
      const relayPeer = rig.relay.peerId
      // the last round stops the relay the way Ctrl-C stops `npm start`'s (graceful: connections close cleanly)
      if (round === ROUNDS - 1) await rig.relay.stop()
      else await rig.killRelay()
      // odd rounds send the moment the relay died; even ones once the page saw the connection close (before the banner)
      if (round % 2 === 0) await erin.waitForFunction(id => globalThis.parley!.parley.network().connections.every(c => c.peer !== id), relayPeer, { timeout: 20_000 })
      await testid(erin, 'composer').fill(text)
      await testid(erin, 'composer').press('Enter')
      const bubble = testid(erin, 'message').filter({ hasText: text })
      // the composer cleared, so the text must be on screen: pending, or already failed with a retry
      await bubble.waitFor({ timeout: 30_000 })
      expect(await testid(erin, 'composer').inputValue()).toBe('')
      await rig.startRelay()
      await bubble.locator('[data-testid="ticks"]:is([data-state="sent"], [data-state="delivered"], [data-state="read"])').waitFor({ timeout: 60_000 })
      await frank.waitForFunction(async ({ from, text }) => (await globalThis.parley!.parley.history(from)).some(m => m.text === text), { from: ERIN.e164, text }, { timeout: 60_000 })
    }
    expect(rig.pageErrors).toEqual([])
  }, 400_000)

  it('a text that failed shows "Not sent" with a way to try again, and then arrives', async () => {
    const id = await erin.evaluate(async ({ to, me }) => {
      const p = globalThis.parley!.parley
      const at = Date.now()
      const id = 'fa11ed'.padEnd(32, '0')
      // as the outbox leaves a text whose 30 days ran out
      await (p as unknown as ParleyInternals).storage.messages.addOutgoing({ id, conversation: to, direction: 'out', sender: me, text: 'this one failed', timestamp: at, receivedAt: at, status: 'failed' })
      return id
    }, { to: FRANK.e164, me: ERIN.e164 })
    await erin.reload()
    await testid(erin, 'conversation', '[data-state="ready"]').waitFor({ timeout: 20_000 })
    const bubble = erin.locator(`[data-testid="message"][data-id="${id}"]`)
    expect(await bubble.locator('[data-testid="ticks"]').getAttribute('aria-label')).toBe('Not sent')
    await bubble.locator('[data-testid="retry"]').click()
    await bubble.locator('[data-testid="ticks"]:is([data-state="sent"], [data-state="delivered"], [data-state="read"])').waitFor({ timeout: 60_000 })
    expect(await bubble.locator('[data-testid="retry"]').count()).toBe(0)
    await frank.waitForFunction(async ({ from, text }) => (await globalThis.parley!.parley.history(from)).some(m => m.text === text), { from: ERIN.e164, text: 'this one failed' }, { timeout: 60_000 })
    expect(rig.pageErrors).toEqual([])
  }, 200_000)

  it('a first text to a number, sent while the relay is down, shows at once while the directory cannot answer', async () => {
    await rig.killRelay()
    await erin.goto(`${rig.url}/?profile=${ERIN.profile}#/chat/${encodeURIComponent(GRACE.e164)}`)
    // a hash change, not a load: frank's conversation is still ready on screen until the route moves on
    await testid(erin, 'conversation', `[data-phone="${GRACE.e164}"][data-state="ready"]`).waitFor({ timeout: 20_000 })
    await testid(erin, 'composer').fill('hello grace')
    await testid(erin, 'composer').press('Enter')
    const bubble = testid(erin, 'message').filter({ hasText: 'hello grace' })
    await bubble.waitFor({ timeout: 30_000 })
    expect(await bubble.locator('[data-testid="ticks"]').getAttribute('data-state')).toBe('pending')
    await rig.startRelay()
    await bubble.locator('[data-testid="ticks"]:is([data-state="sent"], [data-state="delivered"], [data-state="read"])').waitFor({ timeout: 90_000 })
    await grace.waitForFunction(async ({ from, text }) => (await globalThis.parley!.parley.history(from)).some(m => m.text === text), { from: ERIN.e164, text: 'hello grace' }, { timeout: 60_000 })
    expect(rig.pageErrors).toEqual([])
  }, 200_000)

  it('switching chats never shows the last chat under the new one\'s name (where a text typed at once was wiped with it)', async () => {
    await erin.goto(`${rig.url}/?profile=${ERIN.profile}#/chat/${encodeURIComponent(FRANK.e164)}`)
    await testid(erin, 'conversation', `[data-phone="${FRANK.e164}"][data-state="ready"]`).waitFor({ timeout: 20_000 })
    await testid(erin, 'message').filter({ hasText: 'before' }).first().waitFor({ timeout: 20_000 })
    // every state the chat pane passes through, recorded as the DOM changes (before any effect of the new chat runs)
    await erin.evaluate(() => {
      const seen: Array<{ phone: string | null, state: string | null, texts: string[] }> = []
      ;(globalThis as unknown as { seenPanes: typeof seen }).seenPanes = seen
      new MutationObserver(() => {
        const pane = document.querySelector('[data-testid="conversation"]')
        if (pane == null) return
        seen.push({ phone: pane.getAttribute('data-phone'), state: pane.getAttribute('data-state'), texts: Array.from(pane.querySelectorAll('[data-testid="message"] .text'), e => e.textContent ?? '') })
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true })
    })
    await erin.evaluate(to => { location.hash = `#/chat/${encodeURIComponent(to)}` }, GRACE.e164)
    await testid(erin, 'conversation', `[data-phone="${GRACE.e164}"][data-state="ready"]`).waitFor({ timeout: 20_000 })
    await testid(erin, 'message').filter({ hasText: 'hello grace' }).waitFor({ timeout: 20_000 })
    const seen = await erin.evaluate(() => (globalThis as unknown as { seenPanes: Array<{ phone: string | null, state: string | null, texts: string[] }> }).seenPanes)
    expect(seen.some(s => s.phone === GRACE.e164)).toBe(true)
    // frank's texts never show under grace's name, and grace's chat is never "ready" before its own history is in
    expect(seen.filter(s => s.phone === GRACE.e164 && s.texts.some(t => t === 'before' || t.startsWith('while the relay is down')))).toEqual([])
    expect(seen.filter(s => s.phone === GRACE.e164 && s.state === 'ready' && !s.texts.includes('hello grace'))).toEqual([])
    expect(rig.pageErrors).toEqual([])
  }, 120_000)
})
