// Directory hashing: E.164 boundary check, scrypt parameters, DHT key shape, record key and sealing.
import { scrypt } from '@noble/hashes/scrypt.js'
import { describe, expect, it } from 'vitest'
import {
  directoryDhtKey, directoryHash, directoryRecordKey, nativeProvider, nobleProvider, openDirectoryRecord, sealDirectoryRecord
} from '../../src/crypto/index.js'
import { dec, enc } from './parties.js'
import { SeededRandom } from '../helpers/seeded-random.js'

const salt = enc('parley-testnet')
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

describe('directory hashing', () => {
  it('H = scrypt(E164, salt, N=2^15, r=8, p=1) on both providers; DHT key and record key', async () => {
    const native = nativeProvider()
    expect(native).toBeDefined()
    const h1 = await directoryHash('+14155550123', salt, native)
    const h2 = await directoryHash('+14155550123', salt, nobleProvider)
    expect(hex(h1)).toBe(hex(h2))
    expect(hex(h1)).toBe(hex(scrypt(enc('+14155550123'), salt, { N: 2 ** 15, r: 8, p: 1, dkLen: 32 })))
    const key = directoryDhtKey(h1)
    expect(key).toMatch(/^\/parley-phone\/[0-9a-f]{64}$/)
    expect(key).toBe(directoryDhtKey(h1, nobleProvider))
    const other = await directoryHash('+14155550124', salt)
    expect(directoryDhtKey(other)).not.toBe(key)
    const rk = directoryRecordKey(h1)
    expect(hex(rk)).toBe(hex(directoryRecordKey(h1, nobleProvider)))
    expect(hex(rk)).not.toBe(key.slice('/parley-phone/'.length))
    const sealed = sealDirectoryRecord(rk, key, enc('record'), { random: new SeededRandom('dir').random })
    expect(dec(openDirectoryRecord(rk, key, sealed))).toBe('record')
    expect(() => openDirectoryRecord(rk, directoryDhtKey(other), sealed)).toThrow(expect.objectContaining({ name: 'DecryptionError' }))
    expect(() => openDirectoryRecord(directoryRecordKey(other), key, sealed)).toThrow(expect.objectContaining({ name: 'DecryptionError' }))
  })

  it.each(['4155550123', '+0123456789', '+1 415 555 0123', '+123456', '+1234567890123456', '', '+14155550123\n'])('rejects non-E.164 %j', async (n) => {
    await expect(directoryHash(n, salt)).rejects.toMatchObject({ name: 'UnsupportedParameterError' })
  })

  it('rejects an empty network salt', async () => {
    await expect(directoryHash('+14155550123', new Uint8Array(0))).rejects.toMatchObject({ name: 'UnsupportedParameterError' })
  })
})
