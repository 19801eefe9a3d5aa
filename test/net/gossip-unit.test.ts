// Pieces of Parley's gossipsub layer without a network: the message ref and topic strings, the inbound gate, the options, the service check, the scoring numbers against gossipsub's own score function, and the deposit node staying service-free.
import { describe, it, expect, vi, afterEach } from 'vitest'
import { createHash } from 'node:crypto'
import { defaultLogger } from '@libp2p/logger'
import { PeerScore, createPeerScoreParams, validatePeerScoreParams, validatePeerScoreThresholds } from '@libp2p/gossipsub/score'
import type { TopicValidatorFn } from '@libp2p/gossipsub'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import {
  asParleyPubsub, groupMessageRef, groupTopicString, parleyGossipsubOptions, GossipServiceError, GossipMessageTooLargeError, GroupTopicNotJoinedError,
  InvalidGroupTopicError, GossipStoppedError, GroupTopics, FLOOD_PUBLISH_MAX_BYTES, type ParleyPubsub, GROUP_TOPIC_SCORE, PEER_SCORE, SCORE_THRESHOLDS, MAX_GROUP_MESSAGE_BYTES, GOSSIP_HEARTBEAT_MS, MAX_GOSSIP_FRAME_BYTES
} from '../../src/net/gossip/index.js'
import { TokenBuckets } from '../../src/util/token-buckets.js'
import { createDepositNodeNode } from '../../src/net/node.js'

const TOPIC = 'topic'

describe('groupMessageRef', () => {
  it('is SHA-256("Parley_GroupMessageRef_v1" ‖ data) cut to 16 bytes', () => {
    for (const data of [new Uint8Array(0), new TextEncoder().encode('hello'), new Uint8Array(70_000).fill(7)]) {
      const expected = createHash('sha256').update('Parley_GroupMessageRef_v1').update(data).digest().subarray(0, 16)
      expect(groupMessageRef(data)).toEqual(new Uint8Array(expected))
    }
    // a fixed vector, so a change of the construction is seen even if node:crypto were wrong the same way
    expect(Buffer.from(groupMessageRef(new Uint8Array(0))).toString('hex')).toBe(createHash('sha256').update('Parley_GroupMessageRef_v1').digest('hex').slice(0, 32))
    expect(groupMessageRef(Uint8Array.of(1))).not.toEqual(groupMessageRef(Uint8Array.of(2)))
  })
})

describe('groupTopicString', () => {
  it('is /parley/g/ and 64 lower-case hex characters of exactly 32 bytes', () => {
    const topic = Uint8Array.from({ length: 32 }, (_, i) => i * 8)
    expect(groupTopicString(topic)).toBe('/parley/g/' + Buffer.from(topic).toString('hex'))
    expect(groupTopicString(new Uint8Array(32).fill(0xab))).toMatch(/^\/parley\/g\/(ab){32}$/)
    for (const bad of [new Uint8Array(0), new Uint8Array(31), new Uint8Array(33), 'a'.repeat(32) as never, undefined as never]) {
      expect(() => groupTopicString(bad)).toThrow(InvalidGroupTopicError)
    }
  })
})

describe('parleyGossipsubOptions', () => {
  const joined = new Map<string, unknown>([[TOPIC, () => 'accept']])
  const options = parleyGossipsubOptions({}, () => joined)

  it('signs nothing, ids messages by content, speaks no floodsub, handles one peer in order, scores', () => {
    expect(options.globalSignaturePolicy).toBe('StrictNoSign')
    const data = Uint8Array.of(1, 2, 3)
    expect(options.msgIdFn?.({ type: 'unsigned', topic: TOPIC, data })).toEqual(groupMessageRef(data))
    expect(options.fallbackToFloodsub).toBe(false)
    expect(options.allowPublishToZeroTopicPeers).toBe(true)
    expect([options.awaitRpcHandler, options.awaitRpcMessageHandler]).toEqual([true, true])
    expect(options.heartbeatInterval).toBe(GOSSIP_HEARTBEAT_MS)
    expect(parleyGossipsubOptions({ heartbeatInterval: 50 }, () => joined).heartbeatInterval).toBe(50)
    expect(options.maxInboundDataLength).toBe(MAX_GOSSIP_FRAME_BYTES)
    expect(options.runOnLimitedConnection).toBe(false)
    expect(options.scoreThresholds).toBe(SCORE_THRESHOLDS)
  })

  it('drops inbound data over 256 KiB or on a topic without a validator, and refuses to send over 256 KiB', () => {
    const gate = options.dataTransform
    if (gate == null) throw new Error('no gate')
    const largest = new Uint8Array(MAX_GROUP_MESSAGE_BYTES)
    expect(gate.inboundTransform(TOPIC, largest)).toBe(largest)
    expect(() => gate.inboundTransform(TOPIC, new Uint8Array(MAX_GROUP_MESSAGE_BYTES + 1))).toThrow(GossipMessageTooLargeError)
    expect(() => gate.inboundTransform('/parley/g/other', Uint8Array.of(1))).toThrow(GroupTopicNotJoinedError)
    expect(gate.outboundTransform(TOPIC, largest)).toBe(largest)
    expect(() => gate.outboundTransform(TOPIC, new Uint8Array(MAX_GROUP_MESSAGE_BYTES + 1))).toThrow(GossipMessageTooLargeError)
  })
})

