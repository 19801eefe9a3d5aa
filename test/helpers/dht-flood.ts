/** A hostile DHT writer for tests and the `dir.put.flood` benchmark: valid directory records (one number, rising seq) sent as raw PUT_VALUE messages to one node, counting what it acknowledges. Knows nothing of the node's limits. */
import { lpStream } from '@libp2p/utils'
import { Libp2pRecord } from '@libp2p/record'
import type { Libp2p } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { DHT_PROTOCOL } from '../../src/index.js'
import { systemRandom, type IdentityKeyPair } from '../../src/crypto/index.js'
import { DirectoryHashCache, buildRecord } from '../../src/directory/index.js'
import { makeUser } from '../directory/fixtures.js'

/** How long the writer waits for one acknowledgement before counting the put as refused. */
const ACK_TIMEOUT_MS = 5_000

function varint (n: number): number[] {
  const out: number[] = []
  while (n > 0x7f) { out.push((n & 0x7f) | 0x80); n >>>= 7 }
  out.push(n)
  return out
}

/** kad-dht's `Message` protobuf for PUT_VALUE: type (1) = 0, key (2), record (3, a serialized libp2p record). */
export function encodePutValue (key: Uint8Array, value: Uint8Array): Uint8Array {
  const record = new Libp2pRecord(key, value, new Date()).serialize()
  return Uint8Array.from([0x08, 0x00, 0x12, ...varint(key.length), ...key, 0x1a, ...varint(record.length), ...record])
}

/** `count` records for one number, each newer than the last (seq 1, 2, …), built lazily: valid for every directory validator. */
export async function * floodRecords (count: number, phone = '+15550990000'): AsyncGenerator<{ key: Uint8Array, value: Uint8Array }> {
  const user = await makeUser()
  const identity: IdentityKeyPair = user.identity
  const hashes = new DirectoryHashCache()
  const start = Date.now()
  for (let i = 0; i < count; i++) {
    const { key, value } = await buildRecord(identity, phone, user.fields, { hashes, seq: start + i, now: Date.now(), random: systemRandom })
    yield { key, value }
  }
}

export interface FloodResult {
  attempts: number
  /** puts the node acknowledged (kad-dht echoes a stored PUT_VALUE) */
  accepted: number
  /** puts whose stream was aborted or that got no answer in time */
  refused: number
  /** wall time of the whole flood */
  ms: number
}

/**
 * Sends every record to `target` over the DHT protocol, one after another on one stream, opening a new stream
 * whenever the node aborts one (a refused write aborts its stream).
 */
export async function floodPuts (node: Libp2p, target: Multiaddr | Multiaddr[], records: AsyncIterable<{ key: Uint8Array, value: Uint8Array }>, options: { signal?: AbortSignal } = {}): Promise<FloodResult> {
  const started = performance.now()
  let accepted = 0
  let refused = 0
  let attempts = 0
  let lp: ReturnType<typeof lpStream> | undefined
  for await (const { key, value } of records) {
    options.signal?.throwIfAborted()
    attempts++
    try {
      if (lp == null) lp = lpStream(await node.dialProtocol(target, DHT_PROTOCOL, { signal: AbortSignal.timeout(ACK_TIMEOUT_MS) }))
      await lp.write(encodePutValue(key, value), { signal: AbortSignal.timeout(ACK_TIMEOUT_MS) })
      await lp.read({ signal: AbortSignal.timeout(ACK_TIMEOUT_MS) })
      accepted++
    } catch {
      refused++
      lp = undefined
    }
  }
  return { attempts, accepted, refused, ms: performance.now() - started }
}
