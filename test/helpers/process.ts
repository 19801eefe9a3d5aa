/** Runs a Node script of the project to completion (for commands that must finish, e.g. fail fast on bad input), killing it after a bound. */
import { spawn } from 'node:child_process'

export async function runToExit (script: string, args: string[], options: { timeout?: number, env?: Record<string, string> } = {}): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(options.env != null ? { env: { ...process.env, ...options.env } } : {}) })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', d => { stdout += String(d) })
  child.stderr.on('data', d => { stderr += String(d) })
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeout ?? 20_000)
  try {
    const code = await new Promise<number | null>(resolve => child.once('exit', c => resolve(c)))
    return { code, stdout, stderr }
  } finally {
    clearTimeout(timer)
  }
}
