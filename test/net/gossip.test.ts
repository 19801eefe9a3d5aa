// Gossipsub on Parley client nodes (src/net/gossip/): real nodes on loopback TCP in a line A–B–C, so B must forward; a raw gossipsub node R without Parley's limits and a signing one S, both next to B.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { Libp2p } from 'libp2p'
import type { GossipSub, Message } from '@libp2p/gossipsub'
import {
  groupMessageRef, groupTopicString, GroupTopics, DuplicateGroupMessageError, GossipStoppedError, GossipMessageTooLargeError,
  GroupTopicAlreadyJoinedError, GroupTopicNotJoinedError, InvalidGroupTopicError, MAX_GOSSIP_FRAME_BYTES, MAX_GROUP_MESSAGE_BYTES, type GroupVerdict
} from '../../src/net/gossip/index.js'
import type { ParleyNode } from '../../src/net/node.js'
import { connect, Member, msg, parleyNode, rawGossipNode, topicBytes, until, watchRpcs, WAIT_MS } from './gossip-helpers.js'

/** Unsigned LEB128, the length prefix of a gossipsub frame. */
function varint (n: number): number[] {
  const out: number[] = []
  for (; n >= 0x80; n = Math.floor(n / 0x80)) out.push((n % 0x80) | 0x80)
  out.push(n)
  return out
}

/** C gives up on a validation after this long (short, for the timeout test). */
const C_VALIDATE_TIMEOUT_MS = 300

