/** The relay's inbound side of /parley/mailbox/1.0.0: pipelined deposits, owner authentication, drain by cursor, live push, acks; storage and limits are the backend's. */
import { systemRandom } from '../../crypto/deps.js'
import { verifyAuth } from './auth.js'
import { DELIVERY_KEY_BYTES } from './token.js'
import { withTimeout } from '../../util/abort.js'
import { ProtocolService } from '../service.js'
import {
  MAILBOX_PROTOCOL, MAX_CLIENT_FRAME_BYTES, MAX_ENVELOPE_BYTES, MAX_PAGE_ENVELOPES, MAX_PAGE_BYTES, MAX_ACK_IDS, MAX_PIPELINED_DEPOSITS,
  NONCE_BYTES, TIMEOUT, KEEPALIVE_INTERVAL_MS, MAX_INBOUND_STREAMS, MAX_OUTBOUND_STREAMS
} from './constants.js'
import { EnvelopeTooLargeError, InvalidMailboxRequestError, MailboxAuthError, errorFrame } from './errors.js'
import { FrameWriter, deferred, frameStream, type Deferred, type FrameStream } from '../frames.js'
import { ClientFrame, RelayFrame, type MailboxEnvelope } from './pb/mailbox.js'
import type { DepositStream, MailboxBackend, MailboxComponents, MailboxEntry, MailboxOwner, MailboxServerInit } from './index.js'
import type { Connection, Stream } from '@libp2p/interface'

/** An authenticated session with no subscription is closed after this much silence from the owner. */
const SESSION_IDLE_MS = 60_000
/** Cursors are the backend's ids: short printable strings. */
const MAX_CURSOR_LENGTH = 64

const encode = (frame: Partial<RelayFrame>): Uint8Array => RelayFrame.encode(frame)
const toWire = (e: MailboxEntry): MailboxEnvelope => ({ id: e.id, envelope: e.envelope as Uint8Array<ArrayBuffer>, receivedAt: BigInt(e.receivedAt) })

function decodeClientFrame (bytes: Uint8Array): ClientFrame {
  try {
    return ClientFrame.decode(bytes, { limits: { ids: MAX_ACK_IDS } })
  } catch (err) {
    throw new InvalidMailboxRequestError(`malformed frame: ${(err as Error).message}`)
  }
}

function ownerOf (frame: ClientFrame): MailboxOwner {
  if (frame.identityKey.length !== 32) throw new InvalidMailboxRequestError('the identity key must be 32 bytes')
  return { identityKey: frame.identityKey, deviceId: frame.deviceId }
}

export class MailboxServer extends ProtocolService {
  /** our own peer id: signed into every owner's challenge */
  private readonly peerId: MailboxComponents['peerId']
  private readonly backend: MailboxBackend
  private readonly timeout: number
  private readonly sessionIdleTimeout: number
  private readonly keepaliveInterval: number
  private readonly now: () => number

  constructor (components: MailboxComponents, init: MailboxServerInit) {
    super(components, { protocol: MAILBOX_PROTOCOL, name: 'mailbox', maxInboundStreams: init.maxInboundStreams ?? MAX_INBOUND_STREAMS, maxOutboundStreams: init.maxOutboundStreams ?? MAX_OUTBOUND_STREAMS })
    this.peerId = components.peerId
    this.backend = init.backend
    this.timeout = init.timeout ?? TIMEOUT
    this.sessionIdleTimeout = init.sessionIdleTimeout ?? SESSION_IDLE_MS
    this.keepaliveInterval = init.keepaliveInterval ?? KEEPALIVE_INTERVAL_MS
    this.now = init.now ?? Date.now
  }

  /** Malformed, oversize or out-of-order frames, timeouts and write failures abort the stream; stored data is never touched by them. */
  protected async handle (stream: Stream, connection: Connection): Promise<void> {
    const frames = frameStream(stream, { maxFrameBytes: MAX_CLIENT_FRAME_BYTES })
    try {
      const bytes = await withTimeout(this.timeout, undefined, async signal => await frames.read({ signal }))
      if (bytes == null) {
        await stream.close()
        return
      }
      const first = decodeClientFrame(bytes)
      if (first.type === ClientFrame.Type.DEPOSIT) await this.deposits(first, frames, stream, connection)
      else if (first.type === ClientFrame.Type.OPEN) await this.session(first, frames, stream, connection)
      else throw new InvalidMailboxRequestError('a stream starts with DEPOSIT or OPEN')
    } catch (err) {
      this.log('mailbox stream from %p aborted - %s', connection.remotePeer, (err as Error).message)
      if (err instanceof InvalidMailboxRequestError || err instanceof MailboxAuthError) {
        // say why before hanging up; the stream goes either way
        await withTimeout(1000, undefined, async signal => { await frames.write(encode(errorFrame(err)), { signal }); await stream.close({ signal }) }).catch(() => {})
      }
      stream.abort(err as Error)
    }
  }

