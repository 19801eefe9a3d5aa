/** WAV files for calls from Node: a streaming reader and a streaming writer of RIFF/WAVE PCM 16-bit mono or stereo. Knows no WebRTC, no call and no track. */
import { open, type FileHandle } from 'node:fs/promises'
import type { AbortOptions } from '@libp2p/interface'
import { raceSignal } from '../../util/abort.js'

/** The one sample format calls read and write: signed 16-bit little-endian PCM, interleaved when stereo. */
export interface WavFormat {
  sampleRate: number
  channels: 1 | 2
}

/** Rates a WAV may have: the common ones from telephone (8 kHz) to studio (96 kHz); anything else is refused as unsupported. */
export const WAV_SAMPLE_RATES: readonly number[] = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000]
/** A WAV with more chunks than this before its `data` chunk is refused: real files have a handful (fmt, LIST, fact, …), and a crafted one must not make us read headers forever. */
export const MAX_WAV_CHUNKS_BEFORE_DATA = 64
/** The largest `fmt ` chunk read (WAVE_FORMAT_EXTENSIBLE is 40 bytes): a bigger one is not a PCM format we play. */
export const MAX_WAV_FMT_BYTES = 256
/** The largest data chunk the 32-bit RIFF sizes can describe (the RIFF size counts 36 header bytes besides the data). */
const MAX_WAV_DATA_BYTES = 0xffff_ffff - 36
/** The writer flushes to the file once this many bytes are waiting: a few writes a second, never the whole recording in memory. */
export const WAV_WRITE_BUFFER_BYTES = 64 * 1024

const HEADER_BYTES = 44
const FORMAT_PCM = 1
const FORMAT_EXTENSIBLE = 0xfffe
/** Bytes 2…15 of the KSDATAFORMAT_SUBTYPE_PCM GUID (its first two bytes are the format tag, 0x0001). */
const PCM_SUBFORMAT_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71]
/** A data size of 0xFFFFFFFF is what streaming encoders write when they cannot seek back: the data runs to the end of the file. */
const UNKNOWN_SIZE = 0xffff_ffff

/** The file is not a RIFF/WAVE file, or its chunks are broken (truncated header, no `fmt ` or `data` chunk, too many chunks). */
export class WavFormatError extends Error {
  static name = 'WavFormatError'
  constructor (message: string) {
    super(message)
    this.name = 'WavFormatError'
  }
}

/** The file is a WAV, but not one calls play: not 16-bit PCM, not mono or stereo, or an uncommon sample rate. */
export class WavUnsupportedError extends Error {
  static name = 'WavUnsupportedError'
  constructor (message: string) {
    super(message)
    this.name = 'WavUnsupportedError'
  }
}

/** A recording grew past what a WAV's 32-bit sizes can hold (MAX_WAV_DATA_BYTES); what was written before stays readable. */
export class WavTooLongError extends Error {
  static name = 'WavTooLongError'
  constructor () {
    super(`a WAV file holds at most ${MAX_WAV_DATA_BYTES} bytes of samples`)
    this.name = 'WavTooLongError'
  }
}

/** Reads a WAV's samples from the start of its data, a block at a time. */
export interface WavReader {
  readonly format: WavFormat
  /** Sample frames in the data chunk (one frame = one sample per channel). */
  readonly frames: number
  /** Up to `frames` frames from the current position, interleaved; an empty array at the end of the data. */
  read: (frames: number, options?: AbortOptions) => Promise<Int16Array>
  /** Back to the first frame (for looping). */
  rewind: () => void
  close: () => Promise<void>
}

/** Appends samples to a WAV file as they come; `close` writes the final sizes into the header. */
export interface WavWriter {
  readonly format: WavFormat
  /** Frames accepted so far (written or waiting in the buffer). */
  readonly frames: number
  /** Appends interleaved samples (a whole number of frames). Writes are kept in order; the first failure fails every later call. */
  write: (samples: Int16Array, options?: AbortOptions) => Promise<void>
  /** Flushes, fixes the RIFF and data sizes, closes the file; resolves with the frames in the file. Calling it again returns the same. An abort ends the wait, not the close. */
  close: (options?: AbortOptions) => Promise<{ frames: number }>
}

const tag = (bytes: Uint8Array, at: number): string => String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3])

async function readAt (fh: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buf = new Uint8Array(length)
  let done = 0
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done)
    if (bytesRead === 0) break
    done += bytesRead
  }
  return done === length ? buf : buf.subarray(0, done)
}

