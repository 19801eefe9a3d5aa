/**
 * The chaos run: relay processes and device processes (scripts/chaos/device.ts) exchange texts while a seeded
 * schedule SIGKILLs them and starts them again on the same data folders; then everyone is brought up and the
 * run waits (bounded, driven by the devices' events) until every acknowledged text is delivered and every
 * receipt is back; then the devices stop, their stores are read and the invariants checked (check.ts).
 * Used by `npm run chaos` (run.ts) and test/chaos/chaos.test.ts. Docs: docs/chaos.md.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, existsSync, type WriteStream } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { PROJECT_ROOT } from '../paths.js'
import { startRelayProcess, type RelayProcess } from '../relay-process.js'
import { smsInbox } from '../../test/helpers/sms.js'
import { Prng, randomSeed } from './prng.js'
import { checkRun, type CheckResult, type DeviceRecord, type KillRecord, type TextRecord } from './check.js'
import { textFor, tidOf, type DriverCommand, type DriverEvent, type StoreDump } from './protocol.js'

export const DEVICE_SCRIPT = join(PROJECT_ROOT, 'dist', 'scripts', 'chaos', 'device.js')

export interface ChaosOptions {
  /** replays a run: the same seed gives the same traffic plan and kill schedule @default random */
  seed?: number
  relays: number
  devices: number
  texts: number
  /** length of the chaos phase: texts are spread over it and kills happen during it */
  seconds: number
  /** pause between two kills, seconds (uniform) @default [2, 7] */
  killEvery?: [number, number]
  /** how long a killed process stays down before it is started again, seconds (uniform) @default [0.5, 4] */
  downFor?: [number, number]
  /** chance that a kill picks a relay rather than a device @default relays / (relays + devices) */
  relayShare?: number
  /**
   * share of device kills aimed at a send in flight (the victim is given a text to send and killed 0–12 ms
   * later), so the few milliseconds inside send() are hit far more often than by chance @default 0.5
   */
  aimAtSends?: number
  /** most relays down at once @default relays - 1 */
  maxRelaysDown?: number
  /** most devices down at once @default ceil(devices / 2) */
  maxDevicesDown?: number
  /** bound on the quiescence phase (everyone up, waiting for deliveries and receipts), seconds @default 120 */
  quiesceSeconds?: number
  /** folder for data and logs @default a new folder under the OS temp dir */
  workDir?: string
  /** keep the work folder even when every invariant holds @default false (it is always kept on a violation) */
  keep?: boolean
  /** progress lines @default none */
  log?: (line: string) => void
}

export interface ChaosSummary extends CheckResult {
  ok: boolean
  seed: number
  params: Required<Omit<ChaosOptions, 'seed' | 'workDir' | 'keep' | 'log'>>
  kills: { relays: number, devices: number }
  restarts: { relays: number, devices: number, failed: number }
  /** device processes that exited by themselves (each is also a violation) */
  crashes: Array<{ name: string, lifetime: number, code: number | null, signal: string | null }>
  /** texts not sent because no device was up at their time */
  skipped: number
  quiescence: { reached: boolean, ms: number, waitingFor?: { undelivered: number, receipts: number } }
  durationMs: number
  /** where data and logs are (kept) */
  workDir?: string
  replay: string
}

const DEVICE_START_MS = 60_000
const REGISTER_STEP_MS = 45_000
const STOP_MS = 20_000
const RELAY_RESTART_TRIES = 5
/** An aimed kill comes this long after the send command at most: send() takes a few ms on an idle device, tens under load */
const AIM_WINDOW_MS = 12

const sleep = async (ms: number): Promise<void> => await new Promise(resolve => setTimeout(resolve, Math.max(0, ms)))

/** A free TCP port on 127.0.0.1 below the kernel's ephemeral range (32768+), so no outgoing connection takes a dead relay's port. */
async function freePort (taken: Set<number>): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000)
    if (taken.has(port)) continue
    const ok = await new Promise<boolean>(resolve => {
      const server = createServer()
      server.once('error', () => resolve(false))
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
    })
    if (ok) { taken.add(port); return port }
  }
  throw new Error('no free port found')
}

interface RelaySlot {
  name: string
  dataDir: string
  port: number
  sms: ReturnType<typeof smsInbox>
  proc?: RelayProcess
  state: 'up' | 'down' | 'starting'
  log: WriteStream
}

