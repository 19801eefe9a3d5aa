// Opening a direct channel without a network: which connection to a peer it runs on (newestConnection), the options a dial gets,
// the connection id it reports, and sendDirect's splitting into streams and its results when a device cannot be reached.
import { describe, it, expect, beforeAll } from 'vitest'
import { streamPair } from '@libp2p/utils'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import {
  DM_PROTOCOL, MAX_FRAMES_PER_STREAM, newestConnection, openDirectChannel, sendDirect, type DialingNode
} from '../../src/protocols/dm/index.js'

type DialOptions = Parameters<DialingNode['dialProtocol']>[2]

interface FakeConnection {
  id: string
  status: string
  limits?: { bytes: bigint }
  timeline: { open: number }
  streams: Stream[]
  opened: DialOptions[]
  newStream: (protocol: string, options?: DialOptions) => Promise<Stream>
}

/** A connection as a node lists it; `newStream` records its options and gives the outbound end of a fresh in-memory pair. */
function connection (id: string, open: number, extra: { status?: string, limited?: boolean } = {}): FakeConnection {
  const c: FakeConnection = {
    id,
    status: extra.status ?? 'open',
    ...(extra.limited === true ? { limits: { bytes: 1024n } } : {}),
    timeline: { open },
    streams: [],
    opened: [],
    newStream: async (protocol, options) => {
      expect(protocol).toBe(DM_PROTOCOL)
      c.opened.push(options)
      return (await streamPair())[0]
    }
  }
  return c
}

/** A node that lists `connections` for `peer` and records its dials; `onDial` decides what a dial gives. */
function listingNode (peer: PeerId, connections: FakeConnection[], onDial?: (options: DialOptions) => Promise<Stream>): DialingNode & { dials: DialOptions[], getConnections: (p?: PeerId) => Connection[] } {
  const dials: DialOptions[] = []
  return {
    dials,
    getConnections: (p?: PeerId) => (p == null || p.equals(peer) ? connections : []) as unknown as Connection[],
    dialProtocol: async (_target, protocols, options) => {
      expect(protocols).toBe(DM_PROTOCOL)
      dials.push(options)
      return onDial != null ? await onDial(options) : (await streamPair())[0]
    }
  }
}

