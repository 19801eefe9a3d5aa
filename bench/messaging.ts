/** Messaging benchmarks: 1:1 text messages between two registered Node devices on loopback over the direct path (encrypted, persisted, acknowledged), against a raw libp2p stream echo of the same size. Knows nothing of how the messaging layer works inside. */
import { join } from 'node:path'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { createServer } from 'node:net'
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import type { Stream } from '@libp2p/interface'
import { startRelayProcess, type RelayProcess } from '../scripts/relay-process.js'
import { Parley, createNodeNode, type ReceivedMessage } from '../src/index.js'
import { DM_PROTOCOL } from '../src/protocols/dm/index.js'
import { internals } from '../src/client/internals.js'
import { percentile, median, type Suite } from './harness.js'

const ALICE = '+15550400001'
const BOB = '+15550400002'
/** Messages sent back to back for the rate: long enough to reach a steady state, short enough for the one-minute aim. */
const RATE_MESSAGES = 2000
/** One-at-a-time samples for the latency percentiles (p99 is the 2nd-worst of 200). */
const LATENCY_SAMPLES = 200
/** Warm-up messages at most before the direct path must be in use (the first go via the relay while the session starts). */
const WARMUP_MAX = 20
/** Warm-up messages that must go direct in a row. */
const WARMUP_DIRECT = 3
/** Echo messages for the baseline rate, and round trips for the baseline latency. */
const ECHO_MESSAGES = 20_000
const ECHO_SAMPLES = 1000
const ECHO_PROTOCOL = '/parley-bench/echo/1.0.0'
/** Bound on any single wait of the suite: nothing here should take more than a fraction of it. */
const WAIT_MS = 60_000
/** A typical short text. */
const TEXT = 'See you at the station at 7, I will be by the ticket machines near the north entrance.'

const now = (): number => performance.now()

/** Resolves with the first value `subscribe` pushes (it returns its unsubscribe); rejects after `ms`. */
export async function next<T> (subscribe: (push: (e: T) => void) => () => void, ms: number, what: string): Promise<T> {
  let off = (): void => {}
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    return await new Promise<T>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms)
      off = subscribe(resolve)
    })
  } finally {
    off()
    clearTimeout(timer)
  }
}

/** Counts events and resolves when `n` have arrived since the last reset (bounded). */
function counter (): { push: () => void, reset: () => void, until: (n: number, ms: number, what: string) => Promise<void> } {
  let count = 0
  let waiter: { n: number, resolve: () => void } | undefined
  return {
    push () {
      count++
      if (waiter != null && count >= waiter.n) waiter.resolve()
    },
    reset () { count = 0 },
    async until (n, ms, what) {
      if (count >= n) return
      let timer: ReturnType<typeof setTimeout> | undefined
      try {
        await new Promise<void>((resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`${what}: ${count} of ${n} within ${ms} ms`)), ms)
          waiter = { n, resolve }
        })
      } finally {
        waiter = undefined
        clearTimeout(timer)
      }
    }
  }
}

export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>(resolve => server.close(() => resolve()))
  return port
}

/** The relay's mailbox deposit counter: any change means mail went through the relay, not direct. */
export async function deposits (metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) })).text()
  const m = /^parley_mailbox_deposits_total (\d+)$/m.exec(text)
  if (m == null) throw new Error('relay metrics have no parley_mailbox_deposits_total')
  return Number(m[1])
}

