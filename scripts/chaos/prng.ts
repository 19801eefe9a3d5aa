/** A small seeded PRNG (sfc32 seeded through splitmix32) for the chaos harness: the same seed gives the same kill schedule and traffic plan. Knows nothing of Parley. */

/** splitmix32: spreads one 32-bit seed over the generator's state words. */
function splitmix32 (seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

export class Prng {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor (readonly seed: number) {
    const mix = splitmix32(seed)
    this.a = mix()
    this.b = mix()
    this.c = mix()
    this.d = mix()
    for (let i = 0; i < 12; i++) this.next()
  }

  /** A float in [0, 1). */
  next (): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0
    this.d = (this.d + 1) >>> 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) >>> 0
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0
    this.c = (this.c + t) >>> 0
    return t / 4294967296
  }

  /** A float in [min, max). */
  between (min: number, max: number): number {
    return min + (max - min) * this.next()
  }

  /** An integer in [0, n). */
  int (n: number): number {
    return Math.floor(this.next() * n)
  }

  /** The indexes 0..n-1 in a random order (Fisher–Yates). */
  permutation (n: number): number[] {
    const out = Array.from({ length: n }, (_, i) => i)
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1)
      ;[out[i], out[j]] = [out[j], out[i]]
    }
    return out
  }
}

/** A fresh 32-bit seed when none is given (CHAOS_SEED / --seed replay one). */
export function randomSeed (): number {
  return Math.floor(Math.random() * 4294967296) >>> 0
}

/** Parses a seed given as decimal or 0x-hex; throws on anything else. */
export function parseSeed (text: string): number {
  const n = /^0x[0-9a-f]+$/i.test(text) ? Number.parseInt(text, 16) : /^\d+$/.test(text) ? Number(text) : NaN
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`bad seed '${text}': a 32-bit unsigned integer`)
  return n
}
