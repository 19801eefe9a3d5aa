/** Linked-device benchmarks: how long linking a companion takes with a large history, and what a send costs when both sides have several devices (a relay process, in-process devices on loopback). Knows nothing of how linking works inside. */
import { join } from 'node:path'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import type { RelayProcess } from '../scripts/relay-process.js'
import { Parley, createNodeNode, createDepositNodeNode, type ReceivedMessage } from '../src/index.js'
import { internals } from '../src/client/internals.js'
import { device, next, smsCodes, startBenchRelay } from './messaging.js'
import { median, percentile, type Suite } from './harness.js'

/** History the account holds when the companion is linked (the figure). */
const HISTORY_MESSAGES = 10_000
/** Conversations the history is spread over. */
const HISTORY_CHATS = 50
/** Device counts per side for the fan-out figures. */
const FANOUT_DEVICES = [1, 3, 6]
/** Texts sent one at a time per device count (p50 and p99 of time to "sent", i.e. every recipient device acked). */
const FANOUT_SAMPLES = 40
const WAIT_MS = 120_000
const TEXT = 'See you at the station at 7, I will be by the ticket machines near the north entrance.'

const now = (): number => performance.now()

/** Links a new device in `name`'s folder to `approver`'s account; resolves with it and the seconds from approval to a started device. */
async function link (dir: string, name: string, relay: RelayProcess, approver: Parley): Promise<{ device: Parley, seconds: number }> {
  let shown!: (uri: string) => void
  const code = new Promise<string>(resolve => { shown = resolve })
  const linked = Parley.link({ dataDir: join(dir, name), bootstrap: [relay.addr('tcp')], listen: ['/ip4/127.0.0.1/tcp/0'], createNode: createNodeNode, createDepositNode: createDepositNodeNode }, { onCode: shown, kind: 'node', signal: AbortSignal.timeout(WAIT_MS) })
  const uri = await code
  const start = now()
  await approver.approveLink(uri, { name, signal: AbortSignal.timeout(WAIT_MS) })
  const { parley } = await linked
  return { device: parley, seconds: (now() - start) / 1000 }
}

/** Writes `n` texts of history straight into the device's message store (what a long-used account holds). */
async function fillHistory (device: Parley, n: number): Promise<void> {
  const messages = internals(device).storage.messages
  const t0 = Date.now() - 30 * 24 * 3600_000
  for (let i = 0; i < n; i++) {
    const chat = `+1555070${String(i % HISTORY_CHATS).padStart(4, '0')}`
    const id = i.toString(16).padStart(32, '0')
    const m = { id, conversation: chat, sender: chat, text: `${TEXT} (${i})`, timestamp: t0 + i * 1000, receivedAt: t0 + i * 1000 }
    if (i % 2 === 0) await messages.addIncoming({ ...m, direction: 'in', status: 'read' })
    else await messages.addOutgoing({ ...m, direction: 'out', sender: '+15550700999', status: 'read' })
  }
}

export const suite: Suite = {
  prefix: 'devices.',
  names: ['devices.link.s', ...FANOUT_DEVICES.flatMap(n => [`msg.fanout.devices.${n}.p50`, `msg.fanout.devices.${n}.p99`])],
  async run (report, filter) {
    const dir = await mkdtemp(join(tmpdir(), 'parley-bench-devices-'))
    const sms = smsCodes()
    let relay: RelayProcess | undefined
    const devices: Parley[] = []
    try {
      relay = await startBenchRelay(dir, sms)
      const alice = await device(dir, 'alice', relay, '+15550710001', sms)
      devices.push(alice)
      const bob = await device(dir, 'bob', relay, '+15550710002', sms)
      devices.push(bob)

      if (filter('devices.link.s')) {
        const carol = await device(dir, 'carol', relay, '+15550710003', sms)
        devices.push(carol)
        await fillHistory(carol, HISTORY_MESSAGES)
        const { device: laptop, seconds } = await link(dir, 'carol-laptop', relay, carol)
        devices.push(laptop)
        const chats = await laptop.conversations({ limit: HISTORY_CHATS + 10 })
        if (chats.length < HISTORY_CHATS) throw new Error(`the companion has ${chats.length} of ${HISTORY_CHATS} chats`)
        report({ name: 'devices.link.s', value: seconds, unit: 's' })
      }

      const alices = [alice]
      const bobs = [bob]
      for (const n of FANOUT_DEVICES) {
        if (!filter(`msg.fanout.devices.${n}.p50`) && !filter(`msg.fanout.devices.${n}.p99`)) continue
        while (alices.length < n) {
          const { device: companion } = await link(dir, `alice-${alices.length + 1}`, relay, alice)
          alices.push(companion)
          devices.push(companion)
        }
        while (bobs.length < n) {
          const { device: companion } = await link(dir, `bob-${bobs.length + 1}`, relay, bob)
          bobs.push(companion)
          devices.push(companion)
        }
        // every device of bob takes each text: a sample ends when the last of them has it
        const counts = bobs.map(() => 0)
        const waiters: Array<() => void> = []
        bobs.forEach((b, k) => b.on('message', (m: ReceivedMessage) => {
          if (m.from !== '+15550710001') return
          counts[k]++
          for (const w of waiters.splice(0)) w()
        }))
        const bases = [...counts]
        const everyDeviceHas = async (more: number): Promise<void> => {
          while (counts.some((c, k) => c < bases[k] + more)) await next<void>(push => { waiters.push(push); return () => {} }, WAIT_MS, 'a text at every device of bob')
        }
        // the first text starts sessions with every device: not measured
        await alice.send('+15550710002', 'warm-up')
        await everyDeviceHas(1)
        const samples: number[] = []
        for (let i = 0; i < FANOUT_SAMPLES; i++) {
          const start = now()
          await alice.send('+15550710002', TEXT)
          await everyDeviceHas(i + 2)
          samples.push(now() - start)
        }
        report({ name: `msg.fanout.devices.${n}.p50`, value: median(samples), unit: 'ms' })
        report({ name: `msg.fanout.devices.${n}.p99`, value: percentile(samples, 99), unit: 'ms' })
      }
    } finally {
      for (const d of devices.reverse()) await d.stop().catch(() => {})
      await relay?.stop()
      await rm(dir, { recursive: true, force: true })
    }
  }
}
