/**
 * One-off measurement that chose the Node WebRTC library for calls (docs/calls-node.md): @roamhq/wrtc against werift, two
 * peer connections in two processes on loopback: set-up time, real audio from PCM (werift through an Opus encoder from
 * npm), CPU and RSS of a call, and a call with Chromium. Not part of `npm run bench`: werift and opusscript are not
 * dependencies of the project, so they are loaded from a folder given by WERIFT_DIR. Knows nothing of the SDK.
 *
 * Usage (Node ≥ 22; the file runs as TypeScript under Node 24, or compiled from dist/bench/):
 *   mkdir /tmp/werift-bench && cd /tmp/werift-bench && npm init -y && npm install werift opusscript
 *   WERIFT_DIR=/tmp/werift-bench npx node bench/calls-lib.ts [--libs wrtc,werift] [--seconds 30] [--setups 10] [--no-chromium]
 * Prints one JSON line per figure, then a summary table.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { once } from 'node:events'

type Lib = 'wrtc' | 'werift'
type Json = Record<string, unknown>
/** Loaded libraries are used through loose shapes: werift is not installed with the project, so it has no types here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any

const SAMPLE_RATE = 48_000
/** wrtc's RTCAudioSource takes 10 ms frames; werift gets 20 ms Opus packets (the usual WebRTC ptime). */
const WRTC_FRAME = SAMPLE_RATE / 100
const OPUS_FRAME = SAMPLE_RATE / 50
/** Receivers skip the first second (jitter buffer filling, codec ramp-up) before measuring the tone. */
const WARMUP_SAMPLES = SAMPLE_RATE
/** Tone analysis runs on 100 ms blocks: long enough to resolve 440 from 1000 Hz, short enough to survive a concealed packet. */
const BLOCK = SAMPLE_RATE / 10
const VIDEO_WIDTH = 640
const VIDEO_HEIGHT = 480
const VIDEO_FPS = 30

const requireHere = createRequire(import.meta.url)
function requireWerift (name: string): Loose {
  const dir = process.env.WERIFT_DIR
  if (dir == null) throw new Error('WERIFT_DIR: the folder where werift and opusscript are installed')
  return createRequire(join(dir, 'package.json'))(name)
}

