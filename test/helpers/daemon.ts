/** `parley … daemon --rpc-port 0` as a child process for tests: resolves once it listens, with a JSON-RPC caller and a stop that waits for its exit. */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

/** One JSON-RPC answer; results are checked field by field by the tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON-RPC result is whatever the method returns
export interface RpcAnswer { result?: any, error?: { code: number, message: string, data?: { name: string } } }

export interface TestDaemon {
  url: string
  rpc: (method: string, params?: Record<string, unknown>) => Promise<RpcAnswer>
  stop: () => Promise<void>
}

export async function startDaemon (cli: string, args: string[]): Promise<TestDaemon> {
  const daemon = spawn(process.execPath, [cli, ...args, 'daemon', '--rpc-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
  const stop = async (): Promise<void> => {
    daemon.kill('SIGTERM')
    if (daemon.exitCode == null && daemon.signalCode == null) await new Promise(resolve => daemon.once('exit', resolve))
  }
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('daemon did not start')), 30_000)
      createInterface({ input: daemon.stdout }).on('line', line => {
        const e = JSON.parse(line)
        if (e.event === 'rpc') { clearTimeout(t); resolve(e.url) }
      })
      daemon.once('exit', code => { clearTimeout(t); reject(new Error(`daemon exited ${code}`)) })
    })
    let n = 0
    const rpc = async (method: string, params?: Record<string, unknown>): Promise<RpcAnswer> => {
      const res = await fetch(url, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: ++n, method, ...(params != null ? { params } : {}) }) })
      return await res.json() as RpcAnswer
    }
    return { url, rpc, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
