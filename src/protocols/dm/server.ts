/** The receiving side of /parley/dm/1.0.0: a libp2p service that reads pipelined envelope frames in order, hands what is already buffered to the backend as one window, and acks each only after the backend persisted it. Knows nothing of what envelopes contain. */
import { frameStream } from '../frames.js'
import { withTimeout } from '../../util/abort.js'
import { ProtocolService } from '../service.js'
import {
  DM_PROTOCOL, IDLE_TIMEOUT_MS, MAX_CONCURRENT_STREAMS, MAX_ENVELOPE_BYTES, MAX_FRAMES_PER_STREAM, MAX_INBOUND_BUFFER_BYTES,
  MAX_INBOUND_STREAMS, MAX_OUTBOUND_STREAMS, MAX_RECEIVE_WINDOW, MAX_REQUEST_FRAME_BYTES, RECEIVE_TIMEOUT_MS
} from './constants.js'
import { DirectEnvelopeTooLargeError, errorResponse, InvalidEnvelopeError, TooManyStreamsError } from './errors.js'
import { DmRequest, DmResponse } from './pb/dm.js'
import type { DirectBackend, DmComponents, DmServiceInit } from './index.js'
import type { Connection, PeerId, Stream } from '@libp2p/interface'

export class DmServer extends ProtocolService {
  private readonly backend: DirectBackend
  private readonly idleTimeout: number
  private readonly receiveTimeout: number
  private readonly maxFramesPerStream: number
  private readonly maxReceiveWindow: number
  private readonly maxConcurrentStreams: number
  /** inbound streams being served now, over all connections */
  private active = 0

  constructor (components: DmComponents, init: DmServiceInit) {
    super(components, { protocol: DM_PROTOCOL, name: 'dm', maxInboundStreams: init.maxInboundStreams ?? MAX_INBOUND_STREAMS, maxOutboundStreams: init.maxOutboundStreams ?? MAX_OUTBOUND_STREAMS, runOnLimitedConnection: init.runOnLimitedConnection ?? true })
    this.backend = init.backend
    this.idleTimeout = init.idleTimeout ?? IDLE_TIMEOUT_MS
    this.receiveTimeout = init.receiveTimeout ?? RECEIVE_TIMEOUT_MS
    this.maxFramesPerStream = init.maxFramesPerStream ?? MAX_FRAMES_PER_STREAM
    this.maxReceiveWindow = Math.max(1, init.maxReceiveWindow ?? MAX_RECEIVE_WINDOW)
    this.maxConcurrentStreams = init.maxConcurrentStreams ?? MAX_CONCURRENT_STREAMS
  }

  /** Inbound streams being served now. */
  get activeStreams (): number {
    return this.active
  }

  protected async handle (stream: Stream, connection: Connection): Promise<void> {
    if (this.active >= this.maxConcurrentStreams) {
      stream.abort(new TooManyStreamsError())
      return
    }
    this.active++
    // fires when the stream ends for any reason, so a backend call in progress learns of it
    const closed = new AbortController()
    const onClose = (): void => { closed.abort(new Error('stream closed')) }
    stream.addEventListener('close', onClose, { once: true })
    try {
      await this.serve(stream, connection.remotePeer, closed.signal)
    } catch (err) {
      this.log('dm stream from %p aborted - %e', connection.remotePeer, err)
      stream.abort(err as Error)
    } finally {
      stream.removeEventListener('close', onClose)
      this.active--
    }
  }

  /**
   * Answers frames in order until the sender ends its side, the frame limit is reached, or something fails
   * (thrown: the caller aborts the stream). Each round waits for one frame, then takes the frames already
   * buffered behind it (up to the window) without waiting, persists them together and answers them all.
   */
  private async serve (stream: Stream, remotePeer: PeerId, closed: AbortSignal): Promise<void> {
    const frames = frameStream(stream, { maxFrameBytes: MAX_REQUEST_FRAME_BYTES, maxBufferBytes: MAX_INBOUND_BUFFER_BYTES })
    // a backend without receiveBatch persists one envelope at a time: each is answered as soon as it is done
    const maxWindow = this.backend.receiveBatch != null ? this.maxReceiveWindow : 1
    let n = 0
    let broken: Error | undefined
    while (n < this.maxFramesPerStream && broken == null) {
      const frame = await withTimeout(this.idleTimeout, closed, async signal => await frames.read({ signal }))
      if (frame == null) break
      // a frame that is not a DmRequest throws here: the stream is aborted, nothing was handed on
      const window = [DmRequest.decode(frame).envelope]
      while (window.length < maxWindow && n + window.length < this.maxFramesPerStream && frames.hasFrame()) {
        try {
          const next = await frames.read({ signal: closed })
          if (next == null) break
          window.push(DmRequest.decode(next).envelope)
        } catch (err) {
          // the frames before a bad one are still answered; then the stream is aborted
          broken = err as Error
          break
        }
      }
      n += window.length
      const responses = await this.answer(window, remotePeer, closed)
      for (const response of responses) await frames.write(DmResponse.encode(response), { signal: closed })
    }
    if (broken != null) throw broken
    await withTimeout(this.idleTimeout, closed, async signal => { await stream.close({ signal }) })
  }

  /** The answers to a window of envelopes, in order; OK only for those the backend persisted. */
  private async answer (envelopes: Uint8Array[], remotePeer: PeerId, closed: AbortSignal): Promise<Array<Partial<DmResponse>>> {
    const responses: Array<Partial<DmResponse> | undefined> = envelopes.map(envelope => {
      if (envelope.length === 0) return errorResponse(new InvalidEnvelopeError('empty envelope'))
      if (envelope.length > MAX_ENVELOPE_BYTES) return errorResponse(new DirectEnvelopeTooLargeError(`envelope exceeds ${MAX_ENVELOPE_BYTES} bytes`))
      return undefined
    })
    const todo = envelopes.filter((_, i) => responses[i] == null)
    const outcomes = await this.persist(todo, remotePeer, closed)
    let k = 0
    return responses.map(r => r ?? this.outcome(outcomes[k++], remotePeer))
  }

  /**
   * Persist before ack: the backend's window call (one timeout for the window), or one receive per envelope
   * (one timeout each) for backends without it. One outcome per envelope: undefined = persisted, else the error.
   */
  private async persist (envelopes: Uint8Array[], remotePeer: PeerId, closed: AbortSignal): Promise<unknown[]> {
    if (envelopes.length === 0) return []
    const batch = this.backend.receiveBatch?.bind(this.backend)
    if (batch != null) {
      try {
        return await withTimeout(this.receiveTimeout, closed, async signal => await batch(envelopes, { remotePeer, signal }))
      } catch (err) {
        return envelopes.map(() => err)
      }
    }
    const out: unknown[] = []
    for (const envelope of envelopes) {
      try {
        await withTimeout(this.receiveTimeout, closed, async signal => { await this.backend.receive(envelope, { remotePeer, signal }) })
        out.push(undefined)
      } catch (err) {
        out.push(err)
      }
    }
    return out
  }

  private outcome (err: unknown, remotePeer: PeerId): Partial<DmResponse> {
    if (err == null) return { status: DmResponse.Status.OK }
    const res = errorResponse(err)
    // never log the envelope: only the outcome
    if (res.status === DmResponse.Status.REFUSED) this.log.error('backend refused an envelope from %p - %e', remotePeer, err)
    return res
  }
}