/** The format in a `fmt ` chunk's body, refused unless it is 16-bit PCM, mono or stereo, at a common rate. */
function parseFmt (body: Uint8Array): WavFormat {
  if (body.length < 16) throw new WavFormatError('the fmt chunk is shorter than 16 bytes')
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength)
  let formatTag = view.getUint16(0, true)
  const channels = view.getUint16(2, true)
  const sampleRate = view.getUint32(4, true)
  const blockAlign = view.getUint16(12, true)
  const bitsPerSample = view.getUint16(14, true)
  if (formatTag === FORMAT_EXTENSIBLE) {
    if (body.length < 40) throw new WavFormatError('the extensible fmt chunk is shorter than 40 bytes')
    const pcm = view.getUint16(24, true) === FORMAT_PCM && PCM_SUBFORMAT_TAIL.every((b, i) => body[26 + i] === b)
    formatTag = pcm ? FORMAT_PCM : -1
  }
  if (formatTag !== FORMAT_PCM) throw new WavUnsupportedError('only PCM WAV files are supported (not compressed or floating-point)')
  if (bitsPerSample !== 16) throw new WavUnsupportedError(`only 16-bit samples are supported, not ${bitsPerSample}-bit`)
  if (channels !== 1 && channels !== 2) throw new WavUnsupportedError(`only mono or stereo is supported, not ${channels} channels`)
  if (!WAV_SAMPLE_RATES.includes(sampleRate)) throw new WavUnsupportedError(`unsupported sample rate ${sampleRate} Hz`)
  if (blockAlign !== channels * 2) throw new WavFormatError(`block align ${blockAlign} does not match ${channels} channel(s) of 16 bits`)
  return { sampleRate, channels }
}

/** Opens a WAV and reads its header: the RIFF/WAVE tags, the `fmt ` chunk, and the position and size of the `data` chunk (other chunks are skipped). */
export async function openWavReader (path: string, options: AbortOptions = {}): Promise<WavReader> {
  options.signal?.throwIfAborted()
  const fh = await open(path, 'r')
  try {
    const { size } = await fh.stat()
    const riff = await readAt(fh, 0, 12)
    if (riff.length < 12 || tag(riff, 0) !== 'RIFF' || tag(riff, 8) !== 'WAVE') throw new WavFormatError('not a RIFF/WAVE file')
    let position = 12
    let format: WavFormat | undefined
    for (let chunk = 0; ; chunk++) {
      options.signal?.throwIfAborted()
      if (chunk >= MAX_WAV_CHUNKS_BEFORE_DATA) throw new WavFormatError(`no data chunk within the first ${MAX_WAV_CHUNKS_BEFORE_DATA} chunks`)
      const head = await readAt(fh, position, 8)
      if (head.length < 8) throw new WavFormatError(format == null ? 'no fmt chunk' : 'no data chunk')
      const id = tag(head, 0)
      const length = new DataView(head.buffer, head.byteOffset, 8).getUint32(4, true)
      const body = position + 8
      if (id === 'fmt ') {
        if (length > MAX_WAV_FMT_BYTES) throw new WavUnsupportedError(`a fmt chunk of ${length} bytes is not PCM`)
        format = parseFmt(await readAt(fh, body, length))
      } else if (id === 'data') {
        if (format == null) throw new WavFormatError('the data chunk comes before the fmt chunk')
        const available = size - body
        const bytes = length === UNKNOWN_SIZE ? available : Math.min(length, available)
        return reader(fh, format, body, Math.floor(Math.max(0, bytes) / (format.channels * 2)))
      }
      position = body + length + (length % 2) // chunks are padded to an even length
    }
  } catch (err) {
    await fh.close()
    throw err
  }
}

function reader (fh: FileHandle, format: WavFormat, dataStart: number, frames: number): WavReader {
  const frameBytes = format.channels * 2
  let next = 0
  let closed = false
  return {
    format,
    frames,
    read: async (count, options = {}) => {
      options.signal?.throwIfAborted()
      if (closed) throw new Error('the WAV reader is closed')
      const want = Math.max(0, Math.min(Math.floor(count), frames - next))
      const bytes = await readAt(fh, dataStart + next * frameBytes, want * frameBytes)
      const got = Math.floor(bytes.length / frameBytes)
      next += got
      if (got < want) next = frames // the file was cut short under us: this is its end
      const view = new DataView(bytes.buffer, bytes.byteOffset, got * frameBytes)
      const samples = new Int16Array(got * format.channels)
      for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(i * 2, true)
      return samples
    },
    rewind: () => { next = 0 },
    close: async () => {
      if (closed) return
      closed = true
      await fh.close()
    }
  }
}

