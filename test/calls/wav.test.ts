// WAV files for Node calls (src/calls/node/wav.ts): what the writer writes the reader reads back sample for sample at every supported rate, mono and stereo, in blocks of any size; the writer streams to disk as it goes and fixes the sizes on close; a recording cut off before close still reads; files that are not 16-bit PCM mono/stereo WAVs at a common rate are refused with a clear error class.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readFile, readdir, stat, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createWavWriter, openWavReader, WavFormatError, WavUnsupportedError, WAV_SAMPLE_RATES, WAV_WRITE_BUFFER_BYTES, MAX_WAV_CHUNKS_BEFORE_DATA, MAX_WAV_FMT_BYTES, type WavFormat } from '../../src/calls/node/wav.js'
import { fmtBody, readAllSamples, sineSamples, writeChunks } from './audio-helpers.js'
import { tempDir } from '../helpers/tmp.js'

let dir: { path: string, remove: () => Promise<void> }
beforeEach(async () => { dir = await tempDir('parley-wav-') })
afterEach(async () => { await dir.remove() })

/** Deterministic noise: every 16-bit value is possible, so a byte-order or sign slip shows. */
function noise (n: number, seed = 1): Int16Array {
  const out = new Int16Array(n)
  let x = seed
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    out[i] = (x >>> 8) & 0xffff
  }
  return out
}

