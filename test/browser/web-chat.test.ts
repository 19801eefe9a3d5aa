// The web client end to end: two browser profiles onboard against a real relay (log SMS gateway), chat both ways with live ticks and typing, mail for a closed tab arrives when it reopens, reload keeps everything.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { startWebRig, testid, type WebRig, type WebPerson } from '../helpers/web-app.js'

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
const ALICE: WebPerson = { profile: 'alice', national: '07700 900001', e164: '+447700900001', name: 'Alice' }
const BOB: WebPerson = { profile: 'bob', national: '07700 900002', e164: '+447700900002', name: 'Bob' }

describe('web client', () => {
  let rig: WebRig
  let alice: Page
  let bob: Page
  const open = async (who: WebPerson, hash = ''): Promise<Page> => await rig.open(who, hash)

  const onboard = async (page: Page, who: WebPerson, screenshot?: string): Promise<void> => {
    await rig.onboard(page, who, {
      atCode: async page => {
        expect(await testid(page, 'local-code-hint').textContent()).toContain('npm start')
        if (screenshot != null) await page.screenshot({ path: join(SCREENSHOTS, screenshot) })
      },
      atName: async page => {
        expect(await testid(page, 'registered-phone').textContent()).toBe('+44 7700 900001'.replace('900001', who.e164.slice(-6)))
      }
    })
  }

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true })
    rig = await startWebRig()
  })

  afterAll(async () => {
    await rig?.stop()
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
    await rig.connect(bob, alice)

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
    expect(rig.pageErrors).toEqual([])
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
    expect(rig.pageErrors).toEqual([])
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
    expect(rig.pageErrors).toEqual([])
  })
})
