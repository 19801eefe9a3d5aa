/** Child process of bench/conn-memory.ts: starts N Parley client nodes configured as the Node client starts them, connects each to one relay, reports on stdout, then stays idle; knows nothing of what is measured. */
import { createInterface } from 'node:readline'
import { multiaddr } from '@multiformats/multiaddr'
import { createNodeNode, type ParleyNode } from '../src/index.js'
import { directoryDhtRules } from '../src/directory/index.js'

/**
 * Usage: node conn-memory-client.js RELAY_MULTIADDR COUNT CONCURRENCY client|server [LISTEN...]
 * stdout: JSON lines `{"event":"progress","nodes":N}` on the way, `{"event":"connected","nodes":N}` once all are connected (or `{"event":"error",...}`),
 * and `{"event":"count","connected":N}` for each `count` line read on stdin. Stdin closing stops all nodes.
 */

/** Attempts per node before the child gives up: the relay refuses dials beyond its pending-upgrade limit (libp2p's 10), a retry gets in. */
const DIAL_ATTEMPTS = 20
/** Pause after a refused dial before the next attempt (ms): lets the relay finish the upgrades in flight. */
const RETRY_PAUSE_MS = 100
/** A progress line every this many connected nodes. */
const PROGRESS_EVERY = 50
/** One dial's bound (ms). */
const DIAL_TIMEOUT_MS = 20_000

function emit (event: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(event) + '\n')
}

async function connectOne (relayAddr: string, dhtMode: 'client' | 'server', listen: string[]): Promise<ParleyNode> {
  // what Parley.create does (src/client/parley.ts): the relay as bootstrap, the directory's DHT rules
  const node = await createNodeNode({ bootstrap: [relayAddr], listen, dhtMode, dht: directoryDhtRules() })
  const ma = multiaddr(relayAddr)
  let last: unknown
  for (let attempt = 0; attempt < DIAL_ATTEMPTS; attempt++) {
    try {
      // joins the bootstrap dial when one is in flight, or opens a fresh one if that was refused
      await node.dial(ma, { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) })
      return node
    } catch (err) {
      last = err
      await new Promise(resolve => setTimeout(resolve, RETRY_PAUSE_MS))
    }
  }
  await node.stop()
  throw new Error(`could not connect to the relay in ${DIAL_ATTEMPTS} attempts: ${(last as Error)?.message}`)
}

async function main (): Promise<void> {
  const [relayAddr, countArg, concurrencyArg, dhtMode, ...listenArg] = process.argv.slice(2)
  const count = Number(countArg)
  const concurrency = Number(concurrencyArg)
  const listen = listenArg.length > 0 ? listenArg : ['/ip4/127.0.0.1/tcp/0']
  const relayPeer = multiaddr(relayAddr).getComponents().find(c => c.name === 'p2p')?.value
  if (relayPeer == null || !(count > 0) || !(concurrency > 0) || (dhtMode !== 'client' && dhtMode !== 'server')) {
    process.stderr.write('usage: conn-memory-client RELAY_MULTIADDR_WITH_P2P COUNT CONCURRENCY client|server [LISTEN...]\n')
    process.exit(2)
  }

  const nodes: ParleyNode[] = []
  let stopping = false
  const stopAll = async (): Promise<void> => {
    if (stopping) return
    stopping = true
    await Promise.allSettled(nodes.map(async n => { await n.stop() }))
    process.exit(0)
  }
  process.on('SIGTERM', () => { void stopAll() })
  createInterface({ input: process.stdin })
    .on('line', line => {
      if (line.trim() !== 'count') return
      const connected = nodes.filter(n => n.getConnections().some(c => c.remotePeer.toString() === relayPeer && c.status === 'open')).length
      const total = nodes.reduce((sum, n) => sum + n.getConnections().length, 0)
      emit({ event: 'count', connected, total })
    })
    .on('close', () => { void stopAll() })

  let next = 0
  try {
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < count && !stopping) {
        next++
        nodes.push(await connectOne(relayAddr, dhtMode, listen))
        if (nodes.length % PROGRESS_EVERY === 0) emit({ event: 'progress', nodes: nodes.length })
      }
    }))
  } catch (err) {
    emit({ event: 'error', message: (err as Error).message })
    await stopAll()
    return
  }
  emit({ event: 'connected', nodes: nodes.length })
}

main().catch(err => {
  emit({ event: 'error', message: (err as Error).message })
  process.exit(1)
})
