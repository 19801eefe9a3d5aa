/**
 * Gossipsub peer scoring for group topics: the per-topic parameters set when a topic is joined, the global
 * parameters and the thresholds (the numbers and their reasoning: docs/gossip.md, "Peer scoring"). Knows nothing
 * of groups or members: a peer loses score when the group layer's validator rejects what it sent, or when it
 * sends over the rate limit.
 */
import type { PeerScoreParams, PeerScoreThresholds, TopicScoreParams } from '@libp2p/gossipsub/score'

/**
 * Score parameters of one group topic (topic weight 1). Positive: P1 (time in the mesh, +1 a minute up to +5)
 * and P2 (first deliveries, +1 each up to +5, slowly forgotten) let a member that has been around absorb a
 * mistake. P3/P3b (mesh delivery rates) are off: a group can be silent for hours, and a quiet mesh peer is not
 * a bad one. P4 (invalid messages) is −n² for n invalid deliveries, n decaying by 1% a second (half-life
 * 69 s), so one bad message costs 1 point and seven take a peer from 0 past the graylist threshold.
 */
export const GROUP_TOPIC_SCORE: TopicScoreParams = {
  topicWeight: 1,
  timeInMeshWeight: 1,
  timeInMeshQuantum: 60_000,
  timeInMeshCap: 5,
  firstMessageDeliveriesWeight: 1,
  firstMessageDeliveriesDecay: 0.999,
  firstMessageDeliveriesCap: 5,
  meshMessageDeliveriesWeight: 0,
  meshMessageDeliveriesDecay: 0.5,
  meshMessageDeliveriesCap: 1,
  meshMessageDeliveriesThreshold: 1,
  meshMessageDeliveriesWindow: 10,
  meshMessageDeliveriesActivation: 5_000,
  meshFailurePenaltyWeight: 0,
  meshFailurePenaltyDecay: 0.5,
  invalidMessageDeliveriesWeight: -1,
  invalidMessageDeliveriesDecay: 0.99
}

/**
 * Global score parameters (topics are added as they are joined). The positive score from all topics together is
 * capped at 10, so no amount of good behaviour buys more than one extra invalid message before the graylist. P6 (IP colocation) is off:
 * peers reached through one relay, or behind one carrier NAT, share an address, and group messages are
 * authenticated by the group layer whatever the address. P7 (broken IWANT promises, grafts during backoff) keeps
 * gossipsub's defaults. A peer's counters are kept an hour after it disconnects, so reconnecting does not wash
 * a penalty away.
 */
export const PEER_SCORE: Partial<PeerScoreParams> = {
  topicScoreCap: 10,
  appSpecificScore: () => 0,
  appSpecificWeight: 0,
  IPColocationFactorWeight: 0,
  IPColocationFactorThreshold: 10,
  behaviourPenaltyWeight: -10,
  behaviourPenaltyThreshold: 0,
  behaviourPenaltyDecay: 0.2,
  decayInterval: 1_000,
  decayToZero: 0.1,
  retainScore: 3_600_000
}

/**
 * Thresholds: below −10 a peer gets no gossip (IHAVE) from us and its gossip is ignored; below −20 we do not
 * flood-publish to it; below −40 (graylisted) every RPC it sends is dropped unread. An honest peer that forwarded
 * up to 3 invalid messages (−9) keeps full service; 7 from a peer at 0 (−49), or 8 from one at the +10 cap
 * (−54), graylist it. Opportunistic grafting looks for peers above +3, reachable under the cap of 10. Peer
 * exchange is off (`doPX: false`), so its threshold does not matter.
 */
export const SCORE_THRESHOLDS: PeerScoreThresholds = {
  gossipThreshold: -10,
  publishThreshold: -20,
  graylistThreshold: -40,
  acceptPXThreshold: 10,
  opportunisticGraftThreshold: 3
}
