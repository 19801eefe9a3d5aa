/** The client side of /parley/group-mailbox/1.0.0: deposit messages to a topic, get messages by ref, and an owner device's session (register, unregister, fetch after the cursor, ack). Checks every ref the relay names against the bytes. Knows nothing of groups. */
import { toDialTarget, type DialingNode, type RelayTarget } from '../request-response.js'
import { ProtocolViolationError } from '../errors.js'
import { ProgressTimer } from '../progress-timer.js'
import { frameStream, type FrameStream } from '../frames.js'
import { constantTimeEqual, toHex } from '../../crypto/bytes.js'
import { signGroupMailboxAuth } from './auth.js'
import {
  GROUP_MAILBOX_PROTOCOL, GROUP_MAILBOX_TIMEOUT, GROUP_TOPIC_BYTES, GROUP_DEPOSIT_KEY_BYTES, GROUP_DEPOSIT_CHECK_BYTES, GROUP_MESSAGE_REF_BYTES,
  MAX_GROUP_MESSAGE_BYTES, MAX_GROUP_PAGE_MESSAGES, MAX_GROUP_RELAY_FRAME_BYTES, MAX_POSITION_LENGTH, MAX_REFS_PER_GET, MAX_TOPICS_PER_REQUEST
} from './constants.js'
import { GroupMailboxClosedError, GroupMailboxServiceError, GroupMessageTooLargeError, InvalidGroupMailboxRequestError, RateLimitedError, frameError } from './errors.js'
import { ClientFrame, RelayFrame, type GroupMessage } from './pb/group-mailbox.js'
import { groupMessageRef } from './ref.js'
import type { GroupDepositReceipt, GroupMessageEntry, GroupTopic } from './index.js'
import type { MailboxNode } from '../mailbox/client.js'
import type { IdentityKeyPair } from '../../crypto/identity.js'
import type { AbortOptions, Stream } from '@libp2p/interface'

export interface GroupMailboxCallOptions extends AbortOptions {
  /** ms without progress (no answer, no frame) before the exchange is given up @default 10000 */
  timeout?: number
}

/** One message for one topic. */
export interface GroupDeposit {
  /** 32 opaque bytes */
  topic: Uint8Array
  /** the topic's 32-byte deposit key */
  depositKey: Uint8Array
  /** at most MAX_GROUP_MESSAGE_BYTES, opaque to the relay */
  message: Uint8Array
}

/** Who opens an owner session: the device's identity and id. */
export interface GroupSessionInit {
  identity: IdentityKeyPair
  /** @default 1 */
  deviceId?: number
  /** ms since the epoch signed into the challenge @default Date.now() */
  timestamp?: number
}

export interface RegisterGroupTopicsInit extends GroupSessionInit {
  topics: GroupTopic[]
}

export interface UnregisterGroupTopicsInit extends GroupSessionInit {
  topics: Uint8Array[]
}

export interface FetchGroupMessagesInit extends GroupSessionInit {
  topic: Uint8Array
  /** start after this position; after the device's cursor at the relay when absent */
  after?: string
}

export interface GetGroupMessagesInit {
  topic: Uint8Array
  depositKey: Uint8Array
  /** at most MAX_REFS_PER_GET refs of 16 bytes */
  refs: Uint8Array[]
}

function decodeRelayFrame (bytes: Uint8Array): RelayFrame {
  try {
    return RelayFrame.decode(bytes, { limits: { messages: MAX_GROUP_PAGE_MESSAGES } })
  } catch (err) {
    throw new ProtocolViolationError(`relay sent a malformed frame: ${(err as Error).message}`)
  }
}

const size = (bytes: Uint8Array, n: number): boolean => bytes.length === n

function precheck (d: GroupDeposit): Error | undefined {
  if (d.message.length > MAX_GROUP_MESSAGE_BYTES) return new GroupMessageTooLargeError(`group messages are at most ${MAX_GROUP_MESSAGE_BYTES} bytes; this one is ${d.message.length}`)
  if (d.message.length === 0) return new InvalidGroupMailboxRequestError('empty message')
  if (!size(d.topic, GROUP_TOPIC_BYTES)) return new InvalidGroupMailboxRequestError(`the topic must be ${GROUP_TOPIC_BYTES} bytes`)
  if (!size(d.depositKey, GROUP_DEPOSIT_KEY_BYTES)) return new InvalidGroupMailboxRequestError(`the deposit key must be ${GROUP_DEPOSIT_KEY_BYTES} bytes`)
  return undefined
}

