/**
 * In-memory harness for /parley/group-mailbox/1.0.0 tests: a GroupMailboxServer whose handler is called with one end of
 * `streamPair()` (no TCP, no libp2p node) over the relay's real store on a memory key-value store (or any backend),
 * client nodes whose dials open such streams, and raw frame peers for hand-written clients and relays.
 */
import { streamPair } from '@libp2p/utils'
import type { Connection, PeerId, Stream, StreamHandler } from '@libp2p/interface'
import { GroupMailboxServer } from '../../src/protocols/group-mailbox/server.js'
import { groupDepositCheck, type GroupMailboxBackend, type GroupMailboxServerInit } from '../../src/protocols/group-mailbox/index.js'
import { signGroupMailboxAuth } from '../../src/protocols/group-mailbox/auth.js'
import { MAX_GROUP_CLIENT_FRAME_BYTES, MAX_GROUP_RELAY_FRAME_BYTES } from '../../src/protocols/group-mailbox/constants.js'
import { ClientFrame, RelayFrame } from '../../src/protocols/group-mailbox/pb/group-mailbox.js'
import { frameStream, type FrameStream } from '../../src/protocols/frames.js'
import type { DialingNode } from '../../src/protocols/request-response.js'
import type { MailboxNode } from '../../src/protocols/mailbox/client.js'
import { MemoryKeyValueStore } from '../../src/storage/index.js'
import { RelayGroupMailboxStore, type RelayGroupMailboxStoreInit } from '../../relay-node/src/group-mailbox/index.js'
import type { IdentityKeyPair } from '../../src/crypto/identity.js'
import { bounded, newPeerId, recordingLogger } from './mailbox-harness.js'

export const bytes = (n: number, fill = 1): Uint8Array<ArrayBuffer> => new Uint8Array(n).fill(fill)
export const text = (s: string): Uint8Array<ArrayBuffer> => Uint8Array.from(new TextEncoder().encode(s))
export const untext = (b: Uint8Array): string => new TextDecoder().decode(b)

/** A topic and its deposit key, as members would derive them (here: fixed bytes). */
export function topicOf (n: number): { topic: Uint8Array<ArrayBuffer>, depositKey: Uint8Array<ArrayBuffer>, depositCheck: Uint8Array<ArrayBuffer> } {
  const depositKey = bytes(32, 0x80 + n)
  return { topic: bytes(32, n), depositKey, depositCheck: Uint8Array.from(groupDepositCheck(depositKey)) }
}

export interface GroupRelay {
  server: GroupMailboxServer
  store: RelayGroupMailboxStore
  backend: GroupMailboxBackend
  logger: ReturnType<typeof recordingLogger>
  relayPeerId: PeerId
  /** handler calls so far, each settling when the server is done with that stream */
  handled: Array<Promise<void>>
  /** a new stream to the relay from `remotePeer`: the server's handler runs on the other end */
  connect: (remotePeer: PeerId) => Promise<{ client: Stream, server: Stream, done: Promise<void> }>
  /** a client node (DialingNode and MailboxNode) with a fresh peer id, each dial a new stream to this relay */
  node: () => Promise<DialingNode & MailboxNode>
  stop: () => Promise<void>
}

export interface GroupRelayInit {
  server?: Partial<GroupMailboxServerInit>
  store?: Partial<RelayGroupMailboxStoreInit>
  /** wraps the store (a test's own behaviour in front of it) */
  wrap?: (store: RelayGroupMailboxStore) => GroupMailboxBackend
}

const RELAXED = [{ max: 1_000_000, windowMs: 60_000 }]

