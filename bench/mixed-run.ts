/**
 * The msg.mixed run (bench/mixed.ts starts it as a child process with a thread pool per device): 6 registered
 * Node devices (TCP) in this process and 3 relay processes; 600 texts between random pairs (seeded), sent at a
 * steady pace with first contacts included (lookup, prekey fetch, session set-up), no faults. Latency = from
 * the `send()` call to the recipient's `message` event. Prints each figure as a JSON line on stdout, notes on
 * stderr. Knows nothing of how the messaging layer works inside beyond which receive path handed an envelope
 * over (to count direct vs mailbox).
 */
import { join } from 'node:path'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { AsyncLocalStorage } from 'node:async_hooks'
import { startRelayProcess, type RelayProcess } from '../scripts/relay-process.js'
import { Parley, createNodeNode, createDepositNodeNode, type ReceivedMessage } from '../src/index.js'
import { DirectoryHashCache } from '../src/directory/index.js'
import { percentile, median, type Figure } from './harness.js'
import { deposits, freePort, smsCodes } from './messaging.js'

/** Relay processes: every device uses all of them as bootstrap and mailbox relays (as in the chaos run's default of 3). */
const RELAYS = Number(process.env.BENCH_MIXED_RELAYS ?? 3)
export const DEVICES = 6
const TEXTS = 600
/** Texts per second over all devices (~1.7 per device and second): the whole run is sent in TEXTS / RATE = 60 s. */
const RATE = 10
/** The traffic plan's seed: the same pairs in the same order every run. */
const SEED = 0x5eed_0600
/** How long after the last send every text must have arrived. */
const DRAIN_MS = 120_000
const TEXT = 'See you at the station at 7, I will be by the ticket machines near the north entrance.'
const PHONE = (i: number): string => `+1555060${String(i).padStart(4, '0')}`

const now = (): number => performance.now()
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

interface Arrival { ms: number, path: 'direct' | 'mailbox' }

async function run (report: (f: Figure) => void): Promise<void> {
  const debug = process.env.BENCH_DEBUG != null && process.env.BENCH_DEBUG !== ''
  const dir = await mkdtemp(join(tmpdir(), 'parley-bench-mixed-'))
  const sms = smsCodes()
  const relays: RelayProcess[] = []
  const devices: Parley[] = []
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

    // which receive path handed an envelope over: the dm server's window or a mailbox session
    const path = new AsyncLocalStorage<'direct' | 'mailbox'>()
    const arrivals = new Map<number, Arrival>()
    const sentAt = new Map<number, number>()
    let duplicates = 0
    let allArrived: (() => void) | undefined
    for (let d = 0; d < DEVICES; d++) {
      const device = await Parley.create({
        dataDir: join(dir, `device${d}`),
        bootstrap: relays.map(r => r.addr('tcp')),
        listen: ['/ip4/127.0.0.1/tcp/0'],
        createNode: createNodeNode,
        createDepositNode: createDepositNodeNode,
        // each device hashes the numbers it looks up itself, as in its own process (the default cache is process-wide)
        directoryHashes: new DirectoryHashCache()
      })
      devices.push(device)
      await device.register(PHONE(d))
      await device.verify(await sms.code(PHONE(d)))
      const receiveBatch = device.messenger.receiveBatch.bind(device.messenger)
      device.messenger.receiveBatch = async (envelopes, options) => await path.run(options?.syncGroup != null ? 'mailbox' : 'direct', async () => await receiveBatch(envelopes, options))
      device.on('message', (m: ReceivedMessage) => {
        const i = Number(/#(\d+)$/.exec(m.text)?.[1])
        const start = sentAt.get(i)
        if (start == null) return
        if (arrivals.has(i)) { duplicates++; return }
        arrivals.set(i, { ms: now() - start, path: path.getStore() ?? 'direct' })
        if (arrivals.size === TEXTS) allArrived?.()
      })
    }
    const depositsBefore = await allDeposits()

    const plan = trafficPlan()
    const failures: string[] = []
    const done = new Promise<void>(resolve => { allArrived = resolve })
    const t0 = now()
    for (const t of plan) {
      await sleep(t0 + t.at - now())
      sentAt.set(t.i, now())
      devices[t.from].send(PHONE(t.to), `${TEXT} #${t.i}`).catch(err => { failures.push(`#${t.i}: ${(err as Error).message}`) })
    }
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([done, new Promise<void>(resolve => { timer = setTimeout(resolve, DRAIN_MS) })])
    clearTimeout(timer)
    const viaRelay = (await allDeposits()) - depositsBefore
    if (failures.length > 0) throw new Error(`msg.mixed: ${failures.length} sends failed: ${failures.slice(0, 5).join('; ')}`)
    if (arrivals.size < TEXTS) throw new Error(`msg.mixed: ${TEXTS - arrivals.size} of ${TEXTS} texts did not arrive within ${DRAIN_MS} ms of the last send`)

    const all = plan.map(t => ({ ...t, ...arrivals.get(t.i)! }))
    const ms = all.map(a => a.ms)
    const direct = all.filter(a => a.path === 'direct').length
    const mailbox = all.length - direct
    report({ name: 'msg.mixed.p50', value: median(ms), unit: 'ms' })
    report({ name: 'msg.mixed.p99', value: percentile(ms, 99), unit: 'ms' })
    report({ name: 'msg.mixed.direct', value: direct, unit: 'texts' })
    report({ name: 'msg.mixed.mailbox', value: mailbox, unit: 'texts' })
    const firsts = all.filter(a => a.first).map(a => a.ms)
    const rest = all.filter(a => !a.first).map(a => a.ms)
    process.stderr.write(`  msg.mixed: ${RELAYS} relays, ${DEVICES} devices, ${TEXTS} texts at ${RATE}/s; first contacts ${firsts.length} (median ${median(firsts).toFixed(0)} ms, max ${Math.max(...firsts).toFixed(0)} ms), ` +
      `others p99 ${percentile(rest, 99).toFixed(0)} ms, max ${Math.max(...ms).toFixed(0)} ms; ${direct} direct, ${mailbox} via mailbox; ${viaRelay} deposits at relays (all envelopes, every copy); ${duplicates} duplicate events\n`)
    if (debug) {
      for (const a of [...all].sort((x, y) => y.ms - x.ms).slice(0, 15)) {
        process.stderr.write(`    #${a.i} at ${(a.at / 1000).toFixed(1)} s ${a.from}→${a.to}${a.first ? ' first' : ''} ${a.path} ${a.ms.toFixed(0)} ms\n`)
      }
    }
  } finally {
    for (const d of devices) await d.stop().catch(() => {})
    for (const r of relays) await r.stop().catch(() => {})
    await rm(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] != null && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  run(f => { process.stdout.write(JSON.stringify(f) + '\n') }).then(() => process.exit(0), err => {
    process.stderr.write(`msg.mixed: ${(err as Error).stack ?? String(err)}\n`)
    process.exit(1)
  })
}