interface DeviceSlot {
  name: string
  phone: string
  dataDir: string
  child?: ChildProcess
  state: 'up' | 'down' | 'starting'
  lifetime: number
  events: DriverEvent[]
  listeners: Set<(e: DriverEvent) => void>
  log: WriteStream
  stderr: WriteStream
}

interface PlannedText { at: number, senderOrder: number[], recipientPick: number, pad: string }
/** `aim`: a device kill aimed at a send in flight: the victim is told to send a text (to `aimTo`) and killed `aimDelayMs` later */
interface PlannedKill { at: number, relay: boolean, pick: number, downMs: number, aim: boolean, aimTo: number, aimDelayMs: number }

/** The whole run's plan from the seed: nothing of it depends on timing. */
function plan (prng: Prng, o: Required<Omit<ChaosOptions, 'seed' | 'workDir' | 'keep' | 'log'>>): { texts: PlannedText[], kills: PlannedKill[] } {
  const ms = o.seconds * 1000
  const texts: PlannedText[] = []
  for (let i = 0; i < o.texts; i++) {
    texts.push({ at: prng.next() * ms, senderOrder: prng.permutation(o.devices), recipientPick: prng.next(), pad: 'x'.repeat(prng.int(40)) })
  }
  texts.sort((a, b) => a.at - b.at)
  const kills: PlannedKill[] = []
  for (let at = prng.between(o.killEvery[0], o.killEvery[1]) * 1000; at < ms; at += prng.between(o.killEvery[0], o.killEvery[1]) * 1000) {
    kills.push({
      at, relay: prng.next() < o.relayShare, pick: prng.next(), downMs: prng.between(o.downFor[0], o.downFor[1]) * 1000,
      aim: prng.next() < o.aimAtSends, aimTo: prng.next(), aimDelayMs: prng.between(0, AIM_WINDOW_MS)
    })
  }
  return { texts, kills }
}

