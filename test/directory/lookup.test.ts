// Client side of the directory over a stand-in DHT: publish, lookup, trust, forged values ignored, republishing.
import { describe, it, expect, beforeAll } from 'vitest'
import { systemRandom } from '../../src/crypto/index.js'
import {
  buildRecord, directoryDhtRules, directoryKeysFor, lookup, publishRecord, signEnvelope, Republisher, DirectoryHashCache,
  type PublishResult
} from '../../src/directory/index.js'
import { decodeEnvelope } from '../../src/directory/record.js'
import { attest, makeUser, makeVerifier, type TestUser } from './fixtures.js'
import { FakeDht } from './fake-dht.js'
import { peerIdFromString } from '@libp2p/peer-id'

const NUMBER = '+442079460958'
const HOUR = 3600_000

describe('directory lookup', () => {
  let keys: Awaited<ReturnType<typeof directoryKeysFor>>
  let alice: TestUser
  const verifier = makeVerifier()

  beforeAll(async () => {
    keys = await directoryKeysFor(NUMBER)
    alice = await makeUser()
  })

  it('publishes and looks up a record; verified only with a trusted attestation', async () => {
    const dht = new FakeDht(directoryDhtRules())
    const att = attest(verifier, keys.directoryKey, alice.identity.publicKey, Date.now() - HOUR)
    const published = await publishRecord(dht, alice.identity, NUMBER, alice.fields, { attestations: [att] })
    expect(published.accepted).toBe(1)
    expect(published.dhtKey).toBe(keys.dhtKey)

    const found = await lookup(dht, NUMBER, { trustedVerifiers: [verifier.publicKey] })
    expect(found.registered).toBe(true)
    if (!found.registered) return
    expect(Buffer.from(found.identityKey).equals(Buffer.from(alice.identity.publicKey))).toBe(true)
    expect(found.devices).toEqual([{ deviceId: 1, peerId: alice.peerId, certificate: alice.fields.devices[0].certificate, prekeyBundle: alice.fields.devices[0].prekeyBundle }])
    expect(found.removedDevices).toEqual([])
    expect(found.mailboxRelays).toEqual(alice.fields.mailboxRelays)
    expect(found.verified).toBe(true)
    expect(found.seq).toBe(published.seq)

    expect((await lookup(dht, NUMBER, { trustedVerifiers: [makeVerifier().publicKey] })).registered && (await lookup(dht, NUMBER)).registered).toBe(true)
    const untrusted = await lookup(dht, NUMBER, { trustedVerifiers: [makeVerifier().publicKey] })
    expect(untrusted.registered && untrusted.verified).toBe(false)
  })

  it('an unknown number is "not on Parley"; no answer at all is DirectoryUnavailableError', async () => {
    const dht = new FakeDht(directoryDhtRules())
    expect(await lookup(dht, '+442079460999')).toEqual({ registered: false, stats: { peersQueried: 1, hops: 0, endedEarly: false } })
    const silent = { get: async function * () {}, put: async function * () {} }
    await expect(lookup(silent, '+442079460999')).rejects.toMatchObject({ name: 'DirectoryUnavailableError' })
    // eslint-disable-next-line require-yield
    const broken = { get: async function * () { throw new Error('no peers') }, put: async function * () {} }
    await expect(lookup(broken, '+442079460999')).rejects.toMatchObject({ name: 'DirectoryUnavailableError' })
  })

  it('a peer that refuses kad-dht\'s correction put after the walk (a node keeping a losing record) does not fail the lookup', async () => {
    const dht = new FakeDht(directoryDhtRules())
    const att = attest(verifier, keys.directoryKey, alice.identity.publicKey, Date.now() - HOUR)
    await publishRecord(dht, alice.identity, NUMBER, alice.fields, { attestations: [att] })
    const stored = dht.store.get(keys.dhtKey)!
    // what kad-dht's get does: answers with records as they arrive, then, after the walk, a correction put that
    // a lying node refuses, and kad-dht throws "Could not send correction"
    const refusing = {
      get: async function * (k: Uint8Array) {
        yield { name: 'PEER_RESPONSE', messageName: 'GET_VALUE', from: peerIdFromString(alice.peerId), closer: [], providers: [], record: { key: k, value: stored } } as never
        throw Object.assign(new Error('Could not send correction'), { name: 'QueryError' })
      },
      put: async function * () {}
    }
    const found = await lookup(refusing, NUMBER, { trustedVerifiers: [verifier.publicKey] })
    expect(found).toMatchObject({ registered: true, verified: true })
  })

  it('ignores forged, replayed and undecryptable values among the answers', async () => {
    const dht = new FakeDht()
    const now = Date.now()
    const good = await buildRecord(alice.identity, NUMBER, alice.fields, { now, seq: 10 })
    dht.store.set(keys.dhtKey, good.value)
    const mallory = await makeUser()
    // a record signed by mallory with a higher seq but sealed without the number's key
    const garbage = signEnvelope(mallory.identity, { seq: 99, issuedAt: now, expiresAt: now + HOUR, attestations: [], sealed: systemRandom(80) })
    // alice's record with a flipped signature byte
    const forged = good.value.slice()
    forged[forged.length - 1] ^= 1
    // an older record of alice: valid, but loses
    const older = await buildRecord(alice.identity, NUMBER, { ...alice.fields, mailboxRelays: [] }, { now, seq: 9 })
    // a record built for another number and copied here: AAD (the DHT key) does not match
    const elsewhere = await buildRecord(mallory.identity, '+442079460900', mallory.fields, { now, seq: 100 })
    dht.injected.set(keys.dhtKey, [forged, garbage, older.value, elsewhere.value, systemRandom(300)])
    const found = await lookup(dht, NUMBER)
    expect(found.registered).toBe(true)
    if (!found.registered) return
    expect(found.seq).toBe(10)
    expect(Buffer.from(found.identityKey).equals(Buffer.from(alice.identity.publicKey))).toBe(true)
    expect(found.mailboxRelays).toHaveLength(2)

    // only hostile values: not registered
    dht.store.clear()
    dht.injected.set(keys.dhtKey, [forged, garbage, elsewhere.value])
    expect((await lookup(dht, NUMBER)).registered).toBe(false)
  })

  it('an inner record that disagrees with its envelope is refused', async () => {
    const dht = new FakeDht()
    const now = Date.now()
    const a = await buildRecord(alice.identity, NUMBER, alice.fields, { now, seq: 5 })
    const b = await buildRecord(alice.identity, NUMBER, alice.fields, { now, seq: 6 })
    // envelope of seq 6 around the sealed inner record of seq 5, properly signed
    const mixed = signEnvelope(alice.identity, { seq: 6, issuedAt: now, expiresAt: decodeEnvelope(b.value).expiresAt, attestations: [], sealed: decodeEnvelope(a.value).sealed })
    dht.injected.set(keys.dhtKey, [mixed])
    expect((await lookup(dht, NUMBER)).registered).toBe(false)
    dht.injected.set(keys.dhtKey, [mixed, a.value])
    const found = await lookup(dht, NUMBER)
    expect(found.registered && found.seq).toBe(5)
  })

  it('prefers a trusted record over a newer self-attested takeover; the earlier verification holds for a reader without a trusted set', async () => {
    const dht = new FakeDht()
    const now = Date.now()
    const rogue = makeVerifier()
    const mallory = await makeUser()
    const legit = await buildRecord(alice.identity, NUMBER, alice.fields, { now, attestations: [attest(verifier, keys.directoryKey, alice.identity.publicKey, now - 2 * HOUR)] })
    const hijack = await buildRecord(mallory.identity, NUMBER, mallory.fields, { now, attestations: [attest(rogue, keys.directoryKey, mallory.identity.publicKey, now - HOUR)] })
    dht.injected.set(keys.dhtKey, [hijack.value, legit.value])
    const trusted = await lookup(dht, NUMBER, { trustedVerifiers: [verifier.publicKey] })
    expect(trusted.registered && trusted.verified).toBe(true)
    expect(trusted.registered && Buffer.from(trusted.identityKey).equals(Buffer.from(alice.identity.publicKey))).toBe(true)
    expect(trusted.registered && trusted.rivals.map(r => r.verified)).toEqual([false])
    // a reader without trusted verifiers counts any attestation: both records are locked, and the first
    // verified registration holds (alice's attestation is the older one), unverified for that reader
    const naive = await lookup(dht, NUMBER)
    expect(naive.registered && !naive.verified && Buffer.from(naive.identityKey).equals(Buffer.from(alice.identity.publicKey))).toBe(true)
    // where alice's record is not locked (never verified), a newer attestation still takes over for such a reader
    const unverified = await buildRecord(alice.identity, NUMBER, alice.fields, { now })
    dht.injected.set(keys.dhtKey, [unverified.value, hijack.value])
    const taken = await lookup(dht, NUMBER)
    expect(taken.registered && Buffer.from(taken.identityKey).equals(Buffer.from(mallory.identity.publicKey))).toBe(true)
  })

  it('honours abort signals', async () => {
    const dht = new FakeDht()
    await expect(lookup(dht, NUMBER, { signal: AbortSignal.abort() })).rejects.toThrow()
    // eslint-disable-next-line require-yield
    const hang = { get: async function * (_k: Uint8Array, o?: { signal?: AbortSignal }) { await new Promise((_resolve, reject) => o?.signal?.addEventListener('abort', () => reject(o.signal?.reason))) }, put: async function * () {} }
    const controller = new AbortController()
    const pending = lookup(hang, NUMBER, { signal: controller.signal })
    controller.abort()
    await expect(pending).rejects.toThrow()
    await expect(lookup(hang, NUMBER, { timeoutMs: 50 })).rejects.toMatchObject({ name: 'DirectoryUnavailableError' })
  })

  it('caches H per number', async () => {
    const cache = new DirectoryHashCache()
    const a = await cache.hash(NUMBER)
    const b = await cache.hash(NUMBER)
    expect(a).toBe(b)
    expect(cache.size).toBe(1)
  })
})

