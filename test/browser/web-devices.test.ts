// Linked devices in the web client: a registered tab lists its devices and refuses a bad code; a tab that chose "Link to an existing account" is approved by a Node device of the account and becomes that account, and a CLI device links too (history, a contact's message on all three, texts sent from the Node device and the tab shown as sent on the others, a text sent from the Node device shown as outgoing, a read there clears the badge, rename); it links a third tab from Settings and removes it; removed by the Node device, it shows the removed screen and starts over.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { startWebRig, testid, type WebRig, type WebPerson } from '../helpers/web-app.js'
import type { Parley, ReceivedMessage } from '../../src/index.js'
import { tempDir } from '../helpers/tmp.js'
import { collect, registeredDevice, type TestRelay } from '../messaging/helpers.js'
import { retryUntil } from '../helpers/wait.js'
import { axeViolations, blocking } from '../helpers/axe.js'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { PROJECT_ROOT } from '../../scripts/paths.js'
import { runToExit } from '../helpers/process.js'

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
const ALICE = '+447700900041'
const BOB = '+447700900042'
const CAROL: WebPerson = { profile: 'carol', national: '07700 900043', e164: '+447700900043', name: 'Carol' }
/** the tab that links to Alice's account */
const LAPTOP: WebPerson = { profile: 'laptop', national: '', e164: ALICE, name: 'Alice' }
/** a second tab the laptop tab links from its Settings */
const TABLET: WebPerson = { profile: 'tablet', national: '', e164: ALICE, name: 'Alice' }

const CLI = join(PROJECT_ROOT, 'bin', 'parley.js')

const go = async (page: Page, hash: string): Promise<void> => { await page.evaluate(h => { location.hash = h }, hash) }

