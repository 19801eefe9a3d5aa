// Gossipsub peer scoring on group topics (src/net/gossip/): a peer flooding messages the validator rejects, and one flooding over the rate limit, are graylisted while an honest peer's messages keep flowing. V is the victim, H an honest member, W a member behind V; F and G are raw gossipsub nodes without Parley's limits, connected to V only.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { Libp2p } from 'libp2p'
import type { GossipSub } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { groupTopicString, SCORE_THRESHOLDS, type GroupTopics } from '../../src/net/gossip/index.js'
import type { ParleyNode } from '../../src/net/node.js'
import { connect, Member, msg, parleyNode, rawGossipNode, topicBytes, until, watchRpcs, WAIT_MS } from './gossip-helpers.js'
import { waitForEvent } from '../helpers/wait.js'

/** V's rate limit in these tests: room for the invalid flood below, far less than the rate flood. */
const V_RATE = { burst: 20, perSecond: 1 }

type Node = { node: ParleyNode, topics: GroupTopics }

describe('peer scoring on group topics', () => {
  let v: Node
  let h: Node
  let w: Node
  let f: Libp2p<{ pubsub: GossipSub }>
  let g: Libp2p<{ pubsub: GossipSub }>

  beforeAll(async () => {
    v = await parleyNode({ ratePerPeer: V_RATE })
    h = await parleyNode()
    w = await parleyNode()
    f = await rawGossipNode()
    g = await rawGossipNode()
    await connect(h.node, v.node)
    await connect(v.node, w.node)
    await connect(f, v.node)
    await connect(g, v.node)
  })

  afterAll(async () => {
    for (const n of [v, h, w]) n?.topics.stop()
    await Promise.all([v, h, w].map(async n => await n?.node.stop()))
    await Promise.all([f, g].map(async n => await n?.stop()))
  })

  /** H, V and W join with these members, the raw node subscribes, and everyone sees everyone. */
  async function setUp (topic: Uint8Array, raw: Libp2p<{ pubsub: GossipSub }>, mv: Member): Promise<{ mh: Member, mw: Member }> {
    const mh = new Member()
    const mw = new Member()
    await v.topics.join(topic, mv.handlers)
    await h.topics.join(topic, mh.handlers)
    await w.topics.join(topic, mw.handlers)
    raw.services.pubsub.subscribe(groupTopicString(topic))
    const sees = (n: Node, p: PeerId) => n.topics.peers(topic).some(q => q.equals(p))
    await until(v.node.services.pubsub, ['subscription-change'], () => sees(v, raw.peerId) && sees(v, h.node.peerId), 'V sees the raw node and H')
    await until(h.node.services.pubsub, ['subscription-change'], () => sees(h, v.node.peerId), 'H sees V')
    await until(raw.services.pubsub, ['subscription-change'], () => raw.services.pubsub.getSubscribers(groupTopicString(topic)).some(p => p.equals(v.node.peerId)), 'the raw node sees V')
    await until(v.node.services.pubsub, ['subscription-change', 'gossipsub:graft'], () => v.topics.meshPeers(topic).some(p => p.equals(w.node.peerId)), 'V meshes with W')
    return { mh, mw }
  }

  /** Publishes from the raw node and waits until V has handled (or dropped unread) that RPC. */
  async function fromRaw (raw: Libp2p<{ pubsub: GossipSub }>, rpcs: ReturnType<typeof watchRpcs>, topic: Uint8Array, texts: string[]): Promise<void> {
    for (const t of texts) await raw.services.pubsub.publish(groupTopicString(topic), msg(t))
    const last = texts[texts.length - 1]
    await until(rpcs, ['handled'], () => rpcs.handled.includes(last), `V handled ${last}`)
  }

  const heartbeat = (): EventTarget => v.node.services.pubsub

  it('a peer sending messages the validator rejects is graylisted after 7 of them and then dropped unread; an honest peer with one bad message is not', async () => {
    const topic = topicBytes('invalid flood')
    const mv = new Member(data => data.startsWith('bad') ? 'reject' : 'accept')
    const { mh, mw } = await setUp(topic, f, mv)
    const rpcs = watchRpcs(v.node.services.pubsub, f.peerId)

    // before misbehaving, F's messages are accepted and forwarded
    await fromRaw(f, rpcs, topic, ['f good 1'])
    await mw.received('f good 1')

    // H forwards one bad message: it costs H one point, nothing more
    await h.topics.publish(topic, msg('bad from h'))
    await h.topics.publish(topic, msg('h good 1'))
    await mw.received('h good 1')

    // three invalid messages: F is still above the gossip threshold
    await fromRaw(f, rpcs, topic, ['bad 1', 'bad 2', 'bad 3'])
    await until(heartbeat(), ['gossipsub:heartbeat'], () => v.topics.score(f.peerId) < -5, 'score after 3 invalid')
    expect(v.topics.score(f.peerId)).toBeGreaterThanOrEqual(SCORE_THRESHOLDS.gossipThreshold)

    // four more: graylisted (7 invalid: −49 plus at most the +1 of its first delivery)
    await fromRaw(f, rpcs, topic, ['bad 4', 'bad 5', 'bad 6', 'bad 7'])
    await until(heartbeat(), ['gossipsub:heartbeat'], () => v.topics.score(f.peerId) < SCORE_THRESHOLDS.graylistThreshold, 'F graylisted')
    expect(mv.validated.filter(x => x.data.startsWith('bad') && x.from.equals(f.peerId))).toHaveLength(7)
    // and pruned from V's mesh at the next heartbeat (negative score)
    await until(heartbeat(), ['gossipsub:heartbeat'], () => !v.topics.meshPeers(topic).some(p => p.equals(f.peerId)), 'F pruned')

    // gossipsub lets a peer whose score it last saw at 0 or above through for up to 1 s or 128 RPCs (its
    // accept-from whitelist): probe once a heartbeat until one of F's messages is dropped unread
    let probe = ''
    for (let i = 0; ; i++) {
      expect(i).toBeLessThan(30)
      probe = `f probe ${i}`
      await fromRaw(f, rpcs, topic, [probe])
      if (!mv.validated.some(x => x.data === probe)) break
      await waitForEvent(heartbeat(), 'gossipsub:heartbeat', { timeout: WAIT_MS })
    }
    expect(mv.count(probe)).toBe(0)

    // from then on F's messages, valid or not, are dropped unread
    await fromRaw(f, rpcs, topic, ['f good 2'])
    expect(mv.validated.map(x => x.data)).not.toContain('f good 2')
    expect(mv.count('f good 2')).toBe(0)

    // H's messages keep flowing through V to W; none of F's bad ones got past V
    await h.topics.publish(topic, msg('h good 2'))
    await mv.received('h good 2')
    await mw.received('h good 2')
    expect(mw.validated.filter(x => x.data.startsWith('bad'))).toEqual([])
    expect(mh.delivered.map(d => d.data)).toContain('f good 1')
    expect(v.topics.score(h.node.peerId)).toBeGreaterThan(SCORE_THRESHOLDS.gossipThreshold)
  })

  it('a peer over the rate limit is dropped before the validator and graylisted; only it pays, not honest peers sending the same bytes later', async () => {
    const topic = topicBytes('rate flood')
    const mv = new Member()
    const { mw } = await setUp(topic, g, mv)
    const rpcs = watchRpcs(v.node.services.pubsub, g.peerId)
    const flood = Array.from({ length: 40 }, (_, i) => `r ${i}`)
    const started = Date.now()
    await fromRaw(g, rpcs, topic, flood)
    const refilled = Math.ceil((Date.now() - started) / 1000 * V_RATE.perSecond)

    // the burst went through the validator (plus what refilled meanwhile); the rest never reached it
    const validated = mv.validated.filter(x => x.from.equals(g.peerId)).length
    expect(validated).toBeGreaterThanOrEqual(V_RATE.burst)
    expect(validated).toBeLessThanOrEqual(V_RATE.burst + refilled)
    expect(mv.delivered.filter(d => d.data.startsWith('r '))).toHaveLength(validated)
    await until(heartbeat(), ['gossipsub:heartbeat'], () => v.topics.score(g.peerId) < SCORE_THRESHOLDS.graylistThreshold, 'G graylisted')

    // H later sends the bytes of G's last message (dropped at V over the limit): a duplicate for V, no penalty for H
    expect(mv.count('r 39')).toBe(0)
    await h.topics.publish(topic, msg('r 39'))
    await h.topics.publish(topic, msg('h after flood'))
    await mv.received('h after flood')
    await mw.received('h after flood')
    const stats = (v.node.services.pubsub as unknown as { dumpPeerScoreStats: () => Record<string, { topics: Record<string, { invalidMessageDeliveries: number }> }> }).dumpPeerScoreStats()
    expect(stats[h.node.peerId.toString()].topics[groupTopicString(topic)].invalidMessageDeliveries).toBe(0)
    expect(stats[g.peerId.toString()].topics[groupTopicString(topic)].invalidMessageDeliveries).toBeGreaterThanOrEqual(40 - validated - 1)
  })
})
