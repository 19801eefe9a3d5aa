// The lookup's quorum rule over a scripted DHT walk: an absent key ends once the closest peers answered, a record held by a close replica is found, peers that fail do not count, and leaving the walk stops the query.
import { describe, it, expect, beforeAll } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import type { QueryEvent } from '@libp2p/kad-dht'
import { defaultProvider } from '../../src/crypto/index.js'
import { buildRecord, directoryKeysFor, lookup, LOOKUP_QUORUM, type DirectoryDht } from '../../src/directory/index.js'
import { ClosestPeers } from '../../src/directory/closest.js'
import { makeUser } from './fixtures.js'

const NUMBER = '+442079460958'
const ABSENT = '+442079460959'
const PEERS = 60

/** Peers sorted by kad-dht's distance (sha256 of the peer id's multihash XOR sha256 of the key) to `key`. */
function byDistance (peers: PeerId[], key: Uint8Array): PeerId[] {
  const p = defaultProvider()
  const target = p.sha256(key)
  const dist = (id: PeerId): number[] => Array.from(p.sha256(id.toMultihash().bytes), (b, i) => b ^ target[i])
  const cmp = (a: number[], b: number[]): number => { for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i]; return 0 }
  return [...peers].sort((a, b) => cmp(dist(a), dist(b)))
}

/**
 * A walk like kad-dht's, farthest peers first: each answer names every peer closer than the one answering, so
 * the closest answer last. `holders` answer with the record; `failing` time out; the walk counts how far it got.
 */
class ScriptedDht implements DirectoryDht {
  asked = 0
  stopped = false
  /** `tail`: farther peers that answer after the rest, as kad-dht's other disjoint paths do */
  constructor (private readonly order: PeerId[], private readonly holders = new Map<string, Uint8Array>(), private readonly failing = new Set<string>(), private readonly tail: PeerId[] = []) {}

  async * get (key: Uint8Array): AsyncIterable<QueryEvent> {
    const walk = [...this.order.map((id, i) => ({ id, closer: this.order.slice(0, i) })).reverse(), ...this.tail.map(id => ({ id, closer: [] }))]
    try {
      for (const { id: from, closer } of walk) {
        this.asked++
        await Promise.resolve()
        if (this.failing.has(from.toString())) {
          yield { name: 'QUERY_ERROR', from, error: new Error('timed out') } as unknown as QueryEvent
          continue
        }
        const value = this.holders.get(from.toString())
        yield {
          name: 'PEER_RESPONSE', messageName: 'GET_VALUE', from, closer: closer.map(id => ({ id, multiaddrs: [] })), providers: [],
          ...(value != null ? { record: { key, value, timeReceived: new Date() } } : {})
        } as unknown as QueryEvent
      }
    } finally {
      this.stopped = true
    }
  }

  async * put (): AsyncIterable<QueryEvent> {}
}

/** One scripted walk per get(): each step is a peer that answers (with a value or not) or fails. */
class WalksDht implements DirectoryDht {
  gets = 0
  constructor (private readonly walks: Array<Array<{ from: PeerId, value?: Uint8Array, fails?: true }>>) {}

  async * get (key: Uint8Array): AsyncIterable<QueryEvent> {
    const steps = this.walks[Math.min(this.gets++, this.walks.length - 1)]
    for (const { from, value, fails } of steps) {
      await Promise.resolve()
      if (fails === true) yield { name: 'QUERY_ERROR', from, error: new Error('connection refused') } as unknown as QueryEvent
      else yield { name: 'PEER_RESPONSE', messageName: 'GET_VALUE', from, closer: [], providers: [], ...(value != null ? { record: { key, value, timeReceived: new Date() } } : {}) } as unknown as QueryEvent
    }
  }

  async * put (): AsyncIterable<QueryEvent> {}
}

