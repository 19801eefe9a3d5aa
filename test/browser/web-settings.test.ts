// Settings and contact info in the web client: onboarding survives a reload on the code step, safety numbers match across tabs and "verified" persists, read receipts off stops ticks at delivered, presence shows, relays show health and the pinned verifier, a photo becomes the avatar, a verified contact's new key blocks until Accept, a takeover attempt shows a banner.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { startWebRig, testid, waitForReservation, type WebRig, type WebPerson } from '../helpers/web-app.js'
import { Parley, createNodeNode } from '../../src/index.js'
import { tempDir } from '../helpers/tmp.js'
import { attestFor, publishRival } from '../messaging/rivals.js'
import { startRelayProcess } from '../../scripts/relay-process.js'
import { retryUntil } from '../helpers/wait.js'

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
const ALICE: WebPerson = { profile: 'alice', national: '07700 900021', e164: '+447700900021', name: 'Alice' }
const BOB: WebPerson = { profile: 'bob', national: '07700 900022', e164: '+447700900022', name: 'Bob' }
/** a 2×2 PNG: enough for createImageBitmap and the canvas downscale */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==', 'base64')

const go = async (page: Page, hash: string): Promise<void> => { await page.evaluate(h => { location.hash = h }, hash) }
const chat = (phone: string): string => `#/chat/${encodeURIComponent(phone)}`
const outTicks = (page: Page, text: string, state: string): ReturnType<Page['locator']> =>
  page.locator('[data-testid="message"][data-direction="out"]').filter({ hasText: text }).locator(`[data-testid="ticks"][data-state="${state}"]`)
const incoming = (page: Page, text: string): ReturnType<Page['locator']> => testid(page, 'message', '[data-direction="in"]').filter({ hasText: text })