describe('WAV round trip', () => {
  for (const rate of WAV_SAMPLE_RATES) {
    for (const channels of [1, 2] as const) {
      it(`${rate} Hz ${channels === 1 ? 'mono' : 'stereo'}: samples come back exactly`, async () => {
        const path = join(dir.path, 'a.wav')
        const samples = noise(Math.round(rate * 0.05) * channels, rate + channels)
        const w = await createWavWriter(path, { sampleRate: rate, channels })
        await w.write(samples)
        expect(await w.close()).toEqual({ frames: samples.length / channels })
        const back = await readAllSamples(path)
        expect(back.format).toEqual({ sampleRate: rate, channels })
        expect(back.samples).toEqual(samples)
      })
    }
  }

  it('blocks of odd sizes written and read give the same samples, and the header is the canonical 44 bytes', async () => {
    const path = join(dir.path, 'b.wav')
    const format: WavFormat = { sampleRate: 44100, channels: 2 }
    const samples = noise(44100 * 2 * 2) // 2 s stereo: more than one write buffer
    const w = await createWavWriter(path, format)
    for (let at = 0, step = 2; at < samples.length; at += step, step = (step * 7) % 4000 + 2) {
      await w.write(samples.subarray(at, Math.min(samples.length, at + step)))
    }
    await w.close()
    const bytes = await readFile(path)
    expect(bytes.length).toBe(44 + samples.length * 2)
    const v = new DataView(bytes.buffer, bytes.byteOffset)
    expect(bytes.subarray(0, 4).toString()).toBe('RIFF')
    expect(v.getUint32(4, true)).toBe(36 + samples.length * 2)
    expect(bytes.subarray(8, 16).toString()).toBe('WAVEfmt ')
    expect([v.getUint32(16, true), v.getUint16(20, true), v.getUint16(22, true), v.getUint32(24, true), v.getUint32(28, true), v.getUint16(32, true), v.getUint16(34, true)])
      .toEqual([16, 1, 2, 44100, 44100 * 4, 4, 16])
    expect(bytes.subarray(36, 40).toString()).toBe('data')
    expect(v.getUint32(40, true)).toBe(samples.length * 2)
    // little-endian on disk whatever the machine
    expect(v.getInt16(44, true)).toBe(samples[0])

    const r = await openWavReader(path)
    expect(r.frames).toBe(samples.length / 2)
    const parts: Int16Array[] = []
    for (let n = 1; ; n = (n * 3) % 5000 + 1) {
      const block = await r.read(n)
      if (block.length === 0) break
      expect(block.length).toBeLessThanOrEqual(n * 2)
      parts.push(block)
    }
    expect(Int16Array.from(parts.flatMap(p => [...p]))).toEqual(samples)
    r.rewind()
    expect(await r.read(3)).toEqual(samples.subarray(0, 6))
    await r.close()
  })

  it('the writer puts samples on disk as they come, not all at close', async () => {
    const path = join(dir.path, 'c.wav')
    const w = await createWavWriter(path, { sampleRate: 48000, channels: 1 })
    const block = sineSamples(440, 480, { sampleRate: 48000, channels: 1 })
    const blocks = Math.ceil(3 * WAV_WRITE_BUFFER_BYTES / (block.length * 2))
    for (let i = 0; i < blocks; i++) await w.write(block)
    // at most one buffer is waiting in memory
    expect((await stat(path)).size).toBeGreaterThanOrEqual(44 + blocks * block.length * 2 - WAV_WRITE_BUFFER_BYTES)
    expect(w.frames).toBe(blocks * 480)
    await w.close()
    expect((await stat(path)).size).toBe(44 + blocks * block.length * 2)
  })

  it('a recording cut off before close (streaming sizes in the header) reads to its last whole frame', async () => {
    const path = join(dir.path, 'cut.wav')
    const samples = noise(WAV_WRITE_BUFFER_BYTES) // 2 write buffers of mono
    const w = await createWavWriter(path, { sampleRate: 16000, channels: 1 })
    await w.write(samples)
    // the process "dies" here: copy what is on disk now, plus half a frame of garbage
    const onDisk = await readFile(path)
    const cut = join(dir.path, 'cut-copy.wav')
    await writeFile(cut, Buffer.concat([onDisk, Buffer.from([7])]))
    await w.close()
    const back = await readAllSamples(cut)
    expect(back.samples.length).toBe((onDisk.length - 44) / 2)
    expect(back.samples).toEqual(samples.subarray(0, back.samples.length))
  })

  it('skips other chunks before the data (odd sizes padded), reads WAVE_FORMAT_EXTENSIBLE PCM, and clamps a data size past the end of the file', async () => {
    const path = join(dir.path, 'ext.wav')
    const ext = new Uint8Array(40)
    ext.set(fmtBody(0xfffe, 2, 32000, 16))
    const v = new DataView(ext.buffer)
    v.setUint16(16, 22, true) // cbSize
    v.setUint16(18, 16, true) // valid bits
    v.setUint32(20, 3, true) // channel mask
    ext.set([0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 24)
    const data = noise(200)
    await writeChunks(path, [
      ['LIST', new Uint8Array(13).fill(1)],
      ['fmt ', ext],
      ['fact', new Uint8Array(4)],
      ['data', new Uint8Array(data.buffer), 1_000_000]
    ])
    const back = await readAllSamples(path)
    expect(back.format).toEqual({ sampleRate: 32000, channels: 2 })
    expect(back.samples).toEqual(data)
  })

  it('an empty recording is a valid WAV with no frames', async () => {
    const path = join(dir.path, 'empty.wav')
    await (await createWavWriter(path, { sampleRate: 8000, channels: 1 })).close()
    const r = await openWavReader(path)
    expect(r.frames).toBe(0)
    expect(await r.read(10)).toEqual(new Int16Array(0))
    await r.close()
  })
})

describe('WAV: files that are not what calls play are refused', () => {
  const pcm = (channels = 1, rate = 48000, bits = 16): Array<[string, Uint8Array]> => [['fmt ', fmtBody(1, channels, rate, bits)], ['data', new Uint8Array(8)]]
  const cases: Array<[string, (path: string) => Promise<void>, typeof WavFormatError | typeof WavUnsupportedError]> = [
    ['an empty file', async p => { await writeFile(p, '') }, WavFormatError],
    ['a text file', async p => { await writeFile(p, 'hello, this is not a sound at all') }, WavFormatError],
    ['a RIFF that is not WAVE (AVI)', async p => { await writeChunks(p, pcm(), { wave: 'AVI ' }) }, WavFormatError],
    ['a RIFX (big-endian) file', async p => { await writeChunks(p, pcm(), { riff: 'RIFX' }) }, WavFormatError],
    ['a header cut in the middle of the fmt chunk', async p => { await writeFile(p, (await buildBytes(pcm())).subarray(0, 30)) }, WavFormatError],
    ['no fmt chunk', async p => { await writeChunks(p, [['data', new Uint8Array(8)]]) }, WavFormatError],
    ['no data chunk', async p => { await writeChunks(p, [['fmt ', fmtBody(1, 1, 48000, 16)]]) }, WavFormatError],
    ['a fmt chunk of 12 bytes', async p => { await writeChunks(p, [['fmt ', fmtBody(1, 1, 48000, 16).subarray(0, 12)], ['data', new Uint8Array(8)]]) }, WavFormatError],
    ['a block align that does not match', async p => { await writeChunks(p, [['fmt ', fmtBody(1, 2, 48000, 16, 2)], ['data', new Uint8Array(8)]]) }, WavFormatError],
    [`more than ${MAX_WAV_CHUNKS_BEFORE_DATA} chunks before the data`, async p => { await writeChunks(p, [['fmt ', fmtBody(1, 1, 48000, 16)], ...Array.from({ length: MAX_WAV_CHUNKS_BEFORE_DATA }, (): [string, Uint8Array] => ['junk', new Uint8Array(2)]), ['data', new Uint8Array(8)]]) }, WavFormatError],
    [`a fmt chunk larger than ${MAX_WAV_FMT_BYTES} bytes`, async p => {
      const big = new Uint8Array(MAX_WAV_FMT_BYTES + 2)
      big.set(fmtBody(1, 1, 48000, 16))
      await writeChunks(p, [['fmt ', big], ['data', new Uint8Array(8)]])
    }, WavUnsupportedError],
    ['floating-point samples', async p => { await writeChunks(p, [['fmt ', fmtBody(3, 1, 48000, 32)], ['data', new Uint8Array(8)]]) }, WavUnsupportedError],
    ['µ-law', async p => { await writeChunks(p, [['fmt ', fmtBody(7, 1, 8000, 8)], ['data', new Uint8Array(8)]]) }, WavUnsupportedError],
    ['8-bit PCM', async p => { await writeChunks(p, pcm(1, 48000, 8)) }, WavUnsupportedError],
    ['24-bit PCM', async p => { await writeChunks(p, pcm(1, 48000, 24)) }, WavUnsupportedError],
    ['six channels', async p => { await writeChunks(p, pcm(6)) }, WavUnsupportedError],
    ['no channels', async p => { await writeChunks(p, [['fmt ', fmtBody(1, 0, 48000, 16, 0)], ['data', new Uint8Array(8)]]) }, WavUnsupportedError],
    ['an uncommon rate (7 kHz)', async p => { await writeChunks(p, pcm(1, 7000)) }, WavUnsupportedError],
    ['a huge rate', async p => { await writeChunks(p, pcm(1, 0xffffffff / 2)) }, WavUnsupportedError],
    ['extensible with a float subformat', async p => {
      const ext = new Uint8Array(40)
      ext.set(fmtBody(0xfffe, 1, 48000, 16))
      ext.set([0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 24)
      await writeChunks(p, [['fmt ', ext], ['data', new Uint8Array(8)]])
    }, WavUnsupportedError]
  ]
  for (const [what, make, error] of cases) {
    it(`${what}: ${error.name}`, async () => {
      const path = join(dir.path, 'bad.wav')
      await make(path)
      await expect(openWavReader(path)).rejects.toBeInstanceOf(error)
    })
  }

  it.runIf(existsSync('/proc/self/fd'))('the reader closes the file it refused (no descriptor left open)', async () => {
    const path = join(dir.path, 'bad.wav')
    await writeFile(path, 'not a wav')
    const before = await openCount()
    for (let i = 0; i < 20; i++) await expect(openWavReader(path)).rejects.toBeInstanceOf(WavFormatError)
    expect(await openCount()).toBe(before)
  })

  it('the writer refuses formats it cannot write, samples that are not whole frames, and writes after close', async () => {
    await expect(createWavWriter(join(dir.path, 'x.wav'), { sampleRate: 7000, channels: 1 })).rejects.toBeInstanceOf(WavUnsupportedError)
    await expect(createWavWriter(join(dir.path, 'x.wav'), { sampleRate: 48000, channels: 3 as 1 })).rejects.toBeInstanceOf(WavUnsupportedError)
    const w = await createWavWriter(join(dir.path, 'y.wav'), { sampleRate: 48000, channels: 2 })
    await expect(w.write(new Int16Array(3))).rejects.toBeInstanceOf(RangeError)
    await w.write(new Int16Array(4))
    await w.close()
    await expect(w.write(new Int16Array(2))).rejects.toThrow(/closed/)
    expect(await w.close()).toEqual({ frames: 2 })
  })

  it('an aborted signal stops opening and writing before any work', async () => {
    const signal = AbortSignal.abort(new Error('gone'))
    await expect(openWavReader(join(dir.path, 'none.wav'), { signal })).rejects.toThrow('gone')
    await expect(createWavWriter(join(dir.path, 'none.wav'), { sampleRate: 48000, channels: 1 }, { signal })).rejects.toThrow('gone')
    await expect(stat(join(dir.path, 'none.wav'))).rejects.toThrow()
  })
})

async function buildBytes (chunks: Array<[string, Uint8Array]>): Promise<Buffer> {
  const p = join(dir.path, 'tmp-build.wav')
  await writeChunks(p, chunks)
  return await readFile(p)
}

/** Open file descriptors of this process (Linux). */
async function openCount (): Promise<number> {
  return (await readdir('/proc/self/fd')).length
}