  /** One answer per DEPOSIT frame, in order; up to MAX_PIPELINED_DEPOSITS are processed at once (the stream is paused beyond that). */
  private async deposits (first: ClientFrame, frames: FrameStream, stream: Stream, connection: Connection): Promise<void> {
    // the depositing peer is seen here anyway (the connection); logged without any mailbox or envelope, for
    // operators and tests (senders deposit from short-lived identities, see docs/messaging.md)
    this.log('deposit stream from %p', connection.remotePeer)
    const writer = new FrameWriter(frames)
    let inFlight = 0
    let slot: Deferred<void> | undefined
    const writes: Array<Promise<void>> = []
    let failed: Error | undefined
    const shared: DepositStream = {}
    const queue = (frame: ClientFrame): void => {
      inFlight++
      const answer = this.depositOne(frame, connection, shared)
      const previous = writes[writes.length - 1] ?? Promise.resolve()
      const write = previous.then(async () => {
        const res = await answer
        await writer.write(encode(res))
      }).catch(err => { failed ??= err as Error }).finally(() => {
        inFlight--
        slot?.resolve()
      })
      writes.push(write)
      if (writes.length > MAX_PIPELINED_DEPOSITS * 2) writes.splice(0, writes.length - MAX_PIPELINED_DEPOSITS)
    }
    queue(first)
    while (failed == null) {
      if (inFlight >= MAX_PIPELINED_DEPOSITS) {
        // the readable end may already be closed (everything sent is buffered): then there is nothing to pause
        if (stream.readStatus === 'readable') stream.pause()
        while (inFlight >= MAX_PIPELINED_DEPOSITS && failed == null) {
          slot = deferred<void>()
          await slot.promise
        }
        if (stream.readStatus === 'paused') stream.resume()
        continue
      }
      const bytes = await withTimeout(this.timeout, undefined, async signal => await frames.read({ signal }))
      if (bytes == null) break
      queue(decodeClientFrame(bytes))
    }
    await Promise.all(writes)
    if (failed != null) throw failed
    await stream.close()
  }

  private async depositOne (frame: ClientFrame, connection: Connection, shared: DepositStream): Promise<Partial<RelayFrame>> {
    try {
      if (frame.type !== ClientFrame.Type.DEPOSIT) throw new InvalidMailboxRequestError('a deposit stream carries only DEPOSIT frames')
      const owner = ownerOf(frame)
      if (frame.envelope.length === 0) throw new InvalidMailboxRequestError('empty envelope')
      if (frame.envelope.length > MAX_ENVELOPE_BYTES) throw new EnvelopeTooLargeError(`envelopes are at most ${MAX_ENVELOPE_BYTES} bytes`)
      const id = await this.backend.deposit(owner, frame.envelope, connection.remotePeer, { stream: shared, proof: frame.proof })
      return { type: RelayFrame.Type.RESULT, status: RelayFrame.Status.OK, id }
    } catch (err) {
      const res = errorFrame(err)
      if (res.status === RelayFrame.Status.INTERNAL) this.log.error('deposit failed inside the backend - %e', err)
      return res
    }
  }

