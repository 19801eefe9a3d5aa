// A call between a browser tab and the Node CLI (`parley answer --play --record --seconds`): the tab hears the CLI's
// 440 Hz WAV (a WebAudio analyser finds the peak there), the CLI records the tab's fake microphone into a WAV that is
// not silence, the CLI hangs up after its seconds and the tab's call ends.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { PROJECT_ROOT } from '../../scripts/paths.js'
import { startWebRig, type WebRig, type WebPerson } from '../helpers/web-app.js'
import { FAKE_MEDIA_ARGS } from '../helpers/chromium.js'
import { tempDir } from '../helpers/tmp.js'
import { runToExit } from '../helpers/process.js'
import { createWavWriter, openWavReader } from '../../src/calls/node/wav.js'

const CLI = join(PROJECT_ROOT, 'bin', 'parley.js')
const ALICE: WebPerson = { profile: 'alice', national: '07700 900061', e164: '+447700900061', name: 'Alice' }
const CAROL = '+447700900062'
const WAIT = 60_000

/** A 440 Hz tone, `seconds` long, 48 kHz mono. */
async function toneWav (path: string, seconds: number): Promise<void> {
  const w = await createWavWriter(path, { sampleRate: 48_000, channels: 1 })
  const samples = new Int16Array(48_000 * seconds)
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(Math.sin(2 * Math.PI * 440 * i / 48_000) * 12_000)
  await w.write(samples)
  await w.close()
}

/** Root mean square of a WAV's samples (0..32767). */
async function rms (path: string): Promise<{ rms: number, seconds: number }> {
  const r = await openWavReader(path)
  let sum = 0
  let n = 0
  for (;;) {
    const block = await r.read(4_800)
    if (block.length === 0) break
    for (const s of block) sum += s * s
    n += block.length
  }
  await r.close()
  return { rms: Math.sqrt(sum / Math.max(1, n)), seconds: n / r.format.sampleRate / r.format.channels }
}

describe('a call between a tab and the CLI', () => {
  let rig: WebRig
  let dir: Awaited<ReturnType<typeof tempDir>>
  let alice: Page
  const parley = async (args: string[], timeout = WAIT): Promise<{ code: number | null, stdout: string, stderr: string }> =>
    await runToExit(CLI, ['--data', join(dir.path, 'carol'), '--bootstrap', rig.relay.addr('tcp'), '--trusted-verifier', String(rig.relay.listening.verifierKey), ...args], { timeout })

  beforeAll(async () => {
    rig = await startWebRig({ chromiumArgs: FAKE_MEDIA_ARGS })
    dir = await tempDir('parley-web-cli-call-')
    alice = await rig.open(ALICE)
    const before = rig.inbox.count
    await Promise.all([
      rig.onboard(alice, ALICE),
      (async () => {
        expect((await parley(['register', CAROL])).code).toBe(0)
        expect((await parley(['verify', await rig.inbox.next(CAROL, before)])).code).toBe(0)
      })()
    ])
    await toneWav(join(dir.path, 'tone.wav'), 10)
  }, 180_000)

  afterAll(async () => {
    await rig?.stop()
    await dir?.remove()
  })

  it('real audio both ways: the tab hears 440 Hz from the CLI, the CLI records the tab', async () => {
    const out = join(dir.path, 'heard.wav')
    const answering = parley(['answer', ALICE.e164, '--play', join(dir.path, 'tone.wav'), '--record', out, '--seconds', '4', '--timeout', '120', '--json'], 150_000)
    // the tab calls (the ring waits at Carol's mailbox relay if her CLI is not following it yet)
    await alice.evaluate(async to => {
      const media = await navigator.mediaDevices.getUserMedia({ audio: true })
      const call = await globalThis.parley!.parley.call(to, { media: { audio: media.getAudioTracks()[0] } })
      call.once('ended', () => { for (const t of media.getTracks()) t.stop() })
    }, CAROL)
    // the remote audio's spectrum in the tab peaks at the WAV's 440 Hz
    const peak = await alice.evaluate(async wait => {
      const { parley } = globalThis.parley!
      const deadline = Date.now() + wait
      let call = parley.calls.calls()[0]
      while ((call?.remoteTracks.find(t => t.kind === 'audio') == null || call.state !== 'connected') && Date.now() < deadline) {
        await new Promise(resolve => setTimeout(resolve, 50))
        call = parley.calls.calls()[0]
      }
      const track = call?.remoteTracks.find(t => t.kind === 'audio')
      if (track == null) throw new Error(`no remote audio (call ${call?.state ?? 'gone'})`)
      // Chromium plays a remote WebRTC track into WebAudio only while a media element also plays it
      const el = new Audio()
      el.srcObject = new MediaStream([track])
      el.muted = true
      await el.play().catch(() => {})
      const ctx = new AudioContext()
      const analyser = ctx.createAnalyser()
      analyser.fftSize = 8192
      ctx.createMediaStreamSource(new MediaStream([track])).connect(analyser)
      const bins = new Float32Array(analyser.frequencyBinCount)
      for (;;) {
        analyser.getFloatFrequencyData(bins)
        let best = 0
        for (let i = 1; i < bins.length; i++) if (bins[i] > bins[best]) best = i
        const hz = best * ctx.sampleRate / analyser.fftSize
        if (bins[best] > -60 && Math.abs(hz - 440) < 20) {
          await ctx.close()
          return hz
        }
        if (Date.now() > deadline) throw new Error(`no 440 Hz in the tab (peak ${hz.toFixed(0)} Hz at ${bins[best].toFixed(0)} dB)`)
        await new Promise(resolve => setTimeout(resolve, 100))
      }
    }, WAIT)
    expect(Math.abs(peak - 440)).toBeLessThan(20)

    const r = await answering
    expect(r.stderr).not.toMatch(/error/i)
    expect(r.code).toBe(0)
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!)
    expect(result).toMatchObject({ peer: ALICE.e164, direction: 'incoming', outcome: 'answered' })
    expect(result.durationMs).toBeGreaterThanOrEqual(4_000)
    expect(result.recorded.seconds).toBeGreaterThan(2)
    // the tab's fake microphone (a beep) is in the recording, not silence
    const heard = await rms(out)
    expect(heard.seconds).toBeGreaterThan(2)
    expect(heard.rms).toBeGreaterThan(100)
    // the CLI hung up after its 4 s: the tab's call ended
    await alice.waitForFunction(() => globalThis.parley!.parley.calls.calls().length === 0, null, { timeout: WAIT })
    const log = await alice.evaluate(async () => await globalThis.parley!.parley.calls.history())
    expect(log[0]).toMatchObject({ peer: CAROL, outcome: 'answered', direction: 'outgoing' })
    // and the CLI's own log has it
    const calls = await parley(['calls', '--json'])
    expect(calls.code).toBe(0)
    expect(JSON.parse(calls.stdout.trim().split('\n')[0])).toMatchObject({ peer: ALICE.e164, outcome: 'answered', direction: 'incoming' })
    expect(rig.pageErrors).toEqual([])
  }, 240_000)
})
