/** The relay's inbound side of /parley/group-mailbox/1.0.0: deposits, gets by ref, owner authentication and the session's requests (register, unregister, fetch a page, ack); storage, cursors and limits are the backend's. Knows nothing of groups. */
import { systemRandom } from '../../crypto/deps.js'
import { withTimeout } from '../../util/abort.js'
import { ProtocolService } from '../service.js'
import { frameStream, type FrameStream } from '../frames.js'
import { NONCE_BYTES } from '../owner-auth.js'
import { verifyGroupMailboxAuth } from './auth.js'
import {
  GROUP_MAILBOX_PROTOCOL, GROUP_MAILBOX_TIMEOUT, GROUP_SESSION_IDLE_MS, GROUP_TOPIC_BYTES, GROUP_DEPOSIT_KEY_BYTES, GROUP_DEPOSIT_CHECK_BYTES,
  GROUP_MESSAGE_REF_BYTES, MAX_GROUP_CLIENT_FRAME_BYTES, MAX_GROUP_MESSAGE_BYTES, MAX_GROUP_PAGE_BYTES, MAX_GROUP_PAGE_MESSAGES, MAX_POSITION_LENGTH,
  MAX_REFS_PER_GET, MAX_TOPICS_PER_REQUEST, MAX_INBOUND_STREAMS, MAX_OUTBOUND_STREAMS
} from './constants.js'
import { GroupMailboxAuthError, GroupMessageTooLargeError, InvalidGroupMailboxRequestError, RateLimitedError, errorFrame } from './errors.js'
import { ClientFrame, RelayFrame, type GroupMessage } from './pb/group-mailbox.js'
import type { GroupMailboxBackend, GroupMailboxComponents, GroupMailboxOwner, GroupMailboxServerInit, GroupMessageEntry } from './index.js'
import type { Connection, Stream } from '@libp2p/interface'

const encode = (frame: Partial<RelayFrame>): Uint8Array => RelayFrame.encode(frame)
const toWire = (e: GroupMessageEntry): GroupMessage => ({ ref: Uint8Array.from(e.ref), position: e.position, message: e.message as Uint8Array<ArrayBuffer>, receivedAt: BigInt(e.receivedAt) })
const OK: Partial<RelayFrame> = { type: RelayFrame.Type.RESULT, status: RelayFrame.Status.OK }

function decodeClientFrame (bytes: Uint8Array): ClientFrame {
  try {
    return ClientFrame.decode(bytes, { limits: { refs: MAX_REFS_PER_GET, registrations: MAX_TOPICS_PER_REQUEST, topics: MAX_TOPICS_PER_REQUEST } })
  } catch (err) {
    throw new InvalidGroupMailboxRequestError(`malformed frame: ${(err as Error).message}`)
  }
}

function checkSize (what: string, bytes: Uint8Array, size: number): void {
  if (bytes.length !== size) throw new InvalidGroupMailboxRequestError(`${what} must be ${size} bytes`)
}

function checkPosition (position: string, required: boolean): void {
  if (required && position === '') throw new InvalidGroupMailboxRequestError('a position is required')
  if (position.length > MAX_POSITION_LENGTH) throw new InvalidGroupMailboxRequestError('position too long')
}

/** Pages of at most MAX_GROUP_PAGE_MESSAGES messages; a page stops growing once it holds MAX_GROUP_PAGE_BYTES. */
function pages (entries: GroupMessageEntry[]): GroupMessageEntry[][] {
  const out: GroupMessageEntry[][] = []
  let page: GroupMessageEntry[] = []
  let bytes = 0
  for (const e of entries) {
    page.push(e)
    bytes += e.message.length
    if (page.length >= MAX_GROUP_PAGE_MESSAGES || bytes >= MAX_GROUP_PAGE_BYTES) {
      out.push(page)
      page = []
      bytes = 0
    }
  }
  if (page.length > 0) out.push(page)
  return out
}

export class GroupMailboxServer extends ProtocolService {
  /** our own peer id: signed into every device's challenge */
  private readonly peerId: GroupMailboxComponents['peerId']
  private readonly backend: GroupMailboxBackend
  private readonly timeout: number
  private readonly sessionIdleTimeout: number
  private readonly now: () => number

  constructor (components: GroupMailboxComponents, init: GroupMailboxServerInit) {
    super(components, { protocol: GROUP_MAILBOX_PROTOCOL, name: 'group-mailbox', maxInboundStreams: init.maxInboundStreams ?? MAX_INBOUND_STREAMS, maxOutboundStreams: init.maxOutboundStreams ?? MAX_OUTBOUND_STREAMS })
    this.peerId = components.peerId
    this.backend = init.backend
    this.timeout = init.timeout ?? GROUP_MAILBOX_TIMEOUT
    this.sessionIdleTimeout = init.sessionIdleTimeout ?? GROUP_SESSION_IDLE_MS
    this.now = init.now ?? Date.now
  }

