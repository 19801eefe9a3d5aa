/**
 * Group topics on a node's gossipsub: join a topic with the group layer's validator and delivery callback, leave,
 * publish, see the peers and their scores. Puts the per-peer rate limit and the validation timeout in front of
 * the group layer's validator. Knows nothing of groups, members or sender keys: the topic bytes, the validator and
 * the data come from the group layer.
 */
import { TimeoutError, type AbortOptions, type PeerId } from '@libp2p/interface'
import { TopicValidatorResult, type GossipsubMessage, type TopicValidatorFn } from '@libp2p/gossipsub'
import { raceSignal } from '../../util/abort.js'
import { TokenBuckets, type TokenRate } from '../../util/token-buckets.js'
import { FLOOD_PUBLISH_MAX_BYTES, GROUP_MESSAGES_PER_PEER, GROUP_VALIDATE_TIMEOUT_MS, MAX_GROUP_MESSAGE_BYTES, MAX_RATE_TRACKED } from './constants.js'
import { DuplicateGroupMessageError, GossipStoppedError, GossipMessageTooLargeError, GroupTopicAlreadyJoinedError, GroupTopicNotJoinedError } from './errors.js'
import { groupMessageRef, groupTopicString } from './message-ref.js'
import { GROUP_TOPIC_SCORE } from './scoring.js'
import { asParleyPubsub, type ParleyPubsub } from './service.js'

/**
 * The group layer's verdict on one message: `accept` (valid: delivered here and forwarded), `reject` (invalid: a
 * bad signature, a non-member; dropped and counted against the peer that sent it), `ignore` (not judged: a
 * duplicate, or not known yet; dropped, nobody penalised).
 */
export type GroupVerdict = 'accept' | 'reject' | 'ignore'

export interface ValidateContext {
  /** the peer that sent us this copy: the forwarding peer, not necessarily the author (messages carry no author) */
  from: PeerId
  /** aborted when the validation runs out of time (GROUP_VALIDATE_TIMEOUT_MS) or the GroupTopics stops */
  signal: AbortSignal
}

export interface DeliverContext {
  /** groupMessageRef(data): the message id every member and relay knows this message by */
  ref: Uint8Array
}

export interface GroupTopicHandlers {
  /** Judges one inbound message before anything else sees it; an error thrown, a verdict other than the three, or no answer in time counts as `ignore`. */
  validate(topic: Uint8Array, data: Uint8Array, context: ValidateContext): GroupVerdict | Promise<GroupVerdict>
  /** Receives each accepted message once (not our own publishes). A thrown error or rejection goes to `onError`. */
  deliver(data: Uint8Array, context: DeliverContext): void | Promise<void>
}

export interface GroupTopicsInit {
  /**
   * ms the validator may take for one message before it counts as `ignore`
   *
   * @default 2000 (GROUP_VALIDATE_TIMEOUT_MS)
   */
  validateTimeoutMs?: number
  /**
   * messages one peer may send on one topic before the validator sees them; over it a message is dropped and counts as an invalid delivery of that peer
   *
   * @default { burst: 100, perSecond: 50 } (GROUP_MESSAGES_PER_PEER)
   */
  ratePerPeer?: TokenRate
  /**
   * errors thrown by the handlers (a validator's error means `ignore`; a deliver's is lost otherwise)
   *
   * @default errors are dropped
   */
  onError?: (err: unknown, where: 'validate' | 'deliver') => void
  /** clock of the rate limit @default Date.now */
  now?: () => number
}

/** What publish did: the message's ref and how many peers it was sent to (0 is not an error: nobody else was online). */
export interface PublishedGroupMessage {
  ref: Uint8Array
  recipients: number
}

interface JoinedTopic {
  bytes: Uint8Array
  handlers: GroupTopicHandlers
}

const VERDICTS: Readonly<Record<string, TopicValidatorResult>> = {
  accept: TopicValidatorResult.Accept,
  reject: TopicValidatorResult.Reject,
  ignore: TopicValidatorResult.Ignore
}

/**
 * Group topics on one running node's `pubsub` service (built by `parleyGossipsub`). One per node run: `stop()` it
 * before the node stops; it leaves every topic and ends validations in flight.
 */
export class GroupTopics {
  private readonly pubsub: ParleyPubsub
  private readonly joined = new Map<string, JoinedTopic>()
  private readonly rates: TokenBuckets
  private readonly inflight = new Set<AbortController>()
  private readonly validateTimeoutMs: number
  private readonly onError: (err: unknown, where: 'validate' | 'deliver') => void
  private readonly now: () => number
  private stopped = false

  constructor (pubsub: ParleyPubsub, init: GroupTopicsInit = {}) {
    this.pubsub = asParleyPubsub(pubsub)
    this.rates = new TokenBuckets(init.ratePerPeer ?? GROUP_MESSAGES_PER_PEER, MAX_RATE_TRACKED)
    this.validateTimeoutMs = init.validateTimeoutMs ?? GROUP_VALIDATE_TIMEOUT_MS
    this.onError = init.onError ?? (() => {})
    this.now = init.now ?? Date.now
    this.pubsub.addEventListener('gossipsub:message', this.onMessage)
  }

