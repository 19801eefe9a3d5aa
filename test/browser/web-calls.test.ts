// Voice and video calls in the web client: two tabs (alice, bob) on one relay process, Chromium with its fake camera (two of them), microphone and speakers. A video call connects from the chat header: frames and audio flow both ways (the calls' own getStats figures), the quality indicator reads, mute shows on the other side, Esc does not end it, the camera switches, a speaker is picked, a hang-up on either side ends both screens, every camera and microphone track stops, and both call logs show it with its duration. A microphone refused by the browser says so and places nothing; a call to a hidden tab also shows a desktop notification, closed when the ring ends; a declined call reads "Declined" with "Call again" and is in both logs; a call to a closed tab that is cancelled is a missed call in its chat and its Calls list (with the badge) when it opens again; a video call without a camera goes on as voice, then turns video on and off again (the other tab's video starts and stops). axe on every call screen. Screenshots for docs/screenshots.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { startWebRig, testid, type WebRig, type WebPerson } from '../helpers/web-app.js'
import { screenAudit } from '../helpers/axe.js'

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
const ALICE: WebPerson = { profile: 'calice', national: '07700 900071', e164: '+447700900071', name: 'Alice' }
const BOB: WebPerson = { profile: 'cbob', national: '07700 900072', e164: '+447700900072', name: 'Bob' }
/** Chromium's fake devices with two cameras (so "Switch camera" shows), its fake microphone's beeps and three fake speakers; the permission prompt answered yes. */
const CALL_MEDIA_ARGS = ['--use-fake-device-for-media-stream=device-count=2', '--use-fake-ui-for-media-stream']
/** A ring, an answer or a hang-up between two tabs (direct, or through the relay's mailbox). */
const SIGNAL_MS = 30_000
/** From "Accept" to media flowing (ICE on loopback, DTLS). */
const CONNECT_MS = 30_000

/** What the test's init script adds to each page: every track getUserMedia opened, and a way to make it fail like a browser does. */
interface MediaHooks {
  openedTracks: MediaStreamTrack[]
  /** the next getUserMedia calls fail with this DOMException name (all, or only those asking for video) */
  denyMedia?: { name: string, videoOnly?: boolean }
  lastFrames?: { frames: number, at: number }
}
/** Desktop notifications a page made while the test recorded them (and whether each was closed). */
interface NotificationLog { shownNotifications: Array<{ title: string, body?: string, closed: boolean }> }
/** The page's model, as far as the test reads it (the ring tone). */
interface PageApp { app: { calls: { tone: { playing?: string } } } }

/** A 256 px portrait drawn in the page: alice's profile photo, which bob's incoming-call screen shows. */
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
    g.fillStyle = '#6d4c41'
    g.beginPath(); g.arc(128, 82, 62, Math.PI, 0); g.fill()
    return c.toDataURL('image/png')
  })
  return Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64')
}

interface Figures { frames: number, framesSent: number, audioIn: number, audioOut: number, quality: string }

/** The call's own figures in `page` (`call.stats()`, the quality indicator's source). */
async function figures (page: Page): Promise<Figures | undefined> {
  return await page.evaluate(async () => {
    const call = globalThis.parley!.parley.calls.calls()[0]
    if (call == null) return undefined
    const s = await call.stats()
    return { frames: s.videoFramesDecoded, framesSent: s.videoFramesSent, audioIn: s.audioBytesReceived, audioOut: s.audioBytesSent, quality: s.quality }
  })
}

/** Waits until the call's figures in `page` reach `min` (polled: figures have no event; bounded). */
async function figuresReach (page: Page, min: Partial<Figures>, what: string, timeout = CONNECT_MS): Promise<Figures> {
  await page.waitForFunction(async min => {
    const call = globalThis.parley!.parley.calls.calls()[0]
    if (call == null) return false
    const s = await call.stats()
    return s.videoFramesDecoded >= (min.frames ?? 0) && s.videoFramesSent >= (min.framesSent ?? 0) &&
      s.audioBytesReceived >= (min.audioIn ?? 0) && s.audioBytesSent >= (min.audioOut ?? 0)
  }, min, { polling: 250, timeout }).catch(async (err: Error) => {
    throw new Error(`${what}: ${err.message}; figures now ${JSON.stringify(await figures(page))}`)
  })
  return (await figures(page))!
}