  /** Malformed, oversize or out-of-order frames, timeouts and write failures abort the stream; stored data is never touched by them. */
  protected async handle (stream: Stream, connection: Connection): Promise<void> {
    const frames = frameStream(stream, { maxFrameBytes: MAX_GROUP_CLIENT_FRAME_BYTES })
    try {
      const bytes = await this.read(frames, this.timeout)
      if (bytes == null) {
        await stream.close()
        return
      }
      const first = decodeClientFrame(bytes)
      if (first.type === ClientFrame.Type.DEPOSIT) await this.deposits(first, frames, stream, connection)
      else if (first.type === ClientFrame.Type.GET) await this.get(first, frames, stream, connection)
      else if (first.type === ClientFrame.Type.OPEN) await this.session(first, frames, stream, connection)
      else throw new InvalidGroupMailboxRequestError('a stream starts with DEPOSIT, GET or OPEN')
    } catch (err) {
      this.log('group mailbox stream from %p aborted - %s', connection.remotePeer, (err as Error).message)
      if (err instanceof InvalidGroupMailboxRequestError || err instanceof GroupMailboxAuthError) {
        // say why before hanging up; the stream goes either way
        await withTimeout(1000, undefined, async signal => { await frames.write(encode(errorFrame(err)), { signal }); await stream.close({ signal }) }).catch(() => {})
      }
      stream.abort(err as Error)
    }
  }

  private async read (frames: FrameStream, ms: number): Promise<Uint8Array | null> {
    return await withTimeout(ms, undefined, async signal => await frames.read({ signal }))
  }

  /** Writes one frame; a client that does not take it within the timeout loses the stream. */
  private async write (frames: FrameStream, frame: Partial<RelayFrame>): Promise<void> {
    await withTimeout(this.timeout, undefined, async signal => { await frames.write(encode(frame), { signal }) })
  }

  /**
   * One answer per DEPOSIT frame, in order, one deposit at a time: the stream is paused while a deposit is
   * stored, so a client that pipelines many frames is held back by flow control instead of filling our buffer.
   * Once a deposit is refused for the rate limit, every later one of the stream is refused too (a later
   * message must not be stored before an earlier one the client will retry).
   */
  private async deposits (first: ClientFrame, frames: FrameStream, stream: Stream, connection: Connection): Promise<void> {
    // logged without topic or message, for operators and tests (members deposit from short-lived identities)
    this.log('deposit stream from %p', connection.remotePeer)
    let limited: RateLimitedError | undefined
    let frame: ClientFrame | undefined = first
    while (frame != null) {
      if (stream.readStatus === 'readable') stream.pause()
      const answer = await this.depositOne(frame, connection, limited)
      if (answer.error instanceof RateLimitedError) limited ??= answer.error
      await this.write(frames, answer.frame)
      if (stream.readStatus === 'paused') stream.resume()
      const bytes = await this.read(frames, this.timeout)
      frame = bytes == null ? undefined : decodeClientFrame(bytes)
    }
    await stream.close()
  }

  private async depositOne (frame: ClientFrame, connection: Connection, limited: RateLimitedError | undefined): Promise<{ frame: Partial<RelayFrame>, error?: unknown }> {
    try {
      if (frame.type !== ClientFrame.Type.DEPOSIT) throw new InvalidGroupMailboxRequestError('a deposit stream carries only DEPOSIT frames')
      checkSize('the topic', frame.topic, GROUP_TOPIC_BYTES)
      checkSize('the deposit key', frame.depositKey, GROUP_DEPOSIT_KEY_BYTES)
      if (frame.message.length === 0) throw new InvalidGroupMailboxRequestError('empty message')
      if (frame.message.length > MAX_GROUP_MESSAGE_BYTES) throw new GroupMessageTooLargeError(`group messages are at most ${MAX_GROUP_MESSAGE_BYTES} bytes`)
      if (limited != null) throw limited
      const { ref, position } = await this.backend.deposit(frame.topic, frame.depositKey, frame.message, connection.remotePeer)
      return { frame: { ...OK, ref: Uint8Array.from(ref), position } }
    } catch (err) {
      const res = errorFrame(err)
      if (res.status === RelayFrame.Status.INTERNAL) this.log.error('group deposit failed inside the backend - %e', err)
      return { frame: res, error: err }
    }
  }

