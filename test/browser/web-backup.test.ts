// Backup, wipe, restore in the web client: a profile with history exports an encrypted backup (a real download), wipes itself, refuses a wrong passphrase, restores, and chats on with the same identity.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { startWebRig, testid, type WebRig, type WebPerson } from '../helpers/web-app.js'
import { tempDir } from '../helpers/tmp.js'

const ALICE: WebPerson = { profile: 'alice', national: '07700 900011', e164: '+447700900011', name: 'Alice' }
const BOB: WebPerson = { profile: 'bob', national: '07700 900012', e164: '+447700900012', name: 'Bob' }
const PASS = 'correct horse battery staple'

const outTicks = (page: Page, text: string, state: string): ReturnType<Page['locator']> =>
  page.locator('[data-testid="message"][data-direction="out"]').filter({ hasText: text }).locator(`[data-testid="ticks"][data-state="${state}"]`)
const incoming = (page: Page, text: string): ReturnType<Page['locator']> => testid(page, 'message', '[data-direction="in"]').filter({ hasText: text })

describe('web client: backup, wipe, restore', () => {
  let rig: WebRig
  let files: Awaited<ReturnType<typeof tempDir>>
  let alice: Page
  let bob: Page

  beforeAll(async () => {
    rig = await startWebRig()
    files = await tempDir('parley-web-backup-')
  })

  afterAll(async () => {
    await rig?.stop()
    await files?.remove()
  })

  it('exports, wipes, refuses a wrong passphrase, restores identity and history, and chats on', async () => {
    alice = await rig.open(ALICE)
    bob = await rig.open(BOB)
    await Promise.all([rig.onboard(alice, ALICE), rig.onboard(bob, BOB)])

    // some history both ways; the backup is taken once Alice is quiet (her read receipt has arrived)
    await alice.evaluate(phone => { location.hash = `#/chat/${encodeURIComponent(phone)}` }, BOB.e164)
    await testid(alice, 'conversation', '[data-state="ready"]').waitFor({ timeout: 20_000 })
    await testid(alice, 'composer').fill('Before the backup')
    await testid(alice, 'composer').press('Enter')
    await bob.evaluate(phone => { location.hash = `#/chat/${encodeURIComponent(phone)}` }, ALICE.e164)
    await incoming(bob, 'Before the backup').waitFor({ timeout: 30_000 })
    await outTicks(alice, 'Before the backup', 'read').waitFor({ timeout: 30_000 })
    await testid(bob, 'composer').fill('Noted')
    await testid(bob, 'composer').press('Enter')
    await incoming(alice, 'Noted').waitFor({ timeout: 30_000 })
    await outTicks(bob, 'Noted', 'read').waitFor({ timeout: 30_000 })
    const before = await alice.evaluate(async () => await globalThis.parley!.parley.whoami())

    // export: passphrase twice (a short one is refused), a real download
    await alice.evaluate(() => { location.hash = '#/settings' })
    await testid(alice, 'backup-pass').fill('short')
    await testid(alice, 'backup-pass-problem').waitFor({ timeout: 5_000 })
    expect(await testid(alice, 'backup-export').isDisabled()).toBe(true)
    await testid(alice, 'backup-pass').fill(PASS)
    await testid(alice, 'backup-pass2').fill(PASS)
    const [download] = await Promise.all([alice.waitForEvent('download', { timeout: 30_000 }), testid(alice, 'backup-export').click()])
    expect(download.suggestedFilename()).toMatch(/^parley-backup-\d{4}-\d{2}-\d{2}\.parley$/)
    const file = join(files.path, download.suggestedFilename())
    await download.saveAs(file)
    await testid(alice, 'backup-done').waitFor({ timeout: 10_000 })

    // wipe: back to onboarding with a new, unregistered identity
    await testid(alice, 'wipe').click()
    await testid(alice, 'wipe-confirm').click()
    await testid(alice, 'onboarding', '[data-state="phone"]').waitFor({ timeout: 30_000 })
    const wiped = await alice.evaluate(async () => await globalThis.parley!.parley.whoami())
    expect(wiped.registered).toBe(false)
    expect(wiped.identityKey).not.toBe(before.identityKey)

    // restore from the settings screen (reachable before onboarding): a wrong passphrase first
    await alice.evaluate(() => { location.hash = '#/settings' })
    await testid(alice, 'restore-file').setInputFiles(file)
    await testid(alice, 'restore-pass').fill('not the passphrase')
    await testid(alice, 'restore').click()
    await testid(alice, 'restore-error').waitFor({ timeout: 30_000 })
    expect(await testid(alice, 'restore-error').textContent()).toContain('Wrong passphrase')
    // nothing changed: still the wiped identity, still running
    expect((await alice.evaluate(async () => await globalThis.parley!.parley.whoami())).identityKey).toBe(wiped.identityKey)

    await testid(alice, 'restore-pass').fill(PASS)
    await testid(alice, 'restore').click()
    await testid(alice, 'app', '[data-state="ready"]').waitFor({ timeout: 40_000 })
    const after = await alice.evaluate(async () => await globalThis.parley!.parley.whoami())
    expect(after).toMatchObject({ registered: true, phone: ALICE.e164, identityKey: before.identityKey, peerId: before.peerId })

    // history is back, and the chat goes on both ways
    await testid(alice, 'chat-row', `[data-phone="${BOB.e164}"]`).click()
    await testid(alice, 'conversation', '[data-state="ready"]').waitFor({ timeout: 10_000 })
    expect(await testid(alice, 'message').locator('.text').allTextContents()).toEqual(['Before the backup', 'Noted'])
    await testid(alice, 'composer').fill('I am back')
    await testid(alice, 'composer').press('Enter')
    await incoming(bob, 'I am back').waitFor({ timeout: 30_000 })
    await testid(bob, 'composer').fill('Welcome back')
    await testid(bob, 'composer').press('Enter')
    await incoming(alice, 'Welcome back').waitFor({ timeout: 30_000 })
    await outTicks(alice, 'I am back', 'read').waitFor({ timeout: 30_000 })
    expect(rig.pageErrors).toEqual([])
  })
})