/** Every track the page's getUserMedia opened, and whether each has stopped. */
async function openedTracks (page: Page): Promise<Array<{ kind: string, ended: boolean }>> {
  return await page.evaluate(() => (globalThis as unknown as MediaHooks).openedTracks.map(t => ({ kind: t.kind, ended: t.readyState === 'ended' })))
}

describe('web client: voice and video calls', () => {
  let rig: WebRig
  let alice: Page
  let bob: Page
  /** what axe found that blocks, and pages wider than a phone; expected empty */
  const found: string[] = []
  const audit = screenAudit(found)
  const openChat = async (page: Page, phone: string): Promise<void> => {
    await page.evaluate(hash => { location.hash = hash }, `#/chat/${encodeURIComponent(phone)}`)
    await testid(page, 'conversation', `[data-phone="${phone}"][data-state="ready"]`).waitFor({ timeout: 10_000 })
  }
  /** Waits until `page` shows no call screen (the dialog is gone). */
  const noCallScreen = async (page: Page, timeout = 15_000): Promise<void> => {
    await testid(page, 'call-dialog').waitFor({ state: 'detached', timeout })
  }

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true })
    rig = await startWebRig({ chromiumArgs: CALL_MEDIA_ARGS })
    await rig.context.grantPermissions(['microphone', 'camera'])
    // every getUserMedia is recorded (to check each track stops with its call) and can be made to fail as a browser's does
    await rig.context.addInitScript(() => {
      const hooks = globalThis as unknown as MediaHooks
      hooks.openedTracks = []
      const devices = navigator.mediaDevices
      if (devices == null) return
      const real = devices.getUserMedia.bind(devices)
      devices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
        const deny = hooks.denyMedia
        if (deny != null && (deny.videoOnly !== true || constraints?.video != null)) throw new DOMException('refused by the test', deny.name)
        const stream = await real(constraints)
        hooks.openedTracks.push(...stream.getTracks())
        return stream
      }
    })
  })

  afterAll(async () => {
    await rig?.stop()
  })

  it('a video call between two tabs connects, carries frames and audio both ways, and a hang-up on either side ends both; both logs have it with its duration', async () => {
    alice = await rig.open(ALICE)
    bob = await rig.open(BOB)
    await Promise.all([rig.onboard(alice, ALICE), rig.onboard(bob, BOB)])
    await rig.connect(bob, alice)
    // alice's photo: bob's incoming-call screen shows it
    await testid(alice, 'open-settings').click()
    await testid(alice, 'photo-input').setInputFiles({ name: 'alice.png', mimeType: 'image/png', buffer: await portrait(alice) })
    await testid(alice, 'my-avatar', '[data-state="photo"]').waitFor({ timeout: 10_000 })
    await alice.keyboard.press('Escape')
    // a text each way: the sessions exist and each side has the other's name (and bob alice's photo)
    await openChat(alice, BOB.e164)
    await testid(alice, 'composer').fill('Can I call you?')
    await testid(alice, 'composer').press('Enter')
    await testid(bob, 'chat-row', `[data-phone="${ALICE.e164}"]`).waitFor({ timeout: SIGNAL_MS })
    await openChat(bob, ALICE.e164)
    await testid(bob, 'composer').fill('Sure')
    await testid(bob, 'composer').press('Enter')
    await testid(alice, 'message', '[data-direction="in"]').filter({ hasText: 'Sure' }).waitFor({ timeout: SIGNAL_MS })
    await testid(bob, 'open-contact').locator('[data-testid="contact-avatar"][data-state="photo"]').waitFor({ timeout: 10_000 })

    // alice calls from the chat header
    expect(await testid(alice, 'call-video').isEnabled()).toBe(true)
    await testid(alice, 'call-video').click()
    const aliceScreen = testid(alice, 'call-screen')
    await aliceScreen.waitFor({ timeout: 5_000 })
    expect(await testid(alice, 'call-peer-name').textContent()).toBe('Bob')
    // our camera is on at once (mirrored), and the state says who is waiting for whom
    await testid(alice, 'local-video').waitFor({ timeout: 10_000 })
    expect(await testid(alice, 'local-video').evaluate(v => getComputedStyle(v).transform)).toBe('matrix(-1, 0, 0, 1, 0, 0)')

    // bob: the incoming screen over his open chat, with alice's name and photo, ringing
    const incoming = testid(bob, 'incoming-call')
    await incoming.waitFor({ timeout: SIGNAL_MS })
    expect(await testid(bob, 'call-peer-name').textContent()).toBe('Alice')
    expect(await testid(bob, 'incoming-kind').textContent()).toBe('Video call')
    expect(await incoming.locator('[data-testid="contact-avatar"]').getAttribute('data-state')).toBe('photo')
    expect(await incoming.getAttribute('data-tone')).toBe('ring')
    // the focus is on the caller's name, not on a button a stray Enter would press
    expect(await bob.evaluate(() => document.activeElement?.id)).toBe('call-name')
    await testid(alice, 'call-status').filter({ hasText: 'Ringing…' }).waitFor({ timeout: SIGNAL_MS })
    expect(await alice.evaluate(() => (globalThis.parley as unknown as PageApp).app.calls.tone.playing)).toBe('ringback')
    await bob.screenshot({ path: join(SCREENSHOTS, 'call-incoming.png') })
    await audit(bob, 'incoming call')

    await testid(bob, 'call-accept').click()
    const bobScreen = testid(bob, 'call-screen')
    await aliceScreen.and(alice.locator('[data-state="connected"]')).waitFor({ timeout: CONNECT_MS })
    await bobScreen.and(bob.locator('[data-state="connected"]')).waitFor({ timeout: CONNECT_MS })
    expect(await bob.evaluate(() => (globalThis.parley as unknown as PageApp).app.calls.tone.playing)).toBeUndefined()
    expect(await alice.evaluate(() => (globalThis.parley as unknown as PageApp).app.calls.tone.playing)).toBeUndefined()

    // frames and audio both ways, still flowing a moment later
    const a1 = await figuresReach(alice, { frames: 20, framesSent: 20, audioIn: 4_000, audioOut: 4_000 }, 'alice receives and sends')
    const b1 = await figuresReach(bob, { frames: 20, framesSent: 20, audioIn: 4_000, audioOut: 4_000 }, 'bob receives and sends')
    await figuresReach(alice, { frames: a1.frames + 20, audioIn: a1.audioIn + 4_000 }, 'alice keeps receiving')
    await figuresReach(bob, { frames: b1.frames + 20, audioIn: b1.audioIn + 4_000 }, 'bob keeps receiving')
    // each shows the other's camera full size, playing
    for (const page of [alice, bob]) {
      await testid(page, 'remote-video', '[data-state="on"]').waitFor({ timeout: SIGNAL_MS })
      await page.waitForFunction(() => {
        const v = document.querySelector<HTMLVideoElement>('[data-testid="remote-video"]')
        return v != null && v.videoWidth > 0 && v.getVideoPlaybackQuality().totalVideoFrames > 10
      }, null, { timeout: CONNECT_MS })
    }
    // the clock runs, and the quality indicator has read the connection (loopback: not relayed)
    expect(await testid(alice, 'call-status').textContent()).toMatch(/^\d+:\d\d$/)
    await testid(alice, 'call-quality', ':not([data-quality="unknown"])').waitFor({ timeout: 10_000 })
    expect(await testid(alice, 'call-quality').getAttribute('data-relayed')).toBe('false')
    expect(await testid(alice, 'call-quality').getAttribute('aria-label')).toMatch(/^(Good|Fair|Poor) connection$/)

    // Esc does not end the call, nor close its screen, nor the chat under it: not even the third, which Chromium no
    // longer lets a page refuse (the screen closes and opens again at once); bob's mute then shows at alice's (so
    // the call is still on after it)
    for (let i = 0; i < 3; i++) await alice.keyboard.press('Escape')
    await testid(alice, 'call-dialog').and(alice.locator('[open]')).waitFor({ timeout: 5_000 })
    expect(await alice.evaluate(() => location.hash)).toBe(`#/chat/${encodeURIComponent(BOB.e164)}`)
    await testid(bob, 'call-mute').click()
    expect(await testid(bob, 'call-mute').getAttribute('aria-pressed')).toBe('true')
    await testid(alice, 'remote-muted').waitFor({ timeout: SIGNAL_MS })
    expect(await testid(alice, 'remote-muted').textContent()).toContain('Bob is muted')
    expect(await aliceScreen.getAttribute('data-state')).toBe('connected')
    await testid(bob, 'call-mute').click()
    await testid(alice, 'remote-muted').waitFor({ state: 'detached', timeout: SIGNAL_MS })

    await alice.screenshot({ path: join(SCREENSHOTS, 'call-video.png') })
    await audit(alice, 'video call')

    // alice switches to her other camera: bob keeps getting frames from it
    const cameraOf = async (): Promise<string | undefined> => await alice.evaluate(() =>
      (document.querySelector<HTMLVideoElement>('[data-testid="local-video"]')?.srcObject as MediaStream | null)?.getVideoTracks()[0]?.getSettings().deviceId)
    const before = await cameraOf()
    await testid(alice, 'call-switch-camera').click()
    await alice.waitForFunction(before => {
      const track = (document.querySelector<HTMLVideoElement>('[data-testid="local-video"]')?.srcObject as MediaStream | null)?.getVideoTracks()[0]
      return track != null && track.readyState === 'live' && track.getSettings().deviceId !== before
    }, before, { timeout: 10_000 })
    expect(await cameraOf()).not.toBe(before)
    const b2 = (await figures(bob))!
    await figuresReach(bob, { frames: b2.frames + 20 }, 'bob gets frames from the other camera')

    // alice picks another speaker: the call's audio element plays there
    const speaker = testid(alice, 'call-speaker')
    expect(await speaker.locator('option').count()).toBeGreaterThanOrEqual(2)
    const other = await speaker.locator('option').nth(1).getAttribute('value')
    await speaker.selectOption(other!)
    await alice.waitForFunction(id => document.querySelector<HTMLAudioElement>('[data-testid="remote-audio"]')?.sinkId === id, other, { timeout: 10_000 })

    // bob hangs up: his screen closes at once, alice's says the call ended, then closes too
    await testid(bob, 'call-hangup').click()
    await noCallScreen(bob, 5_000)
    await aliceScreen.and(alice.locator('[data-state="ended"]')).waitFor({ timeout: SIGNAL_MS })
    expect(await testid(alice, 'call-status').textContent()).toMatch(/^Call ended · \d+:\d\d$/)
    await noCallScreen(alice)
    // nothing of either camera or microphone stays open
    for (const page of [alice, bob]) {
      const tracks = await openedTracks(page)
      expect(tracks.filter(t => t.kind === 'video').length).toBeGreaterThanOrEqual(1)
      expect(tracks.filter(t => t.kind === 'audio').length).toBeGreaterThanOrEqual(1)
      expect(tracks.every(t => t.ended)).toBe(true)
    }

    // both logs: in the chat, and in the Calls list, with the duration
    for (const [page, peer, direction] of [[alice, BOB.e164, 'outgoing'], [bob, ALICE.e164, 'incoming']] as const) {
      const entry = testid(page, 'call-entry', '[data-outcome="answered"]')
      await entry.waitFor({ timeout: 10_000 })
      expect(await entry.locator('[data-testid="call-entry-line"]').textContent()).toMatch(/^Video call · \d+:\d\d$/)
      await testid(page, 'tab-calls').click()
      const row = testid(page, 'call-row').first()
      await row.waitFor({ timeout: 5_000 })
      expect(await row.getAttribute('data-phone')).toBe(peer)
      expect(await row.getAttribute('data-direction')).toBe(direction)
      expect(await row.getAttribute('data-outcome')).toBe('answered')
      expect(await row.locator('[data-testid="call-row-line"]').textContent()).toMatch(/Video call · \d+:\d\d$/)
      await testid(page, 'call-row-chat').first().click()
      await testid(page, 'conversation', `[data-phone="${peer}"]`).waitFor({ timeout: 5_000 })
    }
    expect(found).toEqual([])
    expect(rig.pageErrors).toEqual([])
  }, 240_000)

  it('a microphone the browser refuses places no call and says why; a declined call reads "Declined" at the caller and is in both logs', async () => {
    await alice.evaluate(hash => { location.hash = hash }, `#/contact/${encodeURIComponent(BOB.e164)}`)
    await testid(alice, 'contact-info').waitFor({ timeout: 10_000 })
    await alice.evaluate(() => { (globalThis as unknown as MediaHooks).denyMedia = { name: 'NotAllowedError' } })
    await testid(alice, 'call-voice').click()
    const notice = testid(alice, 'call-notice')
    await notice.waitFor({ timeout: 5_000 })
    expect(await notice.locator('span').textContent()).toBe('Parley may not use the microphone. Allow it in the browser\'s site settings, then try again.')
    expect(await alice.evaluate(() => globalThis.parley!.parley.calls.calls().length)).toBe(0)
    await noCallScreen(alice, 5_000)
    await testid(alice, 'call-notice-ok').click()
    await notice.waitFor({ state: 'detached', timeout: 5_000 })

    await alice.evaluate(() => { delete (globalThis as unknown as MediaHooks).denyMedia })
    // bob's tab goes to the background: his ring also shows a desktop notification (recorded as it is made and closed)
    await rig.context.grantPermissions(['notifications'])
    await bob.evaluate(() => {
      const Real = Notification
      const shown: NotificationLog['shownNotifications'] = []
      class Recorded extends Real {
        static override get permission (): NotificationPermission { return Real.permission }
        private readonly entry: NotificationLog['shownNotifications'][number]
        constructor (title: string, options?: NotificationOptions) {
          super(title, options)
          this.entry = { title, ...(options?.body != null ? { body: options.body } : {}), closed: false }
          shown.push(this.entry)
        }

        override close (): void {
          this.entry.closed = true
          super.close()
        }
      }
      Object.defineProperty(globalThis, 'shownNotifications', { value: shown, configurable: true })
      Object.defineProperty(window, 'Notification', { value: Recorded, configurable: true })
      Object.defineProperty(document, 'visibilityState', { get: () => 'hidden', configurable: true })
      document.dispatchEvent(new Event('visibilitychange'))
    })
    await testid(alice, 'call-voice').click()
    const incoming = testid(bob, 'incoming-call')
    await incoming.waitFor({ timeout: SIGNAL_MS })
    expect(await bob.evaluate(() => (globalThis as unknown as NotificationLog).shownNotifications)).toEqual([{ title: 'Alice', body: 'Incoming voice call', closed: false }])
    expect(await testid(bob, 'incoming-kind').textContent()).toBe('Voice call')
    expect(await incoming.getAttribute('data-video')).toBe('false')
    expect(await testid(bob, 'call-accept-voice').count()).toBe(0)
    await testid(bob, 'call-decline').click()
    await noCallScreen(bob, 5_000)
    expect(await bob.evaluate(() => (globalThis.parley as unknown as PageApp).app.calls.tone.playing)).toBeUndefined()
    // the ring ended: its notification went with it
    expect(await bob.evaluate(() => (globalThis as unknown as NotificationLog).shownNotifications.map(n => n.closed))).toEqual([true])
    await bob.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { get: () => 'visible', configurable: true })
      document.dispatchEvent(new Event('visibilitychange'))
    })

    const screen = testid(alice, 'call-screen', '[data-end="declined"]')
    await screen.waitFor({ timeout: SIGNAL_MS })
    expect(await testid(alice, 'call-status').textContent()).toBe('Declined')
    await testid(alice, 'call-again').waitFor()
    await audit(alice, 'declined call')
    await testid(alice, 'call-close').click()
    await noCallScreen(alice, 5_000)
    expect((await openedTracks(alice)).every(t => t.ended)).toBe(true)

    for (const [page, peer] of [[alice, BOB.e164], [bob, ALICE.e164]] as const) {
      await openChat(page, peer)
      const entry = testid(page, 'call-entry', '[data-outcome="declined"]')
      await entry.waitFor({ timeout: 10_000 })
      expect(await entry.locator('[data-testid="call-entry-line"]').textContent()).toBe('Voice call · Declined')
      await testid(page, 'tab-calls').click()
      const row = testid(page, 'call-row').first()
      await row.and(page.locator('[data-outcome="declined"]')).waitFor({ timeout: 5_000 })
      expect(await row.getAttribute('data-video')).toBe('false')
    }
    expect(found).toEqual([])
    expect(rig.pageErrors).toEqual([])
  }, 180_000)

  it('a call to a closed tab that the caller cancels is a missed call in its chat and its Calls list when it opens again', async () => {
    await bob.close()
    await openChat(alice, BOB.e164)
    await testid(alice, 'call-voice').click()
    await testid(alice, 'call-screen', '[data-state="calling"]').waitFor({ timeout: 10_000 })
    expect(await testid(alice, 'call-status').textContent()).toBe('Calling…')
    expect(await testid(alice, 'call-hangup').getAttribute('aria-label')).toBe('Cancel the call')
    await testid(alice, 'call-hangup').click()
    await noCallScreen(alice, 5_000)
    const cancelled = testid(alice, 'call-entry', '[data-outcome="cancelled"]')
    await cancelled.waitFor({ timeout: 10_000 })
    expect(await cancelled.locator('[data-testid="call-entry-line"]').textContent()).toBe('Voice call · Cancelled')

    bob = await rig.open(BOB)
    await testid(bob, 'app', '[data-state="ready"]').waitFor({ timeout: 20_000 })
    // the ring and the hang-up wait at bob's relay: the missed call is counted on the Calls tab
    const badge = testid(bob, 'missed-badge')
    await badge.waitFor({ timeout: 60_000 })
    expect(await badge.textContent()).toBe('1')
    await noCallScreen(bob)
    await openChat(bob, ALICE.e164)
    const missed = testid(bob, 'call-entry', '[data-outcome="missed"]')
    await missed.waitFor({ timeout: 10_000 })
    expect(await missed.locator('[data-testid="call-entry-line"]').textContent()).toBe('Missed voice call')
    expect(await missed.evaluate(e => e.classList.contains('missed'))).toBe(true)
    await audit(bob, 'chat with calls')
    await testid(bob, 'tab-calls').click()
    const row = testid(bob, 'call-row').first()
    await row.waitFor({ timeout: 5_000 })
    expect(await row.getAttribute('data-outcome')).toBe('missed')
    expect(await row.evaluate(e => e.classList.contains('missed'))).toBe(true)
    expect(await row.textContent()).toMatch(/^Alice.*Missed voice call\. Call back$/)
    expect(await testid(bob, 'call-row').evaluateAll(rows => rows.map(r => r.getAttribute('data-outcome')))).toEqual(['missed', 'declined', 'answered'])
    // seen: the badge goes
    await badge.waitFor({ state: 'detached', timeout: 5_000 })
    await bob.screenshot({ path: join(SCREENSHOTS, 'call-history.png') })
    await audit(bob, 'calls list')
    expect(found).toEqual([])
    expect(rig.pageErrors).toEqual([])
  }, 180_000)

  it('a video call without a camera goes on as a voice call; turning the camera on and off starts and stops the video at the other tab', async () => {
    await rig.connect(bob, alice)
    await openChat(alice, BOB.e164)
    await openChat(bob, ALICE.e164)
    // no camera: the call goes on as a voice call, and the caller is told why
    await alice.evaluate(() => { (globalThis as unknown as MediaHooks).denyMedia = { name: 'NotFoundError', videoOnly: true } })
    await testid(alice, 'call-video').click()
    await testid(alice, 'call-notice').filter({ hasText: 'No camera was found. The call goes on without video.' }).waitFor({ timeout: 10_000 })
    await alice.evaluate(() => { delete (globalThis as unknown as MediaHooks).denyMedia })
    await testid(alice, 'call-notice-ok').click()
    await testid(bob, 'incoming-call', '[data-video="false"]').waitFor({ timeout: SIGNAL_MS })
    await testid(bob, 'call-accept').click()
    await testid(alice, 'call-screen', '[data-state="connected"]').waitFor({ timeout: CONNECT_MS })
    await testid(bob, 'call-screen', '[data-state="connected"]').waitFor({ timeout: CONNECT_MS })
    await figuresReach(bob, { audioIn: 4_000 }, 'bob hears alice')
    expect(await testid(bob, 'remote-video').getAttribute('data-state')).toBe('off')
    expect(await testid(alice, 'call-camera').getAttribute('aria-pressed')).toBe('false')
    expect(await testid(alice, 'local-video').count()).toBe(0)

    // camera on: alice's preview shows, bob's tab shows and decodes her video
    await testid(alice, 'call-camera').click()
    await testid(alice, 'call-camera', '[aria-pressed="true"]').waitFor({ timeout: 10_000 })
    await testid(alice, 'local-video').waitFor({ timeout: 10_000 })
    await testid(bob, 'remote-video', '[data-state="on"]').waitFor({ timeout: SIGNAL_MS })
    const on = await figuresReach(bob, { frames: 10 }, 'bob decodes alice\'s video')
    await figuresReach(bob, { frames: on.frames + 20 }, 'bob keeps decoding alice\'s video')

    // camera off: bob's video goes, no frame is decoded any more, and alice's camera is free
    await testid(alice, 'call-camera').click()
    await testid(alice, 'call-camera', '[aria-pressed="false"]').waitFor({ timeout: 10_000 })
    await testid(bob, 'remote-video', '[data-state="off"]').waitFor({ state: 'attached', timeout: SIGNAL_MS })
    await bob.waitForFunction(async () => {
      const hooks = globalThis as unknown as MediaHooks
      const frames = (await globalThis.parley!.parley.calls.calls()[0].stats()).videoFramesDecoded
      const now = Date.now()
      if (hooks.lastFrames == null || hooks.lastFrames.frames !== frames) {
        hooks.lastFrames = { frames, at: now }
        return false
      }
      // the count stood still for 1.5 s: no video is coming
      return now - hooks.lastFrames.at >= 1_500
    }, null, { polling: 250, timeout: 20_000 })
    const aliceVideo = (await openedTracks(alice)).filter(t => t.kind === 'video')
    expect(aliceVideo.length).toBeGreaterThanOrEqual(1)
    expect(aliceVideo.every(t => t.ended)).toBe(true)
    expect(await testid(alice, 'call-screen').getAttribute('data-state')).toBe('connected')

    await testid(alice, 'call-hangup').click()
    await noCallScreen(alice, 5_000)
    await noCallScreen(bob)
    for (const page of [alice, bob]) expect((await openedTracks(page)).every(t => t.ended)).toBe(true)
    expect(found).toEqual([])
    expect(rig.pageErrors).toEqual([])
  }, 180_000)
})