/** Amplitude (0…1 of full scale) of `freq` in one block of samples, by the Goertzel recurrence. */
function toneAmplitude (block: Float64Array, freq: number): number {
  const w = 2 * Math.PI * freq / SAMPLE_RATE
  const coeff = 2 * Math.cos(w)
  let s1 = 0
  let s2 = 0
  for (const x of block) {
    const s = x + coeff * s1 - s2
    s2 = s1
    s1 = s
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2
  return 2 * Math.sqrt(Math.max(0, power)) / block.length
}

/** Receives mono 48 kHz PCM (first channel taken), measures the tone and a control frequency per block. */
class ToneMeter {
  samples = 0
  otherRate = 0
  blocks = 0
  tone = 0
  control = 0
  energy = 0
  firstAt: number | undefined
  private readonly block = new Float64Array(BLOCK)
  private fill = 0
  private readonly freq: number
  private readonly controlFreq: number
  constructor (freq: number, controlFreq: number) {
    this.freq = freq
    this.controlFreq = controlFreq
  }
  push (pcm: Int16Array, channels: number, rate: number): void {
    // wrtc's sink hands a few 16 kHz frames of silence before the first decoded packet: not the call's audio
    if (rate !== SAMPLE_RATE) { this.otherRate++; return }
    this.firstAt ??= Date.now()
    for (let i = 0; i < pcm.length; i += channels) {
      this.samples++
      if (this.samples <= WARMUP_SAMPLES) continue
      const x = pcm[i] / 32768
      this.energy += x * x
      this.block[this.fill++] = x
      if (this.fill === BLOCK) {
        this.tone += toneAmplitude(this.block, this.freq)
        this.control += toneAmplitude(this.block, this.controlFreq)
        this.blocks++
        this.fill = 0
      }
    }
  }
  result (): Json {
    return { receivedSeconds: this.samples / SAMPLE_RATE, toneAmp: this.blocks === 0 ? 0 : this.tone / this.blocks, controlAmp: this.blocks === 0 ? 0 : this.control / this.blocks, rmsAmp: this.blocks === 0 ? 0 : Math.sqrt(2 * this.energy / (this.blocks * BLOCK)), firstAudioAt: this.firstAt, otherRateFrames: this.otherRate }
  }
}

/** A sine of `freq` at amplitude 0.5, `n` samples at a time, phase kept across calls. */
function sine (freq: number): (n: number) => Int16Array {
  let t = 0
  return n => {
    const out = new Int16Array(n)
    for (let i = 0; i < n; i++, t++) out[i] = Math.round(16383 * Math.sin(2 * Math.PI * freq * t / SAMPLE_RATE))
    return out
  }
}

/** Calls `tick(k)` for every period elapsed since the start, catching up after a late timer (no drift). */
function paced (periodMs: number, tick: () => void): () => void {
  const start = performance.now()
  let done = 0
  const timer = setInterval(() => {
    const due = Math.floor((performance.now() - start) / periodMs)
    while (done < due) { tick(); done++ }
  }, periodMs / 2)
  return () => { clearInterval(timer) }
}

interface PeerSide {
  pc: Loose
  /** Starts sending media once connected; returns the stopper. */
  startMedia: () => () => void
  received: () => Json
  close: () => Promise<void>
}

function wrtcSide (tone: number, control: number, video: boolean): PeerSide {
  const w = requireHere('@roamhq/wrtc')
  const pc = new w.RTCPeerConnection({ iceServers: [] })
  const source = new w.nonstandard.RTCAudioSource()
  const track = source.createTrack()
  pc.addTrack(track, new w.MediaStream([track]))
  const vsource = video ? new w.nonstandard.RTCVideoSource() : undefined
  const vtrack = vsource?.createTrack()
  if (vtrack != null) pc.addTrack(vtrack, new w.MediaStream([vtrack]))
  const meter = new ToneMeter(tone === 440 ? 660 : 440, control)
  const sinks: Loose[] = []
  let frames = 0
  pc.ontrack = (e: Loose) => {
    if (e.track.kind === 'audio') {
      const sink = new w.nonstandard.RTCAudioSink(e.track)
      sink.ondata = (d: Loose) => { meter.push(d.samples, d.channelCount ?? 1, d.sampleRate) }
      sinks.push(sink)
    } else {
      const sink = new w.nonstandard.RTCVideoSink(e.track)
      sink.onframe = () => { frames++ }
      sinks.push(sink)
    }
  }
  return {
    pc,
    startMedia: () => {
      const next = sine(tone)
      const stopAudio = paced(10, () => { source.onData({ samples: next(WRTC_FRAME), sampleRate: SAMPLE_RATE, bitsPerSample: 16, channelCount: 1, numberOfFrames: WRTC_FRAME }) })
      const i420 = new Uint8ClampedArray(VIDEO_WIDTH * VIDEO_HEIGHT * 3 / 2)
      let n = 0
      const stopVideo = vsource == null
        ? () => {}
        : paced(1000 / VIDEO_FPS, () => {
          i420.fill((n++ * 4) % 256, 0, VIDEO_WIDTH * VIDEO_HEIGHT)
          vsource.onFrame({ width: VIDEO_WIDTH, height: VIDEO_HEIGHT, data: i420 })
        })
      return () => { stopAudio(); stopVideo() }
    },
    received: () => ({ ...meter.result(), videoFrames: frames }),
    close: async () => {
      for (const s of sinks) s.stop()
      track.stop()
      vtrack?.stop()
      pc.close()
    }
  }
}

function weriftSide (tone: number, control: number): PeerSide {
  const werift = requireWerift('werift')
  const OpusScript = requireWerift('opusscript')
  const pc = new werift.RTCPeerConnection({ iceServers: [], codecs: { audio: [werift.useOPUS()], video: [] } })
  const track = new werift.MediaStreamTrack({ kind: 'audio' })
  pc.addTransceiver(track, { direction: 'sendrecv' })
  const encoder = new OpusScript(SAMPLE_RATE, 1, OpusScript.Application.VOIP)
  const decoder = new OpusScript(SAMPLE_RATE, 1, OpusScript.Application.VOIP)
  const meter = new ToneMeter(tone === 440 ? 660 : 440, control)
  pc.onTrack.subscribe((remote: Loose) => {
    remote.onReceiveRtp.subscribe((rtp: Loose) => {
      const pcm = decoder.decode(rtp.payload) as Buffer
      meter.push(new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength / 2), 1, SAMPLE_RATE)
    })
  })
  let codecMs = 0
  return {
    pc,
    startMedia: () => {
      const next = sine(tone)
      let seq = Math.floor(Math.random() * 65536)
      let ts = Math.floor(Math.random() * 2 ** 32)
      return paced(20, () => {
        const pcm = next(OPUS_FRAME)
        const t0 = performance.now()
        const packet = encoder.encode(Buffer.from(pcm.buffer), OPUS_FRAME) as Buffer
        codecMs += performance.now() - t0
        const header = new werift.RtpHeader({ payloadType: 111, sequenceNumber: seq, timestamp: ts, marker: false })
        seq = (seq + 1) & 0xffff
        ts = (ts + OPUS_FRAME) >>> 0
        track.writeRtp(new werift.RtpPacket(header, Buffer.from(packet)))
      })
    },
    received: () => ({ ...meter.result(), encodeMs: codecMs }),
    close: async () => {
      track.stop()
      await pc.close()
      encoder.delete()
      decoder.delete()
    }
  }
}

