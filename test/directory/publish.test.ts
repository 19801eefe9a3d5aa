// Building and putting records without a network (a stand-in scrypt, fake DHTs): release records, which attestations
// and hand-overs a record carries, how putRecord counts acceptances and names its failures, and the hash cache.
import { describe, it, expect, beforeAll } from 'vitest'
import type { QueryEvent } from '@libp2p/kad-dht'
import type { AbortOptions } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { defaultProvider, type CryptoProvider } from '../../src/crypto/index.js'
import {
  DirectoryHashCache, MAX_ATTESTATIONS, MAX_HANDOVER_AGE_MS, PARLEY_NETWORK_SALT, buildRecord, decodeEnvelope, directoryKeysFor, putRecord,
  publishRelease, signHandover, type DirectoryDht, type DirectoryRecordFields
} from '../../src/directory/index.js'
import { untilAborted } from '../../src/util/abort.js'
import { attest, makeUser, makeVerifier, rejectionName, type TestUser } from './fixtures.js'

const NUMBER = '+14155550177'
const HOUR = 3600_000
const NOW = 1_800_000_000_000
const PEER = peerIdFromString('12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN')

/** A provider whose scrypt is a sha256 (and counts calls): the directory's logic without scrypt's cost. */
function fastProvider (): CryptoProvider & { scrypts: number } {
  const base = defaultProvider()
  const p = { ...base, scrypts: 0, scrypt: async (password: Uint8Array) => { p.scrypts++; return base.sha256(password) } }
  return p
}

/** A DHT whose put yields the given events (or runs `put`), after the node's validators when given. */
function dhtWith (put: (value: Uint8Array, options?: AbortOptions) => AsyncIterable<QueryEvent>, validators?: DirectoryDht['validators']): DirectoryDht & { puts: number } {
  const dht = {
    puts: 0,
    ...(validators != null ? { validators } : {}),
    async * get (): AsyncIterable<QueryEvent> {},
    async * put (_key: Uint8Array, value: Uint8Array, options?: AbortOptions): AsyncIterable<QueryEvent> {
      dht.puts++
      yield * put(value, options)
    }
  }
  return dht
}

const response = (value: Uint8Array, messageName = 'PUT_VALUE', name = 'PEER_RESPONSE'): QueryEvent =>
  ({ name, messageName, from: PEER, closer: [], providers: [], record: { key: new Uint8Array(0), value } }) as unknown as QueryEvent

describe('building records', () => {
  let user: TestUser
  let hashes: DirectoryHashCache
  let keys: Awaited<ReturnType<typeof directoryKeysFor>>
  const verifier = makeVerifier()

  beforeAll(async () => {
    user = await makeUser(undefined, NOW)
    hashes = new DirectoryHashCache(PARLEY_NETWORK_SALT, fastProvider())
    keys = await directoryKeysFor(NUMBER, { hashes })
  })

  it('a release record carries no devices, relays or prekeys', async () => {
    const empty: DirectoryRecordFields = { devices: [], mailboxRelays: [] }
    const build = async (f: Partial<typeof empty>): Promise<string> => {
      try {
        await buildRecord(user.identity, NUMBER, { ...empty, ...f }, { now: NOW, hashes, released: true })
        return 'no error'
      } catch (err) {
        return `${(err as Error).name}: ${(err as Error).message}`
      }
    }
    const refused = 'MalformedRecordError: a release record has no devices, relays or prekeys'
    expect(await build({ devices: user.fields.devices })).toBe(refused)
    expect(await build({ mailboxRelays: user.fields.mailboxRelays })).toBe(refused)
    expect(await build({})).toBe('no error')
    const built = await buildRecord(user.identity, NUMBER, empty, { now: NOW, hashes, released: true })
    expect(decodeEnvelope(built.value).released).toBe(true)
    // a record that is not a release keeps its fields
    const normal = await buildRecord(user.identity, NUMBER, user.fields, { now: NOW, hashes, released: false })
    expect(decodeEnvelope(normal.value).released).toBeUndefined()
    // publishRelease publishes exactly such a record
    let put: Uint8Array | undefined
    const dht = dhtWith(async function * (value) { put = value; yield response(value) })
    const result = await publishRelease(dht, user.identity, NUMBER, { now: NOW, hashes })
    expect(result.accepted).toBe(1)
    expect(decodeEnvelope(put ?? new Uint8Array(0)).released).toBe(true)
  })

  it('keeps the newest MAX_ATTESTATIONS unexpired, decodable attestations, newest first', async () => {
    const at = (issuedAt: number, lifetime?: number): Uint8Array => attest(verifier, keys.directoryKey, user.identity.publicKey, issuedAt, lifetime)
    const times = [NOW - 5 * HOUR, NOW - HOUR, NOW - 6 * HOUR, NOW - 2 * HOUR, NOW - 3 * HOUR]
    const expiredNow = at(NOW - HOUR / 2, HOUR / 2)
    const expiresNext = at(NOW - 10 * HOUR, 10 * HOUR + 1)
    const built = await buildRecord(user.identity, NUMBER, user.fields, { now: NOW, hashes, attestations: [...times.map(t => at(t)), expiredNow, new Uint8Array(7)] })
    expect(decodeEnvelope(built.value).attestations).toEqual([NOW - HOUR, NOW - 2 * HOUR, NOW - 3 * HOUR, NOW - 5 * HOUR].map(t => at(t)))
    expect(MAX_ATTESTATIONS).toBe(4)
    // one that expires a millisecond after the issue time is still usable
    const one = await buildRecord(user.identity, NUMBER, user.fields, { now: NOW, hashes, attestations: [expiredNow, expiresNext] })
    expect(decodeEnvelope(one.value).attestations).toEqual([expiresNext])
  })

  it('carries a hand-over up to MAX_HANDOVER_AGE_MS old, drops an older one, and refuses one that does not verify', async () => {
    const old = await makeUser(undefined, NOW)
    const handover = (issuedAt: number): Uint8Array => signHandover(old.identity, { directoryKey: keys.directoryKey, newIdentityKey: user.identity.publicKey, issuedAt })
    const at = async (issuedAt: number): Promise<Uint8Array | undefined> =>
      decodeEnvelope((await buildRecord(user.identity, NUMBER, user.fields, { now: NOW, hashes, handover: handover(issuedAt) })).value).handover
    expect(await at(NOW - MAX_HANDOVER_AGE_MS)).toEqual(handover(NOW - MAX_HANDOVER_AGE_MS))
    expect(await at(NOW - MAX_HANDOVER_AGE_MS - 1)).toBeUndefined()
    expect(await rejectionName(buildRecord(user.identity, NUMBER, user.fields, { now: NOW, hashes, handover: new Uint8Array([0xff, 0xff]) }))).toBe('InvalidHandoverError')
  })
})

