/**
 * @packageDocumentation
 *
 * The relays' group message store (`/parley/group-mailbox/1.0.0`, docs/group-mailbox.md, design.md §7). A group
 * message is stored once per topic at a relay, with a cursor per registered owner device, so a member that was
 * offline fetches what it missed, in order, once. Anyone holding a topic's deposit key deposits (the relay answers
 * only after a synced write) and gets messages back by ref; an owner device (authenticated by a signed challenge)
 * registers topics, fetches after its cursor page by page, acks, and unregisters. The relay sees only opaque
 * topics, keys and message bytes: nothing here knows groups, sender keys or members.
 *
 * @example
 *
 * ```typescript
 * const relay = await createLibp2p({ services: { groupMailbox: groupMailboxServer({ backend }) } })
 * await registerGroupTopics(member, relayAddr, { identity, deviceId: 1, topics: [{ topic, depositCheck: groupDepositCheck(depositKey) }] })
 * const [receipt] = await depositGroupMessages(sender, relayAddr, [{ topic, depositKey, message }])
 * const fetch = await fetchGroupMessages(member, relayAddr, { identity, deviceId: 1, topic })
 * for await (const { position, message } of fetch) { await persist(message); await fetch.ack(position) }
 * await fetch.close()
 * ```
 */
import type { ProtocolComponents } from '../service.js'
import type { MailboxOwner } from '../mailbox/index.js'
import { GroupMailboxServer } from './server.js'
import type { AbortOptions, PeerId } from '@libp2p/interface'

/** An owner device: the same as a mailbox's owner (identity key and device id). */
export type GroupMailboxOwner = MailboxOwner

/** A topic as an owner registers it. */
export interface GroupTopic {
  /** 32 opaque bytes */
  topic: Uint8Array
  /** SHA-256 of the topic's 32-byte deposit key (`groupDepositCheck`) */
  depositCheck: Uint8Array
}

/** One stored message as a client receives it. */
export interface GroupMessageEntry {
  /** 16 bytes, `groupMessageRef(message)` */
  ref: Uint8Array
  /** time-ordered, increasing within the topic: the cursor to resume after and to ack */
  position: string
  message: Uint8Array
  /** ms since the epoch when the relay stored it */
  receivedAt: number
}

/** What a deposit is answered with: the message's ref and its position in the topic (the existing one for bytes already stored). */
export interface GroupDepositReceipt {
  ref: Uint8Array
  position: string
}

/**
 * What a relay implements: storage, cursors, quotas, rate limits and expiry. Refusals are thrown as the error
 * classes of `./errors.js`. The server has checked every field's size before a call.
 */
export interface GroupMailboxBackend {
  /**
   * Stores `message` under `topic` if SHA-256(depositKey) is the topic's deposit check, and resolves with its ref
   * (computed here) and position only once the write is synced. The same bytes again resolve with the stored
   * position, storing nothing. An unknown topic and a wrong key throw the same UnknownGroupTopicError.
   */
  deposit(topic: Uint8Array, depositKey: Uint8Array, message: Uint8Array, requester: PeerId, options?: AbortOptions): Promise<GroupDepositReceipt>
  /** The stored messages of `topic` among `refs` (unknown ones left out), oldest first; UnknownGroupTopicError as for deposit. `requester` is for rate limits only. */
  getByRef(topic: Uint8Array, depositKey: Uint8Array, refs: Uint8Array[], requester: PeerId, options?: AbortOptions): Promise<GroupMessageEntry[]>
  /** Registers these topics for the device (all or none, synced); a new registration's cursor starts at the topic's end. */
  register(owner: GroupMailboxOwner, topics: GroupTopic[], options?: AbortOptions): Promise<void>
  /** Removes the device's registrations of these topics (synced); a topic whose last registration goes is deleted with its messages. */
  unregister(owner: GroupMailboxOwner, topics: Uint8Array[], options?: AbortOptions): Promise<void>
  /**
   * Up to `limit` messages (and about `maxBytes`) of a topic the device registered, after `after` or, when absent,
   * after the device's cursor; oldest first, expired ones left out. UnknownGroupTopicError when not registered.
   */
  list(owner: GroupMailboxOwner, topic: Uint8Array, after: string | undefined, limit: number, maxBytes: number, options?: AbortOptions): Promise<GroupMessageEntry[]>
  /** Moves the device's cursor forward to `position` (synced) and resolves with the cursor now; never moves it back. */
  ack(owner: GroupMailboxOwner, topic: Uint8Array, position: string, options?: AbortOptions): Promise<string>
}

export interface GroupMailboxServerInit {
  backend: GroupMailboxBackend
  /**
   * ms a deposit or GET stream may wait for its next frame, a session for each step of authentication, and the
   * relay for a client to take an answer
   *
   * @default 10000
   */
  timeout?: number
  /**
   * ms an authenticated session may stay silent between requests before the relay closes it
   *
   * @default 60000
   */
  sessionIdleTimeout?: number
  /**
   * concurrent inbound group mailbox streams per connection
   *
   * @default 16
   */
  maxInboundStreams?: number
  /**
   * concurrent outbound group mailbox streams per connection
   *
   * @default 16
   */
  maxOutboundStreams?: number
  /**
   * the clock auth timestamps are checked against
   *
   * @default Date.now
   */
  now?: () => number
}

/** The parts of libp2p the service uses. */
export interface GroupMailboxComponents extends ProtocolComponents {
  peerId: PeerId
}

/** The group mailbox service for a relay's `services`. */
export function groupMailboxServer (init: GroupMailboxServerInit): (components: GroupMailboxComponents) => GroupMailboxServer {
  return (components) => new GroupMailboxServer(components, init)
}

export { GroupMailboxServer }
export {
  depositGroupMessages, registerGroupTopics, unregisterGroupTopics, fetchGroupMessages, getGroupMessagesByRef, GroupTopicFetch,
  type GroupDeposit, type GroupMailboxCallOptions, type GroupSessionInit, type RegisterGroupTopicsInit, type UnregisterGroupTopicsInit,
  type FetchGroupMessagesInit, type GetGroupMessagesInit
} from './client.js'
export { groupMessageRef, groupDepositCheck } from './ref.js'
export { signGroupMailboxAuth, verifyGroupMailboxAuth } from './auth.js'
export {
  GroupMailboxServiceError, InvalidGroupMailboxRequestError, GroupMailboxAuthError, GroupTopicFullError, GroupMessageTooLargeError,
  UnknownGroupTopicError, GroupMailboxInternalError, GroupMailboxClosedError, RateLimitedError
} from './errors.js'
export {
  GROUP_MAILBOX_PROTOCOL, MAX_GROUP_MESSAGE_BYTES, GROUP_TOPIC_BYTES, GROUP_DEPOSIT_KEY_BYTES, GROUP_DEPOSIT_CHECK_BYTES, GROUP_MESSAGE_REF_BYTES,
  MAX_REFS_PER_GET, MAX_TOPICS_PER_REQUEST, MAX_GROUP_CLIENT_FRAME_BYTES, MAX_GROUP_RELAY_FRAME_BYTES, MAX_GROUP_PAGE_MESSAGES, MAX_GROUP_PAGE_BYTES,
  MAX_POSITION_LENGTH, GROUP_MAILBOX_TIMEOUT, GROUP_SESSION_IDLE_MS
} from './constants.js'
