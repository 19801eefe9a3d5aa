// Media in the web client: three browser tabs (alice, bob, carol) on one relay process, Chromium with its fake microphone. Alice sends bob photos (re-encoded, with a caption; bob, with photos not downloading by themselves, sees the blur and the thumbnail before the photo, then taps it), a voice note recorded in the page (it arrives with its duration and waveform and plays), and a document (byte-exact); bob forwards a photo to carol without uploading it again; a 20 MiB file dropped on the chat shows its upload and is cancelled, then sent with Retry; the viewer, the gallery and Settings › Storage (freeing a chat's files); a photo pasted into a group's composer reaches both members; a video recorded in the page shows its poster and duration and plays. axe on every new screen. Screenshots for docs/screenshots.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { createHash, randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { startWebRig, testid, type WebRig, type WebPerson } from '../helpers/web-app.js'
import { FAKE_MEDIA_ARGS } from '../helpers/chromium.js'
import { screenAudit } from '../helpers/axe.js'

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
const ALICE: WebPerson = { profile: 'malice', national: '07700 900061', e164: '+447700900061', name: 'Alice' }
const BOB: WebPerson = { profile: 'mbob', national: '07700 900062', e164: '+447700900062', name: 'Bob' }
const CAROL: WebPerson = { profile: 'mcarol', national: '07700 900063', e164: '+447700900063', name: 'Carol' }
/** A file or message between two tabs: an upload to the relay, the message through it, the download. */
const TAB_TO_TAB_MS = 60_000
/** Large enough that its upload takes several batches of acknowledged chunks (8 MiB each). */
const BIG_BYTES = 40 * 1024 * 1024

/** What the page's test seam exposes beyond web-app.ts's declaration: the model's file store. */
interface PageApp { app: { media: { files: { blob: (ref: string) => Promise<Blob> } } } }

/** A landscape picture (a lake at sunset, 2400 × 1600) drawn in the page, as PNG bytes. */
async function lake (page: Page, hue: number): Promise<Buffer> {
  const dataUrl = await page.evaluate(hue => {
    const c = document.createElement('canvas')
    c.width = 2400
    c.height = 1600
    const g = c.getContext('2d')!
    const sky = g.createLinearGradient(0, 0, 0, 1000)
    sky.addColorStop(0, `hsl(${hue} 60% 35%)`)
    sky.addColorStop(1, '#f7b267')
    g.fillStyle = sky
    g.fillRect(0, 0, 2400, 1000)
    g.fillStyle = '#ffd166'
    g.beginPath(); g.arc(1700, 900, 180, 0, Math.PI * 2); g.fill()
    g.fillStyle = '#2b4162'
    g.beginPath(); g.moveTo(0, 1000); g.lineTo(500, 520); g.lineTo(1000, 1000); g.fill()
    const water = g.createLinearGradient(0, 1000, 0, 1600)
    water.addColorStop(0, '#385f71')
    water.addColorStop(1, '#0b2545')
    g.fillStyle = water
    g.fillRect(0, 1000, 2400, 600)
    return c.toDataURL('image/png')
  }, hue)
  return Buffer.from(dataUrl.split(',')[1], 'base64')
}