/** A relay process with a verifier (log SMS gateway), room for many loopback connections and metrics on a free port. */
export async function startBenchRelay (dir: string, sms: ReturnType<typeof smsCodes>): Promise<RelayProcess> {
  return await startRelayProcess({
    dataDir: join(dir, 'relay'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    args: ['--verifier', '--sms-gateway', 'log', '--inbound-per-host', '1000', '--metrics-port', String(await freePort())],
    onEvent: sms.onEvent
  })
}

/** The verifier's SMS codes from the relay's stdout events (log gateway). */
export function smsCodes (): { onEvent: (e: Record<string, unknown>) => void, code: (to: string) => Promise<string> } {
  const codes = new Map<string, string>()
  const waiters = new Map<string, (code: string) => void>()
  return {
    onEvent (e) {
      if (e.event !== 'sms') return
      const code = /(\d{6})/.exec(String(e.text))?.[1]
      if (code == null) return
      codes.set(String(e.to), code)
      waiters.get(String(e.to))?.(code)
    },
    async code (to) {
      const known = codes.get(to)
      if (known != null) return known
      return await next<string>(push => { waiters.set(to, push); return () => waiters.delete(to) }, 10_000, `sms to ${to}`)
    }
  }
}

/** A registered device in `dir/name` (the relay's verifier, the SMS code from its log). */
export async function device (dir: string, name: string, relay: RelayProcess, phone: string, sms: ReturnType<typeof smsCodes>): Promise<Parley> {
  const d = await Parley.create({ dataDir: join(dir, name), bootstrap: [relay.addr('tcp')], listen: ['/ip4/127.0.0.1/tcp/0'], createNode: createNodeNode })
  try {
    await d.register(phone)
    await d.verify(await sms.code(phone))
    return d
  } catch (err) {
    await d.stop()
    throw err
  }
}

/** True when `from` has a connection to `to` carrying an open /parley/dm stream. */
function directOpen (from: Parley, to: Parley): boolean {
  return internals(from).node.getConnections(internals(to).node.peerId).some(c => c.streams.some(s => s.protocol === DM_PROTOCOL && s.status === 'open'))
}

async function plainNode (): Promise<Libp2p> {
  return await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()]
  })
}

/** Waits until the stream's send buffer has room again (or it closed). */
async function drained (stream: Stream): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onDrain = (): void => { stream.removeEventListener('close', onClose); resolve() }
    const onClose = (): void => { stream.removeEventListener('drain', onDrain); reject(new Error('echo stream closed')) }
    stream.addEventListener('drain', onDrain, { once: true })
    stream.addEventListener('close', onClose, { once: true })
  })
}

async function echoHandler (stream: Stream): Promise<void> {
  for await (const chunk of stream) {
    if (!stream.send(chunk)) await drained(stream)
  }
  await stream.close()
}

/** Raw libp2p: one yamux stream between two plain nodes, the server echoes bytes back. Messages of `size` bytes: rate of N pipelined echoes, and single round trips. */
async function echoBaseline (size: number): Promise<{ rate: number, p50: number, p99: number }> {
  const server = await plainNode()
  const client = await plainNode()
  try {
    await server.handle(ECHO_PROTOCOL, (stream) => { echoHandler(stream).catch(err => stream.abort(err)) })
    const stream = await client.dialProtocol(server.getMultiaddrs(), ECHO_PROTOCOL)
    let received = 0
    let want = 0
    let arrived: (() => void) | undefined
    stream.addEventListener('message', evt => {
      received += evt.data.byteLength
      if (received >= want) arrived?.()
    })
    const echo = async (count: number): Promise<void> => {
      want += count * size
      const done = next<void>(push => { arrived = push; return () => { arrived = undefined } }, WAIT_MS, 'echo')
      for (let i = 0; i < count; i++) {
        if (!stream.send(new Uint8Array(size).fill(i & 0xff))) await drained(stream)
      }
      if (received >= want) arrived?.()
      await done
    }
    await echo(200) // warm-up
    let start = now()
    await echo(ECHO_MESSAGES)
    const rate = ECHO_MESSAGES / ((now() - start) / 1000)
    const rtts: number[] = []
    for (let i = 0; i < ECHO_SAMPLES; i++) {
      start = now()
      await echo(1)
      rtts.push(now() - start)
    }
    await stream.close()
    return { rate, p50: median(rtts), p99: percentile(rtts, 99) }
  } finally {
    await client.stop()
    await server.stop()
  }
}

