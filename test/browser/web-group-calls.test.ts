// Group calls in the web client: four tabs (alice, bob, carol, dave) in one group on one relay process, Chromium with its fake camera and microphone. Alice starts a group video call from the group chat's header; the other three see the group's photo and name, who started it and "Group video call", and join from the incoming screen. Every frame is end-to-end encrypted with SFrame, one worker per keyring: each tab runs four SFrame workers (its sending keyring and one per other participant), the worker holding a participant's current key decrypts that participant's audio and video, and every tab decodes every other's video and audio (the call's own stats per participant). Tiles follow mute and camera. Dave leaves: the others make new keys and switch to them, their old keys go, their frames still decode; dave's keyrings were all closed and none of the new keys reached his page; and frames his page gets from alice's sending worker (as an SFU would forward them) under her new key do not decrypt with any key dave's page ever held (nor with each of those keys under her new key id), while bob's page, given his keys the same way, decrypts and decodes them. Dave, removed from the group, cannot start a call in it. The call ends; the group chats and Calls lists show it; a call nobody joins is a missed group call. axe on the incoming group call and the grid. Screenshots for docs/screenshots.
//
// The SFrame workers are observed from outside the app: an init script wraps the page's Worker constructor and records
// each worker named 'sframe' (the app's `SFrameCall`), every request the page posts to it (with key bytes copied) and
// its end, and can ask a worker for its counters with the worker's own 'stats' request. The app has no test hook.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { startWebRig, testid, type WebRig, type WebPerson } from '../helpers/web-app.js'
import { FAKE_MEDIA_ARGS } from '../helpers/chromium.js'
import { retryUntil } from '../helpers/wait.js'
import { screenAudit } from '../helpers/axe.js'
import type { SFrameStats } from '../../web/src/calls/sframe-protocol.js'

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
const ALICE: WebPerson = { profile: 'gcalice', national: '07700 900081', e164: '+447700900081', name: 'Alice' }
const BOB: WebPerson = { profile: 'gcbob', national: '07700 900082', e164: '+447700900082', name: 'Bob' }
const CAROL: WebPerson = { profile: 'gccarol', national: '07700 900083', e164: '+447700900083', name: 'Carol' }
const DAVE: WebPerson = { profile: 'gcdave', national: '07700 900084', e164: '+447700900084', name: 'Dave' }
const PEOPLE = [ALICE, BOB, CAROL, DAVE]
const GROUP_NAME = 'Climbing club'
/** A text, a group change or a call signal between two tabs (direct, or through the relay's mailbox). */
const SIGNAL_MS = 30_000
/** From "Join" until every link of a four-way mesh carries media (ICE on loopback, DTLS, keys), on two cores. */
const MESH_MS = 90_000
/** A rotation after a leave: the hang-up, the new key to each (KEY_SWITCH_DELAY_MS), the old key's grace (OLD_KEY_GRACE_MS, 5 s). */
const REKEY_MS = 30_000
/** Bound on media through the test's own connections (ICE on loopback, a key frame). */
const SFU_MS = 30_000

/** A request the page posted to an SFrame worker, as the init script recorded it. */
interface Post { at: number, op: string, kid?: bigint, key?: Uint8Array }
interface WorkerRecord { worker: Worker, url: string, terminated: boolean, terminatedAt?: number, posts: Post[] }
/** What the init script adds to each page. */
interface SFrameHooks {
  sframeWorkers: WorkerRecord[]
  /** posts `command` to `worker` under an id of the test's own and resolves with the worker's stats */
  sframeAsk: (worker: Worker, command: unknown) => Promise<SFrameStats>
  /** the test's connections of the SFU check, by name */
  sfu?: Record<string, { pc: RTCPeerConnection, worker?: Worker, tracks: MediaStreamTrack[] }>
}

/** The page's model, as far as the test reads it (the ring tone). */
interface PageApp { app: { calls: { tone: { playing?: string } } } }

/** One SFrame worker of a tab: the keys it was given (ids), and, while it runs, its counters. */
interface Keyring {
  index: number
  live: boolean
  sent: number[]
  added: number[]
  stats?: { sendKid?: number, receiveKids: number[], encrypted: number, decrypted: number, failed: number, streams: Record<string, { encrypted: number, decrypted: number, failed: number }> }
}

/** The tab's SFrame workers (every one it ever started), with the counters of those still running. */
async function keyrings (page: Page): Promise<Keyring[]> {
  return await page.evaluate(async () => {
    const hooks = globalThis as unknown as SFrameHooks
    const out: Keyring[] = []
    for (const [index, rec] of hooks.sframeWorkers.entries()) {
      const sent = rec.posts.filter(p => p.op === 'set-send-key').map(p => Number(p.kid))
      const added = rec.posts.filter(p => p.op === 'add-key').map(p => Number(p.kid))
      if (rec.terminated) {
        out.push({ index, live: false, sent, added })
        continue
      }
      const s = await hooks.sframeAsk(rec.worker, { op: 'stats' })
      const streams: NonNullable<Keyring['stats']>['streams'] = {}
      for (const [name, c] of Object.entries(s.streams)) streams[name] = { encrypted: c.encrypted, decrypted: c.decrypted, failed: c.failed }
      out.push({
        index,
        live: true,
        sent,
        added,
        stats: { ...(s.sendKid != null ? { sendKid: Number(s.sendKid) } : {}), receiveKids: s.receiveKids.map(Number), encrypted: s.encrypted, decrypted: s.decrypted, failed: s.failed, streams }
      })
    }
    return out
  })
}