/** A stored message from the wire, once its ref is checked against its bytes (a relay cannot pass one content off under another's ref). */
function entryOf (m: GroupMessage): GroupMessageEntry {
  if (m.position === '' || m.position.length > MAX_POSITION_LENGTH) throw new ProtocolViolationError('relay sent a message without a valid position')
  if (!size(m.ref, GROUP_MESSAGE_REF_BYTES) || !constantTimeEqual(m.ref, groupMessageRef(m.message))) throw new ProtocolViolationError('relay sent a message whose ref does not match its bytes')
  return { ref: m.ref, position: m.position, message: m.message, receivedAt: Number(m.receivedAt) }
}

/**
 * Deposits messages at one relay over one stream: every frame is written at once, the relay answers each in
 * order. Never rejects: each deposit gets its receipt (stored with a synced write, or already stored: the same
 * position) or an error instance: GroupTopicFullError, RateLimitedError (retryAfterMs), GroupMessageTooLargeError,
 * UnknownGroupTopicError (no such topic or not its key), InvalidGroupMailboxRequestError: nothing stored; any other
 * error (the stream or relay broke, a timeout): it may or may not be stored; deposit again (it is idempotent).
 */
export async function depositGroupMessages (node: DialingNode, relay: RelayTarget, deposits: GroupDeposit[], options: GroupMailboxCallOptions = {}): Promise<Array<GroupDepositReceipt | Error>> {
  const results: Array<GroupDepositReceipt | Error> = new Array(deposits.length)
  const toSend: number[] = []
  deposits.forEach((d, i) => {
    const error = precheck(d)
    if (error != null) results[i] = error
    else toSend.push(i)
  })
  if (toSend.length === 0) return results
  const progress = new ProgressTimer(options.timeout ?? GROUP_MAILBOX_TIMEOUT, options.signal)
  let answered = 0
  let stream: Stream | undefined
  try {
    stream = await node.dialProtocol(toDialTarget(relay), GROUP_MAILBOX_PROTOCOL, { signal: progress.signal })
    const frames = frameStream(stream, { maxFrameBytes: MAX_GROUP_RELAY_FRAME_BYTES })
    const s = stream
    const writing = (async () => {
      for (const i of toSend) {
        const d = deposits[i]
        await frames.write(ClientFrame.encode({ type: ClientFrame.Type.DEPOSIT, topic: Uint8Array.from(d.topic), depositKey: Uint8Array.from(d.depositKey), message: d.message as Uint8Array<ArrayBuffer> }), { signal: progress.signal })
      }
      await s.close({ signal: progress.signal })
    })()
    // a failed write shows up as the read failing too; keep the first error from the reads
    writing.catch(() => {})
    while (answered < toSend.length) {
      const bytes = await frames.read({ signal: progress.signal })
      if (bytes == null) throw new GroupMailboxClosedError(`the relay closed the stream after ${answered} of ${toSend.length} answers`)
      const frame = decodeRelayFrame(bytes)
      if (frame.type !== RelayFrame.Type.RESULT) throw new ProtocolViolationError('expected a deposit RESULT')
      const i = toSend[answered]
      if (frame.status === RelayFrame.Status.OK) {
        if (!constantTimeEqual(frame.ref, groupMessageRef(deposits[i].message))) throw new ProtocolViolationError('the relay named another ref than the message\'s')
        if (frame.position === '' || frame.position.length > MAX_POSITION_LENGTH) throw new ProtocolViolationError('the relay named no valid position')
        results[i] = { ref: frame.ref, position: frame.position }
      } else {
        results[i] = frameError(frame)
      }
      answered++
      progress.reset()
    }
    await writing
  } catch (err) {
    stream?.abort(err as Error)
    for (const i of toSend.slice(answered)) results[i] = err as Error
  } finally {
    progress.clear()
  }
  return results
}

/**
 * Asks a relay for messages of `topic` by ref, proving the deposit key (no authentication): members repair gaps
 * this way, also at relays that are not theirs. Resolves with the messages found (unknown refs are absent), oldest
 * first; rejects with UnknownGroupTopicError (no such topic or not its key) and the other refusals.
 */
