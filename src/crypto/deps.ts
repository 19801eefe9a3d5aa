/** What the crypto layer takes from outside: a randomness source and a primitive provider; knows no clock and no I/O. */
import { defaultProvider } from './default-provider.js'
import type { CryptoProvider } from './provider.js'

/** Returns `n` fresh random bytes. Tests pass a seeded generator; apps pass `systemRandom`. */
export type RandomSource = (n: number) => Uint8Array

export interface CryptoDeps {
  random: RandomSource
  /** defaults to `defaultProvider()` (node:crypto in Node, noble elsewhere) */
  provider?: CryptoProvider
}

/** Web Crypto CSPRNG (`globalThis.crypto.getRandomValues`, present in Node ≥ 19 and browsers). Never used implicitly. */
export const systemRandom: RandomSource = (n) => {
  const out = new Uint8Array(n)
  for (let off = 0; off < n; off += 65536) globalThis.crypto.getRandomValues(out.subarray(off, Math.min(n, off + 65536)))
  return out
}

export function providerOf (deps?: { provider?: CryptoProvider }): CryptoProvider {
  return deps?.provider ?? defaultProvider()
}
