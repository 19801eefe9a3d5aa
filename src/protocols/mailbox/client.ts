/** The client side of /parley/mailbox/1.0.0: senders deposit envelopes (pipelined on one stream); the owner opens its mailbox, drains it, stays subscribed and acks. */
import { toDialTarget, type DialingNode, type RelayTarget } from '../request-response.js'
import { ProtocolViolationError } from '../errors.js'
import { ProgressTimer } from '../progress-timer.js'
import { signAuth } from './auth.js'
import { MAILBOX_PROTOCOL, MAX_ACK_IDS, MAX_ENVELOPE_BYTES, MAX_PAGE_ENVELOPES, MAX_RELAY_FRAME_BYTES, TIMEOUT } from './constants.js'
import { EnvelopeTooLargeError, InvalidMailboxRequestError, MailboxClosedError, frameError } from './errors.js'
import { FrameWriter, deferred, frameStream, type Deferred, type FrameStream } from '../frames.js'
import { ClientFrame, RelayFrame } from './pb/mailbox.js'
import { deliveryKey, depositProof, DELIVERY_TOKEN_BYTES } from './token.js'
import { multiaddr, isMultiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { IdentityKeyPair } from '../../crypto/identity.js'
import type { MailboxEntry } from './index.js'
import { raceSignal } from '../../util/abort.js'
import type { AbortOptions, Connection, DialTarget, PeerId, Stream } from '@libp2p/interface'

export interface MailboxCallOptions extends AbortOptions {
  /** ms without progress (no answer, no frame) before the exchange is given up @default 10000 */
  timeout?: number
}

/** One envelope for one owner device. */
export interface Deposit {
  /** the owner's 32-byte identity key */
  owner: Uint8Array
  deviceId: number
  /** sealed-sender output: opaque to the relay */
  envelope: Uint8Array
  /**
   * the owner's delivery token, learnt from the owner inside the encryption: the deposit then carries a proof
   * made from it and gets the mailbox's full quota. Without it (or when the relay's peer id is not in its
   * address) the deposit shares the mailbox's small quota for strangers.
   */
  deliveryToken?: Uint8Array
}

/** The relay's peer id as named in its address (the last /p2p/ component), or undefined when it is not named. */
export function relayPeerIdOf (relay: RelayTarget): string | undefined {
  const one = Array.isArray(relay) ? relay[0] : relay
  if (one == null) return undefined
  if (typeof one !== 'string' && !isMultiaddr(one)) return one.toString()
  try {
    const ma: Multiaddr = typeof one === 'string' ? multiaddr(one) : one
    return ma.getComponents().findLast(c => c.name === 'p2p')?.value
  } catch {
    return undefined
  }
}

/** The DEPOSIT frame's proof field for `d` at this relay: empty without a token or a known relay peer id. */
function proofFor (d: Deposit, relayPeerId: string | undefined): Uint8Array<ArrayBuffer> {
  if (d.deliveryToken == null || d.deliveryToken.length !== DELIVERY_TOKEN_BYTES || relayPeerId == null) return new Uint8Array(0)
  return Uint8Array.from(depositProof(deliveryKey(d.deliveryToken, relayPeerId), d.owner, d.deviceId, d.envelope))
}

/**
 * `ok`: stored with a synced write under `id`. `refused`: the relay (or the size check here) said
 * no and stored nothing: MailboxFullError, RateLimitedError (retryAfterMs), EnvelopeTooLargeError,
 * UnknownMailboxError, InvalidMailboxRequestError. `failed`: no answer came (the stream or relay
 * broke): it may or may not be stored; deposit again (recipients deduplicate by message id).
 */
export type DepositResult =
  | { status: 'ok', id: string }
  | { status: 'refused', error: Error }
  | { status: 'failed', error: Error }

function decodeRelayFrame (bytes: Uint8Array): RelayFrame {
  try {
    return RelayFrame.decode(bytes, { limits: { envelopes: MAX_PAGE_ENVELOPES } })
  } catch (err) {
    throw new ProtocolViolationError(`relay sent a malformed frame: ${(err as Error).message}`)
  }
}

function precheck (d: Deposit): Error | undefined {
  if (d.envelope.length > MAX_ENVELOPE_BYTES) return new EnvelopeTooLargeError(`envelopes are at most ${MAX_ENVELOPE_BYTES} bytes; this one is ${d.envelope.length}`)
  if (d.envelope.length === 0) return new InvalidMailboxRequestError('empty envelope')
  if (d.owner.length !== 32) return new InvalidMailboxRequestError('the owner identity key must be 32 bytes')
  if (!Number.isInteger(d.deviceId) || d.deviceId < 0 || d.deviceId > 0xffffffff) return new InvalidMailboxRequestError('the device id must be a uint32')
  return undefined
}

/**
 * Deposits envelopes at one relay over one stream: every frame is written at once, the relay answers
 * each in order. Never rejects: each deposit gets a result (see DepositResult).
 */
export async function depositEnvelopes (node: DialingNode, relay: RelayTarget, deposits: Deposit[], options: MailboxCallOptions = {}): Promise<DepositResult[]> {
  const results: DepositResult[] = new Array(deposits.length)
  const toSend: number[] = []
  deposits.forEach((d, i) => {
    const error = precheck(d)
    if (error != null) results[i] = { status: 'refused', error }
    else toSend.push(i)
  })
  if (toSend.length === 0) return results
  const progress = new ProgressTimer(options.timeout ?? TIMEOUT, options.signal)
  let answered = 0
  let stream: Stream | undefined
  const relayPeerId = relayPeerIdOf(relay)
  try {
    stream = await node.dialProtocol(toDialTarget(relay), MAILBOX_PROTOCOL, { signal: progress.signal })
    const frames = frameStream(stream, { maxFrameBytes: MAX_RELAY_FRAME_BYTES })
    const s = stream
    const writing = (async () => {
      for (const i of toSend) {
        const d = deposits[i]
        await frames.write(ClientFrame.encode({ type: ClientFrame.Type.DEPOSIT, identityKey: Uint8Array.from(d.owner), deviceId: d.deviceId, envelope: d.envelope as Uint8Array<ArrayBuffer>, proof: proofFor(d, relayPeerId) }), { signal: progress.signal })
      }
      await s.close({ signal: progress.signal })
    })()
    // a failed write shows up as the read failing too; keep the first error from the reads
    writing.catch(() => {})
    while (answered < toSend.length) {
      const bytes = await frames.read({ signal: progress.signal })
      if (bytes == null) throw new MailboxClosedError(`the relay closed the stream after ${answered} of ${toSend.length} answers`)
      const frame = decodeRelayFrame(bytes)
      if (frame.type !== RelayFrame.Type.RESULT) throw new ProtocolViolationError('expected a deposit RESULT')
      const i = toSend[answered++]
      results[i] = frame.status === RelayFrame.Status.OK ? { status: 'ok', id: frame.id } : { status: 'refused', error: frameError(frame) }
      progress.reset()
    }
    await writing
  } catch (err) {
    stream?.abort(err as Error)
    for (const i of toSend.slice(answered)) results[i] = { status: 'failed', error: err as Error }
  } finally {
    progress.clear()
  }
  return results
}

/** What openMailbox needs of a libp2p node: its own peer id (signed into the challenge) and a connection to the relay. */
export interface MailboxNode {
  peerId: PeerId
  dial(peer: DialTarget, options?: AbortOptions): Promise<Connection>
}

export interface OpenMailboxInit {
  identity: IdentityKeyPair
  /** @default 1 */
  deviceId?: number
  /** resume after this envelope id (the last one persisted); from the start when absent */
  after?: string
  /** after the stored envelopes, receive new ones as they are deposited @default false */
  subscribe?: boolean
  /** ms since the epoch signed into the challenge @default Date.now() */
  timestamp?: number
  /**
   * this owner's delivery token: the relay gets the delivery key derived from it for this relay (sent after the
   * challenge, stored once the signature verifies) and from then on gives deposits proven with it the full quota
   */
  deliveryToken?: Uint8Array
}

/**
 * An authenticated owner session. Iterate it for envelopes (stored ones oldest first, then live
 * ones); `drained` resolves when every envelope stored at authentication time has arrived. The
 * iterator ends after close(), and throws when the relay or the connection goes away.
 * Envelopes are queued here without bound: the relay's mailbox quota bounds them.
 */
export class MailboxSession implements AsyncIterable<MailboxEntry> {
  /** resolves once the stored envelopes (after the cursor) have all been received */
  readonly drained: Promise<void>
  private readonly drainedResolvers = deferred<void>()
  private readonly queue: MailboxEntry[] = []
  private wake: (() => void) | undefined
  private readonly pendingAcks = new Map<number, Deferred<void>>()
  private nextSeq = 1
  private ended = false
  private error: Error | undefined
  private readonly writer: FrameWriter

  constructor (private readonly stream: Stream, private readonly frames: FrameStream) {
    this.drained = this.drainedResolvers.promise
    this.drained.catch(() => {})
    this.writer = new FrameWriter(frames)
    void this.read()
  }

  /** true once the session has ended (closed by either side, or failed) */
  get closed (): boolean {
    return this.ended
  }

  private async read (): Promise<void> {
    try {
      while (true) {
        const bytes = await this.frames.read()
        if (bytes == null) break
        const frame = decodeRelayFrame(bytes)
        switch (frame.type) {
          case RelayFrame.Type.ENVELOPES:
            for (const e of frame.envelopes) this.queue.push({ id: e.id, envelope: e.envelope, receivedAt: Number(e.receivedAt) })
            this.wake?.()
            break
          case RelayFrame.Type.DRAINED:
            this.drainedResolvers.resolve()
            break
          case RelayFrame.Type.ACKED:
            this.pendingAcks.get(frame.seq)?.resolve()
            this.pendingAcks.delete(frame.seq)
            break
          case RelayFrame.Type.KEEPALIVE:
            break
          case RelayFrame.Type.RESULT:
            // a refusal after authentication (a bad ACK frame), then the relay hangs up
            throw frameError(frame)
          default:
            throw new ProtocolViolationError(`unexpected ${frame.type} frame`)
        }
      }
      this.finish(this.ended ? undefined : new MailboxClosedError('the relay ended the session'))
    } catch (err) {
      this.finish(err as Error)
    }
  }

  private finish (error?: Error): void {
    const first = !this.ended
    this.ended = true
    if (first && error != null) {
      this.error = error
      // ended by the relay or a frame we cannot take: let go of the stream (close() is a no-op from now on), so a
      // relay that still thinks the session open stops pushing to it
      this.stream.abort(error)
    }
    const reason = this.error ?? new MailboxClosedError()
    this.drainedResolvers.reject(reason)
    for (const p of this.pendingAcks.values()) p.reject(reason)
    this.pendingAcks.clear()
    this.wake?.()
  }

  async * [Symbol.asyncIterator] (): AsyncIterator<MailboxEntry> {
    while (true) {
      const next = this.queue.shift()
      if (next != null) {
        yield next
        continue
      }
      if (this.ended) {
        if (this.error != null) throw this.error
        return
      }
      await new Promise<void>(resolve => { this.wake = resolve })
      this.wake = undefined
    }
  }

  /** Envelopes received and not yet taken by the iterator. */
  get pending (): number {
    return this.queue.length
  }

  /** Asks the relay to delete these envelopes; resolves once it has (synced). Unknown ids are ignored by the relay. */
  async ack (ids: string[], options: MailboxCallOptions = {}): Promise<void> {
    for (let i = 0; i < ids.length; i += MAX_ACK_IDS) {
      if (this.ended) throw this.error ?? new MailboxClosedError()
      const seq = this.nextSeq++
      const answered = deferred<void>()
      this.pendingAcks.set(seq, answered)
      const progress = new ProgressTimer(options.timeout ?? TIMEOUT, options.signal)
      try {
        await this.writer.write(ClientFrame.encode({ type: ClientFrame.Type.ACK, seq, ids: ids.slice(i, i + MAX_ACK_IDS) }))
        await raceSignal(answered.promise, progress.signal)
      } finally {
        this.pendingAcks.delete(seq)
        progress.clear()
      }
    }
  }

  /** Ends the session: the relay stops pushing and closes its end; the iterator ends once what is queued is taken. */
  async close (options: AbortOptions = {}): Promise<void> {
    if (this.ended) return
    this.ended = true
    this.wake?.()
    try {
      await this.writer.flush()
      await this.stream.close(options)
    } catch (err) {
      this.stream.abort(err as Error)
    }
    this.finish()
  }
}

/** Opens the owner's mailbox at a relay: OPEN, sign the relay's challenge (bound to the relay, this connection's peer id, the mailbox and the time), then the session. */
export async function openMailbox (node: MailboxNode, relay: RelayTarget, init: OpenMailboxInit, options: MailboxCallOptions = {}): Promise<MailboxSession> {
  const deviceId = init.deviceId ?? 1
  const progress = new ProgressTimer(options.timeout ?? TIMEOUT, options.signal)
  let stream: Stream | undefined
  try {
    const connection = await node.dial(toDialTarget(relay), { signal: progress.signal })
    stream = await connection.newStream(MAILBOX_PROTOCOL, { signal: progress.signal })
    const frames = frameStream(stream, { maxFrameBytes: MAX_RELAY_FRAME_BYTES })
    const signal = progress.signal
    await frames.write(ClientFrame.encode({ type: ClientFrame.Type.OPEN, identityKey: Uint8Array.from(init.identity.publicKey), deviceId, after: init.after ?? '', subscribe: init.subscribe ?? false }), { signal })
    const challenge = await frames.read({ signal })
    if (challenge == null) throw new MailboxClosedError('the relay closed the stream before its challenge')
    const c = decodeRelayFrame(challenge)
    if (c.type === RelayFrame.Type.RESULT && c.status !== RelayFrame.Status.OK) throw frameError(c)
    if (c.type !== RelayFrame.Type.CHALLENGE) throw new ProtocolViolationError('expected a CHALLENGE')
    const timestamp = init.timestamp ?? Date.now()
    const signature = signAuth(init.identity, { nonce: c.nonce, relayPeerId: connection.remotePeer.toString(), clientPeerId: node.peerId.toString(), deviceId, timestamp })
    const key = init.deliveryToken != null ? Uint8Array.from(deliveryKey(init.deliveryToken, connection.remotePeer.toString())) : new Uint8Array(0)
    await frames.write(ClientFrame.encode({ type: ClientFrame.Type.AUTH, timestamp: BigInt(timestamp), signature: Uint8Array.from(signature), deliveryKey: key }), { signal })
    const result = await frames.read({ signal })
    if (result == null) throw new MailboxClosedError('the relay closed the stream during authentication')
    const r = decodeRelayFrame(result)
    if (r.type !== RelayFrame.Type.RESULT) throw new ProtocolViolationError('expected the authentication RESULT')
    if (r.status !== RelayFrame.Status.OK) throw frameError(r)
    return new MailboxSession(stream, frames)
  } catch (err) {
    stream?.abort(err as Error)
    throw err
  } finally {
    progress.clear()
  }
}
