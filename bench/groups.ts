/**
 * Group benchmarks (issue 17). Fan-out: a simulated network of 300 in-process libp2p nodes (memory transport,
 * plaintext) running Parley's gossipsub, 100 of them members of one group whose validators decrypt and verify real
 * sender-key messages; time from publish until every member has a message, and the delivered fraction, at rising
 * rates. Catch-up: Parley devices and a relay process; seconds for a member offline during 1,000 group messages to
 * have them all, against the same for 1,000 1:1 messages. Knows nothing of how the group layer works inside.
 */
import { join } from 'node:path'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { performance as perf } from 'node:perf_hooks'
import { createLibp2p } from 'libp2p'
import { identify } from '@libp2p/identify'
import { yamux } from '@libp2p/yamux'
import { GroupTopics, parleyGossipsub } from '../src/net/gossip/index.js'
import { groupPubsub } from '../src/client/group-network.js'
import { DuplicateMessageError, createSenderKey, parseSenderKeyDistribution, processSenderKeyDistribution, senderKeyDecrypt, senderKeyEncrypt, senderKeyMessageChainId, systemRandom, type SenderKeyRecord } from '../src/crypto/index.js'
import { toHex } from '../src/crypto/bytes.js'
import { decodeGroupContent, decodeGroupWire, encodeGroupContent, encodeGroupWire } from '../src/groups/message.js'
import { groupTopic } from '../src/groups/topic.js'
import type { GroupPubsub } from '../src/groups/service/ports.js'
import { Parley, createNodeNode } from '../src/index.js'
import type { RelayProcess } from '../scripts/relay-process.js'
import { SimNetwork, simPlaintext } from './sim-network.js'
import { device, next, smsCodes, startBenchRelay } from './messaging.js'
import { percentile, type Figure, type Suite } from './harness.js'

// ---- fan-out: the simulated network ----

/** Nodes in the simulated network (issue 17's bar: 300 or more). */
const NODES = 300
/** Of them, members of the group; the others are connected but never join the topic. */
const MEMBERS = 100
/**
 * Connections each node opens stubs for in the random graph (configuration model: stubs paired at random, self-loops
 * and duplicates dropped), so every node ends with about this many, like a DHT neighbourhood (~8–12).
 */
const DEGREE = 10
/** Dials in flight while the graph is wired. */
const DIAL_CONCURRENCY = 32
/** Bound on the topology set-up: subscriptions known and every member's mesh at gossipsub's D_lo. */
const MESH_WAIT_MS = 20_000
/** gossipsub's D_lo: below it a heartbeat grafts more peers; a member with fewer topic peers than this counts once all are in its mesh. */
const MESH_LOW = 4
/** A (message, member) pair counts as delivered when the member had it within this many ms of the publish. */
const DELIVERY_BOUND_MS = 5_000
/** Publish rates (msg/s over the whole group, senders drawn at random) and messages per rate: each step takes a few seconds. */
const RATES: ReadonlyArray<{ rate: number, count: number }> = [
  { rate: 1, count: 10 },
  { rate: 5, count: 50 },
  { rate: 10, count: 100 },
  { rate: 20, count: 200 },
  { rate: 50, count: 500 }
]
/** Published before the rates, not reported: the receiving, validating and forwarding code gets compiled. */
const WARMUP = { rate: 10, count: 30 }
/** After the last publish of a rate, how long the arrivals are waited for at most (a backlog drains; a lost pair never arrives). */
const DRAIN_MAX_MS = 30_000
/** The simulation's CPU with no messages (heartbeats) is sampled this long, to tell what the messages cost. */
const IDLE_SAMPLE_MS = 3_000
/** A typical short text. */
const TEXT = 'See you at the station at 7, I will be by the ticket machines near the north entrance.'

const now = (): number => performance.now()
const debug = (what: string): void => { if (process.env.BENCH_DEBUG != null) process.stderr.write(`  group: ${what}\n`) }

function shuffle<T> (a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[a[i], a[j]] = [a[j], a[i]]
  }
  return a
}

/** Runs `fn` over items with at most `limit` at once. */
async function pool<T> (items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (i < items.length) await fn(items[i++])
  }))
}

/** Resolves after `ms` (pacing the publishes, the idle sample; never used to wait for the network). */
const pause = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, Math.max(0, ms))) }

