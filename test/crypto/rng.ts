/** Seeded deterministic randomness for tests: ChaCha20 keystream from a 32-byte seed derived from a label. */
import { chacha20 } from '@noble/ciphers/chacha.js'
import { sha256 } from '@noble/hashes/sha2.js'
import type { RandomSource } from '../../src/crypto/index.js'

export interface SeededRng {
  random: RandomSource
  /** uniform integer in [0, n) */
  int: (n: number) => number
  shuffle: <T>(a: T[]) => T[]
}

export function seededRng (label: string): SeededRng {
  const key = sha256(new TextEncoder().encode(label))
  let counter = 0
  const random: RandomSource = (n) => {
    const nonce = new Uint8Array(12)
    new DataView(nonce.buffer).setUint32(0, counter++, true)
    return chacha20(key, nonce, new Uint8Array(n))
  }
  const int = (n: number): number => {
    const b = random(4)
    return Math.floor((new DataView(b.buffer).getUint32(0, true) / 2 ** 32) * n)
  }
  const shuffle = <T>(a: T[]): T[] => {
    for (let i = a.length - 1; i > 0; i--) {
      const j = int(i + 1)
      const t = a[i]; a[i] = a[j]; a[j] = t
    }
    return a
  }
  return { random, int, shuffle }
}
