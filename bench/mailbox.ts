/** Mailbox benchmarks: deposits acked per second, envelopes fetched and acked per second, and the time to drain 10,000 queued envelopes, against one in-process relay over libp2p on loopback with LevelDB (synced writes); baselines are raw synced LevelDB operations. */
import { join } from 'node:path'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import { mailboxServer, depositEnvelopes, openMailbox, type Deposit } from '../src/protocols/mailbox/index.js'
import { IdentityKeyPair, systemRandom } from '../src/crypto/index.js'
import { openLevel, type KeyValueStore } from '../src/storage/index.js'
import { RelayMailboxStore } from '../relay-node/src/mailbox/index.js'
import type { Suite } from './harness.js'

/** A typical sealed text message with padding is well under 1 KiB. */
const ENVELOPE_BYTES = 1024
const DEPOSITS = 4000
/** Senders at once, each pipelining this many deposits per stream. */
const SENDERS = 4
const BATCH = 100
const FETCHES = 4000
const DRAIN = 10_000
const BASELINE_OPS = 500

async function node (services: Record<string, unknown> = {}): Promise<Libp2p> {
  return await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { inboundConnectionThreshold: Number.MAX_SAFE_INTEGER },
    services: services as never
  })
}

const seconds = (start: number): number => (performance.now() - start) / 1000

function deposits (owner: IdentityKeyPair, n: number): Deposit[] {
  const envelope = systemRandom(ENVELOPE_BYTES)
  return Array.from({ length: n }, () => ({ owner: owner.publicKey, deviceId: 1, envelope }))
}

async function depositAll (sender: Libp2p, addr: ReturnType<Libp2p['getMultiaddrs']>, list: Deposit[]): Promise<void> {
  for (let i = 0; i < list.length; i += BATCH) {
    const results = await depositEnvelopes(sender, addr, list.slice(i, i + BATCH), { timeout: 30_000 })
    const bad = results.find(r => r.status !== 'ok')
    if (bad != null && 'error' in bad) throw bad.error
  }
}

/** Raw synced LevelDB: single puts per second (what one un-grouped deposit costs), and iterate + synced batch delete per envelope. */
async function baselines (kv: KeyValueStore): Promise<{ putRate: number, fetchRate: number, drainS: number }> {
  const value = systemRandom(ENVELOPE_BYTES)
  let start = performance.now()
  for (let i = 0; i < BASELINE_OPS; i++) await kv.put(`b/${String(i).padStart(8, '0')}`, value, { sync: true })
  const putRate = BASELINE_OPS / seconds(start)
  start = performance.now()
  const keys: string[] = []
  for await (const { key } of kv.iterate({ prefix: 'b/' })) keys.push(key)
  for (let i = 0; i < keys.length; i += BATCH) await kv.batch(keys.slice(i, i + BATCH).map(key => ({ type: 'del' as const, key })), { sync: true })
  const fetchRate = keys.length / seconds(start)
  const ops = Array.from({ length: DRAIN }, (_, i) => ({ type: 'put' as const, key: `d/${String(i).padStart(8, '0')}`, value }))
  for (let i = 0; i < ops.length; i += 1000) await kv.batch(ops.slice(i, i + 1000))
  start = performance.now()
  let n = 0
  for await (const _ of kv.iterate({ prefix: 'd/' })) n++
  const drainS = seconds(start)
  if (n !== DRAIN) throw new Error('baseline drain miscounted')
  return { putRate, fetchRate, drainS }
}

export const suite: Suite = {
  prefix: 'relay.',
  names: ['relay.deposit.rate', 'relay.fetch.rate', 'relay.drain.10k'],
  async run (report, filter) {
    if (!this.names.some(filter)) return
    const dir = await mkdtemp(join(tmpdir(), 'parley-bench-mailbox-'))
    const storage = await openLevel(join(dir, 'db'))
    const store = new RelayMailboxStore({
      kv: storage.kv('relay-mailbox'),
      limits: { depositsPerPeer: [], maxEnvelopesPerMailbox: 1_000_000, maxBytesPerMailbox: Number.MAX_SAFE_INTEGER, maxUntokenedEnvelopesPerMailbox: 1_000_000, maxUntokenedBytesPerMailbox: Number.MAX_SAFE_INTEGER }
    })
    const relay = await node({ mailbox: mailboxServer({ backend: store }) })
    const senders = await Promise.all(Array.from({ length: SENDERS }, async () => await node()))
    const addr = relay.getMultiaddrs()
    try {
      const base = await baselines(storage.kv('baseline'))

      if (filter('relay.deposit.rate') || filter('relay.fetch.rate')) {
        const owner = IdentityKeyPair.generate(systemRandom)
        await depositAll(senders[0], addr, deposits(owner, BATCH)) // warm-up: connections, JIT
        const start = performance.now()
        await Promise.all(senders.map(async s => { await depositAll(s, addr, deposits(owner, DEPOSITS / SENDERS)) }))
        if (filter('relay.deposit.rate')) report({ name: 'relay.deposit.rate', value: DEPOSITS / seconds(start), unit: 'env/s', baseline: base.putRate })

        if (filter('relay.fetch.rate')) {
          const device = await node()
          senders.push(device)
          const t = performance.now()
          const session = await openMailbox(device, addr, { identity: owner })
          let page: string[] = []
          let n = 0
          for await (const e of session) {
            page.push(e.id)
            if (page.length === BATCH) {
              await session.ack(page)
              page = []
            }
            if (++n === FETCHES) break
          }
          await session.ack(page)
          report({ name: 'relay.fetch.rate', value: FETCHES / seconds(t), unit: 'env/s', baseline: base.fetchRate })
          await session.close()
        }
      }

      if (filter('relay.drain.10k')) {
        const owner = IdentityKeyPair.generate(systemRandom)
        const list = deposits(owner, DRAIN)
        await Promise.all(senders.slice(0, SENDERS).map(async (s, i) => { await depositAll(s, addr, list.slice(i * DRAIN / SENDERS, (i + 1) * DRAIN / SENDERS)) }))
        // a reconnecting client: a fresh node, dial, authenticate, receive all 10,000
        const device = await node()
        senders.push(device)
        const start = performance.now()
        const session = await openMailbox(device, addr, { identity: owner })
        let n = 0
        for await (const _ of session) if (++n === DRAIN) break
        await session.drained
        report({ name: 'relay.drain.10k', value: seconds(start), unit: 's', baseline: base.drainS })
        await session.close()
      }
    } finally {
      await Promise.all(senders.map(async s => await s.stop()))
      await relay.stop()
      await storage.close()
      await rm(dir, { recursive: true, force: true })
    }
  }
}