async function simNode (network: SimNetwork, i: number) {
  return await createLibp2p({
    addresses: { listen: [`/memory/n${i}`] },
    transports: [network.transport()],
    connectionEncrypters: [simPlaintext()],
    streamMuxers: [yamux()],
    connectionManager: { maxConnections: 1_000, maxIncomingPendingConnections: 1_000 },
    // libp2p pings every connection every 10 s; on one thread that is a burst over ~1,500 connections (bench/directory.ts)
    connectionMonitor: { enabled: false },
    services: { identify: identify(), pubsub: parleyGossipsub() }
  })
}
type SimNode = Awaited<ReturnType<typeof simNode>>

/** Random graph with about `degree` edges per node (configuration model). */
function randomGraph (n: number, degree: number): Array<[number, number]> {
  const stubs = shuffle(Array.from({ length: n * degree }, (_, i) => Math.floor(i / degree)))
  const edges = new Map<string, [number, number]>()
  for (let k = 0; k + 1 < stubs.length; k += 2) {
    const a = Math.min(stubs[k], stubs[k + 1])
    const b = Math.max(stubs[k], stubs[k + 1])
    if (a !== b) edges.set(`${a}-${b}`, [a, b])
  }
  return [...edges.values()]
}

/** One published message: when, by whom, and when each member had it. */
interface Sample {
  sentAt: number
  sender: number
  /** ms after sentAt per member that had it (the sender excluded) */
  at: number[]
}

/** A member: its node, its pubsub as the group layer sees it (src/client/group-network.ts), its sender-key state. */
interface Member {
  node: SimNode
  topics: GroupTopics
  pubsub: GroupPubsub
  own: SenderKeyRecord
  /** the other members' chains, by chain id */
  others: Map<number, SenderKeyRecord>
}

/** What a member's validator does with a group message: decode, decrypt and verify with the sender's chain, decode the content. */
function judge (member: Member, wire: Uint8Array, arrived: (id: string) => void): 'accept' | 'reject' | 'ignore' {
  let ciphertext: Uint8Array
  let chainId: number
  try {
    ciphertext = decodeGroupWire(wire).ciphertext
    chainId = senderKeyMessageChainId(ciphertext)
  } catch {
    return 'reject'
  }
  const record = member.others.get(chainId)
  if (record == null) return 'ignore'
  let opened
  try {
    opened = senderKeyDecrypt(record, ciphertext)
  } catch (err) {
    return err instanceof DuplicateMessageError ? 'ignore' : 'reject'
  }
  member.others.set(chainId, opened.record)
  const content = decodeGroupContent(opened.plaintext)
  arrived(toHex(content.id))
  return 'accept'
}

/** One rate's outcome: fan-out percentiles (ms), delivered fraction, messages at every member, CPU share, CPU ms per (message, member) above idle, event-loop busy share, wall ms, copies dropped over the per-peer rate limit. */
interface RateResult { rate: number, achieved: number, p50: number, p99: number, delivered: number, complete: number, cpu: number, perPair: number, elu: number, wall: number, overLimit: number }

const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000

