// The directory datastore on DHT nodes: the stored record wins unless the incoming one replaces it (the honest record survives an attacker's put), puts of a key are serialised, the envelope's expiry (not kad-dht's 48 h) decides what is served, and the number of records is capped.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { MemoryDatastore } from 'datastore-core'
import { Key } from 'interface-datastore'
import { Libp2pRecord } from '@libp2p/record'
import { createNodeNode, type ParleyNode } from '../../src/index.js'
import {
  buildRecord, datastoreKeyOf, decodeEnvelope, directoryDhtRules, directoryKeysFor, lookup, putRecord, DirectoryDatastore, LOCK_WINDOW_MS
} from '../../src/directory/index.js'
import { retryUntil } from '../helpers/wait.js'
import { attest, makeUser, makeVerifier, type TestUser, rejectionName } from './fixtures.js'

const NUMBER = '+14155550180'
const HOUR = 3600_000
const DAY = 24 * HOUR
/** kad-dht's GET_VALUE handler drops a stored value this long after it was put (PROVIDERS_VALIDITY) */
const KAD_VALIDITY_MS = 48 * HOUR

const stored = (value: Uint8Array, key: Uint8Array, receivedAt = new Date()): Uint8Array => new Libp2pRecord(key, value, receivedAt).serialize()

