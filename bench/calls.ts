/**
 * Call benchmarks between two Chromium tabs on loopback (fake camera and microphone, a relay process): the time
 * from "call" (the caller's click: its getUserMedia included) until audio and video flow both ways, measured in each
 * tab with the call's getStats; the same forced through the relay's TURN (`--turn`, relay-only ICE on both sides).
 * Knows nothing of the screens: it drives the page's Parley (the test seam `globalThis.parley`).
 */
import type { Page } from 'playwright-core'
import { readdir, readFile } from 'node:fs/promises'
import { FAKE_MEDIA_ARGS } from '../test/helpers/chromium.js'
import { startWebRig, type WebPerson } from '../test/helpers/web-app.js'
import { freeTurnPort } from '../test/relay/webrtc-relay.js'
import { median, percentile, type Suite } from './harness.js'

const ALICE: WebPerson = { profile: 'alice', national: '07700 900401', e164: '+447700900401', name: 'Alice' }
const BOB: WebPerson = { profile: 'bob', national: '07700 900402', e164: '+447700900402', name: 'Bob' }
/** Calls timed per figure: a p99 of 20 is their slowest; the whole suite stays near a minute. */
const RUNS = 20
/** Bound on one call's set-up or end: nothing should come near it. */
const WAIT_MS = 30_000

/** The callee tab takes every call at once with its fake camera and microphone. */
async function autoAnswer (page: Page): Promise<void> {
  await page.evaluate(() => {
    const { parley } = globalThis.parley!
    parley.calls.on('incoming', call => {
      void (async () => {
        const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: true })
        call.once('ended', () => { for (const t of media.getTracks()) t.stop() })
        await call.accept({ audio: media.getAudioTracks()[0], video: media.getVideoTracks()[0] })
      })()
    })
  })
}

/** In `page`: waits until its current call receives audio and decoded video; resolves with Date.now() then. */
async function flowing (page: Page, callId?: string): Promise<{ at: number, id: string, relayed: boolean }> {
  return await page.evaluate(async ({ callId, wait }) => {
    const { parley } = globalThis.parley!
    const deadline = Date.now() + wait
    for (;;) {
      const call = parley.calls.calls().find(c => callId == null || c.id === callId)
      if (call != null) {
        const s = await call.stats()
        if (s.audioBytesReceived > 0 && s.videoFramesDecoded > 0) return { at: Date.now(), id: call.id, relayed: s.relayed === true }
      }
      if (Date.now() > deadline) throw new Error(`no media within ${wait} ms`)
      await new Promise(resolve => setTimeout(resolve, 10))
    }
  }, { callId, wait: WAIT_MS })
}

/** One call from `caller` to `callee`: ms from the click until media flows both ways; hung up and ended on both sides after. */
async function oneCall (caller: Page, callee: Page, to: string): Promise<{ ms: number, relayed: boolean }> {
  const placed = caller.evaluate(async to => {
    const { parley } = globalThis.parley!
    const started = Date.now()
    const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: true })
    const call = await parley.call(to, { media: { audio: media.getAudioTracks()[0], video: media.getVideoTracks()[0] }, video: true })
    call.once('ended', () => { for (const t of media.getTracks()) t.stop() })
    return { started, id: call.id }
  }, to)
  const [{ started, id }, atCallee] = await Promise.all([placed, flowing(callee)])
  const atCaller = await flowing(caller, id)
  const ms = Math.max(atCaller.at, atCallee.at) - started
  await caller.evaluate(async id => {
    const call = globalThis.parley!.parley.calls.calls().find(c => c.id === id)
    await call?.hangup()
  }, id)
  await callee.waitForFunction(() => globalThis.parley!.parley.calls.calls().length === 0, null, { timeout: WAIT_MS })
  return { ms, relayed: atCaller.relayed && atCallee.relayed }
}

async function series (caller: Page, callee: Page, relayOnly: boolean): Promise<number[]> {
  for (const p of [caller, callee]) await p.evaluate(on => { globalThis.parley!.parley.calls.setRelayOnly(on) }, relayOnly)
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const r = await oneCall(caller, callee, BOB.e164)
    if (relayOnly && !r.relayed) throw new Error('a relay-only call took a direct path')
    times.push(r.ms)
  }
  return times
}

/** Seconds of CPU every Chromium process has used so far (the browser, its renderers, GPU and network services). */
async function chromiumCpuSeconds (): Promise<number> {
  const ticks = 100 // USER_HZ on Linux
  let total = 0
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
      const comm = /\((.*)\)/.exec(stat)?.[1] ?? ''
      if (!comm.startsWith('chromium')) continue
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      total += (Number(fields[11]) + Number(fields[12])) / ticks
    } catch {
      // a process that ended meanwhile
    }
  }
  return total
}

/** Mesh size × the seconds its CPU is sampled over. */
const MESH_SAMPLE_S = 20

/**
 * A group call of `n` tabs with fake camera (320×240) and microphone: once every tab decodes every other's video, the
 * CPU all Chromium processes use over MESH_SAMPLE_S, per participant, in % of one core.
 */