/** A started GroupMailboxServer over the relay's store on a memory key-value store. */
export async function startGroupRelay (init: GroupRelayInit = {}): Promise<GroupRelay> {
  const logger = recordingLogger()
  const relayPeerId = await newPeerId()
  const store = new RelayGroupMailboxStore({ kv: new MemoryKeyValueStore(), ...init.store, limits: { depositsPerPeer: RELAXED, getsPerPeer: RELAXED, ...init.store?.limits } })
  const backend = init.wrap?.(store) ?? store
  let handler: StreamHandler | undefined
  const relay: GroupRelay = {
    server: undefined as unknown as GroupMailboxServer,
    store,
    backend,
    logger,
    relayPeerId,
    handled: [],
    connect: async (remotePeer) => {
      if (handler == null) throw new Error('not started')
      const [client, server] = await streamPair()
      const done = Promise.resolve(handler(server, { remotePeer } as unknown as Connection))
      relay.handled.push(done)
      return { client, server, done }
    },
    node: async () => {
      const peerId = await newPeerId()
      return {
        peerId,
        dialProtocol: async () => (await relay.connect(peerId)).client,
        dial: async () => ({ remotePeer: relayPeerId, newStream: async () => (await relay.connect(peerId)).client }) as unknown as Connection
      }
    },
    stop: async () => { await relay.server.stop() }
  }
  relay.server = new GroupMailboxServer({
    peerId: relayPeerId,
    logger,
    registrar: {
      handle: async (_protocol, h) => { handler = h },
      unhandle: async () => { handler = undefined }
    }
  }, { backend, ...init.server })
  await relay.server.start()
  return relay
}

export type RawPeer = FrameStream & {
  send: (frame: Partial<ClientFrame>) => Promise<void>
  next: () => Promise<RelayFrame | null>
}

/** A hand-written client on one stream end. */
export function rawPeer (stream: Stream, maxFrameBytes = Math.max(MAX_GROUP_CLIENT_FRAME_BYTES, MAX_GROUP_RELAY_FRAME_BYTES)): RawPeer {
  const frames = frameStream(stream, { maxFrameBytes })
  return {
    ...frames,
    send: async frame => { await frames.write(ClientFrame.encode(frame)) },
    next: async () => { const b = await bounded(frames.read(), 'the next relay frame'); return b == null ? null : RelayFrame.decode(b) }
  }
}

export type RelayEnd = FrameStream & {
  send: (frame: Partial<RelayFrame>) => Promise<void>
  next: () => Promise<ClientFrame | null>
}

/** A hand-written relay on one stream end: reads client frames, sends relay frames. */
export function relayPeer (stream: Stream, maxFrameBytes = Math.max(MAX_GROUP_CLIENT_FRAME_BYTES, MAX_GROUP_RELAY_FRAME_BYTES)): RelayEnd {
  const frames = frameStream(stream, { maxFrameBytes })
  return {
    ...frames,
    send: async frame => { await frames.write(RelayFrame.encode(frame)) },
    next: async () => { const b = await bounded(frames.read(), 'the next client frame'); return b == null ? null : ClientFrame.decode(b, { limits: { refs: 1000, registrations: 1000, topics: 1000 } }) }
  }
}

/** OPEN → CHALLENGE → AUTH → RESULT by hand, signed by `signer` (default: the identity itself) over what is given. */
export async function rawSession (relay: GroupRelay, identity: IdentityKeyPair, opts: {
  deviceId?: number
  signer?: (nonce: Uint8Array, me: PeerId) => Uint8Array
  timestamp?: number
} = {}): Promise<{ p: RawPeer, client: Stream, done: Promise<void>, result: RelayFrame, me: PeerId }> {
  const me = await newPeerId()
  const { client, done } = await relay.connect(me)
  const p = rawPeer(client)
  const deviceId = opts.deviceId ?? 1
  await p.send({ type: ClientFrame.Type.OPEN, identityKey: Uint8Array.from(identity.publicKey), deviceId })
  const challenge = (await p.next())!
  const timestamp = opts.timestamp ?? Date.now()
  const signature = opts.signer?.(challenge.nonce, me) ?? signGroupMailboxAuth(identity, { nonce: challenge.nonce, relayPeerId: relay.relayPeerId.toString(), clientPeerId: me.toString(), deviceId, timestamp })
  await p.send({ type: ClientFrame.Type.AUTH, timestamp: BigInt(timestamp), signature: Uint8Array.from(signature) })
  const result = (await p.next())!
  return { p, client, done, result, me }
}
