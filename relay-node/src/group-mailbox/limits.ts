/** The group mailbox's limits, each with its reason (docs/group-mailbox.md lists them). Knows nothing of groups. */
import type { RateWindow } from '../rate-limit.js'

/** Issue 17 and design.md §7: a group message nobody fetched in 30 days expires, like 1:1 mail; so does a registration nobody used. */
export const GROUP_MAILBOX_TTL_MS = 30 * 24 * 60 * 60_000

/**
 * Topics one owner device registers here: one per group it is in. WhatsApp-class users are in tens of groups,
 * heavy users a few hundred; 512 covers them and bounds the registrations a device costs.
 */
export const MAX_TOPICS_PER_DEVICE = 512

/**
 * Messages held per topic. A busy 1,000-member group sends a few thousand messages a day; 100,000 holds weeks of
 * it for a member offline that long, and bounds what one topic costs however it is flooded.
 */
export const MAX_MESSAGES_PER_TOPIC = 100_000

/** Bytes held per topic: 100,000 messages of a few KiB are a few hundred MiB; 512 MiB bounds disk per topic (each message is at most 256 KiB). */
export const MAX_BYTES_PER_TOPIC = 512 * 1024 * 1024

/**
 * Deposits by one peer (to any topics): only holders of a topic's deposit key can deposit at all, so this only
 * bounds a member (or former member) that floods. A member back online deposits its queued messages at once (a
 * few dozen); nobody types more than one a second for long. The long window stops a flood that paces itself.
 */
const GROUP_DEPOSITS_PER_PEER: RateWindow[] = [{ max: 50, windowMs: 1000 }, { max: 1000, windowMs: 10 * 60_000 }]

/**
 * Gets by ref by one peer: a member repairs a gap with one GET per relay, of up to 64 refs (at most 16 MiB
 * read and sent); a few a second is plenty, and bounds what a holder of the key makes a relay read.
 */
const GROUP_GETS_PER_PEER: RateWindow[] = [{ max: 10, windowMs: 1000 }, { max: 300, windowMs: 10 * 60_000 }]

/** Operations committed in one synced write (group commit): bounds one batch's memory and latency. */
export const MAX_GROUP_MAILBOX_COMMIT = 256

/** Messages deleted in one synced write when a cursor passes them, a topic goes, or they expire: bounds a batch's size. */
export const DELETE_CHUNK = 1000

/** How often a registration's last use is rewritten on fetch, at most (a fetch is a read; this keeps it one). Shorter for short TTLs. */
export const REGISTRATION_TOUCH_MS = 24 * 60 * 60_000

/** How often expired messages and registrations, and idle rate records, are swept. */
export const GROUP_SWEEP_INTERVAL_MS = 10 * 60_000

export interface GroupMailboxLimits {
  /** messages expire, and unused registrations lapse, after this many ms */
  ttlMs: number
  maxTopicsPerDevice: number
  maxMessagesPerTopic: number
  maxBytesPerTopic: number
  depositsPerPeer: RateWindow[]
  getsPerPeer: RateWindow[]
}

export const DEFAULT_GROUP_MAILBOX_LIMITS: GroupMailboxLimits = {
  ttlMs: GROUP_MAILBOX_TTL_MS,
  maxTopicsPerDevice: MAX_TOPICS_PER_DEVICE,
  maxMessagesPerTopic: MAX_MESSAGES_PER_TOPIC,
  maxBytesPerTopic: MAX_BYTES_PER_TOPIC,
  depositsPerPeer: GROUP_DEPOSITS_PER_PEER,
  getsPerPeer: GROUP_GETS_PER_PEER
}
