/**
 * msg.mixed: traffic between 6 registered Node devices (TCP), each in its own process (bench/mixed-device.ts),
 * and 3 relay processes; 600 texts between random pairs (seeded), sent at a steady pace with first contacts
 * included (lookup, prekey fetch, session set-up), no faults. Latency = from the `send()` call at the sender
 * to the `message` event at the recipient. Knows nothing of how the messaging layer works inside.
 */
import { join } from 'node:path'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { startRelayProcess, type RelayProcess } from '../scripts/relay-process.js'
import { percentile, median, type Suite } from './harness.js'
import { deposits, freePort, next, smsCodes } from './messaging.js'

/** Relay processes: every device uses all of them as bootstrap and mailbox relays (as in the chaos run's default of 3). */
const RELAYS = Number(process.env.BENCH_MIXED_RELAYS ?? 3)
const DEVICES = 6
const TEXTS = 600
/** Texts per second over all devices (~1.7 per device and second): the whole run is sent in TEXTS / RATE = 60 s. */
const RATE = 10
/** The traffic plan's seed: the same pairs in the same order every run. */
const SEED = 0x5eed_0600
/** How long after the last send every text must have arrived. */
const DRAIN_MS = 120_000
const TEXT = 'See you at the station at 7, I will be by the ticket machines near the north entrance.'
const PHONE = (i: number): string => `+1555060${String(i).padStart(4, '0')}`
const DEVICE_SCRIPT = fileURLToPath(new URL('./mixed-device.js', import.meta.url))

const sleep = async (ms: number): Promise<void> => { if (ms > 0) await new Promise(resolve => setTimeout(resolve, ms)) }

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Planned { i: number, from: number, to: number, at: number, first: boolean }

/** TEXTS texts, one every 1000 / RATE ms, each between a random ordered pair; `first` marks a pair's first text. */
export function trafficPlan (seed = SEED): Planned[] {
  const random = prng(seed)
  const seen = new Set<string>()
  const out: Planned[] = []
  for (let i = 0; i < TEXTS; i++) {
    const from = Math.floor(random() * DEVICES)
    const to = (from + 1 + Math.floor(random() * (DEVICES - 1))) % DEVICES
    const pair = `${from}>${to}`
    out.push({ i, from, to, at: i * 1000 / RATE, first: !seen.has(pair) })
    seen.add(pair)
  }
  return out
}

type DeviceEvent = { ev: string, i?: number, at?: number, text?: string, path?: 'direct' | 'mailbox', message?: string }

/** A device process: commands in, events out (bench/mixed-device.ts). */
class DeviceProcess {
  private readonly listeners = new Set<(e: DeviceEvent) => void>()
  private constructor (readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', line => {
      let e: DeviceEvent
      try { e = JSON.parse(line) as DeviceEvent } catch { return }
      for (const l of this.listeners) l(e)
    })
  }

  static async start (dataDir: string, bootstrap: string[]): Promise<DeviceProcess> {
    const d = new DeviceProcess(spawn(process.execPath, [DEVICE_SCRIPT, '--data', dataDir, '--bootstrap', ...bootstrap], { stdio: ['pipe', 'pipe', 'inherit'] }))
    await d.next('ready', 30_000)
    return d
  }

  on (listener: (e: DeviceEvent) => void): void { this.listeners.add(listener) }

  command (c: Record<string, unknown>): void { this.child.stdin!.write(JSON.stringify(c) + '\n') }

  async next (ev: string, ms: number): Promise<DeviceEvent> {
    return await next<DeviceEvent>(push => {
      const l = (e: DeviceEvent): void => {
        if (e.ev === ev) push(e)
        else if (e.ev === 'failed') push(e)
      }
      this.listeners.add(l)
      return () => this.listeners.delete(l)
    }, ms, `device ${ev}`).then(e => { if (e.ev === 'failed') throw new Error(`device: ${e.message ?? ''}`); return e })
  }

  async stop (): Promise<void> {
    if (this.child.exitCode != null || this.child.signalCode != null) return
    const exited = new Promise<void>(resolve => this.child.once('exit', () => resolve()))
    this.command({ cmd: 'stop' })
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000)
    await exited
    clearTimeout(timer)
  }
}

