/**
 * In-memory harness for /parley/turn/1.0.0 tests: a TurnServer whose handler is called with one end of `streamPair()`
 * (no TCP, no libp2p node) over the relay's credential backend with a stand-in TURN server (it records what it was
 * granted), client nodes whose dials open such streams, and a raw frame peer for hand-written clients.
 */
import { streamPair } from '@libp2p/utils'
import type { Connection, PeerId, Stream, StreamHandler } from '@libp2p/interface'
import { TurnServer } from '../../src/protocols/turn/server.js'
import { MAX_TURN_FRAME_BYTES } from '../../src/protocols/turn/constants.js'
import { TurnClientFrame, TurnRelayFrame } from '../../src/protocols/turn/pb/turn.js'
import type { TurnBackend, TurnNode, TurnOwner, TurnServerInit } from '../../src/protocols/turn/index.js'
import { frameStream, type FrameStream } from '../../src/protocols/frames.js'
import { toHex } from '../../src/crypto/bytes.js'
import { RelayTurnService, type RelayTurnServiceInit } from '../../relay-node/src/turn/service.js'
import type { RelayTurnServer } from '../../relay-node/src/turn/server.js'
import type { TurnCredential } from '../../relay-node/src/turn/credentials.js'
import { newPeerId, recordingLogger } from './mailbox-harness.js'
import { within } from './blob-harness.js'

/** A TURN server that only records the credentials it is granted; `running` is the test's to switch. */
export class FakeTurnServer implements RelayTurnServer {
  readonly kind = 'embedded'
  running = true
  granted: TurnCredential[] = []
  readonly stats = {}
  grant (credential: TurnCredential): void { this.granted.push(credential) }
  async stop (): Promise<void> { this.running = false }
}

export const TEST_SECRET = 'aa'.repeat(32)
export const TEST_URLS = ['stun:127.0.0.1:3478', 'turn:127.0.0.1:3478?transport=udp']

export interface TurnRelay {
  server: TurnServer
  service: RelayTurnService
  turn: FakeTurnServer
  backend: TurnBackend
  logger: ReturnType<typeof recordingLogger>
  relayPeerId: PeerId
  /** devices registered here (by `register`) */
  register: (owner: TurnOwner) => void
  /** a new stream to the relay from `remotePeer`: the server's handler runs on the other end */
  connect: (remotePeer: PeerId) => Promise<{ client: Stream, server: Stream, done: Promise<void> }>
  /** a client node with a fresh peer id (or the one given), each dial a connection whose streams reach this relay */
  node: (peerId?: PeerId) => Promise<TurnNode>
}

export interface TurnRelayInit {
  server?: Partial<TurnServerInit>
  service?: Partial<RelayTurnServiceInit>
  /** wraps the backend (a test's own behaviour in front of it) */
  wrap?: (service: RelayTurnService) => TurnBackend
}

/** A started TurnServer over RelayTurnService with a FakeTurnServer. */
export async function startTurnRelay (init: TurnRelayInit = {}): Promise<TurnRelay> {
  const logger = recordingLogger()
  const relayPeerId = await newPeerId()
  const known = new Set<string>()
  const turn = new FakeTurnServer()
  const service = new RelayTurnService({
    server: turn,
    secret: TEST_SECRET,
    urls: TEST_URLS,
    isKnownOwner: async owner => known.has(`${toHex(owner.identityKey)}/${owner.deviceId}`),
    ...init.service
  })
  const backend = init.wrap?.(service) ?? service
  let handler: StreamHandler | undefined
  const server = new TurnServer({
    peerId: relayPeerId,
    logger,
    registrar: {
      handle: async (_protocol, h) => { handler = h },
      unhandle: async () => { handler = undefined }
    }
  }, { backend, ...init.server })
  await server.start()
  const relay: TurnRelay = {
    server,
    service,
    turn,
    backend,
    logger,
    relayPeerId,
    register: owner => { known.add(`${toHex(owner.identityKey)}/${owner.deviceId}`) },
    connect: async (remotePeer) => {
      if (handler == null) throw new Error('not started')
      const [client, serverEnd] = await streamPair()
      const done = Promise.resolve(handler(serverEnd, { remotePeer } as unknown as Connection))
      return { client, server: serverEnd, done }
    },
    node: async (id) => {
      const peerId = id ?? await newPeerId()
      return {
        peerId,
        dial: async () => ({ remotePeer: relayPeerId, newStream: async () => (await relay.connect(peerId)).client }) as unknown as Connection
      }
    }
  }
  return relay
}

export type RawTurnPeer = FrameStream & {
  send: (frame: Partial<TurnClientFrame>) => Promise<void>
  /** the next relay frame, or null at the relay's clean end */
  next: () => Promise<TurnRelayFrame | null>
}

/** A hand-written client on one stream end. */
export function rawTurnPeer (stream: Stream): RawTurnPeer {
  const frames = frameStream(stream, { maxFrameBytes: MAX_TURN_FRAME_BYTES })
  return {
    ...frames,
    send: async frame => { await frames.write(TurnClientFrame.encode(frame)) },
    next: async () => { const b = await within(frames.read(), 10_000, 'the next relay frame'); return b == null ? null : TurnRelayFrame.decode(b) }
  }
}

/** A RESULT's status and message ('OK', 'AUTH_FAILED: …'), a frame's type, or 'end'. */
export const outcome = (f: TurnRelayFrame | null): string => f == null ? 'end' : f.type === TurnRelayFrame.Type.RESULT ? (f.status === TurnRelayFrame.Status.OK ? 'OK' : `${f.status}: ${f.message}`) : f.type