describe('asParleyPubsub', () => {
  const looksRight = () => ({
    globalSignaturePolicy: 'StrictNoSign',
    topicValidators: new Map(),
    isStarted: () => true,
    getScore: () => 0,
    getMeshPeers: () => [],
    score: { params: { topics: {} }, markInvalidMessageDelivery: () => {} }
  })

  it('takes a gossipsub that signs nothing and has the members GroupTopics uses, and refuses anything else', () => {
    const ok = looksRight()
    expect(asParleyPubsub(ok)).toBe(ok)
    expect(() => asParleyPubsub(null)).toThrow(GossipServiceError)
    expect(() => asParleyPubsub({ ...looksRight(), globalSignaturePolicy: 'StrictSign' })).toThrow(GossipServiceError)
    expect(() => asParleyPubsub({ ...looksRight(), getScore: undefined })).toThrow(GossipServiceError)
    expect(() => asParleyPubsub({ ...looksRight(), getMeshPeers: undefined })).toThrow(GossipServiceError)
    expect(() => asParleyPubsub({ ...looksRight(), isStarted: undefined })).toThrow(GossipServiceError)
    expect(() => asParleyPubsub({ ...looksRight(), topicValidators: {} })).toThrow(GossipServiceError)
    expect(() => asParleyPubsub({ ...looksRight(), score: { params: { topics: {} } } })).toThrow(GossipServiceError)
    expect(() => asParleyPubsub({ ...looksRight(), score: { markInvalidMessageDelivery: () => {} } })).toThrow(GossipServiceError)
  })
})

describe('scoring numbers (docs/gossip.md, "Peer scoring")', () => {
  /** gossipsub's own PeerScore with Parley's parameters and one group topic; the score recomputed on every call. */
  function scorer (): PeerScore {
    const params = createPeerScoreParams({ ...PEER_SCORE, topics: { [TOPIC]: GROUP_TOPIC_SCORE } })
    return new PeerScore(params, null, defaultLogger(), { scoreCacheValidityMs: 0 })
  }

  it('are valid for gossipsub', () => {
    expect(() => { validatePeerScoreParams(createPeerScoreParams({ ...PEER_SCORE, topics: { [TOPIC]: GROUP_TOPIC_SCORE } })) }).not.toThrow()
    expect(() => { validatePeerScoreThresholds(SCORE_THRESHOLDS) }).not.toThrow()
  })

  it('an honest peer with up to 3 invalid messages keeps full service; 7 graylist a peer at 0', () => {
    const score = scorer()
    score.addPeer('p')
    const after: number[] = []
    for (let n = 1; n <= 7; n++) {
      score.markInvalidMessageDelivery('p', TOPIC)
      after.push(score.score('p'))
    }
    expect(after).toEqual([-1, -4, -9, -16, -25, -36, -49])
    expect(after[2]).toBeGreaterThanOrEqual(SCORE_THRESHOLDS.gossipThreshold)
    expect(after[5]).toBeGreaterThanOrEqual(SCORE_THRESHOLDS.graylistThreshold)
    expect(after[6]).toBeLessThan(SCORE_THRESHOLDS.graylistThreshold)
  })

  it('good behaviour is capped at +10 and buys one invalid message more', () => {
    const score = scorer()
    score.addPeer('p')
    score.graft('p', TOPIC)
    const stats = score.peerStats.get('p')?.topics[TOPIC]
    if (stats == null) throw new Error('no stats')
    stats.meshTime = 3_600_000 // an hour in the mesh: P1 at its cap of 5
    for (let i = 0; i < 100; i++) score.markFirstMessageDelivery('p', TOPIC) // P2 at its cap of 5
    expect(score.score('p')).toBe(10)
    for (let n = 0; n < 7; n++) score.markInvalidMessageDelivery('p', TOPIC)
    expect(score.score('p')).toBe(-39)
    score.markInvalidMessageDelivery('p', TOPIC)
    expect(score.score('p')).toBe(-54)
    expect(score.score('p')).toBeLessThan(SCORE_THRESHOLDS.graylistThreshold)
  })

  it('an invalid message is half forgotten after 69 decay intervals (s) and gone after 230', () => {
    const score = scorer()
    score.addPeer('p')
    score.markInvalidMessageDelivery('p', TOPIC)
    for (let i = 0; i < 69; i++) score.refreshScores()
    const counter = () => score.peerStats.get('p')?.topics[TOPIC].invalidMessageDeliveries ?? -1
    expect(counter()).toBeCloseTo(0.5, 2)
    for (let i = 69; i < 230; i++) score.refreshScores()
    expect(counter()).toBe(0)
  })

  it('a quiet mesh peer is not penalised (P3 off) and many peers behind one address are not (P6 off)', () => {
    const score = scorer()
    score.addPeer('quiet')
    score.graft('quiet', TOPIC)
    const stats = score.peerStats.get('quiet')?.topics[TOPIC]
    if (stats == null) throw new Error('no stats')
    stats.meshTime = 3_600_000
    stats.meshMessageDeliveriesActive = true
    expect(score.score('quiet')).toBe(5)
    for (let i = 0; i < 30; i++) {
      score.addPeer(`nat ${i}`)
      score.addIP(`nat ${i}`, '198.51.100.1')
    }
    expect(score.score('nat 0')).toBe(0)
  })
})

