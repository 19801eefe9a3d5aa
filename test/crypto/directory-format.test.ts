// Directory hashing and verifier attestations at their edges: the network salt's known answer, the E.164 and salt
// checks, directory hashes of another length, the sealed record's minimum length, the provider each step uses;
// attestation times and keys field by field, and the trust window's 5-minute clock skew at its boundary.
import { describe, expect, it } from 'vitest'
import {
  IdentityKeyPair, attestationTrusted, createAttestation, decodeAttestation, directoryDhtKey, directoryHash, directoryRecordKey, encodeAttestation,
  nativeProvider, openDirectoryRecord, sealDirectoryRecord
} from '../../src/crypto/index.js'
import { concat, toHex, utf8 } from '../../src/crypto/bytes.js'
import { PARLEY_NETWORK_SALT } from '../../src/crypto/directory-salt.js'
import { SeededRandom } from '../helpers/seeded-random.js'
import type { Attestation, CryptoProvider } from '../../src/crypto/index.js'

const rng = new SeededRandom('directory format')
const err = (name: string, message: string): unknown => expect.objectContaining({ name, message })
const native = nativeProvider() as CryptoProvider

/** The native provider, counting the calls of each primitive. */
function counting (): { p: CryptoProvider, calls: Record<string, number> } {
  const calls: Record<string, number> = {}
  const count = <A extends unknown[], R>(name: string, fn: (...args: A) => R) => (...args: A): R => { calls[name] = (calls[name] ?? 0) + 1; return fn(...args) }
  return {
    calls,
    p: {
      ...native,
      sha256: count('sha256', native.sha256),
      sha512: count('sha512', native.sha512),
      hkdfSha256: count('hkdf', native.hkdfSha256),
      aesGcmDecrypt: count('aesGcmDecrypt', native.aesGcmDecrypt),
      scrypt: count('scrypt', native.scrypt)
    }
  }
}

describe('directory hashing', () => {
  it('the Parley network salt is "parley/directory/v1": a known answer for one number', async () => {
    expect(new TextDecoder().decode(PARLEY_NETWORK_SALT)).toBe('parley/directory/v1')
    // the constant as a freshly loaded module defines it (loaded inside the test, so mutation testing sees it used)
    const saltModule = '../../src/crypto/directory-salt.js?fresh'
    const fresh = await (import(/* @vite-ignore */ saltModule) as Promise<{ PARLEY_NETWORK_SALT: Uint8Array }>)
    expect(fresh.PARLEY_NETWORK_SALT).toEqual(PARLEY_NETWORK_SALT)
    const h = await directoryHash('+14155550123', PARLEY_NETWORK_SALT)
    expect(directoryDhtKey(h)).toBe('/parley-phone/' + toHex(native.sha256(h)))
    expect(toHex(h)).toBe(KNOWN_H)
  })

  it.each([
    ['a number without +', '14155550123'],
    ['a non-string that prints as a valid number', { toString: () => '+14155550123' } as unknown as string],
    ['undefined', undefined as unknown as string]
  ])('refuses %s with its message', async (_, e164) => {
    await expect(directoryHash(e164, PARLEY_NETWORK_SALT)).rejects.toMatchObject({ name: 'UnsupportedParameterError', message: 'Not an E.164 number' })
  })

  it.each([
    ['empty', new Uint8Array(0)],
    ['not a Uint8Array', [1, 2, 3] as unknown as Uint8Array]
  ])('refuses a network salt that is %s', async (_, salt) => {
    await expect(directoryHash('+14155550123', salt)).rejects.toMatchObject({ name: 'UnsupportedParameterError', message: 'networkSalt must be non-empty' })
  })

  it.each([
    ['31 bytes', new Uint8Array(31)], ['33 bytes', new Uint8Array(33)], ['not a Uint8Array', Array.from(new Uint8Array(32)) as unknown as Uint8Array]
  ])('refuses a directory hash of %s for the DHT key and the record key', (_, h) => {
    expect(() => directoryDhtKey(h)).toThrow(err('UnsupportedParameterError', 'Directory hash must be 32 bytes'))
    expect(() => directoryRecordKey(h)).toThrow(err('UnsupportedParameterError', 'Directory hash must be 32 bytes'))
  })

  it('uses the provider it is given for every step', async () => {
    const { p, calls } = counting()
    const h = await directoryHash('+14155550123', utf8('salt'), p)
    const dhtKey = directoryDhtKey(h, p)
    const recordKey = directoryRecordKey(h, p)
    const sealed = sealDirectoryRecord(recordKey, dhtKey, Uint8Array.of(1), { random: rng.random })
    expect(openDirectoryRecord(recordKey, dhtKey, sealed, p)).toEqual(Uint8Array.of(1))
    expect(calls).toEqual({ scrypt: 1, sha256: 1, hkdf: 1, aesGcmDecrypt: 1 })
  })

  it('opens a sealed empty value (nonce and tag only, 28 bytes) and refuses anything shorter as undecryptable', () => {
    const recordKey = new Uint8Array(32).fill(1)
    const sealed = sealDirectoryRecord(recordKey, '/parley-phone/x', new Uint8Array(0), { random: rng.random })
    expect(sealed).toHaveLength(28)
    expect(openDirectoryRecord(recordKey, '/parley-phone/x', sealed)).toEqual(new Uint8Array(0))
    for (const n of [27, 11, 5, 0]) {
      expect(() => openDirectoryRecord(recordKey, '/parley-phone/x', sealed.subarray(0, n))).toThrow(err('DecryptionError', 'Decryption failed'))
    }
  })
})