export async function getGroupMessagesByRef (node: DialingNode, relay: RelayTarget, init: GetGroupMessagesInit, options: GroupMailboxCallOptions = {}): Promise<GroupMessageEntry[]> {
  if (init.refs.length > MAX_REFS_PER_GET) throw new InvalidGroupMailboxRequestError(`at most ${MAX_REFS_PER_GET} refs per request`)
  if (!size(init.topic, GROUP_TOPIC_BYTES)) throw new InvalidGroupMailboxRequestError(`the topic must be ${GROUP_TOPIC_BYTES} bytes`)
  if (!size(init.depositKey, GROUP_DEPOSIT_KEY_BYTES)) throw new InvalidGroupMailboxRequestError(`the deposit key must be ${GROUP_DEPOSIT_KEY_BYTES} bytes`)
  if (init.refs.some(r => !size(r, GROUP_MESSAGE_REF_BYTES))) throw new InvalidGroupMailboxRequestError(`refs are ${GROUP_MESSAGE_REF_BYTES} bytes`)
  const wanted = new Set(init.refs.map(toHex))
  const progress = new ProgressTimer(options.timeout ?? GROUP_MAILBOX_TIMEOUT, options.signal)
  let stream: Stream | undefined
  try {
    stream = await node.dialProtocol(toDialTarget(relay), GROUP_MAILBOX_PROTOCOL, { signal: progress.signal })
    const frames = frameStream(stream, { maxFrameBytes: MAX_GROUP_RELAY_FRAME_BYTES })
    await frames.write(ClientFrame.encode({ type: ClientFrame.Type.GET, topic: Uint8Array.from(init.topic), depositKey: Uint8Array.from(init.depositKey), refs: init.refs.map(r => Uint8Array.from(r)) }), { signal: progress.signal })
    await stream.close({ signal: progress.signal })
    const out: GroupMessageEntry[] = []
    while (true) {
      const bytes = await frames.read({ signal: progress.signal })
      if (bytes == null) throw new GroupMailboxClosedError('the relay closed the stream before DRAINED')
      const frame = decodeRelayFrame(bytes)
      progress.reset()
      if (frame.type === RelayFrame.Type.DRAINED) return out
      if (frame.type === RelayFrame.Type.RESULT) throw frame.status === RelayFrame.Status.OK ? new ProtocolViolationError('expected MESSAGES or DRAINED') : frameError(frame)
      if (frame.type !== RelayFrame.Type.MESSAGES) throw new ProtocolViolationError(`unexpected ${frame.type} frame`)
      for (const m of frame.messages) {
        const entry = entryOf(m)
        // a relay answers only what was asked, once each
        if (!wanted.delete(toHex(entry.ref))) throw new ProtocolViolationError('the relay sent a message that was not asked for')
        out.push(entry)
      }
    }
  } catch (err) {
    stream?.abort(err as Error)
    throw err
  } finally {
    progress.clear()
  }
}

/** An authenticated session: one request at a time, each answered by one frame. */
class OwnerSession {
  private tail: Promise<unknown> = Promise.resolve()
  private ended = false

  constructor (private readonly stream: Stream, private readonly frames: FrameStream, private readonly timeout: number) {}

  get closed (): boolean { return this.ended }

  /** Sends `request` after every earlier one is answered; resolves with its answer (a refusal is thrown as its error). */
  async request (request: Partial<ClientFrame>, options: GroupMailboxCallOptions = {}): Promise<RelayFrame> {
    const run = this.tail.then(async () => {
      if (this.ended) throw new GroupMailboxClosedError()
      const progress = new ProgressTimer(options.timeout ?? this.timeout, options.signal)
      try {
        await this.frames.write(ClientFrame.encode(request), { signal: progress.signal })
        const bytes = await this.frames.read({ signal: progress.signal })
        if (bytes == null) throw new GroupMailboxClosedError('the relay ended the session')
        const answer = decodeRelayFrame(bytes)
        if (answer.type === RelayFrame.Type.RESULT && answer.status !== RelayFrame.Status.OK) throw frameError(answer)
        return answer
      } catch (err) {
        this.fail(err)
        throw err
      } finally {
        progress.clear()
      }
    })
    this.tail = run.catch(() => {})
    return await run
  }

  /** Ends the session for anything but a refusal (a timeout, a broken stream, a frame or answer breaking the protocol); a refusal leaves it usable. */
  fail (err: unknown): void {
    if (err instanceof GroupMailboxServiceError || err instanceof RateLimitedError) return
    if (this.ended) return
    this.ended = true
    this.stream.abort(err as Error)
  }

  /** Ends the session once earlier requests are answered. */
  async close (options: AbortOptions = {}): Promise<void> {
    await this.tail
    if (this.ended) return
    this.ended = true
    try {
      await this.stream.close(options)
    } catch (err) {
      this.stream.abort(err as Error)
    }
  }
}

