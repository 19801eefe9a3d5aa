/**
 * msg.mixed: mixed traffic between 6 devices with first contacts (bench/mixed-run.ts does the run). The run
 * is a child process whose libuv thread pool has 4 threads per device (UV_THREADPOOL_SIZE): a device in its
 * own process or tab has its own pool, and directory scrypts and LevelDB share it (src/crypto/provider-native.ts
 * gives scrypt half of it), so six devices on one default pool of 4 would measure a machine nobody has.
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { Figure, Suite } from './harness.js'
import { DEVICES } from './mixed-run.js'

const RUN = fileURLToPath(new URL('./mixed-run.js', import.meta.url))

export const suite: Suite = {
  prefix: 'msg.mixed.',
  names: ['msg.mixed.p50', 'msg.mixed.p99', 'msg.mixed.direct', 'msg.mixed.mailbox'],
  async run (report, filter) {
    if (!this.names.some(filter)) return
    const child = spawn(process.execPath, [RUN], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, UV_THREADPOOL_SIZE: String(4 * DEVICES) } })
    const figures: Figure[] = []
    createInterface({ input: child.stdout }).on('line', line => {
      try {
        figures.push(JSON.parse(line) as Figure)
      } catch {
        process.stderr.write(`${line}\n`)
      }
    })
    const code = await new Promise<number | null>(resolve => child.once('exit', resolve))
    if (code !== 0) throw new Error(`msg.mixed: the run exited with code ${code}`)
    for (const f of figures) if (filter(f.name)) report(f)
  }
}