describe('TokenBuckets.tryTake', () => {
  it('takes the burst, then one token per refill interval, per key', () => {
    const buckets = new TokenBuckets({ burst: 3, perSecond: 2 }, 10)
    expect([1, 2, 3, 4].map(() => buckets.tryTake('a', 0))).toEqual([true, true, true, false])
    expect(buckets.tryTake('b', 0)).toBe(true)
    expect(buckets.tryTake('a', 499)).toBe(false)
    expect(buckets.tryTake('a', 500)).toBe(true)
    expect(buckets.tryTake('a', 500)).toBe(false)
  })
})

/** A stand-in for the node's pubsub: records subscriptions, publishes and penalties; the test calls the validators GroupTopics installs. */
function standIn () {
  const calls = { subscribed: [] as string[], unsubscribed: [] as string[], published: [] as Array<{ topic: string, size: number, floodPublish?: boolean }>, penalised: [] as string[] }
  const pubsub = Object.assign(new EventTarget(), {
    globalSignaturePolicy: 'StrictNoSign',
    topicValidators: new Map<string, TopicValidatorFn>(),
    isStarted: () => true,
    getScore: () => 0,
    getMeshPeers: () => [],
    getPeers: () => [],
    getSubscribers: () => [],
    subscribe: (topic: string) => { calls.subscribed.push(topic) },
    unsubscribe: (topic: string) => { calls.unsubscribed.push(topic) },
    publish: async (topic: string, data: Uint8Array, opts?: { floodPublish?: boolean }) => {
      calls.published.push({ topic, size: data.length, floodPublish: opts?.floodPublish })
      return { recipients: [] }
    },
    score: { params: { topics: {} as Record<string, unknown> }, markInvalidMessageDelivery: (peer: string, topic: string) => { calls.penalised.push(`${topic} ${peer}`) } }
  })
  return { pubsub: pubsub as unknown as ParleyPubsub, calls }
}

