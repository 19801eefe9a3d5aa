// The directory on a real network: a relay process (compiled, from dist/) and Node clients with the directory rules; forged and replayed records are refused by the DHT nodes and by readers.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import { createNodeNode, type DhtRecordRules, type ParleyNode } from '../../src/index.js'
import { startRelayProcess, type RelayProcess } from '../../scripts/relay-process.js'
import {
  buildRecord, directoryDhtRules, directoryKeysFor, lookup, publishRecord, signEnvelope, decodeEnvelope
} from '../../src/directory/index.js'
import { tempDir } from '../helpers/tmp.js'
import { retryUntil } from '../helpers/wait.js'
import { attest, hostilePut, makeUser, makeVerifier } from './fixtures.js'

const NUMBER = '+14155550142'
const UNKNOWN = '+14155550143'

describe('directory over a relay and Node clients', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let relay: RelayProcess
  const nodes: ParleyNode[] = []
  const verifier = makeVerifier()

  const client = async (dht: DhtRecordRules = directoryDhtRules()): Promise<ParleyNode> => {
    const node = await createNodeNode({ bootstrap: [relay.addr('tcp')], listen: ['/ip4/127.0.0.1/tcp/0'], dht })
    nodes.push(node)
    return node
  }

  beforeAll(async () => {
    dir = await tempDir()
    relay = await startRelayProcess({ dataDir: join(dir.path, 'relay'), listen: ['/ip4/127.0.0.1/tcp/0'] })
  })

  afterAll(async () => {
    await Promise.all(nodes.map(async n => await n.stop()))
    await relay?.stop()
    await dir?.remove()
  })

  it('one client publishes; the others find it by number; an unknown number is not on Parley; forgeries and replays are refused', async () => {
    const [a, b, c] = [await client(), await client(), await client()]
    const alice = await makeUser(a.peerId.toString())
    const keys = await directoryKeysFor(NUMBER)
    const attestations = [attest(verifier, keys.directoryKey, alice.identity.publicKey, Date.now() - 60_000)]

    // the routing tables fill once identify has run with the relay; no event tells the client
    const first = await retryUntil(async signal => await publishRecord(a.services.dht, alice.identity, NUMBER, alice.fields, { attestations, seq: 1, signal }), { timeout: 30_000, what: 'publish' })
    expect(first.accepted).toBeGreaterThanOrEqual(1)

    for (const reader of [b, c]) {
      const found = await retryUntil(async signal => {
        const r = await lookup(reader.services.dht, NUMBER, { trustedVerifiers: [verifier.publicKey], signal })
        if (!r.registered) throw new Error('not found yet')
        return r
      }, { timeout: 30_000, what: 'lookup' })
      expect(Buffer.from(found.identityKey).equals(Buffer.from(alice.identity.publicKey))).toBe(true)
      expect(found.devices.map(d => d.peerId)).toEqual([a.peerId.toString()])
      expect(found.mailboxRelays).toEqual(alice.fields.mailboxRelays)
      expect(Buffer.from(found.devices[0].prekeyBundle).equals(Buffer.from(alice.fields.devices[0].prekeyBundle))).toBe(true)
      expect(found.verified).toBe(true)
      expect(found.seq).toBe(1)
      expect(found.stats.peersQueried).toBeGreaterThanOrEqual(1)
    }

    const unknown = await lookup(c.services.dht, UNKNOWN)
    expect(unknown.registered).toBe(false)

    // a newer record from alice replaces the first everywhere it is stored
    const second = await buildRecord(alice.identity, NUMBER, { ...alice.fields, mailboxRelays: [relay.addr('tcp')] }, { attestations, seq: 2 })
    await a.services.dht.validators['parley-phone'](keys.key, second.value)
    const storedBy = new Set<string>()
    for await (const event of a.services.dht.put(keys.key, second.value)) {
      if (event.name === 'PEER_RESPONSE' && event.messageName === 'PUT_VALUE') storedBy.add(event.from.toString())
    }
    // the relay process runs the directory rules and stores valid records
    expect(storedBy.has(relay.peerId)).toBe(true)
    const old = await buildRecord(alice.identity, NUMBER, alice.fields, { attestations, seq: 1 })

    // a hostile node whose own rules accept anything tries to put a forged record (alice's key, mallory's
    // signature, a higher seq) and a replay of alice's older record: every DHT node with the rules refuses
    const hostile = await client({ validators: { 'parley-phone': async () => {} }, selectors: { 'parley-phone': () => 0 } })
    const mallory = await makeUser()
    const genuine = decodeEnvelope((await buildRecord(alice.identity, NUMBER, alice.fields, { attestations, seq: 3 })).value)
    const forged = signEnvelope(mallory.identity, { seq: 99, issuedAt: genuine.issuedAt, expiresAt: genuine.expiresAt, attestations: [], sealed: genuine.sealed })
    // alice's identity key in place of mallory's, under mallory's signature
    forged.set(alice.identity.publicKey, findSubarray(forged, mallory.identity.publicKey))
    expect(() => decodeEnvelope(forged)).not.toThrow()
    expect(Buffer.from(decodeEnvelope(forged).identityKey).equals(Buffer.from(alice.identity.publicKey))).toBe(true)

    // wait until the hostile node knows DHT peers, then put: no peer stores either value
    await retryUntil(async () => { if (hostile.getConnections().length === 0) throw new Error('not connected') }, { timeout: 10_000, what: 'hostile connected' })
    // (the forgery last, so it is what the hostile node's own store ends up serving)
    for (const value of [old.value, forged]) {
      expect(await hostilePut(hostile.services.dht, keys.key, value)).toBe('refused')
    }

    // readers still get alice's newest record, with the relay among those answering
    for (const reader of [b, c]) {
      const found = await lookup(reader.services.dht, NUMBER, { trustedVerifiers: [verifier.publicKey] })
      expect(found.registered && found.seq).toBe(2)
      expect(found.registered && found.mailboxRelays).toEqual([relay.addr('tcp')])
    }
    // the hostile node serves its forgery to readers (GET_VALUE answers come from its store unchecked);
    // the reader's DHT discards it, and lookup still returns alice's record
    await retryUntil(async signal => {
      let discarded = false
      for await (const event of b.services.dht.get(keys.key, { signal })) {
        if (event.name === 'QUERY_ERROR' && event.from.equals(hostile.peerId)) discarded = true
        if (event.name === 'VALUE') expect(decodeEnvelope(event.value).seq).toBe(2)
      }
      if (!discarded) throw new Error('hostile node not asked yet')
    }, { timeout: 20_000, what: 'reader discards the forgery' })
    const found = await lookup(b.services.dht, NUMBER, { trustedVerifiers: [verifier.publicKey] })
    expect(found.registered && found.seq).toBe(2)
  })
})

function findSubarray (haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer
    return i
  }
  throw new Error('not found')
}