describe('gossipsub for group topics', () => {
  let a: { node: ParleyNode, topics: GroupTopics }
  let b: { node: ParleyNode, topics: GroupTopics }
  let c: { node: ParleyNode, topics: GroupTopics }
  let r: Libp2p<{ pubsub: GossipSub }>
  let s: Libp2p<{ pubsub: GossipSub }>
  const cErrors: Array<{ err: unknown, where: string }> = []

  beforeAll(async () => {
    a = await parleyNode()
    b = await parleyNode()
    c = await parleyNode({ validateTimeoutMs: C_VALIDATE_TIMEOUT_MS, onError: (err, where) => { cErrors.push({ err, where }) } })
    r = await rawGossipNode()
    s = await rawGossipNode({ globalSignaturePolicy: 'StrictSign', msgIdFn: undefined })
    await connect(a.node, b.node)
    await connect(b.node, c.node)
    await connect(r, b.node)
    await connect(s, b.node)
  })

  afterAll(async () => {
    for (const n of [a, b, c]) n?.topics.stop()
    await Promise.all([a, b, c].map(async n => await n?.node.stop()))
    await Promise.all([r, s].map(async n => await n?.stop()))
  })

  /** All three join `topic` with these members, and the line is ready: A knows B subscribed, B has C in its mesh. */
  async function line (topic: Uint8Array, ma = new Member(), mb = new Member(), mc = new Member()): Promise<[Member, Member, Member]> {
    await a.topics.join(topic, ma.handlers)
    await b.topics.join(topic, mb.handlers)
    await c.topics.join(topic, mc.handlers)
    await until(a.node.services.pubsub, ['subscription-change'], () => a.topics.peers(topic).some(p => p.equals(b.node.peerId)), 'A sees B subscribed')
    await until(b.node.services.pubsub, ['subscription-change', 'gossipsub:graft'], () => b.topics.meshPeers(topic).some(p => p.equals(c.node.peerId)), 'B meshes with C')
    return [ma, mb, mc]
  }

  it('a message reaches every other member once, forwarded by B, with its content-based ref', async () => {
    const topic = topicBytes('line')
    const [ma, mb, mc] = await line(topic)
    const published = await a.topics.publish(topic, msg('hello group'))
    expect(published.recipients).toBe(1) // A's only neighbour is B
    expect(published.ref).toEqual(groupMessageRef(msg('hello group')))
    await mc.received('hello group')
    expect(mb.delivered.find(d => d.data === 'hello group')?.ref).toEqual(published.ref)
    expect(mc.delivered.find(d => d.data === 'hello group')?.ref).toEqual(published.ref)
    // C validated the copy B forwarded
    expect(mc.validated.find(v => v.data === 'hello group')?.from.equals(b.node.peerId)).toBe(true)
    // a later message has arrived behind it on the same links: no second copy came first
    await a.topics.publish(topic, msg('second'))
    await mc.received('second')
    expect([mb.count('hello group'), mc.count('hello group')]).toEqual([1, 1])
    // the author does not receive its own message
    expect(ma.delivered).toEqual([])
  })

  it('a message B rejects is neither delivered at B nor forwarded to C', async () => {
    const topic = topicBytes('reject')
    const [, mb, mc] = await line(topic, new Member(), new Member(data => data.startsWith('bad') ? 'reject' : 'accept'))
    await a.topics.publish(topic, msg('bad signature'))
    await a.topics.publish(topic, msg('good'))
    await mc.received('good')
    expect(mb.validated.map(v => v.data)).toContain('bad signature')
    expect(mb.count('bad signature')).toBe(0)
    expect(mc.validated.map(v => v.data)).not.toContain('bad signature')
    expect(mc.count('bad signature')).toBe(0)
  })

  it('an ignored message and one whose validator throws are dropped without penalty; a deliver that throws reaches onError', async () => {
    const topic = topicBytes('ignore')
    const boom = new Error('validator bug')
    const mc = new Member(data => {
      if (data === 'throws') throw boom
      if (data === 'odd verdict') return 'yes' as never
      return data === 'unknown yet' ? 'ignore' : 'accept'
    })
    mc.handlers.deliver = (data: Uint8Array) => {
      mc.delivered.push({ data: new TextDecoder().decode(data), ref: groupMessageRef(data) })
      mc.dispatchEvent(new Event('delivered'))
      throw new Error('deliver bug')
    }
    await line(topic, new Member(), new Member(), mc)
    for (const t of ['unknown yet', 'throws', 'odd verdict', 'after']) await a.topics.publish(topic, msg(t))
    await mc.received('after')
    expect(mc.validated.map(v => v.data)).toEqual(['unknown yet', 'throws', 'odd verdict', 'after'])
    expect(mc.delivered.map(d => d.data)).toEqual(['after'])
    expect(cErrors.filter(e => e.where === 'validate').map(e => e.err)).toEqual([boom])
    await until(c.node.services.pubsub, ['gossipsub:heartbeat'], () => cErrors.some(e => e.where === 'deliver'), 'deliver error reported')
    expect(c.topics.score(b.node.peerId)).toBeGreaterThanOrEqual(0)
  })

  it('a validator that does not answer in time counts as ignore, and its signal is aborted', async () => {
    const topic = topicBytes('slow')
    const aborted: unknown[] = []
    const mc = new Member(async (data, { signal }): Promise<GroupVerdict> => {
      if (data !== 'slow') return 'accept'
      return await new Promise<never>(() => { signal.addEventListener('abort', () => { aborted.push(signal.reason) }) })
    })
    await line(topic, new Member(), new Member(), mc)
    const started = Date.now()
    await a.topics.publish(topic, msg('slow'))
    await a.topics.publish(topic, msg('after slow'))
    await mc.received('after slow')
    // C handles B's messages in order: the next one waited for the timeout
    expect(Date.now() - started).toBeGreaterThanOrEqual(C_VALIDATE_TIMEOUT_MS - 50)
    expect(aborted).toHaveLength(1)
    expect((aborted[0] as Error).name).toBe('TimeoutError')
    expect(mc.count('slow')).toBe(0)
  })

  it('messages carry no from, sequence number or signature (StrictNoSign), and a signed message is dropped', async () => {
    const topic = topicBytes('nosign')
    const [, mb, mc] = await line(topic)
    const raw: Message[] = []
    const onRaw = (evt: CustomEvent<Message>): void => { raw.push(evt.detail) }
    c.node.services.pubsub.addEventListener('message', onRaw)
    try {
      await a.topics.publish(topic, msg('anonymous'))
      await mc.received('anonymous')
    } finally {
      c.node.services.pubsub.removeEventListener('message', onRaw)
    }
    expect(raw).toHaveLength(1)
    expect(raw[0].type).toBe('unsigned')
    expect(Object.keys(raw[0]).sort()).toEqual(['data', 'topic', 'type'])
    expect(raw[0].topic).toBe(groupTopicString(topic))

    // S signs its messages (from, seqno, signature, key): B drops them unvalidated
    const rpcs = watchRpcs(b.node.services.pubsub, s.peerId)
    s.services.pubsub.subscribe(groupTopicString(topic))
    await until(s.services.pubsub, ['subscription-change'], () => s.services.pubsub.getSubscribers(groupTopicString(topic)).some(p => p.equals(b.node.peerId)), 'S sees B subscribed')
    await s.services.pubsub.publish(groupTopicString(topic), msg('signed'))
    await until(rpcs, ['handled'], () => rpcs.handled.includes('signed'), 'B handled the signed message')
    expect(mb.validated.map(v => v.data)).not.toContain('signed')
    expect(mb.count('signed')).toBe(0)
  })

  it('refuses to publish more than 256 KiB, publishes exactly 256 KiB through the mesh', async () => {
    const topic = topicBytes('size')
    const [, , mc] = await line(topic)
    await expect(a.topics.publish(topic, new Uint8Array(MAX_GROUP_MESSAGE_BYTES + 1))).rejects.toThrow(GossipMessageTooLargeError)
    const largest = new Uint8Array(MAX_GROUP_MESSAGE_BYTES).fill(0x61)
    const { ref } = await a.topics.publish(topic, largest)
    await until(mc, ['delivered'], () => mc.delivered.some(d => d.data.length === MAX_GROUP_MESSAGE_BYTES), 'the largest message at C')
    expect(mc.delivered.find(d => d.data.length === MAX_GROUP_MESSAGE_BYTES)?.ref).toEqual(ref)
  })

  it('drops an inbound message over 256 KiB unvalidated and counts it against the sender; a frame over 4 MiB cuts the sender off', async () => {
    const topic = topicBytes('inbound-size')
    const name = groupTopicString(topic)
    const [, mb, mc] = await line(topic)
    const rpcs = watchRpcs(b.node.services.pubsub, r.peerId)
    r.services.pubsub.subscribe(name)
    await until(r.services.pubsub, ['subscription-change'], () => r.services.pubsub.getSubscribers(name).some(p => p.equals(b.node.peerId)), 'R sees B subscribed')
    await until(b.node.services.pubsub, ['subscription-change'], () => b.topics.peers(topic).some(p => p.equals(r.peerId)), 'B sees R subscribed')

    const oversize = msg('big'.padEnd(MAX_GROUP_MESSAGE_BYTES + 1, '!'))
    await r.services.pubsub.publish(name, oversize)
    await until(rpcs, ['handled'], () => rpcs.handled.some(d => d.startsWith('big')), 'B handled the oversize message')
    expect(mb.validated.some(v => v.data.startsWith('big'))).toBe(false)
    expect(mb.delivered.some(d => d.data.startsWith('big'))).toBe(false)
    await until(b.node.services.pubsub, ['gossipsub:heartbeat'], () => b.topics.score(r.peerId) < 0, 'R penalised')
    // one invalid delivery (less what has decayed since, 1 % a second)
    const stats = (b.node.services.pubsub as unknown as { dumpPeerScoreStats: () => Record<string, { topics: Record<string, { invalidMessageDeliveries: number }> }> }).dumpPeerScoreStats()
    const invalid = stats[r.peerId.toString()].topics[name].invalidMessageDeliveries
    expect(invalid).toBeLessThanOrEqual(1)
    expect(invalid).toBeGreaterThan(0.9)

    // a frame announcing more than MAX_GOSSIP_FRAME_BYTES (gossipsub's own encoder refuses to write one, so R
    // writes the length prefix by hand on a fresh gossipsub stream): B drops the stream and forgets R
    const stream = await r.dialProtocol(b.node.peerId, r.services.pubsub.protocols, { signal: AbortSignal.timeout(WAIT_MS) })
    stream.send(Uint8Array.from([...varint(MAX_GOSSIP_FRAME_BYTES + 1), 1, 2, 3]))
    await until(b.node.services.pubsub, ['gossipsub:heartbeat'], () => !b.node.services.pubsub.getPeers().some(p => p.equals(r.peerId)), 'B forgets R')
    expect(b.topics.peers(topic).some(p => p.equals(r.peerId))).toBe(false)
    await a.topics.publish(topic, msg('after the big frame'))
    await mc.received('after the big frame')
    expect(mc.delivered.some(d => d.data.length >= MAX_GROUP_MESSAGE_BYTES)).toBe(false)
  })

  it('publishing with no other member online resolves with 0 recipients', async () => {
    const topic = topicBytes('alone')
    const alone = new Member()
    await a.topics.join(topic, alone.handlers)
    const published = await a.topics.publish(topic, msg('anyone?'))
    expect(published).toEqual({ ref: groupMessageRef(msg('anyone?')), recipients: 0 })
    // the same bytes again within the seen window: refused, the network would not take them
    await expect(a.topics.publish(topic, msg('anyone?'))).rejects.toThrow(DuplicateGroupMessageError)
  })

  it('refuses bad topics, double joins, publishing on or leaving a topic not joined, and anything after stop', async () => {
    const topic = topicBytes('api')
    const m = new Member()
    await expect(a.topics.join(new Uint8Array(31), m.handlers)).rejects.toThrow(InvalidGroupTopicError)
    await expect(a.topics.publish(new Uint8Array(33), msg('x'))).rejects.toThrow(InvalidGroupTopicError)
    expect(() => a.topics.peers(new Uint8Array(0))).toThrow(InvalidGroupTopicError)
    await expect(a.topics.publish(topic, msg('x'))).rejects.toThrow(GroupTopicNotJoinedError)
    expect(() => a.topics.leave(topic)).toThrow(GroupTopicNotJoinedError)
    await a.topics.join(topic, m.handlers)
    await expect(a.topics.join(topic, m.handlers)).rejects.toThrow(GroupTopicAlreadyJoinedError)
    // a second GroupTopics on the same node cannot take a topic the first holds
    const second = new GroupTopics(a.node.services.pubsub)
    await expect(second.join(topic, m.handlers)).rejects.toThrow(GroupTopicAlreadyJoinedError)
    second.stop()
    await expect(second.join(topicBytes('api 2'), m.handlers)).rejects.toThrow(GossipStoppedError)
    await expect(second.publish(topic, msg('x'))).rejects.toThrow(GossipStoppedError)
    const aborted = new AbortController()
    aborted.abort(new Error('caller gave up'))
    await expect(a.topics.publish(topic, msg('x'), { signal: aborted.signal })).rejects.toThrow('caller gave up')
    await expect(a.topics.join(topicBytes('api 3'), m.handlers, { signal: aborted.signal })).rejects.toThrow('caller gave up')
    a.topics.leave(topic)
    expect(a.node.services.pubsub.getTopics()).not.toContain(groupTopicString(topic))
    expect(a.node.services.pubsub.topicValidators.has(groupTopicString(topic))).toBe(false)
  })

  it('after leave, messages on the topic are neither validated nor delivered', async () => {
    const topic = topicBytes('leave')
    const [, mb, mc] = await line(topic)
    c.topics.leave(topic)
    await until(b.node.services.pubsub, ['subscription-change'], () => !b.topics.peers(topic).some(p => p.equals(c.node.peerId)), 'B sees C leave')
    await a.topics.publish(topic, msg('after leave'))
    await mb.received('after leave')
    expect(mc.validated).toEqual([])
    expect(mc.delivered).toEqual([])
  })
})
