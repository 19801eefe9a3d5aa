/** `dir.put.flood`: one hostile peer sends 10,000 PUT_VALUE messages of valid directory records (one number, rising seq) to a real relay process; records/s the relay accepted, and its memory after. Knows nothing of how the relay limits writes. */
import { readFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { startRelayProcess, type RelayProcess } from '../scripts/relay-process.js'
import { startNode } from '../test/protocols/nodes.js'
import { floodPuts, floodRecords } from '../test/helpers/dht-flood.js'
import type { Suite } from './harness.js'
import { RelayInspector } from './conn-memory.js'

/** PUT attempts of the one hostile peer (the figure the issue asks for). */
const ATTEMPTS = 10_000
/**
 * kad-dht holds each inbound stream's per-message timer (incomingMessageTimeout, 10 s) after the stream is
 * aborted, and with it the stream: live memory right after a flood includes the last 10 s of refused streams.
 * The settled reading is taken this long after the flooder left, once those timers have all fired.
 */
const SETTLE_MS = 15_000

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise<void>(resolve => server.close(() => resolve()))
  return port
}

/** Resident set size of a process from the kernel, in bytes. */
async function rssOf (pid: number): Promise<number> {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'))
  if (m == null) throw new Error(`no VmRSS for pid ${pid}`)
  return Number(m[1]) * 1024
}

async function metric (url: string, name: string): Promise<number> {
  const text = await (await fetch(url, { signal: AbortSignal.timeout(5_000) })).text()
  let sum = 0
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)$`, 'gm'))) sum += Number(m[1])
  return sum
}

const NAMES = ['dir.put.flood', 'dir.put.flood.attempts', 'dir.put.flood.rss', 'dir.put.flood.heap', 'dir.put.flood.heap.settled']

const mib = (bytes: number): number => bytes / 1024 / 1024

export const suite: Suite = {
  prefix: 'dir.put.flood',
  names: NAMES,
  async run (report, filter) {
    if (!NAMES.some(filter)) return
    const dir = await mkdtemp(join(tmpdir(), 'parley-bench-flood-'))
    const port = await freePort()
    const metricsUrl = `http://127.0.0.1:${port}/metrics`
    let relay: RelayProcess | undefined
    let inspector: RelayInspector | undefined
    const hostile = await startNode()
    try {
      let inspectorUrl: string | undefined
      relay = await startRelayProcess({
        dataDir: join(dir, 'relay'),
        listen: ['/ip4/127.0.0.1/tcp/0'],
        args: ['--metrics-port', String(port)],
        // readings after a full GC (through the inspector), so they count live objects, not garbage not yet collected
        env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:0`.trim() },
        onLog: line => { inspectorUrl ??= /Debugger listening on (ws:\/\/\S+)/.exec(line)?.[1] }
      })
      if (inspectorUrl == null) throw new Error('the relay did not print its inspector address')
      inspector = await RelayInspector.open(inspectorUrl)
      const pid = relay.process.pid!
      await inspector.collectGarbage()
      const rssBefore = await rssOf(pid)
      const heapBefore = await metric(metricsUrl, 'process_heap_used_bytes')
      const result = await floodPuts(hostile, multiaddr(relay.addr('tcp')), floodRecords(ATTEMPTS))
      await inspector.collectGarbage()
      const rssAfter = await rssOf(pid)
      const heapAfter = await metric(metricsUrl, 'process_heap_used_bytes')
      const stored = await metric(metricsUrl, 'parley_dht_writes_total')
      const refused = await metric(metricsUrl, 'parley_dht_writes_refused_total')
      const streams = await metric(metricsUrl, 'parley_streams')
      process.stderr.write(`  dir.put.flood: relay holds ${streams} streams after the flood\n`)
      process.stderr.write(`  dir.put.flood: ${result.accepted} of ${result.attempts} puts acknowledged in ${(result.ms / 1000).toFixed(1)} s; relay counted ${stored} let through, ${refused} refused; rss ${mib(rssBefore).toFixed(1)} → ${mib(rssAfter).toFixed(1)} MiB\n`)
      // what the relay still holds once the flooder has gone (its connection's state released)
      await hostile.stop()
      await new Promise(resolve => setTimeout(resolve, SETTLE_MS))
      await inspector.collectGarbage()
      const heapSettled = await metric(metricsUrl, 'process_heap_used_bytes')
      process.stderr.write(`  dir.put.flood: ${SETTLE_MS / 1000} s after the flooder left: rss ${mib(await rssOf(pid)).toFixed(1)} MiB, heap ${mib(heapSettled).toFixed(1)} MiB (before the flood ${mib(heapBefore).toFixed(1)} MiB)\n`)
      const seconds = result.ms / 1000
      if (filter('dir.put.flood')) report({ name: 'dir.put.flood', value: result.accepted / seconds, unit: 'records/s' })
      if (filter('dir.put.flood.attempts')) report({ name: 'dir.put.flood.attempts', value: result.attempts / seconds, unit: 'puts/s' })
      if (filter('dir.put.flood.rss')) report({ name: 'dir.put.flood.rss', value: mib(rssAfter - rssBefore), unit: 'MiB' })
      if (filter('dir.put.flood.heap')) report({ name: 'dir.put.flood.heap', value: mib(heapAfter - heapBefore), unit: 'MiB' })
      if (filter('dir.put.flood.heap.settled')) report({ name: 'dir.put.flood.heap.settled', value: mib(heapSettled - heapBefore), unit: 'MiB' })
    } finally {
      inspector?.close()
      await hostile.stop()
      await relay?.stop()
      await rm(dir, { recursive: true, force: true })
    }
  }
}
