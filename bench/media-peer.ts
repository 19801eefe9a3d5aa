/** Child process of bench/media.ts: one side of a transfer, measured alone (its own peak RSS). Uploads a file through the SDK's media layer (sealed, to a relay), downloads one (verified, to a file), or copies raw bytes over a plain libp2p stream (the baseline); knows nothing of the figures. */
import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { once } from 'node:events'
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { byteStream } from '@libp2p/utils'
import { Media } from '../src/media/media.js'
import { nodeMediaFiles } from '../src/media/node/files.js'
import { mediaRelays } from '../src/client/media-network.js'
import { nodeNoiseCrypto } from '../src/net/noise-crypto.js'
import { uploadPreKeys } from '../src/protocols/prekeys/index.js'
import { IdentityKeyPair, SignedPreKey, KemPreKey, publicSignedPreKey, publicKemPreKey, systemRandom } from '../src/crypto/index.js'
import { createMemoryStorage, type StoredMessage } from '../src/storage/index.js'
import { tuneHeapForStreaming } from '../src/util/heap.js'

/**
 * Usage:
 *   node media-peer.js upload RELAY FILE          → {"ms","attachment","conversation","id","rssKiB"}
 *   node media-peer.js download RELAY DIR ATTACHMENT_BASE64 → {"ms","cpuMs","path","rssKiB"}
 *   node media-peer.js sink DIR                    → {"listening":ADDR} then, per copy (written to a file in DIR), {"ms","cpuMs","bytes","rssKiB"}
 *   node media-peer.js send ADDR FILE              → {"ms","cpuMs","bytes","rssKiB"} once the sink said it has every byte
 * One JSON line on stdout per result.
 */
const RAW_PROTOCOL = '/parley-bench/raw-copy/1.0.0'
const PEER = '+15550990001'

/** CPU time (user and system, every thread of this process) since `since`, ms. */
function cpuMs (since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since)
  return (used.user + used.system) / 1000
}

function emit (o: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify({ ...o, rssKiB: process.resourceUsage().maxRSS }) + '\n')
}

/**
 * A node with the transport the SDK's Node factory and the relay use (noise with nodeNoiseCrypto), for every side: the
 * raw copy too, so the ratio measures what the media layer adds, not a faster transport against a slower baseline.
 */
async function node (listen = false): Promise<Libp2p> {
  return await createLibp2p({
    addresses: { listen: listen ? ['/ip4/127.0.0.1/tcp/0'] : [] },
    transports: [tcp()],
    connectionEncrypters: [noise({ crypto: nodeNoiseCrypto })],
    streamMuxers: [yamux()],
    connectionManager: { inboundConnectionThreshold: Number.MAX_SAFE_INTEGER }
  })
}

/** The media layer as the SDK builds it, with this node as the device (an owner at the relay once its prekeys are there). */
async function media (n: Libp2p, relay: string, dir: string): Promise<{ media: Media, sent: StoredMessage[], storage: ReturnType<typeof createMemoryStorage> }> {
  const identity = IdentityKeyPair.generate(systemRandom)
  await uploadPreKeys(n, relay, {
    identity,
    signedPreKey: publicSignedPreKey(SignedPreKey.generate(identity, 1, Date.now(), systemRandom)),
    lastResortKemPreKey: publicKemPreKey(KemPreKey.generate(identity, 100, Date.now(), true, systemRandom))
  })
  const storage = createMemoryStorage()
  const sent: StoredMessage[] = []
  const m = new Media({
    self: async () => ({ phone: '+15550990000', mailboxRelays: [relay] }),
    relays: mediaRelays({ node: n, identity, deviceId: 1 }),
    files: nodeMediaFiles(dir),
    kv: storage.kv('media'),
    messages: storage.messages,
    sendDirect: async (to, text, o) => {
      const b64 = Buffer.from(o.attachment).toString('base64').replace(/=+$/, '')
      const msg: StoredMessage = { id: o.id, conversation: to, direction: 'out', sender: '+15550990000', text, timestamp: Date.now(), receivedAt: Date.now(), status: 'pending', attachment: b64 }
      await storage.messages.addOutgoing(msg)
      sent.push(msg)
      return msg
    },
    random: systemRandom,
    now: Date.now
  })
  return { media: m, sent, storage }
}

