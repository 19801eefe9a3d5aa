// SFrame in real Chromium: two RTCPeerConnections in one tab (loopback) send the fake camera and microphone through the web client's SFrame worker; the receiver decodes while it holds the sender's key, and counts failures and decodes nothing once the sender's key changes without it or its key is removed.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import { build } from 'vite'
import type { Browser, Page } from 'playwright-core'
import { startWebServer } from '../../scripts/web-server.js'
import { PROJECT_ROOT } from '../../scripts/paths.js'
import { tempDir } from '../helpers/tmp.js'
import { FAKE_MEDIA_ARGS, launchChromium } from '../helpers/chromium.js'
import { retryUntil } from '../helpers/wait.js'
import type { LabSnapshot } from './sframe-lab/lab.js'

/** Bound on each wait for media to flow or stop (the fake camera runs at ~15-30 fps on this machine). */
const MEDIA_MS = 30_000
/** Frames a stage must see decoded (video) before it counts as flowing. */
const FLOWING_FRAMES = 30
/** Audio samples (48 kHz) a stage must see decoded before audio counts as flowing: half a second. */
const FLOWING_SAMPLES = 24_000
/** Failed frames to count after a key change before judging that nothing decodes any more (audio and video: ~2 s). */
const FAILED_FRAMES = 150
/**
 * Video frames that may still decode after a key change: those already past the worker (decoder queue) when it
 * happened. Nothing encrypted under a key the receiver lacks can be among them.
 */
const IN_FLIGHT = 3
/** Audio samples that may still play out after a key change: NetEq's jitter buffer (seen ~120 ms), bounded at 0.5 s; 2 s of flowing audio would be 96,000. */
const BUFFERED_SAMPLES = 24_000
/** Duplicate video frames Chromium may hand the receive transform twice (dropped as replays) in a short run on a loaded machine. */
const REPLAYED_DUPLICATES = 6
/** Bound on video resuming once the receiver has the key (measured: ~50 ms with the worker's key frame request, ~2.2 s without). */
const KEY_FRAME_MS = 1500

