// The node:crypto provider on runtimes with fewer features: a fresh copy of the module is loaded for each test with
// a stand-in for node:crypto (no raw key import/export, no one-shot hash, no ML-KEM, none at all) and must still give
// noble's bytes; the DER wrappers it builds are zeroed; it is built once; stack traces are off only during a call;
// scrypt jobs are limited and their errors reach the caller; the thread-pool size is read as libuv reads it.
import { afterEach, describe, expect, it } from 'vitest'
import type * as nodeCrypto from 'node:crypto'
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js'
import { nobleProvider } from '../../src/crypto/provider-noble.js'
import { SeededRandom } from '../helpers/seeded-random.js'
import type { CryptoProvider } from '../../src/crypto/provider.js'
import * as nativeModule from '../../src/crypto/provider-native.js'
import { nativeProvider } from '../../src/crypto/default-provider.js'

type NativeModule = typeof nativeModule
type Fake = Record<string, unknown>

const real = process.getBuiltinModule('node:crypto') as typeof nodeCrypto
const originalGetBuiltinModule = process.getBuiltinModule
const originalPoolSize = process.env.UV_THREADPOOL_SIZE
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

afterEach(() => {
  process.getBuiltinModule = originalGetBuiltinModule
  if (originalPoolSize === undefined) delete process.env.UV_THREADPOOL_SIZE
  else process.env.UV_THREADPOOL_SIZE = originalPoolSize
})

/** node:crypto with the features left out that `without` names; every DER key passed to createPrivateKey is kept in `imported`. */
function fakeCrypto (without: { raw?: boolean, hash?: boolean, mlKem?: boolean } = {}): { c: Fake, imported: Uint8Array[], stackLimits: number[] } {
  const c: Fake = { ...real }
  const imported: Uint8Array[] = []
  const stackLimits: number[] = []
  const refuseRaw = (o: { format?: string }): void => { if (without.raw === true && typeof o === 'object' && String(o.format).startsWith('raw')) throw new TypeError('no raw keys here') }
  c.createPrivateKey = (o: nodeCrypto.PrivateKeyInput) => {
    refuseRaw(o)
    stackLimits.push(Error.stackTraceLimit)
    if (o.format === 'der') imported.push(o.key as Buffer)
    return real.createPrivateKey(o)
  }
  c.createPublicKey = (o: nodeCrypto.PublicKeyInput) => {
    refuseRaw(o)
    if (!(o instanceof real.KeyObject)) stackLimits.push(Error.stackTraceLimit) // an import, not the public half of a key
    return real.createPublicKey(o)
  }
  if (without.hash === true) delete c.hash
  if (without.mlKem === true) delete c.decapsulate
  return { c, imported, stackLimits }
}

/** A fresh copy of provider-native.ts (module state: the built provider, the scrypt slots); `load` builds it with getBuiltinModule('node:crypto') gives `c` (undefined: the module is missing). */
let copies = 0
async function freshModule (): Promise<NativeModule> {
  // a query makes a new module instance of this file only; its imports (errors, bytes, …) stay loaded once
  const path = `../../src/crypto/provider-native.js?copy=${++copies}`
  return await (import(/* @vite-ignore */ path) as Promise<NativeModule>)
}
function load (m: NativeModule, c: Fake | undefined): CryptoProvider | undefined {
  process.getBuiltinModule = ((id: string) => id === 'node:crypto' ? c : originalGetBuiltinModule(id)) as typeof process.getBuiltinModule
  try {
    return m.loadNativeProvider()
  } finally {
    process.getBuiltinModule = originalGetBuiltinModule
  }
}

