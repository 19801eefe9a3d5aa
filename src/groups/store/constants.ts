/** Limits of the client's group store (docs/group-store.md), each with its reason; knows nothing of how anything stored is used. */
import { MAX_GROUP_MEMBERS } from '../constants.js'

/** The name of the store's `Storage.kv(...)`: one generic store holds every group's keys. */
export const GROUP_STORE_NAME = 'groups'


/**
 * Most changes one `addChanges` call stores, in one atomic write. Changes are stored as they arrive (pending ones
 * too), one or a few at a time; a burst (the missing parents fetched from a member) is at most the
 * MAX_PENDING_GROUP_CHANGES (256) the log holds waiting. A whole log (a new member's) is stored in parts, each a
 * valid prefix of arrival order. 256 changes of at most 64 KiB keep one write under 16 MiB.
 */
export const MAX_CHANGES_PER_WRITE = 256

/**
 * Largest causal-history blob. It is held in memory whole and rewritten on every put (with the message that
 * changed it), so it must stay small: recent message refs of 16 bytes and their links are tens of KiB even
 * for a busy group.
 */
export const MAX_CAUSAL_HISTORY_BYTES = 1024 * 1024

/**
 * Devices one sender-key chain id is indexed to. Chain ids are 32 random bits, so two honest devices of a
 * group rarely share one (and three almost never); each candidate costs a trial decryption of a message
 * naming the chain, so a member with several devices cannot pile candidates on a chain id others use.
 */
export const MAX_SENDERS_PER_CHAIN = 4

/**
 * Devices an account may have: the directory's MAX_DEVICES (1 + 5 linked; not imported, as the directory's
 * record module loads libp2p code that src/groups does not need). test/groups/store.test.ts checks both agree.
 */
export const MAX_DEVICES_PER_MEMBER = 6

/** Devices our current sender key can have gone to: every device of every member. */
export const MAX_DISTRIBUTED_DEVICES = MAX_GROUP_MEMBERS * MAX_DEVICES_PER_MEMBER

/** Members with receipts for one message: a message goes to every member, and no more than MAX_GROUP_MEMBERS. */
export const MAX_RECEIPTS_PER_MESSAGE = MAX_GROUP_MEMBERS

/** Relays a group's topic is registered at: 8 as the directory's MAX_RELAYS; more only makes fetching slower. */
export const MAX_GROUP_RELAYS = 8

/** Longest relay peer id (base58 or base32 text): an Ed25519 peer id is 52 characters, an RSA one 46; room for other key types. */
export const MAX_RELAY_PEER_ID_LENGTH = 128

/** Longest relay fetch cursor (UTF-8 bytes): the relay's opaque position, a timestamp and an id in practice. */
export const MAX_RELAY_CURSOR_BYTES = 256

/** Deletes per batch when sweeping seen marks, so one sweep never builds an unbounded batch. */
export const SWEEP_BATCH = 1000