/** H of "+14155550123" under PARLEY_NETWORK_SALT (scrypt N=2^15, r=8, p=1; noble's scrypt and node's scryptSync agree): a new salt moves every directory entry. */
const KNOWN_H = '8e509a693842e809757b9a78dab511e11daf1847f69fb8883a9939f115194fff'

describe('attestations', () => {
  const verifier = IdentityKeyPair.generate(rng.random)
  const user = IdentityKeyPair.generate(rng.random)
  const directoryKey = rng.random(32)
  const now = 1_800_000_000_000
  const fields = { directoryKey, identityKey: user.publicKey, issuedAt: now, expiresAt: now + 86_400_000 }
  const smallOrder = new Uint8Array(32); smallOrder[0] = 1
  const notAPoint = new Uint8Array(32); notAPoint[0] = 2

  /** attestation bytes with any body, signed by `verifier` the way createAttestation signs */
  const signedBytes = (a: Omit<Attestation, 'signature' | 'verifierKey'> & { verifierKey?: Uint8Array }): Uint8Array => {
    const body = new Uint8Array(32 + 32 + 16 + 32)
    const view = new DataView(body.buffer)
    body.set(a.directoryKey, 0)
    body.set(a.identityKey, 32)
    view.setBigUint64(64, BigInt(a.issuedAt))
    view.setBigUint64(72, BigInt(a.expiresAt))
    body.set(a.verifierKey ?? verifier.publicKey, 80)
    return concat(body, verifier.sign(concat(utf8('Parley_Attestation_v1'), body)))
  }

  it('the signed form matches createAttestation, and times at their lower bounds are accepted', () => {
    expect(signedBytes(fields)).toEqual(encodeAttestation(createAttestation(verifier, fields)))
    for (const [issuedAt, expiresAt] of [[0, 1], [now, now + 1], [0, Number.MAX_SAFE_INTEGER]]) {
      const a = createAttestation(verifier, { ...fields, issuedAt, expiresAt })
      expect(decodeAttestation(encodeAttestation(a))).toMatchObject({ issuedAt, expiresAt })
    }
  })

  it.each([
    ['issuedAt -1', { issuedAt: -1 }], ['issuedAt 1.5', { issuedAt: 1.5 }], ['issuedAt past MAX_SAFE_INTEGER', { issuedAt: Number.MAX_SAFE_INTEGER + 1, expiresAt: Number.MAX_SAFE_INTEGER + 3 }],
    ['expiresAt = issuedAt', { expiresAt: now }], ['expiresAt before issuedAt', { expiresAt: now - 1 }], ['expiresAt NaN', { expiresAt: Number.NaN }],
    ['expiresAt past MAX_SAFE_INTEGER', { expiresAt: Number.MAX_SAFE_INTEGER + 1 }]
  ])('are not created with %s', (_, change) => {
    expect(() => createAttestation(verifier, { ...fields, ...change })).toThrow(err('InvalidMessageError', 'attestation times are invalid'))
  })

  it.each([
    ['expiresAt = issuedAt', { expiresAt: now }],
    ['expiresAt before issuedAt', { expiresAt: now - 1 }],
    ['expiresAt past MAX_SAFE_INTEGER', { expiresAt: 2 ** 60 }],
    ['issuedAt past MAX_SAFE_INTEGER', { issuedAt: 2 ** 60, expiresAt: 2 ** 61 }]
  ])('are refused on decoding with %s, though validly signed', (_, change) => {
    expect(() => decodeAttestation(signedBytes({ ...fields, ...change }))).toThrow(err('InvalidMessageError', 'attestation times are invalid'))
  })

  it('times are checked before the signature', () => {
    const bytes = signedBytes(fields)
    new DataView(bytes.buffer).setBigUint64(72, BigInt(now - 1))
    expect(() => decodeAttestation(bytes)).toThrow(err('InvalidMessageError', 'attestation times are invalid'))
  })

  it.each([31, 33])('are not created for a directory key of %i bytes', (n) => {
    expect(() => createAttestation(verifier, { ...fields, directoryKey: new Uint8Array(n) })).toThrow(err('InvalidKeyError', 'directory key must be 32 bytes'))
  })

  it('are not created for, and not decoded with, an invalid identity key; nor decoded with an invalid verifier key', () => {
    expect(() => createAttestation(verifier, { ...fields, identityKey: smallOrder })).toThrow(err('InvalidKeyError', 'Identity key is of small order'))
    expect(() => decodeAttestation(signedBytes({ ...fields, identityKey: smallOrder }))).toThrow(err('InvalidKeyError', 'Identity key is of small order'))
    expect(() => decodeAttestation(signedBytes({ ...fields, verifierKey: notAPoint }))).toThrow(err('InvalidKeyError', 'Identity key is not a valid Ed25519 point'))
    const other = IdentityKeyPair.generate(rng.random)
    expect(() => decodeAttestation(signedBytes({ ...fields, verifierKey: other.publicKey }))).toThrow(err('InvalidSignatureError', 'attestation signature does not verify'))
  })

  it('are trusted from up to 5 minutes before issuedAt (clock skew) until just before expiresAt, by any one trusted verifier', () => {
    const a = decodeAttestation(encodeAttestation(createAttestation(verifier, fields)))
    const other = IdentityKeyPair.generate(rng.random).publicKey
    const expect1 = { directoryKey, identityKey: user.publicKey, now, trustedVerifiers: [other, verifier.publicKey] }
    expect(attestationTrusted(a, expect1)).toBe(true)
    expect(attestationTrusted(a, { ...expect1, now: now - 5 * 60_000 })).toBe(true)
    expect(attestationTrusted(a, { ...expect1, now: now - 5 * 60_000 - 1 })).toBe(false)
    expect(attestationTrusted(a, { ...expect1, now: fields.expiresAt - 1 })).toBe(true)
    expect(attestationTrusted(a, { ...expect1, now: fields.expiresAt })).toBe(false)
    expect(attestationTrusted(a, { ...expect1, trustedVerifiers: [other] })).toBe(false)
    expect(attestationTrusted(a, { ...expect1, trustedVerifiers: [] })).toBe(false)
  })
})
