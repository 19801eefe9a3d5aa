// Contact discovery on a real in-process network (30 libp2p nodes on loopback, DHT servers with the directory rules): lookups that end by the quorum rule never report a registered number as absent.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { commonServices } from '../../src/index.js'
import { DirectoryHashCache, DirectoryUnavailableError, directoryDhtRules, discoverContacts, lookup, publishRecord, type LookupOptions, type LookupResult } from '../../src/directory/index.js'
import { startNode } from '../protocols/nodes.js'
import { retryUntil, waitForEvent } from '../helpers/wait.js'
import { makeUser } from './fixtures.js'

const NODES = 30
const REGISTERED = 4
const ABSENT = 16
const number = (i: number): string => `+1415555${String(2000 + i).padStart(4, '0')}`

/**
 * Thirty nodes share one event loop, and building the network starts 29 noise handshakes into node 0 at once: on a
 * loaded machine one took longer than libp2p's 6 s per address (EncryptionFailedError: aborted due to timeout).
 * Slow handshakes here are the test's own CPU contention, not lost peers, so the nodes wait longer for them.
 */
const SLOW_MACHINE = { dialTimeout: 30_000, addressDialTimeout: 30_000, inboundUpgradeTimeout: 30_000 }
/**
 * For the same reason DHT walks here can take longer than the product's limits (a lookup 30 s, the test's publish
 * 30 s; seen on a loaded machine): the test is about what lookups answer, so they get more time to answer it.
 */
const WALK_TIMEOUT = 90_000
/**
 * kad-dht gives each peer's answer at least 5 s; on a loaded machine every peer of a walk (and of the second walk a
 * lookup makes before it says "not registered") missed that, and the lookup rightly said the directory was
 * unavailable, not that the number is absent. Such a lookup is asked again within this time; any other error, and
 * every answer, count as they are.
 */
const UNANSWERED_RETRY = 120_000

async function lookupAnswered (dht: Node['services']['dht'], e164: string, options: LookupOptions): Promise<LookupResult> {
  const deadline = Date.now() + UNANSWERED_RETRY
  for (;;) {
    try {
      return await lookup(dht, e164, options)
    } catch (err) {
      if (!(err instanceof DirectoryUnavailableError) || Date.now() > deadline) throw err
    }
  }
}

async function startDhtNode () {
  return await startNode(commonServices('server', directoryDhtRules()), SLOW_MACHINE)
}
type Node = Awaited<ReturnType<typeof startDhtNode>>

describe('discovery on an in-process network', () => {
  let nodes: Node[] = []
  const hashes = new DirectoryHashCache()
  const identities = new Map<string, Uint8Array>()
  /** how many peers stored each published record (in failure messages) */
  const accepted = new Map<string, number>()

  beforeAll(async () => {
    nodes = await Promise.all(Array.from({ length: NODES }, startDhtNode))
    // a star through node 0 plus a few random links; kad-dht fills the routing tables from there
    const table = (n: Node): EventTarget & { size: number } => (n.services.dht as unknown as { routingTable: EventTarget & { size: number } }).routingTable
    await Promise.all(nodes.slice(1).map(async (n, i) => {
      // the link to the hub is what the star needs: a dial that still timed out is tried again (bounded)
      await retryUntil(async signal => await n.dial(nodes[0].getMultiaddrs(), { signal }), { timeout: 60_000, what: `dial node 0 from node ${i + 1}` })
      await n.dial(nodes[1 + ((i * 7) % (NODES - 1))].getMultiaddrs()).catch(() => {})
      // a peer enters the table once identify showed it speaks the DHT; on a loaded machine that can fail (and node 1's
      // random link is to itself), so while the table is short after a while, one more node is linked each round
      const deadline = Date.now() + 90_000
      for (let k = 1; table(n).size < 3; k++) {
        if (Date.now() > deadline) throw new Error(`node ${i + 1}: routing table of ${table(n).size} after 90 s`)
        await waitForEvent(table(n), 'peer:add', { timeout: 10_000, accept: () => table(n).size >= 3 }).catch(async () => {
          await n.dial(nodes[1 + ((i + 5 * k) % (NODES - 1))].getMultiaddrs()).catch(() => {})
        })
      }
    }))
    // publish each number from a different node; retried while the tables still fill
    await Promise.all(Array.from({ length: REGISTERED }, async (_, i) => {
      const node = nodes[3 + i * 5]
      const user = await makeUser(node.peerId.toString())
      const r = await retryUntil(async signal => await publishRecord(node.services.dht, user.identity, number(i), user.fields, { hashes, signal, timeoutMs: WALK_TIMEOUT }), { timeout: WALK_TIMEOUT, what: 'publish' })
      expect(r.accepted).toBeGreaterThanOrEqual(1)
      accepted.set(number(i), r.accepted)
      identities.set(number(i), user.identity.publicKey)
    }))
  }, 300_000)

  afterAll(async () => {
    await Promise.all(nodes.map(async n => await n.stop()))
  })

  it('finds every registered number from several readers, with the default quorum and a small one', async () => {
    const book = [...Array.from({ length: REGISTERED }, (_, i) => number(i)), ...Array.from({ length: ABSENT }, (_, i) => number(100 + i))]
    for (const [reader, quorum] of [[nodes[2], undefined], [nodes[17], 4], [nodes[29], 2]] as const) {
      let early = 0
      const errors: string[] = []
      const report = await discoverContacts(async (e164, options) => {
        const r = await lookupAnswered(reader.services.dht, e164, { ...options, hashes, quorum, timeoutMs: WALK_TIMEOUT }).catch((err: Error) => {
          errors.push(`${e164}: ${err.name}: ${err.message}`)
          throw err
        })
        if (r.stats.endedEarly) early++
        return r
      }, book)
      expect(report.failed, errors.join('; ')).toBe(0)
      const context = `quorum ${quorum ?? 'default'}, records stored on ${[...accepted.values()].join(', ')} peers`
      expect(report.registered, context).toBe(REGISTERED)
      for (const c of report.contacts) {
        const key = identities.get(c.e164!)
        expect(c.status, `${c.e164}, ${context}`).toBe(key != null ? 'registered' : 'not-registered')
        if (key != null) expect(Buffer.from(c.identityKey!).equals(Buffer.from(key))).toBe(true)
      }
      // with a small quorum lookups end before kad-dht's walk runs dry (17–20 of 20 on an idle machine; on a
      // loaded one slow answers let more walks run dry first, down to 10 of 20 seen in CI): the rule fires, and
      // its exact behaviour is test/directory/quorum.test.ts's scripted walk
      if (quorum != null) expect(early).toBeGreaterThan(0)
    }
  }, 480_000)
})