describe('web client: settings and contact info', () => {
  let rig: WebRig
  let alice: Page
  let bob: Page

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true })
    rig = await startWebRig()
  })

  afterAll(async () => {
    await rig?.stop()
  })

  it('onboarding: a reload on the code step stays there; no stray start-up spinner', async () => {
    alice = await rig.open(ALICE)
    bob = await rig.open(BOB)
    await Promise.all([
      rig.onboard(alice, ALICE, {
        atCode: async page => {
          await page.reload()
          await testid(page, 'onboarding', '[data-state="code"]').waitFor({ timeout: 20_000 })
          expect(await testid(page, 'code-phone').textContent()).toBe('+44 7700 900021')
          expect(await page.locator('.booting').count()).toBe(0)
          await testid(page, 'onboarding-offline').waitFor({ state: 'detached', timeout: 20_000 })
          await waitForReservation(page)
          const code = await rig.inbox.next(ALICE.e164, 0)
          await testid(page, 'code').fill(code)
        }
      }),
      rig.onboard(bob, BOB)
    ])
    await rig.connect(bob, alice)
    expect(rig.pageErrors).toEqual([])
  })

  it('contact info: the name and number, the same safety number in both tabs, QR shown, verified survives a reload', async () => {
    // a conversation both ways first, so each side knows the other's key (and name: it comes with the first text)
    await go(alice, chat(BOB.e164))
    await testid(alice, 'conversation', '[data-state="ready"]').waitFor({ timeout: 20_000 })
    await testid(alice, 'composer').fill('Hi Bob')
    await testid(alice, 'composer').press('Enter')
    await go(bob, chat(ALICE.e164))
    await incoming(bob, 'Hi Bob').waitFor({ timeout: 30_000 })
    await testid(bob, 'composer').fill('Hi Alice')
    await testid(bob, 'composer').press('Enter')
    await incoming(alice, 'Hi Alice').waitFor({ timeout: 30_000 })

    await testid(alice, 'open-contact').click()
    await go(bob, `#/contact/${encodeURIComponent(ALICE.e164)}`)
    const numbers = await Promise.all([alice, bob].map(async p => {
      await testid(p, 'contact-info', '[data-state="unverified"]').waitFor({ timeout: 20_000 })
      return await testid(p, 'safety-group').allTextContents()
    }))
    expect(numbers[0]).toHaveLength(12)
    for (const g of numbers[0]) expect(g).toMatch(/^\d{5}$/)
    expect(numbers[1]).toEqual(numbers[0])
    expect(await testid(alice, 'safety-qr').locator('svg').count()).toBe(1)
    // the name the contact shared, and its number, which stays visible
    expect(await testid(alice, 'contact-name').textContent()).toBe('Bob')
    expect(await testid(alice, 'contact-title').textContent()).toBe('Bob')
    expect(await testid(alice, 'contact-number').textContent()).toBe('+44 7700 900022')
    expect(await testid(bob, 'contact-name').textContent()).toBe('Alice')

    await testid(alice, 'mark-verified').click()
    await testid(alice, 'verified-state', '[data-state="verified"]').waitFor({ timeout: 10_000 })
    await testid(alice, 'contact-info').evaluate(el => { el.scrollTop = 0 })
    await alice.screenshot({ path: join(SCREENSHOTS, 'contact-info.png') })
    await alice.reload()
    await testid(alice, 'contact-info', '[data-state="verified"]').waitFor({ timeout: 30_000 })
    // Esc goes back to the chat
    await alice.keyboard.press('Escape')
    await testid(alice, 'conversation', '[data-state="ready"]').waitFor({ timeout: 10_000 })
    expect(rig.pageErrors).toEqual([])
  })

  it('read receipts off: the other side\'s ticks stop at delivered; presence shows online', async () => {
    await waitForReservation(alice)
    await rig.connect(bob, alice)
    await go(bob, '#/settings')
    await testid(bob, 'read-receipts', '[data-state="on"]').click()
    await testid(bob, 'read-receipts', '[data-state="off"]:not([disabled])').waitFor({ timeout: 10_000 })
    // both share their online status. Alice first: Bob's "online" then reaches a tab that shares and keeps it
    // (a contact who turns sharing on later learns ours only at our next announcement: see docs/web.md)
    await go(alice, '#/settings')
    await testid(alice, 'share-presence', '[data-state="off"]').click()
    await testid(alice, 'share-presence', '[data-state="on"]:not([disabled])').waitFor({ timeout: 30_000 })
    await testid(bob, 'share-presence', '[data-state="off"]').click()
    await testid(bob, 'share-presence', '[data-state="on"]:not([disabled])').waitFor({ timeout: 30_000 })

    await go(alice, chat(BOB.e164))
    await testid(alice, 'conversation', '[data-state="ready"]').waitFor({ timeout: 20_000 })
    await testid(alice, 'presence', '[data-state="online"]').waitFor({ timeout: 30_000 }).catch(async err => {
      console.log('diagnostics: presence', await alice.evaluate(p => ({ sharing: globalThis.parley!.parley.sharingPresence, of: globalThis.parley!.parley.presenceOf(p) }), BOB.e164), await bob.evaluate(p => ({ sharing: globalThis.parley!.parley.sharingPresence, of: globalThis.parley!.parley.presenceOf(p), conns: globalThis.parley!.parley.network().connections.map(c => c.addr) }), ALICE.e164))
      throw err
    })
    expect(await testid(alice, 'presence').textContent()).toBe('online')

    await testid(alice, 'composer').fill('Did you read this?')
    await testid(alice, 'composer').press('Enter')
    await go(bob, chat(ALICE.e164))
    await testid(bob, 'conversation', '[data-state="ready"]').waitFor({ timeout: 20_000 })
    await incoming(bob, 'Did you read this?').waitFor({ timeout: 30_000 }).catch(async err => {
      console.log('diagnostics: alice', await alice.evaluate(async (p) => { const h = await globalThis.parley!.parley.history(p, { limit: 5 }); return { h: h.map(m => [m.text, m.status]), conns: globalThis.parley!.parley.network().connections.map(c => c.addr) } }, BOB.e164))
      console.log('diagnostics: bob', await bob.evaluate(async (p) => { const h = await globalThis.parley!.parley.history(p, { limit: 5 }); return { h: h.map(m => [m.text, m.status]), hash: location.hash, conns: globalThis.parley!.parley.network().connections.map(c => c.addr) } }, ALICE.e164))
      throw err
    })
    await outTicks(alice, 'Did you read this?', 'delivered').waitFor({ timeout: 30_000 })
    // Bob has the chat open (read locally) and answers: the answer arrives, the tick is still only delivered
    await testid(bob, 'composer').fill('Maybe')
    await testid(bob, 'composer').press('Enter')
    await incoming(alice, 'Maybe').waitFor({ timeout: 30_000 })
    await outTicks(bob, 'Maybe', 'read').waitFor({ timeout: 30_000 })
    expect(await alice.locator('[data-testid="message"][data-direction="out"]').filter({ hasText: 'Did you read this?' }).locator('[data-testid="ticks"]').getAttribute('data-state')).toBe('delivered')
    expect(rig.pageErrors).toEqual([])
  })

  it('settings: relays with health, the last one cannot go, bad addresses are refused, a photo becomes the avatar', async () => {
    await go(bob, '#/settings')
    const relayRow = testid(bob, 'relay-row', `[data-addr="${rig.relay.addr('ws')}"]`)
    await relayRow.and(bob.locator('[data-state="connected"]')).waitFor({ timeout: 20_000 })
    expect(await relayRow.locator('[data-testid="relay-health"]').textContent()).toMatch(/^Connected · \d+ ms · your mailbox$/)
    // the verifier pinned by the page's configuration (as npm start does), not one learned from a relay
    const verifier = String(rig.relay.listening.verifierKey)
    expect(await testid(bob, 'trust-root').allTextContents()).toEqual([`${verifier.slice(0, 8)} ${verifier.slice(8, 16)}…`])
    await testid(bob, 'trust-source').waitFor({ timeout: 5_000 })
    expect(await testid(bob, 'trust-warning').count()).toBe(0)

    await testid(bob, 'relay-addr').fill('/ip4/127.0.0.1/tcp/1/ws')
    await testid(bob, 'relay-addr-invalid').waitFor({ timeout: 5_000 })
    expect(await testid(bob, 'relay-add').isDisabled()).toBe(true)
    await testid(bob, 'relay-addr').fill('')

    await relayRow.locator('[data-testid="relay-remove"]').click()
    await relayRow.locator('[data-testid="relay-remove-confirm"]').click()
    await testid(bob, 'relay-error').waitFor({ timeout: 10_000 })
    expect(await testid(bob, 'relay-error').textContent()).toMatch(/only|last/)
    expect(await testid(bob, 'relay-row').count()).toBe(1)

    await testid(bob, 'photo-input').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: PNG })
    await testid(bob, 'my-avatar', '[data-state="photo"]').waitFor({ timeout: 10_000 })
    const photo = await bob.evaluate(async () => (await globalThis.parley!.parley.profile()).photo?.slice(0, 3))
    expect(Object.values(photo ?? {})).toEqual([0xff, 0xd8, 0xff])

    await testid(bob, 'profile-name').fill('Bobby')
    await testid(bob, 'profile-name-save').click()
    await testid(bob, 'profile-message').filter({ hasText: 'Name saved.' }).waitFor({ timeout: 10_000 })
    expect(await bob.evaluate(async () => (await globalThis.parley!.parley.profile()).name)).toBe('Bobby')
    await testid(bob, 'settings').evaluate(el => { el.parentElement!.scrollTop = 0 })
    await bob.screenshot({ path: join(SCREENSHOTS, 'settings.png') })
    // phone width: nothing scrolls sideways
    await bob.setViewportSize({ width: 360, height: 720 })
    expect(await bob.evaluate(() => Array.from(document.querySelectorAll('.app, .settings-section')).every(el => el.scrollWidth <= el.clientWidth + 1))).toBe(true)
    expect(await bob.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    expect(rig.pageErrors).toEqual([])
  })

  it('a new key for a verified contact: the conversation shows a blocking banner, sending waits for Accept, contact info shows the change and verified is cleared', async () => {
    await bob.setViewportSize({ width: 1100, height: 720 })
    // Bob reinstalls: wipe, register the same number again (a new identity key)
    await go(bob, '#/settings')
    await testid(bob, 'wipe').click()
    await testid(bob, 'wipe-confirm').click()
    await rig.onboard(bob, BOB)
    await go(bob, chat(ALICE.e164))
    await testid(bob, 'conversation', '[data-state="ready"]').waitFor({ timeout: 20_000 })
    await testid(bob, 'composer').fill('New phone, same Bob')
    await testid(bob, 'composer').press('Enter')

    await go(alice, chat(BOB.e164))
    await incoming(alice, 'New phone, same Bob').waitFor({ timeout: 30_000 })
    // Alice had verified Bob: the banner blocks, and a reply is refused until she accepts the new code
    await testid(alice, 'identity-blocked-banner').waitFor({ timeout: 20_000 })
    await testid(alice, 'composer').fill('Is that you?')
    await testid(alice, 'composer').press('Enter')
    await testid(alice, 'send-error').filter({ hasText: 'safety number changed after you verified it' }).waitFor({ timeout: 10_000 })
    await alice.screenshot({ path: join(SCREENSHOTS, 'identity-blocked.png') })
    await testid(alice, 'identity-blocked-view').click()
    await testid(alice, 'contact-info', '[data-state="unverified"]').waitFor({ timeout: 20_000 })
    await testid(alice, 'contact-identity-changed').waitFor({ timeout: 5_000 })
    await testid(alice, 'contact-back').click()
    await testid(alice, 'identity-blocked-accept').click()
    await testid(alice, 'identity-blocked-banner').waitFor({ state: 'detached', timeout: 10_000 })
    const after = await alice.evaluate(async p => await globalThis.parley!.parley.contact(p), BOB.e164)
    expect(after).toMatchObject({ identityChanged: false, blocked: false })
    await testid(alice, 'composer').fill('Is that you?')
    await testid(alice, 'composer').press('Enter')
    await incoming(bob, 'Is that you?').waitFor({ timeout: 30_000 })
    expect(rig.pageErrors).toEqual([])
  })

  it('someone gets a code for Alice\'s number on another device: Alice\'s tab shows the takeover banner', async () => {
    const dir = await tempDir('parley-web-rival-')
    // a relay that joined after Alice registered (it never held her record), which she adds in Settings
    const late = await startRelayProcess({ dataDir: join(dir.path, 'late'), listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'], args: ['--inbound-per-host', '1000', '--bootstrap', rig.relay.addr('tcp')] })
    const rival = await Parley.create({ dataDir: join(dir.path, 'rival'), bootstrap: [late.addr('tcp')], listen: ['/ip4/127.0.0.1/tcp/0'], createNode: createNodeNode })
    try {
      // the rig's (trusted) verifier texts Alice's code to someone else, who publishes a record with it
      await publishRival(rival, ALICE.e164, await attestFor(rival, ALICE.e164, { relay: rig.relay, sms: rig.inbox, dataDir: '' }))
      await alice.evaluate(async addr => { await globalThis.parley!.parley.addRelay(addr) }, late.addr('ws'))
      // what the tab runs after each republish, now (again until the tab's walk reaches the late relay: under
      // load its routing table may not hold it yet, and no event says when it does)
      await retryUntil(async () => {
        const found = await alice.evaluate(async () => await globalThis.parley!.parley.checkOwnRecord({ republish: false }))
        expect(found.map(f => f.identityKey)).toEqual([Buffer.from(rival.identity.publicKey).toString('hex')])
      }, { timeout: 120_000, interval: 1_000, what: "the tab's check finds the rival record" })
      await testid(alice, 'takeover-banner').filter({ hasText: 'passed SMS verification' }).waitFor({ timeout: 10_000 })
      await alice.screenshot({ path: join(SCREENSHOTS, 'takeover-banner.png') })
      await testid(alice, 'takeover-dismiss').click()
      await testid(alice, 'takeover-banner').waitFor({ state: 'detached', timeout: 5_000 })
      expect(rig.pageErrors).toEqual([])
    } finally {
      await rival.stop()
      await late.stop()
      await dir.remove()
    }
  }, 300_000)
})