async function fanout (report: (f: Figure) => void, filter: (name: string) => boolean): Promise<void> {
  const t0 = now()
  const network = new SimNetwork()
  const nodes = await Promise.all(Array.from({ length: NODES }, async (_, i) => await simNode(network, i)))
  debug(`${NODES} nodes started at ${Math.round(now() - t0)} ms`)
  const members: Member[] = []
  let overLimit = 0
  try {
    const edges = randomGraph(NODES, DEGREE)
    await pool(edges, DIAL_CONCURRENCY, async ([a, b]) => {
      await nodes[a].dial(nodes[b].getMultiaddrs()[0], { signal: AbortSignal.timeout(MESH_WAIT_MS) })
    })
    const conns = nodes.map(n => n.getConnections().length)
    debug(`${edges.length} random connections at ${Math.round(now() - t0)} ms (per node ${Math.min(...conns)}–${Math.max(...conns)})`)

    // the group: MEMBERS nodes at random, in the order of the group's member list; sender keys as distributed over 1:1 sessions
    const groupId = systemRandom(32)
    const topic = groupTopic(groupId)
    const chosen = shuffle(Array.from({ length: NODES }, (_, i) => i)).slice(0, MEMBERS)
    const keys = chosen.map(() => createSenderKey(groupId, { random: systemRandom }))
    for (const i of chosen) {
      // GroupTopics counts a message over its per-peer rate limit as an invalid delivery of that peer (docs/gossip.md): counted here
      const score = nodes[i].services.pubsub.score
      const mark = score.markInvalidMessageDelivery.bind(score)
      score.markInvalidMessageDelivery = (peer, name) => { overLimit++; mark(peer, name) }
      const topics = new GroupTopics(nodes[i].services.pubsub)
      const others = new Map<number, SenderKeyRecord>()
      members.push({ node: nodes[i], topics, pubsub: groupPubsub(topics, nodes[i]), own: keys[members.length].record, others })
    }
    members.forEach((m, j) => {
      keys.forEach((k, s) => {
        if (s === j) return
        m.others.set(parseSenderKeyDistribution(k.distribution).chainId, processSenderKeyDistribution(undefined, k.distribution))
      })
    })
    debug(`sender keys at ${Math.round(now() - t0)} ms`)

    // each member joins the topic with its validator, then dials members as the client does (groupPubsub.meet, up to 8)
    const samples = new Map<string, Sample>()
    let arrivals = 0
    let onArrival = (): void => {}
    await Promise.all(members.map(async m => {
      await m.pubsub.join(topic, {
        validate: async data => judge(m, data, id => {
          const s = samples.get(id)
          if (s == null) return
          s.at.push(now() - s.sentAt)
          arrivals++
          onArrival()
        })
      })
    }))
    const ids = members.map(m => m.node.peerId.toString())
    // what the directory and peer routing give a client: the members' devices and their addresses
    await Promise.all(members.map(async m => {
      for (const other of members) if (other !== m) await m.node.peerStore.merge(other.node.peerId, { multiaddrs: other.node.getMultiaddrs() })
    }))
    await Promise.all(members.map(async (m, j) => { await m.pubsub.meet?.(ids.filter((_, k) => k !== j), { signal: AbortSignal.timeout(MESH_WAIT_MS) }) }))
    const memberConns = members.map(m => m.node.getConnections().length)
    debug(`members joined and met at ${Math.round(now() - t0)} ms (member connections ${Math.min(...memberConns)}–${Math.max(...memberConns)})`)

    // bounded, event-driven: after each heartbeat of any member, every member sees its topic peers and has a mesh of
    // D_lo (or all its topic peers when it has fewer)
    const meshed = (): boolean => members.every(m => {
      const peers = m.topics.peers(topic).length
      return peers > 0 && m.topics.meshPeers(topic).length >= Math.min(MESH_LOW, peers)
    })
    await new Promise<void>((resolve, reject) => {
      const pubsub = members[0].node.services.pubsub
      const check = (): void => { if (meshed()) done(); }
      const timer = setTimeout(() => {
        const state = members.map(m => `${m.topics.meshPeers(topic).length}/${m.topics.peers(topic).length}`).join(' ')
        done(new Error(`group: meshes not formed within ${MESH_WAIT_MS} ms (mesh/topic peers per member: ${state})`))
      }, MESH_WAIT_MS)
      const done = (err?: Error): void => {
        clearTimeout(timer)
        pubsub.removeEventListener('gossipsub:heartbeat', check)
        if (err != null) reject(err)
        else resolve()
      }
      pubsub.addEventListener('gossipsub:heartbeat', check)
      check()
    })
    const mesh = members.map(m => m.topics.meshPeers(topic).length)
    const topicPeers = members.map(m => m.topics.peers(topic).length)
    debug(`meshes formed at ${Math.round(now() - t0)} ms (mesh ${Math.min(...mesh)}–${Math.max(...mesh)}, topic peers ${Math.min(...topicPeers)}–${Math.max(...topicPeers)})`)
    process.stderr.write(`  group: ${NODES} nodes, ${MEMBERS} members, set-up ${((now() - t0) / 1000).toFixed(1)} s\n`)

    // how deep the fan-out is: the sender's topic peers take a flood publish (1 hop), then each member forwards to its mesh
    const index = new Map(members.map((m, j) => [m.node.peerId.toString(), j]))
    const depths = members.map((m, j) => {
      const depth = new Map<number, number>([[j, 0]])
      let frontier = m.topics.peers(topic).map(p => index.get(p.toString())).filter((k): k is number => k != null)
      for (let d = 1; frontier.length > 0; d++) {
        const nextFrontier: number[] = []
        for (const k of frontier) {
          if (depth.has(k)) continue
          depth.set(k, d)
          for (const p of members[k].topics.meshPeers(topic)) {
            const q = index.get(p.toString())
            if (q != null && !depth.has(q)) nextFrontier.push(q)
          }
        }
        frontier = nextFrontier
      }
      return depth.size === MEMBERS ? Math.max(...depth.values()) : Infinity
    })
    process.stderr.write(`  group: hops from a sender to its last member (flood publish, then mesh): mean ${(depths.reduce((a, b) => a + b, 0) / MEMBERS).toFixed(2)}, max ${Math.max(...depths)}\n`)

    // the simulation's own load with no messages: 300 nodes' heartbeats
    const idle0 = process.cpuUsage()
    const idleStart = now()
    await pause(IDLE_SAMPLE_MS)
    const idleCpu = cpuMs(process.cpuUsage(idle0)) / (now() - idleStart)
    process.stderr.write(`  group: idle (heartbeats only): ${(idleCpu * 100).toFixed(0)} % of a core\n`)

    /** Publishes `count` messages at `rate` from random members (open loop) and waits for every (message, member) pair, at most DRAIN_MAX_MS after the last publish. */
    const others = MEMBERS - 1
    const run = async (rate: number, count: number): Promise<RateResult> => {
      samples.clear()
      arrivals = 0
      overLimit = 0
      const cpu0 = process.cpuUsage()
      const elu0 = perf.eventLoopUtilization()
      const start = now()
      const list: Sample[] = []
      for (let k = 0; k < count; k++) {
        // open loop: wait only when ahead of the schedule; when the thread is behind, the due messages go at once
        const due = start + (k * 1000) / rate
        if (due > now()) await pause(due - now())
        const j = Math.floor(Math.random() * MEMBERS)
        const m = members[j]
        const id = systemRandom(16)
        const sample: Sample = { sentAt: now(), sender: j, at: [] }
        samples.set(toHex(id), sample)
        list.push(sample)
        const plaintext = encodeGroupContent({ kind: 'text', id, timestamp: Date.now(), lamport: k, history: [], stateHash: new Uint8Array(32), text: TEXT })
        const sealed = senderKeyEncrypt(m.own, plaintext)
        m.own = sealed.record
        m.pubsub.publish(topic, encodeGroupWire(sealed.message)).catch(err => { debug(`publish failed: ${String(err)}`) })
      }
      const publishedIn = now() - start
      const want = count * others
      if (arrivals < want) {
        await new Promise<void>(resolve => {
          const timer = setTimeout(finish, DRAIN_MAX_MS)
          function finish (): void { clearTimeout(timer); onArrival = () => {}; resolve() }
          onArrival = () => { if (arrivals >= want) finish() }
        })
      }
      const wall = now() - start
      const cpu = cpuMs(process.cpuUsage(cpu0))
      // a message some member never had (within the drain window) counts with the window: a lower bound
      const fanouts = list.map(s => s.at.length === others ? Math.max(...s.at) : DRAIN_MAX_MS + publishedIn)
      const within = list.reduce((n, s) => n + s.at.filter(t => t <= DELIVERY_BOUND_MS).length, 0)
      return {
        rate,
        achieved: count / (publishedIn / 1000),
        p50: percentile(fanouts, 50),
        p99: percentile(fanouts, 99),
        delivered: within / want,
        complete: list.filter(s => s.at.length === others).length,
        cpu: cpu / wall,
        perPair: (cpu - idleCpu * wall) / want,
        elu: perf.eventLoopUtilization(elu0).utilization,
        wall,
        overLimit
      }
    }

    // warm-up (not reported): the code paths of receiving, validating and forwarding get compiled
    const warm = await run(WARMUP.rate, WARMUP.count)
    debug(`warm-up: ${WARMUP.count} messages at ${WARMUP.rate} msg/s, p50 ${warm.p50.toFixed(0)} ms, ${warm.complete} at every member`)

    const results: RateResult[] = []
    for (const { rate, count } of RATES) {
      const names = [`group.fanout.p50.r${rate}`, `group.fanout.p99.r${rate}`, `group.delivery.r${rate}`, 'group.delivery.max-rate']
      if (!names.some(filter)) continue
      const r = await run(rate, count)
      results.push(r)
      process.stderr.write(`  group: ${rate} msg/s (published at ${r.achieved.toFixed(1)}): p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms, ` +
        `delivered within ${DELIVERY_BOUND_MS / 1000} s ${(r.delivered * 100).toFixed(2)} %, ${r.complete}/${count} messages at every member, ` +
        `CPU ${(r.cpu * 100).toFixed(0)} % (${r.perPair.toFixed(2)} ms per message and member above idle), event loop ${(r.elu * 100).toFixed(0)} % busy, ${r.overLimit} copies over the per-peer rate limit, ${(r.wall / 1000).toFixed(1)} s\n`)
      if (filter(names[0])) report({ name: names[0], value: r.p50, unit: 'ms' })
      if (filter(names[1])) report({ name: names[1], value: r.p99, unit: 'ms' })
      if (filter(names[2])) report({ name: names[2], value: r.delivered, unit: 'fraction' })
      if (r.delivered < 1) break
    }
    if (filter('group.delivery.max-rate')) {
      const drop = results.find(r => r.delivered < 1)
      if (drop == null) process.stderr.write(`  group: delivery stayed at 100 % up to ${results.at(-1)?.rate ?? 0} msg/s\n`)
      report({ name: 'group.delivery.max-rate', value: drop?.rate ?? results.at(-1)?.rate ?? 0, unit: 'msg/s' })
    }
  } finally {
    for (const m of members) m.topics.stop()
    await Promise.all(nodes.map(async n => { await n.stop() }))
  }
}