export async function runChaos (options: ChaosOptions): Promise<ChaosSummary> {
  if (!existsSync(DEVICE_SCRIPT)) throw new Error(`${DEVICE_SCRIPT} is missing: build first (npx tsc -p tsconfig.json)`)
  const seed = options.seed ?? randomSeed()
  const params = {
    relays: options.relays,
    devices: options.devices,
    texts: options.texts,
    seconds: options.seconds,
    killEvery: options.killEvery ?? [2, 7],
    downFor: options.downFor ?? [0.5, 4],
    relayShare: options.relayShare ?? options.relays / (options.relays + options.devices),
    aimAtSends: options.aimAtSends ?? 0.5,
    maxRelaysDown: options.maxRelaysDown ?? options.relays - 1,
    maxDevicesDown: options.maxDevicesDown ?? Math.ceil(options.devices / 2),
    quiesceSeconds: options.quiesceSeconds ?? 120
  } satisfies ChaosSummary['params']
  if (params.relays < 1 || params.devices < 2) throw new Error('a chaos run needs at least 1 relay and 2 devices')
  const log = options.log ?? (() => {})
  // the main sizes always, the rest only when given (a default derived from the sizes comes back by itself)
  const flags: Array<[string, unknown]> = [
    ['--kill-every', options.killEvery?.join(',')], ['--down-for', options.downFor?.join(',')], ['--relay-share', options.relayShare],
    ['--aim', options.aimAtSends], ['--max-relays-down', options.maxRelaysDown], ['--max-devices-down', options.maxDevicesDown]
  ]
  const replay = `CHAOS_SEED=${seed} npm run chaos -- --relays ${params.relays} --devices ${params.devices} --texts ${params.texts} --seconds ${params.seconds}` +
    flags.filter(([, v]) => v != null).map(([f, v]) => ` ${f} ${String(v)}`).join('') + ` --quiesce ${params.quiesceSeconds}`
  log(`chaos: seed ${seed} (replay: ${replay})`)
  const started = Date.now()
  const prng = new Prng(seed)
  const thePlan = plan(prng, params)

  const workDir = options.workDir ?? await mkdtemp(join(tmpdir(), 'parley-chaos-'))
  await mkdir(join(workDir, 'logs'), { recursive: true })
  const timeline = createWriteStream(join(workDir, 'logs', 'timeline.jsonl'))
  const mark = (what: Record<string, unknown>): void => { timeline.write(JSON.stringify({ at: Date.now(), ...what }) + '\n') }
  mark({ event: 'start', seed, params })

  const ports = new Set<number>()
  const relays: RelaySlot[] = []
  const devices: DeviceSlot[] = []
  const texts: TextRecord[] = []
  const byTid = new Map<string, TextRecord>()
  const kills: KillRecord[] = []
  const restarts = { relays: 0, devices: 0, failed: 0 }
  /** device processes that exited without being killed or stopped by the harness */
  const crashes: ChaosSummary['crashes'] = []
  /** processes the harness killed or stopped itself */
  const expected = new WeakSet<ChildProcess>()
  const pendingRestarts = new Set<Promise<void>>()
  let skipped = 0
  let finished = false

  // quiescence bookkeeping, kept up to date from the events
  const deliveredTid = new Map<string, string>()
  const receiptIds = new Set<string>()
  let onProgress: (() => void) | undefined

  const relayAddr = (r: RelaySlot): string => `/ip4/127.0.0.1/tcp/${r.port}/p2p/${r.proc?.peerId ?? ''}`

  const startRelay = async (r: RelaySlot): Promise<void> => {
    r.state = 'starting'
    const others = relays.filter(o => o !== r && o.proc != null).map(relayAddr)
    let last: unknown
    for (let i = 0; i < RELAY_RESTART_TRIES; i++) {
      try {
        r.proc = await startRelayProcess({
          dataDir: r.dataDir,
          listen: [`/ip4/127.0.0.1/tcp/${r.port}`],
          args: ['--verifier', '--sms-gateway', 'log', '--inbound-per-host', '1000', ...(others.length > 0 ? ['--bootstrap', ...others] : [])],
          onEvent: r.sms.onEvent,
          onLog: line => r.log.write(line + '\n')
        })
        r.state = 'up'
        mark({ event: 'up', kind: 'relay', name: r.name })
        return
      } catch (err) {
        last = err
        r.log.write(`chaos: start failed: ${(err as Error).message}\n`)
        await sleep(500)
      }
    }
    r.state = 'down'
    throw last
  }

  const dispatch = (d: DeviceSlot, e: DriverEvent): void => {
    d.events.push(e)
    switch (e.ev) {
      case 'send-start': {
        const t = byTid.get(e.tid)
        if (t != null) t.startAt = e.at
        break
      }
      case 'ack': {
        const t = byTid.get(e.tid)
        if (t != null) { t.ackAt = e.at; t.id = e.id }
        break
      }
      case 'send-error': {
        const t = byTid.get(e.tid)
        if (t != null) t.error = { name: e.name, message: e.message }
        break
      }
      case 'message': {
        const tid = tidOf(e.text)
        if (tid != null && !deliveredTid.has(tid)) deliveredTid.set(tid, e.id)
        break
      }
      case 'status':
        if (e.status === 'delivered' || e.status === 'read') receiptIds.add(e.id)
        break
    }
    for (const l of [...d.listeners]) l(e)
    if (e.ev === 'ack' || e.ev === 'message' || e.ev === 'status') onProgress?.()
  }

  /** Resolves with the first event `accept` takes, or rejects on timeout or when the process exits. */
  const nextEvent = async (d: DeviceSlot, accept: (e: DriverEvent) => boolean, timeout: number, what: string): Promise<DriverEvent> => {
    const child = d.child
    return await new Promise<DriverEvent>((resolve, reject) => {
      const done = (): void => { clearTimeout(timer); d.listeners.delete(listener); child?.off('exit', onExit) }
      const timer = setTimeout(() => { done(); reject(new Error(`${d.name}: no ${what} within ${timeout} ms`)) }, timeout)
      const listener = (e: DriverEvent): void => {
        if (e.ev === 'fatal') { done(); reject(new Error(`${d.name}: ${e.name}: ${e.message}`)); return }
        if (accept(e)) { done(); resolve(e) }
      }
      const onExit = (code: number | null, signal: string | null): void => { done(); reject(new Error(`${d.name} exited (${code ?? signal}) while waiting for ${what}`)) }
      d.listeners.add(listener)
      child?.once('exit', onExit)
    })
  }

  const startDevice = async (d: DeviceSlot): Promise<void> => {
    d.state = 'starting'
    d.lifetime++
    const child = spawn(process.execPath, [DEVICE_SCRIPT, '--data', d.dataDir, '--bootstrap', ...relays.map(relayAddr)], { stdio: ['pipe', 'pipe', 'pipe'] })
    d.child = child
    child.stdin!.on('error', () => {})
    child.stderr!.on('data', chunk => d.stderr.write(chunk))
    const lifetime = d.lifetime
    createInterface({ input: child.stdout! }).on('line', line => {
      d.log.write(`${lifetime} ${line}\n`)
      let e: DriverEvent
      try { e = JSON.parse(line) as DriverEvent } catch { return }
      dispatch(d, e)
    })
    child.once('exit', (code, signal) => {
      mark({ event: 'exit', kind: 'device', name: d.name, lifetime, code, signal })
      if (d.child === child) d.state = 'down'
      if (!expected.has(child)) {
        crashes.push({ name: d.name, lifetime, code, signal })
        log(`chaos: ${d.name} exited by itself (${code ?? signal}); see logs/${d.name}.stderr`)
      }
    })
    try {
      await nextEvent(d, e => e.ev === 'ready', DEVICE_START_MS, 'ready')
    } catch (err) {
      expected.add(child)
      child.kill('SIGKILL')
      throw err
    }
    d.state = 'up'
    mark({ event: 'up', kind: 'device', name: d.name, lifetime })
  }

  const command = (d: DeviceSlot, c: DriverCommand): void => {
    d.child?.stdin?.write(JSON.stringify(c) + '\n')
  }

  const issue = (from: DeviceSlot, to: DeviceSlot, tid: string, pad: string): void => {
    const t: TextRecord = { tid, from: from.phone, to: to.phone, issuedAt: Date.now() }
    texts.push(t)
    byTid.set(tid, t)
    command(from, { cmd: 'send', tid, to: to.phone, text: textFor(tid, pad) })
  }

  const register = async (d: DeviceSlot): Promise<void> => {
    let last: unknown
    for (let i = 0; i < 3; i++) {
      try {
        const before = new Map(relays.map(r => [r, r.sms.count]))
        command(d, { cmd: 'register', phone: d.phone })
        const asked = await nextEvent(d, e => e.ev === 'code-requested' || e.ev === 'register-error', REGISTER_STEP_MS, 'code-requested')
        if (asked.ev !== 'code-requested') throw new Error(`register: ${asked.ev === 'register-error' ? `${asked.name}: ${asked.message}` : asked.ev}`)
        const verifier = relays.find(r => r.proc != null && asked.relay.includes(r.proc.peerId)) ?? relays[0]
        const code = await verifier.sms.next(d.phone, before.get(verifier) ?? 0)
        command(d, { cmd: 'verify', code })
        const done = await nextEvent(d, e => e.ev === 'registered' || e.ev === 'register-error', REGISTER_STEP_MS, 'registered')
        if (done.ev !== 'registered') throw new Error(`verify: ${done.ev === 'register-error' ? `${done.name}: ${done.message}` : done.ev}`)
        mark({ event: 'registered', name: d.name, phone: d.phone, mailboxRelays: done.mailboxRelays })
        return
      } catch (err) {
        last = err
        log(`chaos: ${d.name} registration failed (${(err as Error).message}), again`)
      }
    }
    throw last
  }

  const killAll = async (): Promise<void> => {
    await Promise.all([
      ...devices.map(async d => { if (d.child != null) { expected.add(d.child); d.child.kill('SIGKILL') } }),
      ...relays.map(async r => { await r.proc?.kill().catch(() => {}) })
    ])
  }

  let summary: ChaosSummary | undefined
  try {
    // ---- set-up: relays (each bootstraps from the ones before), devices registered through the first relay's verifier
    for (let i = 0; i < params.relays; i++) {
      const r: RelaySlot = { name: `relay${i}`, dataDir: join(workDir, `relay${i}`), port: await freePort(ports), sms: smsInbox(), state: 'down', log: createWriteStream(join(workDir, 'logs', `relay${i}.log`)) }
      relays.push(r)
      await startRelay(r)
    }
    mark({ event: 'relays', relays: relays.map(relayAddr) })
    log(`chaos: ${params.relays} relays up`)
    for (let i = 0; i < params.devices; i++) {
      devices.push({
        name: `device${i}`, phone: `+1555077${String(i).padStart(4, '0')}`, dataDir: join(workDir, `device${i}`), state: 'down', lifetime: 0, events: [], listeners: new Set(),
        log: createWriteStream(join(workDir, 'logs', `device${i}.jsonl`)), stderr: createWriteStream(join(workDir, 'logs', `device${i}.stderr`))
      })
    }
    const queue = [...devices]
    await Promise.all([0, 1].map(async () => {
      for (let d = queue.shift(); d != null; d = queue.shift()) {
        await startDevice(d)
        await register(d)
      }
    }))
    log(`chaos: ${params.devices} devices registered (${Date.now() - started} ms)`)

    // ---- chaos: traffic and kills on their planned times
    const chaosStart = Date.now()
    mark({ event: 'chaos' })
    const restartLater = (kind: 'relay' | 'device', slot: RelaySlot | DeviceSlot, downMs: number): void => {
      const p = (async () => {
        await sleep(downMs)
        try {
          if (kind === 'relay') await startRelay(slot as RelaySlot)
          else {
            // the folder's LevelDB lock goes with the killed process: wait until it is gone
            const old = (slot as DeviceSlot).child
            if (old != null && old.exitCode == null && old.signalCode == null) await new Promise(resolve => old.once('exit', resolve))
            await startDevice(slot as DeviceSlot)
          }
          restarts[kind === 'relay' ? 'relays' : 'devices']++
        } catch (err) {
          restarts.failed++
          mark({ event: 'restart-failed', kind, name: slot.name, error: (err as Error).message })
          log(`chaos: restart of ${slot.name} failed: ${(err as Error).message}`)
        }
      })()
      pendingRestarts.add(p)
      void p.finally(() => pendingRestarts.delete(p))
    }
    const killer = (async () => {
      for (const k of thePlan.kills) {
        await sleep(chaosStart + k.at - Date.now())
        if (finished) return
        const upRelays = relays.filter(r => r.state === 'up')
        const upDevices = devices.filter(d => d.state === 'up')
        const relayOk = upRelays.length > 0 && relays.length - upRelays.length < params.maxRelaysDown
        const deviceOk = upDevices.length > 0 && devices.length - upDevices.length < params.maxDevicesDown
        const useRelay = k.relay ? relayOk : !deviceOk && relayOk
        if (useRelay) {
          const r = upRelays[Math.floor(k.pick * upRelays.length)]
          r.state = 'down'
          await r.proc!.kill()
          kills.push({ at: Date.now(), kind: 'relay', name: r.name })
          mark({ event: 'kill', kind: 'relay', name: r.name, downMs: Math.round(k.downMs) })
          log(`chaos: +${((Date.now() - chaosStart) / 1000).toFixed(1)} s SIGKILL ${r.name}`)
          restartLater('relay', r, k.downMs)
        } else if (deviceOk) {
          const d = upDevices[Math.floor(k.pick * upDevices.length)]
          d.state = 'down'
          let aimed: string | undefined
          if (k.aim) {
            const others = devices.filter(o => o !== d)
            aimed = `k${kills.length}`
            issue(d, others[Math.floor(k.aimTo * others.length)], aimed, '')
            await sleep(k.aimDelayMs)
          }
          expected.add(d.child!)
          d.child!.kill('SIGKILL')
          kills.push({ at: Date.now(), kind: 'device', name: d.name })
          mark({ event: 'kill', kind: 'device', name: d.name, lifetime: d.lifetime, downMs: Math.round(k.downMs), ...(aimed != null ? { aimedAt: aimed, afterMs: Math.round(k.aimDelayMs) } : {}) })
          log(`chaos: +${((Date.now() - chaosStart) / 1000).toFixed(1)} s SIGKILL ${d.name}`)
          restartLater('device', d, k.downMs)
        } else {
          mark({ event: 'kill-skipped' })
        }
      }
    })()
    const sender = (async () => {
      for (let i = 0; i < thePlan.texts.length; i++) {
        const p = thePlan.texts[i]
        await sleep(chaosStart + p.at - Date.now())
        const from = p.senderOrder.map(k => devices[k]).find(d => d.state === 'up')
        if (from == null) { skipped++; continue }
        const others = devices.filter(d => d !== from)
        issue(from, others[Math.floor(p.recipientPick * others.length)], `t${i}`, p.pad)
      }
    })()
    await Promise.all([killer, sender])
    await sleep(chaosStart + params.seconds * 1000 - Date.now())
    finished = true
    log(`chaos: ${texts.length} texts, ${kills.length} kills; bringing everyone up`)

    // ---- quiescence: everyone up, then wait for deliveries and receipts (bounded)
    while (pendingRestarts.size > 0) await Promise.all([...pendingRestarts])
    for (const r of relays) if (r.state !== 'up') await startRelay(r)
    for (const d of devices) if (d.state !== 'up') await startDevice(d)
    mark({ event: 'quiescence' })
    const quietStart = Date.now()
    const waiting = (): { undelivered: number, receipts: number } => {
      let undelivered = 0
      let receipts = 0
      for (const t of texts) {
        const id = deliveredTid.get(t.tid)
        if (id == null) { if (t.ackAt != null) undelivered++ } else if (!receiptIds.has(id)) receipts++
      }
      return { undelivered, receipts }
    }
    const settled = (): boolean => { const w = waiting(); return w.undelivered === 0 && w.receipts === 0 }
    const reached = settled() || await new Promise<boolean>(resolve => {
      const timer = setTimeout(() => { onProgress = undefined; resolve(false) }, params.quiesceSeconds * 1000)
      onProgress = () => { if (settled()) { clearTimeout(timer); onProgress = undefined; resolve(true) } }
    })
    const quiescence = { reached, ms: Date.now() - quietStart, ...(reached ? {} : { waitingFor: waiting() }) }
    mark({ event: 'quiescent', ...quiescence })
    log(`chaos: quiescence ${reached ? 'reached' : 'NOT reached'} after ${quiescence.ms} ms`)

    // ---- stop the devices, read their stores, stop the relays
    await Promise.all(devices.map(async d => {
      const child = d.child
      if (child == null || child.exitCode != null || child.signalCode != null) return
      const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
      expected.add(child)
      command(d, { cmd: 'stop' })
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_MS)
      await exited
      clearTimeout(timer)
    }))
    const records: DeviceRecord[] = []
    for (const d of devices) {
      const dump = await dumpStore(d.dataDir).catch(err => { log(`chaos: dump of ${d.name} failed: ${(err as Error).message}`); return undefined })
      records.push({ name: d.name, phone: d.phone, events: d.events, ...(dump != null ? { dump } : {}) })
    }
    await Promise.all(relays.map(async r => { await r.proc?.stop() }))

    const result = checkRun(texts, records, kills)
    if (crashes.length > 0) result.violations.push(`${crashes.length} device process(es) exited by themselves`)
    const ok = result.violations.length === 0
    summary = {
      ok,
      seed,
      params,
      ...result,
      kills: { relays: kills.filter(k => k.kind === 'relay').length, devices: kills.filter(k => k.kind === 'device').length },
      restarts,
      crashes,
      skipped,
      quiescence,
      durationMs: Date.now() - started,
      replay
    }
    mark({ event: 'summary', summary })
    return summary
  } catch (err) {
    mark({ event: 'error', error: (err as Error).message })
    throw err
  } finally {
    finished = true
    await killAll()
    await Promise.all([timeline, ...relays.map(r => r.log), ...devices.flatMap(d => [d.log, d.stderr])].map(async s => await new Promise(resolve => s.end(resolve))))
    if (summary?.ok === true && options.keep !== true) {
      await rm(workDir, { recursive: true, force: true })
    } else {
      if (summary != null) summary.workDir = workDir
      log(`chaos: data and logs kept in ${workDir}`)
    }
  }
}

/** Runs `device.js --dump` on a stopped device's folder. */
async function dumpStore (dataDir: string): Promise<StoreDump> {
  const child = spawn(process.execPath, [DEVICE_SCRIPT, '--dump', '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', c => { stdout += String(c) })
  child.stderr.on('data', c => { stderr += String(c) })
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
  const code = await new Promise<number | null>(resolve => child.once('exit', c => resolve(c)))
  clearTimeout(timer)
  const line = stdout.split('\n').find(l => l.startsWith('{"ev":"dump"'))
  if (code !== 0 || line == null) throw new Error(`dump exited ${code}: ${(stdout + stderr).trim().slice(-500)}`)
  return JSON.parse(line) as StoreDump
}