/** Every provider operation on seeded inputs, against noble. */
function expectSameAsNoble (p: CryptoProvider): void {
  const rng = new SeededRandom('fallbacks')
  for (let i = 0; i < 4; i++) {
    const seed = rng.random(32)
    const x = rng.random(32)
    const peer = nobleProvider.x25519PublicKey(rng.random(32))
    const msg = rng.random(i * 40)
    expect(hex(p.x25519PublicKey(x))).toBe(hex(nobleProvider.x25519PublicKey(x)))
    expect(hex(p.x25519(x, peer))).toBe(hex(nobleProvider.x25519(x, peer)))
    expect(hex(p.ed25519PublicKey(seed))).toBe(hex(nobleProvider.ed25519PublicKey(seed)))
    const sig = p.ed25519Sign(seed, msg)
    expect(hex(sig)).toBe(hex(nobleProvider.ed25519Sign(seed, msg)))
    expect(p.ed25519Verify(nobleProvider.ed25519PublicKey(seed), msg, sig)).toBe(true)
    expect(p.ed25519Verify(peer, msg, sig)).toBe(false)
    expect(hex(p.sha256(msg))).toBe(hex(nobleProvider.sha256(msg)))
    expect(hex(p.sha512(msg))).toBe(hex(nobleProvider.sha512(msg)))
    expect(hex(p.hmacSha256(x, msg))).toBe(hex(nobleProvider.hmacSha256(x, msg)))
  }
}

