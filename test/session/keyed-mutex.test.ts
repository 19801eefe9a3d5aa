// KeyedMutex: serial per key, concurrent across keys, survives failures, honours abort.
import { describe, expect, it } from 'vitest'
import { KeyedMutex } from '../../src/session/index.js'

describe('KeyedMutex', () => {
  it('runs tasks of one key one after another, in call order', async () => {
    const mutex = new KeyedMutex()
    const log: string[] = []
    let release!: () => void
    const gate = new Promise<void>(resolve => { release = resolve })
    const first = mutex.run('a', async () => { log.push('a1 start'); await gate; log.push('a1 end') })
    const second = mutex.run('a', async () => { log.push('a2') })
    const other = mutex.run('b', async () => { log.push('b1') })
    await other
    expect(log).toEqual(['a1 start', 'b1'])
    release()
    await Promise.all([first, second])
    expect(log).toEqual(['a1 start', 'b1', 'a1 end', 'a2'])
    expect(mutex.size).toBe(0)
  })

  it('keeps going after a task fails', async () => {
    const mutex = new KeyedMutex()
    await expect(mutex.run('a', async () => { throw new Error('boom') })).rejects.toThrow('boom')
    expect(await mutex.run('a', async () => 42)).toBe(42)
  })

  it('does not run a task whose signal was aborted while queued', async () => {
    const mutex = new KeyedMutex()
    const controller = new AbortController()
    let release!: () => void
    const gate = new Promise<void>(resolve => { release = resolve })
    const first = mutex.run('a', async () => { await gate })
    let ran = false
    const second = mutex.run('a', async () => { ran = true }, { signal: controller.signal })
    const third = mutex.run('a', async () => 'third')
    controller.abort()
    // rejected at once, while the first task still holds the key
    await expect(second).rejects.toHaveProperty('name', 'AbortError')
    expect(ran).toBe(false)
    release()
    await first
    expect(await third).toBe('third')
    expect(mutex.size).toBe(0)
  })
})