describe('Republisher', () => {
  it('publishes at start, on change with a higher seq, again before expiry, retries failures and stops cleanly', async () => {
    const alice = await makeUser()
    const dht = new FakeDht(directoryDhtRules())
    const published: PublishResult[] = []
    const errors: unknown[] = []
    let notify: () => void = () => {}
    const next = async (): Promise<void> => await new Promise<void>(resolve => { notify = resolve })
    const republisher = new Republisher({
      dht,
      identity: alice.identity,
      e164: NUMBER,
      fields: alice.fields,
      intervalMs: 40,
      retryMs: 10,
      onPublished: r => { published.push(r); notify() },
      onError: err => { errors.push(err); notify() }
    })
    try {
      let wait = next()
      republisher.start()
      await wait
      expect(published).toHaveLength(1)

      const changed = await republisher.update({ mailboxRelays: ['/dns4/other.example.org/tcp/443/wss'] })
      expect(changed.seq).toBeGreaterThan(published[0].seq)
      const found = await lookup(dht, NUMBER)
      expect(found.registered && found.mailboxRelays).toEqual(['/dns4/other.example.org/tcp/443/wss'])

      // the timer republishes by itself
      wait = next()
      await wait
      expect(published.length).toBeGreaterThanOrEqual(3)
      expect(published.at(-1)!.seq).toBeGreaterThan(changed.seq)

      // a failing DHT is retried
      dht.failPuts = new Error('down')
      wait = next()
      await wait
      expect(errors.length).toBeGreaterThan(0)
      expect((errors[0] as Error).name).toBe('PublishFailedError')
      dht.failPuts = undefined
      while (published.length < 4) {
        wait = next()
        await wait
      }
    } finally {
      await republisher.stop()
    }
    const puts = dht.puts
    // nothing runs after stop: a later publishNow is aborted, and no timer fires
    await expect(republisher.publishNow()).rejects.toThrow()
    await new Promise(resolve => setImmediate(resolve))
    expect(dht.puts).toBeLessThanOrEqual(puts + 1)
  })
})