export const suite: Suite = {
  prefix: 'msg.mixed.',
  names: ['msg.mixed.p50', 'msg.mixed.p99', 'msg.mixed.direct', 'msg.mixed.mailbox'],
  async run (report, filter) {
    if (!this.names.some(filter)) return
    const debug = process.env.BENCH_DEBUG != null && process.env.BENCH_DEBUG !== ''
    const dir = await mkdtemp(join(tmpdir(), 'parley-bench-mixed-'))
    const sms = smsCodes()
    const relays: RelayProcess[] = []
    const devices: DeviceProcess[] = []
    try {
      for (let r = 0; r < RELAYS; r++) {
        relays.push(await startRelayProcess({
          dataDir: join(dir, `relay${r}`),
          listen: ['/ip4/127.0.0.1/tcp/0'],
          args: ['--verifier', '--sms-gateway', 'log', '--inbound-per-host', '1000', '--metrics-port', String(await freePort()),
            ...(r > 0 ? ['--bootstrap', ...relays.map(x => x.addr('tcp'))] : [])],
          onEvent: sms.onEvent
        }))
      }
      const metrics = relays.map(r => r.listening.metrics as string)
      const allDeposits = async (): Promise<number> => (await Promise.all(metrics.map(deposits))).reduce((a, b) => a + b, 0)

      const sentAt = new Map<number, number>()
      const arrivals = new Map<number, { at: number, path: 'direct' | 'mailbox' }>()
      const failures: string[] = []
      let duplicates = 0
      let allArrived: (() => void) | undefined
      for (let d = 0; d < DEVICES; d++) {
        const device = await DeviceProcess.start(join(dir, `device${d}`), relays.map(r => r.addr('tcp')))
        devices.push(device)
        device.command({ cmd: 'register', phone: PHONE(d) })
        await device.next('code-requested', 60_000)
        device.command({ cmd: 'verify', code: await sms.code(PHONE(d)) })
        await device.next('registered', 60_000)
        device.on(e => {
          if (e.ev === 'sent') sentAt.set(e.i!, e.at!)
          else if (e.ev === 'send-error') failures.push(`#${e.i!}: ${e.message ?? ''}`)
          else if (e.ev === 'message') {
            const i = Number(/#(\d+)$/.exec(e.text ?? '')?.[1])
            if (!Number.isInteger(i)) return
            if (arrivals.has(i)) { duplicates++; return }
            arrivals.set(i, { at: e.at!, path: e.path ?? 'direct' })
            if (arrivals.size === TEXTS) allArrived?.()
          }
        })
      }
      const depositsBefore = await allDeposits()

      const plan = trafficPlan()
      const done = new Promise<void>(resolve => { allArrived = resolve })
      const t0 = performance.now()
      for (const t of plan) {
        await sleep(t0 + t.at - performance.now())
        devices[t.from].command({ cmd: 'send', i: t.i, to: PHONE(t.to), text: `${TEXT} #${t.i}` })
      }
      let timer: ReturnType<typeof setTimeout> | undefined
      await Promise.race([done, new Promise<void>(resolve => { timer = setTimeout(resolve, DRAIN_MS) })])
      clearTimeout(timer)
      const viaRelay = (await allDeposits()) - depositsBefore
      if (failures.length > 0) throw new Error(`msg.mixed: ${failures.length} sends failed: ${failures.slice(0, 5).join('; ')}`)
      if (arrivals.size < TEXTS) throw new Error(`msg.mixed: ${TEXTS - arrivals.size} of ${TEXTS} texts did not arrive within ${DRAIN_MS} ms of the last send`)

      const all = plan.map(t => ({ ...t, ms: arrivals.get(t.i)!.at - sentAt.get(t.i)!, path: arrivals.get(t.i)!.path }))
      const ms = all.map(a => a.ms)
      const direct = all.filter(a => a.path === 'direct').length
      const mailbox = all.length - direct
      if (filter('msg.mixed.p50')) report({ name: 'msg.mixed.p50', value: median(ms), unit: 'ms' })
      if (filter('msg.mixed.p99')) report({ name: 'msg.mixed.p99', value: percentile(ms, 99), unit: 'ms' })
      if (filter('msg.mixed.direct')) report({ name: 'msg.mixed.direct', value: direct, unit: 'texts' })
      if (filter('msg.mixed.mailbox')) report({ name: 'msg.mixed.mailbox', value: mailbox, unit: 'texts' })
      const firsts = all.filter(a => a.first).map(a => a.ms)
      const rest = all.filter(a => !a.first).map(a => a.ms)
      process.stderr.write(`  msg.mixed: ${RELAYS} relays, ${DEVICES} device processes, ${TEXTS} texts at ${RATE}/s; first contacts ${firsts.length} (median ${median(firsts).toFixed(0)} ms, max ${Math.max(...firsts).toFixed(0)} ms), ` +
        `others p99 ${percentile(rest, 99).toFixed(0)} ms; max ${Math.max(...ms).toFixed(0)} ms; ${direct} direct, ${mailbox} via mailbox; ${viaRelay} deposits at relays (every envelope and copy); ${duplicates} duplicate events\n`)
      if (debug) {
        for (const a of [...all].sort((x, y) => y.ms - x.ms).slice(0, 15)) {
          process.stderr.write(`    #${a.i} at ${(a.at / 1000).toFixed(1)} s ${a.from}→${a.to}${a.first ? ' first' : ''} ${a.path} ${a.ms.toFixed(0)} ms\n`)
        }
      }
    } finally {
      await Promise.all(devices.map(async d => { await d.stop().catch(() => {}) }))
      for (const r of relays) await r.stop().catch(() => {})
      await rm(dir, { recursive: true, force: true })
    }
  }
}