/** The standard signalling calls, with werift's events mapped onto wrtc's handler properties. */
function onCandidate (lib: Lib, pc: Loose, fn: (c: Json | null) => void): void {
  const out = (c: Loose): void => { fn(c == null ? null : { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex }) }
  if (lib === 'wrtc') pc.onicecandidate = (e: Loose) => { out(e.candidate) }
  else pc.onIceCandidate.subscribe(out)
}
function onConnected (lib: Lib, pc: Loose, fn: () => void): void {
  if (lib === 'wrtc') pc.onconnectionstatechange = () => { if (pc.connectionState === 'connected') fn() }
  else pc.connectionStateChange.subscribe((s: string) => { if (s === 'connected') fn() })
}

/** Child: one side of calls, driven by the parent over IPC ({cmd:'call'|'signal'|'end'}), reporting {ev:'signal'|'connected'|'done'}. */
async function child (): Promise<void> {
  const send = (m: Json): void => { process.send?.(m) }
  let side: PeerSide | undefined
  let lib: Lib = 'wrtc'
  let remoteSet = false
  let queued: Json[] = []
  let stopMedia: (() => void) | undefined
  let cpuAt = process.cpuUsage()
  let wallAt = performance.now()
  let peakRss = 0
  const rssTimer = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss) }, 250)
  process.on('message', (m: Loose) => {
    void (async () => {
      if (m.cmd === 'call') {
        lib = m.lib
        remoteSet = false
        queued = []
        side = lib === 'wrtc' ? wrtcSide(m.tone, 1000, m.video === true) : weriftSide(m.tone, 1000)
        const pc = side.pc
        onCandidate(lib, pc, c => { if (c != null && c.candidate !== '') send({ ev: 'signal', candidate: c }) })
        const t0 = Date.now()
        let connected = false
        onConnected(lib, pc, () => {
          if (connected) { send({ ev: 'note', message: 'connected twice' }); return }
          connected = true
          cpuAt = process.cpuUsage()
          wallAt = performance.now()
          peakRss = process.memoryUsage().rss
          stopMedia = side?.startMedia()
          send({ ev: 'connected', ms: Date.now() - t0, at: Date.now() })
        })
        if (m.role === 'offer') {
          const offer = await pc.createOffer()
          await pc.setLocalDescription(offer)
          send({ ev: 'signal', sdp: { type: 'offer', sdp: pc.localDescription.sdp }, at: t0 })
        }
      } else if (m.cmd === 'signal' && side != null) {
        const pc = side.pc
        if (m.sdp != null) {
          await pc.setRemoteDescription(m.sdp)
          remoteSet = true
          for (const c of queued) await pc.addIceCandidate(c)
          queued = []
          if (m.sdp.type === 'offer') {
            const answer = await pc.createAnswer()
            await pc.setLocalDescription(answer)
            send({ ev: 'signal', sdp: { type: 'answer', sdp: pc.localDescription.sdp } })
          }
        } else if (m.candidate != null) {
          if (remoteSet) await pc.addIceCandidate(m.candidate)
          else queued.push(m.candidate)
        }
      } else if (m.cmd === 'end' && side != null) {
        const cpu = process.cpuUsage(cpuAt)
        const wall = performance.now() - wallAt
        stopMedia?.()
        const received = side.received()
        await side.close()
        side = undefined
        send({ ev: 'done', cpuPct: (cpu.user + cpu.system) / 1000 / wall * 100, rssMiB: Math.max(peakRss, process.memoryUsage().rss) / 2 ** 20, ...received })
      } else if (m.cmd === 'exit') {
        clearInterval(rssTimer)
        // wrtc 0.10 crashes in its finalizers at environment teardown while a nonstandard source is alive: exit at once
        process.exit(0)
      }
    })().catch(err => { send({ ev: 'error', message: String(err?.stack ?? err) }) })
  })
}

