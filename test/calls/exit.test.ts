// Node call media leaves nothing running: a child process that played, recorded and sent video over two real peer connections, then stopped them, has an empty event loop by itself (Node's beforeExit fires); one that leaves the player or the video running never gets there.
import { describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { join } from 'node:path'

const FIXTURES = join(import.meta.dirname, 'fixtures')
/** How long a child may take to connect, record half a second and stop, on a loaded machine. */
const RUN_TIMEOUT_MS = 60_000
/** How long a leaking child is watched after it stopped what it meant to stop: its player or video ticks every few ms, so it would have drained long before if it could. */
const LEAK_WATCH_MS = 3_000

interface ChildRun { lines: string[], code: number | null, signal: string | null, stderr: string }

/** Runs the call child with `mode`; kills it LEAK_WATCH_MS after it printed `stopped` if it has not exited by then. */
async function runChild (mode: string): Promise<ChildRun> {
  const child = spawn(process.execPath, ['--import', join(FIXTURES, 'ts-resolve.mjs'), join(FIXTURES, 'call-child.ts'), mode], { stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: string[] = []
  let stderr = ''
  let watch: ReturnType<typeof setTimeout> | undefined
  const bound = setTimeout(() => { child.kill('SIGKILL') }, RUN_TIMEOUT_MS)
  child.stderr.on('data', d => { stderr += String(d) })
  child.stdout.on('data', d => {
    for (const line of String(d).split('\n').filter(l => l !== '')) {
      lines.push(line)
      if (line.startsWith('stopped')) watch = setTimeout(() => { child.kill('SIGKILL') }, LEAK_WATCH_MS)
    }
  })
  try {
    const [code, signal] = await new Promise<[number | null, string | null]>(resolve => child.once('exit', (c, s) => { resolve([c, s]) }))
    return { lines, code, signal, stderr }
  } finally {
    clearTimeout(bound)
    clearTimeout(watch)
  }
}

describe('Node call media: nothing left running after stop', () => {
  it('a process that stopped its player, recorder, video and peer connections drains its event loop by itself', async () => {
    const run = await runChild('none')
    expect(run.stderr).not.toMatch(/Error/)
    expect(run.lines[0]).toMatch(/^stopped \d+$/)
    expect(Number(run.lines[0].split(' ')[1])).toBeGreaterThanOrEqual(24000)
    expect(run.lines[1]).toBe('drained')
    expect(run.code).toBe(0)
  })

  for (const leak of ['leak-player', 'leak-video']) {
    it(`the same process with its ${leak.slice(5)} left running never drains (the check above can fail)`, async () => {
      const run = await runChild(leak)
      expect(run.lines[0]).toMatch(/^stopped \d+$/)
      expect(run.lines).not.toContain('drained')
      expect(run.signal).toBe('SIGKILL')
    })
  }
})
