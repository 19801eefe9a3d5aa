/** Names, sizes, rates and timeouts of Parley's gossipsub (group topics), each with its reason (docs/gossip.md). Knows nothing of groups, members or keys. */
import type { TokenRate } from '../../util/token-buckets.js'

/** Every group topic string starts with this; the rest is the hex of the 32 topic bytes the group layer computes. */
export const GROUP_TOPIC_PREFIX = '/parley/g/'

/** A topic is a SHA-256 (computed by the group layer): 32 bytes, 64 lower-case hex characters in the topic string. */
export const GROUP_TOPIC_BYTES = 32

/**
 * Largest group message (the `data` of one gossipsub message), published or accepted. Group messages are
 * sender-key ciphertexts of texts, reactions, receipts and attachment pointers with a thumbnail; media travels
 * through the blob store. The same bound as a mailbox envelope (MAX_ENVELOPE_BYTES), since relays store group
 * messages too, and it bounds what one message costs every member it is forwarded to.
 */
export const MAX_GROUP_MESSAGE_BYTES = 256 * 1024

/**
 * Largest gossipsub RPC frame read from a peer (length-prefixed). An RPC carries one message when published or
 * forwarded, but an IWANT answer carries every message asked for, plus control; 4 MiB holds 16 maximum-size
 * messages. It is it-length-prefixed's own default, named here so the bound is visible. A longer frame is a
 * protocol violation: gossipsub drops the stream and forgets the peer's subscriptions.
 */
export const MAX_GOSSIP_FRAME_BYTES = 4 * 1024 * 1024

/**
 * Own messages up to this size are flood-published: sent straight to every connected member (subscribed peer
 * above the publish threshold), not only to the mesh's D peers. Texts, reactions and receipts (well under
 * 16 KiB) then reach every connected member in one hop and do not depend on one mesh peer forwarding them;
 * a larger message (a thumbnail) goes to the mesh and spreads from there, so flooding stays cheap.
 */
export const FLOOD_PUBLISH_MAX_BYTES = 16 * 1024

/**
 * How long the group layer's validator may take for one message before it counts as `ignore` (not forwarded,
 * not delivered, nobody penalised). A signature check and a store read take milliseconds; 2 s leaves room for
 * a loaded phone. Gossipsub handles one peer's messages one at a time, so this also bounds how long one slow
 * validation holds back that peer's next messages.
 */
export const GROUP_VALIDATE_TIMEOUT_MS = 2_000

/**
 * Messages one peer may send us on one topic, checked before the validator. A mesh peer forwards the group's
 * whole traffic: a busy group of 1,024 members sends a few messages a second, a burst (an album of photos, a
 * member coming back online and sending what it queued) a few dozen. 100 back to back and 50 a second after
 * that is far above honest traffic and keeps a flooder's cost to us to the validator's price of 50 messages a second.
 * Over the limit a message is dropped without calling the validator and counts as an invalid delivery of that
 * peer (docs/gossip.md, "Rate limit").
 */
export const GROUP_MESSAGES_PER_PEER: TokenRate = { burst: 100, perSecond: 50 }

/** Peer-and-topic buckets remembered at once (least recently used forgotten; far more than peers on joined topics). */
export const MAX_RATE_TRACKED = 10_000


/** A message ref is the first 16 bytes of that SHA-256: collisions need 2^64 work, and ids stay short on the wire. */
export const GROUP_MESSAGE_REF_BYTES = 16

/** Heartbeat of the mesh (grafts, prunes, gossip, score cache): gossipsub's default. */
export const GOSSIP_HEARTBEAT_MS = 1_000