/** Opens an owner session: OPEN, sign the relay's challenge (bound to the relay, this connection's peer id, the device and the time), AUTH, RESULT. */
async function openSession (node: MailboxNode, relay: RelayTarget, init: GroupSessionInit, options: GroupMailboxCallOptions): Promise<OwnerSession> {
  const deviceId = init.deviceId ?? 1
  const progress = new ProgressTimer(options.timeout ?? GROUP_MAILBOX_TIMEOUT, options.signal)
  let stream: Stream | undefined
  try {
    const connection = await node.dial(toDialTarget(relay), { signal: progress.signal })
    stream = await connection.newStream(GROUP_MAILBOX_PROTOCOL, { signal: progress.signal })
    const frames = frameStream(stream, { maxFrameBytes: MAX_GROUP_RELAY_FRAME_BYTES })
    const signal = progress.signal
    await frames.write(ClientFrame.encode({ type: ClientFrame.Type.OPEN, identityKey: Uint8Array.from(init.identity.publicKey), deviceId }), { signal })
    const challenge = await frames.read({ signal })
    if (challenge == null) throw new GroupMailboxClosedError('the relay closed the stream before its challenge')
    const c = decodeRelayFrame(challenge)
    if (c.type === RelayFrame.Type.RESULT && c.status !== RelayFrame.Status.OK) throw frameError(c)
    if (c.type !== RelayFrame.Type.CHALLENGE) throw new ProtocolViolationError('expected a CHALLENGE')
    const timestamp = init.timestamp ?? Date.now()
    const signature = signGroupMailboxAuth(init.identity, { nonce: c.nonce, relayPeerId: connection.remotePeer.toString(), clientPeerId: node.peerId.toString(), deviceId, timestamp })
    await frames.write(ClientFrame.encode({ type: ClientFrame.Type.AUTH, timestamp: BigInt(timestamp), signature: Uint8Array.from(signature) }), { signal })
    const result = await frames.read({ signal })
    if (result == null) throw new GroupMailboxClosedError('the relay closed the stream during authentication')
    const r = decodeRelayFrame(result)
    if (r.type !== RelayFrame.Type.RESULT) throw new ProtocolViolationError('expected the authentication RESULT')
    if (r.status !== RelayFrame.Status.OK) throw frameError(r)
    return new OwnerSession(stream, frames, options.timeout ?? GROUP_MAILBOX_TIMEOUT)
  } catch (err) {
    stream?.abort(err as Error)
    throw err
  } finally {
    progress.clear()
  }
}

/** Runs `fn` in a fresh session and closes it; the session is aborted when `fn` fails. */
async function inSession (node: MailboxNode, relay: RelayTarget, init: GroupSessionInit, options: GroupMailboxCallOptions, fn: (session: OwnerSession) => Promise<void>): Promise<void> {
  const session = await openSession(node, relay, init, options)
  try {
    await fn(session)
  } finally {
    await session.close(options)
  }
}

/** Chunks of at most MAX_TOPICS_PER_REQUEST. */
function chunks<T> (items: T[]): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += MAX_TOPICS_PER_REQUEST) out.push(items.slice(i, i + MAX_TOPICS_PER_REQUEST))
  return out
}

/**
 * Registers topics for this device at a relay where it is an owner (it uploaded prekeys there): from now on the
 * relay keeps the topics' messages for it, from the topic's current end. Registering again keeps the cursor. Each
 * request of up to MAX_TOPICS_PER_REQUEST topics is all or nothing. Rejects with GroupMailboxAuthError (not an
 * owner here, or the signature), GroupTopicFullError (the device's topic quota), UnknownGroupTopicError (the topic
 * is registered here with another deposit check).
 */
export async function registerGroupTopics (node: MailboxNode, relay: RelayTarget, init: RegisterGroupTopicsInit, options: GroupMailboxCallOptions = {}): Promise<void> {
  for (const t of init.topics) {
    if (!size(t.topic, GROUP_TOPIC_BYTES)) throw new InvalidGroupMailboxRequestError(`the topic must be ${GROUP_TOPIC_BYTES} bytes`)
    if (!size(t.depositCheck, GROUP_DEPOSIT_CHECK_BYTES)) throw new InvalidGroupMailboxRequestError(`the deposit check must be ${GROUP_DEPOSIT_CHECK_BYTES} bytes`)
  }
  if (init.topics.length === 0) return
  await inSession(node, relay, init, options, async session => {
    for (const chunk of chunks(init.topics)) {
      await session.request({ type: ClientFrame.Type.REGISTER, registrations: chunk.map(t => ({ topic: Uint8Array.from(t.topic), depositCheck: Uint8Array.from(t.depositCheck) })) }, options)
    }
  })
}

