/** The sending side of /parley/dm/1.0.0: one stream to a recipient device, envelopes pipelined with answers matched in order. Knows nothing of outboxes or mailboxes (the caller falls back to those). */
import { frameStream, type FrameStream } from '../frames.js'
import { ProtocolViolationError } from '../errors.js'
import { toDialTarget, type DialingNode } from '../request-response.js'
import { raceSignal, withTimeout } from '../../util/abort.js'
import {
  DIRECT_DIAL_TIMEOUT_MS, DM_PROTOCOL, MAX_ENVELOPE_BYTES, MAX_FRAMES_PER_STREAM, MAX_IN_FLIGHT_BYTES, MAX_IN_FLIGHT_FRAMES,
  MAX_RESPONSE_FRAME_BYTES, SEND_TIMEOUT_MS
} from './constants.js'
import { DirectChannelClosedError } from './errors.js'
import { DmRequest, DmResponse } from './pb/dm.js'
import { isPeerId, type AbortOptions, type Connection, type PeerId, type Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** The recipient's answer to one envelope; only 'ok' means the device persisted it. */
export type DirectStatus = 'ok' | 'refused' | 'invalid' | 'too-large' | 'rate-limited'

export interface DirectResult {
  status: DirectStatus
  /** the recipient's reason ('' for ok) */
  message: string
  /** rate-limited: ms until a send may succeed */
  retryAfterMs: number
}

/** sendDirect's result per envelope: an answer, or 'unanswered' when the stream broke first (the device may or may not have it). */
export type DirectSendResult = DirectResult | { status: 'unanswered', message: string, retryAfterMs: 0 }

/** A recipient device: its peer id (when the node knows its addresses) or its multiaddrs. */
export type DirectTarget = PeerId | Multiaddr | Multiaddr[]

export interface DirectChannelOptions extends AbortOptions {
  /** ms to reach the device before giving up @default 5000 */
  dialTimeout?: number
  /** ms to wait for the answer to one frame once written; past it the channel breaks @default 30000 */
  sendTimeout?: number
  /**
   * allow the stream over a limited connection (a relay's circuit, with its data and time caps): for a
   * few small frames such as typing; bulk mail should wait for a direct connection or use a mailbox
   * @default false
   */
  runOnLimitedConnection?: boolean
}

export interface DirectChannel {
  /**
   * Sends one envelope; concurrent calls are pipelined and written in call order. Resolves with the
   * recipient's answer. Rejects with DirectChannelClosedError when the channel is closed, used up
   * (MAX_FRAMES_PER_STREAM sends) or its stream broke before the answer, with AbortError/TimeoutError
   * when the caller gave up (the envelope may still have arrived).
   */
  send (envelope: Uint8Array, options?: AbortOptions): Promise<DirectResult>
  /** Stops new sends, waits for the answers still due, and ends the stream. */
  close (options?: AbortOptions): Promise<void>
  /** Breaks the channel at once; unanswered sends reject with DirectChannelClosedError. */
  abort (err?: Error): void
  /** True once close() or abort() was called, the channel is used up, or its stream ended. */
  readonly closed: boolean
  /** Sends not answered yet. */
  readonly inFlight: number
  /** the id of the connection the stream runs on, when known */
  readonly connectionId?: string
}

/** A node that lists its open connections (a libp2p node does): channels to a peer then open on the newest one. */
export interface ConnectionListingNode {
  getConnections(peerId?: PeerId): Connection[]
}

function listsConnections (node: unknown): node is ConnectionListingNode {
  return typeof (node as Partial<ConnectionListingNode>).getConnections === 'function'
}

/**
 * The most recently opened usable connection to `peerId` (limited circuits only when allowed), else undefined.
 * A peer that reloaded its page or changed network reaches us over a new connection while the old one can
 * stay "open" until ICE or TCP gives up; libp2p's own choice is the oldest, so a reply written there hangs.
 */
export function newestConnection (node: unknown, peerId: PeerId, options: { runOnLimitedConnection?: boolean } = {}): Connection | undefined {
  if (!listsConnections(node)) return undefined
  let newest: Connection | undefined
  for (const c of node.getConnections(peerId)) {
    if (c.status !== 'open' || (c.limits != null && options.runOnLimitedConnection !== true)) continue
    if (newest == null || c.timeline.open > newest.timeline.open) newest = c
  }
  return newest
}

const STATUS: Record<DmResponse.Status, DirectStatus> = {
  [DmResponse.Status.OK]: 'ok',
  [DmResponse.Status.REFUSED]: 'refused',
  [DmResponse.Status.INVALID]: 'invalid',
  [DmResponse.Status.TOO_LARGE]: 'too-large',
  [DmResponse.Status.RATE_LIMITED]: 'rate-limited'
}

interface Pending {
  size: number
  resolve(result: DirectResult): void
  reject(err: Error): void
}

class Channel implements DirectChannel {
  private readonly frames: FrameStream
  /** written, waiting for their answer, in write order */
  private readonly pending: Pending[] = []
  /** answers not settled yet, including sends still waiting to be written */
  private readonly answers = new Set<Promise<DirectResult>>()
  /** sends waiting for room in the in-flight window */
  private readonly waiting: Array<() => void> = []
  private writeTail: Promise<void> = Promise.resolve()
  private bytesInFlight = 0
  private sent = 0
  private ended = false
  private failure: Error | undefined
  private readonly reader: Promise<void>
  private readonly stop = new AbortController()

  constructor (private readonly stream: Stream, private readonly sendTimeout: number, readonly connectionId?: string) {
    this.frames = frameStream(stream, { maxFrameBytes: MAX_RESPONSE_FRAME_BYTES, maxBufferBytes: 64 * MAX_RESPONSE_FRAME_BYTES })
    this.reader = this.readAnswers()
  }

  get closed (): boolean {
    return this.ended || this.failure != null || this.sent >= MAX_FRAMES_PER_STREAM
  }

  get inFlight (): number {
    return this.pending.length
  }

  private async readAnswers (): Promise<void> {
    try {
      while (true) {
        const frame = await this.frames.read({ signal: this.stop.signal })
        if (frame == null) {
          if (this.ended && this.pending.length === 0) return
          break
        }
        const next = this.pending.shift()
        if (next == null) throw new ProtocolViolationError('answer without a request')
        const res = DmResponse.decode(frame)
        const status = STATUS[res.status]
        if (status == null) throw new ProtocolViolationError('unknown dm status')
        this.bytesInFlight -= next.size
        this.wake()
        next.resolve({ status, message: res.message, retryAfterMs: res.retryAfterMs })
      }
      this.fail(new DirectChannelClosedError('the recipient ended the stream'))
    } catch (err) {
      this.fail(err instanceof DirectChannelClosedError ? err : new DirectChannelClosedError(`the stream broke: ${(err as Error).message}`))
    }
  }

  /** Breaks the channel: every unanswered send rejects, the stream is aborted. */
  private fail (err: Error): void {
    if (this.failure != null) return
    this.failure = err
    this.stop.abort(err)
    for (const p of this.pending.splice(0)) p.reject(err)
    this.wake()
    if (this.stream.status === 'open') this.stream.abort(err)
  }

  private wake (): void {
    for (const w of this.waiting.splice(0)) w()
  }

  private hasRoom (size: number): boolean {
    return this.pending.length === 0 || (this.pending.length < MAX_IN_FLIGHT_FRAMES && this.bytesInFlight + size <= MAX_IN_FLIGHT_BYTES)
  }

  async send (envelope: Uint8Array, options: AbortOptions = {}): Promise<DirectResult> {
    if (this.failure != null) throw this.failure
    if (this.ended) throw new DirectChannelClosedError()
    if (this.sent >= MAX_FRAMES_PER_STREAM) throw new DirectChannelClosedError('the channel is used up; open a new one')
    if (envelope.length > MAX_ENVELOPE_BYTES) return { status: 'too-large', message: `envelope exceeds ${MAX_ENVELOPE_BYTES} bytes`, retryAfterMs: 0 }
    options.signal?.throwIfAborted()
    this.sent++
    const frame = DmRequest.encode({ envelope: envelope as Uint8Array<ArrayBuffer> })
    const answer = new Promise<DirectResult>((resolve, reject) => {
      // writes are chained, so pending order is write order
      this.writeTail = this.writeTail.then(async () => {
        while (!this.hasRoom(frame.length) && this.failure == null) await new Promise<void>(resolve => this.waiting.push(resolve))
        if (this.failure != null) { reject(this.failure); return }
        if (options.signal?.aborted === true) { reject(options.signal.reason); return }
        this.pending.push({ size: frame.length, resolve, reject })
        this.bytesInFlight += frame.length
        try {
          await this.frames.write(frame, { signal: this.stop.signal })
        } catch (err) {
          this.fail(new DirectChannelClosedError(`the stream broke: ${(err as Error).message}`))
        }
      })
    })
    // the answer keeps its place in the pipeline even when this caller stops waiting
    this.answers.add(answer)
    answer.catch(() => undefined).finally(() => this.answers.delete(answer))
    return await withTimeout(this.sendTimeout, options.signal, async signal => await raceSignal(answer, signal), cause => {
      // our own timeout means the recipient stalled: the pipeline is unusable
      this.fail(new DirectChannelClosedError('no answer in time'))
      return cause as Error
    })
  }

  async close (options: AbortOptions = {}): Promise<void> {
    if (this.ended) return
    this.ended = true
    try {
      await this.writeTail
      await Promise.allSettled([...this.answers])
      if (this.failure != null) return
      await withTimeout(this.sendTimeout, options.signal, async signal => {
        await this.stream.close({ signal })
        // the recipient ends its side once it has read our end
        await raceSignal(this.reader, signal)
      })
    } catch (err) {
      this.fail(err as Error)
    }
  }

  abort (err: Error = new DirectChannelClosedError('aborted by the sender')): void {
    this.ended = true
    this.fail(err)
  }
}

/**
 * Opens a channel to a recipient device within `dialTimeout` (DIRECT_DIAL_TIMEOUT_MS); a failure here means:
 * use the mailboxes. Given a peer id, the stream opens on the newest usable connection to it (see
 * `newestConnection`), else libp2p dials.
 */
export async function openDirectChannel (node: DialingNode, target: DirectTarget, options: DirectChannelOptions = {}): Promise<DirectChannel> {
  const runOnLimitedConnection = options.runOnLimitedConnection === true
  const connection = isPeerId(target) ? newestConnection(node, target, { runOnLimitedConnection }) : undefined
  const stream = await withTimeout(options.dialTimeout ?? DIRECT_DIAL_TIMEOUT_MS, options.signal, async signal => {
    if (connection != null) return await connection.newStream(DM_PROTOCOL, { signal, runOnLimitedConnection })
    return await node.dialProtocol(toDialTarget(target), DM_PROTOCOL, { signal, runOnLimitedConnection })
  })
  const connectionId = connection?.id ?? (isPeerId(target) && listsConnections(node) ? node.getConnections(target).find(c => c.streams.includes(stream))?.id : undefined)
  return new Channel(stream, options.sendTimeout ?? SEND_TIMEOUT_MS, connectionId)
}

/**
 * Sends envelopes to one device, pipelined on as few streams as MAX_FRAMES_PER_STREAM allows,
 * and returns one result per envelope in order. Rejects only when the device cannot be reached
 * (nothing was sent); envelopes left without an answer when a stream breaks are 'unanswered'.
 */
export async function sendDirect (node: DialingNode, target: DirectTarget, envelopes: Uint8Array[], options: DirectChannelOptions = {}): Promise<DirectSendResult[]> {
  const results: DirectSendResult[] = []
  for (let start = 0; start < envelopes.length; start += MAX_FRAMES_PER_STREAM) {
    const chunk = envelopes.slice(start, start + MAX_FRAMES_PER_STREAM)
    let channel: DirectChannel
    try {
      channel = await openDirectChannel(node, target, options)
    } catch (err) {
      if (start === 0) throw err
      for (let i = 0; i < chunk.length; i++) results.push({ status: 'unanswered', message: (err as Error).message, retryAfterMs: 0 })
      continue
    }
    const settled = await Promise.allSettled(chunk.map(async e => await channel.send(e, options)))
    for (const s of settled) results.push(s.status === 'fulfilled' ? s.value : { status: 'unanswered', message: (s.reason as Error).message, retryAfterMs: 0 })
    await channel.close(options).catch(() => { channel.abort() })
  }
  return results
}
