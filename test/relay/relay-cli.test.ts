// The parley-relay command as an operator uses it: real processes, real data directories.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { stat, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { startRelayProcess } from '../../scripts/relay-process.js'
import { RELAY_BIN } from '../../scripts/paths.js'
import { tempDir } from '../helpers/tmp.js'
import { runToExit } from '../helpers/process.js'

const LOOPBACK = ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws']

/** Runs the relay to completion and returns its exit code and output (for configurations that must fail fast). */
async function runRelay (args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> {
  return await runToExit(RELAY_BIN, args)
}

async function freePort (): Promise<{ port: number, server: Server }> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (typeof address !== 'object' || address == null) throw new Error('no port')
  return { port: address.port, server }
}

describe('parley-relay', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  beforeAll(async () => { dir = await tempDir() })
  afterAll(async () => { await dir.remove() })

  it('prints one listening line, and a restart with the same data dir keeps the peer id', async () => {
    const dataDir = join(dir.path, 'keep')
    const events: unknown[] = []
    const first = await startRelayProcess({ dataDir, listen: LOOPBACK, onEvent: e => events.push(e) })
    expect(first.peerId).toMatch(/^12D3Koo/)
    expect(first.multiaddrs.some(a => a.includes('/tcp/') && !a.includes('/ws'))).toBe(true)
    expect(first.multiaddrs.some(a => a.includes('/ws/'))).toBe(true)
    for (const a of first.multiaddrs) expect(a.endsWith(`/p2p/${first.peerId}`)).toBe(true)
    expect(await first.stop()).toBe(0)
    expect(events).toEqual([])

    const second = await startRelayProcess({ dataDir, listen: LOOPBACK })
    expect(second.peerId).toBe(first.peerId)
    expect(await second.stop()).toBe(0)

    const other = await startRelayProcess({ dataDir: join(dir.path, 'other'), listen: LOOPBACK })
    expect(other.peerId).not.toBe(first.peerId)
    expect(await other.stop()).toBe(0)
  })

  it('creates its data directory, any missing parents and the database folder readable by the operator only (0700)', async () => {
    const dataDir = join(dir.path, 'private', 'nested', 'relay')
    const relay = await startRelayProcess({ dataDir, listen: LOOPBACK })
    try {
      for (const path of [join(dir.path, 'private'), dataDir, join(dataDir, 'db')]) expect((await stat(path)).mode & 0o777, path).toBe(0o700)
    } finally {
      await relay.stop()
    }
  })

  it('exits 0 on SIGINT as well as SIGTERM', async () => {
    const relay = await startRelayProcess({ dataDir: join(dir.path, 'sigint'), listen: LOOPBACK })
    const exited = new Promise<number | null>(resolve => relay.process.once('exit', code => resolve(code)))
    relay.process.kill('SIGINT')
    expect(await exited).toBe(0)
  })

  it('takes its settings from PARLEY_* environment variables', async () => {
    const { port, server } = await freePort()
    server.close()
    const relay = await startRelayProcess({
      dataDir: join(dir.path, 'env'),
      listen: [],
      env: { PARLEY_LISTEN: '/ip4/127.0.0.1/tcp/0/ws', PARLEY_METRICS_PORT: String(port) }
    })
    try {
      expect(relay.multiaddrs.length).toBeGreaterThan(0)
      for (const a of relay.multiaddrs) expect(a).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\//)
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200)
    } finally {
      expect(await relay.stop()).toBe(0)
    }
  })

  it('serves Prometheus metrics and health', async () => {
    const { port, server } = await freePort()
    server.close()
    const relay = await startRelayProcess({ dataDir: join(dir.path, 'metrics'), listen: LOOPBACK, args: ['--metrics-port', String(port)] })
    try {
      const health = await fetch(`http://127.0.0.1:${port}/healthz`)
      expect(health.status).toBe(200)
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
      expect(metrics).toMatch(/^# TYPE parley_dht_writes_total counter$/m)
      expect(metrics).toMatch(/^parley_dht_writes_refused_total\{limit="ip"\} 0$/m)
      for (const name of ['parley_connections', 'parley_streams', 'parley_dht_routing_table_size', 'parley_relay_reservations', 'process_resident_memory_bytes', 'process_heap_used_bytes', 'process_heap_total_bytes', 'process_external_bytes', 'process_array_buffers_bytes']) {
        expect(metrics).toMatch(new RegExp(`^# TYPE ${name} gauge$`, 'm'))
        expect(metrics).toMatch(new RegExp(`^${name}(\\{[^}]*\\})? \\d+$`, 'm'))
      }
      expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404)
    } finally {
      await relay.stop()
    }
  })

  describe('bad configuration gives one clear line and a non-zero exit', () => {
    const cases: Array<[string, () => string[], RegExp]> = [
      ['unknown flag', () => ['--data', join(dir.path, 'bad'), '--frobnicate'], /unknown flag --frobnicate/],
      ['bad multiaddr', () => ['--data', join(dir.path, 'bad'), '--listen', 'not-an-address'], /--listen: not a valid multiaddr: 'not-an-address'/],
      ['missing data dir', () => ['--listen', '/ip4/127.0.0.1/tcp/0'], /missing --data DIR/],
      ['bad number', () => ['--data', join(dir.path, 'bad'), '--metrics-port', 'eighty'], /--metrics-port: expected a whole number/],
      ['bad trusted verifier key', () => ['--data', join(dir.path, 'bad'), '--trusted-verifier', 'abcd'], /--trusted-verifier: expected a verifier key as 64 hex characters/],
      ['unsupported listen address', () => ['--data', join(dir.path, 'bad'), '--listen', '/ip4/127.0.0.1/udp/0/quic-v1'], /cannot listen: no transport supports/]
    ]
    for (const [name, args, message] of cases) {
      it(name, async () => {
        const { code, stdout, stderr } = await runRelay(args())
        expect(code).not.toBe(0)
        expect(stdout).toBe('')
        const lines = stderr.trim().split('\n')
        expect(lines).toHaveLength(1)
        expect(lines[0]).toMatch(/^parley-relay: /)
        expect(lines[0]).toMatch(message)
      })
    }

    it('unwritable data directory', async () => {
      const file = join(dir.path, 'a-file')
      await writeFile(file, 'x')
      const { code, stderr } = await runRelay(['--data', join(file, 'sub'), '--listen', '/ip4/127.0.0.1/tcp/0'])
      expect(code).not.toBe(0)
      expect(stderr.trim()).toMatch(/^parley-relay: data directory .* is not writable \(ENOTDIR\)$/)
    })

    it('port in use', async () => {
      const { port, server } = await freePort()
      try {
        const { code, stderr } = await runRelay(['--data', join(dir.path, 'busy'), '--listen', `/ip4/127.0.0.1/tcp/${port}`])
        expect(code).not.toBe(0)
        expect(stderr.trim()).toMatch(/^parley-relay: cannot listen: address already in use/)
      } finally {
        server.close()
      }
    })
  })
})