describe('native provider on other runtimes', () => {
  it('without raw key import, one-shot hashing and ML-KEM it gives noble\'s bytes and zeroes the DER it built', async () => {
    const { c, imported } = fakeCrypto({ raw: true, hash: true, mlKem: true })
    const p = load(await freshModule(), c)
    if (p === undefined) throw new Error('no provider')
    expect(p.name).toBe('native')
    expectSameAsNoble(p)
    // the DER-wrapped private keys (X25519 and Ed25519) were imported and wiped afterwards
    expect(imported.length).toBeGreaterThan(0)
    for (const d of imported) expect(d.every(b => b === 0)).toBe(true)
    // no native ML-KEM: the caller falls back on noble
    const { publicKey, secretKey } = ml_kem768.keygen(new SeededRandom('kem').random(64))
    expect(p.mlKem768Decapsulate?.(secretKey, ml_kem768.encapsulate(publicKey).cipherText)).toBeUndefined()
  })

  it('with raw key import, ML-KEM keys still go in as DER, which is zeroed after the import', async () => {
    const { c, imported } = fakeCrypto()
    const p = load(await freshModule(), c)
    if (p === undefined) throw new Error('no provider')
    expect(p.name).toBe('native')
    expectSameAsNoble(p)
    expect(imported).toEqual([]) // curve keys went in raw
    const rng = new SeededRandom('kem raw')
    const { publicKey, secretKey } = ml_kem768.keygen(rng.random(64))
    const { cipherText, sharedSecret } = ml_kem768.encapsulate(publicKey, rng.random(32))
    expect(hex(p.mlKem768Decapsulate?.(secretKey, cipherText) ?? new Uint8Array(0))).toBe(hex(sharedSecret))
    expect(imported).toHaveLength(1)
    expect(imported[0]).toHaveLength(2400 + 28)
    expect(imported[0].every(b => b === 0)).toBe(true)
    // a key of another length, or one node:crypto refuses, is left to noble
    expect(p.mlKem768Decapsulate?.(secretKey.subarray(1), cipherText)).toBeUndefined()
    expect(p.mlKem768Decapsulate?.(new Uint8Array(2400), cipherText)).toBeUndefined()
  })

  it('refuses curve keys of 31 or 33 bytes with its own message, with and without raw import', async () => {
    for (const without of [{}, { raw: true }]) {
      const p = load(await freshModule(), fakeCrypto(without).c)
      if (p === undefined) throw new Error('no provider')
      for (const n of [31, 33]) {
        expect(() => p.x25519PublicKey(new Uint8Array(n).fill(1))).toThrow(expect.objectContaining({ name: 'InvalidKeyError', message: 'Private key must be 32 bytes' }))
        expect(() => p.ed25519Sign(new Uint8Array(n).fill(1), Uint8Array.of(1))).toThrow(expect.objectContaining({ name: 'InvalidKeyError', message: 'Private key must be 32 bytes' }))
        expect(() => p.x25519(new Uint8Array(32).fill(1), new Uint8Array(n).fill(9))).toThrow(expect.objectContaining({ name: 'InvalidKeyError', message: 'X25519 key agreement failed' }))
        expect(p.ed25519Verify(new Uint8Array(n).fill(9), Uint8Array.of(1), new Uint8Array(64))).toBe(false)
      }
      // a low-order peer key: OpenSSL refuses the all-zero result
      expect(() => p.x25519(new Uint8Array(32).fill(1), new Uint8Array(32))).toThrow(expect.objectContaining({ name: 'InvalidKeyError', message: 'X25519 key agreement failed' }))
    }
  })

  it('is built once: the same provider every time, and a missing node:crypto is not looked up again', async () => {
    const m = await freshModule()
    const p = load(m, fakeCrypto().c)
    expect(p).toBeDefined()
    expect(load(m, undefined)).toBe(p)
    // likewise the module as loaded normally (a static import, which also ties this file to it for \`vitest related\`)
    expect(nativeModule.loadNativeProvider()).toBe(nativeProvider())
    expect(nativeModule.loadNativeProvider()).toBe(nativeModule.loadNativeProvider())

    const missing = await freshModule()
    let lookups = 0
    process.getBuiltinModule = ((id: string) => { if (id === 'node:crypto') lookups++; return undefined }) as typeof process.getBuiltinModule
    try {
      expect(missing.loadNativeProvider()).toBeUndefined()
      expect(missing.loadNativeProvider()).toBeUndefined()
    } finally {
      process.getBuiltinModule = originalGetBuiltinModule
    }
    expect(lookups).toBe(1)
  })

  it('is undefined where getBuiltinModule is missing or throws', async () => {
    const m = await freshModule()
    const getter = process.getBuiltinModule
    try {
      process.getBuiltinModule = undefined as unknown as typeof process.getBuiltinModule
      expect(m.loadNativeProvider()).toBeUndefined()
    } finally {
      process.getBuiltinModule = getter
    }
    const throwing = await freshModule()
    try {
      process.getBuiltinModule = (() => { throw new Error('no such module') }) as typeof process.getBuiltinModule
      expect(throwing.loadNativeProvider()).toBeUndefined()
    } finally {
      process.getBuiltinModule = getter
    }
  })

  it('is undefined without a process object (a browser), where the thread pool counts as libuv\'s default', async () => {
    const m = await freshModule()
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'process')
    if (descriptor === undefined) throw new Error('no globalThis.process')
    let provider: CryptoProvider | undefined
    let poolSize = 0
    Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true, writable: true })
    try {
      provider = m.loadNativeProvider()
      poolSize = m.threadPoolSize()
    } finally {
      Object.defineProperty(globalThis, 'process', descriptor)
    }
    expect(provider).toBeUndefined()
    expect(poolSize).toBe(4)
  })

  it('turns stack traces off during key import only, and restores them after a failure too', async () => {
    const { c, stackLimits } = fakeCrypto()
    const p = load(await freshModule(), c)
    if (p === undefined) throw new Error('no provider')
    const original = Error.stackTraceLimit
    Error.stackTraceLimit = 17 // a value of our own: an earlier call that failed to restore it would show
    try {
      stackLimits.length = 0
      p.x25519PublicKey(new SeededRandom('quiet').random(32))
      expect(Error.stackTraceLimit).toBe(17)
      expect(() => p.x25519(new Uint8Array(32).fill(2), new Uint8Array(32))).toThrow(expect.objectContaining({ name: 'InvalidKeyError' }))
      expect(Error.stackTraceLimit).toBe(17)
      expect(stackLimits.length).toBeGreaterThan(0)
      expect(stackLimits.every(l => l === 0)).toBe(true)
    } finally {
      Error.stackTraceLimit = original
    }
  })

  it('leaves stack traces alone where Error.stackTraceLimit cannot be written', async () => {
    const descriptor = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')
    if (descriptor === undefined) throw new Error('no Error.stackTraceLimit')
    Object.defineProperty(Error, 'stackTraceLimit', { ...descriptor, writable: false })
    try {
      const { c, stackLimits } = fakeCrypto()
      const p = load(await freshModule(), c)
      if (p === undefined) throw new Error('no provider')
      stackLimits.length = 0
      const x = new SeededRandom('frozen').random(32)
      expect(hex(p.x25519PublicKey(x))).toBe(hex(nobleProvider.x25519PublicKey(x)))
      expect(stackLimits).toEqual([descriptor.value]) // the private key import, at the unchanged limit
    } finally {
      Object.defineProperty(Error, 'stackTraceLimit', descriptor)
    }
  })
})

