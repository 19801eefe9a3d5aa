/** Audio for the call tests: sine samples, WAV files of them, a raw WAV header builder for malformed files, and tone levels by the Goertzel recurrence, and a tone microphone for @roamhq/wrtc calls. Knows no call. */
import wrtc from '@roamhq/wrtc'
import { writeFile } from 'node:fs/promises'
import { createWavWriter, openWavReader, type WavFormat } from '../../src/calls/node/wav.js'

/** `frames` frames of a sine at `freq` (amplitude `amp` of full scale), the same on every channel, starting at phase 0. */
export function sineSamples (freq: number, frames: number, format: WavFormat, amp = 0.5): Int16Array {
  const out = new Int16Array(frames * format.channels)
  for (let i = 0; i < frames; i++) {
    const v = Math.round(32767 * amp * Math.sin(2 * Math.PI * freq * i / format.sampleRate))
    for (let c = 0; c < format.channels; c++) out[i * format.channels + c] = v
  }
  return out
}

/** Writes a WAV of a sine with the project's writer. */
export async function writeSineWav (path: string, freq: number, seconds: number, format: WavFormat): Promise<Int16Array> {
  const samples = sineSamples(freq, Math.round(seconds * format.sampleRate), format)
  const w = await createWavWriter(path, format)
  await w.write(samples)
  await w.close()
  return samples
}

/** Every sample of a WAV, read with the project's reader in blocks. */
export async function readAllSamples (path: string): Promise<{ format: WavFormat, samples: Int16Array }> {
  const r = await openWavReader(path)
  try {
    const out = new Int16Array(r.frames * r.format.channels)
    let at = 0
    for (;;) {
      const block = await r.read(1000)
      if (block.length === 0) break
      out.set(block, at)
      at += block.length
    }
    return { format: r.format, samples: out.subarray(0, at) }
  } finally {
    await r.close()
  }
}

/** A RIFF/WAVE file from chunks given as [id, body]; `riff`/`wave` replace the outer tags (to make files that are not WAVs). */
export async function writeChunks (path: string, chunks: Array<[string, Uint8Array, number?]>, tags: { riff?: string, wave?: string } = {}): Promise<void> {
  const parts: Uint8Array[] = []
  for (const [id, body, declared] of chunks) {
    const head = new Uint8Array(8)
    head.set(Buffer.from(id, 'latin1'))
    new DataView(head.buffer).setUint32(4, declared ?? body.length, true)
    parts.push(head, body)
    if (body.length % 2 === 1) parts.push(new Uint8Array(1))
  }
  const size = parts.reduce((n, p) => n + p.length, 4)
  const head = new Uint8Array(12)
  head.set(Buffer.from(tags.riff ?? 'RIFF', 'latin1'))
  new DataView(head.buffer).setUint32(4, size, true)
  head.set(Buffer.from(tags.wave ?? 'WAVE', 'latin1'), 8)
  await writeFile(path, Buffer.concat([head, ...parts]))
}

/** A `fmt ` chunk body: [formatTag, channels, rate, bits], with blockAlign and byte rate derived unless given. */
export function fmtBody (formatTag: number, channels: number, rate: number, bits: number, blockAlign = channels * bits / 8): Uint8Array {
  const b = new Uint8Array(16)
  const v = new DataView(b.buffer)
  v.setUint16(0, formatTag, true)
  v.setUint16(2, channels, true)
  v.setUint32(4, rate, true)
  v.setUint32(8, rate * blockAlign, true)
  v.setUint16(12, blockAlign, true)
  v.setUint16(14, bits, true)
  return b
}

/** Amplitude (fraction of full scale) of `freq` in `block` (mono samples at `rate`). */
export function toneAmplitude (block: ArrayLike<number>, freq: number, rate: number): number {
  const coeff = 2 * Math.cos(2 * Math.PI * freq / rate)
  let s1 = 0
  let s2 = 0
  for (let i = 0; i < block.length; i++) {
    const s = block[i] / 32768 + coeff * s1 - s2
    s2 = s1
    s1 = s
  }
  return 2 * Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - coeff * s1 * s2)) / block.length
}

export interface ToneReport {
  /** 100 ms blocks with sound (RMS above 0.05 of full scale). */
  voicedBlocks: number
  blocks: number
  /** Mean amplitude of each asked frequency over the voiced blocks. */
  levels: Record<number, number>
}

/** Splits mono samples into 100 ms blocks and measures the given frequencies where there is sound. */
export function toneReport (samples: Int16Array, rate: number, freqs: number[]): ToneReport {
  const size = rate / 10
  const levels: Record<number, number> = Object.fromEntries(freqs.map(f => [f, 0]))
  let voiced = 0
  let blocks = 0
  for (let at = 0; at + size <= samples.length; at += size, blocks++) {
    const block = samples.subarray(at, at + size)
    let energy = 0
    for (const x of block) energy += (x / 32768) ** 2
    if (Math.sqrt(energy / size) < 0.05) continue
    voiced++
    for (const f of freqs) levels[f] += toneAmplitude(block, f, rate)
  }
  for (const f of freqs) levels[f] = voiced === 0 ? 0 : levels[f] / voiced
  return { voicedBlocks: voiced, blocks, levels }
}

/**
 * A @roamhq/wrtc microphone playing a 440 Hz tone in 10 ms frames (a constant level would be filtered to silence by
 * the encoder and sent as next to nothing, so byte counts would crawl).
 */
export function toneMicrophone (): { track: MediaStreamTrack, stop: () => void } {
  const source = new wrtc.nonstandard.RTCAudioSource()
  const track = source.createTrack()
  let n = 0
  const timer = setInterval(() => {
    const samples = new Int16Array(480)
    for (let i = 0; i < samples.length; i++, n++) samples[i] = Math.round(8_000 * Math.sin(2 * Math.PI * 440 * n / 48_000))
    source.onData({ samples, sampleRate: 48_000, bitsPerSample: 16, channelCount: 1, numberOfFrames: 480 })
  }, 10)
  return { track: track as unknown as MediaStreamTrack, stop: () => { clearInterval(timer); track.stop() } }
}
