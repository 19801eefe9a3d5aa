/** Network benchmarks: time to a usable connection and ping round trips between two Node nodes on loopback, against plain node:net TCP. */
import { createServer, connect, type Socket } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { createNodeNode, type ParleyNode } from '../src/index.js'
import { median, type Suite, type Figure } from './harness.js'

const CONNECT_SAMPLES = 30
const PING_SAMPLES = 300

/** A plain TCP echo server: the floor any libp2p figure is compared to. */
async function tcpBaseline (): Promise<{ connectMs: number, rttMs: number }> {
  const server = createServer(socket => socket.pipe(socket))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  const connectTimes: number[] = []
  let socket: Socket | undefined
  for (let i = 0; i < CONNECT_SAMPLES; i++) {
    const start = performance.now()
    const s = connect(port, '127.0.0.1')
    await new Promise<void>((resolve, reject) => { s.once('connect', resolve); s.once('error', reject) })
    connectTimes.push(performance.now() - start)
    if (socket == null) socket = s
    else s.destroy()
  }
  const rtts: number[] = []
  const payload = Buffer.alloc(32, 1)
  for (let i = 0; i < PING_SAMPLES; i++) {
    const start = performance.now()
    const echoed = new Promise<void>(resolve => {
      let got = 0
      const onData = (d: Buffer): void => {
        got += d.length
        if (got >= payload.length) { socket!.off('data', onData); resolve() }
      }
      socket!.on('data', onData)
    })
    socket!.write(payload)
    await echoed
    rtts.push(performance.now() - start)
  }
  socket!.destroy()
  server.close()
  return { connectMs: median(connectTimes), rttMs: median(rtts) }
}

async function libp2pFigures (kind: 'tcp' | 'ws'): Promise<{ connectMs: number, rttMs: number }> {
  const listen = kind === 'tcp' ? '/ip4/127.0.0.1/tcp/0' : '/ip4/127.0.0.1/tcp/0/ws'
  // every sample dials from 127.0.0.1: lift the per-host inbound rate limit for the measurement
  const server = await createNodeNode({ listen: [listen], inboundPerSecondPerHost: 10_000 })
  const clients: ParleyNode[] = []
  try {
    const addr = multiaddr(server.getMultiaddrs()[0].toString())
    const connectTimes: number[] = []
    for (let i = 0; i < CONNECT_SAMPLES; i++) {
      // a fresh client each time: a cold dial with noise handshake and yamux, ready for streams
      const client = await createNodeNode({ listen: [] })
      clients.push(client)
      const start = performance.now()
      await client.dial(addr)
      connectTimes.push(performance.now() - start)
    }
    const client = clients[0]
    await client.services.ping.ping(addr)
    const rtts: number[] = []
    for (let i = 0; i < PING_SAMPLES; i++) {
      // ping() reports whole milliseconds; time it here instead. Each ping opens a stream and negotiates the protocol.
      const start = performance.now()
      await client.services.ping.ping(addr)
      rtts.push(performance.now() - start)
    }
    return { connectMs: median(connectTimes), rttMs: median(rtts) }
  } finally {
    await Promise.all(clients.map(async c => await c.stop()))
    await server.stop()
  }
}

export const suite: Suite = {
  prefix: 'net.',
  names: ['net.connect.tcp', 'net.connect.ws', 'net.ping.tcp', 'net.ping.ws'],
  async run (report: (f: Figure) => void, filter: (name: string) => boolean) {
    const baseline = await tcpBaseline()
    for (const kind of ['tcp', 'ws'] as const) {
      if (!filter(`net.connect.${kind}`) && !filter(`net.ping.${kind}`)) continue
      const f = await libp2pFigures(kind)
      if (filter(`net.connect.${kind}`)) report({ name: `net.connect.${kind}`, value: f.connectMs, unit: 'ms', baseline: baseline.connectMs })
      if (filter(`net.ping.${kind}`)) report({ name: `net.ping.${kind}`, value: f.rttMs, unit: 'ms', baseline: baseline.rttMs })
    }
  }
}