describe('SFrame transforms in Chromium', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let web: Awaited<ReturnType<typeof startWebServer>>
  let browser: Browser
  let page: Page
  const pageErrors: string[] = []

  const snapshot = async (): Promise<LabSnapshot> => await page.evaluate(async () => await globalThis.sframeLab.snapshot())

  /** Polls the receiving side until `done` holds (bounded by MEDIA_MS), returning that snapshot. */
  async function until (what: string, done: (s: LabSnapshot) => boolean): Promise<LabSnapshot> {
    let last: LabSnapshot | undefined
    try {
      return await retryUntil(async () => {
        last = await snapshot()
        if (!done(last)) throw new Error('not yet')
        return last
      }, { timeout: MEDIA_MS, interval: 250, what })
    } catch (err) {
      throw new Error(`${(err as Error).message}; last: ${JSON.stringify(last)}`)
    }
  }

  beforeAll(async () => {
    dir = await tempDir()
    const out = join(dir.path, 'lab')
    // the lab page and the worker bundled with web/vite.config.ts's build options (Vite's default worker format)
    await build({
      root: join(PROJECT_ROOT, 'test', 'browser', 'sframe-lab'),
      configFile: false,
      logLevel: 'warn',
      build: { outDir: out, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2048 }
    })
    web = await startWebServer({ port: 0, root: out, config: { bootstrap: [] } })
    browser = await launchChromium({ args: FAKE_MEDIA_ARGS })
    page = await browser.newPage()
    page.on('pageerror', err => pageErrors.push(err.message))
    await page.goto(`${web.url}/`)
    await page.waitForFunction(() => globalThis.sframeLab !== undefined, null, { timeout: 10_000 })
  }, 180_000)

  afterAll(async () => {
    await page?.evaluate(() => { globalThis.sframeLab.stop() }).catch(() => {})
    await browser?.close()
    await web?.close()
    await dir?.remove()
  })

  it('video and audio decode while the receiver holds the sender\'s key; every frame went through the worker', async () => {
    await page.evaluate(async () => { await globalThis.sframeLab.start({}) })
    const s = await until('media flowing with SFrame', s => s.framesDecoded >= FLOWING_FRAMES && s.audioSamplesDecoded >= FLOWING_SAMPLES)
    expect(s.codec).toBe('video/VP8')
    expect(s.frameWidth).toBe(640)
    // key frames were recognised as such through the clear VP8 header (fully encrypted, most frames pass for key frames)
    expect(s.keyFramesDecoded).toBeLessThan(s.framesDecoded / 2)
    expect(s.sender.encrypted).toBeGreaterThan(0)
    expect(s.sender.unsent).toBe(0)
    expect(s.sender.streams.video.encrypted).toBeGreaterThan(0)
    expect(s.sender.streams.audio.encrypted).toBeGreaterThan(0)
    expect(s.receiver.decrypted).toBeGreaterThanOrEqual(s.framesDecoded)
    // nothing failed, except that Chromium sometimes hands the receive transform the same video frame twice (same
    // RTP timestamp, size and bytes, ~5 ms apart: seen in 1 of 5 runs of 12 s, more often on a loaded machine: 4 in a
    // run at load 20, 3 in 33 frames in a CI run), which the replay window drops. A sender reusing counters would
    // replay every frame, so a tenth of the frames (at least REPLAYED_DUPLICATES) still tells the two apart.
    expect({ ...s.receiver.failures, replay: 0 }).toEqual({ 'unknown-key': 0, decrypt: 0, replay: 0, header: 0, codec: 0, sender: 0, other: 0 })
    expect(s.receiver.failures.replay).toBeLessThanOrEqual(Math.max(REPLAYED_DUPLICATES, s.framesDecoded / 10))
    expect(s.receiver.receiveKids).toEqual([s.sender.sendKid])
    expect(pageErrors).toEqual([])
  })

  it('after the sender rotates its key without telling the receiver, failures are counted and nothing more decodes', async () => {
    await page.evaluate(async () => { await globalThis.sframeLab.rotate(1, 1) })
    const first = await until('failures after the rotation', s => s.receiver.failures['unknown-key'] > 0)
    const later = await until(`${FAILED_FRAMES} more failures`, s => s.receiver.failed >= first.receiver.failed + FAILED_FRAMES)
    expect(later.framesDecoded - first.framesDecoded).toBeLessThanOrEqual(IN_FLIGHT)
    expect(later.receiver.decrypted - first.receiver.decrypted).toBe(0)
    expect(later.audioSamplesDecoded - first.audioSamplesDecoded).toBeLessThanOrEqual(BUFFERED_SAMPLES)
    expect(later.receiver.streams.video.failed).toBeGreaterThan(0)
    expect(later.receiver.streams.audio.failed).toBeGreaterThan(0)
    expect(later.sender.unsent).toBe(0)
  })

  it('once the receiver gets the new key, it asks for a key frame and media decodes again at once', async () => {
    const before = await snapshot()
    const started = Date.now()
    await page.evaluate(async () => { await globalThis.sframeLab.shareCurrentKey() })
    const resumed = await until('a first frame decoded again', s => s.framesDecoded > before.framesDecoded)
    // the worker's key frame request brings a decodable frame in ~50 ms; without it Chromium asks on its own after ~2.2 s
    expect(Date.now() - started).toBeLessThan(KEY_FRAME_MS)
    expect(resumed.pliCount).toBeGreaterThan(before.pliCount)
    await until('media flowing again', s => s.framesDecoded >= before.framesDecoded + FLOWING_FRAMES && s.audioSamplesDecoded >= before.audioSamplesDecoded + FLOWING_SAMPLES)
  })

  it('after the receiver removes the key, failures are counted and nothing more decodes', async () => {
    await page.evaluate(async () => { await globalThis.sframeLab.removeCurrentKey() })
    const first = await until('failures after the removal', s => s.receiver.failures['unknown-key'] > 0 && !s.receiver.receiveKids.includes(s.sender.sendKid!))
    const later = await until(`${FAILED_FRAMES} more failures`, s => s.receiver.failed >= first.receiver.failed + FAILED_FRAMES)
    expect(later.framesDecoded - first.framesDecoded).toBeLessThanOrEqual(IN_FLIGHT)
    expect(later.receiver.decrypted - first.receiver.decrypted).toBe(0)
    expect(later.audioSamplesDecoded - first.audioSamplesDecoded).toBeLessThanOrEqual(BUFFERED_SAMPLES)
    expect(later.receiver.streams.audio.failed - first.receiver.streams.audio.failed).toBeGreaterThan(0)
  })

  it('frames under a key the receiver holds but of another participant slot are dropped on a receiver bound to the sender\'s slot', async () => {
    // the sender impersonates slot 2 with a key the receiver knows: decrypts, but not from this connection's participant
    await page.evaluate(async () => {
      await globalThis.sframeLab.rotate(2, 0)
      await globalThis.sframeLab.shareCurrentKey()
    })
    const first = await until('frames of the wrong participant refused', s => s.receiver.failures.sender > 0)
    const later = await until(`${FAILED_FRAMES} more refusals`, s => s.receiver.failures.sender >= first.receiver.failures.sender + FAILED_FRAMES)
    expect(later.framesDecoded - first.framesDecoded).toBeLessThanOrEqual(IN_FLIGHT)
    expect(later.receiver.decrypted - first.receiver.decrypted).toBe(0)
  })

  it('a KID the worker already sent under is refused as a new send key (its counter would start again at zero)', async () => {
    expect(await page.evaluate(async () => await globalThis.sframeLab.reuseCurrentKid())).toBe('SFrameKeyReuseError')
    const s = await snapshot()
    expect(s.sender.sendKid).toBe('2') // still slot 2, generation 0: the refused key did not replace it
    expect(pageErrors).toEqual([])
  })
})