describe('GroupTopics on a stand-in pubsub', () => {
  afterEach(() => { vi.useRealTimers() })
  const topic = new Uint8Array(32).fill(1)
  const name = groupTopicString(topic)
  const accept = { validate: () => 'accept' as const, deliver: () => {} }

  it('floods messages up to 16 KiB to every connected member and sends larger ones to the mesh', async () => {
    const { pubsub, calls } = standIn()
    const topics = new GroupTopics(pubsub)
    await topics.join(topic, accept)
    expect(calls.subscribed).toEqual([name])
    expect(pubsub.score.params.topics[name]).toEqual(GROUP_TOPIC_SCORE)
    await topics.publish(topic, new Uint8Array(FLOOD_PUBLISH_MAX_BYTES))
    await topics.publish(topic, new Uint8Array(FLOOD_PUBLISH_MAX_BYTES + 1))
    expect(calls.published.map(p => p.floodPublish)).toEqual([true, false])
    // leaving keeps the topic's score parameters: gossipsub reads them for every peer with counters on it
    topics.leave(topic)
    expect(calls.unsubscribed).toEqual([name])
    expect(pubsub.score.params.topics[name]).toEqual(GROUP_TOPIC_SCORE)
  })

  it('rate-limits each peer on each topic before the validator, counting what is over against that peer only', async () => {
    let now = 0
    const { pubsub, calls } = standIn()
    let validated = 0
    const topics = new GroupTopics(pubsub, { ratePerPeer: { burst: 3, perSecond: 1 }, now: () => now })
    await topics.join(topic, { validate: () => { validated++; return 'accept' }, deliver: () => {} })
    const validator = pubsub.topicValidators.get(name)
    if (validator == null) throw new Error('no validator')
    const [p, q] = await Promise.all([generateKeyPair('Ed25519'), generateKeyPair('Ed25519')]).then(keys => keys.map(peerIdFromPrivateKey))
    const message = { type: 'unsigned' as const, topic: name, data: Uint8Array.of(1) }
    const verdicts = []
    for (let i = 0; i < 5; i++) verdicts.push(await validator(p, message))
    expect(verdicts).toEqual(['accept', 'accept', 'accept', 'ignore', 'ignore'])
    expect(validated).toBe(3)
    expect(calls.penalised).toEqual([`${name} ${p.toString()}`, `${name} ${p.toString()}`])
    expect(await validator(q, message)).toBe('accept') // another peer has its own bucket
    now += 1000
    expect(await validator(p, message)).toBe('accept')
    expect(await validator(p, message)).toBe('ignore')
  })

  it('stop ends validations in flight as ignore, aborting their signal, and leaves no timer behind', async () => {
    vi.useFakeTimers()
    const { pubsub, calls } = standIn()
    const reasons: unknown[] = []
    const topics = new GroupTopics(pubsub)
    await topics.join(topic, {
      validate: async (_t, _d, { signal }) => await new Promise(() => { signal.addEventListener('abort', () => { reasons.push(signal.reason) }) }),
      deliver: () => {}
    })
    const validator = pubsub.topicValidators.get(name)
    if (validator == null) throw new Error('no validator')
    const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    const pending = validator(peer, { type: 'unsigned', topic: name, data: Uint8Array.of(1) })
    await vi.advanceTimersByTimeAsync(0)
    expect(vi.getTimerCount()).toBe(1) // the validation's timeout
    topics.stop()
    expect(await pending).toBe('ignore')
    expect(reasons[0]).toBeInstanceOf(GossipStoppedError)
    expect(vi.getTimerCount()).toBe(0)
    expect(calls.unsubscribed).toEqual([name])
    expect(pubsub.topicValidators.size).toBe(0)
    topics.stop() // idempotent
    expect(calls.unsubscribed).toEqual([name])
  })

  it('a validation past its timeout counts as ignore (fake clock)', async () => {
    vi.useFakeTimers()
    const { pubsub } = standIn()
    const topics = new GroupTopics(pubsub, { validateTimeoutMs: 1000 })
    await topics.join(topic, { validate: async () => await new Promise(() => {}), deliver: () => {} })
    const validator = pubsub.topicValidators.get(name)
    if (validator == null) throw new Error('no validator')
    const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    let verdict: unknown
    void Promise.resolve(validator(peer, { type: 'unsigned', topic: name, data: Uint8Array.of(1) })).then(v => { verdict = v })
    await vi.advanceTimersByTimeAsync(999)
    expect(verdict).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(verdict).toBe('ignore')
    expect(vi.getTimerCount()).toBe(0)
    topics.stop()
  })

  it('delivers accepted messages of joined topics only, with their ref', async () => {
    const { pubsub } = standIn()
    const got: Array<{ data: Uint8Array, ref: Uint8Array }> = []
    let first: () => void = () => {}
    const delivered = new Promise<void>(resolve => { first = resolve })
    const topics = new GroupTopics(pubsub)
    await topics.join(topic, { validate: () => 'accept', deliver: (data, { ref }) => { got.push({ data, ref }); first() } })
    const event = (t: string, data: Uint8Array) => new CustomEvent('gossipsub:message', { detail: { msg: { type: 'unsigned', topic: t, data } } })
    pubsub.dispatchEvent(event('/parley/g/' + '00'.repeat(32), Uint8Array.of(9)))
    pubsub.dispatchEvent(event(name, Uint8Array.of(7)))
    await delivered
    expect(got).toHaveLength(1)
    expect(got[0]).toEqual({ data: Uint8Array.of(7), ref: groupMessageRef(Uint8Array.of(7)) })
    topics.stop()
    pubsub.dispatchEvent(event(name, Uint8Array.of(8)))
    await Promise.resolve()
    expect(got).toHaveLength(1)
  })
})

describe('createDepositNodeNode', () => {
  it('stays service-free: no gossipsub', async () => {
    const node = await createDepositNodeNode()
    try {
      expect(Object.keys(node.services)).toEqual([])
    } finally {
      await node.stop()
    }
  })
})
