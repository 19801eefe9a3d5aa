/**
 * Media benchmarks: a 256 MiB file uploaded through the SDK's media layer (sealed in chunks, to a relay process on
 * loopback, synced there) and downloaded (verified chunk by chunk, written to disk), each side a process of its own;
 * the baseline is a raw libp2p stream copy of the same bytes between two such processes in the same run (from a file
 * to a file), in ROUNDS alternating rounds. CPU time and peak RSS of the uploader, the downloader and the relay; and
 * the same at 2 GiB, to show memory does not grow with the file.
 * Knows nothing of the runner.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, open, rm, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { randomBytes } from 'node:crypto'
import { startRelayProcess } from '../scripts/relay-process.js'
import type { Suite } from './harness.js'

const PEER_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'media-peer.js')
const MIB = 1024 * 1024
/** The size for the throughput figures. */
const SIZE = 256 * MIB
/**
 * Rounds of baseline, upload and download for the throughput figures. One round's ratio wandered from 0.48 to 0.78
 * between runs on a quiet 2-vCPU machine; the median of five alternating rounds holds still.
 */
const ROUNDS = 5
/** The size of the memory figures: the largest file Parley sends. */
const BIG = 2048 * MIB

type Result = Record<string, unknown> & { ms: number, rssKiB: number }

/** Runs a media-peer child to its result line (or the first line that has `key`). */
async function peer (args: string[], key = 'ms'): Promise<{ result: Result, child: ReturnType<typeof spawn> }> {
  const child = spawn(process.execPath, [PEER_SCRIPT, ...args], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout! })
  for await (const line of lines) {
    const o = JSON.parse(line) as Result
    if (key in o) return { result: o, child }
  }
  throw new Error(`media-peer ${args[0]} ended without a result`)
}

/** A file of random bytes, written in 16 MiB pieces (never whole in memory). */
async function makeFile (path: string, size: number): Promise<void> {
  const fh = await open(path, 'w')
  try {
    for (let at = 0; at < size; at += 16 * MIB) await fh.write(randomBytes(Math.min(16 * MIB, size - at)))
  } finally {
    await fh.close()
  }
}

/** CPU time (user + system, every thread) a process has used so far, ms (from /proc: clock ticks of 10 ms). */
async function processCpuMs (pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  // fields after the command name (which may hold spaces): utime is the 12th, stime the 13th
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

/** A process's peak resident set (VmHWM), KiB. */
async function peakKiB (pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN)
}

const mbps = (bytes: number, ms: number): number => (bytes * 8 / 1e6) / (ms / 1000)

