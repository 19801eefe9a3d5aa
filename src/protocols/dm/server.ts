/** The receiving side of /parley/dm/1.0.0: a libp2p service that reads pipelined envelope frames in order and acks each only after the backend persisted it. Knows nothing of what envelopes contain. */
import { frameStream } from '../frames.js'
import { withTimeout } from '../request-response.js'
import { ProtocolService } from '../service.js'
import {
  DM_PROTOCOL, IDLE_TIMEOUT_MS, MAX_CONCURRENT_STREAMS, MAX_ENVELOPE_BYTES, MAX_FRAMES_PER_STREAM, MAX_INBOUND_BUFFER_BYTES,
  MAX_INBOUND_STREAMS, MAX_OUTBOUND_STREAMS, MAX_REQUEST_FRAME_BYTES, RECEIVE_TIMEOUT_MS
} from './constants.js'
import { errorResponse, TooManyStreamsError } from './errors.js'
import { DmRequest, DmResponse } from './pb/dm.js'
import type { DirectBackend, DmComponents, DmServiceInit } from './index.js'
import type { Connection, PeerId, Stream } from '@libp2p/interface'

export class DmServer extends ProtocolService {
  private readonly backend: DirectBackend
  private readonly idleTimeout: number
  private readonly receiveTimeout: number
  private readonly maxFramesPerStream: number
  private readonly maxConcurrentStreams: number
  /** inbound streams being served now, over all connections */
  private active = 0

  constructor (components: DmComponents, init: DmServiceInit) {
    super(components, { protocol: DM_PROTOCOL, name: 'dm', maxInboundStreams: init.maxInboundStreams ?? MAX_INBOUND_STREAMS, maxOutboundStreams: init.maxOutboundStreams ?? MAX_OUTBOUND_STREAMS })
    this.backend = init.backend
    this.idleTimeout = init.idleTimeout ?? IDLE_TIMEOUT_MS
    this.receiveTimeout = init.receiveTimeout ?? RECEIVE_TIMEOUT_MS
    this.maxFramesPerStream = init.maxFramesPerStream ?? MAX_FRAMES_PER_STREAM
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

  /** Answers frames in order until the sender ends its side, the frame limit is reached, or something fails (thrown: the caller aborts the stream). */
  private async serve (stream: Stream, remotePeer: PeerId, closed: AbortSignal): Promise<void> {
    const frames = frameStream(stream, { maxFrameBytes: MAX_REQUEST_FRAME_BYTES, maxBufferBytes: MAX_INBOUND_BUFFER_BYTES })
    for (let n = 0; n < this.maxFramesPerStream; n++) {
      const frame = await withTimeout(this.idleTimeout, closed, async signal => await frames.read({ signal }))
      if (frame == null) break
      // a frame that is not a DmRequest throws here: the stream is aborted, nothing was handed on
      const request = DmRequest.decode(frame)
      const response = await this.answer(request.envelope, remotePeer, closed)
      await frames.write(DmResponse.encode(response), { signal: closed })
    }
    await withTimeout(this.idleTimeout, closed, async signal => { await stream.close({ signal }) })
  }

  private async answer (envelope: Uint8Array, remotePeer: PeerId, closed: AbortSignal): Promise<Partial<DmResponse>> {
    if (envelope.length === 0) return { status: DmResponse.Status.INVALID, message: 'empty envelope' }
    if (envelope.length > MAX_ENVELOPE_BYTES) return { status: DmResponse.Status.TOO_LARGE, message: `envelope exceeds ${MAX_ENVELOPE_BYTES} bytes` }
    try {
      // persist before ack: OK goes out only after the backend resolved
      await withTimeout(this.receiveTimeout, closed, async signal => { await this.backend.receive(envelope, { remotePeer, signal }) })
      return { status: DmResponse.Status.OK }
    } catch (err) {
      const res = errorResponse(err)
      // never log the envelope: only the outcome
      if (res.status === DmResponse.Status.REFUSED) this.log.error('backend refused an envelope from %p - %e', remotePeer, err)
      return res
    }
  }
}