async function main (): Promise<void> {
  // as the relay and the CLI run, on every side (the raw copy's too, so the ratio compares like with like)
  tuneHeapForStreaming()
  const [mode, ...args] = process.argv.slice(2)
  if (mode === 'upload') {
    const [relay, file] = args
    const n = await node()
    const { media: m } = await media(n, relay, '/tmp')
    const start = performance.now()
    const cpu = process.cpuUsage()
    const msg = await m.send(PEER, file, { name: 'bench.bin' })
    emit({ ms: performance.now() - start, cpuMs: cpuMs(cpu), attachment: msg.attachment, id: msg.id })
    await n.stop()
  } else if (mode === 'download') {
    const [relay, dir, attachment] = args
    const n = await node()
    const { media: m, storage } = await media(n, relay, dir)
    const id = '00'.repeat(16)
    await storage.messages.addIncoming({ id, conversation: PEER, direction: 'in', sender: PEER, text: '', timestamp: 1, receivedAt: 1, status: 'delivered', attachment })
    const start = performance.now()
    const cpu = process.cpuUsage()
    const path = await m.download(PEER, id, { dir })
    emit({ ms: performance.now() - start, cpuMs: cpuMs(cpu), path })
    await n.stop()
  } else if (mode === 'sink') {
    const [dir] = args
    // ended by its parent: exits as a process does at its end (a profiler's output, if any, is written)
    process.once('SIGTERM', () => { process.exit(0) })
    const n = await node(true)
    let copies = 0
    await n.handle(RAW_PROTOCOL, async (stream) => {
      const start = performance.now()
    const cpu = process.cpuUsage()
      let bytes = 0
      // a copy: the bytes go to a file, as a download's do
      const out = await open(join(dir, `copy-${copies++}.bin`), 'w')
      for await (const chunk of stream) {
        const data = chunk instanceof Uint8Array ? chunk : chunk.subarray()
        await out.write(data)
        bytes += data.byteLength
      }
      await out.close()
      emit({ ms: performance.now() - start, cpuMs: cpuMs(cpu), bytes })
      // the count goes back: the sender stops its node only once every byte is here (a node stopped sooner drops
      // what its connection still buffers, and this end would see a clean, short stream)
      const reply = new Uint8Array(8)
      new DataView(reply.buffer).setBigUint64(0, BigInt(bytes))
      stream.send(reply)
      await stream.close().catch(() => {})
    }, { maxInboundStreams: 4 })
    emit({ listening: n.getMultiaddrs()[0].toString() })
    await once(process.stdin, 'end')
    await n.stop()
  } else if (mode === 'send') {
    const [addr, file] = args
    const n = await node()
    const stream = await n.dialProtocol(multiaddr(addr), RAW_PROTOCOL)
    // written as the protocols write (byteStream, which waits for the stream to drain)
    const out = byteStream(stream)
    const start = performance.now()
    const cpu = process.cpuUsage()
    let bytes = 0
    for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) {
      const data = chunk as Buffer
      bytes += data.length
      await out.write(data)
    }
    await stream.close()
    // until the sink says how many bytes it wrote: a copy is done when they are there, as an upload is when the
    // relay's answer is
    const reply = (await out.read({ bytes: 8 })).subarray()
    const received = Number(new DataView(reply.buffer, reply.byteOffset, 8).getBigUint64(0))
    if (received !== bytes) throw new Error(`the sink received ${received} of ${bytes} bytes`)
    emit({ ms: performance.now() - start, cpuMs: cpuMs(cpu), bytes })
    await n.stop()
  } else {
    throw new Error(`unknown mode ${mode}`)
  }
}

main().catch(err => {
  process.stderr.write(`media-peer: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
