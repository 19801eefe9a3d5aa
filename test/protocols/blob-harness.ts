/**
 * In-memory harness for /parley/blob/1.0.0 tests: a BlobServer whose handler is called with one end of `streamPair()`
 * (no TCP, no libp2p node) over the relay's blob store in memory (or any backend), client nodes whose dials open such
 * streams (each kept, so a test can cut them), a raw frame peer for hand-written clients, blobs of chunks to upload,
 * and a bounded wait.
 */
import { streamPair } from '@libp2p/utils'
import type { Connection, PeerId, Stream, StreamHandler } from '@libp2p/interface'
import { BlobServer } from '../../src/protocols/blob/server.js'
import { blobChunkHash, blobIdOf, blobChunkCount, type BlobBackend, type BlobNode, type BlobServerInit, type BlobDeviceInit } from '../../src/protocols/blob/index.js'
import { signBlobAuth } from '../../src/protocols/blob/auth.js'
import { MAX_BLOB_FRAME_BYTES } from '../../src/protocols/blob/constants.js'
import { ClientFrame, RelayFrame } from '../../src/protocols/blob/pb/blob.js'
import { frameStream, type FrameStream } from '../../src/protocols/frames.js'
import { openMemoryBlobStore, type MemoryBlobStoreInit, type RelayBlobStore } from '../../relay-node/src/blob-store/index.js'
import type { IdentityKeyPair } from '../../src/crypto/identity.js'
import { newPeerId, recordingLogger } from './mailbox-harness.js'

/** Settles with `p`, or fails after `ms` (a bound on waiting for an event, never a means of synchronising). */
export async function within<T> (p: Promise<T>, ms = 10_000, what = 'the operation'): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    return await Promise.race([p, new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`${what} did not settle in ${ms} ms`)) }, ms) })])
  } finally {
    clearTimeout(timer)
  }
}

/** Lets `n` turns of the event loop pass (setImmediate: no timer), for checking that something did not happen meanwhile. */
export async function turns (n = 50): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>(resolve => { setImmediate(resolve) })
}

/** Resolves once the stream is closed or reset (its 'close' event), within `ms`. */
export async function streamEnd (stream: Stream, ms = 10_000): Promise<string> {
  if (stream.status === 'open' || stream.status === 'closing') {
    await within(new Promise(resolve => { stream.addEventListener('close', resolve, { once: true }) }), ms, 'the end of the stream')
  }
  return stream.status
}

/** A blob of random-looking bytes cut into chunks, with its id as the relay will compute it. */
export interface TestBlob {
  bytes: Uint8Array
  chunkBytes: number
  totalBytes: number
  totalChunks: number
  chunks: Uint8Array[]
  blobId: Uint8Array
  /** chunk(i) for uploadBlob, recording each index asked for in `asked` */
  source: (asked?: number[]) => (index: number) => Promise<Uint8Array>
}

export function testBlob (totalBytes: number, chunkBytes: number, seed = 1): TestBlob {
  const bytes = new Uint8Array(totalBytes)
  let x = seed * 2654435761 >>> 0
  for (let i = 0; i < totalBytes; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    bytes[i] = x >>> 24
  }
  const totalChunks = blobChunkCount(totalBytes, chunkBytes)
  const chunks = Array.from({ length: totalChunks }, (_, i) => bytes.subarray(i * chunkBytes, Math.min(totalBytes, (i + 1) * chunkBytes)))
  return {
    bytes,
    chunkBytes,
    totalBytes,
    totalChunks,
    chunks,
    blobId: blobIdOf(chunkBytes, totalBytes, chunks.map(blobChunkHash)),
    source: (asked) => async (index) => { asked?.push(index); return chunks[index] }
  }
}

export interface BlobRelay {
  server: BlobServer
  store: RelayBlobStore
  backend: BlobBackend
  logger: ReturnType<typeof recordingLogger>
  relayPeerId: PeerId
  /** the client ends of every stream opened so far, in order */
  streams: Stream[]
  /** handler calls so far, each settling when the server is done with that stream */
  handled: Array<Promise<void>>
  /** a new stream to the relay from `remotePeer`: the server's handler runs on the other end */
  connect: (remotePeer: PeerId) => Promise<{ client: Stream, server: Stream, done: Promise<void> }>
  /** a client node with a fresh peer id (or the one given), each dial a connection whose streams reach this relay */
  node: (peerId?: PeerId) => Promise<BlobNode>
  stop: () => Promise<void>
}

