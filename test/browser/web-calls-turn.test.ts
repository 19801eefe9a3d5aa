// Forced relay-only ICE between two tabs (`setRelayOnly(true)`, the "protect my address" choice): the call still
// connects, through the relay's TURN (`parley-relay --turn`), with audio and video both ways on a relayed path.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { Page } from 'playwright-core'
import { startWebRig, testid, type WebRig, type WebPerson } from '../helpers/web-app.js'
import { FAKE_MEDIA_ARGS } from '../helpers/chromium.js'
import { freeTurnPort } from '../relay/webrtc-relay.js'

const ALICE: WebPerson = { profile: 'alice', national: '07700 900071', e164: '+447700900071', name: 'Alice' }
const BOB: WebPerson = { profile: 'bob', national: '07700 900072', e164: '+447700900072', name: 'Bob' }
const WAIT = 60_000

/** The page's current call's stats once audio and video come in (bounded). */
async function flowing (page: Page): Promise<{ relayed?: boolean, audioBytesReceived: number, videoFramesDecoded: number }> {
  return await page.evaluate(async wait => {
    const deadline = Date.now() + wait
    for (;;) {
      const call = globalThis.parley!.parley.calls.calls()[0]
      const s = call != null ? await call.stats() : undefined
      if (s != null && s.audioBytesReceived > 0 && s.videoFramesDecoded > 0) return s
      if (Date.now() > deadline) throw new Error(`no media: ${JSON.stringify(s)} (${call?.state ?? 'no call'})`)
      await new Promise(resolve => setTimeout(resolve, 100))
    }
  }, WAIT)
}

describe('a call between tabs forced through TURN', () => {
  let rig: WebRig
  let alice: Page
  let bob: Page

  beforeAll(async () => {
    const port = await freeTurnPort()
    rig = await startWebRig({ chromiumArgs: FAKE_MEDIA_ARGS, relayArgs: ['--turn', '--turn-allow-loopback', '--turn-port', String(port), '--turn-min-port', '20000', '--turn-max-port', '29999'] })
    alice = await rig.open(ALICE)
    await rig.onboard(alice, ALICE)
    bob = await rig.open(BOB)
    await rig.onboard(bob, BOB)
  }, 180_000)

  afterAll(async () => {
    await rig?.stop()
  })

  it('connects on a relayed candidate pair, audio and video both ways', async () => {
    // alice through Settings › Privacy ("Protect your address in calls"); bob through the SDK
    await alice.evaluate(() => { location.hash = '#/settings' })
    await testid(alice, 'relay-calls', '[data-state="off"]').click()
    await testid(alice, 'relay-calls', '[data-state="on"]:not([disabled])').waitFor({ timeout: 10_000 })
    expect(await alice.evaluate(() => globalThis.parley!.parley.calls.relayOnlyCalls)).toBe(true)
    await alice.evaluate(() => { location.hash = '#/' })
    await bob.evaluate(() => { globalThis.parley!.parley.calls.setRelayOnly(true) })
    await bob.evaluate(() => {
      globalThis.parley!.parley.calls.on('incoming', call => {
        void (async () => {
          const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: true })
          call.once('ended', () => { for (const t of media.getTracks()) t.stop() })
          await call.accept({ audio: media.getAudioTracks()[0], video: media.getVideoTracks()[0] })
        })()
      })
    })
    await alice.evaluate(async to => {
      const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: true })
      const call = await globalThis.parley!.parley.call(to, { media: { audio: media.getAudioTracks()[0], video: media.getVideoTracks()[0] }, video: true })
      call.once('ended', () => { for (const t of media.getTracks()) t.stop() })
    }, BOB.e164)
    const [a, b] = await Promise.all([flowing(alice), flowing(bob)])
    expect(a.relayed).toBe(true)
    expect(b.relayed).toBe(true)
    await alice.evaluate(async () => { await globalThis.parley!.parley.calls.calls()[0]?.hangup() })
    await bob.waitForFunction(() => globalThis.parley!.parley.calls.calls().length === 0, null, { timeout: WAIT })
    expect(rig.pageErrors).toEqual([])
  }, 120_000)
})
