// One walk over scripted kad-dht events (no network, fast to mutate): which events count as answers, values and
// failures, the path length of each value, de-duplication, the quorum's early end, and how query errors end a walk.
import { describe, it, expect, beforeAll } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId, AbortOptions } from '@libp2p/interface'
import type { QueryEvent } from '@libp2p/kad-dht'
import { createHash } from 'node:crypto'
import { walk, type WalkDht } from '../../src/directory/walk.js'

const KEY = new TextEncoder().encode('/parley-phone/' + 'cd'.repeat(32))

const response = (from: PeerId, closer: PeerId[] = [], value?: Uint8Array, messageName = 'GET_VALUE'): QueryEvent => ({
  name: 'PEER_RESPONSE', messageName, from, closer: closer.map(id => ({ id, multiaddrs: [] })), providers: [],
  ...(value != null ? { record: { key: KEY, value, timeReceived: new Date() } } : {})
}) as unknown as QueryEvent
const failure = (from: PeerId): QueryEvent => ({ name: 'QUERY_ERROR', from, error: new Error('timed out') }) as unknown as QueryEvent
const final = (from: PeerId, value: Uint8Array): QueryEvent => ({ name: 'VALUE', from, value }) as unknown as QueryEvent

/** Yields `events`, then throws `error` when given; records whether the consumer left early. */
class Scripted implements WalkDht {
  stopped = false
  yielded = 0
  constructor (private readonly events: QueryEvent[], private readonly error?: Error) {}
  async * get (_key: Uint8Array, _options?: AbortOptions): AsyncIterable<QueryEvent> {
    try {
      for (const e of this.events) {
        this.yielded++
        yield e
      }
      if (this.error != null) throw this.error
    } finally {
      this.stopped = this.yielded < this.events.length
    }
  }
}

describe('walk', () => {
  let p: PeerId[]
  const v1 = new Uint8Array([1])
  const v2 = new Uint8Array([2])

  beforeAll(async () => {
    p = await Promise.all(Array.from({ length: 6 }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))))
  })

  it('collects answers, failures and distinct values with their path length', async () => {
    const dht = new Scripted([
      response(p[0], [p[1], p[2]]), // a first-hop peer names two closer ones
      response(p[1], [p[3], p[0]], v1), // hop 2, names p[3] (hop 3); p[0] stays at hop 1
      failure(p[2]),
      response(p[3], [], new Uint8Array([1])), // the same value again: kept once, at its first path length
      response(p[3], [], v2, 'PUT_VALUE'), // not an answer to our GET
      response(p[4], [p[1]], v2), // answers without being named: hop 1; p[1] keeps hop 2
      final(p[1], v2), // the query's final VALUE: already seen
      final(p[5], new Uint8Array([3])) // a value from our own store (a peer that never answered): hop 0
    ])
    const w = await walk(dht, KEY, { quorum: 0 })
    expect(w.values).toEqual([{ value: v1, hops: 2 }, { value: v2, hops: 1 }, { value: new Uint8Array([3]), hops: 0 }])
    expect([...w.answered].sort()).toEqual([p[0], p[1], p[3], p[4]].map(String).sort())
    expect(w.failed).toBe(1)
    expect(w.endedEarly).toBe(false)
  })

  it('a final VALUE from a peer that answered takes that peer\'s path length', async () => {
    const w = await walk(new Scripted([response(p[0], [p[1]]), response(p[1], [p[2]]), response(p[2]), final(p[2], v1)]), KEY, { quorum: 0 })
    expect(w.values).toEqual([{ value: v1, hops: 3 }])
  })

  it('ends as soon as the quorum closest have answered, leaving the query', async () => {
    const dht = new Scripted([response(p[0]), response(p[1]), response(p[2]), response(p[3])])
    const w = await walk(dht, KEY, { quorum: 2 })
    expect(w.endedEarly).toBe(true)
    expect(dht.yielded).toBe(2)
    expect(dht.stopped).toBe(true)
    expect(w.answered.size).toBe(2)
    // quorum 0 walks until the query ends
    const all = new Scripted([response(p[0]), response(p[1]), response(p[2]), response(p[3])])
    expect((await walk(all, KEY, { quorum: 0 })).endedEarly).toBe(false)
    expect(all.yielded).toBe(4)
  })

  it('a query that fails before any answer is DirectoryUnavailableError; after answers the walk keeps them', async () => {
    const cause = new Error('no peers')
    const none = await walk(new Scripted([failure(p[0])], cause), KEY, { quorum: 0 }).catch((err: Error) => err)
    expect(none).toMatchObject({ name: 'DirectoryUnavailableError', message: 'directory query failed', cause })
    const some = await walk(new Scripted([response(p[0], [], v1)], new Error('correction put refused')), KEY, { quorum: 0 })
    expect(some.values).toEqual([{ value: v1, hops: 1 }])
    // an aborted walk rejects with the query's own error
    const controller = new AbortController()
    controller.abort()
    const aborted = new Error('aborted')
    await expect(walk(new Scripted([response(p[0])], aborted), KEY, { quorum: 0, signal: controller.signal })).rejects.toBe(aborted)
  })

  it('a peer named twice keeps its shortest path', async () => {
    // p0 (hop 1) names p2 (hop 2); p1, reached at hop 2, names p2 again (hop 3 by that path)
    const w = await walk(new Scripted([response(p[0], [p[1], p[2]]), response(p[1], [p[2]]), response(p[2], [], v1)]), KEY, { quorum: 0 })
    expect(w.values).toEqual([{ value: v1, hops: 2 }])
  })

  it('a failed peer drops out of the quorum: the next closest answering ends the walk', async () => {
    const sha = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest()
    const target = sha(KEY)
    const dist = (id: PeerId): Buffer => Buffer.from(sha(id.toMultihash().bytes).map((b, i) => b ^ target[i]))
    const [near, far, farther] = [...p].sort((a, b) => Buffer.compare(dist(a), dist(b)))
    const dht = new Scripted([response(farther, [near, far]), failure(near), response(far), response(farther)])
    const w = await walk(dht, KEY, { quorum: 2 })
    expect(w.endedEarly).toBe(true)
    expect(dht.yielded).toBe(3)
  })
})