interface CallView { state?: string, kid?: number, others: Array<{ phone: string, state: string }> }

/** The tab's group call as the SDK has it. */
async function callView (page: Page): Promise<CallView> {
  return await page.evaluate(() => {
    const call = globalThis.parley!.parley.calls.groupCalls()[0]
    if (call == null) return { others: [] }
    return { state: call.state, ...(call.sendingKeyId != null ? { kid: call.sendingKeyId } : {}), others: call.participants().map(p => ({ phone: p.phone, state: p.state })) }
  })
}

/** What the tab has received from each other participant so far (`call.stats(phone, device)`). */
async function received (page: Page): Promise<Record<string, { frames: number, audio: number }>> {
  return await page.evaluate(async () => {
    const call = globalThis.parley!.parley.calls.groupCalls()[0]
    const out: Record<string, { frames: number, audio: number }> = {}
    for (const p of call?.participants() ?? []) {
      const s = await call!.stats(p.phone, p.device)
      out[p.phone] = { frames: s?.videoFramesDecoded ?? 0, audio: s?.audioBytesReceived ?? 0 }
    }
    return out
  })
}

/**
 * Checks, in every tab of `tabs`: one SFrame worker per keyring (its sending keyring and one per other participant),
 * its sending keyring encrypting under its call's current key, and each other participant's current key held by
 * exactly one receiving keyring, which decrypts both that participant's audio and video. Retried until it holds
 * (keys rotate while people join). Resolves with, per tab, the index of the worker holding each other's key.
 */
async function keyringsMatch (tabs: Array<{ page: Page, who: WebPerson }>, what: string): Promise<Array<Record<string, number>>> {
  return await retryUntil(async () => {
    const views = await Promise.all(tabs.map(async t => await callView(t.page)))
    const out: Array<Record<string, number>> = []
    for (const [i, t] of tabs.entries()) {
      const live = (await keyrings(t.page)).filter(k => k.live)
      if (live.length !== tabs.length) throw new Error(`${t.who.name} runs ${live.length} SFrame workers, not ${tabs.length}`)
      const sending = live.filter(k => k.stats?.sendKid != null)
      if (sending.length !== 1 || sending[0].stats!.sendKid !== views[i].kid) throw new Error(`${t.who.name} sends under ${JSON.stringify(sending.map(k => k.stats?.sendKid))}, its call's key is ${views[i].kid}`)
      if ((sending[0].stats!.streams.video?.encrypted ?? 0) === 0 || (sending[0].stats!.streams.audio?.encrypted ?? 0) === 0) throw new Error(`${t.who.name} encrypts no audio or video yet: ${JSON.stringify(sending[0].stats!.streams)}`)
      const holders: Record<string, number> = {}
      for (const [j, o] of tabs.entries()) {
        if (j === i) continue
        const with_ = live.filter(k => k.stats!.receiveKids.includes(views[j].kid ?? -1))
        if (with_.length !== 1) throw new Error(`${o.who.name}'s key ${views[j].kid} is in ${with_.length} keyrings at ${t.who.name}`)
        const s = with_[0].stats!
        if ((s.streams.video?.decrypted ?? 0) === 0 || (s.streams.audio?.decrypted ?? 0) === 0) throw new Error(`${t.who.name} decrypts no audio or video of ${o.who.name} yet`)
        holders[o.who.e164] = with_[0].index
      }
      out.push(holders)
    }
    return out
  }, { timeout: MESH_MS, interval: 500, what })
}

/** Waits until every tab decodes at least `min` more video frames and audio bytes from each other participant than in `from`. */
async function decodesFromAll (tabs: Array<{ page: Page, who: WebPerson }>, from: Array<Record<string, { frames: number, audio: number }>> | undefined, min: { frames: number, audio: number }, what: string): Promise<Array<Record<string, { frames: number, audio: number }>>> {
  return await retryUntil(async () => {
    const now = await Promise.all(tabs.map(async t => await received(t.page)))
    for (const [i, t] of tabs.entries()) {
      for (const o of tabs) {
        if (o === t) continue
        const got = now[i][o.who.e164]
        const base = from?.[i][o.who.e164] ?? { frames: 0, audio: 0 }
        if (got == null || got.frames < base.frames + min.frames || got.audio < base.audio + min.audio) {
          throw new Error(`${t.who.name} from ${o.who.name}: ${JSON.stringify(got)} (from ${JSON.stringify(base)})`)
        }
      }
    }
    return now
  }, { timeout: MESH_MS, interval: 500, what })
}

