/**
 * The gossipsub service of Parley client nodes (`pubsub`), set up for group topics: no gossipsub signatures,
 * content-based message ids, size limits, an inbound gate for topics nobody here joined, peer scoring, one peer's
 * messages handled in order. Knows nothing of groups, members or keys: validation is installed per topic by
 * GroupTopics.
 */
import { gossipsub, StrictNoSign, type GossipSub, type GossipSubComponents, type GossipsubOpts, type PublishResult } from '@libp2p/gossipsub'
import type { TopicScoreParams } from '@libp2p/gossipsub/score'
import type { DataTransform, PublishOpts } from '@libp2p/gossipsub/types'
import { GOSSIP_HEARTBEAT_MS, MAX_GOSSIP_FRAME_BYTES, MAX_GROUP_MESSAGE_BYTES } from './constants.js'
import { GossipServiceError, GossipMessageTooLargeError, GroupTopicNotJoinedError } from './errors.js'
import { groupMessageRef } from './message-ref.js'
import { PEER_SCORE, SCORE_THRESHOLDS } from './scoring.js'

export interface ParleyGossipInit {
  /**
   * ms between gossipsub heartbeats (mesh upkeep, gossip emission, and how long a computed peer score is cached).
   * Tests shorten it so meshes form and scores refresh quickly.
   *
   * @default 1000 (GOSSIP_HEARTBEAT_MS)
   */
  heartbeatInterval?: number
}

/**
 * What this layer uses of gossipsub 17 beyond its exported `GossipSub` interface: members of the implementation
 * class (public there, not in the interface). `asParleyPubsub` checks they exist, so a gossipsub without them
 * fails at node creation instead of running without scoring.
 */
export interface GossipsubInternals {
  /** gossipsub's publish with its per-message options (the interface names only topic and data) */
  publish(topic: string, data: Uint8Array, options?: PublishOpts): Promise<PublishResult>
  isStarted(): boolean
  getScore(peerId: string): number
  getMeshPeers(topic: string): string[]
  score: {
    /** gossipsub reads `topics[topic]` whenever it scores a peer on that topic; a topic is scored once it has an entry */
    params: { topics: Record<string, TopicScoreParams> }
    /** counts one invalid message delivery (P4) of the peer on the topic */
    markInvalidMessageDelivery(peerId: string, topic: string): void
  }
}

/** The node's `pubsub` service: gossipsub as `parleyGossipsub` builds it. */
export type ParleyPubsub = GossipSub & GossipsubInternals

/** The service as ParleyPubsub, after checking it is gossipsub with the members this layer needs and signs nothing; throws GossipServiceError otherwise. */
export function asParleyPubsub (service: unknown): ParleyPubsub {
  const s = service as Partial<ParleyPubsub> | null
  if (s == null ||
    s.globalSignaturePolicy !== StrictNoSign ||
    !(s.topicValidators instanceof Map) ||
    typeof s.isStarted !== 'function' ||
    typeof s.getScore !== 'function' ||
    typeof s.getMeshPeers !== 'function' ||
    typeof s.score?.markInvalidMessageDelivery !== 'function' ||
    typeof s.score.params?.topics !== 'object') {
    throw new GossipServiceError()
  }
  return s as ParleyPubsub
}

/**
 * The inbound gate and the outbound check, run by gossipsub on every message's data before anything else
 * (before the message id is computed, before the seen cache, before any validator): data larger than
 * MAX_GROUP_MESSAGE_BYTES, or on a topic without a validator (no GroupTopics joined it here), is invalid and
 * dropped, and counts against the sender on a scored topic. The data is passed through unchanged.
 */
function messageGate (validators: () => Map<string, unknown>): DataTransform {
  return {
    inboundTransform: (topic, data) => {
      if (data.length > MAX_GROUP_MESSAGE_BYTES) throw new GossipMessageTooLargeError()
      if (!validators().has(topic)) throw new GroupTopicNotJoinedError()
      return data
    },
    outboundTransform: (_topic, data) => {
      if (data.length > MAX_GROUP_MESSAGE_BYTES) throw new GossipMessageTooLargeError()
      return data
    }
  }
}

/** The gossipsub options of a Parley client (reasons: docs/gossip.md, "Settings"). */
export function parleyGossipsubOptions (init: ParleyGossipInit, validators: () => Map<string, unknown>): Partial<GossipsubOpts> {
  return {
    // no from, seqno or signature: forwarders do not learn which device wrote a message; the group layer signs
    globalSignaturePolicy: StrictNoSign,
    msgIdFn: msg => groupMessageRef(msg.data),
    dataTransform: messageGate(validators),
    // every Parley client speaks gossipsub; floodsub has no mesh, no scoring and no gossip control
    fallbackToFloodsub: false,
    // GroupTopics decides per message (FLOOD_PUBLISH_MAX_BYTES); anything else published goes to the mesh
    floodPublish: false,
    // a member alone online still publishes (relays keep group messages; the others catch up)
    allowPublishToZeroTopicPeers: true,
    ignoreDuplicatePublishError: false,
    // one peer's RPCs and messages are handled one at a time, in order: a flooder cannot pile up validations,
    // and its stream backs up (flow control) instead of our memory
    awaitRpcHandler: true,
    awaitRpcMessageHandler: true,
    heartbeatInterval: init.heartbeatInterval ?? GOSSIP_HEARTBEAT_MS,
    maxInboundDataLength: MAX_GOSSIP_FRAME_BYTES,
    scoreParams: PEER_SCORE,
    scoreThresholds: SCORE_THRESHOLDS,
    doPX: false,
    // relayed connections are limited in time and bytes; gossip waits for a direct one (TCP, WebSockets, WebRTC)
    runOnLimitedConnection: false,
    emitSelf: false
  }
}

/**
 * The `pubsub` service factory for client nodes (Node and browser): gossipsub with Parley's settings.
 *
 * @example
 *
 * ```typescript
 * const node = await createLibp2p({ services: { identify: identify(), pubsub: parleyGossipsub() } })
 * const groups = new GroupTopics(node.services.pubsub)
 * ```
 */
export function parleyGossipsub (init: ParleyGossipInit = {}): (components: GossipSubComponents) => ParleyPubsub {
  return (components: GossipSubComponents) => {
    // the gate asks the service itself which topics have a validator (it runs only once messages arrive)
    const service: ParleyPubsub = asParleyPubsub(gossipsub(parleyGossipsubOptions(init, () => service.topicValidators))(components))
    return service
  }
}
