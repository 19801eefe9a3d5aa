// Crash safety of the outbox and message stores: a process killed with SIGKILL right after its writes resolved keeps them (runs the compiled dist/, build first).
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openLevel } from '../../src/storage/index.js'
import { PROJECT_ROOT } from '../../scripts/paths.js'
import { tempDir } from '../helpers/tmp.js'

const mid = (n: number): string => n.toString(16).padStart(32, '0')

/** The child: commits a few writes, reports them, then keeps writing until it is killed. */
const CHILD = `
const { openLevel } = await import(process.argv[1])
const dir = process.argv[2]
const mid = n => n.toString(16).padStart(32, '0')
const s = await openLevel(dir)
const entry = n => ({ id: mid(n), to: '+15550001111', kind: 'message', payload: new Uint8Array([n]), createdAt: 1, expiresAt: 2, attempts: 0, nextAttemptAt: n })
await s.outbox.put(entry(1))
await s.outbox.put(entry(2))
await s.outbox.delete(mid(1))
await s.messages.addIncoming({ id: mid(3), conversation: '+15550001111', direction: 'in', sender: '+15550001111', text: 'hello', timestamp: 10, receivedAt: 11, status: 'delivered' })
await s.messages.addOutgoing({ id: mid(4), conversation: '+15550001111', direction: 'out', sender: '+15550009999', text: 'hi', timestamp: 20, receivedAt: 20, status: 'pending' })
await s.messages.updateStatus('+15550001111', mid(4), 'delivered')
process.stdout.write('committed\\n')
for (let n = 100; ; n++) await s.outbox.put(entry(n))
`

describe('crash safety (LevelDB, SIGKILL)', () => {
  it('keeps every write that resolved before the process was killed', async () => {
    const dir = await tempDir('parley-crash-')
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, join(PROJECT_ROOT, 'dist', 'src', 'storage', 'index.js'), dir.path], { stdio: ['ignore', 'pipe', 'pipe'] })
    try {
      let stderr = ''
      child.stderr.on('data', d => { stderr += String(d) })
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`child did not commit in time: ${stderr}`)), 20_000)
        child.stdout.on('data', d => { if (String(d).includes('committed')) { clearTimeout(timer); resolve() } })
        child.once('exit', code => { clearTimeout(timer); reject(new Error(`child exited ${code}: ${stderr}`)) })
      })
      const exited = new Promise(resolve => child.once('exit', resolve))
      child.kill('SIGKILL')
      await exited

      const s = await openLevel(dir.path)
      try {
        expect(await s.outbox.get(mid(1))).toBeUndefined()
        expect(await s.outbox.get(mid(2))).toMatchObject({ nextAttemptAt: 2 })
        // the due index and the entries agree, whatever the kill interrupted
        const due = await s.outbox.due(Number.MAX_SAFE_INTEGER, 1_000_000)
        expect(due.length).toBe(await s.outbox.count())
        expect(await s.messages.addIncoming({ id: mid(3), conversation: '+15550001111', direction: 'in', sender: '+15550001111', text: 'hello', timestamp: 10, receivedAt: 50, status: 'delivered' })).toBe(false)
        expect((await s.messages.history('+15550001111')).map(m => [m.id, m.status])).toEqual([[mid(4), 'delivered'], [mid(3), 'delivered']])
        expect(await s.messages.conversations()).toMatchObject([{ address: '+15550001111', unread: 1, lastMessage: { id: mid(4), status: 'delivered' } }])
      } finally {
        await s.close()
      }
    } finally {
      if (child.exitCode == null && child.signalCode == null) child.kill('SIGKILL')
      await dir.remove()
    }
  })
})
