// Directory scrypts do not take libuv's whole thread pool: a store operation issued behind a burst of them
// (first contacts: one hash per new number) runs at once instead of waiting for the hashes to finish.
import { describe, expect, it } from 'vitest'
import { stat } from 'node:fs/promises'
import { DIRECTORY_SCRYPT, nativeProvider } from '../../src/crypto/index.js'
import { SCRYPT_CONCURRENCY, threadPoolSize } from '../../src/crypto/provider-native.js'

describe('native scrypt and the thread pool', () => {
  it('a thread-pool job issued after more scrypts than the pool has threads finishes before the first of them', async () => {
    const native = nativeProvider()
    if (native === undefined) throw new Error('native provider missing in Node')
    const poolSize = threadPoolSize()
    expect(SCRYPT_CONCURRENCY).toBeLessThan(poolSize)
    const order: string[] = []
    const salt = new Uint8Array(16).fill(7)
    const hashes = Array.from({ length: poolSize + 1 }, async (_, i) => {
      const h = await native.scrypt(new TextEncoder().encode(`+1555000${String(i).padStart(4, '0')}`), salt, DIRECTORY_SCRYPT)
      order.push(`scrypt ${i}`)
      return h
    })
    // fs.stat runs on the same pool as LevelDB's reads and writes
    const store = stat(import.meta.dirname).then(() => { order.push('stat') })
    await Promise.all([...hashes, store])
    expect(order[0]).toBe('stat')
    // every hash is still computed
    expect(order.slice(1).sort()).toEqual(Array.from({ length: poolSize + 1 }, (_, i) => `scrypt ${i}`).sort())
  })
})