export const suite: Suite = {
  prefix: 'msg.',
  names: ['msg.direct.rate', 'msg.direct.p50', 'msg.direct.p99'],
  async run (report, filter) {
    if (!this.names.some(filter)) return
    const dir = await mkdtemp(join(tmpdir(), 'parley-bench-msg-'))
    const sms = smsCodes()
    let relay: RelayProcess | undefined
    const devices: Parley[] = []
    try {
      relay = await startBenchRelay(dir, sms)
      const metrics = relay.listening.metrics as string
      const alice = await device(dir, 'alice', relay, ALICE, sms)
      devices.push(alice)
      const bob = await device(dir, 'bob', relay, BOB, sms)
      devices.push(bob)

      // what goes on the wire per message: the sealed envelope bob's device is handed
      const sizes: number[] = []
      // every path (direct windows, mailbox, single receive) goes through receiveBatch
      const bobMessenger = internals(bob).messenger
      const receiveBatch = bobMessenger.receiveBatch.bind(bobMessenger)
      bobMessenger.receiveBatch = async (envelopes, options) => { for (const e of envelopes) sizes.push(e.length); return await receiveBatch(envelopes, options) }

      const atBob = counter()
      const messages: Array<(m: ReceivedMessage) => void> = []
      bob.on('message', m => { atBob.push(); for (const f of messages) f(m) })
      const delivered = counter()
      alice.on('receipt', e => { if (e.status === 'delivered') delivered.push() })
      const waitDelivered = async (id: string): Promise<void> => {
        await alice.waitForStatus(BOB, id, ['delivered', 'read'], { signal: AbortSignal.timeout(WAIT_MS) })
      }

      // warm-up: until a message and its receipt travel without touching the relay's mailbox, WARMUP_DIRECT times in a row
      let direct = 0
      let warm = 0
      while (direct < WARMUP_DIRECT) {
        if (++warm > WARMUP_MAX) throw new Error(`the direct path was not in use after ${WARMUP_MAX} messages`)
        const before = await deposits(metrics)
        const m = await alice.send(BOB, TEXT)
        await waitDelivered(m.id)
        direct = (await deposits(metrics)) === before && directOpen(alice, bob) ? direct + 1 : 0
      }
      const envelopeBytes = median(sizes)
      const depositsBefore = await deposits(metrics)

      let sendMs = 0
      let rate: number | undefined
      if (filter('msg.direct.rate')) {
        atBob.reset()
        delivered.reset()
        const start = now()
        for (let i = 0; i < RATE_MESSAGES; i++) await alice.send(BOB, TEXT)
        sendMs = now() - start
        await atBob.until(RATE_MESSAGES, WAIT_MS, 'messages at bob')
        const ms = now() - start
        // receipts drain before the latency samples, so those do not queue behind them
        await delivered.until(RATE_MESSAGES, WAIT_MS, 'delivered receipts at alice')
        rate = RATE_MESSAGES / (ms / 1000)
      }

      const latencies: number[] = []
      if (filter('msg.direct.p50') || filter('msg.direct.p99')) {
        for (let i = 0; i < LATENCY_SAMPLES; i++) {
          const text = `${TEXT} ${i}`
          const arrived = next<ReceivedMessage>(push => {
            const f = (m: ReceivedMessage): void => { if (m.text === text) push(m) }
            messages.push(f)
            return () => messages.splice(messages.indexOf(f), 1)
          }, WAIT_MS, 'message at bob')
          const start = now()
          const m = await alice.send(BOB, text)
          await arrived
          latencies.push(now() - start)
          // one message at a time: its receipt is back before the next sample
          await waitDelivered(m.id)
        }
      }
      const viaRelay = (await deposits(metrics)) - depositsBefore
      if (viaRelay > 0) process.stderr.write(`  msg: warning: ${viaRelay} envelopes went through the relay mailbox during the measurement\n`)

      const base = await echoBaseline(envelopeBytes)
      // figures are reported last so the baseline is measured in the same run
      if (rate != null) report({ name: 'msg.direct.rate', value: rate, unit: 'msg/s', baseline: base.rate })
      if (latencies.length > 0) {
        if (filter('msg.direct.p50')) report({ name: 'msg.direct.p50', value: median(latencies), unit: 'ms', baseline: base.p50 })
        if (filter('msg.direct.p99')) report({ name: 'msg.direct.p99', value: percentile(latencies, 99), unit: 'ms', baseline: base.p99 })
      }
      process.stderr.write(`  msg: envelope ${envelopeBytes} bytes, ${warm} warm-up messages, send() ${sendMs > 0 ? (sendMs / RATE_MESSAGES).toFixed(2) : '-'} ms each in the rate run\n`)
    } finally {
      for (const d of devices) await d.stop().catch(() => {})
      await relay?.stop()
      await rm(dir, { recursive: true, force: true })
    }
  }
}
