// Deterministic randomness for tests: a ChaCha20 keystream keyed by a seed (a label or a number); `random` is a RandomSource for crypto deps, the other methods make a test's choices.
import { chacha20 } from '@noble/ciphers/chacha.js'
import { sha256 } from '@noble/hashes/sha2.js'
import type { RandomSource } from '../../src/crypto/index.js'

export class SeededRandom {
  private readonly key: Uint8Array
  private counter = 0

  /** The same seed gives the same stream; a number seeds like its decimal label. */
  constructor (seed: string | number) {
    this.key = sha256(new TextEncoder().encode(String(seed)))
  }

  /** The next `n` bytes of the stream (pass it where a RandomSource is asked for). */
  random: RandomSource = (n) => {
    const nonce = new Uint8Array(12)
    new DataView(nonce.buffer).setUint32(0, this.counter++, true)
    return chacha20(this.key, nonce, new Uint8Array(n))
  }

  u32 (): number {
    return new DataView(this.random(4).buffer).getUint32(0, true)
  }

  /** Integer in [0, n). */
  int (n: number): number {
    return Math.floor((this.u32() / 2 ** 32) * n)
  }

  /** True with probability p. */
  chance (p: number): boolean {
    return this.u32() / 2 ** 32 < p
  }

  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T> (items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const t = items[i]
      items[i] = items[j]
      items[j] = t
    }
    return items
  }
}