export const suite: Suite = {
  prefix: 'media.',
  names: ['media.upload.mbps', 'media.download.mbps', 'media.upload.cpu', 'media.download.cpu', 'media.relay.upload.cpu', 'media.relay.download.cpu', 'media.upload.rss', 'media.download.rss', 'media.relay.rss', 'media.raw.rss', 'media.upload.rss.2g', 'media.download.rss.2g', 'media.relay.rss.2g'],
  async run (report, filter) {
    if (!this.names.some(filter)) return
    const dir = await mkdtemp(join(tmpdir(), 'parley-bench-media-'))
    const relay = await startRelayProcess({ dataDir: join(dir, 'relay'), listen: ['/ip4/127.0.0.1/tcp/0'], args: ['--blob-quota-mb', String(8 * 1024), '--blob-max-total-gb', '16', '--inbound-per-host', '1000'] })
    const sink = await peer(['sink', dir], 'listening')
    try {
      const transfer = async (size: number, tag: string): Promise<{ up: Result, down: Result, relayUpCpuMs: number, relayDownCpuMs: number }> => {
        const file = join(dir, `${tag}.bin`)
        await makeFile(file, size)
        // the relay's CPU over each child's whole life (its start-up and prekey upload included: a few ms)
        const pid = relay.process.pid!
        const before = await processCpuMs(pid)
        const { result: up } = await peer(['upload', relay.addr('tcp'), file])
        const between = await processCpuMs(pid)
        const { result: down } = await peer(['download', relay.addr('tcp'), join(dir, `${tag}-in`), up.attachment as string])
        const after = await processCpuMs(pid)
        await rm(file, { force: true })
        await rm(join(dir, `${tag}-in`), { recursive: true, force: true })
        return { up, down, relayUpCpuMs: between - before, relayDownCpuMs: after - between }
      }
      if (['media.upload.mbps', 'media.download.mbps', 'media.upload.cpu', 'media.download.cpu', 'media.relay.upload.cpu', 'media.relay.download.cpu', 'media.upload.rss', 'media.download.rss', 'media.relay.rss', 'media.raw.rss'].some(filter)) {
        // ROUNDS of: the baseline (the same bytes over a plain libp2p stream, between two processes), then the upload
        // and the download; each figure is the median of its rounds, each ratio taken within its round, so a
        // machine whose speed wanders (shared vCPUs) moves both sides of a ratio together
        const rounds: Array<{ rawMs: number, up: Result, down: Result, sent: Result, received: Result, relayUpCpuMs: number, relayDownCpuMs: number }> = []
        for (let r = 0; r < ROUNDS; r++) {
          const raw = join(dir, 'raw.bin')
          await makeFile(raw, SIZE)
          const sunk = new Promise<Result>((resolve, reject) => {
            const lines = createInterface({ input: sink.child.stdout! })
            lines.on('line', line => {
              const o = JSON.parse(line) as Result
              if ('bytes' in o) {
                lines.close()
                resolve(o)
              }
            })
            sink.child.once('exit', () => reject(new Error('the sink ended')))
          })
          const { result: sent } = await peer(['send', sink.result.listening as string, raw])
          const received = await sunk
          // a baseline is a whole copy or none (the sender checks the sink's count too)
          if (received.bytes !== SIZE) throw new Error(`the raw copy delivered ${String(received.bytes)} of ${SIZE} bytes`)
          await rm(raw, { force: true })
          await rm(join(dir, `copy-${r}.bin`), { force: true })
          const { up, down, relayUpCpuMs, relayDownCpuMs } = await transfer(SIZE, 'm256')
          rounds.push({ rawMs: Math.max(sent.ms, received.ms), up, down, sent, received, relayUpCpuMs, relayDownCpuMs })
        }
        const figure = (ms: (x: typeof rounds[number]) => number): { value: number, baseline: number } => {
          // the round whose ratio is the median one, so value, baseline and ratio agree
          const sorted = [...rounds].sort((a, b) => a.rawMs / ms(a) - b.rawMs / ms(b))
          const mid = sorted[Math.floor(sorted.length / 2)]
          return { value: mbps(SIZE, ms(mid)), baseline: mbps(SIZE, mid.rawMs) }
        }
        report({ name: 'media.upload.mbps', unit: 'Mbit/s', ...figure(x => x.up.ms) })
        report({ name: 'media.download.mbps', unit: 'Mbit/s', ...figure(x => x.down.ms) })
        const peak = (of: (x: typeof rounds[number]) => number): number => Math.max(...rounds.map(of)) / 1024
        // CPU of each side (every thread), median of the rounds: what bounds the throughput on a machine of few cores
        const cpu = (of: (x: typeof rounds[number]) => number): number => [...rounds].map(of).sort((a, b) => a - b)[Math.floor(rounds.length / 2)]
        report({ name: 'media.upload.cpu', value: cpu(x => x.up.cpuMs as number), unit: 'ms', baseline: cpu(x => x.sent.cpuMs as number) })
        report({ name: 'media.download.cpu', value: cpu(x => x.down.cpuMs as number), unit: 'ms', baseline: cpu(x => x.received.cpuMs as number) })
        report({ name: 'media.relay.upload.cpu', value: cpu(x => x.relayUpCpuMs), unit: 'ms', baseline: cpu(x => x.received.cpuMs as number) })
        report({ name: 'media.relay.download.cpu', value: cpu(x => x.relayDownCpuMs), unit: 'ms', baseline: cpu(x => x.sent.cpuMs as number) })
        report({ name: 'media.upload.rss', value: peak(x => x.up.rssKiB), unit: 'MiB', baseline: peak(x => x.sent.rssKiB) })
        report({ name: 'media.download.rss', value: peak(x => x.down.rssKiB), unit: 'MiB', baseline: peak(x => x.received.rssKiB) })
        report({ name: 'media.relay.rss', value: await peakKiB(relay.process.pid!) / 1024, unit: 'MiB' })
        report({ name: 'media.raw.rss', value: peak(x => Math.max(x.sent.rssKiB, x.received.rssKiB)), unit: 'MiB' })
      }
      if (['media.upload.rss.2g', 'media.download.rss.2g', 'media.relay.rss.2g'].some(filter)) {
        const { up, down } = await transfer(BIG, 'm2048')
        report({ name: 'media.upload.rss.2g', value: up.rssKiB / 1024, unit: 'MiB' })
        report({ name: 'media.download.rss.2g', value: down.rssKiB / 1024, unit: 'MiB' })
        report({ name: 'media.relay.rss.2g', value: await peakKiB(relay.process.pid!) / 1024, unit: 'MiB' })
      }
    } finally {
      sink.child.stdin?.end()
      sink.child.kill()
      await relay.kill()
      await rm(dir, { recursive: true, force: true })
    }
  }
}
