/**
 * @packageDocumentation
 *
 * Gossipsub on Parley client nodes, set up for group chats (docs/gossip.md): the `pubsub` service factory
 * (`parleyGossipsub`), group topics (`GroupTopics`: join with a validator and a delivery callback, publish,
 * leave, peers, scores), the content-based message ref, limits, scoring and errors. Knows nothing of groups,
 * members or sender keys: the group layer gives the topic bytes and judges every message.
 *
 * @example
 *
 * ```typescript
 * const topics = new GroupTopics(node.services.pubsub)
 * await topics.join(topicBytes, { validate: async (topic, data, { from }) => 'accept', deliver: (data, { ref }) => {} })
 * const { ref, recipients } = await topics.publish(topicBytes, ciphertext)
 * ```
 */
export { parleyGossipsub, parleyGossipsubOptions, asParleyPubsub, type ParleyGossipInit, type ParleyPubsub, type GossipsubInternals } from './service.js'
export { GroupTopics, type GroupTopicHandlers, type GroupTopicsInit, type GroupVerdict, type ValidateContext, type DeliverContext, type PublishedGroupMessage } from './group-topics.js'
export { groupMessageRef, groupTopicString } from './message-ref.js'
export * from './constants.js'
export * from './errors.js'
export { GROUP_TOPIC_SCORE, PEER_SCORE, SCORE_THRESHOLDS } from './scoring.js'