  /**
   * Subscribes to the topic: from now on messages on it go through `handlers.validate`, and accepted ones to
   * `handlers.deliver` and on to our mesh peers. Throws InvalidGroupTopicError (not 32 bytes),
   * GroupTopicAlreadyJoinedError, GossipStoppedError.
   */
  async join (topic: Uint8Array, handlers: GroupTopicHandlers, options: AbortOptions = {}): Promise<void> {
    options.signal?.throwIfAborted()
    const name = groupTopicString(topic)
    this.assertRunning()
    if (this.joined.has(name) || this.pubsub.topicValidators.has(name)) throw new GroupTopicAlreadyJoinedError()
    const entry: JoinedTopic = { bytes: topic.slice(), handlers }
    // kept once set (also after leave): gossipsub reads a topic's parameters for every peer with counters on it
    this.pubsub.score.params.topics[name] ??= { ...GROUP_TOPIC_SCORE }
    this.pubsub.topicValidators.set(name, this.validator(name, entry))
    this.joined.set(name, entry)
    this.pubsub.subscribe(name)
  }

  /** Unsubscribes; messages on the topic are dropped from now on. Throws GroupTopicNotJoinedError. */
  leave (topic: Uint8Array): void {
    const name = groupTopicString(topic)
    if (!this.joined.has(name)) throw new GroupTopicNotJoinedError()
    this.forget(name)
  }

  /**
   * Publishes `data` on a joined topic: to every connected member when it is at most FLOOD_PUBLISH_MAX_BYTES,
   * else to the mesh. Throws GossipMessageTooLargeError (over MAX_GROUP_MESSAGE_BYTES), GroupTopicNotJoinedError,
   * DuplicateGroupMessageError (the same bytes within the seen window), GossipStoppedError.
   */
  async publish (topic: Uint8Array, data: Uint8Array, options: AbortOptions = {}): Promise<PublishedGroupMessage> {
    options.signal?.throwIfAborted()
    const name = groupTopicString(topic)
    if (data.length > MAX_GROUP_MESSAGE_BYTES) throw new GossipMessageTooLargeError()
    this.assertRunning()
    if (!this.joined.has(name)) throw new GroupTopicNotJoinedError()
    try {
      const result = await raceSignal(this.pubsub.publish(name, data, { floodPublish: data.length <= FLOOD_PUBLISH_MAX_BYTES }), options.signal)
      return { ref: groupMessageRef(data), recipients: result.recipients.length }
    } catch (err) {
      if (err instanceof Error && err.message === 'PublishError.Duplicate') throw new DuplicateGroupMessageError()
      throw err
    }
  }

  /** Peers known to be subscribed to the topic (those a flood publish reaches). */
  peers (topic: Uint8Array): PeerId[] {
    return this.pubsub.getSubscribers(groupTopicString(topic))
  }

  /** Peers in our mesh for the topic (those we forward its messages to). */
  meshPeers (topic: Uint8Array): PeerId[] {
    const mesh = new Set(this.pubsub.getMeshPeers(groupTopicString(topic)))
    return this.pubsub.getPeers().filter(p => mesh.has(p.toString()))
  }

  /** The peer's gossipsub score (0 for a peer never scored; below SCORE_THRESHOLDS.graylistThreshold it is graylisted). */
  score (peerId: PeerId): number {
    return this.pubsub.getScore(peerId.toString())
  }

  /** Leaves every topic, ends validations in flight (as `ignore`) and stops delivering. Idempotent. */
  stop (): void {
    if (this.stopped) return
    this.stopped = true
    this.pubsub.removeEventListener('gossipsub:message', this.onMessage)
    for (const controller of this.inflight) controller.abort(new GossipStoppedError())
    for (const name of [...this.joined.keys()]) this.forget(name)
  }

  private assertRunning (): void {
    if (this.stopped || !this.pubsub.isStarted()) throw new GossipStoppedError()
  }

  private forget (name: string): void {
    this.joined.delete(name)
    this.pubsub.topicValidators.delete(name)
    if (this.pubsub.isStarted()) this.pubsub.unsubscribe(name)
  }

  /** The topic's gossipsub validator: the rate limit, then the group layer's verdict within the timeout. */
  private validator (name: string, entry: JoinedTopic): TopicValidatorFn {
    return async (from, msg) => {
      const peer = from.toString()
      if (!this.rates.tryTake(`${name} ${peer}`, this.now())) {
        // counted against this peer only: a reject would also count against honest peers that send the same message later
        this.pubsub.score.markInvalidMessageDelivery(peer, name)
        return TopicValidatorResult.Ignore
      }
      return await this.verdict(entry, msg.data, from)
    }
  }

  private async verdict (entry: JoinedTopic, data: Uint8Array, from: PeerId): Promise<TopicValidatorResult> {
    const controller = new AbortController()
    this.inflight.add(controller)
    const timer = setTimeout(() => { controller.abort(new TimeoutError('group message validation timed out')) }, this.validateTimeoutMs)
    try {
      const verdict = await raceSignal(Promise.resolve().then(async () => await entry.handlers.validate(entry.bytes.slice(), data, { from, signal: controller.signal })), controller.signal)
      return VERDICTS[verdict] ?? TopicValidatorResult.Ignore
    } catch (err) {
      if (!controller.signal.aborted) this.onError(err, 'validate')
      return TopicValidatorResult.Ignore
    } finally {
      clearTimeout(timer)
      this.inflight.delete(controller)
    }
  }

  private readonly onMessage = (evt: CustomEvent<GossipsubMessage>): void => {
    const { msg } = evt.detail
    const entry = this.joined.get(msg.topic)
    if (entry == null) return
    const data = msg.data
    const ref = groupMessageRef(data)
    Promise.resolve()
      .then(async () => { await entry.handlers.deliver(data, { ref }) })
      .catch(err => { this.onError(err, 'deliver') })
  }
}