// ---- catch-up: Parley devices and a relay process ----

const BOB = '+15550500001'
/**
 * The members who write while bob is offline. Three, so that no sender rotates its sender key more than 4 times
 * (every 100 messages, src/groups/service/keys.ts) during the 1,000: with two senders of 500, bob never reads ~99
 * of each (docs/benchmarks.md, "Groups": a member offline during more than 4 rotations of one sender).
 */
const SENDERS = ['+15550500002', '+15550500003', '+15550500004']
/** Messages bob misses while offline, in the group and then 1:1, shared among the senders. */
const CATCHUP_MESSAGES = 1000
/** Bound on every wait of the catch-up phases (sending the messages, a catch-up): nothing should take a fraction of it. */
const CATCHUP_WAIT_MS = 180_000

/** Counts events and resolves when `n` have arrived (bounded). */
class Tally {
  count = 0
  private waiter?: { n: number, resolve: () => void }
  readonly push = (): void => {
    this.count++
    if (this.waiter != null && this.count >= this.waiter.n) this.waiter.resolve()
  }

  async until (n: number, ms: number, what: string): Promise<void> {
    if (this.count >= n) return
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(() => { reject(new Error(`${what}: ${this.count} of ${n} within ${ms} ms`)) }, ms)
        this.waiter = { n, resolve }
      })
    } finally {
      this.waiter = undefined
      clearTimeout(timer)
    }
  }
}

