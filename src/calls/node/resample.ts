/** Sample-rate and channel conversion for Node's call audio: a streaming linear resampler and mono/stereo mixing of interleaved 16-bit PCM. Knows no file, no track and no call. */

/**
 * Converts a stream of interleaved 16-bit frames from one rate to another by linear interpolation between neighbouring
 * frames, keeping its position across blocks (so blocks of any size give the same output as one long block). Good for
 * speech and test tones; it does not filter, so content above the lower rate's Nyquist frequency folds back.
 */
export class LinearResampler {
  readonly from: number
  readonly to: number
  readonly channels: number
  /** Output frames made so far: output frame m falls at input frame m × from / to, computed in integers so block sizes cannot change it. */
  private produced = 0
  /** The input frame number of the held frame (the first frame interpolated from in the next block). */
  private base = 0
  private held: Int16Array | undefined

  constructor (from: number, to: number, channels: number) {
    if (!Number.isInteger(from) || !Number.isInteger(to) || from <= 0 || to <= 0) throw new RangeError(`sample rates must be positive integers, not ${from} → ${to}`)
    if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`channels must be a positive integer, not ${channels}`)
    this.from = from
    this.to = to
    this.channels = channels
  }

  /** The output for one block of interleaved input frames (a copy when the rates are equal). The last input frame is held until the next block, so output trails input by at most to / from frames. */
  push (input: Int16Array): Int16Array {
    const ch = this.channels
    if (input.length % ch !== 0) throw new RangeError(`${input.length} samples are not whole frames of ${ch} channels`)
    if (this.from === this.to) return input.slice()
    if (input.length === 0) return new Int16Array(0)
    // the frames interpolated over: the held frame of the previous block, then this block
    const frames = this.held == null ? input : concat(this.held, input)
    const n = frames.length / ch
    const last = this.base + n - 1 // input frame number of the last frame here
    // output frames m with m × from < last × to have both neighbours here
    const end = Math.ceil(last * this.to / this.from)
    const count = Math.max(0, end - this.produced)
    const out = new Int16Array(count * ch)
    for (let k = 0; k < count; k++) {
      const num = (this.produced + k) * this.from
      const whole = Math.floor(num / this.to)
      const i = whole - this.base
      const f = (num - whole * this.to) / this.to
      for (let c = 0; c < ch; c++) {
        const a = frames[i * ch + c]
        const b = frames[(i + 1) * ch + c]
        out[k * ch + c] = Math.round(a + (b - a) * f)
      }
    }
    this.produced += count
    this.base = last
    this.held = frames.slice((n - 1) * ch)
    return out
  }
}

function concat (a: Int16Array, b: Int16Array): Int16Array {
  const out = new Int16Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

/** Interleaved frames with `from` channels as frames with `to` channels (1 or 2): stereo to mono averages, mono to stereo copies. */
export function mixChannels (samples: Int16Array, from: number, to: 1 | 2): Int16Array {
  if (from === to) return samples
  if (!Number.isInteger(from) || from < 1) throw new RangeError(`channels must be a positive integer, not ${from}`)
  const frames = Math.floor(samples.length / from)
  const out = new Int16Array(frames * to)
  for (let i = 0; i < frames; i++) {
    if (to === 1) {
      let sum = 0
      for (let c = 0; c < from; c++) sum += samples[i * from + c]
      out[i] = Math.round(sum / from)
    } else {
      const left = samples[i * from]
      out[i * 2] = left
      out[i * 2 + 1] = from === 1 ? left : samples[i * from + 1]
    }
  }
  return out
}
