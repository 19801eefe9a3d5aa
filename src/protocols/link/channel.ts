/** One link exchange on one stream: the approver's HELLO, then sealed messages both ways with per-direction keys and counters. Knows nothing of what an account's state is. */
import type { AbortOptions, Connection, Stream } from '@libp2p/interface'
import { createLinkEphemeral, deriveLinkKeys, openLinkFrame, sealLinkFrame, type LinkOffer } from '../../crypto/link.js'
import { systemRandom, type RandomSource } from '../../crypto/deps.js'
import { frameStream, type FrameStream } from '../frames.js'
import { toDialTarget, type DialingNode } from '../request-response.js'
import { withTimeout } from '../../util/abort.js'
import { LINK_DIAL_TIMEOUT_MS, LINK_FRAME_TIMEOUT_MS, LINK_PROTOCOL, MAX_LINK_FRAME_BYTES } from './constants.js'
import { LinkBrokenError, LinkRefusedError } from './errors.js'
import { LinkFramePb, LinkMessagePb } from './pb/link.js'
import type { LinkCode } from './code.js'

export interface LinkChannelOptions extends AbortOptions {
  /** how long to wait for each frame of the other side @default LINK_FRAME_TIMEOUT_MS */
  frameTimeoutMs?: number
}

/** Both ends of an exchange, after the keys are agreed. */
export class LinkChannel {
  private sent = 0
  private received = 0

  constructor (private readonly stream: Stream, private readonly frames: FrameStream, private readonly sendKey: Uint8Array, private readonly receiveKey: Uint8Array, private readonly frameTimeoutMs: number) {}

  async send (message: Partial<LinkMessagePb>, options?: AbortOptions): Promise<void> {
    const sealed = sealLinkFrame(this.sendKey, this.sent++, LinkMessagePb.encode(message))
    try {
      await this.frames.write(LinkFramePb.encode({ type: LinkFramePb.Type.SEALED, sealed: sealed as Uint8Array<ArrayBuffer> }), options)
    } catch (err) {
      options?.signal?.throwIfAborted()
      throw new LinkBrokenError('the other device left before the link completed', { cause: err })
    }
  }

  /** The next message; LinkRefusedError when the other side gave up, LinkBrokenError when it left or the frame does not open. */
  async receive (options?: AbortOptions): Promise<LinkMessagePb> {
    let frame: Uint8Array | null
    try {
      frame = await withTimeout(this.frameTimeoutMs, options?.signal, async signal => await this.frames.read({ signal }), () => new LinkBrokenError('the other device stopped answering'))
    } catch (err) {
      options?.signal?.throwIfAborted()
      if (err instanceof LinkBrokenError) throw err
      // the other side aborted the stream: it could not open what we sent (no code, or altered on the way) or gave up
      throw new LinkBrokenError(undefined, { cause: err })
    }
    if (frame == null) throw new LinkBrokenError('the other device left before the link completed')
    let message: LinkMessagePb
    try {
      const pb = LinkFramePb.decode(frame)
      if (pb.type !== LinkFramePb.Type.SEALED) throw new Error('not sealed')
      message = LinkMessagePb.decode(openLinkFrame(this.receiveKey, this.received++, pb.sealed))
    } catch {
      throw new LinkBrokenError('the link was altered on the way or came from a device without the code')
    }
    if (message.refused != null) throw new LinkRefusedError(message.refused.length > 0 ? message.refused : undefined)
    return message
  }

  /** Tells the other side why we give up (best effort) and ends the stream. */
  async refuse (reason: string, options?: AbortOptions): Promise<void> {
    try {
      await this.send({ refused: reason }, options)
      await this.stream.close(options)
    } catch {
      this.abort()
    }
  }

  async close (options?: AbortOptions): Promise<void> {
    try {
      await this.stream.close(options)
    } catch {
      this.abort()
    }
  }

  abort (err: Error = new LinkBrokenError()): void {
    if (this.stream.status === 'open') this.stream.abort(err)
  }
}