describe('native scrypt', () => {
  it('runs at most SCRYPT_CONCURRENCY jobs at once, starting the waiting ones in order', async () => {
    const m = await freshModule()
    const { c } = fakeCrypto()
    const started: Array<{ password: string, done: (err: Error | null, key: Buffer) => void }> = []
    c.scrypt = (password: Uint8Array, _salt: unknown, _len: unknown, _opts: unknown, done: (err: Error | null, key: Buffer) => void) => {
      started.push({ password: Buffer.from(password).toString(), done })
    }
    const p = load(m, c)
    if (p === undefined) throw new Error('no provider')
    const params = { N: 2, r: 1, p: 1, dkLen: 4 }
    const jobs = Array.from({ length: m.SCRYPT_CONCURRENCY + 2 }, async (_, i) => await p.scrypt(Buffer.from(`job ${i}`), Uint8Array.of(1), params))
    const settle = async (): Promise<void> => { for (let i = 0; i < 5; i++) await new Promise(resolve => setImmediate(resolve)) }
    await settle()
    expect(started.map(s => s.password)).toEqual(Array.from({ length: m.SCRYPT_CONCURRENCY }, (_, i) => `job ${i}`))
    started[0].done(null, Buffer.from([0, 1, 2, 3]))
    await settle()
    expect(started.map(s => s.password)).toEqual(Array.from({ length: m.SCRYPT_CONCURRENCY + 1 }, (_, i) => `job ${i}`))
    // an error of the job reaches its caller, and its slot goes to the next one
    started[1].done(new Error('scrypt failed'), Buffer.alloc(0))
    await expect(jobs[1]).rejects.toThrow('scrypt failed')
    await settle()
    expect(started).toHaveLength(m.SCRYPT_CONCURRENCY + 2)
    for (let i = 2; i < started.length; i++) started[i].done(null, Buffer.from([i]))
    expect(Array.from(await jobs[0])).toEqual([0, 1, 2, 3])
    expect(Array.from(await jobs[jobs.length - 1])).toEqual([jobs.length - 1])
  })

  it('gives noble\'s bytes for small parameters and for more lanes than N (memory bound)', async () => {
    const m = await freshModule()
    const p = load(m, fakeCrypto().c)
    if (p === undefined) throw new Error('no provider')
    for (const params of [{ N: 16, r: 1, p: 1, dkLen: 16 }, { N: 2, r: 1, p: 4, dkLen: 32 }, { N: 1024, r: 8, p: 1, dkLen: 64 }]) {
      const password = Uint8Array.of(1, 2, 3)
      const salt = Uint8Array.of(4, 5, 6)
      expect(hex(await p.scrypt(password, salt, params))).toBe(hex(await nobleProvider.scrypt(password, salt, params)))
    }
  })
})

describe('thread-pool size', () => {
  const setPool = (value: string | undefined): void => {
    if (value === undefined) delete process.env.UV_THREADPOOL_SIZE
    else process.env.UV_THREADPOOL_SIZE = value
  }

  it('is UV_THREADPOOL_SIZE as libuv reads it: 1..1024, else the default of 4', async () => {
    const m = await freshModule()
    for (const [value, size] of [
      [undefined, 4], ['8', 8], ['1', 1], ['1024', 1024], ['1025', 1024], ['0', 4], ['-3', 4], ['four', 4], ['', 4]
    ] as const) {
      setPool(value)
      expect(m.threadPoolSize(), `UV_THREADPOOL_SIZE ${String(value)}`).toBe(size)
    }
  })

  it('gives scrypt half the pool, at least one slot', async () => {
    for (const [value, slots] of [[undefined, 2], ['8', 4], ['5', 2], ['3', 1], ['1', 1]] as const) {
      setPool(value)
      expect((await freshModule()).SCRYPT_CONCURRENCY, `UV_THREADPOOL_SIZE ${String(value)}`).toBe(slots)
    }
  })
})

describe('native HMAC', () => {
  it('hashes keys longer than the 64-byte block only, and handles data past its scratch buffer', async () => {
    const p = load(await freshModule(), fakeCrypto().c)
    if (p === undefined) throw new Error('no provider')
    const rng = new SeededRandom('hmac')
    for (const keyLength of [0, 1, 63, 64, 65, 200]) {
      for (const dataLength of [0, 191, 192, 193, 500]) {
        const key = rng.random(keyLength)
        const data = rng.random(dataLength)
        expect(hex(p.hmacSha256(key, data)), `key ${keyLength}, data ${dataLength}`).toBe(hex(nobleProvider.hmacSha256(key, data)))
      }
    }
  })
})