/** The 44-byte header of a PCM WAV holding `dataBytes` bytes of samples (UNKNOWN_SIZE: data to the end of the file, in both sizes). */
function header (format: WavFormat, dataBytes: number): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES)
  const view = new DataView(bytes.buffer)
  const ascii = (at: number, s: string): void => { for (let i = 0; i < 4; i++) bytes[at + i] = s.charCodeAt(i) }
  ascii(0, 'RIFF')
  view.setUint32(4, dataBytes === UNKNOWN_SIZE ? UNKNOWN_SIZE : 36 + dataBytes, true)
  ascii(8, 'WAVE')
  ascii(12, 'fmt ')
  view.setUint32(16, 16, true)
  view.setUint16(20, FORMAT_PCM, true)
  view.setUint16(22, format.channels, true)
  view.setUint32(24, format.sampleRate, true)
  view.setUint32(28, format.sampleRate * format.channels * 2, true)
  view.setUint16(32, format.channels * 2, true)
  view.setUint16(34, 16, true)
  ascii(36, 'data')
  view.setUint32(40, dataBytes, true)
  return bytes
}

async function writeAt (fh: FileHandle, data: Uint8Array, position: number): Promise<void> {
  let done = 0
  while (done < data.length) {
    const { bytesWritten } = await fh.write(data, done, data.length - done, position + done)
    done += bytesWritten
  }
}

/**
 * Creates (or truncates) a WAV file at `path` and returns its writer. The header is written at once with the streaming
 * sizes (0xFFFFFFFF: data to the end of the file), so a recording cut off by a crash is still a WAV this reader (and
 * common tools) read to its last whole frame; `close` writes the real sizes.
 */
export async function createWavWriter (path: string, format: WavFormat, options: AbortOptions = {}): Promise<WavWriter> {
  options.signal?.throwIfAborted()
  if (format.channels !== 1 && format.channels !== 2) throw new WavUnsupportedError(`only mono or stereo is supported, not ${String(format.channels)} channels`)
  if (!WAV_SAMPLE_RATES.includes(format.sampleRate)) throw new WavUnsupportedError(`unsupported sample rate ${format.sampleRate} Hz`)
  const fh = await open(path, 'w')
  try {
    await writeAt(fh, header(format, UNKNOWN_SIZE), 0)
  } catch (err) {
    await fh.close()
    throw err
  }
  const frameBytes = format.channels * 2
  let accepted = 0 // bytes accepted by write(), flushed or not
  let written = 0 // bytes of data in the file
  let pending: Uint8Array[] = []
  let pendingBytes = 0
  let queue: Promise<void> = Promise.resolve()
  let failure: unknown
  let closing: Promise<{ frames: number }> | undefined

  /** Runs `step` after every earlier step; a failure is kept and fails every later step. */
  const serial = async (step: () => Promise<void>): Promise<void> => {
    const run = queue.then(async () => {
      if (failure != null) throw failure
      try {
        await step()
      } catch (err) {
        failure ??= err
        throw err
      }
    })
    queue = run.catch(() => {})
    await run
  }

  const flush = async (): Promise<void> => {
    if (pendingBytes === 0) return
    const chunk = new Uint8Array(pendingBytes)
    let at = 0
    for (const p of pending) { chunk.set(p, at); at += p.length }
    pending = []
    pendingBytes = 0
    await writeAt(fh, chunk, HEADER_BYTES + written)
    written += chunk.length
  }

  return {
    format,
    get frames () { return accepted / frameBytes },
    write: async (samples, opts = {}) => {
      opts.signal?.throwIfAborted()
      if (closing != null) throw new Error('the WAV writer is closed')
      if (failure != null) throw failure
      if (samples.length % format.channels !== 0) throw new RangeError(`${samples.length} samples are not whole frames of ${format.channels} channels`)
      if (accepted + samples.length * 2 > MAX_WAV_DATA_BYTES) throw new WavTooLongError()
      const bytes = new Uint8Array(samples.length * 2)
      const view = new DataView(bytes.buffer)
      for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i], true)
      accepted += bytes.length
      pending.push(bytes)
      pendingBytes += bytes.length
      if (pendingBytes >= WAV_WRITE_BUFFER_BYTES) await serial(flush)
    },
    close: async (opts = {}) => {
      closing ??= (async () => {
        try {
          await serial(async () => {
            await flush()
            await writeAt(fh, header(format, written), 0)
          })
          return { frames: written / frameBytes }
        } finally {
          await fh.close()
        }
      })()
      // an abort ends the wait, not the close: the file is finished either way
      return await raceSignal(closing, opts.signal)
    }
  }
}