describe('web client: linked devices', () => {
  let rig: WebRig
  let dir: Awaited<ReturnType<typeof tempDir>>
  let alice: Parley
  let bob: Parley
  let laptop: Page
  let laptopDeviceId: number
  /** the CLI device's flags: its own folder, the rig's relay, its verifier */
  const cliArgs = (): string[] => ['--data', join(dir.path, 'terminal'), '--bootstrap', rig.relay.addr('tcp'), '--trusted-verifier', String(rig.relay.listening.verifierKey)]

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true })
    rig = await startWebRig()
    // Chromium on Linux has no BarcodeDetector and the machine no camera: a stand-in for both, so "Scan" shows;
    // it "sees" whatever the test puts in globalThis.fakeQr
    await rig.context.addInitScript(() => {
      const g = globalThis as unknown as { fakeQr?: string, BarcodeDetector?: unknown }
      g.BarcodeDetector = class {
        async detect (): Promise<Array<{ rawValue: string }>> { return g.fakeQr != null ? [{ rawValue: g.fakeQr }] : [] }
      }
      if (navigator.mediaDevices != null) {
        navigator.mediaDevices.getUserMedia = async () => {
          const canvas = document.createElement('canvas')
          canvas.getContext('2d')?.fillRect(0, 0, canvas.width, canvas.height)
          return canvas.captureStream(5)
        }
      }
    })
    dir = await tempDir('parley-web-devices-')
    // the Node devices use the rig's relay and trust its verifier, as the tabs do
    const relay: TestRelay = { relay: rig.relay, sms: rig.inbox, dataDir: join(dir.path, 'unused') }
    const trustedVerifiers = [Buffer.from(String(rig.relay.listening.verifierKey), 'hex')]
    ;[alice, bob] = await Promise.all([
      registeredDevice(dir.path, 'alice', ALICE, [relay], { trustedVerifiers }),
      registeredDevice(dir.path, 'bob', BOB, [relay], { trustedVerifiers })
    ])
    await alice.setProfile({ name: 'Alice' })
    await alice.renameDevice(1, 'Phone')
  }, 120_000)

  afterAll(async () => {
    await alice?.stop()
    await bob?.stop()
    await rig?.stop()
    await dir?.remove()
  })

  it('a registered tab lists its devices in Settings › Linked devices, says why a code is refused, and scans one', async () => {
    const carol = await rig.open(CAROL)
    await rig.onboard(carol, CAROL)
    await go(carol, '#/settings')
    const rows = testid(carol, 'device-row')
    await rows.first().waitFor({ timeout: 20_000 })
    expect(await rows.count()).toBe(1)
    expect(await rows.first().getAttribute('data-current')).toBe('true')
    expect(await testid(carol, 'device-current').textContent()).toBe('This device')
    // named after its browser at registration
    expect(await testid(carol, 'device-name').textContent()).toBe('Chrome on Linux')
    expect(await testid(carol, 'device-kind').textContent()).toBe('Web browser')
    // the only device cannot be removed from here
    expect(await testid(carol, 'device-remove').count()).toBe(0)
    await testid(carol, 'link-code').fill('parley-link:not-a-code')
    await testid(carol, 'link-approve').click()
    const error = testid(carol, 'link-error')
    await error.waitFor({ timeout: 10_000 })
    expect(await error.textContent()).toBe('This is not a Parley link code: copy the whole parley-link: text from the new device.')

    // scanning: the camera view until a parley-link: code is seen, which fills the field
    await testid(carol, 'link-scan').click()
    await testid(carol, 'link-scanner').waitFor({ timeout: 5_000 })
    await carol.evaluate(() => { (globalThis as unknown as { fakeQr: string }).fakeQr = 'parley-link:scanned' })
    await testid(carol, 'link-scanner').waitFor({ state: 'detached', timeout: 10_000 })
    expect(await testid(carol, 'link-code').inputValue()).toBe('parley-link:scanned')
    await carol.close()
    expect(rig.pageErrors).toEqual([])
  }, 120_000)

  it('a tab links to an existing account through its code; the Node device approves it and the tab opens as that account', async () => {
    // history from before the link, which the tab receives
    const before = collect<ReceivedMessage>(push => alice.on('message', push))
    await bob.send(ALICE, 'Hi Alice, before the link')
    await before.until(1, 30_000, 'alice gets bob\'s first text')
    await alice.markRead(BOB)

    laptop = await rig.open(LAPTOP)
    await testid(laptop, 'onboarding', '[data-state="phone"]').waitFor({ timeout: 30_000 })
    // Cancel stops the link and brings the tab back to the start of onboarding
    await testid(laptop, 'link-existing').click()
    await testid(laptop, 'link-uri').waitFor({ timeout: 45_000 })
    await testid(laptop, 'link-cancel').click()
    await testid(laptop, 'onboarding', '[data-state="phone"]').waitFor({ timeout: 30_000 })

    await testid(laptop, 'link-existing').click()
    const code = testid(laptop, 'link-uri')
    await code.waitFor({ timeout: 45_000 })
    const uri = await code.inputValue()
    expect(uri).toMatch(/^parley-link:[A-Za-z0-9_-]+$/)
    expect(await testid(laptop, 'link-qr').locator('svg').count()).toBe(1)
    expect(await testid(laptop, 'link-waiting').textContent()).toContain('Waiting for approval…')
    await testid(laptop, 'onboarding').screenshot({ path: join(SCREENSHOTS, 'link-device.png') })
    expect(blocking(await axeViolations(laptop))).toEqual([])

    const bobHeard = collect<{ phone: string }>(push => bob.on('contact-devices', push))
    const progress: Array<[number, number]> = []
    const approved = await alice.approveLink(uri, { onProgress: (d, t) => progress.push([d, t]), signal: AbortSignal.timeout(90_000) })
    laptopDeviceId = approved.deviceId
    // the tab named itself after its browser
    expect(approved.name).toBe('Chrome on Linux')
    expect(progress.at(-1)?.[0]).toBe(progress.at(-1)?.[1])

    // the tab reloads as Alice's device: the chat list with the history it received
    await testid(laptop, 'app', '[data-state="ready"]').waitFor({ timeout: 60_000 })
    const row = testid(laptop, 'chat-row', `[data-phone="${BOB}"]`)
    await row.locator('[data-testid="chat-last"]').filter({ hasText: 'Hi Alice, before the link' }).waitFor({ timeout: 20_000 })
    expect(await laptop.evaluate(async () => (await globalThis.parley!.parley.whoami()).phone)).toBe(ALICE)
    await bobHeard.until(1, 30_000, 'bob hears that alice\'s devices changed')
    expect(rig.pageErrors).toEqual([])
  }, 180_000)

  it('a CLI device links to the same account too (parley link, approved by the Node device)', async () => {
    const link = spawn(process.execPath, [CLI, ...cliArgs(), 'link'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    link.stderr.on('data', d => { stderr += String(d) })
    const lines: string[] = []
    const exited = new Promise<number | null>(resolve => link.once('exit', code => resolve(code)))
    const uri = await new Promise<string>((resolve, reject) => {
      createInterface({ input: link.stdout }).on('line', line => { lines.push(line); if (lines.length === 1) resolve(line) })
      exited.then(code => reject(new Error(`parley link exited (${code}) before its code: ${stderr}`)), () => {})
    })
    expect(uri).toMatch(/^parley-link:/)
    await alice.approveLink(uri, { name: 'Terminal', signal: AbortSignal.timeout(90_000) })
    expect(await exited).toBe(0)
    expect(lines).toEqual([uri, ALICE])
  }, 120_000)

  it('a contact\'s message reaches all three devices; a read on the Node device clears the tab\'s badge; texts sent from the Node device and the tab show as sent on the others', async () => {
    const heard = collect<ReceivedMessage>(push => alice.on('message', push))
    await bob.send(ALICE, 'Hello both of you')
    await heard.until(1, 30_000, 'the Node device gets bob\'s text')
    const row = testid(laptop, 'chat-row', `[data-phone="${BOB}"]`)
    await row.locator('[data-testid="chat-last"]').filter({ hasText: 'Hello both of you' }).waitFor({ timeout: 30_000 })
    await row.locator('[data-testid="unread-badge"]').waitFor({ timeout: 10_000 })

    // read on the phone: the tab's badge goes (read sync)
    await alice.markRead(BOB)
    await row.locator('[data-testid="unread-badge"]').waitFor({ state: 'detached', timeout: 30_000 })

    // sent from the phone: in the tab's chat as an outgoing message
    await row.click()
    await testid(laptop, 'conversation', '[data-state="ready"]').waitFor({ timeout: 20_000 })
    await alice.send(BOB, 'Sent from my phone')
    await testid(laptop, 'message', '[data-direction="out"]').filter({ hasText: 'Sent from my phone' }).waitFor({ timeout: 30_000 })
    await row.locator('[data-testid="chat-last"]').filter({ hasText: 'Sent from my phone' }).waitFor({ timeout: 10_000 })

    // typed in the tab: at bob, and as sent on the phone
    const phoneSaw = collect<{ to: string, text: string }>(push => alice.on('sent', push))
    const bobGot = collect<ReceivedMessage>(push => bob.on('message', push))
    await testid(laptop, 'composer').fill('Typed in the browser')
    await testid(laptop, 'composer').press('Enter')
    for (let n = 1; !bobGot.items.some(m => m.text === 'Typed in the browser'); n++) await bobGot.until(n, 30_000, 'bob gets the tab\'s text')
    for (let n = 1; !phoneSaw.items.some(m => m.text === 'Typed in the browser'); n++) await phoneSaw.until(n, 30_000, 'the phone\'s transcript of the tab\'s text')

    // the terminal, the third device: bob's text, and the phone's and the tab's texts as sent
    const got = await runToExit(CLI, [...cliArgs(), 'receive', '--json'], { timeout: 90_000 })
    expect(got.code).toBe(0)
    const events = got.stdout.trim().split('\n').filter(Boolean).map(l => JSON.parse(l) as Record<string, unknown>)
    expect(events).toContainEqual(expect.objectContaining({ type: 'message', from: BOB, text: 'Hello both of you' }))
    expect(events).toContainEqual(expect.objectContaining({ type: 'sent', to: BOB, text: 'Sent from my phone' }))
    expect(events).toContainEqual(expect.objectContaining({ type: 'sent', to: BOB, text: 'Typed in the browser' }))
    expect(rig.pageErrors).toEqual([])
  }, 120_000)

  it('the linked tab lists the account\'s devices and renames itself', async () => {
    await go(laptop, '#/settings')
    const rows = testid(laptop, 'device-row')
    await rows.nth(2).waitFor({ timeout: 20_000 })
    expect(await rows.count()).toBe(3)
    const self = testid(laptop, 'device-row', '[data-current="true"]')
    expect(await self.getAttribute('data-device-id')).toBe(String(laptopDeviceId))
    const phone = testid(laptop, 'device-row', '[data-device-id="1"]')
    expect(await phone.locator('[data-testid="device-name"]').textContent()).toBe('Phone')
    await self.locator('[data-testid="device-rename"]').click()
    await testid(laptop, 'device-name-input').fill('Work laptop')
    await testid(laptop, 'device-rename-save').click()
    await self.locator('[data-testid="device-name"]').filter({ hasText: 'Work laptop' }).waitFor({ timeout: 10_000 })
    expect(rig.pageErrors).toEqual([])
  }, 60_000)

  it('the linked tab links another tab from Settings (pasted code, name, progress) and removes it with a confirmation', async () => {
    const tablet = await rig.open(TABLET)
    await testid(tablet, 'onboarding', '[data-state="phone"]').waitFor({ timeout: 30_000 })
    await testid(tablet, 'link-existing').click()
    const code = testid(tablet, 'link-uri')
    await code.waitFor({ timeout: 45_000 })
    await testid(laptop, 'link-code').fill(await code.inputValue())
    await testid(laptop, 'link-name').fill('Tablet')
    // the progress bar shows while the account is sent (it may be brief: an observer notes it)
    await laptop.evaluate(() => {
      const seen = globalThis as unknown as { progressSeen?: boolean }
      new MutationObserver(() => { if (document.querySelector('[data-testid="link-progress"]') != null) seen.progressSeen = true }).observe(document.body, { subtree: true, childList: true })
    })
    await testid(laptop, 'link-approve').click()
    await testid(laptop, 'link-done').waitFor({ timeout: 90_000 })
    expect(await laptop.evaluate(() => (globalThis as unknown as { progressSeen?: boolean }).progressSeen)).toBe(true)
    expect(await testid(laptop, 'link-done').textContent()).toContain('“Tablet” is linked')
    const rows = testid(laptop, 'device-row')
    await rows.nth(3).waitFor({ timeout: 10_000 })
    expect(await rows.locator('[data-testid="device-name"]').allTextContents()).toEqual(['Work laptop', 'Phone', 'Terminal', 'Tablet'])
    // the tablet opens as Alice's device too, with the history
    await testid(tablet, 'app', '[data-state="ready"]').waitFor({ timeout: 60_000 })
    await testid(tablet, 'chat-row', `[data-phone="${BOB}"]`).waitFor({ timeout: 20_000 })
    await testid(laptop, 'linked-devices').screenshot({ path: join(SCREENSHOTS, 'linked-devices.png') })
    expect(blocking(await axeViolations(laptop))).toEqual([])

    // remove it from the laptop: a confirmation first
    const tabletRow = rows.filter({ hasText: 'Tablet' })
    await tabletRow.locator('[data-testid="device-remove"]').click()
    const dialog = testid(laptop, 'device-remove-dialog')
    await dialog.waitFor({ timeout: 5_000 })
    expect(await dialog.textContent()).toContain('It will stop receiving messages and erase itself')
    await testid(laptop, 'device-remove-confirm').click()
    await dialog.waitFor({ state: 'detached', timeout: 60_000 })
    await tabletRow.waitFor({ state: 'detached', timeout: 10_000 })
    expect(await rows.count()).toBe(3)
    const removed = testid(tablet, 'device-removed')
    await retryUntil(async () => {
      await tablet.evaluate(() => window.dispatchEvent(new Event('focus')))
      await removed.waitFor({ timeout: 3_000 })
    }, { timeout: 60_000, interval: 500, what: 'the tablet learns it was removed' })
    await tablet.close()
    expect(rig.pageErrors).toEqual([])
  }, 240_000)

  it('removed by the Node device, the tab shows the removed screen and starts over', async () => {
    await alice.removeDevice(laptopDeviceId)
    expect((await alice.devices()).map(d => d.deviceId)).not.toContain(laptopDeviceId)
    await go(laptop, '#/')
    // the tab looks at its own record every minute while visible, and when it gets the focus back (at most every 5 s)
    const removed = testid(laptop, 'device-removed')
    await retryUntil(async () => {
      await laptop.evaluate(() => window.dispatchEvent(new Event('focus')))
      await removed.waitFor({ timeout: 3_000 })
    }, { timeout: 60_000, interval: 500, what: 'the tab learns it was removed' })
    expect(await removed.locator('h1').textContent()).toBe('This device was removed from your account')
    await laptop.screenshot({ path: join(SCREENSHOTS, 'device-removed.png') })
    expect(blocking(await axeViolations(laptop))).toEqual([])
    // the SDK wiped the profile: it is no longer registered
    expect(await laptop.evaluate(async () => (await globalThis.parley!.parley.whoami()).registered)).toBe(false)
    await testid(laptop, 'start-over').click()
    await testid(laptop, 'onboarding', '[data-state="phone"]').waitFor({ timeout: 30_000 })
    expect(rig.pageErrors).toEqual([])
  }, 150_000)
})