/** Removes this device's registrations of these topics at a relay (it left the group); topics it never registered are ignored. */
export async function unregisterGroupTopics (node: MailboxNode, relay: RelayTarget, init: UnregisterGroupTopicsInit, options: GroupMailboxCallOptions = {}): Promise<void> {
  if (init.topics.some(t => !size(t, GROUP_TOPIC_BYTES))) throw new InvalidGroupMailboxRequestError(`topics are ${GROUP_TOPIC_BYTES} bytes`)
  if (init.topics.length === 0) return
  await inSession(node, relay, init, options, async session => {
    for (const chunk of chunks(init.topics)) await session.request({ type: ClientFrame.Type.UNREGISTER, topics: chunk.map(t => Uint8Array.from(t)) }, options)
  })
}

/**
 * A device's fetch of one topic: iterate it for the messages after the start (oldest first, a page per request,
 * so at most one page is held here); the iteration ends when the relay says DRAINED. `ack(position)` tells the
 * relay everything up to `position` is done for this device (it may then delete what every device has acked).
 * The session stays open for acks after the iteration; `close()` ends it.
 */
export class GroupTopicFetch implements AsyncIterable<GroupMessageEntry> {
  constructor (private readonly session: OwnerSession, private readonly topic: Uint8Array, private readonly after: string | undefined, private readonly options: GroupMailboxCallOptions) {}

  /** true once the session has ended (closed, or failed) */
  get closed (): boolean {
    return this.session.closed
  }

  async * [Symbol.asyncIterator] (): AsyncIterator<GroupMessageEntry> {
    let after = this.after ?? ''
    while (true) {
      const answer = await this.session.request({ type: ClientFrame.Type.FETCH, topic: Uint8Array.from(this.topic), position: after }, this.options)
      if (answer.type === RelayFrame.Type.DRAINED) return
      if (answer.type !== RelayFrame.Type.MESSAGES || answer.messages.length === 0) {
        const err = new ProtocolViolationError('expected MESSAGES or DRAINED')
        this.session.fail(err)
        throw err
      }
      let page: GroupMessageEntry[]
      try {
        page = answer.messages.map(entryOf)
        // positions only grow: a relay that sends a page again (or goes backwards) would keep us fetching forever
        for (const e of page) {
          if (after !== '' && e.position <= after) throw new ProtocolViolationError('the relay sent positions out of order')
          after = e.position
        }
      } catch (err) {
        this.session.fail(err)
        throw err
      }
      yield * page
    }
  }

  /** Acks everything up to `position` for this device; resolves with the device's cursor at the relay (which never moves back). */
  async ack (position: string, options: GroupMailboxCallOptions = {}): Promise<string> {
    if (position === '' || position.length > MAX_POSITION_LENGTH) throw new InvalidGroupMailboxRequestError('not a position')
    const answer = await this.session.request({ type: ClientFrame.Type.ACK, topic: Uint8Array.from(this.topic), position }, options)
    if (answer.type !== RelayFrame.Type.RESULT || answer.position.length > MAX_POSITION_LENGTH) {
      const err = new ProtocolViolationError('expected the ACK\'s RESULT')
      this.session.fail(err)
      throw err
    }
    return answer.position
  }

  async close (options: AbortOptions = {}): Promise<void> {
    await this.session.close(options)
  }
}

/**
 * Opens a fetch of `topic` for this device (registered there): resolves once authenticated. Rejects with
 * GroupMailboxAuthError; the iteration throws UnknownGroupTopicError when the device has not registered the topic.
 */
export async function fetchGroupMessages (node: MailboxNode, relay: RelayTarget, init: FetchGroupMessagesInit, options: GroupMailboxCallOptions = {}): Promise<GroupTopicFetch> {
  if (!size(init.topic, GROUP_TOPIC_BYTES)) throw new InvalidGroupMailboxRequestError(`the topic must be ${GROUP_TOPIC_BYTES} bytes`)
  if (init.after != null && init.after.length > MAX_POSITION_LENGTH) throw new InvalidGroupMailboxRequestError('not a position')
  const session = await openSession(node, relay, init, options)
  return new GroupTopicFetch(session, init.topic, init.after, { timeout: options.timeout })
}
