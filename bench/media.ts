/**
 * Media benchmarks: a 256 MiB file uploaded through the SDK's media layer (sealed in chunks, to a relay process on
 * loopback, synced there) and downloaded (verified chunk by chunk, written to disk), each side a process of its own;
 * the baseline is a raw libp2p stream copy of the same bytes between two such processes in the same run (from a file
 * to a file). Peak RSS of
 * the uploader, the downloader and the relay; and the same at 2 GiB, to show memory does not grow with the file.
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

/** A process's peak resident set (VmHWM), KiB. */
async function peakKiB (pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN)
}

const mbps = (bytes: number, ms: number): number => (bytes * 8 / 1e6) / (ms / 1000)

export const suite: Suite = {
  prefix: 'media.',
  names: ['media.upload.mbps', 'media.download.mbps', 'media.upload.rss', 'media.download.rss', 'media.relay.rss', 'media.raw.rss', 'media.upload.rss.2g', 'media.download.rss.2g', 'media.relay.rss.2g'],
  async run (report, filter) {
    if (!this.names.some(filter)) return
    const dir = await mkdtemp(join(tmpdir(), 'parley-bench-media-'))
    const relay = await startRelayProcess({ dataDir: join(dir, 'relay'), listen: ['/ip4/127.0.0.1/tcp/0'], args: ['--blob-quota-mb', String(8 * 1024), '--blob-max-total-gb', '16', '--inbound-per-host', '1000'] })
    const sink = await peer(['sink', dir], 'listening')
    try {
      const transfer = async (size: number, tag: string): Promise<{ up: Result, down: Result }> => {
        const file = join(dir, `${tag}.bin`)
        await makeFile(file, size)
        const { result: up } = await peer(['upload', relay.addr('tcp'), file])
        const { result: down } = await peer(['download', relay.addr('tcp'), join(dir, `${tag}-in`), up.attachment as string])
        await rm(file, { force: true })
        await rm(join(dir, `${tag}-in`), { recursive: true, force: true })
        return { up, down }
      }
      if (['media.upload.mbps', 'media.download.mbps', 'media.upload.rss', 'media.download.rss', 'media.relay.rss', 'media.raw.rss'].some(filter)) {
        // the baseline first: the same bytes over a plain libp2p stream, between two processes
        const raw = join(dir, 'raw.bin')
        await makeFile(raw, SIZE)
        const sunk = new Promise<Result>((resolve, reject) => {
          createInterface({ input: sink.child.stdout! }).on('line', line => {
            const o = JSON.parse(line) as Result
            if ('bytes' in o) resolve(o)
          })
          sink.child.once('exit', () => reject(new Error('the sink ended')))
        })
        const { result: sent } = await peer(['send', sink.result.listening as string, raw])
        const received = await sunk
        const rawMs = Math.max(sent.ms, received.ms)
        await rm(raw, { force: true })
        const { up, down } = await transfer(SIZE, 'm256')
        report({ name: 'media.upload.mbps', value: mbps(SIZE, up.ms), unit: 'Mbit/s', baseline: mbps(SIZE, rawMs) })
        report({ name: 'media.download.mbps', value: mbps(SIZE, down.ms), unit: 'Mbit/s', baseline: mbps(SIZE, rawMs) })
        report({ name: 'media.upload.rss', value: up.rssKiB / 1024, unit: 'MiB', baseline: sent.rssKiB / 1024 })
        report({ name: 'media.download.rss', value: down.rssKiB / 1024, unit: 'MiB', baseline: received.rssKiB / 1024 })
        report({ name: 'media.relay.rss', value: await peakKiB(relay.process.pid!) / 1024, unit: 'MiB' })
        report({ name: 'media.raw.rss', value: Math.max(sent.rssKiB, received.rssKiB) / 1024, unit: 'MiB' })
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