describe('lookup quorum rule', () => {
  let peers: PeerId[]
  beforeAll(async () => {
    peers = await Promise.all(Array.from({ length: PEERS }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))))
  })

  it('an absent number ends once the closest LOOKUP_QUORUM peers answered, and the query is stopped', async () => {
    const { key } = await directoryKeysFor(ABSENT)
    const order = byDistance(peers, key)
    const [near, far] = [order.slice(0, 40), order.slice(40)]
    const dht = new ScriptedDht(near, undefined, undefined, far)
    const r = await lookup(dht, ABSENT)
    expect(r).toMatchObject({ registered: false, stats: { endedEarly: true, peersQueried: near.length } })
    // the 40 near peers answer farthest first, so the closest 20 have all answered with the last of them; the far
    // peers still queued are never asked, and the walk is stopped
    expect(dht.asked).toBe(near.length)
    expect(dht.stopped).toBe(true)
    // with quorum 0 the walk runs dry and says so
    const full = new ScriptedDht(near, undefined, undefined, far)
    expect(await lookup(full, ABSENT, { quorum: 0 })).toMatchObject({ registered: false, stats: { endedEarly: false, peersQueried: PEERS } })
  })

  it('ends without waiting for far peers when the closest answer first, and finds a record held only by close replicas', async () => {
    const user = await makeUser()
    const built = await buildRecord(user.identity, NUMBER, user.fields)
    const order = byDistance(peers, built.key)
    // only 3 of the K closest still hold the record (churn), and one of the closest never answers
    const holders = new Map(order.slice(5, 8).map(id => [id.toString(), built.value]))
    // the closest answer first here (each names none closer), the rest follow
    const dht = new ScriptedDht([], holders, new Set([order[0].toString()]), order)
    const r = await lookup(dht, NUMBER)
    expect(r.registered).toBe(true)
    expect(r.registered && Buffer.from(r.identityKey).equals(Buffer.from(user.identity.publicKey))).toBe(true)
    expect(r.stats.endedEarly).toBe(true)
    // closest first: the quorum is the LOOKUP_QUORUM closest that did not fail, so one more is asked
    expect(dht.asked).toBe(LOOKUP_QUORUM + 1)
    expect(r.stats.peersQueried).toBe(LOOKUP_QUORUM)
  })

  it('peers that fail do not count: the next closest must answer in their place', async () => {
    const { key } = await directoryKeysFor(ABSENT)
    const order = byDistance(peers, key)
    const c = new ClosestPeers(key, 3)
    for (const id of order.slice(0, 6)) c.heard(id)
    c.answered(order[0])
    c.answered(order[2])
    expect(c.done).toBe(false)
    c.failed(order[1])
    expect(c.done).toBe(false)
    c.answered(order[3])
    expect(c.done).toBe(true)
    // a failure never takes back an answer, and fewer known peers than the quorum never ends a lookup
    c.failed(order[0])
    expect(c.done).toBe(true)
    const few = new ClosestPeers(key, 3)
    few.answered(order[0])
    few.answered(order[1])
    expect(few.done).toBe(false)
  })

  it('"not registered" needs as much of the directory as a record: a walk that met nobody holding it while a peer was down is walked again', async () => {
    const user = await makeUser()
    const built = await buildRecord(user.identity, NUMBER, user.fields)
    const [relayUp, relayDown, later] = peers
    // just after a restart with one relay down: the relay that answers has no copy yet, the one that has is down
    const dht = new WalksDht([[{ from: relayUp }, { from: relayDown, fails: true }], [{ from: relayUp }, { from: later, value: built.value }]])
    const r = await lookup(dht, NUMBER, { negativeRecheckMs: 0 })
    expect(r.registered).toBe(true)
    expect(dht.gets).toBe(2)

    // every peer asked answered and none has it: the number is not registered, after one walk
    const clean = new WalksDht([[{ from: relayUp }, { from: later }]])
    expect(await lookup(clean, ABSENT, { negativeRecheckMs: 0 })).toMatchObject({ registered: false })
    expect(clean.gets).toBe(1)

    // still nothing on the second walk: then it is not registered (a dead peer in routing tables cannot block every negative)
    const down = new WalksDht([[{ from: relayUp }, { from: relayDown, fails: true }]])
    expect(await lookup(down, ABSENT, { negativeRecheckMs: 0 })).toMatchObject({ registered: false })
    expect(down.gets).toBe(2)
  })
})
