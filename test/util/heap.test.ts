// tuneHeapForStreaming (src/util/heap.ts): in a process of its own, buffers dropped one after another no longer set off
// a full collection every 64 MB; nothing is printed (no flag V8 does not know); the V8 version check.
import { describe, it, expect } from 'vitest'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { v8AtLeast } from '../../src/util/heap.js'

const HEAP_TS = fileURLToPath(new URL('../../src/util/heap.ts', import.meta.url))

/** A Node process that (tuned or not) makes and drops 256 buffers of 1 MiB, then says how many full collections ran. */
const CHILD = `
import { PerformanceObserver, constants } from 'node:perf_hooks'
if (process.argv[1] === 'tune') (await import(${JSON.stringify(HEAP_TS)})).tuneHeapForStreaming()
let major = 0
new PerformanceObserver(list => { for (const e of list.getEntries()) if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) major++ }).observe({ entryTypes: ['gc'] })
let held
for (let i = 0; i < 256; i++) { held = Buffer.alloc(1 << 20); held[0] = i }
// gc entries are delivered on a later turn
await new Promise(resolve => setImmediate(resolve))
await new Promise(resolve => setImmediate(resolve))
process.stdout.write(JSON.stringify({ major, held: held.length }))
`

async function fullCollections (tune: boolean): Promise<{ major: number, stderr: string }> {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', CHILD, ...(tune ? ['tune'] : [])])
  return { major: (JSON.parse(stdout) as { major: number }).major, stderr }
}

describe('tuneHeapForStreaming', () => {
  it('lets buffers made and dropped run up without a full collection every 64 MB, and prints nothing', async () => {
    const plain = await fullCollections(false)
    const tuned = await fullCollections(true)
    // V8's default: a full collection per 64 MB of buffers made (the heap growth alone does not change that)
    expect(plain.major).toBeGreaterThanOrEqual(2)
    expect(tuned.major).toBeLessThan(plain.major)
    expect(tuned.stderr).toBe('')
  })

  it('tells V8 versions that have the buffer flag from those that do not', () => {
    expect(v8AtLeast(process.versions.v8, [13, 6])).toBe(true)
    expect(v8AtLeast('13.6.233.17-node.37', [13, 6])).toBe(true)
    expect(v8AtLeast('14.0.1', [13, 6])).toBe(true)
    expect(v8AtLeast('13.10.1', [13, 6])).toBe(true)
    expect(v8AtLeast('13.5.9', [13, 6])).toBe(false)
    expect(v8AtLeast('12.4.254.21-node.57', [13, 6])).toBe(false)
    expect(v8AtLeast('11.3.244.8-node.38', [13, 6])).toBe(false)
  })
})
