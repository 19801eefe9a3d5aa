// The web client end to end: two browser profiles onboard against a real relay (log SMS gateway), alice sets her name and photo, chat both ways with live ticks and typing while bob sees alice's name and photo, mail for a closed tab arrives when it reopens, reload keeps everything.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { startWebRig, testid, type WebRig, type WebPerson } from '../helpers/web-app.js'

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
const ALICE: WebPerson = { profile: 'alice', national: '07700 900001', e164: '+447700900001', name: 'Alice' }
const BOB: WebPerson = { profile: 'bob', national: '07700 900002', e164: '+447700900002', name: 'Bob' }

/** A 256 px portrait drawn in the page (a PNG as a file would be): the photo picker shrinks it to a JPEG avatar. */
async function portrait (page: Page): Promise<Buffer> {
  const dataUrl = await page.evaluate(() => {
    const c = document.createElement('canvas')
    c.width = c.height = 256
    const g = c.getContext('2d')!
    const sky = g.createLinearGradient(0, 0, 0, 256)
    sky.addColorStop(0, '#7ec8e3')
    sky.addColorStop(1, '#f7d794')
    g.fillStyle = sky
    g.fillRect(0, 0, 256, 256)
    g.fillStyle = '#c56a3a'
    g.beginPath(); g.arc(128, 290, 110, 0, Math.PI * 2); g.fill()
    g.fillStyle = '#f2c6a0'
    g.beginPath(); g.arc(128, 112, 58, 0, Math.PI * 2); g.fill()
    g.fillStyle = '#f1c40f'
    g.beginPath(); g.arc(128, 82, 62, Math.PI, 0); g.fill()
    return c.toDataURL('image/png')
  })
  return Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64')
}

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
    const ids = await Promise.all([alice, bob].map(async p => await p.evaluate(() => globalThis.parley!.parley.network().peerId)))
    expect(ids[0]).not.toBe(ids[1])
    // typing indicators go only over a direct connection (never to mailboxes): connect the tabs first,
    // through the relay (upgrading to WebRTC), so a slow machine does not lose them to a dial timeout
    await rig.connect(bob, alice)

    // Alice sets her name and photo in Settings: bob will see them with her first message
    await testid(alice, 'open-settings').click()
    await testid(alice, 'photo-input').setInputFiles({ name: 'alice.png', mimeType: 'image/png', buffer: await portrait(alice) })
    await testid(alice, 'my-avatar', '[data-state="photo"]').waitFor({ timeout: 10_000 })
    await testid(alice, 'profile-name').fill('Alice Liddell')
    await testid(alice, 'profile-name-save').click()
    await testid(alice, 'profile-message').filter({ hasText: 'Name saved.' }).waitFor({ timeout: 10_000 })
    const photoBytes = await alice.evaluate(async () => (await globalThis.parley!.parley.profile()).photo?.length)
    await alice.keyboard.press('Escape')

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
    // the row shows alice's name and photo, with her number as secondary text
    await row.locator('[data-testid="contact-avatar"][data-state="photo"]').waitFor({ timeout: 10_000 })
    expect(await row.locator('[data-testid="chat-name"]').textContent()).toBe('Alice Liddell')
    expect(await row.locator('[data-testid="chat-number"]').textContent()).toBe('+44 7700 900001')
    expect(await row.locator('img').getAttribute('alt')).toBe('Photo of Alice Liddell')
    expect(await bob.evaluate(async p => (await globalThis.parley!.parley.contactProfile(p))?.photo?.length, ALICE.e164)).toBe(photoBytes)
    // the image really decodes (a broken photo would show as an empty box)
    expect(await row.locator('img').evaluate(img => (img as HTMLImageElement).decode().then(() => (img as HTMLImageElement).naturalWidth))).toBeGreaterThan(0)
    await bob.screenshot({ path: join(SCREENSHOTS, 'chat-list.png') })
    await row.click()
    await testid(bob, 'message', '[data-direction="in"]').filter({ hasText: 'Hello Bob' }).waitFor({ timeout: 10_000 })
    // the conversation header too; search finds the chat by her name
    expect(await testid(bob, 'conversation-title').textContent()).toBe('Alice Liddell')
    expect(await testid(bob, 'conversation-number').textContent()).toBe('+44 7700 900001')
    await testid(bob, 'open-contact').locator('[data-testid="contact-avatar"][data-state="photo"]').waitFor({ timeout: 5_000 })
    await testid(bob, 'chat-search').fill('liddell')
    expect(await testid(bob, 'chat-row').evaluateAll(els => els.map(e => e.getAttribute('data-phone')))).toEqual([ALICE.e164])
    await testid(bob, 'chat-search').fill('')
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
    // bob's name came with his first message; he has no photo: his initial stands in
    await testid(alice, 'conversation-title').filter({ hasText: 'Bob' }).waitFor({ timeout: 10_000 })
    expect(await testid(alice, 'open-contact').locator('[data-testid="contact-avatar"]').getAttribute('data-state')).toBe('initials')
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
    const before = await alice.evaluate(() => globalThis.parley!.parley.network().peerId)
    await alice.reload()
    await testid(alice, 'app', '[data-state="ready"]').waitFor({ timeout: 20_000 })
    expect(await alice.evaluate(() => globalThis.parley!.parley.network().peerId)).toBe(before)
    expect(await alice.evaluate(async () => (await globalThis.parley!.parley.whoami()).phone)).toBe(ALICE.e164)
    // the URL kept the open chat: history is back, ticks included
    await testid(alice, 'conversation', '[data-state="ready"]').waitFor({ timeout: 10_000 })
    const texts = await testid(alice, 'message').locator('.text').allTextContents()
    expect(texts).toEqual(['Hello Bob', 'Hi Alice', 'Are you there?'])
    expect(await alice.locator('[data-testid="message"][data-direction="out"] [data-testid="ticks"]').evaluateAll(els => els.map(e => e.getAttribute('data-state')))).toEqual(['read', 'read'])
    expect(rig.pageErrors).toEqual([])
  })
})