  /** OPEN → CHALLENGE → AUTH → RESULT, then the drain, DRAINED, live pushes when subscribed, and ACK answers until the owner closes. */
  private async session (open: ClientFrame, frames: FrameStream, stream: Stream, connection: Connection): Promise<void> {
    const owner = ownerOf(open)
    if (open.after.length > MAX_CURSOR_LENGTH) throw new InvalidMailboxRequestError('cursor too long')
    const nonce = systemRandom(NONCE_BYTES)
    await withTimeout(this.timeout, undefined, async signal => { await frames.write(encode({ type: RelayFrame.Type.CHALLENGE, nonce: Uint8Array.from(nonce) }), { signal }) })
    const authBytes = await withTimeout(this.timeout, undefined, async signal => await frames.read({ signal }))
    if (authBytes == null) throw new MailboxAuthError('closed before authenticating')
    const auth = decodeClientFrame(authBytes)
    if (auth.type !== ClientFrame.Type.AUTH) throw new InvalidMailboxRequestError('expected AUTH after the challenge')
    verifyAuth({
      nonce,
      relayPeerId: this.peerId.toString(),
      clientPeerId: connection.remotePeer.toString(),
      identityKey: owner.identityKey,
      deviceId: owner.deviceId,
      timestamp: Number(auth.timestamp)
    }, auth.signature, this.now())
    if (auth.deliveryKey.length > 0) {
      if (auth.deliveryKey.length !== DELIVERY_KEY_BYTES) throw new InvalidMailboxRequestError(`a delivery key is ${DELIVERY_KEY_BYTES} bytes`)
      await this.backend.setDeliveryKey?.(owner, auth.deliveryKey)
    }

    const ended = new AbortController()
    const writer = new FrameWriter(frames)
    let failure: Error | undefined
    const fail = (err: unknown): void => {
      failure ??= err as Error
      ended.abort(err)
    }
    const send = (frame: Partial<RelayFrame>): void => { writer.write(encode(frame)).catch(fail) }
    send({ type: RelayFrame.Type.RESULT, status: RelayFrame.Status.OK })

    // subscribe before the drain reads, so nothing committed in between is missed; duplicates are filtered by id
    let buffered: MailboxEntry[] | undefined = open.subscribe ? [] : undefined
    const drainedIds = new Set<string>()
    const unsubscribe = open.subscribe
      ? this.backend.subscribe(owner, entry => {
        if (buffered != null) buffered.push(entry)
        else send({ type: RelayFrame.Type.ENVELOPES, envelopes: [toWire(entry)] })
      })
      : undefined
    const keepalive = open.subscribe ? setInterval(() => { send({ type: RelayFrame.Type.KEEPALIVE }) }, this.keepaliveInterval) : undefined
    // the owner closing its end ends the session
    const acks = this.acks(owner, frames, send, open.subscribe, ended.signal).then(() => { ended.abort() }, fail)
    try {
      let cursor = open.after !== '' ? open.after : undefined
      try {
        while (!ended.signal.aborted) {
          const page = await this.backend.list(owner, cursor, MAX_PAGE_ENVELOPES, MAX_PAGE_BYTES, { signal: ended.signal })
          if (page.length === 0) break
          // each page is written before the next is read: the drain goes at the owner's pace
          await writer.write(encode({ type: RelayFrame.Type.ENVELOPES, envelopes: page.map(toWire) }))
          if (buffered != null) for (const e of page) drainedIds.add(e.id)
          cursor = page[page.length - 1].id
        }
      } catch (err) {
        if (!ended.signal.aborted) throw err
      }
      if (!ended.signal.aborted) {
        send({ type: RelayFrame.Type.DRAINED })
        const live = (buffered ?? []).filter(e => !drainedIds.has(e.id))
        buffered = undefined
        drainedIds.clear()
        if (live.length > 0) send({ type: RelayFrame.Type.ENVELOPES, envelopes: live.map(toWire) })
      }
      await acks
    } finally {
      unsubscribe?.()
      clearInterval(keepalive)
      ended.abort()
    }
    if (failure != null) throw failure
    await writer.flush()
    await stream.close()
  }

  /** Reads ACK frames until the owner closes its end; each ACK is answered with ACKED once the deletes are synced. */
  private async acks (owner: MailboxOwner, frames: FrameStream, send: (frame: Partial<RelayFrame>) => void, subscribed: boolean, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const bytes = subscribed
        ? await frames.read({ signal })
        : await withTimeout(this.sessionIdleTimeout, undefined, async idle => await frames.read({ signal: AbortSignal.any([idle, signal]) }))
      if (bytes == null) return
      const frame = decodeClientFrame(bytes)
      if (frame.type !== ClientFrame.Type.ACK) throw new InvalidMailboxRequestError('an open mailbox takes only ACK frames')
      await this.backend.ack(owner, frame.ids, { signal })
      send({ type: RelayFrame.Type.ACKED, seq: frame.seq })
    }
  }
}