const hex = (b: Uint8Array | undefined): string => Buffer.from(b ?? []).toString('hex')

describe('web client: group calls', () => {
  let rig: WebRig
  const pages = new Map<string, Page>()
  const page = (who: WebPerson): Page => pages.get(who.e164)!
  let group: string
  /** what axe found that blocks, and pages wider than a phone; expected empty */
  const found: string[] = []
  const audit = screenAudit(found)
  const openGroup = async (p: Page): Promise<void> => {
    await p.evaluate(hash => { location.hash = hash }, `#/group/${group}`)
    await testid(p, 'group-chat', `[data-group="${group}"][data-state="ready"]`).waitFor({ timeout: 10_000 })
  }
  const noCallScreen = async (p: Page, timeout = 15_000): Promise<void> => {
    await testid(p, 'call-dialog').waitFor({ state: 'detached', timeout })
  }

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true })
    rig = await startWebRig({ chromiumArgs: FAKE_MEDIA_ARGS })
    await rig.context.grantPermissions(['microphone', 'camera'])
    // every SFrame worker the app starts, what the page posts to it, and its end (see the file's comment)
    await rig.context.addInitScript(() => {
      const hooks = globalThis as unknown as SFrameHooks
      hooks.sframeWorkers = []
      const Real = globalThis.Worker
      if (Real == null) return
      const records = new WeakMap<Worker, WorkerRecord>()
      /** the test's own requests use ids from here: the app's SFrameCall counts from 0 and ignores answers it did not ask for */
      const TEST_IDS = 2 ** 30
      let next = TEST_IDS
      class Recorded extends Real {
        constructor (url: string | URL, options?: WorkerOptions) {
          super(url, options)
          if (options?.name !== 'sframe') return
          const rec: WorkerRecord = { worker: this, url: String(url), terminated: false, posts: [] }
          records.set(this, rec)
          hooks.sframeWorkers.push(rec)
        }

        override postMessage (message: unknown, options?: StructuredSerializeOptions | Transferable[]): void {
          const rec = records.get(this)
          const m = message as { id?: number, command?: { op: string, kid?: bigint, key?: Uint8Array } } | undefined
          if (rec != null && m?.command != null && (m.id ?? 0) < TEST_IDS) {
            rec.posts.push({ at: Date.now(), op: m.command.op, ...(m.command.kid != null ? { kid: m.command.kid } : {}), ...(m.command.key != null ? { key: Uint8Array.from(m.command.key) } : {}) })
          }
          super.postMessage(message, options as StructuredSerializeOptions)
        }

        override terminate (): void {
          const rec = records.get(this)
          if (rec != null) {
            rec.terminated = true
            rec.terminatedAt = Date.now()
          }
          super.terminate()
        }
      }
      globalThis.Worker = Recorded
      hooks.sframeAsk = async (worker, command) => await new Promise<SFrameStats>((resolve, reject) => {
        const id = next++
        const timer = setTimeout(() => {
          worker.removeEventListener('message', onMessage)
          reject(new Error('the SFrame worker did not answer'))
        }, 5_000)
        const onMessage = (e: MessageEvent): void => {
          const reply = e.data as { id?: number, ok?: boolean, stats?: SFrameStats, error?: string }
          if (reply?.id !== id) return
          clearTimeout(timer)
          worker.removeEventListener('message', onMessage)
          if (reply.ok === true) resolve(reply.stats!)
          else reject(new Error(reply.error))
        }
        worker.addEventListener('message', onMessage)
        worker.postMessage({ id, command })
      })
    })
  }, 120_000)

  afterAll(async () => {
    await rig?.stop()
  })

  it('a group video call of four tabs: started from the header, joined from the incoming screen, every frame through SFrame, everyone decodes everyone', async () => {
    for (const who of PEOPLE) pages.set(who.e164, await rig.open(who))
    // two at a time: onboarding is the heaviest part of a tab's start
    await Promise.all([rig.onboard(page(ALICE), ALICE), rig.onboard(page(BOB), BOB)])
    await Promise.all([rig.onboard(page(CAROL), CAROL), rig.onboard(page(DAVE), DAVE)])
    // a text from each to each: sessions between every pair, and each has the others' names for the tiles
    for (const from of PEOPLE) {
      await page(from).evaluate(async to => { for (const phone of to) await globalThis.parley!.parley.send(phone, 'Hi!') }, PEOPLE.filter(p => p !== from).map(p => p.e164))
    }
    for (const at of PEOPLE) {
      await page(at).waitForFunction(async names => {
        for (const [phone, name] of names) if ((await globalThis.parley!.parley.contactProfile(phone))?.name !== name) return false
        return true
      }, PEOPLE.filter(p => p !== at).map(p => [p.e164, p.name]), { timeout: SIGNAL_MS * 2, polling: 500 })
    }

    // alice's group, with a photo: the others' incoming screens show it
    group = await page(ALICE).evaluate(async ({ name, members }) => {
      const c = document.createElement('canvas')
      c.width = c.height = 256
      const g = c.getContext('2d')!
      g.fillStyle = '#3d6b8c'
      g.fillRect(0, 0, 256, 256)
      g.fillStyle = '#e8d9b0'
      g.beginPath(); g.moveTo(0, 256); g.lineTo(110, 70); g.lineTo(200, 256); g.fill()
      g.fillStyle = '#b8a57a'
      g.beginPath(); g.moveTo(90, 256); g.lineTo(190, 110); g.lineTo(256, 256); g.fill()
      const blob = await new Promise<Blob>(resolve => { c.toBlob(b => resolve(b!), 'image/png') })
      const photo = new Uint8Array(await blob.arrayBuffer())
      return (await globalThis.parley!.parley.groups.create(name, members, { photo })).groupId
    }, { name: GROUP_NAME, members: [BOB.e164, CAROL.e164, DAVE.e164] })
    for (const who of [BOB, CAROL, DAVE]) {
      await testid(page(who), 'chat-row', `[data-group="${group}"]`).locator('[data-testid="group-avatar"][data-state="photo"]').waitFor({ timeout: SIGNAL_MS * 2 })
    }
    for (const who of PEOPLE) await openGroup(page(who))

    // alice calls from the group's header: the buttons are there and enabled (this Chromium has frame transforms)
    const alice = page(ALICE)
    expect(await alice.evaluate(() => globalThis.parley!.parley.calls.groupCallsAvailable)).toBe(true)
    expect(await testid(alice, 'group-call-voice').getAttribute('aria-label')).toBe('Group voice call')
    expect(await testid(alice, 'group-call-video').isEnabled()).toBe(true)
    await testid(alice, 'group-call-video').click()
    const aliceScreen = testid(alice, 'group-call-screen')
    await aliceScreen.waitFor({ timeout: 10_000 })
    expect(await testid(alice, 'call-peer-name').textContent()).toBe(GROUP_NAME)
    await testid(alice, 'call-status').filter({ hasText: 'Calling…' }).waitFor({ timeout: 10_000 })
    expect(await testid(alice, 'group-call-count').textContent()).toBe('1 participant')
    // her own tile: her camera, mirrored; the ringback while she waits
    await testid(alice, 'call-tile-self', '[data-video="on"]').waitFor({ timeout: 10_000 })
    expect(await testid(alice, 'local-video').evaluate(v => getComputedStyle(v).transform)).toBe('matrix(-1, 0, 0, 1, 0, 0)')
    await alice.waitForFunction(() => (globalThis.parley as unknown as PageApp).app.calls.tone.playing === 'ringback', null, { timeout: 10_000 })
    // while she is in a call, another's buttons say why they are off (her group chat is under the call)
    expect(await testid(alice, 'group-call-video').getAttribute('title')).toBe('You are already in a call.')

    // the three ring: the group's photo and name, who started it, a group video call, the ring tone
    for (const who of [BOB, CAROL, DAVE]) {
      const p = page(who)
      const incoming = testid(p, 'incoming-call', `[data-group="${group}"]`)
      await incoming.waitFor({ timeout: SIGNAL_MS })
      expect(await testid(p, 'call-peer-name').textContent()).toBe(GROUP_NAME)
      expect(await testid(p, 'call-starter').textContent()).toBe('Alice is calling')
      expect(await testid(p, 'incoming-kind').textContent()).toBe('Group video call')
      expect(await incoming.locator('[data-testid="group-avatar"]').getAttribute('data-state')).toBe('photo')
      expect(await incoming.getAttribute('data-tone')).toBe('ring')
      expect(await testid(p, 'call-accept').textContent()).toBe('Join with video')
      expect(await testid(p, 'call-accept-voice').textContent()).toBe('Join without video')
      expect(await p.evaluate(() => document.activeElement?.id)).toBe('call-name')
    }
    await page(BOB).screenshot({ path: join(SCREENSHOTS, 'group-call-incoming.png') })
    await audit(page(BOB), 'incoming group call')
    for (const who of [BOB, CAROL, DAVE]) await testid(page(who), 'call-accept').click()

    // every tab: three tiles, connected, with video; four people
    for (const who of PEOPLE) {
      const p = page(who)
      await testid(p, 'group-call-screen', '[data-count="4"][data-state="connected"]').waitFor({ timeout: MESH_MS })
      await p.locator('[data-testid="call-tile"][data-state="connected"][data-video="on"]').nth(2).waitFor({ timeout: MESH_MS })
      expect(await testid(p, 'call-tile').count()).toBe(3)
      expect(await testid(p, 'group-call-count').textContent()).toBe('4 participants')
      expect((await testid(p, 'call-tile').locator('[data-testid="tile-name"]').allTextContents()).sort())
        .toEqual(PEOPLE.filter(o => o !== who).map(o => o.name).sort())
      expect(await p.evaluate(() => (globalThis.parley as unknown as PageApp).app.calls.tone.playing)).toBeUndefined()
    }
    const tabs = PEOPLE.map(who => ({ page: page(who), who }))
    // SFrame: four workers per tab, each participant's frames opened by the keyring holding its key, audio and video
    const holders = await keyringsMatch(tabs, 'every keyring in place')
    // every participant decodes every other's video and audio, and keeps doing so
    const first = await decodesFromAll(tabs, undefined, { frames: 10, audio: 2_000 }, 'everyone decodes everyone')
    await decodesFromAll(tabs, first, { frames: 20, audio: 4_000 }, 'everyone keeps decoding everyone')
    // ...through the keyrings: each keyring's decrypted counts grow with them
    for (const [i, t] of tabs.entries()) {
      const before = await keyrings(t.page)
      await retryUntil(async () => {
        const now = await keyrings(t.page)
        for (const index of Object.values(holders[i])) {
          const a = before[index].stats!.streams
          const b = now[index].stats!.streams
          if (b.video.decrypted < a.video.decrypted + 10 || b.audio.decrypted < a.audio.decrypted + 10) throw new Error(`keyring ${index} of ${t.who.name} is not decrypting`)
        }
      }, { timeout: SFU_MS, interval: 500, what: `${t.who.name}'s keyrings keep decrypting` })
    }
    // each tile plays its participant's camera
    await alice.waitForFunction(() => Array.from(document.querySelectorAll<HTMLVideoElement>('[data-testid="tile-video"]'))
      .every(v => !v.hidden && v.videoWidth > 0 && v.getVideoPlaybackQuality().totalVideoFrames > 5), null, { timeout: MESH_MS })
    expect(await testid(alice, 'call-status').textContent()).toMatch(/^\d+:\d\d$/)

    // bob mutes and carol turns her camera off: alice's tiles show it
    await testid(page(BOB), 'call-mute').click()
    await testid(alice, 'call-tile', `[data-phone="${BOB.e164}"][data-muted="true"]`).locator('[data-testid="tile-muted"]').waitFor({ timeout: SIGNAL_MS })
    expect(await testid(alice, 'tile-muted').getAttribute('aria-label')).toBe('Bob muted')
    await testid(page(CAROL), 'call-camera').click()
    const carolTile = testid(alice, 'call-tile', `[data-phone="${CAROL.e164}"]`)
    await carolTile.and(alice.locator('[data-video="off"]')).waitFor({ timeout: SIGNAL_MS })
    expect(await carolTile.locator('[data-testid="contact-avatar"]').count()).toBe(1)
    await testid(page(CAROL), 'call-tile-self', '[data-video="off"]').waitFor({ timeout: 5_000 })
    await alice.screenshot({ path: join(SCREENSHOTS, 'group-call.png') })
    await audit(alice, 'group call')
    await testid(page(CAROL), 'call-camera').click()
    await carolTile.and(alice.locator('[data-video="on"]')).waitFor({ timeout: SIGNAL_MS })
    await testid(page(BOB), 'call-mute').click()
    await testid(alice, 'call-tile', `[data-phone="${BOB.e164}"][data-muted="false"]`).waitFor({ timeout: SIGNAL_MS })
    expect(found).toEqual([])
    expect(rig.pageErrors).toEqual([])
  }, 600_000)

  it('dave leaves: the others make new keys, and frames under them do not decrypt with any key dave\'s page ever held', async () => {
    const dave = page(DAVE)
    const stay = [ALICE, BOB, CAROL].map(who => ({ page: page(who), who }))
    const before = await Promise.all(stay.map(async t => (await callView(t.page)).kid))
    await testid(dave, 'call-hangup').click()
    await noCallScreen(dave, 5_000)
    const leftAt = Date.now()
    // the others: dave's tile goes, three people
    for (const t of stay) {
      await testid(t.page, 'group-call-screen', '[data-count="3"]').waitFor({ timeout: SIGNAL_MS })
      expect(await testid(t.page, 'call-tile', `[data-phone="${DAVE.e164}"]`).count()).toBe(0)
    }
    // each makes a new key, sends under it, and holds the others' new keys (three workers each now)
    const after = await retryUntil(async () => {
      const kids = await Promise.all(stay.map(async t => (await callView(t.page)).kid))
      for (const [i, kid] of kids.entries()) if (kid == null || kid === before[i]) throw new Error(`${stay[i].who.name} has not made a new key`)
      return kids as number[]
    }, { timeout: REKEY_MS, interval: 250, what: 'new keys after the leave' })
    const holders = await keyringsMatch(stay, 'the new keys in place')
    // the old keys go (after their grace), and the frames go on decoding: what flows now is under the new keys
    for (const [i, t] of stay.entries()) {
      await retryUntil(async () => {
        const rings = await keyrings(t.page)
        for (const [j, o] of stay.entries()) {
          if (j === i) continue
          const kids = rings[holders[i][o.who.e164]].stats!.receiveKids
          if (kids.length !== 1 || kids[0] !== after[j]) throw new Error(`${t.who.name} still holds ${JSON.stringify(kids)} for ${o.who.name}`)
        }
      }, { timeout: REKEY_MS, interval: 500, what: `${t.who.name} drops the old keys` })
    }
    const now = await decodesFromAll(stay, undefined, { frames: 0, audio: 0 }, 'the three still decode each other')
    await decodesFromAll(stay, now, { frames: 20, audio: 4_000 }, 'the three decode each other under the new keys only')

    // dave's page: every keyring closed, nothing posted to any since the leave, and none of the new keys ever reached it
    const daveRings = await keyrings(dave)
    expect(daveRings.length).toBeGreaterThanOrEqual(4)
    expect(daveRings.every(k => !k.live)).toBe(true)
    expect(await dave.evaluate(() => globalThis.parley!.parley.calls.groupCalls().length)).toBe(0)
    const daveKeys = await dave.evaluate(() => (globalThis as unknown as SFrameHooks).sframeWorkers.flatMap(r => r.posts)
      .filter(p => p.op === 'add-key').map(p => ({ at: p.at, kid: Number(p.kid), key: Array.from(p.key!) })))
    expect(daveKeys.length).toBeGreaterThanOrEqual(3)
    expect(daveKeys.every(k => k.at < leftAt)).toBe(true)
    const newKeys = await Promise.all(stay.map(async (t, i) => await t.page.evaluate(kid => {
      const posts = (globalThis as unknown as SFrameHooks).sframeWorkers.flatMap(r => r.posts).filter(p => p.op === 'set-send-key' && Number(p.kid) === kid)
      return Array.from(posts[0].key!)
    }, after[i])))
    const held = new Set(daveKeys.map(k => hex(Uint8Array.from(k.key))))
    for (const [i, key] of newKeys.entries()) {
      expect(key.length).toBe(32)
      expect(held.has(hex(Uint8Array.from(key)))).toBe(false)
      expect(daveKeys.map(k => k.kid)).not.toContain(after[i])
    }

    // The SFU check: alice's sending worker (the app's, under her new key) encrypts a test sender's camera and
    // microphone on connections of the test's own to dave's and bob's pages, as an SFU would forward her frames.
    // Each receiving page decrypts with a fresh SFrame worker (the app's worker script) given every key that page
    // ever received; dave's never opens one, bob's opens them and his decoder shows the video.
    const aliceKid = after[0]
    const offer = async (name: string): Promise<string> => await page(ALICE).evaluate(async name => {
      const hooks = globalThis as unknown as SFrameHooks
      const sending = hooks.sframeWorkers.filter(r => !r.terminated && r.posts.some(p => p.op === 'set-send-key'))
      if (sending.length !== 1) throw new Error(`${sending.length} sending keyrings`)
      const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } })
      const pc = new RTCPeerConnection()
      for (const track of media.getTracks()) {
        const t = pc.addTransceiver(track, { direction: 'sendonly', streams: [media] })
        t.sender.transform = new RTCRtpScriptTransform(sending[0].worker, { role: 'encrypt', stream: `sfu-${name}/${track.kind}` })
        if (track.kind === 'video') t.setCodecPreferences((RTCRtpReceiver.getCapabilities('video')?.codecs ?? []).filter(c => /vp8|rtx/i.test(c.mimeType)))
      }
      hooks.sfu = { ...hooks.sfu, [name]: { pc, tracks: media.getTracks() } }
      await pc.setLocalDescription(await pc.createOffer())
      await new Promise<void>(resolve => {
        if (pc.iceGatheringState === 'complete') resolve()
        pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve() })
      })
      return pc.localDescription!.sdp
    }, name)
    const receive = async (at: Page, name: string, sdp: string): Promise<string> => await at.evaluate(async ({ name, sdp }) => {
      const hooks = globalThis as unknown as SFrameHooks
      // the app's SFrame worker script, started afresh, holding every key this page was ever given
      const worker = new Worker(hooks.sframeWorkers[0].url, { type: 'module', name: 'sframe-test' })
      for (const p of hooks.sframeWorkers.flatMap(r => r.posts).filter(p => p.op === 'add-key')) await hooks.sframeAsk(worker, { op: 'add-key', kid: p.kid, key: p.key })
      const pc = new RTCPeerConnection()
      pc.ontrack = e => { e.receiver.transform = new RTCRtpScriptTransform(worker, { role: 'decrypt', stream: `sfu/${e.track.kind}` }) }
      hooks.sfu = { ...hooks.sfu, [name]: { pc, worker, tracks: [] } }
      await pc.setRemoteDescription({ type: 'offer', sdp })
      await pc.setLocalDescription(await pc.createAnswer())
      await new Promise<void>(resolve => {
        if (pc.iceGatheringState === 'complete') resolve()
        pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve() })
      })
      return pc.localDescription!.sdp
    }, { name, sdp })
    const answered = async (name: string, sdp: string): Promise<void> => {
      await page(ALICE).evaluate(async ({ name, sdp }) => {
        await (globalThis as unknown as SFrameHooks).sfu![name].pc.setRemoteDescription({ type: 'answer', sdp })
      }, { name, sdp })
    }
    /** The test worker's counters and the test receiver's decoded video frames in `at`. */
    const sfuFigures = async (at: Page, name: string): Promise<{ decrypted: number, unknownKey: number, decrypt: number, framesDecoded: number }> => await at.evaluate(async name => {
      const hooks = globalThis as unknown as SFrameHooks
      const { pc, worker } = hooks.sfu![name]
      const s = await hooks.sframeAsk(worker!, { op: 'stats' })
      let framesDecoded = 0
      const report = await pc.getStats()
      report.forEach((r: { type: string, kind?: string, framesDecoded?: number }) => { if (r.type === 'inbound-rtp' && r.kind === 'video') framesDecoded += r.framesDecoded ?? 0 })
      return { decrypted: s.decrypted, unknownKey: s.failures['unknown-key'], decrypt: s.failures.decrypt, framesDecoded }
    }, name)

    for (const [name, at] of [['dave', dave], ['bob', page(BOB)]] as const) await answered(name, await receive(at, name, await offer(name)))
    // alice's worker encrypts the test streams under her new key
    await retryUntil(async () => {
      const rings = (await keyrings(page(ALICE))).filter(k => k.live && k.stats?.sendKid != null)
      const s = rings[0].stats!
      if (s.sendKid !== aliceKid || (s.streams['sfu-dave/video']?.encrypted ?? 0) < 20 || (s.streams['sfu-bob/video']?.encrypted ?? 0) < 20) throw new Error(JSON.stringify(s.streams))
    }, { timeout: SFU_MS, interval: 500, what: 'alice encrypts the test streams under her new key' })
    // bob (given his keys the same way) decrypts them and decodes the video: the frames and the check are sound
    await retryUntil(async () => {
      const f = await sfuFigures(page(BOB), 'bob')
      if (f.decrypted < 20 || f.framesDecoded < 10) throw new Error(JSON.stringify(f))
    }, { timeout: SFU_MS, interval: 500, what: 'bob decrypts alice\'s frames under her new key' })
    // dave: every frame dropped for want of its key, none decrypted, no video decoded
    const atDave = await retryUntil(async () => {
      const f = await sfuFigures(dave, 'dave')
      if (f.unknownKey < 50) throw new Error(JSON.stringify(f))
      return f
    }, { timeout: SFU_MS, interval: 500, what: 'alice\'s frames reach dave\'s page' })
    expect(atDave.decrypted).toBe(0)
    expect(atDave.framesDecoded).toBe(0)
    // and even each of his keys put under alice's new key id fails to open them (the AEAD does not authenticate)
    const guessed = await dave.evaluate(async ({ kid, wait }) => {
      const hooks = globalThis as unknown as SFrameHooks
      const { worker } = hooks.sfu!.dave
      const keys = hooks.sframeWorkers.flatMap(r => r.posts).filter(p => p.op === 'add-key').map(p => p.key!)
      const tried: Array<{ failed: number, decrypted: number }> = []
      for (const key of keys) {
        const start = await hooks.sframeAsk(worker!, { op: 'add-key', kid: BigInt(kid), key })
        const deadline = Date.now() + wait
        let s = start
        while (s.failures.decrypt < start.failures.decrypt + 10 && Date.now() < deadline) {
          await new Promise(resolve => setTimeout(resolve, 100))
          s = await hooks.sframeAsk(worker!, { op: 'stats' })
        }
        tried.push({ failed: s.failures.decrypt - start.failures.decrypt, decrypted: s.decrypted })
      }
      return tried
    }, { kid: aliceKid, wait: 10_000 })
    expect(guessed.length).toBe(daveKeys.length)
    for (const t of guessed) {
      expect(t.failed).toBeGreaterThanOrEqual(10)
      expect(t.decrypted).toBe(0)
    }
    expect((await sfuFigures(dave, 'dave')).framesDecoded).toBe(0)
    for (const [name, at] of [['dave', dave], ['bob', page(BOB)], ['dave', page(ALICE)], ['bob', page(ALICE)]] as const) {
      await at.evaluate(name => {
        const s = (globalThis as unknown as SFrameHooks).sfu![name]
        s.pc.close()
        s.worker?.terminate()
        for (const t of s.tracks) t.stop()
      }, name)
    }

    // alice removes dave from the group: his group chat cannot start a call in it any more
    await page(ALICE).evaluate(async ({ group, dave }) => { await globalThis.parley!.parley.groups.remove(group, dave) }, { group, dave: DAVE.e164 })
    await testid(dave, 'group-chat', '[data-active="false"]').waitFor({ timeout: SIGNAL_MS })
    expect(await testid(dave, 'group-call-video').isDisabled()).toBe(true)
    expect(await testid(dave, 'group-call-video').getAttribute('title')).toBe('You are no longer a member of this group.')
    expect(rig.pageErrors).toEqual([])
  }, 300_000)

  it('the call ends when the last two are alone and one leaves; the group chats and Calls lists show it; a call nobody joins is a missed group call', async () => {
    const alice = page(ALICE)
    const bob = page(BOB)
    const carol = page(CAROL)
    await testid(alice, 'call-hangup').click()
    await noCallScreen(alice, 5_000)
    await testid(bob, 'group-call-screen', '[data-count="2"]').waitFor({ timeout: SIGNAL_MS })
    await testid(bob, 'call-hangup').click()
    await noCallScreen(bob, 5_000)
    // carol, alone: the call ends, her screen says so with its length, then closes
    await testid(carol, 'group-call-screen', '[data-state="ended"]').waitFor({ timeout: SIGNAL_MS })
    expect(await testid(carol, 'call-status').textContent()).toMatch(/^Call ended · \d+:\d\d$/)
    await noCallScreen(carol)

    // each group chat has the call; the Calls list has it under the group's name (and who started it)
    for (const who of PEOPLE) {
      const p = page(who)
      const entry = testid(p, 'call-entry', `[data-group="${group}"][data-outcome="answered"]`)
      await entry.waitFor({ timeout: 10_000 })
      expect(await entry.locator('[data-testid="call-entry-line"]').textContent()).toMatch(/^Group video call · \d+:\d\d$/)
      expect(await entry.locator('[data-testid="call-entry-starter"]').count()).toBe(who === ALICE ? 0 : 1)
    }
    // none of it in the 1:1 chat with alice
    await bob.evaluate(hash => { location.hash = hash }, `#/chat/${encodeURIComponent(ALICE.e164)}`)
    await testid(bob, 'conversation', '[data-state="ready"]').waitFor({ timeout: 10_000 })
    expect(await testid(bob, 'call-entry').count()).toBe(0)
    await testid(bob, 'tab-calls').click()
    const row = testid(bob, 'call-row').first()
    await row.waitFor({ timeout: 5_000 })
    expect(await row.getAttribute('data-group')).toBe(group)
    expect(await row.getAttribute('data-direction')).toBe('incoming')
    expect(await row.locator('[data-testid="call-row-name"]').textContent()).toBe(GROUP_NAME)
    expect(await row.locator('[data-testid="call-row-starter"]').textContent()).toBe('Alice')
    expect(await row.locator('[data-testid="call-row-line"]').textContent()).toMatch(/Group video call · \d+:\d\d$/)
    expect(await row.locator('[data-testid="group-avatar"]').getAttribute('data-state')).toBe('photo')
    await testid(bob, 'call-row-chat').first().click()
    await testid(bob, 'group-chat', `[data-group="${group}"]`).waitFor({ timeout: 5_000 })

    // alice starts a voice call and gives up before anyone joins: bob and carol miss it
    await openGroup(alice)
    await testid(alice, 'group-call-voice').click()
    await testid(alice, 'group-call-screen').waitFor({ timeout: 10_000 })
    for (const p of [bob, carol]) {
      await testid(p, 'incoming-call', `[data-group="${group}"]`).waitFor({ timeout: SIGNAL_MS })
      expect(await testid(p, 'incoming-kind').textContent()).toBe('Group voice call')
      expect(await testid(p, 'call-accept').textContent()).toBe('Join')
    }
    // their screens say so for ENDED_SHOW_MS: watched from before the click, in both at once
    const missedShown = Promise.all([bob, carol].map(async p => { await testid(p, 'call-status').filter({ hasText: 'Missed call' }).waitFor({ timeout: SIGNAL_MS }) }))
    await testid(alice, 'call-hangup').click()
    await noCallScreen(alice, 5_000)
    await missedShown
    for (const p of [bob, carol]) {
      await noCallScreen(p)
      const missed = testid(p, 'call-entry', `[data-group="${group}"][data-outcome="missed"]`)
      await missed.waitFor({ timeout: 10_000 })
      expect(await missed.locator('[data-testid="call-entry-line"]').textContent()).toBe('Missed group voice call')
    }
    expect(await testid(alice, 'call-entry', '[data-outcome="cancelled"]').locator('[data-testid="call-entry-line"]').textContent()).toBe('Group voice call · Cancelled')
    // carol's Calls switch counts it; her list has it first, red, under the group's name
    expect(await testid(carol, 'missed-badge').textContent()).toBe('1')
    await testid(carol, 'tab-calls').click()
    const missedRow = testid(carol, 'call-row').first()
    await missedRow.waitFor({ timeout: 5_000 })
    expect(await missedRow.getAttribute('data-outcome')).toBe('missed')
    expect(await missedRow.getAttribute('data-group')).toBe(group)
    expect(await missedRow.locator('[data-testid="call-row-line"]').textContent()).toContain('Missed group voice call')
    await testid(carol, 'missed-badge').waitFor({ state: 'detached', timeout: 5_000 })
    await audit(carol, 'calls list with group calls')
    expect(found).toEqual([])
    expect(rig.pageErrors).toEqual([])
  }, 180_000)
})