async function catchup (report: (f: Figure) => void): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-bench-group-'))
  const sms = smsCodes()
  let relay: RelayProcess | undefined
  const devices = new Set<Parley>()
  const t0 = now()
  const since = (): string => `${((now() - t0) / 1000).toFixed(1)} s`
  try {
    relay = await startBenchRelay(dir, sms)
    const bobInit = { dataDir: join(dir, 'bob'), bootstrap: [relay.addr('tcp')], listen: ['/ip4/127.0.0.1/tcp/0'], createNode: createNodeNode }
    let bob = await device(dir, 'bob', relay, BOB, sms)
    devices.add(bob)
    const senders: Parley[] = []
    for (const [i, phone] of SENDERS.entries()) {
      const d = await device(dir, `sender${i}`, relay, phone, sms)
      devices.add(d)
      senders.push(d)
    }
    debug(`${SENDERS.length + 1} devices registered at ${since()}`)

    // the group: everyone takes the creation; a first text of each sender reaches bob (its sender key with it), and a first 1:1 text each way (sessions, tokens)
    const created = async (d: Parley): Promise<unknown> => await next(push => { d.groups.on('group-update', push); return () => d.groups.off('group-update', push) }, CATCHUP_WAIT_MS, 'group creation')
    const taken = Promise.all([bob, ...senders.slice(1)].map(created))
    const group = (await senders[0].groups.create('Bench', [BOB, ...SENDERS.slice(1)])).groupId
    await taken
    const warm = new Tally()
    bob.groups.on('group-message', warm.push)
    const direct = new Tally()
    bob.on('message', direct.push)
    for (const d of senders) {
      await d.groups.send(group, TEXT)
      await d.send(BOB, TEXT)
    }
    await warm.until(senders.length, CATCHUP_WAIT_MS, 'first group texts at bob')
    await direct.until(senders.length, CATCHUP_WAIT_MS, 'first 1:1 texts at bob')
    // bob's answers carry his mailbox delivery token: contacts get the mailbox's full quota (strangers share 100 envelopes)
    const answers = new Tally()
    for (const d of senders) d.on('message', answers.push)
    for (const phone of SENDERS) await bob.send(phone, TEXT)
    await answers.until(senders.length, CATCHUP_WAIT_MS, "bob's answers")
    debug(`group created, first texts read at ${since()}`)

    /** bob offline while the senders write CATCHUP_MESSAGES in all (`send`), until a relay holds every one ('sent'); then from bob's start until he has them all */
    const missed = async (what: string, send: (d: Parley, i: number) => Promise<unknown>, sent: (d: Parley, push: () => void) => void, arrived: (d: Parley, push: () => void) => void): Promise<number> => {
      await bob.stop()
      devices.delete(bob)
      await Promise.all(senders.map(async (d, k) => {
        const share = Math.floor(CATCHUP_MESSAGES / senders.length) + (k < CATCHUP_MESSAGES % senders.length ? 1 : 0)
        const held = new Tally()
        sent(d, held.push)
        for (let i = 0; i < share; i++) await send(d, i)
        await held.until(share, CATCHUP_WAIT_MS, `${what} at the relay`)
      }))
      debug(`${CATCHUP_MESSAGES} ${what} at the relay at ${since()}`)
      const got = new Tally()
      const start = now()
      bob = await Parley.create(bobInit)
      devices.add(bob)
      const created = now() - start
      // what arrived before this listener is held for it (up to 1,000 events)
      arrived(bob, got.push)
      const progress = setInterval(() => { debug(`${what}: ${got.count} at ${since()}`) }, 5000)
      try {
        await got.until(CATCHUP_MESSAGES, CATCHUP_WAIT_MS, `${what} at bob`)
      } finally {
        clearInterval(progress)
      }
      const s = (now() - start) / 1000
      debug(`${what}: Parley.create resolved after ${(created / 1000).toFixed(2)} s, bob had all ${CATCHUP_MESSAGES} ${s.toFixed(2)} s after his start`)
      return s
    }
    const groupS = await missed('group messages',
      async (d, i) => await d.groups.send(group, `${TEXT} ${i}`),
      (d, push) => d.groups.on('group-status', e => { if (e.group === group && e.status === 'sent') push() }),
      (d, push) => d.groups.on('group-message', push))
    const directS = await missed('1:1 messages',
      async (d, i) => await d.send(BOB, `${TEXT} ${i}`),
      (d, push) => d.on('status', e => { if (e.status === 'sent') push() }),
      (d, push) => d.on('message', push))
    process.stderr.write(`  group: catch-up of ${CATCHUP_MESSAGES} messages: group ${groupS.toFixed(2)} s, 1:1 ${directS.toFixed(2)} s (suite ${since()})\n`)
    report({ name: 'group.catchup.1k', value: groupS, unit: 's', baseline: directS })
  } finally {
    for (const d of devices) await d.stop().catch(() => {})
    await relay?.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

export const suite: Suite = {
  prefix: 'group.',
  names: [
    ...RATES.flatMap(r => [`group.fanout.p50.r${r.rate}`, `group.fanout.p99.r${r.rate}`, `group.delivery.r${r.rate}`]),
    'group.delivery.max-rate',
    'group.catchup.1k'
  ],
  async run (report, filter) {
    if (this.names.filter(n => !n.startsWith('group.catchup')).some(filter)) await fanout(report, filter)
    if (filter('group.catchup.1k')) await catchup(report)
  }
}