  /** GET → MESSAGES pages → DRAINED, or one refusal; then the relay closes. */
  private async get (frame: ClientFrame, frames: FrameStream, stream: Stream, connection: Connection): Promise<void> {
    checkSize('the topic', frame.topic, GROUP_TOPIC_BYTES)
    checkSize('the deposit key', frame.depositKey, GROUP_DEPOSIT_KEY_BYTES)
    for (const ref of frame.refs) checkSize('a ref', ref, GROUP_MESSAGE_REF_BYTES)
    let found: GroupMessageEntry[]
    try {
      found = await withTimeout(this.timeout, undefined, async signal => await this.backend.getByRef(frame.topic, frame.depositKey, frame.refs, connection.remotePeer, { signal }))
    } catch (err) {
      const res = errorFrame(err)
      if (res.status === RelayFrame.Status.INTERNAL) this.log.error('get by ref failed inside the backend - %e', err)
      await this.write(frames, res)
      await stream.close()
      return
    }
    for (const page of pages(found)) await this.write(frames, { type: RelayFrame.Type.MESSAGES, messages: page.map(toWire) })
    await this.write(frames, { type: RelayFrame.Type.DRAINED })
    await stream.close()
  }

  /** OPEN → CHALLENGE → AUTH → RESULT, then one answer per request until the device closes its end or stays silent too long. */
  private async session (open: ClientFrame, frames: FrameStream, stream: Stream, connection: Connection): Promise<void> {
    checkSize('the identity key', open.identityKey, 32)
    const owner: GroupMailboxOwner = { identityKey: open.identityKey, deviceId: open.deviceId }
    const nonce = systemRandom(NONCE_BYTES)
    await this.write(frames, { type: RelayFrame.Type.CHALLENGE, nonce: Uint8Array.from(nonce) })
    const authBytes = await this.read(frames, this.timeout)
    if (authBytes == null) throw new GroupMailboxAuthError('closed before authenticating')
    const auth = decodeClientFrame(authBytes)
    if (auth.type !== ClientFrame.Type.AUTH) throw new InvalidGroupMailboxRequestError('expected AUTH after the challenge')
    verifyGroupMailboxAuth({
      nonce,
      relayPeerId: this.peerId.toString(),
      clientPeerId: connection.remotePeer.toString(),
      identityKey: owner.identityKey,
      deviceId: owner.deviceId,
      timestamp: Number(auth.timestamp)
    }, auth.signature, this.now())
    await this.write(frames, OK)
    while (true) {
      const bytes = await this.read(frames, this.sessionIdleTimeout)
      if (bytes == null) break
      const request = decodeClientFrame(bytes)
      await this.write(frames, await this.answer(owner, request))
    }
    await stream.close()
  }

  /** The one answer to a request of an authenticated session; refusals are answered, frames of the wrong kind abort. */
  private async answer (owner: GroupMailboxOwner, request: ClientFrame): Promise<Partial<RelayFrame>> {
    const kinds = [ClientFrame.Type.REGISTER, ClientFrame.Type.UNREGISTER, ClientFrame.Type.FETCH, ClientFrame.Type.ACK]
    if (!kinds.includes(request.type)) throw new InvalidGroupMailboxRequestError('an open session takes only REGISTER, UNREGISTER, FETCH and ACK frames')
    try {
      return await withTimeout(this.timeout, undefined, async signal => {
        switch (request.type) {
          case ClientFrame.Type.REGISTER: {
            if (request.registrations.length === 0) throw new InvalidGroupMailboxRequestError('no topics to register')
            for (const r of request.registrations) {
              checkSize('the topic', r.topic, GROUP_TOPIC_BYTES)
              checkSize('the deposit check', r.depositCheck, GROUP_DEPOSIT_CHECK_BYTES)
            }
            await this.backend.register(owner, request.registrations, { signal })
            return OK
          }
          case ClientFrame.Type.UNREGISTER: {
            for (const topic of request.topics) checkSize('the topic', topic, GROUP_TOPIC_BYTES)
            await this.backend.unregister(owner, request.topics, { signal })
            return OK
          }
          case ClientFrame.Type.FETCH: {
            checkSize('the topic', request.topic, GROUP_TOPIC_BYTES)
            checkPosition(request.position, false)
            const page = await this.backend.list(owner, request.topic, request.position !== '' ? request.position : undefined, MAX_GROUP_PAGE_MESSAGES, MAX_GROUP_PAGE_BYTES, { signal })
            return page.length === 0 ? { type: RelayFrame.Type.DRAINED } : { type: RelayFrame.Type.MESSAGES, messages: page.map(toWire) }
          }
          default: {
            checkSize('the topic', request.topic, GROUP_TOPIC_BYTES)
            checkPosition(request.position, true)
            const cursor = await this.backend.ack(owner, request.topic, request.position, { signal })
            return { ...OK, position: cursor }
          }
        }
      })
    } catch (err) {
      const res = errorFrame(err)
      if (res.status === RelayFrame.Status.INTERNAL) this.log.error('group mailbox request failed inside the backend - %e', err)
      return res
    }
  }
}