export interface BlobRelayInit {
  server?: Partial<BlobServerInit>
  store?: MemoryBlobStoreInit
  /** wraps the store (a test's own behaviour in front of it) */
  wrap?: (store: RelayBlobStore) => BlobBackend
}

const RELAXED = [{ max: 1_000_000, windowMs: 60_000 }]

/** A started BlobServer over the relay's blob store in memory. */
export async function startBlobRelay (init: BlobRelayInit = {}): Promise<BlobRelay> {
  const logger = recordingLogger()
  const relayPeerId = await newPeerId()
  const store = await openMemoryBlobStore({ ...init.store, limits: { downloadsPerPeer: RELAXED, touchesPerPeer: RELAXED, ...init.store?.limits } })
  const backend = init.wrap?.(store) ?? store
  let handler: StreamHandler | undefined
  const relay: BlobRelay = {
    server: undefined as unknown as BlobServer,
    store,
    backend,
    logger,
    relayPeerId,
    streams: [],
    handled: [],
    connect: async (remotePeer) => {
      if (handler == null) throw new Error('not started')
      const [client, server] = await streamPair()
      const done = Promise.resolve(handler(server, { remotePeer } as unknown as Connection))
      relay.streams.push(client)
      relay.handled.push(done)
      return { client, server, done }
    },
    node: async (id) => {
      const peerId = id ?? await newPeerId()
      return {
        peerId,
        dial: async () => ({ remotePeer: relayPeerId, newStream: async () => (await relay.connect(peerId)).client }) as unknown as Connection
      }
    },
    stop: async () => {
      await relay.server.stop()
      await store.close()
    }
  }
  relay.server = new BlobServer({
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
  /** the next relay frame, or null at the relay's clean end */
  next: () => Promise<RelayFrame | null>
}

/** A hand-written client on one stream end. */
export function rawPeer (stream: Stream): RawPeer {
  const frames = frameStream(stream, { maxFrameBytes: MAX_BLOB_FRAME_BYTES, maxBufferBytes: 64 * 1024 * 1024 })
  return {
    ...frames,
    send: async frame => { await frames.write(ClientFrame.encode(frame)) },
    next: async () => { const b = await within(frames.read(), 10_000, 'the next relay frame'); return b == null ? null : RelayFrame.decode(b) }
  }
}

/** UPLOAD → CHALLENGE → AUTH by hand, signed by `device` over what the relay and connection are: resolves with the relay's answer (READY or a RESULT). */
export async function rawUpload (relay: BlobRelay, device: BlobDeviceInit, upload: { uploadId: Uint8Array, totalBytes: number, chunkBytes: number }, me?: PeerId): Promise<{ p: RawPeer, client: Stream, done: Promise<void>, answer: RelayFrame | null, me: PeerId }> {
  const peer = me ?? await newPeerId()
  const { client, done } = await relay.connect(peer)
  const p = rawPeer(client)
  await p.send({ type: ClientFrame.Type.UPLOAD, identityKey: Uint8Array.from(device.identity.publicKey), deviceId: device.deviceId, uploadId: Uint8Array.from(upload.uploadId), totalBytes: upload.totalBytes, chunkBytes: upload.chunkBytes })
  const challenge = await p.next()
  if (challenge?.type !== RelayFrame.Type.CHALLENGE) return { p, client, done, answer: challenge, me: peer }
  const timestamp = Date.now()
  const signature = signBlobAuth(device.identity, { nonce: challenge.nonce, relayPeerId: relay.relayPeerId.toString(), clientPeerId: peer.toString(), deviceId: device.deviceId, timestamp })
  await p.send({ type: ClientFrame.Type.AUTH, timestamp: BigInt(timestamp), signature: Uint8Array.from(signature) })
  return { p, client, done, answer: await p.next(), me: peer }
}

/** A device: an identity and device id 1. */
export function device (identity: IdentityKeyPair, deviceId = 1): BlobDeviceInit {
  return { identity, deviceId }
}

/** Every chunk of a download, concatenated. */
export async function collect (download: AsyncIterable<{ index: number, data: Uint8Array }>): Promise<{ bytes: Uint8Array, indexes: number[] }> {
  const parts: Uint8Array[] = []
  const indexes: number[] = []
  for await (const { index, data } of download) {
    indexes.push(index)
    parts.push(Uint8Array.from(data))
  }
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) { bytes.set(p, at); at += p.length }
  return { bytes, indexes }
}
