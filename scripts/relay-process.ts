/** Starts `parley-relay` as a child process and waits for its `listening` line; used by `npm start`, tests and benchmarks. Knows nothing of what the relay does inside. */
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { RELAY_BIN } from './paths.js'

export interface RelayProcessInit {
  dataDir: string
  /** listen multiaddrs; none means the relay's own configuration (flags in args, env, defaults) */
  listen: string[]
  args?: string[]
  env?: Record<string, string>
  /** ms to wait for the listening line @default 20000 */
  timeout?: number
  /** receives each stderr line (logs); silent when absent */
  onLog?: (line: string) => void
  /** receives each stdout JSON event after `listening` */
  onEvent?: (event: Record<string, unknown>) => void
}

export interface RelayProcess {
  peerId: string
  multiaddrs: string[]
  /** the whole `listening` event (e.g. `verifierKey` when the verifier runs) */
  listening: Record<string, unknown>
  process: ChildProcess
  /** the first multiaddr whose transport matches (`tcp` or `ws`) */
  addr(kind: 'tcp' | 'ws'): string
  /** SIGTERM and wait for exit; resolves to the exit code */
  stop(): Promise<number | null>
  /** SIGKILL and wait for exit */
  kill(): Promise<void>
}

export class RelayStartError extends Error {
  static name = 'RelayStartError'
  constructor (message: string, readonly stderr: string, readonly exitCode: number | null) {
    super(message)
    this.name = 'RelayStartError'
  }
}

function waitExit (child: ChildProcess): Promise<number | null> {
  if (child.exitCode != null || child.signalCode != null) return Promise.resolve(child.exitCode)
  return new Promise(resolve => child.once('exit', code => resolve(code)))
}

export async function startRelayProcess (init: RelayProcessInit): Promise<RelayProcess> {
  const child = spawn(process.execPath, [RELAY_BIN, '--data', init.dataDir, ...(init.listen.length > 0 ? ['--listen', ...init.listen] : []), ...(init.args ?? [])], {
    env: { ...process.env, ...init.env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stderr = ''
  createInterface({ input: child.stderr! }).on('line', line => {
    stderr += line + '\n'
    init.onLog?.(line)
  })
  const lines = createInterface({ input: child.stdout! })

  const listening = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new RelayStartError('relay did not report listening in time', stderr, null))
    }, init.timeout ?? 20_000)
    const onExit = (code: number | null): void => {
      clearTimeout(timer)
      reject(new RelayStartError(`relay exited with code ${code}: ${stderr.trim().split('\n').pop() ?? ''}`, stderr, code))
    }
    child.once('exit', onExit)
    lines.on('line', line => {
      let event: Record<string, unknown>
      try {
        event = JSON.parse(line)
      } catch {
        return
      }
      if (event.event === 'listening') {
        clearTimeout(timer)
        child.off('exit', onExit)
        resolve(event)
      } else {
        init.onEvent?.(event)
      }
    })
  })

  const multiaddrs = listening.multiaddrs as string[]
  return {
    peerId: listening.peerId as string,
    multiaddrs,
    listening,
    process: child,
    addr (kind) {
      const found = multiaddrs.find(a => kind === 'ws' ? a.includes('/ws/') : !a.includes('/ws/'))
      if (found == null) throw new Error(`relay has no ${kind} address`)
      return found
    },
    async stop () {
      const exited = waitExit(child)
      child.kill('SIGTERM')
      return await exited
    },
    async kill () {
      const exited = waitExit(child)
      child.kill('SIGKILL')
      await exited
    }
  }
}