describe('putRecord', () => {
  const key = new TextEncoder().encode('/parley-phone/' + '00'.repeat(32))
  const value = new Uint8Array([1, 2, 3])

  it('counts the peers that answered PUT_VALUE with this very value', async () => {
    const dht = dhtWith(async function * (v) {
      yield response(v)
      yield response(new Uint8Array([9]))
      yield response(v, 'GET_VALUE')
      yield response(v, 'PUT_VALUE', 'FINAL_PEER')
      yield ({ name: 'PEER_RESPONSE', messageName: 'PUT_VALUE', from: PEER, closer: [], providers: [] }) as unknown as QueryEvent
      yield response(v)
    })
    expect(await putRecord(dht, key, value)).toBe(2)
  })

  it('runs the node\'s validator first: a value it refuses is never put', async () => {
    const refusal = new Error('refused by validator')
    const dht = dhtWith(async function * (v) { yield response(v) }, { 'parley-phone': async () => { throw refusal } })
    await expect(putRecord(dht, key, value)).rejects.toBe(refusal)
    expect(dht.puts).toBe(0)
    const other = dhtWith(async function * (v) { yield response(v) }, { pk: async () => { throw refusal } })
    expect(await putRecord(other, key, value)).toBe(1)
  })

  it('names its failures: nobody stored it, the put failed (with the cause), it timed out, the caller aborted', async () => {
    const none = dhtWith(async function * () {})
    const nobody = await putRecord(none, key, value).catch((err: Error) => err)
    expect(nobody).toMatchObject({ name: 'PublishFailedError', message: 'no DHT peer accepted the directory record' })
    expect((nobody as Error).cause).toBeUndefined()

    const cause = new Error('no peers')
    // eslint-disable-next-line require-yield
    const failing = dhtWith(async function * () { throw cause })
    await expect(putRecord(failing, key, value)).rejects.toThrow(expect.objectContaining({ name: 'PublishFailedError', message: 'directory publish failed', cause }))

    // a put that waits until its signal aborts: our timeout ends it, with the put's own error as the cause
    // eslint-disable-next-line require-yield
    const hanging = dhtWith(async function * (_v, options) {
      await untilAborted(options?.signal ?? new AbortController().signal)
      throw new Error('aborted put')
    })
    const timedOut = await putRecord(hanging, key, value, { timeoutMs: 1 }).catch((err: Error) => err)
    expect(timedOut).toMatchObject({ name: 'PublishFailedError', message: 'directory publish timed out' })
    expect((timedOut as Error).cause).toMatchObject({ message: 'aborted put' })

    const controller = new AbortController()
    const reason = new Error('caller gave up')
    const aborted = putRecord(hanging, key, value, { signal: controller.signal })
    controller.abort(reason)
    await expect(aborted).rejects.toBe(reason)
  })
})

describe('DirectoryHashCache', () => {
  it('computes H once per number, keeps at most `max` numbers (oldest out first) and forgets failures', async () => {
    const provider = fastProvider()
    const cache = new DirectoryHashCache(PARLEY_NETWORK_SALT, provider, 2)
    const a = await cache.hash('+14155550001')
    expect(await cache.hash('+14155550001')).toBe(a)
    expect(provider.scrypts).toBe(1)
    await cache.hash('+14155550002')
    expect(cache.size).toBe(2)
    await cache.hash('+14155550003')
    expect(cache.size).toBe(2)
    // the newest stayed, the oldest was dropped
    await cache.hash('+14155550003')
    expect(provider.scrypts).toBe(3)
    await cache.hash('+14155550001')
    expect(provider.scrypts).toBe(4)
    // an invalid number fails and is not kept (its entry took the place of the oldest, +14155550003)
    expect(await rejectionName(cache.hash('not a number'))).toBe('UnsupportedParameterError')
    expect(cache.size).toBe(1)
    // an aborted caller stops before hashing
    const controller = new AbortController()
    controller.abort(new Error('stop'))
    await expect(cache.hash('+14155550009', { signal: controller.signal })).rejects.toThrow('stop')
    expect(provider.scrypts).toBe(4)
  })
})