/** Waits for the next message of `ev` from `proc`, rejecting on an 'error' report or after `ms`. */
async function next (proc: ChildProcess, ev: string, ms = 20_000): Promise<Json> {
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { cleanup(); reject(new Error(`no ${ev} in ${ms} ms`)) }, ms)
    const on = (m: Loose): void => {
      if (m.ev === 'error') { cleanup(); reject(new Error(m.message)) } else if (m.ev === ev) { cleanup(); resolve(m) }
    }
    const cleanup = (): void => { clearTimeout(timer); proc.off('message', on) }
    proc.on('message', on)
  })
}

function spawnSide (): ChildProcess {
  const proc = fork(process.argv[1], ['--child'], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  return proc
}

/** One call between two child processes: returns both sides' reports. */
async function call (lib: Lib, offerer: ChildProcess, answerer: ChildProcess, seconds: number, video: boolean): Promise<{ offer: Json, answer: Json, offerConnected: Json, answerConnected: Json }> {
  const relay = (from: ChildProcess, to: ChildProcess) => (m: Loose) => { if (m.ev === 'signal') to.send({ cmd: 'signal', sdp: m.sdp, candidate: m.candidate }) }
  const a = relay(offerer, answerer)
  const b = relay(answerer, offerer)
  offerer.on('message', a)
  answerer.on('message', b)
  try {
    answerer.send({ cmd: 'call', lib, role: 'answer', tone: 660, video })
    const oc = next(offerer, 'connected')
    const ac = next(answerer, 'connected')
    offerer.send({ cmd: 'call', lib, role: 'offer', tone: 440, video })
    const [offerConnected, answerConnected] = await Promise.all([oc, ac])
    if (seconds > 0) await new Promise(resolve => setTimeout(resolve, seconds * 1000))
    const od = next(offerer, 'done')
    const ad = next(answerer, 'done')
    offerer.send({ cmd: 'end' })
    answerer.send({ cmd: 'end' })
    const [offer, answer] = await Promise.all([od, ad])
    return { offer, answer, offerConnected, answerConnected }
  } finally {
    offerer.off('message', a)
    answerer.off('message', b)
  }
}

const median = (xs: number[]): number => { const s = [...xs].sort((x, y) => x - y); return s[Math.floor(s.length / 2)] }
const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d

function figure (name: string, value: unknown, extra: Json = {}): void {
  console.log(JSON.stringify({ name, value, ...extra }))
}

async function measureLib (lib: Lib, seconds: number, setups: number): Promise<void> {
  const offerer = spawnSide()
  const answerer = spawnSide()
  try {
    const times: number[] = []
    for (let i = 0; i < setups; i++) {
      const r = await call(lib, offerer, answerer, 0, false)
      times.push(r.offerConnected.ms as number)
    }
    figure(`${lib}.setup.cold`, times[0], { unit: 'ms', note: 'first call in a fresh process: offer → connected (DTLS done)' })
    figure(`${lib}.setup.p50`, median(times.slice(1)), { unit: 'ms', samples: times.slice(1) })
    const audio = await call(lib, offerer, answerer, seconds, false)
    for (const [who, r, c] of [['offer', audio.offer, audio.offerConnected], ['answer', audio.answer, audio.answerConnected]] as const) {
      figure(`${lib}.audio.${who}`, { cpuPct: round(r.cpuPct as number), rssMiB: round(r.rssMiB as number), receivedSeconds: round(r.receivedSeconds as number, 2), toneAmp: round(r.toneAmp as number, 3), rmsAmp: round(r.rmsAmp as number, 3), controlAmp: round(r.controlAmp as number, 4), firstAudioMs: r.firstAudioAt == null ? null : (r.firstAudioAt as number) - (c.at as number), encodeMs: r.encodeMs })
    }
    if (lib === 'wrtc') {
      const av = await call(lib, offerer, answerer, seconds, true)
      for (const [who, r] of [['offer', av.offer], ['answer', av.answer]] as const) {
        figure(`${lib}.av.${who}`, { cpuPct: round(r.cpuPct as number), rssMiB: round(r.rssMiB as number), videoFrames: r.videoFrames, receivedSeconds: round(r.receivedSeconds as number, 2) })
      }
    }
  } finally {
    for (const p of [offerer, answerer]) {
      p.send({ cmd: 'exit' })
    }
    await Promise.all([once(offerer, 'exit'), once(answerer, 'exit')])
  }
}

/** Opus encode and decode cost in JavaScript (opusscript, libopus in WebAssembly): what werift would need per call. */
function opusCost (): void {
  const OpusScript = requireWerift('opusscript')
  const enc = new OpusScript(SAMPLE_RATE, 1, OpusScript.Application.VOIP)
  const dec = new OpusScript(SAMPLE_RATE, 1, OpusScript.Application.VOIP)
  const next = sine(440)
  const frames = 1500 // 30 s of 20 ms frames
  let encMs = 0
  let decMs = 0
  for (let i = 0; i < frames; i++) {
    const pcm = next(OPUS_FRAME)
    let t = performance.now()
    const pkt = enc.encode(Buffer.from(pcm.buffer), OPUS_FRAME)
    encMs += performance.now() - t
    t = performance.now()
    dec.decode(pkt)
    decMs += performance.now() - t
  }
  enc.delete()
  dec.delete()
  figure('opusscript.encode', round(encMs / frames * 1000, 0), { unit: 'µs per 20 ms frame', pctOfCore: round(encMs / (frames * 20) * 100, 2) })
  figure('opusscript.decode', round(decMs / frames * 1000, 0), { unit: 'µs per 20 ms frame', pctOfCore: round(decMs / (frames * 20) * 100, 2) })
}

/** A Node side (child) calls a Chromium tab: audio both ways, measured on both ends (Node by tone, Chromium by getStats). */
async function chromiumInterop (lib: Lib, seconds: number): Promise<void> {
  const { chromium } = requireHere('playwright-core')
  const browser = await chromium.launch({ executablePath: process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required'] })
  const node = spawnSide()
  try {
    const page = await browser.newPage()
    await page.exposeFunction('toNode', (m: Json) => { node.send({ cmd: 'signal', ...m }) })
    await page.evaluate(() => {
      const w = window as Loose
      const pc = new RTCPeerConnection({ iceServers: [] })
      w.pc = pc
      const ctx = new AudioContext({ sampleRate: 48000 })
      const osc = ctx.createOscillator()
      osc.frequency.value = 660
      const dest = ctx.createMediaStreamDestination()
      osc.connect(dest)
      osc.start()
      for (const t of dest.stream.getTracks()) pc.addTrack(t, dest.stream)
      pc.onicecandidate = e => { if (e.candidate != null) void w.toNode({ candidate: e.candidate.toJSON() }) }
      pc.ontrack = e => {
        // Chromium feeds remote WebRTC audio to Web Audio only while a media element plays the stream
        const stream = e.streams[0] ?? new MediaStream([e.track])
        const el = new Audio()
        el.muted = true
        el.srcObject = stream
        void el.play()
        const analyser = ctx.createAnalyser()
        analyser.fftSize = 8192
        ctx.createMediaStreamSource(stream).connect(analyser)
        w.analyser = analyser
      }
      let queued: Loose[] | undefined = []
      w.fromNode = async (m: Loose) => {
        if (m.sdp != null) {
          await pc.setRemoteDescription(m.sdp)
          const answer = await pc.createAnswer()
          await pc.setLocalDescription(answer)
          void w.toNode({ sdp: { type: 'answer', sdp: pc.localDescription?.sdp } })
          for (const c of queued ?? []) await pc.addIceCandidate(c)
          queued = undefined
        } else if (m.candidate != null) {
          if (queued != null) queued.push(m.candidate)
          else await pc.addIceCandidate(m.candidate)
        }
      }
    })
    const relay = (m: Loose): void => { if (m.ev === 'signal') void page.evaluate((x: Json) => (window as Loose).fromNode(x), { sdp: m.sdp, candidate: m.candidate }) }
    node.on('message', relay)
    const connected = next(node, 'connected')
    node.send({ cmd: 'call', lib, role: 'offer', tone: 440, video: false })
    const c = await connected
    await new Promise(resolve => setTimeout(resolve, seconds * 1000))
    const stats = await page.evaluate(async () => {
      const report = await (window as Loose).pc.getStats()
      const out: Json = {}
      report.forEach((s: Loose) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') Object.assign(out, { packetsReceived: s.packetsReceived, totalAudioEnergy: s.totalAudioEnergy, totalSamplesDuration: s.totalSamplesDuration, concealedSamples: s.concealedSamples, totalSamplesReceived: s.totalSamplesReceived })
        if (s.type === 'codec' && s.mimeType != null) out[`codec:${s.mimeType}`] = true
      })
      // the loudest frequency Chromium hears from Node (Web Audio analyser, bins of 48000/8192 ≈ 5.9 Hz)
      const analyser = (window as Loose).analyser
      if (analyser != null) {
        const bins = new Float32Array(analyser.frequencyBinCount)
        analyser.getFloatFrequencyData(bins)
        let best = 0
        for (let i = 1; i < bins.length; i++) if (bins[i] > bins[best]) best = i
        out.peakHz = Math.round(best * 48000 / analyser.fftSize)
        out.peakDb = Math.round(bins[best])
      }
      return out
    })
    const done = next(node, 'done')
    node.send({ cmd: 'end' })
    const r = await done
    node.off('message', relay)
    figure(`${lib}.chromium`, { setupMs: c.ms, nodeReceivedSeconds: round(r.receivedSeconds as number, 2), nodeToneAmp660: round(r.toneAmp as number, 3), nodeControlAmp: round(r.controlAmp as number, 4), chromium: stats })
  } finally {
    node.send({ cmd: 'exit' })
    await once(node, 'exit')
    await browser.close()
  }
}

async function main (): Promise<void> {
  const arg = (name: string): string | undefined => { const i = process.argv.indexOf(name); return i < 0 ? undefined : process.argv[i + 1] }
  const libs = (arg('--libs') ?? 'wrtc,werift').split(',') as Lib[]
  const seconds = Number(arg('--seconds') ?? 30)
  const setups = Number(arg('--setups') ?? 10)
  if (!process.argv.includes('--only-chromium')) {
    for (const lib of libs) await measureLib(lib, seconds, setups)
    if (libs.includes('werift')) opusCost()
  }
  if (!process.argv.includes('--no-chromium')) {
    for (const lib of libs) await chromiumInterop(lib, 5)
  }
}

if (process.argv.includes('--child')) await child()
else await main()
