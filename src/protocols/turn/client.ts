/** The client side of /parley/turn/1.0.0: ask a relay for TURN credentials as one of its registered devices (REQUEST, sign the challenge, read the answer) and check what it sends. Knows nothing of calls or WebRTC. */
import { UnsupportedProtocolError, type AbortOptions, type Connection, type DialTarget, type PeerId, type Stream } from '@libp2p/interface'
import { toDialTarget, type RelayTarget } from '../request-response.js'
import { ProtocolViolationError } from '../errors.js'
import { frameStream } from '../frames.js'
import { withTimeout } from '../../util/abort.js'
import { signTurnAuth } from './auth.js'
import { checkIceServers, type IceServer } from './ice-servers.js'
import { MAX_ICE_SERVERS, MAX_ICE_URLS, MAX_TURN_FRAME_BYTES, TURN_PROTOCOL, TURN_TIMEOUT_MS } from './constants.js'
import { TurnNotOfferedError, TurnStreamClosedError, frameError } from './errors.js'
import { TurnClientFrame, TurnRelayFrame } from './pb/turn.js'
import type { IdentityKeyPair } from '../../crypto/identity.js'

/** What the client needs of a libp2p node: its peer id (signed into the challenge) and dialling. */
export interface TurnNode {
  peerId: PeerId
  dial(peer: DialTarget, options?: AbortOptions): Promise<Connection>
}

/** A device registered at the relay: its identity and device id (the relay knows it by the prekeys it uploaded there). */
export interface TurnDeviceInit {
  identity: IdentityKeyPair
  deviceId: number
  /** ms since the epoch signed into the challenge @default Date.now() */
  timestamp?: number
}

export interface TurnCallOptions extends AbortOptions {
  /** ms the whole exchange may take @default 10000 */
  timeout?: number
}

function decodeRelayFrame (bytes: Uint8Array): TurnRelayFrame {
  try {
    return TurnRelayFrame.decode(bytes, { limits: { iceServers: MAX_ICE_SERVERS, iceServers$: { urls: MAX_ICE_URLS } } })
  } catch (err) {
    throw new ProtocolViolationError(`relay sent a malformed frame: ${(err as Error).message}`)
  }
}

/** Opens the protocol's stream; a relay that does not speak it offers no TURN. */
async function openStream (node: TurnNode, relay: RelayTarget, signal: AbortSignal): Promise<{ connection: Connection, stream: Stream }> {
  const connection = await node.dial(toDialTarget(relay), { signal })
  try {
    return { connection, stream: await connection.newStream(TURN_PROTOCOL, { signal }) }
  } catch (err) {
    if (err instanceof UnsupportedProtocolError) throw new TurnNotOfferedError(`the relay does not speak ${TURN_PROTOCOL}`)
    throw err
  }
}

/**
 * Asks a relay where this device is registered (it uploaded prekeys there) for short-lived TURN credentials:
 * REQUEST → CHALLENGE → AUTH (signed over the relay's nonce, the relay's peer id, this node's peer id, the device
 * and the time) → RESULT. Resolves with the relay's ICE servers (its STUN and TURN urls with one credential each),
 * checked against the protocol's limits. Refusals: TurnUnknownDeviceError (not registered here), TurnAuthError,
 * RateLimitedError (with `retryAfterMs`), TurnNotOfferedError (no TURN at this relay, or an old relay),
 * MalformedTurnFrameError, TurnInternalError; ProtocolViolationError for an answer that breaks the protocol,
 * TurnStreamClosedError when the relay hangs up, TimeoutError after `timeout`.
 */
export async function requestTurnCredentials (node: TurnNode, relay: RelayTarget, device: TurnDeviceInit, options: TurnCallOptions = {}): Promise<IceServer[]> {
  return await withTimeout(options.timeout ?? TURN_TIMEOUT_MS, options.signal, async signal => {
    const { connection, stream } = await openStream(node, relay, signal)
    const frames = frameStream(stream, { maxFrameBytes: MAX_TURN_FRAME_BYTES })
    try {
      await frames.write(TurnClientFrame.encode({ type: TurnClientFrame.Type.REQUEST, identityKey: Uint8Array.from(device.identity.publicKey), deviceId: device.deviceId }), { signal })
      const challenge = await nextFrame(frames, signal)
      if (challenge.type === TurnRelayFrame.Type.RESULT && challenge.status !== TurnRelayFrame.Status.OK) throw frameError(challenge)
      if (challenge.type !== TurnRelayFrame.Type.CHALLENGE) throw new ProtocolViolationError('expected a CHALLENGE')
      const timestamp = device.timestamp ?? Date.now()
      const signature = signTurnAuth(device.identity, { nonce: challenge.nonce, relayPeerId: connection.remotePeer.toString(), clientPeerId: node.peerId.toString(), deviceId: device.deviceId, timestamp })
      await frames.write(TurnClientFrame.encode({ type: TurnClientFrame.Type.AUTH, timestamp: BigInt(timestamp), signature: Uint8Array.from(signature) }), { signal })
      const result = await nextFrame(frames, signal)
      if (result.type !== TurnRelayFrame.Type.RESULT) throw new ProtocolViolationError('expected a RESULT')
      if (result.status !== TurnRelayFrame.Status.OK) throw frameError(result)
      const servers: IceServer[] = result.iceServers.map(s => ({ urls: s.urls, username: s.username, credential: s.credential, expiresAt: s.expiresAt }))
      checkIceServers(servers, reason => new ProtocolViolationError(`the relay's ICE servers break the protocol: ${reason}`))
      // the answer is complete: a close that fails only loses the stream, not the credentials
      await stream.close({ signal }).catch((err: Error) => { stream.abort(err) })
      return servers
    } catch (err) {
      stream.abort(err as Error)
      throw err
    }
  })
}

/** The next frame, or TurnStreamClosedError when the relay ended the stream. */
async function nextFrame (frames: ReturnType<typeof frameStream>, signal: AbortSignal): Promise<TurnRelayFrame> {
  const bytes = await frames.read({ signal })
  if (bytes == null) throw new TurnStreamClosedError()
  return decodeRelayFrame(bytes)
}
