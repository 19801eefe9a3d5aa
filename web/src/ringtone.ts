// The call tones, drawn with WebAudio (no sound file to load): the ring of an incoming call and the ringback a caller hears while the other side rings. Knows nothing of calls: started and stopped by the call state.

export type TonePattern = 'ring' | 'ringback'

interface Pattern {
  /** each burst: start in the period (s), length (s), frequencies (Hz) played together */
  bursts: Array<{ at: number, length: number, hz: number[] }>
  /** the pattern repeats this often (s) */
  period: number
}

/**
 * Ring: two short rising beeps every 2.5 s, easy to tell from the ringback. Ringback: 425 Hz, 1 s on, 4 s off
 * (ITU-T E.180's most common ringing tone), what a caller in most countries expects to hear.
 */
export const PATTERNS: Record<TonePattern, Pattern> = {
  ring: { bursts: [{ at: 0, length: 0.35, hz: [660] }, { at: 0.5, length: 0.35, hz: [880] }], period: 2.5 },
  ringback: { bursts: [{ at: 0, length: 1, hz: [425] }], period: 5 }
}

/** Quiet enough not to startle: a tone, not an alarm. */
const VOLUME = 0.12
/** Each burst fades in and out over this long (s): a hard edge clicks. */
const RAMP_S = 0.02

export class Tone {
  /** the pattern playing, if any */
  playing: TonePattern | undefined
  private ctx: AudioContext | undefined
  private timer: ReturnType<typeof setInterval> | undefined

  /** Starts `pattern` (the one playing stops first). Silent where the page has no WebAudio. */
  start (pattern: TonePattern): void {
    if (this.playing === pattern) return
    this.stop()
    this.playing = pattern
    if (typeof AudioContext === 'undefined') return
    const ctx = new AudioContext()
    this.ctx = ctx
    // a tab that has had no click yet starts its audio suspended: asked to resume, it may refuse (no sound, no error)
    if (ctx.state === 'suspended') ctx.resume().catch(() => {})
    const p = PATTERNS[pattern]
    const cycle = (): void => {
      const t0 = ctx.currentTime + 0.05
      for (const b of p.bursts) {
        const gain = ctx.createGain()
        gain.gain.setValueAtTime(0, t0 + b.at)
        gain.gain.linearRampToValueAtTime(VOLUME / b.hz.length, t0 + b.at + RAMP_S)
        gain.gain.setValueAtTime(VOLUME / b.hz.length, t0 + b.at + b.length - RAMP_S)
        gain.gain.linearRampToValueAtTime(0, t0 + b.at + b.length)
        gain.connect(ctx.destination)
        for (const hz of b.hz) {
          const osc = ctx.createOscillator()
          osc.frequency.value = hz
          osc.connect(gain)
          osc.start(t0 + b.at)
          osc.stop(t0 + b.at + b.length)
        }
      }
    }
    cycle()
    this.timer = setInterval(cycle, p.period * 1000)
  }

  /** Stops the tone and releases the audio device. */
  stop (): void {
    this.playing = undefined
    if (this.timer != null) clearInterval(this.timer)
    this.timer = undefined
    const ctx = this.ctx
    this.ctx = undefined
    if (ctx != null) ctx.close().catch(() => {})
  }
}