describe('newestConnection', () => {
  let peer: PeerId
  beforeAll(async () => { peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519')) })

  const ids = (node: unknown, options?: { runOnLimitedConnection?: boolean }): string | undefined => (newestConnection(node, peer, options) as unknown as FakeConnection | undefined)?.id

  it('is undefined for a node that does not list its connections, or lists none to the peer', async () => {
    expect(newestConnection({}, peer)).toBeUndefined()
    expect(newestConnection({ getConnections: 'not a function' }, peer)).toBeUndefined()
    expect(ids(listingNode(peer, []))).toBeUndefined()
    const other = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    expect(newestConnection(listingNode(other, [connection('a', 1)]), peer)).toBeUndefined()
  })

  it('takes the most recently opened open connection, skipping closing ones and limited circuits unless allowed', () => {
    const node = listingNode(peer, [
      connection('oldest', 100),
      connection('closing', 500, { status: 'closing' }),
      connection('limited', 400, { limited: true }),
      connection('newest', 300),
      connection('middle', 200)
    ])
    expect(ids(node)).toBe('newest')
    expect(ids(node, { runOnLimitedConnection: false })).toBe('newest')
    expect(ids(node, { runOnLimitedConnection: true })).toBe('limited')
    expect(ids(listingNode(peer, [connection('only', 1)]))).toBe('only')
  })

  it('is undefined when every connection is closing, or limited and circuits are not allowed', () => {
    expect(ids(listingNode(peer, [connection('a', 1, { status: 'closed' }), connection('b', 2, { status: 'closing' })]))).toBeUndefined()
    expect(ids(listingNode(peer, [connection('a', 1, { limited: true })]))).toBeUndefined()
    expect(ids(listingNode(peer, [connection('a', 1, { limited: true })]), { runOnLimitedConnection: true })).toBe('a')
  })

  it('keeps the first of connections opened at the same time', () => {
    expect(ids(listingNode(peer, [connection('first', 7), connection('second', 7)]))).toBe('first')
    expect(ids(listingNode(peer, [connection('old', 6), connection('first', 7), connection('second', 7), connection('older', 5)]))).toBe('first')
  })
})

describe('openDirectChannel', () => {
  let peer: PeerId
  beforeAll(async () => { peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519')) })

  it('dials multiaddrs with a bounded signal; limited circuits only when asked', async () => {
    const node = listingNode(peer, [connection('unrelated', 1)])
    const addr = multiaddr('/ip4/127.0.0.1/tcp/1')
    const plain = await openDirectChannel(node, addr)
    const limited = await openDirectChannel(node, [addr], { runOnLimitedConnection: true })
    expect(node.dials).toHaveLength(2)
    expect(node.dials[0]).toEqual({ signal: expect.any(AbortSignal), runOnLimitedConnection: false })
    expect(node.dials[1]).toEqual({ signal: expect.any(AbortSignal), runOnLimitedConnection: true })
    // a multiaddr target is not looked up among the connections
    expect(plain.connectionId).toBeUndefined()
    expect(limited.connectionId).toBeUndefined()
    plain.abort()
    limited.abort()
  })

  it("the caller's abort reaches a dial in progress", async () => {
    const controller = new AbortController()
    const node = listingNode(peer, [], async options => await new Promise<Stream>((_resolve, reject) => {
      options?.signal?.addEventListener('abort', () => { reject(options.signal?.reason) })
    }))
    const opening = openDirectChannel(node, peer, { signal: controller.signal })
    const reason = new Error('the user gave up')
    expect(node.dials).toHaveLength(1)
    controller.abort(reason)
    await expect(opening).rejects.toBe(reason)
  })

  it('opens the stream on the newest open connection to a peer id, without dialling, and reports that connection', async () => {
    const old = connection('old', 1)
    const newest = connection('newest', 2)
    const node = listingNode(peer, [old, newest])
    const channel = await openDirectChannel(node, peer)
    expect(node.dials).toHaveLength(0)
    expect(old.opened).toHaveLength(0)
    expect(newest.opened).toEqual([{ signal: expect.any(AbortSignal), runOnLimitedConnection: false }])
    // reported even though the connection's own stream list does not show the new stream yet
    expect(channel.connectionId).toBe('newest')
    channel.abort()
  })

  it('uses a limited circuit to a peer only when asked, else dials', async () => {
    const circuit = connection('circuit', 1, { limited: true })
    const node = listingNode(peer, [circuit])
    const dialled = await openDirectChannel(node, peer)
    expect(node.dials).toEqual([{ signal: expect.any(AbortSignal), runOnLimitedConnection: false }])
    expect(circuit.opened).toHaveLength(0)
    expect(dialled.connectionId).toBeUndefined()
    const relayed = await openDirectChannel(node, peer, { runOnLimitedConnection: true })
    expect(node.dials).toHaveLength(1)
    expect(circuit.opened).toEqual([{ signal: expect.any(AbortSignal), runOnLimitedConnection: true }])
    expect(relayed.connectionId).toBe('circuit')
    dialled.abort()
    relayed.abort()
  })

  it('after dialling a peer id, reports the listed connection that carries the stream', async () => {
    const stale = connection('stale', 1, { status: 'closing' })
    const connections = [stale]
    const node = listingNode(peer, connections, async () => {
      const [stream] = await streamPair()
      const fresh = connection('fresh', 2)
      fresh.streams.push(stream)
      connections.push(fresh)
      return stream
    })
    const channel = await openDirectChannel(node, peer)
    expect(node.dials).toHaveLength(1)
    expect(channel.connectionId).toBe('fresh')
    channel.abort()
  })

  it('after dialling, reports no connection when none listed carries the stream, or the node lists none', async () => {
    const unlisted = listingNode(peer, [connection('stale', 1, { status: 'closed' })])
    const a = await openDirectChannel(unlisted, peer)
    expect(a.connectionId).toBeUndefined()
    const plain: DialingNode = { dialProtocol: async () => (await streamPair())[0] }
    const b = await openDirectChannel(plain, peer)
    expect(b.connectionId).toBeUndefined()
    a.abort()
    b.abort()
  })
})

describe('sendDirect', () => {
  let peer: PeerId
  beforeAll(async () => { peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519')) })

  it('sends nothing, and dials nobody, for no envelopes', async () => {
    const node = listingNode(peer, [], async () => { throw new Error('must not dial') })
    expect(await sendDirect(node, peer, [])).toEqual([])
    expect(node.dials).toHaveLength(0)
  })

  it("rejects with the dial's own error when the device cannot be reached (nothing was sent)", async () => {
    const unreachable = new Error('no route to the device')
    const node = listingNode(peer, [], async () => { throw unreachable })
    await expect(sendDirect(node, peer, [new Uint8Array([1])])).rejects.toBe(unreachable)
  })

  it('opens a new stream per MAX_FRAMES_PER_STREAM envelopes; a later stream that cannot be opened leaves its envelopes unanswered', async () => {
    const gone = new Error('the device went away')
    const node = listingNode(peer, [], async () => {
      if (node.dials.length > 1) throw gone
      // the first device takes the stream and ends it at once: its envelopes are unanswered
      const [out, inbound] = await streamPair()
      await inbound.close()
      return out
    })
    const envelopes = Array.from({ length: MAX_FRAMES_PER_STREAM + 1 }, (_, i) => Uint8Array.of(i % 250 + 1))
    const results = await sendDirect(node, peer, envelopes)
    expect(node.dials).toHaveLength(2)
    expect(results).toHaveLength(MAX_FRAMES_PER_STREAM + 1)
    expect(results.slice(0, MAX_FRAMES_PER_STREAM).every(r => r.status === 'unanswered' && r.message === 'the recipient ended the stream')).toBe(true)
    expect(results[MAX_FRAMES_PER_STREAM]).toEqual({ status: 'unanswered', message: 'the device went away', retryAfterMs: 0 })
  })
})
