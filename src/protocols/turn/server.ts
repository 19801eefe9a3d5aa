/** The relay's inbound side of /parley/turn/1.0.0: the device's signed challenge, then the backend's credentials, checked and sent; refusals answered with their status. Knows nothing of how credentials are made or which TURN server takes them. */
import { systemRandom } from '../../crypto/deps.js'
import { withTimeout } from '../../util/abort.js'
import { ProtocolService } from '../service.js'
import { frameStream, type FrameStream } from '../frames.js'
import { NONCE_BYTES } from '../owner-auth.js'
import { verifyTurnAuth } from './auth.js'
import { checkIceServers, type IceServer } from './ice-servers.js'
import { MAX_INBOUND_STREAMS, MAX_OUTBOUND_STREAMS, MAX_TURN_FRAME_BYTES, TURN_PROTOCOL, TURN_TIMEOUT_MS } from './constants.js'
import { MalformedTurnFrameError, RateLimitedError, TurnInternalError, TurnServiceError, TurnStreamClosedError, errorFrame } from './errors.js'
import { TurnClientFrame, TurnRelayFrame } from './pb/turn.js'
import type { TurnBackend, TurnComponents, TurnOwner, TurnServerInit } from './index.js'
import type { Connection, Stream } from '@libp2p/interface'

/** An Ed25519 identity public key. */
const IDENTITY_KEY_BYTES = 32

/** ms the relay gives a refusal frame to go out before it resets the stream instead. */
const REFUSAL_WRITE_MS = 1000

function decodeClientFrame (bytes: Uint8Array): TurnClientFrame {
  try {
    return TurnClientFrame.decode(bytes)
  } catch (err) {
    throw new MalformedTurnFrameError(`malformed frame: ${(err as Error).message}`)
  }
}

/** A uint64 from the wire as a number; values past 2^53 become Infinity, which the clock check refuses. */
const toNumber = (n: bigint): number => n > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(n)

/** A refusal the client is told about (anything else resets the stream). */
const isRefusal = (err: unknown): err is Error => err instanceof TurnServiceError || err instanceof RateLimitedError

export class TurnServer extends ProtocolService {
  /** our own peer id: signed into every device's challenge */
  private readonly peerId: TurnComponents['peerId']
  private readonly backend: TurnBackend
  private readonly timeout: number
  private readonly now: () => number

  constructor (components: TurnComponents, init: TurnServerInit) {
    super(components, { protocol: TURN_PROTOCOL, name: 'turn', maxInboundStreams: init.maxInboundStreams ?? MAX_INBOUND_STREAMS, maxOutboundStreams: init.maxOutboundStreams ?? MAX_OUTBOUND_STREAMS })
    this.peerId = components.peerId
    this.backend = init.backend
    this.timeout = init.timeout ?? TURN_TIMEOUT_MS
    this.now = init.now ?? Date.now
  }

  /**
   * One exchange per stream, within the timeout. A refusal (a TurnServiceError or RateLimitedError) is answered with
   * its RESULT and the stream closed; anything else (a timeout, an oversize or truncated frame, a broken stream)
   * aborts it.
   */
  protected async handle (stream: Stream, connection: Connection): Promise<void> {
    const frames = frameStream(stream, { maxFrameBytes: MAX_TURN_FRAME_BYTES })
    try {
      await withTimeout(this.timeout, undefined, async signal => {
        await this.exchange(frames, connection, signal)
        await stream.close({ signal })
      })
    } catch (err) {
      this.log('turn stream from %p ended - %s', connection.remotePeer, (err as Error).message)
      if (isRefusal(err)) {
        this.backend.refused?.(err)
        try {
          await withTimeout(REFUSAL_WRITE_MS, undefined, async signal => { await frames.write(TurnRelayFrame.encode(errorFrame(err)), { signal }); await stream.close({ signal }) })
          return
        } catch {
          // the client is gone or not reading: the stream is aborted below
        }
      }
      stream.abort(err as Error)
    }
  }

  /** REQUEST → CHALLENGE → AUTH → RESULT with the ICE servers (nothing when the client closed before asking). */
  private async exchange (frames: FrameStream, connection: Connection, signal: AbortSignal): Promise<void> {
    const first = await frames.read({ signal })
    if (first == null) return
    const request = decodeClientFrame(first)
    if (request.type !== TurnClientFrame.Type.REQUEST) throw new MalformedTurnFrameError('a stream starts with REQUEST')
    if (request.identityKey.length !== IDENTITY_KEY_BYTES) throw new MalformedTurnFrameError(`the identity key must be ${IDENTITY_KEY_BYTES} bytes`)
    const owner: TurnOwner = { identityKey: request.identityKey, deviceId: request.deviceId }
    const nonce = systemRandom(NONCE_BYTES)
    await frames.write(TurnRelayFrame.encode({ type: TurnRelayFrame.Type.CHALLENGE, nonce: Uint8Array.from(nonce) }), { signal })
    const second = await frames.read({ signal })
    if (second == null) throw new TurnStreamClosedError('the client closed the stream before authenticating')
    const auth = decodeClientFrame(second)
    if (auth.type !== TurnClientFrame.Type.AUTH) throw new MalformedTurnFrameError('expected AUTH after the challenge')
    verifyTurnAuth({
      nonce,
      relayPeerId: this.peerId.toString(),
      clientPeerId: connection.remotePeer.toString(),
      identityKey: owner.identityKey,
      deviceId: owner.deviceId,
      timestamp: toNumber(auth.timestamp)
    }, auth.signature, this.now())
    const servers = await this.issue(owner, connection, signal)
    await frames.write(TurnRelayFrame.encode({ type: TurnRelayFrame.Type.RESULT, status: TurnRelayFrame.Status.OK, iceServers: servers }), { signal })
    this.log('turn credentials for %p', connection.remotePeer)
  }

  /**
   * The backend's credentials, checked against the protocol's limits. Its refusals pass as they are; anything else
   * it throws (or servers that break the limits) is logged here and answered as TurnInternalError, so no detail of
   * the relay's inside leaks.
   */
  private async issue (owner: TurnOwner, connection: Connection, signal: AbortSignal): Promise<IceServer[]> {
    try {
      const servers = await this.backend.issue(owner, connection.remotePeer, { signal })
      checkIceServers(servers, reason => new TurnInternalError(`the backend's ICE servers break the protocol: ${reason}`))
      return servers
    } catch (err) {
      if (isRefusal(err) && !(err instanceof TurnInternalError)) throw err
      this.log.error('turn credentials failed inside the backend - %e', err)
      throw new TurnInternalError()
    }
  }
}
