// The Node file store of the media layer: a part file appended whole or in parts (one vectored write) reads back byte-exact, and a read into a caller's buffer fills and returns that buffer.
import { afterEach, describe, expect, it } from 'vitest'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { nodeMediaFiles } from '../../src/media/node/files.js'
import { SeededRandom } from '../helpers/seeded-random.js'

const dirs: string[] = []
afterEach(async () => { await Promise.all(dirs.splice(0).map(async d => { await rm(d, { recursive: true, force: true }) })) })

describe('node media files', () => {
  it('appends whole chunks and chunks in parts, in order, after what the part file held', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-node-files-'))
    dirs.push(dir)
    const files = nodeMediaFiles(dir)
    const rng = new SeededRandom('node-files')
    const a = rng.random(1000)
    const b = rng.random(70_000)
    const c = rng.random(5)
    const first = await files.part('x')
    await first.writer.append(a)
    await first.writer.close()
    // an earlier try's bytes stay; the parts go after them
    const { ref, writer } = await files.part('x')
    expect(writer.size).toBe(1000)
    await writer.appendParts!([b.subarray(0, 3), new Uint8Array(0), b.subarray(3), c])
    expect(writer.size).toBe(71_005)
    await writer.append(a)
    await writer.sync()
    await writer.close()
    expect(Buffer.compare(await readFile(ref), Buffer.concat([a, b, c, a]))).toBe(0)
  })

  it('reads into the buffer it is given (fewer bytes at the end of the file), or into a fresh one when it is too small', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-node-files-'))
    dirs.push(dir)
    const files = nodeMediaFiles(dir)
    const data = new SeededRandom('node-read').random(10_000)
    const { ref, writer } = await files.part('y')
    await writer.append(data)
    await writer.close()
    const reader = await files.open(ref)
    const into = new Uint8Array(4096)
    const got = await reader.read(8192, 4096, into)
    expect(got.buffer).toBe(into.buffer)
    expect(Buffer.from(got)).toEqual(Buffer.from(data.subarray(8192)))
    const fresh = await reader.read(0, 4096, new Uint8Array(10))
    expect(Buffer.from(fresh)).toEqual(Buffer.from(data.subarray(0, 4096)))
    await reader.close()
  })
})
