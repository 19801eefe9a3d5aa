/** One length-prefixed protobuf request and one response per stream, for both ends: per-stream timeout, max frame size, abort on bad input; and the service scaffolding every such server shares. */
import { TimeoutError } from '@libp2p/interface'
import { ProtocolService, type ProtocolComponents, type ProtocolServiceInit } from './service.js'
import { lpStream } from '@libp2p/utils'
import { withTimeout } from '../util/abort.js'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { AbortOptions, Connection, DialTarget, PeerId, Stream } from '@libp2p/interface'

/** A protons message codec. */
export interface Codec<T> {
  encode(obj: Partial<T>): Uint8Array
  decode(buf: Uint8Array): T
}

/** What the client helpers need of a libp2p node. */
export interface DialingNode {
  dialProtocol(peer: DialTarget, protocols: string | string[], options?: DialProtocolOptions): Promise<Stream>
}

/** Options of a protocol dial: `runOnLimitedConnection` lets the stream run over a relay's limited circuit. */
export interface DialProtocolOptions extends AbortOptions {
  runOnLimitedConnection?: boolean
}

/** A relay given as a peer id (already known), multiaddr(s) or multiaddr string(s). */
export type RelayTarget = PeerId | Multiaddr | Multiaddr[] | string | string[]

export function toDialTarget (target: RelayTarget): DialTarget {
  if (typeof target === 'string') return multiaddr(target)
  if (Array.isArray(target)) return target.map(t => typeof t === 'string' ? multiaddr(t) : t)
  return target
}

export interface ServeInit<Req, Res> {
  request: Codec<Req>
  response: Codec<Res>
  maxMessageSize: number
  timeout: number
  handle(request: Req, connection: Connection, options: AbortOptions): Promise<Partial<Res>>
  onError?(err: unknown): void
}

/**
 * Inbound side: reads one request within `timeout`, answers it, closes. A malformed or oversize
 * frame, a timeout or a handler crash aborts the stream (the handler maps expected refusals to
 * typed responses itself, so only real failures get here).
 */
async function serveOne<Req, Res> (stream: Stream, connection: Connection, init: ServeInit<Req, Res>): Promise<void> {
  const controller = new AbortController()
  const timer = setTimeout(() => {
    const err = new TimeoutError('request timed out')
    controller.abort(err)
    stream.abort(err)
  }, init.timeout)
  try {
    const frames = lpStream(stream, { maxDataLength: init.maxMessageSize })
    const request = init.request.decode((await frames.read({ signal: controller.signal })).subarray())
    const response = await init.handle(request, connection, { signal: controller.signal })
    await frames.write(init.response.encode(response), { signal: controller.signal })
    await stream.close({ signal: controller.signal })
  } catch (err) {
    init.onError?.(err)
    stream.abort(err as Error)
  } finally {
    clearTimeout(timer)
  }
}

export interface CallInit<Req, Res> {
  protocol: string
  request: Codec<Req>
  response: Codec<Res>
  maxMessageSize: number
  timeout: number
}

/** Outbound side: opens a stream, sends one request, reads one response; aborts the stream on any failure. */
export async function callOnce<Req, Res> (node: DialingNode, target: RelayTarget, message: Partial<Req>, init: CallInit<Req, Res>, options: AbortOptions = {}): Promise<Res> {
  return await withTimeout(init.timeout, options.signal, async signal => {
    const stream = await node.dialProtocol(toDialTarget(target), init.protocol, { signal })
    try {
      const frames = lpStream(stream, { maxDataLength: init.maxMessageSize })
      await frames.write(init.request.encode(message), { signal })
      const response = init.response.decode((await frames.read({ signal })).subarray())
      await stream.close({ signal })
      return response
    } catch (err) {
      stream.abort(err as Error)
      throw err
    }
  })
}

/** The parts of libp2p a request/response service uses. */
export type RequestResponseComponents = ProtocolComponents

/** What a request/response service is: its protocol, framing, limits, and how a refusal becomes a response. */
export interface RequestResponseServiceInit<Req, Res> extends ProtocolServiceInit {
  request: Codec<Req>
  response: Codec<Res>
  maxMessageSize: number
  /** ms one inbound exchange may take before the stream is aborted */
  timeout: number
  /**
   * The typed response for an error thrown by `answer` (a refusal, or a crash mapped to an internal
   * status); `internal` marks the crashes, which are logged as errors (never with the request's content).
   */
  errorResponse(err: unknown): { response: Partial<Res>, internal: boolean }
}

/**
 * A libp2p service answering one request per stream with `answer`: registers the protocol with its
 * stream limits on start, unregisters on stop, runs each stream through serveOne, turns whatever
 * `answer` throws into a typed response, and logs aborted streams at debug level.
 */
export abstract class RequestResponseService<Req, Res> extends ProtocolService {
  private readonly rr: RequestResponseServiceInit<Req, Res>

  constructor (components: RequestResponseComponents, init: RequestResponseServiceInit<Req, Res>) {
    super(components, init)
    this.rr = init
  }

  /** The response to one decoded request; refusals are thrown (as errors `errorResponse` knows). */
  protected abstract answer (request: Req, connection: Connection, options: AbortOptions): Promise<Partial<Res>>

  protected async handle (stream: Stream, connection: Connection): Promise<void> {
    await serveOne(stream, connection, {
      request: this.rr.request,
      response: this.rr.response,
      maxMessageSize: this.rr.maxMessageSize,
      timeout: this.rr.timeout,
      handle: async (request, conn, options) => {
        try {
          return await this.answer(request, conn, options)
        } catch (err) {
          const { response, internal } = this.rr.errorResponse(err)
          if (internal) this.log.error('%s request failed inside the backend - %e', this.rr.name, err)
          return response
        }
      },
      onError: err => { this.log('%s stream from %p aborted - %e', this.rr.name, connection.remotePeer, err) }
    })
  }
}
