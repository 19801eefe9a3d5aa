// A relay process keeps the directory records it stored across SIGTERM and SIGKILL restarts on the same --data dir, and afterwards still refuses replays of older records and takeovers of a locked number (its store rule compares with the stored record).
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import { createNodeNode, type DhtRecordRules, type ParleyNode } from '../../src/index.js'
import { startRelayProcess, type RelayProcess } from '../../scripts/relay-process.js'
import { buildRecord, directoryDhtRules, directoryKeysFor, lookup, publishRecord } from '../../src/directory/index.js'
import { tempDir } from '../helpers/tmp.js'
import { retryUntil } from '../helpers/wait.js'
import { attest, hostilePut, makeUser, makeVerifier, type TestUser } from '../directory/fixtures.js'

const LOOPBACK = ['/ip4/127.0.0.1/tcp/0']
const NUMBER = '+14155550171'

describe('parley-relay keeps DHT records across restarts', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  const nodes: ParleyNode[] = []
  const relays: RelayProcess[] = []
  const verifier = makeVerifier()

  beforeAll(async () => { dir = await tempDir() })
  afterAll(async () => {
    await Promise.all(nodes.map(async n => await n.stop()))
    await Promise.all(relays.filter(r => r.process.exitCode == null && r.process.signalCode == null).map(async r => await r.stop()))
    await dir.remove()
  })

  /** A relay on `dataDir`. */
  async function relay (dataDir: string): Promise<{ relay: RelayProcess }> {
    const r = await startRelayProcess({ dataDir, listen: LOOPBACK })
    relays.push(r)
    return { relay: r }
  }

  async function client (r: RelayProcess, dht: DhtRecordRules = directoryDhtRules()): Promise<ParleyNode> {
    const node = await createNodeNode({ bootstrap: [r.addr('tcp')], listen: ['/ip4/127.0.0.1/tcp/0'], dht })
    nodes.push(node)
    return node
  }

  async function publish (r: RelayProcess, user: TestUser, seq: number): Promise<void> {
    const publisher = await client(r)
    const keys = await directoryKeysFor(NUMBER)
    const attestations = [attest(verifier, keys.directoryKey, user.identity.publicKey, Date.now() - 60_000)]
    // the routing table fills once identify has run with the relay; no event tells the client
    const published = await retryUntil(async signal => await publishRecord(publisher.services.dht, user.identity, NUMBER, user.fields, { attestations, seq, signal }), { timeout: 30_000, what: 'publish' })
    // the relay is the publisher's only DHT peer: it acknowledged the put
    expect(published.accepted).toBe(1)
    await publisher.stop()
  }

  /** A fresh client that knows only `r` looks the number up. */
  async function lookUp (r: RelayProcess): Promise<{ seq: number, identityKey: Uint8Array }> {
    const reader = await client(r)
    const found = await retryUntil(async signal => {
      const res = await lookup(reader.services.dht, NUMBER, { trustedVerifiers: [verifier.publicKey], signal })
      if (!res.registered) throw new Error('not found yet')
      return res
    }, { timeout: 30_000, what: 'lookup' })
    await reader.stop()
    return found
  }

  it('a record put before SIGTERM is served after the restart, with no republish', async () => {
    const dataDir = join(dir.path, 'sigterm')
    const first = await relay(dataDir)
    const alice = await makeUser()
    await publish(first.relay, alice, 1)
    expect(await first.relay.stop()).toBe(0)

    const second = await relay(dataDir)
    expect(second.relay.peerId).toBe(first.relay.peerId)
    const found = await lookUp(second.relay)
    expect(found.seq).toBe(1)
    expect(Buffer.from(found.identityKey).equals(Buffer.from(alice.identity.publicKey))).toBe(true)
  })

  it('a put the relay acknowledged survives SIGKILL, and older records are still refused as replays after the restart', async () => {
    const dataDir = join(dir.path, 'sigkill')
    const first = await relay(dataDir)
    const alice = await makeUser()
    await publish(first.relay, alice, 2)
    await first.relay.kill()

    const second = await relay(dataDir)
    expect((await lookUp(second.relay)).seq).toBe(2)

    // a node whose own rules accept anything puts alice's older record, then mallory's record with a newer
    // attestation from the same verifier (a SIM swap): the restarted relay compares with the seq 2 record
    // it stored (nothing to refill after a restart) and refuses both
    const keys = await directoryKeysFor(NUMBER)
    const attestations = [attest(verifier, keys.directoryKey, alice.identity.publicKey, Date.now() - 60_000)]
    const old = await buildRecord(alice.identity, NUMBER, alice.fields, { attestations, seq: 1 })
    const mallory = await makeUser()
    const takeover = await buildRecord(mallory.identity, NUMBER, mallory.fields, { attestations: [attest(verifier, keys.directoryKey, mallory.identity.publicKey, Date.now())], seq: 99 })
    const hostile = await client(second.relay, { validators: { 'parley-phone': async () => {} }, selectors: { 'parley-phone': () => 0 } })
    for (const value of [old.value, takeover.value]) {
      expect(await hostilePut(hostile.services.dht, keys.key, value)).toBe('refused')
    }
    await hostile.stop()
    const after = await lookUp(second.relay)
    expect(after.seq).toBe(2)
    expect(Buffer.from(after.identityKey).equals(Buffer.from(alice.identity.publicKey))).toBe(true)
  })
})