async function meshCpu (rig: Awaited<ReturnType<typeof startWebRig>>, n: number): Promise<{ cpu: number, total: number, fps: number }> {
  const people: WebPerson[] = Array.from({ length: n }, (_, i) => ({ profile: `m${n}x${i}`, national: `07700 9005${String(n).padStart(1, '0')}${i}`, e164: `+4477009005${n}${i}`, name: `P${i}` }))
  const pages: Page[] = []
  for (const who of people) {
    const page = await rig.open(who)
    await rig.onboard(page, who)
    pages.push(page)
  }
  const group = await pages[0].evaluate(async members => (await globalThis.parley!.parley.groups.create('Mesh', members)).groupId, people.slice(1).map(p => p.e164))
  for (const page of pages.slice(1)) {
    await page.waitForFunction(async g => (await globalThis.parley!.parley.groups.info(g).catch(() => undefined))?.active === true, group, { timeout: WAIT_MS * 2, polling: 250 })
    await page.evaluate(() => {
      globalThis.parley!.parley.calls.on('incoming-group', call => {
        void (async () => {
          const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } })
          call.once('ended', () => { for (const t of media.getTracks()) t.stop() })
          await call.join({ audio: media.getAudioTracks()[0], video: media.getVideoTracks()[0] })
        })()
      })
    })
  }
  await pages[0].evaluate(async g => {
    const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } })
    const call = await globalThis.parley!.parley.groupCall(g, { media: { audio: media.getAudioTracks()[0], video: media.getVideoTracks()[0] }, video: true })
    call.once('ended', () => { for (const t of media.getTracks()) t.stop() })
  }, group)
  // every tab decodes video from every other
  for (const page of pages) {
    await page.waitForFunction(async others => {
      const call = globalThis.parley!.parley.calls.groupCalls()[0]
      if (call == null || call.state !== 'joined') return false
      const ps = call.participants()
      if (ps.length < others || ps.some(p => p.state !== 'connected')) return false
      for (const p of ps) {
        const s = await call.stats(p.phone, p.device)
        if (s == null || s.videoFramesDecoded === 0) return false
      }
      return true
    }, n - 1, { timeout: WAIT_MS * 4, polling: 500 })
  }
  const decoded = async (): Promise<number> => {
    let total = 0
    for (const page of pages) {
      total += await page.evaluate(async () => {
        const call = globalThis.parley!.parley.calls.groupCalls()[0]
        let sum = 0
        for (const p of call?.participants() ?? []) sum += (await call!.stats(p.phone, p.device))?.videoFramesDecoded ?? 0
        return sum
      })
    }
    return total
  }
  const framesBefore = await decoded()
  const before = await chromiumCpuSeconds()
  const started = Date.now()
  await new Promise(resolve => setTimeout(resolve, MESH_SAMPLE_S * 1000))
  const used = await chromiumCpuSeconds() - before
  const seconds = (Date.now() - started) / 1000
  const fps = (await decoded() - framesBefore) / seconds / (n * (n - 1))
  for (const page of pages) await page.evaluate(async () => { for (const c of globalThis.parley!.parley.calls.groupCalls()) await c.leave() })
  for (const page of pages) await page.close()
  return { cpu: 100 * used / seconds / n, total: 100 * used / seconds, fps }
}

export const suite: Suite = {
  prefix: 'call.',
  names: ['call.setup.p50', 'call.setup.p99', 'call.turn.setup.p50', 'call.turn.setup.p99', 'call.mesh.cpu.4', 'call.mesh.cpu.8', 'call.mesh.cpu.total.4', 'call.mesh.cpu.total.8', 'call.mesh.fps.4', 'call.mesh.fps.8'],
  async run (report, filter) {
    const turn = filter('call.turn.setup.p50') || filter('call.turn.setup.p99')
    const turnArgs = turn ? ['--turn', '--turn-allow-loopback', '--turn-port', String(await freeTurnPort()), '--turn-min-port', '20000', '--turn-max-port', '29999'] : []
    const rig = await startWebRig({ chromiumArgs: FAKE_MEDIA_ARGS, relayArgs: turnArgs })
    try {
      for (const n of [4, 8]) {
        if (!filter(`call.mesh.cpu.${n}`)) continue
        const m = await meshCpu(rig, n)
        report({ name: `call.mesh.cpu.${n}`, value: Math.round(m.cpu), unit: '% of a core per participant' })
        report({ name: `call.mesh.cpu.total.${n}`, value: Math.round(m.total), unit: '% of a core, all tabs' })
        report({ name: `call.mesh.fps.${n}`, value: Math.round(m.fps * 10) / 10, unit: 'decoded frames/s per stream' })
      }
      const setup = filter('call.setup.p50') || filter('call.setup.p99')
      if (!setup && !turn) return
      const alice = await rig.open(ALICE)
      await rig.onboard(alice, ALICE)
      const bob = await rig.open(BOB)
      await rig.onboard(bob, BOB)
      await autoAnswer(bob)
      // a first call sets up the sessions both ways (not timed: a first contact looks the number up)
      await oneCall(alice, bob, BOB.e164)
      if (setup) {
        const t = await series(alice, bob, false)
        report({ name: 'call.setup.p50', value: median(t), unit: 'ms' })
        report({ name: 'call.setup.p99', value: percentile(t, 99), unit: 'ms' })
      }
      if (turn) {
        const t = await series(alice, bob, true)
        report({ name: 'call.turn.setup.p50', value: median(t), unit: 'ms' })
        report({ name: 'call.turn.setup.p99', value: percentile(t, 99), unit: 'ms' })
      }
    } finally {
      await rig.stop()
    }
  }
}