/** The approver's side: dials the peer the code names (over any of its addresses), says HELLO and agrees the keys. */
export async function openLink (node: DialingNode & { peerId: { toMultihash: () => { bytes: Uint8Array } } }, code: LinkCode, options: LinkChannelOptions & { random?: RandomSource } = {}): Promise<LinkChannel> {
  const target = code.addrs.map(a => a.getComponents().some(c => c.name === 'p2p' && c.value === code.peerId.toString()) && a.getComponents().at(-1)?.name === 'p2p' ? a : a.encapsulate(`/p2p/${code.peerId.toString()}`))
  const unreachable = (cause?: unknown): LinkBrokenError =>
    new LinkBrokenError('the new device could not be reached: keep its link screen open, and check both are online', cause != null ? { cause } : undefined)
  let stream: Stream
  try {
    stream = await withTimeout(LINK_DIAL_TIMEOUT_MS, options.signal, async signal => await node.dialProtocol(toDialTarget(target), LINK_PROTOCOL, { signal, runOnLimitedConnection: true }), () => unreachable())
  } catch (err) {
    options.signal?.throwIfAborted()
    // a refused or failed dial says the same to the person as one that timed out (libp2p's own error is the cause)
    throw err instanceof LinkBrokenError ? err : unreachable(err)
  }
  try {
    const e = createLinkEphemeral(options.random ?? systemRandom)
    const keys = deriveLinkKeys(e.privateKey, code.ephemeralKey, { newDeviceKey: code.ephemeralKey, approverKey: e.publicKey, newPeer: code.peerId.toMultihash().bytes, approverPeer: node.peerId.toMultihash().bytes, secret: code.secret })
    e.privateKey.fill(0)
    const frames = frameStream(stream, { maxFrameBytes: MAX_LINK_FRAME_BYTES })
    await frames.write(LinkFramePb.encode({ type: LinkFramePb.Type.HELLO, ephemeralKey: e.publicKey as Uint8Array<ArrayBuffer> }), options)
    return new LinkChannel(stream, frames, keys.toNew, keys.toApprover, options.frameTimeoutMs ?? LINK_FRAME_TIMEOUT_MS)
  } catch (err) {
    stream.abort(err as Error)
    options.signal?.throwIfAborted()
    // the new device closed the stream at once (it gave up an earlier attempt, or left)
    throw new LinkBrokenError(undefined, { cause: err })
  }
}

/** The new device's side, on an inbound stream: reads HELLO and agrees the keys with the offer its code shows. */
export async function acceptLink (stream: Stream, connection: Connection, offer: LinkOffer, selfPeer: Uint8Array, options: LinkChannelOptions = {}): Promise<LinkChannel> {
  const frameTimeoutMs = options.frameTimeoutMs ?? LINK_FRAME_TIMEOUT_MS
  const frames = frameStream(stream, { maxFrameBytes: MAX_LINK_FRAME_BYTES })
  const frame = await withTimeout(frameTimeoutMs, options.signal, async signal => await frames.read({ signal }), () => new LinkBrokenError('the approving device said nothing'))
  if (frame == null) throw new LinkBrokenError('the approving device left')
  let approverKey: Uint8Array
  try {
    const pb = LinkFramePb.decode(frame)
    if (pb.type !== LinkFramePb.Type.HELLO) throw new Error('not a hello')
    approverKey = pb.ephemeralKey
  } catch {
    throw new LinkBrokenError('the approving device spoke another protocol')
  }
  let keys
  try {
    keys = deriveLinkKeys(offer.privateKey, approverKey, { newDeviceKey: offer.publicKey, approverKey, newPeer: selfPeer, approverPeer: connection.remotePeer.toMultihash().bytes, secret: offer.secret })
  } catch {
    throw new LinkBrokenError('the approving device sent an invalid key')
  }
  return new LinkChannel(stream, frames, keys.toApprover, keys.toNew, frameTimeoutMs)
}