/** SHA-256 (hex) of a message's file as the page's profile holds it. */
async function fileSha (page: Page, conversation: string, id: string): Promise<string> {
  return await page.evaluate(async ({ conversation, id }) => {
    const p = globalThis.parley! as unknown as PageApp & NonNullable<typeof globalThis.parley>
    const ref = await p.parley.media.file(conversation, id)
    if (ref == null) throw new Error('no file')
    const bytes = await (await p.app.media.files.blob(ref)).arrayBuffer()
    return [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map(b => b.toString(16).padStart(2, '0')).join('')
  }, { conversation, id })
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

describe('web client: photos, voice notes, documents', () => {
  let rig: WebRig
  let alice: Page
  let bob: Page
  let carol: Page
  /** what axe found that blocks, and pages wider than a phone, one line per screen, viewport and colour scheme; expected empty */
  const found: string[] = []
  const audit = screenAudit(found)
  const openChat = async (page: Page, phone: string): Promise<void> => {
    await page.evaluate(hash => { location.hash = hash }, `#/chat/${encodeURIComponent(phone)}`)
    await testid(page, 'conversation', `[data-phone="${phone}"][data-state="ready"]`).waitFor({ timeout: 10_000 })
  }
  /** the bubbles of messages whose file shows as `testId` (media-photo, media-voice, media-document) */
  const mediaBubbles = (page: Page, testId: string) => testid(page, 'message').filter({ has: page.locator(`[data-testid="${testId}"]`) })

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true })
    rig = await startWebRig({ chromiumArgs: FAKE_MEDIA_ARGS })
    await rig.context.grantPermissions(['microphone'])
  })

  afterAll(async () => {
    await rig?.stop()
  })

  it('alice sends bob photos, a voice note and a document; bob sees the thumbnail before the photo, plays the note, saves the file byte-exact', async () => {
    alice = await rig.open(ALICE)
    bob = await rig.open(BOB)
    carol = await rig.open(CAROL)
    await Promise.all([rig.onboard(alice, ALICE), rig.onboard(bob, BOB), rig.onboard(carol, CAROL)])

    // bob: photos do not download by themselves (Settings › Storage)
    await testid(bob, 'open-settings').click()
    await testid(bob, 'storage-settings').waitFor()
    await testid(bob, 'auto-photos', '[data-state="on"]').click()
    await testid(bob, 'auto-photos', '[data-state="off"]').waitFor()
    expect(await bob.evaluate(() => globalThis.parley!.parley.media.autoDownload.photo)).toBe(false)
    await testid(bob, 'settings-back').click()

    // alice: two photos at once from the attach menu, a caption on the first
    await openChat(alice, BOB.e164)
    await testid(alice, 'attach').click()
    expect(await testid(alice, 'attach').getAttribute('aria-expanded')).toBe('true')
    await audit(alice, 'attach menu')
    await testid(alice, 'attach-media-input').setInputFiles([
      { name: 'lake.png', mimeType: 'image/png', buffer: await lake(alice, 220) },
      { name: 'dusk.png', mimeType: 'image/png', buffer: await lake(alice, 280) }
    ])
    const dialog = testid(alice, 'media-send-dialog')
    await dialog.waitFor()
    await testid(alice, 'media-caption').fill('Sunset at the lake')
    expect(await testid(alice, 'photo-size-standard').isChecked()).toBe(true)
    await alice.screenshot({ path: join(SCREENSHOTS, 'media-send.png') })
    await audit(alice, 'send dialog')
    await testid(alice, 'media-send').click()
    await dialog.waitFor({ state: 'detached' })
    // both sent: re-encoded JPEGs at Standard size (long side 1600), the caption with the first
    const aliceChat = BOB.e164
    const photo = mediaBubbles(alice, 'media-photo').filter({ hasText: 'Sunset at the lake' })
    await photo.waitFor({ timeout: TAB_TO_TAB_MS })
    await mediaBubbles(alice, 'media-photo').nth(1).waitFor({ timeout: TAB_TO_TAB_MS })
    const photoId = (await photo.getAttribute('data-id'))!
    const sent = await alice.evaluate(async ({ c, id }) => {
      const p = globalThis.parley!.parley
      const m = (await p.history(c, { limit: 10 })).find(x => x.id === id)!
      return p.media.info(m)
    }, { c: aliceChat, id: photoId })
    expect(sent).toMatchObject({ kind: 'photo', mime: 'image/jpeg', name: 'lake.jpg', width: 1600, height: 1067 })
    expect(sent!.thumbnail!.length).toBeGreaterThan(0)
    expect(sent!.thumbnail!.length).toBeLessThanOrEqual(16 * 1024)
    expect(sent!.placeholder!.length).toBeGreaterThan(0)
    await photo.locator('[data-testid="media-photo"][data-state="full"]').waitFor({ timeout: 10_000 })

    // bob: the blur and the thumbnail show, the photo is not fetched until he taps it
    await openChat(bob, ALICE.e164)
    const atBob = mediaBubbles(bob, 'media-photo').filter({ hasText: 'Sunset at the lake' })
    await atBob.waitFor({ timeout: TAB_TO_TAB_MS })
    const frame = atBob.locator('[data-testid="media-photo"]')
    expect(await frame.getAttribute('data-state')).toBe('thumbnail')
    expect(await atBob.locator('[data-testid="media-placeholder"]').getAttribute('src')).toMatch(/^data:image\/png;base64,/)
    await atBob.locator('[data-testid="media-thumbnail"]').waitFor({ state: 'visible' })
    expect(await atBob.locator('[data-testid="media-full"]').count()).toBe(0)
    expect(await bob.evaluate(async ({ c, id }) => (await globalThis.parley!.parley.media.state(c, id)).state, { c: ALICE.e164, id: photoId })).toBe('remote')
    const download = atBob.locator('[data-testid="media-download"]')
    expect(await download.textContent()).toMatch(/^\d+(\.\d)? KB$/)
    await download.click()
    await frame.and(bob.locator('[data-state="full"]')).waitFor({ timeout: TAB_TO_TAB_MS })
    expect(await fileSha(bob, ALICE.e164, photoId)).toBe(await fileSha(alice, aliceChat, photoId))

    // alice records a voice note with the fake microphone (a beeping tone)
    await testid(alice, 'voice-record').click()
    await testid(alice, 'voice-recorder').waitFor()
    await audit(alice, 'voice recorder')
    await alice.waitForFunction(() => Number(document.querySelector('[data-testid="voice-elapsed"]')?.getAttribute('data-ms')) >= 3000, null, { timeout: 15_000 })
    await testid(alice, 'voice-send').click()
    // bob: it arrives with its duration and waveform, downloads by itself (voice notes do) and plays
    const voice = mediaBubbles(bob, 'media-voice').last()
    await voice.waitFor({ timeout: TAB_TO_TAB_MS })
    const note = voice.locator('[data-testid="media-voice"]')
    expect(Number(await note.getAttribute('data-duration'))).toBeGreaterThanOrEqual(2500)
    expect(await voice.locator('[data-testid="voice-duration"]').textContent()).toMatch(/^0:0[3-9]$/)
    expect(Number(await voice.locator('[data-testid="voice-waveform"]').getAttribute('data-bars'))).toBe(64)
    expect(Number(await voice.locator('[data-testid="voice-waveform"]').getAttribute('data-loud'))).toBeGreaterThan(0)
    await note.and(bob.locator('[data-file="done"]')).waitFor({ timeout: TAB_TO_TAB_MS })
    await voice.locator('[data-testid="voice-speed"]').click()
    expect(await voice.locator('[data-testid="voice-speed"]').textContent()).toBe('1.5×')
    await voice.locator('[data-testid="voice-play"]').click()
    await note.and(bob.locator('[data-state="playing"]')).waitFor({ timeout: 10_000 })
    await bob.waitForFunction(() => {
      const a = document.querySelector<HTMLAudioElement>('[data-testid="voice-audio"]')
      return a != null && a.currentTime > 0.5 && a.playbackRate === 1.5
    }, null, { timeout: 10_000 })
    await voice.locator('[data-testid="voice-play"]').click()
    await note.and(bob.locator('[data-state="paused"]')).waitFor({ timeout: 10_000 })

    // alice sends a document: it downloads by itself (under 16 MB) and bob's copy is the same bytes
    const report = randomBytes(300 * 1024)
    await testid(alice, 'attach').click()
    await testid(alice, 'attach-document-input').setInputFiles({ name: 'report.pdf', mimeType: 'application/pdf', buffer: report })
    await testid(alice, 'media-send-dialog').waitFor()
    await testid(alice, 'media-send').click()
    const doc = mediaBubbles(bob, 'media-document').last()
    await doc.waitFor({ timeout: TAB_TO_TAB_MS })
    expect(await doc.locator('[data-testid="document-name"]').textContent()).toBe('report.pdf')
    expect(await doc.locator('.doc-meta').textContent()).toBe('300 KB · PDF')
    const save = doc.locator('[data-testid="media-save"]')
    await save.waitFor({ timeout: TAB_TO_TAB_MS })
    expect(await save.getAttribute('download')).toBe('report.pdf')
    expect(await save.getAttribute('href')).toMatch(/^blob:/)
    expect(await fileSha(bob, ALICE.e164, (await doc.getAttribute('data-id'))!)).toBe(sha256(report))
    // the chat list says what a file without a caption is
    await testid(bob, 'chat-row', `[data-phone="${ALICE.e164}"]`).locator('[data-testid="chat-last"]').filter({ hasText: '📄 Document' }).waitFor({ timeout: 10_000 })

    await bob.screenshot({ path: join(SCREENSHOTS, 'media-chat.png') })
    await audit(bob, 'chat with media')

    // the viewer: the tapped photo, arrow keys to the other, Esc closes
    await atBob.locator('[data-testid="media-open"]').click()
    const lightbox = testid(bob, 'lightbox')
    await lightbox.waitFor()
    expect(await lightbox.getAttribute('data-id')).toBe(photoId)
    await testid(bob, 'lightbox-image', '[data-state="full"]').waitFor({ timeout: 10_000 })
    expect(await testid(bob, 'lightbox-caption').textContent()).toBe('Sunset at the lake')
    await bob.keyboard.press('ArrowRight')
    await lightbox.and(bob.locator('[data-index="1"]')).waitFor()
    // the other photo was not fetched: looking at it fetches it
    await testid(bob, 'lightbox-image', '[data-state="full"]').waitFor({ timeout: TAB_TO_TAB_MS })
    await bob.keyboard.press('ArrowLeft')
    await lightbox.and(bob.locator('[data-index="0"]')).waitFor()
    await testid(bob, 'lightbox-image', '[data-state="full"]').waitFor({ timeout: 10_000 })
    await bob.screenshot({ path: join(SCREENSHOTS, 'media-lightbox.png') })
    await audit(bob, 'viewer')
    await bob.keyboard.press('Escape')
    await lightbox.waitFor({ state: 'detached' })
    // Esc closed the viewer, not the chat
    await testid(bob, 'conversation', `[data-phone="${ALICE.e164}"]`).waitFor()
    expect(found).toEqual([])
    expect(rig.pageErrors).toEqual([])
  }, 600_000)

  it('bob forwards the photo to carol without uploading it again', async () => {
    // carol has written to bob: she is one of his chats
    await openChat(carol, BOB.e164)
    await testid(carol, 'composer').fill('Hi Bob, Carol here')
    await testid(carol, 'composer').press('Enter')
    await testid(bob, 'chat-row', `[data-phone="${CAROL.e164}"]`).waitFor({ timeout: TAB_TO_TAB_MS })

    await bob.evaluate(() => {
      const w = globalThis as unknown as { uploadEvents: number }
      w.uploadEvents = 0
      globalThis.parley!.parley.media.on('media-progress', p => { if (p.direction === 'upload') w.uploadEvents++ })
    })
    const atBob = mediaBubbles(bob, 'media-photo').filter({ hasText: 'Sunset at the lake' })
    const photoId = (await atBob.getAttribute('data-id'))!
    await atBob.hover()
    await atBob.locator('[data-testid="message-forward"]').click()
    await testid(bob, 'forward-dialog').waitFor()
    await testid(bob, 'forward-dialog').locator(`[data-testid="pick-contact"][data-phone="${CAROL.e164}"]`).check()
    await audit(bob, 'forward dialog')
    await testid(bob, 'forward-send').click()
    // one chat: it opens, with the photo in it (bob has the file: no download either)
    await testid(bob, 'conversation', `[data-phone="${CAROL.e164}"][data-state="ready"]`).waitFor({ timeout: TAB_TO_TAB_MS })
    const forwarded = mediaBubbles(bob, 'media-photo').last()
    await forwarded.locator('[data-testid="media-photo"][data-state="full"]').waitFor({ timeout: TAB_TO_TAB_MS })
    // carol's tab downloads it by itself (her photos do) from alice's relay: the very same bytes
    await openChat(carol, BOB.e164)
    const atCarol = mediaBubbles(carol, 'media-photo').last()
    await atCarol.locator('[data-testid="media-photo"][data-state="full"]').waitFor({ timeout: TAB_TO_TAB_MS })
    expect(await fileSha(carol, BOB.e164, (await atCarol.getAttribute('data-id'))!)).toBe(await fileSha(bob, ALICE.e164, photoId))
    // nothing was uploaded for it
    expect(await bob.evaluate(() => (globalThis as unknown as { uploadEvents: number }).uploadEvents)).toBe(0)
    expect(await bob.evaluate(async () => await globalThis.parley!.parley.media.uploads())).toEqual([])
    expect(found).toEqual([])
    expect(rig.pageErrors).toEqual([])
  }, 300_000)

  it('a 40 MiB file dropped on the chat shows its upload moving, is cancelled, then sent with Retry', async () => {
    await openChat(alice, BOB.e164)
    // a file dropped beside the chat (on the list) is refused: the browser would otherwise leave the app to show it
    expect(await testid(alice, 'chat-list').evaluate(list => {
      const data = new DataTransfer()
      data.items.add(new File(['x'], 'stray.txt', { type: 'text/plain' }))
      const drop = new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: data })
      list.dispatchEvent(drop)
      return drop.defaultPrevented
    })).toBe(true)
    expect(await testid(alice, 'media-send-dialog').count()).toBe(0)
    // a "photo" that is no image: a sentence for the person, nothing left being sent, nothing kept
    const filesBefore = await alice.evaluate(async () => (await globalThis.parley!.parley.media.usage()).files)
    await testid(alice, 'attach-media-input').setInputFiles({ name: 'broken.png', mimeType: 'image/png', buffer: Buffer.from('not a picture at all') })
    await testid(alice, 'media-send').click()
    expect(await testid(alice, 'send-error').textContent()).toBe('This browser cannot read that photo. Send it as a document to keep it as it is.')
    await testid(alice, 'upload').waitFor({ state: 'detached', timeout: 10_000 })
    expect(await alice.evaluate(async () => (await globalThis.parley!.parley.media.usage()).files)).toBe(filesBefore)
    // made in the page and dropped on the chat as a file from the desktop would be
    await alice.evaluate(size => {
      const bytes = new Uint8Array(size)
      for (let at = 0; at < size; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536))
      const data = new DataTransfer()
      data.items.add(new File([bytes], 'big.bin', { type: 'application/octet-stream' }))
      const chat = document.querySelector('[data-testid="conversation"]')!
      for (const type of ['dragenter', 'dragover', 'drop']) chat.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }))
    }, BIG_BYTES)
    await testid(alice, 'media-send-dialog').waitFor()
    expect(await testid(alice, 'media-send-preview').getAttribute('data-kind')).toBe('document')
    await testid(alice, 'media-send').click()
    const upload = testid(alice, 'upload', '[data-name="big.bin"]')
    await upload.waitFor({ timeout: 30_000 })
    // the bar moves (the relay acknowledges a batch of chunks); then the relay is frozen, so the rest waits
    // whatever this machine's speed, and cancel stops it: no message goes
    const bar = '[data-testid="upload"][data-name="big.bin"] [data-testid="upload-progress"]'
    await alice.waitForFunction(bar => Number(document.querySelector<HTMLProgressElement>(bar)?.value) > 0, bar, { timeout: TAB_TO_TAB_MS, polling: 10 })
    rig.relay.process.kill('SIGSTOP')
    try {
      const { value, max } = await alice.locator(bar).evaluate((p: HTMLProgressElement) => ({ value: p.value, max: p.max }))
      expect(value).toBeGreaterThan(0)
      expect(value).toBeLessThan(max)
      await upload.locator('[data-testid="upload-cancel"]').click()
      await upload.and(alice.locator('[data-state="cancelled"]')).waitFor({ timeout: 10_000 })
    } finally {
      rig.relay.process.kill('SIGCONT')
    }
    expect(await alice.evaluate(async c => (await globalThis.parley!.parley.media.uploads(c)).map(u => u.state), BOB.e164)).toEqual(['cancelled'])
    await audit(alice, 'cancelled upload')
    // Retry sends it (from where the relay's chunks end); bob gets it, not downloaded (over 16 MB), with its size
    await upload.locator('[data-testid="upload-retry"]').click()
    await upload.waitFor({ state: 'detached', timeout: TAB_TO_TAB_MS })
    await openChat(bob, ALICE.e164)
    const big = mediaBubbles(bob, 'media-document').filter({ hasText: 'big.bin' })
    await big.waitFor({ timeout: TAB_TO_TAB_MS })
    expect(await big.locator('[data-testid="media-download"]').textContent()).toBe('40 MB')
    expect(found).toEqual([])
    expect(rig.pageErrors).toEqual([])
  }, 300_000)

  it('the gallery lists the chat\'s media, documents and voice notes; Storage frees a chat\'s files', async () => {
    await testid(bob, 'open-contact').click()
    await testid(bob, 'open-media').click()
    const gallery = testid(bob, 'media-gallery', '[data-state="ready"]')
    await gallery.waitFor({ timeout: 10_000 })
    expect(await testid(bob, 'gallery-item').count()).toBe(2)
    await bob.screenshot({ path: join(SCREENSHOTS, 'media-gallery.png') })
    await audit(bob, 'gallery')
    await testid(bob, 'gallery-tab-docs').click()
    expect(await testid(bob, 'gallery-docs').locator('[data-testid="media-document"]').count()).toBe(2)
    await audit(bob, 'gallery, documents')
    await testid(bob, 'gallery-tab-voice').click()
    expect(await testid(bob, 'gallery-voice').locator('[data-testid="media-voice"]').count()).toBe(1)
    await audit(bob, 'gallery, voice')

    await bob.evaluate(() => { location.hash = '#/settings' })
    const row = testid(bob, 'storage-chat', `[data-address="${ALICE.e164}"]`)
    await row.waitFor({ timeout: 10_000 })
    expect(Number(await row.getAttribute('data-bytes'))).toBeGreaterThan(300 * 1024)
    await row.scrollIntoViewIfNeeded()
    await testid(bob, 'storage-settings').screenshot({ path: join(SCREENSHOTS, 'storage-settings.png') })
    await audit(bob, 'storage settings')
    await row.locator('[data-testid="storage-free"]').click()
    await row.locator('[data-testid="storage-free-confirm"]').click()
    await testid(bob, 'storage-freed').waitFor({ timeout: 10_000 })
    await row.waitFor({ state: 'detached' })
    expect(await bob.evaluate(async c => await globalThis.parley!.parley.media.usage(c), ALICE.e164)).toEqual({ files: 0, bytes: 0 })
    // the messages stay; the photo is a thumbnail again, to be fetched once more
    await openChat(bob, ALICE.e164)
    const photo = mediaBubbles(bob, 'media-photo').filter({ hasText: 'Sunset at the lake' })
    await photo.locator('[data-testid="media-photo"][data-state="thumbnail"]').waitFor({ timeout: 10_000 })
    expect(found).toEqual([])
    expect(rig.pageErrors).toEqual([])
  }, 300_000)

  it('a group: a photo pasted into the composer goes to every member', async () => {
    const group = await alice.evaluate(async members => (await globalThis.parley!.parley.groups.create('Lake trip', members)).groupId, [BOB.e164, CAROL.e164])
    await alice.evaluate(hash => { location.hash = hash }, `#/group/${group}`)
    await testid(alice, 'group-chat', '[data-state="ready"]').waitFor({ timeout: TAB_TO_TAB_MS })
    // an image on the clipboard (a screenshot, a picture copied from another page) pasted into the composer
    const png = await lake(alice, 120)
    await testid(alice, 'composer').evaluate((el, b64) => {
      const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0))
      const data = new DataTransfer()
      data.items.add(new File([bytes], 'image.png', { type: 'image/png' }))
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
    }, png.toString('base64'))
    await testid(alice, 'media-send-dialog').waitFor()
    await testid(alice, 'photo-size-hd').check()
    await testid(alice, 'media-caption').fill('Who is in?')
    await testid(alice, 'media-send').click()
    const sentPhoto = mediaBubbles(alice, 'media-photo').filter({ hasText: 'Who is in?' })
    await sentPhoto.waitFor({ timeout: TAB_TO_TAB_MS })
    // HD keeps the picture's own size (2400 px is under 4096)
    const id = (await sentPhoto.getAttribute('data-id'))!
    expect(await alice.evaluate(async ({ group, id }) => {
      const p = globalThis.parley!.parley
      return p.media.info((await p.groups.history(group, { limit: 5 })).find(m => m.id === id)!)
    }, { group, id })).toMatchObject({ kind: 'photo', name: 'image.jpg', width: 2400, height: 1600 })
    // bob (photos by hand) sees the thumbnail; carol's tab fetches it by itself
    for (const [page, state] of [[bob, 'thumbnail'], [carol, 'full']] as const) {
      await testid(page, 'chat-row', `[data-group="${group}"]`).click({ timeout: TAB_TO_TAB_MS })
      const bubble = mediaBubbles(page, 'media-photo').filter({ hasText: 'Who is in?' })
      await bubble.locator(`[data-testid="media-photo"][data-state="${state}"]`).waitFor({ timeout: TAB_TO_TAB_MS })
    }
    expect(await fileSha(carol, `group:${group}`, id)).toBe(await fileSha(alice, `group:${group}`, id))
    await audit(carol, 'group chat with a photo')
    expect(found).toEqual([])
    expect(rig.pageErrors).toEqual([])
  }, 300_000)

  it('a video recorded in the page: its poster and duration show, it plays in the viewer', async () => {
    // two seconds of a canvas animation through MediaRecorder (what a browser's own recording is: WebM with no duration in it)
    const clip = Buffer.from(await alice.evaluate(async () => {
      const c = document.createElement('canvas')
      c.width = 320
      c.height = 240
      const g = c.getContext('2d')!
      const recorder = new MediaRecorder(c.captureStream(25), { mimeType: 'video/webm' })
      const chunks: Blob[] = []
      recorder.ondataavailable = e => { chunks.push(e.data) }
      const stopped = new Promise(resolve => { recorder.onstop = resolve })
      recorder.start(200)
      const started = performance.now()
      for (let t = 0; t < 2; t = (performance.now() - started) / 1000) {
        g.fillStyle = `hsl(${Math.round(t * 120)} 70% 45%)`
        g.fillRect(0, 0, 320, 240)
        g.fillStyle = '#fff'
        g.beginPath(); g.arc(40 + t * 120, 120, 30, 0, Math.PI * 2); g.fill()
        await new Promise(resolve => setTimeout(resolve, 40))
      }
      recorder.stop()
      await stopped
      const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer())
      let binary = ''
      for (const b of bytes) binary += String.fromCharCode(b)
      return btoa(binary)
    }), 'base64')
    await openChat(alice, BOB.e164)
    await testid(alice, 'attach').click()
    await testid(alice, 'attach-media-input').setInputFiles({ name: 'clip.webm', mimeType: 'video/webm', buffer: clip })
    await testid(alice, 'media-send-preview', '[data-kind="video"]').waitFor()
    await testid(alice, 'media-send').click()
    await openChat(bob, ALICE.e164)
    const video = mediaBubbles(bob, 'media-video').last()
    await video.waitFor({ timeout: TAB_TO_TAB_MS })
    const info = await bob.evaluate(async ({ c, id }) => {
      const p = globalThis.parley!.parley
      return p.media.info((await p.history(c, { limit: 5 })).find(m => m.id === id)!)
    }, { c: ALICE.e164, id: (await video.getAttribute('data-id'))! })
    expect(info).toMatchObject({ kind: 'video', mime: 'video/webm', name: 'clip.webm', width: 320, height: 240 })
    expect(info!.durationMs).toBeGreaterThan(1500)
    expect(info!.durationMs).toBeLessThan(5000)
    expect(info!.thumbnail!.length).toBeGreaterThan(0)
    await video.locator('[data-testid="media-thumbnail"]').waitFor({ state: 'visible' })
    expect(await video.locator('[data-testid="video-duration"]').textContent()).toMatch(/^0:0[2-4]$/)
    // under 16 MB: it downloads by itself; play opens the player
    await video.locator('[data-testid="media-play"]').click({ timeout: TAB_TO_TAB_MS })
    await testid(bob, 'lightbox-video').waitFor()
    await bob.waitForFunction(() => (document.querySelector<HTMLVideoElement>('[data-testid="lightbox-video"]')?.currentTime ?? 0) > 0.3, null, { timeout: 15_000 })
    await audit(bob, 'video player')
    await bob.keyboard.press('Escape')
    await testid(bob, 'lightbox').waitFor({ state: 'detached' })
    expect(found).toEqual([])
    expect(rig.pageErrors).toEqual([])
  }, 300_000)
})