describe('directory datastore', () => {
  let keys: Awaited<ReturnType<typeof directoryKeysFor>>
  let alice: TestUser
  let mallory: TestUser
  const verifier = makeVerifier()
  const now = Date.now()

  beforeAll(async () => {
    keys = await directoryKeysFor(NUMBER)
    ;[alice, mallory] = [await makeUser(), await makeUser()]
  })

  const honest = async (seq: number, at = now): Promise<Uint8Array> =>
    (await buildRecord(alice.identity, NUMBER, alice.fields, { now: at, seq, attestations: [attest(verifier, keys.directoryKey, alice.identity.publicKey, at - DAY)] })).value
  const attacker = async (): Promise<Uint8Array> =>
    (await buildRecord(mallory.identity, NUMBER, mallory.fields, { now, seq: 1000, attestations: [attest(verifier, keys.directoryKey, mallory.identity.publicKey, now)] })).value

  it('keeps the honest record when an attacker (trusted verifier, newer attestation) puts after it, and still takes the owner\'s refresh', async () => {
    const inner = new MemoryDatastore()
    const rules = directoryDhtRules({ now: () => now, trustedVerifiers: [verifier.publicKey] })
    const ds = rules.wrapDatastore(inner)
    const dsKey = datastoreKeyOf(keys.key)
    const v1 = await honest(1)
    await ds.put(dsKey, stored(v1, keys.key))
    const bad = await attacker()
    expect(await rejectionName(Promise.resolve(ds.put(dsKey, stored(bad, keys.key))))).toBe('RegistrationLockedError')
    // the node's validator saw the attacker's record (kad-dht runs it on every value it handles): no effect on the store
    await rules.validators['parley-phone'](keys.key, bad)
    expect(decodeEnvelope(Libp2pRecord.deserialize(await ds.get(dsKey)).value).seq).toBe(1)
    // the old tracking bug: after seeing the attacker's record, the owner's republish was refused; now it is stored
    await ds.put(dsKey, stored(v1, keys.key))
    const v2 = await honest(2)
    await ds.put(dsKey, stored(v2, keys.key))
    expect(decodeEnvelope(Libp2pRecord.deserialize(await ds.get(dsKey)).value).seq).toBe(2)
    // a replay of the owner's older record is refused
    expect(await rejectionName(Promise.resolve(ds.put(dsKey, stored(v1, keys.key))))).toBe('ReplayedRecordError')
    // a record stored under another key's slot is refused
    expect(await rejectionName(Promise.resolve(ds.put(new Key('/dht/record/' + 'a'.repeat(40)), stored(v2, keys.key))))).toBe('no error')
    const other = await directoryKeysFor('+14155550181')
    expect(await rejectionName(Promise.resolve(ds.put(datastoreKeyOf(other.key), stored(v2, keys.key))))).toBe('MalformedRecordError')
    // other data passes through untouched
    await ds.put(new Key('/peers/x'), new Uint8Array([1]))
    expect(await ds.get(new Key('/peers/x'))).toEqual(new Uint8Array([1]))
  })

  it('serialises concurrent puts of one key: the attacker never lands between the owner\'s read and write', async () => {
    const inner = new MemoryDatastore()
    const ds = new DirectoryDatastore(inner, { rules: directoryDhtRules({ now: () => now }) })
    const dsKey = datastoreKeyOf(keys.key)
    const [v1, bad] = [await honest(1), await attacker()]
    const results = await Promise.allSettled([ds.put(dsKey, stored(v1, keys.key)), ds.put(dsKey, stored(bad, keys.key))])
    expect(results.map(r => r.status)).toEqual(['fulfilled', 'rejected'])
    expect(decodeEnvelope(Libp2pRecord.deserialize(await ds.get(dsKey)).value).seq).toBe(1)
  })

  it('serves a record put more than 48 h ago while its envelope is valid, and deletes it once expired', async () => {
    let clock = now
    const inner = new MemoryDatastore()
    const ds = new DirectoryDatastore(inner, { rules: directoryDhtRules({ now: () => clock }) })
    const dsKey = datastoreKeyOf(keys.key)
    const v = await honest(1, now - 3 * DAY)
    // as kad-dht stored it three days ago
    await inner.put(dsKey, stored(v, keys.key, new Date(Date.now() - 3 * DAY)))
    const served = Libp2pRecord.deserialize(await ds.get(dsKey))
    expect(Date.now() - (served.timeReceived?.getTime() ?? 0)).toBeLessThan(KAD_VALIDITY_MS)
    expect(decodeEnvelope(served.value).seq).toBe(1)
    clock = now - 3 * DAY + LOCK_WINDOW_MS + HOUR
    expect(await rejectionName(Promise.resolve(ds.get(dsKey)))).toBe('NotFoundError')
    expect(await inner.has(dsKey)).toBe(false)
    expect(await (ds as DirectoryDatastore).size()).toBe(0)
  })

  it('caps the records it stores, updates existing ones when full, and makes room by dropping expired ones', async () => {
    let clock = now
    const ds = new DirectoryDatastore(new MemoryDatastore(), { rules: directoryDhtRules({ now: () => clock }), maxRecords: 2 })
    const numbers = ['+14155550190', '+14155550191', '+14155550192']
    const put = async (i: number, seq: number, lifetimeMs = LOCK_WINDOW_MS): Promise<string> => {
      const b = await buildRecord(alice.identity, numbers[i], alice.fields, { now, seq, lifetimeMs })
      return await rejectionName(Promise.resolve(ds.put(datastoreKeyOf(b.key), stored(b.value, b.key))))
    }
    expect(await put(0, 1, HOUR)).toBe('no error')
    expect(await put(1, 1)).toBe('no error')
    expect(await put(2, 1)).toBe('DirectoryStoreFullError')
    expect(await put(1, 2)).toBe('no error')
    expect(await ds.size()).toBe(2)
    // the first record expires; the next new key finds room
    clock = now + 2 * HOUR
    expect(await put(2, 1)).toBe('no error')
    expect(await ds.size()).toBe(2)
  })

  it('sweep deletes expired records nobody read and keeps the valid ones', async () => {
    let clock = now
    const inner = new MemoryDatastore()
    const ds = new DirectoryDatastore(inner, { rules: directoryDhtRules({ now: () => clock }) })
    const short = await buildRecord(alice.identity, '+14155550193', alice.fields, { now, seq: 1, lifetimeMs: HOUR })
    const long = await buildRecord(alice.identity, '+14155550194', alice.fields, { now, seq: 1 })
    await ds.put(datastoreKeyOf(short.key), stored(short.value, short.key))
    await ds.put(datastoreKeyOf(long.key), stored(long.value, long.key))
    expect(await ds.sweep()).toBe(0)
    clock = now + 2 * HOUR
    expect(await ds.sweep()).toBe(1)
    expect(await inner.has(datastoreKeyOf(short.key))).toBe(false)
    expect(await inner.has(datastoreKeyOf(long.key))).toBe(true)
    expect(await ds.size()).toBe(1)
  })

  describe('on real libp2p nodes', () => {
    const nodes: ParleyNode[] = []
    afterAll(async () => { await Promise.all(nodes.map(async n => await n.stop())) })

    it('a node serves a record it stored over 48 h ago while the envelope is valid (kad-dht alone would drop it), and refuses a takeover put', async () => {
      let holderClock = Date.now()
      const inner = new MemoryDatastore()
      const holder = await createNodeNode({ listen: ['/ip4/127.0.0.1/tcp/0'], datastore: inner, dht: directoryDhtRules({ now: () => holderClock }) })
      const reader = await createNodeNode({ listen: ['/ip4/127.0.0.1/tcp/0'], dht: directoryDhtRules() })
      nodes.push(holder, reader)
      const t = Date.now()
      const v = (await buildRecord(alice.identity, NUMBER, alice.fields, { now: t - 3 * DAY, seq: 1, attestations: [attest(verifier, keys.directoryKey, alice.identity.publicKey, t - 4 * DAY)] })).value
      await inner.put(datastoreKeyOf(keys.key), stored(v, keys.key, new Date(t - 3 * DAY)))
      await reader.dial(holder.getMultiaddrs())
      const found = await retryUntil(async signal => {
        const r = await lookup(reader.services.dht, NUMBER, { signal, trustedVerifiers: [verifier.publicKey] })
        if (!r.registered) throw new Error('not found yet')
        return r
      }, { timeout: 20_000, what: 'lookup' })
      expect(found.seq).toBe(1)
      expect(found.stats.hops).toBeGreaterThanOrEqual(1)

      // mallory, verified by the same verifier after a SIM swap, puts her record from the reader: the holder refuses it
      const bad = await attacker()
      expect(await rejectionName(putRecord(reader.services.dht, keys.key, bad, { timeoutMs: 10_000 }))).toBe('PublishFailedError')
      const again = await lookup(reader.services.dht, NUMBER, { trustedVerifiers: [verifier.publicKey] })
      expect(again.registered && Buffer.from(again.identityKey).equals(Buffer.from(alice.identity.publicKey))).toBe(true)

      // past the envelope's expiry the holder deletes it and serves nothing
      holderClock = t - 3 * DAY + LOCK_WINDOW_MS + HOUR
      // (the reader's own store meanwhile holds records from its put and kad-dht's correction, so ask what the holder answers)
      let holderAnswered = false
      for await (const event of reader.services.dht.get(keys.key)) {
        if (event.name === 'PEER_RESPONSE' && event.from.equals(holder.peerId)) {
          holderAnswered = true
          expect(event.record).toBeUndefined()
        }
      }
      expect(holderAnswered).toBe(true)
      expect(await inner.has(datastoreKeyOf(keys.key))).toBe(false)
    })
  })
})
